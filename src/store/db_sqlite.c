/*
 * db.h over SQLite 3: a file in WAL mode, so readers (history, report)
 * never wait for an ingest, and a commit survives the process being
 * killed (synchronous=NORMAL: durable against a crash of the process,
 * which is what RELIABILITY.md asks; FULL would add an fsync per commit
 * for power loss).
 */
#include "db_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

struct lite_db {
	struct db base;
	sqlite3 *h;
	char *path;        /* owned: for the writer's lock file */
	int lock_fd;       /* PATH.lock while we are the writer, else -1 */
};

struct lite_stmt {
	struct db_stmt base;
	sqlite3_stmt *s;
};

static sqlite3 *H(struct db *db)
{
	return ((struct lite_db *)db)->h;
}

static sqlite3_stmt *S(struct db_stmt *st)
{
	return ((struct lite_stmt *)st)->s;
}

static int err(struct db *db)
{
	snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(H(db)));
	return RW_EDB;
}

static void lite_close(struct db *db)
{
	struct lite_db *l = (struct lite_db *)db;
	sqlite3_close(l->h);
	if (l->lock_fd >= 0)
		close(l->lock_fd); /* the lock goes with it */
	free(l->path);
	free(l);
}

/* A lock file beside the database, not a lock on the database file: SQLite
 * holds POSIX record locks on that file, and any close() of another
 * descriptor of it would drop them. flock(2) locks go with the descriptor,
 * so a killed writer never leaves a stale lock. */
static int lite_lock_writer(struct db *db)
{
	struct lite_db *l = (struct lite_db *)db;
	if (l->lock_fd >= 0)
		return 0;
	char lp[4200];
	snprintf(lp, sizeof lp, "%s.lock", l->path);
	int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(db->err, sizeof db->err, "%.400s: %s", lp, strerror(errno));
		return RW_EIO;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int e = errno;
		char holder[32] = "";
		ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
		holder[n > 0 ? n : 0] = 0;
		holder[strcspn(holder, "\n")] = 0;
		close(fd);
		if (e == EWOULDBLOCK) {
			snprintf(db->err, sizeof db->err, "%.400s is held by process %s", lp, *holder ? holder : "?");
			return RW_EBUSY;
		}
		snprintf(db->err, sizeof db->err, "%.400s: %s", lp, strerror(e));
		return RW_EIO;
	}
	char pid[32];
	int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, (size_t)n, 0) != n)
		rw_log(RW_LOG_DEBUG, "%s: cannot note our pid in it (the lock holds all the same)", lp);
	l->lock_fd = fd;
	return 0;
}

static int lite_quick_check(struct db *db)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(H(db), "PRAGMA quick_check(1)", -1, &s, NULL) != SQLITE_OK) {
		snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(H(db)));
		return RW_EDB;
	}
	int rc = sqlite3_step(s);
	const char *r = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
	int out = r && !strcmp(r, "ok") ? 0 : RW_EDB;
	if (out)
		snprintf(db->err, sizeof db->err, "%s", r ? r : sqlite3_errmsg(H(db)));
	sqlite3_finalize(s);
	return out;
}

static int lite_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(H(db), sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(db->err, sizeof db->err, "%s", msg ? msg : sqlite3_errmsg(H(db)));
		sqlite3_free(msg);
		return RW_EDB;
	}
	return 0;
}

static struct db_stmt *lite_prepare(struct db *db, const char *sql)
{
	struct lite_stmt *st = rw_calloc(1, sizeof *st);
	st->base.db = db;
	if (sqlite3_prepare_v2(H(db), sql, -1, &st->s, NULL) != SQLITE_OK) {
		err(db);
		free(st);
		return NULL;
	}
	return &st->base;
}

static void lite_bind_i64(struct db_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(S(st), i, v);
}

static void lite_bind_f64(struct db_stmt *st, int i, double v)
{
	sqlite3_bind_double(S(st), i, v);
}

static void lite_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
	sqlite3_bind_text(S(st), i, s, (int)n, SQLITE_TRANSIENT);
}

static void lite_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	sqlite3_bind_blob64(S(st), i, p, n, SQLITE_TRANSIENT);
}

static void lite_bind_null(struct db_stmt *st, int i)
{
	sqlite3_bind_null(S(st), i);
}

static int lite_step(struct db_stmt *st)
{
	int rc = sqlite3_step(S(st));
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return err(st->db);
}

static bool lite_col_null(struct db_stmt *st, int c)
{
	return sqlite3_column_type(S(st), c) == SQLITE_NULL;
}

static int64_t lite_col_i64(struct db_stmt *st, int c)
{
	return sqlite3_column_int64(S(st), c);
}

static double lite_col_f64(struct db_stmt *st, int c)
{
	return sqlite3_column_double(S(st), c);
}

static const char *lite_col_text(struct db_stmt *st, int c)
{
	const unsigned char *t = sqlite3_column_text(S(st), c);
	return t ? (const char *)t : "";
}

static const void *lite_col_blob(struct db_stmt *st, int c, size_t *n)
{
	const void *p = sqlite3_column_blob(S(st), c);
	*n = (size_t)sqlite3_column_bytes(S(st), c);
	return p;
}

static void lite_reset(struct db_stmt *st)
{
	sqlite3_reset(S(st));
	sqlite3_clear_bindings(S(st));
}

static void lite_finalize(struct db_stmt *st)
{
	sqlite3_finalize(S(st));
	free(st);
}

static const struct db_ops lite_ops = {
	.close = lite_close,
	.exec = lite_exec,
	.prepare = lite_prepare,
	.bind_i64 = lite_bind_i64,
	.bind_f64 = lite_bind_f64,
	.bind_text = lite_bind_text,
	.bind_blob = lite_bind_blob,
	.bind_null = lite_bind_null,
	.step = lite_step,
	.col_null = lite_col_null,
	.col_i64 = lite_col_i64,
	.col_f64 = lite_col_f64,
	.col_text = lite_col_text,
	.col_blob = lite_col_blob,
	.reset = lite_reset,
	.finalize = lite_finalize,
	.lock_writer = lite_lock_writer,
	.quick_check = lite_quick_check,
};

int db_sqlite_open(struct db **out, const char *path, char *e, size_t esz)
{
	struct lite_db *db = rw_calloc(1, sizeof *db);
	db->base.ops = &lite_ops;
	db->base.kind = DB_SQLITE;
	db->path = rw_strdup(path);
	db->lock_fd = -1;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(e, esz, "%s: %s", path, db->h ? sqlite3_errmsg(db->h) : "cannot open");
		lite_close(&db->base);
		return RW_EDB;
	}
	/* another process may be ingesting: wait for its commit, not fail */
	sqlite3_busy_timeout(db->h, 10000);
	if (lite_exec(&db->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON")) {
		snprintf(e, esz, "%s: %s", path, db->base.err);
		lite_close(&db->base);
		return RW_EDB;
	}
	*out = &db->base;
	return 0;
}
