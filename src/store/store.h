/*
 * store: the history routewatch keeps for years (docs/internals/store.md).
 * One schema on either backend of db.h:
 *
 *   meta             schema version, --min-peers of the state, the clock
 *                    (every record before it is applied)
 *   state            the engine snapshot (zstd, in parts), so the next
 *                    ingest continues exactly where this one stopped
 *   files            every file ingested completely, by identity
 *   names            AS names
 *   events           docs/events.md events, one row per grouped event
 *   intervals        per (origin, upstream): when it was an upstream, with
 *                    its time-weighted mean and max share of the origin's
 *                    routes
 *   origins          per origin: first seen, prefixes and routes now
 *   origin_series    per origin and STORE_BUCKET: prefixes and routes at the
 *                    last change in the bucket, and its routes per upstream
 *                    ("4837:40 20485:16"; absent = 0)
 *
 * Times are unix seconds; origin -1 stands for "no origin" (docs/events.md null).
 * Everything an ingest writes between two checkpoints is one transaction.
 */
#ifndef RW_STORE_H
#define RW_STORE_H

/* Everything of the layer is declared here: the schema's rows, reading,
 * the history gathered while an engine runs (hist), and the runner. */

#include "db.h"
#include "../engine/engine.h"

#include <pthread.h>
#include <stdatomic.h>
#include "../names/names.h"

#define STORE_SCHEMA 5
#define STORE_BUCKET 300 /* series resolution in seconds */

struct store {
	struct db *db;      /* owned */
	char *where;        /* owned: path or URI without password, for messages */
	struct db_stmt *st[16]; /* writers' statements, prepared on first use, owned */
	struct obuf bfq[5];     /* the backfill's rows not sent yet: a multi-row
				   INSERT being built per table (owned) */
	uint32_t bfn[5];        /* rows in each */
	struct db_stmt *batch[2]; /* store_points_put_latest's full batch per
				     enum store_tab, owned */
	struct db_stmt *proof_put; /* store_event_proof_put's, owned */
	/* store_events_fresh: events of keys not in the store yet, gathered
	 * for a multi-row INSERT (their texts copied into evtext), the keys'
	 * hashes seen since */
	bool ev_fresh;
	struct store_ev_row *evq; /* owned */
	uint32_t nevq, capevq;
	struct obuf evtext;      /* owned */
	struct u64map ev_seen;   /* owned */
	struct db_stmt *ev_full; /* the full batch's statement, owned */
	/* the same for their proofs (store_proof.c): rows waiting, their
	 * texts and compressed records in pftext */
	struct store_pf_row *pfq; /* owned */
	uint32_t npfq, cappfq;
	struct obuf pftext;      /* owned */
	struct db_stmt *pf_full; /* owned */
	bool writer;        /* store_writer_begin succeeded: closing marks it clean */
	/* PostgreSQL: events and origin_series are partitioned by month
	 * (store_open makes new stores so); the months whose partitions this
	 * connection made or found, bit per month since 1970 (200 years) */
	bool parts;
	uint8_t ev_months[300], se_months[300];
};

/* Open (creating the schema when missing). err names the store. */
int store_open(struct store *s, const char *uri, char *err, size_t esz);
void store_close(struct store *s);
/* Become the store's one writer (ingest, collect --db): the backend's
 * lock (RW_EBUSY, logged, when another process writes), then, when the
 * last writer did not close the store (killed, crashed), SQLite's
 * quick_check before anything is written (RW_EMALFORMED, logged, when it
 * finds damage). store_close then marks the store closed cleanly. */
int store_writer_begin(struct store *s);
/* Where the embedded store lives when --db is not given: $ROUTEWATCH_DB,
 * else $XDG_DATA_HOME/routewatch/routewatch.db, else
 * ~/.local/share/routewatch/routewatch.db. create: make its directory. */
int store_default_path(char *buf, size_t n, bool create);
/* Log the backend's message for a failed store call. */
int store_fail(struct store *s, const char *what, int rc);

int store_meta_get(struct store *s, const char *key, int64_t *v); /* RW_ENOTFOUND */
int store_meta_set(struct store *s, const char *key, int64_t v);

/* The engine snapshot: *p is malloc'ed (caller frees); RW_ENOTFOUND when
 * the store has none yet. */
int store_state_load(struct store *s, uint8_t **p, size_t *n);
/* Writing it: begin, write the snapshot into w.o (compressed as it is
 * flushed, stored in parts, so a full table's state never sits in memory
 * twice), finish. Inside the caller's transaction. */
struct store_state_w {
	struct store *s;         /* borrowed */
	struct obuf o;           /* what the caller writes into */
	void *z;                 /* owned ZSTD_CStream */
	uint8_t *out;            /* owned: the compressed part being filled */
	size_t olen;
	int64_t part;
	struct db_stmt *ins;     /* owned */
	int rc;
};
int store_state_begin(struct store *s, struct store_state_w *w);
int store_state_finish(struct store_state_w *w);

