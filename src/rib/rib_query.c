/*
 * Queries over the route state that front ends share (the `as` and
 * `prefix` commands, the HTTP API): they read the rib and never change it.
 *
 * The rib has no index by origin and no tree of prefixes, so both queries
 * walk the whole prefix table once (rib.h gives each one's cost). What
 * they return is plain numbers and rib ids in owned vectors, in the order
 * the output shows them: printing (out/) sorts nothing.
 *
 * Counting rules, shared with the detector and the history: a peer sees a
 * prefix when it has any route for it; a route is a (peer, prefix) pair;
 * origin and upstream are the path's (docs/events.md §3). With ADD-PATH a
 * peer may hold several routes for one prefix: it is still one peer, and
 * one route per distinct upstream.
 */
#include "rib_int.h"

#include <stdlib.h>

#define GROW(arr, n, cap) rw_vec_grow(&(arr), &(cap), (size_t)(n) + 1, sizeof *(arr), UINT32_MAX, RW_MEM_RIB)

/* Distinct collectors among a set of distinct peers, by a stamp per
 * collector. */
static uint32_t count_colls(uint32_t *stamp, uint32_t *cur, const struct rib *r, const uint32_t *peers, uint32_t n)
{
	++*cur;
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = r->peer[peers[i]].collector;
		if (stamp[c] != *cur) {
			stamp[c] = *cur;
			k++;
		}
	}
	return k;
}

/* Distinct peers of a prefix's routes into peers (routes are sorted by
 * peer); returns their number. */
static uint32_t prefix_peers(const struct rib_pfx *x, uint32_t *peers)
{
	uint32_t n = 0, last = RIB_NONE;
	for (uint32_t i = 0; i < x->n; i++) {
		uint32_t peer = rib_route_peer(&x->r[i]);
		if (peer != last)
			peers[n++] = peer;
		last = peer;
	}
	return n;
}

uint32_t rib_peers_with_routes(const struct rib *r)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < r->npeer; i++)
		n += r->peer[i].nroutes > 0;
	return n;
}

/* Prefix ids with the prefix beside them, to sort by rw_prefix_cmp. */
struct pfx_key {
	struct rw_prefix p;
	uint32_t id;
};

static int cmp_pfx_key(const void *a, const void *b)
{
	return rw_prefix_cmp(&((const struct pfx_key *)a)->p, &((const struct pfx_key *)b)->p);
}

void rib_sort_prefixes(const struct rib *r, uint32_t *ids, uint32_t n)
{
	struct pfx_key *k = rw_malloc((size_t)n * sizeof *k + 1);
	for (uint32_t i = 0; i < n; i++)
		k[i] = (struct pfx_key){r->pfx[ids[i]].p, ids[i]};
	qsort(k, n, sizeof *k, cmp_pfx_key);
	for (uint32_t i = 0; i < n; i++)
		ids[i] = k[i].id;
	free(k);
}

/* ---------------------------------------------------------------- origin */

