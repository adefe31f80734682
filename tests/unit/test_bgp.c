/* bgp/: the attribute codec (its table, the iterator, encode then decode),
 * UPDATE and OPEN encoders, an UPDATE split by family. Links bgp/ and
 * base/ alone. */
#define T_PREFIX "bgp/"
#include "t.h"
#include "taddr.h"
#include "bgp/bgp.h"

TEST(attr_table_rows)
{
	/* every type the decoder knows has a row with its name, and the rows
	 * carry the flags RFC 4271 and RFC 7606 give them */
	static const unsigned known[] = {BGP_ATTR_ORIGIN, BGP_ATTR_AS_PATH, BGP_ATTR_NEXT_HOP, BGP_ATTR_MED,
					 BGP_ATTR_LOCAL_PREF, BGP_ATTR_ATOMIC_AGGREGATE, BGP_ATTR_AGGREGATOR,
					 BGP_ATTR_COMMUNITIES, BGP_ATTR_ORIGINATOR_ID, BGP_ATTR_CLUSTER_LIST,
					 BGP_ATTR_MP_REACH, BGP_ATTR_MP_UNREACH, BGP_ATTR_EXT_COMMUNITIES,
					 BGP_ATTR_AS4_PATH, BGP_ATTR_AS4_AGGREGATOR, BGP_ATTR_LARGE_COMMUNITIES};
	for (size_t i = 0; i < RW_ARRAY_LEN(known); i++) {
		const struct bgp_attr_def *d = bgp_attr_def(known[i]);
		CHECK(d && d->name && d->decode);
	}
	CHECK(!bgp_attr_def(0) && !bgp_attr_def(BGP_ATTR_OTC) && !bgp_attr_def(200));
	CHECK_INT(bgp_attr_def(BGP_ATTR_ORIGIN)->flags, BGP_AF_TRANSITIVE);
	CHECK_INT(bgp_attr_def(BGP_ATTR_MED)->flags, BGP_AF_OPTIONAL);
	CHECK_INT(bgp_attr_def(BGP_ATTR_COMMUNITIES)->flags, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE);
	CHECK_INT(bgp_attr_def(BGP_ATTR_AS4_PATH)->on_error, BGP_ACT_DISCARD);   /* RFC 6793 §6 */
	CHECK_INT(bgp_attr_def(BGP_ATTR_MP_REACH)->on_error, BGP_ACT_RESET);     /* RFC 7606 §7.11 */
	CHECK_INT(bgp_attr_def(BGP_ATTR_AS_PATH)->on_error, BGP_ACT_WITHDRAW);   /* RFC 7606 §7.2 */
	CHECK_STR(bgp_attr_def(BGP_ATTR_LARGE_COMMUNITIES)->name, "LARGE_COMMUNITIES");
}

/* Encode w, decode it back with ctx; the attribute bytes stay in *o. */
static int round_trip(struct obuf *o, const struct bgp_wattrs *w, const struct bgp_wopts *wo, unsigned asz,
		      struct arena *a, struct bgp_attrs *out)
{
	obuf_reset(o);
	bgp_attrs_encode(o, w, wo);
	struct bgp_ctx ctx = {.asn_size = (uint8_t)asz, .rib = wo->rib};
	return bgp_attrs_decode(obuf_data(o), o->len, &ctx, a, out);
}