/* A file by identity: base name, size and a checksum of its first 64 KiB. */
struct store_file {
	char collector[64];
	char name[256];
	int64_t size;
	char digest[16];  /* crc32 of the first 64 KiB, hex */
	uint32_t first_ts;
};
/* Fill f from the file at path; RW_EIO when it cannot be read. */
int store_file_identify(struct store_file *f, const char *path, const char *collector, uint32_t first_ts);
int store_file_known(struct store *s, const struct store_file *f, bool *known);
int store_file_add(struct store *s, const struct store_file *f, int64_t now);

int store_names_put(struct store *s, const struct names *nm);

/* docs/events.md §10: the (prefix, origin) pairs whose episodes ended. Has prefix
 * (text) ever had any origin (*pfx_known), and this one (*po_known)? */
int store_prefix_origins(struct store *s, const char *prefix, uint32_t origin, bool *pfx_known, bool *po_known);
/* Record a pair (kept as it is when it is there: the first end stays). */
int store_prefix_origin_put(struct store *s, const char *prefix, uint32_t origin, uint32_t first_seen);
/* The same when writers come in any order (backfill windows): the
 * earliest first_seen stays. */
int store_prefix_origin_put_min(struct store *s, const char *prefix, uint32_t origin, uint32_t first_seen);
/* Names of these ASNs into nm (those the store knows). */
int store_names_get(struct store *s, struct names *nm, const uint32_t *asn, size_t n);

/* ---------------------------------------------------------------- rows */

struct store_event {
	uint8_t type;        /* enum det_type */
	bool has_origin;
	bool flag;           /* new_for_origin / last_for_origin */
	uint32_t time, determined, origin, upstream, peers, origin_prefixes;
	uint32_t since;      /* docs/events.md §9: revealed after a gap that
				began then; 0: not */
	char *prefixes;      /* space-separated, in rw_prefix_cmp order */
	const char *collector; /* collector_gap: its collector (upstream holds
				  its rib id, determined the end); else "" */
	/* docs/events.md §10 (schema 4): other_origins (origin_gained),
	 * remaining_origins (origin_lost), covering_origins (more_specific) as
	 * space-separated ASNs, sorted; covering: more_specific's covering
	 * prefix (upstream holds its rib id, so the key tells coverings
	 * apart); for rpki_invalid (§12) the VRPs covering its prefixes,
	 * comma-separated "192.0.2.0/24-24 AS64500" (rpki_vrp_fmt), sorted;
	 * for route_leak and its end (§11) "FROM TO" (origin is the leaker,
	 * upstream det_leak_key(FROM, TO), origins the routes' origins);
	 * "" (or NULL) when none */
	const char *origins;
	const char *covering;
	/* docs/events.md §13 (schema 5): the watch list's words for the event,
	 * as JSON members ("watched":...,"description":...,"group":[...]);
	 * "" (or NULL) when none */
	const char *detail;
};
/* An event's prefixes (space-separated): how many, and the first `max`
 * as "a, b, c and N more" (N counted from total). */
uint32_t store_prefixes_count(const char *prefixes);
void store_prefixes_text(struct obuf *o, const char *prefixes, uint32_t total, unsigned max);
/* A route_leak's (from, to), from its covering text "FROM TO" (0s when
 * it is not that). */
void store_leak_pair(const char *covering, uint32_t *from, uint32_t *to);
/* A comma-separated list (rpki_invalid's VRPs) as "a, b, c". */
void store_items_text(struct obuf *o, const char *list);
/* Insert, or merge into the stored event with the same (type, time,
 * origin, upstream): prefixes and origins united, flags or'ed, counts maxed. */
int store_event_merge(struct store *s, const struct store_event *e);
/* A backfill window writes events whose keys no other writer has (its
 * own time range, in the transaction that marks it done): between
 * store_events_fresh(s, true) and store_events_fresh(s, false), which
 * sends what is left, store_event_merge gathers them into multi-row
 * INSERTs instead of a read and a write each. A key met twice in that
 * time (two group entries of one store key) is merged as usual. */
int store_events_fresh(struct store *s, bool on);
/* store_proof.c: send the proofs store_events_fresh gathered. */
int store__proofs_send(struct store *s);
void store__proofs_release(struct store *s);

struct store_interval {
	uint32_t origin, upstream, start;
	uint32_t end;        /* 0 while open */
	uint32_t acc_ts;     /* area and seconds count up to here */
	uint64_t seconds;    /* seconds the origin was visible in it */
	double area;         /* integral of the share over those seconds */
	double share_max, share_now;
	bool visible;        /* the origin had routes at acc_ts */
	bool cont;           /* a backfill window's piece (hist.clip_from):
				open at the window's start, so it goes on
				from the previous window's (store_backfill.c
				joins them); start is then not the real one */
};
/* Which tables: an origin's history (intervals, origins, origin_series),
 * or a country's (docs/events.md §14: country_intervals, countries,
 * country_series; origin holds the country's code, upstream its
 * international provider, 0 for its routes without one). */
