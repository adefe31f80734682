/*
 * The engine: elements into the rib, seconds into the detector.
 *
 * docs/events.md §2 route state:
 *  - a route is the last path a peer announced for a prefix (per ADD-PATH
 *    path id); a withdrawal removes it;
 *  - a state change away from Established removes the peer's routes;
 *  - a RIB dump replaces the routes of every peer of its collector; the
 *    first dump of a collector is a silent baseline for its second.
 */
#include "engine.h"

#include <stdlib.h>

void engine_init(struct engine *e, unsigned min_peers, det_event_fn fn, void *arg)
{
	memset(e, 0, sizeof *e);
	rib_init(&e->rib);
	det_init(&e->det, min_peers);
	arena_init(&e->scratch, 64 * 1024, 256u << 20, RW_MEM_ENGINE);
	e->ops = rw_calloc(ENGINE_BATCH, sizeof *e->ops);
	e->last_op = -1;
	e->fn = fn;
	e->arg = arg;
	e->gap = ENGINE_GAP_DEFAULT;
	e->cur_ref = RIB_NONE;
	for (size_t i = 0; i < RW_ARRAY_LEN(e->peer_cache); i++)
		e->peer_cache[i].id = RIB_NONE;
}

/* rib_peer through the engine's cache of recent peers. */
static uint32_t peer_of(struct engine *e, uint32_t collector, const struct rw_addr *addr, uint32_t asn)
{
	uint32_t a32;
	memcpy(&a32, addr->b + (addr->af == RW_AF_INET6 ? 12 : 0), 4);
	/* each word multiplied apart: a collector's peers often number their
	 * ASNs and addresses alike, and a plain xor of the two cancels */
	uint32_t h = asn * 0x9e3779b1u ^ a32 * 0x85ebca77u ^ collector * 0xc2b2ae3du;
	uint32_t k = (h ^ h >> 15) * 0x27d4eb2fu >> 25 << 1;
	struct engine_peer_slot *c = &e->peer_cache[k];
	for (int w = 0; w < 2; w++)
		if (c[w].id != RIB_NONE && c[w].coll == collector && c[w].asn == asn && c[w].addr.af == addr->af &&
		    !memcmp(c[w].addr.b, addr->b, sizeof addr->b))
			return c[w].id;
	uint32_t id = rib_peer(&e->rib, collector, addr, asn);
	if (id != RIB_NONE) { /* the older way goes; the newer moves over */
		c[1] = c[0];
		c[0] = (struct engine_peer_slot){collector, asn, id, *addr};
	}
	return id;
}

void engine_keep_adj(struct engine *e)
{
	if (!e->adj)
		e->adj = rib_adj_new(&e->rib);
}

void engine_peer_bgp_id(struct engine *e, uint32_t collector, const struct rw_addr *addr, uint32_t asn,
			uint32_t bgp_id)
{
	uint32_t peer = e->adj ? rib_peer(&e->rib, collector, addr, asn) : RIB_NONE;
	if (peer != RIB_NONE)
		rib_adj_bgp_id(e->adj, peer, bgp_id);
}

void engine_release(struct engine *e)
{
	rib_adj_free(e->adj);
	rw_vec_free(&e->coll, &e->capcoll, sizeof *e->coll, RW_MEM_ENGINE);
	rw_vec_free(&e->recs, &e->caprecs, sizeof *e->recs, RW_MEM_ENGINE);
	if (e->pdec) {
		mrt_dec_release(e->pdec);
		free(e->pdec);
	}
	obuf_release(&e->recbuf);
	free(e->ops);
	rib_release(&e->rib);
	det_release(&e->det);
	arena_release(&e->scratch);
}

/* An announcement of the prefix of the op before it, also an
 * announcement: the 20 to 125 entries of a RIB record, the prefixes of an
 * UPDATE. It takes that op's prefix id, looked up once: nothing is
 * applied (or removed) before every id of the batch is resolved. */
static bool same_pfx(const struct engine_op *o, const struct engine_op *prev)
{
	return o->type != BGP_ELEM_WITHDRAW && prev->type != BGP_ELEM_WITHDRAW && o->pfx_hash == prev->pfx_hash &&
	       rw_prefix_eq(&o->p, &prev->p);
}

/* Apply the batched route changes in four passes: hash and prefetch the
 * slots; prefetch the entries the slots name; resolve ids (inserting new
 * prefixes and paths) and prefetch the route arrays; apply in order. */
