/* asrel/: CAIDA as-rel files (serial-1 and serial-2), lookups in both
 * directions, the route leak rule of docs/events.md §11. Links asrel/ and
 * the layers below it. */
#define T_PREFIX "asrel/"
#include "t.h"
#include "tutil.h"
#include "asrel/asrel.h"
#include "io/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *write_text(const char *s)
{
	return twrite_tmp(s, strlen(s), ".txt");
}

TEST(serial1_and_serial2)
{
	const char *text = "# source:topology|BGP|20161101|ripe|rrc00\n" /* 1 */
			   "1|2|-1\n"                                  /* 2: 1 provides for 2 */
			   "1|3|0\n"                                   /* 3: peers */
			   "\n"                                        /* 4 */
			   "4|1|-1\n"                                  /* 5: 4 provides for 1 */
			   "5|x|0\n"                                   /* 6: bad */
			   "6|7|-1|bgp\n"                              /* 7: serial-2 */
			   "8|9|0|mlp\r\n"                             /* 8: serial-2, CRLF */
			   "4294967295|10|-1\n"                        /* 9 */
			   "4294967296|10|-1\n"                        /* 10: bad, too big */
			   "11|11|0\n"                                 /* 11: bad, itself */
			   "12|13|1\n"                                 /* 12: bad, sibling? */
			   "14|15|-1";                                 /* 13: no newline */
	const char *path = write_text(text);
	struct asrel t;
	asrel_init(&t);
	char err[256], want[300];
	CHECK_INT(asrel_load(&t, path, err, sizeof err), 0);
	CHECK_INT(t.links, 7);
	CHECK_INT(t.p2c, 5);
	CHECK_INT(t.p2p, 2);
	CHECK_INT(t.bad, 4);
	CHECK_INT(t.conflicts, 0);
	/* the first bad line, named by file and line */
	snprintf(want, sizeof want, "%s:6: not <as>|<as>|<relationship>[|<source>]", path);
	CHECK_STR(err, want);

	CHECK_INT(asrel_get(&t, 1, 2), ASREL_CUSTOMER);
	CHECK_INT(asrel_get(&t, 2, 1), ASREL_PROVIDER);
	CHECK_INT(asrel_get(&t, 1, 3), ASREL_PEER);
	CHECK_INT(asrel_get(&t, 3, 1), ASREL_PEER);
	CHECK_INT(asrel_get(&t, 1, 4), ASREL_PROVIDER);
	CHECK_INT(asrel_get(&t, 4, 1), ASREL_CUSTOMER);
	CHECK_INT(asrel_get(&t, 6, 7), ASREL_CUSTOMER);
	CHECK_INT(asrel_get(&t, 9, 8), ASREL_PEER);
	CHECK_INT(asrel_get(&t, 4294967295u, 10), ASREL_CUSTOMER);
	CHECK_INT(asrel_get(&t, 10, 4294967295u), ASREL_PROVIDER);
	CHECK_INT(asrel_get(&t, 15, 14), ASREL_PROVIDER);
	/* unknown pairs: never linked, linked only through a third, bad lines */
	CHECK_INT(asrel_get(&t, 2, 3), ASREL_UNKNOWN);
	CHECK_INT(asrel_get(&t, 4, 2), ASREL_UNKNOWN);
	CHECK_INT(asrel_get(&t, 12, 13), ASREL_UNKNOWN);
	CHECK_INT(asrel_get(&t, 11, 11), ASREL_UNKNOWN);
	CHECK_INT(asrel_get(&t, 1, 1), ASREL_UNKNOWN);
	CHECK_INT(asrel_get(&t, 70000, 1), ASREL_UNKNOWN);

	CHECK_STR(asrel_name(asrel_get(&t, 1, 2)), "customer");
	CHECK_STR(asrel_name(ASREL_PROVIDER), "provider");
	CHECK_STR(asrel_name(ASREL_PEER), "peer");
	CHECK_STR(asrel_name(ASREL_UNKNOWN), "unknown");
	CHECK_STR(asrel_name((enum asrel_rel)99), "unknown");
	CHECK(asrel_bytes(&t) > 0);

	/* a second file adds to the first */
	unlink(path);
	path = write_text("100|200|0\n");
	CHECK_INT(asrel_load(&t, path, err, sizeof err), 0);
	CHECK_STR(err, "");
	CHECK_INT(t.links, 8);
	CHECK_INT(asrel_get(&t, 200, 100), ASREL_PEER);
	CHECK_INT(asrel_get(&t, 1, 2), ASREL_CUSTOMER);
	unlink(path);
	asrel_release(&t);
}

