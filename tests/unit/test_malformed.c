/*
 * malformed/: the "minimum core set" of design/MALFORMED.md, one TEST per
 * row (U01 ... B05), named after the row's id.
 *
 * Every UPDATE vector starts from the table's baseline valid UPDATE (47
 * bytes, TAL 0x14) and changes what the row says. The bytes are decoded by
 * the real decoders:
 *  - bgp_update_decode with a scratch arena, on an exact-size heap copy of
 *    the message so that AddressSanitizer sees any read past its end;
 *  - end to end: the message wrapped in a BGP4MP_MESSAGE_AS4 record
 *    (mrt_write_bgp_msg), framed, decoded and printed as bgpdump -m text by
 *    tdump_run (TaW gives W lines, unparseable gives none, valid gives A).
 * OPEN/NOTIFICATION rows call their decoders; MRT file rows build streams
 * with the writer and raw headers. The BMP rows keep their exact bytes for
 * the future decoder and report "skip" until it exists (issue 5).
 *
 * The expectations are MALFORMED.md's, not the code's: a test that fails
 * here is a decoder that disagrees with the checklist.
 */
#define T_PREFIX "malformed/"
#include "t.h"
#include "taddr.h"
#include "tutil.h"
#include "feed/feed.h"
#include "bmp/bmp.h"

#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

/* ---------------------------------------------------------------- bytes */

#define MARKER                                                                         \
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
		0xff, 0xff

/* The baseline valid UPDATE of MALFORMED.md, byte for byte (4-byte AS). */
#define BASELINE_UPDATE                                                                   \
	MARKER, 0x00, 0x2f, 0x02,                 /* HDR(002F, 02) */                     \
		0x00, 0x00,                       /* WL = 0 */                            \
		0x00, 0x14,                       /* TAL = 0x14 */                        \
		0x40, 0x01, 0x01, 0x00,           /* ORIGIN = IGP */                      \
		0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9, /* AS_SEQUENCE 65001 */ \
		0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01, /* NEXT_HOP 192.0.2.1 */        \
		0x18, 0xc6, 0x33, 0x64            /* NLRI 198.51.100.0/24 */

static const uint8_t baseline[] = {BASELINE_UPDATE};

/* The baseline's parts, to rebuild it with one part changed. */
static const uint8_t ORIGIN_IGP[] = {0x40, 0x01, 0x01, 0x00};
static const uint8_t AS_PATH4[] = {0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9};
static const uint8_t AS_PATH2[] = {0x40, 0x02, 0x04, 0x02, 0x01, 0xfd, 0xe9}; /* 2-byte session */
static const uint8_t NEXT_HOP[] = {0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01};
static const uint8_t NLRI[] = {0x18, 0xc6, 0x33, 0x64};
static const uint8_t NH_192_0_2_1[4] = {0xc0, 0x00, 0x02, 0x01};

/* Append an array, or a list of byte values, to a struct obuf. */
#define CAT(b, arr) obuf_write((b), (arr), sizeof(arr))
#define BYTES(b, ...)                                              \
	do {                                                       \
		static const uint8_t bytes_[] = {__VA_ARGS__};     \
		obuf_write((b), bytes_, sizeof bytes_);           \
	} while (0)

/* The baseline's 20 attribute bytes (4-byte session) into a. */
static void base_attrs(struct obuf *a)
{
	CAT(a, ORIGIN_IGP);
	CAT(a, AS_PATH4);
	CAT(a, NEXT_HOP);
}

/* The 2-byte-session baseline attributes (AS_PATH 40 02 04 02 01 FDE9). */
static void base_attrs2(struct obuf *a)
{
	CAT(a, ORIGIN_IGP);
	CAT(a, AS_PATH2);
	CAT(a, NEXT_HOP);
}

#define TAL_AUTO (-1L)

/* m = HDR(len, 02) | WL=0000 | TAL | attrs | nlri. tal = TAL_AUTO writes
 * the attribute bytes' real length; the header length is always the real
 * message length. */
static void upd_build(struct obuf *m, const struct obuf *attrs, long tal, const uint8_t *nlri,
		      size_t nlen)
{
	m->len = 0;
	uint8_t h[23] = {MARKER};
	h[18] = BGP_MSG_UPDATE;
	wr16(h + 19, 0);
	wr16(h + 21, (uint16_t)(tal < 0 ? (long)attrs->len : tal));
	obuf_write(m, h, sizeof h);
	obuf_write(m, obuf_data(attrs), attrs->len);
	if (nlen)
		obuf_write(m, nlri, nlen);
	wr16(obuf_bytes(m) + 16, (uint16_t)m->len);
}

/* ---------------------------------------------------------------- UPDATE decoding */

struct ures {
	uint8_t *copy;       /* exact-size heap copy of the message (owned) */
	size_t len;
	struct arena ar;     /* scratch for the AS path */
	struct bgp_update u; /* borrows from copy and ar */
	int rc;              /* bgp_update_decode's return */
};

static void udec_ctx(struct ures *r, const uint8_t *msg, size_t len, const struct bgp_ctx *ctx)
{
	memset(r, 0, sizeof *r);
	r->len = len;
	r->copy = malloc(len);
	memcpy(r->copy, msg, len);
	arena_init(&r->ar, 0, 64u << 20, RW_MEM_OTHER);
	struct bgp_hdr h;
	/* the vectors always carry a well-formed header */
	CHECK_INT(bgp_hdr_decode(r->copy, len, len > BGP_MAX_LEN, &h), 0);
	CHECK_INT(h.len, len);
	CHECK_INT(h.type, BGP_MSG_UPDATE);
	r->rc = bgp_update_decode(r->copy + BGP_HDR_LEN, len - BGP_HDR_LEN, ctx, &r->ar, &r->u);
}

/* asn_size 4 (or 2), no ADD-PATH, no guessing: a live session. */
static void udec(struct ures *r, const struct obuf *m, unsigned asz)
{
	struct bgp_ctx ctx = {.asn_size = (uint8_t)asz};
	udec_ctx(r, obuf_data(m), m->len, &ctx);
}

static void ures_free(struct ures *r)
{
	arena_release(&r->ar);
	free(r->copy);
	r->copy = NULL;
}

/* Prefixes of an NLRI field as text, "a/len b/len"; a trailing "!" when
 * the field goes bad. */
static const char *pfx_list(const uint8_t *p, size_t len, uint8_t af, bool addpath)
{
	static char out[8192];
	size_t n = 0;
	struct bgp_nlri_it it;
	struct rw_prefix x;
	int r;
	out[0] = 0;
	bgp_nlri_init(&it, p, len, af, addpath);
	while ((r = bgp_nlri_next(&it, &x)) > 0 && n + RW_PREFIX_STRLEN + 2 < sizeof out) {
		if (n)
			out[n++] = ' ';
		n += fmt_prefix(out + n, &x);
	}
	if (r < 0 && n + 3 < sizeof out) {
		if (n)
			out[n++] = ' ';
		out[n++] = '!';
	}
	out[n] = 0;
	return out;
}

static const char *nlri_str(const struct bgp_update *u)
{
	return pfx_list(u->nlri, u->nlri_len, RW_AF_INET, u->nlri_addpath);
}

static const char *path_str(const struct bgp_attrs *a)
{
	static char out[131072];
	if (!a->path_ok)
		return "(no path)";
	if (bgp_path_fmt_size(&a->path) > sizeof out)
		return "(path too long for the test buffer)";
	out[bgp_path_fmt(out, &a->path, NULL)] = 0;
	return out;
}

static bool has_str(const char *hay, const char *needle)
{
	return hay && needle && strstr(hay, needle) != NULL;
}

/* ---------------------------------------------------------------- through MRT */

#define TS 1506848871u

/* Peer 198.51.100.9 AS65001 (eBGP) to the collector 198.51.100.254. */
static struct mrt_bgp4mp_hdr H(bool as4)
{
	struct mrt_bgp4mp_hdr h = {.ts = TS, .usec = 42, .as4 = as4, .peer_asn = 65001, .local_asn = 12654,
				   .peer = A("198.51.100.9"), .local = A("198.51.100.254")};
	return h;
}

static const char A_BASE[] =
	"BGP4MP|1506848871|A|198.51.100.9|65001|198.51.100.0/24|65001|IGP|192.0.2.1|0|0||NAG||\n";
static const char W_BASE[] = "BGP4MP|1506848871|W|198.51.100.9|65001|198.51.100.0/24\n";

/* Wrap a BGP message in a BGP4MP record (MESSAGE_AS4, or MESSAGE for a
 * 2-byte session) and append it to out. */
static void put_msg(struct obuf *out, const struct obuf *m, bool as4)
{
	struct mrt_bgp4mp_hdr h = H(as4);
	CHECK_INT(mrt_write_bgp_msg(out, &h, obuf_data(m), m->len), 0);
}

/* One message as one BGP4MP_MESSAGE_AS4 record through reader, decoder
 * and bgpdump text. */
static void via_mrt(struct tdump *t, const struct obuf *m, bool as4)
{
	struct obuf f = {0};
	put_msg(&f, m, as4);
	tdump_run(t, obuf_data(&f), f.len, 0, false, false);
	obuf_release(&f);
}

/* Frame and decode every record, keeping each record's mrt_result. */
struct rrun {
	unsigned nrec, gaps, elems;
	int end;              /* mrt_reader_next's final return */
	size_t max_cap;       /* largest window the reader allocated */
	struct mrt_result res[16];
	unsigned rec_elems[16];
};

struct onebuf {
	const uint8_t *p;
	size_t n;
	bool done;
};

static int onebuf_next(void *ctx, const uint8_t **p, size_t *n)
{
	struct onebuf *b = ctx;
	if (b->done || !b->n)
		return 0;
	b->done = true;
	*p = b->p;
	*n = b->n;
	return 1;
}

static int count_elem(void *arg, const struct bgp_elem *e)
{
	(void)e;
	(*(unsigned *)arg)++;
	return 0;
}

static void rrun(struct rrun *o, const uint8_t *p, size_t n)
{
	memset(o, 0, sizeof *o);
	struct onebuf src = {p, n, false};
	struct mrt_reader rd;
	struct mrt_dec d;
	struct mrt_rec rec;
	mrt_reader_init(&rd, onebuf_next, &src, 0);
	mrt_dec_init(&d);
	int r;
	while ((r = mrt_reader_next(&rd, &rec)) > 0) {
		o->max_cap = RW_MAX(o->max_cap, rd.cap);
		if (r == MRT_NEXT_GAP) {
			o->gaps++;
			continue;
		}
		unsigned k = o->nrec < RW_ARRAY_LEN(o->res) ? o->nrec : RW_ARRAY_LEN(o->res) - 1;
		unsigned ne = 0;
		mrt_decode(&d, &rec, count_elem, &ne, &o->res[k]);
		o->rec_elems[k] = ne;
		o->elems += ne;
		o->nrec++;
	}
	o->max_cap = RW_MAX(o->max_cap, rd.cap);
	o->end = r;
	mrt_reader_release(&rd);
	mrt_dec_release(&d);
}

