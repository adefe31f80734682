/*
 * The written account of a window, the way an analyst publishes it:
 *
 *   1. the context from the store before the window: the upstreams the
 *      origin relied on and since when, which were partial (under half of
 *      its routes on average), which had served it earlier;
 *   2. what happened, in time order and to the second: upstreams gained
 *      (new, or returning), spreading to more prefixes, leaving prefixes,
 *      vanishing; outages of the whole origin with start, end and
 *      duration, grouped into periods of instability when they follow each
 *      other within an hour; prefixes that went down and came back;
 *   3. the state at the end of the window and a one-line tally.
 */
#include "report.h"

#include "../detect/det.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CLUSTER_GAP 3600   /* outages closer than this form one period */
#define PARTIAL_SHARE 0.5  /* an upstream carrying less is "partial" */

/* ---------------------------------------------------------------- loading */

struct load_ctx {
	struct report_data *d;
};

static int on_event(void *arg, const struct store_event *e)
{
	struct load_ctx *c = arg;
	struct report_data *d = c->d;
	rw_vec_grow(&d->ev, &d->capev, (size_t)d->nev + 1, sizeof *d->ev, UINT32_MAX, RW_MEM_OTHER);
	struct report_event *r = &d->ev[d->nev++];
	/* a country's provider events are told as an origin's upstream ones */
	uint8_t type = e->type == DET_COUNTRY_GAINED ? DET_UPSTREAM_GAINED
		       : e->type == DET_COUNTRY_LOST ? DET_UPSTREAM_LOST
						     : e->type;
	/* (a country's gain always starts its episode: no route of the
	 * country had the provider just before, the sense of §5's flag) */
	*r = (struct report_event){.type = type, .flag = e->flag || e->type == DET_COUNTRY_GAINED, .time = e->time, .upstream = e->upstream,
				   .origin_prefixes = e->origin_prefixes, .prefixes = rw_strdup(e->prefixes),
				   .since = e->since, .peers = e->peers};
	r->origin = e->has_origin ? e->origin : 0;
	if (e->type == DET_COLLECTOR_GAP) {
		r->until = e->determined;
		r->collector = rw_strdup(e->collector ? e->collector : "?");
	}
	if (type >= DET_ORIGIN_GAINED) {
		if (type != DET_RPKI_INVALID)
			r->upstream = 0; /* more_specific: a prefix id, not an AS */
		r->origins = rw_strdup(e->origins ? e->origins : "");
		r->covering = rw_strdup(e->covering ? e->covering : "");
	}
	r->npfx = store_prefixes_count(r->prefixes);
	/* docs/events.md §14: the relationship the event was stored with */
	static const char key[] = "\"relationship\":\"";
	const char *k = (e->type == DET_UPSTREAM_GAINED || e->type == DET_UPSTREAM_LOST) && e->detail
				? strstr(e->detail, key) : NULL;
	if (k) {
		k += sizeof key - 1;
		int rel = asrel_parse_name(k, strcspn(k, "\""));
		if (rel > ASREL_UNKNOWN)
			*u64map_put(&d->rel, e->upstream) = (uint32_t)rel + 1;
	}
	return 0;
}

void report_relationships(struct report_data *d, const struct asrel *rel)
{
	for (uint32_t i = 0; i < d->h.niv; i++) {
		uint32_t u = d->h.iv[i].upstream;
		*u64map_put(&d->rel, u) = (uint32_t)asrel_get(rel, d->origin, u) + 1;
	}
	for (uint32_t i = 0; i < d->nev; i++)
		if (d->ev[i].type == DET_UPSTREAM_GAINED || d->ev[i].type == DET_UPSTREAM_LOST)
			*u64map_put(&d->rel, d->ev[i].upstream) =
				(uint32_t)asrel_get(rel, d->origin, d->ev[i].upstream) + 1;
}

enum asrel_rel report_rel(const struct report_data *d, uint32_t upstream)
{
	const uint32_t *v = u64map_get(&d->rel, upstream);
	return v ? (enum asrel_rel)(*v - 1) : ASREL_UNKNOWN;
}

static void load_start(struct report_data *d, uint32_t origin, uint32_t from, uint32_t to)
{
	memset(d, 0, sizeof *d);
	d->origin = origin;
	d->from = from;
	d->to = to;
}

int report_load(struct store *s, uint32_t origin, uint32_t from, uint32_t to, struct report_data *d)
{
	load_start(d, origin, from, to);
	int rc = store_history(s, origin, &d->h);
	if (rc)
		return rc;
	struct load_ctx c = {d};
	rc = store_events(s, false, origin, from, to, on_event, &c);
	if (!rc && !d->h.found) {
		/* no origin row: a network that only appears in events as
		 * another's (a leaker, docs/events.md §11) has a story too */
		bool any = false;
		for (size_t i = 0; i < d->nev && !any; i++)
			any = d->ev[i].type != DET_COLLECTOR_GAP;
		if (!any)
			return RW_ENOTFOUND;
	}
	uint32_t since = 0;
	if (!rc)
		rc = store_origin_down_at(s, origin, from, &d->down_at_from, &since);
	if (!rc)
		rc = store_series(s, origin, from, to, &d->series);
	if (rc)
		return rc;
	/* outages of the whole origin in the window */
	bool open = d->down_at_from;
	uint32_t start = since;
	for (size_t i = 0; i <= d->nev; i++) {
		bool end = i == d->nev;
		if (!end && d->ev[i].type == DET_ORIGIN_DOWN && !open) {
			open = true;
			start = d->ev[i].time;
		} else if ((end && open) || (!end && d->ev[i].type == DET_ORIGIN_UP && open)) {
			rw_vec_grow(&d->out, &d->capout, (size_t)d->nout + 1, sizeof *d->out, UINT32_MAX, RW_MEM_OTHER);
			d->out[d->nout++] = (struct report_outage){start, end ? 0 : d->ev[i].time};
			open = false;
		}
	}
	return 0;
}

