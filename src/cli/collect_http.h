/* collect --http (collect_http.c): the API on the collector's loop. */
#ifndef RW_COLLECT_HTTP_H
#define RW_COLLECT_HTTP_H

#include "cli.h"
#include "../http/http.h"
#include "../pipe/pipe.h"

struct collect_http {
	const char *listen;          /* borrowed: ADDR:PORT */
	const char *db;              /* borrowed: --db, or NULL */
	struct names nm;             /* its own: --names and the store's
					(collect's output keeps its own) */
	struct store st;             /* the history routes' own connection */
	bool have_st;
	struct http_live live;
	struct http_ctx ctx;
	struct http_srv *srv;        /* owned while the loop runs */
	struct pipe *p;              /* borrowed from start to stop */
	struct pipe_front front;     /* what pipe_cfg.front points at */
	bool failed;                 /* could not listen: the run stopped */
};

/* names: --names FILE, or NULL (already read once by collect: a failure
 * here is only logged). */
void collect_http_init(struct collect_http *ch, const char *listen, const char *db, const char *names);
void collect_http_release(struct collect_http *ch);

/* The run of collect and watch once their options are read: the events
 * printed on stdout (text or JSON, names borrowed, NULL: none), the API
 * on the loop with --http (http_listen, NULL: none), then pipe_collect.
 * Returns the exit status. */
int collect_run(struct pipe_cfg *pc, bool json, const struct names *nm, const char *http_listen,
		const char *names_path);

/* The options collect and watch share (pipe_opts.c). Their getopt values
 * are above every letter: a command's option table lists them with
 * PIPE_LONGOPTS and hands each value its own switch does not know to
 * pipe_opt. */
enum pipe_opt_val {
	PO_ARCHIVE = 0x100, PO_ROTATE, PO_COMPRESS, PO_DB, PO_CHECKPOINT, PO_HTTP, PO_MIN_PEERS,
	PO_ORIGIN, PO_TYPE, PO_JSON, PO_NAMES, PO_VRPS, PO_RELATIONSHIPS, PO_WATCH, PO_COUNTRIES,
	PO_EXEC, PO_WEBHOOK, PO_LOG
};
#define PIPE_LONGOPTS                                                                                 \
	{"archive", required_argument, 0, PO_ARCHIVE}, {"rotate", required_argument, 0, PO_ROTATE},     \
	{"compress", required_argument, 0, PO_COMPRESS}, {"db", required_argument, 0, PO_DB},           \
	{"checkpoint", required_argument, 0, PO_CHECKPOINT}, {"http", required_argument, 0, PO_HTTP},   \
	{"min-peers", required_argument, 0, PO_MIN_PEERS}, {"origin", required_argument, 0, PO_ORIGIN}, \
	{"type", required_argument, 0, PO_TYPE}, {"json", no_argument, 0, PO_JSON},                     \
	{"names", required_argument, 0, PO_NAMES}, {"vrps", required_argument, 0, PO_VRPS},             \
	{"relationships", required_argument, 0, PO_RELATIONSHIPS},                                      \
	{"watch", required_argument, 0, PO_WATCH}, {"countries", required_argument, 0, PO_COUNTRIES},   \
	{"exec", required_argument, 0, PO_EXEC}, {"webhook", required_argument, 0, PO_WEBHOOK},         \
	{"log", required_argument, 0, PO_LOG}

/* What the shared options set: pc's fields, and what they need kept. */
struct pipe_opts {
	struct pipe_cfg *pc;         /* borrowed: the command's */
	struct engine_inputs so;          /* --relationships, --watch, --countries */
	struct names nm;             /* --names */
	bool json, have_names;
	const char *http_listen, *names_path; /* borrowed optargs, or NULL */
	struct det_filter filter;    /* --origin, --type */
	uint32_t *origins;           /* owned */
	uint32_t norig, caporig;
};

void pipe_opts_init(struct pipe_opts *po, struct pipe_cfg *pc);
void pipe_opts_release(struct pipe_opts *po);
/* Option c (getopt_long's value) with its argument: 0 when taken,
 * EXIT_USAGE or EXIT_DAMAGED when its value is bad (said on stderr);
 * EXIT_USAGE after usage(stderr), the command's, when c is not an
 * option of the command at all. */
int pipe_opt(struct pipe_opts *po, int c, const char *arg, void (*usage)(FILE *));
/* collect_run with what the options gave. */
int pipe_opts_run(struct pipe_opts *po);

#endif
