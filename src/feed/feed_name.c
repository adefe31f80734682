/*
 * Names of archive files and their collectors (docs/events.md §1): the
 * collector of a file from --collector, the file's own name (rrc20.updates...,
 * routeviews.route-views.jinx.updates..., route-views2.rib...) or the
 * folders above it (RouteViews' <collector>/bgpdata/YYYY.MM/RIBS|UPDATES,
 * RIS's rrcNN/YYYY.MM; RIBS, UPDATES, bgpdata and YYYY.MM are never
 * collectors), and a file's time and kind from its name (YYYYMMDD.HHMM or
 * Unix seconds after the kind word rib, ribs, bview or updates).
 *
 * Paths are made absolute by name (abs_path): the working directory in
 * front of a relative path, "", "." and ".." resolved without following
 * links. So `events 2017.10` run inside rrc00/ and `events /mirror/rrc00`
 * name the same collector, and --collector NAME=PATH matches however PATH
 * and the inputs are written. Pure string work on the caller's thread; the
 * strings returned are the caller's.
 */
#include "feed_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void feed__fmt_minute(char dst[24], uint32_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(dst, 24, tm.tm_sec ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M", &tm);
}

/* ---------------------------------------------------------------- paths */

/* Append the components of s to out (n bytes so far, "/a/b" form, "" for
 * the root), resolving "", "." and ".." by name. *floor, when given, is
 * lowered to where a ".." cut back to. Returns the new length. */
static size_t push_components(char *out, size_t n, const char *s, size_t *floor)
{
	while (*s) {
		while (*s == '/')
			s++;
		size_t len = strcspn(s, "/");
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (n && out[n - 1] != '/')
				n--;
			if (n)
				n--;
			if (floor && n < *floor)
				*floor = n;
		} else if (len && !(len == 1 && s[0] == '.')) {
			out[n++] = '/';
			memcpy(out + n, s, len);
			n += len;
		}
		s += len;
	}
	out[n] = 0;
	return n;
}

/* path made absolute by name (see the top of the file); cwd NULL leaves a
 * relative path under the root. *given_at: the offset where the components
 * that came from path begin (those before it are cwd's). */
static char *abs_path(const char *cwd, const char *path, size_t *given_at)
{
	char *out = rw_malloc((cwd ? strlen(cwd) : 0) + strlen(path) + 3);
	size_t n = 0;
	out[0] = 0;
	if (path[0] != '/' && cwd)
		n = push_components(out, 0, cwd, NULL);
	size_t at = n;
	push_components(out, n, path, &at);
	if (given_at)
		*given_at = at;
	return out;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

/* The start of the word of s that ends at end, words being separated by
 * any byte of seps. */
static const char *word_start(const char *s, const char *end, const char *seps)
{
	while (end > s && !strchr(seps, end[-1]))
		end--;
	return end;
}

static bool word_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && !memcmp(s, word, len);
}

static bool word_has(const char *s, size_t len, const char *part)
{
	size_t k = strlen(part);
	for (size_t i = 0; i + k <= len; i++)
		if (!memcmp(s + i, part, k))
			return true;
	return false;
}

static bool all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* ---------------------------------------------------------------- file names */

/* The kind words archives write before a file's time: RouteViews rib and
 * updates, RIS bview and updates, BGPStream ribs and updates. */
enum name_kind { KIND_NONE, KIND_RIB, KIND_UPDATES };

static enum name_kind kind_of(const char *s, size_t len)
{
	if (word_is(s, len, "rib") || word_is(s, len, "ribs") || word_is(s, len, "bview"))
		return KIND_RIB;
	if (word_is(s, len, "updates"))
		return KIND_UPDATES;
	return KIND_NONE;
}

/* What a file name (its last component) says. */
struct name_parts {
	uint32_t ts;      /* the time it holds */
	const char *kind; /* the word before the time (borrowed), or NULL */
	size_t kind_len;
};

/* YYYYMMDD.HHMM anywhere in b, as RouteViews and RIS write it. */
static bool name_date(const char *b, struct name_parts *np)
{
	for (const char *p = b; *p; p++) {
		if (!all_digits(p, 8) || p[8] != '.' || !all_digits(p + 9, 4) || (p[13] >= '0' && p[13] <= '9'))
			continue;
		char ts[32];
		snprintf(ts, sizeof ts, "%.4s-%.2s-%.2s %.2s:%.2s:00", p, p + 4, p + 6, p + 9, p + 11);
		int64_t t;
		if (parse_time(ts, &t) || t < 0 || t > UINT32_MAX)
			return false;
		np->ts = (uint32_t)t;
		if (p > b && (p[-1] == '.' || p[-1] == '_')) {
			np->kind = word_start(b, p - 1, "._");
			np->kind_len = (size_t)(p - 1 - np->kind);
		}
		return true;
	}
	return false;
}

