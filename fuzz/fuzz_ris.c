/*
 * libFuzzer harness: ris/ (RIS Live JSON messages) as the RIS Live client
 * reads them: the input is one WebSocket message. Every record the decoder
 * appends is framed again and decoded by mrt/ the way the engine does.
 *
 * Invariants: on an error nothing is appended and err is a non-empty
 * string; on success the records fill exactly what was appended, their
 * number is m.nrec, each is a BGP4MP_ET record of the message's time whose
 * decoding finds no framing error; the collector name is non-empty and has
 * no '/'.
 */
#include "fuzz_common.h"
#include "ris/ris.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ris_dec dec;
static struct mrt_dec mdec;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_quiet();
	ris_dec_init(&dec);
	mrt_dec_init(&mdec);
	return 0;
}

static int on_elem(void *arg, const struct bgp_elem *e)
{
	(void)arg;
	fz_val(e->type);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct obuf out = {0};
	obuf_write(&out, "seed", 4); /* appends must keep what was there */
	struct ris_msg m;
	char err[256] = "";
	int rc = ris_decode(&dec, (const char *)data, size, &out, &m, err, sizeof err);
	if (rc) {
		FZ_CHECK(rc < 0 && err[0], "error %d without a message", rc);
		FZ_CHECK(out.len == 4, "an error appended %zu bytes", out.len - 4);
		obuf_release(&out);
		return 0;
	}
	const uint8_t *p = obuf_data(&out) + 4;
	size_t n = out.len - 4, off = 0;
	unsigned k = 0;
	if (m.kind == RIS_RECORDS) {
		FZ_CHECK(m.host[0] && !strchr(m.host, '/'), "collector name '%s'", m.host);
		fz_str(m.host);
	}
	if (m.kind == RIS_ERROR)
		fz_str(m.text);
	while (off < n) {
		FZ_CHECK(n - off >= MRT_HDR_LEN + 4, "a short record at %zu", off);
		struct mrt_rec r;
		memset(&r, 0, sizeof r);
		mrt_hdr_decode(p + off, &r.h);
		FZ_CHECK(r.h.type == MRT_BGP4MP_ET, "record type %u", r.h.type);
		FZ_CHECK(r.h.ts == m.ts, "record time %u, message %u", r.h.ts, m.ts);
		size_t rl = MRT_HDR_LEN + r.h.len;
		FZ_CHECK(rl <= n - off && r.h.len >= 4, "record length %u", r.h.len);
		r.h.usec = rd32(p + off + MRT_HDR_LEN);
		r.body = p + off + MRT_HDR_LEN + 4;
		r.len = r.h.len - 4;
		r.idx = k;
		struct mrt_result res;
		memset(&res, 0, sizeof res);
		mrt_decode(&mdec, &r, on_elem, NULL, &res);
		FZ_CHECK(res.err != RW_ETRUNC, "a record the writer made is truncated: %s", res.what ? res.what : "?");
		off += rl;
		k++;
	}
	FZ_CHECK(k == m.nrec, "%u records, the message says %u", k, m.nrec);
	FZ_CHECK((m.kind == RIS_RECORDS) == (k > 0), "kind %d with %u records", m.kind, k);
	obuf_release(&out);
	return 0;
}
