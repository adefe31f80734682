/*
 * live_follow.c: mirrors of the public archives followed as new files
 * appear (--follow URL|DIR), a source of live/ (see live.h). A thread of
 * its own polls each mirror every follow_poll seconds: a local directory
 * is walked, an HTTP mirror's directory listings are read with libcurl
 * (links to files whose names give a time and kind, feed_name_time, and
 * to subdirectories; of the YYYY.MM folders only the latest two). A file
 * of a local directory lands when its size is the same at two polls (a
 * file still being written is not taken); one of an HTTP mirror is
 * downloaded into the cache directory, under its path in the mirror (so
 * its collector is named by the layout as in an archive), first as a
 * hidden `.NAME.part`, resumed from its size after a failure (a server
 * that ignores the range sends it whole: the part is started again),
 * renamed when whole. A failed download is tried again at the next poll;
 * the first failure of a file and every tenth are logged.
 *
 * What is there at the first poll is the past: with follow_from_rib each
 * collector's latest RIB dump and the update files from its time on
 * land (the baseline, then what followed); without, none of it. Then
 * every new file lands. Each landed file goes to the file hook on the
 * loop, in time order per poll; what to do with it (the order, the gaps)
 * is the caller's.
 *
 * Threads: the follower owns everything here but the channel (live_chan)
 * and `stop`.
 */
#include "live_int.h"
#include "../feed/feed.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FOLLOW_DEPTH 6          /* folders below the mirror's root */
#define FOLLOW_LISTING (8u << 20) /* the largest listing read */

/* A file of a mirror, by its path below the mirror's root. */
struct ffile {
	char *rel;              /* owned */
	uint32_t ts;
	bool rib;
	bool done;              /* landed, or the past (not taken) */
	bool seen;              /* in the latest listing */
	int64_t size;           /* DIR: size at the last poll (-1: none) */
	unsigned fails;
};

struct fmirror {
	const char *spec;       /* as given (borrowed) */
	bool http;
	char *base;             /* owned: URL ending in '/', or the directory */
	char *cache;            /* owned: where an HTTP mirror's files go */
	struct ffile *f;        /* owned */
	uint32_t n, cap;
	bool listed;            /* the first listing is done */
	bool failing;           /* the last listing failed (logged once) */
	bool partial;           /* a folder's listing failed in this poll */
};

struct live_follow {
	struct live *lv;
	const struct live_cfg *cfg;
	struct fmirror *m;
	uint32_t nm;
	pthread_t th;
	bool started;
	atomic_bool stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;      /* stop wakes the poller */
	struct live_chan ch;    /* landed paths (char *) to the loop */
	CURL *curl;
	struct obuf body;       /* a listing */
	uint64_t landed, fetched, failures;
};

/* ---------------------------------------------------------------- listings */

struct found {
	char **rel;
	uint32_t n, cap;
};

static void add_found(struct found *fd, const char *rel)
{
	rw_vec_grow(&fd->rel, &fd->cap, (size_t)fd->n + 1, sizeof *fd->rel, UINT32_MAX, RW_MEM_LIVE);
	fd->rel[fd->n++] = rw_strdup(rel);
}

static bool is_month(const char *s)
{
	/* YYYY.MM, with or without a trailing '/' */
	return strlen(s) >= 7 && s[4] == '.' && strspn(s, "0123456789") == 4 && s[5] >= '0' && s[5] <= '9' &&
	       s[6] >= '0' && s[6] <= '9' && (!s[7] || s[7] == '/');
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Of the names (sorted), YYYY.MM folders other than the latest two are
 * dropped (NULL). */
static void keep_latest_months(char **v, uint32_t n)
{
	uint32_t months = 0;
	for (uint32_t i = n; i-- > 0;)
		if (v[i] && is_month(v[i]) && ++months > 2) {
			free(v[i]);
			v[i] = NULL;
		}
}

static void walk_dir(struct fmirror *m, const char *rel, int depth, struct found *fd)
{
	char path[4096];
	snprintf(path, sizeof path, "%s%s", m->base, rel);
	DIR *d = opendir(path);
	if (!d)
		return;
	char **names = NULL;
	uint32_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue; /* hidden, ., .. and half-written temporaries */
		rw_vec_grow(&names, &cap, (size_t)n + 1, sizeof *names, UINT32_MAX, RW_MEM_LIVE);
		names[n++] = rw_strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	keep_latest_months(names, n);
	for (uint32_t i = 0; i < n; i++) {
		if (!names[i])
			continue;
		char r[4096];
		snprintf(r, sizeof r, "%s%s", rel, names[i]);
		snprintf(path, sizeof path, "%s%s", m->base, r);
		struct stat sb;
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (depth < FOLLOW_DEPTH) {
				size_t k = strlen(r);
				if (k + 1 < sizeof r) {
					r[k] = '/';
					r[k + 1] = 0;
					walk_dir(m, r, depth + 1, fd);
				}
			}
		} else {
			uint32_t ts;
			bool rib;
			if (feed_name_time(names[i], &ts, &rib))
				add_found(fd, r);
		}
		free(names[i]);
	}
	free(names);
}

