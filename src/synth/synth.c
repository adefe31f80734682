/*
 * Synthetic archives (see synth.h). The "topology" is a pure function of
 * (seed, prefix, peer, version): the origin of a prefix, its origin's
 * upstream, and each peer's transit chain come from a hash, so a RIB and
 * the updates that follow it agree without keeping per-route state.
 */
#include "synth.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t h3(uint64_t a, uint64_t b, uint64_t c)
{
	return mix(a ^ mix(b ^ mix(c)));
}

/* Real transit and access networks, so paths look familiar. */
static const uint32_t tier1[] = {3356, 174, 1299, 2914, 6939, 3257, 6461, 6453, 7018, 3491, 6762, 5511, 12956, 1273, 701, 6830};
static const uint32_t tier2[] = {9002, 4637, 7473, 20485, 4837, 9498, 4134, 2497, 7922, 8220, 13030, 20764, 31133, 12389, 3320, 3216, 8359, 1239, 209, 7843, 4826, 37100, 262589, 267613, 328145, 139523, 133165, 58453, 4766, 9318};
static const uint32_t peer_asns[] = {3333, 6939, 3356, 1299, 174, 2914, 37100, 6762, 7018, 8492, 20912, 34549, 49605, 57695, 61955, 207960, 211722, 398465, 395152, 53767, 293, 11686, 7575, 22652, 4608, 9304, 3257, 1221, 6453, 24482};

static void prefix_of(const struct synth_opts *o, uint64_t i, struct rw_prefix *p)
{
	memset(p, 0, sizeof *p);
	uint64_t h = h3(o->seed, i, 1);
	if (h % 100 < o->v6_percent) {
		p->af = RW_AF_INET6;
		uint32_t hi = 0x2a000000u | (uint32_t)((i * 0x9e37u) & 0x00ffffffu);
		wr32(p->b, hi);
		wr16(p->b + 4, (uint16_t)(i >> 8));
		p->len = (h >> 8) % 4 == 0 ? 32 : (h >> 8) % 4 == 1 ? 44 : 48;
		wr16(p->b + 4, p->len == 32 ? 0 : (uint16_t)(i & 0xfff0));
	} else {
		p->af = RW_AF_INET;
		uint32_t a = 0x01000000u + (uint32_t)((i * 256u) % 0xdd000000u);
		wr32(p->b, a);
		unsigned r = (unsigned)((h >> 8) % 100);
		p->len = r < 60 ? 24 : r < 70 ? 23 : r < 80 ? 22 : r < 88 ? 21 : r < 94 ? 20 : r < 98 ? 19 : 16;
	}
	prefix_mask(p);
}

static uint32_t origin_of(const struct synth_opts *o, uint64_t i)
{
	uint64_t h = h3(o->seed, i / 12, 2); /* about a dozen prefixes per origin */
	if (h % 10 < 4)
		return 1000u + (uint32_t)(h % 60000u);
	return 131072u + (uint32_t)(h % 280000u);
}

/* Build the path a peer sees for prefix i at version v (v changes with
 * updates). Returns its length; set_len gets a trailing AS_SET now and
 * then. */
static unsigned path_of(const struct synth_opts *o, uint64_t i, unsigned peer, uint32_t v, uint32_t *path,
			uint32_t *set, unsigned *set_len)
{
	/* A peer reaches all prefixes of an origin the same way, except for
	 * some traffic-engineered ones: paths are shared as in real tables. */
	uint32_t origin = origin_of(o, i);
	bool te = h3(o->seed ^ v, i, 50 + peer) % 100 < 15;
	uint64_t h = te ? h3(o->seed ^ v, i, 100 + peer) : h3(o->seed ^ v, origin, 100 + peer);
	unsigned n = 0;
	path[n++] = peer_asns[peer % RW_ARRAY_LEN(peer_asns)];
	unsigned transit = (unsigned)(h % 100 < 35 ? 1 : h % 100 < 80 ? 2 : 3);
	for (unsigned t = 0; t < transit; t++) {
		uint64_t x = mix(h + t);
		path[n++] = t == 0 ? tier1[x % RW_ARRAY_LEN(tier1)] : tier2[x % RW_ARRAY_LEN(tier2)];
	}
	uint64_t ho = h3(o->seed, origin, 3);
	path[n++] = tier2[ho % RW_ARRAY_LEN(tier2)]; /* the origin's upstream */
	unsigned prepend = (h >> 20) % 100 < 6 ? 1 + (unsigned)((h >> 28) % 3) : 0;
	for (unsigned k = 0; k <= prepend; k++)
		path[n++] = origin;
	*set_len = 0;
	if ((h >> 36) % 1000 < 3) {
		set[0] = origin + 1;
		set[1] = origin + 2;
		*set_len = 2;
	}
	return n;
}

