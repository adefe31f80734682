/*
 * docs/events.md §11: the leaks of a path, found once per distinct path.
 * The rib gives the path's ASNs as §3 reads them (rib_path_seq), asrel
 * applies the valley-free rule; each (leaker, from, to) is interned to an
 * id, the key of its episodes (det.c: summary entries (0, id)). The
 * result is cached in the rib path's aux word (read with the path the
 * summary reads anyway: no cache miss of its own), which the rib clears
 * when it interns a path.
 */
#include "det_int.h"

#include <stdlib.h>

static uint32_t leak_hash(const struct asrel_leak *l)
{
	return (uint32_t)rw_hash_2u64((uint64_t)l->leaker << 32 | l->from, l->to, 0x1eac);
}

uint32_t det__leak_id(struct det *d, const struct asrel_leak *l)
{
	if (!d->leak_idx.s)
		htab_init(&d->leak_idx, 64, RW_MEM_DET);
	uint32_t h = leak_hash(l), k;
	for (uint32_t i = htab_first(&d->leak_idx, h, &k); i != HTAB_NONE; i = htab_next(&d->leak_idx, h, &k)) {
		const struct det_leak *x = &d->leak[i];
		if (x->leaker == l->leaker && x->from == l->from && x->to == l->to)
			return i + 1;
	}
	if (rw_vec_grow(&d->leak, &d->capleak, (size_t)d->nleak + 1, sizeof *d->leak, UINT32_MAX - 1, RW_MEM_DET))
		rw_oom(sizeof *d->leak);
	uint32_t i = d->nleak++;
	d->leak[i] = (struct det_leak){l->leaker, l->from, l->to};
	htab_add_at(&d->leak_idx, k, h, i);
	return i + 1;
}

const struct det_leak *det_leak_of(const struct det *d, uint32_t id)
{
	return id && id <= d->nleak ? &d->leak[id - 1] : NULL;
}

/* The cache in the rib path's aux word: 0 not computed; else bit 31, the
 * first leak's id in bits 0-29 (0: none) and bit 30 when there is a
 * second, kept in d->leak2 under the path id. The rib zeroes aux when it
 * interns a path, so a reused id starts uncomputed. */
#define AUX_KNOWN (1u << 31)
#define AUX_TWO (1u << 30)
#define AUX_ID (AUX_TWO - 1)

uint32_t det__path_leaks(struct det *d, struct rib *r, uint32_t path, uint32_t id[2])
{
	struct rib_path *p = &r->path[path];
	if (!(p->aux & AUX_KNOWN)) {
		uint32_t *seq;
		uint32_t n = rib_path_seq(r, path, &d->scratch, &seq);
		struct asrel_leak l[2];
		uint32_t k = n >= 3 ? asrel_leaks(d->rel, seq, n, l, 2) : 0;
		arena_reset(&d->scratch);
		uint32_t a = AUX_KNOWN;
		/* the last three ASNs are the watch list's tags' markers
		 * (DET_ASSET_TAG...): such a leaker is not kept */
		if (k > 1 && l[1].leaker >= DET_ASSET_TAG)
			k = 1;
		if (k && l[0].leaker >= DET_ASSET_TAG)
			l[0] = l[1], k--;
		if (k) {
			uint32_t first = det__leak_id(d, &l[0]);
			if (first > AUX_ID)
				first = 0; /* 2^30 distinct leaks: not kept (never seen) */
			a |= first;
		}
		if (k > 1) {
			*u64map_put(&d->leak2, path) = det__leak_id(d, &l[1]);
			a |= AUX_TWO;
		}
		p->aux = a;
	}
	id[0] = p->aux & AUX_ID;
	id[1] = 0;
	if (p->aux & AUX_TWO) {
		const uint32_t *v = u64map_get(&d->leak2, path);
		id[1] = v ? *v : 0;
	}
	return (id[0] != 0) + (id[1] != 0);
}

void det__leak_release(struct det *d)
{
	rw_vec_free(&d->leak, &d->capleak, sizeof *d->leak, RW_MEM_DET);
	u64map_release(&d->leak2);
	for (uint32_t i = 0; i < d->nvis; i++)
		rw_vec_free(&d->vis[i].peer, &d->vis[i].cap, sizeof *d->vis[i].peer, RW_MEM_DET);
	rw_vec_free(&d->vis, &d->capvis, sizeof *d->vis, RW_MEM_DET);
	u64map_release(&d->vis_idx);
	if (d->leak_idx.s)
		htab_release(&d->leak_idx);
	arena_release(&d->scratch);
}

void det__leak_save(const struct det *d, struct obuf *o)
{
	obuf_be32(o, d->nleak);
	for (uint32_t i = 0; i < d->nleak; i++) {
		obuf_be32(o, d->leak[i].leaker);
		obuf_be32(o, d->leak[i].from);
		obuf_be32(o, d->leak[i].to);
	}
}

