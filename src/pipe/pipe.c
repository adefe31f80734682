/*
 * The live pipeline (pipe.h): the hooks live/ calls, wired to the engine,
 * the archive, the store, the output and the alerts.
 *
 * Per record: into its collector's archive, the clock moved to its second
 * (which evaluates the second before and emits its events), then decoded
 * and applied by engine_record. Per evaluated second: the detector's
 * events, grouped (docs/events.md §7), printed and alerted; the store runner
 * asked whether a checkpoint is due. Once a second (tick): the clock moves
 * even when nothing arrives, archives rotate, RIB dumps are taken at the
 * start of their period.
 *
 * A checkpoint (--db) runs on a thread of its own, so the event loop never
 * waits for the disk (a full table's snapshot takes seconds; the sessions'
 * keepalives must go out meanwhile). While it runs the engine is frozen:
 * the thread reads it. Records still reach the archive at once, are
 * decoded to answer their session (RFC 7606), and wait in `held`; when the
 * checkpoint is over (seen at a tick) they are applied in order, and the
 * events come out a few seconds late with their own times.
 *
 * Files: this one (the run, the hooks' wiring, ticks, status), pipe_rec.c
 * (the clock, events, records and the freeze), pipe_int.h (struct pipe).
 *
 * Lifetimes: struct pipe lives for pipe_collect; it owns the engine, the
 * decoder, the writer (which owns the archives) and the alerts. The
 * collectors (one per id the engine gives) are kept for the whole run.
 */
#include "pipe_int.h"

/* ---------------------------------------------------------------- hooks */

static uint32_t on_collector(void *arg, const char *name, bool bgp)
{
	struct pipe *p = arg;
	for (uint32_t i = 0; i < p->ncoll; i++)
		if (p->coll[i].bgp == bgp && !strcmp(p->coll[i].name, name))
			return i; /* a router that connects again */
	rw_vec_grow(&p->coll, &p->capcoll, (size_t)p->ncoll + 1, sizeof *p->coll, UINT32_MAX, RW_MEM_LIVE);
	uint32_t id = p->ncoll++;
	struct pcoll *c = &p->coll[id];
	memset(c, 0, sizeof *c);
	c->name = rw_strdup(name);
	c->bgp = bgp;
	c->eng = rib_collector(&p->eng->rib, name);
	const struct pipe_cfg *cfg = p->cfg;
	if (cfg->archive) {
		/* the BGP sessions' archive is the directory given, a BMP
		 * router's a directory named by its address below it */
		char dir[4096];
		snprintf(dir, sizeof dir, bgp ? "%s" : "%s/%s", cfg->archive, name);
		sink_arch_open(&c->upd, p->writer, dir, "updates", cfg->comp, cfg->rotate);
		if (cfg->rib_every)
			sink_arch_open(&c->rib, p->writer, dir, "rib", cfg->comp, cfg->rib_every);
	}
	return id;
}

/* One collector's Adj-RIB-In as a rib.* file. */
static void dump_coll(struct pipe *p, uint32_t id, uint32_t ts)
{
	struct pcoll *c = &p->coll[id];
	struct obuf b = {0};
	uint64_t n = 0;
	double t0 = pipe__mono_s();
	if (rib_adj_dump(p->eng->adj, c->eng, ts, live_router_id(p->lv), "", &b, &n)) {
		rw_log(RW_LOG_ERROR, "RIB dump of %s: too large for the MRT format", c->name);
		obuf_release(&b);
		return;
	}
	size_t len = b.len;
	sink_arch_put_buf(c->rib, ts, &b);
	sink_arch_cut(c->rib);
	rw_log(RW_LOG_INFO, "RIB dump of %s: %llu routes, %zu bytes in %.2f s (written by the writer thread)", c->name,
	       (unsigned long long)n, len, pipe__mono_s() - t0);
}

