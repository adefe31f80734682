/* io/: every compression, multi-member/multi-stream, parallel bzip2 over
 * many blocks, and truncated streams (partial output plus an error). */
#define T_PREFIX "io/"
#include "t.h"
#include "tutil.h"
#include "io/io.h"

#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdlib.h>
#include <zlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <zstd.h>

/* Compressible but not trivial data: text-like records. */
static uint8_t *make_data(size_t n)
{
	uint8_t *p = malloc(n);
	uint64_t x = 88172645463325252ULL;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (i % 61 == 60) ? '\n' : (uint8_t)("0123456789|.ABCDEF"[x % 18]);
	}
	return p;
}

static size_t gz(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	z_stream z = {0};
	deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	size_t k = cap - z.avail_out;
	deflateEnd(&z);
	return k;
}

static size_t bz(const uint8_t *in, size_t n, uint8_t *out, size_t cap, int level)
{
	unsigned int k = (unsigned int)cap;
	if (BZ2_bzBuffToBuffCompress((char *)out, &k, (char *)in, (unsigned)n, level, 0, 0) != BZ_OK)
		return 0;
	return k;
}

static size_t xz(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	size_t pos = 0;
	lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL, in, n, out, &pos, cap);
	return pos;
}

/* Read a file through io and compare with want. Returns io_next's final
 * status (0 or < 0) and stores the bytes delivered in *got_n. */
static int read_all(const char *path, unsigned threads, const uint8_t *want, size_t want_n,
		    size_t *got_n, enum io_comp *comp)
{
	struct io_opts o = {.threads = threads};
	struct io_src *s;
	if (io_open(path, &o, &s))
		return -100;
	*comp = io_comp(s);
	const uint8_t *p;
	size_t n, off = 0;
	int r;
	int mismatch = 0;
	while ((r = io_next(s, &p, &n)) > 0) {
		if (off + n > want_n || memcmp(want + off, p, n))
			mismatch = 1;
		off += n;
	}
	io_close(s);
	*got_n = off;
	return mismatch ? -200 : r;
}

TEST(every_codec_roundtrips)
{
	size_t n = 3u << 20;
	uint8_t *d = make_data(n);
	size_t cap = n + (1 << 16);
	uint8_t *c = malloc(cap);
	for (int k = 0; k < 5; k++) {
		size_t len;
		enum io_comp want;
		switch (k) {
		case 0: len = gz(d, n, c, cap); want = IO_COMP_GZIP; break;
		case 1: len = bz(d, n, c, cap, 9); want = IO_COMP_BZIP2; break;
		case 2: len = xz(d, n, c, cap); want = IO_COMP_XZ; break;
		case 3: len = ZSTD_compress(c, cap, d, n, 3); want = IO_COMP_ZSTD; break;
		default: memcpy(c, d, n); len = n; want = IO_COMP_NONE; break;
		}
		const char *path = twrite_tmp(c, len, NULL);
		size_t got;
		enum io_comp comp;
		int r = read_all(path, 2, d, n, &got, &comp);
		CHECK_INT(r, 0);
		CHECK_INT(got, n);
		CHECK_INT(comp, want);
		unlink(path);
	}
	free(c);
	free(d);
}

/* Large plain files are mapped (io_map.c) and pipes are read on a thread
 * of their own (io.c's plain_thread): every byte once, in order, whatever
 * the slice or block edges; a reader that stops early leaves no thread,
 * chunk or mapping behind (ASan). */
