/* store.h: schema, meta, engine state, files and names. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>


static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value {INT} NOT NULL);"
	"CREATE TABLE IF NOT EXISTS state (part {INT} PRIMARY KEY, data {BLOB} NOT NULL);"
	"CREATE TABLE IF NOT EXISTS files (collector TEXT NOT NULL, name TEXT NOT NULL,"
	" size {INT} NOT NULL, digest TEXT NOT NULL, first_ts {INT} NOT NULL, ingested {INT} NOT NULL,"
	" PRIMARY KEY (collector, name, size, digest));"
	"CREATE TABLE IF NOT EXISTS names (asn {INT} PRIMARY KEY, name TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS events (type {INT} NOT NULL, time {INT} NOT NULL,"
	" origin {INT} NOT NULL, upstream {INT} NOT NULL, flag {INT} NOT NULL, determined {INT} NOT NULL,"
	" peers {INT} NOT NULL, origin_prefixes {INT} NOT NULL, prefixes TEXT NOT NULL,"
	" since {INT} NOT NULL DEFAULT 0, collector TEXT NOT NULL DEFAULT '',"
	" origins TEXT NOT NULL DEFAULT '', covering TEXT NOT NULL DEFAULT '',"
	" detail TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (origin, time, type, upstream));"
	"CREATE INDEX IF NOT EXISTS events_time ON events (time);"
	"CREATE INDEX IF NOT EXISTS events_type ON events (type, time);"
	"CREATE TABLE IF NOT EXISTS intervals (origin {INT} NOT NULL, upstream {INT} NOT NULL,"
	" start_ts {INT} NOT NULL, end_ts {INT}, acc_ts {INT} NOT NULL, seconds {INT} NOT NULL,"
	" area {REAL} NOT NULL, share_max {REAL} NOT NULL, share_now {REAL} NOT NULL, visible {INT} NOT NULL,"
	" PRIMARY KEY (origin, upstream, start_ts));"
	"CREATE TABLE IF NOT EXISTS origins (origin {INT} PRIMARY KEY, first_seen {INT} NOT NULL,"
	" prefixes {INT} NOT NULL, routes {INT} NOT NULL, changed {INT} NOT NULL);"
	"CREATE TABLE IF NOT EXISTS prefix_origins (prefix TEXT NOT NULL, origin {INT} NOT NULL,"
	" first_seen {INT} NOT NULL, PRIMARY KEY (prefix, origin));"
	"CREATE TABLE IF NOT EXISTS origin_series (origin {INT} NOT NULL, bucket {INT} NOT NULL,"
	" ts {INT} NOT NULL, prefixes {INT} NOT NULL, routes {INT} NOT NULL, upstreams TEXT NOT NULL,"
	" PRIMARY KEY (origin, bucket));"
	/* docs/events.md §14: the same three for the countries (origin is the
	 * country's code, upstream its international provider, 0 for its
	 * routes without one); added to older stores as they are opened */
	"CREATE TABLE IF NOT EXISTS country_intervals (origin {INT} NOT NULL, upstream {INT} NOT NULL,"
	" start_ts {INT} NOT NULL, end_ts {INT}, acc_ts {INT} NOT NULL, seconds {INT} NOT NULL,"
	" area {REAL} NOT NULL, share_max {REAL} NOT NULL, share_now {REAL} NOT NULL, visible {INT} NOT NULL,"
	" PRIMARY KEY (origin, upstream, start_ts));"
	"CREATE TABLE IF NOT EXISTS countries (origin {INT} PRIMARY KEY, first_seen {INT} NOT NULL,"
	" prefixes {INT} NOT NULL, routes {INT} NOT NULL, changed {INT} NOT NULL);"
	"CREATE TABLE IF NOT EXISTS country_series (origin {INT} NOT NULL, bucket {INT} NOT NULL,"
	" ts {INT} NOT NULL, prefixes {INT} NOT NULL, routes {INT} NOT NULL, upstreams TEXT NOT NULL,"
	" PRIMARY KEY (origin, bucket));"
	/* docs/events.md §15 (store_proof.c): what proves an event, by the
	 * event's key; added to older stores as they are opened (their
	 * events have none) */
	"CREATE TABLE IF NOT EXISTS event_proof (origin {INT} NOT NULL, time {INT} NOT NULL, type {INT} NOT NULL,"
	" upstream {INT} NOT NULL, collector TEXT NOT NULL, peer TEXT NOT NULL, peer_asn {INT} NOT NULL,"
	" seen {INT} NOT NULL, record {BLOB}, record_len {INT} NOT NULL, file TEXT NOT NULL,"
	" file_offset {INT} NOT NULL, cause TEXT NOT NULL, PRIMARY KEY (origin, time, type, upstream));";

/* PostgreSQL (docs/store.md): the event and series tables of a new store
 * are partitioned by month (declarative, by range of time and of bucket),
 * so a query for a window reads the months it covers and a year of all
 * collectors is dropped or vacuumed a month at a time. Made before the
 * common schema, whose CREATE TABLE IF NOT EXISTS then keeps them; their
 * indexes (the primary keys, events_time, events_type) are the common
 * schema's, made on every partition. Partitions are made per month as rows
 * arrive (store_months). */
static const char pg_parted[] =
	"CREATE TABLE IF NOT EXISTS events (type {INT} NOT NULL, time {INT} NOT NULL,"
	" origin {INT} NOT NULL, upstream {INT} NOT NULL, flag {INT} NOT NULL, determined {INT} NOT NULL,"
	" peers {INT} NOT NULL, origin_prefixes {INT} NOT NULL, prefixes TEXT NOT NULL,"
	" since {INT} NOT NULL DEFAULT 0, collector TEXT NOT NULL DEFAULT '',"
	" origins TEXT NOT NULL DEFAULT '', covering TEXT NOT NULL DEFAULT '',"
	" detail TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (origin, time, type, upstream)) PARTITION BY RANGE (time);"
	"CREATE TABLE IF NOT EXISTS origin_series (origin {INT} NOT NULL, bucket {INT} NOT NULL,"
	" ts {INT} NOT NULL, prefixes {INT} NOT NULL, routes {INT} NOT NULL, upstreams TEXT NOT NULL,"
	" PRIMARY KEY (origin, bucket)) PARTITION BY RANGE (bucket);";

