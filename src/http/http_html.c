/*
 * The web pages (http.h, docs/internals/http.md): server-rendered HTML
 * that reads like the commands' output and works without JavaScript.
 * Like the JSON answers, every page calls the functions the commands
 * call (store_history, store_events_page, report_load/report_text,
 * store_state_of + rib_origin_view, out_event) and only lays their
 * results out; /app.js (http_page.c) then adds the chart's zoom by drag
 * and keys, page swaps without reload and the live list.
 *
 *   /                home: search, the latest events, the collectors
 *   /search?q=       what /api/v1/search finds, as links
 *   /as/{asn}        an origin: chart of the window (from, to), its
 *                    upstreams' intervals as a timeline, the window's
 *                    events with permalinks, its prefixes now, the
 *                    window's report
 *   /event/{key}     one event: its sentence, its facts, its record
 *
 * Safety: every text that comes from the store or a file (AS names, a
 * collector's name, an event's detail) goes through esc(); attributes are
 * always quoted and escaped the same way. Nothing inline runs or styles:
 * the page's Content-Security-Policy (http_page_csp) allows scripts and
 * styles from /app.js and /app.css only, and the timeline is SVG
 * geometry (attributes, not style).
 */
#include "http.h"
#include "../detect/det.h"
#include "../geo/geo.h"
#include "../out/out.h"
#include "../report/report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define HTML "text/html; charset=utf-8"
#define HOME_EVENTS 20     /* the latest events on the home page */
#define PAGE_EVENTS 100    /* events per page of an origin's window */
#define PAGE_PREFIXES 500  /* prefixes listed on an origin's page */

/* ---------------------------------------------------------------- text */

static void esc_n(struct obuf *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': obuf_puts(o, "&amp;"); break;
		case '<': obuf_puts(o, "&lt;"); break;
		case '>': obuf_puts(o, "&gt;"); break;
		case '"': obuf_puts(o, "&quot;"); break;
		case '\'': obuf_puts(o, "&#39;"); break;
		default: obuf_putc(o, s[i]);
		}
	}
}

static void esc(struct obuf *o, const char *s)
{
	esc_n(o, s ? s : "", s ? strlen(s) : 0);
}

static void put_time(struct obuf *o, uint32_t t)
{
	char b[32];
	size_t n = fmt_time_rfc3339(b, t);
	obuf_puts(o, "<time datetime=\"");
	obuf_putsn(o, b, n);
	obuf_puts(o, "\">");
	/* 2017-10-01T09:07:51Z reads as 2017-10-01 09:07:51 UTC */
	if (n == 20) {
		b[10] = ' ';
		obuf_putsn(o, b, 19);
		obuf_puts(o, " UTC");
	} else {
		obuf_putsn(o, b, n);
	}
	obuf_puts(o, "</time>");
}

/* The same time for a URL's query (from=, to=): 2017-10-01T09:07:51Z. */
static void put_qtime(struct obuf *o, uint32_t t)
{
	char b[32];
	obuf_putsn(o, b, fmt_time_rfc3339(b, t));
}

/* A link to an origin's page, its name beside it. */
static void as_link(struct http_ctx *c, struct obuf *o, uint32_t asn)
{
	http_names_for(c, &asn, 1);
	obuf_printf(o, "<a href=\"/as/%u\">AS%u</a>", asn, asn);
	const char *n = names_get(c->nm, asn);
	if (n) {
		obuf_puts(o, " <span class=\"name\">");
		esc(o, n);
		obuf_puts(o, "</span>");
	}
}

/* A link to a prefix's page (its text, fmt_prefix's). */
static void pfx_link(struct obuf *o, const char *pt)
{
	obuf_puts(o, "<a href=\"/prefix/");
	esc(o, pt);
	obuf_puts(o, "\">");
	esc(o, pt);
	obuf_puts(o, "</a>");
}

/* A link to a country's page. */
static void cc_link(struct obuf *o, uint16_t cc)
{
	char s[3];
	geo_cc_str(cc, s);
	obuf_printf(o, "<a href=\"/country/%s\">country %s</a>", s, s);
}

static void head(struct http_ctx *c, struct obuf *o, const char *title_a, const char *title_b, const char *page)
{
	obuf_puts(o, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	esc(o, title_a);
	if (title_b && *title_b) {
		obuf_putc(o, ' ');
		esc(o, title_b);
	}
	obuf_puts(o, " - routewatch</title>\n<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n"
		     "<link rel=\"stylesheet\" href=\"/app.css\">\n"
		     "<script src=\"/app.js\" defer></script>\n</head><body data-page=\"");
	obuf_puts(o, page);
	/* the event types, for the live list: an EventSource hears only the
	 * event names it listens to, and the stream names each by its type */
	obuf_puts(o, "\" data-types=\"");
	esc(o, det_type_list());
	/* collect --http has the event stream; serve has none (the script
	 * then asks for nothing, so no request fails) */
	if (c->live)
		obuf_puts(o, "\" data-live=\"1");
	obuf_puts(o, "\">\n<a class=\"skip\" href=\"#main\">Skip to the content</a>\n"
		     "<header><nav aria-label=\"site\"><a href=\"/\" class=\"brand\">routewatch</a></nav>\n"
		     "<form role=\"search\" action=\"/search\" method=\"get\">"
		     "<label for=\"q\">Search</label> <input id=\"q\" name=\"q\" type=\"search\" required"
		     " placeholder=\"AS number, prefix or name\" autocomplete=\"off\">"
		     " <button type=\"submit\">Search</button></form></header>\n<main id=\"main\" tabindex=\"-1\">\n");
}

static void foot(struct obuf *o, uint32_t clock)
{
	obuf_puts(o, "</main>\n<footer><p>History store at ");
	if (clock)
		put_time(o, clock);
	else
		obuf_puts(o, "no clock yet");
	obuf_puts(o, ". <a href=\"/api/v1/openapi.json\">JSON API</a> &middot; <a href=\"/metrics\">metrics</a></p>"
		     "</footer>\n</body></html>\n");
}

/* ---------------------------------------------------------------- events */

struct ev_rows {
	struct http_ctx *c;
	struct obuf *o;
	uint32_t n;
	/* the home page keeps the last rows only: a ring of rendered rows */
	struct obuf *ring;
	uint32_t nring, head;
	uint64_t seen;
	bool with_origin; /* rows with the origin's column (no ring) */
	bool more;        /* stopped at a limit */
};

static void ev_key_text(char *b, size_t n, const struct store_event *e)
{
	struct store_ev_key k;
	store_ev_key_of(e, &k);
	http_cursor_fmt(b, n, &k);
}

/* One event as a table row: time (the permalink), type, origin,
 * upstream, prefixes (the first few). */
static void ev_row(struct ev_rows *p, struct obuf *o, const struct store_event *e, bool with_origin)
{
	char key[64];
	ev_key_text(key, sizeof key, e);
	obuf_printf(o, "<tr data-key=\"%s\" data-type=\"%s\"><td><a href=\"/event/%s\">", key,
		    det_type_name((enum det_type)e->type), key);
	put_time(o, e->time);
	obuf_puts(o, "</a></td><td>");
	obuf_puts(o, det_type_name((enum det_type)e->type));
	obuf_puts(o, "</td>");
	/* a country's events keep its code where an origin's keep the ASN
	 * (docs/events.md §14), and their upstream is its provider */
	bool country = e->type == DET_COUNTRY_GAINED || e->type == DET_COUNTRY_LOST;
	if (with_origin) {
		obuf_puts(o, "<td>");
		if (country)
			cc_link(o, (uint16_t)e->origin);
		else if (e->has_origin)
			as_link(p->c, o, e->origin);
		obuf_puts(o, "</td>");
	}
	obuf_puts(o, "<td>");
	if ((e->type == DET_UPSTREAM_GAINED || e->type == DET_UPSTREAM_LOST || country) && e->upstream)
		as_link(p->c, o, e->upstream);
	else if (e->type == DET_COLLECTOR_GAP)
		esc(o, e->collector);
	obuf_puts(o, "</td><td class=\"pfx\">");
	const char *s = e->prefixes ? e->prefixes : "";
	size_t len = strlen(s), cut = len;
	int words = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ' ' && ++words == 4) {
			cut = i;
			break;
		}
	esc_n(o, s, cut);
	if (cut < len)
		obuf_puts(o, " &hellip;");
	obuf_puts(o, "</td></tr>\n");
}

