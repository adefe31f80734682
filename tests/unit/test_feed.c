/* feed/: the collector, time and kind of archive files from their paths
 * (docs/events.md §1), over tables of the public archives' layouts, the
 * folders that are never collectors, and --collector NAME and NAME=PATH.
 * Pure: the working directory is the table's, no file is opened. */
#define T_PREFIX "feed/"
#include "t.h"
#include "feed/feed.h"

#include <stdlib.h>

/* One path: the working directory, the --collector values (up to 3), the
 * path the user gave, the file found under it, the collector wanted. */
struct coll_case {
	const char *cwd;
	const char *opts[3];
	const char *given; /* NULL: the file itself */
	const char *path;
	const char *want;
};

static void check_cases(const struct coll_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct feed_names nm;
		feed_names_init(&nm);
		free(nm.cwd);
		nm.cwd = c[i].cwd ? strdup(c[i].cwd) : NULL;
		for (size_t k = 0; k < 3 && c[i].opts[k]; k++)
			CHECK_INT(feed_names_add(&nm, c[i].opts[k]), 0);
		char *got = feed_collector_of(&nm, c[i].given, c[i].path);
		if (strcmp(got, c[i].want))
			t_fail(__FILE__, __LINE__, "row %zu: %s (given %s, cwd %s): got \"%s\", want \"%s\"", i, c[i].path,
			       c[i].given ? c[i].given : "-", c[i].cwd ? c[i].cwd : "-", got, c[i].want);
		free(got);
		feed_names_release(&nm);
	}
}

TEST(collector_routeviews)
{
	static const struct coll_case c[] = {
		/* a mirror of several collectors, walked from its top */
		{"/home/u", {0}, "mirror", "mirror/route-views.sg/bgpdata/2024.03/RIBS/rib.20240301.0000.bz2",
		 "route-views.sg"},
		{"/home/u", {0}, "mirror", "mirror/route-views.sg/bgpdata/2024.03/UPDATES/updates.20240301.0015.bz2",
		 "route-views.sg"},
		{"/home/u", {0}, "mirror", "mirror/route-views2/bgpdata/2017.10/RIBS/rib.20171001.0000.bz2",
		 "route-views2"},
		/* a folder the walk found is a collector whatever its name */
		{"/home/u", {0}, "/srv/m", "/srv/m/mycoll/bgpdata/2017.10/UPDATES/updates.20171001.0000.bz2", "mycoll"},
		/* bgpdata at the top of the mirror given: route-views2 */
		{"/home/u", {0}, "mirror", "mirror/bgpdata/2017.10/RIBS/rib.20171001.0000.bz2", "route-views2"},
		{"/home/u", {0}, "/srv/mirror", "/srv/mirror/bgpdata/2017.10/UPDATES/updates.20171001.0000.bz2",
		 "route-views2"},
		{"/srv/mirror", {0}, ".", "./bgpdata/2017.10/RIBS/rib.20171001.0000.bz2", "route-views2"},
		/* nothing above it inside the path given: route-views2, even
		 * when the working directory is a collector's */
		{"/srv/route-views.sg", {0}, "bgpdata", "bgpdata/2017.10/RIBS/rib.20171001.0000.bz2", "route-views2"},
		{"/srv/x/bgpdata/2017.10/RIBS", {0}, NULL, "rib.20171001.0000.bz2", "route-views2"},
		/* one collector's folder given: named like a RouteViews one */
		{"/home/u", {0}, "/srv/m/route-views.sg", "/srv/m/route-views.sg/bgpdata/2024.03/RIBS/rib.20240301.0000.bz2",
		 "route-views.sg"},
		{"/home/u", {0}, "oix-route-views", "oix-route-views/bgpdata/2005.01/RIBS/rib.20050101.0000.bz2",
		 "oix-route-views"},
		{"/home/u", {0}, NULL, "/srv/m/route-views6/bgpdata/2024.03/UPDATES/updates.20240301.0000.bz2",
		 "route-views6"},
		/* ... but a folder of another name given as the top is not
		 * known for a collector (--collector NAME=PATH names it) */
		{"/home/u", {0}, "/srv/m/mycoll", "/srv/m/mycoll/bgpdata/2017.10/RIBS/rib.20171001.0000.bz2",
		 "route-views2"},
		/* a wget copy of the archive: its host folder is no collector */
		{"/home/u", {0}, "/srv", "/srv/archive.routeviews.org/bgpdata/2017.10/RIBS/rib.20171001.0000.bz2",
		 "route-views2"},
		{"/home/u", {0}, "/srv", "/srv/archive.routeviews.org/route-views.sg/bgpdata/2017.10/RIBS/rib.20171001.0000.bz2",
		 "route-views.sg"},
	};
	check_cases(c, RW_ARRAY_LEN(c));
}