TEST(encode_then_decode)
{
	static const uint32_t path[] = {3356, 20485, 20485, 131279}, set[] = {64500, 64501};
	static const uint32_t comm[] = {3356u << 16 | 100, 0xffffff01u}, lcomm[] = {131279, 1, 2};
	struct bgp_wattrs w = {.origin = BGP_ORIGIN_EGP, .path = path, .path_len = 4, .set = set, .set_len = 2,
			       .nexthop = A("192.0.2.1"), .has_med = true, .med = 7, .has_local_pref = true,
			       .local_pref = 100, .communities = comm, .n_communities = 2,
			       .lcommunities = lcomm, .n_lcommunities = 1, .atomic_aggregate = true,
			       .has_aggregator = true, .agg_asn = 4200000000u, .agg_addr = {198, 51, 100, 9}};
	struct arena a;
	arena_init(&a, 0, 1 << 20, RW_MEM_OTHER);
	struct obuf o = {0};
	struct bgp_attrs at;
	struct bgp_wopts wo = {0};
	CHECK_INT(round_trip(&o, &w, &wo, 4, &a, &at), 0);
	CHECK_INT(at.action, BGP_ACT_NONE);
	CHECK_INT(at.n_errors, 0);
	CHECK_INT(at.origin, BGP_ORIGIN_EGP);
	CHECK(bgp_has(&at, BGP_ATTR_MED) && at.med == 7);
	CHECK(bgp_has(&at, BGP_ATTR_LOCAL_PREF) && at.local_pref == 100);
	CHECK(bgp_has(&at, BGP_ATTR_ATOMIC_AGGREGATE));
	CHECK(bgp_has(&at, BGP_ATTR_AGGREGATOR) && at.agg_asn == 4200000000u);
	CHECK(!bgp_has(&at, BGP_ATTR_AS4_PATH)); /* a 4-byte encoding needs none */
	CHECK(at.raw == obuf_data(&o) && at.raw_len == o.len);
	/* the table's text is bgpdump's */
	char b[256];
	const struct bgp_attr_def *d = bgp_attr_def(BGP_ATTR_AS_PATH);
	CHECK(d->print_size(&at) <= sizeof b);
	b[d->print(b, &at, NULL)] = 0;
	CHECK_STR(b, "3356 20485 20485 131279 {64500,64501}");
	d = bgp_attr_def(BGP_ATTR_COMMUNITIES);
	b[d->print(b, &at, NULL)] = 0;
	CHECK_STR(b, "3356:100 no-export");
	d = bgp_attr_def(BGP_ATTR_LARGE_COMMUNITIES);
	b[d->print(b, &at, NULL)] = 0;
	CHECK_STR(b, "131279:1:2");
	d = bgp_attr_def(BGP_ATTR_ORIGIN);
	b[d->print(b, &at, NULL)] = 0;
	CHECK_STR(b, "EGP");
	d = bgp_attr_def(BGP_ATTR_AGGREGATOR);
	b[d->print(b, &at, NULL)] = 0;
	CHECK_STR(b, "4200000000 198.51.100.9");

	/* a 2-byte session: AS_TRANS in AS_PATH and AGGREGATOR, the truth in
	 * AS4_PATH and AS4_AGGREGATOR, merged back by the decoder */
	static const uint32_t path4[] = {3356, 4200000001u, 131279};
	struct bgp_wattrs w2 = {.path = path4, .path_len = 3, .nexthop = A("192.0.2.1"), .has_aggregator = true,
				.agg_asn = 4200000001u, .agg_addr = {192, 0, 2, 9}};
	wo.as2 = true;
	CHECK_INT(round_trip(&o, &w2, &wo, 2, &a, &at), 0);
	CHECK(bgp_has(&at, BGP_ATTR_AS4_PATH) && bgp_has(&at, BGP_ATTR_AS4_AGGREGATOR));
	CHECK(at.as4_use && at.path_ok);
	CHECK_INT(at.path.nasn, 3);
	CHECK_INT(at.path.asn[1], 4200000001u);
	CHECK_INT(at.agg_asn, 4200000001u);
	/* the RIB form ignores as2 and abbreviates MP_REACH to the next hop */
	struct bgp_wattrs w6 = {.path = path, .path_len = 4, .nexthop = A("2001:db8::1")};
	struct bgp_wopts rib = {.rib = true, .as2 = true};
	CHECK_INT(round_trip(&o, &w6, &rib, 4, &a, &at), 0);
	CHECK(bgp_has(&at, BGP_ATTR_MP_REACH) && at.reach.abbreviated && at.reach.nh_len == 16);
	CHECK(!bgp_has(&at, BGP_ATTR_AS4_PATH));
	obuf_release(&o);
	arena_release(&a);
}

