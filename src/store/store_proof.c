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

/* A proof's row: texts and the compressed record in pftext, by offset
 * (the gathered rows of store_events_fresh; one at a time otherwise). */
struct store_pf_row {
	struct store_ev_key k;
	uint32_t peer_asn, time, rec_len;
	uint64_t off;
	size_t coll, peer, file, cause, z, zn; /* offsets; zn 0: no record */
};

#define PF_COLS 13
#define PF_BATCH 64

static const char pf_head[] = "INSERT INTO event_proof (origin, time, type, upstream, collector, peer, peer_asn, seen,"
			      " record, record_len, file, file_offset, cause) VALUES ";
static const char pf_tail[] = " ON CONFLICT (origin, time, type, upstream) DO NOTHING";

static struct db_stmt *pf_stmt(struct store *s, uint32_t rows)
{
	struct obuf q = {0};
	obuf_puts(&q, pf_head);
	for (uint32_t i = 0; i < rows; i++)
		obuf_puts(&q, i ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	obuf_puts(&q, pf_tail);
	obuf_putc(&q, 0);
	struct db_stmt *st = db_prepare(s->db, (const char *)q.buf);
	obuf_release(&q);
	return st;
}

/* The rows waiting, as one statement: the one-row one kept for single
 * writes, the full batch's, or one made for the rest. */
int store__proofs_send(struct store *s)
{
	uint32_t n = s->npfq;
	if (!n)
		return 0;
	s->npfq = 0;
	struct db_stmt **keep = n == 1 ? &s->proof_put : n == PF_BATCH ? &s->pf_full : NULL;
	struct db_stmt *st = keep ? (*keep ? *keep : (*keep = pf_stmt(s, n))) : pf_stmt(s, n);
	if (!st) {
		obuf_reset(&s->pftext);
		return store_fail(s, "writing an event's proof", RW_EDB);
	}
	const char *t = (const char *)obuf_data(&s->pftext);
	for (uint32_t i = 0; i < n; i++) {
		const struct store_pf_row *r = &s->pfq[i];
		int b = (int)i * PF_COLS;
		db_bind_i64(st, b + 1, r->k.origin);
		db_bind_i64(st, b + 2, r->k.time);
		db_bind_i64(st, b + 3, r->k.type);
		db_bind_i64(st, b + 4, r->k.upstream);
		db_bind_text(st, b + 5, t + r->coll, strlen(t + r->coll));
		db_bind_text(st, b + 6, t + r->peer, strlen(t + r->peer));
		db_bind_i64(st, b + 7, r->peer_asn);
		db_bind_i64(st, b + 8, r->time);
		if (r->zn)
			db_bind_blob(st, b + 9, t + r->z, r->zn);
		else
			db_bind_null(st, b + 9);
		db_bind_i64(st, b + 10, r->rec_len);
		db_bind_text(st, b + 11, t + r->file, strlen(t + r->file));
		db_bind_i64(st, b + 12, (int64_t)r->off);
		db_bind_text(st, b + 13, t + r->cause, strlen(t + r->cause));
	}
	int rc = db_done(st);
	if (!keep)
		db_finalize(st);
	obuf_reset(&s->pftext);
	return rc < 0 ? store_fail(s, "writing an event's proof", rc) : 0;
}

void store__proofs_release(struct store *s)
{
	db_finalize(s->pf_full);
	rw_vec_free(&s->pfq, &s->cappfq, sizeof *s->pfq, RW_MEM_STORE);
	obuf_release(&s->pftext);
}

static size_t pf_text(struct store *s, const char *v)
{
	size_t at = s->pftext.len;
	obuf_write(&s->pftext, v ? v : "", strlen(v ? v : "") + 1);
	return at;
}

int store_event_proof_put(struct store *s, const struct store_ev_key *k, const struct store_proof *p)
{
	rw_vec_grow(&s->pfq, &s->cappfq, (size_t)s->npfq + 1, sizeof *s->pfq, PF_BATCH, RW_MEM_STORE);
	struct store_pf_row *r = &s->pfq[s->npfq];
	*r = (struct store_pf_row){.k = *k, .peer_asn = p->peer_asn, .time = p->time, .rec_len = p->rec_len,
				   .off = p->off};
	r->coll = pf_text(s, p->collector);
	r->peer = pf_text(s, p->peer);
	r->file = pf_text(s, p->file);
	r->cause = pf_text(s, p->cause);
	if (p->rec && p->len && p->len <= DET_PROOF_MAX) {
		size_t cap = ZSTD_compressBound(p->len);
		r->z = s->pftext.len;
		void *z = obuf_room(&s->pftext, cap);
		size_t zn = ZSTD_compress(z, cap, p->rec, p->len, 3);
		if (ZSTD_isError(zn)) {
			s->pftext.len = r->z;
			return store_fail(s, "compressing an event's record", RW_EIO);
		}
		s->pftext.len += zn;
		r->zn = zn;
	}
	s->npfq++;
	/* gathered for a backfill window's statement; else written now */
	return !s->ev_fresh || s->npfq == PF_BATCH ? store__proofs_send(s) : 0;
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
