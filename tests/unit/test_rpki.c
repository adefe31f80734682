/*
 * rpki/: VRP sets, RFC 6811 validation and its reasons, the difference
 * of two sets, RTR-style updates, and the VRP file formats.
 */
#define T_PREFIX "rpki/"
#include "t.h"
#include "tutil.h"

#include "rpki/rpki.h"

#include <rtrlib/lib/ip.h>
#include <rtrlib/pfx/pfx.h>
#include <stdlib.h>
#include <unistd.h>

static struct rpki_vrp vrp(const char *pfx, unsigned maxlen, uint32_t asn)
{
	struct rw_prefix p;
	parse_prefix(pfx, &p);
	struct rpki_vrp x = {.af = p.af, .len = p.len, .maxlen = (uint8_t)maxlen, .asn = asn};
	memcpy(x.b, p.b, sizeof x.b);
	return x;
}

static struct rw_prefix pfx(const char *s)
{
	struct rw_prefix p;
	parse_prefix(s, &p);
	return p;
}

/* A set from a list, as rpki_read would give it (sorted, distinct). */
static void set(struct rpki *v, const struct rpki_vrp *xs, uint32_t n)
{
	struct rpki_vrp *a = NULL;
	uint32_t cap = 0;
	rw_vec_grow(&a, &cap, n ? n : 1, sizeof *a, UINT32_MAX, RW_MEM_RPKI);
	memcpy(a, xs, n * sizeof *a);
	qsort(a, n, sizeof *a, rpki_vrp_cmp);
	rpki_replace(v, a, n, cap, NULL, NULL, NULL);
}

static enum rpki_state st(struct rpki *v, const char *p, uint32_t origin, enum rpki_reason *why)
{
	struct rw_prefix q = pfx(p);
	return rpki_validate(v, &q, origin != 0, origin, why);
}

TEST(validate)
{
	struct rpki v;
	rpki_init(&v);
	enum rpki_reason why;
	CHECK_INT(st(&v, "192.0.2.0/24", 65551, &why), RPKI_NOT_FOUND); /* no VRPs at all */
	struct rpki_vrp xs[] = {vrp("192.0.2.0/24", 24, 65551), vrp("198.51.100.0/22", 24, 65552),
				vrp("203.0.113.0/24", 24, 0), vrp("2001:db8::/32", 48, 65553)};
	set(&v, xs, 4);
	CHECK_INT(v.n, 4);
	CHECK_INT(st(&v, "192.0.2.0/24", 65551, &why), RPKI_VALID);
	CHECK_INT(st(&v, "192.0.2.0/24", 64666, &why), RPKI_INVALID);
	CHECK_INT(why, RPKI_R_AS);
	CHECK_INT(st(&v, "192.0.2.128/25", 65551, &why), RPKI_INVALID);
	CHECK_INT(why, RPKI_R_LENGTH);
	CHECK_INT(st(&v, "192.0.2.128/25", 64666, &why), RPKI_INVALID);
	CHECK_INT(why, RPKI_R_AS);
	CHECK_INT(st(&v, "198.51.101.0/24", 65552, &why), RPKI_VALID); /* inside, up to max length */
	CHECK_INT(st(&v, "198.51.100.0/21", 65552, &why), RPKI_NOT_FOUND); /* less specific: not covered */
	CHECK_INT(st(&v, "10.0.0.0/8", 65552, &why), RPKI_NOT_FOUND);
	/* AS 0 VRPs cover and never match */
	CHECK_INT(st(&v, "203.0.113.0/24", 65551, &why), RPKI_INVALID);
	CHECK_INT(why, RPKI_R_AS);
	/* a path without origin: invalid when covered */
	CHECK_INT(st(&v, "192.0.2.0/24", 0, &why), RPKI_INVALID);
	CHECK_INT(st(&v, "10.0.0.0/8", 0, &why), RPKI_NOT_FOUND);
	/* IPv6 (RTRlib's host-order words) */
	CHECK_INT(st(&v, "2001:db8:1::/48", 65553, &why), RPKI_VALID);
	CHECK_INT(st(&v, "2001:db8:1::/49", 65553, &why), RPKI_INVALID);
	CHECK_INT(why, RPKI_R_LENGTH);
	CHECK_INT(st(&v, "2001:db9::/32", 65553, &why), RPKI_NOT_FOUND);
	/* the covering VRPs, sorted */
	struct rpki_vrp out[4];
	struct rw_prefix q = pfx("192.0.2.128/25");
	CHECK_INT(rpki_covering(&v, &q, out, 4), 1);
	CHECK(!rpki_vrp_cmp(&out[0], &xs[0]));
	CHECK(rpki_covers(&v, &q));
	q = pfx("10.0.0.0/8");
	CHECK(!rpki_covers(&v, &q));
	rpki_release(&v);
}

