#!/bin/sh
# Installable (issue 9): what `meson install` puts where, and collect's
# configuration file. Into a temporary DESTDIR: the binary; a man page for
# routewatch and for every command its --help lists, each rendered by groff
# without a warning and holding every option of the command's --help (and
# EXIT STATUS; TIMES where the command takes a time); the systemd unit of
# collect (systemd-analyze verify, when it is there); bash completion
# (sourced in bash: commands and each command's options complete); the
# example configuration, which collect reads. Then collect --config: a
# file's options run the collector, the command line's win over them, and a
# bad line is exit status 2 with FILE:LINE named.
#
# Usage: tests/cli/install.sh [BUILD_DIR] (built: it installs with
# --no-rebuild). Prints "ok - install/NAME" lines and "N passed, N failed".
set -u
B=${1:-build}
pass=0 fail=0
tmp=$(mktemp -d /tmp/rw-install.XXXXXX)
COL=""
trap '[ -n "$COL" ] && kill "$COL" 2>/dev/null; rm -rf "$tmp"' EXIT
ok() { echo "ok - install/$1"; pass=$((pass + 1)); }
nok() { echo "not ok - install/$1: $2"; fail=$((fail + 1)); }
skip() { echo "skip - install/$1: $2"; }
check() { if eval "$2"; then ok "$1"; else nok "$1" "$3"; fi; }
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

D=$tmp/dest
meson install -C "$B" --no-rebuild --destdir "$D" > "$tmp/install.log" 2>&1
rc=$?
check meson-install "[ $rc -eq 0 ]" "exit $rc: $(tail -3 "$tmp/install.log")"
# where the prefix put things (found, so that any --prefix passes)
RW=$(find "$D" -path '*/bin/routewatch' -type f | head -1)
MAN=$(find "$D" -type d -name man1 | head -1)
UNIT=$(find "$D" -name routewatch-collect.service | head -1)
COMP=$(find "$D" -path '*/bash-completion/completions/routewatch' | head -1)
EXAMPLE=$(find "$D" -name collect.conf.example | head -1)
if [ -z "$RW" ] || [ ! -x "$RW" ]; then
	nok binary "no bin/routewatch under $D"
	finish
fi
v=$("$RW" --version 2>&1)
check binary "echo '$v' | grep -q '^routewatch [0-9]'" "--version printed '$v'"

# ------------------------------------------------------------ man pages
"$RW" --help | sed -n 's/^  \([a-z][a-z0-9-]*\)  .*/\1/p' > "$tmp/cmds"
check commands-listed "[ \$(wc -l < $tmp/cmds) -ge 9 ]" "routewatch --help lists $(wc -l < "$tmp/cmds") commands"
if [ -z "$MAN" ]; then
	if command -v help2man > /dev/null; then
		nok man-pages "none installed, yet help2man is here: was $B configured before it was installed? (meson setup --reconfigure $B)"
	else
		skip man-pages "help2man is not installed, so the build made none (scripts/install-deps.sh build)"
	fi
else
	for cmd in routewatch $(cat "$tmp/cmds"); do
		if [ "$cmd" = routewatch ]; then
			page=$MAN/routewatch.1
			"$RW" --help > "$tmp/help" 2>&1
		else
			page=$MAN/routewatch-$cmd.1
			"$RW" "$cmd" --help > "$tmp/help" 2>&1
		fi
		if [ ! -s "$page" ]; then
			nok "man-$cmd" "no ${page#"$D"}"
			continue
		fi
		# renders without a warning; the text holds every option of
		# --help, the exit status, and the time forms where times are
		# taken
		groff -man -Tutf8 -ww -z "$page" > "$tmp/groff.err" 2>&1
		rc=$?
		groff -man -rHY=0 -rLL=300n -Tascii -P-cbu "$page" > "$tmp/page.txt" 2> /dev/null
		missing=""
		for o in $(grep -o -- '--[a-z][a-z0-9-]*' "$tmp/help" | sort -u); do
			grep -q -e "$o\\b" "$tmp/page.txt" || missing="$missing $o"
		done
		grep -q '^EXIT STATUS' "$tmp/page.txt" || missing="$missing (EXIT STATUS)"
		if grep -q -e '--from' -e '--at\b' "$tmp/help"; then
			grep -q '^TIMES' "$tmp/page.txt" && grep -q '2024-03-09T10:00:00Z' "$tmp/page.txt" ||
				missing="$missing (TIMES)"
		fi
		check "man-$cmd" "[ $rc -eq 0 ] && [ ! -s $tmp/groff.err ] && [ -z '$missing' ]" \
			"groff exit $rc $(head -c 200 "$tmp/groff.err"); missing:$missing"
	done
	# the pages events(1) must have, said outright
	groff -man -rHY=0 -rLL=300n -Tascii -P-cbu "$MAN/routewatch-events.1" > "$tmp/events.txt" 2> /dev/null
	check man-events-from-and-times "grep -q -- '--from TIME' $tmp/events.txt && grep -q '^TIMES' $tmp/events.txt && grep -q 'Unix seconds' $tmp/events.txt" \
		"$(grep -n -- '--from\|TIMES' "$tmp/events.txt" | head -3)"
fi

# ------------------------------------------------------------ systemd unit
if [ -z "$UNIT" ]; then
	nok unit "no routewatch-collect.service under $D"
