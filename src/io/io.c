/*
 * io.c: open, magic-byte detection, plain reads, and the chunk queue that
 * connects decompression threads to the consumer.
 *
 * Plain input is read in 4 MiB blocks. Small files are read on the
 * caller's thread; large regular ones (a RIB dump) are mapped (io_map.c:
 * no copy out of the page cache at all, about 0.5 s a GB on the 2-core
 * machines of bench/); pipes, and large files that cannot be mapped, are
 * read on a thread of their own, straight into the chunks the caller
 * reads, so the kernel's copy is off the core that parses. Compressed files
 * start a producer: one thread for gzip/xz/zstd (io_codec.c), a scanner
 * plus decoder pool for bzip2 (io_bz2.c).
 */
#include "io_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

enum io_comp io_detect(const uint8_t *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return IO_COMP_GZIP;
	if (n >= 4 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' &&
	    p[3] <= '9')
		return IO_COMP_BZIP2;
	if (n >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
		return IO_COMP_XZ;
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return IO_COMP_ZSTD;
	return IO_COMP_NONE;
}

const char *io_comp_name(enum io_comp c)
{
	switch (c) {
	case IO_COMP_NONE: return "none";
	case IO_COMP_GZIP: return "gzip";
	case IO_COMP_BZIP2: return "bzip2";
	case IO_COMP_XZ: return "xz";
	case IO_COMP_ZSTD: return "zstd";
	}
	return "?";
}

long io__raw_read(struct io__raw *r, uint8_t *buf, size_t n)
{
	size_t got = 0;
	if (r->head_pos < r->head_len) {
		got = RW_MIN(n, r->head_len - r->head_pos);
		memcpy(buf, r->head + r->head_pos, got);
		r->head_pos += got;
	}
	while (got < n && !r->eof) {
		ssize_t k = read(r->fd, buf + got, n - got);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return RW_EIO;
		}
		if (k == 0) {
			r->eof = 1;
			break;
		}
		got += (size_t)k;
	}
	__atomic_add_fetch(&r->nread, got, __ATOMIC_RELAXED);
	return (long)got;
}

/* ---------------------------------------------------------------- queue */

#define FREE_CAP 128 /* chunks kept for reuse; more are freed */

void io__q_init(struct io__queue *q, size_t chunk_size, uint32_t max_filled, unsigned max_chunks)
{
	memset(q, 0, sizeof *q);
	rw_queue_init(&q->filled, max_filled, RW_MEM_IO);
	rw_queue_init(&q->free, FREE_CAP, RW_MEM_IO);
	pthread_mutex_init(&q->mu, NULL);
	q->chunk_size = chunk_size;
	q->max_chunks = max_chunks;
}

static struct io__chunk *chunk_new(size_t cap)
{
	struct io__chunk *c = rw_calloc(1, sizeof *c);
	c->data = rw_malloc(cap);
	c->cap = cap;
	rw_mem_count(RW_MEM_IO, (int64_t)cap);
	return c;
}

void io__chunk_free_list(struct io__chunk *c)
{
	while (c) {
		struct io__chunk *n = c->next;
		rw_mem_count(RW_MEM_IO, -(int64_t)c->cap);
		free(c->data);
		free(c);
		c = n;
	}
}

static void chunk_free(struct io__chunk *c)
{
	c->next = NULL;
	io__chunk_free_list(c);
}

void io__q_release(struct io__queue *q)
{
	for (struct io__chunk *c; (c = rw_queue_try_pop(&q->filled));)
		chunk_free(c);
	for (struct io__chunk *c; (c = rw_queue_try_pop(&q->free));)
		chunk_free(c);
	rw_queue_release(&q->filled);
	rw_queue_release(&q->free);
	pthread_mutex_destroy(&q->mu);
}

/* A chunk the consumer is done with: reused, or freed when enough wait. */
static void recycle(struct io__queue *q, struct io__chunk *c)
{
	c->len = 0;
	c->next = NULL;
	if (!rw_queue_try_push(&q->free, c))
		chunk_free(c);
}

struct io__chunk *io__q_get_free(struct io__queue *q)
{
	struct io__chunk *c = rw_queue_try_pop(&q->free);
	if (!c && q->nchunks < q->max_chunks) { /* one producer: nchunks is its own */
		q->nchunks++;
		return chunk_new(q->chunk_size);
	}
	if (!c)
		c = rw_queue_pop(&q->free); /* NULL: stopped */
	return c;
}

struct io__chunk *io__q_chunk(struct io__queue *q)
{
	struct io__chunk *c = rw_queue_try_pop(&q->free);
	return c ? c : chunk_new(q->chunk_size);
}

