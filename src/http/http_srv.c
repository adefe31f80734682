/*
 * The server (http.h): libevent's evhttp on the caller's event base. It
 * parses HTTP (request line, headers, keep-alive, limits: nothing of that
 * is written here), and each request goes through http_parse and
 * http_answer; this file adds what HTTP itself asks of an answer:
 *
 *  - headers every answer carries: Content-Security-Policy (nothing may
 *    load, run or frame), X-Content-Type-Options: nosniff,
 *    Referrer-Policy, Cache-Control: no-cache (revalidate with the ETag);
 *  - history answers: ETag, the one hash of base/ (rw_hash) over the
 *    body, so valid for the life of the process, and Last-Modified, the
 *    store's clock; If-None-Match (or If-Modified-Since without it) that
 *    matches gets a 304 without a body;
 *  - gzip (zlib) when the client accepts it and the body is over 1 KiB;
 *  - JSON bodies have '<', '>' and '&' written as \u003c, \u003e and
 *    \u0026: the same JSON, but no browser that sniffs it can find markup
 *    in a name from a names file (the page served later embeds JSON);
 *  - HEAD: the headers of GET, Content-Length included, and no body;
 *  - limits: headers 8 KiB (431; evhttp itself refuses a request line
 *    and headers over 16 KiB with a 400), a body 1 KiB (GET has none;
 *    413 from evhttp), idle connections closed after 120 s.
 */
#include "http.h"
#include "../detect/det.h"
#include "../out/out.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define GZIP_MIN 1024

/* An event stream (GET /api/v1/stream): its request, being answered in
 * chunks until the client goes or is too slow. Streams pull from the
 * ring: each has the sequence number of the next frame it is to get, and
 * at most one chunk (up to HTTP_SSE_CHUNK bytes) written and not yet sent
 * (inflight); when evhttp says the chunk went, the next is made. So a
 * stream holds one chunk however slow its client, and the frames are
 * kept once, in the ring, for all of them. */
struct http_sub {
	struct http_srv *s;
	struct evhttp_request *req;     /* evhttp's; ours until closed */
	struct evhttp_connection *evcon;
	struct det_filter f;            /* type= and origin= */
	uint32_t origin;
	uint64_t seq;                   /* the next frame it gets */
	bool inflight;                  /* a chunk is being sent */
	struct http_sub *next;
};

/* An event as published: its key, what the filters look at, its frame. */
struct http_ring_ev {
	struct store_ev_key k;
	uint8_t type;
	bool has_origin;
	uint32_t origin, time;
	char *frame;                    /* owned: "id: ...\nevent: ...\ndata: ...\n\n" */
	size_t len;
};

/* Bytes shared by the cache and the evbuffers sending them
 * (evbuffer_add_reference): freed by the last of them to let go. Only
 * the loop's thread touches the count. */
struct http_blob {
	uint32_t refs;
	size_t len;
	char data[];
};

/* A history answer kept (the cache below). A hit is sent from these
 * bytes as they are: no copy, no hashing, and gzip once per entry. */
struct http_cached {
	char *uri;                  /* owned: the request target */
	const char *ctype;          /* static */
	struct http_blob *body;     /* a reference: JSON already made safe */
	struct http_blob *gz;       /* a reference, NULL until a client
				       accepting gzip asks */
	uint64_t hash;              /* rw_hash(body): its ETag */
	uint32_t last_modified;
};

/* What send_answer sends: a fresh answer's bytes (copied into the
 * reply), or a cache entry's (referenced). */
struct http_body {
	int status;
	const char *ctype;
	bool etag;                  /* give ETag / Last-Modified, answer 304 */
	uint32_t last_modified;
	uint64_t hash;              /* rw_hash of the bytes, when etag */
	const char *buf;
	size_t len;
	struct http_cached *ce;     /* NULL: a fresh answer */
};

/* A history answer the cache did not have, made on a reader thread:
 * queued by the loop (todo), answered by a reader, queued back (done) and
 * sent by the loop, which alone touches evhttp. A client that goes
 * meanwhile leaves the request to us (evhttp_connection_incoming_fail
 * keeps an unanswered request); evhttp_send_reply then frees it. */
struct http_waiter {
	struct evhttp_request *req;
	bool head;
	struct http_waiter *next;
};
struct http_job {
	struct evhttp_request *req;
	struct http_req r;
	struct http_resp a;
	char *uri;                  /* owned: the cache's key */
	uint64_t h;                 /* rw_hash(uri) */
	uint32_t clock;             /* the cache's clock when it was asked */
	struct http_job *next;      /* in todo or done */
	/* the loop's: the jobs not sent yet (pending), and the requests of
	 * the same target that came meanwhile, answered with this one (a
	 * cold page asked by many clients at once is read once) */
	struct http_job *pnext;
	struct http_waiter *waiters; /* owned */
};

struct http_reader {
	struct http_readers *rd;
	pthread_t th;
	struct store st;
	struct names nm;
	struct http_ctx c;          /* st, nm, and the server's rel, cones, geo */
};

struct http_readers {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct http_job *todo, *todo_last, *done;
	bool stop;
	int efd;                    /* eventfd: done has jobs */
	struct event *ev;           /* owned: on efd, in the loop */
	struct http_reader *r;      /* owned */
	unsigned n;
	/* The saved state, one for all readers (a full table's is GBs), read
	 * by one reader at a time: the rib's views use scratch marks in it */
	pthread_mutex_t state_mu;
	struct engine *state;
	uint32_t state_clock;
	uint64_t queued;            /* jobs queued, for /metrics */
};