/* Unix seconds as BGPStream names its cache: a word of 9 or 10 digits right
 * after a kind word (ris.rrc06.updates.1427846400.gz). A number anywhere
 * else is not taken for a time. */
static bool name_unix(const char *b, struct name_parts *np)
{
	for (const char *p = strchr(b, '.'); p; p = strchr(p + 1, '.')) {
		size_t n = strcspn(p + 1, ".");
		const char *k = word_start(b, p, "._");
		if (n < 9 || n > 10 || !all_digits(p + 1, n) || kind_of(k, (size_t)(p - k)) == KIND_NONE)
			continue;
		char num[12];
		memcpy(num, p + 1, n);
		num[n] = 0;
		uint64_t v;
		if (parse_u64(num, UINT32_MAX, &v))
			return false;
		np->ts = (uint32_t)v;
		np->kind = k;
		np->kind_len = (size_t)(p - k);
		return true;
	}
	return false;
}

static bool name_parts(const char *b, struct name_parts *np)
{
	memset(np, 0, sizeof *np);
	return name_date(b, np) || name_unix(b, np);
}

/* Reading the time from the name saves decompressing the first block of
 * every file just to sort them. The kind word decides; names without one
 * keep the older rule (a name starting with rib or bview is a RIB dump). */
bool feed_name_time(const char *path, uint32_t *ts, bool *rib)
{
	const char *b = base_name(path);
	struct name_parts np;
	if (!name_parts(b, &np))
		return false;
	enum name_kind k = np.kind ? kind_of(np.kind, np.kind_len) : KIND_NONE;
	*ts = np.ts;
	*rib = k == KIND_RIB || (k == KIND_NONE && (!strncmp(b, "rib", 3) || !strncmp(b, "bview", 5)));
	return true;
}

/* The collector a file name carries before its kind word, the words
 * joined by dots: rrc20.updates..., route-views2.rib..., and BGPStream's
 * <project>.<collector>.<kind>.<time> (ris.rrc06.updates...,
 * routeviews.route-views.jinx.ribs...), whose project word is dropped.
 * NULL when the name carries none. */
static char *from_file_name(const char *b)
{
	static const char *const projects[] = {"routeviews.", "ris."};
	struct name_parts np;
	if (!name_parts(b, &np) || !np.kind || kind_of(np.kind, np.kind_len) == KIND_NONE || np.kind == b ||
	    np.kind[-1] != '.')
		return NULL;
	const char *s = b, *e = np.kind - 1;
	for (size_t i = 0; i < RW_ARRAY_LEN(projects); i++) {
		size_t k = strlen(projects[i]);
		if ((size_t)(e - s) > k && !strncmp(s, projects[i], k)) {
			s += k;
			break;
		}
	}
	return e > s ? rw_strndup(s, (size_t)(e - s)) : NULL;
}

/* ---------------------------------------------------------------- folders */

/* YYYY.MM: the month folders of RouteViews and RIS. */
static bool is_month(const char *s, size_t len)
{
	return len == 7 && s[4] == '.' && all_digits(s, 4) && all_digits(s + 5, 2);
}

/* Folders that sort a collector's files: never a collector. */
static bool never_collector(const char *s, size_t len)
{
	return word_is(s, len, "RIBS") || word_is(s, len, "UPDATES") || word_is(s, len, "bgpdata") ||
	       is_month(s, len);
}

/* RouteViews keeps route-views2's bgpdata/ at the top of its archive and
 * every other collector's under a folder of the collector's name
 * (route-views.sg/bgpdata/). The folder above a bgpdata folder names the
 * collector when it lies inside the path given (given_at) and is a
 * collector folder: found by the walk below the path given (walk_root),
 * or named like all RouteViews collectors (route-views2, route-views.sg,
 * oix-route-views). The path given may be the mirror itself
 * (/srv/mirror holding bgpdata/), or a wget copy of the archive
 * (archive.routeviews.org/bgpdata/): then it is route-views2. bg: the
 * first byte of the bgpdata component in abs. */
