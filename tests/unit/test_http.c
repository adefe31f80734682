/* http/'s router and parameter parsers (http_route.c), without sockets:
 * each route and path parameter, each query parameter's bounds and the
 * error that names it, path traversal and encoding, and the OpenAPI
 * document listing every route of the table. */
#define T_PREFIX "http/"
#include "t.h"
#include "http/http.h"
#include "detect/det.h"

#include <stdio.h>

static struct http_req r;
static struct http_err e;

static int get(const char *path, const char *query)
{
	return http_parse("GET", path, query, &r, &e);
}

TEST(http_routes_match)
{
	CHECK_INT(get("/api/v1/openapi.json", NULL), 0);
	CHECK_INT(r.route, HTTP_R_OPENAPI);
	CHECK_INT(get("/metrics", ""), 0);
	CHECK_INT(r.route, HTTP_R_METRICS);
	CHECK_INT(get("/api/v1/as/131279", NULL), 0);
	CHECK_INT(r.route, HTTP_R_AS);
	CHECK_INT(r.asn, 131279);
	CHECK_INT(get("/api/v1/as/AS4294967295/history", NULL), 0);
	CHECK_INT(r.route, HTTP_R_HISTORY);
	CHECK(r.asn == 4294967295u);
	CHECK_INT(get("/api/v1/as/1/report", "from=2017-10-01&to=2017-10-02&format=text"), 0);
	CHECK_INT(r.route, HTTP_R_REPORT);
	CHECK(r.text && r.from == 1506816000u && r.to == 1506902400u);
	CHECK_INT(get("/api/v1/as/1/chart.svg", NULL), 0);
	CHECK_INT(r.route, HTTP_R_CHART);
	CHECK_INT(get("/api/v1/events", "type=upstream_gained,prefix_down&origin=AS3&upstream=4&prefix=10.1.2.3/8"
				       "&collector=rrc00&limit=1000&cursor=5.1.-1.7"), 0);
	CHECK_INT(r.route, HTTP_R_EVENTS);
	CHECK(r.types == (1u << DET_UPSTREAM_GAINED | 1u << DET_PREFIX_DOWN));
	CHECK(r.origin == 3 && r.upstream == 4 && r.limit == 1000);
	CHECK_STR(r.pfx_text, "10.0.0.0/8");
	CHECK_STR(r.collector, "rrc00");
	CHECK(r.cursor.time == 5 && r.cursor.type == 1 && r.cursor.origin == -1 && r.cursor.upstream == 7);
	CHECK_INT(get("/api/v1/prefix/192.0.2.0/24", NULL), 0);
	CHECK_INT(r.route, HTTP_R_PREFIX);
	CHECK_STR(r.pfx_text, "192.0.2.0/24");
	CHECK_INT(get("/api/v1/prefix/2001:db8::%2F32", NULL), 0);
	CHECK_STR(r.pfx_text, "2001:db8::/32");
	CHECK_INT(get("/api/v1/search", "q=STAR+KP"), 0);
	CHECK_STR(r.q, "STAR KP");
	CHECK_INT(get("/api/v1/live/prefix/192.0.2.0/24", NULL), 0);
	CHECK_INT(r.route, HTTP_R_LIVE_PREFIX);
	CHECK_INT(get("/api/v1/stream", "type=origin_down"), 0);
	CHECK_INT(r.route, HTTP_R_STREAM);
	CHECK_INT(get("/api/v1/country/kp/history", NULL), 0);
	CHECK_INT(r.route, HTTP_R_COUNTRY_HISTORY);
	CHECK_INT(r.cc, 'K' << 8 | 'P');
	CHECK_INT(get("/api/v1/country/RU/report", "from=2017-10-01&to=2017-10-02"), 0);
	CHECK_INT(r.route, HTTP_R_COUNTRY_REPORT);
	CHECK_INT(get("/api/v1/country/KP/chart.svg", NULL), 0);
	CHECK_INT(r.route, HTTP_R_COUNTRY_CHART);
	CHECK_INT(get("/api/v1/country/KPX/history", NULL), -1);
	CHECK_INT(e.status, 400);
	CHECK_STR(e.param, "cc");
	CHECK_INT(get("/api/v1/country/ZZ/history", NULL), -1);
	CHECK_STR(e.param, "cc");
	CHECK_INT(http_parse("HEAD", "/api/v1/as/1", NULL, &r, &e), 0);
	CHECK(r.head);
}

