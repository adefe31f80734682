/* feed/: which files a window needs (feed_inputs_window, feed_inputs_clip;
 * docs/events.md §8), over tables of inputs as feed_inputs finds them
 * (collector, time, kind, whether the name gave the time). Pure: no file
 * is opened. */
#define T_PREFIX "feed/"
#include "t.h"
#include "feed/feed.h"

#include <stdlib.h>

#define D 1709942400u /* 2024-03-09 00:00 UTC */
#define M(h, m) (D + (uint32_t)(h) * 3600u + (uint32_t)(m) * 60u)

/* One input and what the window must make of it. */
struct win_case {
	const char *coll;
	char kind;        /* 'R' RIB dump, 'U' update file, '-' unknown time (stdin) */
	uint32_t ts;
	bool named;       /* the time came from the name (else a first record) */
	bool outside;     /* wanted */
	uint32_t start;   /* wanted */
};

static struct feed_input *make(const struct win_case *c, size_t n)
{
	struct feed_input *v = calloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		char path[64];
		snprintf(path, sizeof path, "%s/%zu", c[i].coll, i);
		v[i].path = strdup(path);
		v[i].collector = strdup(c[i].coll);
		v[i].rib = c[i].kind == 'R';
		v[i].unread = c[i].kind == '-';
		v[i].first_ts = c[i].kind == '-' ? 0 : c[i].ts;
		v[i].named = c[i].named;
		v[i].order = (uint32_t)i;
	}
	return v;
}

static void check(const struct win_case *c, const struct feed_input *v, size_t n, uint32_t nout, int line)
{
	uint32_t want = 0;
	for (size_t i = 0; i < n; i++) {
		want += c[i].outside;
		if (v[i].outside != c[i].outside || v[i].start != c[i].start)
			t_fail(__FILE__, line, "row %zu (%s %c %u): got %s start %u, want %s start %u", i, c[i].coll,
			       c[i].kind, c[i].ts - D, v[i].outside ? "outside" : "needed", v[i].start - D,
			       c[i].outside ? "outside" : "needed", c[i].start - D);
	}
	if (nout != want)
		t_fail(__FILE__, line, "%u outside, want %u", nout, want);
}

/* episodes: feed_inputs_window's flag (a window's events read every
 * collector's updates from the earliest starting dump). */
static void run_window_as(const struct win_case *c, size_t n, uint32_t at, uint32_t last, bool episodes, int line)
{
	struct feed_input *v = make(c, n);
	uint32_t nout = feed_inputs_window(v, n, at, last, episodes);
	check(c, v, n, nout, line);
	for (size_t i = 0; i < n; i++)
		feed_input_release(&v[i]);
	free(v);
}

static void run_window(const struct win_case *c, size_t n, uint32_t at, uint32_t last, int line)
{
	run_window_as(c, n, at, last, false, line);
}

static void run_episodes(const struct win_case *c, size_t n, uint32_t at, uint32_t last, int line)
{
	run_window_as(c, n, at, last, true, line);
}

static void run_clip(const struct win_case *c, size_t n, uint32_t from, uint32_t until, int line)
{
	struct feed_input *v = make(c, n);
	uint32_t nout = feed_inputs_clip(v, n, from, until);
	check(c, v, n, nout, line);
	for (size_t i = 0; i < n; i++)
		feed_input_release(&v[i]);
	free(v);
}

#define S0 M(1, 59) /* the cut for a named dump of 02:00: a minute early */

/* A RouteViews-like collector: RIB dumps every 2 hours, update files every
 * 15 minutes. The state at 02:30 starts from the dump of 02:00. */
TEST(window_from_last_rib)
{
	static const struct win_case c[] = {
		{"rv", 'R', M(0, 0), true, true, S0},   /* replaced by the 02:00 dump */
		{"rv", 'U', M(0, 0), true, true, S0},
		{"rv", 'U', M(1, 30), true, true, S0},
		{"rv", 'U', M(1, 45), true, true, S0},  /* ends at 02:00: at or before the dump */
		{"rv", 'R', M(2, 0), true, false, S0},  /* the starting dump */
		{"rv", 'U', M(2, 0), true, false, S0},
		{"rv", 'U', M(3, 30), true, false, S0},
		{"rv", 'U', M(3, 45), true, true, S0},  /* after `last` (03:40) */
		{"rv", 'R', M(4, 0), true, true, S0},
	};
	run_window(c, RW_ARRAY_LEN(c), M(2, 30) - 1, M(3, 40), __LINE__);
}