static int on_row(void *arg, const struct store_event *e)
{
	struct ev_rows *p = arg;
	p->n++;
	if (!p->ring) {
		ev_row(p, p->o, e, p->with_origin);
		return 0;
	}
	struct obuf *slot = &p->ring[p->head];
	if (!slot->buf)
		obuf_init_mem(slot, 512);
	obuf_reset(slot);
	ev_row(p, slot, e, true);
	p->head = (p->head + 1) % p->nring;
	p->seen++;
	return 0;
}

static void ev_table_head(struct obuf *o, const char *caption, bool with_origin, const char *tbody_id)
{
	obuf_puts(o, "<div class=\"scroll\"><table class=\"events\"><caption>");
	obuf_puts(o, caption);
	obuf_puts(o, "</caption>\n<thead><tr><th scope=\"col\">time (permalink)</th><th scope=\"col\">type</th>");
	if (with_origin)
		obuf_puts(o, "<th scope=\"col\">origin</th>");
	obuf_printf(o, "<th scope=\"col\">upstream</th><th scope=\"col\">prefixes</th></tr></thead>\n<tbody id=\"%s\">\n",
		    tbody_id);
}

/* ---------------------------------------------------------------- home */

static int on_coll(void *arg, const struct store_coll *cl)
{
	void **v = arg;
	struct obuf *o = v[0];
	uint32_t clock = *(uint32_t *)v[1];
	obuf_puts(o, "<tr><td>");
	esc(o, cl->name);
	obuf_printf(o, "</td><td>%u</td><td>", cl->files);
	put_time(o, cl->newest);
	obuf_puts(o, "</td><td>");
	if (clock >= cl->newest) {
		uint32_t age = clock - cl->newest;
		if (age < 3600)
			obuf_printf(o, "%u min", age / 60);
		else if (age < 2 * 86400)
			obuf_printf(o, "%.1f h", age / 3600.0);
		else
			obuf_printf(o, "%u days", age / 86400);
	}
	obuf_puts(o, "</td><td>");
	if (cl->ingested > 0 && cl->ingested <= UINT32_MAX)
		put_time(o, (uint32_t)cl->ingested);
	obuf_puts(o, "</td></tr>\n");
	return 0;
}

/* Under collect --http: the collectors the running collector knows (its
 * BGP sessions' and BMP routers'), their peers and routes now. */
static void live_collectors(struct http_ctx *c, struct http_resp *a, struct obuf *o)
{
	a->live = true;
	obuf_puts(o, "<h3 id=\"live-coll-h\">The collector's sessions now</h3>\n");
	if (!c->live->engine || (c->live->busy && c->live->busy(c->live->arg))) {
		obuf_puts(o, "<p>The collector is saving a checkpoint: reload in a moment.</p>\n");
		return;
	}
	const struct engine *e = c->live->engine(c->live->arg);
	const struct rib *rb = &e->rib;
	obuf_puts(o, "<div class=\"scroll\"><table><caption>The collectors of the running collector (its BGP sessions, "
		     "each BMP router), their peers and routes now</caption>\n<thead><tr><th scope=\"col\">collector</th>"
		     "<th scope=\"col\">peers</th><th scope=\"col\">peers with routes</th><th scope=\"col\">routes</th>"
		     "</tr></thead>\n<tbody id=\"live-collectors\">\n");
	for (uint32_t i = 0; i < rb->ncoll; i++) {
		const struct rib_collector *cl = &rb->coll[i];
		uint32_t with = 0;
		uint64_t routes = 0;
		for (uint32_t j = 0; j < cl->npeers; j++) {
			const struct rib_peer *pe = &rb->peer[cl->peers[j]];
			with += pe->nroutes > 0;
			routes += pe->nroutes;
		}
		obuf_puts(o, "<tr><td>");
		esc(o, cl->name);
		obuf_printf(o, "</td><td>%u</td><td>%u</td><td>%" PRIu64 "</td></tr>\n", cl->npeers, with, routes);
	}
	obuf_puts(o, "</tbody></table></div>\n");
	if (!rb->ncoll)
		obuf_puts(o, "<p>No collector yet.</p>\n");
}

static int home(struct http_ctx *c, struct http_resp *a, uint32_t clock)
{
	struct obuf *o = &a->body;
	head(c, o, "routewatch", "", "home");
	obuf_puts(o, "<h1>routewatch</h1>\n<p>Who carries each network's routes, and when that changed: search an AS "
		     "number, a prefix or a network's name above.</p>\n");

	/* the latest events: the last HOME_EVENTS of the 30 days before the
	 * clock, read backwards (store_events_latest), shown newest first */
	struct obuf ring[HOME_EVENTS];
	memset(ring, 0, sizeof ring);
	struct ev_rows p = {.c = c, .o = o, .ring = ring, .nring = HOME_EVENTS};
	uint32_t to = clock ? clock : 1, from = to > 30 * 86400 ? to - 30 * 86400 : 0;
	int rc = clock ? store_events_latest(c->st, from, to - 1, HOME_EVENTS, on_row, &p) : 0;
	uint32_t k = p.seen < HOME_EVENTS ? (uint32_t)p.seen : HOME_EVENTS;
	obuf_puts(o, "<section aria-labelledby=\"latest-h\"><h2 id=\"latest-h\">Latest events</h2>\n");
	if (!rc && k) {
		obuf_printf(o, "<p>The last %u events before the store's clock, newest first.</p>\n", k);
	}
	ev_table_head(o, "Latest events", true, "events");
	for (uint32_t i = 0; i < k; i++) {
		uint32_t at = (p.head + HOME_EVENTS - 1 - i) % HOME_EVENTS;
		obuf_putsn(o, ring[at].buf, ring[at].len);
	}
	obuf_puts(o, "</tbody></table></div>\n");
	if (!k)
		obuf_puts(o, "<p>No events in the 30 days before the store's clock.</p>\n");
	obuf_puts(o, "<section id=\"live\" hidden aria-live=\"polite\"><h3>Live</h3><p>Events as the collector "
		     "determines them are added to the table above.</p></section>\n</section>\n");
	for (int i = 0; i < HOME_EVENTS; i++)
		obuf_release(&ring[i]);
	if (rc)
		return rc;

	obuf_puts(o, "<section aria-labelledby=\"coll-h\"><h2 id=\"coll-h\">Collectors</h2>\n"
		     "<div class=\"scroll\"><table><caption>The collectors whose files were read, and how fresh "
		     "each is</caption>\n<thead><tr><th scope=\"col\">collector</th><th scope=\"col\">files</th>"
		     "<th scope=\"col\">newest file from</th><th scope=\"col\">behind the clock</th>"
		     "<th scope=\"col\">last read</th></tr></thead>\n<tbody id=\"collectors\">\n");
	void *arg[2] = {o, &clock};
	size_t before = o->len;
	if ((rc = store_collectors(c->st, on_coll, arg)))
		return rc;
	bool none = o->len == before;
	obuf_puts(o, "</tbody></table></div>\n");
	if (none && !c->live)
		obuf_puts(o, "<p>No archived file was read into this store.</p>\n");
	if (c->live)
		live_collectors(c, a, o);
	obuf_puts(o, "</section>\n");
	foot(o, clock);
	return 0;
}