/* RTRlib's word order: host-order 32-bit words of the address. */
static void to_lrtr(const struct rw_prefix *p, struct lrtr_ip_addr *ip)
{
	memset(ip, 0, sizeof *ip);
	ip->ver = p->af == RW_AF_INET ? LRTR_IPV4 : LRTR_IPV6;
	if (p->af == RW_AF_INET)
		ip->u.addr4.addr = rd32(p->b);
	else
		for (int i = 0; i < 4; i++)
			ip->u.addr6.addr[i] = rd32(p->b + 4 * i);
}

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(*s >> 33);
}

/* A random prefix of len bits inside a small space, so that VRPs and
 * routes meet: IPv4 under 10.0.0.0/12, IPv6 under 2001:db8::/40. */
static struct rw_prefix rnd_prefix(uint64_t *s, bool v6, unsigned len)
{
	struct rw_prefix p = {.af = v6 ? RW_AF_INET6 : RW_AF_INET, .len = (uint8_t)len};
	if (v6) {
		p.b[0] = 0x20, p.b[1] = 0x01, p.b[2] = 0x0d, p.b[3] = 0xb8, p.b[4] = 0;
		for (int i = 5; i < 16; i++)
			p.b[i] = (uint8_t)rnd(s);
	} else {
		p.b[0] = 10;
		p.b[1] = (uint8_t)(rnd(s) & 0x0f);
		p.b[2] = (uint8_t)rnd(s);
		p.b[3] = (uint8_t)rnd(s);
	}
	prefix_mask(&p);
	return p;
}

/* The index against RTRlib's own prefix table as the oracle: a random set
 * of VRPs in both, then random routes, with origins drawn from the VRPs'
 * and others, and the states and reasons must agree. */
TEST(against_rtrlib)
{
	uint64_t seed = 42;
	struct rpki v;
	rpki_init(&v);
	struct pfx_table t;
	pfx_table_init(&t, NULL);
	enum { NV = 3000, NR = 20000 };
	struct rpki_vrp *xs = calloc(NV, sizeof *xs);
	for (unsigned i = 0; i < NV; i++) {
		bool v6 = rnd(&seed) % 4 == 0;
		unsigned len = v6 ? 32 + rnd(&seed) % 17 : 12 + rnd(&seed) % 13;
		struct rw_prefix p = rnd_prefix(&seed, v6, len);
		if (i < 8 && !v6) /* a few short ones, over several /8s (6 .. 11) */
			p.len = (uint8_t)(6 + i % 6), prefix_mask(&p), len = p.len;
		unsigned maxlen = len + rnd(&seed) % 4;
		xs[i] = (struct rpki_vrp){.af = p.af, .len = p.len, .maxlen = (uint8_t)maxlen,
					  .asn = rnd(&seed) % 50};
		memcpy(xs[i].b, p.b, 16);
		struct pfx_record r = {.asn = xs[i].asn, .min_len = p.len, .max_len = (uint8_t)maxlen};
		to_lrtr(&p, &r.prefix);
		int rc = pfx_table_add(&t, &r);
		CHECK(rc == PFX_SUCCESS || rc == PFX_DUPLICATE_RECORD);
	}
	struct rpki_vrp *a = NULL;
	uint32_t cap = 0, n = 0;
	rw_vec_grow(&a, &cap, NV, sizeof *a, UINT32_MAX, RW_MEM_RPKI);
	memcpy(a, xs, NV * sizeof *a);
	qsort(a, NV, sizeof *a, rpki_vrp_cmp);
	for (unsigned i = 0; i < NV; i++)
		if (!n || rpki_vrp_cmp(&a[n - 1], &a[i]))
			a[n++] = a[i];
	rpki_replace(&v, a, n, cap, NULL, NULL, NULL);
	unsigned agree = 0, invalid = 0, valid = 0;
	for (unsigned i = 0; i < NR; i++) {
		bool v6 = rnd(&seed) % 4 == 0;
		unsigned len = v6 ? 32 + rnd(&seed) % 25 : 8 + rnd(&seed) % 21;
		struct rw_prefix p = rnd_prefix(&seed, v6, len);
		uint32_t origin = 1 + rnd(&seed) % 60;
		struct lrtr_ip_addr ip;
		to_lrtr(&p, &ip);
		enum pfxv_state want;
		struct pfx_record *why = NULL;
		unsigned nwhy = 0;
		CHECK_INT(pfx_table_validate_r(&t, &why, &nwhy, origin, &ip, p.len, &want), PFX_SUCCESS);
		enum rpki_reason reason;
		enum rpki_state got = rpki_validate(&v, &p, true, origin, &reason);
		int w = want == BGP_PFXV_STATE_VALID ? RPKI_VALID : want == BGP_PFXV_STATE_INVALID ? RPKI_INVALID
												: RPKI_NOT_FOUND;
		agree += (int)got == w;
		invalid += got == RPKI_INVALID;
		valid += got == RPKI_VALID;
		/* for an invalid route RTRlib lists every covering record: we
		 * find as many (for a valid one it stops at the first match) */
		struct rpki_vrp cov[64];
		uint32_t nc = rpki_covering(&v, &p, cov, 64);
		if (want == BGP_PFXV_STATE_INVALID)
			CHECK_INT(nc, nwhy);
		if (got == RPKI_INVALID) {
			bool own = false;
			for (unsigned k = 0; k < nwhy; k++)
				own |= why[k].asn == origin;
			CHECK_INT(reason, own ? RPKI_R_LENGTH : RPKI_R_AS);
		}
		free(why);
	}
	CHECK_INT(agree, NR);
	CHECK(invalid > 100 && valid > 100); /* both kinds were met */
	free(xs);
	pfx_table_free(&t);
	rpki_release(&v);
}

