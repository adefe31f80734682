/*
 * Allocation-free text formatting and parsing of numbers, addresses,
 * prefixes and times. These sit on the dump hot path: no printf.
 */
#include "base.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <time.h>

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324"
	"25262728293031323334353637383940414243444546474849"
	"50515253545556575859606162636465666768697071727374"
	"75767778798081828384858687888990919293949596979899";

static inline unsigned ndigits32(uint32_t v)
{
	if (v < 10) return 1;
	if (v < 100) return 2;
	if (v < 1000) return 3;
	if (v < 10000) return 4;
	if (v < 100000) return 5;
	if (v < 1000000) return 6;
	if (v < 10000000) return 7;
	if (v < 100000000) return 8;
	if (v < 1000000000) return 9;
	return 10;
}

/* Digits are written back to front straight into dst, two at a time from
 * a table: no division by anything but the constant 100, no memcpy call. */
size_t fmt_u32(char *dst, uint32_t v)
{
	unsigned n = ndigits32(v);
	char *p = dst + n;
	while (v >= 100) {
		unsigned r = v % 100;
		v /= 100;
		p -= 2;
		p[0] = digit_pairs[2 * r];
		p[1] = digit_pairs[2 * r + 1];
	}
	if (v >= 10) {
		p[-2] = digit_pairs[2 * v];
		p[-1] = digit_pairs[2 * v + 1];
	} else {
		p[-1] = (char)('0' + v);
	}
	return n;
}

size_t fmt_u64(char *dst, uint64_t v)
{
	if (v <= UINT32_MAX)
		return fmt_u32(dst, (uint32_t)v);
	/* split off the low 9 digits */
	uint64_t hi = v / 1000000000u;
	uint32_t lo = (uint32_t)(v % 1000000000u);
	size_t n = fmt_u64(dst, hi);
	char tmp[10];
	size_t k = fmt_u32(tmp, lo);
	for (size_t i = k; i < 9; i++)
		dst[n++] = '0';
	for (size_t i = 0; i < k; i++)
		dst[n++] = tmp[i];
	return n;
}

size_t fmt_u32_cached(struct fmt_cache *c, char *dst, uint32_t v)
{
	uint32_t i = (v * 2654435761u) >> (32 - FMT_CACHE_BITS);
	if (c->slot[i].key == v && c->slot[i].len) {
		memcpy(dst, c->slot[i].s, 11);
		return c->slot[i].len;
	}
	char tmp[12];
	size_t n = fmt_u32(tmp, v);
	memcpy(c->slot[i].s, tmp, 11);
	c->slot[i].key = v;
	c->slot[i].len = (uint8_t)n;
	memcpy(dst, tmp, 11);
	return n;
}

/* "0." .. "255." and their digit counts: an octet is one 4-byte store
 * and an add, with no branch on its value. Built before main(). */
static char oct_txt[256][4];
static uint8_t oct_len[256];

__attribute__((constructor)) static void oct_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		char b[4];
		unsigned n = 0;
		if (v >= 100)
			b[n++] = (char)('0' + v / 100);
		if (v >= 10)
			b[n++] = (char)('0' + v / 10 % 10);
		b[n++] = (char)('0' + v % 10);
		b[n] = '.';
		for (unsigned i = n + 1; i < 4; i++)
			b[i] = '.';
		memcpy(oct_txt[v], b, 4);
		oct_len[v] = (uint8_t)n;
	}
}

size_t fmt_u8(char *dst, unsigned v)
{
	memcpy(dst, oct_txt[v & 255], 4);
	return oct_len[v & 255];
}

size_t fmt_ipv4(char *dst, const uint8_t a[4])
{
	size_t n = 0;
	memcpy(dst + n, oct_txt[a[0]], 4);
	n += oct_len[a[0]] + 1u;
	memcpy(dst + n, oct_txt[a[1]], 4);
	n += oct_len[a[1]] + 1u;
	memcpy(dst + n, oct_txt[a[2]], 4);
	n += oct_len[a[2]] + 1u;
	memcpy(dst + n, oct_txt[a[3]], 4);
	n += oct_len[a[3]];
	dst[n] = '\0';
	return n;
}

