/*
 * The record path of the live pipeline (see pipe.c): the engine's clock
 * and the events of each evaluated second, every record into the archive
 * and the engine, and the freeze while a checkpoint's thread reads the
 * engine (records held, applied in order at the thaw). Event loop thread
 * only.
 */
#include "pipe_int.h"

double pipe__mono_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- events */

void pipe__on_det(void *arg, const struct det_event *e)
{
	struct pipe *p = arg;
	/* the silent confirmations are for the history store alone */
	if (e->type != DET_UPSTREAM_PRESENT && e->type != DET_COUNTRY_PRESENT)
		det_group_add(&p->g, e);
	if (p->have_db)
		hist_on_event(&p->run.h, e);
}

/* The events the last evaluation determined: printed, alerted. */
/* An event's alert: to the alerts of each of its watch-list groups that
 * has them (docs/events.md §13), else to --exec / --webhook. */
static void alert(struct pipe *p, const struct det_gevent *g, const char *js, size_t n)
{
	char **groups = g->wp ? g->wp->groups : g->wa ? g->wa->groups : NULL;
	uint32_t ng = g->wp ? g->wp->ngroups : g->wa ? g->wa->ngroups : 0;
	bool sent = false;
	for (uint32_t i = 0; p->galerts && i < p->cfg->ngalerts; i++)
		for (uint32_t j = 0; j < ng; j++)
			if (!strcmp(groups[j], p->cfg->galerts[i].group)) {
				alerts_event(p->galerts[i], js, n);
				sent = true;
				break;
			}
	if (!sent && p->alerts)
		alerts_event(p->alerts, js, n);
}

void pipe__emit(struct pipe *p)
{
	if (!p->g.n)
		return;
	det_group_finish(&p->g, &p->eng->rib);
	for (uint32_t i = 0; i < p->g.n; i++) {
		const struct det_gevent *g = &p->g.ev[i];
		if (p->cfg->filter && !det_filter_match(p->cfg->filter, g->type, g->has_origin, g->origin, g->time))
			continue;
		struct store_event v;
		hist_event_view(&p->g.ev[i], &p->eng->rib, &p->pbuf, &p->pcap, &v);
		out_event(p->cfg->out, &v);
		if (p->cfg->front && p->cfg->front->event)
			p->cfg->front->event(p->cfg->front->arg, &v);
		if (p->alerts || p->galerts) {
			obuf_reset(&p->jsb);
			out_event(&p->js, &v);
			alert(p, &p->g.ev[i], p->jsb.buf, p->jsb.len);
		}
	}
	obuf_flush(p->cfg->out->ob); /* live: every second's events leave at once */
	det_group_release(&p->g);
	det_group_init(&p->g);
}

void pipe__clock_to(struct pipe *p, uint32_t sec)
{
	bool moved = p->eng->have_sec && sec > p->eng->sec;
	double t0 = moved ? pipe__mono_s() : 0;
	uint32_t nev = p->g.n;
	engine_time(p->eng, sec);
	nev = p->g.n - nev;
	pipe__emit(p);
	/* the event loop waited for this: sessions' timers too (say so when
	 * it comes near a hold time) */
	double took = moved ? pipe__mono_s() - t0 : 0;
	if (took > 1.0)
		rw_log(RW_LOG_WARN, "evaluating and printing second %u took %.1f s (%u events)", sec - 1, took, nev);
	if (moved && p->have_db && !p->stopping && store_run_due(&p->run, sec)) {
		store_run_checkpoint_async(&p->run, sec);
		p->frozen = !store_run_idle(&p->run);
	}
}

/* The record of live/'s bytes (whole: common header included). */
static void rec_of(const uint8_t *rec, size_t len, uint64_t idx, struct mrt_rec *r)
{
	memset(r, 0, sizeof *r);
	mrt_hdr_decode(rec, &r->h);
	size_t skip = MRT_HDR_LEN;
	if (r->h.type == MRT_BGP4MP_ET && len >= MRT_HDR_LEN + 4) {
		r->h.usec = rd32(rec + MRT_HDR_LEN);
		skip += 4;
	}
	r->body = rec + skip;
	r->len = len - skip;
	r->idx = idx;
}

/* What the session is told of a decoded UPDATE: 0, or the NOTIFICATION
 * RFC 7606 ends it with (logged). */
