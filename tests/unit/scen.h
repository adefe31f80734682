/*
 * Scenario builder for docs/events.md tests: small archives written with the
 * project's MRT writer into a temporary directory (one subdirectory per
 * collector, RouteViews file names), then read back through the same
 * archive merge and engine `routewatch events` uses.
 *
 *   struct scen s; scen_init(&s);
 *   int rv = scen_collector(&s, "rv");
 *   int p1 = scen_peer(&s, rv, "198.51.100.1", 3356);
 *   scen_rib(&s, rv, T0);                      start a RIB dump at T0
 *   scen_route(&s, p1, "192.0.2.0/24", "3356 64500 65551");
 *   scen_updates(&s, rv, T0);                  start an update file
 *   scen_announce(&s, p1, T0 + 10, "192.0.2.0/24", "3356 64501 65551");
 *   scen_withdraw(&s, p1, T0 + 20, "192.0.2.0/24");
 *   scen_state(&s, p1, T0 + 30, 6, 1);
 *   scen_run(&s, 2);                           run with --min-peers 2
 *   CHECK(scen_has(&s, "upstream_gained 10 65551 64501 192.0.2.0/24 new"));
 *
 * Event strings: "<type> <time - T0> <origin|null> [<upstream>] <prefixes,>"
 * plus " new" / " last" for the flags.
 */
#ifndef RW_SCEN_H
#define RW_SCEN_H

#include "engine/engine.h"

#define SCEN_T0 1506848400u /* 2017-10-01 09:00:00 UTC */

struct scen_peer {
	int coll;
	struct rw_addr addr;
	uint32_t asn;
	bool as2; /* 2-byte session: BGP4MP_MESSAGE with AS4_PATH */
};

struct scen_coll {
	char name[32];
	struct obuf rib;     /* the dump being built */
	uint32_t rib_ts;
	bool rib_open;
	struct obuf upd;     /* the update file being built */
	uint32_t upd_ts;
	bool upd_open;
	int nrib, nupd;         /* files written */
};

struct scen {
	char dir[128];
	struct scen_coll coll[4];
	int ncoll;
	struct scen_peer peer[32];
	int npeer;
	/* RIB entries of the dump being built, grouped by prefix at close */
	struct scen_ent {
		int peer;
		struct rw_prefix p;
		uint32_t path[16];
		unsigned len;
		uint32_t set[4];
		unsigned setlen;
	} ent[256];
	int nent;
	/* results */
	char **ev;    /* event strings, sorted as the engine sorted them */
	int nev;
	int status;   /* archive_run's return */
	/* > 0: run the files that start before this time, snapshot the
	 * engine, load the snapshot into a new engine and run the rest
	 * (what routewatch ingest does between calls) */
	uint32_t split;
	/* print docs/events.md §10's events too (origin_gained, origin_lost,
	 * prefix_new, more_specific: " new", " in <covering>", " [origins]") */
	bool origins;
	/* docs/events.md §15: keep proofs; each event string ends with
	 * " by <peer ASN>" (the first peer; none without one) and
	 * " rec+" (a record that announces the event's first prefix), " rec"
	 * (a record that does not) or " cause <cause>" */
	bool proofs;
	char snap_err[256];
	struct engine *e;
};

void scen_init(struct scen *s);
void scen_free(struct scen *s);
int scen_collector(struct scen *s, const char *name);
int scen_peer(struct scen *s, int coll, const char *addr, uint32_t asn);
void scen_rib(struct scen *s, int coll, uint32_t ts);
/* path: "3356 64500 65551" with an optional trailing "{1,2}" AS_SET */
void scen_route(struct scen *s, int peer, const char *prefix, const char *path);
void scen_updates(struct scen *s, int coll, uint32_t ts);
void scen_announce(struct scen *s, int peer, uint32_t ts, const char *prefix, const char *path);
void scen_withdraw(struct scen *s, int peer, uint32_t ts, const char *prefix);
void scen_state(struct scen *s, int peer, uint32_t ts, uint16_t old_state, uint16_t new_state);
/* Close open files, run the events pipeline over the directory. */
void scen_run(struct scen *s, unsigned min_peers);
bool scen_has(const struct scen *s, const char *ev);
/* All events, one per line (for failure messages). */
const char *scen_dump(const struct scen *s);

#endif