/* ================================================================ control */

/* Not a row: the baseline itself must decode clean, or every "malformed"
 * result below would prove nothing. */
TEST(baseline_valid_update)
{
	struct obuf at = {0}, m = {0};
	base_attrs(&at);
	upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	CHECK_INT(m.len, 47);
	CHECK(m.len == sizeof baseline && !memcmp(obuf_data(&m), baseline, sizeof baseline));
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_NONE);
	CHECK_INT(r.u.attrs.n_errors, 0);
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_ORIGIN) && bgp_has(&r.u.attrs, BGP_ATTR_AS_PATH) &&
	      bgp_has(&r.u.attrs, BGP_ATTR_NEXT_HOP));
	CHECK_STR(path_str(&r.u.attrs), "65001");
	CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
	ures_free(&r);
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, A_BASE);
	CHECK_INT(t.rec_errors, 0);
	tdump_free(&t);
	obuf_release(&at);
	obuf_release(&m);
}

/* ================================================================ A. UPDATE */

TEST(U01_tal_past_message)
{
	struct obuf at = {0}, m = {0}, f = {0};
	base_attrs(&at);
	/* (a) TAL = 1000 (hex) with the baseline's 20 attribute bytes and NLRI:
	 * 47-byte message, WL + TAL + 23 > length */
	upd_build(&m, &at, 0x1000, NLRI, sizeof NLRI);
	CHECK_INT(m.len, 47);
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_RESET);
	CHECK_INT(r.u.attrs.err_attr, 0);
	CHECK(has_str(r.u.attrs.err_msg, "total path attribute length"));
	CHECK_INT(r.u.attrs.valid, 0); /* nothing was decoded from it */
	CHECK(!r.u.attrs.path_ok);
	CHECK(!r.u.eor);
	ures_free(&r);

	/* (b) TAL 4096 with only 16 bytes of data after it */
	struct obuf at16 = {0};
	obuf_write(&at16, obuf_data(&at), 16);
	struct obuf m2 = {0};
	upd_build(&m2, &at16, 4096, NULL, 0);
	CHECK_INT(m2.len, 19 + 4 + 16);
	udec(&r, &m2, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_RESET);
	CHECK_INT(r.u.attrs.valid, 0);
	ures_free(&r);

	/* In the reader: unparseable, no routes, and the next record is read. */
	put_msg(&f, &m, true);
	put_msg(&f, &m2, true);
	struct obuf ok = {0};
	obuf_write(&ok, baseline, sizeof baseline);
	put_msg(&f, &ok, true);
	struct tdump t;
	tdump_run(&t, obuf_data(&f), f.len, 0, false, false);
	CHECK_STR(t.text, A_BASE);
	CHECK_INT(t.records, 3);
	CHECK_INT(t.unparseable, 2);
	CHECK_INT(t.gaps, 0);
	tdump_free(&t);
	obuf_release(&at);
	obuf_release(&at16);
	obuf_release(&m);
	obuf_release(&m2);
	obuf_release(&ok);
	obuf_release(&f);
}

TEST(U03_attr_len_past_tal)
{
	/* NEXT_HOP length byte 0x30 (48) while TAL stays 0x14 */
	struct obuf at = {0}, m = {0};
	CAT(&at, ORIGIN_IGP);
	CAT(&at, AS_PATH4);
	BYTES(&at, 0x40, 0x03, 0x30, 0xc0, 0x00, 0x02, 0x01);
	upd_build(&m, &at, 0x14, NLRI, sizeof NLRI);
	CHECK_INT(m.len, 47);
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_WITHDRAW);
	CHECK_INT(r.u.attrs.err_attr, BGP_ATTR_NEXT_HOP);
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_ORIGIN));
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_AS_PATH));
	CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_NEXT_HOP));
	/* TAL locates the NLRI: it is intact and gets withdrawn */
	CHECK_INT(r.u.nlri_len, 4);
	CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
	ures_free(&r);
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, W_BASE);
	CHECK_INT(t.taw, 1);
	tdump_free(&t);
	obuf_release(&at);
	obuf_release(&m);
}

TEST(U04_short_attr_header)
{
	/* a dangling "40 05" after the attributes, TAL bumped by 2 */
	struct obuf at = {0}, m = {0};
	base_attrs(&at);
	BYTES(&at, 0x40, 0x05);
	upd_build(&m, &at, 0x16, NLRI, sizeof NLRI);
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_WITHDRAW);
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_ORIGIN) && bgp_has(&r.u.attrs, BGP_ATTR_AS_PATH) &&
	      bgp_has(&r.u.attrs, BGP_ATTR_NEXT_HOP));
	CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_LOCAL_PREF));
	CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
	ures_free(&r);
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, W_BASE);
	CHECK_INT(t.taw, 1);
	tdump_free(&t);

	/* Extended Length needs 4 header bytes: "50 05 00" (3 left) is short too */
	struct obuf at2 = {0};
	base_attrs(&at2);
	BYTES(&at2, 0x50, 0x05, 0x00);
	upd_build(&m, &at2, 0x17, NLRI, sizeof NLRI);
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_WITHDRAW);
	CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_LOCAL_PREF));
	CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
	ures_free(&r);
	obuf_release(&at);
	obuf_release(&at2);
	obuf_release(&m);
}

TEST(U05_extended_length_flag)
{
	/* AS_PATH as 50 02 0006 02 01 0000FDE9 (T + ExtLen, 2-byte length) */
	struct obuf at = {0}, m = {0};
	CAT(&at, ORIGIN_IGP);
	BYTES(&at, 0x50, 0x02, 0x00, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9);
	CAT(&at, NEXT_HOP);
	upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	CHECK_INT(m.len, 48); /* TAL 0x15 */
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_NONE);
	CHECK_INT(r.u.attrs.n_errors, 0);
	CHECK_INT(r.u.attrs.n_attrs, 3);
	CHECK_STR(path_str(&r.u.attrs), "65001");
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_NEXT_HOP) && !memcmp(r.u.attrs.nexthop, NH_192_0_2_1, 4));
	CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
	ures_free(&r);
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, A_BASE);
	tdump_free(&t);

	/* ExtLen on every short attribute is legal too */
	struct obuf at2 = {0};
	BYTES(&at2, 0x50, 0x01, 0x00, 0x01, 0x00);
	BYTES(&at2, 0x50, 0x02, 0x00, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9);
	BYTES(&at2, 0x50, 0x03, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x01);
	upd_build(&m, &at2, TAL_AUTO, NLRI, sizeof NLRI);
	udec(&r, &m, 4);
	CHECK_INT(r.u.attrs.action, BGP_ACT_NONE);
	CHECK_INT(r.u.attrs.origin, 0);
	CHECK_STR(path_str(&r.u.attrs), "65001");
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_NEXT_HOP) && !memcmp(r.u.attrs.nexthop, NH_192_0_2_1, 4));
	ures_free(&r);
	obuf_release(&at);
	obuf_release(&at2);
	obuf_release(&m);
}

TEST(U06_flags_conflict_well_known)
{
	/* ORIGIN as 80 01 01 00: Optional bit on a well-known attribute */
	struct obuf at = {0}, m = {0};
	BYTES(&at, 0x80, 0x01, 0x01, 0x00);
	CAT(&at, AS_PATH4);
	CAT(&at, NEXT_HOP);
	upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	CHECK_INT(m.len, 47);
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_WITHDRAW);
	CHECK_INT(r.u.attrs.err_attr, BGP_ATTR_ORIGIN);
	CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_ORIGIN));
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_AS_PATH) && bgp_has(&r.u.attrs, BGP_ATTR_NEXT_HOP));
	CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
	ures_free(&r);
	/* later stages (element building, formatting) must not trip on it */
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, W_BASE);
	CHECK_INT(t.taw, 1);
	tdump_free(&t);
	obuf_release(&at);
	obuf_release(&m);
}

TEST(U09_as_path_count_overrun)
{
	/* 40 02 06 02 FF 0000FDE9: count 255, 4 bytes of ASNs */
	struct obuf at = {0}, m = {0};
	CAT(&at, ORIGIN_IGP);
	BYTES(&at, 0x40, 0x02, 0x06, 0x02, 0xff, 0x00, 0x00, 0xfd, 0xe9);
	CAT(&at, NEXT_HOP);
	upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	CHECK_INT(m.len, 47);
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_WITHDRAW);
	CHECK_INT(r.u.attrs.err_attr, BGP_ATTR_AS_PATH);
	CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_AS_PATH));
	CHECK(!r.u.attrs.path_ok);
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_NEXT_HOP)); /* the walk went on */
	ures_free(&r);
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, W_BASE);
	tdump_free(&t);
	obuf_release(&at);
	obuf_release(&m);
}

TEST(U10_as_path_bad_segment)
{
	struct obuf at = {0}, m = {0};
	struct ures r;
	/* (a) zero-length segment 40 02 02 02 00 (TAL 0x10) */
	CAT(&at, ORIGIN_IGP);
	BYTES(&at, 0x40, 0x02, 0x02, 0x02, 0x00);
	CAT(&at, NEXT_HOP);
	upd_build(&m, &at, 0x10, NLRI, sizeof NLRI);
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_WITHDRAW);
	CHECK_INT(r.u.attrs.err_attr, BGP_ATTR_AS_PATH);
	CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_AS_PATH));
	CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
	ures_free(&r);
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, W_BASE);
	tdump_free(&t);

	/* (b) unknown segment type 7: 40 02 06 07 01 0000FDE9 */
	at.len = 0;
	CAT(&at, ORIGIN_IGP);
	BYTES(&at, 0x40, 0x02, 0x06, 0x07, 0x01, 0x00, 0x00, 0xfd, 0xe9);
	CAT(&at, NEXT_HOP);
	upd_build(&m, &at, 0x14, NLRI, sizeof NLRI);
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_WITHDRAW);
	CHECK_INT(r.u.attrs.err_attr, BGP_ATTR_AS_PATH);
	CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_AS_PATH));
	ures_free(&r);
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, W_BASE);
	tdump_free(&t);
	obuf_release(&at);
	obuf_release(&m);
}