static int verdict(const struct live_src *src, const struct mrt_result *res)
{
	if (res->worst == BGP_ACT_RESET) {
		rw_log(RW_LOG_WARN, "%s AS%u: UPDATE cannot be parsed (%s)", src->name, src->peer_asn,
		       res->attr_msg ? res->attr_msg : res->what ? res->what : "NLRI");
		/* UPDATE Message Error: Invalid Network Field for NLRI,
		 * Malformed Attribute List otherwise */
		bool nlri = res->attr == 0 || res->attr == BGP_ATTR_MP_REACH || res->attr == BGP_ATTR_MP_UNREACH;
		return BGP_NOTIFY(BGP_ERR_UPDATE, nlri ? BGP_ERR_UPD_NETWORK : BGP_ERR_UPD_ATTR_LIST);
	}
	if (res->n_taw || res->n_discard)
		rw_log(RW_LOG_INFO, "%s: malformed attribute (%s): %s", src->name, res->attr_msg ? res->attr_msg : "?",
		       bgp_action_name((enum bgp_action)res->worst));
	return 0;
}

static int no_elem(void *arg, const struct bgp_elem *e)
{
	(void)arg;
	(void)e;
	return 0;
}

/* Keep a record (rec != NULL) or a peer-up for the pipe__thaw. */
static void held_put(struct pipe *p, uint32_t coll, uint32_t ts, const uint8_t *rec, size_t len,
		     const struct live_src *up)
{
	struct held_hdr h = {.len = rec ? (uint32_t)len : 0, .coll = coll, .ts = ts};
	if (up) {
		h.peer = up->peer;
		h.peer_asn = up->peer_asn;
		h.bgp_id = up->bgp_id;
	}
	obuf_write(&p->held, &h, sizeof h);
	if (rec)
		obuf_write(&p->held, rec, len);
	p->nheld++;
}

/* A record through the archive and the engine (or held while frozen). */
static int apply(struct pipe *p, const struct live_src *src, uint32_t coll, uint32_t ts, const uint8_t *rec,
		 size_t len, bool gap)
{
	struct pcoll *c = &p->coll[coll];
	if (c->upd)
		sink_arch_put(c->upd, ts, rec, len);
	if (p->cfg->stream_clock) {
		if (!p->have_last || ts > p->last_ts)
			p->last_ts = ts;
		p->have_last = true;
	}
	if (!p->frozen) {
		pipe__clock_to(p, ts); /* may start a checkpoint: frozen from then on */
		/* docs/events.md §9: a silent collector, or one whose
		 * records were lost while the stream was away */
		if (p->cfg->stream_clock && !p->frozen)
			engine_seen(p->eng, c->eng, ts, gap, false);
	}
	struct mrt_rec r;
	rec_of(rec, len, p->nrec++, &r);
	struct mrt_result res;
	if (p->frozen) {
		/* decoded for the session's answer only; applied at the pipe__thaw */
		memset(&res, 0, sizeof res);
		mrt_decode(&p->dec, &r, no_elem, NULL, &res);
		held_put(p, coll, ts, rec, len, NULL);
	} else {
		engine_record(p->eng, c->eng, &p->dec, &r, &res);
	}
	return src ? verdict(src, &res) : 0;
}

/* ---------------------------------------------------------------- reorder */

/* stream_clock with `reorder` seconds: records of several collectors come
 * a little out of time order (RIS Live sends each collector's as they
 * come); each waits in a heap by (time, arrival) until a record `reorder`
 * seconds later has come, so the engine gets them in time order, as a
 * replay of the archive does. */
struct rwait {
	uint32_t ts, coll;
	bool gap;                  /* live_src.gap_before */
	uint64_t seq;
	size_t len;
	uint8_t rec[];
};

static bool rw_before(const struct rwait *a, const struct rwait *b)
{
	return a->ts != b->ts ? a->ts < b->ts : a->seq < b->seq;
}

