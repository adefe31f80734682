/*
 * libFuzzer harness: the whole MRT path, framing (mrt_reader, with its
 * resynchronisation) and decoding (mrt_decode) into route elements.
 *
 * Input: two option bytes, then an MRT stream.
 *   byte 0: chunk size of the in-memory source, so records straddle
 *           chunks: 0 = the whole stream at once, 1..127 = that many
 *           bytes, 128..255 = (b - 127) * 64 bytes (64..8192); raised to
 *           size / 512 + 1 so no input is cut into more than ~512 chunks.
 *   byte 1: bit 0 want_msgs, bit 1 salvage, bit 2 format every element as
 *           bgpdump -m text, bit 3 as JSON (to /dev/null), bit 4 a small
 *           record cap (4 KiB) instead of the default 16 MiB, bit 5
 *           guess_addpath, bit 6 skip_path, bit 7 absorb a record's slack
 *           (as feed_file.c does: decode it with the slack bytes and call
 *           mrt_reader_absorb).
 *
 * Each chunk is copied into its own exact-size heap buffer, freed when
 * the next one is asked for (the source contract of mrt.h: "like
 * io_next", whose chunk is valid until the next call; FUZZ_KEEP_LAST_CHUNK
 * in the environment keeps the last chunk until the input is done, to
 * fuzz past a reader that reads it after the end), and each record body
 * is copied the same way
 * before mrt_decode: ASan then reports a read past a chunk or past a
 * record, which the reader's large window would otherwise hide. The
 * element callback touches every field of every element.
 *
 * Framing invariants checked: records and gaps tile the stream exactly
 * (each starts where the previous ended, and together they cover every
 * byte), and the reader never reports a source error.
 */
#include "fuzz_common.h"
#include "mrt/mrt.h"
#include "out/out.h"

#include <fcntl.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct src {
	const uint8_t *p;
	size_t len, off, chunk;
	uint8_t *copy; /* the chunk handed out last (owned) */
};

static bool keep_last_chunk;

static int src_next(void *ctx, const uint8_t **p, size_t *n)
{
	struct src *s = ctx;
	if (s->off >= s->len && keep_last_chunk)
		return 0;
	free(s->copy);
	s->copy = NULL;
	if (s->off >= s->len)
		return 0;
	size_t k = RW_MIN(s->len - s->off, s->chunk);
	s->copy = malloc(k);
	if (!s->copy)
		return RW_ENOMEM;
	memcpy(s->copy, s->p + s->off, k);
	s->off += k;
	*p = s->copy;
	*n = k;
	return 1;
}

struct sink {
	struct out text, json;
	bool use_text, use_json;
	const struct mrt_rec *rec;
};

static void touch_msg(const struct bgp_elem *e)
{
	if (!e->msg)
		return;
	switch (e->msg_type) {
	case BGP_MSG_OPEN: {
		const struct bgp_open *o = e->msg;
		FZ_CHECK(o->n_mp <= RW_ARRAY_LEN(o->mp) && o->n_addpath <= RW_ARRAY_LEN(o->addpath),
			 "OPEN capability counts");
		fz_touch(o, sizeof *o);
		break;
	}
	case BGP_MSG_NOTIFICATION: {
		const struct bgp_notification *m = e->msg;
		fz_val(m->code ^ m->subcode);
		fz_touch(m->data, m->data_len);
		fz_str(bgp_notification_name(m->code));
		break;
	}
	case BGP_MSG_ROUTE_REFRESH: {
		const struct bgp_route_refresh *r = e->msg;
		fz_val(r->afi ^ r->safi ^ r->subtype);
		break;
	}
	default:
		FZ_CHECK(0, "message element of type %u with a body", e->msg_type);
	}
}

static int on_elem(void *arg, const struct bgp_elem *e)
{
	struct sink *k = arg;
	fz_val(e->type ^ e->nh_len ^ e->msg_type ^ e->taw ^ e->mp ^ e->addpath ^ e->old_state ^
	       e->new_state ^ e->ts ^ e->usec ^ e->peer_asn ^ e->attrs_gen ^ e->orig_time);
	FZ_CHECK(e->ts == k->rec->h.ts, "element time %u, record %u", e->ts, k->rec->h.ts);
	switch (e->type) {
	case BGP_ELEM_ANNOUNCE:
	case BGP_ELEM_RIB:
		FZ_CHECK(e->attrs, "%c element without attributes", e->type);
		fz_attrs(e->attrs);
		FZ_CHECK(e->nh_len <= 32 && (!e->nh_len || e->nh), "next hop %u bytes at %p",
			 e->nh_len, (const void *)e->nh);
		if (e->nh)
			fz_touch(e->nh, e->nh_len);
		/* fall through */
	case BGP_ELEM_WITHDRAW:
		FZ_CHECK(e->peer, "%c element without a peer", e->type);
		fz_addr(e->peer);
		fz_prefix(&e->pfx);
		FZ_CHECK(e->addpath || e->pfx.path_id == 0, "path id %u without ADD-PATH",
			 e->pfx.path_id);
		break;
	case BGP_ELEM_STATE:
		FZ_CHECK(e->peer, "state element without a peer");
		fz_addr(e->peer);
		fz_str(bgp_state_name(e->old_state));
		fz_str(bgp_state_name(e->new_state));
		break;
	case BGP_ELEM_MSG:
		if (e->peer)
			fz_addr(e->peer);
		touch_msg(e);
		break;
	default:
		FZ_CHECK(0, "element type %u", e->type);
	}
	if (k->use_text)
		out_elem(&k->text, e);
	if (k->use_json)
		out_elem(&k->json, e);
	return 0;
}

