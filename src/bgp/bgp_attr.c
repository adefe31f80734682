/*
 * Path attributes (RFC 4271 §4.3/§5, RFC 4760, RFC 6793, RFC 7606, RFC
 * 8092): the one attribute codec. attr_table has one row per type this
 * codec knows (name, flags, RFC 7606 class, decode, encode, print); the
 * decoders live here, the encoders in bgp_enc.c, the text in bgp_print.c.
 *
 * The walk (struct bgp_attr_it) is bounded by the Total Path Attribute
 * Length the caller gives (it never runs into the NLRI, MALFORMED U28) and
 * hands every value over as a cursor bounded to its attribute, so no
 * decoder can read past it. A problem is recorded with its RFC 7606 class
 * and the walk goes on while the framing is still trustworthy.
 */
#include "bgp_int.h"

#include <stddef.h>

const char *bgp_action_name(enum bgp_action a)
{
	switch (a) {
	case BGP_ACT_NONE: return "none";
	case BGP_ACT_DISCARD: return "attribute-discard";
	case BGP_ACT_WITHDRAW: return "treat-as-withdraw";
	case BGP_ACT_RESET: return "unparseable";
	}
	return "?";
}

void bgp__problem(struct bgp_attrs *a, enum bgp_action act, unsigned type, size_t off, const char *msg)
{
	if (act == BGP_ACT_RESET) {
		/* any framing reset clears the NLRI-only mark; nlri_problem
		 * sets it back for its own kind */
		a->reset_nlri_only = false;
		a->reset_other = true;
	}
	if (a->n_errors++ == 0) {
		a->err_attr = (uint8_t)type;
		a->err_off = (uint32_t)off;
		a->err_msg = msg;
	}
	if (act > a->action) {
		a->action = (uint8_t)act;
		/* the message of the worst problem is the one worth reporting */
		a->err_attr = (uint8_t)type;
		a->err_off = (uint32_t)off;
		a->err_msg = msg;
	}
}

/* ---------------------------------------------------------------- iterator */

void bgp_attr_it_init(struct bgp_attr_it *it, const uint8_t *p, size_t len)
{
	cur_init(&it->c, p, len);
	it->start = p;
}

int bgp_attr_next(struct bgp_attr_it *it, struct bgp_attr *a)
{
	return bgp__attr_next(it, a);
}

/* ---------------------------------------------------------------- NLRI fields */

/* Does an intact NLRI field look like what it claims (no /0 prefix, and
 * with path ids, ids below 2^24)? Used to accept a guessed ADD-PATH reading
 * and to salvage the front of a field that overruns. */
static bool nlri_plausible(const uint8_t *p, size_t len, uint8_t af, bool addpath)
{
	struct bgp_nlri_it it;
	struct rw_prefix x;
	bgp_nlri_init(&it, p, len, af, addpath);
	while (bgp_nlri_next(&it, &x) > 0)
		if (x.len == 0 || (addpath && x.path_id >> 24))
			return false;
	return true;
}

/* Check an NLRI field as signalled. When that fails and the caller opted
 * in to guessing (MALFORMED U27, RELIABILITY §1.8), accept the field if it
 * parses whole and plausibly the other way; the guess is reported. Sets
 * *addpath to the way it was read. Returns the prefix count or < 0 (*bad =
 * intact bytes). */
long bgp__nlri_check_guess(struct bgp_attrs *a, const struct bgp_ctx *ctx, const uint8_t *p,
			   size_t len, uint8_t af, bool *addpath, size_t *bad)
{
	bool ap = ctx->addpath_by_af ? (af == RW_AF_INET6 ? ctx->addpath6 : ctx->addpath4) : ctx->addpath;
	*addpath = ap;
	long n = bgp_nlri_check(p, len, af, ap, bad);
	if (n >= 0 || !ctx->guess_addpath)
		return n;
	size_t bad2;
	long m = bgp_nlri_check(p, len, af, !ap, &bad2);
	if (m < 0 || !nlri_plausible(p, len, af, !ap))
		return n;
	*addpath = !ap;
	a->addpath_guessed = true;
	if (!a->n_errors++) {
		a->err_msg = ap ? "NLRI read without path ids: ADD-PATH signalled but not present (guessed, U27)"
				: "NLRI read with path ids: ADD-PATH not signalled but present (guessed, U27)";
	}
	return m;
}

