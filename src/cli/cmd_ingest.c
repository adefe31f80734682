/*
 * routewatch ingest [--db PATH|URI] [--names FILE] [--min-peers N]
 *                   [--collector NAME|NAME=PATH]... [--checkpoint SECONDS] FILE|DIR...
 *
 * Archives through the engine into the history store. Incremental and
 * idempotent:
 *  - a file the store has taken completely (same name, size and head) is
 *    skipped without being read;
 *  - the engine starts from the snapshot the last run stored, and records
 *    before the store's clock (every record before it was applied) are
 *    skipped, so runs over consecutive files equal one long run;
 *  - checkpoints commit, in one transaction, everything learned since the
 *    last one with the engine snapshot and the clock: killed at any moment,
 *    the store holds the last checkpoint and the next run carries on.
 * A checkpoint is taken between seconds, every --checkpoint seconds of
 * record time (once --checkpoint-wall seconds of real time have passed),
 * and at the end. The run is the store's (store_ingest); this file parses
 * the options and prints the summary.
 */
#include "cli.h"
#include "../store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *o)
{
	fputs("usage: routewatch ingest [options] FILE|DIR...\n"
	      "  Run archives through the engine into the history store: events, each\n"
	      "  upstream's intervals and shares, prefix counts over time. Incremental:\n"
	      "  files already stored are skipped, and a later run continues from the\n"
	      "  stored engine state. Give files in time order across runs.\n"
	      "  --db PATH|URI     SQLite file, or postgresql://... (default: $ROUTEWATCH_DB,\n"
	      "                    else ~/.local/share/routewatch/routewatch.db)\n"
	      "  --names FILE      AS names to store (potaroo asn.txt or pyasn JSON)\n"
	      "  --min-peers N     peers needed to confirm an upstream (default 2; fixed\n"
	      "                    by the store's first ingest)\n"
	      USAGE_COLLECTOR
	      "  --from TIME       a new store's history begins at TIME, from each\n"
	      "                    collector's last RIB dump before it (docs/events.md §8)\n"
	      "  --until TIME      apply nothing at or after TIME; a later ingest goes on\n"
	      "                    from there (--to: the same)\n"
	      "  --gap S           a collector without records for over S seconds next\n"
	      "                    to its updates has a collector_gap (default 1800;\n"
	      "                    0: only missing update files make one)\n"
	      USAGE_VRPS
	      USAGE_RELATIONSHIPS
	      USAGE_WATCH USAGE_COUNTRIES
	      "  --checkpoint S    commit every S seconds of record time (default 3600)\n"
	      "  --checkpoint-wall S  ... but not more often than every S seconds (default 30)\n"
	      "  --stats           counts and speed on stderr\n"
	      USAGE_TIMES,
	      o);
}

