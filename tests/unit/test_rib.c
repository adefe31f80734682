/* rib/: route state by hand (no engine), the Adj-RIB-In and its RIB dump,
 * the queries (an origin with its upstreams' summary, a prefix with its
 * more-specifics). Links rib/ and the layers below it alone. */
#define T_PREFIX "rib/"
#include "t.h"
#include "taddr.h"
#include "tpath.h"
#include "rib/rib.h"
#include "rib/rib_int.h"

/* Attributes with this AS path (4-byte session), decoded into *at; the
 * bytes live in *o. */
static void attrs_of(struct obuf *o, struct arena *a, const uint32_t *path, unsigned n, struct bgp_attrs *at)
{
	struct bgp_wattrs w = {.path = path, .path_len = n, .nexthop = A("192.0.2.1")};
	struct bgp_wopts wo = {0};
	obuf_reset(o);
	bgp_attrs_encode(o, &w, &wo);
	struct bgp_ctx ctx = {.asn_size = 4};
	bgp_attrs_decode(obuf_data(o), o->len, &ctx, a, at);
}

static uint32_t path_id(struct rib *r, struct obuf *o, struct arena *a, const uint32_t *path, unsigned n)
{
	struct bgp_attrs at;
	attrs_of(o, a, path, n, &at);
	return rib_path_of(r, &at, a);
}

TEST(state_by_hand_and_the_origin_view)
{
	struct rib r;
	rib_init(&r);
	struct arena a;
	arena_init(&a, 0, 1 << 20, RW_MEM_OTHER);
	struct obuf o = {0};
	uint32_t c1 = rib_collector(&r, "rv2"), c2 = rib_collector(&r, "rrc00");
	CHECK_INT(rib_collector(&r, "rv2"), c1);
	uint32_t p1 = rib_peer(&r, c1, &(struct rw_addr){0}, 1), p2 = rib_peer(&r, c2, &(struct rw_addr){0}, 2);
	uint32_t p3 = rib_peer(&r, c2, &(struct rw_addr){0}, 3);
	static const uint32_t via_x[] = {1, 4837, 131279}, via_y[] = {2, 20485, 131279}, other[] = {3, 174};
	uint32_t px = path_id(&r, &o, &a, via_x, 3), py = path_id(&r, &o, &a, via_y, 3);
	uint32_t po = path_id(&r, &o, &a, other, 2);
	CHECK(px != RIB_NONE && py != RIB_NONE && px != py);
	CHECK_INT(r.path[px].origin, 131279);
	CHECK_INT(r.path[px].upstream, 4837);
	CHECK_INT(r.path[po].upstream, 3);
	uint32_t f1 = rib_prefix(&r, &(struct rw_prefix){0});
	struct rw_prefix q1 = P("175.45.176.0/24"), q2 = P("175.45.177.0/24");
	uint32_t f2 = rib_prefix(&r, &q1), f3 = rib_prefix(&r, &q2);
	CHECK_INT(rib_prefix_find(&r, &q1), f2);
	rib_announce(&r, p1, f2, 0, px);
	rib_announce(&r, p2, f2, 0, py);
	rib_announce(&r, p3, f2, 0, py);
	rib_announce(&r, p1, f3, 0, px);
	rib_announce(&r, p3, f1, 0, po);
	CHECK_INT(r.route_count, 5);
	char err[200] = "";
	CHECK_INT(rib_check(&r, err, sizeof err), 0);

	struct rib_origin_view v;
	rib_origin_view(&r, 131279, &v);
	CHECK_INT(v.npfx, 2);
	CHECK_INT(v.peers_total, 3);
	CHECK_INT(v.colls_total, 2);
	CHECK_INT(v.pfx[0].pfx, f2);
	CHECK_INT(v.pfx[0].peers, 3);
	CHECK_INT(v.pfx[0].colls, 2);
	CHECK_INT(v.pfx[0].nup, 2);
	CHECK_INT(v.up[v.pfx[0].up_off].asn, 4837);
	CHECK_INT(v.up[v.pfx[0].up_off].peers, 1);
	CHECK_INT(v.up[v.pfx[0].up_off + 1].asn, 20485);
	CHECK_INT(v.up[v.pfx[0].up_off + 1].peers, 2);
	CHECK_INT(v.up[v.pfx[0].up_off + 1].colls, 1);
	rib_origin_view_free(&v);

	/* a session drop takes the peer's routes; the paths it held go */
	rib_peer_down(&r, p1);
	CHECK_INT(r.route_count, 3);
	CHECK_INT(rib_check(&r, err, sizeof err), 0);
	rib_origin_view(&r, 131279, &v);
	CHECK_INT(v.npfx, 1);
	rib_origin_view_free(&v);
	/* a RIB dump of rrc00 that carries one route: the others of the
	 * collector go at its end */
	rib_dump_begin(&r, c2, false);
	rib_announce(&r, p2, f2, 0, py);
	rib_dump_end(&r, c2);
	CHECK_INT(r.route_count, 1);
	CHECK_INT(rib_check(&r, err, sizeof err), 0);
	obuf_release(&o);
	arena_release(&a);
	rib_release(&r);
}

/* A rib with an Adj-RIB-In, scratch memory and an attribute buffer. */
struct adj_fix {
	struct rib r;
	struct rib_adj *adj;
	struct arena a;
	struct obuf o;
};

static void fix_init(struct adj_fix *x)
{
	memset(x, 0, sizeof *x);
	rib_init(&x->r);
	x->adj = rib_adj_new(&x->r);
	arena_init(&x->a, 0, 1 << 20, RW_MEM_OTHER);
}

static void fix_release(struct adj_fix *x)
{
	obuf_release(&x->o);
	arena_release(&x->a);
	rib_adj_free(x->adj);
	rib_release(&x->r);
}

/* The attributes of path 65002 131279 with extra raw attributes appended
 * (type, value, repeated: n of them), decoded into *at. */
