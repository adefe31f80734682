/* Runs every TEST() linked into the binary; see t.h. Optional argument:
 * a substring; only tests whose name contains it run. */
#include "t.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

struct t_case {
	const char *name;
	void (*fn)(void);
};

static struct t_case cases[1024];
static int ncases;
static int cur_failed, cur_skipped;
static char cur_msg[1024];

void t_register(const char *name, void (*fn)(void))
{
	if (ncases < (int)(sizeof cases / sizeof cases[0]))
		cases[ncases++] = (struct t_case){name, fn};
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
	if (!cur_failed++) {
		int n = snprintf(cur_msg, sizeof cur_msg, "%s:%d: ", file, line);
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(cur_msg + n, sizeof cur_msg - (size_t)n, fmt, ap);
		va_end(ap);
	}
}

void t_skip(const char *why)
{
	cur_skipped = 1;
	snprintf(cur_msg, sizeof cur_msg, "%s", why);
}

const char *t_shared(void)
{
	const char *d = getenv("RW_SHARED_DATA");
	if (!d)
		d = "../shared/data";
	return access(d, R_OK) == 0 ? d : NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct t_case *)a)->name, ((const struct t_case *)b)->name);
}

int main(int argc, char **argv)
{
	qsort(cases, (size_t)ncases, sizeof cases[0], by_name);
	int pass = 0, fail = 0, skip = 0;
	for (int i = 0; i < ncases; i++) {
		if (argc > 1 && !strstr(cases[i].name, argv[1]))
			continue;
		cur_failed = cur_skipped = 0;
		cur_msg[0] = 0;
		cases[i].fn();
		if (cur_failed) {
			printf("not ok - %s: %s\n", cases[i].name, cur_msg);
			fail++;
		} else if (cur_skipped) {
			printf("skip - %s: %s\n", cases[i].name, cur_msg);
			skip++;
		} else {
			printf("ok - %s\n", cases[i].name);
			pass++;
		}
		fflush(stdout);
	}
	if (skip)
		printf("%d skipped\n", skip);
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
