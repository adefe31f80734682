#!/bin/bash
# The cost of a peer losing its whole table (issue 10): `synth withdraw`
# writes a peer announcing N /24s of one origin, then withdrawing them all, and
# `routewatch events` replays it; every prefix goes down in one second and
# lands in one grouped prefix_down event. Linear grouping means the time
# doubles with N; the grouping before issue 10 searched each event's prefix
# list for every prefix (quadratic).
#
#   bench/group.sh [BUILD_DIR] [OLD_BUILD_DIR]
#   SIZES="100000 200000 400000" (default), PAIRS=3 runs per size (median)
set -euo pipefail
NEW=$(cd "${1:-build}" && pwd)/routewatch
OLD=${2:+$(cd "$2" && pwd)/routewatch}
SIZES=${SIZES:-100000 200000 400000}
PAIRS=${PAIRS:-3}
D=${BENCH_DIR:-/tmp/rw-bench}/group
mkdir -p "$D"

. "$(dirname "$0")/lib.sh"
secs() { median_secs "$PAIRS" "$@"; }

echo "# routewatch events over \`synth withdraw\`: one peer withdrawing N prefixes of one origin"
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, median of $PAIRS runs"
echo
echo "| N prefixes | new (s) | new s per 100 k | ${OLD:+old (s) | old / new |}"
echo "|---|---|---|${OLD:+---|---|}"
for n in $SIZES; do
	f=$D/withdraw.$n.mrt
	[ -s "$f" ] || "$NEW" synth withdraw --prefixes "$n" -o "$f"
	# the event must hold every prefix, or the timing means nothing
	got=$("$NEW" events --json "$f" | jq -s 'map(select(.type=="prefix_down"))[0].prefixes|length')
	if [ "$got" != "$n" ]; then
		echo "prefix_down holds $got prefixes, not $n" >&2
		exit 1
	fi
	tn=$(secs "$NEW" events --json "$f")
	per=$(awk -v t="$tn" -v n="$n" 'BEGIN{printf "%.3f", t / n * 100000}')
	if [ -n "$OLD" ]; then
		to=$(secs "$OLD" events --json "$f")
		echo "| $n | $tn | $per | $to | $(awk -v a="$to" -v b="$tn" 'BEGIN{printf "%.0f", a / b}') |"
	else
		echo "| $n | $tn | $per |"
	fi
done
