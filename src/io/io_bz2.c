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
 * the order streams its output into the queue as it is decoded (the queue
 * holds at most 32 MiB the consumer has not taken); a block further back
 * keeps at most JOB_CAP bytes and then waits for its turn. A block can
 * expand to ~45 MB (runs of one byte), so this, not the block count,
 * bounds memory.
 *
 * Order: only one thread pushes at a time, and only chunks of the head
 * block (seq == published). The head's worker streams them; a block that
 * becomes head finished is pushed by the thread that made it head; the
 * head moves on (published++) only after its last chunk is pushed. The
 * decisions are taken under bz->mu, the pushes (which may wait for the
 * consumer) outside it.
 *
 * Threads: the scanner hands blocks to the workers through base/'s
 * bounded queue (work); bz->mu guards the order state.
 */
#include "io_int.h"

#include <bzlib.h>
#include <stdlib.h>

#define BLOCK_MAGIC 0x314159265359ULL
#define EOS_MAGIC 0x177245385090ULL
#define IN_STEP (1u << 20)
#define MAX_INBUF (64u << 20) /* a compressed block is < 1 MiB; 64 is slack */
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
	struct bz_job *next;     /* the in-flight list */
};

struct bz_state {
	struct io_src *src;
	pthread_t scanner;
	int scanner_started;
	pthread_t workers[IO_MAX_THREADS];
	unsigned nworkers;
	struct rw_queue work;    /* blocks for the workers, in order */
	pthread_mutex_t mu;      /* everything below */
	pthread_cond_t cv;       /* the head moved, or stopping */
	struct bz_job *flight;   /* taken by a worker, not yet published */
	uint64_t submitted, published;
	unsigned max_jobs;
	int scan_done;
	int scan_err;
	char scan_msg[200];
	int failed;              /* a block failed: stop everything */
	int stop;                /* the consumer is gone */
};

/* ---------------------------------------------------------------- bits */

/* n (<= 56) bits of b from bit position `bit`, most significant first. */
static uint64_t bits(const uint8_t *b, uint64_t bit, unsigned n)
{
	const uint8_t *p = b + (bit >> 3);
	unsigned sh = (unsigned)(bit & 7), nbytes = (n + sh + 7) / 8;
	uint64_t w = 0;
	for (unsigned i = 0; i < nbytes; i++)
		w = w << 8 | p[i];
	return (w >> (nbytes * 8 - sh - n)) & ((1ULL << n) - 1);
}

static uint64_t bits48(const uint8_t *b, uint64_t bit)
{
	return bits(b, bit, 48);
}