struct http_srv {
	struct evhttp *http;        /* owned */
	struct http_readers *rd;    /* owned, NULL: no reader threads */
	struct http_job *pending;   /* jobs queued and not sent (pnext) */
	struct http_ctx *c;         /* borrowed */
	/* The answers of the history routes by request target, while the
	 * store's clock stays where it was: every write to a store is a
	 * checkpoint that moves its clock, so an answer cannot change
	 * before it does. A popular origin is then read once per checkpoint,
	 * not once per request. At most HTTP_CACHE_BYTES of bodies; past
	 * that, or when the clock moves, everything is dropped. */
	struct http_cached *ce;     /* owned */
	uint32_t nce, capce;
	struct u64map cidx;         /* rw_hash(uri) -> index into ce */
	size_t cbytes;
	uint32_t cclock;
	struct http_sub *subs;      /* owned list */
	uint32_t nsubs;
	struct event *ping;         /* owned: the 15 s comment */
	/* the last frames published: sequence numbers [seq0, seqn), frame q
	 * at ring[q % cap]; cap doubles as needed up to HTTP_RING, and the
	 * frames' bytes stay under HTTP_RING_BYTES (the oldest go) */
	struct http_ring_ev *ring;  /* owned */
	uint32_t cap;
	uint64_t seq0, seqn;
	size_t rbytes;
	struct obuf one;            /* an event's JSON line */
	struct out out;             /* JSON, into one */
};

static const char *method_name(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	case EVHTTP_REQ_TRACE: return "TRACE";
	case EVHTTP_REQ_CONNECT: return "CONNECT";
	case EVHTTP_REQ_PATCH: return "PATCH";
	}
	return "OTHER";
}