static const char hexdig[] = "0123456789abcdef";

static size_t fmt_hex16(char *dst, unsigned v)
{
	size_t n = 0;
	int started = 0;
	for (int shift = 12; shift >= 0; shift -= 4) {
		unsigned d = (v >> shift) & 0xf;
		if (d || started || shift == 0) {
			dst[n++] = hexdig[d];
			started = 1;
		}
	}
	return n;
}

/* RFC 5952: longest run of >= 2 zero groups (leftmost on ties) becomes
 * "::"; ::ffff:0:0/96 (IPv4-mapped) prints the last 32 bits dotted. */
size_t fmt_ipv6(char *dst, const uint8_t a[16])
{
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)(a[2 * i] << 8 | a[2 * i + 1]);
	int mapped = !g[0] && !g[1] && !g[2] && !g[3] && !g[4] && g[5] == 0xffff;
	int groups = mapped ? 6 : 8;
	int best = -1, bestlen = 1;
	for (int i = 0; i < groups;) {
		if (g[i]) {
			i++;
			continue;
		}
		int j = i;
		while (j < groups && !g[j])
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j;
	}
	size_t n = 0;
	for (int i = 0; i < groups; i++) {
		if (i == best) {
			dst[n++] = ':';
			if (i == 0)
				dst[n++] = ':';
			i += bestlen - 1;
			continue;
		}
		n += fmt_hex16(dst + n, g[i]);
		if (i != groups - 1 || mapped)
			dst[n++] = ':';
	}
	if (mapped) {
		n += fmt_ipv4(dst + n, a + 12);
	}
	dst[n] = '\0';
	return n;
}

/* bgpdump 1.6's formatter, reproduced for byte-identical -m output:
 * IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d, last word
 * > 1) print dotted; the leftmost longest zero run, even of length one,
 * becomes "::". */
size_t fmt_ipv6_bgpdump(char *dst, const uint8_t a[16])
{
	int first96zero = 1;
	for (int i = 0; i < 10; i++)
		if (a[i])
			first96zero = 0;
	if (first96zero) {
		int mapped = a[10] == 0xff && a[11] == 0xff;
		int compat = !a[10] && !a[11] && rd32(a + 12) > 1;
		if (mapped || compat) {
			size_t n = 0;
			memcpy(dst, mapped ? "::ffff:" : "::", mapped ? 7 : 2);
			n = mapped ? 7 : 2;
			n += fmt_ipv4(dst + n, a + 12);
			return n;
		}
	}
	unsigned g[8];
	int zr[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)(a[2 * i] << 8 | a[2 * i + 1]);
	int run = 0;
	for (int i = 7; i >= 0; i--) {
		run = g[i] ? 0 : run + 1;
		zr[i] = run;
	}
	int best = -1, bestlen = 0;
	for (int i = 0; i < 8; i++)
		if (zr[i] > bestlen) {
			best = i;
			bestlen = zr[i];
		}
	size_t n = 0;
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			if (i == 0)
				dst[n++] = ':';
			dst[n++] = ':';
			i += bestlen - 1;
			continue;
		}
		n += fmt_hex16(dst + n, g[i]);
		if (i != 7)
			dst[n++] = ':';
	}
	dst[n] = '\0';
	return n;
}

size_t fmt_addr(char *dst, const struct rw_addr *a)
{
	if (a->af == RW_AF_INET)
		return fmt_ipv4(dst, a->b);
	if (a->af == RW_AF_INET6)
		return fmt_ipv6(dst, a->b);
	memcpy(dst, "-", 2);
	return 1;
}

size_t fmt_prefix(char *dst, const struct rw_prefix *p)
{
	size_t n = p->af == RW_AF_INET ? fmt_ipv4(dst, p->b) : fmt_ipv6(dst, p->b);
	dst[n++] = '/';
	n += fmt_u32(dst + n, p->len);
	dst[n] = '\0';
	return n;
}

