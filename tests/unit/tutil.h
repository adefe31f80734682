/* Test helpers: run bytes through the MRT reader/decoder/formatters. */
#ifndef RW_TUTIL_H
#define RW_TUTIL_H

#include "base/base.h"

struct tdump {
	char *text;          /* malloc'ed output, NUL-terminated */
	size_t len;
	unsigned records, gaps, rec_errors, elems;
	unsigned taw, discard, unparseable, notes, unsupported;
	uint64_t gap_bytes;
	bool gap_at_end;
	const char *last_err; /* static string of the last record error */
};

/* Decode buf (in chunks of chunk bytes; 0 = all at once) and format every
 * element (bgpdump -m text, or JSON). salvage as in mrt_dec. (tdump.c:
 * links the output formats.) */
void tdump_run(struct tdump *t, const uint8_t *buf, size_t len, size_t chunk, bool json, bool salvage);
void tdump_free(struct tdump *t);
/* Number of lines in s. */
unsigned tlines(const char *s);
/* Write bytes to a fresh temporary file; returns its path (static). */
const char *twrite_tmp(const void *p, size_t n, const char *suffix);

#endif
