#!/bin/sh
# One man page, made by help2man from the built binary: the usage text a
# command prints with --help is the one source of its page, so the page
# cannot tell of an option the command does not take. What --help does
# not say (exit status, the time forms, the options of every command) is
# in the .h2m include files beside this script.
#
# Usage: gen.sh ROUTEWATCH PAGE OUT
#   PAGE: routewatch for routewatch(1), or a command name for
#   routewatch-CMD(1). Run by docs/man/meson.build at build time.
set -eu
bin=$1 page=$2 out=$3
dir=$(cd "$(dirname "$0")" && pwd)
RW_BIN=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
export RW_BIN
# help2man reads the help text in the locale's encoding (it holds a §)
export LC_ALL=C.UTF-8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$("$RW_BIN" --version | sed 's/^routewatch //')
set -- --no-info --locale=C.UTF-8 --version-string="$version" --include="$dir/common.h2m"

if [ "$page" = routewatch ]; then
	# SEE ALSO: the page of every command routewatch --help lists
	"$RW_BIN" --help | sed -n 's/^  \([a-z][a-z0-9-]*\)  .*/\1/p' > "$tmp/cmds"
	[ -s "$tmp/cmds" ] || { echo "gen.sh: no commands in $RW_BIN --help" >&2; exit 1; }
	{
		echo '[SEE ALSO]'
		sed 's/.*/.BR routewatch-& (1),/' "$tmp/cmds" | sed '$s/,$//'
	} > "$tmp/see.h2m"
	ln -s "$dir/wrapper.sh" "$tmp/routewatch"
	help2man "$@" --include="$dir/times.h2m" --include="$tmp/see.h2m" \
		--name="when and how a network's connection to the Internet changed" --output="$out" "$tmp/routewatch"
	exit
fi

# NAME: the command's line in routewatch --help
name=$("$RW_BIN" --help | sed -n "s/^  $page  *//p")
[ -n "$name" ] || { echo "gen.sh: routewatch --help lists no command '$page'" >&2; exit 1; }
# help2man runs the command through a link named routewatch-CMD, which
# names the page (wrapper.sh: it reshapes --help for help2man's parser)
ln -s "$dir/wrapper.sh" "$tmp/routewatch-$page"
"$RW_BIN" "$page" --help > "$tmp/help" 2>/dev/null ||
	echo "gen.sh: warning: routewatch $page --help failed: its page has no usage text" >&2
if grep -q -e '--from' -e '--until' -e '--at' "$tmp/help"; then
	set -- "$@" --include="$dir/times.h2m"
fi
printf '[SEE ALSO]\n.BR routewatch (1)\n' > "$tmp/see.h2m"
help2man "$@" --include="$tmp/see.h2m" --name="$name" --output="$out" "$tmp/routewatch-$page"