int det__leak_load(struct det *d, struct cur *c)
{
	uint32_t n;
	if (cur_u32(c, &n) || n > cur_left(c) / 12)
		return RW_ETRUNC;
	for (uint32_t i = 0; i < n; i++) {
		struct asrel_leak l;
		cur_u32(c, &l.leaker);
		cur_u32(c, &l.from);
		cur_u32(c, &l.to);
		if (det__leak_id(d, &l) != i + 1)
			return RW_EMALFORMED; /* a repeated leak */
	}
	return 0;
}

/* docs/events.md §13: the path rules of watch entry wp that a path
 * triggers, as tag ids (leaker DET_PATH_TAG); at most cap. The path as
 * BGPalerter tests it: its ASNs joined by commas (§3's, prepending
 * collapsed). */
uint32_t det__path_rules(struct det *d, const struct rib *r, uint32_t path, const struct watch_prefix *wp,
			 uint32_t *ids, uint32_t cap)
{
	uint32_t *seq, k = 0;
	uint32_t n = rib_path_seq(r, path, &d->scratch, &seq);
	char *text = arena_alloc(&d->scratch, (size_t)n * 11 + 1);
	if (!text) {
		arena_reset(&d->scratch);
		return 0;
	}
	size_t t = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			text[t++] = ',';
		t += fmt_u32(text + t, seq[i]);
	}
	text[t] = '\0';
	uint32_t entry = (uint32_t)(wp - d->watch->pfx);
	for (uint32_t i = 0; i < wp->npaths && k < cap; i++)
		if (watch_path_match(&wp->paths[i], text, n))
			ids[k++] = det__leak_id(d, &(struct asrel_leak){DET_PATH_TAG, entry, i});
	arena_reset(&d->scratch);
	return k;
}

/* docs/events.md §13, visibility: the peers of a watched prefix that lost
 * their route for it by withdrawal. A peer with a route is present; one
 * that had a route and has none after a second with a withdrawal of the
 * prefix (why) is lost until it has one again; one whose route went with
 * its session (no withdrawal in the second: no data, §9) or in a baseline
 * second is forgotten. Returns the lost peers. */
uint32_t det__visibility(struct det *d, const struct rib *r, uint32_t pfx, uint8_t why, bool base)
{
	uint32_t *ix = u64map_get(&d->vis_idx, pfx);
	if (!ix) {
		if (!r->pfx[pfx].n)
			return 0;
		if (rw_vec_grow(&d->vis, &d->capvis, (size_t)d->nvis + 1, sizeof *d->vis, UINT32_MAX - 1, RW_MEM_DET))
			rw_oom(sizeof *d->vis);
		d->vis[d->nvis] = (struct det_vis){0};
		*u64map_put(&d->vis_idx, pfx) = d->nvis;
		ix = u64map_get(&d->vis_idx, pfx);
		d->nvis++;
	}
	struct det_vis *v = &d->vis[*ix];
	const struct rib_pfx *x = &r->pfx[pfx];
	/* the known peers against the routes (sorted by peer) */
	uint32_t w = 0, lost = 0;
	for (uint32_t i = 0; i < v->n; i++) {
		uint32_t peer = v->peer[i] & ~(1u << 31);
		uint32_t lo = 0, hi = x->n;
		while (lo < hi) {
			uint32_t mid = (lo + hi) / 2;
			if (rib_route_peer(&x->r[mid]) < peer)
				lo = mid + 1;
			else
				hi = mid;
		}
		bool has = lo < x->n && rib_route_peer(&x->r[lo]) == peer;
		if (has)
			v->peer[w++] = peer; /* present (back, if it was lost) */
		else if ((v->peer[i] >> 31) || (!base && (why & RIB_WHY_WITHDRAW)))
			v->peer[w++] = peer | 1u << 31, lost++;
		/* else: gone with its session, or in a baseline: forgotten */
	}
	uint32_t known = w;
	v->n = w;
	/* peers new to it */
	for (uint32_t i = 0; i < x->n; i++) {
		uint32_t peer = rib_route_peer(&x->r[i]);
		if (i && rib_route_peer(&x->r[i - 1]) == peer)
			continue;
		bool seen = false;
		for (uint32_t k = 0; k < known && !seen; k++)
			seen = (v->peer[k] & ~(1u << 31)) == peer;
		if (seen)
			continue;
		if (rw_vec_grow(&v->peer, &v->cap, (size_t)v->n + 1, sizeof *v->peer, UINT32_MAX - 1, RW_MEM_DET))
			rw_oom(sizeof *v->peer);
		v->peer[v->n++] = peer;
	}
	return lost;
}
