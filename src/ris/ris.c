/*
 * ris.c: RIS Live JSON messages into the records a RIS collector archives
 * (see ris.h). One json_tokener per decoder, reset per message; the
 * message's values are read into the decoder's scratch arrays (capped:
 * RIS_MAX_PATH ASNs, RIS_MAX_PFX prefixes, RIS_MAX_COMM communities), then
 * written as MRT records by mrt/'s writer. Nothing is kept between
 * messages but the scratch capacity.
 *
 * Every check names the field at fault ("data.peer_asn: not an AS
 * number"), so that the caller's message (source, message number, byte
 * offset) says what is wrong.
 */
#include "ris.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RIS_MAX_PATH 1024
#define RIS_MAX_PFX 65536
#define RIS_MAX_COMM 4096

void ris_dec_init(struct ris_dec *d)
{
	memset(d, 0, sizeof *d);
	struct json_tokener *tok = json_tokener_new_ex(64);
	if (!tok)
		rw_oom(sizeof(struct json_tokener));
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	d->tok = tok;
}

void ris_dec_release(struct ris_dec *d)
{
	if (d->tok)
		json_tokener_free(d->tok);
	rw_vec_free(&d->path, &d->cap_path, sizeof *d->path, RW_MEM_LIVE);
	rw_vec_free(&d->comm, &d->cap_comm, sizeof *d->comm, RW_MEM_LIVE);
	rw_vec_free(&d->pfx, &d->cap_pfx, sizeof *d->pfx, RW_MEM_LIVE);
	rw_vec_free(&d->wd, &d->cap_wd, sizeof *d->wd, RW_MEM_LIVE);
	rw_vec_free(&d->raw, &d->cap_raw, 1, RW_MEM_LIVE);
	memset(d, 0, sizeof *d);
}

#define FAIL(code, ...)                                                                                            \
	do {                                                                                                       \
		snprintf(err, esz, __VA_ARGS__);                                                                   \
		return code;                                                                                       \
	} while (0)

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;
	return json_object_object_get_ex(o, k, &v) ? v : NULL;
}

/* A string field, or NULL when absent or not a string. */
static const char *str(struct json_object *o, const char *k, size_t *n)
{
	struct json_object *v = get(o, k);
	if (!v || !json_object_is_type(v, json_type_string))
		return NULL;
	if (n)
		*n = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

/* An unsigned 32-bit number given as a JSON number or a decimal string
 * (RIS Live sends peer_asn as a string). */
static bool u32_of(struct json_object *v, uint32_t *out)
{
	if (!v)
		return false;
	if (json_object_is_type(v, json_type_int)) {
		int64_t x = json_object_get_int64(v);
		if (x < 0 || x > UINT32_MAX)
			return false;
		*out = (uint32_t)x;
		return true;
	}
	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		if (!*s || strlen(s) > 10)
			return false;
		uint64_t x = 0;
		for (; *s; s++) {
			if (*s < '0' || *s > '9')
				return false;
			x = x * 10 + (uint64_t)(*s - '0');
		}
		if (x > UINT32_MAX)
			return false;
		*out = (uint32_t)x;
		return true;
	}
	return false;
}

/* data.raw: a whole BGP UPDATE (marker, length, type) in hex. */
static int raw_update(struct ris_dec *d, const char *hex, size_t n, size_t *len, char *err, size_t esz)
{
	if (n % 2)
		FAIL(RW_EMALFORMED, "data.raw: odd number of hex digits (%zu)", n);
	size_t bytes = n / 2;
	if (bytes < BGP_HDR_LEN + 4 || bytes > BGP_MAX_EXT_LEN)
		FAIL(RW_EMALFORMED, "data.raw: %zu bytes, not a BGP UPDATE (%u to %u bytes)", bytes,
		     BGP_HDR_LEN + 4, BGP_MAX_EXT_LEN);
	if (rw_vec_grow(&d->raw, &d->cap_raw, bytes, 1, BGP_MAX_EXT_LEN, RW_MEM_LIVE))
		FAIL(RW_ELIMIT, "data.raw: too long");
	for (size_t i = 0; i < bytes; i++) {
		int hi = rw_hexval(hex[2 * i]), lo = rw_hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			FAIL(RW_EMALFORMED, "data.raw: not hex at digit %zu", hi < 0 ? 2 * i : 2 * i + 1);
		d->raw[i] = (uint8_t)(hi << 4 | lo);
	}
	for (int i = 0; i < BGP_MARKER_LEN; i++)
		if (d->raw[i] != 0xff)
			FAIL(RW_EMALFORMED, "data.raw: the BGP marker is not all ones");
	size_t hl = rd16(d->raw + BGP_MARKER_LEN);
	if (hl != bytes)
		FAIL(RW_EMALFORMED, "data.raw: the BGP header says %zu bytes, the message has %zu", hl, bytes);
	if (d->raw[BGP_MARKER_LEN + 2] != BGP_MSG_UPDATE)
		FAIL(RW_EMALFORMED, "data.raw: BGP message type %u in an UPDATE", d->raw[BGP_MARKER_LEN + 2]);
	*len = bytes;
	return 0;
}

