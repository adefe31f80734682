/*
 * Route elements as JSON lines with named fields. One object per element:
 *
 *   {"type":"announce","time":"2015-10-23T02:01:18.509481Z","timestamp":1445565678,
 *    "usec":509481,"peer_ip":"206.220.231.55","peer_asn":3856,"prefix":"1.0.0.0/24",
 *    "path_id":7,"as_path":"3856 174 {1,2}","origin":"IGP","next_hop":"...",
 *    "local_pref":100,"med":0,"communities":["3856:100"],
 *    "large_communities":["3856:1:2"],"extended_communities":["0002fde800000064"],
 *    "atomic_aggregate":true,"aggregator":{"asn":1,"ip":"1.2.3.4"},
 *    "mrt":"BGP4MP_ET/MESSAGE_AS4","record":12,"offset":3456}
 *
 * Fields that the element does not carry are left out (no MED: no "med").
 * "usec" appears for _ET records; "path_id" for ADD-PATH records; "taw"
 * marks withdrawals that RFC 7606 treat-as-withdraw produced.
 *
 * Also events (docs/events.md §7's object, one per line), an origin's routes
 * (as --json), a prefix and its more-specifics (prefix --json) and an
 * origin's history (history --json).
 */
#include "out_int.h"
#include "../detect/det.h"

#include <stdio.h>
#include <stdlib.h>

static const char *type_name(const struct bgp_elem *e)
{
	switch (e->type) {
	case BGP_ELEM_ANNOUNCE: return "announce";
	case BGP_ELEM_WITHDRAW: return "withdraw";
	case BGP_ELEM_RIB: return "rib";
	case BGP_ELEM_STATE: return "state";
	default: break;
	}
	switch (e->msg_type) {
	case BGP_MSG_OPEN: return "open";
	case BGP_MSG_NOTIFICATION: return "notification";
	case BGP_MSG_KEEPALIVE: return "keepalive";
	case BGP_MSG_ROUTE_REFRESH: return "route_refresh";
	}
	return "message";
}