enum store_tab { STORE_ORIGINS = 0, STORE_COUNTRIES = 1 };
int store_interval_put(struct store *s, enum store_tab tab, const struct store_interval *iv);

struct store_origin {
	uint32_t origin, first_seen, prefixes, routes, changed;
};
/* first_seen is kept from the first write. */
int store_origin_put(struct store *s, enum store_tab tab, const struct store_origin *o);

/* A series point: the origin's counts and its routes per upstream at
 * second ts (the last change in its bucket; replaces the bucket's point). */
struct store_point {
	uint32_t origin, ts, prefixes, routes;
	uint32_t n;          /* entries in up[] */
	const uint32_t (*up)[2]; /* (upstream, routes), borrowed */
};
int store_point_put(struct store *s, enum store_tab tab, const struct store_point *p);
/* n points of origins (of countries: tab), keeping a bucket's stored
 * point when it is later (two backfill windows share the bucket at their
 * edge); STORE_BATCH rows to a statement (one round trip each on
 * PostgreSQL, where a window's tens of thousands of points cost a round
 * trip apiece otherwise). No two of them may share (origin, bucket). */
#define STORE_BATCH 100
int store_points_put_latest(struct store *s, enum store_tab tab, const struct store_point *p, uint32_t n);
/* PostgreSQL: the monthly partitions of events and origin_series that
 * cover [from, until] exist (made when missing); 0 on SQLite. */
int store_months(struct store *s, uint32_t from, uint32_t until);

/* ---------------------------------------------------------------- reading */

/* An origin's history: its origins row and every interval (sorted by
 * upstream, then start), open ones integrated up to the store's clock. */
struct store_history {
	bool found;
	enum store_tab tab;  /* STORE_COUNTRIES: a country's (origin is its
				code, the upstreams its international
				providers, 0 its routes without one; no
				prefix count) */
	uint32_t origin, first_seen, prefixes, routes, changed, clock;
	struct store_interval *iv; /* owned */
	uint32_t niv, capiv;
};
int store_history(struct store *s, uint32_t origin, struct store_history *h);
/* A country's (docs/events.md §14), cc a geo/ code. */
int store_country_history(struct store *s, uint16_t cc, struct store_history *h);
void store_history_free(struct store_history *h);
/* The interval's mean share: its area over the seconds the origin was
 * visible, open intervals carried on to `clock` at their current share. */
double store_interval_mean(const struct store_interval *iv, uint32_t clock);
/* An upstream of a history: its run of intervals summed up. */
struct store_upstream {
	uint32_t asn, first, last; /* last: 0 while present */
	size_t i0, n;              /* its intervals: h->iv[i0 .. i0 + n) */
	double mean, max;          /* time-weighted mean share, max share */
};
/* The upstreams of a history, ordered by first appearance (then ASN);
 * the array is malloc'ed, *n set. */
struct store_upstream *store_history_upstreams(const struct store_history *h, size_t *n);
/* Its area and visible seconds, carried on to clock the same way. */
void store_interval_acc(const struct store_interval *iv, uint32_t clock, double *area, double *secs);

/* Events with time in [from, to] (origin: one origin, or all when
 * all_origins), sorted as `routewatch events` sorts them. The event and its
 * prefixes are borrowed for the callback; non-zero from it stops. */
typedef int (*store_event_fn)(void *arg, const struct store_event *e);
int store_events(struct store *s, bool all_origins, uint32_t origin, uint32_t from, uint32_t to,
		 store_event_fn fn, void *arg);
/* A position in that order: (time, type, stored origin (-1: none),
 * upstream), a page's cursor (store_page.c). */
struct store_ev_key {
	uint32_t time;
	uint8_t type;
	int64_t origin;
	uint32_t upstream;
};
/* The same, from just after *after (NULL: from the start of the window)
 * and at most limit rows (0: all). */
int store_events_after(struct store *s, bool all_origins, uint32_t origin, uint32_t from, uint32_t to,
		       const struct store_ev_key *after, uint32_t limit, store_event_fn fn, void *arg);

/* docs/events.md §15 (store_proof.c): what proves an event, beside it
 * in event_proof. Written once per event key (a second write is a
 * no-op); read back with every string and the record in one allocation
 * (own, store_proof_release). */