TEST(iterator_bounds_every_value)
{
	/* ORIGIN, then an AS_PATH whose length runs past the field */
	static const uint8_t f[] = {0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x09, 0x02, 0x01, 0x00, 0x00};
	struct bgp_attr_it it;
	struct bgp_attr x;
	bgp_attr_it_init(&it, f, sizeof f);
	CHECK_INT(bgp_attr_next(&it, &x), 1);
	CHECK_INT(x.type, BGP_ATTR_ORIGIN);
	CHECK_INT(cur_left(&x.v), 1);
	CHECK_INT(bgp_attr_next(&it, &x), RW_ETRUNC);
	CHECK_INT(x.type, BGP_ATTR_AS_PATH);
	CHECK_INT(x.off, 4);
	/* an extended length is read as two bytes */
	static const uint8_t e[] = {0x50, 0x02, 0x00, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9};
	bgp_attr_it_init(&it, e, sizeof e);
	CHECK_INT(bgp_attr_next(&it, &x), 1);
	CHECK_INT(cur_left(&x.v), 6);
	CHECK_INT(bgp_attr_next(&it, &x), 0);
}

/* An UPDATE with both families as a router sends it: IPv4 in the plain
 * fields with NEXT_HOP, IPv6 in MP_REACH/MP_UNREACH (taken from an
 * IPv6-only UPDATE of the encoder). */
static void mixed_update(struct obuf *m, const uint32_t *path, unsigned n)
{
	struct bgp_wattrs w6 = {.path = path, .path_len = n, .nexthop = A("2001:db8::1")};
	struct rw_prefix a6 = P("2001:db8:1::/48"), w6p = P("2001:db8:2::/48");
	struct obuf u6 = {0}, at = {0};
	bgp_put_update(&u6, &w6, false, false, &a6, 1, &w6p, 1);
	struct bgp_wattrs w4 = {.path = path, .path_len = n, .nexthop = A("192.0.2.1")};
	struct bgp_wopts wo = {0};
	bgp_attrs_encode(&at, &w4, &wo); /* ORIGIN, AS_PATH, NEXT_HOP */
	struct bgp_attr_it it;
	struct bgp_attr x;
	const uint8_t *b = obuf_data(&u6);
	size_t tal = rd16(b + BGP_HDR_LEN + 2); /* after an empty withdrawn field */
	bgp_attr_it_init(&it, b + BGP_HDR_LEN + 4, tal);
	while (bgp_attr_next(&it, &x) > 0)
		if (x.type == BGP_ATTR_MP_REACH || x.type == BGP_ATTR_MP_UNREACH)
			bgp_attr_put(&at, x.flags, x.type, x.v.p, cur_left(&x.v));
	struct rw_prefix w4p = P("203.0.113.0/24"), n4[2] = {P("192.0.2.0/24"), P("198.51.100.0/24")};
	size_t start = m->len;
	bgp_put_header(m, 0, BGP_MSG_UPDATE);
	struct obuf f = {0};
	bgp_prefix_put(&f, &w4p, false);
	obuf_be16(m, (uint16_t)f.len);
	obuf_write(m, f.buf, f.len);
	obuf_be16(m, (uint16_t)at.len);
	obuf_write(m, at.buf, at.len);
	for (int i = 0; i < 2; i++)
		bgp_prefix_put(m, &n4[i], false);
	wr16(obuf_bytes(m) + start + BGP_MARKER_LEN, (uint16_t)(m->len - start));
	obuf_release(&f);
	obuf_release(&at);
	obuf_release(&u6);
}

