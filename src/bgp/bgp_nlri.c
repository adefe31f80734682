/*
 * NLRI fields (RFC 4271 §4.3, RFC 4760 §5, RFC 7911 §3): a sequence of
 * [path id(4)] length(1) prefix(ceil(length/8)). A length beyond the
 * family's maximum or a prefix running past the field makes the whole
 * field unparseable (RFC 7606 §5.3): the checker reports where.
 */
#include "bgp.h"

void bgp_nlri_init(struct bgp_nlri_it *it, const uint8_t *p, size_t len, uint8_t af, bool addpath)
{
	cur_init(&it->c, p, len);
	it->af = af;
	it->addpath = addpath;
}

int bgp_nlri_next(struct bgp_nlri_it *it, struct rw_prefix *out)
{
	struct cur *c = &it->c;
	if (!cur_left(c))
		return 0;
	uint32_t pid = 0;
	if (it->addpath && cur_u32(c, &pid))
		return RW_ETRUNC;
	uint8_t plen;
	if (cur_u8(c, &plen))
		return RW_ETRUNC;
	unsigned max = it->af == RW_AF_INET ? 32 : 128;
	if (plen > max)
		return RW_EMALFORMED;
	unsigned nb = (plen + 7u) / 8u;
	if (cur_left(c) < nb)
		return RW_ETRUNC;
	out->af = it->af;
	out->len = plen;
	out->path_id = pid;
	memcpy(out->b, c->p, nb);
	memset(out->b + nb, 0, 16 - nb);
	if (plen & 7)
		out->b[nb - 1] &= (uint8_t)(0xff << (8 - (plen & 7)));
	c->p += nb;
	return 1;
}

long bgp_nlri_check(const uint8_t *p, size_t len, uint8_t af, bool addpath, size_t *bad_off)
{
	unsigned max = af == RW_AF_INET ? 32 : 128;
	size_t off = 0;
	long n = 0;
	while (off < len) {
		size_t start = off;
		if (addpath) {
			if (len - off < 4) {
				*bad_off = start;
				return RW_ETRUNC;
			}
			off += 4;
		}
		if (off >= len) {
			*bad_off = start;
			return RW_ETRUNC;
		}
		unsigned plen = p[off++];
		if (plen > max) {
			*bad_off = start;
			return RW_EMALFORMED;
		}
		size_t nb = (plen + 7u) / 8u;
		if (len - off < nb) {
			*bad_off = start;
			return RW_ETRUNC;
		}
		off += nb;
		n++;
	}
	return n;
}
