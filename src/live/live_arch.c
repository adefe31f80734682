/*
 * The collector's archive: MRT records into files named like RouteViews'
 * (updates.YYYYMMDD.HHMM[.gz|.bz2|.xz|.zst], one per --rotate period;
 * rib.* likewise, one dump per file).
 *
 * The event loop never touches the disk: a period's records are gathered
 * in memory, and when the period ends the whole of it is handed to the
 * writer thread (struct live_writer), which compresses it into a hidden
 * temporary file (.updates....tmp, which archive walkers skip), fsyncs it
 * and renames it to its final name; no reader ever sees half a file under
 * that name. So a slow disk, a large RIB dump or a slow compressor cannot
 * delay the sessions' keepalives.
 *
 * Nothing received may be lost when the disk misbehaves (directory made
 * unwritable, disk full): a period stays in memory until its file is
 * renamed. On a failure the writer abandons the temporary file, says so
 * loudly (again every 10 s while it lasts) and tries the same period again
 * a second later; periods queue behind it in order (up to ARCH_QUEUE_CAP
 * bytes, then the oldest waiting one is dropped, loudly).
 *
 * Lifetimes: the writer lives for the whole run and owns every live_arch
 * opened on it (live_arch_close hands the last period over; the struct is
 * freed by live_writer_stop once its files are written or given up).
 */
#include "live_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ARCH_QUEUE_CAP (1ull << 30)

struct arch_file {
	uint32_t start;          /* period start */
	struct mrt_buf data;     /* owned: every record of the period */
};

struct arch_job {
	struct live_arch *a;
	struct arch_file f;
	struct arch_job *next;
};

struct live_arch {
	/* set at open, then read-only (both threads) */
	char *dir;               /* owned */
	const char *kind;        /* "updates", "rib" */
	enum io_comp comp;
	uint32_t rotate;
	struct live_writer *w;
	/* event loop only */
	struct arch_file cur;    /* the period being filled */
	bool have_cur;
	uint64_t records;
	/* under w->mu */
	uint64_t queued;         /* bytes of this archive's jobs */
	bool failing;
	time_t last_warn;
	struct live_arch_stats st;
	struct live_arch *next;  /* every archive of the writer */
};

struct live_writer {
	pthread_t th;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct arch_job *head, *tail; /* the head is being written */
	uint64_t queued;
	bool stop;
	int lost;                /* files given up at the end */
	struct live_arch *all;
};

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

/* ---------------------------------------------------------------- writer thread */

/* mkdir -p the archive's directory (a BMP router's, at its first file). */
static int make_dir(const char *dir)
{
	char d[4096];
	snprintf(d, sizeof d, "%s", dir);
	for (char *q = d + 1;; q++) {
		bool last = !*q;
		if (*q != '/' && !last)
			continue;
		*q = 0;
		if (mkdir(d, 0755) && errno != EEXIST)
			return RW_EIO;
		if (last)
			return 0;
		*q = '/';
	}
}

/* Write one period: temporary file, fsync, rename. On failure *what and
 * *en say what failed; the temporary file is gone. */
static int write_whole(const struct live_arch *a, const struct arch_file *f, const char **what, int *en,
		       uint64_t *out)
{
	char tmp[4096], fin[4096];
	file_name(a, f->start, true, tmp, sizeof tmp);
	file_name(a, f->start, false, fin, sizeof fin);
	struct io_sink *s;
	if (make_dir(a->dir) || io_sink_open(tmp, a->comp, &s)) {
		*what = "create";
		*en = errno;
		return RW_EIO;
	}
	int rc = io_sink_write(s, f->data.p, f->data.len);
	*out = io_sink_bytes_out(s);
	rc = io_sink_close(s, rc == 0) || rc;
	if (rc) {
		*what = "write";
		*en = errno;
		unlink(tmp);
		return RW_EIO;
	}
	if (rename(tmp, fin)) {
		*what = "rename into";
		*en = errno;
		unlink(tmp);
		return RW_EIO;
	}
	return 0;
}

static void job_free(struct live_writer *w, struct arch_job *j)
{
	w->queued -= j->f.data.len;
	j->a->queued -= j->f.data.len;
	mrt_buf_release(&j->f.data);
	free(j);
}

static void pop(struct live_writer *w)
{
	struct arch_job *j = w->head;
	w->head = j->next;
	if (!w->head)
		w->tail = NULL;
	job_free(w, j);
}

static void *writer_main(void *arg)
{
	struct live_writer *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head)
			break;
		struct arch_job *j = w->head;
		struct live_arch *a = j->a;
		bool last_try = w->stop;
		pthread_mutex_unlock(&w->mu); /* the job stays at the head: only this thread pops it */
		const char *what = "";
		int en = 0;
		uint64_t out = 0;
		int rc = write_whole(a, &j->f, &what, &en, &out);
		char fin[4096];
		file_name(a, j->f.start, false, fin, sizeof fin);
		pthread_mutex_lock(&w->mu);
		if (rc == 0) {
			a->st.files++;
			a->st.bytes += out;
			if (a->failing)
				rw_log(RW_LOG_WARN, "archive: writing to %s again", a->dir);
			a->failing = false;
			rw_log(RW_LOG_INFO, "archive: %s written (%zu bytes of records)", fin, j->f.data.len);
			pop(w);
			continue;
		}
		a->st.failures++;
		time_t now = time(NULL);
		if (!a->failing || now - a->last_warn >= 10) {
			rw_log(RW_LOG_ERROR,
			       "archive: cannot %s %s: %s; %llu bytes of records are kept in memory and written when the directory takes them",
			       what, fin, strerror(en), (unsigned long long)w->queued);
			a->last_warn = now;
		}
		a->failing = true;
		if (last_try) {
			rw_log(RW_LOG_ERROR, "archive: %s (%zu bytes of records) could not be written and is lost", fin,
			       j->f.data.len);
			a->st.dropped_bytes += j->f.data.len;
			w->lost++;
			pop(w);
			continue;
		}
		/* try again in a second, unless told to stop */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		while (!w->stop && pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int live_writer_start(struct live_writer **out)
{
	struct live_writer *w = calloc(1, sizeof *w);
	if (!w)
		return RW_ENOMEM;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->th, NULL, writer_main, w)) {
		free(w);
		return RW_ENOMEM;
	}
	w->started = true;
	*out = w;
	return 0;
}

