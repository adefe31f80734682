/*
 * detect: docs/events.md. After all records of a second are applied to the rib,
 * det_evaluate compares the changed prefixes with their state after the
 * previous evaluated second and reports events: upstream episodes (gained,
 * lost, confirmation by --min-peers, dormancy while a prefix is down),
 * prefix and origin visibility. It never prints or stores; events go to a
 * callback, and det_group turns them into docs/events.md §7's grouped form.
 *
 * Only the prefixes the rib marked dirty are looked at, so a second costs
 * what changed in it.
 */
#ifndef RW_DET_H
#define RW_DET_H

#include "../rib/rib.h"
#include "../rpki/rpki.h"
#include "../asrel/asrel.h"
#include "../watch/watch.h"
#include "../geo/geo.h"

enum det_type {
	DET_UPSTREAM_GAINED = 0,
	DET_UPSTREAM_LOST = 1,
	DET_ORIGIN_DOWN = 2,
	DET_PREFIX_DOWN = 3,
	DET_ORIGIN_UP = 4,
	DET_PREFIX_UP = 5,
	/* Not an docs/events.md event: an upstream confirmed silently (in a
	 * baseline, or a baseline episode reaching --min-peers later), so a
	 * history store can open its interval. Only with det.report_present.
	 * flag set: the opposite, the last of the origin's episodes with the
	 * upstream ended silently (in a baseline second, which reports no
	 * loss), so the history closes the interval as the detector forgets
	 * the episode. */
	DET_UPSTREAM_PRESENT = 6,
	/* docs/events.md §9: a collector without data from `time` (the last
	 * record before the silence) to `determined` (the first after it);
	 * made by the engine, not by det_evaluate. upstream: the collector's
	 * rib id. */
	DET_COLLECTOR_GAP = 7,
	/* docs/events.md §10: origins of a prefix and more-specifics, from the
	 * (prefix, origin) episodes. origins: other_origins / remaining_origins
	 * / covering_origins; flag: new_for_prefix (origin_gained). */
	DET_ORIGIN_GAINED = 8,
	DET_ORIGIN_LOST = 9,
	DET_PREFIX_NEW = 10,
	/* upstream: the covering prefix's rib id (grouping and store key) */
	DET_MORE_SPECIFIC = 11,
	/* docs/events.md §12: a (prefix, origin) episode in state invalid.
	 * upstream: the reason (enum rpki_reason, part of the grouping key);
	 * flag: cause vrp_change; vrps: the VRPs covering the prefix */
	DET_RPKI_INVALID = 12,
	DET_RPKI_INVALID_END = 13,
	/* docs/events.md §11: an episode of (prefix, leaker, from, to).
	 * origin: the leaker; upstream: from; to: to; origins: the origins
	 * of the prefixes' routes that carry the leak */
	DET_ROUTE_LEAK = 14,
	DET_ROUTE_LEAK_END = 15,
	/* docs/events.md §13, for what a watch list names. hijack, newprefix,
	 * misconfiguration: a (prefix, origin) episode under the rule (wp:
	 * the watch entry, NULL for misconfiguration; upstream: the entry's
	 * index + 1, part of the key); neighbor: origin is the watched
	 * network, upstream the neighbor, flag true when the neighbor is a
	 * downstream (wa: the watched network); rpki: a watched prefix's
	 * rpki_invalid (upstream: the reason, wp the entry) */
	DET_WATCH_HIJACK = 16,
	DET_WATCH_HIJACK_END = 17,
	DET_WATCH_NEWPREFIX = 18,
	DET_WATCH_NEWPREFIX_END = 19,
	DET_WATCH_MISCONF = 20,
	DET_WATCH_MISCONF_END = 21,
	DET_WATCH_NEIGHBOR = 22,
	DET_WATCH_NEIGHBOR_END = 23,
	DET_WATCH_RPKI = 24,
	DET_WATCH_RPKI_END = 25,
	/* a watched prefix's route whose path triggers one of the entry's
	 * path rules: an episode of (prefix, rule); upstream: (entry index + 1)
	 * << 8 | rule index */
	DET_WATCH_PATH = 26,
	DET_WATCH_PATH_END = 27,
	/* a watched prefix that peers lost by withdrawal: an episode of
	 * (prefix, visibility), n = those peers; upstream: entry index + 1 */
	DET_WATCH_VISIBILITY = 28,
	DET_WATCH_VISIBILITY_END = 29,
	/* docs/events.md §14: an episode of (country, international
	 * provider). origin: the country code (geo/), never an ASN, so such
	 * an event has no origin for filters and output; upstream: the
	 * provider; origins: the country's networks whose routes it carries;
	 * flag: new_for_country (gained), last_for_country (lost) */
	DET_COUNTRY_GAINED = 30,
	DET_COUNTRY_LOST = 31,
	/* Not an docs/events.md event: a (country, provider) episode
	 * confirmed silently (a baseline's), so the history store opens its
	 * interval, as DET_UPSTREAM_PRESENT. Only with det.report_present.
	 * flag set: a confirmed episode ended silently (a baseline second),
	 * so the history closes the interval. */
	DET_COUNTRY_PRESENT = 32,
	DET_TYPE_COUNT
};

