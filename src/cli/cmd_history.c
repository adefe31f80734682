/*
 * routewatch history ASN [--db PATH|URI] [--json] [--names FILE]
 *
 * Every upstream an origin ever had, from the history store: when it was
 * first seen, how many prefixes it has now, and per upstream (confirmed as
 * EVENTS.md says) its first and last time, its intervals and its share of
 * the origin's routes (time-weighted mean and max).
 */
#include "cli.h"
#include "../store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* One upstream: a run of intervals in store_history.iv. */
struct up {
	uint32_t asn, first, last; /* last: 0 while present */
	size_t i0, n;
	double mean, max;
};

static int up_cmp(const void *a, const void *b)
{
	const struct up *x = a, *y = b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

/* Upstreams of a history, ordered by first appearance; *n set. */
static struct up *upstreams(const struct store_history *h, size_t *n)
{
	struct up *u = calloc(h->niv + 1, sizeof *u);
	size_t k = 0;
	if (!u)
		abort();
	for (size_t i = 0; i < h->niv;) {
		struct up *x = &u[k++];
		double area = 0, secs = 0;
		x->asn = h->iv[i].upstream;
		x->i0 = i;
		x->first = h->iv[i].start;
		for (; i < h->niv && h->iv[i].upstream == x->asn; i++) {
			double a, s;
			store_interval_acc(&h->iv[i], h->clock, &a, &s);
			area += a;
			secs += s;
			if (h->iv[i].share_max > x->max)
				x->max = h->iv[i].share_max;
			x->last = h->iv[i].end;
			x->n++;
		}
		x->mean = secs > 0 ? area / secs : x->max;
	}
	qsort(u, k, sizeof *u, up_cmp);
	*n = k;
	return u;
}

/* A share with at most four decimals and at least one: 0.98, 1.0. */
static void put_share(struct obuf *o, double v)
{
	char b[32];
	int n = snprintf(b, sizeof b, "%.4f", v);
	while (n > 0 && b[n - 1] == '0' && b[n - 2] != '.')
		n--;
	obuf_putsn(o, b, (size_t)n);
}

static void put_time(struct obuf *o, uint32_t t, bool json)
{
	char b[40];
	if (!t) {
		obuf_puts(o, json ? "null" : "now");
		return;
	}
	if (json) {
		obuf_putc(o, '"');
		obuf_putsn(o, b, fmt_time_rfc3339(b, t));
		obuf_putc(o, '"');
	} else {
		time_t tt = t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		obuf_putsn(o, b, strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S UTC", &tm));
	}
}

static void put_json_name(struct obuf *o, const struct names *nm, uint32_t asn)
{
	const char *s = names_get(nm, asn);
	if (s) {
		obuf_puts(o, ",\"name\":");
		obuf_json_str(o, s, strlen(s));
	}
}

static void print_json(struct obuf *o, const struct store_history *h, const struct up *u, size_t nu,
		       const struct names *nm)
{
	obuf_printf(o, "{\"origin\":%u", h->origin);
	put_json_name(o, nm, h->origin);
	obuf_puts(o, ",\"first_seen\":");
	put_time(o, h->first_seen, true);
	obuf_printf(o, ",\"prefixes\":%u,\"routes\":%u,\"clock\":", h->prefixes, h->routes);
	put_time(o, h->clock, true);
	obuf_puts(o, ",\"upstreams\":[");
	for (size_t i = 0; i < nu; i++) {
		obuf_printf(o, "%s{\"asn\":%u", i ? "," : "", u[i].asn);
		put_json_name(o, nm, u[i].asn);
		obuf_puts(o, ",\"first_seen\":");
		put_time(o, u[i].first, true);
		obuf_puts(o, ",\"last_seen\":");
		put_time(o, u[i].last, true);
		obuf_puts(o, ",\"intervals\":[");
		for (size_t k = 0; k < u[i].n; k++) {
			const struct store_interval *iv = &h->iv[u[i].i0 + k];
			obuf_puts(o, k ? ",[" : "[");
			put_time(o, iv->start, true);
			obuf_putc(o, ',');
			put_time(o, iv->end, true);
			obuf_putc(o, ']');
		}
		obuf_puts(o, "],\"share_mean\":");
		put_share(o, u[i].mean);
		obuf_puts(o, ",\"share_max\":");
		put_share(o, u[i].max);
		obuf_putc(o, '}');
	}
	obuf_puts(o, "]}\n");
}

static void put_as(struct obuf *o, const struct names *nm, uint32_t asn)
{
	char nb[64];
	obuf_printf(o, "AS%u", asn);
	const char *s = names_short(nm, asn, nb, sizeof nb);
	if (s)
		obuf_printf(o, " %s", s);
}

static void print_text(struct obuf *o, const struct store_history *h, const struct up *u, size_t nu,
		       const struct names *nm)
{
	const char *full = names_get(nm, h->origin);
	obuf_printf(o, "AS%u%s%s\n", h->origin, full ? " " : "", full ? full : "");
	obuf_puts(o, "  first seen ");
	put_time(o, h->first_seen, false);
	obuf_printf(o, "; now %u prefix%s", h->prefixes, h->prefixes == 1 ? "" : "es");
	if (h->prefixes)
		obuf_printf(o, ", seen by %.1f peers each on average", (double)h->routes / h->prefixes);
	obuf_puts(o, " (store clock ");
	put_time(o, h->clock, false);
	obuf_puts(o, ")\n");
	if (!nu) {
		obuf_puts(o, "  no confirmed upstream\n");
		return;
	}
	obuf_printf(o, "  %zu upstream%s:\n", nu, nu == 1 ? "" : "s");
	for (size_t i = 0; i < nu; i++) {
		obuf_puts(o, "    ");
		put_as(o, nm, u[i].asn);
		obuf_printf(o, ": %s, %.1f%% of its routes on average, %.1f%% at most\n",
			    u[i].last ? "gone" : "present", 100 * u[i].mean, 100 * u[i].max);
		for (size_t k = 0; k < u[i].n; k++) {
			const struct store_interval *iv = &h->iv[u[i].i0 + k];
			obuf_puts(o, "      ");
			put_time(o, iv->start, false);
			obuf_puts(o, " - ");
			put_time(o, iv->end, false);
			obuf_putc(o, '\n');
		}
	}
}

static void usage(FILE *o)
{
	fputs("usage: routewatch history ASN [--db PATH|URI] [--json] [--names FILE]\n"
	      "  Every upstream the origin ever had, from the history store (see\n"
	      "  routewatch ingest): first and last seen, intervals, share of its routes.\n",
	      o);
}

int cmd_history(int argc, char **argv)
{
	static const struct option lo[] = {{"db", required_argument, 0, 'd'},
					   {"json", no_argument, 0, 'j'},
					   {"names", required_argument, 0, 'n'},
					   {"help", no_argument, 0, 'h'},
					   {0, 0, 0, 0}};
	const char *db = NULL;
	bool json = false;
	struct names nm;
	names_init(&nm);
	int c, rc = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", lo, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'j': json = true; break;
		case 'q': rw_log_level = RW_LOG_ERROR; break;
		case 'n':
			if (names_load(&nm, optarg)) {
				rc = EXIT_DAMAGED;
				goto out;
			}
			break;
		case 'h': usage(stdout); goto out;
		default: usage(stderr); rc = EXIT_USAGE; goto out;
		}
	}
	uint32_t asn;
	if (optind != argc - 1 || parse_asn(argv[optind], &asn)) {
		if (optind < argc)
			rw_log(RW_LOG_ERROR, "want one ASN like 131279 or AS131279");
		usage(stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	struct store st;
	if (cli_store_open(&st, db, false)) {
		rc = EXIT_DAMAGED;
		goto out;
	}
	struct store_history h;
	if (store_history(&st, asn, &h)) {
		rc = EXIT_DAMAGED;
	} else if (!h.found) {
		rw_log(RW_LOG_ERROR, "AS%u: not in the history store %s", asn, st.where);
		rc = EXIT_DAMAGED;
	} else {
		size_t nu;
		struct up *u = upstreams(&h, &nu);
		uint32_t *asns = malloc((nu + 1) * sizeof *asns);
		if (!asns)
			abort();
		asns[0] = asn;
		for (size_t i = 0; i < nu; i++)
			asns[i + 1] = u[i].asn;
		store_names_get(&st, &nm, asns, nu + 1);
		free(asns);
		struct obuf o;
		obuf_init(&o, STDOUT_FILENO, 1 << 16);
		if (json)
			print_json(&o, &h, u, nu, &nm);
		else
			print_text(&o, &h, u, nu, &nm);
		obuf_release(&o);
		free(u);
	}
	store_history_free(&h);
	store_close(&st);
out:
	names_release(&nm);
	return rc;
}
