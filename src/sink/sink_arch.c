/*
 * The collector's archive: MRT records into files named like RouteViews'
 * (updates.YYYYMMDD.HHMM[.gz|.bz2|.xz|.zst], one per rotation period; rib.*
 * likewise, one dump per file).
 *
 * The event loop never touches the disk: records are gathered in memory
 * (struct arch_job) and handed to the writer thread (struct sink_writer)
 * once a second, and the writer appends them, uncompressed, to the period's
 * journal (.updates.YYYYMMDD.HHMM.part, hidden, so archive walkers skip
 * it). A SIGKILL then loses at most the last second: a write() is in the
 * page cache, and the next start finishes the journal. When the period
 * ends, the writer compresses the journal into a hidden temporary file
 * (.updates....tmp), fsyncs it, renames it to its final name and removes
 * the journal; no reader ever sees half a file under that name. A period
 * that reaches the writer whole (a RIB dump, or one that ended before a
 * second passed) is written from memory the same way, with no journal. So
 * a slow disk, a large RIB dump or a slow compressor cannot delay the
 * sessions' keepalives.
 *
 * A journal holds every record of its period so far, in order: one
 * started for a period whose file exists already (the collector restarted
 * within the period) begins with that file's records, so the file it
 * becomes replaces the old one with more, never with less.
 *
 * At open, the writer looks for what a crash left of this kind: temporary
 * files are removed (half a compressed file; their records are in a
 * journal, or were in memory only), and each journal is finished into its
 * period's file, its whole records only (a write cut short by the kill is
 * cut). A file of that period that exists already and is not a beginning
 * of the journal is never replaced: the journal is kept aside (.kept-T)
 * and that is said loudly.
 *
 * Nothing received may be lost when the disk misbehaves (directory made
 * unwritable, disk full): records stay in memory until they are in the
 * journal, and a journal stays until its file is renamed. On a failure the
 * writer says so loudly (again every 10 s while it lasts) and tries the
 * same job again a second later; jobs queue behind it in order (up to
 * ARCH_QUEUE_CAP bytes, then the oldest waiting one is dropped, loudly).
 * While an archive has a job with the writer, its records gather in
 * memory instead, so a disk that fails for hours queues one job per
 * period, as before journals.
 *
 * Threads: the event loop owns an archive's current records (cur); the
 * writer owns a job from the queue until it is done, and each archive's
 * journal (jfd). Counters shared by both are under w->mu. Lifetimes: the
 * writer lives for the whole run and owns every sink_arch opened on it
 * (sink_arch_close hands the last period over; the struct is freed by
 * sink_writer_stop once its files are written or given up).
 */
#include "sink_int.h"

/* ---------------------------------------------------------------- writer: jobs */

/* The job's records leave memory and the queue's byte count (under w->mu). */
static void job_shed(struct sink_writer *w, struct arch_job *j)
{
	w->queued -= j->data.len;
	j->a->queued -= j->data.len;
	obuf_release(&j->data);
	j->done = 0;
}

/* A job is done or dropped (under w->mu). */
static void job_free(struct sink_writer *w, struct arch_job *j)
{
	job_shed(w, j);
	j->a->jobs--;
	free(j);
}

/* Do what is left of a job; after a failure, the same call goes on from
 * where it stopped. */
static int job_step(struct arch_job *j, struct arch_fail *f)
{
	struct sink_arch *a = j->a;
	if (j->recover)
		return sink__recover(a, f);
	if (a->jfd >= 0 && a->jstart != j->start && sink__journal_finish(a, f))
		return RW_EIO; /* its end was dropped with the queue's cap */
	if (j->end && a->jfd < 0) {
		/* never journaled (a RIB dump; a period shorter than a
		 * tick): written from memory, unless it must add to a file */
		if (!j->data.len)
			return 0;
		char fin[ARCH_PATH], when[32];
		sink__when(a, j->start, when);
		sink__name(a, when, NAME_FINAL, fin);
		uint64_t out;
		struct file_src src = {.p = obuf_data(&j->data), .n = j->data.len};
		if (access(fin, F_OK) && errno == ENOENT) {
			if (sink__put_file(a, when, &src, f, &out))
				return RW_EIO;
			sink__count_file(a, out);
			rw_log(RW_LOG_INFO, "archive: %s written (%zu bytes of records)", fin, j->data.len);
			return 0;
		}
	}
	if (j->data.len) {
		if (sink__journal_append(j, f))
			return RW_EIO;
		pthread_mutex_lock(&a->w->mu);
		job_shed(a->w, j); /* on disk now: memory is not needed */
		pthread_mutex_unlock(&a->w->mu);
	}
	return j->end ? sink__journal_finish(a, f) : 0;
}

