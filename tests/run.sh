#!/bin/sh
# The whole test suite against one build directory:
#   unit tests, golden comparison with bgpdump, bad-input end-to-end tests.
# Every suite prints "ok/not ok/skip - name" lines and "N passed, N failed";
# this script repeats them and ends with the totals: "N passed, N failed".
#
# Usage: tests/run.sh [BUILD_DIR] [LABEL]
set -u
B=${1:-build}
LABEL=${2:-}
cd "$(dirname "$0")/.."
total_pass=0 total_fail=0 total_skip=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Sanitizer builds: any report is a failure.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

run_suite() {
	name=$1
	shift
	t0=$(date +%s)
	"$@" > "$out" 2>&1
	rc=$?
	# how long each suite takes: CI must stay under 30 minutes for both builds
	echo "# ${LABEL:+$LABEL:}$name: $(($(date +%s) - t0)) s"
	sed "s/^\(ok\|not ok\|skip\) - /\1 - ${LABEL:+$LABEL:}/" "$out" | grep -v '^[0-9]* \(passed\|skipped\)'
	p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out" | tail -1)
	f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out" | tail -1)
	s=$(grep -c '^skip - ' "$out")
	if [ -z "$p" ]; then
		echo "not ok - ${LABEL:+$LABEL:}$name: the suite did not finish (exit $rc)"
		tail -5 "$out" | sed 's/^/#   /'
		p=0
		f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - ${LABEL:+$LABEL:}$name: exit status $rc"
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
}

UNITS="unit_base unit_io unit_bgp unit_feed unit_rib unit_rpki unit_asrel unit_watch unit_geo unit_ris unit_engine unit_formats unit_http"
for u in $UNITS; do
	if [ ! -x "$B/routewatch" ] || [ ! -x "$B/tests/$u" ]; then
		echo "not ok - build: $B/routewatch or $B/tests/$u is missing (build first)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
for u in $UNITS; do
	run_suite "$u" "$B/tests/$u"
done
run_suite layers tests/layers.sh
run_suite golden tests/golden/run.sh "$B"
run_suite bad-input tests/cli/bad_input.sh "$B"
run_suite events tests/cli/events.sh "$B"
run_suite mirrors tests/cli/mirrors.sh "$B"
run_suite windows tests/cli/windows.sh "$B"
run_suite gaps tests/cli/gaps.sh "$B"
run_suite mirror tests/cli/mirror_full.sh "$B"
run_suite origins tests/cli/origins.sh "$B"
run_suite rpki tests/cli/rpki.sh "$B"
run_suite leaks tests/cli/leaks.sh "$B"
run_suite relationships tests/cli/relationships.sh "$B"
run_suite watch tests/cli/watch.sh "$B"
run_suite countries tests/cli/countries.sh "$B"
run_suite security-live tests/cli/security_live.sh "$B"
run_suite query tests/cli/query.sh "$B"
run_suite filters tests/cli/filters.sh "$B"
run_suite install tests/cli/install.sh "$B"
run_suite store tests/cli/store.sh "$B"
run_suite backfill tests/cli/backfill.sh "$B"
run_suite api tests/cli/api.sh "$B"
run_suite web tests/web/pages.sh "$B"
run_suite collect tests/cli/collect.sh "$B"
run_suite guard tests/cli/guard.sh "$B"
run_suite journal tests/cli/journal.sh "$B"
run_suite ris-live tests/cli/ris_live.sh "$B"
run_suite follow tests/cli/follow.sh "$B"

[ $total_skip -gt 0 ] && echo "$total_skip skipped (reasons above)"
echo "$total_pass passed, $total_fail failed"
[ $total_fail -eq 0 ]
