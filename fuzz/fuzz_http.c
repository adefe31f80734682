/*
 * libFuzzer harness: http/'s router and parameter parsers (http_parse), as
 * the server calls them for each request: the input is a method selector
 * byte, then the request target ("/path?query") as sent.
 *
 * Invariants: a request is either routed, with parameters inside their
 * documented bounds (limit 1..1000, a window of at most 366 days with from
 * before to, a prefix whose length fits its family, a cursor that prints
 * back to one the router reads as the same key), or refused with a status
 * the API documents and a NUL-terminated message and parameter name.
 */
#include "fuzz_common.h"
#include "http/http.h"
#include "detect/det.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_quiet();
	return 0;
}

static const char *const methods[] = {"GET", "HEAD", "POST", "DELETE", "OPTIONS", "PUT"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 8192)
		return 0;
	const char *method = methods[data[0] % 6];
	char *target = malloc(size);
	memcpy(target, data + 1, size - 1);
	target[size - 1] = 0;
	char *q = strchr(target, '?');
	if (q)
		*q++ = 0;
	struct http_req r;
	struct http_err e;
	int rc = http_parse(method, target, q, &r, &e);
	if (rc == 0) {
		FZ_CHECK(r.route < HTTP_R_COUNT, "route %d", r.route);
		FZ_CHECK(r.limit >= 1 && r.limit <= HTTP_MAX_LIMIT, "limit %u", r.limit);
		if (http_has(&r, HTTP_P_FROM) && http_has(&r, HTTP_P_TO))
			FZ_CHECK(r.from < r.to && r.to - r.from <= HTTP_MAX_WINDOW, "window %u..%u", r.from, r.to);
		if (r.pfx.af)
			FZ_CHECK(r.pfx.len <= (r.pfx.af == RW_AF_INET ? 32 : 128) && strlen(r.pfx_text) < sizeof r.pfx_text,
				 "prefix length %u", r.pfx.len);
		FZ_CHECK(!(r.types & (1u << DET_UPSTREAM_PRESENT)), "types %x", r.types);
		FZ_CHECK(memchr(r.q, 0, sizeof r.q) && memchr(r.collector, 0, sizeof r.collector), "unterminated");
		if (http_has(&r, HTTP_P_CURSOR)) {
			char b[64], qs[80];
			struct http_req r2;
			http_cursor_fmt(b, sizeof b, &r.cursor);
			snprintf(qs, sizeof qs, "cursor=%s", b);
			FZ_CHECK(http_parse("GET", "/api/v1/events", qs, &r2, &e) == 0 && r2.cursor.time == r.cursor.time &&
					 r2.cursor.type == r.cursor.type && r2.cursor.origin == r.cursor.origin &&
					 r2.cursor.upstream == r.cursor.upstream,
				 "cursor %s does not read back", b);
		}
		fz_val(r.route);
	} else {
		FZ_CHECK(rc == -1, "rc %d", rc);
		FZ_CHECK(e.status == 400 || e.status == 404 || e.status == 405 || e.status == 414, "status %d", e.status);
		FZ_CHECK(memchr(e.msg, 0, sizeof e.msg) && memchr(e.param, 0, sizeof e.param) && e.msg[0], "message");
		fz_touch(e.msg, strlen(e.msg));
	}
	free(target);
	return 0;
}