int io__q_push(struct io__queue *q, struct io__chunk *c)
{
	c->next = NULL;
	if (rw_queue_push(&q->filled, c)) {
		chunk_free(c);
		return RW_EIO;
	}
	return 0;
}

void io__q_finish(struct io__queue *q, int err, const char *fmt, ...)
{
	pthread_mutex_lock(&q->mu);
	if (!q->finished) {
		q->finished = true;
		q->err = err;
		if (err && fmt) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(q->errmsg, sizeof q->errmsg, fmt, ap);
			va_end(ap);
		}
	}
	pthread_mutex_unlock(&q->mu);
	rw_queue_close(&q->filled); /* the consumer takes what is left, then the error */
}

int io__q_stopped(struct io__queue *q)
{
	return __atomic_load_n(&q->stop, __ATOMIC_ACQUIRE);
}

/* The consumer is gone: producers waiting on either queue give up. */
static void q_stop(struct io__queue *q)
{
	__atomic_store_n(&q->stop, 1, __ATOMIC_RELEASE);
	rw_queue_close(&q->filled);
	rw_queue_close(&q->free);
}

/* ---------------------------------------------------------------- plain */

#define PLAIN_BLOCK (4u << 20)
/* Files from this size (and pipes) are read on a thread: below it the
 * thread's start costs more than the copy it moves. */
#define PLAIN_THREAD_MIN (16u << 20)

/* The producer of plain input: blocks read into the queue's chunks. */
static void *plain_thread(void *arg)
{
	struct io_src *s = arg;
	struct io__queue *q = &s->q;
	for (struct io__chunk *c; (c = io__q_get_free(q));) {
		long k = io__raw_read(&s->raw, c->data, c->cap);
		if (k <= 0) {
			int e = errno;
			recycle(q, c);
			if (k < 0)
				io__q_finish(q, RW_EIO, "read error after byte %llu: %s",
					     (unsigned long long)io_bytes_in(s), strerror(e));
			else
				io__q_finish(q, 0, NULL);
			return NULL;
		}
		c->len = (size_t)k;
		if (io__q_push(q, c))
			return NULL; /* the consumer is gone */
	}
	return NULL;
}

static bool plain_size(int fd, uint64_t *size)
{
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return false;
	*size = (uint64_t)st.st_size;
	return true;
}

static bool plain_on_thread(int fd)
{
	struct stat st;
	if (fstat(fd, &st))
		return false;
	return S_ISFIFO(st.st_mode) || (S_ISREG(st.st_mode) && st.st_size >= (off_t)PLAIN_THREAD_MIN);
}

/* ---------------------------------------------------------------- open */

int io_open(const char *path, const struct io_opts *opts, struct io_src **out)
{
	*out = NULL;
	int is_stdin = !path || !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rw_log(RW_LOG_ERROR, "%s: %s", path, strerror(errno));
		return RW_EIO;
	}
