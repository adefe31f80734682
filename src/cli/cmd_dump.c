/*
 * routewatch dump [--json] [--stats] [--messages] [--collector NAME|NAME=PATH]...
 *                 [--from T] [--until T] FILE...
 *
 * Every route element of every file, in the given order, as bgpdump -m
 * lines (default) or JSON lines. Files may be "-" (stdin) and compressed
 * with gzip, bzip2, xz or zstd (detected from their bytes). --from and
 * --until keep the records of time from <= t < until; files that lie
 * wholly outside (feed_inputs_clip, by the times in their names) are not
 * opened.
 */
#include "cli.h"
#include "../out/out.h"
#include "../bgp/bgp_filter.h"

#include <getopt.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>

struct dump_ctx {
	struct out out;
	struct feed_stats *st;
	struct obuf *ob;      /* stdout */
	enum out_format fmt;
	const char *file;
	uint32_t from, until; /* records kept: from <= time < until (0: no end) */
	uint64_t kept;        /* records in the window (called on the reading thread) */
	const struct bgp_filter *filter; /* bgpreader's selection (read-only) */
	const char *collector; /* of the file being dumped */
	bool show_collector;   /* print it with each element */
};

/* A record of the window (--from, --until). */
static bool dump_keep(void *arg, const struct mrt_rec *rec)
{
	struct dump_ctx *c = arg;
	bool in = rec->h.ts >= c->from && (!c->until || rec->h.ts < c->until);
	c->kept += in;
	return in;
}

static int on_elem(void *arg, const struct bgp_elem *e)
{
	struct dump_ctx *c = arg;
	switch (e->type) {
	case BGP_ELEM_ANNOUNCE: c->st->elems[0]++; break;
	case BGP_ELEM_WITHDRAW: c->st->elems[1]++; break;
	case BGP_ELEM_RIB: c->st->elems[2]++; break;
	case BGP_ELEM_STATE: c->st->elems[3]++; break;
	default: c->st->elems[4]++; break;
	}
	if (bgp_filter_match(c->filter, e, c->collector))
		out_elem(&c->out, e);
	return 0;
}

/* The parallel decoder's callbacks: each worker formats with an out of its
 * own into the batch's buffer; batches come back in order. The filter is
 * shared read-only. */
struct par_worker {
	struct out o;
	const struct bgp_filter *filter;
	const char *collector;
};

static void *par_worker_new(void *arg)
{
	const struct dump_ctx *c = arg;
	struct par_worker *w = rw_malloc(sizeof *w);
	out_open(&w->o, c->fmt, NULL, NULL);
	w->o.file = c->file;
	w->o.collector = c->show_collector ? c->collector : NULL;
	w->filter = c->filter;
	w->collector = c->collector;
	return w;
}

static void par_worker_free(void *state)
{
	struct par_worker *w = state;
	out_close(&w->o);
	free(w);
}

static void par_record(void *state, const struct mrt_rec *rec, struct obuf *batch)
{
	struct par_worker *w = state;
	w->o.ob = batch;
	out_record(&w->o, rec, w->o.file);
}

static int par_elem(void *state, const struct bgp_elem *e)
{
	struct par_worker *w = state;
	if (bgp_filter_match(w->filter, e, w->collector))
		out_elem(&w->o, e);
	return 0;
}

static void par_deliver(void *arg, const struct obuf *batch)
{
	struct dump_ctx *c = arg;
	obuf_write(c->ob, batch->buf, batch->len);
}

