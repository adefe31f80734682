/*
 * Archives through the engine, merged by record time (docs/events.md §1). The
 * inputs come from feed_inputs (feed/feed_walk.c: directories walked,
 * collectors named, files sorted by their first record's time).
 *
 * Merge: a binary heap of the open update files keyed by (next record time,
 * input order). A file is opened only when its first record is due, so the
 * number of open files (and decompression threads) stays small whatever
 * the number of inputs. A RIB file is read whole at its time: dump_begin,
 * every entry, dump_end - applied as a whole in that second.
 *
 * Windows (docs/events.md §8): the inputs come marked by
 * feed_inputs_window. An input marked `outside` is not opened (counted in
 * feed_stats.files_outside); the records of an input before its `start`
 * (its collector's starting RIB dump replaces them, or, for events, they
 * lie before the first collector's) are skipped, like those before a
 * store's clock (archive_opts.from).
 */
#include "engine.h"

#include <stdlib.h>
#include <unistd.h>

/* ---------------------------------------------------------------- merge */

struct stream {
	struct feed_file f;
	size_t idx;      /* in the inputs given to archive_run */
	uint32_t skip_before; /* records before this time are skipped: the
				 store's clock or the input's window start */
	bool skip_clock; /* skip_before is archive_opts.from (else the window) */
	uint64_t skipped; /* records before skip_before */
	uint64_t applied; /* records that went through the engine */
	uint32_t order;
	uint32_t coll;
	const char *path; /* the input's (borrowed, lives through the run,
			     unlike f.path: proofs name it after it closes) */
	bool rib;        /* a RIB dump: read whole when due */
	bool missing_before; /* files of its collector are missing before it */
};

struct heap {
	struct stream **v;
	uint32_t n, cap;
};

static bool before(const struct stream *a, const struct stream *b)
{
	if (a->f.rec.h.ts != b->f.rec.h.ts)
		return a->f.rec.h.ts < b->f.rec.h.ts;
	return a->order < b->order;
}

