/*
 * docs/events.md §7 grouping: events with the same (type, time, origin,
 * upstream) become one event whose prefixes are the sorted list of theirs.
 * The one hash table finds an event by its key; a map of (event, prefix)
 * pairs keeps each prefix once per event. Both are constant time per
 * event, so a peer leaving with 400 k prefixes of one origin costs 400 k
 * steps, not 400 k squared over 2 (a linear search of the prefix list
 * blocked the collector's event loop for 30 s).
 */
#include "det.h"

#include <stdio.h>
#include <stdlib.h>

void det_group_init(struct det_group *g)
{
	memset(g, 0, sizeof *g);
	htab_init(&g->idx, 64, RW_MEM_OUT);
	u64map_init(&g->seen, RW_MEM_OUT);
}

void det_group_release(struct det_group *g)
{
	for (uint32_t i = 0; i < g->n; i++) {
		rw_vec_free(&g->ev[i].pfx, &g->ev[i].cappfx, sizeof *g->ev[i].pfx, RW_MEM_OUT);
		rw_vec_free(&g->ev[i].origins, &g->ev[i].caporigins, sizeof *g->ev[i].origins, RW_MEM_OUT);
		rw_vec_free(&g->ev[i].vrps, &g->ev[i].capvrps, sizeof *g->ev[i].vrps, RW_MEM_OUT);
		free((void *)g->ev[i].proof.rec);
		free((void *)g->ev[i].proof.file);
	}
	rw_vec_free(&g->ev, &g->cap, sizeof *g->ev, RW_MEM_OUT);
	htab_release(&g->idx);
	u64map_release(&g->seen);
	memset(g, 0, sizeof *g);
}

static uint32_t key_hash(const struct det_event *e)
{
	return (uint32_t)rw_hash_2u64((uint64_t)e->time << 32 | e->origin,
				      (uint64_t)e->upstream << 32 | (uint32_t)e->type << 1 | e->has_origin, e->to);
}

static bool same(const struct det_gevent *g, const struct det_event *e)
{
	return g->type == e->type && g->time == e->time && g->origin == e->origin && g->upstream == e->upstream &&
	       g->has_origin == e->has_origin && g->to == e->to;
}

/* A copy of p that the group owns (the event's is borrowed). */
static void keep_proof(struct det_gevent *ge, const struct det_proof *p)
{
	free((void *)ge->proof.rec);
	free((void *)ge->proof.file);
	ge->proof = *p;
	ge->has_proof = true;
	if (p->rec) {
		uint8_t *c = rw_malloc(p->len);
		memcpy(c, p->rec, p->len);
		ge->proof.rec = c;
	}
	ge->proof.file = p->file ? rw_strdup(p->file) : NULL;
}

