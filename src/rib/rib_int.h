/* rib internals shared between rib.c and rib_path.c. */
#ifndef RW_RIB_INT_H
#define RW_RIB_INT_H

#include "rib.h"

void rib__path_ref(struct rib *r, uint32_t path);
void rib__path_unref(struct rib *r, uint32_t path);
/* the prefix bit of a peer's route (rib_peer.has) */
void rib__peer_has(struct rib *r, uint32_t peer, uint32_t pfx);
/* the ADD-PATH side table (rib.c): the ids of a flagged run, a new one,
 * an id appended (a snapshot's runs come in order) */
struct rib_ap *rib__ap_of(const struct rib *r, uint32_t pfx, uint32_t peer);
struct rib_ap *rib__ap_new(struct rib *r, uint32_t pfx, uint32_t peer);
void rib__ap_push(struct rib_ap *a, uint32_t id);

#endif
