/*
 * Element filters (bgp_filter.c): the selection bgpreader's users know,
 * applied to route elements one by one. A filter is a conjunction of
 * terms; terms of one kind are alternatives (prefix A or prefix B, and
 * origin X or origin Y). Built from BGPStream's filter syntax
 *
 *   prefix [exact|more|less|any] 10.0.0.0/8   (more: the prefix and its
 *                                              more-specifics; the default)
 *   origin 3356        peer 174        (peer ASN)    peer 192.0.2.1
 *   collector rrc00    ipversion 4|6
 *   elemtype announcements|withdrawals|ribs|peerstates
 *   aspath "_3356_"    (POSIX extended regex over "3356 174 65551"; _ is a
 *                       boundary: start, end, a space, { } or ,)
 *   community 65000:*  (asn:value, * for either; large: a:b:c)
 *
 * terms joined by "and". Pure: the element is read, never kept. Ownership:
 * the filter owns its arrays and compiled expressions (bgp_filter_free).
 */
#ifndef RW_BGP_FILTER_H
#define RW_BGP_FILTER_H

#include "bgp.h"

#include <regex.h>

enum { BGP_FP_EXACT, BGP_FP_MORE, BGP_FP_LESS, BGP_FP_ANY };

struct bgp_filter_pfx {
	struct rw_prefix p;
	uint8_t mode; /* BGP_FP_* */
};

struct bgp_filter_comm {
	uint32_t v[3];  /* asn, value (, value2 for large) */
	uint8_t any;    /* bit i: v[i] is * */
	bool large;
};

struct bgp_filter {
	struct bgp_filter_pfx *pfx;
	uint32_t npfx;
	uint32_t *origins, norigins;
	uint32_t *peer_asns, npeer_asns;
	struct rw_addr *peers;
	uint32_t npeers;
	char **collectors;
	uint32_t ncollectors;
	unsigned types;       /* bit per enum bgp_elem_type; 0: all */
	unsigned afs;         /* bit 4 / bit 6; 0: both */
	regex_t *paths;       /* compiled aspath expressions */
	uint32_t npaths;
	struct bgp_filter_comm *comms;
	uint32_t ncomms;
	bool any;             /* some term was added */
};

void bgp_filter_init(struct bgp_filter *f);
void bgp_filter_free(struct bgp_filter *f);
/* One term ("prefix more 10.0.0.0/8"), or several joined by "and". 0, or
 * RW_EINVAL with err saying which term is wrong and why. */
int bgp_filter_parse(struct bgp_filter *f, const char *expr, char *err, size_t esz);
/* Does the element (of this collector, NULL: unknown) pass? Elements
 * without a prefix (state changes, messages) pass the prefix, origin,
 * path and community terms only when there are none. */
bool bgp_filter_match(const struct bgp_filter *f, const struct bgp_elem *e, const char *collector);

#endif
