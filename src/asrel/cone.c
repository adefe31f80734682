/*
 * Customer cones (see asrel.h): built once from a table. The ASes get
 * dense indices (c->idx); the p2c links become lists of customers per
 * provider (CSR: cust[coff[i]..coff[i+1])); each AS's cone is then a walk
 * down those lists, with a stamp per AS so that an AS met twice (several
 * paths down, or a p2c cycle) is counted once. The members of all cones
 * are in one array, each cone sorted by ASN, so membership is a binary
 * search and the whole costs 4 bytes a member plus 8 an AS.
 */
#include "asrel.h"

#include <stdlib.h>

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

static uint32_t idx_of(struct u64map *m, uint32_t asn)
{
	return (uint32_t)(u64map_put(m, asn) - m->vals);
}

int asrel_cones_build(struct asrel_cones *c, const struct asrel *t)
{
	memset(c, 0, sizeof *c);
	u64map_init(&c->idx, RW_MEM_OTHER);
	uint32_t nl = t->map.n;
	/* provider and customer index of each p2c link (n: none) */
	uint32_t *pv = rw_calloc((size_t)nl + 1, sizeof *pv), *cu = rw_calloc((size_t)nl + 1, sizeof *cu);
	uint32_t np = 0;
	for (uint32_t i = 0; i < nl; i++) {
		uint32_t lo = idx_of(&c->idx, (uint32_t)(t->map.keys[i] >> 32));
		uint32_t hi = idx_of(&c->idx, (uint32_t)t->map.keys[i]);
		enum asrel_rel r = (enum asrel_rel)t->map.vals[i]; /* what hi is to lo */
		if (r == ASREL_CUSTOMER) {
			pv[np] = lo;
			cu[np++] = hi;
		} else if (r == ASREL_PROVIDER) {
			pv[np] = hi;
			cu[np++] = lo;
		}
	}
	uint32_t n = c->idx.n;
	uint32_t *coff = rw_calloc((size_t)n + 2, sizeof *coff), *cust = rw_calloc((size_t)np + 1, sizeof *cust);
	for (uint32_t i = 0; i < np; i++)
		coff[pv[i] + 2]++;
	for (uint32_t i = 0; i < n; i++)
		coff[i + 2] += coff[i + 1];
	for (uint32_t i = 0; i < np; i++)
		cust[coff[pv[i] + 1]++] = cu[i];
	free(pv);
	free(cu);
	/* coff[i]..coff[i+1]: AS i's customers */
	uint32_t *stamp = rw_calloc((size_t)n + 1, sizeof *stamp), *stack = rw_calloc((size_t)n + 1, sizeof *stack);
	c->off = rw_calloc((size_t)n + 1, sizeof *c->off);
	int rc = 0;
	for (uint32_t i = 0; i < n && !rc; i++) {
		c->off[i] = (uint32_t)c->nmem;
		uint32_t sp = 0;
		stack[sp++] = i;
		stamp[i] = i + 1;
		while (sp) {
			uint32_t x = stack[--sp];
			if (c->nmem >= ASREL_CONE_MAX ||
			    rw_vec_grow(&c->mem, &c->capmem, (size_t)c->nmem + 1, sizeof *c->mem, ASREL_CONE_MAX, RW_MEM_OTHER)) {
				rc = RW_ELIMIT;
				break;
			}
			c->mem[c->nmem++] = (uint32_t)c->idx.keys[x];
			for (uint32_t k = coff[x]; k < coff[x + 1]; k++)
				if (stamp[cust[k]] != i + 1) {
					stamp[cust[k]] = i + 1;
					stack[sp++] = cust[k];
				}
		}
		qsort(c->mem + c->off[i], (size_t)(c->nmem - c->off[i]), sizeof *c->mem, cmp_u32);
	}
	c->off[n] = (uint32_t)c->nmem;
	free(stamp);
	free(stack);
	free(coff);
	free(cust);
	if (rc)
		asrel_cones_release(c);
	return rc;
}

void asrel_cones_release(struct asrel_cones *c)
{
	u64map_release(&c->idx);
	free(c->off);
	rw_vec_free(&c->mem, &c->capmem, sizeof *c->mem, RW_MEM_OTHER);
	memset(c, 0, sizeof *c);
}

uint32_t asrel_cone_size(const struct asrel_cones *c, uint32_t asn)
{
	const uint32_t *v = u64map_get(&c->idx, asn);
	if (!v)
		return 0;
	uint32_t i = (uint32_t)(v - c->idx.vals);
	return c->off[i + 1] - c->off[i];
}

bool asrel_cone_has(const struct asrel_cones *c, uint32_t asn, uint32_t member)
{
	const uint32_t *v = u64map_get(&c->idx, asn);
	if (!v)
		return false;
	uint32_t i = (uint32_t)(v - c->idx.vals);
	return bsearch(&member, c->mem + c->off[i], c->off[i + 1] - c->off[i], sizeof *c->mem, cmp_u32) != NULL;
}
