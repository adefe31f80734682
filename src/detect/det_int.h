/* detect/ internals shared by its files: the leak table (det_leak.c). */
#ifndef RW_DET_INT_H
#define RW_DET_INT_H

#include "det.h"

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
