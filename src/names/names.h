/*
 * names: AS names for people. Loads Geoff Huston's autnums list (potaroo,
 * "131279<TAB>STAR-KP Ryugyong-dong, KP", Latin-1) or pyasn's JSON object
 * ({"131279": "STAR-KP Ryugyong-dong, KP"}), plain or compressed.
 */
#ifndef RW_NAMES_H
#define RW_NAMES_H

#include "../base/base.h"

struct names {
	struct u64map idx;  /* asn -> offset into text */
	char *text;         /* owned: NUL-terminated UTF-8 names */
	size_t len;
	uint32_t cap;
};

void names_init(struct names *n);
void names_release(struct names *n);
/* Load a file (adds to what is loaded). 0, or < 0 with the reason logged. */
int names_load(struct names *n, const char *path);
/* One name (UTF-8), e.g. read back from the history store. */
int names_add(struct names *n, uint32_t asn, const char *utf8);
/* The full name ("STAR-KP Ryugyong-dong, KP") or NULL. */
const char *names_get(const struct names *n, uint32_t asn);
/* The handle: the full name's first word ("STAR-KP"), into buf. NULL when
 * unknown. */
const char *names_short(const struct names *n, uint32_t asn, char *buf, size_t size);

#endif
