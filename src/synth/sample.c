/*
 * The sample archive: two collectors' worth of archives, written with the
 * project's own MRT writer, that replay the story routewatch exists to tell
 * (the mission statement's October 2017 account of AS131279):
 *
 *   08:00:00  RIB dumps: AS131279's four prefixes via AS4837 at every peer
 *   09:07:51  AS20485 appears as upstream of three of the four prefixes
 *   10:14:45  AS20485 vanishes
 *   10:52:14 .. 12:05:19  the four prefixes go down four times
 *   12:21:55  AS20485 is back on the three prefixes
 *   plus one peer alone showing AS64512 for 45 s (not an upstream), and
 *   background prefixes of other networks with churn that changes no
 *   upstream.
 *
 * And the years before, as monthly RIB dumps of route-views2 from
 * December 2010: AS131279 relies on AS4837 alone, but for partial
 * satellite service by AS22351 (Intelsat) on two prefixes at half of the
 * peers, in the dumps of March 2012 to August 2013.
 *
 * route-views2/: monthly rib.YYYYMM01.0000.bz2 from 2010-12 to 2017-09,
 * rib.20171001.0800.bz2 and 15-minute updates.*.bz2
 * (BGP4MP_MESSAGE_AS4); rrc00/: bview.20171001.0800.gz and 5-minute
 * updates.*.gz; asnames.txt in the potaroo format for the ASNs involved.
 */
#include "synth.h"
#include "../io/io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#define T0 1506844800u /* 2017-10-01 08:00:00 UTC */
#define SPAN (6u * 3600u)
#define NBG 300        /* background prefixes */
#define HIST0 1291161600u /* 2010-12-01 00:00:00 UTC: the first monthly dump */
#define SAT0 1330560000u  /* 2012-03-01: satellite service in the dumps from */
#define SAT1 1375315200u  /* 2013-08-01: ... to this one */

struct scoll {
	const char *name;
	const char *rib_name; /* "rib" or "bview" */
	bool bz2;
	unsigned period;      /* seconds per update file */
	unsigned npeers;
	uint32_t peer_asn[10];
};

static const struct scoll colls[2] = {
	{"route-views2", "rib", true, 900, 8, {3356, 174, 1299, 2914, 6939, 3257, 6461, 7018}},
	{"rrc00", "bview", false, 300, 6, {3333, 8492, 20912, 34549, 13030, 6762}},
};

static const char *const watched[4] = {"175.45.176.0/24", "175.45.177.0/24", "175.45.178.0/24",
				       "175.45.179.0/24"};

/* One scripted or background update, sorted by time before writing. */
struct sup {
	uint32_t ts;
	uint16_t seq;      /* keeps equal times in script order */
	uint8_t coll, peer;
	bool withdraw;
	uint8_t npfx;
	struct rw_prefix p[4];
	uint32_t path[8];
	uint8_t plen;
};

struct sample {
	struct sup *u;
	uint32_t n, cap;
	uint16_t seq;
};

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static struct sup *add(struct sample *s, uint32_t ts, unsigned coll, unsigned peer)
{
	rw_vec_grow(&s->u, &s->cap, (size_t)s->n + 1, sizeof *s->u, UINT32_MAX, RW_MEM_OTHER);
	struct sup *u = &s->u[s->n++];
	memset(u, 0, sizeof *u);
	u->ts = ts;
	u->seq = s->seq++;
	u->coll = (uint8_t)coll;
	u->peer = (uint8_t)peer;
	return u;
}

static void bg_prefix(unsigned i, struct rw_prefix *p)
{
	memset(p, 0, sizeof *p);
	p->af = RW_AF_INET;
	p->len = 24;
	wr32(p->b, 0x29000000u + i * 256u); /* 41.0.0.0 onwards */
}

/* A background route: origin and upstream fixed per prefix, the transit
 * part varies with v (churn that changes no upstream). */
