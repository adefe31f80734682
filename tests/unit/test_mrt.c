/* mrt/: writer -> reader -> decoder -> bgpdump text, and framing recovery. */
#define T_PREFIX "mrt/"
#include "t.h"
#include "taddr.h"
#include "tutil.h"
#include "feed/feed.h"

/* A small RIB: one v4 and one v6 peer, a v4 and a v6 prefix. */
static void build_rib(struct obuf *b)
{
	struct mrt_peer peers[2] = {
		{.addr = A("198.51.100.1"), .asn = 3356, .bgp_id = 1},
		{.addr = A("2001:db8::2"), .asn = 131279, .bgp_id = 2, .as4 = true},
	};
	mrt_write_peer_index(b, 1506848871, 0xc0000201, "test", peers, 2);
	uint32_t path1[] = {3356, 20485, 20485, 131279};
	uint32_t comm[] = {3356u << 16 | 100, 0xffffff01u};
	struct bgp_wattrs a1 = {.origin = 0, .path = path1, .path_len = 4, .nexthop = A("198.51.100.1"),
				.has_med = true, .med = 7, .communities = comm, .n_communities = 2};
	struct mrt_rib_entry e1 = {.peer_index = 0, .orig_time = 1, .attrs = &a1};
	struct rw_prefix p1 = P("175.45.176.0/24");
	mrt_write_rib(b, 1506848871, 0, &p1, &e1, 1, false);
	uint32_t path2[] = {131279, 4837};
	uint32_t set[] = {64512, 64513};
	struct bgp_wattrs a2 = {.origin = 2, .path = path2, .path_len = 2, .set = set, .set_len = 2,
				.nexthop = A("2001:db8::2"), .atomic_aggregate = true, .has_aggregator = true,
				.agg_asn = 4837, .agg_addr = {10, 0, 0, 1}};
	struct mrt_rib_entry e2 = {.peer_index = 1, .orig_time = 2, .attrs = &a2};
	struct rw_prefix p2 = P("2001:db8:45::/48");
	mrt_write_rib(b, 1506848871, 1, &p2, &e2, 1, false);
}

static const char rib_text[] =
	"TABLE_DUMP2|1506848871|B|198.51.100.1|3356|175.45.176.0/24|3356 20485 20485 131279|IGP|198.51.100.1|0|7|3356:100 no-export|NAG||\n"
	"TABLE_DUMP2|1506848871|B|2001:db8::2|131279|2001:db8:45::/48|131279 4837 {64512,64513}|INCOMPLETE|2001:db8::2|0|0||AG|4837 10.0.0.1|\n";

TEST(rib_roundtrip)
{
	struct obuf b = {0};
	build_rib(&b);
	size_t chunks[] = {0, 1, 7, 4096};
	for (size_t i = 0; i < RW_ARRAY_LEN(chunks); i++) {
		struct tdump t;
		tdump_run(&t, obuf_data(&b), b.len, chunks[i], false, false);
		CHECK_STR(t.text, rib_text);
		CHECK_INT(t.records, 3);
		CHECK_INT(t.gaps, 0);
		tdump_free(&t);
	}
	obuf_release(&b);
}

static struct mrt_bgp4mp_hdr H(uint32_t ts, bool as4, bool et)
{
	struct mrt_bgp4mp_hdr h = {.ts = ts, .usec = 42, .et = et, .as4 = as4, .peer_asn = 11686,
				   .local_asn = 6447, .peer = A("198.51.100.9"), .local = A("198.51.100.254")};
	return h;
}