/* The upstream of a (prefix, origin) episode: it counts the peers with
 * any route of the origin (AS 4294967295 is reserved, never an upstream). */
#define DET_ORIGIN_EPI UINT32_MAX
/* The upstream of an RPKI episode (docs/events.md §12): (prefix, origin)
 * while invalid, n = the (P, O) episode's. AS 4294967294 (the last
 * private ASN) as an upstream counts as none, like 4294967295. */
#define DET_RPKI_EPI (UINT32_MAX - 1)
/* The upstream of a watch episode (docs/events.md §13): (prefix, origin)
 * while a watch rule (hijack, newprefix, misconfiguration) holds for it;
 * AS 4294967293 as an upstream counts as none too. */
#define DET_WATCH_EPI (UINT32_MAX - 2)
/* ... and of a watched (P, O) no VRP covers (§13's rpki, not found):
 * AS 4294967292 as an upstream counts as none too. */
#define DET_UNCOV_EPI (UINT32_MAX - 3)

const char *det_type_name(enum det_type t);
/* "upstream_gained" etc. to the type; -1 when unknown. */
int det_type_parse(const char *s);

/* What proves an event (docs/events.md §15): the first route change, in
 * the event's second, of the prefix it names, as the engine knows it
 * (engine_keep_proofs), or why there is no single record. */
#define DET_PROOF_MAX 8192     /* record bytes kept at most */
struct det_proof {
	uint32_t peer;         /* rib peer id of the first change; RIB_NONE:
				  no peer (cause says why) */
	uint32_t time;         /* the record's time (the event's second
				  without one) */
	const char *cause;     /* static: why no single record proves it;
				  NULL when rec is the record */
	const uint8_t *rec;    /* the MRT record as read (header included),
				  borrowed; NULL: not kept (cause, or longer
				  than DET_PROOF_MAX: rec_len says) */
	uint32_t len, rec_len; /* bytes at rec; the record's whole length */
	const char *file;      /* borrowed: the file read (NULL: a live feed) */
	uint64_t off;          /* the record's offset in the file's
				  (decompressed) stream */
};

/* One per prefix (or per origin for origin events), before grouping. */
struct det_event {
	uint8_t type;          /* enum det_type */
	bool has_origin;       /* false: origin null (paths without origin) */
	bool flag;             /* new_for_origin (gained) / last_for_origin (lost) /
				  new_for_prefix (origin_gained) */
	uint32_t time;         /* the event's second, as docs/events.md dates it */
	uint32_t determined;   /* the second it became known (confirmation...) */
	uint32_t origin;
	uint32_t upstream;     /* upstream events only */
	uint32_t pfx;          /* rib prefix id; RIB_NONE for origin events */
	uint16_t npeers;       /* peers with (origin, upstream) when determined */
	uint32_t origin_pfx;   /* prefixes of the origin after the second */
	uint32_t since;        /* docs/events.md §9: revealed by the first RIB
				  dump after a gap that began then; 0: not */
	/* docs/events.md §10: other_origins (origin_gained), remaining_origins
	 * (origin_lost), covering_origins (more_specific), sorted; borrowed,
	 * valid during the callback only */
	const uint32_t *origins;
	uint32_t norigins;
	/* docs/events.md §12: rpki_invalid's covering VRPs, sorted; borrowed
	 * as origins */
	const struct rpki_vrp *vrps;
	uint32_t nvrps;
	uint32_t to;           /* route_leak: the AS the leaker passed it to */
	/* docs/events.md §14: upstream events, what the upstream is to the
	 * origin (enum asrel_rel + 1); 0 without relationships */
	uint8_t rel;
	/* docs/events.md §13: the watch entry (borrowed from det.watch) */
	const struct watch_prefix *wp;
	const struct watch_asn *wa;
	/* 1 + the index, in the second's rib_take_dirty list, of the prefix
	 * whose first change in the event's second made it (rib_taken_src);
	 * 0: none (dated earlier, or not a prefix's) */
	uint32_t src;
	/* docs/events.md §15: set by an engine that keeps proofs (borrowed,
	 * during the callback); NULL: none */
	const struct det_proof *proof;
};

