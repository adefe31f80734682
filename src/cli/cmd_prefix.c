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
	      USAGE_STATE_DB
	      USAGE_COLLECTOR
	      USAGE_TIMES,
	      o);
}

int cmd_prefix(int argc, char **argv)
{
	struct state_query q;
	bool done;
	int rc = state_query_parse(&q, argc, argv, usage, &done);
	struct rw_prefix p;
	if (rc || done)
		goto out;
	if (optind >= argc) {
		rc = missing("prefix", "no prefix given (prefix 192.0.2.0/24 FILE|DIR...)");
		usage(stderr);
		goto out;
	}
	if ((rc = state_query_inputs(&q, "prefix", argc - optind - 1))) {
		usage(stderr);
		goto out;
	}
	if (parse_prefix(argv[optind], &p)) {
		rw_log(RW_LOG_ERROR, "'%s' is not a prefix (192.0.2.0/24, 2001:db8::/32)", argv[optind]);
		rc = EXIT_USAGE;
		goto out;
	}
	struct engine *e = state_query_run(&q, argv + optind + 1, argc - optind - 1, &rc);
	if (!e)
		goto out;
	struct rib_prefix_view v;
	rib_prefix_view(&e->rib, &p, &v);
	struct obuf ob;
	obuf_init(&ob, STDOUT_FILENO, 1 << 16);
	struct out out;
	out_open(&out, q.json ? OUT_JSON : OUT_TEXT, &ob, q.have_names ? q.nm : NULL);
	out_prefix(&out, &e->rib, &v, q.at ? q.at : e->have_sec ? e->sec : 0);
	out_close(&out);
	obuf_release(&ob);
	rib_prefix_view_free(&v);
	engine_release(e);
	free(e);
out:
	state_query_release(&q);
	return rc;
}
