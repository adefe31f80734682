/*
 * The one bounded queue (see base.h): a ring of pointers under a mutex,
 * with a condition variable for each side. Producers block while it is
 * full (or fail with try_push), consumers block while it is empty; close
 * wakes everyone, makes pushes fail and lets consumers drain what is left.
 *
 * The decompression threads, the parallel decoder's workers, the archive
 * writer and the webhook poster all hand work over through it; none of
 * them has a list and a lock of its own.
 */
#include "base.h"

#include <errno.h>
#include <stdlib.h>

void rw_queue_init(struct rw_queue *q, uint32_t cap, enum rw_mem sub)
{
	memset(q, 0, sizeof *q);
	q->cap = cap ? cap : 1;
	q->v = rw_calloc(q->cap, sizeof *q->v);
	q->sub = sub;
	rw_mem_count(sub, (int64_t)q->cap * (int64_t)sizeof *q->v);
	pthread_mutex_init(&q->mu, NULL);
	/* pop_until's deadline is on the monotonic clock: setting the wall
	 * clock must not stretch or cut a wait */
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->not_empty, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&q->not_full, NULL);
}

void rw_queue_release(struct rw_queue *q)
{
	if (!q->v)
		return;
	rw_mem_count(q->sub, -(int64_t)q->cap * (int64_t)sizeof *q->v);
	free(q->v);
	q->v = NULL;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
}

static void put(struct rw_queue *q, void *item)
{
	q->v[(q->head + q->n) % q->cap] = item;
	q->n++;
	pthread_cond_signal(&q->not_empty);
}

static void *take(struct rw_queue *q)
{
	void *item = q->v[q->head];
	q->head = (q->head + 1) % q->cap;
	q->n--;
	pthread_cond_signal(&q->not_full);
	return item;
}

int rw_queue_push(struct rw_queue *q, void *item)
{
	pthread_mutex_lock(&q->mu);
	while (q->n == q->cap && !q->closed)
		pthread_cond_wait(&q->not_full, &q->mu);
	int rc = q->closed ? RW_EINVAL : 0;
	if (!rc)
		put(q, item);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

bool rw_queue_try_push(struct rw_queue *q, void *item)
{
	pthread_mutex_lock(&q->mu);
	bool ok = q->n < q->cap && !q->closed;
	if (ok)
		put(q, item);
	pthread_mutex_unlock(&q->mu);
	return ok;
}

void *rw_queue_pop(struct rw_queue *q)
{
	pthread_mutex_lock(&q->mu);
	while (!q->n && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->mu);
	void *item = q->n ? take(q) : NULL;
	pthread_mutex_unlock(&q->mu);
	return item;
}

void *rw_queue_pop_until(struct rw_queue *q, const struct timespec *deadline)
{
	pthread_mutex_lock(&q->mu);
	while (!q->n && !q->closed)
		if (pthread_cond_timedwait(&q->not_empty, &q->mu, deadline) == ETIMEDOUT)
			break;
	void *item = q->n ? take(q) : NULL;
	pthread_mutex_unlock(&q->mu);
	return item;
}

void *rw_queue_try_pop(struct rw_queue *q)
{
	pthread_mutex_lock(&q->mu);
	void *item = q->n ? take(q) : NULL;
	pthread_mutex_unlock(&q->mu);
	return item;
}

void rw_queue_close(struct rw_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
}

bool rw_queue_closed(struct rw_queue *q)
{
	pthread_mutex_lock(&q->mu);
	bool c = q->closed;
	pthread_mutex_unlock(&q->mu);
	return c;
}

uint32_t rw_queue_len(struct rw_queue *q)
{
	pthread_mutex_lock(&q->mu);
	uint32_t n = q->n;
	pthread_mutex_unlock(&q->mu);
	return n;
}

int rw_thread_start(pthread_t *t, void *(*fn)(void *), void *arg, const char *what)
{
	int en = pthread_create(t, NULL, fn, arg);
	if (en) {
		rw_log(RW_LOG_ERROR, "cannot start the %s thread: %s", what, strerror(en));
		return RW_ENOMEM;
	}
	return 0;
}
