/* store.h, reading: what history, report and `events --db` ask. Each is a
 * few indexed queries on (origin, ...) keys, so answers take milliseconds
 * whatever the size of the store. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>

static int history(struct store *s, enum store_tab tab, uint32_t origin, struct store_history *h)
{
	memset(h, 0, sizeof *h);
	h->tab = tab;
	h->origin = origin;
	int64_t clock = 0;
	store_meta_get(s, "clock", &clock);
	h->clock = (uint32_t)clock;
	struct db_stmt *st =
		db_prepare(s->db, tab == STORE_COUNTRIES
					  ? "SELECT first_seen, prefixes, routes, changed FROM countries WHERE origin = ?"
					  : "SELECT first_seen, prefixes, routes, changed FROM origins WHERE origin = ?");
	if (!st)
		return store_fail(s, "reading origins", RW_EDB);
	db_bind_i64(st, 1, origin);
	int rc = db_step(st);
	if (rc == 1) {
		h->found = true;
		h->first_seen = (uint32_t)db_col_i64(st, 0);
		h->prefixes = (uint32_t)db_col_i64(st, 1);
		h->routes = (uint32_t)db_col_i64(st, 2);
		h->changed = (uint32_t)db_col_i64(st, 3);
	}
	db_finalize(st);
	if (rc < 0)
		return store_fail(s, "reading origins", rc);
	st = db_prepare(s->db, tab == STORE_COUNTRIES
				       ? "SELECT upstream, start_ts, end_ts, acc_ts, seconds, area, share_max, share_now,"
					 " visible FROM country_intervals WHERE origin = ? ORDER BY upstream, start_ts"
				       : "SELECT upstream, start_ts, end_ts, acc_ts, seconds, area, share_max, share_now,"
					 " visible FROM intervals WHERE origin = ? ORDER BY upstream, start_ts");
	if (!st)
		return store_fail(s, "reading intervals", RW_EDB);
	db_bind_i64(st, 1, origin);
	while ((rc = db_step(st)) == 1) {
		rw_vec_grow(&h->iv, &h->capiv, (size_t)h->niv + 1, sizeof *h->iv, UINT32_MAX, RW_MEM_STORE);
		struct store_interval *iv = &h->iv[h->niv++];
		*iv = (struct store_interval){
			.origin = origin,
			.upstream = (uint32_t)db_col_i64(st, 0),
			.start = (uint32_t)db_col_i64(st, 1),
			.end = db_col_null(st, 2) ? 0 : (uint32_t)db_col_i64(st, 2),
			.acc_ts = (uint32_t)db_col_i64(st, 3),
			.seconds = (uint64_t)db_col_i64(st, 4),
			.area = db_col_f64(st, 5),
			.share_max = db_col_f64(st, 6),
			.share_now = db_col_f64(st, 7),
			.visible = db_col_i64(st, 8) != 0,
		};
	}
	db_finalize(st);
	if (rc < 0)
		return store_fail(s, "reading intervals", rc);
	return 0;
}

int store_history(struct store *s, uint32_t origin, struct store_history *h)
{
	return history(s, STORE_ORIGINS, origin, h);
}

int store_country_history(struct store *s, uint16_t cc, struct store_history *h)
{
	return history(s, STORE_COUNTRIES, cc, h);
}

void store_history_free(struct store_history *h)
{
	rw_vec_free(&h->iv, &h->capiv, sizeof *h->iv, RW_MEM_STORE);
	memset(h, 0, sizeof *h);
}

void store_interval_acc(const struct store_interval *iv, uint32_t clock, double *area, double *secs)
{
	*area = iv->area;
	*secs = (double)iv->seconds;
	if (!iv->end && iv->visible && clock > iv->acc_ts) {
		*area += iv->share_now * (clock - iv->acc_ts);
		*secs += clock - iv->acc_ts;
	}
}

double store_interval_mean(const struct store_interval *iv, uint32_t clock)
{
	double area, secs;
	store_interval_acc(iv, clock, &area, &secs);
	if (secs > 0)
		return area / secs;
	return iv->share_max > iv->share_now ? iv->share_max : iv->share_now;
}

static int up_cmp(const void *a, const void *b)
{
	const struct store_upstream *x = a, *y = b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

struct store_upstream *store_history_upstreams(const struct store_history *h, size_t *n)
{
	struct store_upstream *u = rw_calloc(h->niv + 1, sizeof *u);
	size_t k = 0;
	for (size_t i = 0; i < h->niv;) {
		struct store_upstream *x = &u[k++];
		double area = 0, secs = 0;
		x->asn = h->iv[i].upstream;
		x->i0 = i;
		x->first = h->iv[i].start;
		for (; i < h->niv && h->iv[i].upstream == x->asn; i++) {
			double a, s;
			store_interval_acc(&h->iv[i], h->clock, &a, &s);
			area += a;
			secs += s;
			if (h->iv[i].share_max > x->max)
				x->max = h->iv[i].share_max;
			x->last = h->iv[i].end;
			x->n++;
		}
		x->mean = secs > 0 ? area / secs : x->max;
	}
	if (k > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(u, k, sizeof *u, up_cmp);
	*n = k;
	return u;
}

#define EV_COLS "type, time, origin, upstream, flag, determined, peers, origin_prefixes, prefixes, since, collector, origins, covering, detail"

/* Each row of a query on EV_COLS to fn (until it returns nonzero); the
 * statement is finalized. */
