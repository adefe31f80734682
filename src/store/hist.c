/* hist.h: intervals, shares and series from the detector's counts. */
#include "store.h"

#include <stdlib.h>

/* Room for one more (the history's vectors follow the state). */
#define GROW(arr, n, cap) rw_vec_grow(&(arr), &(cap), (size_t)(n) + 1, sizeof *(arr), UINT32_MAX, RW_MEM_STORE)

static void on_ou(void *arg, uint32_t sec, uint32_t o, uint32_t u, uint32_t before, uint32_t after);
static void on_origin(void *arg, uint32_t sec, uint32_t o, uint32_t before, uint32_t after);
static void on_end(void *arg, uint32_t sec);
static void on_po_seen(void *arg, uint32_t sec, uint32_t pfx, uint32_t origin);
static bool on_po_known(void *arg, uint32_t pfx, uint32_t origin, bool *pfx_known);
static bool edge(struct hist *h, uint32_t sec);

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof *h);
	u64map_init(&h->ou_idx, RW_MEM_STORE);
	u64map_init(&h->org_idx, RW_MEM_STORE);
	det_group_init(&h->g);
	h->hooks = (struct det_hooks){.ou = on_ou, .origin = on_origin, .end = on_end, .arg = h};
	u64map_init(&h->po_new, RW_MEM_STORE);
	u64map_init(&h->asks, RW_MEM_STORE);
}

static bool on_po_ask(void *arg, uint32_t pfx, uint32_t origin, bool *pfx_known)
{
	struct hist *h = arg;
	*u64map_put(&h->asks, (uint64_t)pfx << 32 | origin) = 1;
	*pfx_known = false;
	return false;
}

void hist_window_asks(struct hist *h)
{
	h->hooks.po_seen = on_po_seen;
	h->hooks.po_known = on_po_ask;
}

/* ---- docs/events.md §10: (prefix, origin) pairs the history has seen */

void hist_history(struct hist *h, struct store *s, const struct rib *r)
{
	h->st = s;
	h->rib = r;
	h->hooks.po_seen = on_po_seen;
	h->hooks.po_known = on_po_known;
}

static void on_po_seen(void *arg, uint32_t sec, uint32_t pfx, uint32_t origin)
{
	struct hist *h = arg;
	if (edge(h, sec))
		return;
	uint32_t *v = u64map_put(&h->po_new, (uint64_t)pfx << 32 | origin);
	if (!*v)
		*v = sec ? sec : 1;
}

static bool on_po_known(void *arg, uint32_t pfx, uint32_t origin, bool *pfx_known)
{
	struct hist *h = arg;
	if (u64map_get(&h->po_new, (uint64_t)pfx << 32 | origin))
		return *pfx_known = true; /* seen in this run, not yet written */
	char p[RW_PREFIX_STRLEN];
	fmt_prefix(p, &h->rib->pfx[pfx].p);
	bool known = false;
	if (store_prefix_origins(h->st, p, origin, pfx_known, &known))
		return false; /* the store cannot tell (logged): the run's memory decides */
	return known;
}

/* The pairs seen since the last commit into prefix_origins. */
static int write_po(struct hist *h, struct store *s, const struct rib *r)
{
	int rc = 0;
	for (uint32_t i = 0; i < h->po_new.n && !rc; i++) {
		uint64_t k = h->po_new.keys[i];
		char p[RW_PREFIX_STRLEN];
		fmt_prefix(p, &r->pfx[(uint32_t)(k >> 32)].p);
		rc = store_prefix_origin_put(s, p, (uint32_t)k, h->po_new.vals[i]);
	}
	return rc;
}

void hist_release(struct hist *h)
{
	if (h->cty) {
		hist_release(h->cty);
		free(h->cty);
		h->cty = NULL;
	}
	hist_written(h); /* the pending groups; before the vectors it walks go */
	u64map_release(&h->po_new);
	u64map_release(&h->asks);
	rw_vec_free(&h->ou, &h->capou, sizeof *h->ou, RW_MEM_STORE);
	rw_vec_free(&h->org, &h->caporg, sizeof *h->org, RW_MEM_STORE);
	u64map_release(&h->ou_idx);
	u64map_release(&h->org_idx);
	rw_vec_free(&h->sec_orgs, &h->capsec, sizeof *h->sec_orgs, RW_MEM_STORE);
	rw_vec_free(&h->closed, &h->capclosed, sizeof *h->closed, RW_MEM_STORE);
	rw_vec_free(&h->pt, &h->cappt, sizeof *h->pt, RW_MEM_STORE);
	rw_vec_free(&h->up, &h->capup, sizeof *h->up, RW_MEM_STORE);
	det_group_release(&h->g);
	memset(h, 0, sizeof *h);
}

