/*
 * Route elements as bgpkit-parser's BgpElem objects (dump --format bgpkit),
 * one JSON object per line, so that code written for bgpkit-parser's JSON
 * reads routewatch's. docs/dump.md lists the fields; in short:
 *
 *   {"timestamp":1445565678.509481,"elem_type":"ANNOUNCE","type":"ANNOUNCE",
 *    "peer_ip":"206.220.231.55","peer_asn":3856,"prefix":"1.0.0.0/24",
 *    "next_hop":"206.220.231.55","as_path":[3856,174,[1,2]],
 *    "origin_asns":[1,2],"origin":"IGP","local_pref":null,"med":0,
 *    "communities":[{"Custom":[3856,100]},"NoExport",
 *                   {"global_admin":3856,"local_data":[1,2]}],
 *    "atomic":false,"aggr_asn":null,"aggr_ip":null,"only_to_customer":null,
 *    "unknown":null,"deprecated":null}
 *
 * As bgpkit does: RIB entries are ANNOUNCE elements; state changes and
 * messages are no elements (nothing printed); fields the element lacks
 * are null, never left out. "type" repeats "elem_type" (bgpkit's serde
 * names the field "type"; its Rust field is elem_type).
 */
#include "out_int.h"

#include <stdio.h>

static void knull(struct obuf *o, const char *k)
{
	out__key(o, k);
	obuf_puts(o, "null");
}

/* bgpkit's AsPath: ASNs in order, an AS_SET as a nested array. */
static void as_path(struct obuf *o, const struct bgp_path *p)
{
	out__key(o, "as_path");
	obuf_putc(o, '[');
	uint32_t k = 0;
	for (uint16_t s = 0; s < p->nseg; s++) {
		bool set = p->seg_type[s] == BGP_SEG_SET || p->seg_type[s] == BGP_SEG_CONFED_SET;
		if (s)
			obuf_putc(o, ',');
		if (set)
			obuf_putc(o, '[');
		for (uint16_t i = 0; i < p->seg_len[s]; i++, k++) {
			if (i)
				obuf_putc(o, ',');
			obuf_putu32(o, p->asn[k]);
		}
		if (set)
			obuf_putc(o, ']');
	}
	obuf_putc(o, ']');
	/* origin_asns: the last ASN, or the members of a final AS_SET */
	out__key(o, "origin_asns");
	obuf_putc(o, '[');
	if (p->nseg) {
		uint32_t last = p->seg_len[p->nseg - 1];
		uint32_t from = p->seg_type[p->nseg - 1] == BGP_SEG_SET ? p->nasn - last : p->nasn - 1;
		for (uint32_t i = from; i < p->nasn; i++) {
			if (i > from)
				obuf_putc(o, ',');
			obuf_putu32(o, p->asn[i]);
		}
	}
	obuf_putc(o, ']');
}

/* bgpkit's MetaCommunity: well-known names, {"Custom":[asn,value]},
 * large {"global_admin":..,"local_data":[..]}, extended as its 8 bytes in
 * hex under "Raw" (bgpkit spells out each extended kind; routewatch does
 * not decode them). */
static void communities(struct obuf *o, const struct bgp_attrs *a)
{
	bool c = bgp_has(a, BGP_ATTR_COMMUNITIES), l = bgp_has(a, BGP_ATTR_LARGE_COMMUNITIES),
	     x = bgp_has(a, BGP_ATTR_EXT_COMMUNITIES);
	if (!c && !l && !x) {
		knull(o, "communities");
		return;
	}
	out__key(o, "communities");
	obuf_putc(o, '[');
	bool first = true;
	for (size_t i = 0; c && i + 4 <= a->comm_len; i += 4, first = false) {
		uint32_t v = rd32(a->comm + i);
		if (!first)
			obuf_putc(o, ',');
		switch (v) {
		case 0xffffff01u: obuf_puts(o, "\"NoExport\""); break;
		case 0xffffff02u: obuf_puts(o, "\"NoAdvertise\""); break;
		case 0xffffff03u: obuf_puts(o, "\"NoExportSubConfed\""); break;
		default: obuf_printf(o, "{\"Custom\":[%u,%u]}", v >> 16, v & 0xffff); break;
		}
	}
	for (size_t i = 0; l && i + 12 <= a->lcomm_len; i += 12, first = false)
		obuf_printf(o, "%s{\"global_admin\":%u,\"local_data\":[%u,%u]}", first ? "" : ",", rd32(a->lcomm + i),
			    rd32(a->lcomm + i + 4), rd32(a->lcomm + i + 8));
	for (size_t i = 0; x && i + 8 <= a->ecomm_len; i += 8, first = false) {
		obuf_printf(o, "%s{\"Raw\":\"", first ? "" : ",");
		for (int j = 0; j < 8; j++)
			obuf_printf(o, "%02x", a->ecomm[i + j]);
		obuf_puts(o, "\"}");
	}
	obuf_putc(o, ']');
}

