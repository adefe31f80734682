/*
 * cli: `routewatch <command>` dispatch and option parsing. Commands are
 * functions int cmd_X(int argc, char **argv) returning the process exit
 * status: 0 ok, 1 the input was damaged or partly unreadable (output is
 * still complete for what was readable), 2 usage error. A command parses
 * its options, calls the layer that does the work and chooses the output
 * format (out/); the work itself is never here.
 */
#ifndef RW_CLI_H
#define RW_CLI_H

#include "../engine/engine.h"
#include "../feed/feed.h"

#include <stdio.h>

#define EXIT_DAMAGED 1
#define EXIT_USAGE 2

int cmd_dump(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_as(int argc, char **argv);
int cmd_country(int argc, char **argv);
int cmd_prefix(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_backfill(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_relationships(int argc, char **argv);
int cmd_watch(int argc, char **argv);

/* Shared helpers (util.c) */
double now_seconds(void);
/* --collector NAME or NAME=PATH into nm (feed_names_add): 0, or EXIT_USAGE
 * with the error logged. The one parser of the option for every command
 * that reads archives. */
int opt_collector(struct feed_names *nm, const char *arg);
/* A time option (--from, --until/--to, --at) into *t: 0, or EXIT_USAGE
 * with an error naming the option and listing the accepted forms. The one
 * time parser of every command (parse_time). */
int opt_time(const char *opt, const char *arg, uint32_t *t);
/* A time asked for (--from, --at) after the last record read: one line
 * saying where the data ends (nothing when the data reaches t). */
struct feed_stats;
void say_data_end(const struct feed_stats *st, const char *opt, uint32_t t);
/* A usage error that says what is missing ("no input: give FILE or DIR"),
 * before the usage text the caller prints: always EXIT_USAGE. */
int missing(const char *cmd, const char *what);
/* The usage line of the time forms, the same in every command. */
#define USAGE_TIMES                                                                              \
	"  TIME: 2024-03-09T10:00:00Z, with or without seconds, an offset (+02:00)\n"             \
	"        or none (UTC), a space for the T; a date (2024-03-09); Unix seconds\n"

/* The usage lines of --vrps (docs/events.md §12), the same in every command. */
#define USAGE_VRPS                                                                               \
	"  --vrps FILE[@TIME] RPKI VRPs (rpki-client or stayrtr JSON, or CSV) to\n"              \
	"                    validate routes with: rpki_invalid events; with @TIME\n"            \
	"                    the file replaces the VRPs at TIME (repeatable)\n"

/* The usage lines of --relationships (docs/events.md §11). */
#define USAGE_RELATIONSHIPS                                                                      \
	"  --relationships FILE  AS relationships (CAIDA's as-rel serial-1 or -2,\n"             \
	"                    compressed or not): route_leak events\n"

/* The usage lines of --countries (docs/events.md §14). */
#define USAGE_COUNTRIES                                                                          \
	"  --countries FILE  the networks' countries: an AS names file whose names end\n"     \
	"                    in \", CC\" (potaroo's, pyasn's) or an RIR delegation file;\n"  \
	"                    repeatable: country_provider_gained/lost events\n"

/* The usage lines of --watch (docs/events.md §13). */
#define USAGE_WATCH                                                                              \
	"  --watch FILE      a watch list: BGPalerter's prefixes.yml, as it is: hijack,\n"       \
	"                    newprefix, misconfiguration, neighbor, path, visibility\n"   \
	"                    and rpki events\n"

/* The security options of the commands that run the engine (docs/events.md
 * §11-§14): --vrps FILE[@TIME] (events, ingest; collect reads its own
 * --vrps FILE live), --relationships FILE and --watch FILE (one each),
 * --countries FILE (repeatable). The loading is the store's
 * (engine_inputs, shared with the backfill's workers); sec_opt logs its
 * message and turns its error into an exit status. */
struct engine_inputs;
/* Option 'V' (--vrps), 'L' (--relationships), 'W' (--watch) or 'E'
 * (--countries) with its argument: 0, or the exit status (the reason
 * logged). */
int sec_opt(struct engine_inputs *s, int c, const char *arg);
/* --country CC into *cc: 0, or EXIT_USAGE with the reason logged. */
int opt_country(const char *cmd, const char *arg, uint16_t *cc);
/* --relationships FILE into rel (one file: *have says one was read): 0,
 * or the exit status with the reason logged. */
int opt_relationships(struct asrel *rel, bool *have, const char *arg);
/* The usage lines of --db in as, prefix and country. */
#define USAGE_STATE_DB                                                                           \
	"  --db PATH|URI     instead of FILE|DIR: the state a history store holds\n"               \
	"                    (routewatch ingest), at its clock\n"

/* The usage lines of --collector, the same in every command. */
#define USAGE_COLLECTOR                                                                          \
	"  --collector NAME  collector name for every input\n"                                    \
	"  --collector NAME=PATH  collector of the files under PATH (repeatable);\n"              \
	"                    without it, names come from the RouteViews, RIS and\n"              \
	"                    BGPStream layouts, else from the file's directory\n"

/* `as` and `prefix`: the same options (--at, --names, --json,
 * --collector), then a query of the state the archives give at --at.
 * state_query_parse: 0 and q filled (*done when --help was printed), or
 * the exit status (usage printed); argv[optind..] are left to the caller.
 * state_query_run: the engine after the archives argv[0..n) are read
 * (release and free it), *status EXIT_DAMAGED when an input was damaged;
 * the data's end is said when --at is after it. Release q in any case. */
struct names;
struct state_query {
	uint32_t at;
	bool json, have_names, have_geo, have_rel;
	struct names *nm;            /* owned */
	struct geo *geo;             /* owned: --countries (country) */
	struct asrel *rel;           /* owned: --relationships (as) */
	const char *db;              /* --db: the state a history store holds
					instead of archives */
	struct feed_names coll;      /* --collector */
	struct feed_stats *st;       /* owned */
};
int state_query_parse(struct state_query *q, int argc, char **argv, void (*usage)(FILE *), bool *done);
/* The inputs agree with the options: FILE|DIR... or --db, one of them;
 * --at with archives only. 0, or EXIT_USAGE with the reason logged. */
int state_query_inputs(const struct state_query *q, const char *cmd, int n);
/* The state: NULL (status set, the reason logged) when --db has none. */
struct engine *state_query_run(struct state_query *q, char **inputs, int n, int *status);
void state_query_release(struct state_query *q);

/* The memory every subsystem holds, one line on stderr (--stats). */
void print_memory(void);
/* The engine's counts, one line on stderr (--stats): "LABEL: ...". */
struct engine_stats;
void print_engine_stats(const char *label, const struct engine_stats *es, double elapsed);

#endif