TEST(update_families_and_split)
{
	static const uint32_t path[] = {65001, 65002};
	struct obuf m = {0}, v4 = {0}, v6 = {0};
	mixed_update(&m, path, 2);
	CHECK_INT(bgp_update_families(obuf_data(&m), m.len), BGP_FAM_V4 | BGP_FAM_V6);
	CHECK_INT(bgp_update_split(obuf_data(&m), m.len, &v4, &v6), 0);
	CHECK_INT(bgp_update_families(obuf_data(&v4), v4.len), BGP_FAM_V4);
	CHECK_INT(bgp_update_families(obuf_data(&v6), v6.len), BGP_FAM_V6);
	/* each part decodes to its own family's routes and keeps the path */
	struct arena a;
	arena_init(&a, 0, 1 << 20, RW_MEM_OTHER);
	struct bgp_ctx ctx = {.asn_size = 4};
	struct bgp_update u;
	size_t bad = 0;
	CHECK_INT(bgp_update_decode(obuf_data(&v4) + BGP_HDR_LEN, v4.len - BGP_HDR_LEN, &ctx, &a, &u), 0);
	CHECK_INT(u.attrs.action, BGP_ACT_NONE);
	CHECK(!bgp_has(&u.attrs, BGP_ATTR_MP_REACH) && !bgp_has(&u.attrs, BGP_ATTR_MP_UNREACH));
	CHECK_INT(bgp_nlri_check(u.nlri, u.nlri_len, RW_AF_INET, false, &bad), 2);
	CHECK_INT(bgp_nlri_check(u.withdrawn, u.withdrawn_len, RW_AF_INET, false, &bad), 1);
	CHECK(u.attrs.path_ok && u.attrs.path.nasn == 2);
	CHECK_INT(bgp_update_decode(obuf_data(&v6) + BGP_HDR_LEN, v6.len - BGP_HDR_LEN, &ctx, &a, &u), 0);
	CHECK_INT(u.nlri_len + u.withdrawn_len, 0);
	CHECK(bgp_has(&u.attrs, BGP_ATTR_MP_REACH) && bgp_has(&u.attrs, BGP_ATTR_MP_UNREACH));
	CHECK_INT(bgp_nlri_check(u.attrs.reach.nlri, u.attrs.reach.nlri_len, RW_AF_INET6, false, &bad), 1);
	CHECK_INT(bgp_nlri_check(u.attrs.unreach.nlri, u.attrs.unreach.nlri_len, RW_AF_INET6, false, &bad), 1);
	CHECK(u.attrs.path_ok && u.attrs.path.asn[1] == 65002);
	/* an UPDATE with nothing is IPv4's End-of-RIB; garbage has no family */
	obuf_reset(&m);
	bgp_put_update(&m, NULL, false, false, NULL, 0, NULL, 0);
	CHECK_INT(bgp_update_families(obuf_data(&m), m.len), BGP_FAM_V4);
	CHECK_INT(bgp_update_families(obuf_data(&m), 20), 0);
	obuf_release(&m);
	obuf_release(&v4);
	obuf_release(&v6);
	arena_release(&a);
}

TEST(open_encode_then_decode)
{
	struct obuf o = {0};
	bgp_put_open(&o, 4200000000u, 90, 0xc0000201, true);
	struct bgp_hdr h;
	CHECK_INT(bgp_hdr_decode(obuf_data(&o), o.len, false, &h), 0);
	CHECK_INT(h.type, BGP_MSG_OPEN);
	CHECK_INT(h.len, o.len);
	struct bgp_open op;
	CHECK_INT(bgp_open_decode(obuf_data(&o) + BGP_HDR_LEN, o.len - BGP_HDR_LEN, &op), 0);
	CHECK_INT(op.my_as, BGP_AS_TRANS);
	CHECK(op.as4 && op.asn == 4200000000u);
	CHECK(op.route_refresh && op.ext_msg);
	CHECK_INT(op.n_mp, 2);
	CHECK_INT(op.n_addpath, 2);
	CHECK_INT(op.addpath[0].mode, BGP_ADDPATH_RECEIVE);
	CHECK(!bgp_open_addpath_tx(&op, BGP_AFI_IPV4, BGP_SAFI_UNICAST)); /* we receive, never send */
	obuf_reset(&o);
	bgp_put_notification(&o, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL, 0);
	struct bgp_notification n;
	CHECK_INT(bgp_notification_decode(obuf_data(&o) + BGP_HDR_LEN, o.len - BGP_HDR_LEN, &n), 0);
	CHECK_INT(n.code, BGP_ERR_CEASE);
	CHECK_INT(n.subcode, BGP_CEASE_COLLISION);
	CHECK_STR(bgp_notification_name(n.code), "Cease");
	obuf_release(&o);
}

