/*
 * Text for people: one line per event, an origin's routes (as), a prefix
 * and its more-specifics (prefix), an origin's history. Elements are
 * bgpdump -m lines (out_bgpdump.c).
 */
#include "out_int.h"
#include "../detect/det.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

/* ---------------------------------------------------------------- events */

/* The store's space-separated ASNs as "AS1 NAME, AS2 NAME"; `none` when
 * the list is empty. */
static void asns_text(struct obuf *o, const struct names *nm, const char *list, const char *none)
{
	const char *p = list ? list : "";
	if (!*p) {
		obuf_puts(o, none);
		return;
	}
	for (bool first = true; *p; first = false) {
		char *end;
		unsigned long x = strtoul(p, &end, 10);
		if (end == p)
			break;
		if (!first)
			obuf_puts(o, ", ");
		out__as_text(o, nm, (uint32_t)x);
		p = end;
	}
}

/* docs/events.md §13: what the watch list says of the event. */
static void watch_text(struct obuf *o, const struct names *nm, const struct store_event *g, uint32_t npfx)
{
	char js[4096];
	snprintf(js, sizeof js, "{%s}", g->detail ? g->detail : "");
	struct json_object *d = json_tokener_parse(js), *v;
	const char *watched = d && json_object_object_get_ex(d, "watched", &v) ? json_object_get_string(v) : "?";
	bool end = (g->type - DET_WATCH_HIJACK) & 1;
	switch (g->type & ~1) {
	case DET_WATCH_HIJACK:
		obuf_printf(o, end ? " hijack of watched %s over: " : " hijack of watched %s (expected ", watched);
		if (!end) {
			asns_text(o, nm, g->origins, "none");
			obuf_puts(o, "): ");
		}
		break;
	case DET_WATCH_NEWPREFIX:
		obuf_printf(o, " new more-specific of watched %s%s: ", watched, end ? " over" : "");
		break;
	case DET_WATCH_MISCONF:
		obuf_printf(o, " %s prefix%s the watch list does not have%s: ", end ? "no longer announces" : "announces",
			    npfx == 1 ? "" : "es", end ? "" : " (misconfiguration)");
		break;
	case DET_WATCH_NEIGHBOR:
		obuf_puts(o, end ? " no longer has " : " has ");
		obuf_puts(o, g->flag ? "downstream " : "upstream ");
		out__as_text(o, nm, g->upstream);
		obuf_puts(o, end ? ", which the watch list does not allow: " : ", which the watch list does not allow, on: ");
		break;
	case DET_WATCH_RPKI:
		if (g->upstream == RPKI_R_NOT_FOUND)
			obuf_printf(o, end ? " watched %s: no route that no VRP covers any more: " : " watched %s covered by no VRP: ",
				    watched);
		else
			obuf_printf(o, end ? " RPKI invalid on watched %s over: " : " RPKI invalid on watched %s: ",
				    watched);
		break;
	case DET_WATCH_VISIBILITY:
		if (end)
			obuf_printf(o, " watched %s is seen again by the peers that lost it: ", watched);
		else
			obuf_printf(o, " watched %s withdrawn by %u peer%s: ", watched, g->peers, g->peers == 1 ? "" : "s");
		break;
	case DET_WATCH_PATH: {
		const char *rule = d && json_object_object_get_ex(d, "rule", &v) ? json_object_get_string(v) : "?";
		obuf_printf(o, end ? " no longer a path of watched %s that %s: " : " a path of watched %s %s: ", watched,
			    rule);
		break;
	}
	}
	store_prefixes_text(o, g->prefixes, npfx, 8);
	if (d && json_object_object_get_ex(d, "description", &v) && *json_object_get_string(v))
		obuf_printf(o, " [%s]", json_object_get_string(v));
	if (d && json_object_object_get_ex(d, "group", &v) && json_object_is_type(v, json_type_array)) {
		obuf_puts(o, " (group");
		for (size_t i = 0; i < json_object_array_length(v); i++)
			obuf_printf(o, "%s %s", i ? "," : "", json_object_get_string(json_object_array_get_idx(v, i)));
		obuf_putc(o, ')');
	}
	json_object_put(d);
}

