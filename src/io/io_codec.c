/*
 * Streaming decoders for gzip (zlib), xz (liblzma) and zstd (libzstd),
 * run on the producer thread. Input is read in 1 MiB blocks; output goes
 * into queue chunks. Concatenated streams (multi-member gzip, xz, zstd
 * frames) are decoded one after the other like the command-line tools do.
 *
 * A stream that ends early yields everything decoded so far and then an
 * error that names the compressed byte offset.
 */
#include "io_int.h"

#include <bzlib.h>
#include <lzma.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#define IN_SIZE (1u << 20)

/* A decoder step: consume from *in (advancing it), write into out.
 * Returns 0 to continue, 1 at the end of one stream/member, < 0 on error. */
struct codec {
	int (*step)(struct codec *c, const uint8_t **in, size_t *in_len, uint8_t *out,
		    size_t out_cap, size_t *out_len);
	int (*reset)(struct codec *c); /* for the next concatenated member */
	void (*end)(struct codec *c);
	const char *name;
	char msg[96];
	union {
		z_stream z;
		lzma_stream x;
		ZSTD_DStream *zs;
	} u;
};

/* ---- gzip */

static int gz_step(struct codec *c, const uint8_t **in, size_t *in_len, uint8_t *out,
		   size_t out_cap, size_t *out_len)
{
	z_stream *z = &c->u.z;
	z->next_in = (Bytef *)*in;
	z->avail_in = (uInt)*in_len;
	z->next_out = out;
	z->avail_out = (uInt)out_cap;
	int r = inflate(z, Z_NO_FLUSH);
	*out_len = out_cap - z->avail_out;
	*in += *in_len - z->avail_in;
	*in_len = z->avail_in;
	if (r == Z_STREAM_END)
		return 1;
	if (r == Z_OK || r == Z_BUF_ERROR)
		return 0;
	snprintf(c->msg, sizeof c->msg, "%s", z->msg ? z->msg : "inflate error");
	return RW_ECOMPRESS;
}

static int gz_reset(struct codec *c) { return inflateReset(&c->u.z) == Z_OK ? 0 : RW_ECOMPRESS; }
static void gz_end(struct codec *c) { inflateEnd(&c->u.z); }

static int gz_init(struct codec *c)
{
	memset(&c->u.z, 0, sizeof c->u.z);
	if (inflateInit2(&c->u.z, 15 + 16) != Z_OK)
		return RW_ENOMEM;
	c->step = gz_step;
	c->reset = gz_reset;
	c->end = gz_end;
	c->name = "gzip";
	return 0;
}

/* ---- xz */

static int xz_step(struct codec *c, const uint8_t **in, size_t *in_len, uint8_t *out,
		   size_t out_cap, size_t *out_len)
{
	lzma_stream *x = &c->u.x;
	x->next_in = *in;
	x->avail_in = *in_len;
	x->next_out = out;
	x->avail_out = out_cap;
	lzma_ret r = lzma_code(x, *in_len ? LZMA_RUN : LZMA_FINISH);
	*out_len = out_cap - x->avail_out;
	*in += *in_len - x->avail_in;
	*in_len = x->avail_in;
	if (r == LZMA_STREAM_END)
		return 1;
	if (r == LZMA_OK || r == LZMA_BUF_ERROR)
		return 0;
	snprintf(c->msg, sizeof c->msg, "lzma error %d", (int)r);
	return RW_ECOMPRESS;
}

static int xz_reset(struct codec *c) { (void)c; return 0; }
static void xz_end(struct codec *c) { lzma_end(&c->u.x); }

