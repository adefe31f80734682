/*
 * Bump allocator. Blocks are chained newest first; an allocation larger
 * than blk_size gets a block of its own. arena_reset keeps the newest
 * block of default size so a scratch arena reset per record allocates
 * nothing in steady state.
 */
#include "base.h"

#include <stdlib.h>

struct arena_blk {
	struct arena_blk *next; /* older block */
	size_t size;            /* usable bytes in data[] */
	size_t used;            /* bytes handed out */
	_Alignas(16) unsigned char data[];
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

static struct arena_blk *arena_newblk(struct arena *a, size_t n)
{
	size_t size = n > a->blk_size ? n : a->blk_size;
	if (a->cap && a->held + size > a->cap)
		return NULL;
	struct arena_blk *b = rw_malloc(sizeof(*b) + size);
	rw_mem_count(a->sub, (int64_t)size);
	b->size = size;
	b->used = 0;
	b->next = a->head;
	a->head = b;
	a->held += size;
	if (a->held > a->peak)
		a->peak = a->held;
	return b;
}

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n == 0)
		n = 16;
	struct arena_blk *b = a->head;
	if (!b || b->size - b->used < n) {
		b = arena_newblk(a, n);
		if (!b)
			return NULL;
	}
	void *p = b->data + b->used;
	b->used += n;
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
	size_t n = strlen(s) + 1;
	return arena_memdup(a, s, n);
}

void arena_reset(struct arena *a)
{
	struct arena_blk *keep = NULL, *b = a->head;
	if (b && !b->next && b->size == a->blk_size) { /* the steady state */
		b->used = 0;
		return;
	}
	while (b) {
		struct arena_blk *next = b->next;
		if (!keep && b->size == a->blk_size) {
			keep = b;
		} else {
			a->held -= b->size;
			rw_mem_count(a->sub, -(int64_t)b->size);
			free(b);
		}
		b = next;
	}
	if (keep) {
		keep->used = 0;
		keep->next = NULL;
	}
	a->head = keep;
}

void arena_release(struct arena *a)
{
	struct arena_blk *b = a->head;
	while (b) {
		struct arena_blk *next = b->next;
		rw_mem_count(a->sub, -(int64_t)b->size);
		free(b);
		b = next;
	}
	a->head = NULL;
	a->held = 0;
}
