/*
 * The per-second evaluation of docs/events.md §4-§6.
 *
 * For every prefix P changed in the second, the routes give the new
 * summary: vis (peers with any route), nnull (peers whose route has no
 * origin) and, per (origin O, upstream U), n = peers with such a route.
 * It is merged with P's stored episodes (sorted by (O, U)):
 *
 *   no episode, n > 0      start an episode at this second; new_for_origin
 *                          = no route of O had U before this second
 *   n reaches --min-peers  confirm; report upstream_gained dated at start
 *   n -> 0, P visible      report upstream_lost (if confirmed), end it
 *   n -> 0, P invisible    dormant: remember the down second
 *   dormant, P back with U continue silently
 *   dormant, P back w/o U  report upstream_lost dated at the down second
 *
 * docs/events.md §10: the same summary has one entry (O, DET_ORIGIN_EPI)
 * per origin, n = peers with any route of O, and the same merge runs the
 * (P, O) episodes: confirmation reports prefix_new (P's first appearance;
 * and more_specific under a covering prefix without O) or origin_gained;
 * the end while P is visible (or P back without O) reports origin_lost.
 * An ended (P, O) episode stays, flagged past, until a RIB dump comes
 * after it: new_for_prefix looks no further back than a window can.
 *
 * docs/events.md §12: with VRPs, an origin whose (P, O) is RPKI invalid
 * has a second entry (O, DET_RPKI_EPI) with the same n, just before its
 * (O, DET_ORIGIN_EPI): the same merge runs the invalid episodes, and a
 * VRP change (the engine marks the prefixes it covers dirty) starts or
 * ends them with no route changing.
 *
 * Counts that span prefixes (routes per (O, U), prefixes per O) change
 * only at the end of the second: lookups during it see the state before
 * the second (new_for_origin), and last_for_origin and the origin events
 * are decided after it.
 *
 * Choices docs/events.md records where a rule could be read two ways:
 *  - upstream 0 (the path has no upstream) counts for origin presence
 *    only, never for upstream events;
 *  - an AS_SET right before the origin gives no upstream;
 *  - a baseline episode is confirmed once it reaches --min-peers like any
 *    other; only its upstream_gained is never reported;
 *  - in a baseline second episodes that end are dropped silently (no
 *    dormancy carried over from a silent second) and prefixes that go
 *    away are not "down";
 *  - prefix_up carries the origins the prefix has when it comes back.
 */
#include "det_int.h"

#include <stdlib.h>

/* DOWN: the prefix went down (prefix_down reported); UNOBS: its routes
 * went because the sessions that carried them ended (docs/events.md §9):
 * nothing reported, its origins still count as present, and its return
 * is no prefix_up. */
enum { DET_P_DOWN = 1, DET_P_UNOBS = 2, DET_P_SEEN = 4 /* had routes once */ };

/* Decided after the second's counts are known. */
struct det_pend {
	uint32_t pfx, origin, upstream, time, since, src;
	uint16_t npeers;
	uint8_t kind; /* 0: lost at time (emit), 1: dormant (set DET_F_LAST),
		       * 2: ended silently (DET_UPSTREAM_PRESENT, flag: the
		       * history closes the interval when it was the last) */
};

const char *det_type_name(enum det_type t)
{
	static const char *const n[] = {"upstream_gained", "upstream_lost", "origin_down",
					 "prefix_down", "origin_up", "prefix_up", "upstream_present",
					 "collector_gap", "origin_gained", "origin_lost", "prefix_new",
					 "more_specific", "rpki_invalid", "rpki_invalid_end", "route_leak",
					 "route_leak_end", "hijack", "hijack_end", "newprefix", "newprefix_end",
					 "misconfiguration", "misconfiguration_end", "neighbor", "neighbor_end",
					 "rpki", "rpki_end", "path", "path_end", "visibility", "visibility_end",
					 "country_provider_gained", "country_provider_lost", "country_provider_present"};
	return (unsigned)t < RW_ARRAY_LEN(n) ? n[t] : "?";
}

int det_type_parse(const char *s)
{
	for (int t = 0; t < DET_TYPE_COUNT; t++)
		if (t != DET_UPSTREAM_PRESENT && t != DET_COUNTRY_PRESENT && !strcmp(s, det_type_name((enum det_type)t)))
			return t;
	return -1;
}

void det_dump(struct det *d)
{
	d->dump_now = true;
}

void det_init(struct det *d, unsigned min_peers)
{
	memset(d, 0, sizeof *d);
	d->min_peers = min_peers ? min_peers : 1;
	d->split_min = 65536; /* a RIB dump's baseline; a thread's start is
				 worth it well below (about 0.2 us a prefix) */
	u64map_init(&d->ou, RW_MEM_DET);
	u64map_init(&d->origin, RW_MEM_DET);
	u64map_init(&d->d_ou, RW_MEM_DET);
	u64map_init(&d->d_origin, RW_MEM_DET);
	u64map_init(&d->leak2, RW_MEM_DET);
	u64map_init(&d->vis_idx, RW_MEM_DET);
	u64map_init(&d->geo.idx, RW_MEM_DET);
	arena_init(&d->scratch, 4096, 1 << 20, RW_MEM_DET);
}

void det_release(struct det *d)
{
	for (uint32_t i = 0; i < d->npfx; i++)
		rw_vec_free(&d->pfx[i].e, &d->pfx[i].cap, sizeof *d->pfx[i].e, RW_MEM_DET);
	rw_vec_free(&d->pfx, &d->npfx, sizeof *d->pfx, RW_MEM_DET);
	u64map_release(&d->ou);
	u64map_release(&d->origin);
	u64map_release(&d->d_ou);
	u64map_release(&d->d_origin);
	rw_vec_free(&d->pend, &d->cappend, sizeof *d->pend, RW_MEM_DET);
	det__leak_release(d);
	det__country_release(d);
	memset(d, 0, sizeof *d);
}

