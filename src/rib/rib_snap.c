/*
 * rib snapshots: the whole route state as bytes, and back, so that a later
 * run (routewatch ingest) continues exactly where an earlier one stopped.
 *
 * Only what cannot be derived is written: collectors (name, dump
 * generation, baseline done), peers, the live paths' keys (the attributes'
 * bytes, as version 1 wrote them: the rib's compact keys are decoded on
 * save and coded again on load, so they changed no format), and per prefix
 * its routes (peer and generation, path, and the ADD-PATH id of those that
 * have one: the snapshot is as long as the state). Path ids are renumbered on load (a path's id is where the
 * free list put it); prefix and peer ids are kept, because the detector's
 * state is indexed by prefix id. Hash tables, per-peer prefix bits, route
 * counts and path references are rebuilt.
 *
 * Format (big-endian): "RWRIB\0" version u16, then sections as below. A
 * snapshot is taken between seconds only: no dump in progress, nothing
 * dirty (the caller evaluated the last second).
 */
#include "rib_int.h"

#include <stdio.h>
#include <stdlib.h>

#define SNAP_MAGIC "RWRIB"
/* 2: routes of 8 bytes, an ADD-PATH id only after the routes that carry
 * RIB_R_ADDPATH (1 had 12 bytes each) */
#define SNAP_VERSION 2

static void put_addr(struct obuf *o, const struct rw_addr *a)
{
	obuf_be8(o, a->af);
	obuf_write(o, a->b, a->af == RW_AF_INET ? 4 : a->af == RW_AF_INET6 ? 16 : 0);
}

static int get_addr(struct cur *c, struct rw_addr *a)
{
	memset(a, 0, sizeof *a);
	if (cur_u8(c, &a->af))
		return RW_ETRUNC;
	if (a->af != RW_AF_INET && a->af != RW_AF_INET6 && a->af != RW_AF_NONE)
		return RW_EMALFORMED;
	return cur_copy(c, a->b, a->af == RW_AF_INET ? 4 : a->af == RW_AF_INET6 ? 16 : 0);
}

int rib_save(const struct rib *r, struct obuf *o)
{
	if (r->ndirty)
		return RW_EINVAL; /* a second is half applied */
	struct arena scratch; /* a key's decoded path, one at a time */
	arena_init(&scratch, 0, 0, RW_MEM_RIB);
	obuf_write(o, SNAP_MAGIC, 6);
	obuf_be16(o, SNAP_VERSION);

	obuf_be32(o, r->ncoll);
	for (uint32_t i = 0; i < r->ncoll; i++) {
		const struct rib_collector *c = &r->coll[i];
		size_t n = strlen(c->name);
		obuf_be16(o, (uint16_t)n);
		obuf_write(o, c->name, n);
		obuf_be8(o, c->gen);
		obuf_be8(o, c->has_dump);
	}
	obuf_be32(o, r->npeer);
	for (uint32_t i = 0; i < r->npeer; i++) {
		const struct rib_peer *p = &r->peer[i];
		put_addr(o, &p->addr);
		obuf_be32(o, p->asn);
		obuf_be32(o, p->collector);
	}
	/* paths: old id and key; loading maps old ids to new ones */
	obuf_be32(o, r->npath);
	obuf_be32(o, r->path_live);
	for (uint32_t i = 0; i < r->npath; i++) {
		const struct rib_path *p = &r->path[i];
		if (!p->refs)
			continue;
		/* the rib's keys are coded compactly (rib_path.c); a snapshot
		 * keeps the attributes' bytes, as versions 1 and 2 did */
		uint8_t *raw;
		size_t n = rib__key_raw(r, i, &scratch, &raw);
		if (!n || n > UINT16_MAX) {
			arena_release(&scratch);
			return RW_EINVAL; /* not a key rib_path_intern took */
		}
		obuf_be32(o, i);
		obuf_be16(o, (uint16_t)n);
		obuf_write(o, raw, n);
		arena_reset(&scratch);
	}
	arena_release(&scratch);
	obuf_be32(o, r->npfx);
	for (uint32_t i = 0; i < r->npfx; i++) {
		const struct rib_pfx *x = &r->pfx[i];
		obuf_be8(o, x->p.af);
		obuf_be8(o, x->p.len);
		obuf_write(o, x->p.b, (x->p.len + 7u) / 8u);
		obuf_be32(o, x->n);
		/* a full table has tens of millions of routes: encode them in
		 * runs straight into the buffer */
		for (uint32_t j = 0; j < x->n;) {
			uint32_t k = RW_MIN(x->n - j, 256u);
			uint8_t *d = (uint8_t *)obuf_room(o, (size_t)k * 12), *d0 = d;
			for (uint32_t m = 0; m < k; m++, j++) {
				wr32(d, x->r[j].peer_gen);
				wr32(d + 4, x->r[j].path);
				d += 8;
				if (x->r[j].peer_gen & RIB_R_ADDPATH) {
					wr32(d, rib_route_addpath(r, i, j));
					d += 4;
				}
			}
			o->len += (size_t)(d - d0);
		}
	}
	return o->err;
}