static void on_tick(void *arg, uint32_t now)
{
	struct pipe *p = arg;
	if (p->frozen && store_run_idle(&p->run))
		pipe__thaw(p);
	pipe__follow_tick(p);
	bool stream = p->cfg->stream_clock;
	if (stream) {
		/* the records' clock: their last second is over when a whole
		 * tick went by without a record (the stream waits while the
		 * mirrors bootstrap it) */
		if (!p->boot && !p->frozen && p->idle++ >= 1) {
			pipe__reorder_flush(p); /* quiet: nothing earlier is coming */
			if (p->have_last && !p->frozen && p->eng->have_sec && p->eng->sec <= p->last_ts)
				pipe__clock_to(p, p->last_ts + 1);
		}
		now = p->eng->have_sec ? p->eng->sec : p->have_last ? p->last_ts : now;
	} else if (!p->frozen) {
		pipe__clock_to(p, now);
	}
	if (!stream || p->eng->have_sec) /* a VRP change at the records' clock */
		pipe__rpki_tick(p, now);
	for (uint32_t i = 0; i < p->ncoll; i++)
		if (p->coll[i].upd)
			sink_arch_tick(p->coll[i].upd, now);
	/* RIB dumps at the start of their period: the state is the end of
	 * the second before (just evaluated); after a checkpoint when one
	 * runs */
	if (!p->frozen && p->cfg->rib_every && p->eng->adj && now >= p->next_dump) {
		for (uint32_t i = 0; i < p->ncoll; i++)
			if (p->coll[i].rib)
				dump_coll(p, i, now);
		p->next_dump = now - now % p->cfg->rib_every + p->cfg->rib_every;
	}
	for (uint32_t i = 0; i < p->ncoll; i++)
		if (p->coll[i].rib)
			sink_arch_tick(p->coll[i].rib, now);
	if (p->alerts)
		alerts_tick(p->alerts);
	for (uint32_t i = 0; p->galerts && i < p->cfg->ngalerts; i++)
		alerts_tick(p->galerts[i]);
}

static void on_status(void *arg, const struct live_counts *n)
{
	struct pipe *p = arg;
	double t = pipe__mono_s(), dt = t - p->last_t;
	double rate = dt > 0 ? (double)(n->msgs - p->last_msgs) / dt : 0;
	p->last_t = t;
	p->last_msgs = n->msgs;
	char bmp[96] = "", adj[96] = "", arch[160] = "", al[96] = "", ris[300] = "";
	if (p->cfg->live.ris_url)
		snprintf(ris, sizeof ris, ", RIS Live %llu messages %llu malformed %llu ris_error %llu connections %llu lost%s",
			 (unsigned long long)n->ris_msgs, (unsigned long long)n->ris_bad, (unsigned long long)n->ris_errors,
			 (unsigned long long)n->ris_connects, (unsigned long long)n->ris_drops,
			 n->ris_connected ? "" : " (not connected)");
	if (p->cfg->live.nfollow) {
		size_t k = strlen(ris);
		snprintf(ris + k, sizeof ris - k, ", followed %llu files in %llu batches, %llu late",
			 (unsigned long long)p->fl_files, (unsigned long long)p->fl_batches, (unsigned long long)p->fl_late);
	}
	if (p->cfg->live.bmp_listen)
		snprintf(bmp, sizeof bmp, ", BMP %u routers %u peers up", n->bmp_routers, n->bmp_peers_up);
	if (p->eng->adj) {
		uint64_t rr, rb;
		rib_adj_stats(p->eng->adj, &rr, &rb);
		snprintf(adj, sizeof adj, ", Adj-RIB-In %llu routes %.1f MB", (unsigned long long)rr, (double)rb / 1e6);
	}
	if (p->writer) {
		struct sink_arch_stats sum = {0};
		for (uint32_t i = 0; i < p->ncoll; i++)
			if (p->coll[i].upd) {
				struct sink_arch_stats st;
				sink_arch_stats(p->coll[i].upd, &st);
				sum.files += st.files;
				sum.records += st.records;
				sum.kept_bytes += st.kept_bytes;
				sum.failing |= st.failing;
			}
		snprintf(arch, sizeof arch, ", archive %llu files %llu records %s%llu bytes waiting",
			 (unsigned long long)sum.files, (unsigned long long)sum.records, sum.failing ? "FAILING, " : "",
			 (unsigned long long)sum.kept_bytes);
	}
	if (p->alerts) {
		uint64_t queued, dropped;
		alerts_counts(p->alerts, &queued, &dropped);
		snprintf(al, sizeof al, ", alerts %llu queued %llu dropped", (unsigned long long)queued,
			 (unsigned long long)dropped);
	}
	/* asked for: printed whatever the log level */
	fprintf(stderr,
		"routewatch: status: %u/%u peers established%s%s, %u prefixes, %llu routes, %llu messages (%.0f/s), %llu updates, %llu events%s%s%s, RSS %.1f MB\n",
		n->established, n->sessions, bmp, ris, p->eng->rib.npfx, (unsigned long long)p->eng->rib.route_count,
		(unsigned long long)n->msgs, rate, (unsigned long long)n->updates, (unsigned long long)p->eng->det.events,
		arch, adj, al, (double)rw_rss_bytes() / 1048576.0);
}