static size_t to_obuf(char *p, size_t sz, size_t n, void *arg)
{
	struct obuf *o = arg;
	if (o->len + sz * n > FOLLOW_LISTING)
		return 0; /* too large: the transfer fails */
	obuf_write(o, p, sz * n);
	return sz * n;
}

/* GET url into lf->body; 0, or RW_EIO with why. */
static int http_get(struct live_follow *lf, const char *url, char *why, size_t wsz)
{
	obuf_reset(&lf->body);
	CURL *c = lf->curl;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, to_obuf);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &lf->body);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "routewatch/" RW_VERSION);
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK || code != 200) {
		snprintf(why, wsz, "%s", rc != CURLE_OK ? curl_easy_strerror(rc) : "");
		if (rc == CURLE_OK)
			snprintf(why, wsz, "HTTP %ld", code);
		return RW_EIO;
	}
	return 0;
}

/* The links of an HTML directory listing (href="..."): relative names
 * only, no query, no parent. */
static void list_http(struct live_follow *lf, struct fmirror *m, const char *rel, int depth, struct found *fd)
{
	char url[4096], why[160];
	snprintf(url, sizeof url, "%s%s", m->base, rel);
	if (http_get(lf, url, why, sizeof why)) {
		if (!depth)
			rw_log(m->failing ? RW_LOG_DEBUG : RW_LOG_WARN, "--follow %s: cannot read the listing: %s", url,
			       why);
		if (!depth)
			m->failing = true;
		m->partial = true;
		return;
	}
	if (!depth && m->failing) {
		rw_log(RW_LOG_WARN, "--follow %s: the listing can be read again", url);
		m->failing = false;
	}
	obuf_putc(&lf->body, 0);
	char *s = (char *)obuf_bytes(&lf->body);
	char **names = NULL;
	uint32_t n = 0, cap = 0;
	for (char *p = s; (p = strstr(p, "href=\"")) != NULL;) {
		p += 6;
		char *q = strchr(p, '"');
		if (!q)
			break;
		size_t k = (size_t)(q - p);
		if (k && k < 512 && !memchr(p, '?', k) && !memchr(p, ':', k) && p[0] != '/' && p[0] != '.' &&
		    !memchr(p, '#', k)) {
			char name[512];
			memcpy(name, p, k);
			name[k] = 0;
			char *slash = strchr(name, '/');
			if (!slash || !slash[1]) { /* one level: "x" or "x/" */
				rw_vec_grow(&names, &cap, (size_t)n + 1, sizeof *names, UINT32_MAX, RW_MEM_LIVE);
				names[n++] = rw_strdup(name);
			}
		}
		p = q + 1;
	}
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	keep_latest_months(names, n);
	for (uint32_t i = 0; i < n; i++) {
		if (!names[i] || (i && names[i - 1] && !strcmp(names[i], names[i - 1]))) {
			free(names[i]);
			names[i] = NULL;
			continue;
		}
		char r[4096];
		snprintf(r, sizeof r, "%s%s", rel, names[i]);
		size_t k = strlen(names[i]);
		uint32_t ts;
		bool rib;
		if (names[i][k - 1] == '/') {
			if (depth < FOLLOW_DEPTH)
				list_http(lf, m, r, depth + 1, fd);
		} else if (feed_name_time(names[i], &ts, &rib)) {
			add_found(fd, r);
		}
	}
	for (uint32_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* ---------------------------------------------------------------- downloads */

struct part {
	FILE *f;
	bool resumed;           /* a range was asked for */
	bool checked;
	CURL *c;
};

static size_t to_part(char *p, size_t sz, size_t n, void *arg)
{
	struct part *pt = arg;
	if (!pt->checked) {
		pt->checked = true;
		long code = 0;
		curl_easy_getinfo(pt->c, CURLINFO_RESPONSE_CODE, &code);
		if (pt->resumed && code == 200) { /* the whole file again */
			if (ftruncate(fileno(pt->f), 0) || fseek(pt->f, 0, SEEK_SET))
				return 0;
		}
	}
	return fwrite(p, sz, n, pt->f) == n ? sz * n : 0;
}

/* Download rel into the cache; 0 (the path in out), or RW_EIO with why. */
static int fetch(struct live_follow *lf, struct fmirror *m, const char *rel, char *out, size_t osz, char *why,
		 size_t wsz)
{
	char url[4096], part[4096];
	snprintf(url, sizeof url, "%s%s", m->base, rel);
	snprintf(out, osz, "%s/%s", m->cache, rel);
	/* the folders, then the hidden part beside the file */
	for (char *s = out + strlen(m->cache) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = 0;
		mkdir(out, 0755);
		*s = '/';
	}
	const char *base = strrchr(out, '/') + 1;
	snprintf(part, sizeof part, "%.*s.%s.part", (int)(base - out), out, base);
	struct stat sb;
	long long have = stat(part, &sb) == 0 ? (long long)sb.st_size : 0;
	FILE *f = fopen(part, have ? "r+be" : "wbe");
	if (!f) {
		snprintf(why, wsz, "%.200s: %s", part, strerror(errno));
		return RW_EIO;
	}
	if (have)
		fseek(f, 0, SEEK_END);
	struct part pt = {.f = f, .resumed = have > 0, .c = lf->curl};
	CURL *c = lf->curl;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, to_part);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &pt);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "routewatch/" RW_VERSION);
	if (have)
		curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)have);
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	bool ok = fclose(f) == 0 && rc == CURLE_OK && (code == 200 || code == 206);
	if (!ok) {
		if (rc == CURLE_OK)
			snprintf(why, wsz, "HTTP %ld", code);
		else
			snprintf(why, wsz, "%s", curl_easy_strerror(rc));
		if (rc == CURLE_OK || rc == CURLE_RANGE_ERROR)
			unlink(part); /* nothing to resume from */
		return RW_EIO;
	}
	if (rename(part, out)) {
		snprintf(why, wsz, "%.200s: %s", out, strerror(errno));
		return RW_EIO;
	}
	return 0;
}