TEST(updates_as4_merge_and_withdraw)
{
	struct obuf b = {0};
	/* a 2-byte session: AS_PATH carries AS_TRANS, AS4_PATH the truth */
	uint32_t path[] = {11686, 3356, 20485, 131279};
	struct bgp_wattrs a = {.path = path, .path_len = 4, .nexthop = A("192.0.2.9"),
			       .has_aggregator = true, .agg_asn = 131279, .agg_addr = {10, 1, 2, 3}};
	struct rw_prefix pf[] = {P("175.45.176.0/24"), P("175.45.178.0/24")};
	struct mrt_bgp4mp_hdr h = H(1506848871, false, false);
	mrt_write_update(&b, &h, &a, pf, 2, NULL, 0);
	struct mrt_bgp4mp_hdr h2 = H(1506852885, true, true);
	h2.usec = 509481;
	struct rw_prefix w[] = {P("175.45.178.0/24"), P("2001:db8:45::/48")};
	mrt_write_update(&b, &h2, NULL, NULL, 0, w, 2);
	mrt_write_state(&b, &h2, 6, 1);
	struct tdump t;
	tdump_run(&t, obuf_data(&b), b.len, 3, false, false);
	CHECK_STR(t.text,
		  "BGP4MP|1506848871|A|198.51.100.9|11686|175.45.176.0/24|11686 3356 20485 131279|IGP|192.0.2.9|0|0||NAG|131279 10.1.2.3|\n"
		  "BGP4MP|1506848871|A|198.51.100.9|11686|175.45.178.0/24|11686 3356 20485 131279|IGP|192.0.2.9|0|0||NAG|131279 10.1.2.3|\n"
		  "BGP4MP_ET|1506852885.509481|W|198.51.100.9|11686|175.45.178.0/24\n"
		  "BGP4MP_ET|1506852885.509481|W|198.51.100.9|11686|2001:db8:45::/48\n"
		  "BGP4MP_ET|1506852885.509481|STATE|198.51.100.9|11686|6|1\n");
	tdump_free(&t);
	obuf_release(&b);
}

TEST(json_fields)
{
	struct obuf b = {0};
	uint32_t path[] = {3356, 131279};
	uint32_t lc[] = {131279, 1, 2};
	struct bgp_wattrs a = {.path = path, .path_len = 2, .nexthop = A("2001:db8::1"), .lcommunities = lc,
			       .n_lcommunities = 1, .has_local_pref = true, .local_pref = 100};
	struct rw_prefix pf = P("2001:db8:45::/48");
	struct mrt_bgp4mp_hdr h = H(1506848871, true, true);
	h.usec = 7;
	mrt_write_update(&b, &h, &a, &pf, 1, NULL, 0);
	struct tdump t;
	tdump_run(&t, obuf_data(&b), b.len, 0, true, false);
	CHECK(strstr(t.text, "\"type\":\"announce\"") != NULL);
	CHECK(strstr(t.text, "\"time\":\"2017-10-01T09:07:51.000007Z\"") != NULL);
	CHECK(strstr(t.text, "\"usec\":7") != NULL);
	CHECK(strstr(t.text, "\"prefix\":\"2001:db8:45::/48\"") != NULL);
	CHECK(strstr(t.text, "\"as_path\":\"3356 131279\"") != NULL);
	CHECK(strstr(t.text, "\"origin_asn\":131279") != NULL);
	CHECK(strstr(t.text, "\"large_communities\":[\"131279:1:2\"]") != NULL);
	CHECK(strstr(t.text, "\"local_pref\":100") != NULL);
	CHECK(strstr(t.text, "\"next_hop\":\"2001:db8::1\"") != NULL);
	CHECK(strstr(t.text, "\"med\"") == NULL); /* absent attributes are left out */
	tdump_free(&t);
	obuf_release(&b);
}

TEST(truncated_tail_keeps_everything_before)
{
	struct obuf b = {0};
	build_rib(&b);
	for (size_t cut = 1; cut < 40; cut++) {
		struct tdump t;
		tdump_run(&t, obuf_data(&b), b.len - cut, 5, false, false);
		CHECK_INT(tlines(t.text), 1); /* the first RIB entry survives */
		CHECK_INT(t.gaps, 1);
		CHECK(t.gap_at_end);
		tdump_free(&t);
	}
	obuf_release(&b);
}

