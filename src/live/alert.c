/* Alerts by command and webhook (see alert.h). */
#include "alert.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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
	char *json;            /* owned */
	size_t len;
	unsigned tries;
	struct item *next;
};

struct queue {
	struct item *head, *tail;
	size_t n;
	uint64_t dropped;
};

struct alerts {
	const char *cmd, *url;
	/* commands: main thread only */
	struct queue cq;
	pid_t kids[ALERT_MAX_CHILDREN];
	unsigned nkids;
	uint64_t spawned, failed;
	/* webhook: wq shared with the thread under mu */
	pthread_t th;
	bool th_started, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct queue wq;
	uint64_t posted, post_failed;
};

static bool push(struct queue *q, const char *json, size_t len, const char *what)
{
	struct item *it = malloc(sizeof *it);
	char *copy = malloc(len + 1);
	if (!it || !copy) {
		free(it);
		free(copy);
		q->dropped++;
		return false;
	}
	memcpy(copy, json, len);
	copy[len] = 0;
	*it = (struct item){copy, len, 0, NULL};
	if (q->n >= ALERT_QUEUE_CAP) { /* the oldest goes */
		struct item *old = q->head;
		q->head = old->next;
		q->n--;
		if (!q->dropped++ || q->dropped % 1000 == 0)
			rw_log(RW_LOG_ERROR, "%s: %zu events wait; the oldest are dropped (%llu so far)", what,
			       (size_t)ALERT_QUEUE_CAP, (unsigned long long)q->dropped);
		free(old->json);
		free(old);
		if (!q->head)
			q->tail = NULL;
	}
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->n++;
	return true;
}

static struct item *pop(struct queue *q)
{
	struct item *it = q->head;
	if (it) {
		q->head = it->next;
		if (!q->head)
			q->tail = NULL;
		q->n--;
	}
	return it;
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
	while (a->nkids < ALERT_MAX_CHILDREN && a->cq.head) {
		struct item *it = pop(&a->cq);
		spawn(a, it);
		free(it->json);
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

static void *poster(void *arg)
{
	struct alerts *a = arg;
	CURL *h = curl_easy_init();
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (!a->wq.head && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		struct item *it = pop(&a->wq);
		if (!it)
			break; /* stopping and nothing left */
		bool stopping = a->stop;
		pthread_mutex_unlock(&a->mu);
		long code = 0;
		CURLcode cr = CURLE_FAILED_INIT;
		if (h) {
			curl_easy_setopt(h, CURLOPT_URL, a->url);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, it->json);
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)it->len);
			curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
			curl_easy_setopt(h, CURLOPT_TIMEOUT, stopping ? 2L : 10L);
			curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
			curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
			cr = curl_easy_perform(h);
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		}
		bool ok = cr == CURLE_OK && code >= 200 && code < 300;
		pthread_mutex_lock(&a->mu);
		if (ok) {
			a->posted++;
		} else if (++it->tries < ALERT_TRIES && !stopping) {
			rw_log(RW_LOG_WARN, "--webhook %s: %s; retrying in %u s", a->url,
			       cr != CURLE_OK ? curl_easy_strerror(cr) : "HTTP error status", 1u << (it->tries - 1));
			/* wait (unless told to stop), then put it back in front */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1 << (it->tries - 1);
			while (!a->stop && pthread_cond_timedwait(&a->cv, &a->mu, &until) == 0)
				;
			it->next = a->wq.head;
			a->wq.head = it;
			if (!a->wq.tail)
				a->wq.tail = it;
			a->wq.n++;
			continue;
		} else if (stopping) {
			/* shutting down and the endpoint fails: no more waiting */
			uint64_t n = 1 + a->wq.n;
			for (struct item *x; (x = pop(&a->wq));) {
				free(x->json);
				free(x);
			}
			a->post_failed += n;
			rw_log(RW_LOG_ERROR, "--webhook %s: %llu events not delivered at exit", a->url,
			       (unsigned long long)n);
		} else {
			a->post_failed++;
			rw_log(RW_LOG_ERROR, "--webhook %s: event dropped after %u attempts", a->url, it->tries);
		}
		free(it->json);
		free(it);
	}
	pthread_mutex_unlock(&a->mu);
	curl_slist_free_all(hdr);
	if (h)
		curl_easy_cleanup(h);
	return NULL;
}

/* ---------------------------------------------------------------- api */

int alerts_open(struct alerts **out, const char *exec_cmd, const char *url)
{
	struct alerts *a = calloc(1, sizeof *a);
	if (!a)
		return RW_ENOMEM;
	a->cmd = exec_cmd;
	a->url = url;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (url) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		if (pthread_create(&a->th, NULL, poster, a)) {
			free(a);
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
		push(&a->cq, json, len, "--exec");
		run_queue(a);
	}
	if (a->url) {
		pthread_mutex_lock(&a->mu);
		push(&a->wq, json, len, "--webhook");
		pthread_cond_signal(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
}

void alerts_tick(struct alerts *a)
{
	if (a->cmd)
		run_queue(a);
}

void alerts_close(struct alerts *a)
{
	if (!a)
		return;
	/* commands: start what waits, then wait for them (they got their
	 * input already; a command that hangs is the user's to kill) */
	for (int i = 0; i < 50 && (a->cq.head || a->nkids); i++) {
		run_queue(a);
		if (a->nkids)
			usleep(100000);
	}
	if (a->nkids)
		rw_log(RW_LOG_WARN, "--exec: %u commands still running at exit", a->nkids);
	for (struct item *it; (it = pop(&a->cq));) {
		free(it->json);
		free(it);
	}
	if (a->th_started) {
		pthread_mutex_lock(&a->mu);
		a->stop = true; /* the poster drains the queue once, no retries */
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->th, NULL);
		curl_global_cleanup();
	}
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
}
