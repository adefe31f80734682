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
 * decoder never fails on malformed input: a message whose framing cannot
 * be read is BGP_ACT_RESET like any other unparseable UPDATE. It fails
 * (< 0) only when its scratch memory is full (RW_ELIMIT).
 *
 * Path attributes have one codec (bgp_attr.c): a table with one row per
 * attribute type (name, flags, RFC 7606 class, decode, encode, print),
 * read through struct bgp_attr_it, which hands each attribute's value over
 * as a cursor bounded to it. The MRT writer, the collector's Adj-RIB-In
 * and the session use it; nothing else walks or builds attributes.
 *
 * Every wire constant has a name here: message types, attribute types and
 * flags, NOTIFICATION codes and subcodes, capability codes, FSM states.
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

/* Attribute flags (RFC 4271 §4.3); the low 4 bits are ignored on input. */
enum bgp_attr_flag {
	BGP_AF_OPTIONAL = 0x80,
	BGP_AF_TRANSITIVE = 0x40,
	BGP_AF_PARTIAL = 0x20,
	BGP_AF_EXTLEN = 0x10,
};

enum bgp_origin {
	BGP_ORIGIN_IGP = 0,
	BGP_ORIGIN_EGP = 1,
	BGP_ORIGIN_INCOMPLETE = 2,
};

/* NOTIFICATION error codes (RFC 4271 §4.5, RFC 7313) and subcodes. */
enum bgp_err_code {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD_TIMER = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
	BGP_ERR_ROUTE_REFRESH = 7,
};

enum bgp_err_header { /* §6.1 */
	BGP_ERR_HDR_SYNC = 1,
	BGP_ERR_HDR_LENGTH = 2,
	BGP_ERR_HDR_TYPE = 3,
};

enum bgp_err_open { /* §6.2, RFC 5492 */
	BGP_ERR_OPEN_UNSPECIFIC = 0,
	BGP_ERR_OPEN_VERSION = 1,
	BGP_ERR_OPEN_PEER_AS = 2,
	BGP_ERR_OPEN_BGP_ID = 3,
	BGP_ERR_OPEN_OPT_PARAM = 4,
	BGP_ERR_OPEN_HOLD_TIME = 6,
	BGP_ERR_OPEN_CAPABILITY = 7,
};

enum bgp_err_update { /* §6.3 */
	BGP_ERR_UPD_ATTR_LIST = 1,
	BGP_ERR_UPD_UNKNOWN_WK = 2,
	BGP_ERR_UPD_MISSING_WK = 3,
	BGP_ERR_UPD_FLAGS = 4,
	BGP_ERR_UPD_LENGTH = 5,
	BGP_ERR_UPD_ORIGIN = 6,
	BGP_ERR_UPD_NEXT_HOP = 8,
	BGP_ERR_UPD_OPT_ATTR = 9,
	BGP_ERR_UPD_NETWORK = 10,
	BGP_ERR_UPD_AS_PATH = 11,
};

enum bgp_err_fsm { /* RFC 6608 */
	BGP_ERR_FSM_UNSPECIFIC = 0,
	BGP_ERR_FSM_OPENSENT = 1,
	BGP_ERR_FSM_OPENCONFIRM = 2,
	BGP_ERR_FSM_ESTABLISHED = 3,
};

enum bgp_err_cease { /* RFC 4486, RFC 8538 */
	BGP_CEASE_MAX_PREFIXES = 1,
	BGP_CEASE_ADMIN_SHUTDOWN = 2,
	BGP_CEASE_PEER_DECONFIGURED = 3,
	BGP_CEASE_ADMIN_RESET = 4,
	BGP_CEASE_CONNECTION_REJECTED = 5,
	BGP_CEASE_CONFIG_CHANGE = 6,
	BGP_CEASE_COLLISION = 7,
	BGP_CEASE_OUT_OF_RESOURCES = 8,
	BGP_CEASE_HARD_RESET = 9,
};

/* The NOTIFICATION a callback asks for: code << 8 | subcode (0: none). */
#define BGP_NOTIFY(code, sub) ((int)(code) << 8 | (int)(sub))

/* OPEN optional parameters (RFC 5492, RFC 9072) and capability codes. */
enum {
	BGP_OPT_PARAM_CAPABILITIES = 2,
	BGP_OPT_PARAM_EXTENDED = 255,
};

