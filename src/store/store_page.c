/*
 * store.h, pages of events and lookups for the HTTP API (and any front end
 * that pages): the events of a window filtered by type, origin, upstream,
 * prefix and collector, a page at a time after a cursor; AS names and the
 * origins a prefix had.
 *
 * A page reads the window in the order of store_events in chunks
 * (store_events_after with a LIMIT), keeps the rows the filter passes, and
 * stops when the page is full or when it has read scan_max rows: a filter
 * that passes few rows of a large window cannot make one request read the
 * whole table. Either way the cursor it returns is the key of the last row
 * it read, so the next page goes on from there and no row is read twice.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>

/* docs/events.md: which events name `up` as an upstream: upstream_gained
 * and upstream_lost by their upstream, route_leak and its end by their
 * (from, to) pair (stored in covering, store_leak_pair). */
static bool match_upstream(const struct store_event *e, uint32_t up)
{
	if (e->type == DET_UPSTREAM_GAINED || e->type == DET_UPSTREAM_LOST)
		return e->upstream == up;
	if (e->type == DET_ROUTE_LEAK || e->type == DET_ROUTE_LEAK_END) {
		uint32_t from, to;
		store_leak_pair(e->covering, &from, &to);
		return from == up || to == up;
	}
	return false;
}

/* Does the event's prefix list hold p or a more-specific prefix of it? */
static bool match_prefix(const char *list, const struct rw_prefix *p)
{
	for (const char *s = list ? list : ""; *s;) {
		size_t n = strcspn(s, " ");
		char b[RW_PREFIX_STRLEN];
		struct rw_prefix q;
		if (n < sizeof b) {
			memcpy(b, s, n);
			b[n] = 0;
			if (!parse_prefix(b, &q) && q.af == p->af && q.len >= p->len) {
				struct rw_addr a = {.af = q.af};
				memcpy(a.b, q.b, sizeof a.b);
				if (rw_prefix_has(p, &a))
					return true;
			}
		}
		s += n;
		s += strspn(s, " ");
	}
	return false;
}

bool store_ev_match(const struct store_ev_query *q, const struct store_event *e)
{
	if (e->type == DET_UPSTREAM_PRESENT || e->type >= 32)
		return false; /* silent, never stored; DET_COUNTRY_PRESENT (32) too */
	if (q->types && !(q->types & (1u << e->type)))
		return false;
	if (q->has_upstream && !match_upstream(e, q->upstream))
		return false;
	if (q->collector && (e->type != DET_COLLECTOR_GAP || strcmp(e->collector ? e->collector : "", q->collector)))
		return false;
	if (q->prefix && !match_prefix(e->prefixes, q->prefix))
		return false;
	return true;
}

void store_ev_key_of(const struct store_event *e, struct store_ev_key *k)
{
	*k = (struct store_ev_key){e->time, e->type, e->has_origin ? (int64_t)e->origin : -1, e->upstream};
}

struct page {
	const struct store_ev_query *q;
	store_event_fn fn;
	void *arg;
	struct store_ev_key last; /* the last row read */
	uint32_t read, kept;
	bool any, stop;
};

static int on_row(void *arg, const struct store_event *e)
{
	struct page *p = arg;
	store_ev_key_of(e, &p->last);
	p->any = true;
	p->read++;
	if (store_ev_match(p->q, e)) {
		p->kept++;
		if (p->fn(p->arg, e))
			p->stop = true;
	}
	if (p->stop || p->kept >= p->q->limit || p->read >= p->q->scan_max)
		return 1;
	return 0;
}

int store_events_page(struct store *s, const struct store_ev_query *q, store_event_fn fn, void *arg,
		      struct store_ev_page *res)
{
	memset(res, 0, sizeof *res);
	struct page p = {.q = q, .fn = fn, .arg = arg};
	struct store_ev_key after;
	bool have_after = q->after != NULL;
	if (have_after)
		after = *q->after;
	uint32_t chunk = q->limit < 64 ? 64 : q->limit + q->limit / 4;
	for (;;) {
		uint32_t read0 = p.read;
		p.any = false;
		int rc = store_events_after(s, q->all_origins, q->origin, q->from, q->to, have_after ? &after : NULL,
					    chunk, on_row, &p);
		if (rc)
			return rc;
		uint32_t got = p.read - read0;
		if (p.any) {
			after = p.last;
			have_after = true;
		}
		if (p.stop)
			break;
		if (p.kept >= q->limit || p.read >= q->scan_max) {
			res->more = true; /* maybe: the next page says */
			break;
		}
		if (got < chunk)
			break; /* the window is read to its end */
	}
	res->read = p.read;
	res->kept = p.kept;
	if (res->more)
		res->next = after;
	return 0;
}

/* ---------------------------------------------------------------- lookups */

int store_names_search(struct store *s, const char *text, uint32_t limit, store_name_fn fn, void *arg)
{
	/* case-insensitive on both backends (PostgreSQL's LIKE is not);
	 * the text is a LIKE pattern's middle, with its wildcards escaped */
	char pat[512];
	size_t n = 0;
	pat[n++] = '%';
	for (const char *c = text; *c && n + 4 < sizeof pat; c++) {
		if (*c == '%' || *c == '_' || *c == '!')
			pat[n++] = '!';
		pat[n++] = *c;
	}
	pat[n++] = '%';
	pat[n] = 0;
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT asn, name FROM names WHERE LOWER(name) LIKE LOWER(?) ESCAPE '!'"
				  " ORDER BY asn LIMIT %u", limit);
	struct db_stmt *st = db_prepare(s->db, sql);
	if (!st)
		return store_fail(s, "searching names", RW_EDB);
	db_bind_text(st, 1, pat, n);
	int rc;
	while ((rc = db_step(st)) == 1)
		if (fn(arg, (uint32_t)db_col_i64(st, 0), db_col_text(st, 1)))
			break;
	db_finalize(st);
	return rc < 0 ? store_fail(s, "searching names", rc) : 0;
}

int store_origin_get(struct store *s, uint32_t origin, struct store_origin *o, bool *found)
{
	memset(o, 0, sizeof *o);
	*found = false;
	struct db_stmt *st = db_prepare(s->db, "SELECT first_seen, prefixes, routes, changed FROM origins WHERE origin = ?");
	if (!st)
		return store_fail(s, "reading origins", RW_EDB);
	db_bind_i64(st, 1, origin);
	int rc = db_step(st);
	if (rc == 1) {
		*found = true;
		*o = (struct store_origin){origin, (uint32_t)db_col_i64(st, 0), (uint32_t)db_col_i64(st, 1),
					   (uint32_t)db_col_i64(st, 2), (uint32_t)db_col_i64(st, 3)};
	}
	db_finalize(st);
	return rc < 0 ? store_fail(s, "reading origins", rc) : 0;
}

int store_prefix_origin_list(struct store *s, const char *prefix, uint32_t limit, store_po_fn fn, void *arg)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT origin, first_seen FROM prefix_origins WHERE prefix = ? ORDER BY origin LIMIT %u",
		 limit);
	struct db_stmt *st = db_prepare(s->db, sql);
	if (!st)
		return store_fail(s, "reading prefix origins", RW_EDB);
	db_bind_text(st, 1, prefix, strlen(prefix));
	int rc;
	while ((rc = db_step(st)) == 1)
		if (fn(arg, (uint32_t)db_col_i64(st, 0), (uint32_t)db_col_i64(st, 1)))
			break;
	db_finalize(st);
	return rc < 0 ? store_fail(s, "reading prefix origins", rc) : 0;
}
