/* asrel/: relationships inferred from AS paths (infer.c) on small hand-made
 * graphs (a clique, p2c chains, peers, a stub under the clique, a VP with
 * a partial view), path sanitizing, the serial-1 writer read back by the
 * loader, scoring, and customer cones (cone.c). Links asrel/ and below. */
#define T_PREFIX "asrel/"
#include "t.h"
#include "tutil.h"
#include "asrel/asrel.h"

#include <stdlib.h>

/* Paths as text: ASNs separated by spaces, paths by ';'. */
static void give(struct asrel_infer *f, const char *paths)
{
	uint32_t as[64], n = 0;
	for (const char *p = paths;; p++) {
		if (*p >= '0' && *p <= '9') {
			char *e;
			as[n++] = (uint32_t)strtoul(p, &e, 10);
			p = e - 1;
		} else if (*p == ';' || !*p) {
			if (n)
				asrel_infer_path(f, as, n);
			n = 0;
			if (!*p)
				break;
		}
	}
}

/* Clique 10, 20, 30; 10 > 100 > {1000, 1001}; 20 > 200 > 2000; 30 > 300 >
 * 3000; 100 and 200 peer; 1001 > 7000, seen only by 1001, a VP with a
 * partial view (its customers' routes); 10 > 400, a stub only 10 sees.
 * Full VPs: 10, 20, 30 and the stub 1000. */
static const char *const paths_small =
	"10 100;10 100 1000;10 100 1001;10 20 200;10 20 200 2000;10 30 300;10 30 300 3000;10 20;10 30;10 400;"
	"20 10 100;20 10 100 1000;20 200;20 200 2000;20 30 300 3000;20 10 100 1001;"
	"30 300 3000;30 10 100 1000;30 20 200 2000;30 300;"
	"1000 100 10 20 200 2000;1000 100 200 2000;1000 100 10 30 300 3000;1000 100 1001;1000 100 200;"
	"1001 7000";

/* The small graph's paths and extra ones (or NULL), inferred into t. */
static void infer_small(struct asrel *t, struct asrel_infer *f, const char *extra)
{
	asrel_init(t);
	asrel_infer_init(f);
	give(f, paths_small);
	if (extra)
		give(f, extra);
	CHECK_INT(asrel_infer_run(f, t), 0);
}

static void release(struct asrel *t, struct asrel_infer *f)
{
	asrel_infer_release(f);
	asrel_release(t);
}

TEST(infer_clique_chains_peers_stub_partial)
{
	struct asrel t;
	struct asrel_infer f;
	infer_small(&t, &f, NULL);
	CHECK_INT(f.nclique, 3);
	uint32_t cl = 0;
	for (uint32_t i = 0; i < f.nclique; i++)
		cl |= f.clique[i] == 10 ? 1 : f.clique[i] == 20 ? 2 : f.clique[i] == 30 ? 4 : 8;
	CHECK_INT(cl, 7);
	CHECK_INT(f.npartial, 1); /* 1001 */
	/* the clique */
	CHECK_INT(asrel_get(&t, 10, 20), ASREL_PEER);
	CHECK_INT(asrel_get(&t, 10, 30), ASREL_PEER);
	CHECK_INT(asrel_get(&t, 30, 20), ASREL_PEER);
	/* p2c chains, top-down */
	CHECK_INT(asrel_get(&t, 10, 100), ASREL_CUSTOMER);
	CHECK_INT(asrel_get(&t, 20, 200), ASREL_CUSTOMER);
	CHECK_INT(asrel_get(&t, 30, 300), ASREL_CUSTOMER);
	CHECK_INT(asrel_get(&t, 1000, 100), ASREL_PROVIDER);
	CHECK_INT(asrel_get(&t, 100, 1001), ASREL_CUSTOMER);
	CHECK_INT(asrel_get(&t, 2000, 200), ASREL_PROVIDER);
	CHECK_INT(asrel_get(&t, 300, 3000), ASREL_CUSTOMER);
	/* peers below the clique: left p2p */
	CHECK_INT(asrel_get(&t, 100, 200), ASREL_PEER);
	/* the partial VP's first links */
	CHECK_INT(asrel_get(&t, 1001, 7000), ASREL_CUSTOMER);
	/* the stub under the clique */
	CHECK_INT(asrel_get(&t, 400, 10), ASREL_PROVIDER);
	CHECK_INT(t.links, 13);
	CHECK_INT(t.p2p, 4);
	CHECK_INT(t.p2c, 9);
	CHECK_INT(f.paths, 26);
	CHECK_INT(f.used, 26);
	release(&t, &f);
}

