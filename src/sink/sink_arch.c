/*
 * The collector's archive: MRT records into files named like RouteViews'
 * (updates.YYYYMMDD.HHMM[.gz|.bz2|.xz|.zst], one per rotation period; rib.*
 * likewise, one dump per file).
 *
 * The event loop never touches the disk: a period's records are gathered
 * in memory, and when the period ends the whole of it is queued for the
 * writer thread (struct sink_writer), which compresses it into a hidden
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
 * Threads: the event loop owns an archive's current period; the writer
 * owns a job from the queue until it is written. Counters shared by both
 * are under w->mu. Lifetimes: the writer lives for the whole run and owns
 * every sink_arch opened on it (sink_arch_close hands the last period over;
 * the struct is freed by sink_writer_stop once its files are written or
 * given up).
 */
#include "sink.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ARCH_QUEUE_CAP (1ull << 30) /* bytes of periods waiting for the disk */
#define ARCH_QUEUE_JOBS 4096        /* periods waiting (any rotation: days of them) */

struct arch_job {
	struct sink_arch *a;
	uint32_t start;          /* period start */
	struct obuf data;        /* owned: every record of the period */
};

struct sink_arch {
	/* set at open, then read-only (both threads) */
	char *dir;               /* owned */
	const char *kind;        /* "updates", "rib" (static) */
	enum io_comp comp;
	uint32_t rotate;
	struct sink_writer *w;
	/* event loop only */
	struct arch_job *cur;    /* the period being filled, or NULL */
	uint64_t records;
	/* under w->mu */
	uint64_t queued;         /* bytes of this archive's waiting jobs */
	bool failing;
	time_t last_warn;
	struct sink_arch_stats st;
	struct sink_arch *next;  /* every archive of the writer */
};

struct sink_writer {
	pthread_t th;
	struct rw_queue q;       /* jobs, oldest first */
	pthread_mutex_t mu;      /* the counters below and the archives' */
	pthread_cond_t cv;       /* stop, for the retry wait */
	bool stop;
	uint64_t queued;         /* bytes waiting, all archives */
	int lost;                /* files given up at the end */
	struct sink_arch *all;
};

static void file_name(const struct sink_arch *a, uint32_t start, bool tmp, char *b, size_t n)
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
static int write_whole(const struct arch_job *j, const char **what, int *en, uint64_t *out)
{
	const struct sink_arch *a = j->a;
	char tmp[4096], fin[4096];
	file_name(a, j->start, true, tmp, sizeof tmp);
	file_name(a, j->start, false, fin, sizeof fin);
	struct io_sink *s;
	if (make_dir(a->dir) || io_sink_open(tmp, a->comp, &s)) {
		*what = "create";
		*en = errno;
		return RW_EIO;
	}
	int rc = io_sink_write(s, obuf_data(&j->data), j->data.len);
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

/* A job leaves the queue's byte count (under w->mu) and is freed. */
static void job_free(struct sink_writer *w, struct arch_job *j)
{
	w->queued -= j->data.len;
	j->a->queued -= j->data.len;
	obuf_release(&j->data);
	free(j);
}

/* Write a job, retrying a second apart until it is on disk or, once we
 * are stopping, given up after one more failure. */
static void write_job(struct sink_writer *w, struct arch_job *j)
{
	struct sink_arch *a = j->a;
	char fin[4096];
	file_name(a, j->start, false, fin, sizeof fin);
	for (;;) {
		pthread_mutex_lock(&w->mu);
		bool last_try = w->stop;
		pthread_mutex_unlock(&w->mu);
		const char *what = "";
		int en = 0;
		uint64_t out = 0;
		int rc = write_whole(j, &what, &en, &out);
		pthread_mutex_lock(&w->mu);
		if (rc == 0) {
			a->st.files++;
			a->st.bytes += out;
			if (a->failing)
				rw_log(RW_LOG_WARN, "archive: writing to %s again", a->dir);
			a->failing = false;
			rw_log(RW_LOG_INFO, "archive: %s written (%zu bytes of records)", fin, j->data.len);
			job_free(w, j);
			pthread_mutex_unlock(&w->mu);
			return;
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
			       j->data.len);
			a->st.dropped_bytes += j->data.len;
			w->lost++;
			job_free(w, j);
			pthread_mutex_unlock(&w->mu);
			return;
		}
		/* try again in a second, unless told to stop */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		while (!w->stop && pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0)
			;
		pthread_mutex_unlock(&w->mu);
	}
}

static void *writer_main(void *arg)
{
	struct sink_writer *w = arg;
	for (struct arch_job *j; (j = rw_queue_pop(&w->q));)
		write_job(w, j);
	return NULL;
}

