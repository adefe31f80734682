/* ris/: RIS Live JSON messages into MRT records, read back with mrt/'s
 * decoder; the errors, each naming its field. Links ris/ (and mrt/, bgp/,
 * base/) alone. */
#define T_PREFIX "ris/"
#include "t.h"
#include "ris/ris.h"

#include <stdlib.h>

static char err[256];
static char got[4096]; /* the elements: "A 192.0.2.0/24 t=100.250000 as=65000;..." */

static int on_elem(void *arg, const struct bgp_elem *e)
{
	(void)arg;
	char p[RW_ADDR_STRLEN + 8] = "";
	if (e->type == BGP_ELEM_ANNOUNCE || e->type == BGP_ELEM_WITHDRAW)
		fmt_prefix(p, &e->pfx);
	size_t n = strlen(got);
	snprintf(got + n, sizeof got - n, "%s%s%s t=%u.%06u as=%u", n ? ";" : "",
		 e->type == BGP_ELEM_ANNOUNCE ? "A " : e->type == BGP_ELEM_WITHDRAW ? "W " : "S ", p, e->ts, e->usec,
		 e->peer_asn);
	if (e->type == BGP_ELEM_STATE) {
		n = strlen(got);
		snprintf(got + n, sizeof got - n, " %u>%u", e->old_state, e->new_state);
	}
	return 0;
}

/* Decode js; the records' elements into got. */
static int run(const char *js, struct ris_msg *m)
{
	struct ris_dec d;
	struct mrt_dec md;
	struct obuf o = {0};
	ris_dec_init(&d);
	mrt_dec_init(&md);
	got[0] = 0;
	err[0] = 0;
	int rc = ris_decode(&d, js, strlen(js), &o, m, err, sizeof err);
	size_t off = 0;
	unsigned k = 0;
	while (!rc && off + MRT_HDR_LEN + 4 <= o.len) {
		struct mrt_rec r;
		memset(&r, 0, sizeof r);
		const uint8_t *p = obuf_data(&o) + off;
		mrt_hdr_decode(p, &r.h);
		r.h.usec = rd32(p + MRT_HDR_LEN);
		r.body = p + MRT_HDR_LEN + 4;
		r.len = r.h.len - 4;
		r.idx = k++;
		struct mrt_result res;
		memset(&res, 0, sizeof res);
		mrt_decode(&md, &r, on_elem, NULL, &res);
		off += MRT_HDR_LEN + r.h.len;
	}
	if (!rc && k != m->nrec)
		rc = -100;
	obuf_release(&o);
	mrt_dec_release(&md);
	ris_dec_release(&d);
	return rc;
}

TEST(raw_update)
{
	struct ris_msg m;
	/* RIPE's sample (ris-live-stream.json, first line) */
	int rc = run("{\"type\":\"ris_message\",\"data\":{\"timestamp\":1553627987.89,\"peer\":\"72.22.223.9\","
		     "\"peer_asn\":\"11708\",\"raw\":\"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF005B020000004040010100400232020C"
		     "00002DBC00007D61000005130000CC6000040361000403610004036100040361000403610000CF01000418C1000418C140"
		     "03044816DF09172DA1C0\",\"host\":\"rrc00\",\"type\":\"UPDATE\"}}",
		     &m);
	CHECK_INT(rc, 0);
	CHECK_INT(m.kind, RIS_RECORDS);
	CHECK_STR(m.host, "rrc00");
	CHECK_INT(m.ts, 1553627987);
	CHECK_INT(m.usec, 890000);
	CHECK_STR(got, "A 45.161.192.0/23 t=1553627987.890000 as=11708");
}