TEST(infer_without_partial_view_step_is_p2p)
{
	/* the same paths with 1001 seeing as much as the others: its first
	 * link is no longer read as a customer's */
	struct asrel t;
	struct asrel_infer f;
	infer_small(&t, &f,
		    "1001 100;1001 100 10;1001 100 1000;1001 100 10 20;1001 100 10 30;1001 100 200;"
		    "1001 100 10 20 200 2000;1001 100 10 30 300 3000;1001 100 10 400;1001 100 10 30 300");
	CHECK_INT(f.npartial, 0);
	CHECK_INT(asrel_get(&t, 1001, 7000), ASREL_PEER);
	CHECK_INT(asrel_get(&t, 10, 400), ASREL_CUSTOMER); /* the stub step */
	release(&t, &f);
}

TEST(infer_sanitizes_paths)
{
	struct asrel t;
	struct asrel_infer f;
	asrel_init(&t);
	asrel_infer_init(&f);
	give(&f, paths_small);
	/* a loop, a private ASN, the reserved AS_TRANS: dropped */
	give(&f, "20 10 100 10 20 5;20 10 64512 6;20 10 23456 7");
	/* prepending collapsed: no link of 300 to itself */
	give(&f, "30 300 300 300 3000");
	/* an AS_SET (0): cut there; "30 300 3000" is kept */
	uint32_t set[] = {30, 300, 3000, 0, 9};
	asrel_infer_path(&f, set, 5);
	CHECK_INT(f.loops, 1);
	CHECK_INT(f.reserved, 2);
	CHECK_INT(f.sets, 1);
	CHECK_INT(f.used, 28);
	CHECK_INT(asrel_infer_run(&f, &t), 0);
	CHECK_INT(t.links, 13); /* no link to 5, 6, 7, 9, 64512, 23456 */
	CHECK_INT(asrel_get(&t, 10, 5), ASREL_UNKNOWN);
	CHECK_INT(asrel_get(&t, 3000, 9), ASREL_UNKNOWN);
	CHECK(asrel_reserved(65000));
	CHECK(asrel_reserved(4200000001u));
	CHECK(!asrel_reserved(3356));
	CHECK(!asrel_reserved(131072));
	release(&t, &f);
}

TEST(infer_nothing)
{
	/* no path, then only paths that teach nothing (one AS, a loop) */
	struct asrel t;
	struct asrel_infer f;
	asrel_init(&t);
	asrel_infer_init(&f);
	CHECK_INT(asrel_infer_run(&f, &t), 0);
	CHECK_INT(t.links, 0);
	CHECK_INT(f.nclique, 0);
	give(&f, "7;7 8 7");
	CHECK_INT(asrel_infer_run(&f, &t), 0);
	CHECK_INT(t.links, 0);
	CHECK_INT(f.loops, 1);
	release(&t, &f);
}

/* Paths added to the small graph, and what they make of a few links. */
#define ADJ "1000 100 5000 6001;1000 100 5000 6002;1000 5000 6003"
static const struct {
	const char *extra;
	uint32_t a, b;
	enum asrel_rel want; /* what b is to a */
} small_cases[] = {
	/* a leak: 100 passes 20's routes (learned from its peer 200) to its
	 * provider 10. 100 becomes 200's provider, but 200 does not become
	 * 20's (20 was settled as 200's provider, and a clique AS is never
	 * made a customer) */
	{"10 100 200 20", 100, 200, ASREL_CUSTOMER},
	{"10 100 200 20", 200, 20, ASREL_PROVIDER},
	{"10 100 200 20", 10, 100, ASREL_CUSTOMER},
	/* 5000 is nobody's customer or provider as far as steps 1-5 tell: it
	 * passes 6001's and 6002's routes (neither ever transit) to 100, which
	 * passes them to its customer 1000: over two links without a
	 * relationship, 100-5000 and 5000-600x, so 5000 is their provider,
	 * transit degrees deciding, and 100-5000 stays p2p. 5000 also passes
	 * 6003's routes to the stub 1000, whose transit degree is no larger
	 * than 6003's: that says nothing (1000 could be 5000's customer and
	 * 6003 its peer), and 5000-6003 stays p2p */
	{ADJ, 5000, 6001, ASREL_CUSTOMER},
	{ADJ, 5000, 6002, ASREL_CUSTOMER},
	{ADJ, 5000, 100, ASREL_PEER},
	{ADJ, 5000, 6003, ASREL_PEER},
};

