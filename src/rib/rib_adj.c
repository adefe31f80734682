/*
 * The collector's Adj-RIB-In (see rib.h): for every route of every peer,
 * the path attributes as they arrived, in the form a TABLE_DUMP_V2 RIB
 * entry holds them (RFC 6396 §4.3.4: MP_REACH_NLRI abbreviated to its next
 * hop, no MP_UNREACH_NLRI, AS_PATH with 4-byte ASNs: a 2-byte session's
 * AS_PATH merged with its AS4_PATH as RFC 6793 says, attributes the
 * decoder discarded as malformed and later copies of a repeated attribute
 * left out; unknown types kept as received). The route state proper keeps
 * interned AS paths only, which is not enough to write a RIB dump that
 * bgpdump prints like RouteViews'.
 *
 * It stands on the rib: prefixes are the rib's prefix ids and peers the
 * rib's peer ids, so it holds no prefix table of its own. Per prefix id, a
 * vector of 12-byte routes (peer, ADD-PATH id, attribute set); attribute
 * sets are interned in the one hash table (one copy per distinct set,
 * counted references, freed at zero; equal hashes of different bytes are
 * different entries).
 *
 * Memory: RW_MEM_ADJ counts every byte; lifetimes follow the routes.
 */
#include "rib_int.h"
#include "../mrt/mrt.h"

#include <stdlib.h>

struct adj_rt {
	uint32_t peer, addpath, set;
};

struct adj_pfx {
	struct adj_rt *r;  /* owned */
	uint32_t n, cap;
};

struct adj_set {
	uint8_t *p;        /* owned; NULL: free (next_free links it) */
	uint32_t len, refs, hash, next_free;
};

struct rib_adj {
	struct rib *rib;           /* borrowed: prefix and peer ids */
	struct adj_pfx *pfx;       /* owned, indexed by rib prefix id */
	uint32_t npfx, cappfx;
	struct adj_set *set;       /* owned, indexed by set id */
	uint32_t nset, capset, set_free;
	struct htab set_tab;       /* set hash -> set id */
	uint32_t *bgp_id;          /* owned, indexed by rib peer id */
	uint32_t nbgp, capbgp;
	struct obuf tmp;           /* a set being converted */
	struct arena scratch;      /* path decoding */
	uint64_t routes, set_bytes;
};

#define VEC(p, cap, need) rw_vec_grow(&(p), &(cap), (need), sizeof *(p), UINT32_MAX - 1, RW_MEM_ADJ)

struct rib_adj *rib_adj_new(struct rib *rib)
{
	struct rib_adj *a = rw_calloc(1, sizeof *a);
	a->rib = rib;
	a->set_free = RIB_NONE;
	htab_init(&a->set_tab, 1024, RW_MEM_ADJ);
	arena_init(&a->scratch, 1 << 16, 0, RW_MEM_ADJ);
	return a;
}

void rib_adj_free(struct rib_adj *a)
{
	if (!a)
		return;
	for (uint32_t i = 0; i < a->npfx; i++)
		rw_vec_free(&a->pfx[i].r, &a->pfx[i].cap, sizeof *a->pfx[i].r, RW_MEM_ADJ);
	rw_vec_free(&a->pfx, &a->cappfx, sizeof *a->pfx, RW_MEM_ADJ);
	for (uint32_t i = 0; i < a->nset; i++)
		free(a->set[i].p);
	rw_mem_count(RW_MEM_ADJ, -(int64_t)a->set_bytes);
	rw_vec_free(&a->set, &a->capset, sizeof *a->set, RW_MEM_ADJ);
	rw_vec_free(&a->bgp_id, &a->capbgp, sizeof *a->bgp_id, RW_MEM_ADJ);
	htab_release(&a->set_tab);
	obuf_release(&a->tmp);
	arena_release(&a->scratch);
	free(a);
}

void rib_adj_bgp_id(struct rib_adj *a, uint32_t peer, uint32_t bgp_id)
{
	if (peer >= a->nbgp) {
		VEC(a->bgp_id, a->capbgp, (size_t)peer + 1);
		memset(a->bgp_id + a->nbgp, 0, (peer + 1 - a->nbgp) * sizeof *a->bgp_id);
		a->nbgp = peer + 1;
	}
	if (bgp_id)
		a->bgp_id[peer] = bgp_id;
}

/* ---------------------------------------------------------------- attribute sets */

static void set_unref(struct rib_adj *a, uint32_t id)
{
	struct adj_set *x = &a->set[id];
	if (--x->refs)
		return;
	htab_del(&a->set_tab, x->hash, id);
	a->set_bytes -= x->len;
	rw_mem_count(RW_MEM_ADJ, -(int64_t)x->len);
	free(x->p);
	x->p = NULL;
	x->next_free = a->set_free;
	a->set_free = id;
}

