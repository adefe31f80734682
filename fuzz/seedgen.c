/*
 * seedgen: cut fuzz seeds out of an MRT stream (not a fuzz target).
 *
 *   seedgen OUTDIR NAME < decompressed-mrt   seeds from real or synthetic data
 *   seedgen --builtin OUTDIR                 hand-built records the synthetic
 *                                            writer does not produce
 *
 * Writes, under OUTDIR/<harness>/, files named NAME-<kind>-<n>:
 *   fuzz_mrt        the first records (<= 16 KiB), and the first records
 *                   of each type/subtype (RIB records behind their
 *                   PEER_INDEX_TABLE), each behind the two option bytes
 *                   fuzz_mrt.c reads, in a few option variants;
 *   fuzz_bgp_update UPDATE bodies from BGP4MP and legacy BGP records, with
 *                   the selector byte of the context the record implies;
 *   fuzz_bgp_attrs  path attribute blocks from UPDATEs and RIB entries;
 *   fuzz_bgp_open   OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH messages.
 * Only messages whose shape (attribute types, fields present, size) was
 * not seen yet are kept, at most a few dozen per file and kind, so the
 * seeds stay small and varied.
 *
 * Linked against the meson static library (build/src/librwcore.a): it
 * uses the project's own reader and writer.
 */
#include "mrt/mrt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define MAX_SEED (60u * 1024)
/* fuzz_mrt seeds: a few records are enough, and small inputs run faster
 * (a single record above this size is still kept whole, up to MAX_SEED) */
#define MAX_MRT_SEED (16u * 1024)
#define PER_KIND 48

static const char *outdir, *name;
static unsigned count[4];
static uint64_t shapes[4][512];
static unsigned nshapes[4];

enum { K_MRT, K_UPDATE, K_ATTRS, K_OPEN };
static const char *const kdir[] = {"fuzz_mrt", "fuzz_bgp_update", "fuzz_bgp_attrs", "fuzz_bgp_open"};

static void write_seed(unsigned kind, const char *tag, const uint8_t *pre, size_t npre,
		       const uint8_t *p, size_t n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s/%s-%s-%u", outdir, kdir[kind], name, tag, count[kind]++);
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "seedgen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if ((npre && fwrite(pre, 1, npre, f) != npre) || (n && fwrite(p, 1, n, f) != n) || fclose(f)) {
		fprintf(stderr, "seedgen: %s: write failed\n", path);
		exit(1);
	}
}

/* Keep a message of this shape? The first few always, then new shapes. */
static bool want(unsigned kind, uint64_t shape)
{
	if (count[kind] >= PER_KIND)
		return false;
	for (unsigned i = 0; i < nshapes[kind]; i++)
		if (shapes[kind][i] == shape)
			return count[kind] < 4;
	if (nshapes[kind] < RW_ARRAY_LEN(shapes[kind]))
		shapes[kind][nshapes[kind]++] = shape;
	return true;
}

static unsigned log2u(size_t n)
{
	unsigned k = 0;
	while (n >>= 1)
		k++;
	return k;
}

/* Shape of an attribute block: the types present, extended lengths, size. */
static uint64_t attrs_shape(const uint8_t *p, size_t len)
{
	uint64_t s = (uint64_t)log2u(len) << 58;
	size_t off = 0;
	while (off + 3 <= len) {
		unsigned fl = p[off], t = p[off + 1];
		size_t hl = (fl & 0x10) ? 4 : 3;
		if (off + hl > len)
			break;
		size_t al = hl == 4 ? rd16(p + off + 2) : p[off + 2];
		s |= 1ULL << (t % 56);
		if (hl == 4)
			s |= 1ULL << 56;
		off += hl + al;
	}
	return s;
}

static void attrs_seed(uint8_t sel, const uint8_t *p, size_t len)
{
	if (len + 1 > MAX_SEED || !want(K_ATTRS, attrs_shape(p, len) ^ ((uint64_t)sel << 50)))
		return;
	write_seed(K_ATTRS, "attrs", &sel, 1, p, len);
}

