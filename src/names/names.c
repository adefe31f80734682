/*
 * AS names (see names.h). Text is kept in one growing buffer; the map
 * points into it by offset. Latin-1 input is converted to UTF-8 so names
 * can go into JSON as they are.
 */
#include "names.h"
#include "../io/io.h"

#include <json-c/json.h>
#include <stdlib.h>

void names_init(struct names *n)
{
	memset(n, 0, sizeof *n);
	u64map_init(&n->idx, RW_MEM_NAMES);
}

void names_release(struct names *n)
{
	u64map_release(&n->idx);
	rw_vec_free(&n->text, &n->cap, 1, RW_MEM_NAMES);
	memset(n, 0, sizeof *n);
}

static int put_text(struct names *n, const char *s, size_t len, bool latin1, uint32_t *off)
{
	/* offsets are 32-bit: a names file of 4 GiB is not one */
	if (rw_vec_grow(&n->text, &n->cap, n->len + 2 * len + 1, 1, UINT32_MAX, RW_MEM_NAMES))
		return RW_ELIMIT;
	*off = (uint32_t)n->len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20)
			c = ' ';
		if (latin1 && c >= 0x80) {
			n->text[n->len++] = (char)(0xc0 | c >> 6);
			n->text[n->len++] = (char)(0x80 | (c & 0x3f));
		} else {
			n->text[n->len++] = (char)c;
		}
	}
	n->text[n->len++] = '\0';
	return 0;
}

static int add(struct names *n, uint32_t asn, const char *s, size_t len, bool latin1)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\r'))
		len--;
	uint32_t off;
	int rc = put_text(n, s, len, latin1, &off);
	if (rc)
		return rc;
	*u64map_put(&n->idx, asn) = off;
	return 0;
}

int names_add(struct names *n, uint32_t asn, const char *utf8)
{
	return add(n, asn, utf8, strlen(utf8), false);
}

/* Is this valid UTF-8? (then it is not Latin-1) */
static bool utf8_ok(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint8_t c = p[i];
		size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (!k || i + k > n)
			return false;
		for (size_t j = 1; j < k; j++)
			if ((p[i + j] & 0xc0) != 0x80)
				return false;
		i += k;
	}
	return true;
}

static int load_text(struct names *n, const char *buf, size_t len, const char *path)
{
	bool latin1 = !utf8_ok((const uint8_t *)buf, len);
	size_t lines = 0, bad = 0;
	for (size_t i = 0; i < len;) {
		const char *l = buf + i;
		const char *e = memchr(l, '\n', len - i);
		size_t ll = e ? (size_t)(e - l) : len - i;
		i += ll + 1;
		lines++;
		size_t k = 0;
		while (k < ll && (l[k] == ' ' || l[k] == '\t'))
			k++;
		if (k + 2 <= ll && (l[k] == 'A' || l[k] == 'a') && (l[k + 1] == 'S' || l[k + 1] == 's'))
			k += 2;
		uint64_t asn = 0;
		size_t d = k;
		while (d < ll && l[d] >= '0' && l[d] <= '9' && asn <= UINT32_MAX)
			asn = asn * 10 + (uint64_t)(l[d++] - '0');
		if (d == k || asn > UINT32_MAX || d >= ll || (l[d] != ' ' && l[d] != '\t')) {
			if (ll && l[0] != '#')
				bad++;
			continue;
		}
		while (d < ll && (l[d] == ' ' || l[d] == '\t'))
			d++;
		int rc = add(n, (uint32_t)asn, l + d, ll - d, latin1);
		if (rc)
			return rc;
	}
	if (bad)
		rw_log(RW_LOG_WARN, "%s: %zu of %zu lines are not \"ASN name\" and were skipped", path, bad, lines);
	return 0;
}

static int load_json(struct names *n, const char *buf, size_t len, const char *path)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	json_tokener_free(tok);
	if (!o || jerr != json_tokener_success || !json_object_is_type(o, json_type_object)) {
		rw_log(RW_LOG_ERROR, "%s: not a JSON object of ASN -> name (%s)", path,
		       json_tokener_error_desc(jerr));
		if (o)
			json_object_put(o);
		return RW_EMALFORMED;
	}
	json_object_object_foreach(o, key, val)
	{
		uint32_t asn;
		if (parse_asn(key, &asn) || !json_object_is_type(val, json_type_string))
			continue;
		const char *s = json_object_get_string(val);
		int rc = add(n, asn, s, strlen(s), false);
		if (rc) {
			json_object_put(o);
			return rc;
		}
	}
	json_object_put(o);
	return 0;
}

int names_load(struct names *n, const char *path)
{
	struct obuf b = {0}; /* the whole file, NUL-terminated */
	char err[512];
	int rc = io_read_all(path, &b, err, sizeof err);
	if (rc) {
		rw_log(RW_LOG_ERROR, "%s", err);
		return rc;
	}
	size_t len = b.len;
	char *buf = b.buf;
	size_t i = 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t' || buf[i] == '\r'))
		i++;
	rc = i < len && buf[i] == '{' ? load_json(n, buf, len, path) : load_text(n, buf, len, path);
	obuf_release(&b);
	return rc;
}

const char *names_get(const struct names *n, uint32_t asn)
{
	const uint32_t *v = u64map_get(&n->idx, asn);
	return v ? n->text + *v : NULL;
}

const char *names_short(const struct names *n, uint32_t asn, char *buf, size_t size)
{
	const char *s = names_get(n, asn);
	if (!s || !size)
		return NULL;
	size_t k = strcspn(s, " \t,");
	if (k >= size)
		k = size - 1;
	memcpy(buf, s, k);
	buf[k] = '\0';
	return k ? buf : NULL;
}
