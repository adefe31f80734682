/*
 * routewatch backfill plan|work|status|finish (docs/backfill.md)
 *
 * A mirror into a PostgreSQL store by workers on any number of machines.
 * The work is the backfill layer's (src/backfill/) and its SQL the
 * store's (store_backfill.c); this file parses options and prints.
 */
#include "cli.h"
#include "../backfill/backfill.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *o)
{
	fputs("usage: routewatch backfill plan --db URI --from TIME --until TIME [--window D] [options] MIRROR...\n"
	      "       routewatch backfill work --db URI [--workers N] [--lease S]\n"
	      "       routewatch backfill status --db URI\n"
	      "       routewatch backfill finish --db URI\n"
	      "  A mirror into a PostgreSQL history store, a window at a time, by\n"
	      "  workers on any number of machines (docs/backfill.md). The result equals\n"
	      "  one `routewatch ingest` of the mirror with the same options, but for\n"
	      "  the ends of a few episodes already under way where a window's replay\n"
	      "  begins (docs/backfill.md, Guarantees; docs/events.md §8, item 3).\n"
	      "  plan      cut [--from, --until) into windows, queued in the store; a\n"
	      "            window is planned once\n"
	      "  work      claim windows, run each as `events --from --until` does, write\n"
	      "            each in the transaction that marks it done; the worker that\n"
	      "            completes the last one joins the intervals across windows\n"
	      "  status    the plans and their options; windows planned, claimed, done,\n"
	      "            failed; throughput; failures\n"
	      "  finish    join the intervals now (work does it when the last window ends)\n"
	      "  --db URI          postgresql://... (backfill needs PostgreSQL)\n"
	      "  --window D        window length: 1d (default), 6h, 30m or seconds\n"
	      "  --settle S        as events --settle (default 3600)\n"
	      "  --gap S           as events --gap (default 1800)\n"
	      "  --min-peers N     as events --min-peers (default 2)\n"
	      "  plan also takes the options of ingest that change the events: kept with\n"
	      "  the plan (paths made absolute, as the mirror's), applied by every worker\n"
	      "  to every window; a worker that cannot read a file named fails the window\n"
	      USAGE_VRPS
	      USAGE_RELATIONSHIPS
	      USAGE_WATCH USAGE_COUNTRIES
	      USAGE_COLLECTOR
	      "  --workers N       worker processes on this machine (default 1)\n"
	      "  --lease S         seconds a claim holds without renewal (default 600);\n"
	      "                    a worker renews it every S/3 while it runs (a\n"
	      "                    thread of its own: long RIB loads included)\n"
	      "  --once            work: stop when nothing is claimable now, instead of\n"
	      "                    waiting for the windows that others hold\n"
	      USAGE_TIMES,
	      o);
}

/* 1d, 6h, 30m, 90s or plain seconds. */
static int parse_span(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned mul = 1;
	if (end == s)
		return -1;
	if (*end == 'd')
		mul = 86400, end++;
	else if (*end == 'h')
		mul = 3600, end++;
	else if (*end == 'm')
		mul = 60, end++;
	else if (*end == 's')
		end++;
	if (*end || !v || v * mul > UINT32_MAX)
		return -1;
	*out = (uint32_t)(v * mul);
	return 0;
}

static int on_msg(void *arg, uint32_t from, uint32_t until, const char *state, int64_t attempts, const char *worker,
		  const char *msg)
{
	(void)arg;
	char a[32], b[32];
	fmt_time_rfc3339(a, from);
	fmt_time_rfc3339(b, until);
	printf("  [%s, %s) %s, %lld attempt%s, %s: %s\n", a, b, state, (long long)attempts, attempts == 1 ? "" : "s",
	       *worker ? worker : "-", msg);
	return 0;
}

/* The lines of a plan's text field, each printed as fmt with its NAME
 * and VALUE ("NAME=VALUE" when split; else an empty NAME). */
static void print_lines(const char *text, const char *fmt, bool split)
{
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		int n = nl ? (int)(nl - l) : (int)strlen(l);
		const char *eq = split ? memchr(l, '=', (size_t)n) : NULL;
		int k = eq ? (int)(eq - l) : 0;
		printf(fmt, k, l, n - k - (eq != NULL), l + k + (eq != NULL));
		l += n + (nl != NULL);
	}
}

