/*
 * backfill.h: planning, the workers and their windows.
 *
 * A worker process owns one connection to the store and loops: claim a
 * window (store_bf_claim), run it, write it (store_bf_done_begin,
 * hist_write_window, store_bf_done_commit), until no window is left; it
 * waits while others hold windows (their leases may expire: it then
 * takes them over). The worker that finds every window done joins the
 * intervals (store_bf_join; a second joiner finds nothing to do).
 *
 * A window's run is `events --from A --until B --settle S` (archive_window,
 * an engine of its own, no store lookups: the events depend on the mirror
 * only, not on which windows are done already), with a hist clipped to
 * [A, B): what the engine learns before A (from each collector's
 * starting RIB dump) is the window before's, and after B only events
 * dated before B are kept. The first window of a plan keeps what it
 * learns before A, as `ingest --from A` does.
 *
 * Leases: renewed every lease/3 seconds of wall time by a thread of the
 * worker with its own connection (struct keeper), whatever the run does;
 * a worker that lost its window (stopped longer than its lease, and
 * another claimed it) stops when the keeper finds out, or finds out at
 * its commit, and writes nothing.
 *
 * Inputs: the plan keeps the options of ingest that change the events
 * (--vrps, --relationships, --watch, --countries, --collector) as
 * "NAME=VALUE" lines with absolute paths; each window loads them with
 * ingest's loaders (engine_inputs, feed_names) before it runs, and fails,
 * naming the file, when one cannot be opened on this machine.
 *
 * The latest window of the queue also writes the engine state at its end
 * (and the join the clock): a later `ingest` goes on from there, as after
 * an ingest. Every window records the files it read to their end (the
 * store's files table), so that ingest skips them.
 */
#include "backfill.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int open_pg(struct store *s, const char *db)
{
	if (strncmp(db, "postgresql://", 13) && strncmp(db, "postgres://", 11)) {
		rw_log(RW_LOG_ERROR, "%s: backfill needs a PostgreSQL store (--db postgresql://...): its workers, on "
				     "any number of machines, share the queue through the server's row locks; an "
				     "SQLite file is filled by `routewatch ingest`",
		       db);
		return RW_EUNSUPPORTED;
	}
	int rc = store_open_at(s, db, true);
	if (rc)
		return rc;
	if ((rc = store_bf_schema(s)))
		store_close(s);
	return rc;
}

/* ---------------------------------------------------------------- inputs */

/* The plan's options that change the events (struct backfill_input),
 * kept in the plan as "NAME=VALUE" lines with their paths absolute, as
 * the mirror's are. A worker loads them for each window with the loaders
 * `ingest` uses: engine_inputs_add for the files, feed_names_add for
 * --collector. */
static const struct in_kind {
	const char *name;
	int opt;                   /* enum engine_input; 0: --collector */
} in_kinds[] = {
	{"vrps", ENGINE_IN_VRPS},   {"relationships", ENGINE_IN_REL}, {"watch", ENGINE_IN_WATCH},
	{"countries", ENGINE_IN_COUNTRIES}, {"collector", 0},
};

static const struct in_kind *in_kind(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof in_kinds / sizeof *in_kinds; i++)
		if (strlen(in_kinds[i].name) == len && !memcmp(in_kinds[i].name, name, len))
			return &in_kinds[i];
	return NULL;
}

/* Where the file of an input's value starts and ends: the whole value;
 * a VRP file's without its "@TIME" (engine_vrps_add splits it so); a
 * collector's PATH after "NAME=" (none: *len 0). */
static const char *in_path(const struct in_kind *k, const char *v, size_t *len)
{
	*len = strlen(v);
	if (k->opt == ENGINE_IN_VRPS) {
		const char *at = strrchr(v, '@');
		if (at)
			*len = (size_t)(at - v);
	} else if (!k->opt) {
		const char *eq = strchr(v, '=');
		*len = eq ? strlen(eq + 1) : 0;
		return eq ? eq + 1 : v;
	}
	return v;
}

