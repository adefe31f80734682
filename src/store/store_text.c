/*
 * A stored event's prefixes as people read them (store.h): the list the
 * store keeps (space-separated, sorted) counted, and its first few joined
 * with ", " and "and N more". Pure text work: the output formats (out/),
 * the report and the fuzzers use it without a database.
 */
#include "store.h"

#include <stdio.h>

uint32_t store_prefixes_count(const char *p)
{
	uint32_t n = 0;
	while (*p) {
		n++;
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	return n;
}

void store_prefixes_text(struct obuf *o, const char *prefixes, uint32_t total, unsigned max)
{
	unsigned k = 0;
	for (const char *p = prefixes; *p && k < max; k++) {
		size_t n = strcspn(p, " ");
		obuf_puts(o, k ? ", " : "");
		obuf_putsn(o, p, n);
		p += n;
		p += strspn(p, " ");
	}
	if (total > max)
		obuf_printf(o, " and %u more", total - max);
}

void store_items_text(struct obuf *o, const char *list)
{
	for (const char *p = list ? list : ""; *p;) {
		size_t k = strcspn(p, ",");
		obuf_putsn(o, p, k);
		p += k;
		if (*p) {
			obuf_puts(o, ", ");
			p++;
		}
	}
}

void store_leak_pair(const char *covering, uint32_t *from, uint32_t *to)
{
	unsigned long a = 0, b = 0;
	if (!covering || sscanf(covering, "%lu %lu", &a, &b) != 2 || a > UINT32_MAX || b > UINT32_MAX)
		a = b = 0;
	*from = (uint32_t)a;
	*to = (uint32_t)b;
}
