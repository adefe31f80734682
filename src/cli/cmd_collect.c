/*
 * routewatch collect --asn ASN --bgp ADDR:PORT [options]
 *
 * The live collector (live/live.h): passive BGP sessions, events printed
 * as they are determined, an archive like RouteViews', alerts by command
 * and webhook (live/alert.c).
 */
#include "cli.h"
#include "../live/alert.h"
#include "../live/live.h"
#include "../names/names.h"
#include "../store/hist.h"
#include "collect_store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct col_ctx {
	bool json;
	struct names *nm;
	struct alerts *alerts;
	struct obuf out;        /* stdout */
	struct obuf js;         /* one event's JSON for the alerts */
	struct col_store *db;   /* --db, or NULL */
	char *pbuf;
	size_t pcap;
};

static void on_events(void *arg, const struct det_group *g, const struct rib *r)
{
	struct col_ctx *c = arg;
	for (uint32_t i = 0; i < g->n; i++) {
		struct store_event v;
		hist_event_view(&g->ev[i], r, &c->pbuf, &c->pcap, &v);
		if (c->json)
			event_print_json(&c->out, &v, c->nm);
		else
			event_print_text(&c->out, &v, c->nm);
		if (c->alerts) {
			c->js.len = 0;
			event_print_json(&c->js, &v, c->nm);
			alerts_event(c->alerts, c->js.buf, c->js.len);
		}
	}
	obuf_flush(&c->out); /* live: every second's events leave at once */
}

static int on_attach(void *arg, struct engine *e)
{
	struct col_ctx *c = arg;
	return c->db ? col_store_attach(c->db, e) : 0;
}

static void on_event(void *arg, const struct det_event *ev)
{
	struct col_ctx *c = arg;
	if (c->db)
		col_store_event(c->db, ev);
}

static void on_second(void *arg, uint32_t clock, bool final)
{
	struct col_ctx *c = arg;
	if (c->db)
		col_store_second(c->db, clock, final);
}

static void on_tick(void *arg)
{
	struct col_ctx *c = arg;
	if (c->alerts)
		alerts_tick(c->alerts);
}

static void usage(FILE *o)
{
	fputs("usage: routewatch collect --asn ASN --bgp ADDR:PORT|--bmp ADDR:PORT [options]\n"
	      "  A passive BGP collector: peers connect, nothing is announced; the\n"
	      "  events of `routewatch events` are printed as they are determined and\n"
	      "  every UPDATE is archived like a public collector's (docs/collect.md).\n"
	      "  --asn ASN           our AS number (required)\n"
	      "  --router-id A.B.C.D BGP identifier (default: the listening address)\n"
	      "  --bgp ADDR:PORT     where to listen, e.g. 127.0.0.1:1179 or [::]:179\n"
	      "  --bmp ADDR:PORT     a BMP station too: each router's monitored peers\n"
	      "                      are peers of collector <router address>\n"
	      "  --peer ADDR[,ASN]   accept this peer (with this AS) (repeatable)\n"
	      "  --accept PREFIX     accept any peer in this prefix (repeatable);\n"
	      "                      with neither, any address may connect\n"
	      "  --hold SECONDS      hold time to propose (default 90)\n"
	      "  --no-addpath        do not offer ADD-PATH receive\n"
	      "  --collector NAME    the collector's name for the engine (default: the\n"
	      "                      listening address)\n"
	      "  --archive DIR       write updates.YYYYMMDD.HHMM files (BGP4MP_ET)\n"
	      "  --rotate SECONDS    one updates file per period (default 900)\n"
	      "  --rib-every SECONDS a TABLE_DUMP_V2 rib.YYYYMMDD.HHMM of the peers'\n"
	      "                      routes per period (with --archive)\n"
	      "  --compress C        none (default), gz, bz2, xz or zst\n"
	      "  --min-peers N       peers needed to confirm an upstream (default 2)\n"
	      "  --json              events as JSON lines (default: text)\n"
	      "  --names FILE        AS names (potaroo asn.txt or pyasn JSON)\n"
	      "  --exec CMD          run CMD (sh -c) per event, its JSON on stdin\n"
	      "  --webhook URL       POST each event's JSON to URL (retried in the\n"
	      "                      background)\n"
	      "  --log FILE          log there instead of stderr (SIGHUP reopens it)\n"
	      "  --db PATH|URI       store the history as ingest does (SQLite file or\n"
	      "                      postgresql://...); a restart continues from it\n"
	      "  --checkpoint S      commit to --db at most every S seconds (default 60)\n"
	      "  Signals: SIGTERM/SIGINT stop cleanly (files finished), SIGUSR1 prints a\n"
	      "  status line, SIGHUP reopens the log.\n",
	      o);
}

