/*
 * docs/events.md §14: countries and their international providers.
 *
 * A route belongs to country C when its origin is registered in C (geo/);
 * walking its path from the origin towards the peer, the first AS of
 * another country is its international provider U. For each (C, U), n is
 * the number of peers with at least one such route, on any of C's
 * prefixes: unlike §5's episodes, one spans all the country's prefixes.
 *
 * The counts follow the routes themselves: the rib reports each route
 * change (det_country_route), and the pair's per-peer and per-prefix route
 * counts move by one. Nothing is kept per route, so the memory is per
 * (C, U) pair and per (C, U, prefix), not per route. The episode rules are
 * §5's, evaluated at the end of each second for the pairs that changed:
 *
 *   n rises from 0            an episode starts (or a dormant one goes on)
 *   n >= --min-peers          confirmed: country_provider_gained, dated to
 *                             the start (not for a baseline's episodes)
 *   n falls to 0, C visible   the episode ends: country_provider_lost
 *   n falls to 0, C dark      dormant (every route of C is gone: an
 *                             outage, not a change of provider); when C is
 *                             visible again without U, the loss is
 *                             reported then, dated to the second C went
 *                             dark
 */
#include "det_int.h"

#include <stdlib.h>

void det_countries(struct det *d, const struct geo *g)
{
	d->geo.g = g;
}

void det__country_release(struct det *d)
{
	struct det_geo *dg = &d->geo;
	for (uint32_t i = 0; i < dg->ncu; i++) {
		u64map_release(&dg->cu[i].peer);
		u64map_release(&dg->cu[i].pfx);
		rw_vec_free(&dg->cu[i].gone, &dg->cu[i].capgone, sizeof *dg->cu[i].gone, RW_MEM_DET);
	}
	rw_vec_free(&dg->cu, &dg->capcu, sizeof *dg->cu, RW_MEM_DET);
	rw_vec_free(&dg->touched, &dg->captouched, sizeof *dg->touched, RW_MEM_DET);
	u64map_release(&dg->idx);
	memset(dg, 0, sizeof *dg);
}

void det_path_country(const struct rib *r, const struct geo *g, uint32_t path, struct arena *scratch, uint16_t *cc,
		      uint32_t *prov, uint32_t *border)
{
	const struct rib_path *p = &r->path[path];
	*prov = *border = 0;
	*cc = p->origin ? geo_get(g, p->origin) : 0;
	if (!*cc || !p->upstream)
		return;
	/* the usual case: the origin's neighbour is abroad */
	if (geo_get(g, p->upstream) != *cc) {
		*prov = p->upstream;
		*border = p->origin;
		return;
	}
	uint32_t *s;
	uint32_t n = rib_path_seq(r, path, scratch, &s);
	for (uint32_t i = n - 1; n && i-- > 0;) {
		if (!s[i])
			break; /* an AS_SET: where the route leaves is not known */
		if (geo_get(g, s[i]) != *cc) {
			*prov = s[i];
			*border = s[i + 1];
			break;
		}
	}
	arena_reset(scratch);
}

static struct det_cu *cu_get(struct det_geo *dg, uint16_t cc, uint32_t prov, bool make)
{
	uint64_t key = (uint64_t)cc << 32 | prov;
	uint32_t *v = u64map_get(&dg->idx, key);
	if (v)
		return &dg->cu[*v];
	if (!make)
		return NULL;
	VEC(dg->cu, dg->capcu, (size_t)dg->ncu + 1);
	struct det_cu *c = &dg->cu[dg->ncu];
	memset(c, 0, sizeof *c);
	c->cc = cc;
	c->prov = prov;
	c->stamp = UINT32_MAX;
	u64map_init(&c->peer, RW_MEM_DET);
	u64map_init(&c->pfx, RW_MEM_DET);
	*u64map_put(&dg->idx, key) = dg->ncu;
	return &dg->cu[dg->ncu++];
}

