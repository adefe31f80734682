/*
 * http: the JSON API (/api/v1/...) over the queries the commands use
 * (docs/api.md, docs/internals/http.md). Three parts, in the manner of
 * OpenBGPD's bgplgd (a table of the same queries bgpctl runs):
 *
 *  - the router (http_route.c): a pure function from a method, a path and
 *    a query string to a route and its validated parameters, or to an
 *    error naming the bad parameter; no socket, no store, no clock, so
 *    the unit test and the fuzz harness call it directly. The route table
 *    is data (http_routes[]), and the OpenAPI document is made from it
 *    (http_openapi.c), so the two cannot disagree;
 *  - the answers (http_api.c): each route calls the function the CLI
 *    calls (store_history, store_events_page, report_load, ...) and prints
 *    through out/ and report/; no query or format logic of its own;
 *  - the server (http_srv.c): libevent's evhttp on the caller's event
 *    base (serve's own, or collect's), HTTP/1.1 keep-alive, request size
 *    limits, gzip, ETag and Last-Modified, the security headers.
 *
 * The event loop's thread does all of HTTP and answers from the cache;
 * under serve, history answers the cache lacks are made on reader
 * threads with their own store connections (http_ctx.readers); under
 * collect --http everything runs on the loop, where the engine runs.
 */
#ifndef RW_HTTP_H
#define RW_HTTP_H

#include "../store/store.h"

/* ---------------------------------------------------------------- routes */

enum http_route_id {
	HTTP_R_OPENAPI = 0, /* GET /api/v1/openapi.json */
	HTTP_R_METRICS,     /* GET /metrics */
	HTTP_R_AS,          /* GET /api/v1/as/{asn} */
	HTTP_R_HISTORY,     /* GET /api/v1/as/{asn}/history */
	HTTP_R_REPORT,      /* GET /api/v1/as/{asn}/report */
	HTTP_R_CHART,       /* GET /api/v1/as/{asn}/chart.svg */
	HTTP_R_EVENTS,      /* GET /api/v1/events */
	HTTP_R_PREFIX,      /* GET /api/v1/prefix/{prefix} */
	HTTP_R_SEARCH,      /* GET /api/v1/search */
	HTTP_R_LIVE_AS,     /* GET /api/v1/live/as/{asn} (collect --http) */
	HTTP_R_LIVE_PREFIX, /* GET /api/v1/live/prefix/{prefix} (collect --http) */
	HTTP_R_STREAM,      /* GET /api/v1/stream (collect --http) */
	/* docs/events.md §14: a country's history, story and chart */
	HTTP_R_COUNTRY_HISTORY, /* GET /api/v1/country/{cc}/history */
	HTTP_R_COUNTRY_REPORT,  /* GET /api/v1/country/{cc}/report */
	HTTP_R_COUNTRY_CHART,   /* GET /api/v1/country/{cc}/chart.svg */
	/* the store's saved state (as/prefix/country --db --json) */
	HTTP_R_STATE_AS,        /* GET /api/v1/state/as/{asn} */
	HTTP_R_STATE_PREFIX,    /* GET /api/v1/state/prefix/{prefix} */
	HTTP_R_STATE_COUNTRY,   /* GET /api/v1/state/country/{cc} */
	/* the web pages, server-rendered HTML (http_html.c; not in OpenAPI) */
	HTTP_R_PAGE_HOME,       /* GET / */
	HTTP_R_PAGE_SEARCH,     /* GET /search */
	HTTP_R_PAGE_AS,         /* GET /as/{asn} */
	HTTP_R_PAGE_EVENT,      /* GET /event/{event} (its key, a cursor) */
	HTTP_R_PAGE_PREFIX,     /* GET /prefix/{prefix} */
	HTTP_R_PAGE_COUNTRY,    /* GET /country/{cc} */
	HTTP_R_EVENT,           /* GET /api/v1/events/{event} */
	HTTP_R_EVENT_RECORD,    /* GET /api/v1/events/{event}/record.mrt */
	HTTP_R_COUNT
};