TEST(http_errors_name_the_parameter)
{
	CHECK_INT(get("/api/v1/as/x", NULL), -1);
	CHECK_INT(e.status, 400);
	CHECK_STR(e.param, "asn");
	CHECK_INT(get("/api/v1/prefix/192.0.2.0/33", NULL), -1);
	CHECK_STR(e.param, "prefix");
	struct {
		const char *q, *param;
	} bad[] = {
		{"from=yesterday", "from"},  {"to=-1", "to"},          {"type=nope", "type"},
		{"origin=AS", "origin"},     {"upstream=4294967296", "upstream"}, {"prefix=10.0.0.0", "prefix"},
		{"collector=a/b", "collector"}, {"cursor=1.2.3", "cursor"}, {"cursor=1.99.3.4", "cursor"},
		{"limit=0", "limit"},        {"limit=1001", "limit"},  {"limit=1&limit=2", "limit"},
		{"from=2017-01-01&to=2016-01-01", "to"}, {"from=2015-01-01&to=2017-01-01", "to"},
		{"bogus=1", "query"},        {"format=text", "format"}, {"q=x", "q"},
		{"from=%zz", "from"},        {"from=%00", "from"},     {"type=upstream_present", "type"},
	};
	for (size_t i = 0; i < RW_ARRAY_LEN(bad); i++) {
		int rc = get("/api/v1/events", bad[i].q);
		if (rc != -1 || e.status != 400 || strcmp(e.param, bad[i].param))
			t_fail(__FILE__, __LINE__, "%s: rc %d status %d param '%s', want 400 '%s'", bad[i].q, rc, e.status,
			       e.param, bad[i].param);
	}
	CHECK_INT(get("/api/v1/search", "q="), -1);
	CHECK_STR(e.param, "q");
}

TEST(http_paths_and_methods)
{
	CHECK_INT(http_parse("POST", "/api/v1/as/1", NULL, &r, &e), -1);
	CHECK_INT(e.status, 405);
	CHECK_INT(http_parse("DELETE", "/metrics", NULL, &r, &e), -1);
	CHECK_INT(e.status, 405);
	const char *traversal[] = {"/api/v1/../../etc/passwd", "/api/v1/%2e%2e/etc/passwd", "/api/v1/as/./1",
				   "/api//v1/as/1", "/api/v1/as/1%00", "/api/v1/as/%2"};
	for (size_t i = 0; i < RW_ARRAY_LEN(traversal); i++) {
		int rc = get(traversal[i], NULL);
		if (rc != -1 || e.status != 400 || strcmp(e.param, "path"))
			t_fail(__FILE__, __LINE__, "%s: rc %d status %d '%s'", traversal[i], rc, e.status, e.param);
	}
	CHECK_INT(get("/", NULL), 0); /* the home page */
	CHECK_INT(r.route, HTTP_R_PAGE_HOME);
	CHECK_INT(get("/event/1506848871.0.131279.20485", NULL), 0);
	CHECK(r.route == HTTP_R_PAGE_EVENT && r.ev.time == 1506848871u && r.ev.type == 0 && r.ev.origin == 131279 &&
	      r.ev.upstream == 20485);
	CHECK_INT(get("/event/1506848871.0.-1.3", NULL), 0);
	CHECK(r.ev.origin == -1);
	CHECK_INT(get("/event/1506848871.0", NULL), -1);
	CHECK(e.status == 400 && !strcmp(e.param, "event"));
	/* docs/events.md §15: one event, and the record that proves it */
	CHECK_INT(get("/api/v1/events/1506848871.0.131279.20485", NULL), 0);
	CHECK(r.route == HTTP_R_EVENT && r.ev.time == 1506848871u && r.ev.origin == 131279 && r.ev.upstream == 20485);
	CHECK_INT(get("/api/v1/events/1506848871.0.131279.20485/record.mrt", NULL), 0);
	CHECK(r.route == HTTP_R_EVENT_RECORD && r.ev.time == 1506848871u && r.ev.upstream == 20485);
	CHECK_INT(get("/api/v1/events/1506848871.0.131279.20485/record.bin", NULL), -1);
	CHECK_INT(e.status, 404);
	CHECK_INT(get("/api/v1/events/x.0.131279.20485", NULL), -1);
	CHECK(e.status == 400 && !strcmp(e.param, "event"));
	CHECK_INT(get("/api/v1/events", NULL), 0);
	CHECK_INT(r.route, HTTP_R_EVENTS);
	CHECK_INT(get("/as/131279", "from=2017-10-01&to=2017-10-02&cursor=1506848871.0.131279.20485"), 0);
	CHECK_INT(r.route, HTTP_R_PAGE_AS);
	CHECK_INT(get("/as/131279/more", NULL), -1);
	CHECK_INT(e.status, 404);
	CHECK_INT(get("/api/v1/as/1/history/more", NULL), -1);
	CHECK_INT(e.status, 404);
	CHECK_INT(get("/api/v1/as/1/a/b/c/d/e/f/g/h", NULL), -1);
	CHECK_INT(e.status, 404);
	CHECK_INT(get("relative", NULL), -1);
	CHECK_INT(e.status, 400);
	char longp[HTTP_MAX_PATH + 16];
	memset(longp, 'a', sizeof longp - 1);
	longp[0] = '/';
	longp[sizeof longp - 1] = 0;
	CHECK_INT(get(longp, NULL), -1);
	CHECK_INT(e.status, 414);
	char longq[HTTP_MAX_QUERY + 16];
	memset(longq, 'a', sizeof longq - 1);
	longq[sizeof longq - 1] = 0;
	CHECK_INT(get("/api/v1/events", longq), -1);
	CHECK_INT(e.status, 414);
	/* a value over HTTP_MAX_VALUE once decoded */
	char longv[HTTP_MAX_VALUE + 16] = "q=";
	memset(longv + 2, 'b', sizeof longv - 3);
	longv[sizeof longv - 1] = 0;
	CHECK_INT(get("/api/v1/search", longv), -1);
	CHECK_INT(e.status, 400);
	CHECK_STR(e.param, "q");
}

