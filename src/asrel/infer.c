/*
 * AS relationships inferred from AS paths (see asrel.h), after CAIDA's AS
 * Rank algorithm (Luckie, Huffaker, Dhamdhere, Giotsas, claffy: "AS
 * Relationships, Customer Cones, and Validation", IMC 2013), cut down to
 * the steps that carry its accuracy.
 *
 * Collecting (asrel_infer_path, per distinct path): each AS gets a dense
 * index (its entry in f->as), each link an entry in f->links whose value
 * holds flags (LF_*: which end was in the middle of a path over it, which
 * end was a path's first AS), and each triplet a-b-c (b between a and c,
 * a on the VP's side) an entry in f->trip. Distinct links and triplets
 * are what the steps need, so memory follows the topology, not the number
 * of paths.
 *
 * Inferring (asrel_infer_run):
 *  1. rank ASes by transit degree (distinct neighbours over which an AS
 *     was in the middle of a path), then degree, then ASN;
 *  2. the clique: the largest set of the top 10 all linked to each other,
 *     grown by those of the top 50 linked to every member; its links are
 *     p2p;
 *  3. top-down: when a is b's provider or peer, b passed the routes it
 *     got over b-c to a, which valley-free routing allows only when c is
 *     b's customer: every triplet a-b-c makes b provider of c; and the
 *     mirror, c-b-a with a b's provider or peer: b passed what it learned
 *     from a to c, which it does only for a customer. Work is a
 *     heap keyed by b's rank, so the links of better-ranked ASes are
 *     settled first; a link once inferred is never changed (no p2c pair
 *     in both directions), and a clique AS is never made a customer;
 *  4. VPs with a partial view (fewer distinct paths than
 *     ASREL_PARTIAL_PERCENT of the VP at the 90th percentile: they export their
 *     customers' routes only) are providers of the next AS of each of
 *     their paths; step 3 runs on from these links;
 *  5. a clique AS is the provider of a stub (an AS never in the middle of
 *     a path) it is linked to;
 *  6. a-b-c where neither a-b nor b-c has a relationship yet: b is c's
 *     provider when c's transit degree is smaller than b's and a's (the
 *     paper's "c2p where adjacent links have no relationship inferred");
 *  7. every link left is p2p.
 * Left out from the paper: the discarding of poisoned paths, IXP route
 * servers' ASNs, the provider-degree step for links of ASes without
 * providers, and the folding of p2c cycles (docs/relationships.md).
 */
#include "asrel.h"

#include <stdlib.h>

#define LF_LO_TRANSIT 1u /* the lower-index end was in the middle of a path */
#define LF_HI_TRANSIT 2u
#define LF_LO_FIRST 4u   /* the lower-index end was a path's first AS */
#define LF_HI_FIRST 8u

#define IDX_BITS 21
#define IDX_MASK ((1ull << IDX_BITS) - 1)

/* The state of a link during the run. */
enum { R_UNKNOWN, R_LO_PROV, R_HI_PROV, R_PEER };

#define CLIQUE_TOP 10  /* the clique is looked for among the top ASes... */
#define CLIQUE_GROW 50 /* ...and grown from these */

void asrel_infer_init(struct asrel_infer *f)
{
	memset(f, 0, sizeof *f);
	u64map_init(&f->as, RW_MEM_OTHER);
	u64map_init(&f->links, RW_MEM_OTHER);
	u64map_init(&f->trip, RW_MEM_OTHER);
	u64map_init(&f->vp, RW_MEM_OTHER);
}

void asrel_infer_release(struct asrel_infer *f)
{
	u64map_release(&f->as);
	u64map_release(&f->links);
	u64map_release(&f->trip);
	u64map_release(&f->vp);
	free(f->clique);
	memset(f, 0, sizeof *f);
}

size_t asrel_infer_bytes(const struct asrel_infer *f)
{
	return u64map_bytes(&f->as) + u64map_bytes(&f->links) + u64map_bytes(&f->trip) + u64map_bytes(&f->vp);
}

bool asrel_reserved(uint32_t a)
{
	return a == 0 || a == 23456 ||                      /* AS_TRANS (RFC 6793) */
	       (a >= 64496 && a <= 131071) ||               /* documentation, private,
								 last 16-bit, reserved */
	       a >= 4200000000u;                            /* private, last (RFC 6996, 7300) */
}

