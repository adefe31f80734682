/*
 * The router (http.h): the route table, and a pure function from a
 * request's method, path and query string to a route and validated
 * parameters, or to an error that names what is wrong.
 *
 * Invariants: nothing here touches a socket, the store, the clock or a
 * global that changes; every byte of the input is read through bounded
 * copies (paths over HTTP_MAX_PATH and queries over HTTP_MAX_QUERY are
 * refused before any is decoded); a percent escape decodes to a byte
 * other than NUL or it is an error; a path segment "." or ".." is an
 * error (no route has one, and nothing is ever read from the file system
 * by a path).
 */
#include "http.h"
#include "../detect/det.h"

#include <stdio.h>
#include <stdlib.h>

#define P(x) (1u << HTTP_P_##x)

const struct http_param_def http_params[HTTP_P_COUNT] = {
	[HTTP_P_FROM] = {"from", "string", "start of the window, inclusive: 2017-10-01T09:00:00Z, 2017-10-01 or Unix seconds"},
	[HTTP_P_TO] = {"to", "string", "end of the window, exclusive; the same forms (at most 366 days after from)"},
	[HTTP_P_TYPE] = {"type", "string", "event types, comma-separated (upstream_gained,prefix_down,...)"},
	[HTTP_P_ORIGIN] = {"origin", "string", "only events of this origin (131279 or AS131279)"},
	[HTTP_P_PREFIX] = {"prefix", "string", "only events of this prefix or its more-specifics (192.0.2.0/24)"},
	[HTTP_P_UPSTREAM] = {"upstream", "string", "only upstream_gained/lost of this upstream, route leaks from or to it"},
	[HTTP_P_COLLECTOR] = {"collector", "string", "only this collector's collector_gap events"},
	[HTTP_P_CURSOR] = {"cursor", "string", "where the page starts: the next_cursor of the page before"},
	[HTTP_P_LIMIT] = {"limit", "integer", "answers per page, 1 to 1000 (default 100)"},
	[HTTP_P_FORMAT] = {"format", "string", "json (default) or text"},
	[HTTP_P_Q] = {"q", "string", "an AS number (AS131279), a prefix (192.0.2.0/24) or part of an AS name"},
};

#define EV_PARAMS (P(FROM) | P(TO) | P(TYPE) | P(ORIGIN) | P(PREFIX) | P(UPSTREAM) | P(COLLECTOR) | P(CURSOR) | P(LIMIT))

