/*
 * The ordered parallel decoder (feed.h): one opened file decoded on worker
 * threads, its results delivered in file order. The main thread reads and
 * frames records and packs them into batches of about 1 MiB; workers
 * decode batches, each element going to the caller's callbacks with the
 * batch's output buffer; the main thread hands every batch's output to the
 * caller in order and reports the problems the workers found, in record
 * order too, so what the user sees is what the sequential path shows.
 *
 * A batch starts with a copy of the PEER_INDEX_TABLE in force (marked as
 * context: decoded, not reported), so any worker can decode any batch of a
 * TABLE_DUMP_V2 file. At most 2 x workers + 1 batches are in flight, so
 * memory stays flat whatever the file's size.
 *
 * Threads and ownership: a batch belongs to the main thread until it is
 * queued on `work`, to one worker until it is queued on `done`, and to the
 * main thread again, which keeps finished batches on its free list. Both
 * queues are base/'s bounded queue.
 */
#include "feed.h"

#include <pthread.h>
#include <stdlib.h>

#define BATCH_BYTES (1u << 20)

struct prec {            /* one record of a batch */
	struct mrt_rec rec;  /* body: a stable record's own (borrowed from
				the source, valid until it closes, after
				the batch), else an offset into data until
				decoded */
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
	struct obuf data;    /* owned: record bodies (copies) */
	size_t bytes;        /* record bytes, copied or borrowed */
	struct prec *r;      /* owned */
	uint32_t n, capr;
	struct obuf out;     /* owned: what the callbacks produced */
	struct pprob *prob;  /* owned */
	uint32_t nprob, capprob;
	struct pmsg *msg;    /* owned */
	uint32_t nmsg, capmsg;
	uint64_t elems[5];
	struct pbatch *next; /* the main thread's free list */
};

struct pworker {
	pthread_t t;
	struct par *par;
	struct mrt_dec dec;
	void *state;         /* the caller's, from worker_new */
	uint64_t *elems;     /* the batch being decoded's counts */
};

struct par {
	const struct feed_par_ops *ops;
	struct rw_queue work, done;
	struct pworker *w;
	unsigned nw;
};

#define VEC(p, cap, need) rw_vec_grow(&(p), &(cap), (need), sizeof *(p), UINT32_MAX, RW_MEM_FEED)

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
	return w->par->ops->elem(w->state, e);
}

static void decode_batch(struct pworker *w, struct pbatch *b)
{
	memset(b->elems, 0, sizeof b->elems);
	w->elems = b->elems;
	obuf_reset(&b->out);
	for (uint32_t i = 0; i < b->n; i++) {
		struct prec *pr = &b->r[i];
		if (!pr->rec.stable)
			pr->rec.body = obuf_data(&b->data) + pr->body_off;
		struct mrt_result res;
		if (pr->context) {
			mrt_decode(&w->dec, &pr->rec, no_elem, NULL, &res);
			continue;
		}
		w->par->ops->record(w->state, &pr->rec, &b->out);
		mrt_decode(&w->dec, &pr->rec, on_elem, w, &res);
		if (feed_result_has_problem(&res)) {
			VEC(b->prob, b->capprob, (size_t)b->nprob + 1);
			b->prob[b->nprob++] = (struct pprob){pr->rec, res, i};
		}
	}
}

static void *worker_main(void *arg)
{
	struct pworker *w = arg;
	for (struct pbatch *b; (b = rw_queue_pop(&w->par->work));) {
		decode_batch(w, b);
		rw_queue_push(&w->par->done, b); /* room: never more than in flight */
	}
	return NULL;
}

static void batch_free(struct pbatch *b)
{
	obuf_release(&b->data);
	obuf_release(&b->out);
	rw_vec_free(&b->r, &b->capr, sizeof *b->r, RW_MEM_FEED);
	rw_vec_free(&b->prob, &b->capprob, sizeof *b->prob, RW_MEM_FEED);
	for (uint32_t i = 0; i < b->nmsg; i++)
		free(b->msg[i].m.text);
	rw_vec_free(&b->msg, &b->capmsg, sizeof *b->msg, RW_MEM_FEED);
	free(b);
}

/* The main thread's side: batches in flight and those finished early. */
struct order {
	uint64_t submitted, delivered;
	struct pbatch *early;    /* finished ahead of their turn */
	struct pbatch *free;     /* delivered, kept for reuse */
};

/* Hand one finished batch to the caller, with its messages and problems
 * in record order, as the sequential path prints them. */
static void deliver(struct par *p, struct order *ord, struct feed_file *f, struct pbatch *b)
{
	p->ops->deliver(p->ops->arg, &b->out);
	f->defer = false;
	uint32_t im = 0, ip = 0;
	for (uint32_t i = 0; i <= b->n; i++) {
		for (; im < b->nmsg && b->msg[im].before == i; im++) {
			feed_file_emit(f, (enum rw_level)b->msg[im].m.level, b->msg[im].m.text);
			free(b->msg[im].m.text);
		}
		for (; ip < b->nprob && b->prob[ip].at == i; ip++)
			feed_file_report(f, &b->prob[ip].rec, &b->prob[ip].res);
	}
	b->nmsg = 0;
	f->defer = true;
	if (!p->ops->uncounted)
		for (int k = 0; k < 5; k++)
			f->st->elems[k] += b->elems[k];
	ord->delivered++;
	b->next = ord->free;
	ord->free = b;
}

/* Deliver what is due; wait for the next due batch while more than
 * `keep` are in flight. */