typedef void (*det_event_fn)(void *arg, const struct det_event *e);

/* Optional observers of the counts that span prefixes, called at the end
 * of each evaluated second, before its events: routes (peer x prefix) per
 * (origin, upstream) and prefixes per origin that changed, then `end`
 * after the events. The history store computes shares from them. */
struct det_hooks {
	void (*ou)(void *arg, uint32_t sec, uint32_t origin, uint32_t upstream, uint32_t before, uint32_t after);
	void (*origin)(void *arg, uint32_t sec, uint32_t origin, uint32_t before, uint32_t after);
	void (*end)(void *arg, uint32_t sec);
	/* docs/events.md §10 with a history store (optional): a (prefix,
	 * origin) episode ended (baseline ones too: the pair becomes history;
	 * running episodes are the detector's own memory); and, for an episode
	 * after the baseline that the detector's own memory calls new, did the
	 * history ever see (P, O)? (*pfx_known: P with any origin) */
	void (*po_seen)(void *arg, uint32_t sec, uint32_t pfx, uint32_t origin);
	bool (*po_known)(void *arg, uint32_t pfx, uint32_t origin, bool *pfx_known);
	void *arg;
};

/* One episode of (origin, prefix, upstream); upstream 0 records routes
 * whose path has no upstream (origin presence only); upstream
 * DET_ORIGIN_EPI is the (prefix, origin) episode of docs/events.md §10,
 * kept after it ends (n 0, flag past) to know an origin P had before. */
struct det_epi {
	uint32_t origin, upstream;
	uint32_t start;     /* second of the first observation */
	uint32_t down;      /* second the prefix went down (dormant) */
	uint16_t n;         /* peers now (0 while dormant) */
	uint8_t flags;      /* DET_F_* */
};

struct det_pfx {
	struct det_epi *e;  /* owned, sorted by (origin, upstream) */
	uint32_t ne, cap;
	uint16_t vis;       /* peers with any route */
	uint16_t nnull;     /* peers with a route that has no origin */
	uint8_t flags;      /* DET_P_* */
};

/* docs/events.md §14 (det_country.c): one (country, international
 * provider) pair, its routes now and its episode. Kept once seen (an
 * ended episode stays, flag DET_F_PAST, so new_for_country looks back
 * over the whole run). */
struct det_cu {
	uint16_t cc;           /* geo/ country code */
	uint8_t flags;         /* DET_F_* */
	uint32_t prov;         /* the international provider */
	uint32_t n;            /* peers with a route of it now */
	uint32_t routes;       /* its routes now */
	uint32_t routes_rep;   /* ... as the hooks were last told */
	uint32_t start, down;  /* the episode's first second; the second it
				  went dormant */
	uint32_t stamp;        /* the last second that changed it */
	struct u64map peer;    /* rib peer -> its routes of it (owned) */
	struct u64map pfx;     /* rib prefix -> routes of it (owned) */
	uint64_t *gone;        /* owned: prefix << 32 | origin of the routes
				  it lost since it last had some: a loss's
				  prefixes and networks */
	uint32_t ngone, capgone;
};

