/*
 * AS path interning and docs/events.md §3 (origin and upstream of a path).
 *
 * A path is identified by the bytes it came from: the session's AS size,
 * whether AS4_PATH takes part (RFC 6793 merge), AS_PATH and AS4_PATH. A
 * hit costs one hash over those bytes; only a miss decodes the path. Entries
 * are refcounted by routes and go back to a free list at zero; the hash
 * table uses linear probing with backward-shift deletion.
 */
#include "rib.h"
#include "rib_int.h"

#include <stdlib.h>

void rib_origin_upstream(const struct bgp_path *p, uint32_t *origin, uint32_t *upstream)
{
	*origin = 0;
	*upstream = 0;
	/* walk segments from the end, skipping confederation segments */
	int s = (int)p->nseg - 1;
	uint32_t end = p->nasn; /* one past the current segment's last ASN */
	while (s >= 0 && (p->seg_type[s] == BGP_SEG_CONFED_SEQUENCE || p->seg_type[s] == BGP_SEG_CONFED_SET)) {
		end -= p->seg_len[s];
		s--;
	}
	if (s < 0 || p->seg_type[s] == BGP_SEG_SET)
		return; /* empty, or ends in an AS_SET: no origin */
	uint32_t o = p->asn[end - 1];
	*origin = o;
	/* the AS before the origin, prepending collapsed */
	for (; s >= 0; s--) {
		uint8_t t = p->seg_type[s];
		uint32_t start = end - p->seg_len[s];
		if (t == BGP_SEG_CONFED_SEQUENCE || t == BGP_SEG_CONFED_SET) {
			end = start;
			continue;
		}
		if (t == BGP_SEG_SET)
			return; /* an AS_SET before the origin: no single upstream */
		for (uint32_t i = end; i-- > start;)
			if (p->asn[i] != o) {
				*upstream = p->asn[i];
				return;
			}
		end = start;
	}
}

void rib__path_ref(struct rib *r, uint32_t path)
{
	r->path[path].refs++;
}

void rib_path_hold(struct rib *r, uint32_t path)
{
	rib__path_ref(r, path);
}

void rib_path_release(struct rib *r, uint32_t path)
{
	rib__path_unref(r, path);
}

void rib__path_unref(struct rib *r, uint32_t path)
{
	struct rib_path *p = &r->path[path];
	if (--p->refs)
		return;
	htab_del(&r->path_tab, rib_path_hash(rib_path_keyp(p), p->key_len), path);
	if (p->key_len > RIB_KEY_INLINE) {
		rw_mem_count(RW_MEM_RIB, -(int64_t)p->key_len);
		free(rib_path_heap(p));
	}
	p->key_len = 0;
	p->next_free = r->path_free;
	r->path_free = path;
	r->path_live--;
}

size_t rib_path_key(const struct bgp_attrs *a, uint8_t *key, size_t cap)
{
	bool has = bgp_has(a, BGP_ATTR_AS_PATH);
	size_t l1 = has ? a->as_path_len : 0, l2 = has && a->as4_use ? a->as4_path_len : 0;
	size_t klen = 4 + l1 + l2;
	if (klen > cap || klen > UINT16_MAX)
		return 0;
	key[0] = a->asn_size;
	/* 0: no AS_PATH; 1: AS_PATH; 2: AS_PATH + AS4_PATH to merge; 3: as 1
	 * but an AS4_PATH was present (AS_TRANS must not become origin) */
	key[1] = (uint8_t)(!has ? 0 : l2 ? 2 : (a->asn_size == 2 && bgp_has(a, BGP_ATTR_AS4_PATH)) ? 3 : 1);
	wr16(key + 2, (uint16_t)l1);
	if (l1)
		memcpy(key + 4, a->as_path, l1);
	if (l2)
		memcpy(key + 4 + l1, a->as4_path, l2);
	return klen;
}

uint32_t rib_path_hash(const uint8_t *key, size_t klen)
{
	return (uint32_t)rw_hash(key, klen);
}

/* A key's path, AS4_PATH merged (scratch's); 0, 1 without AS_PATH, or
 * RW_EMALFORMED. */
static int key_path(const uint8_t *key, size_t klen, struct arena *scratch, struct bgp_path *path)
{
	if (klen < 4 || (key[0] != 2 && key[0] != 4) || key[1] > 3 || rd16(key + 2) > klen - 4)
		return RW_EMALFORMED;
	if (!key[1])
		return 1;
	unsigned asz = key[0];
	size_t l1 = rd16(key + 2);
	if (bgp_path_decode(key + 4, l1, asz, scratch, path))
		return RW_EMALFORMED;
	if (key[1] == 2) {
		struct bgp_path p4, merged;
		if (bgp_path_decode(key + 4 + l1, klen - 4 - l1, 4, scratch, &p4) ||
		    bgp_path_merge_as4(path, &p4, scratch, &merged))
			return RW_EMALFORMED;
		*path = merged;
	}
	return 0;
}

