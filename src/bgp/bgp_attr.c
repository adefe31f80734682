/*
 * Path attributes (RFC 4271 §4.3/§5, RFC 4760, RFC 6793, RFC 7606, RFC
 * 8092) decoded into struct bgp_attrs.
 *
 * The walk is bounded by the Total Path Attribute Length the caller gives
 * (never runs into the NLRI, MALFORMED U28). Each attribute is read through
 * its own bounds; a problem is recorded with its RFC 7606 class and the
 * walk goes on where the framing is still trustworthy. The per-type rules
 * live in one table (attr_rules) so the classification is easy to audit.
 */
#include "bgp_int.h"

#include <stddef.h>

#define F_OPTIONAL 0x80
#define F_TRANSITIVE 0x40
#define F_EXTLEN 0x10

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

static void problem(struct bgp_attrs *a, enum bgp_action act, unsigned type, size_t off,
		    const char *msg)
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

/* Expected Optional/Transitive flags and what a conflict costs (RFC 7606
 * §3.c, with the per-attribute exceptions of §7 and RFC 6793 §6). */
struct attr_rule {
	uint8_t flags;    /* expected Optional|Transitive bits */
	uint8_t on_flags; /* action on a flag conflict */
};

static const struct attr_rule attr_rules[64] = {
	[BGP_ATTR_ORIGIN] = {F_TRANSITIVE, BGP_ACT_WITHDRAW},
	[BGP_ATTR_AS_PATH] = {F_TRANSITIVE, BGP_ACT_WITHDRAW},
	[BGP_ATTR_NEXT_HOP] = {F_TRANSITIVE, BGP_ACT_WITHDRAW},
	[BGP_ATTR_MED] = {F_OPTIONAL, BGP_ACT_WITHDRAW},
	[BGP_ATTR_LOCAL_PREF] = {F_TRANSITIVE, BGP_ACT_WITHDRAW},
	[BGP_ATTR_ATOMIC_AGGREGATE] = {F_TRANSITIVE, BGP_ACT_DISCARD},
	[BGP_ATTR_AGGREGATOR] = {F_OPTIONAL | F_TRANSITIVE, BGP_ACT_DISCARD},
	[BGP_ATTR_COMMUNITIES] = {F_OPTIONAL | F_TRANSITIVE, BGP_ACT_WITHDRAW},
	[BGP_ATTR_ORIGINATOR_ID] = {F_OPTIONAL, BGP_ACT_WITHDRAW},
	[BGP_ATTR_CLUSTER_LIST] = {F_OPTIONAL, BGP_ACT_WITHDRAW},
	[BGP_ATTR_MP_REACH] = {F_OPTIONAL, BGP_ACT_WITHDRAW},
	[BGP_ATTR_MP_UNREACH] = {F_OPTIONAL, BGP_ACT_WITHDRAW},
	[BGP_ATTR_EXT_COMMUNITIES] = {F_OPTIONAL | F_TRANSITIVE, BGP_ACT_WITHDRAW},
	[BGP_ATTR_AS4_PATH] = {F_OPTIONAL | F_TRANSITIVE, BGP_ACT_DISCARD},
	[BGP_ATTR_AS4_AGGREGATOR] = {F_OPTIONAL | F_TRANSITIVE, BGP_ACT_DISCARD},
	[BGP_ATTR_LARGE_COMMUNITIES] = {F_OPTIONAL | F_TRANSITIVE, BGP_ACT_WITHDRAW},
};

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
static void nlri_problem(struct bgp_attrs *a, struct bgp_mp *m, unsigned type, size_t off,
			 size_t good, long rc, const char *msg)
{
	bool other = a->reset_other;
	problem(a, BGP_ACT_RESET, type, off, msg);
	bool salvage = bgp__nlri_salvageable(rc, m->nlri, good, bgp_afi_af(m->afi), m->addpath);
	a->reset_other = other || !salvage;
	a->reset_nlri_only = !a->reset_other;
	m->nlri_len = good;
	a->valid |= 1ULL << type;
}

static bool asz_is2(const struct bgp_ctx *c)
{
	return c->asn_size == 2;
}

static bool known(unsigned type)
{
	return type < 64 && attr_rules[type].flags;
}

/* AS 0 anywhere in a path (RFC 7607). */
static bool path_has_as0(const uint8_t *p, size_t len, unsigned asn_size)
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