/* May the intact front of a bad NLRI field be salvaged? Only when the
 * field overran at its last prefix (rc == RW_ETRUNC, U25) and what came
 * before looks sane; a prefix length beyond the family (U24) means the
 * framing of the whole field is in doubt. */
bool bgp__nlri_salvageable(long rc, const uint8_t *p, size_t good, uint8_t af, bool addpath)
{
	return rc == RW_ETRUNC && nlri_plausible(p, good, af, addpath);
}

/* An MP NLRI field that goes bad part way: keep the intact prefixes
 * (nlri_len cut to them) and mark the UPDATE unparseable. */
static void nlri_problem(struct bgp_attrs *a, struct bgp_mp *m, unsigned type, size_t off, size_t good, long rc,
			 const char *msg)
{
	bool other = a->reset_other;
	bgp__problem(a, BGP_ACT_RESET, type, off, msg);
	bool salvage = bgp__nlri_salvageable(rc, m->nlri, good, bgp_afi_af(m->afi), m->addpath);
	a->reset_other = other || !salvage;
	a->reset_nlri_only = !a->reset_other;
	m->nlri_len = good;
	a->valid |= 1ULL << type;
}

/* ---------------------------------------------------------------- decoders */

/* Each takes the value as a bounded cursor and returns NULL (decoded, the
 * valid bit is then set by the caller) or what is malformed. */

static const char *dec_origin(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off, uint8_t *act)
{
	(void)ctx, (void)off, (void)act;
	if (cur_left(v) != 1)
		return "ORIGIN length is not 1";
	if (v->p[0] > BGP_ORIGIN_INCOMPLETE)
		return "ORIGIN value above 2";
	a->origin = v->p[0];
	return NULL;
}

/* AS 0 anywhere in a checked path (RFC 7607). */
static inline bool path_has_as0(const uint8_t *p, size_t len, unsigned asn_size)
{
	size_t off = 0;
	while (off + 2 <= len) {
		unsigned n = p[off + 1];
		const uint8_t *q = p + off + 2;
		for (unsigned i = 0; i < n; i++)
			if ((asn_size == 4 ? rd32(q + 4 * i) : rd16(q + 2 * i)) == 0)
				return true;
		off += 2 + (size_t)n * asn_size;
	}
	return false;
}

static inline const char *dec_as_path(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off, uint8_t *act)
{
	(void)act;
	size_t len = cur_left(v);
	if (bgp_path_check(v->p, len, ctx->asn_size))
		return "AS_PATH malformed (segment type, count or length)";
	if (path_has_as0(v->p, len, ctx->asn_size))
		/* RFC 7607 tells routers to treat-as-withdraw; collectors
		 * record such routes (RIS did) and so do we, with a note. */
		bgp__problem(a, BGP_ACT_NONE, BGP_ATTR_AS_PATH, off, "AS_PATH contains AS 0 (RFC 7607), kept");
	a->as_path = v->p;
	a->as_path_len = (uint16_t)len;
	return NULL;
}

static const char *dec_next_hop(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off, uint8_t *act)
{
	(void)ctx, (void)off, (void)act;
	if (cur_left(v) != 4)
		return "NEXT_HOP length is not 4";
	memcpy(a->nexthop, v->p, 4);
	return NULL;
}

static const char *dec_med(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off, uint8_t *act)
{
	(void)ctx, (void)off, (void)act;
	if (cur_left(v) != 4)
		return "MULTI_EXIT_DISC length is not 4";
	a->med = rd32(v->p);
	return NULL;
}

