/*
 * docs/events.md §14: a country's view (det_country_view), from the rib
 * and the networks' countries alone; the episodes are det_country.c's.
 */
#include "det_int.h"

#include <stdlib.h>

#define MEM RW_MEM_OUT /* a query's answer, freed when printed */

void det_country_view_free(struct det_country_view *v)
{
	rw_vec_free(&v->prov, &v->capprov, sizeof *v->prov, MEM);
	rw_vec_free(&v->net, &v->capnet, sizeof *v->net, MEM);
	rw_vec_free(&v->pfx, &v->cappfx, sizeof *v->pfx, MEM);
	rw_vec_free(&v->ids, &v->capids, sizeof *v->ids, MEM);
	memset(v, 0, sizeof *v);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static int cmp_prov(const void *a, const void *b)
{
	const struct det_cv_prov *x = a, *y = b;
	if (x->routes != y->routes)
		return x->routes > y->routes ? -1 : 1;
	return (x->asn > y->asn) - (x->asn < y->asn);
}

static int cmp_net(const void *a, const void *b)
{
	const struct det_cv_net *x = a, *y = b;
	if (x->prefixes != y->prefixes)
		return x->prefixes > y->prefixes ? -1 : 1;
	return (x->asn > y->asn) - (x->asn < y->asn);
}

/* Append v to the list ids[off..off+*n) unless it holds it already (the
 * list is the last one in ids: it can grow in place). */
static void add_once(struct det_country_view *cv, uint32_t off, uint32_t *n, uint32_t v)
{
	for (uint32_t i = 0; i < *n; i++)
		if (cv->ids[off + i] == v)
			return;
	rw_vec_grow(&cv->ids, &cv->capids, (size_t)cv->nids + 1, sizeof *cv->ids, UINT32_MAX, MEM);
	cv->ids[cv->nids++] = v;
	(*n)++;
}

void det_country_view(const struct rib *r, const struct geo *g, uint16_t cc, struct det_country_view *v)
{
	memset(v, 0, sizeof *v);
	v->cc = cc;
	v->peers_total = rib_peers_with_routes(r);
	struct arena scratch;
	arena_init(&scratch, 4096, 1 << 20, MEM);
	struct u64map pidx, nidx, seen; /* provider -> index; network -> index;
					   (provider, peer), (provider, border) */
	u64map_init(&pidx, MEM);
	u64map_init(&nidx, MEM);
	u64map_init(&seen, MEM);
	uint32_t *tmp = NULL, ntmp = 0, captmp = 0; /* a prefix's providers */
	for (uint32_t p = 0; p < r->npfx; p++) {
		const struct rib_pfx *x = &r->pfx[p];
		struct det_cv_pfx *pv = NULL;
		ntmp = 0;
		for (uint32_t j = 0; j < x->n; j++) {
			uint32_t peer = rib_route_peer(&x->r[j]), path = x->r[j].path, o = r->path[path].origin;
			if (!o || geo_get(g, o) != cc)
				continue;
			if (!pv) {
				rw_vec_grow(&v->pfx, &v->cappfx, (size_t)v->npfx + 1, sizeof *v->pfx, UINT32_MAX, MEM);
				pv = &v->pfx[v->npfx++];
				*pv = (struct det_cv_pfx){.pfx = p, .origin = v->nids};
				for (uint32_t k = 0; k < x->n; k++) /* routes are sorted by peer */
					pv->vis += !k || rib_route_peer(&x->r[k]) != rib_route_peer(&x->r[k - 1]);
			}
			add_once(v, pv->origin, &pv->norigin, o);
			uint16_t c;
			uint32_t prov, border;
			det_path_country(r, g, path, &scratch, &c, &prov, &border);
			v->routes++;
			/* the network */
			uint32_t *ni = u64map_get(&nidx, o);
			if (!ni) {
				rw_vec_grow(&v->net, &v->capnet, (size_t)v->nnet + 1, sizeof *v->net, UINT32_MAX, MEM);
				v->net[v->nnet] = (struct det_cv_net){.asn = o};
				ni = u64map_put(&nidx, o);
				*ni = v->nnet++;
			}
			v->net[*ni].routes++;
			if (!prov) {
				v->inside++;
				continue;
			}
			uint32_t *pi = u64map_get(&pidx, prov);
			if (!pi) {
				rw_vec_grow(&v->prov, &v->capprov, (size_t)v->nprov + 1, sizeof *v->prov, UINT32_MAX, MEM);
				v->prov[v->nprov] = (struct det_cv_prov){.asn = prov};
				pi = u64map_put(&pidx, prov);
				*pi = v->nprov++;
			}
			struct det_cv_prov *pp = &v->prov[*pi];
			pp->routes++;
			uint32_t *s = u64map_put(&seen, (uint64_t)prov << 32 | peer);
			pp->peers += !(*s & 1);
			*s |= 1;
			s = u64map_put(&seen, (uint64_t)prov << 32 | border);
			pp->nborder += !(*s & 2); /* counted now, listed below */
			*s |= 2;
			bool had = false;
			for (uint32_t k = 0; k < ntmp && !had; k++)
				had = tmp[k] == prov;
			if (!had) {
				rw_vec_grow(&tmp, &captmp, (size_t)ntmp + 1, sizeof *tmp, UINT32_MAX, MEM);
				tmp[ntmp++] = prov;
				pp->prefixes++;
			}
		}
		if (!pv)
			continue;
		/* the prefix's networks counted once each */
		for (uint32_t k = 0; k < pv->norigin; k++)
			v->net[*u64map_get(&nidx, v->ids[pv->origin + k])].prefixes++;
		qsort(v->ids + pv->origin, pv->norigin, sizeof *v->ids, cmp_u32);
		qsort(tmp, ntmp, sizeof *tmp, cmp_u32);
		pv->prov = v->nids;
		pv->nprov = ntmp;
		rw_vec_grow(&v->ids, &v->capids, (size_t)v->nids + ntmp + 1, sizeof *v->ids, UINT32_MAX, MEM);
		memcpy(v->ids + v->nids, tmp, (size_t)ntmp * sizeof *tmp);
		v->nids += ntmp;
	}
	/* the border networks of each provider, from the (provider, border)
	 * pairs seen */
	for (uint32_t i = 0; i < v->nprov; i++) {
		struct det_cv_prov *pp = &v->prov[i];
		pp->share = v->routes ? (double)pp->routes / (double)v->routes : 0;
		uint32_t nb = 0, at = v->nids;
		rw_vec_grow(&v->ids, &v->capids, (size_t)v->nids + pp->nborder + 1, sizeof *v->ids, UINT32_MAX, MEM);
		for (uint32_t k = 0; k < seen.n && nb < pp->nborder; k++)
			if ((seen.vals[k] & 2) && (uint32_t)(seen.keys[k] >> 32) == pp->asn)
				v->ids[at + nb++] = (uint32_t)seen.keys[k];
		qsort(v->ids + at, nb, sizeof *v->ids, cmp_u32);
		pp->border = at;
		pp->nborder = nb;
		v->nids += nb;
	}
	qsort(v->prov, v->nprov, sizeof *v->prov, cmp_prov);
	qsort(v->net, v->nnet, sizeof *v->net, cmp_net);
	/* prefixes in prefix order: sort the ids, then the entries by them */
	if (v->npfx) {
		uint32_t *order = rw_malloc((size_t)v->npfx * sizeof *order);
		struct u64map at;
		u64map_init(&at, MEM);
		for (uint32_t i = 0; i < v->npfx; i++) {
			order[i] = v->pfx[i].pfx;
			*u64map_put(&at, v->pfx[i].pfx) = i;
		}
		rib_sort_prefixes(r, order, v->npfx);
		struct det_cv_pfx *sorted = rw_malloc((size_t)v->npfx * sizeof *sorted);
		for (uint32_t i = 0; i < v->npfx; i++)
			sorted[i] = v->pfx[*u64map_get(&at, order[i])];
		memcpy(v->pfx, sorted, (size_t)v->npfx * sizeof *sorted);
		free(sorted);
		free(order);
		u64map_release(&at);
	}
	rw_vec_free(&tmp, &captmp, sizeof *tmp, MEM);
	u64map_release(&pidx);
	u64map_release(&nidx);
	u64map_release(&seen);
	arena_release(&scratch);
}
