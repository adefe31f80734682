/* Small helpers shared by commands. */
#include "cli.h"

#include <time.h>

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

size_t fmt_communities(char *dst, const uint8_t *p, size_t len, bool bgpdump_names, struct fmt_cache *c)
{
	size_t n = 0;
	for (size_t i = 0; i + 4 <= len; i += 4) {
		uint32_t v = rd32(p + i);
		if (i)
			dst[n++] = ' ';
		if (bgpdump_names && v >= 0xffffff01u && v <= 0xffffff03u) {
			static const char *const names[] = {"no-export", "no-advertise", "local-AS"};
			const char *s = names[v - 0xffffff01u];
			size_t l = strlen(s);
			memcpy(dst + n, s, l);
			n += l;
			continue;
		}
		n += c ? fmt_u32_cached(c, dst + n, v >> 16) : fmt_u32(dst + n, v >> 16);
		dst[n++] = ':';
		n += c ? fmt_u32_cached(c, dst + n, v & 0xffff) : fmt_u32(dst + n, v & 0xffff);
	}
	return n;
}
