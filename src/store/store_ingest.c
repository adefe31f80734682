/*
 * `ingest`'s run (store.h, store_ingest): archives through the engine into
 * the history store, incremental and idempotent:
 *  - a file the store has taken completely (same name, size and head) is
 *    skipped without being read;
 *  - the engine starts from the snapshot the last run stored, and records
 *    before the store's clock (every record before it was applied) are
 *    skipped, so runs over consecutive files equal one long run;
 *  - a file whose records all lie before the clock is refused: nothing of
 *    it was applied (the history cannot go back in time), so it is not
 *    marked as stored either, and a store built from it later (a new
 *    store) still can take it;
 *  - checkpoints (store_run.c) commit what was learned with the snapshot
 *    and the clock, and the files finished since the last one.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct ingest {
	struct store_run run;
	struct store_file *ids;     /* identities of the inputs being run */
	const struct feed_input *in; /* the inputs (borrowed), for messages */
	uint32_t from;              /* the store's clock when the run began */
	bool window;                /* --from: files before it are no error */
	uint64_t refused;
};

static void on_second(void *arg, uint32_t sec)
{
	struct ingest *g = arg;
	store_run_second(&g->run, sec);
}

static void on_file_done(void *arg, size_t idx, bool damaged, uint64_t applied, uint64_t skipped)
{
	(void)damaged; /* read to the damage: what it held is applied */
	struct ingest *g = arg;
	if (!applied && skipped && g->window) {
		rw_log(RW_LOG_INFO, "%s: before the window's start: not marked as stored", g->in[idx].path);
		return;
	}
	if (!applied && skipped) {
		char tb[32];
		fmt_time_rfc3339(tb, g->from);
		rw_log(RW_LOG_ERROR, "%s: every record is before the store's clock %s: nothing applied, not marked "
				     "as stored (the history only goes forward: ingest older files into a new store, "
				     "oldest first)",
		       g->in[idx].path, tb);
		g->refused++;
		return;
	}
	store_run_file_done(&g->run, &g->ids[idx]);
}

int store_ingest(char **paths, int n, const struct store_ingest_opts *o, struct feed_stats *fst,
		 struct store_ingest_result *res)
{
	memset(res, 0, sizeof *res);
	struct ingest g;
	int orc = store_run_open(&g.run, o->db, o->min_peers);
	if (orc)
		return orc;
	snprintf(res->where, sizeof res->where, "%s", g.run.st.where);
	g.run.every = o->every ? o->every : 3600;
	g.run.every_wall = o->every_wall;
	g.run.names = o->names;
	uint32_t clock = g.run.clock;
	if (o->from && clock) {
		char tb[32];
		fmt_time_rfc3339(tb, clock);
		rw_log(RW_LOG_ERROR, "%s: --from starts a new store's history, and this store has one up to %s: "
				     "ingest goes on from there without --from",
		       g.run.st.where, tb);
		store_run_close(&g.run);
		return RW_EINVAL;
	}
	g.run.h.events_from = o->from;
	struct engine *e = rw_malloc(sizeof *e);
	engine_init(e, g.run.min_peers, hist_on_event, &g.run.h);
	e->gap = o->gap;
	/* before the resume: the snapshot's routes are counted into the
	 * countries, and the history of countries is attached with them */
	if (o->geo)
		engine_countries(e, o->geo);
	int rc = store_run_resume(&g.run, e);
	if (rc) {
		rc = RW_EDB;
		goto out;
	}
	/* the counters continue from the snapshot: this run's are the rest */
	struct engine_stats st0 = e->st;
	struct archive_opts ao = {.feed = o->feed};
	if (o->rel)
		engine_relationships(e, o->rel);
	if (o->watch)
		engine_watch(e, o->watch);
	if (o->vrps && o->vrps->n) {
		/* a resumed run: the VRPs in force at its clock, silently */
		if (engine_vrps_start(e, o->vrps, clock ? clock - 1 : 0))
			res->damaged = true;
		ao.vrps = o->vrps;
	}
	struct feed_inputs inputs;
	if (feed_inputs(paths, n, o->feed.names, &o->feed.io, &inputs, fst))
		res->damaged = true;
	struct feed_input *in = inputs.v;
	size_t nin = inputs.n;
	/* files the store has already: skipped unread */
	g.ids = rw_calloc(nin + 1, sizeof *g.ids);
	size_t k = 0;
	for (size_t i = 0; i < nin; i++) {
		bool known = false;
		if (store_file_identify(&g.ids[k], in[i].path, in[i].collector, in[i].first_ts) == 0 &&
		    store_file_known(&g.run.st, &g.ids[k], &known) == 0 && known) {
			rw_log(RW_LOG_INFO, "%s: already in the store", in[i].path);
			res->files_known++;
			free(in[i].path);
			free(in[i].collector);
			continue;
		}
		in[k++] = in[i];
	}
	nin = k;
	inputs.n = (uint32_t)k;
	g.in = in;
	g.from = clock;
	g.window = o->from != 0;
	g.refused = 0;
	if (o->from || o->until)
		archive_window(&inputs, &ao, o->from, o->until ? o->until - 1 : 0, 0);
	ao.from = clock;
	ao.second = on_second;
	ao.file_done = on_file_done;
	ao.arg = &g;
	uint64_t ev0 = g.run.h.events;
	if (nin) {
		if (archive_run(e, &inputs, &ao, fst))
			res->damaged = true;
		/* the last second is evaluated: the clock is the one after it */
		uint32_t end = e->have_sec ? e->sec + 1 : clock;
		if (store_run_checkpoint(&g.run, end > clock ? end : clock))
			rc = RW_EDB;
	} else if (o->names) {
		/* nothing new to run: only the names, in a transaction of their
		 * own (the engine state stays as it is) */
		if (db_begin(g.run.st.db) || store_names_put(&g.run.st, o->names) || db_commit(g.run.st.db)) {
			store_fail(&g.run.st, "writing names", RW_EDB);
			db_rollback(g.run.st.db);
			rc = RW_EDB;
		}
	}
	res->files_done = g.run.files_done;
	res->files_refused = g.refused;
	res->events = g.run.h.events - ev0;
	res->intervals_opened = g.run.h.intervals_opened;
	res->intervals_closed = g.run.h.intervals_closed;
	res->points = g.run.h.points;
	res->commits = g.run.commits;
	res->clock = g.run.clock;
	res->st = e->st;
	for (size_t i = 0; i < sizeof res->st / sizeof res->st.elems; i++)
		(&res->st.elems)[i] -= (&st0.elems)[i];
	res->prefixes = e->rib.npfx;
	res->routes = e->rib.route_count;
	res->paths = e->rib.path_live;
	feed_inputs_free(&inputs);
	free(g.ids);
out:
	store_run_close(&g.run);
	engine_release(e);
	free(e);
	return rc;
}