static void heap_push(struct heap *h, struct stream *s)
{
	rw_vec_grow(&h->v, &h->cap, (size_t)h->n + 1, sizeof *h->v, UINT32_MAX, RW_MEM_ENGINE);
	size_t i = h->n++;
	h->v[i] = s;
	while (i && before(h->v[i], h->v[(i - 1) / 2])) {
		struct stream *t = h->v[i];
		h->v[i] = h->v[(i - 1) / 2];
		h->v[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static void heap_sift(struct heap *h)
{
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && before(h->v[l], h->v[m]))
			m = l;
		if (r < h->n && before(h->v[r], h->v[m]))
			m = r;
		if (m == i)
			break;
		struct stream *t = h->v[i];
		h->v[i] = h->v[m];
		h->v[m] = t;
		i = m;
	}
}

/* The clock moves to ts; the caller hears of every new second. */
static void advance(struct engine *e, const struct archive_opts *o, uint32_t ts)
{
	if (o->vrps)
		engine_vrps_due(e, o->vrps, ts);
	bool moved = e->have_sec && ts > e->sec;
	engine_time(e, ts);
	if (moved && o->second)
		o->second(o->arg, ts);
}

/* A stream is finished: say so, and free it. */
static int finish(struct stream *s, const struct archive_opts *o)
{
	int damaged = s->f.damaged;
	char tb[32];
	fmt_time_rfc3339(tb, s->skip_before);
	if (s->skipped && !s->skip_clock)
		rw_log(RW_LOG_INFO, "%s: %llu records before %s skipped (the window starts from a later RIB dump)",
		       s->f.path, (unsigned long long)s->skipped, tb);
	else if (s->skipped && s->applied) /* a file a killed run had begun: its start was applied then */
		rw_log(RW_LOG_WARN, "%s: %llu records before the store's clock %s (applied by an earlier run) skipped",
		       s->f.path, (unsigned long long)s->skipped, tb);
	/* (a file with nothing after the clock is the caller's to refuse) */
	if (o->file_done)
		o->file_done(o->arg, s->idx, damaged, s->applied, s->skipped);
	feed_file_close(&s->f);
	free(s);
	return damaged;
}

/* The parallel RIB load: TABLE_DUMP_V2 records are independent, so
 * feed_par's workers decode them and prepare each element (engine_pre_put:
 * copies, prefix and path hashes); the main thread applies the prepared
 * elements in file order (engine_elem_pre), so the state, the counts and
 * every output are those of the sequential loop. A record marker between
 * records keeps the per-record bookkeeping (applied, progress) in step. */
struct rib_par {
	struct engine *e;
	struct stream *s;
	struct feed_progress *pg;
};

struct rib_worker {
	struct obuf *out; /* the batch being decoded's (feed_par's) */
	struct engine_pre_last last;
};

static void *rib_worker_new(void *arg)
{
	(void)arg;
	return rw_calloc(1, sizeof(struct rib_worker));
}

static void rib_worker_free(void *state)
{
	free(state);
}

static void rib_record(void *state, const struct mrt_rec *rec, struct obuf *out)
{
	(void)rec;
	struct rib_worker *w = state;
	struct engine_pre q = {.type = ENGINE_PRE_RECORD};
	w->out = out;
	obuf_write(out, &q, sizeof q); /* a multiple of 8: alignment kept */
}

static int rib_elem(void *state, const struct bgp_elem *el)
{
	struct rib_worker *w = state;
	engine_pre_put(w->out, el, &w->last);
	return 0;
}

static void rib_deliver(void *arg, const struct obuf *out)
{
	struct rib_par *rp = arg;
	const uint8_t *p = obuf_data(out), *end = p + out->len;
	bool first = true;
	while (p < end) {
		/* in place: the buffer is malloc's and its entries are padded
		 * to 8 bytes (engine_pre_put) */
		const struct engine_pre *q = (const struct engine_pre *)(const void *)p;
		p += sizeof *q;
		if (q->type == ENGINE_PRE_RECORD) {
			/* the record before is done (a batch ends with one) */
			if (!first) {
				rp->s->applied++;
				feed_progress_tick(rp->pg, rp->s->f.st, &rp->s->f);
			}
			first = false;
			continue;
		}
		engine_elem_pre(rp->e, rp->s->coll, q, p);
		p += ENGINE_PRE_PAD(q->klen);
	}
	if (!first) {
		rp->s->applied++;
		feed_progress_tick(rp->pg, rp->s->f.st, &rp->s->f);
	}
}

/* Decoding threads for a RIB dump: the cores beside the main thread's,
 * which applies (0: decode on the main thread). Applying is most of the
 * work (about 70 % of the CPU time of a 1.2 M x 20 RIB), so a worker more
 * than the spare cores would only take the main thread's. RW_RIB_WORKERS
 * overrides it (benchmarks; 0: sequential). */
static unsigned rib_workers(void)
{
	const char *env = getenv("RW_RIB_WORKERS");
	if (env && *env)
		return (unsigned)RW_MIN(strtoul(env, NULL, 10), 64ul);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 1 ? (unsigned)RW_MIN(n - 1, 8) : 0;
}

/* A RIB file (its first record framed), read whole and applied in that
 * record's second. */
static void run_rib(struct engine *e, struct stream *s, const struct archive_opts *o, struct feed_progress *pg)
{
	struct engine_src c = {e, s->coll};
	advance(e, o, s->f.rec.h.ts);
	engine_seen(e, s->coll, s->f.rec.h.ts, false, true);
	e->dump_file = s->path;
	engine_dump_begin(e, c.collector);
	struct rib_par rp = {e, s, pg};
	const struct feed_par_ops ops = {.worker_new = rib_worker_new,
					 .worker_free = rib_worker_free,
					 .record = rib_record,
					 .elem = rib_elem,
					 .deliver = rib_deliver,
					 .arg = &rp,
					 .framed = true,
					 .uncounted = true};
	unsigned nw = rib_workers();
	if (!nw || feed_par_run(&s->f, nw, &ops)) {
		do {
			feed_file_decode(&s->f, engine_on_elem, &c);
			s->applied++;
			feed_progress_tick(pg, s->f.st, &s->f);
		} while (feed_file_next(&s->f) > 0);
	}
	engine_dump_end(e);
}

/* Open input idx (a) as a stream; NULL when it cannot be opened (logged
 * and counted by feed_file_open). */
static struct stream *open_stream(struct engine *e, const struct feed_input *a, size_t idx,
				  const struct archive_opts *o, struct feed_stats *st)
{
	struct stream *s = rw_calloc(1, sizeof *s);
	if (feed_file_open(&s->f, a->path, &o->feed, st)) {
		feed_file_close(&s->f);
		free(s);
		return NULL;
	}
	s->f.dec.skip_path = true;
	s->idx = idx;
	s->path = a->path;
	s->order = a->order;
	s->rib = a->rib;
	s->missing_before = a->missing_before;
	s->coll = rib_collector(&e->rib, a->collector);
	s->skip_clock = o->from >= a->start;
	s->skip_before = s->skip_clock ? o->from : a->start;
	return s;
}

/* Frame a new stream's first record at or after skip_before: what lies
 * before was applied by an earlier run (the store's clock) or is replaced
 * by its collector's starting RIB dump (a window). A RIB dump counts at its
 * first record's time: skipped whole or not at all. > 0: a record is due. */
static int skip_to_start(struct stream *s)
{
	int more;
	while ((more = feed_file_next(&s->f)) > 0 && s->f.rec.h.ts < s->skip_before) {
		s->skipped++;
		if (s->rib) {
			while (feed_file_next(&s->f) > 0)
				s->skipped++;
			return 0;
		}
	}
	return more;
}

/* The window's inputs: episodes (events) or the state alone (paths). */
static void window_of(struct feed_inputs *in, struct archive_opts *o, uint32_t from, uint32_t until, uint32_t settle,
		      bool episodes)
{
	uint64_t last = until ? (uint64_t)until + settle : 0;
	o->until = last > UINT32_MAX ? UINT32_MAX : (uint32_t)last;
	feed_inputs_window(in->v, in->n, from ? from - 1 : 0, o->until, episodes);
}

void archive_window(struct feed_inputs *in, struct archive_opts *o, uint32_t from, uint32_t until, uint32_t settle)
{
	window_of(in, o, from, until, settle, true);
}

void archive_at(struct feed_inputs *in, struct archive_opts *o, uint32_t t)
{
	o->until = t;
	feed_inputs_window(in->v, in->n, t, t, false);
}

static void no_event(void *arg, const struct det_event *e)
{
	(void)arg;
	(void)e;
}

/* archive_state and archive_paths: a run that reports nothing, up to at
 * (archive_at) or over [from, until) (archive_window; 0s: everything). */
static void quiet_run(struct engine *e, char **paths, int n, const struct feed_names *nm, const struct io_opts *io,
		      uint32_t at, uint32_t from, uint32_t until, struct feed_stats *st, int *status)
{
	struct archive_opts ao = {0};
	if (io)
		ao.feed.io = *io;
	ao.feed.progress = rw_log_level > RW_LOG_ERROR;
	struct feed_inputs in;
	*status = feed_inputs(paths, n, nm, &ao.feed.io, &in, st) ? 1 : 0;
	if (at)
		archive_at(&in, &ao, at);
	else if (from || until) /* the paths of the state and the window: no episodes */
		window_of(&in, &ao, from, until, 0, false);
	*status |= archive_run(e, &in, &ao, st);
	feed_inputs_free(&in);
}

struct engine *archive_state(char **paths, int n, const struct feed_names *nm, const struct io_opts *io, uint32_t at,
			     struct feed_stats *st, int *status)
{
	struct engine *e = rw_malloc(sizeof *e);
	engine_init(e, 1, no_event, NULL);
	quiet_run(e, paths, n, nm, io, at, 0, 0, st, status);
	return e;
}

struct engine *archive_paths(char **paths, int n, const struct feed_names *nm, uint32_t from, uint32_t until,
			     rib_path_fn on_path, void *arg, struct feed_stats *st, int *status)
{
	struct engine *e = rw_malloc(sizeof *e);
	engine_init(e, 1, no_event, NULL);
	e->rib.on_new_path = on_path;
	e->rib.on_new_path_arg = arg;
	quiet_run(e, paths, n, nm, NULL, 0, from, until, st, status);
	return e;
}

int archive_run(struct engine *e, const struct feed_inputs *inputs, const struct archive_opts *o,
		struct feed_stats *st)
{
	const struct feed_input *in = inputs->v;
	size_t n = inputs->n;
	struct heap h = {0};
	size_t next = 0;
	int status = 0;
	struct feed_progress pg;
	feed_progress_start(&pg, o->feed.progress, in, NULL, n);
	for (;;) {
		/* open every input whose first record is due (a minute early
		 * for times read from file names) */
		while (next < n && (!h.n || in[next].first_ts <= h.v[0]->f.rec.h.ts + (in[next].named ? 60u : 0u))) {
			size_t idx = next++;
			const struct feed_input *a = &in[idx];
			if (a->outside) {
				st->files_outside++;
				continue;
			}
			if (o->until && a->first_ts > o->until)
				continue;
			struct stream *s = open_stream(e, a, idx, o, st);
			if (!s) {
				status = 1;
				continue;
			}
			if (skip_to_start(s) > 0)
				heap_push(&h, s);
			else
				status |= finish(s, o);
		}
		if (!h.n) {
			if (next < n)
				continue;
			break;
		}
		if (o->stop && atomic_load(o->stop)) {
			/* abandoned (the caller's reason): the streams left
			 * are closed unfinished, no file_done for them */
			while (h.n) {
				struct stream *s = h.v[--h.n];
				feed_file_close(&s->f);
				free(s);
			}
			break;
		}
		struct stream *s = h.v[0];
		if (o->until && s->f.rec.h.ts > o->until) {
			/* past the requested time: this file is done */
			h.v[0] = h.v[--h.n];
			heap_sift(&h);
			status |= s->f.damaged;
			feed_file_close(&s->f);
			free(s);
			continue;
		}
		feed_progress_tick(&pg, st, &s->f);
		if (s->rib) {
			run_rib(e, s, o, &pg);
		} else {
			advance(e, o, s->f.rec.h.ts);
			engine_seen(e, s->coll, s->f.rec.h.ts, s->missing_before && !s->applied, false);
			struct engine_src c = {e, s->coll};
			engine_rec_begin(e, s->coll, &s->f.rec, s->path);
			feed_file_decode(&s->f, engine_on_elem, &c);
			engine_rec_end(e);
			s->applied++;
		}
		int more = 0;
		if (!s->rib)
			while ((more = feed_file_next(&s->f)) > 0 && s->f.rec.h.ts < s->skip_before)
				s->skipped++;
		if (more > 0) {
			heap_sift(&h);
		} else {
			h.v[0] = h.v[--h.n];
			heap_sift(&h);
			status |= finish(s, o);
		}
	}
	feed_progress_end(&pg);
	rw_vec_free(&h.v, &h.cap, sizeof *h.v, RW_MEM_ENGINE);
	/* VRP files dated after the last record still apply to the routes
	 * it left (a route stays until withdrawn), up to the time asked */
	if (o->vrps && e->have_sec)
		engine_vrps_due(e, o->vrps, o->until ? o->until : UINT32_MAX);
	engine_flush(e);
	return status ? 1 : 0;
}