/* RFC 4760 §3 (full form) or RFC 6396 §4.3.4 (abbreviated, RIB entries). */
static void decode_reach(struct bgp_attrs *a, const struct bgp_ctx *ctx, const uint8_t *v,
			 size_t len, size_t off)
{
	struct bgp_mp *m = &a->reach;
	memset(m, 0, sizeof *m);
	if (ctx->rib && len >= 1 && v[0] != 0) {
		/* abbreviated: next hop length and next hop only */
		unsigned nl = v[0];
		if (nl > 32 || 1 + (size_t)nl > len) {
			problem(a, BGP_ACT_RESET, BGP_ATTR_MP_REACH, off, "MP_REACH next hop runs past the attribute");
			return;
		}
		m->abbreviated = true;
		m->nh_len = (uint8_t)nl;
		memcpy(m->nh, v + 1, nl);
		a->valid |= 1ULL << BGP_ATTR_MP_REACH;
		return;
	}
	if (len < 5) {
		problem(a, BGP_ACT_RESET, BGP_ATTR_MP_REACH, off, "MP_REACH shorter than 5 bytes");
		return;
	}
	m->afi = rd16(v);
	m->safi = v[2];
	unsigned nl = v[3];
	if (4 + (size_t)nl + 1 > len) {
		problem(a, BGP_ACT_RESET, BGP_ATTR_MP_REACH, off, "MP_REACH next hop runs past the attribute");
		return;
	}
	if (!nh_len_ok(m->afi, m->safi, (uint8_t)nl)) {
		problem(a, BGP_ACT_RESET, BGP_ATTR_MP_REACH, off, "MP_REACH next hop length does not fit the AFI");
		return;
	}
	m->nh_len = (uint8_t)(nl > 32 ? 32 : nl);
	memcpy(m->nh, v + 4, m->nh_len);
	size_t p = 4 + nl;
	unsigned nsnpa = v[p++];
	for (unsigned i = 0; i < nsnpa; i++) { /* RFC 2858 SNPAs: obsolete, skipped */
		if (p >= len) {
			problem(a, BGP_ACT_RESET, BGP_ATTR_MP_REACH, off, "MP_REACH SNPA runs past the attribute");
			return;
		}
		size_t sl = (v[p] + 1u) / 2u;
		p++;
		if (len - p < sl) {
			problem(a, BGP_ACT_RESET, BGP_ATTR_MP_REACH, off, "MP_REACH SNPA runs past the attribute");
			return;
		}
		p += sl;
	}
	m->nlri = v + p;
	m->nlri_len = len - p;
	uint8_t af = bgp_afi_af(m->afi);
	if (af && bgp_safi_routes(m->safi)) {
		size_t bad;
		long rc = bgp__nlri_check_guess(a, ctx, m->nlri, m->nlri_len, af, &m->addpath, &bad);
		if (rc < 0) {
			nlri_problem(a, m, BGP_ATTR_MP_REACH, off, bad, rc,
				     "MP_REACH NLRI malformed (bad prefix length or overrun)");
			return;
		}
	}
	a->valid |= 1ULL << BGP_ATTR_MP_REACH;
}

static void decode_unreach(struct bgp_attrs *a, const struct bgp_ctx *ctx, const uint8_t *v,
			   size_t len, size_t off)
{
	struct bgp_mp *m = &a->unreach;
	memset(m, 0, sizeof *m);
	if (len < 3) {
		problem(a, BGP_ACT_RESET, BGP_ATTR_MP_UNREACH, off, "MP_UNREACH shorter than 3 bytes");
		return;
	}
	m->afi = rd16(v);
	m->safi = v[2];
	m->nlri = v + 3;
	m->nlri_len = len - 3;
	uint8_t af = bgp_afi_af(m->afi);
	if (af && bgp_safi_routes(m->safi)) {
		size_t bad;
		long rc = bgp__nlri_check_guess(a, ctx, m->nlri, m->nlri_len, af, &m->addpath, &bad);
		if (rc < 0) {
			nlri_problem(a, m, BGP_ATTR_MP_UNREACH, off, bad, rc,
				     "MP_UNREACH NLRI malformed (bad prefix length or overrun)");
			return;
		}
	}
	a->valid |= 1ULL << BGP_ATTR_MP_UNREACH;
}

