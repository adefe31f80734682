/*
 * bgp: the BGP message codec (RFC 4271, 4760, 6793, 7606, 7911, 8092,
 * 8654). Pure functions over (const uint8_t *, size_t): no files, sockets,
 * clock or globals. It does not know where the bytes came from; MRT, BMP
 * and live sessions all hand it messages with a struct bgp_ctx saying how
 * to read them.
 *
 * Decoding an UPDATE never allocates for the common case: attributes are
 * decoded into fixed fields of struct bgp_attrs, and variable-length parts
 * (communities, NLRI, raw AS path) are borrowed pointers into the message.
 * The AS path is decoded (and AS4_PATH merged) into a scratch arena the
 * caller resets per message.
 *
 * Malformed input is classified as RFC 7606 says, as data on the result:
 * attrs->action is the worst outcome (attribute discard, treat-as-withdraw,
 * or unparseable/session reset) and err_* say which attribute and why. The
 * decoder never fails on an attribute problem; it fails (< 0) only when the
 * message framing itself cannot be read.
 */
#ifndef RW_BGP_H
#define RW_BGP_H

#include "../base/base.h"

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,
};

enum bgp_attr_type {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,
	BGP_ATTR_ORIGINATOR_ID = 9,
	BGP_ATTR_CLUSTER_LIST = 10,
	BGP_ATTR_MP_REACH = 14,
	BGP_ATTR_MP_UNREACH = 15,
	BGP_ATTR_EXT_COMMUNITIES = 16,
	BGP_ATTR_AS4_PATH = 17,
	BGP_ATTR_AS4_AGGREGATOR = 18,
	BGP_ATTR_IPV6_EXT_COMMUNITIES = 25,
	BGP_ATTR_AIGP = 26,
	BGP_ATTR_LARGE_COMMUNITIES = 32,
	BGP_ATTR_OTC = 35,
};

enum bgp_seg_type {
	BGP_SEG_SET = 1,
	BGP_SEG_SEQUENCE = 2,
	BGP_SEG_CONFED_SEQUENCE = 3,
	BGP_SEG_CONFED_SET = 4,
};

#define BGP_AS_TRANS 23456u
#define BGP_HDR_LEN 19
#define BGP_MAX_LEN 4096u
#define BGP_MAX_EXT_LEN 65535u

enum { BGP_AFI_IPV4 = 1, BGP_AFI_IPV6 = 2 };
enum { BGP_SAFI_UNICAST = 1, BGP_SAFI_MULTICAST = 2, BGP_SAFI_BOTH = 3 };

/* How to read a message: decided by the MRT subtype, the BMP peer header
 * or the capabilities a live session negotiated. */
struct bgp_ctx {
	uint8_t asn_size; /* 2 or 4: size of ASNs in AS_PATH and AGGREGATOR */
	bool addpath;     /* NLRI carry a 4-byte path id (RFC 7911) */
	bool rib;         /* TABLE_DUMP_V2 entry: MP_REACH may be abbreviated */
	bool guess_addpath; /* an NLRI field that does not parse as signalled
			       but parses whole the other way (path ids
			       present or not) is read that way and flagged
			       (MALFORMED U27). Off for live sessions. */
	bool ibgp;        /* peer is internal: LOCAL_PREF errors are TaW, not AD */
	bool skip_path;   /* do not decode the AS path into attrs.path (the
			     caller works from the raw bytes, see as4_use) */
	bool addpath_by_af; /* live sessions: ADD-PATH is negotiated per
			       family (addpath4/addpath6), not per record */
	bool addpath4, addpath6;
};

/* RFC 7606 outcomes, in increasing severity. */
enum bgp_action {
	BGP_ACT_NONE = 0,
	BGP_ACT_DISCARD = 1,  /* attribute discard: route kept */
	BGP_ACT_WITHDRAW = 2, /* treat-as-withdraw: every NLRI withdrawn */
	BGP_ACT_RESET = 3,    /* NLRI cannot be located or parsed: session reset
				 (live) / unparseable, no routes (MRT, BMP) */
};

const char *bgp_action_name(enum bgp_action a);

