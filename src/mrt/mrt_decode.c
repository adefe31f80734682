/*
 * MRT record bodies into route elements.
 *
 *   TABLE_DUMP (v1)        RFC 6396 §4.2   one or more entries per record
 *   TABLE_DUMP_V2          RFC 6396 §4.3, RFC 8050 (ADD-PATH subtypes)
 *   BGP4MP, BGP4MP_ET      RFC 6396 §4.4/§4.5
 *   BGP (legacy, type 5)   RFC 6396 §B.2.1, as RIS wrote it in 1999-2000
 *
 * Everything an element points to lives in struct mrt_dec or in the record.
 * It is valid during the element callback only: a TABLE_DUMP_V2 record
 * reuses the decoded attributes and resets the scratch memory after each
 * entry. Body problems are
 * reported through struct mrt_result with the offset inside the body;
 * elements already delivered from a damaged record stay delivered (a RIB
 * record with one bad entry still yields the good ones).
 */
#include "mrt.h"

#include <stdlib.h>

void mrt_dec_init(struct mrt_dec *d)
{
	memset(d, 0, sizeof *d);
	arena_init(&d->scratch, 64 * 1024, 256u << 20, RW_MEM_MRT);
	arena_init(&d->index_arena, 16 * 1024, 64u << 20, RW_MEM_MRT);
}

void mrt_dec_release(struct mrt_dec *d)
{
	arena_release(&d->scratch);
	arena_release(&d->index_arena);
	d->pit = NULL;
}

bool mrt_is_addpath(uint16_t type, uint16_t subtype)
{
	if (type == MRT_BGP4MP || type == MRT_BGP4MP_ET)
		return subtype >= MRT_MESSAGE_ADDPATH && subtype <= MRT_MESSAGE_AS4_LOCAL_ADDPATH;
	if (type == MRT_TABLE_DUMP_V2)
		return subtype >= MRT_RIB_IPV4_UNICAST_ADDPATH && subtype <= MRT_RIB_GENERIC_ADDPATH;
	return false;
}

bool mrt_is_local(uint16_t type, uint16_t subtype)
{
	return (type == MRT_BGP4MP || type == MRT_BGP4MP_ET) &&
	       (subtype == MRT_MESSAGE_LOCAL || subtype == MRT_MESSAGE_AS4_LOCAL ||
		subtype == MRT_MESSAGE_LOCAL_ADDPATH || subtype == MRT_MESSAGE_AS4_LOCAL_ADDPATH);
}

static int fail(struct mrt_result *res, int err, const char *what, const struct cur *c,
		const uint8_t *body)
{
	if (!res->err) {
		res->err = err;
		res->what = what;
		res->at = c ? (uint64_t)(c->p - body) : 0;
	}
	return 0;
}

static int emit(struct mrt_result *res, mrt_elem_fn fn, void *arg, const struct bgp_elem *e)
{
	res->n_elems++;
	return fn(arg, e);
}

static void note_attrs(struct mrt_result *res, const struct bgp_attrs *a, uint64_t at)
{
	switch (a->action) {
	case BGP_ACT_NONE:
		if (!a->n_errors)
			return;
		res->n_notes++;
		if (!res->attr_msg) {
			res->attr = a->err_attr;
			res->attr_msg = a->err_msg;
			res->attr_at = at;
		}
		return;
	case BGP_ACT_DISCARD: res->n_discard++; break;
	case BGP_ACT_WITHDRAW: res->n_taw++; break;
	case BGP_ACT_RESET: res->n_unparseable++; break;
	}
	if (a->action > res->worst) {
		res->worst = a->action;
		res->attr = a->err_attr;
		res->attr_msg = a->err_msg;
		res->attr_at = at;
	}
}

static int emit_nlri(struct mrt_result *res, mrt_elem_fn fn, void *arg, struct bgp_elem *e,
		     const uint8_t *p, size_t len, uint8_t af, bool addpath)
{
	struct bgp_nlri_it it;
	e->addpath = addpath;
	bgp_nlri_init(&it, p, len, af, addpath);
	int r;
	while ((r = bgp_nlri_next(&it, &e->pfx)) > 0) {
		int s = emit(res, fn, arg, e);
		if (s)
			return s;
	}
	return 0; /* the field was checked while decoding */
}