TEST(infer_leak_and_adjacent_unknown_links)
{
	for (size_t i = 0; i < sizeof small_cases / sizeof small_cases[0]; i++) {
		struct asrel t;
		struct asrel_infer f;
		infer_small(&t, &f, small_cases[i].extra);
		if (asrel_get(&t, small_cases[i].a, small_cases[i].b) != small_cases[i].want)
			t_fail(__FILE__, __LINE__, "case %zu: %u to %u is %s, not %s", i, small_cases[i].b,
			       small_cases[i].a, asrel_name(asrel_get(&t, small_cases[i].a, small_cases[i].b)),
			       asrel_name(small_cases[i].want));
		release(&t, &f);
	}
}

TEST(write_reads_back_and_scores)
{
	struct asrel t, back;
	struct asrel_infer f;
	infer_small(&t, &f, NULL);
	struct obuf o;
	obuf_init_mem(&o, 0);
	CHECK_INT(asrel_write(&t, &o, "# a header\n"), 0);
	/* sorted, provider first */
	CHECK(o.len > 20 && !memcmp(o.buf, "# a header\n10|20|0\n10|30|0\n10|100|-1\n10|400|-1\n", 47));
	const char *path = twrite_tmp(o.buf, o.len, ".txt");
	asrel_init(&back);
	char err[256];
	CHECK_INT(asrel_load(&back, path, err, sizeof err), 0);
	CHECK_INT(back.links, t.links);
	CHECK_INT(back.p2c, t.p2c);
	CHECK_INT(back.bad, 0);
	struct asrel_score s;
	asrel_score(&t, &back, &s);
	CHECK_INT(s.p2c_ok, t.p2c);
	CHECK_INT(s.p2c, t.p2c);
	CHECK_INT(s.p2p_ok, t.p2p);
	CHECK_INT(s.unknown, 0);
	/* one reversed, one made p2p, one the truth lacks */
	asrel_add(&back, 10, 100, ASREL_PROVIDER);
	asrel_add(&back, 20, 200, ASREL_PEER);
	asrel_add(&back, 100, 2000, ASREL_PEER);
	asrel_score(&t, &back, &s);
	CHECK_INT(s.p2c_ok, t.p2c - 2);
	CHECK_INT(s.p2c, t.p2c);
	CHECK_INT(s.unknown, 1);
	obuf_release(&o);
	asrel_release(&back);
	release(&t, &f);
}

TEST(customer_cones)
{
	struct asrel t;
	struct asrel_infer f;
	infer_small(&t, &f, NULL);
	struct asrel_cones c;
	CHECK_INT(asrel_cones_build(&c, &t), 0);
	/* 10: itself, 100, 1000, 1001, 7000, 400 (not 20's or 30's) */
	CHECK_INT(asrel_cone_size(&c, 10), 6);
	CHECK_INT(asrel_cone_size(&c, 100), 4);
	CHECK_INT(asrel_cone_size(&c, 200), 2);
	CHECK_INT(asrel_cone_size(&c, 2000), 1);
	CHECK_INT(asrel_cone_size(&c, 99), 0);
	CHECK(asrel_cone_has(&c, 10, 7000));
	CHECK(asrel_cone_has(&c, 10, 10));
	CHECK(!asrel_cone_has(&c, 20, 7000));
	CHECK(!asrel_cone_has(&c, 100, 200)); /* a peer is not in the cone */
	asrel_cones_release(&c);
	/* a p2c cycle: each AS once */
	struct asrel y;
	asrel_init(&y);
	asrel_add(&y, 1, 2, ASREL_CUSTOMER);
	asrel_add(&y, 2, 3, ASREL_CUSTOMER);
	asrel_add(&y, 3, 1, ASREL_CUSTOMER);
	asrel_add(&y, 3, 4, ASREL_CUSTOMER);
	CHECK_INT(asrel_cones_build(&c, &y), 0);
	CHECK_INT(asrel_cone_size(&c, 1), 4);
	CHECK_INT(asrel_cone_size(&c, 4), 1);
	CHECK(asrel_cone_has(&c, 2, 1));
	asrel_cones_release(&c);
	asrel_release(&y);
	release(&t, &f);
}
