/*
 * Buffered writer. The buffer is owned by struct obuf; writes retry on
 * EINTR and short writes. The first write error sticks in o->err and later
 * data is dropped (the caller reports it once at the end).
 */
#include "base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int obuf_init(struct obuf *o, int fd, size_t cap)
{
	o->fd = fd;
	o->cap = cap ? cap : 1 << 20;
	o->len = 0;
	o->total = 0;
	o->err = 0;
	o->sink = NULL;
	o->sink_arg = NULL;
	o->buf = malloc(o->cap);
	return o->buf ? 0 : RW_ENOMEM;
}

int obuf_init_sink(struct obuf *o, size_t cap, int (*sink)(void *arg, const char *p, size_t n), void *arg)
{
	int rc = obuf_init(o, -2, cap);
	o->sink = sink;
	o->sink_arg = arg;
	return rc;
}

int obuf_init_mem(struct obuf *o, size_t cap)
{
	return obuf_init(o, -1, cap);
}

char *obuf_take(struct obuf *o, size_t *len)
{
	char *b = o->buf;
	*len = o->len;
	o->buf = malloc(o->cap);
	o->len = 0;
	if (!o->buf)
		o->err = RW_ENOMEM;
	return b;
}

int obuf_flush(struct obuf *o)
{
	if (o->fd == -2) {
		if (o->len && !o->err)
			o->err = o->sink(o->sink_arg, o->buf, o->len);
		o->total += o->len;
		o->len = 0;
		return o->err;
	}
	if (o->fd < 0) {
		/* memory mode: make room instead of writing */
		size_t ncap = o->cap * 2;
		char *nb = realloc(o->buf, ncap);
		if (!nb) {
			o->err = RW_ENOMEM;
			return o->err;
		}
		o->buf = nb;
		o->cap = ncap;
		return 0;
	}
	size_t off = 0;
	while (off < o->len && !o->err) {
		ssize_t w = write(o->fd, o->buf + off, o->len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			o->err = RW_EIO;
			break;
		}
		off += (size_t)w;
	}
	o->total += off;
	o->len = 0;
	return o->err;
}

int obuf_write(struct obuf *o, const void *p, size_t n)
{
	const char *s = p;
	while (n) {
		if (o->len == o->cap && obuf_flush(o))
			return o->err;
		if (o->fd == -1 && o->cap - o->len < n && obuf_flush(o))
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
	if (o->buf && (o->fd >= 0 || o->fd == -2))
		obuf_flush(o);
	free(o->buf);
	o->buf = NULL;
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
	char *big = malloc((size_t)n + 1);
	if (!big)
		return;
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