static void drain(struct par *p, struct order *ord, struct feed_file *f, uint64_t keep)
{
	for (;;) {
		bool found = true;
		while (found) { /* the next due one may be among the early ones */
			found = false;
			for (struct pbatch **pp = &ord->early; *pp; pp = &(*pp)->next)
				if ((*pp)->seq == ord->delivered) {
					struct pbatch *b = *pp;
					*pp = b->next;
					deliver(p, ord, f, b);
					found = true;
					break;
				}
		}
		if (ord->submitted - ord->delivered <= keep)
			return;
		struct pbatch *b = rw_queue_pop(&p->done);
		if (!b)
			return; /* cannot happen while batches are in flight */
		b->next = ord->early;
		ord->early = b;
	}
}

static struct pbatch *batch_new(struct order *ord)
{
	struct pbatch *b = ord->free;
	if (b) {
		ord->free = b->next;
		obuf_reset(&b->data);
		b->bytes = 0;
		b->n = b->nprob = b->nmsg = 0;
		b->next = NULL;
		return b;
	}
	return rw_calloc(1, sizeof *b);
}

/* Move the file's deferred messages into the batch, before its next record. */
static void take_msgs(struct pbatch *b, struct feed_file *f)
{
	for (size_t i = 0; i < f->ndeferred; i++) {
		VEC(b->msg, b->capmsg, (size_t)b->nmsg + 1);
		b->msg[b->nmsg++] = (struct pmsg){b->n, f->deferred[i]};
	}
	f->ndeferred = 0;
}

static void batch_add(struct pbatch *b, const struct mrt_rec *rec, bool context)
{
	VEC(b->r, b->capr, (size_t)b->n + 1);
	struct prec *pr = &b->r[b->n++];
	pr->rec = *rec;
	pr->context = context;
	b->bytes += rec->len;
	if (rec->stable)
		return; /* read where it lies (io_stable) */
	pr->rec.body = NULL;
	pr->body_off = b->data.len;
	obuf_write(&b->data, rec->body, rec->len);
}

static bool is_pit(const struct mrt_rec *rec)
{
	return rec->h.type == MRT_TABLE_DUMP_V2 && rec->h.subtype == MRT_PEER_INDEX_TABLE;
}

int feed_par_run(struct feed_file *f, unsigned nworkers, const struct feed_par_ops *ops)
{
	struct par p = {.ops = ops, .nw = nworkers};
	unsigned flight = 2 * nworkers + 1;
	rw_queue_init(&p.work, flight, RW_MEM_FEED);
	rw_queue_init(&p.done, flight, RW_MEM_FEED);
	p.w = rw_calloc(nworkers, sizeof *p.w);
	unsigned started = 0;
	for (unsigned i = 0; i < nworkers; i++) {
		struct pworker *w = &p.w[i];
		w->par = &p;
		mrt_dec_init(&w->dec);
		w->dec.want_msgs = f->dec.want_msgs;
		w->dec.salvage = f->dec.salvage;
		w->dec.guess_addpath = f->dec.guess_addpath;
		w->dec.skip_path = f->dec.skip_path;
		w->state = ops->worker_new(ops->arg);
		if (rw_thread_start(&w->t, worker_main, w, "decoder"))
			break;
		started++;
	}
	int rc = started ? 0 : RW_ENOMEM;
	struct order ord = {0};
	/* the main thread keeps the current peer index (a copy of its record)
	 * to put at the head of every batch */
	struct obuf pit = {0};
	struct mrt_rec pit_rec;
	bool have_pit = false;
	struct pbatch *b = NULL;
	f->defer = true;
	for (bool first = ops->framed; !rc && (first || feed_file_next(f) > 0); first = false) {
		feed_file_prepare(f); /* short lengths are decided here */
		const struct mrt_rec *rec = &f->rec;
		if (is_pit(rec)) {
			obuf_reset(&pit);
			obuf_write(&pit, rec->body, rec->len);
			pit_rec = *rec;
			pit_rec.body = obuf_data(&pit);
			pit_rec.stable = false; /* the copy is replaced by the next index */
			have_pit = true;
			/* the main decoder follows the index too (short-length
			 * checks decode RIB records) */
			struct mrt_result res;
			mrt_decode(&f->dec, rec, no_elem, NULL, &res);
		}
		if (ops->keep && !ops->keep(ops->arg, rec)) {
			/* left out; a batch under way still follows a new index */
			if (b && is_pit(rec))
				batch_add(b, rec, true);
			continue;
		}
		if (!b) {
			b = batch_new(&ord);
			if (have_pit && !is_pit(rec))
				batch_add(b, &pit_rec, true);
		}
		take_msgs(b, f);
		batch_add(b, rec, false);
		if (b->bytes >= BATCH_BYTES) {
			drain(&p, &ord, f, flight - 1);
			b->seq = ord.submitted++;
			rw_queue_push(&p.work, b);
			b = NULL;
		}
	}
	if (f->ndeferred) { /* the end of the file had something to say */
		if (!b)
			b = batch_new(&ord);
		take_msgs(b, f);
	}
	if (b) {
		drain(&p, &ord, f, flight - 1);
		b->seq = ord.submitted++;
		rw_queue_push(&p.work, b);
	}
	drain(&p, &ord, f, 0); /* everything left, in order */
	f->defer = false;
	rw_queue_close(&p.work);
	for (unsigned i = 0; i < nworkers; i++) {
		if (i < started)
			pthread_join(p.w[i].t, NULL);
		mrt_dec_release(&p.w[i].dec);
		ops->worker_free(p.w[i].state);
	}
	while (ord.free) {
		struct pbatch *n = ord.free->next;
		batch_free(ord.free);
		ord.free = n;
	}
	obuf_release(&pit);
	free(p.w);
	rw_queue_release(&p.work);
	rw_queue_release(&p.done);
	return rc;
}