static void update_seed(uint8_t sel, const uint8_t *p, size_t len)
{
	if (len < 4 || len + 1 > MAX_SEED)
		return;
	size_t wl = rd16(p);
	if (2 + wl + 2 > len)
		return;
	size_t tal = rd16(p + 2 + wl);
	if (4 + wl + tal > len)
		return;
	const uint8_t *a = p + 4 + wl;
	size_t nl = len - 4 - wl - tal;
	uint64_t shape = attrs_shape(a, tal) ^ ((uint64_t)sel << 50) ^ ((uint64_t)(wl > 0) << 48) ^
			 ((uint64_t)(nl > 0) << 47) ^ ((uint64_t)log2u(len) << 40);
	if (want(K_UPDATE, shape))
		write_seed(K_UPDATE, "update", &sel, 1, p, len);
	attrs_seed(sel, a, tal);
}

static void open_seed(uint8_t sel, const uint8_t *p, size_t len)
{
	if (len + 1 > MAX_SEED)
		return;
	uint64_t shape = (uint64_t)sel << 56 ^ (len >= BGP_HDR_LEN ? p[18] : 0xff) ^ (uint64_t)log2u(len) << 8 ^
			 (len > 28 ? (uint64_t)p[28] << 16 : 0);
	if (want(K_OPEN, shape))
		write_seed(K_OPEN, "msg", &sel, 1, p, len);
}

/* A BGP message with its header, from BGP4MP. */
static void bgp_message(const uint8_t *p, size_t len, unsigned asz, bool addpath)
{
	if (len < BGP_HDR_LEN)
		return;
	size_t ml = rd16(p + 16);
	if (ml < BGP_HDR_LEN || ml > len)
		return;
	if (p[18] == BGP_MSG_UPDATE)
		update_seed((uint8_t)((asz == 4 ? 1 : 0) | (addpath ? 2 : 0) | 8), p + BGP_HDR_LEN,
			    ml - BGP_HDR_LEN);
	else
		open_seed(ml > BGP_MAX_LEN ? 1 : 0, p, ml);
}

static void bgp4mp(const struct mrt_rec *r)
{
	unsigned st = r->h.subtype;
	if (st == MRT_STATE_CHANGE || st == MRT_STATE_CHANGE_AS4 || st == MRT_ENTRY ||
	    st == MRT_SNAPSHOT || st > MRT_MESSAGE_AS4_LOCAL_ADDPATH)
		return;
	unsigned asz = (st == 4 || st == 7 || st == 9 || st == 11) ? 4 : 2;
	struct cur c;
	cur_init(&c, r->body, r->len);
	uint16_t ifx, afi;
	if (cur_skip(&c, 2 * asz) || cur_u16(&c, &ifx) || cur_u16(&c, &afi))
		return;
	if (!(afi == 0xffff && ifx == 0xffff)) {
		if (cur_skip(&c, afi == BGP_AFI_IPV6 ? 32 : 8))
			return;
	} else {
		c.p -= 4;
	}
	bgp_message(c.p, cur_left(&c), asz, mrt_is_addpath(r->h.type, (uint16_t)st));
}

static void legacy(const struct mrt_rec *r)
{
	if (r->len < 12)
		return;
	const uint8_t *p = r->body + 12;
	size_t n = r->len - 12;
	if (r->h.subtype == MRT_BGP_UPDATE)
		update_seed(8, p, n);
	else if (r->h.subtype == MRT_BGP_OPEN || r->h.subtype == MRT_BGP_NOTIFY)
		open_seed(0, p, n);
}

static void td1(const struct mrt_rec *r)
{
	unsigned st = r->h.subtype;
	size_t al = (st == 1 || st == 3) ? 4 : 16;
	unsigned asz = st >= 3 ? 4 : 2;
	struct cur c;
	cur_init(&c, r->body, r->len);
	uint16_t alen;
	const uint8_t *a;
	if (cur_skip(&c, 4 + al + 2 + 4 + al + asz) || cur_u16(&c, &alen) || cur_bytes(&c, alen, &a))
		return;
	attrs_seed((uint8_t)((asz == 4 ? 1 : 0) | 4), a, alen);
}

static void td2(const struct mrt_rec *r)
{
	unsigned st = r->h.subtype;
	if (st < 2 || st > 12 || st == 7)
		return;
	bool addpath = mrt_is_addpath(r->h.type, (uint16_t)st);
	struct cur c;
	cur_init(&c, r->body, r->len);
	uint8_t plen;
	uint16_t n;
	if (cur_skip(&c, 4) || ((st == 6 || st == 12) && cur_skip(&c, 3)) || cur_u8(&c, &plen) ||
	    cur_skip(&c, (plen + 7u) / 8u) || cur_u16(&c, &n))
		return;
	for (unsigned i = 0; i < n && i < 4; i++) {
		uint16_t alen;
		const uint8_t *a;
		if (cur_skip(&c, 6 + (addpath ? 4 : 0)) || cur_u16(&c, &alen) || cur_bytes(&c, alen, &a))
			return;
		attrs_seed(1 | 4, a, alen);
	}
}

