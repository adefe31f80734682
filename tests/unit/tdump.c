/* tdump: bytes through the MRT reader, decoder and output formats (the
 * tests of unit_formats). */
#include "tutil.h"
#include "out/out.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

struct tmem {
	const uint8_t *p;
	size_t len, off, chunk;
};

static int tmem_next(void *ctx, const uint8_t **p, size_t *n)
{
	struct tmem *m = ctx;
	if (m->off >= m->len)
		return 0;
	size_t k = m->len - m->off;
	if (m->chunk && k > m->chunk)
		k = m->chunk;
	*p = m->p + m->off;
	*n = k;
	m->off += k;
	return 1;
}

struct tctx {
	struct out out;
	struct tdump *t;
};

static int on_elem(void *arg, const struct bgp_elem *e)
{
	struct tctx *c = arg;
	c->t->elems++;
	out_elem(&c->out, e);
	return 0;
}

void tdump_run(struct tdump *t, const uint8_t *buf, size_t len, size_t chunk, bool json, bool salvage)
{
	memset(t, 0, sizeof *t);
	int fd = memfd_create("tdump", 0);
	struct obuf o;
	obuf_init(&o, fd, 4096);
	struct tctx c = {.t = t};
	out_open(&c.out, json ? OUT_JSON : OUT_BGPDUMP, &o, NULL);
	struct tmem m = {buf, len, 0, chunk};
	struct mrt_reader rd;
	struct mrt_dec d;
	mrt_reader_init(&rd, tmem_next, &m, 0);
	mrt_dec_init(&d);
	d.salvage = salvage;
	struct mrt_rec rec;
	int r;
	while ((r = mrt_reader_next(&rd, &rec)) > 0) {
		if (r == MRT_NEXT_GAP) {
			t->gaps++;
			t->gap_bytes += rd.gap.len;
			t->gap_at_end |= rd.gap.at_end;
			continue;
		}
		t->records++;
		out_record(&c.out, &rec, NULL);
		struct mrt_result res;
		mrt_decode(&d, &rec, on_elem, &c, &res);
		if (res.err) {
			t->rec_errors++;
			t->last_err = res.what;
		}
		t->taw += res.n_taw;
		t->discard += res.n_discard;
		t->unparseable += res.n_unparseable;
		t->notes += res.n_notes;
		t->unsupported += res.unsupported;
	}
	obuf_release(&o);
	off_t n = lseek(fd, 0, SEEK_END);
	t->text = malloc((size_t)n + 1);
	pread(fd, t->text, (size_t)n, 0);
	t->text[n] = 0;
	t->len = (size_t)n;
	close(fd);
	out_close(&c.out);
	mrt_reader_release(&rd);
	mrt_dec_release(&d);
}

void tdump_free(struct tdump *t)
{
	free(t->text);
	t->text = NULL;
}

