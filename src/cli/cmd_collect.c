/*
 * routewatch collect --asn ASN --bgp ADDR:PORT [options]
 *
 * The live collector: options into the live pipeline (pipe/pipe.h), which
 * runs passive BGP sessions and a BMP station into the engine, prints the
 * events as they are determined, keeps an archive like RouteViews' and
 * alerts by command and webhook.
 */
#include "cli.h"
#include "collect_http.h"
#include "conf.h"
#include "../pipe/pipe.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void usage(FILE *o)
{
	fputs("usage: routewatch collect --asn ASN --bgp ADDR:PORT|--bmp ADDR:PORT [options]\n"
	      "       routewatch collect --config FILE [options]\n"
	      "  A passive BGP collector: peers connect, nothing is announced; the\n"
	      "  events of `routewatch events` are printed as they are determined and\n"
	      "  every UPDATE is archived like a public collector's (docs/collect.md).\n"
	      "  --config FILE        options from FILE, one a line: 'name = value' or\n"
	      "                       'name' (the long options below, no dashes), '#'\n"
	      "                       comments; the command line's options win, or for\n"
	      "                       the repeatable ones add to the file's\n"
	      "  --asn ASN            our AS number (required)\n"
	      "  --router-id A.B.C.D  BGP identifier (default: the listening address)\n"
	      "  --bgp ADDR:PORT      where to listen, e.g. 127.0.0.1:1179 or [::]:179\n"
	      "  --bmp ADDR:PORT      a BMP station too: each router's monitored peers\n"
	      "                       are peers of collector <router address>\n"
	      "  --peer ADDR[,ASN]    accept this peer (with this AS) (repeatable)\n"
	      "  --accept PREFIX      accept any peer in this prefix (repeatable);\n"
	      "                       with neither, any address may connect\n"
	      "  --bmp-router ADDR    accept this BMP router (repeatable)\n"
	      "  --bmp-accept PREFIX  accept BMP routers in this prefix (repeatable);\n"
	      "                       --bmp needs one of the two\n"
	      "  --max-connections N  connections at once per port (default 256); a\n"
	      "                       --peer or --bmp-router always gets in\n"
	      "  --max-per-address N  connections at once from one address (default 2)\n"
	      "  --open-timeout S     close a connection that sent no BGP OPEN or BMP\n"
	      "                       Initiation within S seconds (default 10)\n"
	      "  --hold SECONDS       hold time to propose (default 90)\n"
	      "  --no-addpath         do not offer ADD-PATH receive\n"
	      "  --collector NAME     the collector's name for the engine (default: the\n"
	      "                       listening address)\n"
	      "  --archive DIR        write updates.YYYYMMDD.HHMM files (BGP4MP_ET)\n"
	      "  --rotate SECONDS     one updates file per period (default 900)\n"
	      "  --rib-every SECONDS  a TABLE_DUMP_V2 rib.YYYYMMDD.HHMM of the peers'\n"
	      "                       routes per period (with --archive)\n"
	      "  --compress C         none (default), gz, bz2, xz or zst (bgpdump reads\n"
	      "                       none, gz and bz2 only)\n"
	      "  --min-peers N        peers needed to confirm an upstream (default 2)\n"
	      "  --origin ASN         print and alert only this origin's events (repeatable)\n"
	      "  --type T[,T...]      print and alert only these event types\n"
	      "  --json               events as JSON lines (default: text)\n"
	      "  --names FILE         AS names (potaroo asn.txt or pyasn JSON)\n"
	      "  --vrps FILE          RPKI VRPs (rpki-client or stayrtr JSON, or CSV),\n"
	      "                       read again whenever the file changes: rpki_invalid\n"
	      "                       events (docs/events.md §12)\n"
	      "  --rtr HOST:PORT      the VRPs from an RTR server (RFC 8210), instead\n"
	      "  --relationships FILE AS relationships (CAIDA as-rel): route_leak events\n"
	      "  --watch FILE         a watch list (BGPalerter's prefixes.yml): hijack,\n"
	      "                       newprefix, misconfiguration, neighbor, rpki events\n"
	      "  --countries FILE     the networks' countries (AS names file or RIR\n"
	      "                       delegation file; repeatable): country_provider events\n"
	      "  --group-exec GROUP=CMD, --group-webhook GROUP=URL  the alerts of the\n"
	      "                       watch list's GROUP (repeatable); the rest go to\n"
	      "                       --exec and --webhook\n"
	      "  --exec CMD           run CMD (sh -c) per event, its JSON on stdin\n"
	      "  --webhook URL        POST each event's JSON to URL (retried in the\n"
	      "                       background)\n"
	      "  --log FILE           log there instead of stderr (SIGHUP reopens it)\n"
	      "  --db PATH|URI        store the history as ingest does (SQLite file or\n"
	      "                       postgresql://...); a restart continues from it\n"
	      "  --checkpoint S       commit to --db at most every S seconds (default 60)\n"
	      "  --http ADDR:PORT     serve the API of routewatch serve (docs/api.md) from\n"
	      "                       --db, the routes now (/api/v1/live/...) and the events\n"
	      "                       as they come (/api/v1/stream, Server-Sent Events);\n"
	      "                       e.g. 127.0.0.1:8080 (loopback: this machine only)\n"
	      "  Signals: SIGTERM/SIGINT stop cleanly (files finished), SIGUSR1 prints a\n"
	      "  status line, SIGHUP reopens the log.\n",
	      o);
}

