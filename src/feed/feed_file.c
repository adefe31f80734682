/*
 * One archive file: io source -> MRT framing -> record decoding, with the
 * project's error rule for bad input (see feed.h).
 *
 * Message shapes (stderr), one line each:
 *   FILE: byte OFF, record #IDX (TYPE/SUBTYPE): WHAT
 *   FILE: bytes A-B (N bytes) skipped: WHY; ...
 *   FILE: stream ends inside a record at byte OFF (...)
 *   FILE: read/decompression error: ... ; N records read before it
 */
#include "feed_int.h"

#include <stdio.h>
#include <stdlib.h>

static int src_io(void *ctx, const uint8_t **p, size_t *n)
{
	return io_next(ctx, p, n);
}

static void problem(struct feed_file *f, enum rw_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void feed_file_emit(struct feed_file *f, enum rw_level lvl, const char *msg)
{
	unsigned max = f->opts && f->opts->max_msgs ? f->opts->max_msgs : 20;
	if (f->nmsgs >= max) {
		if (f->nmsgs == max) {
			rw_log(RW_LOG_WARN, "%s: further problems in this file are counted, not shown", f->path);
			f->nmsgs++;
		}
		return;
	}
	f->nmsgs++;
	rw_log(lvl, "%s: %s", f->path, msg);
}

static void problem(struct feed_file *f, enum rw_level lvl, const char *fmt, ...)
{
	f->nproblems++;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!f->defer) {
		feed_file_emit(f, lvl, msg);
		return;
	}
	/* kept for the caller to emit in order with what decodes later */
	rw_vec_grow(&f->deferred, &f->capdeferred, f->ndeferred + 1, sizeof *f->deferred, UINT32_MAX, RW_MEM_FEED);
	f->deferred[f->ndeferred].level = lvl;
	f->deferred[f->ndeferred].text = rw_strdup(msg);
	f->ndeferred++;
}

int feed_file_open(struct feed_file *f, const char *path, const struct feed_opts *o,
		   struct feed_stats *st)
{
	memset(f, 0, sizeof *f);
	f->path = rw_strdup(path ? path : "-");
	f->st = st;
	f->opts = o;
	st->files++;
	int rc = io_open(path, o ? &o->io : NULL, &f->io);
	if (rc) {
		st->files_failed++;
		f->eof = true;
		return rc;
	}
	mrt_reader_init(&f->rd, src_io, f->io, 0);
	f->rd.stable_src = io_stable(f->io);
	mrt_dec_init(&f->dec);
	f->dec.want_msgs = o && o->want_msgs;
	f->dec.salvage = o && o->salvage;
	f->dec.guess_addpath = o && o->guess_addpath;
	return 0;
}

/* What a file that is no MRT is, from its first decompressed bytes, so
 * that a user who gives a BMP capture to dump hears so (NULL: nothing
 * recognised). Only for a file that fails at its first byte. */
static const char *sniff(const char *path, const struct feed_opts *o)
{
	struct io_src *s;
	if (!strcmp(path, "-") || io_open(path, o ? &o->io : NULL, &s))
		return NULL;
	uint8_t b[64];
	size_t got = 0;
	const uint8_t *p;
	size_t n;
	while (got < sizeof b && io_next(s, &p, &n) > 0) {
		size_t k = RW_MIN(n, sizeof b - got);
		memcpy(b + got, p, k);
		got += k;
	}
	io_close(s);
	if (got >= 6 && b[0] == 3 && rd32(b + 1) >= 6 && b[5] <= 6)
		return "a BMP stream, not MRT (BMP is read live: routewatch collect --bmp)";
	if (got >= 4) {
		uint32_t m = rd32(b);
		if (m == 0xa1b2c3d4u || m == 0xd4c3b2a1u || m == 0xa1b23c4du || m == 0x4d3cb2a1u ||
		    m == 0x0a0d0d0au)
			return "a packet capture (pcap), not MRT";
	}
	size_t text = 0;
	for (size_t i = 0; i < got; i++)
		text += (b[i] >= 0x20 && b[i] < 0x7f) || b[i] == '\n' || b[i] == '\r' || b[i] == '\t';
	if (got && text == got)
		return "text, not MRT";
	return NULL;
}

