/*
 * Parallel bzip2 decoding.
 *
 * A bzip2 stream is "BZh<level>", then blocks, each starting with the
 * 48-bit magic 0x314159265359 followed by the block's CRC, then the
 * end-of-stream magic 0x177245385090 and the combined CRC, padded to a
 * byte. Blocks are independent but not byte aligned. The scanner thread
 * finds each block's bit range and turns it into a stand-alone one-block
 * stream ("BZh<level>" + the block's bits + end-of-stream magic + the
 * block CRC, which is the combined CRC of a one-block stream). Worker
 * threads decode those with libbz2 (which checks every block CRC); results
 * are published to the chunk queue strictly in block order.
 *
 * The scanner also recomputes each stream's combined CRC and checks it
 * against the stored one, so a block boundary found by mistake inside
 * compressed data (a 2^-48 chance per bit, further filtered by the
 * randomised bit and origPtr checks) cannot pass silently.
 *
 * Memory: at most threads + 1 blocks in flight. The block at the head of
 * the order streams its output into the queue as it is decoded (waiting
 * while 32 MiB are not yet consumed); a block further back keeps at most
 * JOB_CAP bytes and then waits for its turn. A block can expand to ~45 MB
 * (runs of one byte), so this, not the block count, bounds memory.
 */
#include "io_int.h"

#include <bzlib.h>
#include <stdlib.h>

#define BLOCK_MAGIC 0x314159265359ULL
#define EOS_MAGIC 0x177245385090ULL
#define IN_STEP (1u << 20)
#define MAX_INBUF (64u << 20) /* a compressed block is < 1 MiB; 64 is slack */
#define MAX_PENDING (32u << 20)
#define JOB_CAP (4u << 20)

struct bz_job {
	uint64_t seq;            /* block number in the file, from 0 */
	uint64_t comp_byte;      /* compressed byte offset of the block magic */
	uint8_t *in;             /* owned: synthetic one-block stream */
	size_t in_len;
	struct io__chunk *out, *out_tail; /* owned decoded output, not yet
					     in the queue */
	size_t buffered;         /* bytes in out */
	int done;
	int err;
	char msg[96];
	struct bz_job *next;     /* pending list, then in-flight list */
};

struct bz_state {
	struct io_src *src;
	pthread_t scanner;
	int scanner_started;
	pthread_t workers[8];
	unsigned nworkers;
	/* all below protected by src->q.mu */
	struct bz_job *pending, *pending_tail; /* submitted, not yet taken */
	struct bz_job *flight;                 /* taken or done, unpublished */
	uint64_t submitted, published;
	unsigned max_jobs;
	int scan_done;
	int scan_err;
	char scan_msg[200];
	int failed; /* a block failed: stop everything */
};

/* ---------------------------------------------------------------- bits */

static uint64_t bits48(const uint8_t *b, uint64_t bit)
{
	const uint8_t *p = b + (bit >> 3);
	uint64_t w = 0;
	for (int i = 0; i < 7; i++)
		w = w << 8 | p[i];
	unsigned sh = (unsigned)(bit & 7);
	return (w >> (8 - sh)) & 0xffffffffffffULL;
}

static uint32_t bits32(const uint8_t *b, uint64_t bit)
{
	const uint8_t *p = b + (bit >> 3);
	uint64_t w = 0;
	for (int i = 0; i < 5; i++)
		w = w << 8 | p[i];
	unsigned sh = (unsigned)(bit & 7);
	return (uint32_t)((w >> (8 - sh)) & 0xffffffffULL);
}

/* For each value of the byte after a magic's first byte, the set of bit
 * shifts at which a block (bits 0-7) or EOS (bits 8-15) magic could start. */
static uint16_t cand[256];
static pthread_once_t cand_once = PTHREAD_ONCE_INIT;

static void cand_init(void)
{
	for (unsigned s = 0; s < 8; s++) {
		cand[(BLOCK_MAGIC >> (32 + s)) & 0xff] |= (uint16_t)(1u << s);
		cand[(EOS_MAGIC >> (32 + s)) & 0xff] |= (uint16_t)(1u << (8 + s));
	}
}

/* First bit position >= from where a magic starts. A block magic is only
 * accepted when the 56 bits after it (CRC, randomised bit, origPtr) are
 * readable and plausible. Returns UINT64_MAX when none was found in the
 * bytes present; before the end of input that means "read more". The
 * buffer has 16 zero bytes of padding after nbytes. */
