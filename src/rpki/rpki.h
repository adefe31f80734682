/*
 * rpki: Validated ROA Payloads and RFC 6811 route origin validation
 * (docs/events.md §12).
 *
 * A set of VRPs (prefix, max length, ASN) comes from a file (rpki-client's
 * JSON, the gortr/stayrtr JSON, or a CSV; rpki_file.c) or from an RTR
 * server (RFC 8210) through RTRlib (rpki_rtr.c). The set is kept sorted,
 * so that a new set can be compared with the old one and only the
 * prefixes the changed VRPs cover are validated again, and indexed for
 * the lookups: a hash of the VRPs' distinct prefixes, probed at the
 * lengths the set has (for IPv4 at 16 and more only those present in the
 * route's /16). RTRlib's own prefix table answered them first, at about
 * 7 900 instructions a validation (a bit-by-bit tree walk under a lock):
 * a full table with a full VRP set loaded in 1.6x the time without
 * (bench/security.sh); the index is checked against it in unit_rpki.
 *
 * Ownership: struct rpki owns its table and its sorted set. The detector
 * borrows it (det.rpki) and only validates; whoever loads a new set (the
 * archive driver, the live pipe) tells the engine what changed.
 */
#ifndef RW_RPKI_H
#define RW_RPKI_H

#include "../base/base.h"

/* One VRP: 24 bytes, address bytes as in struct rw_prefix (host bits 0). */
struct rpki_vrp {
	uint8_t af;     /* RW_AF_INET or RW_AF_INET6 */
	uint8_t len;    /* prefix length */
	uint8_t maxlen; /* max length (>= len) */
	uint8_t pad;
	uint32_t asn;
	uint8_t b[16];
};

enum rpki_state { RPKI_NOT_FOUND = 0, RPKI_VALID = 1, RPKI_INVALID = 2 };
/* Why a route is invalid: no covering VRP has its origin (as), or one has
 * it but the route is longer than its max length (length). */
enum rpki_reason { RPKI_R_NONE = 0, RPKI_R_AS = 1, RPKI_R_LENGTH = 2,
		   /* not a reason for invalid: a watched route no VRP covers
		    * (docs/events.md §13's rpki) */
		   RPKI_R_NOT_FOUND = 3 };

struct rpki {
	struct rpki_vrp *v;   /* owned, sorted by rpki_vrp_cmp, distinct */
	uint32_t n, cap;
	uint32_t changes;     /* sets applied (rpki_replace, rpki_update) */
	/* the index, rebuilt with each set: (family, length, address) of
	 * each distinct VRP prefix -> the first of its run in v */
	struct htab idx;
	uint64_t lens[2][3];  /* lengths present, per family (IPv4, IPv6) */
	uint32_t *blk4;       /* owned, 65 536: per IPv4 /16, bit L - 16 when
				 a VRP of length L >= 16 lies in it */
	uint16_t blk8[256];   /* per IPv4 /8, bit L when a VRP of length
				 L < 16 covers some of it */
};

void rpki_init(struct rpki *v);
void rpki_release(struct rpki *v);

/* Family, address, length, max length, ASN. */
int rpki_vrp_cmp(const void *a, const void *b);
/* "192.0.2.0/24-24 AS64500" form is the text output's; JSON has its own.
 * dst needs RPKI_VRP_STRLEN. Returns the length (NUL written). */
#define RPKI_VRP_STRLEN (RW_PREFIX_STRLEN + 20)
size_t rpki_vrp_fmt(char *dst, const struct rpki_vrp *x);
/* Parse that form back (the store keeps it). 0 or RW_EINVAL. */
int rpki_vrp_parse(const char *s, size_t n, struct rpki_vrp *x);

/* Read a VRP file (format detected: JSON object with "roas", or CSV
 * lines "ASN,prefix,maxlen[,...]" with an optional header) into a sorted,
 * distinct vector (*out, *n, *cap: owned by the caller, counted as
 * RW_MEM_RPKI). Bad entries are reported (file and entry or line) and
 * skipped; an unreadable or unparseable file is an error with err set. */
int rpki_read(const char *path, struct rpki_vrp **out, uint32_t *n, uint32_t *cap, char *err, size_t esz);

/* Make `next` (a vector as rpki_read makes it; taken) the set.
 * The VRPs added or removed are appended to *changed (a vector the
 * caller owns, *nchanged and *capchanged its length and capacity; NULL: not
 * wanted). */
int rpki_replace(struct rpki *v, struct rpki_vrp *next, uint32_t n, uint32_t cap, struct rpki_vrp **changed, uint32_t *nchanged,
		 uint32_t *capchanged);
/* VRPs added or removed (RTR), in the order they came (a later change of
 * the same VRP wins); ch is sorted in place. The VRPs whose presence
 * changed are appended to *changed as in rpki_replace. */
struct rpki_change {
	struct rpki_vrp x;
	uint32_t seq;   /* arrival order */
	bool add;
};
void rpki_update(struct rpki *v, struct rpki_change *ch, uint32_t n, struct rpki_vrp **changed, uint32_t *nchanged,
		 uint32_t *capchanged);

/* RFC 6811 state of (p, origin); has_origin false (a path without
 * origin, docs/events.md §3): invalid when covered, else not found. */
enum rpki_state rpki_validate(struct rpki *v, const struct rw_prefix *p, bool has_origin, uint32_t origin,
			      enum rpki_reason *why);
/* The VRPs covering p (those that decided its state), at most cap into
 * out, sorted; returns how many there are. */
uint32_t rpki_covering(struct rpki *v, const struct rw_prefix *p, struct rpki_vrp *out, uint32_t cap);
/* Does any VRP of v cover p? */
bool rpki_covers(struct rpki *v, const struct rw_prefix *p);

const char *rpki_reason_name(enum rpki_reason r);

/* ---------------------------------------------------------------- RTR */

/* An RTR client (RFC 8210, through RTRlib's manager: its threads keep the
 * session and the serials). Its changes are queued; the owner takes them
 * on its own thread (rpki_rtr_take) and applies them to its struct rpki
 * when it chooses, so validation never races a half-applied serial. One
 * client per process (RTRlib's update callback carries no argument). */
struct rpki_rtr;

/* Connect to host:port (tcp). Returns NULL with err set. */
struct rpki_rtr *rpki_rtr_start(const char *host, const char *port, char *err, size_t esz);
void rpki_rtr_stop(struct rpki_rtr *c);
/* Wait until the first full set arrived (or timeout_ms passed): 0, or
 * RW_ELIMIT on timeout. */
int rpki_rtr_wait(struct rpki_rtr *c, unsigned timeout_ms);
/* Apply the queued changes to v; the changed VRPs are appended to
 * *changed as in rpki_replace. Returns how many changed. */
uint32_t rpki_rtr_take(struct rpki_rtr *c, struct rpki *v, struct rpki_vrp **changed, uint32_t *nchanged,
		       uint32_t *capchanged);
/* The server's descriptor for the owner's poll loop would be RTRlib's;
 * owners poll rpki_rtr_pending instead (cheap: one atomic read). */
bool rpki_rtr_pending(struct rpki_rtr *c);

#endif
