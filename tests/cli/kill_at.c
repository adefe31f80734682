/*
 * A test's hand on a running routewatch, from outside the binary: loaded
 * with LD_PRELOAD, it raises SIGKILL in the process the moment a line
 * containing $RW_KILL_AT is logged (routewatch logs one line per fwrite to
 * stderr). With `-v -v`, "checkpoint 2 at" kills an ingest right after its
 * second commit, as kill -9 at that instant would; the binary carries no
 * test hook for it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	static size_t (*real)(const void *, size_t, size_t, FILE *);
	if (!real)
		real = (size_t(*)(const void *, size_t, size_t, FILE *))dlsym(RTLD_NEXT, "fwrite");
	const char *pat = getenv("RW_KILL_AT");
	if (pat && *pat && f == stderr && memmem(p, size * n, pat, strlen(pat)))
		raise(SIGKILL);
	return real(p, size, n, f);
}
