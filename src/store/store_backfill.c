/*
 * The backfill's SQL (store.h, "backfill"; docs/backfill.md): the queue
 * of windows, the pieces each window writes, and the join that makes
 * them one history. PostgreSQL only: workers on many machines share the
 * queue through row locks (FOR UPDATE SKIP LOCKED) and the server's clock,
 * which SQLite's single file cannot give.
 *
 * Invariants:
 *  - a window is planned once: backfill_windows.from_ts is unique, and a
 *    plan that overlaps a planned window is refused as a whole;
 *  - a window's results (events, series, prefix origins, pieces) are
 *    written in the transaction that sets its state to done, after the row
 *    was locked and found still claimed by this worker: a worker whose
 *    lease was taken over writes nothing, a killed one commits nothing;
 *  - leases and times of the queue are the server's (now()), so machines
 *    with skewed clocks agree on expiry;
 *  - intervals and origins are rebuilt from all pieces by the join, once
 *    every window of the store is done; before that the store has the
 *    events and series of the done windows and no intervals;
 *  - the countries' history (docs/events.md §14, with --countries) goes
 *    the same way through tables of the same shape (bf_tabs): pieces in
 *    backfill_country_pieces, rows in backfill_countries, joined into
 *    country_intervals and countries by the same code.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>

#define NOW "CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)"

/* The columns of a window's interval pieces and of its origin rows: the
 * origins' and the countries' tables have them both. */
#define BF_PIECES                                                                                          \
	" (win_id BIGINT NOT NULL REFERENCES backfill_windows (id),"                                         \
	" seq BIGINT NOT NULL, origin BIGINT NOT NULL, upstream BIGINT NOT NULL, start_ts BIGINT NOT NULL,"  \
	" end_ts BIGINT, cont BIGINT NOT NULL, acc_ts BIGINT NOT NULL, seconds BIGINT NOT NULL,"             \
	" area DOUBLE PRECISION NOT NULL, share_max DOUBLE PRECISION NOT NULL, share_now DOUBLE PRECISION NOT NULL,"\
	" visible BIGINT NOT NULL, PRIMARY KEY (win_id, seq));"
#define BF_ORIGINS                                                                                         \
	" (win_id BIGINT NOT NULL REFERENCES backfill_windows (id),"                                         \
	" origin BIGINT NOT NULL, first_seen BIGINT NOT NULL, prefixes BIGINT NOT NULL, routes BIGINT NOT NULL,"\
	" changed BIGINT NOT NULL, PRIMARY KEY (win_id, origin));"

static const char bf_schema[] =
	"CREATE TABLE IF NOT EXISTS backfill_plans (id BIGSERIAL PRIMARY KEY, mirror TEXT NOT NULL,"
	" from_ts BIGINT NOT NULL, until_ts BIGINT NOT NULL, window_s BIGINT NOT NULL, settle BIGINT NOT NULL,"
	" gap BIGINT NOT NULL, min_peers BIGINT NOT NULL, created BIGINT NOT NULL, joined BIGINT NOT NULL DEFAULT 0,"
	" inputs TEXT NOT NULL DEFAULT '');"
	/* a queue made before the plans kept their inputs */
	"ALTER TABLE backfill_plans ADD COLUMN IF NOT EXISTS inputs TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE IF NOT EXISTS backfill_windows (id BIGSERIAL PRIMARY KEY,"
	" plan BIGINT NOT NULL REFERENCES backfill_plans (id), from_ts BIGINT NOT NULL, until_ts BIGINT NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'claimed', 'done', 'failed')),"
	" worker TEXT NOT NULL DEFAULT '', lease_until BIGINT NOT NULL DEFAULT 0, attempts BIGINT NOT NULL DEFAULT 0,"
	" claimed_at BIGINT NOT NULL DEFAULT 0, done_at BIGINT NOT NULL DEFAULT 0, seconds DOUBLE PRECISION NOT NULL"
	" DEFAULT 0, records BIGINT NOT NULL DEFAULT 0, events BIGINT NOT NULL DEFAULT 0, files BIGINT NOT NULL"
	" DEFAULT 0, clock BIGINT NOT NULL DEFAULT 0, message TEXT NOT NULL DEFAULT '',"
	" CONSTRAINT backfill_window_once UNIQUE (from_ts));"
	"CREATE INDEX IF NOT EXISTS backfill_windows_state ON backfill_windows (state, from_ts);"
	"CREATE TABLE IF NOT EXISTS backfill_pieces" BF_PIECES
	"CREATE INDEX IF NOT EXISTS backfill_pieces_key ON backfill_pieces (origin, upstream);"
	"CREATE TABLE IF NOT EXISTS backfill_origins" BF_ORIGINS
	"CREATE TABLE IF NOT EXISTS backfill_asks (win_id BIGINT NOT NULL REFERENCES backfill_windows (id),"
	" prefix TEXT NOT NULL, origin BIGINT NOT NULL, PRIMARY KEY (win_id, prefix, origin));"
	"CREATE INDEX IF NOT EXISTS backfill_asks_key ON backfill_asks (origin, prefix);"
	/* the countries' (docs/events.md §14): the two above's shape, origin
	 * a country's code and upstream its provider; added to older queues
	 * (their windows wrote none) */
	"CREATE TABLE IF NOT EXISTS backfill_country_pieces" BF_PIECES
	"CREATE INDEX IF NOT EXISTS backfill_country_pieces_key ON backfill_country_pieces (origin, upstream);"
	"CREATE TABLE IF NOT EXISTS backfill_countries" BF_ORIGINS;

