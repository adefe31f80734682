/*
 * The runner (store.h, struct store_run): an engine run into the history
 * store, as `ingest`, `collect --db` and the coming backfill worker and web
 * server need it. It opens the store, checks --min-peers against the one
 * the history was built with, resumes the engine from the stored snapshot,
 * and takes checkpoints: in one transaction, the names given, the files
 * finished, what the history learned since the last one (events, interval
 * rows, series points), the engine snapshot and the clock (the first
 * second not applied). Killed at any moment, the store holds the last
 * checkpoint and the next run carries on from it exactly.
 *
 * Checkpoints are taken between seconds (a snapshot then continues
 * exactly): when `every` seconds of record time have passed since the last
 * one, but never more often than every `every_wall` seconds of real time;
 * and at the end.
 */
#include "store.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int store_open_at(struct store *s, const char *db, bool create)
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

int store_run_open(struct store_run *r, const char *db, unsigned min_peers)
{
	memset(r, 0, sizeof *r);
	r->every_wall = 30;
	if (store_open_at(&r->st, db, true))
		return RW_EIO;
	int wr = store_writer_begin(&r->st);
	if (wr) {
		store_close(&r->st);
		return wr;
	}
	/* a backfill not joined yet has no intervals and no clock: what
	 * this run wrote would be lost (the join rebuilds them) or be
	 * written from a state of the middle of the backfill */
	int64_t unjoined = 0;
	if (store_bf_unjoined(&r->st, &unjoined) || unjoined) {
		if (unjoined)
			rw_log(RW_LOG_ERROR, "%s: a backfill is planned into this store and not finished: it can be "
					     "continued once `routewatch backfill work` (or finish) has joined it",
			       r->st.where);
		store_close(&r->st);
		return RW_EINVAL;
	}
	int64_t stored = 0, clock = 0;
	store_meta_get(&r->st, "min_peers", &stored);
	store_meta_get(&r->st, "clock", &clock);
	if (stored && min_peers && stored != min_peers) {
		rw_log(RW_LOG_ERROR, "%s holds a history built with --min-peers %lld; it cannot continue with %u",
		       r->st.where, (long long)stored, min_peers);
		store_close(&r->st);
		return RW_EINVAL;
	}
	r->min_peers = min_peers ? min_peers : stored ? (unsigned)stored : 2;
	r->clock = clock > 0 && clock <= UINT32_MAX ? (uint32_t)clock : 0;
	hist_init(&r->h);
	r->open = true;
	return 0;
}

int store_engine_load(struct store *s, struct engine *e)
{
	uint8_t *snap;
	size_t n;
	int lr = store_state_load(s, &snap, &n);
	if (lr == 0) {
		char err[256];
		lr = engine_load(e, snap, n, err, sizeof err);
		free(snap);
		if (lr)
			rw_log(RW_LOG_ERROR, "%s: the stored engine state cannot be read: %s", s->where, err);
	} else if (lr == RW_ECOMPRESS) {
		rw_log(RW_LOG_ERROR, "%s: the stored engine state is damaged (its checksum or its compression does "
				     "not hold); refusing to continue from it: restore a copy, or move the store away "
				     "to start a new history",
		       s->where);
	} else if (lr != RW_ENOTFOUND) {
		rw_log(RW_LOG_ERROR, "%s: reading the engine state: %s", s->where,
		       lr == RW_EDB ? db_errmsg(s->db) : rw_strerror(lr));
	}
	return lr;
}

static void no_event(void *arg, const struct det_event *e)
{
	(void)arg;
	(void)e;
}

struct engine *store_state_engine(const char *db, uint32_t *clock, int *rc)
{
	struct store st;
	*clock = 0;
	if ((*rc = store_open_at(&st, db, false)))
		return NULL;
	int64_t mp = 0, ck = 0;
	store_meta_get(&st, "min_peers", &mp);
	store_meta_get(&st, "clock", &ck);
	struct engine *e = rw_malloc(sizeof *e);
	engine_init(e, mp > 0 ? (unsigned)mp : 2, no_event, NULL);
	*rc = store_engine_load(&st, e);
	if (*rc == RW_ENOTFOUND)
		rw_log(RW_LOG_ERROR, "%s: no stored state (nothing ingested yet)", st.where);
	store_close(&st);
	if (*rc) {
		engine_release(e);
		free(e);
		return NULL;
	}
	*clock = ck > 0 && ck <= UINT32_MAX ? (uint32_t)ck : 0;
	return e;
}

int store_run_resume(struct store_run *r, struct engine *e)
{
	r->e = e;
	int lr = store_engine_load(&r->st, e);
	if (lr && lr != RW_ENOTFOUND)
		return lr;
	hist_attach(&r->h, e);
	hist_history(&r->h, &r->st, &e->rib);
	if (hist_load(&r->h, &r->st))
		return RW_EDB;
	if (e->rib.npfx)
		rw_log(RW_LOG_INFO, "%s: continuing from the stored state (%u prefixes, %llu routes)", r->st.where,
		       e->rib.npfx, (unsigned long long)e->rib.route_count);
	r->last_wall = now_s();
	return 0;
}

