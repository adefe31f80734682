/*
 * A synthetic history store of the size the speed targets talk about: a
 * year of events for every origin of a full table, written through the
 * same store functions ingest uses, so history and report can be timed on
 * it (bench/store.sh). Deterministic for a seed.
 *
 * Per origin (heavy-tailed like the real table): 1 to a few hundred
 * prefixes, one main upstream and often a partial second one with open
 * intervals since before the year; over the year prefix flaps (70% of the
 * changes), outages of the whole origin (25%), and upstreams that come and
 * go (5%); a series point at
 * every change. One origin in a hundred is "flappy" (over a thousand
 * events).
 */
#include "store.h"

#include "../detect/det.h"

#include <stdio.h>
#include <stdlib.h>

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#define PEERS 40 /* routes per visible prefix */

/* "a.b.c.0/24" for the origin's k-th prefix (unique over the table). */
static size_t pfx_text(char *b, uint64_t idx)
{
	return (size_t)snprintf(b, RW_PREFIX_STRLEN, "%u.%u.%u.0/24", 11 + (unsigned)(idx >> 16) % 200,
				(unsigned)(idx >> 8) & 255, (unsigned)idx & 255);
}

/* Prefixes [first, first + n) of the origin as the space-separated list. */
static void pfx_list(char *b, uint64_t base, uint32_t first, uint32_t n)
{
	size_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			b[k++] = ' ';
		k += pfx_text(b + k, base + first + i);
	}
	b[k] = 0;
}

struct gen {
	struct store *s;
	char *buf;          /* prefix lists */
	uint64_t events, points;
};

static int ev(struct gen *g, uint8_t type, uint32_t t, uint32_t origin, uint32_t up, bool flag, uint32_t opfx,
	      uint64_t base, uint32_t first, uint32_t n)
{
	if (n)
		pfx_list(g->buf, base, first, n);
	else
		g->buf[0] = 0;
	struct store_event e = {.type = type, .has_origin = true, .flag = flag, .time = t, .determined = t,
				.origin = origin, .upstream = up, .peers = type == DET_UPSTREAM_GAINED ? 3 : 0,
				.origin_prefixes = opfx, .prefixes = g->buf};
	g->events++;
	return store_event_merge(g->s, &e);
}

static int point(struct gen *g, uint32_t origin, uint32_t t, uint32_t npfx, uint32_t visible, const uint32_t *ups,
		 const double *share, unsigned nup)
{
	uint32_t up[4][2];
	uint32_t routes = visible * PEERS;
	for (unsigned i = 0; i < nup; i++) {
		up[i][0] = ups[i];
		up[i][1] = (uint32_t)(routes * share[i] + 0.5);
	}
	struct store_point p = {origin, t, visible ? npfx : 0, routes, routes ? nup : 0, (const uint32_t(*)[2])up};
	g->points++;
	return store_point_put(g->s, STORE_ORIGINS, &p);
}