static void flush_ops(struct engine *e)
{
	struct rib *r = &e->rib;
	unsigned n = e->nops;
	e->last_op = -1;
	if (!n)
		return;
	e->nops = 0;
	struct engine_op *run = NULL; /* the first op of the current prefix's run */
	for (unsigned i = 0; i < n; i++) {
		struct engine_op *o = &e->ops[i];
		if (!o->hashed)
			o->pfx_hash = rib_prefix_hash(&o->p);
		o->same_pfx = i && same_pfx(o, o - 1);
		o->run = 1;
		if (!o->same_pfx) {
			run = o;
			rib_prefetch_pfx_slot(r, o->pfx_hash);
		} else {
			run->run++;
		}
		if (o->type != BGP_ELEM_WITHDRAW && !o->same_path) {
			if (!o->hashed)
				o->path_hash = rib_path_hash(o->key, o->klen);
			rib_prefetch_path_slot(r, o->path_hash);
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct engine_op *o = &e->ops[i];
		if (!o->same_pfx)
			rib_prefetch_pfx(r, o->pfx_hash);
		if (o->type != BGP_ELEM_WITHDRAW && !o->same_path)
			rib_prefetch_path(r, o->path_hash);
	}
	for (unsigned i = 0; i < n; i++) {
		struct engine_op *o = &e->ops[i];
		if (o->type == BGP_ELEM_WITHDRAW) {
			o->pfx = rib_prefix_find_h(r, &o->p, o->pfx_hash);
		} else {
			o->pfx = o->same_pfx ? o[-1].pfx : rib_prefix_h(r, &o->p, o->pfx_hash);
			if (o->same_path)
				o->path = e->ops[o->src].path;
			else
				o->path = rib_path_intern_ou(r, o->key, o->klen, o->path_hash, &o->ou, &e->scratch);
			arena_reset(&e->scratch);
			/* held until applied: an earlier op of the batch may drop
			 * the last route using it */
			if (o->path != RIB_NONE)
				rib_path_hold(r, o->path);
		}
		if (o->pfx != RIB_NONE && !o->same_pfx)
			__builtin_prefetch(r->pfx[o->pfx].r);
	}
	for (unsigned i = 0; i < n; i++) {
		struct engine_op *o = &e->ops[i];
		if (o->pfx == RIB_NONE)
			continue;
		if (o->run > 1)
			rib_reserve(r, o->pfx, o->run);
		r->src_ref = o->ref;
		if (o->type == BGP_ELEM_WITHDRAW || o->path == RIB_NONE) {
			/* an announcement whose path cannot be kept replaces the
			 * peer's route all the same: treat-as-withdraw (RFC 7606) */
			if (o->type != BGP_ELEM_WITHDRAW)
				e->st.unusable++;
			rib_withdraw(r, o->peer, o->pfx, o->addpath);
			if (e->adj)
				rib_adj_withdraw(e->adj, o->peer, o->pfx, o->addpath);
		} else {
			rib_announce(r, o->peer, o->pfx, o->addpath, o->path);
			if (e->adj)
				rib_adj_announce(e->adj, o->peer, o->pfx, o->addpath, o->set);
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct engine_op *o = &e->ops[i];
		if (o->type == BGP_ELEM_WITHDRAW)
			continue;
		if (o->path != RIB_NONE)
			rib_path_release(r, o->path);
		if (e->adj && !o->same_path && o->set != RIB_NONE)
			rib_adj_unused(e->adj, o->set); /* freed if no route took it */
	}
}

/* docs/events.md §15: why an event has no single record. */
static const char *no_record(const struct det_event *ev, const struct rib_src *s, uint8_t why)
{
	if (ev->type == DET_COLLECTOR_GAP)
		return "collector gap: no record, the collector sent none for a while";
	if (why & RIB_WHY_REVEALED)
		return "collector gap: revealed by the collector's first RIB dump after it";
	if (ev->type == DET_COUNTRY_GAINED || ev->type == DET_COUNTRY_LOST)
		return "a country's routes, summed over its networks: see their events";
	if (!s && ev->pfx == RIB_NONE)
		return "an origin's prefix count: see its prefixes' events";
	if (!s && ev->type == DET_UPSTREAM_LOST)
		return "dormancy: the prefix went down then and came back without this upstream";
	if (!s)
		return "confirmed after its second (--min-peers): the change is older than the second that decided it";
	if (s->ref == ENGINE_REF_SESSION)
		return "peer session went down";
	if (s->ref == ENGINE_REF_DUMP)
		return "a RIB dump of the collector (its entries, or a route it no longer carries)";
	return "no route change (VRPs changed, or the state was rebuilt)";
}

/* ---- an announcement's event is proved by an announcement that says it */

struct want {
	struct engine *e;
	const struct rw_prefix *p;
	uint32_t origin, upstream; /* upstream 0: any */
	uint32_t coll, peer;       /* found: the peer (RIB_NONE: not yet) */
};

static int want_elem(void *arg, const struct bgp_elem *el)
{
	struct want *w = arg;
	if (w->peer != RIB_NONE || (el->type != BGP_ELEM_ANNOUNCE && el->type != BGP_ELEM_RIB) || !el->attrs)
		return 0;
	struct rw_prefix q = el->pfx;
	q.path_id = 0;
	if (rw_prefix_cmp(&q, w->p))
		return 0;
	uint32_t o, u;
	int rc = rib_attrs_origin_upstream(el->attrs, &w->e->scratch, &o, &u);
	arena_reset(&w->e->scratch);
	if (!rc && o == w->origin && (!w->upstream || u == w->upstream))
		w->peer = rib_peer(&w->e->rib, w->coll, el->peer, el->peer_asn);
	return 0;
}

/* Does kept record k announce w's prefix with w's origin (and
 * upstream)? The record is decoded again (events are rare beside
 * records). */
static bool announces(struct engine *e, const struct engine_rec *k, struct want *w)
{
	if (!k->len)
		return false;
	if (!e->pdec) {
		e->pdec = rw_malloc(sizeof *e->pdec);
		mrt_dec_init(e->pdec);
	}
	const uint8_t *b = obuf_data(&e->recbuf) + k->at;
	struct mrt_rec rec;
	memset(&rec, 0, sizeof rec);
	mrt_hdr_decode(b, &rec.h);
	size_t skip = MRT_HDR_LEN + (rec.h.type == MRT_BGP4MP_ET ? 4 : 0);
	rec.body = b + skip;
	rec.len = k->len - skip;
	rec.off = k->off;
	w->coll = k->coll;
	w->peer = RIB_NONE;
	struct mrt_result res;
	memset(&res, 0, sizeof res);
	mrt_decode(e->pdec, &rec, want_elem, w, &res);
	return w->peer != RIB_NONE;
}

/* The record of an announcement's event (docs/events.md §15): the
 * prefix's first change in the second when it carries the event's origin
 * (and upstream), else the first later record of the second that does,
 * looked for among the ENGINE_PROOF_SCAN after it; else the first change (its
 * record shows what came first, if not the route that made it).
 * *peer: the announcing peer when found. */
#define ENGINE_PROOF_SCAN 256
static uint32_t announcing(struct engine *e, const struct det_event *ev, uint32_t ref, uint32_t *peer)
{
	bool up = ev->type == DET_UPSTREAM_GAINED;
	if (!ev->has_origin || !(up || ev->type == DET_ORIGIN_GAINED || ev->type == DET_PREFIX_NEW ||
				 ev->type == DET_MORE_SPECIFIC || ev->type == DET_PREFIX_UP))
		return ref;
	struct want w = {e, &e->rib.pfx[ev->pfx].p, ev->origin, up ? ev->upstream : 0, 0, RIB_NONE};
	if (announces(e, &e->recs[ref], &w)) {
		*peer = w.peer;
		return ref;
	}
	/* no record before ref changed the prefix: look after it */
	for (uint32_t i = ref + 1; i < e->nrecs && i <= ref + ENGINE_PROOF_SCAN; i++)
		if (announces(e, &e->recs[i], &w)) {
			*peer = w.peer;
			return i;
		}
	return ref;
}

/* The detector's events with their proofs (engine_keep_proofs). */
static void on_det_event(void *arg, const struct det_event *ev)
{
	struct engine *e = arg;
	struct det_event c = *ev;
	struct det_proof p = {.peer = RIB_NONE, .time = ev->time};
	const struct rib_src *s = NULL;
	uint8_t why = 0;
	if (ev->src && e->rib.keep_src) {
		s = &rib_taken_src(&e->rib)[ev->src - 1];
		why = e->rib.taken_why[ev->src - 1];
		p.peer = s->peer;
	}
	if (s && s->ref < e->nrecs && !(why & RIB_WHY_REVEALED)) {
		const struct engine_rec *k = &e->recs[announcing(e, ev, s->ref, &p.peer)];
		p.time = k->time;
		p.file = k->file;
		p.off = k->off;
		p.rec_len = k->rec_len;
		p.len = k->len;
		p.rec = k->len ? obuf_data(&e->recbuf) + k->at : NULL;
		if (!k->len)
			p.cause = "the record was not kept (longer than 8192 bytes, or past the 64 MiB kept per second): "
				  "see its file and offset";
	} else {
		p.cause = no_record(ev, s, why);
		if (s && s->ref == ENGINE_REF_DUMP)
			p.file = e->dump_file;
	}
	c.proof = &p;
	e->fn(e->arg, &c);
}

void engine_keep_proofs(struct engine *e)
{
	e->proofs = true;
	e->rib.keep_src = true; /* what proves an event: first changes */
}

void engine_rec_begin(struct engine *e, uint32_t collector, const struct mrt_rec *rec, const char *file)
{
	if (!e->proofs)
		return;
	bool et = rec->h.type == MRT_BGP4MP_ET;
	size_t whole = MRT_HDR_LEN + (et ? 4 : 0) + rec->len;
	rw_vec_grow(&e->recs, &e->caprecs, (size_t)e->nrecs + 1, sizeof *e->recs, UINT32_MAX - 8, RW_MEM_ENGINE);
	struct engine_rec *k = &e->recs[e->nrecs];
	*k = (struct engine_rec){.file = file, .coll = collector, .off = rec->off, .time = rec->h.ts,
				 .at = (uint32_t)e->recbuf.len, .rec_len = (uint32_t)whole};
	/* a record over DET_PROOF_MAX, or one past ENGINE_PROOF_SECOND in a
	 * second, keeps its file and offset only */
	if (whole <= DET_PROOF_MAX && e->recbuf.len + whole <= ENGINE_PROOF_SECOND) {
		/* the header as read (RFC 6396 §2: time, type, subtype,
		 * length; _ET: microseconds), then the body */
		uint32_t lf = (uint32_t)rec->len + (et ? 4 : 0);
		uint8_t h[MRT_HDR_LEN + 4];
		wr32(h, rec->h.ts);
		wr16(h + 4, rec->h.type);
		wr16(h + 6, rec->h.subtype);
		wr32(h + 8, lf);
		wr32(h + 12, rec->h.usec);
		obuf_write(&e->recbuf, h, MRT_HDR_LEN + (et ? 4 : 0));
		obuf_write(&e->recbuf, rec->body, rec->len);
		k->len = (uint32_t)whole;
	}
	e->cur_ref = e->nrecs++;
}

static void evaluate(struct engine *e)
{
	flush_ops(e);
	det_evaluate(&e->det, &e->rib, e->sec, e->baseline, e->since, e->proofs ? on_det_event : e->fn,
		     e->proofs ? (void *)e : e->arg);
	if (e->proofs) {
		e->nrecs = 0;
		obuf_reset(&e->recbuf);
		/* a burst's records are not kept for later quiet seconds */
		if (e->recbuf.cap > (1u << 20))
			obuf_release(&e->recbuf);
	}
	e->st.seconds++;
	if (e->baseline)
		e->st.baselines++;
	e->baseline = false;
	e->since = 0;
}

void engine_time(struct engine *e, uint32_t sec)
{
	if (!e->have_sec) {
		e->sec = sec;
		e->have_sec = true;
		return;
	}
	if (sec < e->sec) {
		e->st.out_of_order++;
		return; /* applied in the current second */
	}
	if (sec > e->sec) {
		evaluate(e);
		e->sec = sec;
	}
}

void engine_flush(struct engine *e)
{
	if (e->have_sec)
		evaluate(e);
}

void engine_countries(struct engine *e, const struct geo *g)
{
	det_countries(&e->det, g);
	/* a new path with the same upstream can leave the country elsewhere */
	e->rib.paths_matter = true;
	e->rib.route_obs = det_country_route;
	e->rib.route_obs_arg = &e->det;
	if (e->rib.route_count) /* after a snapshot: count what it holds */
		det_country_rebuild(&e->det, &e->rib, e->sec);
}

void engine_relationships(struct engine *e, const struct asrel *rel)
{
	e->det.rel = rel;
	e->rib.paths_matter = rel != NULL || e->det.geo.g; /* a leak changes the path only */
}

void engine_watch(struct engine *e, const struct watch *w)
{
	e->det.watch = w;
}

void engine_rpki(struct engine *e, struct rpki *v)
{
	e->det.rpki = v;
}

void engine_vrps_changed(struct engine *e, uint32_t sec, const struct rpki_vrp *changed, uint32_t n)
{
	engine_time(e, sec);
	if (!n)
		return;
	/* the changed VRPs as a table of their own: one lookup per prefix
	 * with routes tells whether a change covers it */
	struct rpki ch;
	rpki_init(&ch);
	struct rpki_vrp *set = NULL;
	uint32_t cap = 0;
	if (rw_vec_grow(&set, &cap, n, sizeof *set, UINT32_MAX, RW_MEM_RPKI))
		rw_oom(n);
	memcpy(set, changed, (size_t)n * sizeof *set);
	qsort(set, n, sizeof *set, rpki_vrp_cmp);
	uint32_t w = 0;
	for (uint32_t i = 0; i < n; i++)
		if (!w || rpki_vrp_cmp(&set[w - 1], &set[i]))
			set[w++] = set[i];
	rpki_replace(&ch, set, w, cap, NULL, NULL, NULL);
	struct rib *r = &e->rib;
	r->src_ref = RIB_NONE;
	uint64_t marked = 0;
	for (uint32_t i = 0; i < r->npfx; i++)
		if (r->pfx[i].n && rpki_covers(&ch, &r->pfx[i].p)) {
			rib_mark_dirty(r, i);
			marked++;
		}
	rpki_release(&ch);
	e->det.vrp_now = true;
	rw_log(RW_LOG_INFO, "VRPs: %u changed at %u, %llu prefixes to validate again", n, sec,
	       (unsigned long long)marked);
}

/* The announcement of op o (not in the batch: flushed before) with a path
 * too long for a batch key, resolved by the caller (RIB_NONE: none). */
static void long_path(struct engine *e, const struct engine_op *o, uint32_t path, uint32_t set)
{
	struct rib *r = &e->rib;
	arena_reset(&e->scratch);
	e->last_op = -1;
	r->src_ref = o->ref;
	uint32_t pfx = rib_prefix(r, &o->p);
	if (path != RIB_NONE) {
		rib_announce(r, o->peer, pfx, o->addpath, path);
		if (e->adj)
			rib_adj_announce(e->adj, o->peer, pfx, o->addpath, set);
	} else { /* as in flush_ops */
		e->st.unusable++;
		rib_withdraw(r, o->peer, pfx, o->addpath);
		if (e->adj)
			rib_adj_withdraw(e->adj, o->peer, pfx, o->addpath);
	}
	if (e->adj && set != RIB_NONE)
		rib_adj_unused(e->adj, set);
}

void engine_elem(struct engine *e, uint32_t collector, const struct bgp_elem *el)
{
	struct rib *r = &e->rib;
	e->st.elems++;
	switch (el->type) {
	case BGP_ELEM_ANNOUNCE:
	case BGP_ELEM_RIB:
	case BGP_ELEM_WITHDRAW: {
		struct engine_op *o = &e->ops[e->nops];
		o->type = el->type;
		o->peer = peer_of(e, collector, el->peer, el->peer_asn);
		if (o->peer == RIB_NONE) {
			e->st.unusable++; /* beyond the peer cap (logged by the rib) */
			return;
		}
		o->addpath = el->addpath ? el->pfx.path_id : 0;
		o->p = el->pfx;
		o->p.path_id = 0;
		o->same_path = false;
		o->hashed = false;
		o->set = RIB_NONE;
		o->ref = e->cur_ref;
		if (el->type == BGP_ELEM_WITHDRAW) {
			e->st.withdraws++;
		} else {
			if (el->type == BGP_ELEM_RIB)
				e->st.rib_entries++;
			else
				e->st.announces++;
			if (e->last_op >= 0 && el->attrs_gen == e->last_gen && el->attrs == e->last_attrs) {
				o->same_path = true; /* another prefix of the same UPDATE */
				o->src = (uint8_t)e->last_op;
				o->set = e->ops[o->src].set;
			} else {
				size_t k = rib_path_key_ou(el->attrs, o->key, sizeof o->key, &o->ou);
				e->last_gen = el->attrs_gen;
				e->last_attrs = el->attrs;
				e->last_op = (int)e->nops;
				if (e->adj)
					o->set = rib_adj_attrs(e->adj, el->attrs, el->attrs->asn_size == 4);
				if (!k) {
					/* a long path: resolve it now, outside the batch */
					uint32_t set = o->set;
					flush_ops(e);
					long_path(e, o, rib_path_of(r, el->attrs, &e->scratch), set);
					return;
				}
				o->klen = (uint16_t)k;
			}
		}
		if (++e->nops == ENGINE_BATCH)
			flush_ops(e);
		return;
	}
	case BGP_ELEM_STATE:
		e->st.state_changes++;
		if (el->old_state == BGP_ESTABLISHED && el->new_state != BGP_ESTABLISHED) {
			flush_ops(e); /* the peer's earlier changes first */
			uint32_t peer = rib_peer(r, collector, el->peer, el->peer_asn);
			if (peer == RIB_NONE)
				return;
			if (e->adj)
				rib_adj_peer_down(e->adj, peer);
			r->src_ref = ENGINE_REF_SESSION;
			rib_peer_down(r, peer);
			e->st.peer_downs++;
		}
		return;
	default:
		return;
	}
}

void engine_pre_put(struct obuf *out, const struct bgp_elem *el, struct engine_pre_last *last)
{
	struct engine_pre q = {.type = el->type, .addpath = el->addpath, .old_state = el->old_state,
			       .new_state = el->new_state, .peer_asn = el->peer_asn};
	if (el->peer)
		q.peer = *el->peer;
	q.pfx = el->pfx;
	size_t need = 0;
	if (el->type == BGP_ELEM_ANNOUNCE || el->type == BGP_ELEM_RIB || el->type == BGP_ELEM_WITHDRAW) {
		struct rw_prefix p = el->pfx;
		p.path_id = 0;
		if (!last->set || !rw_prefix_eq(&p, &last->p)) {
			last->p = p;
			last->hash = rib_prefix_hash(&p);
			last->set = true;
		}
		q.pfx_hash = last->hash;
	}
	if (el->type == BGP_ELEM_ANNOUNCE || el->type == BGP_ELEM_RIB) {
		q.attrs_gen = el->attrs_gen;
		q.src = el->attrs;
		/* as rib_path_of sizes it */
		need = RIB_KEY_MAX((size_t)el->attrs->as_path_len + el->attrs->as4_path_len);
	}
	/* entries stay 8-byte aligned (the key padded), so the main thread
	 * reads them in place */
	uint8_t *d = (uint8_t *)obuf_room(out, sizeof q + need + 7);
	if (need) {
		q.klen = (uint32_t)rib_path_key_ou(el->attrs, d + sizeof q, need, &q.ou);
		q.nokey = !q.klen;
		if (q.klen)
			q.path_hash = rib_path_hash(d + sizeof q, q.klen);
	}
	memcpy(d, &q, sizeof q);
	out->len += sizeof q + ENGINE_PRE_PAD(q.klen);
}

void engine_elem_pre(struct engine *e, uint32_t collector, const struct engine_pre *q, const uint8_t *key)
{
	struct rib *r = &e->rib;
	e->st.elems++;
	switch (q->type) {
	case BGP_ELEM_ANNOUNCE:
	case BGP_ELEM_RIB:
	case BGP_ELEM_WITHDRAW: {
		/* engine_elem's steps, with the worker's copies */
		struct engine_op *o = &e->ops[e->nops];
		o->type = q->type;
		o->peer = peer_of(e, collector, &q->peer, q->peer_asn);
		if (o->peer == RIB_NONE) {
			e->st.unusable++;
			return;
		}
		o->addpath = q->addpath ? q->pfx.path_id : 0;
		o->p = q->pfx;
		o->p.path_id = 0;
		o->same_path = false;
		o->hashed = true;
		o->pfx_hash = q->pfx_hash;
		o->set = RIB_NONE;
		o->ref = e->cur_ref;
		if (q->type == BGP_ELEM_WITHDRAW) {
			e->st.withdraws++;
		} else {
			if (q->type == BGP_ELEM_RIB)
				e->st.rib_entries++;
			else
				e->st.announces++;
			if (e->last_op >= 0 && q->attrs_gen == e->last_gen &&
			    (const void *)e->last_attrs == q->src) {
				o->same_path = true;
				o->src = (uint8_t)e->last_op;
				o->set = e->ops[o->src].set;
			} else {
				e->last_gen = q->attrs_gen;
				e->last_attrs = q->src; /* identity only, never read */
				e->last_op = (int)e->nops;
				if (e->adj)
					abort(); /* dumps never feed an Adj-RIB-In (engine_dump_begin) */
				if (q->nokey || q->klen > ENGINE_KEY) {
					flush_ops(e);
					long_path(e, o,
						  q->nokey ? RIB_NONE
							   : rib_path_intern_ou(r, key, q->klen, q->path_hash, &q->ou,
										&e->scratch),
						  RIB_NONE);
					return;
				}
				memcpy(o->key, key, q->klen);
				o->klen = (uint16_t)q->klen;
				o->ou = q->ou;
				o->path_hash = q->path_hash;
			}
		}
		if (++e->nops == ENGINE_BATCH)
			flush_ops(e);
		return;
	}
	case BGP_ELEM_STATE: {
		struct bgp_elem el = {.type = q->type, .old_state = q->old_state, .new_state = q->new_state,
				      .peer_asn = q->peer_asn, .peer = &q->peer};
		e->st.elems--; /* engine_elem counts it */
		engine_elem(e, collector, &el);
		return;
	}
	default:
		return;
	}
}

int engine_on_elem(void *arg, const struct bgp_elem *el)
{
	const struct engine_src *s = arg;
	engine_elem(s->e, s->collector, el);
	return 0;
}

void engine_record(struct engine *e, uint32_t collector, struct mrt_dec *dec, const struct mrt_rec *rec,
		   struct mrt_result *res)
{
	struct engine_src s = {e, collector};
	memset(res, 0, sizeof *res);
	engine_rec_begin(e, collector, rec, NULL);
	mrt_decode(dec, rec, engine_on_elem, &s, res);
	engine_rec_end(e);
}

static struct engine_coll *coll_state(struct engine *e, uint32_t collector)
{
	if (collector >= e->capcoll) {
		uint32_t old = e->capcoll;
		rw_vec_grow(&e->coll, &e->capcoll, (size_t)collector + 1, sizeof *e->coll, UINT32_MAX, RW_MEM_ENGINE);
		memset(e->coll + old, 0, (size_t)(e->capcoll - old) * sizeof *e->coll);
	}
	return &e->coll[collector];
}

void engine_seen(struct engine *e, uint32_t collector, uint32_t ts, bool missing_before, bool rib)
{
	struct engine_coll *c = coll_state(e, collector);
	bool silent = e->gap && ts - c->last > e->gap && !(rib && c->last_rib);
	if (c->last && ts > c->last && (silent || missing_before)) {
		struct det_event ev = {.type = DET_COLLECTOR_GAP, .time = c->last, .determined = ts,
				       .upstream = collector, .pfx = RIB_NONE};
		if (!c->gap_from)
			c->gap_from = c->last;
		e->det.events++;
		if (e->proofs)
			on_det_event(e, &ev);
		else
			e->fn(e->arg, &ev);
	}
	if (ts >= c->last) {
		c->last = ts;
		c->last_rib = rib;
	}
}

void engine_dump_begin(struct engine *e, uint32_t collector)
{
	if (e->adj)
		abort(); /* a caller's error: see engine_keep_adj */
	flush_ops(e);
	struct engine_coll *c = coll_state(e, collector);
	bool reveal = c->gap_from && e->rib.coll[collector].has_dump;
	if (reveal && (!e->since || c->gap_from < e->since))
		e->since = c->gap_from;
	c->gap_from = 0;
	if (!e->rib.coll[collector].has_dump)
		e->baseline = true; /* the collector's first dump: silent */
	rib_dump_begin(&e->rib, collector, reveal);
	det_dump(&e->det); /* docs/events.md §10: new_for_prefix looks back to it */
	e->in_dump = true;
	e->cur_ref = ENGINE_REF_DUMP;
	e->dump_coll = collector;
	e->st.dumps++;
}

void engine_dump_end(struct engine *e)
{
	flush_ops(e);
	if (!e->in_dump)
		return;
	e->rib.src_ref = ENGINE_REF_DUMP;
	rib_dump_end(&e->rib, e->dump_coll);
	e->in_dump = false;
	e->cur_ref = RIB_NONE;
}
