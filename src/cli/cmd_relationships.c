/*
 * routewatch relationships [--from T] [--until T] [--collector ...]
 *                          [-o FILE] [--cones FILE] [--score FILE] FILE|DIR...
 *
 * AS relationships inferred from the AS paths of MRT archives (asrel/
 * infer.c, docs/relationships.md), written as CAIDA's serial-1. The
 * archives are run through the engine (archive_paths); each AS path the
 * rib interns anew is handed to the inference once, so the work follows
 * the distinct paths, not the routes.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void usage(FILE *o)
{
	fputs("usage: routewatch relationships [options] FILE|DIR...\n"
	      "  AS relationships inferred from the AS paths of MRT archives (RIB dumps\n"
	      "  and updates), the way CAIDA's AS Rank does (docs/relationships.md),\n"
	      "  written as CAIDA's serial-1: a|b|-1 (a is b's provider), a|b|0 (peers).\n"
	      "  The file loads wherever --relationships FILE is taken.\n"
	      "  -o FILE           output file (default stdout)\n"
	      "  --from TIME       the paths of the state at TIME (each collector's last\n"
	      "                    RIB dump before it) and those announced after it\n"
	      "  --until TIME      no record after this time (--to: the same)\n"
	      USAGE_COLLECTOR
	      "  --cones FILE      each AS's customer cone size (ASes reachable over\n"
	      "                    provider-to-customer links, itself included) as\n"
	      "                    \"ASN SIZE\" lines, largest first\n"
	      "  --score FILE      compare with reference relationships (CAIDA serial-1\n"
	      "                    or -2) over the links both have: the share of p2c\n"
	      "                    links with the right direction, of p2p links found\n"
	      "                    p2p (stderr)\n"
	      "  --stats           counts, memory and times on stderr\n"
	      USAGE_TIMES,
	      o);
}

/* What the rib's new paths go through. */
struct paths_ctx {
	struct asrel_infer *f;
	struct arena scratch; /* per path */
};

static void on_path(void *arg, const struct rib *r, uint32_t id)
{
	struct paths_ctx *c = arg;
	uint32_t *seq;
	uint32_t n = rib_path_seq(r, id, &c->scratch, &seq);
	if (n)
		asrel_infer_path(c->f, seq, n);
	arena_reset(&c->scratch);
}

struct cone_line {
	uint32_t asn, size;
};

static int cmp_cone(const void *x, const void *y)
{
	const struct cone_line *a = x, *b = y;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->asn < b->asn ? -1 : a->asn > b->asn;
}

/* --cones FILE: 0 or EXIT_DAMAGED. */
static int write_cones(const struct asrel *t, const char *path)
{
	struct asrel_cones c;
	int rc = asrel_cones_build(&c, t);
	if (rc) {
		rw_log(RW_LOG_ERROR, "--cones: %s", rw_strerror(rc));
		return EXIT_DAMAGED;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rw_log(RW_LOG_ERROR, "%s: %s", path, strerror(errno));
		asrel_cones_release(&c);
		return EXIT_DAMAGED;
	}
	uint32_t n = c.idx.n;
	struct cone_line *v = rw_calloc((size_t)n + 1, sizeof *v);
	for (uint32_t i = 0; i < n; i++)
		v[i] = (struct cone_line){(uint32_t)c.idx.keys[i], c.off[i + 1] - c.off[i]};
	qsort(v, n, sizeof *v, cmp_cone);
	struct obuf o;
	obuf_init(&o, fd, 1 << 16);
	obuf_puts(&o, "# routewatch relationships: customer cone sizes (ASN SIZE), from the inferred p2c links\n");
	for (uint32_t i = 0; i < n; i++) {
		obuf_putu32(&o, v[i].asn);
		obuf_putc(&o, ' ');
		obuf_putu32(&o, v[i].size);
		obuf_putc(&o, '\n');
	}
	obuf_flush(&o);
	rc = o.err;
	obuf_release(&o);
	if (close(fd) && !rc)
		rc = RW_EIO;
	free(v);
	asrel_cones_release(&c);
	if (rc)
		rw_log(RW_LOG_ERROR, "%s: %s", path, rw_strerror(rc));
	return rc ? EXIT_DAMAGED : 0;
}

/* The header of the output: how it was inferred. */
static void header(struct obuf *h, const struct asrel_infer *f, const struct asrel *t, char **in, int nin)
{
	obuf_puts(h, "# routewatch " RW_VERSION " relationships: CAIDA serial-1 (a|b|-1: a is b's provider; a|b|0: peers)\n"
		     "# inferred from AS paths the way CAIDA's AS Rank does (Luckie et al., IMC 2013): paths\n"
		     "# sanitized, ASes ranked by transit degree, the clique at the top, p2c top-down by the\n"
		     "# valley-free rule, VPs with partial views, stubs under the clique; other links p2p\n");
	obuf_printf(h, "# paths: %llu distinct, %llu used; dropped: %llu with loops, %llu with reserved ASNs,"
		       " %llu too long; %llu cut at an AS_SET\n",
		    (unsigned long long)f->paths, (unsigned long long)f->used, (unsigned long long)f->loops,
		    (unsigned long long)f->reserved, (unsigned long long)(f->too_long + f->too_many),
		    (unsigned long long)f->sets);
	obuf_printf(h, "# VPs: %u (%u with a partial view); links: %u (%u p2c, %u p2p)\n", f->vp.n, f->npartial,
		    t->links, t->p2c, t->p2p);
	obuf_puts(h, "# clique:");
	for (uint32_t i = 0; i < f->nclique; i++)
		obuf_printf(h, " %u", f->clique[i]);
	obuf_puts(h, "\n# input:");
	for (int i = 0; i < nin && i < 20; i++)
		obuf_printf(h, " %s", in[i]);
	if (nin > 20)
		obuf_printf(h, " and %d more", nin - 20);
	obuf_puts(h, "\n");
}