TEST(fields_update)
{
	struct ris_msg m;
	int rc = run("{\"type\":\"ris_message\",\"data\":{\"timestamp\":100.25,\"peer\":\"2001:db8::1\",\"peer_asn\":65000,"
		     "\"host\":\"rrc21\",\"type\":\"UPDATE\",\"path\":[65000,3356,[64500,64501]],\"origin\":\"incomplete\","
		     "\"community\":[[65000,1]],\"med\":7,\"announcements\":[{\"next_hop\":\"2001:db8::1,fe80::1\","
		     "\"prefixes\":[\"2001:db8:1::/48\"]},{\"next_hop\":\"192.0.2.1\",\"prefixes\":[\"198.51.100.0/24\","
		     "\"203.0.113.0/24\"]}],\"withdrawals\":[\"2001:db8:2::/48\",\"192.0.2.0/25\"]}}",
		     &m);
	CHECK_INT(rc, 0);
	CHECK_INT(m.nrec, 2);
	CHECK_STR(got, "W 192.0.2.0/25 t=100.250000 as=65000;W 2001:db8:2::/48 t=100.250000 as=65000;"
		       "A 2001:db8:1::/48 t=100.250000 as=65000;A 198.51.100.0/24 t=100.250000 as=65000;"
		       "A 203.0.113.0/24 t=100.250000 as=65000");
	/* withdrawals alone */
	rc = run("{\"type\":\"ris_message\",\"data\":{\"timestamp\":5,\"peer\":\"192.0.2.9\",\"peer_asn\":\"1\","
		 "\"host\":\"rrc00\",\"type\":\"UPDATE\",\"withdrawals\":[\"10.0.0.0/8\"]}}",
		 &m);
	CHECK_INT(rc, 0);
	CHECK_STR(got, "W 10.0.0.0/8 t=5.000000 as=1");
}

TEST(peer_state_and_others)
{
	struct ris_msg m;
	CHECK_INT(run("{\"type\":\"ris_message\",\"data\":{\"timestamp\":9.5,\"peer\":\"192.0.2.9\",\"peer_asn\":\"7\","
		      "\"host\":\"rrc01\",\"type\":\"RIS_PEER_STATE\",\"state\":\"down\"}}",
		      &m),
		  0);
	CHECK_STR(got, "S  t=9.500000 as=7 6>1");
	CHECK_INT(run("{\"type\":\"ris_message\",\"data\":{\"timestamp\":9,\"peer\":\"192.0.2.9\",\"peer_asn\":\"7\","
		      "\"host\":\"rrc01\",\"type\":\"RIS_PEER_STATE\",\"state\":\"connected\"}}",
		      &m),
		  0);
	CHECK_STR(got, "S  t=9.000000 as=7 5>6");
	CHECK_INT(run("{\"type\":\"ris_message\",\"data\":{\"type\":\"KEEPALIVE\",\"host\":\"rrc03\"}}", &m), 0);
	CHECK_INT(m.kind, RIS_SKIP);
	CHECK_INT(run("{\"type\":\"ris_error\",\"data\":{\"message\":\"slow consumer\"}}", &m), 0);
	CHECK_INT(m.kind, RIS_ERROR);
	CHECK_STR(m.text, "slow consumer");
	CHECK_INT(run("{\"type\":\"pong\",\"data\":null}  \n", &m), 0);
	CHECK_INT(m.kind, RIS_SKIP);
}

