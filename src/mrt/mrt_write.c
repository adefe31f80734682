/*
 * MRT writer: TABLE_DUMP_V2 (peer index, RIB_IPV4/IPV6_UNICAST[_ADDPATH])
 * and BGP4MP / BGP4MP_ET (MESSAGE, MESSAGE_AS4, STATE_CHANGE[_AS4], their
 * ADDPATH subtypes), as RouteViews and RIS write them (RFC 6396, RFC
 * 8050). The record framing is here; BGP messages and attributes are
 * encoded by the bgp codec.
 *
 * Used for the test fixtures (a fresh clone needs nothing from outside),
 * the sample archive, the benchmark inputs and the live collector's files.
 * Everything is appended to a memory obuf owned by the caller.
 */
#include "mrt.h"

static void put_addr(struct obuf *o, const struct rw_addr *a)
{
	obuf_write(o, a->b, a->af == RW_AF_INET6 ? 16 : 4);
}

/* The common header with a length to patch; returns where it is. */
static size_t rec_begin(struct obuf *out, uint32_t ts, uint16_t type, uint16_t subtype)
{
	obuf_be32(out, ts);
	obuf_be16(out, type);
	obuf_be16(out, subtype);
	size_t pos = out->len;
	obuf_be32(out, 0);
	return pos;
}

static void rec_end(struct obuf *out, size_t lenpos)
{
	wr32((uint8_t *)out->buf + lenpos, (uint32_t)(out->len - lenpos - 4));
}

int mrt_write_raw(struct obuf *out, uint32_t ts, uint16_t type, uint16_t subtype, const uint8_t *body, size_t len)
{
	size_t lp = rec_begin(out, ts, type, subtype);
	obuf_write(out, body, len);
	rec_end(out, lp);
	return 0;
}

int mrt_write_peer_index(struct obuf *out, uint32_t ts, uint32_t collector_id, const char *view,
			 const struct mrt_peer *peers, unsigned npeers)
{
	size_t vl = view ? strlen(view) : 0;
	if (vl > UINT16_MAX || npeers > UINT16_MAX)
		return RW_ELIMIT;
	size_t lp = rec_begin(out, ts, MRT_TABLE_DUMP_V2, MRT_PEER_INDEX_TABLE);
	obuf_be32(out, collector_id);
	obuf_be16(out, (uint16_t)vl);
	obuf_write(out, view, vl);
	obuf_be16(out, (uint16_t)npeers);
	for (unsigned i = 0; i < npeers; i++) {
		const struct mrt_peer *p = &peers[i];
		bool v6 = p->addr.af == RW_AF_INET6;
		bool as4 = p->as4 || p->asn > 0xffff;
		/* peer type: bit 0 IPv6 address, bit 1 4-byte ASN (§4.3.1) */
		obuf_be8(out, (uint8_t)((v6 ? 1 : 0) | (as4 ? 2 : 0)));
		obuf_be32(out, p->bgp_id);
		put_addr(out, &p->addr);
		if (as4)
			obuf_be32(out, p->asn);
		else
			obuf_be16(out, (uint16_t)p->asn);
	}
	rec_end(out, lp);
	return 0;
}