#ifdef POSIX_FADV_SEQUENTIAL
	if (!is_stdin)
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	struct io_src *s = rw_calloc(1, sizeof *s);
	s->path = rw_strdup(is_stdin ? "-" : path);
	s->raw.fd = fd;
	s->chunk_size = opts && opts->chunk ? opts->chunk : 1 << 20;
	s->threads = opts && opts->threads ? opts->threads : 0;
	if (!s->threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		s->threads = n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
	}

	/* Sniff the magic; the bytes stay in raw.head for whoever reads next. */
	long got = io__raw_read(&s->raw, s->raw.head, 6);
	if (got < 0) {
		rw_log(RW_LOG_ERROR, "%s: %s", s->path, strerror(errno));
		io_close(s);
		return RW_EIO;
	}
	s->raw.head_len = (size_t)got;
	s->raw.head_pos = 0;
	s->raw.nread = 0;
	s->comp = io_detect(s->raw.head, (size_t)got);

	int rc = 0;
	uint64_t size;
	switch (s->comp) {
	case IO_COMP_NONE:
		/* a large regular file (not stdin) is mapped; failing that, it
		 * and pipes are read on a thread */
		if (!is_stdin && plain_size(fd, &size) && size >= PLAIN_THREAD_MIN && io__map_open(s, size))
			break;
		if (plain_on_thread(fd)) {
			/* two blocks may wait while the caller parses a third */
			io__q_init(&s->q, PLAIN_BLOCK, 2, 3);
			s->q_used = 1;
			if (!(rc = rw_thread_start(&s->producer, plain_thread, s, "read")))
				s->producer_started = 1;
			break;
		}
		s->buf_cap = PLAIN_BLOCK;
		s->buf = rw_malloc(s->buf_cap);
		rw_mem_count(RW_MEM_IO, (int64_t)s->buf_cap);
		break;
	case IO_COMP_BZIP2: {
		/* 32 MiB of decoded output may wait for the consumer */
		uint32_t max = (uint32_t)RW_MAX((32u << 20) / s->chunk_size, 4);
		io__q_init(&s->q, s->chunk_size, max, 0);
		s->q_used = 1;
		rc = io__bz2_start(s);
		break;
	}
	default:
		io__q_init(&s->q, s->chunk_size, 4, 4);
		s->q_used = 1;
		if (!(rc = rw_thread_start(&s->producer, io__stream_thread, s, "decompression")))
			s->producer_started = 1;
		break;
	}
	if (rc) {
		rw_log(RW_LOG_ERROR, "%s: cannot start reading: %s", s->path, rw_strerror(rc));
		io_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int next_plain(struct io_src *s, const uint8_t **p, size_t *n)
{
	long k = io__raw_read(&s->raw, s->buf, s->buf_cap);
	if (k < 0) {
		snprintf(s->errmsg, sizeof s->errmsg, "read error after byte %llu: %s",
			 (unsigned long long)s->raw.nread, strerror(errno));
		s->err = RW_EIO;
		return RW_EIO;
	}
	if (k == 0)
		return 0;
	*p = s->buf;
	*n = (size_t)k;
	s->bytes_out += (uint64_t)k;
	return 1;
}

int io_next(struct io_src *s, const uint8_t **p, size_t *n)
{
	if (s->err)
		return s->err;
	if (s->map)
		return io__map_next(s, p, n);
	if (!s->q_used)
		return next_plain(s, p, n);

	struct io__queue *q = &s->q;
	if (s->cur) { /* give the previous chunk back */
		recycle(q, s->cur);
		s->cur = NULL;
	}
	struct io__chunk *c = rw_queue_pop(&q->filled);
	if (c) {
		s->cur = c;
		*p = c->data;
		*n = c->len;
		s->bytes_out += c->len;
		return 1;
	}
	pthread_mutex_lock(&q->mu); /* finished: the producer's verdict */
	int err = q->err;
	if (err) {
		s->err = err;
		memcpy(s->errmsg, q->errmsg, sizeof s->errmsg);
	}
	pthread_mutex_unlock(&q->mu);
	return err;
}

const char *io_errmsg(const struct io_src *s)
{
	return s->errmsg[0] ? s->errmsg : rw_strerror(s->err);
}

bool io_stable(const struct io_src *s) { return s->map != NULL; }
enum io_comp io_comp(const struct io_src *s) { return s->comp; }
const char *io_path(const struct io_src *s) { return s->path; }
uint64_t io_bytes_out(const struct io_src *s) { return s->bytes_out; }

uint64_t io_bytes_in(const struct io_src *s)
{
	/* the producer thread (or the bzip2 scanner) may still be counting */
	return __atomic_load_n(&s->raw.nread, __ATOMIC_RELAXED);
}

void io_close(struct io_src *s)
{
	if (!s)
		return;
	if (s->q_used) {
		q_stop(&s->q);
		if (s->comp == IO_COMP_BZIP2)
			io__bz2_stop(s);
		else if (s->producer_started)
			pthread_join(s->producer, NULL);
		if (s->cur)
			chunk_free(s->cur);
		io__q_release(&s->q);
	}
	io__map_close(s);
	if (s->raw.fd > 2)
		close(s->raw.fd);
	if (s->buf)
		rw_mem_count(RW_MEM_IO, -(int64_t)s->buf_cap);
	free(s->buf);
	free(s->path);
	free(s);
}

int io_read_all(const char *path, struct obuf *b, char *err, size_t esz)
{
	struct io_src *s;
	int rc = io_open(path, NULL, &s);
	if (rc) {
		snprintf(err, esz, "%s: cannot open (%s)", path, rc == RW_EIO ? strerror(errno) : rw_strerror(rc));
		return rc;
	}
	const uint8_t *p;
	size_t k;
	while ((rc = io_next(s, &p, &k)) > 0)
		obuf_write(b, p, k);
	if (rc < 0) {
		snprintf(err, esz, "%s: %s", path, io_errmsg(s));
		io_close(s);
		obuf_release(b);
		return rc;
	}
	io_close(s);
	obuf_putc(b, '\0');
	b->len--;
	return 0;
}
