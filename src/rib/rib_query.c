/*
 * Queries over the route state that front ends share (the `as` command,
 * the HTTP API): they read the rib and never change it.
 */
#include "rib_int.h"

#include <stdlib.h>

void rib_origin_view_free(struct rib_origin_view *v)
{
	rw_vec_free(&v->pfx, &v->cappfx, sizeof *v->pfx, RW_MEM_RIB);
	rw_vec_free(&v->up, &v->capup, sizeof *v->up, RW_MEM_RIB);
	memset(v, 0, sizeof *v);
}

/* Distinct collectors among a set of peers, by a stamp per collector. */
static uint32_t count_colls(uint32_t *stamp, uint32_t *cur, const struct rib *r, const uint32_t *peers, uint32_t n)
{
	++*cur;
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = r->peer[peers[i]].collector;
		if (stamp[c] != *cur) {
			stamp[c] = *cur;
			k++;
		}
	}
	return k;
}

void rib_origin_view(const struct rib *r, uint32_t origin, struct rib_origin_view *v)
{
	memset(v, 0, sizeof *v);
	v->origin = origin;
	v->colls_total = r->ncoll;
	for (uint32_t i = 0; i < r->npeer; i++)
		v->peers_total += r->peer[i].nroutes > 0;
	uint32_t *stamp = rw_calloc((size_t)r->ncoll + 1, sizeof *stamp), cur = 0;
	uint32_t *peers = rw_malloc(((size_t)r->npeer + 1) * sizeof *peers);
	for (uint32_t p = 0; p < r->npfx; p++) {
		const struct rib_pfx *x = &r->pfx[p];
		bool mine = false;
		for (uint32_t i = 0; i < x->n && !mine; i++)
			mine = r->path[x->r[i].path].origin == origin;
		if (!mine)
			continue;
		rw_vec_grow(&v->pfx, &v->cappfx, (size_t)v->npfx + 1, sizeof *v->pfx, UINT32_MAX, RW_MEM_RIB);
		struct rib_pfx_view *pv = &v->pfx[v->npfx++];
		pv->pfx = p;
		pv->up_off = v->nup;
		/* visibility: distinct peers (routes are sorted by peer) */
		uint32_t nv = 0, last = RIB_NONE;
		for (uint32_t i = 0; i < x->n; i++) {
			uint32_t peer = rib_route_peer(&x->r[i]);
			if (peer != last)
				peers[nv++] = peer;
			last = peer;
		}
		pv->peers = nv;
		pv->colls = count_colls(stamp, &cur, r, peers, nv);
		/* upstreams in order of first appearance, each with its peers */
		for (uint32_t i = 0; i < x->n; i++) {
			const struct rib_path *pa = &r->path[x->r[i].path];
			if (pa->origin != origin)
				continue;
			uint32_t k = pv->up_off;
			while (k < v->nup && v->up[k].asn != pa->upstream)
				k++;
			if (k < v->nup)
				continue;
			uint32_t n = 0;
			last = RIB_NONE;
			for (uint32_t j = 0; j < x->n; j++) {
				const struct rib_path *pb = &r->path[x->r[j].path];
				uint32_t peer = rib_route_peer(&x->r[j]);
				if (pb->origin == origin && pb->upstream == pa->upstream && peer != last) {
					peers[n++] = peer;
					last = peer;
				}
			}
			rw_vec_grow(&v->up, &v->capup, (size_t)v->nup + 1, sizeof *v->up, UINT32_MAX, RW_MEM_RIB);
			v->up[v->nup++] = (struct rib_up_view){pa->upstream, n, count_colls(stamp, &cur, r, peers, n)};
		}
		pv->nup = v->nup - pv->up_off;
	}
	free(stamp);
	free(peers);
}