/* The writers' statements, prepared once per store (a round trip each on
 * PostgreSQL) and reused for every row. */
enum {
	Q_EV_GET,
	Q_EV_INS,
	Q_EV_UPD,
	Q_IV_PUT,
	Q_ORIGIN_PUT,
	Q_SERIES_PUT,
	Q_IV_PUT_C, /* the three above on the country tables */
	Q_ORIGIN_PUT_C,
	Q_SERIES_PUT_C,
	Q_PO_GET,
	Q_PO_PUT,
	Q_PO_PUT_MIN,    /* the backfill's: the earliest end of a pair stays */
	Q_COUNT
};

static const char *const q_sql[Q_COUNT] = {
	[Q_EV_GET] = "SELECT flag, determined, peers, origin_prefixes, prefixes, since, origins, covering FROM events"
		     " WHERE origin = ? AND time = ? AND type = ? AND upstream = ?",
	[Q_EV_INS] = "INSERT INTO events (type, time, origin, upstream, flag, determined,"
		     " peers, origin_prefixes, prefixes, since, collector, origins, covering, detail)"
		     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_EV_UPD] = "UPDATE events SET flag = ?, determined = ?, peers = ?, origin_prefixes = ?, prefixes = ?,"
		     " since = ?, origins = ?, covering = ? WHERE origin = ? AND time = ? AND type = ? AND upstream = ?",
#define IV_PUT(T)                                                                                          \
	"INSERT INTO " T " (origin, upstream, start_ts, end_ts, acc_ts, seconds, area, share_max,"          \
	" share_now, visible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"                                        \
	" ON CONFLICT (origin, upstream, start_ts) DO UPDATE SET end_ts = excluded.end_ts,"                 \
	" acc_ts = excluded.acc_ts, seconds = excluded.seconds, area = excluded.area,"                      \
	" share_max = excluded.share_max, share_now = excluded.share_now, visible = excluded.visible"
#define ORIGIN_PUT(T)                                                                                      \
	"INSERT INTO " T " (origin, first_seen, prefixes, routes, changed) VALUES (?, ?, ?, ?, ?)"         \
	" ON CONFLICT (origin) DO UPDATE SET prefixes = excluded.prefixes,"                                 \
	" routes = excluded.routes, changed = excluded.changed"
#define SERIES_PUT(T)                                                                                      \
	"INSERT INTO " T " (origin, bucket, ts, prefixes, routes, upstreams)"                              \
	" VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (origin, bucket) DO UPDATE SET ts = excluded.ts,"          \
	" prefixes = excluded.prefixes, routes = excluded.routes, upstreams = excluded.upstreams"
	[Q_IV_PUT] = IV_PUT("intervals"),
	[Q_ORIGIN_PUT] = ORIGIN_PUT("origins"),
	[Q_SERIES_PUT] = SERIES_PUT("origin_series"),
	[Q_IV_PUT_C] = IV_PUT("country_intervals"),
	[Q_ORIGIN_PUT_C] = ORIGIN_PUT("countries"),
	[Q_SERIES_PUT_C] = SERIES_PUT("country_series"),
	[Q_PO_GET] = "SELECT origin FROM prefix_origins WHERE prefix = ?",
	[Q_PO_PUT] = "INSERT INTO prefix_origins (prefix, origin, first_seen) VALUES (?, ?, ?)"
		     " ON CONFLICT (prefix, origin) DO NOTHING",
	[Q_PO_PUT_MIN] = "INSERT INTO prefix_origins (prefix, origin, first_seen) VALUES (?, ?, ?)"
			 " ON CONFLICT (prefix, origin) DO UPDATE SET first_seen = excluded.first_seen"
			 " WHERE excluded.first_seen < prefix_origins.first_seen",
};

static struct db_stmt *Q(struct store *s, int id)
{
	if (!s->st[id])
		s->st[id] = db_prepare(s->db, q_sql[id]);
	return s->st[id];
}

/* The URI for messages: a password in postgresql://user:pw@host is hidden. */
static char *describe(const char *uri)
{
	char *d = rw_strdup(uri);
	char *at = strchr(d, '@'), *sl = strstr(d, "://");
	if (at && sl) {
		char *colon = strchr(sl + 3, ':');
		if (colon && colon < at)
			memmove(colon + 1 + 3, at, strlen(at) + 1), memcpy(colon + 1, "***", 3);
	}
	return d;
}

int store_fail(struct store *s, const char *what, int rc)
{
	rw_log(RW_LOG_ERROR, "%s: %s: %s", s->where, what, db_errmsg(s->db));
	return rc ? rc : RW_EDB;
}