static uint64_t ou_key(uint32_t o, uint32_t u)
{
	return (uint64_t)o << 32 | u;
}

static uint32_t ou_routes(const struct det *d, uint32_t o, uint32_t u)
{
	const uint32_t *v = u64map_get(&d->ou, ou_key(o, u));
	return v ? *v : 0;
}

uint32_t det_ou_routes(const struct det *d, uint32_t origin, uint32_t upstream)
{
	return ou_routes(d, origin, upstream);
}

uint32_t det_origin_prefixes(const struct det *d, uint32_t origin)
{
	const uint32_t *v = u64map_get(&d->origin, origin);
	return v ? *v & 0x7fffffffu : 0;
}

/* The per-prefix array follows the rib's prefixes. */
static void ensure_pfx(struct det *d, uint32_t n)
{
	if (n <= d->npfx)
		return;
	uint32_t cap = d->npfx;
	VEC(d->pfx, cap, RW_MAX(n, 1024u));
	memset(d->pfx + d->npfx, 0, (size_t)(cap - d->npfx) * sizeof *d->pfx);
	d->npfx = cap;
}

static int cur_cmp(const void *a, const void *b)
{
	const struct ou_n *x = a, *y = b;
	if (x->o != y->o)
		return x->o < y->o ? -1 : 1;
	if (x->u != y->u)
		return x->u < y->u ? -1 : 1;
	return 0;
}

/* Fill c[] (sorted by (o, u)) from P's routes; returns the entry count.
 * A peer counts once per (o, u) even with several ADD-PATH routes, and
 * once per origin in (o, DET_ORIGIN_EPI), the last entry of each origin.
 * The per-origin counts are kept apart while the (o, u) entries are
 * sorted and merged, then put after each origin's entries: interleaved,
 * they made the sort quadratic (twice the detector's time). */
/* A peer's (0, tag) entry (a leak, or a watch list's path rule), once. */
static uint32_t add_tag(struct ou_n **buf, uint32_t *cap, uint32_t first_c, uint32_t nc, uint32_t id)
{
	for (uint32_t k = first_c; k < nc; k++)
		if (!(*buf)[k].o && (*buf)[k].u == id)
			return nc;
	VEC(*buf, *cap, (size_t)nc + 1);
	(*buf)[nc++] = (struct ou_n){0, id, 1};
	return nc;
}

/* wp: the watch entry whose path rules the prefix's routes are tried
 * against (docs/events.md §13), or NULL. */
static uint32_t summarize(struct det *d, struct rib *r, uint32_t pfx, const struct watch_prefix *wp,
			  struct ou_n **buf, uint32_t *cap, uint16_t *vis, uint16_t *nnull)
{
	const struct rib_pfx *x = &r->pfx[pfx];
	uint32_t nc = 0, noc = 0;
	uint16_t v = 0, nn = 0;
	struct ou_n oc[16]; /* (origin, DET_ORIGIN_EPI, peers): prefixes have few origins */
	bool spill = false; /* more than 16: they go into the sort as before */
	/* the paths are scattered in memory: ask for all of them at once so
	 * the cache misses overlap */
	for (uint32_t i = 0; i < x->n; i++)
		__builtin_prefetch(&r->path[x->r[i].path]);
	for (uint32_t i = 0; i < x->n;) {
		uint32_t peer = rib_route_peer(&x->r[i]);
		uint32_t j = i;
		bool null_seen = false;
		uint32_t first_c = nc;
		for (; j < x->n && rib_route_peer(&x->r[j]) == peer; j++) {
			const struct rib_path *p = &r->path[x->r[j].path];
			if (d->rel) {
				/* docs/events.md §11: (0, leak id), a peer once per leak */
				uint32_t lid[2], nl = det__path_leaks(d, r, x->r[j].path, lid);
				for (uint32_t q = 0; q < nl; q++)
					nc = add_tag(buf, cap, first_c, nc, lid[q]);
			}
			if (wp) {
				/* §13: (0, tag) per path rule the route triggers */
				uint32_t tid[8], nt = det__path_rules(d, r, x->r[j].path, wp, tid, 8);
				for (uint32_t q = 0; q < nt; q++)
					nc = add_tag(buf, cap, first_c, nc, tid[q]);
			}
			if (!p->origin) {
				null_seen = true;
				continue;
			}
			/* an upstream that is a reserved key counts as none */
			uint32_t u = p->upstream >= DET_UNCOV_EPI ? 0 : p->upstream;
			bool dup = false, has_o = false;
			for (uint32_t k = first_c; k < nc; k++)
				if ((*buf)[k].o == p->origin) {
					has_o = true;
					dup |= (*buf)[k].u == u;
				}
			if (dup)
				continue;
			VEC(*buf, *cap, (size_t)nc + 2);
			(*buf)[nc++] = (struct ou_n){p->origin, u, 1};
			if (has_o)
				continue;
			/* the peer counts once for (P, O), docs/events.md §10 */
			uint32_t q = 0;
			while (q < noc && oc[q].o != p->origin)
				q++;
			if (q < noc) {
				oc[q].n++;
			} else if (noc < RW_ARRAY_LEN(oc) && !spill) {
				oc[noc++] = (struct ou_n){p->origin, DET_ORIGIN_EPI, 1};
			} else {
				spill = true;
				(*buf)[nc++] = (struct ou_n){p->origin, DET_ORIGIN_EPI, 1};
			}
		}
		v++;
		nn += null_seen;
		i = j;
	}
	/* merge equal (o, u) of different peers */
	if (nc > 32) {
		qsort(*buf, nc, sizeof **buf, cur_cmp);
	} else {
		for (uint32_t i = 1; i < nc; i++) { /* few entries: insertion sort */
			struct ou_n t = (*buf)[i];
			uint32_t j = i;
			for (; j > 0 && cur_cmp(&(*buf)[j - 1], &t) > 0; j--)
				(*buf)[j] = (*buf)[j - 1];
			(*buf)[j] = t;
		}
	}
	uint32_t k = 0;
	for (uint32_t i = 0; i < nc; i++) {
		if (k && (*buf)[k - 1].o == (*buf)[i].o && (*buf)[k - 1].u == (*buf)[i].u)
			(*buf)[k - 1].n++;
		else
			(*buf)[k++] = (*buf)[i];
	}
	if (spill) {
		/* an origin counted in oc before the spill may also have an
		 * entry from it: add oc's to the sort's, once more in order */
		VEC(*buf, *cap, (size_t)k + noc);
		for (uint32_t q = 0; q < noc; q++)
			(*buf)[k++] = oc[q];
		noc = 0;
		spill = false;
		nc = k;
		qsort(*buf, nc, sizeof **buf, cur_cmp);
		k = 0;
		for (uint32_t i = 0; i < nc; i++) {
			if (k && (*buf)[k - 1].o == (*buf)[i].o && (*buf)[k - 1].u == (*buf)[i].u)
				(*buf)[k - 1].n += (*buf)[i].n;
			else
				(*buf)[k++] = (*buf)[i];
		}
	}
	if (noc) {
		/* each origin's (o, DET_ORIGIN_EPI) after its last (o, u): a
		 * merge from the back, in place (the origins sorted first) */
		for (uint32_t i = 1; i < noc; i++) {
			struct ou_n t = oc[i];
			uint32_t j = i;
			for (; j > 0 && oc[j - 1].o > t.o; j--)
				oc[j] = oc[j - 1];
			oc[j] = t;
		}
		VEC(*buf, *cap, (size_t)k + noc);
		uint32_t w = k + noc, a = k, b = noc;
		while (b) {
			/* the next from the back: an (o, u) entry of a larger
			 * origin, or oc's entry (it sorts after every (o, u) of
			 * its origin) */
			if (a && (*buf)[a - 1].o > oc[b - 1].o)
				(*buf)[--w] = (*buf)[--a];
			else
				(*buf)[--w] = oc[--b];
		}
		k += noc;
	}
	*vis = v;
	*nnull = nn;
	return k;
}

