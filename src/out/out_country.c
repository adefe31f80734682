/*
 * docs/events.md §14: a country's view (routewatch country CC) in text
 * and JSON. The view is det_country_view's; this file only prints it.
 */
#include "out_int.h"

static const char *es(uint64_t n)
{
	return n == 1 ? "" : "es";
}

static const char *s_(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* "AS1 NAME, AS2 NAME" from ids[off..off+n) */
static void asn_list(struct obuf *o, const struct names *nm, const uint32_t *ids, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			obuf_puts(o, ", ");
		out__as_text(o, nm, ids[i]);
	}
}

/* e.g.
 * country KP at 2017-10-01 09:30:00 UTC: 1 network, 4 prefixes, 56 routes (peer x prefix), 14 peers with routes
 *   international providers by share of its routes:
 *      67.9%  AS4837 CHINA169-BACKBONE: 4 of 4 prefixes, 14 peers, 38 routes, from AS131279 STAR-KP
 *   1 network:
 *     AS131279 STAR-KP: 4 prefixes, 56 routes
 *   4 prefixes:
 *   175.45.176.0/24      seen by 14 of 14 peers; from AS131279 STAR-KP through AS4837 CHINA169-BACKBONE */
void out__country_text(struct out *out, const struct rib *r, const struct det_country_view *v, uint32_t when)
{
	struct obuf *o = out->ob;
	const struct names *nm = out->nm;
	char tb[40], cc[3];
	out__when(tb, when, true);
	geo_cc_str(v->cc, cc);
	if (!v->npfx) {
		obuf_printf(o, "country %s at %s: no route of a network registered in it (%u peers with routes)\n", cc,
			    tb, v->peers_total);
		return;
	}
	obuf_printf(o, "country %s at %s: %u network%s, %u prefix%s, %llu route%s (peer x prefix), %u peers with routes\n",
		    cc, tb, v->nnet, s_(v->nnet), v->npfx, es(v->npfx), (unsigned long long)v->routes, s_(v->routes),
		    v->peers_total);
	obuf_puts(o, "  international providers by share of its routes:\n");
	for (uint32_t i = 0; i < v->nprov; i++) {
		const struct det_cv_prov *p = &v->prov[i];
		obuf_printf(o, "    %5.1f%%  ", 100 * p->share);
		out__as_text(o, nm, p->asn);
		obuf_printf(o, ": %u of %u prefix%s, %u peer%s, %llu route%s, from ", p->prefixes, v->npfx, es(v->npfx),
			    p->peers, s_(p->peers), (unsigned long long)p->routes, s_(p->routes));
		asn_list(o, nm, v->ids + p->border, p->nborder);
		obuf_putc(o, '\n');
	}
	if (v->inside)
		obuf_printf(o, "    %5.1f%%  no international provider (the route stays in %s, or an AS_SET hides "
			       "where it leaves): %llu route%s\n",
			    100.0 * (double)v->inside / (double)v->routes, cc, (unsigned long long)v->inside,
			    s_(v->inside));
	obuf_printf(o, "  %u network%s:\n", v->nnet, s_(v->nnet));
	for (uint32_t i = 0; i < v->nnet; i++) {
		obuf_puts(o, "    ");
		out__as_text(o, nm, v->net[i].asn);
		obuf_printf(o, ": %u prefix%s, %llu route%s\n", v->net[i].prefixes, es(v->net[i].prefixes),
			    (unsigned long long)v->net[i].routes, s_(v->net[i].routes));
	}
	obuf_printf(o, "  %u prefix%s:\n", v->npfx, es(v->npfx));
	for (uint32_t i = 0; i < v->npfx; i++) {
		const struct det_cv_pfx *p = &v->pfx[i];
		char pb[RW_PREFIX_STRLEN];
		fmt_prefix(pb, &r->pfx[p->pfx].p);
		obuf_printf(o, "  %-20s seen by %u of %u peers; from ", pb, p->vis, v->peers_total);
		asn_list(o, nm, v->ids + p->origin, p->norigin);
		if (p->nprov) {
			obuf_puts(o, " through ");
			asn_list(o, nm, v->ids + p->prov, p->nprov);
		} else {
			obuf_puts(o, ", inside");
		}
		obuf_putc(o, '\n');
	}
}

static void json_ids(struct obuf *o, const char *k, const uint32_t *ids, uint32_t n)
{
	out__key(o, k);
	obuf_putc(o, '[');
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			obuf_putc(o, ',');
		obuf_putu32(o, ids[i]);
	}
	obuf_putc(o, ']');
}

void out__country_json(struct out *out, const struct rib *r, const struct det_country_view *v, uint32_t when)
{
	struct obuf *o = out->ob;
	char cc[3];
	geo_cc_str(v->cc, cc);
	obuf_puts(o, "{\"country\":");
	obuf_json_str(o, cc, 2);
	out__ktime(o, "time", when);
	out__knum(o, "peers_total", v->peers_total);
	out__knum(o, "routes", v->routes);
	out__knum(o, "routes_inside", v->inside);
	obuf_puts(o, ",\"providers\":[");
	for (uint32_t i = 0; i < v->nprov; i++) {
		const struct det_cv_prov *p = &v->prov[i];
		obuf_puts(o, i ? ",{\"asn\":" : "{\"asn\":");
		obuf_putu32(o, p->asn);
		out__kname(o, out->nm, p->asn, "name");
		out__knum(o, "prefixes", p->prefixes);
		out__knum(o, "peers", p->peers);
		out__knum(o, "routes", p->routes);
		out__key(o, "share");
		out__share(o, p->share);
		json_ids(o, "border", v->ids + p->border, p->nborder);
		obuf_putc(o, '}');
	}
	obuf_puts(o, "],\"networks\":[");
	for (uint32_t i = 0; i < v->nnet; i++) {
		obuf_puts(o, i ? ",{\"asn\":" : "{\"asn\":");
		obuf_putu32(o, v->net[i].asn);
		out__kname(o, out->nm, v->net[i].asn, "name");
		out__knum(o, "prefixes", v->net[i].prefixes);
		out__knum(o, "routes", v->net[i].routes);
		obuf_putc(o, '}');
	}
	obuf_puts(o, "],\"prefixes\":[");
	for (uint32_t i = 0; i < v->npfx; i++) {
		const struct det_cv_pfx *p = &v->pfx[i];
		char pb[RW_PREFIX_STRLEN];
		obuf_puts(o, i ? ",{\"prefix\":" : "{\"prefix\":");
		obuf_json_str(o, pb, fmt_prefix(pb, &r->pfx[p->pfx].p));
		out__knum(o, "peers", p->vis);
		json_ids(o, "origins", v->ids + p->origin, p->norigin);
		json_ids(o, "providers", v->ids + p->prov, p->nprov);
		obuf_putc(o, '}');
	}
	obuf_puts(o, "]}\n");
}
