/*
 * out: the one output interface. Every command that prints goes through a
 * struct out, whose format (text, JSON lines, bgpdump -m) is chosen once;
 * each format is one implementation of struct out_ops (out_text.c,
 * out_json.c, out_bgpdump.c), in the manner of bgpctl's output vtable. The
 * HTTP API will add no format logic of its own: it prints through here.
 *
 * What can be printed: route elements (dump), events (events, collect,
 * events --db), an origin's view (as), a prefix and its more-specifics
 * (prefix), an origin's history (history), a country's view (country).
 * Text elements are bgpdump -m lines: routewatch's text form of a route is
 * bgpdump's.
 *
 * Ownership: the obuf and the names are borrowed for the life of the out;
 * the per-format state (caches) is owned and freed by out_close.
 */
#ifndef RW_OUT_H
#define RW_OUT_H

#include "../mrt/mrt.h"
#include "../names/names.h"
#include "../rib/rib.h"
#include "../store/store.h"

enum out_format {
	OUT_TEXT = 0,
	OUT_JSON,
	OUT_BGPDUMP, /* elements as bgpdump -m lines (the text format's too) */
	OUT_BGPKIT,  /* elements as bgpkit-parser's JSON objects; the rest as JSON */
};

struct out;

struct out_ops {
	void (*elem)(struct out *o, const struct bgp_elem *e);
	void (*event)(struct out *o, const struct store_event *ev);
	void (*origin)(struct out *o, const struct rib *r, const struct rib_origin_view *v, uint32_t when);
	void (*prefix)(struct out *o, const struct rib *r, const struct rib_prefix_view *v, uint32_t when);
	void (*history)(struct out *o, const struct store_history *h, const struct store_upstream *u, size_t nu);
	void (*country)(struct out *o, const struct rib *r, const struct det_country_view *v, uint32_t when);
};

struct out_elem_state;

struct out {
	const struct out_ops *ops;
	enum out_format format;
	struct obuf *ob;                 /* borrowed: where it all goes */
	const struct names *nm;          /* borrowed; NULL: no names */
	const struct asrel *rel;         /* borrowed; NULL: none (set after
					    out_open): what the upstreams of
					    `as` and `history` are to their
					    origin (docs/events.md §14) */
	const struct asrel_cones *cones; /* borrowed; NULL: none: the
					    customer cones `as` prints */
	const struct mrt_rec *rec;       /* borrowed: the record elements come from */
	const char *file;                /* borrowed: its file (JSON elements) */
	const char *collector;           /* borrowed: printed with each element
					    when set (dump --show-collector) */
	struct out_elem_state *es;       /* owned: element caches */
};

void out_open(struct out *o, enum out_format fmt, struct obuf *ob, const struct names *nm);
void out_close(struct out *o);
/* Elements that follow come from this record of this file. */
void out_record(struct out *o, const struct mrt_rec *rec, const char *file);

static inline void out_elem(struct out *o, const struct bgp_elem *e)
{
	o->ops->elem(o, e);
}
static inline void out_event(struct out *o, const struct store_event *ev)
{
	o->ops->event(o, ev);
}
/* An origin's routes at time when (as): its upstreams' summary, then its
 * prefixes. */
static inline void out_origin(struct out *o, const struct rib *r, const struct rib_origin_view *v, uint32_t when)
{
	o->ops->origin(o, r, v, when);
}
/* A prefix and its more-specifics at time when (prefix). */
static inline void out_prefix(struct out *o, const struct rib *r, const struct rib_prefix_view *v, uint32_t when)
{
	o->ops->prefix(o, r, v, when);
}
/* A country's routing at time when (country, docs/events.md §14). */
static inline void out_country(struct out *o, const struct rib *r, const struct det_country_view *v, uint32_t when)
{
	o->ops->country(o, r, v, when);
}
/* An origin's history with its upstreams (history). */
static inline void out_history(struct out *o, const struct store_history *h, const struct store_upstream *u,
			       size_t nu)
{
	o->ops->history(o, h, u, nu);
}

/* The HTTP API's shapes that no command prints (out_api.c), JSON only.
 * An origin's summary from its history: its counts, whether it is down
 * (since when), the upstreams it has now and how many it ever had; with
 * relationships (rel, cones: NULL for none, docs/events.md §14) what each
 * upstream is to it, and the customer cones. */
void out_summary_json(struct obuf *o, const struct names *nm, const struct store_history *h,
		      const struct store_upstream *u, size_t nu, bool down, uint32_t down_since,
		      const struct asrel *rel, const struct asrel_cones *cones);
/* [{"asn":A,"name":...,"K2":time}...] from (asn, time) pairs (k2 NULL:
 * no time). */
/* docs/events.md §15. One whole MRT record's elements as bgpdump -m
 * lines (what `routewatch dump` prints for it): the count of lines, or an
 * error when p is not one whole record that decodes. */
int out_mrt_lines(struct obuf *ob, const uint8_t *p, size_t n, const char *file);
/* ,"first_seen":{collector, peer, peer_asn, time}|null,"proof":{record
 * (the lines above), record_mrt (record_url), record_length, file,
 * offset, cause}|null as JSON members (p NULL: no proof stored). */
void out_proof_json(struct obuf *o, const struct store_proof *p, const char *record_url);
void out_asns_json(struct obuf *o, const struct names *nm, const uint32_t (*a)[2], size_t n, const char *k2);

#endif
