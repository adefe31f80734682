/*
 * The answers (http.h): each route calls what the command of the same
 * question calls and prints through the same writers:
 *
 *   /as/{asn}            store_history, store_origin_down_at -> out_summary_json
 *   /as/{asn}/history    store_history -> out_history (history --json)
 *   /as/{asn}/report     report_load -> report_json / report_text (report)
 *   /as/{asn}/chart.svg  report_load -> report_svg (report --svg)
 *   /events              store_events_page -> out_event (events --db --json)
 *   /prefix/{prefix}     store_prefix_origin_list, store_events_page
 *   /search              store_origin_get, store_prefix_origin_list,
 *                        store_names_search -> out_asns_json
 *   /state/as/{asn}      store_state_of -> rib_origin_view -> out_origin
 *   /state/prefix/{p}    store_state_of -> rib_prefix_view -> out_prefix
 *   /state/country/{cc}  store_state_of -> det_country_views -> out_country
 *                        (as, prefix, country --db --json)
 *
 * What is the API's own is the envelope: a page of events is
 * {"events":[...],"count":N,"next_cursor":...}, an error
 * {"status":...,"error":...,"parameter":...,"message":...}. Defaults of
 * the windows are the commands' (report: the day before the store's
 * clock) or stated in docs/api.md (events: the 30 days before it).
 */
#include "http.h"
#include "../out/out.h"
#include "../report/report.h"
#include "../detect/det.h"
#include "../geo/geo.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define JSON "application/json"

void http_resp_init(struct http_resp *a)
{
	memset(a, 0, sizeof *a);
	a->status = 200;
	a->ctype = JSON;
}

void http_resp_release(struct http_resp *a)
{
	obuf_release(&a->body);
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

void http_error(struct http_resp *a, const struct http_err *e)
{
	struct obuf *o = &a->body;
	obuf_reset(o);
	a->status = e->status;
	a->ctype = JSON;
	a->etag = false;
	a->last_modified = 0;
	obuf_puts(o, "{\"status\":");
	obuf_putu32(o, (uint32_t)e->status);
	obuf_puts(o, ",\"error\":");
	const char *r = http_reason(e->status);
	obuf_json_str(o, r, strlen(r));
	if (e->param[0]) {
		obuf_puts(o, ",\"parameter\":");
		obuf_json_str(o, e->param, strlen(e->param));
	}
	obuf_puts(o, ",\"message\":");
	obuf_json_str(o, e->msg, strlen(e->msg));
	obuf_puts(o, "}\n");
}

static void err(struct http_resp *a, int status, const char *param, const char *msg)
{
	struct http_err e = {.status = status};
	snprintf(e.param, sizeof e.param, "%s", param);
	snprintf(e.msg, sizeof e.msg, "%s", msg);
	http_error(a, &e);
}

static void store_failed(struct http_resp *a)
{
	err(a, 500, "", "the history store could not be read (the server's log says why)");
}

void http_names_for(struct http_ctx *c, const uint32_t *asns, size_t n)
{
	if (!c->st)
		return;
	uint32_t want[64];
	size_t k = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && !names_get(c->nm, asns[i]) && !u64map_get(&c->no_name, asns[i]))
			want[k++] = asns[i];
		if (k && (k == RW_ARRAY_LEN(want) || i == n)) {
			store_names_get(c->st, c->nm, want, k);
			if (c->no_name.n > (1u << 20))
				u64map_clear(&c->no_name);
			for (size_t j = 0; j < k; j++)
				if (!names_get(c->nm, want[j]))
					*u64map_put(&c->no_name, want[j]) = 1;
			k = 0;
		}
	}
}

uint32_t http_store_clock(struct http_ctx *c)
{
	/* read at most once a second: a writer's checkpoint shows within
	 * that, and an answer from the cache costs no query */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	if (c->clock_read && now - c->clock_at < 1.0)
		return c->clock;
	int64_t v = 0;
	if (c->st)
		store_meta_get(c->st, "clock", &v);
	c->clock = (uint32_t)v;
	c->clock_at = now;
	c->clock_read = true;
	return c->clock;
}