static int on_plan(void *arg, int64_t id, const struct store_bf_plan *p)
{
	(void)arg;
	char a[32], b[32];
	fmt_time_rfc3339(a, p->from);
	fmt_time_rfc3339(b, p->until);
	printf("plan %lld: [%s, %s), windows of %u s; --settle %u --gap %u --min-peers %u\n", (long long)id, a, b,
	       p->window, p->settle, p->gap, p->min_peers);
	print_lines(p->inputs, "  --%.*s %.*s\n", true);
	print_lines(p->mirror, "  mirror%.*s %.*s\n", false);
	return 0;
}

static int status(const char *db)
{
	struct store s;
	if (strncmp(db, "postgres", 8)) {
		rw_log(RW_LOG_ERROR, "%s: backfill needs a PostgreSQL store (--db postgresql://...)", db);
		return EXIT_USAGE;
	}
	if (store_open_at(&s, db, false))
		return EXIT_DAMAGED;
	struct store_bf_status st;
	int rc = store_bf_schema(&s);
	if (!rc)
		rc = store_bf_status(&s, &st, NULL, NULL);
	if (!rc) {
		int64_t total = st.planned + st.claimed + st.done + st.failed + st.expired;
		printf("windows: %lld planned, %lld claimed, %lld done, %lld failed (%lld claimed with an expired "
		       "lease); %lld in all, %lld plans (%lld joined)\n",
		       (long long)st.planned, (long long)st.claimed, (long long)st.done, (long long)st.failed,
		       (long long)st.expired, (long long)total, (long long)st.plans, (long long)st.joined_plans);
		/* the queue's times are whole seconds of the server's clock: a
		 * run within one second counts as one */
		double span = !st.done ? 0 : st.last_done > st.first_claim ? (double)(st.last_done - st.first_claim) : 1;
		printf("done: %llu records, %llu events; %.1f s of work", (unsigned long long)st.records,
		       (unsigned long long)st.events, st.busy_s);
		if (st.done)
			printf(" (%.2f s a window)", st.busy_s / (double)st.done);
		if (span > 0)
			printf("; %.1f windows/hour, %.0f records/s over %.0f s since the first claim", st.done * 3600.0 / span,
			       (double)st.records / span, span);
		printf("\n");
		if (total > st.done && st.done && span > 0)
			printf("left: %lld windows, about %.0f s at this pace\n", (long long)(total - st.done),
			       (double)(total - st.done) * span / (double)st.done);
		rc = store_bf_plans(&s, on_plan, NULL);
		printf("failures and notes:\n");
		if (!rc)
			rc = store_bf_status(&s, &st, on_msg, NULL);
	}
	store_close(&s);
	return rc ? EXIT_DAMAGED : 0;
}