struct store_proof {
	const char *collector;     /* "" : none known */
	const char *peer;          /* the peer's address; "": none */
	uint32_t peer_asn;
	uint32_t time;             /* the record's time */
	const uint8_t *rec;        /* the MRT record (header included); NULL:
				      none (cause says why) */
	size_t len;                /* bytes at rec (<= DET_PROOF_MAX) */
	uint32_t rec_len;          /* the record's whole length */
	const char *file;          /* the file it was read from; "": a live
				      feed, or none */
	uint64_t off;              /* its offset in the file's decompressed
				      stream */
	const char *cause;         /* why no single record proves it; "":
				      rec proves it */
	void *own;                 /* read back: owns all the above */
};
/* The backfill (and hist.c) call this once per event written, in the
 * writer's transaction; k as store_ev_key_of gives it for the row. */
int store_event_proof_put(struct store *s, const struct store_ev_key *k, const struct store_proof *p);
/* *found false: the event has no proof (an older store's, or none kept). */
int store_event_proof_get(struct store *s, const struct store_ev_key *k, struct store_proof *p, bool *found);
void store_proof_release(struct store_proof *p);

/* store_page.c: a page of the events of a window that pass a filter,
 * for front ends that page (the HTTP API). */
struct store_ev_query {
	bool all_origins;                /* else one origin's (store_events) */
	uint32_t origin;
	uint32_t from, to;               /* event times, both included */
	unsigned types;                  /* bit per enum det_type; 0: all */
	bool has_upstream;               /* upstream_gained/lost of it, route
					    leaks from or to it */
	uint32_t upstream;
	const struct rw_prefix *prefix;  /* borrowed: events with it or a
					    more-specific among their prefixes */
	const char *collector;           /* borrowed: its collector_gap events */
	const struct store_ev_key *after; /* borrowed: the cursor, or NULL */
	uint32_t limit;                  /* events at most (>= 1) */
	uint32_t scan_max;               /* rows read at most (>= limit) */
};
struct store_ev_page {
	uint32_t read, kept;
	bool more;                       /* next is where the next page starts */
	struct store_ev_key next;
};
bool store_ev_match(const struct store_ev_query *q, const struct store_event *e);
void store_ev_key_of(const struct store_event *e, struct store_ev_key *k);
/* fn gets each event kept (non-zero from it stops the page). */
int store_events_page(struct store *s, const struct store_ev_query *q, store_event_fn fn, void *arg,
		      struct store_ev_page *res);
/* AS names holding text (any case), by ASN, at most limit. */
typedef int (*store_name_fn)(void *arg, uint32_t asn, const char *name);
int store_names_search(struct store *s, const char *text, uint32_t limit, store_name_fn fn, void *arg);
/* An origin's row (*found false when the store has none). */
int store_origin_get(struct store *s, uint32_t origin, struct store_origin *o, bool *found);
/* The origins a prefix (its text, fmt_prefix's) had in the episodes that
 * ended (docs/events.md §10), by ASN, at most limit. */
typedef int (*store_po_fn)(void *arg, uint32_t origin, uint32_t first_seen);
int store_prefix_origin_list(struct store *s, const char *prefix, uint32_t limit, store_po_fn fn, void *arg);

/* The series of an origin over [from, to]: the last point before from and
 * every point in the window, each with its routes per upstream. */
struct store_series_pt {
	uint32_t ts, prefixes, routes;
	uint32_t up_off, up_n;      /* into store_series.up */
};
struct store_series {
	struct store_series_pt *pt; /* owned, by time */
	uint32_t n, cappt;
	uint32_t (*up)[2];          /* owned: (upstream, routes) */
	uint32_t nup, capup;
};
int store_series(struct store *s, uint32_t origin, uint32_t from, uint32_t to, struct store_series *out);
/* docs/events.md §14: a country's series (country_series), and its
 * country_provider_gained/lost events over [from, to], by time. */
int store_country_series(struct store *s, uint16_t cc, uint32_t from, uint32_t to, struct store_series *out);
int store_country_events(struct store *s, uint16_t cc, uint32_t from, uint32_t to, store_event_fn fn, void *arg);
void store_series_free(struct store_series *ss);

/* Was the origin down (origin_down without origin_up since) at time t?
 * *since gets the down time. */
int store_origin_down_at(struct store *s, uint32_t origin, uint32_t t, bool *down, uint32_t *since);

/* A synthetic store (store_synth.c): norigins origins with `days` of
 * events from t0, for timing history and report at full-table scale. */
int store_synth_year(struct store *s, uint32_t norigins, uint32_t t0, uint32_t days, uint64_t seed);

/* ---------------------------------------------------------------- hist */

