/*
 * docs/events.md §11-§13 in the detector: the summary entries of RPKI
 * invalid (P, O), watch rules, leaks, path rules, visibility and AS_SET
 * hijacks, and the events their episodes make. det.c's merge loop runs the
 * episodes; this file says what their entries and events are.
 */
#include "det_int.h"

#include <stdlib.h>

/* ---- docs/events.md §12: RPKI invalid episodes */


/* docs/events.md §13: which rule of the watch list (P, O) falls under:
 * hijack (a watched prefix, or a more-specific of it, from an origin the
 * entry does not list), newprefix (a more-specific from a listed origin),
 * misconfiguration (a watched network originates a prefix the list does
 * not have); 0: none. An entry with `ignore` watches nothing, and one
 * with ignoreMorespecifics nothing below it. */
enum { WC_NONE, WC_HIJACK, WC_NEWPREFIX, WC_MISCONF };

static int watch_cond(const struct watch *w, const struct watch_prefix *wp, bool exact, uint32_t o)
{
	if (wp) {
		if (!det__watches(wp, exact))
			return WC_NONE;
		if (!watch_origin_ok(wp, o))
			return WC_HIJACK;
		return exact ? WC_NONE : WC_NEWPREFIX;
	}
	return watch_asn(w, o) ? WC_MISCONF : WC_NONE;
}

/* After summarize: before each origin's (o, DET_ORIGIN_EPI, n), the
 * reserved entries its (P, o) has, in key order: (o, DET_WATCH_EPI, n)
 * when a watch rule holds (§13), (o, DET_RPKI_EPI, n) when it is RPKI
 * invalid (§12). */
uint32_t det__add_reserved(struct eval_ctx *x, const struct rib *r, uint32_t pfx, uint32_t nc,
			   const struct watch_prefix *wp, bool exact)
{
	struct det *d = x->d;
	struct rpki *v = d->rpki && d->rpki->n ? d->rpki : NULL;
	if (!v && !d->watch)
		return nc;
	const struct rw_prefix *p = &r->pfx[pfx].p;
	/* §13 rpki: a watched prefix (or a more-specific) no VRP covers */
	bool uncov = v && det__watches(wp, exact) && !rpki_covers(v, p);
	VEC(x->mark, x->capmark, nc);
	uint32_t extra = 0;
	for (uint32_t i = 0; i < nc; i++) {
		const struct ou_n *c = &x->cur[i];
		uint8_t m = 0;
		enum rpki_reason why;
		if (c->u == DET_ORIGIN_EPI && c->o) {
			if (v && !uncov && rpki_validate(v, p, true, c->o, &why) == RPKI_INVALID)
				m |= 1;
			if (d->watch && watch_cond(d->watch, wp, exact, c->o))
				m |= 2;
			if (uncov)
				m |= 4;
		}
		x->mark[i] = m;
		extra += (m & 1) + (m >> 1 & 1) + (m >> 2);
	}
	if (!extra)
		return nc;
	VEC(x->cur, x->capcur, (size_t)nc + extra);
	uint32_t w = nc + extra; /* from the back, in place */
	for (uint32_t i = nc; i-- > 0;) {
		struct ou_n c = x->cur[i];
		x->cur[--w] = c;
		if (x->mark[i] & 1)
			x->cur[--w] = (struct ou_n){c.o, DET_RPKI_EPI, c.n};
		if (x->mark[i] & 2)
			x->cur[--w] = (struct ou_n){c.o, DET_WATCH_EPI, c.n};
		if (x->mark[i] & 4)
			x->cur[--w] = (struct ou_n){c.o, DET_UNCOV_EPI, c.n};
	}
	return nc + extra;
}

/* A watch episode confirmed, or ended: the rule it falls under now (the
 * list does not change during a run); or a watched (P, O) no VRP covers. */
void det__watch_event(struct eval_ctx *x, const struct rib *r, uint32_t pfx, const struct det_epi *ep, bool end,
			uint32_t time, uint16_t n)
{
	const struct watch *w = x->d->watch;
	bool exact = false;
	const struct watch_prefix *wp = watch_match(w, &r->pfx[pfx].p, &exact);
	if (ep->upstream == DET_UNCOV_EPI) {
		/* §13 rpki: covered by no VRP (reason not_found, no VRPs) */
		det__push_ev(x, (struct det_event){.type = (uint8_t)(DET_WATCH_RPKI + end), .has_origin = true,
					      .time = time, .determined = x->sec, .origin = ep->origin,
					      .upstream = RPKI_R_NOT_FOUND, .pfx = pfx, .npeers = n, .wp = wp});
		return;
	}
	int c = watch_cond(w, wp, exact, ep->origin);
	static const uint8_t type[] = {[WC_HIJACK] = DET_WATCH_HIJACK, [WC_NEWPREFIX] = DET_WATCH_NEWPREFIX,
				       [WC_MISCONF] = DET_WATCH_MISCONF};
	if (c == WC_NONE)
		return;
	const struct watch_asn *wa = c == WC_MISCONF ? watch_asn(w, ep->origin) : NULL;
	det__push_ev(x, (struct det_event){.type = (uint8_t)(type[c] + end), .has_origin = true, .time = time,
				      .determined = x->sec, .origin = ep->origin,
				      .upstream = wp ? (uint32_t)(wp - w->pfx) + 1 : 0, .pfx = pfx, .npeers = n,
				      .wp = c == WC_MISCONF ? NULL : wp, .wa = wa});
}