static void pend(struct det *d, uint32_t pfx, uint32_t o, uint32_t u, uint32_t time, uint32_t since,
		 uint16_t npeers, uint8_t kind)
{
	VEC(d->pend, d->cappend, (size_t)d->npend + 1);
	d->pend[d->npend++] = (struct det_pend){pfx, o, u, time, since, 0, npeers, kind};
	d->pend[d->npend - 1].src = d->psrc;
}

static void add_delta(struct u64map *m, uint64_t key, int32_t delta)
{
	if (!delta)
		return;
	uint32_t *v = u64map_put(m, key);
	*v = (uint32_t)((int32_t)*v + delta);
}

/* An event dated at this second from a revealed prefix happened in
 * [since, sec]: it carries since. */
void det__push_ev(struct eval_ctx *x, struct det_event e)
{
	if (!e.since && e.time == x->sec && e.pfx != RIB_NONE)
		e.since = x->psince;
	if (!e.src && e.time == x->sec && e.pfx != RIB_NONE)
		e.src = x->psrc;
	VEC(x->pe, x->cappe, (size_t)x->npe + 1);
	VEC(x->peo, x->cappeo, (size_t)x->npe + 1);
	VEC(x->pev, x->cappev, (size_t)x->npe + 1);
	x->peo[x->npe] = x->nol - e.norigins; /* its list was just added */
	x->pev[x->npe] = x->nvl - e.nvrps;
	x->pe[x->npe++] = e;
}

static void push_pe(struct eval_ctx *x, uint8_t type, bool has_origin, uint32_t o, uint32_t pfx)
{
	det__push_ev(x, (struct det_event){.type = type, .has_origin = has_origin, .time = x->sec,
				      .determined = x->sec, .origin = o, .pfx = pfx});
}

static void push_up(struct eval_ctx *x, uint8_t type, uint32_t time, uint32_t o, uint32_t u, uint32_t pfx,
		    bool flag, uint16_t npeers)
{
	const struct asrel *rel = x->d->rel;
	det__push_ev(x, (struct det_event){.type = type, .has_origin = true, .flag = flag, .time = time,
				      .determined = x->sec, .origin = o, .upstream = u, .pfx = pfx,
				      .npeers = npeers, .rel = rel ? (uint8_t)(1 + asrel_get(rel, o, u)) : 0});
}

static void add_epi(struct eval_ctx *x, uint32_t *n, struct det_epi e)
{
	VEC(x->ne, x->capne, (size_t)*n + 1);
	x->ne[(*n)++] = e;
}

/* ---- docs/events.md §10: the (P, O) episodes' events */

/* An event with an origin list (list without `skip`). */
static void push_or(struct eval_ctx *x, uint8_t type, uint32_t time, uint32_t o, uint32_t u, uint32_t pfx,
		    bool flag, uint16_t npeers, const uint32_t *list, uint32_t n, uint32_t skip)
{
	VEC(x->ol, x->capol, (size_t)x->nol + n);
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++)
		if (list[i] != skip)
			x->ol[x->nol + k++] = list[i];
	x->nol += k;
	det__push_ev(x, (struct det_event){.type = type, .has_origin = true, .flag = flag, .time = time,
				      .determined = x->sec, .origin = o, .upstream = u, .pfx = pfx,
				      .npeers = npeers, .norigins = k});
}

/* The origins of the summary (one (o, DET_ORIGIN_EPI) entry each), into x->po. */
static uint32_t sum_origins(struct eval_ctx *x, const struct ou_n *c, uint32_t nc)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < nc; i++)
		if (c[i].u == DET_ORIGIN_EPI) {
			VEC(x->po, x->cappo, (size_t)n + 1);
			x->po[n++] = c[i].o;
		}
	return n;
}