/* The countries (docs/events.md §14) in a detector. */
struct det_geo {
	const struct geo *g;   /* borrowed; NULL: no country events */
	struct det_cu *cu;     /* owned */
	uint32_t ncu, capcu;
	struct u64map idx;     /* cc << 32 | provider -> index in cu */
	uint32_t routes[GEO_NCC]; /* per country (geo_cc_index): routes of
				     its networks' prefixes now */
	uint32_t inside[GEO_NCC]; /* ... of them without an international
				     provider */
	/* for det.chooks: what they were last told, and the countries whose
	 * counts changed in the second (ctouched, each once: cstamp) */
	uint32_t routes_rep[GEO_NCC], inside_rep[GEO_NCC], cstamp[GEO_NCC];
	uint16_t ctouched[GEO_NCC];
	uint32_t nctouched;
	uint32_t *touched;     /* cu changed since the last evaluation */
	uint32_t ntouched, captouched;
	bool back;             /* a country became visible again */
	uint32_t stamp;        /* evaluations, for cu.stamp */
};

struct det {
	unsigned min_peers;
	bool report_present;   /* emit DET_UPSTREAM_PRESENT */
	const struct det_hooks *hooks; /* borrowed; NULL: none */
	/* docs/events.md §14: the same for the countries (borrowed; NULL:
	 * none): ou for (country code, provider) pairs and (country, 0) for
	 * the routes without one, origin for a country's routes */
	const struct det_hooks *chooks;
	struct det_pfx *pfx;   /* owned, parallel to rib prefixes */
	uint32_t npfx;
	struct u64map ou;      /* (origin << 32 | upstream) -> routes now */
	struct u64map origin;  /* origin -> prefixes with it (bit 31: down) */
	/* per-evaluation scratch */
	struct u64map d_ou, d_origin; /* deltas of this second */
	struct det_pend *pend;
	uint32_t npend, cappend;
	uint64_t evaluations, events;
	uint32_t psrc;         /* det_event.src of the prefix being evaluated
				  (its pending losses keep it) */
	uint32_t split_min;    /* a baseline second with this many dirty
				  prefixes is evaluated on two threads
				  (det.c, eval_dirty); det_init's default,
				  tests set their own */
	/* docs/events.md §10: new_for_prefix looks back to the last RIB dump
	 * (of any collector), as far as a window can see */
	uint32_t last_dump;    /* its second */
	bool rebuild_origins;  /* loaded from a version 1 snapshot: the
				  (prefix, origin) episodes are still to make */
	bool dump_now;         /* a dump is applied in the current second */
	/* docs/events.md §12: the VRPs (borrowed; NULL: no validation), and
	 * whether the second being evaluated follows a change of them */
	struct rpki *rpki;
	bool vrp_now;
	/* docs/events.md §11 (det_leak.c): the relationships (borrowed; NULL:
	 * no leak checks); the leaks seen, interned: (leaker, from, to) of id
	 * i + 1 at leak[i] (an episode's key; never freed: as many as distinct
	 * leaks seen); a path's leaks are computed once per path and kept in
	 * the rib path's aux word, the second of two in leak2 (det_leak.c) */
	const struct asrel *rel;
	struct det_leak *leak;
	uint32_t nleak, capleak;
	struct htab leak_idx;
	struct u64map leak2;
	struct arena scratch;  /* a path's ASNs while its leaks are found */
	/* docs/events.md §13: the watch list (borrowed; NULL: none); for the
	 * visibility of its prefixes, per watched prefix (rib id -> index in
	 * vis) the peers that had a route for it and whether they lost it */
	const struct watch *watch;
	struct u64map vis_idx;
	struct det_vis *vis;
	uint32_t nvis, capvis;
	/* docs/events.md §14 (det_country.c) */
	struct det_geo geo;
};

/* A watched prefix's peers (det_leak.c: det__visibility). */
struct det_vis {
	uint32_t *peer;        /* owned: rib peer ids, bit 31 set: lost */
	uint32_t n, cap;
};

/* A det_leak whose leaker is DET_PATH_TAG is a watch list's path rule
 * (docs/events.md §13): from = the entry's index, to = the rule's. Its
 * episodes ride the leaks' (0, id) summary entries. */
#define DET_PATH_TAG UINT32_MAX
/* ... and DET_VIS_TAG a watched prefix's visibility (from = the entry),
 * DET_ASSET_TAG its routes whose paths end in an AS_SET (a hijack with
 * no origin). */
#define DET_VIS_TAG (UINT32_MAX - 1)
#define DET_ASSET_TAG (UINT32_MAX - 2)
/* An interned leak. */
struct det_leak {
	uint32_t leaker, from, to;
};

