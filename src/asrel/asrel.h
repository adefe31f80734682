/*
 * asrel: AS relationships, as CAIDA infers them, and the route leak rule
 * on top of them (events §11: the team's design notes, EVENTS.md; the
 * project's docs/events.md lists §11 as planned, its text is to be written
 * there before a detector uses this).
 *
 * Input: CAIDA's as-rel files, plain or compressed (read through io/).
 *   serial-1:  <a>|<b>|-1   a is a provider of b
 *              <a>|<b>|0    a and b are peers
 *   serial-2:  the same with a fourth field, <a>|<b>|<rel>|<source>; the
 *              source (bgp, mlp...) is ignored.
 *   Lines starting with '#' are comments, empty lines are skipped.
 *
 * A table holds one entry per unordered pair of ASes; lookups in either
 * direction are one hash probe. Filled once (asrel_load, asrel_add), then
 * only read: any number of threads may call asrel_get and asrel_leaks on a
 * table nobody is changing.
 */
#ifndef RW_ASREL_H
#define RW_ASREL_H

#include "../base/base.h"

/* What b is to a (asrel_get(t, a, b)). */
enum asrel_rel {
	ASREL_UNKNOWN = 0, /* no link between them in the table */
	ASREL_PROVIDER,    /* b is a's provider (a pays b) */
	ASREL_CUSTOMER,    /* b is a's customer */
	ASREL_PEER,        /* settlement-free peers */
};

/* More links than this is not an as-rel file (a full one holds ~500 k):
 * loading stops with RW_ELIMIT. */
#define ASREL_MAX_LINKS (16u << 20)

struct asrel {
	/* key lo << 32 | hi for the pair's smaller ASN lo and larger hi;
	 * value: the enum asrel_rel of hi to lo. Owned. */
	struct u64map map;
	uint32_t links;     /* pairs held (p2c + p2p) */
	uint32_t p2c, p2p;  /* provider-customer and peer links held */
	uint32_t conflicts; /* links a later line changed (the last line wins) */
	uint32_t bad;       /* lines skipped as malformed, over all loads */
};

void asrel_init(struct asrel *t);
void asrel_release(struct asrel *t);
/* Bytes the table holds (its map; counted as RW_MEM_OTHER). */
size_t asrel_bytes(const struct asrel *t);

/* Add the links of an as-rel file (plain or compressed; "-" is stdin) to
 * what is loaded. Bad input follows the project's rule: each malformed
 * line is skipped, counted in t->bad and reported on stderr as
 * "PATH:LINE: what" (the first 20; then only counted), and the rest is
 * loaded; err then holds the first such message, else it is empty.
 * Returns 0 when the file was read to its end, or:
 *   RW_EIO, RW_ECOMPRESS...  it could not be opened or read (the links of
 *                            the lines before the failure stay loaded);
 *   RW_EMALFORMED            not one good line but some bad ones: not an
 *                            as-rel file;
 *   RW_ELIMIT                more than ASREL_MAX_LINKS links.
 * err (esz bytes, may be 0) says why, naming the file. */
int asrel_load(struct asrel *t, const char *path, char *err, size_t esz);

/* Record that b is a's r (r is not ASREL_UNKNOWN, a != b); replaces what
 * the table said of the pair (counted in t->conflicts when it differs).
 * 0, RW_EINVAL or RW_ELIMIT. */
int asrel_add(struct asrel *t, uint32_t a, uint32_t b, enum asrel_rel r);

/* What b is to a. ASREL_UNKNOWN when the table has no link between them
 * (or a == b). */
enum asrel_rel asrel_get(const struct asrel *t, uint32_t a, uint32_t b);

/* "provider", "customer", "peer", "unknown" (the JSON words of events
 * §14). */
const char *asrel_name(enum asrel_rel r);
/* The word back (n bytes, not NUL-terminated) to its enum; -1 for
 * anything else. */
int asrel_parse_name(const char *s, size_t n);

/* One AS of a path that leaks (events §11): it learned the route
 * from `from` (its provider or peer) and passed it on to `to` (its
 * provider or peer). */
struct asrel_leak {
	uint32_t leaker, from, to;
};

/* The leaks of a path: as[0] is the peer, as[n-1] the origin, and the
 * path is already made plain as docs/events.md §3 says (no AS_SET, no
 * confederation, prepending collapsed: an AS next to itself is an unknown
 * link and would hide a leak). as[i], 0 < i < n-1, leaks when
 * as[i+1] and as[i-1] are each its provider or peer; a link of unknown
 * relationship never makes a leak. Writes the first cap leaks to out (in
 * path order, peer side first) and returns how many there are (more than
 * cap when out was too small). Pure: no allocation, no state. */
uint32_t asrel_leaks(const struct asrel *t, const uint32_t *as, uint32_t n, struct asrel_leak *out,
		     uint32_t cap);

#endif