TEST(collector_ris)
{
	static const struct coll_case c[] = {
		{"/home/u", {0}, "ris", "ris/rrc00/2017.10/bview.20171001.0000.gz", "rrc00"},
		{"/home/u", {0}, "ris", "ris/rrc00/2017.10/updates.20171001.0005.gz", "rrc00"},
		{"/home/u", {0}, NULL, "/data/ris/rrc21/2024.03/updates.20240301.0005.gz", "rrc21"},
		/* the month folder given from inside the collector's */
		{"/data/ris/rrc03", {0}, "2017.10", "2017.10/updates.20171001.0005.gz", "rrc03"},
		{"/data/ris/rrc03/2017.10", {0}, NULL, "bview.20171001.0000.gz", "rrc03"},
	};
	check_cases(c, RW_ARRAY_LEN(c));
}

TEST(collector_in_file_name)
{
	static const struct coll_case c[] = {
		{"/home/u", {0}, "cache", "cache/rrc20.updates.20180205.1030.gz", "rrc20"},
		{"/home/u", {0}, "cache", "cache/ris.rrc06.updates.1427846400.gz", "rrc06"},
		{"/home/u", {0}, "cache", "cache/ris.rrc06.ribs.1427846400.gz", "rrc06"},
		{"/home/u", {0}, "cache", "cache/routeviews.route-views.jinx.updates.1427846400.bz2", "route-views.jinx"},
		{"/home/u", {0}, NULL, "routeviews.route-views.jinx.ribs.1427846400.bz2", "route-views.jinx"},
		{"/home/u", {0}, "x", "x/route-views2.rib.20171001.0000.bz2", "route-views2"},
		{"/home/u", {0}, "x", "x/rrc00.bview.20171001.0000.gz", "rrc00"},
		/* the name wins over the folder it lies in */
		{"/home/u", {0}, "rrc21", "rrc21/rrc20.updates.20180205.1030.gz", "rrc20"},
		/* no kind word, or not after a dot: the folder */
		{"/home/u", {0}, "d", "d/foo.20171001.0000.mrt", "d"},
		{"/home/u", {0}, "d", "d/ripe_rrc00_2000.01_bview.20000111.0032.gz", "d"},
		{"/home/u", {0}, "d", "d/updates.20171001.0000.bz2", "d"},
	};
	check_cases(c, RW_ARRAY_LEN(c));
}

TEST(collector_otherwise_folder)
{
	static const struct coll_case c[] = {
		{"/home/u", {0}, "scenario", "scenario/route-views2/updates.20171001.0900.bz2", "route-views2"},
		{"/home/u", {0}, NULL, "scenario/route-views2/updates.20171001.0900.bz2", "route-views2"},
		{"/data/rrc01", {0}, NULL, "updates.20171001.0900.bz2", "rrc01"},
		{"/data/rrc01", {0}, NULL, "./x.mrt", "rrc01"},
		{"/data/rrc01", {0}, NULL, "../rrc05/x.mrt", "rrc05"},
		{"/data/rrc01", {0}, NULL, "a//b/./x.mrt", "b"},
		{"/home/u", {0}, NULL, "/x.mrt", "/"},
		{"/home/u", {0}, NULL, "-", "stdin"},
	};
	check_cases(c, RW_ARRAY_LEN(c));
}