/* ---------------------------------------------------------------- search */

static int search(struct http_ctx *c, const struct http_req *r, struct http_resp *a, uint32_t clock)
{
	struct obuf *o = &a->body;
	if (!http_has(r, HTTP_P_Q)) { /* (q= empty is the router's 400) */
		a->status = 400;
		head(c, o, "Search", "", "search");
		obuf_puts(o, "<h1>Search</h1>\n<p>Give an AS number, a prefix or part of a network's name in the box "
			     "above.</p>\n");
		foot(o, clock);
		return 0;
	}
	head(c, o, "Search:", r->q, "search");
	uint32_t(*res)[2] = NULL, n = 0;
	const char *kind;
	int rc = http_search(c, r->q, HTTP_MAX_SEARCH, &res, &n, &kind);
	if (rc)
		return rc;
	obuf_puts(o, "<h1>Search: ");
	esc(o, r->q);
	obuf_printf(o, "</h1>\n<p>%u %s by %s.</p>\n", n, n == 1 ? "network" : "networks",
		    !strcmp(kind, "asn") ? "AS number" : !strcmp(kind, "prefix") ? "prefix (its origins)" : "name");
	struct rw_prefix sp;
	if (!strcmp(kind, "prefix") && strchr(r->q, '/') && !parse_prefix(r->q, &sp)) {
		char pt[RW_PREFIX_STRLEN];
		sp.path_id = 0;
		fmt_prefix(pt, &sp);
		obuf_puts(o, "<p id=\"prefix-result\">The prefix's page: ");
		pfx_link(o, pt);
		obuf_puts(o, "</p>\n");
	}
	uint16_t scc = geo_cc_parse(r->q, strlen(r->q));
	if (scc && c->geo && geo_count(c->geo)) {
		obuf_puts(o, "<p id=\"country-result\">The country's page: ");
		cc_link(o, scc);
		obuf_puts(o, "</p>\n");
	}
	obuf_puts(o, "<ul id=\"results\">\n");
	for (uint32_t i = 0; i < n; i++) {
		obuf_puts(o, "<li>");
		as_link(c, o, res[i][0]);
		if (res[i][1]) {
			obuf_puts(o, ", first seen ");
			put_time(o, res[i][1]);
		}
		obuf_puts(o, "</li>\n");
	}
	obuf_puts(o, "</ul>\n");
	free(res);
	foot(o, clock);
	return 0;
}

/* ---------------------------------------------------------------- an origin */

/* The upstreams' intervals as a timeline: one row per upstream, a bar
 * per interval, drawn in SVG geometry over [first seen, clock]. */
/* The window's report as text under the events (lr: report_load's result;
 * d is freed). 0, or lr when the report failed other than not found. */
static int put_report(struct http_ctx *c, struct obuf *o, int lr, struct report_data *d)
{
	if (!lr) {
		size_t n;
		uint32_t *asns = report_asns(d, &n);
		http_names_for(c, asns, n);
		free(asns);
		struct obuf t = {0};
		obuf_init_mem(&t, 4096);
		report_text(d, c->nm, &t);
		obuf_puts(o, "<h3>Report of the window</h3>\n<pre id=\"report\">");
		esc_n(o, t.buf ? t.buf : "", t.len);
		obuf_puts(o, "</pre>\n");
		obuf_release(&t);
	}
	report_data_free(d);
	return lr && lr != RW_ENOTFOUND ? lr : 0;
}

static void timeline(struct http_ctx *c, struct obuf *o, const struct store_history *h,
		     const struct store_upstream *u, size_t nu, uint32_t clock)
{
	uint32_t t0 = h->first_seen, t1 = clock > t0 ? clock : t0 + 1;
	for (size_t i = 0; i < h->niv; i++)
		if (h->iv[i].start < t0)
			t0 = h->iv[i].start;
	const double W = 1000, L = 0, row = 22;
	double span = (double)(t1 - t0);
	obuf_printf(o, "<figure class=\"timeline\"><svg id=\"timeline\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		       "aria-labelledby=\"tl-cap\" preserveAspectRatio=\"none\" data-from=\"%u\" data-to=\"%u\">\n",
		    W, row * (double)(nu ? nu : 1), t0, t1);
	for (size_t j = 0; j < nu; j++) {
		for (size_t i = u[j].i0; i < u[j].i0 + u[j].n; i++) {
			const struct store_interval *iv = &h->iv[i];
			uint32_t e = iv->end ? iv->end : t1;
			double x = L + (W - L) * (double)(iv->start - t0) / span;
			double w = (W - L) * (double)(e - iv->start) / span;
			obuf_printf(o, "<rect class=\"iv c%zu\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" "
				       "data-upstream=\"%u\" data-start=\"%u\" data-end=\"%u\"><title>AS%u ",
				    j % 8, x, row * (double)j + 3, w < 1 ? 1 : w, row - 6, u[j].asn, iv->start, iv->end,
				    u[j].asn);
			char b[32];
			obuf_putsn(o, b, fmt_time_rfc3339(b, iv->start));
			obuf_puts(o, " to ");
			if (iv->end)
				obuf_putsn(o, b, fmt_time_rfc3339(b, iv->end));
			else
				obuf_puts(o, "now");
			obuf_puts(o, "</title></rect>\n");
		}
	}
	obuf_puts(o, "</svg><figcaption id=\"tl-cap\">Each upstream's intervals from ");
	put_time(o, t0);
	obuf_puts(o, " to ");
	put_time(o, t1);
	obuf_puts(o, ", one row per upstream in the table's order.</figcaption></figure>\n");
	obuf_puts(o, "<div class=\"scroll\"><table id=\"intervals\"><caption>Upstream intervals</caption>\n"
		     "<thead><tr><th scope=\"col\">upstream</th><th scope=\"col\">from</th><th scope=\"col\">to</th>"
		     "<th scope=\"col\">mean share</th></tr></thead>\n<tbody>\n");
	for (size_t j = 0; j < nu; j++) {
		for (size_t i = u[j].i0; i < u[j].i0 + u[j].n; i++) {
			const struct store_interval *iv = &h->iv[i];
			obuf_printf(o, "<tr data-upstream=\"%u\"><td><span class=\"key c%zu\" aria-hidden=\"true\"></span>",
				    u[j].asn, j % 8);
			as_link(c, o, u[j].asn);
			obuf_puts(o, "</td><td>");
			put_time(o, iv->start);
			obuf_puts(o, "</td><td>");
			if (iv->end)
				put_time(o, iv->end);
			else
				obuf_puts(o, "now");
			obuf_printf(o, "</td><td>%.0f%%</td></tr>\n", 100 * store_interval_mean(iv, clock));
		}
	}
	obuf_puts(o, "</tbody></table></div>\n");
}