static void attrs_with(struct obuf *o, struct arena *a, const uint8_t *types, unsigned n, struct bgp_attrs *at)
{
	static const uint32_t path[] = {65002, 131279};
	struct bgp_wattrs w = {.path = path, .path_len = 2, .nexthop = A("192.0.2.1")};
	struct bgp_wopts wo = {0};
	obuf_reset(o);
	bgp_attrs_encode(o, &w, &wo);
	for (unsigned i = 0; i < n; i++) {
		uint8_t v[4] = {0xfd, 0xe8, 0, (uint8_t)i}; /* 65000:i */
		bgp_attr_put(o, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, types[i], v, 4);
	}
	struct bgp_ctx ctx = {.asn_size = 4};
	bgp_attrs_decode(obuf_data(o), o->len, &ctx, a, at);
}

TEST(adj_rib_in_keeps_unknown_types_and_first_copies)
{
	struct adj_fix x;
	fix_init(&x);
	struct bgp_attrs at;
	/* an unknown type above the decoder's bit sets (200), then COMMUNITIES
	 * twice: the second copy is discarded (RFC 7606 §3.g) */
	static const uint8_t dup[] = {200, BGP_ATTR_COMMUNITIES, BGP_ATTR_COMMUNITIES};
	attrs_with(&x.o, &x.a, dup, 3, &at);
	CHECK(at.action == BGP_ACT_DISCARD);
	uint32_t s_dup = rib_adj_attrs(x.adj, &at, true);
	static const uint8_t one[] = {200, BGP_ATTR_COMMUNITIES};
	attrs_with(&x.o, &x.a, one, 2, &at);
	uint32_t s_one = rib_adj_attrs(x.adj, &at, true);
	CHECK_INT(s_dup, s_one); /* the same set: the later copy left out */
	static const uint8_t comm[] = {BGP_ATTR_COMMUNITIES};
	attrs_with(&x.o, &x.a, comm, 1, &at);
	uint32_t s_comm = rib_adj_attrs(x.adj, &at, true);
	CHECK(s_comm != s_one); /* type 200 was kept */
	rib_adj_unused(x.adj, s_dup);
	rib_adj_unused(x.adj, s_comm);
	fix_release(&x);
}

TEST(peers_by_collector_address_and_asn)
{
	struct rib r;
	rib_init(&r);
	uint32_t c1 = rib_collector(&r, "rrc00"), c2 = rib_collector(&r, "route-views2");
	uint32_t ids[600];
	for (unsigned i = 0; i < 600; i++) {
		char s[32];
		snprintf(s, sizeof s, "10.0.%u.%u", i / 250, i % 250);
		struct rw_addr x = A(s);
		ids[i] = rib_peer(&r, i % 2 ? c2 : c1, &x, 64512 + i % 3);
		CHECK_INT(ids[i], i); /* new peers get the next id */
	}
	for (unsigned i = 0; i < 600; i++) {
		char s[32];
		snprintf(s, sizeof s, "10.0.%u.%u", i / 250, i % 250);
		struct rw_addr x = A(s);
		CHECK_INT(rib_peer(&r, i % 2 ? c2 : c1, &x, 64512 + i % 3), ids[i]);
	}
	/* the same address and ASN at another collector, or with another
	 * ASN, is another peer */
	struct rw_addr x = A("10.0.0.0");
	CHECK_INT(rib_peer(&r, c2, &x, 64512), 600);
	CHECK_INT(rib_peer(&r, c1, &x, 64513), 601);
	CHECK_INT(r.coll[c1].npeers, 301);
	CHECK_INT(r.npeer, 602);
	rib_release(&r);
}

TEST(adj_rib_in_keeps_attributes_and_dumps)
{
	struct adj_fix x;
	fix_init(&x);
	struct rib_adj *adj = x.adj;
	uint32_t c = rib_collector(&x.r, "127.0.0.1");
	struct rw_addr pa = A("127.0.0.2"), pb = A("127.0.0.3");
	uint32_t p1 = rib_peer(&x.r, c, &pa, 65002), p2 = rib_peer(&x.r, c, &pb, 65003);
	rib_adj_bgp_id(adj, p1, 0x7f000002);
	struct rw_prefix q = P("198.51.100.0/24");
	uint32_t f = rib_prefix(&x.r, &q);
	static const uint32_t path[] = {65002, 131279};
	struct bgp_attrs at;
	attrs_of(&x.o, &x.a, path, 2, &at);
	uint32_t s1 = rib_adj_attrs(adj, &at, true);
	uint32_t s2 = rib_adj_attrs(adj, &at, true);
	CHECK_INT(s1, s2); /* interned: one copy per distinct set */
	rib_adj_announce(adj, p1, f, 0, s1);
	rib_adj_announce(adj, p2, f, 7, s1);
	rib_adj_unused(adj, s1); /* taken: stays */
	uint64_t routes, bytes;
	rib_adj_stats(adj, &routes, &bytes);
	CHECK_INT(routes, 2);
	/* the dump: a peer index, then one RIB record with both routes */
	struct obuf d = {0};
	uint64_t n = 0;
	CHECK_INT(rib_adj_dump(adj, c, 1506848871, 0x7f000001, "", &d, &n), 0);
	CHECK_INT(n, 2);
	struct cur cu;
	cur_init(&cu, obuf_data(&d), d.len);
	uint32_t ts = 0, len = 0;
	uint16_t type = 0, sub = 0;
	CHECK(!cur_u32(&cu, &ts) && !cur_u16(&cu, &type) && !cur_u16(&cu, &sub) && !cur_u32(&cu, &len));
	CHECK_INT(ts, 1506848871);
	CHECK_INT(type, 13);  /* TABLE_DUMP_V2 */
	CHECK_INT(sub, 1);    /* PEER_INDEX_TABLE */
	CHECK(!cur_skip(&cu, len) && !cur_u32(&cu, &ts) && !cur_u16(&cu, &type) && !cur_u16(&cu, &sub));
	CHECK_INT(sub, 8); /* RIB_IPV4_UNICAST_ADDPATH: a path id was seen */
	/* withdrawals and a session drop empty it */
	rib_adj_withdraw(adj, p2, f, 7);
	rib_announce(&x.r, p1, f, 0, rib_path_of(&x.r, &at, &x.a));
	rib_adj_peer_down(adj, p1);
	rib_peer_down(&x.r, p1);
	rib_adj_stats(adj, &routes, &bytes);
	CHECK_INT(routes, 0);
	/* an unused set is freed */
	uint32_t s3 = rib_adj_attrs(adj, &at, true);
	rib_adj_unused(adj, s3);
	obuf_release(&d);
	fix_release(&x);
}

