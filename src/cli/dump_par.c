/*
 * Parallel dump of one file: the main thread reads and frames records and
 * packs them into batches of about 1 MiB; worker threads decode and format
 * batches into memory; the main thread writes the batches' text in order
 * and reports the problems the workers found, in order too. Output is
 * byte-identical to the sequential path.
 *
 * A batch starts with a copy of the PEER_INDEX_TABLE in force (marked as
 * context: decoded, not reported), so any worker can decode any batch of a
 * TABLE_DUMP_V2 file. At most 2 batches per worker are in flight, so
 * memory stays flat.
 *
 * Ownership: a batch belongs to the main thread until it is queued, to one
 * worker while it is decoded, and to the main thread again once done.
 */
#include "cli.h"

#include <pthread.h>
#include <stdlib.h>

#define BATCH_BYTES (1u << 20)

struct prec {            /* one record of a batch */
	struct mrt_rec rec;  /* body is an offset into data until decoded */
	size_t body_off;
	bool context;        /* the peer index copy at the head of a batch */
};

struct pprob {           /* a record's problems, reported by the main thread */
	struct mrt_rec rec;
	struct mrt_result res;
	size_t at;           /* index of the record in the batch */
};

struct pmsg {            /* a framing message, printed before record `before` */
	size_t before;
	struct feed_msg m;
};

struct pbatch {
	uint64_t seq;
	uint8_t *data;       /* owned: record bodies */
	size_t len, cap;
	struct prec *r;      /* owned */
	size_t n, capr;
	struct obuf out;     /* owned: formatted text (memory mode) */
	struct pprob *prob;  /* owned */
	size_t nprob, capprob;
	struct pmsg *msg;    /* owned */
	size_t nmsg, capmsg;
	uint64_t elems[5];
	bool done;
	struct pbatch *next;
};

struct pworker {
	pthread_t t;
	struct par *par;
	struct mrt_dec dec;
	struct fmt_bgpdump text;
	struct fmt_json json;
	uint64_t elems[5];
};

struct par {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pbatch *queue, *queue_tail; /* waiting for a worker */
	struct pbatch *done;                /* decoded, not yet written */
	struct pbatch *free;                /* written, kept for reuse */
	uint64_t submitted, written;
	unsigned max_flight;
	bool stop;
	bool json, want_msgs, salvage, guess, skip_unsupported;
	struct pworker *w;
	unsigned nw;
};

static int no_elem(void *arg, const struct bgp_elem *e)
{
	(void)arg;
	(void)e;
	return 0;
}

static int on_elem(void *arg, const struct bgp_elem *e)
{
	struct pworker *w = arg;
	switch (e->type) {
	case BGP_ELEM_ANNOUNCE: w->elems[0]++; break;
	case BGP_ELEM_WITHDRAW: w->elems[1]++; break;
	case BGP_ELEM_RIB: w->elems[2]++; break;
	case BGP_ELEM_STATE: w->elems[3]++; break;
	default: w->elems[4]++; break;
	}
	if (w->par->json)
		fmt_json_elem(&w->json, e);
	else
		fmt_bgpdump_elem(&w->text, e);
	return 0;
}

static void decode_batch(struct pworker *w, struct pbatch *b)
{
	memset(w->elems, 0, sizeof w->elems);
	b->out.len = 0;
	w->text.o = &b->out;
	w->json.o = &b->out;
	for (size_t i = 0; i < b->n; i++) {
		struct prec *pr = &b->r[i];
		pr->rec.body = b->data + pr->body_off;
		struct mrt_result res;
		if (pr->context) {
			mrt_decode(&w->dec, &pr->rec, on_elem, w, &res);
			continue;
		}
		fmt_bgpdump_record(&w->text, &pr->rec);
		w->json.rec = &pr->rec;
		mrt_decode(&w->dec, &pr->rec, on_elem, w, &res);
		if (feed_result_has_problem(&res)) {
			if (b->nprob == b->capprob) {
				b->capprob = b->capprob ? b->capprob * 2 : 8;
				b->prob = realloc(b->prob, b->capprob * sizeof *b->prob);
				if (!b->prob)
					abort();
			}
			b->prob[b->nprob].rec = pr->rec;
			b->prob[b->nprob].res = res;
			b->prob[b->nprob].at = i;
			b->nprob++;
		}
	}
	memcpy(b->elems, w->elems, sizeof b->elems);
}