static const char *dec_local_pref(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off,
				  uint8_t *act)
{
	(void)off;
	if (cur_left(v) != 4) {
		/* RFC 7606 §7.5: discarded from an external peer, where it
		 * has no business; treat-as-withdraw from an internal one */
		*act = ctx->ibgp ? BGP_ACT_WITHDRAW : BGP_ACT_DISCARD;
		return "LOCAL_PREF length is not 4";
	}
	a->local_pref = rd32(v->p);
	return NULL;
}

static const char *dec_atomic(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off, uint8_t *act)
{
	(void)a, (void)ctx, (void)off, (void)act;
	return cur_left(v) ? "ATOMIC_AGGREGATE length is not 0" : NULL;
}

static const char *dec_aggregator(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off,
				  uint8_t *act)
{
	(void)act;
	size_t len = cur_left(v);
	if (len != 6 && len != 8)
		return "AGGREGATOR length is neither 6 nor 8";
	if (len != 2u + ctx->asn_size + 2u)
		/* OpenBGPD wrote 4-byte AGGREGATORs into TABLE_DUMP records
		 * with 2-byte AS_PATHs: the length tells. */
		bgp__problem(a, BGP_ACT_NONE, BGP_ATTR_AGGREGATOR, off,
			     "AGGREGATOR size differs from the AS size; read by its length");
	a->agg_asn = len == 8 ? rd32(v->p) : rd16(v->p);
	memcpy(a->agg_addr, v->p + len - 4, 4);
	return NULL;
}

/* Lists of fixed-size items: a positive multiple of the item size. */
static bool list_ok(const struct cur *v, size_t item)
{
	size_t n = cur_left(v);
	return n && n % item == 0;
}

static const char *dec_communities(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off,
				   uint8_t *act)
{
	(void)ctx, (void)off, (void)act;
	if (!list_ok(v, 4))
		return "COMMUNITIES length is not a positive multiple of 4";
	a->comm = v->p;
	a->comm_len = (uint16_t)cur_left(v);
	return NULL;
}

static const char *dec_originator(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off,
				  uint8_t *act)
{
	(void)ctx, (void)off, (void)act;
	if (cur_left(v) != 4)
		return "ORIGINATOR_ID length is not 4";
	memcpy(a->originator_id, v->p, 4);
	return NULL;
}

static const char *dec_cluster(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off,
			       uint8_t *act)
{
	(void)ctx, (void)off, (void)act;
	if (!list_ok(v, 4))
		return "CLUSTER_LIST length is not a positive multiple of 4";
	a->cluster = v->p;
	a->cluster_len = (uint16_t)cur_left(v);
	return NULL;
}

static bool nh_len_ok(uint16_t afi, uint8_t safi, uint8_t n)
{
	if (!bgp_safi_routes(safi))
		return true; /* not ours to judge; NLRI ignored anyway */
	if (afi == BGP_AFI_IPV4)
		return n == 4 || n == 16 || n == 32; /* 16/32: RFC 8950 */
	if (afi == BGP_AFI_IPV6)
		return n == 16 || n == 32; /* RFC 2545 §3 */
	return true;
}

/* The NLRI part of MP_REACH/MP_UNREACH: checked, cut where it goes bad. */
static const char *mp_nlri(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct bgp_mp *m, unsigned type,
			   size_t off, uint8_t *act)
{
	uint8_t af = bgp_afi_af(m->afi);
	if (!af || !bgp_safi_routes(m->safi))
		return NULL;
	size_t bad;
	long rc = bgp__nlri_check_guess(a, ctx, m->nlri, m->nlri_len, af, &m->addpath, &bad);
	if (rc < 0) {
		nlri_problem(a, m, type, off, bad, rc,
			     type == BGP_ATTR_MP_REACH ? "MP_REACH NLRI malformed (bad prefix length or overrun)"
						       : "MP_UNREACH NLRI malformed (bad prefix length or overrun)");
		(void)act;
		return ""; /* recorded by nlri_problem */
	}
	return NULL;
}

