/*
 * engine: one engine for every source. Route elements (from archives, live
 * BGP sessions and BMP feeds alike) go into the rib; when the clock moves
 * to a new second, the detector evaluates the second that ended.
 *
 * The archive driver (archive.c) merges the records of many files by time
 * (docs/events.md §1): a heap over the open files, files opened when their first
 * record is due, RIB dumps applied whole at their time.
 */
#ifndef RW_ENGINE_H
#define RW_ENGINE_H

#include <stdatomic.h>
#include "../detect/det.h"
#include "../feed/feed.h"

struct engine_stats {
	uint64_t elems, announces, withdraws, rib_entries, state_changes, peer_downs;
	uint64_t seconds, dumps, baselines, out_of_order;
	/* announcements not kept: the AS path could not be read or keyed
	 * (longer than a key holds), or the peer is beyond the rib's cap */
	uint64_t unusable;
};

/* A route change waiting in the batch: everything it needs is copied out
 * of the element (whose bytes live only during the callback). */
#define ENGINE_BATCH 64
#define ENGINE_KEY 72

struct engine_op {
	uint8_t type;        /* BGP_ELEM_ANNOUNCE/RIB or BGP_ELEM_WITHDRAW */
	bool same_path;      /* same key as op `src` (same UPDATE) */
	bool same_pfx;       /* an announcement of the op before's prefix
				(flush_ops) */
	uint8_t run;         /* the first of a run of announcements of one
				prefix: their number (flush_ops) */
	uint8_t src;
	uint16_t klen;
	uint32_t peer, addpath;
	uint32_t pfx_hash, path_hash;
	uint32_t pfx, path;  /* resolved ids */
	uint32_t set;        /* Adj-RIB-In attribute set (RIB_NONE: none) */
	uint32_t ref;        /* engine.cur_ref when it came (rib.src_ref) */
	struct rw_prefix p;
	uint8_t key[ENGINE_KEY];
	struct rib_ou ou;    /* the key's origin and upstream, as it was made */
	bool hashed;         /* pfx_hash and path_hash came computed (a
				worker's, engine_elem_pre) */
};

/* An element as a decoding thread prepares it for engine_elem_pre (the
 * parallel RIB load, archive.c): what engine_elem reads from a bgp_elem,
 * copied, with the prefix's and path key's hashes computed off the main
 * thread. In a buffer, the path key's klen bytes follow it, padded to 8
 * bytes (ENGINE_PRE_PAD): entries are read in place. */
struct engine_pre {
	uint8_t type;           /* enum bgp_elem_type; ENGINE_PRE_RECORD: the
				   next record of the file begins */
	bool addpath;           /* pfx.path_id is an ADD-PATH id */
	bool nokey;             /* announcement whose path has no key (longer
				   than a key can be): not usable */
	uint16_t old_state, new_state;
	uint32_t klen;
	uint32_t peer_asn;
	uint32_t pfx_hash, path_hash;
	uint64_t attrs_gen;     /* with src: the same-UPDATE test of
				   engine_elem (decoder's generation) */
	const void *src;        /* the decoder's attributes (identity only) */
	struct rib_ou ou;       /* the key's origin and upstream (rib_path_key_ou) */
	struct rw_addr peer;
	struct rw_prefix pfx;
};
#define ENGINE_PRE_RECORD 0xff
/* the key bytes after an engine_pre in a buffer, padded to 8 */
#define ENGINE_PRE_PAD(klen) (((size_t)(klen) + 7) & ~(size_t)7)

/* What the engine knows of a collector's data in time (docs/events.md §9),
 * by rib collector id. */
struct engine_coll {
	uint32_t last;       /* time of its last record; 0: none yet */
	uint32_t gap_from;   /* start of its last gap while no RIB dump has
				followed it yet; 0: none */
	bool last_rib;       /* the last record was a RIB dump's */
};

#define ENGINE_GAP_DEFAULT 1800