/* An input's value with its path absolute, appended to m as a line. */
static int plan_input(struct obuf *m, const struct in_kind *k, const char *arg)
{
	size_t len;
	const char *p = in_path(k, arg, &len);
	char *rel = rw_strndup(p, len), *abs = len ? realpath(rel, NULL) : NULL;
	int rc = 0;
	if (len && !abs) {
		rw_log(RW_LOG_ERROR, "--%s %s: %s", k->name, rel, strerror(errno));
		rc = RW_EIO;
	} else if (strchr(arg, '\n') || (abs && strchr(abs, '\n'))) {
		rw_log(RW_LOG_ERROR, "--%s %s: a value with a newline cannot be planned", k->name, arg);
		rc = RW_EINVAL;
	} else {
		obuf_puts(m, k->name);
		obuf_putc(m, '=');
		obuf_write(m, arg, (size_t)(p - arg));
		obuf_puts(m, abs ? abs : "");
		obuf_puts(m, abs ? p + len : p);
		obuf_putc(m, '\n');
	}
	free(abs);
	free(rel);
	return rc;
}

/* The inputs a window runs with: loaded from its plan's lines. */
struct win_inputs {
	struct engine_inputs si;
	struct feed_names coll;    /* --collector */
	bool have_coll;
	char *text;                /* owned: the lines, cut in place; the VRP
				      paths point into it (engine_vrps
				      borrows them) */
};

static void win_inputs_init(struct win_inputs *wi)
{
	memset(wi, 0, sizeof *wi);
	engine_inputs_init(&wi->si);
	feed_names_init(&wi->coll);
}

static void win_inputs_release(struct win_inputs *wi)
{
	engine_inputs_release(&wi->si);
	feed_names_release(&wi->coll);
	free(wi->text);
}

/* One "NAME=VALUE" line: its file readable here, then loaded. 0, or the
 * error with err naming the option and the file. */
static int load_input(struct win_inputs *wi, char *line, char *err, size_t esz)
{
	char *eq = strchr(line, '=');
	const struct in_kind *k = eq ? in_kind(line, (size_t)(eq - line)) : NULL;
	if (!k) {
		snprintf(err, esz, "the plan holds an input this worker does not know: '%.200s' (a newer routewatch "
				   "planned it?)", line);
		return RW_EINVAL;
	}
	const char *v = eq + 1;
	size_t len;
	const char *p = in_path(k, v, &len);
	if (len) {
		/* refused here, before the run, so that the message names the
		 * file: the loaders (and a VRP file read later) only log */
		char *path = rw_strndup(p, len);
		FILE *f = fopen(path, "r");
		if (!f)
			snprintf(err, esz, "--%s %s: %s (the plan names it: every worker must read it at that path)",
				 k->name, path, strerror(errno));
		else
			fclose(f);
		free(path);
		if (!f)
			return RW_EIO;
	}
	if (!k->opt) {
		wi->have_coll = true;
		if (feed_names_add(&wi->coll, v)) {
			snprintf(err, esz, "--collector '%.200s': not NAME or NAME=PATH", v);
			return RW_EINVAL;
		}
		return 0;
	}
	return engine_inputs_add(&wi->si, k->opt, v, err, esz);
}

/* Every line of text (a plan's inputs): 0, or the first error (err says
 * which). */
static int win_inputs_load(struct win_inputs *wi, const char *text, char *err, size_t esz)
{
	wi->text = rw_strdup(text ? text : "");
	int rc = 0;
	for (char *p = wi->text, *save = NULL, *t; !rc && (t = strtok_r(p, "\n", &save)); p = NULL)
		rc = load_input(wi, t, err, esz);
	return rc;
}

/* The plan's inputs as "NAME=VALUE" lines into m (paths absolute), each
 * loaded once as a worker will load it, so that a file that cannot be
 * read or parsed is refused now rather than in every window. */