const struct http_route_def http_routes[HTTP_R_COUNT] = {
	{HTTP_R_OPENAPI, "/api/v1/openapi.json", 0, "application/json", "this document", false, false},
	{HTTP_R_METRICS, "/metrics", 0, "text/plain; version=0.0.4; charset=utf-8",
	 "counters in Prometheus' text format", false, false},
	{HTTP_R_AS, "/api/v1/as/{asn}", 0, "application/json",
	 "an origin's summary: counts, down or not, its upstreams now", false, true},
	{HTTP_R_HISTORY, "/api/v1/as/{asn}/history", 0, "application/json",
	 "every upstream the origin ever had (history --json)", false, true},
	{HTTP_R_REPORT, "/api/v1/as/{asn}/report", P(FROM) | P(TO) | P(FORMAT), "application/json",
	 "what happened to the origin in the window (report --json, or its text)", false, true},
	{HTTP_R_CHART, "/api/v1/as/{asn}/chart.svg", P(FROM) | P(TO), "image/svg+xml",
	 "the chart of its upstreams' shares in the window (report --svg)", false, true},
	{HTTP_R_EVENTS, "/api/v1/events", EV_PARAMS, "application/json",
	 "stored events (events --db --json), filtered, a page at a time", false, true},
	{HTTP_R_PREFIX, "/api/v1/prefix/{prefix}", P(FROM) | P(TO) | P(TYPE) | P(CURSOR) | P(LIMIT), "application/json",
	 "a prefix: the origins it had, and the events of it and its more-specifics", false, true},
	{HTTP_R_SEARCH, "/api/v1/search", P(Q) | P(LIMIT), "application/json",
	 "origins by AS number, name or prefix", false, true},
	{HTTP_R_LIVE_AS, "/api/v1/live/as/{asn}", 0, "application/json",
	 "the origin's routes now (as --json), from the running collector", true, false},
	{HTTP_R_LIVE_PREFIX, "/api/v1/live/prefix/{prefix}", 0, "application/json",
	 "the prefix and its more-specifics now (prefix --json), from the running collector", true, false},
	{HTTP_R_STREAM, "/api/v1/stream", P(TYPE) | P(ORIGIN), "text/event-stream",
	 "events as they are determined (Server-Sent Events; Last-Event-ID resumes from the store)", true, false},
	{HTTP_R_COUNTRY_HISTORY, "/api/v1/country/{cc}/history", 0, "application/json",
	 "every international provider the country ever had (history --country --json)", false, true},
	{HTTP_R_COUNTRY_REPORT, "/api/v1/country/{cc}/report", P(FROM) | P(TO) | P(FORMAT), "application/json",
	 "what happened to the country's connections in the window (report --country --json, or its text)", false,
	 true},
	{HTTP_R_COUNTRY_CHART, "/api/v1/country/{cc}/chart.svg", P(FROM) | P(TO), "image/svg+xml",
	 "the chart of its international providers' shares in the window (report --country --svg)", false, true},
	{HTTP_R_STATE_AS, "/api/v1/state/as/{asn}", 0, "application/json",
	 "the origin's routes at the store's clock, from its saved state (as --db --json)", false, true},
	{HTTP_R_STATE_PREFIX, "/api/v1/state/prefix/{prefix}", 0, "application/json",
	 "the prefix and its more-specifics at the store's clock, from its saved state (prefix --db --json)", false,
	 true},
	{HTTP_R_STATE_COUNTRY, "/api/v1/state/country/{cc}", 0, "application/json",
	 "the country's networks, international providers and prefixes at the store's clock (country --db --json)",
	 false, true},
	{HTTP_R_PAGE_HOME, "/", 0, "text/html; charset=utf-8", "the home page", false, true, true},
	{HTTP_R_PAGE_SEARCH, "/search", P(Q), "text/html; charset=utf-8", "search results", false, true, true},
	{HTTP_R_PAGE_AS, "/as/{asn}", P(FROM) | P(TO) | P(CURSOR), "text/html; charset=utf-8", "an origin's page",
	 false, true, true},
	{HTTP_R_PAGE_EVENT, "/event/{event}", 0, "text/html; charset=utf-8", "an event's page", false, true, true},
	{HTTP_R_PAGE_PREFIX, "/prefix/{prefix}", P(FROM) | P(TO) | P(CURSOR), "text/html; charset=utf-8",
	 "a prefix's page", false, true, true},
	{HTTP_R_PAGE_COUNTRY, "/country/{cc}", P(FROM) | P(TO), "text/html; charset=utf-8", "a country's page", false,
	 true, true},
	{HTTP_R_EVENT, "/api/v1/events/{event}", 0, "application/json",
	 "one stored event, with the peer that saw it first and the record that proves it", false, true},
	{HTTP_R_EVENT_RECORD, "/api/v1/events/{event}/record.mrt", 0, "application/octet-stream",
	 "the MRT record that proves an event, as read (routewatch dump reads it)", false, true},
};

static int fail(struct http_err *e, int status, const char *param, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct http_err *e, int status, const char *param, const char *fmt, ...)
{
	e->status = status;
	snprintf(e->param, sizeof e->param, "%s", param);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* Percent-decode s[0..n) into out (cap bytes with the NUL); plus is a
 * space in a query. -1: a bad escape, a NUL or a control byte; -2: too
 * long. */
static int decode(const char *s, size_t n, bool query, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			if (n - i < 3)
				return -1;
			int a = rw_hexval(s[i + 1]), b = rw_hexval(s[i + 2]);
			if (a < 0 || b < 0)
				return -1;
			c = a << 4 | b;
			i += 2;
		} else if (c == '+' && query) {
			c = ' ';
		}
		if (c < 0x20 || c == 0x7f)
			return -1;
		if (k + 1 >= cap)
			return -2;
		out[k++] = (char)c;
	}
	out[k] = 0;
	return 0;
}

