/*
 * routewatch synth rib|updates [options] [-o FILE]
 *
 * Deterministic synthetic MRT archives with the shape of real collector
 * data: the sample archive, the benchmark inputs, test fixtures.
 */
#include "cli.h"
#include "../synth/synth.h"
#include "../store/store.h"

#include <fcntl.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

static void usage(FILE *o)
{
	fputs("usage: routewatch synth rib|updates|leave|withdraw [options] [-o FILE]\n"
	      "       routewatch synth sample DIR\n"
	      "       routewatch synth history DB [--origins N] [--days D] [--seed N] [--start T]\n"
	      "       routewatch synth graph [--ases N] [--seed N] [-o FILE]\n"
	      "       routewatch synth sim --relationships FILE [--vps N] [--small P]\n"
	      "                            [--partial P] [--seed N] [--start T] [-o FILE]\n"
	      "  leave: one peer announces --prefixes /24s of one origin, then its\n"
	      "  session ends (no outage: the prefixes are unobserved)\n"
	      "  withdraw: the same peer withdraws them all in one second (one\n"
	      "  prefix_down with every prefix: the grouping benchmark)\n"
	      "  sample: a RouteViews and a RIS collector's archives (RIBs and updates,\n"
	      "  bzip2 and gzip) replaying the October 2017 story of AS131279, and\n"
	      "  DIR/asnames.txt\n"
	      "  history: a history store (SQLite path or postgresql:// URI) with D days\n"
	      "  (default 365) of events for N origins (default 75000: a full table)\n"
	      "  graph: AS relationships (CAIDA serial-1) consistent with Gao-Rexford:\n"
	      "  a clique, transit tiers, stubs, peers (docs/relationships.md)\n"
	      "  sim: every AS of the relationships file originates a /24 (its ASN << 8);\n"
	      "  routes spread as Gao-Rexford says; the tables of --vps vantage points\n"
	      "  are written as one TABLE_DUMP_V2 RIB (docs/relationships.md)\n"
	      "  --ases N        ASes of the graph (default 3000)\n"
	      "  --relationships FILE  the graph to simulate (CAIDA serial-1 or -2)\n"
	      "  --vps N         vantage points (default 200): the largest ASes by degree,\n"
	      "                  then --small P percent small ones with full tables\n"
	      "                  (default 25) and --partial P percent transit ones that\n"
	      "                  export only their customers' routes (default 15)\n"
	      "  --seed N        generator seed (default 1)\n"
	      "  --peers N       collector peers (default 20; every 5th is IPv6)\n"
	      "  --prefixes N    distinct prefixes (default 100000)\n"
	      "  --records N     update records (updates; default 100000)\n"
	      "  --start T       first timestamp, unix seconds (default 2024-03-09 08:00)\n"
	      "  --duration S    seconds the updates span (default 900)\n"
	      "  --v6 PERCENT    share of IPv6 prefixes (default 20)\n"
	      "  --et            BGP4MP_ET records (microsecond timestamps)\n"
	      "  -o FILE         output file (default stdout)\n",
	      o);
}

