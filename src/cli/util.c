/* Small helpers shared by commands. */
#include "cli.h"
#include "../engine/engine.h"

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