static void attrs_json(struct out *out, const struct bgp_elem *e)
{
	struct obuf *o = out->ob;
	struct out_elem_state *f = out->es;
	const struct bgp_attrs *a = e->attrs;
	if (a->path_ok) {
		if (f->path_gen != e->attrs_gen || !f->path) {
			const struct bgp_attr_def *d = bgp_attr_def(BGP_ATTR_AS_PATH);
			rw_vec_grow(&f->path, &f->path_cap, d->print_size(a), 1, UINT32_MAX, RW_MEM_OUT);
			f->path_len = (uint32_t)d->print(f->path, a, NULL);
			f->path_gen = e->attrs_gen;
		}
		out__kstr(o, "as_path", f->path, f->path_len);
		/* origin AS: last ASN when the path ends in a sequence */
		const struct bgp_path *p = &a->path;
		if (p->nseg && p->seg_type[p->nseg - 1] == BGP_SEG_SEQUENCE)
			out__knum(o, "origin_asn", p->asn[p->nasn - 1]);
	}
	if (a->origin <= BGP_ORIGIN_INCOMPLETE) {
		char ob[16];
		out__kstr(o, "origin", ob, bgp_attr_def(BGP_ATTR_ORIGIN)->print(ob, a, NULL));
	}
	if (e->nh && e->nh_len) {
		struct rw_addr nh = {.af = e->nh_len == 4 ? RW_AF_INET : RW_AF_INET6};
		memcpy(nh.b, e->nh, e->nh_len == 4 ? 4 : 16);
		out__kaddr(o, "next_hop", &nh);
		if (e->nh_len == 32) {
			memcpy(nh.b, e->nh + 16, 16);
			out__kaddr(o, "next_hop_link_local", &nh);
		}
	}
	if (bgp_has(a, BGP_ATTR_LOCAL_PREF))
		out__knum(o, "local_pref", a->local_pref);
	if (bgp_has(a, BGP_ATTR_MED))
		out__knum(o, "med", a->med);
	if (bgp_has(a, BGP_ATTR_COMMUNITIES)) {
		out__key(o, "communities");
		obuf_putc(o, '[');
		for (size_t i = 0; i + 4 <= a->comm_len; i += 4) {
			uint32_t v = rd32(a->comm + i);
			if (i)
				obuf_putc(o, ',');
			obuf_putc(o, '"');
			obuf_putu32(o, v >> 16);
			obuf_putc(o, ':');
			obuf_putu32(o, v & 0xffff);
			obuf_putc(o, '"');
		}
		obuf_putc(o, ']');
	}
	if (bgp_has(a, BGP_ATTR_LARGE_COMMUNITIES)) {
		out__key(o, "large_communities");
		obuf_putc(o, '[');
		for (size_t i = 0; i + 12 <= a->lcomm_len; i += 12) {
			if (i)
				obuf_putc(o, ',');
			obuf_putc(o, '"');
			obuf_putu32(o, rd32(a->lcomm + i));
			obuf_putc(o, ':');
			obuf_putu32(o, rd32(a->lcomm + i + 4));
			obuf_putc(o, ':');
			obuf_putu32(o, rd32(a->lcomm + i + 8));
			obuf_putc(o, '"');
		}
		obuf_putc(o, ']');
	}
	if (bgp_has(a, BGP_ATTR_EXT_COMMUNITIES)) {
		static const char hx[] = "0123456789abcdef";
		out__key(o, "extended_communities");
		obuf_putc(o, '[');
		for (size_t i = 0; i + 8 <= a->ecomm_len; i += 8) {
			if (i)
				obuf_putc(o, ',');
			char b[18];
			b[0] = '"';
			for (int j = 0; j < 8; j++) {
				b[1 + 2 * j] = hx[a->ecomm[i + j] >> 4];
				b[2 + 2 * j] = hx[a->ecomm[i + j] & 15];
			}
			b[17] = '"';
			obuf_putsn(o, b, 18);
		}
		obuf_putc(o, ']');
	}
	if (bgp_has(a, BGP_ATTR_ATOMIC_AGGREGATE))
		obuf_puts(o, ",\"atomic_aggregate\":true");
	if (bgp_has(a, BGP_ATTR_AGGREGATOR)) {
		char ip[RW_ADDR_STRLEN];
		size_t n = fmt_ipv4(ip, a->agg_addr);
		obuf_puts(o, ",\"aggregator\":{\"asn\":");
		obuf_putu32(o, a->agg_asn);
		obuf_puts(o, ",\"ip\":\"");
		obuf_putsn(o, ip, n);
		obuf_puts(o, "\"}");
	}
	if (bgp_has(a, BGP_ATTR_ORIGINATOR_ID)) {
		char ip[RW_ADDR_STRLEN];
		size_t n = fmt_ipv4(ip, a->originator_id);
		out__kstr(o, "originator_id", ip, n);
	}
	if (a->action)
		out__kstr(o, "rfc7606", bgp_action_name((enum bgp_action)a->action),
		     strlen(bgp_action_name((enum bgp_action)a->action)));
}

static void msg_json(struct obuf *o, const struct bgp_elem *e)
{
	if (!e->msg)
		return;
	if (e->msg_type == BGP_MSG_OPEN) {
		const struct bgp_open *op = e->msg;
		uint8_t id[4];
		wr32(id, op->bgp_id);
		char ip[RW_ADDR_STRLEN];
		size_t n = fmt_ipv4(ip, id);
		out__knum(o, "version", op->version);
		out__knum(o, "asn", op->asn);
		out__knum(o, "hold_time", op->hold_time);
		out__kstr(o, "bgp_id", ip, n);
		out__key(o, "capabilities");
		obuf_printf(o, "{\"as4\":%s,\"route_refresh\":%s,\"extended_message\":%s,\"graceful_restart\":%s,\"multiprotocol\":[",
			    op->as4 ? "true" : "false", op->route_refresh ? "true" : "false",
			    op->ext_msg ? "true" : "false", op->graceful_restart ? "true" : "false");
		for (unsigned i = 0; i < op->n_mp; i++)
			obuf_printf(o, "%s[%u,%u]", i ? "," : "", op->mp[i].afi, op->mp[i].safi);
		obuf_puts(o, "],\"add_path\":[");
		for (unsigned i = 0; i < op->n_addpath; i++)
			obuf_printf(o, "%s[%u,%u,%u]", i ? "," : "", op->addpath[i].afi, op->addpath[i].safi,
				    op->addpath[i].mode);
		obuf_puts(o, "]}");
	} else if (e->msg_type == BGP_MSG_NOTIFICATION) {
		const struct bgp_notification *nt = e->msg;
		out__knum(o, "code", nt->code);
		out__knum(o, "subcode", nt->subcode);
		const char *nm = bgp_notification_name(nt->code);
		out__kstr(o, "name", nm, strlen(nm));
		out__knum(o, "data_len", nt->data_len);
	} else if (e->msg_type == BGP_MSG_ROUTE_REFRESH) {
		const struct bgp_route_refresh *rr = e->msg;
		out__knum(o, "afi", rr->afi);
		out__knum(o, "safi", rr->safi);
		out__knum(o, "subtype", rr->subtype);
	}
}

