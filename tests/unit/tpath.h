/* A rib path id for an AS path (and an AS_SET after it), made the way a
 * decoded announcement's is: the attributes encoded with the project's
 * writer (4-byte session), decoded, interned. *o holds the bytes, *a the
 * decoder's scratch. For tests of rib/ and of the layers above it. */
#ifndef RW_TPATH_H
#define RW_TPATH_H

#include "rib/rib.h"

static inline uint32_t tpath_id(struct rib *r, struct obuf *o, struct arena *a, const uint32_t *path, unsigned n,
				const uint32_t *set, unsigned ns)
{
	struct bgp_wattrs w = {.path = path, .path_len = n, .set = set, .set_len = ns,
			       .nexthop = {.af = RW_AF_INET, .b = {192, 0, 2, 1}}};
	struct bgp_wopts wo = {0};
	obuf_reset(o);
	bgp_attrs_encode(o, &w, &wo);
	struct bgp_ctx ctx = {.asn_size = 4};
	struct bgp_attrs at;
	bgp_attrs_decode(obuf_data(o), o->len, &ctx, a, &at);
	return rib_path_of(r, &at, a);
}

#endif
