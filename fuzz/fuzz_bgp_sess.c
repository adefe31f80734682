/*
 * libFuzzer harness: bgp/bgp_sess.c, the collector's passive session, fed
 * what a peer sends. The first input byte chooses how the rest is cut
 * into reads (1..256 bytes each, from the byte's value) and whether the
 * hold timer runs between reads; the session starts as accept() would
 * start it.
 *
 * Invariants: once input returns < 0 the session is Idle and takes no
 * more; what the session sends is whole BGP messages (each with the
 * marker and a length that adds up); an incomplete message kept between
 * reads is shorter than the largest message; every message handed to
 * the caller is a whole one: the peer's OPEN in OpenConfirm (the caller
 * may refuse it, as a collision would), else a type the FSM allows in
 * Established.
 */
#include "fuzz_common.h"
#include "bgp/bgp_sess.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_quiet();
	return 0;
}

static int on_msg(void *arg, uint8_t type, const uint8_t *msg, size_t len)
{
	struct bgp_sess *s = arg;
	FZ_CHECK(len >= BGP_HDR_LEN && rd16(msg + 16) == len, "message of %zu bytes handed on", len);
	FZ_CHECK(type == BGP_MSG_NOTIFICATION || s->state == BGP_ESTABLISHED ||
			 (type == BGP_MSG_OPEN && s->state == BGP_OPENCONFIRM),
		 "type %u in state %u", type, s->state);
	fz_touch(msg, len);
	/* an OPEN whose hold time is odd is refused, as a collision is */
	if (type == BGP_MSG_OPEN && len >= BGP_HDR_LEN + 5 && (msg[BGP_HDR_LEN + 4] & 1))
		return BGP_NOTIFY(BGP_ERR_CEASE, BGP_CEASE_COLLISION);
	/* an UPDATE whose first byte after the header is 0xff asks for a
	 * reset, as an unparseable one would */
	if (type == BGP_MSG_UPDATE && len > BGP_HDR_LEN && msg[BGP_HDR_LEN] == 0xff)
		return 3 << 8 | 1;
	return 0;
}

static void check_tx(struct obuf *tx)
{
	size_t off = 0;
	while (off < tx->len) {
		const uint8_t *m = (const uint8_t *)tx->buf + off;
		FZ_CHECK(tx->len - off >= BGP_HDR_LEN, "half a header sent");
		for (int i = 0; i < 16; i++)
			FZ_CHECK(m[i] == 0xff, "sent a message without the marker");
		size_t l = rd16(m + 16);
		FZ_CHECK(l >= BGP_HDR_LEN && off + l <= tx->len, "sent length %zu", l);
		off += l;
	}
	tx->len = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t step = 1 + data[0];
	bool timers = data[0] & 1;
	data++;
	size--;
	struct bgp_sess_cfg cfg = {.local_asn = 65000, .router_id = 0x7f000001, .hold_time = 90};
	struct bgp_sess s;
	struct obuf tx;
	obuf_init_mem(&tx, 4096);
	bgp_sess_init(&s, &cfg);
	uint64_t now = 1000;
	bgp_sess_start(&s, now, &tx);
	check_tx(&tx);
	for (size_t off = 0; off < size; off += step) {
		size_t n = RW_MIN(step, size - off);
		int rc = bgp_sess_input(&s, data + off, n, now, &tx, on_msg, &s);
		check_tx(&tx);
		if (rc < 0) {
			FZ_CHECK(s.state == BGP_IDLE, "state %u after the end", s.state);
			fz_str(s.why);
			FZ_CHECK(bgp_sess_input(&s, data, 1, now, &tx, on_msg, &s) < 0, "input after the end");
			FZ_CHECK(tx.len == 0, "sent after the end");
			break;
		}
		FZ_CHECK(s.rxlen < BGP_MAX_EXT_LEN, "%zu bytes kept", s.rxlen);
		if (timers) {
			now += 7000;
			if (bgp_sess_tick(&s, now, &tx) < 0) {
				check_tx(&tx);
				FZ_CHECK(s.state == BGP_IDLE, "state %u after the hold timer", s.state);
				break;
			}
			check_tx(&tx);
		}
	}
	struct bgp_ctx c = bgp_sess_ctx(&s);
	fz_val(c.asn_size);
	bgp_sess_release(&s);
	obuf_release(&tx);
	return 0;
}
