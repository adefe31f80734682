/*
 * mrt: the MRT format (RFC 6396, RFC 8050, RFC 6793 §8) — framing with
 * recovery, record decoding into route elements, and a writer.
 *
 * Three parts, each pure over bytes:
 *
 *  - struct mrt_reader frames records out of a stream of chunks that some
 *    source (io/, a test's memory buffer, a fuzzer) supplies through a
 *    callback. A record whose header is sane is returned whole; a header
 *    that cannot be trusted starts a resynchronisation that looks for three
 *    chained sane headers, and the skipped bytes come back as a gap.
 *
 *  - struct mrt_dec turns a record into struct bgp_elem values through a
 *    callback: TABLE_DUMP, TABLE_DUMP_V2 (peer index, RIB AFI/SAFI subtypes,
 *    RIB_GENERIC, ADD-PATH), BGP4MP and BGP4MP_ET (state changes and
 *    messages, AS4, LOCAL, ADD-PATH) and the legacy BGP type of 1999-2000
 *    RIS files with Zebra's quirks. Problems are reported in struct
 *    mrt_result with the offset inside the record.
 *
 *  - the writer (mrt_write.c) appends TABLE_DUMP_V2 and BGP4MP[_ET]
 *    records to a struct obuf: the test fixtures, the sample archive and
 *    the live collector's files.
 */
#ifndef RW_MRT_H
#define RW_MRT_H

#include "../base/base.h"
#include "../bgp/bgp.h"

enum mrt_type {
	MRT_BGP = 5, /* legacy, RFC 6396 §B.2.1 */
	MRT_TABLE_DUMP = 12,
	MRT_TABLE_DUMP_V2 = 13,
	MRT_BGP4MP = 16,
	MRT_BGP4MP_ET = 17,
};

enum mrt_td2_subtype {
	MRT_PEER_INDEX_TABLE = 1,
	MRT_RIB_IPV4_UNICAST = 2,
	MRT_RIB_IPV4_MULTICAST = 3,
	MRT_RIB_IPV6_UNICAST = 4,
	MRT_RIB_IPV6_MULTICAST = 5,
	MRT_RIB_GENERIC = 6,
	MRT_RIB_IPV4_UNICAST_ADDPATH = 8,
	MRT_RIB_IPV4_MULTICAST_ADDPATH = 9,
	MRT_RIB_IPV6_UNICAST_ADDPATH = 10,
	MRT_RIB_IPV6_MULTICAST_ADDPATH = 11,
	MRT_RIB_GENERIC_ADDPATH = 12,
};

enum mrt_bgp4mp_subtype {
	MRT_STATE_CHANGE = 0,
	MRT_MESSAGE = 1,
	MRT_ENTRY = 2,
	MRT_SNAPSHOT = 3,
	MRT_MESSAGE_AS4 = 4,
	MRT_STATE_CHANGE_AS4 = 5,
	MRT_MESSAGE_LOCAL = 6,
	MRT_MESSAGE_AS4_LOCAL = 7,
	MRT_MESSAGE_ADDPATH = 8,
	MRT_MESSAGE_AS4_ADDPATH = 9,
	MRT_MESSAGE_LOCAL_ADDPATH = 10,
	MRT_MESSAGE_AS4_LOCAL_ADDPATH = 11,
};

enum mrt_bgp_subtype { /* legacy MRT_BGP */
	MRT_BGP_NULL = 0,
	MRT_BGP_UPDATE = 1,
	MRT_BGP_PREF_UPDATE = 2,
	MRT_BGP_STATE_CHANGE = 3,
	MRT_BGP_SYNC = 4,
	MRT_BGP_OPEN = 5,
	MRT_BGP_NOTIFY = 6,
	MRT_BGP_KEEPALIVE = 7,
};

#define MRT_HDR_LEN 12
#define MRT_MAX_REC_DEFAULT (16u << 20)

struct mrt_hdr {
	uint32_t ts;
	uint16_t type, subtype;
	uint32_t len;  /* Length field as on the wire (includes usec for _ET) */
	uint32_t usec; /* _ET only */
};

