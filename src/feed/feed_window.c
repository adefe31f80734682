/*
 * Which files a question about a time needs (feed.h, docs/events.md §8):
 * `events --from A --until B` and `as --at T` want the state at a time,
 * then the records up to a later one (feed_inputs_window); `dump --from
 * --until` wants only the records of a window (feed_inputs_clip).
 *
 * Everything comes from the times and kinds feed_inputs found (names, or
 * first records peeked); no file is opened here. The inputs are looked at
 * collector by collector, in time order (an index of pointers, so the
 * caller's order, which the merge relies on, is kept). A file's end is
 * the time the next file of its collector begins:
 *   - an update file ends where the next later update file begins
 *     (archives rotate update files: 15 minutes at RouteViews, 5 at RIS);
 *   - a RIB dump is an instant (docs/events.md §2: all its records carry
 *     the time of its PEER_INDEX_TABLE), over before the next later file
 *     of its collector begins.
 * Only a file whose name gives its time is ever known to end: the time of
 * a file peeked for its first record says where it starts, not where it
 * ends. Files of unknown time (standard input) are always needed.
 *
 * A question about events (feed_inputs_window's `episodes`) reads every
 * collector's update records from the earliest of the collectors'
 * starting dumps, not each from its own: the window's replay is one
 * stretch of time, so an episode that begins in it is counted by every
 * peer that carries it, whichever collector's dump comes first (the
 * state alone, `as --at`, needs each collector from its own dump only).
 *
 * Marks go into the inputs (feed_input.outside, .start); the caller owns
 * them. Runs on the caller's thread.
 */
#include "feed_int.h"

#include <stdlib.h>

/* No end known: the last file of its kind, or a file not named by time. */
#define NO_END UINT32_MAX

/* An input with its end, in a collector's time-ordered run. */
struct span {
	struct feed_input *in; /* borrowed */
	uint32_t end;
};

static int cmp_span(const void *a, const void *b)
{
	const struct feed_input *x = ((const struct span *)a)->in, *y = ((const struct span *)b)->in;
	int c = strcmp(x->collector, y->collector);
	if (c)
		return c;
	if (x->unread != y->unread) /* unknown times last: no place in time */
		return x->unread ? 1 : -1;
	if (x->first_ts != y->first_ts)
		return x->first_ts < y->first_ts ? -1 : 1;
	if (x->rib != y->rib)
		return x->rib ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Ends of one collector's inputs of known time (g[0..n), sorted by time),
 * walked backwards: the next later update file, and the next later file
 * of any kind, seen so far. Equal times end nothing of each other. */
static void set_ends(struct span *g, size_t n)
{
	uint32_t next_upd = NO_END, next_any = NO_END;
	for (size_t j = n; j > 0;) {
		size_t i = j; /* g[i..j) share one time */
		while (i > 0 && g[i - 1].in->first_ts == g[j - 1].in->first_ts)
			i--;
		bool upd = false;
		for (size_t k = i; k < j; k++) {
			const struct feed_input *in = g[k].in;
			g[k].end = !in->named ? NO_END : in->rib ? next_any : next_upd;
			upd |= !in->rib;
		}
		next_any = g[i].in->first_ts;
		if (upd)
			next_upd = next_any;
		j = i;
	}
}

/* The inputs as spans, grouped by collector, each group in time order
 * with its ends set. *groups gets the start of each group (ng of them,
 * ng + 1 entries: the last is n). Both arrays are the caller's to free. */
static struct span *spans_of(struct feed_input *v, size_t n, size_t **groups, size_t *ng)
{
	struct span *s = rw_calloc(n ? n : 1, sizeof *s);
	for (size_t i = 0; i < n; i++)
		s[i].in = &v[i];
	if (n > 1) /* qsort wants an array, and an empty one may be NULL */
		qsort(s, n, sizeof *s, cmp_span);
	size_t *g = rw_calloc(n + 1, sizeof *g);
	size_t k = 0;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(s[j].in->collector, s[i].in->collector); j++)
			;
		g[k++] = i;
		size_t known = i;
		while (known < j && !s[known].in->unread)
			known++;
		set_ends(s + i, known - i);
		for (size_t m = known; m < j; m++)
			s[m].end = NO_END;
	}
	g[k] = n;
	*groups = g;
	*ng = k;
	return s;
}

