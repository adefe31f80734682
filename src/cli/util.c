/* Small helpers shared by commands. */
#include "cli.h"

#include <stdio.h>
#include <time.h>

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void print_memory(void)
{
	char line[1024];
	size_t n = (size_t)snprintf(line, sizeof line, "memory:");
	for (int i = 0; i < RW_MEM_N && n < sizeof line; i++) {
		uint64_t b = rw_mem_held((enum rw_mem)i);
		if (b)
			n += (size_t)snprintf(line + n, sizeof line - n, " %s %.1f MB", rw_mem_name((enum rw_mem)i),
					      (double)b / 1e6);
	}
	fprintf(stderr, "%s\n", line);
}
