/* detect/: det_filter, the one selection of events every front end uses:
 * types, origins, and the window of event times of docs/events.md §8
 * (from <= time < until). */
#define T_PREFIX "detect/"
#include "t.h"
#include "detect/det.h"

TEST(filter_window)
{
	struct det_filter f = {.from = 1000, .until = 2000};
	CHECK(!det_filter_match(&f, DET_PREFIX_DOWN, true, 64500, 999));
	CHECK(det_filter_match(&f, DET_PREFIX_DOWN, true, 64500, 1000));
	CHECK(det_filter_match(&f, DET_PREFIX_DOWN, false, 0, 1999));
	CHECK(!det_filter_match(&f, DET_PREFIX_DOWN, true, 64500, 2000));
	f.until = 0; /* no end */
	CHECK(det_filter_match(&f, DET_UPSTREAM_LOST, true, 64500, UINT32_MAX));
	f.from = 0; /* no start */
	CHECK(det_filter_match(&f, DET_UPSTREAM_LOST, true, 64500, 0));
}

TEST(filter_types_origins_and_time)
{
	static const uint32_t origins[] = {64500, 64510};
	struct det_filter f = {.types = 1u << DET_UPSTREAM_GAINED, .origins = origins, .norigins = 2,
			       .from = 10, .until = 20};
	CHECK(det_filter_match(&f, DET_UPSTREAM_GAINED, true, 64510, 15));
	CHECK(!det_filter_match(&f, DET_UPSTREAM_LOST, true, 64510, 15));
	CHECK(!det_filter_match(&f, DET_UPSTREAM_GAINED, true, 64505, 15));
	CHECK(!det_filter_match(&f, DET_UPSTREAM_GAINED, false, 0, 15));
	CHECK(!det_filter_match(&f, DET_UPSTREAM_GAINED, true, 64500, 20));
}
