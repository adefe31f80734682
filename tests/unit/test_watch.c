/* watch/: BGPalerter's prefixes.yml read into a watch list, the lookups,
 * and the errors. Links watch/ and base/ alone. */
#define T_PREFIX "watch/"
#include "t.h"
#include "watch/watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char err[512];

/* Write yml to a temporary prefixes.yml, load it into w; the file is gone
 * afterwards. Returns watch_load's result; err holds its message with the
 * temporary path replaced by "prefixes.yml". */
static int load(struct watch *w, const char *yml)
{
	char path[] = "/tmp/rw-watch-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -100;
	size_t n = strlen(yml);
	if (write(fd, yml, n) != (ssize_t)n) {
		close(fd);
		unlink(path);
		return -101;
	}
	close(fd);
	watch_init(w);
	int rc = watch_load(w, path, err, sizeof err);
	unlink(path);
	size_t k = strlen(path);
	if (!strncmp(err, path, k)) {
		char tmp[sizeof err];
		snprintf(tmp, sizeof tmp, "prefixes.yml%s", err + k);
		memcpy(err, tmp, sizeof err);
	}
	return rc;
}

static struct rw_prefix pfx(const char *s)
{
	struct rw_prefix p;
	memset(&p, 0, sizeof p);
	if (parse_prefix(s, &p))
		p.af = 0;
	return p;
}

static const char *show(const struct watch_prefix *e)
{
	static char b[RW_PREFIX_STRLEN];
	if (!e)
		return "(none)";
	fmt_prefix(b, &e->p);
	return b;
}

/* BGPalerter's example, with what its docs say each field may hold */
static const char typical[] =
	"165.254.225.0/24:\n"
	"  description: a description about this prefix\n"
	"  asn:\n"
	"    - 15562\n"
	"    - 2914\n"
	"  ignoreMorespecifics: true\n"
	"  ignore: false\n"
	"  group:\n"
	"    - noc\n"
	"    - peering\n"
	"  excludeMonitors:\n"
	"    - withdrawal-detection\n"
	"  path:\n"
	"    match: \".*2194,1234$\"\n"
	"    notMatch: \".*5054.*\"\n"
	"    matchDescription: detected scrubbing center\n"
	"    maxLength: 128\n"
	"    minLength: 2\n"
	"\n"
	"165.254.255.0/24:\n"
	"  description: the description will be reported in the alerts\n"
	"  asn: 15562\n"
	"  ignoreMorespecifics: false\n"
	"\n"
	"options:\n"
	"  monitorASns:\n"
	"    '2914':\n"
	"      group: default\n"
	"      upstreams:\n"
	"        - 1299\n"
	"        - 3356\n"
	"      downstreams:\n"
	"        - 15562\n"
	"    '3333':\n"
	"      group: ripe\n";

