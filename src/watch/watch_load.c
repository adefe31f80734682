/*
 * Reading BGPalerter's prefixes.yml (docs/internals/watch.md has the
 * fields and what is done with each).
 *
 * libyaml's document API (yaml_parser_load) builds the whole node graph
 * first: aliases are node ids that point back at the anchored node, so
 * `*x` costs nothing and a "billion laughs" file stays small. Every
 * mapping is read through flatten(), which applies merge keys (`<<: *x`
 * or `<<: [*x, *y]`, keys written beside them win, earlier sources win
 * over later ones) and refuses a key written twice, as js-yaml does.
 *
 * Errors name the file, the 1-based line and column of the node at fault
 * and what is wrong; the loader stops at the first. Unknown keys are
 * warned about once per name per load and skipped, so a file written for
 * a newer BGPalerter still loads.
 *
 * Everything an entry points to is copied into w->mem (the arena), so the
 * libyaml document is freed before watch_load returns.
 */
#include "watch_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <yaml.h>

#define MERGE_DEPTH 8 /* `<<` inside merged mappings, at most this deep */

struct ld {
	struct watch *w;
	yaml_document_t doc;
	const char *path; /* for messages (borrowed) */
	char *err;        /* caller's buffer */
	size_t esz;
	char **warned;    /* unknown key names already warned about (owned) */
	uint32_t nwarned, wcap;
};

/* One key: value pair of a flattened mapping. */
struct kv {
	yaml_node_t *k, *v;
	uint32_t order;   /* position: explicit pairs first, then merged ones */
	bool merged;
};

struct map {
	struct kv *kv;    /* owned (rw_malloc) */
	uint32_t n, cap;
};

static void map_free(struct map *m)
{
	rw_vec_free(&m->kv, &m->cap, sizeof *m->kv, RW_MEM_OTHER);
	m->n = 0;
}

__attribute__((format(printf, 3, 4))) static int fail(struct ld *l, const yaml_node_t *n, const char *fmt, ...)
{
	int k = snprintf(l->err, l->esz, "%s:%zu:%zu: ", l->path, n ? n->start_mark.line + 1 : 1,
			 n ? n->start_mark.column + 1 : 1);
	if (k >= 0 && (size_t)k < l->esz) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(l->err + k, l->esz - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return RW_EMALFORMED;
}

static int too_big(struct ld *l, const yaml_node_t *n)
{
	fail(l, n, "the watch list is larger than routewatch holds");
	return RW_ELIMIT;
}

static yaml_node_t *node(struct ld *l, int id)
{
	return yaml_document_get_node(&l->doc, id);
}

static bool is_scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE;
}

