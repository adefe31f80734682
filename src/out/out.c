/* The output interface (out.h): opening, the record elements come from,
 * and the helpers the formats share. */
#include "out_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void out_open(struct out *o, enum out_format fmt, struct obuf *ob, const struct names *nm)
{
	memset(o, 0, sizeof *o);
	o->format = fmt;
	o->ops = fmt == OUT_JSON ? &out__json_ops : fmt == OUT_BGPKIT ? &out__bgpkit_ops : &out__text_ops;
	o->ob = ob;
	o->nm = nm;
	o->es = rw_calloc(1, sizeof *o->es);
	rw_mem_count(RW_MEM_OUT, (int64_t)sizeof *o->es);
	o->es->bd.head_rec = UINT64_MAX;
}

void out_close(struct out *o)
{
	if (!o->es)
		return;
	rw_vec_free(&o->es->bd.tail, &o->es->bd.tail_cap, 1, RW_MEM_OUT);
	rw_vec_free(&o->es->path, &o->es->path_cap, 1, RW_MEM_OUT);
	rw_mem_count(RW_MEM_OUT, -(int64_t)sizeof *o->es);
	free(o->es);
	o->es = NULL;
}

void out_record(struct out *o, const struct mrt_rec *rec, const char *file)
{
	o->rec = rec;
	o->file = file;
	out__bgpdump_record(o);
	o->es->path_gen = 0;
}

size_t out__when(char *b, uint32_t t, bool text)
{
	time_t tt = t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	return strftime(b, 40, text ? "%Y-%m-%d %H:%M:%S UTC" : "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void out__as_text(struct obuf *ob, const struct names *nm, uint32_t asn)
{
	char nb[64];
	obuf_puts(ob, "AS");
	obuf_putu32(ob, asn);
	const char *s = nm ? names_short(nm, asn, nb, sizeof nb) : NULL;
	if (s) {
		obuf_putc(ob, ' ');
		obuf_puts(ob, s);
	}
}

void out__relationship(struct obuf *ob, const char *detail)
{
	static const char key[] = "\"relationship\":\"";
	const char *s = detail ? strstr(detail, key) : NULL;
	if (!s)
		return;
	s += sizeof key - 1;
	const char *e = strchr(s, '"');
	if (!e)
		return;
	obuf_puts(ob, " (");
	obuf_write(ob, s, (size_t)(e - s));
	obuf_putc(ob, ')');
}

void out__kname(struct obuf *o, const struct names *nm, uint32_t asn, const char *k)
{
	const char *s = nm ? names_get(nm, asn) : NULL;
	if (s) {
		out__key(o, k);
		obuf_json_str(o, s, strlen(s));
	}
}

void out__ktime(struct obuf *o, const char *k, uint32_t t)
{
	char tb[40];
	out__kstr(o, k, tb, out__when(tb, t, false));
}

void out__share(struct obuf *o, double v)
{
	char b[32];
	int n = snprintf(b, sizeof b, "%.4f", v);
	while (n > 2 && b[n - 1] == '0' && b[n - 2] != '.')
		n--;
	obuf_putsn(o, b, (size_t)n);
}

void out__krel(const struct out *out, uint32_t o, uint32_t u)
{
	if (!out->rel || !u)
		return;
	const char *w = asrel_name(asrel_get(out->rel, o, u));
	out__kstr(out->ob, "relationship", w, strlen(w));
}

void out__rel_text(const struct out *out, uint32_t o, uint32_t u)
{
	if (!out->rel || !u)
		return;
	obuf_printf(out->ob, " (%s)", asrel_name(asrel_get(out->rel, o, u)));
}