static void usage(FILE *o)
{
	fputs("usage: routewatch dump [--json] [--stats] [--messages] [--threads N] [--from T] [--until T] FILE...\n"
	      "  Print every route element, one per line, in bgpdump -m format.\n"
	      "  FILE may be - for stdin; gzip, bzip2, xz and zstd are detected.\n"
	      "  --json       JSON lines with named fields instead\n"
	      "  --format F   bgpdump (default), json, or bgpkit: bgpkit-parser's element\n"
	      "               objects (timestamp as a float, elem_type, as_path and\n"
	      "               origin_asns arrays, communities; docs/dump.md)\n"
	      "  --show-collector  the file's collector with each element (a first\n"
	      "               column; a \"collector\" key in JSON)\n"
	      "  --messages   with --json, also OPEN/NOTIFICATION/KEEPALIVE/ROUTE-REFRESH\n"
	      "  --stats      counts, errors, bytes and speed on stderr at the end\n"
	      "  --threads N  bzip2 decoding threads (default: CPUs)\n"
	      "  --workers N  decode and format on N threads (default: CPUs for\n"
	      "               uncompressed input, 1 otherwise)\n"
	      "  --guess-addpath  read NLRI with/without ADD-PATH path ids when the MRT\n"
	      "               subtype's reading fails but the other one fits (reported)\n"
	      "  --max-problems N  problem messages per file before going quiet (default 20, 0 = all)\n"
	      "  --from TIME  only records at or after TIME (unix seconds or\n"
	      "               2024-03-09T10:00:00Z); files that end before it are not opened\n"
	      "  --until TIME  only records before TIME; files that start at or after it\n"
	      "               are not opened\n"
	      USAGE_COLLECTOR
	      "               (dump lists them with --stats)\n"
	      "  Selection (bgpreader's; terms of one kind are alternatives, kinds combine):\n"
	      "  --filter EXPR  BGPStream filter terms joined by 'and': prefix [exact|more|\n"
	      "               less|any] P, origin ASN, peer ASN|ADDR, collector NAME,\n"
	      "               ipversion 4|6, elemtype announcements|withdrawals|ribs|\n"
	      "               peerstates, aspath REGEX (_ = boundary), community A:V (*)\n"
	      "  --prefix P   P and its more-specifics (--prefix-exact P, --prefix-less P:\n"
	      "               P and its less-specifics)\n"
	      "  --origin ASN, --peer-asn ASN, --peer ADDR, --aspath REGEX,\n"
	      "  --community A:V, --elemtype A|W|B|S   the same terms as options\n"
	      USAGE_TIMES,
	      o);
}

/* --stats lists the collectors of the files dumped, named as events and
 * ingest name them (feed_input_identify opens a file once more for its
 * first record when its name gives no time). */
static void count_collector(struct feed_stats *st, const struct feed_input *in)
{
	feed_stats_collector(st, in->collector, in->rib, !in->rib, in->unread ? 0 : in->first_ts,
			     in->unread ? 0 : in->first_ts);
}

/* Each file's collector, time and kind, when --stats or a window needs
 * them; with a window, the files wholly outside it marked. NULL: none
 * needed. */
/* The files to dump, in the order given; a directory given is walked like
 * events walks it (feed_inputs: its MRT files in time order, RIB dumps
 * before the updates of their time). The strings are owned by the list. */
static char **expand_paths(char **paths, int n, const struct feed_names *nm, const struct io_opts *io, int *nout)
{
	char **out = NULL;
	uint32_t k = 0, cap = 0;
	for (int i = 0; i < n; i++) {
		struct stat sb;
		if (strcmp(paths[i], "-") && !stat(paths[i], &sb) && S_ISDIR(sb.st_mode)) {
			struct feed_inputs in;
			struct feed_stats *st = rw_calloc(1, sizeof *st); /* counted again when read */
			feed_inputs(&paths[i], 1, nm, io, &in, st);
			free(st);
			for (uint32_t j = 0; j < in.n; j++) {
				rw_vec_grow(&out, &cap, (size_t)k + 2, sizeof *out, UINT32_MAX, RW_MEM_OTHER);
				out[k++] = rw_strdup(in.v[j].path);
			}
			feed_inputs_free(&in);
			continue;
		}
		rw_vec_grow(&out, &cap, (size_t)k + 2, sizeof *out, UINT32_MAX, RW_MEM_OTHER);
		out[k++] = rw_strdup(paths[i]);
	}
	*nout = (int)k;
	return out;
}