static int plan_inputs(const struct backfill_plan_opts *o, struct obuf *m)
{
	int rc = 0;
	for (int i = 0; !rc && i < o->ninputs; i++) {
		const struct in_kind *k = in_kind(o->inputs[i].name, strlen(o->inputs[i].name));
		if (!k) {
			rw_log(RW_LOG_ERROR, "backfill plan: no input option '%s'", o->inputs[i].name);
			return RW_EINVAL;
		}
		rc = plan_input(m, k, o->inputs[i].arg);
	}
	obuf_putc(m, 0);
	if (rc)
		return rc;
	struct win_inputs wi;
	win_inputs_init(&wi);
	char err[700] = "";
	rc = win_inputs_load(&wi, (const char *)m->buf, err, sizeof err);
	if (rc)
		rw_log(RW_LOG_ERROR, "backfill plan: %s", err);
	win_inputs_release(&wi);
	return rc;
}

int backfill_plan(const struct backfill_plan_opts *o, int64_t *id, uint32_t *n)
{
	*id = 0;
	*n = 0;
	if (!o->window || o->from >= o->until) {
		rw_log(RW_LOG_ERROR, "backfill plan: --from must be before --until, and --window above 0");
		return RW_EINVAL;
	}
	/* every worker reads the same paths: they are stored as given, made
	 * absolute so a worker started elsewhere on the same mount finds them */
	struct obuf m = {0};
	for (int i = 0; i < o->nmirror; i++) {
		char *abs = realpath(o->mirror[i], NULL);
		if (!abs) {
			rw_log(RW_LOG_ERROR, "%s: %s", o->mirror[i], strerror(errno));
			obuf_release(&m);
			return RW_EIO;
		}
		if (strchr(abs, '\n')) {
			rw_log(RW_LOG_ERROR, "%s: a path with a newline cannot be planned", o->mirror[i]);
			free(abs);
			obuf_release(&m);
			return RW_EINVAL;
		}
		if (i)
			obuf_putc(&m, '\n');
		obuf_puts(&m, abs);
		free(abs);
	}
	obuf_putc(&m, 0);
	struct obuf in = {0};
	int rc = plan_inputs(o, &in);
	struct store s;
	if (!rc)
		rc = open_pg(&s, o->db);
	if (!rc) {
		struct store_bf_plan p = {.mirror = (const char *)m.buf, .inputs = (const char *)in.buf,
					  .from = o->from, .until = o->until,
					  .window = o->window, .settle = o->settle, .gap = o->gap,
					  .min_peers = o->min_peers ? o->min_peers : 2};
		rc = store_bf_plan(&s, &p, id, n);
		store_close(&s);
	}
	obuf_release(&in);
	obuf_release(&m);
	return rc;
}

/* ---------------------------------------------------------------- the lease */

/* The lease keeper: a thread with a connection of its own that renews the
 * window's lease every lease/3 seconds of wall time, whatever the run is
 * doing (a RIB dump of a full table holds the archive clock still for
 * minutes). It sleeps on a condition variable between renewals. When a
 * renewal finds the window taken by another worker, `lost` is set: the
 * run stops before its next record and nothing is written (the commit's
 * own check, store_bf_done_begin, stays the last word). Stopped before
 * the window's transaction begins: that transaction holds the row's
 * lock, which a renewal would wait for. */
struct keeper {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	bool running, quit;
	struct store st;           /* its own connection (owned; opened once
				      per worker process) */
	bool open;
	int64_t id;                /* the window it renews */
	const char *worker;        /* borrowed */
	uint32_t lease;
	atomic_bool lost;
};

static void *keeper_main(void *arg)
{
	struct keeper *k = arg;
	pthread_mutex_lock(&k->mu);
	while (!k->quit) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		uint64_t ms = (uint64_t)k->lease * 1000 / 3;
		until.tv_sec += (time_t)(ms / 1000);
		until.tv_nsec += (long)(ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		int w = 0;
		while (!k->quit && w != ETIMEDOUT)
			w = pthread_cond_timedwait(&k->cv, &k->mu, &until);
		if (k->quit)
			break;
		pthread_mutex_unlock(&k->mu);
		bool mine = true;
		/* a failed renewal is tried again at the next turn: the lease
		 * may run out meanwhile, and the commit's check then decides */
		int rc = store_bf_renew(&k->st, k->id, k->worker, k->lease, &mine);
		pthread_mutex_lock(&k->mu);
		if (!rc && !mine) {
			atomic_store(&k->lost, true);
			break;
		}
	}
	pthread_mutex_unlock(&k->mu);
	return NULL;
}

