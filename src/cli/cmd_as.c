/*
 * routewatch as ASN [--at TIME] [--names FILE] [--json] FILE|DIR...
 *
 * The routing state of one origin at the end of the input (or at TIME): a
 * summary of its upstreams (each with the prefixes, peers and collectors
 * that carry it and its share of the origin's routes), then its prefixes
 * in prefix order, each prefix's upstreams with the peers and collectors
 * that see them, and visibility (peers with any route for the prefix, of
 * all peers known at that time). The state at TIME is read as a window's
 * starting state is (docs/events.md §8): each collector from its last RIB
 * dump at or before TIME, then its updates up to TIME (archive_at). The
 * query is rib_origin_view; out_origin prints it.
 */
#include "cli.h"
#include "../out/out.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void usage(FILE *o)
{
	fputs("usage: routewatch as ASN [--at TIME] [--names FILE] [--json] [--collector NAME[=PATH]] FILE|DIR...\n"
	      "  One origin at the end of the input or at TIME: its upstreams, each with\n"
	      "  the prefixes, peers and collectors that carry it and its share of the\n"
	      "  origin's routes (peer x prefix), then its prefixes in order, each with\n"
	      "  its upstreams and the peers and collectors that see them. The state at\n"
	      "  TIME is read from each collector's last RIB dump at or before TIME and\n"
	      "  its updates up to TIME (docs/events.md §8).\n"
	      "  --at TIME         the state at the end of this second\n"
	      "  --json            one JSON object\n"
	      "  --names FILE      AS names (potaroo asn.txt or pyasn JSON)\n"
	      USAGE_COLLECTOR
	      USAGE_TIMES,
	      o);
}

int cmd_as(int argc, char **argv)
{
	static const struct option lo[] = {
		{"at", required_argument, 0, 'a'},        {"names", required_argument, 0, 'n'},
		{"json", no_argument, 0, 'j'},            {"collector", required_argument, 0, 'c'},
		{"help", no_argument, 0, 'h'},            {0, 0, 0, 0}};
	struct archive_opts ao = {0};
	struct feed_names coll; /* --collector */
	feed_names_init(&coll);
	struct names nm;
	bool have_names = false, json = false;
	names_init(&nm);
	int c, rc = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hjq", lo, NULL)) != -1) {
		switch (c) {
		case 'a':
			if ((rc = opt_time("at", optarg, &ao.until)))
				goto out;
			break;
		case 'n':
			if (names_load(&nm, optarg)) {
				rc = EXIT_DAMAGED;
				goto out;
			}
			have_names = true;
			break;
		case 'j': json = true; break;
		case 'q': rw_log_level = RW_LOG_ERROR; break;
		case 'c':
			if ((rc = opt_collector(&coll, optarg)))
				goto out;
			break;
		case 'h': usage(stdout); goto out;
		default: usage(stderr); rc = EXIT_USAGE; goto out;
		}
	}
	uint32_t asn;
	if (optind + 1 >= argc || parse_asn(argv[optind], &asn)) {
		rc = missing("as", optind >= argc ? "no ASN given (as 131279 FILE|DIR...)"
				  : parse_asn(argv[optind], &asn) ? "the first argument is an ASN, like 131279 or AS131279"
								: "no input: give FILE or DIR");
		usage(stderr);
		goto out;
	}
	struct feed_stats *st = rw_calloc(1, sizeof *st);
	int status;
	struct engine *e = archive_state(argv + optind + 1, argc - optind - 1, &coll, &ao.feed.io, ao.until, st, &status);
	if (status)
		rc = EXIT_DAMAGED;
	say_data_end(st, "at", ao.until);
	struct rib_origin_view v;
	rib_origin_view(&e->rib, asn, &v);
	struct obuf ob;
	obuf_init(&ob, STDOUT_FILENO, 1 << 16);
	struct out out;
	out_open(&out, json ? OUT_JSON : OUT_TEXT, &ob, have_names ? &nm : NULL);
	out_origin(&out, &e->rib, &v, ao.until ? ao.until : e->have_sec ? e->sec : 0);
	out_close(&out);
	obuf_release(&ob);
	rib_origin_view_free(&v);
	engine_release(e);
	free(e);
	free(st);
out:
	feed_names_release(&coll);
	names_release(&nm);
	return rc;
}
