/*
 * uint64 -> uint32 hash map (see base.h). Linear probing at <= 1/2 load;
 * deletion shifts the following entries back so probe chains never break
 * and no tombstones accumulate in long-running state.
 */
#include "base.h"

#include <stdlib.h>

#define EMPTY UINT64_MAX

static uint32_t slot(uint64_t k, uint32_t mask)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (uint32_t)k & mask;
}

void u64map_release(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

void u64map_clear(struct u64map *m)
{
	if (m->cap)
		memset(m->keys, 0xff, (size_t)m->cap * sizeof *m->keys);
	m->n = 0;
}

uint32_t *u64map_get(const struct u64map *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	uint32_t mask = m->cap - 1, i = slot(key, mask);
	for (;;) {
		if (m->keys[i] == key)
			return &m->vals[i];
		if (m->keys[i] == EMPTY)
			return NULL;
		i = (i + 1) & mask;
	}
}

static void grow(struct u64map *m)
{
	uint32_t ncap = m->cap ? m->cap * 2 : 64;
	uint64_t *k = malloc((size_t)ncap * sizeof *k);
	uint32_t *v = malloc((size_t)ncap * sizeof *v);
	if (!k || !v)
		abort();
	memset(k, 0xff, (size_t)ncap * sizeof *k);
	for (uint32_t i = 0; i < m->cap; i++) {
		if (m->keys[i] == EMPTY)
			continue;
		uint32_t j = slot(m->keys[i], ncap - 1);
		while (k[j] != EMPTY)
			j = (j + 1) & (ncap - 1);
		k[j] = m->keys[i];
		v[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = k;
	m->vals = v;
	m->cap = ncap;
}

uint32_t *u64map_put(struct u64map *m, uint64_t key)
{
	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	uint32_t mask = m->cap - 1, i = slot(key, mask);
	for (;;) {
		if (m->keys[i] == key)
			return &m->vals[i];
		if (m->keys[i] == EMPTY) {
			m->keys[i] = key;
			m->vals[i] = 0;
			m->n++;
			return &m->vals[i];
		}
		i = (i + 1) & mask;
	}
}

void u64map_del(struct u64map *m, uint64_t key)
{
	if (!m->cap)
		return;
	uint32_t mask = m->cap - 1, i = slot(key, mask);
	while (m->keys[i] != key) {
		if (m->keys[i] == EMPTY)
			return;
		i = (i + 1) & mask;
	}
	uint32_t j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (m->keys[j] == EMPTY)
			break;
		uint32_t home = slot(m->keys[j], mask);
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->keys[i] = EMPTY;
	m->n--;
}
