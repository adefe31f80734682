/*
 * conf: a command's options from a configuration file (collect --config
 * FILE; the format: docs/collect.md "Configuration file").
 *
 * The file is read into the command's argv, so getopt parses it and the
 * command knows nothing of files: argv becomes
 *
 *     CMD  --NAME=VALUE (one per line of the file)...  the other arguments
 *
 * The file's options come first, so an option given on the command line
 * too is parsed later and wins (a repeatable one adds to the file's).
 */
#ifndef RW_CLI_CONF_H
#define RW_CLI_CONF_H

#include <getopt.h>
#include <stdint.h>

struct conf_argv {
	int argc;
	/* The argv to hand getopt: the caller's own when no --config was
	 * given, else an array owned here whose argv[1..nfile] are owned
	 * too (the file's options) and whose other strings are borrowed
	 * from the caller's argv. Both live until conf_argv_release: the
	 * command may keep optarg pointers into them. */
	char **argv;
	int nfile;       /* options read from the file */
	uint32_t cap;    /* argv's capacity when owned, else 0 */
};

/* Find --config FILE or --config=FILE among argv's options (before a
 * "--"), and read FILE into ca as above, checking each line's name
 * against lo, the command's getopt table (its long names only, spelled
 * out; "config" itself is refused in a file). Without --config, ca holds
 * argv as it is. 0, or RW_EINVAL (a bad line, a second --config: logged
 * as "FILE:LINE: ...") or RW_EIO (FILE unreadable: logged); ca is then
 * empty and needs no release. */
int conf_argv(struct conf_argv *ca, const struct option *lo, int argc, char **argv);
void conf_argv_release(struct conf_argv *ca);

#endif
