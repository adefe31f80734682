/* docs/events.md, one scenario per rule, built with the project's MRT writer
 * and read back through the archive merge and the engine. Event strings
 * are "<type> <seconds after T0> <origin> [<upstream>] <prefixes>[ new|last]". */
#define T_PREFIX "events/"
#include "t.h"
#include "scen.h"
#include "tpath.h"

#define T SCEN_T0

#define HAS(s, ev)                                                                          \
	do {                                                                                \
		if (!scen_has((s), (ev)))                                                   \
			t_fail(__FILE__, __LINE__, "missing \"%s\"; got:%s", (ev), scen_dump(s)); \
	} while (0)

#define NEV(s, n)                                                                           \
	do {                                                                                \
		if ((s)->nev != (n))                                                        \
			t_fail(__FILE__, __LINE__, "%d events, want %d:%s", (s)->nev, (n), scen_dump(s)); \
	} while (0)

/* One collector, three peers, a baseline where 65551's two prefixes go
 * through 64500 at every peer. */
static int rv, p1, p2, p3;

static void base(struct scen *s)
{
	scen_init(s);
	rv = scen_collector(s, "rv");
	p1 = scen_peer(s, rv, "198.51.100.1", 3356);
	p2 = scen_peer(s, rv, "198.51.100.2", 174);
	p3 = scen_peer(s, rv, "198.51.100.3", 1299);
	scen_rib(s, rv, T);
	for (int p = p1; p <= p3; p++) {
		char path[64];
		snprintf(path, sizeof path, "%u 64500 65551", s->peer[p].asn);
		scen_route(s, p, "192.0.2.0/24", path);
		scen_route(s, p, "198.51.100.0/24", path);
	}
	scen_updates(s, rv, T);
}

TEST(baseline_is_silent)
{
	struct scen s;
	base(&s);
	/* in the baseline second: changes, but nothing is reported */
	scen_announce(&s, p1, T, "192.0.2.0/24", "3356 64501 65551");
	scen_withdraw(&s, p2, T, "198.51.100.0/24");
	/* the baseline episode via 64501 is confirmed later: never "gained" */
	scen_announce(&s, p2, T + 10, "192.0.2.0/24", "174 64501 65551");
	scen_run(&s, 2);
	NEV(&s, 0);
	scen_free(&s);
}

TEST(confirmation_dated_at_first_observation)
{
	unsigned mins[] = {1, 2, 3};
	for (int k = 0; k < 3; k++) {
		struct scen s;
		base(&s);
		scen_announce(&s, p1, T + 10, "192.0.2.0/24", "3356 64501 65551");
		scen_announce(&s, p2, T + 25, "192.0.2.0/24", "174 64501 65551");
		scen_run(&s, mins[k]);
		if (mins[k] <= 2) {
			HAS(&s, "upstream_gained 10 65551 64501 192.0.2.0/24 new");
			NEV(&s, 1);
		} else {
			NEV(&s, 0);
		}
		scen_free(&s);
	}
}

TEST(single_peer_blip_is_not_an_upstream)
{
	for (unsigned min = 1; min <= 2; min++) {
		struct scen s;
		base(&s);
		scen_announce(&s, p1, T + 10, "192.0.2.0/24", "3356 64502 65551");
		scen_announce(&s, p1, T + 55, "192.0.2.0/24", "3356 64500 65551");
		scen_run(&s, min);
		if (min == 1) {
			HAS(&s, "upstream_gained 10 65551 64502 192.0.2.0/24 new");
			HAS(&s, "upstream_lost 55 65551 64502 192.0.2.0/24 last");
			NEV(&s, 2);
		} else {
			NEV(&s, 0);
		}
		scen_free(&s);
	}
}

TEST(change_undone_within_a_second)
{
	struct scen s;
	base(&s);
	scen_announce(&s, p1, T + 10, "192.0.2.0/24", "3356 64501 65551");
	scen_announce(&s, p2, T + 10, "192.0.2.0/24", "174 64501 65551");
	scen_announce(&s, p1, T + 10, "192.0.2.0/24", "3356 64500 65551");
	scen_announce(&s, p2, T + 10, "192.0.2.0/24", "174 64500 65551");
	scen_withdraw(&s, p3, T + 20, "198.51.100.0/24");
	scen_announce(&s, p3, T + 20, "198.51.100.0/24", "1299 64500 65551");
	scen_run(&s, 1);
	NEV(&s, 0);
	scen_free(&s);
}

