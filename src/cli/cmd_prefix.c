/*
 * routewatch prefix PREFIX [--at TIME] [--names FILE] [--json] FILE|DIR...
 *
 * One prefix and every more-specific prefix of it at the end of the input
 * (or at TIME): each with its origins and the peers that see each, the
 * upstreams of each origin with their peers, its visibility (peers with any
 * route for it, and their collectors) and, per collector, the peers that
 * see it. The archives are read exactly as `as` reads them (archive_at,
 * then archive_run: docs/events.md §8); the query is rib_prefix_view and
 * out_prefix prints it.
 */
#include "cli.h"
#include "../out/out.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void usage(FILE *o)
{
	fputs("usage: routewatch prefix PREFIX [--at TIME] [--names FILE] [--json] [--collector NAME[=PATH]] FILE|DIR...\n"
	      "  A prefix (192.0.2.0/24, 2001:db8::/32) and every more-specific prefix of\n"
	      "  it, at the end of the input or at TIME: each with its origins and the\n"
	      "  peers that see each, each origin's upstreams and their peers, its\n"
	      "  visibility (peers with any route, and collectors) and per collector the\n"
	      "  peers that see it. The state at TIME is read from each collector's last\n"
	      "  RIB dump at or before TIME and its updates up to TIME (docs/events.md §8).\n"
	      "  --at TIME         the state at the end of this second\n"
	      "  --json            one JSON object\n"
	      "  --names FILE      AS names (potaroo asn.txt or pyasn JSON)\n"
	      USAGE_COLLECTOR
	      USAGE_TIMES,
	      o);
}

int cmd_prefix(int argc, char **argv)
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
	if (optind + 1 >= argc) {
		rc = missing("prefix", optind >= argc ? "no prefix given (prefix 192.0.2.0/24 FILE|DIR...)"
						 : "no input: give FILE or DIR");
		usage(stderr);
		goto out;
	}
	struct rw_prefix q;
	if (parse_prefix(argv[optind], &q)) {
		rw_log(RW_LOG_ERROR, "'%s' is not a prefix (192.0.2.0/24, 2001:db8::/32)", argv[optind]);
		rc = EXIT_USAGE;
		goto out;
	}
	struct feed_stats *st = rw_calloc(1, sizeof *st);
	int status;
	struct engine *e = archive_state(argv + optind + 1, argc - optind - 1, &coll, &ao.feed.io, ao.until, st, &status);
	if (status)
		rc = EXIT_DAMAGED;
	say_data_end(st, "at", ao.until);
	struct rib_prefix_view v;
	rib_prefix_view(&e->rib, &q, &v);
	struct obuf ob;
	obuf_init(&ob, STDOUT_FILENO, 1 << 16);
	struct out out;
	out_open(&out, json ? OUT_JSON : OUT_TEXT, &ob, have_names ? &nm : NULL);
	out_prefix(&out, &e->rib, &v, ao.until ? ao.until : e->have_sec ? e->sec : 0);
	out_close(&out);
	obuf_release(&ob);
	rib_prefix_view_free(&v);
	engine_release(e);
	free(e);
	free(st);
out:
	feed_names_release(&coll);
	names_release(&nm);
	return rc;
}
