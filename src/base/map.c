/*
 * uint64 -> uint32 map (see base.h) on the one hash table: the keys and
 * values live in two dense arrays indexed by entry id, the table maps a
 * key's hash to ids. Deleting moves the last entry into the hole, so the
 * arrays stay dense and iteration (0 .. n-1) visits the entries in an
 * order that depends only on the sequence of puts and deletes, never on
 * the hash key of the process.
 */
#include "base.h"

#include <stdlib.h>

void u64map_init(struct u64map *m, enum rw_mem sub)
{
	memset(m, 0, sizeof *m);
	m->sub = sub;
}

void u64map_release(struct u64map *m)
{
	enum rw_mem sub = m->sub;
	if (m->t.s)
		htab_release(&m->t);
	rw_vec_free(&m->keys, &m->cap, sizeof *m->keys, sub);
	uint32_t cap = m->vcap;
	rw_vec_free(&m->vals, &cap, sizeof *m->vals, sub);
	memset(m, 0, sizeof *m);
	m->sub = sub;
}

void u64map_clear(struct u64map *m)
{
	if (m->t.s && (size_t)m->n * 8 < m->t.mask)
		/* a big second's table holding a few keys: clear their runs */
		for (uint32_t i = 0; i < m->n; i++)
			htab_clear_run(&m->t, (uint32_t)rw_hash_u64(m->keys[i]));
	else if (m->t.s)
		htab_clear(&m->t);
	m->n = 0;
}

/* The id of key, or HTAB_NONE with *k at the empty slot that ended the
 * walk (where htab_add_at puts a new id). */
static uint32_t find(const struct u64map *m, uint64_t key, uint32_t h, uint32_t *k)
{
	for (uint32_t id = htab_first(&m->t, h, k); id != HTAB_NONE; id = htab_next(&m->t, h, k))
		if (m->keys[id] == key)
			return id;
	return HTAB_NONE;
}

uint32_t *u64map_get(const struct u64map *m, uint64_t key)
{
	if (!m->n)
		return NULL;
	uint32_t k, id = find(m, key, (uint32_t)rw_hash_u64(key), &k);
	return id == HTAB_NONE ? NULL : &m->vals[id];
}

uint32_t *u64map_put(struct u64map *m, uint64_t key)
{
	uint32_t h = (uint32_t)rw_hash_u64(key);
	if (!m->t.s)
		htab_init(&m->t, 16, m->sub);
	uint32_t k, id = find(m, key, h, &k);
	if (id != HTAB_NONE)
		return &m->vals[id];
	rw_vec_grow(&m->keys, &m->cap, (size_t)m->n + 1, sizeof *m->keys, UINT32_MAX - 1, m->sub);
	rw_vec_grow(&m->vals, &m->vcap, (size_t)m->n + 1, sizeof *m->vals, UINT32_MAX - 1, m->sub);
	id = m->n++;
	m->keys[id] = key;
	m->vals[id] = 0;
	htab_add_at(&m->t, k, h, id);
	return &m->vals[id];
}

void u64map_del(struct u64map *m, uint64_t key)
{
	if (!m->n)
		return;
	uint32_t h = (uint32_t)rw_hash_u64(key);
	uint32_t k, id = find(m, key, h, &k);
	if (id == HTAB_NONE)
		return;
	htab_del(&m->t, h, id);
	uint32_t last = --m->n;
	if (id != last) {
		m->keys[id] = m->keys[last];
		m->vals[id] = m->vals[last];
		htab_reid(&m->t, (uint32_t)rw_hash_u64(m->keys[id]), last, id);
	}
}

size_t u64map_bytes(const struct u64map *m)
{
	return htab_bytes(&m->t) + (size_t)m->cap * sizeof *m->keys + (size_t)m->vcap * sizeof *m->vals;
}