/* RFC 4760 §3 (full form) or RFC 6396 §4.3.4 (abbreviated, RIB entries). */
static const char *dec_mp_reach(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off,
				uint8_t *act)
{
	struct bgp_mp *m = &a->reach;
	memset(m, 0, sizeof *m);
	uint8_t nl = 0, nsnpa = 0;
	if (ctx->rib && cur_left(v) >= 1 && v->p[0] != 0) {
		/* abbreviated: next hop length and next hop only */
		cur_u8(v, &nl);
		if (nl > sizeof m->nh || cur_copy(v, m->nh, nl))
			return "MP_REACH next hop runs past the attribute";
		m->abbreviated = true;
		m->nh_len = nl;
		return NULL;
	}
	if (cur_left(v) < 5)
		return "MP_REACH shorter than 5 bytes";
	cur_u16(v, &m->afi);
	cur_u8(v, &m->safi);
	cur_u8(v, &nl);
	struct cur nh;
	if (cur_sub(v, nl, &nh) || !cur_left(v))
		return "MP_REACH next hop runs past the attribute";
	if (!nh_len_ok(m->afi, m->safi, nl))
		return "MP_REACH next hop length does not fit the AFI";
	m->nh_len = (uint8_t)RW_MIN(nl, sizeof m->nh);
	memcpy(m->nh, nh.p, m->nh_len);
	cur_u8(v, &nsnpa); /* present: checked above */
	for (unsigned i = 0; i < nsnpa; i++) { /* RFC 2858 SNPAs: obsolete, skipped */
		uint8_t sl;
		if (cur_u8(v, &sl) || cur_skip(v, (sl + 1u) / 2u))
			return "MP_REACH SNPA runs past the attribute";
	}
	m->nlri = v->p;
	m->nlri_len = cur_left(v);
	return mp_nlri(a, ctx, m, BGP_ATTR_MP_REACH, off, act);
}

static const char *dec_mp_unreach(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off,
				  uint8_t *act)
{
	struct bgp_mp *m = &a->unreach;
	memset(m, 0, sizeof *m);
	if (cur_left(v) < 3)
		return "MP_UNREACH shorter than 3 bytes";
	cur_u16(v, &m->afi);
	cur_u8(v, &m->safi);
	m->nlri = v->p;
	m->nlri_len = cur_left(v);
	return mp_nlri(a, ctx, m, BGP_ATTR_MP_UNREACH, off, act);
}

static const char *dec_ext_communities(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off,
				       uint8_t *act)
{
	(void)ctx, (void)off, (void)act;
	if (!list_ok(v, 8))
		return "EXTENDED_COMMUNITIES length is not a positive multiple of 8";
	a->ecomm = v->p;
	a->ecomm_len = (uint16_t)cur_left(v);
	return NULL;
}

static const char *dec_as4_path(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off,
				uint8_t *act)
{
	(void)ctx, (void)off, (void)act;
	const uint8_t *p = v->p;
	size_t len = cur_left(v);
	if (bgp_path_check(p, len, 4))
		return "AS4_PATH malformed";
	for (size_t o = 0; o < len; o += 2 + 4u * p[o + 1])
		if (p[o] == BGP_SEG_CONFED_SEQUENCE || p[o] == BGP_SEG_CONFED_SET)
			return "AS4_PATH contains a confederation segment";
	a->as4_path = p;
	a->as4_path_len = (uint16_t)len;
	return NULL;
}

static const char *dec_as4_aggregator(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off,
				      uint8_t *act)
{
	(void)ctx, (void)off, (void)act;
	if (cur_left(v) != 8)
		return "AS4_AGGREGATOR length is not 8";
	a->as4_agg_asn = rd32(v->p);
	memcpy(a->as4_agg_addr, v->p + 4, 4);
	return NULL;
}