/* An ExtLen AS_PATH of nseg AS_SEQUENCEs of 255 ASNs each (100001, ...)
 * with baseline ORIGIN/NEXT_HOP/NLRI; *want gets the path text. */
static void long_path_update(struct obuf *m, unsigned nseg, char **want)
{
	struct obuf at = {0};
	CAT(&at, ORIGIN_IGP);
	size_t vlen = (size_t)nseg * (2 + 255 * 4);
	uint8_t h[4] = {0x50, 0x02};
	wr16(h + 2, (uint16_t)vlen);
	obuf_write(&at, h, 4);
	size_t cap = (size_t)nseg * 255 * 8 + 1, n = 0;
	*want = malloc(cap);
	uint32_t asn = 100001;
	for (unsigned s = 0; s < nseg; s++) {
		uint8_t sh[2] = {BGP_SEG_SEQUENCE, 255};
		obuf_write(&at, sh, 2);
		for (unsigned i = 0; i < 255; i++, asn++) {
			uint8_t v[4];
			wr32(v, asn);
			obuf_write(&at, v, 4);
			n += (size_t)snprintf(*want + n, cap - n, "%s%u", n ? " " : "", asn);
		}
	}
	CAT(&at, NEXT_HOP);
	upd_build(m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	obuf_release(&at);
}

TEST(U12_very_long_as_path)
{
	/* 3 segments of 255 ASes: a 3 066-byte ExtLen AS_PATH in a 4096 message */
	struct obuf m = {0};
	char *want;
	long_path_update(&m, 3, &want);
	CHECK_INT(rd16(obuf_data(&m) + 19 + 4 + 4 + 2), 3066); /* AS_PATH length */
	CHECK(m.len <= BGP_MAX_LEN);
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_NONE);
	CHECK(r.u.attrs.path_ok);
	CHECK_INT(r.u.attrs.path.nseg, 3);
	CHECK_INT(r.u.attrs.path.nasn, 765);
	CHECK_INT(bgp_path_count(&r.u.attrs.path), 765);
	if (r.u.attrs.path_ok && r.u.attrs.path.nasn == 765) {
		CHECK_INT(r.u.attrs.path.asn[0], 100001);
		CHECK_INT(r.u.attrs.path.asn[764], 100765);
		CHECK_INT(r.u.attrs.path.seg_len[2], 255);
	}
	CHECK_STR(path_str(&r.u.attrs), want);
	ures_free(&r);
	/* printed whole, never truncated */
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_INT(tlines(t.text), 1);
	CHECK(has_str(t.text, "|A|198.51.100.9|65001|198.51.100.0/24|"));
	CHECK(has_str(t.text, want));
	tdump_free(&t);
	free(want);

	/* 20 segments (5 100 ASes, 20 440-byte attribute) in an RFC 8654
	 * extended message inside MRT */
	long_path_update(&m, 20, &want);
	CHECK(m.len > BGP_MAX_LEN);
	udec(&r, &m, 4);
	CHECK_INT(r.u.attrs.action, BGP_ACT_NONE);
	CHECK_INT(r.u.attrs.path.nasn, 5100);
	CHECK_STR(path_str(&r.u.attrs), want);
	ures_free(&r);
	via_mrt(&t, &m, true);
	CHECK_INT(tlines(t.text), 1);
	CHECK(has_str(t.text, want));
	tdump_free(&t);
	free(want);
	obuf_release(&m);
}

TEST(U14_next_hop_bad_length)
{
	struct obuf at = {0}, m = {0};
	struct ures r;
	struct tdump t;
	/* (a) 40 03 00 (TAL 0x10), (b) 40 03 03 C00002 (TAL 0x13) */
	for (int k = 0; k < 2; k++) {
		at.len = 0;
		CAT(&at, ORIGIN_IGP);
		CAT(&at, AS_PATH4);
		if (k == 0)
			BYTES(&at, 0x40, 0x03, 0x00);
		else
			BYTES(&at, 0x40, 0x03, 0x03, 0xc0, 0x00, 0x02);
		upd_build(&m, &at, k == 0 ? 0x10 : 0x13, NLRI, sizeof NLRI);
		udec(&r, &m, 4);
		CHECK_INT(r.rc, 0);
		CHECK_INT(r.u.attrs.action, BGP_ACT_WITHDRAW);
		CHECK_INT(r.u.attrs.err_attr, BGP_ATTR_NEXT_HOP);
		CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_NEXT_HOP));
		CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
		ures_free(&r);
		via_mrt(&t, &m, true);
		CHECK_STR(t.text, W_BASE);
		tdump_free(&t);
	}
	obuf_release(&at);
	obuf_release(&m);
}

TEST(U17_community_lengths)
{
	static const struct {
		uint8_t type;
		uint8_t bytes[5];
		uint8_t n;
	} bad[] = {
		{BGP_ATTR_COMMUNITIES, {0xc0, 0x08, 0x02, 0x00, 0x01}, 5},       /* % 4 */
		{BGP_ATTR_COMMUNITIES, {0xc0, 0x08, 0x00}, 3},                   /* length 0 */
		{BGP_ATTR_EXT_COMMUNITIES, {0xc0, 0x10, 0x02, 0x00, 0x01}, 5},   /* % 8 */
		{BGP_ATTR_LARGE_COMMUNITIES, {0xc0, 0x20, 0x02, 0x00, 0x01}, 5}, /* % 12 */
		{BGP_ATTR_IPV6_EXT_COMMUNITIES, {0xc0, 0x19, 0x02, 0x00, 0x01}, 5}, /* % 20 */
		{BGP_ATTR_CLUSTER_LIST, {0x80, 0x0a, 0x02, 0x00, 0x01}, 5},     /* % 4 */
	};
	struct obuf at = {0}, m = {0};
	struct ures r;
	for (size_t i = 0; i < RW_ARRAY_LEN(bad); i++) {
		at.len = 0;
		base_attrs(&at);
		obuf_write(&at, bad[i].bytes, bad[i].n);
		upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
		udec(&r, &m, 4);
		CHECK_INT(r.rc, 0);
		CHECK_INT(r.u.attrs.action, BGP_ACT_WITHDRAW);
		CHECK_INT(r.u.attrs.err_attr, bad[i].type);
		CHECK(!bgp_has(&r.u.attrs, bad[i].type));
		CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
		ures_free(&r);
	}
	/* end to end with the first vector: C0 08 02 0001 */
	at.len = 0;
	base_attrs(&at);
	BYTES(&at, 0xc0, 0x08, 0x02, 0x00, 0x01);
	upd_build(&m, &at, 0x19, NLRI, sizeof NLRI);
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, W_BASE);
	CHECK_INT(t.taw, 1);
	tdump_free(&t);
	/* control: a well-formed COMMUNITIES (65001:100) is kept */
	at.len = 0;
	base_attrs(&at);
	BYTES(&at, 0xc0, 0x08, 0x04, 0xfd, 0xe9, 0x00, 0x64);
	upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	udec(&r, &m, 4);
	CHECK_INT(r.u.attrs.action, BGP_ACT_NONE);
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_COMMUNITIES));
	ures_free(&r);
	obuf_release(&at);
	obuf_release(&m);
}

TEST(U18_as4_attrs_malformed)
{
	struct obuf at = {0}, m = {0};
	struct ures r;
	struct tdump t;
	/* (a) 2-byte session, AS4_PATH C0 11 02 0001 (len 2): attribute discard */
	base_attrs2(&at);
	BYTES(&at, 0xc0, 0x11, 0x02, 0x00, 0x01);
	upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	udec(&r, &m, 2);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_DISCARD);
	CHECK_INT(r.u.attrs.err_attr, BGP_ATTR_AS4_PATH);
	CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_AS4_PATH));
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_AS_PATH));
	CHECK(!r.u.attrs.as4_merged);
	CHECK_STR(path_str(&r.u.attrs), "65001");
	ures_free(&r);
	via_mrt(&t, &m, false); /* BGP4MP_MESSAGE (subtype 1): 2-byte ASNs */
	CHECK_STR(t.text, A_BASE);
	CHECK_INT(t.discard, 1);
	tdump_free(&t);

	/* (b) AS4_PATH with 3 ASNs while AS_PATH has 1: AS4_PATH ignored */
	at.len = 0;
	base_attrs2(&at);
	BYTES(&at, 0xc0, 0x11, 0x0e, 0x02, 0x03, 0x00, 0x01, 0xe2, 0x40, 0x00, 0x01, 0xe2, 0x41, 0x00,
	      0x01, 0xe2, 0x42);
	upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	udec(&r, &m, 2);
	CHECK(r.u.attrs.action <= BGP_ACT_DISCARD);
	CHECK(!r.u.attrs.as4_merged);
	CHECK_STR(path_str(&r.u.attrs), "65001");
	ures_free(&r);
	via_mrt(&t, &m, false);
	CHECK_STR(t.text, A_BASE);
	tdump_free(&t);

	/* (c) AS4_PATH on a 4-byte session: ignored */
	at.len = 0;
	base_attrs(&at);
	BYTES(&at, 0xc0, 0x11, 0x06, 0x02, 0x01, 0x00, 0x01, 0xe2, 0x40);
	upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	udec(&r, &m, 4);
	CHECK(r.u.attrs.action <= BGP_ACT_DISCARD);
	CHECK(!r.u.attrs.as4_merged);
	CHECK_STR(path_str(&r.u.attrs), "65001");
	ures_free(&r);

	/* (d) AS4_AGGREGATOR of length 2 on a 2-byte session: attribute discard */
	at.len = 0;
	base_attrs2(&at);
	BYTES(&at, 0xc0, 0x12, 0x02, 0x00, 0x01);
	upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	udec(&r, &m, 2);
	CHECK_INT(r.u.attrs.action, BGP_ACT_DISCARD);
	CHECK_INT(r.u.attrs.err_attr, BGP_ATTR_AS4_AGGREGATOR);
	CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_AS4_AGGREGATOR));
	CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
	ures_free(&r);

	/* control: AS_PATH AS_TRANS + AS4_PATH 123456 merges on a 2-byte session */
	at.len = 0;
	CAT(&at, ORIGIN_IGP);
	BYTES(&at, 0x40, 0x02, 0x04, 0x02, 0x01, 0x5b, 0xa0);
	CAT(&at, NEXT_HOP);
	BYTES(&at, 0xc0, 0x11, 0x06, 0x02, 0x01, 0x00, 0x01, 0xe2, 0x40);
	upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	udec(&r, &m, 2);
	CHECK_INT(r.u.attrs.action, BGP_ACT_NONE);
	CHECK(r.u.attrs.as4_merged);
	CHECK_STR(path_str(&r.u.attrs), "123456");
	ures_free(&r);
	obuf_release(&at);
	obuf_release(&m);
}