/*
 * hist (hist.c): what the history store learns from the engine while it runs.
 *
 * It listens to the detector (det_hooks: routes per (origin, upstream) and
 * prefixes per origin at the end of each second; the events, including the
 * silent DET_UPSTREAM_PRESENT of baselines) and keeps, between two writes:
 *
 *  - the events, grouped as docs/events.md §7 says;
 *  - per (origin, upstream) its interval as an upstream: opened by
 *    upstream_gained (or a silent confirmation in a baseline), closed by
 *    upstream_lost with last_for_origin, dated as the events are; an outage
 *    of the origin does not close it. While open, the share of the
 *    origin's routes it carries is integrated over the seconds the origin
 *    is visible (mean = area / seconds) and its maximum kept;
 *  - per origin its prefixes and routes, and one series point per
 *    STORE_BUCKET with the values after the bucket's last change.
 *
 * hist_write puts all of it into the store (inside the caller's
 * transaction) and changes nothing it would need to write it again: every
 * row is an upsert or a merge, so when the transaction fails, the next
 * checkpoint writes the same and what came since. hist_written, after the
 * commit, starts over; the running state (open intervals, current counts)
 * stays. After an engine snapshot is loaded, hist_attach rebuilds
 * the counts from the detector and hist_load the open intervals from the
 * store, so a later run continues as one long run would.
 */

struct hist_ou {
	uint32_t origin, upstream;
	uint32_t routes;        /* now */
	uint32_t next;          /* next entry of the same origin, RIB_NONE ends */
	bool open, dirty;       /* interval open; its row changed */
	bool cont;              /* open since before hist.clip_from */
	uint32_t start, acc_ts; /* interval start; integrated up to */
	uint64_t seconds;
	double area, max;
};

struct hist_org {
	uint32_t origin;
	uint32_t routes, prefixes; /* now */
	uint32_t first;            /* its first hist_ou, RIB_NONE: none */
	uint32_t first_seen;       /* when this run saw it appear (0: earlier) */
	uint32_t touched;          /* the second whose pre-change work is done */
	uint32_t changed;          /* the last second it changed */
	uint32_t pend_ts;          /* a series point is due for this second (0: none) */
	bool dirty;                /* its origins row changed */
	bool in_sec;               /* listed in sec_orgs */
};

struct hist_pt {
	uint32_t origin, ts, prefixes, routes;
	uint32_t up_off, up_n;     /* into hist.up */
};

struct hist {
	enum store_tab tab;        /* origins, or (cty) countries */
	struct hist *cty;          /* owned: the countries' history
				      (docs/events.md §14), when the
				      detector has countries; NULL: none */
	struct hist_ou *ou;        /* owned */
	uint32_t nou, capou;
	struct hist_org *org;      /* owned */
	uint32_t norg, caporg;
	struct u64map ou_idx;      /* (origin << 32 | upstream) -> ou index */
	struct u64map org_idx;     /* origin -> org index */
	uint32_t *sec_orgs;        /* origins changed in the current second */
	uint32_t nsec, capsec;
	struct store_interval *closed; /* closed since the last write */
	uint32_t nclosed, capclosed;
	struct hist_pt *pt;        /* series points due */
	uint32_t npt, cappt;
	uint32_t (*up)[2];         /* their (upstream, routes) */
	uint32_t nup, capup;
	struct det_group g;        /* events since the last write */
	struct det_group *pend;    /* finished groups written, not yet committed */
	uint32_t npend, cappend;
	struct det_hooks hooks;
	/* docs/events.md §10: (prefix id << 32 | origin) -> second, the pairs
	 * whose episodes ended since the last commit; the store and rib the
	 * history lookups use (hist_history; NULL: none) */
	struct u64map po_new;
	struct store *st;
	const struct rib *rib;
	uint32_t events_from;      /* events dated before it are not stored
				      (ingest --from: the silent stretch from
				      each collector's starting RIB dump) */
	uint32_t events_until;     /* ... nor at or after it (0: none) */
	/* A backfill window [clip_from, clip_until) (0s: none): the history
	 * learned from second clip_from on, up to clip_until. At the first
	 * second at or after clip_from, open intervals are integrated up to
	 * it and start over as pieces marked cont, and what was learned
	 * before is dropped (the window before has it); at the first second
	 * at or after clip_until, open intervals are integrated up to it and
	 * the history stops learning (frozen), while events dated before it
	 * are still taken (the window's settle time). Set before hist_attach,
	 * which gives the same window to the countries' history (cty). */
	uint32_t clip_from, clip_until;
	bool clipped, frozen;
	/* docs/events.md §10 in a backfill window: the (prefix id << 32 |
	 * origin) pairs the detector asked about (new_for_prefix), answered
	 * "unknown" so the window gives what `events` gives; the join asks
	 * the whole history for them (store_bf_join). hist_window_asks turns
	 * it on. */
	struct u64map asks;
	uint64_t events, intervals_opened, intervals_closed, points;
};

void hist_init(struct hist *h);
void hist_release(struct hist *h);
/* Listen to this engine's detector, taking the counts it has now (from a
 * loaded snapshot). Its event callback must be hist_on_event(h, ...). */
void hist_attach(struct hist *h, struct engine *e);
/* new_for_prefix and prefix_new from the store's history (docs/events.md
 * §10): the (prefix, origin) pair of every episode that ends is written to
 * it (the running ones are the detector's memory, kept in its snapshot),
 * and looked up in it. After hist_attach; s and r borrowed. */