static uint64_t find_magic(const uint8_t *b, size_t nbytes, uint64_t from, unsigned level,
			   int eof, int *is_eos)
{
	size_t i = from >> 3;
	if (i > 0)
		i--; /* the magic may start in the byte before */
	for (; i + 7 <= nbytes; i++) {
		if (i + 15 > nbytes && !eof)
			return UINT64_MAX; /* need the bytes after a candidate */
		uint16_t m = cand[b[i + 1]];
		if (!m)
			continue;
		for (unsigned s = 0; s < 16; s++) {
			if (!(m & (1u << s)))
				continue;
			uint64_t bit = (uint64_t)i * 8 + (s & 7);
			if (bit < from || bit + 48 > (uint64_t)nbytes * 8)
				continue;
			uint64_t v = bits48(b, bit);
			if (s < 8 && v == BLOCK_MAGIC) {
				/* randomised bit must be 0, origPtr < block size */
				uint32_t w = bits32(b, bit + 80);
				if ((w >> 31) == 0 && ((w >> 7) & 0xffffff) < level * 100000u) {
					*is_eos = 0;
					return bit;
				}
			} else if (s >= 8 && v == EOS_MAGIC) {
				*is_eos = 1;
				return bit;
			}
		}
	}
	return UINT64_MAX;
}

struct bitw {
	uint8_t *p;
	size_t n;
	uint64_t acc;
	unsigned nacc;
};

static void bw_put(struct bitw *w, uint64_t v, unsigned nb)
{
	w->acc = (w->acc << nb) | (v & ((1ULL << nb) - 1));
	w->nacc += nb;
	while (w->nacc >= 8) {
		w->p[w->n++] = (uint8_t)(w->acc >> (w->nacc - 8));
		w->nacc -= 8;
	}
}

static void bw_flush(struct bitw *w)
{
	if (w->nacc)
		w->p[w->n++] = (uint8_t)(w->acc << (8 - w->nacc));
	w->nacc = 0;
}

/* Build the one-block stream for bits [from, to) of b. */
static uint8_t *make_block_stream(const uint8_t *b, uint64_t from, uint64_t to, unsigned level,
				  uint32_t crc, size_t *len)
{
	uint64_t nbits = to - from;
	size_t cap = 4 + (size_t)(nbits / 8) + 16;
	uint8_t *out = malloc(cap);
	if (!out)
		return NULL;
	out[0] = 'B';
	out[1] = 'Z';
	out[2] = 'h';
	out[3] = (uint8_t)('0' + level);
	size_t whole = (size_t)(nbits / 8);
	const uint8_t *src = b + (from >> 3);
	unsigned sh = (unsigned)(from & 7);
	if (sh == 0) {
		memcpy(out + 4, src, whole);
	} else {
		for (size_t k = 0; k < whole; k++)
			out[4 + k] = (uint8_t)(src[k] << sh | src[k + 1] >> (8 - sh));
	}
	struct bitw w = {out, 4 + whole, 0, 0};
	unsigned rest = (unsigned)(nbits & 7);
	if (rest) {
		uint64_t bit = from + (uint64_t)whole * 8;
		unsigned v = (unsigned)((b[bit >> 3] << 8 | b[(bit >> 3) + 1]) >> (16 - (bit & 7) - rest));
		bw_put(&w, v, rest);
	}
	bw_put(&w, EOS_MAGIC >> 24, 24);
	bw_put(&w, EOS_MAGIC & 0xffffff, 24);
	bw_put(&w, crc, 32);
	bw_flush(&w);
	*len = w.n;
	return out;
}

/* ---------------------------------------------------------------- publishing */

static void job_free(struct bz_job *j)
{
	io__chunk_free_list(j->out);
	free(j->in);
	free(j);
}

/* Called with q->mu held: append a job's buffered output to the queue. */
static void flush_job_locked(struct io__queue *q, struct bz_job *j)
{
	for (struct io__chunk *c = j->out; c;) {
		struct io__chunk *n = c->next;
		c->next = NULL;
		if (q->tail)
			q->tail->next = c;
		else
			q->head = c;
		q->tail = c;
		q->pending_bytes += c->len;
		c = n;
	}
	j->out = j->out_tail = NULL;
	j->buffered = 0;
}