static const char *dec_ipv6_ext_communities(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v,
					    size_t off, uint8_t *act)
{
	(void)a, (void)ctx, (void)off, (void)act;
	return list_ok(v, 20) ? NULL : "IPV6_EXT_COMMUNITIES length is not a positive multiple of 20";
}

static const char *dec_large_communities(struct bgp_attrs *a, const struct bgp_ctx *ctx, struct cur *v, size_t off,
					 uint8_t *act)
{
	(void)ctx, (void)off, (void)act;
	if (!list_ok(v, 12))
		return "LARGE_COMMUNITIES length is not a positive multiple of 12";
	a->lcomm = v->p;
	a->lcomm_len = (uint16_t)cur_left(v);
	return NULL;
}

/* ---------------------------------------------------------------- the table */

#define O BGP_AF_OPTIONAL
#define T BGP_AF_TRANSITIVE
#define TAW BGP_ACT_WITHDRAW
#define AD BGP_ACT_DISCARD
#define RESET BGP_ACT_RESET

/* Flags and classes: RFC 7606 §3.c (a flag conflict is handled as the
 * attribute's malformation) and §7 per attribute, RFC 6793 §6 for the AS4
 * attributes, RFC 8092 §6 for large communities. flags 0: not checked
 * (RFC 5701's IPv6 communities, decoded for their length only). */
static const struct bgp_attr_def attr_table[BGP_ATTR_MAX] = {
	[BGP_ATTR_ORIGIN] = {"ORIGIN", T, TAW, TAW, dec_origin, bgp__enc_origin, bgp__print_origin, bgp__print_size_word},
	[BGP_ATTR_AS_PATH] = {"AS_PATH", T, TAW, TAW, dec_as_path, bgp__enc_as_path, bgp__print_as_path, bgp__print_size_path},
	[BGP_ATTR_NEXT_HOP] = {"NEXT_HOP", T, TAW, TAW, dec_next_hop, bgp__enc_next_hop, bgp__print_next_hop, bgp__print_size_word},
	[BGP_ATTR_MED] = {"MULTI_EXIT_DISC", O, TAW, TAW, dec_med, bgp__enc_med, bgp__print_med, bgp__print_size_word},
	[BGP_ATTR_LOCAL_PREF] = {"LOCAL_PREF", T, TAW, AD, dec_local_pref, bgp__enc_local_pref, bgp__print_local_pref, bgp__print_size_word},
	[BGP_ATTR_ATOMIC_AGGREGATE] = {"ATOMIC_AGGREGATE", T, AD, AD, dec_atomic, bgp__enc_atomic, bgp__print_atomic, bgp__print_size_word},
	[BGP_ATTR_AGGREGATOR] = {"AGGREGATOR", O | T, AD, AD, dec_aggregator, bgp__enc_aggregator, bgp__print_aggregator, bgp__print_size_word},
	[BGP_ATTR_COMMUNITIES] = {"COMMUNITIES", O | T, TAW, TAW, dec_communities, bgp__enc_communities, bgp__print_communities, bgp__print_size_communities},
	[BGP_ATTR_ORIGINATOR_ID] = {"ORIGINATOR_ID", O, TAW, TAW, dec_originator, NULL, bgp__print_originator, bgp__print_size_word},
	[BGP_ATTR_CLUSTER_LIST] = {"CLUSTER_LIST", O, TAW, TAW, dec_cluster, NULL, bgp__print_cluster, bgp__print_size_cluster},
	[BGP_ATTR_MP_REACH] = {"MP_REACH_NLRI", O, TAW, RESET, dec_mp_reach, bgp__enc_mp_reach, NULL, NULL},
	[BGP_ATTR_MP_UNREACH] = {"MP_UNREACH_NLRI", O, TAW, RESET, dec_mp_unreach, bgp__enc_mp_unreach, NULL, NULL},
	[BGP_ATTR_EXT_COMMUNITIES] = {"EXTENDED_COMMUNITIES", O | T, TAW, TAW, dec_ext_communities, NULL, bgp__print_ext_communities, bgp__print_size_ext_communities},
	[BGP_ATTR_AS4_PATH] = {"AS4_PATH", O | T, AD, AD, dec_as4_path, bgp__enc_as4_path, NULL, NULL},
	[BGP_ATTR_AS4_AGGREGATOR] = {"AS4_AGGREGATOR", O | T, AD, AD, dec_as4_aggregator, bgp__enc_as4_aggregator, NULL, NULL},
	[BGP_ATTR_IPV6_EXT_COMMUNITIES] = {"IPV6_EXT_COMMUNITIES", 0, TAW, TAW, dec_ipv6_ext_communities, NULL, NULL, NULL},
	[BGP_ATTR_LARGE_COMMUNITIES] = {"LARGE_COMMUNITIES", O | T, TAW, TAW, dec_large_communities, bgp__enc_large_communities, bgp__print_large_communities, bgp__print_size_large_communities},
};