static void json_elem(struct out *out, const struct bgp_elem *e)
{
	struct obuf *o = out->ob;
	const struct mrt_rec *rec = out->rec;
	const char *tn = type_name(e);
	obuf_puts(o, "{\"type\":\"");
	obuf_puts(o, tn);
	obuf_putc(o, '"');
	char tb[40];
	size_t tl = fmt_time_rfc3339(tb, e->ts);
	bool et = rec && rec->h.type == MRT_BGP4MP_ET;
	if (et) { /* insert .usec before the Z */
		char us[8];
		size_t k = fmt_u32(us, e->usec % 1000000u);
		tl--;
		tb[tl++] = '.';
		for (size_t i = k; i < 6; i++)
			tb[tl++] = '0';
		memcpy(tb + tl, us, k);
		tl += k;
		tb[tl++] = 'Z';
	}
	out__kstr(o, "time", tb, tl);
	out__knum(o, "timestamp", e->ts);
	if (et)
		out__knum(o, "usec", e->usec);
	if (e->peer)
		out__kaddr(o, "peer_ip", e->peer);
	out__knum(o, "peer_asn", e->peer_asn);
	if (out->collector) {
		out__key(o, "collector");
		obuf_json_str(o, out->collector, strlen(out->collector));
	}
	switch (e->type) {
	case BGP_ELEM_ANNOUNCE:
	case BGP_ELEM_WITHDRAW:
	case BGP_ELEM_RIB: {
		char pb[RW_PREFIX_STRLEN];
		size_t pl = fmt_prefix(pb, &e->pfx);
		out__kstr(o, "prefix", pb, pl);
		if (e->addpath)
			out__knum(o, "path_id", e->pfx.path_id);
		if (e->type == BGP_ELEM_RIB)
			out__knum(o, "originated", e->orig_time);
		if (e->attrs)
			attrs_json(out, e);
		if (e->taw)
			obuf_puts(o, ",\"taw\":true");
		break;
	}
	case BGP_ELEM_STATE: {
		out__knum(o, "old_state", e->old_state);
		out__knum(o, "new_state", e->new_state);
		const char *a = bgp_state_name(e->old_state), *b = bgp_state_name(e->new_state);
		out__kstr(o, "old_state_name", a, strlen(a));
		out__kstr(o, "new_state_name", b, strlen(b));
		break;
	}
	default:
		msg_json(o, e);
		break;
	}
	if (rec) {
		char mt[64];
		mrt_type_name(rec->h.type, rec->h.subtype, mt, sizeof mt);
		out__kstr(o, "mrt", mt, strlen(mt));
		out__knum(o, "record", rec->idx);
		out__knum(o, "offset", rec->off);
	}
	obuf_putsn(o, "}\n", 2);
}

/* ---------------------------------------------------------------- events */



/* "key":[64500,64501] from the store's space-separated ASNs. */
static void kasns(struct obuf *o, const char *k, const char *list)
{
	out__key(o, k);
	obuf_putc(o, '[');
	const char *s0 = list ? list : "";
	for (const char *p = s0; *p;) {
		size_t n = strcspn(p, " ");
		if (p != s0)
			obuf_putc(o, ',');
		obuf_putsn(o, p, n);
		p += n;
		p += strspn(p, " ");
	}
	obuf_putc(o, ']');
}

/* "vrps":[{"prefix":"192.0.2.0/24","max_length":24,"asn":64500},...]
 * from the store's text (rpki_vrp_fmt's, comma-separated). */