int store_open(struct store *s, const char *uri, char *err, size_t esz)
{
	memset(s, 0, sizeof *s);
	s->where = describe(uri);
	int rc = db_open(&s->db, uri, err, esz);
	if (rc) {
		free(s->where);
		s->where = NULL;
		return rc;
	}
	int64_t ver;
	rc = 0;
	if (db_kind(s->db) == DB_PG) {
		/* a store made before partitioning keeps its plain tables ('r');
		 * a partitioned one ('p') needs nothing made */
		struct db_stmt *q = db_prepare(s->db, "SELECT relkind FROM pg_class WHERE oid = to_regclass('events')");
		int k = q ? db_step(q) : -1;
		char kind = k == 1 ? db_col_text(q, 0)[0] : 0;
		db_finalize(q);
		rc = k < 0 ? RW_EDB : kind ? 0 : db_ddl(s->db, pg_parted);
		s->parts = !rc && kind != 'r';
	}
	/* PostgreSQL: CREATE INDEX IF NOT EXISTS locks its table (SHARE)
	 * before it finds the index there, and the schema is one
	 * transaction: a process opening the store while writers write
	 * (backfill workers, a reader beside ingest) could deadlock with
	 * them. When every table and index is there, nothing is run. */
	bool whole = false;
	if (!rc && db_kind(s->db) == DB_PG) {
		struct db_stmt *q = db_prepare(
			s->db, "SELECT count(*) FROM (VALUES ('meta'), ('state'), ('files'), ('names'), ('events'),"
			       " ('events_time'), ('events_type'), ('intervals'), ('origins'), ('prefix_origins'),"
			       " ('origin_series'), ('country_intervals'), ('countries'), ('country_series'), ('event_proof')) v(n)"
			       " WHERE to_regclass(v.n) IS NOT NULL");
		whole = q && db_step(q) == 1 && db_col_i64(q, 0) == 15;
		db_finalize(q);
	}
	if (!rc && !whole)
		rc = db_ddl(s->db, schema);
	if (!rc && store_meta_get(s, "schema", &ver) == RW_ENOTFOUND) {
		rc = store_meta_set(s, "schema", STORE_SCHEMA);
	} else if (!rc && (ver == 2 || ver == 3 || ver == 4)) {
		/* schema 3 (docs/events.md §9): events carry since and, for
		 * collector_gap, the collector */
		if (ver == 2)
			rc = db_ddl(s->db, "ALTER TABLE events ADD COLUMN since {INT} NOT NULL DEFAULT 0;"
					   "ALTER TABLE events ADD COLUMN collector TEXT NOT NULL DEFAULT '';");
		/* schema 4 (docs/events.md §10): the origin lists and the
		 * covering prefix of the origin events */
		if (!rc && ver <= 3)
			rc = db_ddl(s->db, "ALTER TABLE events ADD COLUMN origins TEXT NOT NULL DEFAULT '';"
					   "ALTER TABLE events ADD COLUMN covering TEXT NOT NULL DEFAULT '';");
		/* schema 5 (docs/events.md §13): the watch list's words */
		if (!rc)
			rc = db_ddl(s->db, "ALTER TABLE events ADD COLUMN detail TEXT NOT NULL DEFAULT '';");
		if (!rc)
			rc = store_meta_set(s, "schema", STORE_SCHEMA);
	} else if (!rc && ver != STORE_SCHEMA) {
		snprintf(err, esz, "%s: schema version %lld, this routewatch knows %d", s->where, (long long)ver,
			 STORE_SCHEMA);
		store_close(s);
		return RW_EUNSUPPORTED;
	}
	if (rc) {
		snprintf(err, esz, "%s: %s", s->where, db_errmsg(s->db));
		store_close(s);
	}
	return rc;
}

int store_writer_begin(struct store *s)
{
	int rc = db_lock_writer(s->db);
	if (rc == RW_EBUSY) {
		rw_log(RW_LOG_ERROR, "%s: another routewatch process is writing to this store (%s); one writer at a "
				     "time: wait for it to finish, or stop it",
		       s->where, db_errmsg(s->db));
		return rc;
	}
	if (rc)
		return store_fail(s, "taking the writer's lock", rc);
	int64_t clean = 1;
	if (store_meta_get(s, "clean", &clean) == 0 && !clean) {
		rw_log(RW_LOG_WARN, "%s: the last writer did not close it (killed or crashed): checking it", s->where);
		if (db_quick_check(s->db)) {
			rw_log(RW_LOG_ERROR, "%s: the store is damaged (quick_check: %s); nothing is written to it: "
					     "restore a copy, or move it away to start a new history",
			       s->where, db_errmsg(s->db));
			return RW_EMALFORMED;
		}
	}
	if ((rc = store_meta_set(s, "clean", 0)))
		return store_fail(s, "marking the store open", rc);
	s->writer = true;
	return 0;
}

/* A gathered event: its numbers, and its texts' offsets in evtext. */
struct store_ev_row {
	struct store_event e; /* the text pointers unused */
	size_t prefixes, collector, origins, covering, detail;
};

void store_close(struct store *s)
{
	/* the writer leaves it whole: its transactions are committed or gone */
	if (s->writer && s->db && store_meta_set(s, "clean", 1))
		store_fail(s, "marking the store closed", RW_EDB);
	for (size_t i = 0; i < RW_ARRAY_LEN(s->st); i++)
		db_finalize(s->st[i]);
	for (size_t i = 0; i < RW_ARRAY_LEN(s->batch); i++)
		db_finalize(s->batch[i]);
	db_finalize(s->proof_put);
	db_finalize(s->ev_full);
	store__proofs_release(s);
	rw_vec_free(&s->evq, &s->capevq, sizeof *s->evq, RW_MEM_STORE);
	obuf_release(&s->evtext);
	u64map_release(&s->ev_seen);
	for (size_t i = 0; i < RW_ARRAY_LEN(s->bfq); i++)
		obuf_release(&s->bfq[i]);
	db_close(s->db);
	free(s->where);
	memset(s, 0, sizeof *s);
}

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc && errno != EEXIST)
			return RW_EIO;
	}
	return 0;
}

int store_default_path(char *buf, size_t n, bool create)
{
	const char *env = getenv("ROUTEWATCH_DB"), *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int k;
	if (env && *env)
		k = snprintf(buf, n, "%s", env);
	else if (xdg && *xdg)
		k = snprintf(buf, n, "%s/routewatch/routewatch.db", xdg);
	else
		k = snprintf(buf, n, "%s/.local/share/routewatch/routewatch.db", home && *home ? home : ".");
	if (k < 0 || (size_t)k >= n)
		return RW_EINVAL;
	return create ? mkdirs(buf) : 0;
}

/* ---------------------------------------------------------------- meta */

int store_meta_get(struct store *s, const char *key, int64_t *v)
{
	struct db_stmt *st = db_prepare(s->db, "SELECT value FROM meta WHERE key = ?");
	if (!st)
		return RW_EDB;
	db_bind_text(st, 1, key, strlen(key));
	int rc = db_step(st);
	if (rc == 1)
		*v = db_col_i64(st, 0);
	db_finalize(st);
	return rc == 1 ? 0 : rc == 0 ? RW_ENOTFOUND : rc;
}