/* ---------------------------------------------------------------- queries */

/* A path of ASes then an AS_SET (no origin: docs/events.md §3). */
static uint32_t path_set_id(struct rib *r, struct obuf *o, struct arena *a, const uint32_t *path, unsigned n,
			    const uint32_t *set, unsigned ns)
{
	return tpath_id(r, o, a, path, n, set, ns);
}

/* Two collectors (ids: rv2 0, rrc00 1, so name order is the other way),
 * five peers, paths through 4837, 20485 and none (the origin is the peer),
 * another origin, a path without origin; prefixes made out of prefix
 * order. */
struct qfix {
	struct rib r;
	struct arena a;
	struct obuf o;
	uint32_t c_rv, c_rrc;
	uint32_t p[5];         /* p0 p1 p4: rv2; p2 p3: rrc00 */
	uint32_t via_x, via_y, direct, other, noorig, other_x;
};

static void qfix_init(struct qfix *f)
{
	memset(f, 0, sizeof *f);
	rib_init(&f->r);
	arena_init(&f->a, 0, 1 << 20, RW_MEM_OTHER);
	f->c_rv = rib_collector(&f->r, "rv2");
	f->c_rrc = rib_collector(&f->r, "rrc00");
	static const char *addr[] = {"192.0.2.10", "192.0.2.11", "193.0.0.12", "193.0.0.13", "192.0.2.14"};
	static const uint32_t asn[] = {3356, 174, 3333, 8492, 131279};
	for (unsigned i = 0; i < 5; i++) {
		struct rw_addr ad = A(addr[i]);
		f->p[i] = rib_peer(&f->r, i == 2 || i == 3 ? f->c_rrc : f->c_rv, &ad, asn[i]);
	}
	static const uint32_t x[] = {3356, 4837, 131279}, y[] = {174, 20485, 131279}, d[] = {131279},
			      o[] = {3333, 1299, 64500}, ox[] = {8492, 4837, 64500}, no[] = {3333, 1299},
			      set[] = {64501, 64502};
	f->via_x = path_id(&f->r, &f->o, &f->a, x, 3);
	f->via_y = path_id(&f->r, &f->o, &f->a, y, 3);
	f->direct = path_id(&f->r, &f->o, &f->a, d, 1);
	f->other = path_id(&f->r, &f->o, &f->a, o, 3);
	f->other_x = path_id(&f->r, &f->o, &f->a, ox, 3);
	f->noorig = path_set_id(&f->r, &f->o, &f->a, no, 2, set, 2);
}

static void qfix_release(struct qfix *f)
{
	obuf_release(&f->o);
	arena_release(&f->a);
	rib_release(&f->r);
}

static uint32_t qpfx(struct qfix *f, const char *s)
{
	struct rw_prefix p = P(s);
	return rib_prefix(&f->r, &p);
}

TEST(origin_view_summary_shares_and_prefix_order)
{
	struct qfix f;
	qfix_init(&f);
	struct rib *r = &f.r;
	CHECK_INT(r->path[f.direct].origin, 131279);
	CHECK_INT(r->path[f.direct].upstream, 0);
	CHECK_INT(r->path[f.noorig].origin, 0);
	/* ids out of prefix order: an IPv6 prefix first, then .179 before .176 */
	uint32_t v6 = qpfx(&f, "2001:db8::/32"), q179 = qpfx(&f, "175.45.179.0/24"), q176 = qpfx(&f, "175.45.176.0/24");
	uint32_t q177 = qpfx(&f, "175.45.177.0/24");
	/* 176: p0 via 4837, p1 via 20485, p2 via 4837, p3 via 4837 */
	rib_announce(r, f.p[0], q176, 0, f.via_x);
	rib_announce(r, f.p[1], q176, 0, f.via_y);
	rib_announce(r, f.p[2], q176, 0, f.via_x);
	rib_announce(r, f.p[3], q176, 0, f.via_x);
	/* 179: p1 via 20485, p2 via 20485; p4 is the origin itself */
	rib_announce(r, f.p[1], q179, 0, f.via_y);
	rib_announce(r, f.p[2], q179, 0, f.via_y);
	rib_announce(r, f.p[4], q179, 0, f.direct);
	/* v6: p0 with two ADD-PATH routes, via 4837 and 20485 */
	rib_announce(r, f.p[0], v6, 1, f.via_x);
	rib_announce(r, f.p[0], v6, 2, f.via_y);
	/* 177: another origin only; it is not the origin's */
	rib_announce(r, f.p[3], q177, 0, f.other);
	char err[200] = "";
	CHECK_INT(rib_check(r, err, sizeof err), 0);

	struct rib_origin_view v;
	rib_origin_view(r, 131279, &v);
	CHECK_INT(v.npfx, 3);
	/* prefix order: IPv4 before IPv6, then address */
	CHECK_INT(v.pfx[0].pfx, q176);
	CHECK_INT(v.pfx[1].pfx, q179);
	CHECK_INT(v.pfx[2].pfx, v6);
	CHECK_INT(v.pfx[0].nup, 2);
	CHECK_INT(v.pfx[1].peers, 3);
	CHECK_INT(v.pfx[2].peers, 1);
	CHECK_INT(v.pfx[2].nup, 2);
	/* routes: 4837: 3 (176) + 1 (v6) = 4; 20485: 1 + 2 + 1 = 4; none: 1 */
	CHECK_INT(v.routes, 9);
	CHECK_INT(v.nsum, 3);
	/* share descending, ties by ASN */
	CHECK_INT(v.sum[0].asn, 4837);
	CHECK_INT(v.sum[0].routes, 4);
	CHECK_INT(v.sum[0].prefixes, 2);
	CHECK_INT(v.sum[0].peers, 3);   /* p0 p2 p3 */
	CHECK_INT(v.sum[0].colls, 2);
	CHECK_INT(v.sum[1].asn, 20485);
	CHECK_INT(v.sum[1].routes, 4);
	CHECK_INT(v.sum[1].prefixes, 3);
	CHECK_INT(v.sum[1].peers, 3);   /* p0 p1 p2 */
	CHECK_INT(v.sum[1].colls, 2);
	CHECK_INT(v.sum[2].asn, 0);
	CHECK_INT(v.sum[2].routes, 1);
	CHECK_INT(v.sum[2].prefixes, 1);
	CHECK_INT(v.sum[2].peers, 1);
	CHECK_INT(v.sum[2].colls, 1);
	double total = 0;
	for (uint32_t i = 0; i < v.nsum; i++)
		total += v.sum[i].share;
	CHECK(total > 0.999999 && total < 1.000001);
	CHECK(v.sum[0].share > 0.444 && v.sum[0].share < 0.445);
	/* the summary adds up the per-prefix upstreams */
	uint64_t per = 0;
	for (uint32_t i = 0; i < v.nup; i++)
		per += v.up[i].peers;
	CHECK_INT(per, v.routes);
	rib_origin_view_free(&v);

	/* an origin nobody announces: empty, no summary */
	rib_origin_view(r, 65535, &v);
	CHECK_INT(v.npfx, 0);
	CHECK_INT(v.nsum, 0);
	CHECK_INT(v.routes, 0);
	CHECK_INT(v.peers_total, 5);
	rib_origin_view_free(&v);
	qfix_release(&f);
}

