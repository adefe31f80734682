/*
 * bmp: the BGP Monitoring Protocol (RFC 7854; Loc-RIB, RFC 9069; the
 * Adj-RIB-Out flag of RFC 8671 is read), as a pure decoder: framing and
 * per-peer headers over (const uint8_t *, size_t). The BGP messages inside
 * are handed on as bytes (bgp/ decodes them).
 */
#ifndef RW_BMP_H
#define RW_BMP_H

#include "../base/base.h"
#include "../bgp/bgp.h"

#define BMP_VERSION 3
#define BMP_COMMON_LEN 6
#define BMP_PEER_LEN 42
#define BMP_MAX_LEN (1u << 20) /* a message longer than this is not trusted */

enum bmp_type {
	BMP_ROUTE_MONITORING = 0,
	BMP_STATS = 1,
	BMP_PEER_DOWN = 2,
	BMP_PEER_UP = 3,
	BMP_INITIATION = 4,
	BMP_TERMINATION = 5,
	BMP_ROUTE_MIRRORING = 6,
};

/* Information TLVs of Initiation (RFC 7854 §4.4) and Termination (§4.5). */
enum {
	BMP_INFO_STRING = 0,
	BMP_INFO_SYSDESCR = 1,
	BMP_INFO_SYSNAME = 2,
	BMP_TERM_STRING = 0,
	BMP_TERM_REASON = 1,
};

enum bmp_peer_type {
	BMP_PEER_GLOBAL = 0,
	BMP_PEER_RD = 1,
	BMP_PEER_LOCAL = 2,
	BMP_PEER_LOCRIB = 3,
};

struct bmp_peer_hdr {
	uint8_t type;          /* enum bmp_peer_type */
	uint8_t flags;
	bool ipv6;             /* V: the address is IPv6 */
	bool post_policy;      /* L */
	bool as2;              /* A: AS_PATH in the legacy 2-byte form */
	bool adj_out;          /* O (RFC 8671): Adj-RIB-Out, not In */
	bool filtered;         /* F (RFC 9069, Loc-RIB) */
	uint8_t dist[8];       /* peer distinguisher */
	struct rw_addr addr;
	uint32_t asn, bgp_id;
	uint32_t ts_sec, ts_usec;
};

struct bmp_msg {
	uint8_t type;          /* enum bmp_type */
	uint32_t len;          /* whole message */
	bool has_peer;         /* a per-peer header follows the common one */
	struct bmp_peer_hdr peer;
	const uint8_t *body;   /* after the headers (borrowed) */
	size_t body_len;
	/* PEER_UP */
	struct rw_addr local;
	uint16_t local_port, remote_port;
	const uint8_t *sent_open, *recv_open; /* whole BGP messages */
	size_t sent_open_len, recv_open_len;
	/* PEER_DOWN */
	uint8_t reason;
};

/* The length of the message starting at p: 0 and *len, RW_ETRUNC when
 * fewer than BMP_COMMON_LEN bytes are there, RW_EMALFORMED when the
 * header cannot be trusted (version not 3, length below the header or
 * over BMP_MAX_LEN): the stream is lost. */
int bmp_frame(const uint8_t *p, size_t n, uint32_t *len);

/* Decode one whole message (n = its length). RW_EMALFORMED/RW_ETRUNC when
 * its parts do not fit; *m is then partly filled. */
int bmp_decode(const uint8_t *p, size_t n, struct bmp_msg *m);

/* Information TLVs (Initiation, Termination, Peer Up): the next one from
 * (p, n), advanced past it; 1 with type and value, 0 at the end, RW_ETRUNC when cut. */
int bmp_tlv_next(const uint8_t **p, size_t *n, uint16_t *type, const uint8_t **val, uint16_t *len);

/* The length of the BGP message at p (its header's length field), or 0
 * when p does not hold a whole, plausible BGP message. */
size_t bmp_bgp_len(const uint8_t *p, size_t n);

const char *bmp_type_name(uint8_t type);
const char *bmp_down_reason(uint8_t reason);

#endif
