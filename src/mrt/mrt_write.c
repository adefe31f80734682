/*
 * MRT writer: TABLE_DUMP_V2 (peer index, RIB_IPV4/IPV6_UNICAST[_ADDPATH])
 * and BGP4MP / BGP4MP_ET (MESSAGE, MESSAGE_AS4, STATE_CHANGE[_AS4]),
 * as RouteViews and RIS write them (RFC 6396, RFC 8050).
 *
 * Used for the test fixtures (a fresh clone needs nothing from outside),
 * the sample archive, the benchmark inputs and the live collector's files.
 * Everything is appended to a struct mrt_buf owned by the caller.
 */
#include "mrt.h"

#include <stdlib.h>

void mrt_buf_release(struct mrt_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static int reserve(struct mrt_buf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p)
		return RW_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int mrt_buf_put(struct mrt_buf *b, const void *p, size_t n)
{
	if (!n)
		return 0;
	if (reserve(b, n))
		return RW_ENOMEM;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static int put8(struct mrt_buf *b, uint8_t v) { return mrt_buf_put(b, &v, 1); }

static int put16(struct mrt_buf *b, uint16_t v)
{
	uint8_t x[2];
	wr16(x, v);
	return mrt_buf_put(b, x, 2);
}

static int put32(struct mrt_buf *b, uint32_t v)
{
	uint8_t x[4];
	wr32(x, v);
	return mrt_buf_put(b, x, 4);
}

static int put_addr(struct mrt_buf *b, const struct rw_addr *a)
{
	return mrt_buf_put(b, a->b, a->af == RW_AF_INET6 ? 16 : 4);
}

int mrt_prefix_encode(struct mrt_buf *b, const struct rw_prefix *p, bool addpath)
{
	if (addpath && put32(b, p->path_id))
		return RW_ENOMEM;
	if (put8(b, p->len))
		return RW_ENOMEM;
	return mrt_buf_put(b, p->b, (p->len + 7u) / 8u);
}

/* Attribute header with the extended-length bit when needed; returns the
 * offset of the length field to patch. */
static int attr_begin(struct mrt_buf *b, uint8_t flags, uint8_t type, bool ext, size_t *lenpos)
{
	if (ext)
		flags |= 0x10;
	if (put8(b, flags) || put8(b, type))
		return RW_ENOMEM;
	*lenpos = b->len;
	return ext ? put16(b, 0) : put8(b, 0);
}

static void attr_end(struct mrt_buf *b, size_t lenpos, bool ext)
{
	size_t n = b->len - lenpos - (ext ? 2 : 1);
	if (ext)
		wr16(b->p + lenpos, (uint16_t)n);
	else
		b->p[lenpos] = (uint8_t)n;
}

static int put_path(struct mrt_buf *b, uint8_t flags, uint8_t type, const struct mrt_wattrs *a, bool two_byte)
{
	bool ext = (a->path_len + a->set_len) * (two_byte ? 2u : 4u) + 8 > 255;
	size_t lp = 0;
	if (attr_begin(b, flags, type, ext, &lp))
		return RW_ENOMEM;
	const uint32_t *segs[2] = {a->path, a->set};
	unsigned lens[2] = {a->path_len, a->set_len};
	uint8_t types[2] = {BGP_SEG_SEQUENCE, BGP_SEG_SET};
	for (int s = 0; s < 2; s++) {
		unsigned left = lens[s], off = 0;
		while (left) { /* segments hold at most 255 ASNs */
			unsigned n = left > 255 ? 255 : left;
			if (put8(b, types[s]) || put8(b, (uint8_t)n))
				return RW_ENOMEM;
			for (unsigned i = 0; i < n; i++) {
				uint32_t asn = segs[s][off + i];
				int rc = two_byte ? put16(b, asn > 0xffff ? (uint16_t)BGP_AS_TRANS : (uint16_t)asn)
						  : put32(b, asn);
				if (rc)
					return RW_ENOMEM;
			}
			off += n;
			left -= n;
		}
	}
	attr_end(b, lp, ext);
	return 0;
}

static bool needs_as4(const struct mrt_wattrs *a)
{
	for (unsigned i = 0; i < a->path_len; i++)
		if (a->path[i] > 0xffff)
			return true;
	for (unsigned i = 0; i < a->set_len; i++)
		if (a->set[i] > 0xffff)
			return true;
	return false;
}

int mrt_attrs_encode(struct mrt_buf *b, const struct mrt_wattrs *a, bool rib,
		     const struct rw_prefix *mp_nlri, unsigned n_mp_nlri,
		     const struct rw_prefix *mp_withdraw, unsigned n_mp_withdraw, bool addpath)
{
	int rc = 0;
	size_t lp = 0;
	bool two = a->as2 && !rib;
	/* ORIGIN */
	rc |= attr_begin(b, 0x40, BGP_ATTR_ORIGIN, false, &lp);
	rc |= put8(b, a->origin);
	attr_end(b, lp, false);
	/* AS_PATH */
	rc |= put_path(b, 0x40, BGP_ATTR_AS_PATH, a, two);
	/* NEXT_HOP for IPv4 */
	if (a->nexthop.af == RW_AF_INET && !mp_nlri) {
		rc |= attr_begin(b, 0x40, BGP_ATTR_NEXT_HOP, false, &lp);
		rc |= put_addr(b, &a->nexthop);
		attr_end(b, lp, false);
	}
	if (a->has_med) {
		rc |= attr_begin(b, 0x80, BGP_ATTR_MED, false, &lp);
		rc |= put32(b, a->med);
		attr_end(b, lp, false);
	}
	if (a->has_local_pref) {
		rc |= attr_begin(b, 0x40, BGP_ATTR_LOCAL_PREF, false, &lp);
		rc |= put32(b, a->local_pref);
		attr_end(b, lp, false);
	}
	if (a->atomic_aggregate) {
		rc |= attr_begin(b, 0x40, BGP_ATTR_ATOMIC_AGGREGATE, false, &lp);
		attr_end(b, lp, false);
	}
	if (a->has_aggregator) {
		rc |= attr_begin(b, 0xc0, BGP_ATTR_AGGREGATOR, false, &lp);
		if (two)
			rc |= put16(b, a->agg_asn > 0xffff ? (uint16_t)BGP_AS_TRANS : (uint16_t)a->agg_asn);
		else
			rc |= put32(b, a->agg_asn);
		rc |= mrt_buf_put(b, a->agg_addr, 4);
		attr_end(b, lp, false);
	}
	if (a->n_communities) {
		bool ext = a->n_communities * 4u > 255;
		rc |= attr_begin(b, 0xc0, BGP_ATTR_COMMUNITIES, ext, &lp);
		for (unsigned i = 0; i < a->n_communities; i++)
			rc |= put32(b, a->communities[i]);
		attr_end(b, lp, ext);
	}
	/* MP_REACH for IPv6 */
	if (a->nexthop.af == RW_AF_INET6 && (rib || mp_nlri)) {
		bool ext = !rib && n_mp_nlri * (addpath ? 21u : 17u) + 22 > 255;
		rc |= attr_begin(b, 0x80, BGP_ATTR_MP_REACH, ext, &lp);
		if (!rib) {
			rc |= put16(b, BGP_AFI_IPV6);
			rc |= put8(b, BGP_SAFI_UNICAST);
		}
		rc |= put8(b, 16);
		rc |= put_addr(b, &a->nexthop);
		if (!rib) {
			rc |= put8(b, 0);
			for (unsigned i = 0; i < n_mp_nlri; i++)
				rc |= mrt_prefix_encode(b, &mp_nlri[i], addpath);
		}
		attr_end(b, lp, ext);
	}
	if (n_mp_withdraw) {
		bool ext = n_mp_withdraw * (addpath ? 21u : 17u) + 3 > 255;
		rc |= attr_begin(b, 0x80, BGP_ATTR_MP_UNREACH, ext, &lp);
		rc |= put16(b, BGP_AFI_IPV6);
		rc |= put8(b, BGP_SAFI_UNICAST);
		for (unsigned i = 0; i < n_mp_withdraw; i++)
			rc |= mrt_prefix_encode(b, &mp_withdraw[i], addpath);
		attr_end(b, lp, ext);
	}
	if (two && needs_as4(a))
		rc |= put_path(b, 0xc0, BGP_ATTR_AS4_PATH, a, false);
	if (two && a->has_aggregator && a->agg_asn > 0xffff) {
		rc |= attr_begin(b, 0xc0, BGP_ATTR_AS4_AGGREGATOR, false, &lp);
		rc |= put32(b, a->agg_asn);
		rc |= mrt_buf_put(b, a->agg_addr, 4);
		attr_end(b, lp, false);
	}
	if (a->n_lcommunities) {
		bool ext = a->n_lcommunities * 12u > 255;
		rc |= attr_begin(b, 0xc0, BGP_ATTR_LARGE_COMMUNITIES, ext, &lp);
		for (unsigned i = 0; i < a->n_lcommunities * 3u; i++)
			rc |= put32(b, a->lcommunities[i]);
		attr_end(b, lp, ext);
	}
	return rc ? RW_ENOMEM : 0;
}

static int rec_begin(struct mrt_buf *out, uint32_t ts, uint16_t type, uint16_t subtype, size_t *lenpos)
{
	if (put32(out, ts) || put16(out, type) || put16(out, subtype))
		return RW_ENOMEM;
	*lenpos = out->len;
	return put32(out, 0);
}

static void rec_end(struct mrt_buf *out, size_t lenpos)
{
	wr32(out->p + lenpos, (uint32_t)(out->len - lenpos - 4));
}

int mrt_write_raw(struct mrt_buf *out, uint32_t ts, uint16_t type, uint16_t subtype,
		  const uint8_t *body, size_t len)
{
	size_t lp = 0;
	if (rec_begin(out, ts, type, subtype, &lp) || mrt_buf_put(out, body, len))
		return RW_ENOMEM;
	rec_end(out, lp);
	return 0;
}

int mrt_write_peer_index(struct mrt_buf *out, uint32_t ts, uint32_t collector_id, const char *view,
			 const struct mrt_peer *peers, unsigned npeers)
{
	size_t lp = 0;
	size_t vl = view ? strlen(view) : 0;
	int rc = rec_begin(out, ts, MRT_TABLE_DUMP_V2, MRT_PEER_INDEX_TABLE, &lp);
	rc |= put32(out, collector_id);
	rc |= put16(out, (uint16_t)vl);
	rc |= mrt_buf_put(out, view, vl);
	rc |= put16(out, (uint16_t)npeers);
	for (unsigned i = 0; i < npeers; i++) {
		const struct mrt_peer *p = &peers[i];
		bool v6 = p->addr.af == RW_AF_INET6;
		bool as4 = p->as4 || p->asn > 0xffff;
		rc |= put8(out, (uint8_t)((v6 ? 1 : 0) | (as4 ? 2 : 0)));
		rc |= put32(out, p->bgp_id);
		rc |= put_addr(out, &p->addr);
		rc |= as4 ? put32(out, p->asn) : put16(out, (uint16_t)p->asn);
	}
	if (rc)
		return RW_ENOMEM;
	rec_end(out, lp);
	return 0;
}

int mrt_write_rib(struct mrt_buf *out, uint32_t ts, uint32_t seq, const struct rw_prefix *pfx,
		  const struct mrt_rib_entry *e, unsigned n, bool addpath)
{
	bool v6 = pfx->af == RW_AF_INET6;
	uint16_t st = v6 ? (addpath ? MRT_RIB_IPV6_UNICAST_ADDPATH : MRT_RIB_IPV6_UNICAST)
			 : (addpath ? MRT_RIB_IPV4_UNICAST_ADDPATH : MRT_RIB_IPV4_UNICAST);
	size_t lp = 0;
	int rc = rec_begin(out, ts, MRT_TABLE_DUMP_V2, st, &lp);
	rc |= put32(out, seq);
	rc |= put8(out, pfx->len);
	rc |= mrt_buf_put(out, pfx->b, (pfx->len + 7u) / 8u);
	rc |= put16(out, (uint16_t)n);
	for (unsigned i = 0; i < n; i++) {
		rc |= put16(out, e[i].peer_index);
		rc |= put32(out, e[i].orig_time);
		if (addpath)
			rc |= put32(out, e[i].path_id);
		size_t alp = out->len;
		rc |= put16(out, 0);
		if (e[i].attrs)
			rc |= mrt_attrs_encode(out, e[i].attrs, true, NULL, 0, NULL, 0, false);
		else if (e[i].raw_len)
			rc |= mrt_buf_put(out, e[i].raw, e[i].raw_len);
		wr16(out->p + alp, (uint16_t)(out->len - alp - 2));
	}
	if (rc)
		return RW_ENOMEM;
	rec_end(out, lp);
	return 0;
}

static int bgp4mp_begin(struct mrt_buf *out, const struct mrt_bgp4mp_hdr *h, uint16_t subtype,
			size_t *lenpos)
{
	int rc = rec_begin(out, h->ts, h->et ? MRT_BGP4MP_ET : MRT_BGP4MP, subtype, lenpos);
	if (h->et)
		rc |= put32(out, h->usec);
	bool as4 = subtype == MRT_STATE_CHANGE_AS4 || subtype == MRT_MESSAGE_AS4 ||
		   subtype == MRT_MESSAGE_AS4_ADDPATH;
	if (as4) {
		rc |= put32(out, h->peer_asn);
		rc |= put32(out, h->local_asn);
	} else {
		rc |= put16(out, h->peer_asn > 0xffff ? (uint16_t)BGP_AS_TRANS : (uint16_t)h->peer_asn);
		rc |= put16(out, h->local_asn > 0xffff ? (uint16_t)BGP_AS_TRANS : (uint16_t)h->local_asn);
	}
	rc |= put16(out, 0); /* ifindex */
	rc |= put16(out, h->peer.af == RW_AF_INET6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4);
	rc |= put_addr(out, &h->peer);
	rc |= put_addr(out, &h->local);
	return rc ? RW_ENOMEM : 0;
}

static uint16_t msg_subtype(const struct mrt_bgp4mp_hdr *h)
{
	if (h->addpath)
		return h->as4 ? MRT_MESSAGE_AS4_ADDPATH : MRT_MESSAGE_ADDPATH;
	return h->as4 ? MRT_MESSAGE_AS4 : MRT_MESSAGE;
}

int mrt_write_bgp_msg(struct mrt_buf *out, const struct mrt_bgp4mp_hdr *h, const uint8_t *msg,
		      size_t len)
{
	size_t lp = 0;
	if (bgp4mp_begin(out, h, msg_subtype(h), &lp) || mrt_buf_put(out, msg, len))
		return RW_ENOMEM;
	rec_end(out, lp);
	return 0;
}

int mrt_write_update(struct mrt_buf *out, const struct mrt_bgp4mp_hdr *h, const struct mrt_wattrs *a,
		     const struct rw_prefix *nlri, unsigned n_nlri, const struct rw_prefix *withdrawn,
		     unsigned n_withdrawn)
{
	size_t lp = 0;
	int rc = bgp4mp_begin(out, h, msg_subtype(h), &lp);
	size_t msg = out->len;
	static const uint8_t marker[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	rc |= mrt_buf_put(out, marker, 16);
	rc |= put16(out, 0);
	rc |= put8(out, BGP_MSG_UPDATE);
	/* IPv4 in the plain fields, IPv6 in MP attributes */
	size_t wl = out->len;
	rc |= put16(out, 0);
	unsigned n6w = 0, n6a = 0;
	for (unsigned i = 0; i < n_withdrawn; i++) {
		if (withdrawn[i].af == RW_AF_INET)
			rc |= mrt_prefix_encode(out, &withdrawn[i], h->addpath);
		else
			n6w++;
	}
	if (!rc)
		wr16(out->p + wl, (uint16_t)(out->len - wl - 2));
	struct rw_prefix *w6 = NULL, *a6 = NULL;
	for (unsigned i = 0; i < n_nlri; i++)
		n6a += nlri[i].af == RW_AF_INET6;
	if (n6w) {
		w6 = malloc(n6w * sizeof *w6);
		unsigned k = 0;
		for (unsigned i = 0; w6 && i < n_withdrawn; i++)
			if (withdrawn[i].af == RW_AF_INET6)
				w6[k++] = withdrawn[i];
	}
	if (n6a) {
		a6 = malloc(n6a * sizeof *a6);
		unsigned k = 0;
		for (unsigned i = 0; a6 && i < n_nlri; i++)
			if (nlri[i].af == RW_AF_INET6)
				a6[k++] = nlri[i];
	}
	if ((n6w && !w6) || (n6a && !a6))
		rc = RW_ENOMEM;
	size_t tal = out->len;
	rc |= put16(out, 0);
	if (a && n_nlri) {
		if (n6a)
			rc |= mrt_attrs_encode(out, a, false, a6, n6a, w6, n6w, h->addpath);
		else
			rc |= mrt_attrs_encode(out, a, false, NULL, 0, w6, n6w, h->addpath);
	} else if (n6w) {
		/* withdrawal only: MP_UNREACH alone */
		size_t alp = 0;
		bool ext = n6w * 21u + 3 > 255;
		rc |= attr_begin(out, 0x80, BGP_ATTR_MP_UNREACH, ext, &alp);
		rc |= put16(out, BGP_AFI_IPV6);
		rc |= put8(out, BGP_SAFI_UNICAST);
		for (unsigned i = 0; i < n6w; i++)
			rc |= mrt_prefix_encode(out, &w6[i], h->addpath);
		attr_end(out, alp, ext);
	}
	if (!rc)
		wr16(out->p + tal, (uint16_t)(out->len - tal - 2));
	for (unsigned i = 0; i < n_nlri; i++)
		if (nlri[i].af == RW_AF_INET)
			rc |= mrt_prefix_encode(out, &nlri[i], h->addpath);
	free(w6);
	free(a6);
	if (rc)
		return RW_ENOMEM;
	wr16(out->p + msg + 16, (uint16_t)(out->len - msg > 0xffff ? 0xffff : out->len - msg));
	rec_end(out, lp);
	return 0;
}

int mrt_write_state(struct mrt_buf *out, const struct mrt_bgp4mp_hdr *h, uint16_t old_state,
		    uint16_t new_state)
{
	size_t lp = 0;
	int rc = bgp4mp_begin(out, h, h->as4 ? MRT_STATE_CHANGE_AS4 : MRT_STATE_CHANGE, &lp);
	rc |= put16(out, old_state);
	rc |= put16(out, new_state);
	if (rc)
		return RW_ENOMEM;
	rec_end(out, lp);
	return 0;
}
