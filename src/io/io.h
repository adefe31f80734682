/*
 * io: open a path or stdin, detect compression from magic bytes (gzip,
 * bzip2, xz, zstd, none) and deliver the decompressed bytes as a sequence
 * of chunks. Nothing here parses records.
 *
 * Compressed input is decoded on its own thread(s) and handed over through
 * a bounded queue of chunk buffers, so decompression overlaps parsing on a
 * second core and memory stays flat whatever the input size. bzip2 blocks
 * are independent and are decoded in parallel (io_bz2.c).
 *
 * Usage:
 *   struct io_src *s; io_open("f.bz2", NULL, &s);
 *   while ((r = io_next(s, &p, &n)) > 0) consume(p, n);
 *   if (r < 0) report(io_errmsg(s));   // delivered bytes stay valid input
 *   io_close(s);
 */
#ifndef RW_IO_H
#define RW_IO_H

#include "../base/base.h"

enum io_comp {
	IO_COMP_NONE = 0,
	IO_COMP_GZIP,
	IO_COMP_BZIP2,
	IO_COMP_XZ,
	IO_COMP_ZSTD,
};

#define IO_MAX_THREADS 64

struct io_opts {
	unsigned threads; /* bzip2 decoder threads, at most IO_MAX_THREADS;
			     0 = online CPUs (at most 8 then) */
	size_t chunk;     /* decompressed chunk size; 0 = 1 MiB */
};

struct io_src;

/* path "-" (or NULL) reads stdin. On failure *out is NULL and the error is
 * logged with the path. */
int io_open(const char *path, const struct io_opts *opts, struct io_src **out);

/* Next chunk of decompressed bytes. *p stays valid until the next call or
 * io_close. Returns 1 with a chunk, 0 at the end, < 0 when reading or
 * decompressing failed (io_errmsg says why and where). */
int io_next(struct io_src *s, const uint8_t **p, size_t *n);

/* Do the chunks io_next returns stay valid until io_close (a mapped
 * file), not only until the next call? Then a consumer may keep pointers
 * into them instead of copying (feed_par's batches). */
bool io_stable(const struct io_src *s);

const char *io_errmsg(const struct io_src *s);
enum io_comp io_comp(const struct io_src *s);
const char *io_comp_name(enum io_comp c);
const char *io_path(const struct io_src *s);
uint64_t io_bytes_in(const struct io_src *s);  /* bytes read from the file */
uint64_t io_bytes_out(const struct io_src *s); /* bytes delivered */

/* Stops the threads, frees everything. NULL is fine. */
void io_close(struct io_src *s);

/* A whole (small) file, decompressed, into the memory buffer *b (a zeroed
 * struct obuf), followed by a NUL that b->len does not count: for the
 * files read at once (names, VRPs, countries). 0, or < 0 with err (esz
 * bytes) naming the file and what failed; *b is then released. */
int io_read_all(const char *path, struct obuf *b, char *err, size_t esz);

/* Detect the compression of a buffer's first bytes (n >= 6 to be sure). */
enum io_comp io_detect(const uint8_t *p, size_t n);

/* ---------------------------------------------------------------- writing */

/* A file written through a compressor (io_sink.c), on the caller's thread.
 * Errors are sticky: after the first, writes do nothing and return it;
 * errno is left as the failed system call set it. */
struct io_sink;

/* Create or truncate path. */
int io_sink_open(const char *path, enum io_comp comp, struct io_sink **out);
int io_sink_write(struct io_sink *s, const void *p, size_t n);
/* keep: end the compressed stream and fsync (0 when all of it is on
 * disk); else just close (the file is being abandoned). Frees s. */
int io_sink_close(struct io_sink *s, bool keep);
uint64_t io_sink_bytes_out(const struct io_sink *s);
/* "none", "gz"/"gzip", "bz2"/"bzip2", "xz", "zst"/"zstd" */
int io_comp_parse(const char *name, enum io_comp *c);
/* ".gz", ".bz2", ".xz", ".zst" or "" */
const char *io_comp_ext(enum io_comp c);

#endif