TEST(prefix_view_exact_and_more_specifics)
{
	struct qfix f;
	qfix_init(&f);
	struct rib *r = &f.r;
	uint32_t s24b = qpfx(&f, "10.1.2.0/24"), s16 = qpfx(&f, "10.1.0.0/16"), s24a = qpfx(&f, "10.1.0.0/24");
	uint32_t gone = qpfx(&f, "10.1.3.0/24"), out8 = qpfx(&f, "11.0.0.0/8"), sib = qpfx(&f, "10.2.0.0/16");
	uint32_t v6 = qpfx(&f, "2001:db8:1::/48");
	(void)out8;
	/* 10.1.0.0/16: MOAS: 131279 from p0 (4837), p1 (20485), p2 (4837);
	 * 64500 from p3 (4837); p4 is 131279 itself; p2 also has a route
	 * without origin (ADD-PATH) */
	rib_announce(r, f.p[0], s16, 0, f.via_x);
	rib_announce(r, f.p[1], s16, 0, f.via_y);
	rib_announce(r, f.p[2], s16, 0, f.via_x);
	rib_announce(r, f.p[2], s16, 7, f.noorig);
	rib_announce(r, f.p[3], s16, 0, f.other_x);
	rib_announce(r, f.p[4], s16, 0, f.direct);
	rib_announce(r, f.p[3], s24a, 0, f.other);
	rib_announce(r, f.p[1], s24b, 0, f.via_y);
	rib_announce(r, f.p[0], gone, 0, f.via_x);
	rib_withdraw(r, f.p[0], gone, 0); /* in the table, no route */
	rib_announce(r, f.p[0], out8, 0, f.via_x);
	rib_announce(r, f.p[0], sib, 0, f.via_x);
	rib_announce(r, f.p[0], v6, 0, f.via_x);
	char err[200] = "";
	CHECK_INT(rib_check(r, err, sizeof err), 0);

	struct rib_prefix_view v;
	struct rw_prefix q = P("10.1.0.0/16");
	rib_prefix_view(r, &q, &v);
	CHECK(v.present);
	CHECK_INT(v.peers_total, 5);
	CHECK_INT(v.colls_total, 2);
	CHECK_INT(v.npfx, 3); /* the /16, 10.1.0.0/24, 10.1.2.0/24; not the withdrawn one */
	CHECK_INT(v.pfx[0].pfx, s16);
	CHECK_INT(v.pfx[1].pfx, s24a);
	CHECK_INT(v.pfx[2].pfx, s24b);
	const struct rib_pv_prefix *p = &v.pfx[0];
	CHECK_INT(p->peers, 5);
	CHECK_INT(p->colls, 2);
	/* origins: 131279 (4 peers), 64500 (1), no origin last */
	CHECK_INT(p->norg, 3);
	const struct rib_pv_origin *g = &v.org[p->org_off];
	CHECK_INT(g[0].asn, 131279);
	CHECK_INT(g[0].peers, 4);
	CHECK_INT(g[0].colls, 2);
	CHECK_INT(g[0].nup, 3);
	/* upstreams by peers descending, ties by ASN: 4837 (2), 0 (1), 20485 (1) */
	CHECK_INT(v.up[g[0].up_off].asn, 4837);
	CHECK_INT(v.up[g[0].up_off].peers, 2);
	CHECK_INT(v.up[g[0].up_off].colls, 2);
	CHECK_INT(v.up[g[0].up_off + 1].asn, 0);
	CHECK_INT(v.up[g[0].up_off + 2].asn, 20485);
	CHECK_INT(g[1].asn, 64500);
	CHECK_INT(g[1].peers, 1);
	CHECK_INT(g[1].nup, 1);
	CHECK_INT(v.up[g[1].up_off].asn, 4837);
	CHECK_INT(g[2].asn, 0);
	CHECK_INT(g[2].peers, 1);
	CHECK_INT(g[2].nup, 0);
	/* per collector in name order: rrc00 (p2 p3), rv2 (p0 p1 p4) */
	CHECK_INT(p->ncoll, 2);
	CHECK_INT(v.coll[p->coll_off].coll, f.c_rrc);
	CHECK_INT(v.coll[p->coll_off].peers, 2);
	CHECK_INT(v.coll[p->coll_off].peers_total, 2);
	CHECK_INT(v.coll[p->coll_off + 1].coll, f.c_rv);
	CHECK_INT(v.coll[p->coll_off + 1].peers, 3);
	CHECK_INT(v.coll[p->coll_off + 1].peers_total, 3);
	/* 10.1.0.0/24: one origin, one collector */
	CHECK_INT(v.pfx[1].norg, 1);
	CHECK_INT(v.org[v.pfx[1].org_off].asn, 64500);
	CHECK_INT(v.pfx[1].ncoll, 1);
	CHECK_INT(v.coll[v.pfx[1].coll_off].coll, f.c_rrc);
	rib_prefix_view_free(&v);

	/* the /8 above: not present itself, its more-specifics are */
	q = P("10.0.0.0/8");
	rib_prefix_view(r, &q, &v);
	CHECK(!v.present);
	CHECK_INT(v.npfx, 4); /* 10.1/16, 10.1.0/24, 10.1.2/24, 10.2/16 */
	CHECK_INT(v.pfx[0].pfx, s16);
	CHECK_INT(v.pfx[3].pfx, sib);
	rib_prefix_view_free(&v);

	/* a withdrawn prefix: in the table, not in the state */
	q = P("10.1.3.0/24");
	rib_prefix_view(r, &q, &v);
	CHECK(!v.present);
	CHECK_INT(v.npfx, 0);
	rib_prefix_view_free(&v);

	/* host bits are cleared; a longer query sees only what it covers */
	q = P("10.1.2.77/23");
	rib_prefix_view(r, &q, &v);
	CHECK(!v.present);
	CHECK_INT(v.npfx, 1);
	CHECK_INT(v.pfx[0].pfx, s24b);
	rib_prefix_view_free(&v);

	/* families do not mix: ::/0 sees the IPv6 prefix only */
	q = P("::/0");
	rib_prefix_view(r, &q, &v);
	CHECK_INT(v.npfx, 1);
	CHECK_INT(v.pfx[0].pfx, v6);
	rib_prefix_view_free(&v);
	q = P("0.0.0.0/0");
	rib_prefix_view(r, &q, &v);
	CHECK_INT(v.npfx, 5); /* and 11.0.0.0/8 */
	rib_prefix_view_free(&v);
	qfix_release(&f);
}