/* ---------------------------------------------------------------- front ends */

struct engine *pipe_engine(struct pipe *p)
{
	return p->eng;
}

bool pipe_frozen(struct pipe *p)
{
	/* the checkpoint thread ended: the engine is the loop's again (what
	 * was held is applied at the next tick) */
	return p->frozen && !store_run_idle(&p->run);
}

void pipe_stats(struct pipe *p, struct pipe_stats *st)
{
	memset(st, 0, sizeof *st);
	if (p->lv)
		live_counts(p->lv, &st->live);
	st->records = p->nrec;
	st->have_db = p->have_db;
	if (p->have_db && !pipe_frozen(p)) { /* a checkpoint thread writes them */
		p->st_clock = p->run.clock;
		p->st_commits = p->run.commits;
		p->st_failures = p->run.failures;
	}
	st->store_clock = p->st_clock;
	st->commits = p->st_commits;
	st->checkpoint_failures = p->st_failures;
	st->have_alerts = p->alerts != NULL;
	if (p->alerts)
		alerts_counts(p->alerts, &st->alerts_queued, &st->alerts_dropped);
	st->have_archive = p->writer != NULL;
	for (uint32_t i = 0; p->writer && i < p->ncoll; i++)
		if (p->coll[i].upd) {
			struct sink_arch_stats as;
			sink_arch_stats(p->coll[i].upd, &as);
			st->archive_files += as.files;
			st->archive_records += as.records;
			st->archive_waiting += as.kept_bytes;
			st->archive_failing |= as.failing;
		}
	if (p->eng->adj)
		rib_adj_stats(p->eng->adj, &st->adj_routes, &st->adj_bytes);
}

/* ---------------------------------------------------------------- run */

