/*
 * libFuzzer harness: the other BGP messages (RFC 4271 §4.1/§4.2/§4.5,
 * RFC 5492, RFC 9072, RFC 2918, RFC 7313).
 *
 * Input: one selector byte (bit 0: extended messages, RFC 8654), then a
 * BGP message with its 19-byte header. bgp_hdr_decode frames it and the
 * body goes to the decoder of its type, as a live session would do. The
 * bytes after the selector are also handed, unframed, to bgp_open_decode,
 * bgp_notification_decode and bgp_route_refresh_decode (the legacy MRT
 * type stores bodies without a header).
 */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_quiet();
	return 0;
}

static void open_body(const uint8_t *p, size_t n)
{
	struct bgp_open o;
	if (bgp_open_decode(p, n, &o))
		return;
	FZ_CHECK(o.n_mp <= RW_ARRAY_LEN(o.mp), "n_mp %u", o.n_mp);
	FZ_CHECK(o.n_addpath <= RW_ARRAY_LEN(o.addpath), "n_addpath %u", o.n_addpath);
	fz_val(o.version ^ o.my_as ^ o.hold_time ^ o.bgp_id ^ o.asn ^ o.as4 ^ o.route_refresh ^
	       o.ext_msg ^ o.graceful_restart ^ o.gr_time ^ o.opt_len ^ o.n_caps);
	for (unsigned i = 0; i < o.n_mp; i++)
		fz_val(bgp_open_addpath_tx(&o, o.mp[i].afi, o.mp[i].safi));
	for (unsigned i = 0; i < o.n_addpath; i++)
		fz_val(o.addpath[i].afi ^ o.addpath[i].safi ^ o.addpath[i].mode ^
		       bgp_open_addpath_tx(&o, o.addpath[i].afi, o.addpath[i].safi));
}

static void notification_body(const uint8_t *p, size_t n)
{
	struct bgp_notification m;
	if (bgp_notification_decode(p, n, &m))
		return;
	FZ_CHECK(m.data >= p && m.data + m.data_len <= p + n, "NOTIFICATION data outside the body");
	fz_touch(m.data, m.data_len);
	fz_str(bgp_notification_name(m.code));
	fz_val(m.subcode);
}

static void route_refresh_body(const uint8_t *p, size_t n)
{
	struct bgp_route_refresh r;
	if (bgp_route_refresh_decode(p, n, &r))
		return;
	fz_val(r.afi ^ r.safi ^ r.subtype);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool ext = data[0] & 1;
	const uint8_t *p = data + 1;
	size_t n = size - 1;

	struct bgp_hdr h;
	if (bgp_hdr_decode(p, n, ext, &h) == 0) {
		FZ_CHECK(h.len >= BGP_HDR_LEN && h.len <= (ext ? BGP_MAX_EXT_LEN : BGP_MAX_LEN),
			 "header length %u accepted", h.len);
		size_t blen = RW_MIN((size_t)h.len, n) - BGP_HDR_LEN;
		const uint8_t *body = p + BGP_HDR_LEN;
		switch (h.type) {
		case BGP_MSG_OPEN: open_body(body, blen); break;
		case BGP_MSG_NOTIFICATION: notification_body(body, blen); break;
		case BGP_MSG_ROUTE_REFRESH: route_refresh_body(body, blen); break;
		default: break;
		}
	}
	open_body(p, n);
	notification_body(p, n);
	route_refresh_body(p, n);
	fz_str(bgp_state_name(data[0]));
	return 0;
}