/* docs/events.md §15: a record applied in the second being filled, kept
 * while proofs are on (engine_keep_proofs) until the second is evaluated.
 * Its bytes (DET_PROOF_MAX at most) are in engine.recbuf. */
struct engine_rec {
	const char *file;    /* borrowed from the driver (NULL: a live feed) */
	uint32_t coll;       /* rib collector id */
	uint64_t off;        /* offset in the file's decompressed stream */
	uint32_t time;
	uint32_t at, len;    /* its bytes in recbuf; len 0: longer than
				DET_PROOF_MAX, not kept */
	uint32_t rec_len;    /* its whole length */
};
/* rib.src_ref values beside a record's index: the changes of a session
 * that ended, of a RIB dump (its entries and its sweep) */
#define ENGINE_REF_SESSION (RIB_NONE - 1)
/* the record bytes kept per second at most (a burst's beyond: file and
 * offset only) */
#define ENGINE_PROOF_SECOND (64u << 20)
#define ENGINE_REF_DUMP (RIB_NONE - 2)

struct engine {
	struct rib rib;
	struct det det;
	struct arena scratch;     /* per element: path decoding on a miss */
	det_event_fn fn;          /* where events go */
	void *arg;
	uint32_t sec;             /* the second being filled */
	bool have_sec;
	bool baseline;            /* a first dump was applied in sec */
	bool in_dump;
	uint32_t dump_coll;
	uint64_t last_gen;          /* the prefixes of an UPDATE share attrs: */
	const struct bgp_attrs *last_attrs; /* (decoder's attrs, generation) */
	/* Route changes are applied in batches: the hash-table slots, entries
	 * and route arrays they need are prefetched stage by stage, so the
	 * cache misses of a batch overlap instead of adding up. */
	struct engine_op *ops;      /* owned, ENGINE_BATCH */
	unsigned nops;
	int last_op;                /* index of the batch op with last_gen's key */
	struct rib_adj *adj;        /* owned; NULL unless engine_keep_adj */
	struct engine_coll *coll;   /* owned, by rib collector id */
	uint32_t capcoll;
	uint32_t gap;               /* --gap: seconds without a record that
				       make a collector_gap (0: never) */
	uint32_t since;             /* a dump after a gap that began then was
				       applied in sec (0: none) */
	struct engine_stats st;
	/* docs/events.md §15 (engine_keep_proofs): the second's records, and
	 * the one being applied (RIB_NONE: none; an ENGINE_REF_*) */
	bool proofs;
	struct engine_rec *recs;    /* owned, reset after each evaluation */
	uint32_t nrecs, caprecs;
	struct obuf recbuf;         /* owned: their bytes */
	uint32_t cur_ref;
	const char *dump_file;      /* borrowed: the RIB dump being applied */
	struct mrt_dec *pdec;       /* owned, made on first use: decodes kept
				       records again to find an event's */
	/* the rib peer ids of recent (collector, address, ASN)s: a RIB
	 * record's entries cycle through the same peers, so most elements
	 * find theirs here instead of hashing 24 bytes (two ways of 128
	 * sets: direct-mapped on 64 slots, two of 20 peers shared a slot
	 * and missed on every entry, a third of them; id RIB_NONE: empty;
	 * peer ids never change) */
	struct engine_peer_slot {
		uint32_t coll, asn, id;
		struct rw_addr addr;
	} peer_cache[256];
};

void engine_init(struct engine *e, unsigned min_peers, det_event_fn fn, void *arg);
void engine_release(struct engine *e);
/* Keep an Adj-RIB-In beside the route state (the collector's RIB dumps):
 * from now on every route the rib takes keeps its attributes as received.
 * Such an engine takes its routes from sessions, never from RIB dumps:
 * the end-of-dump sweep of stale routes would not reach the Adj-RIB-In
 * (engine_dump_begin refuses). */