/* Records are built in a memory buffer (the MRT writer patches lengths
 * after each body) and handed to the descriptor's buffer in 4 MiB steps. */
struct writer {
	struct obuf fd;   /* the output */
	struct obuf b;    /* records not yet handed over */
	int err;
};

static void wflush(struct writer *w, bool force)
{
	if (!force && w->b.len < (4u << 20))
		return;
	if (obuf_write(&w->fd, w->b.buf, w->b.len) || (force && obuf_flush(&w->fd)))
		w->err = w->fd.err;
	obuf_reset(&w->b);
}

static void writer_init(struct writer *w, int fd)
{
	memset(w, 0, sizeof *w);
	obuf_init(&w->fd, fd, 1 << 16);
}

static void writer_release(struct writer *w)
{
	obuf_release(&w->b);
	obuf_release(&w->fd);
}

static void fill_attrs(const struct synth_opts *o, uint64_t i, unsigned peer, uint32_t v, struct bgp_wattrs *a,
		       uint32_t *path, uint32_t *set, uint32_t *comm, uint32_t *lcomm, const struct rw_prefix *p)
{
	memset(a, 0, sizeof *a);
	unsigned sl;
	a->path_len = path_of(o, i, peer, v, path, set, &sl);
	a->path = path;
	a->set = sl ? set : NULL;
	a->set_len = sl;
	uint64_t h = h3(o->seed ^ v, i, 200 + peer);
	a->origin = h % 100 < 85 ? 0 : h % 100 < 87 ? 1 : 2;
	unsigned nc = (unsigned)(h >> 8) % 7;
	for (unsigned k = 0; k < nc; k++)
		comm[k] = (path[0] & 0xffff) << 16 | (uint32_t)((h >> (12 + k * 4)) % 4000);
	a->communities = comm;
	a->n_communities = nc;
	if ((h >> 40) % 100 < 5) {
		lcomm[0] = path[0];
		lcomm[1] = 1;
		lcomm[2] = (uint32_t)(h % 1000);
		a->lcommunities = lcomm;
		a->n_lcommunities = 1;
	}
	if ((h >> 44) % 100 < 30) {
		a->has_med = true;
		a->med = (uint32_t)((h >> 48) % 500);
	}
	if (p->af == RW_AF_INET6) {
		a->nexthop.af = RW_AF_INET6;
		wr32(a->nexthop.b, 0x20010db8u);
		wr32(a->nexthop.b + 12, peer + 1);
	} else {
		a->nexthop.af = RW_AF_INET;
		wr32(a->nexthop.b, 0xc0000200u + peer + 1);
	}
	if ((h >> 52) % 1000 < 5) {
		a->atomic_aggregate = true;
		a->has_aggregator = true;
		a->agg_asn = path[a->path_len - 1];
		wr32(a->agg_addr, 0x0a000001u + (uint32_t)(i & 0xffff));
	}
}

static void peer_of(unsigned k, struct mrt_peer *p, bool v6)
{
	memset(p, 0, sizeof *p);
	p->asn = peer_asns[k % RW_ARRAY_LEN(peer_asns)];
	p->bgp_id = 0xc6336400u + k + 1;
	if (v6) {
		p->addr.af = RW_AF_INET6;
		wr32(p->addr.b, 0x20010db8u);
		wr32(p->addr.b + 8, 0xf000u);
		wr32(p->addr.b + 12, k + 1);
	} else {
		p->addr.af = RW_AF_INET;
		wr32(p->addr.b, 0xc6336400u + k + 1); /* 198.51.100.x */
	}
	p->as4 = true;
}

void synth_opts_default(struct synth_opts *o)
{
	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->ts0 = 1709971200; /* 2024-03-09 08:00 UTC */
	o->duration = 900;
	o->peers = 20;
	o->prefixes = 100000;
	o->records = 100000;
	o->v6_percent = 20;
}