TEST(typical)
{
	struct watch w;
	CHECK_INT(load(&w, typical), 0);
	CHECK_STR(err, "");
	CHECK_INT(w.npfx, 2);
	CHECK_INT(w.nasns, 2);
	if (w.npfx != 2 || w.nasns != 2) {
		watch_release(&w);
		return;
	}
	const struct watch_prefix *e = &w.pfx[0];
	CHECK_STR(show(e), "165.254.225.0/24");
	CHECK_STR(e->description, "a description about this prefix");
	CHECK_INT(e->nasn, 2);
	CHECK_INT(e->asn[0], 15562);
	CHECK_INT(e->asn[1], 2914);
	CHECK(e->ignore_more_specifics);
	CHECK(!e->ignore);
	CHECK_INT(e->ngroups, 2);
	CHECK_STR(e->groups[0], "noc");
	CHECK_STR(e->groups[1], "peering");
	CHECK_INT(e->nexclude, 1);
	CHECK_STR(e->exclude_monitors[0], "withdrawal-detection");
	CHECK_INT(e->ninclude, 0);
	CHECK_INT(e->line, 1);
	CHECK_INT(e->npaths, 1);
	const struct watch_path *r = &e->paths[0];
	CHECK_STR(r->match, ".*2194,1234$");
	CHECK_STR(r->not_match, ".*5054.*");
	CHECK_STR(r->description, "detected scrubbing center");
	CHECK_INT(r->max_len, 128);
	CHECK_INT(r->min_len, 2);

	e = &w.pfx[1];
	CHECK_STR(show(e), "165.254.255.0/24");
	CHECK_STR(e->description, "the description will be reported in the alerts");
	CHECK_INT(e->nasn, 1);
	CHECK_INT(e->asn[0], 15562);
	CHECK(!e->ignore_more_specifics);
	CHECK(!e->ignore);
	CHECK_INT(e->ngroups, 1);
	CHECK_STR(e->groups[0], "default"); /* BGPalerter's default */
	CHECK_INT(e->npaths, 0);
	CHECK_INT(e->line, 20);

	CHECK(watch_origin_ok(&w.pfx[0], 2914));
	CHECK(watch_origin_ok(&w.pfx[0], 15562));
	CHECK(!watch_origin_ok(&w.pfx[0], 64512));

	const struct watch_asn *a = watch_asn(&w, 2914);
	CHECK(a != NULL);
	if (a) {
		CHECK_INT(a->asn, 2914);
		CHECK_INT(a->ngroups, 1);
		CHECK_STR(a->groups[0], "default");
		CHECK(!a->any_upstream);
		CHECK(!a->any_downstream);
		CHECK_INT(a->nup, 2);
		CHECK_INT(a->upstreams[0], 1299);
		CHECK_INT(a->upstreams[1], 3356);
		CHECK_INT(a->ndown, 1);
		CHECK_INT(a->downstreams[0], 15562);
	}
	a = watch_asn(&w, 3333);
	CHECK(a != NULL);
	if (a) {
		CHECK_STR(a->groups[0], "ripe");
		CHECK(a->any_upstream);
		CHECK(a->any_downstream);
		CHECK_INT(a->nup, 0);
	}
	CHECK(watch_asn(&w, 15562) == NULL);
	watch_release(&w);
}

TEST(path_rule)
{
	struct watch w;
	CHECK_INT(load(&w, typical), 0);
	if (w.npfx < 1 || w.pfx[0].npaths < 1) {
		CHECK(0);
		watch_release(&w);
		return;
	}
	const struct watch_path *r = &w.pfx[0].paths[0];
	/* min 2, max 128: in range, so no alert even when the regex matches */
	CHECK(!watch_path_match(r, "3333,2194,1234", 3));
	/* out of range (length 1 < 2): alert when the regexes agree */
	CHECK(watch_path_match(r, "2194,1234", 1));
	CHECK(!watch_path_match(r, "5054,2194,1234", 1)); /* notMatch */
	CHECK(!watch_path_match(r, "2194,1235", 1));      /* match fails */
	watch_release(&w);

	/* no lengths: the regexes alone decide; \d means a digit as in JS */
	CHECK_INT(load(&w, "10.0.0.0/8:\n  asn: 1\n  ignoreMorespecifics: false\n"
			   "  path:\n    - match: '^\\d+,174$'\n      matchDescription: via Cogent\n"
			   "    - notMatch: '[\\d,]*,(2914|3356),'\n      maxLength: 3\n"),
		  0);
	CHECK_STR(err, "");
	if (w.npfx == 1 && w.pfx[0].npaths == 2) {
		r = &w.pfx[0].paths[0];
		CHECK(watch_path_match(r, "3333,174", 2));
		CHECK(!watch_path_match(r, "3333,1740", 2));
		CHECK(!watch_path_match(r, "d,174", 2));
		r = &w.pfx[0].paths[1];
		CHECK(watch_path_match(r, "1,2,3,4", 4));        /* too long, no transit named */
		CHECK(!watch_path_match(r, "1,2914,3,4", 4));    /* notMatch */
		CHECK(!watch_path_match(r, "1,2,3", 3));         /* within maxLength */
	} else {
		CHECK(0);
	}
	watch_release(&w);
}

