/*
 * hist: what the history store learns from the engine while it runs.
 *
 * It listens to the detector (det_hooks: routes per (origin, upstream) and
 * prefixes per origin at the end of each second; the events, including the
 * silent DET_UPSTREAM_PRESENT of baselines) and keeps, between two writes:
 *
 *  - the events, grouped as EVENTS.md §7 says;
 *  - per (origin, upstream) its interval as an upstream: opened by
 *    upstream_gained (or a silent confirmation in a baseline), closed by
 *    upstream_lost with last_for_origin, dated as the events are; an outage
 *    of the origin does not close it. While open, the share of the
 *    origin's routes it carries is integrated over the seconds the origin
 *    is visible (mean = area / seconds) and its maximum kept;
 *  - per origin its prefixes and routes, and one series point per
 *    STORE_BUCKET with the values after the bucket's last change.
 *
 * hist_write puts all of it into the store (inside the caller's
 * transaction) and starts over; the running state (open intervals, current
 * counts) stays. After an engine snapshot is loaded, hist_attach rebuilds
 * the counts from the detector and hist_load the open intervals from the
 * store, so a later run continues as one long run would.
 */
#ifndef RW_HIST_H
#define RW_HIST_H

#include "store.h"
#include "../engine/engine.h"

struct hist_ou {
	uint32_t origin, upstream;
	uint32_t routes;        /* now */
	uint32_t next;          /* next entry of the same origin, RIB_NONE ends */
	bool open, dirty;       /* interval open; its row changed */
	uint32_t start, acc_ts; /* interval start; integrated up to */
	uint64_t seconds;
	double area, max;
};

struct hist_org {
	uint32_t origin;
	uint32_t routes, prefixes; /* now */
	uint32_t first;            /* its first hist_ou, RIB_NONE: none */
	uint32_t first_seen;       /* when this run saw it appear (0: earlier) */
	uint32_t touched;          /* the second whose pre-change work is done */
	uint32_t changed;          /* the last second it changed */
	uint32_t pend_ts;          /* a series point is due for this second (0: none) */
	bool dirty;                /* its origins row changed */
	bool in_sec;               /* listed in sec_orgs */
};

struct hist_pt {
	uint32_t origin, ts, prefixes, routes;
	uint32_t up_off, up_n;     /* into hist.up */
};

struct hist {
	struct hist_ou *ou;        /* owned */
	uint32_t nou, capou;
	struct hist_org *org;      /* owned */
	uint32_t norg, caporg;
	struct u64map ou_idx;      /* (origin << 32 | upstream) -> ou index */
	struct u64map org_idx;     /* origin -> org index */
	uint32_t *sec_orgs;        /* origins changed in the current second */
	uint32_t nsec, capsec;
	struct store_interval *closed; /* closed since the last write */
	uint32_t nclosed, capclosed;
	struct hist_pt *pt;        /* series points due */
	uint32_t npt, cappt;
	uint32_t (*up)[2];         /* their (upstream, routes) */
	uint32_t nup, capup;
	struct det_group g;        /* events since the last write */
	struct det_hooks hooks;
	uint64_t events, intervals_opened, intervals_closed, points;
};

void hist_init(struct hist *h);
void hist_release(struct hist *h);
/* Listen to this engine's detector, taking the counts it has now (from a
 * loaded snapshot). Its event callback must be hist_on_event(h, ...). */
void hist_attach(struct hist *h, struct engine *e);
/* The open intervals of the store (after hist_attach). */
int hist_load(struct hist *h, struct store *s);
/* The engine's event callback (arg = the hist). */
void hist_on_event(void *arg, const struct det_event *e);
/* A grouped event as a store row: its prefixes formatted into *buf
 * (grown as needed, owned by the caller), which v->prefixes points into. */
void hist_event_view(const struct det_gevent *g, const struct rib *r, char **buf, size_t *cap,
		     struct store_event *v);
/* Everything since the last write into the store (in the caller's
 * transaction); the rib formats the events' prefixes. */
int hist_write(struct hist *h, struct store *s, const struct rib *r);

#endif
