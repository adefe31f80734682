/*
 * store: the history routewatch keeps for years (ARCHITECTURE.md store/).
 * One schema on either backend of db.h:
 *
 *   meta             schema version, --min-peers of the state, the clock
 *                    (every record before it is applied)
 *   state            the engine snapshot (zstd, in parts), so the next
 *                    ingest continues exactly where this one stopped
 *   files            every file ingested completely, by identity
 *   names            AS names
 *   events           EVENTS.md events, one row per grouped event
 *   intervals        per (origin, upstream): when it was an upstream, with
 *                    its time-weighted mean and max share of the origin's
 *                    routes
 *   origins          per origin: first seen, prefixes and routes now
 *   origin_series    per origin and STORE_BUCKET: prefixes and routes at the
 *                    last change in the bucket, and its routes per upstream
 *                    ("4837:40 20485:16"; absent = 0)
 *
 * Times are unix seconds; origin -1 stands for "no origin" (EVENTS.md null).
 * Everything an ingest writes between two checkpoints is one transaction.
 */
#ifndef RW_STORE_H
#define RW_STORE_H

#include "db.h"
#include "../names/names.h"

#define STORE_SCHEMA 2
#define STORE_BUCKET 300 /* series resolution in seconds */

struct store {
	struct db *db;      /* owned */
	char *where;        /* owned: path or URI without password, for messages */
	struct db_stmt *st[16]; /* writers' statements, prepared on first use, owned */
};

/* Open (creating the schema when missing). err names the store. */
int store_open(struct store *s, const char *uri, char *err, size_t esz);
void store_close(struct store *s);
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
/* Names of these ASNs into nm (those the store knows). */
int store_names_get(struct store *s, struct names *nm, const uint32_t *asn, size_t n);

/* ---------------------------------------------------------------- rows */

struct store_event {
	uint8_t type;        /* enum det_type */
	bool has_origin;
	bool flag;           /* new_for_origin / last_for_origin */
	uint32_t time, determined, origin, upstream, peers, origin_prefixes;
	char *prefixes;      /* space-separated, in rw_prefix_cmp order */
};
/* Insert, or merge into the stored event with the same (type, time,
 * origin, upstream): prefixes united, flags or'ed, counts maxed. */
int store_event_merge(struct store *s, const struct store_event *e);

struct store_interval {
	uint32_t origin, upstream, start;
	uint32_t end;        /* 0 while open */
	uint32_t acc_ts;     /* area and seconds count up to here */
	uint64_t seconds;    /* seconds the origin was visible in it */
	double area;         /* integral of the share over those seconds */
	double share_max, share_now;
	bool visible;        /* the origin had routes at acc_ts */
};
int store_interval_put(struct store *s, const struct store_interval *iv);

struct store_origin {
	uint32_t origin, first_seen, prefixes, routes, changed;
};
/* first_seen is kept from the first write. */
int store_origin_put(struct store *s, const struct store_origin *o);

/* A series point: the origin's counts and its routes per upstream at
 * second ts (the last change in its bucket; replaces the bucket's point). */
struct store_point {
	uint32_t origin, ts, prefixes, routes;
	uint32_t n;          /* entries in up[] */
	const uint32_t (*up)[2]; /* (upstream, routes), borrowed */
};
int store_point_put(struct store *s, const struct store_point *p);

#endif

/* ---------------------------------------------------------------- reading */

/* An origin's history: its origins row and every interval (sorted by
 * upstream, then start), open ones integrated up to the store's clock. */
struct store_history {
	bool found;
	uint32_t origin, first_seen, prefixes, routes, changed, clock;
	struct store_interval *iv; /* owned */
	size_t niv;
};
int store_history(struct store *s, uint32_t origin, struct store_history *h);
void store_history_free(struct store_history *h);
/* The interval's mean share: its area over the seconds the origin was
 * visible, open intervals carried on to `clock` at their current share. */
double store_interval_mean(const struct store_interval *iv, uint32_t clock);
/* Its area and visible seconds, carried on to clock the same way. */
void store_interval_acc(const struct store_interval *iv, uint32_t clock, double *area, double *secs);

/* Events with time in [from, to] (origin: one origin, or all when
 * all_origins), sorted as `routewatch events` sorts them. The event and its
 * prefixes are borrowed for the callback; non-zero from it stops. */
typedef int (*store_event_fn)(void *arg, const struct store_event *e);
int store_events(struct store *s, bool all_origins, uint32_t origin, uint32_t from, uint32_t to,
		 store_event_fn fn, void *arg);

/* The series of an origin over [from, to]: the last point before from and
 * every point in the window, each with its routes per upstream. */
struct store_series_pt {
	uint32_t ts, prefixes, routes;
	uint32_t up_off, up_n;      /* into store_series.up */
};
struct store_series {
	struct store_series_pt *pt; /* owned, by time */
	size_t n;
	uint32_t (*up)[2];          /* owned: (upstream, routes) */
	size_t nup;
};
int store_series(struct store *s, uint32_t origin, uint32_t from, uint32_t to, struct store_series *out);
void store_series_free(struct store_series *ss);

/* Was the origin down (origin_down without origin_up since) at time t?
 * *since gets the down time. */
int store_origin_down_at(struct store *s, uint32_t origin, uint32_t t, bool *down, uint32_t *since);

/* A synthetic store (store_synth.c): norigins origins with `days` of
 * events from t0, for timing history and report at full-table scale. */
int store_synth_year(struct store *s, uint32_t norigins, uint32_t t0, uint32_t days, uint64_t seed);
