/*
 * A passive BGP session (RFC 4271 §8) for a route collector: it accepts a
 * connection, exchanges OPENs, keeps the session alive and hands every
 * UPDATE to the caller; it announces nothing.
 *
 * Pure: no sockets, no clock. The caller feeds received bytes and the
 * current time in milliseconds, and sends what the session appends to its
 * output buffer (a memory struct obuf the caller empties after sending). Whatever ends the session (a NOTIFICATION received or
 * sent, the hold timer, a framing error) returns < 0 with the reason in
 * s->why; the NOTIFICATION due, if any, is already in the output.
 *
 * Capabilities offered: multiprotocol IPv4 and IPv6 unicast (RFC 4760),
 * route refresh (RFC 2918), 4-byte ASNs (RFC 6793), ADD-PATH receive for
 * both families (RFC 7911), extended messages (RFC 8654). Graceful restart
 * (RFC 4724) is understood (End-of-RIB markers are ordinary UPDATEs to the
 * caller), not offered. Unknown capabilities are ignored (RFC 5492).
 */
#ifndef RW_BGP_SESS_H
#define RW_BGP_SESS_H

#include "bgp.h"

struct bgp_sess_cfg {
	uint32_t local_asn;
	uint32_t router_id;     /* network order as a number (a.b.c.d = a<<24...) */
	uint16_t hold_time;     /* proposed; 0 = none, else >= 3 (default 90) */
	uint32_t peer_asn;      /* expected; 0 = any */
	bool no_addpath;        /* do not offer ADD-PATH receive */
	uint16_t open_timeout;  /* seconds to wait for the peer's OPEN; 0 = 10 */
};

/* A message for the caller: the peer's OPEN once it is accepted (the
 * caller may refuse the session: RFC 4271 §6.8 collisions), then, when
 * Established, UPDATE and ROUTE-REFRESH, and a NOTIFICATION received;
 * the whole message, header included. Return 0, or a NOTIFICATION to end
 * the session with, BGP_NOTIFY(code, subcode) (a collision; RFC 7606: an
 * UPDATE whose NLRI cannot be parsed). */
typedef int (*bgp_sess_msg_fn)(void *arg, uint8_t type, const uint8_t *msg, size_t len);

struct bgp_sess {
	struct bgp_sess_cfg cfg;
	uint8_t state;               /* enum bgp_state */
	struct bgp_open peer;        /* the peer's OPEN */
	uint16_t hold;               /* negotiated hold time (s); 0 = none */
	bool as4, ext_msg, addpath4, addpath6;
	uint64_t last_rx, last_tx;   /* ms */
	uint8_t *rx;                 /* owned: bytes of an incomplete message */
	size_t rxlen;
	uint32_t rxcap;
	uint64_t msgs_in, updates_in;
	char why[160];               /* why the session ended */
	uint8_t notif_code, notif_sub; /* the NOTIFICATION that ended it */
	bool notif_sent;             /* ... sent by us (else received) */
};

void bgp_sess_init(struct bgp_sess *s, const struct bgp_sess_cfg *cfg);
void bgp_sess_release(struct bgp_sess *s);
/* The TCP connection is up: our OPEN goes out (OpenSent). */
void bgp_sess_start(struct bgp_sess *s, uint64_t now_ms, struct obuf *tx);
/* Bytes from the peer. 0, or < 0 when the session is over. */
int bgp_sess_input(struct bgp_sess *s, const uint8_t *p, size_t n, uint64_t now_ms, struct obuf *tx,
		   bgp_sess_msg_fn fn, void *arg);
/* Timers: KEEPALIVE when due; < 0 when the hold timer expired. Returns
 * the milliseconds until the next deadline otherwise. */
long bgp_sess_tick(struct bgp_sess *s, uint64_t now_ms, struct obuf *tx);
/* Close politely: NOTIFICATION Cease with this subcode (enum
 * bgp_err_cease: BGP_CEASE_ADMIN_SHUTDOWN...). */
void bgp_sess_cease(struct bgp_sess *s, uint8_t subcode, struct obuf *tx);
/* How to decode this peer's UPDATEs. */
struct bgp_ctx bgp_sess_ctx(const struct bgp_sess *s);

#endif