static uint32_t bits32(const uint8_t *b, uint64_t bit)
{
	return (uint32_t)bits(b, bit, 32);
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
	uint8_t *out = rw_malloc(cap);
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

/* Push a list of chunks, in order (outside bz->mu: it may wait for the
 * consumer). < 0 when stopped: the rest is freed. */
static int push_list(struct bz_state *bz, struct io__chunk *c)
{
	while (c) {
		struct io__chunk *n = c->next;
		if (io__q_push(&bz->src->q, c)) {
			io__chunk_free_list(n);
			return RW_EIO;
		}
		c = n;
	}
	return 0;
}

/* With bz->mu held: the job at the head if it is finished, taken out of
 * the in-flight list. */
static struct bz_job *take_done_head(struct bz_state *bz)
{
	for (struct bz_job **pp = &bz->flight; *pp; pp = &(*pp)->next)
		if ((*pp)->seq == bz->published) {
			struct bz_job *j = *pp;
			if (!j->done)
				return NULL;
			*pp = j->next;
			return j;
		}
	return NULL;
}

/* A worker finished job j: while the head is finished, push its output
 * and move the head on. Then, when the scanner is done and every block is
 * out, the stream is finished. */
static void finish_job(struct bz_state *bz, struct bz_job *j)
{
	struct io__queue *q = &bz->src->q;
	pthread_mutex_lock(&bz->mu);
	j->done = 1;
	struct bz_job *h;
	while (!bz->failed && !bz->stop && (h = take_done_head(bz))) {
		if (h->err) {
			bz->failed = 1;
			pthread_cond_broadcast(&bz->cv);
			pthread_mutex_unlock(&bz->mu);
			io__q_finish(q, h->err, "bzip2: block %llu at compressed byte %llu: %s",
				     (unsigned long long)h->seq, (unsigned long long)h->comp_byte, h->msg);
			rw_queue_close(&bz->work);
			job_free(h);
			return;
		}
		struct io__chunk *list = h->out;
		h->out = h->out_tail = NULL;
		pthread_mutex_unlock(&bz->mu);
		int rc = push_list(bz, list);
		job_free(h);
		pthread_mutex_lock(&bz->mu);
		if (rc)
			break;
		bz->published++;
		pthread_cond_broadcast(&bz->cv);
	}
	bool end = bz->scan_done && bz->published == bz->submitted && !bz->failed;
	int err = bz->scan_err;
	char msg[sizeof bz->scan_msg];
	memcpy(msg, bz->scan_msg, sizeof msg);
	pthread_mutex_unlock(&bz->mu);
	if (end)
		io__q_finish(q, err, "%s", msg);
}

/* A worker has a full chunk of job j: the head job streams it (with what
 * it kept before it became head); a job further back keeps it, up to
 * JOB_CAP, then waits its turn. < 0 when everything is stopping. */
static int emit_chunk(struct bz_state *bz, struct bz_job *j, struct io__chunk *c)
{
	pthread_mutex_lock(&bz->mu);
	c->next = NULL;
	if (j->out_tail)
		j->out_tail->next = c;
	else
		j->out = c;
	j->out_tail = c;
	j->buffered += c->len;
	for (;;) {
		if (bz->stop || bz->failed) {
			pthread_mutex_unlock(&bz->mu);
			return -1;
		}
		if (j->seq == bz->published) {
			struct io__chunk *list = j->out;
			j->out = j->out_tail = NULL;
			j->buffered = 0;
			pthread_mutex_unlock(&bz->mu);
			return push_list(bz, list) ? -1 : 0;
		}
		if (j->buffered < JOB_CAP)
			break;
		pthread_cond_wait(&bz->cv, &bz->mu);
	}
	pthread_mutex_unlock(&bz->mu);
	return 0;
}

/* ---------------------------------------------------------------- workers */

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
		if (!c)
			c = io__q_chunk(q);
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
	for (struct bz_job *j; (j = rw_queue_pop(&bz->work));) {
		pthread_mutex_lock(&bz->mu);
		bool quit = bz->stop || bz->failed;
		if (!quit) {
			j->next = bz->flight;
			bz->flight = j;
		}
		pthread_mutex_unlock(&bz->mu);
		if (quit) {
			job_free(j);
			continue;
		}
		decode_job(bz, j);
		finish_job(bz, j);
	}
	return NULL;
}

/* ---------------------------------------------------------------- scanner */

struct scan {
	struct bz_state *bz;
	uint8_t *b;         /* input window */
	size_t len;
	uint32_t cap;
	uint64_t base;      /* compressed byte offset of b[0] */
	int eof;
};