static int parse_peer(const char *s, struct live_peer *p)
{
	char a[RW_ADDR_STRLEN + 16];
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
		{"archive", required_argument, 0, 'd'},   {"rotate", required_argument, 0, 'R'},
		{"compress", required_argument, 0, 'z'},  {"min-peers", required_argument, 0, 'm'},
		{"json", no_argument, 0, 'j'},            {"names", required_argument, 0, 'n'},
		{"exec", required_argument, 0, 'e'},      {"webhook", required_argument, 0, 'w'},
		{"log", required_argument, 0, 'l'},       {"help", no_argument, 0, 'h'},
		{"bmp", required_argument, 0, 'B'},       {"rib-every", required_argument, 0, 'I'},
		{"db", required_argument, 0, 'D'},        {"checkpoint", required_argument, 0, 'C'},
		{0, 0, 0, 0}};
	struct live_cfg cfg = {.rotate = 900, .min_peers = 2, .comp = IO_COMP_NONE};
	struct live_peer *peers = NULL;
	struct rw_prefix *acc = NULL;
	struct col_ctx cc = {0};
	struct names nm;
	names_init(&nm);
	const char *exec_cmd = NULL, *webhook = NULL, *db = NULL;
	unsigned ckpt = 60;
	bool min_given = false;
	struct col_store cs;
	memset(&cs, 0, sizeof cs);
	int c, rc = 0;
	uint64_t v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (parse_asn(optarg, &cfg.asn) || !cfg.asn) {
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
			cfg.router_id = rd32(a.b);
			break;
		}
		case 'b': cfg.bgp_listen = optarg; break;
		case 'p':
			peers = realloc(peers, (cfg.npeers + 1) * sizeof *peers);
			if (parse_peer(optarg, &peers[cfg.npeers])) {
				rw_log(RW_LOG_ERROR, "--peer wants ADDR or ADDR,ASN, not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			cfg.npeers++;
			break;
		case 'A':
			acc = realloc(acc, (cfg.naccept + 1) * sizeof *acc);
			if (parse_prefix(optarg, &acc[cfg.naccept])) {
				rw_log(RW_LOG_ERROR, "--accept wants a prefix like 127.0.0.0/8, not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			cfg.naccept++;
			break;
		case 'H':
			if (parse_u64(optarg, 65535, &v) || v == 1 || v == 2) {
				rw_log(RW_LOG_ERROR, "--hold wants 0 or 3..65535 seconds");
				rc = EXIT_USAGE;
				goto out;
			}
			cfg.hold_time = (uint16_t)v;
			break;
		case 'N': cfg.no_addpath = true; break;
		case 'c': cfg.collector = optarg; break;
		case 'd': cfg.archive = optarg; break;
		case 'R':
			if (parse_u64(optarg, 86400, &v) || v < 1 || 86400 % v) {
				rw_log(RW_LOG_ERROR, "--rotate wants seconds that divide a day (60, 300, 900, 3600...)");
				rc = EXIT_USAGE;
				goto out;
			}
			cfg.rotate = (uint32_t)v;
			break;
		case 'z':
			if (io_comp_parse(optarg, &cfg.comp)) {
				rw_log(RW_LOG_ERROR, "--compress wants none, gz, bz2, xz or zst");
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case 'm':
			if (parse_u64(optarg, 65535, &v) || !v) {
				rw_log(RW_LOG_ERROR, "--min-peers wants a number from 1");
				rc = EXIT_USAGE;
				goto out;
			}
			cfg.min_peers = (unsigned)v;
			min_given = true;
			break;
		case 'j': cc.json = true; break;
		case 'n':
			if (names_load(&nm, optarg)) {
				rc = EXIT_DAMAGED;
				goto out;
			}
			cc.nm = &nm;
			break;
		case 'e': exec_cmd = optarg; break;
		case 'w': webhook = optarg; break;
		case 'l':
			if (!freopen(optarg, "a", stderr)) {
				rc = EXIT_USAGE;
				goto out;
			}
			setvbuf(stderr, NULL, _IOLBF, 0);
			cfg.log_path = optarg;
			break;
		case 'B': cfg.bmp_listen = optarg; break;
		case 'I':
			if (parse_u64(optarg, 86400, &v) || v < 1 || 86400 % v) {
				rw_log(RW_LOG_ERROR, "--rib-every wants seconds that divide a day (3600, 7200...)");
				rc = EXIT_USAGE;
				goto out;
			}
			cfg.rib_every = (uint32_t)v;
			break;
		case 'D': db = optarg; break;
		case 'C':
			if (parse_u64(optarg, 86400, &v) || !v) {
				rw_log(RW_LOG_ERROR, "--checkpoint wants seconds from 1");
				rc = EXIT_USAGE;
				goto out;
			}
			ckpt = (unsigned)v;
			break;
		case 'h': usage(stdout); goto out;
		default: usage(stderr); rc = EXIT_USAGE; goto out;
		}
	}
	if (!cfg.asn || (!cfg.bgp_listen && !cfg.bmp_listen) || optind < argc) {
		usage(stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	if (cfg.rib_every && !cfg.archive) {
		rw_log(RW_LOG_ERROR, "--rib-every writes into the --archive directory: give one");
		rc = EXIT_USAGE;
		goto out;
	}
	if (!cfg.npeers && !cfg.naccept)
		rw_log(RW_LOG_WARN, "neither --peer nor --accept: any address may open a session");
	cfg.peers = peers;
	cfg.accept = acc;
	cfg.events = on_events;
	cfg.tick = on_tick;
	cfg.arg = &cc;
	if (db) {
		if (col_store_open(&cs, db, &cfg.min_peers, min_given)) {
			rc = EXIT_USAGE;
			goto out;
		}
		cs.every = ckpt;
		cc.db = &cs;
		cfg.attach = on_attach;
		cfg.event = on_event;
		cfg.second = on_second;
	}
	if ((exec_cmd || webhook) && alerts_open(&cc.alerts, exec_cmd, webhook)) {
		rc = EXIT_USAGE;
		goto out;
	}
	obuf_init(&cc.out, STDOUT_FILENO, 1 << 16);
	obuf_init_mem(&cc.js, 4096);
	rc = live_run(&cfg) ? EXIT_DAMAGED : 0;
	if (col_store_close(&cs))
		rc = EXIT_DAMAGED;
	obuf_release(&cc.out);
	obuf_release(&cc.js);
	alerts_close(cc.alerts);
	free(cc.pbuf);
out:
	free(peers);
	free(acc);
	names_release(&nm);
	return rc;
}
