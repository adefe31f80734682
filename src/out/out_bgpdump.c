/*
 * bgpdump -m output, byte for byte (bgpdump 1.6, including its quirks):
 *
 *   TABLE_DUMP2|ts|B|peer|peeras|prefix|aspath|origin|nh|lp|med|comm|AG|agg|
 *   BGP4MP|ts|A|peer|peeras|prefix|aspath|origin|nh|lp|med|comm|AG|agg|
 *   BGP4MP_ET|ts.usec|W|peer|peeras|prefix
 *   BGP4MP|ts|STATE|peer|peeras|old|new
 *
 * Quirks reproduced: the label carries _ET/_LOCAL/_AP; the ADD-PATH path id
 * follows the prefix; a missing NEXT_HOP prints 255.255.255.255; an MP next
 * hop of an unexpected length drops fields; the legacy BGP type glues the
 * communities to the MED and omits an empty community field; IPv6 text is
 * bgpdump's own (single zero groups compressed, IPv4-compatible dotted).
 *
 * Speed: a line is head + prefix + tail. The head (label, time, peer) is
 * rebuilt once per record and peer, the tail (everything after the prefix)
 * once per attribute set, so the prefixes of one UPDATE cost a memcpy each.
 */
#include "out_int.h"

#include <stdlib.h>

void out__bgpdump_record(struct out *o)
{
	struct out_bgpdump *f = &o->es->bd;
	f->addpath = mrt_is_addpath(o->rec->h.type, o->rec->h.subtype);
	f->legacy = o->rec->h.type == MRT_BGP;
	f->head_rec = UINT64_MAX;
	f->tail_gen = 0;
}

static const char *label(const struct mrt_rec *rec, uint8_t etype)
{
	uint16_t t = rec->h.type, st = rec->h.subtype;
	switch (t) {
	case MRT_TABLE_DUMP_V2:
		return mrt_is_addpath(t, st) ? "TABLE_DUMP2_AP" : "TABLE_DUMP2";
	case MRT_TABLE_DUMP:
		return "TABLE_DUMP";
	case MRT_BGP:
		return "BGP";
	default:
		break;
	}
	bool et = t == MRT_BGP4MP_ET;
	if (etype == BGP_ELEM_STATE)
		return et ? "BGP4MP_ET" : "BGP4MP";
	bool local = mrt_is_local(t, st), ap = mrt_is_addpath(t, st);
	static const char *const names[8] = {"BGP4MP",       "BGP4MP_AP",       "BGP4MP_LOCAL",
					      "BGP4MP_LOCAL_AP", "BGP4MP_ET",      "BGP4MP_ET_AP",
					      "BGP4MP_ET_LOCAL", "BGP4MP_ET_LOCAL_AP"};
	return names[(et ? 4 : 0) + (local ? 2 : 0) + (ap ? 1 : 0)];
}

static size_t put_addr(char *d, const struct rw_addr *a)
{
	return a->af == RW_AF_INET6 ? fmt_ipv6_bgpdump(d, a->b) : fmt_ipv4(d, a->b);
}

/* The peer's "addr|asn|", kept while consecutive records come from the
 * same peer (update files interleave few peers; RIB entries repeat them). */
static size_t put_peer(struct out_bgpdump *f, char *d, const struct bgp_elem *e)
{
	if (!f->peer_len || f->peer_asn != e->peer_asn || f->peer_addr.af != e->peer->af ||
	    memcmp(f->peer_addr.b, e->peer->b, 16)) {
		size_t n = put_addr(f->peer_txt, e->peer);
		f->peer_txt[n++] = '|';
		n += fmt_u32(f->peer_txt + n, e->peer_asn);
		f->peer_txt[n++] = '|';
		f->peer_len = (uint8_t)n;
		f->peer_addr = *e->peer;
		f->peer_asn = e->peer_asn;
	}
	memcpy(d, f->peer_txt, f->peer_len);
	return f->peer_len;
}

static void build_head(struct out_bgpdump *f, const struct mrt_rec *rec, const struct bgp_elem *e)
{
	char *d = f->head;
	size_t n = 0;
	const char *l = label(rec, e->type);
	size_t ll = strlen(l);
	memcpy(d, l, ll);
	n = ll;
	d[n++] = '|';
	/* records of one second follow each other: its text is kept */
	if (e->ts != f->ts_val || !f->ts_len) {
		f->ts_len = (uint8_t)fmt_u32(f->ts_txt, e->ts);
		f->ts_val = e->ts;
	}
	memcpy(d + n, f->ts_txt, 10);
	n += f->ts_len;
	if (rec->h.type == MRT_BGP4MP_ET) {
		char us[8];
		size_t k = fmt_u32(us, e->usec % 1000000u);
		d[n++] = '.';
		for (size_t i = k; i < 6; i++)
			d[n++] = '0';
		memcpy(d + n, us, k);
		n += k;
	}
	d[n++] = '|';
	switch (e->type) {
	case BGP_ELEM_ANNOUNCE: memcpy(d + n, "A|", 2); n += 2; break;
	case BGP_ELEM_WITHDRAW: memcpy(d + n, "W|", 2); n += 2; break;
	case BGP_ELEM_RIB: memcpy(d + n, "B|", 2); n += 2; break;
	default: memcpy(d + n, "STATE|", 6); n += 6; break;
	}
	n += put_peer(f, d + n, e);
	f->head_len = n;
	f->head_rec = rec->idx;
	f->head_peer = e->peer;
	f->head_asn = e->peer_asn;
	f->head_type = e->type;
}

static bool nh_printable(uint8_t n)
{
	return n == 4 || n == 16 || n == 32;
}

