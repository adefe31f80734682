/*
 * The inputs of a run over archives (feed.h, feed_inputs): files and
 * directories, walked with names sorted; the collector of a file is the
 * one given, else the name of its directory. Each file's time and kind
 * come from its name when RouteViews or RIS named it (rib.20240309.0800,
 * updates...), else from its first record, peeked; the inputs are sorted
 * by (time, RIB first, collector, path), so the order on the command line
 * does not matter and equal times keep a stable order.
 */
#include "feed.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

void feed_inputs_free(struct feed_inputs *l)
{
	for (uint32_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].collector);
	}
	rw_vec_free(&l->v, &l->cap, sizeof *l->v, RW_MEM_FEED);
	l->n = 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *dir_name_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return rw_strdup(".");
	const char *end = slash;
	while (end > path && end[-1] == '/')
		end--;
	const char *start = end;
	while (start > path && start[-1] != '/')
		start--;
	if (start == end)
		return rw_strdup("/");
	return rw_strndup(start, (size_t)(end - start));
}

static int add_file(struct feed_inputs *l, const char *path, const char *coll)
{
	rw_vec_grow(&l->v, &l->cap, (size_t)l->n + 1, sizeof *l->v, UINT32_MAX, RW_MEM_FEED);
	struct feed_input *in = &l->v[l->n++];
	memset(in, 0, sizeof *in);
	in->path = rw_strdup(path);
	if (coll) {
		in->collector = rw_strdup(coll);
	} else {
		char *d = dir_name_of(path);
		if (!strcmp(d, ".")) {
			char cwd[4096];
			free(d);
			d = getcwd(cwd, sizeof cwd) ? rw_strdup(strrchr(cwd, '/') ? strrchr(cwd, '/') + 1 : cwd)
						    : rw_strdup(".");
		}
		in->collector = d;
	}
	return 0;
}

static int walk(struct feed_inputs *l, const char *path, const char *coll, int depth)
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
	uint32_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ., .., hidden and partial files */
		rw_vec_grow(&names, &cap, (size_t)n + 1, sizeof *names, UINT32_MAX, RW_MEM_FEED);
		names[n++] = rw_strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_names);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *p = rw_malloc(len);
		snprintf(p, len, "%s/%s", path, names[i]);
		if (walk(l, p, coll, depth + 1))
			rc = RW_EIO;
		free(p);
		free(names[i]);
	}
	rw_vec_free(&names, &cap, sizeof *names, RW_MEM_FEED);
	return rc;
}

/* RouteViews and RIS name their files after the start of the period they
 * hold: rib.20240309.0800.bz2, bview.20240309.0800.gz,
 * updates.20240309.0805.gz. Reading the time from the name saves
 * decompressing the first block of every file just to sort them. */
static bool from_name(struct feed_input *in)
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
static void peek(struct feed_input *in, const struct io_opts *io)
{
	if (from_name(in))
		return;
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

int feed_inputs(char **paths, int n, const char *collector, const struct io_opts *io, struct feed_inputs *out,
		struct feed_stats *st)
{
	struct feed_inputs l = {0};
	int rc = 0;
	for (int i = 0; i < n; i++)
		if (walk(&l, paths[i], collector, 0)) {
			rc = RW_EIO;
			st->files++;
			st->files_failed++;
		}
	size_t k = 0;
	for (size_t i = 0; i < l.n; i++) {
		peek(&l.v[i], io);
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
	*out = l;
	return rc;
}

