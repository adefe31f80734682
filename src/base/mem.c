/*
 * Memory: the one rule for running out of it, the byte counts per
 * subsystem, and the one growable vector.
 *
 * The rule: an allocation that fails is fatal. rw_malloc and friends never
 * return NULL; on failure rw_oom names the request and what each subsystem
 * holds, and aborts. Route state, detector episodes and archive records
 * cannot be half-updated and carry on truthfully, and every daemon this
 * field trusts (BIRD's xmalloc, FRR's XMALLOC, OpenBGPD's fatal) does the
 * same. What input can grow is bounded instead: every vector, arena and
 * queue has a cap, and going past a cap is an ordinary error (RW_ELIMIT)
 * that the caller reports and survives.
 *
 * Counting: rw_vec_grow, rw_vec_free and the arenas add and subtract the
 * bytes they hold per subsystem (relaxed atomics: writer threads count
 * too); `--stats` prints them. Counts are what the owners report, not
 * what malloc keeps for itself.
 */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static uint64_t mem_bytes[RW_MEM_N];

static const char *const mem_names[RW_MEM_N] = {
	[RW_MEM_OTHER] = "other",   [RW_MEM_IO] = "io",         [RW_MEM_BGP] = "bgp",
	[RW_MEM_MRT] = "mrt",       [RW_MEM_FEED] = "feed",     [RW_MEM_RIB] = "rib",
	[RW_MEM_ADJ] = "adj-rib-in", [RW_MEM_DET] = "detect",   [RW_MEM_ENGINE] = "engine",
	[RW_MEM_STORE] = "store",   [RW_MEM_LIVE] = "live",     [RW_MEM_SINK] = "sinks",
	[RW_MEM_OUT] = "output",    [RW_MEM_NAMES] = "names",
	[RW_MEM_RPKI] = "rpki",
};

const char *rw_mem_name(enum rw_mem sub)
{
	return sub < RW_MEM_N && mem_names[sub] ? mem_names[sub] : "?";
}

void rw_mem_count(enum rw_mem sub, int64_t delta)
{
	__atomic_fetch_add(&mem_bytes[sub], (uint64_t)delta, __ATOMIC_RELAXED);
}

uint64_t rw_mem_held(enum rw_mem sub)
{
	return __atomic_load_n(&mem_bytes[sub], __ATOMIC_RELAXED);
}

bool rw_free_at_exit(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return true;
#else
	const char *v = getenv("RW_FREE_AT_EXIT");
	return v && *v && strcmp(v, "0");
#endif
}

void rw_oom(size_t n)
{
	char line[512];
	int k = snprintf(line, sizeof line, "routewatch: error: out of memory (a request of %zu bytes failed; held:", n);
	for (int i = 0; i < RW_MEM_N && k > 0 && (size_t)k < sizeof line; i++) {
		uint64_t b = rw_mem_held((enum rw_mem)i);
		if (b)
			k += snprintf(line + k, sizeof line - (size_t)k, " %s %.1f MB", mem_names[i], (double)b / 1e6);
	}
	fprintf(stderr, "%s)\n", line);
	abort();
}

void *rw_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		rw_oom(n);
	return p;
}

void *rw_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		rw_oom(n * size);
	return p;
}

void *rw_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		rw_oom(n);
	return q;
}

char *rw_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(rw_malloc(n), s, n);
}

char *rw_strndup(const char *s, size_t n)
{
	char *d = rw_malloc(n + 1);
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

enum grow { GROW_DOUBLE, GROW_QUARTER, GROW_EXACT };

/* The capacity growth of the three policies: by doubling, by a quarter
 * (at least 1024), or to exactly what is needed. */
static int vec_grow(void *pp, uint32_t *cap, size_t need, size_t esz, size_t max, enum rw_mem sub, enum grow how)
{
	if (need <= *cap)
		return 0;
	if (max > UINT32_MAX)
		max = UINT32_MAX;
	if (need > max)
		return RW_ELIMIT;
	size_t n;
	if (how == GROW_EXACT) {
		n = need;
	} else if (how == GROW_QUARTER) {
		n = *cap + RW_MAX((size_t)*cap / 4, (size_t)1024);
		if (n < need)
			n = need;
		if (n > max)
			n = max;
	} else {
		/* a first allocation is exactly what is asked (at least 2),
		 * later ones double: appending one at a time costs log(n)
		 * reallocations */
		n = *cap ? *cap : need > 2 ? need : 2;
		while (n < need)
			n = n > max / 2 ? max : n * 2;
	}
	void **p = pp;
	*p = rw_realloc(*p, n * esz);
	rw_mem_count(sub, (int64_t)((n - *cap) * esz));
	*cap = (uint32_t)n;
	return 0;
}

int rw__vec_grow(void *pp, uint32_t *cap, size_t need, size_t esz, size_t max, enum rw_mem sub)
{
	return vec_grow(pp, cap, need, esz, max, sub, GROW_DOUBLE);
}

int rw__vec_grow_q(void *pp, uint32_t *cap, size_t need, size_t esz, size_t max, enum rw_mem sub)
{
	return vec_grow(pp, cap, need, esz, max, sub, GROW_QUARTER);
}

int rw__vec_reserve(void *pp, uint32_t *cap, size_t need, size_t esz, size_t max, enum rw_mem sub)
{
	return vec_grow(pp, cap, need, esz, max, sub, GROW_EXACT);
}

void rw_vec_shrink(void *pp, uint32_t *cap, size_t n, size_t esz, enum rw_mem sub)
{
	if (n >= *cap)
		return;
	if (!n) {
		rw_vec_free(pp, cap, esz, sub);
		return;
	}
	void **p = pp;
	*p = rw_realloc(*p, n * esz);
	rw_mem_count(sub, -(int64_t)((*cap - n) * esz));
	*cap = (uint32_t)n;
}

void rw_vec_free(void *pp, uint32_t *cap, size_t esz, enum rw_mem sub)
{
	void **p = pp;
	free(*p);
	*p = NULL;
	rw_mem_count(sub, -(int64_t)(*cap * esz));
	*cap = 0;
}

uint64_t rw_rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "re");
	long pages = 0, res = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	long page = sysconf(_SC_PAGESIZE);
	return res > 0 && page > 0 ? (uint64_t)res * (uint64_t)page : 0;
}