/* data.path: ASNs, a trailing array among them an AS_SET. */
static int path_of(struct ris_dec *d, struct json_object *p, struct bgp_wattrs *w, char *err, size_t esz)
{
	size_t n = json_object_array_length(p);
	if (n > RIS_MAX_PATH)
		FAIL(RW_ELIMIT, "data.path: %zu elements (at most %u)", n, RIS_MAX_PATH);
	if (rw_vec_grow(&d->path, &d->cap_path, n + RIS_MAX_PATH, sizeof *d->path, 2 * RIS_MAX_PATH, RW_MEM_LIVE))
		FAIL(RW_ELIMIT, "data.path: too long");
	unsigned seq = 0, set = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *a = json_object_array_get_idx(p, i);
		if (json_object_is_type(a, json_type_array)) {
			size_t k = json_object_array_length(a);
			if (i + 1 != n)
				FAIL(RW_EUNSUPPORTED, "data.path: an AS_SET before the end of the path (element %zu)", i);
			if (!k || k > RIS_MAX_PATH)
				FAIL(RW_EMALFORMED, "data.path: an AS_SET of %zu ASNs", k);
			for (size_t j = 0; j < k; j++)
				if (!u32_of(json_object_array_get_idx(a, j), &d->path[RIS_MAX_PATH + set++]))
					FAIL(RW_EMALFORMED, "data.path[%zu][%zu]: not an AS number", i, j);
		} else if (!u32_of(a, &d->path[seq++])) {
			FAIL(RW_EMALFORMED, "data.path[%zu]: not an AS number", i);
		}
	}
	w->path = seq ? d->path : NULL;
	w->path_len = seq;
	w->set = set ? d->path + RIS_MAX_PATH : NULL;
	w->set_len = set;
	return 0;
}

/* An array of prefix strings into *v (n appended). */
static int prefixes(struct json_object *a, const char *what, size_t gi, struct rw_prefix **v, uint32_t *cap,
		    uint32_t *n, char *err, size_t esz)
{
	if (!a || !json_object_is_type(a, json_type_array))
		FAIL(RW_EMALFORMED, "%s[%zu]: no array of prefixes", what, gi);
	size_t k = json_object_array_length(a);
	if (*n + k > RIS_MAX_PFX || rw_vec_grow(v, cap, *n + k, sizeof **v, RIS_MAX_PFX, RW_MEM_LIVE))
		FAIL(RW_ELIMIT, "%s: more than %u prefixes", what, RIS_MAX_PFX);
	for (size_t j = 0; j < k; j++) {
		struct json_object *s = json_object_array_get_idx(a, j);
		if (!s || !json_object_is_type(s, json_type_string) ||
		    parse_prefix(json_object_get_string(s), &(*v)[*n]))
			FAIL(RW_EMALFORMED, "%s[%zu]: element %zu is not a prefix", what, gi, j);
		(*n)++;
	}
	return 0;
}