else
	bindir=$(dirname "${RW#"$D"}")
	check unit-runs-collect "grep -q '^ExecStart=$bindir/routewatch collect --config /etc/routewatch/collect.conf\$' $UNIT && grep -q '^DynamicUser=yes' $UNIT && grep -q '^StateDirectory=routewatch' $UNIT && grep -q '^Restart=on-failure' $UNIT" \
		"$(grep -E '^(ExecStart|DynamicUser|StateDirectory|Restart)=' "$UNIT")"
	if command -v systemd-analyze > /dev/null; then
		# the unit as installed, its binary and man page from DESTDIR
		# (without man pages, its Documentation= is not checked)
		mkdir -p "$tmp/unit"
		sed "s|^ExecStart=$bindir/|ExecStart=$D$bindir/|" "$UNIT" > "$tmp/unit/routewatch-collect.service"
		man=yes
		[ -n "$MAN" ] || man=no
		MANPATH=${MAN%/man1} systemd-analyze verify --man=$man "$tmp/unit/routewatch-collect.service" > "$tmp/verify" 2>&1
		rc=$?
		check unit-verify "[ $rc -eq 0 ] && [ ! -s $tmp/verify ]" "exit $rc: $(head -c 300 "$tmp/verify")"
	else
		skip unit-verify "systemd-analyze is not installed"
	fi
fi

# ------------------------------------------------------------ completion
if [ -z "$COMP" ]; then
	nok completion "no share/bash-completion/completions/routewatch under $D"
else
	# complete WORD...: what completing the last word offers
	cat > "$tmp/complete.sh" << 'EOF'
. "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_routewatch
echo "${COMPREPLY[*]}"
EOF
	completes() { PATH=$(dirname "$RW"):$PATH bash "$tmp/complete.sh" "$COMP" "$@" 2>&1; }
	got=$(completes routewatch ev)
	check completion-command "[ '$got' = events ]" "routewatch ev: '$got'"
	got=$(completes routewatch events --fr)
	check completion-option "[ '$got' = --from ]" "routewatch events --fr: '$got'"
	got=$(completes routewatch -v collect --conf)
	check completion-collect-config "[ '$got' = --config ]" "routewatch -v collect --conf: '$got'"
fi

# ------------------------------------------------------------ --config
PORT=$((40000 + $$ % 20000))
if [ -z "$EXAMPLE" ]; then
	nok example-config "no collect.conf.example under $D"
else
	# every line of the example parses (--help then prints the usage)
	"$RW" collect --config "$EXAMPLE" --help > /dev/null 2> "$tmp/ex.err"
	rc=$?
	check example-config "[ $rc -eq 0 ] && [ ! -s $tmp/ex.err ]" "exit $rc: $(head -c 300 "$tmp/ex.err")"
fi

# run_col NAME ARGS...: collect -v ARGS until it logs "collecting as",
# then SIGTERM; its exit status in COLRC, its log in NAME.err
run_col() {
	n=$1
	shift
	: > "$tmp/$n.err"
	"$RW" -v collect "$@" > "$tmp/$n.out" 2>> "$tmp/$n.err" &
	COL=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q 'collecting as' "$tmp/$n.err"; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -TERM "$COL" 2> /dev/null
	wait "$COL"
	COLRC=$?
	COL=""
}
cd "$tmp" || exit 1
cat > collect.conf << EOF
# the collector of this test
asn = 65000
bgp = 127.0.0.1:$PORT

  json
peer = 127.0.0.2,64500
EOF
run_col conf --config collect.conf
check config-runs "[ $COLRC -eq 0 ] && grep -q 'collecting as AS65000: BGP on 127.0.0.1:$PORT' conf.err" \
	"exit $COLRC: $(grep -v '^routewatch: status' conf.err | head -c 300)"
check config-repeatable-read "! grep -q 'neither --peer nor --accept' conf.err" "the file's peer was not used: $(head -c 300 conf.err)"
run_col override --asn 65001 --config=collect.conf
check command-line-wins "[ $COLRC -eq 0 ] && grep -q 'collecting as AS65001:' override.err" \
	"exit $COLRC: $(grep 'collecting\|error' override.err | head -c 300)"

printf 'asn = 65000\n# fine so far\nfoo = 1\n' > bad.conf
"$RW" collect --config bad.conf --bgp 127.0.0.1:$PORT > /dev/null 2> bad.err
rc=$?
check bad-line "[ $rc -eq 2 ] && grep -q \"bad.conf:3: unknown option 'foo'\" bad.err" "exit $rc: $(head -c 300 bad.err)"
printf 'asn = 65000\njson = yes\n' > bad2.conf
"$RW" collect --config bad2.conf --bgp 127.0.0.1:$PORT > /dev/null 2> bad2.err
rc=$?
check flag-with-value "[ $rc -eq 2 ] && grep -q \"bad2.conf:2: 'json' takes no value\" bad2.err" "exit $rc: $(head -c 300 bad2.err)"
"$RW" collect --config nowhere.conf > /dev/null 2> nowhere.err
rc=$?
check missing-file "[ $rc -eq 2 ] && grep -q 'nowhere.conf' nowhere.err" "exit $rc: $(head -c 300 nowhere.err)"

finish
