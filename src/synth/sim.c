/*
 * A route-propagation simulator (see synth.h): every AS of a relationship
 * graph originates one prefix; routes spread as Gao and Rexford's model
 * says; the tables of a few hundred vantage points are written as a
 * TABLE_DUMP_V2 RIB. It is the test bench of asrel/'s inference: the
 * graph is the truth the inferred relationships are scored against.
 *
 * The model. Each AS prefers a route from a customer to one from a peer,
 * and that to one from a provider; then the shortest AS path; then the
 * lowest next-hop ASN. It exports its customers' routes (and its own) to
 * everyone, its peers' and providers' routes only to its customers.
 *
 * Per origin o the routes are computed in three steps, each a
 * breadth-first walk (so the shortest path and the lowest next hop come
 * out of the order of the walk), and only where they are needed:
 *  1. customer routes: up from o over customer-to-provider links, over
 *     the whole graph (C: the ASes o is in the cone of);
 *  2. peer routes: one peer link from an AS of C, to the ASes of U;
 *  3. provider routes: down provider-to-customer links inside U, from the
 *     ASes of U that have a customer or peer route, length by length.
 * U is the set of the vantage points and all their providers, up to the
 * top: the route an AS of U chooses depends only on routes of C and of
 * its providers, which are in U. U is 549 of the 55,809 ASes of 2016's
 * graph with 200 VPs, so an origin costs its upward cone plus U's links,
 * not the whole graph (the 200-VP run takes about 5 s). ASes are numbered in ASN order, so the lowest next hop
 * is the lowest index. Per-AS state is stamped with the origin, so
 * nothing is cleared between origins.
 */
#include "synth.h"

#include <stdio.h>
#include <stdlib.h>

/* Route types, in order of preference. */
enum { RT_NONE, RT_CUST, RT_PEER, RT_PROV };
#define SIM_MAX_LEN 64 /* longer paths are not followed (none in practice) */

/* Lists of neighbours per AS (CSR). */
struct adj {
	uint32_t *off; /* n + 1 */
	uint32_t *v;
};

struct sim {
	uint32_t n;
	uint32_t *asn;                /* index -> ASN, ascending */
	struct adj prov, peer_u, cust_u; /* providers; peers in U; customers in U */
	uint8_t *in_u;
	uint32_t *stamp, *nh;         /* per AS: origin + 1 of its route; next hop */
	uint32_t *mark;               /* per AS: origin + 1 once in a bucket */
	uint8_t *type, *len;
	uint32_t *cq, *nq;            /* the walk's queues */
	uint32_t *bucket[SIM_MAX_LEN + 1];
	uint32_t nbucket[SIM_MAX_LEN + 1];
};

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

