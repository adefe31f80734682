/*
 * routewatch watch --ris-live URL [options]
 *
 * The public collectors, live: options into the live pipeline
 * (pipe/pipe.h) with RIPE RIS Live as its source (live/live_ris.c), the
 * clock the messages' own. The outputs are collect's: events as they are
 * determined, alerts, the history store, the archive of what came in.
 */
#include "cli.h"
#include "../pipe/pipe.h"
#include "collect_http.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void usage(FILE *o)
{
	fputs("usage: routewatch watch --ris-live URL | --follow URL|DIR... [options]\n"
	      "  The public collectors, live: RIPE RIS Live's stream, or the RouteViews and\n"
	      "  RIS archives as new files appear, through the engine of `routewatch\n"
	      "  events`; events printed as they are determined, with the outputs of\n"
	      "  `collect` (docs/watch-live.md).\n"
	      "  --ris-live URL       the RIS Live WebSocket stream, e.g.\n"
	      "                       wss://ris-live.ripe.net/v1/ws/?client=routewatch;\n"
	      "                       each message's host is its collector (rrc00...)\n"
	      "  --ris-host H         subscribe to one collector's messages only\n"
	      "  --ris-prefix P       only routes of prefix P, with --more-specific and/or\n"
	      "                       --less-specific its more- or less-specifics too\n"
	      "  --more-specific, --less-specific\n"
	      "  --ris-path P         only paths RIS Live's path filter matches (\"3356,131279$\")\n"
	      "  --ris-peer ADDR      only this peer's messages\n"
	      "  --no-raw             do not ask for the raw UPDATE bytes: records are\n"
	      "                       made from the JSON fields\n"
	      "  --ris-delay S        a message waits until one S seconds later came (or a\n"
	      "                       second without any), so that messages of several\n"
	      "                       collectors reach the engine in time order (default 2;\n"
	      "                       0: at once)\n"
	      "  --ris-timeout S      a connection silent for S seconds (a ping unanswered\n"
	      "                       at S/2) is made again (default 60)\n"
	      "  --ris-backoff S      the longest wait between connection attempts\n"
	      "                       (default 60; from 1 s, doubling)\n"
	      "  --follow URL|DIR     a mirror of the archives (http(s):// directory listings\n"
	      "                       or a local directory), polled for new update and RIB\n"
	      "                       files, each applied in time order when its turn comes\n"
	      "                       (repeatable)\n"
	      "  --from-rib           start each collector of the mirrors from its latest RIB\n"
	      "                       dump there (a silent baseline) and the updates since;\n"
	      "                       else only files that appear after the start are read\n"
	      "  --cache DIR          where files of HTTP mirrors are downloaded (required\n"
	      "                       with an http(s):// --follow)\n"
	      "  --poll S             seconds between polls of the mirrors (default 60)\n"
	      "  --late S             how long a missing expected file, or a collector with\n"
	      "                       no new file, holds the others back before it counts as\n"
	      "                       a gap (default 900)\n"
	      "  --archive DIR        what came in, as RIS archives it: DIR/<host>/updates.*\n"
	      "  --rotate SECONDS     one updates file per period (default 300)\n"
	      "  --compress C         none (default), gz, bz2, xz or zst\n"
	      "  --db PATH|URI        store the history as ingest does (SQLite file or\n"
	      "                       postgresql://...); a restart continues from it\n"
	      "  --checkpoint S       commit to --db at most every S seconds (default 60)\n"
	      "  --http ADDR:PORT     serve the API (docs/api.md) as collect --http does: the\n"
	      "                       history of --db, the routes now, the events as they\n"
	      "                       come (/api/v1/stream); loopback unless told otherwise\n"
	      "  --min-peers N        peers needed to confirm an upstream (default 2)\n"
	      "  --gap S              a collector silent for S seconds has a collector_gap\n"
	      "                       (default 1800)\n"
	      "  --origin ASN         print and alert only this origin's events (repeatable)\n"
	      "  --type T[,T...]      print and alert only these event types\n"
	      "  --json               events as JSON lines (default: text)\n"
	      "  --names FILE         AS names (potaroo asn.txt or pyasn JSON)\n"
	      "  --vrps FILE          RPKI VRPs, read again whenever the file changes\n"
	      "  --relationships FILE AS relationships (CAIDA as-rel): route_leak events\n"
	      "  --watch FILE         a watch list (BGPalerter's prefixes.yml)\n"
	      "  --countries FILE     the networks' countries (AS names file or RIR\n"
	      "                       delegation file; repeatable): country_provider events\n"
	      "  --exec CMD           run CMD (sh -c) per event, its JSON on stdin\n"
	      "  --webhook URL        POST each event's JSON to URL\n"
	      "  --log FILE           log there instead of stderr (SIGHUP reopens it)\n"
	      "  Signals: SIGTERM/SIGINT stop cleanly, SIGUSR1 prints a status line.\n",
	      o);
}

static int bad(const char *what)
{
	rw_log(RW_LOG_ERROR, "%s", what);
	return EXIT_USAGE;
}