static const char *text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_plain(const yaml_node_t *n)
{
	return is_scalar(n) && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* YAML 1.2 core null: an empty value, ~ or null (plain, not quoted). */
static bool is_null(const yaml_node_t *n)
{
	if (!is_plain(n))
		return false;
	const char *s = text(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* Warn once per load about an unknown key name. */
static void unknown_key(struct ld *l, const yaml_node_t *k, const char *where)
{
	const char *s = text(k);
	for (uint32_t i = 0; i < l->nwarned; i++)
		if (!strcmp(l->warned[i], s))
			return;
	if (!rw_vec_grow(&l->warned, &l->wcap, (size_t)l->nwarned + 1, sizeof *l->warned, 1000, RW_MEM_OTHER))
		l->warned[l->nwarned++] = rw_strdup(s);
	rw_log(RW_LOG_WARN, "%s:%zu:%zu: unknown key \"%s\" in %s, ignored (warned once)", l->path,
	       k->start_mark.line + 1, k->start_mark.column + 1, s, where);
}

/* ------------------------------------------------------------ mappings */

static int by_key(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	int c = strcmp(text(x->k), text(y->k));
	return c ? c : (x->order > y->order) - (x->order < y->order);
}

static int by_order(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	return (x->order > y->order) - (x->order < y->order);
}

static int gather(struct ld *l, yaml_node_t *m, struct map *out, bool merged, int depth);

/* The value of a `<<` key: a mapping or a sequence of mappings. */
static int gather_merge(struct ld *l, yaml_node_t *v, struct map *out, int depth)
{
	if (depth >= MERGE_DEPTH)
		return fail(l, v, "<<: merges nested deeper than %d", MERGE_DEPTH);
	if (v->type == YAML_MAPPING_NODE)
		return gather(l, v, out, true, depth + 1);
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(l, v, "<<: not a mapping or a list of mappings");
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *s = node(l, *it);
		if (s->type != YAML_MAPPING_NODE)
			return fail(l, s, "<<: not a mapping");
		int rc = gather(l, s, out, true, depth + 1);
		if (rc)
			return rc;
	}
	return 0;
}

/* Append m's pairs to out: its own first, then what its `<<` keys bring. */
static int gather(struct ld *l, yaml_node_t *m, struct map *out, bool merged, int depth)
{
	yaml_node_pair_t *p;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(l, p->key), *v = node(l, p->value);
		if (!is_scalar(k))
			return fail(l, k, "a key that is not a scalar");
		if (is_plain(k) && !strcmp(text(k), "<<"))
			continue;
		if (rw_vec_grow(&out->kv, &out->cap, (size_t)out->n + 1, sizeof *out->kv, 4 * WATCH_MAX_ENTRIES,
				RW_MEM_OTHER))
			return too_big(l, k);
		out->kv[out->n] = (struct kv){k, v, out->n, merged};
		out->n++;
	}
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(l, p->key);
		if (is_plain(k) && !strcmp(text(k), "<<")) {
			int rc = gather_merge(l, node(l, p->value), out, depth);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* The pairs of mapping m with merge keys applied, in file order. A key
 * written twice in the same file mapping is an error; a merged key that a
 * nearer one already gives is dropped. */
static int flatten(struct ld *l, yaml_node_t *m, struct map *out)
{
	out->n = 0;
	int rc = gather(l, m, out, false, 0);
	if (rc || out->n < 2)
		return rc;
	qsort(out->kv, out->n, sizeof *out->kv, by_key);
	uint32_t j = 1;
	for (uint32_t i = 1; i < out->n; i++) {
		struct kv *prev = &out->kv[j - 1], *cur = &out->kv[i];
		if (strcmp(text(prev->k), text(cur->k))) {
			out->kv[j++] = *cur;
			continue;
		}
		if (!prev->merged && !cur->merged) {
			/* report the later of the two, where the reader's eye is */
			yaml_node_t *at = cur->k->start_mark.index > prev->k->start_mark.index ? cur->k : prev->k;
			return fail(l, at, "\"%s\" given twice", text(cur->k));
		}
	}
	out->n = j;
	qsort(out->kv, out->n, sizeof *out->kv, by_order);
	return 0;
}

static yaml_node_t *map_get(const struct map *m, const char *key)
{
	for (uint32_t i = 0; i < m->n; i++)
		if (!strcmp(text(m->kv[i].k), key))
			return m->kv[i].v;
	return NULL;
}

static bool known(const char *s, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(s, *names))
			return true;
	return false;
}

static void warn_unknown(struct ld *l, const struct map *m, const char *const *names, const char *where)
{
	for (uint32_t i = 0; i < m->n; i++)
		if (!known(text(m->kv[i].k), names))
			unknown_key(l, m->kv[i].k, where);
}

/* ------------------------------------------------------------ values */

static int get_str(struct ld *l, const char *field, yaml_node_t *n, char **out)
{
	if (!is_scalar(n))
		return fail(l, n, "%s: not a string", field);
	*out = arena_strdup(&l->w->mem, is_null(n) ? "" : text(n));
	return *out ? 0 : too_big(l, n);
}

/* js-yaml's booleans: true/True/TRUE, false/False/FALSE, unquoted. */
static int get_bool(struct ld *l, const char *field, yaml_node_t *n, bool *out)
{
	static const char *const t[] = {"true", "True", "TRUE", NULL}, *const f[] = {"false", "False", "FALSE", NULL};
	if (is_plain(n) && known(text(n), t))
		*out = true;
	else if (is_plain(n) && known(text(n), f))
		*out = false;
	else
		return fail(l, n, "%s: not true or false", field);
	return 0;
}

static int get_len(struct ld *l, const char *field, yaml_node_t *n, uint32_t *out)
{
	uint64_t v;
	if (is_null(n)) {
		*out = 0;
		return 0;
	}
	if (!is_plain(n) || parse_u64(text(n), 10000, &v))
		return fail(l, n, "%s: not a number of ASNs", field);
	*out = (uint32_t)v;
	return 0;
}

/* An ASN: 2914, '2914' or AS2914 (BGPalerter takes numbers and strings). */
static int get_asn(struct ld *l, const char *field, yaml_node_t *n, uint32_t *out)
{
	if (!is_scalar(n) || is_null(n) || parse_asn(text(n), out))
		return fail(l, n, "%s: not a number", field);
	if (!*out)
		return fail(l, n, "%s: AS0 is not a valid AS number", field);
	return 0;
}

/* A scalar or a list of scalars, into an arena array. A null is an empty
 * list when allow_null, an error otherwise. */
static int get_items(struct ld *l, const char *field, yaml_node_t *n, bool allow_null, bool asn, void **out,
		     uint32_t *cnt)
{
	yaml_node_item_t one, *start = &one, *top = &one + 1;
	*out = NULL;
	*cnt = 0;
	if (is_scalar(n) && is_null(n)) {
		if (allow_null)
			return 0;
		return fail(l, n, "%s: missing", field);
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		start = n->data.sequence.items.start;
		top = n->data.sequence.items.top;
	} else if (!is_scalar(n)) {
		return fail(l, n, "%s: not a %s or a list of them", field, asn ? "number" : "string");
	}
	size_t k = (size_t)(top - start);
	if (k > WATCH_MAX_LIST)
		return fail(l, n, "%s: more than %u items", field, WATCH_MAX_LIST);
	if (!k)
		return allow_null ? 0 : fail(l, n, "%s: an empty list", field);
	void *arr = arena_alloc(&l->w->mem, k * (asn ? sizeof(uint32_t) : sizeof(char *)));
	if (!arr)
		return too_big(l, n);
	for (size_t i = 0; i < k; i++) {
		yaml_node_t *it = start == &one ? n : node(l, start[i]);
		int rc = asn ? get_asn(l, field, it, (uint32_t *)arr + i)
			     : get_str(l, field, it, (char **)arr + i);
		if (rc)
			return rc;
	}
	*out = arr;
	*cnt = (uint32_t)k;
	return 0;
}

static int get_groups(struct ld *l, yaml_node_t *n, char ***out, uint32_t *cnt)
{
	if (n) {
		int rc = get_items(l, "group", n, true, false, (void **)out, cnt);
		if (rc || *cnt)
			return rc;
	}
	/* BGPalerter's default group */
	*out = arena_alloc(&l->w->mem, sizeof **out);
	if (!*out || !(**out = arena_strdup(&l->w->mem, "default")))
		return too_big(l, n);
	*cnt = 1;
	return 0;
}

/* ------------------------------------------------------------ path rules */

/* BGPalerter's patterns are JavaScript regular expressions; POSIX ERE
 * lacks \d and \D, which glibc would take as the letters d and D. Rewrite
 * them ([0-9], [^0-9], or 0-9 inside a bracket); everything else is left
 * for regcomp to accept or refuse. */
static char *js_to_ere(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *o = arena_alloc(a, 5 * n + 1), *d = o;
	if (!o)
		return NULL;
	bool br = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\' && i + 1 < n && (s[i + 1] == 'd' || s[i + 1] == 'D')) {
			const char *r = br ? "0-9" : s[i + 1] == 'd' ? "[0-9]" : "[^0-9]";
			size_t k = strlen(r);
			memcpy(d, r, k);
			d += k;
			i++;
			continue;
		}
		if (c == '\\' && i + 1 < n) {
			*d++ = c;
			*d++ = s[++i];
			continue;
		}
		if (!br && c == '[') {
			br = true;
			*d++ = c;
			/* a ] right after [ or [^ is a literal */
			if (i + 1 < n && s[i + 1] == '^')
				*d++ = s[++i];
			if (i + 1 < n && s[i + 1] == ']')
				*d++ = s[++i];
			continue;
		}
		if (br && c == ']')
			br = false;
		*d++ = c;
	}
	*d = '\0';
	return o;
}

