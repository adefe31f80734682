/*
 * watch/ internals shared by watch.c (tables, lookups) and watch_load.c
 * (the YAML reader). Nothing outside watch/ includes this.
 */
#ifndef RW_WATCH_INT_H
#define RW_WATCH_INT_H

#include "watch.h"

/* The index of the entry whose prefix is p (host bits already clear), or
 * HTAB_NONE. */
uint32_t watch__find(const struct watch *w, const struct rw_prefix *p);
/* A new zeroed prefix entry at the end of w->pfx, not yet indexed; NULL
 * past WATCH_MAX_ENTRIES. Pointers into w->pfx move with each call. */
struct watch_prefix *watch__new_prefix(struct watch *w);
/* Index the last entry of w->pfx (its prefix set, not already present). */
void watch__index_last(struct watch *w);
/* The same for networks; watch_asn() finds the duplicates. */
struct watch_asn *watch__new_asn(struct watch *w);
void watch__index_last_asn(struct watch *w);

#endif