/* An IPv6 MP_REACH (2001:db8::1, NLRI 2001:db8:1::/48) and an empty IPv4
 * MP_UNREACH, for the duplicate-MP vectors. */
#define MP_REACH_V6                                                                          \
	0x80, 0x0e, 0x1c, 0x00, 0x02, 0x01, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, \
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x30, 0x20, 0x01, 0x0d,    \
		0xb8, 0x00, 0x01
#define MP_UNREACH_V4_EMPTY 0x80, 0x0f, 0x03, 0x00, 0x01, 0x01

TEST(U19_duplicate_attribute)
{
	/* baseline + 40 05 04 00000064 + 40 05 04 000000C8 */
	struct obuf at = {0}, m = {0};
	base_attrs(&at);
	BYTES(&at, 0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0x64);
	BYTES(&at, 0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0xc8);
	upd_build(&m, &at, 0x22, NLRI, sizeof NLRI);
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_DISCARD); /* later copy discarded */
	CHECK_INT(r.u.attrs.err_attr, BGP_ATTR_LOCAL_PREF);
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_LOCAL_PREF));
	CHECK_INT(r.u.attrs.local_pref, 100); /* the first one */
	CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
	ures_free(&r);
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_STR(t.text,
		  "BGP4MP|1506848871|A|198.51.100.9|65001|198.51.100.0/24|65001|IGP|192.0.2.1|100|0||NAG||\n");
	tdump_free(&t);

	/* duplicate MP_UNREACH, then duplicate MP_REACH: session reset /
	 * unparseable, no routes at all */
	for (int k = 0; k < 2; k++) {
		at.len = 0;
		base_attrs(&at);
		if (k == 0) {
			BYTES(&at, MP_UNREACH_V4_EMPTY);
			BYTES(&at, MP_UNREACH_V4_EMPTY);
		} else {
			BYTES(&at, MP_REACH_V6);
			BYTES(&at, MP_REACH_V6);
		}
		upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
		udec(&r, &m, 4);
		CHECK_INT(r.rc, 0);
		CHECK_INT(r.u.attrs.action, BGP_ACT_RESET);
		CHECK_INT(r.u.attrs.err_attr, k == 0 ? BGP_ATTR_MP_UNREACH : BGP_ATTR_MP_REACH);
		ures_free(&r);
		via_mrt(&t, &m, true);
		CHECK_STR(t.text, "");
		CHECK_INT(t.unparseable, 1);
		tdump_free(&t);
	}
	obuf_release(&at);
	obuf_release(&m);
}

TEST(U20_missing_mandatory_attrs)
{
	/* TAL=0005: C0 1F 02 0102 (an unknown transitive only), plus NLRI */
	struct obuf at = {0}, m = {0};
	BYTES(&at, 0xc0, 0x1f, 0x02, 0x01, 0x02);
	upd_build(&m, &at, 0x05, NLRI, sizeof NLRI);
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_WITHDRAW);
	CHECK(has_str(r.u.attrs.err_msg, "missing"));
	CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_ORIGIN));
	CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_AS_PATH));
	CHECK(!r.u.attrs.path_ok);
	CHECK_INT(r.u.attrs.n_unknown, 1);
	CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
	ures_free(&r);
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, W_BASE);
	CHECK_INT(t.taw, 1);
	tdump_free(&t);
	obuf_release(&at);
	obuf_release(&m);
}

TEST(U22_unknown_optional_transitive_huge)
{
	/* The table writes "E0 FE 0FF0 <4080 bytes> (Partial+ExtLen)", but E0
	 * (Optional+Transitive+Partial) lacks the Extended Length bit 0x10:
	 * read as written, the length is the single byte 0F. The row means
	 * Optional+Transitive+Partial+ExtLen = F0, which is built here:
	 * F0 FE 0FF0 <4080 bytes>, put first. Its value is filled with
	 * "40 01 01 02" (ORIGIN INCOMPLETE), so a walker that read a 1-byte
	 * length would find a bogus ORIGIN. The message (4 131 bytes) needs
	 * RFC 8654 extended messages. */
	struct obuf at = {0}, m = {0};
	BYTES(&at, 0xf0, 0xfe, 0x0f, 0xf0);
	for (int i = 0; i < 4080 / 4; i++)
		BYTES(&at, 0x40, 0x01, 0x01, 0x02);
	base_attrs(&at);
	upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	CHECK_INT(m.len, 19 + 4 + 4 + 4080 + 20 + 4);
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_NONE);
	CHECK_INT(r.u.attrs.n_errors, 0);
	CHECK_INT(r.u.attrs.n_unknown, 1);
	CHECK_INT(r.u.attrs.n_attrs, 4);
	CHECK_INT(r.u.attrs.origin, 0);
	CHECK_STR(path_str(&r.u.attrs), "65001");
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_NEXT_HOP) && !memcmp(r.u.attrs.nexthop, NH_192_0_2_1, 4));
	CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
	/* the decoder only borrows: the raw bytes are intact */
	CHECK(!memcmp(r.copy, obuf_data(&m), m.len));
	ures_free(&r);
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, A_BASE);
	tdump_free(&t);

	/* unknown *well-known* type (Optional=0): a collector logs and keeps */
	at.len = 0;
	base_attrs(&at);
	BYTES(&at, 0x40, 0xfe, 0x02, 0x01, 0x02);
	upd_build(&m, &at, TAL_AUTO, NLRI, sizeof NLRI);
	udec(&r, &m, 4);
	CHECK(r.u.attrs.action < BGP_ACT_WITHDRAW);
	CHECK_INT(r.u.attrs.n_unknown, 1);
	CHECK_STR(path_str(&r.u.attrs), "65001");
	ures_free(&r);
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, A_BASE);
	tdump_free(&t);
	obuf_release(&at);
	obuf_release(&m);
}

TEST(U24_nlri_prefix_len_too_long)
{
	static const uint8_t len200[] = {0xc8, 0x0a, 0x00, 0x00, 0x00};
	uint8_t len200_full[26] = {0xc8, 0x0a}; /* all 25 bytes of a /200 present */
	static const uint8_t len33[] = {0x21, 0x0a, 0x00, 0x00, 0x01};
	static const uint8_t good_then_33[] = {0x18, 0xc6, 0x33, 0x64, 0x21, 0x0a, 0x00, 0x00, 0x01};
	const struct {
		const uint8_t *p;
		size_t n;
		size_t intact; /* bytes of whole prefixes before the bad one */
	} v[] = {
		{len200, sizeof len200, 0},
		{len200_full, sizeof len200_full, 0},
		{len33, sizeof len33, 0},
		{good_then_33, sizeof good_then_33, 4},
	};
	struct obuf at = {0}, m = {0}, f = {0};
	base_attrs(&at);
	for (size_t i = 0; i < RW_ARRAY_LEN(v); i++) {
		upd_build(&m, &at, 0x14, v[i].p, v[i].n);
		struct ures r;
		udec(&r, &m, 4);
		CHECK_INT(r.rc, 0);
		CHECK_INT(r.u.attrs.action, BGP_ACT_RESET);
		CHECK_INT(r.u.attrs.err_attr, 0);
		CHECK(has_str(r.u.attrs.err_msg, "NLRI"));
		/* a length beyond the family puts the whole field's framing in
		 * doubt: nothing of it is salvaged, not even for dump */
		CHECK(!r.u.attrs.reset_nlri_only);
		CHECK_INT(r.u.nlri_len, v[i].intact);
		ures_free(&r);
		/* MRT: unparseable, no routes (no 0.0.0.0/0 made up either) */
		struct tdump t;
		via_mrt(&t, &m, true);
		CHECK_STR(t.text, "");
		CHECK_INT(t.unparseable, 1);
		tdump_free(&t);
		put_msg(&f, &m, true);
	}
	/* the records after an unparseable UPDATE are read */
	struct obuf ok = {0};
	obuf_write(&ok, baseline, sizeof baseline);
	put_msg(&f, &ok, true);
	struct tdump t;
	tdump_run(&t, obuf_data(&f), f.len, 0, false, false);
	CHECK_STR(t.text, A_BASE);
	CHECK_INT(t.records, RW_ARRAY_LEN(v) + 1);
	tdump_free(&t);
	obuf_release(&ok);
	obuf_release(&f);
	obuf_release(&at);
	obuf_release(&m);
}

TEST(U25_nlri_prefix_overrun)
{
	/* last NLRI 18 C633: needs 3 bytes, has 2; TAL consistent */
	static const uint8_t nlri[] = {0x18, 0xc6, 0x33, 0x64, 0x18, 0xc6, 0x33};
	struct obuf at = {0}, m = {0};
	base_attrs(&at);
	upd_build(&m, &at, 0x14, nlri, sizeof nlri);
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_RESET);
	CHECK(has_str(r.u.attrs.err_msg, "NLRI"));
	CHECK(r.u.attrs.reset_nlri_only);
	CHECK_INT(r.u.nlri_len, 4); /* cut to the intact prefix */
	ures_free(&r);
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, "");
	CHECK_INT(t.unparseable, 1);
	tdump_free(&t);
	/* bgpdump-compatible salvage (opt-in) keeps the intact leading prefix */
	struct obuf f = {0};
	put_msg(&f, &m, true);
	tdump_run(&t, obuf_data(&f), f.len, 0, false, true);
	CHECK_STR(t.text, A_BASE);
	tdump_free(&t);
	/* the only prefix overruns: 18 C633 alone */
	upd_build(&m, &at, 0x14, nlri + 4, 3);
	udec(&r, &m, 4);
	CHECK_INT(r.u.attrs.action, BGP_ACT_RESET);
	CHECK_INT(r.u.nlri_len, 0);
	ures_free(&r);
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, "");
	tdump_free(&t);
	obuf_release(&f);
	obuf_release(&at);
	obuf_release(&m);
}

