/*
 * AS path interning and docs/events.md §3 (origin and upstream of a path).
 *
 * A path is identified by its key: the session's AS size, whether AS4_PATH
 * takes part (RFC 6793 merge), AS_PATH and AS4_PATH, coded compactly (the
 * key code below). A hit costs one hash over the key and one compare; only
 * a miss decodes the path. Entries are refcounted by routes and go back to
 * a free list at zero; their keys live in one pool (rib.key) that is
 * compacted when a quarter of it is dead. The hash table uses linear
 * probing with backward-shift deletion.
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

/* ------------------------------------------------------------ the key code
 *
 * The bytes that identify a path, about half of what the attributes take
 * (a full table's path: 13-16 bytes against 22-30):
 *
 *   tag     bits 0-1: 0 no AS_PATH, 1 AS_PATH, 2 AS_PATH and AS4_PATH to
 *           merge, 3 as 1 but an AS4_PATH was present (AS_TRANS must not
 *           become origin); bit 2: a 4-byte session; bit 3: 0; bits 4-7:
 *           AS_PATH's segments, 15 = a varint count (>= 15) follows
 *   AS_PATH's segments, each a header and its ASNs as varints (LEB128)
 *   with 2: a varint count of AS4_PATH's segments, then them (4-byte ASNs)
 *
 * A segment header is one byte 0ttnnnnn (type 1 + tt, 1 to 31 ASNs), or
 * 100000tt and the count (32 to 255). Paths are those bgp_path_check
 * takes (the attributes' decoder checks them): known types, no empty
 * segment. The code is
 * canonical (every count and ASN as short as it goes, the short header
 * whenever it fits) and self-delimiting, so a path has exactly one key and
 * no key is the beginning of another: a compare of the sought key's bytes
 * against a stored one is enough, whatever follows the stored one. The
 * decoder refuses anything else (a snapshot may be damaged). */

