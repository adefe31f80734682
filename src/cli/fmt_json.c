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
 */
#include "cli.h"

#include <stdlib.h>

void fmt_json_init(struct fmt_json *f, struct obuf *o)
{
	memset(f, 0, sizeof *f);
	f->o = o;
}

void fmt_json_release(struct fmt_json *f)
{
	free(f->path);
	f->path = NULL;
}

static void key(struct obuf *o, const char *k)
{
	obuf_putc(o, ',');
	obuf_putc(o, '"');
	obuf_puts(o, k);
	obuf_putsn(o, "\":", 2);
}

static void kstr(struct obuf *o, const char *k, const char *v, size_t n)
{
	key(o, k);
	obuf_putc(o, '"');
	obuf_putsn(o, v, n);
	obuf_putc(o, '"');
}

static void kaddr(struct obuf *o, const char *k, const struct rw_addr *a)
{
	char b[RW_ADDR_STRLEN];
	size_t n = fmt_addr(b, a);
	kstr(o, k, b, n);
}

static void knum(struct obuf *o, const char *k, uint64_t v)
{
	key(o, k);
	obuf_putu64(o, v);
}

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

static void attrs_json(struct fmt_json *f, const struct bgp_elem *e)
{
	struct obuf *o = f->o;
	const struct bgp_attrs *a = e->attrs;
	if (a->path_ok) {
		if (f->path_gen != e->attrs_gen || !f->path) {
			size_t need = bgp_path_fmt_size(&a->path);
			if (need > f->path_cap) {
				free(f->path);
				f->path = malloc(need);
				f->path_cap = f->path ? need : 0;
			}
			f->path_len = f->path ? bgp_path_fmt(f->path, &a->path, NULL) : 0;
			f->path_gen = e->attrs_gen;
		}
		kstr(o, "as_path", f->path, f->path_len);
		/* origin AS: last ASN when the path ends in a sequence */
		const struct bgp_path *p = &a->path;
		if (p->nseg && p->seg_type[p->nseg - 1] == BGP_SEG_SEQUENCE)
			knum(o, "origin_asn", p->asn[p->nasn - 1]);
	}
	if (a->origin <= 2) {
		static const char *const on[] = {"IGP", "EGP", "INCOMPLETE"};
		kstr(o, "origin", on[a->origin], strlen(on[a->origin]));
	}
	if (e->nh && e->nh_len) {
		struct rw_addr nh = {.af = e->nh_len == 4 ? RW_AF_INET : RW_AF_INET6};
		memcpy(nh.b, e->nh, e->nh_len == 4 ? 4 : 16);
		kaddr(o, "next_hop", &nh);
		if (e->nh_len == 32) {
			memcpy(nh.b, e->nh + 16, 16);
			kaddr(o, "next_hop_link_local", &nh);
		}
	}
	if (bgp_has(a, BGP_ATTR_LOCAL_PREF))
		knum(o, "local_pref", a->local_pref);
	if (bgp_has(a, BGP_ATTR_MED))
		knum(o, "med", a->med);
	if (bgp_has(a, BGP_ATTR_COMMUNITIES)) {
		key(o, "communities");
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
		key(o, "large_communities");
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
		key(o, "extended_communities");
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
		kstr(o, "originator_id", ip, n);
	}
	if (a->action)
		kstr(o, "rfc7606", bgp_action_name((enum bgp_action)a->action),
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
		knum(o, "version", op->version);
		knum(o, "asn", op->asn);
		knum(o, "hold_time", op->hold_time);
		kstr(o, "bgp_id", ip, n);
		key(o, "capabilities");
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
		knum(o, "code", nt->code);
		knum(o, "subcode", nt->subcode);
		const char *nm = bgp_notification_name(nt->code);
		kstr(o, "name", nm, strlen(nm));
		knum(o, "data_len", nt->data_len);
	} else if (e->msg_type == BGP_MSG_ROUTE_REFRESH) {
		const struct bgp_route_refresh *rr = e->msg;
		knum(o, "afi", rr->afi);
		knum(o, "safi", rr->safi);
		knum(o, "subtype", rr->subtype);
	}
}

void fmt_json_elem(struct fmt_json *f, const struct bgp_elem *e)
{
	struct obuf *o = f->o;
	const char *tn = type_name(e);
	obuf_puts(o, "{\"type\":\"");
	obuf_puts(o, tn);
	obuf_putc(o, '"');
	char tb[40];
	size_t tl = fmt_time_rfc3339(tb, e->ts);
	bool et = f->rec && f->rec->h.type == MRT_BGP4MP_ET;
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
	kstr(o, "time", tb, tl);
	knum(o, "timestamp", e->ts);
	if (et)
		knum(o, "usec", e->usec);
	if (e->peer)
		kaddr(o, "peer_ip", e->peer);
	knum(o, "peer_asn", e->peer_asn);
	switch (e->type) {
	case BGP_ELEM_ANNOUNCE:
	case BGP_ELEM_WITHDRAW:
	case BGP_ELEM_RIB: {
		char pb[RW_PREFIX_STRLEN];
		size_t pl = fmt_prefix(pb, &e->pfx);
		kstr(o, "prefix", pb, pl);
		if (e->addpath)
			knum(o, "path_id", e->pfx.path_id);
		if (e->type == BGP_ELEM_RIB)
			knum(o, "originated", e->orig_time);
		if (e->attrs)
			attrs_json(f, e);
		if (e->taw)
			obuf_puts(o, ",\"taw\":true");
		break;
	}
	case BGP_ELEM_STATE: {
		knum(o, "old_state", e->old_state);
		knum(o, "new_state", e->new_state);
		const char *a = bgp_state_name(e->old_state), *b = bgp_state_name(e->new_state);
		kstr(o, "old_state_name", a, strlen(a));
		kstr(o, "new_state_name", b, strlen(b));
		break;
	}
	default:
		msg_json(o, e);
		break;
	}
	if (f->rec) {
		char mt[64];
		mrt_type_name(f->rec->h.type, f->rec->h.subtype, mt, sizeof mt);
		kstr(o, "mrt", mt, strlen(mt));
		knum(o, "record", f->rec->idx);
		knum(o, "offset", f->rec->off);
	}
	obuf_putsn(o, "}\n", 2);
}
