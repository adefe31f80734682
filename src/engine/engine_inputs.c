/*
 * engine_inputs: the files that change what the engine detects
 * (docs/events.md §11-§14): --vrps FILE[@TIME], --relationships FILE,
 * --watch FILE, --countries FILE. One loader for every run over archives:
 * `events` and `ingest` (through cli/util.c's sec_opt), `collect` and
 * `watch` (cli/pipe_opts.c), and each backfill window (src/backfill/),
 * whose worker reads the files its plan names. The engine owns them: it
 * is what they change, and every layer that runs it (store, backfill,
 * pipe, cli) reaches it.
 *
 * Ownership: struct engine_inputs owns what it loaded; the VRP files'
 * paths are borrowed (engine_vrps keeps the argument string), so the
 * caller keeps them alive until engine_inputs_release.
 */
#include "engine.h"
#include "../asrel/asrel.h"
#include "../geo/geo.h"
#include "../watch/watch.h"

#include <stdio.h>
#include <stdlib.h>

void engine_inputs_init(struct engine_inputs *s)
{
	memset(s, 0, sizeof *s);
	engine_vrps_init(&s->vrps);
	asrel_init(&s->rel);
	watch_init(&s->watch);
	geo_init(&s->geo);
}

void engine_inputs_release(struct engine_inputs *s)
{
	engine_vrps_release(&s->vrps);
	asrel_release(&s->rel);
	watch_release(&s->watch);
	geo_release(&s->geo);
}

int engine_rel_load(struct asrel *rel, bool *have, const char *arg, char *err, size_t esz)
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

static int add_watch(struct engine_inputs *s, const char *arg, char *err, size_t esz)
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

static int add_countries(struct engine_inputs *s, const char *arg, char *err, size_t esz)
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

int engine_inputs_add(struct engine_inputs *s, int opt, const char *arg, char *err, size_t esz)
{
	snprintf(err, esz, "%s", "");
	switch (opt) {
	case ENGINE_IN_VRPS:
		/* engine_vrps_add logs its own error; the file is read later
		 * (engine_inputs_apply, or when its @TIME comes) */
		if (engine_vrps_add(&s->vrps, arg)) {
			snprintf(err, esz, "--vrps %s: not FILE or FILE@TIME", arg);
			return RW_EINVAL;
		}
		return 0;
	case ENGINE_IN_REL: return engine_rel_load(&s->rel, &s->have_rel, arg, err, esz);
	case ENGINE_IN_WATCH: return add_watch(s, arg, err, esz);
	case ENGINE_IN_COUNTRIES: return add_countries(s, arg, err, esz);
	default: snprintf(err, esz, "unknown input option %d", opt); return RW_EINVAL;
	}
}

int engine_inputs_apply(struct engine_inputs *s, struct engine *e, uint32_t at, struct archive_opts *ao)
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
