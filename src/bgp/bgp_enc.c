/*
 * Encoding (RFC 4271 §4, RFC 4760, RFC 6793, RFC 7911, RFC 6396 §4.3.4):
 * the attribute table's encoders, attributes from decoded paths, and whole
 * messages: OPEN, KEEPALIVE, NOTIFICATION and UPDATE, and the split of an
 * UPDATE by address family. Everything appends to a memory obuf owned by
 * the caller (growth cannot fail: see base.h's memory rule).
 */
#include "bgp_int.h"

#include <stdlib.h>

/* ---------------------------------------------------------------- pieces */

static void put8(struct obuf *o, uint8_t v)
{
	obuf_be8(o, v);
}

static void put_addr(struct obuf *o, const struct rw_addr *a)
{
	obuf_write(o, a->b, a->af == RW_AF_INET6 ? 16 : 4);
}

size_t bgp_attr_begin(struct obuf *o, uint8_t flags, uint8_t type, bool ext)
{
	put8(o, ext ? flags | BGP_AF_EXTLEN : flags & (uint8_t)~BGP_AF_EXTLEN);
	put8(o, type);
	size_t pos = o->len;
	if (ext)
		obuf_be16(o, 0);
	else
		put8(o, 0);
	return pos;
}

void bgp_attr_end(struct obuf *o, size_t lenpos, bool ext)
{
	size_t n = o->len - lenpos - (ext ? 2 : 1);
	if (ext)
		wr16((uint8_t *)o->buf + lenpos, (uint16_t)n);
	else
		o->buf[lenpos] = (char)(uint8_t)n;
}

void bgp_attr_put(struct obuf *o, uint8_t flags, uint8_t type, const void *v, size_t n)
{
	size_t pos = bgp_attr_begin(o, flags, type, n > 255);
	if (n)
		obuf_write(o, v, n);
	bgp_attr_end(o, pos, n > 255);
}

void bgp_prefix_put(struct obuf *o, const struct rw_prefix *p, bool addpath)
{
	if (addpath)
		obuf_be32(o, p->path_id);
	put8(o, p->len);
	obuf_write(o, p->b, (p->len + 7u) / 8u);
}

static void put_asn(struct obuf *o, uint32_t asn, unsigned asn_size)
{
	if (asn_size == 2)
		obuf_be16(o, asn > 0xffff ? (uint16_t)BGP_AS_TRANS : (uint16_t)asn);
	else
		obuf_be32(o, asn);
}

void bgp_path_put(struct obuf *o, uint8_t flags, uint8_t type, const struct bgp_path *p, unsigned asn_size)
{
	bool ext = (size_t)p->nasn * asn_size + 2u * p->nseg > 255;
	size_t pos = bgp_attr_begin(o, flags, type, ext);
	uint32_t k = 0;
	for (unsigned s = 0; s < p->nseg; s++) {
		/* a decoded segment holds at most 255 ASNs (one wire segment) */
		put8(o, p->seg_type[s]);
		put8(o, (uint8_t)p->seg_len[s]);
		for (unsigned i = 0; i < p->seg_len[s]; i++)
			put_asn(o, p->asn[k++], asn_size);
	}
	bgp_attr_end(o, pos, ext);
}

/* ---------------------------------------------------------------- the table's encoders */

static bool as2(const struct bgp_wopts *wo)
{
	return wo->as2 && !wo->rib; /* RIB entries always carry 4-byte ASNs */
}

void bgp__enc_origin(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	(void)wo;
	bgp_attr_put(o, BGP_AF_TRANSITIVE, BGP_ATTR_ORIGIN, &w->origin, 1);
}