static int time_param(const char *name, const char *v, uint32_t *t, struct http_err *e)
{
	int64_t x;
	if (parse_time(v, &x) || x < 0 || x > UINT32_MAX)
		return fail(e, 400, name, "%s: not a time; give one of " PARSE_TIME_FORMS, name);
	*t = (uint32_t)x;
	return 0;
}

static int asn_param(const char *name, const char *v, uint32_t *asn, struct http_err *e)
{
	if (parse_asn(v, asn))
		return fail(e, 400, name, "%s: not an AS number (131279 or AS131279)", name);
	return 0;
}

static int prefix_param(const char *name, const char *v, struct http_req *r, struct http_err *e)
{
	if (!strchr(v, '/') || parse_prefix(v, &r->pfx))
		return fail(e, 400, name, "%s: not a prefix (192.0.2.0/24, 2001:db8::/32)", name);
	r->pfx.path_id = 0;
	fmt_prefix(r->pfx_text, &r->pfx);
	return 0;
}

/* "TIME.TYPE.ORIGIN.UPSTREAM", origin -1 for none (http_cursor_fmt). */
int http_cursor_parse(const char *v, struct store_ev_key *k)
{
	const char *p = v;
	uint64_t x[4];
	for (int i = 0; i < 4; i++) {
		bool neg = i == 2 && *p == '-';
		if (neg)
			p++;
		char num[24];
		size_t n = strcspn(p, ".");
		if (!n || n >= sizeof num || (i < 3 && p[n] != '.') || (i == 3 && p[n]))
			return -1;
		memcpy(num, p, n);
		num[n] = 0;
		if (parse_u64(num, UINT32_MAX, &x[i]) || (neg && x[i] != 1))
			return -1;
		if (neg)
			x[i] = UINT64_MAX;
		p += n + (i < 3);
	}
	if (x[1] >= DET_TYPE_COUNT || x[1] >= 32)
		return -1;
	*k = (struct store_ev_key){(uint32_t)x[0], (uint8_t)x[1], x[2] == UINT64_MAX ? -1 : (int64_t)x[2], (uint32_t)x[3]};
	return 0;
}

int http_cursor_cmp(const struct store_ev_key *a, const struct store_ev_key *b)
{
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->origin != b->origin)
		return a->origin < b->origin ? -1 : 1;
	return a->upstream < b->upstream ? -1 : a->upstream > b->upstream;
}

size_t http_cursor_fmt(char *buf, size_t n, const struct store_ev_key *k)
{
	int w = snprintf(buf, n, "%u.%u.%lld.%u", k->time, k->type, (long long)k->origin, k->upstream);
	return w < 0 ? 0 : (size_t)w < n ? (size_t)w : n - 1;
}

static int param(struct http_req *r, enum http_param p, const char *v, struct http_err *e)
{
	const char *name = http_params[p].name;
	uint64_t x;
	switch (p) {
	case HTTP_P_FROM: return time_param(name, v, &r->from, e);
	case HTTP_P_TO: return time_param(name, v, &r->to, e);
	case HTTP_P_TYPE: {
		struct det_filter f = {0};
		char bad[40];
		if (!*v || det_filter_types(&f, v, bad, sizeof bad) || (f.types & (1u << DET_UPSTREAM_PRESENT)))
			return fail(e, 400, name, "type: '%s' is not an event type; the types: %s", *v ? bad : "",
				    det_type_list());
		r->types = f.types;
		return 0;
	}
	case HTTP_P_ORIGIN: return asn_param(name, v, &r->origin, e);
	case HTTP_P_UPSTREAM: return asn_param(name, v, &r->upstream, e);
	case HTTP_P_PREFIX: return prefix_param(name, v, r, e);
	case HTTP_P_COLLECTOR: {
		size_t n = strlen(v);
		if (!n || n >= sizeof r->collector || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
							    "0123456789._-:") != n)
			return fail(e, 400, name, "collector: a collector's name: 1 to 64 letters, digits, '.', '_', '-' or ':'");
		memcpy(r->collector, v, n + 1);
		return 0;
	}
	case HTTP_P_CURSOR:
		if (http_cursor_parse(v, &r->cursor))
			return fail(e, 400, name, "cursor: not a cursor; give the next_cursor of the page before");
		return 0;
	case HTTP_P_LIMIT:
		if (parse_u64(v, HTTP_MAX_LIMIT, &x) || !x)
			return fail(e, 400, name, "limit: a number from 1 to %u", HTTP_MAX_LIMIT);
		r->limit = (uint32_t)x;
		return 0;
	case HTTP_P_FORMAT:
		if (strcmp(v, "json") && strcmp(v, "text"))
			return fail(e, 400, name, "format: json or text");
		r->text = !strcmp(v, "text");
		return 0;
	case HTTP_P_Q:
		if (!*v)
			return fail(e, 400, name, "q: empty; give an AS number, a prefix or part of a name");
		snprintf(r->q, sizeof r->q, "%s", v);
		return 0;
	case HTTP_P_COUNT: break;
	}
	return fail(e, 400, name, "%s: unknown", name);
}