static void keeper_init(struct keeper *k, const char *worker, uint32_t lease)
{
	memset(k, 0, sizeof *k);
	pthread_mutex_init(&k->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&k->cv, &ca);
	pthread_condattr_destroy(&ca);
	k->worker = worker;
	k->lease = lease;
	atomic_init(&k->lost, false);
}

/* Keep window id's lease from now on (0, or the error: then the run goes
 * on unrenewed, as a worker stopped for a while would). */
static int keeper_start(struct keeper *k, const char *db, int64_t id)
{
	if (!k->open) {
		if (store_open_at(&k->st, db, false))
			return RW_EDB;
		k->open = true;
	}
	k->id = id;
	k->quit = false;
	atomic_store(&k->lost, false);
	if (rw_thread_start(&k->th, keeper_main, k, "lease keeper"))
		return RW_ENOMEM;
	k->running = true;
	return 0;
}

static void keeper_stop(struct keeper *k)
{
	if (!k->running)
		return;
	pthread_mutex_lock(&k->mu);
	k->quit = true;
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
	pthread_join(k->th, NULL);
	k->running = false;
}

static void keeper_release(struct keeper *k)
{
	keeper_stop(k);
	if (k->open)
		store_close(&k->st);
	pthread_cond_destroy(&k->cv);
	pthread_mutex_destroy(&k->mu);
}

/* ---------------------------------------------------------------- a window */

struct run {
	const struct store_bf_window *w;
	const struct feed_inputs *in;
	struct engine *e;
	/* the latest window: the engine state at the window's end, saved
	 * when the clock first reaches it (before anything of that second is
	 * applied, as ingest --until leaves it) into a temporary file, so a
	 * full table's snapshot is not held in memory while the settle time
	 * runs; written into the store in the window's transaction */
	FILE *snap;
	uint32_t snap_clock;
	int snap_rc;
	/* the files read to their end whose records all lie before the
	 * queue's end: the store's files table, as ingest fills it */
	struct store_file *files;
	uint32_t nfiles, capfiles;
};

static void save_state(struct run *r, uint32_t clock)
{
	if (r->snap || r->snap_rc)
		return;
	r->snap = tmpfile();
	if (!r->snap) {
		r->snap_rc = RW_EIO;
		rw_log(RW_LOG_ERROR, "a temporary file for the engine state: %s", strerror(errno));
		return;
	}
	struct obuf o;
	obuf_init(&o, fileno(r->snap), 1 << 20);
	int rc = engine_save(r->e, &o);
	obuf_flush(&o);
	r->snap_rc = rc ? rc : o.err;
	obuf_release(&o);
	r->snap_clock = clock;
	if (r->snap_rc)
		rw_log(RW_LOG_ERROR, "saving the engine state into a temporary file: %s", rw_strerror(r->snap_rc));
}

static void on_second(void *arg, uint32_t sec)
{
	struct run *r = arg;
	if (r->w->last && sec >= r->w->until)
		save_state(r, sec);
}

static void on_file_done(void *arg, size_t idx, bool damaged, uint64_t applied, uint64_t skipped)
{
	struct run *r = arg;
	/* all of it skipped: before its collector's starting dump, which the
	 * window before applied (or, in a plan's first window, before the
	 * history begins: not read, as ingest --from leaves it) */
	if (damaged || (!applied && (!skipped || r->w->from <= r->w->plan_from)))
		return;
	/* its last record is the latest applied (the merge is in time
	 * order): one at or after the queue's end is ingest's to read */
	if (applied && (!r->e->have_sec || r->e->sec >= r->w->end))
		return;
	/* a pipe cannot be known again (nor opened again to identify it) */
	const struct feed_input *a = &r->in->v[idx];
	struct stat sb;
	struct store_file f;
	if (stat(a->path, &sb) || !S_ISREG(sb.st_mode) || store_file_identify(&f, a->path, a->collector, a->first_ts))
		return;
	rw_vec_grow(&r->files, &r->capfiles, (size_t)r->nfiles + 1, sizeof *r->files, UINT32_MAX, RW_MEM_STORE);
	r->files[r->nfiles++] = f;
}