/* ---------------------------------------------------------------- polls */

static struct ffile *find(struct fmirror *m, const char *rel)
{
	for (uint32_t i = 0; i < m->n; i++)
		if (!strcmp(m->f[i].rel, rel))
			return &m->f[i];
	return NULL;
}

static int cmp_ffile(const void *a, const void *b)
{
	const struct ffile *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->rib != y->rib)
		return x->rib ? -1 : 1;
	return strcmp(x->rel, y->rel);
}

/* The first listing: the past. With --from-rib each collector's latest
 * RIB dump and its update files from then on are wanted, the rest not. */
static void first_listing(struct live_follow *lf, struct fmirror *m)
{
	char path[4096];
	uint32_t since = lf->cfg->follow_since;
	for (uint32_t i = 0; i < m->n; i++) {
		struct ffile *f = &m->f[i];
		f->done = !since || (uint64_t)f->ts + 3600 <= since || (f->rib && f->ts < since);
	}
	if (since || !lf->cfg->follow_from_rib)
		return;
	/* by collector (named as an archive names it, from the mirror's
	 * layout), its latest RIB */
	char **coll = rw_calloc(m->n ? m->n : 1, sizeof *coll);
	for (uint32_t i = 0; i < m->n; i++) {
		snprintf(path, sizeof path, "%s/%s", m->http ? m->cache : m->base, m->f[i].rel);
		coll[i] = feed_collector_of(NULL, m->http ? m->cache : m->base, path);
	}
	for (uint32_t i = 0; i < m->n; i++) {
		uint32_t rib_ts = 0;
		bool have = false;
		for (uint32_t j = 0; j < m->n; j++)
			if (!strcmp(coll[i], coll[j]) && m->f[j].rib && (!have || m->f[j].ts > rib_ts)) {
				rib_ts = m->f[j].ts;
				have = true;
			}
		struct ffile *f = &m->f[i];
		if (have && (f->rib ? f->ts == rib_ts : f->ts >= rib_ts))
			f->done = false;
	}
	for (uint32_t i = 0; i < m->n; i++)
		free(coll[i]);
	free(coll);
}