int synth_write_rib(int fd, const struct synth_opts *o)
{
	struct writer w;
	writer_init(&w, fd);
	unsigned np = o->peers ? o->peers : 1;
	struct mrt_peer *peers = rw_calloc(np, sizeof *peers);
	struct mrt_rib_entry *ents = rw_calloc(np, sizeof *ents);
	struct bgp_wattrs *attrs = rw_calloc(np, sizeof *attrs);
	uint32_t(*paths)[32] = rw_calloc(np, sizeof *paths);
	uint32_t(*sets)[4] = rw_calloc(np, sizeof *sets);
	uint32_t(*comms)[8] = rw_calloc(np, sizeof *comms);
	uint32_t(*lcomms)[3] = rw_calloc(np, sizeof *lcomms);
	int rc = 0;
	for (unsigned k = 0; k < np; k++)
		peer_of(k, &peers[k], k % 5 == 4);
	mrt_write_peer_index(&w.b, o->ts0, 0xc0000201u, "synth", peers, np);
	for (uint64_t i = 0; i < o->prefixes && !w.err; i++) {
		struct rw_prefix p;
		prefix_of(o, i, &p);
		unsigned n = 0;
		for (unsigned k = 0; k < np; k++) {
			/* v6 prefixes from v6 peers, v4 from v4 peers; a few
			 * peers miss a few prefixes */
			if ((peers[k].addr.af == RW_AF_INET6) != (p.af == RW_AF_INET6))
				continue;
			if (h3(o->seed, i, 300 + k) % 100 < 3)
				continue;
			fill_attrs(o, i, k, 0, &attrs[n], paths[n], sets[n], comms[n], lcomms[n], &p);
			ents[n].peer_index = (uint16_t)k;
			ents[n].orig_time = o->ts0 - (uint32_t)(h3(o->seed, i, k) % 2000000u);
			ents[n].attrs = &attrs[n];
			n++;
		}
		if (n)
			rc = mrt_write_rib(&w.b, o->ts0, (uint32_t)i, &p, ents, n, false);
		if (rc)
			break;
		wflush(&w, false);
	}
	wflush(&w, true);
	if (!rc)
		rc = w.err;
	writer_release(&w);
	free(peers);
	free(ents);
	free(attrs);
	free(paths);
	free(sets);
	free(comms);
	free(lcomms);
	return rc;
}

int synth_write_updates(int fd, const struct synth_opts *o)
{
	struct writer w;
	writer_init(&w, fd);
	unsigned np = o->peers ? o->peers : 1;
	uint64_t npfx = o->prefixes ? o->prefixes : 1;
	int rc = 0;
	uint32_t path[32], set[4], comm[8], lcomm[3];
	struct rw_prefix pf[8];
	for (uint64_t r = 0; r < o->records && !rc && !w.err; r++) {
		uint64_t h = h3(o->seed, r, 7);
		unsigned k = (unsigned)(h % np);
		struct mrt_peer peer;
		peer_of(k, &peer, k % 5 == 4);
		struct mrt_bgp4mp_hdr hd = {
			.ts = o->ts0 + (uint32_t)(r * (o->duration ? o->duration : 1) / o->records),
			.usec = (uint32_t)(h >> 12) % 1000000u,
			.et = o->et,
			.as4 = true,
			.peer_asn = peer.asn,
			.local_asn = 6447,
			.peer = peer.addr,
		};
		hd.local.af = peer.addr.af;
		memcpy(hd.local.b, peer.addr.b, 16);
		hd.local.b[peer.addr.af == RW_AF_INET6 ? 15 : 3] = 0xfe;
		if ((h >> 8) % 20000 == 0) {
			/* session FSM noise that does not leave Established (a
			 * real reset would be followed by the whole table) */
			rc = mrt_write_state(&w.b, &hd, 1, 2);
			rc |= mrt_write_state(&w.b, &hd, 2, 1);
			continue;
		}
		/* prefixes of the right family, 1-5 per UPDATE (mean ~2) */
		unsigned want = 1 + (unsigned)((h >> 16) % 100 < 45 ? 0 : (h >> 16) % 100 < 75 ? 1 : (h >> 16) % 100 < 90 ? 2 : (h >> 24) % 3 + 3);
		/* one UPDATE carries prefixes of one origin, as routers pack
		 * prefixes that share their attributes */
		uint64_t start = mix(h) % npfx;
		start -= start % 12;
		unsigned n = 0;
		for (uint64_t j = 0; j < 12 && n < want; j++) {
			uint64_t i = (start + (j * 5) % 12) % npfx;
			prefix_of(o, i, &pf[n]);
			if ((pf[n].af == RW_AF_INET6) == (peer.addr.af == RW_AF_INET6))
				n++;
		}
		if (!n)
			continue;
		bool withdraw = (h >> 32) % 100 < 12;
		if (withdraw) {
			rc = mrt_write_update(&w.b, &hd, NULL, NULL, 0, pf, n);
		} else {
			struct bgp_wattrs a;
			uint64_t i0 = start;
			fill_attrs(o, i0, k, (uint32_t)(r % 5 + 1), &a, path, set, comm, lcomm, &pf[0]);
			rc = mrt_write_update(&w.b, &hd, &a, pf, n, NULL, 0);
		}
		wflush(&w, false);
	}
	wflush(&w, true);
	writer_release(&w);
	return rc ? rc : w.err;
}

