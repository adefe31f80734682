/* bgp/bgp_sess.c: the passive session against a scripted peer built from
 * the same encoders (OPEN, KEEPALIVE, NOTIFICATION) plus hand-made
 * UPDATEs: the FSM's transitions, timers, byte-by-byte input, and the
 * NOTIFICATION sent for each kind of bad message. */
#define T_PREFIX "sess/"
#include "t.h"
#include "bgp/bgp_sess.h"

#include <stdlib.h>

struct seen {
	unsigned updates, refresh, notif;
	int reply; /* what the callback returns */
	size_t last_len;
};

static int on_msg(void *arg, uint8_t type, const uint8_t *msg, size_t len)
{
	struct seen *s = arg;
	(void)msg;
	s->last_len = len;
	if (type == BGP_MSG_UPDATE)
		s->updates++;
	else if (type == BGP_MSG_ROUTE_REFRESH)
		s->refresh++;
	else if (type == BGP_MSG_NOTIFICATION)
		s->notif++;
	return s->reply;
}

static const struct bgp_sess_cfg cfg = {
	.local_asn = 65000, .router_id = 0x7f000001, .hold_time = 90,
};

/* The first message in a tx buffer: its type (0 if none) and, for a
 * NOTIFICATION, code and subcode. */
static int first_type(const struct obuf *o, size_t at, uint8_t *code, uint8_t *sub)
{
	if (o->len < at + BGP_HDR_LEN)
		return 0;
	const uint8_t *p = (const uint8_t *)o->buf + at;
	if (p[18] == BGP_MSG_NOTIFICATION && code) {
		*code = p[19];
		*sub = p[20];
	}
	return p[18];
}

/* An established session: OPEN and KEEPALIVE from a peer with hold 9. */
static void establish(struct bgp_sess *s, struct obuf *tx, struct seen *seen)
{
	bgp_sess_init(s, &cfg);
	bgp_sess_start(s, 1000, tx);
	struct obuf in;
	obuf_init_mem(&in, 256);
	bgp_put_open(&in, 4200000001u, 9, 0x7f000004, true);
	bgp_put_keepalive(&in);
	CHECK_INT(bgp_sess_input(s, (uint8_t *)in.buf, in.len, 1100, tx, on_msg, seen), 0);
	obuf_release(&in);
}

/* UPDATE announcing 10.0.0.0/8 with no attributes (the session does not
 * judge attributes: the callback does) */
static const uint8_t upd[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0, 25, 2, 0, 0, 0, 0, 8, 10,
};

TEST(open_exchange)
{
	struct bgp_sess s;
	struct obuf tx;
	struct seen seen = {0};
	obuf_init_mem(&tx, 256);
	establish(&s, &tx, &seen);
	CHECK_INT(s.state, BGP_ESTABLISHED);
	CHECK_INT(first_type(&tx, 0, NULL, NULL), BGP_MSG_OPEN);
	/* our OPEN, then the KEEPALIVE that confirms the peer's */
	size_t open_len = rd16((uint8_t *)tx.buf + 16);
	CHECK_INT(first_type(&tx, open_len, NULL, NULL), BGP_MSG_KEEPALIVE);
	CHECK_INT(s.peer.asn, 4200000001u);
	CHECK(s.as4);
	CHECK(s.ext_msg);
	CHECK_INT(s.hold, 9); /* the smaller of 90 and 9 */
	/* our OPEN decodes to what we offer */
	struct bgp_open o;
	CHECK_INT(bgp_open_decode((uint8_t *)tx.buf + BGP_HDR_LEN, open_len - BGP_HDR_LEN, &o), 0);
	CHECK_INT(o.asn, 65000);
	CHECK_INT(o.hold_time, 90);
	CHECK(o.as4 && o.route_refresh && o.ext_msg);
	CHECK_INT(o.n_mp, 2);
	CHECK_INT(o.n_addpath, 2);
	CHECK_INT(o.addpath[0].mode, 1); /* receive only */
	bgp_sess_release(&s);
	obuf_release(&tx);
}

TEST(updates_byte_by_byte)
{
	struct bgp_sess s;
	struct obuf tx;
	struct seen seen = {0};
	obuf_init_mem(&tx, 256);
	establish(&s, &tx, &seen);
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < sizeof upd; i++)
			CHECK_INT(bgp_sess_input(&s, upd + i, 1, 2000, &tx, on_msg, &seen), 0);
	CHECK_INT(seen.updates, 3);
	CHECK_INT(seen.last_len, sizeof upd);
	CHECK_INT(s.updates_in, 3);
	CHECK_INT(s.rxlen, 0);
	/* ROUTE-REFRESH reaches the caller too */
	const uint8_t rr[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			      0xff, 0xff, 0xff, 0xff, 0xff, 0,    23,   5,    0,    1,    0,    1};
	CHECK_INT(bgp_sess_input(&s, rr, sizeof rr, 2000, &tx, on_msg, &seen), 0);
	CHECK_INT(seen.refresh, 1);
	bgp_sess_release(&s);
	obuf_release(&tx);
}