/* AS_SEQUENCE then AS_SET, in segments of at most 255 ASNs. */
static void wpath(struct obuf *o, uint8_t flags, uint8_t type, const struct bgp_wattrs *w, unsigned asn_size)
{
	bool ext = (w->path_len + w->set_len) * asn_size + 8u > 255;
	size_t pos = bgp_attr_begin(o, flags, type, ext);
	const uint32_t *segs[2] = {w->path, w->set};
	unsigned lens[2] = {w->path_len, w->set_len};
	static const uint8_t types[2] = {BGP_SEG_SEQUENCE, BGP_SEG_SET};
	for (int s = 0; s < 2; s++)
		for (unsigned off = 0; off < lens[s];) {
			unsigned n = RW_MIN(lens[s] - off, 255u);
			put8(o, types[s]);
			put8(o, (uint8_t)n);
			for (unsigned i = 0; i < n; i++)
				put_asn(o, segs[s][off + i], asn_size);
			off += n;
		}
	bgp_attr_end(o, pos, ext);
}

void bgp__enc_as_path(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	wpath(o, BGP_AF_TRANSITIVE, BGP_ATTR_AS_PATH, w, as2(wo) ? 2 : 4);
}

void bgp__enc_next_hop(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	if (w->nexthop.af == RW_AF_INET && !wo->mp_nlri)
		bgp_attr_put(o, BGP_AF_TRANSITIVE, BGP_ATTR_NEXT_HOP, w->nexthop.b, 4);
}

/* A 4-byte value attribute, when present. */
static void put_u32_attr(struct obuf *o, bool present, uint8_t flags, uint8_t type, uint32_t v)
{
	uint8_t b[4];
	wr32(b, v);
	if (present)
		bgp_attr_put(o, flags, type, b, 4);
}

void bgp__enc_med(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	(void)wo;
	put_u32_attr(o, w->has_med, BGP_AF_OPTIONAL, BGP_ATTR_MED, w->med);
}

void bgp__enc_local_pref(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	(void)wo;
	put_u32_attr(o, w->has_local_pref, BGP_AF_TRANSITIVE, BGP_ATTR_LOCAL_PREF, w->local_pref);
}

void bgp__enc_atomic(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	(void)wo;
	if (w->atomic_aggregate)
		bgp_attr_put(o, BGP_AF_TRANSITIVE, BGP_ATTR_ATOMIC_AGGREGATE, NULL, 0);
}

void bgp__enc_aggregator(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	if (!w->has_aggregator)
		return;
	size_t pos = bgp_attr_begin(o, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_AGGREGATOR, false);
	put_asn(o, w->agg_asn, as2(wo) ? 2 : 4);
	obuf_write(o, w->agg_addr, 4);
	bgp_attr_end(o, pos, false);
}

void bgp__enc_communities(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	(void)wo;
	if (!w->n_communities)
		return;
	bool ext = w->n_communities * 4u > 255;
	size_t pos = bgp_attr_begin(o, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_COMMUNITIES, ext);
	for (unsigned i = 0; i < w->n_communities; i++)
		obuf_be32(o, w->communities[i]);
	bgp_attr_end(o, pos, ext);
}

/* IPv6 unicast only: the families routewatch writes in MP attributes. */
void bgp__enc_mp_reach(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	if (w->nexthop.af != RW_AF_INET6 || (!wo->rib && !wo->mp_nlri))
		return;
	bool ext = !wo->rib && wo->n_mp_nlri * (wo->addpath ? 21u : 17u) + 22 > 255;
	size_t pos = bgp_attr_begin(o, BGP_AF_OPTIONAL, BGP_ATTR_MP_REACH, ext);
	if (!wo->rib) {
		obuf_be16(o, BGP_AFI_IPV6);
		put8(o, BGP_SAFI_UNICAST);
	}
	put8(o, 16);
	put_addr(o, &w->nexthop);
	if (!wo->rib) {
		put8(o, 0); /* no SNPAs */
		for (unsigned i = 0; i < wo->n_mp_nlri; i++)
			bgp_prefix_put(o, &wo->mp_nlri[i], wo->addpath);
	}
	bgp_attr_end(o, pos, ext);
}

