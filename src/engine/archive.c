/*
 * Archives through the engine, merged by record time (EVENTS.md §1).
 *
 * Inputs: files and directories, walked with names sorted; the collector of
 * a file is --collector, else the name of its directory. Each file's first
 * record is peeked to learn its time and whether it is a RIB dump, and the
 * inputs are sorted by (time, RIB first, collector, path) - so the order on
 * the command line does not matter and equal times keep a stable order.
 *
 * Merge: a binary heap of the open update files keyed by (next record time,
 * input order). A file is opened only when its first record is due, so the
 * number of open files (and decompression threads) stays small whatever
 * the number of inputs. A RIB file is read whole at its time: dump_begin,
 * every entry, dump_end - applied as a whole in that second.
 */
#include "engine.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

void archive_inputs_free(struct archive_input *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(in[i].path);
		free(in[i].collector);
	}
	free(in);
}

struct inlist {
	struct archive_input *v;
	size_t n, cap;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *dir_name_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	const char *end = slash;
	while (end > path && end[-1] == '/')
		end--;
	const char *start = end;
	while (start > path && start[-1] != '/')
		start--;
	if (start == end)
		return strdup("/");
	return strndup(start, (size_t)(end - start));
}

static int add_file(struct inlist *l, const char *path, const char *coll)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		struct archive_input *v = realloc(l->v, l->cap * sizeof *v);
		if (!v)
			return RW_ENOMEM;
		l->v = v;
	}
	struct archive_input *in = &l->v[l->n++];
	memset(in, 0, sizeof *in);
	in->path = strdup(path);
	if (coll) {
		in->collector = strdup(coll);
	} else {
		char *d = dir_name_of(path);
		if (!strcmp(d, ".")) {
			char cwd[4096];
			free(d);
			d = getcwd(cwd, sizeof cwd) ? strdup(strrchr(cwd, '/') ? strrchr(cwd, '/') + 1 : cwd)
						    : strdup(".");
		}
		in->collector = d;
	}
	return in->path && in->collector ? 0 : RW_ENOMEM;
}