TEST(conflicting_lines_keep_the_last)
{
	const char *path = write_text("1|2|-1\n"
				      "2|1|-1\n" /* flipped: conflict */
				      "1|2|-1\n" /* back: conflict */
				      "1|2|-1\n" /* the same again: not one */
				      "3|4|0\n"
				      "4|3|0\n"  /* the same link written the other way */
				      "3|4|-1\n" /* conflict */);
	struct asrel t;
	asrel_init(&t);
	char err[256];
	CHECK_INT(asrel_load(&t, path, err, sizeof err), 0);
	CHECK_INT(t.links, 2);
	CHECK_INT(t.conflicts, 3);
	CHECK_INT(t.p2c, 2);
	CHECK_INT(t.p2p, 0);
	CHECK_INT(asrel_get(&t, 2, 1), ASREL_PROVIDER);
	CHECK_INT(asrel_get(&t, 4, 3), ASREL_PROVIDER);
	/* asrel_add: the same rule, and its arguments checked */
	CHECK_INT(asrel_add(&t, 3, 4, ASREL_PEER), 0);
	CHECK_INT(t.conflicts, 4);
	CHECK_INT(t.p2c, 1);
	CHECK_INT(t.p2p, 1);
	CHECK_INT(asrel_add(&t, 5, 5, ASREL_PEER), RW_EINVAL);
	CHECK_INT(asrel_add(&t, 5, 6, ASREL_UNKNOWN), RW_EINVAL);
	CHECK_INT(t.links, 2);
	unlink(path);
	asrel_release(&t);
}

TEST(not_an_asrel_file)
{
	struct asrel t;
	asrel_init(&t);
	char err[256];
	const char *path = write_text("# only\nnonsense\n1 2 -1\n");
	CHECK_INT(asrel_load(&t, path, err, sizeof err), RW_EMALFORMED);
	CHECK(strstr(err, "not an as-rel file") != NULL);
	CHECK_INT(t.links, 0);
	CHECK_INT(t.bad, 2);
	unlink(path);
	/* what is wrong is said */
	path = write_text("1|2|0\n4294967296|1|0\n");
	CHECK_INT(asrel_load(&t, path, err, sizeof err), 0);
	CHECK(strstr(err, ":2: an AS number beyond 4294967295") != NULL);
	unlink(path);
	path = write_text("1|2|0\n1|3|-2\n");
	CHECK_INT(asrel_load(&t, path, err, sizeof err), 0);
	CHECK(strstr(err, ":2: the relationship is not -1") != NULL);
	unlink(path);
	asrel_release(&t);
	asrel_init(&t);
	/* comments alone, or nothing: an empty table, no error */
	path = write_text("# nothing yet\n");
	CHECK_INT(asrel_load(&t, path, err, sizeof err), 0);
	unlink(path);
	path = write_text("");
	CHECK_INT(asrel_load(&t, path, err, sizeof err), 0);
	unlink(path);
	CHECK(asrel_load(&t, "/nonexistent/as-rel.txt", err, sizeof err) < 0);
	CHECK(strstr(err, "/nonexistent/as-rel.txt") != NULL);
	CHECK_INT(t.links, 0);
	asrel_release(&t);
}

/* n links i|i+1000000|-1 or 0, a long comment early, and a long bad line
 * that straddles the 4 MiB read (and many 1 MiB chunks when compressed). */