/* One line, e.g.
 * 2017-10-01 09:07:51 UTC  AS131279 STAR-KP gained upstream AS20485 TRANSTELECOM on 3 of 4 prefixes (new): ... */
static void text_event(struct out *out, const struct store_event *g)
{
	struct obuf *o = out->ob;
	const struct names *nm = out->nm;
	char tb[40];
	uint32_t npfx = store_prefixes_count(g->prefixes);
	obuf_putsn(o, tb, out__when(tb, g->time, true));
	obuf_puts(o, "  ");
	if (g->type == DET_COLLECTOR_GAP) {
		uint32_t s = g->determined - g->time;
		obuf_printf(o, "collector %s: no data until ", g->collector ? g->collector : "?");
		obuf_putsn(o, tb, out__when(tb, g->determined, true));
		obuf_printf(o, " (%uh%02um): nothing is known of this time\n", s / 3600, s % 3600 / 60);
		return;
	}
	bool country = g->type == DET_COUNTRY_GAINED || g->type == DET_COUNTRY_LOST;
	if (country) { /* docs/events.md §14: origin holds the country code */
		char cc[3];
		geo_cc_str((uint16_t)g->origin, cc);
		obuf_printf(o, "country %s", cc);
	} else if (g->has_origin) {
		out__as_text(o, nm, g->origin);
	} else {
		obuf_puts(o, "(no origin)");
	}
	uint32_t of = g->origin_prefixes > npfx ? g->origin_prefixes : npfx;
	switch (g->type) {
	case DET_UPSTREAM_GAINED:
	case DET_UPSTREAM_LOST:
		obuf_puts(o, g->type == DET_UPSTREAM_GAINED ? " gained upstream " : " lost upstream ");
		out__as_text(o, nm, g->upstream);
		out__relationship(o, g->detail);
		obuf_printf(o, " on %u of %u prefix%s", npfx, of, of == 1 ? "" : "es");
		if (g->type == DET_UPSTREAM_GAINED)
			obuf_puts(o, g->flag ? " (new)" : "");
		else
			obuf_puts(o, g->flag ? " (last)" : "");
		obuf_puts(o, ": ");
		store_prefixes_text(o, g->prefixes, npfx, 8);
		break;
	case DET_PREFIX_DOWN:
	case DET_PREFIX_UP:
		obuf_printf(o, " %u prefix%s %s: ", npfx, npfx == 1 ? "" : "es",
			    g->type == DET_PREFIX_DOWN ? "down" : "back up");
		store_prefixes_text(o, g->prefixes, npfx, 8);
		break;
	case DET_ORIGIN_DOWN:
		obuf_puts(o, " down: no prefix of it is visible");
		break;
	case DET_ORIGIN_UP:
		obuf_puts(o, " back: visible again");
		break;
	/* docs/events.md §10 */
	case DET_ORIGIN_GAINED:
		obuf_printf(o, " began to originate %u prefix%s%s, beside ", npfx, npfx == 1 ? "" : "es",
			    g->flag ? " (a new origin for them)" : "");
		asns_text(o, nm, g->origins, "no other origin");
		obuf_puts(o, ": ");
		store_prefixes_text(o, g->prefixes, npfx, 8);
		break;
	case DET_ORIGIN_LOST:
		obuf_printf(o, " stopped originating %u prefix%s, still originated by ", npfx, npfx == 1 ? "" : "es");
		asns_text(o, nm, g->origins, "no other origin");
		obuf_puts(o, ": ");
		store_prefixes_text(o, g->prefixes, npfx, 8);
		break;
	case DET_PREFIX_NEW:
		obuf_printf(o, " announced %u new prefix%s: ", npfx, npfx == 1 ? "" : "es");
		store_prefixes_text(o, g->prefixes, npfx, 8);
		break;
	case DET_MORE_SPECIFIC:
		obuf_printf(o, " announced %u more-specific%s inside ", npfx, npfx == 1 ? "" : "s");
		asns_text(o, nm, g->origins, "no origin");
		obuf_printf(o, "'s %s: ", g->covering ? g->covering : "?");
		store_prefixes_text(o, g->prefixes, npfx, 8);
		break;
	/* docs/events.md §12 */
	case DET_RPKI_INVALID:
		obuf_printf(o, " RPKI invalid (%s%s) on %u prefix%s: ",
			    g->upstream == RPKI_R_LENGTH ? "longer than the VRPs allow" : "origin not in the VRPs",
			    g->flag ? ", after a VRP change" : "", npfx, npfx == 1 ? "" : "es");
		store_prefixes_text(o, g->prefixes, npfx, 8);
		if (g->covering && *g->covering) {
			obuf_puts(o, "; VRPs: ");
			store_items_text(o, g->covering);
		}
		break;
	case DET_RPKI_INVALID_END:
		obuf_printf(o, " no longer RPKI invalid on %u prefix%s: ", npfx, npfx == 1 ? "" : "es");
		store_prefixes_text(o, g->prefixes, npfx, 8);
		break;
	default:
		if (g->type >= DET_WATCH_HIJACK)
			watch_text(o, nm, g, npfx);
		break;
	/* docs/events.md §11: the origin printed first is the leaker */
	case DET_ROUTE_LEAK:
	case DET_ROUTE_LEAK_END: {
		uint32_t from, to;
		store_leak_pair(g->covering, &from, &to);
		obuf_printf(o, g->type == DET_ROUTE_LEAK ? " leaked %u prefix%s of " : " no longer leaks %u prefix%s of ",
			    npfx, npfx == 1 ? "" : "es");
		asns_text(o, nm, g->origins, "no origin");
		obuf_puts(o, " from ");
		out__as_text(o, nm, from);
		obuf_puts(o, " to ");
		out__as_text(o, nm, to);
		obuf_puts(o, ": ");
		store_prefixes_text(o, g->prefixes, npfx, 8);
		break;
	}
	case DET_COUNTRY_GAINED:
	case DET_COUNTRY_LOST:
		obuf_puts(o, g->type == DET_COUNTRY_GAINED ? " gained international provider "
							   : " lost international provider ");
		out__as_text(o, nm, g->upstream);
		obuf_printf(o, " on %u prefix%s of ", npfx, npfx == 1 ? "" : "es");
		asns_text(o, nm, g->origins, "no network");
		obuf_puts(o, g->type == DET_COUNTRY_GAINED && g->flag ? " (new): " : ": ");
		store_prefixes_text(o, g->prefixes, npfx, 8);
		break;
	}
	if (g->since) {
		/* docs/events.md §9: a RIB dump after a gap revealed it */
		obuf_puts(o, " (between ");
		obuf_putsn(o, tb, out__when(tb, g->since, true));
		obuf_puts(o, " and this time: its collector had a gap)");
	}
	obuf_putc(o, '\n');
}