TEST(ipv6_and_match)
{
	struct watch w;
	CHECK_INT(load(&w, "2001:db8::/32:\n  description: v6 block\n  asn: 64500\n  ignoreMorespecifics: false\n"
			   "2001:db8:1::/48:\n  description: a site\n  asn: [64501, '64502', AS64503]\n"
			   "  ignoreMorespecifics: true\n"
			   "10.0.0.0/8:\n  asn: 64510\n  description: v4\n  ignoreMorespecifics: false\n"
			   "10.1.0.0/16:\n  asn: 64511\n  description: delegated\n  ignoreMorespecifics: true\n"
			   "  ignore: true\n"
			   "0.0.0.0/0:\n  asn: 1\n  description: everything\n  ignoreMorespecifics: false\n"),
		  0);
	CHECK_STR(err, "");
	CHECK_INT(w.npfx, 5);
	bool exact = true;
	const struct watch_prefix *e;
	struct rw_prefix q = pfx("2001:db8:1::/48");
	e = watch_match(&w, &q, &exact);
	CHECK_STR(show(e), "2001:db8:1::/48");
	CHECK(exact);
	if (e) {
		CHECK_INT(e->nasn, 3);
		CHECK_INT(e->asn[1], 64502);
		CHECK_INT(e->asn[2], 64503);
	}
	q = pfx("2001:db8:1:2::/64");
	e = watch_match(&w, &q, &exact);
	CHECK_STR(show(e), "2001:db8:1::/48");
	CHECK(!exact);
	q = pfx("2001:db8:2::/48");
	e = watch_match(&w, &q, &exact);
	CHECK_STR(show(e), "2001:db8::/32");
	CHECK(!exact);
	q = pfx("2001:db9::/32");
	exact = true;
	CHECK(watch_match(&w, &q, &exact) == NULL); /* no ::/0 watched */
	CHECK(!exact);
	q = pfx("2001::/16");
	CHECK(watch_match(&w, &q, NULL) == NULL);   /* less specific: not covered */

	q = pfx("10.1.2.0/24");
	e = watch_match(&w, &q, &exact);
	CHECK_STR(show(e), "10.1.0.0/16");          /* the ignored one hides 10/8 */
	CHECK(e && e->ignore);
	q = pfx("10.2.0.0/16");
	e = watch_match(&w, &q, &exact);
	CHECK_STR(show(e), "10.0.0.0/8");
	q = pfx("10.0.0.0/8");
	e = watch_match(&w, &q, &exact);
	CHECK_STR(show(e), "10.0.0.0/8");
	CHECK(exact);
	q = pfx("192.0.2.0/24");
	e = watch_match(&w, &q, &exact);
	CHECK_STR(show(e), "0.0.0.0/0");            /* length 0 is a length too */
	q.path_id = 7;                              /* ADD-PATH ids are not looked at */
	CHECK_STR(show(watch_match(&w, &q, NULL)), "0.0.0.0/0");
	watch_release(&w);
}