TEST(replace_diff)
{
	struct rpki v;
	rpki_init(&v);
	struct rpki_vrp a[] = {vrp("192.0.2.0/24", 24, 1), vrp("198.51.100.0/24", 24, 2), vrp("203.0.113.0/24", 24, 3)};
	set(&v, a, 3);
	struct rpki_vrp b[] = {vrp("192.0.2.0/24", 25, 1), vrp("198.51.100.0/24", 24, 2), vrp("203.0.113.0/24", 24, 4)};
	struct rpki_vrp *next = NULL, *ch = NULL;
	uint32_t cap = 0, nch = 0, capch = 0;
	rw_vec_grow(&next, &cap, 3, sizeof *next, UINT32_MAX, RW_MEM_RPKI);
	memcpy(next, b, sizeof b);
	qsort(next, 3, sizeof *next, rpki_vrp_cmp);
	rpki_replace(&v, next, 3, cap, &ch, &nch, &capch);
	CHECK_INT(nch, 4); /* two gone, two come; the unchanged one is not told */
	enum rpki_reason why;
	CHECK_INT(st(&v, "192.0.2.128/25", 1, &why), RPKI_VALID);
	CHECK_INT(st(&v, "203.0.113.0/24", 3, &why), RPKI_INVALID);
	CHECK_INT(st(&v, "203.0.113.0/24", 4, &why), RPKI_VALID);
	rw_vec_free(&ch, &capch, sizeof *ch, RW_MEM_RPKI);
	rpki_release(&v);
}

TEST(update_last_change_wins)
{
	struct rpki v;
	rpki_init(&v);
	struct rpki_vrp a = vrp("192.0.2.0/24", 24, 1), b = vrp("198.51.100.0/24", 24, 2);
	set(&v, &a, 1);
	/* b added then removed, a removed then added, c added */
	struct rpki_change ch[] = {{b, 0, true}, {a, 1, false}, {b, 2, false}, {a, 3, true},
				   {vrp("203.0.113.0/24", 24, 3), 4, true}};
	struct rpki_vrp *out = NULL;
	uint32_t n = 0, cap = 0;
	rpki_update(&v, ch, 5, &out, &n, &cap);
	CHECK_INT(v.n, 2);
	CHECK_INT(n, 1); /* only the new one changed the set */
	enum rpki_reason why;
	CHECK_INT(st(&v, "198.51.100.0/24", 2, &why), RPKI_NOT_FOUND);
	CHECK_INT(st(&v, "192.0.2.0/24", 1, &why), RPKI_VALID);
	CHECK_INT(st(&v, "203.0.113.0/24", 3, &why), RPKI_VALID);
	rw_vec_free(&out, &cap, sizeof *out, RW_MEM_RPKI);
	rpki_release(&v);
}

