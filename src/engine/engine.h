/*
 * engine: one engine for every source. Route elements (from archives now,
 * from live sessions and BMP later) go into the rib; when the clock moves to
 * a new second, the detector evaluates the second that ended.
 *
 * The archive driver (archive.c) merges the records of many files by time
 * (EVENTS.md §1): a heap over the open files, files opened when their first
 * record is due, RIB dumps applied whole at their time.
 */
#ifndef RW_ENGINE_H
#define RW_ENGINE_H

#include "../detect/det.h"
#include "../feed/feed.h"

struct engine_stats {
	uint64_t elems, announces, withdraws, rib_entries, state_changes, peer_downs;
	uint64_t seconds, dumps, baselines, out_of_order;
};

/* A route change waiting in the batch: everything it needs is copied out
 * of the element (whose bytes live only during the callback). */
#define ENGINE_BATCH 64
#define ENGINE_KEY 72

struct engine_op {
	uint8_t type;        /* BGP_ELEM_ANNOUNCE/RIB or BGP_ELEM_WITHDRAW */
	bool same_path;      /* same key as op `src` (same UPDATE) */
	uint8_t src;
	uint16_t klen;
	uint32_t peer, addpath;
	uint32_t pfx_hash, path_hash;
	uint32_t pfx, path;  /* resolved ids */
	struct rw_prefix p;
	uint8_t key[ENGINE_KEY];
};

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
	struct engine_stats st;
};

void engine_init(struct engine *e, unsigned min_peers, det_event_fn fn, void *arg);
void engine_release(struct engine *e);
/* Move the clock to `sec`: evaluate the second that ended if sec is later.
 * An earlier sec (a record out of order) counts in the current second. */
void engine_time(struct engine *e, uint32_t sec);
/* Apply one element of a collector. */
void engine_elem(struct engine *e, uint32_t collector, const struct bgp_elem *el);
/* A RIB dump of a collector, applied whole in the current second. */
void engine_dump_begin(struct engine *e, uint32_t collector);
void engine_dump_end(struct engine *e);
/* Evaluate the last second (end of input). */
void engine_flush(struct engine *e);

/* Snapshots (engine_snap.c). Save after engine_flush; load into a fresh
 * engine_init'ed engine with the same min_peers. On error release the
 * engine; err says what is wrong. */
int engine_save(const struct engine *e, struct obuf *o);
int engine_load(struct engine *e, const uint8_t *p, size_t n, char *err, size_t esz);

/* ---------------------------------------------------------------- archives */

struct archive_input {
	char *path;        /* owned */
	char *collector;   /* owned */
	uint32_t first_ts; /* first record's time (0 when unreadable) */
	bool rib;          /* a RIB dump (TABLE_DUMP[_V2]) */
	bool named;        /* time and kind read from the file name */
	bool walked;       /* found in a directory (not named by the user) */
	bool not_mrt;      /* its first bytes are no MRT header */
	uint32_t order;    /* position after sorting (ties keep file order) */
};

struct archive_opts {
	const char *collector;  /* --collector: overrides directory names */
	uint32_t until;         /* stop before records after this time (0 = all) */
	uint32_t from;          /* skip records before this time (0 = none):
				   the store's clock when continuing */
	struct feed_opts feed;
	/* optional: the clock moved to a new second `sec` (the one before it
	 * is evaluated, nothing of sec applied yet: a snapshot now continues
	 * exactly); and input `idx` is finished (read to its end or to the
	 * damage that stopped it) */
	void (*second)(void *arg, uint32_t sec);
	void (*file_done)(void *arg, size_t idx, bool damaged);
	void *arg;
};

/* Walk files and directories (recursively, names sorted) into inputs
 * sorted by (first record time, RIB before updates, collector, path).
 * Returns 0, or RW_EIO when a path cannot be read (logged). */
int archive_inputs(char **paths, int n, const struct archive_opts *o, struct archive_input **out,
		   size_t *nout, struct feed_stats *st);
void archive_inputs_free(struct archive_input *in, size_t n);
/* Run every input through the engine in time order. Returns 0, or 1 when
 * some input was damaged (reported) — the events up to the damage stand. */
int archive_run(struct engine *e, struct archive_input *in, size_t n, const struct archive_opts *o,
		struct feed_stats *st);

#endif