static void rq_push(struct pipe *p, struct rwait *w)
{
	rw_vec_grow(&p->rq, &p->caprq, (size_t)p->nrq + 1, sizeof *p->rq, UINT32_MAX, RW_MEM_LIVE);
	uint32_t i = p->nrq++;
	p->rq[i] = w;
	while (i && rw_before(p->rq[i], p->rq[(i - 1) / 2])) {
		struct rwait *t = p->rq[i];
		p->rq[i] = p->rq[(i - 1) / 2];
		p->rq[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct rwait *rq_pop(struct pipe *p)
{
	struct rwait *top = p->rq[0];
	p->rq[0] = p->rq[--p->nrq];
	for (uint32_t i = 0;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < p->nrq && rw_before(p->rq[l], p->rq[m]))
			m = l;
		if (r < p->nrq && rw_before(p->rq[r], p->rq[m]))
			m = r;
		if (m == i)
			break;
		struct rwait *t = p->rq[i];
		p->rq[i] = p->rq[m];
		p->rq[m] = t;
		i = m;
	}
	return top;
}

/* Apply the waiting records of time <= upto (UINT32_MAX: all). */
static void rq_release(struct pipe *p, uint32_t upto)
{
	while (p->nrq && p->rq[0]->ts <= upto && !p->boot) {
		struct rwait *w = rq_pop(p);
		apply(p, NULL, w->coll, w->ts, w->rec, w->len, w->gap);
		free(w);
	}
}

void pipe__reorder_flush(struct pipe *p)
{
	rq_release(p, UINT32_MAX);
}

void pipe__reorder_close(struct pipe *p)
{
	for (uint32_t i = 0; i < p->nrq; i++)
		free(p->rq[i]);
	rw_vec_free(&p->rq, &p->caprq, sizeof *p->rq, RW_MEM_LIVE);
	p->nrq = 0;
}

int pipe__on_record(void *arg, const struct live_src *src, uint32_t ts, const uint8_t *rec, size_t len)
{
	struct pipe *p = arg;
	if (p->boot) { /* the mirrors' files first (pipe_follow.c) */
		struct pcoll *c = &p->coll[src->coll];
		if (c->upd)
			sink_arch_put(c->upd, ts, rec, len);
		if (!p->nheld)
			p->boot_first = ts;
		held_put(p, src->coll, ts, rec, len, NULL);
		return 0;
	}
	if (!p->cfg->stream_clock || !p->cfg->reorder)
		return apply(p, src, src->coll, ts, rec, len, src->gap_before);
	p->idle = 0;
	struct rwait *w = rw_malloc(sizeof *w + len);
	*w = (struct rwait){.ts = ts, .coll = src->coll, .gap = src->gap_before, .seq = p->rq_seq++, .len = len};
	memcpy(w->rec, rec, len);
	rq_push(p, w);
	if (ts > p->rq_max)
		p->rq_max = ts;
	if (p->rq_max >= p->cfg->reorder)
		rq_release(p, p->rq_max - p->cfg->reorder);
	return 0;
}

void pipe__on_peer_up(void *arg, const struct live_src *src)
{
	struct pipe *p = arg;
	if (p->frozen)
		held_put(p, src->coll, 0, NULL, 0, src);
	else
		engine_peer_bgp_id(p->eng, p->coll[src->coll].eng, &src->peer, src->peer_asn, src->bgp_id);
}

/* The checkpoint is over: what waited goes through the engine, in order.
 * Should another checkpoint start on the way (the clock moving is what
 * starts one), the rest waits for its end. */
void pipe__thaw(struct pipe *p)
{
	p->frozen = false;
	const uint8_t *b = obuf_data(&p->held);
	size_t off = 0, n = p->held.len;
	uint64_t done = 0;
	while (off < n && !p->frozen) {
		struct held_hdr h;
		memcpy(&h, b + off, sizeof h);
		off += sizeof h;
		if (h.len && p->cfg->live.nfollow && pipe__follow_covers(p, p->coll[h.coll].eng, h.ts)) {
			off += h.len; /* the mirrors' files had it */
		} else if (h.len) {
			if (p->cfg->stream_clock) {
				p->idle = 0;
				if (!p->have_last || h.ts > p->last_ts)
					p->last_ts = h.ts;
				p->have_last = true;
			}
			pipe__clock_to(p, h.ts);
			if (p->frozen) {
				off -= sizeof h; /* this one waits again */
				break;
			}
			if (p->cfg->stream_clock)
				engine_seen(p->eng, p->coll[h.coll].eng, h.ts, false, false);
			struct mrt_rec r;
			rec_of(b + off, h.len, p->nrec++, &r);
			struct mrt_result res;
			engine_record(p->eng, p->coll[h.coll].eng, &p->dec, &r, &res);
			off += h.len;
		} else {
			engine_peer_bgp_id(p->eng, p->coll[h.coll].eng, &h.peer, h.peer_asn, h.bgp_id);
		}
		done++;
	}
	if (done)
		rw_log(RW_LOG_DEBUG, "%llu records held during a checkpoint applied", (unsigned long long)done);
	/* keep what still waits at the front */
	if (n > off)
		memmove(p->held.buf, b + off, n - off);
	p->held.len = n - off;
	p->nheld -= done;
}