void hist_history(struct hist *h, struct store *s, const struct rib *r);
/* The open intervals of the store (after hist_attach). */
int hist_load(struct hist *h, struct store *s);
/* The engine's event callback (arg = the hist). */
void hist_on_event(void *arg, const struct det_event *e);
/* A grouped event as a store row: its prefixes formatted into *buf
 * (grown as needed, owned by the caller), which v->prefixes points into. */
void hist_event_view(const struct det_gevent *g, const struct rib *r, char **buf, size_t *cap,
		     struct store_event *v);
/* Everything since the last commit into the store (in the caller's
 * transaction); the rib formats the events' prefixes. */
int hist_write(struct hist *h, struct store *s, const struct rib *r);
/* The transaction of the last hist_write committed: forget what it wrote. */
void hist_written(struct hist *h);
/* A backfill window's history (hist.clip_*) into the store, inside the
 * caller's transaction: events as hist_write does, the intervals as
 * pieces of window `win` (store_backfill_piece_put), the origins'
 * rows as its pieces, the series points (a bucket shared with the next
 * window keeps the later point) and the (prefix, origin) pairs (the
 * earliest end kept); the countries' history (h->cty, docs/events.md
 * §14) the same way, into the country tables and pieces. */
int hist_write_window(struct hist *h, struct store *s, const struct rib *r, int64_t win);
/* A backfill window's hooks of docs/events.md §10: ended pairs are kept
 * (written by hist_write_window), and the detector's questions recorded
 * in h->asks, not looked up. After hist_attach. */
void hist_window_asks(struct hist *h);
/* The window's run read nothing at or after second sec, and the input
 * goes on later: cross the edges up to sec as if a record came then
 * (time passes over a stretch without records; the intervals' seconds
 * count it). */
void hist_window_edge(struct hist *h, uint32_t sec);

/* ---------------------------------------------------------------- runner */

/* An engine run into the store (store_run.c): ingest, collect --db, the
 * backfill worker. Open, make the engine with run.min_peers and
 * hist_on_event(&run.h) as its event callback, resume, then checkpoint as
 * the clock moves (store_run_second) and at the end. */
struct store_run {
	struct store st;
	struct hist h;
	struct engine *e;          /* borrowed, after resume */
	unsigned min_peers;        /* the store's, or the one given */
	uint32_t clock;            /* the store's clock (updated by checkpoints) */
	uint32_t every;            /* record seconds between checkpoints */
	uint32_t every_wall;       /* real seconds at least between them (30) */
	uint32_t last_ckpt;        /* record time of the last checkpoint */
	double last_wall;
	const struct names *names; /* borrowed: to store at the next checkpoint */
	struct store_file *done;   /* files finished since the last one */
	uint32_t ndone, capdone;
	uint64_t commits, files_done;
	int failed;                /* the last checkpoint's error (0: it worked) */
	uint64_t failures;         /* checkpoints failed in a row */
	double retry_wall;         /* a failed one is tried again from then on */
	/* a checkpoint on a thread of its own (store_run_checkpoint_async) */
	pthread_t th;
	bool busy;                 /* started and not joined */
	atomic_bool ended;         /* set by the thread when it is done */
	uint32_t async_clock;
	bool open;
};

/* Open the store at db (NULL: the default path), making it when missing
 * (create) or saying there is none; logs what failed. */
int store_open_at(struct store *s, const char *db, bool create);
/* Open (create) the store for a run; min_peers given (0: none) must equal
 * the one its history was built with; run.min_peers is the one to use. */
int store_run_open(struct store_run *r, const char *db, unsigned min_peers);
/* Load the stored snapshot into e (made as above) and attach the history. */
int store_run_resume(struct store_run *r, struct engine *e);
/* The stored engine state (routes and detector at the store's clock)
 * into a new engine e: 0, RW_ENOTFOUND when the store has none, or the
 * error (logged, naming the store). For the state queries (`country
 * --db`). */
int store_engine_load(struct store *s, struct engine *e);
/* The store at db (NULL: the default path), opened to read: a new engine
 * holding its state, and *clock the store's clock; NULL with *rc (the
 * reason logged) when there is no store or no state. Free with
 * engine_release and free. */
struct engine *store_state_engine(const char *db, uint32_t *clock, int *rc);

/* store_web.c (the web pages, issue 12). The collectors whose files were
 * read: each with its files, the newest file's first record and when a
 * file of it was last ingested (Unix time); name borrowed for the call. */
struct store_coll {
	const char *name;
	uint32_t files, newest;
	int64_t ingested;
};
typedef int (*store_coll_fn)(void *arg, const struct store_coll *c);
int store_collectors(struct store *s, store_coll_fn fn, void *arg);
/* The last n events of [from, to] (both included), in store_events'
 * order (store_read.c). */
