/*
 * live: `routewatch collect`, the collector daemon. Passive BGP sessions
 * (bgp/bgp_sess.c) on a libevent loop; every message a peer sends becomes
 * the BGP4MP_ET record a public collector would archive, and that record
 * goes to the archive and, decoded by mrt/, through the same engine as
 * `routewatch events` — so replaying the archive gives the same events
 * the live run determined.
 *
 * The clock is the wall clock: a record carries the time it was received;
 * once a second a timer moves the engine to the new second (so a second
 * is evaluated even when nothing arrives after it), runs the session
 * timers and the archive's rotation.
 *
 * Output goes through the caller's hooks (cli/ formats and prints).
 */
#ifndef RW_LIVE_H
#define RW_LIVE_H

#include "../detect/det.h"
#include "../io/io.h"

struct rib;
struct engine;

struct live_peer {
	struct rw_addr addr;
	uint32_t asn;      /* 0: any */
};

struct live_cfg {
	uint32_t asn;              /* ours */
	uint32_t router_id;        /* 0: the listening address (IPv4), else 1 */
	uint16_t hold_time;        /* proposed (default 90) */
	const char *bgp_listen;    /* "ADDR:PORT" or "[ADDR]:PORT" */
	const char *bmp_listen;    /* BMP station "ADDR:PORT", or NULL */
	const char *collector;     /* engine collector name of the BGP
				      sessions; NULL: the listening address.
				      A BMP router's peers are collector
				      "the router's address" */
	const struct live_peer *peers;
	size_t npeers;
	const struct rw_prefix *accept;
	size_t naccept;            /* no peers and no prefixes: accept any */
	const char *archive;       /* directory, or NULL */
	enum io_comp comp;
	uint32_t rotate;           /* seconds per updates file (default 900) */
	uint32_t rib_every;        /* seconds between RIB dumps; 0: none */
	unsigned min_peers;
	bool no_addpath;
	const char *log_path;      /* stderr goes here; SIGHUP reopens it */
	/* Events of one evaluated second, grouped (EVENTS.md §7). */
	void (*events)(void *arg, const struct det_group *g, const struct rib *r);
	/* Called once a second after the evaluation (alerts' housekeeping). */
	void (*tick)(void *arg);
	/* Optional, for a history store: the engine is made (load a state
	 * into it; non-zero stops the run); every event as the detector
	 * gives it; the clock moved to a new second `clock` (the one before
	 * is evaluated, nothing of `clock` applied: a snapshot now continues
	 * exactly), and, final, the run ends (everything evaluated). */
	int (*attach)(void *arg, struct engine *e);
	void (*event)(void *arg, const struct det_event *ev);
	void (*second)(void *arg, uint32_t clock, bool final);
	void *arg;
};

/* Runs until SIGTERM or SIGINT. 0 on a clean stop; else an error was
 * logged (a port that cannot be bound, archive files left unwritten). */
int live_run(const struct live_cfg *cfg);

#endif
