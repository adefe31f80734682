/*
 * Route state: prefix intern table, peers and collectors, per-prefix route
 * arrays, dirty tracking, RIB dump replacement.
 *
 * Invariants:
 *  - a prefix's routes are sorted by (peer, addpath); a peer has at most one
 *    route per (prefix, addpath);
 *  - a peer's routes on a prefix (its run) carry RIB_R_ADDPATH all or none;
 *    they do, with their ids in ap[ap_idx(prefix, peer)], exactly when one
 *    of them has an ADD-PATH id other than 0 (else the run is one route,
 *    id 0);
 *  - every route holds one reference on its path;
 *  - rib_peer.has has the bit of every prefix the peer has a route for
 *    (and maybe stale ones: cleared lazily, by the walks of a session drop
 *    or a dump's sweep);
 *  - a prefix is in the dirty list at most once per epoch.
 */
#include "rib.h"
#include "rib_int.h"

#include <stdio.h>
#include <stdlib.h>

uint32_t rib_prefix_hash(const struct rw_prefix *p)
{
	uint64_t a, b;
	memcpy(&a, p->b, 8);
	memcpy(&b, p->b + 8, 8);
	return (uint32_t)rw_hash_2u64(a, b, (uint64_t)p->af << 8 | p->len);
}

/* Append room for one more element (the state's vectors grow without a
 * cap of their own: their size is the table's; running out of memory is
 * fatal, as for every allocation). */
#define GROW(arr, n, cap) rw_vec_grow(&(arr), &(cap), (size_t)(n) + 1, sizeof *(arr), UINT32_MAX, RW_MEM_RIB)

void rib_init(struct rib *r)
{
	memset(r, 0, sizeof *r);
	r->src_ref = RIB_NONE;
	htab_init(&r->pfx_tab, 1024, RW_MEM_RIB);
	htab_init(&r->path_tab, 1024, RW_MEM_RIB);
	htab_init(&r->peer_tab, 64, RW_MEM_RIB);
	u64map_init(&r->ap_idx, RW_MEM_RIB);
	/* the two largest tables of the state */
	r->pfx_tab.dense = true;
	r->path_tab.dense = true;
	r->path_free = RIB_NONE;
	r->epoch = 1;
}

void rib_release(struct rib *r)
{
	for (uint32_t i = 0; i < r->npfx; i++)
		rw_vec_free(&r->pfx[i].r, &r->pfx[i].cap, sizeof *r->pfx[i].r, RW_MEM_RIB);
	rw_vec_free(&r->pfx, &r->cappfx, sizeof *r->pfx, RW_MEM_RIB);
	htab_release(&r->pfx_tab);
	rw_vec_free(&r->key, &r->capkey, 2, RW_MEM_RIB);
	rw_vec_free(&r->path, &r->cappath, sizeof *r->path, RW_MEM_RIB);
	htab_release(&r->path_tab);
	u64map_release(&r->ap_idx);
	for (uint32_t i = 0; i < r->nap; i++)
		rw_vec_free(&r->ap[i].id, &r->ap[i].cap, sizeof *r->ap[i].id, RW_MEM_RIB);
	rw_vec_free(&r->ap, &r->capap, sizeof *r->ap, RW_MEM_RIB);
	rw_vec_free(&r->ap_free, &r->capap_free, sizeof *r->ap_free, RW_MEM_RIB);
	for (uint32_t i = 0; i < r->npeer; i++)
		rw_vec_free(&r->peer[i].has, &r->peer[i].caphas, sizeof *r->peer[i].has, RW_MEM_RIB);
	rw_vec_free(&r->peer, &r->cappeer, sizeof *r->peer, RW_MEM_RIB);
	htab_release(&r->peer_tab);
	for (uint32_t i = 0; i < r->ncoll; i++) {
		free(r->coll[i].name);
		rw_vec_free(&r->coll[i].peers, &r->coll[i].cappeers, sizeof *r->coll[i].peers, RW_MEM_RIB);
	}
	rw_vec_free(&r->coll, &r->capcoll, sizeof *r->coll, RW_MEM_RIB);
	rw_vec_free(&r->dirty, &r->capdirty, sizeof *r->dirty, RW_MEM_RIB);
	rw_vec_free(&r->taken, &r->captaken, sizeof *r->taken, RW_MEM_RIB);
	rw_vec_free(&r->why, &r->capwhy, sizeof *r->why, RW_MEM_RIB);
	rw_vec_free(&r->taken_why, &r->captaken_why, sizeof *r->taken_why, RW_MEM_RIB);
	rw_vec_free(&r->dirty_src, &r->capdirty_src, sizeof *r->dirty_src, RW_MEM_RIB);
	rw_vec_free(&r->taken_src, &r->captaken_src, sizeof *r->taken_src, RW_MEM_RIB);
	memset(r, 0, sizeof *r);
}

