/*
 * collect --db: the live engine's history goes into the store as ingest's
 * does (cmd_ingest.c): what hist learned (events, intervals and shares,
 * prefix counts), the engine snapshot and the clock, in one transaction
 * per checkpoint. Checkpoints are taken when the clock moves to a new
 * second (nothing of it applied: a snapshot then continues exactly), at
 * most every `every` seconds, and at shutdown.
 *
 * A restart loads the snapshot: the routes of before the restart stay
 * until their peers reconnect and send their tables again (no event for
 * what did not change), as a replay of the archive across the restart
 * would keep them.
 */
#include "cli.h"
#include "collect_store.h"

#include <stdlib.h>
#include <time.h>

int col_store_open(struct col_store *cs, const char *db, unsigned *min_peers, bool min_given)
{
	memset(cs, 0, sizeof *cs);
	cs->every = 60;
	if (cli_store_open(&cs->st, db, true))
		return RW_EIO;
	int64_t stored = 0;
	store_meta_get(&cs->st, "min_peers", &stored);
	if (stored && min_given && stored != *min_peers) {
		rw_log(RW_LOG_ERROR, "%s holds a history built with --min-peers %lld; it cannot continue with %u",
		       cs->st.where, (long long)stored, *min_peers);
		store_close(&cs->st);
		return RW_EINVAL;
	}
	if (stored && !min_given)
		*min_peers = (unsigned)stored;
	hist_init(&cs->h);
	cs->open = true;
	return 0;
}

int col_store_attach(struct col_store *cs, struct engine *e)
{
	cs->e = e;
	int rc = cli_store_resume(&cs->st, &cs->h, e);
	if (!rc && e->rib.npfx)
		rw_log(RW_LOG_INFO, "%s: continuing from the stored state (%u prefixes, %llu routes)", cs->st.where,
		       e->rib.npfx, (unsigned long long)e->rib.route_count);
	return rc;
}

void col_store_event(struct col_store *cs, const struct det_event *ev)
{
	hist_on_event(&cs->h, ev);
}

static int checkpoint(struct col_store *cs, uint32_t clock)
{
	int rc = db_begin(cs->st.db);
	if (rc)
		return store_fail(&cs->st, "begin", rc);
	rc = cli_store_checkpoint(&cs->st, &cs->h, cs->e, clock, NULL, NULL);
	if (!rc && (rc = db_commit(cs->st.db)))
		store_fail(&cs->st, "commit", rc);
	if (rc) {
		db_rollback(cs->st.db);
		return rc;
	}
	cs->commits++;
	return 0;
}

void col_store_second(struct col_store *cs, uint32_t clock, bool final)
{
	if (cs->failed)
		return;
	double now = now_seconds();
	if (!final && now - cs->last_wall < cs->every)
		return;
	cs->last_wall = now;
	if (checkpoint(cs, clock)) {
		/* the sessions and the archive go on; the store does not */
		rw_log(RW_LOG_ERROR, "%s: checkpoint failed; no more history is stored in this run", cs->st.where);
		cs->failed = true;
	}
}

int col_store_close(struct col_store *cs)
{
	if (!cs->open)
		return 0;
	hist_release(&cs->h);
	store_close(&cs->st);
	cs->open = false;
	return cs->failed ? RW_EDB : 0;
}
