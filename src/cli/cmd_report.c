/*
 * routewatch report ASN --from T --to T [--db PATH|URI] [--names FILE]
 *                   [--svg FILE]
 *
 * The story of one origin over a window, from the history store: what an
 * analyst would publish, in plain English with exact times, and the chart
 * of its upstreams' shares with the outages marked.
 */
#include "cli.h"
#include "../report/report.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void usage(FILE *o)
{
	fputs("usage: routewatch report ASN [--from T] [--to T] [options]\n"
	      "       routewatch report --country CC [--from T] [--to T] [options]\n"
	      "  What happened to the origin in the window, in plain English, from the\n"
	      "  history store (routewatch ingest). Times: 2017-10-01T09:00:00Z or unix\n"
	      "  seconds; default window: the last day before the store's clock.\n"
	      "  --db PATH|URI   the store (default: $ROUTEWATCH_DB, else\n"
	      "                  ~/.local/share/routewatch/routewatch.db)\n"
	      "  --names FILE    AS names (else those the store holds)\n"
	      "  --relationships FILE  what each upstream is to the origin, by CAIDA's\n"
	      "                  as-rel file (else as the stored events say): the story\n"
	      "                  speaks of transit providers where they are\n"
	      "  --svg FILE      also write the chart of its upstreams' shares\n"
	      "  --country CC    a country's story instead: its international providers\n"
	      "                  (docs/events.md §14; a store ingested with --countries)\n"
	      "  --json          one JSON object: the window, the upstreams, the events,\n"
	      "                  the outages and the account itself\n"
	      "  --until T       the same as --to\n"
	      USAGE_TIMES,
	      o);
}

/* Write the chart next to its final name, then rename: a reader never
 * sees half a file. */
static int write_svg(const char *path, const struct report_data *d, const struct names *nm)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rw_log(RW_LOG_ERROR, "%s: %s", tmp, strerror(errno));
		return RW_EIO;
	}
	struct obuf o;
	obuf_init(&o, fd, 1 << 16);
	report_svg(d, nm, &o);
	obuf_flush(&o);
	int rc = o.err;
	obuf_release(&o);
	if (close(fd) || rc || rename(tmp, path)) {
		rw_log(RW_LOG_ERROR, "%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
		return RW_EIO;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option lo[] = {{"db", required_argument, 0, 'd'},   {"from", required_argument, 0, 'f'},
					   {"to", required_argument, 0, 't'},   {"names", required_argument, 0, 'n'},
					   {"svg", required_argument, 0, 's'},  {"help", no_argument, 0, 'h'},
					   {"until", required_argument, 0, 't'}, {"json", no_argument, 0, 'j'},
					   {"relationships", required_argument, 0, 'L'}, {"country", required_argument, 0, 'C'},
					   {0, 0, 0, 0}};
	bool json = false;
	const char *db = NULL, *svg = NULL;
	int64_t from = -1, to = -1;
	uint32_t tv;
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
		case 's': svg = optarg; break;
		case 'j': json = true; break;
		case 'q': rw_log_level = RW_LOG_ERROR; break;
		case 'L':
			if ((rc = opt_relationships(&rel, &have_rel, optarg)))
				goto out;
			break;
		case 'C':
			if ((rc = opt_country("report", optarg, &cc)))
				goto out;
			break;
		case 'f':
		case 't':
			if ((rc = opt_time(c == 'f' ? "from" : "to", optarg, &tv)))
				goto out;
			*(c == 'f' ? &from : &to) = tv;
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
		missing("report", optind < argc ? "want one ASN, like 131279 or AS131279" : "no ASN given");
		usage(stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	struct store st;
	if (store_open_at(&st, db, false)) {
		rc = EXIT_DAMAGED;
		goto out;
	}
	int64_t clock = 0;
	store_meta_get(&st, "clock", &clock);
	if (to < 0)
		to = clock > 0 ? clock - 1 : 0;
	if (from < 0)
		from = to > 86400 ? to - 86400 : 0;
	if (from >= to) {
		rw_log(RW_LOG_ERROR, "--from must be before --to");
		rc = EXIT_USAGE;
		store_close(&st);
		goto out;
	}
	struct report_data d;
	int lr = cc ? report_load_country(&st, cc, (uint32_t)from, (uint32_t)to, &d)
		    : report_load(&st, asn, (uint32_t)from, (uint32_t)to, &d);
	if (lr == RW_ENOTFOUND && cc) {
		char cs[3];
		geo_cc_str(cc, cs);
		rw_log(RW_LOG_ERROR, "country %s: not in the history store %s (ingested with --countries?)", cs,
		       st.where);
		rc = EXIT_DAMAGED;
	} else if (lr == RW_ENOTFOUND) {
		rw_log(RW_LOG_ERROR, "AS%u: not in the history store %s", asn, st.where);
		rc = EXIT_DAMAGED;
	} else if (lr) {
		rc = EXIT_DAMAGED;
	} else {
		if (have_rel)
			report_relationships(&d, &rel);
		size_t n;
		uint32_t *asns = report_asns(&d, &n);
		store_names_get(&st, &nm, asns, n);
		free(asns);
		struct obuf o;
		obuf_init(&o, STDOUT_FILENO, 1 << 16);
		if (json)
			report_json(&d, &nm, &o);
		else
			report_text(&d, &nm, &o);
		obuf_release(&o);
		if (svg && write_svg(svg, &d, &nm))
			rc = EXIT_DAMAGED;
	}
	report_data_free(&d);
	store_close(&st);
out:
	names_release(&nm);
	asrel_release(&rel);
	return rc;
}