/* ---------------------------------------------------------------- AS path */

/* A decoded AS path. Arrays live in the caller's scratch arena or in the
 * inline storage of struct bgp_attrs. */
struct bgp_path {
	const uint32_t *asn;      /* all ASNs, in order */
	const uint8_t *seg_type;  /* enum bgp_seg_type per segment */
	const uint16_t *seg_len;  /* ASNs per segment */
	uint16_t nseg;
	uint32_t nasn;
};

/* Validate an AS_PATH/AS4_PATH value: known segment types, count > 0,
 * every segment inside the attribute. 0 or RW_EMALFORMED/RW_ETRUNC. */
int bgp_path_check(const uint8_t *p, size_t len, unsigned asn_size);
/* Decode a checked path. asn_size 2 widens to 32-bit. */
int bgp_path_decode(const uint8_t *p, size_t len, unsigned asn_size, struct arena *a,
		    struct bgp_path *out);
/* RFC 6793 §4.2.3: rebuild the 4-byte path from a 2-byte AS_PATH and
 * AS4_PATH. When AS4_PATH has more ASNs than AS_PATH, AS_PATH is kept. */
int bgp_path_merge_as4(const struct bgp_path *path, const struct bgp_path *as4,
		       struct arena *a, struct bgp_path *out);
/* Path length as RFC 4271 §9.1.2.2 counts it, the way bgpdump does:
 * sequences by their ASNs, sets as one. */
uint32_t bgp_path_count(const struct bgp_path *p);
/* Text like bgpdump: "1 2 {3,4} (5 6) [7,8]". Returns bytes written
 * (no NUL); dst must hold bgp_path_fmt_size(p) bytes. cache may be NULL. */
size_t bgp_path_fmt(char *dst, const struct bgp_path *p, struct fmt_cache *cache);
size_t bgp_path_fmt_size(const struct bgp_path *p);

/* ---------------------------------------------------------------- attributes */

struct bgp_mp {
	uint16_t afi;
	uint8_t safi;
	uint8_t nh_len;          /* MP_REACH: 0..32 bytes copied into nh */
	uint8_t nh[32];
	bool abbreviated;        /* RFC 6396 §4.3.4 form: next hop only */
	const uint8_t *nlri;     /* borrowed */
	size_t nlri_len;         /* cut to the intact prefixes when malformed */
	bool addpath;            /* NLRI carry path ids */
};

struct bgp_attrs {
	uint64_t seen;           /* bit t: attribute type t (1..63) present */
	uint64_t valid;          /* bit t: decoded and kept (not discarded) */
	uint8_t asn_size;        /* from the context */
	uint8_t origin;          /* 0 IGP, 1 EGP, 2 INCOMPLETE */
	uint8_t nexthop[4];      /* NEXT_HOP */
	uint32_t med;
	uint32_t local_pref;
	uint32_t agg_asn;        /* AGGREGATOR, after AS4_AGGREGATOR merge */
	uint8_t agg_addr[4];
	uint32_t as4_agg_asn;    /* AS4_AGGREGATOR as received */
	uint8_t as4_agg_addr[4];
	uint8_t originator_id[4];

	const uint8_t *as_path;  /* borrowed raw AS_PATH value */
	uint16_t as_path_len;
	const uint8_t *as4_path; /* borrowed raw AS4_PATH value */
	uint16_t as4_path_len;
	const uint8_t *comm;     /* COMMUNITIES, 4 bytes each */
	uint16_t comm_len;
	const uint8_t *lcomm;    /* LARGE_COMMUNITIES, 12 bytes each */
	uint16_t lcomm_len;
	const uint8_t *ecomm;    /* EXTENDED COMMUNITIES, 8 bytes each */
	uint16_t ecomm_len;
	const uint8_t *cluster;  /* CLUSTER_LIST, 4 bytes each */
	uint16_t cluster_len;
	uint16_t n_unknown;      /* attributes of types not decoded here */
	uint16_t n_attrs;

	struct bgp_mp reach;     /* first MP_REACH (valid bit 14) */
	struct bgp_mp unreach;   /* first MP_UNREACH (valid bit 15) */

