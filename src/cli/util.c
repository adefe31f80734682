/* Small helpers shared by commands. */
#include "cli.h"
#include "../engine/engine.h"
#include "../names/names.h"
#include "../store/store.h"

#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int opt_collector(struct feed_names *nm, const char *arg)
{
	if (!feed_names_add(nm, arg))
		return 0;
	rw_log(RW_LOG_ERROR, "--collector wants NAME or NAME=PATH, not '%s'", arg);
	return EXIT_USAGE;
}

int opt_country(const char *cmd, const char *arg, uint16_t *cc)
{
	*cc = geo_cc_parse(arg, strlen(arg));
	return *cc ? 0 : missing(cmd, "--country wants a country code of two letters, like KP");
}

/* A engine_inputs error as the command's exit status, its message logged. */
static int input_status(int rc, const char *err)
{
	if (!rc)
		return 0;
	rw_log(RW_LOG_ERROR, "%s", err);
	return rc == RW_EINVAL ? EXIT_USAGE : EXIT_DAMAGED;
}

int opt_relationships(struct asrel *rel, bool *have, const char *arg)
{
	char err[600];
	return input_status(engine_rel_load(rel, have, arg, err, sizeof err), err);
}

int sec_opt(struct engine_inputs *s, int c, const char *arg)
{
	char err[600];
	int rc = engine_inputs_add(s, c, arg, err, sizeof err);
	/* engine_vrps_add has logged a bad --vrps already */
	if (rc && c == ENGINE_IN_VRPS)
		return EXIT_USAGE;
	return input_status(rc, err);
}

int opt_time(const char *opt, const char *arg, uint32_t *t)
{
	int64_t v;
	if (!parse_time(arg, &v) && v >= 0 && v <= UINT32_MAX) {
		*t = (uint32_t)v;
		return 0;
	}
	rw_log(RW_LOG_ERROR, "--%s: '%s' is not a time; accepted: " PARSE_TIME_FORMS, opt, arg);
	return EXIT_USAGE;
}

void say_data_end(const struct feed_stats *st, const char *opt, uint32_t t)
{
	if (!t || !st->ts_max || st->ts_max >= t)
		return;
	char a[32], b[32];
	fmt_time_rfc3339(a, st->ts_max);
	fmt_time_rfc3339(b, t);
	rw_log(RW_LOG_WARN, "the data ends at %s, before --%s %s", a, opt, b);
}

int missing(const char *cmd, const char *what)
{
	rw_log(RW_LOG_ERROR, "%s: %s", cmd, what);
	return EXIT_USAGE;
}

int state_query_parse(struct state_query *q, int argc, char **argv, void (*usage)(FILE *), bool *done)
{
	static const struct option lo[] = {
		{"at", required_argument, 0, 'a'},   {"names", required_argument, 0, 'n'},
		{"json", no_argument, 0, 'j'},       {"collector", required_argument, 0, 'c'},
		{"countries", required_argument, 0, 'E'}, {"relationships", required_argument, 0, 'L'},
		{"db", required_argument, 0, 'd'},
		{"help", no_argument, 0, 'h'},       {0, 0, 0, 0}};
	memset(q, 0, sizeof *q);
	feed_names_init(&q->coll);
	q->nm = rw_malloc(sizeof *q->nm);
	names_init(q->nm);
	q->geo = rw_malloc(sizeof *q->geo);
	geo_init(q->geo);
	q->rel = rw_malloc(sizeof *q->rel);
	asrel_init(q->rel);
	char err[512];
	*done = false;
	int c, rc = 0;
	optind = 1;
	while (!rc && (c = getopt_long(argc, argv, "hj", lo, NULL)) != -1) {
		switch (c) {
		case 'a': rc = opt_time("at", optarg, &q->at); break;
		case 'n':
			rc = names_load(q->nm, optarg) ? EXIT_DAMAGED : 0;
			q->have_names = true;
			break;
		case 'j': q->json = true; break;
		case 'c': rc = opt_collector(&q->coll, optarg); break;
		case 'E':
			if (geo_load(q->geo, optarg, err, sizeof err)) {
				rw_log(RW_LOG_ERROR, "--countries %s", err);
				rc = EXIT_DAMAGED;
			}
			q->have_geo = true;
			break;
		case 'L': rc = opt_relationships(q->rel, &q->have_rel, optarg); break;
		case 'd': q->db = optarg; break;
		case 'h': usage(stdout); *done = true; return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	return rc;
}

int state_query_inputs(const struct state_query *q, const char *cmd, int n)
{
	if (q->db && n > 0)
		return missing(cmd, "give FILE|DIR or --db, not both");
	if (q->db && q->at)
		return missing(cmd, "--at reads archives; with --db the state is the store's, at its clock");
	if (!q->db && n <= 0)
		return missing(cmd, "no input: give FILE or DIR, or --db for a history store's state");
	return 0;
}

struct engine *state_query_run(struct state_query *q, char **inputs, int n, int *status)
{
	q->st = rw_calloc(1, sizeof *q->st);
	if (q->db) { /* the store's state, at its clock */
		int rc;
		struct engine *e = store_state_engine(q->db, &q->at, &rc);
		*status = rc ? EXIT_DAMAGED : 0;
		return e;
	}
	int damaged;
	struct engine *e = archive_state(inputs, n, &q->coll, NULL, q->at, q->st, &damaged);
	*status = damaged ? EXIT_DAMAGED : 0;
	say_data_end(q->st, "at", q->at);
	return e;
}

void state_query_release(struct state_query *q)
{
	feed_names_release(&q->coll);
	if (q->nm) {
		names_release(q->nm);
		free(q->nm);
	}
	if (q->geo) {
		geo_release(q->geo);
		free(q->geo);
	}
	if (q->rel) {
		asrel_release(q->rel);
		free(q->rel);
	}
	free(q->st);
	memset(q, 0, sizeof *q);
}

void print_memory(void)
{
	char line[1024];
	size_t n = (size_t)snprintf(line, sizeof line, "memory:");
	for (int i = 0; i < RW_MEM_N && n < sizeof line; i++) {
		uint64_t b = rw_mem_held((enum rw_mem)i);
		if (b)
			n += (size_t)snprintf(line + n, sizeof line - n, " %s %.1f MB", rw_mem_name((enum rw_mem)i),
					      (double)b / 1e6);
	}
	fprintf(stderr, "%s\n", line);
}

void print_engine_stats(const char *label, const struct engine_stats *es, double elapsed)
{
	fprintf(stderr,
		"%s: %llu elements (%llu announce, %llu withdraw, %llu rib, %llu not usable), %llu seconds evaluated,"
		" %llu dumps (%llu baselines), %llu peer downs, %llu out-of-order records; %.0f elements/s\n",
		label, (unsigned long long)es->elems, (unsigned long long)es->announces,
		(unsigned long long)es->withdraws, (unsigned long long)es->rib_entries,
		(unsigned long long)es->unusable, (unsigned long long)es->seconds, (unsigned long long)es->dumps,
		(unsigned long long)es->baselines, (unsigned long long)es->peer_downs,
		(unsigned long long)es->out_of_order, elapsed > 0 ? (double)es->elems / elapsed : 0);
}