TEST(plain_large_file_mapped_and_pipe_on_the_reading_thread)
{
	size_t n = (40u << 20) + 123;
	uint8_t *d = make_data(n);
	const char *path = twrite_tmp(d, n, NULL);
	size_t got;
	enum io_comp comp;
	CHECK_INT(read_all(path, 2, d, n, &got, &comp), 0);
	CHECK_INT(got, n);
	CHECK_INT(comp, IO_COMP_NONE);
	struct io_src *s;
	const uint8_t *p;
	size_t k;
	CHECK_INT(io_open(path, NULL, &s), 0);
	CHECK(io_stable(s)); /* mapped */
	CHECK_INT(io_next(s, &p, &k), 1);
	CHECK(k > 0 && !memcmp(p, d, k));
	const uint8_t *first = p;
	CHECK_INT(io_next(s, &p, &k), 1);
	CHECK(!memcmp(first, d, 4096)); /* an earlier chunk is still there */
	io_close(s);
	unlink(path);

	char fp[64]; /* named as twrite_tmp names its files */
	snprintf(fp, sizeof fp, "/tmp/rwtest-%d-fifo", (int)getpid());
	unlink(fp);
	CHECK_INT(mkfifo(fp, 0600), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(fp, O_WRONLY);
		size_t off = 0;
		while (fd >= 0 && off < n) {
			ssize_t w = write(fd, d + off, RW_MIN(n - off, (size_t)65536));
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		_exit(off == n ? 0 : 1);
	}
	CHECK_INT(read_all(fp, 2, d, n, &got, &comp), 0);
	CHECK_INT(got, n);
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	unlink(fp);
	free(d);
}

/* A mapped file cut short while it is read (a mirror rewritten in place):
 * no SIGBUS, the bytes past the new end read as zeros wherever they were
 * handed out, and the next chunk is an error saying so. */
TEST(mapped_file_truncated_while_read)
{
	size_t n = 40u << 20;
	uint8_t *d = make_data(n);
	const char *path = twrite_tmp(d, n, NULL);
	struct io_src *s;
	const uint8_t *p;
	size_t k;
	CHECK_INT(io_open(path, NULL, &s), 0);
	CHECK(io_stable(s));
	CHECK_INT(io_next(s, &p, &k), 1);
	CHECK(k > 8192);
	CHECK(!memcmp(p, d, 4096));
	CHECK_INT(truncate(path, 4096), 0);
	/* past the new end, inside what was handed out: zeros, not a signal */
	volatile const uint8_t *q = p;
	unsigned sum = 0;
	for (size_t i = 8192; i < k; i += 4096)
		sum += q[i];
	CHECK_INT(sum, 0);
	CHECK(!memcmp(p, d, 4096)); /* before it: the file's bytes */
	CHECK(io_next(s, &p, &k) < 0);
	CHECK(strstr(io_errmsg(s), "shrank") != NULL);
	io_close(s);
	/* the guard is per mapping: a new one reads the file as it now is */
	size_t got;
	enum io_comp comp;
	CHECK_INT(read_all(path, 1, d, 4096, &got, &comp), 0);
	CHECK_INT(got, 4096);
	unlink(path);
	free(d);
}

TEST(bzip2_parallel_many_blocks_and_streams)
{
	/* level 1 = 100 kB blocks: ~40 blocks per stream, two streams
	 * back to back (like pbzip2 output), 1, 2 and 4 threads */
	size_t n = 4u << 20;
	uint8_t *d = make_data(n);
	size_t cap = 2 * n;
	uint8_t *c = malloc(cap);
	size_t l1 = bz(d, n / 2, c, cap, 1);
	size_t l2 = bz(d + n / 2, n - n / 2, c + l1, cap - l1, 3);
	const char *path = twrite_tmp(c, l1 + l2, ".bz2");
	unsigned threads[] = {1, 2, 4};
	for (unsigned i = 0; i < 3; i++) {
		size_t got;
		enum io_comp comp;
		int r = read_all(path, threads[i], d, n, &got, &comp);
		CHECK_INT(r, 0);
		CHECK_INT(got, n);
	}
	unlink(path);
	free(c);
	free(d);
}

TEST(gzip_multi_member)
{
	size_t n = 1u << 20;
	uint8_t *d = make_data(n);
	uint8_t *c = malloc(2 * n);
	size_t l1 = gz(d, 1000, c, 2 * n);
	size_t l2 = gz(d + 1000, n - 1000, c + l1, 2 * n - l1);
	const char *path = twrite_tmp(c, l1 + l2, ".gz");
	size_t got;
	enum io_comp comp;
	CHECK_INT(read_all(path, 1, d, n, &got, &comp), 0);
	CHECK_INT(got, n);
	unlink(path);
	free(c);
	free(d);
}

TEST(truncated_streams_give_partial_data_and_an_error)
{
	size_t n = 2u << 20;
	uint8_t *d = make_data(n);
	uint8_t *c = malloc(2 * n);
	for (int k = 0; k < 4; k++) {
		size_t len = k == 0 ? gz(d, n, c, 2 * n)
			     : k == 1 ? bz(d, n, c, 2 * n, 1)
			     : k == 2 ? xz(d, n, c, 2 * n)
				      : ZSTD_compress(c, 2 * n, d, n, 3);
		const char *path = twrite_tmp(c, len * 2 / 3, NULL);
		size_t got;
		enum io_comp comp;
		int r = read_all(path, 2, d, n, &got, &comp);
		CHECK(r < 0 && r != -200); /* an error, and what came was right */
		CHECK(got > 0 && got < n);
		unlink(path);
	}
	free(c);
	free(d);
}

TEST(detect_by_magic_not_name)
{
	const uint8_t plain[] = "plain text";
	const char *path = twrite_tmp(plain, sizeof plain, ".gz");
	size_t got;
	enum io_comp comp;
	CHECK_INT(read_all(path, 1, plain, sizeof plain, &got, &comp), 0);
	CHECK_INT(comp, IO_COMP_NONE);
	unlink(path);
}

/* io_sink (the collector's archive writer): every compression, written in
 * uneven pieces, reads back whole through io_open; a file that cannot be
 * created says so with errno. */
TEST(sink_roundtrips_every_codec)
{
	size_t n = 2u << 20;
	uint8_t *d = make_data(n);
	static const char *const names[] = {"none", "gz", "bz2", "xz", "zst"};
	for (int k = 0; k < 5; k++) {
		enum io_comp c;
		CHECK_INT(io_comp_parse(names[k], &c), 0);
		char path[64];
		snprintf(path, sizeof path, "/tmp/rw-sink-test.%d%s", (int)getpid(), io_comp_ext(c));
		struct io_sink *s;
		CHECK_INT(io_sink_open(path, c, &s), 0);
		if (!s)
			continue;
		for (size_t off = 0, step = 1; off < n; off += step, step = step * 3 + 1)
			CHECK_INT(io_sink_write(s, d + off, RW_MIN(step, n - off)), 0);
		CHECK_INT(io_sink_close(s, true), 0);
		size_t got;
		enum io_comp comp;
		CHECK_INT(read_all(path, 2, d, n, &got, &comp), 0);
		CHECK_INT(got, n);
		CHECK_INT(comp, c);
		unlink(path);
	}
	struct io_sink *s = NULL;
	CHECK(io_sink_open("/nonexistent-dir/x", IO_COMP_GZIP, &s) != 0);
	CHECK(s == NULL);
	CHECK(errno == ENOENT);
	enum io_comp c;
	CHECK(io_comp_parse("lz4", &c) != 0);
	free(d);
}