/* ADD-PATH ids live beside the 8-byte routes, only for runs with an id
 * other than 0: every change keeps the run flagged all or none, the ids
 * in order, and a snapshot brings them back. */
TEST(addpath_ids_beside_the_routes)
{
	struct rib r;
	rib_init(&r);
	struct arena a;
	arena_init(&a, 0, 1 << 20, RW_MEM_OTHER);
	struct obuf o = {0};
	uint32_t c = rib_collector(&r, "rrc00");
	uint32_t p1 = rib_peer(&r, c, &(struct rw_addr){0}, 1), p2 = rib_peer(&r, c, &(struct rw_addr){0}, 2);
	static const uint32_t pa[] = {1, 174, 64500}, pb[] = {2, 3356, 64500};
	uint32_t x = path_id(&r, &o, &a, pa, 3), y = path_id(&r, &o, &a, pb, 3);
	struct rw_prefix q = P("192.0.2.0/24");
	uint32_t f = rib_prefix(&r, &q);
	char err[200] = "";
	rib_announce(&r, p2, f, 0, y);
	rib_announce(&r, p1, f, 0, x);
	CHECK_INT(r.ap_idx.n, 0); /* no ids: nothing beside */
	rib_announce(&r, p1, f, 7, y);
	rib_announce(&r, p1, f, 3, x);
	CHECK_INT(r.ap_idx.n, 1);
	CHECK_INT(rib_check(&r, err, sizeof err), 0);
	CHECK_INT(r.pfx[f].n, 4);
	CHECK_INT(rib_route_addpath(&r, f, 0), 0);
	CHECK_INT(rib_route_addpath(&r, f, 1), 3);
	CHECK_INT(rib_route_addpath(&r, f, 2), 7);
	CHECK_INT(rib_route_peer(&r.pfx[f].r[3]), p2);
	rib_announce(&r, p1, f, 3, y); /* replaces id 3 only */
	CHECK_INT(r.pfx[f].n, 4);
	CHECK_INT(r.pfx[f].r[1].path, y);

	/* a snapshot keeps the ids (taken between seconds: nothing dirty) */
	uint32_t nd;
	rib_take_dirty(&r, &nd, NULL);
	struct obuf s = {0};
	CHECK_INT(rib_save(&r, &s), 0);
	struct rib r2;
	rib_init(&r2);
	struct cur cu;
	cur_init(&cu, obuf_data(&s), s.len);
	CHECK_INT(rib_load(&r2, &cu, &a, err, sizeof err), 0);
	CHECK_INT(rib_check(&r2, err, sizeof err), 0);
	CHECK_INT(rib_route_addpath(&r2, f, 2), 7);
	CHECK_INT(r2.ap_idx.n, 1);
	rib_release(&r2);
	obuf_release(&s);

	rib_withdraw(&r, p1, f, 3);
	rib_withdraw(&r, p1, f, 7);
	/* only id 0 left: a plain route again */
	CHECK_INT(r.ap_idx.n, 0);
	CHECK(!(r.pfx[f].r[0].peer_gen & RIB_R_ADDPATH));
	CHECK_INT(rib_check(&r, err, sizeof err), 0);
	rib_announce(&r, p1, f, 9, x);
	rib_withdraw(&r, p1, f, 0);
	CHECK_INT(r.ap_idx.n, 1); /* id 9 alone keeps its run flagged */
	CHECK_INT(rib_route_addpath(&r, f, 0), 9);
	CHECK_INT(rib_check(&r, err, sizeof err), 0);
	rib_peer_down(&r, p1);
	CHECK_INT(r.ap_idx.n, 0);
	CHECK_INT(r.route_count, 1);
	CHECK_INT(rib_check(&r, err, sizeof err), 0);
	rib_release(&r);
	arena_release(&a);
	obuf_release(&o);
}

/* Random announcements, withdrawals, session drops and dumps with ADD-PATH
 * ids, against a plain model of (peer, prefix, id) -> path: the routes,
 * their ids, the peers' prefix bits and the side table stay right
 * (rib_check) through every step, and a snapshot brings the same routes
 * back. */
enum { M_PEERS = 4, M_PFX = 8, M_IDS = 4 };
static const uint32_t m_ids[M_IDS] = {0, 1, 2, 5};

static int model_same(const struct rib *r, const uint32_t *pf, uint32_t m[M_PEERS][M_PFX][M_IDS])
{
	uint64_t n = 0;
	for (unsigned f = 0; f < M_PFX; f++) {
		const struct rib_pfx *x = &r->pfx[pf[f]];
		for (uint32_t k = 0; k < x->n; k++) {
			uint32_t peer = rib_route_peer(&x->r[k]), ap = rib_route_addpath(r, pf[f], k);
			unsigned i = 0;
			while (i < M_IDS && m_ids[i] != ap)
				i++;
			if (peer >= M_PEERS || i == M_IDS || m[peer][f][i] != x->r[k].path + 1)
				return -1;
		}
		for (unsigned p = 0; p < M_PEERS; p++)
			for (unsigned i = 0; i < M_IDS; i++)
				n += m[p][f][i] != 0;
	}
	return n == r->route_count ? 0 : -1;
}

