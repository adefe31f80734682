/*
 * EVENTS.md §7 grouping: events with the same (type, time, origin,
 * upstream) become one event whose prefixes are the sorted list of theirs.
 * A hash of the key points to the first event with that hash; collisions
 * chain through gevent.next.
 */
#include "det.h"

#include <stdlib.h>

void det_group_init(struct det_group *g)
{
	memset(g, 0, sizeof *g);
}

void det_group_release(struct det_group *g)
{
	for (uint32_t i = 0; i < g->n; i++)
		free(g->ev[i].pfx);
	free(g->ev);
	u64map_release(&g->idx);
	memset(g, 0, sizeof *g);
}

static uint64_t key_hash(const struct det_event *e)
{
	uint64_t h = (uint64_t)e->time * 0x9e3779b97f4a7c15ULL;
	h ^= ((uint64_t)e->origin << 20) ^ ((uint64_t)e->upstream * 0xc2b2ae3d27d4eb4fULL) ^ e->type ^
	     ((uint64_t)e->has_origin << 7);
	h ^= h >> 31;
	return h == UINT64_MAX ? 0 : h;
}

static bool same(const struct det_gevent *g, const struct det_event *e)
{
	return g->type == e->type && g->time == e->time && g->origin == e->origin && g->upstream == e->upstream &&
	       g->has_origin == e->has_origin;
}

void det_group_add(struct det_group *g, const struct det_event *e)
{
	uint64_t h = key_hash(e);
	uint32_t *slot = u64map_get(&g->idx, h);
	uint32_t i = slot ? *slot : UINT32_MAX;
	while (i != UINT32_MAX && !same(&g->ev[i], e))
		i = g->ev[i].next;
	if (i == UINT32_MAX) {
		if (g->n == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 256;
			g->ev = realloc(g->ev, g->cap * sizeof *g->ev);
			if (!g->ev)
				abort();
		}
		i = g->n++;
		struct det_gevent *n = &g->ev[i];
		memset(n, 0, sizeof *n);
		n->type = e->type;
		n->has_origin = e->has_origin;
		n->flag = e->flag;
		n->time = e->time;
		n->determined = e->determined;
		n->origin = e->origin;
		n->upstream = e->upstream;
		n->next = slot ? *slot : UINT32_MAX;
		*u64map_put(&g->idx, h) = i;
	}
	struct det_gevent *ge = &g->ev[i];
	/* flags agree within a key; keep "true" if any says so */
	ge->flag |= e->flag;
	if (e->determined > ge->determined)
		ge->determined = e->determined;
	if (e->origin_pfx > ge->origin_pfx)
		ge->origin_pfx = e->origin_pfx;
	if (e->npeers > ge->npeers)
		ge->npeers = e->npeers;
	if (e->pfx == RIB_NONE)
		return;
	for (uint32_t k = 0; k < ge->npfx; k++)
		if (ge->pfx[k] == e->pfx)
			return;
	if (ge->npfx == ge->cappfx) {
		ge->cappfx = ge->cappfx ? ge->cappfx * 2 : 4;
		ge->pfx = realloc(ge->pfx, ge->cappfx * sizeof *ge->pfx);
		if (!ge->pfx)
			abort();
	}
	ge->pfx[ge->npfx++] = e->pfx;
}

static int pfx_cmp(const void *a, const void *b, void *arg)
{
	const struct rib *r = arg;
	return rw_prefix_cmp(&r->pfx[*(const uint32_t *)a].p, &r->pfx[*(const uint32_t *)b].p);
}

static int ev_cmp(const void *a, const void *b)
{
	const struct det_gevent *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	if (x->upstream != y->upstream)
		return x->upstream < y->upstream ? -1 : 1;
	return (int)x->has_origin - (int)y->has_origin;
}

void det_group_finish(struct det_group *g, const struct rib *r)
{
	for (uint32_t i = 0; i < g->n; i++)
		if (g->ev[i].npfx > 1)
			qsort_r(g->ev[i].pfx, g->ev[i].npfx, sizeof *g->ev[i].pfx, pfx_cmp, (void *)r);
	if (g->n > 1)
		qsort(g->ev, g->n, sizeof *g->ev, ev_cmp);
	u64map_release(&g->idx); /* indices changed */
}