enum bgp_capability {
	BGP_CAPA_MULTIPROTOCOL = 1,
	BGP_CAPA_ROUTE_REFRESH = 2,
	BGP_CAPA_EXTENDED_NEXT_HOP = 5,
	BGP_CAPA_EXTENDED_MESSAGE = 6,
	BGP_CAPA_GRACEFUL_RESTART = 64,
	BGP_CAPA_AS4 = 65,
	BGP_CAPA_ADD_PATH = 69,
	BGP_CAPA_ENHANCED_ROUTE_REFRESH = 70,
	BGP_CAPA_ROUTE_REFRESH_OLD = 128, /* pre-RFC 2918 Cisco code */
};

/* ADD-PATH Send/Receive field (RFC 7911 §4). */
enum {
	BGP_ADDPATH_RECEIVE = 1,
	BGP_ADDPATH_SEND = 2,
};

/* FSM states (RFC 4271 §8.2.2), as MRT STATE_CHANGE records number them;
 * Quagga added Clearing and Deleted. */
enum bgp_state {
	BGP_IDLE = 1,
	BGP_CONNECT = 2,
	BGP_ACTIVE = 3,
	BGP_OPENSENT = 4,
	BGP_OPENCONFIRM = 5,
	BGP_ESTABLISHED = 6,
	BGP_CLEARING = 7,
	BGP_DELETED = 8,
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

#define BGP_ATTR_MAX 64 /* types decoded into bit sets are below this */

enum bgp_seg_type {
	BGP_SEG_SET = 1,
	BGP_SEG_SEQUENCE = 2,
	BGP_SEG_CONFED_SEQUENCE = 3,
	BGP_SEG_CONFED_SET = 4,
};

#define BGP_AS_TRANS 23456u
#define BGP_MARKER_LEN 16
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
	const uint8_t *raw;      /* borrowed: every attribute as received */
	size_t raw_len;

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