void engine_keep_adj(struct engine *e);
/* A peer's BGP identifier (from its OPEN), for the Adj-RIB-In's dumps. */
void engine_peer_bgp_id(struct engine *e, uint32_t collector, const struct rw_addr *addr, uint32_t asn,
			uint32_t bgp_id);
/* docs/events.md §15: from now on every event carries its proof
 * (det_event.proof): the record of the first change that made it, or
 * why there is none. Costs a copy of each update record (not of RIB
 * dumps) into a buffer reset every second. */
void engine_keep_proofs(struct engine *e);
/* The record whose elements follow (from file at rec->off; file NULL: a
 * live feed, borrowed until the second is evaluated), and its end.
 * engine_record calls them itself. No-ops without proofs. */
void engine_rec_begin(struct engine *e, uint32_t collector, const struct mrt_rec *rec, const char *file);
static inline void engine_rec_end(struct engine *e)
{
	e->cur_ref = RIB_NONE;
}
/* Move the clock to `sec`: evaluate the second that ended if sec is later.
 * An earlier sec (a record out of order) counts in the current second. */
void engine_time(struct engine *e, uint32_t sec);
/* Apply one element of a collector. */
void engine_elem(struct engine *e, uint32_t collector, const struct bgp_elem *el);
/* The same as an mrt_elem_fn: arg is a struct engine_src. */
struct engine_src {
	struct engine *e;
	uint32_t collector;
};
int engine_on_elem(void *arg, const struct bgp_elem *el);
/* engine_elem for an element a worker prepared (key: its klen bytes);
 * the same effects and counts, in the same order. */
void engine_elem_pre(struct engine *e, uint32_t collector, const struct engine_pre *q, const uint8_t *key);
/* Prepare el (a worker's side, touching no engine state): the engine_pre
 * and path key appended to out. *last is the worker's own: the last
 * prefix hashed, whose hash the next element of the same prefix (a RIB
 * record's 20 to 125 entries) reuses; zero it before the first call. */
struct engine_pre_last {
	struct rw_prefix p;
	uint32_t hash;
	bool set;
};
void engine_pre_put(struct obuf *out, const struct bgp_elem *el, struct engine_pre_last *last);
/* A record of a collector, decoded by dec and applied (live sources make
 * the records a collector archives, so live and replay share this path).
 * The caller moves the clock first. *res: what decoding found. */
void engine_record(struct engine *e, uint32_t collector, struct mrt_dec *dec, const struct mrt_rec *rec,
		   struct mrt_result *res);
/* A record of an archived collector at ts (rib: of a RIB dump), after the
 * clock moved to it (docs/events.md §9): a silence of the collector over
 * missing update files (missing_before), or one longer than e->gap next
 * to an update record, is a collector_gap event {time: its last record
 * before, determined: this one}. Between two RIB dumps a silence is the
 * input's sampling (monthly dumps to follow years), not a gap. Live
 * sources do not call it: their sessions say when data stops. */
void engine_seen(struct engine *e, uint32_t collector, uint32_t ts, bool missing_before, bool rib);
/* A RIB dump of a collector, applied whole in the current second; the
 * first after a gap of the collector reveals what changed during it. */
void engine_dump_begin(struct engine *e, uint32_t collector);
void engine_dump_end(struct engine *e);
/* Evaluate the last second (end of input). */
void engine_flush(struct engine *e);

/* docs/events.md §11: find route leaks with these relationships
 * (borrowed; NULL: none). Set before the first record. */
void engine_relationships(struct engine *e, const struct asrel *rel);
/* docs/events.md §14: country events from the networks' countries (geo
 * borrowed for the engine's life). Before any input. */
void engine_countries(struct engine *e, const struct geo *g);
/* docs/events.md §13: the events of a watch list (borrowed; NULL: none).
 * Set before the first record. */
void engine_watch(struct engine *e, const struct watch *w);
/* docs/events.md §12: validate routes against v (borrowed; NULL: none).
 * Set before the first record. */