static uint64_t link_key(uint32_t x, uint32_t y)
{
	return x < y ? (uint64_t)x << 32 | y : (uint64_t)y << 32 | x;
}

void asrel_infer_path(struct asrel_infer *f, const uint32_t *as, uint32_t n)
{
	uint32_t s[ASREL_INFER_MAX_LEN], k = 0;
	f->paths++;
	for (uint32_t i = 0; i < n; i++) {
		if (as[i] == 0) { /* an AS_SET: keep what is before it */
			f->sets++;
			break;
		}
		if (k && s[k - 1] == as[i])
			continue; /* prepending */
		if (asrel_reserved(as[i])) {
			f->reserved++;
			return;
		}
		if (k == ASREL_INFER_MAX_LEN) {
			f->too_long++;
			return;
		}
		s[k++] = as[i];
	}
	for (uint32_t i = 2; i < k; i++)
		for (uint32_t j = 0; j + 1 < i; j++)
			if (s[i] == s[j]) {
				f->loops++;
				return;
			}
	if (k < 2)
		return;
	uint32_t x[ASREL_INFER_MAX_LEN];
	for (uint32_t i = 0; i < k; i++) {
		if (f->as.n >= ASREL_INFER_MAX_AS && !u64map_get(&f->as, s[i])) {
			f->too_many++;
			return;
		}
		x[i] = (uint32_t)(u64map_put(&f->as, s[i]) - f->as.vals);
	}
	(*u64map_put(&f->vp, x[0]))++;
	for (uint32_t i = 0; i + 1 < k; i++) {
		uint32_t a = x[i], b = x[i + 1];
		uint32_t fl = 0;
		/* a is in the middle when i > 0; b when i + 2 < k */
		if (i > 0)
			fl |= a < b ? LF_LO_TRANSIT : LF_HI_TRANSIT;
		if (i + 2 < k)
			fl |= b < a ? LF_LO_TRANSIT : LF_HI_TRANSIT;
		if (i == 0)
			fl |= a < b ? LF_LO_FIRST : LF_HI_FIRST;
		*u64map_put(&f->links, link_key(a, b)) |= fl;
	}
	for (uint32_t i = 1; i + 1 < k; i++)
		u64map_put(&f->trip, (uint64_t)x[i - 1] << (2 * IDX_BITS) | (uint64_t)x[i] << IDX_BITS | x[i + 1]);
	f->used++;
}

/* ---------------------------------------------------------------- the run */

struct run {
	struct asrel_infer *f;
	uint32_t n;         /* ASes */
	uint32_t *rank;     /* per AS index: its place in the order */
	uint8_t *in_clique; /* per AS index */
	uint8_t *rel;       /* per link entry: R_* */
	uint64_t *trip;     /* sorted triplet keys a << 42 | b << 21 | c */
	uint64_t *rtrip;    /* the same reversed, c << 42 | b << 21 | a, sorted */
	uint32_t ntrip;
	uint64_t *heap;     /* rank(b) << 42 | a << 21 | b: directed links a->b
			       where a is b's provider or peer */
	uint32_t nheap, capheap;
};

struct rank_key {
	uint32_t tdeg, deg, asn, idx;
};

static int cmp_rank(const void *x, const void *y)
{
	const struct rank_key *a = x, *b = y;
	if (a->tdeg != b->tdeg)
		return a->tdeg > b->tdeg ? -1 : 1;
	if (a->deg != b->deg)
		return a->deg > b->deg ? -1 : 1;
	return a->asn < b->asn ? -1 : a->asn > b->asn;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* The link entry of a and b, or NULL: its value holds the LF_* flags. */
static uint32_t link_id(const struct run *r, uint32_t a, uint32_t b)
{
	const uint32_t *v = u64map_get(&r->f->links, link_key(a, b));
	return v ? (uint32_t)(v - r->f->links.vals) : UINT32_MAX;
}

static void heap_push(struct run *r, uint32_t a, uint32_t b)
{
	rw_vec_grow(&r->heap, &r->capheap, (size_t)r->nheap + 1, sizeof *r->heap, UINT32_MAX - 1, RW_MEM_OTHER);
	uint64_t v = (uint64_t)r->rank[b] << (2 * IDX_BITS) | (uint64_t)a << IDX_BITS | b;
	uint32_t i = r->nheap++;
	while (i && r->heap[(i - 1) / 2] > v) {
		r->heap[i] = r->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	r->heap[i] = v;
}

static uint64_t heap_pop(struct run *r)
{
	uint64_t top = r->heap[0], v = r->heap[--r->nheap];
	uint32_t i = 0, n = r->nheap;
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && r->heap[c + 1] < r->heap[c])
			c++;
		if (r->heap[c] >= v)
			break;
		r->heap[i] = r->heap[c];
		i = c;
	}
	if (n)
		r->heap[i] = v;
	return top;
}