/* The tables of each history (enum store_tab): a window's interval
 * pieces and origin (country) rows, and the tables the join makes of
 * them. */
static const struct bf_tab {
	const char *pieces, *rows, *intervals, *origins;
	int gained; /* the event type that opens an interval (the join's "dated") */
} bf_tabs[2] = {
	[STORE_ORIGINS] = {"backfill_pieces", "backfill_origins", "intervals", "origins", DET_UPSTREAM_GAINED},
	[STORE_COUNTRIES] = {"backfill_country_pieces", "backfill_countries", "country_intervals", "countries",
			     DET_COUNTRY_GAINED},
};

/* The window's rows, as multi-row INSERTs of literals: numbers, and
 * prefixes in their text form (digits, dots, colons and a slash: nothing
 * to quote). Doubles are written with 17 digits, which PostgreSQL reads
 * back to the same double. */
enum { B_PIECE, B_ORIGIN, B_CPIECE, B_CORIGIN, B_ASK, B_COUNT };

#define B_PIECE_HEAD(T)                                                                                    \
	"INSERT INTO " T " (win_id, seq, origin, upstream, start_ts, end_ts, cont, acc_ts, seconds, area,"  \
	" share_max, share_now, visible) VALUES "
#define B_ORIGIN_HEAD(T) "INSERT INTO " T " (win_id, origin, first_seen, prefixes, routes, changed) VALUES "
static const char *const b_head[B_COUNT] = {
	[B_PIECE] = B_PIECE_HEAD("backfill_pieces"),
	[B_ORIGIN] = B_ORIGIN_HEAD("backfill_origins"),
	[B_CPIECE] = B_PIECE_HEAD("backfill_country_pieces"),
	[B_CORIGIN] = B_ORIGIN_HEAD("backfill_countries"),
	[B_ASK] = "INSERT INTO backfill_asks (win_id, prefix, origin) VALUES ",
};
_Static_assert(sizeof ((struct store *)0)->bfn / sizeof(uint32_t) == B_COUNT, "a row buffer per table");

static int b_send(struct store *s, int k)
{
	if (!s->bfn[k])
		return 0;
	struct obuf *q = &s->bfq[k];
	if (k == B_ASK)
		obuf_puts(q, " ON CONFLICT DO NOTHING");
	obuf_putc(q, 0);
	int rc = db_exec(s->db, (const char *)obuf_data(q));
	obuf_reset(q);
	s->bfn[k] = 0;
	return rc;
}

/* Start row k's values (the statement's head first); *full after it:
 * the caller ends the row and sends. */
static struct obuf *b_row(struct store *s, int k)
{
	struct obuf *q = &s->bfq[k];
	obuf_puts(q, s->bfn[k]++ ? ", (" : b_head[k]);
	if (s->bfn[k] > 1)
		return q;
	obuf_putc(q, '(');
	return q;
}

static int b_end(struct store *s, int k)
{
	obuf_putc(&s->bfq[k], ')');
	return s->bfn[k] >= STORE_BF_BATCH ? b_send(s, k) : 0;
}

static void b_reset(struct store *s)
{
	for (int k = 0; k < B_COUNT; k++) {
		obuf_reset(&s->bfq[k]);
		s->bfn[k] = 0;
	}
}

int store_bf_schema(struct store *s)
{
	if (db_kind(s->db) != DB_PG) {
		rw_log(RW_LOG_ERROR, "%s: backfill needs a PostgreSQL store (--db postgresql://...): its workers, on "
				     "any number of machines, share the queue through the server's row locks; an "
				     "SQLite file is filled by `routewatch ingest`",
		       s->where);
		return RW_EUNSUPPORTED;
	}
	/* made already: nothing run (CREATE INDEX IF NOT EXISTS would lock
	 * backfill_pieces against the workers writing it; store_open says
	 * why) */
	struct db_stmt *q = db_prepare(
		s->db, "SELECT (SELECT count(*) FROM (VALUES ('backfill_plans'), ('backfill_windows'), ('backfill_windows_state'),"
		       " ('backfill_pieces'), ('backfill_pieces_key'), ('backfill_origins'), ('backfill_asks'),"
		       " ('backfill_asks_key'), ('backfill_country_pieces'), ('backfill_country_pieces_key'),"
		       " ('backfill_countries')) v(n) WHERE to_regclass(v.n) IS NOT NULL) + (SELECT count(*) FROM"
		       " information_schema.columns WHERE table_schema = current_schema() AND table_name ="
		       " 'backfill_plans' AND column_name = 'inputs')");
	bool whole = q && db_step(q) == 1 && db_col_i64(q, 0) == 12;
	db_finalize(q);
	int rc = whole ? 0 : db_exec(s->db, bf_schema);
	return rc ? store_fail(s, "making the backfill's tables", rc) : 0;
}

