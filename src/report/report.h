/*
 * report: the analyst's story of one origin over a time window, from the
 * history store, as plain English (report.c) and as an SVG chart of its
 * upstreams' shares with the outages marked (svg.c).
 *
 * report_load reads everything both need in a few indexed queries; the
 * writers are pure functions of that data, so the HTTP API can reuse them.
 */
#ifndef RW_REPORT_H
#define RW_REPORT_H

#include "../store/store.h"

struct report_event {
	uint8_t type;           /* enum det_type */
	bool flag;              /* new_for_origin / last_for_origin */
	uint32_t time, upstream, origin_prefixes;
	uint32_t peers;         /* peers when it was determined */
	uint32_t npfx;
	char *prefixes;         /* owned, space-separated */
	uint32_t since;         /* docs/events.md §9: happened in [since, time] */
	uint32_t origin;        /* the event's origin: another network's when
				   the event names this one among a prefix's
				   origins (a hijack of its prefix, §10) */
	uint32_t until;         /* collector_gap: its end */
	char *collector;        /* owned; collector_gap's collector, else NULL */
	/* docs/events.md §10, owned, NULL for other types: other, remaining or
	 * covering origins (space-separated ASNs); more_specific's covering */
	char *origins, *covering;
};

/* An outage of the whole origin: origin_down to origin_up (end 0: still
 * down at the end of the window). */
struct report_outage {
	uint32_t start, end;
};

struct report_data {
	uint32_t origin, from, to;
	struct store_history h;     /* owned */
	struct report_event *ev;    /* owned, by time */
	uint32_t nev, capev;
	struct report_outage *out;  /* owned */
	uint32_t nout, capout;
	bool down_at_from;          /* the window opens in an outage */
	struct store_series series; /* owned */
	/* docs/events.md §14: what each upstream is to the origin (upstream
	 * -> enum asrel_rel + 1), from the window's upstream events (their
	 * stored relationship) or report_relationships */
	struct u64map rel;
};

int report_load(struct store *s, uint32_t origin, uint32_t from, uint32_t to, struct report_data *d);
/* A country's story (docs/events.md §14): its international providers'
 * intervals, events and series; origin holds its code, h.tab says so; no
 * outages (a country's are not recorded). RW_ENOTFOUND without history. */
int report_load_country(struct store *s, uint16_t cc, uint32_t from, uint32_t to, struct report_data *d);
void report_data_free(struct report_data *d);
/* The relationships of a file for every upstream the report names (over
 * what the stored events said). */
void report_relationships(struct report_data *d, const struct asrel *rel);
/* What upstream is to the origin: ASREL_UNKNOWN when nothing says. */
enum asrel_rel report_rel(const struct report_data *d, uint32_t upstream);
/* Every ASN the report names (for loading names); *n set, caller frees. */
uint32_t *report_asns(const struct report_data *d, size_t *n);

/* A country's report (report_load_country)? */
static inline bool report_is_country(const struct report_data *d)
{
	return d->h.tab == STORE_COUNTRIES;
}

/* The written account. */
void report_text(const struct report_data *d, const struct names *nm, struct obuf *o);
/* The chart's size, and where its plot spans across it (svg.c): the web
 * page maps a drag over the chart to times with these. */
#define REPORT_SVG_W 960
#define REPORT_SVG_H 440
#define REPORT_SVG_X0 70
#define REPORT_SVG_X1 (REPORT_SVG_W - 24)
/* The same as one JSON object, the account included (report_json.c). */
void report_json(const struct report_data *d, const struct names *nm, struct obuf *o);
/* The chart: an SVG document. */
void report_svg(const struct report_data *d, const struct names *nm, struct obuf *o);

/* Shared by both: "AS20485 TRANSTELECOM" (short name when known). */
void report_as(struct obuf *o, const struct names *nm, uint32_t asn);

#endif
