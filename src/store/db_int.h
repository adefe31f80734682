/* The backend vtable behind db.h (db.c dispatches). */
#ifndef RW_DB_INT_H
#define RW_DB_INT_H

#include "db.h"

struct db_ops {
	void (*close)(struct db *db);
	int (*exec)(struct db *db, const char *sql);
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	void (*bind_i64)(struct db_stmt *st, int i, int64_t v);
	void (*bind_f64)(struct db_stmt *st, int i, double v);
	void (*bind_text)(struct db_stmt *st, int i, const char *s, size_t n);
	void (*bind_blob)(struct db_stmt *st, int i, const void *p, size_t n);
	void (*bind_null)(struct db_stmt *st, int i);
	int (*step)(struct db_stmt *st);
	bool (*col_null)(struct db_stmt *st, int c);
	int64_t (*col_i64)(struct db_stmt *st, int c);
	double (*col_f64)(struct db_stmt *st, int c);
	const char *(*col_text)(struct db_stmt *st, int c);
	const void *(*col_blob)(struct db_stmt *st, int c, size_t *n);
	void (*reset)(struct db_stmt *st);
	void (*finalize)(struct db_stmt *st);
	int (*lock_writer)(struct db *db);
	int (*quick_check)(struct db *db);
};

/* Every backend's db and statement start with these. */
struct db {
	const struct db_ops *ops;
	enum db_kind kind;
	char err[512];
};

struct db_stmt {
	struct db *db;
};

int db_sqlite_open(struct db **out, const char *path, char *err, size_t esz);
int db_pg_open(struct db **out, const char *uri, char *err, size_t esz);

#endif