/* One value of a query without parameters (-1 when it has no row). */
static int64_t scalar(struct store *s, const char *sql, int *rc)
{
	struct db_stmt *st = db_prepare(s->db, sql);
	int64_t v = -1;
	if (!st) {
		*rc = RW_EDB;
		return v;
	}
	int r = db_step(st);
	if (r == 1 && !db_col_null(st, 0))
		v = db_col_i64(st, 0);
	if (r < 0)
		*rc = r;
	db_finalize(st);
	return v;
}

int store_bf_plan(struct store *s, const struct store_bf_plan *p, int64_t *id, uint32_t *n)
{
	*id = 0;
	*n = 0;
	int rc = db_begin(s->db);
	if (rc)
		return store_fail(s, "begin", rc);
	/* a store that ingest wrote has a history the windows would double;
	 * the state a backfill's latest window left (and no ingest moved
	 * past its end) is the backfill's own: more can be planned */
	int qrc = 0;
	int64_t clock = 0;
	store_meta_get(s, "clock", &clock);
	if (scalar(s, "SELECT count(*) FROM state", &qrc) > 0 && !qrc &&
	    (scalar(s, "SELECT count(*) FROM backfill_plans", &qrc) <= 0 ||
	     clock > scalar(s, "SELECT COALESCE(MAX(until_ts), 0) FROM backfill_windows", &qrc))) {
		rw_log(RW_LOG_ERROR, "%s: this store holds a history written by ingest or collect; a backfill "
				     "makes the whole history of its windows: plan it into a new database",
		       s->where);
		db_rollback(s->db);
		return RW_EINVAL;
	}
	/* serialise planners: the overlap check below then sees every plan */
	if (!qrc)
		qrc = db_exec(s->db, "LOCK TABLE backfill_windows IN SHARE ROW EXCLUSIVE MODE");
	struct db_stmt *ov = qrc ? NULL
				 : db_prepare(s->db, "SELECT from_ts, until_ts, plan FROM backfill_windows WHERE"
						     " from_ts < ? AND until_ts > ? ORDER BY from_ts LIMIT 1");
	if (!ov) {
		db_rollback(s->db);
		return store_fail(s, "reading the queue", RW_EDB);
	}
	db_bind_i64(ov, 1, p->until);
	db_bind_i64(ov, 2, p->from);
	rc = db_step(ov);
	if (rc == 1) {
		char a[32], b[32];
		fmt_time_rfc3339(a, (uint32_t)db_col_i64(ov, 0));
		fmt_time_rfc3339(b, (uint32_t)db_col_i64(ov, 1));
		rw_log(RW_LOG_ERROR, "%s: the window [%s, %s) is already planned (plan %lld): a window is planned "
				     "once; nothing planned (`routewatch backfill status` shows the queue)",
		       s->where, a, b, (long long)db_col_i64(ov, 2));
		db_finalize(ov);
		db_rollback(s->db);
		return RW_EINVAL;
	}
	db_finalize(ov);
	if (rc < 0) {
		store_fail(s, "reading the queue", rc);
		db_rollback(s->db);
		return rc;
	}
	struct db_stmt *pl = db_prepare(s->db, "INSERT INTO backfill_plans (mirror, from_ts, until_ts, window_s,"
					       " settle, gap, min_peers, inputs, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
					       NOW ") RETURNING id");
	struct db_stmt *wi =
		db_prepare(s->db, "INSERT INTO backfill_windows (plan, from_ts, until_ts) VALUES (?, ?, ?)");
	rc = pl && wi ? 0 : RW_EDB;
	if (!rc) {
		db_bind_text(pl, 1, p->mirror, strlen(p->mirror));
		db_bind_i64(pl, 2, p->from);
		db_bind_i64(pl, 3, p->until);
		db_bind_i64(pl, 4, p->window);
		db_bind_i64(pl, 5, p->settle);
		db_bind_i64(pl, 6, p->gap);
		db_bind_i64(pl, 7, p->min_peers);
		const char *in = p->inputs ? p->inputs : "";
		db_bind_text(pl, 8, in, strlen(in));
		if (db_step(pl) == 1)
			*id = db_col_i64(pl, 0);
		else
			rc = RW_EDB;
		db_reset(pl);
	}
	for (uint64_t a = p->from; !rc && a < p->until; a += p->window) {
		uint64_t b = a + p->window < p->until ? a + p->window : p->until;
		db_bind_i64(wi, 1, *id);
		db_bind_i64(wi, 2, (int64_t)a);
		db_bind_i64(wi, 3, (int64_t)b);
		if (!(rc = db_done(wi)))
			(*n)++;
	}
	db_finalize(pl);
	db_finalize(wi);
	/* the months the windows write into (a worker would make them as
	 * needed, but then several at once) */
	if (!rc)
		rc = store_months(s, p->from, p->until - 1);
	if (!rc)
		rc = db_commit(s->db);
	if (rc) {
		/* the unique constraint is the last word when two planners race */
		store_fail(s, "planning (a window is planned once)", rc);
		db_rollback(s->db);
	}
	return rc;
}