void det_init(struct det *d, unsigned min_peers);
void det_release(struct det *d);
/* Evaluate second `sec` over the prefixes changed since the last call.
 * baseline: a collector's first RIB dump was applied in this second:
 * update the state silently (docs/events.md §2). since: a RIB dump after
 * a gap that began then was applied in this second; the events it
 * reveals carry it (docs/events.md §9); 0: none. */
void det_evaluate(struct det *d, struct rib *r, uint32_t sec, bool baseline, uint32_t since, det_event_fn fn,
		  void *arg);
/* A RIB dump is applied in the second being built (engine_dump_begin). */
void det_dump(struct det *d);
/* Snapshots (det_snap.c) between seconds; det_load fills a det_init'ed
 * detector (min_peers must match the snapshot's) for a rib of npfx
 * prefixes. On error release it; err names what is wrong. */
int det_save(const struct det *d, struct obuf *o);
/* After loading a version 1 snapshot (d->rebuild_origins) into a rib
 * loaded from the same snapshot: every prefix with routes is evaluated
 * once as a silent baseline at second sec, which adds the (prefix,
 * origin) episodes its routes have (confirmed ones as present since the
 * baseline) and changes nothing else; no event is sent. */
void det_rebuild_origins(struct det *d, struct rib *r, uint32_t sec);
int det_load(struct det *d, struct cur *c, uint32_t npfx, char *err, size_t esz);
/* docs/events.md §11: a stored route_leak's upstream column, from its
 * (from, to): the store's key must tell pairs apart, and must be the same
 * in every run (not the process's keyed hash). */
static inline uint32_t det_leak_key(uint32_t from, uint32_t to)
{
	uint64_t z = ((uint64_t)from << 32 | to) + 0x9e3779b97f4a7c15u; /* splitmix64's finalizer */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return (uint32_t)(z ^ (z >> 31));
}
/* The leak of an id (from a route_leak event's key), or NULL. */
const struct det_leak *det_leak_of(const struct det *d, uint32_t id);
/* What the detector holds, for --stats: episodes by kind (past (P, O)
 * ones included) and the distinct leaks and path-rule tags seen. */
struct det_counts {
	uint64_t upstream, origin, rpki, watch, tag;
	uint32_t leaks;
};
void det_count(const struct det *d, struct det_counts *c);

/* docs/events.md §14. Turn country events on (geo borrowed for the
 * detector's life): the rib must then report every route change through
 * det_country_route (engine_countries wires it). */
void det_countries(struct det *d, const struct geo *g);
/* The rib's route observer (struct rib.route_obs): a route of peer for
 * pfx went from old_path to new_path (RIB_NONE: none). */
void det_country_route(void *det, const struct rib *r, uint32_t peer, uint32_t pfx, uint32_t old_path,
		       uint32_t new_path);
/* After a snapshot is loaded: the counts again from the rib's routes; the
 * pairs with routes and no running episode start one as a baseline's. */
void det_country_rebuild(struct det *d, const struct rib *r, uint32_t sec);
/* A route's international provider: *cc the country of its origin (0:
 * none known, or no origin), *prov the first AS of another country
 * walking from the origin towards the peer and *border the AS before it
 * (0, 0: the route stays inside, or an AS_SET hides where it leaves). */
void det_path_country(const struct rib *r, const struct geo *g, uint32_t path, struct arena *scratch, uint16_t *cc,
		      uint32_t *prov, uint32_t *border);
/* Routes (peer x prefix) of (origin, upstream) now. */
uint32_t det_ou_routes(const struct det *d, uint32_t origin, uint32_t upstream);
/* Prefixes currently with routes of this origin. */
uint32_t det_origin_prefixes(const struct det *d, uint32_t origin);

/* ---------------------------------------------------------------- countries */

/* docs/events.md §14: a country's routing now (routewatch country CC):
 * its networks, its international providers with their share of its
 * routes and the border networks that hand them routes, its prefixes
 * with their visibility. Routes are (peer x prefix) pairs whose origin is
 * registered in the country. */