static int xz_init(struct codec *c)
{
	lzma_stream init = LZMA_STREAM_INIT;
	c->u.x = init;
	/* LZMA_CONCATENATED decodes back-to-back .xz streams like xz -d. */
	if (lzma_stream_decoder(&c->u.x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return RW_ENOMEM;
	c->step = xz_step;
	c->reset = xz_reset;
	c->end = xz_end;
	c->name = "xz";
	return 0;
}

/* ---- zstd */

static int zs_step(struct codec *c, const uint8_t **in, size_t *in_len, uint8_t *out,
		   size_t out_cap, size_t *out_len)
{
	ZSTD_inBuffer ib = {*in, *in_len, 0};
	ZSTD_outBuffer ob = {out, out_cap, 0};
	size_t r = ZSTD_decompressStream(c->u.zs, &ob, &ib);
	*out_len = ob.pos;
	*in += ib.pos;
	*in_len -= ib.pos;
	if (ZSTD_isError(r)) {
		snprintf(c->msg, sizeof c->msg, "%s", ZSTD_getErrorName(r));
		return RW_ECOMPRESS;
	}
	return r == 0 ? 1 : 0; /* 0: a frame is complete */
}

static int zs_reset(struct codec *c) { (void)c; return 0; }
static void zs_end(struct codec *c) { ZSTD_freeDStream(c->u.zs); }

static int zs_init(struct codec *c)
{
	c->u.zs = ZSTD_createDStream();
	if (!c->u.zs)
		return RW_ENOMEM;
	ZSTD_initDStream(c->u.zs);
	c->step = zs_step;
	c->reset = zs_reset;
	c->end = zs_end;
	c->name = "zstd";
	return 0;
}

/* Is what follows the end of a member the start of another one? */
static int member_magic(enum io_comp comp, const uint8_t *p, size_t n)
{
	return io_detect(p, n) == comp;
}

void *io__stream_thread(void *arg)
{
	struct io_src *s = arg;
	struct io__queue *q = &s->q;
	struct codec c;
	int rc;
	switch (s->comp) {
	case IO_COMP_GZIP: rc = gz_init(&c); break;
	case IO_COMP_XZ: rc = xz_init(&c); break;
	default: rc = zs_init(&c); break;
	}
	if (rc) {
		io__q_finish(q, rc, "%s: cannot initialise decoder", io_comp_name(s->comp));
		return NULL;
	}
	uint8_t *in = rw_malloc(IN_SIZE);
	const uint8_t *ip = in;
	size_t il = 0;
	int in_eof = 0, at_member_end = 0;
	uint64_t consumed = 0; /* compressed bytes fed to the decoder */
	struct io__chunk *ch = NULL;
	int err = 0;
	char msg[200] = "";

	for (;;) {
		if (il == 0 && !in_eof) {
			long k = io__raw_read(&s->raw, in, IN_SIZE);
			if (k < 0) {
				err = RW_EIO;
				snprintf(msg, sizeof msg, "read error at compressed byte %llu",
					 (unsigned long long)consumed);
				break;
			}
			if (k == 0)
				in_eof = 1;
			ip = in;
			il = (size_t)k;
		}
		if (at_member_end) {
			if (il == 0 && in_eof)
				break; /* clean end */
			if (il < 6 && !in_eof) {
				/* need a few more bytes to see the next magic */
				memmove(in, ip, il);
				long k = io__raw_read(&s->raw, in + il, IN_SIZE - il);
				if (k < 0) {
					err = RW_EIO;
					snprintf(msg, sizeof msg, "read error");
					break;
				}
				if (k == 0)
					in_eof = 1;
				ip = in;
				il += (size_t)k;
				continue;
			}
			if (!member_magic(s->comp, ip, il)) {
				/* gzip -d also stops here ("trailing garbage ignored") */
				rw_log(RW_LOG_WARN, "%s: %zu%s bytes of trailing garbage after %s data at compressed byte %llu ignored",
				       s->path, il, in_eof ? "" : "+", c.name,
				       (unsigned long long)consumed);
				break;
			}
			if (c.reset(&c)) {
				err = RW_ECOMPRESS;
				snprintf(msg, sizeof msg, "%s: reset failed", c.name);
				break;
			}
			at_member_end = 0;
		}
		if (!ch) {
			ch = io__q_get_free(q);
			if (!ch)
				goto out; /* the consumer closed early */
		}
		size_t before = il, produced = 0;
		int r = c.step(&c, &ip, &il, ch->data + ch->len, ch->cap - ch->len, &produced);
		consumed += before - il;
		ch->len += produced;
		if (r < 0) {
			err = r;
			snprintf(msg, sizeof msg, "%s: %s near compressed byte %llu", c.name, c.msg,
				 (unsigned long long)consumed);
			break;
		}
		if (r == 1)
			at_member_end = 1;
		if (ch->len == ch->cap) {
			int pr = io__q_push(q, ch); /* frees it when stopped */
			ch = NULL;
			if (pr)
				goto out;
		}
		if (!r && !produced && il == 0 && in_eof) {
			err = RW_ECOMPRESS;
			snprintf(msg, sizeof msg,
				 "%s: unexpected end of compressed data at byte %llu (stream truncated)",
				 c.name, (unsigned long long)consumed);
			break;
		}
	}
	if (ch && ch->len) {
		io__q_push(q, ch);
		ch = NULL;
	}
	io__q_finish(q, err, "%s", msg);
out:
	if (ch)
		io__chunk_free_list(ch);
	free(in);
	c.end(&c);
	return NULL;
}