static void kvrps(struct obuf *o, const char *list)
{
	out__key(o, "vrps");
	obuf_putc(o, '[');
	bool first = true;
	for (const char *p = list ? list : ""; *p;) {
		size_t n = strcspn(p, ",");
		struct rpki_vrp x;
		if (!rpki_vrp_parse(p, n, &x)) {
			char b[RW_PREFIX_STRLEN];
			struct rw_prefix q = {.af = x.af, .len = x.len};
			memcpy(q.b, x.b, sizeof q.b);
			obuf_puts(o, first ? "{\"prefix\":\"" : ",{\"prefix\":\"");
			obuf_putsn(o, b, fmt_prefix(b, &q));
			obuf_puts(o, "\",\"max_length\":");
			obuf_putu32(o, x.maxlen);
			obuf_puts(o, ",\"asn\":");
			obuf_putu32(o, x.asn);
			obuf_putc(o, '}');
			first = false;
		}
		p += n;
		p += *p == ',';
	}
	obuf_putc(o, ']');
}

/* "prefixes":[...] from the store's space-separated text. */
static void kprefixes(struct obuf *o, const char *list)
{
	obuf_puts(o, ",\"prefixes\":[");
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, " ");
		if (p != list)
			obuf_putc(o, ',');
		obuf_putc(o, '"');
		obuf_putsn(o, p, n);
		obuf_putc(o, '"');
		p += n;
		p += strspn(p, " ");
	}
	obuf_putc(o, ']');
}

/* docs/events.md §11: origin is the first of the leaked routes' origins
 * (all in origins); the stored origin is the leaker, covering "FROM TO". */
static void json_leak(struct out *out, const struct store_event *g)
{
	struct obuf *o = out->ob;
	uint32_t from, to;
	store_leak_pair(g->covering, &from, &to);
	const char *ol = g->origins ? g->origins : "";
	out__key(o, "origin");
	if (*ol)
		obuf_putsn(o, ol, strcspn(ol, " "));
	else
		obuf_puts(o, "null");
	kprefixes(o, g->prefixes);
	kasns(o, "origins", ol);
	out__knum(o, "leaker", g->origin);
	out__knum(o, "from", from);
	out__knum(o, "to", to);
	if (g->type == DET_ROUTE_LEAK) {
		out__ktime(o, "confirmed_at", g->determined);
		out__knum(o, "peers", g->peers);
	}
	if (g->since)
		out__ktime(o, "since", g->since);
	out__kname(o, out->nm, g->origin, "leaker_name");
	out__kname(o, out->nm, from, "from_name");
	out__kname(o, out->nm, to, "to_name");
	obuf_puts(o, "}\n");
}

/* docs/events.md §14: origin holds the country's code, origins its
 * networks. */
static void json_country(struct out *out, const struct store_event *g)
{
	struct obuf *o = out->ob;
	char cc[3];
	geo_cc_str((uint16_t)g->origin, cc);
	obuf_puts(o, ",\"origin\":null");
	kprefixes(o, g->prefixes);
	out__kstr(o, "country", cc, 2);
	out__knum(o, "provider", g->upstream);
	kasns(o, "networks", g->origins ? g->origins : "");
	if (g->type == DET_COUNTRY_GAINED) {
		obuf_puts(o, g->flag ? ",\"new_for_country\":true" : ",\"new_for_country\":false");
		out__ktime(o, "confirmed_at", g->determined);
		out__knum(o, "peers", g->peers);
	} else {
		obuf_puts(o, g->flag ? ",\"last_for_country\":true" : ",\"last_for_country\":false");
	}
	if (g->since)
		out__ktime(o, "since", g->since);
	out__kname(o, out->nm, g->upstream, "provider_name");
	obuf_puts(o, "}\n");
}

/* docs/events.md §7; the prefixes come as the store keeps them (space-separated,
 * sorted). */