/* The origin's prefixes, their upstreams and visibility: the collector's
 * routes now under collect --http (live/'s engine, on the loop's thread
 * where it runs), else the store's saved state. */
static void prefixes(struct http_ctx *c, struct http_resp *a, struct obuf *o, uint32_t asn)
{
	obuf_puts(o, "<section aria-labelledby=\"pfx-h\"><h2 id=\"pfx-h\">Prefixes now</h2>\n");
	struct engine *e;
	uint32_t when;
	if (c->live) {
		a->live = true; /* the table now: not cached with the store's clock */
		if (!c->live->engine || (c->live->busy && c->live->busy(c->live->arg))) {
			obuf_printf(o, "<p>The collector is saving a checkpoint: reload in a moment for its routes now, or "
				       "read them <a href=\"/api/v1/live/as/%u\">as JSON</a>.</p>\n</section>\n", asn);
			return;
		}
		e = c->live->engine(c->live->arg);
		when = e->have_sec ? e->sec : 0;
		obuf_puts(o, "<p id=\"prefixes-live\">The collector's routes now");
	} else {
		int rc;
		e = http_state(c, &rc);
		if (!e) {
			obuf_puts(o, rc == RW_ENOTFOUND ? "<p>The store holds no saved state.</p>\n"
							: "<p>The saved state could not be read (the server's log says why).</p>\n");
			obuf_puts(o, "</section>\n");
			return;
		}
		when = c->state_clock;
		obuf_puts(o, "<p>From the store's saved state");
	}
	struct rib_origin_view v;
	rib_origin_view(&e->rib, asn, &v);
	if (when) {
		obuf_puts(o, " at ");
		put_time(o, when);
	}
	obuf_printf(o, ": %u prefixes; visibility is the peers with a route for the prefix, of the %u peers with any "
		       "route.</p>\n",
		    v.npfx, v.peers_total);
	obuf_puts(o, "<div class=\"scroll\"><table id=\"prefixes\"><caption>Prefixes, their upstreams and "
		     "visibility</caption>\n<thead><tr><th scope=\"col\">prefix</th><th scope=\"col\">upstreams "
		     "(peers)</th><th scope=\"col\">visibility</th></tr></thead>\n<tbody>\n");
	for (uint32_t i = 0; i < v.npfx && i < PAGE_PREFIXES; i++) {
		const struct rib_pfx_view *p = &v.pfx[i];
		char pt[RW_PREFIX_STRLEN];
		fmt_prefix(pt, &e->rib.pfx[p->pfx].p);
		obuf_puts(o, "<tr><td>");
		pfx_link(o, pt);
		obuf_puts(o, "</td><td>");
		for (uint32_t j = 0; j < p->nup; j++) {
			const struct rib_up_view *up = &v.up[p->up_off + j];
			if (j)
				obuf_puts(o, ", ");
			if (up->asn)
				as_link(c, o, up->asn);
			else
				obuf_puts(o, "direct");
			obuf_printf(o, " (%u)", up->peers);
		}
		obuf_printf(o, "</td><td>%u of %u peers</td></tr>\n", p->peers, v.peers_total);
	}
	obuf_puts(o, "</tbody></table></div>\n");
	if (v.npfx > PAGE_PREFIXES)
		obuf_printf(o, "<p>The first %u of %u; <a href=\"/api/v1/%s/as/%u\">all of them as JSON</a>.</p>\n",
			    PAGE_PREFIXES, v.npfx, c->live ? "live" : "state", asn);
	obuf_puts(o, "</section>\n");
	rib_origin_view_free(&v);
}

/* A link to a page (base: "/as/131279", "/country/KP") for [from, to). */
static void win_link_at(struct obuf *o, const char *base, uint32_t from, uint32_t to, const char *cls,
			const char *text)
{
	obuf_printf(o, "<a class=\"%s\" href=\"", cls);
	esc(o, base);
	obuf_puts(o, "?from=");
	put_qtime(o, from);
	obuf_puts(o, "&amp;to=");
	put_qtime(o, to);
	obuf_printf(o, "\" data-from=\"%u\" data-to=\"%u\">%s</a>", from, to, text);
}

/* The window's links: earlier, zoom in and out, later, the last day. */
static void win_nav(struct obuf *o, const char *base, uint32_t from, uint32_t to, uint32_t clock)
{
	uint32_t span = to - from, mid = from + span / 2;
	uint32_t zi0 = mid - span / 4, zi1 = zi0 + (span / 2 ? span / 2 : 1);
	uint32_t zo0 = from > span / 2 ? from - span / 2 : 0;
	uint32_t zo1 = to + span / 2 < to || to + span / 2 - zo0 > HTTP_MAX_WINDOW ? zo0 + HTTP_MAX_WINDOW : to + span / 2;
	uint32_t e0 = from > span / 2 ? from - span / 2 : 0;
	uint32_t l1 = to + span / 2 < to ? UINT32_MAX : to + span / 2;
	obuf_puts(o, "<nav class=\"zoom\" aria-label=\"the window\">");
	win_link_at(o, base, e0, e0 + span, "win", "&larr; earlier");
	obuf_putc(o, ' ');
	win_link_at(o, base, zi0, zi1, "win", "zoom in");
	obuf_putc(o, ' ');
	win_link_at(o, base, zo0, zo1, "win", "zoom out");
	obuf_putc(o, ' ');
	win_link_at(o, base, l1 - span, l1, "win", "later &rarr;");
	obuf_putc(o, ' ');
	uint32_t ld = clock > 86401 ? clock - 1 : 86400;
	win_link_at(o, base, ld - 86400, ld, "win", "the last day");
	obuf_puts(o, "</nav>\n");
}

/* The window of a page: the def seconds before the clock unless given;
 * one that is empty or too long is the default's. */
static void page_window(const struct http_req *r, uint32_t clock, uint32_t def, uint32_t *from, uint32_t *to)
{
	*to = http_has(r, HTTP_P_TO) ? r->to : clock > 0 ? clock - 1 : 0;
	*from = http_has(r, HTTP_P_FROM) ? r->from : *to > def ? *to - def : 0;
	if (*from >= *to || *to - *from > HTTP_MAX_WINDOW) {
		*from = *to > def ? *to - def : 0;
		if (*from >= *to)
			*to = *from + 1;
	}
}

/* A link to the origin's page for [from, to). */
static void win_link(struct obuf *o, uint32_t asn, uint32_t from, uint32_t to, const char *cls, const char *text)
{
	obuf_printf(o, "<a class=\"%s\" href=\"/as/%u?from=", cls, asn);
	put_qtime(o, from);
	obuf_puts(o, "&amp;to=");
	put_qtime(o, to);
	obuf_printf(o, "\" data-from=\"%u\" data-to=\"%u\">%s</a>", from, to, text);
}

