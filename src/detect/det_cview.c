/*
 * docs/events.md §14: countries' views (det_country_views), from the rib
 * and the networks' countries alone; the episodes are det_country.c's.
 *
 * One walk over the rib serves one country or all of them. What a route
 * adds depends on its path alone (its origin's country and network, its
 * international provider and border network), so that is worked out once
 * per distinct path (det_path_country) and kept in an array by path id;
 * a route then costs a few array loads and counters. Per prefix, the
 * (country, network) and (country, provider) pairs of its routes are
 * gathered, then sorted and counted once each; a provider's peers are a
 * bitmap by peer id; its (provider, border) pairs are met once per path.
 */
#include "det_int.h"

#include <stdlib.h>

#define MEM RW_MEM_OUT /* a query's answer, freed when printed */
#define GROW(p, cap, need) rw_vec_grow(&(p), &(cap), (need), sizeof *(p), UINT32_MAX, MEM)

static void view_free(struct det_country_view *v)
{
	rw_vec_free(&v->prov, &v->capprov, sizeof *v->prov, MEM);
	rw_vec_free(&v->net, &v->capnet, sizeof *v->net, MEM);
	rw_vec_free(&v->pfx, &v->cappfx, sizeof *v->pfx, MEM);
	rw_vec_free(&v->ids, &v->capids, sizeof *v->ids, MEM);
	memset(v, 0, sizeof *v);
}

void det_country_views_free(struct det_country_views *vs)
{
	for (uint32_t i = 0; i < vs->n; i++)
		view_free(&vs->v[i]);
	rw_vec_free(&vs->v, &vs->cap, sizeof *vs->v, MEM);
	vs->n = 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
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

static int cmp_view(const void *a, const void *b)
{
	const struct det_country_view *x = a, *y = b;
	return (x->cc > y->cc) - (x->cc < y->cc);
}

/* A provider of a view, numbered over the whole walk. */
struct gprov {
	uint32_t view, idx;
};

/* What a path gives, worked out on its first route. */
#define PI_NONE UINT32_MAX
struct pinfo {
	uint32_t view;  /* view index + 1; 0: not yet; PI_NONE: no country asked */
	uint32_t net;   /* its origin's index in the view's networks */
	uint32_t g;     /* gprov id; PI_NONE: no international provider */
};

struct walk {
	const struct rib *r;
	const struct geo *g;
	struct det_country_view *v; /* the answer's views */
	uint32_t nv, capv;
	struct u64map vidx;     /* country -> view */
	struct u64map pidx;     /* country << 32 | provider -> gprov id */
	struct gprov *gp;
	uint32_t ngp, capgp;
	struct u64map nidx;     /* network -> its index in its view */
	struct pinfo *pi;       /* by rib path id */
	uint64_t *bits;         /* per gprov, nwords words: its peers */
	uint32_t nwords, capbits;
	struct u64map seenb;    /* gprov << 32 | border, listed in bord */
	uint64_t *bord;
	uint32_t nbord, capbord;
	/* the prefix being walked: its views' entries, and its (view,
	 * network) and (view, provider) pairs */
	uint32_t *pv, npv, cappv; /* the views it has an entry in */
	uint64_t *po, *pp;        /* view << 32 | network, view << 32 | gprov */
	uint32_t npo, cappo, npp, cappp;
	struct arena scratch;
};

static uint32_t view_of(struct walk *w, uint16_t cc)
{
	uint32_t *x = u64map_get(&w->vidx, cc);
	if (x)
		return *x;
	GROW(w->v, w->capv, (size_t)w->nv + 1);
	memset(&w->v[w->nv], 0, sizeof *w->v);
	w->v[w->nv].cc = cc;
	w->v[w->nv].peers_total = rib_peers_with_routes(w->r);
	*u64map_put(&w->vidx, cc) = w->nv;
	return w->nv++;
}

/* The prefix's entry in view vi (made on its first route there). */
static struct det_cv_pfx *pfx_of(struct walk *w, uint32_t vi, uint32_t p)
{
	struct det_country_view *v = &w->v[vi];
	for (uint32_t k = 0; k < w->npv; k++)
		if (w->pv[k] == vi)
			return &v->pfx[v->npfx - 1]; /* the last: made for this prefix */
	GROW(w->pv, w->cappv, (size_t)w->npv + 1);
	w->pv[w->npv++] = vi;
	GROW(v->pfx, v->cappfx, (size_t)v->npfx + 1);
	struct det_cv_pfx *pv = &v->pfx[v->npfx++];
	*pv = (struct det_cv_pfx){.pfx = p};
	const struct rib_pfx *x = &w->r->pfx[p];
	for (uint32_t k = 0; k < x->n; k++) /* routes are sorted by peer */
		pv->vis += !k || rib_route_peer(&x->r[k]) != rib_route_peer(&x->r[k - 1]);
	return pv;
}

/* A prefix's few networks or providers in order. */
static void isort_u32(uint32_t *a, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t j = i; j > 0 && a[j] < a[j - 1]; j--) {
			uint32_t t = a[j];
			a[j] = a[j - 1];
			a[j - 1] = t;
		}
}