int cmd_ingest(int argc, char **argv)
{
	static const struct option lo[] = {
		{"db", required_argument, 0, 'd'},         {"names", required_argument, 0, 'n'},
		{"min-peers", required_argument, 0, 'm'},  {"collector", required_argument, 0, 'c'},
		{"checkpoint", required_argument, 0, 'k'}, {"checkpoint-wall", required_argument, 0, 'w'},
		{"stats", no_argument, 0, 's'},            {"help", no_argument, 0, 'h'},
		{"gap", required_argument, 0, 'g'},        {"from", required_argument, 0, 'F'},
		{"until", required_argument, 0, 'u'},      {"to", required_argument, 0, 'u'},
		{"vrps", required_argument, 0, 'V'},        {"relationships", required_argument, 0, 'L'},
		{"watch", required_argument, 0, 'W'}, {"countries", required_argument, 0, 'E'},
		{0, 0, 0, 0}};
	struct store_ingest_opts o = {.every = 3600, .every_wall = 30, .gap = ENGINE_GAP_DEFAULT};
	struct names nm;
	names_init(&nm);
	struct feed_names coll; /* --collector, walked by store_ingest */
	feed_names_init(&coll);
	o.feed.names = &coll;
	struct engine_inputs so; /* --vrps, --relationships, --watch */
	engine_inputs_init(&so);
	o.vrps = &so.vrps;
	o.feed.progress = rw_log_level > RW_LOG_ERROR; /* shown on a terminal, not with -q */
	bool stats = false;
	int c, rc = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", lo, NULL)) != -1) {
		uint64_t v;
		switch (c) {
		case 'd': o.db = optarg; break;
		case 'c':
			if ((rc = opt_collector(&coll, optarg)))
				goto out;
			break;
		case 's': stats = true; break;
		case 'q': rw_log_level = RW_LOG_ERROR; break;
		case 'n':
			if (names_load(&nm, optarg)) {
				rc = EXIT_DAMAGED;
				goto out;
			}
			o.names = &nm;
			break;
		case 'm':
			if (parse_u64(optarg, 65535, &v) || !v) {
				rw_log(RW_LOG_ERROR, "--min-peers wants a number from 1");
				rc = EXIT_USAGE;
				goto out;
			}
			o.min_peers = (unsigned)v;
			break;
		case 'k':
		case 'w':
			if (parse_u64(optarg, UINT32_MAX, &v) || (c == 'k' && !v)) {
				rw_log(RW_LOG_ERROR, "--%s wants seconds", c == 'k' ? "checkpoint" : "checkpoint-wall");
				rc = EXIT_USAGE;
				goto out;
			}
			*(c == 'k' ? &o.every : &o.every_wall) = (uint32_t)v;
			break;
		case 'F':
		case 'u':
			if ((rc = opt_time(c == 'u' ? "until" : "from", optarg, c == 'u' ? &o.until : &o.from)))
				goto out;
			break;
		case 'g':
			if (parse_u64(optarg, UINT32_MAX, &v)) {
				rw_log(RW_LOG_ERROR, "--gap wants seconds, like 1800");
				rc = EXIT_USAGE;
				goto out;
			}
			o.gap = (uint32_t)v;
			break;
		case 'V':
		case 'L':
		case 'W':
		case 'E':
			if ((rc = sec_opt(&so, c, optarg)))
				goto out;
			o.rel = so.have_rel ? &so.rel : NULL;
			o.watch = so.have_watch ? &so.watch : NULL;
			o.geo = so.have_geo ? &so.geo : NULL;
			break;
		case 'h': usage(stdout); goto out;
		default: usage(stderr); rc = EXIT_USAGE; goto out;
		}
	}
	if (optind >= argc) {
		rc = missing("ingest", "no input: give FILE or DIR");
		usage(stderr);
		goto out;
	}
	double t0 = now_seconds();
	struct feed_stats *fst = rw_calloc(1, sizeof *fst);
	struct store_ingest_result r;
	int ir = store_ingest(argv + optind, argc - optind, &o, fst, &r);
	/* nothing was ingested (the store could not be opened, locked or
	 * resumed): the reason is logged, a summary would only mislead */
	if (ir == RW_EINVAL || ir == RW_EIO || !r.where[0] || (ir && !r.files_done && !r.events)) {
		rc = ir == RW_EINVAL ? EXIT_USAGE : EXIT_DAMAGED;
		free(fst);
		goto out;
	}
	if (ir || r.damaged || r.files_refused)
		rc = EXIT_DAMAGED;
	double el = now_seconds() - t0;
	char tb[32] = "-";
	if (r.clock)
		fmt_time_rfc3339(tb, r.clock);
	char refused[64] = "";
	if (r.files_refused)
		snprintf(refused, sizeof refused, ", %llu refused: before the store's clock",
			 (unsigned long long)r.files_refused);
	printf("ingested %llu files (%llu already stored%s) into %s: %llu events, %llu intervals opened, %llu closed;"
	       " clock %s; %.2f s\n",
	       (unsigned long long)r.files_done, (unsigned long long)r.files_known, refused, r.where,
	       (unsigned long long)r.events, (unsigned long long)r.intervals_opened,
	       (unsigned long long)r.intervals_closed, tb, el);
	if (stats) {
		feed_stats_print(fst, el);
		print_engine_stats("engine (this run)", &r.st, el);
		fprintf(stderr, "store: %llu checkpoints, %llu series points; state %u prefixes, %llu routes, %u paths\n",
			(unsigned long long)r.commits, (unsigned long long)r.points, r.prefixes,
			(unsigned long long)r.routes, r.paths);
		print_memory();
	}
	free(fst);
out:
	names_release(&nm);
	feed_names_release(&coll);
	engine_inputs_release(&so);
	return rc;
}