void bgp__enc_mp_unreach(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	(void)w;
	if (!wo->n_mp_withdraw)
		return;
	bool ext = wo->n_mp_withdraw * (wo->addpath ? 21u : 17u) + 3 > 255;
	size_t pos = bgp_attr_begin(o, BGP_AF_OPTIONAL, BGP_ATTR_MP_UNREACH, ext);
	obuf_be16(o, BGP_AFI_IPV6);
	put8(o, BGP_SAFI_UNICAST);
	for (unsigned i = 0; i < wo->n_mp_withdraw; i++)
		bgp_prefix_put(o, &wo->mp_withdraw[i], wo->addpath);
	bgp_attr_end(o, pos, ext);
}

static bool needs_as4(const struct bgp_wattrs *w)
{
	for (unsigned i = 0; i < w->path_len; i++)
		if (w->path[i] > 0xffff)
			return true;
	for (unsigned i = 0; i < w->set_len; i++)
		if (w->set[i] > 0xffff)
			return true;
	return false;
}

void bgp__enc_as4_path(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	if (as2(wo) && needs_as4(w))
		wpath(o, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_AS4_PATH, w, 4);
}

void bgp__enc_as4_aggregator(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	if (!as2(wo) || !w->has_aggregator || w->agg_asn <= 0xffff)
		return;
	size_t pos = bgp_attr_begin(o, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_AS4_AGGREGATOR, false);
	obuf_be32(o, w->agg_asn);
	obuf_write(o, w->agg_addr, 4);
	bgp_attr_end(o, pos, false);
}

void bgp__enc_large_communities(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	(void)wo;
	if (!w->n_lcommunities)
		return;
	bool ext = w->n_lcommunities * 12u > 255;
	size_t pos = bgp_attr_begin(o, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_LARGE_COMMUNITIES, ext);
	for (unsigned i = 0; i < w->n_lcommunities * 3u; i++)
		obuf_be32(o, w->lcommunities[i]);
	bgp_attr_end(o, pos, ext);
}

void bgp_attrs_encode(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo)
{
	for (unsigned t = 1; t < BGP_ATTR_MAX; t++) {
		const struct bgp_attr_def *d = bgp_attr_def(t);
		if (d && d->encode)
			d->encode(o, w, wo);
	}
}

/* ---------------------------------------------------------------- messages */

void bgp_put_header(struct obuf *o, uint16_t len, uint8_t type)
{
	uint8_t *d = (uint8_t *)obuf_room(o, BGP_HDR_LEN);
	memset(d, 0xff, BGP_MARKER_LEN);
	wr16(d + BGP_MARKER_LEN, len);
	d[BGP_MARKER_LEN + 2] = type;
	o->len += BGP_HDR_LEN;
}

void bgp_put_keepalive(struct obuf *o)
{
	bgp_put_header(o, BGP_HDR_LEN, BGP_MSG_KEEPALIVE);
}

void bgp_put_notification(struct obuf *o, uint8_t code, uint8_t sub, const uint8_t *data, size_t n)
{
	if (n > 1000)
		n = 1000;
	bgp_put_header(o, (uint16_t)(BGP_HDR_LEN + 2 + n), BGP_MSG_NOTIFICATION);
	put8(o, code);
	put8(o, sub);
	if (n)
		obuf_write(o, data, n);
}

/* One capability: code, length, value. */
static size_t capa(uint8_t *d, uint8_t code, const uint8_t *v, uint8_t n)
{
	d[0] = code;
	d[1] = n;
	if (n)
		memcpy(d + 2, v, n);
	return 2u + n;
}