void http_ctx_release(struct http_ctx *c)
{
	u64map_release(&c->no_name);
	if (c->state) {
		engine_release(c->state);
		free(c->state);
		c->state = NULL;
	}
}

static void names_for(struct http_ctx *c, const uint32_t *asns, size_t n)
{
	http_names_for(c, asns, n);
}

/* ---------------------------------------------------------------- origins */

/* An origin's history, or (the country routes) a country's. */
static bool load_history(struct http_ctx *c, const struct http_req *r, struct http_resp *a, struct store_history *h)
{
	if (r->cc ? store_country_history(c->st, r->cc, h) : store_history(c->st, r->asn, h)) {
		store_failed(a);
		return false;
	}
	if (!h->found) {
		char m[96], cs[3];
		geo_cc_str(r->cc, cs);
		if (r->cc)
			snprintf(m, sizeof m, "country %s: not in the history store (ingested with --countries?)", cs);
		else
			snprintf(m, sizeof m, "AS%u: not in the history store", r->asn);
		err(a, 404, r->cc ? "cc" : "asn", m);
		return false;
	}
	return true;
}

static void as_answer(struct http_ctx *c, const struct http_req *r, struct http_resp *a, bool summary)
{
	struct store_history h;
	if (load_history(c, r, a, &h)) {
		size_t nu;
		struct store_upstream *u = store_history_upstreams(&h, &nu);
		uint32_t *asns = rw_malloc((nu + 1) * sizeof *asns);
		asns[0] = r->asn;
		for (size_t i = 0; i < nu; i++)
			asns[i + 1] = u[i].asn;
		names_for(c, asns, nu + 1);
		free(asns);
		if (summary) {
			bool down = false;
			uint32_t since = 0;
			if (store_origin_down_at(c->st, r->asn, h.clock ? h.clock : UINT32_MAX, &down, &since))
				store_failed(a);
			else
				out_summary_json(&a->body, c->nm, &h, u, nu, down, since, c->rel, c->cones);
		} else {
			struct out out;
			out_open(&out, OUT_JSON, &a->body, c->nm);
			out.rel = c->rel;
			out_history(&out, &h, u, nu);
			out_close(&out);
		}
		free(u);
	}
	store_history_free(&h);
}

/* docs/events.md §14: history --country --json */
static void country_history_answer(struct http_ctx *c, const struct http_req *r, struct http_resp *a)
{
	struct store_history h;
	if (load_history(c, r, a, &h)) {
		size_t nu;
		struct store_upstream *u = store_history_upstreams(&h, &nu);
		uint32_t *asns = rw_malloc((nu + 1) * sizeof *asns);
		for (size_t i = 0; i < nu; i++)
			asns[i] = u[i].asn;
		names_for(c, asns, nu);
		free(asns);
		struct out out;
		out_open(&out, OUT_JSON, &a->body, c->nm);
		out_history(&out, &h, u, nu);
		out_close(&out);
		free(u);
	}
	store_history_free(&h);
}

/* report and chart: the window of `routewatch report` (to: the second
 * before the store's clock; from: a day before to). */