/* The elements of a decoded UPDATE, in bgpdump's order: withdrawn routes,
 * MP_UNREACH, then NLRI and MP_REACH. Treat-as-withdraw turns every
 * announcement into a withdrawal (RFC 7606 §2). */
static int update_elems(struct mrt_dec *d, const struct bgp_update *u, const struct bgp_elem *base,
			mrt_elem_fn fn, void *arg, struct mrt_result *res, uint64_t at)
{
	const struct bgp_attrs *a = &u->attrs;
	note_attrs(res, a, at);
	if (a->action == BGP_ACT_RESET && !(d->salvage && a->reset_nlri_only))
		return 0; /* NLRI cannot be trusted: no routes from it */
	struct bgp_elem e = *base;
	int s;
	e.type = BGP_ELEM_WITHDRAW;
	e.attrs = NULL;
	if ((s = emit_nlri(res, fn, arg, &e, u->withdrawn, u->withdrawn_len, RW_AF_INET, u->withdrawn_addpath)))
		return s;
	const struct bgp_mp *un = &a->unreach;
	if (bgp_has(a, BGP_ATTR_MP_UNREACH) && bgp_afi_af(un->afi) && bgp_safi_routes(un->safi)) {
		if ((s = emit_nlri(res, fn, arg, &e, un->nlri, un->nlri_len, bgp_afi_af(un->afi), un->addpath)))
			return s;
	} else if (bgp_has(a, BGP_ATTR_MP_UNREACH)) {
		res->unsupported = true;
	}
	const struct bgp_mp *re = &a->reach;
	bool reach_ok = bgp_has(a, BGP_ATTR_MP_REACH) && bgp_afi_af(re->afi) && bgp_safi_routes(re->safi);
	if (bgp_has(a, BGP_ATTR_MP_REACH) && !reach_ok)
		res->unsupported = true;
	if (a->action == BGP_ACT_WITHDRAW) {
		e.taw = true;
		if ((s = emit_nlri(res, fn, arg, &e, u->nlri, u->nlri_len, RW_AF_INET, u->nlri_addpath)))
			return s;
		if (reach_ok)
			return emit_nlri(res, fn, arg, &e, re->nlri, re->nlri_len, bgp_afi_af(re->afi), re->addpath);
		return 0;
	}
	e.type = BGP_ELEM_ANNOUNCE;
	e.attrs = a;
	e.attrs_gen = ++d->attrs_gen;
	if (u->nlri_len) {
		bool nh = bgp_has(a, BGP_ATTR_NEXT_HOP);
		e.nh = nh ? a->nexthop : NULL;
		e.nh_len = nh ? 4 : 0;
		e.mp = false;
		if ((s = emit_nlri(res, fn, arg, &e, u->nlri, u->nlri_len, RW_AF_INET, u->nlri_addpath)))
			return s;
	}
	if (reach_ok && re->nlri_len) {
		e.nh = re->nh;
		e.nh_len = re->nh_len;
		e.mp = true;
		return emit_nlri(res, fn, arg, &e, re->nlri, re->nlri_len, bgp_afi_af(re->afi), re->addpath);
	}
	return 0;
}

static int read_addr(struct cur *c, uint8_t af, struct rw_addr *a)
{
	memset(a, 0, sizeof *a);
	a->af = af;
	return cur_copy(c, a->b, af == RW_AF_INET ? 4 : 16);
}

static int read_asn(struct cur *c, unsigned size, uint32_t *v)
{
	if (size == 4)
		return cur_u32(c, v);
	uint16_t x = 0;
	int rc = cur_u16(c, &x);
	*v = x;
	return rc;
}