static struct hist_org *org_of(struct hist *h, uint32_t o)
{
	uint32_t *v = u64map_get(&h->org_idx, o);
	if (v)
		return &h->org[*v];
	GROW(h->org, h->norg, h->caporg);
	struct hist_org *g = &h->org[h->norg];
	memset(g, 0, sizeof *g);
	g->origin = o;
	g->first = RIB_NONE;
	*u64map_put(&h->org_idx, o) = h->norg++;
	return g;
}

static struct hist_ou *ou_of(struct hist *h, uint32_t o, uint32_t u)
{
	uint64_t key = (uint64_t)o << 32 | u;
	uint32_t *v = u64map_get(&h->ou_idx, key);
	if (v)
		return &h->ou[*v];
	struct hist_org *g = org_of(h, o);
	GROW(h->ou, h->nou, h->capou);
	struct hist_ou *x = &h->ou[h->nou];
	memset(x, 0, sizeof *x);
	x->origin = o;
	x->upstream = u;
	x->next = g->first;
	g->first = h->nou;
	*u64map_put(&h->ou_idx, key) = h->nou++;
	return x;
}

static double share(const struct hist_org *g, const struct hist_ou *x)
{
	return g->routes ? (double)x->routes / g->routes : 0.0;
}

/* Integrate every open interval up to sec at the share it has (nothing
 * changed since its origin's last touch, so the split is exact). */
static void integrate_all(struct hist *h, uint32_t sec)
{
	for (uint32_t i = 0; i < h->nou; i++) {
		struct hist_ou *x = &h->ou[i];
		if (!x->open || sec <= x->acc_ts)
			continue;
		const struct hist_org *g = &h->org[*u64map_get(&h->org_idx, x->origin)];
		uint32_t dt = sec - x->acc_ts;
		if (g->routes) {
			x->seconds += dt;
			x->area += share(g, x) * dt;
		}
		x->acc_ts = sec;
		x->dirty = true;
	}
}

/* A backfill window's start (hist.clip_from): what was learned before it
 * belongs to the window before; open intervals go on as pieces. */
static void clip_start(struct hist *h)
{
	integrate_all(h, h->clip_from);
	for (uint32_t i = 0; i < h->nou; i++) {
		struct hist_ou *x = &h->ou[i];
		x->cont = x->open;
		if (!x->open)
			continue;
		const struct hist_org *g = &h->org[*u64map_get(&h->org_idx, x->origin)];
		x->seconds = 0;
		x->area = 0;
		x->max = share(g, x);
		x->dirty = true;
	}
	for (uint32_t i = 0; i < h->norg; i++) {
		h->org[i].pend_ts = 0;
		h->org[i].dirty = false;
		h->org[i].first_seen = 0;
	}
	h->nclosed = h->npt = h->nup = 0;
	u64map_clear(&h->po_new);
	h->clipped = true;
}

/* Second sec is about to be learned: cross the window's edges. true: the
 * history is frozen (past the window's end), learn nothing of it. */
static bool edge(struct hist *h, uint32_t sec)
{
	if (h->frozen)
		return true;
	if (h->clip_from && !h->clipped && sec >= h->clip_from)
		clip_start(h);
	if (h->clip_until && sec >= h->clip_until) {
		integrate_all(h, h->clip_until);
		h->frozen = true;
	}
	return h->frozen;
}

/* A series point with the origin's values now. */
static void emit_point(struct hist *h, const struct hist_org *g, uint32_t ts)
{
	GROW(h->pt, h->npt, h->cappt);
	struct hist_pt *p = &h->pt[h->npt++];
	*p = (struct hist_pt){g->origin, ts, g->prefixes, g->routes, h->nup, 0};
	for (uint32_t i = g->first; i != RIB_NONE; i = h->ou[i].next) {
		if (!h->ou[i].routes)
			continue;
		GROW(h->up, h->nup, h->capup);
		h->up[h->nup][0] = h->ou[i].upstream;
		h->up[h->nup][1] = h->ou[i].routes;
		h->nup++;
		p->up_n++;
	}
	/* by upstream: the order of the list depends on how this process
	 * learned the pairs, the stored point must not */
	uint32_t(*v)[2] = h->up + p->up_off;
	for (uint32_t i = 1; i < p->up_n; i++)
		for (uint32_t j = i; j > 0 && v[j][0] < v[j - 1][0]; j--) {
			uint32_t a = v[j][0], b = v[j][1];
			v[j][0] = v[j - 1][0], v[j][1] = v[j - 1][1];
			v[j - 1][0] = a, v[j - 1][1] = b;
		}
	h->points++;
}