void prefix_mask(struct rw_prefix *p)
{
	unsigned max = p->af == RW_AF_INET ? 32 : 128;
	unsigned len = p->len > max ? max : p->len;
	unsigned full = len / 8, rem = len % 8;
	if (rem) {
		p->b[full] &= (uint8_t)(0xff << (8 - rem));
		full++;
	}
	if (full < 16)
		memset(p->b + full, 0, 16 - full);
}

int parse_addr(const char *s, struct rw_addr *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, a->b) == 1) {
		a->af = RW_AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->b) == 1) {
		a->af = RW_AF_INET6;
		return 0;
	}
	return RW_EINVAL;
}

int parse_prefix(const char *s, struct rw_prefix *p)
{
	char buf[RW_PREFIX_STRLEN];
	const char *slash = strchr(s, '/');
	if (!slash || (size_t)(slash - s) >= sizeof buf)
		return RW_EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	struct rw_addr a;
	if (parse_addr(buf, &a))
		return RW_EINVAL;
	uint64_t len;
	if (parse_u64(slash + 1, a.af == RW_AF_INET ? 32 : 128, &len))
		return RW_EINVAL;
	memset(p, 0, sizeof *p);
	p->af = a.af;
	p->len = (uint8_t)len;
	memcpy(p->b, a.b, 16);
	prefix_mask(p);
	return 0;
}

int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	if (!s || !isdigit((unsigned char)*s))
		return RW_EINVAL;
	uint64_t x = 0;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return RW_EINVAL;
		unsigned d = (unsigned)(*s - '0');
		if (x > (UINT64_MAX - d) / 10)
			return RW_EINVAL;
		x = x * 10 + d;
	}
	if (x > max)
		return RW_EINVAL;
	*v = x;
	return 0;
}

int parse_asn(const char *s, uint32_t *asn)
{
	if ((s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		s += 2;
	uint64_t v;
	if (parse_u64(s, UINT32_MAX, &v))
		return RW_EINVAL;
	*asn = (uint32_t)v;
	return 0;
}

size_t fmt_time_rfc3339(char *dst, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	size_t n = strftime(dst, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return n;
}

int parse_time(const char *s, int64_t *t)
{
	uint64_t v;
	if (!parse_u64(s, INT64_MAX, &v)) {
		*t = (int64_t)v;
		return 0;
	}
	/* longest first: strptime stops where a form ends */
	static const char *const fmts[] = {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M",
					   "%Y-%m-%d %H:%M", "%Y-%m-%d"};
	for (size_t i = 0; i < RW_ARRAY_LEN(fmts); i++) {
		struct tm tm;
		memset(&tm, 0, sizeof tm);
		const char *end = strptime(s, fmts[i], &tm);
		if (!end)
			continue;
		if (i < 2 && *end == '.') /* fractions of a second: dropped */
			for (end++; *end >= '0' && *end <= '9'; end++)
				;
		int64_t off = 0;
		if (*end == '+' || *end == '-') {
			/* +HH, +HHMM, +HH:MM */
			int sign = *end == '-' ? -1 : 1, hh, mm = 0;
			const char *p = end + 1;
			if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
				continue;
			hh = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
			if (*p == ':')
				p++;
			if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1])) {
				mm = (p[0] - '0') * 10 + (p[1] - '0');
				p += 2;
			}
			if (*p || hh > 23 || mm > 59 || i == 4)
				continue;
			off = sign * (hh * 3600 + mm * 60);
			end = p;
		} else if (*end && strcmp(end, "Z") && strcmp(end, " UTC")) {
			continue;
		}
		*t = (int64_t)timegm(&tm) - off;
		return 0;
	}
	return RW_EINVAL;
}

bool rw_prefix_has(const struct rw_prefix *p, const struct rw_addr *a)
{
	if (a->af != p->af)
		return false;
	unsigned full = p->len / 8, rest = p->len % 8;
	if (memcmp(a->b, p->b, full))
		return false;
	return !rest || ((a->b[full] ^ p->b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

int rw_prefix_cmp(const struct rw_prefix *x, const struct rw_prefix *y)
{
	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	int c = memcmp(x->b, y->b, 16);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}