/* ---------------------------------------------------------------- as */

static void up_text(struct obuf *o, const struct names *nm, uint32_t asn)
{
	if (asn)
		out__as_text(o, nm, asn);
	else
		obuf_puts(o, "(none: the origin is the peer)");
}

static const char *plural(uint32_t n, const char *one, const char *more)
{
	return n == 1 ? one : more;
}

/* e.g.
 * AS131279 STAR-KP at 2017-10-01 09:30:00 UTC (14 peers with routes on 2 collectors)
 *   upstreams by share of its 56 routes (peer x prefix):
 *      67.9%  AS4837 CHINA169-BACKBONE: 4 of 4 prefixes, 14 peers on 2 collectors, 38 routes
 *      32.1%  AS20485 TRANSTELECOM: 3 of 4 prefixes, 6 peers on 2 collectors, 18 routes
 *   4 prefixes:
 *   175.45.176.0/24      seen by 14 of 14 peers on 2 collectors
 *       upstream AS20485 TRANSTELECOM: 6 peers on 2 collectors
 *       ... */
static void text_origin(struct out *out, const struct rib *r, const struct rib_origin_view *v, uint32_t when)
{
	struct obuf *o = out->ob;
	char tb[40];
	out__when(tb, when, true);
	out__as_text(o, out->nm, v->origin);
	if (!v->npfx) {
		obuf_printf(o, " at %s: no route with this origin (%u peers with routes on %u collectors)\n", tb,
			    v->peers_total, v->colls_total);
		return;
	}
	obuf_printf(o, " at %s (%u peers with routes on %u collectors)", tb, v->peers_total, v->colls_total);
	if (out->cones) {
		uint32_t n = asrel_cone_size(out->cones, v->origin);
		obuf_printf(o, "; customer cone: %u network%s", n, plural(n, "", "s"));
	}
	obuf_putc(o, '\n');
	obuf_printf(o, "  upstreams by share of its %llu route%s (peer x prefix):\n", (unsigned long long)v->routes,
		    v->routes == 1 ? "" : "s");
	for (uint32_t i = 0; i < v->nsum; i++) {
		const struct rib_up_sum *u = &v->sum[i];
		obuf_printf(o, "    %5.1f%%  ", 100 * u->share);
		up_text(o, out->nm, u->asn);
		out__rel_text(out, v->origin, u->asn);
		obuf_printf(o, ": %u of %u prefix%s, %u peer%s on %u collector%s, %llu route%s", u->prefixes, v->npfx,
			    plural(v->npfx, "", "es"), u->peers, plural(u->peers, "", "s"), u->colls,
			    plural(u->colls, "", "s"), (unsigned long long)u->routes, u->routes == 1 ? "" : "s");
		if (out->cones && u->asn)
			obuf_printf(o, "; customer cone %u", asrel_cone_size(out->cones, u->asn));
		obuf_putc(o, '\n');
	}
	obuf_printf(o, "  %u prefix%s:\n", v->npfx, plural(v->npfx, "", "es"));
	for (uint32_t i = 0; i < v->npfx; i++) {
		const struct rib_pfx_view *p = &v->pfx[i];
		char pb[RW_PREFIX_STRLEN];
		fmt_prefix(pb, &r->pfx[p->pfx].p);
		obuf_printf(o, "  %-20s seen by %u of %u peers on %u collector%s\n", pb, p->peers, v->peers_total,
			    p->colls, plural(p->colls, "", "s"));
		for (uint32_t k = 0; k < p->nup; k++) {
			const struct rib_up_view *u = &v->up[p->up_off + k];
			obuf_puts(o, "      upstream ");
			up_text(o, out->nm, u->asn);
			obuf_printf(o, ": %u peer%s on %u collector%s\n", u->peers, plural(u->peers, "", "s"), u->colls,
				    plural(u->colls, "", "s"));
		}
	}
}

