/*
 * Alerts for the live collector: each event's JSON goes to a command
 * (--exec: `sh -c CMD`, the JSON on its stdin) and to a webhook (--webhook:
 * an HTTP POST by libcurl). Neither may hold up ingestion: commands are
 * spawned without waiting for them (reaped once a second; at most
 * ALERT_MAX_CHILDREN at a time, the rest queued), and POSTs run on their
 * own thread with retries (1, 2, 4, 8, 16 s apart). Both queues are the
 * one bounded queue of base/; when one is full the oldest event goes,
 * counted and said loudly.
 *
 * Threads: the commands' queue and children belong to the caller's thread
 * (the event loop); the webhook's queue is shared with the poster thread,
 * which owns the item it is posting. Items are malloc'ed copies of the
 * event's JSON, freed by whoever takes them last.
 */
#include "sink.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ALERT_MAX_CHILDREN 16
#define ALERT_QUEUE_CAP 10000
#define ALERT_TRIES 6

extern char **environ;

struct item {
	unsigned tries;
	size_t len;
	char json[];           /* NUL-terminated */
};

struct alerts {
	const char *cmd, *url;   /* borrowed */
	/* commands: caller's thread only */
	struct rw_queue cq;
	pid_t kids[ALERT_MAX_CHILDREN];
	unsigned nkids;
	uint64_t spawned, failed, cdropped;
	/* webhook */
	struct rw_queue wq;
	pthread_t th;
	bool th_started;
	pthread_mutex_t mu;      /* stop and the counters below */
	pthread_cond_t cv;       /* stop, for the retry wait */
	bool stop;
	uint64_t posted, post_failed, wdropped;
};

static struct item *item_new(const char *json, size_t len)
{
	struct item *it = rw_malloc(sizeof *it + len + 1);
	it->tries = 0;
	it->len = len;
	memcpy(it->json, json, len);
	it->json[len] = 0;
	return it;
}

/* Queue an event; when the queue is full the oldest one goes. */
static void push(struct rw_queue *q, struct item *it, uint64_t *dropped, const char *what)
{
	while (!rw_queue_try_push(q, it)) {
		struct item *old = rw_queue_try_pop(q);
		if (!old)
			continue; /* taken meanwhile: room now */
		if (!(*dropped)++ || *dropped % 1000 == 0)
			rw_log(RW_LOG_ERROR, "%s: %u events wait; the oldest are dropped (%llu so far)", what,
			       (unsigned)ALERT_QUEUE_CAP, (unsigned long long)*dropped);
		free(old);
	}
}

/* ---------------------------------------------------------------- exec */

/* Start `sh -c CMD` with the JSON on a pipe as its stdin. The pipe is made
 * large enough for the whole event so this never blocks. */
static void spawn(struct alerts *a, struct item *it)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC)) {
		a->failed++;
		return;
	}
	if ((size_t)fcntl(p[1], F_GETPIPE_SZ) < it->len + 1)
		fcntl(p[1], F_SETPIPE_SZ, (int)(it->len + 1));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	/* the child gets the event and nothing else: no listening socket, no
	 * session, no archive file, whatever a library opened without
	 * close-on-exec (a restart would find the port taken) */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	char *argv[] = {"sh", "-c", (char *)a->cmd, NULL};
	pid_t pid;
	int rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[0]);
	if (rc) {
		rw_log(RW_LOG_ERROR, "--exec: cannot start /bin/sh: %s", strerror(rc));
		a->failed++;
		close(p[1]);
		return;
	}
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	ssize_t w = write(p[1], it->json, it->len);
	if (w == (ssize_t)it->len)
		w = write(p[1], "\n", 1);
	if (w < 0 && errno != EPIPE)
		rw_log(RW_LOG_WARN, "--exec: could not hand the whole event to the command: %s", strerror(errno));
	close(p[1]);
	a->kids[a->nkids++] = pid;
	a->spawned++;
}

static void reap(struct alerts *a, bool wait)
{
	for (unsigned i = 0; i < a->nkids;) {
		int st;
		pid_t r = waitpid(a->kids[i], &st, wait ? 0 : WNOHANG);
		if (r == 0) {
			i++;
			continue;
		}
		if (r > 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
			a->failed++;
			rw_log(RW_LOG_WARN, "--exec: the command %s %d", WIFEXITED(st) ? "exited with" : "died of signal",
			       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		}
		a->kids[i] = a->kids[--a->nkids];
	}
}

static void run_queue(struct alerts *a)
{
	reap(a, false);
	while (a->nkids < ALERT_MAX_CHILDREN) {
		struct item *it = rw_queue_try_pop(&a->cq);
		if (!it)
			break;
		spawn(a, it);
		free(it);
	}
}

/* ---------------------------------------------------------------- webhook */

static size_t discard(char *p, size_t sz, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return sz * n;
}

static bool stopping(struct alerts *a)
{
	pthread_mutex_lock(&a->mu);
	bool s = a->stop;
	pthread_mutex_unlock(&a->mu);
	return s;
}

/* POST one event; true when the endpoint took it (2xx). */
static bool post(struct alerts *a, CURL *h, struct curl_slist *hdr, const struct item *it, bool fast, const char **why)
{
	long code = 0;
	CURLcode cr = CURLE_FAILED_INIT;
	if (h) {
		const char *body = it->json;
		curl_easy_setopt(h, CURLOPT_URL, a->url);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)it->len);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, fast ? 2L : 10L);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
		cr = curl_easy_perform(h);
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	}
	*why = cr != CURLE_OK ? curl_easy_strerror(cr) : "HTTP error status";
	return cr == CURLE_OK && code >= 200 && code < 300;
}

