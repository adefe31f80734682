/*
 * The report as one JSON object (report --json, and the HTTP API to come):
 * the same data the English account and the chart are written from, plus
 * the account itself, so a tool can show the words and use the numbers.
 *
 *   {"origin":131279,"name":"STAR-KP ...","from":"...","to":"...",
 *    "first_seen":"...","down_at_from":false,
 *    "upstreams":[{"asn":4837,"name":"...","first":"...","last":null,
 *                  "mean_share":0.95,"max_share":1.0}],
 *    "events":[{"type":"upstream_gained","time":"...","upstream":20485,
 *               "prefixes":[...],"flag":true,"origin_prefixes":4}],
 *    "outages":[{"start":"...","end":"...","seconds":202}],
 *    "text":"AS131279, from ..."}
 *
 * Times are RFC 3339 UTC; "last" and an outage's "end" are null while it
 * goes on; an event's "since" (docs/events.md §9) and a collector_gap's
 * "collector" and "to" appear when they apply.
 */
#include "report.h"
#include "../detect/det.h"

#include <stdlib.h>

static void put_time(struct obuf *o, uint32_t t, bool null_if_0)
{
	if (!t && null_if_0) {
		obuf_puts(o, "null");
		return;
	}
	char b[32];
	fmt_time_rfc3339(b, t);
	obuf_printf(o, "\"%s\"", b);
}

/* ,"k":time */
static void when(struct obuf *o, const char *k, uint32_t t, bool null_if_0)
{
	obuf_printf(o, ",\"%s\":", k);
	put_time(o, t, null_if_0);
}

static void name(struct obuf *o, const struct names *nm, uint32_t asn)
{
	const char *s = nm ? names_get(nm, asn) : NULL;
	if (s) {
		obuf_puts(o, ",\"name\":");
		obuf_json_str(o, s, strlen(s));
	}
}

void report_json(const struct report_data *d, const struct names *nm, struct obuf *o)
{
	if (report_is_country(d)) { /* docs/events.md §14 */
		char cc[3];
		geo_cc_str((uint16_t)d->origin, cc);
		obuf_printf(o, "{\"country\":\"%s\"", cc);
	} else {
		obuf_printf(o, "{\"origin\":%u", d->origin);
		name(o, nm, d->origin);
	}
	when(o, "from", d->from, false);
	when(o, "to", d->to, false);
	when(o, "first_seen", d->h.first_seen, true);
	obuf_printf(o, ",\"down_at_from\":%s", d->down_at_from ? "true" : "false");
	size_t nu = 0;
	struct store_upstream *u = store_history_upstreams(&d->h, &nu);
	obuf_puts(o, report_is_country(d) ? ",\"providers\":[" : ",\"upstreams\":[");
	for (size_t i = 0; i < nu; i++) {
		obuf_printf(o, "%s{\"asn\":%u", i ? "," : "", u[i].asn);
		name(o, nm, u[i].asn);
		when(o, "first", u[i].first, false);
		when(o, "last", u[i].last, true);
		if (u64map_get(&d->rel, u[i].asn)) /* docs/events.md §14 */
			obuf_printf(o, ",\"relationship\":\"%s\"", asrel_name(report_rel(d, u[i].asn)));
		obuf_printf(o, ",\"mean_share\":%.4f,\"max_share\":%.4f}", u[i].mean, u[i].max);
	}
	free(u);
	obuf_puts(o, "],\"events\":[");
	for (uint32_t i = 0; i < d->nev; i++) {
		const struct report_event *e = &d->ev[i];
		obuf_printf(o, "%s{\"type\":\"%s\"", i ? "," : "", det_type_name((enum det_type)e->type));
		when(o, "time", e->time, false);
		if (e->type == DET_UPSTREAM_GAINED || e->type == DET_UPSTREAM_LOST)
			obuf_printf(o, ",\"upstream\":%u,\"flag\":%s", e->upstream, e->flag ? "true" : "false");
		if (e->type == DET_COLLECTOR_GAP) {
			obuf_puts(o, ",\"collector\":");
			obuf_json_str(o, e->collector ? e->collector : "", e->collector ? strlen(e->collector) : 0);
			when(o, "to", e->until, false);
		}
		obuf_puts(o, ",\"prefixes\":[");
		const char *p = e->prefixes;
		for (bool first = true; p && *p; first = false) {
			size_t n = strcspn(p, " ");
			obuf_printf(o, "%s\"%.*s\"", first ? "" : ",", (int)n, p);
			p += n;
			p += strspn(p, " ");
		}
		obuf_putc(o, ']');
		if (e->origin_prefixes)
			obuf_printf(o, ",\"origin_prefixes\":%u", e->origin_prefixes);
		if (e->since)
			when(o, "since", e->since, false);
		obuf_putc(o, '}');
	}
	obuf_puts(o, "],\"outages\":[");
	for (uint32_t i = 0; i < d->nout; i++) {
		const struct report_outage *x = &d->out[i];
		obuf_puts(o, i ? ",{\"start\":" : "{\"start\":");
		put_time(o, x->start, false);
		when(o, "end", x->end, true);
		obuf_printf(o, ",\"seconds\":%u}", (x->end ? x->end : d->to) - x->start);
	}
	obuf_puts(o, "],\"text\":");
	struct obuf t;
	obuf_init_mem(&t, 4096);
	report_text(d, nm, &t);
	obuf_json_str(o, t.buf, t.len);
	obuf_release(&t);
	obuf_puts(o, "}\n");
}