/* The last try failed (we are stopping): say what is lost and what waits
 * in a journal for the next start. */
static void give_up(struct sink_writer *w, struct arch_job *j)
{
	struct sink_arch *a = j->a;
	char fin[ARCH_PATH], jpath[ARCH_PATH];
	sink__path(a, j->start, NAME_FINAL, fin);
	bool leave = a->jfd >= 0 && (j->end || a->jstart != j->start);
	if (j->done && ftruncate(a->jfd, (off_t)(a->jlen - j->done)) == 0)
		a->jlen -= j->done; /* no part of a record before the next one */
	if (leave) {
		sink__path(a, a->jstart, NAME_JOURNAL, jpath);
		fsync(a->jfd);
		close(a->jfd);
		a->jfd = -1;
	}
	pthread_mutex_lock(&w->mu);
	if (j->recover)
		rw_log(RW_LOG_ERROR, "archive: what a crash left in %s is finished at the next start", a->dir);
	if (j->data.len) {
		rw_log(RW_LOG_ERROR, "archive: %zu bytes of records of %s could not be written and are lost", j->data.len,
		       fin);
		a->st.dropped_bytes += j->data.len;
	}
	if (leave)
		rw_log(RW_LOG_ERROR, "archive: %s could not be finished: its records stay in %s, finished at the next start",
		       fin, jpath);
	w->unfinished++;
	job_free(w, j);
	pthread_mutex_unlock(&w->mu);
}

/* Do a job, retrying a second apart until it is done or, once we are
 * stopping, given up after one more failure. */