/* Query parameters, one bit each in a route's `params`. */
enum http_param {
	HTTP_P_FROM = 0,
	HTTP_P_TO,
	HTTP_P_TYPE,
	HTTP_P_ORIGIN,
	HTTP_P_PREFIX,
	HTTP_P_UPSTREAM,
	HTTP_P_COLLECTOR,
	HTTP_P_CURSOR,
	HTTP_P_LIMIT,
	HTTP_P_FORMAT,
	HTTP_P_Q,
	HTTP_P_COUNT
};

struct http_param_def {
	const char *name;
	const char *type;        /* OpenAPI schema type: "string", "integer" */
	const char *desc;
};
extern const struct http_param_def http_params[HTTP_P_COUNT];

struct http_route_def {
	enum http_route_id id;
	const char *path;        /* OpenAPI template: /api/v1/as/{asn} */
	unsigned params;         /* bits of enum http_param it takes */
	const char *ctype;       /* what it answers (the success case) */
	const char *summary;     /* one line, for the OpenAPI document */
	bool live;               /* only under collect --http */
	bool history;            /* an answer from the store: ETag and
				    Last-Modified (the store's clock) */
	bool page;               /* a web page (HTML), not the API: left
				    out of the OpenAPI document, served with
				    the page's Content-Security-Policy */
};
extern const struct http_route_def http_routes[HTTP_R_COUNT];

/* Limits of every request (docs/api.md). */
#define HTTP_MAX_PATH 512          /* bytes of the path */
#define HTTP_MAX_QUERY 2048        /* bytes of the query string */
#define HTTP_MAX_HEADERS 8192      /* bytes of the request's headers */
#define HTTP_MAX_VALUE 256         /* bytes of one decoded value */
#define HTTP_MAX_WINDOW (366u * 86400) /* to - from, seconds */
#define HTTP_DEF_LIMIT 100         /* events per page */
#define HTTP_MAX_LIMIT 1000
#define HTTP_SCAN_MAX 100000       /* event rows one page may read */
#define HTTP_MAX_SEARCH 50         /* search answers per kind */
#define HTTP_CACHE_BYTES (64u << 20) /* history answers kept (http_srv.c) */

/* A request, validated. */
struct http_req {
	enum http_route_id route;
	bool head;                   /* HEAD: the answer without its body */
	unsigned given;              /* bits of the parameters given */
	uint32_t asn;                /* {asn} of the path */
	uint16_t cc;                 /* {cc} of the path (geo/'s code) */
	struct rw_prefix pfx;        /* {prefix} of the path, or prefix= */
	char pfx_text[RW_PREFIX_STRLEN]; /* its canonical text (fmt_prefix) */
	uint32_t from, to;           /* when given */
	unsigned types;              /* type=: bit per enum det_type */
	uint32_t origin, upstream;   /* when given */
	char collector[65];
	struct store_ev_key cursor;  /* when given */
	struct store_ev_key ev;      /* {event} of the path */
	uint32_t limit;              /* HTTP_DEF_LIMIT unless given */
	bool text;                   /* format=text (report) */
	char q[HTTP_MAX_VALUE + 1];  /* search */
};

static inline bool http_has(const struct http_req *r, enum http_param p)
{
	return r->given & (1u << p);
}

/* What is wrong with a request: the status to answer, the parameter (or
 * "path", "method"; "" when none) and a sentence for people. */
struct http_err {
	int status;
	char param[32];
	char msg[256];
};

/* The router: method, path (as sent, percent-encoded) and the query
 * string after '?' (NULL or "" when none) into r. 0, or -1 with e filled:
 * 405 for a method other than GET and HEAD, 404 for a path no route has,
 * 400 for a bad path or parameter (the message names it), 414 for a path
 * or query over the limits. Pure: it reads only its arguments. */
int http_parse(const char *method, const char *path, const char *query, struct http_req *r, struct http_err *e);

/* The cursor's text ("TIME.TYPE.ORIGIN.UPSTREAM", origin -1: none) into
 * buf (at least 64 bytes); http_parse reads it back. */
size_t http_cursor_fmt(char *buf, size_t n, const struct store_ev_key *k);