TEST(timers)
{
	struct bgp_sess s;
	struct obuf tx;
	struct seen seen = {0};
	obuf_init_mem(&tx, 256);
	establish(&s, &tx, &seen);
	size_t before = tx.len;
	/* hold 9 s: a KEEPALIVE every 3 s, the deadline is the nearer timer */
	long next = bgp_sess_tick(&s, 2000, &tx);
	CHECK(next > 0 && next <= 3000);
	CHECK_INT(tx.len, before);
	CHECK(bgp_sess_tick(&s, 4200, &tx) >= 0);
	CHECK_INT(tx.len, before + BGP_HDR_LEN);
	CHECK_INT(first_type(&tx, before, NULL, NULL), BGP_MSG_KEEPALIVE);
	/* a KEEPALIVE from the peer restarts the hold timer */
	struct obuf in;
	obuf_init_mem(&in, 64);
	bgp_put_keepalive(&in);
	CHECK_INT(bgp_sess_input(&s, (uint8_t *)in.buf, in.len, 9000, &tx, on_msg, &seen), 0);
	CHECK(bgp_sess_tick(&s, 17000, &tx) >= 0);
	before = tx.len;
	uint8_t code = 0, sub = 0;
	CHECK(bgp_sess_tick(&s, 18000, &tx) < 0);
	CHECK_INT(first_type(&tx, before, &code, &sub), BGP_MSG_NOTIFICATION);
	CHECK_INT(code, 4);
	CHECK(strstr(s.why, "hold timer expired") != NULL);
	CHECK_INT(s.state, BGP_IDLE);
	obuf_release(&in);
	bgp_sess_release(&s);
	obuf_release(&tx);
}

/* Feed `bytes` to a fresh session (established first when asked) and
 * return the NOTIFICATION it answers with as code << 8 | subcode. */
static int answer(const uint8_t *bytes, size_t n, bool est, int reply)
{
	struct bgp_sess s;
	struct obuf tx;
	struct seen seen = {0};
	obuf_init_mem(&tx, 256);
	if (est) {
		establish(&s, &tx, &seen);
	} else {
		bgp_sess_init(&s, &cfg);
		bgp_sess_start(&s, 0, &tx);
	}
	seen.reply = reply; /* for what follows, not for the OPEN above */
	size_t before = tx.len;
	int rc = bgp_sess_input(&s, bytes, n, 5000, &tx, on_msg, &seen);
	uint8_t code = 0, sub = 0;
	int t = first_type(&tx, before, &code, &sub);
	int out = rc < 0 && t == BGP_MSG_NOTIFICATION && s.notif_sent ? code << 8 | sub : -1;
	bgp_sess_release(&s);
	obuf_release(&tx);
	return out;
}

TEST(notifications_for_bad_messages)
{
	uint8_t m[64];
	/* bad marker: 1/1 */
	memcpy(m, upd, sizeof upd);
	m[3] = 0;
	CHECK_INT(answer(m, sizeof upd, true, 0), 1 << 8 | 1);
	/* length below the header, and a KEEPALIVE of 20 bytes: 1/2 */
	memcpy(m, upd, sizeof upd);
	m[17] = 18;
	CHECK_INT(answer(m, sizeof upd, true, 0), 1 << 8 | 2);
	memcpy(m, upd, 19);
	m[17] = 20;
	m[18] = BGP_MSG_KEEPALIVE;
	m[19] = 0;
	CHECK_INT(answer(m, 20, true, 0), 1 << 8 | 2);
	/* unknown type: 1/3 */
	memcpy(m, upd, sizeof upd);
	m[18] = 9;
	CHECK_INT(answer(m, sizeof upd, true, 0), 1 << 8 | 3);
	/* an UPDATE before the OPEN: FSM error 5/1 */
	CHECK_INT(answer(upd, sizeof upd, false, 0), 5 << 8 | 1);
	/* the callback asks for a reset (RFC 7606 NLRI unparseable): 3/1 */
	CHECK_INT(answer(upd, sizeof upd, true, 3 << 8 | 1), 3 << 8 | 1);

	struct obuf o;
	obuf_init_mem(&o, 128);
	/* version 3: 2/1; hold time 2: 2/6; our own identifier: 2/3 */
	bgp_put_open(&o, 65004, 90, 0x7f000004, false);
	((uint8_t *)o.buf)[19] = 3;
	CHECK_INT(answer((uint8_t *)o.buf, o.len, false, 0), 2 << 8 | 1);
	o.len = 0;
	bgp_put_open(&o, 65004, 2, 0x7f000004, false);
	CHECK_INT(answer((uint8_t *)o.buf, o.len, false, 0), 2 << 8 | 6);
	o.len = 0;
	bgp_put_open(&o, 65004, 90, cfg.router_id, false);
	CHECK_INT(answer((uint8_t *)o.buf, o.len, false, 0), 2 << 8 | 3);
	obuf_release(&o);
}

