/*
 * Helpers shared by the fuzz harnesses: "touch" every byte a decoder hands
 * back (so ASan sees a read of each borrowed pointer) and check the
 * invariants the public headers promise. A broken invariant is reported
 * and abort()ed, so libFuzzer keeps the input like any other crash.
 *
 * Everything is static inline: each harness stays one small file plus this
 * header. The checking helpers are compiled without coverage feedback
 * (FZ_NOCOV): only the library's branches should guide the fuzzer.
 */
#ifndef RW_FUZZ_COMMON_H
#define RW_FUZZ_COMMON_H

#include "bgp/bgp.h"

#include <stdio.h>
#include <stdlib.h>

/* The checking helpers need no coverage feedback (their loops would only
 * slow the fuzzer down with comparison tracing). */
#define FZ_NOCOV __attribute__((no_sanitize("coverage")))

/* Where touched bytes go; volatile so nothing is optimised away. */
static volatile uint64_t fz_sink;

#define FZ_CHECK(cond, ...)                                                          \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "fuzz invariant failed at %s:%d: ", __FILE__, \
				__LINE__);                                           \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

FZ_NOCOV static inline void fz_touch(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = fz_sink;
	for (size_t i = 0; i < n; i++)
		h = h * 31 + b[i];
	fz_sink = h;
}

FZ_NOCOV static inline void fz_val(uint64_t v)
{
	fz_sink = fz_sink * 31 + v;
}

FZ_NOCOV static inline void fz_str(const char *s)
{
	if (s)
		fz_touch(s, strlen(s));
}

/* A prefix from an iterator or an element: family, length, host bits
 * zero, text form fits. */
FZ_NOCOV static inline void fz_prefix(const struct rw_prefix *p)
{
	FZ_CHECK(p->af == RW_AF_INET || p->af == RW_AF_INET6, "prefix family %u", p->af);
	unsigned max = p->af == RW_AF_INET ? 32 : 128;
	FZ_CHECK(p->len <= max, "prefix length %u > %u", p->len, max);
	for (unsigned bit = p->len; bit < 128; bit++)
		FZ_CHECK(!(p->b[bit / 8] & (0x80 >> (bit % 8))), "host bit %u set in a /%u", bit,
			 p->len);
	char txt[RW_PREFIX_STRLEN];
	size_t n = fmt_prefix(txt, p);
	FZ_CHECK(n < sizeof txt && strlen(txt) == n, "fmt_prefix length %zu", n);
	fz_touch(txt, n);
	fz_val(p->path_id);
}

FZ_NOCOV static inline void fz_addr(const struct rw_addr *a)
{
	FZ_CHECK(a->af == RW_AF_INET || a->af == RW_AF_INET6 || a->af == RW_AF_NONE,
		 "address family %u", a->af);
	char txt[RW_ADDR_STRLEN];
	size_t n = fmt_addr(txt, a);
	FZ_CHECK(n < sizeof txt, "fmt_addr length %zu", n);
	fz_touch(txt, n);
	if (a->af == RW_AF_INET6) {
		n = fmt_ipv6_bgpdump(txt, a->b);
		FZ_CHECK(n < sizeof txt, "fmt_ipv6_bgpdump length %zu", n);
		fz_touch(txt, n);
	}
}

/* Walk an NLRI field the decoder returned. When strict, the decoder
 * promises the field is intact (lengths are cut to the good prefixes when
 * it is not), so the iterator must reach its end without an error. Not
 * strict: a field of an UPDATE whose framing was lost (BGP_ACT_RESET
 * without reset_nlri_only), which callers must not use; it is walked only
 * to check that walking it is memory-safe. */
static inline long fz_nlri(const uint8_t *p, size_t len, uint8_t af, bool addpath,
			   const char *what, bool strict)
{
	struct bgp_nlri_it it;
	struct rw_prefix pfx;
	long n = 0;
	int r;
	if (!p) { /* a field the decoder never located: empty */
		FZ_CHECK(len == 0, "%s: NULL NLRI field of %zu bytes", what, len);
		return 0;
	}
	bgp_nlri_init(&it, p, len, af, addpath);
	while ((r = bgp_nlri_next(&it, &pfx)) > 0) {
		fz_prefix(&pfx);
		n++;
	}
	size_t bad = 0;
	long m = bgp_nlri_check(p, len, af, addpath, &bad);
	if (!strict)
		return n;
	FZ_CHECK(r == 0, "%s: NLRI field returned by the decoder does not iterate (%s)", what,
		 rw_strerror(r));
	FZ_CHECK(m == n, "%s: bgp_nlri_check says %ld prefixes, iterator %ld", what, m, n);
	return n;
}