/* Append more input. Returns bytes added, 0 at EOF, < 0 on error. */
static long scan_more(struct scan *sc)
{
	if (sc->eof)
		return 0;
	/* 16 bytes of zero padding stay beyond len (bits48 peeks) */
	if (sc->cap - sc->len < IN_STEP + 16 &&
	    rw_vec_grow(&sc->b, &sc->cap, RW_MAX(sc->len + IN_STEP + 16, 4 * IN_STEP), 1, MAX_INBUF + 16, RW_MEM_IO))
		return RW_ELIMIT;
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

/* Hand a block to the workers, waiting while max_jobs are in flight. */
static int submit(struct bz_state *bz, struct bz_job *j)
{
	pthread_mutex_lock(&bz->mu);
	while (!bz->stop && !bz->failed && bz->submitted - bz->published >= bz->max_jobs)
		pthread_cond_wait(&bz->cv, &bz->mu);
	if (bz->stop || bz->failed) {
		pthread_mutex_unlock(&bz->mu);
		job_free(j);
		return -1;
	}
	j->seq = bz->submitted++;
	pthread_mutex_unlock(&bz->mu);
	if (rw_queue_push(&bz->work, j)) { /* closed: stopping */
		job_free(j);
		return -1;
	}
	return 0;
}

/* The scanner is done (err: why it stopped early); the workers end when
 * the blocks queued are taken, the stream when the last is published. */
static void scan_finish(struct bz_state *bz, int err, const char *msg)
{
	pthread_mutex_lock(&bz->mu);
	bz->scan_done = 1;
	bz->scan_err = err;
	snprintf(bz->scan_msg, sizeof bz->scan_msg, "%s", msg ? msg : "");
	bool end = bz->published == bz->submitted && !bz->failed;
	pthread_mutex_unlock(&bz->mu);
	rw_queue_close(&bz->work);
	if (end)
		io__q_finish(&bz->src->q, err, "%s", bz->scan_msg);
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
			struct bz_job *j = rw_calloc(1, sizeof *j);
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
	rw_vec_free(&sc.b, &sc.cap, 1, RW_MEM_IO);
	return NULL;
stopped:
	rw_vec_free(&sc.b, &sc.cap, 1, RW_MEM_IO);
	pthread_mutex_lock(&bz->mu);
	bz->scan_done = 1;
	pthread_mutex_unlock(&bz->mu);
	rw_queue_close(&bz->work);
	return NULL;
}

int io__bz2_start(struct io_src *s)
{
	pthread_once(&cand_once, cand_init);
	struct bz_state *bz = rw_calloc(1, sizeof *bz);
	bz->src = s;
	bz->nworkers = s->threads > IO_MAX_THREADS ? IO_MAX_THREADS : s->threads;
	bz->max_jobs = bz->nworkers + 1;
	rw_queue_init(&bz->work, bz->max_jobs + 1, RW_MEM_IO);
	pthread_mutex_init(&bz->mu, NULL);
	pthread_cond_init(&bz->cv, NULL);
	s->codec = bz;
	unsigned want = bz->nworkers;
	bz->nworkers = 0;
	for (unsigned i = 0; i < want; i++) {
		if (rw_thread_start(&bz->workers[i], worker_main, bz, "bzip2 decoder"))
			break;
		bz->nworkers++;
	}
	if (!bz->nworkers || rw_thread_start(&bz->scanner, scanner_main, bz, "bzip2 scanner"))
		return RW_ENOMEM;
	bz->scanner_started = 1;
	return 0;
}

void io__bz2_stop(struct io_src *s)
{
	struct bz_state *bz = s->codec;
	if (!bz)
		return;
	/* the queue was stopped by io_close; wake everybody else */
	pthread_mutex_lock(&bz->mu);
	bz->stop = 1;
	pthread_cond_broadcast(&bz->cv);
	pthread_mutex_unlock(&bz->mu);
	rw_queue_close(&bz->work);
	if (bz->scanner_started)
		pthread_join(bz->scanner, NULL);
	for (unsigned i = 0; i < bz->nworkers; i++)
		pthread_join(bz->workers[i], NULL);
	for (struct bz_job *j; (j = rw_queue_try_pop(&bz->work));)
		job_free(j);
	for (struct bz_job *j = bz->flight, *n; j; j = n) {
		n = j->next;
		job_free(j);
	}
	rw_queue_release(&bz->work);
	pthread_mutex_destroy(&bz->mu);
	pthread_cond_destroy(&bz->cv);
	free(bz);
	s->codec = NULL;
}