static struct feed_input *identify_all(char **paths, int n, const struct feed_names *nm, const struct io_opts *io,
				       const struct dump_ctx *dc, bool stats)
{
	bool window = dc->from || dc->until;
	if (!window && !stats)
		return NULL;
	struct feed_input *in = rw_calloc((size_t)n, sizeof *in);
	for (int i = 0; i < n; i++)
		feed_input_identify(&in[i], nm, paths[i], io);
	if (window)
		feed_inputs_clip(in, (size_t)n, dc->from, dc->until);
	return in;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", no_argument, 0, 'j'},   {"stats", no_argument, 0, 's'},
		{"messages", no_argument, 0, 'm'}, {"threads", required_argument, 0, 't'},
		{"max-problems", required_argument, 0, 'P'},
		{"guess-addpath", no_argument, 0, 'G'},
		{"workers", required_argument, 0, 'W'},
		{"collector", required_argument, 0, 'c'},
		{"from", required_argument, 0, 'F'}, {"until", required_argument, 0, 'u'},
		{"to", required_argument, 0, 'u'},
		{"filter", required_argument, 0, 1000},    {"prefix", required_argument, 0, 1001},
		{"prefix-exact", required_argument, 0, 1002}, {"prefix-less", required_argument, 0, 1003},
		{"origin", required_argument, 0, 1004},    {"peer-asn", required_argument, 0, 1005},
		{"peer", required_argument, 0, 1006},      {"aspath", required_argument, 0, 1007},
		{"community", required_argument, 0, 1008}, {"elemtype", required_argument, 0, 1009},
		{"format", required_argument, 0, 1010},    {"show-collector", no_argument, 0, 1011},
		{"help", no_argument, 0, 'h'},   {0, 0, 0, 0}};
	/* the options' BGPStream terms (1000: the whole expression) */
	static const char *const term_of[] = {NULL, "prefix more", "prefix exact", "prefix less", "origin", "peer",
					      "peer", "aspath", "community", "elemtype"};
	struct bgp_filter filter;
	bgp_filter_init(&filter);
	enum out_format fmt = OUT_BGPDUMP;
	bool show_coll = false;
	bool json = false, stats = false, msgs = false;
	struct feed_opts fo = {0};
	struct feed_names coll; /* --collector: only --stats shows them yet */
	feed_names_init(&coll);
	unsigned workers = 0; /* 0: automatic */
	uint32_t from = 0, until = 0;
	int status = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu > 8)
		ncpu = 8;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jsmt:hq", lo, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 's': stats = true; break;
		case 'm': msgs = true; break;
		case 'q': rw_log_level = RW_LOG_ERROR; break;
		case 't': {
			uint64_t v;
			if (parse_u64(optarg, IO_MAX_THREADS, &v) || !v) {
				rw_log(RW_LOG_ERROR, "--threads wants 1..%u", IO_MAX_THREADS);
				status = EXIT_USAGE;
				goto done;
			}
			fo.io.threads = (unsigned)v;
			break;
		}
		case 'G': fo.guess_addpath = true; break;
		case 'W': {
			uint64_t v;
			if (parse_u64(optarg, 64, &v)) {
				rw_log(RW_LOG_ERROR, "--workers wants 0..64");
				status = EXIT_USAGE;
				goto done;
			}
			workers = v ? (unsigned)v : 1;
			break;
		}
		case 'P': {
			uint64_t v;
			if (parse_u64(optarg, UINT32_MAX, &v)) {
				rw_log(RW_LOG_ERROR, "--max-problems wants a number");
				status = EXIT_USAGE;
				goto done;
			}
			fo.max_msgs = v ? (unsigned)v : UINT32_MAX;
			break;
		}
		case 'c':
			if ((status = opt_collector(&coll, optarg)))
				goto done;
			break;
		case 'F':
		case 'u':
			if ((status = opt_time(c == 'u' ? "until" : "from", optarg, c == 'u' ? &until : &from)))
				goto done;
			break;
		case 1000: case 1001: case 1002: case 1003: case 1004:
		case 1005: case 1006: case 1007: case 1008: case 1009: {
			char expr[1024], err[256];
			if (c == 1000)
				snprintf(expr, sizeof expr, "%s", optarg);
			else
				snprintf(expr, sizeof expr, "%s '%s'", term_of[c - 1000], optarg);
			if (bgp_filter_parse(&filter, expr, err, sizeof err)) {
				const char *name = "filter";
				for (size_t i = 0; lo[i].name; i++)
					if (lo[i].val == c)
						name = lo[i].name;
				rw_log(RW_LOG_ERROR, "--%s: %s", name, err);
				status = EXIT_USAGE;
				goto done;
			}
			break;
		}
		case 1010:
			if (!strcmp(optarg, "bgpkit"))
				fmt = OUT_BGPKIT;
			else if (!strcmp(optarg, "json"))
				fmt = OUT_JSON;
			else if (!strcmp(optarg, "bgpdump") || !strcmp(optarg, "text"))
				fmt = OUT_BGPDUMP;
			else {
				rw_log(RW_LOG_ERROR, "--format: '%s' is not bgpdump, json or bgpkit", optarg);
				status = EXIT_USAGE;
				goto done;
			}
			break;
		case 1011: show_coll = true; break;
		case 'h': usage(stdout); goto done;
		default: usage(stderr); status = EXIT_USAGE; goto done;
		}
	}
	if (optind >= argc) {
		status = missing("dump", "no input: give FILE or DIR (- for standard input)");
		usage(stderr);
		goto done;
	}
	if (until && from >= until) {
		rw_log(RW_LOG_ERROR, "--from must be before --until");
		status = EXIT_USAGE;
		goto done;
	}
	fo.want_msgs = json && msgs;
	fo.salvage = true; /* print what bgpdump prints of a half-bad NLRI */
	struct feed_stats *st = rw_calloc(1, sizeof *st);
	struct obuf out;
	obuf_init(&out, STDOUT_FILENO, 1 << 18);
	if (json && fmt == OUT_BGPDUMP)
		fmt = OUT_JSON;
	struct dump_ctx dc = {.st = st, .ob = &out, .fmt = fmt, .from = from, .until = until, .filter = &filter,
			      .show_collector = show_coll};
	out_open(&dc.out, dc.fmt, &out, NULL);
	const struct feed_par_ops par = {.worker_new = par_worker_new, .worker_free = par_worker_free,
					 .record = par_record, .elem = par_elem, .deliver = par_deliver,
					 .keep = from || until ? dump_keep : NULL, .arg = &dc};
	double t0 = now_seconds();
	int nfiles;
	char **files = expand_paths(argv + optind, argc - optind, &coll, &fo.io, &nfiles);
	struct feed_input *ins = identify_all(files, nfiles, &coll, &fo.io, &dc, stats);
	struct feed_progress pg;
	feed_progress_start(&pg, rw_log_level > RW_LOG_ERROR, ins, files, (size_t)nfiles);
	for (int i = 0; i < nfiles; i++) {
		const struct feed_input *in = ins ? &ins[i] : NULL;
		if (in && in->outside) {
			st->files_outside++;
			continue;
		}
		if (stats)
			count_collector(st, in);
		struct feed_file f;
		if (feed_file_open(&f, files[i], &fo, st)) {
			feed_file_close(&f);
			status = EXIT_DAMAGED;
			continue;
		}
		dc.file = f.path;
		/* the file's collector, for a collector term */
		char *cname = NULL;
		if (filter.ncollectors || show_coll)
			cname = in ? rw_strdup(in->collector) : feed_collector_of(&coll, files[i], files[i]);
		dc.collector = cname;
		dc.out.collector = show_coll ? cname : NULL;
		/* An uncompressed file leaves the second core idle: decode and
		 * format on worker threads. Compressed input keeps them busy
		 * decompressing. */
		unsigned nw = workers;
		if (!nw)
			nw = io_comp(f.io) == IO_COMP_NONE && ncpu > 1 ? ncpu : 0;
		if (nw <= 1 || feed_par_run(&f, nw, &par)) {
			while (feed_file_next(&f) > 0) {
				if ((from || until) && !dump_keep(&dc, &f.rec)) {
					feed_file_pass(&f);
					continue;
				}
				out_record(&dc.out, &f.rec, f.path);
				feed_file_decode(&f, on_elem, &dc);
				feed_progress_tick(&pg, st, &f);
			}
		}
		if (f.damaged)
			status = EXIT_DAMAGED;
		feed_file_close(&f);
		free(cname);
		dc.collector = NULL;
		dc.out.collector = NULL;
		feed_progress_tick(&pg, st, NULL);
	}
	feed_progress_end(&pg);
	obuf_flush(&out);
	if (out.err) {
		rw_log(RW_LOG_ERROR, "writing the output failed");
		status = EXIT_DAMAGED;
	}
	if (stats)
		feed_stats_print(st, now_seconds() - t0);
	out_close(&dc.out);
	obuf_release(&out);
	if (!dc.kept && (from || until) && !status) {
		char a[32] = "-", b[32] = "-";
		if (st->ts_max) {
			fmt_time_rfc3339(a, st->ts_min);
			fmt_time_rfc3339(b, st->ts_max);
		}
		rw_log(RW_LOG_WARN, "no record in the window (the records read span %s to %s; %llu files outside it "
				    "not opened)",
		       a, b, (unsigned long long)st->files_outside);
	}
	for (int i = 0; ins && i < nfiles; i++)
		feed_input_release(&ins[i]);
	free(ins);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	free(st);
done:
	bgp_filter_free(&filter);
	feed_names_release(&coll);
	return status;
}

/* routewatch cat FILE...: decompressed bytes, like zcat for any format. */
int cmd_cat(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs("usage: routewatch cat FILE...\n"
		      "  Write each file's bytes, decompressed (gzip, bzip2, xz and zstd are\n"
		      "  detected from their bytes, like dump does), to standard output.\n"
		      "  FILE may be - for standard input.\n",
		      argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	int status = 0;
	struct obuf out;
	if (obuf_init(&out, STDOUT_FILENO, 1 << 20))
		return EXIT_DAMAGED;
	for (int i = 1; i < argc; i++) {
		struct io_src *s;
		if (io_open(argv[i], NULL, &s)) {
			status = EXIT_DAMAGED;
			continue;
		}
		const uint8_t *p;
		size_t n;
		int r;
		while ((r = io_next(s, &p, &n)) > 0)
			obuf_write(&out, p, n);
		if (r < 0) {
			rw_log(RW_LOG_ERROR, "%s: %s", argv[i], io_errmsg(s));
			status = EXIT_DAMAGED;
		}
		io_close(s);
	}
	obuf_release(&out);
	return status;
}