void engine_rpki(struct engine *e, struct rpki *v);
/* The VRP set changed at second sec (v holds the new set already: move
 * the clock to sec with engine_time before changing it, so that the
 * seconds before are evaluated with the old one; changed: the VRPs added
 * or removed): the clock moves to sec, and every
 * prefix with routes that a changed VRP covers is validated again in
 * that second. */
void engine_vrps_changed(struct engine *e, uint32_t sec, const struct rpki_vrp *changed, uint32_t n);

/* Snapshots (engine_snap.c). Save after engine_flush; load into a fresh
 * engine_init'ed engine with the same min_peers. On error release the
 * engine; err says what is wrong. */
int engine_save(const struct engine *e, struct obuf *o);
int engine_load(struct engine *e, const uint8_t *p, size_t n, char *err, size_t esz);

/* ---------------------------------------------------------------- VRPs */

/* docs/events.md §12 over archives: VRP files, each in force from its
 * time (0: from the start), loaded as the clock reaches them. */
struct engine_vrp_file {
	uint32_t from;
	const char *path;        /* borrowed (argv) */
};
struct engine_vrps {
	struct rpki set;         /* the VRPs in force (owned) */
	struct engine_vrp_file *f; /* owned, sorted by from */
	uint32_t n, cap, next;   /* files; the next to load */
	int status;              /* 1 once a file could not be read */
};

void engine_vrps_init(struct engine_vrps *s);
void engine_vrps_release(struct engine_vrps *s);
/* "FILE" or "FILE@TIME" (TIME as parse_time reads it): added. 0 or
 * RW_EINVAL (logged). */
int engine_vrps_add(struct engine_vrps *s, const char *arg);
/* Load the files in force at second `at` (0: the start; a resumed run:
 * its clock) into s->set and validate e's routes against it, silently:
 * before the first record. 0, or the read's error (logged with its
 * file). */
int engine_vrps_start(struct engine *e, struct engine_vrps *s, uint32_t at);
/* The clock reaches ts: every file due by then replaces the set in its
 * own second (engine_vrps_changed); archive_run also calls it at the
 * end of the input, up to its `until` (or every file left). A file that cannot be read leaves
 * the set as it was (logged; s->status 1). */
void engine_vrps_due(struct engine *e, struct engine_vrps *s, uint32_t ts);

/* ---------------------------------------------------------------- archives */

struct archive_opts {
	uint32_t until;         /* apply no record after this time (0 = all):
				   a window's end plus its settle time, or the
				   time of `as --at` */
	uint32_t from;          /* skip records before this time (0 = none):
				   a store's clock, what an earlier run applied.
				   A window's start is not given here:
				   feed_inputs_window marks the inputs (their
				   `outside`, `start`) */
	struct feed_opts feed;
	/* optional: the clock moved to a new second `sec` (the one before it
	 * is evaluated, nothing of sec applied yet: a snapshot now continues
	 * exactly); and input `idx` is finished (read to its end or to the
	 * damage that stopped it) with `applied` records through the engine
	 * and `skipped` before `from` (applied 0, skipped > 0: all of it lay
	 * before `from`) */
	void (*second)(void *arg, uint32_t sec);
	void (*file_done)(void *arg, size_t idx, bool damaged, uint64_t applied, uint64_t skipped);
	void *arg;
	struct engine_vrps *vrps; /* optional: VRP files to switch to in time */
	/* optional (borrowed): set by another thread, the run stops before
	 * its next record (a RIB dump being loaded is loaded to its end);
	 * what it applied stands, as after a damaged input */
	const atomic_bool *stop;
};