static int one_origin(struct gen *g, uint32_t i, uint32_t t0, uint32_t span, uint64_t seed)
{
	uint64_t h = mix(seed ^ ((uint64_t)i << 20));
	uint32_t origin = 100000 + i;
	uint32_t r = (uint32_t)(h % 100);
	uint32_t npfx = r < 60 ? 1 + (uint32_t)(h >> 8) % 4 : r < 95 ? 5 + (uint32_t)(h >> 8) % 26 : 30 + (uint32_t)(h >> 8) % 270;
	uint64_t base = (uint64_t)i * 64 + (uint64_t)(h >> 40) % 16; /* prefixes of this origin */
	uint32_t nev = (h >> 16) % 100 == 0 ? 1200 + (uint32_t)(h >> 24) % 600 : 4 + (uint32_t)(h >> 24) % 36;
	uint32_t ups[3] = {1000 + (uint32_t)(h >> 32) % 3000, 5000 + (uint32_t)(h >> 44) % 3000, 0};
	unsigned nup = (h >> 52) % 10 < 4 ? 2 : 1;
	double share[3] = {nup == 2 ? 0.75 : 1.0, 0.25, 0};
	uint32_t born = t0 - 86400u * (30 + (uint32_t)(h >> 56) % 2000);
	int rc = 0;
	/* the upstreams it has had since before the year */
	for (unsigned k = 0; k < nup && !rc; k++) {
		struct store_interval iv = {origin, ups[k], born, 0, t0 + span, (uint64_t)(t0 + span - born),
					    share[k] * (double)(t0 + span - born), share[k], share[k], true};
		rc = store_interval_put(g->s, STORE_ORIGINS, &iv);
	}
	struct store_origin o = {origin, born, npfx, npfx * PEERS, t0 + span};
	if (!rc)
		rc = store_origin_put(g->s, STORE_ORIGINS, &o);
	if (!rc)
		rc = point(g, origin, born, npfx, npfx, ups, share, nup);
	/* the year: nev changes at increasing times */
	uint32_t step = span / (nev + 1), t = t0;
	for (uint32_t k = 0; k < nev && !rc; k++) {
		uint64_t x = mix(h + k);
		t += 1 + (uint32_t)(x % (2 * step));
		if (t >= t0 + span - 7200)
			break;
		uint32_t d = 60 + (uint32_t)(x >> 20) % 3600, kind = (uint32_t)(x >> 8) % 100;
		if (kind < 70) {
			/* some prefixes flap */
			uint32_t n = 1 + (uint32_t)(x >> 32) % (npfx < 3 ? npfx : 3), first = (uint32_t)(x >> 40) % (npfx - n + 1);
			if (n == npfx)
				n = npfx > 1 ? npfx - 1 : 0;
			if (!n)
				continue;
			rc = ev(g, DET_PREFIX_DOWN, t, origin, 0, false, npfx - n, base, first, n);
			if (!rc)
				rc = point(g, origin, t, npfx, npfx - n, ups, share, nup);
			if (!rc)
				rc = ev(g, DET_PREFIX_UP, t + d, origin, 0, false, npfx, base, first, n);
			if (!rc)
				rc = point(g, origin, t + d, npfx, npfx, ups, share, nup);
		} else if (kind < 95) {
			/* the whole origin goes down */
			rc = ev(g, DET_ORIGIN_DOWN, t, origin, 0, false, 0, base, 0, 0);
			if (!rc)
				rc = ev(g, DET_PREFIX_DOWN, t, origin, 0, false, 0, base, 0, npfx);
			if (!rc)
				rc = point(g, origin, t, npfx, 0, ups, share, nup);
			if (!rc)
				rc = ev(g, DET_ORIGIN_UP, t + d, origin, 0, false, npfx, base, 0, 0);
			if (!rc)
				rc = ev(g, DET_PREFIX_UP, t + d, origin, 0, false, npfx, base, 0, npfx);
			if (!rc)
				rc = point(g, origin, t + d, npfx, npfx, ups, share, nup);
		} else {
			/* a new upstream for some prefixes, for hours to weeks */
			uint32_t u = 9000 + (uint32_t)(x >> 28) % 20000, n = 1 + (uint32_t)(x >> 40) % npfx;
			uint32_t stay = 3600 + (uint32_t)(x >> 44) % (14 * 86400);
			if (t + stay >= t0 + span)
				stay = t0 + span - t - 1;
			double part = 0.5 * n / npfx;
			uint32_t ups2[3] = {ups[0], u, 0};
			double sh2[3] = {1 - part, part, 0};
			rc = ev(g, DET_UPSTREAM_GAINED, t, origin, u, true, npfx, base, 0, n);
			if (!rc)
				rc = point(g, origin, t, npfx, npfx, ups2, sh2, 2);
			if (!rc)
				rc = ev(g, DET_UPSTREAM_LOST, t + stay, origin, u, true, npfx, base, 0, n);
			if (!rc)
				rc = point(g, origin, t + stay, npfx, npfx, ups, share, nup);
			struct store_interval iv = {origin, u, t, t + stay, t + stay, stay, part * stay, part, part, true};
			if (!rc)
				rc = store_interval_put(g->s, STORE_ORIGINS, &iv);
		}
	}
	return rc;
}

int store_synth_year(struct store *s, uint32_t norigins, uint32_t t0, uint32_t days, uint64_t seed)
{
	struct gen g = {s, rw_malloc(400 * 24), 0, 0};
	uint32_t span = days * 86400u;
	int rc = db_begin(s->db);
	for (uint32_t i = 0; i < norigins && !rc; i++) {
		rc = one_origin(&g, i, t0, span, seed);
		if (!rc && i % 2000 == 1999) {
			rc = db_commit(s->db);
			if (!rc)
				rc = db_begin(s->db);
		}
	}
	if (!rc)
		rc = store_meta_set(s, "clock", t0 + span);
	if (!rc)
		rc = db_commit(s->db);
	else {
		store_fail(s, "writing the synthetic store", rc);
		db_rollback(s->db);
	}
	rw_log(RW_LOG_INFO, "synthetic store: %u origins, %llu events, %llu series points", norigins,
	       (unsigned long long)g.events, (unsigned long long)g.points);
	free(g.buf);
	return rc;
}
