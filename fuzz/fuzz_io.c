/*
 * libFuzzer harness: io/, compression detection and decoding.
 *
 * Input: a file as it would be on disk. io_detect runs on every prefix of
 * its first bytes; then the input is written to a memfd and read back
 * through io_open/io_next/io_close on /proc/self/fd/N, which runs the
 * gzip/xz/zstd stream thread or the parallel bzip2 scanner and workers
 * (src/io/io_bz2.c). The decoder threads and the chunk size come from the
 * input length (threads 1..3, chunks of 4 KiB or 64 KiB), so both vary
 * while the bytes stay the file.
 *
 * Oracles:
 *  - plain input comes back byte for byte;
 *  - bzip2 is compared with a plain sequential libbz2 decode of the same
 *    bytes (concatenated streams, trailing non-bzip2 bytes ignored, as
 *    io_bz2.c documents): when io succeeds the reference must succeed
 *    with the same bytes; when io fails its output must be a prefix of
 *    the reference output, and the reference must fail too.
 * Output is capped at FZ_OUT_CAP bytes per input (decompression bombs);
 * past it the harness closes the source early, which exercises the
 * stop path of the threads, and skips the comparison.
 */
#include "fuzz_common.h"
#include "io/io.h"

#include <bzlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define FZ_OUT_CAP (32u << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_quiet();
	memfd = memfd_create("fuzz_io", MFD_CLOEXEC);
	if (memfd < 0)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
	return 0;
}

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static bool buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > FZ_OUT_CAP)
		return false;
	if (n == 0)
		return true;
	if (b->len + n > b->cap) {
		size_t nc = b->cap ? b->cap : 1 << 16;
		while (nc < b->len + n)
			nc *= 2;
		uint8_t *np = realloc(b->p, nc);
		if (!np)
			abort();
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return true;
}

/* The reference decodes in small steps, like io's chunks. On damage the
 * two decoders' bytes are not comparable: a block's CRC is checked only at
 * its end, so both deliver unverified bytes of a damaged block, in
 * different amounts (libbz2 does not count what it wrote in the call that
 * finds the damage), and io's scanner may cut a damaged block at a false
 * block or end-of-stream mark inside it, which decodes to other bytes
 * than libbz2's reading of the whole (three regression files). So: on
 * success the bytes must be equal; on failure both must fail. */
#define REF_STEP 4096

/* Sequential reference: 0 ok, 1 output over the cap, < 0 bad data. */
static int ref_bz2(const uint8_t *p, size_t n, struct buf *out)
{
	size_t pos = 0;
	static uint8_t tmp[REF_STEP];
	for (bool first = true;; first = false) {
		if (!first && (n - pos < 4 || io_detect(p + pos, n - pos) != IO_COMP_BZIP2))
			return 0; /* end, or trailing garbage: ignored */
		bz_stream st;
		memset(&st, 0, sizeof st);
		if (BZ2_bzDecompressInit(&st, 0, 0) != BZ_OK)
			abort();
		st.next_in = (char *)(uintptr_t)(p + pos);
		st.avail_in = (unsigned)(n - pos);
		int r;
		do {
			st.next_out = (char *)tmp;
			st.avail_out = sizeof tmp;
			r = BZ2_bzDecompress(&st);
			if (!buf_put(out, tmp, sizeof tmp - st.avail_out)) {
				BZ2_bzDecompressEnd(&st);
				return 1;
			}
			if (r == BZ_OK && st.avail_in == 0 && st.avail_out != 0)
				r = BZ_UNEXPECTED_EOF;
		} while (r == BZ_OK);
		pos = n - st.avail_in;
		BZ2_bzDecompressEnd(&st);
		if (r != BZ_STREAM_END)
			return -1;
	}
}

static void write_file(const uint8_t *data, size_t size)
{
	if (ftruncate(memfd, 0))
		abort();
	size_t off = 0;
	while (off < size) {
		ssize_t w = pwrite(memfd, data + off, size - off, (off_t)off);
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum io_comp det = io_detect(data, size);
	for (size_t k = 0; k <= RW_MIN(size, (size_t)8); k++)
		fz_val(io_detect(data, k));
	fz_str(io_comp_name(det));

	write_file(data, size);
	struct io_opts opts = {.threads = 1 + (unsigned)(size % 3),
			       .chunk = (size & 4) ? 4096 : 65536};
	struct io_src *s;
	int rc = io_open(path, &opts, &s);
	FZ_CHECK(rc == 0, "io_open failed on a readable file: %s", rw_strerror(rc));
	FZ_CHECK(io_comp(s) == det, "io_open sees %s, io_detect %s", io_comp_name(io_comp(s)),
		 io_comp_name(det));

	struct buf got = {0};
	const uint8_t *p;
	size_t n;
	int r;
	bool capped = false;
	while ((r = io_next(s, &p, &n)) > 0) {
		fz_touch(p, n);
		if (!buf_put(&got, p, n)) {
			capped = true;
			break;
		}
	}
	if (r < 0)
		fz_str(io_errmsg(s));
	fz_str(io_path(s));
	if (!capped) {
		/* io.c: the byte counts may be read once io_next returned 0 or
		 * an error (feed_file_close does that) */
		fz_val(io_bytes_in(s));
		FZ_CHECK(io_bytes_out(s) == got.len, "io_bytes_out %llu, delivered %zu",
			 (unsigned long long)io_bytes_out(s), got.len);
		if (r == 0 && det != IO_COMP_NONE)
			FZ_CHECK(io_bytes_in(s) <= size, "io_bytes_in %llu of a %zu-byte file",
				 (unsigned long long)io_bytes_in(s), size);
	}
	io_close(s);

	if (!capped && det == IO_COMP_NONE) {
		FZ_CHECK(r == 0, "plain input failed: %d", r);
		FZ_CHECK(got.len == size && (!size || !memcmp(got.p, data, size)),
			 "plain input came back different (%zu of %zu bytes)", got.len, size);
	}
	if (!capped && det == IO_COMP_BZIP2) {
		struct buf want = {0};
		int rr = ref_bz2(data, size, &want);
		if (rr != 1) {
			if (r == 0) {
				FZ_CHECK(rr == 0, "io_bz2 accepted a stream libbz2 rejects");
				FZ_CHECK(got.len == want.len, "io_bz2 gave %zu bytes, libbz2 %zu", got.len,
					 want.len);
				FZ_CHECK(!got.len || !memcmp(got.p, want.p, got.len),
					 "bzip2 output differs from libbz2's (%zu bytes)", got.len);
			} else {
				FZ_CHECK(rr != 0, "io_bz2 rejected a stream libbz2 accepts (%zu bytes)",
					 want.len);
			}
		}
		free(want.p);
	}
	free(got.p);
	return 0;
}
