/*
 * VRP files (docs/events.md §12): rpki-client's JSON output and the
 * JSON that gortr, stayrtr and Routinator write (a "roas" array of
 * {prefix, maxLength, asn} with asn a number or "AS64500"), or CSV lines
 * of (prefix, max length, ASN) or Routinator's (ASN, prefix, max length,
 * trust anchor), with or without a header. The format is told by the
 * first byte ('{': JSON) and a CSV's column order by where the '/' is.
 */
#include "rpki.h"
#include "../io/io.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

#define VEC(p, cap, need) rw_vec_grow(&(p), &(cap), (need), sizeof *(p), UINT32_MAX - 1, RW_MEM_RPKI)

/* What a read gathers; bad entries are told (the first few one by one). */
struct rd {
	const char *path;
	struct rpki_vrp *v;
	uint32_t n, cap;
	uint64_t bad;
};

#define RD_TELL 5

static void bad(struct rd *r, const char *where, unsigned long long at, const char *what)
{
	if (r->bad++ < RD_TELL)
		rw_log(RW_LOG_WARN, "%s: %s %llu: %s; skipped", r->path, where, at, what);
}

/* One VRP from its three fields; NULL: fine, else what is wrong. */
static const char *make(const char *pfx, long long maxlen, const char *asn_text, long long asn_num, struct rpki_vrp *x)
{
	struct rw_prefix p;
	struct rw_addr a;
	char tmp[RW_ADDR_STRLEN];
	size_t al = pfx ? strcspn(pfx, "/") : 0;
	if (!pfx || parse_prefix(pfx, &p) || al >= sizeof tmp)
		return "not a prefix";
	/* parse_prefix clears host bits; a VRP with them set is malformed */
	memcpy(tmp, pfx, al);
	tmp[al] = '\0';
	if (parse_addr(tmp, &a) || memcmp(a.b, p.b, p.af == RW_AF_INET ? 4 : 16))
		return "host bits set in the prefix";
	unsigned maxbits = p.af == RW_AF_INET ? 32 : 128;
	if (maxlen < 0)
		maxlen = p.len; /* absent: the prefix's own length */
	if (maxlen < p.len || maxlen > maxbits)
		return "max length outside the prefix length and the family's bits";
	uint32_t asn;
	if (asn_text) {
		if (parse_asn(asn_text, &asn))
			return "not an ASN";
	} else if (asn_num >= 0 && asn_num <= UINT32_MAX) {
		asn = (uint32_t)asn_num;
	} else {
		return "not an ASN";
	}
	*x = (struct rpki_vrp){.af = p.af, .len = p.len, .maxlen = (uint8_t)maxlen, .asn = asn};
	memcpy(x->b, p.b, sizeof x->b);
	return NULL;
}

static void add(struct rd *r, const struct rpki_vrp *x)
{
	if (VEC(r->v, r->cap, (size_t)r->n + 1))
		rw_oom(sizeof *x);
	r->v[r->n++] = *x;
}

static int read_json(struct rd *r, const char *buf, size_t len, char *err, size_t esz)
{
	struct json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *o = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t off = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	struct json_object *roas = NULL;
	if (!o || jerr != json_tokener_success) {
		snprintf(err, esz, "%s: not JSON at offset %zu (%s)", r->path, off, json_tokener_error_desc(jerr));
		json_object_put(o);
		return RW_EMALFORMED;
	}
	if (!json_object_object_get_ex(o, "roas", &roas) || !json_object_is_type(roas, json_type_array)) {
		snprintf(err, esz, "%s: a JSON object without a \"roas\" array (not a VRP export)", r->path);
		json_object_put(o);
		return RW_EMALFORMED;
	}
	size_t n = json_object_array_length(roas);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(roas, i), *jp, *jm, *ja;
		if (!json_object_is_type(e, json_type_object) || !json_object_object_get_ex(e, "prefix", &jp) ||
		    !json_object_object_get_ex(e, "asn", &ja)) {
			bad(r, "roa", i, "not an object with prefix and asn");
			continue;
		}
		long long maxlen = -1;
		if (json_object_object_get_ex(e, "maxLength", &jm)) {
			if (!json_object_is_type(jm, json_type_int)) {
				bad(r, "roa", i, "maxLength is not a number");
				continue;
			}
			maxlen = json_object_get_int64(jm);
		}
		const char *ptext = json_object_is_type(jp, json_type_string) ? json_object_get_string(jp) : NULL;
		const char *atext = json_object_is_type(ja, json_type_string) ? json_object_get_string(ja) : NULL;
		long long anum = json_object_is_type(ja, json_type_int) ? json_object_get_int64(ja) : -1;
		struct rpki_vrp x;
		const char *why = make(ptext, maxlen, atext, anum, &x);
		if (why)
			bad(r, "roa", i, why);
		else
			add(r, &x);
	}
	json_object_put(o);
	return 0;
}