/* The prefix's pairs, each once: a handful per prefix, kept in order by
 * insertion (a sort per prefix would cost more than the walk). */
static void add_pair(uint64_t **v, uint32_t *n, uint32_t *cap, uint64_t x)
{
	uint32_t i = *n;
	for (; i > 0 && (*v)[i - 1] >= x; i--)
		if ((*v)[i - 1] == x)
			return;
	GROW(*v, *cap, (size_t)*n + 1);
	if (i < *n)
		memmove(*v + i + 1, *v + i, (size_t)(*n - i) * sizeof **v);
	(*v)[i] = x;
	(*n)++;
}

/* A path's first route: its country's view, its network, its provider
 * (and the provider's border network, listed once). */
static void path_info(struct walk *w, uint32_t path, uint16_t only, struct pinfo *pi)
{
	uint32_t o = w->r->path[path].origin;
	uint16_t cc;
	uint32_t prov, border;
	det_path_country(w->r, w->g, path, &w->scratch, &cc, &prov, &border);
	if (!cc || (only && cc != only)) {
		pi->view = PI_NONE;
		return;
	}
	uint32_t vi = view_of(w, cc);
	struct det_country_view *v = &w->v[vi];
	uint32_t *ni = u64map_get(&w->nidx, o);
	if (!ni) {
		GROW(v->net, v->capnet, (size_t)v->nnet + 1);
		v->net[v->nnet] = (struct det_cv_net){.asn = o};
		ni = u64map_put(&w->nidx, o);
		*ni = v->nnet++;
	}
	*pi = (struct pinfo){.view = vi + 1, .net = *ni, .g = PI_NONE};
	if (!prov)
		return;
	uint32_t *gi = u64map_get(&w->pidx, (uint64_t)cc << 32 | prov);
	if (!gi) {
		GROW(v->prov, v->capprov, (size_t)v->nprov + 1);
		v->prov[v->nprov] = (struct det_cv_prov){.asn = prov};
		GROW(w->gp, w->capgp, (size_t)w->ngp + 1);
		w->gp[w->ngp] = (struct gprov){vi, v->nprov++};
		GROW(w->bits, w->capbits, (size_t)(w->ngp + 1) * w->nwords);
		memset(w->bits + (size_t)w->ngp * w->nwords, 0, w->nwords * sizeof *w->bits);
		gi = u64map_put(&w->pidx, (uint64_t)cc << 32 | prov);
		*gi = w->ngp++;
	}
	pi->g = *gi;
	uint32_t *s = u64map_put(&w->seenb, (uint64_t)pi->g << 32 | border);
	if (!*s) {
		*s = 1;
		GROW(w->bord, w->capbord, (size_t)w->nbord + 1);
		w->bord[w->nbord++] = (uint64_t)pi->g << 32 | border;
	}
}

static void route(struct walk *w, uint32_t p, uint32_t peer, const struct pinfo *pi)
{
	uint32_t vi = pi->view - 1;
	pfx_of(w, vi, p);
	struct det_country_view *v = &w->v[vi];
	v->routes++;
	v->net[pi->net].routes++;
	add_pair(&w->po, &w->npo, &w->cappo, (uint64_t)vi << 32 | pi->net);
	if (pi->g == PI_NONE) {
		v->inside++;
		return;
	}
	struct det_cv_prov *pp = &v->prov[w->gp[pi->g].idx];
	pp->routes++;
	uint64_t *b = &w->bits[(size_t)pi->g * w->nwords + peer / 64], bit = 1ull << (peer % 64);
	pp->peers += !(*b & bit);
	*b |= bit;
	add_pair(&w->pp, &w->npp, &w->cappp, (uint64_t)vi << 32 | pi->g);
}

/* The end of a prefix: its networks and providers, once each per view. */
static void pfx_end(struct walk *w)
{
	/* (view, network): sorted and distinct (add_pair) */
	for (uint32_t i = 0; i < w->npo; i++) {
		uint32_t vi = (uint32_t)(w->po[i] >> 32), ni = (uint32_t)w->po[i];
		struct det_country_view *v = &w->v[vi];
		struct det_cv_pfx *pv = &v->pfx[v->npfx - 1];
		if (!pv->norigin)
			pv->origin = v->nids;
		GROW(v->ids, v->capids, (size_t)v->nids + 1);
		v->ids[v->nids++] = v->net[ni].asn;
		pv->norigin++;
		v->net[ni].prefixes++;
	}
	/* (view, gprov): the providers of each view's entry, by ASN */
	for (uint32_t i = 0; i < w->npp; i++) {
		uint32_t vi = (uint32_t)(w->pp[i] >> 32);
		struct det_country_view *v = &w->v[vi];
		struct det_cv_prov *pp = &v->prov[w->gp[(uint32_t)w->pp[i]].idx];
		struct det_cv_pfx *pv = &v->pfx[v->npfx - 1];
		if (!pv->nprov)
			pv->prov = v->nids;
		GROW(v->ids, v->capids, (size_t)v->nids + 1);
		v->ids[v->nids++] = pp->asn;
		pv->nprov++;
		pp->prefixes++;
	}
	for (uint32_t k = 0; k < w->npv; k++) { /* by ASN */
		struct det_country_view *v = &w->v[w->pv[k]];
		struct det_cv_pfx *pv = &v->pfx[v->npfx - 1];
		isort_u32(v->ids + pv->origin, pv->norigin);
		isort_u32(v->ids + pv->prov, pv->nprov);
	}
	w->npv = 0;
	w->npo = w->npp = 0;
}