TEST(http_cursor_round_trip)
{
	struct store_ev_key k[] = {{0, 0, -1, 0}, {4294967295u, (DET_TYPE_COUNT < 32 ? DET_TYPE_COUNT : 32) - 1, 4294967295ll, 4294967295u},
				   {1506848871, 1, 131279, 20485}};
	for (size_t i = 0; i < RW_ARRAY_LEN(k); i++) {
		char b[64], q[80];
		http_cursor_fmt(b, sizeof b, &k[i]);
		snprintf(q, sizeof q, "cursor=%s", b);
		CHECK_INT(get("/api/v1/events", q), 0);
		CHECK(!memcmp(&r.cursor.time, &k[i].time, sizeof k[i].time) && r.cursor.type == k[i].type &&
		      r.cursor.origin == k[i].origin && r.cursor.upstream == k[i].upstream);
	}
}

/* Every route of the table but the web pages is in the document, and the
 * router takes the path of each (its parameters filled in). */
TEST(http_openapi_lists_every_route)
{
	struct obuf o = {0};
	http_openapi(&o);
	obuf_putc(&o, 0);
	for (int i = 0; i < HTTP_R_COUNT; i++) {
		char key[128], path[128];
		snprintf(key, sizeof key, "\"%s\":{\"get\"", http_routes[i].path);
		CHECK((strstr(o.buf, key) != NULL) == !http_routes[i].page);
		size_t n = 0;
		for (const char *p = http_routes[i].path; *p && n + 16 < sizeof path;) {
			if (!strncmp(p, "{asn}", 5))
				n += (size_t)snprintf(path + n, sizeof path - n, "64500"), p += 5;
			else if (!strncmp(p, "{prefix}", 8))
				n += (size_t)snprintf(path + n, sizeof path - n, "192.0.2.0/24"), p += 8;
			else if (!strncmp(p, "{event}", 7))
				n += (size_t)snprintf(path + n, sizeof path - n, "1506848871.0.131279.20485"), p += 7;
			else if (!strncmp(p, "{cc}", 4))
				n += (size_t)snprintf(path + n, sizeof path - n, "KP"), p += 4;
			else
				path[n++] = *p++;
		}
		path[n] = 0;
		CHECK_INT(get(path, NULL), 0);
		CHECK_INT(r.route, http_routes[i].id);
		CHECK_INT(http_routes[i].id, i);
	}
	obuf_release(&o);
}