int store_events_latest(struct store *s, uint32_t from, uint32_t to, uint32_t n, store_event_fn fn, void *arg);
/* The one event of key k (an event's permalink): fn gets it, *found says
 * whether there was one. */
int store_event_get(struct store *s, const struct store_ev_key *k, store_event_fn fn, void *arg, bool *found);
/* The stored engine state of the open store s, as store_state_engine
 * reads it: NULL with *rc when there is none (RW_ENOTFOUND) or it failed. */
struct engine *store_state_of(struct store *s, int *rc);
/* A file read to its end: recorded as done at the next checkpoint. */
void store_run_file_done(struct store_run *r, const struct store_file *f);
/* The clock moved to `clock` (the second before is evaluated, nothing of
 * clock applied): checkpoint when due. */
void store_run_second(struct store_run *r, uint32_t clock);
/* A checkpoint now, clock being the first second not applied. 0, or the
 * error (logged, rolled back). Nothing is lost: what it would have written
 * stays in memory and the next checkpoint writes it (store_run_second
 * tries again every 10 s of real time; it logs when storing resumes). */
int store_run_checkpoint(struct store_run *r, uint32_t clock);
/* Is a checkpoint due at this clock (the rules store_run_second applies)? */
bool store_run_due(struct store_run *r, uint32_t clock);
/* store_run_checkpoint on a thread of its own, for a caller whose event
 * loop must not wait for the disk (collect: a full table's snapshot takes
 * seconds, and the sessions' hold timers run meanwhile). Until
 * store_run_idle says it is over, the caller must not touch the engine,
 * the history or the store: the thread reads the first two and writes
 * the third. Runs it here when no thread can start. */
void store_run_checkpoint_async(struct store_run *r, uint32_t clock);
/* true when no checkpoint thread runs (one that ended is joined). */
bool store_run_idle(struct store_run *r);
/* Wait for a checkpoint thread, if one runs. */
void store_run_wait(struct store_run *r);
void store_run_close(struct store_run *r);

/* `ingest` (store_ingest.c): archives through the engine into the store,
 * incrementally: files already stored are skipped unread, the engine
 * continues from the stored snapshot and skips records before the store's
 * clock, checkpoints come every `every` seconds of record time (3600) but
 * not more often than every `every_wall` seconds of real time, and at the
 * end. */
struct store_ingest_opts {
	const char *db;            /* NULL: the default store */
	unsigned min_peers;        /* 0: the store's, else 2 */
	uint32_t gap;              /* engine.gap (docs/events.md §9); 0: none */
	/* a window (docs/events.md §8; 0: none). from: a new store's history
	 * begins there, from each collector's last RIB dump before it (an
	 * existing store is refused: its state goes on from its clock);
	 * until: no record at or after it is applied, and a file that goes
	 * on past it is not marked as stored (a later run continues it) */
	uint32_t from, until;
	uint32_t every, every_wall;
	const struct names *names; /* to store, or NULL */
	struct feed_opts feed;
	struct engine_vrps *vrps;  /* --vrps (docs/events.md §12), or NULL */
	const struct asrel *rel;   /* --relationships (§11), or NULL */
	const struct watch *watch; /* --watch (§13), or NULL */
	const struct geo *geo;     /* --countries (§14), or NULL */
};

struct store_ingest_result {
	char where[512];           /* the store, for messages */
	uint64_t files_done, files_known, events, intervals_opened, intervals_closed, points, commits;
	uint64_t files_refused;    /* wholly before the store's clock: nothing
				      applied, not marked as stored */
	uint32_t clock;            /* the store's clock after the run */
	struct engine_stats st;    /* this run's engine counters */
	uint32_t prefixes, paths;  /* the state after it */
	uint64_t routes;
	bool damaged;              /* some input was damaged or unreadable */
};

/* 0; RW_EINVAL when --min-peers differs from the store's, RW_EIO when it
 * cannot be opened, RW_EDB when it cannot be resumed or a checkpoint
 * failed (all logged). fst collects the inputs' stats. */
int store_ingest(char **paths, int n, const struct store_ingest_opts *o, struct feed_stats *fst,
		 struct store_ingest_result *res);

/* ---------------------------------------------------------------- backfill */

/*
 * The backfill's queue and pieces (store_backfill.c, docs/backfill.md):
 * PostgreSQL only. A plan cuts [from, until) of a mirror into windows,
 * rows of backfill_windows that workers anywhere claim under a lease
 * (FOR UPDATE SKIP LOCKED; the server's clock decides expiry). A worker
 * writes a window's events, series and interval pieces in the
 * transaction that marks it done; when every window is done, the pieces
 * are joined into intervals and origins, as one ingest would have made
 * them. The runner is src/backfill/; this is its SQL.
 */