void store_bf_window_release(struct store_bf_window *w)
{
	free(w->mirror);
	free(w->inputs);
	memset(w, 0, sizeof *w);
}

int store_bf_claim(struct store *s, const char *worker, uint32_t lease, struct store_bf_window *w)
{
	memset(w, 0, sizeof *w);
	int rc = db_begin(s->db);
	if (rc)
		return store_fail(s, "begin", rc);
	struct db_stmt *st = db_prepare(
		s->db, "SELECT w.id, w.plan, w.from_ts, w.until_ts, w.attempts, p.from_ts, p.settle, p.gap, p.min_peers,"
		       " p.mirror, (SELECT MAX(until_ts) FROM backfill_windows), CAST(NOT EXISTS (SELECT 1 FROM"
		       " backfill_windows x WHERE x.from_ts > w.from_ts) AS INT), p.inputs FROM backfill_windows w"
		       " JOIN backfill_plans p ON p.id = w.plan"
		       " WHERE w.state = 'planned' OR (w.state = 'claimed' AND w.lease_until < " NOW ")"
		       " OR (w.state = 'failed' AND w.attempts < 3)"
		       " ORDER BY w.from_ts LIMIT 1 FOR UPDATE OF w SKIP LOCKED");
	if (!st) {
		db_rollback(s->db);
		return store_fail(s, "claiming a window", RW_EDB);
	}
	rc = db_step(st);
	if (rc == 1) {
		w->id = db_col_i64(st, 0);
		w->plan = db_col_i64(st, 1);
		w->from = (uint32_t)db_col_i64(st, 2);
		w->until = (uint32_t)db_col_i64(st, 3);
		w->attempt = (uint32_t)db_col_i64(st, 4) + 1;
		w->plan_from = (uint32_t)db_col_i64(st, 5);
		w->settle = (uint32_t)db_col_i64(st, 6);
		w->gap = (uint32_t)db_col_i64(st, 7);
		w->min_peers = (unsigned)db_col_i64(st, 8);
		w->mirror = rw_strdup(db_col_text(st, 9));
		w->end = (uint32_t)db_col_i64(st, 10);
		w->last = db_col_i64(st, 11) != 0;
		w->inputs = rw_strdup(db_col_text(st, 12));
	}
	db_finalize(st);
	if (rc != 1) {
		db_rollback(s->db);
		return rc < 0 ? store_fail(s, "claiming a window", rc) : 0;
	}
	st = db_prepare(s->db, "UPDATE backfill_windows SET state = 'claimed', worker = ?, lease_until = " NOW
			       " + ?, attempts = attempts + 1, claimed_at = " NOW " WHERE id = ?");
	rc = st ? 0 : RW_EDB;
	if (!rc) {
		db_bind_text(st, 1, worker, strlen(worker));
		db_bind_i64(st, 2, lease);
		db_bind_i64(st, 3, w->id);
		rc = db_done(st);
	}
	db_finalize(st);
	if (!rc)
		rc = db_commit(s->db);
	if (rc) {
		store_fail(s, "claiming a window", rc);
		db_rollback(s->db);
		store_bf_window_release(w);
		return rc;
	}
	return 1;
}

int store_bf_renew(struct store *s, int64_t id, const char *worker, uint32_t lease, bool *mine)
{
	*mine = false;
	struct db_stmt *st = db_prepare(s->db, "UPDATE backfill_windows SET lease_until = " NOW " + ? WHERE id = ?"
					       " AND worker = ? AND state = 'claimed' RETURNING id");
	if (!st)
		return store_fail(s, "renewing a lease", RW_EDB);
	db_bind_i64(st, 1, lease);
	db_bind_i64(st, 2, id);
	db_bind_text(st, 3, worker, strlen(worker));
	int rc = db_step(st);
	*mine = rc == 1;
	db_finalize(st);
	return rc < 0 ? store_fail(s, "renewing a lease", rc) : 0;
}

int store_bf_done_begin(struct store *s, int64_t id, const char *worker, bool *mine)
{
	*mine = false;
	b_reset(s); /* rows of a window whose transaction failed are gone */
	int rc = db_begin(s->db);
	if (rc)
		return store_fail(s, "begin", rc);
	/* the row's lock is held to the commit: a claim by another worker
	 * waits for it (and then finds the window done) or came first (and
	 * this worker finds it is no longer its) */
	struct db_stmt *st = db_prepare(s->db, "SELECT worker, state FROM backfill_windows WHERE id = ? FOR UPDATE");
	if (!st) {
		db_rollback(s->db);
		return store_fail(s, "locking the window", RW_EDB);
	}
	db_bind_i64(st, 1, id);
	rc = db_step(st);
	*mine = rc == 1 && !strcmp(db_col_text(st, 0), worker) && !strcmp(db_col_text(st, 1), "claimed");
	db_finalize(st);
	if (rc < 0 || !*mine) {
		if (rc < 0)
			store_fail(s, "locking the window", rc);
		db_rollback(s->db);
		return rc < 0 ? rc : 0;
	}
	return 0;
}