static int walk(struct inlist *l, const char *path, const char *coll, int depth)
{
	struct stat sb;
	if (!strcmp(path, "-"))
		return add_file(l, path, coll ? coll : "stdin");
	if (stat(path, &sb)) {
		rw_log(RW_LOG_ERROR, "%s: %s", path, strerror(errno));
		return RW_EIO;
	}
	if (!S_ISDIR(sb.st_mode)) {
		int rc = add_file(l, path, coll);
		if (!rc)
			l->v[l->n - 1].walked = depth > 0;
		return rc;
	}
	if (depth > 16)
		return 0;
	DIR *d = opendir(path);
	if (!d) {
		rw_log(RW_LOG_ERROR, "%s: %s", path, strerror(errno));
		return RW_EIO;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ., .., hidden and partial files */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof *nn);
			if (!nn)
				break;
			names = nn;
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_names);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char *p = malloc(strlen(path) + strlen(names[i]) + 2);
		if (p) {
			snprintf(p, strlen(path) + strlen(names[i]) + 2, "%s/%s", path, names[i]);
			if (walk(l, p, coll, depth + 1))
				rc = RW_EIO;
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* RouteViews and RIS name their files after the start of the period they
 * hold: rib.20240309.0800.bz2, bview.20240309.0800.gz,
 * updates.20240309.0805.gz. Reading the time from the name saves
 * decompressing the first block of every file just to sort them. */
static bool from_name(struct archive_input *in)
{
	const char *b = strrchr(in->path, '/');
	b = b ? b + 1 : in->path;
	for (const char *p = b; *p; p++) {
		int i = 0;
		while (i < 8 && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i != 8 || p[8] != '.')
			continue;
		const char *q = p + 9;
		int j = 0;
		while (j < 4 && q[j] >= '0' && q[j] <= '9')
			j++;
		if (j != 4 || (q[4] >= '0' && q[4] <= '9'))
			continue;
		char ts[32];
		snprintf(ts, sizeof ts, "%.4s-%.2s-%.2s %.2s:%.2s:00", p, p + 4, p + 6, q, q + 2);
		int64_t t;
		if (parse_time(ts, &t) || t < 0 || t > UINT32_MAX)
			return false;
		in->first_ts = (uint32_t)t;
		in->rib = !strncmp(b, "rib", 3) || !strncmp(b, "bview", 5);
		in->named = true;
		return true;
	}
	return false;
}

/* Peek the first record: its time and whether the file is a RIB dump. */
static void peek(struct archive_input *in, const struct archive_opts *o)
{
	if (from_name(in))
		return;
	if (!strcmp(in->path, "-"))
		return; /* stdin cannot be read twice: time 0, read in order */
	struct io_src *s;
	if (io_open(in->path, &o->feed.io, &s))
		return;
	const uint8_t *p;
	size_t n;
	uint8_t hdr[MRT_HDR_LEN];
	size_t got = 0;
	while (got < MRT_HDR_LEN && io_next(s, &p, &n) > 0) {
		size_t k = RW_MIN(n, MRT_HDR_LEN - got);
		memcpy(hdr + got, p, k);
		got += k;
	}
	io_close(s);
	if (got < MRT_HDR_LEN)
		return;
	struct mrt_hdr h;
	mrt_hdr_decode(hdr, &h);
	in->first_ts = h.ts;
	in->rib = h.type == MRT_TABLE_DUMP_V2 || h.type == MRT_TABLE_DUMP;
	in->not_mrt = !mrt_hdr_sane(&h, MRT_MAX_REC_DEFAULT);
}

static int cmp_inputs(const void *a, const void *b)
{
	const struct archive_input *x = a, *y = b;
	if (x->first_ts != y->first_ts)
		return x->first_ts < y->first_ts ? -1 : 1;
	if (x->rib != y->rib)
		return x->rib ? -1 : 1;
	int c = strcmp(x->collector, y->collector);
	if (c)
		return c;
	return strcmp(x->path, y->path);
}

int archive_inputs(char **paths, int n, const struct archive_opts *o, struct archive_input **out,
		   size_t *nout, struct feed_stats *st)
{
	struct inlist l = {0};
	int rc = 0;
	for (int i = 0; i < n; i++)
		if (walk(&l, paths[i], o->collector, 0)) {
			rc = RW_EIO;
			st->files++;
			st->files_failed++;
		}
	size_t k = 0;
	for (size_t i = 0; i < l.n; i++) {
		peek(&l.v[i], o);
		if (l.v[i].walked && l.v[i].not_mrt) {
			/* a README or a names file in an archive directory */
			rw_log(RW_LOG_INFO, "%s: not an MRT file, skipped", l.v[i].path);
			free(l.v[i].path);
			free(l.v[i].collector);
			continue;
		}
		l.v[k++] = l.v[i];
	}
	l.n = k;
	qsort(l.v, l.n, sizeof *l.v, cmp_inputs);
	for (size_t i = 0; i < l.n; i++)
		l.v[i].order = (uint32_t)i;
	*out = l.v;
	*nout = l.n;
	return rc;
}

/* ---------------------------------------------------------------- merge */

struct stream {
	struct feed_file f;
	size_t idx;      /* in the inputs given to archive_run */
	uint64_t skipped; /* records before archive_opts.from */
	uint32_t order;
	uint32_t coll;
	bool rib;        /* a RIB dump: read whole when due */
};

struct heap {
	struct stream **v;
	size_t n, cap;
};

static bool before(const struct stream *a, const struct stream *b)
{
	if (a->f.rec.h.ts != b->f.rec.h.ts)
		return a->f.rec.h.ts < b->f.rec.h.ts;
	return a->order < b->order;
}

static void heap_push(struct heap *h, struct stream *s)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = realloc(h->v, h->cap * sizeof *h->v);
		if (!h->v)
			abort();
	}
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

