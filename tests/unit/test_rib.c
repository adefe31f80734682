/* rib/: route state by hand (no engine), the Adj-RIB-In and its RIB dump,
 * the origin query. Links rib/ and the layers below it alone. */
#define T_PREFIX "rib/"
#include "t.h"
#include "rib/rib.h"

static struct rw_prefix P(const char *s)
{
	struct rw_prefix p;
	memset(&p, 0, sizeof p);
	parse_prefix(s, &p);
	return p;
}

static struct rw_addr A(const char *s)
{
	struct rw_addr a;
	parse_addr(s, &a);
	return a;
}

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
	rib_dump_begin(&r, c2);
	rib_announce(&r, p2, f2, 0, py);
	rib_dump_end(&r, c2);
	CHECK_INT(r.route_count, 1);
	CHECK_INT(rib_check(&r, err, sizeof err), 0);
	obuf_release(&o);
	arena_release(&a);
	rib_release(&r);
}

TEST(adj_rib_in_keeps_attributes_and_dumps)
{
	struct rib r;
	rib_init(&r);
	struct rib_adj *adj = rib_adj_new(&r);
	struct arena a;
	arena_init(&a, 0, 1 << 20, RW_MEM_OTHER);
	struct obuf o = {0};
	uint32_t c = rib_collector(&r, "127.0.0.1");
	struct rw_addr pa = A("127.0.0.2"), pb = A("127.0.0.3");
	uint32_t p1 = rib_peer(&r, c, &pa, 65002), p2 = rib_peer(&r, c, &pb, 65003);
	rib_adj_bgp_id(adj, p1, 0x7f000002);
	struct rw_prefix q = P("198.51.100.0/24");
	uint32_t f = rib_prefix(&r, &q);
	static const uint32_t path[] = {65002, 131279};
	struct bgp_attrs at;
	attrs_of(&o, &a, path, 2, &at);
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
	rib_announce(&r, p1, f, 0, rib_path_of(&r, &at, &a));
	rib_adj_peer_down(adj, p1);
	rib_peer_down(&r, p1);
	rib_adj_stats(adj, &routes, &bytes);
	CHECK_INT(routes, 0);
	/* an unused set is freed */
	uint32_t s3 = rib_adj_attrs(adj, &at, true);
	rib_adj_unused(adj, s3);
	obuf_release(&d);
	obuf_release(&o);
	arena_release(&a);
	rib_adj_free(adj);
	rib_release(&r);
}