int cmd_synth(int argc, char **argv)
{
	static const struct option lo[] = {
		{"seed", required_argument, 0, 's'},     {"peers", required_argument, 0, 'p'},
		{"prefixes", required_argument, 0, 'n'}, {"records", required_argument, 0, 'r'},
		{"start", required_argument, 0, 'S'},    {"duration", required_argument, 0, 'd'},
		{"v6", required_argument, 0, '6'},       {"et", no_argument, 0, 'e'},
		{"origins", required_argument, 0, 'O'},  {"days", required_argument, 0, 'D'},
		{"ases", required_argument, 0, 'A'},     {"relationships", required_argument, 0, 'L'},
		{"vps", required_argument, 0, 'P'},      {"small", required_argument, 0, 'm'},
		{"partial", required_argument, 0, 'y'},
		{"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
	struct synth_opts so;
	synth_opts_default(&so);
	const char *out = NULL;
	uint32_t norigins = 75000, days = 365, ases = 3000;
	const char *rel = NULL;
	struct synth_sim_opts sim = {.seed = 1, .vps = 200, .small_percent = 25, .partial_percent = 15};
	int c;
	uint64_t v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 's': if (parse_u64(optarg, UINT64_MAX, &v)) goto bad; so.seed = v; break;
		case 'p': if (parse_u64(optarg, 65535, &v) || !v) goto bad; so.peers = (unsigned)v; break;
		case 'n': if (parse_u64(optarg, 1u << 30, &v) || !v) goto bad; so.prefixes = v; break;
		case 'r': if (parse_u64(optarg, 1ULL << 40, &v)) goto bad; so.records = v; break;
		case 'S': if (parse_u64(optarg, UINT32_MAX, &v)) goto bad; so.ts0 = (uint32_t)v; break;
		case 'd': if (parse_u64(optarg, UINT32_MAX, &v)) goto bad; so.duration = (uint32_t)v; break;
		case '6': if (parse_u64(optarg, 100, &v)) goto bad; so.v6_percent = (unsigned)v; break;
		case 'e': so.et = true; break;
		case 'O': if (parse_u64(optarg, 1u << 24, &v) || !v) goto bad; norigins = (uint32_t)v; break;
		case 'D': if (parse_u64(optarg, 3650, &v) || !v) goto bad; days = (uint32_t)v; break;
		case 'A': if (parse_u64(optarg, 2000000, &v) || v < 100) goto bad; ases = (uint32_t)v; break;
		case 'L': rel = optarg; break;
		case 'P': if (parse_u64(optarg, 65535, &v) || !v) goto bad; sim.vps = (unsigned)v; break;
		case 'm': if (parse_u64(optarg, 100, &v)) goto bad; sim.small_percent = (unsigned)v; break;
		case 'y': if (parse_u64(optarg, 100, &v)) goto bad; sim.partial_percent = (unsigned)v; break;
		case 'o': out = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind + 2 == argc && !strcmp(argv[optind], "sample")) {
		int rc = synth_write_sample(argv[optind + 1]);
		if (rc)
			rw_log(RW_LOG_ERROR, "synth sample %s: %s", argv[optind + 1], rw_strerror(rc));
		return rc ? EXIT_DAMAGED : 0;
	}
	if (optind + 2 == argc && !strcmp(argv[optind], "history")) {
		struct store st;
		if (store_open_at(&st, argv[optind + 1], true))
			return EXIT_DAMAGED;
		int rc = store_synth_year(&st, norigins, so.ts0, days, so.seed);
		store_close(&st);
		return rc ? EXIT_DAMAGED : 0;
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *what = argv[optind];
	if (!strcmp(what, "sim") && !rel) {
		rw_log(RW_LOG_ERROR, "synth sim: no --relationships FILE: the graph to simulate");
		return EXIT_USAGE;
	}
	if (!strcmp(what, "sim") && sim.small_percent + sim.partial_percent > 100) {
		rw_log(RW_LOG_ERROR, "synth sim: --small and --partial add up to more than 100 percent");
		return EXIT_USAGE;
	}
	struct asrel g;
	asrel_init(&g);
	char err[512] = "";
	if (!strcmp(what, "sim") && asrel_load(&g, rel, err, sizeof err)) {
		rw_log(RW_LOG_ERROR, "--relationships %s", err[0] ? err : rel);
		asrel_release(&g);
		return EXIT_DAMAGED;
	}
	int fd = STDOUT_FILENO;
	if (out) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			rw_log(RW_LOG_ERROR, "%s: %s", out, strerror(errno));
			return EXIT_DAMAGED;
		}
	}
	int rc;
	if (!strcmp(what, "rib"))
		rc = synth_write_rib(fd, &so);
	else if (!strcmp(what, "updates"))
		rc = synth_write_updates(fd, &so);
	else if (!strcmp(what, "graph"))
		rc = synth_write_graph(fd, ases, so.seed);
	else if (!strcmp(what, "sim")) {
		sim.seed = so.seed;
		sim.ts = so.ts0;
		struct synth_sim_stats ss;
		rc = synth_write_sim(fd, &g, &sim, &ss);
		rw_log(RW_LOG_INFO, "synth sim: %u ASes, %u VPs (%u partial, %u ASes with their providers), %llu routes",
		       ss.ases, ss.vps, ss.partial, ss.in_u, (unsigned long long)ss.routes);
	} else if (!strcmp(what, "leave") || !strcmp(what, "withdraw"))
		rc = synth_write_leave(fd, &so, what[0] == 'w');
	else {
		usage(stderr);
		rc = RW_EINVAL;
	}
	asrel_release(&g);
	if (out && close(fd))
		rc = rc ? rc : RW_EIO;
	if (rc) {
		rw_log(RW_LOG_ERROR, "synth %s: %s", what, rw_strerror(rc));
		return rc == RW_EINVAL ? EXIT_USAGE : EXIT_DAMAGED;
	}
	return 0;
bad:
	rw_log(RW_LOG_ERROR, "bad value for an option: %s", optarg);
	return EXIT_USAGE;
}