static void report_gap(struct feed_file *f)
{
	const struct mrt_gap *g = &f->rd.gap;
	char tn[64];
	f->damaged = true;
	const char *what = !g->off && !f->rd.nrec ? sniff(f->path, f->opts) : NULL;
	if (what) {
		problem(f, RW_LOG_ERROR, "this is %s", what);
		f->foreign = true;
		return;
	}
	if (g->at_end && g->bad.len == 0 && g->len < MRT_HDR_LEN && !g->bad.type) {
		f->st->truncated++;
		problem(f, RW_LOG_ERROR,
			"byte %llu, record #%llu: stream ends inside a record header (%llu bytes left)",
			(unsigned long long)g->off, (unsigned long long)f->rd.nrec,
			(unsigned long long)g->len);
		return;
	}
	mrt_type_name(g->bad.type, g->bad.subtype, tn, sizeof tn);
	if (g->at_end && !strcmp(g->why, "stream ends inside a record")) {
		f->st->truncated++;
		problem(f, RW_LOG_ERROR,
			"byte %llu, record #%llu (%s): stream ends inside the record (%llu of %llu bytes present)",
			(unsigned long long)g->off, (unsigned long long)f->rd.nrec, tn,
			(unsigned long long)g->len, (unsigned long long)g->bad.len + MRT_HDR_LEN);
		return;
	}
	f->st->gaps++;
	f->st->gap_bytes += g->len;
	problem(f, RW_LOG_ERROR,
		"bytes %llu-%llu (%llu bytes) skipped after record #%llu: %s (header read as %s, length %u)%s",
		(unsigned long long)g->off, (unsigned long long)(g->off + g->len),
		(unsigned long long)g->len, (unsigned long long)f->rd.nrec, g->why, tn, g->bad.len,
		g->at_end ? "; no valid record follows before the end" : "; resynchronised on a chain of valid records");
}

int feed_file_next(struct feed_file *f)
{
	if (f->eof)
		return 0;
	for (;;) {
		int r = mrt_reader_next(&f->rd, &f->rec);
		if (r == MRT_NEXT_REC) {
			uint32_t ts = f->rec.h.ts;
			if (!f->st->ts_max || ts < f->st->ts_min)
				f->st->ts_min = ts;
			if (ts > f->st->ts_max)
				f->st->ts_max = ts;
			f->st->records++;
			f->st->by_type[f->rec.h.type & 63][RW_MIN(f->rec.h.subtype, 15)]++;
			return 1;
		}
		if (r == MRT_NEXT_GAP) {
			report_gap(f);
			if (f->foreign) {
				f->eof = true;
				return 0;
			}
			continue;
		}
		f->eof = true;
		if (r < 0) {
			f->damaged = true;
			f->st->io_errors++;
			problem(f, RW_LOG_ERROR, "%s (after %llu records, %llu decompressed bytes)",
				io_errmsg(f->io), (unsigned long long)f->rd.nrec,
				(unsigned long long)io_bytes_out(f->io));
		} else if (!f->rd.nrec && !f->nproblems) {
			problem(f, RW_LOG_WARN, "empty: no MRT record in it");
		}
		return 0;
	}
}

static int count_only(void *arg, const struct bgp_elem *e)
{
	(void)arg;
	(void)e;
	return 0;
}

/* A record followed by a few stray bytes before the next valid record may
 * have a length field that is short by exactly those bytes (early RIS
 * TABLE_DUMP files are 4 bytes short). Decode it both ways without output
 * and take the longer reading only if it is clean where the declared one
 * is truncated. */
static void maybe_absorb(struct feed_file *f)
{
	struct mrt_rec *rec = &f->rec;
	if (!rec->slack || rec->slack > 64)
		return;
	struct mrt_result a, b;
	f->dec.want_msgs = false;
	mrt_decode(&f->dec, rec, count_only, NULL, &a);
	if (a.err != RW_ETRUNC)
		goto out;
	struct mrt_rec ext = *rec;
	ext.len += rec->slack;
	ext.h.len += rec->slack;
	mrt_decode(&f->dec, &ext, count_only, NULL, &b);
	if (b.err)
		goto out;
	char tn[64];
	problem(f, RW_LOG_WARN,
		"byte %llu, record #%llu (%s): length field is %u bytes short of where the next record starts; read to there",
		(unsigned long long)rec->off, (unsigned long long)rec->idx,
		mrt_type_name(rec->h.type, rec->h.subtype, tn, sizeof tn), rec->slack);
	f->damaged = true;
	f->st->absorbed++;
	*rec = ext;
	rec->slack = 0;
	mrt_reader_absorb(&f->rd);
out:
	f->dec.want_msgs = f->opts && f->opts->want_msgs;
}

