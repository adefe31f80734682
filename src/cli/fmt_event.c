/* Events for people and for programs: the one line of text and the JSON
 * object that `events`, `events --db` and `collect` print, from the
 * store's view of an event (prefixes as text). */
#include "cli.h"
#include "../names/names.h"
#include "../detect/det.h"
#include "../store/store.h"

#include <time.h>

static size_t fmt_when(char *b, uint32_t t, bool text)
{
	time_t tt = t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	return strftime(b, 40, text ? "%Y-%m-%d %H:%M:%S UTC" : "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void put_name(struct obuf *o, const struct names *nm, uint32_t asn, bool json, const char *key)
{
	const char *s = nm ? names_get(nm, asn) : NULL;
	if (!s)
		return;
	if (json) {
		obuf_printf(o, ",\"%s\":", key);
		obuf_json_str(o, s, strlen(s));
	}
}

/* Both sources (the engine's grouped events, the store's rows) print
 * through one view: struct store_event with its prefixes as text. */
void event_print_json(struct obuf *o, const struct store_event *g, const struct names *nm)
{
	char tb[40];
	obuf_puts(o, "{\"type\":\"");
	obuf_puts(o, det_type_name((enum det_type)g->type));
	obuf_puts(o, "\",\"time\":\"");
	obuf_putsn(o, tb, fmt_when(tb, g->time, false));
	obuf_puts(o, "\",\"origin\":");
	if (g->has_origin)
		obuf_putu32(o, g->origin);
	else
		obuf_puts(o, "null");
	bool up = g->type == DET_UPSTREAM_GAINED || g->type == DET_UPSTREAM_LOST;
	if (up) {
		obuf_puts(o, ",\"upstream\":");
		obuf_putu32(o, g->upstream);
	}
	obuf_puts(o, ",\"prefixes\":[");
	for (const char *p = g->prefixes; *p;) {
		size_t n = strcspn(p, " ");
		if (p != g->prefixes)
			obuf_putc(o, ',');
		obuf_putc(o, '"');
		obuf_putsn(o, p, n);
		obuf_putc(o, '"');
		p += n;
		p += strspn(p, " ");
	}
	obuf_putc(o, ']');
	if (g->type == DET_UPSTREAM_GAINED)
		obuf_puts(o, g->flag ? ",\"new_for_origin\":true" : ",\"new_for_origin\":false");
	if (g->type == DET_UPSTREAM_LOST)
		obuf_puts(o, g->flag ? ",\"last_for_origin\":true" : ",\"last_for_origin\":false");
	if (g->type == DET_UPSTREAM_GAINED) {
		obuf_puts(o, ",\"confirmed_at\":\"");
		obuf_putsn(o, tb, fmt_when(tb, g->determined, false));
		obuf_puts(o, "\",\"peers\":");
		obuf_putu32(o, g->peers);
	}
	if (g->has_origin && g->origin_prefixes) {
		obuf_puts(o, ",\"origin_prefixes\":");
		obuf_putu32(o, g->origin_prefixes);
	}
	if (g->has_origin)
		put_name(o, nm, g->origin, true, "origin_name");
	if (up)
		put_name(o, nm, g->upstream, true, "upstream_name");
	obuf_puts(o, "}\n");
}

static void as_text(struct obuf *o, const struct names *nm, uint32_t asn)
{
	char nb[64];
	obuf_puts(o, "AS");
	obuf_putu32(o, asn);
	const char *s = nm ? names_short(nm, asn, nb, sizeof nb) : NULL;
	if (s) {
		obuf_putc(o, ' ');
		obuf_puts(o, s);
	}
}

static void prefix_list(struct obuf *o, const struct store_event *g, uint32_t npfx, unsigned max)
{
	unsigned k = 0;
	for (const char *p = g->prefixes; *p && k < max; k++) {
		size_t n = strcspn(p, " ");
		obuf_puts(o, k ? ", " : "");
		obuf_putsn(o, p, n);
		p += n;
		p += strspn(p, " ");
	}
	if (npfx > max)
		obuf_printf(o, " and %u more", npfx - max);
}

static uint32_t count_prefixes(const char *p)
{
	uint32_t n = 0;
	while (*p) {
		n++;
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	return n;
}

/* One line for people, e.g.
 * 2017-10-01 09:07:51 UTC  AS131279 STAR-KP gained upstream AS20485 TRANSTELECOM on 3 of 4 prefixes (new) */
void event_print_text(struct obuf *o, const struct store_event *g, const struct names *nm)
{
	char tb[40];
	uint32_t npfx = count_prefixes(g->prefixes);
	obuf_putsn(o, tb, fmt_when(tb, g->time, true));
	obuf_puts(o, "  ");
	if (g->has_origin)
		as_text(o, nm, g->origin);
	else
		obuf_puts(o, "(no origin)");
	uint32_t of = g->origin_prefixes > npfx ? g->origin_prefixes : npfx;
	switch (g->type) {
	case DET_UPSTREAM_GAINED:
	case DET_UPSTREAM_LOST:
		obuf_puts(o, g->type == DET_UPSTREAM_GAINED ? " gained upstream " : " lost upstream ");
		as_text(o, nm, g->upstream);
		obuf_printf(o, " on %u of %u prefix%s", npfx, of, of == 1 ? "" : "es");
		if (g->type == DET_UPSTREAM_GAINED)
			obuf_puts(o, g->flag ? " (new)" : "");
		else
			obuf_puts(o, g->flag ? " (last)" : "");
		obuf_puts(o, ": ");
		prefix_list(o, g, npfx, 8);
		break;
	case DET_PREFIX_DOWN:
	case DET_PREFIX_UP:
		obuf_printf(o, " %u prefix%s %s: ", npfx, npfx == 1 ? "" : "es",
			    g->type == DET_PREFIX_DOWN ? "down" : "back up");
		prefix_list(o, g, npfx, 8);
		break;
	case DET_ORIGIN_DOWN:
		obuf_puts(o, " down: no prefix of it is visible");
		break;
	case DET_ORIGIN_UP:
		obuf_puts(o, " back: visible again");
		break;
	}
	obuf_putc(o, '\n');
}

