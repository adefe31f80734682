/*
 * The collector's Adj-RIB-In, kept only for --rib-every: for every route of
 * every peer, the path attributes as they arrived, in the form a
 * TABLE_DUMP_V2 RIB entry holds them (RFC 6396 §4.3.4: MP_REACH_NLRI
 * abbreviated to its next hop, no MP_UNREACH_NLRI, AS_PATH with 4-byte
 * ASNs: a 2-byte session's AS_PATH is merged with its AS4_PATH as RFC 6793
 * says). The engine's rib keeps interned paths only, which is not enough
 * to write a RIB dump that bgpdump prints like RouteViews'.
 *
 * Memory: attribute sets are interned (one copy per distinct set, counted
 * references); a prefix is a 24-byte key plus a vector of 12-byte routes
 * (peer, path id, attribute set). Prefixes are never removed (their number
 * is bounded by the table's); routes and attribute sets are.
 *
 * Lookups: the rib's hashes (rib_prefix_hash, rib_path_hash) as u64map
 * keys. Prefixes: open addressing over the hash values (an exact compare,
 * then the next value), so a collision costs a probe, never a wrong
 * answer. Attribute sets: an exact compare on a hit; a set whose hash is
 * taken by other bytes is stored unshared.
 */
#include "live_int.h"
#include "../rib/rib.h"

#include <stdlib.h>

struct rt {
	uint32_t peer, path_id, blob;
};

struct rpfx {
	struct rw_prefix p;       /* path_id unused */
	uint32_t n, cap;
	struct rt *r;             /* owned */
};

struct blob {
	uint8_t *p;               /* owned; NULL: free slot */
	uint32_t len, refs;
	uint64_t hash;
	bool shared;              /* in the map */
};

struct rpeer {
	uint32_t coll, asn, bgp_id;
	struct rw_addr addr;
};

struct live_rib {
	struct rpfx *pfx;
	uint32_t npfx, cappfx;
	struct u64map pidx;       /* prefix hash (probed) -> index */
	struct blob *blobs;
	uint32_t nblob, capblob;
	uint32_t *free_blobs;     /* free slots */
	uint32_t nfree, capfree;
	struct u64map bidx;       /* attribute hash -> blob */
	struct rpeer *peers;
	uint32_t npeer, cappeer;
	struct mrt_buf tmp;       /* attribute conversion */
	struct arena scratch;     /* path decoding */
	uint64_t routes, blob_bytes;
};

int live_rib_init(struct live_rib **out)
{
	struct live_rib *r = calloc(1, sizeof *r);
	if (!r)
		return RW_ENOMEM;
	arena_init(&r->scratch, 1 << 16, 0);
	*out = r;
	return 0;
}

void live_rib_free(struct live_rib *r)
{
	if (!r)
		return;
	for (uint32_t i = 0; i < r->npfx; i++)
		free(r->pfx[i].r);
	free(r->pfx);
	for (uint32_t i = 0; i < r->nblob; i++)
		free(r->blobs[i].p);
	free(r->blobs);
	free(r->free_blobs);
	free(r->peers);
	u64map_release(&r->pidx);
	u64map_release(&r->bidx);
	mrt_buf_release(&r->tmp);
	arena_release(&r->scratch);
	free(r);
}

uint32_t live_rib_peer(struct live_rib *r, uint32_t coll, const struct rw_addr *addr, uint32_t asn, uint32_t bgp_id)
{
	for (uint32_t i = 0; i < r->npeer; i++) {
		struct rpeer *p = &r->peers[i];
		if (p->coll == coll && p->asn == asn && p->addr.af == addr->af && !memcmp(p->addr.b, addr->b, 16)) {
			if (bgp_id)
				p->bgp_id = bgp_id;
			return i;
		}
	}
	size_t cap = r->cappeer;
	if (rw_grow((void **)&r->peers, &cap, r->npeer + 1, sizeof *r->peers, UINT32_MAX))
		return UINT32_MAX;
	r->cappeer = (uint32_t)cap;
	r->peers[r->npeer] = (struct rpeer){coll, asn, bgp_id, *addr};
	return r->npeer++;
}

/* ---------------------------------------------------------------- attributes */