void bgp_put_open(struct obuf *o, uint32_t asn, uint16_t hold, uint32_t router_id, bool addpath)
{
	uint8_t caps[64], v[8];
	size_t c = 0;
	for (uint16_t afi = BGP_AFI_IPV4; afi <= BGP_AFI_IPV6; afi++) { /* unicast of both */
		wr16(v, afi);
		v[2] = 0; /* reserved */
		v[3] = BGP_SAFI_UNICAST;
		c += capa(caps + c, BGP_CAPA_MULTIPROTOCOL, v, 4);
	}
	c += capa(caps + c, BGP_CAPA_ROUTE_REFRESH, NULL, 0);
	c += capa(caps + c, BGP_CAPA_EXTENDED_MESSAGE, NULL, 0);
	wr32(v, asn);
	c += capa(caps + c, BGP_CAPA_AS4, v, 4);
	if (addpath) { /* we receive path ids, both families */
		for (int i = 0; i < 2; i++) {
			wr16(v + 4 * i, (uint16_t)(BGP_AFI_IPV4 + i));
			v[4 * i + 2] = BGP_SAFI_UNICAST;
			v[4 * i + 3] = BGP_ADDPATH_RECEIVE;
		}
		c += capa(caps + c, BGP_CAPA_ADD_PATH, v, 8);
	}
	/* one Capabilities optional parameter holding them all */
	size_t opt = 2 + c;
	bgp_put_header(o, (uint16_t)(BGP_HDR_LEN + 10 + opt), BGP_MSG_OPEN);
	put8(o, 4); /* version */
	obuf_be16(o, asn > 0xffff ? (uint16_t)BGP_AS_TRANS : (uint16_t)asn);
	obuf_be16(o, hold);
	obuf_be32(o, router_id);
	put8(o, (uint8_t)opt);
	put8(o, BGP_OPT_PARAM_CAPABILITIES);
	put8(o, (uint8_t)c);
	obuf_write(o, caps, c);
}

int bgp_put_update(struct obuf *o, const struct bgp_wattrs *w, bool as2_session, bool addpath,
		   const struct rw_prefix *nlri, unsigned n_nlri, const struct rw_prefix *withdrawn,
		   unsigned n_withdrawn)
{
	size_t start = o->len;
	bgp_put_header(o, 0, BGP_MSG_UPDATE);
	/* IPv4 in the plain fields, IPv6 in MP attributes */
	size_t wl = o->len;
	obuf_be16(o, 0);
	unsigned n6w = 0, n6a = 0;
	for (unsigned i = 0; i < n_withdrawn; i++) {
		if (withdrawn[i].af == RW_AF_INET)
			bgp_prefix_put(o, &withdrawn[i], addpath);
		else
			n6w++;
	}
	wr16((uint8_t *)o->buf + wl, (uint16_t)(o->len - wl - 2));
	for (unsigned i = 0; i < n_nlri; i++)
		n6a += nlri[i].af == RW_AF_INET6;
	struct rw_prefix *w6 = n6w ? rw_malloc(n6w * sizeof *w6) : NULL;
	struct rw_prefix *a6 = n6a ? rw_malloc(n6a * sizeof *a6) : NULL;
	for (unsigned i = 0, k = 0; i < n_withdrawn; i++)
		if (withdrawn[i].af == RW_AF_INET6)
			w6[k++] = withdrawn[i];
	for (unsigned i = 0, k = 0; i < n_nlri; i++)
		if (nlri[i].af == RW_AF_INET6)
			a6[k++] = nlri[i];
	struct bgp_wopts wo = {.as2 = as2_session, .addpath = addpath, .mp_nlri = n6a ? a6 : NULL,
			       .n_mp_nlri = n6a, .mp_withdraw = w6, .n_mp_withdraw = n6w};
	size_t tal = o->len;
	obuf_be16(o, 0);
	if (w && n_nlri) {
		bgp_attrs_encode(o, w, &wo);
	} else if (n6w) { /* withdrawals only: MP_UNREACH alone */
		struct bgp_wattrs none = {0};
		bgp__enc_mp_unreach(o, &none, &wo);
	}
	wr16((uint8_t *)o->buf + tal, (uint16_t)(o->len - tal - 2));
	for (unsigned i = 0; i < n_nlri; i++)
		if (nlri[i].af == RW_AF_INET)
			bgp_prefix_put(o, &nlri[i], addpath);
	free(w6);
	free(a6);
	size_t len = o->len - start;
	if (len > BGP_MAX_EXT_LEN || o->len - tal - 2 > 0xffff) {
		o->len = start;
		return RW_ELIMIT;
	}
	wr16((uint8_t *)o->buf + start + BGP_MARKER_LEN, (uint16_t)len);
	return 0;
}

