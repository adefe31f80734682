/* bgp_sess.h: the passive session's state machine (its messages are
 * encoded by bgp_enc.c). */
#include "bgp_sess.h"

#include <stdio.h>
#include <stdlib.h>

/* Until the OPEN arrives: RFC 4271 §8 suggests 4 minutes; a collector
 * that anyone in an --accept range may connect to cannot hold a connection
 * that long for nothing. A real speaker sends its OPEN at once. */
#define OPEN_TIMEOUT_DEFAULT 10

/* ---------------------------------------------------------------- session */

void bgp_sess_init(struct bgp_sess *s, const struct bgp_sess_cfg *cfg)
{
	memset(s, 0, sizeof *s);
	s->cfg = *cfg;
	s->state = BGP_ACTIVE; /* waiting for a connection */
}

void bgp_sess_release(struct bgp_sess *s)
{
	rw_vec_free(&s->rx, &s->rxcap, 1, RW_MEM_BGP);
	s->rxlen = 0;
}

void bgp_sess_start(struct bgp_sess *s, uint64_t now_ms, struct obuf *tx)
{
	bgp_put_open(tx, s->cfg.local_asn, s->cfg.hold_time, s->cfg.router_id, !s->cfg.no_addpath);
	s->state = BGP_OPENSENT;
	s->last_rx = s->last_tx = now_ms;
	s->rxlen = 0;
}

/* End the session with a NOTIFICATION of ours. */
static int fail(struct bgp_sess *s, struct obuf *tx, uint8_t code, uint8_t sub, const uint8_t *data, size_t n,
		const char *why)
{
	bgp_put_notification(tx, code, sub, data, n);
	s->notif_code = code;
	s->notif_sub = sub;
	s->notif_sent = true;
	snprintf(s->why, sizeof s->why, "%s (sent NOTIFICATION %u/%u %s)", why, code, sub,
		 bgp_notification_name(code));
	s->state = BGP_IDLE;
	return RW_EMALFORMED;
}

void bgp_sess_cease(struct bgp_sess *s, uint8_t subcode, struct obuf *tx)
{
	if (s->state >= BGP_OPENSENT)
		fail(s, tx, BGP_ERR_CEASE, subcode, NULL, 0, "closed by us");
	s->state = BGP_IDLE;
}

static int on_open(struct bgp_sess *s, const uint8_t *m, size_t ml, uint64_t now, struct obuf *tx)
{
	struct bgp_open *o = &s->peer;
	if (bgp_open_decode(m, ml, o))
		return fail(s, tx, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPECIFIC, NULL, 0, "OPEN message malformed");
	if (o->version != 4) {
		uint8_t v[2] = {0, 4}; /* the version we support */
		return fail(s, tx, BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION, v, 2, "unsupported BGP version");
	}
	if (s->cfg.peer_asn && o->asn != s->cfg.peer_asn) {
		char w[80];
		snprintf(w, sizeof w, "peer AS %u, expected %u", o->asn, s->cfg.peer_asn);
		return fail(s, tx, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS, NULL, 0, w);
	}
	if (!o->bgp_id || o->bgp_id == s->cfg.router_id)
		return fail(s, tx, BGP_ERR_OPEN, BGP_ERR_OPEN_BGP_ID, NULL, 0, "bad BGP identifier");
	if (o->hold_time && o->hold_time < 3) /* §4.2: zero or at least three seconds */
		return fail(s, tx, BGP_ERR_OPEN, BGP_ERR_OPEN_HOLD_TIME, NULL, 0, "unacceptable hold time");
	s->hold = o->hold_time < s->cfg.hold_time ? o->hold_time : s->cfg.hold_time;
	s->as4 = o->as4;
	s->ext_msg = o->ext_msg; /* we offered it: both sides have it */
	/* ADD-PATH: we receive where the peer says it will send (mode 2/3) */
	s->addpath4 = !s->cfg.no_addpath && bgp_open_addpath_tx(o, BGP_AFI_IPV4, BGP_SAFI_UNICAST);
	s->addpath6 = !s->cfg.no_addpath && bgp_open_addpath_tx(o, BGP_AFI_IPV6, BGP_SAFI_UNICAST);
	bgp_put_keepalive(tx);
	s->last_tx = now;
	s->state = BGP_OPENCONFIRM;
	return 0;
}

