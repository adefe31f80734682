/* detect/ internals shared by its files: the evaluation's context and
 * summary (det.c), the §11-§13 entries and events (det_sec.c), the leak
 * table and the per-path and per-prefix caches (det_leak.c). */
#ifndef RW_DET_INT_H
#define RW_DET_INT_H

#include "det.h"

/* det_epi.flags */
enum {
	DET_F_CONFIRMED = 1,
	DET_F_BASELINE = 2,
	DET_F_DORMANT = 4,
	DET_F_NEW = 8,       /* new_for_origin, decided at the start */
	DET_F_LAST = 16,     /* last_for_origin of the dormant loss */
	DET_F_PAST = 32,     /* (P, O) episode that ended: O was an origin of P */
	DET_F_PNEW = 64,     /* (P, O) episode began P's first appearance */
	DET_F_RUN = 128,     /* (country, provider) episode running */
};

/* The detector's vectors: their size follows the state (no cap of their
 * own); running out of memory is fatal as everywhere. */
#define VEC(p, cap, need) rw_vec_grow(&(p), &(cap), (need), sizeof *(p), UINT32_MAX, RW_MEM_DET)

/* The summary of a prefix from its routes. */
struct ou_n {
	uint32_t o, u;
	uint16_t n;
};

/* One evaluation (det_evaluate): the second, its scratch and the events
 * it delivers once the second's counts are final. */
struct eval_ctx {
	struct det *d;
	det_event_fn fn;
	void *arg;
	uint32_t sec;
	bool baseline;
	uint32_t since;     /* the second's gap start, for revealed prefixes */
	uint32_t psince;    /* since for the prefix being evaluated, or 0 */
	uint32_t psrc;      /* det_event.src of the prefix being evaluated */
	bool any_revealed;  /* a revealed prefix changed an origin's count */
	struct ou_n *cur;
	uint32_t capcur;
	struct det_epi *ne; /* new episode list under construction */
	uint32_t capne;
	/* events to deliver once the second's counts are final */
	struct det_event *pe;
	uint32_t npe, cappe;
	uint32_t *oo; /* origins before / after, per prefix */
	uint32_t capoo;
	/* docs/events.md §10 origin lists: the events' lists one after the
	 * other (peo[i]: where event i's starts), and a scratch list */
	uint32_t *ol, nol, capol;
	uint32_t *peo, cappeo;
	uint32_t *po, cappo;
	/* docs/events.md §12: the events' VRP lists the same way */
	struct rpki_vrp *vl;
	uint32_t nvl, capvl;
	uint32_t *pev, cappev;
	uint8_t *mark;      /* add_reserved's, per summary entry */
	uint32_t capmark;
	/* where the second's deltas go: d->d_ou and d->d_origin, or a
	 * helper thread's own (det_evaluate's split) */
	struct u64map *d_ou, *d_origin;
};

/* det.c: an event of the second (its origin and VRP lists just appended
 * to x->ol / x->vl); the origins of a prefix's routes now into x->po. */
void det__push_ev(struct eval_ctx *x, struct det_event e);
uint32_t det__rib_origins(struct eval_ctx *x, const struct rib *r, uint32_t pfx);

/* docs/events.md §13: does watch entry wp (the most specific one equal to
 * or covering the prefix, exact: equal) watch the prefix? Not when it says
 * `ignore`, nor below it with `ignoreMorespecifics`. */
static inline bool det__watches(const struct watch_prefix *wp, bool exact)
{
	return wp && !wp->ignore && (exact || !wp->ignore_more_specifics);
}

/* det_sec.c (docs/events.md §11-§13). wp, exact: the prefix's watch_match
 * (NULL without a watch list), looked up once by the caller. */
uint32_t det__add_reserved(struct eval_ctx *x, const struct rib *r, uint32_t pfx, uint32_t nc,
			   const struct watch_prefix *wp, bool exact);
uint32_t det__add_watch_tag(struct eval_ctx *x, uint32_t nc, uint32_t kind, uint32_t entry, uint32_t n);
bool det__had_origin(const struct det_pfx *dp, uint32_t o, uint32_t sec);
void det__rpki_confirmed(struct eval_ctx *x, const struct rib *r, uint32_t pfx, const struct det_epi *ep, uint16_t n);
void det__rpki_end(struct eval_ctx *x, uint32_t time, uint32_t pfx, const struct det_epi *ep);
void det__leak_confirmed(struct eval_ctx *x, struct rib *r, uint32_t pfx, const struct det_epi *ep, uint16_t n);
void det__leak_end(struct eval_ctx *x, const struct rib *r, uint32_t time, uint32_t pfx, const struct det_epi *ep);
void det__watch_event(struct eval_ctx *x, const struct rib *r, uint32_t pfx, const struct det_epi *ep, bool end,
		      uint32_t time, uint16_t n);
unsigned det__watch_derive(struct det *d, const struct rib *r, const struct det_event *e, det_event_fn fn, void *arg);

/* det_country.c (docs/events.md §14): the second's country events; the
 * table in a snapshot (version 5). */
void det__country_eval(struct eval_ctx *x, const struct rib *r);
void det__country_release(struct det *d);
void det__country_save(const struct det *d, struct obuf *o);
int det__country_load(struct det *d, struct cur *c);

/* The id of a leak (interned; ids from 1). */
uint32_t det__leak_id(struct det *d, const struct asrel_leak *l);
/* The leaks of a rib path (at most 2, their ids into id[]): computed on
 * the first call for the path, then cached. d->rel must be set. */
uint32_t det__path_leaks(struct det *d, struct rib *r, uint32_t path, uint32_t id[2]);
/* The path rules of a watch entry a path triggers (tag ids, at most cap). */
uint32_t det__path_rules(struct det *d, const struct rib *r, uint32_t path, const struct watch_prefix *wp,
			 uint32_t *ids, uint32_t cap);
/* A watched prefix's peers lost by withdrawal (docs/events.md §13). */
uint32_t det__visibility(struct det *d, const struct rib *r, uint32_t pfx, uint8_t why, bool base);
void det__leak_release(struct det *d);
/* The table in a snapshot: count, then (leaker, from, to) per id. */
void det__leak_save(const struct det *d, struct obuf *o);
int det__leak_load(struct det *d, struct cur *c);

#endif
