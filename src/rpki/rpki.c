/*
 * The VRP set and its validation (see rpki.h): the sorted array is what a
 * new set is compared with, and its index answers the lookups.
 */
#include "rpki.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define VEC(p, cap, need) rw_vec_grow(&(p), &(cap), (need), sizeof *(p), UINT32_MAX - 1, RW_MEM_RPKI)

#define BLK4 65536u

void rpki_init(struct rpki *v)
{
	memset(v, 0, sizeof *v);
	htab_init(&v->idx, 64, RW_MEM_RPKI);
}

void rpki_release(struct rpki *v)
{
	htab_release(&v->idx);
	rw_vec_free(&v->v, &v->cap, sizeof *v->v, RW_MEM_RPKI);
	if (v->blk4) {
		free(v->blk4);
		rw_mem_count(RW_MEM_RPKI, -(int64_t)(BLK4 * sizeof *v->blk4));
	}
	memset(v, 0, sizeof *v);
}

int rpki_vrp_cmp(const void *a, const void *b)
{
	const struct rpki_vrp *x = a, *y = b;
	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	int c = memcmp(x->b, y->b, sizeof x->b);
	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->maxlen != y->maxlen)
		return x->maxlen < y->maxlen ? -1 : 1;
	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	return 0;
}

size_t rpki_vrp_fmt(char *dst, const struct rpki_vrp *x)
{
	struct rw_prefix p = {.af = x->af, .len = x->len};
	memcpy(p.b, x->b, sizeof p.b);
	size_t n = fmt_prefix(dst, &p);
	n += (size_t)snprintf(dst + n, RPKI_VRP_STRLEN - n, "-%u AS%" PRIu32, x->maxlen, x->asn);
	return n;
}

int rpki_vrp_parse(const char *s, size_t n, struct rpki_vrp *x)
{
	char b[RPKI_VRP_STRLEN];
	if (n >= sizeof b)
		return RW_EINVAL;
	memcpy(b, s, n);
	b[n] = '\0';
	char *dash = strrchr(b, '-'), *as = strstr(b, " AS");
	if (!dash || !as || as < dash)
		return RW_EINVAL;
	*dash = '\0';
	struct rw_prefix p;
	if (parse_prefix(b, &p))
		return RW_EINVAL;
	char *e;
	unsigned long ml = strtoul(dash + 1, &e, 10);
	if (e != as || ml < p.len || ml > (p.af == RW_AF_INET ? 32u : 128u))
		return RW_EINVAL;
	uint32_t asn;
	if (parse_asn(as + 1, &asn))
		return RW_EINVAL;
	*x = (struct rpki_vrp){.af = p.af, .len = p.len, .maxlen = (uint8_t)ml, .asn = asn};
	memcpy(x->b, p.b, sizeof x->b);
	return 0;
}

/* The index's hash of a prefix (family, length, address bytes). */
static uint32_t key_hash(uint8_t af, uint8_t len, const uint8_t *b)
{
	uint64_t hi, lo;
	memcpy(&hi, b, 8);
	memcpy(&lo, b + 8, 8);
	return (uint32_t)rw_hash_2u64(hi, lo, (uint64_t)af << 8 | len);
}

static bool same_prefix(const struct rpki_vrp *x, uint8_t af, uint8_t len, const uint8_t *b)
{
	return x->af == af && x->len == len && !memcmp(x->b, b, sizeof x->b);
}

