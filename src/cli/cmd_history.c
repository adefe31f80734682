/*
 * routewatch history ASN [--db PATH|URI] [--json] [--names FILE]
 *
 * Every upstream an origin ever had, from the history store: when it was
 * first seen, how many prefixes it has now, and per upstream (confirmed as
 * docs/events.md says) its first and last time, its intervals and its share of
 * the origin's routes (time-weighted mean and max).
 */
#include "cli.h"
#include "../out/out.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void usage(FILE *o)
{
	fputs("usage: routewatch history ASN [--db PATH|URI] [--json] [--names FILE] [--relationships FILE]\n"
	      "       routewatch history --country CC [--db PATH|URI] [--json] [--names FILE]\n"
	      "  Every upstream the origin ever had, from the history store (see\n"
	      "  routewatch ingest): first and last seen, intervals, share of its routes.\n"
	      "  --country CC    a country's international providers instead (docs/events.md\n"
	      "                  §14: a store ingested with --countries)\n"
	      "  --relationships FILE  say what each upstream is to the origin (provider,\n"
	      "                  peer, customer, unknown) by CAIDA's as-rel file\n",
	      o);
}

int cmd_history(int argc, char **argv)
{
	static const struct option lo[] = {{"db", required_argument, 0, 'd'},
					   {"json", no_argument, 0, 'j'},
					   {"names", required_argument, 0, 'n'},
					   {"relationships", required_argument, 0, 'L'},
					   {"country", required_argument, 0, 'C'},
					   {"help", no_argument, 0, 'h'},
					   {0, 0, 0, 0}};
	const char *db = NULL;
	bool json = false;
	struct names nm;
	names_init(&nm);
	struct asrel rel;
	asrel_init(&rel);
	bool have_rel = false;
	uint16_t cc = 0;
	int c, rc = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", lo, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'j': json = true; break;
		case 'q': rw_log_level = RW_LOG_ERROR; break;
		case 'L':
			if ((rc = opt_relationships(&rel, &have_rel, optarg)))
				goto out;
			break;
		case 'C':
			if ((rc = opt_country("history", optarg, &cc)))
				goto out;
			break;
		case 'n':
			if (names_load(&nm, optarg)) {
				rc = EXIT_DAMAGED;
				goto out;
			}
			break;
		case 'h': usage(stdout); goto out;
		default: usage(stderr); rc = EXIT_USAGE; goto out;
		}
	}
	uint32_t asn = cc;
	if (cc ? optind != argc : optind != argc - 1 || parse_asn(argv[optind], &asn)) {
		missing("history", optind < argc ? "want one ASN, like 131279 or AS131279" : "no ASN given");
		usage(stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	struct store st;
	if (store_open_at(&st, db, false)) {
		rc = EXIT_DAMAGED;
		goto out;
	}
	struct store_history h;
	if (cc ? store_country_history(&st, cc, &h) : store_history(&st, asn, &h)) {
		rc = EXIT_DAMAGED;
	} else if (!h.found) {
		char cs[3];
		geo_cc_str(cc, cs);
		if (cc)
			rw_log(RW_LOG_ERROR, "country %s: not in the history store %s (ingested with --countries?)", cs,
			       st.where);
		else
			rw_log(RW_LOG_ERROR, "AS%u: not in the history store %s", asn, st.where);
		rc = EXIT_DAMAGED;
	} else {
		size_t nu;
		struct store_upstream *u = store_history_upstreams(&h, &nu);
		uint32_t *asns = rw_malloc((nu + 1) * sizeof *asns);
		asns[0] = asn;
		for (size_t i = 0; i < nu; i++)
			asns[i + 1] = u[i].asn;
		store_names_get(&st, &nm, asns, nu + 1);
		free(asns);
		struct obuf ob;
		obuf_init(&ob, STDOUT_FILENO, 1 << 16);
		struct out out;
		out_open(&out, json ? OUT_JSON : OUT_TEXT, &ob, &nm);
		out.rel = have_rel && !cc ? &rel : NULL;
		out_history(&out, &h, u, nu);
		out_close(&out);
		obuf_release(&ob);
		free(u);
	}
	store_history_free(&h);
	store_close(&st);
out:
	names_release(&nm);
	asrel_release(&rel);
	return rc;
}