/* Windows (docs/events.md §8). archive_window: the events of from <= t <
 * until: the state at the end of second from - 1 (from 0: every collector
 * from its first file), then the records up to until + settle (until 0:
 * to the end); every collector's update records are read from the
 * earliest of the collectors' starting dumps (feed_inputs_window's
 * `episodes`), so that the episodes the window inherits are counted by
 * all their peers. archive_at: the state at the end of second t, each
 * collector from its own dump. Both mark the inputs and set o->until; the
 * time filter of the events is the caller's (det_filter). */
void archive_window(struct feed_inputs *in, struct archive_opts *o, uint32_t from, uint32_t until, uint32_t settle);
void archive_at(struct feed_inputs *in, struct archive_opts *o, uint32_t t);

/* Run every input (feed_inputs) through the engine in time order: inputs
 * marked `outside` are not opened, the records of an input before its
 * `start` are skipped (feed_inputs_window; docs/events.md §8). Returns
 * 0, or 1 when some input was damaged (reported) — the events up to the
 * damage stand. */
int archive_run(struct engine *e, const struct feed_inputs *in, const struct archive_opts *o, struct feed_stats *st);

/* The state at the end of second `at` (0: the end of the input) of the
 * archives under paths (walked, collectors named by nm), in an engine that
 * reports nothing: what `as` and `prefix` query. Returns the engine
 * (release and free it) and *status 0, or 1 when an input was damaged or
 * unreadable. */
struct engine *archive_state(char **paths, int n, const struct feed_names *nm, const struct io_opts *io, uint32_t at,
			     struct feed_stats *st, int *status);
/* The same over the window [from, until) (archive_window; 0: open ends),
 * calling on_path(arg, rib, id) with each AS path as the rib interns it
 * anew: every distinct path of the window (the state at from - 1
 * included) once, or again after no route held it for a while. What
 * `relationships` infers from. */
struct engine *archive_paths(char **paths, int n, const struct feed_names *nm, uint32_t from, uint32_t until,
			     rib_path_fn on_path, void *arg, struct feed_stats *st, int *status);

/* ---------------------------------------------------------------- inputs */

/* The files that change what the engine detects (engine_inputs.c,
 * docs/events.md §11-§14), one loader for events, ingest, collect, watch
 * and every backfill window. The option letters are the cli's. */
enum engine_input {
	ENGINE_IN_VRPS = 'V',       /* --vrps FILE[@TIME], repeatable */
	ENGINE_IN_REL = 'L',        /* --relationships FILE, one */
	ENGINE_IN_WATCH = 'W',      /* --watch FILE (BGPalerter prefixes.yml), one */
	ENGINE_IN_COUNTRIES = 'E',  /* --countries FILE, repeatable: they add up */
};
struct engine_inputs {
	struct engine_vrps vrps;   /* owned; its paths borrowed (the args) */
	struct asrel rel;          /* owned */
	bool have_rel;
	struct watch watch;        /* owned */
	bool have_watch;
	struct geo geo;            /* owned */
	bool have_geo;
};
void engine_inputs_init(struct engine_inputs *s);
void engine_inputs_release(struct engine_inputs *s);
/* Option opt (enum engine_input) with its argument: loaded (VRP files are
 * read by engine_inputs_apply, or when their time comes). 0; RW_EINVAL
 * for a usage error (a second --relationships or --watch, a bad @TIME),
 * RW_EIO when the file cannot be read or parsed; err then says why,
 * naming the option and the file (not logged: the caller decides where
 * the message goes). */
int engine_inputs_add(struct engine_inputs *s, int opt, const char *arg, char *err, size_t esz);
/* One --relationships FILE into rel (*have: one was read), as above. */
int engine_rel_load(struct asrel *rel, bool *have, const char *arg, char *err, size_t esz);
/* What was loaded, to an engine made for a run over archives (the VRP
 * files in force at `at`, and their times for ao, which may be NULL): 0,
 * or RW_EIO when a VRP file cannot be read (logged with its name). */
int engine_inputs_apply(struct engine_inputs *s, struct engine *e, uint32_t at, struct archive_opts *ao);

#endif
