/* live/ internals shared by its files: struct live (live.c's event loop
 * state), the record path every source uses (live_record), the archive and
 * its writer thread (live_arch.c), the Adj-RIB-In of RIB dumps
 * (live_rib.c) and the BMP station (live_bmp.c). */
#ifndef RW_LIVE_INT_H
#define RW_LIVE_INT_H

#include "live.h"
#include "../mrt/mrt.h"
#include "../engine/engine.h"

#include <event2/listener.h>

struct live_arch;
struct bmp_site;
struct bmp_router;
struct conn;
struct event_base;
struct evconnlistener;
struct event;
struct sockaddr;

struct live {
	const struct live_cfg *cfg;
	struct event_base *base;
	struct evconnlistener *lis;
	struct evconnlistener *bmp_lis;
	struct bmp_site *sites;     /* BMP routers ever seen (archive, collector) */
	struct bmp_router *routers; /* BMP connections */
	struct event *tick;
	struct event *sig[4];
	struct engine *eng;        /* owned */
	uint32_t coll;             /* collector of the record being decoded */
	uint32_t bgp_coll;         /* the BGP sessions' collector */
	char coll_name[RW_ADDR_STRLEN];
	struct det_group g;        /* events of the second being evaluated */
	struct mrt_dec dec;
	struct mrt_buf rec;        /* the record being made */
	struct obuf tx;            /* what a session wants sent */
	struct live_arch *arch;    /* NULL without --archive (owned by writer) */
	struct live_arch *rib_arch;/* the BGP collector's rib.* files */
	struct live_writer *writer;/* owned: writes every archive (and owns them) */
	struct live_rib *ribin;    /* owned, only with --rib-every */
	uint32_t next_dump;        /* time of the next RIB dump */
	/* the record being decoded, for the Adj-RIB-In */
	const struct live_src *cur_src;
	const uint8_t *cur_msg;
	size_t cur_len;
	uint64_t cur_gen;
	uint32_t cur_blob;
	struct conn *conns;
	uint32_t router_id;
	uint64_t msgs, updates, resets;
	uint64_t last_msgs;
	double last_t;
	int rc;
};

/* Where a record comes from: a BGP session's peer, or a peer a BMP router
 * monitors. */
struct live_src {
	uint32_t coll;               /* engine collector */
	struct live_arch *arch;      /* borrowed; NULL: not archived */
	struct rw_addr peer, local;
	uint32_t peer_asn, local_asn;
	bool as4, addpath;
	uint32_t bgp_id;             /* the peer's BGP identifier (RIB dumps) */
	uint32_t *rib_peer;          /* the source's peer id in lv->ribin,
					UINT32_MAX until known (stored by the
					source's owner) */
	const char *name;            /* for messages */
};

/* live.c: a BGP message (or, msg NULL, a state change old -> new) into the
 * archive and the engine; the NOTIFICATION due (code << 8 | sub) or 0. */
int live_record(struct live *lv, const struct live_src *src, const uint8_t *msg, size_t len, uint16_t old_state,
		uint16_t new_state);
bool live_to_addr(const struct sockaddr *sa, struct rw_addr *a);
/* Listen on --OPT's "ADDR:PORT" (port given: the default); the bound
 * address into *addr when not NULL. NULL, logged, on failure. */
struct evconnlistener *live_listen(struct live *lv, const char *opt, const char *spec, uint16_t port,
				   evconnlistener_cb cb, struct rw_addr *addr);
uint64_t live_mono_ms(void);

/* live_rib.c: the Adj-RIB-In for RIB dumps */
struct live_rib;
int live_rib_init(struct live_rib **out);
void live_rib_free(struct live_rib *r);
uint32_t live_rib_peer(struct live_rib *r, uint32_t coll, const struct rw_addr *addr, uint32_t asn, uint32_t bgp_id);
/* The attribute set of an UPDATE (msg, whole message) in RIB form;
 * UINT32_MAX on failure. Pass it to live_rib_unused once the UPDATE's
 * routes are applied (it is freed if none took it). */
uint32_t live_rib_attrs(struct live_rib *r, const uint8_t *msg, size_t len, const struct bgp_attrs *a, bool as4);
void live_rib_unused(struct live_rib *r, uint32_t blob);
void live_rib_announce(struct live_rib *r, uint32_t peer, const struct rw_prefix *p, uint32_t blob);
void live_rib_withdraw(struct live_rib *r, uint32_t peer, const struct rw_prefix *p);
void live_rib_peer_down(struct live_rib *r, uint32_t peer);
/* A TABLE_DUMP_V2 dump of one collector's peers into out. */
int live_rib_dump(const struct live_rib *r, uint32_t coll, uint32_t ts, uint32_t router_id, const char *view,
		  struct mrt_buf *out, uint64_t *nroutes);
void live_rib_stats(const struct live_rib *r, uint64_t *routes, uint64_t *bytes);

/* live.c: write one collector's RIB dump into its archive */
void live_dump_coll(struct live *lv, uint32_t coll, struct live_arch *a, uint32_t ts, const char *name);

/* live_bmp.c: the BMP station */
int live_bmp_listen(struct live *lv, const char *spec);
void live_bmp_tick(struct live *lv, uint32_t now);
/* RIB dumps of every router's peers */
void live_bmp_dump(struct live *lv, uint32_t ts);
void live_bmp_count(const struct live *lv, unsigned *routers, unsigned *peers_up);
/* Shutdown: close every router (not recorded as peers going down) and
 * finish every router's archive; 0 when all is on disk. */
int live_bmp_close(struct live *lv);

struct live_arch_stats {
	uint64_t records, files, bytes, failures, dropped_bytes, kept_bytes;
	bool failing;
};

/* The thread that writes every archive's files (live_arch.c). */
struct live_writer;
int live_writer_start(struct live_writer **out);
/* Write what waits (once more for what fails), free every archive opened
 * on it. 0 when every record is on disk. */
int live_writer_stop(struct live_writer *w);

/* kind: the file name's first word ("updates", "rib"). */
int live_arch_open(struct live_arch **out, struct live_writer *w, const char *dir, const char *kind,
		   enum io_comp comp, uint32_t rotate);
/* One record received at ts (records come in time order). */
int live_arch_put(struct live_arch *a, uint32_t ts, const uint8_t *p, size_t n);
/* The same, taking over a buffer of records (emptied). */
void live_arch_put_buf(struct live_arch *a, uint32_t ts, struct mrt_buf *b);
/* Once a second: a period that ended goes to the writer. */
void live_arch_tick(struct live_arch *a, uint32_t now);
/* The last period goes to the writer; the writer frees a when it stops. */
void live_arch_close(struct live_arch *a);
void live_arch_stats(struct live_arch *a, struct live_arch_stats *st);
/* End the current file now (a RIB dump is one file). */
void live_arch_cut(struct live_arch *a);

#endif
