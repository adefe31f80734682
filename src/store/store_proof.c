/*
 * store.h, docs/events.md §15: what proves a stored event. One row of
 * event_proof per event, under the event's key (origin, time, type,
 * upstream): the first peer whose route change made it, and the MRT
 * record that carried the change (zstd-compressed, DET_PROOF_MAX bytes
 * at most) with the file and offset it was read at, or the cause when no
 * single record proves it.
 *
 * The first proof written for a key stays (a later write of the same
 * event, merging prefixes of another checkpoint, is a no-op): the event's
 * second is one, and the first change in it came first.
 *
 * Writers: hist.c (ingest, collect --db) and the backfill (one call per
 * event, store_event_proof_put). Readers: the HTTP API and the event's
 * page. A store made before proofs has the table (made on open) and no
 * rows: its events read as "no proof".
 */
#include "store.h"

#include <stdlib.h>
#include <zstd.h>

int store_event_proof_put(struct store *s, const struct store_ev_key *k, const struct store_proof *p)
{
	if (!s->proof_put)
		s->proof_put = db_prepare(s->db, "INSERT INTO event_proof (origin, time, type, upstream, collector,"
						    " peer, peer_asn, seen, record, record_len, file, file_offset, cause)"
						    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
						    " ON CONFLICT (origin, time, type, upstream) DO NOTHING");
	struct db_stmt *st = s->proof_put;
	if (!st)
		return store_fail(s, "writing an event's proof", RW_EDB);
	const char *coll = p->collector ? p->collector : "", *peer = p->peer ? p->peer : "";
	const char *file = p->file ? p->file : "", *cause = p->cause ? p->cause : "";
	db_bind_i64(st, 1, k->origin);
	db_bind_i64(st, 2, k->time);
	db_bind_i64(st, 3, k->type);
	db_bind_i64(st, 4, k->upstream);
	db_bind_text(st, 5, coll, strlen(coll));
	db_bind_text(st, 6, peer, strlen(peer));
	db_bind_i64(st, 7, p->peer_asn);
	db_bind_i64(st, 8, p->time);
	void *z = NULL;
	if (p->rec && p->len && p->len <= DET_PROOF_MAX) {
		size_t cap = ZSTD_compressBound(p->len);
		z = rw_malloc(cap);
		size_t zn = ZSTD_compress(z, cap, p->rec, p->len, 3);
		if (ZSTD_isError(zn)) {
			free(z);
			db_reset(st);
			return store_fail(s, "compressing an event's record", RW_EIO);
		}
		db_bind_blob(st, 9, z, zn);
	} else {
		db_bind_null(st, 9);
	}
	db_bind_i64(st, 10, p->rec_len);
	db_bind_text(st, 11, file, strlen(file));
	db_bind_i64(st, 12, (int64_t)p->off);
	db_bind_text(st, 13, cause, strlen(cause));
	int rc = db_done(st);
	free(z);
	return rc < 0 ? store_fail(s, "writing an event's proof", rc) : 0;
}

void store_proof_release(struct store_proof *p)
{
	free(p->own);
	memset(p, 0, sizeof *p);
}

int store_event_proof_get(struct store *s, const struct store_ev_key *k, struct store_proof *p, bool *found)
{
	memset(p, 0, sizeof *p);
	*found = false;
	struct db_stmt *st = db_prepare(s->db, "SELECT collector, peer, peer_asn, seen, record, record_len, file,"
					       " file_offset, cause FROM event_proof"
					       " WHERE origin = ? AND time = ? AND type = ? AND upstream = ?");
	if (!st)
		return 0; /* a store no writer opened since proofs came: none */
	db_bind_i64(st, 1, k->origin);
	db_bind_i64(st, 2, k->time);
	db_bind_i64(st, 3, k->type);
	db_bind_i64(st, 4, k->upstream);
	int rc = db_step(st);
	if (rc == 1) {
		/* one allocation holds the strings and the record: p->own */
		const char *txt[4] = {db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 6), db_col_text(st, 8)};
		size_t tl[4], sum = 0;
		for (int i = 0; i < 4; i++)
			sum += tl[i] = strlen(txt[i]) + 1;
		size_t zn = 0;
		const void *z = db_col_null(st, 4) ? NULL : db_col_blob(st, 4, &zn);
		unsigned long long raw = z ? ZSTD_getFrameContentSize(z, zn) : 0;
		if (raw == ZSTD_CONTENTSIZE_ERROR || raw == ZSTD_CONTENTSIZE_UNKNOWN || raw > DET_PROOF_MAX)
			raw = 0, z = NULL; /* not ours: shown as no record */
		char *m = rw_malloc(sum + raw + 1);
		p->own = m;
		const char **dst[4] = {&p->collector, &p->peer, &p->file, &p->cause};
		for (int i = 0; i < 4; i++) {
			memcpy(m, txt[i], tl[i]);
			*dst[i] = m;
			m += tl[i];
		}
		p->peer_asn = (uint32_t)db_col_i64(st, 2);
		p->time = (uint32_t)db_col_i64(st, 3);
		p->rec_len = (uint32_t)db_col_i64(st, 5);
		p->off = (uint64_t)db_col_i64(st, 7);
		if (z && raw) {
			size_t n = ZSTD_decompress(m, (size_t)raw, z, zn);
			if (!ZSTD_isError(n)) {
				p->rec = (const uint8_t *)m;
				p->len = n;
			}
		}
		*found = true;
		rc = 0;
	}
	db_finalize(st);
	return rc < 0 ? store_fail(s, "reading an event's proof", rc) : 0;
}