/* A gap: the update file before the dump has no successor until after it,
 * so it may hold records past the dump: needed (its records before the
 * cut are skipped by the reader). */
TEST(window_gap_before_rib)
{
	static const struct win_case c[] = {
		{"rv", 'R', M(0, 0), true, true, S0},
		{"rv", 'U', M(1, 30), true, true, S0},
		{"rv", 'U', M(1, 45), true, false, S0}, /* next update file: 02:15 */
		{"rv", 'R', M(2, 0), true, false, S0},
		{"rv", 'U', M(2, 15), true, false, S0},
	};
	run_window(c, RW_ARRAY_LEN(c), M(3, 0), 0, __LINE__);
}

/* A window that starts on a dump's time asks for the state the second
 * before: the dump before it is the start (the dump's own second must be
 * evaluated, not be a silent baseline). A named dump counts once the
 * minute its name gives is over (its records may carry any second of
 * it); a dump whose first record was read counts from that second. */
TEST(window_start_on_rib_time)
{
	static const struct win_case before[] = {
		{"rv", 'R', M(0, 0), true, false, M(0, 0) - 60},
		{"rv", 'U', M(1, 45), true, false, M(0, 0) - 60},
		{"rv", 'R', M(2, 0), true, false, M(0, 0) - 60},
		{"rv", 'U', M(2, 0), true, false, M(0, 0) - 60},
	};
	run_window(before, RW_ARRAY_LEN(before), M(2, 0) - 1, 0, __LINE__);
	run_window(before, RW_ARRAY_LEN(before), M(2, 0) + 58, 0, __LINE__);
	static const struct win_case on[] = {
		{"rv", 'R', M(0, 0), true, true, S0},
		{"rv", 'U', M(1, 45), true, true, S0},
		{"rv", 'R', M(2, 0), true, false, S0},
		{"rv", 'U', M(2, 0), true, false, S0},
	};
	run_window(on, RW_ARRAY_LEN(on), M(2, 0) + 59, 0, __LINE__);
	static const struct win_case peeked[] = {
		{"x", 'R', M(0, 0), false, true, M(2, 0)},
		{"x", 'U', M(1, 45), false, false, M(2, 0)}, /* no name: its end is unknown */
		{"x", 'R', M(2, 0), false, false, M(2, 0)},
	};
	run_window(peeked, RW_ARRAY_LEN(peeked), M(2, 0), 0, __LINE__);
}

/* Collectors are independent; one without a dump before the time starts
 * from its first file; standard input is always read, from the cut of its
 * collector. */
TEST(window_collectors)
{
	static const struct win_case c[] = {
		{"rrc00", 'U', M(1, 55), true, false, 0},
		{"rv", 'R', M(0, 0), true, false, S0 - 2 * 3600},
		{"rv", 'U', M(0, 0), true, false, S0 - 2 * 3600},
		{"rrc00", 'R', M(3, 0), true, false, 0},  /* after the time: not a start */
		{"rv", '-', 0, false, false, S0 - 2 * 3600},
		{"rrc00", 'U', M(2, 0), true, false, 0},
		{"rv", 'U', M(0, 15), true, false, S0 - 2 * 3600},
	};
	run_window(c, RW_ARRAY_LEN(c), M(1, 0), 0, __LINE__);
}

/* Dumps at different times (rv on the even hours, rrc on the odd ones):
 * for the state at 04:30, rv starts from its dump of 04:00 and rrc from
 * its dump of 03:00. For the events, every collector's updates are read
 * from the earliest cut (02:59): rv's records from then on, the ones
 * before its own dump included, may confirm an episode that rrc's routes
 * carry past 04:00 (docs/events.md §8). rv's dumps before its own
 * starting dump stay outside, and a collector without a dump before the
 * time still starts from its first file. */
