/* Addresses and prefixes from their text, for the tests (host bits of a
 * prefix cleared, path id 0). */
#ifndef RW_TADDR_H
#define RW_TADDR_H

#include "base/base.h"

static inline struct rw_prefix P(const char *s)
{
	struct rw_prefix p;
	memset(&p, 0, sizeof p);
	parse_prefix(s, &p);
	return p;
}

static inline struct rw_addr A(const char *s)
{
	struct rw_addr a;
	memset(&a, 0, sizeof a);
	parse_addr(s, &a);
	return a;
}

#endif