struct det_cv_prov {
	uint32_t asn;
	uint64_t routes;
	double share;          /* routes / the country's routes */
	uint32_t prefixes, peers;
	uint32_t border, nborder; /* the border networks: ids[border..+n], sorted */
};
struct det_cv_net {
	uint32_t asn, prefixes;
	uint64_t routes;
};
struct det_cv_pfx {
	uint32_t pfx;          /* rib prefix id */
	uint32_t vis;          /* peers with any route for it */
	uint32_t origin, norigin; /* the country's networks originating it: ids[..] */
	uint32_t prov, nprov;  /* its international providers: ids[..], sorted */
};
struct det_country_view {
	uint16_t cc;
	uint64_t routes;       /* the country's routes */
	uint64_t inside;       /* of them, routes that never leave it (or an
				  AS_SET hides where) */
	uint32_t peers_total;  /* peers with any route */
	struct det_cv_prov *prov; /* by routes, largest first; owned */
	uint32_t nprov, capprov;
	struct det_cv_net *net;   /* by prefixes, most first; owned */
	uint32_t nnet, capnet;
	struct det_cv_pfx *pfx;   /* in prefix order; owned */
	uint32_t npfx, cappfx;
	uint32_t *ids;            /* owned: the lists above point into it */
	uint32_t nids, capids;
};
/* Every country's view (only = 0), or one country's, from one walk over
 * the rib: a route costs two country lookups, a few more when its
 * origin's neighbour is in the same country. By country code. */
struct det_country_views {
	struct det_country_view *v; /* owned */
	uint32_t n, cap;
};
void det_country_views(const struct rib *r, const struct geo *g, uint16_t only, struct det_country_views *out);
void det_country_views_free(struct det_country_views *vs);

/* ---------------------------------------------------------------- filters */

/* Which events a user asked for: types (bit per enum det_type, 0 = all),
 * origins (sorted, NULL = all) and a window of event times, from <= time <
 * until (docs/events.md §8: an event belongs to the window of its time,
 * whenever it was determined). Shared by every front end. */
struct det_filter {
	uint64_t types;
	const uint32_t *origins;  /* borrowed */
	size_t norigins;
	uint32_t from;            /* 0: from the start */
	uint32_t until;           /* 0: no end */
};

/* Add a comma list of type names ("prefix_down,prefix_up") to f->types:
 * 0, or -1 with the first unknown name copied into bad. */
int det_filter_types(struct det_filter *f, const char *list, char *bad, size_t badsz);
/* The names det_filter_types takes, comma-separated (static). */
const char *det_type_list(void);
/* A collector_gap concerns every origin: it passes an origin filter. */
bool det_filter_match(const struct det_filter *f, unsigned type, bool has_origin, uint32_t origin, uint32_t time);

/* ---------------------------------------------------------------- grouping */

/* docs/events.md §7: events with the same (type, time, origin, upstream) are one
 * event listing their prefixes (more_specific: upstream is the covering
 * prefix, §10). Collects everything, then sorts by time. */
struct det_group {
	struct det_gevent *ev; /* owned */
	uint32_t n, cap;
	struct htab idx;       /* key hash -> event index (until finish) */
	struct u64map seen;    /* (event index, prefix id) pairs added */
};

struct det_gevent {
	uint8_t type;
	bool has_origin, flag;
	uint32_t time, determined, origin, upstream;
	uint32_t *pfx;         /* owned, rib prefix ids */
	uint32_t npfx, cappfx;
	uint32_t origin_pfx;   /* the origin's prefix count (largest seen) */
	uint16_t npeers;       /* largest peer count among its prefixes */
	uint32_t since;        /* earliest since among its prefixes; 0: none */
	uint32_t *origins;     /* owned: the union of its events' origins */
	uint32_t norigins, caporigins;
	uint32_t to;           /* route_leak's (part of its key) */
	uint8_t rel;           /* §14: det_event.rel (the same within a key) */
	const struct watch_prefix *wp; /* §13, borrowed from the watch list */
	const struct watch_asn *wa;
	struct rpki_vrp *vrps; /* owned: the union of its events' VRPs */
	uint32_t nvrps, capvrps;
	/* docs/events.md §15: the proof of its first event with one (one
	 * with a record before one with a cause only); rec and file owned
	 * copies, cause static */
	bool has_proof;
	struct det_proof proof;
};

void det_group_init(struct det_group *g);
void det_group_release(struct det_group *g);
void det_group_add(struct det_group *g, const struct det_event *e);
/* Sort by (time, type, origin, upstream) and each prefix list by prefix.
 * Ends the adding: release and init the group to collect again. */
void det_group_finish(struct det_group *g, const struct rib *r);

#endif