TEST(U27_addpath_ambiguity)
{
	static const uint8_t with_id[] = {0x00, 0x00, 0x00, 0x01, 0x18, 0xc6, 0x33, 0x64};
	struct obuf at = {0}, m = {0};
	struct ures r;
	base_attrs(&at);

	/* (a) path id present, ADD-PATH not negotiated (live: no guessing).
	 * Read plainly it is 0/0 0/0 0/0 0/1 then length 198: unparseable,
	 * never a 0.0.0.0/0 route. */
	upd_build(&m, &at, 0x14, with_id, sizeof with_id);
	struct bgp_ctx live = {.asn_size = 4};
	udec_ctx(&r, obuf_data(&m), m.len, &live);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_RESET);
	CHECK(!r.u.attrs.addpath_guessed);
	ures_free(&r);
	/* negotiated: the same bytes are one prefix with path id 1 */
	struct bgp_ctx ap = {.asn_size = 4, .addpath = true};
	udec_ctx(&r, obuf_data(&m), m.len, &ap);
	CHECK_INT(r.u.attrs.action, BGP_ACT_NONE);
	CHECK_STR(nlri_str(&r.u), "198.51.100.0/24");
	ures_free(&r);
	/* MRT subtype 4 says no ADD-PATH: a retry with path ids must be
	 * flagged, and nothing like 0.0.0.0/0 may come out */
	struct tdump t;
	via_mrt(&t, &m, true);
	CHECK(!has_str(t.text, "0.0.0.0/"));
	CHECK(t.notes + t.taw + t.unparseable >= 1);
	if (t.unparseable == 0) /* a flagged retry: the real prefix */
		CHECK_STR(t.text, A_BASE);
	tdump_free(&t);

	/* (b) plain NLRI where ADD-PATH is signalled */
	upd_build(&m, &at, 0x14, NLRI, sizeof NLRI);
	udec_ctx(&r, obuf_data(&m), m.len, &ap);
	CHECK_INT(r.u.attrs.action, BGP_ACT_RESET);
	ures_free(&r);
	struct obuf f = {0};
	struct mrt_bgp4mp_hdr h = H(true);
	h.addpath = true; /* BGP4MP_MESSAGE_AS4_ADDPATH (RFC 8050) */
	mrt_write_bgp_msg(&f, &h, obuf_data(&m), m.len);
	CHECK_INT(rd16(obuf_data(&f) + 6), MRT_MESSAGE_AS4_ADDPATH);
	tdump_run(&t, obuf_data(&f), f.len, 0, false, false);
	CHECK(!has_str(t.text, "0.0.0.0/"));
	CHECK(t.notes + t.taw + t.unparseable >= 1);
	if (t.unparseable == 0)
		CHECK_STR(t.text, "BGP4MP_AP|1506848871|A|198.51.100.9|65001|198.51.100.0/24|0|65001|IGP|192.0.2.1|0|0||NAG||\n");
	tdump_free(&t);
	obuf_release(&f);
	obuf_release(&at);
	obuf_release(&m);
}

TEST(U28_attr_scan_bounded_by_tal)
{
	/* NLRI 40.0.0.0/8 = "08 28" reads like an attribute header of type
	 * 40 (Prefix-SID), then 40.1.0.0/16 and 198.51.100.0/24 */
	static const uint8_t nlri[] = {0x08, 0x28, 0x10, 0x28, 0x01, 0x18, 0xc6, 0x33, 0x64};
	struct obuf at = {0}, m = {0};
	base_attrs(&at);
	upd_build(&m, &at, 0x14, nlri, sizeof nlri);
	struct ures r;
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_NONE);
	CHECK_INT(r.u.attrs.n_attrs, 3);
	CHECK_INT(r.u.attrs.n_unknown, 0);
	CHECK(!((r.u.attrs.seen >> 40) & 1));
	CHECK_INT(r.u.nlri_len, sizeof nlri);
	CHECK_STR(nlri_str(&r.u), "40.0.0.0/8 40.1.0.0/16 198.51.100.0/24");
	ures_free(&r);
	struct tdump t;
	via_mrt(&t, &m, true);
	char want[512];
	snprintf(want, sizeof want, "%s%s%s",
		 "BGP4MP|1506848871|A|198.51.100.9|65001|40.0.0.0/8|65001|IGP|192.0.2.1|0|0||NAG||\n",
		 "BGP4MP|1506848871|A|198.51.100.9|65001|40.1.0.0/16|65001|IGP|192.0.2.1|0|0||NAG||\n", A_BASE);
	CHECK_STR(t.text, want);
	tdump_free(&t);
	obuf_release(&at);
	obuf_release(&m);
}

/* ================================================================ B. MP-BGP */

TEST(M01_mp_reach_nexthop_len)
{
	struct obuf at = {0}, m = {0};
	struct ures r;
	struct tdump t;
	/* 90 0E 0011 0002 01 05 <5 bytes NH> 00 30 20010DB8 0000 */
	CAT(&at, ORIGIN_IGP);
	CAT(&at, AS_PATH4);
	BYTES(&at, 0x90, 0x0e, 0x00, 0x11, 0x00, 0x02, 0x01, 0x05, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
	      0x30, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00);
	upd_build(&m, &at, TAL_AUTO, NULL, 0);
	udec(&r, &m, 4);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.u.attrs.action, BGP_ACT_RESET);
	CHECK_INT(r.u.attrs.err_attr, BGP_ATTR_MP_REACH);
	CHECK(!bgp_has(&r.u.attrs, BGP_ATTR_MP_REACH));
	ures_free(&r);
	via_mrt(&t, &m, true);
	CHECK_STR(t.text, "");
	CHECK_INT(t.unparseable, 1);
	tdump_free(&t);

	/* NH length 32 with 4 bytes left: checked before copying */
	at.len = 0;
	CAT(&at, ORIGIN_IGP);
	CAT(&at, AS_PATH4);
	BYTES(&at, 0x80, 0x0e, 0x08, 0x00, 0x02, 0x01, 0x20, 0x20, 0x01, 0x0d, 0xb8);
	upd_build(&m, &at, TAL_AUTO, NULL, 0);
	udec(&r, &m, 4);
	CHECK_INT(r.u.attrs.action, BGP_ACT_RESET);
	CHECK_INT(r.u.attrs.err_attr, BGP_ATTR_MP_REACH);
	ures_free(&r);

	/* IPv6 unicast with a 4-byte next hop: not in {16, 32} either */
	at.len = 0;
	CAT(&at, ORIGIN_IGP);
	CAT(&at, AS_PATH4);
	BYTES(&at, 0x90, 0x0e, 0x00, 0x10, 0x00, 0x02, 0x01, 0x04, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x30,
	      0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00);
	upd_build(&m, &at, TAL_AUTO, NULL, 0);
	udec(&r, &m, 4);
	CHECK_INT(r.u.attrs.action, BGP_ACT_RESET);
	CHECK_INT(r.u.attrs.err_attr, BGP_ATTR_MP_REACH);
	ures_free(&r);

	/* control: next hop length 16 is read */
	at.len = 0;
	CAT(&at, ORIGIN_IGP);
	CAT(&at, AS_PATH4);
	BYTES(&at, 0x90, 0x0e, 0x00, 0x1c, 0x00, 0x02, 0x01, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0,
	      0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x30, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00);
	upd_build(&m, &at, TAL_AUTO, NULL, 0);
	udec(&r, &m, 4);
	CHECK_INT(r.u.attrs.action, BGP_ACT_NONE);
	CHECK(bgp_has(&r.u.attrs, BGP_ATTR_MP_REACH));
	CHECK_INT(r.u.attrs.reach.nh_len, 16);
	ures_free(&r);
	via_mrt(&t, &m, true);
	CHECK_STR(t.text,
		  "BGP4MP|1506848871|A|198.51.100.9|65001|2001:db8::/48|65001|IGP|2001:db8::1|0|0||NAG||\n");
	tdump_free(&t);
	obuf_release(&at);
	obuf_release(&m);
}

TEST(M05_typed_nlri_bad_inner_length)
{
	/* routewatch turns only (multi/uni)cast IPv4/IPv6 into routes: these
	 * AFI/SAFIs are the "AFI/SAFI disable" case. Whatever is done with
	 * them, decoding stays inside the bytes, no route comes out of them,
	 * and the message is flagged (unsupported, TaW or unparseable). */
	struct obuf v[3] = {{0}};
	/* FlowSpec (1/133), NH length 0, NLRI "00" (length 0) */
	BYTES(&v[0], 0x80, 0x0e, 0x06, 0x00, 0x01, 0x85, 0x00, 0x00, 0x00);
	/* labelled unicast (1/4): label 000010 without bottom-of-stack, then
	 * the field ends (length 32 = label + 8 bits) */
	BYTES(&v[1], 0x80, 0x0e, 0x0e, 0x00, 0x01, 0x04, 0x04, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x20, 0x00,
	      0x00, 0x10, 0x0a);
	/* EVPN (25/70) type 2 with MAC length 0xFF */
	BYTES(&v[2], 0x80, 0x0e, 0x2c, 0x00, 0x19, 0x46, 0x04, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x02, 0x21,
	      0, 0, 0, 0, 0, 0, 0, 0,             /* RD */
	      0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* ESI */
	      0, 0, 0, 0,                         /* Ethernet tag */
	      0xff,                               /* MAC length 255 */
	      0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* MAC */
	      0x00,                               /* IP length */
	      0x00, 0x00, 0x11);                  /* label */
	static const uint16_t afi[] = {1, 1, 25};
	static const uint8_t safi[] = {133, 4, 70};
	for (int k = 0; k < 3; k++) {
		struct obuf at = {0}, m = {0};
		CAT(&at, ORIGIN_IGP);
		CAT(&at, AS_PATH4);
		obuf_write(&at, v[k].buf, v[k].len);
		CHECK_INT(v[k].len, 3 + obuf_data(&v[k])[2]);
		upd_build(&m, &at, TAL_AUTO, NULL, 0);
		struct ures r;
		udec(&r, &m, 4);
		CHECK_INT(r.rc, 0);
		if (bgp_has(&r.u.attrs, BGP_ATTR_MP_REACH)) {
			CHECK_INT(r.u.attrs.reach.afi, afi[k]);
			CHECK_INT(r.u.attrs.reach.safi, safi[k]);
			CHECK(r.u.attrs.reach.nlri >= r.copy && r.u.attrs.reach.nlri + r.u.attrs.reach.nlri_len <= r.copy + r.len);
		}
		ures_free(&r);
		struct tdump t;
		via_mrt(&t, &m, true);
		CHECK_INT(t.elems, 0);
		CHECK(t.unsupported + t.taw + t.unparseable >= 1);
		CHECK_INT(t.rec_errors, 0);
		tdump_free(&t);
		obuf_release(&at);
		obuf_release(&m);
		obuf_release(&v[k]);
	}
}

/* ================================================================ C. OPEN / NOTIFICATION */