/* A version 2 snapshot rewritten as version 1 wrote it (12-byte routes:
 * peer << 8 | generation, ADD-PATH id, path), for the reader's version 1
 * path: everything before the prefixes is the same in both. */
static int snap_to_v1(const struct obuf *s, struct obuf *v1)
{
	struct cur c;
	cur_init(&c, obuf_data(s), s->len);
	const uint8_t *b;
	uint32_t n, m;
	uint16_t k;
	uint8_t af;
	if (cur_skip(&c, 8) || cur_u32(&c, &n))
		return -1;
	for (uint32_t i = 0; i < n; i++)
		if (cur_u16(&c, &k) || cur_skip(&c, (size_t)k + 2))
			return -1;
	if (cur_u32(&c, &n))
		return -1;
	for (uint32_t i = 0; i < n; i++)
		if (cur_u8(&c, &af) || cur_skip(&c, (af == RW_AF_INET ? 4u : af == RW_AF_INET6 ? 16u : 0u) + 8))
			return -1;
	if (cur_skip(&c, 4) || cur_u32(&c, &n))
		return -1;
	for (uint32_t i = 0; i < n; i++)
		if (cur_skip(&c, 4) || cur_u16(&c, &k) || cur_skip(&c, k))
			return -1;
	size_t head = (size_t)(c.p - obuf_data(s));
	obuf_write(v1, obuf_data(s), head);
	v1->buf[7] = 1; /* the version's low byte */
	if (cur_u32(&c, &n))
		return -1;
	obuf_be32(v1, n);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t len;
		if (cur_u8(&c, &af) || cur_u8(&c, &len) || cur_bytes(&c, (len + 7u) / 8u, &b) || cur_u32(&c, &m))
			return -1;
		obuf_be8(v1, af);
		obuf_be8(v1, len);
		obuf_write(v1, b, (len + 7u) / 8u);
		obuf_be32(v1, m);
		for (uint32_t j = 0; j < m; j++) {
			uint32_t pg, path, ap = 0;
			if (cur_u32(&c, &pg) || cur_u32(&c, &path) || ((pg & RIB_R_ADDPATH) && cur_u32(&c, &ap)))
				return -1;
			obuf_be32(v1, pg & ~RIB_R_ADDPATH);
			obuf_be32(v1, ap);
			obuf_be32(v1, path);
		}
	}
	return cur_left(&c) ? -1 : 0;
}

TEST(addpath_and_peer_bits_against_a_model)
{
	struct rib r;
	rib_init(&r);
	struct arena a;
	arena_init(&a, 0, 1 << 20, RW_MEM_OTHER);
	struct obuf o = {0};
	uint32_t c[2] = {rib_collector(&r, "rv"), rib_collector(&r, "rrc")}, peer[M_PEERS], pf[M_PFX], path[3];
	for (unsigned p = 0; p < M_PEERS; p++)
		peer[p] = rib_peer(&r, c[p % 2], &(struct rw_addr){0}, 64500 + p);
	for (unsigned f = 0; f < M_PFX; f++) {
		struct rw_prefix q = P("10.0.0.0/24");
		q.b[1] = (uint8_t)f;
		pf[f] = rib_prefix(&r, &q);
	}
	/* the paths, interned again before each use: one whose last route
	 * went was freed, and its id may change */
#define PATHS()                                                                \
	for (unsigned pk = 0; pk < 3; pk++) {                                  \
		uint32_t as[] = {64500, 174 + pk, 64999};                      \
		path[pk] = path_id(&r, &o, &a, as, 3);                         \
		arena_reset(&a);                                               \
	}
	static uint32_t m[M_PEERS][M_PFX][M_IDS]; /* path + 1, 0: none */
	memset(m, 0, sizeof m);
	uint64_t seed = 14;
	char err[200] = "";
	int bad = 0;
	for (unsigned step = 0; step < 4000 && !bad; step++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		unsigned op = (unsigned)(seed >> 60), p = (unsigned)(seed >> 40) % M_PEERS,
			 f = (unsigned)(seed >> 30) % M_PFX, i = (unsigned)(seed >> 20) % M_IDS,
			 k = (unsigned)(seed >> 10) % 3;
		PATHS();
		if (op < 9) {
			rib_announce(&r, peer[p], pf[f], m_ids[i], path[k]);
			m[p][f][i] = path[k] + 1;
		} else if (op < 14) {
			rib_withdraw(&r, peer[p], pf[f], m_ids[i]);
			m[p][f][i] = 0;
		} else if (op == 14) {
			rib_peer_down(&r, peer[p]);
			memset(m[p], 0, sizeof m[p]);
		} else {
			/* a dump of collector p % 2 carrying about half of its routes */
			unsigned col = p % 2;
			static uint32_t keep[M_PEERS][M_PFX][M_IDS];
			memset(keep, 0, sizeof keep);
			rib_dump_begin(&r, c[col], false);
			for (unsigned q = col; q < M_PEERS; q += 2)
				for (unsigned g = 0; g < M_PFX; g++)
					for (unsigned j = 0; j < M_IDS; j++) {
						seed = seed * 6364136223846793005ull + 1442695040888963407ull;
						if ((seed >> 62) == 0 || (m[q][g][j] && (seed >> 62) == 1)) {
							PATHS();
							uint32_t np = path[(seed >> 20) % 3];
							rib_announce(&r, peer[q], pf[g], m_ids[j], np);
							keep[q][g][j] = np + 1;
						}
					}
			rib_dump_end(&r, c[col]);
			for (unsigned q = col; q < M_PEERS; q += 2)
				memcpy(m[q], keep[q], sizeof m[q]);
		}
		if (rib_check(&r, err, sizeof err) || model_same(&r, pf, m)) {
			t_fail(__FILE__, __LINE__, "%s", err[0] ? err : "the routes differ from the model");
			bad = 1;
		}
		if (step % 500 == 499 && !bad) {
			uint32_t nd;
			rib_take_dirty(&r, &nd, NULL);
			struct obuf s = {0};
			CHECK_INT(rib_save(&r, &s), 0);
			struct rib r2;
			rib_init(&r2);
			struct cur cu;
			cur_init(&cu, obuf_data(&s), s.len);
			CHECK_INT(rib_load(&r2, &cu, &a, err, sizeof err), 0);
			CHECK_INT(rib_check(&r2, err, sizeof err), 0);
			CHECK_INT(r2.route_count, r.route_count);
			CHECK_INT(r2.ap_idx.n, r.ap_idx.n);
			/* a store written before the 8-byte routes resumes: its
			 * version 1 snapshot loads to the same state */
			struct obuf s1 = {0}, t2 = {0}, t3 = {0};
			CHECK_INT(snap_to_v1(&s, &s1), 0);
			struct rib r3;
			rib_init(&r3);
			cur_init(&cu, obuf_data(&s1), s1.len);
			CHECK_INT(rib_load(&r3, &cu, &a, err, sizeof err), 0);
			CHECK_INT(rib_check(&r3, err, sizeof err), 0);
			CHECK_INT(rib_save(&r2, &t2), 0);
			CHECK_INT(rib_save(&r3, &t3), 0);
			CHECK(t2.len == t3.len && !memcmp(obuf_data(&t2), obuf_data(&t3), t2.len));
			rib_release(&r3);
			obuf_release(&s1);
			obuf_release(&t2);
			obuf_release(&t3);
			rib_release(&r2);
			obuf_release(&s);
		}
	}
#undef PATHS
	rib_release(&r);
	arena_release(&a);
	obuf_release(&o);
}

