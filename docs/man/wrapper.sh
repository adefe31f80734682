#!/bin/sh
# help2man's view of one command: called through a link named
# routewatch-CMD it runs "$RW_BIN CMD ARGS...", through a link named
# routewatch "$RW_BIN ARGS..." (RW_BIN: the built binary, set by gen.sh).
#
# On --help it reshapes the usage text for help2man's parser and adds
# nothing to it: "usage:" becomes "Usage:" (the SYNOPSIS), a usage line
# after the first becomes "or: routewatch ..." (more of the SYNOPSIS), and
# the first option line gets a blank line and "Options:" above it (else it
# is read as the description's continuation), and a note whose lines go on
# indented deeper than its first (the TIME forms) is joined into one line
# (else each line is a paragraph). A command whose --help fails
# gets a bare SYNOPSIS that says so (and gen.sh warns): its page is thin,
# but the build and the other pages go on.
set -u
case ${0##*/} in
routewatch-*) set -- "${0##*/routewatch-}" "$@" ;;
esac
if [ "${2:-${1:-}}" != --help ]; then
	exec "$RW_BIN" "$@"
fi
if ! help=$("$RW_BIN" "$@" 2>/dev/null); then
	printf 'Usage: routewatch %s ...\n\n(routewatch %s --help printed no usage text)\n' "$1" "$1"
	exit 0
fi
printf '%s\n' "$help" | awk 'NR == 1 { sub(/^usage:/, "Usage:") }
	NR > 1 && usage && /^ +routewatch / { sub(/^ +/, "  or: ") }
	{ usage = (NR == 1 || usage) && /routewatch / }
	!opts && /^  -/ { print held; print ""; held = "Options:"; opts = 1 }
	# a note indented 2 whose lines go on indented deeper (the TIME forms)
	note && /^    +[^ -]/ { sub(/^ +/, ""); held = held " " $0; next }
	{ if (NR > 1) print held; held = $0; note = /^  [^ -]/ }
	END { print held }'