static int cmp_u64_sim(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* The index of an ASN of the graph (there by construction). */
static uint32_t index_of(const struct sim *s, uint32_t asn)
{
	const uint32_t *p = bsearch(&asn, s->asn, s->n, sizeof *s->asn, cmp_u32);
	return (uint32_t)(p - s->asn);
}

/* Build a CSR from pairs (from[i] -> to[i]), keeping those keep allows. */
static void adj_build(struct adj *a, uint32_t n, const uint32_t *from, const uint32_t *to, uint32_t m,
		      const uint8_t *keep_to)
{
	a->off = rw_calloc((size_t)n + 2, sizeof *a->off);
	a->v = rw_calloc((size_t)m + 1, sizeof *a->v);
	for (uint32_t i = 0; i < m; i++)
		if (!keep_to || keep_to[to[i]])
			a->off[from[i] + 2]++;
	for (uint32_t i = 0; i < n; i++)
		a->off[i + 2] += a->off[i + 1];
	for (uint32_t i = 0; i < m; i++)
		if (!keep_to || keep_to[to[i]])
			a->v[a->off[from[i] + 1]++] = to[i];
	/* sorted neighbours: the walk meets lower next hops first */
	for (uint32_t i = 0; i < n; i++)
		qsort(a->v + a->off[i], a->off[i + 1] - a->off[i], sizeof *a->v, cmp_u32);
}

static void adj_free(struct adj *a)
{
	free(a->off);
	free(a->v);
}

/* Offer x a route of type t, length l, via h; keeps the better one. */
static bool offer(struct sim *s, uint32_t stamp, uint32_t x, uint8_t t, uint32_t l, uint32_t h)
{
	if (l > SIM_MAX_LEN)
		return false;
	if (s->stamp[x] == stamp) {
		if (s->type[x] < t || (s->type[x] == t && (s->len[x] < l || (s->len[x] == l && s->nh[x] <= h))))
			return false;
	}
	bool fresh = s->stamp[x] != stamp || s->type[x] != t || s->len[x] != l;
	s->stamp[x] = stamp;
	s->type[x] = t;
	s->len[x] = (uint8_t)l;
	s->nh[x] = h;
	return fresh;
}

/* The routes toward origin o (steps 1 to 3 of the file's comment). */
static void routes_to(struct sim *s, uint32_t o)
{
	uint32_t stamp = o + 1, nc = 0, nn;
	s->stamp[o] = stamp;
	s->type[o] = RT_CUST;
	s->len[o] = 0;
	s->nh[o] = o;
	/* 1: up; C is every AS the queues held, kept in cq as they go */
	uint32_t *c = s->cq;
	c[nc++] = o;
	for (uint32_t from = 0, d = 0; from < nc && d < SIM_MAX_LEN; d++) {
		uint32_t to = nc;
		for (uint32_t i = from; i < to; i++) {
			uint32_t x = c[i];
			for (uint32_t k = s->prov.off[x]; k < s->prov.off[x + 1]; k++)
				if (offer(s, stamp, s->prov.v[k], RT_CUST, d + 1, x) && s->len[s->prov.v[k]] == d + 1 &&
				    s->nh[s->prov.v[k]] == x)
					c[nc++] = s->prov.v[k];
		}
		from = to;
	}
	/* 2: peers in U of the ASes of C; 3's buckets get every AS of U
	 * with a customer or peer route */
	for (uint32_t d = 0; d <= SIM_MAX_LEN; d++)
		s->nbucket[d] = 0;
	nn = 0;
	for (uint32_t i = 0; i < nc; i++) {
		uint32_t y = c[i];
		for (uint32_t k = s->peer_u.off[y]; k < s->peer_u.off[y + 1]; k++)
			if (offer(s, stamp, s->peer_u.v[k], RT_PEER, s->len[y] + 1u, y))
				s->nq[nn++] = s->peer_u.v[k];
	}
	for (uint32_t i = 0; i < nc; i++)
		if (s->in_u[c[i]])
			s->bucket[s->len[c[i]]][s->nbucket[s->len[c[i]]]++] = c[i];
	for (uint32_t i = 0; i < nn; i++) {
		uint32_t x = s->nq[i];
		if (s->type[x] == RT_PEER && s->mark[x] != stamp) { /* offers may repeat x */
			s->mark[x] = stamp;
			s->bucket[s->len[x]][s->nbucket[s->len[x]]++] = x;
		}
	}
	/* 3: down inside U, length by length */
	for (uint32_t d = 0; d < SIM_MAX_LEN; d++)
		for (uint32_t i = 0; i < s->nbucket[d]; i++) {
			uint32_t x = s->bucket[d][i];
			if (s->len[x] != d)
				continue;
			for (uint32_t k = s->cust_u.off[x]; k < s->cust_u.off[x + 1]; k++) {
				uint32_t y = s->cust_u.v[k];
				bool had = s->stamp[y] == stamp;
				if (offer(s, stamp, y, RT_PROV, d + 1, x) && !had)
					s->bucket[d + 1][s->nbucket[d + 1]++] = y;
			}
		}
}

int synth_write_sim(int fd, const struct asrel *g, const struct synth_sim_opts *o, struct synth_sim_stats *st)
{
	memset(st, 0, sizeof *st);
	struct sim sm = {0}, *s = &sm;
	uint32_t nl = g->map.n;
	/* the ASes, ascending */
	uint32_t *all = rw_calloc(2 * (size_t)nl + 1, sizeof *all);
	for (uint32_t i = 0; i < nl; i++) {
		all[2 * i] = (uint32_t)(g->map.keys[i] >> 32);
		all[2 * i + 1] = (uint32_t)g->map.keys[i];
	}
	qsort(all, 2 * (size_t)nl, sizeof *all, cmp_u32);
	for (uint32_t i = 0; i < 2 * nl; i++)
		if (!s->n || all[i] != all[s->n - 1])
			all[s->n++] = all[i];
	s->asn = all;
	uint32_t n = s->n;
	/* links as index pairs: provider -> customer, and peers both ways */
	uint32_t *pf = rw_calloc((size_t)nl + 1, sizeof *pf), *pt = rw_calloc((size_t)nl + 1, sizeof *pt);
	uint32_t *qf = rw_calloc(2 * (size_t)nl + 1, sizeof *qf), *qt = rw_calloc(2 * (size_t)nl + 1, sizeof *qt);
	uint32_t np = 0, nq = 0;
	uint32_t *deg = rw_calloc((size_t)n + 1, sizeof *deg), *ncust = rw_calloc((size_t)n + 1, sizeof *ncust);
	for (uint32_t i = 0; i < nl; i++) {
		uint32_t lo = index_of(s, (uint32_t)(g->map.keys[i] >> 32)), hi = index_of(s, (uint32_t)g->map.keys[i]);
		enum asrel_rel r = (enum asrel_rel)g->map.vals[i]; /* what hi is to lo */
		deg[lo]++;
		deg[hi]++;
		if (r == ASREL_PEER) {
			qf[nq] = lo, qt[nq++] = hi;
			qf[nq] = hi, qt[nq++] = lo;
		} else {
			uint32_t p = r == ASREL_PROVIDER ? hi : lo, c = r == ASREL_PROVIDER ? lo : hi;
			pf[np] = p, pt[np++] = c;
			ncust[p]++;
		}
	}
	adj_build(&s->prov, n, pt, pf, np, NULL); /* customer -> its providers */
	/* the vantage points: the largest by degree, then small full ones
	 * and partial ones (transit ASes exporting their customers' routes
	 * only) in a seeded order */
	uint32_t nvp = RW_MIN(o->vps, n);
	uint32_t nfull_small = nvp * o->small_percent / 100, npart = nvp * o->partial_percent / 100;
	uint32_t nbig = nvp - nfull_small - npart;
	uint64_t *byd = rw_calloc((size_t)n + 1, sizeof *byd);
	for (uint32_t i = 0; i < n; i++)
		byd[i] = (uint64_t)(UINT32_MAX - deg[i]) << 32 | i;
	qsort(byd, n, sizeof *byd, cmp_u64_sim);
	uint8_t *vp = rw_calloc((size_t)n + 1, 1); /* 1 full, 2 partial */
	uint32_t *vps = rw_calloc((size_t)nvp + 1, sizeof *vps), k = 0;
	for (uint32_t i = 0; i < n && k < nbig; i++) {
		vp[(uint32_t)byd[i]] = 1;
		vps[k++] = (uint32_t)byd[i];
	}
	for (uint32_t i = 0; i < n; i++)
		byd[i] = (mix(o->seed ^ s->asn[i]) & ~0xffffffffull) | i;
	qsort(byd, n, sizeof *byd, cmp_u64_sim);
	uint32_t want_small = k + nfull_small;
	for (uint32_t i = 0; i < n && k < want_small; i++) {
		uint32_t x = (uint32_t)byd[i];
		if (!vp[x] && deg[x] >= 2 && s->prov.off[x + 1] > s->prov.off[x]) {
			vp[x] = 1;
			vps[k++] = x;
		}
	}
	for (uint32_t i = n; i-- > 0 && k < nvp;) {
		uint32_t x = (uint32_t)byd[i];
		if (!vp[x] && ncust[x] > 0 && s->prov.off[x + 1] > s->prov.off[x]) {
			vp[x] = 2;
			vps[k++] = x;
		}
	}
	nvp = k;
	free(byd);
	/* U: the VPs and their providers, up to the top */
	s->in_u = rw_calloc((size_t)n + 1, 1);
	uint32_t *q = rw_calloc((size_t)n + 1, sizeof *q), nu = 0;
	for (uint32_t i = 0; i < nvp; i++)
		if (!s->in_u[vps[i]]) {
			s->in_u[vps[i]] = 1;
			q[nu++] = vps[i];
		}
	for (uint32_t i = 0; i < nu; i++)
		for (uint32_t j = s->prov.off[q[i]]; j < s->prov.off[q[i] + 1]; j++)
			if (!s->in_u[s->prov.v[j]]) {
				s->in_u[s->prov.v[j]] = 1;
				q[nu++] = s->prov.v[j];
			}
	free(q);
	adj_build(&s->peer_u, n, qf, qt, nq, s->in_u);
	adj_build(&s->cust_u, n, pf, pt, np, s->in_u);
	free(pf);
	free(pt);
	free(qf);
	free(qt);
	s->stamp = rw_calloc((size_t)n + 1, sizeof *s->stamp);
	s->nh = rw_calloc((size_t)n + 1, sizeof *s->nh);
	s->mark = rw_calloc((size_t)n + 1, sizeof *s->mark);
	s->type = rw_calloc((size_t)n + 1, 1);
	s->len = rw_calloc((size_t)n + 1, 1);
	s->cq = rw_calloc((size_t)n + 1, sizeof *s->cq);
	s->nq = rw_calloc((size_t)nq + 1, sizeof *s->nq);
	for (uint32_t d = 0; d <= SIM_MAX_LEN; d++)
		s->bucket[d] = rw_calloc((size_t)nu + 1, sizeof *s->bucket[d]); /* U's ASes, once each */
	/* the RIB: a peer index of the VPs, then one record per origin */
	struct obuf out, b;
	obuf_init(&out, fd, 1 << 16);
	memset(&b, 0, sizeof b);
	struct mrt_peer *peers = rw_calloc((size_t)nvp + 1, sizeof *peers);
	for (uint32_t i = 0; i < nvp; i++) {
		peers[i].asn = s->asn[vps[i]];
		peers[i].as4 = true;
		peers[i].addr.af = RW_AF_INET;
		peers[i].bgp_id = 0x0a000000u + i + 1;
		wr32(peers[i].addr.b, 0x0a000000u + i + 1); /* 10.0.0.x */
	}
	int rc = mrt_write_peer_index(&b, o->ts, 0xc0000201u, "sim", peers, nvp);
	struct mrt_rib_entry *ents = rw_calloc((size_t)nvp + 1, sizeof *ents);
	struct bgp_wattrs *attrs = rw_calloc((size_t)nvp + 1, sizeof *attrs);
	uint32_t *paths = rw_calloc(((size_t)nvp + 1) * SIM_MAX_LEN, sizeof *paths);
	st->vps = nvp;
	st->ases = n;
	st->in_u = nu;
	for (uint32_t i = 0; i < nvp; i++)
		st->partial += vp[vps[i]] == 2;
	for (uint32_t or = 0; or < n && !rc && !out.err; or++) {
		routes_to(s, or);
		uint32_t m = 0;
		for (uint32_t i = 0; i < nvp; i++) {
			uint32_t v = vps[i];
			if (s->stamp[v] != or + 1 || (vp[v] == 2 && s->type[v] != RT_CUST))
				continue;
			uint32_t *p = paths + (size_t)m * SIM_MAX_LEN, len = 0, x = v;
			for (; len < SIM_MAX_LEN; x = s->nh[x]) {
				p[len++] = s->asn[x];
				if (x == or)
					break;
			}
			if (x != or)
				continue; /* longer than SIM_MAX_LEN */
			memset(&attrs[m], 0, sizeof attrs[m]);
			attrs[m].path = p;
			attrs[m].path_len = len;
			attrs[m].nexthop.af = RW_AF_INET;
			wr32(attrs[m].nexthop.b, 0x0a000000u + i + 1);
			ents[m] = (struct mrt_rib_entry){.peer_index = (uint16_t)i, .orig_time = o->ts, .attrs = &attrs[m]};
			m++;
		}
		st->routes += m;
		if (!m)
			continue;
		struct rw_prefix px;
		memset(&px, 0, sizeof px);
		px.af = RW_AF_INET;
		px.len = 24;
		wr32(px.b, (s->asn[or] & 0xffffffu) << 8); /* the origin's /24 */
		rc = mrt_write_rib(&b, o->ts, or, &px, ents, m, false);
		if (b.len >= (4u << 20)) {
			obuf_write(&out, b.buf, b.len);
			obuf_reset(&b);
		}
	}
	obuf_write(&out, b.buf, b.len);
	obuf_flush(&out);
	if (!rc)
		rc = out.err;
	obuf_release(&out);
	obuf_release(&b);
	free(peers);
	free(ents);
	free(attrs);
	free(paths);
	for (uint32_t d = 0; d <= SIM_MAX_LEN; d++)
		free(s->bucket[d]);
	free(s->stamp);
	free(s->nh);
	free(s->mark);
	free(s->type);
	free(s->len);
	free(s->cq);
	free(s->nq);
	free(s->in_u);
	adj_free(&s->prov);
	adj_free(&s->peer_u);
	adj_free(&s->cust_u);
	free(vp);
	free(vps);
	free(deg);
	free(ncust);
	free(all);
	return rc;
}

/* ---------------------------------------------------------------- graph */

/* The i-th of n choices made with seed and a salt. */
static uint32_t pick(uint64_t seed, uint64_t a, uint64_t b, uint32_t n)
{
	return (uint32_t)(mix(seed ^ mix(a * 0x100000001b3ull + b)) % n);
}

int synth_write_graph(int fd, uint32_t n, uint64_t seed)
{
	if (n < 100 || n > 2000000)
		return RW_EINVAL;
	struct asrel g;
	asrel_init(&g);
	/* tiers: clique, transit, regional transit, stubs */
	uint32_t nt1 = 8, nt2 = RW_MAX(n * 3 / 100, 4u), nt3 = n * 15 / 100, ns = n - nt1 - nt2 - nt3;
	if (nt3 > 54000)
		nt3 = 54000; /* 10001 + nt3 stays under the private range */
	ns = n - nt1 - nt2 - nt3;
#define T1(i) (1001u + (i))
#define T2(i) (2001u + (i))
#define T3(i) (10001u + (i))
#define ST(i) (200001u + (i))
	int rc = 0;
	for (uint32_t i = 0; i < nt1; i++)
		for (uint32_t j = i + 1; j < nt1; j++)
			rc |= asrel_add(&g, T1(i), T1(j), ASREL_PEER);
	for (uint32_t i = 0; i < nt2 && !rc; i++) {
		uint32_t k = 2 + pick(seed, 1, i, 2);
		for (uint32_t j = 0; j < k; j++)
			rc |= asrel_add(&g, T2(i), T1(pick(seed, 2, i * 8 + j, nt1)), ASREL_PROVIDER);
		for (uint32_t j = 0; j < i; j++) /* transit ASes peer with a tenth of the others */
			if (pick(seed, 3, (uint64_t)i << 32 | j, 10) == 0)
				rc |= asrel_add(&g, T2(i), T2(j), ASREL_PEER);
	}
	for (uint32_t i = 0; i < nt3 && !rc; i++) {
		uint32_t k = 1 + pick(seed, 4, i, 3);
		for (uint32_t j = 0; j < k; j++)
			rc |= asrel_add(&g, T3(i), T2(pick(seed, 5, i * 8 + j, nt2)), ASREL_PROVIDER);
		if (pick(seed, 6, i, 10) < 4) /* the clique sells transit too */
			rc |= asrel_add(&g, T3(i), T1(pick(seed, 7, i, nt1)), ASREL_PROVIDER);
		for (uint32_t j = 0; j < 2 && i; j++) { /* two regional peers */
			uint32_t o = pick(seed, 8, i * 8 + j, i);
			if (asrel_get(&g, T3(i), T3(o)) == ASREL_UNKNOWN)
				rc |= asrel_add(&g, T3(i), T3(o), ASREL_PEER);
		}
		if (pick(seed, 9, i, 10) == 0) { /* and now and then a transit one */
			uint32_t o = pick(seed, 10, i, nt2);
			if (asrel_get(&g, T3(i), T2(o)) == ASREL_UNKNOWN)
				rc |= asrel_add(&g, T3(i), T2(o), ASREL_PEER);
		}
	}
	for (uint32_t i = 0; i < ns && !rc; i++) {
		uint32_t k = 1 + pick(seed, 11, i, 2);
		for (uint32_t j = 0; j < k; j++) {
			/* mostly under regional transit */
			uint32_t x = pick(seed, 12, i * 8 + j, 20);
			uint32_t p = x < 15 && nt3 ? T3(pick(seed, 13, i * 8 + j, nt3))
				     : x < 19	    ? T2(pick(seed, 14, i * 8 + j, nt2))
						    : T1(pick(seed, 17, i * 8 + j, nt1));
			rc |= asrel_add(&g, ST(i), p, ASREL_PROVIDER);
		}
		if (pick(seed, 15, i, 20) == 0 && nt3) { /* a stub peering at an exchange */
			uint32_t o = T3(pick(seed, 16, i, nt3));
			if (asrel_get(&g, ST(i), o) == ASREL_UNKNOWN)
				rc |= asrel_add(&g, ST(i), o, ASREL_PEER);
		}
	}
#undef T1
#undef T2
#undef T3
#undef ST
	if (!rc) {
		struct obuf o;
		obuf_init(&o, fd, 1 << 16);
		char head[160];
		snprintf(head, sizeof head, "# routewatch synth graph: %u ASes, seed %llu (Gao-Rexford tiers)\n", n,
			 (unsigned long long)seed);
		rc = asrel_write(&g, &o, head);
		if (obuf_flush(&o) && !rc)
			rc = o.err;
		obuf_release(&o);
	}
	asrel_release(&g);
	return rc;
}
