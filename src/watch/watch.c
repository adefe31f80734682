/*
 * The watch list's tables and lookups (the YAML reader is watch_load.c).
 *
 * Prefixes sit in w->pfx in file order; w->idx maps the hash of a prefix
 * (its 16 address bytes, length and family) to its index. w->lens keeps,
 * per family, which lengths occur, so the most specific covering entry of
 * p is found by masking p to each present length, longest first, and
 * probing once: a list of 10 k prefixes holds a dozen or two lengths.
 * Invariants: every entry's host bits are zero, no two entries have the
 * same prefix, and every entry is in idx and its length in lens.
 *
 * Networks sit in w->asns in file order, with asn_idx from ASN to index.
 */
#include "watch_int.h"

#include <stdlib.h>

void watch_init(struct watch *w)
{
	memset(w, 0, sizeof *w);
	/* a watch list is kilobytes to a few MB; the cap stops a hostile file */
	arena_init(&w->mem, 0, 256u << 20, RW_MEM_OTHER);
	htab_init(&w->idx, 16, RW_MEM_OTHER);
	u64map_init(&w->asn_idx, RW_MEM_OTHER);
}

void watch_release(struct watch *w)
{
	for (uint32_t i = 0; i < w->npfx; i++) {
		struct watch_prefix *e = &w->pfx[i];
		for (uint32_t k = 0; k < e->npaths; k++) {
			if (e->paths[k].match)
				regfree(&e->paths[k].re_match);
			if (e->paths[k].not_match)
				regfree(&e->paths[k].re_not);
		}
	}
	rw_vec_free(&w->pfx, &w->pcap, sizeof *w->pfx, RW_MEM_OTHER);
	rw_vec_free(&w->asns, &w->acap, sizeof *w->asns, RW_MEM_OTHER);
	arena_release(&w->mem);
	htab_release(&w->idx);
	u64map_release(&w->asn_idx);
	memset(w, 0, sizeof *w);
}

static uint32_t prefix_hash(const struct rw_prefix *p)
{
	uint64_t a, b;
	memcpy(&a, p->b, 8);
	memcpy(&b, p->b + 8, 8);
	return (uint32_t)rw_hash_2u64(a, b, (uint64_t)p->af << 8 | p->len);
}

static bool same_prefix(const struct rw_prefix *a, const struct rw_prefix *b)
{
	return a->af == b->af && a->len == b->len && !memcmp(a->b, b->b, 16);
}

uint32_t watch__find(const struct watch *w, const struct rw_prefix *p)
{
	uint32_t h = prefix_hash(p), k;
	for (uint32_t id = htab_first(&w->idx, h, &k); id != HTAB_NONE; id = htab_next(&w->idx, h, &k))
		if (same_prefix(&w->pfx[id].p, p))
			return id;
	return HTAB_NONE;
}

struct watch_prefix *watch__new_prefix(struct watch *w)
{
	if (rw_vec_grow(&w->pfx, &w->pcap, (size_t)w->npfx + 1, sizeof *w->pfx, WATCH_MAX_ENTRIES, RW_MEM_OTHER))
		return NULL;
	struct watch_prefix *e = &w->pfx[w->npfx++];
	memset(e, 0, sizeof *e);
	return e;
}

void watch__index_last(struct watch *w)
{
	uint32_t id = w->npfx - 1;
	const struct rw_prefix *p = &w->pfx[id].p;
	htab_add(&w->idx, prefix_hash(p), id);
	w->lens[p->af == RW_AF_INET6][p->len >> 6] |= 1ull << (p->len & 63);
}

struct watch_asn *watch__new_asn(struct watch *w)
{
	if (rw_vec_grow(&w->asns, &w->acap, (size_t)w->nasns + 1, sizeof *w->asns, WATCH_MAX_ENTRIES, RW_MEM_OTHER))
		return NULL;
	struct watch_asn *a = &w->asns[w->nasns++];
	memset(a, 0, sizeof *a);
	return a;
}

void watch__index_last_asn(struct watch *w)
{
	*u64map_put(&w->asn_idx, w->asns[w->nasns - 1].asn) = w->nasns - 1;
}

const struct watch_prefix *watch_match(const struct watch *w, const struct rw_prefix *p, bool *exact)
{
	if (exact)
		*exact = false;
	if (!w->npfx || (p->af != RW_AF_INET && p->af != RW_AF_INET6))
		return NULL;
	const uint64_t *lens = w->lens[p->af == RW_AF_INET6];
	unsigned maxlen = p->af == RW_AF_INET ? 32 : 128;
	struct rw_prefix q = *p;
	q.path_id = 0;
	/* walk down from p's length; prefix_mask clears the bits of each step */
	for (int len = RW_MIN(p->len, maxlen); len >= 0; len--) {
		if (!(lens[len >> 6] >> (len & 63) & 1))
			continue;
		q.len = (uint8_t)len;
		prefix_mask(&q);
		uint32_t id = watch__find(w, &q);
		if (id != HTAB_NONE) {
			if (exact)
				*exact = len == p->len;
			return &w->pfx[id];
		}
	}
	return NULL;
}

const struct watch_asn *watch_asn(const struct watch *w, uint32_t asn)
{
	const uint32_t *v = u64map_get(&w->asn_idx, asn);
	return v ? &w->asns[*v] : NULL;
}

bool watch_origin_ok(const struct watch_prefix *e, uint32_t origin)
{
	/* a handful of origins at most: a scan beats a search */
	for (uint32_t i = 0; i < e->nasn; i++)
		if (e->asn[i] == origin)
			return true;
	return false;
}

bool watch_path_match(const struct watch_path *r, const char *path_text, unsigned path_len)
{
	if (r->match && regexec(&r->re_match, path_text, 0, NULL, 0) != 0)
		return false;
	if (r->not_match && regexec(&r->re_not, path_text, 0, NULL, 0) == 0)
		return false;
	if (!r->min_len && !r->max_len)
		return true;
	/* limits given: only a path outside them triggers (monitorPath.js) */
	return (r->min_len && path_len < r->min_len) || (r->max_len && path_len > r->max_len);
}