TEST(O01_open_optlen_overrun)
{
	/* HDR(001D,01) 04 FDE9 00B4 C0000201 10: OptParmLen 16, nothing follows */
	static const uint8_t open_msg[] = {MARKER, 0x00, 0x1d, 0x01, 0x04, 0xfd, 0xe9, 0x00, 0xb4,
				       0xc0, 0x00, 0x02, 0x01, 0x10};
	CHECK_INT(sizeof open_msg, 0x1d);
	struct bgp_hdr h;
	CHECK_INT(bgp_hdr_decode(open_msg, sizeof open_msg, false, &h), 0);
	CHECK_INT(h.type, BGP_MSG_OPEN);
	size_t bl = sizeof open_msg - BGP_HDR_LEN;
	uint8_t *body = malloc(bl); /* exact size: ASan sees a read past it */
	memcpy(body, open_msg + BGP_HDR_LEN, bl);
	struct bgp_open o;
	CHECK_INT(bgp_open_decode(body, bl, &o), RW_ETRUNC);
	/* the OPEN ends before its length octet */
	CHECK_INT(bgp_open_decode(body, bl - 1, &o), RW_ETRUNC);
	/* a parameter that claims more than OptParmLen holds:
	 * OptParmLen 8, "02 10 41 04 0000FDE9" (param length 16) */
	static const uint8_t body2[] = {0x04, 0xfd, 0xe9, 0x00, 0xb4, 0xc0, 0x00, 0x02, 0x01, 0x08,
					0x02, 0x10, 0x41, 0x04, 0x00, 0x00, 0xfd, 0xe9};
	uint8_t *b2 = malloc(sizeof body2);
	memcpy(b2, body2, sizeof body2);
	CHECK_INT(bgp_open_decode(b2, sizeof body2, &o), RW_ETRUNC);
	/* control: the same with the right parameter length decodes */
	b2[11] = 0x06;
	CHECK_INT(bgp_open_decode(b2, sizeof body2, &o), 0);
	CHECK(o.as4);
	CHECK_INT(o.asn, 65001);
	free(b2);
	free(body);

	/* in MRT: the record is reported, the next one is read */
	struct obuf f = {0}, m = {0}, ok = {0};
	obuf_write(&m, open_msg, sizeof open_msg);
	put_msg(&f, &m, true);
	obuf_write(&ok, baseline, sizeof baseline);
	put_msg(&f, &ok, true);
	struct tdump t;
	tdump_run(&t, obuf_data(&f), f.len, 0, false, false);
	CHECK_INT(t.records, 2);
	CHECK_INT(t.rec_errors, 1);
	CHECK(has_str(t.last_err, "OPEN"));
	CHECK_STR(t.text, A_BASE);
	tdump_free(&t);
	obuf_release(&f);
	obuf_release(&m);
	obuf_release(&ok);
}

struct notif_seen {
	unsigned n;
	struct bgp_notification nt;
};

static int on_notif(void *arg, const struct bgp_elem *e)
{
	struct notif_seen *s = arg;
	if (e->type == BGP_ELEM_MSG && e->msg_type == BGP_MSG_NOTIFICATION && e->msg) {
		s->n++;
		s->nt = *(const struct bgp_notification *)e->msg;
	}
	return 0;
}

TEST(O04_notification_shutdown_bad)
{
	/* HDR(0097,03) 06 02 FF 80 <128 bytes non-UTF8>: Cease/Administrative
	 * Shutdown whose Shutdown Communication claims 255 bytes, 129 present */
	struct obuf m = {0};
	BYTES(&m, MARKER, 0x00, 0x97, 0x03, 0x06, 0x02, 0xff, 0x80);
	for (int i = 0; i < 128; i++) {
		uint8_t b = (uint8_t)(i & 1 ? 0xff : 0xc0 + (i & 0x3f)); /* never valid UTF-8 */
		obuf_write(&m, &b, 1);
	}
	CHECK_INT(m.len, 0x97);
	size_t bl = m.len - BGP_HDR_LEN;
	uint8_t *body = malloc(bl);
	memcpy(body, obuf_data(&m) + BGP_HDR_LEN, bl);
	struct bgp_notification n;
	CHECK_INT(bgp_notification_decode(body, bl, &n), 0);
	CHECK_INT(n.code, 6);
	CHECK_INT(n.subcode, 2);
	CHECK(n.data == body + 2);
	CHECK_INT(n.data_len, 130); /* capped at what is there, not 1 + 255 */
	CHECK_STR(bgp_notification_name(n.code), "Cease");
	/* shorter than code + subcode */
	CHECK_INT(bgp_notification_decode(body, 1, &n), RW_ETRUNC);
	CHECK_INT(bgp_notification_decode(body, 0, &n), RW_ETRUNC);
	free(body);

	/* through MRT with message elements on */
	struct obuf f = {0};
	put_msg(&f, &m, true);
	struct onebuf src = {obuf_data(&f), f.len, false};
	struct mrt_reader rd;
	struct mrt_dec d;
	struct mrt_rec rec;
	struct mrt_result res;
	struct notif_seen seen = {0};
	mrt_reader_init(&rd, onebuf_next, &src, 0);
	mrt_dec_init(&d);
	d.want_msgs = true;
	CHECK_INT(mrt_reader_next(&rd, &rec), MRT_NEXT_REC);
	mrt_decode(&d, &rec, on_notif, &seen, &res);
	CHECK_INT(res.err, 0);
	CHECK_INT(seen.n, 1);
	CHECK_INT(seen.nt.code, 6);
	CHECK_INT(seen.nt.data_len, 130);
	mrt_reader_release(&rd);
	mrt_dec_release(&d);
	/* and printed: no line in bgpdump text, no record error */
	struct tdump t;
	tdump_run(&t, obuf_data(&f), f.len, 0, false, false);
	CHECK_STR(t.text, "");
	CHECK_INT(t.rec_errors, 0);
	tdump_free(&t);
	obuf_release(&f);
	obuf_release(&m);
}

/* ================================================================ D. MRT files */

/* n BGP4MP_MESSAGE_AS4 records of the baseline UPDATE for 198.51.(100+i).0/24 */
static void updates_file(struct obuf *f, unsigned n, uint32_t ts0)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t m[sizeof baseline];
		memcpy(m, baseline, sizeof m);
		m[sizeof m - 1] = (uint8_t)(100 + i % 100);
		m[sizeof m - 2] = (uint8_t)(51 + i / 100 % 200);
		struct mrt_bgp4mp_hdr h = H(true);
		h.ts = ts0 + i;
		mrt_write_bgp_msg(f, &h, m, sizeof m);
	}
}

static const char *line_a(uint32_t ts, unsigned i)
{
	static char s[256];
	snprintf(s, sizeof s,
		 "BGP4MP|%u|A|198.51.100.9|65001|198.%u.%u.0/24|65001|IGP|192.0.2.1|0|0||NAG||\n", ts,
		 51 + i / 100 % 200, 100 + i % 100);
	return s;
}

struct collect {
	unsigned n, bad_order;
};

static int on_collect(void *arg, const struct bgp_elem *e)
{
	struct collect *c = arg;
	/* elements must be the first records, in order */
	if (e->type != BGP_ELEM_ANNOUNCE || e->pfx.b[3] != 0 || e->pfx.b[2] != 100 + c->n % 100 ||
	    e->pfx.b[1] != 51 + c->n / 100 % 200)
		c->bad_order++;
	c->n++;
	return 0;
}