static void report_answer(struct http_ctx *c, const struct http_req *r, struct http_resp *a, uint32_t clock)
{
	uint32_t to = http_has(r, HTTP_P_TO) ? r->to : clock > 0 ? clock - 1 : 0;
	uint32_t from = http_has(r, HTTP_P_FROM) ? r->from : to > 86400 ? to - 86400 : 0;
	if (from >= to) {
		err(a, 400, http_has(r, HTTP_P_FROM) ? "from" : "to", "from must be before to");
		return;
	}
	if (to - from > HTTP_MAX_WINDOW) {
		err(a, 400, "to", "to: at most 366 days after from");
		return;
	}
	struct report_data d;
	bool country = r->route == HTTP_R_COUNTRY_REPORT || r->route == HTTP_R_COUNTRY_CHART;
	int lr = country ? report_load_country(c->st, r->cc, from, to, &d) : report_load(c->st, r->asn, from, to, &d);
	if (lr == RW_ENOTFOUND) {
		char m[96], cs[3];
		geo_cc_str(r->cc, cs);
		if (country)
			snprintf(m, sizeof m, "country %s: not in the history store (ingested with --countries?)", cs);
		else
			snprintf(m, sizeof m, "AS%u: not in the history store", r->asn);
		err(a, 404, country ? "cc" : "asn", m);
	} else if (lr) {
		store_failed(a);
	} else {
		size_t n;
		uint32_t *asns = report_asns(&d, &n);
		names_for(c, asns, n);
		free(asns);
		if (r->route == HTTP_R_CHART || r->route == HTTP_R_COUNTRY_CHART) {
			a->ctype = "image/svg+xml";
			report_svg(&d, c->nm, &a->body);
		} else if (r->text) {
			a->ctype = "text/plain; charset=utf-8";
			report_text(&d, c->nm, &a->body);
		} else {
			report_json(&d, c->nm, &a->body);
		}
	}
	report_data_free(&d);
}

/* ---------------------------------------------------------------- events */

struct ev_page {
	struct http_ctx *c;
	struct out out;
	struct obuf one;    /* one event's line */
	struct obuf *o;     /* the answer */
	uint32_t n;
};

static int on_event(void *arg, const struct store_event *e)
{
	struct ev_page *p = arg;
	uint32_t asns[2] = {e->origin, e->upstream};
	bool up = e->type == DET_UPSTREAM_GAINED || e->type == DET_UPSTREAM_LOST;
	names_for(p->c, asns, up && e->upstream ? 2 : 1);
	obuf_reset(&p->one);
	out_event(&p->out, e);
	size_t len = p->one.len;
	while (len && p->one.buf[len - 1] == '\n')
		len--;
	if (p->n++)
		obuf_putc(p->o, ',');
	obuf_putsn(p->o, p->one.buf, len);
	return 0;
}

static void put_time(struct obuf *o, uint32_t t)
{
	char b[32];
	obuf_putc(o, '"');
	obuf_putsn(o, b, fmt_time_rfc3339(b, t));
	obuf_putc(o, '"');
}

/* The window of an events page: [from, to), by default the 30 days
 * before the store's clock (to: the clock, every second before it
 * applied). 0, or -1 with the error answered. */
static int ev_window(const struct http_req *r, uint32_t clock, struct http_resp *a, uint32_t *from, uint32_t *to)
{
	const uint32_t def = 30 * 86400;
	if (http_has(r, HTTP_P_TO))
		*to = r->to;
	else if (http_has(r, HTTP_P_FROM))
		*to = r->from > UINT32_MAX - def ? UINT32_MAX : r->from + def;
	else
		*to = clock ? clock : (uint32_t)time(NULL);
	*from = http_has(r, HTTP_P_FROM) ? r->from : *to > def ? *to - def : 0;
	if (*from >= *to) {
		err(a, 400, "from", "from must be before to");
		return -1;
	}
	if (*to - *from > HTTP_MAX_WINDOW) {
		err(a, 400, "to", "to: at most 366 days after from");
		return -1;
	}
	return 0;
}

/* "events":[...],"count":N,"next_cursor":... into the answer. */
static int events_members(struct http_ctx *c, const struct http_req *r, struct store_ev_query *q, struct http_resp *a)
{
	struct ev_page p = {.c = c, .o = &a->body};
	out_open(&p.out, OUT_JSON, &p.one, c->nm);
	obuf_puts(p.o, "\"events\":[");
	struct store_ev_page res;
	q->after = http_has(r, HTTP_P_CURSOR) ? &r->cursor : NULL;
	q->limit = r->limit;
	q->scan_max = HTTP_SCAN_MAX;
	int rc = store_events_page(c->st, q, on_event, &p, &res);
	out_close(&p.out);
	obuf_release(&p.one);
	if (rc)
		return rc;
	obuf_puts(p.o, "],\"count\":");
	obuf_putu32(p.o, p.n);
	obuf_puts(p.o, ",\"next_cursor\":");
	if (res.more) {
		char cb[64];
		obuf_putc(p.o, '"');
		obuf_putsn(p.o, cb, http_cursor_fmt(cb, sizeof cb, &res.next));
		obuf_putc(p.o, '"');
	} else {
		obuf_puts(p.o, "null");
	}
	obuf_puts(p.o, ",\"from\":");
	put_time(p.o, q->from);
	obuf_puts(p.o, ",\"to\":");
	put_time(p.o, q->to + 1);
	return 0;
}

