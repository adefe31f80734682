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
	free(r->buf);
	r->buf = NULL;
}

/* Make buf[start..end) hold at least need bytes. 1: yes; 0: the stream
 * ended first; < 0: source error. */
static int fill(struct mrt_reader *r, size_t need)
{
	while (r->end - r->start < need) {
		if (r->src_err)
			return r->src_err;
		if (r->src_eof)
			return 0;
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
		if (r->cap - r->end < n) {
			if (r->start) {
				memmove(r->buf, r->buf + r->start, r->end - r->start);
				r->end -= r->start;
				r->buf_off += r->start;
				r->start = 0;
			}
			if (r->cap - r->end < n) {
				size_t ncap = r->cap ? r->cap : (4u << 20);
				while (ncap - r->end < n)
					ncap *= 2;
				uint8_t *nb = realloc(r->buf, ncap);
				if (!nb) {
					r->src_err = RW_ENOMEM;
					return RW_ENOMEM;
				}
				r->buf = nb;
				r->cap = ncap;
			}
		}
		memcpy(r->buf + r->end, p, n);
		r->end += n;
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

/* Does a chain of sane headers start at stream offset o? 1 yes, 0 no,
 * < 0 source error. */
static int chain_ok(struct mrt_reader *r, uint64_t o)
{
	uint32_t ref = r->last_ts;
	for (int k = 0; k < RESYNC_CHAIN; k++) {
		int f = fill_to(r, o + MRT_HDR_LEN);
		if (f < 0)
			return f;
		if (!f)
			/* a chain that ends exactly with the stream counts */
			return k > 0 && o == r->buf_off + r->end;
		struct mrt_hdr h;
		mrt_hdr_decode(r->buf + (o - r->buf_off), &h);
		if (!mrt_hdr_sane(&h, r->max_rec) || !ts_plausible(h.ts, ref))
			return 0;
		if (!ref)
			ref = h.ts;
		o += MRT_HDR_LEN + (uint64_t)h.len;
		if (k == RESYNC_CHAIN - 1)
			return 1;
		f = fill_to(r, o);
		if (f < 0)
			return f;
		if (!f)
			return 0; /* the record itself runs past the end */
	}
	return 1;
}

static int resync(struct mrt_reader *r, const struct mrt_hdr *bad, const char *why)
{
	uint64_t gap_off = pos_start(r);
	r->gap.bad = *bad;
	r->gap.why = why;
	r->gap.at_end = false;
	uint64_t o = gap_off + 1;
	for (;;) {
		/* keep the window small: bytes before o are part of the gap */
		if (o - pos_start(r) > (1u << 20))
			r->start = (size_t)(o - r->buf_off);
		int f = fill_to(r, o + MRT_HDR_LEN);
		if (f < 0)
			return f;
		if (!f) {
			/* no sane chain before the end: everything left is gap */
			o = r->buf_off + r->end;
			r->gap.at_end = true;
			break;
		}
		int c = chain_ok(r, o);
		if (c < 0)
			return c;
		if (c)
			break;
		o++;
	}
	r->gap.off = gap_off;
	r->gap.len = o - gap_off;
	r->start = (size_t)(o - r->buf_off);
	r->gaps++;
	r->gap_bytes += r->gap.len;
	return MRT_NEXT_GAP;
}

int mrt_reader_next(struct mrt_reader *r, struct mrt_rec *rec)
{
	int f = fill(r, MRT_HDR_LEN);
	if (f < 0)
		return f;
	size_t avail = r->end - r->start;
	if (!f) {
		if (avail == 0)
			return 0;
		memset(&r->gap, 0, sizeof r->gap);
		r->gap.off = r->buf_off + r->start;
		r->gap.len = avail;
		r->gap.why = "stream ends inside a record header";
		r->gap.at_end = true;
		r->start = r->end;
		r->gaps++;
		r->gap_bytes += avail;
		return MRT_NEXT_GAP;
	}
	struct mrt_hdr h;
	mrt_hdr_decode(r->buf + r->start, &h);
	if (!mrt_hdr_sane(&h, r->max_rec))
		return resync(r, &h, h.len > r->max_rec ? "record length above the cap"
							: "unknown record type or subtype");
	size_t total = MRT_HDR_LEN + (size_t)h.len;
	f = fill(r, total);
	if (f < 0)
		return f;
	if (!f) {
		memset(&r->gap, 0, sizeof r->gap);
		r->gap.bad = h;
		r->gap.off = r->buf_off + r->start;
		r->gap.len = r->end - r->start;
		r->gap.why = "stream ends inside a record";
		r->gap.at_end = true;
		r->start = r->end;
		r->gaps++;
		r->gap_bytes += r->gap.len;
		return MRT_NEXT_GAP;
	}
	const uint8_t *b = r->buf + r->start + MRT_HDR_LEN;
	rec->off = r->buf_off + r->start;
	rec->idx = r->nrec++;
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
	r->last_ts = h.ts;
	return MRT_NEXT_REC;
}
