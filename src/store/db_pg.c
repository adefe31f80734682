/*
 * db.h over PostgreSQL (libpq). Statements are prepared on the server
 * once (PQprepare, "?" turned into $n) and run with PQexecPrepared.
 * Parameters go as text, except blobs (binary bytea); results come as
 * text and are converted per column type the caller asks for.
 */
#include "db_int.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

struct pg_db {
	struct db base;
	PGconn *c;
	unsigned nstmt; /* names for server-side statements */
};

struct pg_stmt {
	struct db_stmt base;
	char name[24];
	int nparams;
	char **val;      /* owned copies; NULL = SQL NULL */
	int *len, *fmt;
	PGresult *res;   /* the result being read */
	int row, nrows;
	unsigned char *blob; /* the last decoded bytea (PQunescapeBytea) */
};

static PGconn *C(struct db *db)
{
	return ((struct pg_db *)db)->c;
}

static int result_err(struct db *db, PGresult *r)
{
	const char *m = PQresultErrorMessage(r);
	size_t n = snprintf(db->err, sizeof db->err, "%s", m && *m ? m : PQerrorMessage(C(db)));
	while (n > 0 && n < sizeof db->err && db->err[n - 1] == '\n')
		db->err[--n] = 0;
	return RW_EDB;
}

static void pg_close(struct db *db)
{
	PQfinish(C(db));
	free(db);
}

static int pg_exec(struct db *db, const char *sql)
{
	PGresult *r = PQexec(C(db), sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = 0;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = result_err(db, r);
	PQclear(r);
	return rc;
}

/* '?' outside quotes becomes $1, $2... (out holds 4 bytes per byte of
 * sql: "?" -> "$NNN" at most, for up to 999 parameters); returns the
 * parameter count. */
static int convert(const char *sql, char *out, size_t cap)
{
	int n = 0;
	char q = 0;
	size_t k = 0;
	for (const char *p = sql; *p && k + 5 < cap; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '\'' || *p == '"') {
			q = *p;
		} else if (*p == '?') {
			k += (size_t)snprintf(out + k, cap - k, "$%d", ++n);
			continue;
		}
		out[k++] = *p;
	}
	out[k] = 0;
	return n;
}

static struct db_stmt *pg_prepare(struct db *db, const char *sql)
{
	struct pg_db *pd = (struct pg_db *)db;
	struct pg_stmt *st = rw_calloc(1, sizeof *st);
	size_t tcap = strlen(sql) * 4 + 8;
	char *text = rw_malloc(tcap);
	st->base.db = db;
	st->nparams = convert(sql, text, tcap);
	snprintf(st->name, sizeof st->name, "rw%u", ++pd->nstmt);
	PGresult *r = PQprepare(pd->c, st->name, text, st->nparams, NULL);
	free(text);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		result_err(db, r);
		PQclear(r);
		free(st);
		return NULL;
	}
	PQclear(r);
	int np = st->nparams ? st->nparams : 1;
	st->val = rw_calloc((size_t)np, sizeof *st->val);
	st->len = rw_calloc((size_t)np, sizeof *st->len);
	st->fmt = rw_calloc((size_t)np, sizeof *st->fmt);
	return &st->base;
}

static struct pg_stmt *P(struct db_stmt *st)
{
	return (struct pg_stmt *)st;
}

static void set(struct db_stmt *s, int i, const void *p, size_t n, int fmt)
{
	struct pg_stmt *st = P(s);
	if (i < 1 || i > st->nparams)
		return;
	free(st->val[i - 1]);
	st->val[i - 1] = NULL;
	if (!p)
		return;
	st->val[i - 1] = rw_malloc(n + 1);
	memcpy(st->val[i - 1], p, n);
	st->val[i - 1][n] = 0;
	st->len[i - 1] = (int)n;
	st->fmt[i - 1] = fmt;
}

static void pg_bind_i64(struct db_stmt *st, int i, int64_t v)
{
	char b[24];
	int n = snprintf(b, sizeof b, "%lld", (long long)v);
	set(st, i, b, (size_t)n, 0);
}

static void pg_bind_f64(struct db_stmt *st, int i, double v)
{
	char b[40];
	int n = snprintf(b, sizeof b, "%.17g", v);
	set(st, i, b, (size_t)n, 0);
}

static void pg_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
	set(st, i, s, n, 0);
}

static void pg_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	set(st, i, p ? p : "", n, 1);
}