static void poll_mirror(struct live_follow *lf, struct fmirror *m)
{
	struct found fd = {0};
	m->partial = false;
	if (m->http)
		list_http(lf, m, "", 0, &fd);
	else
		walk_dir(m, "", 0, &fd);
	for (uint32_t i = 0; i < m->n; i++)
		m->f[i].seen = false;
	for (uint32_t i = 0; i < fd.n; i++) {
		struct ffile *old = find(m, fd.rel[i]);
		if (old) {
			old->seen = true;
			free(fd.rel[i]);
			continue;
		}
		rw_vec_grow(&m->f, &m->cap, (size_t)m->n + 1, sizeof *m->f, UINT32_MAX, RW_MEM_LIVE);
		struct ffile *f = &m->f[m->n++];
		memset(f, 0, sizeof *f);
		f->rel = fd.rel[i];
		f->size = -1;
		f->seen = true;
		const char *b = strrchr(f->rel, '/');
		feed_name_time(b ? b + 1 : f->rel, &f->ts, &f->rib);
	}
	free(fd.rel);
	/* files the listing no longer shows (months gone past the latest
	 * two) are forgotten: what is kept is what a listing holds */
	if (!m->partial) {
		uint32_t k = 0;
		for (uint32_t i = 0; i < m->n; i++) {
			if (m->f[i].seen || !m->f[i].done)
				m->f[k++] = m->f[i];
			else
				free(m->f[i].rel);
		}
		m->n = k;
	}
	if (m->n)
		qsort(m->f, m->n, sizeof *m->f, cmp_ffile);
	if (!m->listed && !(m->http && m->failing)) {
		m->listed = true;
		first_listing(lf, m);
		rw_log(RW_LOG_INFO, "--follow %s: %u files there%s", m->spec, m->n,
		       lf->cfg->follow_since ? "; from the store's clock on"
		       : lf->cfg->follow_from_rib ? "; from each collector's latest RIB dump on"
						  : ", not taken: following new ones");
	}
	for (uint32_t i = 0; i < m->n && !atomic_load(&lf->stop); i++) {
		struct ffile *f = &m->f[i];
		if (f->done)
			continue;
		char path[4096], why[256];
		if (!m->http) {
			snprintf(path, sizeof path, "%s%s", m->base, f->rel);
			struct stat sb;
			int64_t sz = stat(path, &sb) ? -1 : (int64_t)sb.st_size;
			bool stable = sz > 0 && sz == f->size;
			f->size = sz;
			if (!stable)
				continue; /* it may still be written */
		} else if (fetch(lf, m, f->rel, path, sizeof path, why, sizeof why)) {
			lf->failures++;
			if (f->fails++ % 10 == 0)
				rw_log(RW_LOG_WARN, "--follow %s%s: download failed (%u time%s): %s; tried again at the next poll",
				       m->base, f->rel, f->fails, f->fails == 1 ? "" : "s", why);
			continue;
		} else {
			lf->fetched++;
		}
		f->done = true;
		lf->landed++;
		live__chan_put(&lf->ch, rw_strdup(path));
	}
}

static void *follow_main(void *arg)
{
	struct live_follow *lf = arg;
	unsigned every = lf->cfg->follow_poll ? lf->cfg->follow_poll : 60;
	while (!atomic_load(&lf->stop)) {
		for (uint32_t i = 0; i < lf->nm && !atomic_load(&lf->stop); i++)
			poll_mirror(lf, &lf->m[i]);
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += every;
		pthread_mutex_lock(&lf->mu);
		while (!atomic_load(&lf->stop) && pthread_cond_timedwait(&lf->cv, &lf->mu, &t) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&lf->mu);
	}
	return NULL;
}