struct msrc {
	const uint8_t *p;
	size_t len;
	bool done;
};

static int msrc_next(void *ctx, const uint8_t **p, size_t *n)
{
	struct msrc *m = ctx;
	if (m->done || !m->len)
		return 0;
	m->done = true;
	*p = obuf_data(m);
	*n = m->len;
	return 1;
}

/* Option-byte variants for fuzz_mrt seeds: whole/7-byte/64-byte chunks,
 * bgpdump text + salvage, JSON + messages, both + small cap. */
static const uint8_t mrt_opts[][2] = {{0x00, 0x06}, {0x07, 0x09}, {0x80, 0x0f}};

static void mrt_seed(const char *tag, const uint8_t *p, size_t n, unsigned variants)
{
	for (unsigned v = 0; v < variants && v < RW_ARRAY_LEN(mrt_opts); v++)
		write_seed(K_MRT, tag, mrt_opts[v], 2, p, n);
}

static void from_stream(const uint8_t *buf, size_t len)
{
	struct msrc m = {buf, len, false};
	struct mrt_reader rd;
	mrt_reader_init(&rd, msrc_next, &m, 0);
	struct mrt_rec rec;
	int r;
	size_t head_end = 0;
	bool head_open = true;
	struct { uint16_t type, subtype; unsigned n; uint8_t *p; size_t len; } kinds[64];
	unsigned nkinds = 0;
	uint64_t pit_off = 0, pit_len = 0;
	bool have_pit = false;

	while ((r = mrt_reader_next(&rd, &rec)) > 0) {
		if (r != MRT_NEXT_REC) {
			head_open = false; /* keep the head seed to clean records */
			continue;
		}
		size_t rlen = MRT_HDR_LEN + (size_t)rec.h.len;
		if (head_open && (rec.off + rlen <= MAX_MRT_SEED || (rec.off == 0 && rlen <= MAX_SEED)))
			head_end = (size_t)(rec.off + rlen);
		else
			head_open = false;
		const uint8_t *raw = buf + rec.off;
		if (rec.h.type == MRT_TABLE_DUMP_V2 && rec.h.subtype == MRT_PEER_INDEX_TABLE) {
			pit_off = rec.off;
			pit_len = rlen;
			have_pit = true;
		}
		/* the first records of each type/subtype */
		unsigned k;
		for (k = 0; k < nkinds; k++)
			if (kinds[k].type == rec.h.type && kinds[k].subtype == rec.h.subtype)
				break;
		if (k == nkinds && nkinds < RW_ARRAY_LEN(kinds)) {
			kinds[k].type = rec.h.type;
			kinds[k].subtype = rec.h.subtype;
			kinds[k].n = 0;
			kinds[k].p = NULL;
			kinds[k].len = 0;
			bool rib = rec.h.type == MRT_TABLE_DUMP_V2 && rec.h.subtype != MRT_PEER_INDEX_TABLE;
			if (rib && have_pit && pit_len <= MAX_MRT_SEED / 2) {
				kinds[k].p = malloc(pit_len);
				memcpy(kinds[k].p, buf + pit_off, pit_len);
				kinds[k].len = pit_len;
			}
			nkinds++;
		}
		if (k < nkinds && kinds[k].n < 3 &&
		    (kinds[k].len + rlen <= MAX_MRT_SEED || (kinds[k].n == 0 && kinds[k].len + rlen <= MAX_SEED))) {
			kinds[k].p = realloc(kinds[k].p, kinds[k].len + rlen);
			memcpy(kinds[k].p + kinds[k].len, raw, rlen);
			kinds[k].len += rlen;
			kinds[k].n++;
		}
		switch (rec.h.type) {
		case MRT_BGP4MP:
		case MRT_BGP4MP_ET:
			bgp4mp(&rec);
			break;
		case MRT_BGP:
			legacy(&rec);
			break;
		case MRT_TABLE_DUMP:
			td1(&rec);
			break;
		case MRT_TABLE_DUMP_V2:
			td2(&rec);
			break;
		}
	}
	if (head_end)
		mrt_seed("head", buf, head_end, 2);
	else if (len)
		mrt_seed("head", buf, RW_MIN(len, (size_t)MAX_MRT_SEED), 1); /* no clean record: raw bytes */
	for (unsigned k = 0; k < nkinds; k++) {
		if (kinds[k].len) {
			char tag[32];
			snprintf(tag, sizeof tag, "t%u.%u", kinds[k].type, kinds[k].subtype);
			mrt_seed(tag, kinds[k].p, kinds[k].len, 2);
		}
		free(kinds[k].p);
	}
	mrt_reader_release(&rd);
}

