/* base/: formatting, parsing, cursor, arena, hash, table, map, queue,
 * vector, buffer. Links base/ alone. */
#define T_PREFIX "base/"
#include "t.h"
#include "base/base.h"

#include <pthread.h>

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

/* The one time parser: every accepted form of 2017-10-01 09:07:51 UTC */
TEST(parse_time_forms)
{
	static const char *const same[] = {"1506848871",
					   "2017-10-01T09:07:51Z",
					   "2017-10-01T09:07:51",
					   "2017-10-01 09:07:51",
					   "2017-10-01 09:07:51 UTC",
					   "2017-10-01T09:07:51.987Z",
					   "2017-10-01T11:07:51+02:00",
					   "2017-10-01T11:07:51+0200",
					   "2017-10-01T04:07:51-05",
					   "2017-10-01T04:07:51-05:00"};
	for (size_t i = 0; i < RW_ARRAY_LEN(same); i++) {
		int64_t t = 0;
		if (parse_time(same[i], &t) || t != 1506848871)
			t_fail(__FILE__, __LINE__, "%s: %lld", same[i], (long long)t);
	}
	int64_t t;
	CHECK_INT(parse_time("2017-10-01T09:07Z", &t), 0);
	CHECK_INT(t, 1506848820);
	CHECK_INT(parse_time("2017-10-01 09:07", &t), 0);
	CHECK_INT(t, 1506848820);
	CHECK_INT(parse_time("2017-10-01", &t), 0);
	CHECK_INT(t, 1506816000);
	static const char *const bad[] = {"", "2017-13-01", "2017-10-01T", "2017-10-01T09:07:51+25:00",
					  "2017-10-01T09:07:51 CET", "yesterday", "2017-10-01+02:00", "12x"};
	for (size_t i = 0; i < RW_ARRAY_LEN(bad); i++)
		if (!parse_time(bad[i], &t))
			t_fail(__FILE__, __LINE__, "'%s' accepted as %lld", bad[i], (long long)t);
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

TEST(hash_is_keyed_and_spreads)
{
	/* a function of its input; the length counts */
	uint8_t m[40];
	for (int i = 0; i < 40; i++)
		m[i] = (uint8_t)i;
	CHECK(rw_hash(m, 15) == rw_hash(m, 15));
	CHECK(rw_hash(m, 15) != rw_hash(m, 14));
	CHECK(rw_hash(m, 40) != rw_hash(m, 39));
	uint8_t z[16] = {0};
	CHECK(rw_hash(z, 8) != rw_hash(z, 9)); /* zero bytes of other lengths */
	/* keys that differ in a byte or two (the prefixes of one /8) fill
	 * 4096 slots evenly: none empty, none with 4x its share */
	static uint16_t slots[4096];
	uint8_t k[18] = {4, 24, 10};
	for (unsigned i = 0; i < 65536; i++) {
		k[3] = (uint8_t)(i >> 8);
		k[4] = (uint8_t)i;
		slots[rw_hash(k, sizeof k) & 4095]++;
	}
	unsigned maxs = 0, empty = 0;
	for (int i = 0; i < 4096; i++) {
		maxs = slots[i] > maxs ? slots[i] : maxs;
		empty += !slots[i];
	}
	CHECK(maxs < 64 && empty == 0);
	memset(slots, 0, sizeof slots);
	for (uint64_t i = 0; i < 65536; i++)
		slots[rw_hash_u64(i << 32 | 4837) & 4095]++; /* (origin, upstream) keys */
	maxs = 0;
	for (int i = 0; i < 4096; i++)
		maxs = slots[i] > maxs ? slots[i] : maxs;
	CHECK(maxs < 64);
}

static bool has_id(const struct htab *t, uint32_t h, uint32_t id)
{
	uint32_t k;
	for (uint32_t x = htab_first(t, h, &k); x != HTAB_NONE; x = htab_next(t, h, &k))
		if (x == id)
			return true;
	return false;
}

TEST(htab_collisions_and_deletion)
{
	/* ids under few distinct hashes (the worst an attacker could do with
	 * a known hash): every id stays findable through adds, deletions and
	 * growth, and deletion leaves no hole in a probe chain */
	struct htab t;
	htab_init(&t, 16, RW_MEM_OTHER);
	enum { N = 3000 };
	for (uint32_t i = 0; i < N; i++)
		htab_add(&t, i % 7, i);
	CHECK_INT(t.n, N);
	CHECK(t.n * 2 <= t.mask + 1); /* growing keeps it at most half full */
	for (uint32_t i = 0; i < N; i += 3)
		htab_del(&t, i % 7, i);
	uint32_t found = 0;
	for (uint32_t i = 0; i < N; i++) {
		bool in = has_id(&t, i % 7, i);
		CHECK(in == (i % 3 != 0));
		found += in;
	}
	CHECK_INT(found, t.n);
	htab_reid(&t, 1 % 7, 1, N + 1);
	CHECK(has_id(&t, 1, N + 1) && !has_id(&t, 1, 1));
	htab_release(&t);

	/* a dense table fills to 3/4 before it grows, findable all the same */
	htab_init(&t, 16, RW_MEM_OTHER);
	t.dense = true;
	for (uint32_t i = 0; i < N; i++)
		htab_add(&t, rw_hash_u64(i), i);
	CHECK(t.n * 4 <= (t.mask + 1) * 3 && t.n * 2 > t.mask + 1);
	for (uint32_t i = 0; i < N; i += 2)
		htab_del(&t, rw_hash_u64(i), i);
	for (uint32_t i = 0; i < N; i++)
		CHECK(has_id(&t, (uint32_t)rw_hash_u64(i), i) == (i % 2 == 1));
	htab_release(&t);
}

TEST(u64map_dense_insertion_order)
{
	struct u64map m;
	u64map_init(&m, RW_MEM_OTHER);
	for (uint64_t k = 0; k < 1000; k++)
		*u64map_put(&m, k * 0x9e3779b97f4a7c15ULL) = (uint32_t)k;
	CHECK_INT(m.n, 1000);
	for (uint64_t k = 0; k < 1000; k += 2)
		u64map_del(&m, k * 0x9e3779b97f4a7c15ULL);
	CHECK_INT(m.n, 500);
	for (uint64_t k = 0; k < 1000; k++) {
		uint32_t *v = u64map_get(&m, k * 0x9e3779b97f4a7c15ULL);
		CHECK((v != NULL) == (k % 2 == 1));
		if (v)
			CHECK_INT(*v, k);
	}
	/* iteration is over the dense arrays: every live key once */
	uint64_t sum = 0;
	for (uint32_t i = 0; i < m.n; i++)
		sum += m.vals[i];
	CHECK(sum == 250000); /* 1 + 3 + ... + 999 */
	u64map_clear(&m);
	CHECK(!u64map_get(&m, 0x9e3779b97f4a7c15ULL));
	u64map_release(&m);
}

TEST(u64map_clear_of_a_big_table_holding_few)
{
	/* a big second leaves a big table; clearing a few keys out of it
	 * clears their runs only (htab_clear_run), and must leave it empty */
	struct u64map m;
	u64map_init(&m, RW_MEM_OTHER);
	for (int round = 0; round < 3; round++) {
		for (uint64_t k = 0; k < 5000; k++)
			*u64map_put(&m, k) = 1;
		for (uint64_t k = 10; k < 5000; k++)
			u64map_del(&m, k);
		CHECK_INT(m.n, 10);
		CHECK(m.t.mask >= 8191);
		u64map_clear(&m);
		CHECK_INT(m.n, 0);
		CHECK_INT(m.t.n, 0);
		uint32_t left = 0;
		for (uint32_t i = 0; i <= m.t.mask; i++)
			left += m.t.s[i].id != HTAB_NONE;
		CHECK_INT(left, 0);
		for (uint64_t k = 0; k < 10; k++)
			CHECK(!u64map_get(&m, k));
	}
	u64map_release(&m);
}

static void *producer(void *arg)
{
	struct rw_queue *q = arg;
	for (uintptr_t i = 1; i <= 10000; i++)
		if (rw_queue_push(q, (void *)i))
			break;
	rw_queue_close(q);
	return NULL;
}

TEST(queue_bounded_in_order_and_close)
{
	struct rw_queue q;
	rw_queue_init(&q, 4, RW_MEM_OTHER);
	pthread_t t;
	CHECK_INT(rw_thread_start(&t, producer, &q, "test"), 0);
	uintptr_t want = 1;
	bool ordered = true;
	for (void *p; (p = rw_queue_pop(&q));)
		ordered &= (uintptr_t)p == want++;
	pthread_join(t, NULL);
	CHECK(ordered);
	CHECK_INT(want, 10001);
	/* closed: pushes fail, try_push too; a deadline passes on empty */
	CHECK(rw_queue_push(&q, (void *)1) < 0);
	CHECK(!rw_queue_try_push(&q, (void *)1));
	rw_queue_release(&q);
	rw_queue_init(&q, 2, RW_MEM_OTHER);
	CHECK(rw_queue_try_push(&q, (void *)1) && rw_queue_try_push(&q, (void *)2));
	CHECK(!rw_queue_try_push(&q, (void *)3)); /* full */
	CHECK((uintptr_t)rw_queue_try_pop(&q) == 1);
	struct timespec d;
	clock_gettime(CLOCK_MONOTONIC, &d);
	d.tv_nsec += 20000000;
	if (d.tv_nsec >= 1000000000) {
		d.tv_sec++;
		d.tv_nsec -= 1000000000;
	}
	CHECK((uintptr_t)rw_queue_pop_until(&q, &d) == 2);
	CHECK(rw_queue_pop_until(&q, &d) == NULL);
	rw_queue_release(&q);
}

TEST(vec_grows_to_its_cap_and_counts)
{
	uint32_t *v = NULL, cap = 0;
	uint64_t before = rw_mem_held(RW_MEM_OTHER);
	CHECK_INT(rw_vec_grow(&v, &cap, 3, sizeof *v, 100, RW_MEM_OTHER), 0);
	CHECK_INT(cap, 3); /* a first allocation is what is asked */
	CHECK_INT(rw_vec_grow(&v, &cap, 4, sizeof *v, 100, RW_MEM_OTHER), 0);
	CHECK_INT(cap, 6);
	CHECK_INT(rw_vec_grow(&v, &cap, 90, sizeof *v, 100, RW_MEM_OTHER), 0);
	CHECK_INT(cap, 96);
	CHECK_INT(rw_vec_grow(&v, &cap, 100, sizeof *v, 100, RW_MEM_OTHER), 0);
	CHECK_INT(cap, 100); /* doubling stops at the cap */
	CHECK_INT(rw_vec_grow(&v, &cap, 101, sizeof *v, 100, RW_MEM_OTHER), RW_ELIMIT);
	CHECK_INT(cap, 100);
	CHECK_INT(rw_mem_held(RW_MEM_OTHER) - before, 100 * sizeof *v);
	rw_vec_free(&v, &cap, sizeof *v, RW_MEM_OTHER);
	CHECK(v == NULL && cap == 0);
	CHECK_INT(rw_mem_held(RW_MEM_OTHER), before);
}

TEST(obuf_failed_flush_never_overflows)
{
	/* a descriptor that fails every write: the first error sticks, and
	 * writes of any size (larger than the buffer too) stay inside it */
	struct obuf o;
	obuf_init(&o, -1, 16); /* not a descriptor: write fails with EBADF */
	for (int i = 0; i < 100; i++) {
		obuf_putc(&o, 'x');
		char *d = obuf_room(&o, 40); /* more than the buffer holds */
		memset(d, 'y', 40);
		o.len += 40;
		obuf_putu64(&o, UINT64_MAX);
	}
	CHECK_INT(o.err, RW_EIO);
	CHECK(o.len <= o.cap);
	obuf_release(&o);
	/* memory mode, zeroed: grows from nothing */
	struct obuf m = {0};
	for (int i = 0; i < 1000; i++)
		obuf_puts(&m, "abc");
	CHECK_INT(m.len, 3000);
	CHECK(!memcmp(m.buf + 2997, "abc", 3));
	obuf_release(&m);
}