/* ---------------------------------------------------------------- names */

uint32_t rib_collector(struct rib *r, const char *name)
{
	for (uint32_t i = 0; i < r->ncoll; i++)
		if (!strcmp(r->coll[i].name, name))
			return i;
	GROW(r->coll, r->ncoll, r->capcoll);
	struct rib_collector *c = &r->coll[r->ncoll];
	memset(c, 0, sizeof *c);
	c->name = rw_strdup(name);
	return r->ncoll++;
}

static uint32_t peer_hash(uint32_t collector, const struct rw_addr *addr, uint32_t asn)
{
	uint64_t a, b;
	memcpy(&a, addr->b, 8);
	memcpy(&b, addr->b + 8, 8);
	return (uint32_t)rw_hash_2u64(a, b, (uint64_t)collector << 40 ^ (uint64_t)addr->af << 32 ^ asn);
}

uint32_t rib_peer(struct rib *r, uint32_t collector, const struct rw_addr *addr, uint32_t asn)
{
	/* every route change looks its peer up: a table, not a walk over the
	 * collector's peers (hundreds at a RIS collector or a BMP station) */
	uint32_t h = peer_hash(collector, addr, asn), k;
	for (uint32_t id = htab_first(&r->peer_tab, h, &k); id != HTAB_NONE; id = htab_next(&r->peer_tab, h, &k)) {
		const struct rib_peer *p = &r->peer[id];
		if (p->collector == collector && p->asn == asn && p->addr.af == addr->af &&
		    !memcmp(p->addr.b, addr->b, 16))
			return id;
	}
	if (r->npeer >= RIB_MAX_PEERS) {
		if (!r->st.peers_refused++)
			rw_log(RW_LOG_ERROR, "more than %u peers: the routes of further peers are not kept",
			       RIB_MAX_PEERS);
		return RIB_NONE;
	}
	htab_add_at(&r->peer_tab, k, h, r->npeer);
	GROW(r->peer, r->npeer, r->cappeer);
	struct rib_peer *p = &r->peer[r->npeer];
	memset(p, 0, sizeof *p);
	p->addr = *addr;
	p->asn = asn;
	p->collector = collector;
	struct rib_collector *c = &r->coll[collector];
	GROW(c->peers, c->npeers, c->cappeers);
	c->peers[c->npeers++] = r->npeer;
	return r->npeer++;
}

/* ---------------------------------------------------------------- prefixes */

uint32_t rib_prefix_find_h(const struct rib *r, const struct rw_prefix *p, uint32_t h)
{
	uint32_t k;
	for (uint32_t id = htab_first(&r->pfx_tab, h, &k); id != HTAB_NONE; id = htab_next(&r->pfx_tab, h, &k))
		if (rw_prefix_eq(&r->pfx[id].p, p))
			return id;
	return RIB_NONE;
}

uint32_t rib_prefix_find(const struct rib *r, const struct rw_prefix *p)
{
	return rib_prefix_find_h(r, p, rib_prefix_hash(p));
}

uint32_t rib_prefix_h(struct rib *r, const struct rw_prefix *p, uint32_t h)
{
	uint32_t k;
	for (uint32_t id = htab_first(&r->pfx_tab, h, &k); id != HTAB_NONE; id = htab_next(&r->pfx_tab, h, &k))
		if (rw_prefix_eq(&r->pfx[id].p, p))
			return id;
	rw_vec_grow_q(&r->pfx, &r->cappfx, (size_t)r->npfx + 1, sizeof *r->pfx, UINT32_MAX, RW_MEM_RIB);
	struct rib_pfx *x = &r->pfx[r->npfx];
	memset(x, 0, sizeof *x);
	x->p = *p;
	x->p.path_id = 0;
	htab_add_at(&r->pfx_tab, k, h, r->npfx);
	return r->npfx++;
}

