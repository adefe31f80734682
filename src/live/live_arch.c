/*
 * The collector's archive: MRT records into files named like RouteViews'
 * (updates.YYYYMMDD.HHMM[.gz|.bz2|.xz|.zst], one per --rotate period).
 *
 * A file is written under a hidden temporary name (.updates....tmp, which
 * archive walkers skip) and renamed only once it is complete and fsynced,
 * so no reader ever sees half a file under the final name.
 *
 * Nothing received may be lost when the disk misbehaves (directory made
 * unwritable, disk full): the records of the current file are also kept in
 * memory until the file is safely renamed. Any failure abandons the
 * temporary file; the kept bytes are written again, whole, on the next
 * attempt (every second). A closed period that could not be written waits
 * in memory (up to ARCH_PENDING_CAP bytes, then the oldest is dropped,
 * loudly) until the disk takes it. Memory is thus one period of records
 * while the disk works.
 */
#include "live_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARCH_PENDING_CAP (1ull << 30)
#define ARCH_WRITE_STEP (1u << 20) /* write out once this much is new */

struct arch_file {
	uint32_t start;          /* period start */
	struct mrt_buf data;     /* owned: every record of the period */
	struct arch_file *next;
};

struct live_arch {
	char *dir;               /* owned */
	const char *kind;        /* "updates" */
	enum io_comp comp;
	uint32_t rotate;
	struct arch_file cur;    /* the period being filled */
	bool have_cur;
	size_t written;          /* bytes of cur.data already in sink */
	struct io_sink *sink;    /* owned: cur's temporary file, or NULL */
	struct arch_file *pending, *pending_tail; /* closed, not yet on disk */
	uint64_t pending_bytes;
	bool failing;            /* the last attempt failed */
	time_t last_warn;
	struct live_arch_stats st;
};

int live_arch_open(struct live_arch **out, const char *dir, const char *kind, enum io_comp comp,
		   uint32_t rotate)
{
	struct live_arch *a = calloc(1, sizeof *a);
	if (!a || !(a->dir = strdup(dir))) {
		free(a);
		return RW_ENOMEM;
	}
	a->kind = kind;
	a->comp = comp;
	a->rotate = rotate ? rotate : 900;
	*out = a;
	return 0;
}

static void file_name(const struct live_arch *a, uint32_t start, bool tmp, char *b, size_t n)
{
	time_t t = start;
	struct tm tm;
	gmtime_r(&t, &tm);
	char when[32];
	strftime(when, sizeof when, a->rotate % 60 ? "%Y%m%d.%H%M%S" : "%Y%m%d.%H%M", &tm);
	snprintf(b, n, "%s/%s%s.%s%s%s", a->dir, tmp ? "." : "", a->kind, when, io_comp_ext(a->comp),
		 tmp ? ".tmp" : "");
}

/* Say it loudly, but once per 10 s while it lasts. */
static void fail(struct live_arch *a, const char *what, const char *path, int en)
{
	a->st.failures++;
	time_t now = time(NULL);
	if (!a->failing || now - a->last_warn >= 10) {
		rw_log(RW_LOG_ERROR,
		       "archive: cannot %s %s: %s; %llu bytes of records are kept in memory and written when the directory takes them",
		       what, path, strerror(en), (unsigned long long)(a->pending_bytes + a->cur.data.len));
		a->last_warn = now;
	}
	a->failing = true;
}

static void recovered(struct live_arch *a)
{
	if (a->failing)
		rw_log(RW_LOG_WARN, "archive: writing to %s again", a->dir);
	a->failing = false;
}

/* Create a temporary file (and the directory, for a BMP router's first). */
static int create(struct live_arch *a, const char *tmp, struct io_sink **s)
{
	char d[4096];
	snprintf(d, sizeof d, "%s", a->dir);
	for (char *q = d + 1;; q++) { /* mkdir -p */
		bool last = !*q;
		if (*q != '/' && !last)
			continue;
		*q = 0;
		if (mkdir(d, 0755) && errno != EEXIST)
			return RW_EIO;
		if (last)
			break;
		*q = '/';
	}
	return io_sink_open(tmp, a->comp, s);
}

/* Write a whole closed period: temporary file, fsync, rename. */
static int write_whole(struct live_arch *a, const struct arch_file *f)
{
	char tmp[4096], fin[4096];
	file_name(a, f->start, true, tmp, sizeof tmp);
	file_name(a, f->start, false, fin, sizeof fin);
	struct io_sink *s;
	if (create(a, tmp, &s)) {
		fail(a, "create", tmp, errno);
		return RW_EIO;
	}
	int rc = io_sink_write(s, f->data.p, f->data.len);
	uint64_t out = io_sink_bytes_out(s);
	rc = io_sink_close(s, rc == 0) || rc;
	if (rc) {
		fail(a, "write", tmp, errno);
		unlink(tmp);
		return RW_EIO;
	}
	if (rename(tmp, fin)) {
		fail(a, "rename into", fin, errno);
		unlink(tmp);
		return RW_EIO;
	}
	a->st.files++;
	a->st.bytes += out;
	recovered(a);
	rw_log(RW_LOG_INFO, "archive: %s written (%zu bytes of records)", fin, f->data.len);
	return 0;
}

