/*
 * routewatch events [--json] [--min-peers N] [--origin ASN]... [--type T]...
 *                   [--collector NAME|NAME=PATH]... [--names FILE] [--from T] [--until T]
 *                   [--settle S] FILE|DIR...
 * routewatch events --db PATH|URI [--json] [--origin ASN]... [--type T]...
 *                   [--from T] [--until T]
 *
 * docs/events.md over archives: the moments a network gained or lost an
 * upstream, and when its prefixes went down and came back. Batch mode:
 * everything is read, then the grouped events are printed sorted by time.
 * --from/--until make a window (docs/events.md §8): archive_window picks
 * the files, det_filter keeps the events of the window's times.
 */
#include "cli.h"
#include "../out/out.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct ev_ctx {
	struct det_group g;
	struct det_filter f;
};

static void on_event(void *arg, const struct det_event *e)
{
	struct ev_ctx *c = arg;
	if (det_filter_match(&c->f, e->type, e->has_origin, e->origin, e->time))
		det_group_add(&c->g, e);
}

struct store_print {
	const struct det_filter *f;
	struct store *st;
	struct names *nm;
	struct out *out;
};

static int on_stored(void *arg, const struct store_event *e)
{
	struct store_print *p = arg;
	if (!det_filter_match(p->f, e->type, e->has_origin, e->origin, e->time))
		return 0;
	uint32_t asns[2] = {e->origin, e->upstream};
	bool up = e->type == DET_UPSTREAM_GAINED || e->type == DET_UPSTREAM_LOST;
	store_names_get(p->st, p->nm, asns, up && e->upstream ? 2 : 1);
	out_event(p->out, e);
	return 0;
}

/* events --db: the stored events in the same formats; names from --names,
 * else from the store. */
static int from_store(const char *db, const struct det_filter *f, bool json, struct names *given)
{
	struct store st;
	if (store_open_at(&st, db, false))
		return EXIT_DAMAGED;
	struct names own;
	names_init(&own);
	struct obuf ob;
	obuf_init(&ob, STDOUT_FILENO, 1 << 16);
	struct out out;
	out_open(&out, json ? OUT_JSON : OUT_TEXT, &ob, given ? given : &own);
	struct store_print p = {f, &st, given ? given : &own, &out};
	/* one origin: its own rows by the (origin, time) key; else a scan of
	 * the time range */
	bool one = f->origins && f->norigins == 1;
	int rc = store_events(&st, !one, one ? f->origins[0] : 0, f->from, f->until ? f->until - 1 : UINT32_MAX,
			      on_stored, &p);
	out_close(&out);
	obuf_release(&ob);
	names_release(&own);
	store_close(&st);
	return rc ? EXIT_DAMAGED : 0;
}