int store_meta_set(struct store *s, const char *key, int64_t v)
{
	struct db_stmt *st = db_prepare(s->db, "INSERT INTO meta (key, value) VALUES (?, ?)"
					       " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	if (!st)
		return RW_EDB;
	db_bind_text(st, 1, key, strlen(key));
	db_bind_i64(st, 2, v);
	int rc = db_done(st);
	db_finalize(st);
	return rc;
}

/* ---------------------------------------------------------------- state */

/* Parts stay far below both backends' value limits (1 GB). */
#define STATE_PART (32u << 20)

static int state_put_part(struct store_state_w *w)
{
	if (!w->olen)
		return 0;
	db_bind_i64(w->ins, 1, w->part++);
	db_bind_blob(w->ins, 2, w->out, w->olen);
	w->olen = 0;
	return db_done(w->ins);
}

/* Compress what the snapshot writer flushed; full parts go to the store. */
static int state_sink(void *arg, const char *p, size_t n)
{
	struct store_state_w *w = arg;
	ZSTD_inBuffer in = {p, n, 0};
	while (!w->rc && in.pos < in.size) {
		ZSTD_outBuffer out = {w->out, STATE_PART, w->olen};
		size_t r = ZSTD_compressStream2(w->z, &out, &in, ZSTD_e_continue);
		if (ZSTD_isError(r))
			return w->rc = RW_ECOMPRESS;
		w->olen = out.pos;
		if (w->olen == STATE_PART)
			w->rc = state_put_part(w);
	}
	return w->rc;
}

int store_state_begin(struct store *s, struct store_state_w *w)
{
	memset(w, 0, sizeof *w);
	w->s = s;
	w->out = rw_malloc(STATE_PART);
	w->z = ZSTD_createCStream();
	if (!w->z)
		w->rc = RW_ENOMEM;
	/* level 1: the state is mostly small integers; higher levels cost
	 * seconds per checkpoint on a full table for a few percent */
	if (!w->rc)
		ZSTD_CCtx_setParameter(w->z, ZSTD_c_compressionLevel, 1);
	/* a checksum of the whole snapshot in the frame (XXH64, checked by
	 * the decompressor): a flipped byte is refused, not loaded */
	if (!w->rc)
		ZSTD_CCtx_setParameter(w->z, ZSTD_c_checksumFlag, 1);
	if (!w->rc)
		w->rc = db_exec(s->db, "DELETE FROM state");
	if (!w->rc && !(w->ins = db_prepare(s->db, "INSERT INTO state (part, data) VALUES (?, ?)")))
		w->rc = RW_EDB;
	if (!w->rc)
		w->rc = obuf_init_sink(&w->o, 1 << 20, state_sink, w);
	return w->rc;
}

int store_state_finish(struct store_state_w *w)
{
	if (w->o.buf) {
		obuf_flush(&w->o);
		if (!w->rc && w->o.err)
			w->rc = w->o.err;
		obuf_release(&w->o);
	}
	/* end the frame */
	for (size_t left = 1; !w->rc && left;) {
		ZSTD_inBuffer in = {NULL, 0, 0};
		ZSTD_outBuffer out = {w->out, STATE_PART, w->olen};
		left = ZSTD_compressStream2(w->z, &out, &in, ZSTD_e_end);
		if (ZSTD_isError(left)) {
			w->rc = RW_ECOMPRESS;
			break;
		}
		w->olen = out.pos;
		if (w->olen == STATE_PART || !left)
			w->rc = state_put_part(w);
	}
	db_finalize(w->ins);
	ZSTD_freeCStream(w->z);
	free(w->out);
	int rc = w->rc;
	memset(w, 0, sizeof *w);
	return rc;
}

int store_state_load(struct store *s, uint8_t **out, size_t *nout)
{
	struct db_stmt *st = db_prepare(s->db, "SELECT data FROM state ORDER BY part");
	if (!st)
		return RW_EDB;
	ZSTD_DStream *z = ZSTD_createDStream();
	struct obuf b = {0}; /* the snapshot, decompressed */
	int rc, parts = 0;
	bool ended = false;
	if (!z) {
		db_finalize(st);
		return RW_ENOMEM;
	}
	/* snapshots written since the checksum came say so in meta: theirs
	 * must carry it (a flipped bit in the frame header would turn the
	 * check off) */
	int64_t summed = 0;
	store_meta_get(s, "state_checksum", &summed);
	while ((rc = db_step(st)) == 1) {
		size_t zn;
		const void *zp = db_col_blob(st, 0, &zn);
		ZSTD_inBuffer in = {zp, zn, 0};
		/* RFC 8878 §3.1.1.1.1: after the 4-byte magic number, the
		 * frame header descriptor; bit 2 is Content_Checksum_Flag
		 * (libzstd's parser for it is outside its stable API) */
		if (!parts++ && summed && (zn < 5 || !(((const uint8_t *)zp)[4] & 0x04))) {
			rc = RW_ECOMPRESS;
			break;
		}
		while (in.pos < in.size) {
			obuf_room(&b, 1u << 20);
			ZSTD_outBuffer o = {b.buf, b.cap, b.len};
			size_t r = ZSTD_decompressStream(z, &o, &in);
			b.len = o.pos;
			if (ZSTD_isError(r)) {
				rc = RW_ECOMPRESS;
				break;
			}
			ended = r == 0;
		}
		if (rc < 0)
			break;
	}
	db_finalize(st);
	ZSTD_freeDStream(z);
	if (rc < 0 || !parts || !ended) {
		obuf_release(&b);
		return rc < 0 ? rc : !parts ? RW_ENOTFOUND : RW_ECOMPRESS;
	}
	*out = obuf_bytes(&b); /* handed over: the caller frees it */
	*nout = b.len;
	return 0;
}

/* ---------------------------------------------------------------- files */

int store_file_identify(struct store_file *f, const char *path, const char *collector, uint32_t first_ts)
{
	memset(f, 0, sizeof *f);
	const char *base = strrchr(path, '/');
	snprintf(f->name, sizeof f->name, "%s", base ? base + 1 : path);
	snprintf(f->collector, sizeof f->collector, "%s", collector);
	f->first_ts = first_ts;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb)) {
		if (fd >= 0)
			close(fd);
		return RW_EIO;
	}
	f->size = sb.st_size;
	/* the head is enough to tell files of the same name and size apart
	 * (each starts with its own records' times); reading whole files
	 * would double what an ingest reads */
	static uint8_t buf[64 << 10];
	size_t got = 0;
	while (got < sizeof buf) {
		ssize_t r = read(fd, buf + got, sizeof buf - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	uLong crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, buf, (uInt)got);
	snprintf(f->digest, sizeof f->digest, "%08lx", crc & 0xffffffffUL);
	return 0;
}