/* Trim spaces and quotes around a CSV field in place. */
static char *field(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '"')
		s++;
	size_t k = strlen(s);
	while (k && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '"' || s[k - 1] == '\r'))
		s[--k] = '\0';
	return s;
}

static int read_csv(struct rd *r, char *buf, size_t len)
{
	unsigned long long line = 0;
	for (size_t i = 0; i < len;) {
		char *l = buf + i;
		char *e = memchr(l, '\n', len - i);
		size_t ll = e ? (size_t)(e - l) : len - i;
		i += ll + 1;
		line++;
		l[ll] = '\0';
		char *f[4] = {0};
		int nf = 0;
		for (char *s = l; s && nf < 4;) {
			char *c = strchr(s, ',');
			if (c)
				*c = '\0';
			f[nf++] = field(s);
			s = c ? c + 1 : NULL;
		}
		if (nf == 1 && (!*f[0] || *f[0] == '#'))
			continue; /* blank or comment */
		if (nf < 3) {
			bad(r, "line", line, "fewer than three fields");
			continue;
		}
		/* (prefix, maxlen, asn) or Routinator's (asn, prefix, maxlen) */
		bool pfx_first = strchr(f[0], '/') != NULL;
		const char *pfx = pfx_first ? f[0] : f[1], *ml = pfx_first ? f[1] : f[2], *asn = pfx_first ? f[2] : f[0];
		char *end;
		long long maxlen = strtoll(ml, &end, 10);
		if (!*ml || *end) {
			if (line == 1)
				continue; /* the header */
			bad(r, "line", line, "max length is not a number");
			continue;
		}
		struct rpki_vrp x;
		const char *why = make(pfx, maxlen, asn, -1, &x);
		if (why && line == 1)
			continue;
		if (why)
			bad(r, "line", line, why);
		else
			add(r, &x);
	}
	return 0;
}

int rpki_read(const char *path, struct rpki_vrp **out, uint32_t *n, uint32_t *cap, char *err, size_t esz)
{
	*out = NULL;
	*n = *cap = 0;
	struct obuf b = {0}; /* the whole file, NUL-terminated */
	int rc = io_read_all(path, &b, err, esz);
	if (rc)
		return rc;
	size_t len = b.len;
	struct rd r = {.path = path};
	size_t i = 0;
	while (i < len && (b.buf[i] == ' ' || b.buf[i] == '\n' || b.buf[i] == '\t' || b.buf[i] == '\r'))
		i++;
	rc = i < len && b.buf[i] == '{' ? read_json(&r, b.buf, len, err, esz) : read_csv(&r, b.buf, len);
	obuf_release(&b);
	if (rc) {
		rw_vec_free(&r.v, &r.cap, sizeof *r.v, RW_MEM_RPKI);
		return rc;
	}
	if (r.bad > RD_TELL)
		rw_log(RW_LOG_WARN, "%s: %llu bad entries skipped in all", path, (unsigned long long)r.bad);
	/* sorted and distinct: exports repeat a VRP once per ROA that has it */
	if (r.n)
		qsort(r.v, r.n, sizeof *r.v, rpki_vrp_cmp);
	uint32_t w = 0;
	for (uint32_t j = 0; j < r.n; j++)
		if (!w || rpki_vrp_cmp(&r.v[w - 1], &r.v[j]))
			r.v[w++] = r.v[j];
	*out = r.v;
	*n = w;
	*cap = r.cap;
	return 0;
}