static void json_event(struct out *out, const struct store_event *g)
{
	struct obuf *o = out->ob;
	obuf_puts(o, "{\"type\":\"");
	obuf_puts(o, det_type_name((enum det_type)g->type));
	obuf_putc(o, '"');
	out__ktime(o, "time", g->time);
	if (g->type == DET_COLLECTOR_GAP) {
		/* docs/events.md §9: no origin, no prefix: a collector's silence */
		const char *c = g->collector ? g->collector : "";
		obuf_puts(o, ",\"origin\":null,\"prefixes\":[]");
		out__key(o, "collector");
		obuf_json_str(o, c, strlen(c)); /* a directory name: escaped */
		out__ktime(o, "from", g->time);
		out__ktime(o, "to", g->determined);
		out__knum(o, "seconds", g->determined - g->time);
		obuf_puts(o, "}\n");
		return;
	}
	if (g->type == DET_ROUTE_LEAK || g->type == DET_ROUTE_LEAK_END) {
		json_leak(out, g);
		return;
	}
	if (g->type == DET_COUNTRY_GAINED || g->type == DET_COUNTRY_LOST) {
		json_country(out, g);
		return;
	}
	out__key(o, "origin");
	if (g->has_origin)
		obuf_putu32(o, g->origin);
	else
		obuf_puts(o, "null");
	bool up = g->type == DET_UPSTREAM_GAINED || g->type == DET_UPSTREAM_LOST;
	if (up)
		out__knum(o, "upstream", g->upstream);
	kprefixes(o, g->prefixes);
	if (g->type == DET_UPSTREAM_GAINED)
		obuf_puts(o, g->flag ? ",\"new_for_origin\":true" : ",\"new_for_origin\":false");
	if (g->type == DET_UPSTREAM_LOST)
		obuf_puts(o, g->flag ? ",\"last_for_origin\":true" : ",\"last_for_origin\":false");
	/* docs/events.md §10 */
	if (g->type == DET_ORIGIN_GAINED) {
		kasns(o, "other_origins", g->origins);
		obuf_puts(o, g->flag ? ",\"new_for_prefix\":true" : ",\"new_for_prefix\":false");
	}
	if (g->type == DET_ORIGIN_LOST)
		kasns(o, "remaining_origins", g->origins);
	if (g->type == DET_MORE_SPECIFIC) {
		const char *c = g->covering ? g->covering : "";
		out__kstr(o, "covering", c, strlen(c));
		kasns(o, "covering_origins", g->origins);
	}
	/* docs/events.md §12 (and §13's rpki, a watched prefix's) */
	if (g->type == DET_RPKI_INVALID || g->type == DET_WATCH_RPKI) {
		const char *why = rpki_reason_name((enum rpki_reason)g->upstream);
		out__kstr(o, "reason", why, strlen(why));
		kvrps(o, g->covering);
		if (g->flag)
			out__kstr(o, "cause", "vrp_change", 10);
	}
	/* docs/events.md §13: the watch list's words, stored as JSON members */
	if (g->detail && *g->detail) {
		obuf_putc(o, ',');
		obuf_puts(o, g->detail);
	}
	bool start = g->type == DET_UPSTREAM_GAINED || g->type == DET_RPKI_INVALID ||
		     (g->type >= DET_WATCH_HIJACK && !((g->type - DET_WATCH_HIJACK) & 1));
	if (start) {
		out__ktime(o, "confirmed_at", g->determined);
		out__knum(o, "peers", g->peers);
	}
	if (g->since)
		out__ktime(o, "since", g->since);
	if (g->has_origin && g->origin_prefixes)
		out__knum(o, "origin_prefixes", g->origin_prefixes);
	if (g->has_origin)
		out__kname(o, out->nm, g->origin, "origin_name");
	if (up)
		out__kname(o, out->nm, g->upstream, "upstream_name");
	obuf_puts(o, "}\n");
}

/* ---------------------------------------------------------------- as */


/* {"asn":4837,"peers":8,"collectors":2,"name":"..."}; asn null: no
 * upstream (the origin is the peer). */
static void json_up(struct out *out, const struct rib_up_view *u, bool first)
{
	struct obuf *o = out->ob;
	obuf_puts(o, first ? "{\"asn\":" : ",{\"asn\":");
	if (u->asn)
		obuf_putu32(o, u->asn);
	else
		obuf_puts(o, "null");
	out__knum(o, "peers", u->peers);
	out__knum(o, "collectors", u->colls);
	if (u->asn)
		out__kname(o, out->nm, u->asn, "name");
	obuf_putc(o, '}');
}

/* {"origin":131279,"time":...,"peers_total":14,"collectors_total":2,
 *  "name":...,"routes":56,"upstreams":[{"asn":4837,"name":...,"prefixes":4,
 *  "peers":14,"collectors":2,"routes":38,"share":0.6786},...],
 *  "prefixes":[{"prefix":...,"peers":14,"collectors":2,"upstreams":[...]}],
 *  "prefix_count":4} */