int store_backfill_piece_put(struct store *s, enum store_tab tab, int64_t win, int64_t seq,
			     const struct store_interval *iv)
{
	int k = tab == STORE_COUNTRIES ? B_CPIECE : B_PIECE;
	struct obuf *q = b_row(s, k);
	char end[24] = "NULL";
	if (iv->end)
		snprintf(end, sizeof end, "%u", iv->end);
	obuf_printf(q, "%lld, %lld, %u, %u, %u, %s, %d, %u, %llu, %.17g, %.17g, %.17g, %d", (long long)win,
		    (long long)seq, iv->origin, iv->upstream, iv->start, end, iv->cont ? 1 : 0, iv->acc_ts,
		    (unsigned long long)iv->seconds, iv->area, iv->share_max, iv->share_now, iv->visible ? 1 : 0);
	return b_end(s, k);
}

int store_backfill_origin_put(struct store *s, enum store_tab tab, int64_t win, const struct store_origin *o)
{
	int k = tab == STORE_COUNTRIES ? B_CORIGIN : B_ORIGIN;
	obuf_printf(b_row(s, k), "%lld, %u, %u, %u, %u, %u", (long long)win, o->origin, o->first_seen,
		    o->prefixes, o->routes, o->changed);
	return b_end(s, k);
}

int store_backfill_ask_put(struct store *s, int64_t win, const char *prefix, uint32_t origin)
{
	obuf_printf(b_row(s, B_ASK), "%lld, '%s', %u", (long long)win, prefix, origin);
	return b_end(s, B_ASK);
}

int store_bf_done_commit(struct store *s, int64_t id, const struct store_bf_counts *c)
{
	int rc = 0;
	for (int k = 0; k < B_COUNT && !rc; k++)
		rc = b_send(s, k);
	struct db_stmt *st = rc ? NULL : db_prepare(s->db, "UPDATE backfill_windows SET state = 'done', done_at = " NOW ","
					       " records = ?, events = ?, files = ?, clock = ?, seconds = ?, message = ?"
					       " WHERE id = ?");
	rc = rc ? rc : st ? 0 : RW_EDB;
	if (!rc) {
		const char *note = c->note ? c->note : "";
		db_bind_i64(st, 1, (int64_t)c->records);
		db_bind_i64(st, 2, (int64_t)c->events);
		db_bind_i64(st, 3, (int64_t)c->files);
		db_bind_i64(st, 4, c->clock);
		db_bind_f64(st, 5, c->seconds);
		db_bind_text(st, 6, note, strlen(note));
		db_bind_i64(st, 7, id);
		rc = db_done(st);
	}
	db_finalize(st);
	if (!rc)
		rc = db_commit(s->db);
	if (rc) {
		store_fail(s, "marking the window done", rc);
		db_rollback(s->db);
	}
	return rc;
}

int store_bf_fail(struct store *s, int64_t id, const char *worker, const char *msg)
{
	struct db_stmt *st = db_prepare(s->db, "UPDATE backfill_windows SET state = 'failed', message = ?,"
					       " lease_until = 0 WHERE id = ? AND worker = ? AND state = 'claimed'");
	if (!st)
		return store_fail(s, "recording a failure", RW_EDB);
	db_bind_text(st, 1, msg, strlen(msg));
	db_bind_i64(st, 2, id);
	db_bind_text(st, 3, worker, strlen(worker));
	int rc = db_done(st);
	db_finalize(st);
	return rc ? store_fail(s, "recording a failure", rc) : 0;
}

int store_bf_left(struct store *s, int64_t *left, int64_t *claimable, int64_t *held)
{
	struct db_stmt *st = db_prepare(
		s->db, "SELECT count(*), count(*) FILTER (WHERE state = 'planned' OR (state = 'claimed' AND"
		       " lease_until < " NOW ") OR (state = 'failed' AND attempts < 3)), count(*) FILTER (WHERE"
		       " state = 'claimed' AND lease_until >= " NOW ") FROM backfill_windows WHERE state <> 'done'");
	if (!st)
		return store_fail(s, "reading the queue", RW_EDB);
	int rc = db_step(st);
	*left = rc == 1 ? db_col_i64(st, 0) : 0;
	*claimable = rc == 1 ? db_col_i64(st, 1) : 0;
	*held = rc == 1 ? db_col_i64(st, 2) : 0;
	db_finalize(st);
	return rc < 0 ? store_fail(s, "reading the queue", rc) : 0;
}

/* ---------------------------------------------------------------- join */

/* An interval being joined from its pieces, in window order, into
 * table tab's intervals. */
struct chain {
	enum store_tab tab;
	bool on;
	struct store_interval iv;
};

/* A piece as the join reads it: the window's pieces row and `dated`: the
 * time of the event that opened the interval in the window before
 * (below; 0: none). */
struct piece {
	struct store_interval iv;
	uint32_t dated;
};

static int chain_flush(struct store *s, struct chain *c)
{
	if (!c->on)
		return 0;
	c->on = false;
	return store_interval_put(s, c->tab, &c->iv);
}