static int parse_peer(const char *s, struct live_peer *p)
{
	char a[RW_ADDR_STRLEN + 16];
	if (strlen(s) >= sizeof a)
		return RW_EINVAL;
	snprintf(a, sizeof a, "%s", s);
	char *comma = strchr(a, ',');
	p->asn = 0;
	if (comma) {
		*comma = 0;
		if (parse_asn(comma + 1, &p->asn))
			return RW_EINVAL;
	}
	return parse_addr(a, &p->addr);
}

int cmd_collect(int argc, char **argv)
{
	static const struct option lo[] = {
		{"asn", required_argument, 0, 'a'},       {"router-id", required_argument, 0, 'r'},
		{"bgp", required_argument, 0, 'b'},       {"peer", required_argument, 0, 'p'},
		{"accept", required_argument, 0, 'A'},    {"hold", required_argument, 0, 'H'},
		{"no-addpath", no_argument, 0, 'N'},      {"collector", required_argument, 0, 'c'},
		{"help", no_argument, 0, 'h'},            {"bmp", required_argument, 0, 'B'},
		{"rib-every", required_argument, 0, 'I'}, {"bmp-router", required_argument, 0, 'T'},
		{"bmp-accept", required_argument, 0, 'M'}, {"max-connections", required_argument, 0, 'X'},
		{"max-per-address", required_argument, 0, 'Y'}, {"open-timeout", required_argument, 0, 'O'},
		{"config", required_argument, 0, 'F'},    {"rtr", required_argument, 0, 'Q'},
		{"group-exec", required_argument, 0, 'G'}, {"group-webhook", required_argument, 0, 'K'},
		PIPE_LONGOPTS,
		{0, 0, 0, 0}};
	/* --config FILE: the file's options spliced in before the command
	 * line's (conf.h), so getopt below reads both */
	struct conf_argv ca;
	if (conf_argv(&ca, lo, argc, argv))
		return EXIT_USAGE;
	argc = ca.argc;
	struct pipe_group_alert *ga = NULL; /* --group-exec, --group-webhook */
	uint32_t nga = 0, capga = 0;
	argv = ca.argv;
	struct pipe_cfg pc = {.rotate = 900, .comp = IO_COMP_NONE, .checkpoint = 60};
	struct live_cfg *lc = &pc.live;
	struct pipe_opts po; /* the options watch takes too */
	pipe_opts_init(&po, &pc);
	struct live_peer *peers = NULL;
	uint32_t npeers = 0, cappeers = 0;
	struct rw_prefix *acc = NULL, *bacc = NULL;
	uint32_t nacc = 0, capacc = 0, nbacc = 0, capbacc = 0;
	struct rw_addr *brt = NULL;
	uint32_t nbrt = 0, capbrt = 0;
	int c, rc = 0;
	uint64_t v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (parse_asn(optarg, &lc->asn) || !lc->asn) {
				rw_log(RW_LOG_ERROR, "--asn wants an AS number like 65000, not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case 'r': {
			struct rw_addr a;
			if (parse_addr(optarg, &a) || a.af != RW_AF_INET || !rd32(a.b)) {
				rw_log(RW_LOG_ERROR, "--router-id wants a non-zero IPv4 address, not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			lc->router_id = rd32(a.b);
			break;
		}
		case 'b': lc->bgp_listen = optarg; break;
		case 'p':
			rw_vec_grow(&peers, &cappeers, (size_t)npeers + 1, sizeof *peers, UINT32_MAX, RW_MEM_OTHER);
			if (parse_peer(optarg, &peers[npeers])) {
				rw_log(RW_LOG_ERROR, "--peer wants ADDR or ADDR,ASN, not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			npeers++;
			break;
		case 'A':
			rw_vec_grow(&acc, &capacc, (size_t)nacc + 1, sizeof *acc, UINT32_MAX, RW_MEM_OTHER);
			if (parse_prefix(optarg, &acc[nacc])) {
				rw_log(RW_LOG_ERROR, "--accept wants a prefix like 127.0.0.0/8, not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			nacc++;
			break;
		case 'H':
			if (parse_u64(optarg, 65535, &v) || v == 1 || v == 2) {
				rw_log(RW_LOG_ERROR, "--hold wants 0 or 3..65535 seconds");
				rc = EXIT_USAGE;
				goto out;
			}
			lc->hold_time = (uint16_t)v;
			break;
		case 'N': lc->no_addpath = true; break;
		case 'c': lc->collector = optarg; break;
		case 'G':
		case 'K': {
			/* GROUP=CMD or GROUP=URL: one entry per group */
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || !eq[1]) {
				rw_log(RW_LOG_ERROR, "--group-%s wants GROUP=%s, not '%s'", c == 'G' ? "exec" : "webhook",
				       c == 'G' ? "CMD" : "URL", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			*eq = '\0';
			uint32_t i = 0;
			while (i < nga && strcmp(ga[i].group, optarg))
				i++;
			if (i == nga) {
				rw_vec_grow(&ga, &capga, (size_t)nga + 1, sizeof *ga, UINT32_MAX, RW_MEM_OTHER);
				ga[nga++] = (struct pipe_group_alert){.group = optarg};
			}
			*(c == 'G' ? &ga[i].exec_cmd : &ga[i].webhook) = eq + 1;
			break;
		}
		case 'Q': {
			/* HOST:PORT or [V6]:PORT */
			char *colon = strrchr(optarg, ':');
			if (!colon || colon == optarg || !colon[1]) {
				rw_log(RW_LOG_ERROR, "--rtr wants HOST:PORT (like 127.0.0.1:323), not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			*colon = '\0';
			pc.rtr_port = colon + 1;
			pc.rtr_host = optarg;
			if (*optarg == '[' && colon[-1] == ']') {
				colon[-1] = '\0';
				pc.rtr_host = optarg + 1;
			}
			break;
		}
		case 'B': lc->bmp_listen = optarg; break;
		case 'I':
			if (parse_u64(optarg, 86400, &v) || v < 1 || 86400 % v) {
				rw_log(RW_LOG_ERROR, "--rib-every wants seconds that divide a day (3600, 7200...)");
				rc = EXIT_USAGE;
				goto out;
			}
			pc.rib_every = (uint32_t)v;
			break;
		case 'T':
			rw_vec_grow(&brt, &capbrt, (size_t)nbrt + 1, sizeof *brt, UINT32_MAX, RW_MEM_OTHER);
			if (parse_addr(optarg, &brt[nbrt])) {
				rw_log(RW_LOG_ERROR, "--bmp-router wants an address, not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			nbrt++;
			break;
		case 'M':
			rw_vec_grow(&bacc, &capbacc, (size_t)nbacc + 1, sizeof *bacc, UINT32_MAX, RW_MEM_OTHER);
			if (parse_prefix(optarg, &bacc[nbacc])) {
				rw_log(RW_LOG_ERROR, "--bmp-accept wants a prefix like 192.0.2.0/24, not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			nbacc++;
			break;
		case 'X':
		case 'Y':
			if (parse_u64(optarg, 1000000, &v) || !v) {
				rw_log(RW_LOG_ERROR, "--%s wants a number from 1",
				       c == 'X' ? "max-connections" : "max-per-address");
				rc = EXIT_USAGE;
				goto out;
			}
			*(c == 'X' ? &lc->max_conns : &lc->max_per_addr) = (unsigned)v;
			break;
		case 'O':
			if (parse_u64(optarg, 3600, &v) || !v) {
				rw_log(RW_LOG_ERROR, "--open-timeout wants seconds from 1");
				rc = EXIT_USAGE;
				goto out;
			}
			lc->open_timeout = (uint16_t)v;
			break;
		case 'F': /* conf_argv took --config; getopt took an abbreviation */
			rw_log(RW_LOG_ERROR, "--config: spell it out");
			rc = EXIT_USAGE;
			goto out;
		case 'h': usage(stdout); goto out;
		default:
			if ((rc = pipe_opt(&po, c, optarg, usage)))
				goto out;
			break;
		}
	}
	if (!lc->asn || (!lc->bgp_listen && !lc->bmp_listen) || optind < argc) {
		rc = missing("collect", !lc->asn ? "--asn is required (our AS number)"
				      : optind < argc ? "collect takes no file arguments"
						      : "--bgp ADDR:PORT or --bmp ADDR:PORT is required (where to listen)");
		usage(stderr);
		goto out;
	}
	pc.galerts = ga;
	pc.ngalerts = nga;
	if (nga && !pc.watch) {
		rw_log(RW_LOG_ERROR, "--group-exec and --group-webhook route the groups of a --watch list: give one");
		rc = EXIT_USAGE;
		goto out;
	}
	if (pc.vrps && pc.rtr_host) {
		rw_log(RW_LOG_ERROR, "--vrps and --rtr: the VRPs come from one of them");
		rc = EXIT_USAGE;
		goto out;
	}
	if (pc.rib_every && !pc.archive) {
		rw_log(RW_LOG_ERROR, "--rib-every writes into the --archive directory: give one");
		rc = EXIT_USAGE;
		goto out;
	}
	if (lc->bmp_listen && !nbrt && !nbacc) {
		rw_log(RW_LOG_ERROR, "--bmp needs --bmp-router ADDR or --bmp-accept PREFIX: BMP has no "
				     "authentication, so whoever reaches the port could forge routes and events");
		rc = EXIT_USAGE;
		goto out;
	}
	if (lc->bgp_listen && !npeers && !nacc)
		rw_log(RW_LOG_WARN, "neither --peer nor --accept: any address may open a session");
	lc->bmp_routers = brt;
	lc->nbmp_routers = nbrt;
	lc->bmp_accept = bacc;
	lc->nbmp_accept = nbacc;
	lc->peers = peers;
	lc->npeers = npeers;
	lc->accept = acc;
	lc->naccept = nacc;
	rc = pipe_opts_run(&po);
out:
	free(peers);
	free(acc);
	free(bacc);
	free(brt);
	pipe_opts_release(&po);
	rw_vec_free(&ga, &capga, sizeof *ga, RW_MEM_OTHER);
	conf_argv_release(&ca);
	return rc;
}
