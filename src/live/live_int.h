/* live/ internals: the archive writer (live_arch.c). */
#ifndef RW_LIVE_INT_H
#define RW_LIVE_INT_H

#include "live.h"
#include "../mrt/mrt.h"

struct live_arch;

struct live_arch_stats {
	uint64_t records, files, bytes, failures, dropped_bytes, kept_bytes;
	bool failing;
};

/* kind: the file name's first word ("updates"). */
int live_arch_open(struct live_arch **out, const char *dir, const char *kind, enum io_comp comp,
		   uint32_t rotate);
/* One record received at ts (records come in time order). */
int live_arch_put(struct live_arch *a, uint32_t ts, const uint8_t *p, size_t n);
/* Once a second: rotation, catching up after failures. */
void live_arch_tick(struct live_arch *a, uint32_t now);
/* Finish every file; 0 when all records are on disk. Frees a. */
int live_arch_close(struct live_arch *a);
void live_arch_stats(const struct live_arch *a, struct live_arch_stats *st);

#endif
