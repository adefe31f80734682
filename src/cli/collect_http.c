/*
 * collect --http ADDR:PORT: the API of serve (http/) on the collector's
 * event loop, plus what only the running collector knows: an origin's and
 * a prefix's routes now (rib_origin_view and rib_prefix_view over the
 * collector's rib, printed by out_origin and out_prefix as `as --json`
 * and `prefix --json` print them), the events as they are determined
 * (Server-Sent Events, http_srv_publish) and the collector's counters in
 * /metrics. The history routes read the store --db names through a
 * connection of their own, so they never wait for nor touch the
 * checkpoint thread's; without --db they answer 503.
 *
 * The glue only: the pipe's front-end hooks (pipe.h) to http/'s server;
 * and collect_run, the end of collect and watch (their output and --http
 * around pipe_collect).
 */
#include "cli.h"
#include "collect_http.h"
#include "../out/out.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void live_origin(void *arg, uint32_t asn, struct obuf *o)
{
	struct collect_http *ch = arg;
	struct engine *e = pipe_engine(ch->p);
	struct rib_origin_view v;
	rib_origin_view(&e->rib, asn, &v);
	struct out out;
	out_open(&out, OUT_JSON, o, &ch->nm);
	out_origin(&out, &e->rib, &v, e->have_sec ? e->sec : 0);
	out_close(&out);
	rib_origin_view_free(&v);
}

static void live_prefix(void *arg, const struct rw_prefix *p, struct obuf *o)
{
	struct collect_http *ch = arg;
	struct engine *e = pipe_engine(ch->p);
	struct rib_prefix_view v;
	rib_prefix_view(&e->rib, p, &v);
	struct out out;
	out_open(&out, OUT_JSON, o, &ch->nm);
	out_prefix(&out, &e->rib, &v, e->have_sec ? e->sec : 0);
	out_close(&out);
	rib_prefix_view_free(&v);
}

static bool live_busy(void *arg)
{
	struct collect_http *ch = arg;
	return pipe_frozen(ch->p);
}

static struct engine *live_engine(void *arg)
{
	struct collect_http *ch = arg;
	return pipe_engine(ch->p);
}

/* The collector's counters (Prometheus: counters are _total, rates are
 * the reader's rate(), e.g. rate(routewatch_engine_elements_total[1m])). */
static void live_metrics(void *arg, struct obuf *o)
{
	struct collect_http *ch = arg;
	struct pipe_stats s;
	pipe_stats(ch->p, &s);
	const struct engine *e = pipe_engine(ch->p);
	http_metric(o, "routewatch_bgp_sessions", "gauge", "BGP connections.", s.live.sessions);
	http_metric(o, "routewatch_bgp_sessions_established", "gauge", "BGP sessions Established.", s.live.established);
	http_metric(o, "routewatch_bmp_routers", "gauge", "BMP routers connected.", s.live.bmp_routers);
	http_metric(o, "routewatch_bmp_peers_up", "gauge", "Peers up that BMP routers monitor.", s.live.bmp_peers_up);
	http_metric(o, "routewatch_messages_total", "counter", "BGP messages received (sessions and BMP).", (double)s.live.msgs);
	http_metric(o, "routewatch_updates_total", "counter", "BGP UPDATE messages received.", (double)s.live.updates);
	http_metric(o, "routewatch_session_resets_total", "counter", "Sessions reset.", (double)s.live.resets);
	http_metric(o, "routewatch_records_total", "counter", "Records through the engine.", (double)s.records);
	http_metric(o, "routewatch_engine_elements_total", "counter", "Route elements applied.", (double)e->st.elems);
	http_metric(o, "routewatch_engine_announces_total", "counter", "Announcements applied.", (double)e->st.announces);
	http_metric(o, "routewatch_engine_withdraws_total", "counter", "Withdrawals applied.", (double)e->st.withdraws);
	http_metric(o, "routewatch_engine_seconds_total", "counter", "Seconds evaluated.", (double)e->st.seconds);
	http_metric(o, "routewatch_engine_unusable_total", "counter", "Announcements not kept.", (double)e->st.unusable);
	http_metric(o, "routewatch_engine_prefixes", "gauge", "Prefixes in the rib.", e->rib.npfx);
	http_metric(o, "routewatch_engine_routes", "gauge", "Routes in the rib.", (double)e->rib.route_count);
	http_metric(o, "routewatch_events_total", "counter", "Events determined.", (double)e->det.events);
	if (s.have_db) {
		http_metric(o, "routewatch_store_checkpoints_total", "counter", "Checkpoints committed.", (double)s.commits);
		http_metric(o, "routewatch_store_checkpoint_failures", "gauge", "Checkpoints failed in a row.",
			    (double)s.checkpoint_failures);
	}
	if (s.have_alerts) {
		http_metric(o, "routewatch_alerts_queued", "gauge", "Alerts waiting to be sent.", (double)s.alerts_queued);
		http_metric(o, "routewatch_alerts_dropped_total", "counter", "Alerts dropped.", (double)s.alerts_dropped);
	}
	if (s.have_archive) {
		http_metric(o, "routewatch_archive_files_total", "counter", "Archive files written.", (double)s.archive_files);
		http_metric(o, "routewatch_archive_records_total", "counter", "Records archived.", (double)s.archive_records);
		http_metric(o, "routewatch_archive_waiting_bytes", "gauge", "Archive bytes not yet on disk.",
			    (double)s.archive_waiting);
		http_metric(o, "routewatch_archive_failing", "gauge", "1 while archive files cannot be written.",
			    s.archive_failing);
	}
	if (e->adj) {
		http_metric(o, "routewatch_adj_rib_in_routes", "gauge", "Routes in the Adj-RIB-In.", (double)s.adj_routes);
		http_metric(o, "routewatch_adj_rib_in_bytes", "gauge", "Bytes of the Adj-RIB-In.", (double)s.adj_bytes);
	}
}