static void http_date(char *b, size_t n, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(b, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* Does an If-None-Match list hold this ETag ("*" holds any)? */
static bool etag_listed(const char *list, const char *etag)
{
	size_t n = strlen(etag);
	for (const char *p = list; *p;) {
		p += strspn(p, " \t,");
		if (*p == '*')
			return true;
		if (!strncmp(p, "W/", 2))
			p += 2;
		size_t k = strcspn(p, ",");
		while (k && (p[k - 1] == ' ' || p[k - 1] == '\t'))
			k--;
		if (k == n && !memcmp(p, etag, n))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

static bool accepts_gzip(const char *ae)
{
	/* "gzip", "gzip;q=0.8", "deflate, gzip"; not "gzip;q=0" */
	for (const char *p = ae ? ae : ""; (p = strstr(p, "gzip"));) {
		p += 4;
		const char *q = p + strspn(p, " ");
		if (*q == ';') {
			q += strspn(q + 1, " ") + 1;
			if (!strncmp(q, "q=0", 3) && !(q[3] == '.' && q[4] && q[4] != '0' && strspn(q + 4, "0") == 0))
				return false;
		}
		return true;
	}
	return false;
}

/* A JSON body with <, > and & escaped (valid JSON: they occur only in
 * strings). */
static void json_html_safe(struct obuf *b)
{
	size_t extra = 0;
	for (size_t i = 0; i < b->len; i++)
		extra += b->buf[i] == '<' || b->buf[i] == '>' || b->buf[i] == '&';
	if (!extra)
		return;
	struct obuf n = {0};
	obuf_init_mem(&n, b->len + extra * 5 + 1);
	for (size_t i = 0; i < b->len; i++) {
		char ch = b->buf[i];
		if (ch == '<')
			obuf_putsn(&n, "\\u003c", 6);
		else if (ch == '>')
			obuf_putsn(&n, "\\u003e", 6);
		else if (ch == '&')
			obuf_putsn(&n, "\\u0026", 6);
		else
			obuf_putc(&n, ch);
	}
	obuf_release(b);
	*b = n;
}

static struct http_blob *blob_new(const char *p, size_t n)
{
	struct http_blob *b = rw_malloc(sizeof *b + n + 1);
	b->refs = 1;
	b->len = n;
	if (n)
		memcpy(b->data, p, n);
	return b;
}

static void blob_unref(struct http_blob *b)
{
	if (b && !--b->refs)
		free(b);
}

/* evbuffer's cleanup of a referenced blob: the reply was sent or dropped */
static void blob_sent(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	blob_unref(arg);
}

/* The gzip member of p[0..n), NULL when zlib fails. */
static struct http_blob *gzip_blob(const char *p, size_t n)
{
	z_stream z = {0};
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	uLong bound = deflateBound(&z, (uLong)n) + 32;
	struct http_blob *b = rw_malloc(sizeof *b + bound);
	b->refs = 1;
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)b->data;
	z.avail_out = (uInt)bound;
	int rc = deflate(&z, Z_FINISH);
	b->len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(b);
		return NULL;
	}
	return b;
}

static bool gzip_body(const struct obuf *b, struct evbuffer *out)
{
	struct http_blob *g = gzip_blob(b->buf, b->len);
	if (!g)
		return false;
	evbuffer_add_reference(out, g->data, g->len, blob_sent, g);
	return true;
}

static void count(struct http_ctx *c, enum http_route_id route, int status, size_t bytes)
{
	c->requests[route]++;
	if (status >= 100 && status < 600)
		c->status[status / 100]++;
	c->bytes_out += bytes;
}

/* ---------------------------------------------------------------- streams */

static void sub_unlink(struct http_srv *s, struct http_sub *sub)
{
	for (struct http_sub **pp = &s->subs; *pp; pp = &(*pp)->next)
		if (*pp == sub) {
			*pp = sub->next;
			s->nsubs--;
			s->c->streams = s->nsubs;
			break;
		}
	free(sub);
}

/* The client went. evhttp frees the connection; a request whose reply
 * it was still sending it has let go of (libevent's http.c,
 * evhttp_connection_incoming_fail: "the request is still being used for
 * sending"): then it is ours to free. */
static void on_sub_close(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	struct http_sub *sub = arg;
	if (!evhttp_request_get_connection(sub->req))
		evhttp_request_free(sub->req);
	sub_unlink(sub->s, sub);
}

static bool sub_wants(const struct http_sub *sub, const struct http_ring_ev *ev)
{
	return det_filter_match(&sub->f, ev->type, ev->has_origin, ev->origin, ev->time);
}

/* A stream that fell behind the ring: its reply ends (the client
 * reconnects with Last-Event-ID and gets the rest from the store). */
static void sub_end(struct http_srv *s, struct http_sub *sub)
{
	s->c->streams_slow++;
	evhttp_connection_set_closecb(sub->evcon, NULL, NULL);
	evhttp_send_reply_end(sub->req);
	sub_unlink(s, sub);
}

static void sub_pump(struct http_srv *s, struct http_sub *sub);

/* A chunk went out: the next one. */
static void on_sent(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	struct http_sub *sub = arg;
	sub->inflight = false;
	sub_pump(sub->s, sub);
}

/* Write b as the stream's next chunk (b is emptied). */
static void sub_write(struct http_srv *s, struct http_sub *sub, struct evbuffer *b)
{
	size_t n = evbuffer_get_length(b);
	if (!n)
		return;
	sub->inflight = true;
	s->c->bytes_out += n;
	evhttp_send_reply_chunk_with_cb(sub->req, b, on_sent, sub);
}

/* The frames the stream has not had, one chunk of them, unless one is
 * being sent. */
static void sub_pump(struct http_srv *s, struct http_sub *sub)
{
	if (sub->inflight || sub->seq >= s->seqn)
		return;
	if (sub->seq < s->seq0) {
		sub_end(s, sub);
		return;
	}
	struct evbuffer *b = evbuffer_new();
	while (sub->seq < s->seqn && evbuffer_get_length(b) < HTTP_SSE_CHUNK) {
		const struct http_ring_ev *ev = &s->ring[sub->seq++ % s->cap];
		if (sub_wants(sub, ev))
			evbuffer_add(b, ev->frame, ev->len);
	}
	sub_write(s, sub, b);
	evbuffer_free(b);
}

static void on_ping(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct http_srv *s = arg;
	for (struct http_sub *sub = s->subs; sub; sub = sub->next) {
		if (sub->inflight)
			continue; /* it is not idle */
		struct evbuffer *b = evbuffer_new();
		evbuffer_add(b, ":\n\n", 3);
		sub_write(s, sub, b);
		evbuffer_free(b);
	}
}

struct replay {
	struct http_srv *s;
	struct http_sub *sub;
	struct evbuffer *b;
	struct store_ev_key last;
};

static void frame_of(struct http_srv *s, const struct store_event *e, struct http_ring_ev *ev);

static int on_replay(void *arg, const struct store_event *e)
{
	struct replay *rp = arg;
	struct http_ring_ev ev;
	frame_of(rp->s, e, &ev);
	rp->last = ev.k;
	if (sub_wants(rp->sub, &ev))
		evbuffer_add(rp->b, ev.frame, ev.len);
	free(ev.frame);
	return evbuffer_get_length(rp->b) >= HTTP_SSE_REPLAY;
}

/* A stream starts: the headers, then what a Last-Event-ID asks to be
 * replayed, then the ring's frames after it. */
static void stream_open(struct http_srv *s, struct evhttp_request *req, const struct http_req *r)
{
	struct http_sub *sub = rw_calloc(1, sizeof *sub);
	sub->s = s;
	sub->req = req;
	sub->evcon = evhttp_request_get_connection(req);
	sub->f.types = r->types;
	if (http_has(r, HTTP_P_ORIGIN)) {
		sub->origin = r->origin;
		sub->f.origins = &sub->origin;
		sub->f.norigins = 1;
	}
	sub->seq = s->seqn; /* from now on, unless a resume says otherwise */
	sub->next = s->subs;
	s->subs = sub;
	s->nsubs++;
	s->c->streams = s->nsubs;
	evhttp_connection_set_closecb(sub->evcon, on_sub_close, sub);
	struct evkeyvalq *hd = evhttp_request_get_output_headers(req);
	evhttp_add_header(hd, "Content-Type", "text/event-stream; charset=utf-8");
	evhttp_add_header(hd, "Cache-Control", "no-cache");
	evhttp_add_header(hd, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(hd, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
	evhttp_send_reply_start(req, 200, "OK");
	if (!s->ping) {
		s->ping = event_new(evhttp_connection_get_base(sub->evcon), -1, EV_PERSIST, on_ping, s);
		struct timeval tv = {15, 0};
		event_add(s->ping, &tv);
	}
	struct evbuffer *b = evbuffer_new();
	evbuffer_add(b, "retry: 2000\n\n", 13);
	const char *lei = evhttp_find_header(evhttp_request_get_input_headers(req), "Last-Event-ID");
	struct store_ev_key after;
	if (lei && !http_cursor_parse(lei, &after)) {
		/* from the store when the ring does not reach back to the id */
		struct replay rp = {.s = s, .sub = sub, .b = b, .last = after};
		bool ring_covers = s->seqn > s->seq0 && http_cursor_cmp(&s->ring[s->seq0 % s->cap].k, &after) <= 0;
		if (s->c->st && !ring_covers) {
			struct store_ev_query q = {.all_origins = true, .from = after.time, .to = UINT32_MAX,
						   .after = &after, .limit = HTTP_MAX_LIMIT, .scan_max = HTTP_SCAN_MAX};
			struct store_ev_page res;
			store_events_page(s->c->st, &q, on_replay, &rp, &res);
		}
		/* then the ring from the first frame after what was sent */
		sub->seq = s->seq0;
		while (sub->seq < s->seqn && http_cursor_cmp(&s->ring[sub->seq % s->cap].k, &rp.last) <= 0)
			sub->seq++;
	}
	sub_write(s, sub, b);
	evbuffer_free(b);
}

/* "id: CURSOR\nevent: TYPE\ndata: JSON\n\n" (out_event's line, made safe
 * like every JSON answer). */
static void frame_of(struct http_srv *s, const struct store_event *e, struct http_ring_ev *ev)
{
	uint32_t asns[2] = {e->origin, e->upstream};
	http_names_for(s->c, asns, e->upstream ? 2 : 1);
	obuf_reset(&s->one);
	out_event(&s->out, e);
	while (s->one.len && s->one.buf[s->one.len - 1] == '\n')
		s->one.len--;
	json_html_safe(&s->one);
	store_ev_key_of(e, &ev->k);
	ev->type = e->type;
	ev->has_origin = e->has_origin;
	ev->origin = e->origin;
	ev->time = e->time;
	char id[64];
	http_cursor_fmt(id, sizeof id, &ev->k);
	const char *tn = det_type_name((enum det_type)e->type);
	struct obuf f = {0};
	obuf_init_mem(&f, s->one.len + 128);
	obuf_puts(&f, "id: ");
	obuf_puts(&f, id);
	obuf_puts(&f, "\nevent: ");
	obuf_puts(&f, tn);
	obuf_puts(&f, "\ndata: ");
	obuf_putsn(&f, s->one.buf, s->one.len);
	obuf_puts(&f, "\n\n");
	ev->frame = obuf_take(&f, &ev->len);
	obuf_release(&f);
}

/* Twice the slots, each frame q moved to q % the new cap. */
static void ring_grow(struct http_srv *s)
{
	uint32_t cap = s->cap ? s->cap * 2 : 1024;
	struct http_ring_ev *r = rw_calloc(cap, sizeof *r);
	for (uint64_t q = s->seq0; q < s->seqn; q++)
		r[q % cap] = s->ring[q % s->cap];
	rw_mem_count(RW_MEM_OUT, (int64_t)(cap - s->cap) * (int64_t)sizeof *r);
	free(s->ring);
	s->ring = r;
	s->cap = cap;
}

void http_srv_publish(struct http_srv *s, const struct store_event *e)
{
	if (!s || e->type == DET_UPSTREAM_PRESENT || e->type == DET_COUNTRY_PRESENT)
		return;
	if (s->seqn - s->seq0 == s->cap && s->cap < HTTP_RING)
		ring_grow(s);
	while (s->seqn > s->seq0 && (s->seqn - s->seq0 == s->cap || s->rbytes > HTTP_RING_BYTES)) {
		struct http_ring_ev *old = &s->ring[s->seq0 % s->cap];
		s->rbytes -= old->len;
		rw_mem_count(RW_MEM_OUT, -(int64_t)old->len);
		free(old->frame);
		s->seq0++;
	}
	struct http_ring_ev *ev = &s->ring[s->seqn % s->cap];
	frame_of(s, e, ev);
	s->rbytes += ev->len;
	rw_mem_count(RW_MEM_OUT, (int64_t)ev->len);
	s->seqn++;
	s->c->published++;
	for (struct http_sub *sub = s->subs, *nx; sub; sub = nx) {
		nx = sub->next; /* sub_pump may end and free it */
		sub_pump(s, sub);
	}
}

/* ---------------------------------------------------------------- the cache */

static void cache_flush(struct http_srv *s)
{
	for (uint32_t i = 0; i < s->nce; i++) {
		free(s->ce[i].uri);
		blob_unref(s->ce[i].body); /* replies being sent keep theirs */
		blob_unref(s->ce[i].gz);
	}
	rw_mem_count(RW_MEM_OUT, -(int64_t)s->cbytes);
	s->nce = 0;
	s->cbytes = 0;
	u64map_clear(&s->cidx);
}

static struct http_cached *cache_get(struct http_srv *s, const char *uri)
{
	uint32_t *v = u64map_get(&s->cidx, rw_hash(uri, strlen(uri)));
	if (v && !strcmp(s->ce[*v].uri, uri)) {
		s->c->cache_hits++;
		return &s->ce[*v];
	}
	s->c->cache_misses++;
	return NULL;
}

static void cache_put(struct http_srv *s, const char *uri, const struct http_resp *a)
{
	size_t n = a->body.len + strlen(uri) + sizeof(struct http_cached);
	if (n > HTTP_CACHE_BYTES / 16)
		return;
	if (s->cbytes + n > HTTP_CACHE_BYTES)
		cache_flush(s);
	uint64_t h = rw_hash(uri, strlen(uri));
	if (u64map_get(&s->cidx, h))
		return; /* another target with the same hash: not kept */
	rw_vec_grow(&s->ce, &s->capce, (size_t)s->nce + 1, sizeof *s->ce, UINT32_MAX, RW_MEM_OUT);
	struct http_cached *e = &s->ce[s->nce];
	e->uri = rw_strdup(uri);
	e->ctype = a->ctype;
	e->body = blob_new(a->body.buf, a->body.len);
	e->gz = NULL;
	e->hash = rw_hash(e->body->data, e->body->len);
	e->last_modified = a->last_modified;
	*u64map_put(&s->cidx, h) = s->nce++;
	s->cbytes += n;
	rw_mem_count(RW_MEM_OUT, (int64_t)n);
}

/* ---------------------------------------------------------------- the page */

/* A file of the web page, with its ETag, gzipped when asked. */
static void page_reply(struct http_srv *s, struct evhttp_request *req, const struct http_page *pg)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	struct evkeyvalq *hd = evhttp_request_get_output_headers(req);
	char etag[40];
	snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)rw_hash(pg->body, pg->len));
	evhttp_add_header(hd, "Content-Type", pg->ctype);
	evhttp_add_header(hd, "Content-Security-Policy", http_page_csp);
	evhttp_add_header(hd, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(hd, "Referrer-Policy", "no-referrer");
	evhttp_add_header(hd, "Cache-Control", "no-cache");
	evhttp_add_header(hd, "ETag", etag);
	evhttp_add_header(hd, "Vary", "Accept-Encoding");
	s->c->pages++;
	const char *inm = evhttp_find_header(in, "If-None-Match");
	if (inm && etag_listed(inm, etag)) {
		s->c->not_modified++;
		count(s->c, HTTP_R_COUNT, 304, 0);
		s->c->requests[HTTP_R_COUNT]--; /* a page, not a failed route */
		evhttp_send_reply(req, 304, http_reason(304), NULL);
		return;
	}
	struct obuf b = {.buf = (char *)pg->body, .len = pg->len, .cap = pg->len};
	struct evbuffer *body = evbuffer_new();
	if (accepts_gzip(evhttp_find_header(in, "Accept-Encoding")) && gzip_body(&b, body)) {
		evhttp_add_header(hd, "Content-Encoding", "gzip");
		s->c->gzipped++;
	} else {
		evbuffer_add(body, pg->body, pg->len);
	}
	size_t blen = evbuffer_get_length(body);
	bool head = evhttp_request_get_command(req) == EVHTTP_REQ_HEAD;
	count(s->c, HTTP_R_COUNT, 200, head ? 0 : blen);
	s->c->requests[HTTP_R_COUNT]--;
	if (head) {
		char cl[24];
		snprintf(cl, sizeof cl, "%zu", blen);
		evhttp_add_header(hd, "Content-Length", cl);
		evbuffer_drain(body, blen);
	}
	evhttp_send_reply(req, 200, http_reason(200), body);
	evbuffer_free(body);
}

/* ---------------------------------------------------------------- requests */

static void reply(struct http_srv *s, struct evhttp_request *req, const struct http_req *rq, struct http_resp *ap);
static void reply_cached(struct http_srv *s, struct evhttp_request *req, const struct http_req *r, struct http_cached *ce);
static void readers_push(struct http_readers *rd, struct http_job *j);

static void on_request(struct evhttp_request *req, void *arg)
{
	struct http_srv *s = arg;
	struct http_ctx *c = s->c;
	const char *uri = evhttp_request_get_uri(req);
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	struct evkeyvalq *hd = evhttp_request_get_output_headers(req);
	struct http_req r;
	struct http_err e;
	struct http_resp a;
	http_resp_init(&a);
	/* no Nagle: an answer's last partial segment would wait for the
	 * client's delayed ACK of the one before (40 ms a request on
	 * Linux for every answer over one segment, bench/README.md) */
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	if (bev) {
		int one = 1;
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}

	/* the path and the query: the raw request target split at '?' */
	char pathbuf[HTTP_MAX_PATH + 2];
	const char *qm = uri ? strchr(uri, '?') : NULL;
	size_t plen = uri ? (qm ? (size_t)(qm - uri) : strlen(uri)) : 0;
	int rc;
	size_t hbytes = 0;
	for (struct evkeyval *h = in->tqh_first; h; h = h->next.tqe_next)
		hbytes += strlen(h->key) + strlen(h->value) + 4;
	if (hbytes > HTTP_MAX_HEADERS) {
		e = (struct http_err){.status = 431, .param = "headers"};
		snprintf(e.msg, sizeof e.msg, "the request's headers are over %d bytes", HTTP_MAX_HEADERS);
		rc = -1;
	} else if (plen <= HTTP_MAX_PATH && !qm && (evhttp_request_get_command(req) == EVHTTP_REQ_GET ||
						    evhttp_request_get_command(req) == EVHTTP_REQ_HEAD)) {
		memcpy(pathbuf, uri ? uri : "", plen);
		pathbuf[plen] = 0;
		const struct http_page *pg = http_page_find(pathbuf);
		if (pg) {
			page_reply(s, req, pg);
			http_resp_release(&a);
			return;
		}
		rc = http_parse(method_name(evhttp_request_get_command(req)), pathbuf, NULL, &r, &e);
	} else if (plen > HTTP_MAX_PATH) {
		e = (struct http_err){.status = 414, .param = "path"};
		snprintf(e.msg, sizeof e.msg, "the path is longer than %d bytes", HTTP_MAX_PATH);
		rc = -1;
	} else {
		memcpy(pathbuf, uri ? uri : "", plen);
		pathbuf[plen] = 0;
		rc = http_parse(method_name(evhttp_request_get_command(req)), pathbuf, qm ? qm + 1 : NULL, &r, &e);
	}
	if (rc) {
		http_error(&a, &e);
		if (e.status == 405)
			evhttp_add_header(hd, "Allow", "GET, HEAD");
	} else if (r.route == HTTP_R_STREAM && c->live && !r.head) {
		if (s->nsubs < HTTP_MAX_STREAMS) {
			count(c, r.route, 200, 0);
			stream_open(s, req, &r);
			http_resp_release(&a);
			return;
		}
		e = (struct http_err){.status = 503, .param = ""};
		snprintf(e.msg, sizeof e.msg, "%d event streams are open already: try again later", HTTP_MAX_STREAMS);
		http_error(&a, &e);
	} else if (http_routes[r.route].history && c->st && uri) {
		/* the cache, valid while the store's clock stays */
		uint32_t clock = http_store_clock(c);
		if (clock != s->cclock) {
			cache_flush(s);
			s->cclock = clock;
		}
		struct http_cached *hit = cache_get(s, uri);
		if (hit) {
			http_resp_release(&a);
			reply_cached(s, req, &r, hit);
			return;
		} else if (s->rd) {
			/* a reader thread makes it; the loop goes on. The same
			 * target asked already: answered with that one */
			uint64_t h = rw_hash(uri, strlen(uri));
			for (struct http_job *p = s->pending; p; p = p->pnext) {
				if (p->h == h && !strcmp(p->uri, uri)) {
					struct http_waiter *w = rw_calloc(1, sizeof *w);
					*w = (struct http_waiter){req, r.head, p->waiters};
					p->waiters = w;
					http_resp_release(&a);
					return;
				}
			}
			struct http_job *j = rw_calloc(1, sizeof *j);
			j->req = req;
			j->r = r;
			j->a = a;
			j->uri = rw_strdup(uri);
			j->h = h;
			j->clock = clock;
			j->pnext = s->pending;
			s->pending = j;
			readers_push(s->rd, j);
			return;
		} else {
			http_answer(c, &r, &a);
			if (a.status == 200 && !a.live) {
				if (!strncmp(a.ctype, "application/json", 16))
					json_html_safe(&a.body);
				cache_put(s, uri, &a);
			}
		}
	} else {
		http_answer(c, &r, &a);
	}
	reply(s, req, rc ? NULL : &r, &a);
}

/* Send o: the headers every answer has, ETag and 304, gzip, HEAD. r: the
 * request, NULL when it was not valid. */
static void send_answer(struct http_srv *s, struct evhttp_request *req, const struct http_req *rq, const struct http_body *o)
{
	struct http_ctx *c = s->c;
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	struct evkeyvalq *hd = evhttp_request_get_output_headers(req);
	enum http_route_id route = rq ? rq->route : HTTP_R_COUNT;
	if (o->status == 503)
		evhttp_add_header(hd, "Retry-After", "1");
	evhttp_add_header(hd, "Content-Type", o->ctype);
	/* the web pages load /app.js, /app.css and the chart; the API's
	 * answers load nothing */
	bool page = rq && http_routes[route].page;
	evhttp_add_header(hd, "Content-Security-Policy",
			  page ? http_page_csp : "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
	evhttp_add_header(hd, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(hd, "Referrer-Policy", "no-referrer");
	evhttp_add_header(hd, "Cache-Control", "no-cache");

	bool head = rq && rq->head;
	if (o->status == 200 && o->etag) {
		char etag[40], lm[64];
		snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)o->hash);
		evhttp_add_header(hd, "ETag", etag);
		if (o->last_modified) {
			http_date(lm, sizeof lm, o->last_modified);
			evhttp_add_header(hd, "Last-Modified", lm);
		}
		const char *inm = evhttp_find_header(in, "If-None-Match");
		const char *ims = evhttp_find_header(in, "If-Modified-Since");
		bool fresh = false;
		if (inm) {
			fresh = etag_listed(inm, etag);
		} else if (ims && o->last_modified) {
			struct tm tm = {0};
			const char *end = strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &tm);
			fresh = end && !*end && timegm(&tm) >= (time_t)o->last_modified;
		}
		if (fresh) {
			c->not_modified++;
			count(c, route, 304, 0);
			evhttp_send_reply(req, 304, http_reason(304), NULL);
			return;
		}
	}
	struct evbuffer *body = evbuffer_new();
	bool compressible = o->len >= GZIP_MIN;
	if (compressible)
		evhttp_add_header(hd, "Vary", "Accept-Encoding");
	struct http_blob *send = NULL;
	if (compressible && accepts_gzip(evhttp_find_header(in, "Accept-Encoding"))) {
		struct http_cached *ce = o->ce;
		if (ce && !ce->gz && (ce->gz = gzip_blob(o->buf, o->len))) {
			/* kept with the entry: counted as the cache's */
			s->cbytes += ce->gz->len;
			rw_mem_count(RW_MEM_OUT, (int64_t)ce->gz->len);
		}
		send = ce ? ce->gz : gzip_blob(o->buf, o->len);
		if (send && ce)
			send->refs++;
		if (send) {
			evhttp_add_header(hd, "Content-Encoding", "gzip");
			c->gzipped++;
		}
	}
	if (!send && o->ce) {
		send = o->ce->body;
		send->refs++;
	}
	if (send && !send->len)
		blob_unref(send); /* nothing to reference */
	else if (send)
		evbuffer_add_reference(body, send->data, send->len, blob_sent, send);
	else
		evbuffer_add(body, o->buf ? o->buf : "", o->len);
	size_t blen = evbuffer_get_length(body);
	count(c, route, o->status, head ? 0 : blen);
	if (head) {
		char cl[24];
		snprintf(cl, sizeof cl, "%zu", blen);
		evhttp_add_header(hd, "Content-Length", cl);
		evbuffer_drain(body, blen);
	}
	evhttp_send_reply(req, o->status, http_reason(o->status), body);
	evbuffer_free(body);
}

/* Send a fresh answer (and release it). r: the request, NULL when it was
 * not valid. */
static void reply(struct http_srv *s, struct evhttp_request *req, const struct http_req *rq, struct http_resp *ap)
{
	struct http_resp a = *ap;
	if (!strncmp(a.ctype, "application/json", 16))
		json_html_safe(&a.body);
	struct http_body o = {.status = a.status, .ctype = a.ctype, .etag = a.etag,
			      .last_modified = a.live ? 0 : a.last_modified, .buf = a.body.buf, .len = a.body.len};
	if (o.etag)
		o.hash = rw_hash(a.body.buf, a.body.len);
	send_answer(s, req, rq, &o);
	http_resp_release(&a);
}

/* Send a cache entry as it is. */
static void reply_cached(struct http_srv *s, struct evhttp_request *req, const struct http_req *r, struct http_cached *ce)
{
	struct http_body o = {.status = 200, .ctype = ce->ctype, .etag = true, .last_modified = ce->last_modified,
			      .hash = ce->hash, .buf = ce->body->data, .len = ce->body->len, .ce = ce};
	send_answer(s, req, r, &o);
}

/* ---------------------------------------------------------------- readers */

/* The routes that read the saved state (http_state). */
static bool uses_state(enum http_route_id id)
{
	return id == HTTP_R_STATE_AS || id == HTTP_R_STATE_PREFIX || id == HTTP_R_STATE_COUNTRY ||
	       id == HTTP_R_PAGE_AS || id == HTTP_R_PAGE_PREFIX || id == HTTP_R_PAGE_COUNTRY;
}

static void readers_push(struct http_readers *rd, struct http_job *j)
{
	pthread_mutex_lock(&rd->mu);
	if (rd->todo_last)
		rd->todo_last->next = j;
	else
		rd->todo = j;
	rd->todo_last = j;
	rd->queued++;
	pthread_cond_signal(&rd->cv);
	pthread_mutex_unlock(&rd->mu);
}

static void *reader_main(void *arg)
{
	struct http_reader *w = arg;
	struct http_readers *rd = w->rd;
	for (;;) {
		pthread_mutex_lock(&rd->mu);
		while (!rd->todo && !rd->stop)
			pthread_cond_wait(&rd->cv, &rd->mu);
		struct http_job *j = rd->todo;
		if (!j) { /* stopping, and nothing left */
			pthread_mutex_unlock(&rd->mu);
			return NULL;
		}
		rd->todo = j->next;
		if (!rd->todo)
			rd->todo_last = NULL;
		pthread_mutex_unlock(&rd->mu);

		bool st = uses_state(j->r.route);
		if (st) { /* the one state, lent to this reader for the answer */
			pthread_mutex_lock(&rd->state_mu);
			w->c.state = rd->state;
			w->c.state_clock = rd->state_clock;
		}
		http_answer(&w->c, &j->r, &j->a);
		if (st) {
			rd->state = w->c.state;
			rd->state_clock = w->c.state_clock;
			w->c.state = NULL;
			pthread_mutex_unlock(&rd->state_mu);
		}
		if (j->a.status == 200 && !strncmp(j->a.ctype, "application/json", 16))
			json_html_safe(&j->a.body);

		pthread_mutex_lock(&rd->mu);
		j->next = rd->done;
		rd->done = j;
		pthread_mutex_unlock(&rd->mu);
		uint64_t one = 1;
		ssize_t wr = write(rd->efd, &one, sizeof one);
		(void)wr; /* an eventfd's counter cannot overflow here */
	}
}

/* In the loop: send what the readers made, and keep it in the cache. */
static void on_done(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct http_srv *s = arg;
	struct http_readers *rd = s->rd;
	uint64_t v;
	ssize_t rr = read(fd, &v, sizeof v);
	(void)rr;
	pthread_mutex_lock(&rd->mu);
	struct http_job *j = rd->done;
	rd->done = NULL;
	pthread_mutex_unlock(&rd->mu);
	while (j) {
		struct http_job *nx = j->next;
		for (struct http_job **pp = &s->pending; *pp; pp = &(*pp)->pnext) {
			if (*pp == j) {
				*pp = j->pnext;
				break;
			}
		}
		if (j->a.status == 200 && !j->a.live && j->clock == s->cclock)
			cache_put(s, j->uri, &j->a);
		for (struct http_waiter *w = j->waiters, *wn; w; w = wn) {
			wn = w->next;
			struct http_resp b;
			http_resp_init(&b);
			b.status = j->a.status;
			b.ctype = j->a.ctype;
			b.etag = j->a.etag;
			b.last_modified = j->a.last_modified;
			b.live = j->a.live;
			obuf_putsn(&b.body, j->a.body.buf ? j->a.body.buf : "", j->a.body.len);
			struct http_req r2 = j->r;
			r2.head = w->head;
			reply(s, w->req, &r2, &b);
			free(w);
		}
		reply(s, j->req, &j->r, &j->a);
		free(j->uri);
		free(j);
		j = nx;
	}
}

static void readers_close(struct http_srv *s)
{
	struct http_readers *rd = s->rd;
	if (!rd)
		return;
	pthread_mutex_lock(&rd->mu);
	rd->stop = true;
	pthread_cond_broadcast(&rd->cv);
	pthread_mutex_unlock(&rd->mu);
	for (unsigned i = 0; i < rd->n; i++)
		pthread_join(rd->r[i].th, NULL);
	/* what was answered and not sent: evhttp_free frees the requests */
	for (struct http_job *j = rd->done, *nx; j; j = nx) {
		nx = j->next;
		for (struct http_waiter *w = j->waiters, *wn; w; w = wn) {
			wn = w->next;
			free(w);
		}
		http_resp_release(&j->a);
		free(j->uri);
		free(j);
	}
	for (unsigned i = 0; i < rd->n; i++) {
		http_ctx_release(&rd->r[i].c);
		store_close(&rd->r[i].st);
		names_release(&rd->r[i].nm);
	}
	if (rd->state) {
		engine_release(rd->state);
		free(rd->state);
	}
	if (rd->ev)
		event_free(rd->ev);
	close(rd->efd);
	pthread_mutex_destroy(&rd->mu);
	pthread_cond_destroy(&rd->cv);
	pthread_mutex_destroy(&rd->state_mu);
	free(rd->r);
	free(rd);
	s->rd = NULL;
}

/* c->readers threads, each with its own connection to c->db. */
static int readers_open(struct http_srv *s, struct event_base *base)
{
	struct http_ctx *c = s->c;
	struct http_readers *rd = rw_calloc(1, sizeof *rd);
	pthread_mutex_init(&rd->mu, NULL);
	pthread_cond_init(&rd->cv, NULL);
	pthread_mutex_init(&rd->state_mu, NULL);
	rd->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	rd->r = rw_calloc(c->readers, sizeof *rd->r);
	s->rd = rd;
	if (rd->efd < 0) {
		rw_log(RW_LOG_ERROR, "eventfd: %s", strerror(errno));
		return -1;
	}
	rd->ev = event_new(base, rd->efd, EV_READ | EV_PERSIST, on_done, s);
	event_add(rd->ev, NULL);
	for (unsigned i = 0; i < c->readers; i++) {
		struct http_reader *w = &rd->r[i];
		w->rd = rd;
		names_init(&w->nm);
		for (size_t k = 0; k < c->n_names_files; k++)
			names_load(&w->nm, c->names_files[k]);
		if (store_open_at(&w->st, c->db, false)) {
			names_release(&w->nm);
			return -1;
		}
		w->c = (struct http_ctx){.st = &w->st, .nm = &w->nm, .rel = c->rel, .cones = c->cones, .geo = c->geo};
		if (pthread_create(&w->th, NULL, reader_main, w)) {
			http_ctx_release(&w->c);
			store_close(&w->st);
			names_release(&w->nm);
			return -1;
		}
		rd->n++;
	}
	return 0;
}

/* Each connection's buffer, made by evhttp through this hook: counted. */
static struct bufferevent *on_conn(struct event_base *base, void *arg)
{
	struct http_srv *s = arg;
	s->c->conns_total++;
	return bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
}

/* "ADDR:PORT", "[ADDR]:PORT" into addr (without brackets) and port. */
static int split_listen(const char *s, char *addr, size_t n, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s)
		return RW_EINVAL;
	const char *a = s, *ae = colon;
	if (*s == '[') {
		if (colon[-1] != ']')
			return RW_EINVAL;
		a = s + 1;
		ae = colon - 1;
	}
	if ((size_t)(ae - a) >= n)
		return RW_EINVAL;
	memcpy(addr, a, (size_t)(ae - a));
	addr[ae - a] = 0;
	uint64_t p;
	if (parse_u64(colon + 1, 65535, &p))
		return RW_EINVAL;
	*port = (uint16_t)p;
	struct rw_addr x;
	return parse_addr(addr, &x);
}