static unsigned bg_path(unsigned i, uint32_t peer_asn, unsigned v, uint32_t *path)
{
	static const uint32_t transit[] = {3356, 174, 1299, 2914, 6453, 3491, 6762, 9002};
	static const uint32_t ups[] = {37100, 4637, 7473, 9498, 4134, 2497, 8220, 20764};
	uint64_t h = mix(i);
	unsigned n = 0;
	path[n++] = peer_asn;
	path[n++] = transit[mix(h + v + peer_asn) % 8];
	path[n++] = ups[h % 8];
	path[n++] = 200000 + i / 6;
	return n;
}

static unsigned watched_path(uint32_t peer_asn, uint32_t upstream, uint32_t *path)
{
	unsigned n = 0;
	path[n++] = peer_asn;
	if (upstream == 4837) {
		path[n++] = peer_asn == 3356 ? 3356 : 1299;
		path[n++] = 4837;
	} else if (upstream == 20485) {
		path[n++] = 20485;
	} else {
		path[n++] = upstream;
	}
	path[n++] = 131279;
	return n;
}

/* Scripted: peers [first, first + npeers) of every collector move prefixes
 * mask (bit i = watched[i]) to upstream up at time t. */
static void move(struct sample *s, uint32_t t, unsigned mask, uint32_t up, unsigned first, unsigned npeers)
{
	for (unsigned c = 0; c < 2; c++)
		for (unsigned k = first; k < first + npeers && k < colls[c].npeers; k++) {
			struct sup *u = add(s, t, c, k);
			for (unsigned i = 0; i < 4; i++)
				if (mask & (1u << i))
					parse_prefix(watched[i], &u->p[u->npfx++]);
			u->plen = (uint8_t)watched_path(colls[c].peer_asn[k], up, u->path);
		}
}

static void outage(struct sample *s, uint32_t down, uint32_t up)
{
	for (unsigned c = 0; c < 2; c++)
		for (unsigned k = 0; k < colls[c].npeers; k++) {
			struct sup *u = add(s, down, c, k);
			u->withdraw = true;
			for (unsigned i = 0; i < 4; i++)
				parse_prefix(watched[i], &u->p[u->npfx++]);
			u = add(s, up + k % 3, c, k);
			for (unsigned i = 0; i < 4; i++)
				parse_prefix(watched[i], &u->p[u->npfx++]);
			u->plen = (uint8_t)watched_path(colls[c].peer_asn[k], 4837, u->path);
		}
}

