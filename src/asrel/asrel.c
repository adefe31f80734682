/*
 * AS relationships (see asrel.h).
 *
 * One u64map entry per unordered pair: the key puts the smaller ASN in the
 * high half, so (a, b) and (b, a) find the same entry, and the value says
 * what the larger ASN is to the smaller one. A lookup from the other side
 * inverts it (provider <-> customer; peer stays peer). One entry instead
 * of two halves the table (20161101: 239 k links in 7.3 MB; a full file
 * of ~500 k, ~15 MB with the table's half-empty slots) and a conflicting
 * line cannot leave the two directions disagreeing.
 *
 * Invariants: links == map.n == p2c + p2p; every value is ASREL_PROVIDER,
 * ASREL_CUSTOMER or ASREL_PEER, never ASREL_UNKNOWN; no key has equal
 * halves.
 *
 * The file is read as a stream of chunks from io/ (memory stays flat
 * whatever its size); a line cut by a chunk boundary is gathered in a
 * fixed buffer of LINE_CAP bytes. parse_line is pure: bytes in, a link or
 * a reason out.
 */
#include "asrel.h"
#include "../io/io.h"

#include <stdio.h>
#include <stdlib.h>

/* Longer lines are not links (a serial-2 line is under 40 bytes); a long
 * comment is fine, its first byte says what it is. */
#define LINE_CAP 1024
#define LINE_CAP_TEXT "1024"
/* Bad lines reported one by one; after this many they are only counted
 * (feed/'s rule for problems in one file). */
#define BAD_SHOWN 20

void asrel_init(struct asrel *t)
{
	memset(t, 0, sizeof *t);
	/* no subsystem of its own in enum rw_mem (base/ is shared by every
	 * layer): counted with the rest */
	u64map_init(&t->map, RW_MEM_OTHER);
}

void asrel_release(struct asrel *t)
{
	u64map_release(&t->map);
	memset(t, 0, sizeof *t);
}

size_t asrel_bytes(const struct asrel *t)
{
	return u64map_bytes(&t->map);
}

/* What a is to b, given what b is to a. */
static enum asrel_rel invert(enum asrel_rel r)
{
	return r == ASREL_PROVIDER ? ASREL_CUSTOMER : r == ASREL_CUSTOMER ? ASREL_PROVIDER : r;
}

static void count(struct asrel *t, enum asrel_rel r, int d)
{
	if (r == ASREL_PEER)
		t->p2p += (uint32_t)d;
	else
		t->p2c += (uint32_t)d;
}

int asrel_add(struct asrel *t, uint32_t a, uint32_t b, enum asrel_rel r)
{
	if (a == b || (r != ASREL_PROVIDER && r != ASREL_CUSTOMER && r != ASREL_PEER))
		return RW_EINVAL;
	/* the value is what the larger ASN is to the smaller */
	uint64_t key = a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
	enum asrel_rel v = a < b ? r : invert(r);
	uint32_t *p = u64map_get(&t->map, key);
	if (p) {
		if (*p == (uint32_t)v)
			return 0;
		t->conflicts++;
		count(t, (enum asrel_rel)*p, -1);
	} else {
		if (t->links >= ASREL_MAX_LINKS)
			return RW_ELIMIT;
		p = u64map_put(&t->map, key);
		t->links++;
	}
	*p = (uint32_t)v;
	count(t, v, 1);
	return 0;
}

enum asrel_rel asrel_get(const struct asrel *t, uint32_t a, uint32_t b)
{
	if (a == b)
		return ASREL_UNKNOWN;
	const uint32_t *p = u64map_get(&t->map, a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a);
	if (!p)
		return ASREL_UNKNOWN;
	return a < b ? (enum asrel_rel)*p : invert((enum asrel_rel)*p);
}

int asrel_parse_name(const char *s, size_t n)
{
	for (int r = ASREL_UNKNOWN; r <= ASREL_PEER; r++) {
		const char *w = asrel_name((enum asrel_rel)r);
		if (strlen(w) == n && !memcmp(w, s, n))
			return r;
	}
	return -1;
}

const char *asrel_name(enum asrel_rel r)
{
	switch (r) {
	case ASREL_PROVIDER:
		return "provider";
	case ASREL_CUSTOMER:
		return "customer";
	case ASREL_PEER:
		return "peer";
	default:
		return "unknown";
	}
}