/* A framed record. body excludes the _ET microseconds. */
struct mrt_rec {
	struct mrt_hdr h;
	const uint8_t *body; /* borrowed until the next mrt_reader_next */
	size_t len;
	uint64_t off;        /* stream offset of the record's header */
	uint64_t idx;        /* record index from 0, counting gaps as none */
	uint32_t slack;      /* bytes between this record's end and the next
				trusted header: its length field may be short
				(see mrt_reader_absorb) */
	bool stable;         /* body stays valid until the source is closed,
				not only until the next call (a chunk of a
				stable source: mrt_reader.stable_src) */
};

/* ---------------------------------------------------------------- framing */

/* Chunk source: like io_next. 1 with a chunk, 0 at the end, < 0 error. */
typedef int (*mrt_src_fn)(void *ctx, const uint8_t **p, size_t *n);

enum { MRT_NEXT_REC = 1, MRT_NEXT_GAP = 2 };

struct mrt_gap {
	uint64_t off;     /* first skipped byte */
	uint64_t len;     /* bytes skipped */
	const char *why;  /* static string */
	bool at_end;      /* the stream ended inside the gap */
	struct mrt_hdr bad; /* the header that was not trusted (if any) */
};

struct mrt_reader {
	mrt_src_fn src;
	void *src_ctx;
	uint8_t *buf;     /* owned window: records that straddle chunks, and
			     everything during a resynchronisation */
	size_t start, end;
	uint32_t cap;
	const uint8_t *ck; /* current chunk from the source (borrowed) */
	size_t ck_len, ck_pos;
	size_t ck_copied; /* window tail bytes copied from ck (ending at ck_pos) */
	uint64_t buf_off; /* stream offset of buf[0] */
	size_t max_rec;   /* cap on a record's length */
	uint64_t nrec;    /* records returned */
	uint32_t last_ts; /* timestamp of the last good record (0 = none) */
	int src_eof;
	int src_err;      /* < 0 once the source failed */
	struct mrt_gap gap;   /* filled when MRT_NEXT_GAP is returned */
	uint64_t pend_len;    /* slack of the last record, reported as a gap
				 by the next call unless absorbed */
	uint64_t gaps, gap_bytes;
	bool stable_src;      /* set by the caller: the source's chunks stay
				 valid until it is closed (io_stable) */
};

void mrt_reader_init(struct mrt_reader *r, mrt_src_fn src, void *ctx, size_t max_rec);
void mrt_reader_release(struct mrt_reader *r);
/* MRT_NEXT_REC with *rec, MRT_NEXT_GAP with r->gap, 0 at the end, < 0 when
 * the source failed (r->src_err) — everything before stays delivered. */
int mrt_reader_next(struct mrt_reader *r, struct mrt_rec *rec);
/* The caller read the last record with its slack (rec->len + slack): the
 * slack bytes are part of it, not a gap. */
void mrt_reader_absorb(struct mrt_reader *r);
/* Is this a header routewatch trusts for framing? */
bool mrt_hdr_sane(const struct mrt_hdr *h, size_t max_rec);
void mrt_hdr_decode(const uint8_t p[MRT_HDR_LEN], struct mrt_hdr *h);
/* "BGP4MP/MESSAGE_AS4" etc. into dst (>= 48 bytes). */
const char *mrt_type_name(uint16_t type, uint16_t subtype, char *dst, size_t n);

/* ---------------------------------------------------------------- decoding */

struct mrt_peer {
	struct rw_addr addr;
	uint32_t asn;
	uint32_t bgp_id;
	bool as4;
};

struct mrt_peer_index {
	uint32_t collector_id;
	char *view;              /* NUL-terminated, in the index arena */
	uint16_t npeers;
	struct mrt_peer *peers;  /* in the index arena */
};

/* What went wrong in a record (first problem, plus counts). */
struct mrt_result {
	int err;                /* < 0: the record (or its rest) was skipped */
	const char *what;       /* static string for err */
	uint64_t at;            /* offset inside the body of the problem */
	uint32_t n_elems;       /* elements delivered from this record */
	/* RFC 7606 classes met in UPDATEs / RIB entries of this record */
	uint16_t n_taw, n_discard, n_unparseable;
	uint16_t n_notes;       /* accepted oddities worth a warning (AS 0) */
	uint8_t worst;          /* enum bgp_action */
	uint8_t attr;           /* attribute of the worst problem */
	const char *attr_msg;
	uint64_t attr_at;       /* body offset of that UPDATE / entry */
	bool unsupported;       /* type/subtype or AFI/SAFI not decoded */
	uint16_t n_bad_entries; /* RIB entries skipped (bad peer index...) */
};