static void knum_or_null(struct obuf *o, const char *k, bool has, uint32_t v)
{
	if (has)
		out__knum(o, k, v);
	else
		knull(o, k);
}

void out__bgpkit_elem(struct out *out, const struct bgp_elem *e)
{
	if (e->type != BGP_ELEM_ANNOUNCE && e->type != BGP_ELEM_RIB && e->type != BGP_ELEM_WITHDRAW)
		return;
	struct obuf *o = out->ob;
	const char *t = e->type == BGP_ELEM_WITHDRAW ? "WITHDRAW" : "ANNOUNCE";
	bool et = out->rec && out->rec->h.type == MRT_BGP4MP_ET;
	/* a float, as bgpkit's f64 prints: at least one decimal */
	if (et && e->usec % 1000000u) {
		char us[8];
		snprintf(us, sizeof us, "%06u", e->usec % 1000000u);
		size_t n = 6;
		while (n > 1 && us[n - 1] == '0')
			n--;
		us[n] = 0;
		obuf_printf(o, "{\"timestamp\":%u.%s", e->ts, us);
	} else {
		obuf_printf(o, "{\"timestamp\":%u.0", e->ts);
	}
	obuf_printf(o, ",\"elem_type\":\"%s\",\"type\":\"%s\"", t, t);
	if (e->peer)
		out__kaddr(o, "peer_ip", e->peer);
	else
		knull(o, "peer_ip");
	out__knum(o, "peer_asn", e->peer_asn);
	char pb[RW_PREFIX_STRLEN];
	out__kstr(o, "prefix", pb, fmt_prefix(pb, &e->pfx));
	if (e->addpath)
		out__knum(o, "path_id", e->pfx.path_id);
	if (out->collector) {
		out__key(o, "collector");
		obuf_json_str(o, out->collector, strlen(out->collector));
	}
	const struct bgp_attrs *a = e->type == BGP_ELEM_WITHDRAW ? NULL : e->attrs;
	if (a && e->nh && e->nh_len) {
		struct rw_addr nh = {.af = e->nh_len == 4 ? RW_AF_INET : RW_AF_INET6};
		memcpy(nh.b, e->nh, e->nh_len == 4 ? 4 : 16);
		out__kaddr(o, "next_hop", &nh);
	} else {
		knull(o, "next_hop");
	}
	if (a && a->path_ok) {
		as_path(o, &a->path);
	} else {
		knull(o, "as_path");
		knull(o, "origin_asns");
	}
	if (a && a->origin <= BGP_ORIGIN_INCOMPLETE) {
		static const char *const n[] = {"IGP", "EGP", "INCOMPLETE"};
		out__kstr(o, "origin", n[a->origin], strlen(n[a->origin]));
	} else {
		knull(o, "origin");
	}
	knum_or_null(o, "local_pref", a && bgp_has(a, BGP_ATTR_LOCAL_PREF), a ? a->local_pref : 0);
	knum_or_null(o, "med", a && bgp_has(a, BGP_ATTR_MED), a ? a->med : 0);
	if (a)
		communities(o, a);
	else
		knull(o, "communities");
	obuf_puts(o, a && bgp_has(a, BGP_ATTR_ATOMIC_AGGREGATE) ? ",\"atomic\":true" : ",\"atomic\":false");
	if (a && bgp_has(a, BGP_ATTR_AGGREGATOR)) {
		char ip[RW_ADDR_STRLEN];
		out__knum(o, "aggr_asn", a->agg_asn);
		out__kstr(o, "aggr_ip", ip, fmt_ipv4(ip, a->agg_addr));
	} else {
		knull(o, "aggr_asn");
		knull(o, "aggr_ip");
	}
	obuf_puts(o, ",\"only_to_customer\":null,\"unknown\":null,\"deprecated\":null}\n");
}