TEST(anchors_and_merge)
{
	struct watch w;
	CHECK_INT(load(&w, "x-common: &common\n"
			   "  asn: [2914, 3333]\n"
			   "  ignoreMorespecifics: false\n"
			   "  group: noc\n"
			   "x-rule: &rule\n"
			   "  match: ',666$'\n"
			   "  matchDescription: evil\n"
			   "192.0.2.0/24:\n"
			   "  <<: *common\n"
			   "  description: merged\n"
			   "  path: *rule\n"
			   "198.51.100.0/24:\n"
			   "  <<: *common\n"
			   "  description: overrides\n"
			   "  group: [a, b]\n"
			   "  asn: 64500\n"
			   "203.0.113.0/24:\n"
			   "  description: aliases only\n"
			   "  asn: &origins [64496, 64497]\n"
			   "  ignoreMorespecifics: true\n"
			   "options:\n"
			   "  monitorASns:\n"
			   "    '64496': {upstreams: *origins, downstreams: []}\n"),
		  RW_EMALFORMED);
	/* x-common is not a prefix: BGPalerter refuses it too ("Not a valid
	 * prefix"), so anchors live inside entries in real files */
	CHECK_STR(err, "prefixes.yml:1:1: not a prefix: \"x-common\"");
	CHECK_INT(w.npfx, 0);
	watch_release(&w);

	CHECK_INT(load(&w, "192.0.2.0/24:\n"
			   "  <<: &common\n"
			   "    asn: [2914, 3333]\n"
			   "    ignoreMorespecifics: false\n"
			   "    group: noc\n"
			   "  description: merged\n"
			   "  path: &rule\n"
			   "    match: ',666$'\n"
			   "    matchDescription: evil\n"
			   "198.51.100.0/24:\n"
			   "  <<: *common\n"
			   "  description: overrides\n"
			   "  group: [a, b]\n"
			   "  asn: 64500\n"
			   "  path: [*rule, {notMatch: '^1,'}]\n"
			   "203.0.113.0/24:\n"
			   "  description: aliases only\n"
			   "  asn: &origins [64496, 64497]\n"
			   "  ignoreMorespecifics: true\n"
			   "options:\n"
			   "  monitorASns:\n"
			   "    '64496': {upstreams: *origins, downstreams: []}\n"
			   "    AS64497:\n"
			   "      upstreams:\n"),
		  0);
	CHECK_STR(err, "");
	CHECK_INT(w.npfx, 3);
	if (w.npfx == 3) {
		const struct watch_prefix *e = &w.pfx[0];
		CHECK_STR(e->description, "merged");
		CHECK_INT(e->nasn, 2);
		CHECK_INT(e->asn[1], 3333);
		CHECK_STR(e->groups[0], "noc");
		CHECK_INT(e->npaths, 1);
		CHECK(watch_path_match(&e->paths[0], "1,2,666", 3));
		e = &w.pfx[1];
		CHECK_STR(e->description, "overrides");
		CHECK_INT(e->nasn, 1);                 /* the key beside << wins */
		CHECK_INT(e->asn[0], 64500);
		CHECK_INT(e->ngroups, 2);
		CHECK_STR(e->groups[1], "b");
		CHECK(!e->ignore_more_specifics);      /* from the merge */
		CHECK_INT(e->npaths, 2);
		CHECK(e->npaths == 2 && e->paths[0].match && !strcmp(e->paths[0].match, ",666$"));
		CHECK(e->npaths == 2 && watch_path_match(&e->paths[1], "2,3", 2));
		CHECK(e->npaths == 2 && !watch_path_match(&e->paths[1], "1,3", 2));
		e = &w.pfx[2];
		CHECK_INT(e->nasn, 2);
		CHECK(e->ignore_more_specifics);
	}
	const struct watch_asn *a = watch_asn(&w, 64496);
	CHECK(a && a->nup == 2 && a->upstreams[1] == 64497);
	CHECK(a && !a->any_downstream && a->ndown == 0); /* [] allows none */
	CHECK(a && a->any_downstream == false);
	a = watch_asn(&w, 64497);
	CHECK(a && !a->any_upstream && a->nup == 0);    /* empty value allows none */
	CHECK(a && a->any_downstream);                  /* absent allows any */
	watch_release(&w);
}

static void check_error(const char *yml, int want_rc, const char *want)
{
	struct watch w;
	int rc = load(&w, yml);
	if (rc != want_rc)
		t_fail(__FILE__, __LINE__, "%s: rc %d, want %d (%s)", want, rc, want_rc, err);
	/* a want ending in "(" is a prefix: what follows is the C library's */
	size_t k = strlen(want);
	if (k && want[k - 1] == '(' ? strncmp(err, want, k) : strcmp(err, want))
		t_fail(__FILE__, __LINE__, "error \"%s\", want \"%s\"", err, want);
	CHECK_INT(w.npfx, 0); /* left empty */
	watch_release(&w);
}