int sink_writer_start(struct sink_writer **out)
{
	struct sink_writer *w = rw_calloc(1, sizeof *w);
	rw_queue_init(&w->q, ARCH_QUEUE_JOBS, RW_MEM_SINK);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (rw_thread_start(&w->th, writer_main, w, "archive writer")) {
		rw_queue_release(&w->q);
		free(w);
		return RW_ENOMEM;
	}
	*out = w;
	return 0;
}

int sink_writer_stop(struct sink_writer *w)
{
	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	w->stop = true; /* what is queued is tried once more, then given up */
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	rw_queue_close(&w->q);
	pthread_join(w->th, NULL);
	int rc = w->lost ? RW_EIO : 0;
	for (struct sink_arch *a = w->all, *nx; a; a = nx) {
		nx = a->next;
		if (a->cur) {
			obuf_release(&a->cur->data);
			free(a->cur);
		}
		free(a->dir);
		free(a);
	}
	rw_queue_release(&w->q);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
	return rc;
}

/* ---------------------------------------------------------------- event loop side */

int sink_arch_open(struct sink_arch **out, struct sink_writer *w, const char *dir, const char *kind,
		   enum io_comp comp, uint32_t rotate)
{
	struct sink_arch *a = rw_calloc(1, sizeof *a);
	a->dir = rw_strdup(dir);
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
static void close_cur(struct sink_arch *a)
{
	struct arch_job *j = a->cur;
	if (!j)
		return;
	a->cur = NULL;
	struct sink_writer *w = a->w;
	pthread_mutex_lock(&w->mu);
	w->queued += j->data.len;
	a->queued += j->data.len;
	/* over the cap: the oldest waiting period goes (the one being
	 * written is the writer's, out of the queue) */
	while (w->queued > ARCH_QUEUE_CAP) {
		struct arch_job *old = rw_queue_try_pop(&w->q);
		if (!old)
			break;
		char fin[4096];
		file_name(old->a, old->start, false, fin, sizeof fin);
		rw_log(RW_LOG_ERROR, "archive: over %llu bytes wait for the disk: %s (%zu bytes) is dropped",
		       (unsigned long long)ARCH_QUEUE_CAP, fin, old->data.len);
		old->a->st.dropped_bytes += old->data.len;
		job_free(w, old);
	}
	pthread_mutex_unlock(&w->mu);
	if (!rw_queue_try_push(&w->q, j)) {
		/* ARCH_QUEUE_JOBS periods wait already: the disk is gone for
		 * days; this one is dropped rather than the loop blocked */
		pthread_mutex_lock(&w->mu);
		rw_log(RW_LOG_ERROR, "archive: %u periods wait for the disk; %zu bytes of records are dropped",
		       (unsigned)ARCH_QUEUE_JOBS, j->data.len);
		a->st.dropped_bytes += j->data.len;
		job_free(w, j);
		pthread_mutex_unlock(&w->mu);
	}
}

static struct arch_job *cur_for(struct sink_arch *a, uint32_t ts)
{
	uint32_t start = ts - ts % a->rotate;
	if (a->cur && start != a->cur->start)
		close_cur(a);
	if (!a->cur) {
		a->cur = rw_calloc(1, sizeof *a->cur);
		a->cur->a = a;
		a->cur->start = start;
	}
	return a->cur;
}

void sink_arch_put(struct sink_arch *a, uint32_t ts, const uint8_t *p, size_t n)
{
	obuf_write(&cur_for(a, ts)->data, p, n);
	a->records++;
}

void sink_arch_put_buf(struct sink_arch *a, uint32_t ts, struct obuf *b)
{
	struct arch_job *j = cur_for(a, ts);
	if (j->data.len) { /* rare: more in the same period */
		obuf_write(&j->data, b->buf, b->len);
		obuf_release(b);
	} else {
		obuf_release(&j->data);
		j->data = *b; /* taken over, not copied (a RIB dump is large) */
		memset(b, 0, sizeof *b);
	}
	a->records++;
}

void sink_arch_tick(struct sink_arch *a, uint32_t now)
{
	if (a->cur && now >= a->cur->start + a->rotate)
		close_cur(a);
}

void sink_arch_cut(struct sink_arch *a)
{
	close_cur(a);
}

void sink_arch_close(struct sink_arch *a)
{
	if (a)
		close_cur(a); /* freed by sink_writer_stop */
}

void sink_arch_stats(struct sink_arch *a, struct sink_arch_stats *st)
{
	pthread_mutex_lock(&a->w->mu);
	*st = a->st;
	st->kept_bytes = a->queued + (a->cur ? a->cur->data.len : 0);
	st->failing = a->failing;
	pthread_mutex_unlock(&a->w->mu);
	st->records = a->records;
}