/* The window's engine state (run.snap) as the store's state. */
static int write_state(struct store *s, struct run *r)
{
	struct store_state_w sw;
	int rc = store_state_begin(s, &sw);
	char buf[1 << 16];
	size_t n;
	rewind(r->snap);
	while (!rc && (n = fread(buf, 1, sizeof buf, r->snap)) > 0)
		rc = obuf_write(&sw.o, buf, n);
	if (!rc && ferror(r->snap))
		rc = RW_EIO;
	int rf = store_state_finish(&sw);
	rc = rc ? rc : rf;
	if (!rc)
		rc = store_meta_set(s, "state_checksum", 1);
	return rc;
}

/* Window w cannot run here (an input of its plan cannot be loaded):
 * recorded as its failure, with err (naming the file), and logged. */
static int input_failed(struct store *s, const struct store_bf_window *w, const char *worker, const char *err,
			struct backfill_work_result *res)
{
	char a[32], b[32], msg[800];
	fmt_time_rfc3339(a, w->from);
	fmt_time_rfc3339(b, w->until);
	rw_log(RW_LOG_ERROR, "%s: window [%s, %s) not run: %s", worker, a, b, err);
	snprintf(msg, sizeof msg, "%s: %s", worker, err);
	store_bf_fail(s, w->id, worker, msg);
	res->failed++;
	return -1;
}

/* Run window w and write it: 0 done, 1 lost (nothing written), < 0 failed
 * (recorded in the queue). */
