/*
 * routewatch: when and how a network's connection to the Internet changed.
 * Command dispatch; each command parses its own options.
 */
#include "cli.h"

#include <stdio.h>

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{"dump", cmd_dump, "print every route element (bgpdump -m format or JSON)"},
	{"events", cmd_events, "when networks gained or lost upstreams, prefixes down and up"},
	{"as", cmd_as, "one origin now (or at a time): prefixes, upstreams, visibility"},
	{"country", cmd_country, "one country now (or at a time): its networks, international providers, prefixes"},
	{"prefix", cmd_prefix, "one prefix and its more-specifics: origins, upstreams, visibility per collector"},
	{"ingest", cmd_ingest, "run archives into the history store (SQLite or PostgreSQL)"},
	{"backfill", cmd_backfill, "a mirror into a PostgreSQL store by workers on many machines"},
	{"history", cmd_history, "every upstream an origin ever had, with intervals and shares"},
	{"report", cmd_report, "the story of a time window, in English, with an SVG chart"},
	{"serve", cmd_serve, "the JSON API over the history store (HTTP, /api/v1/...)"},
	{"collect", cmd_collect, "live: a passive BGP collector; events as they happen, an MRT archive"},
	{"relationships", cmd_relationships, "infer AS relationships (CAIDA serial-1) and customer cones from archives"},
	{"watch", cmd_watch, "live: the public collectors (RIPE RIS Live); events as they happen"},
	{"synth", cmd_synth, "write a synthetic MRT archive (sample data, benchmarks)"},
	{"cat", cmd_cat, "decompress any supported archive to stdout"},
};

/* The options every command takes, before or after its name (and before
 * a "--"): -v/--verbose (repeatable), -q/--quiet, --version. They are
 * taken out of argv here, so no command parses them again. 1: --version
 * was asked for. */
static int common_options(int *argc, char **argv, int from)
{
	int k = from, version = 0;
	bool rest = false;
	for (int j = from; j < *argc; j++) {
		const char *a = argv[j];
		if (rest || strcmp(a, "--") == 0) {
			rest = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			rw_log_level = rw_log_level < RW_LOG_DEBUG ? rw_log_level + 1 : RW_LOG_DEBUG;
			continue;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			rw_log_level = RW_LOG_ERROR;
			continue;
		} else if (!strcmp(a, "--version")) {
			version = 1;
			continue;
		}
		argv[k++] = argv[j];
	}
	*argc = k;
	argv[k] = NULL;
	return version;
}

static void usage(FILE *o)
{
	fputs("usage: routewatch [-v|-q] <command> [options] ...\n\ncommands:\n", o);
	for (size_t i = 0; i < RW_ARRAY_LEN(commands); i++)
		fprintf(o, "  %-14s %s\n", commands[i].name, commands[i].help);
	fputs("\n`routewatch <command> --help` describes a command. Every command also\n"
	      "takes -v/--verbose (more messages; twice: debug), -q/--quiet (errors only)\n"
	      "and --version.\n",
	      o);
}

int main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v"))
			rw_log_level = rw_log_level < RW_LOG_DEBUG ? rw_log_level + 1 : RW_LOG_DEBUG;
		else if (!strcmp(argv[i], "-q"))
			rw_log_level = RW_LOG_ERROR;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			puts("routewatch " RW_VERSION);
			return 0;
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (common_options(&argc, argv, i + 1)) {
		puts("routewatch " RW_VERSION);
		return 0;
	}
	for (size_t k = 0; k < RW_ARRAY_LEN(commands); k++)
		if (!strcmp(argv[i], commands[k].name))
			return commands[k].fn(argc - i, argv + i);
	rw_log(RW_LOG_ERROR, "unknown command '%s'", argv[i]);
	usage(stderr);
	return EXIT_USAGE;
}
