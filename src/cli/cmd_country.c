/*
 * routewatch country CC|all [--at TIME] [--countries FILE]... [--names FILE]
 *                           [--json] FILE|DIR...
 *
 * One country's routing at the end of the input (or at TIME), as
 * docs/events.md §14 defines it: the networks registered in it, its
 * international providers (the first AS of another country on each route
 * from its networks) with their share of its routes and the border
 * networks that reach them, its prefixes with their visibility. The state
 * is read as `as` reads it (archive_state); the query is
 * det_country_views (every country from one walk with `all`), printed by
 * out_country.
 */
#include "cli.h"
#include "../out/out.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void usage(FILE *o)
{
	fputs("usage: routewatch country CC|all [--at TIME] [--countries FILE]... [--names FILE] [--json]\n"
	      "                              [--collector NAME[=PATH]] FILE|DIR...\n"
	      "  One country at the end of the input or at TIME (docs/events.md §14): its\n"
	      "  networks, its international providers (on each route of its networks'\n"
	      "  prefixes, the first AS registered in another country) with their share\n"
	      "  of its routes (peer x prefix) and the border networks that reach them,\n"
	      "  and its prefixes with the peers that see them.\n"
	      "  CC                two letters: KP, RU, CN...; all: every country with\n"
	      "                    routes, by code (JSON: one object per line)\n"
	      "  --at TIME         the state at the end of this second\n"
	      "  --countries FILE  the networks' countries: an AS names file whose names\n"
	      "                    end in \", CC\" or an RIR delegation file (repeatable);\n"
	      "                    without it, the --names file's endings\n"
	      "  --names FILE      AS names (potaroo asn.txt or pyasn JSON)\n"
	      "  --json            one JSON object\n"
	      USAGE_STATE_DB
	      USAGE_COLLECTOR
	      USAGE_TIMES,
	      o);
}

int cmd_country(int argc, char **argv)
{
	struct state_query q;
	bool done;
	int rc = state_query_parse(&q, argc, argv, usage, &done);
	if (rc || done)
		goto out;
	bool all = optind < argc && !strcmp(argv[optind], "all");
	uint16_t cc = optind < argc ? geo_cc_parse(argv[optind], strlen(argv[optind])) : 0;
	if (!cc && !all) {
		rc = missing("country", "the first argument is a country code of two letters, like KP, or all");
		usage(stderr);
		goto out;
	}
	if ((rc = state_query_inputs(&q, "country", argc - optind - 1))) {
		usage(stderr);
		goto out;
	}
	if (!q.have_geo && q.have_names)
		geo_add_names(q.geo, q.nm);
	if (!geo_count(q.geo)) {
		rc = missing("country", "no network has a country: give --countries FILE, or --names FILE whose "
					"names end in \", CC\"");
		goto out;
	}
	struct engine *e = state_query_run(&q, argv + optind + 1, argc - optind - 1, &rc);
	if (!e)
		goto out;
	struct det_country_views vs;
	det_country_views(&e->rib, q.geo, all ? 0 : cc, &vs);
	/* a country without routes: its empty view */
	struct det_country_view none = {.cc = cc, .peers_total = rib_peers_with_routes(&e->rib)};
	struct obuf ob;
	obuf_init(&ob, STDOUT_FILENO, 1 << 16);
	struct out out;
	out_open(&out, q.json ? OUT_JSON : OUT_TEXT, &ob, q.have_names ? q.nm : NULL);
	uint32_t when = q.at ? q.at : e->have_sec ? e->sec : 0;
	for (uint32_t i = 0; i < vs.n; i++) {
		if (i && !q.json)
			obuf_putc(&ob, '\n');
		out_country(&out, &e->rib, &vs.v[i], when);
	}
	if (!all && !vs.n)
		out_country(&out, &e->rib, &none, when);
	out_close(&out);
	obuf_release(&ob);
	det_country_views_free(&vs);
	engine_release(e);
	free(e);
out:
	state_query_release(&q);
	return rc;
}