static int run_window(struct store *s, struct keeper *k, const char *db, const struct store_bf_window *w,
		      const char *worker, struct backfill_work_result *res)
{
	double t0 = now_s();
	char a[32], b[32];
	fmt_time_rfc3339(a, w->from);
	fmt_time_rfc3339(b, w->until);
	rw_log(RW_LOG_INFO, "%s: window [%s, %s) (attempt %u)%s", worker, a, b, w->attempt,
	       w->last ? ", the latest: it leaves the engine state" : "");
	/* the plan's inputs, loaded for each window (a window may come from
	 * another plan than the one before): one this machine cannot read
	 * fails the window, recorded with the file's name */
	struct win_inputs wi;
	win_inputs_init(&wi);
	char err[700] = "";
	if (win_inputs_load(&wi, w->inputs, err, sizeof err)) {
		win_inputs_release(&wi);
		return input_failed(s, w, worker, err, res);
	}
	if (keeper_start(k, db, w->id))
		rw_log(RW_LOG_WARN, "%s: the lease of window [%s, %s) cannot be renewed while it runs", worker, a, b);
	/* the mirror's paths, one a line */
	char *paths = rw_strdup(w->mirror), **v = NULL;
	uint32_t nv = 0, capv = 0;
	for (char *p = paths, *save = NULL, *t; (t = strtok_r(p, "\n", &save)); p = NULL) {
		rw_vec_grow(&v, &capv, (size_t)nv + 1, sizeof *v, UINT32_MAX, RW_MEM_STORE);
		v[nv++] = t;
	}
	struct hist h;
	hist_init(&h);
	h.events_from = w->from;
	h.events_until = w->until;
	h.clip_from = w->from > w->plan_from ? w->from : 0;
	h.clip_until = w->until;
	struct engine *e = rw_malloc(sizeof *e);
	engine_init(e, w->min_peers, hist_on_event, &h);
	e->gap = w->gap;
	struct feed_stats *fst = rw_calloc(1, sizeof *fst);
	struct feed_inputs in;
	struct run r = {.w = w, .in = &in, .e = e};
	struct archive_opts ao = {.second = on_second, .file_done = on_file_done, .arg = &r, .stop = &k->lost};
	/* before hist_attach: the countries' history is attached with the
	 * countries (as store_ingest gives them before its resume); the VRP
	 * files in force at the start, as `events --from` has them */
	bool damaged = engine_inputs_apply(&wi.si, e, 0, &ao) != 0;
	hist_attach(&h, e);
	hist_window_asks(&h);
	damaged |= feed_inputs(v, (int)nv, wi.have_coll ? &wi.coll : NULL, &ao.feed.io, &in, fst) != 0;
	archive_window(&in, &ao, w->from, w->until, w->settle);
	damaged |= archive_run(e, &in, &ao, fst) != 0;
	damaged |= wi.si.vrps.status != 0; /* a VRP file due later, unread */
	/* the data ends before the window does: the state at its end, and
	 * the clock after its last second, are ingest's at its end */
	if (w->last)
		save_state(&r, e->have_sec ? e->sec + 1 : w->from);
	/* files beyond what the run read: the mirror goes on after the
	 * window, and its time up to the end counts though no record came */
	bool later = false;
	for (uint32_t i = 0; i < in.n; i++)
		later |= in.v[i].first_ts > ao.until;
	if (later)
		hist_window_edge(&h, w->until);
	feed_inputs_free(&in);
	keeper_stop(k);
	uint32_t clock = h.frozen ? w->until : e->have_sec ? e->sec + 1 : w->from;
	int rc = r.snap_rc;
	bool mine = false;
	if (!rc && !atomic_load(&k->lost) && (rc = store_bf_done_begin(s, w->id, worker, &mine)) == 0 && mine) {
		rc = hist_write_window(&h, s, &e->rib, w->id);
		for (uint32_t i = 0; !rc && i < r.nfiles; i++)
			rc = store_file_add(s, &r.files[i], (int64_t)time(NULL));
		if (!rc && r.snap)
			rc = write_state(s, &r);
		if (rc) {
			db_rollback(s->db);
		} else {
			struct store_bf_counts c = {.records = fst->records, .events = h.events, .files = fst->files,
						    .clock = clock, .seconds = now_s() - t0,
						    .note = damaged ? "some input was damaged or unreadable (the "
								      "worker's log names it); what it held is stored"
								    : ""};
			rc = store_bf_done_commit(s, w->id, &c);
		}
		if (!rc) {
			res->windows++;
			res->records += fst->records;
			res->events += h.events;
			rw_log(RW_LOG_INFO, "%s: window [%s, %s) done: %llu records, %llu events, %.2f s", worker, a, b,
			       (unsigned long long)fst->records, (unsigned long long)h.events, now_s() - t0);
		}
	} else if (!rc) {
		rw_log(RW_LOG_WARN, "%s: window [%s, %s) is no longer this worker's (its lease expired and another "
				    "took it): nothing written",
		       worker, a, b);
		res->lost++;
		rc = 1;
	}
	if (rc < 0) {
		char msg[600];
		snprintf(msg, sizeof msg, "%s: %s", worker, r.snap_rc ? rw_strerror(r.snap_rc) : db_errmsg(s->db));
		store_bf_fail(s, w->id, worker, msg);
		res->failed++;
	}
	if (r.snap)
		fclose(r.snap);
	rw_vec_free(&r.files, &r.capfiles, sizeof *r.files, RW_MEM_STORE);
	engine_release(e);
	free(e);
	hist_release(&h);
	free(fst);
	rw_vec_free(&v, &capv, sizeof *v, RW_MEM_STORE);
	free(paths);
	win_inputs_release(&wi);
	return rc;
}

/* ---------------------------------------------------------------- workers */