static void unref(struct live_rib *r, uint32_t b)
{
	struct blob *x = &r->blobs[b];
	if (--x->refs)
		return;
	if (x->shared)
		u64map_del(&r->bidx, x->hash);
	r->blob_bytes -= x->len;
	free(x->p);
	x->p = NULL;
	size_t cap = r->capfree;
	if (!rw_grow((void **)&r->free_blobs, &cap, r->nfree + 1, sizeof *r->free_blobs, UINT32_MAX)) {
		r->capfree = (uint32_t)cap;
		r->free_blobs[r->nfree++] = b;
	}
}

static uint32_t intern(struct live_rib *r, const uint8_t *p, size_t n)
{
	uint64_t h = rib_path_hash(p, n); /* the rib's hash of raw bytes */
	uint32_t *v = u64map_get(&r->bidx, h);
	if (v && r->blobs[*v].len == n && !memcmp(r->blobs[*v].p, p, n))
		return *v;
	uint32_t b;
	if (r->nfree) {
		b = r->free_blobs[--r->nfree];
	} else {
		size_t cap = r->capblob;
		if (rw_grow((void **)&r->blobs, &cap, r->nblob + 1, sizeof *r->blobs, UINT32_MAX))
			return UINT32_MAX;
		r->capblob = (uint32_t)cap;
		b = r->nblob++;
	}
	struct blob *x = &r->blobs[b];
	x->p = malloc(n ? n : 1);
	if (!x->p) {
		if (b == r->nblob - 1)
			r->nblob--;
		else
			r->free_blobs[r->nfree++] = b; /* popped from there: room exists */
		return UINT32_MAX;
	}
	memcpy(x->p, p, n);
	x->len = (uint32_t)n;
	x->refs = 0;
	x->hash = h;
	x->shared = !v;
	if (!v)
		*u64map_put(&r->bidx, h) = b;
	r->blob_bytes += n;
	return b;
}

static void put_attr(struct mrt_buf *o, uint8_t flags, uint8_t type, const uint8_t *v, size_t n)
{
	uint8_t h[4];
	if (n > 255) {
		h[0] = flags | 0x10;
		h[1] = type;
		wr16(h + 2, (uint16_t)n);
		mrt_buf_put(o, h, 4);
	} else {
		h[0] = flags & (uint8_t)~0x10;
		h[1] = type;
		h[2] = (uint8_t)n;
		mrt_buf_put(o, h, 3);
	}
	if (n)
		mrt_buf_put(o, v, n);
}

/* A 2-byte session's AS_PATH (+ AS4_PATH) as one 4-byte AS_PATH. */
static bool path4(struct live_rib *r, const struct bgp_attrs *a, struct mrt_buf *o, uint8_t flags)
{
	struct bgp_path p, p4, m;
	arena_reset(&r->scratch);
	if (bgp_path_check(a->as_path, a->as_path_len, 2) ||
	    bgp_path_decode(a->as_path, a->as_path_len, 2, &r->scratch, &p))
		return false;
	const struct bgp_path *use = &p;
	if (a->as4_path && !bgp_path_check(a->as4_path, a->as4_path_len, 4) &&
	    !bgp_path_decode(a->as4_path, a->as4_path_len, 4, &r->scratch, &p4) &&
	    !bgp_path_merge_as4(&p, &p4, &r->scratch, &m))
		use = &m;
	struct mrt_buf v = {0};
	uint32_t k = 0;
	for (unsigned s = 0; s < use->nseg; s++) {
		uint8_t h[2] = {use->seg_type[s], (uint8_t)use->seg_len[s]};
		mrt_buf_put(&v, h, 2);
		for (unsigned i = 0; i < use->seg_len[s]; i++, k++) {
			uint8_t b[4];
			wr32(b, use->asn[k]);
			mrt_buf_put(&v, b, 4);
		}
	}
	put_attr(o, flags, BGP_ATTR_AS_PATH, v.p, v.len);
	mrt_buf_release(&v);
	return true;
}