/* ---------------------------------------------------------- path keys */

static uint64_t kx = 0x9e3779b97f4a7c15u;
static uint32_t krand(uint32_t n)
{
	kx ^= kx << 13;
	kx ^= kx >> 7;
	kx ^= kx << 17;
	return (uint32_t)(kx >> 11) % n;
}

/* Random AS_PATH-form segments of asz-byte ASNs at b: every type (the
 * sequence mostly), counts up to 255 now and then, ASNs of every coded
 * length. Returns the bytes. */
static size_t rand_segs(uint8_t *b, unsigned asz)
{
	static const uint8_t types[] = {2, 2, 2, 2, 1, 3, 4};
	unsigned nseg = krand(8) ? krand(3) : 14 + krand(4), n = 0;
	for (unsigned s = 0; s < nseg && n < 1000; s++) { /* at most 2022 bytes */
		unsigned cnt = krand(10) ? 1 + krand(8) : 28 + krand(228);
		b[n++] = types[krand(sizeof types)];
		b[n++] = (uint8_t)cnt;
		for (unsigned i = 0; i < cnt; i++) {
			static const uint32_t lim[] = {128, 16384, 65536, 1u << 21, 1u << 28, 0};
			uint32_t l = lim[krand(asz == 4 ? 6 : 3)];
			uint32_t v = l ? krand(l) : (uint32_t)(kx >> 20);
			if (asz == 4)
				wr32(b + n, v);
			else
				wr16(b + n, (uint16_t)v);
			n += asz;
		}
	}
	return n;
}

/* A path key of version 2's form (what snapshots keep). */
static size_t rand_raw(uint8_t *raw)
{
	unsigned asz = krand(2) ? 4 : 2, mode = krand(4);
	if (mode == 2 || mode == 3)
		asz = 2;
	size_t l1 = mode ? rand_segs(raw + 4, asz) : 0;
	size_t l2 = mode == 2 ? rand_segs(raw + 4 + l1, 4) : 0;
	raw[0] = (uint8_t)asz;
	raw[1] = (uint8_t)mode;
	wr16(raw + 2, (uint16_t)l1);
	return 4 + l1 + l2;
}

/* A new path's origin and upstream, followed while its key is checked
 * (rib_path.c's forward walk: no AS4_PATH to merge), are
 * rib_origin_upstream's of the decoded path: prepending, AS_SETs and
 * confederation segments anywhere, four ASNs (AS_TRANS one of them) so
 * that runs and repeats are common. */
TEST(origin_upstream_followed_forward_equal_the_decoded_paths)
{
	struct rib r;
	rib_init(&r);
	struct arena a;
	arena_init(&a, 0, 1 << 22, RW_MEM_OTHER);
	static const uint8_t types[] = {2, 2, 2, 1, 3, 4};
	static const uint32_t asns[] = {1, 2, 3, BGP_AS_TRANS};
	uint8_t raw[4 + 6 * (2 + 6 * 4)], key[RIB_KEY_MAX(sizeof raw)];
	unsigned with_origin = 0, with_upstream = 0;
	for (unsigned i = 0; i < 20000; i++) {
		unsigned asz = krand(2) ? 4 : 2, mode = asz == 2 && !krand(3) ? 3 : 1, nseg = krand(7);
		size_t n = 4;
		for (unsigned g = 0; g < nseg; g++) {
			unsigned cnt = 1 + krand(6);
			raw[n++] = types[krand(sizeof types)];
			raw[n++] = (uint8_t)cnt;
			for (unsigned k = 0; k < cnt; k++, n += asz) {
				if (asz == 4)
					wr32(raw + n, asns[krand(4)]);
				else
					wr16(raw + n, (uint16_t)asns[krand(4)]);
			}
		}
		raw[0] = (uint8_t)asz;
		raw[1] = (uint8_t)mode;
		wr16(raw + 2, (uint16_t)(n - 4));
		size_t kl = rib__key_of_raw(raw, n, key, sizeof key);
		CHECK(kl > 0);
		uint32_t id = rib_path_intern(&r, key, kl, rib_path_hash(key, kl), &a);
		CHECK(id != RIB_NONE);
		struct bgp_path p;
		CHECK_INT(bgp_path_decode(raw + 4, n - 4, asz, &a, &p), 0);
		uint32_t o, u;
		rib_origin_upstream(&p, &o, &u);
		if (mode == 3 && o == BGP_AS_TRANS)
			o = u = 0;
		if (mode == 3 && u == BGP_AS_TRANS)
			u = 0;
		if (id != RIB_NONE) {
			CHECK_INT(r.path[id].origin, o);
			CHECK_INT(r.path[id].upstream, u);
		}
		if (mode == 1) {
			/* the same path as an AS_PATH attribute: the key made
			 * from it carries the same two (rib_path_key_ou) */
			uint8_t at[4 + sizeof raw];
			at[0] = 0x50; /* transitive, extended length */
			at[1] = BGP_ATTR_AS_PATH;
			wr16(at + 2, (uint16_t)(n - 4));
			memcpy(at + 4, raw + 4, n - 4);
			struct bgp_ctx ctx = {.asn_size = (uint8_t)asz};
			struct bgp_attrs ba;
			bgp_attrs_decode(at, n, &ctx, &a, &ba);
			struct rib_ou ou = {0};
			uint8_t k2[sizeof key];
			size_t kl2 = rib_path_key_ou(&ba, k2, sizeof k2, &ou);
			CHECK(kl2 == kl && !memcmp(k2, key, kl));
			CHECK(ou.known);
			CHECK_INT(ou.origin, o);
			CHECK_INT(ou.upstream, u);
		}
		with_origin += o != 0;
		with_upstream += u != 0;
		arena_reset(&a);
	}
	/* the cases are there: paths with and without either */
	CHECK(with_origin > 5000 && with_origin < 19000);
	CHECK(with_upstream > 2000 && with_upstream < with_origin);
	rib_release(&r);
	arena_release(&a);
}