uint32_t rib_prefix(struct rib *r, const struct rw_prefix *p)
{
	return rib_prefix_h(r, p, rib_prefix_hash(p));
}

/* ---------------------------------------------------------------- routes */

/* why: RIB_WHY_* of a removal, 0 for other changes. The why bytes are
 * indexed by prefix id and zeroed again when taken, so they cost a byte
 * per prefix and nothing per second. */
static void mark_dirty(struct rib *r, uint32_t pfx, uint8_t why, uint32_t peer)
{
	struct rib_pfx *x = &r->pfx[pfx];
	if (r->revealing)
		why |= RIB_WHY_REVEALED;
	if (why) {
		if (pfx >= r->capwhy) {
			uint32_t old = r->capwhy;
			rw_vec_grow(&r->why, &r->capwhy, (size_t)pfx + 1, sizeof *r->why, UINT32_MAX, RW_MEM_RIB);
			memset(r->why + old, 0, r->capwhy - old);
		}
		r->why[pfx] |= why;
	}
	if (x->dirty_epoch == r->epoch)
		return;
	x->dirty_epoch = r->epoch;
	GROW(r->dirty, r->ndirty, r->capdirty);
	if (r->keep_src) {
		if (r->ndirty >= r->capdirty_src)
			rw_vec_grow(&r->dirty_src, &r->capdirty_src, (size_t)r->ndirty + 1, sizeof *r->dirty_src,
				    UINT32_MAX, RW_MEM_RIB);
		r->dirty_src[r->ndirty] = (struct rib_src){peer, r->src_ref};
	}
	r->dirty[r->ndirty++] = pfx;
}

void rib_mark_dirty(struct rib *r, uint32_t pfx)
{
	mark_dirty(r, pfx, 0, RIB_NONE);
}

void rib_mark_all_dirty(struct rib *r)
{
	for (uint32_t i = 0; i < r->npfx; i++)
		if (r->pfx[i].n)
			mark_dirty(r, i, 0, RIB_NONE);
}

const uint32_t *rib_take_dirty(struct rib *r, uint32_t *n, const uint8_t **why)
{
	/* The returned arrays stay valid until the next call: swap them out. */
	static const uint32_t empty[1];
	static const uint8_t none[1];
	*n = r->ndirty;
	r->epoch++;
	if (why)
		*why = none;
	if (!r->ndirty)
		return empty;
	rw_vec_grow(&r->taken, &r->captaken, r->ndirty, sizeof *r->taken, UINT32_MAX, RW_MEM_RIB);
	memcpy(r->taken, r->dirty, (size_t)r->ndirty * sizeof *r->dirty);
	/* a RIB dump's second leaves lists of the whole table: give them
	 * back when a later second needs far less */
	if (r->keep_src) {
		if (r->captaken_src > 65536 && r->captaken_src / 4 > r->ndirty)
			rw_vec_free(&r->taken_src, &r->captaken_src, sizeof *r->taken_src, RW_MEM_RIB);
		rw_vec_grow(&r->taken_src, &r->captaken_src, r->ndirty, sizeof *r->taken_src, UINT32_MAX, RW_MEM_RIB);
		memcpy(r->taken_src, r->dirty_src, (size_t)r->ndirty * sizeof *r->dirty_src);
	}
	rw_vec_grow(&r->taken_why, &r->captaken_why, r->ndirty, sizeof *r->taken_why, UINT32_MAX, RW_MEM_RIB);
	for (uint32_t i = 0; i < r->ndirty; i++) {
		uint32_t p = r->dirty[i];
		r->taken_why[i] = p < r->capwhy ? r->why[p] : 0;
		if (p < r->capwhy)
			r->why[p] = 0;
	}
	if (why)
		*why = r->taken_why;
	if (r->capdirty_src > 65536 && r->capdirty_src / 4 > r->ndirty)
		rw_vec_free(&r->dirty_src, &r->capdirty_src, sizeof *r->dirty_src, RW_MEM_RIB);
	r->ndirty = 0;
	return r->taken;
}

/* ---------------------------------------------------------------- ADD-PATH ids */