TEST(F01_truncated_file)
{
	struct obuf f = {0};
	updates_file(&f, 3, TS);
	size_t rec_len = f.len / 3;
	/* cut at N-7 */
	size_t chunks[] = {0, 1, 5, 64};
	for (size_t c = 0; c < RW_ARRAY_LEN(chunks); c++) {
		struct tdump t;
		tdump_run(&t, obuf_data(&f), f.len - 7, chunks[c], false, false);
		char want[1024];
		snprintf(want, sizeof want, "%s", line_a(TS, 0));
		snprintf(want + strlen(want), sizeof want - strlen(want), "%s", line_a(TS + 1, 1));
		CHECK_STR(t.text, want);
		CHECK_INT(t.records, 2);
		CHECK_INT(t.gaps, 1);
		CHECK(t.gap_at_end);
		CHECK_INT(t.gap_bytes, rec_len - 7);
		CHECK_INT(t.rec_errors, 0);
		tdump_free(&t);
	}
	/* cut inside the header of the last record too */
	struct tdump t;
	tdump_run(&t, obuf_data(&f), f.len - rec_len + 5, 0, false, false);
	CHECK_INT(t.elems, 2);
	CHECK_INT(t.gaps, 1);
	CHECK(t.gap_at_end);
	CHECK_INT(t.gap_bytes, 5);
	tdump_free(&t);
	obuf_release(&f);

	/* a .gz cut inside its last deflate block: the records before are
	 * delivered, the decompression error is reported on its own, and the
	 * file is marked damaged (the "partial" exit status) */
	const unsigned n = 3000;
	struct obuf g = {0};
	updates_file(&g, n, TS);
	size_t cap = g.len + 1024;
	uint8_t *z = malloc(cap);
	z_stream zs = {0};
	deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = obuf_bytes(&g);
	zs.avail_in = (uInt)g.len;
	zs.next_out = z;
	zs.avail_out = (uInt)cap;
	CHECK_INT(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t zl = cap - zs.avail_out;
	deflateEnd(&zs);
	/* drop the 8-byte trailer and the last 16 bytes of deflate data */
	const char *path = twrite_tmp(z, zl - 24, ".gz");
	int lvl = rw_log_level;
	rw_log_level = -1; /* the expected error messages are not test output */
	struct feed_stats st;
	memset(&st, 0, sizeof st);
	struct feed_file ff;
	struct collect col = {0};
	unsigned nrec = 0;
	CHECK_INT(feed_file_open(&ff, path, NULL, &st), 0);
	while (feed_file_next(&ff)) {
		nrec++;
		feed_file_decode(&ff, on_collect, &col);
	}
	bool damaged = ff.damaged;
	feed_file_close(&ff);
	rw_log_level = lvl;
	unlink(path);
	CHECK(nrec > 0 && nrec < n);
	CHECK_INT(col.n, nrec);
	CHECK_INT(col.bad_order, 0);
	CHECK_INT(st.io_errors, 1);
	CHECK_INT(st.rec_errors, 0);
	CHECK(damaged);
	CHECK_INT(st.files_damaged, 1);
	free(z);
	obuf_release(&g);
}

TEST(F02_absurd_record_length)
{
	/* rec, header "... 0010 0004 FFFFFFFF", then three good records */
	struct obuf f = {0};
	updates_file(&f, 1, TS);
	uint8_t hdr[12];
	wr32(hdr, TS + 1);
	wr16(hdr + 4, MRT_BGP4MP);
	wr16(hdr + 6, MRT_MESSAGE_AS4);
	wr32(hdr + 8, 0xffffffffu);
	obuf_write(&f, hdr, 12);
	struct obuf rest = {0};
	updates_file(&rest, 3, TS + 2);
	obuf_write(&f, obuf_data(&rest), rest.len);
	struct rrun o;
	rrun(&o, obuf_data(&f), f.len);
	CHECK_INT(o.nrec, 4);
	CHECK_INT(o.elems, 4);
	CHECK_INT(o.gaps, 1);
	CHECK_INT(o.end, 0);
	CHECK(o.max_cap <= (64u << 20)); /* no 4 GiB buffer */
	struct tdump t;
	tdump_run(&t, obuf_data(&f), f.len, 7, false, false);
	CHECK_INT(t.gaps, 1);
	CHECK_INT(t.gap_bytes, 12);
	CHECK(!t.gap_at_end);
	CHECK_INT(tlines(t.text), 4);
	CHECK(has_str(t.text, line_a(TS, 0)));
	tdump_free(&t);

	/* a length larger than the rest of the file (1 MiB, 20 bytes there):
	 * the records before are kept, the tail is a gap at the end */
	struct obuf f2 = {0};
	updates_file(&f2, 2, TS);
	wr32(hdr + 8, 1u << 20);
	obuf_write(&f2, hdr, 12);
	uint8_t junk[20] = {0};
	obuf_write(&f2, junk, sizeof junk);
	rrun(&o, obuf_data(&f2), f2.len);
	CHECK_INT(o.nrec, 2);
	CHECK_INT(o.elems, 2);
	CHECK_INT(o.gaps, 1);
	CHECK(o.max_cap <= (64u << 20));
	tdump_run(&t, obuf_data(&f2), f2.len, 0, false, false);
	CHECK_INT(tlines(t.text), 2);
	CHECK_INT(t.gaps, 1);
	CHECK(t.gap_at_end);
	CHECK_INT(t.gap_bytes, 32);
	tdump_free(&t);
	obuf_release(&f);
	obuf_release(&f2);
	obuf_release(&rest);
}

TEST(F04_bgp4mp_et_length)
{
	/* four BGP4MP_ET records; the second one's Length = body (the usec
	 * field not counted), 4 bytes short */
	struct obuf f = {0};
	size_t off[5];
	for (unsigned i = 0; i < 4; i++) {
		off[i] = f.len;
		uint8_t m[sizeof baseline];
		memcpy(m, baseline, sizeof m);
		m[sizeof m - 1] = (uint8_t)(100 + i);
		struct mrt_bgp4mp_hdr h = H(true);
		h.et = true;
		h.usec = 42;
		mrt_write_bgp_msg(&f, &h, m, sizeof m);
	}
	off[4] = f.len;
	/* the writer counts the usec field (correct) */
	CHECK_INT(rd16(obuf_data(&f) + 4), MRT_BGP4MP_ET);
	CHECK_INT(rd32(obuf_data(&f) + 8), off[1] - off[0] - 12);
	struct tdump t;
	tdump_run(&t, obuf_data(&f), f.len, 0, false, false);
	CHECK_INT(tlines(t.text), 4);
	CHECK(has_str(t.text, "BGP4MP_ET|1506848871.000042|A|198.51.100.9|65001|198.51.100.0/24|"));
	CHECK_INT(t.rec_errors, 0);
	tdump_free(&t);

	/* wrong: Length = body */
	wr32(obuf_bytes(&f) + off[1] + 8, (uint32_t)(off[2] - off[1] - 12 - 4));
	tdump_run(&t, obuf_data(&f), f.len, 0, false, false);
	CHECK_INT(t.rec_errors, 1); /* the embedded BGP message runs past it */
	CHECK(has_str(t.last_err, "BGP message"));
	CHECK(!has_str(t.text, "198.51.101.0/24"));
	CHECK(has_str(t.text, "198.51.100.0/24"));
	CHECK(has_str(t.text, "198.51.102.0/24"));
	CHECK(has_str(t.text, "198.51.103.0/24"));
	CHECK_INT(tlines(t.text), 3);
	CHECK_INT(t.gap_bytes, t.gaps ? 4 : 0);
	tdump_free(&t);
	obuf_release(&f);
}

/* One peer (index 0): 198.51.100.1 AS65001. */
static void peer_index_1(struct obuf *f)
{
	struct mrt_peer peers[1] = {{.addr = A("198.51.100.1"), .asn = 65001, .bgp_id = 1, .as4 = true}};
	mrt_write_peer_index(f, TS, 0xc0000201, "f", peers, 1);
}

static const char B_LINE[] =
	"TABLE_DUMP2|1506848871|B|198.51.100.1|65001|198.51.100.0/24|65001|IGP|192.0.2.1|0|0||NAG||\n";

TEST(F08_rib_peer_index_out_of_range)
{
	/* PEER_INDEX_TABLE with 1 peer; a RIB entry with peerIdx 0001 then a
	 * good one; then a good record */
	struct obuf f = {0};
	peer_index_1(&f);
	uint32_t path[] = {65001};
	struct bgp_wattrs a = {.path = path, .path_len = 1, .nexthop = A("192.0.2.1")};
	struct mrt_rib_entry e[2] = {{.peer_index = 1, .attrs = &a}, {.peer_index = 0, .attrs = &a}};
	struct rw_prefix p;
	parse_prefix("198.51.100.0/24", &p);
	mrt_write_rib(&f, TS, 0, &p, e, 2, false);
	mrt_write_rib(&f, TS, 1, &p, &e[1], 1, false);
	struct rrun o;
	rrun(&o, obuf_data(&f), f.len);
	CHECK_INT(o.nrec, 3);
	CHECK_INT(o.res[1].err, 0); /* the entry is skipped, not the record */
	CHECK_INT(o.res[1].n_bad_entries, 1);
	CHECK(has_str(o.res[1].attr_msg, "peer index"));
	CHECK_INT(o.rec_elems[1], 1);
	CHECK_INT(o.rec_elems[2], 1);
	struct tdump t;
	tdump_run(&t, obuf_data(&f), f.len, 0, false, false);
	char want[512];
	snprintf(want, sizeof want, "%s%s", B_LINE, B_LINE);
	CHECK_STR(t.text, want);
	CHECK_INT(t.rec_errors, 0);
	tdump_free(&t);
	obuf_release(&f);
}

TEST(F09_rib_entry_count_and_attr_len)
{
	uint32_t path[] = {65001};
	uint32_t comm[18];
	for (unsigned i = 0; i < 18; i++)
		comm[i] = 65001u << 16 | i;
	struct bgp_wattrs a = {.path = path, .path_len = 1, .nexthop = A("192.0.2.1")};
	struct bgp_wattrs big = {.path = path, .path_len = 1, .nexthop = A("192.0.2.1"),
				 .communities = comm, .n_communities = 18};
	struct rw_prefix p;
	parse_prefix("198.51.100.0/24", &p);
	struct mrt_rib_entry e1 = {.peer_index = 0, .attrs = &a};
	struct mrt_rib_entry e2[2] = {{.peer_index = 0, .attrs = &a}, {.peer_index = 0, .attrs = &big}};
	/* RIB body: seq(4) plen(1) prefix(3) count(2) entries */
	const size_t count_at = MRT_HDR_LEN + 4 + 1 + 3;

	/* (a) entryCount FFFF with one entry of data */
	struct obuf f = {0};
	peer_index_1(&f);
	size_t rib = f.len;
	mrt_write_rib(&f, TS, 0, &p, &e1, 1, false);
	mrt_write_rib(&f, TS, 1, &p, &e1, 1, false);
	CHECK_INT(rd16(obuf_data(&f) + rib + count_at), 1);
	wr16(obuf_bytes(&f) + rib + count_at, 0xffff);
	struct rrun o;
	rrun(&o, obuf_data(&f), f.len);
	CHECK_INT(o.nrec, 3);
	CHECK_INT(o.res[1].err, RW_ETRUNC); /* the rest of the record skipped */
	CHECK_INT(o.rec_elems[1], 1);       /* the entry present is kept */
	CHECK_INT(o.rec_elems[2], 1);
	struct tdump t;
	tdump_run(&t, obuf_data(&f), f.len, 0, false, false);
	char want[512];
	snprintf(want, sizeof want, "%s%s", B_LINE, B_LINE);
	CHECK_STR(t.text, want);
	CHECK_INT(t.rec_errors, 1);
	tdump_free(&t);

	/* (b) entryCount 0 with an entry's bytes after it: no entry, no crash */
	wr16(obuf_bytes(&f) + rib + count_at, 0);
	rrun(&o, obuf_data(&f), f.len);
	CHECK_INT(o.nrec, 3);
	CHECK_INT(o.rec_elems[1], 0);
	CHECK_INT(o.rec_elems[2], 1);

	/* (c) attrLen 2000 (hex) where about 100 bytes are left */
	struct obuf g = {0};
	peer_index_1(&g);
	rib = g.len;
	mrt_write_rib(&g, TS, 0, &p, e2, 2, false);
	mrt_write_rib(&g, TS, 1, &p, &e1, 1, false);
	size_t e1_at = rib + count_at + 2;            /* peerIdx(2) time(4) attrLen(2) */
	size_t e2_at = e1_at + 8 + rd16(obuf_data(&g) + e1_at + 6);
	size_t left = rib + MRT_HDR_LEN + rd32(obuf_data(&g) + rib + 8) - (e2_at + 8);
	CHECK(left >= 90 && left <= 110);
	CHECK_INT(rd16(obuf_data(&g) + e2_at + 6), left);
	wr16(obuf_bytes(&g) + e2_at + 6, 0x2000);
	rrun(&o, obuf_data(&g), g.len);
	CHECK_INT(o.nrec, 3);
	CHECK_INT(o.res[1].err, RW_ETRUNC);
	CHECK_INT(o.rec_elems[1], 1); /* the first entry */
	CHECK_INT(o.rec_elems[2], 1);
	tdump_run(&t, obuf_data(&g), g.len, 0, false, false);
	CHECK_STR(t.text, want);
	CHECK_INT(t.rec_errors, 1);
	tdump_free(&t);
	obuf_release(&f);
	obuf_release(&g);
}

TEST(F12_state_values_out_of_range)
{
	/* old=0007 new=0008 (Quagga Clearing/Deleted), 0000, FFFF */
	static const uint16_t st[][2] = {{7, 8}, {0, 0}, {0xffff, 0xffff}, {6, 7}};
	struct obuf f = {0};
	for (size_t i = 0; i < RW_ARRAY_LEN(st); i++) {
		struct mrt_bgp4mp_hdr h = H(i != 3); /* the last as 2-byte STATE_CHANGE */
		mrt_write_state(&f, &h, st[i][0], st[i][1]);
	}
	struct tdump t;
	tdump_run(&t, obuf_data(&f), f.len, 0, false, false);
	CHECK_STR(t.text, "BGP4MP|1506848871|STATE|198.51.100.9|65001|7|8\n"
			  "BGP4MP|1506848871|STATE|198.51.100.9|65001|0|0\n"
			  "BGP4MP|1506848871|STATE|198.51.100.9|65001|65535|65535\n"
			  "BGP4MP|1506848871|STATE|198.51.100.9|65001|6|7\n");
	CHECK_INT(t.rec_errors, 0);
	tdump_free(&t);
	/* JSON looks names up: never past the table */
	tdump_run(&t, obuf_data(&f), f.len, 0, true, false);
	CHECK_INT(tlines(t.text), 4);
	CHECK(has_str(t.text, "\"old_state\":7"));
	CHECK(has_str(t.text, "\"new_state\":65535"));
	CHECK(has_str(t.text, "\"new_state_name\":\"Deleted\""));
	tdump_free(&t);
	CHECK_STR(bgp_state_name(7), "Clearing");
	CHECK_STR(bgp_state_name(8), "Deleted");
	CHECK_STR(bgp_state_name(0), "Unknown");
	CHECK_STR(bgp_state_name(9), "Unknown");
	CHECK_STR(bgp_state_name(0xffff), "Unknown");
	obuf_release(&f);
}

/* ================================================================ E. BMP */

/* RFC 7854 per-peer header (42 bytes): global peer, no flags, RD 0,
 * 198.51.100.9, AS65001, BGP ID 192.0.2.1, 2017-10-01T09:07:51Z. */
#define BMP_PEER_HDR                                                                      \
	0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc6, 0x33, 0x64, \
		0x09, 0x00, 0x00, 0xfd, 0xe9, 0xc0, 0x00, 0x02, 0x01, 0x59, 0xd0, 0xa1, 0x67, 0, \
		0, 0, 0

/* B01: length 0; version 2 */
static const uint8_t b01_len0[] = {0x03, 0x00, 0x00, 0x00, 0x00, 0x00};
static const uint8_t b01_version2[] = {0x02, 0x00, 0x00, 0x00, 0x06, 0x04};
/* B02: length FFFFFFFF */
static const uint8_t b02_huge[] = {0x03, 0xff, 0xff, 0xff, 0xff, 0x00};
/* B03: Route Monitoring of 32 bytes (26 after the common header: less
 * than the per-peer header); and one carrying an UPDATE then a KEEPALIVE */
static const uint8_t b03_short[32] = {0x03, 0x00, 0x00, 0x00, 0x20, 0x00};
static const uint8_t b03_two_pdus[] = {0x03, 0x00, 0x00, 0x00, 0x72, 0x00, BMP_PEER_HDR,
				       BASELINE_UPDATE, MARKER, 0x00, 0x13, 0x04};
/* B05: Peer Up whose sent OPEN is FF x16 0013 01 (no body); the received
 * OPEN is a minimal valid one */
static const uint8_t b05_fake_open[] = {
	0x03, 0x00, 0x00, 0x00, 0x74, 0x03, BMP_PEER_HDR,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc6, 0x33, 0x64, 0xfe, /* local address */
	0x00, 0xb3, 0xc3, 0x50,                                     /* ports 179, 50000 */
	MARKER, 0x00, 0x13, 0x01,                                   /* sent OPEN */
	MARKER, 0x00, 0x1d, 0x01, 0x04, 0xfd, 0xe9, 0x00, 0xb4, 0xc0, 0x00, 0x02, 0x01, 0x00};

_Static_assert(sizeof b03_two_pdus == 0x72, "B03 length field");
_Static_assert(sizeof b05_fake_open == 0x74, "B05 length field");

/* The UPDATE a BMP Route Monitoring body starts with: its announcements
 * (decoded as a 4-byte session, as the per-peer header's A flag says). */
static unsigned bmp_announces(const uint8_t *body, size_t len, struct rw_prefix *first)
{
	size_t bl = bmp_bgp_len(body, len);
	if (!bl)
		return 0;
	struct arena a;
	arena_init(&a, 0, 1 << 20, RW_MEM_OTHER);
	struct bgp_ctx ctx = {.asn_size = 4};
	struct bgp_update u;
	unsigned n = 0;
	if (!bgp_update_decode(body + BGP_HDR_LEN, bl - BGP_HDR_LEN, &ctx, &a, &u) && u.attrs.action < BGP_ACT_WITHDRAW) {
		struct bgp_nlri_it it;
		struct rw_prefix px;
		bgp_nlri_init(&it, u.nlri, u.nlri_len, RW_AF_INET, false);
		while (bgp_nlri_next(&it, &px) > 0)
			if (n++ == 0)
				*first = px;
	}
	arena_release(&a);
	return n;
}

TEST(B01_bmp_bad_common_header)
{
	/* CLOSE: a length below the header or another version is a framing
	 * the station cannot trust (it closes the connection); a length of 0
	 * can never be a message to skip, so nothing loops */
	uint32_t len = 12345;
	CHECK_INT(bmp_frame(b01_len0, sizeof b01_len0, &len), RW_EMALFORMED);
	CHECK_INT(bmp_frame(b01_version2, sizeof b01_version2, &len), RW_EMALFORMED);
	/* fewer than 6 bytes: wait for more, not an error */
	CHECK_INT(bmp_frame(b01_len0, 5, &len), RW_ETRUNC);
}

TEST(B02_bmp_huge_length)
{
	/* a declared length over the cap is refused from the header alone:
	 * nothing of that size is ever allocated or waited for */
	uint32_t len = 0;
	CHECK_INT(bmp_frame(b02_huge, sizeof b02_huge, &len), RW_EMALFORMED);
	uint8_t at_cap[6] = {0x03, 0, 0, 0, 0, 0x00}, over[6] = {0x03, 0, 0, 0, 0, 0x00};
	wr32(at_cap + 1, BMP_MAX_LEN);
	wr32(over + 1, BMP_MAX_LEN + 1);
	CHECK_INT(bmp_frame(at_cap, 6, &len), 0);
	CHECK_INT(len, BMP_MAX_LEN);
	CHECK_INT(bmp_frame(over, 6, &len), RW_EMALFORMED);
}

TEST(B03_bmp_route_monitoring_short_or_trailing)
{
	/* too short for the per-peer header: the length frames it, so the
	 * message is discarded and the stream goes on */
	uint32_t len = 0;
	struct bmp_msg m;
	CHECK_INT(bmp_frame(b03_short, sizeof b03_short, &len), 0);
	CHECK_INT(len, sizeof b03_short);
	CHECK(bmp_decode(b03_short, len, &m) < 0);
	/* an UPDATE then a KEEPALIVE: the first PDU is read (one announce),
	 * the trailing one is left over and seen */
	CHECK_INT(bmp_frame(b03_two_pdus, sizeof b03_two_pdus, &len), 0);
	CHECK_INT(bmp_decode(b03_two_pdus, len, &m), 0);
	CHECK_INT(m.type, BMP_ROUTE_MONITORING);
	CHECK(m.has_peer);
	CHECK_INT(m.peer.asn, 65001);
	size_t first = bmp_bgp_len(m.body, m.body_len);
	CHECK_INT(first, sizeof baseline);
	CHECK_INT(m.body_len - first, BGP_HDR_LEN); /* the KEEPALIVE */
	struct rw_prefix px;
	CHECK_INT(bmp_announces(m.body, m.body_len, &px), 1);
	char pb[RW_PREFIX_STRLEN];
	fmt_prefix(pb, &px);
	CHECK_STR(pb, "198.51.100.0/24");
}

TEST(B05_bmp_peer_up_fake_open)
{
	/* a Peer Up whose sent OPEN is a bare 19-byte header: the message
	 * decodes, the OPEN does not, so the session's capabilities (4-byte
	 * AS, ADD-PATH) are unknown rather than guessed from garbage */
	struct bmp_msg m;
	CHECK_INT(bmp_decode(b05_fake_open, sizeof b05_fake_open, &m), 0);
	CHECK_INT(m.type, BMP_PEER_UP);
	CHECK_INT(m.sent_open_len, BGP_HDR_LEN);
	struct bgp_open o;
	CHECK(bgp_open_decode(m.sent_open + BGP_HDR_LEN, m.sent_open_len - BGP_HDR_LEN, &o) < 0);
	CHECK_INT(bgp_open_decode(m.recv_open + BGP_HDR_LEN, m.recv_open_len - BGP_HDR_LEN, &o), 0);
	CHECK_INT(o.asn, 65001);
	CHECK(!o.as4);
	CHECK_INT(o.n_addpath, 0);
	/* a Route Monitoring after it still decodes, by the per-peer header */
	static const uint8_t rm[] = {0x03, 0x00, 0x00, 0x00, 0x5f, 0x00, BMP_PEER_HDR, BASELINE_UPDATE};
	_Static_assert(sizeof rm == 0x5f, "RM length field");
	CHECK_INT(bmp_decode(rm, sizeof rm, &m), 0);
	struct rw_prefix px;
	CHECK_INT(bmp_announces(m.body, m.body_len, &px), 1);
}

TEST(B04_bmp_information_tlv_empty_or_overrun)
{
	/* an Initiation whose sysName TLV has length 0 (legal, as Juniper
	 * sends it), then a TLV whose length runs past the message: the
	 * first is read, the second stops the list without reading past */
	static const uint8_t init[] = {0x03, 0x00, 0x00, 0x00, 0x12, 0x04, 0x00, 0x02, 0x00, 0x00,
				       0x00, 0x00, 0x00, 0x10, 'a', 'b', 'c', 'd'};
	struct bmp_msg m;
	CHECK_INT(bmp_decode(init, sizeof init, &m), 0);
	CHECK_INT(m.type, BMP_INITIATION);
	const uint8_t *t = m.body, *v;
	size_t n = m.body_len;
	uint16_t ty, l;
	CHECK_INT(bmp_tlv_next(&t, &n, &ty, &v, &l), 1);
	CHECK_INT(ty, BMP_INFO_SYSNAME);
	CHECK_INT(l, 0);
	CHECK_INT(bmp_tlv_next(&t, &n, &ty, &v, &l), RW_ETRUNC);
}
