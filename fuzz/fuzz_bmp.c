/*
 * libFuzzer harness: bmp/ (RFC 7854, RFC 9069) as the collector's station
 * reads a router's stream: bmp_frame cuts messages off the input, each is
 * decoded, its TLVs walked and the BGP messages it carries measured.
 *
 * Invariants: a framed message lies inside the input; every decoded part
 * (body, OPENs of a Peer Up, TLV values, the BGP PDU) lies inside its
 * message.
 */
#include "fuzz_common.h"
#include "bmp/bmp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_quiet();
	return 0;
}

#define INSIDE(q, l, p, n) ((q) >= (p) && (q) + (l) <= (p) + (n))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	while (off < size) {
		uint32_t len;
		int rc = bmp_frame(data + off, size - off, &len);
		if (rc)
			break; /* truncated or lost: the station closes the connection */
		FZ_CHECK(len >= BMP_COMMON_LEN && len <= BMP_MAX_LEN, "framed length %u", len);
		if (len > size - off)
			break;
		const uint8_t *p = data + off;
		struct bmp_msg m;
		if (bmp_decode(p, len, &m) == 0) {
			FZ_CHECK(m.len == len, "decoded length %u of %u", m.len, len);
			FZ_CHECK(INSIDE(m.body, m.body_len, p, len), "body outside the message");
			fz_touch(m.body, m.body_len);
			fz_str(bmp_type_name(m.type));
			if (m.has_peer) {
				fz_val(m.peer.asn ^ m.peer.bgp_id ^ m.peer.ts_sec ^ m.peer.type);
				fz_val(m.peer.addr.af);
			}
			if (m.type == BMP_PEER_UP) {
				FZ_CHECK(INSIDE(m.sent_open, m.sent_open_len, p, len), "sent OPEN outside");
				FZ_CHECK(INSIDE(m.recv_open, m.recv_open_len, p, len), "received OPEN outside");
				FZ_CHECK(bmp_bgp_len(m.sent_open, m.sent_open_len) == m.sent_open_len, "sent OPEN length");
				struct bgp_open o;
				if (!bgp_open_decode(m.recv_open + BGP_HDR_LEN, m.recv_open_len - BGP_HDR_LEN, &o))
					fz_val(o.asn);
			}
			if (m.type == BMP_PEER_DOWN)
				fz_str(bmp_down_reason(m.reason));
			if (m.type == BMP_ROUTE_MONITORING) {
				size_t bl = bmp_bgp_len(m.body, m.body_len);
				FZ_CHECK(bl >= BGP_HDR_LEN && bl <= m.body_len, "BGP PDU length %zu of %zu", bl,
					 m.body_len);
			}
			if (m.type == BMP_INITIATION || m.type == BMP_TERMINATION || m.type == BMP_PEER_UP) {
				const uint8_t *t = m.body, *v;
				size_t n = m.body_len;
				uint16_t ty, l;
				while (bmp_tlv_next(&t, &n, &ty, &v, &l) == 1) {
					FZ_CHECK(INSIDE(v, l, p, len), "TLV value outside the message");
					fz_touch(v, l);
					fz_val(ty);
				}
			}
		}
		off += len;
	}
	return 0;
}
