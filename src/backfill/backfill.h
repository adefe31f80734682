/*
 * backfill: years of a mirror into one PostgreSQL store by many workers
 * on many machines (docs/backfill.md; ARCHITECTURE.md, "Where users
 * outgrow one machine").
 *
 * The mirror is cut into windows (docs/events.md §8: a window's events
 * are exactly those of a run over everything), queued as rows of the
 * store (store.h, "backfill": the SQL is the store's). A worker claims a
 * window under a lease, runs it as `events --from A --until B` does, with
 * the history (hist) clipped to the window, and writes what it learned in
 * the transaction that marks the window done. When the last window is
 * done, its worker joins the intervals across the windows' edges.
 *
 * This layer owns the runs and the worker processes; the cli only parses
 * options and prints.
 */
#ifndef RW_BACKFILL_H
#define RW_BACKFILL_H

#include "../store/store.h"

/* An option of the plan that changes the events, as given (both
 * borrowed): name is "vrps", "relationships", "watch", "countries" or
 * "collector"; arg its value (FILE, FILE@TIME, NAME or NAME=PATH). The
 * plan stores each with its path made absolute, and every worker loads it
 * for every window as `ingest` does (engine_inputs_add, feed_names_add). */
struct backfill_input {
	const char *name;
	const char *arg;
};

struct backfill_plan_opts {
	const char *db;            /* postgresql://... (borrowed) */
	char **mirror;             /* the mirror's paths, as every worker sees
				      them (borrowed) */
	int nmirror;
	const struct backfill_input *inputs; /* borrowed, in the order given */
	int ninputs;
	uint32_t from, until;      /* [from, until) */
	uint32_t window;           /* seconds (86400 by default) */
	uint32_t settle, gap;      /* as events --settle, --gap */
	unsigned min_peers;
};
/* Plan the windows: 0 (*n windows, plan *id); RW_EINVAL when a window
 * is planned already, the store cannot take a backfill or an input is
 * refused (a second --watch...), RW_EUNSUPPORTED on SQLite, RW_EIO (a
 * path or input file cannot be read: every input is loaded once here, as
 * a worker will) or RW_EDB (all logged). */
int backfill_plan(const struct backfill_plan_opts *o, int64_t *id, uint32_t *n);

struct backfill_work_opts {
	const char *db;
	unsigned workers;          /* processes on this machine (>= 1) */
	uint32_t lease;            /* seconds a claim holds without renewal */
	bool once;                 /* stop when nothing is claimable now,
				      instead of waiting for others' leases */
};
struct backfill_work_result {
	uint64_t windows, failed, lost, records, events;
	bool joined;               /* this run joined the intervals */
};
/* Work until every window is done (or, once, none is claimable), in
 * o->workers processes; the results of every process summed into *r.
 * 0, or 1 when a window failed in one of them (logged, recorded). */
int backfill_work(const struct backfill_work_opts *o, struct backfill_work_result *r);
/* Join now (when every window is done): *joined says whether it ran. */
int backfill_finish(const char *db, bool *joined);

#endif