static int get_regex(struct ld *l, const char *field, yaml_node_t *n, char **src, regex_t *re)
{
	if (is_null(n))
		return 0;
	int rc = get_str(l, field, n, src);
	if (rc)
		return rc;
	char *ere = js_to_ere(&l->w->mem, *src);
	if (!ere)
		return too_big(l, n);
	int e = regcomp(re, ere, REG_EXTENDED | REG_NOSUB);
	if (e) {
		char msg[128];
		regerror(e, re, msg, sizeof msg);
		*src = NULL; /* nothing compiled: release must not regfree */
		return fail(l, n, "%s: not a regular expression routewatch accepts (%s)", field, msg);
	}
	return 0;
}

static const char *const path_keys[] = {"match", "notMatch", "matchDescription", "maxLength", "minLength", NULL};

static int get_path_rule(struct ld *l, yaml_node_t *n, struct watch_path *r)
{
	if (n->type != YAML_MAPPING_NODE)
		return fail(l, n, "path: not a mapping of match, notMatch, matchDescription, maxLength, minLength");
	struct map m = {0};
	int rc = flatten(l, n, &m);
	yaml_node_t *v;
	if (!rc && (v = map_get(&m, "match")))
		rc = get_regex(l, "path.match", v, &r->match, &r->re_match);
	if (!rc && (v = map_get(&m, "notMatch")))
		rc = get_regex(l, "path.notMatch", v, &r->not_match, &r->re_not);
	if (!rc && (v = map_get(&m, "matchDescription")))
		rc = get_str(l, "path.matchDescription", v, &r->description);
	if (!rc && (v = map_get(&m, "maxLength")))
		rc = get_len(l, "path.maxLength", v, &r->max_len);
	if (!rc && (v = map_get(&m, "minLength")))
		rc = get_len(l, "path.minLength", v, &r->min_len);
	if (!rc)
		warn_unknown(l, &m, path_keys, "a path rule");
	map_free(&m);
	return rc;
}

