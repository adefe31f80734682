/*
 * pipe: the live pipeline. Sources that produce records as they arrive
 * (live/: BGP sessions and the BMP station) feed one engine; every record
 * goes to its collector's archive (sink/) and through the engine by the
 * path archives take (engine_record), so replaying the archive gives the
 * events the live run determined. The events of each evaluated second go
 * to the output (out/, the format the caller chose) and to the alerts; the
 * history goes into the store through the store runner; the Adj-RIB-In
 * gives the periodic RIB dumps.
 *
 * `collect` runs it; `watch` (public feeds) and `collect --http` build on
 * it. Nothing here parses options or chooses formats.
 */
#ifndef RW_PIPE_H
#define RW_PIPE_H

#include "../live/live.h"
#include "../out/out.h"
#include "../io/io.h"

struct pipe_cfg {
	struct live_cfg live;      /* the sources */
	const char *archive;       /* directory, or NULL */
	enum io_comp comp;
	uint32_t rotate;           /* seconds per updates file (900) */
	uint32_t rib_every;        /* seconds between RIB dumps; 0: none */
	unsigned min_peers;        /* 0: the store's, else 2 */
	const char *db;            /* history store, or NULL */
	uint32_t checkpoint;       /* wall seconds between store checkpoints */
	struct out *out;           /* borrowed: where events are printed */
	const struct names *names; /* borrowed, may be NULL: for alerts */
	const char *exec_cmd;      /* --exec, or NULL */
	const char *webhook;       /* --webhook, or NULL */
	/* docs/events.md §12: VRPs from a file (read again when it changes)
	 * or from an RTR server; at most one of them, or none */
	const char *vrps;
	const char *rtr_host, *rtr_port;
	const struct asrel *rel;   /* docs/events.md §11, borrowed, or NULL */
	const struct watch *watch; /* docs/events.md §13, borrowed, or NULL */
	const struct geo *geo;     /* docs/events.md §14, borrowed, or NULL */
	/* alerts per watch-list group: an event of a group that has one goes
	 * there (to each of its groups that has one), the rest to exec_cmd /
	 * webhook */
	const struct pipe_group_alert *galerts;
	uint32_t ngalerts;
	const struct pipe_front *front; /* borrowed, or NULL */
	/* `watch`: the clock is the records' (a public collector's time, as
	 * in its archive), not the wall clock: a second is evaluated when a
	 * later record comes, or when none came for a whole tick; every
	 * record is also seen as an archive's is (docs/events.md §9: a
	 * collector silent for over `gap` seconds has a collector_gap) */
	bool stream_clock;
	uint32_t gap;              /* with stream_clock: 0 = 1800 */
	/* with stream_clock: a record waits until one this many seconds
	 * later came (or a quiet tick), so records of several collectors
	 * reach the engine in time order; 0: at once */
	uint32_t reorder;
	/* the events printed and alerted (types, origins; borrowed, NULL:
	 * all); the store takes every event */
	const struct det_filter *filter;
	/* --follow (cfg->live.follow): a hole in a collector's files, or a
	 * collector without a new file, holds the others back for at most
	 * this many seconds (0 = 900) */
	uint32_t follow_late;
};

/* A front end on the collector's loop (collect --http): start once the
 * sources listen (the pipe and its loop, borrowed until stop), event for
 * each event as it is printed, stop when the loop is over, before the
 * sources close. Called on the loop's thread. */
struct pipe;
struct event_base;
struct pipe_front {
	void (*start)(void *arg, struct pipe *p, struct event_base *base);
	void (*event)(void *arg, const struct store_event *e);
	void (*stop)(void *arg);
	void *arg;
};

/* What a front end may read, on the loop's thread: the engine (not while
 * pipe_frozen: a checkpoint thread reads it then; after it, the state
 * may lag the records held meanwhile by up to a second) and the counts. */
struct engine *pipe_engine(struct pipe *p);
bool pipe_frozen(struct pipe *p);
struct pipe_stats {
	struct live_counts live;   /* sessions, routers, messages */
	uint64_t records;          /* records through the engine */
	bool have_db;
	uint32_t store_clock;      /* the store's clock (0: no --db) */
	uint64_t commits, checkpoint_failures;
	bool have_alerts;
	uint64_t alerts_queued, alerts_dropped;
	bool have_archive, archive_failing;
	uint64_t archive_files, archive_records, archive_waiting; /* bytes */
	uint64_t adj_routes, adj_bytes;
};
void pipe_stats(struct pipe *p, struct pipe_stats *st);

struct pipe_group_alert {
	const char *group;
	const char *exec_cmd;      /* or NULL */
	const char *webhook;       /* or NULL */
};

/* Runs until SIGTERM or SIGINT. 0 on a clean stop with every record on
 * disk; RW_EINVAL when the configuration cannot run (logged), RW_EIO
 * when files or the store were left unwritten (logged). */
int pipe_collect(const struct pipe_cfg *cfg);

#endif
