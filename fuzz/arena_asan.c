/*
 * Fuzz-build replacement for the arena allocator of src/base/arena.c.
 *
 * The real arena carves allocations out of 64 KiB blocks, so an overflow
 * from one arena object into the next stays inside one malloc'ed block
 * and AddressSanitizer cannot see it. Here every arena_alloc is its own
 * exact-size heap allocation (posix_memalign, 16-byte aligned like the
 * real one), freed at arena_reset/arena_release: ASan then reports any
 * access past an AS path array, a peer table or a view name, and any use
 * of scratch memory after the reset.
 *
 * The byte cap is honoured the way the real arena counts it: allocations
 * are accounted into virtual blocks of blk_size (or larger, for big
 * allocations), and arena_reset keeps one default-size block, so the
 * RW_ENOMEM paths trigger at the same sizes.
 *
 * build.sh compiles src/base/arena.c with its arena_* functions renamed
 * (rw_grow, which lives there too, stays the real one) and links this
 * file instead. FUZZ_REAL_ARENA=1 builds with the real allocator.
 */
#include "base/base.h"

#include <stdlib.h>

/* struct arena.head points to this bookkeeping record. */
struct arena_blk {
	void **ptr;      /* live allocations (owned) */
	size_t n, cap;
	size_t vsize;    /* size of the current virtual block; 0 = none */
	size_t vused;    /* bytes handed out from it */
	size_t ndefault; /* virtual blocks of blk_size held */
};

void arena_init(struct arena *a, size_t blk_size, size_t cap, enum rw_mem sub)
{
	a->head = NULL;
	a->blk_size = blk_size ? blk_size : 64 * 1024;
	a->cap = cap;
	a->held = 0;
	a->peak = 0;
	a->sub = sub;
}

static struct arena_blk *state(struct arena *a)
{
	if (!a->head)
		a->head = calloc(1, sizeof *a->head);
	return a->head;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_blk *s = state(a);
	if (!s)
		return NULL;
	size_t acct = (n + 15) & ~(size_t)15;
	if (acct == 0)
		acct = 16;
	if (!s->vsize || s->vsize - s->vused < acct) {
		size_t size = acct > a->blk_size ? acct : a->blk_size;
		if (a->cap && a->held + size > a->cap)
			return NULL;
		a->held += size;
		if (a->held > a->peak)
			a->peak = a->held;
		if (size == a->blk_size)
			s->ndefault++;
		s->vsize = size;
		s->vused = 0;
	}
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		void **np = realloc(s->ptr, nc * sizeof *np);
		if (!np)
			return NULL;
		s->ptr = np;
		s->cap = nc;
	}
	void *p = NULL;
	if (posix_memalign(&p, 16, n ? n : 1))
		return NULL;
	s->ptr[s->n++] = p;
	s->vused += acct;
	return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	if (p)
		memset(p, 0, n);
	return p;
}

void *arena_memdup(struct arena *a, const void *src, size_t n)
{
	void *p = arena_alloc(a, n);
	if (p && n)
		memcpy(p, src, n);
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_memdup(a, s, strlen(s) + 1);
}

static void free_all(struct arena_blk *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->ptr[i]);
	s->n = 0;
}

void arena_reset(struct arena *a)
{
	struct arena_blk *s = a->head;
	if (!s)
		return;
	free_all(s);
	if (s->ndefault) { /* the real arena keeps one default-size block */
		s->ndefault = 1;
		s->vsize = a->blk_size;
		a->held = a->blk_size;
	} else {
		s->vsize = 0;
		a->held = 0;
	}
	s->vused = 0;
}

void arena_release(struct arena *a)
{
	struct arena_blk *s = a->head;
	if (s) {
		free_all(s);
		free(s->ptr);
		free(s);
	}
	a->head = NULL;
	a->held = 0;
}