TEST(garbage_between_records_resyncs)
{
	struct obuf b = {0};
	build_rib(&b);
	struct obuf g = {0};
	/* first record (peer index) + 37 garbage bytes + the rest */
	size_t first = 12 + rd32(obuf_data(&b) + 8);
	obuf_write(&g, obuf_data(&b), first);
	uint8_t junk[37];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(0xa5 ^ i * 7);
	obuf_write(&g, junk, sizeof junk);
	obuf_write(&g, obuf_data(&b) + first, b.len - first);
	struct tdump t;
	tdump_run(&t, obuf_data(&g), g.len, 11, false, false);
	CHECK_STR(t.text, rib_text);
	CHECK_INT(t.gaps, 1);
	CHECK_INT(t.gap_bytes, 37);
	tdump_free(&t);
	obuf_release(&b);
	obuf_release(&g);
}

TEST(absurd_length_is_a_gap_not_an_allocation)
{
	struct obuf b = {0};
	uint8_t hdr[12];
	wr32(hdr, 1506848871);
	wr16(hdr + 4, MRT_BGP4MP);
	wr16(hdr + 6, MRT_MESSAGE_AS4);
	wr32(hdr + 8, 0xffffffffu);
	obuf_write(&b, hdr, 12);
	build_rib(&b);
	struct tdump t;
	tdump_run(&t, obuf_data(&b), b.len, 0, false, false);
	CHECK_STR(t.text, rib_text);
	CHECK_INT(t.gaps, 1);
	CHECK_INT(t.gap_bytes, 12);
	tdump_free(&t);
	obuf_release(&b);
}

TEST(unknown_type_is_skipped_by_length)
{
	struct obuf b = {0};
	uint8_t body[4] = {0xde, 0xad, 0xbe, 0xef};
	mrt_write_raw(&b, 1506848871, 11 /* OSPFv2 */, 0, body, 4);
	build_rib(&b);
	struct tdump t;
	tdump_run(&t, obuf_data(&b), b.len, 0, false, false);
	CHECK_STR(t.text, rib_text);
	CHECK_INT(t.gaps, 0);
	CHECK_INT(t.unsupported, 1);
	tdump_free(&t);
	obuf_release(&b);
}

TEST(rib_before_peer_index_is_reported)
{
	struct obuf b = {0};
	build_rib(&b);
	size_t first = 12 + rd32(obuf_data(&b) + 8);
	struct tdump t;
	tdump_run(&t, obuf_data(&b) + first, b.len - first, 0, false, false);
	CHECK_INT(t.elems, 0);
	CHECK_INT(t.rec_errors, 2);
	tdump_free(&t);
	obuf_release(&b);
}

TEST(addpath_rib_and_updates)
{
	struct obuf b = {0};
	struct mrt_peer peers[1] = {{.addr = A("10.0.15.1"), .asn = 65015}};
	mrt_write_peer_index(&b, 1452168107, 1, NULL, peers, 1);
	uint32_t path[] = {65015, 65011};
	struct bgp_wattrs a = {.path = path, .path_len = 2, .nexthop = A("10.0.15.1")};
	struct mrt_rib_entry e[2] = {{.peer_index = 0, .path_id = 36, .attrs = &a},
				     {.peer_index = 0, .path_id = 38, .attrs = &a}};
	struct rw_prefix p = P("10.0.10.0/24");
	mrt_write_rib(&b, 1452168107, 0, &p, e, 2, true);
	struct mrt_bgp4mp_hdr h = H(1452168108, true, false);
	h.addpath = true;
	struct rw_prefix w = P("10.0.10.0/24");
	w.path_id = 38;
	mrt_write_update(&b, &h, NULL, NULL, 0, &w, 1);
	struct tdump t;
	tdump_run(&t, obuf_data(&b), b.len, 0, false, false);
	CHECK_STR(t.text,
		  "TABLE_DUMP2_AP|1452168107|B|10.0.15.1|65015|10.0.10.0/24|36|65015 65011|IGP|10.0.15.1|0|0||NAG||\n"
		  "TABLE_DUMP2_AP|1452168107|B|10.0.15.1|65015|10.0.10.0/24|38|65015 65011|IGP|10.0.15.1|0|0||NAG||\n"
		  "BGP4MP_AP|1452168108|W|198.51.100.9|11686|10.0.10.0/24|38\n");
	tdump_free(&t);
	obuf_release(&b);
}