TEST(collector_never_folders)
{
	static const struct coll_case c[] = {
		{"/home/u", {0}, "a", "a/RIBS/x.mrt", "a"},
		{"/home/u", {0}, "a", "a/UPDATES/x.mrt", "a"},
		{"/home/u", {0}, "a", "a/2017.10/x.mrt", "a"},
		{"/home/u", {0}, "a", "a/2017.10/UPDATES/x.mrt", "a"},
		{"/srv/c7", {0}, "RIBS", "RIBS/x.mrt", "c7"},
		/* only those exact names */
		{"/home/u", {0}, "a", "a/2017.1/x.mrt", "2017.1"},
		{"/home/u", {0}, "a", "a/ribs/x.mrt", "ribs"},
		{"/home/u", {0}, "a", "a/RIBS2/x.mrt", "RIBS2"},
		{"/home/u", {0}, "a", "a/201710/x.mrt", "201710"},
	};
	check_cases(c, RW_ARRAY_LEN(c));
}

TEST(collector_options)
{
	static const struct coll_case c[] = {
		/* NAME: every input, over any layout */
		{"/home/u", {"rv"}, "mirror", "mirror/route-views.sg/bgpdata/2024.03/RIBS/rib.20240301.0000.bz2", "rv"},
		{"/home/u", {"rv"}, NULL, "cache/rrc20.updates.20180205.1030.gz", "rv"},
		{"/home/u", {"rv"}, NULL, "-", "rv"},
		{"/home/u", {"a", "b"}, NULL, "x/y.mrt", "b"},
		/* NAME=PATH: the files under PATH, written any way */
		{"/home/u", {"rv=mirror/bgpdata"}, "mirror", "mirror/bgpdata/2017.10/RIBS/rib.20171001.0000.bz2", "rv"},
		{"/home/u", {"rv=./mirror/bgpdata/"}, NULL, "/home/u/mirror/bgpdata/2017.10/RIBS/rib.20171001.0000.bz2", "rv"},
		{"/home/u", {"rv=/home/u/mirror"}, "mirror", "mirror/x/y.mrt", "rv"},
		{"/home/u/sub", {"rv=../mirror"}, NULL, "/home/u/mirror/y.mrt", "rv"},
		/* on component boundaries only */
		{"/home/u", {"rv=mirror/bgpdata"}, "mirror", "mirror/bgpdata2/y.mrt", "bgpdata2"},
		{"/home/u", {"rv=m/f.gz"}, NULL, "m/f.gz", "rv"},
		{"/home/u", {"rv=m/f.gz"}, NULL, "m/f.gz2", "m"},
		/* the longest PATH holding the file wins; NAME elsewhere */
		{"/home/u", {"a=m", "b=m/rrc00"}, "m", "m/rrc00/2017.10/x.gz", "b"},
		{"/home/u", {"b=m/rrc00", "a=m"}, "m", "m/rrc00/2017.10/x.gz", "b"},
		{"/home/u", {"a=m", "b=m/rrc00"}, "m", "m/rrc01/2017.10/x.gz", "a"},
		{"/home/u", {"all", "a=m"}, NULL, "m/x.gz", "a"},
		{"/home/u", {"all", "a=m"}, NULL, "n/x.gz", "all"},
		{"/home/u", {"a=m"}, NULL, "n/rrc20.updates.20180205.1030.gz", "rrc20"},
		/* equal PATHs: the last given */
		{"/home/u", {"a=m", "b=m/"}, NULL, "m/x.gz", "b"},
		/* standard input by its name */
		{"/home/u", {"rrc00=-"}, NULL, "-", "rrc00"},
		/* a NAME with dots, a PATH with '=' */
		{"/home/u", {"route-views.sg=a=b"}, NULL, "a=b/x.gz", "route-views.sg"},
	};
	check_cases(c, RW_ARRAY_LEN(c));
}