/* The index of the set in v->v: one entry per distinct prefix. */
static void build_index(struct rpki *v)
{
	htab_release(&v->idx);
	htab_init(&v->idx, v->n * 2 + 64, RW_MEM_RPKI);
	memset(v->lens, 0, sizeof v->lens);
	if (!v->blk4) {
		v->blk4 = rw_malloc(BLK4 * sizeof *v->blk4);
		rw_mem_count(RW_MEM_RPKI, (int64_t)(BLK4 * sizeof *v->blk4));
	}
	memset(v->blk4, 0, BLK4 * sizeof *v->blk4);
	memset(v->blk8, 0, sizeof v->blk8);
	for (uint32_t i = 0; i < v->n; i++) {
		const struct rpki_vrp *x = &v->v[i];
		if (i && same_prefix(&v->v[i - 1], x->af, x->len, x->b))
			continue; /* the run's first holds it */
		htab_add(&v->idx, key_hash(x->af, x->len, x->b), i);
		int f = x->af == RW_AF_INET6;
		v->lens[f][x->len / 64] |= 1ull << (x->len % 64);
		if (!f && x->len >= 16)
			v->blk4[rd16(x->b)] |= 1u << (x->len - 16);
		else if (!f) /* a short one: every /8 it covers */
			for (unsigned k = 0; k < 1u << (x->len < 8 ? 8 - x->len : 0); k++)
				v->blk8[x->b[0] + k] |= (uint16_t)(1u << x->len);
	}
}

/* Call fn for every VRP covering p (its prefix contains p): one probe per
 * length the set has, up to p's (IPv4: only the lengths that p's /8 and
 * /16 hold). fn returns false to stop. */
static void each_covering(const struct rpki *v, const struct rw_prefix *p,
			  bool (*fn)(void *arg, const struct rpki_vrp *x), void *arg)
{
	int f = p->af == RW_AF_INET6;
	uint32_t in16 = f ? 0 : v->blk4[rd16(p->b)];
	uint32_t in8 = f ? 0 : v->blk8[p->b[0]];
	for (unsigned len = 0; len <= p->len; len++) {
		if (!(v->lens[f][len / 64] >> (len % 64) & 1))
			continue;
		if (!f && (len >= 16 ? !(in16 >> (len - 16) & 1) : !(in8 >> len & 1)))
			continue;
		struct rw_prefix q = {.af = p->af, .len = (uint8_t)len};
		memcpy(q.b, p->b, sizeof q.b);
		prefix_mask(&q);
		uint32_t h = key_hash(q.af, q.len, q.b), k;
		for (uint32_t i = htab_first(&v->idx, h, &k); i != HTAB_NONE; i = htab_next(&v->idx, h, &k)) {
			if (!same_prefix(&v->v[i], q.af, q.len, q.b))
				continue;
			for (uint32_t j = i; j < v->n && same_prefix(&v->v[j], q.af, q.len, q.b); j++)
				if (!fn(arg, &v->v[j]))
					return;
			break;
		}
	}
}

static void note(struct rpki_vrp **ch, uint32_t *n, uint32_t *cap, const struct rpki_vrp *x)
{
	if (!ch)
		return;
	if (VEC(*ch, *cap, (size_t)*n + 1))
		rw_oom(sizeof *x);
	(*ch)[(*n)++] = *x;
}

int rpki_replace(struct rpki *v, struct rpki_vrp *next, uint32_t n, uint32_t cap, struct rpki_vrp **changed, uint32_t *nchanged,
		 uint32_t *capchanged)
{
	/* a merge of the two sorted sets: what only the old has goes, what
	 * only the new has comes */
	uint32_t i = 0, j = 0;
	while (i < v->n || j < n) {
		int c = i >= v->n ? 1 : j >= n ? -1 : rpki_vrp_cmp(&v->v[i], &next[j]);
		if (c < 0)
			note(changed, nchanged, capchanged, &v->v[i++]);
		else if (c > 0)
			note(changed, nchanged, capchanged, &next[j++]);
		else
			i++, j++;
	}
	rw_vec_free(&v->v, &v->cap, sizeof *v->v, RW_MEM_RPKI);
	v->v = next;
	v->n = n;
	v->cap = cap;
	v->changes++;
	build_index(v);
	return 0;
}