/* One route of a path added (k = 1) or removed (k = -1). */
static void route_delta(struct det *d, const struct rib *r, uint32_t peer, uint32_t pfx, uint32_t path, int k)
{
	struct det_geo *dg = &d->geo;
	uint16_t cc;
	uint32_t prov, border;
	det_path_country(r, dg->g, path, &d->scratch, &cc, &prov, &border);
	if (!cc)
		return;
	unsigned ci = geo_cc_index(cc);
	uint32_t *cr = &dg->routes[ci];
	if (k > 0 && (*cr)++ == 0)
		dg->back = true;
	else if (k < 0)
		--*cr;
	if (dg->cstamp[ci] != dg->stamp + 1) { /* listed once per second */
		dg->cstamp[ci] = dg->stamp + 1;
		dg->ctouched[dg->nctouched++] = cc;
	}
	if (!prov) {
		dg->inside[ci] += (uint32_t)k;
		return;
	}
	struct det_cu *c = cu_get(dg, cc, prov, k > 0);
	if (!c)
		abort(); /* a route removed that was never added: the rib's error */
	if (c->stamp != dg->stamp) {
		c->stamp = dg->stamp;
		VEC(dg->touched, dg->captouched, (size_t)dg->ntouched + 1);
		dg->touched[dg->ntouched++] = (uint32_t)(c - dg->cu);
	}
	c->routes += (uint32_t)k;
	if (k > 0) {
		if ((*u64map_put(&c->peer, peer))++ == 0)
			c->n++;
		++*u64map_put(&c->pfx, pfx);
		return;
	}
	uint32_t *pc = u64map_get(&c->peer, peer), *xc = u64map_get(&c->pfx, pfx);
	if (!pc || !xc)
		abort();
	if (--*pc == 0) {
		u64map_del(&c->peer, peer);
		c->n--;
	}
	if (--*xc == 0) {
		u64map_del(&c->pfx, pfx);
		VEC(c->gone, c->capgone, (size_t)c->ngone + 1);
		c->gone[c->ngone++] = (uint64_t)pfx << 32 | r->path[path].origin;
	}
}