/* A RIB dump that gives the state at the end of second `at`: its time is
 * at or before it. A name gives the minute the dump began, so its records
 * may carry any second of that minute: the dump counts once the minute is
 * over by `at`. */
static bool rib_by(const struct feed_input *in, uint32_t at)
{
	if (!in->rib || in->unread)
		return false;
	if (!in->named)
		return in->first_ts <= at;
	return at >= FEED_NAME_SLACK - 1 && in->first_ts <= at - (FEED_NAME_SLACK - 1);
}

/* A collector's starting dump for the state at a time. */
struct start {
	bool have;    /* it has one (else it starts from its first file) */
	uint32_t r;   /* the dump's time */
	uint32_t cut; /* its collector's records before this are replaced by
			 it: a minute early for a named dump, so that a dump
			 stamped a little before the minute its name gives is
			 not skipped whole */
};

/* The starting dump of one collector's inputs g[0..n) for the state at
 * `at`: its last RIB dump by then (rib_by). */
static struct start start_of(const struct span *g, size_t n, uint32_t at)
{
	struct start st = {0};
	bool named = false;
	for (size_t i = 0; at && i < n; i++)
		if (rib_by(g[i].in, at) && (!st.have || g[i].in->first_ts >= st.r)) {
			st.have = true;
			st.r = g[i].in->first_ts;
			named = g[i].in->named;
		}
	if (st.have)
		st.cut = !named ? st.r : st.r > FEED_NAME_SLACK ? st.r - FEED_NAME_SLACK : 0;
	return st;
}

/* Mark one collector's inputs g[0..n), starting from st, whose records
 * are read from `from` (its cut, or the earlier cut of a window's first
 * collector) up to `last`: its dumps before its starting dump, its named
 * update files that end by then (at or before the dump when it reads
 * from its own cut: the dump replaces them; else at or before `from`)
 * and files after `last` are outside. Returns how many are. */
static uint32_t mark_one(struct span *g, size_t n, struct start st, uint32_t from, uint32_t last)
{
	bool own = from >= st.cut;
	uint32_t upd_end = own ? st.r : from;
	uint32_t out = 0;
	for (size_t i = 0; i < n; i++) {
		struct feed_input *in = g[i].in;
		in->start = st.have ? from : 0;
		bool after = !in->unread && last && in->first_ts > last;
		bool replaced = st.have && !in->unread &&
				(in->rib ? in->first_ts < st.r : in->named && g[i].end <= upd_end);
		in->outside = after || replaced;
		out += in->outside;
	}
	if (st.have) {
		char tb[24], fb[24];
		feed__fmt_minute(tb, st.r);
		feed__fmt_minute(fb, from);
		rw_log(RW_LOG_INFO, "%s: starts from its RIB dump of %s%s%s", g[0].in->collector, tb,
		       own ? "" : ", its updates from ", own ? "" : fb);
	}
	return out;
}

uint32_t feed_inputs_window(struct feed_input *v, size_t n, uint32_t at, uint32_t last, bool episodes)
{
	size_t *g, ng;
	struct span *s = spans_of(v, n, &g, &ng);
	struct start *st = rw_calloc(ng ? ng : 1, sizeof *st);
	/* the earliest cut: where the replay of a window's events begins */
	uint32_t first = UINT32_MAX;
	for (size_t k = 0; k < ng; k++) {
		st[k] = start_of(s + g[k], g[k + 1] - g[k], at);
		if (st[k].have && st[k].cut < first)
			first = st[k].cut;
	}
	uint32_t out = 0;
	for (size_t k = 0; k < ng; k++)
		out += mark_one(s + g[k], g[k + 1] - g[k], st[k], episodes && first < st[k].cut ? first : st[k].cut,
				last);
	free(st);
	free(s);
	free(g);
	return out;
}

uint32_t feed_inputs_clip(struct feed_input *v, size_t n, uint32_t from, uint32_t until)
{
	size_t *g, ng;
	struct span *s = spans_of(v, n, &g, &ng);
	uint32_t out = 0;
	for (size_t i = 0; i < n; i++) {
		struct feed_input *in = s[i].in;
		/* a record is never older than its file's name says, and the
		 * records of a file end where the next one begins: an end
		 * before `from` leaves nothing at or after it */
		bool after = !in->unread && until && in->first_ts >= until;
		bool before = from && s[i].end != NO_END && s[i].end < from;
		in->outside = after || before;
		in->start = 0;
		out += in->outside;
	}
	free(s);
	free(g);
	return out;
}