static char *big_text(uint32_t n, size_t *len, uint32_t *bad_line)
{
	size_t cap = (size_t)n * 24 + 16384, k = 0;
	char *s = malloc(cap);
	uint32_t line = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (i == 10) {
			s[k++] = '#';
			memset(s + k, 'c', 3000);
			k += 3000;
			s[k++] = '\n';
			line++;
		}
		if (!*bad_line && k > (4u << 20) - 2500) {
			memset(s + k, '7', 5000);
			k += 5000;
			s[k++] = '\n';
			*bad_line = ++line;
		}
		k += (size_t)snprintf(s + k, cap - k, "%u|%u|%s\n", i + 1, i + 1000001, i % 3 ? "-1" : "0");
		line++;
	}
	*len = k;
	return s;
}

TEST(lines_across_chunks)
{
	uint32_t n = 300000, bad = 0;
	size_t len;
	char *s = big_text(n, &len, &bad);
	CHECK(bad > 0);
	char want[64];
	snprintf(want, sizeof want, ":%u: a line longer than 1024 bytes", bad);
	for (int gz = 0; gz < 2; gz++) {
		char path[256];
		if (gz) {
			snprintf(path, sizeof path, "/tmp/rwtest-asrel-%d.gz", (int)getpid());
			struct io_sink *o;
			CHECK_INT(io_sink_open(path, IO_COMP_GZIP, &o), 0);
			CHECK_INT(io_sink_write(o, s, len), 0);
			CHECK_INT(io_sink_close(o, true), 0);
		} else {
			snprintf(path, sizeof path, "%s", twrite_tmp(s, len, ".txt"));
		}
		struct asrel t;
		asrel_init(&t);
		char err[256];
		CHECK_INT(asrel_load(&t, path, err, sizeof err), 0);
		CHECK_INT(t.links, n);
		CHECK_INT(t.p2p, n / 3);
		CHECK_INT(t.bad, 1);
		CHECK(strstr(err, want) != NULL);
		CHECK_INT(asrel_get(&t, 1, 1000001), ASREL_PEER);
		CHECK_INT(asrel_get(&t, 1000002, 2), ASREL_PROVIDER);
		CHECK_INT(asrel_get(&t, n, n + 1000000), n % 3 == 1 ? ASREL_PEER : ASREL_CUSTOMER);
		asrel_release(&t);

		if (gz) {
			/* cut the compressed file: the links before the cut stay,
			 * with the decompression error */
			FILE *f = fopen(path, "rb");
			char *c = malloc(len);
			size_t got = fread(c, 1, len, f);
			fclose(f);
			const char *cut = twrite_tmp(c, got / 2, ".gz");
			asrel_init(&t);
			CHECK(asrel_load(&t, cut, err, sizeof err) < 0);
			CHECK(t.links > 1000 && t.links < n);
			CHECK(strstr(err, cut) != NULL);
			asrel_release(&t);
			unlink(cut);
			free(c);
		}
		unlink(path);
	}
	free(s);
}

/* 10 provides for 20, 20 for 30; 20 and 40 are peers; 50 provides for
 * 20; 60 for 40. 99 is linked to nobody. */
static void leak_table(struct asrel *t)
{
	asrel_init(t);
	CHECK_INT(asrel_add(t, 20, 10, ASREL_PROVIDER), 0);
	CHECK_INT(asrel_add(t, 20, 30, ASREL_CUSTOMER), 0);
	CHECK_INT(asrel_add(t, 20, 40, ASREL_PEER), 0);
	CHECK_INT(asrel_add(t, 50, 20, ASREL_CUSTOMER), 0);
	CHECK_INT(asrel_add(t, 40, 60, ASREL_PROVIDER), 0);
}

#define LEAKS(t, out, cap, ...)                                                                   \
	asrel_leaks(t, (const uint32_t[]){__VA_ARGS__}, (uint32_t)(sizeof((uint32_t[]){__VA_ARGS__}) / 4), \
		    out, cap)