uint32_t asrel_leaks(const struct asrel *t, const uint32_t *as, uint32_t n, struct asrel_leak *out,
		     uint32_t cap)
{
	uint32_t k = 0;
	for (uint32_t i = 1; i + 1 < n; i++) {
		/* learned from (as[i+1] is its provider or peer)... */
		enum asrel_rel from = asrel_get(t, as[i], as[i + 1]);
		if (from != ASREL_PROVIDER && from != ASREL_PEER)
			continue;
		/* ...and passed to (as[i-1] is its provider or peer) */
		enum asrel_rel to = asrel_get(t, as[i], as[i - 1]);
		if (to != ASREL_PROVIDER && to != ASREL_PEER)
			continue;
		if (k < cap)
			out[k] = (struct asrel_leak){as[i], as[i + 1], as[i - 1]};
		k++;
	}
	return k;
}

/* ---------------------------------------------------------------- parsing */

/* A decimal ASN at *p (up to end), then the byte sep: 0, or -1 with *why. */
static int parse_asn_field(const char **p, const char *end, char sep, uint32_t *v, const char **why)
{
	const char *s = *p;
	uint64_t x = 0;
	while (s < end && *s >= '0' && *s <= '9' && x <= UINT32_MAX)
		x = x * 10 + (uint64_t)(*s++ - '0');
	if (x > UINT32_MAX) {
		*why = "an AS number beyond 4294967295";
		return -1;
	}
	if (s == *p || s == end || *s != sep) {
		*why = "not <as>|<as>|<relationship>[|<source>]";
		return -1;
	}
	*v = (uint32_t)x;
	*p = s + 1;
	return 0;
}

/* One line without its newline: 1 with a link (b is a's *r), 0 for a
 * comment or a blank line, -1 with *why for anything else. */
static int parse_line(const char *l, size_t n, uint32_t *a, uint32_t *b, enum asrel_rel *r,
		      const char **why)
{
	while (n && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	if (!n || l[0] == '#')
		return 0;
	const char *p = l, *end = l + n;
	if (parse_asn_field(&p, end, '|', a, why) || parse_asn_field(&p, end, '|', b, why))
		return -1;
	/* the relationship ends the line, or a serial-2 source follows */
	const char *e = memchr(p, '|', (size_t)(end - p));
	size_t k = (size_t)((e ? e : end) - p);
	if (k == 2 && p[0] == '-' && p[1] == '1') {
		*r = ASREL_CUSTOMER; /* a is b's provider: b is a's customer */
	} else if (k == 1 && p[0] == '0') {
		*r = ASREL_PEER;
	} else {
		*why = "the relationship is not -1 (provider to customer) or 0 (peers)";
		return -1;
	}
	if (*a == *b) {
		*why = "an AS linked to itself";
		return -1;
	}
	return 1;
}

/* One load in progress. */
struct rd {
	struct asrel *t;
	const char *path;   /* borrowed from the caller */
	char *err;          /* the caller's, esz bytes */
	size_t esz;
	uint64_t lineno;    /* lines finished */
	uint32_t good, bad; /* this file's */
	char line[LINE_CAP]; /* a line cut by a chunk boundary, its first bytes */
	size_t len;         /* bytes of it in line */
	size_t full;        /* bytes of it seen, to tell a too long line */
};

static void bad_line(struct rd *d, const char *why)
{
	d->t->bad++;
	if (d->bad++ == 0 && d->esz)
		snprintf(d->err, d->esz, "%s:%llu: %s", d->path, (unsigned long long)d->lineno, why);
	if (d->bad <= BAD_SHOWN)
		rw_log(RW_LOG_WARN, "%s:%llu: %s; line skipped", d->path, (unsigned long long)d->lineno, why);
	else if (d->bad == BAD_SHOWN + 1)
		rw_log(RW_LOG_WARN, "%s: further bad lines are counted, not shown", d->path);
}

/* A whole line: full bytes long, the first n of them at l. */
static int end_line(struct rd *d, const char *l, size_t n, size_t full)
{
	d->lineno++;
	if (full > LINE_CAP) {
		if (l[0] != '#')
			bad_line(d, "a line longer than " LINE_CAP_TEXT " bytes");
		return 0;
	}
	uint32_t a, b;
	enum asrel_rel r;
	const char *why = NULL;
	int k = parse_line(l, n, &a, &b, &r, &why);
	if (k < 0) {
		bad_line(d, why);
		return 0;
	}
	if (k == 0)
		return 0;
	int rc = asrel_add(d->t, a, b, r);
	if (rc == 0)
		d->good++;
	return rc;
}

/* Split a chunk into lines; a line cut at its end waits in d->line. */
static int feed_chunk(struct rd *d, const char *p, size_t n)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) : n;
		int rc = 0;
		if (!d->full && nl) {
			/* the whole line is here: no copy */
			rc = end_line(d, p, RW_MIN(k, (size_t)LINE_CAP), k);
		} else {
			size_t c = RW_MIN(k, LINE_CAP - d->len);
			memcpy(d->line + d->len, p, c);
			d->len += c;
			d->full += k;
			if (nl) {
				rc = end_line(d, d->line, d->len, d->full);
				d->len = d->full = 0;
			}
		}
		if (rc)
			return rc;
		if (!nl)
			break;
		p += k + 1;
		n -= k + 1;
	}
	return 0;
}