/* One BGP message (header included) from BGP4MP or BMP-like framing. */
static int bgp_message_elems(struct mrt_dec *d, const uint8_t *p, size_t len, const struct bgp_ctx *ctx,
			     const struct bgp_elem *base, mrt_elem_fn fn, void *arg, struct mrt_result *res,
			     const uint8_t *body)
{
	struct bgp_hdr h;
	int rc = bgp_hdr_decode(p, len, true, &h);
	struct cur at;
	cur_init(&at, p, len);
	if (rc == RW_ETRUNC)
		return fail(res, rc, "BGP message shorter than its 19-byte header", &at, body);
	if (rc)
		return fail(res, rc, rc == RW_EMALFORMED && len >= 16 && p[0] != 0xff
					     ? "BGP marker is not all ones"
					     : "BGP message length out of range",
			    &at, body);
	if (h.len > len)
		return fail(res, RW_ETRUNC, "BGP message runs past the end of the record", &at, body);
	/* trailing bytes after the declared message (F06): parse the message */
	const uint8_t *m = p + BGP_HDR_LEN;
	size_t ml = h.len - BGP_HDR_LEN;
	struct bgp_elem e = *base;
	e.type = BGP_ELEM_MSG;
	e.msg_type = h.type;
	switch (h.type) {
	case BGP_MSG_UPDATE:
		rc = bgp_update_decode(m, ml, ctx, &d->scratch, &d->upd);
		if (rc)
			return fail(res, rc, "scratch memory cap reached", NULL, body);
		return update_elems(d, &d->upd, base, fn, arg, res, (uint64_t)(p - body));
	case BGP_MSG_OPEN:
		if (bgp_open_decode(m, ml, &d->msg.open))
			return fail(res, RW_ETRUNC, "OPEN message truncated", &at, body);
		e.msg = &d->msg.open;
		break;
	case BGP_MSG_NOTIFICATION:
		if (bgp_notification_decode(m, ml, &d->msg.notif))
			return fail(res, RW_ETRUNC, "NOTIFICATION message truncated", &at, body);
		e.msg = &d->msg.notif;
		break;
	case BGP_MSG_KEEPALIVE:
		e.msg = NULL;
		break;
	case BGP_MSG_ROUTE_REFRESH:
		if (bgp_route_refresh_decode(m, ml, &d->msg.rr))
			return fail(res, RW_ETRUNC, "ROUTE-REFRESH message truncated", &at, body);
		e.msg = &d->msg.rr;
		break;
	default:
		return fail(res, RW_EMALFORMED, "unknown BGP message type", &at, body);
	}
	return d->want_msgs ? emit(res, fn, arg, &e) : 0;
}

static int dec_bgp4mp(struct mrt_dec *d, const struct mrt_rec *rec, mrt_elem_fn fn, void *arg,
		      struct mrt_result *res)
{
	const uint8_t *body = rec->body;
	uint16_t st = rec->h.subtype;
	struct cur c;
	cur_init(&c, body, rec->len);
	struct bgp_elem base;
	memset(&base, 0, sizeof base);
	base.ts = rec->h.ts;
	base.usec = rec->h.usec;
	base.peer = &d->peer_addr;
	unsigned asz = (st == MRT_MESSAGE_AS4 || st == MRT_STATE_CHANGE_AS4 || st == MRT_MESSAGE_AS4_LOCAL ||
			st == MRT_MESSAGE_AS4_ADDPATH || st == MRT_MESSAGE_AS4_LOCAL_ADDPATH)
			       ? 4
			       : 2;
	uint32_t local_asn;
	uint16_t ifindex, afi;

	if (st == MRT_ENTRY || st == MRT_SNAPSHOT || st > MRT_MESSAGE_AS4_LOCAL_ADDPATH) {
		res->unsupported = true;
		return 0;
	}
	if (read_asn(&c, asz, &base.peer_asn) || read_asn(&c, asz, &local_asn))
		return fail(res, RW_ETRUNC, "record too short for the AS numbers", &c, body);

	if (st == MRT_STATE_CHANGE || st == MRT_STATE_CHANGE_AS4) {
		uint16_t os, ns;
		if (st == MRT_STATE_CHANGE && rec->len == 8) {
			/* Zebra wrote 8-byte state changes without ifindex,
			 * AFI or addresses (early RIS files). */
			memset(&d->peer_addr, 0, sizeof d->peer_addr);
			d->peer_addr.af = RW_AF_INET;
		} else {
			if (cur_u16(&c, &ifindex) || cur_u16(&c, &afi))
				return fail(res, RW_ETRUNC, "state change truncated", &c, body);
			uint8_t af = bgp_afi_af(afi);
			if (!af)
				return fail(res, RW_EMALFORMED, "state change with unknown address family", &c, body);
			struct rw_addr local;
			if (read_addr(&c, af, &d->peer_addr) || read_addr(&c, af, &local))
				return fail(res, RW_ETRUNC, "state change truncated", &c, body);
		}
		if (cur_u16(&c, &os) || cur_u16(&c, &ns))
			return fail(res, RW_ETRUNC, "state change truncated", &c, body);
		base.type = BGP_ELEM_STATE;
		base.old_state = os;
		base.new_state = ns;
		return emit(res, fn, arg, &base);
	}