void det_country_route(void *det, const struct rib *r, uint32_t peer, uint32_t pfx, uint32_t old_path,
		       uint32_t new_path)
{
	struct det *d = det;
	if (old_path != RIB_NONE)
		route_delta(d, r, peer, pfx, old_path, -1);
	if (new_path != RIB_NONE)
		route_delta(d, r, peer, pfx, new_path, 1);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Append a sorted, de-duplicated list of n origins (at x->ol's end) and
 * push the event with it. */
static void push_with_origins(struct eval_ctx *x, struct det_event e, uint32_t n)
{
	uint32_t *l = n ? x->ol + x->nol : NULL, k = 0;
	if (n > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(l, n, sizeof *l, cmp_u32);
	for (uint32_t i = 0; i < n; i++)
		if (!k || l[k - 1] != l[i])
			l[k++] = l[i];
	x->nol += k;
	e.norigins = k;
	det__push_ev(x, e);
}

/* country_provider_gained: one event per prefix the pair has now, with
 * the networks whose routes of that prefix it carries. */
static void gained(struct eval_ctx *x, const struct rib *r, const struct det_cu *c)
{
	struct det *d = x->d;
	for (uint32_t i = 0; i < c->pfx.n; i++) {
		uint32_t pfx = (uint32_t)c->pfx.keys[i], n = 0;
		const struct rib_pfx *p = &r->pfx[pfx];
		for (uint32_t j = 0; j < p->n; j++) {
			uint16_t cc;
			uint32_t prov, border;
			det_path_country(r, d->geo.g, p->r[j].path, &d->scratch, &cc, &prov, &border);
			if (cc != c->cc || prov != c->prov)
				continue;
			VEC(x->ol, x->capol, (size_t)x->nol + n + 1);
			x->ol[x->nol + n++] = r->path[p->r[j].path].origin;
		}
		push_with_origins(x, (struct det_event){.type = DET_COUNTRY_GAINED, .has_origin = true,
							  .flag = c->flags & DET_F_NEW, .time = c->start,
							  .determined = x->sec, .origin = c->cc, .upstream = c->prov,
							  .pfx = pfx, .npeers = (uint16_t)RW_MIN(c->n, UINT16_MAX)},
				  n);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* country_provider_lost, dated `time`: one event per prefix it lost last,
 * with the networks whose routes of it went. */
static void lost(struct eval_ctx *x, struct det_cu *c, uint32_t time)
{
	if (c->ngone > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(c->gone, c->ngone, sizeof *c->gone, cmp_u64); /* by prefix */
	for (uint32_t i = 0; i < c->ngone;) {
		uint32_t pfx = (uint32_t)(c->gone[i] >> 32), n = 0;
		for (; i < c->ngone && (uint32_t)(c->gone[i] >> 32) == pfx; i++) {
			VEC(x->ol, x->capol, (size_t)x->nol + n + 1);
			x->ol[x->nol + n++] = (uint32_t)c->gone[i];
		}
		push_with_origins(x, (struct det_event){.type = DET_COUNTRY_LOST, .has_origin = true, .flag = true,
							  .time = time, .determined = x->sec, .origin = c->cc,
							  .upstream = c->prov, .pfx = pfx},
				  n);
	}
}

static bool country_visible(const struct det_geo *dg, uint16_t cc)
{
	return dg->routes[geo_cc_index(cc)] > 0;
}

/* A confirmed episode that a silent (baseline) second ends: no event, but
 * the history closes the interval its DET_COUNTRY_PRESENT or gained
 * opened (DET_COUNTRY_PRESENT with flag set), as the detector forgets the
 * episode. */
static void silent_end(struct eval_ctx *x, const struct det_cu *c)
{
	if (!(c->flags & DET_F_CONFIRMED) || !x->d->report_present)
		return;
	det__push_ev(x, (struct det_event){.type = DET_COUNTRY_PRESENT, .has_origin = true, .flag = true,
					   .time = x->sec, .determined = x->sec, .origin = c->cc,
					   .upstream = c->prov, .pfx = RIB_NONE});
}

static void end_episode(struct det_cu *c)
{
	c->flags = DET_F_PAST;
	c->ngone = 0;
}

/* One changed pair at the end of the second. */
static void eval_cu(struct eval_ctx *x, const struct rib *r, struct det_cu *c)
{
	struct det *d = x->d;
	if (c->n) {
		if (!(c->flags & DET_F_RUN)) {
			/* new_for_country: the run never saw U carry C's routes */
			bool fresh = !(c->flags & DET_F_PAST);
			c->flags = DET_F_RUN | (x->baseline ? DET_F_BASELINE : 0) | (fresh ? DET_F_NEW : 0);
			c->start = x->sec;
		}
		c->flags &= (uint8_t)~DET_F_DORMANT;
		c->ngone = 0;
		if (!(c->flags & DET_F_CONFIRMED) && c->n >= d->min_peers) {
			c->flags |= DET_F_CONFIRMED;
			if (!(c->flags & DET_F_BASELINE) && !x->baseline)
				gained(x, r, c);
			else if (d->report_present) /* the history's interval */
				det__push_ev(x, (struct det_event){.type = DET_COUNTRY_PRESENT, .has_origin = true,
								   .time = x->sec, .determined = x->sec,
								   .origin = c->cc, .upstream = c->prov,
								   .pfx = RIB_NONE});
		}
		return;
	}
	if (!(c->flags & DET_F_RUN) || (c->flags & DET_F_DORMANT))
		return;
	if (x->baseline) { /* a silent second drops what ends in it */
		silent_end(x, c);
		end_episode(c);
		return;
	}
	if (country_visible(&d->geo, c->cc)) {
		if (c->flags & DET_F_CONFIRMED)
			lost(x, c, x->sec);
		end_episode(c);
		return;
	}
	c->flags |= DET_F_DORMANT;
	c->down = x->sec;
}

/* The second's counts to the history (det.chooks): per changed pair its
 * routes, per changed country the routes without a provider (as the pair
 * (C, 0)) and all its routes (as an origin's count). */
static void tell_hooks(struct det *d, uint32_t sec)
{
	struct det_geo *dg = &d->geo;
	const struct det_hooks *h = d->chooks;
	for (uint32_t i = 0; i < dg->ntouched; i++) {
		struct det_cu *c = &dg->cu[dg->touched[i]];
		if (c->routes != c->routes_rep && h && h->ou)
			h->ou(h->arg, sec, c->cc, c->prov, c->routes_rep, c->routes);
		c->routes_rep = c->routes;
	}
	for (uint32_t i = 0; i < dg->nctouched; i++) {
		uint16_t cc = dg->ctouched[i];
		unsigned ci = geo_cc_index(cc);
		if (dg->inside[ci] != dg->inside_rep[ci] && h && h->ou)
			h->ou(h->arg, sec, cc, 0, dg->inside_rep[ci], dg->inside[ci]);
		if (dg->routes[ci] != dg->routes_rep[ci] && h && h->origin)
			h->origin(h->arg, sec, cc, dg->routes_rep[ci], dg->routes[ci]);
		dg->inside_rep[ci] = dg->inside[ci];
		dg->routes_rep[ci] = dg->routes[ci];
	}
	dg->nctouched = 0;
}

void det__country_eval(struct eval_ctx *x, const struct rib *r)
{
	struct det_geo *dg = &x->d->geo;
	if (!dg->g)
		return;
	for (uint32_t i = 0; i < dg->ntouched; i++)
		eval_cu(x, r, &dg->cu[dg->touched[i]]);
	tell_hooks(x->d, x->sec);
	dg->ntouched = 0;
	dg->stamp++;
	if (!dg->back)
		return;
	dg->back = false;
	/* a country visible again: its dormant pairs without routes lost
	 * their provider when it went dark */
	for (uint32_t i = 0; i < dg->ncu; i++) {
		struct det_cu *c = &dg->cu[i];
		if (!(c->flags & DET_F_DORMANT) || c->n || !country_visible(dg, c->cc))
			continue;
		if ((c->flags & DET_F_CONFIRMED) && !x->baseline)
			lost(x, c, c->down);
		else
			silent_end(x, c);
		end_episode(c);
	}
}

void det_country_rebuild(struct det *d, const struct rib *r, uint32_t sec)
{
	struct det_geo *dg = &d->geo;
	if (!dg->g)
		return;
	for (uint32_t p = 0; p < r->npfx; p++)
		for (uint32_t j = 0; j < r->pfx[p].n; j++)
			route_delta(d, r, rib_route_peer(&r->pfx[p].r[j]), p, r->pfx[p].r[j].path, 1);
	for (uint32_t i = 0; i < dg->ncu; i++) {
		struct det_cu *c = &dg->cu[i];
		if (c->n && !(c->flags & DET_F_RUN)) { /* not in the snapshot */
			c->flags = DET_F_RUN | DET_F_BASELINE | (c->n >= d->min_peers ? DET_F_CONFIRMED : 0);
			c->start = sec;
		}
		c->routes_rep = c->routes; /* the history takes them as they are */
	}
	memcpy(dg->routes_rep, dg->routes, sizeof dg->routes);
	memcpy(dg->inside_rep, dg->inside, sizeof dg->inside);
	dg->ntouched = 0;
	dg->nctouched = 0;
	dg->back = false;
	dg->stamp++;
}

/* Snapshot (version 5): count, then per pair cc u16, flags u8, provider,
 * start, down u32, its lost prefixes: count u32, (prefix << 32 | origin)
 * u64 each. The route counts are the rib's, rebuilt on load. */
void det__country_save(const struct det *d, struct obuf *o)
{
	const struct det_geo *dg = &d->geo;
	obuf_be32(o, dg->ncu);
	for (uint32_t i = 0; i < dg->ncu; i++) {
		const struct det_cu *c = &dg->cu[i];
		obuf_be16(o, c->cc);
		obuf_be8(o, c->flags);
		obuf_be32(o, c->prov);
		obuf_be32(o, c->start);
		obuf_be32(o, c->down);
		obuf_be32(o, c->ngone);
		for (uint32_t j = 0; j < c->ngone; j++)
			obuf_be64(o, c->gone[j]);
	}
}

int det__country_load(struct det *d, struct cur *c)
{
	struct det_geo *dg = &d->geo;
	uint32_t n;
	if (cur_u32(c, &n) || n > cur_left(c) / 19)
		return RW_ETRUNC;
	for (uint32_t i = 0; i < n; i++) {
		uint16_t cc;
		uint8_t flags;
		uint32_t prov, start, down, ngone;
		if (cur_u16(c, &cc) || cur_u8(c, &flags) || cur_u32(c, &prov) || cur_u32(c, &start) ||
		    cur_u32(c, &down) || cur_u32(c, &ngone) || ngone > cur_left(c) / 8)
			return RW_ETRUNC;
		if (!cc || !prov || u64map_get(&dg->idx, (uint64_t)cc << 32 | prov))
			return RW_EMALFORMED;
		/* kept without geo too, so a later save writes them again */
		struct det_cu *u = cu_get(dg, cc, prov, true);
		u->flags = flags;
		u->start = start;
		u->down = down;
		if (ngone)
			VEC(u->gone, u->capgone, ngone);
		for (uint32_t j = 0; j < ngone; j++)
			cur_u64(c, &u->gone[j]);
		u->ngone = ngone;
	}
	return 0;
}