static void usage(FILE *o)
{
	fputs("usage: routewatch events [options] FILE|DIR...\n"
	      "  When networks gained or lost an upstream and when their prefixes went\n"
	      "  down and came back (docs/events.md). Directories are walked; a file's\n"
	      "  collector comes from the archive layout or its directory (--collector).\n"
	      "  --json            one JSON object per event\n"
	      "  --min-peers N     peers needed to confirm an upstream (default 2)\n"
	      "  --origin ASN      only events of this origin (repeatable)\n"
	      "  --type T[,T...]   only these event types (repeatable): upstream_gained,\n"
	      "                    upstream_lost, prefix_down, prefix_up, origin_down, origin_up,\n"
	      "                    collector_gap, origin_gained, origin_lost, prefix_new,\n"
	      "                    more_specific, rpki_invalid, rpki_invalid_end,\n"
	      "                    route_leak, route_leak_end; with --watch hijack,\n"
	      "                    newprefix, misconfiguration, neighbor, path,\n"
	      "                    visibility, rpki, each with its _end\n"
	      USAGE_COLLECTOR
	      "  --names FILE      AS names (potaroo asn.txt or pyasn JSON)\n"
	      "  --from TIME       only events at or after this time (unix seconds or\n"
	      "                    2024-03-09T10:00:00Z): the events a run over all the\n"
	      "                    input gives, read from each collector's last RIB dump\n"
	      "                    before TIME (docs/events.md §8)\n"
	      "  --until TIME      only events before this time (--to: the same)\n"
	      "  --settle S        read on S seconds past --until (default 3600) so that\n"
	      "                    upstreams seen before it can be confirmed\n"
	      "  --gap S           a collector without records for over S seconds next\n"
	      "                    to its updates has a collector_gap (default 1800;\n"
	      "                    0: only missing update files make one; docs/events.md §9)\n"
	      USAGE_VRPS
	      USAGE_RELATIONSHIPS
	      USAGE_WATCH USAGE_COUNTRIES
	      "  --db PATH|URI     read the events a history store holds (routewatch\n"
	      "                    ingest) instead of archives; --from/--until select\n"
	      "  --stats           counts and speed on stderr\n"
	      USAGE_TIMES,
	      o);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int cmd_events(int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", no_argument, 0, 'j'},           {"min-peers", required_argument, 0, 'm'},
		{"origin", required_argument, 0, 'o'},   {"type", required_argument, 0, 't'},
		{"collector", required_argument, 0, 'c'}, {"names", required_argument, 0, 'n'},
		{"until", required_argument, 0, 'u'},    {"stats", no_argument, 0, 's'},
		{"from", required_argument, 0, 'F'},     {"db", required_argument, 0, 'd'},
		{"settle", required_argument, 0, 'S'},   {"help", no_argument, 0, 'h'},
		{"gap", required_argument, 0, 'g'},      {"to", required_argument, 0, 'u'},
		{"vrps", required_argument, 0, 'V'},     {"relationships", required_argument, 0, 'L'},
		{"watch", required_argument, 0, 'W'}, {"countries", required_argument, 0, 'E'},
		{0, 0, 0, 0}};
	bool json = false, stats = false;
	const char *db = NULL;
	unsigned min_peers = 2;
	uint32_t settle = 3600, gap = ENGINE_GAP_DEFAULT;
	struct ev_ctx ec = {0};
	uint32_t *origins = NULL;
	uint32_t norig = 0, caporig = 0;
	struct archive_opts ao = {0};
	struct names nm;
	bool have_names = false;
	names_init(&nm);
	struct feed_names coll; /* --collector */
	feed_names_init(&coll);
	struct engine_inputs so; /* --vrps, --relationships, --watch */
	engine_inputs_init(&so);
	int c, rc = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jhq", lo, NULL)) != -1) {
		uint64_t v;
		uint32_t asn;
		switch (c) {
		case 'j': json = true; break;
		case 's': stats = true; break;
		case 'q': rw_log_level = RW_LOG_ERROR; break;
		case 'm':
			if (parse_u64(optarg, 65535, &v) || !v) {
				rw_log(RW_LOG_ERROR, "--min-peers wants a number from 1");
				rc = EXIT_USAGE;
				goto out;
			}
			min_peers = (unsigned)v;
			break;
		case 'o':
			if (parse_asn(optarg, &asn)) {
				rw_log(RW_LOG_ERROR, "--origin wants an ASN like 131279 or AS131279, not '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			rw_vec_grow(&origins, &caporig, (size_t)norig + 1, sizeof *origins, UINT32_MAX, RW_MEM_OTHER);
			origins[norig++] = asn;
			break;
		case 't': {
			char bad[64];
			if (det_filter_types(&ec.f, optarg, bad, sizeof bad)) {
				rw_log(RW_LOG_ERROR, "--type: unknown event type '%s'; the types are %s", bad,
				       det_type_list());
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		}
		case 'c':
			if ((rc = opt_collector(&coll, optarg)))
				goto out;
			break;
		case 'n':
			if (names_load(&nm, optarg)) {
				rc = EXIT_DAMAGED;
				goto out;
			}
			have_names = true;
			break;
		case 'u':
		case 'F':
			if ((rc = opt_time(c == 'u' ? "until" : "from", optarg, c == 'u' ? &ec.f.until : &ec.f.from)))
				goto out;
			break;
		case 'S':
			if (parse_u64(optarg, UINT32_MAX, &v)) {
				rw_log(RW_LOG_ERROR, "--settle wants seconds, like 3600");
				rc = EXIT_USAGE;
				goto out;
			}
			settle = (uint32_t)v;
			break;
		case 'g':
			if (parse_u64(optarg, UINT32_MAX, &v)) {
				rw_log(RW_LOG_ERROR, "--gap wants seconds, like 1800");
				rc = EXIT_USAGE;
				goto out;
			}
			gap = (uint32_t)v;
			break;
		case 'd': db = optarg; break;
		case 'V':
		case 'L':
		case 'W':
		case 'E':
			if ((rc = sec_opt(&so, c, optarg)))
				goto out;
			break;
		case 'h': usage(stdout); goto out;
		default: usage(stderr); rc = EXIT_USAGE; goto out;
		}
	}
	if (norig) {
		qsort(origins, norig, sizeof *origins, cmp_u32);
		ec.f.origins = origins;
		ec.f.norigins = norig;
	}
	if (ec.f.until && ec.f.from >= ec.f.until) {
		rw_log(RW_LOG_ERROR, "--from must be before --until");
		rc = EXIT_USAGE;
		goto out;
	}
	if (db) {
		if (optind < argc) {
			rw_log(RW_LOG_ERROR, "--db reads a store; to put archives into one, use routewatch ingest");
			rc = EXIT_USAGE;
			goto out;
		}
		rc = from_store(db, &ec.f, json, have_names ? &nm : NULL);
		goto out;
	}
	if (optind >= argc) {
		rc = missing("events", "no input: give FILE or DIR");
		usage(stderr);
		goto out;
	}
	det_group_init(&ec.g);
	ao.feed.progress = rw_log_level > RW_LOG_ERROR; /* shown on a terminal, not with -q */
	struct feed_stats *st = rw_calloc(1, sizeof *st);
	struct engine *e = rw_malloc(sizeof *e);
	engine_init(e, min_peers, on_event, &ec);
	e->gap = gap;
	if (engine_inputs_apply(&so, e, 0, &ao))
		rc = EXIT_DAMAGED;
	double t0 = now_seconds();
	struct feed_inputs in;
	if (feed_inputs(argv + optind, argc - optind, &coll, &ao.feed.io, &in, st))
		rc = EXIT_DAMAGED;
	if (ec.f.from || ec.f.until)
		archive_window(&in, &ao, ec.f.from, ec.f.until, settle);
	if (archive_run(e, &in, &ao, st))
		rc = EXIT_DAMAGED;
	say_data_end(st, "from", ec.f.from);
	if (so.vrps.status)
		rc = EXIT_DAMAGED;
	det_group_finish(&ec.g, &e->rib);
	struct obuf ob;
	obuf_init(&ob, STDOUT_FILENO, 1 << 16);
	struct out out;
	out_open(&out, json ? OUT_JSON : OUT_TEXT, &ob, have_names ? &nm : NULL);
	char *pbuf = NULL;
	size_t pcap = 0;
	for (uint32_t i = 0; i < ec.g.n; i++) {
		struct store_event v;
		hist_event_view(&ec.g.ev[i], &e->rib, &pbuf, &pcap, &v);
		out_event(&out, &v);
	}
	free(pbuf);
	out_close(&out);
	obuf_release(&ob);
	if (stats) {
		double el = now_seconds() - t0;
		feed_stats_print(st, el);
		print_engine_stats("engine", &e->st, el);
		fprintf(stderr, "state: %u prefixes, %llu routes, %u paths (%u peers, %u collectors), %.1f MB; events %llu (%u grouped)\n",
			e->rib.npfx, (unsigned long long)e->rib.route_count, e->rib.path_live, e->rib.npeer,
			e->rib.ncoll, (double)rib_bytes(&e->rib) / 1e6, (unsigned long long)e->det.events, ec.g.n);
		/* where a route's bytes go: the rib's parts, then everything the
		 * state's owners count (rib, detector, engine) per route */
		struct rib_mem m;
		rib_mem(&e->rib, &m);
		double nr = e->rib.route_count ? (double)e->rib.route_count : 1;
		uint64_t held = rw_mem_held(RW_MEM_RIB) + rw_mem_held(RW_MEM_DET) + rw_mem_held(RW_MEM_ENGINE);
		fprintf(stderr, "state bytes per route: routes %.2f, ADD-PATH ids %.2f, prefixes %.2f + table %.2f, "
				"paths %.2f + keys %.2f + table %.2f, peers %.2f, dirty %.2f; detector %.2f; "
				"all counted %.2f (%.1f MB)\n",
			m.routes / nr, m.addpath / nr, m.prefixes / nr, m.pfx_tab / nr, m.paths / nr, m.path_keys / nr,
			m.path_tab / nr, m.peers / nr, m.dirty / nr, rw_mem_held(RW_MEM_DET) / nr, held / nr,
			(double)held / 1e6);
		struct det_counts dc;
		det_count(&e->det, &dc);
		fprintf(stderr, "detector: episodes %llu upstream, %llu (prefix, origin), %llu RPKI invalid, %llu watch, "
				"%llu leak or path rule; %u distinct leaks and rules\n",
			(unsigned long long)dc.upstream, (unsigned long long)dc.origin, (unsigned long long)dc.rpki,
			(unsigned long long)dc.watch, (unsigned long long)dc.tag, dc.leaks);
		print_memory();
	}
	feed_inputs_free(&in);
	det_group_release(&ec.g);
	/* the state lives as long as the process (rw_free_at_exit) */
	if (rw_free_at_exit()) {
		engine_release(e);
		free(e);
	}
	free(st);
out:
	free(origins);
	names_release(&nm);
	feed_names_release(&coll);
	engine_inputs_release(&so);
	return rc;
}
