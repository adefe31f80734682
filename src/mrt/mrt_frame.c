/*
 * MRT framing with recovery (MALFORMED.md D, RELIABILITY.md §5.3).
 *
 * The reader copies chunks from its source into one window buffer, so a
 * record is always contiguous however the source cut the stream. A record
 * is trusted when its header is sane (known type/subtype, length within the
 * cap). When a header is not sane, the framing is lost: the reader scans
 * forward byte by byte for an offset where three headers chain (each sane,
 * each starting where the previous one ends, timestamps within a year of
 * the last good record) or where a sane chain runs exactly to the end of
 * the stream, and reports the skipped bytes as a gap. A stream that ends
 * inside a header or a record ends with a gap marked at_end.
 *
 * Memory: the window holds at most a few records plus one chunk.
 */
#include "mrt.h"

#include <stdio.h>
#include <stdlib.h>

#define RESYNC_CHAIN 3
#define TS_SLACK (366u * 86400u)

void mrt_hdr_decode(const uint8_t p[MRT_HDR_LEN], struct mrt_hdr *h)
{
	h->ts = rd32(p);
	h->type = rd16(p + 4);
	h->subtype = rd16(p + 6);
	h->len = rd32(p + 8);
	h->usec = 0;
}

bool mrt_hdr_sane(const struct mrt_hdr *h, size_t max_rec)
{
	if (h->len > max_rec)
		return false;
	switch (h->type) {
	case MRT_BGP:
		return h->subtype <= MRT_BGP_KEEPALIVE;
	case MRT_TABLE_DUMP:
		return h->subtype >= 1 && h->subtype <= 4;
	case MRT_TABLE_DUMP_V2:
		return h->subtype >= 1 && h->subtype <= 12;
	case MRT_BGP4MP:
		return h->subtype <= 11;
	case MRT_BGP4MP_ET:
		return h->subtype <= 11 && h->len >= 4;
	case 11: /* OSPFv2 */
	case 32: /* ISIS */
	case 48: /* OSPFv3 */
		return h->subtype < 16;
	case 33: /* ISIS_ET */
	case 49: /* OSPFv3_ET */
		return h->subtype < 16 && h->len >= 4;
	case 1: case 2: case 3: case 4: case 6: case 7: case 8: case 9: case 10:
		/* deprecated types of RFC 6396 §B: skipped by length */
		return h->subtype < 16;
	default:
		return false;
	}
}

const char *mrt_type_name(uint16_t type, uint16_t subtype, char *dst, size_t n)
{
	static const char *const td2[] = {
		"?", "PEER_INDEX_TABLE", "RIB_IPV4_UNICAST", "RIB_IPV4_MULTICAST",
		"RIB_IPV6_UNICAST", "RIB_IPV6_MULTICAST", "RIB_GENERIC", "GEO_PEER_TABLE",
		"RIB_IPV4_UNICAST_ADDPATH", "RIB_IPV4_MULTICAST_ADDPATH", "RIB_IPV6_UNICAST_ADDPATH",
		"RIB_IPV6_MULTICAST_ADDPATH", "RIB_GENERIC_ADDPATH"};
	static const char *const b4[] = {
		"STATE_CHANGE", "MESSAGE", "ENTRY", "SNAPSHOT", "MESSAGE_AS4", "STATE_CHANGE_AS4",
		"MESSAGE_LOCAL", "MESSAGE_AS4_LOCAL", "MESSAGE_ADDPATH", "MESSAGE_AS4_ADDPATH",
		"MESSAGE_LOCAL_ADDPATH", "MESSAGE_AS4_LOCAL_ADDPATH"};
	static const char *const bgp[] = {"NULL", "UPDATE", "PREF_UPDATE", "STATE_CHANGE",
					   "SYNC", "OPEN", "NOTIFY", "KEEPALIVE"};
	const char *t = NULL, *s = NULL;
	switch (type) {
	case MRT_BGP:
		t = "BGP";
		s = subtype < RW_ARRAY_LEN(bgp) ? bgp[subtype] : NULL;
		break;
	case MRT_TABLE_DUMP:
		t = "TABLE_DUMP";
		s = subtype == 1 ? "AFI_IPv4" : subtype == 2 ? "AFI_IPv6" : NULL;
		break;
	case MRT_TABLE_DUMP_V2:
		t = "TABLE_DUMP_V2";
		s = subtype < RW_ARRAY_LEN(td2) ? td2[subtype] : NULL;
		break;
	case MRT_BGP4MP:
	case MRT_BGP4MP_ET:
		t = type == MRT_BGP4MP ? "BGP4MP" : "BGP4MP_ET";
		s = subtype < RW_ARRAY_LEN(b4) ? b4[subtype] : NULL;
		break;
	default:
		break;
	}
	if (t && s)
		snprintf(dst, n, "%s/%s", t, s);
	else if (t)
		snprintf(dst, n, "%s/%u", t, subtype);
	else
		snprintf(dst, n, "type %u/%u", type, subtype);
	return dst;
}