/* Called per element; non-zero return stops the record's decoding and is
 * passed back from mrt_decode. */
typedef int (*mrt_elem_fn)(void *arg, const struct bgp_elem *e);

struct mrt_dec {
	struct arena scratch;        /* per record: paths, messages */
	struct arena index_arena;    /* per peer index table */
	struct mrt_peer_index *pit;  /* current TABLE_DUMP_V2 peer index */
	uint64_t attrs_gen;          /* bumped per decoded attribute set */
	struct rw_addr peer_addr;    /* peer of the current record */
	struct bgp_update upd;       /* the current UPDATE */
	struct bgp_attrs rib_attrs;  /* the current RIB entry's attributes */
	union {
		struct bgp_open open;
		struct bgp_notification notif;
		struct bgp_route_refresh rr;
	} msg;
	bool want_msgs;              /* also deliver BGP_ELEM_MSG elements */
	bool guess_addpath;          /* MALFORMED U27 guessing, opt-in */
	bool skip_path;              /* leave attrs.path undecoded (engine) */
	bool salvage;                /* deliver the intact leading prefixes of
					an NLRI field that goes bad (bgpdump
					compatibility; see bgp_attrs) */
};

void mrt_dec_init(struct mrt_dec *d);
void mrt_dec_release(struct mrt_dec *d);
/* Decode one record; elements go to fn. Returns fn's non-zero value if it
 * stopped, else 0; problems are in *res (res->err < 0: skipped). */
int mrt_decode(struct mrt_dec *d, const struct mrt_rec *rec, mrt_elem_fn fn, void *arg,
	       struct mrt_result *res);

/* Subtype helpers */
bool mrt_is_addpath(uint16_t type, uint16_t subtype);
bool mrt_is_local(uint16_t type, uint16_t subtype);

/* ---------------------------------------------------------------- writing */

/* Records are appended to a caller-owned memory obuf (a zeroed struct obuf
 * will do; lengths are patched once a record's body is written, so it
 * must not be one that flushes to a file), so the same writer serves
 * files, tests and the fuzz corpus. Attributes are encoded by the bgp
 * codec (struct bgp_wattrs); growing the buffer cannot fail. */

/* TABLE_DUMP_V2 */
int mrt_write_peer_index(struct obuf *out, uint32_t ts, uint32_t collector_id, const char *view,
			 const struct mrt_peer *peers, unsigned npeers);
struct mrt_rib_entry {
	uint16_t peer_index;
	uint32_t orig_time;
	uint32_t path_id;              /* used with addpath */
	const struct bgp_wattrs *attrs;
	const uint8_t *raw;            /* when attrs is NULL: the attributes as
					  they are, in RIB form (RFC 6396 §4.3.4) */
	uint16_t raw_len;
};
int mrt_write_rib(struct obuf *out, uint32_t ts, uint32_t seq, const struct rw_prefix *pfx,
		  const struct mrt_rib_entry *e, unsigned n, bool addpath);

/* BGP4MP / BGP4MP_ET. peer/local addresses must be the same family. as4
 * selects MESSAGE_AS4 (else MESSAGE: 2-byte ASNs in the MRT header and in
 * the UPDATE). et: BGP4MP_ET with usec. addpath: the ADDPATH subtypes
 * (RFC 8050), whose messages carry path ids. */
struct mrt_bgp4mp_hdr {
	uint32_t ts, usec;
	bool et, as4, addpath;
	uint32_t peer_asn, local_asn;
	struct rw_addr peer, local;
};
int mrt_write_update(struct obuf *out, const struct mrt_bgp4mp_hdr *h, const struct bgp_wattrs *a,
		     const struct rw_prefix *nlri, unsigned n_nlri, const struct rw_prefix *withdrawn,
		     unsigned n_withdrawn);
int mrt_write_state(struct obuf *out, const struct mrt_bgp4mp_hdr *h, uint16_t old_state,
		    uint16_t new_state);
/* Any BGP message (header included) in BGP4MP[_ET]. */
int mrt_write_bgp_msg(struct obuf *out, const struct mrt_bgp4mp_hdr *h, const uint8_t *msg,
		      size_t len);
/* A raw record with the given header fields and body (tests of bad input). */
int mrt_write_raw(struct obuf *out, uint32_t ts, uint16_t type, uint16_t subtype,
		  const uint8_t *body, size_t len);

#endif
