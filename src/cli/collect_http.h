/* collect --http (collect_http.c): the API on the collector's loop. */
#ifndef RW_COLLECT_HTTP_H
#define RW_COLLECT_HTTP_H

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

#endif