static void *poster(void *arg)
{
	struct alerts *a = arg;
	CURL *h = curl_easy_init();
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	for (struct item *it; (it = rw_queue_pop(&a->wq));) {
		for (;;) {
			bool fast = stopping(a);
			const char *why;
			bool ok = post(a, h, hdr, it, fast, &why);
			pthread_mutex_lock(&a->mu);
			if (ok) {
				a->posted++;
			} else if (++it->tries < ALERT_TRIES && !a->stop) {
				rw_log(RW_LOG_WARN, "--webhook %s: %s; retrying in %u s", a->url, why, 1u << (it->tries - 1));
				/* wait (unless told to stop), then this one again:
				 * events keep their order */
				struct timespec until;
				clock_gettime(CLOCK_REALTIME, &until);
				until.tv_sec += 1 << (it->tries - 1);
				while (!a->stop && pthread_cond_timedwait(&a->cv, &a->mu, &until) == 0)
					;
				pthread_mutex_unlock(&a->mu);
				continue;
			} else if (a->stop) {
				/* shutting down and the endpoint fails: no more waiting */
				uint64_t n = 1;
				for (struct item *x; (x = rw_queue_try_pop(&a->wq)); n++)
					free(x);
				a->post_failed += n;
				rw_log(RW_LOG_ERROR, "--webhook %s: %llu events not delivered at exit", a->url,
				       (unsigned long long)n);
			} else {
				a->post_failed++;
				rw_log(RW_LOG_ERROR, "--webhook %s: event dropped after %u attempts", a->url, it->tries);
			}
			pthread_mutex_unlock(&a->mu);
			break;
		}
		free(it);
	}
	curl_slist_free_all(hdr);
	if (h)
		curl_easy_cleanup(h);
	return NULL;
}

/* ---------------------------------------------------------------- api */

int alerts_open(struct alerts **out, const char *exec_cmd, const char *url)
{
	struct alerts *a = rw_calloc(1, sizeof *a);
	a->cmd = exec_cmd;
	a->url = url;
	rw_queue_init(&a->cq, ALERT_QUEUE_CAP, RW_MEM_SINK);
	rw_queue_init(&a->wq, ALERT_QUEUE_CAP, RW_MEM_SINK);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (url) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		if (rw_thread_start(&a->th, poster, a, "webhook")) {
			alerts_close(a);
			return RW_ENOMEM;
		}
		a->th_started = true;
	}
	*out = a;
	return 0;
}

void alerts_event(struct alerts *a, const char *json, size_t len)
{
	while (len && json[len - 1] == '\n')
		len--;
	if (a->cmd) {
		push(&a->cq, item_new(json, len), &a->cdropped, "--exec");
		run_queue(a);
	}
	if (a->url)
		push(&a->wq, item_new(json, len), &a->wdropped, "--webhook");
}

void alerts_tick(struct alerts *a)
{
	if (a->cmd)
		run_queue(a);
}

void alerts_counts(struct alerts *a, uint64_t *queued, uint64_t *dropped)
{
	*queued = rw_queue_len(&a->cq) + rw_queue_len(&a->wq);
	pthread_mutex_lock(&a->mu);
	*dropped = a->cdropped + a->wdropped + a->post_failed;
	pthread_mutex_unlock(&a->mu);
}

void alerts_close(struct alerts *a)
{
	if (!a)
		return;
	/* commands: start what waits, then wait for them (they got their
	 * input already; a command that hangs is the user's to kill) */
	for (int i = 0; i < 50 && (rw_queue_len(&a->cq) || a->nkids); i++) {
		run_queue(a);
		if (a->nkids)
			usleep(100000);
	}
	if (a->nkids)
		rw_log(RW_LOG_WARN, "--exec: %u commands still running at exit", a->nkids);
	for (struct item *it; (it = rw_queue_try_pop(&a->cq));)
		free(it);
	if (a->th_started) {
		pthread_mutex_lock(&a->mu);
		a->stop = true; /* the poster drains the queue once, no retries */
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		rw_queue_close(&a->wq);
		pthread_join(a->th, NULL);
		curl_global_cleanup();
	}
	for (struct item *it; (it = rw_queue_try_pop(&a->wq));)
		free(it);
	rw_queue_release(&a->cq);
	rw_queue_release(&a->wq);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
}
