/* geo/: countries from AS names files (potaroo and pyasn) and from RIR
 * delegation files, bad lines named, codes. Links geo/ and the layers
 * below it. */
#define T_PREFIX "geo/"
#include "t.h"
#include "tutil.h"
#include "geo/geo.h"

#include <stdio.h>

static uint16_t cc(const char *s)
{
	return geo_cc_parse(s, strlen(s));
}

TEST(codes)
{
	char b[3];
	CHECK_INT(cc("KP"), 'K' << 8 | 'P');
	CHECK_INT(cc("kp"), 'K' << 8 | 'P');
	CHECK_INT(cc("ZZ"), 0);
	CHECK_INT(cc("K"), 0);
	CHECK_INT(cc("KPX"), 0);
	CHECK_INT(cc("K1"), 0);
	geo_cc_str(cc("RU"), b);
	CHECK_STR(b, "RU");
	geo_cc_str(0, b);
	CHECK_STR(b, "??");
}

TEST(names_files)
{
	const char *potaroo = "131279\tSTAR-KP Ryugyong-dong, KP\n"
			      "20485\tTRANSTELECOM Moscow, Russia, RU\n"
			      "4837\tCHINA169-BACKBONE CHINA UNICOM China169 Backbone, CN\n"
			      "64512\tno country here\n"
			      "64513\tUNKNOWN, ZZ\n";
	const char *path = twrite_tmp(potaroo, strlen(potaroo), ".txt");
	struct geo g;
	geo_init(&g);
	char err[256];
	CHECK_INT(geo_load(&g, path, err, sizeof err), 0);
	CHECK_INT(geo_count(&g), 3);
	CHECK_INT(geo_get(&g, 131279), cc("KP"));
	CHECK_INT(geo_get(&g, 20485), cc("RU"));
	CHECK_INT(geo_get(&g, 4837), cc("CN"));
	CHECK_INT(geo_get(&g, 64512), 0);
	CHECK_INT(geo_get(&g, 64513), 0);
	CHECK_INT(geo_get(&g, 1), 0);
	/* pyasn's JSON, over what is loaded: a later source wins */
	const char *json = "{\"131279\": \"STAR-KP Ryugyong-dong, KP\", \"20485\": \"TTK, DE\"}";
	path = twrite_tmp(json, strlen(json), ".json");
	CHECK_INT(geo_load(&g, path, err, sizeof err), 0);
	CHECK_INT(geo_get(&g, 20485), cc("DE"));
	CHECK_INT(geo_count(&g), 3);
	geo_release(&g);
}

TEST(delegation_files)
{
	const char *text = "2|ripencc|1506812400|123|19930901|20171001|+0100\n" /* 1: version */
			   "ripencc|*|asn|*|3|summary\n"                          /* 2 */
			   "ripencc|RU|asn|20485|1|20010406|allocated\n"          /* 3 */
			   "ripencc|FR|ipv4|2.0.0.0|1048576|20100712|allocated\n" /* 4 */
			   "apnic|KP|asn|131279|1|20130318|allocated|A91A7381\n"  /* 5 */
			   "arin|US|asn|64496|4|20000101|assigned\n"              /* 6: a range */
			   "arin|US|asn|x|1|20000101|assigned\n"                  /* 7: bad */
			   "arin||asn|65000|1||available\n"                       /* 8: no country */
			   "arin|ZZ|asn|65001|1||reserved\n"                      /* 9 */
			   "half|line\n"                                          /* 10: bad */
			   "lacnic|BR|asn|4294967295|2|20000101|assigned\n";      /* 11: bad, past 2^32 */
	const char *path = twrite_tmp(text, strlen(text), ".txt");
	struct geo g;
	geo_init(&g);
	char err[256], want[300];
	CHECK_INT(geo_load(&g, path, err, sizeof err), 0);
	CHECK_INT(g.bad, 3);
	snprintf(want, sizeof want, "%s:7: an asn line whose start or count is not a number of the ASN range", path);
	CHECK_STR(err, want);
	CHECK_INT(geo_get(&g, 20485), cc("RU"));
	CHECK_INT(geo_get(&g, 131279), cc("KP"));
	for (uint32_t a = 64496; a < 64500; a++)
		CHECK_INT(geo_get(&g, a), cc("US"));
	CHECK_INT(geo_get(&g, 64500), 0);
	CHECK_INT(geo_get(&g, 65000), 0);
	CHECK_INT(geo_get(&g, 65001), 0);
	CHECK_INT(geo_count(&g), 6);
	geo_release(&g);
}

TEST(not_a_country_file)
{
	const char *text = "hello\nworld\n";
	const char *path = twrite_tmp(text, strlen(text), ".txt");
	struct geo g;
	geo_init(&g);
	char err[256];
	CHECK_INT(geo_load(&g, path, err, sizeof err), RW_EMALFORMED);
	CHECK(strstr(err, path) != NULL);
	CHECK_INT(geo_load(&g, "/nonexistent/geo", err, sizeof err) < 0, 1);
	CHECK(strstr(err, "/nonexistent/geo") != NULL);
	geo_release(&g);
}