void store_run_file_done(struct store_run *r, const struct store_file *f)
{
	rw_vec_grow(&r->done, &r->capdone, (size_t)r->ndone + 1, sizeof *r->done, UINT32_MAX, RW_MEM_STORE);
	r->done[r->ndone++] = *f;
}

/* The body of a checkpoint, inside the transaction. */
static int write_all(struct store_run *r, uint32_t clock, double *t_hist, double *t_state)
{
	int rc = 0;
	if (r->names && (rc = store_names_put(&r->st, r->names)))
		return store_fail(&r->st, "writing names", rc);
	for (uint32_t i = 0; i < r->ndone; i++)
		if ((rc = store_file_add(&r->st, &r->done[i], (int64_t)time(NULL))))
			return store_fail(&r->st, "writing files", rc);
	double t0 = now_s();
	if ((rc = hist_write(&r->h, &r->st, &r->e->rib)))
		return rc; /* hist_write said what failed */
	double t1 = now_s();
	struct store_state_w w;
	rc = store_state_begin(&r->st, &w);
	int rs = rc ? rc : engine_save(r->e, &w.o);
	int rf = store_state_finish(&w);
	rc = rc ? rc : rs ? rs : rf;
	if (rc)
		return store_fail(&r->st, "writing the engine state", rc);
	*t_hist = t1 - t0;
	*t_state = now_s() - t1;
	if ((rc = store_meta_set(&r->st, "clock", clock)))
		return store_fail(&r->st, "writing the clock", rc);
	if ((rc = store_meta_set(&r->st, "state_checksum", 1)))
		return store_fail(&r->st, "writing the checksum flag", rc);
	if ((rc = store_meta_set(&r->st, "min_peers", r->e->det.min_peers)))
		return store_fail(&r->st, "writing min_peers", rc);
	return 0;
}

#define RETRY_WALL 10 /* s between tries of a failed checkpoint */

int store_run_checkpoint(struct store_run *r, uint32_t clock)
{
	double t0 = now_s(), th = 0, ts = 0;
	int rc = db_begin(r->st.db);
	if (rc)
		store_fail(&r->st, "begin", rc);
	else
		rc = write_all(r, clock, &th, &ts);
	double tc = now_s();
	if (!rc && (rc = db_commit(r->st.db)))
		store_fail(&r->st, "commit", rc);
	if (rc) {
		db_rollback(r->st.db);
		/* the same and more is written at the next try (hist_write);
		 * the engine goes on meanwhile */
		if (!r->failures++ || r->failures % 30 == 0)
			rw_log(RW_LOG_ERROR, "%s: checkpoint failed (%llu in a row); the history is kept in memory and "
					     "stored when a checkpoint works again (tried every %d s)",
			       r->st.where, (unsigned long long)r->failures, RETRY_WALL);
		r->retry_wall = now_s() + RETRY_WALL;
		return r->failed = rc;
	}
	hist_written(&r->h);
	if (r->failures)
		rw_log(RW_LOG_WARN, "%s: checkpoint worked after %llu failed ones: the history is stored again",
		       r->st.where, (unsigned long long)r->failures);
	r->failures = 0;
	r->failed = 0;
	r->names = NULL;
	r->files_done += r->ndone;
	r->ndone = 0;
	r->commits++;
	r->last_ckpt = clock;
	r->last_wall = now_s();
	r->clock = clock;
	char tb[32];
	fmt_time_rfc3339(tb, clock);
	rw_log(RW_LOG_DEBUG, "checkpoint %llu at %s in %.3f s (history %.3f s, engine state %.3f s, commit %.3f s)",
	       (unsigned long long)r->commits, tb, now_s() - t0, th, ts, now_s() - tc);
	return 0;
}

bool store_run_due(struct store_run *r, uint32_t clock)
{
	if (!r->last_ckpt)
		r->last_ckpt = clock;
	if (r->failures)
		return now_s() >= r->retry_wall;
	return clock - r->last_ckpt >= r->every && now_s() - r->last_wall >= r->every_wall;
}

void store_run_second(struct store_run *r, uint32_t clock)
{
	if (store_run_due(r, clock))
		store_run_checkpoint(r, clock);
}

static void *checkpoint_main(void *arg)
{
	struct store_run *r = arg;
	store_run_checkpoint(r, r->async_clock);
	atomic_store(&r->ended, true);
	return NULL;
}

void store_run_checkpoint_async(struct store_run *r, uint32_t clock)
{
	r->async_clock = clock;
	atomic_store(&r->ended, false);
	if (rw_thread_start(&r->th, checkpoint_main, r, "checkpoint")) {
		store_run_checkpoint(r, clock); /* no thread: the caller waits */
		return;
	}
	r->busy = true;
}

bool store_run_idle(struct store_run *r)
{
	if (r->busy && atomic_load(&r->ended))
		store_run_wait(r);
	return !r->busy;
}

void store_run_wait(struct store_run *r)
{
	if (!r->busy)
		return;
	pthread_join(r->th, NULL);
	r->busy = false;
}

void store_run_close(struct store_run *r)
{
	if (!r->open)
		return;
	store_run_wait(r);
	hist_release(&r->h);
	rw_vec_free(&r->done, &r->capdone, sizeof *r->done, RW_MEM_STORE);
	store_close(&r->st);
	r->open = false;
}