/* `path:` is one rule or a list of them. The rules are zeroed in the
 * arena and counted in e->npaths one by one, so release frees exactly the
 * regexes compiled, whatever failed. */
static int get_paths(struct ld *l, yaml_node_t *n, struct watch_prefix *e)
{
	if (is_null(n))
		return 0;
	size_t k = n->type == YAML_SEQUENCE_NODE ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start) : 1;
	if (k > WATCH_MAX_LIST)
		return fail(l, n, "path: more than %u rules", WATCH_MAX_LIST);
	if (!k)
		return 0;
	e->paths = arena_zalloc(&l->w->mem, k * sizeof *e->paths);
	if (!e->paths)
		return too_big(l, n);
	for (size_t i = 0; i < k; i++) {
		yaml_node_t *it = n->type == YAML_SEQUENCE_NODE ? node(l, n->data.sequence.items.start[i]) : n;
		e->npaths++;
		int rc = get_path_rule(l, it, &e->paths[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------ entries */

static const char *const prefix_keys[] = {"description", "asn", "ignoreMorespecifics", "ignore", "group",
					   "path", "excludeMonitors", "includeMonitors", NULL};

static int get_prefix(struct ld *l, yaml_node_t *k, yaml_node_t *v)
{
	struct rw_prefix p;
	struct rw_addr a;
	char buf[RW_PREFIX_STRLEN], shown[RW_PREFIX_STRLEN];
	const char *s = text(k);
	size_t sl = strcspn(s, "/");
	if (parse_prefix(s, &p) || sl >= sizeof buf)
		return fail(l, k, "not a prefix: \"%s\"", s);
	/* BGPalerter takes 10.0.0.1/24 and matches it as 10.0.0.0/24; so do
	 * we, and say so, since it is likely a typo */
	memcpy(buf, s, sl);
	buf[sl] = '\0';
	if (!parse_addr(buf, &a) && memcmp(a.b, p.b, 16)) {
		fmt_prefix(shown, &p);
		rw_log(RW_LOG_WARN, "%s:%zu:%zu: %s has host bits set; watching %s", l->path, k->start_mark.line + 1,
		       k->start_mark.column + 1, s, shown);
	}
	if (watch__find(l->w, &p) != HTAB_NONE)
		return fail(l, k, "%s given twice (line %u)", s, l->w->pfx[watch__find(l->w, &p)].line);
	if (v->type != YAML_MAPPING_NODE)
		return fail(l, v, "%s: not a mapping of description, asn, ignoreMorespecifics...", s);

	struct map m = {0};
	int rc = flatten(l, v, &m);
	if (rc)
		goto out;
	struct watch_prefix *e = watch__new_prefix(l->w);
	if (!e) {
		rc = too_big(l, k);
		goto out;
	}
	e->p = p;
	e->line = (uint32_t)k->start_mark.line + 1;
	/* indexed now, so a failure below still leaves release what to free */
	watch__index_last(l->w);
	yaml_node_t *f;
	if (!(f = map_get(&m, "asn"))) {
		rc = fail(l, v, "%s: no asn (the expected origins)", s);
		goto out;
	}
	if ((rc = get_items(l, "asn", f, false, true, (void **)&e->asn, &e->nasn)))
		goto out;
	if ((f = map_get(&m, "description")))
		rc = get_str(l, "description", f, &e->description);
	else
		rc = (e->description = arena_strdup(&l->w->mem, "")) ? 0 : too_big(l, v);
	if (!rc && (f = map_get(&m, "ignoreMorespecifics")))
		rc = get_bool(l, "ignoreMorespecifics", f, &e->ignore_more_specifics);
	if (!rc && (f = map_get(&m, "ignore")))
		rc = get_bool(l, "ignore", f, &e->ignore);
	if (!rc)
		rc = get_groups(l, map_get(&m, "group"), &e->groups, &e->ngroups);
	if (!rc && (f = map_get(&m, "path")))
		rc = get_paths(l, f, e);
	yaml_node_t *inc = map_get(&m, "includeMonitors"), *exc = map_get(&m, "excludeMonitors");
	if (!rc && inc && exc)
		rc = fail(l, inc, "%s: includeMonitors and excludeMonitors together", s);
	if (!rc && inc)
		rc = get_items(l, "includeMonitors", inc, true, false, (void **)&e->include_monitors, &e->ninclude);
	if (!rc && exc)
		rc = get_items(l, "excludeMonitors", exc, true, false, (void **)&e->exclude_monitors, &e->nexclude);
	if (!rc)
		warn_unknown(l, &m, prefix_keys, "a prefix entry");
out:
	map_free(&m);
	return rc;
}

static const char *const asn_keys[] = {"group", "upstreams", "downstreams", NULL};

static int get_network(struct ld *l, yaml_node_t *k, yaml_node_t *v)
{
	uint32_t asn;
	int rc = get_asn(l, "monitorASns", k, &asn);
	if (rc)
		return rc;
	const struct watch_asn *dup = watch_asn(l->w, asn);
	if (dup)
		return fail(l, k, "monitorASns: AS%u given twice (line %u)", asn, dup->line);
	struct watch_asn *a = watch__new_asn(l->w);
	if (!a)
		return too_big(l, k);
	a->asn = asn;
	a->line = (uint32_t)k->start_mark.line + 1;
	a->any_upstream = a->any_downstream = true;
	watch__index_last_asn(l->w);
	if (is_null(v))
		return get_groups(l, NULL, &a->groups, &a->ngroups);
	if (v->type != YAML_MAPPING_NODE)
		return fail(l, v, "monitorASns: AS%u: not a mapping of group, upstreams, downstreams", asn);
	struct map m = {0};
	rc = flatten(l, v, &m);
	yaml_node_t *f;
	if (!rc)
		rc = get_groups(l, map_get(&m, "group"), &a->groups, &a->ngroups);
	if (!rc && (f = map_get(&m, "upstreams"))) {
		a->any_upstream = false;
		rc = get_items(l, "upstreams", f, true, true, (void **)&a->upstreams, &a->nup);
	}
	if (!rc && (f = map_get(&m, "downstreams"))) {
		a->any_downstream = false;
		rc = get_items(l, "downstreams", f, true, true, (void **)&a->downstreams, &a->ndown);
	}
	if (!rc)
		warn_unknown(l, &m, asn_keys, "a monitorASns entry");
	map_free(&m);
	return rc;
}

/* `generate` is what BGPalerter's generator keeps for its own updates. */
static const char *const option_keys[] = {"monitorASns", "generate", NULL};

static int get_options(struct ld *l, yaml_node_t *v)
{
	if (is_null(v))
		return 0;
	if (v->type != YAML_MAPPING_NODE)
		return fail(l, v, "options: not a mapping");
	struct map m = {0}, nets = {0};
	int rc = flatten(l, v, &m);
	yaml_node_t *f;
	if (!rc && (f = map_get(&m, "monitorASns")) && !is_null(f)) {
		if (f->type != YAML_MAPPING_NODE)
			rc = fail(l, f, "monitorASns: not a mapping of ASN to options");
		else
			rc = flatten(l, f, &nets);
		for (uint32_t i = 0; !rc && i < nets.n; i++)
			rc = get_network(l, nets.kv[i].k, nets.kv[i].v);
	}
	if (!rc)
		warn_unknown(l, &m, option_keys, "options");
	map_free(&m);
	map_free(&nets);
	return rc;
}

static int load_doc(struct ld *l)
{
	yaml_node_t *root = yaml_document_get_root_node(&l->doc);
	if (!root || is_null(root)) {
		rw_log(RW_LOG_WARN, "%s: no prefixes and no options: an empty watch list", l->path);
		return 0;
	}
	if (root->type != YAML_MAPPING_NODE)
		return fail(l, root, "not a mapping of prefixes (BGPalerter's prefixes.yml)");
	struct map m = {0};
	int rc = flatten(l, root, &m);
	for (uint32_t i = 0; !rc && i < m.n; i++) {
		if (!strcmp(text(m.kv[i].k), "options"))
			rc = get_options(l, m.kv[i].v);
		else
			rc = get_prefix(l, m.kv[i].k, m.kv[i].v);
	}
	map_free(&m);
	return rc;
}

static int parse_file(struct ld *l, FILE *f)
{
	yaml_parser_t ps;
	if (!yaml_parser_initialize(&ps))
		rw_oom(sizeof ps);
	yaml_parser_set_input_file(&ps, f);
	if (!yaml_parser_load(&ps, &l->doc)) {
		if (ps.error == YAML_MEMORY_ERROR)
			rw_oom(0);
		snprintf(l->err, l->esz, "%s:%zu:%zu: %s%s%s", l->path, ps.problem_mark.line + 1,
			 ps.problem_mark.column + 1, ps.problem ? ps.problem : "not YAML",
			 ps.context ? " " : "", ps.context ? ps.context : "");
		yaml_parser_delete(&ps);
		return RW_EMALFORMED;
	}
	/* a second document would be ignored by BGPalerter's safeLoad too,
	 * which refuses it: do the same */
	yaml_document_t next;
	int rc = 0;
	if (yaml_document_get_root_node(&l->doc) && yaml_parser_load(&ps, &next)) {
		yaml_node_t *r = yaml_document_get_root_node(&next);
		if (r) {
			snprintf(l->err, l->esz, "%s:%zu:%zu: a second YAML document (one is expected)", l->path,
				 r->start_mark.line + 1, r->start_mark.column + 1);
			rc = RW_EMALFORMED;
		}
		yaml_document_delete(&next);
	}
	yaml_parser_delete(&ps);
	if (rc)
		yaml_document_delete(&l->doc);
	return rc;
}

int watch_load(struct watch *w, const char *path, char *err, size_t esz)
{
	struct ld l = {.w = w, .path = path, .err = err, .esz = esz};
	if (esz)
		err[0] = '\0';
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, esz, "%s: %s", path, strerror(errno));
		return RW_EIO;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && st.st_size > (off_t)WATCH_MAX_FILE) {
		snprintf(err, esz, "%s: larger than %u MiB: not a watch list", path, WATCH_MAX_FILE >> 20);
		fclose(f);
		return RW_ELIMIT;
	}
	int rc = parse_file(&l, f);
	fclose(f);
	if (rc)
		return rc;
	rc = load_doc(&l);
	yaml_document_delete(&l.doc);
	for (uint32_t i = 0; i < l.nwarned; i++)
		free(l.warned[i]);
	rw_vec_free(&l.warned, &l.wcap, sizeof *l.warned, RW_MEM_OTHER);
	if (rc) {
		watch_release(w);
		watch_init(w);
	}
	return rc;
}