static char *above_bgpdata(const char *abs, const char *bg, size_t given_at, size_t walk_root)
{
	if (bg - 1 > abs) {
		const char *end = bg - 1, *s = word_start(abs, end, "/");
		size_t len = (size_t)(end - s), at = (size_t)(s - abs);
		bool named = word_has(s, len, "route-views");
		bool walked = at > walk_root && !word_has(s, len, "routeviews.org");
		if (at > given_at && (named || walked))
			return rw_strndup(s, len);
	}
	return rw_strdup("route-views2");
}

/* The collector the folders above a file give: the first folder, going
 * up, that is not one of never_collector's (bgpdata: above_bgpdata). */
static char *from_folders(const char *abs, size_t given_at, size_t walk_root)
{
	const char *end = strrchr(abs, '/');
	while (end && end > abs) {
		const char *s = word_start(abs, end, "/");
		size_t len = (size_t)(end - s);
		if (word_is(s, len, "bgpdata"))
			return above_bgpdata(abs, s, given_at, walk_root);
		if (!never_collector(s, len))
			return rw_strndup(s, len);
		end = s - 1;
	}
	return rw_strdup("/");
}

/* ---------------------------------------------------------------- names */

void feed_names_init(struct feed_names *nm)
{
	memset(nm, 0, sizeof *nm);
	char buf[4096];
	if (getcwd(buf, sizeof buf))
		nm->cwd = rw_strdup(buf);
}

int feed_names_add(struct feed_names *nm, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq) {
		if (!*arg)
			return RW_EINVAL;
		free(nm->all);
		nm->all = rw_strdup(arg);
		return 0;
	}
	if (eq == arg || !eq[1])
		return RW_EINVAL;
	if (rw_vec_grow(&nm->v, &nm->cap, (size_t)nm->n + 1, sizeof *nm->v, UINT32_MAX, RW_MEM_FEED))
		return RW_ELIMIT;
	struct feed_name_rule *r = &nm->v[nm->n++];
	r->name = rw_strndup(arg, (size_t)(eq - arg));
	r->path = abs_path(nm->cwd, eq + 1, NULL);
	return 0;
}

void feed_names_release(struct feed_names *nm)
{
	for (uint32_t i = 0; i < nm->n; i++) {
		free(nm->v[i].name);
		free(nm->v[i].path);
	}
	rw_vec_free(&nm->v, &nm->cap, sizeof *nm->v, RW_MEM_FEED);
	free(nm->all);
	free(nm->cwd);
	memset(nm, 0, sizeof *nm);
}

/* The rule of nm that names the file at abs: the longest PATH holding it,
 * the last given among equal ones; -1 when none. */
static int64_t rule_for(const struct feed_names *nm, const char *abs)
{
	int64_t best = -1;
	size_t best_len = 0;
	for (uint32_t i = 0; i < nm->n; i++) {
		size_t len = strlen(nm->v[i].path);
		if (strncmp(abs, nm->v[i].path, len) || (abs[len] && abs[len] != '/'))
			continue;
		if (best < 0 || len >= best_len) {
			best = i;
			best_len = len;
		}
	}
	return best;
}

/* feed_collector_of, saying which rule named the file (*rule, -1: none). */
char *feed__collector_of(const struct feed_names *nm, const char *given, const char *path, int64_t *rule)
{
	size_t given_at;
	char *abs = abs_path(nm->cwd, path, &given_at);
	char *name;
	*rule = rule_for(nm, abs);
	if (*rule >= 0)
		name = rw_strdup(nm->v[*rule].name);
	else if (nm->all)
		name = rw_strdup(nm->all);
	else if (!strcmp(path, "-"))
		name = rw_strdup("stdin");
	else if (!(name = from_file_name(base_name(abs)))) {
		char *root = abs_path(nm->cwd, given ? given : path, NULL);
		name = from_folders(abs, given_at, strlen(root));
		free(root);
	}
	free(abs);
	return name;
}

char *feed_collector_of(const struct feed_names *nm, const char *given, const char *path)
{
	struct feed_names own;
	if (!nm) {
		feed_names_init(&own);
		nm = &own;
	}
	int64_t rule;
	char *name = feed__collector_of(nm, given, path, &rule);
	if (nm == &own)
		feed_names_release(&own);
	return name;
}