/* Before the first change of an origin in second sec: integrate its open
 * intervals up to sec with the shares they had, and write the series point
 * of an earlier bucket that is now final. */
static void touch(struct hist *h, struct hist_org *g, uint32_t sec)
{
	if (g->touched == sec && g->in_sec)
		return;
	if (g->pend_ts && g->pend_ts / STORE_BUCKET != sec / STORE_BUCKET) {
		emit_point(h, g, g->pend_ts);
		g->pend_ts = 0;
	}
	for (uint32_t i = g->first; i != RIB_NONE; i = h->ou[i].next) {
		struct hist_ou *x = &h->ou[i];
		if (!x->open || sec <= x->acc_ts)
			continue;
		uint32_t dt = sec - x->acc_ts;
		if (g->routes) {
			x->seconds += dt;
			x->area += share(g, x) * dt;
		}
		x->acc_ts = sec;
		x->dirty = true;
	}
	g->touched = sec;
	g->in_sec = true;
	GROW(h->sec_orgs, h->nsec, h->capsec);
	h->sec_orgs[h->nsec++] = (uint32_t)(g - h->org);
}

static void on_ou(void *arg, uint32_t sec, uint32_t o, uint32_t u, uint32_t before, uint32_t after)
{
	struct hist *h = arg;
	if (edge(h, sec))
		return;
	touch(h, org_of(h, o), sec);
	struct hist_ou *x = ou_of(h, o, u);
	struct hist_org *g = org_of(h, o); /* ou_of may have moved the array */
	g->routes = g->routes - before + after;
	x->routes = after;
}

static void on_origin(void *arg, uint32_t sec, uint32_t o, uint32_t before, uint32_t after)
{
	struct hist *h = arg;
	if (edge(h, sec))
		return;
	struct hist_org *g = org_of(h, o);
	touch(h, g, sec);
	g->prefixes = after;
	if (!before && after && !g->first_seen)
		g->first_seen = sec;
}

static void on_end(void *arg, uint32_t sec)
{
	struct hist *h = arg;
	if (edge(h, sec))
		return;
	for (uint32_t k = 0; k < h->nsec; k++) {
		struct hist_org *g = &h->org[h->sec_orgs[k]];
		g->in_sec = false;
		g->dirty = true;
		g->changed = sec;
		g->pend_ts = sec;
		for (uint32_t i = g->first; i != RIB_NONE; i = h->ou[i].next) {
			struct hist_ou *x = &h->ou[i];
			if (x->open && g->routes && share(g, x) > x->max) {
				x->max = share(g, x);
				x->dirty = true;
			}
		}
	}
	h->nsec = 0;
}

static void iv_row(const struct hist *h, const struct hist_ou *x, uint32_t end, struct store_interval *iv)
{
	const struct hist_org *g = &h->org[*u64map_get(&h->org_idx, x->origin)];
	*iv = (struct store_interval){.origin = x->origin, .upstream = x->upstream, .start = x->start,
				      .end = end, .acc_ts = x->acc_ts, .seconds = x->seconds, .area = x->area,
				      .share_max = x->max, .share_now = share(g, x), .visible = g->routes > 0,
				      .cont = x->cont};
}

/* An interval opens (gained or silently present) or closes (lost). */
static void interval_event(struct hist *h, const struct det_event *e, bool open)
{
	uint32_t now = e->determined;
	if (open) {
		struct hist_ou *x = ou_of(h, e->origin, e->upstream);
		if (x->open)
			return;
		struct hist_org *g = org_of(h, e->origin);
		x->open = true;
		x->cont = false;
		x->dirty = true;
		x->start = e->time;
		x->acc_ts = now;
		x->seconds = 0;
		x->area = 0;
		x->max = share(g, x);
		h->intervals_opened++;
	} else {
		uint64_t key = (uint64_t)e->origin << 32 | e->upstream;
		uint32_t *v = u64map_get(&h->ou_idx, key);
		if (!v || !h->ou[*v].open)
			return;
		struct hist_org *g = org_of(h, e->origin);
		/* integrate up to now: nothing of this origin changed since its
		 * last touch, or this second's touch did it already */
		touch(h, g, now);
		struct hist_ou *x = &h->ou[*v];
		GROW(h->closed, h->nclosed, h->capclosed);
		iv_row(h, x, e->time, &h->closed[h->nclosed++]);
		x->open = false;
		x->dirty = false;
		h->intervals_closed++;
	}
}

