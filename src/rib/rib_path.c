/*
 * AS path interning and EVENTS.md §3 (origin and upstream of a path).
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

static uint32_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	uint64_t w = 0;
	memcpy(&w, p + i, n - i);
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

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

static void path_rehash(struct rib *r)
{
	uint32_t cap = r->path_hash_cap * 2;
	struct rib_pslot *h = malloc(cap * sizeof *h);
	if (!h)
		abort();
	memset(h, 0xff, cap * sizeof *h);
	for (uint32_t i = 0; i < r->path_hash_cap; i++) {
		struct rib_pslot e = r->path_hash[i];
		if (e.id == RIB_NONE)
			continue;
		uint32_t k = e.hash & (cap - 1);
		while (h[k].id != RIB_NONE)
			k = (k + 1) & (cap - 1);
		h[k] = e;
	}
	free(r->path_hash);
	r->path_hash = h;
	r->path_hash_cap = cap;
}

static void path_unlink(struct rib *r, uint32_t id)
{
	uint32_t mask = r->path_hash_cap - 1, k = r->path[id].hash & mask;
	while (r->path_hash[k].id != id) {
		if (r->path_hash[k].id == RIB_NONE) {
			rw_log(RW_LOG_ERROR, "internal error: path %u is not in the path table", id);
			abort(); /* a refcount bug: better a core than a hang */
		}
		k = (k + 1) & mask;
	}
	/* backward-shift deletion keeps probe chains intact */
	uint32_t j = k;
	for (;;) {
		j = (j + 1) & mask;
		struct rib_pslot e = r->path_hash[j];
		if (e.id == RIB_NONE)
			break;
		uint32_t home = e.hash & mask;
		/* move e to k if k lies cyclically in [home, j) */
		if ((j > k && (home <= k || home > j)) || (j < k && home <= k && home > j)) {
			r->path_hash[k] = e;
			k = j;
		}
	}
	r->path_hash[k].id = RIB_NONE;
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
	path_unlink(r, path);
	if (p->key_len > RIB_KEY_INLINE)
		free(p->key.heap);
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
	return hash_bytes(key, klen);
}

/* EVENTS.md §3 from a key alone. */
static int key_origin(const uint8_t *key, size_t klen, struct arena *scratch, uint32_t *origin, uint32_t *upstream)
{
	*origin = 0;
	*upstream = 0;
	/* keys come from rib_path_key, or from a snapshot that may be damaged */
	if (klen < 4 || (key[0] != 2 && key[0] != 4) || key[1] > 3 || rd16(key + 2) > klen - 4)
		return RW_EMALFORMED;
	if (!key[1])
		return 0;
	unsigned asz = key[0];
	size_t l1 = rd16(key + 2);
	struct bgp_path path;
	if (bgp_path_decode(key + 4, l1, asz, scratch, &path))
		return RW_EMALFORMED;
	if (key[1] == 2) {
		struct bgp_path p4, merged;
		if (bgp_path_decode(key + 4 + l1, klen - 4 - l1, 4, scratch, &p4) ||
		    bgp_path_merge_as4(&path, &p4, scratch, &merged))
			return RW_EMALFORMED;
		path = merged;
	}
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

uint32_t rib_path_intern(struct rib *r, const uint8_t *key, size_t klen, uint32_t h, struct arena *scratch)
{
	uint32_t mask = r->path_hash_cap - 1, k = h & mask;
	r->st.path_lookups++;
	for (;;) {
		struct rib_pslot e = r->path_hash[k];
		if (e.id == RIB_NONE)
			break;
		if (e.hash == h) {
			struct rib_path *p = &r->path[e.id];
			if (p->key_len == klen && !memcmp(rib_path_keyp(p), key, klen)) {
				r->st.path_hits++;
				return e.id;
			}
		}
		k = (k + 1) & mask;
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
		if (r->npath == r->cappath) {
			r->cappath = r->cappath ? r->cappath * 2 : 1024;
			r->path = realloc(r->path, r->cappath * sizeof *r->path);
			if (!r->path)
				abort();
		}
		id = r->npath++;
	}
	struct rib_path *p = &r->path[id];
	memset(p, 0, sizeof *p);
	p->hash = h;
	p->origin = origin;
	p->upstream = upstream;
	p->key_len = (uint16_t)klen;
	if (klen <= RIB_KEY_INLINE) {
		memcpy(p->key.in, key, klen);
	} else {
		p->key.heap = malloc(klen);
		if (!p->key.heap)
			abort();
		memcpy(p->key.heap, key, klen);
	}
	r->path_hash[k] = (struct rib_pslot){id, h};
	r->path_live++;
	if (r->path_live * 2 > r->path_hash_cap)
		path_rehash(r);
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