static int worker_loop(const struct backfill_work_opts *o, struct backfill_work_result *res)
{
	memset(res, 0, sizeof *res);
	struct store s;
	int rc = open_pg(&s, o->db);
	if (rc)
		return rc;
	char host[128] = "host", worker[192];
	gethostname(host, sizeof host - 1);
	snprintf(worker, sizeof worker, "%s:%ld", host, (long)getpid());
	int status = 0;
	struct keeper k;
	keeper_init(&k, worker, o->lease);
	for (;;) {
		struct store_bf_window w;
		rc = store_bf_claim(&s, worker, o->lease, &w);
		if (rc == 1) {
			if (run_window(&s, &k, o->db, &w, worker, res) < 0)
				status = 1;
			store_bf_window_release(&w);
			continue;
		}
		if (rc < 0) {
			status = 1;
			break;
		}
		int64_t left = 0, claimable = 0, held = 0;
		if (store_bf_left(&s, &left, &claimable, &held)) {
			status = 1;
			break;
		}
		if (left && !claimable && !held) {
			/* nobody will do them: waiting would never end */
			rw_log(RW_LOG_ERROR, "%s: %lld windows failed 3 times and are not tried again (`routewatch "
					     "backfill status` shows why); the intervals cannot be joined",
			       worker, (long long)left);
			status = 1;
			break;
		}
		if (!left) {
			if (store_bf_join(&s, &res->joined))
				status = 1;
			else if (res->joined)
				rw_log(RW_LOG_INFO, "%s: every window done: intervals joined across their edges", worker);
			break;
		}
		if (o->once)
			break;
		/* others hold the rest: wait for them to finish, or for a
		 * lease to expire (a window whose lease expired while its
		 * worker holds the row in its commit counts as claimable and
		 * is skipped by the claim: waiting here, not spinning) */
		sleep(1);
	}
	keeper_release(&k);
	store_close(&s);
	return status;
}

int backfill_work(const struct backfill_work_opts *o, struct backfill_work_result *r)
{
	memset(r, 0, sizeof *r);
	if (o->workers <= 1)
		return worker_loop(o, r);
	/* processes, not threads: each has its engine and connection, as on
	 * separate machines, and one that crashes loses only its window */
	pid_t *pid = rw_calloc(o->workers, sizeof *pid);
	int *fd = rw_calloc(o->workers, sizeof *fd);
	int status = 0;
	for (unsigned i = 0; i < o->workers; i++) {
		int p[2];
		if (pipe(p)) {
			rw_log(RW_LOG_ERROR, "pipe: %s", strerror(errno));
			status = 1;
			break;
		}
		fflush(NULL);
		pid[i] = fork();
		if (pid[i] == 0) {
			close(p[0]);
			struct backfill_work_result cr;
			int rc = worker_loop(o, &cr);
			/* the parent sums the children's results */
			ssize_t wr = write(p[1], &cr, sizeof cr);
			close(p[1]);
			_exit(rc || wr != (ssize_t)sizeof cr ? 1 : 0);
		}
		close(p[1]);
		fd[i] = p[0];
		if (pid[i] < 0) {
			rw_log(RW_LOG_ERROR, "fork: %s", strerror(errno));
			close(p[0]);
			status = 1;
			break;
		}
	}
	for (unsigned i = 0; i < o->workers; i++) {
		if (pid[i] <= 0)
			continue;
		struct backfill_work_result cr;
		ssize_t n;
		while ((n = read(fd[i], &cr, sizeof cr)) < 0 && errno == EINTR)
			;
		close(fd[i]);
		int ws = 0;
		while (waitpid(pid[i], &ws, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(ws) || WEXITSTATUS(ws))
			status = 1;
		if (n == (ssize_t)sizeof cr) {
			r->windows += cr.windows;
			r->failed += cr.failed;
			r->lost += cr.lost;
			r->records += cr.records;
			r->events += cr.events;
			r->joined |= cr.joined;
		}
	}
	free(pid);
	free(fd);
	return status;
}

int backfill_finish(const char *db, bool *joined)
{
	*joined = false;
	struct store s;
	int rc = open_pg(&s, db);
	if (rc)
		return rc;
	int64_t left = 0, claimable = 0, held = 0;
	rc = store_bf_left(&s, &left, &claimable, &held);
	if (!rc && left)
		rw_log(RW_LOG_ERROR, "%s: %lld windows are not done yet: nothing to join (`routewatch backfill work` "
				     "does them and joins at the end)",
		       s.where, (long long)left);
	else if (!rc)
		rc = store_bf_join(&s, joined);
	store_close(&s);
	return rc ? rc : left ? RW_EINVAL : 0;
}