void hist_on_event(void *arg, const struct det_event *e)
{
	struct hist *h = arg;
	bool present = e->type == DET_UPSTREAM_PRESENT || e->type == DET_COUNTRY_PRESENT;
	if (!present && e->time >= h->events_from && (!h->events_until || e->time < h->events_until)) {
		det_group_add(&h->g, e);
		h->events++;
	}
	/* the history whose interval the event opens (open) or closes */
	struct hist *x = NULL;
	bool open = false;
	if (e->type == DET_UPSTREAM_GAINED || (e->type == DET_UPSTREAM_PRESENT && !e->flag))
		x = h, open = true;
	else if ((e->type == DET_UPSTREAM_LOST || e->type == DET_UPSTREAM_PRESENT) && e->flag)
		x = h; /* lost, or ended silently (a baseline's): det.h */
	else if (e->type == DET_COUNTRY_GAINED || (e->type == DET_COUNTRY_PRESENT && !e->flag))
		x = h->cty, open = true;
	else if (e->type == DET_COUNTRY_LOST || e->type == DET_COUNTRY_PRESENT)
		x = h->cty;
	/* each history crosses its own window's edges (a backfill's) */
	if (x && !edge(x, e->determined))
		interval_event(x, e, open);
}

/* docs/events.md §14: the countries' history, fed like the origins' by
 * the detector's country counts (det.chooks): (country, provider) pairs,
 * (country, 0) for the routes without one, and a country's routes. */
static void attach_countries(struct hist *h, struct det *d)
{
	if (!h->cty) {
		h->cty = rw_malloc(sizeof *h->cty);
		hist_init(h->cty);
		h->cty->tab = STORE_COUNTRIES;
	}
	struct hist *c = h->cty;
	/* a backfill window's edges hold for the countries as for the
	 * origins: their pieces are cut at the same seconds */
	c->clip_from = h->clip_from;
	c->clip_until = h->clip_until;
	d->chooks = &c->hooks;
	const struct det_geo *dg = &d->geo;
	for (uint32_t i = 0; i < dg->ncu; i++)
		if (dg->cu[i].routes)
			ou_of(c, dg->cu[i].cc, dg->cu[i].prov)->routes = dg->cu[i].routes;
	for (unsigned a = 'A'; a <= 'Z'; a++)
		for (unsigned b = 'A'; b <= 'Z'; b++) {
			uint16_t cc = (uint16_t)(a << 8 | b);
			unsigned ci = geo_cc_index(cc);
			if (!dg->routes[ci])
				continue;
			if (dg->inside[ci])
				ou_of(c, cc, 0)->routes = dg->inside[ci];
			struct hist_org *g = org_of(c, cc);
			g->routes = dg->routes[ci];
			g->prefixes = dg->routes[ci];
		}
}

void hist_attach(struct hist *h, struct engine *e)
{
	struct det *d = &e->det;
	engine_keep_proofs(e); /* docs/events.md §15: stored beside the events */
	d->hooks = &h->hooks;
	d->report_present = true;
	if (d->geo.g)
		attach_countries(h, d);
	for (uint32_t i = 0; i < d->ou.n; i++) {
		uint32_t o = (uint32_t)(d->ou.keys[i] >> 32), u = (uint32_t)d->ou.keys[i];
		struct hist_ou *x = ou_of(h, o, u);
		x->routes = d->ou.vals[i];
		org_of(h, o)->routes += x->routes;
	}
	for (uint32_t i = 0; i < d->origin.n; i++)
		org_of(h, (uint32_t)d->origin.keys[i])->prefixes = d->origin.vals[i] & 0x7fffffffu;
}

