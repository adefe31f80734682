/* Test helpers that need base/ alone. */
#include "tutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

unsigned tlines(const char *s)
{
	unsigned n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

const char *twrite_tmp(const void *p, size_t n, const char *suffix)
{
	static char path[256];
	static unsigned seq;
	snprintf(path, sizeof path, "/tmp/rwtest-%d-%u%s", (int)getpid(), seq++, suffix ? suffix : "");
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
	return path;
}