static int cmp_sup(const void *a, const void *b)
{
	const struct sup *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Through io's compressors, as RouteViews (.bz2) and RIS (.gz) publish. */
static int write_file(const char *path, const struct obuf *b, bool bz2)
{
	struct io_sink *s;
	int rc = io_sink_open(path, bz2 ? IO_COMP_BZIP2 : IO_COMP_GZIP, &s);
	if (rc)
		return rc;
	rc = io_sink_write(s, obuf_data(b), b->len);
	int rc2 = io_sink_close(s, !rc);
	return rc ? rc : rc2;
}

static void file_name(char *dst, size_t n, const char *dir, const struct scoll *c, const char *kind, uint32_t t)
{
	time_t tt = t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	char when[32];
	strftime(when, sizeof when, "%Y%m%d.%H%M", &tm);
	snprintf(dst, n, "%s/%s/%s.%s.%s", dir, c->name, kind, when, c->bz2 ? "bz2" : "gz");
}

static void peer_addr(unsigned c, unsigned k, struct rw_addr *a)
{
	memset(a, 0, sizeof *a);
	a->af = RW_AF_INET;
	wr32(a->b, (c ? 0xc1000000u : 0x80df0000u) + 10u + k); /* 193.0.0.x / 128.223.0.x */
}

/* One RIB dump of collector c at time t: the watched prefixes via AS4837
 * (and, between SAT0 and SAT1, two of them via AS22351 at half of the
 * peers) and the background. */
static int write_rib(const char *dir, unsigned c, uint32_t t)
{
	const struct scoll *co = &colls[c];
	struct obuf b = {0};
	struct mrt_peer peers[10];
	for (unsigned k = 0; k < co->npeers; k++) {
		memset(&peers[k], 0, sizeof peers[k]);
		peer_addr(c, k, &peers[k].addr);
		peers[k].asn = co->peer_asn[k];
		peers[k].bgp_id = rd32(peers[k].addr.b);
		peers[k].as4 = true;
	}
	mrt_write_peer_index(&b, t, 0x80df0001u + c, co->name, peers, co->npeers);
	uint32_t paths[10][8];
	struct bgp_wattrs wa[10];
	struct mrt_rib_entry e[10];
	bool sat = t >= SAT0 && t <= SAT1;
	for (unsigned i = 0; i < NBG + 4; i++) {
		struct rw_prefix p;
		if (i < 4)
			parse_prefix(watched[i], &p);
		else
			bg_prefix(i - 4, &p);
		for (unsigned k = 0; k < co->npeers; k++) {
			memset(&wa[k], 0, sizeof wa[k]);
			wa[k].path = paths[k];
			if (i >= 4)
				wa[k].path_len = bg_path(i - 4, co->peer_asn[k], 0, paths[k]);
			else if (sat && i >= 2 && k >= co->npeers / 2)
				wa[k].path_len = watched_path(co->peer_asn[k], 22351, paths[k]);
			else
				wa[k].path_len = watched_path(co->peer_asn[k], 4837, paths[k]);
			wa[k].nexthop = peers[k].addr;
			wa[k].communities = NULL;
			e[k] = (struct mrt_rib_entry){.peer_index = (uint16_t)k, .orig_time = t - 86400, .attrs = &wa[k]};
		}
		mrt_write_rib(&b, t, i, &p, e, co->npeers, false);
	}
	char path[512];
	file_name(path, sizeof path, dir, co, co->rib_name, t);
	int rc = write_file(path, &b, co->bz2);
	obuf_release(&b);
	return rc;
}

static int write_ribs(const char *dir)
{
	int rc = 0;
	/* the monthly history of route-views2, up to the month before */
	struct tm tm = {.tm_year = 110, .tm_mon = 11, .tm_mday = 1};
	for (uint32_t t = HIST0; t < T0 - 86400 && !rc;) {
		rc = write_rib(dir, 0, t);
		tm.tm_mon++;
		t = (uint32_t)timegm(&tm);
	}
	for (unsigned c = 0; c < 2 && !rc; c++)
		rc = write_rib(dir, c, T0);
	return rc;
}

int synth_write_sample(const char *dir)
{
	char path[512];
	if (mkdir(dir, 0755) && errno != EEXIST)
		return RW_EIO;
	for (unsigned c = 0; c < 2; c++) {
		snprintf(path, sizeof path, "%s/%s", dir, colls[c].name);
		if (mkdir(path, 0755) && errno != EEXIST)
			return RW_EIO;
	}
	int rc = write_ribs(dir);
	if (rc)
		return rc;

	struct sample s = {0};
	/* the story */
	move(&s, T0 + 4071, 1 | 4 | 8, 20485, 0, 3);  /* 09:07:51 */
	move(&s, T0 + 8085, 1 | 4 | 8, 4837, 0, 3);   /* 10:14:45 gone */
	outage(&s, T0 + 10334, T0 + 10537);           /* 10:52:14 - 10:55:37 */
	outage(&s, T0 + 11381, T0 + 11523);           /* 11:09:41 - 11:12:03 */
	outage(&s, T0 + 13106, T0 + 13492);           /* 11:38:26 - 11:44:52 */
	outage(&s, T0 + 14527, T0 + 14719);           /* 12:02:07 - 12:05:19 */
	move(&s, T0 + 15715, 1 | 4 | 8, 20485, 0, 3); /* 12:21:55 back */
	/* one peer alone, 45 seconds: not an upstream */
	{
		struct sup *u = add(&s, T0 + 6000, 0, 5);
		parse_prefix(watched[1], &u->p[u->npfx++]);
		u->plen = (uint8_t)watched_path(colls[0].peer_asn[5], 64512, u->path);
		u = add(&s, T0 + 6045, 0, 5);
		parse_prefix(watched[1], &u->p[u->npfx++]);
		u->plen = (uint8_t)watched_path(colls[0].peer_asn[5], 4837, u->path);
	}
	/* background churn: another transit, same upstream and origin */
	for (unsigned j = 0; j < SPAN / 3; j++) {
		uint64_t h = mix(j * 7919u);
		unsigned c = (unsigned)(h % 2), k = (unsigned)((h >> 8) % colls[c].npeers);
		unsigned i = (unsigned)((h >> 16) % NBG);
		struct sup *u = add(&s, T0 + 1 + (uint32_t)(h >> 32) % (SPAN - 2), c, k);
		bg_prefix(i, &u->p[u->npfx++]);
		if ((h >> 40) % 10 == 0) {
			u->withdraw = true; /* a single peer's withdrawal: not an outage */
			u = add(&s, u->ts + 20 + (uint32_t)((h >> 44) % 200), c, k);
			bg_prefix(i, &u->p[u->npfx++]);
		}
		u->plen = (uint8_t)bg_path(i, colls[c].peer_asn[k], 1 + (unsigned)(h >> 48) % 4, u->path);
	}
	if (s.n > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(s.u, s.n, sizeof *s.u, cmp_sup);

	/* one file per collector per period */
	for (unsigned c = 0; c < 2 && !rc; c++) {
		const struct scoll *co = &colls[c];
		size_t i = 0;
		for (uint32_t f = T0; f < T0 + SPAN && !rc; f += co->period) {
			struct obuf b = {0};
			for (; i < s.n && s.u[i].ts < f + co->period; i++) {
				const struct sup *u = &s.u[i];
				if (u->coll != c)
					continue;
				struct mrt_bgp4mp_hdr h = {.ts = u->ts, .as4 = true, .peer_asn = co->peer_asn[u->peer],
							   .local_asn = c ? 12654 : 6447};
				peer_addr(c, u->peer, &h.peer);
				peer_addr(c, 250, &h.local);
				if (u->withdraw) {
					mrt_write_update(&b, &h, NULL, NULL, 0, u->p, u->npfx);
				} else {
					struct bgp_wattrs a = {.path = u->path, .path_len = u->plen, .nexthop = h.peer};
					mrt_write_update(&b, &h, &a, u->p, u->npfx, NULL, 0);
				}
			}
			file_name(path, sizeof path, dir, co, "updates", f);
			rc = write_file(path, &b, co->bz2);
			obuf_release(&b);
		}
	}
	rw_vec_free(&s.u, &s.cap, sizeof *s.u, RW_MEM_OTHER);
	if (rc)
		return rc;
	/* names for the networks in the story (potaroo format) */
	snprintf(path, sizeof path, "%s/asnames.txt", dir);
	FILE *f = fopen(path, "we");
	if (!f)
		return RW_EIO;
	fputs("131279\tSTAR-KP Ryugyong-dong, KP\n"
	      "4837\tCHINA169-BACKBONE CHINA UNICOM China169 Backbone, CN\n"
	      "20485\tTRANSTELECOM Closed Joint Stock Company TransTeleCom, RU\n"
	      "1299\tTWELVE99 Arelion Sweden AB, SE\n"
	      "3356\tLEVEL3 Level 3 Parent, LLC, US\n"
	      "22351\tINTELSAT-1 Intelsat Global Service LLC, US\n"
	      "64512\t-Private Use AS-, ZZ\n",
	      f);
	return fclose(f) ? RW_EIO : 0;
}