void rib_origin_view_free(struct rib_origin_view *v)
{
	rw_vec_free(&v->pfx, &v->cappfx, sizeof *v->pfx, RW_MEM_RIB);
	rw_vec_free(&v->up, &v->capup, sizeof *v->up, RW_MEM_RIB);
	rw_vec_free(&v->sum, &v->capsum, sizeof *v->sum, RW_MEM_RIB);
	memset(v, 0, sizeof *v);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Index of asn in the sorted asns (present by construction). */
static uint32_t asn_index(const uint32_t *asns, uint32_t n, uint32_t asn)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (asns[mid] < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The summary (struct rib_up_sum) from the per-prefix views: prefixes and
 * routes add up the per-prefix upstreams; the distinct peers of each
 * upstream over all prefixes come from a bitmap of peers per upstream
 * (upstreams x peers / 8 bytes, freed before returning). */
static void origin_summary(const struct rib *r, struct rib_origin_view *v, uint32_t *stamp, uint32_t *cur,
			   uint32_t *peers)
{
	if (!v->nup)
		return;
	uint32_t *asns = rw_malloc((size_t)v->nup * sizeof *asns), n = 0;
	for (uint32_t i = 0; i < v->nup; i++)
		asns[i] = v->up[i].asn;
	if (v->nup > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(asns, v->nup, sizeof *asns, cmp_u32);
	for (uint32_t i = 0; i < v->nup; i++)
		if (!n || asns[n - 1] != asns[i])
			asns[n++] = asns[i];
	rw_vec_grow(&v->sum, &v->capsum, n, sizeof *v->sum, UINT32_MAX, RW_MEM_RIB);
	v->nsum = n;
	for (uint32_t k = 0; k < n; k++)
		v->sum[k] = (struct rib_up_sum){.asn = asns[k]};
	for (uint32_t i = 0; i < v->nup; i++) {
		struct rib_up_sum *s = &v->sum[asn_index(asns, n, v->up[i].asn)];
		s->prefixes++;
		s->routes += v->up[i].peers;
		v->routes += v->up[i].peers;
	}
	size_t words = ((size_t)r->npeer + 63) / 64;
	uint64_t *bits = rw_calloc((size_t)n * words, sizeof *bits);
	for (uint32_t i = 0; i < v->npfx; i++) {
		const struct rib_pfx *x = &r->pfx[v->pfx[i].pfx];
		for (uint32_t j = 0; j < x->n; j++) {
			const struct rib_path *pa = &r->path[x->r[j].path];
			if (pa->origin != v->origin)
				continue;
			uint32_t peer = rib_route_peer(&x->r[j]);
			bits[asn_index(asns, n, pa->upstream) * words + peer / 64] |= (uint64_t)1 << (peer % 64);
		}
	}
	for (uint32_t k = 0; k < n; k++) {
		uint32_t np = 0;
		for (size_t w = 0; w < words; w++)
			for (uint64_t b = bits[k * words + w]; b; b &= b - 1)
				peers[np++] = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(b));
		v->sum[k].peers = np;
		v->sum[k].colls = count_colls(stamp, cur, r, peers, np);
		v->sum[k].share = v->routes ? (double)v->sum[k].routes / (double)v->routes : 0;
	}
	free(bits);
	free(asns);
}

/* Share descending (routes: one denominator), ties by ASN. */
static int cmp_sum(const void *a, const void *b)
{
	const struct rib_up_sum *x = a, *y = b;
	if (x->routes != y->routes)
		return x->routes > y->routes ? -1 : 1;
	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

/* The per-prefix views in prefix order (their upstream ranges move with
 * them). */
static void sort_pfx_views(const struct rib *r, struct rib_origin_view *v)
{
	struct pfx_key *k = rw_malloc(((size_t)v->npfx + 1) * sizeof *k);
	struct rib_pfx_view *tmp = rw_malloc(((size_t)v->npfx + 1) * sizeof *tmp);
	for (uint32_t i = 0; i < v->npfx; i++)
		k[i] = (struct pfx_key){r->pfx[v->pfx[i].pfx].p, i};
	if (v->npfx > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(k, v->npfx, sizeof *k, cmp_pfx_key);
	for (uint32_t i = 0; i < v->npfx; i++)
		tmp[i] = v->pfx[k[i].id];
	if (v->npfx)
		memcpy(v->pfx, tmp, (size_t)v->npfx * sizeof *tmp);
	free(tmp);
	free(k);
}

void rib_origin_view(const struct rib *r, uint32_t origin, struct rib_origin_view *v)
{
	memset(v, 0, sizeof *v);
	v->origin = origin;
	v->colls_total = r->ncoll;
	v->peers_total = rib_peers_with_routes(r);
	uint32_t *stamp = rw_calloc((size_t)r->ncoll + 1, sizeof *stamp), cur = 0;
	uint32_t *peers = rw_malloc(((size_t)r->npeer + 1) * sizeof *peers);
	for (uint32_t p = 0; p < r->npfx; p++) {
		const struct rib_pfx *x = &r->pfx[p];
		bool mine = false;
		for (uint32_t i = 0; i < x->n && !mine; i++)
			mine = r->path[x->r[i].path].origin == origin;
		if (!mine)
			continue;
		GROW(v->pfx, v->npfx, v->cappfx);
		struct rib_pfx_view *pv = &v->pfx[v->npfx++];
		pv->pfx = p;
		pv->up_off = v->nup;
		uint32_t nv = prefix_peers(x, peers);
		pv->peers = nv;
		pv->colls = count_colls(stamp, &cur, r, peers, nv);
		/* upstreams in order of first appearance, each with its peers */
		for (uint32_t i = 0; i < x->n; i++) {
			const struct rib_path *pa = &r->path[x->r[i].path];
			if (pa->origin != origin)
				continue;
			uint32_t k = pv->up_off;
			while (k < v->nup && v->up[k].asn != pa->upstream)
				k++;
			if (k < v->nup)
				continue;
			uint32_t n = 0, last = RIB_NONE;
			for (uint32_t j = 0; j < x->n; j++) {
				const struct rib_path *pb = &r->path[x->r[j].path];
				uint32_t peer = rib_route_peer(&x->r[j]);
				if (pb->origin == origin && pb->upstream == pa->upstream && peer != last) {
					peers[n++] = peer;
					last = peer;
				}
			}
			GROW(v->up, v->nup, v->capup);
			v->up[v->nup++] = (struct rib_up_view){pa->upstream, n, count_colls(stamp, &cur, r, peers, n)};
		}
		pv->nup = v->nup - pv->up_off;
	}
	origin_summary(r, v, stamp, &cur, peers);
	if (v->nsum > 1)
		qsort(v->sum, v->nsum, sizeof *v->sum, cmp_sum);
	sort_pfx_views(r, v);
	free(stamp);
	free(peers);
}

/* ---------------------------------------------------------------- prefix */

void rib_prefix_view_free(struct rib_prefix_view *v)
{
	rw_vec_free(&v->pfx, &v->cappfx, sizeof *v->pfx, RW_MEM_RIB);
	rw_vec_free(&v->org, &v->caporg, sizeof *v->org, RW_MEM_RIB);
	rw_vec_free(&v->up, &v->capup, sizeof *v->up, RW_MEM_RIB);
	rw_vec_free(&v->coll, &v->capcoll, sizeof *v->coll, RW_MEM_RIB);
	memset(v, 0, sizeof *v);
}

/* Does q cover p (p is q or a more-specific of it)? */
static bool covers(const struct rw_prefix *q, const struct rw_prefix *p)
{
	if (p->af != q->af || p->len < q->len)
		return false;
	struct rw_addr a = {.af = p->af};
	memcpy(a.b, p->b, 16);
	return rw_prefix_has(q, &a);
}

/* One route of a prefix as (origin, upstream, peer), to sort. */
struct oup {
	uint32_t origin, upstream, peer;
};

static int cmp_oup(const void *a, const void *b)
{
	const struct oup *x = a, *y = b;
	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	if (x->upstream != y->upstream)
		return x->upstream < y->upstream ? -1 : 1;
	return x->peer < y->peer ? -1 : x->peer > y->peer;
}

/* Origins: peers descending, ties by ASN, no origin (0) last. */
static int cmp_org(const void *a, const void *b)
{
	const struct rib_pv_origin *x = a, *y = b;
	if (!x->asn != !y->asn)
		return !x->asn ? 1 : -1;
	if (x->peers != y->peers)
		return x->peers > y->peers ? -1 : 1;
	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

/* Upstreams of one origin: peers descending, ties by ASN. */
static int cmp_up(const void *a, const void *b)
{
	const struct rib_up_view *x = a, *y = b;
	if (x->peers != y->peers)
		return x->peers > y->peers ? -1 : 1;
	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

/* Collector ids by name. */
struct coll_key {
	const char *name;
	uint32_t id;
};

static int cmp_coll_key(const void *a, const void *b)
{
	return strcmp(((const struct coll_key *)a)->name, ((const struct coll_key *)b)->name);
}

/* Scratch of one rib_prefix_view call, sized by the rib. */
struct pv_scratch {
	uint32_t *peers;       /* npeer: a list of peer ids */
	uint32_t *ostamp;      /* npeer: peer seen for the current origin */
	uint32_t ocur;
	uint32_t *cstamp;      /* ncoll: count_colls */
	uint32_t ccur;
	uint32_t *ccount;      /* ncoll: peers per collector of one prefix */
	uint32_t *ctotal;      /* ncoll: peers with routes per collector */
	uint32_t *corder;      /* ncoll: collector ids by name */
	struct oup *t;         /* routes of one prefix */
	uint32_t capt;
};

/* The origins of prefix x, with their upstreams, into v (pv's range). */
static void prefix_origins(const struct rib *r, const struct rib_pfx *x, struct rib_pv_prefix *pv,
			   struct rib_prefix_view *v, struct pv_scratch *s)
{
	rw_vec_grow(&s->t, &s->capt, x->n, sizeof *s->t, UINT32_MAX, RW_MEM_RIB);
	for (uint32_t i = 0; i < x->n; i++) {
		const struct rib_path *pa = &r->path[x->r[i].path];
		s->t[i] = (struct oup){pa->origin, pa->origin ? pa->upstream : 0, rib_route_peer(&x->r[i])};
	}
	if (x->n > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(s->t, x->n, sizeof *s->t, cmp_oup);
	pv->org_off = v->norg;
	for (uint32_t i = 0; i < x->n;) {
		uint32_t o = s->t[i].origin, end = i;
		while (end < x->n && s->t[end].origin == o)
			end++;
		/* the origin's distinct peers (sorted by peer within each
		 * upstream only: a stamp) */
		uint32_t np = 0;
		s->ocur++;
		for (uint32_t j = i; j < end; j++)
			if (s->ostamp[s->t[j].peer] != s->ocur) {
				s->ostamp[s->t[j].peer] = s->ocur;
				s->peers[np++] = s->t[j].peer;
			}
		GROW(v->org, v->norg, v->caporg);
		struct rib_pv_origin *og = &v->org[v->norg++];
		*og = (struct rib_pv_origin){.asn = o, .peers = np, .up_off = v->nup};
		og->colls = count_colls(s->cstamp, &s->ccur, r, s->peers, np);
		for (uint32_t j = i; o && j < end;) {
			uint32_t u = s->t[j].upstream, n = 0, last = RIB_NONE;
			for (; j < end && s->t[j].upstream == u; j++) {
				if (s->t[j].peer != last)
					s->peers[n++] = s->t[j].peer;
				last = s->t[j].peer;
			}
			GROW(v->up, v->nup, v->capup);
			v->up[v->nup++] = (struct rib_up_view){u, n, count_colls(s->cstamp, &s->ccur, r, s->peers, n)};
		}
		og->nup = v->nup - og->up_off;
		if (og->nup > 1)
			qsort(v->up + og->up_off, og->nup, sizeof *v->up, cmp_up);
		i = end;
	}
	pv->norg = v->norg - pv->org_off;
	if (pv->norg > 1)
		qsort(v->org + pv->org_off, pv->norg, sizeof *v->org, cmp_org);
}

/* Visibility of prefix x, overall and per collector (in name order). */
static void prefix_visibility(const struct rib *r, const struct rib_pfx *x, struct rib_pv_prefix *pv,
			      struct rib_prefix_view *v, struct pv_scratch *s)
{
	uint32_t np = prefix_peers(x, s->peers);
	pv->peers = np;
	pv->colls = count_colls(s->cstamp, &s->ccur, r, s->peers, np);
	for (uint32_t i = 0; i < np; i++)
		s->ccount[r->peer[s->peers[i]].collector]++;
	pv->coll_off = v->ncoll;
	for (uint32_t k = 0; k < r->ncoll; k++) {
		uint32_t c = s->corder[k];
		if (!s->ccount[c])
			continue;
		GROW(v->coll, v->ncoll, v->capcoll);
		v->coll[v->ncoll++] = (struct rib_pv_coll){c, s->ccount[c], s->ctotal[c]};
		s->ccount[c] = 0;
	}
	pv->ncoll = v->ncoll - pv->coll_off;
}

void rib_prefix_view(const struct rib *r, const struct rw_prefix *q, struct rib_prefix_view *v)
{
	memset(v, 0, sizeof *v);
	v->query = *q;
	v->query.path_id = 0;
	prefix_mask(&v->query);
	v->colls_total = r->ncoll;
	v->peers_total = rib_peers_with_routes(r);

	/* the covered prefixes with routes: one walk over the table */
	struct pfx_key *keys = NULL;
	uint32_t nk = 0, capk = 0;
	for (uint32_t p = 0; p < r->npfx; p++) {
		const struct rib_pfx *x = &r->pfx[p];
		if (!x->n || !covers(&v->query, &x->p))
			continue;
		rw_vec_grow(&keys, &capk, (size_t)nk + 1, sizeof *keys, UINT32_MAX, RW_MEM_RIB);
		keys[nk++] = (struct pfx_key){x->p, p};
	}
	if (nk > 1)
		qsort(keys, nk, sizeof *keys, cmp_pfx_key);

	struct pv_scratch s = {0};
	s.peers = rw_malloc(((size_t)r->npeer + 1) * sizeof *s.peers);
	s.ostamp = rw_calloc((size_t)r->npeer + 1, sizeof *s.ostamp);
	s.cstamp = rw_calloc((size_t)r->ncoll + 1, sizeof *s.cstamp);
	s.ccount = rw_calloc((size_t)r->ncoll + 1, sizeof *s.ccount);
	s.ctotal = rw_calloc((size_t)r->ncoll + 1, sizeof *s.ctotal);
	s.corder = rw_malloc(((size_t)r->ncoll + 1) * sizeof *s.corder);
	struct coll_key *ck = rw_malloc(((size_t)r->ncoll + 1) * sizeof *ck);
	for (uint32_t c = 0; c < r->ncoll; c++)
		ck[c] = (struct coll_key){r->coll[c].name, c};
	if (r->ncoll > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(ck, r->ncoll, sizeof *ck, cmp_coll_key);
	for (uint32_t c = 0; c < r->ncoll; c++)
		s.corder[c] = ck[c].id;
	free(ck);
	for (uint32_t i = 0; i < r->npeer; i++)
		s.ctotal[r->peer[i].collector] += r->peer[i].nroutes > 0;

	for (uint32_t k = 0; k < nk; k++) {
		const struct rib_pfx *x = &r->pfx[keys[k].id];
		GROW(v->pfx, v->npfx, v->cappfx);
		struct rib_pv_prefix *pv = &v->pfx[v->npfx++];
		memset(pv, 0, sizeof *pv);
		pv->pfx = keys[k].id;
		if (x->p.len == v->query.len)
			v->present = true; /* covered and as long: the query itself */
		prefix_visibility(r, x, pv, v, &s);
		prefix_origins(r, x, pv, v, &s);
	}
	rw_vec_free(&keys, &capk, sizeof *keys, RW_MEM_RIB);
	rw_vec_free(&s.t, &s.capt, sizeof *s.t, RW_MEM_RIB);
	free(s.peers);
	free(s.ostamp);
	free(s.cstamp);
	free(s.ccount);
	free(s.ctotal);
	free(s.corder);
}