static int origin(struct http_ctx *c, const struct http_req *r, struct http_resp *a, uint32_t clock)
{
	struct obuf *o = &a->body;
	struct store_history h;
	int rc = store_history(c->st, r->asn, &h);
	if (rc || !h.found) {
		store_history_free(&h);
		if (rc)
			return rc;
		a->status = 404;
		char t[32];
		snprintf(t, sizeof t, "AS%u", r->asn);
		head(c, o, t, "not found", "error");
		obuf_printf(o, "<h1>AS%u is not in the history store</h1>\n<p>Search for another network above.</p>\n",
			    r->asn);
		foot(o, clock);
		return 0;
	}
	size_t nu;
	struct store_upstream *u = store_history_upstreams(&h, &nu);
	http_names_for(c, &r->asn, 1);
	const char *name = names_get(c->nm, r->asn);
	char title[32];
	snprintf(title, sizeof title, "AS%u", r->asn);
	head(c, o, title, name, "origin");

	/* the window: report's (the day before the clock) unless given */
	uint32_t from, to;
	page_window(r, clock, 86400, &from, &to);
	bool down = false;
	uint32_t since = 0;
	if ((rc = store_origin_down_at(c->st, r->asn, clock ? clock : UINT32_MAX, &down, &since)))
		goto out;
	obuf_printf(o, "<h1 id=\"origin-title\" data-asn=\"%u\">AS%u", r->asn, r->asn);
	if (name) {
		obuf_putc(o, ' ');
		esc(o, name);
	}
	obuf_puts(o, "</h1>\n<p id=\"origin-facts\">");
	obuf_printf(o, "%u prefixes and %u routes at the store's clock; ", h.prefixes, h.routes);
	if (down) {
		obuf_puts(o, "<strong>down</strong> since ");
		put_time(o, since);
		obuf_puts(o, "; ");
	}
	obuf_puts(o, "first seen ");
	put_time(o, h.first_seen);
	obuf_printf(o, "; %zu upstreams ever", nu);
	uint16_t occ = c->geo ? geo_get(c->geo, r->asn) : 0;
	if (occ) {
		obuf_puts(o, "; registered in ");
		cc_link(o, occ);
	}
	obuf_puts(o, ".</p>\n");

	/* the window: chart, zoom, events, report (app.js swaps this
	 * section for the one of the new window) */
	obuf_printf(o, "<section id=\"window\" aria-labelledby=\"win-h\" data-asn=\"%u\" data-from=\"%u\" data-to=\"%u\">\n"
		       "<h2 id=\"win-h\">From ", r->asn, from, to);
	put_time(o, from);
	obuf_puts(o, " to ");
	put_time(o, to);
	obuf_puts(o, "</h2>\n");
	char base[32];
	snprintf(base, sizeof base, "/as/%u", r->asn);
	win_nav(o, base, from, to, clock);
	obuf_printf(o, "<figure class=\"chart\"><img id=\"chart\" src=\"/api/v1/as/%u/chart.svg?from=", r->asn);
	put_qtime(o, from);
	obuf_puts(o, "&amp;to=");
	put_qtime(o, to);
	obuf_printf(o, "\" width=\"%d\" height=\"%d\" data-x0=\"%d\" data-x1=\"%d\" tabindex=\"0\" "
		       "alt=\"Each upstream's share of the origin's routes in the window, outages shaded; the report below "
		       "says the same in words\">"
		       "<figcaption>Drag across the chart, or use the arrow keys and + and -, to change the window "
		       "(with JavaScript); the links above do the same.</figcaption></figure>\n",
		    REPORT_SVG_W, REPORT_SVG_H, REPORT_SVG_X0, REPORT_SVG_X1);

	/* the window's events, a page at a time */
	struct ev_rows p = {.c = c, .o = o};
	struct store_ev_query q = {.origin = r->asn, .from = from, .to = to - 1, .limit = PAGE_EVENTS,
				   .scan_max = HTTP_SCAN_MAX, .after = http_has(r, HTTP_P_CURSOR) ? &r->cursor : NULL};
	obuf_puts(o, "<h3 id=\"events-h\">Events</h3>\n");
	ev_table_head(o, "The window's events; each time links to the event's page", false, "events");
	struct store_ev_page res;
	if ((rc = store_events_page(c->st, &q, on_row, &p, &res)))
		goto out;
	obuf_puts(o, "</tbody></table></div>\n");
	if (!p.n)
		obuf_puts(o, "<p>No events in this window.</p>\n");
	if (res.more) {
		char cb[64];
		http_cursor_fmt(cb, sizeof cb, &res.next);
		obuf_printf(o, "<p><a id=\"next-page\" href=\"/as/%u?from=", r->asn);
		put_qtime(o, from);
		obuf_puts(o, "&amp;to=");
		put_qtime(o, to);
		obuf_printf(o, "&amp;cursor=%s\">The next %u events</a></p>\n", cb, PAGE_EVENTS);
	}

	/* the window's report */
	struct report_data d;
	if ((rc = put_report(c, o, report_load(c->st, r->asn, from, to, &d), &d)))
		goto out;
	obuf_puts(o, "</section>\n<section id=\"live\" hidden aria-live=\"polite\"><h2>Live</h2><p>The origin's events "
		     "as the collector determines them are added to the table above.</p></section>\n");

	obuf_puts(o, "<section aria-labelledby=\"up-h\"><h2 id=\"up-h\">Upstreams and their intervals</h2>\n");
	timeline(c, o, &h, u, nu, clock);
	obuf_puts(o, "</section>\n");
	prefixes(c, a, o, r->asn);
	foot(o, clock);
out:
	free(u);
	store_history_free(&h);
	return rc;
}

/* ---------------------------------------------------------------- a prefix */

/* The prefix and its more-specifics in the saved state (prefix --db). */
static void prefix_now(struct http_ctx *c, struct http_resp *a, struct obuf *o, const struct http_req *r)
{
	obuf_puts(o, "<section aria-labelledby=\"now-h\"><h2 id=\"now-h\">Routes now</h2>\n");
	struct engine *e;
	uint32_t when;
	if (c->live) { /* the collector's table, not a second copy of it */
		a->live = true;
		if (!c->live->engine || (c->live->busy && c->live->busy(c->live->arg))) {
			obuf_printf(o, "<p>The collector is saving a checkpoint: reload in a moment for its routes now, or "
				       "read them <a href=\"/api/v1/live/prefix/%s\">as JSON</a>.</p>\n</section>\n",
				    r->pfx_text);
			return;
		}
		e = c->live->engine(c->live->arg);
		when = e->have_sec ? e->sec : 0;
		obuf_puts(o, "<p id=\"prefix-live\">The collector's routes now");
	} else {
		int rc;
		e = http_state(c, &rc);
		if (!e) {
			obuf_puts(o, rc == RW_ENOTFOUND ? "<p>The store holds no saved state.</p>\n"
							: "<p>The saved state could not be read (the server's log says why).</p>\n");
			obuf_puts(o, "</section>\n");
			return;
		}
		when = c->state_clock;
		obuf_puts(o, "<p>From the store's saved state");
	}
	struct rib_prefix_view v;
	rib_prefix_view(&e->rib, &r->pfx, &v);
	if (when) {
		obuf_puts(o, " at ");
		put_time(o, when);
	}
	obuf_printf(o, ": %u prefixes (the prefix and its more-specifics) with routes; visibility is the peers with a "
		       "route for the prefix, of the %u peers with any route.</p>\n",
		    v.npfx, v.peers_total);
	obuf_puts(o, "<div class=\"scroll\"><table id=\"prefix-now\"><caption>The prefix and its more-specifics, their "
		     "origins, upstreams and visibility</caption>\n<thead><tr><th scope=\"col\">prefix</th>"
		     "<th scope=\"col\">origin (peers)</th><th scope=\"col\">upstreams (peers)</th>"
		     "<th scope=\"col\">visibility</th></tr></thead>\n<tbody>\n");
	for (uint32_t i = 0; i < v.npfx && i < PAGE_PREFIXES; i++) {
		const struct rib_pv_prefix *p = &v.pfx[i];
		char pt[RW_PREFIX_STRLEN];
		fmt_prefix(pt, &e->rib.pfx[p->pfx].p);
		for (uint32_t k = 0; k < (p->norg ? p->norg : 1); k++) {
			obuf_puts(o, "<tr><td>");
			pfx_link(o, pt);
			obuf_puts(o, "</td><td>");
			if (!p->norg) {
				obuf_puts(o, "</td><td></td>");
			} else {
				const struct rib_pv_origin *g = &v.org[p->org_off + k];
				if (g->asn)
					as_link(c, o, g->asn);
				else
					obuf_puts(o, "none (AS_SET or empty path)");
				obuf_printf(o, " (%u)</td><td>", g->peers);
				for (uint32_t j = 0; j < g->nup; j++) {
					const struct rib_up_view *up = &v.up[g->up_off + j];
					if (j)
						obuf_puts(o, ", ");
					if (up->asn)
						as_link(c, o, up->asn);
					else
						obuf_puts(o, "direct");
					obuf_printf(o, " (%u)", up->peers);
				}
				obuf_puts(o, "</td>");
			}
			obuf_printf(o, "<td>%u of %u peers</td></tr>\n", p->peers, v.peers_total);
		}
	}
	obuf_puts(o, "</tbody></table></div>\n");
	if (v.npfx > PAGE_PREFIXES)
		obuf_printf(o, "<p>The first %u of %u; <a href=\"/api/v1/%s/prefix/%s\">all of them as JSON</a>.</p>\n",
			    PAGE_PREFIXES, v.npfx, c->live ? "live" : "state", r->pfx_text);
	if (!v.npfx)
		obuf_puts(o, "<p>No route for the prefix or a more-specific.</p>\n");
	obuf_puts(o, "</section>\n");
	rib_prefix_view_free(&v);
}

