/*
 * docs/events.md §15: an event's proof (out.h), as the API and the
 * event's page show it. The record is decoded and printed by the one
 * element formatter there is (bgpdump -m, out_bgpdump.c: the lines
 * `routewatch dump` prints for it); nothing here formats a route.
 */
#include "out_int.h"

#include <stdlib.h>

static int on_elem(void *arg, const struct bgp_elem *e)
{
	out_elem(arg, e);
	return 0;
}

int out_mrt_lines(struct obuf *ob, const uint8_t *p, size_t n, const char *file)
{
	if (n < MRT_HDR_LEN)
		return RW_ETRUNC;
	struct mrt_rec rec = {.body = p + MRT_HDR_LEN};
	mrt_hdr_decode(p, &rec.h);
	size_t skip = MRT_HDR_LEN;
	if (rec.h.type == MRT_BGP4MP_ET) {
		if (n < MRT_HDR_LEN + 4)
			return RW_ETRUNC;
		rec.h.usec = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 | (uint32_t)p[14] << 8 | p[15];
		skip += 4;
	}
	if (rec.h.len + MRT_HDR_LEN != n)
		return RW_EMALFORMED; /* one whole record, nothing else */
	rec.body = p + skip;
	rec.len = n - skip;
	struct out o;
	out_open(&o, OUT_BGPDUMP, ob, NULL);
	out_record(&o, &rec, file);
	struct mrt_dec dec;
	mrt_dec_init(&dec);
	struct mrt_result res = {0};
	int rc = mrt_decode(&dec, &rec, on_elem, &o, &res);
	mrt_dec_release(&dec);
	out_close(&o);
	return rc < 0 ? rc : (int)res.n_elems;
}

void out_proof_json(struct obuf *o, const struct store_proof *p, const char *record_url)
{
	/* "first_seen": the peer and collector of the first change */
	out__key(o, "first_seen");
	if (p && *p->peer) {
		obuf_puts(o, "{\"collector\":");
		obuf_json_str(o, p->collector, strlen(p->collector));
		out__key(o, "peer");
		obuf_json_str(o, p->peer, strlen(p->peer));
		out__knum(o, "peer_asn", p->peer_asn);
		out__ktime(o, "time", p->time);
		obuf_putc(o, '}');
	} else {
		obuf_puts(o, "null");
	}
	out__key(o, "proof");
	if (!p) {
		obuf_puts(o, "null");
		return;
	}
	obuf_puts(o, "{\"record\":");
	if (p->rec) {
		struct obuf t = {0};
		obuf_init_mem(&t, 256);
		int rc = out_mrt_lines(&t, p->rec, p->len, p->file);
		size_t n = t.len;
		while (n && t.buf[n - 1] == '\n')
			n--;
		if (rc > 0)
			obuf_json_str(o, t.buf, n);
		else
			obuf_puts(o, "null");
		obuf_release(&t);
		out__key(o, "record_mrt");
		obuf_json_str(o, record_url, strlen(record_url));
	} else {
		obuf_puts(o, "null");
	}
	out__knum(o, "record_length", p->rec_len);
	out__key(o, "file");
	if (*p->file) {
		obuf_json_str(o, p->file, strlen(p->file));
		out__knum(o, "offset", p->off);
	} else {
		obuf_puts(o, "null");
	}
	if (*p->cause) {
		out__key(o, "cause");
		obuf_json_str(o, p->cause, strlen(p->cause));
	}
	obuf_putc(o, '}');
}
