/*
 * A slow disk for a test, from outside the binary: loaded with LD_PRELOAD,
 * it makes every SQLite COMMIT of the process take $RW_COMMIT_DELAY more
 * seconds (the time a full table's checkpoint takes on a real disk), so a
 * test can see whether the collector's event loop waits for it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg, char **err)
{
	static int (*real)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *, char **);
	if (!real)
		real = (int (*)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *,
				char **))dlsym(RTLD_NEXT, "sqlite3_exec");
	const char *d = getenv("RW_COMMIT_DELAY");
	if (d && sql && !strncasecmp(sql, "COMMIT", 6))
		sleep((unsigned)strtoul(d, NULL, 10));
	return real(db, sql, cb, arg, err);
}
