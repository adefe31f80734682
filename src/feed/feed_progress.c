/*
 * Progress of a long run on a terminal (issue 9): one line on stderr,
 * redrawn at most twice a second, with the files done, the compressed
 * bytes read of all there are to read, the records and their rate, and the
 * time left at that rate. Nothing when stderr is not a terminal (--stats
 * and logs on pipes stay as they are), and the line is cleared at the end
 * so the output that follows starts clean.
 *
 * Cost: feed_progress_tick is a counter compare on most calls; the clock
 * is read every 4096 calls.
 */
#include "feed.h"

#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void feed_progress_start(struct feed_progress *p, bool want, const struct feed_input *in, char *const *paths,
			 size_t n)
{
	memset(p, 0, sizeof *p);
	p->on = want && isatty(STDERR_FILENO);
	if (!p->on)
		return;
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		if (in && in[i].outside)
			continue;
		const char *path = in ? in[i].path : paths[i];
		p->files++;
		if (strcmp(path, "-") && !stat(path, &sb))
			p->bytes += (uint64_t)sb.st_size;
	}
	p->t0 = mono();
	p->last = p->t0 - 1; /* the first check draws: a run shows at once */
}

static void human(char *b, size_t n, double v)
{
	if (v >= 1e9)
		snprintf(b, n, "%.1f G", v / 1e9);
	else if (v >= 1e6)
		snprintf(b, n, "%.1f M", v / 1e6);
	else if (v >= 1e3)
		snprintf(b, n, "%.1f k", v / 1e3);
	else
		snprintf(b, n, "%.0f", v);
}

static void draw(struct feed_progress *p, const struct feed_stats *st, const struct feed_file *cur, double now)
{
	double el = now - p->t0;
	uint64_t done = st->bytes_in + (cur && cur->io ? io_bytes_in(cur->io) : 0);
	char rb[16], rs[16], bd[16], bt[16], left[32] = "";
	human(rb, sizeof rb, (double)st->records);
	human(rs, sizeof rs, el > 0 ? (double)st->records / el : 0);
	human(bd, sizeof bd, (double)done);
	human(bt, sizeof bt, (double)p->bytes);
	if (done > 0 && p->bytes > done && el > 1) {
		double s = el * (double)(p->bytes - done) / (double)done;
		snprintf(left, sizeof left, ", %d:%02d left", (int)(s / 60), (int)s % 60);
	}
	fprintf(stderr, "\r\033[Kfiles %llu/%u, %sB of %sB read, %s records (%s/s)%s",
		(unsigned long long)(st->files + st->files_outside), p->files, bd, bt, rb, rs, left);
	fflush(stderr);
	p->drawn = true;
}

void feed_progress_tick(struct feed_progress *p, const struct feed_stats *st, const struct feed_file *cur)
{
	if (!p->on || (++p->calls & 4095))
		return;
	double now = mono();
	if (now - p->last < 0.5)
		return;
	p->last = now;
	draw(p, st, cur, now);
}

void feed_progress_end(struct feed_progress *p)
{
	if (p->on && p->drawn)
		fputs("\r\033[K", stderr);
	p->on = false;
}
