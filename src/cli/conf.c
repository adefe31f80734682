/*
 * conf: a command's options from a configuration file, spliced into its
 * argv (conf.h). One option per line:
 *
 *     name = value      an option that takes a value (--name value)
 *     name              an option that takes none (--name)
 *     # a comment       (a line whose first non-blank is #)
 *
 * Blanks around the name, the = and the value are dropped; the value is
 * the rest of the line, blanks inside it kept, no quoting (so a # inside
 * a value, as in a URL, is the value's). Each line becomes one argument
 * "--name=value", which getopt_long reads as "--name value".
 */
#include "conf.h"
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* Caps on what the file can grow: a line's bytes, the options. */
#define CONF_LINE_MAX 4096
#define CONF_OPTS_MAX 10000

/* argv's index of --config (taking argv[i + 1] as FILE when *path is not
 * in the same argument), 0 when there is none, -1 on an error (logged).
 * *n: how many arguments it spans. */
static int find_config(int argc, char **argv, const char **path, int *n)
{
	int at = 0;
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		int span;
		const char *p;
		if (!strcmp(argv[i], "--config")) {
			if (i + 1 >= argc) {
				rw_log(RW_LOG_ERROR, "--config wants a file");
				return -1;
			}
			p = argv[i + 1];
			span = 2;
		} else if (!strncmp(argv[i], "--config=", 9)) {
			p = argv[i] + 9;
			span = 1;
		} else {
			continue;
		}
		if (at) {
			rw_log(RW_LOG_ERROR, "--config given twice ('%s' and '%s'): give one file", *path, p);
			return -1;
		}
		at = i;
		*path = p;
		*n = span;
		i += span - 1;
	}
	return at;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

/* One line (trimmed, neither blank nor a comment) into *arg, an owned
 * "--name[=value]". RW_EINVAL with the reason logged as "FILE:LINE: ". */
static int parse_line(const char *path, unsigned ln, char *s, const struct option *lo, char **arg)
{
	char *name = s, *value = NULL;
	size_t nlen = strcspn(s, "= \t");
	char *rest = trim(s + nlen);
	if (*rest == '=') {
		value = trim(rest + 1);
	} else if (*rest) {
		rw_log(RW_LOG_ERROR, "%s:%u: '%s': want 'name = value' or 'name'", path, ln, s);
		return RW_EINVAL;
	}
	name[nlen] = 0;
	const struct option *o = lo;
	while (o->name && strcmp(o->name, name))
		o++;
	if (!o->name) {
		rw_log(RW_LOG_ERROR, "%s:%u: unknown option '%s'", path, ln, name);
		return RW_EINVAL;
	}
	if (!strcmp(name, "config")) {
		rw_log(RW_LOG_ERROR, "%s:%u: a configuration file cannot name another", path, ln);
		return RW_EINVAL;
	}
	if (o->has_arg == required_argument && (!value || !*value)) {
		rw_log(RW_LOG_ERROR, "%s:%u: '%s' wants a value ('%s = ...')", path, ln, name, name);
		return RW_EINVAL;
	}
	if (o->has_arg == no_argument && value) {
		rw_log(RW_LOG_ERROR, "%s:%u: '%s' takes no value (a line with '%s' alone)", path, ln, name, name);
		return RW_EINVAL;
	}
	size_t n = 2 + strlen(name) + (value ? 1 + strlen(value) : 0) + 1;
	*arg = rw_malloc(n);
	snprintf(*arg, n, "--%s%s%s", name, value ? "=" : "", value ? value : "");
	return 0;
}

/* Append one argument to ca's owned argv (one slot kept for the NULL). */
static int push(struct conf_argv *ca, char *arg)
{
	if (rw_vec_grow(&ca->argv, &ca->cap, (size_t)ca->argc + 2, sizeof *ca->argv, CONF_OPTS_MAX, RW_MEM_OTHER))
		return RW_ELIMIT;
	ca->argv[ca->argc++] = arg;
	ca->argv[ca->argc] = NULL;
	return 0;
}

/* The file's lines into ca, after argv[0]. */
static int read_file(struct conf_argv *ca, const char *path, FILE *f, const struct option *lo)
{
	char line[CONF_LINE_MAX];
	unsigned ln = 0;
	while (fgets(line, sizeof line, f)) {
		ln++;
		size_t n = strlen(line);
		if (n == sizeof line - 1 && line[n - 1] != '\n' && !feof(f)) {
			rw_log(RW_LOG_ERROR, "%s:%u: a line of %d bytes or more", path, ln, CONF_LINE_MAX - 1);
			return RW_EINVAL;
		}
		char *s = trim(line), *arg;
		if (!*s || *s == '#')
			continue;
		int rc = parse_line(path, ln, s, lo, &arg);
		if (rc)
			return rc;
		if (push(ca, arg)) {
			free(arg);
			rw_log(RW_LOG_ERROR, "%s:%u: more than %d options", path, ln, CONF_OPTS_MAX - 2);
			return RW_EINVAL;
		}
		ca->nfile++;
	}
	if (ferror(f)) {
		rw_log(RW_LOG_ERROR, "%s: %s", path, strerror(errno));
		return RW_EIO;
	}
	return 0;
}

int conf_argv(struct conf_argv *ca, const struct option *lo, int argc, char **argv)
{
	*ca = (struct conf_argv){0};
	const char *path = NULL;
	int span = 0, at = find_config(argc, argv, &path, &span);
	if (at < 0)
		return RW_EINVAL;
	if (!at) {
		ca->argc = argc;
		ca->argv = argv;
		return 0;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		rw_log(RW_LOG_ERROR, "--config %s: %s", path, strerror(errno));
		return RW_EIO;
	}
	int rc = push(ca, argv[0]);
	if (!rc)
		rc = read_file(ca, path, f, lo);
	fclose(f);
	for (int i = 1; !rc && i < argc; i++)
		if ((i < at || i >= at + span) && push(ca, argv[i])) {
			rw_log(RW_LOG_ERROR, "--config %s: more than %d arguments", path, CONF_OPTS_MAX - 2);
			rc = RW_EINVAL;
		}
	if (rc)
		conf_argv_release(ca);
	return rc;
}

void conf_argv_release(struct conf_argv *ca)
{
	if (ca->cap) {
		for (int i = 1; i <= ca->nfile; i++)
			free(ca->argv[i]);
		rw_vec_free(&ca->argv, &ca->cap, sizeof *ca->argv, RW_MEM_OTHER);
	}
	*ca = (struct conf_argv){0};
}