static void json_origin(struct out *out, const struct rib *r, const struct rib_origin_view *v, uint32_t when)
{
	struct obuf *o = out->ob;
	obuf_puts(o, "{\"origin\":");
	obuf_putu32(o, v->origin);
	out__ktime(o, "time", when);
	out__knum(o, "peers_total", v->peers_total);
	out__knum(o, "collectors_total", v->colls_total);
	out__kname(o, out->nm, v->origin, "name");
	out__knum(o, "routes", v->routes);
	if (out->cones) /* docs/events.md §14: networks in its customer cone */
		out__knum(o, "customer_cone", asrel_cone_size(out->cones, v->origin));
	obuf_puts(o, ",\"upstreams\":[");
	for (uint32_t i = 0; i < v->nsum; i++) {
		const struct rib_up_sum *u = &v->sum[i];
		obuf_puts(o, i ? ",{\"asn\":" : "{\"asn\":");
		if (u->asn)
			obuf_putu32(o, u->asn);
		else
			obuf_puts(o, "null");
		if (u->asn)
			out__kname(o, out->nm, u->asn, "name");
		out__krel(out, v->origin, u->asn);
		if (out->cones && u->asn)
			out__knum(o, "customer_cone", asrel_cone_size(out->cones, u->asn));
		out__knum(o, "prefixes", u->prefixes);
		out__knum(o, "peers", u->peers);
		out__knum(o, "collectors", u->colls);
		out__knum(o, "routes", u->routes);
		out__key(o, "share");
		out__share(o, u->share);
		obuf_putc(o, '}');
	}
	obuf_puts(o, "],\"prefixes\":[");
	for (uint32_t i = 0; i < v->npfx; i++) {
		const struct rib_pfx_view *p = &v->pfx[i];
		char pb[RW_PREFIX_STRLEN];
		obuf_puts(o, i ? ",{\"prefix\":" : "{\"prefix\":");
		obuf_json_str(o, pb, fmt_prefix(pb, &r->pfx[p->pfx].p));
		out__knum(o, "peers", p->peers);
		out__knum(o, "collectors", p->colls);
		obuf_puts(o, ",\"upstreams\":[");
		for (uint32_t k = 0; k < p->nup; k++)
			json_up(out, &v->up[p->up_off + k], k == 0);
		obuf_puts(o, "]}");
	}
	obuf_puts(o, "]");
	out__knum(o, "prefix_count", v->npfx);
	obuf_puts(o, "}\n");
}

/* ---------------------------------------------------------------- prefix */

/* {"prefix":"175.45.176.0/22","time":...,"peers_total":14,"collectors_total":2,
 *  "present":false,"more_specifics":4,
 *  "prefixes":[{"prefix":"175.45.176.0/24","peers":14,"collectors":2,
 *    "origins":[{"asn":131279,"name":...,"peers":14,"collectors":2,
 *      "upstreams":[{"asn":4837,"peers":8,"collectors":2,"name":...},...]}],
 *    "per_collector":[{"collector":"route-views2","peers":8,"peers_total":8},...]}]}
 * An origin's asn is null for routes without an origin (docs/events.md §3). */
