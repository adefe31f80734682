/*
 * ris: RIPE RIS Live's JSON messages (https://ris-live.ripe.net/manual/)
 * as the records a RIS collector archives. Pure: text in, MRT records
 * (BGP4MP_ET, MESSAGE_AS4 or STATE_CHANGE_AS4) appended to a caller's
 * memory obuf, no file, socket, clock or global.
 *
 * A `ris_message` of type UPDATE becomes the UPDATE in its `raw` bytes
 * when the message has them (socketOptions.includeRaw), else one built
 * from its JSON fields (path, origin, med, community, announcements,
 * withdrawals): one record per announcement group (each has its own next
 * hop), the withdrawals in the first. RIS_PEER_STATE "connected" is the
 * state change OpenConfirm -> Established, anything else Established ->
 * Idle, as `collect` records a session's start and end. OPEN, KEEPALIVE
 * and NOTIFICATION carry no route and are not records. The collector of
 * a record is the message's `host`.
 *
 * Also the subscription message a client sends (ris_subscribe_json).
 */
#ifndef RW_RIS_H
#define RW_RIS_H

#include "../mrt/mrt.h"

/* The longest message the decoder takes (RIS Live's are a few KB). */
#define RIS_MAX_MSG (1u << 20)
/* The local end of every record: RIS Live does not say (AS12654 is
 * RIPE NCC's, the collectors' own). */
#define RIS_LOCAL_ASN 12654

enum ris_kind {
	RIS_SKIP = 0,    /* nothing for the engine: OPEN, KEEPALIVE,
			    NOTIFICATION, pong, ris_subscribe_ok... */
	RIS_RECORDS,     /* records were appended (m->nrec of them) */
	RIS_ERROR,       /* a ris_error: the server's text in m->text */
};

struct ris_msg {
	enum ris_kind kind;
	char type[24];          /* "UPDATE", "RIS_PEER_STATE", "ris_error"...
				   (truncated), for counts */
	char host[64];          /* the collector (RIS_RECORDS) */
	struct rw_addr peer;
	uint32_t peer_asn;
	uint32_t ts, usec;      /* the message's timestamp */
	unsigned nrec;          /* records appended */
	char text[256];         /* RIS_ERROR: the server's message */
};

/* The decoder's reusable state: the JSON tokener and scratch arrays. */
struct ris_dec {
	void *tok;              /* struct json_tokener, owned */
	uint32_t *path;         /* owned scratch, capped */
	uint32_t *comm;
	struct rw_prefix *pfx, *wd;
	uint8_t *raw;           /* the raw UPDATE's bytes */
	uint32_t cap_path, cap_comm, cap_pfx, cap_wd;
	uint32_t cap_raw;
};

void ris_dec_init(struct ris_dec *d);
void ris_dec_release(struct ris_dec *d);

/* One message (the text of one WebSocket message, not NUL-terminated) into
 * *m and, for RIS_RECORDS, records appended to out (a memory obuf; walk
 * them by their MRT headers). 0, or RW_EMALFORMED / RW_EUNSUPPORTED /
 * RW_ELIMIT with what is wrong in err (out is then as it was). */
int ris_decode(struct ris_dec *d, const char *js, size_t len, struct obuf *out, struct ris_msg *m, char *err,
	       size_t esz);

/* A subscription (ris_subscribe): every field optional (NULL / false). */
struct ris_sub {
	const char *host;       /* "rrc00" */
	const char *prefix;     /* "192.0.2.0/24" */
	bool more_specific, less_specific;
	const char *path;       /* "3356,131279$" (RIS Live's path match) */
	const char *peer;       /* a peer address */
	const char *type;       /* "UPDATE"... */
	bool raw;               /* ask for the raw bytes (includeRaw) */
};
/* The JSON text of the subscription, appended to out. */
void ris_subscribe_json(struct obuf *out, const struct ris_sub *s);

#endif