uint32_t live_rib_attrs(struct live_rib *r, const uint8_t *msg, size_t len, const struct bgp_attrs *a, bool as4)
{
	if (len < BGP_HDR_LEN + 4)
		return UINT32_MAX;
	size_t wl = rd16(msg + BGP_HDR_LEN);
	if (BGP_HDR_LEN + 4 + wl > len)
		return UINT32_MAX;
	const uint8_t *p = msg + BGP_HDR_LEN + 2 + wl;
	size_t al = rd16(p);
	p += 2;
	if (p + al > msg + len)
		return UINT32_MAX;
	struct mrt_buf *o = &r->tmp;
	o->len = 0;
	const uint8_t *end = p + al;
	while (end - p >= 3) {
		uint8_t flags = p[0], type = p[1];
		size_t h = flags & 0x10 ? 4 : 3;
		if ((size_t)(end - p) < h)
			break;
		size_t n = h == 4 ? rd16(p + 2) : p[2];
		if ((size_t)(end - p) < h + n)
			break;
		const uint8_t *v = p + h;
		p += h + n;
		if (!bgp_has(a, type) && type != BGP_ATTR_AS4_PATH)
			continue; /* discarded as malformed (RFC 7606): not kept */
		switch (type) {
		case BGP_ATTR_MP_REACH: { /* abbreviated: the next hop only */
			uint8_t nh[33];
			nh[0] = a->reach.nh_len;
			memcpy(nh + 1, a->reach.nh, a->reach.nh_len);
			put_attr(o, 0x80, type, nh, 1u + a->reach.nh_len);
			break;
		}
		case BGP_ATTR_MP_UNREACH:
			break;
		case BGP_ATTR_AS_PATH:
			if (as4 || !path4(r, a, o, flags))
				put_attr(o, flags, type, v, n);
			break;
		case BGP_ATTR_AS4_PATH:
			if (as4)
				put_attr(o, flags, type, v, n);
			break;
		default:
			put_attr(o, flags, type, v, n);
		}
	}
	return intern(r, o->p ? o->p : (const uint8_t *)"", o->len);
}

void live_rib_unused(struct live_rib *r, uint32_t blob)
{
	if (blob < r->nblob && r->blobs[blob].p && r->blobs[blob].refs == 0) {
		r->blobs[blob].refs = 1;
		unref(r, blob);
	}
}

/* ---------------------------------------------------------------- routes */

static uint32_t pfx_find(struct live_rib *r, const struct rw_prefix *p, bool add)
{
	uint64_t h = rib_prefix_hash(p); /* 32 bits: probing goes on above them */
	for (;; h++) {
		uint32_t *v = u64map_get(&r->pidx, h);
		if (!v)
			break;
		const struct rw_prefix *q = &r->pfx[*v].p;
		if (q->af == p->af && q->len == p->len && !memcmp(q->b, p->b, 16))
			return *v;
	}
	if (!add)
		return UINT32_MAX;
	size_t cap = r->cappfx;
	if (rw_grow((void **)&r->pfx, &cap, r->npfx + 1, sizeof *r->pfx, UINT32_MAX))
		return UINT32_MAX;
	r->cappfx = (uint32_t)cap;
	struct rpfx *x = &r->pfx[r->npfx];
	memset(x, 0, sizeof *x);
	x->p = *p;
	x->p.path_id = 0;
	*u64map_put(&r->pidx, h) = r->npfx;
	return r->npfx++;
}

void live_rib_announce(struct live_rib *r, uint32_t peer, const struct rw_prefix *p, uint32_t blob)
{
	if (blob == UINT32_MAX || peer == UINT32_MAX)
		return;
	uint32_t i = pfx_find(r, p, true);
	if (i == UINT32_MAX)
		return;
	struct rpfx *x = &r->pfx[i];
	for (uint32_t k = 0; k < x->n; k++)
		if (x->r[k].peer == peer && x->r[k].path_id == p->path_id) {
			r->blobs[blob].refs++;
			unref(r, x->r[k].blob);
			x->r[k].blob = blob;
			return;
		}
	size_t cap = x->cap;
	if (rw_grow((void **)&x->r, &cap, x->n + 1, sizeof *x->r, UINT32_MAX))
		return;
	x->cap = (uint32_t)cap;
	x->r[x->n++] = (struct rt){peer, p->path_id, blob};
	r->blobs[blob].refs++;
	r->routes++;
}