static int prefix_page(struct http_ctx *c, const struct http_req *r, struct http_resp *a, uint32_t clock)
{
	struct obuf *o = &a->body;
	head(c, o, "Prefix", r->pfx_text, "prefix");
	/* the window of /api/v1/prefix's events: the 30 days before the clock */
	uint32_t from, to;
	page_window(r, clock, 30 * 86400, &from, &to);
	obuf_puts(o, "<h1 id=\"prefix-title\" data-prefix=\"");
	esc(o, r->pfx_text);
	obuf_puts(o, "\">Prefix ");
	esc(o, r->pfx_text);
	obuf_puts(o, "</h1>\n");

	/* the origins it had (search's by prefix, /api/v1/prefix's) */
	struct http_pairs po = {0};
	int rc = store_prefix_origin_list(c->st, r->pfx_text, HTTP_MAX_LIMIT, http_pair_add, &po);
	if (rc)
		goto out;
	obuf_puts(o, "<section aria-labelledby=\"org-h\"><h2 id=\"org-h\">Its origins</h2>\n");
	if (po.n) {
		obuf_puts(o, "<p>The networks that originated the prefix in the history store, with when each was first "
			     "seen.</p>\n<ul id=\"origins\">\n");
		for (uint32_t i = 0; i < po.n; i++) {
			obuf_puts(o, "<li>");
			as_link(c, o, po.v[i][0]);
			if (po.v[i][1]) {
				obuf_puts(o, ", first seen ");
				put_time(o, po.v[i][1]);
			}
			obuf_puts(o, "</li>\n");
		}
		obuf_puts(o, "</ul>\n");
	} else {
		obuf_puts(o, "<p>The history store has no origin of this prefix.</p>\n");
	}
	obuf_puts(o, "</section>\n");
	prefix_now(c, a, o, r);

	/* its events and its more-specifics', a page at a time */
	obuf_printf(o, "<section id=\"window\" aria-labelledby=\"win-h\" data-from=\"%u\" data-to=\"%u\">\n"
		       "<h2 id=\"win-h\">Events from ", from, to);
	put_time(o, from);
	obuf_puts(o, " to ");
	put_time(o, to);
	obuf_puts(o, "</h2>\n");
	char base[RW_PREFIX_STRLEN + 16];
	snprintf(base, sizeof base, "/prefix/%s", r->pfx_text);
	win_nav(o, base, from, to, clock);
	struct ev_rows p = {.c = c, .o = o, .with_origin = true};
	struct store_ev_query q = {.all_origins = true, .prefix = &r->pfx, .from = from, .to = to - 1,
				   .limit = PAGE_EVENTS, .scan_max = HTTP_SCAN_MAX,
				   .after = http_has(r, HTTP_P_CURSOR) ? &r->cursor : NULL};
	ev_table_head(o, "The events of the prefix and its more-specifics; each time links to the event's page", true,
		      "events");
	struct store_ev_page res;
	if ((rc = store_events_page(c->st, &q, on_row, &p, &res)))
		goto out;
	obuf_puts(o, "</tbody></table></div>\n");
	if (!p.n)
		obuf_puts(o, "<p>No events in this window.</p>\n");
	if (res.more) {
		char cb[64];
		http_cursor_fmt(cb, sizeof cb, &res.next);
		obuf_puts(o, "<p><a id=\"next-page\" href=\"");
		esc(o, base);
		obuf_puts(o, "?from=");
		put_qtime(o, from);
		obuf_puts(o, "&amp;to=");
		put_qtime(o, to);
		obuf_printf(o, "&amp;cursor=%s\">The next %u events</a></p>\n", cb, PAGE_EVENTS);
	}
	obuf_puts(o, "</section>\n");
	foot(o, clock);
out:
	rw_vec_free(&po.v, &po.cap, sizeof *po.v, RW_MEM_OUT);
	return rc;
}

/* ---------------------------------------------------------------- a country */

#define PAGE_NETWORKS 200 /* networks listed on a country's page */