/* ---------------------------------------------------------------- prefix */

/* e.g.
 * 175.45.176.0/22 at 2017-10-01 09:30:00 UTC (14 peers with routes on 2 collectors)
 *   no route for 175.45.176.0/22 itself; 4 more-specific prefixes:
 *   175.45.176.0/24      seen by 14 of 14 peers on 2 collectors
 *       origin AS131279 STAR-KP: 14 peers on 2 collectors
 *           upstream AS4837 CHINA169-BACKBONE: 8 peers on 2 collectors
 *           upstream AS20485 TRANSTELECOM: 6 peers on 2 collectors
 *       collector route-views2: 8 of 8 peers
 *       collector rrc00: 6 of 6 peers
 *   ... */
static void text_prefix(struct out *out, const struct rib *r, const struct rib_prefix_view *v, uint32_t when)
{
	struct obuf *o = out->ob;
	char tb[40], qb[RW_PREFIX_STRLEN];
	out__when(tb, when, true);
	fmt_prefix(qb, &v->query);
	uint32_t more = v->npfx - v->present;
	if (!v->npfx) {
		obuf_printf(o, "%s at %s: no route for this prefix or any more-specific prefix (%u peers with routes on "
			    "%u collectors)\n",
			    qb, tb, v->peers_total, v->colls_total);
		return;
	}
	obuf_printf(o, "%s at %s (%u peers with routes on %u collectors)\n", qb, tb, v->peers_total, v->colls_total);
	if (!v->present)
		obuf_printf(o, "  no route for %s itself; %u more-specific prefix%s:\n", qb, more,
			    plural(more, "", "es"));
	else if (more)
		obuf_printf(o, "  the prefix and %u more-specific prefix%s:\n", more, plural(more, "", "es"));
	else
		obuf_puts(o, "  the prefix (no more-specific prefix):\n");
	for (uint32_t i = 0; i < v->npfx; i++) {
		const struct rib_pv_prefix *p = &v->pfx[i];
		char pb[RW_PREFIX_STRLEN];
		fmt_prefix(pb, &r->pfx[p->pfx].p);
		obuf_printf(o, "  %-20s seen by %u of %u peers on %u collector%s\n", pb, p->peers, v->peers_total,
			    p->colls, plural(p->colls, "", "s"));
		for (uint32_t k = 0; k < p->norg; k++) {
			const struct rib_pv_origin *g = &v->org[p->org_off + k];
			obuf_puts(o, "      origin ");
			if (g->asn)
				out__as_text(o, out->nm, g->asn);
			else
				obuf_puts(o, "(none: an empty path or one ending in an AS_SET)");
			obuf_printf(o, ": %u peer%s on %u collector%s\n", g->peers, plural(g->peers, "", "s"), g->colls,
				    plural(g->colls, "", "s"));
			for (uint32_t j = 0; j < g->nup; j++) {
				const struct rib_up_view *u = &v->up[g->up_off + j];
				obuf_puts(o, "          upstream ");
				up_text(o, out->nm, u->asn);
				obuf_printf(o, ": %u peer%s on %u collector%s\n", u->peers, plural(u->peers, "", "s"),
					    u->colls, plural(u->colls, "", "s"));
			}
		}
		for (uint32_t k = 0; k < p->ncoll; k++) {
			const struct rib_pv_coll *c = &v->coll[p->coll_off + k];
			obuf_printf(o, "      collector %s: %u of %u peers\n", r->coll[c->coll].name, c->peers,
				    c->peers_total);
		}
	}
}

