/*
 * The inputs of a run over archives (feed.h, feed_inputs): files and
 * directories, walked with names sorted, each given its collector
 * (docs/events.md §1). Each file's time and kind come from its name when
 * the archive named it (rib.20240309.0800, ris.rrc06.updates.1427846400),
 * else from its first record, peeked. The inputs are sorted by (time, RIB
 * first, collector, path), so the order on the command line does not
 * matter and equal times keep a stable order. Then the collectors found
 * are counted into the run's stats, and each one whose updates start
 * before its first RIB dump is warned about, once.
 * (Names of collectors and times from file names: feed_name.c.)
 * Everything here runs on the caller's thread.
 */
#include "feed_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- walking */

void feed_inputs_free(struct feed_inputs *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		feed_input_release(&l->v[i]);
	rw_vec_free(&l->v, &l->cap, sizeof *l->v, RW_MEM_FEED);
	l->n = 0;
}

void feed_input_release(struct feed_input *in)
{
	free(in->path);
	free(in->collector);
	in->path = in->collector = NULL;
}

/* One walk over the paths given. */
struct walk {
	struct feed_inputs *l;
	const struct feed_names *nm; /* borrowed */
	const char *given;           /* the path given now (borrowed) */
	uint32_t gi;                 /* its index */
	bool *used;                  /* per rule of nm: it named a file */
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_file(struct walk *w, const char *path, bool walked)
{
	rw_vec_grow(&w->l->v, &w->l->cap, (size_t)w->l->n + 1, sizeof *w->l->v, UINT32_MAX, RW_MEM_FEED);
	struct feed_input *in = &w->l->v[w->l->n++];
	memset(in, 0, sizeof *in);
	in->path = rw_strdup(path);
	int64_t rule;
	in->collector = feed__collector_of(w->nm, w->given, path, &rule);
	if (rule >= 0)
		w->used[rule] = true;
	in->walked = walked;
	in->given = w->gi;
}

static int walk(struct walk *w, const char *path, int depth)
{
	struct stat sb;
	if (!strcmp(path, "-")) {
		add_file(w, path, false);
		return 0;
	}
	if (stat(path, &sb)) {
		rw_log(RW_LOG_ERROR, "%s: %s", path, strerror(errno));
		return RW_EIO;
	}
	if (!S_ISDIR(sb.st_mode)) {
		add_file(w, path, depth > 0);
		return 0;
	}
	if (depth > 16)
		return 0;
	DIR *d = opendir(path);
	if (!d) {
		rw_log(RW_LOG_ERROR, "%s: %s", path, strerror(errno));
		return RW_EIO;
	}
	char **names = NULL;
	uint32_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ., .., hidden and partial files */
		rw_vec_grow(&names, &cap, (size_t)n + 1, sizeof *names, UINT32_MAX, RW_MEM_FEED);
		names[n++] = rw_strdup(de->d_name);
	}
	closedir(d);
	if (n > 1) /* an empty directory has no array at all */
		qsort(names, n, sizeof *names, cmp_names);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *p = rw_malloc(len);
		snprintf(p, len, "%s/%s", path, names[i]);
		if (walk(w, p, depth + 1))
			rc = RW_EIO;
		free(p);
		free(names[i]);
	}
	rw_vec_free(&names, &cap, sizeof *names, RW_MEM_FEED);
	return rc;
}

/* An input's time and kind: from its name, else from its first record
 * (its time, and whether the file is a RIB dump). */
static void peek(struct feed_input *in, const struct io_opts *io)
{
	if (feed_name_time(in->path, &in->first_ts, &in->rib)) {
		in->named = true;
		return;
	}
	in->unread = true;
	if (!strcmp(in->path, "-"))
		return; /* stdin cannot be read twice: time 0, read in order */
	struct io_src *s;
	if (io_open(in->path, io, &s))
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
	if (got < MRT_HDR_LEN) {
		/* some bytes but not one header: a lock or pid file beside a
		 * store kept in the archive's directory, not an archive */
		in->not_mrt = got > 0;
		return;
	}
	struct mrt_hdr h;
	mrt_hdr_decode(hdr, &h);
	in->first_ts = h.ts;
	in->rib = h.type == MRT_TABLE_DUMP_V2 || h.type == MRT_TABLE_DUMP;
	in->not_mrt = !mrt_hdr_sane(&h, MRT_MAX_REC_DEFAULT);
	in->unread = false;
}