void mrt_reader_init(struct mrt_reader *r, mrt_src_fn src, void *ctx, size_t max_rec)
{
	memset(r, 0, sizeof *r);
	r->src = src;
	r->src_ctx = ctx;
	r->max_rec = max_rec ? max_rec : MRT_MAX_REC_DEFAULT;
}

void mrt_reader_release(struct mrt_reader *r)
{
	rw_vec_free(&r->buf, &r->cap, 1, RW_MEM_MRT);
}

/* Make buf[start..end) hold at least need bytes, copying only what is
 * needed out of the current chunk. 1: yes; 0: the stream ended first;
 * < 0: source error. Invariant: buf_off + end is the stream offset of
 * ck[ck_pos]. */
static int fill(struct mrt_reader *r, size_t need)
{
	while (r->end - r->start < need) {
		if (r->ck_pos < r->ck_len) {
			size_t k = RW_MIN(need - (r->end - r->start), r->ck_len - r->ck_pos);
			if (r->cap - r->end < k) {
				if (r->start) {
					memmove(r->buf, r->buf + r->start, r->end - r->start);
					r->end -= r->start;
					r->buf_off += r->start;
					r->start = 0;
				}
				if (r->cap - r->end < k &&
				    rw_vec_grow(&r->buf, &r->cap, RW_MAX(r->end + k, (size_t)1 << 20), 1, UINT32_MAX,
						RW_MEM_MRT)) {
					r->src_err = RW_ELIMIT; /* a 4 GiB window: no record is that long */
					return RW_ELIMIT;
				}
			}
			memcpy(r->buf + r->end, r->ck + r->ck_pos, k);
			r->end += k;
			r->ck_pos += k;
			r->ck_copied += k;
			continue;
		}
		if (r->src_err)
			return r->src_err;
		if (r->src_eof)
			return 0;
		/* calling the source again ends the current chunk's life (like
		 * io_next): nothing may point back into it from now on */
		r->ck = NULL;
		r->ck_len = r->ck_pos = r->ck_copied = 0;
		const uint8_t *p;
		size_t n;
		int rc = r->src(r->src_ctx, &p, &n);
		if (rc < 0) {
			r->src_err = rc;
			return rc;
		}
		if (rc == 0) {
			r->src_eof = 1;
			return 0;
		}
		r->ck = p;
		r->ck_len = n;
		r->ck_pos = 0;
		r->ck_copied = 0;
	}
	return 1;
}

static bool ts_plausible(uint32_t ts, uint32_t ref)
{
	if (!ref)
		return true;
	return ts >= ref ? ts - ref <= TS_SLACK : ref - ts <= TS_SLACK;
}

/* Stream offset of r->start, and a fill() that asks for the bytes up to
 * stream offset 'upto'. Positions during a resync are stream offsets
 * because fill() may move the window. */
static uint64_t pos_start(const struct mrt_reader *r)
{
	return r->buf_off + r->start;
}

static int fill_to(struct mrt_reader *r, uint64_t upto)
{
	return fill(r, (size_t)(upto - pos_start(r)));
}

/* Does a chain of sane headers start at stream offset o? Each header must
 * follow the previous record's end within CHAIN_SLACK bytes (some writers
 * got the length a few bytes short, always by the same amount), and carry a
 * timestamp within a year of the last good record. 1 yes, 0 no, < 0
 * source error. */