/* ---- docs/events.md §15: one event, and the record that proves it */

static int on_the_event(void *arg, const struct store_event *e)
{
	on_event(arg, e);
	return 1;
}

static void event_answer(struct http_ctx *c, const struct http_req *r, struct http_resp *a)
{
	struct ev_page p = {.c = c, .o = &a->body};
	out_open(&p.out, OUT_JSON, &p.one, c->nm);
	bool found = false;
	int rc = store_event_get(c->st, &r->ev, on_the_event, &p, &found);
	out_close(&p.out);
	obuf_release(&p.one);
	if (rc || !found) {
		if (rc)
			err(a, 500, "", "the store could not be read");
		else
			err(a, 404, "event", "event: no stored event has this key");
		return;
	}
	struct store_proof pf;
	bool has = false;
	if (store_event_proof_get(c->st, &r->ev, &pf, &has)) {
		err(a, 500, "", "the store could not be read");
		return;
	}
	/* the event's object, then its proof's members before its '}' */
	if (a->body.len && a->body.buf[a->body.len - 1] == '}')
		a->body.len--;
	char key[64], url[128];
	http_cursor_fmt(key, sizeof key, &r->ev);
	snprintf(url, sizeof url, "/api/v1/events/%s/record.mrt", key);
	out_proof_json(&a->body, has ? &pf : NULL, url);
	obuf_putc(&a->body, '}');
	if (has)
		store_proof_release(&pf);
}

static void record_answer(struct http_ctx *c, const struct http_req *r, struct http_resp *a)
{
	struct store_proof pf;
	bool has = false;
	if (store_event_proof_get(c->st, &r->ev, &pf, &has)) {
		err(a, 500, "", "the store could not be read");
		return;
	}
	if (!has || !pf.rec)
		err(a, 404, "event", has ? "event: no single record proves this event (its proof says why)"
					 : "event: no proof is stored for this key");
	else
		obuf_write(&a->body, pf.rec, pf.len);
	if (has)
		store_proof_release(&pf);
}

static void events_answer(struct http_ctx *c, const struct http_req *r, struct http_resp *a, uint32_t clock)
{
	uint32_t from, to;
	if (ev_window(r, clock, a, &from, &to))
		return;
	struct store_ev_query q = {
		.all_origins = !http_has(r, HTTP_P_ORIGIN),
		.origin = r->origin,
		.from = from,
		.to = to - 1,
		.types = r->types,
		.has_upstream = http_has(r, HTTP_P_UPSTREAM),
		.upstream = r->upstream,
		.prefix = http_has(r, HTTP_P_PREFIX) ? &r->pfx : NULL,
		.collector = http_has(r, HTTP_P_COLLECTOR) ? r->collector : NULL,
	};
	obuf_putc(&a->body, '{');
	if (events_members(c, r, &q, a)) {
		store_failed(a);
		return;
	}
	obuf_puts(&a->body, "}\n");
}

/* ---------------------------------------------------------------- prefixes, search */

int http_pair_add(void *arg, uint32_t asn, uint32_t t)
{
	struct http_pairs *p = arg;
	rw_vec_grow(&p->v, &p->cap, (size_t)p->n + 1, sizeof *p->v, UINT32_MAX, RW_MEM_OUT);
	p->v[p->n][0] = asn;
	p->v[p->n][1] = t;
	p->n++;
	return 0;
}