/* Piece p continues chain c, or the chain is written and p starts the
 * next interval. */
static int chain_add(struct store *s, struct chain *c, const struct piece *p)
{
	bool same = c->on && c->iv.origin == p->iv.origin && c->iv.upstream == p->iv.upstream && !c->iv.end;
	int rc = 0;
	if (p->iv.cont && same) {
		c->iv.end = p->iv.end;
		c->iv.acc_ts = p->iv.acc_ts;
		c->iv.seconds += p->iv.seconds;
		c->iv.area += p->iv.area;
		if (p->iv.share_max > c->iv.share_max)
			c->iv.share_max = p->iv.share_max;
		c->iv.share_now = p->iv.share_now;
		c->iv.visible = p->iv.visible;
	} else {
		/* a new interval (or a cont piece whose start lies before
		 * every window: it starts where its window found it) */
		rc = chain_flush(s, c);
		c->on = true;
		c->iv = p->iv;
		c->iv.cont = false;
		if (p->dated)
			c->iv.start = p->dated;
	}
	return rc;
}

/* The join rewrites a table whole (a later plan joins all pieces again). */
static int clear_table(struct store *s, const char *table)
{
	char sql[100];
	snprintf(sql, sizeof sql, "DELETE FROM %s", table);
	return db_exec(s->db, sql);
}

/* The pieces of each (origin, upstream), by window and order within it: a
 * piece not marked cont starts an interval; a cont piece continues the one
 * before it (open at the edge): seconds and areas add up, the max is the
 * largest, the end and the state at the end are the last piece's.
 *
 * One rule makes the run's interval where a window's replay sees a pair
 * begin in a silent second (a collector's starting dump read after the
 * earliest one, a baseline there and an ordinary dump in one run:
 * docs/backfill.md): a piece that a window opened silently at second d
 * (the baseline episode, confirmed at d) starts at the time of the gained
 * event that the window before it found determined at d and dated before
 * the edge (kept in `events` by that window's settle time), as the run
 * opens it there ("dated"). An episode that ends in such a second closes
 * its interval in the window itself (det.h: a silent end), so nothing
 * open at a window's end needs closing here.
 *
 * Read 2000 origins at a time (their pieces through backfill_pieces_key):
 * the backend hands a query's whole result over at once, and a year of
 * every collector has some 10^8 pieces. The countries' pieces the same
 * way, from their own table into theirs (tab). */
static int join_intervals(struct store *s, enum store_tab tab)
{
	const struct bf_tab *t = &bf_tabs[tab];
	char sql[1000];
	int rc = clear_table(s, t->intervals);
	snprintf(sql, sizeof sql, "SELECT MAX(origin) FROM (SELECT DISTINCT origin FROM %s WHERE origin > ? ORDER BY"
				  " origin LIMIT 2000) x", t->pieces);
	struct db_stmt *hi_q = rc ? NULL : db_prepare(s->db, sql);
	snprintf(sql, sizeof sql,
		 "SELECT p.origin, p.upstream, p.start_ts, p.end_ts, p.cont, p.acc_ts, p.seconds, p.area, p.share_max,"
		 " p.share_now, p.visible, CASE WHEN p.cont = 0 AND p.start_ts >= w.from_ts THEN (SELECT MIN(e.time) FROM events e WHERE"
		 " e.origin = p.origin AND e.type = %d AND e.upstream = p.upstream AND e.time < w.from_ts AND"
		 " e.determined = p.start_ts) END FROM %s p JOIN backfill_windows w ON w.id = p.win_id WHERE p.origin > ? AND p.origin <= ?"
		 " ORDER BY p.origin, p.upstream, w.from_ts, p.seq",
		 t->gained, t->pieces);
	struct db_stmt *st = !hi_q ? NULL : db_prepare(s->db, sql);
	if (!st) {
		db_finalize(hi_q);
		return RW_EDB;
	}
	struct chain c = {.tab = tab};
	for (int64_t lo = -2; !rc;) {
		/* the next range: the 2000 origins after lo */
		db_bind_i64(hi_q, 1, lo);
		int r = db_step(hi_q);
		bool none = r != 1 || db_col_null(hi_q, 0);
		int64_t hi = none ? 0 : db_col_i64(hi_q, 0);
		db_reset(hi_q);
		if (r < 0)
			rc = r;
		if (none)
			break;
		db_bind_i64(st, 1, lo);
		db_bind_i64(st, 2, hi);
		while (!rc && (rc = db_step(st)) == 1) {
			struct piece p = {
				.iv = {.origin = (uint32_t)db_col_i64(st, 0), .upstream = (uint32_t)db_col_i64(st, 1),
				       .start = (uint32_t)db_col_i64(st, 2),
				       .end = db_col_null(st, 3) ? 0 : (uint32_t)db_col_i64(st, 3),
				       .cont = db_col_i64(st, 4) != 0, .acc_ts = (uint32_t)db_col_i64(st, 5),
				       .seconds = (uint64_t)db_col_i64(st, 6), .area = db_col_f64(st, 7),
				       .share_max = db_col_f64(st, 8), .share_now = db_col_f64(st, 9),
				       .visible = db_col_i64(st, 10) != 0},
				.dated = db_col_null(st, 11) ? 0 : (uint32_t)db_col_i64(st, 11)};
			rc = chain_add(s, &c, &p);
		}
		db_reset(st);
		lo = hi;
	}
	db_finalize(st);
	db_finalize(hi_q);
	if (rc < 0)
		return rc;
	return chain_flush(s, &c);
}