TEST(errors)
{
	check_error("192.0.2.0/24:\n  description: x\n  asn: 2914\n  ignoreMorespecifics: false\n"
		    "198.51.100.0/24:\n  description: y\n  asn: twenty\n  ignoreMorespecifics: false\n",
		    RW_EMALFORMED, "prefixes.yml:7:8: asn: not a number");
	check_error("192.0.2.0/24:\n  asn: [1, x2]\n", RW_EMALFORMED, "prefixes.yml:2:12: asn: not a number");
	check_error("192.0.2.0/24:\n  asn: 0\n", RW_EMALFORMED, "prefixes.yml:2:8: asn: AS0 is not a valid AS number");
	check_error("192.0.2.0/24:\n  description: no origin\n", RW_EMALFORMED,
		    "prefixes.yml:2:3: 192.0.2.0/24: no asn (the expected origins)");
	check_error("\n192.0.2.0/33:\n  asn: 1\n", RW_EMALFORMED, "prefixes.yml:2:1: not a prefix: \"192.0.2.0/33\"");
	check_error("- 192.0.2.0/24\n- 198.51.100.0/24\n", RW_EMALFORMED,
		    "prefixes.yml:1:1: not a mapping of prefixes (BGPalerter's prefixes.yml)");
	check_error("192.0.2.0/24:\n  asn: 1\n  path:\n    match: '(unclosed'\n", RW_EMALFORMED,
		    "prefixes.yml:4:12: path.match: not a regular expression routewatch accepts (");
	check_error("192.0.2.0/24:\n  asn: 1\n  path:\n    - match: x\n    - notMatch: '(?:lookahead)'\n",
		    RW_EMALFORMED, "prefixes.yml:5:17: path.notMatch: not a regular expression routewatch accepts (");
	check_error("192.0.2.0/24:\n  asn: 1\n  ignore: yes\n", RW_EMALFORMED,
		    "prefixes.yml:3:11: ignore: not true or false");
	check_error("192.0.2.0/24:\n  asn: 1\n192.0.2.0/24:\n  asn: 2\n", RW_EMALFORMED,
		    "prefixes.yml:3:1: \"192.0.2.0/24\" given twice");
	check_error("192.0.2.0/24:\n  asn: 1\n192.0.2.1/24:\n  asn: 2\n", RW_EMALFORMED,
		    "prefixes.yml:3:1: 192.0.2.1/24 given twice (line 1)");
	check_error("192.0.2.0/24:\n  asn: 1\n  includeMonitors: [a]\n  excludeMonitors: [b]\n", RW_EMALFORMED,
		    "prefixes.yml:3:20: 192.0.2.0/24: includeMonitors and excludeMonitors together");
	check_error("options:\n  monitorASns:\n    2914:\n    AS2914:\n", RW_EMALFORMED,
		    "prefixes.yml:4:5: monitorASns: AS2914 given twice (line 3)");
	check_error("192.0.2.0/24: [1]\n", RW_EMALFORMED,
		    "prefixes.yml:1:15: 192.0.2.0/24: not a mapping of description, asn, ignoreMorespecifics...");
	check_error("192.0.2.0/24:\n  asn: 1\n   bad: indent\n", RW_EMALFORMED,
		    "prefixes.yml:3:7: mapping values are not allowed in this context");
	check_error("a: &x [*x]\n", RW_EMALFORMED, "prefixes.yml:1:1: not a prefix: \"a\"");
	check_error("192.0.2.0/24: &x\n  asn: 1\n  <<: *x\n", RW_EMALFORMED,
		    "prefixes.yml:1:15: <<: merges nested deeper than 8");
	check_error("192.0.2.0/24:\n  asn: 1\n---\n198.51.100.0/24:\n  asn: 2\n", RW_EMALFORMED,
		    "prefixes.yml:4:1: a second YAML document (one is expected)");

	struct watch w;
	watch_init(&w);
	CHECK_INT(watch_load(&w, "/nonexistent/prefixes.yml", err, sizeof err), RW_EIO);
	CHECK_STR(err, "/nonexistent/prefixes.yml: No such file or directory");
	watch_release(&w);
}