/* Called with q->mu held: move finished jobs, in order, into the queue. */
static void publish_locked(struct bz_state *bz)
{
	struct io__queue *q = &bz->src->q;
	for (;;) {
		struct bz_job **pp = &bz->flight, *j = NULL;
		for (; *pp; pp = &(*pp)->next)
			if ((*pp)->seq == bz->published) {
				j = *pp;
				break;
			}
		if (!j || !j->done)
			break;
		*pp = j->next;
		if (j->err) {
			bz->failed = 1;
			if (!q->done) {
				q->done = 1;
				q->err = j->err;
				snprintf(q->errmsg, sizeof q->errmsg,
					 "bzip2: block %llu at compressed byte %llu: %s",
					 (unsigned long long)j->seq,
					 (unsigned long long)j->comp_byte, j->msg);
			}
			job_free(j);
			break;
		}
		flush_job_locked(q, j);
		job_free(j);
		bz->published++;
	}
	if (bz->scan_done && bz->published == bz->submitted && !q->done) {
		q->done = 1;
		q->err = bz->scan_err;
		snprintf(q->errmsg, sizeof q->errmsg, "%s", bz->scan_msg);
	}
	pthread_cond_broadcast(&q->cv);
}

/* A worker has a full chunk of job j: the head job streams it into the
 * queue; a job further back keeps it, up to JOB_CAP, then waits its turn.
 * Returns -1 when everything is stopping. */
