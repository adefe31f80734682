/*
 * store_inputs: the files that change what the engine detects
 * (docs/events.md §11-§14): --vrps FILE[@TIME], --relationships FILE,
 * --watch FILE, --countries FILE. One loader for every run over archives:
 * `events` and `ingest` (through cli/util.c's sec_opt), `collect` and
 * `watch` (cli/pipe_opts.c), and each backfill window (src/backfill/),
 * whose worker reads the files its plan names. They live in the store
 * layer because it is the lowest that both the cli and the backfill
 * reach, and it already runs the engine over archives for ingest with
 * them (store_ingest_opts).
 *
 * Ownership: struct store_inputs owns what it loaded; the VRP files'
 * paths are borrowed (engine_vrps keeps the argument string), so the
 * caller keeps them alive until store_inputs_release.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>

void store_inputs_init(struct store_inputs *s)
{
	memset(s, 0, sizeof *s);
	engine_vrps_init(&s->vrps);
	asrel_init(&s->rel);
	watch_init(&s->watch);
	geo_init(&s->geo);
}

void store_inputs_release(struct store_inputs *s)
{
	engine_vrps_release(&s->vrps);
	asrel_release(&s->rel);
	watch_release(&s->watch);
	geo_release(&s->geo);
}

int store_rel_load(struct asrel *rel, bool *have, const char *arg, char *err, size_t esz)
{
	char why[512] = "";
	if (*have) {
		snprintf(err, esz, "--relationships: one file");
		return RW_EINVAL;
	}
	if (asrel_load(rel, arg, why, sizeof why)) {
		snprintf(err, esz, "--relationships %s: %s", arg, why[0] ? why : "cannot be read");
		return RW_EIO;
	}
	rw_log(RW_LOG_INFO, "%s: %u relationships (%u provider-customer, %u peer)", arg, rel->links, rel->p2c,
	       rel->p2p);
	*have = true;
	return 0;
}

static int add_watch(struct store_inputs *s, const char *arg, char *err, size_t esz)
{
	char why[512] = "";
	if (s->have_watch) {
		snprintf(err, esz, "--watch: one watch list");
		return RW_EINVAL;
	}
	if (watch_load(&s->watch, arg, why, sizeof why)) {
		/* watch_load's message starts with the file's name */
		snprintf(err, esz, "--watch %s", why[0] ? why : arg);
		return RW_EIO;
	}
	rw_log(RW_LOG_INFO, "%s: %u prefixes and %u networks watched", arg, s->watch.npfx, s->watch.nasns);
	s->have_watch = true;
	return 0;
}

static int add_countries(struct store_inputs *s, const char *arg, char *err, size_t esz)
{
	char why[512] = "";
	if (geo_load(&s->geo, arg, why, sizeof why)) {
		/* geo_load's message starts with the file's name */
		snprintf(err, esz, "--countries %s", why[0] ? why : arg);
		return RW_EIO;
	}
	rw_log(RW_LOG_INFO, "%s: %u networks with a country in all", arg, geo_count(&s->geo));
	s->have_geo = true;
	return 0;
}

int store_inputs_add(struct store_inputs *s, int opt, const char *arg, char *err, size_t esz)
{
	snprintf(err, esz, "%s", "");
	switch (opt) {
	case STORE_IN_VRPS:
		/* engine_vrps_add logs its own error; the file is read later
		 * (store_inputs_engine, or when its @TIME comes) */
		if (engine_vrps_add(&s->vrps, arg)) {
			snprintf(err, esz, "--vrps %s: not FILE or FILE@TIME", arg);
			return RW_EINVAL;
		}
		return 0;
	case STORE_IN_REL: return store_rel_load(&s->rel, &s->have_rel, arg, err, esz);
	case STORE_IN_WATCH: return add_watch(s, arg, err, esz);
	case STORE_IN_COUNTRIES: return add_countries(s, arg, err, esz);
	default: snprintf(err, esz, "unknown input option %d", opt); return RW_EINVAL;
	}
}

int store_inputs_engine(struct store_inputs *s, struct engine *e, uint32_t at, struct archive_opts *ao)
{
	if (s->have_rel)
		engine_relationships(e, &s->rel);
	if (s->have_watch)
		engine_watch(e, &s->watch);
	if (s->have_geo)
		engine_countries(e, &s->geo);
	if (!s->vrps.n)
		return 0;
	if (ao)
		ao->vrps = &s->vrps;
	return engine_vrps_start(e, &s->vrps, at) ? RW_EIO : 0;
}