struct http_srv *http_srv_open(struct event_base *base, const char *listen, struct http_ctx *c)
{
	char addr[RW_ADDR_STRLEN + 8];
	uint16_t port;
	if (split_listen(listen, addr, sizeof addr, &port)) {
		rw_log(RW_LOG_ERROR, "--listen wants ADDR:PORT (127.0.0.1:8080, [::1]:8080), not '%s'", listen);
		return NULL;
	}
	struct http_srv *s = rw_calloc(1, sizeof *s);
	s->c = c;
	s->http = evhttp_new(base);
	if (!s->http) {
		free(s);
		return NULL;
	}
	/* evhttp refuses (400) past twice the limit; up to it, 431 here */
	evhttp_set_max_headers_size(s->http, 2 * HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(s->http, 1024);
	evhttp_set_timeout(s->http, 120);
	/* every method reaches the router, which answers 405 in JSON (evhttp
	 * would refuse the ones it does not allow with a bare 405) */
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
						    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
						    EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(s->http, on_request, s);
	out_open(&s->out, OUT_JSON, &s->one, c->nm);
	evhttp_set_bevcb(s->http, on_conn, s);
	if (!evhttp_bind_socket_with_handle(s->http, addr, port)) {
		rw_log(RW_LOG_ERROR, "cannot listen on %s", listen);
		http_srv_close(s);
		return NULL;
	}
	if (c->readers && c->st && !c->live && readers_open(s, base)) {
		rw_log(RW_LOG_ERROR, "the reader threads could not open the store");
		http_srv_close(s);
		return NULL;
	}
	return s;
}

void http_srv_close(struct http_srv *s)
{
	if (!s)
		return;
	/* the streams end with the server: evhttp_free frees their
	 * connections without calling back */
	for (struct http_sub *sub = s->subs, *nx; sub; sub = nx) {
		nx = sub->next;
		evhttp_connection_set_closecb(sub->evcon, NULL, NULL);
		free(sub);
	}
	readers_close(s);
	evhttp_free(s->http);
	if (s->ping)
		event_free(s->ping);
	for (uint64_t q = s->seq0; q < s->seqn; q++) {
		rw_mem_count(RW_MEM_OUT, -(int64_t)s->ring[q % s->cap].len);
		free(s->ring[q % s->cap].frame);
	}
	rw_mem_count(RW_MEM_OUT, -(int64_t)s->cap * (int64_t)sizeof *s->ring);
	free(s->ring);
	out_close(&s->out);
	obuf_release(&s->one);
	cache_flush(s);
	rw_vec_free(&s->ce, &s->capce, sizeof *s->ce, RW_MEM_OUT);
	u64map_release(&s->cidx);
	free(s);
}