static int query_params(const char *q, struct http_req *r, struct http_err *e)
{
	unsigned allowed = http_routes[r->route].params;
	for (const char *s = q; s && *s;) {
		size_t n = strcspn(s, "&");
		const char *eq = memchr(s, '=', n);
		size_t kn = eq ? (size_t)(eq - s) : n;
		char key[40], val[HTTP_MAX_VALUE + 1];
		if (n == 0) {
			s++;
			continue;
		}
		int dk = decode(s, kn, true, key, sizeof key);
		if (dk)
			return fail(e, 400, "query", "a parameter's name is %s",
				    dk == -2 ? "too long" : "badly encoded (a bad % escape or a control character)");
		int p = 0;
		while (p < HTTP_P_COUNT && strcmp(http_params[p].name, key))
			p++;
		if (p == HTTP_P_COUNT || !(allowed & (1u << p))) {
			char list[256] = "";
			size_t ln = 0;
			for (int i = 0; i < HTTP_P_COUNT; i++)
				if (allowed & (1u << i))
					ln += (size_t)snprintf(list + ln, sizeof list - ln, "%s%s", ln ? ", " : "",
							       http_params[i].name);
			char shown[40];
			size_t sn = 0;
			for (const char *c = key; *c && sn + 1 < sizeof shown; c++)
				shown[sn++] = (*c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\') ? *c : '?';
			shown[sn] = 0;
			return fail(e, 400, p == HTTP_P_COUNT ? "query" : http_params[p].name,
				    "%s: not a parameter of this route (it takes: %s)", shown, ln ? list : "none");
		}
		if (r->given & (1u << p))
			return fail(e, 400, http_params[p].name, "%s: given twice", http_params[p].name);
		r->given |= 1u << p;
		int dv = eq ? decode(eq + 1, n - kn - 1, true, val, sizeof val) : (val[0] = 0, 0);
		if (dv)
			return fail(e, 400, http_params[p].name, "%s: %s", http_params[p].name,
				    dv == -2 ? "the value is too long" : "badly encoded (a bad % escape or a control character)");
		if (param(r, (enum http_param)p, val, e))
			return -1;
		s += n;
		s += *s == '&';
	}
	if (http_has(r, HTTP_P_FROM) && http_has(r, HTTP_P_TO)) {
		if (r->from >= r->to)
			return fail(e, 400, "to", "to: must be after from");
		if (r->to - r->from > HTTP_MAX_WINDOW)
			return fail(e, 400, "to", "to: at most 366 days after from");
	}
	return 0;
}

/* The path's segments after the decoding, at most 8. */
struct segs {
	char buf[HTTP_MAX_PATH + 1];
	const char *s[8];
	int n;
};

static int split(const char *path, struct segs *g, struct http_err *e)
{
	size_t n = strlen(path);
	if (n > HTTP_MAX_PATH)
		return fail(e, 414, "path", "the path is longer than %d bytes", HTTP_MAX_PATH);
	if (path[0] != '/')
		return fail(e, 400, "path", "the path must start with /");
	/* split first, then decode each segment: an encoded '/' (%2F, in a
	 * prefix) stays inside its segment */
	char *w = g->buf;
	g->n = 0;
	for (const char *p = path + 1;;) {
		size_t k = strcspn(p, "/");
		if (g->n == 8)
			return fail(e, 404, "path", "no such route");
		char *seg = w;
		int d = decode(p, k, false, seg, sizeof g->buf - (size_t)(w - g->buf));
		if (d)
			return fail(e, 400, "path", "the path is badly encoded (a bad %% escape or a control character)");
		if (!strcmp(seg, ".") || !strcmp(seg, "..") || (k == 0 && p[k] == '/'))
			return fail(e, 400, "path", "the path has an empty, '.' or '..' segment");
		g->s[g->n++] = seg;
		w += strlen(seg) + 1;
		if (!p[k])
			break;
		p += k + 1;
	}
	return 0;
}

/* Match the route template (its segments) against the path's: {asn}
 * takes one segment, {prefix} one ("192.0.2.0%2F24") or two ("192.0.2.0",
 * "24"). 1: matched (the path parameters read), 0: not this route, -1:
 * this route with a bad {asn} or {prefix} (e filled). */
static int match(const struct http_route_def *d, const struct segs *g, struct http_req *r, struct http_err *e)
{
	const char *t = d->path + 1;
	int i = 0;
	for (;;) {
		size_t k = strcspn(t, "/");
		if (i >= g->n)
			return 0;
		if (!strncmp(t, "{asn}", k) && k == 5) {
			if (asn_param("asn", g->s[i], &r->asn, e))
				return -1;
			i++;
		} else if (!strncmp(t, "{cc}", k) && k == 4) {
			if (!(r->cc = geo_cc_parse(g->s[i], strlen(g->s[i]))))
				return fail(e, 400, "cc", "cc: '%.32s' is not a country code of two letters, like KP",
					    g->s[i]);
			i++;
		} else if (!strncmp(t, "{event}", k) && k == 7) {
			if (http_cursor_parse(g->s[i], &r->ev))
				return fail(e, 400, "event", "event: not an event's key (TIME.TYPE.ORIGIN.UPSTREAM)");
			i++;
		} else if (!strncmp(t, "{prefix}", k) && k == 8) {
			char pb[RW_PREFIX_STRLEN + 8];
			if (i + 1 < g->n && !strchr(g->s[i], '/'))
				snprintf(pb, sizeof pb, "%.48s/%.4s", g->s[i], g->s[i + 1]), i += 2;
			else
				snprintf(pb, sizeof pb, "%.60s", g->s[i]), i++;
			if (prefix_param("prefix", pb, r, e))
				return -1;
		} else {
			if (strlen(g->s[i]) != k || strncmp(t, g->s[i], k))
				return 0;
			i++;
		}
		if (!t[k])
			break;
		t += k + 1;
	}
	return i == g->n;
}

int http_parse(const char *method, const char *path, const char *query, struct http_req *r, struct http_err *e)
{
	memset(r, 0, sizeof *r);
	memset(e, 0, sizeof *e);
	r->limit = HTTP_DEF_LIMIT;
	if (!method || (strcmp(method, "GET") && strcmp(method, "HEAD")))
		return fail(e, 405, "method", "only GET and HEAD: the API is read-only");
	r->head = !strcmp(method, "HEAD");
	if (!path)
		return fail(e, 400, "path", "no path");
	if (query && strlen(query) > HTTP_MAX_QUERY)
		return fail(e, 414, "query", "the query string is longer than %d bytes", HTTP_MAX_QUERY);
	struct segs g;
	if (split(path, &g, e))
		return -1;
	for (int k = 0; k < HTTP_R_COUNT; k++) {
		struct http_req t = *r;
		int m = match(&http_routes[k], &g, &t, e);
		if (m < 0)
			return -1;
		if (m) {
			*r = t;
			r->route = http_routes[k].id;
			return query_params(query, r, e);
		}
	}
	return fail(e, 404, "path", "no such route (GET /api/v1/openapi.json lists them)");
}