/* Errors say which section broke, for the caller's message. */
static int fail(char *err, size_t esz, const char *what, int rc)
{
	snprintf(err, esz, "rib snapshot: %s", what);
	return rc ? rc : RW_EMALFORMED;
}

/* A version 1 route (peer << 8 | 8-bit generation, ADD-PATH id, path)
 * as version 2 has it: the generation in 7 bits, and the ADD-PATH flag on
 * every route of a peer that has more than one route on the prefix or an
 * id other than 0 (version 2's rule), which needs the next route's peer:
 * `more` says there is one. prev: the route before on the prefix, NULL. */
static int get_route_v1(struct cur *c, bool more, const struct rib_route *prev, struct rib_route *rt, uint32_t *ap)
{
	uint32_t pg;
	if (cur_u32(c, &pg) || cur_u32(c, ap) || cur_u32(c, &rt->path))
		return RW_ETRUNC;
	uint32_t peer = pg >> 8;
	bool run = (prev && rib_route_peer(prev) == peer) || (more && cur_left(c) >= 4 && rd32(c->p) >> 8 == peer);
	rt->peer_gen = (pg & ~0xffu) | (pg & RIB_GEN_MASK) | (run || *ap ? RIB_R_ADDPATH : 0);
	return 0;
}

int rib_load(struct rib *r, struct cur *c, struct arena *scratch, char *err, size_t esz)
{
	const uint8_t *magic;
	uint16_t ver;
	if (r->npfx || r->npeer || r->ncoll)
		return fail(err, esz, "the state is not empty", RW_EINVAL);
	if (cur_bytes(c, 6, &magic) || memcmp(magic, SNAP_MAGIC, 6) || cur_u16(c, &ver))
		return fail(err, esz, "not a rib snapshot", RW_EMALFORMED);
	/* version 1 (routes of 12 bytes) is still read: a store written
	 * before the compact routes resumes */
	if (ver != SNAP_VERSION && ver != 1)
		return fail(err, esz, "written by another version", RW_EUNSUPPORTED);

	uint32_t ncoll, npeer;
	if (cur_u32(c, &ncoll))
		return fail(err, esz, "truncated collectors", RW_ETRUNC);
	for (uint32_t i = 0; i < ncoll; i++) {
		uint16_t n;
		const uint8_t *name;
		uint8_t gen, has;
		if (cur_u16(c, &n) || cur_bytes(c, n, &name) || cur_u8(c, &gen) || cur_u8(c, &has))
			return fail(err, esz, "truncated collectors", RW_ETRUNC);
		/* as long as the writer allows (a u16 length) */
		if (memchr(name, 0, n))
			return fail(err, esz, "collector name holds a NUL byte", RW_EMALFORMED);
		char *buf = rw_malloc((size_t)n + 1);
		memcpy(buf, name, n);
		buf[n] = 0;
		uint32_t id = rib_collector(r, buf);
		free(buf);
		if (id != i)
			return fail(err, esz, "duplicate collector", RW_EMALFORMED);
		r->coll[id].gen = ver == 1 ? gen & RIB_GEN_MASK : gen;
		r->coll[id].has_dump = has;
	}
	if (cur_u32(c, &npeer) || npeer >= 1u << 24)
		return fail(err, esz, "truncated peers", RW_ETRUNC);
	for (uint32_t i = 0; i < npeer; i++) {
		struct rw_addr a;
		uint32_t asn, coll;
		int rc = get_addr(c, &a);
		if (rc || cur_u32(c, &asn) || cur_u32(c, &coll) || coll >= r->ncoll)
			return fail(err, esz, "bad peer", rc);
		if (rib_peer(r, coll, &a, asn) != i)
			return fail(err, esz, "duplicate peer", RW_EMALFORMED);
	}

	uint32_t npath, nlive;
	if (cur_u32(c, &npath) || cur_u32(c, &nlive) || nlive > npath || npath > cur_left(c))
		return fail(err, esz, "truncated paths", RW_ETRUNC);
	uint32_t *map = rw_malloc(((size_t)npath + 1) * sizeof *map);
	memset(map, 0xff, ((size_t)npath + 1) * sizeof *map);
	int rc = 0;
	for (uint32_t i = 0; i < nlive && !rc; i++) {
		uint32_t old;
		uint16_t klen;
		const uint8_t *key;
		if (cur_u32(c, &old) || cur_u16(c, &klen) || cur_bytes(c, klen, &key) || old >= npath) {
			rc = fail(err, esz, "truncated path", RW_ETRUNC);
			break;
		}
		uint8_t *ck = arena_alloc(scratch, RIB_KEY_MAX(klen));
		size_t cl = ck ? rib__key_of_raw(key, klen, ck, RIB_KEY_MAX(klen)) : 0;
		uint32_t id = cl ? rib_path_intern(r, ck, cl, rib_path_hash(ck, cl), scratch) : RIB_NONE;
		arena_reset(scratch);
		if (id == RIB_NONE || map[old] != RIB_NONE) {
			rc = fail(err, esz, "bad path", RW_EMALFORMED);
			break;
		}
		/* held until its routes take their references */
		rib_path_hold(r, id);
		map[old] = id;
	}

	uint32_t npfx = 0;
	if (!rc && cur_u32(c, &npfx))
		rc = fail(err, esz, "truncated prefixes", RW_ETRUNC);
	for (uint32_t i = 0; i < npfx && !rc; i++) {
		struct rw_prefix p = {0};
		uint32_t n;
		if (cur_u8(c, &p.af) || cur_u8(c, &p.len) ||
		    (p.af != RW_AF_INET && p.af != RW_AF_INET6) || p.len > (p.af == RW_AF_INET ? 32 : 128) ||
		    cur_copy(c, p.b, (p.len + 7u) / 8u) || cur_u32(c, &n) || n > cur_left(c) / (ver == 1 ? 12 : 8)) {
			rc = fail(err, esz, "bad prefix", RW_EMALFORMED);
			break;
		}
		struct rw_prefix q = p;
		prefix_mask(&q);
		if (memcmp(q.b, p.b, sizeof p.b) || rib_prefix(r, &p) != i) {
			rc = fail(err, esz, "prefix out of place", RW_EMALFORMED);
			break;
		}
		struct rib_pfx *x = &r->pfx[i];
		if (n)
			rw_vec_grow(&x->r, &x->cap, n, sizeof *x->r, UINT32_MAX, RW_MEM_RIB);
		uint32_t last_ap = 0;
		for (uint32_t j = 0; j < n; j++) {
			struct rib_route rt;
			uint32_t ap = 0;
			bool flag;
			if (ver == 1 ? get_route_v1(c, j + 1 < n, j ? &x->r[j - 1] : NULL, &rt, &ap)
				     : cur_u32(c, &rt.peer_gen) || cur_u32(c, &rt.path) ||
					       ((rt.peer_gen & RIB_R_ADDPATH) && cur_u32(c, &ap))) {
				rc = fail(err, esz, "truncated route", RW_ETRUNC);
				break;
			}
			flag = rt.peer_gen & RIB_R_ADDPATH;
			uint32_t peer = rib_route_peer(&rt);
			bool same = j && rib_route_peer(&x->r[j - 1]) == peer;
			/* a run is flagged all or none, ids ascending; an unflagged
			 * run is one route */
			bool sorted = !j || rib_route_peer(&x->r[j - 1]) < peer ||
				      (same && flag && (x->r[j - 1].peer_gen & RIB_R_ADDPATH) && last_ap < ap);
			if (peer >= r->npeer || rt.path >= npath || map[rt.path] == RIB_NONE || !sorted) {
				rc = fail(err, esz, "bad route", RW_EMALFORMED);
				break;
			}
			if (flag) {
				struct rib_ap *a = same ? rib__ap_of(r, i, peer) : rib__ap_new(r, i, peer);
				rib__ap_push(a, ap);
				last_ap = ap;
			}
			rt.path = map[rt.path];
			rib__path_ref(r, rt.path);
			x->r[x->n++] = rt;
			r->peer[peer].nroutes++;
			rib__peer_has(r, peer, i);
			r->route_count++;
		}
		/* a flagged run needs an id other than 0 (else it is a plain
		 * route): only a flagged run of one route can miss it */
		for (uint32_t j = 0; j < x->n && !rc; j++) {
			uint32_t peer = rib_route_peer(&x->r[j]);
			bool alone = (!j || rib_route_peer(&x->r[j - 1]) != peer) &&
				     (j + 1 >= x->n || rib_route_peer(&x->r[j + 1]) != peer);
			if ((x->r[j].peer_gen & RIB_R_ADDPATH) && alone && !rib_route_addpath(r, i, j))
				rc = fail(err, esz, "bad route", RW_EMALFORMED);
		}
	}
	/* drop the load's holds: every path now has its routes' references */
	for (uint32_t i = 0; i < npath; i++)
		if (map[i] != RIB_NONE)
			rib_path_release(r, map[i]);
	free(map);
	/* loading is not a change: nothing to evaluate */
	r->ndirty = 0;
	r->epoch++;
	return rc;
}