TEST(path_keys_round_trip_refuse_and_compact)
{
	struct rib r;
	rib_init(&r);
	struct arena a;
	arena_init(&a, 0, 1 << 22, RW_MEM_OTHER);
	enum { N = 12000 };
	static uint8_t raw[N][4 + 2 * 2022];
	static uint32_t rlen[N], id[N];
	uint8_t key[RIB_KEY_MAX(sizeof raw[0])], *back;
	unsigned merged_away = 0;
	for (unsigned i = 0; i < N; i++) {
		rlen[i] = (uint32_t)rand_raw(raw[i]);
		size_t kl = rib__key_of_raw(raw[i], rlen[i], key, sizeof key);
		CHECK(kl > 0 && kl <= rlen[i] + rlen[i] / 2 + 16);
		id[i] = rib_path_intern(&r, key, kl, rib_path_hash(key, kl), &a);
		arena_reset(&a);
		if (id[i] == RIB_NONE) {
			/* only an AS4_PATH that does not merge is refused */
			CHECK_INT(raw[i][1], 2);
			merged_away++;
			continue;
		}
		rib_path_hold(&r, id[i]);
		/* the same key again: the same path; the snapshot's form back */
		CHECK_INT(rib_path_intern(&r, key, kl, rib_path_hash(key, kl), &a), id[i]);
		size_t bl = rib__key_raw(&r, id[i], &a, &back);
		CHECK(bl == rlen[i] && !memcmp(back, raw[i], bl));
		/* a key cut short or with a byte more is refused, as is one
		 * byte changed unless it still codes a path */
		CHECK_INT(rib_path_intern(&r, key, kl - 1, rib_path_hash(key, kl - 1), &a), RIB_NONE);
		key[kl] = 0;
		CHECK_INT(rib_path_intern(&r, key, kl + 1, rib_path_hash(key, kl + 1), &a), RIB_NONE);
		arena_reset(&a);
	}
	CHECK(merged_away < N / 8);
	/* not canonical: a varint longer than it needs (AS 1 as 0x81 0x00),
	 * a long segment header where the short one fits, an empty segment;
	 * raw paths cut short, with an empty segment, of an unknown type */
	static const uint8_t long_uv[] = {0x15, 0x21, 0x81, 0x00}, long_hdr[] = {0x15, 0x81, 1, 0x01},
			     empty[] = {0x15, 0x20}, short_uv[] = {0x15, 0x21, 0x01},
			     raw_cut[] = {4, 1, 0, 6, 2, 2, 0, 0, 0, 1}, raw_empty[] = {4, 1, 0, 2, 2, 0},
			     raw_type[] = {4, 1, 0, 6, 9, 1, 0, 0, 0, 1};
	CHECK(rib_path_intern(&r, short_uv, 3, rib_path_hash(short_uv, 3), &a) != RIB_NONE);
	CHECK_INT(rib_path_intern(&r, long_uv, 4, rib_path_hash(long_uv, 4), &a), RIB_NONE);
	CHECK_INT(rib_path_intern(&r, long_hdr, 4, rib_path_hash(long_hdr, 4), &a), RIB_NONE);
	CHECK_INT(rib_path_intern(&r, empty, 2, rib_path_hash(empty, 2), &a), RIB_NONE);
	CHECK_INT(rib__key_of_raw(raw_cut, sizeof raw_cut, key, sizeof key), 0);
	CHECK_INT(rib__key_of_raw(raw_empty, sizeof raw_empty, key, sizeof key), 0);
	CHECK_INT(rib__key_of_raw(raw_type, sizeof raw_type, key, sizeof key), 0);
	arena_reset(&a);

	/* three quarters of them go: the pool is compacted, the rest keep
	 * their keys, and keys new and old still find their paths */
	uint32_t before = r.nkey;
	for (unsigned i = 0; i < N; i++)
		if (id[i] != RIB_NONE && i % 4)
			rib_path_release(&r, id[i]);
	CHECK(r.nkey < before / 2 && r.key_dead < r.nkey / 4 + 1);
	for (unsigned i = 0; i < N; i++) {
		if (id[i] == RIB_NONE)
			continue;
		size_t kl = rib__key_of_raw(raw[i], rlen[i], key, sizeof key);
		uint32_t again = rib_path_intern(&r, key, kl, rib_path_hash(key, kl), &a);
		if (i % 4) {
			CHECK(again != RIB_NONE);
			continue; /* interned anew (not held: freed never) */
		}
		CHECK_INT(again, id[i]);
		size_t bl = rib__key_raw(&r, id[i], &a, &back);
		CHECK(bl == rlen[i] && !memcmp(back, raw[i], bl));
		arena_reset(&a);
	}
	/* no route holds them: the references are the test's */
	for (unsigned i = 0; i < N; i += 4)
		if (id[i] != RIB_NONE)
			rib_path_release(&r, id[i]);
	char err[200] = "";
	CHECK_INT(rib_check(&r, err, sizeof err), 0);
	arena_release(&a);
	rib_release(&r);
}
