/* rib/ and the engine's batched route changes: random announcements,
 * replacements, withdrawals and session drops, with every invariant of
 * the state checked (paths freed mid-batch, refcounts, sorted routes). */
#define T_PREFIX "rib-engine/"
#include "t.h"
#include "engine/engine.h"
#include "scen.h"

#include <stdlib.h>

static void no_event(void *arg, const struct det_event *e)
{
	(void)arg;
	(void)e;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Attributes for a path "peer X Y origin" built in a buffer. */
struct pathbuf {
	uint8_t b[64];
	struct bgp_attrs a;
};

static void make_attrs(struct pathbuf *pb, uint32_t peer_asn, uint32_t mid, uint32_t origin)
{
	uint8_t *p = pb->b;
	p[0] = BGP_SEG_SEQUENCE;
	p[1] = 3;
	wr32(p + 2, peer_asn);
	wr32(p + 6, mid);
	wr32(p + 10, origin);
	memset(&pb->a, 0, sizeof pb->a);
	pb->a.asn_size = 4;
	pb->a.valid = 1ULL << BGP_ATTR_AS_PATH;
	pb->a.as_path = p;
	pb->a.as_path_len = 14;
}

TEST(batched_changes_keep_every_invariant)
{
	struct engine *e = malloc(sizeof *e);
	engine_init(e, 1, no_event, NULL);
	uint32_t coll = rib_collector(&e->rib, "c");
	struct rw_addr peers[4];
	for (int i = 0; i < 4; i++) {
		memset(&peers[i], 0, sizeof peers[i]);
		peers[i].af = RW_AF_INET;
		peers[i].b[3] = (uint8_t)(i + 1);
	}
	uint64_t s = 12345;
	struct pathbuf pb;
	uint64_t gen = 0;
	char msg[256];
	int bad = 0;
	for (int step = 0; step < 200000 && !bad; step++) {
		uint64_t x = rnd(&s);
		struct bgp_elem el;
		memset(&el, 0, sizeof el);
		el.peer = &peers[x % 4];
		el.peer_asn = 65000 + (uint32_t)(x % 4);
		el.pfx.af = RW_AF_INET;
		el.pfx.len = 24;
		el.pfx.b[0] = 10;
		el.pfx.b[2] = (uint8_t)((x >> 8) % 16); /* few prefixes: many clashes */
		el.ts = 1000 + (uint32_t)(step / 500);
		unsigned op = (unsigned)((x >> 16) % 100);
		if (op < 60) {
			/* few distinct paths, so they are freed and reused often */
			make_attrs(&pb, el.peer_asn, 100 + (uint32_t)((x >> 24) % 3), 200 + (uint32_t)((x >> 32) % 2));
			el.type = BGP_ELEM_ANNOUNCE;
			el.attrs = &pb.a;
			el.attrs_gen = ++gen;
		} else if (op < 97) {
			el.type = BGP_ELEM_WITHDRAW;
		} else {
			el.type = BGP_ELEM_STATE;
			el.old_state = 6;
			el.new_state = 1;
		}
		engine_time(e, el.ts);
		engine_elem(e, coll, &el);
		if (step % 997 == 0) {
			engine_flush(e);
			if (rib_check(&e->rib, msg, sizeof msg)) {
				t_fail(__FILE__, __LINE__, "after step %d: %s", step, msg);
				bad = 1;
			}
		}
	}
	engine_flush(e);
	CHECK_INT(rib_check(&e->rib, msg, sizeof msg), 0);
	/* a dump that carries nothing empties the collector */
	engine_time(e, 999999);
	engine_dump_begin(e, coll);
	engine_dump_end(e);
	engine_flush(e);
	CHECK_INT(e->rib.route_count, 0);
	CHECK_INT(e->rib.path_live, 0);
	CHECK_INT(rib_check(&e->rib, msg, sizeof msg), 0);
	engine_release(e);
	free(e);
}

/* docs/events.md §15: an upstream_gained is proved by the first record of
 * its second that announces the prefix through the new upstream (not by
 * another peer's change that came first), and a loss made by sessions
 * that ended names the first peer and its cause, with no record. */
TEST(proofs_name_the_first_peer_and_record)
{
	struct scen s;
	scen_init(&s);
	s.proofs = true;
	uint32_t T = SCEN_T0;
	int rv = scen_collector(&s, "rv");
	int p1 = scen_peer(&s, rv, "198.51.100.1", 3356), p2 = scen_peer(&s, rv, "198.51.100.2", 174),
	    p3 = scen_peer(&s, rv, "198.51.100.3", 1299);
	scen_rib(&s, rv, T);
	scen_route(&s, p1, "192.0.2.0/24", "3356 64500 65551");
	scen_route(&s, p2, "192.0.2.0/24", "174 64500 65551");
	scen_route(&s, p3, "192.0.2.0/24", "1299 64500 65551");
	scen_updates(&s, rv, T);
	scen_announce(&s, p3, T + 10, "192.0.2.0/24", "1299 64502 65551"); /* first, not the gain's */
	scen_announce(&s, p2, T + 10, "192.0.2.0/24", "174 64501 65551");
	scen_announce(&s, p1, T + 10, "192.0.2.0/24", "3356 64501 65551");
	scen_state(&s, p2, T + 20, 6, 1);
	scen_state(&s, p1, T + 20, 6, 1);
	scen_run(&s, 2);
	if (!scen_has(&s, "upstream_gained 10 65551 64501 192.0.2.0/24 new by 174 rec+") ||
	    !scen_has(&s, "upstream_lost 10 65551 64500 192.0.2.0/24 last by 1299 rec+") ||
	    !scen_has(&s, "upstream_lost 20 65551 64501 192.0.2.0/24 last by 174 cause peer session went down"))
		t_fail(__FILE__, __LINE__, "proofs:%s", scen_dump(&s));
	scen_free(&s);
}

TEST(origin_and_upstream_of_paths)
{
	struct arena a;
	arena_init(&a, 0, 0, RW_MEM_OTHER);
	struct {
		const char *what;
		uint8_t bytes[64];
		size_t len;
		uint32_t origin, upstream;
	} v[] = {
		{"prepending", {2, 5, 0, 0, 0x0d, 0x1c, 0, 0, 0x50, 0x05, 0, 0, 0x50, 0x05, 0, 2, 0x00, 0xcf, 0, 2, 0x00, 0xcf}, 22, 131279, 20485},
		{"as_set_end", {2, 1, 0, 0, 0x0d, 0x1c, 1, 2, 0, 0, 0, 1, 0, 0, 0, 2}, 16, 0, 0},
		{"single_as", {2, 1, 0, 2, 0x00, 0xcf}, 6, 131279, 0},
		{"confed_dropped", {3, 1, 0, 0, 0xfd, 0xe8, 2, 2, 0, 0, 0x0d, 0x1c, 0, 2, 0x00, 0xcf}, 16, 131279, 3356},
		{"set_before_origin", {2, 1, 0, 0, 0x0d, 0x1c, 1, 1, 0, 0, 0, 7, 2, 1, 0, 2, 0x00, 0xcf}, 18, 131279, 0},
	};
	for (size_t i = 0; i < RW_ARRAY_LEN(v); i++) {
		struct bgp_path p;
		CHECK_INT(bgp_path_decode(v[i].bytes, v[i].len, 4, &a, &p), 0);
		uint32_t o, u;
		rib_origin_upstream(&p, &o, &u);
		if (o != v[i].origin || u != v[i].upstream)
			t_fail(__FILE__, __LINE__, "%s: origin %u upstream %u, want %u %u", v[i].what, o, u, v[i].origin,
			       v[i].upstream);
	}
	arena_release(&a);
}