/* p becomes c's provider when their link is still unknown (and c is not
 * in the clique); step 3 then goes on from p->c. */
static void set_p2c(struct run *r, uint32_t p, uint32_t c)
{
	uint32_t id = link_id(r, p, c);
	if (id == UINT32_MAX || r->rel[id] != R_UNKNOWN || r->in_clique[c])
		return;
	r->rel[id] = p < c ? R_LO_PROV : R_HI_PROV;
	heap_push(r, p, c);
}

/* Triplet keys compared by their first two indices (bsearch). */
static int cmp_pair(const void *key, const void *elem)
{
	uint64_t a = *(const uint64_t *)key, b = *(const uint64_t *)elem & ~IDX_MASK;
	return a < b ? -1 : a > b;
}

/* The first of the keys of v (sorted, n) that start with lo's two
 * indices, or n when there is none. */
static uint32_t first(const uint64_t *v, uint32_t n, uint64_t lo)
{
	const uint64_t *p = n ? bsearch(&lo, v, n, sizeof *v, cmp_pair) : NULL;
	if (!p)
		return n;
	while (p > v && (p[-1] & ~IDX_MASK) == lo)
		p--;
	return (uint32_t)(p - v);
}

/* Step 3 until the heap is empty. Besides the rule above (a-b-c with a
 * b's provider or peer: c is b's customer), its mirror: c-b-a read from
 * the VP, a b's provider or peer, means b passed a route it learned from a
 * provider or peer to c, which it does only for a customer. */
static void top_down(struct run *r)
{
	while (r->nheap) {
		uint64_t v = heap_pop(r);
		uint32_t a = (uint32_t)(v >> IDX_BITS & IDX_MASK), b = (uint32_t)(v & IDX_MASK);
		uint64_t lo = (uint64_t)a << (2 * IDX_BITS) | (uint64_t)b << IDX_BITS;
		/* a-b-c: b passed c's routes to its provider or peer a, so c
		 * is b's customer */
		for (uint32_t i = first(r->trip, r->ntrip, lo); i < r->ntrip && (r->trip[i] & ~IDX_MASK) == lo; i++)
			set_p2c(r, b, (uint32_t)(r->trip[i] & IDX_MASK));
		/* c-b-a (read from the VP): b passed routes it learned from
		 * its provider or peer a to c, so c is b's customer */
		for (uint32_t i = first(r->rtrip, r->ntrip, lo); i < r->ntrip && (r->rtrip[i] & ~IDX_MASK) == lo; i++)
			set_p2c(r, b, (uint32_t)(r->rtrip[i] & IDX_MASK));
	}
}

/* Step 2: the clique, as AS indices into f->clique (then made ASNs). */
static void find_clique(struct run *r, const uint32_t *order, const uint32_t *tdeg)
{
	uint32_t k = RW_MIN(r->n, (uint32_t)CLIQUE_TOP), best = 0, bestpop = 0, bestsum = 0;
	while (k && !tdeg[order[k - 1]])
		k--; /* a clique AS gives transit: the order puts those first */
	for (uint32_t m = 1; m < (1u << k); m++) {
		uint32_t pop = 0, sum = 0;
		bool ok = true;
		for (uint32_t i = 0; i < k && ok; i++) {
			if (!(m >> i & 1))
				continue;
			pop++;
			sum += i;
			for (uint32_t j = 0; j < i && ok; j++)
				if (m >> j & 1)
					ok = link_id(r, order[i], order[j]) != UINT32_MAX;
		}
		if (ok && (pop > bestpop || (pop == bestpop && sum < bestsum))) {
			best = m;
			bestpop = pop;
			bestsum = sum;
		}
	}
	struct asrel_infer *f = r->f;
	f->clique = rw_calloc(CLIQUE_GROW, sizeof *f->clique);
	f->nclique = 0;
	for (uint32_t i = 0; i < k; i++)
		if (best >> i & 1)
			f->clique[f->nclique++] = order[i];
	for (uint32_t i = k; i < RW_MIN(r->n, (uint32_t)CLIQUE_GROW); i++) {
		uint32_t c = order[i];
		bool all = tdeg[c] > 0;
		for (uint32_t j = 0; j < f->nclique && all; j++)
			all = link_id(r, c, f->clique[j]) != UINT32_MAX;
		if (all)
			f->clique[f->nclique++] = c;
	}
	for (uint32_t i = 0; i < f->nclique; i++)
		r->in_clique[f->clique[i]] = 1;
}