/* The country now, from the saved state (country --db). */
static void country_now(struct http_ctx *c, struct obuf *o, uint16_t cc)
{
	obuf_puts(o, "<section aria-labelledby=\"now-h\"><h2 id=\"now-h\">International providers now</h2>\n");
	if (c->live) {
		obuf_puts(o, "<p>The collector serves its routes now as <code>/api/v1/live/...</code>; a country's view "
			     "of them is the saved state's, served by <code>routewatch serve</code>.</p>\n</section>\n");
		return;
	}
	if (!c->geo || !geo_count(c->geo)) {
		obuf_puts(o, "<p>No network has a country: serve with <code>--countries FILE</code>, or "
			     "<code>--names FILE</code> whose names end in \", CC\".</p>\n</section>\n");
		return;
	}
	int rc;
	struct engine *e = http_state(c, &rc);
	if (!e) {
		obuf_puts(o, rc == RW_ENOTFOUND ? "<p>The store holds no saved state.</p>\n"
						: "<p>The saved state could not be read (the server's log says why).</p>\n");
		obuf_puts(o, "</section>\n");
		return;
	}
	struct det_country_views vs;
	det_country_views(&e->rib, c->geo, cc, &vs);
	const struct det_country_view *v = vs.n ? &vs.v[0] : NULL;
	obuf_puts(o, "<p>From the store's saved state at ");
	put_time(o, c->state_clock);
	if (!v) {
		obuf_puts(o, ": no route of the country's networks.</p>\n</section>\n");
		det_country_views_free(&vs);
		return;
	}
	obuf_printf(o, ": %" PRIu64 " routes of the country's networks, %" PRIu64 " of them never leave it; %u "
		       "international providers.</p>\n",
		    v->routes, v->inside, v->nprov);
	obuf_puts(o, "<div class=\"scroll\"><table id=\"providers\"><caption>International providers, their share of "
		     "the country's routes and the border networks that hand them routes</caption>\n<thead><tr>"
		     "<th scope=\"col\">provider</th><th scope=\"col\">share</th><th scope=\"col\">prefixes</th>"
		     "<th scope=\"col\">peers</th><th scope=\"col\">border networks</th></tr></thead>\n<tbody>\n");
	for (uint32_t i = 0; i < v->nprov; i++) {
		const struct det_cv_prov *p = &v->prov[i];
		obuf_printf(o, "<tr data-provider=\"%u\"><td>", p->asn);
		as_link(c, o, p->asn);
		obuf_printf(o, "</td><td>%.1f%%</td><td>%u</td><td>%u</td><td>", 100 * p->share, p->prefixes, p->peers);
		for (uint32_t j = 0; j < p->nborder; j++) {
			if (j)
				obuf_puts(o, ", ");
			as_link(c, o, v->ids[p->border + j]);
		}
		obuf_puts(o, "</td></tr>\n");
	}
	obuf_puts(o, "</tbody></table></div>\n");
	obuf_puts(o, "<h3 id=\"net-h\">Its networks</h3>\n<div class=\"scroll\"><table id=\"networks\"><caption>The "
		     "country's networks with routes, by prefixes</caption>\n<thead><tr><th scope=\"col\">network</th>"
		     "<th scope=\"col\">prefixes</th><th scope=\"col\">routes</th></tr></thead>\n<tbody>\n");
	for (uint32_t i = 0; i < v->nnet && i < PAGE_NETWORKS; i++) {
		obuf_puts(o, "<tr><td>");
		as_link(c, o, v->net[i].asn);
		obuf_printf(o, "</td><td>%u</td><td>%" PRIu64 "</td></tr>\n", v->net[i].prefixes, v->net[i].routes);
	}
	obuf_puts(o, "</tbody></table></div>\n");
	if (v->nnet > PAGE_NETWORKS)
		obuf_printf(o, "<p>The first %u of %u networks.</p>\n", PAGE_NETWORKS, v->nnet);
	obuf_puts(o, "</section>\n");
	det_country_views_free(&vs);
}

static int on_cev(void *arg, const struct store_event *e)
{
	struct ev_rows *p = arg;
	if (p->n >= HTTP_MAX_LIMIT) {
		p->more = true;
		return 1;
	}
	return on_row(arg, e);
}

static int country_page(struct http_ctx *c, const struct http_req *r, struct http_resp *a, uint32_t clock)
{
	struct obuf *o = &a->body;
	char cs[3];
	geo_cc_str(r->cc, cs);
	head(c, o, "Country", cs, "country");
	uint32_t from, to;
	page_window(r, clock, 86400, &from, &to);
	obuf_printf(o, "<h1 id=\"country-title\" data-cc=\"%s\">Country %s</h1>\n", cs, cs);
	country_now(c, o, r->cc);

	struct store_history h;
	int rc = store_country_history(c->st, r->cc, &h);
	if (rc) {
		store_history_free(&h);
		return rc;
	}
	if (!h.found) {
		obuf_printf(o, "<p id=\"country-none\">The history store has no history of country %s (ingested with "
			       "<code>--countries</code>?).</p>\n", cs);
		store_history_free(&h);
		foot(o, clock);
		return 0;
	}
	size_t nu;
	struct store_upstream *u = store_history_upstreams(&h, &nu);

	obuf_printf(o, "<section id=\"window\" aria-labelledby=\"win-h\" data-cc=\"%s\" data-base=\"/country/%s\" "
		       "data-from=\"%u\" data-to=\"%u\">\n<h2 id=\"win-h\">From ", cs, cs, from, to);
	put_time(o, from);
	obuf_puts(o, " to ");
	put_time(o, to);
	obuf_puts(o, "</h2>\n");
	char base[16];
	snprintf(base, sizeof base, "/country/%s", cs);
	win_nav(o, base, from, to, clock);
	obuf_printf(o, "<figure class=\"chart\"><img id=\"chart\" src=\"/api/v1/country/%s/chart.svg?from=", cs);
	put_qtime(o, from);
	obuf_puts(o, "&amp;to=");
	put_qtime(o, to);
	obuf_printf(o, "\" width=\"%d\" height=\"%d\" data-x0=\"%d\" data-x1=\"%d\" tabindex=\"0\" "
		       "alt=\"Each international provider's share of the country's routes in the window; the report below "
		       "says the same in words\"><figcaption>Drag across the chart, or use the arrow keys and + and -, to "
		       "change the window (with JavaScript); the links above do the same.</figcaption></figure>\n",
		    REPORT_SVG_W, REPORT_SVG_H, REPORT_SVG_X0, REPORT_SVG_X1);

	/* the window's events: country_provider_gained/lost */
	struct ev_rows p = {.c = c, .o = o, .with_origin = true};
	obuf_puts(o, "<h3 id=\"events-h\">Events</h3>\n");
	ev_table_head(o, "The country's events in the window; each time links to the event's page", true, "events");
	rc = store_country_events(c->st, r->cc, from, to - 1, on_cev, &p);
	if (rc && !p.more)
		goto out;
	rc = 0;
	obuf_puts(o, "</tbody></table></div>\n");
	if (!p.n)
		obuf_puts(o, "<p>No events in this window.</p>\n");
	if (p.more)
		obuf_printf(o, "<p>The first %u events of the window; narrow it for the rest.</p>\n", HTTP_MAX_LIMIT);

	struct report_data d;
	if ((rc = put_report(c, o, report_load_country(c->st, r->cc, from, to, &d), &d)))
		goto out;
	obuf_puts(o, "</section>\n");

	obuf_puts(o, "<section aria-labelledby=\"up-h\"><h2 id=\"up-h\">International providers and their "
		     "intervals</h2>\n");
	timeline(c, o, &h, u, nu, clock);
	obuf_puts(o, "</section>\n");
	foot(o, clock);
out:
	free(u);
	store_history_free(&h);
	return rc;
}

/* ---------------------------------------------------------------- an event */

struct one {
	struct http_ctx *c;
	struct obuf *o;
	const struct http_req *r;
};

static void fact(struct obuf *o, const char *k)
{
	obuf_puts(o, "<dt>");
	obuf_puts(o, k);
	obuf_puts(o, "</dt><dd>");
}