/* The longest less-specific prefix of pfx with routes now; RIB_NONE: none.
 * One lookup per shorter length, only for a confirmed prefix_new. */
static uint32_t covering(const struct rib *r, uint32_t pfx)
{
	struct rw_prefix q = r->pfx[pfx].p;
	q.path_id = 0;
	while (q.len > 0) {
		q.len--;
		q.b[q.len / 8] &= (uint8_t)~(0x80u >> (q.len % 8));
		uint32_t id = rib_prefix_find(r, &q);
		if (id != RIB_NONE && r->pfx[id].n)
			return id;
	}
	return RIB_NONE;
}

/* The origins of a prefix's routes now (sorted, distinct), into x->po. */
uint32_t det__rib_origins(struct eval_ctx *x, const struct rib *r, uint32_t pfx)
{
	const struct rib_pfx *p = &r->pfx[pfx];
	uint32_t n = 0;
	for (uint32_t i = 0; i < p->n; i++) {
		uint32_t o = r->path[p->r[i].path].origin, j = n;
		if (!o)
			continue;
		for (; j > 0 && x->po[j - 1] > o; j--)
			;
		if (j > 0 && x->po[j - 1] == o)
			continue;
		VEC(x->po, x->cappo, (size_t)n + 1);
		memmove(x->po + j + 1, x->po + j, (size_t)(n - j) * sizeof *x->po);
		x->po[j] = o;
		n++;
	}
	return n;
}

/* A (P, O) episode reached --min-peers after the baseline: prefix_new (and
 * more_specific under a covering prefix without O), else origin_gained. */
static void origin_confirmed(struct eval_ctx *x, const struct rib *r, uint32_t pfx, const struct det_epi *ep,
			     const struct ou_n *c, uint32_t nc, uint16_t n)
{
	if (ep->flags & DET_F_PNEW) {
		push_or(x, DET_PREFIX_NEW, ep->start, ep->origin, 0, pfx, false, n, NULL, 0, 0);
		uint32_t cv = covering(r, pfx), no;
		if (cv == RIB_NONE)
			return;
		no = det__rib_origins(x, r, cv);
		for (uint32_t i = 0; i < no; i++)
			if (x->po[i] == ep->origin)
				return; /* deaggregation by the same origin */
		push_or(x, DET_MORE_SPECIFIC, ep->start, ep->origin, cv, pfx, false, n, x->po, no, 0);
		return;
	}
	uint32_t no = sum_origins(x, c, nc);
	push_or(x, DET_ORIGIN_GAINED, ep->start, ep->origin, 0, pfx, ep->flags & DET_F_NEW, n, x->po, no,
		ep->origin);
}

static void origin_lost(struct eval_ctx *x, uint32_t time, uint32_t pfx, const struct det_epi *ep,
			const struct ou_n *c, uint32_t nc)
{
	uint32_t no = sum_origins(x, c, nc);
	push_or(x, DET_ORIGIN_LOST, time, ep->origin, 0, pfx, false, ep->n, x->po, no, ep->origin);
}

/* An (O, U) entry, not a reserved key nor a leak's (0, id) (§11). */
static bool is_ou(uint32_t o, uint32_t u)
{
	return o && u < DET_UNCOV_EPI;
}

/* What stays of an ended (P, O) episode: that O was an origin of P until
 * `down` (this second). */
static struct det_epi past(struct eval_ctx *x, uint32_t pfx, const struct det_epi *e, uint32_t sec)
{
	/* the pair joins the history (a store remembers it for years; the
	 * running ones are the detector's own memory) */
	const struct det_hooks *hk = x->d->hooks;
	if (hk && hk->po_seen)
		hk->po_seen(hk->arg, sec, pfx, e->origin);
	return (struct det_epi){.origin = e->origin, .upstream = DET_ORIGIN_EPI, .down = sec, .flags = DET_F_PAST};
}

