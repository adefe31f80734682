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

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void usage(FILE *o)
{
	fputs("usage: routewatch as ASN [--at TIME] [--names FILE] [--json] [--relationships FILE]\n"
	      "                         [--collector NAME[=PATH]] FILE|DIR...\n"
	      "  One origin at the end of the input or at TIME: its upstreams, each with\n"
	      "  the prefixes, peers and collectors that carry it and its share of the\n"
	      "  origin's routes (peer x prefix), then its prefixes in order, each with\n"
	      "  its upstreams and the peers and collectors that see them. The state at\n"
	      "  TIME is read from each collector's last RIB dump at or before TIME and\n"
	      "  its updates up to TIME (docs/events.md §8).\n"
	      "  --at TIME         the state at the end of this second\n"
	      "  --json            one JSON object\n"
	      "  --names FILE      AS names (potaroo asn.txt or pyasn JSON)\n"
	      "  --relationships FILE  say what each upstream is to the origin (provider,\n"
	      "                    peer, customer, unknown) by CAIDA's as-rel file, and\n"
	      "                    the size of each one's customer cone\n"
	      USAGE_STATE_DB
	      USAGE_COLLECTOR
	      USAGE_TIMES,
	      o);
}

int cmd_as(int argc, char **argv)
{
	struct state_query q;
	bool done;
	int rc = state_query_parse(&q, argc, argv, usage, &done);
	uint32_t asn;
	if (rc || done)
		goto out;
	if (optind >= argc || parse_asn(argv[optind], &asn)) {
		rc = missing("as", optind >= argc ? "no ASN given (as 131279 FILE|DIR...)"
						  : "the first argument is an ASN, like 131279 or AS131279");
		usage(stderr);
		goto out;
	}
	if ((rc = state_query_inputs(&q, "as", argc - optind - 1))) {
		usage(stderr);
		goto out;
	}
	struct engine *e = state_query_run(&q, argv + optind + 1, argc - optind - 1, &rc);
	if (!e)
		goto out;
	struct rib_origin_view v;
	rib_origin_view(&e->rib, asn, &v);
	struct obuf ob;
	obuf_init(&ob, STDOUT_FILENO, 1 << 16);
	struct out out;
	out_open(&out, q.json ? OUT_JSON : OUT_TEXT, &ob, q.have_names ? q.nm : NULL);
	out.rel = q.have_rel ? q.rel : NULL;
	struct asrel_cones cones; /* docs/events.md §14: with relationships */
	memset(&cones, 0, sizeof cones);
	if (q.have_rel && !asrel_cones_build(&cones, q.rel))
		out.cones = &cones;
	out_origin(&out, &e->rib, &v, q.at ? q.at : e->have_sec ? e->sec : 0);
	out_close(&out);
	obuf_release(&ob);
	asrel_cones_release(&cones);
	rib_origin_view_free(&v);
	engine_release(e);
	free(e);
out:
	state_query_release(&q);
	return rc;
}
