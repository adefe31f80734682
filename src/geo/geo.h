/*
 * geo: the country each network is registered in (docs/events.md §14).
 *
 * Sources, added to one table (a later source overrides an earlier one):
 *   - an AS names table (names/): potaroo's autnums list and pyasn's JSON
 *     end each name with ", CC" ("STAR-KP Ryugyong-dong, KP");
 *   - the RIRs' delegation files, in their published format
 *     ("registry|CC|asn|start|count|date|status[|...]", as in
 *     delegated-ripencc-extended-latest), plain or compressed: each asn
 *     line gives its range of ASNs the country code.
 * The code "ZZ" (unknown, reserved) and lines of other types (ipv4, ipv6,
 * the version and summary lines) give nothing.
 *
 * A country code is two upper-case letters packed in 16 bits ('K' << 8 |
 * 'P'); 0 is "no country known". Filled once, then only read: any number
 * of threads may call geo_get on a table nobody is changing.
 */
#ifndef RW_GEO_H
#define RW_GEO_H

#include "../base/base.h"
#include "../names/names.h"

/* More ASNs than this in a delegation file's ranges is not a delegation
 * file (all RIRs together hold about 120 k): loading stops. */
#define GEO_MAX_ASNS (4u << 20)

/* ASNs below this have their code in an array (one load per lookup: the
 * detector asks for every route change); the others in the map. 2^20
 * covers every ASN the RIRs have given out (about 400 000 so far). */
#define GEO_DENSE (1u << 20)

struct geo {
	uint16_t *dense;   /* owned: GEO_DENSE codes, made on the first add */
	uint32_t capdense;
	struct u64map cc;  /* asn >= GEO_DENSE -> country code; owned */
	uint32_t n;        /* ASNs with a country */
	uint32_t bad;      /* lines skipped as malformed, over all loads */
};

void geo_init(struct geo *g);
void geo_release(struct geo *g);
size_t geo_bytes(const struct geo *g);
/* ASNs with a country. */
static inline uint32_t geo_count(const struct geo *g) { return g->n; }

/* Country codes as dense indexes 0 .. GEO_NCC - 1 (for arrays). */
#define GEO_NCC (26 * 26)
static inline unsigned geo_cc_index(uint16_t cc)
{
	return (unsigned)((cc >> 8) - 'A') * 26 + (unsigned)((cc & 0xff) - 'A');
}

/* "KP" (two letters, either case) to its code; 0 for anything else,
 * "ZZ" included. */
uint16_t geo_cc_parse(const char *s, size_t n);
/* The code's two letters and a NUL into out. */
void geo_cc_str(uint16_t cc, char out[3]);

/* The countries that names ends with (", CC"); returns how many ASNs got
 * one. */
uint32_t geo_add_names(struct geo *g, const struct names *nm);

/* A file of countries: a delegation file, else (its first line is not one)
 * an AS names file read through names/. Bad lines follow the project's
 * rule: each is skipped, counted in g->bad and reported as "PATH:LINE:
 * what" (the first 10, then only counted), the rest is loaded. 0, or
 * RW_EIO... when the file cannot be read, RW_EMALFORMED when nothing in it
 * is a country, RW_ELIMIT past GEO_MAX_ASNS; err (esz bytes) says why,
 * naming the file. */
int geo_load(struct geo *g, const char *path, char *err, size_t esz);

/* The country of asn, 0 when unknown. */
static inline uint16_t geo_get(const struct geo *g, uint32_t asn)
{
	if (asn < GEO_DENSE)
		return g->dense ? g->dense[asn] : 0;
	const uint32_t *v = u64map_get(&g->cc, asn);
	return v ? (uint16_t)*v : 0;
}
/* Give asn the code cc (not 0). */
void geo_set(struct geo *g, uint32_t asn, uint16_t cc);

#endif