static void eval_prefix(struct eval_ctx *x, struct rib *r, uint32_t pfx, uint8_t why)
{
	struct det *d = x->d;
	struct det_pfx *dp = &d->pfx[pfx];
	uint16_t vis, nnull;
	/* §13: the prefix's watch entry, looked up once: its path rules go to
	 * the summary, the rest to the reserved entries and tags below */
	bool exact = false;
	const struct watch_prefix *wm = d->watch ? watch_match(d->watch, &r->pfx[pfx].p, &exact) : NULL;
	const struct watch_prefix *wset = det__watches(wm, exact) ? wm : NULL;
	const struct watch_prefix *wvis = wset && exact ? wm : NULL; /* the watched prefix itself */
	const struct watch_prefix *wp = wset && wset->npaths ? wm : NULL;
	uint32_t nc = summarize(d, r, pfx, wp, &x->cur, &x->capcur, &vis, &nnull);
	nc = det__add_reserved(x, r, pfx, nc, wm, exact);
	if (wvis) {
		/* (0, visibility tag, peers lost), among the (0, tag) entries */
		uint32_t lost = det__visibility(d, r, pfx, why, x->baseline);
		if (lost)
			nc = det__add_watch_tag(x, nc, DET_VIS_TAG, (uint32_t)(wvis - d->watch->pfx), lost);
	}
	if (wset && nnull) /* (0, AS_SET tag, peers whose route has no origin) */
		nc = det__add_watch_tag(x, nc, DET_ASSET_TAG, (uint32_t)(wset - d->watch->pfx), nnull);
	const struct ou_n *c = x->cur;
	uint32_t sec = x->sec;
	bool base = x->baseline;
	uint16_t old_vis = dp->vis, old_nnull = dp->nnull;
	VEC(x->oo, x->capoo, ((size_t)dp->ne + nc) * 2);
	x->psince = why & RIB_WHY_REVEALED ? x->since : 0;
	/* docs/events.md §9: no route left only because sessions ended (no
	 * withdrawal in the second) is no data, not an outage */
	bool unobs_before = dp->flags & DET_P_UNOBS;
	bool going_unobs = !base && old_vis > 0 && vis == 0 && !(why & RIB_WHY_WITHDRAW) && (why & RIB_WHY_SESSION);
	bool unobs_after = going_unobs || (unobs_before && vis == 0);

	/* route-count deltas, and origin presence before and after; an
	 * unobserved prefix keeps the origins it had (its episodes') */
	uint32_t *oo = x->oo, noo = 0, nno = 0;
	for (uint32_t i = 0; i < dp->ne; i++) {
		const struct det_epi *e = &dp->e[i];
		if (e->n && is_ou(e->origin, e->upstream))
			add_delta(x->d_ou, ou_key(e->origin, e->upstream), -(int32_t)e->n);
		if (e->origin && (unobs_before ? !(e->flags & DET_F_PAST) : e->n && !(e->flags & DET_F_DORMANT)) &&
		    (!noo || oo[noo - 1] != e->origin))
			oo[noo++] = e->origin; /* episodes are sorted by origin */
	}
	uint32_t *no = oo + noo;
	for (uint32_t i = 0; i < nc; i++) {
		if (is_ou(c[i].o, c[i].u))
			add_delta(x->d_ou, ou_key(c[i].o, c[i].u), c[i].n);
		if (c[i].o && (!nno || no[nno - 1] != c[i].o))
			no[nno++] = c[i].o;
	}
	if (unobs_after) {
		no = oo; /* nothing seen: the origins stay as they were */
		nno = noo;
	}
	for (uint32_t i = 0, j = 0; i < noo || j < nno;) {
		if (j >= nno || (i < noo && oo[i] < no[j])) {
			add_delta(x->d_origin, oo[i++], -1);
			x->any_revealed |= x->psince != 0;
		} else if (i >= noo || no[j] < oo[i]) {
			add_delta(x->d_origin, no[j++], +1);
			x->any_revealed |= x->psince != 0;
		} else {
			i++, j++;
		}
	}

	/* prefix visibility (docs/events.md §6, §9) */
	if (going_unobs) {
		dp->flags |= DET_P_UNOBS;
	} else if (!base && old_vis > 0 && vis == 0) {
		for (uint32_t i = 0; i < noo; i++)
			push_pe(x, DET_PREFIX_DOWN, true, oo[i], pfx);
		if (old_nnull)
			push_pe(x, DET_PREFIX_DOWN, false, 0, pfx);
		dp->flags |= DET_P_DOWN;
	} else if (old_vis == 0 && vis > 0 && (dp->flags & DET_P_UNOBS)) {
		dp->flags &= (uint8_t)~DET_P_UNOBS; /* seen again: no prefix_up */
	} else if (old_vis == 0 && vis > 0 && (dp->flags & DET_P_DOWN)) {
		dp->flags &= (uint8_t)~DET_P_DOWN;
		if (!base) {
			for (uint32_t i = 0; i < nno; i++)
				push_pe(x, DET_PREFIX_UP, true, no[i], pfx);
			if (nnull)
				push_pe(x, DET_PREFIX_UP, false, 0, pfx);
		}
	}

	/* episodes (docs/events.md §5): merge stored (sorted) with the summary */
	uint32_t nn = 0, i = 0, k = 0;
	while (i < dp->ne || k < nc) {
		const struct det_epi *e = i < dp->ne ? &dp->e[i] : NULL;
		const struct ou_n *cu = k < nc ? &c[k] : NULL;
		int cmp;
		if (!e)
			cmp = 1;
		else if (!cu)
			cmp = -1;
		else
			cmp = e->origin != cu->o ? (e->origin < cu->o ? -1 : 1)
						 : e->upstream != cu->u ? (e->upstream < cu->u ? -1 : 1) : 0;
		uint16_t n_new = cmp >= 0 ? cu->n : 0;
		uint32_t key_u = cmp > 0 ? cu->u : e->upstream;
		bool le = !(cmp > 0 ? cu->o : e->origin); /* a leak's (§11) */
		bool oe = !le && key_u == DET_ORIGIN_EPI; /* a (P, O) episode */
		bool re = !le && key_u == DET_RPKI_EPI;   /* (P, O) while invalid (§12) */
		/* (P, O) under a watch rule, or watched and covered by no VRP (§13) */
		bool we = !le && (key_u == DET_WATCH_EPI || key_u == DET_UNCOV_EPI);
		bool reportable;
		if (cmp > 0 || (cmp == 0 && (e->flags & DET_F_PAST) && n_new > 0)) {
			/* a new episode starts (for (P, O): maybe again) */
			struct det_epi ne = {cu->o, cu->u, sec, 0, n_new, 0};
			if (base)
				ne.flags |= DET_F_BASELINE;
			if (oe) {
				/* new_for_prefix: O was no origin of P after the
				 * last RIB dump's second (docs/events.md §10) */
				if (cmp > 0 || e->down <= d->last_dump)
					ne.flags |= DET_F_NEW;
				if (!(dp->flags & DET_P_SEEN))
					ne.flags |= DET_F_PNEW;
				/* "never before" reaches as far back as the
				 * store's history when there is one */
				const struct det_hooks *hk = d->hooks;
				if (hk && hk->po_known && !base && (ne.flags & (DET_F_NEW | DET_F_PNEW))) {
					bool pk = false;
					if (hk->po_known(hk->arg, pfx, cu->o, &pk))
						ne.flags &= (uint8_t)~DET_F_NEW;
					if (pk)
						ne.flags &= (uint8_t)~DET_F_PNEW;
				}
			} else if (re) {
				/* cause vrp_change: O was there, the VRPs changed */
				if (d->vrp_now && det__had_origin(dp, cu->o, sec))
					ne.flags |= DET_F_NEW;
			} else if (le || we) {
				/* nothing decided at the start */
			} else if (!ou_routes(d, cu->o, cu->u)) {
				ne.flags |= DET_F_NEW;
			}
			if (n_new >= d->min_peers) {
				ne.flags |= DET_F_CONFIRMED;
				if (oe) {
					if (!base)
						origin_confirmed(x, r, pfx, &ne, c, nc, n_new);
				} else if (re) {
					if (!base)
						det__rpki_confirmed(x, r, pfx, &ne, n_new);
				} else if (le) {
					if (!base)
						det__leak_confirmed(x, r, pfx, &ne, n_new);
				} else if (we) {
					if (!base)
						det__watch_event(x, r, pfx, &ne, false, ne.start, n_new);
				} else if (!base && cu->u)
					push_up(x, DET_UPSTREAM_GAINED, sec, cu->o, cu->u, pfx, ne.flags & DET_F_NEW, n_new);
				else if (cu->u && d->report_present)
					push_up(x, DET_UPSTREAM_PRESENT, sec, cu->o, cu->u, pfx, false, n_new);
			}
			add_epi(x, &nn, ne);
			k++;
			i += cmp == 0;
			continue;
		}
		struct det_epi ep = *e;
		i++;
		if (cmp == 0)
			k++;
		if (ep.flags & DET_F_PAST) { /* and no route of O now */
			if (ep.down > d->last_dump)
				add_epi(x, &nn, ep); /* else not after the last dump: forgotten */
			continue;
		}
		reportable = (ep.flags & DET_F_CONFIRMED) && ep.upstream;
		if (n_new > 0) {
			/* active (or back from dormancy with U) */
			ep.flags &= (uint8_t)~DET_F_DORMANT;
			ep.n = n_new;
			if (base)
				ep.flags |= DET_F_BASELINE;
			if (!(ep.flags & DET_F_CONFIRMED) && n_new >= d->min_peers) {
				ep.flags |= DET_F_CONFIRMED;
				if (oe) {
					if (!base && !(ep.flags & DET_F_BASELINE))
						origin_confirmed(x, r, pfx, &ep, c, nc, n_new);
				} else if (re) {
					if (!base && !(ep.flags & DET_F_BASELINE))
						det__rpki_confirmed(x, r, pfx, &ep, n_new);
				} else if (le) {
					if (!base && !(ep.flags & DET_F_BASELINE))
						det__leak_confirmed(x, r, pfx, &ep, n_new);
				} else if (we) {
					if (!base && !(ep.flags & DET_F_BASELINE))
						det__watch_event(x, r, pfx, &ep, false, ep.start, n_new);
				} else if (!base && !(ep.flags & DET_F_BASELINE) && ep.upstream)
					push_up(x, DET_UPSTREAM_GAINED, ep.start, ep.origin, ep.upstream, pfx,
						ep.flags & DET_F_NEW, n_new);
				else if (ep.upstream && d->report_present)
					push_up(x, DET_UPSTREAM_PRESENT, sec, ep.origin, ep.upstream, pfx, false, n_new);
			}
			add_epi(x, &nn, ep);
			continue;
		}
		if (base) { /* ends silently in a baseline second */
			if (oe)
				add_epi(x, &nn, past(x, pfx, &ep, sec));
			else if (reportable && !re && !le && !we && d->report_present)
				pend(d, pfx, ep.origin, ep.upstream, sec, 0, 0, 2);
			continue;
		}
		if (ep.flags & DET_F_DORMANT) {
			if (vis > 0) {
				/* P is back without U: the loss dates from the outage */
				if (reportable && oe)
					origin_lost(x, ep.down, pfx, &ep, c, nc);
				else if (reportable && re)
					det__rpki_end(x, ep.down, pfx, &ep);
				else if (reportable && le)
					det__leak_end(x, r, ep.down, pfx, &ep);
				else if (reportable && we)
					det__watch_event(x, r, pfx, &ep, true, ep.down, 0);
				else if (reportable)
					push_up(x, DET_UPSTREAM_LOST, ep.down, ep.origin, ep.upstream, pfx,
						ep.flags & DET_F_LAST, 0);
				if (oe)
					add_epi(x, &nn, past(x, pfx, &ep, sec));
				continue;
			}
			add_epi(x, &nn, ep); /* still down */
			continue;
		}
		if (vis > 0) {
			if (reportable && oe)
				origin_lost(x, sec, pfx, &ep, c, nc);
			else if (reportable && re)
				det__rpki_end(x, sec, pfx, &ep);
			else if (reportable && le)
				det__leak_end(x, r, sec, pfx, &ep);
			else if (reportable && we)
				det__watch_event(x, r, pfx, &ep, true, sec, ep.n);
			else if (reportable)
				pend(d, pfx, ep.origin, ep.upstream, sec, x->psince, ep.n, 0);
			if (oe)
				add_epi(x, &nn, past(x, pfx, &ep, sec));
			continue;
		}
		/* P went down: the episode sleeps */
		ep.flags |= DET_F_DORMANT;
		ep.down = sec;
		ep.n = 0;
		if (reportable && !oe && !re && !le && !we)
			pend(d, pfx, ep.origin, ep.upstream, sec, 0, 0, 1);
		add_epi(x, &nn, ep);
	}
	VEC(dp->e, dp->cap, nn);
	if (nn)
		memcpy(dp->e, x->ne, (size_t)nn * sizeof *dp->e);
	dp->ne = nn;
	if (!nn) {
		rw_vec_free(&dp->e, &dp->cap, sizeof *dp->e, RW_MEM_DET);
	}
	dp->vis = vis;
	dp->nnull = nnull;
	if (vis)
		dp->flags |= DET_P_SEEN;
	if (dp->flags & DET_P_UNOBS) {
		bool keep = false; /* an origin left to keep (past ones are not) */
		for (uint32_t j = 0; j < nn && !keep; j++)
			keep = !(dp->e[j].flags & DET_F_PAST);
		if (!keep)
			dp->flags &= (uint8_t)~DET_P_UNOBS;
	}
}