TEST(prepending_is_collapsed)
{
	struct scen s;
	base(&s);
	scen_announce(&s, p1, T + 10, "192.0.2.0/24", "3356 3356 64501 64501 64501 65551 65551");
	scen_announce(&s, p2, T + 10, "192.0.2.0/24", "174 64501 65551 65551 65551");
	scen_run(&s, 2);
	HAS(&s, "upstream_gained 10 65551 64501 192.0.2.0/24 new");
	NEV(&s, 1);
	scen_free(&s);
}

TEST(as_set_at_the_end_has_no_origin)
{
	struct scen s;
	base(&s);
	/* an aggregate: visible, but no origin and no upstream events */
	scen_announce(&s, p1, T + 10, "203.0.113.0/24", "3356 64500 {65551,65552}");
	scen_announce(&s, p2, T + 10, "203.0.113.0/24", "174 64500 {65551,65552}");
	scen_withdraw(&s, p1, T + 20, "203.0.113.0/24");
	scen_withdraw(&s, p2, T + 20, "203.0.113.0/24");
	scen_announce(&s, p1, T + 30, "203.0.113.0/24", "3356 64500 {65551,65552}");
	scen_run(&s, 1);
	HAS(&s, "prefix_down 20 null 203.0.113.0/24");
	HAS(&s, "prefix_up 30 null 203.0.113.0/24");
	NEV(&s, 2);
	scen_free(&s);
}

TEST(as4_path_merged_over_as_trans)
{
	struct scen s;
	base(&s);
	int q1 = scen_peer(&s, rv, "198.51.100.4", 11686);
	int q2 = scen_peer(&s, rv, "198.51.100.5", 7018);
	s.peer[q1].as2 = true; /* BGP4MP_MESSAGE: AS_TRANS in AS_PATH, truth in AS4_PATH */
	s.peer[q2].as2 = true;
	scen_announce(&s, q1, T + 10, "175.45.176.0/24", "11686 20485 131279");
	scen_announce(&s, q2, T + 10, "175.45.176.0/24", "7018 4837 200000 131279");
	scen_announce(&s, q2, T + 20, "175.45.176.0/24", "7018 20485 131279");
	scen_run(&s, 2);
	/* confirmed at +20 by the second peer, dated at the first at +10 */
	HAS(&s, "upstream_gained 10 131279 20485 175.45.176.0/24 new");
	NEV(&s, 1); /* AS_TRANS (23456) appears nowhere */
	for (int i = 0; i < s.nev; i++)
		CHECK(!strstr(s.ev[i], "23456"));
	scen_free(&s);
}

TEST(session_down_removes_the_peers_routes)
{
	struct scen s;
	base(&s);
	scen_announce(&s, p1, T + 10, "192.0.2.0/24", "3356 64501 65551");
	scen_announce(&s, p2, T + 10, "192.0.2.0/24", "174 64501 65551");
	scen_state(&s, p1, T + 30, 6, 1);
	scen_state(&s, p2, T + 30, 6, 3);
	scen_run(&s, 2);
	HAS(&s, "upstream_gained 10 65551 64501 192.0.2.0/24 new");
	HAS(&s, "upstream_lost 30 65551 64501 192.0.2.0/24 last");
	NEV(&s, 2); /* p3 still sees both prefixes: nothing goes down */
	scen_free(&s);
}

TEST(a_rib_dump_replaces_the_collectors_state)
{
	struct scen s;
	base(&s);
	scen_announce(&s, p1, T + 10, "192.0.2.0/24", "3356 64501 65551");
	scen_announce(&s, p2, T + 10, "192.0.2.0/24", "174 64501 65551");
	/* the next dump (within --gap of the last update): 192.0.2.0/24 via
	 * 64500 again, 198.51.100.0/24 gone from the peers it carries, p3
	 * absent from the dump altogether (its session ended) */
	scen_rib(&s, rv, T + 1200);
	scen_route(&s, p1, "192.0.2.0/24", "3356 64500 65551");
	scen_route(&s, p2, "192.0.2.0/24", "174 64500 65551");
	scen_run(&s, 2);
	HAS(&s, "upstream_gained 10 65551 64501 192.0.2.0/24 new");
	HAS(&s, "upstream_lost 1200 65551 64501 192.0.2.0/24 last");
	HAS(&s, "prefix_down 1200 65551 198.51.100.0/24");
	NEV(&s, 3);
	scen_free(&s);
}