void feed_file_prepare(struct feed_file *f)
{
	maybe_absorb(f);
}

void feed_file_report(struct feed_file *f, const struct mrt_rec *rec, const struct mrt_result *res)
{
	char tn[64];
	if (res->err) {
		f->damaged = true;
		f->st->rec_errors++;
		problem(f, RW_LOG_ERROR, "byte %llu, record #%llu (%s): %s at body byte %llu; %s",
			(unsigned long long)rec->off, (unsigned long long)rec->idx,
			mrt_type_name(rec->h.type, rec->h.subtype, tn, sizeof tn), res->what,
			(unsigned long long)res->at,
			res->n_elems ? "the elements before it were kept" : "record skipped");
	}
	if (res->n_taw || res->n_discard || res->n_unparseable || res->n_bad_entries || res->n_notes) {
		f->st->taw += res->n_taw;
		f->st->discard += res->n_discard;
		f->st->unparseable += res->n_unparseable;
		f->st->bad_entries += res->n_bad_entries;
		problem(f, RW_LOG_WARN, "byte %llu, record #%llu (%s): %s%s%s (attribute %u at body byte %llu)",
			(unsigned long long)rec->off, (unsigned long long)rec->idx,
			mrt_type_name(rec->h.type, rec->h.subtype, tn, sizeof tn),
			res->worst ? bgp_action_name((enum bgp_action)res->worst)
				   : res->n_bad_entries ? "entry skipped" : "note",
			res->attr_msg ? ": " : "", res->attr_msg ? res->attr_msg : "", res->attr,
			(unsigned long long)res->attr_at);
	}
	if (res->unsupported) {
		f->st->unsupported++;
		uint8_t *rep = &f->st->reported[rec->h.type & 63][RW_MIN(rec->h.subtype, 15)];
		if (!*rep) {
			*rep = 1;
			rw_log(RW_LOG_WARN, "%s: byte %llu, record #%llu: %s (or its AFI/SAFI) is not decoded; such records are counted and skipped (reported once)",
			       f->path, (unsigned long long)rec->off, (unsigned long long)rec->idx,
			       mrt_type_name(rec->h.type, rec->h.subtype, tn, sizeof tn));
		}
	}
}

bool feed_result_has_problem(const struct mrt_result *res)
{
	return res->err || res->n_taw || res->n_discard || res->n_unparseable || res->n_bad_entries ||
	       res->n_notes || res->unsupported;
}

int feed_file_decode(struct feed_file *f, mrt_elem_fn fn, void *arg)
{
	struct mrt_result res;
	feed_file_prepare(f);
	int stop = mrt_decode(&f->dec, &f->rec, fn, arg, &res);
	feed_file_report(f, &f->rec, &res);
	return stop;
}

void feed_file_pass(struct feed_file *f)
{
	feed_file_prepare(f); /* the next record is framed as if read */
	if (f->rec.h.type != MRT_TABLE_DUMP_V2 || f->rec.h.subtype != MRT_PEER_INDEX_TABLE)
		return;
	struct mrt_result res;
	mrt_decode(&f->dec, &f->rec, count_only, NULL, &res);
	feed_file_report(f, &f->rec, &res);
}

void feed_file_close(struct feed_file *f)
{
	if (f->io) {
		f->st->bytes_in += io_bytes_in(f->io);
		f->st->bytes_out += io_bytes_out(f->io);
		mrt_reader_release(&f->rd);
		mrt_dec_release(&f->dec);
		io_close(f->io);
		f->io = NULL;
	}
	if (f->damaged)
		f->st->files_damaged++;
	for (size_t i = 0; i < f->ndeferred; i++)
		free(f->deferred[i].text);
	rw_vec_free(&f->deferred, &f->capdeferred, sizeof *f->deferred, RW_MEM_FEED);
	f->ndeferred = 0;
	free(f->path);
	f->path = NULL;
}