TEST(window_episodes_from_the_first_dump)
{
	static const struct win_case state[] = {
		{"rrc", 'R', M(1, 0), true, true, M(2, 59)},
		{"rrc", 'U', M(2, 30), true, true, M(2, 59)},   /* ends at 03:00 */
		{"rrc", 'R', M(3, 0), true, false, M(2, 59)},
		{"rrc", 'U', M(3, 0), true, false, M(2, 59)},
		{"rv", 'R', M(2, 0), true, true, M(3, 59)},
		{"rv", 'U', M(2, 45), true, true, M(3, 59)},    /* ends at 03:00 */
		{"rv", 'U', M(3, 0), true, true, M(3, 59)},     /* ends at 03:15 */
		{"rv", 'U', M(3, 45), true, true, M(3, 59)},    /* ends at 04:00: at the dump */
		{"rv", 'R', M(4, 0), true, false, M(3, 59)},
		{"rv", 'U', M(4, 0), true, false, M(3, 59)},
		{"x", 'U', M(1, 0), true, false, 0},
	};
	run_window(state, RW_ARRAY_LEN(state), M(4, 30), 0, __LINE__);
	static const struct win_case ev[] = {
		{"rrc", 'R', M(1, 0), true, true, M(2, 59)},
		{"rrc", 'U', M(2, 30), true, true, M(2, 59)},
		{"rrc", 'R', M(3, 0), true, false, M(2, 59)},
		{"rrc", 'U', M(3, 0), true, false, M(2, 59)},
		{"rv", 'R', M(2, 0), true, true, M(2, 59)},     /* before its own dump */
		{"rv", 'U', M(2, 45), true, false, M(2, 59)},   /* ends at 03:00, after the cut */
		{"rv", 'U', M(3, 0), true, false, M(2, 59)},
		{"rv", 'U', M(3, 45), true, false, M(2, 59)},
		{"rv", 'R', M(4, 0), true, false, M(2, 59)},
		{"rv", 'U', M(4, 0), true, false, M(2, 59)},
		{"x", 'U', M(1, 0), true, false, 0},
	};
	run_episodes(ev, RW_ARRAY_LEN(ev), M(4, 30), 0, __LINE__);
	/* one collector: the same as the state's */
	static const struct win_case one[] = {
		{"rv", 'R', M(0, 0), true, true, S0},
		{"rv", 'U', M(1, 45), true, true, S0},
		{"rv", 'R', M(2, 0), true, false, S0},
		{"rv", 'U', M(2, 0), true, false, S0},
	};
	run_episodes(one, RW_ARRAY_LEN(one), M(2, 30), 0, __LINE__);
}

/* No time: everything from the first file; `last` alone cuts the end. */
TEST(window_until_only)
{
	static const struct win_case c[] = {
		{"rv", 'R', M(0, 0), true, false, 0},
		{"rv", 'U', M(0, 0), true, false, 0},
		{"rv", 'U', M(0, 15), true, false, 0},
		{"rv", 'U', M(0, 30), true, true, 0},
		{"rv", 'U', M(0, 20), false, true, 0}, /* a first record after `last` */
	};
	run_window(c, RW_ARRAY_LEN(c), 0, M(0, 15), __LINE__);
}

/* dump: records of [from, until). An update file ends where the next
 * later one begins; a RIB dump where the next later file of its
 * collector begins; files of one time do not end each other; the
 * inputs come in the order given. */
TEST(clip_records)
{
	static const struct win_case c[] = {
		{"rv", 'U', M(0, 45), true, false, 0},  /* ends at 01:00, not before 01:00 */
		{"rv", 'U', M(0, 30), true, true, 0},   /* ends at 00:45 */
		{"rv", 'R', M(0, 0), true, true, 0},    /* over by 00:15, the next later file */
		{"rv", 'U', M(0, 0), true, true, 0},
		{"rv", 'U', M(0, 15), true, true, 0},
		{"rv", 'U', M(1, 0), true, false, 0},
		{"rv", 'U', M(1, 30), true, true, 0},   /* at `until` */
		{"rv", 'U', M(1, 15), false, false, 0}, /* no name: never known to end */
		{"rrc00", 'R', M(0, 0), true, false, 0},/* the last of its collector: no end known */
		{"x", '-', 0, false, false, 0},
	};
	run_clip(c, RW_ARRAY_LEN(c), M(1, 0), M(1, 30), __LINE__);
	static const struct win_case rib[] = {
		{"rv", 'R', M(0, 0), true, false, 0},   /* ends at 00:15: may hold 00:10 */
		{"rv", 'U', M(0, 0), true, false, 0},
		{"rv", 'U', M(0, 15), true, false, 0},
		{"rv", 'R', M(0, 0), true, false, 0},   /* a second copy of the dump */
	};
	run_clip(rib, RW_ARRAY_LEN(rib), M(0, 10), 0, __LINE__);
	static const struct win_case rib2[] = {
		{"rv", 'R', M(0, 0), true, true, 0},
		{"rv", 'U', M(0, 0), true, true, 0},
		{"rv", 'U', M(0, 15), true, false, 0},
	};
	run_clip(rib2, RW_ARRAY_LEN(rib2), M(0, 16), 0, __LINE__);
}