/* Every peer's session ends at ts, and at back every peer announces
 * prefix again via `via` (its own AS, via, 65551). */
static void all_leave_and_return(struct scen *s, uint32_t ts, uint32_t back, const char *prefix, uint32_t via)
{
	for (int p = p1; p <= p3; p++)
		scen_state(s, p, ts, 6, 1);
	for (int p = p1; p <= p3; p++) {
		char path[64];
		snprintf(path, sizeof path, "%u %u 65551", s->peer[p].asn, via);
		scen_announce(s, p, back, prefix, path);
	}
}

/* docs/events.md §9: when the sessions that carried a prefix end, the
 * prefix is unobserved, not down: no prefix_down, no origin_down, and no
 * prefix_up when it is seen again */
TEST(sessions_ending_is_no_outage)
{
	struct scen s;
	base(&s);
	all_leave_and_return(&s, T + 30, T + 200, "192.0.2.0/24", 64500);
	for (int p = p1; p <= p3; p++) {
		char path[64];
		snprintf(path, sizeof path, "%u 64500 65551", s.peer[p].asn);
		scen_announce(&s, p, T + 200, "198.51.100.0/24", path);
	}
	/* and a real outage afterwards is still one */
	for (int p = p1; p <= p3; p++)
		scen_withdraw(&s, p, T + 300, "198.51.100.0/24");
	scen_run(&s, 2);
	HAS(&s, "prefix_down 300 65551 198.51.100.0/24");
	NEV(&s, 1);
	scen_free(&s);
}

/* One withdrawal in the second makes it an outage, whatever else ended */
TEST(withdrawal_with_sessions_ending_is_an_outage)
{
	struct scen s;
	base(&s);
	scen_withdraw(&s, p1, T + 30, "192.0.2.0/24");
	scen_withdraw(&s, p1, T + 30, "198.51.100.0/24");
	scen_state(&s, p2, T + 30, 6, 1);
	scen_state(&s, p3, T + 30, 6, 1);
	scen_run(&s, 2);
	HAS(&s, "prefix_down 30 65551 192.0.2.0/24,198.51.100.0/24");
	HAS(&s, "origin_down 30 65551");
	NEV(&s, 2);
	scen_free(&s);
}

/* An unobserved prefix that comes back without its upstream lost it
 * while nobody looked: dated at the second it went unobserved */
TEST(unobserved_back_without_its_upstream)
{
	struct scen s;
	base(&s);
	all_leave_and_return(&s, T + 30, T + 200, "192.0.2.0/24", 64501);
	scen_run(&s, 2);
	HAS(&s, "upstream_gained 200 65551 64501 192.0.2.0/24 new");
	HAS(&s, "upstream_lost 30 65551 64500 192.0.2.0/24 last");
	NEV(&s, 2);
	scen_free(&s);
}

/* A collector silent for more than --gap: collector_gap from its last
 * record to its next; the first RIB dump after it reveals what changed,
 * with since; a peer missing from that dump is a session that ended */
TEST(gap_and_the_dump_that_reveals)
{
	struct scen s;
	base(&s);
	scen_announce(&s, p1, T + 10, "192.0.2.0/24", "3356 64500 65551");
	scen_rib(&s, rv, T + 7200);
	scen_route(&s, p1, "192.0.2.0/24", "3356 64501 65551");
	scen_route(&s, p2, "192.0.2.0/24", "174 64501 65551");
	scen_route(&s, p1, "198.51.100.0/24", "3356 64500 65551");
	scen_run(&s, 2);
	HAS(&s, "collector_gap 10 null rv to 7200");
	HAS(&s, "upstream_gained 7200 65551 64501 192.0.2.0/24 new since 10");
	HAS(&s, "upstream_lost 7200 65551 64500 192.0.2.0/24 since 10");
	NEV(&s, 3); /* 198.51.100.0/24 went from p2 (withdrawn) and p3 (gone): still seen by p1 */
	scen_free(&s);
}

