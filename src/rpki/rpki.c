/*
 * The VRP set and its validation (see rpki.h). RTRlib's prefix table
 * answers the lookups; the sorted array beside it is what a new set is
 * compared with.
 */
#include "rpki.h"

#include <stdio.h>
#include <stdlib.h>

#define VEC(p, cap, need) rw_vec_grow(&(p), &(cap), (need), sizeof *(p), UINT32_MAX - 1, RW_MEM_RPKI)

void rpki_init(struct rpki *v)
{
	memset(v, 0, sizeof *v);
	pfx_table_init(&v->t, NULL);
}

void rpki_release(struct rpki *v)
{
	pfx_table_free(&v->t);
	rw_vec_free(&v->v, &v->cap, sizeof *v->v, RW_MEM_RPKI);
	free(v->why); /* RTRlib's realloc */
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

/* RTRlib keeps addresses as host-order 32-bit words. */
static void to_ip(uint8_t af, const uint8_t *b, struct lrtr_ip_addr *ip)
{
	memset(ip, 0, sizeof *ip);
	if (af == RW_AF_INET) {
		ip->ver = LRTR_IPV4;
		ip->u.addr4.addr = rd32(b);
	} else {
		ip->ver = LRTR_IPV6;
		for (int i = 0; i < 4; i++)
			ip->u.addr6.addr[i] = rd32(b + 4 * i);
	}
}

static void to_rec(const struct rpki_vrp *x, struct pfx_record *r)
{
	memset(r, 0, sizeof *r);
	r->asn = x->asn;
	r->min_len = x->len;
	r->max_len = x->maxlen;
	to_ip(x->af, x->b, &r->prefix);
}

static void from_rec(const struct pfx_record *r, struct rpki_vrp *x)
{
	memset(x, 0, sizeof *x);
	x->asn = r->asn;
	x->len = r->min_len;
	x->maxlen = r->max_len;
	if (r->prefix.ver == LRTR_IPV4) {
		x->af = RW_AF_INET;
		wr32(x->b, r->prefix.u.addr4.addr);
	} else {
		x->af = RW_AF_INET6;
		for (int i = 0; i < 4; i++)
			wr32(x->b + 4 * i, r->prefix.u.addr6.addr[i]);
	}
}

static void table_put(struct rpki *v, const struct rpki_vrp *x, bool add)
{
	struct pfx_record r;
	to_rec(x, &r);
	int rc = add ? pfx_table_add(&v->t, &r) : pfx_table_remove(&v->t, &r);
	if (rc == PFX_ERROR)
		rw_oom(sizeof r); /* RTRlib fails only when it cannot allocate */
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
		if (c < 0) {
			table_put(v, &v->v[i], false);
			note(changed, nchanged, capchanged, &v->v[i++]);
		} else if (c > 0) {
			table_put(v, &next[j], true);
			note(changed, nchanged, capchanged, &next[j++]);
		} else {
			i++, j++;
		}
	}
	rw_vec_free(&v->v, &v->cap, sizeof *v->v, RW_MEM_RPKI);
	v->v = next;
	v->n = n;
	v->cap = cap;
	v->changes++;
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

/* The covering records into v->why (RTRlib's realloc'ed array). */
static unsigned lookup(struct rpki *v, const struct rw_prefix *p, uint32_t asn, enum pfxv_state *st)
{
	struct lrtr_ip_addr ip;
	to_ip(p->af, p->b, &ip);
	unsigned n = 0;
	if (pfx_table_validate_r(&v->t, &v->why, &n, asn, &ip, p->len, st) != PFX_SUCCESS)
		rw_oom(sizeof *v->why);
	v->whyn = n;
	return n;
}

enum rpki_state rpki_validate(struct rpki *v, const struct rw_prefix *p, bool has_origin, uint32_t origin,
			      enum rpki_reason *why)
{
	*why = RPKI_R_NONE;
	if (!v->n)
		return RPKI_NOT_FOUND;
	enum pfxv_state st;
	if (!has_origin) {
		/* RFC 6811: a route without an origin AS matches no VRP (AS 0
		 * VRPs included): covered means invalid */
		if (!lookup(v, p, 0, &st))
			return RPKI_NOT_FOUND;
		*why = RPKI_R_AS;
		return RPKI_INVALID;
	}
	struct lrtr_ip_addr ip;
	to_ip(p->af, p->b, &ip);
	if (pfx_table_validate(&v->t, origin, &ip, p->len, &st) != PFX_SUCCESS)
		rw_oom(sizeof ip);
	if (st == BGP_PFXV_STATE_VALID)
		return RPKI_VALID;
	if (st == BGP_PFXV_STATE_NOT_FOUND)
		return RPKI_NOT_FOUND;
	/* invalid (rare): why, from the covering records */
	unsigned n = lookup(v, p, origin, &st);
	*why = RPKI_R_AS;
	for (unsigned i = 0; i < n; i++)
		if (v->why[i].asn == origin && origin)
			*why = RPKI_R_LENGTH;
	return RPKI_INVALID;
}

uint32_t rpki_covering(struct rpki *v, const struct rw_prefix *p, struct rpki_vrp *out, uint32_t cap)
{
	if (!v->n)
		return 0;
	enum pfxv_state st;
	unsigned n = lookup(v, p, 0, &st);
	for (unsigned i = 0; i < n && i < cap; i++)
		from_rec(&v->why[i], &out[i]);
	qsort(out, RW_MIN(n, cap), sizeof *out, rpki_vrp_cmp);
	return n;
}

bool rpki_covers(struct rpki *v, const struct rw_prefix *p)
{
	if (!v->n)
		return false;
	struct lrtr_ip_addr ip;
	to_ip(p->af, p->b, &ip);
	enum pfxv_state st;
	if (pfx_table_validate(&v->t, 0, &ip, p->len, &st) != PFX_SUCCESS)
		rw_oom(sizeof ip);
	return st != BGP_PFXV_STATE_NOT_FOUND;
}

const char *rpki_reason_name(enum rpki_reason r)
{
	switch (r) {
	case RPKI_R_AS:
		return "as";
	case RPKI_R_LENGTH:
		return "length";
	default:
		return "none";
	}
}