TEST(leaks)
{
	struct asrel t;
	leak_table(&t);
	struct asrel_leak out[4];
	/* up from the customer and down again: valley-free */
	CHECK_INT(LEAKS(&t, out, 4, 10, 20, 30), 0);
	CHECK_INT(LEAKS(&t, out, 4, 30, 20, 10), 0);
	CHECK_INT(LEAKS(&t, out, 4, 40, 20, 30), 0); /* a customer's route to a peer */
	/* a peer's route passed to a provider */
	CHECK_INT(LEAKS(&t, out, 4, 50, 20, 40), 1);
	CHECK_INT(out[0].leaker, 20);
	CHECK_INT(out[0].from, 40);
	CHECK_INT(out[0].to, 50);
	/* a provider's route passed to a peer */
	CHECK_INT(LEAKS(&t, out, 4, 40, 20, 10), 1);
	CHECK_INT(out[0].leaker, 20);
	CHECK_INT(out[0].from, 10);
	CHECK_INT(out[0].to, 40);
	/* a provider's route passed to another provider */
	CHECK_INT(LEAKS(&t, out, 4, 50, 20, 10), 1);
	CHECK_INT(out[0].to, 50);
	/* a link of unknown relationship never makes a leak */
	CHECK_INT(LEAKS(&t, out, 4, 50, 20, 99), 0);
	CHECK_INT(LEAKS(&t, out, 4, 99, 20, 10), 0);
	CHECK_INT(LEAKS(&t, out, 4, 99, 98, 97), 0);
	/* two on one path, peer side first: 20 gives its provider's route to
	 * its peer 40, which gives it to its provider 60 */
	CHECK_INT(LEAKS(&t, out, 4, 60, 40, 20, 10), 2);
	CHECK_INT(out[0].leaker, 40);
	CHECK_INT(out[0].from, 20);
	CHECK_INT(out[0].to, 60);
	CHECK_INT(out[1].leaker, 20);
	CHECK_INT(out[1].from, 10);
	CHECK_INT(out[1].to, 40);
	/* out too small: counted, not written past cap */
	out[1] = (struct asrel_leak){7, 7, 7};
	CHECK_INT(LEAKS(&t, out, 1, 60, 40, 20, 10), 2);
	CHECK_INT(out[0].leaker, 40);
	CHECK_INT(out[1].leaker, 7);
	CHECK_INT(asrel_leaks(&t, (const uint32_t[]){60, 40, 20, 10}, 4, NULL, 0), 2);
	/* the ends never leak: a path of one or two ASes has no middle */
	CHECK_INT(LEAKS(&t, out, 4, 20), 0);
	CHECK_INT(LEAKS(&t, out, 4, 40, 20), 0);
	CHECK_INT(asrel_leaks(&t, NULL, 0, out, 4), 0);
	asrel_release(&t);
	/* an empty table knows no link, so no leak */
	asrel_init(&t);
	CHECK_INT(LEAKS(&t, out, 4, 50, 20, 40), 0);
	asrel_release(&t);
}

TEST(caida_2016)
{
	const char *dir = t_shared();
	if (!dir) {
		t_skip("no shared data (RW_SHARED_DATA or ../shared/data)");
		return;
	}
	char path[512];
	snprintf(path, sizeof path, "%s/asrel/20161101.as-rel.txt.bz2", dir);
	if (access(path, R_OK)) {
		t_skip("no asrel/20161101.as-rel.txt.bz2 in the shared data");
		return;
	}
	struct asrel t;
	asrel_init(&t);
	char err[256];
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK_INT(asrel_load(&t, path, err, sizeof err), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK_STR(err, "");
	CHECK_INT(t.links, 239064);
	CHECK_INT(t.p2c, 110479);
	CHECK_INT(t.p2p, 128585);
	CHECK_INT(t.bad, 0);
	CHECK_INT(t.conflicts, 0);
	CHECK_INT(asrel_get(&t, 4837, 131279), ASREL_CUSTOMER);
	CHECK_INT(asrel_get(&t, 131279, 4837), ASREL_PROVIDER);
	fprintf(stderr, "# asrel/caida_2016: %u links loaded in %.1f ms, table %.1f MB\n", t.links,
		(double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6,
		(double)asrel_bytes(&t) / 1e6);
	asrel_release(&t);
}