static uint64_t ap_key(uint32_t pfx, uint32_t peer)
{
	return (uint64_t)pfx << 32 | peer;
}

/* The ids of a flagged run. */
struct rib_ap *rib__ap_of(const struct rib *r, uint32_t pfx, uint32_t peer)
{
	const uint32_t *v = u64map_get(&r->ap_idx, ap_key(pfx, peer));
	return v ? &r->ap[*v] : NULL;
}

struct rib_ap *rib__ap_new(struct rib *r, uint32_t pfx, uint32_t peer)
{
	uint32_t i;
	if (r->nap_free) {
		i = r->ap_free[--r->nap_free];
	} else {
		GROW(r->ap, r->nap, r->capap);
		i = r->nap++;
		memset(&r->ap[i], 0, sizeof r->ap[i]);
	}
	*u64map_put(&r->ap_idx, ap_key(pfx, peer)) = i;
	return &r->ap[i];
}

static void ap_drop(struct rib *r, uint32_t pfx, uint32_t peer)
{
	uint32_t i = *u64map_get(&r->ap_idx, ap_key(pfx, peer));
	u64map_del(&r->ap_idx, ap_key(pfx, peer));
	rw_vec_free(&r->ap[i].id, &r->ap[i].cap, sizeof *r->ap[i].id, RW_MEM_RIB);
	r->ap[i].n = 0;
	GROW(r->ap_free, r->nap_free, r->capap_free);
	r->ap_free[r->nap_free++] = i;
}

void rib__ap_push(struct rib_ap *a, uint32_t id)
{
	rw_vec_grow(&a->id, &a->cap, (size_t)a->n + 1, sizeof *a->id, UINT32_MAX, RW_MEM_RIB);
	a->id[a->n++] = id;
}

static void ap_insert(struct rib_ap *a, uint32_t k, uint32_t id)
{
	rw_vec_grow(&a->id, &a->cap, (size_t)a->n + 1, sizeof *a->id, UINT32_MAX, RW_MEM_RIB);
	memmove(a->id + k + 1, a->id + k, (a->n - k) * sizeof *a->id);
	a->id[k] = id;
	a->n++;
}