#define CHAIN_SLACK 8
static int chain_ok(struct mrt_reader *r, uint64_t o)
{
	uint32_t ref = r->last_ts;
	for (int k = 0; k < RESYNC_CHAIN; k++) {
		bool found = false;
		for (unsigned j = 0; j <= (k ? CHAIN_SLACK : 0) && !found; j++) {
			int f = fill_to(r, o + j + MRT_HDR_LEN);
			if (f < 0)
				return f;
			if (!f)
				/* a chain that ends with the stream counts (within
				 * the same slack) */
				return k > 0 && r->buf_off + r->end - o <= (k ? CHAIN_SLACK : 0);
			struct mrt_hdr h;
			mrt_hdr_decode(r->buf + (o + j - r->buf_off), &h);
			if (!mrt_hdr_sane(&h, r->max_rec) || !ts_plausible(h.ts, ref))
				continue;
			found = true;
			if (!ref)
				ref = h.ts;
			o += j + MRT_HDR_LEN + (uint64_t)h.len;
		}
		if (!found)
			return 0;
		if (k == RESYNC_CHAIN - 1)
			return 1;
		int f = fill_to(r, o);
		if (f < 0)
			return f;
		if (!f)
			return 0; /* the record itself runs past the end */
	}
	return 1;
}

/* Scan stream offsets from 'from' for the start of a chain. Bytes before
 * 'keep' may be dropped from the window (keep = UINT64_MAX: anything
 * before the scan position). Stops after 'limit'. 1: found at *o; 0: not
 * found, *o = where the scan stopped (end of stream or limit); < 0 error. */
static int scan_chain(struct mrt_reader *r, uint64_t from, uint64_t keep, uint64_t limit, uint64_t *o)
{
	uint64_t p = from;
	for (; p <= limit; p++) {
		if (keep == UINT64_MAX && p - pos_start(r) > (1u << 20))
			r->start = (size_t)(p - r->buf_off);
		int f = fill_to(r, p + MRT_HDR_LEN);
		if (f < 0)
			return f;
		if (!f) {
			*o = r->buf_off + r->end;
			return 0;
		}
		int c = chain_ok(r, p);
		if (c < 0)
			return c;
		if (c) {
			*o = p;
			return 1;
		}
	}
	*o = p;
	return 0;
}

static int gap_out(struct mrt_reader *r, uint64_t off, uint64_t end, const struct mrt_hdr *bad,
		   const char *why, bool at_end)
{
	memset(&r->gap, 0, sizeof r->gap);
	if (bad)
		r->gap.bad = *bad;
	r->gap.why = why;
	r->gap.at_end = at_end;
	r->gap.off = off;
	r->gap.len = end - off;
	r->start = (size_t)(end - r->buf_off);
	r->gaps++;
	r->gap_bytes += r->gap.len;
	return MRT_NEXT_GAP;
}

static int resync(struct mrt_reader *r, const struct mrt_hdr *bad, const char *why)
{
	uint64_t gap_off = pos_start(r), o;
	int c = scan_chain(r, gap_off + 1, UINT64_MAX, UINT64_MAX, &o);
	if (c < 0)
		return c;
	return gap_out(r, gap_off, o, bad, why, c == 0);
}

void mrt_reader_absorb(struct mrt_reader *r)
{
	if (r->pend_len) {
		r->start += (size_t)r->pend_len;
		r->pend_len = 0;
	}
}

