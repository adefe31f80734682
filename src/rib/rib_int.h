/* rib internals shared between rib.c and rib_path.c. */
#ifndef RW_RIB_INT_H
#define RW_RIB_INT_H

#include "rib.h"

void rib__path_ref(struct rib *r, uint32_t path);
void rib__path_unref(struct rib *r, uint32_t path);
/* the path array and key pool down to what they hold (rib_dump_end) */
void rib__path_trim(struct rib *r);
/* rib_check: the path's key reads, and looking it up finds the path;
 * its units are added to *units */
bool rib__path_found(const struct rib *r, uint32_t path, uint64_t *units);
/* snapshots' keys (version 2's form, rib_snap.c): a live path's, in a
 * (0: unreadable), and the rib's key of one (0: broken, or beyond cap) */
size_t rib__key_raw(const struct rib *r, uint32_t path, struct arena *a, uint8_t **out);
size_t rib__key_of_raw(const uint8_t *raw, size_t rlen, uint8_t *key, size_t cap);
/* the prefix bit of a peer's route (rib_peer.has) */
void rib__peer_has(struct rib *r, uint32_t peer, uint32_t pfx);
/* the ADD-PATH side table (rib.c): the ids of a flagged run, a new one,
 * an id appended (a snapshot's runs come in order) */
struct rib_ap *rib__ap_of(const struct rib *r, uint32_t pfx, uint32_t peer);
struct rib_ap *rib__ap_new(struct rib *r, uint32_t pfx, uint32_t peer);
void rib__ap_push(struct rib_ap *a, uint32_t id);

#endif
