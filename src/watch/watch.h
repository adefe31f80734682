/*
 * watch: the watch list of docs/events.md §13, what the user owns. It reads
 * BGPalerter's prefixes.yml unchanged (docs/internals/watch.md lists the
 * fields): watched prefixes with their expected origins and path rules,
 * and, under options.monitorASns, watched networks with their allowed
 * upstreams and downstreams.
 *
 * A struct watch owns everything it holds: the entries, their strings and
 * lists (in one arena), the compiled regular expressions and the lookup
 * tables. Pointers it hands out live until watch_release. It is filled once
 * (watch_load) and then only read, so readers on several threads may share
 * it without locks.
 */
#ifndef RW_WATCH_H
#define RW_WATCH_H

#include "../base/base.h"

#include <regex.h>

/* One rule of a prefix's `path:` (a mapping, or each item of a list). A
 * route's AS path, as text, is the ASNs joined by commas ("3333,2914,15562"),
 * as BGPalerter tests it. */
struct watch_path {
	char *match;        /* `match` regex source as written, or NULL (arena) */
	char *not_match;    /* `notMatch` regex source, or NULL (arena) */
	char *description;  /* `matchDescription`, or NULL (arena) */
	regex_t re_match;   /* compiled when match != NULL (regfree at release) */
	regex_t re_not;     /* compiled when not_match != NULL */
	uint32_t min_len;   /* `minLength` in ASNs; 0: not given */
	uint32_t max_len;   /* `maxLength`; 0: not given */
};

/* One watched prefix: a top-level key of prefixes.yml. */
struct watch_prefix {
	struct rw_prefix p;         /* host bits cleared, path_id 0 */
	char *description;          /* `description`; "" when absent (arena) */
	uint32_t *asn;              /* `asn`: expected origins, as written (arena) */
	uint32_t nasn;              /* >= 1 */
	bool ignore_more_specifics; /* `ignoreMorespecifics` */
	bool ignore;                /* `ignore`: matched, then not monitored */
	char **groups;              /* `group`; {"default"} when absent (arena) */
	uint32_t ngroups;           /* >= 1 */
	struct watch_path *paths;   /* `path` rules (arena; regexes owned) */
	uint32_t npaths;
	char **include_monitors;    /* `includeMonitors`: BGPalerter monitor names (arena) */
	uint32_t ninclude;
	char **exclude_monitors;    /* `excludeMonitors` (arena) */
	uint32_t nexclude;
	uint32_t line;              /* 1-based line of its key, for messages */
};

/* One watched network: a key of options.monitorASns. */
struct watch_asn {
	uint32_t asn;
	char **groups;          /* `group`; {"default"} when absent (arena) */
	uint32_t ngroups;       /* >= 1 */
	uint32_t *upstreams;    /* `upstreams` (arena) */
	uint32_t nup;
	uint32_t *downstreams;  /* `downstreams` (arena) */
	uint32_t ndown;
	/* The list was absent, so any neighbor on that side is fine (no
	 * neighbor events). `upstreams:` with no value or `[]` allows none. */
	bool any_upstream;
	bool any_downstream;
	uint32_t line;
};

struct watch {
	struct watch_prefix *pfx; /* owned, in file order */
	uint32_t npfx, pcap;
	struct watch_asn *asns;   /* owned, in file order */
	uint32_t nasns, acap;
	struct arena mem;         /* strings and small arrays of the entries */
	struct htab idx;          /* prefix hash -> index into pfx */
	/* Prefix lengths present, per family (0: IPv4, 1: IPv6), one bit per
	 * length 0..128: a lookup probes only those. */
	uint64_t lens[2][3];
	struct u64map asn_idx;    /* asn -> index into asns */
};

/* Caps on what a file can make us hold. */
#define WATCH_MAX_FILE (64u << 20)  /* bytes of YAML */
#define WATCH_MAX_ENTRIES 1000000u  /* prefixes, and networks */
#define WATCH_MAX_LIST 100000u      /* items in one list (asn, groups...) */

void watch_init(struct watch *w);
void watch_release(struct watch *w);

/* Load a prefixes.yml into an empty (just initialised) w. 0, or < 0 with
 * err holding "FILE:LINE:COL: what is wrong" (no newline) and w left empty.
 * Unknown keys are warned about once each (rw_log) and skipped. An empty
 * file (or one of comments only) is an empty list, and a warning. */
int watch_load(struct watch *w, const char *path, char *err, size_t esz);

/* The most specific watched prefix that equals or covers p, or NULL;
 * *exact (when exact != NULL) says whether it equals p. Entries with
 * `ignore` are returned too: the caller stops there, as BGPalerter does
 * (an ignored more-specific hides its covering prefix). p's path_id is
 * not looked at. At most one hash probe per length the list holds. */
const struct watch_prefix *watch_match(const struct watch *w, const struct rw_prefix *p, bool *exact);

/* The watched network asn, or NULL. */
const struct watch_asn *watch_asn(const struct watch *w, uint32_t asn);

/* Is origin one of e's expected origins? */
bool watch_origin_ok(const struct watch_prefix *e, uint32_t origin);

/* Does a route whose AS path is path_text (ASNs joined by ',') of path_len
 * ASNs trigger rule r? BGPalerter's rule: match is absent or matches, and
 * notMatch is absent or does not match, and, when minLength or maxLength
 * is given, the length is outside them (with neither, length plays no
 * part). */
bool watch_path_match(const struct watch_path *r, const char *path_text, unsigned path_len);

#endif