static int change_cmp(const void *a, const void *b)
{
	const struct rpki_change *x = a, *y = b;
	int c = rpki_vrp_cmp(&x->x, &y->x);
	return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

void rpki_update(struct rpki *v, struct rpki_change *ch, uint32_t n, struct rpki_vrp **changed, uint32_t *nchanged,
		 uint32_t *capchanged)
{
	if (!n)
		return;
	/* the new set by one merge (an RTR reset brings the whole set at
	 * once: inserting one by one would be quadratic), then the diff */
	qsort(ch, n, sizeof *ch, change_cmp);
	struct rpki_vrp *next = NULL;
	uint32_t nn = 0, cap = 0, i = 0, j = 0;
	if (VEC(next, cap, (size_t)v->n + n))
		rw_oom(sizeof *next);
	while (i < v->n || j < n) {
		int c = i >= v->n ? 1 : j >= n ? -1 : rpki_vrp_cmp(&v->v[i], &ch[j].x);
		if (c < 0) {
			next[nn++] = v->v[i++];
			continue;
		}
		/* the last change of this VRP decides */
		while (j + 1 < n && !rpki_vrp_cmp(&ch[j].x, &ch[j + 1].x))
			j++;
		if (ch[j].add)
			next[nn++] = ch[j].x;
		i += c == 0;
		j++;
	}
	rpki_replace(v, next, nn, cap, changed, nchanged, capchanged);
}

struct validation {
	uint32_t origin;
	bool has_origin, covered, valid, own; /* own: a covering VRP has the origin */
	uint8_t len;
};

static bool validate_one(void *arg, const struct rpki_vrp *x)
{
	struct validation *c = arg;
	c->covered = true;
	if (c->has_origin && x->asn == c->origin) {
		c->own = true;
		if (x->maxlen >= c->len)
			c->valid = true;
	}
	return !c->valid; /* one VRP that makes it valid is enough */
}

enum rpki_state rpki_validate(struct rpki *v, const struct rw_prefix *p, bool has_origin, uint32_t origin,
			      enum rpki_reason *why)
{
	*why = RPKI_R_NONE;
	if (!v->n)
		return RPKI_NOT_FOUND;
	/* RFC 6811: a route without an origin AS matches no VRP (AS 0 VRPs
	 * included): covered means invalid; AS 0 never makes one valid */
	struct validation c = {.origin = origin, .has_origin = has_origin && origin, .len = p->len};
	each_covering(v, p, validate_one, &c);
	if (c.valid)
		return RPKI_VALID;
	if (!c.covered)
		return RPKI_NOT_FOUND;
	*why = c.own ? RPKI_R_LENGTH : RPKI_R_AS;
	return RPKI_INVALID;
}

struct collect {
	struct rpki_vrp *out;
	uint32_t n, cap;
};

static bool collect_one(void *arg, const struct rpki_vrp *x)
{
	struct collect *c = arg;
	if (c->n < c->cap)
		c->out[c->n] = *x;
	c->n++;
	return true;
}

uint32_t rpki_covering(struct rpki *v, const struct rw_prefix *p, struct rpki_vrp *out, uint32_t cap)
{
	if (!v->n)
		return 0;
	struct collect c = {out, 0, cap};
	each_covering(v, p, collect_one, &c);
	qsort(out, RW_MIN(c.n, cap), sizeof *out, rpki_vrp_cmp);
	return c.n;
}

static bool any_one(void *arg, const struct rpki_vrp *x)
{
	(void)x;
	*(bool *)arg = true;
	return false;
}

bool rpki_covers(struct rpki *v, const struct rw_prefix *p)
{
	bool any = false;
	if (v->n)
		each_covering(v, p, any_one, &any);
	return any;
}

const char *rpki_reason_name(enum rpki_reason r)
{
	switch (r) {
	case RPKI_R_AS:
		return "as";
	case RPKI_R_LENGTH:
		return "length";
	case RPKI_R_NOT_FOUND:
		return "not_found";
	default:
		return "none";
	}
}