void det_count(const struct det *d, struct det_counts *c)
{
	memset(c, 0, sizeof *c);
	for (uint32_t i = 0; i < d->npfx; i++)
		for (uint32_t j = 0; j < d->pfx[i].ne; j++) {
			const struct det_epi *e = &d->pfx[i].e[j];
			if (!e->origin)
				c->tag++;
			else if (e->upstream == DET_ORIGIN_EPI)
				c->origin++;
			else if (e->upstream == DET_RPKI_EPI)
				c->rpki++;
			else if (e->upstream == DET_WATCH_EPI || e->upstream == DET_UNCOV_EPI)
				c->watch++;
			else
				c->upstream++;
		}
	c->leaks = d->nleak;
}

static void no_event(void *arg, const struct det_event *e)
{
	(void)arg;
	(void)e;
}

void det_rebuild_origins(struct det *d, struct rib *r, uint32_t sec)
{
	d->rebuild_origins = false;
	rib_mark_all_dirty(r);
	const struct det_hooks *hooks = d->hooks;
	bool present = d->report_present;
	d->hooks = NULL; /* the counts do not change: nothing to tell */
	d->report_present = false;
	det_evaluate(d, r, sec, true, 0, no_event, NULL);
	d->hooks = hooks;
	d->report_present = present;
}