/* ... and back: 0, or -1 when s is not one. */
int http_cursor_parse(const char *s, struct store_ev_key *k);
/* The order of cursors (store_events'): < 0, 0, > 0. */
int http_cursor_cmp(const struct store_ev_key *a, const struct store_ev_key *b);

/* The OpenAPI 3 document of http_routes[] (http_openapi.c). */
void http_openapi(struct obuf *o);

/* The web page (http_page.c): GET / and its script and style, static,
 * reading the API from the browser; served before the router, with a
 * Content-Security-Policy of their own (http_page_csp: scripts, styles,
 * images and fetches from the server itself, nothing inline). */
struct http_page {
	const char *path, *ctype, *body;
	size_t len;
};
const struct http_page *http_page_find(const char *path);
extern const char *const http_page_csp;

/* ---------------------------------------------------------------- answers */

/* The live state under collect --http: the caller's callbacks print the
 * origin's or the prefix's routes now (out_origin, out_prefix over the
 * collector's rib) and its counters in Prometheus' text format. */
struct http_live {
	void (*origin)(void *arg, uint32_t asn, struct obuf *o);
	void (*prefix)(void *arg, const struct rw_prefix *p, struct obuf *o);
	void (*metrics)(void *arg, struct obuf *o);
	/* true while the state cannot be read (a checkpoint thread reads
	 * the engine): the live routes answer 503 with Retry-After */
	bool (*busy)(void *arg);
	/* the collector's engine, for the pages (the origin's prefixes now,
	 * the home page's collectors and peers): read on the loop's thread,
	 * never while busy; NULL: none */
	struct engine *(*engine)(void *arg);
	void *arg;
};

struct http_ctx {
	struct store *st;            /* borrowed: the history store, or NULL */
	struct names *nm;            /* borrowed: names (--names), and those
					the store has, added as answers need
					them */
	const struct http_live *live; /* borrowed, NULL under serve */
	/* borrowed, NULL: none (serve --relationships): what the upstreams
	 * are to their origins, and the customer cones (docs/events.md §14) */
	const struct asrel *rel;
	const struct asrel_cones *cones;
	/* counters for /metrics */
	uint64_t requests[HTTP_R_COUNT + 1]; /* the last: no route */
	uint64_t status[6];          /* by class: 1xx..5xx (index 1..5) */
	uint64_t bytes_out, gzipped, not_modified;
	uint64_t conns_total;
	uint32_t streams;            /* event streams open */
	uint64_t published, streams_slow; /* events published; streams ended
					     for reading too slowly */
	uint64_t cache_hits, cache_misses; /* history answers from the cache */
	uint64_t pages;              /* the web page's files served */
	double started;              /* wall clock at start */
	/* ASNs the store has no name for, so that answers do not ask again
	 * (a query each): forgotten when the store's clock moves (a writer
	 * may have stored names) or past 1 M entries */
	struct u64map no_name;
	uint32_t no_name_clock;
	/* the store's clock as last read (http_store_clock), and when */
	uint32_t clock;
	double clock_at;
	bool clock_read;
	/* The store's saved state (the state routes and the origin page's
	 * prefixes), read when first asked and again when the store's
	 * clock has moved: owned, NULL until then */
	struct engine *state;
	uint32_t state_clock;
	/* borrowed, NULL: none (serve --countries, or the countries of
	 * --names): the state's country view */
	const struct geo *geo;
	/* Reader threads (http_srv.c): the history answers the cache does
	 * not have are made on `readers` threads, each with a connection of
	 * its own to the store `db` (read-only) and its own names (loaded
	 * from every `names_files` given, else as the store has them), so
	 * that the loop keeps answering from the cache meanwhile. 0: in
	 * line on the loop's thread (collect --http: its engine runs there) */
	unsigned readers;
	const char *db;              /* borrowed, NULL: the default store */
	const char *const *names_files; /* borrowed: --names, in order */
	size_t n_names_files;
};
/* The store's clock (0: no store, or none yet), read from the store at
 * most once a second. */