	/* Last, and not reset per decode (their next hops are 32 bytes each):
	 * meaningful only while their valid bit is set, and written whole
	 * when the attribute is decoded. Every field above is zeroed per
	 * decode (bgp__attrs_reset); a static assertion keeps these two last. */
	struct bgp_mp reach;     /* first MP_REACH (valid bit 14) */
	struct bgp_mp unreach;   /* first MP_UNREACH (valid bit 15) */
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

/* Walk the attributes of a Total Path Attribute field. Each attribute's
 * value comes as a cursor bounded to it, so a bad inner length cannot read
 * past its attribute. */
struct bgp_attr {
	uint8_t flags;           /* as received (low 4 bits included) */
	uint8_t type;
	struct cur v;            /* the value, bounded (borrowed) */
	size_t off;              /* offset of the attribute header in the field */
};

struct bgp_attr_it {
	struct cur c;            /* what is left of the field */
	const uint8_t *start;
};

void bgp_attr_it_init(struct bgp_attr_it *it, const uint8_t *p, size_t len);
/* 1 with *a, 0 at the end, RW_ETRUNC when a header or value runs past the
 * field (RFC 7606 §4: the framing is lost; a->off and a->type say where). */
int bgp_attr_next(struct bgp_attr_it *it, struct bgp_attr *a);

/* What to encode: the attributes routewatch writes (test fixtures, the
 * sample archive, benchmarks, RIS Live conversions). */
struct bgp_wattrs {
	uint8_t origin;                /* enum bgp_origin */
	const uint32_t *path;          /* AS_SEQUENCE, or NULL */
	unsigned path_len;
	const uint32_t *set;           /* trailing AS_SET, or NULL */
	unsigned set_len;
	struct rw_addr nexthop;        /* v4: NEXT_HOP; v6: MP next hop */
	bool has_med;
	uint32_t med;
	bool has_local_pref;
	uint32_t local_pref;
	const uint32_t *communities;   /* (asn << 16 | value) each */
	unsigned n_communities;
	const uint32_t *lcommunities;  /* 3 words each */
	unsigned n_lcommunities;
	bool atomic_aggregate;
	bool has_aggregator;
	uint32_t agg_asn;
	uint8_t agg_addr[4];
};

/* How to encode them. */
struct bgp_wopts {
	bool as2;                      /* a 2-byte session: AS_TRANS in AS_PATH
					  and AGGREGATOR, AS4_PATH and
					  AS4_AGGREGATOR beside them */
	bool rib;                      /* RFC 6396 §4.3.4 RIB form: MP_REACH
					  abbreviated to its next hop */
	bool addpath;                  /* MP prefixes carry path ids */
	const struct rw_prefix *mp_nlri; /* IPv6 prefixes for MP_REACH */
	unsigned n_mp_nlri;
	const struct rw_prefix *mp_withdraw; /* for MP_UNREACH */
	unsigned n_mp_withdraw;
};

/* One row of the attribute table. */
struct bgp_attr_def {
	const char *name;              /* as IANA names it */
	uint8_t flags;                 /* the Optional and Transitive bits it
					  must carry */
	uint8_t on_flags;              /* enum bgp_action when they differ
					  (RFC 7606 §3.c and §7) */
	uint8_t on_error;              /* enum bgp_action for a malformed value */
	/* Decode the value into a; NULL, or a static message saying what is
	 * malformed (classed on_error unless *act is set otherwise). */
	const char *(*decode)(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off, uint8_t *act);
	/* Append the attribute from w (nothing when w has none). */
	void (*encode)(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
	/* The decoded value as routewatch's text (bgpdump -m's form) into dst,
	 * which holds print_size bytes; NULL when the type has no text. */
	size_t (*print)(char *dst, const struct bgp_attrs *a, struct fmt_cache *nums);
	size_t (*print_size)(const struct bgp_attrs *a);
};

/* The row of a type; NULL for types this codec does not decode. */
const struct bgp_attr_def *bgp_attr_def(unsigned type);

/* Encode every attribute w has, in type order. */
void bgp_attrs_encode(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo);
/* One attribute: header (extended length when n > 255) and value. */
void bgp_attr_put(struct obuf *o, uint8_t flags, uint8_t type, const void *v, size_t n);
/* An attribute whose value the caller appends: bgp_attr_begin returns the
 * place of the length to patch; ext: 2-byte length. */
size_t bgp_attr_begin(struct obuf *o, uint8_t flags, uint8_t type, bool ext);
void bgp_attr_end(struct obuf *o, size_t lenpos, bool ext);
/* A decoded path as AS_PATH (or AS4_PATH) with asn_size-byte ASNs. */
void bgp_path_put(struct obuf *o, uint8_t flags, uint8_t type, const struct bgp_path *p, unsigned asn_size);
/* A prefix in NLRI form (with its path id when addpath). */
void bgp_prefix_put(struct obuf *o, const struct rw_prefix *p, bool addpath);

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
	bool eor;                 /* End-of-RIB marker (RFC 4724) */
	uint16_t eor_afi;
	uint8_t eor_safi;
	struct bgp_attrs attrs;   /* last: everything above is zeroed per
				     decode, attrs resets itself */
};

/* Decode an UPDATE body (after the 19-byte header). Framing errors that
 * hide the NLRI (RFC 7606 §4 cases, bad prefix lengths) are reported as
 * attrs.action = BGP_ACT_RESET and return 0; < 0 (RW_ELIMIT) only when the
 * scratch arena is full. */
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

/* Message encoders (bgp_enc.c): the collector's session, the MRT writer,
 * tests and fake peers. */
void bgp_put_header(struct obuf *o, uint16_t len, uint8_t type);
void bgp_put_keepalive(struct obuf *o);
void bgp_put_notification(struct obuf *o, uint8_t code, uint8_t sub, const uint8_t *data, size_t n);
/* OPEN offering multiprotocol IPv4 and IPv6 unicast, route refresh,
 * extended messages, 4-byte ASNs and (addpath) ADD-PATH receive for both
 * families. */
void bgp_put_open(struct obuf *o, uint32_t asn, uint16_t hold, uint32_t router_id, bool addpath);
/* An UPDATE (header included): IPv4 prefixes in the plain fields, IPv6 in
 * MP_REACH/MP_UNREACH; w may be NULL for withdrawals only. addpath: every
 * prefix carries its path id. RW_ELIMIT (nothing appended) when the
 * message would be longer than 65535 bytes. */
int bgp_put_update(struct obuf *o, const struct bgp_wattrs *w, bool as2, bool addpath, const struct rw_prefix *nlri,
		   unsigned n_nlri, const struct rw_prefix *withdrawn, unsigned n_withdrawn);

/* The address families an UPDATE (whole message, header included)
 * carries routes of, in plain fields or MP attributes (End-of-RIB markers
 * included); 0 when it cannot be framed. */
enum { BGP_FAM_V4 = 1, BGP_FAM_V6 = 2 };
unsigned bgp_update_families(const uint8_t *msg, size_t len);
/* Split an UPDATE carrying both families into one per family (RFC 8050
 * marks ADD-PATH per MRT record, and a peer may use it for one family
 * only): the IPv4 part keeps the plain fields and every attribute but the
 * MP ones, the IPv6 part the attributes with the MP ones and no plain
 * fields. 0, or RW_EMALFORMED when the message cannot be framed. */
int bgp_update_split(const uint8_t *msg, size_t len, struct obuf *v4, struct obuf *v6);

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