/* Step 6: a-b-c where neither a-b nor b-c has a relationship yet, and c
 * has a smaller transit degree than b and than a: b is c's provider.
 * Valley-free routing lets b pass c's routes to a when c is b's customer,
 * or when c is a peer and a a customer; transit degrees say which is
 * likelier. (Asking a to be larger than c too keeps peers of b's small
 * customers p2p; of the three variants tried, b > c alone, with a > c,
 * with 4a > b, it had the best worse score on CAIDA's 2016 graph
 * simulated, 98.42 % p2c and 97.91 % p2p, and it also did best on the
 * generated graph of tests/cli/relationships.sh.) The
 * triplets are read against the state after step 5 (the links set here do
 * not make more), and a link both of whose ends qualify is left alone. */
static void adjacent_unknown(struct run *r, const uint32_t *tdeg)
{
	uint32_t nl = r->f->links.n;
	uint8_t *cand = rw_calloc((size_t)nl + 1, 1); /* 1: lo is provider, 2: hi, 3: both */
	for (uint32_t i = 0; i < r->ntrip; i++) {
		uint64_t t = r->trip[i];
		uint32_t a = (uint32_t)(t >> (2 * IDX_BITS)), b = (uint32_t)(t >> IDX_BITS & IDX_MASK),
			 c = (uint32_t)(t & IDX_MASK);
		if (tdeg[b] <= tdeg[c] || tdeg[a] <= tdeg[c] || r->in_clique[c] & 1)
			continue;
		uint32_t ab = link_id(r, a, b), bc = link_id(r, b, c);
		if (r->rel[ab] != R_UNKNOWN || r->rel[bc] != R_UNKNOWN)
			continue;
		cand[bc] |= b < c ? 1 : 2;
	}
	for (uint32_t l = 0; l < nl; l++)
		if (cand[l] == 1 || cand[l] == 2)
			r->rel[l] = cand[l] == 1 ? R_LO_PROV : R_HI_PROV;
	free(cand);
}

static int cmp_u32_desc(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a > b ? -1 : a < b;
}

/* What a full view counts (distinct paths of a VP): the VP at the 90th
 * percentile, so that one VP with many more paths than the others (ADD-PATH,
 * traffic engineering) does not make the full views look partial. */
static uint32_t full_view(const struct asrel_infer *f)
{
	if (!f->vp.n)
		return 0;
	uint32_t *v = rw_calloc(f->vp.n, sizeof *v);
	memcpy(v, f->vp.vals, (size_t)f->vp.n * sizeof *v);
	qsort(v, f->vp.n, sizeof *v, cmp_u32_desc);
	uint32_t r = v[f->vp.n / 10];
	free(v);
	return r;
}