TEST(gap_revealed_outage_and_unobserved)
{
	struct scen s;
	base(&s);
	scen_announce(&s, p1, T + 10, "192.0.2.0/24", "3356 64500 65551");
	/* p1 and p2 are in the dump without 198.51.100.0/24: withdrawn
	 * while the collector was silent; p3 is not in it: its session
	 * ended, and 192.0.2.0/24 is left to p1 only */
	scen_rib(&s, rv, T + 7200);
	scen_route(&s, p1, "192.0.2.0/24", "3356 64500 65551");
	scen_route(&s, p2, "203.0.113.0/24", "174 64500 65552");
	scen_run(&s, 2);
	HAS(&s, "collector_gap 10 null rv to 7200");
	HAS(&s, "prefix_down 7200 65551 198.51.100.0/24 since 10");
	NEV(&s, 2);
	scen_free(&s);
}

TEST(dormancy_loss_dated_at_the_outage)
{
	for (int with = 0; with < 2; with++) {
		struct scen s;
		base(&s);
		scen_announce(&s, p1, T + 10, "192.0.2.0/24", "3356 64501 65551");
		scen_announce(&s, p2, T + 10, "192.0.2.0/24", "174 64501 65551");
		for (int p = p1; p <= p3; p++)
			scen_withdraw(&s, p, T + 100, "192.0.2.0/24");
		/* back at +200, with or without 64501 */
		scen_announce(&s, p1, T + 200, "192.0.2.0/24", with ? "3356 64501 65551" : "3356 64500 65551");
		scen_announce(&s, p2, T + 200, "192.0.2.0/24", with ? "174 64501 65551" : "174 64500 65551");
		scen_announce(&s, p3, T + 200, "192.0.2.0/24", "1299 64500 65551");
		scen_run(&s, 2);
		HAS(&s, "upstream_gained 10 65551 64501 192.0.2.0/24 new");
		HAS(&s, "prefix_down 100 65551 192.0.2.0/24");
		HAS(&s, "prefix_up 200 65551 192.0.2.0/24");
		if (with) {
			NEV(&s, 3); /* the episode simply continued */
		} else {
			HAS(&s, "upstream_lost 100 65551 64501 192.0.2.0/24 last");
			NEV(&s, 4);
		}
		scen_free(&s);
	}
}

TEST(prefixes_are_grouped)
{
	struct scen s;
	base(&s);
	for (int p = p1; p <= p2; p++) {
		char path[64];
		snprintf(path, sizeof path, "%u 64501 65551", s.peer[p].asn);
		scen_announce(&s, p, T + 10, "198.51.100.0/24", path);
		scen_announce(&s, p, T + 10, "192.0.2.0/24", path);
	}
	scen_run(&s, 2);
	HAS(&s, "upstream_gained 10 65551 64501 192.0.2.0/24,198.51.100.0/24 new");
	NEV(&s, 1);
	scen_free(&s);
}

TEST(new_for_origin_and_last_for_origin)
{
	struct scen s;
	base(&s);
	const char *pf[2] = {"192.0.2.0/24", "198.51.100.0/24"};
	for (int k = 0; k < 2; k++) {
		scen_announce(&s, p1, T + 10 + 10 * k, pf[k], "3356 64501 65551");
		scen_announce(&s, p2, T + 10 + 10 * k, pf[k], "174 64501 65551");
	}
	for (int k = 0; k < 2; k++) {
		scen_announce(&s, p1, T + 30 + 10 * k, pf[k], "3356 64500 65551");
		scen_announce(&s, p2, T + 30 + 10 * k, pf[k], "174 64500 65551");
	}
	scen_run(&s, 2);
	HAS(&s, "upstream_gained 10 65551 64501 192.0.2.0/24 new");
	HAS(&s, "upstream_gained 20 65551 64501 198.51.100.0/24");
	HAS(&s, "upstream_lost 30 65551 64501 192.0.2.0/24");
	HAS(&s, "upstream_lost 40 65551 64501 198.51.100.0/24 last");
	NEV(&s, 4);
	scen_free(&s);
}

TEST(origin_down_and_up)
{
	struct scen s;
	base(&s);
	for (int p = p1; p <= p3; p++) {
		scen_withdraw(&s, p, T + 10, "192.0.2.0/24");
		scen_withdraw(&s, p, T + 10, "198.51.100.0/24");
	}
	char path[64];
	snprintf(path, sizeof path, "%u 64500 65551", s.peer[p1].asn);
	scen_announce(&s, p1, T + 70, "198.51.100.0/24", path);
	scen_run(&s, 2);
	HAS(&s, "origin_down 10 65551");
	HAS(&s, "prefix_down 10 65551 192.0.2.0/24,198.51.100.0/24");
	HAS(&s, "origin_up 70 65551");
	HAS(&s, "prefix_up 70 65551 198.51.100.0/24");
	NEV(&s, 4);
	scen_free(&s);
}