int cmd_watch(int argc, char **argv)
{
	static const struct option lo[] = {
		{"ris-live", required_argument, 0, 'U'},   {"ris-host", required_argument, 0, 'H'},
		{"ris-prefix", required_argument, 0, 'P'}, {"more-specific", no_argument, 0, 'M'},
		{"less-specific", no_argument, 0, 'S'},    {"ris-path", required_argument, 0, 'A'},
		{"ris-peer", required_argument, 0, 'E'},   {"no-raw", no_argument, 0, 'N'},
		{"ris-timeout", required_argument, 0, 'T'}, {"ris-backoff", required_argument, 0, 'B'},
		{"gap", required_argument, 0, 'g'},        {"help", no_argument, 0, 'h'},
		{"follow", required_argument, 0, 'F'},     {"from-rib", no_argument, 0, 'b'},
		{"cache", required_argument, 0, 'c'},      {"poll", required_argument, 0, 'p'},
		{"late", required_argument, 0, 'a'},       {"ris-delay", required_argument, 0, 'y'},
		PIPE_LONGOPTS,
		{0, 0, 0, 0}};
	struct pipe_cfg pc = {.rotate = 300, .comp = IO_COMP_NONE, .checkpoint = 60, .stream_clock = true, .reorder = 2};
	struct live_cfg *lc = &pc.live;
	lc->ris_sub.raw = true;
	struct pipe_opts po; /* the options collect takes too */
	pipe_opts_init(&po, &pc);
	const char **follow = NULL;
	uint32_t nfollow = 0, capfollow = 0;
	int c, rc = 0;
	uint64_t v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'U': lc->ris_url = optarg; break;
		case 'H': lc->ris_sub.host = optarg; break;
		case 'P': {
			struct rw_prefix p;
			if (parse_prefix(optarg, &p)) {
				rc = bad("--ris-prefix wants a prefix like 192.0.2.0/24");
				goto out;
			}
			lc->ris_sub.prefix = optarg;
			break;
		}
		case 'M': lc->ris_sub.more_specific = true; break;
		case 'S': lc->ris_sub.less_specific = true; break;
		case 'A': lc->ris_sub.path = optarg; break;
		case 'E': {
			struct rw_addr a;
			if (parse_addr(optarg, &a)) {
				rc = bad("--ris-peer wants an address");
				goto out;
			}
			lc->ris_sub.peer = optarg;
			break;
		}
		case 'N': lc->ris_sub.raw = false; break;
		case 'T':
			if (parse_u64(optarg, 86400, &v) || v < 2) {
				rc = bad("--ris-timeout wants seconds from 2");
				goto out;
			}
			lc->ris_timeout = (unsigned)v;
			break;
		case 'B':
			if (parse_u64(optarg, 86400, &v) || !v) {
				rc = bad("--ris-backoff wants seconds from 1");
				goto out;
			}
			lc->ris_backoff_max = (unsigned)v;
			break;
		case 'g':
			if (parse_u64(optarg, UINT32_MAX, &v) || !v) {
				rc = bad("--gap wants seconds from 1");
				goto out;
			}
			pc.gap = (uint32_t)v;
			break;
		case 'F':
			rw_vec_grow(&follow, &capfollow, (size_t)nfollow + 1, sizeof *follow, UINT32_MAX, RW_MEM_OTHER);
			follow[nfollow++] = optarg;
			break;
		case 'b': lc->follow_from_rib = true; break;
		case 'y':
			if (parse_u64(optarg, 3600, &v)) {
				rc = bad("--ris-delay wants seconds from 0 to 3600");
				goto out;
			}
			pc.reorder = (uint32_t)v;
			break;
		case 'c': lc->follow_cache = optarg; break;
		case 'p':
		case 'a':
			if (parse_u64(optarg, 86400, &v) || !v) {
				rc = bad(c == 'p' ? "--poll wants seconds from 1" : "--late wants seconds from 1");
				goto out;
			}
			if (c == 'p')
				lc->follow_poll = (unsigned)v;
			else
				pc.follow_late = (uint32_t)v;
			break;
		case 'h': usage(stdout); goto out;
		default:
			if ((rc = pipe_opt(&po, c, optarg, usage)))
				goto out;
			break;
		}
	}
	if ((!lc->ris_url && !nfollow) || optind < argc) {
		rc = missing("watch", optind < argc ? "watch takes no file arguments"
						    : "a source is required: --ris-live URL or --follow URL|DIR");
		usage(stderr);
		goto out;
	}
	lc->follow = follow;
	lc->nfollow = nfollow;
	if (lc->ris_url && strncmp(lc->ris_url, "ws://", 5) && strncmp(lc->ris_url, "wss://", 6)) {
		rw_log(RW_LOG_ERROR, "--ris-live wants ws://HOST[:PORT]/PATH or wss://..., not '%s'", lc->ris_url);
		rc = EXIT_USAGE;
		goto out;
	}
	if ((lc->ris_sub.more_specific || lc->ris_sub.less_specific) && !lc->ris_sub.prefix) {
		rc = bad("--more-specific and --less-specific go with --ris-prefix");
		goto out;
	}
	rc = pipe_opts_run(&po);
out:
	rw_vec_free(&follow, &capfollow, sizeof *follow, RW_MEM_OTHER);
	pipe_opts_release(&po);
	return rc;
}