TEST(collector_option_errors)
{
	struct feed_names nm;
	feed_names_init(&nm);
	CHECK_INT(feed_names_add(&nm, ""), RW_EINVAL);
	CHECK_INT(feed_names_add(&nm, "=x"), RW_EINVAL);
	CHECK_INT(feed_names_add(&nm, "x="), RW_EINVAL);
	CHECK_INT(feed_names_add(&nm, "x"), 0);
	CHECK_INT(feed_names_add(&nm, "y=z"), 0);
	CHECK_INT(nm.n, 1);
	CHECK_STR(nm.all, "x");
	feed_names_release(&nm);
}

/* One name: its time (0: none) and kind. */
struct time_case {
	const char *path;
	uint32_t ts;
	bool rib;
};

TEST(file_time_and_kind)
{
	static const struct time_case c[] = {
		{"rib.20240309.0800.bz2", 1709971200, true},
		{"a/b/bview.20240309.0800.gz", 1709971200, true},
		{"updates.20240309.0800.gz", 1709971200, false},
		/* the kind word after the collector's name decides */
		{"route-views2.rib.20171001.0000.bz2", 1506816000, true},
		{"rrc00.bview.20171001.0000.gz", 1506816000, true},
		{"rrc20.updates.20180205.1030.gz", 1517826600, false},
		{"ripe_rrc00_2000.01_bview.20000111.0032.gz", 947550720, true},
		/* Unix seconds, after a kind word */
		{"ris.rrc06.updates.1427846400.gz", 1427846400, false},
		{"ris.rrc06.bview.1427846400.gz", 1427846400, true},
		{"routeviews.route-views.jinx.ribs.1427846400.bz2", 1427846400, true},
		{"routeviews.route-views.jinx.updates.1427846400.bz2", 1427846400, false},
		{"updates.999999999.gz", 999999999, false},
		/* names without a kind word keep the older rule */
		{"ribfoo.20240309.0800", 1709971200, true},
		{"foo.20240309.0800.mrt", 1709971200, false},
		/* no time */
		{"x.1427846400.gz", 0, false},
		{"updates.12345678.gz", 0, false},
		{"updates.14278464000.gz", 0, false},
		{"rib.2024030.0800.bz2", 0, false},
		{"foo.mrt", 0, false},
		{"-", 0, false},
	};
	for (size_t i = 0; i < RW_ARRAY_LEN(c); i++) {
		uint32_t ts = 0;
		bool rib = false;
		bool named = feed_name_time(c[i].path, &ts, &rib);
		if (named != (c[i].ts != 0) || ts != c[i].ts || rib != c[i].rib)
			t_fail(__FILE__, __LINE__, "%s: got %s %u %s, want %u %s", c[i].path, named ? "named" : "unnamed",
			       ts, rib ? "rib" : "updates", c[i].ts, c[i].rib ? "rib" : "updates");
	}
}

/* --stats: the collectors sorted by name, counts added, times widened. */
TEST(stats_collectors)
{
	struct feed_stats *st = calloc(1, sizeof *st);
	feed_stats_collector(st, "rrc00", 0, 1, 300, 300);
	feed_stats_collector(st, "route-views2", 1, 0, 100, 100);
	feed_stats_collector(st, "rrc00", 1, 2, 200, 400);
	feed_stats_collector(st, "stdin", 0, 1, 0, 0);
	CHECK_INT(st->ncolls, 3);
	CHECK_STR(st->colls[0].name, "route-views2");
	CHECK_STR(st->colls[1].name, "rrc00");
	CHECK_INT(st->colls[1].ribs, 1);
	CHECK_INT(st->colls[1].updates, 3);
	CHECK_INT(st->colls[1].first, 200);
	CHECK_INT(st->colls[1].last, 400);
	CHECK_INT(st->colls[2].first, 0);
	for (unsigned i = 0; i < FEED_STATS_COLLS + 2; i++) {
		char name[16];
		snprintf(name, sizeof name, "c%03u", i);
		feed_stats_collector(st, name, 0, 2, 1, 1);
	}
	CHECK_INT(st->ncolls, FEED_STATS_COLLS);
	CHECK(st->colls_more >= 2 * 2);
	free(st);
}