void feed_input_identify(struct feed_input *in, const struct feed_names *nm, const char *path,
			 const struct io_opts *io)
{
	memset(in, 0, sizeof *in);
	in->path = rw_strdup(path);
	in->collector = feed_collector_of(nm, path, path);
	peek(in, io);
}

static int cmp_inputs(const void *a, const void *b)
{
	const struct feed_input *x = a, *y = b;
	if (x->first_ts != y->first_ts)
		return x->first_ts < y->first_ts ? -1 : 1;
	if (x->rib != y->rib)
		return x->rib ? -1 : 1;
	int c = strcmp(x->collector, y->collector);
	if (c)
		return c;
	return strcmp(x->path, y->path);
}

/* ---------------------------------------------------------------- collectors */

static int cmp_by_collector(const void *a, const void *b)
{
	const struct feed_input *x = *(const struct feed_input *const *)a, *y = *(const struct feed_input *const *)b;
	int c = strcmp(x->collector, y->collector);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The routes of a collector are unknown until its first RIB dump (docs/
 * events.md §1 and §2): say so once when its updates come first. */
static void warn_no_rib(const char *coll, bool have_rib, uint32_t rib_ts)
{
	if (!have_rib) {
		rw_log(RW_LOG_WARN, "%s: no RIB dump in the input: routes its updates do not announce are unknown",
		       coll);
		return;
	}
	char tb[24];
	feed__fmt_minute(tb, rib_ts);
	rw_log(RW_LOG_WARN, "%s: no RIB before %s: routes before then are unknown", coll, tb);
}

/* docs/events.md §9: the collector writes an update file every `cadence`
 * seconds, learned from the names (the most common step between
 * consecutive ones; RouteViews 15 minutes, RIS 5); a step of one and a
 * half cadences or more means files are missing before the later file. */
static void find_missing(struct feed_input *const *g, size_t n, bool quiet)
{
	uint32_t steps[8] = {0}, counts[8] = {0}, prev = 0, cadence = 0, best = 0;
	bool have = false;
	for (size_t i = 0; i < n; i++) {
		const struct feed_input *in = g[i];
		if (in->rib || !in->named)
			continue;
		if (have && in->first_ts > prev) {
			uint32_t d = in->first_ts - prev;
			for (unsigned k = 0; k < RW_ARRAY_LEN(steps); k++)
				if (steps[k] == d || !counts[k]) {
					steps[k] = d;
					counts[k]++;
					break;
				}
		}
		prev = in->first_ts;
		have = true;
	}
	for (unsigned k = 0; k < RW_ARRAY_LEN(steps); k++)
		if (counts[k] > best || (counts[k] == best && counts[k] && steps[k] < cadence))
			best = counts[k], cadence = steps[k];
	if (best < 2 || cadence < 60)
		return; /* too few files to know what is expected */
	uint64_t missing = 0;
	uint32_t first = 0;
	have = false;
	for (size_t i = 0; i < n; i++) {
		struct feed_input *in = g[i];
		if (in->rib || !in->named)
			continue;
		if (have && in->first_ts > prev && (uint64_t)(in->first_ts - prev) * 2 >= (uint64_t)cadence * 3) {
			in->missing_before = true;
			if (!missing)
				first = prev;
			missing += (in->first_ts - prev + cadence / 2) / cadence - 1;
		}
		prev = in->first_ts;
		have = true;
	}
	if (missing && !quiet) {
		char tb[24];
		feed__fmt_minute(tb, first);
		rw_log(RW_LOG_WARN, "%s: %llu update file%s missing (one every %u minutes is expected), the first after "
				    "%s: reported as collector_gap",
		       g[0]->collector, (unsigned long long)missing, missing == 1 ? "" : "s", cadence / 60, tb);
	}
}

/* One collector's inputs, in order (g[0..n)): counted into st, and warned
 * about when its updates start before its first RIB dump. Inputs whose
 * time and kind are unknown count as update files (they are read so) but
 * give no time and no warning. */
static void summarise_one(struct feed_input *const *g, size_t n, struct feed_stats *st, bool quiet)
{
	uint32_t ribs = 0, updates = 0, first = 0, last = 0, rib_ts = 0;
	bool have_time = false, have_rib = false, updates_first = false;
	for (size_t i = 0; i < n; i++) {
		const struct feed_input *in = g[i];
		if (in->not_mrt)
			continue; /* said when it is read */
		*(in->rib ? &ribs : &updates) += 1;
		if (in->unread)
			continue;
		if (!have_time || in->first_ts < first)
			first = in->first_ts;
		if (!have_time || in->first_ts > last)
			last = in->first_ts;
		have_time = true;
		if (in->rib && !have_rib) {
			have_rib = true;
			rib_ts = in->first_ts;
		}
		if (!in->rib && !have_rib)
			updates_first = true;
	}
	feed_stats_collector(st, g[0]->collector, ribs, updates, first, last);
	if (updates_first && !quiet)
		warn_no_rib(g[0]->collector, have_rib, rib_ts);
	find_missing(g, n, quiet);
}

/* The sorted inputs, collector by collector. */
static void summarise(struct feed_inputs *l, struct feed_stats *st, bool quiet)
{
	struct feed_input **by = NULL;
	uint32_t cap = 0;
	if (!l->n || rw_vec_grow(&by, &cap, l->n, sizeof *by, UINT32_MAX, RW_MEM_FEED))
		return;
	for (uint32_t i = 0; i < l->n; i++)
		by[i] = &l->v[i];
	qsort(by, l->n, sizeof *by, cmp_by_collector);
	for (size_t i = 0, j; i < l->n; i = j) {
		for (j = i + 1; j < l->n && !strcmp(by[j]->collector, by[i]->collector); j++)
			;
		summarise_one(by + i, j - i, st, quiet);
	}
	rw_vec_free(&by, &cap, sizeof *by, RW_MEM_FEED);
}

/* ---------------------------------------------------------------- inputs */

int feed_inputs(char **paths, int n, const struct feed_names *nm, const struct io_opts *io,
		      struct feed_inputs *out, struct feed_stats *st)
{
	struct feed_names own;
	if (!nm) {
		feed_names_init(&own);
		nm = &own;
	}
	struct feed_inputs l = {0};
	struct walk w = {.l = &l, .nm = nm, .used = rw_calloc(nm->n + 1, sizeof *w.used)};
	int rc = 0;
	for (int i = 0; i < n; i++) {
		w.given = paths[i];
		w.gi = (uint32_t)i;
		if (walk(&w, paths[i], 0)) {
			rc = RW_EIO;
			st->files++;
			st->files_failed++;
		}
	}
	for (uint32_t i = 0; i < nm->n && !nm->quiet; i++)
		if (!w.used[i])
			rw_log(RW_LOG_WARN, "--collector %s=%s: no input lies there", nm->v[i].name,
			       nm->v[i].path[0] ? nm->v[i].path : "/");
	free(w.used);
	size_t k = 0;
	/* per path given: files found in it, and those kept (MRT) */
	uint32_t *found = rw_calloc((size_t)n + 1, sizeof *found), *kept = rw_calloc((size_t)n + 1, sizeof *kept);
	for (size_t i = 0; i < l.n; i++) {
		peek(&l.v[i], io);
		found[l.v[i].given]++;
		if (l.v[i].walked && l.v[i].not_mrt) {
			/* a README or a names file in an archive directory */
			rw_log(RW_LOG_INFO, "%s: not an MRT file, skipped", l.v[i].path);
			feed_input_release(&l.v[i]);
			continue;
		}
		kept[l.v[i].given]++;
		l.v[k++] = l.v[i];
	}
	l.n = (uint32_t)k;
	for (int i = 0; i < n; i++) {
		struct stat sb;
		if (nm->quiet || kept[i] || strcmp(paths[i], "-") == 0 || stat(paths[i], &sb) || !S_ISDIR(sb.st_mode))
			continue;
		if (found[i])
			rw_log(RW_LOG_WARN, "%s: no MRT file in it (%u file%s that %s not MRT skipped)", paths[i],
			       found[i], found[i] == 1 ? "" : "s", found[i] == 1 ? "is" : "are");
		else
			rw_log(RW_LOG_WARN, "%s: no file in it", paths[i]);
	}
	free(found);
	free(kept);
	if (l.n > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(l.v, l.n, sizeof *l.v, cmp_inputs);
	for (size_t i = 0; i < l.n; i++)
		l.v[i].order = (uint32_t)i;
	summarise(&l, st, nm->quiet);
	if (nm == &own)
		feed_names_release(&own);
	*out = l;
	return rc;
}
