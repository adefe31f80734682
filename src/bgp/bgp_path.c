/*
 * AS paths (RFC 4271 §4.3, RFC 6793, RFC 5065): validate, decode into
 * arrays, merge AS4_PATH into a 2-byte AS_PATH, and format as text.
 *
 * Wire: segments of type(1) count(1) then count ASNs of asn_size bytes.
 * A decoded struct bgp_path keeps all ASNs in one array plus per-segment
 * type and length, allocated from the caller's scratch arena.
 */
#include "bgp.h"

int bgp_path_check(const uint8_t *p, size_t len, unsigned asn_size)
{
	size_t off = 0;
	while (off < len) {
		if (len - off < 2)
			return RW_ETRUNC;
		uint8_t type = p[off], n = p[off + 1];
		if (type < BGP_SEG_SET || type > BGP_SEG_CONFED_SET)
			return RW_EMALFORMED;
		if (n == 0)
			return RW_EMALFORMED;
		size_t need = (size_t)n * asn_size; /* n <= 255: no overflow */
		if (len - off - 2 < need)
			return RW_ETRUNC;
		off += 2 + need;
	}
	return 0;
}

int bgp_path_decode(const uint8_t *p, size_t len, unsigned asn_size, struct arena *a,
		    struct bgp_path *out)
{
	/* first pass: sizes */
	size_t nseg = 0, nasn = 0, off = 0;
	while (off + 2 <= len) {
		size_t n = p[off + 1];
		if (len - off - 2 < n * asn_size)
			return RW_ETRUNC;
		nseg++;
		nasn += n;
		off += 2 + n * asn_size;
	}
	if (off != len)
		return RW_ETRUNC;
	uint32_t *asn = arena_alloc(a, (nasn ? nasn : 1) * sizeof *asn);
	uint8_t *st = arena_alloc(a, nseg ? nseg : 1);
	uint16_t *sl = arena_alloc(a, (nseg ? nseg : 1) * sizeof *sl);
	if (!asn || !st || !sl)
		return RW_ELIMIT; /* the scratch arena's cap */
	size_t k = 0, s = 0;
	off = 0;
	while (off < len) {
		unsigned n = p[off + 1];
		st[s] = p[off];
		sl[s] = (uint16_t)n;
		s++;
		const uint8_t *q = p + off + 2;
		if (asn_size == 4) {
			for (unsigned i = 0; i < n; i++)
				asn[k++] = rd32(q + 4 * i);
		} else {
			for (unsigned i = 0; i < n; i++)
				asn[k++] = rd16(q + 2 * i);
		}
		off += 2 + (size_t)n * asn_size;
	}
	out->asn = asn;
	out->seg_type = st;
	out->seg_len = sl;
	out->nseg = (uint16_t)nseg;
	out->nasn = (uint32_t)nasn;
	return 0;
}

uint32_t bgp_path_count(const struct bgp_path *p)
{
	uint32_t n = 0;
	for (unsigned s = 0; s < p->nseg; s++) {
		if (p->seg_type[s] == BGP_SEG_SET || p->seg_type[s] == BGP_SEG_CONFED_SET)
			n += 1;
		else
			n += p->seg_len[s];
	}
	return n;
}

/*
 * RFC 6793 §4.2.3: if AS_PATH counts fewer ASNs than AS4_PATH, use
 * AS_PATH. Otherwise take leading segments of AS_PATH until the count
 * AS_PATH - AS4_PATH is reached (splitting a sequence if needed; a set
 * counts one and is never split) and append AS4_PATH.
 */
int bgp_path_merge_as4(const struct bgp_path *path, const struct bgp_path *as4,
		       struct arena *a, struct bgp_path *out)
{
	uint32_t np = bgp_path_count(path), n4 = bgp_path_count(as4);
	if (np < n4) {
		*out = *path;
		return 0;
	}
	uint32_t want = np - n4;
	size_t maxseg = (size_t)path->nseg + as4->nseg;
	size_t maxasn = (size_t)path->nasn + as4->nasn;
	uint32_t *asn = arena_alloc(a, (maxasn ? maxasn : 1) * sizeof *asn);
	uint8_t *st = arena_alloc(a, maxseg ? maxseg : 1);
	uint16_t *sl = arena_alloc(a, (maxseg ? maxseg : 1) * sizeof *sl);
	if (!asn || !st || !sl)
		return RW_ELIMIT; /* the scratch arena's cap */
	size_t k = 0, ns = 0, src = 0;
	uint32_t got = 0;
	for (unsigned s = 0; s < path->nseg && got < want; s++) {
		unsigned n = path->seg_len[s];
		bool set = path->seg_type[s] == BGP_SEG_SET || path->seg_type[s] == BGP_SEG_CONFED_SET;
		unsigned take = n;
		if (set) {
			got += 1;
		} else {
			if (got + n > want)
				take = want - got;
			got += take;
		}
		st[ns] = path->seg_type[s];
		sl[ns] = (uint16_t)take;
		ns++;
		memcpy(asn + k, path->asn + src, take * sizeof *asn);
		k += take;
		src += n;
	}
	for (unsigned s = 0; s < as4->nseg; s++) {
		st[ns] = as4->seg_type[s];
		sl[ns] = as4->seg_len[s];
		ns++;
	}
	memcpy(asn + k, as4->asn, as4->nasn * sizeof *asn);
	k += as4->nasn;
	out->asn = asn;
	out->seg_type = st;
	out->seg_len = sl;
	out->nseg = (uint16_t)ns;
	out->nasn = (uint32_t)k;
	return 0;
}

size_t bgp_path_fmt_size(const struct bgp_path *p)
{
	return (size_t)p->nasn * 11 + (size_t)p->nseg * 3 + 12;
}

static char seg_open(uint8_t t)
{
	return t == BGP_SEG_SET ? '{' : t == BGP_SEG_CONFED_SEQUENCE ? '(' : '[';
}

static char seg_close(uint8_t t)
{
	return t == BGP_SEG_SET ? '}' : t == BGP_SEG_CONFED_SEQUENCE ? ')' : ']';
}

size_t bgp_path_fmt(char *dst, const struct bgp_path *p, struct fmt_cache *cache)
{
	size_t n = 0, k = 0;
	for (unsigned s = 0; s < p->nseg; s++) {
		uint8_t t = p->seg_type[s];
		bool seq = t == BGP_SEG_SEQUENCE;
		bool set = t == BGP_SEG_SET || t == BGP_SEG_CONFED_SET;
		if (s)
			dst[n++] = ' ';
		if (!seq)
			dst[n++] = seg_open(t);
		for (unsigned i = 0; i < p->seg_len[s]; i++) {
			if (i)
				dst[n++] = set ? ',' : ' ';
			n += cache ? fmt_u32_cached(cache, dst + n, p->asn[k]) : fmt_u32(dst + n, p->asn[k]);
			k++;
		}
		if (!seq)
			dst[n++] = seg_close(t);
	}
	return n;
}