static void on_start(void *arg, struct pipe *p, struct event_base *base)
{
	struct collect_http *ch = arg;
	ch->p = p;
	ch->live = (struct http_live){.origin = live_origin, .prefix = live_prefix, .metrics = live_metrics,
				      .busy = live_busy, .engine = live_engine, .arg = ch};
	ch->ctx = (struct http_ctx){.nm = &ch->nm, .live = &ch->live, .started = (double)time(NULL)};
	if (ch->db) {
		if (store_open_at(&ch->st, ch->db, false) == 0) {
			ch->have_st = true;
			ch->ctx.st = &ch->st;
		}
	}
	ch->srv = http_srv_open(base, ch->listen, &ch->ctx);
	if (!ch->srv) {
		ch->failed = true;
		event_base_loopbreak(base);
		return;
	}
	rw_log(RW_LOG_INFO, "API on http://%s/api/v1/ (events at /api/v1/stream)", ch->listen);
}

static void on_event(void *arg, const struct store_event *e)
{
	struct collect_http *ch = arg;
	http_srv_publish(ch->srv, e);
}

static void on_stop(void *arg)
{
	struct collect_http *ch = arg;
	http_srv_close(ch->srv);
	ch->srv = NULL;
	http_ctx_release(&ch->ctx);
	if (ch->have_st)
		store_close(&ch->st);
	ch->have_st = false;
}

void collect_http_init(struct collect_http *ch, const char *listen, const char *db, const char *names)
{
	memset(ch, 0, sizeof *ch);
	ch->listen = listen;
	ch->db = db;
	names_init(&ch->nm);
	if (names)
		names_load(&ch->nm, names);
	ch->front = (struct pipe_front){on_start, on_event, on_stop, ch};
}

void collect_http_release(struct collect_http *ch)
{
	names_release(&ch->nm);
}

int collect_run(struct pipe_cfg *pc, bool json, const struct names *nm, const char *http_listen,
		const char *names_path)
{
	struct obuf ob;
	struct out out;
	obuf_init(&ob, STDOUT_FILENO, 1 << 16);
	out_open(&out, json ? OUT_JSON : OUT_TEXT, &ob, nm);
	pc->out = &out;
	pc->names = nm;
	struct collect_http ch;
	if (http_listen) {
		collect_http_init(&ch, http_listen, pc->db, names_path);
		pc->front = &ch.front;
	}
	int pr = pipe_collect(pc);
	int rc = pr == RW_EINVAL ? EXIT_USAGE : pr ? EXIT_DAMAGED : 0;
	if (http_listen && ch.failed)
		rc = EXIT_USAGE;
	if (http_listen)
		collect_http_release(&ch);
	out_close(&out);
	obuf_release(&ob);
	return rc;
}