int mrt_reader_next(struct mrt_reader *r, struct mrt_rec *rec)
{
	if (r->pend_len) {
		uint64_t off = pos_start(r), len = r->pend_len;
		r->pend_len = 0;
		if (r->src_eof && off + len == r->buf_off + r->end)
			return gap_out(r, off, off + len, NULL, "stream ends inside a record header", true);
		return gap_out(r, off, off + len, NULL,
			       "bytes between two records (the record before is shorter than where the next one starts)",
			       false);
	}
	if (r->start == r->end) {
		/* Fast path: the record and the next header lie in the current
		 * chunk; return it without copying. */
		r->buf_off += r->end;
		r->start = r->end = 0;
		size_t left = r->ck_len - r->ck_pos;
		if (left >= MRT_HDR_LEN) {
			const uint8_t *q = r->ck + r->ck_pos;
			struct mrt_hdr h, nh;
			mrt_hdr_decode(q, &h);
			size_t total = MRT_HDR_LEN + (size_t)h.len;
			if (mrt_hdr_sane(&h, r->max_rec) && left >= total + MRT_HDR_LEN) {
				mrt_hdr_decode(q + total, &nh);
				if (mrt_hdr_sane(&nh, r->max_rec) && ts_plausible(nh.ts, h.ts)) {
					rec->off = r->buf_off;
					rec->idx = r->nrec++;
					rec->slack = 0;
					rec->stable = r->stable_src;
					if (h.type == MRT_BGP4MP_ET || h.type == 33 || h.type == 49) {
						h.usec = rd32(q + MRT_HDR_LEN);
						rec->body = q + MRT_HDR_LEN + 4;
						rec->len = h.len - 4;
					} else {
						rec->body = q + MRT_HDR_LEN;
						rec->len = h.len;
					}
					rec->h = h;
					r->ck_pos += total;
					r->buf_off += total;
					r->last_ts = h.ts;
					return MRT_NEXT_REC;
				}
			}
		}
	}
	int f = fill(r, MRT_HDR_LEN);
	if (f < 0)
		return f;
	size_t avail = r->end - r->start;
	if (!f) {
		if (avail == 0)
			return 0;
		return gap_out(r, pos_start(r), r->buf_off + r->end, NULL,
			       "stream ends inside a record header", true);
	}
	struct mrt_hdr h;
	mrt_hdr_decode(r->buf + r->start, &h);
	if (!mrt_hdr_sane(&h, r->max_rec))
		return resync(r, &h, h.len > r->max_rec ? "record length above the cap"
							: "unknown record type or subtype");
	uint64_t roff = pos_start(r);
	size_t total = MRT_HDR_LEN + (size_t)h.len;
	uint64_t rend = roff + total;
	uint32_t slack = 0;
	f = fill(r, total + MRT_HDR_LEN);
	if (f < 0)
		return f;
	if (!f && r->end - r->start < total) {
		/* The stream ends inside the record - or its length is wrong and
		 * good records follow: look for them. */
		uint64_t o;
		int c = scan_chain(r, roff + 1, roff, r->buf_off + r->end, &o);
		if (c < 0)
			return c;
		if (c)
			return gap_out(r, roff, o, &h, "record length runs past the records that follow", false);
		return gap_out(r, roff, r->buf_off + r->end, &h, "stream ends inside a record", true);
	}
	if (!f && r->end - r->start > total && r->end - r->start - total <= CHAIN_SLACK)
		/* a few stray bytes before the end: maybe a short length */
		slack = (uint32_t)(r->end - r->start - total);
	if (f) {
		/* Trust the length only if a sane header follows it. */
		struct mrt_hdr nh;
		mrt_hdr_decode(r->buf + r->start + total, &nh);
		if (!mrt_hdr_sane(&nh, r->max_rec) || !ts_plausible(nh.ts, h.ts)) {
			uint64_t o;
			int c = scan_chain(r, roff + 1, roff, rend + (1u << 20), &o);
			if (c < 0)
				return c;
			if (c && o < rend)
				return gap_out(r, roff, o, &h,
					       "record length disagrees with the records that follow", false);
			if (c && o - rend <= UINT32_MAX)
				slack = (uint32_t)(o - rend);
		}
	}
	const uint8_t *b = r->buf + r->start + MRT_HDR_LEN;
	rec->off = roff;
	rec->idx = r->nrec++;
	rec->slack = slack;
	rec->stable = false; /* in our window */
	if (h.type == MRT_BGP4MP_ET || h.type == 33 || h.type == 49) {
		h.usec = rd32(b);
		rec->body = b + 4;
		rec->len = h.len - 4;
	} else {
		rec->body = b;
		rec->len = h.len;
	}
	rec->h = h;
	r->start += total;
	r->pend_len = slack;
	r->last_ts = h.ts;
	/* Bytes left in the window that were copied from the current chunk
	 * (the next header, looked at above) go back to the chunk, so the
	 * next record can take the fast path again. */
	size_t rem = r->end - r->start;
	if (!slack && rem && rem <= r->ck_copied) {
		r->end = r->start;
		r->ck_pos -= rem;
		r->ck_copied -= rem;
	}
	return MRT_NEXT_REC;
}