/* Decode one attribute value. Sets the valid bit on success. */
static void decode_one(struct bgp_attrs *a, const struct bgp_ctx *ctx, unsigned flags,
		       unsigned type, const uint8_t *v, size_t len, size_t off)
{
	unsigned asz = ctx->asn_size;
	uint64_t bit = type > 0 && type < 64 ? 1ULL << type : 0;

	if (known(type) && (flags & (F_OPTIONAL | F_TRANSITIVE)) != attr_rules[type].flags) {
		/* MED and the other optional non-transitive attributes may come
		 * with Transitive set by old implementations; only the Optional
		 * bit decides "well-known or not" for them. */
		bool tolerate = (attr_rules[type].flags == F_OPTIONAL) && (flags & F_OPTIONAL);
		if (!tolerate) {
			problem(a, (enum bgp_action)attr_rules[type].on_flags, type, off,
				"attribute flags conflict with the attribute type");
			return;
		}
	}

	switch (type) {
	case BGP_ATTR_ORIGIN:
		if (len != 1 || v[0] > 2) {
			problem(a, BGP_ACT_WITHDRAW, type, off, len != 1 ? "ORIGIN length is not 1" : "ORIGIN value above 2");
			return;
		}
		a->origin = v[0];
		break;
	case BGP_ATTR_AS_PATH:
		if (bgp_path_check(v, len, asz)) {
			problem(a, BGP_ACT_WITHDRAW, type, off, "AS_PATH malformed (segment type, count or length)");
			return;
		}
		if (path_has_as0(v, len, asz))
			/* RFC 7607 tells routers to treat-as-withdraw; collectors
			 * record such routes (RIS did) and so do we, with a note. */
			problem(a, BGP_ACT_NONE, type, off, "AS_PATH contains AS 0 (RFC 7607), kept");
		a->as_path = v;
		a->as_path_len = (uint16_t)len;
		break;
	case BGP_ATTR_NEXT_HOP:
		if (len != 4) {
			problem(a, BGP_ACT_WITHDRAW, type, off, "NEXT_HOP length is not 4");
			return;
		}
		memcpy(a->nexthop, v, 4);
		break;
	case BGP_ATTR_MED:
		if (len != 4) {
			problem(a, BGP_ACT_WITHDRAW, type, off, "MULTI_EXIT_DISC length is not 4");
			return;
		}
		a->med = rd32(v);
		break;
	case BGP_ATTR_LOCAL_PREF:
		if (len != 4) {
			problem(a, ctx->ibgp ? BGP_ACT_WITHDRAW : BGP_ACT_DISCARD, type, off,
				"LOCAL_PREF length is not 4");
			return;
		}
		a->local_pref = rd32(v);
		break;
	case BGP_ATTR_ATOMIC_AGGREGATE:
		if (len != 0) {
			problem(a, BGP_ACT_DISCARD, type, off, "ATOMIC_AGGREGATE length is not 0");
			return;
		}
		break;
	case BGP_ATTR_AGGREGATOR:
		if (len != 6 && len != 8) {
			problem(a, BGP_ACT_DISCARD, type, off, "AGGREGATOR length is neither 6 nor 8");
			return;
		}
		if (len != 2u + asz + 2u)
			/* OpenBGPD wrote 4-byte AGGREGATORs into TABLE_DUMP
			 * records with 2-byte AS_PATHs: the length tells. */
			problem(a, BGP_ACT_NONE, type, off, "AGGREGATOR size differs from the AS size; read by its length");
		a->agg_asn = len == 8 ? rd32(v) : rd16(v);
		memcpy(a->agg_addr, v + len - 4, 4);
		break;
	case BGP_ATTR_COMMUNITIES:
		if (len == 0 || len % 4) {
			problem(a, BGP_ACT_WITHDRAW, type, off, "COMMUNITIES length is not a positive multiple of 4");
			return;
		}
		a->comm = v;
		a->comm_len = (uint16_t)len;
		break;
	case BGP_ATTR_ORIGINATOR_ID:
		if (len != 4) {
			problem(a, BGP_ACT_WITHDRAW, type, off, "ORIGINATOR_ID length is not 4");
			return;
		}
		memcpy(a->originator_id, v, 4);
		break;
	case BGP_ATTR_CLUSTER_LIST:
		if (len == 0 || len % 4) {
			problem(a, BGP_ACT_WITHDRAW, type, off, "CLUSTER_LIST length is not a positive multiple of 4");
			return;
		}
		a->cluster = v;
		a->cluster_len = (uint16_t)len;
		break;
	case BGP_ATTR_MP_REACH:
		decode_reach(a, ctx, v, len, off);
		return; /* sets valid itself */
	case BGP_ATTR_MP_UNREACH:
		decode_unreach(a, ctx, v, len, off);
		return;
	case BGP_ATTR_EXT_COMMUNITIES:
		if (len == 0 || len % 8) {
			problem(a, BGP_ACT_WITHDRAW, type, off, "EXTENDED_COMMUNITIES length is not a positive multiple of 8");
			return;
		}
		a->ecomm = v;
		a->ecomm_len = (uint16_t)len;
		break;
	case BGP_ATTR_AS4_PATH:
		if (bgp_path_check(v, len, 4)) {
			problem(a, BGP_ACT_DISCARD, type, off, "AS4_PATH malformed");
			return;
		}
		for (size_t o = 0; o < len; o += 2 + 4u * v[o + 1])
			if (v[o] == BGP_SEG_CONFED_SEQUENCE || v[o] == BGP_SEG_CONFED_SET) {
				problem(a, BGP_ACT_DISCARD, type, off, "AS4_PATH contains a confederation segment");
				return;
			}
		a->as4_path = v;
		a->as4_path_len = (uint16_t)len;
		break;
	case BGP_ATTR_AS4_AGGREGATOR:
		if (len != 8) {
			problem(a, BGP_ACT_DISCARD, type, off, "AS4_AGGREGATOR length is not 8");
			return;
		}
		a->as4_agg_asn = rd32(v);
		memcpy(a->as4_agg_addr, v + 4, 4);
		break;
	case BGP_ATTR_IPV6_EXT_COMMUNITIES:
		if (len == 0 || len % 20) {
			problem(a, BGP_ACT_WITHDRAW, type, off, "IPV6_EXT_COMMUNITIES length is not a positive multiple of 20");
			return;
		}
		break;
	case BGP_ATTR_LARGE_COMMUNITIES:
		if (len == 0 || len % 12) {
			problem(a, BGP_ACT_WITHDRAW, type, off, "LARGE_COMMUNITIES length is not a positive multiple of 12");
			return;
		}
		a->lcomm = v;
		a->lcomm_len = (uint16_t)len;
		break;
	default:
		a->n_unknown++;
		break;
	}
	a->valid |= bit;
}

