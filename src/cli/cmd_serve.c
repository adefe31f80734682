/*
 * routewatch serve [--db PATH|URI] [--listen ADDR:PORT] [--names FILE]
 *                  [--countries FILE] [--relationships FILE]
 *
 * The JSON API over the history store (docs/api.md): http/ on an event
 * loop of its own, until SIGTERM or SIGINT. Read-only: the store is
 * opened as history and report open it, and nothing is written to it.
 */
#include "cli.h"
#include "../http/http.h"
#include "../geo/geo.h"

#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#define SERVE_LISTEN "127.0.0.1:8080"
/* threads that make the answers the cache has not (docs/internals/http.md) */
#define SERVE_READERS 4

static void usage(FILE *o)
{
	fputs("usage: routewatch serve [--db PATH|URI] [--listen ADDR:PORT] [--names FILE]\n"
	      "                        [--countries FILE] [--relationships FILE]\n"
	      "  The JSON API (/api/v1/..., docs/api.md) over the history store\n"
	      "  (routewatch ingest, collect --db): origins, histories, events,\n"
	      "  reports and charts, search, the saved state; /metrics for Prometheus;\n"
	      "  the web pages at / (docs/api.md, \"The web pages\").\n"
	      "  Read-only.\n"
	      "  --db PATH|URI       the store (default: $ROUTEWATCH_DB, else\n"
	      "                      ~/.local/share/routewatch/routewatch.db)\n"
	      "  --listen ADDR:PORT  where to listen (default " SERVE_LISTEN ": this\n"
	      "                      machine only; [::1]:8080 for IPv6)\n"
	      "  --names FILE        AS names (else those the store holds)\n"
	      "  --countries FILE    each network's country (as ingest --countries), for\n"
	      "                      /api/v1/state/country/{cc}; else the countries of\n"
	      "                      --names (names ending in \", CC\")\n"
	      "  --relationships FILE  CAIDA's as-rel file (or routewatch relationships'):\n"
	      "                      what each upstream is to its origin, and the customer\n"
	      "                      cones, in the origin and history answers\n"
	      "  Stops on SIGTERM or SIGINT.\n",
	      o);
}

static void on_signal(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopexit(arg, NULL);
}

int cmd_serve(int argc, char **argv)
{
	static const struct option lo[] = {{"db", required_argument, 0, 'd'},
					   {"listen", required_argument, 0, 'l'},
					   {"names", required_argument, 0, 'n'},
					   {"relationships", required_argument, 0, 'L'},
					   {"countries", required_argument, 0, 'E'},
					   {"help", no_argument, 0, 'h'},
					   {0, 0, 0, 0}};
	const char *db = NULL, *listen = SERVE_LISTEN;
	/* every --names file, in order: the readers load them all (argv's
	 * strings, borrowed) */
	const char **names_files = rw_calloc((size_t)argc + 1, sizeof *names_files);
	size_t n_names_files = 0;
	struct names nm;
	names_init(&nm);
	struct asrel rel; /* --relationships, and the cones it gives */
	asrel_init(&rel);
	struct asrel_cones cones;
	memset(&cones, 0, sizeof cones);
	bool have_rel = false;
	struct geo geo; /* --countries, or the countries of --names */
	geo_init(&geo);
	bool have_geo = false, have_names = false;
	char gerr[256];
	int c, rc = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", lo, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'l': listen = optarg; break;
		case 'q': rw_log_level = RW_LOG_ERROR; break;
		case 'L':
			if ((rc = opt_relationships(&rel, &have_rel, optarg)))
				goto out;
			break;
		case 'n':
			if (names_load(&nm, optarg)) {
				rc = EXIT_DAMAGED;
				goto out;
			}
			have_names = true;
			names_files[n_names_files++] = optarg;
			break;
		case 'E':
			if (geo_load(&geo, optarg, gerr, sizeof gerr)) {
				rw_log(RW_LOG_ERROR, "--countries %s", gerr);
				rc = EXIT_DAMAGED;
				goto out;
			}
			have_geo = true;
			break;
		case 'h': usage(stdout); goto out;
		default: usage(stderr); rc = EXIT_USAGE; goto out;
		}
	}
	if (optind != argc) {
		rc = missing("serve", "serve takes no arguments but its options");
		usage(stderr);
		goto out;
	}
	struct store st;
	if (store_open_at(&st, db, false)) {
		rc = EXIT_DAMAGED;
		goto out;
	}
	struct event_base *base = event_base_new();
	if (!have_geo && have_names)
		geo_add_names(&geo, &nm);
	/* the answers the cache has not are made on reader threads, each
	 * with its own connection, while the loop answers from the cache */
	struct http_ctx ctx = {.st = &st, .nm = &nm, .started = (double)time(NULL), .geo = &geo,
			       .readers = SERVE_READERS, .db = db, .names_files = names_files,
			       .n_names_files = n_names_files};
	if (have_rel) {
		ctx.rel = &rel;
		if (!asrel_cones_build(&cones, &rel))
			ctx.cones = &cones;
	}
	struct http_srv *srv = base ? http_srv_open(base, listen, &ctx) : NULL;
	if (!srv) {
		rc = EXIT_USAGE;
	} else {
		signal(SIGPIPE, SIG_IGN);
		struct event *si = evsignal_new(base, SIGINT, on_signal, base);
		struct event *st2 = evsignal_new(base, SIGTERM, on_signal, base);
		event_add(si, NULL);
		event_add(st2, NULL);
		rw_log(RW_LOG_INFO, "serving %s on http://%s/api/v1/", st.where, listen);
		event_base_dispatch(base);
		event_free(si);
		event_free(st2);
		http_srv_close(srv);
	}
	http_ctx_release(&ctx);
	if (base)
		event_base_free(base);
	store_close(&st);
out:
	free(names_files);
	names_release(&nm);
	geo_release(&geo);
	asrel_cones_release(&cones);
	asrel_release(&rel);
	return rc;
}
