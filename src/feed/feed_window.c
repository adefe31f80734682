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

/* One collector's inputs g[0..n) for the state at `at` and records up to
 * `last`. Returns how many are outside. */
static uint32_t window_one(struct span *g, size_t n, uint32_t at, uint32_t last)
{
	bool have = false;
	uint32_t r = 0; /* the starting dump's time */
	bool r_named = false;
	for (size_t i = 0; at && i < n; i++)
		if (rib_by(g[i].in, at) && (!have || g[i].in->first_ts >= r)) {
			have = true;
			r = g[i].in->first_ts;
			r_named = g[i].in->named;
		}
	/* records of the dump's collector before the dump are replaced by it;
	 * the cut is a minute early for a named dump, so that a dump stamped
	 * a little before the minute its name gives is not skipped whole */
	uint32_t start = !have ? 0 : r_named ? (r > FEED_NAME_SLACK ? r - FEED_NAME_SLACK : 0) : r;
	uint32_t out = 0;
	for (size_t i = 0; i < n; i++) {
		struct feed_input *in = g[i].in;
		in->start = start;
		bool after = !in->unread && last && in->first_ts > last;
		bool replaced = have && !in->unread &&
				(in->rib ? in->first_ts < r : in->named && g[i].end <= r);
		in->outside = after || replaced;
		out += in->outside;
	}
	if (have) {
		char tb[24];
		feed__fmt_minute(tb, r);
		rw_log(RW_LOG_INFO, "%s: starts from its RIB dump of %s", g[0].in->collector, tb);
	}
	return out;
}

uint32_t feed_inputs_window(struct feed_input *v, size_t n, uint32_t at, uint32_t last)
{
	size_t *g, ng;
	struct span *s = spans_of(v, n, &g, &ng);
	uint32_t out = 0;
	for (size_t k = 0; k < ng; k++)
		out += window_one(s + g[k], g[k + 1] - g[k], at, last);
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
