/*
 * Buffered writer. The buffer is owned by struct obuf; writes retry on
 * EINTR and short writes. The first write error sticks in o->err and later
 * data is dropped (the caller reports it once at the end). Whatever fails,
 * the buffer never overflows: a flush always leaves room (the pending
 * bytes written, handed to the sink, dropped after an error, or the
 * memory buffer grown), and obuf_make_room grows it for a request larger
 * than the whole buffer.
 */
#include "base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void init(struct obuf *o, enum obuf_mode mode, int fd, size_t cap)
{
	memset(o, 0, sizeof *o);
	o->mode = (uint8_t)mode;
	o->fd = fd;
	o->cap = cap ? cap : 1 << 20;
	o->buf = rw_malloc(o->cap);
}

int obuf_init(struct obuf *o, int fd, size_t cap)
{
	init(o, OBUF_FD, fd, cap);
	return 0;
}

int obuf_init_sink(struct obuf *o, size_t cap, int (*sink)(void *arg, const char *p, size_t n), void *arg)
{
	init(o, OBUF_SINK, -1, cap);
	o->sink = sink;
	o->sink_arg = arg;
	return 0;
}

int obuf_init_mem(struct obuf *o, size_t cap)
{
	init(o, OBUF_MEM, -1, cap);
	return 0;
}

char *obuf_take(struct obuf *o, size_t *len)
{
	char *b = o->buf;
	*len = o->len;
	o->buf = rw_malloc(o->cap);
	o->len = 0;
	return b;
}

/* Everything to the descriptor, through EINTR and short writes. */
static void write_fd(struct obuf *o, const char *p, size_t n)
{
	size_t off = 0;
	while (off < n && !o->err) {
		ssize_t w = write(o->fd, p + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			o->err = RW_EIO;
			break;
		}
		off += (size_t)w;
	}
	o->total += off;
}

int obuf_flush(struct obuf *o)
{
	if (o->mode == OBUF_SINK) {
		if (o->len && !o->err)
			o->err = o->sink(o->sink_arg, o->buf, o->len);
		o->total += o->len;
		o->len = 0;
		return o->err;
	}
	if (o->mode == OBUF_MEM) {
		/* make room instead of writing */
		o->cap = o->cap ? o->cap * 2 : 256;
		o->buf = rw_realloc(o->buf, o->cap);
		return 0;
	}
	write_fd(o, o->buf, o->len);
	o->len = 0;
	return o->err;
}

void obuf_make_room(struct obuf *o, size_t n)
{
	obuf_flush(o);
	if (o->cap - o->len < n) {
		o->cap = o->len + n;
		o->buf = rw_realloc(o->buf, o->cap);
	}
}

int obuf_write(struct obuf *o, const void *p, size_t n)
{
	const char *s = p;
	if (o->mode == OBUF_FD && n >= o->cap) {
		/* as large as the buffer: straight to the descriptor, no copy
		 * (a parallel decoder's batches) */
		obuf_flush(o);
		write_fd(o, s, n);
		return o->err;
	}
	while (n) {
		if (o->len == o->cap && obuf_flush(o))
			return o->err;
		if (o->mode == OBUF_MEM && o->cap - o->len < n && obuf_flush(o))
			return o->err;
		size_t k = RW_MIN(n, o->cap - o->len);
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
	return o->err;
}

void obuf_release(struct obuf *o)
{
	if (o->buf && o->mode != OBUF_MEM)
		obuf_flush(o);
	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

void obuf_printf(struct obuf *o, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		obuf_putsn(o, tmp, (size_t)n);
		return;
	}
	char *big = rw_malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	obuf_putsn(o, big, (size_t)n);
	free(big);
}

void obuf_json_str(struct obuf *o, const char *s, size_t n)
{
	obuf_putc(o, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			obuf_putc(o, '\\');
			obuf_putc(o, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			char esc[7];
			snprintf(esc, sizeof esc, "\\u%04x", c);
			obuf_putsn(o, esc, 6);
		} else {
			obuf_putc(o, (char)c);
		}
	}
	obuf_putc(o, '"');
}
