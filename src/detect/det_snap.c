/*
 * Detector snapshots: the episodes of every prefix and the counts that span
 * prefixes (routes per (origin, upstream), prefixes per origin with the
 * "down" bit), written between seconds so a later run continues the same
 * episodes, dormancies and outages. The per-second scratch (deltas,
 * pending losses) is empty between seconds and is not written.
 *
 * Format (big-endian): "RWDET\0" version u16, min_peers u16, the last
 * RIB dump's second u32 (version 2), then the prefixes that hold anything, then the two maps,
 * then (version 3) the leak table: count u32, (leaker, from, to) u32 each,
 * then (version 4) the watched prefixes' peers: count u32, then per prefix
 * its rib id, its peer count and the peers (bit 31: lost), u32 each,
 * then (version 5) the (country, provider) pairs of §14 (det_country.c).
 */
#include "det_int.h"

#include <stdio.h>
#include <stdlib.h>

#define SNAP_MAGIC "RWDET"
/* 2: (prefix, origin) episodes, docs/events.md §10; 3: the leak table
 * after the maps (§11: leak episodes are keyed by its ids); 4: the
 * watched prefixes' peers after it (§13 visibility); 5: the (country,
 * provider) episodes after them (§14) */
#define SNAP_VERSION 5

static void put_map(struct obuf *o, const struct u64map *m)
{
	obuf_be32(o, m->n);
	for (uint32_t i = 0; i < m->n; i++) {
		obuf_be64(o, m->keys[i]);
		obuf_be32(o, m->vals[i]);
	}
}

static int get_map(struct cur *c, struct u64map *m)
{
	uint32_t n;
	if (cur_u32(c, &n) || n > cur_left(c) / 12)
		return RW_ETRUNC;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t k = 0;
		uint32_t v = 0;
		if (cur_u64(c, &k) || cur_u32(c, &v) || u64map_get(m, k))
			return RW_EMALFORMED;
		*u64map_put(m, k) = v;
	}
	return 0;
}

int det_save(const struct det *d, struct obuf *o)
{
	obuf_write(o, SNAP_MAGIC, 6);
	obuf_be16(o, SNAP_VERSION);
	obuf_be16(o, (uint16_t)d->min_peers);
	obuf_be32(o, d->last_dump);
	uint32_t used = 0;
	for (uint32_t i = 0; i < d->npfx; i++)
		used += d->pfx[i].ne || d->pfx[i].vis || d->pfx[i].flags;
	obuf_be32(o, used);
	for (uint32_t i = 0; i < d->npfx; i++) {
		const struct det_pfx *p = &d->pfx[i];
		if (!p->ne && !p->vis && !p->flags)
			continue;
		obuf_be32(o, i);
		obuf_be16(o, p->vis);
		obuf_be16(o, p->nnull);
		obuf_be8(o, p->flags);
		obuf_be32(o, p->ne);
		for (uint32_t j = 0; j < p->ne; j++) {
			const struct det_epi *e = &p->e[j];
			obuf_be32(o, e->origin);
			obuf_be32(o, e->upstream);
			obuf_be32(o, e->start);
			obuf_be32(o, e->down);
			obuf_be16(o, e->n);
			obuf_be8(o, e->flags);
		}
	}
	put_map(o, &d->ou);
	put_map(o, &d->origin);
	det__leak_save(d, o);
	/* version 4: per watched prefix seen, its peers (bit 31: lost) */
	obuf_be32(o, d->nvis);
	for (uint32_t i = 0; i < d->vis_idx.n; i++) {
		const struct det_vis *v = &d->vis[d->vis_idx.vals[i]];
		obuf_be32(o, (uint32_t)d->vis_idx.keys[i]);
		obuf_be32(o, v->n);
		for (uint32_t j = 0; j < v->n; j++)
			obuf_be32(o, v->peer[j]);
	}
	det__country_save(d, o);
	return o->err;
}

static int fail(char *err, size_t esz, const char *what, int rc)
{
	snprintf(err, esz, "detector snapshot: %s", what);
	return rc;
}