/* ---------------------------------------------------------------- history */

static void put_time(struct obuf *o, uint32_t t)
{
	char b[40];
	if (!t)
		obuf_puts(o, "now");
	else
		obuf_putsn(o, b, out__when(b, t, true));
}

static void text_history(struct out *out, const struct store_history *h, const struct store_upstream *u, size_t nu)
{
	struct obuf *o = out->ob;
	bool country = h->tab == STORE_COUNTRIES; /* docs/events.md §14 */
	const char *full = out->nm && !country ? names_get(out->nm, h->origin) : NULL;
	if (country) {
		char cc[3];
		geo_cc_str((uint16_t)h->origin, cc);
		obuf_printf(o, "country %s\n", cc);
	} else {
		obuf_printf(o, "AS%u%s%s\n", h->origin, full ? " " : "", full ? full : "");
	}
	obuf_puts(o, "  first seen ");
	put_time(o, h->first_seen);
	if (country)
		obuf_printf(o, "; now %u route%s (peer x prefix) of its networks", h->routes, h->routes == 1 ? "" : "s");
	else
		obuf_printf(o, "; now %u prefix%s", h->prefixes, h->prefixes == 1 ? "" : "es");
	if (h->prefixes && !country)
		obuf_printf(o, ", seen by %.1f peers each on average", (double)h->routes / h->prefixes);
	obuf_puts(o, " (store clock ");
	put_time(o, h->clock);
	obuf_puts(o, ")\n");
	const char *what = country ? "international provider" : "upstream";
	if (!nu) {
		obuf_printf(o, "  no confirmed %s\n", what);
		return;
	}
	obuf_printf(o, "  %zu %s%s:\n", nu, what, nu == 1 ? "" : "s");
	for (size_t i = 0; i < nu; i++) {
		obuf_puts(o, "    ");
		out__as_text(o, out->nm, u[i].asn);
		out__rel_text(out, h->origin, u[i].asn);
		obuf_printf(o, ": %s, %.1f%% of its routes on average, %.1f%% at most\n", u[i].last ? "gone" : "present",
			    100 * u[i].mean, 100 * u[i].max);
		for (size_t k = 0; k < u[i].n; k++) {
			const struct store_interval *iv = &h->iv[u[i].i0 + k];
			obuf_puts(o, "      ");
			put_time(o, iv->start);
			obuf_puts(o, " - ");
			put_time(o, iv->end);
			obuf_putc(o, '\n');
		}
	}
}

const struct out_ops out__text_ops = {
	.elem = out__bgpdump_elem,
	.event = text_event,
	.origin = text_origin,
	.prefix = text_prefix,
	.history = text_history,
	.country = out__country_text,
};