/* An UPDATE from its JSON fields: one record per announcement group. */
static int update_fields(struct ris_dec *d, struct json_object *data, const struct mrt_bgp4mp_hdr *h,
			 struct obuf *out, struct ris_msg *m, char *err, size_t esz)
{
	struct bgp_wattrs w = {.origin = BGP_ORIGIN_IGP};
	struct json_object *v;
	if ((v = get(data, "path"))) {
		if (!json_object_is_type(v, json_type_array))
			FAIL(RW_EMALFORMED, "data.path: not an array");
		int rc = path_of(d, v, &w, err, esz);
		if (rc)
			return rc;
	}
	const char *o = str(data, "origin", NULL);
	if (o) {
		if (!strcasecmp(o, "igp"))
			w.origin = BGP_ORIGIN_IGP;
		else if (!strcasecmp(o, "egp"))
			w.origin = BGP_ORIGIN_EGP;
		else if (!strcasecmp(o, "incomplete"))
			w.origin = BGP_ORIGIN_INCOMPLETE;
		else
			FAIL(RW_EMALFORMED, "data.origin: '%.32s' is not igp, egp or incomplete", o);
	}
	if ((v = get(data, "med"))) {
		if (!u32_of(v, &w.med))
			FAIL(RW_EMALFORMED, "data.med: not a 32-bit number");
		w.has_med = true;
	}
	if ((v = get(data, "community"))) {
		if (!json_object_is_type(v, json_type_array))
			FAIL(RW_EMALFORMED, "data.community: not an array");
		size_t k = json_object_array_length(v);
		if (k > RIS_MAX_COMM ||
		    rw_vec_grow(&d->comm, &d->cap_comm, k ? k : 1, sizeof *d->comm, RIS_MAX_COMM, RW_MEM_LIVE))
			FAIL(RW_ELIMIT, "data.community: %zu communities (at most %u)", k, RIS_MAX_COMM);
		for (size_t j = 0; j < k; j++) {
			struct json_object *c = json_object_array_get_idx(v, j);
			uint32_t a, b;
			if (!c || !json_object_is_type(c, json_type_array) || json_object_array_length(c) != 2 ||
			    !u32_of(json_object_array_get_idx(c, 0), &a) ||
			    !u32_of(json_object_array_get_idx(c, 1), &b) || a > 0xffff || b > 0xffff)
				FAIL(RW_EMALFORMED, "data.community[%zu]: not [ASN, value] of 16 bits each", j);
			d->comm[j] = a << 16 | b;
		}
		w.communities = d->comm;
		w.n_communities = (unsigned)k;
	}
	uint32_t nwd = 0;
	if ((v = get(data, "withdrawals"))) {
		int rc = prefixes(v, "data.withdrawals", 0, &d->wd, &d->cap_wd, &nwd, err, esz);
		if (rc)
			return rc;
	}
	struct json_object *ann = get(data, "announcements");
	size_t ng = 0;
	if (ann) {
		if (!json_object_is_type(ann, json_type_array))
			FAIL(RW_EMALFORMED, "data.announcements: not an array");
		ng = json_object_array_length(ann);
	}
	if (ng && !w.path_len && !w.set_len)
		FAIL(RW_EMALFORMED, "data.path: announcements without a path");
	size_t start = out->len;
	unsigned nrec = 0;
	for (size_t g = 0; g < ng; g++) {
		struct json_object *a = json_object_array_get_idx(ann, g);
		if (!a || !json_object_is_type(a, json_type_object))
			goto bad_group;
		const char *nh = str(a, "next_hop", NULL);
		char nhb[RW_ADDR_STRLEN + 1];
		if (!nh || strlen(nh) >= 2 * sizeof nhb)
			goto bad_group;
		/* "global,link-local" for IPv6: the global one */
		const char *comma = strchr(nh, ',');
		size_t nl = comma ? (size_t)(comma - nh) : strlen(nh);
		if (nl >= sizeof nhb)
			goto bad_group;
		memcpy(nhb, nh, nl);
		nhb[nl] = 0;
		if (parse_addr(nhb, &w.nexthop))
			goto bad_group;
		uint32_t np = 0;
		int rc = prefixes(get(a, "prefixes"), "data.announcements", g, &d->pfx, &d->cap_pfx, &np, err, esz);
		if (rc) {
			out->len = start;
			return rc;
		}
		for (uint32_t j = 0; j < np; j++)
			if (d->pfx[j].af != w.nexthop.af) {
				out->len = start;
				FAIL(RW_EUNSUPPORTED, "data.announcements[%zu]: prefix %u of another family than its next hop",
				     g, j);
			}
		rc = mrt_write_update(out, h, &w, d->pfx, np, nrec ? NULL : d->wd, nrec ? 0 : nwd);
		if (rc) {
			out->len = start;
			FAIL(rc, "data.announcements[%zu]: the UPDATE would be too long", g);
		}
		nrec++;
		continue;
	bad_group:
		out->len = start;
		FAIL(RW_EMALFORMED, "data.announcements[%zu]: no next_hop address", g);
	}
	if (!nrec && nwd) {
		int rc = mrt_write_update(out, h, NULL, NULL, 0, d->wd, nwd);
		if (rc) {
			out->len = start;
			FAIL(rc, "data.withdrawals: the UPDATE would be too long");
		}
		nrec++;
	}
	m->nrec = nrec;
	m->kind = nrec ? RIS_RECORDS : RIS_SKIP;
	return 0;
}