int hist_load(struct hist *h, struct store *s)
{
	if (h->cty) {
		int rc = hist_load(h->cty, s);
		if (rc)
			return rc;
	}
	struct db_stmt *st = db_prepare(s->db, h->tab == STORE_COUNTRIES
						       ? "SELECT origin, upstream, start_ts, acc_ts, seconds, area, share_max"
							 " FROM country_intervals WHERE end_ts IS NULL"
						       : "SELECT origin, upstream, start_ts, acc_ts, seconds, area, share_max"
							 " FROM intervals WHERE end_ts IS NULL");
	if (!st)
		return store_fail(s, "reading open intervals", RW_EDB);
	int rc;
	while ((rc = db_step(st)) == 1) {
		struct hist_ou *x = ou_of(h, (uint32_t)db_col_i64(st, 0), (uint32_t)db_col_i64(st, 1));
		x->open = true;
		x->start = (uint32_t)db_col_i64(st, 2);
		x->acc_ts = (uint32_t)db_col_i64(st, 3);
		x->seconds = (uint64_t)db_col_i64(st, 4);
		x->area = db_col_f64(st, 5);
		x->max = db_col_f64(st, 6);
	}
	if (rc < 0)
		store_fail(s, "reading open intervals", rc);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* docs/events.md §14: an upstream's relationship to the origin; §13: the
 * watch list's words for an event, as JSON members: the watched prefix and its expected origins, or the watched
 * network (and for neighbor, the neighbor and its side); description and
 * groups. Nothing for other events. */
static void watch_detail(const struct det_gevent *ge, struct obuf *o)
{
	if (ge->rel) { /* §14: upstream events with relationships */
		obuf_puts(o, "\"relationship\":\"");
		obuf_puts(o, asrel_name((enum asrel_rel)(ge->rel - 1)));
		obuf_putc(o, '"');
	}
	if (ge->type < DET_WATCH_HIJACK)
		return;
	char **groups = NULL;
	uint32_t ngroups = 0;
	if (ge->wp) {
		char p[RW_PREFIX_STRLEN];
		obuf_puts(o, "\"watched\":\"");
		obuf_putsn(o, p, fmt_prefix(p, &ge->wp->p));
		obuf_puts(o, "\",\"expected\":[");
		for (uint32_t j = 0; j < ge->wp->nasn; j++) {
			if (j)
				obuf_putc(o, ',');
			obuf_putu32(o, ge->wp->asn[j]);
		}
		obuf_puts(o, "],\"description\":");
		obuf_json_str(o, ge->wp->description, strlen(ge->wp->description));
		uint32_t rule = ge->upstream & 0xff;
		if ((ge->type == DET_WATCH_PATH || ge->type == DET_WATCH_PATH_END) && rule < ge->wp->npaths) {
			/* the rule, as the list writes it */
			const struct watch_path *rp = &ge->wp->paths[rule];
			const char *d = rp->description ? rp->description : rp->match ? rp->match : "";
			obuf_puts(o, ",\"rule\":");
			obuf_json_str(o, d, strlen(d));
		}
		groups = ge->wp->groups;
		ngroups = ge->wp->ngroups;
	} else if (ge->wa) {
		obuf_puts(o, "\"watched_asn\":");
		obuf_putu32(o, ge->wa->asn);
		if (ge->type == DET_WATCH_NEIGHBOR || ge->type == DET_WATCH_NEIGHBOR_END) {
			obuf_puts(o, ",\"neighbor\":");
			obuf_putu32(o, ge->upstream);
			obuf_puts(o, ge->flag ? ",\"side\":\"downstream\"" : ",\"side\":\"upstream\"");
		}
		groups = ge->wa->groups;
		ngroups = ge->wa->ngroups;
	}
	obuf_puts(o, ",\"group\":[");
	for (uint32_t j = 0; j < ngroups; j++) {
		if (j)
			obuf_putc(o, ',');
		obuf_json_str(o, groups[j], strlen(groups[j]));
	}
	obuf_putc(o, ']');
}

void hist_event_view(const struct det_gevent *ge, const struct rib *r, char **buf, size_t *cap,
		     struct store_event *v)
{
	/* the prefixes, then the origins (§13: those the watch entry
	 * expects), the covering prefix (§10), VRPs (§12) or "FROM TO"
	 * (§11), and the watch list's words (§13) */
	struct obuf d = {0};
	watch_detail(ge, &d);
	bool expected = ge->type >= DET_WATCH_HIJACK && ge->wp && !ge->norigins;
	size_t need = (size_t)ge->npfx * RW_PREFIX_STRLEN + 1 + (size_t)ge->norigins * 11 + 1 + RW_PREFIX_STRLEN + 1 +
		      (size_t)ge->nvrps * (RPKI_VRP_STRLEN + 1) + 24 + (expected ? (size_t)ge->wp->nasn * 11 : 0) +
		      d.len + 1,
	       n = 0;
	if (*cap < need) {
		*buf = rw_realloc(*buf, need);
		*cap = need;
	}
	for (uint32_t j = 0; j < ge->npfx; j++) {
		if (j)
			(*buf)[n++] = ' ';
		n += fmt_prefix(*buf + n, &r->pfx[ge->pfx[j]].p);
	}
	(*buf)[n++] = 0;
	size_t ol = n;
	const uint32_t *os = expected ? ge->wp->asn : ge->origins;
	uint32_t nos = expected ? ge->wp->nasn : ge->norigins;
	for (uint32_t j = 0; j < nos; j++) {
		if (j)
			(*buf)[n++] = ' ';
		n += fmt_u32(*buf + n, os[j]);
	}
	(*buf)[n++] = 0;
	size_t cv = n;
	if (ge->type == DET_MORE_SPECIFIC && ge->upstream < r->npfx)
		n += fmt_prefix(*buf + n, &r->pfx[ge->upstream].p);
	for (uint32_t j = 0; j < ge->nvrps; j++) {
		if (j)
			(*buf)[n++] = ',';
		n += rpki_vrp_fmt(*buf + n, &ge->vrps[j]);
	}
	bool leak = ge->type == DET_ROUTE_LEAK || ge->type == DET_ROUTE_LEAK_END;
	if (leak) { /* docs/events.md §11: "FROM TO" */
		n += fmt_u32(*buf + n, ge->upstream);
		(*buf)[n++] = ' ';
		n += fmt_u32(*buf + n, ge->to);
	}
	(*buf)[n++] = 0;
	size_t dt = n;
	if (d.len)
		memcpy(*buf + n, d.buf, d.len);
	n += d.len;
	(*buf)[n] = 0;
	obuf_release(&d);
	*v = (struct store_event){.type = ge->type, .has_origin = ge->has_origin, .flag = ge->flag,
				 .time = ge->time, .determined = ge->determined, .origin = ge->origin,
				 .upstream = ge->upstream, .peers = ge->npeers, .origin_prefixes = ge->origin_pfx,
				 .since = ge->since, .prefixes = *buf, .collector = "",
				 .origins = *buf + ol, .covering = *buf + cv, .detail = *buf + dt};
	if (ge->type == DET_COLLECTOR_GAP && ge->upstream < r->ncoll)
		v->collector = r->coll[ge->upstream].name;
	if (leak)
		v->upstream = det_leak_key(ge->upstream, ge->to);
}

/* docs/events.md §15: a grouped event's proof beside its row. */
static int write_proof(struct store *s, const struct det_gevent *ge, const struct store_event *ev,
		       const struct rib *r)
{
	const struct det_proof *p = &ge->proof;
	struct store_proof sp = {.time = p->time, .rec = p->rec, .len = p->len, .rec_len = p->rec_len,
				 .file = p->file, .off = p->off, .cause = p->cause};
	char addr[RW_ADDR_STRLEN] = "";
	if (p->peer != RIB_NONE && p->peer < r->npeer) {
		const struct rib_peer *pe = &r->peer[p->peer];
		fmt_addr(addr, &pe->addr);
		sp.peer = addr;
		sp.peer_asn = pe->asn;
		sp.collector = r->coll[pe->collector].name;
	} else if (ge->type == DET_COLLECTOR_GAP) {
		sp.collector = ev->collector;
	}
	struct store_ev_key k;
	store_ev_key_of(ev, &k);
	return store_event_proof_put(s, &k, &sp);
}

/* The grouped events, with their prefixes as text. */
/* The events since the last commit: the current group is finished and
 * joins the pending ones (a group takes no more events once finished),
 * and every pending one is written; merging makes a second write of an
 * event a no-op. */
static int write_events(struct hist *h, struct store *s, const struct rib *r)
{
	if (h->g.n) {
		det_group_finish(&h->g, r);
		GROW(h->pend, h->npend, h->cappend);
		h->pend[h->npend++] = h->g;
		det_group_init(&h->g);
	}
	char *buf = NULL;
	size_t cap = 0;
	int rc = 0;
	for (uint32_t k = 0; k < h->npend && !rc; k++)
		for (uint32_t i = 0; i < h->pend[k].n && !rc; i++) {
			struct store_event ev;
			hist_event_view(&h->pend[k].ev[i], r, &buf, &cap, &ev);
			rc = store_event_merge(s, &ev);
			if (!rc && h->pend[k].ev[i].has_proof)
				rc = write_proof(s, &h->pend[k].ev[i], &ev, r);
		}
	free(buf);
	return rc;
}

void hist_written(struct hist *h)
{
	if (h->cty)
		hist_written(h->cty);
	for (uint32_t k = 0; k < h->npend; k++)
		det_group_release(&h->pend[k]);
	rw_vec_free(&h->pend, &h->cappend, sizeof *h->pend, RW_MEM_STORE);
	h->npend = 0;
	h->nclosed = 0;
	h->npt = 0;
	h->nup = 0;
	for (uint32_t i = 0; i < h->nou; i++)
		h->ou[i].dirty = false;
	for (uint32_t i = 0; i < h->norg; i++)
		h->org[i].dirty = false;
	u64map_clear(&h->po_new);
}

/* Origin (country) g's row, first seen at first: a country's prefixes
 * are not counted (its routes are). */
static struct store_origin org_row(const struct hist *h, const struct hist_org *g, uint32_t first)
{
	return (struct store_origin){g->origin, first, h->tab == STORE_COUNTRIES ? 0 : g->prefixes, g->routes,
				     g->changed};
}

/* Series point p's row (a country's prefixes 0, as above); its upstreams
 * borrowed from h. */
static struct store_point pt_row(const struct hist *h, const struct hist_pt *p)
{
	return (struct store_point){p->origin, p->ts, h->tab == STORE_COUNTRIES ? 0 : p->prefixes, p->routes, p->up_n,
				    (const uint32_t(*)[2])(h->up + p->up_off)};
}

/* The intervals, the origins' (countries') rows and the series points. */
static int write_history(struct hist *h, struct store *s)
{
	int rc = 0;
	for (uint32_t i = 0; i < h->nclosed && !rc; i++)
		rc = store_interval_put(s, h->tab, &h->closed[i]);
	for (uint32_t i = 0; i < h->nou && !rc; i++) {
		struct hist_ou *x = &h->ou[i];
		if (!x->open || !x->dirty)
			continue;
		struct store_interval iv;
		iv_row(h, x, 0, &iv);
		rc = store_interval_put(s, h->tab, &iv);
	}
	if (rc)
		return store_fail(s, "writing intervals", rc);
	for (uint32_t i = 0; i < h->norg && !rc; i++) {
		struct hist_org *g = &h->org[i];
		if (g->pend_ts) {
			emit_point(h, g, g->pend_ts);
			g->pend_ts = 0;
		}
		if (!g->dirty)
			continue;
		struct store_origin o = org_row(h, g, g->first_seen ? g->first_seen : g->changed);
		rc = store_origin_put(s, h->tab, &o);
	}
	if (rc)
		return store_fail(s, "writing origins", rc);
	for (uint32_t i = 0; i < h->npt && !rc; i++) {
		struct store_point sp = pt_row(h, &h->pt[i]);
		rc = store_point_put(s, h->tab, &sp);
	}
	if (rc)
		return store_fail(s, "writing series", rc);
	return 0;
}

int hist_write(struct hist *h, struct store *s, const struct rib *r)
{
	int rc = write_events(h, s, r);
	if (rc)
		return store_fail(s, "writing events", rc);
	if ((rc = write_history(h, s)))
		return rc;
	if (h->cty && (rc = write_history(h->cty, s)))
		return rc;
	if (h->po_new.n && (rc = write_po(h, s, r)))
		return store_fail(s, "writing the prefixes' origins", rc);
	return 0;
}

/* ---- a backfill window (store_backfill.c reads what this writes) */

void hist_window_edge(struct hist *h, uint32_t sec)
{
	edge(h, sec);
	if (h->cty)
		edge(h->cty, sec);
}

struct po_row {
	char p[RW_PREFIX_STRLEN];
	uint32_t origin, first;
};

static int po_cmp(const void *a, const void *b)
{
	const struct po_row *x = a, *y = b;
	int c = strcmp(x->p, y->p);
	return c ? c : x->origin < y->origin ? -1 : x->origin > y->origin;
}

/* Series rows by (origin, time): the same lock order in every window. */
static int sp_cmp(const void *a, const void *b)
{
	const struct store_point *x = a, *y = b;
	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/* The mirror ended before the window began: the history learned nothing
 * of its time (the window before holds it up to the end). */
static bool window_empty(const struct hist *h)
{
	return h->clip_from && !h->clipped;
}

/* One history of window win (the origins', or the countries' into their
 * own tables, h->tab): its intervals as pieces (the closed ones, then
 * those open at its end), the rows of what changed in it, and the series
 * points of its buckets (sorted by (origin, time): the same lock order in
 * every window). */
static int window_history(struct hist *h, struct store *s, int64_t win)
{
	if (window_empty(h))
		return 0;
	int rc = 0;
	int64_t seq = 0;
	for (uint32_t i = 0; i < h->nclosed && !rc; i++)
		rc = store_backfill_piece_put(s, h->tab, win, seq++, &h->closed[i]);
	for (uint32_t i = 0; i < h->nou && !rc; i++) {
		if (!h->ou[i].open)
			continue;
		struct store_interval iv;
		iv_row(h, &h->ou[i], 0, &iv);
		rc = store_backfill_piece_put(s, h->tab, win, seq++, &iv);
	}
	if (rc)
		return store_fail(s, "writing interval pieces", rc);
	for (uint32_t i = 0; i < h->norg && !rc; i++) {
		struct hist_org *g = &h->org[i];
		if (g->pend_ts) {
			emit_point(h, g, g->pend_ts);
			g->pend_ts = 0;
		}
		if (!g->dirty)
			continue;
		/* first_seen 0: the origin did not appear in this window */
		struct store_origin o = org_row(h, g, g->first_seen);
		rc = store_backfill_origin_put(s, h->tab, win, &o);
	}
	if (rc)
		return store_fail(s, "writing origins", rc);
	struct store_point *sp = rw_calloc(h->npt + 1, sizeof *sp);
	uint32_t nsp = 0;
	for (uint32_t i = 0; i < h->npt; i++) {
		const struct hist_pt *p = &h->pt[i];
		if (p->ts < h->clip_from || (h->clip_until && p->ts >= h->clip_until))
			continue;
		sp[nsp++] = pt_row(h, p);
	}
	if (nsp > 1)
		qsort(sp, nsp, sizeof *sp, sp_cmp);
	rc = store_points_put_latest(s, h->tab, sp, nsp);
	free(sp);
	return rc ? store_fail(s, "writing series", rc) : 0;
}

int hist_write_window(struct hist *h, struct store *s, const struct rib *r, int64_t win)
{
	/* the window's own time range, in the transaction that marks it
	 * done: no other writer has its events' keys (store_events_fresh) */
	int rc = store_events_fresh(s, true);
	if (!rc)
		rc = write_events(h, s, r);
	int sent = store_events_fresh(s, false);
	if (!rc)
		rc = sent;
	if (rc)
		return store_fail(s, "writing events", rc);
	for (uint32_t i = 0; i < h->asks.n && !rc; i++) {
		uint64_t k = h->asks.keys[i];
		char p[RW_PREFIX_STRLEN];
		fmt_prefix(p, &r->pfx[(uint32_t)(k >> 32)].p);
		rc = store_backfill_ask_put(s, win, p, (uint32_t)k);
	}
	if (rc)
		return store_fail(s, "writing the detector's questions", rc);
	if (window_empty(h))
		return 0; /* nor any (prefix, origin) pair of its time */
	if ((rc = window_history(h, s, win)) || (h->cty && (rc = window_history(h->cty, s, win))))
		return rc;
	/* in one order for every window (the prefixes' text, then the
	 * origin): two windows that end the same pair lock its row, and rows
	 * locked in different orders by two transactions deadlock (the
	 * series above, origins' then countries', are in one order too) */
	struct po_row *po = rw_calloc(h->po_new.n + 1, sizeof *po);
	for (uint32_t i = 0; i < h->po_new.n; i++) {
		uint64_t k = h->po_new.keys[i];
		fmt_prefix(po[i].p, &r->pfx[(uint32_t)(k >> 32)].p);
		po[i].origin = (uint32_t)k;
		po[i].first = h->po_new.vals[i];
	}
	if (h->po_new.n > 1)
		qsort(po, h->po_new.n, sizeof *po, po_cmp);
	for (uint32_t i = 0; i < h->po_new.n && !rc; i++)
		rc = store_prefix_origin_put_min(s, po[i].p, po[i].origin, po[i].first);
	free(po);
	if (rc)
		return store_fail(s, "writing the prefixes' origins", rc);
	return 0;
}