static uint32_t intern(struct rib_adj *a, const uint8_t *p, size_t n)
{
	uint32_t h = (uint32_t)rw_hash(p, n), k;
	for (uint32_t id = htab_first(&a->set_tab, h, &k); id != HTAB_NONE; id = htab_next(&a->set_tab, h, &k))
		if (a->set[id].len == n && !memcmp(a->set[id].p, p, n))
			return id;
	uint32_t id = a->set_free;
	if (id != RIB_NONE) {
		a->set_free = a->set[id].next_free;
	} else {
		VEC(a->set, a->capset, (size_t)a->nset + 1);
		id = a->nset++;
	}
	struct adj_set *x = &a->set[id];
	x->p = rw_malloc(n ? n : 1);
	memcpy(x->p, p, n);
	x->len = (uint32_t)n;
	x->refs = 0;
	x->hash = h;
	htab_add(&a->set_tab, h, id);
	a->set_bytes += n;
	rw_mem_count(RW_MEM_ADJ, (int64_t)n);
	return id;
}

/* A 2-byte session's AS_PATH (+ AS4_PATH) as one 4-byte AS_PATH. */
static bool path4(struct rib_adj *a, const struct bgp_attrs *at, uint8_t flags)
{
	struct bgp_path p, p4, m;
	arena_reset(&a->scratch);
	if (bgp_path_check(at->as_path, at->as_path_len, 2) ||
	    bgp_path_decode(at->as_path, at->as_path_len, 2, &a->scratch, &p))
		return false;
	const struct bgp_path *use = &p;
	if (at->as4_path && !bgp_path_check(at->as4_path, at->as4_path_len, 4) &&
	    !bgp_path_decode(at->as4_path, at->as4_path_len, 4, &a->scratch, &p4) &&
	    !bgp_path_merge_as4(&p, &p4, &a->scratch, &m))
		use = &m;
	bgp_path_put(&a->tmp, flags, BGP_ATTR_AS_PATH, use, 4);
	return true;
}

uint32_t rib_adj_attrs(struct rib_adj *a, const struct bgp_attrs *at, bool as4)
{
	struct obuf *o = &a->tmp;
	obuf_reset(o);
	struct bgp_attr_it it;
	struct bgp_attr x;
	uint64_t seen[256 / 64] = {0};
	bgp_attr_it_init(&it, at->raw, at->raw_len);
	while (bgp_attr_next(&it, &x) > 0) {
		const uint8_t *v = x.v.p;
		size_t n = cur_left(&x.v);
		uint64_t bit = 1ULL << (x.type & 63);
		if (seen[x.type >> 6] & bit)
			continue; /* a later copy, which the decoder discarded */
		seen[x.type >> 6] |= bit;
		/* types the decoder tracks: kept when valid (a malformed one was
		 * discarded, RFC 7606); types above them are kept as received */
		if (x.type < BGP_ATTR_MAX && !bgp_has(at, x.type) && x.type != BGP_ATTR_AS4_PATH)
			continue;
		switch (x.type) {
		case BGP_ATTR_MP_REACH: { /* RIB form: the next hop only */
			uint8_t nh[1 + sizeof at->reach.nh];
			nh[0] = at->reach.nh_len;
			memcpy(nh + 1, at->reach.nh, at->reach.nh_len);
			bgp_attr_put(o, BGP_AF_OPTIONAL, x.type, nh, 1u + at->reach.nh_len);
			break;
		}
		case BGP_ATTR_MP_UNREACH:
			break; /* withdrawals are not route attributes */
		case BGP_ATTR_AS_PATH:
			if (as4 || !path4(a, at, x.flags))
				bgp_attr_put(o, x.flags, x.type, v, n);
			break;
		case BGP_ATTR_AS4_PATH:
			if (as4) /* else merged into AS_PATH above */
				bgp_attr_put(o, x.flags, x.type, v, n);
			break;
		default:
			bgp_attr_put(o, x.flags, x.type, v, n);
		}
	}
	return intern(a, obuf_data(o), o->len);
}

void rib_adj_unused(struct rib_adj *a, uint32_t set)
{
	if (set < a->nset && a->set[set].p && a->set[set].refs == 0) {
		a->set[set].refs = 1;
		set_unref(a, set);
	}
}

/* ---------------------------------------------------------------- routes */

static struct adj_pfx *pfx_of(struct rib_adj *a, uint32_t pfx)
{
	if (pfx >= a->npfx) {
		VEC(a->pfx, a->cappfx, (size_t)pfx + 1);
		memset(a->pfx + a->npfx, 0, (pfx + 1 - a->npfx) * sizeof *a->pfx);
		a->npfx = pfx + 1;
	}
	return &a->pfx[pfx];
}

void rib_adj_announce(struct rib_adj *a, uint32_t peer, uint32_t pfx, uint32_t addpath, uint32_t set)
{
	if (set == RIB_NONE)
		return;
	struct adj_pfx *x = pfx_of(a, pfx);
	a->set[set].refs++;
	for (uint32_t k = 0; k < x->n; k++)
		if (x->r[k].peer == peer && x->r[k].addpath == addpath) {
			set_unref(a, x->r[k].set);
			x->r[k].set = set;
			return;
		}
	VEC(x->r, x->cap, (size_t)x->n + 1);
	x->r[x->n++] = (struct adj_rt){peer, addpath, set};
	a->routes++;
}

