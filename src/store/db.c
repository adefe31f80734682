/* db.h: backend choice and the parts both backends share. */
#include "db_int.h"

#include <stdio.h>
#include <stdlib.h>

int db_open(struct db **out, const char *uri, char *err, size_t esz)
{
	*out = NULL;
	if (!strncmp(uri, "postgresql://", 13) || !strncmp(uri, "postgres://", 11))
		return db_pg_open(out, uri, err, esz);
	return db_sqlite_open(out, uri, err, esz);
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

enum db_kind db_kind(const struct db *db)
{
	return db->kind;
}

const char *db_errmsg(const struct db *db)
{
	return db->err;
}

int db_exec(struct db *db, const char *sql)
{
	return db->ops->exec(db, sql);
}

/* Schema tokens per backend: {ID} an auto-numbered key, {INT} a 64-bit
 * integer, {REAL} a double, {BLOB} bytes. */
int db_ddl(struct db *db, const char *sql)
{
	static const char *const tok[] = {"{ID}", "{INT}", "{REAL}", "{BLOB}"};
	static const char *const lite[] = {"INTEGER PRIMARY KEY", "INTEGER", "REAL", "BLOB"};
	static const char *const pg[] = {"BIGSERIAL PRIMARY KEY", "BIGINT", "DOUBLE PRECISION", "BYTEA"};
	const char *const *rep = db->kind == DB_PG ? pg : lite;
	size_t cap = strlen(sql) * 2 + 64, n = 0; /* every replacement is shorter than twice its token */
	char *out = rw_malloc(cap);
	for (const char *p = sql; *p;) {
		size_t k;
		for (k = 0; k < RW_ARRAY_LEN(tok); k++)
			if (!strncmp(p, tok[k], strlen(tok[k])))
				break;
		if (k < RW_ARRAY_LEN(tok)) {
			size_t l = strlen(rep[k]);
			memcpy(out + n, rep[k], l);
			n += l;
			p += strlen(tok[k]);
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = 0;
	int rc = db_exec(db, out);
	free(out);
	return rc;
}

int db_lock_writer(struct db *db)
{
	return db->ops->lock_writer(db);
}

int db_quick_check(struct db *db)
{
	return db->ops->quick_check(db);
}

int db_begin(struct db *db)
{
	return db_exec(db, "BEGIN");
}

int db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

int db_rollback(struct db *db)
{
	return db_exec(db, "ROLLBACK");
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	return db->ops->prepare(db, sql);
}

void db_bind_i64(struct db_stmt *st, int i, int64_t v)
{
	st->db->ops->bind_i64(st, i, v);
}

void db_bind_f64(struct db_stmt *st, int i, double v)
{
	st->db->ops->bind_f64(st, i, v);
}

void db_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
	st->db->ops->bind_text(st, i, s, n);
}

void db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	st->db->ops->bind_blob(st, i, p, n);
}

void db_bind_null(struct db_stmt *st, int i)
{
	st->db->ops->bind_null(st, i);
}

int db_step(struct db_stmt *st)
{
	return st->db->ops->step(st);
}

bool db_col_null(struct db_stmt *st, int c)
{
	return st->db->ops->col_null(st, c);
}

int64_t db_col_i64(struct db_stmt *st, int c)
{
	return st->db->ops->col_i64(st, c);
}

double db_col_f64(struct db_stmt *st, int c)
{
	return st->db->ops->col_f64(st, c);
}

const char *db_col_text(struct db_stmt *st, int c)
{
	return st->db->ops->col_text(st, c);
}

const void *db_col_blob(struct db_stmt *st, int c, size_t *n)
{
	return st->db->ops->col_blob(st, c, n);
}

void db_reset(struct db_stmt *st)
{
	st->db->ops->reset(st);
}

void db_finalize(struct db_stmt *st)
{
	if (st)
		st->db->ops->finalize(st);
}

int db_done(struct db_stmt *st)
{
	int rc = db_step(st);
	db_reset(st);
	return rc < 0 ? rc : 0;
}