static int ris_message(struct ris_dec *d, struct json_object *data, struct obuf *out, struct ris_msg *m, char *err,
		       size_t esz)
{
	size_t n;
	const char *t = str(data, "type", NULL);
	if (!t)
		FAIL(RW_EMALFORMED, "data.type: missing");
	snprintf(m->type, sizeof m->type, "%s", t);
	bool upd = !strcmp(t, "UPDATE"), state = !strcmp(t, "RIS_PEER_STATE");
	if (!upd && !state)
		return 0; /* OPEN, KEEPALIVE, NOTIFICATION: no route */
	const char *host = str(data, "host", &n);
	if (!host || !n || n >= sizeof m->host)
		FAIL(RW_EMALFORMED, "data.host: missing or longer than %zu", sizeof m->host - 1);
	/* a directory of the archive (--archive DIR/<host>) */
	bool bad = !strcmp(host, ".") || !strcmp(host, "..");
	for (size_t i = 0; i < n; i++)
		bad |= host[i] == '/' || (unsigned char)host[i] < 0x21 || host[i] == 0x7f;
	if (bad)
		FAIL(RW_EMALFORMED, "data.host: '%.63s' is not a collector name", host);
	memcpy(m->host, host, n + 1);
	const char *peer = str(data, "peer", NULL);
	if (!peer || parse_addr(peer, &m->peer))
		FAIL(RW_EMALFORMED, "data.peer: missing or not an address");
	if (!u32_of(get(data, "peer_asn"), &m->peer_asn))
		FAIL(RW_EMALFORMED, "data.peer_asn: missing or not an AS number");
	struct json_object *ts = get(data, "timestamp");
	if (!ts || !(json_object_is_type(ts, json_type_double) || json_object_is_type(ts, json_type_int)))
		FAIL(RW_EMALFORMED, "data.timestamp: missing or not a number");
	double x = json_object_get_double(ts);
	if (!(x >= 0 && x < 4294967296.0))
		FAIL(RW_EMALFORMED, "data.timestamp: %.3f is not a time", x);
	double s = floor(x);
	m->ts = (uint32_t)s;
	long us = lround((x - s) * 1e6);
	m->usec = (uint32_t)(us > 999999 ? 999999 : us < 0 ? 0 : us);
	struct mrt_bgp4mp_hdr h = {
		.ts = m->ts,
		.usec = m->usec,
		.et = true,
		.as4 = true, /* RIS's collectors speak 4-byte ASNs to every peer */
		.peer_asn = m->peer_asn,
		.local_asn = RIS_LOCAL_ASN,
		.peer = m->peer,
		.local = {.af = m->peer.af},
	};
	if (state) {
		const char *st = str(data, "state", NULL);
		if (!st)
			FAIL(RW_EMALFORMED, "data.state: missing");
		bool up = !strcmp(st, "connected");
		mrt_write_state(out, &h, up ? BGP_OPENCONFIRM : BGP_ESTABLISHED, up ? BGP_ESTABLISHED : BGP_IDLE);
		m->nrec = 1;
		m->kind = RIS_RECORDS;
		return 0;
	}
	const char *raw = str(data, "raw", &n);
	if (raw) {
		size_t len;
		int rc = raw_update(d, raw, n, &len, err, esz);
		if (rc)
			return rc;
		mrt_write_bgp_msg(out, &h, d->raw, len);
		m->nrec = 1;
		m->kind = RIS_RECORDS;
		return 0;
	}
	return update_fields(d, data, &h, out, m, err, esz);
}