int store_file_known(struct store *s, const struct store_file *f, bool *known)
{
	struct db_stmt *st = db_prepare(s->db, "SELECT 1 FROM files WHERE collector = ? AND name = ? AND size = ?"
					       " AND digest = ?");
	if (!st)
		return RW_EDB;
	db_bind_text(st, 1, f->collector, strlen(f->collector));
	db_bind_text(st, 2, f->name, strlen(f->name));
	db_bind_i64(st, 3, f->size);
	db_bind_text(st, 4, f->digest, strlen(f->digest));
	int rc = db_step(st);
	db_finalize(st);
	*known = rc == 1;
	return rc < 0 ? rc : 0;
}

int store_file_add(struct store *s, const struct store_file *f, int64_t now)
{
	struct db_stmt *st = db_prepare(s->db, "INSERT INTO files (collector, name, size, digest, first_ts, ingested)"
					       " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
	if (!st)
		return RW_EDB;
	db_bind_text(st, 1, f->collector, strlen(f->collector));
	db_bind_text(st, 2, f->name, strlen(f->name));
	db_bind_i64(st, 3, f->size);
	db_bind_text(st, 4, f->digest, strlen(f->digest));
	db_bind_i64(st, 5, f->first_ts);
	db_bind_i64(st, 6, now);
	int rc = db_done(st);
	db_finalize(st);
	return rc;
}

/* ---------------------------------------------------------------- names */

int store_names_put(struct store *s, const struct names *nm)
{
	struct db_stmt *st = db_prepare(s->db, "INSERT INTO names (asn, name) VALUES (?, ?)"
					       " ON CONFLICT (asn) DO UPDATE SET name = excluded.name");
	if (!st)
		return RW_EDB;
	int rc = 0;
	for (uint32_t i = 0; i < nm->idx.n && !rc; i++) {
		const char *name = nm->text + nm->idx.vals[i];
		db_bind_i64(st, 1, (int64_t)nm->idx.keys[i]);
		db_bind_text(st, 2, name, strlen(name));
		rc = db_done(st);
	}
	db_finalize(st);
	return rc;
}

int store_names_get(struct store *s, struct names *nm, const uint32_t *asn, size_t n)
{
	struct db_stmt *st = db_prepare(s->db, "SELECT name FROM names WHERE asn = ?");
	if (!st)
		return RW_EDB;
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		if (names_get(nm, asn[i]))
			continue;
		db_bind_i64(st, 1, asn[i]);
		rc = db_step(st);
		if (rc == 1)
			names_add(nm, asn[i], db_col_text(st, 0));
		db_reset(st);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------- months */

/* Months since 1970-01 of unix time t, and the unix time a month starts. */
static uint32_t month_of(uint32_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	return (uint32_t)((tm.tm_year - 70) * 12 + tm.tm_mon);
}

static int64_t month_start(uint32_t m)
{
	/* days from civil (Howard Hinnant's algorithm), for year/month/1 */
	int64_t y = 1970 + m / 12, mo = m % 12 + 1;
	y -= mo <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
	int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400;
}

/* The partition of month m of events (series: of origin_series). The
 * name says the month; a concurrent writer making the same one is
 * harmless (IF NOT EXISTS), but its race can fail this transaction,
 * which the caller's retry covers. */
static int month_part(struct store *s, uint32_t m, bool series)
{
	uint8_t *bits = series ? s->se_months : s->ev_months;
	if (m >= sizeof s->ev_months * 8)
		return RW_EINVAL;
	if (bits[m / 8] & (1u << (m % 8)))
		return 0;
	int64_t a = month_start(m), b = month_start(m + 1);
	char sql[256], name[40];
	/* made already (by the plan, or another writer): found in the
	 * catalog without a lock; CREATE ... PARTITION OF would lock the
	 * parent table against every other writer until this transaction
	 * ends, even when the partition exists */
	snprintf(name, sizeof name, "%s_%04u%02u", series ? "origin_series" : "events", 1970 + m / 12, m % 12 + 1);
	struct db_stmt *q = db_prepare(s->db, "SELECT count(*) FROM pg_class WHERE relname = ?");
	if (!q)
		return RW_EDB;
	db_bind_text(q, 1, name, strlen(name));
	bool found = db_step(q) == 1 && db_col_i64(q, 0) > 0;
	db_finalize(q);
	if (found) {
		bits[m / 8] |= (uint8_t)(1u << (m % 8));
		return 0;
	}
	if (series)
		snprintf(sql, sizeof sql, "CREATE TABLE IF NOT EXISTS origin_series_%04u%02u PARTITION OF origin_series"
			 " FOR VALUES FROM (%lld) TO (%lld)", 1970 + m / 12, m % 12 + 1,
			 (long long)(a / STORE_BUCKET), (long long)(b / STORE_BUCKET));
	else
		snprintf(sql, sizeof sql, "CREATE TABLE IF NOT EXISTS events_%04u%02u PARTITION OF events"
			 " FOR VALUES FROM (%lld) TO (%lld)", 1970 + m / 12, m % 12 + 1, (long long)a, (long long)b);
	int rc = db_exec(s->db, sql);
	if (!rc)
		bits[m / 8] |= (uint8_t)(1u << (m % 8));
	return rc;
}

int store_months(struct store *s, uint32_t from, uint32_t until)
{
	if (!s->parts)
		return 0;
	int rc = 0;
	for (uint32_t m = month_of(from); m <= month_of(until) && !rc; m++)
		if (!(rc = month_part(s, m, false)))
			rc = month_part(s, m, true);
	return rc;
}

/* ---------------------------------------------------------------- rows */

/* Union of two sorted, space-separated prefix lists, in rw_prefix_cmp
 * order (the order det_group_finish gives). */
static char *merge_prefixes(const char *a, const char *b)
{
	uint32_t cap = 0, n = 0;
	struct item {
		struct rw_prefix p;
		const char *s;
		size_t len;
	} *v = NULL;
	for (int k = 0; k < 2; k++) {
		for (const char *p = k ? b : a; *p;) {
			size_t len = strcspn(p, " ");
			if (len) {
				char tmp[RW_PREFIX_STRLEN];
				rw_vec_grow(&v, &cap, (size_t)n + 1, sizeof *v, UINT32_MAX, RW_MEM_STORE);
				snprintf(tmp, sizeof tmp, "%.*s", (int)len, p);
				memset(&v[n].p, 0, sizeof v[n].p);
				parse_prefix(tmp, &v[n].p);
				v[n].s = p;
				v[n].len = len;
				n++;
			}
			p += len;
			while (*p == ' ')
				p++;
		}
	}
	/* few entries and mostly sorted already: insertion sort */
	for (size_t i = 1; i < n; i++) {
		struct item t = v[i];
		size_t j = i;
		for (; j > 0 && rw_prefix_cmp(&v[j - 1].p, &t.p) > 0; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	size_t total = 1;
	for (size_t i = 0; i < n; i++)
		total += v[i].len + 1;
	char *out = rw_malloc(total), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (i && !rw_prefix_cmp(&v[i - 1].p, &v[i].p))
			continue;
		if (o != out)
			*o++ = ' ';
		memcpy(o, v[i].s, v[i].len);
		o += v[i].len;
	}
	*o = 0;
	rw_vec_free(&v, &cap, sizeof *v, RW_MEM_STORE);
	return out;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Two lists of ASNs as text ("64500 64501") united, sorted; owned. */
static char *merge_origins(const char *a, const char *b)
{
	uint32_t *v = NULL, n = 0, cap = 0;
	for (int k = 0; k < 2; k++)
		for (const char *p = k ? b : a; p && *p;) {
			char *end;
			unsigned long x = strtoul(p, &end, 10);
			if (end == p)
				break;
			rw_vec_grow(&v, &cap, (size_t)n + 1, sizeof *v, UINT32_MAX, RW_MEM_STORE);
			v[n++] = (uint32_t)x;
			p = end;
		}
	if (n > 1)
		qsort(v, n, sizeof *v, u32_cmp);
	char *out = rw_malloc((size_t)n * 11 + 1);
	size_t o = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (i && v[i] == v[i - 1])
			continue;
		if (o)
			out[o++] = ' ';
		o += fmt_u32(out + o, v[i]);
	}
	out[o] = 0;
	rw_vec_free(&v, &cap, sizeof *v, RW_MEM_STORE);
	return out;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Two comma-separated lists united, sorted, distinct; owned. The
 * covering VRPs of rpki_invalid (docs/events.md §12). */
static char *merge_items(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *all = rw_malloc(la + lb + 2), **v = NULL;
	snprintf(all, la + lb + 2, "%s%s%s", a, la && lb ? "," : "", b);
	uint32_t n = 0, cap = 0;
	for (char *p = all, *save = NULL, *t; (t = strtok_r(p, ",", &save)); p = NULL) {
		rw_vec_grow(&v, &cap, (size_t)n + 1, sizeof *v, UINT32_MAX, RW_MEM_STORE);
		v[n++] = t;
	}
	if (n > 1)
		qsort(v, n, sizeof *v, str_cmp);
	char *out = rw_malloc(la + lb + 2);
	size_t o = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (i && !strcmp(v[i], v[i - 1]))
			continue;
		if (o)
			out[o++] = ',';
		size_t k = strlen(v[i]);
		memcpy(out + o, v[i], k);
		o += k;
	}
	out[o] = 0;
	rw_vec_free(&v, &cap, sizeof *v, RW_MEM_STORE);
	free(all);
	return out;
}

#define EV_COLS 14
#define EV_BATCH 64 /* rows a statement: 896 parameters */


static void ev_bind(struct db_stmt *st, int b, const struct store_event *e)
{
	const char *coll = e->collector ? e->collector : "";
	const char *ol = e->origins ? e->origins : "", *cv = e->covering ? e->covering : "";
	const char *dt = e->detail ? e->detail : "";
	db_bind_i64(st, b + 1, e->type);
	db_bind_i64(st, b + 2, e->time);
	db_bind_i64(st, b + 3, e->has_origin ? (int64_t)e->origin : -1);
	db_bind_i64(st, b + 4, e->upstream);
	db_bind_i64(st, b + 5, e->flag);
	db_bind_i64(st, b + 6, e->determined);
	db_bind_i64(st, b + 7, e->peers);
	db_bind_i64(st, b + 8, e->origin_prefixes);
	db_bind_text(st, b + 9, e->prefixes, strlen(e->prefixes));
	db_bind_i64(st, b + 10, e->since);
	db_bind_text(st, b + 11, coll, strlen(coll));
	db_bind_text(st, b + 12, ol, strlen(ol));
	db_bind_text(st, b + 13, cv, strlen(cv));
	db_bind_text(st, b + 14, dt, strlen(dt));
}

static struct db_stmt *ev_batch_stmt(struct store *s, uint32_t rows)
{
	struct obuf q = {0};
	obuf_puts(&q, "INSERT INTO events (type, time, origin, upstream, flag, determined, peers, origin_prefixes,"
		      " prefixes, since, collector, origins, covering, detail) VALUES ");
	for (uint32_t i = 0; i < rows; i++)
		obuf_puts(&q, i ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	obuf_putc(&q, 0);
	struct db_stmt *st = db_prepare(s->db, (const char *)q.buf);
	obuf_release(&q);
	return st;
}

/* The gathered events as one statement (their texts out of evtext). */
static int ev_send(struct store *s)
{
	uint32_t n = s->nevq;
	if (!n)
		return 0;
	s->nevq = 0;
	struct db_stmt *st = n == EV_BATCH ? (s->ev_full ? s->ev_full : (s->ev_full = ev_batch_stmt(s, n)))
					    : ev_batch_stmt(s, n);
	if (!st) {
		obuf_reset(&s->evtext);
		return RW_EDB;
	}
	const char *t = (const char *)obuf_data(&s->evtext);
	for (uint32_t i = 0; i < n; i++) {
		const struct store_ev_row *r = &s->evq[i];
		struct store_event e = r->e;
		e.prefixes = (char *)(t + r->prefixes);
		e.collector = t + r->collector;
		e.origins = t + r->origins;
		e.covering = t + r->covering;
		e.detail = t + r->detail;
		ev_bind(st, (int)i * EV_COLS, &e);
	}
	int rc = db_done(st);
	if (st != s->ev_full)
		db_finalize(st);
	obuf_reset(&s->evtext);
	return rc;
}

/* a text's offset in evtext, NUL included */
static size_t ev_text(struct store *s, const char *v)
{
	size_t at = s->evtext.len;
	obuf_write(&s->evtext, v ? v : "", strlen(v ? v : "") + 1);
	return at;
}

int store_events_fresh(struct store *s, bool on)
{
	int rc = ev_send(s);
	int prc = store__proofs_send(s);
	if (!rc)
		rc = prc;
	s->ev_fresh = on;
	u64map_release(&s->ev_seen);
	u64map_init(&s->ev_seen, RW_MEM_STORE);
	return rc;
}

int store_event_merge(struct store *s, const struct store_event *e)
{
	if (s->parts && month_part(s, month_of(e->time), false))
		return RW_EDB;
	if (s->ev_fresh) {
		uint64_t k = rw_hash_2u64((uint64_t)e->time << 8 | e->type, e->has_origin ? e->origin : 1ull << 32,
					  e->upstream);
		uint32_t *seen = u64map_put(&s->ev_seen, k);
		if (!*seen) {
			*seen = 1;
			rw_vec_grow(&s->evq, &s->capevq, (size_t)s->nevq + 1, sizeof *s->evq, EV_BATCH, RW_MEM_STORE);
			struct store_ev_row *q = &s->evq[s->nevq++];
			q->e = *e;
			q->prefixes = ev_text(s, e->prefixes);
			q->collector = ev_text(s, e->collector);
			q->origins = ev_text(s, e->origins);
			q->covering = ev_text(s, e->covering);
			q->detail = ev_text(s, e->detail);
			return s->nevq == EV_BATCH ? ev_send(s) : 0;
		}
		/* met before (or a hash alike): what is gathered first, then
		 * the merge below reads it */
		int rc = ev_send(s);
		if (rc)
			return rc;
	}
	struct db_stmt *get = Q(s, Q_EV_GET), *ins = Q(s, Q_EV_INS), *upd = Q(s, Q_EV_UPD);
	if (!get || !ins || !upd)
		return RW_EDB;
	int64_t origin = e->has_origin ? (int64_t)e->origin : -1;
	db_bind_i64(get, 1, origin);
	db_bind_i64(get, 2, e->time);
	db_bind_i64(get, 3, e->type);
	db_bind_i64(get, 4, e->upstream);
	int rc = db_step(get);
	if (rc < 0) {
		db_reset(get);
		return rc;
	}
	if (rc == 0) {
		db_reset(get);
		ev_bind(ins, 0, e);
		return db_done(ins);
	}
	bool flag = db_col_i64(get, 0) || e->flag;
	int64_t det = RW_MAX(db_col_i64(get, 1), (int64_t)e->determined);
	int64_t peers = RW_MAX(db_col_i64(get, 2), (int64_t)e->peers);
	int64_t opfx = RW_MAX(db_col_i64(get, 3), (int64_t)e->origin_prefixes);
	char *pfx = merge_prefixes(db_col_text(get, 4), e->prefixes);
	int64_t since = db_col_i64(get, 5);
	if (e->since && (!since || e->since < since))
		since = e->since;
	char *ol = merge_origins(db_col_text(get, 6), e->origins ? e->origins : "");
	/* more_specific's covering prefix is part of its key (upstream);
	 * rpki_invalid's VRPs are united like its prefixes */
	const char *cv_old = db_col_text(get, 7), *cv_new = e->covering ? e->covering : "";
	char *cv = e->type == DET_RPKI_INVALID ? merge_items(cv_old, cv_new) : rw_strdup(*cv_old ? cv_old : cv_new);
	db_reset(get);
	if (!pfx) {
		free(ol);
		free(cv);
		return RW_ENOMEM;
	}
	struct db_stmt *st = upd;
	db_bind_i64(st, 1, flag);
	db_bind_i64(st, 2, det);
	db_bind_i64(st, 3, peers);
	db_bind_i64(st, 4, opfx);
	db_bind_text(st, 5, pfx, strlen(pfx));
	db_bind_i64(st, 6, since);
	db_bind_text(st, 7, ol, strlen(ol));
	db_bind_text(st, 8, cv, strlen(cv));
	db_bind_i64(st, 9, origin);
	db_bind_i64(st, 10, e->time);
	db_bind_i64(st, 11, e->type);
	db_bind_i64(st, 12, e->upstream);
	rc = db_done(st);
	free(pfx);
	free(ol);
	free(cv);
	return rc;
}

int store_prefix_origins(struct store *s, const char *prefix, uint32_t origin, bool *pfx_known, bool *po_known)
{
	struct db_stmt *st = Q(s, Q_PO_GET);
	*pfx_known = *po_known = false;
	if (!st)
		return RW_EDB;
	db_bind_text(st, 1, prefix, strlen(prefix));
	int rc;
	while ((rc = db_step(st)) == 1) {
		*pfx_known = true;
		*po_known |= db_col_i64(st, 0) == (int64_t)origin;
	}
	db_reset(st);
	if (rc < 0)
		store_fail(s, "reading the prefixes' origins", rc);
	return rc < 0 ? rc : 0;
}

/* A (prefix, origin) row through statement q (Q_PO_PUT or Q_PO_PUT_MIN). */
static int po_put(struct store *s, int q, const char *prefix, uint32_t origin, uint32_t first_seen)
{
	struct db_stmt *st = Q(s, q);
	if (!st)
		return RW_EDB;
	db_bind_text(st, 1, prefix, strlen(prefix));
	db_bind_i64(st, 2, origin);
	db_bind_i64(st, 3, first_seen);
	return db_done(st);
}

int store_prefix_origin_put(struct store *s, const char *prefix, uint32_t origin, uint32_t first_seen)
{
	return po_put(s, Q_PO_PUT, prefix, origin, first_seen);
}

int store_prefix_origin_put_min(struct store *s, const char *prefix, uint32_t origin, uint32_t first_seen)
{
	return po_put(s, Q_PO_PUT_MIN, prefix, origin, first_seen);
}

int store_interval_put(struct store *s, enum store_tab tab, const struct store_interval *iv)
{
	struct db_stmt *st = Q(s, tab == STORE_COUNTRIES ? Q_IV_PUT_C : Q_IV_PUT);
	if (!st)
		return RW_EDB;
	db_bind_i64(st, 1, iv->origin);
	db_bind_i64(st, 2, iv->upstream);
	db_bind_i64(st, 3, iv->start);
	if (iv->end)
		db_bind_i64(st, 4, iv->end);
	else
		db_bind_null(st, 4);
	db_bind_i64(st, 5, iv->acc_ts);
	db_bind_i64(st, 6, (int64_t)iv->seconds);
	db_bind_f64(st, 7, iv->area);
	db_bind_f64(st, 8, iv->share_max);
	db_bind_f64(st, 9, iv->share_now);
	db_bind_i64(st, 10, iv->visible);
	return db_done(st);
}

int store_origin_put(struct store *s, enum store_tab tab, const struct store_origin *o)
{
	struct db_stmt *st = Q(s, tab == STORE_COUNTRIES ? Q_ORIGIN_PUT_C : Q_ORIGIN_PUT);
	if (!st)
		return RW_EDB;
	db_bind_i64(st, 1, o->origin);
	db_bind_i64(st, 2, o->first_seen);
	db_bind_i64(st, 3, o->prefixes);
	db_bind_i64(st, 4, o->routes);
	db_bind_i64(st, 5, o->changed);
	return db_done(st);
}

static int point_put(struct store *s, struct db_stmt *st, const struct store_point *p);

int store_point_put(struct store *s, enum store_tab tab, const struct store_point *p)
{
	if (tab == STORE_ORIGINS && s->parts && month_part(s, month_of(p->ts), true))
		return RW_EDB;
	struct db_stmt *st = Q(s, tab == STORE_COUNTRIES ? Q_SERIES_PUT_C : Q_SERIES_PUT);
	return st ? point_put(s, st, p) : RW_EDB;
}

/* "4837:40 20485:16" into *text (stack when it fits, else malloc'ed);
 * its length. */
static size_t ups_text(const struct store_point *p, char *stack, size_t cap, char **text)
{
	*text = stack;
	if ((size_t)p->n * 22 + 1 > cap)
		*text = rw_malloc((size_t)p->n * 22 + 1);
	size_t n = 0;
	for (uint32_t i = 0; i < p->n; i++) {
		if (i)
			(*text)[n++] = ' ';
		n += fmt_u32(*text + n, p->up[i][0]);
		(*text)[n++] = ':';
		n += fmt_u32(*text + n, p->up[i][1]);
	}
	(*text)[n] = 0;
	return n;
}

/* The series upsert of table tab for k rows, keeping a later stored point. */
static struct db_stmt *batch_stmt(struct store *s, enum store_tab tab, uint32_t k)
{
	const char *t = tab == STORE_COUNTRIES ? "country_series" : "origin_series";
	struct obuf q = {0};
	obuf_printf(&q, "INSERT INTO %s (origin, bucket, ts, prefixes, routes, upstreams) VALUES ", t);
	for (uint32_t i = 0; i < k; i++)
		obuf_puts(&q, i ? ", (?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?)");
	obuf_printf(&q, " ON CONFLICT (origin, bucket) DO UPDATE SET ts = excluded.ts, prefixes = excluded.prefixes,"
			" routes = excluded.routes, upstreams = excluded.upstreams WHERE excluded.ts >= %s.ts", t);
	obuf_putc(&q, 0);
	struct db_stmt *st = db_prepare(s->db, (const char *)q.buf);
	obuf_release(&q);
	return st;
}

int store_points_put_latest(struct store *s, enum store_tab tab, const struct store_point *p, uint32_t n)
{
	int rc = 0;
	/* (country_series is not partitioned) */
	for (uint32_t i = 0; i < n && !rc && tab == STORE_ORIGINS; i++)
		if (s->parts && month_part(s, month_of(p[i].ts), true))
			rc = RW_EDB;
	struct db_stmt **full = &s->batch[tab == STORE_COUNTRIES];
	for (uint32_t at = 0; at < n && !rc; at += STORE_BATCH) {
		uint32_t k = n - at < STORE_BATCH ? n - at : STORE_BATCH;
		struct db_stmt *st = k == STORE_BATCH ? (*full ? *full : (*full = batch_stmt(s, tab, k)))
						      : batch_stmt(s, tab, k);
		if (!st)
			return RW_EDB;
		for (uint32_t j = 0; j < k; j++) {
			const struct store_point *x = &p[at + j];
			char stack[512], *text;
			size_t len = ups_text(x, stack, sizeof stack, &text);
			int b = (int)j * 6;
			db_bind_i64(st, b + 1, x->origin);
			db_bind_i64(st, b + 2, x->ts / STORE_BUCKET);
			db_bind_i64(st, b + 3, x->ts);
			db_bind_i64(st, b + 4, x->prefixes);
			db_bind_i64(st, b + 5, x->routes);
			db_bind_text(st, b + 6, text, len); /* copied by the backend */
			if (text != stack)
				free(text);
		}
		rc = db_done(st);
		if (st != *full)
			db_finalize(st);
	}
	return rc;
}

static int point_put(struct store *s, struct db_stmt *st, const struct store_point *p)
{
	(void)s;
	/* the routes per upstream as "4837:40 20485:16": one row per point
	 * (a row per upstream cost a statement each, for nothing a query
	 * needs) */
	char stack[512], *text = stack;
	size_t cap = sizeof stack, n = 0;
	if ((size_t)p->n * 22 + 1 > cap) {
		cap = (size_t)p->n * 22 + 1;
		text = rw_malloc(cap);
	}
	for (uint32_t i = 0; i < p->n; i++) {
		if (i)
			text[n++] = ' ';
		n += fmt_u32(text + n, p->up[i][0]);
		text[n++] = ':';
		n += fmt_u32(text + n, p->up[i][1]);
	}
	text[n] = 0;
	db_bind_i64(st, 1, p->origin);
	db_bind_i64(st, 2, p->ts / STORE_BUCKET);
	db_bind_i64(st, 3, p->ts);
	db_bind_i64(st, 4, p->prefixes);
	db_bind_i64(st, 5, p->routes);
	db_bind_text(st, 6, text, n);
	int rc = db_done(st);
	if (text != stack)
		free(text);
	return rc;
}