TEST(each_collector_has_its_own_silent_baseline)
{
	struct scen s;
	base(&s);
	int rrc = scen_collector(&s, "rrc00");
	int r1 = scen_peer(&s, rrc, "193.0.0.56", 3333);
	int r2 = scen_peer(&s, rrc, "193.0.0.57", 8492);
	/* rv changes in the same second as rrc00's first dump: silent */
	scen_announce(&s, p1, T + 600, "192.0.2.0/24", "3356 64501 65551");
	scen_announce(&s, p2, T + 600, "192.0.2.0/24", "174 64501 65551");
	scen_rib(&s, rrc, T + 600);
	scen_route(&s, r1, "192.0.2.0/24", "3333 64502 65551");
	scen_route(&s, r2, "192.0.2.0/24", "8492 64502 65551");
	/* a later change is reported again */
	scen_updates(&s, rrc, T + 600);
	scen_announce(&s, r1, T + 700, "198.51.100.0/24", "3333 64503 65551");
	scen_announce(&s, r2, T + 700, "198.51.100.0/24", "8492 64503 65551");
	scen_run(&s, 2);
	HAS(&s, "upstream_gained 700 65551 64503 198.51.100.0/24 new");
	NEV(&s, 1);
	scen_free(&s);
}

TEST(updates_before_any_rib_start_from_empty)
{
	struct scen s;
	scen_init(&s);
	int c = scen_collector(&s, "rv");
	int a = scen_peer(&s, c, "198.51.100.1", 3356);
	int b = scen_peer(&s, c, "198.51.100.2", 174);
	scen_updates(&s, c, T);
	scen_announce(&s, a, T + 1, "192.0.2.0/24", "3356 64500 65551");
	scen_announce(&s, b, T + 2, "192.0.2.0/24", "174 64500 65551");
	scen_run(&s, 2);
	/* first appearance is not a prefix_up, but the upstream is new */
	HAS(&s, "upstream_gained 1 65551 64500 192.0.2.0/24 new");
	NEV(&s, 1);
	scen_free(&s);
}

TEST(damaged_file_events_up_to_the_damage)
{
	struct scen s;
	base(&s);
	scen_announce(&s, p1, T + 10, "192.0.2.0/24", "3356 64501 65551");
	scen_announce(&s, p2, T + 10, "192.0.2.0/24", "174 64501 65551");
	scen_announce(&s, p1, T + 50, "198.51.100.0/24", "3356 64509 65551");
	/* cut the update file inside its last record */
	s.coll[rv].upd.len -= 7;
	scen_run(&s, 2);
	CHECK_INT(s.status, 1);
	HAS(&s, "upstream_gained 10 65551 64501 192.0.2.0/24 new");
	NEV(&s, 1);
	scen_free(&s);
}

/* ---- docs/events.md §10: origins and more-specifics. s.origins adds
 * their events to the strings: origin_gained/origin_lost with " new" and
 * " [other or remaining origins]", more_specific with " in <covering>
 * [covering origins]". */

/* p1 and p2 announce prefix from 64666 through 64510 at ts. */
static void hijack(struct scen *s, uint32_t ts, const char *prefix, int npeers)
{
	for (int p = p1; p < p1 + npeers; p++) {
		char path[64];
		snprintf(path, sizeof path, "%u 64510 64666", s->peer[p].asn);
		scen_announce(s, p, ts, prefix, path);
	}
}

TEST(moas_second_origin_confirmed)
{
	struct scen s;
	base(&s);
	s.origins = true;
	hijack(&s, T + 10, "192.0.2.0/24", 2); /* p3 keeps 65551 */
	scen_run(&s, 2);
	HAS(&s, "origin_gained 10 64666 192.0.2.0/24 new [65551]");
	HAS(&s, "upstream_gained 10 64666 64510 192.0.2.0/24 new");
	NEV(&s, 2);
	scen_free(&s);
}

