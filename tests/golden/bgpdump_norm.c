/*
 * Normalise bgpdump -m text so that two known, documented differences do
 * not hide real ones in the golden comparison:
 *
 *  --mask     Debian's bgpdump 1.6.2 prints NLRI host bits (11.13.0.0/13);
 *             upstream bgpdump and routewatch clear them (11.8.0.0/13).
 *             Applied to bgpdump's output.
 *  --legacy-withdraw-peer
 *             bgpdump prints W lines of the legacy BGP type with two
 *             inet_ntoa() calls in one printf, so the prefix address comes
 *             out as the peer address ("BGP|t|W|193.0.0.56|3333|193.0.0.56/24").
 *             Applied to routewatch's output, it rewrites those lines the
 *             same way so the rest of the file is still compared byte for
 *             byte; the prefix lengths stay compared.
 */
#include "base/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_prefix(const char *s, FILE *o)
{
	struct rw_prefix p;
	if (parse_prefix(s, &p)) {
		fputs(s, o);
		return;
	}
	char b[RW_PREFIX_STRLEN];
	size_t n = p.af == RW_AF_INET ? fmt_ipv4(b, p.b) : fmt_ipv6_bgpdump(b, p.b);
	b[n] = 0;
	fprintf(o, "%s/%u", b, p.len);
}

int main(int argc, char **argv)
{
	bool mask = false, legacy = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mask"))
			mask = true;
		else if (!strcmp(argv[i], "--legacy-withdraw-peer"))
			legacy = true;
		else {
			fprintf(stderr, "usage: bgpdump_norm [--mask] [--legacy-withdraw-peer] < in > out\n");
			return 2;
		}
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, stdin)) > 0) {
		/* bar[i]: position of the i-th '|' (first six) */
		char *bar[6];
		int nb = 0;
		for (char *q = line; *q && nb < 6; q++)
			if (*q == '|')
				bar[nb++] = q;
		bool route = nb >= 5 && bar[2] - bar[1] == 2 &&
			     (bar[1][1] == 'A' || bar[1][1] == 'W' || bar[1][1] == 'B');
		if (!route) {
			fputs(line, stdout);
			continue;
		}
		char *pf = bar[4] + 1;
		char *pend = nb == 6 ? bar[5] : line + strcspn(line, "\n");
		char saved = *pend;
		*pend = 0;
		fwrite(line, 1, (size_t)(pf - line), stdout);
		if (legacy && !strncmp(line, "BGP|", 4) && bar[1][1] == 'W') {
			const char *slash = strrchr(pf, '/');
			char fake[RW_PREFIX_STRLEN + 8];
			snprintf(fake, sizeof fake, "%.*s%s", (int)(bar[3] - bar[2] - 1), bar[2] + 1,
				 slash ? slash : "");
			if (mask)
				put_prefix(fake, stdout);
			else
				fputs(fake, stdout);
		} else if (mask) {
			put_prefix(pf, stdout);
		} else {
			fputs(pf, stdout);
		}
		*pend = saved;
		fputs(pend, stdout);
	}
	free(line);
	return 0;
}