static void pg_bind_null(struct db_stmt *st, int i)
{
	set(st, i, NULL, 0, 0);
}

static void clear_result(struct pg_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	PQfreemem(st->blob);
	st->blob = NULL;
}

static int pg_step(struct db_stmt *s)
{
	struct pg_stmt *st = P(s);
	if (!st->res) {
		st->res = PQexecPrepared(C(s->db), st->name, st->nparams, (const char *const *)st->val, st->len,
					 st->fmt, 0);
		ExecStatusType t = PQresultStatus(st->res);
		if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
			int rc = result_err(s->db, st->res);
			clear_result(st);
			return rc;
		}
		st->nrows = PQntuples(st->res);
		st->row = -1;
	}
	PQfreemem(st->blob);
	st->blob = NULL;
	if (st->row + 1 >= st->nrows)
		return 0;
	st->row++;
	return 1;
}

static bool pg_col_null(struct db_stmt *s, int c)
{
	return PQgetisnull(P(s)->res, P(s)->row, c);
}

static int64_t pg_col_i64(struct db_stmt *s, int c)
{
	return strtoll(PQgetvalue(P(s)->res, P(s)->row, c), NULL, 10);
}

static double pg_col_f64(struct db_stmt *s, int c)
{
	return strtod(PQgetvalue(P(s)->res, P(s)->row, c), NULL);
}

static const char *pg_col_text(struct db_stmt *s, int c)
{
	return PQgetvalue(P(s)->res, P(s)->row, c);
}

static const void *pg_col_blob(struct db_stmt *s, int c, size_t *n)
{
	struct pg_stmt *st = P(s);
	PQfreemem(st->blob);
	st->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, c), n);
	if (!st->blob)
		*n = 0;
	return st->blob;
}

static void pg_reset(struct db_stmt *s)
{
	clear_result(P(s));
}

static void pg_finalize(struct db_stmt *s)
{
	struct pg_stmt *st = P(s);
	clear_result(st);
	char sql[48];
	snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
	PQclear(PQexec(C(s->db), sql));
	for (int i = 0; i < st->nparams; i++)
		free(st->val[i]);
	free(st->val);
	free(st->len);
	free(st->fmt);
	free(st);
}

/* The writer's lock: one advisory lock per database, "routewat" as a
 * number. Session level: it lasts until the connection ends. */
#define PG_WRITER_LOCK 0x726f757465776174LL

static int pg_lock_writer(struct db *db)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT pg_try_advisory_lock(%lld)", PG_WRITER_LOCK);
	PGresult *r = PQexec(C(db), sql);
	int rc = 0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		snprintf(db->err, sizeof db->err, "%s", PQerrorMessage(C(db)));
		rc = RW_EDB;
	} else if (strcmp(PQgetvalue(r, 0, 0), "t")) {
		PQclear(r);
		/* who holds it, when this role may see it */
		snprintf(sql, sizeof sql, "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = %u",
			 (unsigned)(PG_WRITER_LOCK & 0xffffffff));
		r = PQexec(C(db), sql);
		const char *pid = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) ? PQgetvalue(r, 0, 0) : "?";
		snprintf(db->err, sizeof db->err, "the writer's advisory lock is held by server process %s", pid);
		rc = RW_EBUSY;
	}
	PQclear(r);
	return rc;
}

static int pg_quick_check(struct db *db)
{
	(void)db;
	return 0;
}

static const struct db_ops pg_ops = {
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_i64 = pg_bind_i64,
	.bind_f64 = pg_bind_f64,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_null = pg_col_null,
	.col_i64 = pg_col_i64,
	.col_f64 = pg_col_f64,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.lock_writer = pg_lock_writer,
	.quick_check = pg_quick_check,
};

int db_pg_open(struct db **out, const char *uri, char *e, size_t esz)
{
	struct pg_db *db = rw_calloc(1, sizeof *db);
	db->base.ops = &pg_ops;
	db->base.kind = DB_PG;
	db->c = PQconnectdb(uri);
	if (PQstatus(db->c) != CONNECTION_OK) {
		const char *m = PQerrorMessage(db->c);
		size_t n = snprintf(e, esz, "%s", m);
		while (n > 0 && n < esz && e[n - 1] == '\n')
			e[--n] = 0;
		pg_close(&db->base);
		return RW_EDB;
	}
	/* notices (e.g. "relation already exists, skipping") are noise here */
	PQclear(PQexec(db->c, "SET client_min_messages = warning"));
	*out = &db->base;
	return 0;
}