/* ------------------------------------------------------------ builtin */

static void put_msg(struct obuf *b, uint8_t type, const uint8_t *body, size_t n)
{
	uint8_t h[BGP_HDR_LEN];
	memset(h, 0xff, 16);
	wr16(h + 16, (uint16_t)(BGP_HDR_LEN + n));
	h[18] = type;
	obuf_write(b, h, sizeof h);
	obuf_write(b, body, n);
}

static void builtin(void)
{
	struct obuf out = {0};
	struct mrt_bgp4mp_hdr h = {.ts = 1700000000, .usec = 123456, .as4 = true,
				   .peer_asn = 4200000001u, .local_asn = 65000};
	parse_addr("192.0.2.1", &h.peer);
	parse_addr("192.0.2.2", &h.local);
	uint32_t path[] = {4200000001u, 3356, 70000, 13335};
	uint32_t set[] = {64512, 64513};
	uint32_t comm[] = {0xffffff01u, (3356u << 16) | 100};
	uint32_t lcomm[] = {4200000001u, 1, 2};
	struct bgp_wattrs a = {.origin = 0, .path = path, .path_len = 4, .set = set, .set_len = 2,
			       .has_med = true, .med = 10, .has_local_pref = true, .local_pref = 100,
			       .communities = comm, .n_communities = 2, .lcommunities = lcomm,
			       .n_lcommunities = 1, .atomic_aggregate = true, .has_aggregator = true,
			       .agg_asn = 70000, .agg_addr = {10, 0, 0, 1}};
	parse_addr("198.51.100.1", &a.nexthop);
	struct rw_prefix pf[3];
	parse_prefix("203.0.113.0/24", &pf[0]);
	parse_prefix("2001:db8:1::/48", &pf[1]);
	parse_prefix("10.0.0.0/8", &pf[2]);
	pf[0].path_id = 7;
	pf[1].path_id = 8;
	pf[2].path_id = 9;

	/* 4-byte session, 2-byte session (AS_TRANS + AS4_PATH/AS4_AGGREGATOR),
	 * ADD-PATH, _ET, IPv6 peer with MP_REACH/MP_UNREACH */
	for (unsigned v = 0; v < 8; v++) {
		h.as4 = !(v & 1);
		h.addpath = v & 2;
		h.et = v & 4;
		struct rw_addr nh6;
		parse_addr("2001:db8::1", &nh6);
		a.nexthop = (v & 2) ? nh6 : a.nexthop;
		mrt_write_update(&out, &h, &a, pf, 3, &pf[2], 1);
		mrt_write_update(&out, &h, NULL, NULL, 0, pf, 3); /* withdrawals only */
		parse_addr("198.51.100.1", &a.nexthop);
	}
	h.addpath = false;
	h.as4 = true;
	mrt_write_state(&out, &h, 1, 6);

	/* OPEN with capabilities, and the RFC 9072 extended form */
	static const uint8_t caps[] = {
		2, 30,
		1, 4, 0, 1, 0, 1,       /* MP IPv4 unicast */
		1, 4, 0, 2, 0, 1,       /* MP IPv6 unicast */
		2, 0, 128, 0, 6, 0,     /* route refresh (2 and 128), extended messages */
		65, 4, 0xfa, 0x56, 0xea, 0x01, /* AS4 4200000001 */
		64, 2, 0x80, 120,       /* graceful restart */
	};
	static const uint8_t addpath_cap[] = {2, 10, 69, 8, 0, 1, 1, 3, 0, 2, 1, 1};
	uint8_t open[128];
	size_t n = 0;
	open[n++] = 4;
	wr16(open + n, BGP_AS_TRANS); n += 2;
	wr16(open + n, 180); n += 2;
	wr32(open + n, 0xc0000201u); n += 4;
	open[n++] = (uint8_t)(sizeof caps + sizeof addpath_cap);
	memcpy(open + n, caps, sizeof caps); n += sizeof caps;
	memcpy(open + n, addpath_cap, sizeof addpath_cap); n += sizeof addpath_cap;
	uint8_t msg[256];
	struct obuf m = {0};
	put_msg(&m, BGP_MSG_OPEN, open, n);
	mrt_write_bgp_msg(&out, &h, obuf_data(&m), m.len);
	open_seed(0, obuf_data(&m), m.len);
	m.len = 0;
	/* extended optional parameters: 255, 255, u16 length, u16 param lengths */
	size_t e = 0;
	memcpy(msg, open, 9);
	e = 9;
	msg[e++] = 255;
	msg[e++] = 255;
	wr16(msg + e, (uint16_t)(3 + sizeof caps - 2)); e += 2;
	msg[e++] = 2;
	wr16(msg + e, sizeof caps - 2); e += 2;
	memcpy(msg + e, caps + 2, sizeof caps - 2); e += sizeof caps - 2;
	put_msg(&m, BGP_MSG_OPEN, msg, e);
	mrt_write_bgp_msg(&out, &h, obuf_data(&m), m.len);
	open_seed(0, obuf_data(&m), m.len);
	m.len = 0;
	static const uint8_t notif[] = {6, 2, 0, 0, 0, 5, 's', 'h', 'u', 't'};
	put_msg(&m, BGP_MSG_NOTIFICATION, notif, sizeof notif);
	mrt_write_bgp_msg(&out, &h, obuf_data(&m), m.len);
	open_seed(0, obuf_data(&m), m.len);
	m.len = 0;
	static const uint8_t rr[] = {0, 2, 1, 1};
	put_msg(&m, BGP_MSG_ROUTE_REFRESH, rr, sizeof rr);
	mrt_write_bgp_msg(&out, &h, obuf_data(&m), m.len);
	open_seed(0, obuf_data(&m), m.len);
	m.len = 0;
	put_msg(&m, BGP_MSG_KEEPALIVE, NULL, 0);
	mrt_write_bgp_msg(&out, &h, obuf_data(&m), m.len);
	open_seed(1, obuf_data(&m), m.len);
	obuf_release(&m);

	/* TABLE_DUMP_V2 with ADD-PATH and IPv6 peers */
	struct mrt_peer peers[2] = {{.asn = 4200000001u, .bgp_id = 1, .as4 = true},
				    {.asn = 3356, .bgp_id = 2}};
	parse_addr("192.0.2.1", &peers[0].addr);
	parse_addr("2001:db8::2", &peers[1].addr);
	mrt_write_peer_index(&out, h.ts, 0x01020304, "view", peers, 2);
	struct mrt_rib_entry re[2] = {{.peer_index = 0, .orig_time = h.ts, .path_id = 1, .attrs = &a},
				      {.peer_index = 1, .orig_time = h.ts, .path_id = 2, .attrs = &a}};
	mrt_write_rib(&out, h.ts, 0, &pf[0], re, 2, false);
	mrt_write_rib(&out, h.ts, 1, &pf[1], re, 2, true);
	mrt_write_rib(&out, h.ts, 2, &pf[2], re, 2, true);

	from_stream(obuf_data(&out), out.len);
	obuf_release(&out);
}

int main(int argc, char **argv)
{
	rw_log_level = RW_LOG_ERROR;
	if (argc == 3 && !strcmp(argv[1], "--builtin")) {
		outdir = argv[2];
		name = "builtin";
	} else if (argc == 3) {
		outdir = argv[1];
		name = argv[2];
	} else {
		fprintf(stderr, "usage: seedgen OUTDIR NAME < mrt | seedgen --builtin OUTDIR\n");
		return 2;
	}
	for (unsigned k = 0; k < RW_ARRAY_LEN(kdir); k++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", outdir, kdir[k]);
		mkdir(path, 0755);
	}
	if (!strcmp(name, "builtin")) {
		builtin();
		return 0;
	}
	/* whole stdin, capped: the seeds only need the first records */
	size_t cap = 64u << 20, len = 0;
	uint8_t *buf = malloc(cap);
	if (!buf)
		return 1;
	size_t k;
	while (len < cap && (k = fread(buf + len, 1, cap - len, stdin)) > 0)
		len += k;
	from_stream(buf, len);
	free(buf);
	return 0;
}