#undef O
#undef T
#undef TAW
#undef AD
#undef RESET

static inline const struct bgp_attr_def *def_of(unsigned type)
{
	return type < BGP_ATTR_MAX && attr_table[type].name ? &attr_table[type] : NULL;
}

const struct bgp_attr_def *bgp_attr_def(unsigned type)
{
	return def_of(type);
}

/* ---------------------------------------------------------------- decoding */

/* One attribute of a known type: flags, then its decoder. Always inlined:
 * called with a constant row (below) the compiler resolves the row's
 * decoder and inlines it. */
static inline __attribute__((always_inline)) void decode_one(struct bgp_attrs *a, const struct bgp_ctx *ctx, const struct bgp_attr_def *d,
		       const struct bgp_attr *at)
{
	unsigned ot = at->flags & (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE);
	if (d->flags && ot != d->flags) {
		/* MED and the other optional non-transitive attributes may come
		 * with Transitive set by old implementations; only the Optional
		 * bit decides "well-known or not" for them. */
		bool tolerate = d->flags == BGP_AF_OPTIONAL && (ot & BGP_AF_OPTIONAL);
		if (!tolerate) {
			bgp__problem(a, (enum bgp_action)d->on_flags, at->type, at->off,
				     "attribute flags conflict with the attribute type");
			return;
		}
	}
	struct cur v = at->v;
	uint8_t act = d->on_error;
	const char *bad = d->decode(a, ctx, &v, at->off, &act);
	if (!bad)
		a->valid |= 1ULL << at->type;
	else if (*bad) /* "" : the decoder recorded it itself */
		bgp__problem(a, (enum bgp_action)act, at->type, at->off, bad);
}

void bgp__attrs_reset(struct bgp_attrs *a, const struct bgp_ctx *ctx)
{
	_Static_assert(offsetof(struct bgp_attrs, reach) + 2 * sizeof(struct bgp_mp) == sizeof(struct bgp_attrs) &&
			       offsetof(struct bgp_attrs, unreach) == offsetof(struct bgp_attrs, reach) + sizeof(struct bgp_mp),
		       "reach and unreach must be the last fields of struct bgp_attrs");
	memset(a, 0, offsetof(struct bgp_attrs, reach));
	a->asn_size = ctx->asn_size;
	a->origin = 0xff;
}

int bgp_attrs_decode(const uint8_t *p, size_t len, const struct bgp_ctx *ctx, struct arena *scratch,
		     struct bgp_attrs *a)
{
	bgp__attrs_reset(a, ctx);
	a->raw = p;
	a->raw_len = len;