TEST(empty_and_lenient)
{
	struct watch w;
	CHECK_INT(load(&w, ""), 0);
	CHECK_INT(w.npfx, 0);
	CHECK_INT(w.nasns, 0);
	struct rw_prefix q = pfx("192.0.2.0/24");
	CHECK(watch_match(&w, &q, NULL) == NULL);
	CHECK(watch_asn(&w, 1) == NULL);
	watch_release(&w);
	CHECK_INT(load(&w, "# only a comment\n"), 0);
	CHECK_INT(w.npfx, 0);
	watch_release(&w);

	/* host bits: BGPalerter's prefix check is textual and its matching
	 * uses the first len bits, so it watches 192.0.2.0/24; so do we, with
	 * a warning. Unknown keys: a warning, not an error. The generator's
	 * options.generate is known and skipped. */
	CHECK_INT(load(&w, "192.0.2.77/24:\n  asn: 1\n  description: 7\n  ignoreMorespecifics: false\n"
			   "  newField: 1\n  path:\n    match: x\n    futureKey: y\n"
			   "198.51.100.0/24:\n  asn: 2\n  newField: again\n"
			   "options:\n  generate:\n    asnList: ['1']\n  somethingElse: 1\n"),
		  0);
	CHECK_STR(err, "");
	CHECK_INT(w.npfx, 2);
	if (w.npfx == 2) {
		CHECK_STR(show(&w.pfx[0]), "192.0.2.0/24");
		CHECK_STR(w.pfx[0].description, "7");
		CHECK_STR(w.pfx[1].description, ""); /* absent */
		CHECK(!w.pfx[1].ignore_more_specifics);
	}
	watch_release(&w);
}

/* /work/shared/data has no BGPalerter prefixes.yml (MANIFEST.md lists
 * none); when one is added as bgpalerter/prefixes.yml this loads it. */
TEST(shared_file)
{
	const char *d = t_shared();
	char path[1024];
	if (!d) {
		t_skip("no shared data");
		return;
	}
	snprintf(path, sizeof path, "%s/bgpalerter/prefixes.yml", d);
	if (access(path, R_OK)) {
		t_skip("no BGPalerter prefixes.yml in the shared data");
		return;
	}
	struct watch w;
	watch_init(&w);
	CHECK_INT(watch_load(&w, path, err, sizeof err), 0);
	CHECK(w.npfx > 0);
	watch_release(&w);
}

/* A large list: 8192 IPv4 /24s and 2048 IPv6 /48s under a few covering
 * blocks, loaded and looked up whole. */
TEST(ten_thousand)
{
	struct obuf b = {0};
	for (unsigned i = 0; i < 8192; i++)
		obuf_printf(&b, "10.%u.%u.0/24:\n  description: site %u\n  asn: %u\n  ignoreMorespecifics: false\n",
			    i >> 8, i & 255, i, 64512 + (i & 1023));
	for (unsigned i = 0; i < 2048; i++)
		obuf_printf(&b, "2001:db8:%x::/48:\n  description: v6 %u\n  asn: [%u, 65000]\n  ignoreMorespecifics: true\n",
			    i, i, 64512 + i);
	obuf_printf(&b, "10.0.0.0/8:\n  asn: 1\n  description: block\n  ignoreMorespecifics: false\n"
			"2001:db8::/32:\n  asn: 1\n  description: block\n  ignoreMorespecifics: false\n");
	obuf_putc(&b, '\0');
	struct watch w;
	CHECK_INT(load(&w, b.buf), 0);
	obuf_release(&b);
	CHECK_STR(err, "");
	CHECK_INT(w.npfx, 8192 + 2048 + 2);
	unsigned found = 0, exact_n = 0;
	for (unsigned i = 0; i < 8192; i++) {
		char s[64];
		snprintf(s, sizeof s, "10.%u.%u.128/25", i >> 8, i & 255);
		struct rw_prefix q = pfx(s);
		bool exact;
		const struct watch_prefix *e = watch_match(&w, &q, &exact);
		found += e && e->p.len == 24 && watch_origin_ok(e, 64512 + (i & 1023));
		exact_n += exact;
	}
	CHECK_INT(found, 8192);
	CHECK_INT(exact_n, 0);
	struct rw_prefix q = pfx("2001:db8:7ff::/48");
	bool exact;
	const struct watch_prefix *e = watch_match(&w, &q, &exact);
	CHECK(e && exact && e->nasn == 2 && e->asn[0] == 64512 + 0x7ff);
	q = pfx("2001:db8:800::/48");
	CHECK_STR(show(watch_match(&w, &q, &exact)), "2001:db8::/32");
	q = pfx("10.32.0.0/24");
	CHECK_STR(show(watch_match(&w, &q, &exact)), "10.0.0.0/8");
	watch_release(&w);
}
