/*
 * feed/ internals shared by its files; not part of the API (feed.h).
 */
#ifndef RW_FEED_INT_H
#define RW_FEED_INT_H

#include "feed.h"

/* A file time for people: "YYYY-MM-DD HH:MM", with ":SS" when the seconds
 * are not 0 (archive names give minutes). dst holds 24 bytes. */
void feed__fmt_minute(char dst[24], uint32_t t);

/* feed_collector_of, saying which --collector NAME=PATH rule named the
 * file (*rule, -1: none). Owned by the caller. */
char *feed__collector_of(const struct feed_names *nm, const char *given, const char *path, int64_t *rule);

#endif