static void pairs_names(struct http_ctx *c, const struct http_pairs *p)
{
	for (uint32_t i = 0; i < p->n; i++)
		names_for(c, &p->v[i][0], 1);
}

static void prefix_answer(struct http_ctx *c, const struct http_req *r, struct http_resp *a, uint32_t clock)
{
	uint32_t from, to;
	if (ev_window(r, clock, a, &from, &to))
		return;
	struct http_pairs po = {0};
	if (store_prefix_origin_list(c->st, r->pfx_text, HTTP_MAX_LIMIT, http_pair_add, &po)) {
		store_failed(a);
		goto out;
	}
	pairs_names(c, &po);
	struct obuf *o = &a->body;
	obuf_puts(o, "{\"prefix\":\"");
	obuf_puts(o, r->pfx_text);
	obuf_puts(o, "\",\"origins\":");
	out_asns_json(o, c->nm, (const uint32_t(*)[2])po.v, po.n, "first_seen");
	obuf_putc(o, ',');
	struct store_ev_query q = {.all_origins = true, .from = from, .to = to - 1, .types = r->types, .prefix = &r->pfx};
	if (events_members(c, r, &q, a)) {
		store_failed(a);
		goto out;
	}
	obuf_puts(o, "}\n");
out:
	rw_vec_free(&po.v, &po.cap, sizeof *po.v, RW_MEM_OUT);
}

static int on_name(void *arg, uint32_t asn, const char *name)
{
	(void)name; /* printed from the names, which the store's fill */
	return http_pair_add(arg, asn, 0);
}

int http_search(struct http_ctx *c, const char *q, uint32_t limit, uint32_t (**out)[2], uint32_t *nout,
		const char **kind)
{
	struct http_pairs res = {0};
	uint32_t asn;
	struct rw_prefix p;
	char pt[RW_PREFIX_STRLEN];
	int rc = 0;
	if (!parse_asn(q, &asn)) {
		*kind = "asn";
		struct store_origin og;
		bool found;
		rc = store_origin_get(c->st, asn, &og, &found);
		if (!rc && !found) /* not an origin: a network the store names */
			rc = store_names_get(c->st, c->nm, &asn, 1);
		if (!rc && (found || names_get(c->nm, asn)))
			http_pair_add(&res, asn, found ? og.first_seen : 0);
	} else if (strchr(q, '/') && !parse_prefix(q, &p)) {
		*kind = "prefix";
		p.path_id = 0;
		fmt_prefix(pt, &p);
		rc = store_prefix_origin_list(c->st, pt, limit, http_pair_add, &res);
	} else {
		*kind = "name";
		rc = store_names_search(c->st, q, limit, on_name, &res);
	}
	if (!rc)
		pairs_names(c, &res);
	if (rc || !res.n) {
		rw_vec_free(&res.v, &res.cap, sizeof *res.v, RW_MEM_OUT);
		res.v = NULL;
		res.n = 0;
	}
	*out = res.v;
	*nout = res.n;
	return rc;
}

static void search_answer(struct http_ctx *c, const struct http_req *r, struct http_resp *a)
{
	uint32_t(*res)[2] = NULL, n = 0;
	const char *kind;
	uint32_t limit = http_has(r, HTTP_P_LIMIT) && r->limit < HTTP_MAX_SEARCH ? r->limit : HTTP_MAX_SEARCH;
	if (http_search(c, r->q, limit, &res, &n, &kind)) {
		store_failed(a);
		return;
	}
	struct obuf *o = &a->body;
	obuf_puts(o, "{\"query\":");
	obuf_json_str(o, r->q, strlen(r->q));
	obuf_puts(o, ",\"kind\":\"");
	obuf_puts(o, kind);
	obuf_puts(o, "\",\"results\":");
	out_asns_json(o, c->nm, (const uint32_t(*)[2])res, n, strcmp(kind, "name") ? "first_seen" : NULL);
	obuf_puts(o, "}\n");
	struct http_pairs pr = {res, n, n};
	rw_vec_free(&pr.v, &pr.cap, sizeof *pr.v, RW_MEM_OUT);
}