/* A decoded AS path: segment lengths add up, the text fits in
 * bgp_path_fmt_size bytes (an exact-size heap buffer, so ASan sees any
 * overflow). */
FZ_NOCOV static inline void fz_path(const struct bgp_path *p)
{
	uint64_t sum = 0;
	for (unsigned s = 0; s < p->nseg; s++) {
		FZ_CHECK(p->seg_type[s] >= BGP_SEG_SET && p->seg_type[s] <= BGP_SEG_CONFED_SET,
			 "segment type %u", p->seg_type[s]);
		sum += p->seg_len[s];
	}
	FZ_CHECK(sum == p->nasn, "segment lengths add up to %llu, nasn %u",
		 (unsigned long long)sum, p->nasn);
	fz_touch(p->asn, (size_t)p->nasn * sizeof *p->asn);
	fz_val(bgp_path_count(p));
	size_t cap = bgp_path_fmt_size(p);
	char *buf = malloc(cap);
	if (!buf)
		return;
	size_t n = bgp_path_fmt(buf, p, NULL);
	FZ_CHECK(n < cap, "bgp_path_fmt wrote %zu bytes, size says %zu", n, cap);
	buf[n] = '\0';
	FZ_CHECK(strlen(buf) == n, "bgp_path_fmt text has a NUL inside");
	fz_touch(buf, n);
	/* the same text through the number cache (twice: cold, then warm),
	 * into a buffer of the same exact size */
	static struct fmt_cache cache;
	char *cbuf = malloc(cap);
	if (cbuf) {
		for (int pass = 0; pass < 2; pass++) {
			size_t m = bgp_path_fmt(cbuf, p, &cache);
			FZ_CHECK(m == n && !memcmp(cbuf, buf, n),
				 "bgp_path_fmt with a cache gives %zu bytes, without %zu (pass %d)", m, n,
				 pass);
		}
		free(cbuf);
	}
	free(buf);
}

static inline void fz_mp(const struct bgp_attrs *a, const struct bgp_mp *m, unsigned type)
{
	if (!bgp_has(a, type))
		return;
	FZ_CHECK(m->nh_len <= sizeof m->nh, "MP next hop length %u", m->nh_len);
	fz_touch(m->nh, m->nh_len);
	fz_val(m->afi);
	fz_val(m->safi);
	fz_val(m->abbreviated);
	uint8_t af = bgp_afi_af(m->afi);
	if (af && bgp_safi_routes(m->safi) && !m->abbreviated)
		/* a valid MP attribute's NLRI was checked (or cut) while decoding,
		 * whatever else went wrong in the UPDATE: always strict */
		fz_nlri(m->nlri, m->nlri_len, af, m->addpath,
			type == BGP_ATTR_MP_REACH ? "MP_REACH" : "MP_UNREACH", true);
}

/* A bool (or small enum) output field must hold a valid value. Read as a
 * byte: the harnesses fill the output struct with 0xa5 before decoding,
 * so a field the decoder forgot to set shows up here, by name, instead of
 * as an undefined bool load somewhere later. */
static inline bool fz_byte_le(const void *field, uint8_t max, const char *name, char *bad,
			      size_t badsz)
{
	uint8_t v;
	memcpy(&v, field, 1);
	if (v <= max)
		return true;
	size_t n = strlen(bad);
	snprintf(bad + n, badsz - n, " %s=0x%02x", name, v);
	return false;
}

#define FZ_BYTE_LE(field, max) fz_byte_le(&(field), (max), #field, bad, sizeof bad)

/* The byte output structs are filled with before a decode. FUZZ_ALLOW_UNSET
 * in the environment makes it 0, to fuzz past a known "field not set" bug
 * until it is fixed (see fuzz/README.md). */
static uint8_t fz_poison = 0xa5;

static inline void fz_poison_init(void)
{
	if (getenv("FUZZ_ALLOW_UNSET"))
		fz_poison = 0;
}