int report_load_country(struct store *s, uint16_t cc, uint32_t from, uint32_t to, struct report_data *d)
{
	load_start(d, cc, from, to);
	int rc = store_country_history(s, cc, &d->h);
	if (rc)
		return rc;
	if (!d->h.found)
		return RW_ENOTFOUND;
	struct load_ctx c = {d};
	rc = store_country_events(s, cc, from, to, on_event, &c);
	if (!rc)
		rc = store_country_series(s, cc, from, to, &d->series);
	return rc;
}

void report_data_free(struct report_data *d)
{
	for (size_t i = 0; i < d->nev; i++) {
		free(d->ev[i].prefixes);
		free(d->ev[i].collector);
		free(d->ev[i].origins);
		free(d->ev[i].covering);
	}
	rw_vec_free(&d->ev, &d->capev, sizeof *d->ev, RW_MEM_OTHER);
	rw_vec_free(&d->out, &d->capout, sizeof *d->out, RW_MEM_OTHER);
	store_history_free(&d->h);
	store_series_free(&d->series);
	u64map_release(&d->rel);
	memset(d, 0, sizeof *d);
}

uint32_t *report_asns(const struct report_data *d, size_t *n)
{
	size_t cap = 1 + d->h.niv + 2 * (size_t)d->nev + d->series.nup;
	for (size_t i = 0; i < d->nev; i++)
		for (const char *p = d->ev[i].origins; p && *p; p++)
			cap += *p == ' ' || p == d->ev[i].origins;
	uint32_t *v = rw_malloc(cap * sizeof *v);
	size_t k = 0;
	v[k++] = d->origin;
	for (size_t i = 0; i < d->h.niv; i++)
		v[k++] = d->h.iv[i].upstream;
	for (size_t i = 0; i < d->nev; i++) {
		if (d->ev[i].upstream)
			v[k++] = d->ev[i].upstream;
		if (d->ev[i].origin && d->ev[i].origin != d->origin)
			v[k++] = d->ev[i].origin;
		for (const char *p = d->ev[i].origins; p && *p && k < cap;) {
			char *end;
			unsigned long x = strtoul(p, &end, 10);
			if (end == p)
				break;
			v[k++] = (uint32_t)x;
			p = end;
		}
	}
	for (size_t i = 0; i < d->series.nup; i++)
		v[k++] = d->series.up[i][0];
	*n = k;
	return v;
}

/* ---------------------------------------------------------------- words */

void report_as(struct obuf *o, const struct names *nm, uint32_t asn)
{
	char nb[64];
	obuf_printf(o, "AS%u", asn);
	const char *s = nm ? names_short(nm, asn, nb, sizeof nb) : NULL;
	if (s)
		obuf_printf(o, " %s", s);
}

/* A country's story (docs/events.md §14)? Its history is the country
 * tables', its upstreams are its international providers. */
static bool is_country(const struct report_data *d)
{
	return report_is_country(d);
}

/* Whom the story is about: the origin, or the country by its code. */
static void subject(struct obuf *o, const struct names *nm, const struct report_data *d)
{
	if (is_country(d)) {
		char cc[3];
		geo_cc_str((uint16_t)d->origin, cc);
		obuf_puts(o, cc);
	} else {
		report_as(o, nm, d->origin);
	}
}

static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
				     "July",    "August",   "September", "October", "November", "December"};

/* Times in a story: the date once, then only when the day changes. */
struct clock_words {
	int last_yday, last_year;
};