int asrel_infer_run(struct asrel_infer *f, struct asrel *out)
{
	struct run rr = {.f = f, .n = f->as.n}, *r = &rr;
	uint32_t n = r->n, nl = f->links.n;
	uint32_t *deg = rw_calloc((size_t)n + 1, sizeof *deg);
	uint32_t *tdeg = rw_calloc((size_t)n + 1, sizeof *tdeg);
	uint32_t *order = rw_calloc((size_t)n + 1, sizeof *order);
	r->rank = rw_calloc((size_t)n + 1, sizeof *r->rank);
	r->in_clique = rw_calloc((size_t)n + 1, 1);
	r->rel = rw_calloc((size_t)nl + 1, 1);
	/* step 1: ranks */
	for (uint32_t l = 0; l < nl; l++) {
		uint32_t lo = (uint32_t)(f->links.keys[l] >> 32), hi = (uint32_t)f->links.keys[l];
		deg[lo]++;
		deg[hi]++;
		tdeg[lo] += (f->links.vals[l] & LF_LO_TRANSIT) != 0;
		tdeg[hi] += (f->links.vals[l] & LF_HI_TRANSIT) != 0;
	}
	struct rank_key *rk = rw_calloc((size_t)n + 1, sizeof *rk);
	for (uint32_t i = 0; i < n; i++)
		rk[i] = (struct rank_key){tdeg[i], deg[i], (uint32_t)f->as.keys[i], i};
	qsort(rk, n, sizeof *rk, cmp_rank);
	for (uint32_t i = 0; i < n; i++) {
		order[i] = rk[i].idx;
		r->rank[rk[i].idx] = i;
	}
	free(rk);
	r->ntrip = f->trip.n;
	r->trip = rw_calloc((size_t)r->ntrip + 1, sizeof *r->trip);
	if (r->ntrip) /* keys is NULL in an empty map */
		memcpy(r->trip, f->trip.keys, (size_t)r->ntrip * sizeof *r->trip);
	qsort(r->trip, r->ntrip, sizeof *r->trip, cmp_u64);
	r->rtrip = rw_calloc((size_t)r->ntrip + 1, sizeof *r->rtrip);
	for (uint32_t i = 0; i < r->ntrip; i++) {
		uint64_t t = r->trip[i];
		r->rtrip[i] = (t & IDX_MASK) << (2 * IDX_BITS) | (t & (IDX_MASK << IDX_BITS)) | t >> (2 * IDX_BITS);
	}
	qsort(r->rtrip, r->ntrip, sizeof *r->rtrip, cmp_u64);
	/* step 2: the clique's links are p2p */
	free(f->clique);
	find_clique(r, order, tdeg);
	for (uint32_t i = 0; i < f->nclique; i++)
		for (uint32_t j = 0; j < i; j++) {
			uint32_t a = f->clique[i], b = f->clique[j], id = link_id(r, a, b);
			r->rel[id] = R_PEER;
			heap_push(r, a, b);
			heap_push(r, b, a);
		}
	/* step 3 */
	top_down(r);
	/* step 4: VPs with a partial view */
	uint32_t most = full_view(f);
	uint8_t *partial = r->in_clique; /* reused as a bit per AS: 2 = partial */
	f->npartial = 0;
	for (uint32_t i = 0; i < f->vp.n; i++)
		if ((uint64_t)f->vp.vals[i] * 100 < (uint64_t)most * ASREL_PARTIAL_PERCENT) {
			partial[f->vp.keys[i]] |= 2;
			f->npartial++;
		}
	for (uint32_t l = 0; l < nl; l++) {
		uint32_t lo = (uint32_t)(f->links.keys[l] >> 32), hi = (uint32_t)f->links.keys[l];
		uint32_t fl = f->links.vals[l];
		if ((fl & LF_LO_FIRST) && (partial[lo] & 2))
			set_p2c(r, lo, hi);
		if ((fl & LF_HI_FIRST) && (partial[hi] & 2))
			set_p2c(r, hi, lo);
	}
	top_down(r);
	/* step 5: stubs under the clique */
	for (uint32_t l = 0; l < nl; l++) {
		uint32_t lo = (uint32_t)(f->links.keys[l] >> 32), hi = (uint32_t)f->links.keys[l];
		if ((r->in_clique[lo] & 1) && !tdeg[hi])
			set_p2c(r, lo, hi);
		else if ((r->in_clique[hi] & 1) && !tdeg[lo])
			set_p2c(r, hi, lo);
	}
	/* step 6: links next to links without a relationship */
	adjacent_unknown(r, tdeg);
	/* step 7, and the table */
	int rc = 0;
	for (uint32_t l = 0; l < nl && !rc; l++) {
		uint32_t a = (uint32_t)f->as.keys[f->links.keys[l] >> 32];
		uint32_t b = (uint32_t)f->as.keys[(uint32_t)f->links.keys[l]];
		/* what b (the higher index's ASN) is to a */
		enum asrel_rel v = r->rel[l] == R_LO_PROV ? ASREL_CUSTOMER
				   : r->rel[l] == R_HI_PROV ? ASREL_PROVIDER
							    : ASREL_PEER;
		rc = asrel_add(out, a, b, v);
	}
	for (uint32_t i = 0; i < f->nclique; i++)
		f->clique[i] = (uint32_t)f->as.keys[f->clique[i]];
	free(deg);
	free(tdeg);
	free(order);
	free(r->rank);
	free(r->in_clique);
	free(r->rel);
	free(r->trip);
	free(r->rtrip);
	rw_vec_free(&r->heap, &r->capheap, sizeof *r->heap, RW_MEM_OTHER);
	return rc;
}
