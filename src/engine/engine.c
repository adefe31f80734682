/*
 * The engine: elements into the rib, seconds into the detector.
 *
 * EVENTS.md §2 route state:
 *  - a route is the last path a peer announced for a prefix (per ADD-PATH
 *    path id); a withdrawal removes it;
 *  - a state change away from Established removes the peer's routes;
 *  - a RIB dump replaces the routes of every peer of its collector; the
 *    first dump of a collector is a silent baseline for its second.
 */
#include "engine.h"

void engine_init(struct engine *e, unsigned min_peers, det_event_fn fn, void *arg)
{
	memset(e, 0, sizeof *e);
	rib_init(&e->rib);
	det_init(&e->det, min_peers);
	arena_init(&e->scratch, 64 * 1024, 256u << 20);
	e->last_pfx_id = RIB_NONE;
	e->fn = fn;
	e->arg = arg;
}

void engine_release(struct engine *e)
{
	rib_release(&e->rib);
	det_release(&e->det);
	arena_release(&e->scratch);
}

static void evaluate(struct engine *e)
{
	det_evaluate(&e->det, &e->rib, e->sec, e->baseline, e->fn, e->arg);
	e->st.seconds++;
	if (e->baseline)
		e->st.baselines++;
	e->baseline = false;
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

void engine_elem(struct engine *e, uint32_t collector, const struct bgp_elem *el)
{
	struct rib *r = &e->rib;
	e->st.elems++;
	switch (el->type) {
	case BGP_ELEM_ANNOUNCE:
	case BGP_ELEM_RIB: {
		uint32_t peer = rib_peer(r, collector, el->peer, el->peer_asn);
		uint32_t pfx;
		if (e->last_pfx_id != RIB_NONE && e->last_pfx.len == el->pfx.len && e->last_pfx.af == el->pfx.af &&
		    !memcmp(e->last_pfx.b, el->pfx.b, 16)) {
			pfx = e->last_pfx_id;
		} else {
			pfx = rib_prefix(r, &el->pfx);
			e->last_pfx = el->pfx;
			e->last_pfx_id = pfx;
		}
		uint32_t path = rib_path_of(r, el->attrs, &e->scratch);
		arena_reset(&e->scratch);
		if (path == RIB_NONE)
			return;
		rib_announce(r, peer, pfx, el->addpath ? el->pfx.path_id : 0, path);
		if (el->type == BGP_ELEM_RIB)
			e->st.rib_entries++;
		else
			e->st.announces++;
		return;
	}
	case BGP_ELEM_WITHDRAW: {
		e->st.withdraws++;
		uint32_t pfx = rib_prefix_find(r, &el->pfx);
		if (pfx == RIB_NONE)
			return;
		uint32_t peer = rib_peer(r, collector, el->peer, el->peer_asn);
		rib_withdraw(r, peer, pfx, el->addpath ? el->pfx.path_id : 0);
		return;
	}
	case BGP_ELEM_STATE:
		e->st.state_changes++;
		if (el->old_state == 6 && el->new_state != 6) {
			uint32_t peer = rib_peer(r, collector, el->peer, el->peer_asn);
			rib_peer_down(r, peer);
			e->st.peer_downs++;
		}
		return;
	default:
		return;
	}
}

void engine_dump_begin(struct engine *e, uint32_t collector)
{
	if (!e->rib.coll[collector].has_dump)
		e->baseline = true; /* the collector's first dump: silent */
	rib_dump_begin(&e->rib, collector);
	e->in_dump = true;
	e->dump_coll = collector;
	e->st.dumps++;
}

void engine_dump_end(struct engine *e)
{
	if (!e->in_dump)
		return;
	rib_dump_end(&e->rib, e->dump_coll);
	e->in_dump = false;
}