int cmd_relationships(int argc, char **argv)
{
	static const struct option lo[] = {
		{"from", required_argument, 0, 'F'},      {"until", required_argument, 0, 'u'},
		{"to", required_argument, 0, 'u'},        {"collector", required_argument, 0, 'c'},
		{"cones", required_argument, 0, 'C'},     {"score", required_argument, 0, 'S'},
		{"stats", no_argument, 0, 's'},           {"help", no_argument, 0, 'h'},
		{0, 0, 0, 0}};
	uint32_t from = 0, until = 0;
	const char *out = NULL, *cones = NULL, *score = NULL;
	bool stats = false;
	struct feed_names coll;
	feed_names_init(&coll);
	int c, rc = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'F': rc = opt_time("from", optarg, &from); break;
		case 'u': rc = opt_time("until", optarg, &until); break;
		case 'c': rc = opt_collector(&coll, optarg); break;
		case 'C': cones = optarg; break;
		case 'S': score = optarg; break;
		case 's': stats = true; break;
		case 'o': out = optarg; break;
		case 'h': usage(stdout); feed_names_release(&coll); return 0;
		default: rc = EXIT_USAGE; break;
		}
		if (rc)
			break;
	}
	if (!rc && optind >= argc)
		rc = missing("relationships", "no input: give FILE or DIR");
	if (!rc && from && until && until <= from) {
		rw_log(RW_LOG_ERROR, "--until is not after --from");
		rc = EXIT_USAGE;
	}
	if (rc) {
		usage(stderr);
		feed_names_release(&coll);
		return rc;
	}
	struct asrel truth;
	asrel_init(&truth);
	char err[512] = "";
	if (score && asrel_load(&truth, score, err, sizeof err)) {
		rw_log(RW_LOG_ERROR, "--score %s", err[0] ? err : score);
		asrel_release(&truth);
		feed_names_release(&coll);
		return EXIT_DAMAGED;
	}
	/* read: every new path into the inference */
	struct asrel_infer f;
	asrel_infer_init(&f);
	struct paths_ctx pc = {.f = &f};
	arena_init(&pc.scratch, 0, 0, RW_MEM_OTHER);
	struct feed_stats *st = rw_calloc(1, sizeof *st);
	int damaged;
	double t0 = now_seconds();
	struct engine *e = archive_paths(argv + optind, argc - optind, &coll, from, until, on_path, &pc, st, &damaged);
	double t1 = now_seconds();
	size_t rib_bytes = (size_t)rw_mem_held(RW_MEM_RIB);
	engine_release(e);
	free(e);
	arena_release(&pc.scratch);
	/* infer */
	struct asrel t;
	asrel_init(&t);
	size_t inf_bytes = asrel_infer_bytes(&f);
	rc = asrel_infer_run(&f, &t);
	double t2 = now_seconds();
	int status = damaged ? EXIT_DAMAGED : 0;
	if (rc) {
		rw_log(RW_LOG_ERROR, "relationships: %s", rw_strerror(rc));
		status = EXIT_DAMAGED;
	}
	/* write */
	int fd = STDOUT_FILENO;
	if (out && (fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		rw_log(RW_LOG_ERROR, "%s: %s", out, strerror(errno));
		status = EXIT_DAMAGED;
	} else {
		struct obuf h, o;
		obuf_init_mem(&h, 1024);
		header(&h, &f, &t, argv + optind, argc - optind);
		obuf_putc(&h, '\0');
		obuf_init(&o, fd, 1 << 16);
		int wr = asrel_write(&t, &o, h.buf);
		if (obuf_flush(&o) && !wr)
			wr = o.err;
		obuf_release(&o);
		obuf_release(&h);
		if (out && close(fd) && !wr)
			wr = RW_EIO;
		if (wr) {
			rw_log(RW_LOG_ERROR, "%s: %s", out ? out : "stdout", rw_strerror(wr));
			status = EXIT_DAMAGED;
		}
	}
	if (cones && write_cones(&t, cones))
		status = EXIT_DAMAGED;
	if (score) {
		struct asrel_score s;
		asrel_score(&truth, &t, &s);
		fprintf(stderr,
			"score: p2c %u of %u right (%.2f%%), p2p %u of %u right (%.2f%%), %u links not in %s\n",
			s.p2c_ok, s.p2c, s.p2c ? 100.0 * s.p2c_ok / s.p2c : 0.0, s.p2p_ok, s.p2p,
			s.p2p ? 100.0 * s.p2p_ok / s.p2p : 0.0, s.unknown, score);
	}
	rw_log(RW_LOG_INFO, "relationships: %u links (%u p2c, %u p2p) from %llu distinct paths of %u VPs (%u partial)",
	       t.links, t.p2c, t.p2p, (unsigned long long)f.paths, f.vp.n, f.npartial);
	if (stats)
		fprintf(stderr,
			"relationships: read %.2f s, infer %.2f s (%.2fx the read); %llu records, %llu distinct paths;"
			" rib %.1f MB, inference %.1f MB\n",
			t1 - t0, t2 - t1, t1 > t0 ? (t2 - t1) / (t1 - t0) : 0.0, (unsigned long long)st->records,
			(unsigned long long)f.paths, (double)rib_bytes / 1e6, (double)inf_bytes / 1e6);
	say_data_end(st, "from", from);
	free(st);
	asrel_release(&t);
	asrel_infer_release(&f);
	asrel_release(&truth);
	feed_names_release(&coll);
	return status;
}