int synth_write_leave(int fd, const struct synth_opts *o, bool withdraw)
{
	struct writer w;
	writer_init(&w, fd);
	struct mrt_peer a, b;
	peer_of(0, &a, false);
	peer_of(1, &b, false);
	a.asn = 64500;
	b.asn = 64502;
	struct mrt_bgp4mp_hdr ha = {.ts = o->ts0, .as4 = true, .peer_asn = a.asn, .local_asn = 6447, .peer = a.addr};
	struct mrt_bgp4mp_hdr hb = ha;
	hb.peer_asn = b.asn;
	hb.peer = b.addr;
	ha.local.af = hb.local.af = RW_AF_INET;
	wr32(ha.local.b, 0xc63364feu);
	hb.local = ha.local;
	static const uint32_t pa[] = {64500, 64501, 64512}, pb[] = {64502, 64503, 64513};
	struct bgp_wattrs wa = {.path = pa, .path_len = 3}, wb = {.path = pb, .path_len = 3};
	wa.nexthop.af = wb.nexthop.af = RW_AF_INET;
	wr32(wa.nexthop.b, 0xc0000201u);
	wr32(wb.nexthop.b, 0xc0000202u);
	struct rw_prefix pf[500];
	memset(pf, 0, sizeof pf);
	int rc = 0;
	uint64_t n = o->prefixes;
	for (uint64_t i = 0; i < n && !rc && !w.err; i += 500) {
		unsigned k = 0;
		for (; k < 500 && i + k < n; k++) {
			pf[k].af = RW_AF_INET;
			pf[k].len = 24;
			wr32(pf[k].b, 0x0a000000u + (uint32_t)((i + k) << 8)); /* 10.0.0.0/24 on */
		}
		rc = mrt_write_update(&w.b, &ha, &wa, pf, k, NULL, 0);
		wflush(&w, false);
	}
	for (unsigned k = 0; k < 10; k++) {
		pf[k].af = RW_AF_INET;
		pf[k].len = 24;
		wr32(pf[k].b, 0xac100000u + (k << 8)); /* 172.16.k.0/24 */
	}
	rc |= mrt_write_update(&w.b, &hb, &wb, pf, 10, NULL, 0);
	ha.ts = o->ts0 + 60;
	if (!withdraw)
		rc |= mrt_write_state(&w.b, &ha, BGP_ESTABLISHED, BGP_IDLE);
	for (uint64_t i = 0; withdraw && i < n && !rc && !w.err; i += 500) {
		struct rw_prefix wd[500];
		memset(wd, 0, sizeof wd);
		unsigned k = 0;
		for (; k < 500 && i + k < n; k++) {
			wd[k].af = RW_AF_INET;
			wd[k].len = 24;
			wr32(wd[k].b, 0x0a000000u + (uint32_t)((i + k) << 8));
		}
		rc = mrt_write_update(&w.b, &ha, NULL, NULL, 0, wd, k);
		wflush(&w, false);
	}
	hb.ts = o->ts0 + 61;
	rc |= mrt_write_update(&w.b, &hb, &wb, pf, 1, NULL, 0);
	wflush(&w, true);
	writer_release(&w);
	return rc ? rc : w.err;
}