static void put_when(struct obuf *o, struct clock_words *cw, uint32_t t)
{
	time_t tt = t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	obuf_printf(o, "%02d:%02d:%02d UTC", tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (tm.tm_yday != cw->last_yday || tm.tm_year != cw->last_year) {
		obuf_printf(o, " on %d %s %d", tm.tm_mday, months[tm.tm_mon], 1900 + tm.tm_year);
		cw->last_yday = tm.tm_yday;
		cw->last_year = tm.tm_year;
	}
}

/* "- At T" or, for what a RIB dump after a gap revealed (docs/events.md
 * §9), "- Between S and T": the change happened somewhere in there. */
static void put_at(struct obuf *o, struct clock_words *cw, const struct report_event *e)
{
	if (e->since && e->since < e->time) {
		obuf_puts(o, "- Between ");
		put_when(o, cw, e->since);
		obuf_puts(o, " and ");
	} else {
		obuf_puts(o, "- At ");
	}
	put_when(o, cw, e->time);
}

/* A collector without data (docs/events.md §9): said, so that no reader
 * takes the silence for an outage. */
static void gap_line(struct obuf *o, struct clock_words *cw, const struct report_event *e)
{
	obuf_puts(o, "- From ");
	put_when(o, cw, e->time);
	obuf_puts(o, " to ");
	put_when(o, cw, e->until);
	obuf_printf(o, ", the collector %s recorded nothing (a gap in its data): what happened then is unknown "
		       "until its data resumes.\n",
		    e->collector);
}

/* "AS1 NAME, AS2 NAME and AS3" from space-separated ASNs. */
static void put_asns(struct obuf *o, const struct names *nm, const char *list)
{
	uint32_t n = 0, k = 0;
	for (const char *p = list; *p; p++)
		n += p == list || (*p == ' ' && p[1]);
	for (const char *p = list; *p && k < n;) {
		char *end;
		unsigned long x = strtoul(p, &end, 10);
		if (end == p)
			break;
		if (k)
			obuf_puts(o, k + 1 == n ? " and " : ", ");
		report_as(o, nm, (uint32_t)x);
		k++;
		p = end;
	}
}

/* Is prefix p (n bytes) in the space-separated list? */
static bool list_has(const char *list, const char *p, size_t n)
{
	for (const char *q = list; *q;) {
		size_t k = strcspn(q, " ");
		if (k == n && !memcmp(q, p, n))
			return true;
		q += k;
		q += strspn(q, " ");
	}
	return false;
}

/* docs/events.md §10-§13: the event in the window that ends the episode
 * event i began (the same origin, and the leak's pair; its first prefix
 * among the end's): its index, or d->nev. A more-specific or a new prefix
 * also ends when it goes down entirely (prefix_down: not an end of its
 * own, told in its place). */
static size_t end_of(const struct report_data *d, size_t i)
{
	const struct report_event *s = &d->ev[i];
	uint8_t want, alt = DET_TYPE_COUNT;
	switch (s->type) {
	case DET_ORIGIN_GAINED:
		want = DET_ORIGIN_LOST;
		break;
	case DET_MORE_SPECIFIC:
	case DET_PREFIX_NEW:
		want = DET_ORIGIN_LOST, alt = DET_PREFIX_DOWN;
		break;
	case DET_RPKI_INVALID:
		want = DET_RPKI_INVALID_END;
		break;
	case DET_ROUTE_LEAK:
		want = DET_ROUTE_LEAK_END;
		break;
	case DET_WATCH_HIJACK:
		want = DET_WATCH_HIJACK_END;
		break;
	default:
		return d->nev;
	}
	size_t n = strcspn(s->prefixes, " ");
	for (size_t j = i + 1; j < d->nev; j++) {
		const struct report_event *e = &d->ev[j];
		if ((e->type != want && e->type != alt) || e->origin != s->origin || !list_has(e->prefixes, s->prefixes, n))
			continue;
		if (want == DET_ROUTE_LEAK_END && strcmp(e->covering ? e->covering : "", s->covering ? s->covering : ""))
			continue;
		return j;
	}
	return d->nev;
}

/* docs/events.md §10 in a sentence: the origin announced a prefix (new, or
 * beside or inside another AS's) or stopped. */
static void origin_line(const struct report_data *d, const struct names *nm, struct obuf *o,
			struct clock_words *cw, const struct report_event *e, const struct report_event *end)
{
	put_at(o, cw, e);
	obuf_puts(o, ", ");
	/* the announcer: this network, or another one announcing its prefix */
	report_as(o, nm, e->origin ? e->origin : d->origin);
	bool others = e->origins && *e->origins;
	switch (e->type) {
	case DET_ORIGIN_GAINED:
		obuf_puts(o, " began to announce ");
		store_prefixes_text(o, e->prefixes, e->npfx, 5);
		if (others) {
			obuf_puts(o, ", which ");
			put_asns(o, nm, e->origins);
			obuf_puts(o, " also announced (two origins for one prefix: a possible hijack)");
		}
		obuf_puts(o, e->flag ? "; it had not been an origin of it before" : "");
		break;
	case DET_ORIGIN_LOST:
		obuf_puts(o, " stopped announcing ");
		store_prefixes_text(o, e->prefixes, e->npfx, 5);
		if (others) {
			obuf_puts(o, ", still announced by ");
			put_asns(o, nm, e->origins);
		}
		break;
	case DET_PREFIX_NEW:
		obuf_puts(o, " announced ");
		store_prefixes_text(o, e->prefixes, e->npfx, 5);
		obuf_puts(o, ", seen for the first time");
		break;
	case DET_MORE_SPECIFIC:
		obuf_puts(o, " announced ");
		store_prefixes_text(o, e->prefixes, e->npfx, 5);
		obuf_puts(o, ", inside ");
		if (others) {
			put_asns(o, nm, e->origins);
			obuf_puts(o, "'s ");
		}
		obuf_printf(o, "%s (a more-specific from another origin: a possible sub-prefix hijack)",
			    e->covering ? e->covering : "?");
		break;
	/* docs/events.md §12 */
	case DET_RPKI_INVALID:
		obuf_puts(o, "'s route to ");
		store_prefixes_text(o, e->prefixes, e->npfx, 5);
		obuf_puts(o, e->upstream == RPKI_R_LENGTH ? " became RPKI invalid: longer than its ROAs allow"
							 : " became RPKI invalid: no ROA lets it originate");
		if (e->flag)
			obuf_puts(o, " (the VRPs changed)");
		if (e->covering && *e->covering) {
			obuf_puts(o, "; the VRPs: ");
			store_items_text(o, e->covering);
		}
		break;
	case DET_RPKI_INVALID_END:
		obuf_puts(o, "'s route to ");
		store_prefixes_text(o, e->prefixes, e->npfx, 5);
		obuf_puts(o, " was no longer RPKI invalid");
		break;
	/* docs/events.md §11: the announcer here is the leaker */
	case DET_ROUTE_LEAK:
	case DET_ROUTE_LEAK_END: {
		uint32_t from, to;
		store_leak_pair(e->covering, &from, &to);
		obuf_puts(o, e->type == DET_ROUTE_LEAK ? " leaked the routes to " : " stopped leaking the routes to ");
		store_prefixes_text(o, e->prefixes, e->npfx, 5);
		if (others) {
			obuf_puts(o, " of ");
			put_asns(o, nm, e->origins);
		}
		obuf_puts(o, ", learned from ");
		report_as(o, nm, from);
		obuf_puts(o, ", to ");
		report_as(o, nm, to);
		if (e->type == DET_ROUTE_LEAK)
			obuf_puts(o, " (a provider's or peer's routes passed to another provider or peer)");
		break;
	}
	/* docs/events.md §13: a watched prefix announced by an origin its
	 * watch entry does not list */
	case DET_WATCH_HIJACK:
	case DET_WATCH_HIJACK_END:
		obuf_puts(o, e->type == DET_WATCH_HIJACK ? " began to announce " : " stopped announcing ");
		store_prefixes_text(o, e->prefixes, e->npfx, 5);
		if (others) {
			obuf_puts(o, ", which the watch list gives to ");
			put_asns(o, nm, e->origins);
		}
		if (e->type == DET_WATCH_HIJACK)
			obuf_puts(o, " (a hijack of a watched prefix)");
		break;
	}
	/* the episode told whole: how many saw it, and until when (another
	 * network's episode may end in events this report does not read: its
	 * prefix going down; then no end is claimed) */
	bool start = e->type != DET_ORIGIN_LOST && e->type != DET_RPKI_INVALID_END && e->type != DET_ROUTE_LEAK_END &&
		     e->type != DET_WATCH_HIJACK_END;
	if (start && (e->peers || end)) {
		obuf_printf(o, "; %u peer%s saw it", e->peers, e->peers == 1 ? "" : "s");
		if (end) {
			obuf_puts(o, " until ");
			put_when(o, cw, end->time);
			if (end->type == DET_PREFIX_DOWN)
				obuf_puts(o, ", when the prefix went down");
		} else if (e->origin == d->origin) {
			obuf_puts(o, ", and still did when the window closed");
		}
	}
	obuf_puts(o, ".\n");
}

static void put_date(struct obuf *o, uint32_t t)
{
	time_t tt = t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	obuf_printf(o, "%d %s %d, %02d:%02d:%02d UTC", tm.tm_mday, months[tm.tm_mon], 1900 + tm.tm_year, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
}

static void put_duration(struct obuf *o, uint32_t s)
{
	uint32_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60, sec = s % 60;
	if (d)
		obuf_printf(o, "%u day%s %u h", d, d == 1 ? "" : "s", h);
	else if (h)
		obuf_printf(o, "%u h %u min", h, m);
	else if (m)
		obuf_printf(o, "%u min %u s", m, sec);
	else
		obuf_printf(o, "%u s", sec);
}

static void put_prefixes(struct obuf *o, const struct report_event *e, unsigned max)
{
	store_prefixes_text(o, e->prefixes, e->npfx, max);
}

static const char *plural(uint32_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* ---------------------------------------------------------------- context */

/* Was this upstream an upstream of the origin before time t (an interval
 * that ended at or before t)? */
static bool had_before(const struct report_data *d, uint32_t u, uint32_t t)
{
	for (size_t i = 0; i < d->h.niv; i++)
		if (d->h.iv[i].upstream == u && d->h.iv[i].end && d->h.iv[i].end <= t)
			return true;
	return false;
}

/* Is event i (a gain) the return of an upstream the origin had before? */
static bool returned(const struct report_data *d, size_t i)
{
	const struct report_event *e = &d->ev[i];
	if (had_before(d, e->upstream, e->time))
		return true;
	for (size_t k = 0; k < i; k++)
		if (d->ev[k].type == DET_UPSTREAM_LOST && d->ev[k].flag && d->ev[k].upstream == e->upstream)
			return true;
	return false;
}

/* Intervals that ended before the window: those starting at or after
 * `after` (or before it, when !at_or_after), as "AS1 from A to B (...)". */
static size_t old_list(const struct report_data *d, const struct names *nm, struct obuf *o, uint32_t after,
		       bool at_or_after, bool dry)
{
	const struct store_history *h = &d->h;
	size_t n = 0, k = 0;
	for (int pass = dry ? 1 : 0; pass < 2; pass++) {
		for (size_t i = 0; i < h->niv; i++) {
			const struct store_interval *iv = &h->iv[i];
			if (iv->start > d->from || !iv->end || iv->end > d->from || (iv->start >= after) != at_or_after)
				continue;
			if (pass == 0) {
				n++;
				continue;
			}
			if (dry) {
				k++;
				continue;
			}
			double mean = store_interval_mean(iv, iv->end);
			if (k)
				obuf_puts(o, k + 1 == n ? " and " : ", ");
			obuf_puts(o, mean < PARTIAL_SHARE ? "partial service by " : "service by ");
			report_as(o, nm, iv->upstream);
			obuf_puts(o, " from ");
			put_date(o, iv->start);
			obuf_puts(o, " to ");
			put_date(o, iv->end);
			obuf_printf(o, " (%.0f%% of its routes on average)", 100 * mean);
			k++;
		}
	}
	return dry ? k : n;
}

/* docs/events.md §14: "transit provider" where the upstream is a
 * provider of the origin, else "upstream"; rel_note adds " (a peer)" or
 * " (its customer)" after the AS where it is one. */
static const char *up_word(const struct report_data *d, uint32_t upstream)
{
	if (is_country(d))
		return "international provider";
	return report_rel(d, upstream) == ASREL_PROVIDER ? "transit provider" : "upstream";
}

/* An article for up_word's word. */
static const char *up_a(const struct report_data *d, uint32_t upstream)
{
	return !is_country(d) && report_rel(d, upstream) == ASREL_PROVIDER ? "a" : "an";
}

/* ", for 3 of its 4 prefixes: " (the country's prefix count is not kept:
 * ", for 3 of its prefixes: ") */
static void of_its(const struct report_data *d, struct obuf *o, const char *lead, const struct report_event *e)
{
	uint32_t n = e->origin_prefixes > e->npfx ? e->origin_prefixes : e->npfx;
	if (is_country(d))
		obuf_printf(o, "%s%u of its prefixes: ", lead, e->npfx);
	else
		obuf_printf(o, "%s%u of its %u %s: ", lead, e->npfx, n, plural(n, "prefix", "prefixes"));
}

static void rel_note(const struct report_data *d, struct obuf *o, uint32_t upstream)
{
	enum asrel_rel r = report_rel(d, upstream);
	if (r == ASREL_PEER)
		obuf_puts(o, " (a peer)");
	else if (r == ASREL_CUSTOMER)
		obuf_puts(o, " (its customer)");
}

static void context(const struct report_data *d, const struct names *nm, struct obuf *o)
{
	const struct store_history *h = &d->h;
	const struct store_interval *act[64];
	size_t nact = 0;
	for (size_t i = 0; i < h->niv && nact < RW_ARRAY_LEN(act); i++) {
		const struct store_interval *iv = &h->iv[i];
		if (iv->start <= d->from && (!iv->end || iv->end > d->from))
			act[nact++] = iv;
	}
	subject(o, nm, d);
	if (!h->found) {
		obuf_puts(o, " originates no prefix on record; it appears in the events of others. ");
	} else if (h->first_seen && h->first_seen <= d->from) {
		obuf_puts(o, " was first seen on ");
		put_date(o, h->first_seen);
		obuf_puts(o, ". ");
	} else {
		obuf_puts(o, " first appears in this window. ");
	}
	uint32_t since = UINT32_MAX;
	if (nact == 1) {
		/* "Since S, it has relied on A alone, but for partial service by B" */
		double mean = store_interval_mean(act[0], h->clock);
		since = act[0]->start;
		obuf_puts(o, "Since ");
		put_date(o, since);
		if (report_rel(d, act[0]->upstream) == ASREL_PROVIDER) {
			obuf_puts(o, ", it has relied on a single transit provider, ");
			report_as(o, nm, act[0]->upstream);
			obuf_printf(o, " (%.0f%% of its routes on average)", 100 * mean);
		} else {
			obuf_puts(o, ", it has relied on ");
			report_as(o, nm, act[0]->upstream);
			rel_note(d, o, act[0]->upstream);
			obuf_printf(o, " alone (%.0f%% of its routes on average)", 100 * mean);
		}
		if (old_list(d, nm, o, since, true, true)) {
			obuf_puts(o, ", but for ");
			old_list(d, nm, o, since, true, false);
		}
		obuf_puts(o, ".");
	} else if (nact > 1) {
		obuf_puts(o, "When the window opens it relies on ");
		for (size_t k = 0; k < nact; k++) {
			double mean = store_interval_mean(act[k], h->clock);
			if (k)
				obuf_puts(o, k + 1 == nact ? " and " : ", ");
			report_as(o, nm, act[k]->upstream);
			rel_note(d, o, act[k]->upstream);
			obuf_puts(o, " (since ");
			put_date(o, act[k]->start);
			if (mean < PARTIAL_SHARE)
				obuf_printf(o, "; partial: %.0f%% of its routes on average, %.0f%% at most)", 100 * mean,
					    100 * act[k]->share_max);
			else
				obuf_printf(o, "; %.0f%% of its routes on average)", 100 * mean);
		}
		obuf_puts(o, ".");
	} else {
		const char *w = is_country(d) ? "international provider" : "upstream";
		if (old_list(d, nm, o, 0, true, true))
			obuf_printf(o, "When the window opens it has no confirmed %s.", w);
		else
			obuf_printf(o, "No %s of it is on record before this window.", w);
	}
	/* what ended before the current upstreams began (or all, when
	 * several share the window's opening) */
	uint32_t cut = nact == 1 ? since : d->from + 1;
	if (old_list(d, nm, o, cut, false, true)) {
		obuf_puts(o, nact == 1 ? " Before that it had " : " Earlier it had ");
		old_list(d, nm, o, cut, false, false);
		obuf_puts(o, ".");
	}
	obuf_putc(o, '\n');
}

/* ---------------------------------------------------------------- story */

static void upstream_line(const struct report_data *d, const struct names *nm, struct obuf *o,
			  struct clock_words *cw, size_t i)
{
	const struct report_event *e = &d->ev[i];
	put_at(o, cw, e);
	obuf_puts(o, ", ");
	if (e->type == DET_UPSTREAM_GAINED) {
		if (e->flag && returned(d, i)) {
			report_as(o, nm, e->upstream);
			obuf_printf(o, " returned as %s %s of ", up_a(d, e->upstream), up_word(d, e->upstream));
			subject(o, nm, d);
			of_its(d, o, ", for ", e);
		} else if (e->flag) {
			subject(o, nm, d);
			obuf_printf(o, " gained a new %s, ", up_word(d, e->upstream));
			report_as(o, nm, e->upstream);
			rel_note(d, o, e->upstream);
			of_its(d, o, ", which carried ", e);
		} else {
			report_as(o, nm, e->upstream);
			obuf_printf(o, " also became the %s of %u more %s: ", up_word(d, e->upstream), e->npfx,
				    plural(e->npfx, "prefix", "prefixes"));
		}
	} else if (e->flag) {
		report_as(o, nm, e->upstream);
		obuf_printf(o, " vanished as %s %s: it no longer carried any prefix of ", up_a(d, e->upstream),
			    up_word(d, e->upstream));
		subject(o, nm, d);
		obuf_printf(o, " (the last %s: ", plural(e->npfx, "one", "ones"));
		put_prefixes(o, e, 8);
		obuf_puts(o, ").\n");
		return;
	} else {
		report_as(o, nm, e->upstream);
		obuf_printf(o, " stopped carrying %u %s, and still carried others: ", e->npfx,
			    plural(e->npfx, "prefix", "prefixes"));
	}
	put_prefixes(o, e, 8);
	obuf_puts(o, ".\n");
}

/* Outages from index i on that follow each other within CLUSTER_GAP. */
static size_t cluster_end(const struct report_data *d, size_t i)
{
	size_t j = i + 1;
	while (j < d->nout && d->out[j - 1].end && d->out[j].start - d->out[j - 1].end < CLUSTER_GAP)
		j++;
	return j;
}

static void outage_lines(const struct report_data *d, const struct names *nm, struct obuf *o,
			 struct clock_words *cw, size_t i, size_t j, uint32_t npfx)
{
	if (j - i == 1) {
		const struct report_outage *x = &d->out[i];
		obuf_puts(o, "- ");
		if (x->start < d->from) {
			obuf_puts(o, "The window opens in an outage of ");
			subject(o, nm, d);
			obuf_puts(o, " that began at ");
			put_when(o, cw, x->start);
		} else {
			obuf_puts(o, "At ");
			put_when(o, cw, x->start);
			obuf_printf(o, ", all %s%u %s of ", npfx > 1 ? "" : "", npfx, plural(npfx, "prefix", "prefixes"));
			subject(o, nm, d);
			obuf_puts(o, " went down");
		}
		if (x->end) {
			obuf_puts(o, "; they came back at ");
			put_when(o, cw, x->end);
			obuf_puts(o, ", ");
			put_duration(o, x->end - x->start);
			obuf_puts(o, " later.\n");
		} else {
			obuf_puts(o, ", and it was still down when the window closed.\n");
		}
		return;
	}
	uint32_t total = 0;
	for (size_t k = i; k < j; k++)
		total += (d->out[k].end ? d->out[k].end : d->to) - d->out[k].start;
	obuf_puts(o, "- A period of instability: between ");
	put_when(o, cw, d->out[i].start);
	obuf_puts(o, " and ");
	put_when(o, cw, d->out[j - 1].end ? d->out[j - 1].end : d->to);
	obuf_printf(o, ", all %u %s of ", npfx, plural(npfx, "prefix", "prefixes"));
	subject(o, nm, d);
	obuf_printf(o, " went down %zu times (", j - i);
	put_duration(o, total);
	obuf_puts(o, " down in all):\n");
	for (size_t k = i; k < j; k++) {
		if (k - i == 20 && j - i > 24) {
			obuf_printf(o, "    ... and %zu more\n", j - k);
			break;
		}
		obuf_puts(o, "    down ");
		put_when(o, cw, d->out[k].start);
		if (d->out[k].end) {
			obuf_puts(o, ", back ");
			put_when(o, cw, d->out[k].end);
			obuf_puts(o, " (");
			put_duration(o, d->out[k].end - d->out[k].start);
			obuf_puts(o, ")\n");
		} else {
			obuf_puts(o, ", still down at the end of the window\n");
		}
	}
}

/* Is there an origin event in the second of event i? (prefix events then
 * are part of the origin's outage and not told twice) Events are sorted by
 * time: only the neighbours of the same second are looked at. */
static bool origin_event_near(const struct report_data *d, size_t i)
{
	uint32_t t = d->ev[i].time;
	for (size_t k = i; k-- > 0 && d->ev[k].time == t;)
		if (d->ev[k].type == DET_ORIGIN_DOWN || d->ev[k].type == DET_ORIGIN_UP)
			return true;
	for (size_t k = i + 1; k < d->nev && d->ev[k].time == t; k++)
		if (d->ev[k].type == DET_ORIGIN_DOWN || d->ev[k].type == DET_ORIGIN_UP)
			return true;
	return false;
}

static bool partial_event(const struct report_data *d, size_t i)
{
	uint8_t t = d->ev[i].type;
	return (t == DET_PREFIX_DOWN || t == DET_PREFIX_UP) && !origin_event_near(d, i);
}

/* A run of partial-outage events from i: consecutive in the story, each
 * within CLUSTER_GAP of the one before. Returns its end. */
static size_t partial_run(const struct report_data *d, size_t i)
{
	size_t j = i + 1;
	while (j < d->nev && partial_event(d, j) && d->ev[j].time - d->ev[j - 1].time < CLUSTER_GAP)
		j++;
	return j;
}

#define RUN_SUMMARY 6 /* runs this long are told in one line */

/* "Between A and B, prefixes of X went down 12 times and came back 11
 * times (5 prefixes: ...)". */
static void partial_summary(const struct report_data *d, const struct names *nm, struct obuf *o,
			    struct clock_words *cw, size_t i, size_t j)
{
	size_t downs = 0, ups = 0, nd = 0;
	char distinct[8][RW_PREFIX_STRLEN];
	size_t more = 0;
	for (size_t k = i; k < j; k++) {
		const struct report_event *e = &d->ev[k];
		downs += e->type == DET_PREFIX_DOWN;
		ups += e->type == DET_PREFIX_UP;
		for (const char *p = e->prefixes; *p;) {
			size_t n = strcspn(p, " ");
			bool seen = false;
			for (size_t q = 0; q < nd && !seen; q++)
				seen = strlen(distinct[q]) == n && !memcmp(distinct[q], p, n);
			if (!seen && nd < RW_ARRAY_LEN(distinct))
				snprintf(distinct[nd++], sizeof distinct[0], "%.*s", (int)n, p);
			else if (!seen)
				more++;
			p += n;
			p += strspn(p, " ");
		}
	}
	obuf_puts(o, "- A period of instability: between ");
	put_when(o, cw, d->ev[i].time);
	obuf_puts(o, " and ");
	put_when(o, cw, d->ev[j - 1].time);
	obuf_puts(o, ", prefixes of ");
	subject(o, nm, d);
	obuf_printf(o, " went down %zu time%s and came back %zu time%s (", downs, downs == 1 ? "" : "s", ups,
		    ups == 1 ? "" : "s");
	for (size_t q = 0; q < nd; q++)
		obuf_printf(o, "%s%s", q ? ", " : "", distinct[q]);
	if (more)
		obuf_puts(o, " and more");
	obuf_puts(o, ").\n");
}

/* Is p one of the space-separated prefixes in list? */
static bool has_prefix(const char *list, const char *p)
{
	size_t n = strlen(p);
	while (*list) {
		size_t k = strcspn(list, " ");
		if (k == n && !memcmp(list, p, n))
			return true;
		list += k;
		list += strspn(list, " ");
	}
	return false;
}

static void prefix_line(const struct report_data *d, struct obuf *o, struct clock_words *cw, size_t i)
{
	const struct report_event *e = &d->ev[i];
	put_at(o, cw, e);
	if (e->type == DET_PREFIX_DOWN) {
		obuf_printf(o, ", %u of %u %s went down: ", e->npfx, e->npfx + e->origin_prefixes,
			    plural(e->npfx + e->origin_prefixes, "prefix", "prefixes"));
		put_prefixes(o, e, 8);
	} else {
		obuf_printf(o, ", %u %s came back: ", e->npfx, plural(e->npfx, "prefix", "prefixes"));
		put_prefixes(o, e, 8);
		/* how long: since the last prefix_down that named its first prefix */
		char first[RW_PREFIX_STRLEN];
		snprintf(first, sizeof first, "%.*s", (int)strcspn(e->prefixes, " "), e->prefixes);
		for (size_t k = i; k-- > 0;) {
			const struct report_event *x = &d->ev[k];
			if (x->type == DET_PREFIX_DOWN && has_prefix(x->prefixes, first)) {
				obuf_puts(o, " (down for ");
				put_duration(o, e->time - x->time);
				obuf_puts(o, ")");
				break;
			}
		}
	}
	obuf_puts(o, ".\n");
}

/* The last series point at or before t. */
static const struct store_series_pt *point_at(const struct store_series *s, uint32_t t)
{
	const struct store_series_pt *best = NULL;
	for (size_t i = 0; i < s->n && s->pt[i].ts <= t; i++)
		best = &s->pt[i];
	return best;
}

static void end_state(const struct report_data *d, const struct names *nm, struct obuf *o)
{
	const struct store_series_pt *p = point_at(&d->series, d->to);
	obuf_puts(o, "When the window closes, ");
	subject(o, nm, d);
	if (!p || !p->routes) {
		obuf_puts(o, p ? " has no route seen by any peer.\n" : " has no recorded state.\n");
		return;
	}
	if (is_country(d))
		obuf_printf(o, " has %u route%s (peer x prefix)", p->routes, plural(p->routes, "", "s"));
	else
		obuf_printf(o, " announces %u %s", p->prefixes, plural(p->prefixes, "prefix", "prefixes"));
	/* upstreams by share, largest first */
	uint32_t(*up)[2] = rw_malloc((p->up_n + 1) * sizeof *up);
	memcpy(up, d->series.up + p->up_off, p->up_n * sizeof *up);
	for (uint32_t i = 1; i < p->up_n; i++)
		for (uint32_t j = i; j > 0 && up[j][1] > up[j - 1][1]; j--) {
			uint32_t t0 = up[j][0], t1 = up[j][1];
			up[j][0] = up[j - 1][0], up[j][1] = up[j - 1][1];
			up[j - 1][0] = t0, up[j - 1][1] = t1;
		}
	obuf_puts(o, ", reached through ");
	uint32_t shown = 0;
	for (uint32_t i = 0; i < p->up_n && shown < 6; i++) {
		if (shown)
			obuf_puts(o, i + 1 == p->up_n || shown == 5 ? " and " : ", ");
		if (up[i][0])
			report_as(o, nm, up[i][0]);
		else
			obuf_puts(o, is_country(d) ? "no international provider" : "direct peerings");
		obuf_printf(o, " (%.0f%% of its routes)", 100.0 * up[i][1] / p->routes);
		shown++;
	}
	if (is_country(d))
		obuf_puts(o, ".\n");
	else
		obuf_printf(o, "; %.1f peers see each prefix on average.\n",
			    (double)p->routes / (p->prefixes ? p->prefixes : 1));
	free(up);
}

/* Busy windows (a flapping network over a year) would bury the upstream
 * story in thousands of lines: past these counts, partial outages and
 * outages of the whole network are summarized after the story instead. */
#define MAX_PARTIAL_LINES 40
#define MAX_OUTAGE_LINES 30

/* The longest outages of the whole network, longest first. */
static void longest_outages(const struct report_data *d, struct obuf *o, struct clock_words *cw, unsigned max)
{
	size_t *idx = rw_malloc((d->nout + 1) * sizeof *idx);
	for (size_t i = 0; i < d->nout; i++)
		idx[i] = i;
	uint32_t dur[2];
	for (size_t i = 1; i < d->nout; i++)
		for (size_t j = i; j > 0; j--) {
			const struct report_outage *x = &d->out[idx[j]], *y = &d->out[idx[j - 1]];
			dur[0] = (x->end ? x->end : d->to) - x->start;
			dur[1] = (y->end ? y->end : d->to) - y->start;
			if (dur[0] <= dur[1])
				break;
			size_t t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	for (size_t k = 0; k < d->nout && k < max; k++) {
		const struct report_outage *x = &d->out[idx[k]];
		obuf_puts(o, "    down ");
		put_when(o, cw, x->start);
		obuf_puts(o, x->end ? ", back " : ", still down at the end of the window");
		if (x->end)
			put_when(o, cw, x->end);
		obuf_puts(o, " (");
		put_duration(o, (x->end ? x->end : d->to) - x->start);
		obuf_puts(o, ")\n");
	}
	free(idx);
}

/* Partial outages told as numbers: how many, on how many days, the
 * busiest day. */
static void partial_digest(const struct report_data *d, struct obuf *o, size_t downs)
{
	uint32_t days = 0, best_day = 0, best_n = 0, cur_day = UINT32_MAX, cur_n = 0;
	for (size_t i = 0; i <= d->nev; i++) {
		bool is = i < d->nev && d->ev[i].type == DET_PREFIX_DOWN && partial_event(d, i);
		uint32_t day = i < d->nev ? d->ev[i].time / 86400 : UINT32_MAX;
		if (i == d->nev || (is && day != cur_day)) {
			if (cur_n > best_n)
				best_n = cur_n, best_day = cur_day;
			if (i < d->nev) {
				cur_day = day;
				cur_n = 0;
				days++;
			}
		}
		cur_n += is;
	}
	obuf_printf(o, "- Partial outages (some prefixes down while others stayed up): %zu, on %u day%s", downs, days,
		    days == 1 ? "" : "s");
	if (best_n > 1) {
		char b[16];
		time_t tt = (time_t)best_day * 86400;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(b, sizeof b, "%Y-%m-%d", &tm);
		obuf_printf(o, "; the busiest day was %s, with %u", b, best_n);
	}
	obuf_puts(o, ".\n");
}

void report_text(const struct report_data *d, const struct names *nm, struct obuf *o)
{
	const char *full = nm && !is_country(d) ? names_get(nm, d->origin) : NULL;
	if (is_country(d)) {
		obuf_puts(o, "country ");
		subject(o, nm, d);
		obuf_puts(o, ", from ");
	} else {
		obuf_printf(o, "AS%u%s%s, from ", d->origin, full ? " " : "", full ? full : "");
	}
	put_date(o, d->from);
	obuf_puts(o, " to ");
	put_date(o, d->to);
	obuf_puts(o, "\n\n");
	context(d, nm, o);
	obuf_putc(o, '\n');

	struct clock_words cw = {-1, -1};
	size_t oi = 0, gained = 0, lost = 0, pdown = 0, back = 0;
	bool *told = d->nev ? rw_calloc(d->nev, sizeof *told) : NULL; /* ends told with their starts */
	uint32_t npfx = 0;
	bool any = false;
	for (size_t i = 0; i < d->nev; i++) {
		if (d->ev[i].type == DET_PREFIX_DOWN && origin_event_near(d, i) && d->ev[i].npfx > npfx)
			npfx = d->ev[i].npfx;
		pdown += d->ev[i].type == DET_PREFIX_DOWN && partial_event(d, i);
	}
	if (!npfx)
		npfx = d->h.prefixes;
	bool tell_partial = pdown <= MAX_PARTIAL_LINES, tell_outages = d->nout <= MAX_OUTAGE_LINES;
	for (size_t i = 0; i <= d->nev; i++) {
		uint32_t t = i < d->nev ? d->ev[i].time : UINT32_MAX;
		/* outage periods are told where they start */
		while (tell_outages && oi < d->nout && (d->out[oi].start <= t || i == d->nev)) {
			size_t j = cluster_end(d, oi);
			if (!any)
				obuf_puts(o, "What happened:\n");
			any = true;
			outage_lines(d, nm, o, &cw, oi, j, npfx);
			oi = j;
		}
		if (i == d->nev)
			break;
		const struct report_event *e = &d->ev[i];
		switch (e->type) {
		case DET_UPSTREAM_GAINED:
		case DET_UPSTREAM_LOST:
			if (!any)
				obuf_puts(o, "What happened:\n");
			any = true;
			upstream_line(d, nm, o, &cw, i);
			if (e->type == DET_UPSTREAM_GAINED && e->flag) {
				bool ret = returned(d, i);
				back += ret;
				gained += !ret;
			}
			lost += e->type == DET_UPSTREAM_LOST && e->flag;
			break;
		case DET_COLLECTOR_GAP:
			if (!any)
				obuf_puts(o, "What happened:\n");
			any = true;
			gap_line(o, &cw, e);
			break;
		case DET_ORIGIN_GAINED:
		case DET_ORIGIN_LOST:
		case DET_PREFIX_NEW:
		case DET_MORE_SPECIFIC:
		case DET_RPKI_INVALID:
		case DET_RPKI_INVALID_END:
		case DET_ROUTE_LEAK:
		case DET_ROUTE_LEAK_END:
		case DET_WATCH_HIJACK:
		case DET_WATCH_HIJACK_END:
			if (told && told[i])
				break; /* the end of an episode told with its start */
			if (!any)
				obuf_puts(o, "What happened:\n");
			any = true;
			size_t je = end_of(d, i);
			if (je < d->nev && told && d->ev[je].type != DET_PREFIX_DOWN)
				told[je] = true;
			origin_line(d, nm, o, &cw, e, je < d->nev ? &d->ev[je] : NULL);
			break;
		case DET_PREFIX_DOWN:
		case DET_PREFIX_UP: {
			if (!tell_partial || !partial_event(d, i))
				break; /* summarized below, or told with the origin's outage */
			if (!any)
				obuf_puts(o, "What happened:\n");
			any = true;
			size_t j = partial_run(d, i);
			if (j - i >= RUN_SUMMARY) {
				partial_summary(d, nm, o, &cw, i, j);
				i = j - 1;
			} else {
				prefix_line(d, o, &cw, i);
			}
			break;
		}
		default:
			break;
		}
	}
	uint32_t down = 0;
	for (size_t i = 0; i < d->nout; i++)
		down += (d->out[i].end ? d->out[i].end : d->to) - (d->out[i].start < d->from ? d->from : d->out[i].start);
	if (!tell_outages) {
		if (!any)
			obuf_puts(o, "What happened:\n");
		any = true;
		cw.last_yday = -1;
		obuf_printf(o, "- The whole network (all its prefixes) went down %u times, ", d->nout);
		put_duration(o, down);
		obuf_puts(o, " in all; the longest:\n");
		longest_outages(d, o, &cw, 5);
	}
	if (!tell_partial) {
		if (!any)
			obuf_puts(o, "What happened:\n");
		any = true;
		partial_digest(d, o, pdown);
	}
	if (!any)
		obuf_puts(o, is_country(d) ? "Nothing changed in this window: no international provider came or went.\n"
					   : "Nothing changed in this window: no upstream came or went and no prefix "
					     "went down.\n");
	obuf_putc(o, '\n');
	end_state(d, nm, o);
	if (is_country(d)) {
		obuf_printf(o, "In all: %zu new international provider%s, %zu lost, %zu returned.\n", gained,
			    gained == 1 ? "" : "s", lost, back);
		free(told);
		return;
	}
	obuf_printf(o, "In all: %zu new upstream%s, %zu lost, %zu returned; %u outage%s of the whole network", gained,
		    gained == 1 ? "" : "s", lost, back, d->nout, d->nout == 1 ? "" : "s");
	if (d->nout) {
		obuf_puts(o, " (");
		put_duration(o, down);
		obuf_puts(o, " down)");
	}
	obuf_printf(o, "; %zu partial outage%s.\n", pdown, pdown == 1 ? "" : "s");
	free(told);
}
