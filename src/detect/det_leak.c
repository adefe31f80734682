/*
 * docs/events.md §11: the leaks of a path, found once per distinct path.
 * The rib gives the path's ASNs as §3 reads them (rib_path_seq), asrel
 * applies the valley-free rule; each (leaker, from, to) is interned to an
 * id, the key of its episodes (det.c: summary entries (0, id)). The
 * result is cached per rib path id and checked against the slot's
 * generation and hash, since the rib reuses the ids of freed paths.
 */
#include "det_int.h"

#include <stdlib.h>

static uint32_t leak_hash(const struct asrel_leak *l)
{
	return (uint32_t)rw_hash_2u64((uint64_t)l->leaker << 32 | l->from, l->to, 0x1eac);
}

uint32_t det__leak_id(struct det *d, const struct asrel_leak *l)
{
	if (!d->leak_idx.s)
		htab_init(&d->leak_idx, 64, RW_MEM_DET);
	uint32_t h = leak_hash(l), k;
	for (uint32_t i = htab_first(&d->leak_idx, h, &k); i != HTAB_NONE; i = htab_next(&d->leak_idx, h, &k)) {
		const struct det_leak *x = &d->leak[i];
		if (x->leaker == l->leaker && x->from == l->from && x->to == l->to)
			return i + 1;
	}
	if (rw_vec_grow(&d->leak, &d->capleak, (size_t)d->nleak + 1, sizeof *d->leak, UINT32_MAX - 1, RW_MEM_DET))
		rw_oom(sizeof *d->leak);
	uint32_t i = d->nleak++;
	d->leak[i] = (struct det_leak){l->leaker, l->from, l->to};
	htab_add_at(&d->leak_idx, k, h, i);
	return i + 1;
}

const struct det_leak *det_leak_of(const struct det *d, uint32_t id)
{
	return id && id <= d->nleak ? &d->leak[id - 1] : NULL;
}

uint32_t det__path_leaks(struct det *d, const struct rib *r, uint32_t path, uint32_t id[2])
{
	if (path >= d->cappleak) {
		uint32_t old = d->cappleak;
		if (rw_vec_grow(&d->pleak, &d->cappleak, (size_t)path + 1, sizeof *d->pleak, UINT32_MAX, RW_MEM_DET))
			rw_oom(sizeof *d->pleak);
		memset(d->pleak + old, 0, (size_t)(d->cappleak - old) * sizeof *d->pleak);
	}
	struct det_pleak *c = &d->pleak[path];
	const struct rib_path *p = &r->path[path];
	if (c->known && c->gen == p->gen && c->hash == p->hash) {
		id[0] = c->id[0];
		id[1] = c->id[1];
		return c->n;
	}
	uint32_t *seq;
	uint32_t n = rib_path_seq(r, path, &d->scratch, &seq);
	struct asrel_leak l[2];
	uint32_t k = n >= 3 ? asrel_leaks(d->rel, seq, n, l, 2) : 0;
	arena_reset(&d->scratch);
	*c = (struct det_pleak){.hash = p->hash, .gen = p->gen, .known = 1, .n = (uint8_t)RW_MIN(k, 2u)};
	for (uint32_t i = 0; i < c->n; i++)
		c->id[i] = det__leak_id(d, &l[i]);
	id[0] = c->id[0];
	id[1] = c->id[1];
	return c->n;
}

void det__leak_release(struct det *d)
{
	rw_vec_free(&d->leak, &d->capleak, sizeof *d->leak, RW_MEM_DET);
	rw_vec_free(&d->pleak, &d->cappleak, sizeof *d->pleak, RW_MEM_DET);
	if (d->leak_idx.s)
		htab_release(&d->leak_idx);
	arena_release(&d->scratch);
}

void det__leak_save(const struct det *d, struct obuf *o)
{
	obuf_be32(o, d->nleak);
	for (uint32_t i = 0; i < d->nleak; i++) {
		obuf_be32(o, d->leak[i].leaker);
		obuf_be32(o, d->leak[i].from);
		obuf_be32(o, d->leak[i].to);
	}
}

int det__leak_load(struct det *d, struct cur *c)
{
	uint32_t n;
	if (cur_u32(c, &n) || n > cur_left(c) / 12)
		return RW_ETRUNC;
	for (uint32_t i = 0; i < n; i++) {
		struct asrel_leak l;
		cur_u32(c, &l.leaker);
		cur_u32(c, &l.from);
		cur_u32(c, &l.to);
		if (det__leak_id(d, &l) != i + 1)
			return RW_EMALFORMED; /* a repeated leak */
	}
	return 0;
}