	/* messages */
	if (cur_u16(&c, &ifindex) || cur_u16(&c, &afi))
		return fail(res, RW_ETRUNC, "message record truncated", &c, body);
	if (afi == 0xffff && ifindex == 0xffff) {
		/* Zebra dumped some OPENs without ifindex, AFI and addresses:
		 * the 16-byte marker starts right after the AS numbers. */
		memset(&d->peer_addr, 0, sizeof d->peer_addr);
		d->peer_addr.af = RW_AF_INET;
		c.p -= 4;
	} else {
		uint8_t af = bgp_afi_af(afi);
		if (!af)
			return fail(res, RW_EMALFORMED, "message with unknown address family (F05)", &c, body);
		struct rw_addr local;
		if (read_addr(&c, af, &d->peer_addr) || read_addr(&c, af, &local))
			return fail(res, RW_ETRUNC, "message record truncated in the addresses", &c, body);
	}
	struct bgp_ctx ctx = {
		.asn_size = (uint8_t)asz,
		.addpath = mrt_is_addpath(rec->h.type, st),
		.ibgp = base.peer_asn == local_asn,
		.guess_addpath = d->guess_addpath,
		.skip_path = d->skip_path,
	};
	return bgp_message_elems(d, c.p, cur_left(&c), &ctx, &base, fn, arg, res, body);
}

/* RFC 6396 §B.2.1: the legacy BGP type written by RIS in 1999-2000. */
static int dec_legacy(struct mrt_dec *d, const struct mrt_rec *rec, mrt_elem_fn fn, void *arg,
		      struct mrt_result *res)
{
	const uint8_t *body = rec->body;
	struct cur c;
	cur_init(&c, body, rec->len);
	struct bgp_elem base;
	memset(&base, 0, sizeof base);
	base.ts = rec->h.ts;
	base.peer = &d->peer_addr;
	uint16_t as16;
	switch (rec->h.subtype) {
	case MRT_BGP_STATE_CHANGE: {
		uint16_t os, ns;
		if (cur_u16(&c, &as16) || read_addr(&c, RW_AF_INET, &d->peer_addr) || cur_u16(&c, &os) ||
		    cur_u16(&c, &ns))
			return fail(res, RW_ETRUNC, "state change truncated", &c, body);
		base.type = BGP_ELEM_STATE;
		base.peer_asn = as16;
		base.old_state = os;
		base.new_state = ns;
		return emit(res, fn, arg, &base);
	}
	case MRT_BGP_UPDATE:
	case MRT_BGP_OPEN:
	case MRT_BGP_NOTIFY:
	case MRT_BGP_KEEPALIVE: {
		struct rw_addr local;
		uint16_t las;
		if (cur_u16(&c, &as16) || read_addr(&c, RW_AF_INET, &d->peer_addr) || cur_u16(&c, &las) ||
		    read_addr(&c, RW_AF_INET, &local))
			return fail(res, RW_ETRUNC, "record too short for its addresses", &c, body);
		base.peer_asn = as16;
		struct bgp_ctx ctx = {.asn_size = 2, .ibgp = as16 == las, .guess_addpath = d->guess_addpath,
				      .skip_path = d->skip_path};
		if (rec->h.subtype == MRT_BGP_UPDATE) {
			int rc = bgp_update_decode(c.p, cur_left(&c), &ctx, &d->scratch, &d->upd);
			if (rc)
				return fail(res, rc, "scratch memory cap reached", NULL, body);
			return update_elems(d, &d->upd, &base, fn, arg, res, (uint64_t)(c.p - body));
		}
		struct bgp_elem e = base;
		e.type = BGP_ELEM_MSG;
		if (rec->h.subtype == MRT_BGP_OPEN) {
			e.msg_type = BGP_MSG_OPEN;
			if (bgp_open_decode(c.p, cur_left(&c), &d->msg.open))
				return fail(res, RW_ETRUNC, "OPEN truncated", &c, body);
			e.msg = &d->msg.open;
		} else if (rec->h.subtype == MRT_BGP_NOTIFY) {
			e.msg_type = BGP_MSG_NOTIFICATION;
			if (bgp_notification_decode(c.p, cur_left(&c), &d->msg.notif))
				return fail(res, RW_ETRUNC, "NOTIFICATION truncated", &c, body);
			e.msg = &d->msg.notif;
		} else {
			e.msg_type = BGP_MSG_KEEPALIVE;
		}
		return d->want_msgs ? emit(res, fn, arg, &e) : 0;
	}
	default:
		res->unsupported = true;
		return 0;
	}
}