static int read_events(struct store *s, struct db_stmt *st, store_event_fn fn, void *arg)
{
	int rc;
	while ((rc = db_step(st)) == 1) {
		int64_t o = db_col_i64(st, 2);
		struct store_event e = {
			.type = (uint8_t)db_col_i64(st, 0),
			.time = (uint32_t)db_col_i64(st, 1),
			.has_origin = o >= 0,
			.origin = o >= 0 ? (uint32_t)o : 0,
			.upstream = (uint32_t)db_col_i64(st, 3),
			.flag = db_col_i64(st, 4) != 0,
			.determined = (uint32_t)db_col_i64(st, 5),
			.peers = (uint32_t)db_col_i64(st, 6),
			.origin_prefixes = (uint32_t)db_col_i64(st, 7),
			.prefixes = (char *)db_col_text(st, 8),
			.since = (uint32_t)db_col_i64(st, 9),
			.collector = db_col_text(st, 10),
			.origins = db_col_text(st, 11),
			.covering = db_col_text(st, 12),
			.detail = db_col_text(st, 13),
		};
		if (fn(arg, &e)) {
			rc = 0;
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? store_fail(s, "reading events", rc) : 0;
}

int store_events(struct store *s, bool all_origins, uint32_t origin, uint32_t from, uint32_t to,
		 store_event_fn fn, void *arg)
{
	return store_events_after(s, all_origins, origin, from, to, NULL, 0, fn, arg);
}

int store_events_after(struct store *s, bool all_origins, uint32_t origin, uint32_t from, uint32_t to,
		       const struct store_ev_key *after, uint32_t limit, store_event_fn fn, void *arg)
{
	/* One origin's events, and those that concern it without being its
	 * own: a collector_gap (type 7, enum det_type) concerns every origin;
	 * an origin_gained, origin_lost or more_specific (8, 9, 11) of another
	 * origin names it among the prefix's other, remaining or covering
	 * origins (a hijack of its prefix, and its end); a route_leak or its end (14, 15) names it among the
	 * origins of the leaked routes; a hijack or its end (16, 17) of a
	 * watched prefix names it among the expected origins. A country's
	 * events (30, 31) keep its code in origin: never an origin's own.
	 * Three branches, each on an index (the primary key; events
	 * (type, time)), not one OR that would read the whole table. */
	/* a page (store_events_after): each branch also starts after the
	 * cursor's key, in the order of the ORDER BY (row values), and the
	 * rows stop at the limit */
#define EV_AFTER " AND (time, type, origin, upstream) > (?, ?, ?, ?)"
	static const char *const q[2][2] = {
		{"SELECT " EV_COLS " FROM events WHERE origin = ? AND time >= ? AND time <= ?"
		 " AND type NOT IN (30, 31) UNION ALL SELECT " EV_COLS " FROM events WHERE type = 7 AND time >= ? AND time <= ?"
		 " UNION ALL SELECT " EV_COLS " FROM events WHERE type IN (8, 9, 11, 14, 15, 16, 17) AND time >= ? AND time <= ?"
		 " AND origin <> ? AND (' ' || origins || ' ') LIKE ?"
		 " ORDER BY 2, 1, 3, 4",
		 "SELECT " EV_COLS " FROM events WHERE origin = ? AND time >= ? AND time <= ?"
		 " AND type NOT IN (30, 31)" EV_AFTER " UNION ALL SELECT " EV_COLS " FROM events WHERE type = 7 AND time >= ? AND time <= ?" EV_AFTER
		 " UNION ALL SELECT " EV_COLS " FROM events WHERE type IN (8, 9, 11, 14, 15, 16, 17) AND time >= ? AND time <= ?"
		 " AND origin <> ? AND (' ' || origins || ' ') LIKE ?" EV_AFTER
		 " ORDER BY 2, 1, 3, 4"},
		{"SELECT " EV_COLS " FROM events WHERE time >= ? AND time <= ? ORDER BY time, type, origin, upstream",
		 "SELECT " EV_COLS " FROM events WHERE time >= ? AND time <= ?" EV_AFTER
		 " ORDER BY time, type, origin, upstream"},
	};
	char sql[1536];
	snprintf(sql, sizeof sql, limit ? "%s LIMIT %u" : "%s", q[all_origins][after != NULL], limit);
	struct db_stmt *st = db_prepare(s->db, sql);
	if (!st)
		return store_fail(s, "reading events", RW_EDB);
	char like[24];
	snprintf(like, sizeof like, "%% %u %%", origin);
	int i = 1;
#define BIND_AFTER()                                                                                 \
	do {                                                                                         \
		if (after) {                                                                         \
			db_bind_i64(st, i++, after->time);                                           \
			db_bind_i64(st, i++, after->type);                                           \
			db_bind_i64(st, i++, after->origin);                                         \
			db_bind_i64(st, i++, after->upstream);                                       \
		}                                                                                    \
	} while (0)
	if (all_origins) {
		db_bind_i64(st, i++, from);
		db_bind_i64(st, i++, to);
		BIND_AFTER();
	} else {
		db_bind_i64(st, i++, origin);
		for (int k = 0; k < 3; k++) {
			db_bind_i64(st, i++, from);
			db_bind_i64(st, i++, to);
			if (k == 2) {
				db_bind_i64(st, i++, origin);
				db_bind_text(st, i++, like, strlen(like));
			}
			BIND_AFTER();
		}
	}
#undef BIND_AFTER
	return read_events(s, st, fn, arg);
}

/* The last n events of [from, to] in store_events' order (the home page's
 * latest events): read backwards on the events_time index, so the cost is
 * n rows however many the window holds. */
int store_events_latest(struct store *s, uint32_t from, uint32_t to, uint32_t n, store_event_fn fn, void *arg)
{
	char sql[512];
	snprintf(sql, sizeof sql,
		 "SELECT " EV_COLS " FROM (SELECT " EV_COLS " FROM events WHERE time >= ? AND time <= ?"
		 " ORDER BY time DESC, type DESC, origin DESC, upstream DESC LIMIT %u) AS latest"
		 " ORDER BY time, type, origin, upstream",
		 n);
	struct db_stmt *st = db_prepare(s->db, sql);
	if (!st)
		return store_fail(s, "reading events", RW_EDB);
	db_bind_i64(st, 1, from);
	db_bind_i64(st, 2, to);
	return read_events(s, st, fn, arg);
}

static int series(struct store *s, enum store_tab tab, uint32_t origin, uint32_t from, uint32_t to,
		  struct store_series *out)
{
	memset(out, 0, sizeof *out);
	int64_t b0 = from / STORE_BUCKET, b1 = to / STORE_BUCKET;
	bool c = tab == STORE_COUNTRIES;
	/* the point in force at `from` is the last one before it */
	struct db_stmt *st =
		db_prepare(s->db, c ? "SELECT MAX(bucket) FROM country_series WHERE origin = ? AND bucket < ?"
				    : "SELECT MAX(bucket) FROM origin_series WHERE origin = ? AND bucket < ?");
	if (!st)
		return store_fail(s, "reading series", RW_EDB);
	db_bind_i64(st, 1, origin);
	db_bind_i64(st, 2, b0);
	if (db_step(st) == 1 && !db_col_null(st, 0))
		b0 = db_col_i64(st, 0);
	db_finalize(st);

	st = db_prepare(s->db, c ? "SELECT ts, prefixes, routes, upstreams FROM country_series WHERE origin = ?"
				   " AND bucket >= ? AND bucket <= ? ORDER BY bucket"
				 : "SELECT ts, prefixes, routes, upstreams FROM origin_series WHERE origin = ?"
				   " AND bucket >= ? AND bucket <= ? ORDER BY bucket");
	if (!st)
		return store_fail(s, "reading series", RW_EDB);
	db_bind_i64(st, 1, origin);
	db_bind_i64(st, 2, b0);
	db_bind_i64(st, 3, b1);
	int rc;
	while ((rc = db_step(st)) == 1) {
		rw_vec_grow(&out->pt, &out->cappt, (size_t)out->n + 1, sizeof *out->pt, UINT32_MAX, RW_MEM_STORE);
		struct store_series_pt *pt = &out->pt[out->n++];
		*pt = (struct store_series_pt){(uint32_t)db_col_i64(st, 0), (uint32_t)db_col_i64(st, 1),
					       (uint32_t)db_col_i64(st, 2), (uint32_t)out->nup, 0};
		/* "upstream:routes upstream:routes ..." */
		for (const char *p = db_col_text(st, 3); *p;) {
			char *end;
			unsigned long u = strtoul(p, &end, 10), r;
			if (*end != ':')
				break;
			r = strtoul(end + 1, &end, 10);
			rw_vec_grow(&out->up, &out->capup, (size_t)out->nup + 1, sizeof *out->up, UINT32_MAX,
				    RW_MEM_STORE);
			out->up[out->nup][0] = (uint32_t)u;
			out->up[out->nup][1] = (uint32_t)r;
			out->nup++;
			pt->up_n++;
			p = end;
			while (*p == ' ')
				p++;
		}
	}
	db_finalize(st);
	return rc < 0 ? store_fail(s, "reading series", rc) : 0;
}

int store_series(struct store *s, uint32_t origin, uint32_t from, uint32_t to, struct store_series *out)
{
	return series(s, STORE_ORIGINS, origin, from, to, out);
}

int store_country_series(struct store *s, uint16_t cc, uint32_t from, uint32_t to, struct store_series *out)
{
	return series(s, STORE_COUNTRIES, cc, from, to, out);
}

int store_country_events(struct store *s, uint16_t cc, uint32_t from, uint32_t to, store_event_fn fn, void *arg)
{
	struct db_stmt *st = db_prepare(s->db, "SELECT " EV_COLS " FROM events WHERE origin = ? AND type IN (30, 31)"
					       " AND time >= ? AND time <= ? ORDER BY 2, 1, 3, 4");
	if (!st)
		return store_fail(s, "reading events", RW_EDB);
	db_bind_i64(st, 1, cc);
	db_bind_i64(st, 2, from);
	db_bind_i64(st, 3, to);
	return read_events(s, st, fn, arg);
}

void store_series_free(struct store_series *ss)
{
	rw_vec_free(&ss->pt, &ss->cappt, sizeof *ss->pt, RW_MEM_STORE);
	rw_vec_free(&ss->up, &ss->capup, sizeof *ss->up, RW_MEM_STORE);
	memset(ss, 0, sizeof *ss);
}

int store_origin_down_at(struct store *s, uint32_t origin, uint32_t t, bool *down, uint32_t *since)
{
	*down = false;
	*since = 0;
	/* types 2 and 4: origin_down and origin_up (enum det_type) */
	struct db_stmt *st = db_prepare(s->db, "SELECT type, time FROM events WHERE origin = ? AND time < ?"
					       " AND type IN (2, 4) ORDER BY time DESC, type DESC LIMIT 1");
	if (!st)
		return store_fail(s, "reading events", RW_EDB);
	db_bind_i64(st, 1, origin);
	db_bind_i64(st, 2, t);
	int rc = db_step(st);
	if (rc == 1 && db_col_i64(st, 0) == 2) {
		*down = true;
		*since = (uint32_t)db_col_i64(st, 1);
	}
	db_finalize(st);
	return rc < 0 ? store_fail(s, "reading events", rc) : 0;
}
