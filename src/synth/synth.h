/*
 * synth: deterministic synthetic archives built with the MRT writer, with
 * the shape of real RouteViews/RIS data (4-byte ASNs, mean AS path length
 * about 4.5, prepending, trailing AS_SETs, communities, MED, IPv6 in
 * MP_REACH, several prefixes per UPDATE, withdrawals, state changes).
 *
 * Used by `routewatch synth` for the sample archive and the benchmark
 * inputs; the same seed always gives the same bytes.
 */
#ifndef RW_SYNTH_H
#define RW_SYNTH_H

#include "../mrt/mrt.h"
#include "../asrel/asrel.h"

struct synth_opts {
	uint64_t seed;
	uint32_t ts0;          /* first timestamp */
	uint32_t duration;     /* seconds the update stream spans */
	unsigned peers;        /* collector peers */
	uint64_t prefixes;     /* distinct prefixes in the table */
	uint64_t records;      /* update records to write */
	unsigned v6_percent;   /* share of IPv6 prefixes */
	bool et;               /* BGP4MP_ET instead of BGP4MP */
};

void synth_opts_default(struct synth_opts *o);

/* Write to fd; flushes every few MiB so memory stays flat. */
int synth_write_rib(int fd, const struct synth_opts *o);
int synth_write_updates(int fd, const struct synth_opts *o);
/* A peer losing a big table (the grouping benchmark of issue 10): at ts0
 * peer A (AS64500) announces o->prefixes IPv4 /24s of origin AS64512 via
 * AS64501, 500 to an UPDATE, and peer B (AS64502) 10 /24s of AS64513; at
 * ts0 + 60 A withdraws them all, 500 to an UPDATE (withdraw: one
 * prefix_down with every prefix), or its session goes from Established to
 * Idle (!withdraw: they are unobserved, no event; docs/events.md §9); at
 * ts0 + 61 B announces once more. Updates only: no RIB, so no silent
 * baseline. */
int synth_write_leave(int fd, const struct synth_opts *o, bool withdraw);
/* The sample archive (sample.c): two collectors replaying the October 2017
 * story of AS131279, plus asnames.txt, under dir. */
int synth_write_sample(const char *dir);

/* ---------------------------------------------------------------- sim.c
 * A route-propagation simulator over a relationship graph g (a CAIDA
 * file, or synth_write_graph's): every AS originates one IPv4 /24, its
 * ASN shifted left by 8 bits (ASNs of 2^24 and up wrap; 2016's largest is
 * 395651); routes follow Gao-Rexford (customer over
 * peer over provider, then the shortest path, then the lowest next-hop
 * ASN; customers' routes exported to all, the others to customers only);
 * the tables of o->vps vantage points are written to fd as one
 * TABLE_DUMP_V2 RIB (peer index, then a record per origin). The VPs: the
 * largest ASes by degree, o->small_percent small ASes with providers
 * (full tables), o->partial_percent transit ASes that export only their
 * customers' routes (partial views); the small and partial ones chosen
 * by o->seed. */
struct synth_sim_opts {
	uint64_t seed;
	uint32_t ts;               /* the RIB's time */
	unsigned vps;              /* vantage points */
	unsigned small_percent;    /* of them small with full tables */
	unsigned partial_percent;  /* of them partial */
};
struct synth_sim_stats {
	uint32_t ases, vps, partial; /* ASes of the graph; VPs, partial ones */
	uint32_t in_u;               /* the VPs and their providers */
	uint64_t routes;             /* written */
};
int synth_write_sim(int fd, const struct asrel *g, const struct synth_sim_opts *o, struct synth_sim_stats *st);

/* A generated relationship graph consistent with Gao-Rexford, as CAIDA's
 * serial-1 text on fd: a clique of 8 (ASN 1001-1008), 3 % transit ASes
 * under it (2001-), 15 % regional transit (10001-), the rest stubs
 * (200001-), each with providers in the tiers above, peers in its own
 * tier, and a few stubs peering. For tests where CAIDA's file is not at
 * hand. n: ASes (at least 100). */
int synth_write_graph(int fd, uint32_t n, uint64_t seed);

#endif
