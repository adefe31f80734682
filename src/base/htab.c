/*
 * The one hash table (see base.h): open addressing over (id, hash) slots,
 * linear probing, at most half full (3/4 for a dense one), backward-shift deletion so probe
 * chains never break and long-running state collects no tombstones.
 *
 * The table stores ids, not keys: the owner keeps its entries in its own
 * array (the rib's prefixes and paths, a map's keys) and compares them
 * while walking the slots whose stored hash matches. Growing moves slots by
 * their stored hash and never calls back into the owner.
 */
#include "base.h"

#include <stdlib.h>

static struct htab_slot *slots_new(uint32_t cap, enum rw_mem sub)
{
	struct htab_slot *s = rw_malloc((size_t)cap * sizeof *s);
	memset(s, 0xff, (size_t)cap * sizeof *s);
	rw_mem_count(sub, (int64_t)cap * (int64_t)sizeof *s);
	return s;
}

void htab_init(struct htab *t, uint32_t cap, enum rw_mem sub)
{
	uint32_t c = 16;
	while (c < cap && c < (1u << 31))
		c *= 2;
	t->s = slots_new(c, sub);
	t->mask = c - 1;
	t->n = 0;
	t->sub = sub;
	t->dense = false; /* the owner sets it after init */
}

void htab_release(struct htab *t)
{
	if (t->s)
		rw_mem_count(t->sub, -(int64_t)(t->mask + 1) * (int64_t)sizeof *t->s);
	free(t->s);
	t->s = NULL;
	t->mask = 0;
	t->n = 0;
}

void htab_clear(struct htab *t)
{
	memset(t->s, 0xff, ((size_t)t->mask + 1) * sizeof *t->s);
	t->n = 0;
}

void htab_clear_run(struct htab *t, uint32_t h)
{
	for (uint32_t k = h & t->mask; t->s[k].id != HTAB_NONE; k = (k + 1) & t->mask) {
		t->s[k] = (struct htab_slot){HTAB_NONE, UINT32_MAX};
		t->n--;
	}
}

static void grow(struct htab *t)
{
	uint32_t cap = (t->mask + 1) * 2, mask = cap - 1;
	if (cap == 0) /* 2^32 slots: the ids themselves are 32-bit */
		rw_oom(SIZE_MAX);
	struct htab_slot *s = slots_new(cap, t->sub);
	for (uint32_t i = 0; i <= t->mask; i++) {
		struct htab_slot e = t->s[i];
		if (e.id == HTAB_NONE)
			continue;
		uint32_t k = e.hash & mask;
		while (s[k].id != HTAB_NONE)
			k = (k + 1) & mask;
		s[k] = e;
	}
	uint32_t n = t->n;
	htab_release(t);
	t->s = s;
	t->mask = mask;
	t->n = n;
}

void htab_add(struct htab *t, uint32_t h, uint32_t id)
{
	if (htab__full(t))
		grow(t);
	uint32_t k = h & t->mask;
	while (t->s[k].id != HTAB_NONE)
		k = (k + 1) & t->mask;
	t->s[k] = (struct htab_slot){id, h};
	t->n++;
}

/* The slot holding id (which must be there). */
static uint32_t slot_of(const struct htab *t, uint32_t h, uint32_t id)
{
	uint32_t k = h & t->mask;
	while (t->s[k].id != id) {
		if (t->s[k].id == HTAB_NONE)
			abort(); /* the owner's entries and the table disagree */
		k = (k + 1) & t->mask;
	}
	return k;
}

void htab_del(struct htab *t, uint32_t h, uint32_t id)
{
	uint32_t mask = t->mask, i = slot_of(t, h, id), j = i;
	for (;;) {
		j = (j + 1) & mask;
		struct htab_slot e = t->s[j];
		if (e.id == HTAB_NONE)
			break;
		/* move e back into the hole unless its home lies cyclically in
		 * (i, j]: then it is already as near home as it can be */
		uint32_t home = e.hash & mask;
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			t->s[i] = e;
			i = j;
		}
	}
	t->s[i].id = HTAB_NONE;
	t->s[i].hash = UINT32_MAX;
	t->n--;
}

void htab_reid(struct htab *t, uint32_t h, uint32_t old_id, uint32_t new_id)
{
	t->s[slot_of(t, h, old_id)].id = new_id;
}

size_t htab_bytes(const struct htab *t)
{
	return t->s ? ((size_t)t->mask + 1) * sizeof *t->s : 0;
}