TEST(hold_timer_counts_whole_messages_only)
{
	struct bgp_sess s;
	struct obuf tx;
	struct seen seen = {0};
	obuf_init_mem(&tx, 256);
	establish(&s, &tx, &seen); /* hold 9 s, last message at 1.1 s */
	/* a slow peer: one byte of an UPDATE every 2 s never completes it */
	uint64_t t = 1100;
	for (size_t i = 0; i < 5; i++) {
		t += 2000;
		CHECK_INT(bgp_sess_input(&s, upd + i, 1, t, &tx, on_msg, &seen), 0);
		if (t < 1100 + 9000)
			CHECK(bgp_sess_tick(&s, t, &tx) >= 0);
	}
	CHECK(bgp_sess_tick(&s, 1100 + 9000, &tx) < 0);
	CHECK(strstr(s.why, "hold timer expired") != NULL);
	bgp_sess_release(&s);
	obuf_release(&tx);
}

TEST(no_open_in_time)
{
	struct bgp_sess s;
	struct obuf tx;
	obuf_init_mem(&tx, 256);
	/* the default: 10 s after our OPEN */
	bgp_sess_init(&s, &cfg);
	bgp_sess_start(&s, 1000, &tx);
	CHECK(bgp_sess_tick(&s, 10999, &tx) >= 0);
	CHECK(bgp_sess_tick(&s, 11000, &tx) < 0);
	CHECK(strstr(s.why, "no OPEN in time") != NULL);
	bgp_sess_release(&s);
	/* configured */
	struct bgp_sess_cfg c3 = cfg;
	c3.open_timeout = 3;
	bgp_sess_init(&s, &c3);
	bgp_sess_start(&s, 0, &tx);
	CHECK(bgp_sess_tick(&s, 2999, &tx) >= 0);
	CHECK(bgp_sess_tick(&s, 3000, &tx) < 0);
	bgp_sess_release(&s);
	obuf_release(&tx);
}

TEST(open_refused_by_the_caller)
{
	/* RFC 4271 §6.8: the caller finds a collision once the OPEN names
	 * the peer, and the session ends with Cease 6/7 instead of the
	 * KEEPALIVE that would confirm it */
	struct bgp_sess s;
	struct obuf tx, in;
	struct seen seen = {.reply = BGP_NOTIFY(BGP_ERR_CEASE, BGP_CEASE_COLLISION)};
	obuf_init_mem(&tx, 256);
	obuf_init_mem(&in, 256);
	bgp_sess_init(&s, &cfg);
	bgp_sess_start(&s, 1000, &tx);
	size_t before = tx.len;
	bgp_put_open(&in, 65004, 90, 0x7f000004, false);
	bgp_put_keepalive(&in);
	CHECK(bgp_sess_input(&s, (uint8_t *)in.buf, in.len, 1100, &tx, on_msg, &seen) < 0);
	uint8_t code = 0, sub = 0;
	CHECK_INT(first_type(&tx, before, &code, &sub), BGP_MSG_NOTIFICATION);
	CHECK_INT(code << 8 | sub, 6 << 8 | 7);
	CHECK_INT(tx.len, before + BGP_HDR_LEN + 2); /* no KEEPALIVE */
	CHECK_INT(s.state, BGP_IDLE);
	CHECK(strstr(s.why, "refused after its OPEN") != NULL);
	bgp_sess_release(&s);
	obuf_release(&in);
	obuf_release(&tx);
}

TEST(peer_notification_and_cease)
{
	struct bgp_sess s;
	struct obuf tx;
	struct seen seen = {0};
	obuf_init_mem(&tx, 256);
	establish(&s, &tx, &seen);
	struct obuf in;
	obuf_init_mem(&in, 64);
	bgp_put_notification(&in, 6, 2, NULL, 0);
	size_t before = tx.len;
	CHECK(bgp_sess_input(&s, (uint8_t *)in.buf, in.len, 3000, &tx, on_msg, &seen) < 0);
	CHECK_INT(tx.len, before); /* nothing sent back */
	CHECK_INT(seen.notif, 1);
	CHECK(!s.notif_sent);
	CHECK_INT(s.notif_code, 6);
	CHECK(strstr(s.why, "peer sent NOTIFICATION 6/2") != NULL);
	bgp_sess_release(&s);

	/* our own Cease on shutdown */
	establish(&s, &tx, &seen);
	before = tx.len;
	bgp_sess_cease(&s, 2, &tx);
	uint8_t code = 0, sub = 0;
	CHECK_INT(first_type(&tx, before, &code, &sub), BGP_MSG_NOTIFICATION);
	CHECK_INT(code << 8 | sub, 6 << 8 | 2);
	CHECK_INT(s.state, BGP_IDLE);
	bgp_sess_release(&s);
	obuf_release(&in);
	obuf_release(&tx);
}

TEST(addpath_context)
{
	struct bgp_sess s;
	struct obuf tx;
	struct seen seen = {0};
	obuf_init_mem(&tx, 256);
	/* the peer offers ADD-PATH receive only (mode 1): it will not send
	 * path ids, so none are expected */
	establish(&s, &tx, &seen);
	struct bgp_ctx c = bgp_sess_ctx(&s);
	CHECK_INT(c.asn_size, 4);
	CHECK(!c.addpath4 && !c.addpath6);
	bgp_sess_release(&s);
	obuf_release(&tx);
}