static size_t put_uv(uint8_t *o, uint32_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		o[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	o[n++] = (uint8_t)v;
	return n;
}

/* A minimal varint at p (left bytes); its length, 0 when broken. */
static size_t get_uv(const uint8_t *p, size_t left, uint32_t *v)
{
	uint32_t x = 0;
	for (size_t i = 0; i < left && i < 5; i++) {
		uint8_t b = p[i];
		if (i == 4 && b > 0x0f)
			return 0; /* beyond 32 bits */
		x |= (uint32_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			if (i && !b)
				return 0; /* not minimal */
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

/* docs/events.md §3's origin and upstream followed forward, segment by
 * segment as a key is read (rib_origin_upstream walks a decoded path
 * backward; the two agree, test_rib checks it): confederation segments
 * change nothing; an AS_SET leaves the path without an origin if it ends
 * it, and is a wall no upstream is looked for behind. */
struct ou_walk {
	uint32_t o, u;
	bool have_o;      /* o is the last ASN of a sequence seen */
	bool wall;        /* an AS_SET since o */
	bool ends_in_set; /* the last segment but confederations is an AS_SET */
};

static void ou_seg(struct ou_walk *w, unsigned t)
{
	if (t == BGP_SEG_SET)
		w->wall = w->ends_in_set = true;
	else if (t == BGP_SEG_SEQUENCE)
		w->ends_in_set = false;
}

static void ou_asn(struct ou_walk *w, uint32_t v)
{
	if (w->have_o && v == w->o) { /* prepending: o's run goes on */
		if (w->wall)
			w->u = 0, w->wall = false;
		return;
	}
	w->u = w->have_o && !w->wall ? w->o : 0;
	w->o = v;
	w->have_o = true;
	w->wall = false;
}

/* The segments of AS_PATH-form bytes (asz-byte ASNs) coded at o (room:
 * cap): their count in *nseg, the bytes written in *n. -1 when the bytes
 * break bgp_path_check's rule (known types, no empty segment, every
 * segment inside: checked here, in the one pass, because this runs for
 * every RIB entry) or the code does not fit. ou (or NULL) follows the
 * origin and upstream in the same pass. */
static int put_segs(uint8_t *o, size_t cap, const uint8_t *p, size_t len, unsigned asz, uint32_t *nseg, size_t *n,
		    struct ou_walk *ou)
{
	size_t w = 0, off = 0;
	*nseg = 0;
	while (off < len) {
		if (len - off < 2)
			return -1;
		uint8_t t = p[off];
		unsigned cnt = p[off + 1];
		if (t < BGP_SEG_SET || t > BGP_SEG_CONFED_SET || !cnt || len - off - 2 < (size_t)cnt * asz ||
		    w + 2 + (size_t)cnt * (asz == 4 ? 5 : 3) > cap)
			return -1;
		if (cnt < 32) {
			o[w++] = (uint8_t)((t - 1) << 5 | cnt);
		} else {
			o[w++] = (uint8_t)(0x80 | (t - 1));
			o[w++] = (uint8_t)cnt;
		}
		const uint8_t *q = p + off + 2;
		for (unsigned i = 0; i < cnt; i++)
			w += put_uv(o + w, asz == 4 ? rd32(q + 4 * i) : rd16(q + 2 * i));
		if (ou)
			ou_seg(ou, t);
		if (ou && t == BGP_SEG_SEQUENCE) {
			/* the walk ends where the segment's last two distinct
			 * ASNs leave it, whatever came before them: only they
			 * are walked (a RIB entry's path, on every entry) */
			uint32_t last = asz == 4 ? rd32(q + 4 * (cnt - 1)) : rd16(q + 2 * (cnt - 1));
			for (unsigned i = cnt - 1; i-- > 0;) {
				uint32_t v = asz == 4 ? rd32(q + 4 * i) : rd16(q + 2 * i);
				if (v != last) {
					ou_asn(ou, v);
					break;
				}
			}
			ou_asn(ou, last);
		}
		off += 2 + (size_t)cnt * asz;
		++*nseg;
	}
	*n = w;
	return 0;
}

/* The key of (asz, mode, AS_PATH bytes, AS4_PATH bytes) in key; its
 * length, 0 when the paths are malformed (bgp_path_check's rule, which
 * the attributes' decoder applies too) or the key does not fit in cap or
 * in 65535 bytes. */
static size_t key_code(unsigned asz, unsigned mode, const uint8_t *p1, size_t l1, const uint8_t *p2, size_t l2,
		       uint8_t *key, size_t cap, struct ou_walk *ou)
{
	/* 65535: what a snapshot's key may hold (version 2's form) */
	if ((asz != 2 && asz != 4) || mode > 3 || (!mode && l1) || (mode != 2 && l2) || cap < 8 ||
	    4 + l1 + l2 > UINT16_MAX)
		return 0;
	/* the segments go after the tag and their count, which is known only
	 * after them: coded where a small count leaves them (room kept for a
	 * larger one), moved when the count needs more bytes */
	uint32_t ns1, ns2;
	size_t n1, n2;
	if (put_segs(key + 1, cap - 4, p1, l1, asz, &ns1, &n1, ou))
		return 0;
	key[0] = (uint8_t)(mode | (asz == 4 ? 4 : 0) | (ns1 < 15 ? ns1 : 15) << 4);
	size_t n = 1 + n1;
	if (ns1 >= 15) {
		uint8_t cnt[5];
		size_t c = put_uv(cnt, ns1);
		memmove(key + 1 + c, key + 1, n1);
		memcpy(key + 1, cnt, c);
		n += c;
	}
	if (mode == 2) {
		uint8_t cnt[5];
		if (n + 5 > cap || put_segs(key + n + 1, cap - n - 5, p2, l2, 4, &ns2, &n2, NULL))
			return 0;
		size_t c = put_uv(cnt, ns2);
		if (c > 1)
			memmove(key + n + c, key + n + 1, n2);
		memcpy(key + n, cnt, c);
		n += c + n2;
	}
	return n <= UINT16_MAX ? n : 0;
}

/* nseg coded segments at p (left bytes there; ASNs of asz bytes in the
 * attributes): their bytes in *n and their ASNs in *nasn; -1 when broken
 * or not canonical. out: also decoded into asn, st, sl (sized by a first
 * call without). ou (or NULL) follows the origin and upstream. */
static int get_segs(const uint8_t *p, size_t left, uint32_t nseg, unsigned asz, uint32_t *asn, uint8_t *st,
		    uint16_t *sl, size_t *n, uint32_t *nasn, struct ou_walk *ou)
{
	size_t off = 0;
	uint32_t k = 0;
	for (uint32_t s = 0; s < nseg; s++) {
		if (off >= left)
			return -1;
		unsigned t, cnt;
		uint8_t b = p[off++];
		if (b < 0x80) {
			t = 1 + (b >> 5);
			cnt = b & 31;
			if (!cnt)
				return -1; /* bgp_path_check's rule */
		} else {
			if (b > 0x83 || off >= left)
				return -1;
			t = 1 + (b & 3);
			cnt = p[off++];
			if (cnt < 32)
				return -1; /* the short header fits */
		}
		bool seq = ou && t == BGP_SEG_SEQUENCE;
		if (ou)
			ou_seg(ou, t);
		for (unsigned i = 0; i < cnt; i++) {
			uint32_t v;
			size_t m = get_uv(p + off, left - off, &v);
			if (!m || (asz == 2 && v > 0xffff))
				return -1;
			off += m;
			if (asn)
				asn[k] = v;
			if (seq)
				ou_asn(ou, v);
			k++;
		}
		if (asn) {
			st[s] = (uint8_t)t;
			sl[s] = (uint16_t)cnt;
		}
	}
	*n = off;
	*nasn = k;
	return 0;
}

/* One part's segments, measured, then (a) decoded into scratch: in one
 * pass with arrays sized by the bytes when they are few (a key looked up
 * has its exact length), else measured first. */
static int get_part(const uint8_t *p, size_t left, uint32_t nseg, unsigned asz, struct arena *a,
		    struct bgp_path *out, size_t *n, struct ou_walk *ou)
{
	uint32_t k = 0;
	*out = (struct bgp_path){0};
	if (nseg > UINT16_MAX || (!a || left > 1024 ? get_segs(p, left, nseg, asz, NULL, NULL, NULL, n, &k, ou) : 0))
		return -1;
	if (!a)
		return 0;
	size_t na = left > 1024 ? k : left; /* an ASN takes a byte at least */
	uint32_t *asn = arena_alloc(a, (na ? na : 1) * sizeof *asn);
	uint8_t *st = arena_alloc(a, nseg ? nseg : 1);
	uint16_t *sl = arena_alloc(a, (nseg ? nseg : 1) * sizeof *sl);
	if (!asn || !st || !sl || get_segs(p, left, nseg, asz, asn, st, sl, n, &k, NULL))
		return -1; /* beyond the scratch's cap (a path too long to read), or broken */
	*out = (struct bgp_path){.asn = asn, .seg_type = st, .seg_len = sl, .nseg = (uint16_t)nseg, .nasn = k};
	return 0;
}

/* A key's parts: the tag's fields, and (a non-NULL) AS_PATH and AS4_PATH
 * decoded into scratch. */
struct key_parts {
	unsigned asz, mode;
	struct bgp_path p1, p4;
};

/* The key at key (left bytes there: a key in the pool is followed by
 * others): its length, 0 when broken or not canonical. ou (or NULL, and
 * only with a NULL) follows AS_PATH's origin and upstream. */
static size_t key_parse(const uint8_t *key, size_t left, struct arena *a, struct key_parts *kp, struct ou_walk *ou)
{
	if (!left || key[0] & 8)
		return 0;
	kp->mode = key[0] & 3;
	kp->asz = key[0] & 4 ? 4 : 2;
	uint32_t ns1 = key[0] >> 4, ns2 = 0;
	size_t n = 1, m;
	if (ns1 == 15) {
		m = get_uv(key + 1, left - 1, &ns1);
		if (!m || ns1 < 15)
			return 0;
		n += m;
	}
	if ((!kp->mode && ns1) || get_part(key + n, left - n, ns1, kp->asz, a, &kp->p1, &m, ou))
		return 0;
	n += m;
	kp->p4 = (struct bgp_path){0};
	if (kp->mode == 2) {
		size_t c = get_uv(key + n, left - n, &ns2);
		if (!c || get_part(key + n + c, left - n - c, ns2, 4, a, &kp->p4, &m, NULL))
			return 0;
		n += c + m;
	}
	return n;
}

/* The pool's key of a path, and its length. */
static const uint8_t *pool_key(const struct rib *r, const struct rib_path *p, size_t *klen)
{
	const uint8_t *k = (const uint8_t *)(r->key + p->key);
	struct key_parts kp;
	*klen = key_parse(k, ((size_t)r->nkey - p->key) * 2, NULL, &kp, NULL);
	return k;
}

/* AS_TRANS is never an origin or upstream when an AS4_PATH exists
 * (2-byte sessions: modes 2 and 3). */
static void no_as_trans(unsigned asz, unsigned mode, uint32_t *origin, uint32_t *upstream)
{
	if (asz == 2 && mode >= 2) {
		if (*origin == BGP_AS_TRANS)
			*origin = 0, *upstream = 0;
		if (*upstream == BGP_AS_TRANS)
			*upstream = 0;
	}
}

/* What a forward walk found. */
static void ou_result(const struct ou_walk *w, unsigned asz, unsigned mode, uint32_t *origin, uint32_t *upstream)
{
	*origin = *upstream = 0;
	if (w->have_o && !w->ends_in_set)
		*origin = w->o, *upstream = w->u;
	no_as_trans(asz, mode, origin, upstream);
}

size_t rib_path_key_ou(const struct bgp_attrs *a, uint8_t *key, size_t cap, struct rib_ou *ou)
{
	bool has = bgp_has(a, BGP_ATTR_AS_PATH);
	size_t l1 = has ? a->as_path_len : 0, l2 = has && a->as4_use ? a->as4_path_len : 0;
	unsigned mode = !has ? 0 : l2 ? 2 : (a->asn_size == 2 && bgp_has(a, BGP_ATTR_AS4_PATH)) ? 3 : 1;
	/* an AS4_PATH to merge: the merged path's ends are not AS_PATH's */
	struct ou_walk w = {0}, *wp = ou && mode != 2 ? &w : NULL;
	size_t n = key_code(a->asn_size, mode, a->as_path, l1, a->as4_path, l2, key, cap, wp);
	if (ou) {
		ou->known = n && wp;
		if (ou->known)
			ou_result(&w, a->asn_size, mode, &ou->origin, &ou->upstream);
	}
	return n;
}

size_t rib_path_key(const struct bgp_attrs *a, uint8_t *key, size_t cap)
{
	return rib_path_key_ou(a, key, cap, NULL);
}

uint32_t rib_path_hash(const uint8_t *key, size_t klen)
{
	return (uint32_t)rw_hash(key, klen);
}

/* Snapshots keep the keys of version 2 (rib_snap.c): the session's AS
 * size, the mode, AS_PATH's length (be16), AS_PATH, AS4_PATH. */
size_t rib__key_of_raw(const uint8_t *raw, size_t rlen, uint8_t *key, size_t cap)
{
	if (rlen < 4 || rd16(raw + 2) > rlen - 4)
		return 0;
	size_t l1 = rd16(raw + 2);
	return key_code(raw[0], raw[1], raw + 4, l1, raw + 4 + l1, rlen - 4 - l1, key, cap, NULL);
}

static uint8_t *put_raw_segs(uint8_t *o, const struct bgp_path *p, unsigned asz)
{
	for (uint32_t s = 0, k = 0; s < p->nseg; s++) {
		*o++ = p->seg_type[s];
		*o++ = (uint8_t)p->seg_len[s];
		for (uint32_t i = 0; i < p->seg_len[s]; i++, k++) {
			if (asz == 4)
				wr32(o, p->asn[k]);
			else
				wr16(o, (uint16_t)p->asn[k]);
			o += asz;
		}
	}
	return o;
}

size_t rib__key_raw(const struct rib *r, uint32_t path, struct arena *a, uint8_t **out)
{
	const struct rib_path *p = &r->path[path];
	struct key_parts kp;
	const uint8_t *k = (const uint8_t *)(r->key + p->key);
	if (!key_parse(k, ((size_t)r->nkey - p->key) * 2, a, &kp, NULL))
		return 0;
	size_t l1 = (size_t)kp.p1.nseg * 2 + (size_t)kp.p1.nasn * kp.asz;
	size_t l2 = (size_t)kp.p4.nseg * 2 + (size_t)kp.p4.nasn * 4;
	uint8_t *b = arena_alloc(a, 4 + l1 + l2);
	if (!b)
		return 0;
	b[0] = (uint8_t)kp.asz;
	b[1] = (uint8_t)kp.mode;
	wr16(b + 2, (uint16_t)l1);
	put_raw_segs(put_raw_segs(b + 4, &kp.p1, kp.asz), &kp.p4, 4);
	*out = b;
	return 4 + l1 + l2;
}

/* A key's path, AS4_PATH merged (scratch's); 0, 1 without AS_PATH, or
 * RW_EMALFORMED. */
static int key_path(const uint8_t *key, size_t klen, struct arena *scratch, struct bgp_path *path, unsigned *asz,
		    unsigned *mode)
{
	struct key_parts kp;
	if (key_parse(key, klen, scratch, &kp, NULL) != klen)
		return RW_EMALFORMED;
	*asz = kp.asz;
	*mode = kp.mode;
	if (!kp.mode)
		return 1;
	*path = kp.p1;
	if (kp.mode == 2 && bgp_path_merge_as4(&kp.p1, &kp.p4, scratch, path))
		return RW_EMALFORMED;
	return 0;
}

uint32_t rib_path_seq(const struct rib *r, uint32_t id, struct arena *scratch, uint32_t **out)
{
	struct bgp_path path;
	unsigned asz, mode;
	size_t klen;
	const uint8_t *key = pool_key(r, &r->path[id], &klen);
	*out = NULL;
	if (!klen || key_path(key, klen, scratch, &path, &asz, &mode))
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
	unsigned asz, mode;
	if (klen && (key[0] & 3) != 2) {
		/* no AS4_PATH to merge (every TABLE_DUMP_V2 path): followed
		 * while the key is checked, nothing decoded (a RIB load
		 * interns millions of new paths on its main thread) */
		struct key_parts kp;
		struct ou_walk w = {0};
		if (key_parse(key, klen, NULL, &kp, &w) != klen)
			return RW_EMALFORMED;
		ou_result(&w, kp.asz, kp.mode, origin, upstream);
		return 0;
	}
	int rc = key_path(key, klen, scratch, &path, &asz, &mode);
	if (rc)
		return rc > 0 ? 0 : rc;
	rib_origin_upstream(&path, origin, upstream);
	no_as_trans(asz, mode, origin, upstream);
	return 0;
}

/* ------------------------------------------------------------ the pool */

bool rib__path_found(const struct rib *r, uint32_t path, uint64_t *units)
{
	size_t klen;
	const uint8_t *key = pool_key(r, &r->path[path], &klen);
	if (!klen)
		return false;
	*units += (klen + 1) / 2;
	uint32_t k, h = rib_path_hash(key, klen);
	for (uint32_t id = htab_first(&r->path_tab, h, &k); id != HTAB_NONE; id = htab_next(&r->path_tab, h, &k))
		if (id == path)
			return true;
	return false;
}

/* The pool again with the live keys only, in path id order (a new array:
 * the old one's dead keys are scattered). */
static void pool_compact(struct rib *r)
{
	uint32_t live = r->nkey - r->key_dead, n = 0;
	uint16_t *nk = rw_malloc(((size_t)live + 1) * 2);
	rw_mem_count(RW_MEM_RIB, ((int64_t)live + 1) * 2);
	for (uint32_t i = 0; i < r->npath; i++) {
		struct rib_path *p = &r->path[i];
		if (p->key == RIB_NONE)
			continue;
		size_t klen;
		pool_key(r, p, &klen);
		uint32_t u = (uint32_t)((klen + 1) / 2);
		memcpy(nk + n, r->key + p->key, (size_t)u * 2);
		p->key = n;
		n += u;
	}
	rw_vec_free(&r->key, &r->capkey, 2, RW_MEM_RIB);
	r->key = nk;
	r->capkey = live + 1;
	r->nkey = n;
	r->key_dead = 0;
}

void rib__path_trim(struct rib *r)
{
	if (r->key_dead > r->nkey / 16)
		pool_compact(r);
	rw_vec_shrink(&r->key, &r->capkey, r->nkey, 2, RW_MEM_RIB);
	rw_vec_shrink(&r->path, &r->cappath, r->npath, sizeof *r->path, RW_MEM_RIB);
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
	size_t klen;
	const uint8_t *key = pool_key(r, p, &klen);
	htab_del(&r->path_tab, rib_path_hash(key, klen), path);
	r->key_dead += (uint32_t)((klen + 1) / 2);
	p->key = RIB_NONE;
	p->next_free = r->path_free;
	r->path_free = path;
	r->path_live--;
	/* dead keys past a quarter of the pool: copy the live ones */
	if (r->key_dead >= 4096 && r->key_dead > r->nkey / 4)
		pool_compact(r);
}

int rib_attrs_origin_upstream(const struct bgp_attrs *a, struct arena *scratch, uint32_t *origin, uint32_t *upstream)
{
	*origin = *upstream = 0;
	size_t need = RIB_KEY_MAX((size_t)a->as_path_len + a->as4_path_len);
	uint8_t *key = arena_alloc(scratch, need);
	size_t klen = key ? rib_path_key(a, key, need) : 0;
	return klen ? key_origin(key, klen, scratch, origin, upstream) : RW_EMALFORMED;
}

uint32_t rib_path_intern(struct rib *r, const uint8_t *key, size_t klen, uint32_t h, struct arena *scratch)
{
	return rib_path_intern_ou(r, key, klen, h, NULL, scratch);
}

uint32_t rib_path_intern_ou(struct rib *r, const uint8_t *key, size_t klen, uint32_t h, const struct rib_ou *ou,
			    struct arena *scratch)
{
	uint32_t k;
	r->st.path_lookups++;
	for (uint32_t id = htab_first(&r->path_tab, h, &k); id != HTAB_NONE; id = htab_next(&r->path_tab, h, &k)) {
		/* a key is no other's beginning: its bytes there are enough
		 * (if the pool has that many after it) */
		uint32_t at = r->path[id].key;
		if (((size_t)r->nkey - at) * 2 >= klen && !memcmp(r->key + at, key, klen)) {
			r->st.path_hits++;
			return id;
		}
	}
	/* miss: origin and upstream as the key was made, or from the key
	 * (which checks it) */
	uint32_t origin, upstream;
	if (!klen || klen > UINT16_MAX)
		return RIB_NONE;
	if (ou && ou->known)
		origin = ou->origin, upstream = ou->upstream;
	else if (key_origin(key, klen, scratch, &origin, &upstream))
		return RIB_NONE;
	uint32_t id;
	if (r->path_free != RIB_NONE) {
		id = r->path_free;
		r->path_free = r->path[id].next_free;
	} else {
		rw_vec_grow_q(&r->path, &r->cappath, (size_t)r->npath + 1, sizeof *r->path, UINT32_MAX - 1, RW_MEM_RIB);
		id = r->npath++;
	}
	uint32_t u = (uint32_t)((klen + 1) / 2);
	if (rw_vec_grow_q(&r->key, &r->capkey, (size_t)r->nkey + u, 2, UINT32_MAX - 1, RW_MEM_RIB))
		rw_oom(((size_t)r->nkey + u) * 2); /* the pool holds 8 GiB */
	uint8_t *dst = (uint8_t *)(r->key + r->nkey);
	memcpy(dst, key, klen);
	if (klen & 1)
		dst[klen] = 0;
	struct rib_path *p = &r->path[id];
	*p = (struct rib_path){.origin = origin, .upstream = upstream, .key = r->nkey}; /* aux 0: nothing cached */
	r->nkey += u;
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
	size_t need = RIB_KEY_MAX((size_t)a->as_path_len + a->as4_path_len);
	uint8_t *key = need <= sizeof stack ? stack : arena_alloc(scratch, need);
	if (!key)
		return RIB_NONE;
	struct rib_ou ou;
	size_t klen = rib_path_key_ou(a, key, need, &ou);
	if (!klen)
		return RIB_NONE;
	return rib_path_intern_ou(r, key, klen, rib_path_hash(key, klen), &ou, scratch);
}