int asrel_load(struct asrel *t, const char *path, char *err, size_t esz)
{
	if (esz)
		err[0] = '\0';
	if (!path)
		path = "-";
	struct io_src *s;
	int rc = io_open(path, NULL, &s); /* logs why it failed */
	if (rc) {
		if (esz)
			snprintf(err, esz, "%s: %s", path, rw_strerror(rc));
		return rc;
	}
	struct rd rd = {.t = t, .path = path, .err = err, .esz = esz}, *d = &rd;
	const uint8_t *p;
	size_t n;
	int r;
	while ((r = io_next(s, &p, &n)) > 0 && !(rc = feed_chunk(d, (const char *)p, n)))
		;
	if (!rc && r == 0 && d->full) /* a last line without its newline */
		rc = end_line(d, d->line, d->len, d->full);
	if (rc == RW_ELIMIT) {
		if (esz)
			snprintf(err, esz, "%s:%llu: more than %u links: not an as-rel file", path,
				 (unsigned long long)d->lineno, ASREL_MAX_LINKS);
	} else if (r < 0) {
		rc = r;
		if (esz)
			snprintf(err, esz, "%s: %s (after %llu lines)", path, io_errmsg(s),
				 (unsigned long long)d->lineno);
	} else if (!d->good && d->bad) {
		rc = RW_EMALFORMED;
		if (esz)
			snprintf(err, esz, "%s: no line of it is <as>|<as>|<relationship>: not an as-rel file", path);
	}
	if (d->bad > BAD_SHOWN || (d->bad && d->good))
		rw_log(RW_LOG_WARN, "%s: %u bad lines skipped, %u links read", path, d->bad, d->good);
	io_close(s);
	return rc;
}

/* ---------------------------------------------------------------- writing */

struct line {
	uint32_t a, b; /* a|b|-1 (a provider of b) or, with peer, a|b|0 */
	bool peer;
};

static int cmp_line(const void *x, const void *y)
{
	const struct line *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

int asrel_write(const struct asrel *t, struct obuf *o, const char *header)
{
	struct line *v = rw_calloc((size_t)t->map.n + 1, sizeof *v);
	for (uint32_t i = 0; i < t->map.n; i++) {
		uint32_t lo = (uint32_t)(t->map.keys[i] >> 32), hi = (uint32_t)t->map.keys[i];
		enum asrel_rel r = (enum asrel_rel)t->map.vals[i]; /* what hi is to lo */
		v[i] = r == ASREL_PROVIDER ? (struct line){hi, lo, false}
		       : r == ASREL_CUSTOMER ? (struct line){lo, hi, false}
					     : (struct line){lo, hi, true};
	}
	qsort(v, t->map.n, sizeof *v, cmp_line);
	if (header)
		obuf_puts(o, header);
	for (uint32_t i = 0; i < t->map.n && !o->err; i++) {
		obuf_putu32(o, v[i].a);
		obuf_putc(o, '|');
		obuf_putu32(o, v[i].b);
		obuf_puts(o, v[i].peer ? "|0\n" : "|-1\n");
	}
	free(v);
	return o->err; /* the caller flushes (a memory obuf would grow) */
}

void asrel_score(const struct asrel *truth, const struct asrel *got, struct asrel_score *s)
{
	memset(s, 0, sizeof *s);
	for (uint32_t i = 0; i < got->map.n; i++) {
		uint32_t lo = (uint32_t)(got->map.keys[i] >> 32), hi = (uint32_t)got->map.keys[i];
		enum asrel_rel g = (enum asrel_rel)got->map.vals[i], w = asrel_get(truth, lo, hi);
		if (w == ASREL_UNKNOWN) {
			s->unknown++;
		} else if (w == ASREL_PEER) {
			s->p2p++;
			s->p2p_ok += g == ASREL_PEER;
		} else {
			s->p2c++;
			s->p2c_ok += g == w;
		}
	}
}
