/*
 * routewatch ingest [--db PATH|URI] [--names FILE] [--min-peers N]
 *                   [--collector NAME] [--checkpoint SECONDS] FILE|DIR...
 *
 * Archives through the engine into the history store. Incremental and
 * idempotent:
 *  - a file the store has taken completely (same name, size and head) is
 *    skipped without being read;
 *  - the engine starts from the snapshot the last run stored, and records
 *    before the store's clock (every record before it was applied) are
 *    skipped, so runs over consecutive files equal one long run;
 *  - checkpoints commit, in one transaction, everything learned since the
 *    last one with the engine snapshot and the clock: killed at any moment,
 *    the store holds the last checkpoint and the next run carries on.
 * A checkpoint is taken between seconds, every --checkpoint seconds of
 * record time (once --checkpoint-wall seconds of real time have passed),
 * and at the end.
 */
#include "cli.h"
#include "../store/hist.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct ingest {
	struct store st;
	struct engine *e;
	struct hist h;
	struct archive_input *in;   /* the inputs being run (owned) */
	size_t nin;
	struct store_file *ids;     /* their identities, parallel to in */
	size_t *done;               /* inputs finished since the last checkpoint */
	size_t ndone;
	bool *damaged;
	uint32_t every, every_wall; /* --checkpoint, --checkpoint-wall */
	uint32_t last_ckpt;         /* record time of the last checkpoint */
	double last_wall;
	unsigned commits, kill_after;
	bool names_pending;
	struct names nm;
	int failed;                 /* a checkpoint failed: stop writing */
	uint64_t files_done;
};

/* One transaction: what hist learned, the finished files, the engine
 * snapshot and the clock (the first second not applied). */
static int checkpoint(struct ingest *g, uint32_t clock)
{
	if (g->failed)
		return g->failed;
	double t0 = now_seconds();
	int rc = db_begin(g->st.db);
	if (rc)
		return g->failed = store_fail(&g->st, "begin", rc);
	if (g->names_pending) {
		rc = store_names_put(&g->st, &g->nm);
		if (rc)
			store_fail(&g->st, "writing names", rc);
	}
	for (size_t i = 0; i < g->ndone && !rc; i++)
		if ((rc = store_file_add(&g->st, &g->ids[g->done[i]], (int64_t)time(NULL))))
			store_fail(&g->st, "writing files", rc);
	double th = 0, ts = 0;
	if (!rc)
		rc = cli_store_checkpoint(&g->st, &g->h, g->e, clock, &th, &ts);
	double tc = now_seconds();
	if (!rc && (rc = db_commit(g->st.db)))
		store_fail(&g->st, "commit", rc);
	if (rc) {
		db_rollback(g->st.db);
		return g->failed = rc;
	}
	g->names_pending = false;
	g->files_done += g->ndone;
	g->ndone = 0;
	g->commits++;
	char tb[32];
	fmt_time_rfc3339(tb, clock);
	rw_log(RW_LOG_DEBUG, "checkpoint %u at %s in %.3f s (history %.3f s, engine state %.3f s, commit %.3f s)",
	       g->commits, tb, now_seconds() - t0, th, ts, now_seconds() - tc);
	if (g->kill_after && g->commits == g->kill_after) {
		/* test hook (ROUTEWATCH_TEST_KILL_AFTER): die like kill -9 */
		raise(SIGKILL);
	}
	return 0;
}

static void on_second(void *arg, uint32_t sec)
{
	struct ingest *g = arg;
	if (!g->last_ckpt)
		g->last_ckpt = sec;
	if (sec - g->last_ckpt < g->every || now_seconds() - g->last_wall < g->every_wall)
		return;
	checkpoint(g, sec);
	g->last_ckpt = sec;
	g->last_wall = now_seconds();
}

static void on_file_done(void *arg, size_t idx, bool damaged)
{
	struct ingest *g = arg;
	g->done[g->ndone++] = idx;
	g->damaged[idx] = damaged;
}