/* Did P have O before this second (an active (P, O) episode)? Then an
 * invalid episode starting in a VRP change's second is the change's. */
bool det__had_origin(const struct det_pfx *dp, uint32_t o, uint32_t sec)
{
	for (uint32_t i = 0; i < dp->ne; i++)
		if (dp->e[i].origin == o && dp->e[i].upstream == DET_ORIGIN_EPI)
			return !(dp->e[i].flags & DET_F_PAST) && dp->e[i].start < sec;
	return false;
}

/* rpki_invalid: the reason now and the covering VRPs. */
void det__rpki_confirmed(struct eval_ctx *x, const struct rib *r, uint32_t pfx, const struct det_epi *ep,
			   uint16_t n)
{
	struct rpki *v = x->d->rpki;
	enum rpki_reason why = RPKI_R_AS;
	if (v)
		rpki_validate(v, &r->pfx[pfx].p, true, ep->origin, &why);
	uint32_t nv = 0;
	if (v) {
		VEC(x->vl, x->capvl, (size_t)x->nvl + 8);
		nv = rpki_covering(v, &r->pfx[pfx].p, x->vl + x->nvl, x->capvl - x->nvl);
		if (nv > x->capvl - x->nvl) {
			VEC(x->vl, x->capvl, (size_t)x->nvl + nv);
			rpki_covering(v, &r->pfx[pfx].p, x->vl + x->nvl, nv);
		}
		x->nvl += nv;
	}
	det__push_ev(x, (struct det_event){.type = DET_RPKI_INVALID, .has_origin = true, .flag = ep->flags & DET_F_NEW,
				      .time = ep->start, .determined = x->sec, .origin = ep->origin, .upstream = why,
				      .pfx = pfx, .npeers = n, .nvrps = nv});
}

void det__rpki_end(struct eval_ctx *x, uint32_t time, uint32_t pfx, const struct det_epi *ep)
{
	det__push_ev(x, (struct det_event){.type = DET_RPKI_INVALID_END, .has_origin = true, .time = time,
				      .determined = x->sec, .origin = ep->origin, .pfx = pfx, .npeers = ep->n});
}

/* ---- docs/events.md §11: route leaks */

/* The origins of P's routes whose path carries leak id, into x->ol. */
static uint32_t leak_origins(struct eval_ctx *x, struct rib *r, uint32_t pfx, uint32_t id)
{
	const struct rib_pfx *p = &r->pfx[pfx];
	uint32_t n = 0;
	for (uint32_t i = 0; i < p->n; i++) {
		uint32_t lid[2], nl = det__path_leaks(x->d, r, p->r[i].path, lid);
		uint32_t o = r->path[p->r[i].path].origin;
		if (!o || !((nl > 0 && lid[0] == id) || (nl > 1 && lid[1] == id)))
			continue;
		VEC(x->ol, x->capol, (size_t)x->nol + n + 1);
		uint32_t *l = x->ol + x->nol, j = n;
		for (; j > 0 && l[j - 1] > o; j--)
			;
		if (j > 0 && l[j - 1] == o)
			continue;
		memmove(l + j + 1, l + j, (size_t)(n - j) * sizeof *l);
		l[j] = o;
		n++;
	}
	x->nol += n;
	return n;
}

/* docs/events.md §13: a path rule's or a visibility's episode (a tag
 * whose leaker is DET_PATH_TAG or DET_VIS_TAG) confirmed or ended;
 * origin: the prefix's (lowest) now, else the entry's first. */
static void path_event(struct eval_ctx *x, const struct rib *r, const struct det_leak *l, bool end, uint32_t time,
		       uint32_t pfx, uint16_t n)
{
	const struct watch_prefix *wp = &x->d->watch->pfx[l->from];
	uint32_t no = det__rib_origins(x, r, pfx);
	uint8_t type = l->leaker == DET_VIS_TAG ? DET_WATCH_VISIBILITY
		       : l->leaker == DET_ASSET_TAG ? DET_WATCH_HIJACK : DET_WATCH_PATH;
	if (l->leaker == DET_ASSET_TAG) {
		/* a hijack by routes without an origin: origin null */
		det__push_ev(x, (struct det_event){.type = (uint8_t)(type + end), .time = time, .determined = x->sec,
					      .upstream = l->from + 1, .pfx = pfx, .npeers = n, .wp = wp});
		return;
	}
	det__push_ev(x, (struct det_event){.type = (uint8_t)(type + end), .has_origin = no > 0 || wp->nasn,
				      .time = time, .determined = x->sec, .origin = no ? x->po[0] : wp->asn[0],
				      .upstream = (l->from + 1) << 8 | (l->to & 0xff), .pfx = pfx, .npeers = n,
				      .wp = wp});
}