static void remove_at(struct rib_adj *a, struct adj_pfx *x, uint32_t k)
{
	set_unref(a, x->r[k].set);
	x->r[k] = x->r[--x->n];
	a->routes--;
	if (!x->n)
		rw_vec_free(&x->r, &x->cap, sizeof *x->r, RW_MEM_ADJ);
}

void rib_adj_withdraw(struct rib_adj *a, uint32_t peer, uint32_t pfx, uint32_t addpath)
{
	if (pfx >= a->npfx)
		return;
	struct adj_pfx *x = &a->pfx[pfx];
	for (uint32_t k = 0; k < x->n; k++)
		if (x->r[k].peer == peer && x->r[k].addpath == addpath) {
			remove_at(a, x, k);
			return;
		}
}

void rib_adj_peer_down(struct rib_adj *a, uint32_t peer)
{
	/* the rib's prefix bits of the peer cover every prefix it has an
	 * Adj-RIB-In route for (the engine takes a route here only when the
	 * rib took it); called before the rib clears them */
	const struct rib_peer *p = &a->rib->peer[peer];
	for (uint32_t w = 0; w < p->caphas; w++) {
		for (uint64_t bits = p->has[w]; bits; bits &= bits - 1) {
			uint32_t pfx = w * 64 + (uint32_t)__builtin_ctzll(bits);
			if (pfx >= a->npfx)
				continue;
			struct adj_pfx *x = &a->pfx[pfx];
			for (uint32_t k = 0; k < x->n;)
				if (x->r[k].peer == peer)
					remove_at(a, x, k);
				else
					k++;
		}
	}
}

/* ---------------------------------------------------------------- dump */

static int by_prefix(const void *x, const void *y, void *arg)
{
	const struct rib *r = arg;
	return rw_prefix_cmp(&r->pfx[*(const uint32_t *)x].p, &r->pfx[*(const uint32_t *)y].p);
}

int rib_adj_dump(const struct rib_adj *a, uint32_t coll, uint32_t ts, uint32_t router_id, const char *view,
		 struct obuf *out, uint64_t *nroutes)
{
	const struct rib *r = a->rib;
	*nroutes = 0;
	/* the collector's peers, numbered for the peer index */
	const struct rib_collector *c = &r->coll[coll];
	uint16_t *pidx = rw_malloc(((size_t)r->npeer + 1) * sizeof *pidx);
	struct mrt_peer *peers = rw_calloc((size_t)c->npeers + 1, sizeof *peers);
	uint32_t *order = rw_malloc(((size_t)a->npfx + 1) * sizeof *order);
	memset(pidx, 0xff, ((size_t)r->npeer + 1) * sizeof *pidx);
	unsigned np = 0;
	for (uint32_t i = 0; i < c->npeers && np < UINT16_MAX; i++) {
		uint32_t id = c->peers[i];
		pidx[id] = (uint16_t)np;
		peers[np].addr = r->peer[id].addr;
		peers[np].asn = r->peer[id].asn;
		peers[np].bgp_id = id < a->nbgp ? a->bgp_id[id] : 0;
		np++;
	}
	int rc = mrt_write_peer_index(out, ts, router_id, view, peers, np);
	uint32_t n = 0;
	for (uint32_t i = 0; i < a->npfx; i++)
		if (a->pfx[i].n)
			order[n++] = i;
	qsort_r(order, n, sizeof *order, by_prefix, (void *)r);
	struct mrt_rib_entry *e = NULL;
	uint32_t ecap = 0, seq = 0;
	for (uint32_t j = 0; !rc && j < n; j++) {
		const struct adj_pfx *x = &a->pfx[order[j]];
		VEC(e, ecap, x->n);
		unsigned k = 0;
		bool addpath = false;
		for (uint32_t i = 0; i < x->n; i++) {
			const struct adj_rt *t = &x->r[i];
			if (pidx[t->peer] == UINT16_MAX)
				continue; /* another collector's */
			const struct adj_set *s = &a->set[t->set];
			if (s->len > UINT16_MAX)
				continue; /* a 2-byte path widened past what a RIB entry holds */
			e[k++] = (struct mrt_rib_entry){.peer_index = pidx[t->peer], .orig_time = ts,
							.path_id = t->addpath, .raw = s->p,
							.raw_len = (uint16_t)s->len};
			addpath |= t->addpath != 0;
		}
		if (!k)
			continue;
		rc = mrt_write_rib(out, ts, seq++, &r->pfx[order[j]].p, e, k, addpath);
		*nroutes += k;
	}
	rw_vec_free(&e, &ecap, sizeof *e, RW_MEM_ADJ);
	free(order);
	free(peers);
	free(pidx);
	return rc;
}

void rib_adj_stats(const struct rib_adj *a, uint64_t *routes, uint64_t *bytes)
{
	*routes = a->routes;
	*bytes = rw_mem_held(RW_MEM_ADJ);
}