/* bgp_filter: the origin of a path ending in an AS_SET is any member; a
 * large community with a wildcard; a withdrawal has no attributes to
 * match; terms of one kind are alternatives */
#include "bgp/bgp_filter.h"

TEST(filter_terms)
{
	static const uint32_t asn[] = {3356, 174, 65001, 65002};
	static const uint8_t seg_type[] = {BGP_SEG_SEQUENCE, BGP_SEG_SET};
	static const uint16_t seg_len[] = {2, 2};
	static const uint8_t lcomm[] = {0, 0, 0xfd, 0xe8, 0, 0, 0, 1, 0, 0, 0, 2}; /* 65000:1:2 */
	struct bgp_attrs a;
	memset(&a, 0, sizeof a);
	a.path = (struct bgp_path){asn, seg_type, seg_len, 2, 4};
	a.path_ok = true;
	a.lcomm = lcomm;
	a.lcomm_len = sizeof lcomm;
	struct rw_addr peer = {RW_AF_INET, {192, 0, 2, 1}};
	struct bgp_elem e = {.type = BGP_ELEM_ANNOUNCE, .peer_asn = 3356, .peer = &peer, .attrs = &a};
	CHECK_INT(parse_prefix("10.1.2.0/24", &e.pfx), 0);
	char err[128];
	struct bgp_filter f;
	static const char *const pass[] = {"origin 65002", "origin 65001", "community 65000:*:2",
					   "prefix less 10.1.2.128/25 and peer 3356", "aspath '_174_'",
					   "aspath '[{,]65002}$'", "prefix 10.0.0.0/8 and ipversion 4",
					   "origin 1 and origin 65001", "peer 192.0.2.1 and collector rrc00"};
	for (size_t i = 0; i < RW_ARRAY_LEN(pass); i++) {
		bgp_filter_init(&f);
		CHECK_INT(bgp_filter_parse(&f, pass[i], err, sizeof err), 0);
		if (!bgp_filter_match(&f, &e, "rrc00"))
			t_fail(__FILE__, __LINE__, "'%s' does not match", pass[i]);
		bgp_filter_free(&f);
	}
	static const char *const miss[] = {"origin 174", "community 65000:*:3", "community 65000:1",
					   "prefix exact 10.1.0.0/16", "aspath '_17_'", "ipversion 6",
					   "elemtype withdrawals", "collector rrc01", "peer 192.0.2.2"};
	for (size_t i = 0; i < RW_ARRAY_LEN(miss); i++) {
		bgp_filter_init(&f);
		CHECK_INT(bgp_filter_parse(&f, miss[i], err, sizeof err), 0);
		if (bgp_filter_match(&f, &e, "rrc00"))
			t_fail(__FILE__, __LINE__, "'%s' matches", miss[i]);
		bgp_filter_free(&f);
	}
	/* a withdrawal: prefix terms apply, attribute terms cannot */
	struct bgp_elem w = e;
	w.type = BGP_ELEM_WITHDRAW;
	w.attrs = NULL;
	bgp_filter_init(&f);
	CHECK_INT(bgp_filter_parse(&f, "prefix 10.0.0.0/8", err, sizeof err), 0);
	CHECK(bgp_filter_match(&f, &w, NULL));
	CHECK_INT(bgp_filter_parse(&f, "origin 65001", err, sizeof err), 0);
	CHECK(!bgp_filter_match(&f, &w, NULL));
	bgp_filter_free(&f);
	bgp_filter_init(&f);
	CHECK(bgp_filter_parse(&f, "and origin 1", err, sizeof err) != 0);
	CHECK(bgp_filter_parse(&f, "aspath '3356", err, sizeof err) != 0);
	CHECK(bgp_filter_parse(&f, "community 70000:1", err, sizeof err) != 0);
	bgp_filter_free(&f);
}