/* ---------------------------------------------------------------- the saved state */

struct engine *http_state(struct http_ctx *c, int *rc)
{
	uint32_t clock = http_store_clock(c);
	*rc = 0;
	if (c->state && c->state_clock == clock)
		return c->state;
	if (c->state) {
		engine_release(c->state);
		free(c->state);
	}
	/* a writer (collect --db) checkpoints a new state: read it again,
	 * once per clock; a full table's state reads in about a second */
	c->state = store_state_of(c->st, rc);
	c->state_clock = clock;
	return c->state;
}

static void state_answer(struct http_ctx *c, const struct http_req *r, struct http_resp *a)
{
	/* the collector has its table in memory: the saved state would be a
	 * second copy of it, read on its event loop */
	if (c->live) {
		err(a, 404, "path",
		    "under collect --http the routes now are /api/v1/live/as/{asn} and /api/v1/live/prefix/{prefix}; "
		    "the saved state is served by routewatch serve");
		return;
	}
	if (r->route == HTTP_R_STATE_COUNTRY && (!c->geo || !geo_count(c->geo))) {
		err(a, 404, "cc",
		    "no network has a country: serve with --countries FILE, or --names FILE whose names end in \", CC\"");
		return;
	}
	int rc;
	struct engine *e = http_state(c, &rc);
	if (!e) {
		if (rc == RW_ENOTFOUND)
			err(a, 404, "", "the history store holds no saved state (nothing ingested yet)");
		else
			store_failed(a);
		return;
	}
	uint32_t when = c->state_clock ? c->state_clock : e->have_sec ? e->sec : 0;
	struct out out;
	out_open(&out, OUT_JSON, &a->body, c->nm);
	out.rel = c->rel;
	out.cones = c->cones;
	if (r->route == HTTP_R_STATE_AS) {
		struct rib_origin_view v;
		rib_origin_view(&e->rib, r->asn, &v);
		names_for(c, &r->asn, 1);
		for (uint32_t i = 0; i < v.nsum; i++)
			names_for(c, &v.sum[i].asn, 1);
		for (uint32_t i = 0; i < v.nup; i++)
			names_for(c, &v.up[i].asn, 1);
		out_origin(&out, &e->rib, &v, when);
		rib_origin_view_free(&v);
	} else if (r->route == HTTP_R_STATE_PREFIX) {
		struct rib_prefix_view v;
		rib_prefix_view(&e->rib, &r->pfx, &v);
		for (uint32_t i = 0; i < v.norg; i++)
			names_for(c, &v.org[i].asn, 1);
		for (uint32_t i = 0; i < v.nup; i++)
			names_for(c, &v.up[i].asn, 1);
		out_prefix(&out, &e->rib, &v, when);
		rib_prefix_view_free(&v);
	} else {
		struct det_country_views vs;
		det_country_views(&e->rib, c->geo, r->cc, &vs);
		/* a country without routes: its empty view (country --db) */
		struct det_country_view none = {.cc = r->cc, .peers_total = rib_peers_with_routes(&e->rib)};
		struct det_country_view *v = vs.n ? &vs.v[0] : &none;
		for (uint32_t i = 0; i < v->nprov; i++)
			names_for(c, &v->prov[i].asn, 1);
		for (uint32_t i = 0; i < v->nnet; i++)
			names_for(c, &v->net[i].asn, 1);
		names_for(c, v->ids, v->nids);
		out_country(&out, &e->rib, v, when);
		det_country_views_free(&vs);
	}
	out_close(&out);
}

/* ---------------------------------------------------------------- metrics */