	/* The AS path to use: AS_PATH with AS4_PATH merged where RFC 6793 says
	 * (valid when path_ok). Borrowed from the scratch arena. */
	struct bgp_path path;
	bool path_ok;
	bool as4_use;            /* RFC 6793: AS4_PATH takes part in the path
				    (2-byte session, AGGREGATOR allows it) */
	bool as4_merged;         /* AS4_PATH was merged into path */

	/* RFC 7606 outcome */
	uint8_t action;          /* enum bgp_action, worst seen */
	uint8_t err_attr;        /* attribute type of the first problem */
	uint16_t n_errors;       /* problems seen (every class) */
	uint32_t err_off;        /* offset of that attribute in the value */
	const char *err_msg;     /* static string: what was wrong */
	/* BGP_ACT_RESET came only from NLRI fields that run bad part way: the
	 * prefixes before the bad one are intact (the NLRI lengths below are
	 * cut to them). Callers that salvage (bgpdump-compatible dump) may
	 * use them; the engine does not. */
	bool reset_nlri_only;
	bool reset_other;        /* a reset for another reason was seen */
	bool addpath_guessed;    /* some NLRI field was read with the other
				    ADD-PATH setting than signalled */
};

static inline bool bgp_has(const struct bgp_attrs *a, unsigned type)
{
	return type < 64 && (a->valid >> type) & 1;
}

/* Decode path attributes (the Total Path Attribute bytes). Never fails on
 * a malformed attribute (see a->action); returns < 0 only when the scratch
 * arena is exhausted. */
int bgp_attrs_decode(const uint8_t *p, size_t len, const struct bgp_ctx *ctx, struct arena *scratch,
		     struct bgp_attrs *a);

/* ---------------------------------------------------------------- NLRI */

/* Iterate prefixes of an NLRI field (RFC 4271 §4.3, RFC 4760, RFC 7911).
 * Host bits beyond the length are cleared. */
struct bgp_nlri_it {
	struct cur c;
	uint8_t af;     /* RW_AF_INET or RW_AF_INET6 */
	bool addpath;
};

void bgp_nlri_init(struct bgp_nlri_it *it, const uint8_t *p, size_t len, uint8_t af, bool addpath);
/* 1 with *out, 0 at the end, RW_EMALFORMED (length > max) / RW_ETRUNC. */
int bgp_nlri_next(struct bgp_nlri_it *it, struct rw_prefix *out);
/* Walk a whole field; returns the prefix count or < 0 at the first bad one
 * (*bad_off = its offset). */
long bgp_nlri_check(const uint8_t *p, size_t len, uint8_t af, bool addpath, size_t *bad_off);

/* AFI/SAFI we turn into route elements (unicast and multicast IPv4/IPv6). */
static inline uint8_t bgp_afi_af(uint16_t afi)
{
	return afi == BGP_AFI_IPV4 ? RW_AF_INET : afi == BGP_AFI_IPV6 ? RW_AF_INET6 : RW_AF_NONE;
}
static inline bool bgp_safi_routes(uint8_t safi)
{
	return safi == BGP_SAFI_UNICAST || safi == BGP_SAFI_MULTICAST || safi == BGP_SAFI_BOTH;
}

/* ---------------------------------------------------------------- messages */

struct bgp_hdr {
	uint16_t len;  /* whole message, header included */
	uint8_t type;
};

/* Check marker, length (19..4096, or 65535 with extended messages) and
 * read the type. */
int bgp_hdr_decode(const uint8_t *p, size_t n, bool extended, struct bgp_hdr *h);

struct bgp_update {
	const uint8_t *withdrawn; /* borrowed IPv4 withdrawn routes */
	uint16_t withdrawn_len;
	const uint8_t *nlri;      /* borrowed IPv4 NLRI */
	size_t nlri_len;
	bool withdrawn_addpath;   /* the two plain fields carry path ids */
	bool nlri_addpath;
	struct bgp_attrs attrs;
	bool eor;                 /* End-of-RIB marker (RFC 4724) */
	uint16_t eor_afi;
	uint8_t eor_safi;
};

