/*
 * The chart: each upstream's share of the origin's routes over the window,
 * stacked, with the origin's outages shaded and the upstream changes
 * marked; axes in UTC and percent, and a legend with AS names.
 *
 * The series is a step function (a point holds until the next). It is
 * averaged per pixel column over the time the origin was visible in it
 * (outages are shaded, not drawn as a dip), so a window of a year draws
 * as fast and as small as one of an hour; equal neighbouring columns
 * merge into one polygon edge.
 */
#include "report.h"

#include "../detect/det.h"

#include <stdlib.h>
#include <time.h>

#define W REPORT_SVG_W
#define H REPORT_SVG_H
#define X0 REPORT_SVG_X0
#define X1 REPORT_SVG_X1
#define Y0 56
#define Y1 (H - 140)
#define NCOL (X1 - X0)
#define NLAYER 8 /* upstreams drawn on their own; the rest is "other" */

static const char *const palette[NLAYER] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd",
					    "#8c564b", "#e377c2", "#17becf", "#bcbd22"};

static void xml_text(struct obuf *o, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': obuf_puts(o, "&amp;"); break;
		case '<': obuf_puts(o, "&lt;"); break;
		case '>': obuf_puts(o, "&gt;"); break;
		case '"': obuf_puts(o, "&quot;"); break;
		default: obuf_putc(o, *s);
		}
	}
}

/* "AS20485 TRANSTELECOM" escaped for XML. */
static void as_label(struct obuf *o, const struct names *nm, uint32_t asn)
{
	struct obuf t;
	obuf_init_mem(&t, 128);
	report_as(&t, nm, asn);
	obuf_putc(&t, 0);
	xml_text(o, t.buf);
	obuf_release(&t);
}

static double xpos(const struct report_data *d, uint32_t t)
{
	double span = d->to > d->from ? (double)(d->to - d->from) : 1.0;
	return X0 + (double)(t < d->from ? 0 : t - d->from) * (X1 - X0) / span;
}

/* Layers: the upstreams of the window ranked by time-weighted share. */
struct layer {
	uint32_t asn;
	double weight;
};

