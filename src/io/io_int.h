/*
 * io internals shared by io.c (open, queue, plain reads), io_codec.c
 * (gzip/xz/zstd streaming decoders) and io_bz2.c (parallel bzip2).
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
	struct io__chunk *next; /* queue link */
};

/* Bounded FIFO of filled chunks plus a free list. */
struct io__queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;       /* any state change */
	struct io__chunk *head, *tail; /* filled, in order */
	struct io__chunk *free;  /* recycled */
	unsigned nchunks;        /* allocated so far */
	unsigned max_chunks;     /* cap on allocated chunks (stream codecs) */
	size_t pending_bytes;    /* bytes in filled chunks not yet taken */
	size_t chunk_size;
	int done;                /* producer finished (check err) */
	int err;                 /* < 0 when the producer failed */
	int stop;                /* consumer asks producers to quit */
	char errmsg[256];
};

/* Producer side. get_free blocks until a chunk is free or stop is set
 * (then returns NULL). */
struct io__chunk *io__q_get_free(struct io__queue *q);
void io__q_push(struct io__queue *q, struct io__chunk *c);
void io__q_finish(struct io__queue *q, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int io__q_stopped(struct io__queue *q);
struct io__chunk *io__chunk_new(size_t cap);
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

	/* compressed input: producer thread(s) fill q */
	struct io__queue q;
	pthread_t producer;
	int producer_started;
	struct io__chunk *cur;  /* chunk handed to the consumer */
	void *codec;            /* io_bz2.c state */

	uint64_t bytes_out;
	int err;
	char errmsg[256];
};

/* Producer thread bodies. */
void *io__stream_thread(void *src); /* gzip, xz, zstd */
int io__bz2_start(struct io_src *s); /* starts scanner + workers */
void io__bz2_stop(struct io_src *s);

#endif