struct store_bf_plan {
	const char *mirror;        /* the paths, newline-separated (borrowed) */
	const char *inputs;        /* the options every worker applies,
				      "NAME=VALUE" lines (backfill.c makes
				      and reads them; NULL: none; borrowed) */
	uint32_t from, until, window, settle, gap;
	unsigned min_peers;
};
/* Make the queue's tables (PostgreSQL; RW_EUNSUPPORTED, logged, on SQLite). */
int store_bf_schema(struct store *s);
/* Plan the windows in one transaction: RW_EINVAL (logged, naming the
 * window) when a window of it overlaps one planned before; *id and *n
 * say what was made. */
int store_bf_plan(struct store *s, const struct store_bf_plan *p, int64_t *id, uint32_t *n);

struct store_bf_window {
	int64_t id, plan;
	uint32_t from, until;      /* the window */
	uint32_t plan_from;        /* its plan's start: the first window keeps
				      what it learns before `from` */
	uint32_t settle, gap;
	unsigned min_peers;
	uint32_t attempt;          /* 1 for the first claim */
	char *mirror;              /* owned: newline-separated paths */
	char *inputs;              /* owned: its plan's inputs (store_bf_plan) */
	uint32_t end;              /* the queue's end (the latest window's
				      until): files whose records all lie
				      before it are recorded as read */
	bool last;                 /* the latest window of the queue: it
				      leaves the engine state a later
				      `ingest` continues from */
};
void store_bf_window_release(struct store_bf_window *w);
/* Claim the earliest claimable window (planned, or claimed with its lease
 * expired, or failed fewer than 3 times) for `lease` seconds: 1 with *w
 * filled, 0 when none is claimable, or the error. */
int store_bf_claim(struct store *s, const char *worker, uint32_t lease, struct store_bf_window *w);
/* Extend the lease; *mine false when another worker holds the window. */
int store_bf_renew(struct store *s, int64_t id, const char *worker, uint32_t lease, bool *mine);
/* Begin the window's transaction: *mine false (rolled back) when the
 * worker no longer holds it (its lease expired and another claimed it). */
int store_bf_done_begin(struct store *s, int64_t id, const char *worker, bool *mine);
/* A piece of the window's history (inside that transaction). Rows are
 * gathered and sent STORE_BF_BATCH to a statement (one round trip per
 * batch); store_bf_done_commit sends the rest, so an error of a row can
 * come from a later call. */
#define STORE_BF_BATCH 500
int store_backfill_piece_put(struct store *s, enum store_tab tab, int64_t win, int64_t seq,
			     const struct store_interval *iv);
int store_backfill_origin_put(struct store *s, enum store_tab tab, int64_t win, const struct store_origin *o);
/* A (prefix, origin) pair the window's detector asked about (hist.asks). */
int store_backfill_ask_put(struct store *s, int64_t win, const char *prefix, uint32_t origin);
/* Mark it done with its counts and commit (rolled back on error). */
struct store_bf_counts {
	uint64_t records, events, files;
	uint32_t clock;            /* the first second after what it learned */
	double seconds;            /* the run's wall time */
	const char *note;          /* "" or what went wrong but was kept
				      (damaged input) */
};
int store_bf_done_commit(struct store *s, int64_t id, const struct store_bf_counts *c);
/* Record a failure (its message shown by status); claimable again
 * until it has failed 3 times. */
int store_bf_fail(struct store *s, int64_t id, const char *worker, const char *msg);
/* Windows not done, those of them claimable now, and those held by a
 * live lease (left - claimable - held: failed for good). */
int store_bf_left(struct store *s, int64_t *left, int64_t *claimable, int64_t *held);
/* When every window is done and some are not joined yet: the pieces
 * into intervals and origins (the countries' into country_intervals and
 * countries), the clock and --min-peers into meta, in one transaction
 * (one joiner at a time). *joined says whether it ran. */
int store_bf_join(struct store *s, bool *joined);
/* A backfill planned into this store and not joined yet (0 on SQLite
 * and on stores without a queue): ingest and collect refuse to write
 * into it. */
int store_bf_unjoined(struct store *s, int64_t *n);

struct store_bf_status {
	int64_t planned, claimed, done, failed, expired;
	int64_t plans, joined_plans;
	uint64_t records, events;
	double busy_s;             /* summed wall time of the done windows */
	int64_t first_claim, last_done; /* server times (0: none) */
	int64_t now;
};
/* The counts, and fn for each window with a message (failures and
 * notes), in time order. */
typedef int (*store_bf_msg_fn)(void *arg, uint32_t from, uint32_t until, const char *state, int64_t attempts,
			       const char *worker, const char *msg);
int store_bf_status(struct store *s, struct store_bf_status *st, store_bf_msg_fn fn, void *arg);
/* Every plan, in the order made: fn(arg, id, plan) (its strings live for
 * the call); a non-zero return stops. */
typedef int (*store_bf_plan_fn)(void *arg, int64_t id, const struct store_bf_plan *p);
int store_bf_plans(struct store *s, store_bf_plan_fn fn, void *arg);

#endif