static void usage(FILE *o)
{
	fputs("usage: routewatch ingest [options] FILE|DIR...\n"
	      "  Run archives through the engine into the history store: events, each\n"
	      "  upstream's intervals and shares, prefix counts over time. Incremental:\n"
	      "  files already stored are skipped, and a later run continues from the\n"
	      "  stored engine state. Give files in time order across runs.\n"
	      "  --db PATH|URI     SQLite file, or postgresql://... (default: $ROUTEWATCH_DB,\n"
	      "                    else ~/.local/share/routewatch/routewatch.db)\n"
	      "  --names FILE      AS names to store (potaroo asn.txt or pyasn JSON)\n"
	      "  --min-peers N     peers needed to confirm an upstream (default 2; fixed\n"
	      "                    by the store's first ingest)\n"
	      "  --collector NAME  collector name for every input\n"
	      "  --checkpoint S    commit every S seconds of record time (default 3600)\n"
	      "  --checkpoint-wall S  ... but not more often than every S seconds (default 30)\n"
	      "  --stats           counts and speed on stderr\n",
	      o);
}

int cmd_ingest(int argc, char **argv)
{
	static const struct option lo[] = {
		{"db", required_argument, 0, 'd'},         {"names", required_argument, 0, 'n'},
		{"min-peers", required_argument, 0, 'm'},  {"collector", required_argument, 0, 'c'},
		{"checkpoint", required_argument, 0, 'k'}, {"checkpoint-wall", required_argument, 0, 'w'},
		{"stats", no_argument, 0, 's'},            {"help", no_argument, 0, 'h'},
		{0, 0, 0, 0}};
	struct ingest *g = calloc(1, sizeof *g);
	if (!g)
		return EXIT_DAMAGED;
	const char *db = NULL;
	unsigned min_peers = 0;
	bool stats = false;
	struct archive_opts ao = {0};
	int c, rc = 0;
	g->every = 3600;
	g->every_wall = 30;
	names_init(&g->nm);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", lo, NULL)) != -1) {
		uint64_t v;
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': ao.collector = optarg; break;
		case 's': stats = true; break;
		case 'q': rw_log_level = RW_LOG_ERROR; break;
		case 'n':
			if (names_load(&g->nm, optarg)) {
				rc = EXIT_DAMAGED;
				goto out;
			}
			g->names_pending = true;
			break;
		case 'm':
			if (parse_u64(optarg, 65535, &v) || !v) {
				rw_log(RW_LOG_ERROR, "--min-peers wants a number from 1");
				rc = EXIT_USAGE;
				goto out;
			}
			min_peers = (unsigned)v;
			break;
		case 'k':
		case 'w':
			if (parse_u64(optarg, UINT32_MAX, &v) || (c == 'k' && !v)) {
				rw_log(RW_LOG_ERROR, "--%s wants seconds", c == 'k' ? "checkpoint" : "checkpoint-wall");
				rc = EXIT_USAGE;
				goto out;
			}
			*(c == 'k' ? &g->every : &g->every_wall) = (uint32_t)v;
			break;
		case 'h': usage(stdout); goto out;
		default: usage(stderr); rc = EXIT_USAGE; goto out;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	const char *ka = getenv("ROUTEWATCH_TEST_KILL_AFTER");
	g->kill_after = ka ? (unsigned)atoi(ka) : 0;
	double t0 = now_seconds();
	if (cli_store_open(&g->st, db, true)) {
		rc = EXIT_DAMAGED;
		goto out;
	}
	int64_t stored_min = 0, clock = 0;
	store_meta_get(&g->st, "min_peers", &stored_min);
	store_meta_get(&g->st, "clock", &clock);
	if (stored_min && min_peers && stored_min != min_peers) {
		rw_log(RW_LOG_ERROR, "%s holds a history built with --min-peers %lld; it cannot continue with %u",
		       g->st.where, (long long)stored_min, min_peers);
		rc = EXIT_USAGE;
		goto out_store;
	}
	if (!min_peers)
		min_peers = stored_min ? (unsigned)stored_min : 2;

	g->e = malloc(sizeof *g->e);
	if (!g->e)
		abort();
	engine_init(g->e, min_peers, hist_on_event, &g->h);
	hist_init(&g->h);
	if (cli_store_resume(&g->st, &g->h, g->e)) {
		rc = EXIT_DAMAGED;
		goto out_engine;
	}
	/* the counters continue from the snapshot: this run's are the rest */
	struct engine_stats st0 = g->e->st;

	struct feed_stats *fst = calloc(1, sizeof *fst);
	struct archive_input *in = NULL;
	size_t nin = 0, known = 0;
	if (!fst)
		abort();
	if (archive_inputs(argv + optind, argc - optind, &ao, &in, &nin, fst))
		rc = EXIT_DAMAGED;
	/* files the store has already: skipped unread */
	g->ids = calloc(nin + 1, sizeof *g->ids);
	g->done = calloc(nin + 1, sizeof *g->done);
	g->damaged = calloc(nin + 1, sizeof *g->damaged);
	if (!g->ids || !g->done || !g->damaged)
		abort();
	size_t k = 0;
	for (size_t i = 0; i < nin; i++) {
		bool is_known = false;
		if (store_file_identify(&g->ids[k], in[i].path, in[i].collector, in[i].first_ts) == 0 &&
		    store_file_known(&g->st, &g->ids[k], &is_known) == 0 && is_known) {
			rw_log(RW_LOG_INFO, "%s: already in the store", in[i].path);
			known++;
			free(in[i].path);
			free(in[i].collector);
			continue;
		}
		in[k++] = in[i];
	}
	nin = k;
	g->in = in;
	g->nin = nin;
	ao.from = (uint32_t)clock;
	ao.second = on_second;
	ao.file_done = on_file_done;
	ao.arg = g;
	g->last_wall = now_seconds();
	uint64_t ev0 = g->h.events;
	if (nin) {
		if (archive_run(g->e, in, nin, &ao, fst))
			rc = EXIT_DAMAGED;
		/* the last second is evaluated: the clock is the one after it */
		uint32_t end = g->e->have_sec ? g->e->sec + 1 : (uint32_t)clock;
		if (checkpoint(g, end > clock ? end : (uint32_t)clock))
			rc = EXIT_DAMAGED;
	} else if (g->names_pending) {
		/* nothing new to run: only the names (the same ones change
		 * nothing), and the engine state stays as it is */
		if (db_begin(g->st.db) || store_names_put(&g->st, &g->nm) || db_commit(g->st.db)) {
			store_fail(&g->st, "writing names", RW_EDB);
			db_rollback(g->st.db);
			rc = EXIT_DAMAGED;
		}
	}
	double el = now_seconds() - t0;
	char tb[32] = "-";
	int64_t nclock = 0;
	if (!store_meta_get(&g->st, "clock", &nclock) && nclock)
		fmt_time_rfc3339(tb, nclock);
	printf("ingested %llu files (%zu already stored) into %s: %llu events, %llu intervals opened, %llu closed;"
	       " clock %s; %.2f s\n",
	       (unsigned long long)g->files_done, known, g->st.where, (unsigned long long)(g->h.events - ev0),
	       (unsigned long long)g->h.intervals_opened, (unsigned long long)g->h.intervals_closed, tb, el);
	if (stats) {
		feed_stats_print(fst, el);
		struct engine_stats d = g->e->st, *es = &d;
		for (size_t i = 0; i < sizeof d / sizeof d.elems; i++)
			(&d.elems)[i] -= (&st0.elems)[i];
		fprintf(stderr, "engine (this run): %llu elements (%llu announce, %llu withdraw, %llu rib), %llu seconds evaluated,"
			" %llu dumps, %llu peer downs, %llu out-of-order records; %.0f elements/s\n",
			(unsigned long long)es->elems, (unsigned long long)es->announces,
			(unsigned long long)es->withdraws, (unsigned long long)es->rib_entries,
			(unsigned long long)es->seconds, (unsigned long long)es->dumps,
			(unsigned long long)es->peer_downs, (unsigned long long)es->out_of_order,
			el > 0 ? (double)es->elems / el : 0);
		fprintf(stderr, "store: %u checkpoints, %llu series points; state %u prefixes, %llu routes, %u paths\n",
			g->commits, (unsigned long long)g->h.points, g->e->rib.npfx,
			(unsigned long long)g->e->rib.route_count, g->e->rib.path_live);
	}
	archive_inputs_free(in, nin);
	free(fst);
out_engine:
	hist_release(&g->h);
	engine_release(g->e);
	free(g->e);
out_store:
	store_close(&g->st);
out:
	names_release(&g->nm);
	free(g->ids);
	free(g->done);
	free(g->damaged);
	free(g);
	return rc;
}
