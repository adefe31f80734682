/*
 * The engine with the history store, as `ingest` and `collect --db` run
 * it: open the store, resume from its engine snapshot, and checkpoint
 * (what hist learned, the snapshot, the clock) inside a transaction.
 */
#include "cli.h"
#include "../store/hist.h"

#include <stdlib.h>
#include <sys/stat.h>

int cli_store_open(struct store *s, const char *db, bool create)
{
	char path[4096], err[600];
	if (!db) {
		if (store_default_path(path, sizeof path, create)) {
			rw_log(RW_LOG_ERROR, "cannot make the directory of the default store %s", path);
			return RW_EIO;
		}
		db = path;
	}
	if (!create && strncmp(db, "postgres", 8)) {
		struct stat sb;
		if (stat(db, &sb)) {
			rw_log(RW_LOG_ERROR, "%s: no history store here (routewatch ingest makes one)", db);
			return RW_ENOTFOUND;
		}
	}
	int rc = store_open(s, db, err, sizeof err);
	if (rc)
		rw_log(RW_LOG_ERROR, "%s", err);
	return rc;
}

int cli_store_resume(struct store *st, struct hist *h, struct engine *e)
{
	uint8_t *snap;
	size_t n;
	int lr = store_state_load(st, &snap, &n);
	if (lr == 0) {
		char err[256];
		lr = engine_load(e, snap, n, err, sizeof err);
		free(snap);
		if (lr) {
			rw_log(RW_LOG_ERROR, "%s: the stored engine state cannot be read: %s", st->where, err);
			return lr;
		}
	} else if (lr != RW_ENOTFOUND) {
		rw_log(RW_LOG_ERROR, "%s: reading the engine state: %s", st->where,
		       lr == RW_EDB ? db_errmsg(st->db) : rw_strerror(lr));
		return lr;
	}
	hist_attach(h, e);
	return hist_load(h, st) ? RW_EDB : 0;
}

int cli_store_checkpoint(struct store *st, struct hist *h, const struct engine *e, uint32_t clock,
			 double *t_hist, double *t_state)
{
	double t0 = now_seconds();
	int rc = hist_write(h, st, &e->rib);
	double t1 = now_seconds();
	if (rc)
		return rc; /* hist_write said what failed */
	struct store_state_w w;
	rc = store_state_begin(st, &w);
	int rs = rc ? rc : engine_save(e, &w.o);
	int rf = store_state_finish(&w);
	rc = rc ? rc : rs ? rs : rf;
	if (rc)
		return store_fail(st, "writing the engine state", rc);
	if (t_hist)
		*t_hist = t1 - t0;
	if (t_state)
		*t_state = now_seconds() - t1;
	if ((rc = store_meta_set(st, "clock", clock)))
		return store_fail(st, "writing the clock", rc);
	if ((rc = store_meta_set(st, "min_peers", e->det.min_peers)))
		return store_fail(st, "writing min_peers", rc);
	return 0;
}