/* Next hop of a RIB entry: the MP_REACH next hop (abbreviated or full
 * form) when there is one, else NEXT_HOP. */
static void rib_nexthop(const struct bgp_attrs *a, struct bgp_elem *e)
{
	if (bgp_has(a, BGP_ATTR_MP_REACH) && (a->reach.abbreviated || bgp_afi_af(a->reach.afi))) {
		e->nh = a->reach.nh;
		e->nh_len = a->reach.nh_len;
		e->mp = true;
	} else if (bgp_has(a, BGP_ATTR_NEXT_HOP)) {
		e->nh = a->nexthop;
		e->nh_len = 4;
		e->mp = false;
	} else {
		e->nh = NULL;
		e->nh_len = 0;
		e->mp = false;
	}
}

/* RFC 6396 §4.2: TABLE_DUMP. Subtypes 3/4 (4-byte peer AS) are bgpdump's
 * extension. Early RIS dumps (2000) batch many entries in one record: the
 * first carries view and sequence, the following ones start directly with
 * the prefix. Every complete entry is decoded. */
static int dec_td1(struct mrt_dec *d, const struct mrt_rec *rec, mrt_elem_fn fn, void *arg,
		   struct mrt_result *res)
{
	const uint8_t *body = rec->body;
	uint16_t st = rec->h.subtype;
	uint8_t af = (st == 1 || st == 3) ? RW_AF_INET : RW_AF_INET6;
	unsigned asz = st >= 3 ? 4 : 2;
	struct cur c;
	cur_init(&c, body, rec->len);
	while (cur_left(&c)) {
		uint16_t view, seq, alen;
		uint8_t plen, status;
		uint32_t otime;
		struct bgp_elem e;
		memset(&e, 0, sizeof e);
		e.type = BGP_ELEM_RIB;
		e.ts = rec->h.ts;
		e.peer = &d->peer_addr;
		const uint8_t *entry = c.p;
		if (entry == body && (cur_u16(&c, &view) || cur_u16(&c, &seq)))
			return fail(res, RW_ETRUNC, "TABLE_DUMP entry truncated", &c, body);
		e.pfx.af = af;
		if (cur_copy(&c, e.pfx.b, af == RW_AF_INET ? 4 : 16) || cur_u8(&c, &plen) ||
		    cur_u8(&c, &status) || cur_u32(&c, &otime) || read_addr(&c, af, &d->peer_addr) ||
		    read_asn(&c, asz, &e.peer_asn) || cur_u16(&c, &alen))
			return fail(res, RW_ETRUNC, "TABLE_DUMP entry truncated", &c, body);
		if (plen > (af == RW_AF_INET ? 32 : 128))
			return fail(res, RW_EMALFORMED, "TABLE_DUMP prefix length too long", &c, body);
		e.pfx.len = plen;
		prefix_mask(&e.pfx);
		e.orig_time = otime;
		const uint8_t *attrs;
		if (cur_bytes(&c, alen, &attrs))
			return fail(res, RW_ETRUNC, "TABLE_DUMP attributes run past the record", &c, body);
		struct bgp_ctx ctx = {.asn_size = (uint8_t)asz, .rib = true, .skip_path = d->skip_path};
		if (bgp_attrs_decode(attrs, alen, &ctx, &d->scratch, &d->rib_attrs))
			return fail(res, RW_ELIMIT, "scratch memory cap reached", NULL, body);
		note_attrs(res, &d->rib_attrs, (uint64_t)(entry - body));
		if (d->rib_attrs.action >= BGP_ACT_WITHDRAW) {
			res->n_bad_entries++;
			continue;
		}
		e.attrs = &d->rib_attrs;
		e.attrs_gen = ++d->attrs_gen;
		rib_nexthop(&d->rib_attrs, &e);
		int s = emit(res, fn, arg, &e);
		if (s)
			return s;
	}
	return 0;
}

