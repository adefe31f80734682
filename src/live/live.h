/*
 * live: sources of records on an event loop. Passive BGP sessions
 * (bgp/bgp_sess.c) and a BMP station (bmp/) on libevent; every message a
 * peer sends becomes the BGP4MP_ET record a public collector would
 * archive, handed to the caller's hooks with the source it came from. What
 * happens to the records (the archive, the engine, alerts, the store) is
 * the caller's: live keeps no route state and writes no file.
 *
 * The clock is the wall clock: a record carries the time it was received;
 * once a second the tick hook runs (the caller evaluates the second that
 * ended and rotates its files), after the session timers.
 *
 * RIS Live (live_ris.c): RIPE's WebSocket stream of its collectors'
 * messages, read on a thread of its own; every message is the record the
 * message's collector (its host) archives, with the message's time, and
 * comes to the record hook on the loop like the sessions' do.
 *
 * Collectors: the BGP sessions belong to one collector (--collector, else
 * the listening address); each BMP router is a collector of its own, named
 * by its address, announced to the caller when it first connects.
 */
#ifndef RW_LIVE_H
#define RW_LIVE_H

#include "../bgp/bgp.h"
#include "../ris/ris.h"

struct live_peer {
	struct rw_addr addr;
	uint32_t asn;      /* 0: any */
};

/* Where a record comes from: a BGP session's peer, or a peer a BMP router
 * monitors. Borrowed for the hook call. */
struct live_src {
	uint32_t coll;             /* the caller's id of its collector */
	struct rw_addr peer, local;
	uint32_t peer_asn, local_asn;
	bool as4;                  /* 4-byte ASNs on the session */
	bool addpath4, addpath6;   /* path ids, per family (RFC 7911) */
	uint32_t bgp_id;           /* the peer's BGP identifier */
	const char *name;          /* for messages */
	bool gap_before;           /* RIS Live: the first record of its
				      collector after a reconnection (what
				      was sent meanwhile is lost) */
};

struct live_counts {
	unsigned sessions, established;  /* BGP connections, Established */
	unsigned bmp_routers, bmp_peers_up;
	uint64_t msgs, updates, resets;
	/* RIS Live: messages received, malformed (skipped), ris_error
	 * messages, connections made and lost; connected now */
	uint64_t ris_msgs, ris_bad, ris_errors, ris_connects, ris_drops;
	bool ris_connected;
};

struct live_hooks {
	/* A collector appears: the BGP sessions' at start (bgp true), a BMP
	 * router's when it first connects. Returns the id records carry;
	 * RW_EIO-like failure is UINT32_MAX (the router is refused). */
	uint32_t (*collector)(void *arg, const char *name, bool bgp);
	/* A record (whole, common header included) made at ts from a
	 * source's message or state change. Returns the NOTIFICATION due,
	 * BGP_NOTIFY(code, sub), when the message cannot be parsed (RFC
	 * 7606 session reset), else 0. */
	int (*record)(void *arg, const struct live_src *src, uint32_t ts, const uint8_t *rec, size_t len);
	/* A peer's session is established (its BGP identifier is known). */
	void (*peer_up)(void *arg, const struct live_src *src);
	/* Once a second, after the session timers. */
	void (*tick)(void *arg, uint32_t now);
	/* --follow: a file of a mirror landed (path: a local file, whole;
	 * borrowed for the call). */
	void (*file)(void *arg, const char *path);
	/* SIGUSR1: print a status line with these counts. */
	void (*status)(void *arg, const struct live_counts *c);
	void *arg;
};

struct live_cfg {
	uint32_t asn;              /* ours */
	uint32_t router_id;        /* 0: the listening address (IPv4), else 1 */
	uint16_t hold_time;        /* proposed (default 90) */
	const char *bgp_listen;    /* "ADDR:PORT" or "[ADDR]:PORT" */
	const char *bmp_listen;    /* BMP station "ADDR:PORT", or NULL */
	const char *collector;     /* name of the BGP sessions' collector;
				      NULL: the listening address */
	const struct live_peer *peers;
	size_t npeers;
	const struct rw_prefix *accept;
	size_t naccept;            /* no peers and no prefixes: accept any */
	/* BMP routers allowed (exact addresses, prefixes); a station with
	 * neither is refused at live_open: BMP carries no authentication,
	 * whoever reaches the port could forge any route */
	const struct rw_addr *bmp_routers;
	size_t nbmp_routers;
	const struct rw_prefix *bmp_accept;
	size_t nbmp_accept;
	/* per port (BGP and BMP each): connections at once, 0 = 256, and
	 * from one address, 0 = 2; a --peer or --bmp-router is exempt from
	 * the first */
	unsigned max_conns, max_per_addr;
	uint16_t open_timeout;     /* s until a BGP OPEN or BMP Initiation;
				      0 = 10 */
	bool no_addpath;
	const char *log_path;      /* stderr goes here; SIGHUP reopens it */
	/* RIS Live (live_ris.c): the stream's ws:// or wss:// URL, or NULL;
	 * the subscription sent on every connection; seconds of silence
	 * before the connection is made again (0 = 60); the longest wait
	 * between attempts (0 = 60 s) */
	const char *ris_url;
	struct ris_sub ris_sub;
	unsigned ris_timeout, ris_backoff_max;
	/* Mirrors followed (live_follow.c): local directories or http(s)://
	 * URLs of directory listings, polled every follow_poll seconds (0 =
	 * 60); an HTTP mirror's files are downloaded below follow_cache;
	 * follow_from_rib: what is there at the start is taken from each
	 * collector's latest RIB dump on (else only new files) */
	const char *const *follow;
	size_t nfollow;
	unsigned follow_poll;
	const char *follow_cache;
	bool follow_from_rib;
	/* a resumed run's clock (0: none): what is there at the start is
	 * taken from the update files that may hold records from then on
	 * (an hour before it), and RIB dumps from then on; before
	 * follow_from_rib */
	uint32_t follow_since;
};

struct live;

/* Listen as configured; NULL, logged, when a port cannot be bound. */
struct live *live_open(const struct live_cfg *cfg, const struct live_hooks *hooks);
/* The BGP identifier we use (for RIB dumps' peer index). */
uint32_t live_router_id(const struct live *lv);
/* Runs until SIGTERM or SIGINT. 0 on a clean stop, else an error was
 * logged (the log could not be reopened). */
int live_run(struct live *lv);
/* The event loop, for a front end on it (collect --http): borrowed. */
struct event_base *live_base(struct live *lv);
/* Sessions, routers and messages so far. */
void live_counts(const struct live *lv, struct live_counts *n);
/* Close every session and router (not recorded as going down), free. */
void live_close(struct live *lv);

#endif
