/* bgp internals shared between the codec's files (bgp__ prefix). */
#ifndef RW_BGP_INT_H
#define RW_BGP_INT_H

#include "bgp.h"

long bgp__nlri_check_guess(struct bgp_attrs *a, const struct bgp_ctx *ctx, const uint8_t *p,
			   size_t len, uint8_t af, bool *addpath, size_t *bad);

bool bgp__nlri_salvageable(long rc, const uint8_t *p, size_t good, uint8_t af, bool addpath);

/* Every output field of attrs to its empty value. */
void bgp__attrs_reset(struct bgp_attrs *a, const struct bgp_ctx *ctx);

#endif