static int on_event(void *arg, const struct store_event *e)
{
	struct one *x = arg;
	struct obuf *o = x->o;
	struct http_ctx *c = x->c;
	uint32_t asns[2] = {e->origin, e->upstream};
	http_names_for(c, asns, e->upstream ? 2 : 1);
	struct obuf line = {0};
	obuf_init_mem(&line, 1024);
	struct out out;
	out_open(&out, OUT_TEXT, &line, c->nm);
	out_event(&out, e);
	out_close(&out);
	bool country = e->type == DET_COUNTRY_GAINED || e->type == DET_COUNTRY_LOST;
	obuf_puts(o, "<h1 id=\"event-title\">");
	obuf_puts(o, det_type_name((enum det_type)e->type));
	if (country) {
		char cc[3];
		geo_cc_str((uint16_t)e->origin, cc);
		obuf_printf(o, " of country %s", cc);
	} else if (e->has_origin) {
		obuf_printf(o, " of AS%u", e->origin);
	}
	obuf_puts(o, "</h1>\n<p id=\"event-line\">");
	size_t n = line.len;
	while (n && line.buf[n - 1] == '\n')
		n--;
	esc_n(o, line.buf ? line.buf : "", n);
	obuf_puts(o, "</p>\n<dl id=\"event-facts\">");
	fact(o, "when");
	put_time(o, e->time);
	obuf_puts(o, "</dd>");
	if (e->determined) {
		fact(o, "determined");
		put_time(o, e->determined);
		obuf_puts(o, " (when the collectors' data made it certain)</dd>");
	}
	if (e->has_origin && !country) {
		fact(o, "origin");
		as_link(c, o, e->origin);
		obuf_puts(o, "</dd>");
	}
	if ((e->type == DET_UPSTREAM_GAINED || e->type == DET_UPSTREAM_LOST || country) && e->upstream) {
		fact(o, country ? "international provider" : "upstream");
		as_link(c, o, e->upstream);
		obuf_puts(o, "</dd>");
	}
	if (e->type == DET_COLLECTOR_GAP) {
		fact(o, "collector");
		esc(o, e->collector);
		obuf_puts(o, "</dd>");
	}
	fact(o, "seen by");
	obuf_printf(o, "%u peers", e->peers);
	obuf_puts(o, "</dd>");
	fact(o, "prefixes");
	esc(o, e->prefixes);
	obuf_puts(o, "</dd></dl>\n");
	if (country) {
		char base[16], cs[3];
		geo_cc_str((uint16_t)e->origin, cs);
		snprintf(base, sizeof base, "/country/%s", cs);
		uint32_t f = e->time > 3 * 3600 ? e->time - 3 * 3600 : 0;
		obuf_puts(o, "<p>");
		win_link_at(o, base, f, f + 6 * 3600, "win", "The country's page, six hours around the event");
		obuf_puts(o, "</p>\n");
	}
	if (e->has_origin && !country) {
		uint32_t f = e->time > 3 * 3600 ? e->time - 3 * 3600 : 0;
		obuf_puts(o, "<p>");
		win_link(o, e->origin, f, f + 6 * 3600, "win", "The origin's page, six hours around the event");
		obuf_puts(o, "</p>\n");
	}
	/* the record: the stored event as events --db --json prints it */
	obuf_reset(&line);
	out_open(&out, OUT_JSON, &line, c->nm);
	out_event(&out, e);
	out_close(&out);
	obuf_puts(o, "<h2>The stored record</h2>\n<p>What the history store keeps of the event, as "
		     "<code>routewatch events --db --json</code> prints it.</p>\n"
		     "<pre id=\"event-json\">");
	n = line.len;
	while (n && line.buf[n - 1] == '\n')
		n--;
	esc_n(o, line.buf ? line.buf : "", n);
	obuf_puts(o, "</pre>\n");
	obuf_release(&line);
	return 0;
}

/* docs/events.md §15: the peer and collector that saw it first, and the
 * record that proves it (decoded by out_mrt_lines, the dump formatter),
 * or why no single record does. */
static int proof_section(struct http_ctx *c, struct obuf *o, const char *key, const struct store_ev_key *k)
{
	struct store_proof p;
	bool has = false;
	int rc = store_event_proof_get(c->st, k, &p, &has);
	if (rc)
		return rc;
	obuf_puts(o, "<section id=\"proof\" aria-labelledby=\"proof-h\"><h2 id=\"proof-h\">Seen first, and the "
		     "proof</h2>\n");
	if (!has) {
		obuf_puts(o, "<p id=\"proof-none\">The store keeps no proof of this event (it was stored before "
			     "routewatch kept them).</p>\n</section>\n");
		return 0;
	}
	obuf_puts(o, "<dl id=\"first-seen\">");
	if (*p.peer) {
		fact(o, "first seen by");
		obuf_puts(o, "peer <span id=\"first-peer\">");
		esc(o, p.peer);
		obuf_printf(o, "</span> (AS%u) of collector <span id=\"first-collector\">", p.peer_asn);
		esc(o, p.collector);
		obuf_puts(o, "</span></dd>");
		fact(o, "at");
		put_time(o, p.time);
		obuf_puts(o, "</dd>");
	}
	if (*p.file) {
		fact(o, "read from");
		obuf_puts(o, "<code>");
		esc(o, p.file);
		obuf_puts(o, "</code>");
		if (p.rec)
			obuf_printf(o, ", offset %llu (of its decompressed bytes)", (unsigned long long)p.off);
		obuf_puts(o, "</dd>");
	}
	if (*p.cause) {
		fact(o, "no single record");
		obuf_puts(o, "<span id=\"proof-cause\">");
		esc(o, p.cause);
		obuf_puts(o, "</span></dd>");
	}
	obuf_puts(o, "</dl>\n");
	if (p.rec) {
		struct obuf t = {0};
		obuf_init_mem(&t, 512);
		int n = out_mrt_lines(&t, p.rec, p.len, p.file);
		size_t len = t.len;
		while (len && t.buf[len - 1] == '\n')
			len--;
		obuf_puts(o, "<p>The record that carried the first change, as <code>routewatch dump</code> prints it "
			     "(bgpdump -m):</p>\n<pre id=\"proof-record\" tabindex=\"0\" aria-label=\"the proving record, "
			     "decoded\">");
		if (n > 0)
			esc_n(o, t.buf, len);
		else
			obuf_puts(o, "(the record does not decode)");
		obuf_release(&t);
		obuf_printf(o, "</pre>\n<p><a id=\"proof-mrt\" href=\"/api/v1/events/%s/record.mrt\" download>The record "
			       "as MRT</a> (%u bytes)</p>\n",
			    key, p.rec_len);
	}
	obuf_puts(o, "</section>\n");
	store_proof_release(&p);
	return 0;
}

static int event(struct http_ctx *c, const struct http_req *r, struct http_resp *a, uint32_t clock)
{
	struct obuf *o = &a->body;
	char key[64];
	http_cursor_fmt(key, sizeof key, &r->ev);
	head(c, o, "Event", key, "event");
	struct one x = {c, o, r};
	bool found;
	int rc = store_event_get(c->st, &r->ev, on_event, &x, &found);
	if (rc)
		return rc;
	if (!found) {
		a->status = 404;
		obuf_puts(o, "<h1>No such event</h1>\n<p>The history store has no event with the key ");
		esc(o, key);
		obuf_puts(o, ".</p>\n");
	} else if ((rc = proof_section(c, o, key, &r->ev))) {
		return rc;
	}
	foot(o, clock);
	return 0;
}

/* ---------------------------------------------------------------- dispatch */

void http_html(struct http_ctx *c, const struct http_req *r, struct http_resp *a, uint32_t clock)
{
	a->ctype = HTML;
	int rc = 0;
	switch (r->route) {
	case HTTP_R_PAGE_HOME: rc = home(c, a, clock); break;
	case HTTP_R_PAGE_SEARCH: rc = search(c, r, a, clock); break;
	case HTTP_R_PAGE_AS: rc = origin(c, r, a, clock); break;
	case HTTP_R_PAGE_EVENT: rc = event(c, r, a, clock); break;
	case HTTP_R_PAGE_PREFIX: rc = prefix_page(c, r, a, clock); break;
	case HTTP_R_PAGE_COUNTRY: rc = country_page(c, r, a, clock); break;
	default: break;
	}
	if (rc) {
		obuf_reset(&a->body);
		a->status = 500;
		head(c, &a->body, "Error", "", "error");
		obuf_puts(&a->body, "<h1>The history store could not be read</h1>\n<p>The server's log says why.</p>\n");
		foot(&a->body, clock);
	}
}