uint32_t http_store_clock(struct http_ctx *c);
/* Free what the answers cached in c. */
void http_ctx_release(struct http_ctx *c);
/* The store's saved state, loaded when missing or older than the
 * store's clock: NULL with *rc (RW_ENOTFOUND: the store holds none). */
struct engine *http_state(struct http_ctx *c, int *rc);

/* Search (the API's /search and the page's): an AS number, a prefix or a
 * part of a name; kind says which. 0, or the store's error. res[i] =
 * {asn, first_seen (0 for names)}; free(*res). */
int http_search(struct http_ctx *c, const char *q, uint32_t limit, uint32_t (**res)[2], uint32_t *n, const char **kind);

/* Names of these ASNs into c->nm from the store, those not known yet. */
void http_names_for(struct http_ctx *c, const uint32_t *asns, size_t n);
/* (ASN, time) pairs as the store's list callbacks give them: owned array,
 * free(v); http_pair_add is such a callback (arg: the pairs). */
struct http_pairs {
	uint32_t (*v)[2];
	uint32_t n, cap;
};
int http_pair_add(void *arg, uint32_t asn, uint32_t t);

/* One sample in Prometheus' text format, with its HELP and TYPE lines
 * (labels: "" or 'k="v"'); for the live callbacks' metrics. */
void http_metric(struct obuf *o, const char *name, const char *type, const char *help, double v);

/* An answer being made. */
struct http_resp {
	int status;
	const char *ctype;
	struct obuf body;            /* memory mode, owned */
	uint32_t last_modified;      /* 0: none */
	bool etag;                   /* give an ETag (history answers) */
	bool live;                   /* holds the collector's state now: not
					cached, no Last-Modified */
};

void http_resp_init(struct http_resp *a);
void http_resp_release(struct http_resp *a);
/* The web pages (http_html.c): the answer to a page route, as HTML. */
void http_html(struct http_ctx *c, const struct http_req *r, struct http_resp *a, uint32_t clock);
/* The answer to a valid request. */
void http_answer(struct http_ctx *c, const struct http_req *r, struct http_resp *a);
/* An error as JSON: {"status":400,"error":"Bad Request","parameter":"from",
 * "message":"..."}; replaces what a held. */
void http_error(struct http_resp *a, const struct http_err *e);
const char *http_reason(int status);

/* ---------------------------------------------------------------- server */

struct event_base;
struct http_srv;

/* Event streams (GET /api/v1/stream, collect --http): Server-Sent Events,
 * one per event as it is determined ("id:" its cursor, "event:" its
 * type, "data:" its JSON line), a comment every 15 s to keep the
 * connection; at most HTTP_MAX_STREAMS at once (503 beyond). The last
 * HTTP_RING events (and at most HTTP_RING_BYTES of them: a full table's
 * session reset is tens of thousands in one second) are kept once for
 * all streams, and each stream sends from there a chunk of at most
 * HTTP_SSE_CHUNK bytes at a time, the next when the last has gone: a
 * slow client holds one chunk, and one that falls out of the ring is
 * ended (it resumes with Last-Event-ID).
 * A resume replays the events after that id from the ring, or from the
 * store when they go back further (at most HTTP_MAX_LIMIT events and
 * HTTP_SSE_REPLAY bytes), then goes on live. */
#define HTTP_MAX_STREAMS 1000
#define HTTP_SSE_CHUNK (16u << 10)
#define HTTP_SSE_REPLAY (256u << 10)
#define HTTP_RING (1u << 18)
#define HTTP_RING_BYTES (64u << 20)

/* Serve c on base at "ADDR:PORT" or "[ADDR]:PORT": NULL, logged, when it
 * cannot listen. c is borrowed for the server's life. */
/* The server on base, listening on listen ("ADDR:PORT"), with c->readers
 * reader threads (each opens c->db; NULL when the port or a store cannot
 * be opened, logged). */
struct http_srv *http_srv_open(struct event_base *base, const char *listen, struct http_ctx *c);
void http_srv_close(struct http_srv *s);
/* An event as it is determined: to every stream that wants it. */
void http_srv_publish(struct http_srv *s, const struct store_event *e);

#endif