int det_load(struct det *d, struct cur *c, uint32_t npfx, char *err, size_t esz)
{
	const uint8_t *magic;
	uint16_t ver, min_peers;
	uint32_t used;
	if (cur_bytes(c, 6, &magic) || memcmp(magic, SNAP_MAGIC, 6) || cur_u16(c, &ver))
		return fail(err, esz, "not a detector snapshot", RW_EMALFORMED);
	if (ver > SNAP_VERSION || ver < 1)
		return fail(err, esz, "written by another version", RW_EUNSUPPORTED);
	/* version 1 has no (prefix, origin) episodes: det_rebuild_origins
	 * makes them from the routes once the rib is loaded too */
	d->last_dump = 0;
	d->rebuild_origins = ver == 1;
	if (cur_u16(c, &min_peers) || (ver >= 2 && cur_u32(c, &d->last_dump)) || cur_u32(c, &used))
		return fail(err, esz, "truncated header", RW_ETRUNC);
	if (min_peers != d->min_peers) {
		snprintf(err, esz, "the stored state was built with --min-peers %u, not %u", min_peers,
			 d->min_peers);
		return RW_EINVAL;
	}
	uint32_t cap = 0;
	rw_vec_grow(&d->pfx, &cap, npfx ? npfx : 1, sizeof *d->pfx, UINT32_MAX, RW_MEM_DET);
	memset(d->pfx, 0, (size_t)cap * sizeof *d->pfx);
	d->npfx = cap;
	uint32_t last = 0;
	for (uint32_t k = 0; k < used; k++) {
		uint32_t i, ne;
		if (cur_u32(c, &i) || i >= npfx || (k && i <= last))
			return fail(err, esz, "prefix out of place", RW_EMALFORMED);
		last = i;
		struct det_pfx *p = &d->pfx[i];
		if (cur_u16(c, &p->vis) || cur_u16(c, &p->nnull) || cur_u8(c, &p->flags) || cur_u32(c, &ne) ||
		    ne > cur_left(c) / 19)
			return fail(err, esz, "truncated prefix", RW_ETRUNC);
		if (ne)
			rw_vec_grow(&p->e, &p->cap, ne, sizeof *p->e, UINT32_MAX, RW_MEM_DET);
		for (uint32_t j = 0; j < ne; j++) {
			struct det_epi *e = &p->e[j];
			cur_u32(c, &e->origin);
			cur_u32(c, &e->upstream);
			cur_u32(c, &e->start);
			cur_u32(c, &e->down);
			cur_u16(c, &e->n);
			cur_u8(c, &e->flags);
			/* the merge in det_evaluate relies on (origin, upstream) order */
			if (j && (e[-1].origin > e->origin ||
				  (e[-1].origin == e->origin && e[-1].upstream >= e->upstream)))
				return fail(err, esz, "episodes out of order", RW_EMALFORMED);
			p->ne++;
		}
	}
	int rc = get_map(c, &d->ou);
	if (!rc)
		rc = get_map(c, &d->origin);
	if (rc)
		return fail(err, esz, "bad counts", rc);
	if (ver >= 3 && det__leak_load(d, c))
		return fail(err, esz, "bad leak table", RW_EMALFORMED);
	uint32_t nv = 0;
	if (ver >= 4 && (cur_u32(c, &nv) || nv > cur_left(c) / 8))
		return fail(err, esz, "bad visibility table", RW_ETRUNC);
	for (uint32_t i = 0; i < nv; i++) {
		uint32_t pfx, n;
		if (cur_u32(c, &pfx) || cur_u32(c, &n) || pfx >= npfx || n > cur_left(c) / 4 ||
		    u64map_get(&d->vis_idx, pfx))
			return fail(err, esz, "bad visibility table", RW_EMALFORMED);
		if (rw_vec_grow(&d->vis, &d->capvis, (size_t)d->nvis + 1, sizeof *d->vis, UINT32_MAX - 1, RW_MEM_DET))
			rw_oom(sizeof *d->vis);
		struct det_vis *v = &d->vis[d->nvis];
		*v = (struct det_vis){0};
		*u64map_put(&d->vis_idx, pfx) = d->nvis++;
		if (n && rw_vec_grow(&v->peer, &v->cap, n, sizeof *v->peer, UINT32_MAX - 1, RW_MEM_DET))
			rw_oom(n);
		for (uint32_t j = 0; j < n; j++)
			cur_u32(c, &v->peer[j]);
		v->n = n;
	}
	if (ver >= 5 && det__country_load(d, c))
		return fail(err, esz, "bad country table", RW_EMALFORMED);
	return 0;
}
