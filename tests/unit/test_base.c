/* base/: formatting, parsing, cursor, arena. */
#define T_PREFIX "base/"
#include "t.h"
#include "base/base.h"

static const char *v6(const char *in, int bgpdump)
{
	static char out[RW_ADDR_STRLEN];
	struct rw_addr a;
	if (parse_addr(in, &a))
		return "(parse error)";
	if (bgpdump)
		fmt_ipv6_bgpdump(out, a.b);
	else
		fmt_ipv6(out, a.b);
	return out;
}

TEST(fmt_ipv6_rfc5952)
{
	CHECK_STR(v6("2001:db8:0:0:0:0:0:1", 0), "2001:db8::1");
	CHECK_STR(v6("2001:db8:0:1:1:1:1:1", 0), "2001:db8:0:1:1:1:1:1"); /* one zero group stays */
	CHECK_STR(v6("2001:0:0:1:0:0:0:1", 0), "2001:0:0:1::1");          /* longest run */
	CHECK_STR(v6("2001:db8:0:0:1:0:0:1", 0), "2001:db8::1:0:0:1");     /* leftmost on ties */
	CHECK_STR(v6("::", 0), "::");
	CHECK_STR(v6("::1", 0), "::1");
	CHECK_STR(v6("fe80::", 0), "fe80::");
	CHECK_STR(v6("::ffff:192.0.2.1", 0), "::ffff:192.0.2.1");
	CHECK_STR(v6("2A03:20DA::", 0), "2a03:20da::");
}

TEST(fmt_ipv6_bgpdump)
{
	CHECK_STR(v6("2001:db8:0:1:1:1:1:1", 1), "2001:db8::1:1:1:1:1"); /* bgpdump compresses one group */
	CHECK_STR(v6("::192.0.2.1", 1), "::192.0.2.1");                 /* IPv4-compatible */
	CHECK_STR(v6("::ffff:192.0.2.1", 1), "::ffff:192.0.2.1");
	CHECK_STR(v6("::1", 1), "::1");
	CHECK_STR(v6("fe80::", 1), "fe80::");
	CHECK_STR(v6("2001:7f8:30::2:1:0:8447", 1), "2001:7f8:30::2:1:0:8447");
	CHECK_STR(v6("::", 1), "::");
}

TEST(fmt_numbers)
{
	char b[32];
	b[fmt_u32(b, 0)] = 0;
	CHECK_STR(b, "0");
	b[fmt_u32(b, 4294967295u)] = 0;
	CHECK_STR(b, "4294967295");
	b[fmt_u64(b, 18446744073709551615ull)] = 0;
	CHECK_STR(b, "18446744073709551615");
	b[fmt_u32(b, 100)] = 0;
	CHECK_STR(b, "100");
	fmt_time_rfc3339(b, 1506848871);
	CHECK_STR(b, "2017-10-01T09:07:51Z");
}

TEST(parse_prefix_masks)
{
	struct rw_prefix p;
	char b[RW_PREFIX_STRLEN];
	CHECK_INT(parse_prefix("11.13.0.0/13", &p), 0);
	fmt_prefix(b, &p);
	CHECK_STR(b, "11.8.0.0/13");
	CHECK_INT(parse_prefix("2001:db8:ffff::/33", &p), 0);
	fmt_prefix(b, &p);
	CHECK_STR(b, "2001:db8:8000::/33");
	CHECK(parse_prefix("10.0.0.0/33", &p) != 0);
	CHECK(parse_prefix("10.0.0.0", &p) != 0);
	CHECK(parse_prefix("nonsense/8", &p) != 0);
}

TEST(parse_asn)
{
	uint32_t a;
	CHECK_INT(parse_asn("131279", &a), 0);
	CHECK_INT(a, 131279);
	CHECK_INT(parse_asn("AS131279", &a), 0);
	CHECK_INT(a, 131279);
	CHECK_INT(parse_asn("as4837", &a), 0);
	CHECK_INT(a, 4837);
	CHECK(parse_asn("AS", &a) != 0);
	CHECK(parse_asn("4294967296", &a) != 0);
	CHECK(parse_asn("12x", &a) != 0);
}

TEST(cursor_never_reads_past_end)
{
	const uint8_t buf[5] = {1, 2, 3, 4, 5};
	struct cur c, sub;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;
	cur_init(&c, buf, sizeof buf);
	CHECK_INT(cur_u32(&c, &v32), 0);
	CHECK_INT(v32, 0x01020304);
	CHECK_INT(cur_u16(&c, &v16), RW_ETRUNC);
	CHECK_INT(cur_left(&c), 1); /* a failed read consumes nothing */
	CHECK_INT(cur_u8(&c, &v8), 0);
	CHECK_INT(cur_u8(&c, &v8), RW_ETRUNC);
	cur_init(&c, buf, sizeof buf);
	CHECK_INT(cur_sub(&c, 2, &sub), 0);
	CHECK_INT(cur_u32(&sub, &v32), RW_ETRUNC); /* the sub-cursor is bounded */
	CHECK_INT(cur_sub(&c, 4, &sub), RW_ETRUNC);
}

TEST(arena_cap_and_reset)
{
	struct arena a;
	arena_init(&a, 1024, 4096, RW_MEM_OTHER);
	void *p = arena_alloc(&a, 100);
	CHECK(p != NULL);
	CHECK(((uintptr_t)p & 15) == 0);
	CHECK(arena_alloc(&a, 3000) != NULL);
	CHECK(arena_alloc(&a, 8000) == NULL); /* over the cap */
	arena_reset(&a);
	CHECK(a.held <= 1024);
	CHECK(arena_alloc(&a, 1000) != NULL);
	arena_release(&a);
	CHECK_INT(a.held, 0);
}
