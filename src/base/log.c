/* Logging to stderr: "routewatch: warning: ...". Thread-safe per line. */
#include "base.h"

#include <stdio.h>

int rw_log_level = RW_LOG_WARN;

static const char *const level_name[] = {"error", "warning", "info", "debug"};

void rw_vlog(enum rw_level lvl, const char *fmt, va_list ap)
{
	if ((int)lvl > rw_log_level)
		return;
	char line[2048];
	int n = snprintf(line, sizeof line, "routewatch: %s: ", level_name[lvl]);
	if (n < 0)
		return;
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	line[len++] = '\n';
	fwrite(line, 1, len, stderr); /* one write per line: no interleaving */
}

void rw_log(enum rw_level lvl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rw_vlog(lvl, fmt, ap);
	va_end(ap);
}