TEST(exact_prefix_hijack_then_withdrawal)
{
	struct scen s;
	base(&s);
	s.origins = true;
	hijack(&s, T + 10, "192.0.2.0/24", 2);
	scen_announce(&s, p1, T + 60, "192.0.2.0/24", "3356 64500 65551");
	scen_announce(&s, p2, T + 60, "192.0.2.0/24", "174 64500 65551");
	scen_run(&s, 2);
	HAS(&s, "origin_gained 10 64666 192.0.2.0/24 new [65551]");
	HAS(&s, "origin_lost 60 64666 192.0.2.0/24 [65551]");
	HAS(&s, "upstream_lost 60 64666 64510 192.0.2.0/24 last");
	HAS(&s, "origin_down 60 64666"); /* it was its only prefix */
	NEV(&s, 5);
	scen_free(&s);
}

TEST(origin_change)
{
	struct scen s;
	base(&s);
	s.origins = true;
	hijack(&s, T + 10, "192.0.2.0/24", 3);
	/* 64666 comes back later after a moment away: not new for the prefix */
	for (int p = p1; p <= p3; p++) {
		char path[64];
		snprintf(path, sizeof path, "%u 64500 65551", s.peer[p].asn);
		scen_announce(&s, p, T + 50, "192.0.2.0/24", path);
	}
	hijack(&s, T + 90, "192.0.2.0/24", 2);
	scen_run(&s, 2);
	HAS(&s, "origin_lost 10 65551 192.0.2.0/24 [64666]");
	HAS(&s, "origin_gained 10 64666 192.0.2.0/24 new []");
	HAS(&s, "origin_gained 50 65551 192.0.2.0/24 []");
	HAS(&s, "origin_lost 50 64666 192.0.2.0/24 [65551]");
	HAS(&s, "origin_gained 90 64666 192.0.2.0/24 [65551]");
	scen_free(&s);
}

TEST(prefix_new_and_more_specifics)
{
	struct scen s;
	base(&s);
	s.origins = true;
	/* a new prefix outside any other */
	scen_announce(&s, p1, T + 10, "203.0.113.0/24", "3356 64500 65551");
	scen_announce(&s, p2, T + 10, "203.0.113.0/24", "174 64500 65551");
	/* a more-specific from another origin: a sub-prefix hijack candidate */
	hijack(&s, T + 20, "192.0.2.0/25", 2);
	/* the same origin deaggregates: prefix_new only */
	scen_announce(&s, p1, T + 30, "198.51.100.128/25", "3356 64500 65551");
	scen_announce(&s, p2, T + 30, "198.51.100.128/25", "174 64500 65551");
	scen_run(&s, 2);
	HAS(&s, "prefix_new 10 65551 203.0.113.0/24");
	HAS(&s, "upstream_gained 10 65551 64500 203.0.113.0/24");
	HAS(&s, "prefix_new 20 64666 192.0.2.0/25");
	HAS(&s, "more_specific 20 64666 192.0.2.0/25 in 192.0.2.0/24 [65551]");
	HAS(&s, "upstream_gained 20 64666 64510 192.0.2.0/25 new");
	HAS(&s, "prefix_new 30 65551 198.51.100.128/25");
	HAS(&s, "upstream_gained 30 65551 64500 198.51.100.128/25");
	NEV(&s, 7);
	scen_free(&s);
}

TEST(origin_events_unconfirmed_with_one_peer)
{
	struct scen s;
	base(&s);
	s.origins = true;
	hijack(&s, T + 10, "192.0.2.0/24", 1);
	hijack(&s, T + 10, "192.0.2.0/25", 1);
	scen_announce(&s, p1, T + 10, "203.0.113.0/24", "3356 64500 65551");
	scen_run(&s, 2);
	NEV(&s, 0);
	scen_free(&s);
}

TEST(origin_events_baseline_is_silent)
{
	struct scen s;
	base(&s);
	s.origins = true;
	hijack(&s, T, "192.0.2.0/24", 2);
	hijack(&s, T, "192.0.2.0/25", 1);
	hijack(&s, T + 10, "192.0.2.0/25", 2); /* confirmed later: still baseline */
	scen_run(&s, 2);
	NEV(&s, 0);
	scen_free(&s);
}

/* P goes down with 64666 among its origins and comes back without it:
 * origin_lost dated at the down second */
