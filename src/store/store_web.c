/*
 * store.h, what the web pages ask of a store beyond the API's queries
 * (src/http/http_html.c, the state routes of http_api.c):
 *
 *  - the collectors whose files were read, and how fresh each is (the
 *    files table: the newest file's first record, when it was ingested);
 *  - one event by its key (an event's page, /event/{key}): the page query
 *    of that one second, kept to the row whose key is the one asked for;
 *  - the stored engine state of a store already open (the state routes
 *    read it once per store clock, http_api.c).
 *
 * Owned by the web page's work (issue 12); nothing here writes.
 */
#include "store.h"

#include <stdlib.h>

int store_collectors(struct store *s, store_coll_fn fn, void *arg)
{
	struct db_stmt *st = db_prepare(s->db, "SELECT collector, COUNT(*), MAX(first_ts), MAX(ingested) FROM files"
					       " GROUP BY collector ORDER BY collector");
	if (!st)
		return store_fail(s, "reading the files read", RW_EDB);
	int rc;
	while ((rc = db_step(st)) == 1) {
		struct store_coll c = {.name = db_col_text(st, 0),
				       .files = (uint32_t)db_col_i64(st, 1),
				       .newest = (uint32_t)db_col_i64(st, 2),
				       .ingested = db_col_i64(st, 3)};
		if (fn(arg, &c))
			break;
	}
	db_finalize(st);
	return rc < 0 ? store_fail(s, "reading the files read", rc) : 0;
}

struct one_ev {
	const struct store_ev_key *k;
	store_event_fn fn;
	void *arg;
	bool found;
};

static int on_one(void *arg, const struct store_event *e)
{
	struct one_ev *o = arg;
	struct store_ev_key k;
	store_ev_key_of(e, &k);
	if (k.time != o->k->time || k.type != o->k->type || k.origin != o->k->origin || k.upstream != o->k->upstream)
		return 0;
	o->found = true;
	o->fn(o->arg, e);
	return 1;
}

int store_event_get(struct store *s, const struct store_ev_key *k, store_event_fn fn, void *arg, bool *found)
{
	struct one_ev o = {k, fn, arg, false};
	/* a second holds few events of one type and origin; a full table's
	 * session reset is the worst case, and scan_max bounds it */
	/* a country's events (30, 31) are never an origin's own: the
	 * one-origin query leaves them out, so they are looked up among all */
	bool all = k->origin < 0 || k->type == DET_COUNTRY_GAINED || k->type == DET_COUNTRY_LOST;
	struct store_ev_query q = {
		.all_origins = all,
		.origin = all ? 0 : (uint32_t)k->origin,
		.from = k->time,
		.to = k->time,
		.types = k->type < 32 ? 1u << k->type : 0,
		.limit = 100000,
		.scan_max = 100000,
	};
	struct store_ev_page res;
	int rc = store_events_page(s, &q, on_one, &o, &res);
	*found = o.found;
	return rc;
}

static void no_event(void *arg, const struct det_event *e)
{
	(void)arg;
	(void)e;
}

struct engine *store_state_of(struct store *s, int *rc)
{
	int64_t mp = 0;
	store_meta_get(s, "min_peers", &mp);
	struct engine *e = rw_malloc(sizeof *e);
	engine_init(e, mp > 0 ? (unsigned)mp : 2, no_event, NULL);
	if ((*rc = store_engine_load(s, e))) {
		engine_release(e);
		free(e);
		return NULL;
	}
	return e;
}