/* One complete message. */
static int message(struct bgp_sess *s, const uint8_t *p, const struct bgp_hdr *h, uint64_t now, struct obuf *tx,
		   bgp_sess_msg_fn fn, void *arg)
{
	const uint8_t *m = p + BGP_HDR_LEN;
	size_t ml = h->len - BGP_HDR_LEN;
	s->msgs_in++;
	/* the hold timer counts whole messages: a byte now and then inside
	 * an unfinished one keeps nothing alive (RFC 4271 §4.4: KEEPALIVE or
	 * UPDATE messages restart it) */
	s->last_rx = now;
	if (h->type == BGP_MSG_NOTIFICATION) {
		struct bgp_notification nt;
		if (bgp_notification_decode(m, ml, &nt)) {
			nt.code = 0;
			nt.subcode = 0;
		}
		s->notif_code = nt.code;
		s->notif_sub = nt.subcode;
		s->notif_sent = false;
		snprintf(s->why, sizeof s->why, "peer sent NOTIFICATION %u/%u %s", nt.code, nt.subcode,
			 bgp_notification_name(nt.code));
		if (fn)
			fn(arg, h->type, p, h->len);
		s->state = BGP_IDLE;
		return RW_EIO;
	}
	switch (s->state) {
	case BGP_OPENSENT: {
		if (h->type != BGP_MSG_OPEN)
			return fail(s, tx, BGP_ERR_FSM, BGP_ERR_FSM_OPENSENT, NULL, 0, "message before OPEN");
		size_t mark = tx->len; /* tx is a memory obuf (bgp_sess.h) */
		int rc = on_open(s, m, ml, now, tx);
		if (rc)
			return rc;
		/* the caller may refuse the session now that it knows the peer
		 * (RFC 4271 §6.8 collision resolution) */
		int r = fn ? fn(arg, h->type, p, h->len) : 0;
		if (r > 0) {
			tx->len = mark; /* our KEEPALIVE is not sent */
			return fail(s, tx, (uint8_t)(r >> 8), (uint8_t)r, NULL, 0, "refused after its OPEN");
		}
		return 0;
	}
	case BGP_OPENCONFIRM:
		if (h->type != BGP_MSG_KEEPALIVE)
			return fail(s, tx, BGP_ERR_FSM, BGP_ERR_FSM_OPENCONFIRM, NULL, 0, "unexpected message in OpenConfirm");
		s->state = BGP_ESTABLISHED;
		return 0;
	case BGP_ESTABLISHED:
		switch (h->type) {
		case BGP_MSG_KEEPALIVE:
			return 0;
		case BGP_MSG_UPDATE:
		case BGP_MSG_ROUTE_REFRESH: {
			s->updates_in += h->type == BGP_MSG_UPDATE;
			int r = fn ? fn(arg, h->type, p, h->len) : 0;
			if (r > 0)
				return fail(s, tx, (uint8_t)(r >> 8), (uint8_t)r, NULL, 0, "malformed UPDATE (RFC 7606: session reset)");
			return 0;
		}
		default:
			return fail(s, tx, BGP_ERR_FSM, BGP_ERR_FSM_ESTABLISHED, NULL, 0, "OPEN in Established");
		}
	default:
		return fail(s, tx, BGP_ERR_FSM, BGP_ERR_FSM_UNSPECIFIC, NULL, 0, "message in a state that takes none");
	}
}

/* The header at msg (19 bytes there): 0 with its length and type, or < 0
 * after the NOTIFICATION it calls for (RFC 4271 §6.1). */