static size_t put_nh(char *d, const struct bgp_elem *e)
{
	if (e->nh_len == 0 || !e->nh)
		return (size_t)(memcpy(d, "255.255.255.255", 15), 15); /* INADDR_NONE */
	if (e->nh_len == 4)
		return fmt_ipv4(d, e->nh);
	if (e->nh_len >= 16)
		return fmt_ipv6_bgpdump(d, e->nh);
	return 0;
}

/* Everything after "prefix|" (and the path id) for A and B lines. */
static void build_tail(struct out_bgpdump *f, struct fmt_cache *nums, const struct bgp_elem *e)
{
	const struct bgp_attrs *a = e->attrs;
	const struct bgp_attr_def *path = bgp_attr_def(BGP_ATTR_AS_PATH), *origin = bgp_attr_def(BGP_ATTR_ORIGIN);
	const struct bgp_attr_def *comm = bgp_attr_def(BGP_ATTR_COMMUNITIES);
	size_t need = 256 + path->print_size(a) + comm->print_size(a);
	rw_vec_grow(&f->tail, &f->tail_cap, need, 1, UINT32_MAX, RW_MEM_OUT);
	char *d = f->tail;
	size_t n = 0;
	/* MP announcements with an odd next-hop length: bgpdump drops the
	 * next-hop fields (IPv4) or the path, origin and next-hop fields
	 * (IPv6). */
	bool odd = e->type == BGP_ELEM_ANNOUNCE && e->mp && !nh_printable(e->nh_len);
	bool skip_path = odd && e->pfx.af == RW_AF_INET6;
	bool skip_nh = odd;
	if (!skip_path) {
		n += path->print(d + n, a, nums); /* empty without a path */
		d[n++] = '|';
		/* no ORIGIN (or a bad one) prints as INCOMPLETE, as bgpdump's does */
		n += origin->print(d + n, a, nums);
		d[n++] = '|';
	}
	bool has_comm = bgp_has(a, BGP_ATTR_COMMUNITIES);
	const char *ag = bgp_has(a, BGP_ATTR_ATOMIC_AGGREGATE) ? "AG" : "NAG";
	if (!skip_nh) {
		n += put_nh(d + n, e);
		d[n++] = '|';
		n += fmt_u32(d + n, bgp_has(a, BGP_ATTR_LOCAL_PREF) ? a->local_pref : 0);
		d[n++] = '|';
		n += fmt_u32(d + n, bgp_has(a, BGP_ATTR_MED) ? a->med : 0);
		if (!f->legacy)
			d[n++] = '|';
	}
	if (has_comm)
		n += comm->print(d + n, a, nums);
	if (has_comm || !f->legacy)
		d[n++] = '|';
	else
		d[n++] = '|'; /* legacy without communities: "med|AG|" */
	memcpy(d + n, ag, strlen(ag));
	n += strlen(ag);
	d[n++] = '|';
	/* bgpdump tests the aggregator address against INADDR_NONE */
	if (bgp_has(a, BGP_ATTR_AGGREGATOR) && rd32(a->agg_addr) != 0xffffffffu) {
		n += fmt_u32(d + n, a->agg_asn);
		d[n++] = ' ';
		n += fmt_ipv4(d + n, a->agg_addr);
	}
	d[n++] = '|';
	d[n++] = '\n';
	f->tail_len = (uint32_t)n;
	f->tail_gen = e->attrs_gen;
	f->tail_nh = e->nh;
	f->tail_nh_len = e->nh_len;
	f->tail_af = e->pfx.af;
	f->tail_type = e->type;
}

void out__bgpdump_elem(struct out *out, const struct bgp_elem *e)
{
	if (e->type == BGP_ELEM_MSG)
		return; /* bgpdump -m prints no OPEN/NOTIFICATION/KEEPALIVE lines */
	struct out_bgpdump *f = &out->es->bd;
	if (f->head_rec != out->rec->idx || f->head_peer != e->peer || f->head_asn != e->peer_asn ||
	    f->head_type != e->type)
		build_head(f, out->rec, e);
	struct obuf *o = out->ob;
	if (out->collector) { /* dump --show-collector: a first column */
		obuf_puts(o, out->collector);
		obuf_putc(o, '|');
	}
	char *d = obuf_room(o, f->head_len + RW_PREFIX_STRLEN + 16);
	memcpy(d, f->head, f->head_len);
	size_t n = f->head_len;
	if (e->type == BGP_ELEM_STATE) {
		n += fmt_u32(d + n, e->old_state);
		d[n++] = '|';
		n += fmt_u32(d + n, e->new_state);
		d[n++] = '\n';
		o->len += n;
		return;
	}
	n += e->pfx.af == RW_AF_INET6 ? fmt_ipv6_bgpdump(d + n, e->pfx.b) : fmt_ipv4(d + n, e->pfx.b);
	d[n++] = '/';
	n += fmt_u8(d + n, e->pfx.len);
	if (e->type == BGP_ELEM_WITHDRAW) {
		if (f->addpath) {
			d[n++] = '|';
			n += fmt_u32(d + n, e->pfx.path_id);
		}
		d[n++] = '\n';
		o->len += n;
		return;
	}
	d[n++] = '|';
	if (f->addpath) {
		n += fmt_u32(d + n, e->pfx.path_id);
		d[n++] = '|';
	}
	o->len += n;
	if (f->tail_gen != e->attrs_gen || f->tail_nh != e->nh || f->tail_nh_len != e->nh_len ||
	    f->tail_af != e->pfx.af || f->tail_type != e->type || !f->tail_gen)
		build_tail(f, &out->es->nums, e);
	obuf_putsn(o, f->tail, f->tail_len);
}
