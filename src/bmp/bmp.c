/* bmp.h: BMP framing, headers and TLVs. */
#include "bmp.h"

int bmp_frame(const uint8_t *p, size_t n, uint32_t *len)
{
	if (n < BMP_COMMON_LEN)
		return RW_ETRUNC;
	uint32_t l = rd32(p + 1);
	if (p[0] != BMP_VERSION || l < BMP_COMMON_LEN || l > BMP_MAX_LEN)
		return RW_EMALFORMED;
	*len = l;
	return 0;
}

size_t bmp_bgp_len(const uint8_t *p, size_t n)
{
	static const uint8_t marker[BGP_MARKER_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	if (n < BGP_HDR_LEN || memcmp(p, marker, BGP_MARKER_LEN))
		return 0;
	size_t l = rd16(p + BGP_MARKER_LEN);
	return l >= BGP_HDR_LEN && l <= n ? l : 0;
}

static void peer_hdr(const uint8_t *p, struct bmp_peer_hdr *h)
{
	h->type = p[0];
	h->flags = p[1];
	bool locrib = h->type == BMP_PEER_LOCRIB;
	h->ipv6 = !locrib && (p[1] & 0x80);
	h->post_policy = !locrib && (p[1] & 0x40);
	h->as2 = !locrib && (p[1] & 0x20);
	h->adj_out = !locrib && (p[1] & 0x10);
	h->filtered = locrib && (p[1] & 0x80);
	memcpy(h->dist, p + 2, 8);
	memset(&h->addr, 0, sizeof h->addr);
	if (h->ipv6) {
		h->addr.af = RW_AF_INET6;
		memcpy(h->addr.b, p + 10, 16);
	} else {
		h->addr.af = RW_AF_INET;
		memcpy(h->addr.b, p + 22, 4);
	}
	h->asn = rd32(p + 26);
	h->bgp_id = rd32(p + 30);
	h->ts_sec = rd32(p + 34);
	h->ts_usec = rd32(p + 38);
}

int bmp_decode(const uint8_t *p, size_t n, struct bmp_msg *m)
{
	memset(m, 0, sizeof *m);
	uint32_t len;
	int rc = bmp_frame(p, n, &len);
	if (rc)
		return rc;
	if (len > n)
		return RW_ETRUNC;
	m->len = len;
	m->type = p[5];
	const uint8_t *b = p + BMP_COMMON_LEN;
	size_t bl = len - BMP_COMMON_LEN;
	switch (m->type) {
	case BMP_ROUTE_MONITORING:
	case BMP_STATS:
	case BMP_PEER_DOWN:
	case BMP_PEER_UP:
	case BMP_ROUTE_MIRRORING:
		if (bl < BMP_PEER_LEN)
			return RW_EMALFORMED;
		m->has_peer = true;
		peer_hdr(b, &m->peer);
		b += BMP_PEER_LEN;
		bl -= BMP_PEER_LEN;
		break;
	default: /* Initiation, Termination, unknown: TLVs or nothing known */
		break;
	}
	m->body = b;
	m->body_len = bl;
	if (m->type == BMP_PEER_DOWN) {
		if (bl < 1)
			return RW_EMALFORMED;
		m->reason = b[0];
		m->body = b + 1;
		m->body_len = bl - 1;
	} else if (m->type == BMP_PEER_UP) {
		if (bl < 20)
			return RW_EMALFORMED;
		memset(&m->local, 0, sizeof m->local);
		if (m->peer.ipv6) {
			m->local.af = RW_AF_INET6;
			memcpy(m->local.b, b, 16);
		} else {
			m->local.af = RW_AF_INET;
			memcpy(m->local.b, b + 12, 4);
		}
		m->local_port = rd16(b + 16);
		m->remote_port = rd16(b + 18);
		b += 20;
		bl -= 20;
		size_t l1 = bmp_bgp_len(b, bl);
		if (!l1 || b[BGP_HDR_LEN - 1] != BGP_MSG_OPEN)
			return RW_EMALFORMED;
		m->sent_open = b;
		m->sent_open_len = l1;
		size_t l2 = bmp_bgp_len(b + l1, bl - l1);
		if (!l2 || b[l1 + BGP_HDR_LEN - 1] != BGP_MSG_OPEN)
			return RW_EMALFORMED;
		m->recv_open = b + l1;
		m->recv_open_len = l2;
		m->body = b + l1 + l2;
		m->body_len = bl - l1 - l2;
	} else if (m->type == BMP_ROUTE_MONITORING) {
		if (!bmp_bgp_len(b, bl))
			return RW_EMALFORMED;
	}
	return 0;
}

int bmp_tlv_next(const uint8_t **p, size_t *n, uint16_t *type, const uint8_t **val, uint16_t *len)
{
	if (*n == 0)
		return 0;
	if (*n < 4)
		return RW_ETRUNC;
	uint16_t l = rd16(*p + 2);
	if (*n < 4u + l)
		return RW_ETRUNC;
	*type = rd16(*p);
	*len = l;
	*val = *p + 4;
	*p += 4u + l;
	*n -= 4u + l;
	return 1;
}

const char *bmp_type_name(uint8_t type)
{
	static const char *const n[] = {"Route Monitoring", "Statistics Report", "Peer Down",
					"Peer Up", "Initiation", "Termination", "Route Mirroring"};
	return type < RW_ARRAY_LEN(n) ? n[type] : "unknown";
}

const char *bmp_down_reason(uint8_t reason)
{
	static const char *const n[] = {
		"reserved",
		"local system closed with a NOTIFICATION",
		"local system closed (FSM event)",
		"remote system closed with a NOTIFICATION",
		"remote system closed without data",
		"peer de-configured",
		"local system closed (Loc-RIB)",
	};
	return reason < RW_ARRAY_LEN(n) ? n[reason] : "unknown reason";
}
