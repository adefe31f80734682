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

/* Write t as CAIDA's serial-1 (`a|b|-1`: a is b's provider; `a|b|0`:
 * peers), sorted by the first then the second ASN, after `header` (lines
 * that each start with "# ", or NULL). 0 or the obuf's error; the caller
 * flushes o. */
int asrel_write(const struct asrel *t, struct obuf *o, const char *header);

/* ---------------------------------------------------------------- inference
 * (infer.c) Provider-to-customer and peer links from AS paths, the way
 * CAIDA's AS Rank infers them (Luckie et al., "AS Relationships, Customer
 * Cones, and Validation", IMC 2013): sanitize the paths, rank ASes by
 * transit degree, find the clique at the top, infer p2c top-down by the
 * valley-free rule in rank order, then the links of VPs with partial
 * views and of stubs under the clique; the rest are peers.
 * Give each DISTINCT path once (giving one again costs time, not
 * accuracy): the caller dedupes (the rib's interned paths do). */

/* More ASes than this in the paths: the paths that would add one are
 * dropped (counted). Indices of ASes are packed 21 bits to a triplet. */
#define ASREL_INFER_MAX_AS (1u << 21)
/* A VP (the first AS of a path) whose distinct paths are fewer than this
 * share (percent) of the VP at the 90th percentile (the one with the most
 * among ten or fewer VPs) has a partial view: it exports
 * only some routes (its customers'), so it is the provider of the next AS
 * on each of its paths. */
#define ASREL_PARTIAL_PERCENT 25
/* Longer paths (after prepending is collapsed) are dropped: real ones
 * stay under 20. */
#define ASREL_INFER_MAX_LEN 64

struct asrel_infer {
	struct u64map as;    /* ASN -> nothing; an AS's index is its entry's */
	struct u64map links; /* lo index << 32 | hi index -> LF_* flags */
	struct u64map trip;  /* a << 42 | b << 21 | c (indices; b between a
				and c on a path, a on the VP's side) -> 0 */
	struct u64map vp;    /* index of a path's first AS -> its paths */
	uint32_t *clique;    /* owned, after asrel_infer_run: the clique's ASNs */
	uint32_t nclique;
	uint32_t npartial;   /* VPs found to have a partial view (run) */
	uint64_t paths;      /* paths given */
	uint64_t used;       /* of them, with at least one link kept */
	uint64_t loops, reserved, too_many, too_long; /* dropped: an AS
				twice apart, a private/reserved ASN, beyond
				ASREL_INFER_MAX_AS, longer than ASREL_INFER_MAX_LEN */
	uint64_t sets;       /* cut at an AS_SET (the part before is kept) */
};

void asrel_infer_init(struct asrel_infer *f);
void asrel_infer_release(struct asrel_infer *f);
size_t asrel_infer_bytes(const struct asrel_infer *f);
/* A reserved or private ASN (RFC 6996, 7300, 5398, 7607, AS_TRANS):
 * never a real network on a path. */
bool asrel_reserved(uint32_t asn);
/* One path, from the VP (as[0]) to the origin (as[n-1]); an AS_SET is
 * one 0 (rib_path_seq's form). Prepending is collapsed here; a path with
 * a loop or a reserved ASN is dropped, and one is cut at its first
 * AS_SET. Pure apart from f. */
void asrel_infer_path(struct asrel_infer *f, const uint32_t *as, uint32_t n);
/* Infer the relationship of every link of the paths given into out (an
 * asrel_init'ed table; links already there are replaced). Fills
 * f->clique and f->npartial. 0, RW_ELIMIT (out is full). */
int asrel_infer_run(struct asrel_infer *f, struct asrel *out);

/* How an inference (got) matches a reference (truth) over the links of
 * got that truth knows: p2c links of truth whose direction got has right,
 * and p2p links of truth that got says are peers. */
struct asrel_score {
	uint32_t p2c, p2c_ok;  /* truth's p2c links in got; right in got */
	uint32_t p2p, p2p_ok;
	uint32_t unknown;      /* links of got that truth lacks */
};
void asrel_score(const struct asrel *truth, const struct asrel *got, struct asrel_score *s);

/* ---------------------------------------------------------------- cones
 * (cone.c) The recursive customer cone of an AS (CAIDA's definition): the
 * AS and every AS reachable from it over provider-to-customer links,
 * downwards. Built once from a table, as one sorted array of members per
 * AS in a single block (4 bytes per member: the 2016 graph's cones hold
 * 1.86 M members in all, built in 0.18 s). */
#define ASREL_CONE_MAX (1u << 28) /* members over all cones */

struct asrel_cones {
	struct u64map idx;   /* ASN -> nothing; entry index = AS index */
	uint32_t *off;       /* owned, idx.n + 1: AS i's members are
				mem[off[i]..off[i+1]) */
	uint32_t *mem;       /* owned: member ASNs, sorted per cone */
	uint64_t nmem;
	uint32_t capmem;     /* of mem */
};

/* 0, RW_ELIMIT (more than ASREL_CONE_MAX members in all). */
int asrel_cones_build(struct asrel_cones *c, const struct asrel *t);
void asrel_cones_release(struct asrel_cones *c);
/* Members of asn's cone, itself included; 0 for an AS with no link. */
uint32_t asrel_cone_size(const struct asrel_cones *c, uint32_t asn);
/* Whether member is in asn's cone (asn itself is). */
bool asrel_cone_has(const struct asrel_cones *c, uint32_t asn, uint32_t member);

#endif