static void write_job(struct sink_writer *w, struct arch_job *j)
{
	struct sink_arch *a = j->a;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		bool last_try = w->stop;
		pthread_mutex_unlock(&w->mu);
		struct arch_fail f = {0};
		int rc = job_step(j, &f);
		pthread_mutex_lock(&w->mu);
		if (rc == 0) {
			if (a->failing)
				rw_log(RW_LOG_WARN, "archive: writing to %s again", a->dir);
			a->failing = false;
			job_free(w, j);
			pthread_mutex_unlock(&w->mu);
			return;
		}
		a->st.failures++;
		time_t now = time(NULL);
		if (!a->failing || now - a->last_warn >= 10) {
			rw_log(RW_LOG_ERROR,
			       "archive: cannot %s %s: %s; %llu bytes of records are kept in memory and written when the directory takes them",
			       f.what, f.path, strerror(f.en), (unsigned long long)w->queued);
			a->last_warn = now;
		}
		a->failing = true;
		if (last_try) {
			pthread_mutex_unlock(&w->mu);
			give_up(w, j);
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
	/* stopped: a journal still open lost its end to the queue's cap */
	pthread_mutex_lock(&w->mu);
	struct sink_arch *all = w->all;
	pthread_mutex_unlock(&w->mu);
	for (struct sink_arch *a = all; a; a = a->next) {
		if (a->jfd < 0)
			continue;
		struct arch_job *j = rw_calloc(1, sizeof *j);
		*j = (struct arch_job){.a = a, .start = a->jstart, .end = true};
		pthread_mutex_lock(&w->mu);
		a->jobs++;
		pthread_mutex_unlock(&w->mu);
		write_job(w, j);
	}
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
	int rc = w->unfinished ? RW_EIO : 0;
	for (struct sink_arch *a = w->all, *nx; a; a = nx) {
		nx = a->next;
		if (a->cur) {
			obuf_release(&a->cur->data);
			free(a->cur);
		}
		if (a->jfd >= 0)
			close(a->jfd);
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

static struct arch_job *job_new(struct sink_arch *a, uint32_t start)
{
	struct arch_job *j = rw_calloc(1, sizeof *j);
	j->a = a;
	j->start = start;
	return j;
}

/* A waiting job is dropped, loudly (under w->mu). */
static void drop_job(struct sink_writer *w, struct arch_job *j, const char *why)
{
	struct sink_arch *a = j->a;
	if (j->recover) {
		rw_log(RW_LOG_ERROR, "archive: %s: what a crash left in %s waits for the next start", why, a->dir);
	} else {
		char fin[ARCH_PATH];
		sink__path(a, j->start, NAME_FINAL, fin);
		rw_log(RW_LOG_ERROR, "archive: %s: %zu bytes of records of %s are dropped", why, j->data.len, fin);
		a->st.dropped_bytes += j->data.len;
	}
	job_free(w, j);
}

/* A job to the writer, or dropped (loudly) when the queue is full. */
static void push_job(struct sink_arch *a, struct arch_job *j)
{
	struct sink_writer *w = a->w;
	char why[64];
	pthread_mutex_lock(&w->mu);
	w->queued += j->data.len;
	a->queued += j->data.len;
	a->jobs++;
	/* over the cap: the oldest waiting job goes (the one being done is
	 * the writer's, out of the queue) */
	while (w->queued > ARCH_QUEUE_CAP) {
		struct arch_job *old = rw_queue_try_pop(&w->q);
		if (!old)
			break;
		snprintf(why, sizeof why, "over %llu bytes wait for the disk", (unsigned long long)ARCH_QUEUE_CAP);
		drop_job(w, old, why);
	}
	pthread_mutex_unlock(&w->mu);
	if (!rw_queue_try_push(&w->q, j)) {
		/* ARCH_QUEUE_JOBS jobs wait already: the disk is gone for
		 * days; this one is dropped rather than the loop blocked */
		snprintf(why, sizeof why, "%u jobs wait for the disk", (unsigned)ARCH_QUEUE_JOBS);
		pthread_mutex_lock(&w->mu);
		drop_job(w, j, why);
		pthread_mutex_unlock(&w->mu);
	}
}

int sink_arch_open(struct sink_arch **out, struct sink_writer *w, const char *dir, const char *kind,
		   enum io_comp comp, uint32_t rotate)
{
	struct sink_arch *a = rw_calloc(1, sizeof *a);
	a->dir = rw_strdup(dir);
	a->kind = kind;
	a->comp = comp;
	a->rotate = rotate ? rotate : 900;
	a->w = w;
	a->jfd = -1;
	pthread_mutex_lock(&w->mu);
	a->next = w->all;
	w->all = a;
	pthread_mutex_unlock(&w->mu);
	struct arch_job *j = job_new(a, 0);
	j->recover = true; /* first: what a crash left, before any new journal */
	push_job(a, j);
	*out = a;
	return 0;
}

/* The current period is over: what is left of it, and its end, to the
 * writer. */
static void end_period(struct sink_arch *a)
{
	if (!a->in_period)
		return;
	struct arch_job *j = a->cur ? a->cur : job_new(a, a->period);
	a->cur = NULL;
	a->in_period = false;
	j->end = true;
	push_job(a, j);
}

/* The records gathered so far to the writer, for the journal; kept
 * gathering while the writer has not done this archive's last job (busy
 * or failing), so a failing disk queues one job per period. */
static void hand_over(struct sink_arch *a)
{
	if (!a->cur || !a->cur->data.len)
		return;
	pthread_mutex_lock(&a->w->mu);
	bool idle = a->jobs == 0;
	pthread_mutex_unlock(&a->w->mu);
	if (!idle)
		return;
	push_job(a, a->cur);
	a->cur = NULL;
}

static struct arch_job *cur_for(struct sink_arch *a, uint32_t ts)
{
	uint32_t start = ts - ts % a->rotate;
	if (a->in_period && start != a->period)
		end_period(a);
	if (!a->in_period) {
		a->period = start;
		a->in_period = true;
	}
	if (!a->cur)
		a->cur = job_new(a, start);
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
	if (a->in_period && now >= a->period + a->rotate)
		end_period(a);
	else
		hand_over(a);
}

void sink_arch_cut(struct sink_arch *a)
{
	end_period(a);
}

void sink_arch_close(struct sink_arch *a)
{
	if (a)
		end_period(a); /* freed by sink_writer_stop */
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