static void leak_event(struct eval_ctx *x, struct rib *r, uint8_t type, uint32_t time, uint32_t pfx,
		       const struct det_epi *ep, uint16_t n)
{
	const struct det_leak *l = det_leak_of(x->d, ep->upstream);
	if (!l)
		return;
	if (l->leaker >= DET_ASSET_TAG) {
		path_event(x, r, l, false, time, pfx, n);
		return;
	}
	uint32_t no = leak_origins(x, r, pfx, ep->upstream);
	det__push_ev(x, (struct det_event){.type = type, .has_origin = true, .time = time, .determined = x->sec,
				      .origin = l->leaker, .upstream = l->from, .to = l->to, .pfx = pfx,
				      .npeers = n, .norigins = no});
}

void det__leak_confirmed(struct eval_ctx *x, struct rib *r, uint32_t pfx, const struct det_epi *ep,
			   uint16_t n)
{
	leak_event(x, r, DET_ROUTE_LEAK, ep->start, pfx, ep, n);
}

/* The end: the routes that carried it are gone; origins: the prefix's
 * origins now (P is visible when an end is reported). */
void det__leak_end(struct eval_ctx *x, const struct rib *r, uint32_t time, uint32_t pfx, const struct det_epi *ep)
{
	const struct det_leak *l = det_leak_of(x->d, ep->upstream);
	if (!l)
		return;
	if (l->leaker >= DET_ASSET_TAG) {
		path_event(x, r, l, true, time, pfx, ep->n);
		return;
	}
	uint32_t no = det__rib_origins(x, r, pfx);
	VEC(x->ol, x->capol, (size_t)x->nol + no);
	memcpy(x->ol + x->nol, x->po, (size_t)no * sizeof *x->po);
	x->nol += no;
	det__push_ev(x, (struct det_event){.type = DET_ROUTE_LEAK_END, .has_origin = true, .time = time,
				      .determined = x->sec, .origin = l->leaker, .upstream = l->from, .to = l->to,
				      .pfx = pfx, .npeers = ep->n, .norigins = no});
}

static bool has_asn(const uint32_t *v, uint32_t n, uint32_t asn)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] == asn)
			return true;
	return false;
}

/* docs/events.md §13 from the second's other events: neighbor (a watched
 * network's first route through an upstream its entry does not allow, or
 * the first route of a downstream it does not allow through it; ends
 * with the last), and rpki (a watched prefix's rpki_invalid). Delivered
 * right after the event they come from; returns how many. */
unsigned det__watch_derive(struct det *d, const struct rib *r, const struct det_event *e, det_event_fn fn,
			     void *arg)
{
	const struct watch *w = d->watch;
	unsigned k = 0;
	if ((e->type == DET_UPSTREAM_GAINED || e->type == DET_UPSTREAM_LOST) && e->flag) {
		uint8_t t = e->type == DET_UPSTREAM_GAINED ? DET_WATCH_NEIGHBOR : DET_WATCH_NEIGHBOR_END;
		struct det_event n = {.type = t, .has_origin = true, .time = e->time, .determined = e->determined,
				      .pfx = e->pfx, .npeers = e->npeers, .since = e->since};
		const struct watch_asn *wa = watch_asn(w, e->origin);
		if (wa && !wa->any_upstream && !has_asn(wa->upstreams, wa->nup, e->upstream)) {
			n.origin = e->origin, n.upstream = e->upstream, n.flag = false, n.wa = wa;
			fn(arg, &n);
			k++;
		}
		wa = watch_asn(w, e->upstream);
		if (wa && !wa->any_downstream && !has_asn(wa->downstreams, wa->ndown, e->origin)) {
			n.origin = e->upstream, n.upstream = e->origin, n.flag = true, n.wa = wa;
			fn(arg, &n);
			k++;
		}
	}
	if ((e->type == DET_RPKI_INVALID || e->type == DET_RPKI_INVALID_END) && e->pfx != RIB_NONE) {
		bool exact = false;
		const struct watch_prefix *wp = watch_match(w, &r->pfx[e->pfx].p, &exact);
		if (det__watches(wp, exact)) {
			struct det_event n = *e;
			n.type = e->type == DET_RPKI_INVALID ? DET_WATCH_RPKI : DET_WATCH_RPKI_END;
			n.wp = wp;
			fn(arg, &n);
			k++;
		}
	}
	return k;
}

/* A (0, tag, n) entry of a watch entry (visibility, AS_SET), in its
 * place among the summary's (0, tag) entries. */
uint32_t det__add_watch_tag(struct eval_ctx *x, uint32_t nc, uint32_t kind, uint32_t entry, uint32_t n)
{
	uint32_t id = det__leak_id(x->d, &(struct asrel_leak){kind, entry, 0});
	uint32_t at = 0;
	while (at < nc && !x->cur[at].o && x->cur[at].u < id)
		at++;
	VEC(x->cur, x->capcur, (size_t)nc + 1);
	memmove(x->cur + at + 1, x->cur + at, (size_t)(nc - at) * sizeof *x->cur);
	x->cur[at] = (struct ou_n){0, id, (uint16_t)RW_MIN(n, 65535u)};
	return nc + 1;
}