static int header(struct bgp_sess *s, const uint8_t *msg, struct obuf *tx, struct bgp_hdr *h)
{
	static const uint8_t marker[BGP_MARKER_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	if (memcmp(msg, marker, BGP_MARKER_LEN))
		return fail(s, tx, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC, NULL, 0, "connection not synchronized (bad marker)");
	/* extended messages only once both sides have said so */
	size_t max = s->ext_msg && s->state == BGP_ESTABLISHED ? BGP_MAX_EXT_LEN : BGP_MAX_LEN;
	uint16_t len = rd16(msg + BGP_MARKER_LEN);
	uint8_t type = msg[BGP_MARKER_LEN + 2];
	if (len < BGP_HDR_LEN || len > max || (type == BGP_MSG_KEEPALIVE && len != BGP_HDR_LEN) ||
	    (type == BGP_MSG_OPEN && len < BGP_HDR_LEN + 10) || (type == BGP_MSG_UPDATE && len < BGP_HDR_LEN + 4) ||
	    (type == BGP_MSG_NOTIFICATION && len < BGP_HDR_LEN + 2)) {
		uint8_t d[2];
		wr16(d, len);
		return fail(s, tx, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH, d, 2, "bad message length");
	}
	if (type < BGP_MSG_OPEN || type > BGP_MSG_ROUTE_REFRESH)
		return fail(s, tx, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE, &type, 1, "bad message type");
	h->len = len;
	h->type = type;
	return 0;
}

/* Keep n bytes of an incomplete message (never more than one message). */
static int keep(struct bgp_sess *s, const uint8_t *p, size_t n, struct obuf *tx)
{
	/* at most one message: 65535 bytes with extended messages */
	if (rw_vec_grow(&s->rx, &s->rxcap, s->rxlen + n, 1, BGP_MAX_EXT_LEN, RW_MEM_BGP))
		return fail(s, tx, BGP_ERR_CEASE, BGP_CEASE_OUT_OF_RESOURCES, NULL, 0, "message too long");
	if (n)
		memcpy(s->rx + s->rxlen, p, n);
	s->rxlen += n;
	return 0;
}

int bgp_sess_input(struct bgp_sess *s, const uint8_t *p, size_t n, uint64_t now_ms, struct obuf *tx,
		   bgp_sess_msg_fn fn, void *arg)
{
	if (s->state < BGP_OPENSENT)
		return RW_EINVAL;
	struct bgp_hdr h;
	int rc;
	/* First the message the last read left incomplete: only its own bytes
	 * are copied to complete it. */
	if (s->rxlen) {
		size_t k = s->rxlen < BGP_HDR_LEN ? RW_MIN(BGP_HDR_LEN - s->rxlen, n) : 0;
		if ((rc = keep(s, p, k, tx)) < 0)
			goto fail;
		p += k;
		n -= k;
		if (s->rxlen < BGP_HDR_LEN)
			return 0;
		if ((rc = header(s, s->rx, tx, &h)) < 0)
			goto fail;
		k = RW_MIN(h.len - s->rxlen, n);
		if ((rc = keep(s, p, k, tx)) < 0)
			goto fail;
		p += k;
		n -= k;
		if (s->rxlen < h.len)
			return 0;
		s->rxlen = 0;
		if ((rc = message(s, s->rx, &h, now_ms, tx, fn, arg)) < 0)
			goto fail;
	}
	/* Then whole messages straight from the input; the tail is kept. */
	while (n >= BGP_HDR_LEN) {
		if ((rc = header(s, p, tx, &h)) < 0)
			goto fail;
		if (n < h.len)
			break; /* the rest is still on its way */
		if ((rc = message(s, p, &h, now_ms, tx, fn, arg)) < 0)
			goto fail;
		p += h.len;
		n -= h.len;
	}
	if ((rc = keep(s, p, n, tx)) < 0)
		goto fail;
	return 0;
fail:
	s->rxlen = 0;
	return rc;
}

long bgp_sess_tick(struct bgp_sess *s, uint64_t now_ms, struct obuf *tx)
{
	if (s->state < BGP_OPENSENT)
		return 1000;
	uint64_t hold = s->state == BGP_OPENSENT ? (s->cfg.open_timeout ? s->cfg.open_timeout : OPEN_TIMEOUT_DEFAULT)
						 : s->hold;
	if (!hold)
		return 60000; /* no timers were agreed */
	uint64_t hold_ms = hold * 1000, ka_ms = hold_ms / 3;
	if (now_ms - s->last_rx >= hold_ms)
		return fail(s, tx, BGP_ERR_HOLD_TIMER, 0, NULL, 0,
			    s->state == BGP_OPENSENT ? "no OPEN in time" : "hold timer expired");
	if (s->state != BGP_OPENSENT && now_ms - s->last_tx >= ka_ms) {
		bgp_put_keepalive(tx);
		s->last_tx = now_ms;
	}
	uint64_t next_ka = s->state != BGP_OPENSENT ? s->last_tx + ka_ms : UINT64_MAX;
	uint64_t next_hold = s->last_rx + hold_ms;
	uint64_t next = next_ka < next_hold ? next_ka : next_hold;
	return next > now_ms ? (long)(next - now_ms) : 0;
}

struct bgp_ctx bgp_sess_ctx(const struct bgp_sess *s)
{
	struct bgp_ctx c = {0};
	c.asn_size = s->as4 ? 4 : 2;
	c.addpath_by_af = true;
	c.addpath4 = s->addpath4;
	c.addpath6 = s->addpath6;
	return c;
}