static void ctx_release(struct eval_ctx *x)
{
	rw_vec_free(&x->cur, &x->capcur, sizeof *x->cur, RW_MEM_DET);
	rw_vec_free(&x->ne, &x->capne, sizeof *x->ne, RW_MEM_DET);
	rw_vec_free(&x->pe, &x->cappe, sizeof *x->pe, RW_MEM_DET);
	rw_vec_free(&x->oo, &x->capoo, sizeof *x->oo, RW_MEM_DET);
	rw_vec_free(&x->ol, &x->capol, sizeof *x->ol, RW_MEM_DET);
	rw_vec_free(&x->peo, &x->cappeo, sizeof *x->peo, RW_MEM_DET);
	rw_vec_free(&x->po, &x->cappo, sizeof *x->po, RW_MEM_DET);
	rw_vec_free(&x->vl, &x->capvl, sizeof *x->vl, RW_MEM_DET);
	rw_vec_free(&x->pev, &x->cappev, sizeof *x->pev, RW_MEM_DET);
	rw_vec_free(&x->mark, &x->capmark, sizeof *x->mark, RW_MEM_DET);
}

/* The baseline second of a RIB dump evaluates every prefix at once, on
 * one thread, after the dump was decoded on two: the other core sat idle
 * for a fifth of a second of a 1.2 M-prefix load. Such a second is split:
 * a helper evaluates the dirty list's second half into its own context
 * and delta maps while this thread does the first, and its deltas are
 * then added in order, so the maps, their order and every count are those
 * of one pass. It is done only where a baseline prefix's evaluation
 * writes nothing but its own det_pfx, its context and the deltas: no
 * events (no report_present), no hooks, and none of the readers that keep
 * shared caches (leaks, watch, RPKI). */
static bool split_ok(const struct det *d, bool baseline, uint32_t n)
{
	return baseline && n >= d->split_min && n >= 2 && !d->report_present && !d->hooks && !d->chooks &&
	       !d->rel && !d->watch && !(d->rpki && d->rpki->n);
}

struct half {
	struct eval_ctx x;
	struct u64map d_ou, d_origin;
	struct rib *r;
	const uint32_t *dirty;
	const uint8_t *why;
	uint32_t lo, hi;
};

static void *half_main(void *arg)
{
	struct half *h = arg;
	for (uint32_t i = h->lo; i < h->hi; i++) {
		h->x.psrc = i + 1;
		eval_prefix(&h->x, h->r, h->dirty[i], h->why[i]);
	}
	return NULL;
}

/* from's deltas added to to's, in from's order (new keys after to's) */
static void add_deltas(struct u64map *to, const struct u64map *from)
{
	for (uint32_t i = 0; i < from->n; i++) {
		uint32_t *v = u64map_put(to, from->keys[i]);
		*v += from->vals[i];
	}
}

