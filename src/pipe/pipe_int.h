/* pipe/ internals shared by its files: struct pipe (pipe.c: the run, the
 * hooks' wiring, ticks, status), and the record path (pipe_rec.c: the
 * clock, events, records, the freeze during a checkpoint). */
#ifndef RW_PIPE_INT_H
#define RW_PIPE_INT_H

#include "pipe.h"
#include "../engine/engine.h"
#include "../sink/sink.h"
#include "../store/store.h"

#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* A source's collector: the BGP sessions', or a BMP router's. Its archive
 * is its own even when its name is another's (a router at the address the
 * BGP sessions listen on): they share the engine's collector of that name,
 * as a replay of the two directories under the same name would. */
struct pcoll {
	char *name;                /* owned */
	bool bgp;
	uint32_t eng;              /* the engine's collector id */
	struct sink_arch *upd;     /* the writer's; NULL without --archive */
	struct sink_arch *rib;     /* with --rib-every */
};

struct pipe {
	const struct pipe_cfg *cfg;
	struct live_hooks hooks;   /* what live/ calls, with this pipe as arg */
	struct live_cfg lcfg;      /* cfg->live, with a resumed store's clock */
	struct live *lv;
	struct engine *eng;        /* owned */
	struct mrt_dec dec;        /* decodes every record */
	struct det_group g;        /* events of the second being evaluated */
	struct store_run run;      /* with --db */
	bool have_db;
	struct sink_writer *writer;/* owned: every archive is its */
	struct pcoll *coll;        /* owned, indexed by the ids live/ carries */
	uint32_t ncoll, capcoll;
	uint32_t next_dump;        /* time of the next RIB dump */
	struct alerts *alerts;     /* owned, or NULL */
	struct alerts **galerts;   /* owned, one per cfg->galerts (NULL: none) */
	struct out js;             /* events as JSON for the alerts */
	struct obuf jsb;
	char *pbuf;                /* an event's prefixes as text */
	size_t pcap;
	uint64_t nrec;
	/* stream_clock: the latest record's second, and ticks since a record */
	uint32_t last_ts;
	bool have_last;
	unsigned idle;
	/* stream_clock with reorder (pipe_rec.c): records waiting, a heap */
	struct rwait **rq;
	uint32_t nrq, caprq;
	uint64_t rq_seq;
	uint32_t rq_max;           /* the latest record time come */
	uint64_t last_msgs;
	double last_t;
	bool frozen;               /* a checkpoint thread reads the engine */
	bool stopping;             /* the loop is over: checkpoints are the caller's */
	struct obuf held;          /* records and peer-ups while frozen (held_put) */
	uint64_t nheld;
	/* --follow (pipe_follow.c) */
	struct pfile *fl;          /* owned: landed files, applied or waiting */
	uint32_t nfl, capfl;
	uint32_t fl_upto;          /* files before this time went through */
	bool fl_have_upto;
	uint32_t fl_from;          /* a resumed store's clock: records before skipped */
	double fl_landed;          /* when the last file landed */
	double fl_checked;         /* when the files were last looked at */
	uint64_t fl_late, fl_batches, fl_files;
	uint32_t *fl_cov;          /* engine collectors the mirrors' files covered */
	uint32_t nfl_cov, capfl_cov;
	/* --ris-live with --follow: the stream's records wait in `held`
	 * until the files reach the first of them (boot_first) */
	bool boot, boot_over;
	uint32_t boot_first;
	/* docs/events.md §12 (pipe_rpki.c) */
	struct rpki vrp;           /* the VRPs in force (the engine borrows it) */
	struct rpki_rtr *rtr;      /* owned, with --rtr */
	struct timespec vrps_mtime;/* --vrps: the file as last read */
	off_t vrps_size;
	ino_t vrps_ino;
	/* pipe_stats: the store's counts as last read while no checkpoint
	 * thread wrote them */
	uint32_t st_clock;
	uint64_t st_commits, st_failures;
};

/* A file of a followed mirror (pipe_follow.c). */
struct pfile {
	char *path;                /* owned */
	uint32_t ts;               /* from its name */
	bool rib;
	bool applied;              /* went through the engine */
	bool hole_said, drop;
	double landed;             /* monotonic seconds */
};

/* What waits for the engine while it is frozen: a record of a collector,
 * or a peer that came up (its BGP identifier, for the Adj-RIB-In). */
struct held_hdr {
	uint32_t len;              /* bytes of the record after this header; 0: a peer-up */
	uint32_t coll, ts;
	uint32_t peer_asn, bgp_id;
	struct rw_addr peer;
};

double pipe__mono_s(void);
/* The engine's event callback: grouped, and into the history (--db). */
void pipe__on_det(void *arg, const struct det_event *e);
/* Print and alert the events the last evaluation determined. */
void pipe__emit(struct pipe *p);
/* Move the engine's clock to sec (evaluating the second before); may
 * start a checkpoint (p->frozen from then on). */
void pipe__clock_to(struct pipe *p, uint32_t sec);
/* The checkpoint is over: apply what was held. */
void pipe__thaw(struct pipe *p);
/* docs/events.md §12 (pipe_rpki.c): the VRPs at the start (the file, or
 * the RTR server's first full set, waited for), then, once a second when
 * not frozen, a changed file or the RTR server's changes applied in that
 * second. 0, or RW_EINVAL/RW_EIO (logged) when the start fails. */
int pipe__rpki_open(struct pipe *p);
void pipe__rpki_tick(struct pipe *p, uint32_t now);
void pipe__rpki_close(struct pipe *p);
/* --follow (pipe_follow.c): live/'s file hook; the files whose turn has
 * come through the engine (all: every file that waits, at the end). */
void pipe__on_file(void *arg, const char *path);
void pipe__follow_run(struct pipe *p, bool all);
void pipe__follow_close(struct pipe *p);
/* Once a second: files whose turn came, the end of the bootstrap. */
void pipe__follow_tick(struct pipe *p);
/* A held record of collector coll at ts that the mirrors' files hold. */
bool pipe__follow_covers(const struct pipe *p, uint32_t coll, uint32_t ts);
/* stream_clock with reorder: every waiting record applied (a quiet
 * tick, the end); close frees what is left. */
void pipe__reorder_flush(struct pipe *p);
void pipe__reorder_close(struct pipe *p);
/* live/'s record and peer_up hooks. */
int pipe__on_record(void *arg, const struct live_src *src, uint32_t ts, const uint8_t *rec, size_t len);
void pipe__on_peer_up(void *arg, const struct live_src *src);

#endif