int live_writer_stop(struct live_writer *w)
{
	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	w->stop = true; /* what is queued is tried once more, then given up */
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	int rc = w->lost ? RW_EIO : 0;
	for (struct live_arch *a = w->all, *nx; a; a = nx) {
		nx = a->next;
		mrt_buf_release(&a->cur.data);
		free(a->dir);
		free(a);
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
	return rc;
}

/* ---------------------------------------------------------------- event loop side */

int live_arch_open(struct live_arch **out, struct live_writer *w, const char *dir, const char *kind,
		   enum io_comp comp, uint32_t rotate)
{
	struct live_arch *a = calloc(1, sizeof *a);
	if (!a || !(a->dir = strdup(dir))) {
		free(a);
		return RW_ENOMEM;
	}
	a->kind = kind;
	a->comp = comp;
	a->rotate = rotate ? rotate : 900;
	a->w = w;
	pthread_mutex_lock(&w->mu);
	a->next = w->all;
	w->all = a;
	pthread_mutex_unlock(&w->mu);
	*out = a;
	return 0;
}

/* The current period is over: hand it to the writer. */
static void close_cur(struct live_arch *a)
{
	if (!a->have_cur)
		return;
	a->have_cur = false;
	struct live_writer *w = a->w;
	struct arch_job *j = malloc(sizeof *j);
	if (!j) {
		rw_log(RW_LOG_ERROR, "archive: out of memory: %zu bytes of records lost", a->cur.data.len);
		mrt_buf_release(&a->cur.data);
		memset(&a->cur, 0, sizeof a->cur);
		return;
	}
	j->a = a;
	j->f = a->cur;
	j->next = NULL;
	memset(&a->cur, 0, sizeof a->cur);
	pthread_mutex_lock(&w->mu);
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	w->queued += j->f.data.len;
	a->queued += j->f.data.len;
	/* over the cap: the oldest waiting period goes (not the one being
	 * written) */
	while (w->queued > ARCH_QUEUE_CAP && w->head->next && w->head->next != j) {
		struct arch_job *old = w->head->next;
		char fin[4096];
		file_name(old->a, old->f.start, false, fin, sizeof fin);
		rw_log(RW_LOG_ERROR, "archive: over %llu bytes wait for the disk: %s (%zu bytes) is dropped",
		       (unsigned long long)ARCH_QUEUE_CAP, fin, old->f.data.len);
		old->a->st.dropped_bytes += old->f.data.len;
		w->head->next = old->next;
		job_free(w, old);
	}
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int live_arch_put(struct live_arch *a, uint32_t ts, const uint8_t *p, size_t n)
{
	uint32_t start = ts - ts % a->rotate;
	if (a->have_cur && start != a->cur.start)
		close_cur(a);
	if (!a->have_cur) {
		a->cur.start = start;
		a->have_cur = true;
	}
	if (mrt_buf_put(&a->cur.data, p, n)) {
		pthread_mutex_lock(&a->w->mu);
		a->st.dropped_bytes += n;
		pthread_mutex_unlock(&a->w->mu);
		return RW_ENOMEM;
	}
	a->records++;
	return 0;
}

void live_arch_put_buf(struct live_arch *a, uint32_t ts, struct mrt_buf *b)
{
	uint32_t start = ts - ts % a->rotate;
	if (a->have_cur && start != a->cur.start)
		close_cur(a);
	if (a->have_cur) { /* rare: more in the same period */
		live_arch_put(a, ts, b->p, b->len);
		mrt_buf_release(b);
		return;
	}
	a->cur.start = start;
	a->have_cur = true;
	a->cur.data = *b; /* taken over, not copied (a RIB dump is large) */
	memset(b, 0, sizeof *b);
	a->records++;
}

void live_arch_tick(struct live_arch *a, uint32_t now)
{
	if (a->have_cur && now >= a->cur.start + a->rotate)
		close_cur(a);
}

void live_arch_cut(struct live_arch *a)
{
	close_cur(a);
}

void live_arch_close(struct live_arch *a)
{
	if (a)
		close_cur(a); /* freed by live_writer_stop */
}

void live_arch_stats(struct live_arch *a, struct live_arch_stats *st)
{
	pthread_mutex_lock(&a->w->mu);
	*st = a->st;
	st->kept_bytes = a->queued + a->cur.data.len;
	st->failing = a->failing;
	pthread_mutex_unlock(&a->w->mu);
	st->records = a->records;
}