/* First route of peer in the prefix's routes (or where it would go). */
static uint32_t run_start(const struct rib_pfx *x, uint32_t peer)
{
	uint32_t lo = 0, hi = x->n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (rib_route_peer(&x->r[mid]) < peer)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t rib_route_addpath(const struct rib *r, uint32_t pfx, uint32_t k)
{
	const struct rib_pfx *x = &r->pfx[pfx];
	if (!(x->r[k].peer_gen & RIB_R_ADDPATH))
		return 0;
	uint32_t peer = rib_route_peer(&x->r[k]);
	return rib__ap_of(r, pfx, peer)->id[k - run_start(x, peer)];
}

/* Index of (peer, addpath) in the prefix's routes, or the insert position
 * encoded as ~pos. */
static long find_route(const struct rib *r, uint32_t pfx, uint32_t peer, uint32_t addpath)
{
	const struct rib_pfx *x = &r->pfx[pfx];
	uint32_t lo = run_start(x, peer);
	if (lo >= x->n || rib_route_peer(&x->r[lo]) != peer)
		return ~(long)lo;
	if (!(x->r[lo].peer_gen & RIB_R_ADDPATH)) /* one route, id 0 */
		return addpath ? ~(long)(lo + 1) : (long)lo;
	const struct rib_ap *a = rib__ap_of(r, pfx, peer);
	uint32_t l = 0, h = a->n;
	while (l < h) {
		uint32_t mid = (l + h) / 2;
		if (a->id[mid] < addpath)
			l = mid + 1;
		else
			h = mid;
	}
	if (l < a->n && a->id[l] == addpath)
		return (long)(lo + l);
	return ~(long)(lo + l);
}

void rib__peer_has(struct rib *r, uint32_t peer, uint32_t pfx)
{
	struct rib_peer *p = &r->peer[peer];
	uint32_t w = pfx / 64;
	if (w >= p->caphas) {
		uint32_t old = p->caphas;
		/* room for the prefixes known now: a peer's first route
		 * sizes it once, not word by word */
		size_t need = RW_MAX((size_t)w + 1, ((size_t)r->npfx + 63) / 64);
		rw_vec_grow(&p->has, &p->caphas, need, sizeof *p->has, UINT32_MAX, RW_MEM_RIB);
		memset(p->has + old, 0, (size_t)(p->caphas - old) * sizeof *p->has);
	}
	p->has[w] |= 1ull << (pfx % 64);
}

void rib_reserve(struct rib *r, uint32_t pfx, uint32_t more)
{
	struct rib_pfx *x = &r->pfx[pfx];
	rw_vec_reserve(&x->r, &x->cap, (size_t)x->n + more, sizeof *x->r, UINT32_MAX, RW_MEM_RIB);
}

void rib_announce(struct rib *r, uint32_t peer, uint32_t pfx, uint32_t addpath, uint32_t path)
{
	struct rib_pfx *x = &r->pfx[pfx];
	struct rib_peer *p = &r->peer[peer];
	uint32_t gen = r->coll[p->collector].gen;
	long i = find_route(r, pfx, peer, addpath);
	r->st.announces++;
	if (i >= 0) {
		struct rib_route *rt = &x->r[i];
		if ((rt->peer_gen & RIB_GEN_MASK) != gen) {
			r->coll[p->collector].stale--; /* refreshed by the dump */
			rt->peer_gen = (rt->peer_gen & ~RIB_GEN_MASK) | gen;
		}
		if (rt->path == path)
			return; /* same route again: not a change */
		if (r->route_obs)
			r->route_obs(r->route_obs_arg, r, peer, pfx, rt->path, path);
		const struct rib_path *op = &r->path[rt->path], *np = &r->path[path];
		bool same_view = op->origin == np->origin && op->upstream == np->upstream;
		rib__path_unref(r, rt->path);
		rib__path_ref(r, path);
		rt->path = path;
		r->st.implicit_withdraws++;
		/* dirty means "the origins, upstreams or visibility of the prefix
		 * may have changed": a new path with the same origin and
		 * upstream changes none of them -- unless the reader looks at
		 * whole paths (route leaks, docs/events.md §11) */
		if (!same_view || r->paths_matter)
			mark_dirty(r, pfx, 0, peer);
		return;
	}
	uint32_t pos = (uint32_t)~i, flag = 0;
	uint32_t lo = run_start(x, peer);
	bool run = lo < x->n && rib_route_peer(&x->r[lo]) == peer;
	bool flagged = run && (x->r[lo].peer_gen & RIB_R_ADDPATH);
	if (addpath || flagged) {
		/* the run gets (or has) its ids in the side table */
		struct rib_ap *a = flagged ? rib__ap_of(r, pfx, peer) : rib__ap_new(r, pfx, peer);
		if (run && !flagged) { /* its one route, id 0 */
			ap_insert(a, 0, 0);
			x->r[lo].peer_gen |= RIB_R_ADDPATH;
		}
		ap_insert(a, pos - lo, addpath);
		flag = RIB_R_ADDPATH;
	}
	GROW(x->r, x->n, x->cap);
	memmove(x->r + pos + 1, x->r + pos, (x->n - pos) * sizeof *x->r);
	x->r[pos] = (struct rib_route){peer << 8 | flag | gen, path};
	x->n++;
	rib__path_ref(r, path);
	p->nroutes++;
	r->route_count++;
	rib__peer_has(r, peer, pfx);
	if (r->route_obs)
		r->route_obs(r->route_obs_arg, r, peer, pfx, RIB_NONE, path);
	mark_dirty(r, pfx, 0, peer);
}

static void remove_at(struct rib *r, uint32_t pfx, uint32_t i, uint8_t why)
{
	struct rib_pfx *x = &r->pfx[pfx];
	struct rib_route *rt = &x->r[i];
	struct rib_peer *p = &r->peer[rib_route_peer(rt)];
	struct rib_collector *c = &r->coll[p->collector];
	uint32_t peer = rib_route_peer(rt);
	if ((rt->peer_gen & RIB_GEN_MASK) != c->gen && c->stale)
		c->stale--;
	if (r->route_obs)
		r->route_obs(r->route_obs_arg, r, peer, pfx, rt->path, RIB_NONE);
	rib__path_unref(r, rt->path);
	p->nroutes--;
	r->route_count--;
	bool flagged = rt->peer_gen & RIB_R_ADDPATH;
	memmove(x->r + i, x->r + i + 1, (x->n - i - 1) * sizeof *x->r);
	x->n--;
	if (flagged) {
		uint32_t lo = run_start(x, peer);
		struct rib_ap *a = rib__ap_of(r, pfx, peer);
		uint32_t k = i - lo;
		memmove(a->id + k, a->id + k + 1, (a->n - k - 1) * sizeof *a->id);
		a->n--;
		if (!a->n || (a->n == 1 && !a->id[0])) {
			/* no id other than 0 left: back to a plain route */
			if (a->n)
				x->r[lo].peer_gen &= ~RIB_R_ADDPATH;
			ap_drop(r, pfx, peer);
		}
	}
	if (x->n == 0)
		rw_vec_free(&x->r, &x->cap, sizeof *x->r, RW_MEM_RIB);
	mark_dirty(r, pfx, why, peer);
}

void rib_withdraw(struct rib *r, uint32_t peer, uint32_t pfx, uint32_t addpath)
{
	r->st.withdraws++;
	long i = find_route(r, pfx, peer, addpath);
	if (i >= 0)
		remove_at(r, pfx, (uint32_t)i, RIB_WHY_WITHDRAW);
}

/* Remove the peer's routes on one prefix: all of them (gen < 0) or those
 * not of generation gen. */
static void drop_peer_routes(struct rib *r, uint32_t peer, uint32_t pfx, int gen, uint8_t why)
{
	struct rib_pfx *x = &r->pfx[pfx];
	uint32_t k = run_start(x, peer);
	while (k < x->n && rib_route_peer(&x->r[k]) == peer) {
		if (gen < 0 || (x->r[k].peer_gen & RIB_GEN_MASK) != (uint32_t)gen)
			remove_at(r, pfx, k, why);
		else
			k++;
	}
}

/* Visit the prefixes of the peer's bits, in prefix id order: each bit
 * whose prefix has no route of the peer (any more) is cleared; fn (may be
 * NULL) is called for the others, and may remove routes. Stops when fn
 * returns true, or when the peer has no routes left. */
static void peer_walk(struct rib *r, uint32_t peer, bool (*fn)(struct rib *r, uint32_t peer, uint32_t pfx, void *arg),
		      void *arg)
{
	struct rib_peer *p = &r->peer[peer];
	for (uint32_t w = 0; w < p->caphas; w++) {
		for (uint64_t bits = p->has[w]; bits; bits &= bits - 1) {
			uint32_t pfx = w * 64 + (uint32_t)__builtin_ctzll(bits);
			const struct rib_pfx *x = &r->pfx[pfx];
			uint32_t k = run_start(x, peer);
			if (k < x->n && rib_route_peer(&x->r[k]) == peer && fn && fn(r, peer, pfx, arg))
				return;
			x = &r->pfx[pfx];
			k = run_start(x, peer);
			if (k >= x->n || rib_route_peer(&x->r[k]) != peer)
				p->has[w] &= ~(1ull << (pfx % 64));
		}
		if (!p->nroutes) {
			/* nothing left: the rest of the bits are stale */
			memset(p->has + w, 0, (size_t)(p->caphas - w) * sizeof *p->has);
			return;
		}
	}
}

static bool drop_all(struct rib *r, uint32_t peer, uint32_t pfx, void *arg)
{
	(void)arg;
	drop_peer_routes(r, peer, pfx, -1, RIB_WHY_SESSION);
	return false;
}

void rib_peer_down(struct rib *r, uint32_t peer)
{
	r->st.peer_downs++;
	if (r->peer[peer].nroutes)
		peer_walk(r, peer, drop_all, NULL);
}

/* Has the peer a route of generation *(uint8_t *)arg on pfx? */
static bool has_gen(struct rib *r, uint32_t peer, uint32_t pfx, void *arg)
{
	const struct rib_pfx *x = &r->pfx[pfx];
	uint8_t gen = *(const uint8_t *)arg;
	for (uint32_t k = run_start(x, peer); k < x->n && rib_route_peer(&x->r[k]) == peer; k++)
		if ((x->r[k].peer_gen & RIB_GEN_MASK) == gen)
			return true;
	return false;
}

/* Has the peer a route of generation gen? Stops at the first one. */
static bool peer_in_dump(struct rib *r, uint32_t peer, uint8_t gen)
{
	const struct rib_peer *p = &r->peer[peer];
	for (uint32_t w = 0; w < p->caphas; w++)
		for (uint64_t bits = p->has[w]; bits; bits &= bits - 1)
			if (has_gen(r, peer, w * 64 + (uint32_t)__builtin_ctzll(bits), &gen))
				return true;
	return false;
}

struct sweep {
	uint8_t gen, why;
};

static bool drop_stale(struct rib *r, uint32_t peer, uint32_t pfx, void *arg)
{
	const struct sweep *s = arg;
	drop_peer_routes(r, peer, pfx, s->gen, s->why);
	return false;
}

void rib_dump_begin(struct rib *r, uint32_t collector, bool revealing)
{
	struct rib_collector *c = &r->coll[collector];
	r->revealing = revealing;
	c->gen = (uint8_t)((c->gen + 1) & RIB_GEN_MASK);
	/* every route the collector has now is stale until the dump
	 * carries it again */
	c->stale = 0;
	for (uint32_t i = 0; i < c->npeers; i++)
		c->stale += r->peer[c->peers[i]].nroutes;
	r->st.dumps++;
}

void rib_dump_end(struct rib *r, uint32_t collector)
{
	struct rib_collector *c = &r->coll[collector];
	c->has_dump = true;
	/* a dump grew the route arrays one route at a time, doubling: give
	 * back the tails (a full table: a quarter of the routes' bytes) */
	for (uint32_t i = 0; i < r->npfx; i++)
		if (r->pfx[i].cap > r->pfx[i].n)
			rw_vec_shrink(&r->pfx[i].r, &r->pfx[i].cap, r->pfx[i].n, sizeof *r->pfx[i].r, RW_MEM_RIB);
	if (!c->stale) {
		r->revealing = false;
		rib__path_trim(r);
		return; /* the dump carried (or replaced) every route: no sweep */
	}
	for (uint32_t i = 0; i < c->npeers; i++) {
		uint32_t peer = c->peers[i];
		/* a peer the dump does not carry at all has no session with
		 * the collector any more (docs/events.md §9); one it carries
		 * withdrew what is missing */
		struct sweep sw = {c->gen, peer_in_dump(r, peer, c->gen) ? RIB_WHY_WITHDRAW : RIB_WHY_SESSION};
		if (r->peer[peer].nroutes)
			peer_walk(r, peer, drop_stale, &sw);
	}
	c->stale = 0;
	r->revealing = false;
	/* and the paths' tails (growth by a quarter) and dead keys */
	rib__path_trim(r);
}

/* Routes in the run of route k's peer. */
static uint32_t run_len(const struct rib_pfx *x, uint32_t k)
{
	uint32_t peer = rib_route_peer(&x->r[k]), n = 0;
	for (uint32_t j = run_start(x, peer); j < x->n && rib_route_peer(&x->r[j]) == peer; j++)
		n++;
	return n;
}

int rib_check(const struct rib *r, char *buf, size_t size)
{
	uint32_t *refs = rw_calloc(r->npath + 1, sizeof *refs);
	uint64_t *per_peer = rw_calloc(r->npeer + 1, sizeof *per_peer);
	uint64_t routes = 0;
	int rc = 0;
	for (uint32_t i = 0; i < r->npfx && !rc; i++) {
		const struct rib_pfx *x = &r->pfx[i];
		if (rib_prefix_find(r, &x->p) != i) {
			snprintf(buf, size, "prefix %u not found by its key", i);
			rc = -1;
		}
		for (uint32_t k = 0; k < x->n && !rc; k++) {
			const struct rib_route *rt = &x->r[k];
			bool same = k && rib_route_peer(&x->r[k - 1]) == rib_route_peer(rt);
			if (k && (rib_route_peer(&x->r[k - 1]) > rib_route_peer(rt) ||
				  (same && rib_route_addpath(r, i, k - 1) >= rib_route_addpath(r, i, k)))) {
				snprintf(buf, size, "prefix %u: routes not sorted at %u", i, k);
				rc = -1;
			} else if (same && (x->r[k - 1].peer_gen ^ rt->peer_gen) & RIB_R_ADDPATH) {
				snprintf(buf, size, "prefix %u: ADD-PATH flags differ in a run at %u", i, k);
				rc = -1;
			} else if ((rt->peer_gen & RIB_R_ADDPATH) &&
				   rib__ap_of(r, i, rib_route_peer(rt))->n != run_len(x, k)) {
				snprintf(buf, size, "prefix %u: ADD-PATH ids of the run at %u", i, k);
				rc = -1;
			} else if ((rt->peer_gen & RIB_R_ADDPATH) && run_len(x, k) == 1 && !rib_route_addpath(r, i, k)) {
				snprintf(buf, size, "prefix %u: a flagged run of id 0 alone at %u", i, k);
				rc = -1;
			} else if (!(rt->peer_gen & RIB_R_ADDPATH) && run_len(x, k) > 1) {
				snprintf(buf, size, "prefix %u: a run without ids at %u", i, k);
				rc = -1;
			} else if (rt->path >= r->npath || !r->path[rt->path].refs) {
				snprintf(buf, size, "prefix %u: route %u uses freed path %u", i, k, rt->path);
				rc = -1;
			} else {
				refs[rt->path]++;
				per_peer[rib_route_peer(rt)]++;
				routes++;
			}
		}
	}
	uint64_t units = 0;
	for (uint32_t p = 0; p < r->npath && !rc; p++) {
		if (refs[p] != r->path[p].refs) {
			snprintf(buf, size, "path %u: refs %u, routes using it %u", p, r->path[p].refs, refs[p]);
			rc = -1;
		} else if (r->path[p].refs && !rib__path_found(r, p, &units)) {
			snprintf(buf, size, "path %u: its key is broken or does not find it", p);
			rc = -1;
		}
	}
	if (!rc && units + r->key_dead > r->nkey) {
		snprintf(buf, size, "key pool: %llu units live, %u dead, %u in all", (unsigned long long)units,
			 r->key_dead, r->nkey);
		rc = -1;
	}
	for (uint32_t p = 0; p < r->npeer && !rc; p++)
		if (per_peer[p] != r->peer[p].nroutes) {
			snprintf(buf, size, "peer %u: nroutes %u, routes %llu", p, r->peer[p].nroutes,
				 (unsigned long long)per_peer[p]);
			rc = -1;
		}
	if (!rc && routes != r->route_count) {
		snprintf(buf, size, "route_count %llu, routes %llu", (unsigned long long)r->route_count,
			 (unsigned long long)routes);
		rc = -1;
	}
	free(refs);
	free(per_peer);
	return rc;
}

void rib_mem(const struct rib *r, struct rib_mem *m)
{
	memset(m, 0, sizeof *m);
	m->prefixes = (size_t)r->cappfx * sizeof *r->pfx;
	m->pfx_tab = htab_bytes(&r->pfx_tab);
	for (uint32_t i = 0; i < r->npfx; i++)
		m->routes += (size_t)r->pfx[i].cap * sizeof(struct rib_route);
	m->paths = (size_t)r->cappath * sizeof *r->path;
	m->path_tab = htab_bytes(&r->path_tab);
	m->addpath = u64map_bytes(&r->ap_idx) + (size_t)r->capap * sizeof *r->ap + (size_t)r->capap_free * 4;
	for (uint32_t i = 0; i < r->nap; i++)
		m->addpath += (size_t)r->ap[i].cap * 4;
	m->path_keys = (size_t)r->capkey * 2;
	m->peers = (size_t)r->cappeer * sizeof *r->peer + htab_bytes(&r->peer_tab) +
		   (size_t)r->capcoll * sizeof *r->coll;
	for (uint32_t i = 0; i < r->npeer; i++)
		m->peers += (size_t)r->peer[i].caphas * 8;
	for (uint32_t i = 0; i < r->ncoll; i++)
		m->peers += (size_t)r->coll[i].cappeers * 4;
	m->dirty = ((size_t)r->capdirty + r->captaken) * 4 + r->capwhy + r->captaken_why +
		   ((size_t)r->capdirty_src + r->captaken_src) * sizeof(struct rib_src);
}

size_t rib_bytes(const struct rib *r)
{
	struct rib_mem m;
	rib_mem(r, &m);
	return sizeof *r + m.routes + m.addpath + m.prefixes + m.pfx_tab + m.paths + m.path_keys + m.path_tab +
	       m.peers + m.dirty;
}