/* ---------------------------------------------------------------- loop side */

static void take(void *arg, void *item)
{
	struct live_follow *lf = arg;
	if (lf->lv->hooks->file)
		lf->lv->hooks->file(lf->lv->hooks->arg, item);
	free(item);
}

int live__follow_open(struct live *lv)
{
	const struct live_cfg *cfg = lv->cfg;
	struct live_follow *lf = rw_calloc(1, sizeof *lf);
	lv->follow = lf;
	lf->lv = lv;
	lf->cfg = cfg;
	pthread_mutex_init(&lf->mu, NULL);
	pthread_cond_init(&lf->cv, NULL);
	lf->m = rw_calloc(cfg->nfollow, sizeof *lf->m);
	lf->nm = (uint32_t)cfg->nfollow;
	bool any_http = false;
	for (uint32_t i = 0; i < lf->nm; i++) {
		struct fmirror *m = &lf->m[i];
		const char *s = cfg->follow[i];
		m->spec = s;
		size_t k = strlen(s);
		m->http = !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
		m->base = rw_malloc(k + 2);
		memcpy(m->base, s, k + 1);
		if (k && s[k - 1] != '/')
			memcpy(m->base + k, "/", 2);
		if (m->http) {
			any_http = true;
			if (!cfg->follow_cache) {
				rw_log(RW_LOG_ERROR, "--follow %s: an HTTP mirror needs --cache DIR for its files", s);
				return RW_EINVAL;
			}
			/* one folder per mirror below the cache */
			char d[4096];
			snprintf(d, sizeof d, "%s/%u", cfg->follow_cache, i);
			mkdir(cfg->follow_cache, 0755);
			if (mkdir(d, 0755) && errno != EEXIST) {
				rw_log(RW_LOG_ERROR, "--cache %s: %s", d, strerror(errno));
				return RW_EIO;
			}
			m->cache = rw_strdup(d);
		} else {
			struct stat sb;
			if (stat(s, &sb) || !S_ISDIR(sb.st_mode)) {
				rw_log(RW_LOG_ERROR, "--follow %s: not a directory (or http://...)", s);
				return RW_EINVAL;
			}
		}
	}
	if (any_http) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		lf->curl = curl_easy_init();
		if (!lf->curl)
			return RW_EIO;
	}
	if (live__chan_open(&lf->ch, lv, 1024, take, lf))
		return RW_EIO;
	if (pthread_create(&lf->th, NULL, follow_main, lf)) {
		rw_log(RW_LOG_ERROR, "cannot start the --follow thread");
		return RW_EIO;
	}
	lf->started = true;
	return 0;
}

void live__follow_close(struct live *lv)
{
	struct live_follow *lf = lv->follow;
	if (!lf)
		return;
	if (lf->started) {
		pthread_mutex_lock(&lf->mu);
		atomic_store(&lf->stop, true);
		pthread_cond_broadcast(&lf->cv);
		pthread_mutex_unlock(&lf->mu);
		live__chan_stop(&lf->ch);
		pthread_join(lf->th, NULL);
	}
	live__chan_close(&lf->ch); /* what landed is handed over */
	rw_log(RW_LOG_INFO, "--follow: %llu files landed (%llu downloaded, %llu failed downloads)",
	       (unsigned long long)lf->landed, (unsigned long long)lf->fetched, (unsigned long long)lf->failures);
	for (uint32_t i = 0; i < lf->nm; i++) {
		struct fmirror *m = &lf->m[i];
		for (uint32_t j = 0; j < m->n; j++)
			free(m->f[j].rel);
		rw_vec_free(&m->f, &m->cap, sizeof *m->f, RW_MEM_LIVE);
		free(m->base);
		free(m->cache);
	}
	free(lf->m);
	if (lf->curl)
		curl_easy_cleanup(lf->curl);
	obuf_release(&lf->body);
	pthread_mutex_destroy(&lf->mu);
	pthread_cond_destroy(&lf->cv);
	free(lf);
	lv->follow = NULL;
}
