/*
 * routewatch as ASN [--at TIME] [--names FILE] [--json] FILE|DIR...
 *
 * The routing state of one origin at the end of the input (or at TIME): its
 * prefixes, each prefix's upstreams with the peers and collectors that see
 * them, and visibility (peers with any route for the prefix, of all peers
 * known at that time).
 */
#include "cli.h"
#include "../engine/engine.h"
#include "../names/names.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void no_event(void *arg, const struct det_event *e)
{
	(void)arg;
	(void)e;
}

struct up {
	uint32_t asn;
	uint32_t peers;
	uint32_t colls;
};

/* Distinct collectors among a set of peers, via a stamp per collector. */
struct cstamp {
	uint32_t *stamp;
	uint32_t n, cur;
};

static uint32_t count_colls(struct cstamp *cs, const struct rib *r, const uint32_t *peers, uint32_t n)
{
	cs->cur++;
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = r->peer[peers[i]].collector;
		if (cs->stamp[c] != cs->cur) {
			cs->stamp[c] = cs->cur;
			k++;
		}
	}
	return k;
}

static void put_asn(struct obuf *o, const struct names *nm, uint32_t asn)
{
	char nb[64];
	obuf_printf(o, "AS%u", asn);
	const char *s = nm ? names_short(nm, asn, nb, sizeof nb) : NULL;
	if (s)
		obuf_printf(o, " %s", s);
}

static void usage(FILE *o)
{
	fputs("usage: routewatch as ASN [--at TIME] [--names FILE] [--json] [--collector NAME] FILE|DIR...\n"
	      "  The prefixes of one origin, their upstreams with the peers and\n"
	      "  collectors that see them, and visibility, at the end of the input or\n"
	      "  at TIME (unix seconds or 2024-03-09T10:00:00Z).\n",
	      o);
}

