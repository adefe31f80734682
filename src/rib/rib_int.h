/* rib internals shared between rib.c and rib_path.c. */
#ifndef RW_RIB_INT_H
#define RW_RIB_INT_H

#include "rib.h"

void rib__path_ref(struct rib *r, uint32_t path);
void rib__path_unref(struct rib *r, uint32_t path);
void rib__peer_compact(struct rib *r, uint32_t peer);

#endif