TEST(origin_lost_while_down_dated_at_the_outage)
{
	struct scen s;
	base(&s);
	s.origins = true;
	hijack(&s, T + 10, "192.0.2.0/24", 2);
	for (int p = p1; p <= p3; p++)
		scen_withdraw(&s, p, T + 50, "192.0.2.0/24");
	for (int p = p1; p <= p3; p++) {
		char path[64];
		snprintf(path, sizeof path, "%u 64500 65551", s.peer[p].asn);
		scen_announce(&s, p, T + 100, "192.0.2.0/24", path);
	}
	scen_run(&s, 2);
	HAS(&s, "origin_gained 10 64666 192.0.2.0/24 new [65551]");
	HAS(&s, "origin_lost 50 64666 192.0.2.0/24 [65551]");
	HAS(&s, "prefix_down 50 64666 192.0.2.0/24");
	HAS(&s, "prefix_up 100 65551 192.0.2.0/24");
	for (int i = 0; i < s.nev; i++)
		CHECK(strncmp(s.ev[i], "origin_lost 100", 15) && strncmp(s.ev[i], "origin_gained 100", 17));
	scen_free(&s);
}

/* docs/events.md §9: sessions ending leave the prefix unobserved: no
 * origin_lost */
TEST(sessions_ending_lose_no_origin)
{
	struct scen s;
	base(&s);
	s.origins = true;
	hijack(&s, T + 10, "192.0.2.0/24", 2);
	for (int p = p1; p <= p3; p++)
		scen_state(&s, p, T + 50, 6, 1);
	scen_run(&s, 2);
	HAS(&s, "origin_gained 10 64666 192.0.2.0/24 new [65551]");
	HAS(&s, "upstream_gained 10 64666 64510 192.0.2.0/24 new");
	NEV(&s, 2);
	scen_free(&s);
}

/* The (P, O) episodes survive a snapshot (what ingest does between calls) */
TEST(origin_episodes_survive_a_snapshot)
{
	struct scen s;
	base(&s);
	s.origins = true;
	hijack(&s, T + 10, "192.0.2.0/24", 2);
	scen_updates(&s, rv, T + 900);
	scen_announce(&s, p1, T + 960, "192.0.2.0/24", "3356 64500 65551");
	scen_announce(&s, p2, T + 960, "192.0.2.0/24", "174 64500 65551");
	hijack(&s, T + 990, "192.0.2.0/24", 2);
	s.split = T + 900;
	scen_run(&s, 2);
	CHECK_STR(s.snap_err, "");
	HAS(&s, "origin_gained 10 64666 192.0.2.0/24 new [65551]");
	HAS(&s, "origin_lost 960 64666 192.0.2.0/24 [65551]");
	HAS(&s, "origin_gained 990 64666 192.0.2.0/24 [65551]");
	scen_free(&s);
}

/* More origins on one prefix than the detector's summary keeps apart (16):
 * every one is still counted once per peer. 32 peers: the first 16 each
 * move to an origin of their own (one peer: not confirmed at 2), the other
 * 16 in pairs to 8 more origins (confirmed) */
TEST(many_origins_on_one_prefix)
{
	struct scen s;
	scen_init(&s);
	s.origins = true;
	int c = scen_collector(&s, "rv");
	int peers[32];
	for (int i = 0; i < 32; i++) {
		char a[32];
		snprintf(a, sizeof a, "198.51.100.%d", i + 1);
		peers[i] = scen_peer(&s, c, a, 1000 + (uint32_t)i);
	}
	scen_rib(&s, c, T);
	for (int i = 0; i < 32; i++) {
		char path[64];
		snprintf(path, sizeof path, "%u 64500 65551", 1000u + (unsigned)i);
		scen_route(&s, peers[i], "192.0.2.0/24", path);
	}
	scen_updates(&s, c, T);
	for (int i = 0; i < 32; i++) {
		char path[64];
		unsigned o = i < 16 ? 64600u + (unsigned)i : 64700u + (unsigned)(i - 16) / 2;
		snprintf(path, sizeof path, "%u 64500 %u", 1000u + (unsigned)i, o);
		scen_announce(&s, peers[i], T + 10, "192.0.2.0/24", path);
	}
	scen_run(&s, 2);
	int gained = 0, lost = 0, singles = 0;
	for (int i = 0; i < s.nev; i++) {
		gained += !strncmp(s.ev[i], "origin_gained 10 647", 20);
		singles += !strncmp(s.ev[i], "origin_gained 10 646", 20);
		lost += !strncmp(s.ev[i], "origin_lost 10 65551", 20);
	}
	if (gained != 8 || singles || lost != 1)
		t_fail(__FILE__, __LINE__, "%d origin_gained of pairs, %d of single peers, %d origin_lost:%s", gained,
		       singles, lost, scen_dump(&s));
	scen_free(&s);
}