static int backfill_cmd(int argc, char **argv, struct backfill_input *in)
{
	static const struct option lo[] = {
		{"db", required_argument, 0, 'd'},        {"from", required_argument, 0, 'F'},
		{"until", required_argument, 0, 'u'},     {"to", required_argument, 0, 'u'},
		{"window", required_argument, 0, 'W'},    {"settle", required_argument, 0, 'S'},
		{"gap", required_argument, 0, 'g'},       {"min-peers", required_argument, 0, 'm'},
		{"workers", required_argument, 0, 'n'},   {"lease", required_argument, 0, 'l'},
		{"once", no_argument, 0, 'o'},            {"help", no_argument, 0, 'h'},
		{"vrps", required_argument, 0, 'V'},      {"relationships", required_argument, 0, 'L'},
		{"watch", required_argument, 0, 'A'},     {"countries", required_argument, 0, 'E'},
		{"collector", required_argument, 0, 'c'}, {0, 0, 0, 0}};
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	const char *sub = argv[1];
	struct backfill_plan_opts p = {.window = 86400, .settle = 3600, .gap = ENGINE_GAP_DEFAULT, .min_peers = 2};
	struct backfill_work_opts w = {.workers = 1, .lease = 600};
	const char *db = NULL;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "hq", lo, NULL)) != -1) {
		uint64_t v;
		switch (c) {
		case 'd': db = optarg; break;
		case 'q': rw_log_level = RW_LOG_ERROR; break;
		case 'F':
		case 'u':
			if (opt_time(c == 'u' ? "until" : "from", optarg, c == 'u' ? &p.until : &p.from))
				return EXIT_USAGE;
			break;
		case 'W':
			if (parse_span(optarg, &p.window)) {
				rw_log(RW_LOG_ERROR, "--window wants a length like 1d, 6h, 30m or seconds");
				return EXIT_USAGE;
			}
			break;
		case 'S':
		case 'g':
		case 'l':
			if (parse_u64(optarg, UINT32_MAX, &v) || (c == 'l' && v < 2)) {
				rw_log(RW_LOG_ERROR, "--%s wants seconds%s", c == 'S' ? "settle" : c == 'g' ? "gap" : "lease",
				       c == 'l' ? " (2 or more)" : "");
				return EXIT_USAGE;
			}
			*(c == 'S' ? &p.settle : c == 'g' ? &p.gap : &w.lease) = (uint32_t)v;
			break;
		case 'm':
		case 'n':
			if (parse_u64(optarg, c == 'm' ? 65535 : 256, &v) || !v) {
				rw_log(RW_LOG_ERROR, "--%s wants a number from 1", c == 'm' ? "min-peers" : "workers");
				return EXIT_USAGE;
			}
			*(c == 'm' ? &p.min_peers : &w.workers) = (unsigned)v;
			break;
		case 'o': w.once = true; break;
		case 'V':
		case 'L':
		case 'A':
		case 'E':
		case 'c':
			/* loaded and checked by backfill_plan, with ingest's loaders */
			in[p.ninputs].name = c == 'V' ? "vrps" : c == 'L' ? "relationships" : c == 'A' ? "watch"
					   : c == 'E' ? "countries" : "collector";
			in[p.ninputs++].arg = optarg;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (!db) {
		rw_log(RW_LOG_ERROR, "backfill %s: --db postgresql://... is needed (the queue and the history live there)",
		       sub);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "plan")) {
		if (!p.from || !p.until || optind >= argc) {
			rw_log(RW_LOG_ERROR, "backfill plan: give --from, --until and the MIRROR (files or directories)");
			usage(stderr);
			return EXIT_USAGE;
		}
		p.db = db;
		p.mirror = argv + optind;
		p.nmirror = argc - optind;
		p.inputs = in;
		int64_t id;
		uint32_t n;
		int rc = backfill_plan(&p, &id, &n);
		if (rc)
			return rc == RW_EINVAL || rc == RW_EUNSUPPORTED ? EXIT_USAGE : EXIT_DAMAGED;
		char a[32], b[32];
		fmt_time_rfc3339(a, p.from);
		fmt_time_rfc3339(b, p.until);
		printf("planned %u windows of %u s over [%s, %s) (plan %lld)\n", n, p.window, a, b, (long long)id);
		return 0;
	}
	if (optind < argc || p.ninputs) {
		rw_log(RW_LOG_ERROR, "backfill %s takes no files nor inputs (the plan holds the mirror and its options)",
		       sub);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "work")) {
		w.db = db;
		struct backfill_work_result r;
		double t0 = now_seconds();
		int rc = backfill_work(&w, &r);
		printf("worked %llu windows (%llu failed, %llu lost to another worker): %llu records, %llu events; "
		       "%.2f s%s\n",
		       (unsigned long long)r.windows, (unsigned long long)r.failed, (unsigned long long)r.lost,
		       (unsigned long long)r.records, (unsigned long long)r.events, now_seconds() - t0,
		       r.joined ? "; intervals joined" : "");
		return rc == RW_EUNSUPPORTED ? EXIT_USAGE : rc ? EXIT_DAMAGED : 0;
	}
	if (!strcmp(sub, "status"))
		return status(db);
	if (!strcmp(sub, "finish")) {
		bool joined;
		int rc = backfill_finish(db, &joined);
		if (!rc)
			printf("%s\n", joined ? "intervals joined" : "nothing to join (joined already)");
		return rc == RW_EUNSUPPORTED ? EXIT_USAGE : rc ? EXIT_DAMAGED : 0;
	}
	rw_log(RW_LOG_ERROR, "backfill: unknown step '%s' (plan, work, status, finish)", sub);
	return EXIT_USAGE;
}

int cmd_backfill(int argc, char **argv)
{
	/* the plan's inputs as given (at most one an argument) */
	struct backfill_input *in = rw_calloc((size_t)argc + 1, sizeof *in);
	int rc = backfill_cmd(argc, argv, in);
	free(in);
	return rc;
}