/* Every second in one pass, or split (above): the first half here. */
static void eval_dirty(struct eval_ctx *x, struct rib *r, const uint32_t *dirty, const uint8_t *why, uint32_t n)
{
	struct det *d = x->d;
	pthread_t t;
	struct half h;
	bool split = split_ok(d, x->baseline, n);
	if (split) {
		h = (struct half){.x = {.d = d, .fn = x->fn, .arg = x->arg, .sec = x->sec, .baseline = x->baseline,
					.since = x->since},
				  .r = r, .dirty = dirty, .why = why, .lo = n / 2, .hi = n};
		u64map_init(&h.d_ou, RW_MEM_DET);
		u64map_init(&h.d_origin, RW_MEM_DET);
		h.x.d_ou = &h.d_ou;
		h.x.d_origin = &h.d_origin;
		split = !rw_thread_start(&t, half_main, &h, "evaluation"); /* else one pass */
		if (split)
			n /= 2;
		else {
			u64map_release(&h.d_ou);
			u64map_release(&h.d_origin);
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		x->psrc = d->psrc = i + 1;
		eval_prefix(x, r, dirty[i], why[i]);
	}
	if (!split)
		return;
	pthread_join(t, NULL);
	/* nothing but deltas may come back (split_ok) */
	if (h.x.npe || h.x.nol || h.x.nvl)
		abort();
	add_deltas(x->d_ou, &h.d_ou);
	add_deltas(x->d_origin, &h.d_origin);
	x->any_revealed |= h.x.any_revealed;
	u64map_release(&h.d_ou);
	u64map_release(&h.d_origin);
	ctx_release(&h.x);
}

void det_evaluate(struct det *d, struct rib *r, uint32_t sec, bool baseline, uint32_t since, det_event_fn fn,
		  void *arg)
{
	uint32_t n;
	const uint8_t *why;
	const uint32_t *dirty = rib_take_dirty(r, &n, &why);
	if (d->dump_now) {
		d->last_dump = sec;
		d->dump_now = false;
	}
	if (!n) {
		d->vrp_now = false;
		return;
	}
	d->evaluations++;
	ensure_pfx(d, r->npfx);
	struct eval_ctx x = {.d = d, .fn = fn, .arg = arg, .sec = sec, .baseline = baseline, .since = since,
			     .d_ou = &d->d_ou, .d_origin = &d->d_origin};
	u64map_clear(&d->d_ou);
	u64map_clear(&d->d_origin);
	d->npend = 0;
	eval_dirty(&x, r, dirty, why, n);
	x.psince = 0;
	x.psrc = d->psrc = 0;

	/* the second's counts: routes per (O, U), prefixes per O */
	for (uint32_t i = 0; i < d->d_ou.n; i++) {
		if (!d->d_ou.vals[i])
			continue;
		uint32_t *v = u64map_put(&d->ou, d->d_ou.keys[i]);
		uint32_t before = *v;
		*v += d->d_ou.vals[i];
		if (d->hooks && d->hooks->ou)
			d->hooks->ou(d->hooks->arg, sec, (uint32_t)(d->d_ou.keys[i] >> 32), (uint32_t)d->d_ou.keys[i],
				     before, *v);
		if (!*v)
			u64map_del(&d->ou, d->d_ou.keys[i]);
	}
	/* origin transitions */
	for (uint32_t i = 0; i < d->d_origin.n; i++) {
		if (!d->d_origin.vals[i])
			continue;
		uint32_t o = (uint32_t)d->d_origin.keys[i];
		uint32_t *v = u64map_put(&d->origin, o);
		uint32_t before = *v & 0x7fffffffu;
		bool down = *v & 0x80000000u;
		uint32_t after = (uint32_t)((int32_t)before + (int32_t)d->d_origin.vals[i]);
		if (!baseline && before > 0 && after == 0) {
			down = true;
			push_pe(&x, DET_ORIGIN_DOWN, true, o, RIB_NONE);
		} else if (!baseline && before == 0 && after > 0 && down) {
			down = false;
			push_pe(&x, DET_ORIGIN_UP, true, o, RIB_NONE);
		}
		if (x.npe && x.pe[x.npe - 1].pfx == RIB_NONE && x.pe[x.npe - 1].origin == o && x.any_revealed)
			x.pe[x.npe - 1].since = since; /* the second's revealed changes made it */ else if (after > 0) {
			down = false;
		}
		*v = after | (down ? 0x80000000u : 0);
		if (d->hooks && d->hooks->origin && before != after)
			d->hooks->origin(d->hooks->arg, sec, o, before, after);
		if (!after && !down)
			u64map_del(&d->origin, o);
	}
	/* losses decided now that the second's counts are known */
	for (uint32_t i = 0; i < d->npend; i++) {
		const struct det_pend *p = &d->pend[i];
		bool last = ou_routes(d, p->origin, p->upstream) == 0;
		if (p->kind == 0) {
			x.psince = p->since;
			x.psrc = p->src;
			push_up(&x, DET_UPSTREAM_LOST, p->time, p->origin, p->upstream, p->pfx, last, p->npeers);
			x.psince = 0;
			x.psrc = 0;
		} else if (p->kind == 2) {
			if (last) /* the history's interval ends with it, unreported */
				push_up(&x, DET_UPSTREAM_PRESENT, p->time, p->origin, p->upstream, p->pfx, true, 0);
		} else {
			struct det_pfx *dp = &d->pfx[p->pfx];
			for (uint32_t k = 0; k < dp->ne; k++)
				if (dp->e[k].origin == p->origin && dp->e[k].upstream == p->upstream) {
					if (last)
						dp->e[k].flags |= DET_F_LAST;
					else
						dp->e[k].flags &= (uint8_t)~DET_F_LAST;
				}
		}
	}
	det__country_eval(&x, r);
	/* every event of the second, with the origin's prefix count after it */
	for (uint32_t i = 0; i < x.npe; i++) {
		struct det_event *e = &x.pe[i];
		e->origins = e->norigins ? x.ol + x.peo[i] : NULL;
		e->vrps = e->nvrps ? x.vl + x.pev[i] : NULL;
		/* (a leak's origin field is the leaker: no count of its own) */
		e->origin_pfx = e->has_origin && e->type < DET_ROUTE_LEAK ? det_origin_prefixes(d, e->origin) : 0;
		d->events += e->type != DET_UPSTREAM_PRESENT && e->type != DET_COUNTRY_PRESENT;
		fn(arg, e);
		if (d->watch)
			d->events += det__watch_derive(d, r, e, fn, arg);
	}
	if (d->hooks && d->hooks->end)
		d->hooks->end(d->hooks->arg, sec);
	if (d->chooks && d->chooks->end)
		d->chooks->end(d->chooks->arg, sec);
	ctx_release(&x);
	d->vrp_now = false;
	/* a big second (a RIB dump) leaves big delta maps behind; clearing
	 * and scanning them every later second would cost their size */
	if (d->d_ou.cap > 4096)
		u64map_release(&d->d_ou);
	if (d->d_origin.cap > 4096)
		u64map_release(&d->d_origin);
	if (d->cappend > 4096)
		rw_vec_free(&d->pend, &d->cappend, sizeof *d->pend, RW_MEM_DET);
}