/* ---------------------------------------------------------------- families */

/* The three fields of an UPDATE (whole message). */
struct upd_fields {
	struct cur withdrawn, attrs, nlri;
};

static int upd_frame(const uint8_t *msg, size_t len, struct upd_fields *f)
{
	struct cur c;
	uint16_t wl, al;
	cur_init(&c, msg, len);
	if (cur_skip(&c, BGP_HDR_LEN) || cur_u16(&c, &wl) || cur_sub(&c, wl, &f->withdrawn) || cur_u16(&c, &al) ||
	    cur_sub(&c, al, &f->attrs))
		return RW_EMALFORMED;
	f->nlri = c;
	return 0;
}

static unsigned afi_fam(const struct cur *v)
{
	if (cur_left(v) < 2)
		return 0;
	uint16_t afi = rd16(v->p);
	return afi == BGP_AFI_IPV4 ? BGP_FAM_V4 : afi == BGP_AFI_IPV6 ? BGP_FAM_V6 : 0;
}

unsigned bgp_update_families(const uint8_t *msg, size_t len)
{
	struct upd_fields f;
	if (upd_frame(msg, len, &f))
		return 0;
	unsigned fam = 0;
	if (cur_left(&f.withdrawn) || cur_left(&f.nlri) || !cur_left(&f.attrs))
		fam |= BGP_FAM_V4; /* an empty UPDATE is IPv4's End-of-RIB */
	struct bgp_attr_it it;
	struct bgp_attr a;
	bgp_attr_it_init(&it, f.attrs.p, cur_left(&f.attrs));
	while (bgp_attr_next(&it, &a) > 0)
		if (a.type == BGP_ATTR_MP_REACH || a.type == BGP_ATTR_MP_UNREACH)
			fam |= afi_fam(&a.v);
	return fam;
}

int bgp_update_split(const uint8_t *msg, size_t len, struct obuf *v4, struct obuf *v6)
{
	struct upd_fields f;
	if (upd_frame(msg, len, &f))
		return RW_EMALFORMED;
	struct obuf *out[2] = {v4, v6};
	for (int k = 0; k < 2; k++) {
		struct obuf *o = out[k];
		size_t start = o->len;
		bgp_put_header(o, 0, BGP_MSG_UPDATE);
		obuf_be16(o, k ? 0 : (uint16_t)cur_left(&f.withdrawn));
		if (!k)
			obuf_write(o, f.withdrawn.p, cur_left(&f.withdrawn));
		size_t tal = o->len;
		obuf_be16(o, 0);
		struct bgp_attr_it it;
		struct bgp_attr a;
		bgp_attr_it_init(&it, f.attrs.p, cur_left(&f.attrs));
		int r;
		while ((r = bgp_attr_next(&it, &a)) > 0) {
			/* IPv6's MP attributes go to the IPv6 part; every other
			 * MP attribute (other families too) stays with IPv4 */
			bool mp = a.type == BGP_ATTR_MP_REACH || a.type == BGP_ATTR_MP_UNREACH;
			if (mp && (afi_fam(&a.v) == BGP_FAM_V6) != (k == 1))
				continue;
			bgp_attr_put(o, a.flags, a.type, a.v.p, cur_left(&a.v));
		}
		if (r < 0) {
			o->len = start;
			return RW_EMALFORMED;
		}
		wr16((uint8_t *)o->buf + tal, (uint16_t)(o->len - tal - 2));
		if (!k)
			obuf_write(o, f.nlri.p, cur_left(&f.nlri));
		wr16((uint8_t *)o->buf + start + BGP_MARKER_LEN, (uint16_t)(o->len - start));
	}
	return 0;
}