TEST(text_form)
{
	struct rpki_vrp x = vrp("2001:db8::/32", 48, 4200000000u), y;
	char b[RPKI_VRP_STRLEN];
	size_t n = rpki_vrp_fmt(b, &x);
	CHECK_STR(b, "2001:db8::/32-48 AS4200000000");
	CHECK_INT(rpki_vrp_parse(b, n, &y), 0);
	CHECK(!rpki_vrp_cmp(&x, &y));
	CHECK(rpki_vrp_parse("192.0.2.0/24-23 AS1", 19, &y) != 0); /* max length below the length */
	CHECK(rpki_vrp_parse("192.0.2.0/24 AS1", 16, &y) != 0);
}

static uint32_t read_text(const char *text, char *err, size_t esz, int *rc)
{
	const char *path = twrite_tmp(text, strlen(text), ".vrps");
	struct rpki_vrp *v;
	uint32_t n, cap;
	*rc = rpki_read(path, &v, &n, &cap, err, esz);
	rw_vec_free(&v, &cap, sizeof *v, RW_MEM_RPKI);
	unlink(path);
	return n;
}

TEST(files)
{
	char err[256];
	int rc;
	/* rpki-client JSON, duplicates across trust anchors folded */
	CHECK_INT(read_text("{\"metadata\":{},\"roas\":[{\"asn\":1,\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"ta\":\"a\"},"
			    "{\"asn\":1,\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"ta\":\"b\"},"
			    "{\"asn\":\"AS2\",\"prefix\":\"2001:db8::/32\",\"maxLength\":48}]}",
			    err, sizeof err, &rc), 2);
	CHECK_INT(rc, 0);
	/* no maxLength: the prefix's length; a bad entry skipped */
	CHECK_INT(read_text("{\"roas\":[{\"asn\":1,\"prefix\":\"192.0.2.0/24\"},{\"asn\":1,\"prefix\":\"x\"}]}", err,
			    sizeof err, &rc), 1);
	/* CSV both ways round, a header, a comment, a blank line */
	CHECK_INT(read_text("ASN,IP Prefix,Max Length,Trust Anchor\nAS1,192.0.2.0/24,24,ta\n\n# c\n"
			    "198.51.100.0/24,24,AS2\n198.51.100.0/24,24,3\n",
			    err, sizeof err, &rc), 3);
	CHECK_INT(rc, 0);
	/* not JSON at all: an error naming the offset */
	read_text("{\"roas\":[", err, sizeof err, &rc);
	CHECK(rc != 0);
	CHECK(strstr(err, "not JSON at offset") != NULL);
	/* an empty file is an empty set */
	CHECK_INT(read_text("", err, sizeof err, &rc), 0);
	CHECK_INT(rc, 0);
}

TEST(shared_samples)
{
	const char *d = t_shared();
	if (!d) {
		t_skip("../shared/data is missing: the rpki-client and gortr samples are not read");
		return;
	}
	char path[512], err[256];
	struct rpki_vrp *v;
	uint32_t n, cap;
	snprintf(path, sizeof path, "%s/rpki/format-samples/stayrtr_test.rpki.json", d);
	CHECK_INT(rpki_read(path, &v, &n, &cap, err, sizeof err), 0);
	CHECK_INT(n, 19); /* the MANIFEST: 19 VRPs */
	rw_vec_free(&v, &cap, sizeof *v, RW_MEM_RPKI);
	snprintf(path, sizeof path, "%s/rpki/format-samples/gortr_test.rpki.json", d);
	CHECK_INT(rpki_read(path, &v, &n, &cap, err, sizeof err), 0);
	CHECK_INT(n, 2);
	struct rpki s;
	rpki_init(&s);
	rpki_replace(&s, v, n, cap, NULL, NULL, NULL);
	enum rpki_reason why;
	CHECK_INT(st(&s, "10.0.0.0/26", 65000, &why), RPKI_VALID);
	CHECK_INT(st(&s, "10.0.0.0/27", 65000, &why), RPKI_INVALID);
	CHECK_INT(why, RPKI_R_LENGTH);
	CHECK_INT(st(&s, "10.1.0.0/25", 65000, &why), RPKI_INVALID);
	CHECK_INT(why, RPKI_R_AS);
	rpki_release(&s);
}