static struct obuf out;
static uint8_t *window; /* the reader's buffer, reused across inputs */
static uint32_t window_cap;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_quiet();
	keep_last_chunk = getenv("FUZZ_KEEP_LAST_CHUNK") != NULL;
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || obuf_init(&out, fd, 1 << 16))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t cb = data[0], opt = data[1];
	data += 2;
	size -= 2;
	struct src s = {.p = data, .len = size};
	s.chunk = cb == 0 ? RW_MAX(size, (size_t)1) : cb < 128 ? cb : (size_t)(cb - 127) * 64;
	/* at most ~512 chunks: a malloc per byte of a 60 KiB input would make
	 * the harness 10x slower without reaching more of the reader */
	s.chunk = RW_MAX(s.chunk, size / 512 + 1);

	struct sink k;
	memset(&k, 0, sizeof k);
	k.use_text = opt & 4;
	k.use_json = opt & 8;
	out_open(&k.text, OUT_BGPDUMP, &out, NULL);
	/* every option bit is taken: the chunk byte's low bit picks bgpkit's
	 * objects instead of routewatch's JSON */
	out_open(&k.json, (cb & 1) ? OUT_BGPKIT : OUT_JSON, &out, NULL);

	struct mrt_reader rd;
	struct mrt_dec d;
	mrt_reader_init(&rd, src_next, &s, (opt & 16) ? 4096 : 0);
	/* The reader's window starts at 1 MiB or more; allocating (and
	 * faulting in) that per input costs a lot of speed. Hand it the window
	 * of the last input: an empty window of the same size, as after init. */
	rd.buf = window;
	rd.cap = window_cap;
	mrt_dec_init(&d);
	d.want_msgs = opt & 1;
	d.salvage = opt & 2;
	d.guess_addpath = opt & 32;
	d.skip_path = opt & 64;

	uint64_t pos = 0, nrec = 0;
	struct mrt_rec rec;
	int r;
	char name[48];
	while ((r = mrt_reader_next(&rd, &rec)) > 0) {
		if (r == MRT_NEXT_GAP) {
			FZ_CHECK(rd.gap.off == pos, "gap at %llu, expected %llu",
				 (unsigned long long)rd.gap.off, (unsigned long long)pos);
			FZ_CHECK(rd.gap.len > 0, "empty gap at %llu", (unsigned long long)pos);
			pos += rd.gap.len;
			fz_str(rd.gap.why);
			fz_str(mrt_type_name(rd.gap.bad.type, rd.gap.bad.subtype, name, sizeof name));
			continue;
		}
		FZ_CHECK(r == MRT_NEXT_REC, "mrt_reader_next returned %d", r);
		FZ_CHECK(rec.off == pos, "record at %llu, expected %llu", (unsigned long long)rec.off,
			 (unsigned long long)pos);
		FZ_CHECK(rec.idx == nrec, "record index %llu, expected %llu",
			 (unsigned long long)rec.idx, (unsigned long long)nrec);
		FZ_CHECK(mrt_hdr_sane(&rec.h, rd.max_rec), "insane header returned as a record");
		bool is_et = rec.h.type == MRT_BGP4MP_ET || rec.h.type == 33 || rec.h.type == 49;
		size_t et = is_et ? 4 : 0;
		FZ_CHECK(rec.len + et == rec.h.len, "body %zu bytes, header says %u", rec.len, rec.h.len);
		pos += MRT_HDR_LEN + (uint64_t)rec.h.len;
		nrec++;
		fz_str(mrt_type_name(rec.h.type, rec.h.subtype, name, sizeof name));
		bool absorb = (opt & 128) && rec.slack && rec.slack <= 64;
		if (absorb) { /* the slack bytes are read as part of the record */
			rec.len += rec.slack;
			rec.h.len += rec.slack;
			pos += rec.slack;
			mrt_reader_absorb(&rd);
		}

		/* the body in an exact-size buffer, so over-reads are caught */
		struct mrt_rec copy = rec;
		uint8_t *body = malloc(rec.len ? rec.len : 1);
		if (!body)
			break;
		memcpy(body, rec.body, rec.len);
		copy.body = body;
		copy.slack = 0;
		k.rec = &copy;
		out_record(&k.text, &copy, "fuzz");
		out_record(&k.json, &copy, "fuzz");
		struct mrt_result res;
		int st = mrt_decode(&d, &copy, on_elem, &k, &res);
		FZ_CHECK(st == 0, "mrt_decode returned %d with a callback that never stops", st);
		FZ_CHECK(res.err <= 0 && (!res.err || res.what), "result err %d what %p", res.err,
			 (const void *)res.what);
		fz_str(res.what);
		fz_str(res.attr_msg);
		fz_val(res.at ^ res.n_elems ^ res.n_taw ^ res.n_discard ^ res.n_unparseable ^
		       res.n_notes ^ res.worst ^ res.attr ^ res.attr_at ^ res.unsupported ^
		       res.n_bad_entries);
		if (res.err)
			FZ_CHECK(res.at <= rec.len, "problem offset %llu past a %zu-byte body",
				 (unsigned long long)res.at, rec.len);
		free(body);
	}
	FZ_CHECK(r == 0, "mrt_reader_next failed (%d) on a source that cannot fail", r);
	FZ_CHECK(pos == size, "records and gaps cover %llu of %zu bytes", (unsigned long long)pos,
		 size);

	free(s.copy);
	s.copy = NULL;
	mrt_dec_release(&d);
	window = rd.buf; /* kept for the next input instead of mrt_reader_release */
	window_cap = rd.cap;
	out_close(&k.text);
	out_close(&k.json);
	obuf_flush(&out);
	out.err = 0;
	return 0;
}