int ris_decode(struct ris_dec *d, const char *js, size_t len, struct obuf *out, struct ris_msg *m, char *err,
	       size_t esz)
{
	memset(m, 0, sizeof *m);
	if (len > RIS_MAX_MSG)
		FAIL(RW_ELIMIT, "%zu bytes (at most %u)", len, RIS_MAX_MSG);
	if (!len)
		FAIL(RW_EMALFORMED, "empty");
	struct json_tokener *tok = d->tok;
	json_tokener_reset(tok);
	struct json_object *o = json_tokener_parse_ex(tok, js, (int)len);
	enum json_tokener_error je = json_tokener_get_error(tok);
	if (!o) {
		if (je == json_tokener_continue)
			FAIL(RW_EMALFORMED, "not JSON: ends inside a value");
		FAIL(RW_EMALFORMED, "not JSON at offset %zu (%s)", json_tokener_get_parse_end(tok),
		     json_tokener_error_desc(je));
	}
	int rc = 0;
	size_t end = json_tokener_get_parse_end(tok);
	while (end < len && (js[end] == ' ' || js[end] == '\n' || js[end] == '\r' || js[end] == '\t'))
		end++;
	size_t start = out->len;
	if (end != len) {
		snprintf(err, esz, "not JSON: more after the value at offset %zu", end);
		rc = RW_EMALFORMED;
	} else if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, esz, "not a JSON object");
		rc = RW_EMALFORMED;
	} else {
		const char *t = str(o, "type", NULL);
		struct json_object *data = get(o, "data");
		if (!t) {
			snprintf(err, esz, "type: missing");
			rc = RW_EMALFORMED;
		} else if (!strcmp(t, "ris_message")) {
			if (!data || !json_object_is_type(data, json_type_object)) {
				snprintf(err, esz, "data: missing or not an object");
				rc = RW_EMALFORMED;
			} else {
				rc = ris_message(d, data, out, m, err, esz);
			}
		} else if (!strcmp(t, "ris_error")) {
			m->kind = RIS_ERROR;
			snprintf(m->type, sizeof m->type, "ris_error");
			const char *msg = data && json_object_is_type(data, json_type_object) ? str(data, "message", NULL)
											       : NULL;
			snprintf(m->text, sizeof m->text, "%s", msg ? msg : "(no message)");
		} else {
			snprintf(m->type, sizeof m->type, "%s", t); /* pong, ris_subscribe_ok, ... */
		}
	}
	json_object_put(o);
	if (rc) {
		out->len = start;
		m->kind = RIS_SKIP;
		m->nrec = 0;
	}
	return rc;
}

/* ---------------------------------------------------------------- subscribe */

static void kv(struct obuf *o, bool *first, const char *k)
{
	if (!*first)
		obuf_putc(o, ',');
	*first = false;
	obuf_json_str(o, k, strlen(k));
	obuf_putc(o, ':');
}

void ris_subscribe_json(struct obuf *o, const struct ris_sub *s)
{
	obuf_puts(o, "{\"type\":\"ris_subscribe\",\"data\":{");
	bool first = true;
	const char *keys[] = {"host", "prefix", "path", "peer", "type"};
	const char *vals[] = {s->host, s->prefix, s->path, s->peer, s->type};
	for (int i = 0; i < 5; i++)
		if (vals[i]) {
			kv(o, &first, keys[i]);
			obuf_json_str(o, vals[i], strlen(vals[i]));
		}
	if (s->prefix) {
		kv(o, &first, "moreSpecific");
		obuf_puts(o, s->more_specific ? "true" : "false");
		kv(o, &first, "lessSpecific");
		obuf_puts(o, s->less_specific ? "true" : "false");
	}
	kv(o, &first, "socketOptions");
	obuf_puts(o, s->raw ? "{\"includeRaw\":true}" : "{\"includeRaw\":false}");
	obuf_puts(o, "}}");
}
