/* bgp internals shared between the codec's files (bgp__ prefix): the
 * attribute table's encoders (bgp_enc.c) and text (bgp_print.c), and the
 * helpers bgp_attr.c and bgp_msg.c share. */
#ifndef RW_BGP_INT_H
#define RW_BGP_INT_H

#include "bgp.h"

/* bgp_attr_next, inlined where it runs per RIB entry: the header's
 * bounds are checked once, not per byte. */
static inline int bgp__attr_next(struct bgp_attr_it *it, struct bgp_attr *a)
{
	const uint8_t *p = it->c.p;
	size_t left = (size_t)(it->c.end - p);
	if (!left)
		return 0;
	a->off = (size_t)(p - it->start);
	a->type = left >= 2 ? p[1] : 0;
	if (left < 3)
		return RW_ETRUNC;
	a->flags = p[0];
	size_t hl = (p[0] & BGP_AF_EXTLEN) ? 4 : 3;
	if (left < hl)
		return RW_ETRUNC;
	size_t len = hl == 4 ? (size_t)p[2] << 8 | p[3] : p[2];
	if (len > left - hl)
		return RW_ETRUNC;
	a->v.p = p + hl;
	a->v.end = p + hl + len;
	it->c.p = a->v.end;
	return 1;
}

/* Record a problem with its RFC 7606 class (the worst one is kept). */
void bgp__problem(struct bgp_attrs *a, enum bgp_action act, unsigned type, size_t off, const char *msg);

long bgp__nlri_check_guess(struct bgp_attrs *a, const struct bgp_ctx *ctx, const uint8_t *p,
			   size_t len, uint8_t af, bool *addpath, size_t *bad);

bool bgp__nlri_salvageable(long rc, const uint8_t *p, size_t good, uint8_t af, bool addpath);

/* Every output field of attrs but reach/unreach to its empty value. */
void bgp__attrs_reset(struct bgp_attrs *a, const struct bgp_ctx *ctx);

/* Encoders of the table's rows (bgp_enc.c). */
void bgp__enc_origin(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
void bgp__enc_as_path(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
void bgp__enc_next_hop(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
void bgp__enc_med(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
void bgp__enc_local_pref(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
void bgp__enc_atomic(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
void bgp__enc_aggregator(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
void bgp__enc_communities(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
void bgp__enc_mp_reach(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
void bgp__enc_mp_unreach(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
void bgp__enc_as4_path(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
void bgp__enc_as4_aggregator(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
void bgp__enc_large_communities(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);

/* Text of the table's rows (bgp_print.c). */
size_t bgp__print_origin(char *d, const struct bgp_attrs *a, struct fmt_cache *c);
size_t bgp__print_as_path(char *d, const struct bgp_attrs *a, struct fmt_cache *c);
size_t bgp__print_next_hop(char *d, const struct bgp_attrs *a, struct fmt_cache *c);
size_t bgp__print_med(char *d, const struct bgp_attrs *a, struct fmt_cache *c);
size_t bgp__print_local_pref(char *d, const struct bgp_attrs *a, struct fmt_cache *c);
size_t bgp__print_atomic(char *d, const struct bgp_attrs *a, struct fmt_cache *c);
size_t bgp__print_aggregator(char *d, const struct bgp_attrs *a, struct fmt_cache *c);
size_t bgp__print_communities(char *d, const struct bgp_attrs *a, struct fmt_cache *c);
size_t bgp__print_originator(char *d, const struct bgp_attrs *a, struct fmt_cache *c);
size_t bgp__print_cluster(char *d, const struct bgp_attrs *a, struct fmt_cache *c);
size_t bgp__print_ext_communities(char *d, const struct bgp_attrs *a, struct fmt_cache *c);
size_t bgp__print_large_communities(char *d, const struct bgp_attrs *a, struct fmt_cache *c);
size_t bgp__print_size_word(const struct bgp_attrs *a);
size_t bgp__print_size_path(const struct bgp_attrs *a);
size_t bgp__print_size_communities(const struct bgp_attrs *a);
size_t bgp__print_size_cluster(const struct bgp_attrs *a);
size_t bgp__print_size_ext_communities(const struct bgp_attrs *a);
size_t bgp__print_size_large_communities(const struct bgp_attrs *a);

#endif
