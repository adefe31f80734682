/*
 * The shapes the HTTP API serves that no command prints (out.h): an
 * origin's summary from the history store, lists of ASNs with names. The
 * field names are those of history --json (origin, name, first_seen,
 * prefixes, routes, clock, upstreams[].asn...) and RIPEstat's where ours
 * have none ("announced"). Names are written with obuf_json_str, like
 * every name the JSON format prints.
 */
#include "out_int.h"

#include <stdio.h>

static void when(struct obuf *o, const char *k, uint32_t t)
{
	out__key(o, k);
	if (!t) {
		obuf_puts(o, "null");
		return;
	}
	char b[40];
	obuf_putc(o, '"');
	obuf_putsn(o, b, out__when(b, t, false));
	obuf_putc(o, '"');
}

static void name(struct obuf *o, const struct names *nm, uint32_t asn)
{
	const char *s = nm ? names_get(nm, asn) : NULL;
	out__key(o, "name");
	if (s)
		obuf_json_str(o, s, strlen(s));
	else
		obuf_puts(o, "null");
}

static void share(struct obuf *o, const char *k, double v)
{
	char b[32];
	int n = snprintf(b, sizeof b, "%.4f", v);
	while (n > 2 && b[n - 1] == '0' && b[n - 2] != '.')
		n--;
	out__key(o, k);
	obuf_putsn(o, b, (size_t)n);
}

void out_summary_json(struct obuf *o, const struct names *nm, const struct store_history *h,
		      const struct store_upstream *u, size_t nu, bool down, uint32_t down_since,
		      const struct asrel *rel, const struct asrel_cones *cones)
{
	obuf_puts(o, "{\"origin\":");
	obuf_putu32(o, h->origin);
	name(o, nm, h->origin);
	obuf_puts(o, h->prefixes ? ",\"announced\":true" : ",\"announced\":false");
	when(o, "first_seen", h->first_seen);
	out__knum(o, "prefixes", h->prefixes);
	out__knum(o, "routes", h->routes);
	if (cones)
		out__knum(o, "customer_cone", asrel_cone_size(cones, h->origin));
	when(o, "changed", h->changed);
	when(o, "clock", h->clock);
	obuf_puts(o, down ? ",\"down\":true" : ",\"down\":false");
	if (down)
		when(o, "down_since", down_since);
	/* the upstreams it has now (their last interval open), then how many
	 * it ever had */
	obuf_puts(o, ",\"upstreams\":[");
	bool first = true;
	for (size_t i = 0; i < nu; i++) {
		if (u[i].last)
			continue;
		const struct store_interval *iv = &h->iv[u[i].i0 + u[i].n - 1];
		obuf_puts(o, first ? "{\"asn\":" : ",{\"asn\":");
		first = false;
		obuf_putu32(o, u[i].asn);
		name(o, nm, u[i].asn);
		if (rel) {
			const char *w = asrel_name(asrel_get(rel, h->origin, u[i].asn));
			out__kstr(o, "relationship", w, strlen(w));
		}
		if (cones)
			out__knum(o, "customer_cone", asrel_cone_size(cones, u[i].asn));
		when(o, "since", iv->start);
		share(o, "share_now", iv->share_now);
		share(o, "share_mean", u[i].mean);
		obuf_putc(o, '}');
	}
	obuf_puts(o, "]");
	out__knum(o, "upstreams_ever", nu);
	obuf_puts(o, "}\n");
}

void out_asns_json(struct obuf *o, const struct names *nm, const uint32_t (*a)[2], size_t n, const char *k2)
{
	obuf_putc(o, '[');
	for (size_t i = 0; i < n; i++) {
		obuf_puts(o, i ? ",{\"asn\":" : "{\"asn\":");
		obuf_putu32(o, a[i][0]);
		name(o, nm, a[i][0]);
		if (k2)
			when(o, k2, a[i][1]);
		obuf_putc(o, '}');
	}
	obuf_putc(o, ']');
}