static int emit_chunk(struct bz_state *bz, struct bz_job *j, struct io__chunk *c)
{
	struct io__queue *q = &bz->src->q;
	pthread_mutex_lock(&q->mu);
	c->next = NULL;
	if (j->out_tail)
		j->out_tail->next = c;
	else
		j->out = c;
	j->out_tail = c;
	j->buffered += c->len;
	for (;;) {
		if (q->stop || bz->failed) {
			pthread_mutex_unlock(&q->mu);
			return -1;
		}
		if (j->seq == bz->published) {
			if (q->pending_bytes <= MAX_PENDING) {
				flush_job_locked(q, j);
				pthread_cond_broadcast(&q->cv);
				break;
			}
		} else if (j->buffered < JOB_CAP) {
			break;
		}
		pthread_cond_wait(&q->cv, &q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return 0;
}

/* ---------------------------------------------------------------- workers */

static struct io__chunk *worker_chunk(struct io__queue *q)
{
	pthread_mutex_lock(&q->mu);
	struct io__chunk *c = q->free;
	if (c)
		q->free = c->next;
	pthread_mutex_unlock(&q->mu);
	if (!c)
		c = io__chunk_new(q->chunk_size);
	if (c) {
		c->next = NULL;
		c->len = 0;
	}
	return c;
}

static void decode_job(struct bz_state *bz, struct bz_job *j)
{
	struct io__queue *q = &bz->src->q;
	bz_stream st;
	memset(&st, 0, sizeof st);
	if (BZ2_bzDecompressInit(&st, 0, 0) != BZ_OK) {
		j->err = RW_ENOMEM;
		snprintf(j->msg, sizeof j->msg, "cannot initialise decoder");
		return;
	}
	st.next_in = (char *)j->in;
	st.avail_in = (unsigned)j->in_len;
	struct io__chunk *c = NULL;
	for (;;) {
		if (!c) {
			c = worker_chunk(q);
			if (!c) {
				j->err = RW_ENOMEM;
				snprintf(j->msg, sizeof j->msg, "out of memory");
				break;
			}
		}
		st.next_out = (char *)c->data + c->len;
		st.avail_out = (unsigned)(c->cap - c->len);
		int r = BZ2_bzDecompress(&st);
		c->len = c->cap - st.avail_out;
		if (r == BZ_STREAM_END)
			break;
		if (r != BZ_OK) {
			j->err = RW_ECOMPRESS;
			snprintf(j->msg, sizeof j->msg, "%s",
				 r == BZ_DATA_ERROR ? "data error (CRC mismatch or corrupt block)"
						    : "decoder error");
			break;
		}
		if (st.avail_in == 0 && st.avail_out != 0) {
			j->err = RW_ECOMPRESS;
			snprintf(j->msg, sizeof j->msg, "block ends early");
			break;
		}
		if (c->len == c->cap) {
			int stop = emit_chunk(bz, j, c);
			c = NULL;
			if (stop)
				break;
		}
	}
	if (c) {
		if (c->len && !j->err) {
			emit_chunk(bz, j, c);
		} else {
			c->next = NULL;
			io__chunk_free_list(c);
		}
	}
	BZ2_bzDecompressEnd(&st);
	free(j->in);
	j->in = NULL;
}

static void *worker_main(void *arg)
{
	struct bz_state *bz = arg;
	struct io__queue *q = &bz->src->q;
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!bz->pending && !q->stop && !bz->failed &&
		       !(bz->scan_done && !bz->pending))
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->stop || bz->failed || !bz->pending)
			break;
		struct bz_job *j = bz->pending;
		bz->pending = j->next;
		if (!bz->pending)
			bz->pending_tail = NULL;
		j->next = bz->flight;
		bz->flight = j;
		pthread_mutex_unlock(&q->mu);
		decode_job(bz, j);
		pthread_mutex_lock(&q->mu);
		j->done = 1;
		publish_locked(bz);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* ---------------------------------------------------------------- scanner */

struct scan {
	struct bz_state *bz;
	uint8_t *b;         /* input window */
	size_t len, cap;
	uint64_t base;      /* compressed byte offset of b[0] */
	int eof;
};

/* Append more input. Returns bytes added, 0 at EOF, < 0 on error. */
static long scan_more(struct scan *sc)
{
	if (sc->eof)
		return 0;
	if (sc->cap - sc->len < IN_STEP) {
		if (sc->cap >= MAX_INBUF)
			return RW_ELIMIT;
		size_t ncap = sc->cap ? sc->cap * 2 : 4 * IN_STEP;
		uint8_t *nb = realloc(sc->b, ncap + 16);
		if (!nb)
			return RW_ENOMEM;
		sc->b = nb;
		sc->cap = ncap;
	}
	long k = io__raw_read(&sc->bz->src->raw, sc->b + sc->len, IN_STEP);
	if (k < 0)
		return k;
	if (k == 0)
		sc->eof = 1;
	sc->len += (size_t)k;
	memset(sc->b + sc->len, 0, 16); /* bits48/bits32 may peek past the end */
	return k;
}

/* Drop input before byte 'keep'. */
static void scan_compact(struct scan *sc, uint64_t *bitpos)
{
	size_t drop = (size_t)(*bitpos >> 3);
	if (drop < (4u << 20))
		return;
	memmove(sc->b, sc->b + drop, sc->len - drop);
	sc->len -= drop;
	sc->base += drop;
	*bitpos -= (uint64_t)drop * 8;
}

static int submit(struct bz_state *bz, struct bz_job *j)
{
	struct io__queue *q = &bz->src->q;
	pthread_mutex_lock(&q->mu);
	while (!q->stop && !bz->failed &&
	       (bz->submitted - bz->published >= bz->max_jobs || q->pending_bytes > MAX_PENDING))
		pthread_cond_wait(&q->cv, &q->mu);
	if (q->stop || bz->failed) {
		pthread_mutex_unlock(&q->mu);
		job_free(j);
		return -1;
	}
	j->seq = bz->submitted++;
	if (bz->pending_tail)
		bz->pending_tail->next = j;
	else
		bz->pending = j;
	bz->pending_tail = j;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

static void scan_finish(struct bz_state *bz, int err, const char *msg)
{
	struct io__queue *q = &bz->src->q;
	pthread_mutex_lock(&q->mu);
	bz->scan_done = 1;
	bz->scan_err = err;
	snprintf(bz->scan_msg, sizeof bz->scan_msg, "%s", msg ? msg : "");
	publish_locked(bz);
	pthread_mutex_unlock(&q->mu);
}

static void *scanner_main(void *arg)
{
	struct bz_state *bz = arg;
	struct scan sc = {.bz = bz};
	char msg[200] = "";
	int err = 0;
	uint64_t pos = 0; /* bit position in sc.b */

	for (;;) { /* one stream per iteration */
		/* stream header at a byte boundary */
		pos = (pos + 7) & ~7ULL;
		while (sc.len - (pos >> 3) < 4 + 10 && !sc.eof) {
			long k = scan_more(&sc);
			if (k < 0) {
				err = (int)k;
				snprintf(msg, sizeof msg, "bzip2: read error");
				goto done;
			}
		}
		size_t at = (size_t)(pos >> 3);
		if (at >= sc.len)
			goto done; /* clean end */
		if (io_detect(sc.b + at, sc.len - at) != IO_COMP_BZIP2) {
			rw_log(RW_LOG_WARN,
			       "%s: trailing garbage after bzip2 data at compressed byte %llu ignored",
			       bz->src->path, (unsigned long long)(sc.base + at));
			goto done;
		}
		unsigned level = (unsigned)(sc.b[at + 3] - '0');
		pos += 32;
		uint32_t combined = 0;
		uint64_t nblocks = 0;
		for (;;) { /* blocks of this stream */
			int is_eos;
			while ((sc.len * 8) < pos + 48 + 56 && !sc.eof)
				if (scan_more(&sc) < 0)
					break;
			if (sc.len * 8 < pos + 80) {
				err = RW_ECOMPRESS;
				snprintf(msg, sizeof msg,
					 "bzip2: stream truncated at compressed byte %llu",
					 (unsigned long long)(sc.base + sc.len));
				goto done;
			}
			uint64_t v = bits48(sc.b, pos);
			if (v == EOS_MAGIC) {
				uint32_t stored = bits32(sc.b, pos + 48);
				if (stored != combined) {
					err = RW_ECOMPRESS;
					snprintf(msg, sizeof msg,
						 "bzip2: stream CRC mismatch at compressed byte %llu (%llu blocks)",
						 (unsigned long long)(sc.base + (pos >> 3)),
						 (unsigned long long)nblocks);
					goto done;
				}
				pos += 80;
				break;
			}
			if (v != BLOCK_MAGIC) {
				err = RW_ECOMPRESS;
				snprintf(msg, sizeof msg, "bzip2: no block header at compressed byte %llu",
					 (unsigned long long)(sc.base + (pos >> 3)));
				goto done;
			}
			uint32_t bcrc = bits32(sc.b, pos + 48);
			uint64_t next;
			for (;;) {
				next = find_magic(sc.b, sc.len, pos + 48, level, sc.eof, &is_eos);
				if (next != UINT64_MAX)
					break;
				int was_eof = sc.eof;
				long k = scan_more(&sc);
				if (k == 0 && !was_eof)
					continue; /* look once more, knowing it is the end */
				if (k == 0) {
					err = RW_ECOMPRESS;
					snprintf(msg, sizeof msg,
						 "bzip2: stream truncated inside block %llu starting at compressed byte %llu (input ends at byte %llu)",
						 (unsigned long long)(bz->submitted),
						 (unsigned long long)(sc.base + (pos >> 3)),
						 (unsigned long long)(sc.base + sc.len));
					goto done;
				}
				if (k < 0) {
					err = (int)k;
					snprintf(msg, sizeof msg, "bzip2: %s reading compressed input",
						 rw_strerror((int)k));
					goto done;
				}
			}
			struct bz_job *j = calloc(1, sizeof *j);
			if (!j) {
				err = RW_ENOMEM;
				snprintf(msg, sizeof msg, "out of memory");
				goto done;
			}
			j->comp_byte = sc.base + (pos >> 3);
			j->in = make_block_stream(sc.b, pos, next, level, bcrc, &j->in_len);
			if (!j->in) {
				free(j);
				err = RW_ENOMEM;
				snprintf(msg, sizeof msg, "out of memory");
				goto done;
			}
			if (submit(bz, j))
				goto stopped;
			combined = ((combined << 1) | (combined >> 31)) ^ bcrc;
			nblocks++;
			pos = next;
			scan_compact(&sc, &pos);
		}
	}
done:
	scan_finish(bz, err, msg);
stopped:
	free(sc.b);
	{
		struct io__queue *q = &bz->src->q;
		pthread_mutex_lock(&q->mu);
		bz->scan_done = 1;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
	}
	return NULL;
}

int io__bz2_start(struct io_src *s)
{
	pthread_once(&cand_once, cand_init);
	struct bz_state *bz = calloc(1, sizeof *bz);
	if (!bz)
		return RW_ENOMEM;
	bz->src = s;
	bz->nworkers = s->threads > 8 ? 8 : s->threads;
	bz->max_jobs = bz->nworkers + 1;
	s->codec = bz;
	if (pthread_create(&bz->scanner, NULL, scanner_main, bz))
		return RW_ENOMEM;
	bz->scanner_started = 1;
	for (unsigned i = 0; i < bz->nworkers; i++) {
		if (pthread_create(&bz->workers[i], NULL, worker_main, bz)) {
			bz->nworkers = i;
			break;
		}
	}
	return bz->nworkers ? 0 : RW_ENOMEM;
}

void io__bz2_stop(struct io_src *s)
{
	struct bz_state *bz = s->codec;
	if (!bz)
		return;
	/* q->stop was set by io_close; wake everybody */
	pthread_mutex_lock(&s->q.mu);
	pthread_cond_broadcast(&s->q.cv);
	pthread_mutex_unlock(&s->q.mu);
	if (bz->scanner_started)
		pthread_join(bz->scanner, NULL);
	for (unsigned i = 0; i < bz->nworkers; i++)
		pthread_join(bz->workers[i], NULL);
	struct bz_job *j = bz->pending;
	while (j) {
		struct bz_job *n = j->next;
		job_free(j);
		j = n;
	}
	j = bz->flight;
	while (j) {
		struct bz_job *n = j->next;
		job_free(j);
		j = n;
	}
	free(bz);
	s->codec = NULL;
}