void feed_stats_collector(struct feed_stats *st, const char *name, uint32_t ribs, uint32_t updates,
			  uint32_t first, uint32_t last)
{
	const size_t max = sizeof st->colls[0].name - 1;
	uint32_t i = 0;
	int c = 1;
	while (i < st->ncolls && (c = strncmp(st->colls[i].name, name, max)) < 0)
		i++; /* the table is sorted by name */
	if (c) {
		if (st->ncolls == FEED_STATS_COLLS) {
			st->colls_more += ribs + updates;
			return;
		}
		memmove(&st->colls[i + 1], &st->colls[i], (st->ncolls - i) * sizeof st->colls[0]);
		memset(&st->colls[i], 0, sizeof st->colls[i]);
		snprintf(st->colls[i].name, sizeof st->colls[i].name, "%s", name);
		st->ncolls++;
	}
	struct feed_coll_stats *e = &st->colls[i];
	bool had = e->first || e->last, has = first || last;
	e->ribs += ribs;
	e->updates += updates;
	if (has && (!had || first < e->first))
		e->first = first;
	if (has && (!had || last > e->last))
		e->last = last;
}

/* The collectors found, one line each: what the run read of each. */
static void print_collectors(FILE *o, const struct feed_stats *st)
{
	fprintf(o, "collectors: %u\n", st->ncolls);
	for (uint32_t i = 0; i < st->ncolls; i++) {
		const struct feed_coll_stats *c = &st->colls[i];
		char a[24], b[24], when[64] = "file times unknown";
		if (c->first || c->last) {
			feed__fmt_minute(a, c->first);
			feed__fmt_minute(b, c->last);
			snprintf(when, sizeof when, "file times %s to %s", a, b);
		}
		fprintf(o, "  %s: %u RIB dump%s, %u update file%s; %s\n", c->name, c->ribs, c->ribs == 1 ? "" : "s",
			c->updates, c->updates == 1 ? "" : "s", when);
	}
	if (st->colls_more)
		fprintf(o, "  and %u files of collectors not listed\n", st->colls_more);
}

void feed_stats_print(const struct feed_stats *st, double elapsed)
{
	FILE *o = stderr;
	uint64_t ne = st->elems[0] + st->elems[1] + st->elems[2] + st->elems[3] + st->elems[4];
	fprintf(o, "files: %llu (%llu could not be opened, %llu damaged)",
		(unsigned long long)st->files, (unsigned long long)st->files_failed,
		(unsigned long long)st->files_damaged);
	if (st->files_outside) /* a window (feed_window.c) */
		fprintf(o, "; %llu outside the window, not opened", (unsigned long long)st->files_outside);
	fputc('\n', o);
	if (st->ncolls || st->colls_more)
		print_collectors(o, st);
	fprintf(o, "records: %llu\n", (unsigned long long)st->records);
	for (unsigned t = 0; t < 64; t++)
		for (unsigned s = 0; s < 16; s++)
			if (st->by_type[t][s]) {
				char tn[64];
				fprintf(o, "  %-40s %llu\n", mrt_type_name((uint16_t)t, (uint16_t)s, tn, sizeof tn),
					(unsigned long long)st->by_type[t][s]);
			}
	fprintf(o, "elements: %llu (announce %llu, withdraw %llu, rib %llu, state %llu, message %llu)\n",
		(unsigned long long)ne, (unsigned long long)st->elems[0], (unsigned long long)st->elems[1],
		(unsigned long long)st->elems[2], (unsigned long long)st->elems[3],
		(unsigned long long)st->elems[4]);
	fprintf(o, "errors: gaps %llu (%llu bytes), short lengths read past %llu, truncated %llu, skipped records %llu, read/decompress %llu\n",
		(unsigned long long)st->gaps, (unsigned long long)st->gap_bytes,
		(unsigned long long)st->absorbed, (unsigned long long)st->truncated,
		(unsigned long long)st->rec_errors, (unsigned long long)st->io_errors);
	fprintf(o, "rfc7606: treat-as-withdraw %llu, attribute-discard %llu, unparseable %llu; rib entries skipped %llu; unsupported records %llu\n",
		(unsigned long long)st->taw, (unsigned long long)st->discard,
		(unsigned long long)st->unparseable, (unsigned long long)st->bad_entries,
		(unsigned long long)st->unsupported);
	fprintf(o, "bytes: in %llu, decompressed %llu\n", (unsigned long long)st->bytes_in,
		(unsigned long long)st->bytes_out);
	fprintf(o, "elapsed: %.3f s, %.0f elements/s, %.1f MB/s decompressed\n", elapsed,
		elapsed > 0 ? (double)ne / elapsed : 0.0,
		elapsed > 0 ? (double)st->bytes_out / elapsed / 1e6 : 0.0);
}
