/*
 * io internals shared by io.c (open, queue, plain reads), io_map.c (large
 * plain files, mapped), io_codec.c (gzip/xz/zstd streaming decoders) and
 * io_bz2.c (parallel bzip2).
 *
 * Ownership: struct io_src owns the fd, the raw input reader and the chunk
 * queue. Producer threads own a chunk between io_q_get_free and io_q_push;
 * the consumer owns the chunk io_next returned until its next call.
 */
#ifndef RW_IO_INT_H
#define RW_IO_INT_H

#include "io.h"

#include <pthread.h>

/* Raw reader: the bytes already read while sniffing the magic come first,
 * then the file. Only one thread reads through it at a time. */
struct io__raw {
	int fd;
	uint8_t head[64]; /* sniffed bytes not yet consumed */
	size_t head_len, head_pos;
	uint64_t nread;   /* bytes handed out so far; read with __atomic
			     loads, the reading thread may still be going */
	int eof;
};

/* Returns bytes read, 0 at end of file, RW_EIO on error. */
long io__raw_read(struct io__raw *r, uint8_t *buf, size_t n);

struct io__chunk {
	uint8_t *data;          /* owned, cap bytes */
	size_t len, cap;
	struct io__chunk *next; /* a bzip2 job's list of chunks */
};

/* The pipe from producer threads to the consumer, on base/'s bounded
 * queue: filled chunks go to the consumer in order through `filled`,
 * chunks it has read come back through `free` for reuse. A producer
 * finishes by closing `filled` (after recording its error, if any); the
 * consumer takes what is left, then the error. Stopping (the consumer
 * closes the source early) closes both, and producers blocked on them
 * give up. */
struct io__queue {
	struct rw_queue filled;   /* chunks to read, in order */
	struct rw_queue free;     /* chunks read, for reuse */
	size_t chunk_size;
	unsigned nchunks, max_chunks; /* stream producer: allocated, allowed */
	pthread_mutex_t mu;       /* the three below */
	bool finished;
	int err;                  /* < 0 when the producer failed */
	char errmsg[256];
	int stop;                 /* the consumer is gone (atomic) */
};

void io__q_init(struct io__queue *q, size_t chunk_size, uint32_t max_filled, unsigned max_chunks);
/* Frees every chunk left in the queues. */
void io__q_release(struct io__queue *q);
/* Stream producer: a chunk to fill (reused, or new while fewer than
 * max_chunks exist, else waited for); NULL when stopped. */
struct io__chunk *io__q_get_free(struct io__queue *q);
/* bzip2 workers: a chunk to fill, reused or new, never waited for. */
struct io__chunk *io__q_chunk(struct io__queue *q);
/* Hand a filled chunk over (waits while the queue is full). 0, or
 * RW_EIO when stopped: the chunk is freed. */
int io__q_push(struct io__queue *q, struct io__chunk *c);
/* The producer is done: err (0 at a clean end) is what the consumer gets
 * after the last chunk. The first call wins. */
void io__q_finish(struct io__queue *q, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int io__q_stopped(struct io__queue *q);
void io__chunk_free_list(struct io__chunk *c);

struct io_src {
	char *path;             /* owned; "-" for stdin */
	enum io_comp comp;
	struct io__raw raw;
	size_t chunk_size;
	unsigned threads;

	/* plain input: read straight into buf, no thread */
	uint8_t *buf;
	size_t buf_cap;

	/* a large plain file, mapped (io_map.c): owned, unmapped by io_close */
	uint8_t *map;
	size_t map_len, map_pos;
	int map_slot;           /* its SIGBUS guard */

	/* compressed input: producer thread(s) fill q */
	struct io__queue q;
	int q_used;             /* q was initialised */
	pthread_t producer;
	int producer_started;
	struct io__chunk *cur;  /* chunk handed to the consumer */
	void *codec;            /* io_bz2.c state */

	uint64_t bytes_out;
	int err;
	char errmsg[256];
};

/* io_map.c: map the open file (size bytes) instead of reading it; false
 * when it cannot be (the caller reads it). io__map_next is io_next for it;
 * io__map_close unmaps (nothing when nothing was mapped). */
bool io__map_open(struct io_src *s, uint64_t size);
int io__map_next(struct io_src *s, const uint8_t **p, size_t *n);
void io__map_close(struct io_src *s);

/* Producer thread bodies. */
void *io__stream_thread(void *src); /* gzip, xz, zstd */
int io__bz2_start(struct io_src *s); /* starts scanner + workers */
void io__bz2_stop(struct io_src *s);

#endif
