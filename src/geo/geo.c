/*
 * geo: countries of ASNs from names tables and RIR delegation files.
 *
 * A delegation file is told from a names file by its lines: the first one
 * that is not a comment has at least six '|'-separated fields (the version
 * line "2|ripencc|..." or a record) in a delegation file; a names line
 * ("ASN<TAB>NAME, CC") or pyasn's JSON never does.
 */
#include "geo.h"
#include "../io/io.h"

#include <stdio.h>

#define BAD_SHOWN 10

void geo_init(struct geo *g)
{
	memset(g, 0, sizeof *g);
	u64map_init(&g->cc, RW_MEM_OTHER);
}

void geo_release(struct geo *g)
{
	rw_vec_free(&g->dense, &g->capdense, sizeof *g->dense, RW_MEM_OTHER);
	u64map_release(&g->cc);
	memset(g, 0, sizeof *g);
}

size_t geo_bytes(const struct geo *g)
{
	return (g->dense ? GEO_DENSE * sizeof *g->dense : 0) + u64map_bytes(&g->cc);
}

void geo_set(struct geo *g, uint32_t asn, uint16_t cc)
{
	if (asn >= GEO_DENSE) {
		uint32_t *v = u64map_get(&g->cc, asn);
		g->n += !v;
		*u64map_put(&g->cc, asn) = cc;
		return;
	}
	if (!g->dense) {
		rw_vec_grow(&g->dense, &g->capdense, GEO_DENSE, sizeof *g->dense, GEO_DENSE, RW_MEM_OTHER);
		memset(g->dense, 0, GEO_DENSE * sizeof *g->dense);
	}
	g->n += !g->dense[asn];
	g->dense[asn] = cc;
}

uint16_t geo_cc_parse(const char *s, size_t n)
{
	if (n != 2)
		return 0;
	char a = s[0] & ~0x20, b = s[1] & ~0x20; /* upper case */
	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z' || (a == 'Z' && b == 'Z'))
		return 0;
	return (uint16_t)(a << 8 | b);
}

void geo_cc_str(uint16_t cc, char out[3])
{
	out[0] = (char)(cc >> 8);
	out[1] = (char)(cc & 0xff);
	out[2] = '\0';
	if (!cc)
		out[0] = out[1] = '?';
}

uint32_t geo_add_names(struct geo *g, const struct names *nm)
{
	uint32_t got = 0;
	for (uint32_t i = 0; i < nm->idx.n; i++) {
		const char *s = nm->text + nm->idx.vals[i];
		size_t n = strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
			n--;
		/* "..., CC": the code after the last comma */
		if (n < 4 || s[n - 4] != ',' || s[n - 3] != ' ')
			continue;
		uint16_t cc = geo_cc_parse(s + n - 2, 2);
		if (!cc)
			continue;
		geo_set(g, (uint32_t)nm->idx.keys[i], cc);
		got++;
	}
	return got;
}

/* The '|'-separated fields of line l (n bytes) into f (at most max);
 * returns how many. */
static unsigned split(const char *l, size_t n, const char **f, size_t *fl, unsigned max)
{
	unsigned k = 0;
	size_t i = 0;
	while (k < max) {
		const char *e = memchr(l + i, '|', n - i);
		size_t len = e ? (size_t)(e - (l + i)) : n - i;
		f[k] = l + i;
		fl[k++] = len;
		if (!e)
			break;
		i += len + 1;
	}
	return k;
}

static bool is_delegation(const char *buf, size_t len)
{
	for (size_t i = 0; i < len;) {
		const char *l = buf + i, *e = memchr(l, '\n', len - i);
		size_t n = e ? (size_t)(e - l) : len - i;
		i += n + 1;
		if (!n || l[0] == '#')
			continue;
		const char *f[8];
		size_t fl[8];
		return split(l, n, f, fl, 8) >= 6;
	}
	return false;
}

static bool num(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	*v = 0;
	if (!n || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return *v <= max;
}

struct rd {
	struct geo *g;
	const char *path;
	uint64_t line;
	uint32_t bad, got;
	char *err;
	size_t esz;
};

static void bad_line(struct rd *d, const char *why)
{
	d->bad++;
	d->g->bad++;
	if (d->bad == 1)
		snprintf(d->err, d->esz, "%s:%llu: %s", d->path, (unsigned long long)d->line, why);
	if (d->bad <= BAD_SHOWN)
		rw_log(RW_LOG_WARN, "%s:%llu: %s; line skipped", d->path, (unsigned long long)d->line, why);
	else if (d->bad == BAD_SHOWN + 1)
		rw_log(RW_LOG_WARN, "%s: further bad lines are counted, not shown", d->path);
}

/* registry|cc|type|start|value|date|status[|opaque-id[|extensions]] */
static int load_delegation(struct rd *d, const char *buf, size_t len)
{
	uint64_t asns = 0;
	for (size_t i = 0; i < len;) {
		const char *l = buf + i, *e = memchr(l, '\n', len - i);
		size_t n = e ? (size_t)(e - l) : len - i;
		i += n + 1;
		d->line++;
		while (n && l[n - 1] == '\r')
			n--;
		if (!n || l[0] == '#')
			continue;
		const char *f[9];
		size_t fl[9];
		unsigned k = split(l, n, f, fl, 9);
		if (k < 6) {
			bad_line(d, "fewer than six '|'-separated fields");
			continue;
		}
		if (fl[2] != 3 || memcmp(f[2], "asn", 3) || (k >= 6 && fl[5] == 7 && !memcmp(f[5], "summary", 7)))
			continue; /* version line, summaries, address blocks */
		uint64_t start, count;
		if (!num(f[3], fl[3], UINT32_MAX, &start) || !num(f[4], fl[4], UINT32_MAX, &count) || !count ||
		    start + count - 1 > UINT32_MAX) {
			bad_line(d, "an asn line whose start or count is not a number of the ASN range");
			continue;
		}
		uint16_t cc = geo_cc_parse(f[1], fl[1]);
		if (!cc)
			continue; /* available, reserved: "ZZ" or empty */
		if ((asns += count) > GEO_MAX_ASNS) {
			snprintf(d->err, d->esz, "%s:%llu: more than %u ASNs: not a delegation file", d->path,
				 (unsigned long long)d->line, GEO_MAX_ASNS);
			return RW_ELIMIT;
		}
		for (uint64_t a = start; a < start + count; a++)
			geo_set(d->g, (uint32_t)a, cc);
		d->got++;
	}
	return 0;
}

int geo_load(struct geo *g, const char *path, char *err, size_t esz)
{
	if (esz)
		err[0] = '\0';
	struct obuf b = {0};
	int rc = io_read_all(path, &b, err, esz);
	if (rc)
		return rc;
	struct rd d = {.g = g, .path = path, .err = err, .esz = esz};
	if (is_delegation(b.buf, b.len)) {
		rc = load_delegation(&d, b.buf, b.len);
	} else {
		/* a names file: names/ reads it, its ", CC" endings are the
		 * countries */
		struct names nm;
		names_init(&nm);
		rc = names_load(&nm, path);
		if (!rc)
			d.got = geo_add_names(g, &nm);
		names_release(&nm);
		if (rc)
			snprintf(err, esz, "%s: cannot be read as an AS names file", path);
	}
	obuf_release(&b);
	if (!rc && !d.got) {
		if (!d.bad)
			snprintf(err, esz, "%s: no AS has a country in it (a delegation file or an AS names file "
					   "whose names end in \", CC\")", path);
		rc = RW_EMALFORMED;
	}
	return rc;
}