/* Decode an UPDATE body (after the 19-byte header). Framing errors that
 * hide the NLRI (RFC 7606 §4 cases, bad prefix lengths) are reported as
 * attrs.action = BGP_ACT_RESET and return 0; < 0 only on arena failure. */
int bgp_update_decode(const uint8_t *p, size_t len, const struct bgp_ctx *ctx, struct arena *scratch,
		      struct bgp_update *u);

/* Capabilities of interest in an OPEN (RFC 5492). */
struct bgp_open {
	uint8_t version;
	uint16_t my_as;       /* AS field (AS_TRANS for 4-byte speakers) */
	uint16_t hold_time;
	uint32_t bgp_id;
	uint32_t asn;         /* 4-byte AS capability, else my_as */
	bool as4;             /* capability 65 */
	bool route_refresh;   /* capability 2 (or 128) */
	bool ext_msg;         /* capability 6 (RFC 8654) */
	bool graceful_restart;/* capability 64 */
	uint16_t gr_time;
	uint8_t n_mp;         /* capability 1 entries */
	struct { uint16_t afi; uint8_t safi; } mp[16];
	uint8_t n_addpath;    /* capability 69 entries */
	struct { uint16_t afi; uint8_t safi; uint8_t mode; } addpath[16];
	uint16_t opt_len;
	uint16_t n_caps;      /* all capabilities seen */
};

/* Decode an OPEN body (after the header); RFC 9072 extended optional
 * parameters are understood. */
int bgp_open_decode(const uint8_t *p, size_t len, struct bgp_open *o);
/* ADD-PATH: will this speaker send path ids for afi/safi (its mode 2 or 3)?. */
bool bgp_open_addpath_tx(const struct bgp_open *o, uint16_t afi, uint8_t safi);

struct bgp_notification {
	uint8_t code, subcode;
	const uint8_t *data; /* borrowed */
	size_t data_len;
};

int bgp_notification_decode(const uint8_t *p, size_t len, struct bgp_notification *n);
const char *bgp_notification_name(uint8_t code);

struct bgp_route_refresh {
	uint16_t afi;
	uint8_t subtype; /* RFC 7313: 0 normal, 1 BoRR, 2 EoRR */
	uint8_t safi;
};

int bgp_route_refresh_decode(const uint8_t *p, size_t len, struct bgp_route_refresh *r);

/* FSM state names (1..6, Quagga 7 Clearing and 8 Deleted). */
const char *bgp_state_name(unsigned state);

/* ---------------------------------------------------------------- elements */

/* One route-level fact. Everything borrowed lives until the producer's next
 * record/message. */
enum bgp_elem_type {
	BGP_ELEM_ANNOUNCE = 'A',
	BGP_ELEM_WITHDRAW = 'W',
	BGP_ELEM_RIB = 'B',   /* an entry of a RIB dump */
	BGP_ELEM_STATE = 'S', /* peer FSM state change */
	BGP_ELEM_MSG = 'M',   /* OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH */
};

struct bgp_elem {
	uint8_t type;                 /* enum bgp_elem_type */
	uint8_t nh_len;               /* 0 (none), 4, 16 or 32 */
	uint8_t msg_type;             /* BGP_ELEM_MSG: enum bgp_msg_type */
	bool taw;                     /* withdrawal caused by treat-as-withdraw */
	bool mp;                      /* next hop came from MP_REACH */
	bool addpath;                 /* pfx.path_id came from the NLRI */
	uint16_t old_state, new_state;/* BGP_ELEM_STATE */
	uint32_t ts, usec;            /* record time */
	uint32_t peer_asn;
	const struct rw_addr *peer;   /* borrowed */
	struct rw_prefix pfx;         /* A, W, B */
	const struct bgp_attrs *attrs;/* A, B: shared by a message's prefixes */
	uint64_t attrs_gen;           /* differs whenever *attrs was redecoded */
	const uint8_t *nh;            /* borrowed next hop bytes */
	uint32_t orig_time;           /* B: originated time of the RIB entry */
	const void *msg;              /* BGP_ELEM_MSG: struct bgp_open etc. */
};

#endif