int mrt_write_rib(struct obuf *out, uint32_t ts, uint32_t seq, const struct rw_prefix *pfx,
		  const struct mrt_rib_entry *e, unsigned n, bool addpath)
{
	if (n > UINT16_MAX)
		return RW_ELIMIT;
	bool v6 = pfx->af == RW_AF_INET6;
	uint16_t st = v6 ? (addpath ? MRT_RIB_IPV6_UNICAST_ADDPATH : MRT_RIB_IPV6_UNICAST)
			 : (addpath ? MRT_RIB_IPV4_UNICAST_ADDPATH : MRT_RIB_IPV4_UNICAST);
	size_t start = out->len;
	size_t lp = rec_begin(out, ts, MRT_TABLE_DUMP_V2, st);
	obuf_be32(out, seq);
	obuf_be8(out, pfx->len);
	obuf_write(out, pfx->b, (pfx->len + 7u) / 8u);
	obuf_be16(out, (uint16_t)n);
	const struct bgp_wopts rib = {.rib = true};
	for (unsigned i = 0; i < n; i++) {
		obuf_be16(out, e[i].peer_index);
		obuf_be32(out, e[i].orig_time);
		if (addpath)
			obuf_be32(out, e[i].path_id);
		size_t alp = out->len;
		obuf_be16(out, 0);
		if (e[i].attrs)
			bgp_attrs_encode(out, e[i].attrs, &rib);
		else if (e[i].raw_len)
			obuf_write(out, e[i].raw, e[i].raw_len);
		size_t al = out->len - alp - 2;
		if (al > UINT16_MAX) {
			out->len = start;
			return RW_ELIMIT;
		}
		wr16((uint8_t *)out->buf + alp, (uint16_t)al);
	}
	rec_end(out, lp);
	return 0;
}

static size_t bgp4mp_begin(struct obuf *out, const struct mrt_bgp4mp_hdr *h, uint16_t subtype)
{
	size_t lp = rec_begin(out, h->ts, h->et ? MRT_BGP4MP_ET : MRT_BGP4MP, subtype);
	if (h->et)
		obuf_be32(out, h->usec);
	bool as4 = subtype == MRT_STATE_CHANGE_AS4 || subtype == MRT_MESSAGE_AS4 || subtype == MRT_MESSAGE_AS4_ADDPATH;
	if (as4) {
		obuf_be32(out, h->peer_asn);
		obuf_be32(out, h->local_asn);
	} else {
		obuf_be16(out, h->peer_asn > 0xffff ? (uint16_t)BGP_AS_TRANS : (uint16_t)h->peer_asn);
		obuf_be16(out, h->local_asn > 0xffff ? (uint16_t)BGP_AS_TRANS : (uint16_t)h->local_asn);
	}
	obuf_be16(out, 0); /* interface index */
	obuf_be16(out, h->peer.af == RW_AF_INET6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4);
	put_addr(out, &h->peer);
	put_addr(out, &h->local);
	return lp;
}

static uint16_t msg_subtype(const struct mrt_bgp4mp_hdr *h)
{
	if (h->addpath)
		return h->as4 ? MRT_MESSAGE_AS4_ADDPATH : MRT_MESSAGE_ADDPATH;
	return h->as4 ? MRT_MESSAGE_AS4 : MRT_MESSAGE;
}

int mrt_write_bgp_msg(struct obuf *out, const struct mrt_bgp4mp_hdr *h, const uint8_t *msg, size_t len)
{
	size_t lp = bgp4mp_begin(out, h, msg_subtype(h));
	obuf_write(out, msg, len);
	rec_end(out, lp);
	return 0;
}

int mrt_write_update(struct obuf *out, const struct mrt_bgp4mp_hdr *h, const struct bgp_wattrs *a,
		     const struct rw_prefix *nlri, unsigned n_nlri, const struct rw_prefix *withdrawn,
		     unsigned n_withdrawn)
{
	size_t start = out->len;
	size_t lp = bgp4mp_begin(out, h, msg_subtype(h));
	int rc = bgp_put_update(out, a, !h->as4, h->addpath, nlri, n_nlri, withdrawn, n_withdrawn);
	if (rc) {
		out->len = start;
		return rc;
	}
	rec_end(out, lp);
	return 0;
}

int mrt_write_state(struct obuf *out, const struct mrt_bgp4mp_hdr *h, uint16_t old_state, uint16_t new_state)
{
	size_t lp = bgp4mp_begin(out, h, h->as4 ? MRT_STATE_CHANGE_AS4 : MRT_STATE_CHANGE);
	obuf_be16(out, old_state);
	obuf_be16(out, new_state);
	rec_end(out, lp);
	return 0;
}