int cmd_as(int argc, char **argv)
{
	static const struct option lo[] = {
		{"at", required_argument, 0, 'a'},        {"names", required_argument, 0, 'n'},
		{"json", no_argument, 0, 'j'},            {"collector", required_argument, 0, 'c'},
		{"help", no_argument, 0, 'h'},            {0, 0, 0, 0}};
	struct archive_opts ao = {0};
	struct names nm;
	bool have_names = false, json = false;
	names_init(&nm);
	int c, rc = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hjq", lo, NULL)) != -1) {
		int64_t t;
		switch (c) {
		case 'a':
			if (parse_time(optarg, &t) || t < 0 || t > UINT32_MAX) {
				rw_log(RW_LOG_ERROR, "--at wants a time like 2024-03-09T10:00:00Z");
				rc = EXIT_USAGE;
				goto out;
			}
			ao.until = (uint32_t)t;
			break;
		case 'n':
			if (names_load(&nm, optarg)) {
				rc = EXIT_DAMAGED;
				goto out;
			}
			have_names = true;
			break;
		case 'j': json = true; break;
		case 'q': rw_log_level = RW_LOG_ERROR; break;
		case 'c': ao.collector = optarg; break;
		case 'h': usage(stdout); goto out;
		default: usage(stderr); rc = EXIT_USAGE; goto out;
		}
	}
	uint32_t asn;
	if (optind + 1 >= argc || parse_asn(argv[optind], &asn)) {
		usage(stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	struct feed_stats *st = calloc(1, sizeof *st);
	struct engine *e = malloc(sizeof *e);
	if (!st || !e)
		abort();
	engine_init(e, 1, no_event, NULL);
	struct archive_input *in = NULL;
	size_t nin = 0;
	if (archive_inputs(argv + optind + 1, argc - optind - 1, &ao, &in, &nin, st))
		rc = EXIT_DAMAGED;
	if (archive_run(e, in, nin, &ao, st))
		rc = EXIT_DAMAGED;
	const struct rib *r = &e->rib;
	const struct names *np = have_names ? &nm : NULL;
	struct cstamp cs = {calloc(r->ncoll + 1, sizeof(uint32_t)), r->ncoll, 0};
	uint32_t *peers = malloc((r->npeer + 1) * sizeof *peers);
	struct up *ups = malloc((r->npeer + 1) * sizeof *ups);
	uint32_t *upeers = malloc((r->npeer + 1) * sizeof *upeers);
	/* peers with any route count as the "all peers" of visibility */
	uint32_t live = 0;
	for (uint32_t i = 0; i < r->npeer; i++)
		live += r->peer[i].nroutes > 0;
	struct obuf o;
	obuf_init(&o, STDOUT_FILENO, 1 << 16);
	char tb[40];
	time_t when = ao.until ? ao.until : e->have_sec ? e->sec : 0;
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(tb, sizeof tb, json ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S UTC", &tm);
	uint32_t nprefixes = 0;
	if (json) {
		obuf_printf(&o, "{\"origin\":%u,\"time\":\"%s\",\"peers_total\":%u,\"collectors_total\":%u", asn, tb,
			    live, r->ncoll);
		if (np && names_get(np, asn)) {
			obuf_puts(&o, ",\"name\":");
			obuf_json_str(&o, names_get(np, asn), strlen(names_get(np, asn)));
		}
		obuf_puts(&o, ",\"prefixes\":[");
	}
	for (uint32_t p = 0; p < r->npfx; p++) {
		const struct rib_pfx *x = &r->pfx[p];
		bool mine = false;
		for (uint32_t i = 0; i < x->n && !mine; i++)
			mine = r->path[x->r[i].path].origin == asn;
		if (!mine)
			continue;
		/* visibility: distinct peers; upstreams: distinct peers each */
		uint32_t nv = 0, nu = 0, last = RIB_NONE;
		for (uint32_t i = 0; i < x->n; i++) {
			uint32_t peer = rib_route_peer(&x->r[i]);
			if (peer != last)
				peers[nv++] = peer;
			last = peer;
		}
		uint32_t vcoll = count_colls(&cs, r, peers, nv);
		for (uint32_t i = 0; i < x->n; i++) {
			const struct rib_path *pa = &r->path[x->r[i].path];
			if (pa->origin != asn)
				continue;
			uint32_t k = 0;
			while (k < nu && ups[k].asn != pa->upstream)
				k++;
			if (k == nu)
				ups[nu++] = (struct up){pa->upstream, 0, 0};
		}
		for (uint32_t k = 0; k < nu; k++) {
			uint32_t n = 0;
			last = RIB_NONE;
			for (uint32_t i = 0; i < x->n; i++) {
				const struct rib_path *pa = &r->path[x->r[i].path];
				uint32_t peer = rib_route_peer(&x->r[i]);
				if (pa->origin == asn && pa->upstream == ups[k].asn && peer != last) {
					upeers[n++] = peer;
					last = peer;
				}
			}
			ups[k].peers = n;
			ups[k].colls = count_colls(&cs, r, upeers, n);
		}
		char pb[RW_PREFIX_STRLEN];
		fmt_prefix(pb, &x->p);
		if (json) {
			obuf_printf(&o, "%s{\"prefix\":\"%s\",\"peers\":%u,\"collectors\":%u,\"upstreams\":[",
				    nprefixes ? "," : "", pb, nv, vcoll);
			for (uint32_t k = 0; k < nu; k++) {
				obuf_printf(&o, "%s{\"asn\":", k ? "," : "");
				if (ups[k].asn)
					obuf_putu32(&o, ups[k].asn);
				else
					obuf_puts(&o, "null");
				obuf_printf(&o, ",\"peers\":%u,\"collectors\":%u", ups[k].peers, ups[k].colls);
				if (np && ups[k].asn && names_get(np, ups[k].asn)) {
					const char *s = names_get(np, ups[k].asn);
					obuf_puts(&o, ",\"name\":");
					obuf_json_str(&o, s, strlen(s));
				}
				obuf_putc(&o, '}');
			}
			obuf_puts(&o, "]}");
		} else {
			if (!nprefixes) {
				put_asn(&o, np, asn);
				obuf_printf(&o, " at %s (%u peers with routes on %u collectors)\n", tb, live, r->ncoll);
			}
			obuf_printf(&o, "  %-20s seen by %u of %u peers on %u collector%s\n", pb, nv, live, vcoll,
				    vcoll == 1 ? "" : "s");
			for (uint32_t k = 0; k < nu; k++) {
				obuf_puts(&o, "      upstream ");
				if (ups[k].asn)
					put_asn(&o, np, ups[k].asn);
				else
					obuf_puts(&o, "(none: the origin is the peer)");
				obuf_printf(&o, ": %u peer%s on %u collector%s\n", ups[k].peers,
					    ups[k].peers == 1 ? "" : "s", ups[k].colls, ups[k].colls == 1 ? "" : "s");
			}
		}
		nprefixes++;
	}
	if (json)
		obuf_printf(&o, "],\"prefix_count\":%u}\n", nprefixes);
	else if (!nprefixes) {
		put_asn(&o, np, asn);
		obuf_printf(&o, " at %s: no route with this origin (%u peers with routes on %u collectors)\n", tb,
			    live, r->ncoll);
	}
	obuf_release(&o);
	free(cs.stamp);
	free(peers);
	free(ups);
	free(upeers);
	archive_inputs_free(in, nin);
	engine_release(e);
	free(e);
	free(st);
out:
	names_release(&nm);
	return rc;
}