struct run_ctx {
	struct engine *e;
	uint32_t coll;
};

static int on_elem(void *arg, const struct bgp_elem *el)
{
	struct run_ctx *c = arg;
	engine_elem(c->e, c->coll, el);
	return 0;
}

/* The clock moves to ts; the caller hears of every new second. */
static void advance(struct engine *e, const struct archive_opts *o, uint32_t ts)
{
	bool moved = e->have_sec && ts > e->sec;
	engine_time(e, ts);
	if (moved && o->second)
		o->second(o->arg, ts);
}

/* A stream is finished: say so, and free it. */
static int finish(struct stream *s, const struct archive_opts *o)
{
	int damaged = s->f.damaged;
	if (s->skipped) {
		char tb[32];
		fmt_time_rfc3339(tb, o->from);
		rw_log(RW_LOG_WARN, "%s: %llu records before %s (already applied) skipped", s->f.path,
		       (unsigned long long)s->skipped, tb);
	}
	if (o->file_done)
		o->file_done(o->arg, s->idx, damaged);
	feed_file_close(&s->f);
	free(s);
	return damaged;
}

/* A RIB file (its first record framed), read whole and applied in that
 * record's second. */
static void run_rib(struct engine *e, struct stream *s, const struct archive_opts *o)
{
	struct run_ctx c = {e, s->coll};
	advance(e, o, s->f.rec.h.ts);
	engine_dump_begin(e, c.coll);
	do
		feed_file_decode(&s->f, on_elem, &c);
	while (feed_file_next(&s->f) > 0);
	engine_dump_end(e);
}

int archive_run(struct engine *e, struct archive_input *in, size_t n, const struct archive_opts *o,
		struct feed_stats *st)
{
	struct heap h = {0};
	size_t next = 0;
	int status = 0;
	for (;;) {
		/* open every input whose first record is due (a minute early
		 * for times read from file names) */
		while (next < n && (!h.n || in[next].first_ts <= h.v[0]->f.rec.h.ts + (in[next].named ? 60u : 0u))) {
			size_t idx = next++;
			struct archive_input *a = &in[idx];
			if (o->until && a->first_ts > o->until)
				continue;
			struct stream *s = calloc(1, sizeof *s);
			if (!s)
				abort();
			if (feed_file_open(&s->f, a->path, &o->feed, st)) {
				feed_file_close(&s->f);
				free(s);
				status = 1;
				continue;
			}
			s->f.dec.skip_path = true;
			s->idx = idx;
			s->order = a->order;
			s->rib = a->rib;
			s->coll = rib_collector(&e->rib, a->collector);
			int more;
			while ((more = feed_file_next(&s->f)) > 0 && s->f.rec.h.ts < o->from) {
				/* before the clock of a continued run: applied already
				 * (a RIB dump counts at its first record's time) */
				s->skipped++;
				if (s->rib) {
					while (feed_file_next(&s->f) > 0)
						s->skipped++;
					more = 0;
					break;
				}
			}
			if (more > 0)
				heap_push(&h, s);
			else
				status |= finish(s, o);
		}
		if (!h.n) {
			if (next < n)
				continue;
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
		if (s->rib) {
			run_rib(e, s, o);
		} else {
			advance(e, o, s->f.rec.h.ts);
			struct run_ctx c = {e, s->coll};
			feed_file_decode(&s->f, on_elem, &c);
		}
		int more = 0;
		if (!s->rib)
			while ((more = feed_file_next(&s->f)) > 0 && s->f.rec.h.ts < o->from)
				s->skipped++;
		if (more > 0) {
			heap_sift(&h);
		} else {
			h.v[0] = h.v[--h.n];
			heap_sift(&h);
			status |= finish(s, o);
		}
	}
	free(h.v);
	engine_flush(e);
	return status ? 1 : 0;
}