/* After the walk: border lists, shares, and the orders of docs. */
static void finish(struct walk *w)
{
	if (w->nbord > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(w->bord, w->nbord, sizeof *w->bord, cmp_u64);
	for (uint32_t i = 0; i < w->nbord;) {
		uint32_t g = (uint32_t)(w->bord[i] >> 32);
		struct det_country_view *v = &w->v[w->gp[g].view];
		struct det_cv_prov *pp = &v->prov[w->gp[g].idx];
		pp->border = v->nids;
		for (; i < w->nbord && (uint32_t)(w->bord[i] >> 32) == g; i++) {
			GROW(v->ids, v->capids, (size_t)v->nids + 1);
			v->ids[v->nids++] = (uint32_t)w->bord[i];
			pp->nborder++;
		}
	}
	for (uint32_t k = 0; k < w->nv; k++) {
		struct det_country_view *v = &w->v[k];
		for (uint32_t i = 0; i < v->nprov; i++)
			v->prov[i].share = v->routes ? (double)v->prov[i].routes / (double)v->routes : 0;
		if (v->nprov > 1) /* qsort wants an array, and an empty one may be NULL */
			qsort(v->prov, v->nprov, sizeof *v->prov, cmp_prov);
		if (v->nnet > 1) /* qsort wants an array, and an empty one may be NULL */
			qsort(v->net, v->nnet, sizeof *v->net, cmp_net);
		if (v->npfx < 2)
			continue;
		/* prefixes in prefix order: sort the ids, then the entries */
		uint32_t *order = rw_malloc((size_t)v->npfx * sizeof *order);
		struct u64map at;
		u64map_init(&at, MEM);
		for (uint32_t i = 0; i < v->npfx; i++) {
			order[i] = v->pfx[i].pfx;
			*u64map_put(&at, v->pfx[i].pfx) = i;
		}
		rib_sort_prefixes(w->r, order, v->npfx);
		struct det_cv_pfx *sorted = rw_malloc((size_t)v->npfx * sizeof *sorted);
		for (uint32_t i = 0; i < v->npfx; i++)
			sorted[i] = v->pfx[*u64map_get(&at, order[i])];
		memcpy(v->pfx, sorted, (size_t)v->npfx * sizeof *sorted);
		free(sorted);
		free(order);
		u64map_release(&at);
	}
	if (w->nv > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(w->v, w->nv, sizeof *w->v, cmp_view);
}

void det_country_views(const struct rib *r, const struct geo *g, uint16_t only, struct det_country_views *out)
{
	struct walk w = {.r = r, .g = g, .nwords = r->npeer / 64 + 1};
	u64map_init(&w.vidx, MEM);
	u64map_init(&w.pidx, MEM);
	u64map_init(&w.nidx, MEM);
	u64map_init(&w.seenb, MEM);
	arena_init(&w.scratch, 4096, 1 << 20, MEM);
	uint32_t cappi = 0;
	GROW(w.pi, cappi, (size_t)r->npath + 1);
	memset(w.pi, 0, ((size_t)r->npath + 1) * sizeof *w.pi);
	for (uint32_t p = 0; p < r->npfx; p++) {
		const struct rib_pfx *x = &r->pfx[p];
		for (uint32_t j = 0; j < x->n; j++) {
			struct pinfo *pi = &w.pi[x->r[j].path];
			if (!pi->view)
				path_info(&w, x->r[j].path, only, pi);
			if (pi->view != PI_NONE)
				route(&w, p, rib_route_peer(&x->r[j]), pi);
		}
		if (w.npv)
			pfx_end(&w);
	}
	finish(&w);
	rw_vec_free(&w.pi, &cappi, sizeof *w.pi, MEM);
	rw_vec_free(&w.bits, &w.capbits, sizeof *w.bits, MEM);
	u64map_release(&w.vidx);
	u64map_release(&w.pidx);
	u64map_release(&w.nidx);
	u64map_release(&w.seenb);
	rw_vec_free(&w.gp, &w.capgp, sizeof *w.gp, MEM);
	rw_vec_free(&w.bord, &w.capbord, sizeof *w.bord, MEM);
	rw_vec_free(&w.pv, &w.cappv, sizeof *w.pv, MEM);
	rw_vec_free(&w.po, &w.cappo, sizeof *w.po, MEM);
	rw_vec_free(&w.pp, &w.cappp, sizeof *w.pp, MEM);
	arena_release(&w.scratch);
	*out = (struct det_country_views){.v = w.v, .n = w.nv, .cap = w.capv};
}