static int layer_cmp(const void *a, const void *b)
{
	const struct layer *x = a, *y = b;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

/* Segment k of the series: the time it covers in the window. */
static bool segment(const struct report_data *d, size_t k, uint32_t *a, uint32_t *b)
{
	const struct store_series *s = &d->series;
	*a = s->pt[k].ts < d->from ? d->from : s->pt[k].ts;
	*b = k + 1 < s->n ? s->pt[k + 1].ts : d->to;
	if (*b > d->to)
		*b = d->to;
	return *b > *a;
}

static size_t rank_layers(const struct report_data *d, struct layer **out)
{
	const struct store_series *s = &d->series;
	struct layer *l = rw_calloc(s->nup + 1, sizeof *l);
	size_t n = 0;
	for (size_t k = 0; k < s->n; k++) {
		uint32_t a, b;
		if (!segment(d, k, &a, &b) || !s->pt[k].routes)
			continue;
		for (uint32_t i = 0; i < s->pt[k].up_n; i++) {
			const uint32_t *u = s->up[s->pt[k].up_off + i];
			size_t j = 0;
			while (j < n && l[j].asn != u[0])
				j++;
			if (j == n)
				l[n++].asn = u[0];
			l[j].weight += (double)u[1] / s->pt[k].routes * (b - a);
		}
	}
	if (n > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(l, n, sizeof *l, layer_cmp);
	*out = l;
	return n;
}

/* Time step for at most 10 ticks; from 30 days on, whole months. */
static uint32_t tick_step(uint32_t span)
{
	static const uint32_t steps[] = {60,        300,       900,        1800,       3600,      3 * 3600,
					 6 * 3600,  43200,     86400,      2 * 86400,  7 * 86400, 14 * 86400,
					 30 * 86400, 91 * 86400, 182 * 86400, 365 * 86400};
	for (size_t i = 0; i < RW_ARRAY_LEN(steps); i++)
		if (span / steps[i] <= 10)
			return steps[i];
	return 365 * 86400;
}

/* The first tick at or after t, and the one after a tick: calendar months
 * (1, 3, 6 or 12 of them) for long steps, multiples of the step else. */
static uint32_t tick_next(uint32_t t, uint32_t step, bool first)
{
	if (step < 30 * 86400) {
		uint64_t n = first ? ((uint64_t)t + step - 1) / step * step : (uint64_t)t + step;
		return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	}
	int months = step >= 365 * 86400 ? 12 : step >= 182 * 86400 ? 6 : step >= 91 * 86400 ? 3 : 1;
	time_t tt = t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	bool aligned = tm.tm_mday == 1 && !tm.tm_hour && !tm.tm_min && !tm.tm_sec && tm.tm_mon % months == 0;
	struct tm n = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon - tm.tm_mon % months, .tm_mday = 1};
	if (!(first && aligned))
		n.tm_mon += months;
	time_t r = timegm(&n);
	return r > (time_t)UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}

static void axes(const struct report_data *d, struct obuf *o)
{
	/* y: shares */
	for (int p = 0; p <= 100; p += 25) {
		double y = Y1 - (double)p * (Y1 - Y0) / 100;
		obuf_printf(o, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", X0, y, X1, y);
		obuf_printf(o, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"12\">%d%%</text>\n", X0 - 6,
			    y + 4, p);
	}
	obuf_printf(o, "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">"
		       "share of the %s's routes</text>\n", (Y0 + Y1) / 2, report_is_country(d) ? "country" : "origin");
	/* x: UTC */
	uint32_t span = d->to - d->from, step = tick_step(span);
	bool days = step >= 86400;
	double last_x = -100;
	for (uint32_t t = tick_next(d->from, step, true); t <= d->to && t != UINT32_MAX; t = tick_next(t, step, false)) {
		double x = xpos(d, t);
		char b[32];
		time_t tt = t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(b, sizeof b, step >= 365 * 86400 ? "%Y" : days ? "%Y-%m-%d" : "%H:%M", &tm);
		obuf_printf(o, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>\n", x, Y1, x, Y1 + 5);
		if (x - last_x < 70)
			continue; /* no overlapping labels */
		obuf_printf(o, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">%s</text>\n", x,
			    Y1 + 19, b);
		last_x = x;
	}
	char b0[40], b1[40];
	fmt_time_rfc3339(b0, d->from);
	fmt_time_rfc3339(b1, d->to);
	obuf_printf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">time (UTC), %s to %s</text>\n",
		    (X0 + X1) / 2, Y1 + 38, b0, b1);
	obuf_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>\n", X0, Y0,
		    X1 - X0, Y1 - Y0);
}

void report_svg(const struct report_data *d, const struct names *nm, struct obuf *o)
{
	const struct store_series *s = &d->series;
	struct layer *l;
	size_t nl = rank_layers(d, &l);
	size_t nshow = nl > NLAYER ? NLAYER - 1 : nl; /* the last slot is "other" when needed */
	size_t nlay = nl > NLAYER ? NLAYER : nl;
	/* per column: time-weighted share per layer, and the time it covers */
	double *acc = rw_calloc((size_t)NCOL * (nlay + 1), sizeof *acc);
	double *cov = rw_calloc(NCOL, sizeof *cov);
	double span = d->to > d->from ? (double)(d->to - d->from) : 1.0, colt = span / NCOL;
	for (size_t k = 0; k < s->n; k++) {
		uint32_t a, b;
		if (!segment(d, k, &a, &b) || !s->pt[k].routes)
			continue;
		double ta = a - d->from, tb = b - d->from;
		size_t c0 = (size_t)(ta / colt), c1 = (size_t)(tb / colt);
		if (c1 >= NCOL)
			c1 = NCOL - 1;
		for (size_t c = c0; c <= c1 && c < NCOL; c++) {
			double lo = c * colt > ta ? c * colt : ta, hi = (c + 1) * colt < tb ? (c + 1) * colt : tb;
			if (hi <= lo)
				continue;
			cov[c] += hi - lo;
			for (uint32_t i = 0; i < s->pt[k].up_n; i++) {
				const uint32_t *u = s->up[s->pt[k].up_off + i];
				size_t j = 0;
				while (j < nshow && l[j].asn != u[0])
					j++;
				if (j == nshow && nshow == nlay)
					continue; /* cannot happen: every upstream has a layer */
				acc[c * nlay + j] += (double)u[1] / s->pt[k].routes * (hi - lo);
			}
		}
	}

	obuf_printf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
		       " font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
		       "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		    W, H, W, H);
	obuf_puts(o, "<text x=\"70\" y=\"26\" font-size=\"17\" font-weight=\"bold\">");
	if (report_is_country(d)) { /* docs/events.md §14 */
		char cc[3];
		geo_cc_str((uint16_t)d->origin, cc);
		obuf_printf(o, "country %s: its international providers' share of its routes</text>\n", cc);
		obuf_puts(o, "<text x=\"70\" y=\"44\" font-size=\"12\" fill=\"#555\">routes = peers x prefixes of its"
			     " networks seen by the collectors</text>\n");
	} else {
		as_label(o, nm, d->origin);
		obuf_puts(o, ": its upstreams' share of its routes</text>\n");
		obuf_puts(o, "<text x=\"70\" y=\"44\" font-size=\"12\" fill=\"#555\">routes = peers x prefixes seen"
			     " by the collectors; shaded: the whole network down</text>\n");
	}

	/* outages first, under the areas */
	for (size_t i = 0; i < d->nout; i++) {
		double xa = xpos(d, d->out[i].start), xb = xpos(d, d->out[i].end ? d->out[i].end : d->to);
		if (xb - xa < 1.5)
			xb = xa + 1.5;
		obuf_printf(o, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#d62728\""
			       " fill-opacity=\"0.25\"><title>down</title></rect>\n",
			    xa, Y0, xb - xa, Y1 - Y0);
	}
	/* stacked areas, bottom layer first */
	double *base = rw_calloc(NCOL, sizeof *base);
	for (size_t j = 0; j < nlay; j++) {
		const char *color = j < nshow ? palette[j] : "#999999";
		obuf_printf(o, "<path fill=\"%s\" fill-opacity=\"0.85\" stroke=\"none\" d=\"", color);
		/* one closed polygon per run of covered columns */
		for (size_t c = 0; c < NCOL;) {
			if (cov[c] <= 0) {
				c++;
				continue;
			}
			size_t e = c;
			while (e < NCOL && cov[e] > 0)
				e++;
			/* top edge left to right, bottom edge back */
			double prev = -1;
			for (size_t k = c; k < e; k++) {
				double v = acc[k * nlay + j] / cov[k];
				double y = Y1 - (base[k] + v) * (Y1 - Y0);
				if (k == c)
					obuf_printf(o, "M%d %.1f", X0 + (int)k, y);
				else if (y != prev)
					obuf_printf(o, "H%d V%.1f", X0 + (int)k, y);
				prev = y;
			}
			obuf_printf(o, "H%d", X0 + (int)e);
			prev = -1;
			for (size_t k = e; k-- > c;) {
				double y = Y1 - base[k] * (Y1 - Y0);
				if (k == e - 1)
					obuf_printf(o, " V%.1f", y);
				else if (y != prev)
					obuf_printf(o, " H%d V%.1f", X0 + (int)k + 1, y);
				prev = y;
			}
			obuf_printf(o, " H%d Z ", X0 + (int)c);
			c = e;
		}
		obuf_puts(o, "\"/>\n");
		for (size_t k = 0; k < NCOL; k++)
			if (cov[k] > 0)
				base[k] += acc[k * nlay + j] / cov[k];
	}
	/* upstream changes (labels only where they do not overlap) */
	double last_label = -100;
	for (size_t i = 0; i < d->nev; i++) {
		const struct report_event *e = &d->ev[i];
		if ((e->type != DET_UPSTREAM_GAINED && e->type != DET_UPSTREAM_LOST) || !e->flag)
			continue;
		double x = xpos(d, e->time);
		bool up = e->type == DET_UPSTREAM_GAINED;
		obuf_printf(o, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"4 3\"/>\n",
			    x, Y0, x, Y1, up ? "#2a7d2a" : "#333333");
		if (x - last_label < 60)
			continue;
		obuf_printf(o, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"%s\" text-anchor=\"%s\">%sAS%u</text>\n",
			    x, Y0 - 3, up ? "#2a7d2a" : "#333333", x > X1 - 40 ? "end" : "middle", up ? "+" : "-",
			    e->upstream);
		last_label = x;
	}
	axes(d, o);
	/* legend: two columns under the axis */
	int ly = Y1 + 60;
	for (size_t j = 0; j < nlay; j++) {
		int x = X0 + (int)(j % 2) * 430, y = ly + (int)(j / 2) * 18;
		obuf_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", x, y - 10,
			    j < nshow ? palette[j] : "#999999");
		obuf_printf(o, "<text x=\"%d\" y=\"%d\" font-size=\"12\">", x + 18, y);
		if (j >= nshow)
			obuf_printf(o, "%zu other %s", nl - nshow, report_is_country(d) ? "providers" : "upstreams");
		else if (!l[j].asn)
			obuf_puts(o, report_is_country(d) ? "no international provider (inside the country)"
							  : "direct (the peer is the origin)");
		else
			as_label(o, nm, l[j].asn);
		obuf_puts(o, "</text>\n");
	}
	int y = ly + (int)((nlay + 1) / 2) * 18;
	obuf_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#d62728\" fill-opacity=\"0.25\"/>\n"
		       "<text x=\"%d\" y=\"%d\" font-size=\"12\">outage: no prefix of the origin visible</text>\n",
		    X0, y - 10, X0 + 18, y);
	if (!nl)
		obuf_printf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"14\" fill=\"#555\">"
			       "no routes recorded in this window</text>\n",
			    (X0 + X1) / 2, (Y0 + Y1) / 2);
	obuf_puts(o, "</svg>\n");
	free(acc);
	free(cov);
	free(base);
	free(l);
}