/* Each bad message: an error naming what is wrong. */
TEST(errors)
{
	static const struct {
		const char *js, *want;
	} bad[] = {
		{"", "empty"},
		{"{\"type\":", "not JSON: ends inside a value"},
		{"{} {}", "not JSON at offset 3"},
		{"[1]", "not a JSON object"},
		{"{\"data\":{}}", "type: missing"},
		{"{\"type\":\"ris_message\"}", "data: missing"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"peer\":\"1.2.3.4\",\"peer_asn\":1,\"timestamp\":1}}",
		 "data.host"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"host\":\"../x\",\"peer\":\"1.2.3.4\"}}",
		 "is not a collector name"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"host\":\"r\",\"peer\":\"1.2.3\"}}", "data.peer"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"host\":\"r\",\"peer\":\"1.2.3.4\",\"peer_asn\":\"x\"}}",
		 "data.peer_asn"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"host\":\"r\",\"peer\":\"1.2.3.4\",\"peer_asn\":1,"
		 "\"timestamp\":-1}}",
		 "data.timestamp"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"host\":\"r\",\"peer\":\"1.2.3.4\",\"peer_asn\":1,"
		 "\"timestamp\":1,\"raw\":\"FFF\"}}",
		 "data.raw: odd number"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"host\":\"r\",\"peer\":\"1.2.3.4\",\"peer_asn\":1,"
		 "\"timestamp\":1,\"raw\":\"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0017020000000Z\"}}",
		 "data.raw: not hex"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"host\":\"r\",\"peer\":\"1.2.3.4\",\"peer_asn\":1,"
		 "\"timestamp\":1,\"raw\":\"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00FF0200000000\"}}",
		 "the BGP header says 255 bytes"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"host\":\"r\",\"peer\":\"1.2.3.4\",\"peer_asn\":1,"
		 "\"timestamp\":1,\"path\":[1,[2],3],\"announcements\":[]}}",
		 "an AS_SET before the end"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"host\":\"r\",\"peer\":\"1.2.3.4\",\"peer_asn\":1,"
		 "\"timestamp\":1,\"path\":[1],\"announcements\":[{\"next_hop\":\"1.2.3.4\",\"prefixes\":[\"10.0.0.0/33\"]}]}}",
		 "data.announcements[0]: element 0 is not a prefix"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"host\":\"r\",\"peer\":\"1.2.3.4\",\"peer_asn\":1,"
		 "\"timestamp\":1,\"path\":[1],\"announcements\":[{\"prefixes\":[\"10.0.0.0/8\"]}]}}",
		 "no next_hop"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"host\":\"r\",\"peer\":\"1.2.3.4\",\"peer_asn\":1,"
		 "\"timestamp\":1,\"announcements\":[{\"next_hop\":\"1.2.3.4\",\"prefixes\":[\"10.0.0.0/8\"]}]}}",
		 "announcements without a path"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"UPDATE\",\"host\":\"r\",\"peer\":\"1.2.3.4\",\"peer_asn\":1,"
		 "\"timestamp\":1,\"path\":[1],\"community\":[[1,70000]]}}",
		 "data.community[0]"},
		{"{\"type\":\"ris_message\",\"data\":{\"type\":\"RIS_PEER_STATE\",\"host\":\"r\",\"peer\":\"1.2.3.4\","
		 "\"peer_asn\":1,\"timestamp\":1}}",
		 "data.state: missing"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct ris_msg m;
		int rc = run(bad[i].js, &m);
		if (rc >= 0 || !strstr(err, bad[i].want))
			t_fail(__FILE__, __LINE__, "case %zu: rc %d, error '%s', want '%s'", i, rc, err, bad[i].want);
		CHECK_INT(m.kind, RIS_SKIP);
	}
	/* longer than the cap: refused before parsing */
	size_t n = RIS_MAX_MSG + 1;
	char *big = malloc(n + 1);
	memset(big, ' ', n);
	big[n] = 0;
	struct ris_msg m;
	CHECK_INT(run(big, &m), RW_ELIMIT);
	free(big);
}

TEST(subscribe)
{
	struct obuf o = {0};
	struct ris_sub s = {.host = "rrc00", .prefix = "192.0.2.0/24", .more_specific = true, .path = "3356\"", .raw = true};
	ris_subscribe_json(&o, &s);
	obuf_putc(&o, 0);
	CHECK_STR((const char *)obuf_data(&o),
		  "{\"type\":\"ris_subscribe\",\"data\":{\"host\":\"rrc00\",\"prefix\":\"192.0.2.0/24\",\"path\":\"3356\\\"\","
		  "\"moreSpecific\":true,\"lessSpecific\":false,\"socketOptions\":{\"includeRaw\":true}}}");
	obuf_release(&o);
}