/* Output fields every successful decode must set. All are checked so the
 * report names every field that was left out. */
static inline void fz_attrs_set(const struct bgp_attrs *a)
{
	char bad[256] = "";
	bool ok = FZ_BYTE_LE(a->action, BGP_ACT_RESET);
	ok &= FZ_BYTE_LE(a->path_ok, 1);
	ok &= FZ_BYTE_LE(a->as4_use, 1);
	ok &= FZ_BYTE_LE(a->as4_merged, 1);
	ok &= FZ_BYTE_LE(a->reset_nlri_only, 1);
	ok &= FZ_BYTE_LE(a->reset_other, 1);
	ok &= FZ_BYTE_LE(a->addpath_guessed, 1);
	FZ_CHECK(ok, "struct bgp_attrs fields not set by the decoder (0xa5 = never written):%s", bad);
}

/* Every field of a struct bgp_attrs that the decoder says is there. */
static inline void fz_attrs(const struct bgp_attrs *a)
{
	fz_attrs_set(a);
	/* bit 0 is left out: an attribute of the reserved type 0 sets valid
	 * bit 0 but never seen bit 0 (seen counts types 1..63 only) */
	FZ_CHECK(!(a->valid & ~a->seen & ~1ULL), "valid bits %llx not all seen (%llx)",
		 (unsigned long long)a->valid, (unsigned long long)a->seen);
	fz_str(bgp_action_name((enum bgp_action)a->action));
	fz_str(a->err_msg);
	fz_val(a->seen ^ a->valid ^ a->origin ^ a->med ^ a->local_pref ^ a->agg_asn ^
	       a->as4_agg_asn ^ a->n_unknown ^ a->n_attrs ^ a->err_attr ^ a->n_errors ^ a->err_off);
	fz_touch(a->nexthop, 4);
	fz_touch(a->agg_addr, 4);
	fz_touch(a->as4_agg_addr, 4);
	fz_touch(a->originator_id, 4);
	if (a->as_path)
		fz_touch(a->as_path, a->as_path_len);
	if (a->as4_path)
		fz_touch(a->as4_path, a->as4_path_len);
	if (a->comm) {
		FZ_CHECK(a->comm_len % 4 == 0, "COMMUNITIES length %u", a->comm_len);
		fz_touch(a->comm, a->comm_len);
	}
	if (a->lcomm) {
		FZ_CHECK(a->lcomm_len % 12 == 0, "LARGE_COMMUNITIES length %u", a->lcomm_len);
		fz_touch(a->lcomm, a->lcomm_len);
	}
	if (a->ecomm) {
		FZ_CHECK(a->ecomm_len % 8 == 0, "EXTENDED_COMMUNITIES length %u", a->ecomm_len);
		fz_touch(a->ecomm, a->ecomm_len);
	}
	if (a->cluster) {
		FZ_CHECK(a->cluster_len % 4 == 0, "CLUSTER_LIST length %u", a->cluster_len);
		fz_touch(a->cluster, a->cluster_len);
	}
	fz_val(a->as4_merged ^ a->reset_nlri_only ^ a->reset_other ^ a->addpath_guessed);
	fz_mp(a, &a->reach, BGP_ATTR_MP_REACH);
	fz_mp(a, &a->unreach, BGP_ATTR_MP_UNREACH);
	if (a->path_ok)
		fz_path(&a->path);
}

/* The decoding context from a selector byte:
 * bit 0 4-byte ASNs, 1 ADD-PATH, 2 RIB entry, 3 guess ADD-PATH, 4 iBGP,
 * 5 skip the AS path decoding. */
static inline struct bgp_ctx fz_ctx(uint8_t sel)
{
	struct bgp_ctx c = {
		.asn_size = (sel & 1) ? 4 : 2,
		.addpath = (sel & 2) != 0,
		.rib = (sel & 4) != 0,
		.guess_addpath = (sel & 8) != 0,
		.ibgp = (sel & 16) != 0,
		.skip_path = (sel & 32) != 0,
	};
	return c;
}

/* Quiet the library's stderr logging unless FUZZ_VERBOSE is set. */
static inline void fz_quiet(void)
{
	rw_log_level = getenv("FUZZ_VERBOSE") ? RW_LOG_DEBUG : -1;
}

#endif