/* Bring the current period's temporary file up to date. */
static void write_cur(struct live_arch *a)
{
	if (!a->have_cur || a->written == a->cur.data.len)
		return;
	char tmp[4096];
	file_name(a, a->cur.start, true, tmp, sizeof tmp);
	if (!a->sink) {
		if (create(a, tmp, &a->sink)) {
			a->sink = NULL;
			fail(a, "create", tmp, errno);
			return;
		}
		a->written = 0;
	}
	if (io_sink_write(a->sink, a->cur.data.p + a->written, a->cur.data.len - a->written)) {
		fail(a, "write", tmp, errno);
		io_sink_close(a->sink, false);
		a->sink = NULL;
		a->written = 0;
		unlink(tmp);
		return;
	}
	a->written = a->cur.data.len;
	recovered(a);
}

static void pend(struct live_arch *a, struct arch_file *f)
{
	struct arch_file *p = malloc(sizeof *p);
	if (!p) {
		a->st.dropped_bytes += f->data.len;
		mrt_buf_release(&f->data);
		return;
	}
	*p = *f;
	p->next = NULL;
	memset(f, 0, sizeof *f);
	if (a->pending_tail)
		a->pending_tail->next = p;
	else
		a->pending = p;
	a->pending_tail = p;
	a->pending_bytes += p->data.len;
	while (a->pending_bytes > ARCH_PENDING_CAP && a->pending != a->pending_tail) {
		struct arch_file *old = a->pending;
		char fin[4096];
		file_name(a, old->start, false, fin, sizeof fin);
		rw_log(RW_LOG_ERROR, "archive: over %llu bytes wait for the disk: %s (%zu bytes) is dropped",
		       (unsigned long long)ARCH_PENDING_CAP, fin, old->data.len);
		a->st.dropped_bytes += old->data.len;
		a->pending_bytes -= old->data.len;
		a->pending = old->next;
		mrt_buf_release(&old->data);
		free(old);
	}
}

/* The current period is over: finish its file, or keep it for later. */
static void close_cur(struct live_arch *a)
{
	if (!a->have_cur)
		return;
	char tmp[4096], fin[4096];
	file_name(a, a->cur.start, true, tmp, sizeof tmp);
	file_name(a, a->cur.start, false, fin, sizeof fin);
	bool ok = false;
	if (!a->pending) {
		write_cur(a);
		if (a->sink && a->written == a->cur.data.len) {
			uint64_t out = io_sink_bytes_out(a->sink);
			int rc = io_sink_close(a->sink, true);
			a->sink = NULL;
			if (rc)
				fail(a, "write", tmp, errno);
			else if (rename(tmp, fin))
				fail(a, "rename into", fin, errno);
			else {
				ok = true;
				a->st.files++;
				a->st.bytes += out;
				rw_log(RW_LOG_INFO, "archive: %s written (%zu bytes of records)", fin,
				       a->cur.data.len);
			}
			if (!ok)
				unlink(tmp);
		}
	}
	if (a->sink) { /* a failed or out-of-order attempt */
		io_sink_close(a->sink, false);
		a->sink = NULL;
		unlink(tmp);
	}
	if (ok)
		mrt_buf_release(&a->cur.data);
	else
		pend(a, &a->cur);
	memset(&a->cur, 0, sizeof a->cur);
	a->have_cur = false;
	a->written = 0;
}

int live_arch_put(struct live_arch *a, uint32_t ts, const uint8_t *p, size_t n)
{
	uint32_t start = ts - ts % a->rotate;
	if (a->have_cur && start != a->cur.start)
		close_cur(a);
	if (!a->have_cur) {
		a->cur.start = start;
		a->have_cur = true;
		a->written = 0;
	}
	if (mrt_buf_put(&a->cur.data, p, n)) {
		a->st.dropped_bytes += n;
		return RW_ENOMEM;
	}
	a->st.records++;
	if (!a->pending && !a->failing && a->cur.data.len - a->written >= ARCH_WRITE_STEP)
		write_cur(a);
	return 0;
}

void live_arch_tick(struct live_arch *a, uint32_t now)
{
	/* waiting periods first, in order: files appear in time order */
	while (a->pending) {
		struct arch_file *f = a->pending;
		if (write_whole(a, f))
			return;
		a->pending = f->next;
		if (!a->pending)
			a->pending_tail = NULL;
		a->pending_bytes -= f->data.len;
		mrt_buf_release(&f->data);
		free(f);
	}
	if (a->have_cur && now >= a->cur.start + a->rotate)
		close_cur(a);
	else
		write_cur(a);
}

int live_arch_close(struct live_arch *a)
{
	if (!a)
		return 0;
	close_cur(a);
	live_arch_tick(a, 0);
	int rc = 0;
	for (struct arch_file *f = a->pending, *nx; f; f = nx) {
		nx = f->next;
		char fin[4096];
		file_name(a, f->start, false, fin, sizeof fin);
		rw_log(RW_LOG_ERROR, "archive: %s (%zu bytes of records) could not be written and is lost", fin,
		       f->data.len);
		rc = RW_EIO;
		mrt_buf_release(&f->data);
		free(f);
	}
	free(a->dir);
	free(a);
	return rc;
}

void live_arch_cut(struct live_arch *a)
{
	close_cur(a);
}

void live_arch_stats(const struct live_arch *a, struct live_arch_stats *st)
{
	*st = a->st;
	st->kept_bytes = a->pending_bytes + a->cur.data.len;
	st->failing = a->failing;
}