/* An origin's (a country's: tab) row: first seen in the earliest window
 * that saw it appear, its counts and last change from the last window
 * that changed it. */
static int join_origins(struct store *s, enum store_tab tab)
{
	const struct bf_tab *t = &bf_tabs[tab];
	char sql[300];
	int rc = clear_table(s, t->origins);
	snprintf(sql, sizeof sql, "SELECT o.origin, o.first_seen, o.prefixes, o.routes, o.changed FROM %s o JOIN"
				  " backfill_windows w ON w.id = o.win_id ORDER BY o.origin, w.from_ts", t->rows);
	struct db_stmt *st = rc ? NULL : db_prepare(s->db, sql);
	if (!st)
		return RW_EDB;
	struct store_origin cur = {0};
	bool on = false;
	while (!rc && (rc = db_step(st)) == 1) {
		rc = 0;
		struct store_origin o = {(uint32_t)db_col_i64(st, 0), (uint32_t)db_col_i64(st, 1),
					 (uint32_t)db_col_i64(st, 2), (uint32_t)db_col_i64(st, 3),
					 (uint32_t)db_col_i64(st, 4)};
		if (on && cur.origin == o.origin) {
			if (!cur.first_seen)
				cur.first_seen = o.first_seen;
			cur.prefixes = o.prefixes;
			cur.routes = o.routes;
			cur.changed = o.changed;
			continue;
		}
		if (on) {
			if (!cur.first_seen)
				cur.first_seen = cur.changed;
			rc = store_origin_put(s, tab, &cur);
		}
		cur = o;
		on = true;
	}
	db_finalize(st);
	if (rc < 0)
		return rc;
	if (on) {
		if (!cur.first_seen)
			cur.first_seen = cur.changed;
		rc = store_origin_put(s, tab, &cur);
	}
	return rc;
}

/* docs/events.md §10 with a store: new_for_prefix is true only when the
 * history never saw the origin announce the prefix before. A window
 * answered "unknown" (it cannot know which windows are done), recording
 * what was asked; now that every window's ended pairs are in
 * prefix_origins, an origin_gained keeps its flag when one of its
 * prefixes was asked about in its window and the pair had not ended at or
 * before its time. */
static int join_new_for_prefix(struct store *s)
{
	struct db_stmt *st = db_prepare(
		s->db, "UPDATE events e SET flag = CASE WHEN EXISTS (SELECT 1 FROM backfill_asks a JOIN backfill_windows w"
		       " ON w.id = a.win_id WHERE w.from_ts <= e.time AND e.time < w.until_ts AND a.origin = e.origin"
		       " AND a.prefix = ANY (string_to_array(e.prefixes, ' ')) AND NOT EXISTS (SELECT 1 FROM"
		       " prefix_origins po WHERE po.prefix = a.prefix AND po.origin = a.origin AND po.first_seen <="
		       " e.time)) THEN 1 ELSE 0 END WHERE e.type = ? AND e.flag = 1");
	if (!st)
		return RW_EDB;
	db_bind_i64(st, 1, DET_ORIGIN_GAINED);
	int rc = db_done(st);
	db_finalize(st);
	return rc;
}

/* The origins' history, new_for_prefix (which reads the origins' pairs),
 * and the countries' history: the same join of the same shapes. */
static int join_history(struct store *s)
{
	int rc = join_intervals(s, STORE_ORIGINS);
	if (!rc)
		rc = join_new_for_prefix(s);
	if (!rc)
		rc = join_origins(s, STORE_ORIGINS);
	if (!rc)
		rc = join_intervals(s, STORE_COUNTRIES);
	if (!rc)
		rc = join_origins(s, STORE_COUNTRIES);
	return rc;
}

int store_bf_join(struct store *s, bool *joined)
{
	*joined = false;
	int rc = db_begin(s->db);
	if (rc)
		return store_fail(s, "begin", rc);
	/* one joiner at a time; the second finds nothing left to join */
	int qrc = db_exec(s->db, "LOCK TABLE backfill_plans IN EXCLUSIVE MODE");
	int64_t left = qrc ? 0 : scalar(s, "SELECT count(*) FROM backfill_windows WHERE state <> 'done'", &qrc);
	int64_t todo = qrc ? 0 : scalar(s, "SELECT count(*) FROM backfill_plans WHERE joined = 0", &qrc);
	if (qrc || left != 0 || todo <= 0) {
		db_rollback(s->db);
		return qrc ? store_fail(s, "reading the queue", qrc) : 0;
	}
	int64_t clock = scalar(s, "SELECT MAX(clock) FROM backfill_windows", &qrc);
	int64_t mp = scalar(s, "SELECT MAX(min_peers) FROM backfill_plans", &qrc);
	if (!qrc)
		rc = join_history(s);
	if (!qrc && !rc && !(rc = store_meta_set(s, "clock", clock)) && !(rc = store_meta_set(s, "min_peers", mp)))
		rc = db_exec(s->db, "UPDATE backfill_plans SET joined = " NOW " WHERE joined = 0");
	rc = qrc ? qrc : rc;
	if (!rc)
		rc = db_commit(s->db);
	if (rc) {
		store_fail(s, "joining the windows' intervals", rc);
		db_rollback(s->db);
		return rc;
	}
	*joined = true;
	return 0;
}