void det_group_add(struct det_group *g, const struct det_event *e)
{
	if (!g->idx.s)
		abort(); /* a caller's error: added to after det_group_finish */
	uint32_t h = key_hash(e), k, i;
	for (i = htab_first(&g->idx, h, &k); i != HTAB_NONE; i = htab_next(&g->idx, h, &k))
		if (same(&g->ev[i], e))
			break;
	if (i == HTAB_NONE) {
		rw_vec_grow(&g->ev, &g->cap, (size_t)g->n + 1, sizeof *g->ev, UINT32_MAX - 1, RW_MEM_OUT);
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
		n->to = e->to;
		n->rel = e->rel;
		n->wp = e->wp;
		n->wa = e->wa;
		htab_add_at(&g->idx, k, h, i);
	}
	struct det_gevent *ge = &g->ev[i];
	/* docs/events.md §15: the first proof; a record beats a cause */
	if (e->proof && (!ge->has_proof || (!ge->proof.rec && e->proof->rec)))
		keep_proof(ge, e->proof);
	/* flags agree within a key; keep "true" if any says so */
	ge->flag |= e->flag;
	if (e->determined > ge->determined)
		ge->determined = e->determined;
	if (e->origin_pfx > ge->origin_pfx)
		ge->origin_pfx = e->origin_pfx;
	if (e->npeers > ge->npeers)
		ge->npeers = e->npeers;
	if (e->since && (!ge->since || e->since < ge->since))
		ge->since = e->since;
	/* docs/events.md §10: the origin lists of its prefixes, united (sorted) */
	for (uint32_t q = 0; q < e->norigins; q++) {
		uint32_t o = e->origins[q], j = ge->norigins;
		for (; j > 0 && ge->origins[j - 1] > o; j--)
			;
		if (j > 0 && ge->origins[j - 1] == o)
			continue;
		rw_vec_grow(&ge->origins, &ge->caporigins, (size_t)ge->norigins + 1, sizeof *ge->origins, UINT32_MAX,
			    RW_MEM_OUT);
		memmove(ge->origins + j + 1, ge->origins + j, (size_t)(ge->norigins - j) * sizeof *ge->origins);
		ge->origins[j] = o;
		ge->norigins++;
	}
	/* docs/events.md §12: the covering VRPs of its prefixes, united */
	for (uint32_t q = 0; q < e->nvrps; q++) {
		uint32_t j = ge->nvrps;
		for (; j > 0 && rpki_vrp_cmp(&ge->vrps[j - 1], &e->vrps[q]) > 0; j--)
			;
		if (j > 0 && !rpki_vrp_cmp(&ge->vrps[j - 1], &e->vrps[q]))
			continue;
		rw_vec_grow(&ge->vrps, &ge->capvrps, (size_t)ge->nvrps + 1, sizeof *ge->vrps, UINT32_MAX, RW_MEM_OUT);
		memmove(ge->vrps + j + 1, ge->vrps + j, (size_t)(ge->nvrps - j) * sizeof *ge->vrps);
		ge->vrps[j] = e->vrps[q];
		ge->nvrps++;
	}
	if (e->pfx == RIB_NONE)
		return;
	uint32_t *added = u64map_put(&g->seen, (uint64_t)i << 32 | e->pfx);
	if (*added)
		return;
	*added = 1;
	rw_vec_grow(&ge->pfx, &ge->cappfx, (size_t)ge->npfx + 1, sizeof *ge->pfx, UINT32_MAX, RW_MEM_OUT);
	ge->pfx[ge->npfx++] = e->pfx;
}

int det_filter_types(struct det_filter *f, const char *list, char *bad, size_t badsz)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		char name[32];
		int t = -1;
		if (n && n < sizeof name) {
			memcpy(name, p, n);
			name[n] = 0;
			t = det_type_parse(name);
		}
		if (t < 0) {
			snprintf(bad, badsz, "%.*s", (int)n, p);
			return -1;
		}
		f->types |= 1ull << t;
		p += n;
		p += *p == ',';
	}
	return 0;
}

const char *det_type_list(void)
{
	/* from the names themselves, so that a new type is listed */
	static char list[512];
	if (!list[0]) {
		size_t n = 0;
		for (int t = 0; t < DET_TYPE_COUNT; t++)
			if (t != DET_UPSTREAM_PRESENT && t != DET_COUNTRY_PRESENT)
				n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "",
						      det_type_name((enum det_type)t));
	}
	return list;
}

bool det_filter_match(const struct det_filter *f, unsigned type, bool has_origin, uint32_t origin, uint32_t time)
{
	if (f->types && !(f->types & (1ull << type)))
		return false;
	if (time < f->from || (f->until && time >= f->until))
		return false;
	if (!f->origins || type == DET_COLLECTOR_GAP)
		return true;
	if (!has_origin || type == DET_COUNTRY_GAINED || type == DET_COUNTRY_LOST)
		return false; /* a country's events name no origin (its code) */
	size_t lo = 0, hi = f->norigins; /* sorted: binary search */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->origins[mid] < origin)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->norigins && f->origins[lo] == origin;
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
	/* indices changed: both maps name events by index */
	htab_release(&g->idx);
	u64map_release(&g->seen);
}