static void metric(struct obuf *o, const char *name, const char *type, const char *help)
{
	obuf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void http_metric(struct obuf *o, const char *name, const char *type, const char *help, double v)
{
	metric(o, name, type, help);
	obuf_printf(o, "%s %.17g\n", name, v);
}

static const char *const route_label[HTTP_R_COUNT + 1] = {
	"openapi", "metrics", "as", "history", "report", "chart", "events", "prefix", "search",
	"live_as", "live_prefix", "stream", "country_history", "country_report", "country_chart",
	"state_as", "state_prefix", "state_country", "page_home", "page_search", "page_as", "page_event",
	"page_prefix", "page_country", "event", "event_record", "none",
};

static void metrics_answer(struct http_ctx *c, struct http_resp *a, uint32_t clock)
{
	struct obuf *o = &a->body;
	a->ctype = http_routes[HTTP_R_METRICS].ctype;
	metric(o, "routewatch_http_requests_total", "counter", "HTTP requests, by route (none: no route matched).");
	for (int i = 0; i <= HTTP_R_COUNT; i++)
		obuf_printf(o, "routewatch_http_requests_total{route=\"%s\"} %llu\n", route_label[i],
			    (unsigned long long)c->requests[i]);
	metric(o, "routewatch_http_responses_total", "counter", "HTTP responses, by status class.");
	for (int i = 1; i <= 5; i++)
		obuf_printf(o, "routewatch_http_responses_total{code=\"%dxx\"} %llu\n", i, (unsigned long long)c->status[i]);
	metric(o, "routewatch_http_response_bytes_total", "counter", "Bytes of response bodies sent (after gzip).");
	obuf_printf(o, "routewatch_http_response_bytes_total %llu\n", (unsigned long long)c->bytes_out);
	metric(o, "routewatch_http_gzip_responses_total", "counter", "Responses sent gzip-compressed.");
	obuf_printf(o, "routewatch_http_gzip_responses_total %llu\n", (unsigned long long)c->gzipped);
	metric(o, "routewatch_http_not_modified_total", "counter", "304 answers to If-None-Match.");
	obuf_printf(o, "routewatch_http_not_modified_total %llu\n", (unsigned long long)c->not_modified);
	metric(o, "routewatch_http_page_requests_total", "counter", "The web page's files served (/, /app.js, /app.css).");
	obuf_printf(o, "routewatch_http_page_requests_total %llu\n", (unsigned long long)c->pages);
	metric(o, "routewatch_http_cache_hits_total", "counter", "History answers served from the cache.");
	obuf_printf(o, "routewatch_http_cache_hits_total %llu\n", (unsigned long long)c->cache_hits);
	metric(o, "routewatch_http_cache_misses_total", "counter", "History answers made from the store.");
	obuf_printf(o, "routewatch_http_cache_misses_total %llu\n", (unsigned long long)c->cache_misses);
	metric(o, "routewatch_http_connections_total", "counter", "HTTP connections accepted.");
	obuf_printf(o, "routewatch_http_connections_total %llu\n", (unsigned long long)c->conns_total);
	if (c->live) {
		metric(o, "routewatch_http_streams", "gauge", "Event streams (Server-Sent Events) open.");
		obuf_printf(o, "routewatch_http_streams %u\n", c->streams);
		metric(o, "routewatch_http_events_published_total", "counter", "Events published to the streams.");
		obuf_printf(o, "routewatch_http_events_published_total %llu\n", (unsigned long long)c->published);
		metric(o, "routewatch_http_streams_slow_total", "counter",
		       "Event streams ended because the client read slower than events came.");
		obuf_printf(o, "routewatch_http_streams_slow_total %llu\n", (unsigned long long)c->streams_slow);
	}
	metric(o, "routewatch_memory_bytes", "gauge", "Bytes held, by subsystem (as --stats counts them).");
	for (int i = 0; i < RW_MEM_N; i++)
		obuf_printf(o, "routewatch_memory_bytes{subsystem=\"%s\"} %llu\n", rw_mem_name((enum rw_mem)i),
			    (unsigned long long)rw_mem_held((enum rw_mem)i));
	if (c->st) {
		metric(o, "routewatch_store_clock_seconds", "gauge",
		       "The history store's clock: every record before it is applied (Unix time).");
		obuf_printf(o, "routewatch_store_clock_seconds %u\n", clock);
		metric(o, "routewatch_store_lag_seconds", "gauge", "Seconds between now and the store's clock.");
		long lag = clock ? (long)time(NULL) - (long)clock : 0;
		obuf_printf(o, "routewatch_store_lag_seconds %ld\n", lag > 0 ? lag : 0);
	}
	metric(o, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
	obuf_printf(o, "process_resident_memory_bytes %ld\n", (long)rw_rss_bytes());
	metric(o, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
	obuf_printf(o, "process_start_time_seconds %.0f\n", c->started);
	if (c->live && c->live->metrics)
		c->live->metrics(c->live->arg, o);
}

/* ---------------------------------------------------------------- dispatch */

void http_answer(struct http_ctx *c, const struct http_req *r, struct http_resp *a)
{
	const struct http_route_def *d = &http_routes[r->route];
	a->status = 200;
	a->ctype = d->ctype;
	a->etag = d->history;
	if (d->live && !c->live) {
		err(a, 404, "path", "this route is served by routewatch collect --http only (the live state)");
		return;
	}
	/* (the stream reads no engine state: a checkpoint does not hold it up) */
	if (d->live && r->route != HTTP_R_STREAM && c->live->busy && c->live->busy(c->live->arg)) {
		err(a, 503, "", "the collector is writing a checkpoint: ask again in a second");
		return;
	}
	uint32_t clock = 0;
	if (d->history && !c->st) {
		err(a, 503, "", "no history store: start collect with --db");
		return;
	}
	if (c->st && (d->history || r->route == HTTP_R_METRICS)) {
		clock = http_store_clock(c);
		if (clock != c->no_name_clock) {
			u64map_clear(&c->no_name);
			c->no_name_clock = clock;
		}
		a->last_modified = d->history ? clock : 0;
	}
	switch (r->route) {
	case HTTP_R_OPENAPI: http_openapi(&a->body); break;
	case HTTP_R_METRICS: metrics_answer(c, a, clock); break;
	case HTTP_R_AS: as_answer(c, r, a, true); break;
	case HTTP_R_HISTORY: as_answer(c, r, a, false); break;
	case HTTP_R_REPORT:
	case HTTP_R_CHART:
	case HTTP_R_COUNTRY_REPORT:
	case HTTP_R_COUNTRY_CHART: report_answer(c, r, a, clock); break;
	case HTTP_R_COUNTRY_HISTORY: country_history_answer(c, r, a); break;
	case HTTP_R_EVENTS: events_answer(c, r, a, clock); break;
	case HTTP_R_EVENT: event_answer(c, r, a); break;
	case HTTP_R_EVENT_RECORD: record_answer(c, r, a); break;
	case HTTP_R_PREFIX: prefix_answer(c, r, a, clock); break;
	case HTTP_R_SEARCH: search_answer(c, r, a); break;
	case HTTP_R_STATE_AS:
	case HTTP_R_STATE_PREFIX:
	case HTTP_R_STATE_COUNTRY: state_answer(c, r, a); break;
	case HTTP_R_PAGE_HOME:
	case HTTP_R_PAGE_SEARCH:
	case HTTP_R_PAGE_AS:
	case HTTP_R_PAGE_EVENT:
	case HTTP_R_PAGE_PREFIX:
	case HTTP_R_PAGE_COUNTRY: http_html(c, r, a, clock); break;
	case HTTP_R_LIVE_AS: c->live->origin(c->live->arg, r->asn, &a->body); break;
	case HTTP_R_LIVE_PREFIX: c->live->prefix(c->live->arg, &r->pfx, &a->body); break;
	case HTTP_R_STREAM: /* GET is the server's (http_srv.c); HEAD: the headers */
		a->ctype = "text/event-stream; charset=utf-8";
		break;
	case HTTP_R_COUNT: err(a, 404, "path", "no such route"); break;
	}
}