static void json_prefix(struct out *out, const struct rib *r, const struct rib_prefix_view *v, uint32_t when)
{
	struct obuf *o = out->ob;
	char pb[RW_PREFIX_STRLEN];
	obuf_puts(o, "{\"prefix\":");
	obuf_json_str(o, pb, fmt_prefix(pb, &v->query));
	out__ktime(o, "time", when);
	out__knum(o, "peers_total", v->peers_total);
	out__knum(o, "collectors_total", v->colls_total);
	obuf_puts(o, v->present ? ",\"present\":true" : ",\"present\":false");
	out__knum(o, "more_specifics", v->npfx - v->present);
	obuf_puts(o, ",\"prefixes\":[");
	for (uint32_t i = 0; i < v->npfx; i++) {
		const struct rib_pv_prefix *p = &v->pfx[i];
		obuf_puts(o, i ? ",{\"prefix\":" : "{\"prefix\":");
		obuf_json_str(o, pb, fmt_prefix(pb, &r->pfx[p->pfx].p));
		out__knum(o, "peers", p->peers);
		out__knum(o, "collectors", p->colls);
		obuf_puts(o, ",\"origins\":[");
		for (uint32_t k = 0; k < p->norg; k++) {
			const struct rib_pv_origin *g = &v->org[p->org_off + k];
			obuf_puts(o, k ? ",{\"asn\":" : "{\"asn\":");
			if (g->asn)
				obuf_putu32(o, g->asn);
			else
				obuf_puts(o, "null");
			if (g->asn)
				out__kname(o, out->nm, g->asn, "name");
			out__knum(o, "peers", g->peers);
			out__knum(o, "collectors", g->colls);
			obuf_puts(o, ",\"upstreams\":[");
			for (uint32_t j = 0; j < g->nup; j++)
				json_up(out, &v->up[g->up_off + j], j == 0);
			obuf_puts(o, "]}");
		}
		obuf_puts(o, "],\"per_collector\":[");
		for (uint32_t k = 0; k < p->ncoll; k++) {
			const struct rib_pv_coll *c = &v->coll[p->coll_off + k];
			const char *name = r->coll[c->coll].name;
			obuf_puts(o, k ? ",{\"collector\":" : "{\"collector\":");
			obuf_json_str(o, name, strlen(name)); /* a directory name: escaped */
			out__knum(o, "peers", c->peers);
			out__knum(o, "peers_total", c->peers_total);
			obuf_putc(o, '}');
		}
		obuf_puts(o, "]}");
	}
	obuf_puts(o, "]}\n");
}

/* ---------------------------------------------------------------- history */

static void put_time(struct obuf *o, uint32_t t)
{
	char b[40];
	if (!t) {
		obuf_puts(o, "null");
		return;
	}
	obuf_putc(o, '"');
	obuf_putsn(o, b, out__when(b, t, false));
	obuf_putc(o, '"');
}

static void json_history(struct out *out, const struct store_history *h, const struct store_upstream *u, size_t nu)
{
	struct obuf *o = out->ob;
	bool country = h->tab == STORE_COUNTRIES; /* docs/events.md §14 */
	if (country) {
		char cc[3];
		geo_cc_str((uint16_t)h->origin, cc);
		obuf_puts(o, "{\"country\":");
		obuf_json_str(o, cc, 2);
	} else {
		obuf_puts(o, "{\"origin\":");
		obuf_putu32(o, h->origin);
		out__kname(o, out->nm, h->origin, "name");
	}
	obuf_puts(o, ",\"first_seen\":");
	put_time(o, h->first_seen);
	if (!country)
		out__knum(o, "prefixes", h->prefixes);
	out__knum(o, "routes", h->routes);
	obuf_puts(o, ",\"clock\":");
	put_time(o, h->clock);
	obuf_puts(o, country ? ",\"providers\":[" : ",\"upstreams\":[");
	for (size_t i = 0; i < nu; i++) {
		obuf_puts(o, i ? ",{\"asn\":" : "{\"asn\":");
		obuf_putu32(o, u[i].asn);
		out__kname(o, out->nm, u[i].asn, "name");
		out__krel(out, h->origin, u[i].asn);
		obuf_puts(o, ",\"first_seen\":");
		put_time(o, u[i].first);
		obuf_puts(o, ",\"last_seen\":");
		put_time(o, u[i].last);
		obuf_puts(o, ",\"intervals\":[");
		for (size_t k = 0; k < u[i].n; k++) {
			const struct store_interval *iv = &h->iv[u[i].i0 + k];
			obuf_puts(o, k ? ",[" : "[");
			put_time(o, iv->start);
			obuf_putc(o, ',');
			put_time(o, iv->end);
			obuf_putc(o, ']');
		}
		obuf_puts(o, "],\"share_mean\":");
		out__share(o, u[i].mean);
		obuf_puts(o, ",\"share_max\":");
		out__share(o, u[i].max);
		obuf_putc(o, '}');
	}
	obuf_puts(o, "]}\n");
}

const struct out_ops out__json_ops = {
	.elem = json_elem,
	.event = json_event,
	.origin = json_origin,
	.prefix = json_prefix,
	.history = json_history,
	.country = out__country_json,
};

/* bgpkit-parser's elements (out_bgpkit.c); everything else as JSON */
const struct out_ops out__bgpkit_ops = {
	.elem = out__bgpkit_elem,
	.event = json_event,
	.origin = json_origin,
	.prefix = json_prefix,
	.history = json_history,
	.country = out__country_json,
};
