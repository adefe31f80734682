/* Engine snapshots: a run split in two (snapshot after the first files,
 * loaded into a new engine for the rest) gives exactly the events of one
 * run over all files, for every place the split can fall; broken or
 * mismatched snapshots are refused with a message, never a crash. */
#define T_PREFIX "snap/"
#include "t.h"
#include "scen.h"

#include <stdlib.h>

#define T SCEN_T0

/* Files at T (RIB and updates), T+900 and T+1800, with episodes that cross
 * the file boundaries: a confirmation pending across one, an outage across
 * another (the loss dated at the down time), a peer session down, and the
 * origin of a prefix down and up. */
static void story(struct scen *s)
{
	scen_init(s);
	int rv = scen_collector(s, "rv");
	int p1 = scen_peer(s, rv, "198.51.100.1", 3356);
	int p2 = scen_peer(s, rv, "198.51.100.2", 174);
	int p3 = scen_peer(s, rv, "198.51.100.3", 1299);
	scen_rib(s, rv, T);
	scen_route(s, p1, "192.0.2.0/24", "3356 64500 65551");
	scen_route(s, p2, "192.0.2.0/24", "174 64500 65551");
	scen_route(s, p3, "192.0.2.0/24", "1299 64500 65551");
	scen_route(s, p1, "198.51.100.0/24", "3356 64500 65551");
	scen_route(s, p2, "198.51.100.0/24", "174 64500 65551");
	scen_route(s, p1, "203.0.113.0/24", "3356 64510 65552");
	scen_route(s, p2, "203.0.113.0/24", "174 64510 65552");
	scen_updates(s, rv, T);
	scen_announce(s, p1, T + 10, "192.0.2.0/24", "3356 64501 65551");
	scen_withdraw(s, p1, T + 100, "203.0.113.0/24");
	scen_withdraw(s, p2, T + 100, "203.0.113.0/24");
	scen_updates(s, rv, T + 900);
	scen_announce(s, p2, T + 905, "192.0.2.0/24", "174 64501 65551");
	scen_announce(s, p1, T + 910, "203.0.113.0/24", "3356 64511 65552");
	scen_announce(s, p2, T + 910, "203.0.113.0/24", "174 64511 65552");
	scen_announce(s, p1, T + 920, "198.51.100.0/24", "3356 64501 65551");
	scen_announce(s, p2, T + 920, "198.51.100.0/24", "174 64501 65551");
	scen_updates(s, rv, T + 1800);
	scen_state(s, p3, T + 1805, 6, 1);
	scen_withdraw(s, p1, T + 1810, "192.0.2.0/24");
	scen_withdraw(s, p2, T + 1810, "192.0.2.0/24");
	scen_withdraw(s, p1, T + 1810, "198.51.100.0/24");
	scen_withdraw(s, p2, T + 1810, "198.51.100.0/24");
	scen_announce(s, p1, T + 1820, "192.0.2.0/24", "3356 64500 65551");
}

TEST(split_runs_equal_one_run)
{
	for (unsigned min = 1; min <= 2; min++) {
		struct scen whole;
		story(&whole);
		scen_run(&whole, min);
		CHECK_INT(whole.status, 0);
		CHECK(whole.nev >= 8); /* the story has something to continue */
		if (getenv("SNAP_SHOW"))
			fprintf(stderr, "min %u:%s\n", min, scen_dump(&whole));
		uint32_t splits[] = {T + 1, T + 901, T + 1801};
		for (size_t k = 0; k < RW_ARRAY_LEN(splits); k++) {
			struct scen part;
			story(&part);
			part.split = splits[k];
			scen_run(&part, min);
			if (part.status)
				t_fail(__FILE__, __LINE__, "split at T+%u: status %d: %s", splits[k] - T, part.status,
				       part.snap_err);
			const char *a = scen_dump(&whole);
			char *wa = strdup(a);
			const char *b = scen_dump(&part);
			if (strcmp(wa, b))
				t_fail(__FILE__, __LINE__, "min-peers %u, split at T+%u:\none run:%s\nsplit:%s", min,
				       splits[k] - T, wa, b);
			free(wa);
			scen_free(&part);
		}
		scen_free(&whole);
	}
}

static void ev_none(void *arg, const struct det_event *e)
{
	(void)arg;
	(void)e;
}

/* The state after the story as a snapshot. */
static char *story_snapshot(size_t *len, struct scen *s)
{
	story(s);
	scen_run(s, 2);
	/* scen_run released its engine: run again, keeping this one */
	struct engine *e = malloc(sizeof *e);
	engine_init(e, 2, ev_none, NULL);
	struct feed_stats st = {0};
	struct archive_opts ao = {0};
	struct feed_inputs in;
	char *paths[1] = {s->dir};
	feed_inputs(paths, 1, NULL, NULL, &in, &st);
	archive_run(e, &in, &ao, &st);
	feed_inputs_free(&in);
	struct obuf o;
	obuf_init_mem(&o, 1 << 12);
	CHECK_INT(engine_save(e, &o), 0);
	engine_release(e);
	free(e);
	char *snap = obuf_take(&o, len);
	obuf_release(&o);
	return snap;
}

TEST(refuses_other_min_peers)
{
	struct scen s;
	size_t len;
	char *snap = story_snapshot(&len, &s);
	struct engine *e = malloc(sizeof *e);
	char err[256] = "";
	engine_init(e, 3, ev_none, NULL);
	CHECK_INT(engine_load(e, (const uint8_t *)snap, len, err, sizeof err), RW_EINVAL);
	CHECK(strstr(err, "--min-peers 2") != NULL);
	engine_release(e);
	/* and the same snapshot loads with the right one */
	engine_init(e, 2, ev_none, NULL);
	CHECK_INT(engine_load(e, (const uint8_t *)snap, len, err, sizeof err), 0);
	CHECK_INT(rib_check(&e->rib, err, sizeof err), 0);
	CHECK_INT(e->rib.npeer, 3);
	engine_release(e);
	free(e);
	free(snap);
	scen_free(&s);
}

TEST(damaged_snapshots_are_refused)
{
	struct scen s;
	size_t len;
	char *snap = story_snapshot(&len, &s);
	struct engine *e = malloc(sizeof *e);
	char err[256];
	unsigned refused = 0, tries = 0;
	/* every truncation, and a flipped byte at every offset: an error or a
	 * consistent state, never a crash (ASan watches) */
	for (size_t cut = 0; cut < len; cut++) {
		engine_init(e, 2, ev_none, NULL);
		refused += engine_load(e, (const uint8_t *)snap, cut, err, sizeof err) != 0;
		tries++;
		engine_release(e);
	}
	CHECK_INT(refused, tries);
	for (size_t at = 0; at < len; at++) {
		snap[at] ^= 0x5a;
		engine_init(e, 2, ev_none, NULL);
		if (!engine_load(e, (const uint8_t *)snap, len, err, sizeof err))
			CHECK_INT(rib_check(&e->rib, err, sizeof err), 0);
		engine_release(e);
		snap[at] ^= 0x5a;
	}
	free(e);
	free(snap);
	scen_free(&s);
}