static void *worker_main(void *arg)
{
	struct pworker *w = arg;
	struct par *p = w->par;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->queue && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!p->queue)
			break;
		struct pbatch *b = p->queue;
		p->queue = b->next;
		if (!p->queue)
			p->queue_tail = NULL;
		pthread_mutex_unlock(&p->mu);
		decode_batch(w, b);
		pthread_mutex_lock(&p->mu);
		b->done = true;
		b->next = p->done;
		p->done = b;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void batch_free(struct pbatch *b)
{
	free(b->data);
	free(b->r);
	obuf_release(&b->out);
	free(b->prob);
	for (size_t i = 0; i < b->nmsg; i++)
		free(b->msg[i].m.text);
	free(b->msg);
	free(b);
}

/* Write (and report) finished batches in order; with wait, block until the
 * head batch is done. Called by the main thread. */
static void drain(struct par *p, struct feed_file *f, struct obuf *out, bool wait)
{
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct pbatch **pp = &p->done, *b = NULL;
		for (; *pp; pp = &(*pp)->next)
			if ((*pp)->seq == p->written) {
				b = *pp;
				break;
			}
		if (!b) {
			if (!wait || p->written == p->submitted)
				break;
			pthread_cond_wait(&p->cv, &p->mu);
			continue;
		}
		*pp = b->next;
		p->written++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		/* the batch's text goes out as it is: no copy into out */
		obuf_flush(out);
		struct obuf direct = {.fd = out->fd, .buf = b->out.buf, .len = b->out.len, .cap = b->out.cap};
		obuf_flush(&direct);
		if (direct.err && !out->err)
			out->err = direct.err;
		out->total += direct.total;
		/* messages in record order, as the sequential path prints them */
		f->defer = false;
		size_t im = 0, ip = 0;
		for (size_t i = 0; i <= b->n; i++) {
			for (; im < b->nmsg && b->msg[im].before == i; im++) {
				feed_file_emit(f, (enum rw_level)b->msg[im].m.level, b->msg[im].m.text);
				free(b->msg[im].m.text);
			}
			for (; ip < b->nprob && b->prob[ip].at == i; ip++)
				feed_file_report(f, &b->prob[ip].rec, &b->prob[ip].res);
		}
		b->nmsg = 0;
		f->defer = true;
		for (int k = 0; k < 5; k++)
			f->st->elems[k] += b->elems[k];
		pthread_mutex_lock(&p->mu);
		b->next = p->free; /* keep its buffers for the next batch */
		p->free = b;
	}
	pthread_mutex_unlock(&p->mu);
}