void live_rib_withdraw(struct live_rib *r, uint32_t peer, const struct rw_prefix *p)
{
	uint32_t i = pfx_find(r, p, false);
	if (i == UINT32_MAX)
		return;
	struct rpfx *x = &r->pfx[i];
	for (uint32_t k = 0; k < x->n; k++)
		if (x->r[k].peer == peer && x->r[k].path_id == p->path_id) {
			unref(r, x->r[k].blob);
			x->r[k] = x->r[--x->n];
			r->routes--;
			return;
		}
}

void live_rib_peer_down(struct live_rib *r, uint32_t peer)
{
	for (uint32_t i = 0; i < r->npfx; i++) {
		struct rpfx *x = &r->pfx[i];
		for (uint32_t k = 0; k < x->n;)
			if (x->r[k].peer == peer) {
				unref(r, x->r[k].blob);
				x->r[k] = x->r[--x->n];
				r->routes--;
			} else {
				k++;
			}
	}
}

/* ---------------------------------------------------------------- dump */

static const struct live_rib *sort_rib;

static int by_prefix(const void *a, const void *b)
{
	const struct rw_prefix *x = &sort_rib->pfx[*(const uint32_t *)a].p;
	const struct rw_prefix *y = &sort_rib->pfx[*(const uint32_t *)b].p;
	return rw_prefix_cmp(x, y);
}

int live_rib_dump(const struct live_rib *r, uint32_t coll, uint32_t ts, uint32_t router_id, const char *view,
		  struct mrt_buf *out, uint64_t *nroutes)
{
	*nroutes = 0;
	/* the collector's peers, numbered for the peer index */
	uint16_t *pidx = malloc((r->npeer ? r->npeer : 1) * sizeof *pidx);
	struct mrt_peer *peers = calloc(r->npeer ? r->npeer : 1, sizeof *peers);
	uint32_t *order = malloc((r->npfx ? r->npfx : 1) * sizeof *order);
	int rc = pidx && peers && order ? 0 : RW_ENOMEM;
	unsigned np = 0;
	for (uint32_t i = 0; !rc && i < r->npeer; i++) {
		pidx[i] = UINT16_MAX;
		if (r->peers[i].coll != coll || np == UINT16_MAX)
			continue;
		pidx[i] = (uint16_t)np;
		peers[np].addr = r->peers[i].addr;
		peers[np].asn = r->peers[i].asn;
		peers[np].bgp_id = r->peers[i].bgp_id;
		np++;
	}
	if (!rc)
		rc = mrt_write_peer_index(out, ts, router_id, view, peers, np);
	uint32_t n = 0;
	for (uint32_t i = 0; !rc && i < r->npfx; i++)
		if (r->pfx[i].n)
			order[n++] = i;
	sort_rib = r;
	if (!rc)
		qsort(order, n, sizeof *order, by_prefix);
	struct mrt_rib_entry *e = NULL;
	size_t ecap = 0;
	uint32_t seq = 0;
	for (uint32_t j = 0; !rc && j < n; j++) {
		const struct rpfx *x = &r->pfx[order[j]];
		if (rw_grow((void **)&e, &ecap, x->n, sizeof *e, UINT32_MAX)) {
			rc = RW_ENOMEM;
			break;
		}
		unsigned k = 0;
		bool addpath = false;
		for (uint32_t i = 0; i < x->n; i++) {
			const struct rt *t = &x->r[i];
			if (t->peer >= r->npeer || pidx[t->peer] == UINT16_MAX)
				continue;
			e[k] = (struct mrt_rib_entry){.peer_index = pidx[t->peer], .orig_time = ts,
						      .path_id = t->path_id, .raw = r->blobs[t->blob].p,
						      .raw_len = (uint16_t)r->blobs[t->blob].len};
			addpath |= t->path_id != 0;
			k++;
		}
		if (!k)
			continue;
		rc = mrt_write_rib(out, ts, seq++, &x->p, e, k, addpath);
		*nroutes += k;
	}
	free(e);
	free(order);
	free(peers);
	free(pidx);
	return rc;
}

void live_rib_stats(const struct live_rib *r, uint64_t *routes, uint64_t *bytes)
{
	*routes = r->routes;
	*bytes = r->blob_bytes + (uint64_t)r->cappfx * sizeof *r->pfx + (uint64_t)r->capblob * sizeof *r->blobs;
	for (uint32_t i = 0; i < r->npfx; i++)
		*bytes += (uint64_t)r->pfx[i].cap * sizeof(struct rt);
}