static int dec_peer_index(struct mrt_dec *d, const struct mrt_rec *rec, struct mrt_result *res)
{
	const uint8_t *body = rec->body;
	struct cur c;
	cur_init(&c, body, rec->len);
	arena_reset(&d->index_arena);
	d->pit = NULL;
	struct mrt_peer_index *t = arena_zalloc(&d->index_arena, sizeof *t);
	uint16_t vlen;
	const uint8_t *view;
	if (!t)
		return fail(res, RW_ELIMIT, "peer index memory cap reached", NULL, body);
	if (cur_u32(&c, &t->collector_id) || cur_u16(&c, &vlen) || cur_bytes(&c, vlen, &view) ||
	    cur_u16(&c, &t->npeers))
		return fail(res, RW_ETRUNC, "PEER_INDEX_TABLE header truncated", &c, body);
	t->view = arena_alloc(&d->index_arena, (size_t)vlen + 1);
	t->peers = arena_zalloc(&d->index_arena, (size_t)(t->npeers ? t->npeers : 1) * sizeof *t->peers);
	if (!t->view || !t->peers)
		return fail(res, RW_ELIMIT, "peer index memory cap reached", NULL, body);
	memcpy(t->view, view, vlen);
	t->view[vlen] = '\0';
	for (unsigned i = 0; i < t->npeers; i++) {
		struct mrt_peer *p = &t->peers[i];
		uint8_t type;
		if (cur_u8(&c, &type) || cur_u32(&c, &p->bgp_id) ||
		    read_addr(&c, (type & 1) ? RW_AF_INET6 : RW_AF_INET, &p->addr) ||
		    read_asn(&c, (type & 2) ? 4 : 2, &p->asn))
			return fail(res, RW_ETRUNC, "PEER_INDEX_TABLE peer entries run past the record", &c, body);
		p->as4 = type & 2;
	}
	d->pit = t;
	return 0;
}