	struct bgp_attr_it it;
	struct bgp_attr at;
	int r;
	bgp_attr_it_init(&it, p, len);
	while ((r = bgp__attr_next(&it, &at)) > 0) { /* inlined: per RIB entry */
		a->n_attrs++;
		unsigned type = at.type;
		if (type > 0 && type < BGP_ATTR_MAX) {
			uint64_t bit = 1ULL << type;
			if (a->seen & bit) {
				if (type == BGP_ATTR_MP_REACH || type == BGP_ATTR_MP_UNREACH)
					bgp__problem(a, BGP_ACT_RESET, type, at.off, "duplicate MP_REACH/MP_UNREACH");
				else
					bgp__problem(a, BGP_ACT_DISCARD, type, at.off,
						     "duplicate attribute (later copy discarded)");
				continue;
			}
			a->seen |= bit;
		}
		/* the attributes of nearly every route through constant rows:
		 * their decoders inlined, no call through a pointer (a tenth of
		 * the RIB load's decode time, callgrind) */
#define ROW(t)                                           \
	case t:                                          \
		decode_one(a, ctx, &attr_table[t], &at); \
		continue
		switch (type) {
			ROW(BGP_ATTR_ORIGIN);
			ROW(BGP_ATTR_AS_PATH);
			ROW(BGP_ATTR_NEXT_HOP);
			ROW(BGP_ATTR_MED);
			ROW(BGP_ATTR_LOCAL_PREF);
			ROW(BGP_ATTR_COMMUNITIES);
			ROW(BGP_ATTR_MP_REACH);
			ROW(BGP_ATTR_LARGE_COMMUNITIES);
		}
#undef ROW
		const struct bgp_attr_def *d = def_of(type);
		if (d) {
			decode_one(a, ctx, d, &at);
		} else {
			/* not ours to decode: kept as received (an Adj-RIB-In
			 * passes it on) */
			a->n_unknown++;
			if (type > 0 && type < BGP_ATTR_MAX)
				a->valid |= 1ULL << type;
		}
	}
	if (r < 0) {
		/* RFC 7606 §4: a header or a length that overruns the list */
		size_t left = len - at.off;
		bool hdr = left < 3 || ((p[at.off] & BGP_AF_EXTLEN) && left < 4);
		bgp__problem(a, BGP_ACT_WITHDRAW, hdr && left < 3 ? 0 : at.type, at.off,
			     hdr ? "attribute header truncated" : "attribute length runs past the path attributes");
	}

	/* RFC 6793 §4.2.3 on a 2-byte session: AS4_AGGREGATOR replaces an
	 * AGGREGATOR of AS_TRANS; an AGGREGATOR with a real ASN means the
	 * path was aggregated by an old speaker after AS4_PATH was added, so
	 * AS4_PATH and AS4_AGGREGATOR are ignored. On a 4-byte session both
	 * are ignored. */
	bool as2 = ctx->asn_size == 2;
	bool use_as4 = as2 && bgp_has(a, BGP_ATTR_AS4_PATH);
	if (as2 && bgp_has(a, BGP_ATTR_AGGREGATOR) && bgp_has(a, BGP_ATTR_AS4_AGGREGATOR)) {
		if (a->agg_asn == BGP_AS_TRANS) {
			a->agg_asn = a->as4_agg_asn;
			memcpy(a->agg_addr, a->as4_agg_addr, 4);
		} else {
			use_as4 = false;
		}
	}
	a->as4_use = use_as4;
	if (bgp_has(a, BGP_ATTR_AS_PATH) && !ctx->skip_path) {
		int rc = bgp_path_decode(a->as_path, a->as_path_len, ctx->asn_size, scratch, &a->path);
		if (rc)
			return rc;
		if (use_as4) {
			struct bgp_path p4;
			rc = bgp_path_decode(a->as4_path, a->as4_path_len, 4, scratch, &p4);
			if (rc)
				return rc;
			struct bgp_path merged;
			rc = bgp_path_merge_as4(&a->path, &p4, scratch, &merged);
			if (rc)
				return rc;
			a->as4_merged = bgp_path_count(&a->path) >= bgp_path_count(&p4);
			a->path = merged;
		}
		a->path_ok = true;
	}
	return 0;
}
