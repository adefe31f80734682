/* io_sink: a file written through a compressor (see io.h). */
#include "io.h"

#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define OUT_STEP (256u << 10)

struct io_sink {
	enum io_comp comp;
	int fd;
	int err;          /* first error, sticky */
	int errnum;       /* errno of a failed system call */
	uint64_t bytes_in, bytes_out;
	uint8_t *out;     /* owned: compressed bytes not yet written */
	union {
		z_stream z;
		bz_stream bz;
		lzma_stream xz;
		ZSTD_CCtx *zs;
	} u;
};

static int put_fd(struct io_sink *s, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(s->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->errnum = w < 0 ? errno : ENOSPC;
			return s->err = RW_EIO;
		}
		p += w;
		n -= (size_t)w;
		s->bytes_out += (uint64_t)w;
	}
	return 0;
}

int io_sink_open(const char *path, enum io_comp comp, struct io_sink **out)
{
	*out = NULL;
	struct io_sink *s = rw_calloc(1, sizeof *s);
	s->comp = comp;
	s->out = rw_malloc(OUT_STEP);
	int rc = 0;
	switch (comp) {
	case IO_COMP_NONE:
		break;
	case IO_COMP_GZIP: /* windowBits 15 + 16: a gzip member */
		rc = deflateInit2(&s->u.z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK ? 0 : RW_ENOMEM;
		break;
	case IO_COMP_BZIP2:
		rc = BZ2_bzCompressInit(&s->u.bz, 9, 0, 0) == BZ_OK ? 0 : RW_ENOMEM;
		break;
	case IO_COMP_XZ: {
		lzma_stream init = LZMA_STREAM_INIT;
		s->u.xz = init;
		rc = lzma_easy_encoder(&s->u.xz, 6, LZMA_CHECK_CRC64) == LZMA_OK ? 0 : RW_ENOMEM;
		break;
	}
	case IO_COMP_ZSTD:
		s->u.zs = ZSTD_createCCtx();
		rc = s->u.zs ? 0 : RW_ENOMEM;
		if (!rc)
			ZSTD_CCtx_setParameter(s->u.zs, ZSTD_c_compressionLevel, 3);
		break;
	}
	if (rc) {
		free(s->out);
		free(s);
		return rc;
	}
	s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (s->fd < 0) {
		int en = errno;
		s->err = RW_EIO;
		io_sink_close(s, false);
		errno = en;
		return RW_EIO;
	}
	*out = s;
	return 0;
}

/* Run the compressor over p (finish: to its end). */
static int pump(struct io_sink *s, const uint8_t *p, size_t n, bool finish)
{
	for (;;) {
		size_t produced = 0;
		bool done = false;
		switch (s->comp) {
		case IO_COMP_NONE:
			return n ? put_fd(s, p, n) : 0;
		case IO_COMP_GZIP: {
			z_stream *z = &s->u.z;
			z->next_in = (Bytef *)(uintptr_t)p;
			z->avail_in = (uInt)n;
			z->next_out = s->out;
			z->avail_out = OUT_STEP;
			int r = deflate(z, finish ? Z_FINISH : Z_NO_FLUSH);
			if (r == Z_STREAM_ERROR)
				return s->err = RW_ECOMPRESS;
			produced = OUT_STEP - z->avail_out;
			p += n - z->avail_in;
			n = z->avail_in;
			done = finish ? r == Z_STREAM_END : n == 0 && z->avail_out != 0;
			break;
		}
		case IO_COMP_BZIP2: {
			bz_stream *b = &s->u.bz;
			b->next_in = (char *)(uintptr_t)p;
			b->avail_in = (unsigned)n;
			b->next_out = (char *)s->out;
			b->avail_out = OUT_STEP;
			int r = BZ2_bzCompress(b, finish ? BZ_FINISH : BZ_RUN);
			if (r < 0)
				return s->err = RW_ECOMPRESS;
			produced = OUT_STEP - b->avail_out;
			p += n - b->avail_in;
			n = b->avail_in;
			done = finish ? r == BZ_STREAM_END : n == 0;
			break;
		}
		case IO_COMP_XZ: {
			lzma_stream *x = &s->u.xz;
			x->next_in = p;
			x->avail_in = n;
			x->next_out = s->out;
			x->avail_out = OUT_STEP;
			lzma_ret r = lzma_code(x, finish ? LZMA_FINISH : LZMA_RUN);
			if (r != LZMA_OK && r != LZMA_STREAM_END)
				return s->err = RW_ECOMPRESS;
			produced = OUT_STEP - x->avail_out;
			p += n - x->avail_in;
			n = x->avail_in;
			done = finish ? r == LZMA_STREAM_END : n == 0 && x->avail_out != 0;
			break;
		}
		case IO_COMP_ZSTD: {
			ZSTD_inBuffer in = {p, n, 0};
			ZSTD_outBuffer ob = {s->out, OUT_STEP, 0};
			size_t r = ZSTD_compressStream2(s->u.zs, &ob, &in, finish ? ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(r))
				return s->err = RW_ECOMPRESS;
			produced = ob.pos;
			p += in.pos;
			n -= in.pos;
			done = finish ? r == 0 : n == 0 && ob.pos < ob.size;
			break;
		}
		}
		if (produced && put_fd(s, s->out, produced))
			return s->err;
		if (done)
			return 0;
	}
}

int io_sink_write(struct io_sink *s, const void *p, size_t n)
{
	if (s->err)
		return s->err;
	s->bytes_in += n;
	return pump(s, p, n, false);
}

int io_sink_close(struct io_sink *s, bool keep)
{
	if (!s)
		return 0;
	int rc = s->err;
	if (keep && !rc && s->fd >= 0) {
		rc = pump(s, NULL, 0, true);
		if (!rc && fsync(s->fd)) {
			s->errnum = errno;
			rc = RW_EIO;
		}
	}
	switch (s->comp) {
	case IO_COMP_NONE: break;
	case IO_COMP_GZIP: deflateEnd(&s->u.z); break;
	case IO_COMP_BZIP2: BZ2_bzCompressEnd(&s->u.bz); break;
	case IO_COMP_XZ: lzma_end(&s->u.xz); break;
	case IO_COMP_ZSTD: ZSTD_freeCCtx(s->u.zs); break;
	}
	if (s->fd >= 0 && close(s->fd) && !rc) {
		s->errnum = errno;
		rc = RW_EIO;
	}
	int en = s->errnum;
	free(s->out);
	free(s);
	errno = en;
	return rc;
}

uint64_t io_sink_bytes_out(const struct io_sink *s)
{
	return s->bytes_out;
}

int io_comp_parse(const char *name, enum io_comp *c)
{
	static const struct {
		const char *n;
		enum io_comp c;
	} t[] = {{"none", IO_COMP_NONE}, {"gz", IO_COMP_GZIP},  {"gzip", IO_COMP_GZIP},
		 {"bz2", IO_COMP_BZIP2}, {"bzip2", IO_COMP_BZIP2}, {"xz", IO_COMP_XZ},
		 {"zst", IO_COMP_ZSTD},  {"zstd", IO_COMP_ZSTD}};
	for (size_t i = 0; i < RW_ARRAY_LEN(t); i++)
		if (!strcmp(name, t[i].n)) {
			*c = t[i].c;
			return 0;
		}
	return RW_EINVAL;
}

const char *io_comp_ext(enum io_comp c)
{
	static const char *const e[] = {"", ".gz", ".bz2", ".xz", ".zst"};
	return (unsigned)c < RW_ARRAY_LEN(e) ? e[c] : "";
}
