/*
 * rpki/: VRP sets, RFC 6811 validation and its reasons, the difference
 * of two sets, RTR-style updates, and the VRP file formats.
 */
#define T_PREFIX "rpki/"
#include "t.h"
#include "tutil.h"

#include "rpki/rpki.h"

#include <rtrlib/lib/ip.h>
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

TEST(rtrlib_address_order)
{
	/* our conversion agrees with RTRlib's own parser: a VRP added from
	 * text through RTRlib validates our prefix */
	struct rpki v;
	rpki_init(&v);
	struct rpki_vrp other = vrp("10.0.0.0/8", 8, 1);
	set(&v, &other, 1); /* a set, so that validation looks at the table */
	struct pfx_record r = {.asn = 64500, .min_len = 48, .max_len = 48};
	CHECK_INT(lrtr_ip_str_to_addr("2001:db8:aaaa::", &r.prefix), 0);
	CHECK_INT(pfx_table_add(&v.t, &r), PFX_SUCCESS);
	r = (struct pfx_record){.asn = 64501, .min_len = 24, .max_len = 24};
	CHECK_INT(lrtr_ip_str_to_addr("192.0.2.0", &r.prefix), 0);
	CHECK_INT(pfx_table_add(&v.t, &r), PFX_SUCCESS);
	enum rpki_reason why;
	CHECK_INT(st(&v, "2001:db8:aaaa::/48", 64500, &why), RPKI_VALID);
	CHECK_INT(st(&v, "2001:db8:aaab::/48", 64500, &why), RPKI_NOT_FOUND);
	CHECK_INT(st(&v, "192.0.2.0/24", 64501, &why), RPKI_VALID);
	CHECK_INT(st(&v, "192.0.3.0/24", 64501, &why), RPKI_NOT_FOUND);
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
