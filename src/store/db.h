/*
 * db: one small SQL interface over two backends, so the history store is
 * written once. SQLite (embedded, the default: a file path) and PostgreSQL
 * (a "postgresql://" or "postgres://" URI, through libpq).
 *
 * SQL is written once with '?' placeholders and the common dialect of
 * both (INSERT ... ON CONFLICT, CAST(... AS BIGINT)); db_prepare turns
 * '?' into $1, $2... for PostgreSQL. Schema text may use the tokens
 * {ID} {INT} {REAL} {BLOB}, which db_ddl maps per backend.
 *
 * Errors: functions return 0 or RW_EDB (RW_ENOMEM...), and db_errmsg()
 * holds the backend's message until the next call.
 *
 * Lifetimes: a statement belongs to its db and must be finalized before
 * db_close. Column values returned by db_col_* are borrowed and valid
 * until the next db_step/db_reset/db_finalize on that statement.
 */
#ifndef RW_DB_H
#define RW_DB_H

#include "../base/base.h"

enum db_kind { DB_SQLITE = 1, DB_PG = 2 };

struct db;
struct db_stmt;

/* "postgresql://..." or "postgres://..." for PostgreSQL, anything else is
 * a SQLite file (created, with its directory's parent existing). */
int db_open(struct db **out, const char *uri, char *err, size_t esz);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
const char *db_errmsg(const struct db *db);

/* Statements without parameters or results (several, ';'-separated). */
int db_exec(struct db *db, const char *sql);
/* The same after mapping the schema tokens. */
int db_ddl(struct db *db, const char *sql);
/* Become the store's one writer, until db_close: 0, or RW_EBUSY when
 * another process is (db_errmsg says what holds it), RW_EIO/RW_EDB when
 * the lock cannot be taken. SQLite: an exclusive flock(2) on PATH.lock
 * (SQLite's own locks are per transaction; readers never take this one).
 * PostgreSQL: a session-level advisory lock, released when the
 * connection ends, however the process ends. */
int db_lock_writer(struct db *db);
/* SQLite's PRAGMA quick_check: 0 when it says ok, else RW_EDB with its
 * first complaint in db_errmsg; 0 for PostgreSQL (crash-safe by WAL, and
 * it has no such check). */
int db_quick_check(struct db *db);
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* NULL on error (db_errmsg says why). */
struct db_stmt *db_prepare(struct db *db, const char *sql);
/* Parameters count from 1 and stay bound until db_reset. */
void db_bind_i64(struct db_stmt *st, int i, int64_t v);
void db_bind_f64(struct db_stmt *st, int i, double v);
void db_bind_text(struct db_stmt *st, int i, const char *s, size_t n);
void db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n);
void db_bind_null(struct db_stmt *st, int i);
/* 1: a row is ready; 0: done; < 0: error. */
int db_step(struct db_stmt *st);
/* Columns count from 0. */
bool db_col_null(struct db_stmt *st, int c);
int64_t db_col_i64(struct db_stmt *st, int c);
double db_col_f64(struct db_stmt *st, int c);
const char *db_col_text(struct db_stmt *st, int c); /* NUL-terminated; "" for NULL */
const void *db_col_blob(struct db_stmt *st, int c, size_t *n);
/* Ready for new bindings and another db_step. */
void db_reset(struct db_stmt *st);
void db_finalize(struct db_stmt *st);

/* Run a statement that returns no rows; returns 0 or the error. */
int db_done(struct db_stmt *st);

#endif