void bgp__attrs_reset(struct bgp_attrs *a, const struct bgp_ctx *ctx)
{
	memset(a, 0, offsetof(struct bgp_attrs, reach));
	a->reach.nh_len = 0;
	a->reach.nlri_len = 0;
	a->reach.addpath = false;
	a->unreach.nlri_len = 0;
	a->unreach.addpath = false;
	a->path_ok = false;
	a->as4_use = false;
	a->as4_merged = false;
	a->action = BGP_ACT_NONE;
	a->err_attr = 0;
	a->n_errors = 0;
	a->err_off = 0;
	a->err_msg = NULL;
	a->reset_nlri_only = false;
	a->reset_other = false;
	a->addpath_guessed = false;
	a->asn_size = ctx->asn_size;
	a->origin = 0xff;
}

int bgp_attrs_decode(const uint8_t *p, size_t len, const struct bgp_ctx *ctx, struct arena *scratch,
		     struct bgp_attrs *a)
{
	bgp__attrs_reset(a, ctx);

	size_t off = 0;
	while (off < len) {
		size_t left = len - off;
		if (left < 3) {
			problem(a, BGP_ACT_WITHDRAW, 0, off, "attribute header truncated");
			break;
		}
		unsigned flags = p[off], type = p[off + 1];
		size_t hl = (flags & F_EXTLEN) ? 4 : 3;
		if (left < hl) {
			problem(a, BGP_ACT_WITHDRAW, type, off, "attribute header truncated");
			break;
		}
		size_t alen = (flags & F_EXTLEN) ? rd16(p + off + 2) : p[off + 2];
		if (alen > left - hl) {
			/* RFC 7606 §4: the length overruns the attribute list */
			problem(a, BGP_ACT_WITHDRAW, type, off, "attribute length runs past the path attributes");
			break;
		}
		const uint8_t *v = p + off + hl;
		a->n_attrs++;
		if (type < 64 && type > 0) {
			uint64_t bit = 1ULL << type;
			if (a->seen & bit) {
				if (type == BGP_ATTR_MP_REACH || type == BGP_ATTR_MP_UNREACH)
					problem(a, BGP_ACT_RESET, type, off, "duplicate MP_REACH/MP_UNREACH");
				else
					problem(a, BGP_ACT_DISCARD, type, off, "duplicate attribute (later copy discarded)");
				off += hl + alen;
				continue;
			}
			a->seen |= bit;
		}
		decode_one(a, ctx, flags, type, v, alen, off);
		off += hl + alen;
	}

	/* RFC 6793 §4.2.3 on a 2-byte session: AS4_AGGREGATOR replaces an
	 * AGGREGATOR of AS_TRANS; an AGGREGATOR with a real ASN means the
	 * path was aggregated by an old speaker after AS4_PATH was added, so
	 * AS4_PATH and AS4_AGGREGATOR are ignored. On a 4-byte session both
	 * are ignored. */
	bool use_as4 = asz_is2(ctx) && bgp_has(a, BGP_ATTR_AS4_PATH);
	if (asz_is2(ctx) && bgp_has(a, BGP_ATTR_AGGREGATOR) && bgp_has(a, BGP_ATTR_AS4_AGGREGATOR)) {
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