int store_bf_unjoined(struct store *s, int64_t *n)
{
	*n = 0;
	if (db_kind(s->db) != DB_PG)
		return 0;
	int rc = 0;
	if (scalar(s, "SELECT count(*) FROM (VALUES ('backfill_plans')) v(n) WHERE to_regclass(v.n) IS NOT NULL",
		   &rc) > 0 &&
	    !rc)
		*n = scalar(s, "SELECT count(*) FROM backfill_plans WHERE joined = 0", &rc);
	return rc ? store_fail(s, "reading the backfill's queue", rc) : 0;
}

/* ---------------------------------------------------------------- status */

int store_bf_status(struct store *s, struct store_bf_status *o, store_bf_msg_fn fn, void *arg)
{
	memset(o, 0, sizeof *o);
	struct db_stmt *st = db_prepare(
		s->db, "SELECT count(*) FILTER (WHERE state = 'planned'), count(*) FILTER (WHERE state = 'claimed'"
		       " AND lease_until >= " NOW "), count(*) FILTER (WHERE state = 'done'), count(*) FILTER (WHERE"
		       " state = 'failed'), count(*) FILTER (WHERE state = 'claimed' AND lease_until < " NOW "),"
		       " COALESCE(SUM(records) FILTER (WHERE state = 'done'), 0), COALESCE(SUM(events) FILTER (WHERE"
		       " state = 'done'), 0), COALESCE(SUM(seconds) FILTER (WHERE state = 'done'), 0),"
		       " COALESCE(MIN(claimed_at) FILTER (WHERE claimed_at > 0), 0), COALESCE(MAX(done_at), 0), " NOW
		       ", (SELECT count(*) FROM backfill_plans), (SELECT count(*) FROM backfill_plans WHERE joined > 0)"
		       " FROM backfill_windows");
	if (!st)
		return store_fail(s, "reading the queue", RW_EDB);
	int rc = db_step(st);
	if (rc == 1) {
		o->planned = db_col_i64(st, 0);
		o->claimed = db_col_i64(st, 1);
		o->done = db_col_i64(st, 2);
		o->failed = db_col_i64(st, 3);
		o->expired = db_col_i64(st, 4);
		o->records = (uint64_t)db_col_i64(st, 5);
		o->events = (uint64_t)db_col_i64(st, 6);
		o->busy_s = db_col_f64(st, 7);
		o->first_claim = db_col_i64(st, 8);
		o->last_done = db_col_i64(st, 9);
		o->now = db_col_i64(st, 10);
		o->plans = db_col_i64(st, 11);
		o->joined_plans = db_col_i64(st, 12);
	}
	db_finalize(st);
	if (rc < 0)
		return store_fail(s, "reading the queue", rc);
	if (!fn)
		return 0;
	st = db_prepare(s->db, "SELECT from_ts, until_ts, state, attempts, worker, message FROM backfill_windows"
			       " WHERE message <> '' ORDER BY from_ts");
	if (!st)
		return store_fail(s, "reading the queue", RW_EDB);
	while ((rc = db_step(st)) == 1)
		if (fn(arg, (uint32_t)db_col_i64(st, 0), (uint32_t)db_col_i64(st, 1), db_col_text(st, 2),
		       db_col_i64(st, 3), db_col_text(st, 4), db_col_text(st, 5)))
			break;
	db_finalize(st);
	return rc < 0 ? store_fail(s, "reading the queue", rc) : 0;
}

int store_bf_plans(struct store *s, store_bf_plan_fn fn, void *arg)
{
	struct db_stmt *st = db_prepare(s->db, "SELECT id, from_ts, until_ts, window_s, settle, gap, min_peers, mirror,"
					       " inputs FROM backfill_plans ORDER BY id");
	if (!st)
		return store_fail(s, "reading the plans", RW_EDB);
	int rc;
	while ((rc = db_step(st)) == 1) {
		struct store_bf_plan p = {.mirror = db_col_text(st, 7), .inputs = db_col_text(st, 8),
					  .from = (uint32_t)db_col_i64(st, 1), .until = (uint32_t)db_col_i64(st, 2),
					  .window = (uint32_t)db_col_i64(st, 3), .settle = (uint32_t)db_col_i64(st, 4),
					  .gap = (uint32_t)db_col_i64(st, 5), .min_peers = (unsigned)db_col_i64(st, 6)};
		if (fn(arg, db_col_i64(st, 0), &p))
			break;
	}
	db_finalize(st);
	return rc < 0 ? store_fail(s, "reading the plans", rc) : 0;
}