int pipe_collect(const struct pipe_cfg *cfg)
{
	struct pipe *p = rw_calloc(1, sizeof *p);
	rpki_init(&p->vrp);
	p->cfg = cfg;
	int rc = 0;
	unsigned min_peers = cfg->min_peers ? cfg->min_peers : 2;
	if (cfg->db) {
		if (store_run_open(&p->run, cfg->db, cfg->min_peers)) {
			free(p);
			return RW_EINVAL;
		}
		p->have_db = true;
		p->run.every = 0; /* every second boundary, rate-limited by wall time */
		p->run.every_wall = cfg->checkpoint ? cfg->checkpoint : 60;
		min_peers = p->run.min_peers;
	}
	p->eng = rw_malloc(sizeof *p->eng);
	engine_init(p->eng, min_peers, pipe__on_det, p);
	if (cfg->stream_clock && cfg->gap)
		p->eng->gap = cfg->gap;
	det_group_init(&p->g);
	mrt_dec_init(&p->dec);
	p->dec.skip_path = true;
	if (cfg->rib_every)
		engine_keep_adj(p->eng);
	/* before the resume: the snapshot's routes are counted into the
	 * countries, and the history of countries is attached with them */
	if (cfg->geo)
		engine_countries(p->eng, cfg->geo);
	if (p->have_db && store_run_resume(&p->run, p->eng)) {
		rc = RW_EINVAL;
		goto out;
	}
	if (p->have_db && p->eng->have_sec)
		p->fl_from = p->eng->sec; /* what an earlier run applied */
	if ((rc = pipe__rpki_open(p)))
		goto out;
	if (cfg->rel)
		engine_relationships(p->eng, cfg->rel);
	if (cfg->archive && (rc = sink_writer_start(&p->writer)))
		goto out;
	if ((cfg->exec_cmd || cfg->webhook) && (rc = alerts_open(&p->alerts, cfg->exec_cmd, cfg->webhook)))
		goto out;
	if (cfg->ngalerts) {
		p->galerts = rw_calloc(cfg->ngalerts, sizeof *p->galerts);
		for (uint32_t i = 0; i < cfg->ngalerts; i++)
			if ((rc = alerts_open(&p->galerts[i], cfg->galerts[i].exec_cmd, cfg->galerts[i].webhook)))
				goto out;
	}
	if (cfg->watch)
		engine_watch(p->eng, cfg->watch);
	out_open(&p->js, OUT_JSON, &p->jsb, cfg->names);
	uint32_t t = (uint32_t)time(NULL);
	if (cfg->rib_every && !cfg->stream_clock)
		p->next_dump = t - t % cfg->rib_every + cfg->rib_every;
	p->hooks = (struct live_hooks){
		.collector = on_collector,
		.record = pipe__on_record,
		.peer_up = pipe__on_peer_up,
		.tick = on_tick,
		.file = pipe__on_file,
		.status = on_status,
		.arg = p,
	};
	p->boot = cfg->live.ris_url && cfg->live.nfollow;
	p->lcfg = cfg->live;
	p->lcfg.follow_since = p->fl_from;
	p->lv = live_open(&p->lcfg, &p->hooks);
	if (!p->lv) {
		rc = RW_EIO; /* a port that cannot be bound (logged) */
		goto out;
	}
	if (cfg->archive)
		rw_log(RW_LOG_INFO, "archive in %s", cfg->archive);
	p->last_t = pipe__mono_s();
	if (cfg->front && cfg->front->start)
		cfg->front->start(cfg->front->arg, p, live_base(p->lv));
	rc = live_run(p->lv);
	if (cfg->front && cfg->front->stop)
		cfg->front->stop(cfg->front->arg);

	/* Shutdown: the sessions close (not recorded as the peers' doing:
	 * the collector stopping is not a network going down), the last
	 * second is evaluated and stored, every archive file finished. */
	struct live_counts n;
	live_counts(p->lv, &n);
	live_close(p->lv);
	p->lv = NULL;
	p->stopping = true; /* the last checkpoint is taken below, in line */
	store_run_wait(&p->run);
	if (p->frozen)
		pipe__thaw(p);
	pipe__follow_run(p, true); /* what waits: the mirror as it is now */
	if (p->boot) {
		p->boot = false;
		pipe__thaw(p);
	}
	pipe__reorder_flush(p);
	if (p->frozen) { /* a checkpoint started on the way: taken in line below */
		store_run_wait(&p->run);
		pipe__thaw(p);
	}
	engine_flush(p->eng);
	pipe__emit(p);
	if (p->have_db && p->eng->have_sec && store_run_checkpoint(&p->run, p->eng->sec + 1))
		rc = RW_EIO;
	on_status(p, &n);
	for (uint32_t i = 0; i < p->ncoll; i++) {
		sink_arch_close(p->coll[i].upd);
		sink_arch_close(p->coll[i].rib);
	}
	if (sink_writer_stop(p->writer)) /* every file written, or named as lost */
		rc = RW_EIO;
	p->writer = NULL;
	if (p->run.failed) {
		rw_log(RW_LOG_ERROR, "%s: the last checkpoint failed: the history since the last one that worked is "
				     "not stored (the archive has its records: `routewatch ingest` can add them)",
		       p->run.st.where);
		rc = RW_EIO;
	}
out:
	live_close(p->lv);
	sink_writer_stop(p->writer);
	alerts_close(p->alerts);
	for (uint32_t i = 0; p->galerts && i < cfg->ngalerts; i++)
		alerts_close(p->galerts[i]);
	free(p->galerts);
	out_close(&p->js);
	obuf_release(&p->jsb);
	if (p->have_db)
		store_run_close(&p->run);
	for (uint32_t i = 0; i < p->ncoll; i++)
		free(p->coll[i].name);
	rw_vec_free(&p->coll, &p->capcoll, sizeof *p->coll, RW_MEM_LIVE);
	mrt_dec_release(&p->dec);
	obuf_release(&p->held);
	det_group_release(&p->g);
	engine_release(p->eng);
	pipe__rpki_close(p);
	pipe__follow_close(p);
	pipe__reorder_close(p);
	free(p->eng);
	free(p->pbuf);
	free(p);
	return rc;
}