static void submit(struct par *p, struct pbatch *b, struct feed_file *f, struct obuf *out)
{
	/* bounded: write what is done, wait while too much is in flight */
	for (;;) {
		drain(p, f, out, false);
		pthread_mutex_lock(&p->mu);
		bool full = p->submitted - p->written >= p->max_flight;
		pthread_mutex_unlock(&p->mu);
		if (!full)
			break;
		drain(p, f, out, true);
	}
	pthread_mutex_lock(&p->mu);
	b->seq = p->submitted++;
	b->next = NULL;
	if (p->queue_tail)
		p->queue_tail->next = b;
	else
		p->queue = b;
	p->queue_tail = b;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static struct pbatch *batch_new(struct par *p)
{
	pthread_mutex_lock(&p->mu);
	struct pbatch *b = p->free;
	if (b)
		p->free = b->next;
	pthread_mutex_unlock(&p->mu);
	if (b) {
		b->len = b->n = b->nprob = b->nmsg = 0;
		b->done = false;
		b->next = NULL;
		b->out.len = 0;
		return b;
	}
	b = calloc(1, sizeof *b);
	if (!b || obuf_init_mem(&b->out, 4u << 20))
		abort();
	return b;
}

/* Move the file's deferred messages into the batch, before record `before`. */
static void take_msgs(struct pbatch *b, struct feed_file *f)
{
	for (size_t i = 0; i < f->ndeferred; i++) {
		if (b->nmsg == b->capmsg) {
			b->capmsg = b->capmsg ? b->capmsg * 2 : 8;
			b->msg = realloc(b->msg, b->capmsg * sizeof *b->msg);
			if (!b->msg)
				abort();
		}
		b->msg[b->nmsg].before = b->n;
		b->msg[b->nmsg].m = f->deferred[i];
		b->nmsg++;
	}
	f->ndeferred = 0;
}

static void batch_add(struct pbatch *b, const struct mrt_rec *rec, bool context)
{
	if (b->len + rec->len > b->cap) {
		b->cap = RW_MAX(b->cap * 2, b->len + rec->len + BATCH_BYTES);
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			abort();
	}
	if (b->n == b->capr) {
		b->capr = b->capr ? b->capr * 2 : 1024;
		b->r = realloc(b->r, b->capr * sizeof *b->r);
		if (!b->r)
			abort();
	}
	struct prec *pr = &b->r[b->n++];
	pr->rec = *rec;
	pr->rec.body = NULL;
	pr->body_off = b->len;
	pr->context = context;
	if (rec->len)
		memcpy(b->data + b->len, rec->body, rec->len);
	b->len += rec->len;
}

int dump_parallel(struct feed_file *f, bool json, unsigned nworkers, struct obuf *out)
{
	struct par p;
	memset(&p, 0, sizeof p);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	p.json = json;
	p.nw = nworkers;
	p.max_flight = 2 * nworkers + 1;
	p.w = calloc(nworkers, sizeof *p.w);
	if (!p.w)
		abort();
	for (unsigned i = 0; i < nworkers; i++) {
		struct pworker *w = &p.w[i];
		w->par = &p;
		mrt_dec_init(&w->dec);
		w->dec.want_msgs = f->dec.want_msgs;
		w->dec.salvage = f->dec.salvage;
		w->dec.guess_addpath = f->dec.guess_addpath;
		fmt_bgpdump_init(&w->text, NULL);
		fmt_json_init(&w->json, NULL);
		w->json.file = f->path;
		pthread_create(&w->t, NULL, worker_main, w);
	}
	/* the main thread keeps the current peer index (a copy of its record)
	 * to put at the head of every batch */
	uint8_t *pit = NULL;
	struct mrt_rec pit_rec;
	size_t pit_cap = 0;
	bool have_pit = false;
	struct pbatch *b = NULL;
	f->defer = true;
	while (feed_file_next(f) > 0) {
		feed_file_prepare(f); /* short lengths are decided here */
		const struct mrt_rec *rec = &f->rec;
		if (rec->h.type == MRT_TABLE_DUMP_V2 && rec->h.subtype == MRT_PEER_INDEX_TABLE) {
			if (rec->len > pit_cap) {
				pit_cap = rec->len;
				pit = realloc(pit, pit_cap);
				if (!pit)
					abort();
			}
			memcpy(pit, rec->body, rec->len);
			pit_rec = *rec;
			pit_rec.body = pit;
			have_pit = true;
			/* the main decoder follows the index too (short-length
			 * checks decode RIB records) */
			struct mrt_result res;
			mrt_decode(&f->dec, rec, no_elem, NULL, &res);
		}
		if (!b) {
			b = batch_new(&p);
			if (have_pit && !(rec->h.type == MRT_TABLE_DUMP_V2 && rec->h.subtype == MRT_PEER_INDEX_TABLE))
				batch_add(b, &pit_rec, true);
		}
		take_msgs(b, f);
		batch_add(b, rec, false);
		if (b->len >= BATCH_BYTES) {
			submit(&p, b, f, out);
			b = NULL;
		}
	}
	if (f->ndeferred) { /* the end of the file had something to say */
		if (!b)
			b = batch_new(&p);
		take_msgs(b, f);
	}
	if (b)
		submit(&p, b, f, out);
	/* write everything that is left, in order */
	for (;;) {
		pthread_mutex_lock(&p.mu);
		bool all = p.written == p.submitted;
		pthread_mutex_unlock(&p.mu);
		if (all)
			break;
		drain(&p, f, out, true);
	}
	f->defer = false;
	pthread_mutex_lock(&p.mu);
	p.stop = true;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	for (unsigned i = 0; i < nworkers; i++) {
		pthread_join(p.w[i].t, NULL);
		mrt_dec_release(&p.w[i].dec);
		fmt_bgpdump_release(&p.w[i].text);
		fmt_json_release(&p.w[i].json);
	}
	while (p.free) {
		struct pbatch *n = p.free->next;
		batch_free(p.free);
		p.free = n;
	}
	free(p.w);
	free(pit);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	return 0;
}