/* det.c's split baseline (eval_dirty): a RIB dump's baseline second
 * evaluated on two threads leaves the detector byte for byte as one pass
 * does (its snapshot: every prefix's episodes, the counts and their
 * order), and the seconds after it give the same events. 3,000 prefixes
 * from 4 peers over a few origins and upstreams, split at any size. */
struct split_run {
	struct rib r;
	struct det d;
	struct obuf ev; /* events as text */
};

static void split_on_event(void *arg, const struct det_event *e)
{
	struct split_run *x = arg;
	obuf_printf(&x->ev, "%u %u %u %u %u %d %u\n", e->type, e->time, e->origin, e->upstream, e->pfx, e->flag,
		    e->npeers);
}

static void split_announce(struct split_run *x, struct arena *a, struct obuf *o, uint32_t peer, uint32_t pfx,
			   uint32_t up, uint32_t origin)
{
	uint32_t path[3] = {64512 + peer, up, origin};
	rib_announce(&x->r, peer, pfx, 0, tpath_id(&x->r, o, a, path, 3, NULL, 0));
	arena_reset(a);
}

static uint32_t split_rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

static void split_build(struct split_run *x, uint32_t split_min, struct obuf *snap)
{
	memset(x, 0, sizeof *x);
	rib_init(&x->r);
	det_init(&x->d, 2);
	x->d.split_min = split_min;
	struct arena a;
	arena_init(&a, 0, 1 << 20, RW_MEM_OTHER);
	struct obuf o = {0};
	uint32_t c = rib_collector(&x->r, "rv");
	uint32_t peers[4];
	for (uint32_t i = 0; i < 4; i++) {
		struct rw_addr pa = {.af = RW_AF_INET, .b = {198, 51, 100, (uint8_t)(i + 1)}};
		peers[i] = rib_peer(&x->r, c, &pa, 64512 + i);
	}
	uint32_t seed = 7;
#define SPLIT_RND() split_rnd(&seed)
	uint32_t pfx[3000];
	for (uint32_t i = 0; i < 3000; i++) {
		struct rw_prefix p = {.af = RW_AF_INET, .len = 24, .b = {10, (uint8_t)(i >> 8), (uint8_t)i, 0}};
		pfx[i] = rib_prefix(&x->r, &p);
		for (uint32_t k = 0; k < 4; k++)
			if (SPLIT_RND() % 5)
				split_announce(x, &a, &o, peers[k], pfx[i], 65000 + SPLIT_RND() % 7, 64600 + i % 40);
	}
	det_evaluate(&x->d, &x->r, 1000, true, 0, split_on_event, x);
	det_save(&x->d, snap);
	/* a second after the baseline: moves, losses and new origins */
	for (uint32_t i = 0; i < 600; i++) {
		uint32_t q = SPLIT_RND() % 3000, k = SPLIT_RND() % 4;
		if (SPLIT_RND() % 3)
			split_announce(x, &a, &o, peers[k], pfx[q], 65000 + SPLIT_RND() % 9, 64600 + SPLIT_RND() % 50);
		else
			rib_withdraw(&x->r, peers[k], pfx[q], 0);
	}
#undef SPLIT_RND
	det_evaluate(&x->d, &x->r, 1010, false, 0, split_on_event, x);
	det_save(&x->d, snap);
	obuf_release(&o);
	arena_release(&a);
}

TEST(baseline_split_equals_one_pass)
{
	struct split_run one, two;
	struct obuf s1 = {0}, s2 = {0};
	split_build(&one, UINT32_MAX, &s1);
	split_build(&two, 2, &s2);
	CHECK(s1.len > 10000);
	CHECK_INT(s1.len, s2.len);
	CHECK(!memcmp(obuf_data(&s1), obuf_data(&s2), s1.len));
	CHECK(one.ev.len > 100); /* the second after the baseline has events */
	CHECK_INT(one.ev.len, two.ev.len);
	CHECK(!memcmp(obuf_data(&one.ev), obuf_data(&two.ev), one.ev.len));
	struct split_run *runs[2] = {&one, &two};
	for (int i = 0; i < 2; i++) {
		det_release(&runs[i]->d);
		rib_release(&runs[i]->r);
		obuf_release(&runs[i]->ev);
	}
	obuf_release(&s1);
	obuf_release(&s2);
}