uint32_t rib_path_seq(const struct rib *r, uint32_t id, struct arena *scratch, uint32_t **out)
{
	const struct rib_path *p = &r->path[id];
	struct bgp_path path;
	*out = NULL;
	if (key_path(rib_path_keyp(p), p->key_len, scratch, &path))
		return 0;
	uint32_t *s = arena_alloc(scratch, (size_t)path.nasn * sizeof *s + 1);
	if (!s)
		return 0; /* beyond the scratch's cap: a path too long to read */
	uint32_t n = 0, at = 0;
	for (uint16_t g = 0; g < path.nseg; g++) {
		uint8_t t = path.seg_type[g];
		uint32_t len = path.seg_len[g];
		if (t == BGP_SEG_SET) {
			if (!n || s[n - 1])
				s[n++] = 0;
		} else if (t == BGP_SEG_SEQUENCE) {
			for (uint32_t i = 0; i < len; i++)
				if (!n || s[n - 1] != path.asn[at + i])
					s[n++] = path.asn[at + i];
		}
		at += len;
	}
	*out = s;
	return n;
}

/* docs/events.md §3 from a key alone. */
static int key_origin(const uint8_t *key, size_t klen, struct arena *scratch, uint32_t *origin, uint32_t *upstream)
{
	*origin = 0;
	*upstream = 0;
	/* keys come from rib_path_key, or from a snapshot that may be damaged */
	struct bgp_path path;
	int rc = key_path(key, klen, scratch, &path);
	if (rc)
		return rc > 0 ? 0 : rc;
	unsigned asz = key[0];
	rib_origin_upstream(&path, origin, upstream);
	/* AS_TRANS is never an origin or upstream when AS4_PATH exists */
	if (asz == 2 && key[1] >= 2) {
		if (*origin == BGP_AS_TRANS)
			*origin = 0, *upstream = 0;
		if (*upstream == BGP_AS_TRANS)
			*upstream = 0;
	}
	return 0;
}

int rib_attrs_origin_upstream(const struct bgp_attrs *a, struct arena *scratch, uint32_t *origin, uint32_t *upstream)
{
	*origin = *upstream = 0;
	size_t need = 4 + (size_t)a->as_path_len + a->as4_path_len;
	uint8_t *key = arena_alloc(scratch, need);
	size_t klen = key ? rib_path_key(a, key, need) : 0;
	return klen ? key_origin(key, klen, scratch, origin, upstream) : RW_EMALFORMED;
}

uint32_t rib_path_intern(struct rib *r, const uint8_t *key, size_t klen, uint32_t h, struct arena *scratch)
{
	uint32_t k;
	r->st.path_lookups++;
	for (uint32_t id = htab_first(&r->path_tab, h, &k); id != HTAB_NONE; id = htab_next(&r->path_tab, h, &k)) {
		const struct rib_path *p = &r->path[id];
		if (p->key_len == klen && !memcmp(rib_path_keyp(p), key, klen)) {
			r->st.path_hits++;
			return id;
		}
	}
	/* miss: decode and derive origin and upstream */
	uint32_t origin, upstream;
	if (key_origin(key, klen, scratch, &origin, &upstream))
		return RIB_NONE;
	uint32_t id;
	if (r->path_free != RIB_NONE) {
		id = r->path_free;
		r->path_free = r->path[id].next_free;
	} else {
		rw_vec_grow_q(&r->path, &r->cappath, (size_t)r->npath + 1, sizeof *r->path, UINT32_MAX - 1, RW_MEM_RIB);
		id = r->npath++;
	}
	struct rib_path *p = &r->path[id];
	memset(p, 0, sizeof *p); /* aux 0: nothing cached for the new path */
	p->origin = origin;
	p->upstream = upstream;
	p->key_len = (uint16_t)klen;
	if (klen <= RIB_KEY_INLINE) {
		memcpy(p->key, key, klen);
	} else {
		uint8_t *heap = rw_malloc(klen);
		rw_mem_count(RW_MEM_RIB, (int64_t)klen);
		memcpy(heap, key, klen);
		memcpy(p->key, &heap, sizeof heap);
	}
	htab_add_at(&r->path_tab, k, h, id); /* k: where the lookup above stopped */
	r->path_live++;
	if (r->on_new_path)
		r->on_new_path(r->on_new_path_arg, r, id);
	/* a new path has no reference yet: the caller's announce takes it */
	return id;
}

uint32_t rib_path_of(struct rib *r, const struct bgp_attrs *a, struct arena *scratch)
{
	uint8_t stack[512];
	size_t need = 4 + (size_t)a->as_path_len + a->as4_path_len;
	uint8_t *key = need <= sizeof stack ? stack : arena_alloc(scratch, need);
	if (!key)
		return RIB_NONE;
	size_t klen = rib_path_key(a, key, need);
	if (!klen)
		return RIB_NONE;
	return rib_path_intern(r, key, klen, rib_path_hash(key, klen), scratch);
}