static int dec_td2(struct mrt_dec *d, const struct mrt_rec *rec, mrt_elem_fn fn, void *arg,
		   struct mrt_result *res)
{
	const uint8_t *body = rec->body;
	uint16_t st = rec->h.subtype;
	if (st == MRT_PEER_INDEX_TABLE)
		return dec_peer_index(d, rec, res);
	uint8_t af;
	bool generic = st == MRT_RIB_GENERIC || st == MRT_RIB_GENERIC_ADDPATH;
	bool addpath = mrt_is_addpath(rec->h.type, st);
	switch (st) {
	case MRT_RIB_IPV4_UNICAST: case MRT_RIB_IPV4_MULTICAST:
	case MRT_RIB_IPV4_UNICAST_ADDPATH: case MRT_RIB_IPV4_MULTICAST_ADDPATH:
		af = RW_AF_INET;
		break;
	case MRT_RIB_IPV6_UNICAST: case MRT_RIB_IPV6_MULTICAST:
	case MRT_RIB_IPV6_UNICAST_ADDPATH: case MRT_RIB_IPV6_MULTICAST_ADDPATH:
		af = RW_AF_INET6;
		break;
	case MRT_RIB_GENERIC: case MRT_RIB_GENERIC_ADDPATH:
		af = RW_AF_NONE;
		break;
	default:
		res->unsupported = true;
		return 0;
	}
	struct cur c;
	cur_init(&c, body, rec->len);
	uint32_t seq;
	if (cur_u32(&c, &seq))
		return fail(res, RW_ETRUNC, "RIB record truncated", &c, body);
	struct bgp_elem e;
	memset(&e, 0, sizeof e);
	e.type = BGP_ELEM_RIB;
	e.ts = rec->h.ts;
	if (generic) {
		uint16_t afi;
		uint8_t safi;
		if (cur_u16(&c, &afi) || cur_u8(&c, &safi))
			return fail(res, RW_ETRUNC, "RIB_GENERIC record truncated", &c, body);
		af = bgp_afi_af(afi);
		if (!af || !bgp_safi_routes(safi)) {
			res->unsupported = true; /* VPN, flowspec...: not route elements */
			return 0;
		}
	}
	uint8_t plen;
	if (cur_u8(&c, &plen))
		return fail(res, RW_ETRUNC, "RIB record truncated", &c, body);
	if (plen > (af == RW_AF_INET ? 32 : 128))
		return fail(res, RW_EMALFORMED, "RIB prefix length too long for the family", &c, body);
	e.pfx.af = af;
	e.pfx.len = plen;
	if (cur_copy(&c, e.pfx.b, (plen + 7u) / 8u))
		return fail(res, RW_ETRUNC, "RIB prefix truncated", &c, body);
	prefix_mask(&e.pfx);
	uint16_t n;
	if (cur_u16(&c, &n))
		return fail(res, RW_ETRUNC, "RIB entry count missing", &c, body);
	if (n && !d->pit)
		return fail(res, RW_EMALFORMED, "RIB record before any PEER_INDEX_TABLE", &c, body);
	struct bgp_ctx ctx = {.asn_size = 4, .rib = true, .skip_path = d->skip_path};
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *entry = c.p;
		uint16_t pi, alen;
		uint32_t otime, pid = 0;
		const uint8_t *attrs;
		if (cur_u16(&c, &pi) || cur_u32(&c, &otime) || (addpath && cur_u32(&c, &pid)) ||
		    cur_u16(&c, &alen))
			return fail(res, RW_ETRUNC, "RIB entry count larger than the entries present", &c, body);
		if (cur_bytes(&c, alen, &attrs))
			return fail(res, RW_ETRUNC, "RIB entry attributes run past the record", &c, body);
		if (pi >= d->pit->npeers) {
			res->n_bad_entries++;
			if (!res->attr_msg) {
				res->attr_msg = "RIB entry peer index beyond the peer index table (entry skipped)";
				res->attr_at = (uint64_t)(entry - body);
			}
			continue;
		}
		if (bgp_attrs_decode(attrs, alen, &ctx, &d->scratch, &d->rib_attrs))
			return fail(res, RW_ELIMIT, "scratch memory cap reached", NULL, body);
		note_attrs(res, &d->rib_attrs, (uint64_t)(entry - body));
		if (d->rib_attrs.action >= BGP_ACT_WITHDRAW) {
			res->n_bad_entries++;
			continue;
		}
		const struct mrt_peer *p = &d->pit->peers[pi];
		e.peer = &p->addr;
		e.peer_asn = p->asn;
		e.pfx.path_id = pid;
		e.addpath = addpath;
		e.orig_time = otime;
		e.attrs = &d->rib_attrs;
		e.attrs_gen = ++d->attrs_gen;
		rib_nexthop(&d->rib_attrs, &e);
		int s = emit(res, fn, arg, &e);
		if (s)
			return s;
		arena_reset(&d->scratch);
	}
	return 0;
}

int mrt_decode(struct mrt_dec *d, const struct mrt_rec *rec, mrt_elem_fn fn, void *arg,
	       struct mrt_result *res)
{
	memset(res, 0, sizeof *res);
	arena_reset(&d->scratch);
	switch (rec->h.type) {
	case MRT_TABLE_DUMP_V2:
		return dec_td2(d, rec, fn, arg, res);
	case MRT_BGP4MP:
	case MRT_BGP4MP_ET:
		return dec_bgp4mp(d, rec, fn, arg, res);
	case MRT_TABLE_DUMP:
		if (rec->h.subtype < 1 || rec->h.subtype > 4) {
			res->unsupported = true;
			return 0;
		}
		return dec_td1(d, rec, fn, arg, res);
	case MRT_BGP:
		return dec_legacy(d, rec, fn, arg, res);
	default:
		res->unsupported = true;
		return 0;
	}
}
