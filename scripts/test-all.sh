#!/bin/sh
# Everything CI runs: the test suite on the release build and on the
# ASan+UBSan build, then bounded fuzzing with the regression files replayed.
# Ends with the totals line "N passed, N failed".
set -u
B=${1:-build}
A=${2:-build-asan}
FS=${3:-20}
cd "$(dirname "$0")/.."
log=$(mktemp)
rcf=$(mktemp)
fzo=$(mktemp)
fzr=$(mktemp)
pgdir=$(mktemp -d /tmp/rw-pg.XXXXXX)
# one PostgreSQL server for both builds' store tests (tests/cli/store.sh)
if RW_TEST_PG=$(scripts/pg-server.sh start "$pgdir"); then
	export RW_TEST_PG
	echo "# PostgreSQL for the store tests: $RW_TEST_PG"
else
	echo "# no PostgreSQL server could be started; the store tests will say why"
fi
fzpid=""
trap '[ -n "$fzpid" ] && kill "$fzpid" 2>/dev/null; scripts/pg-server.sh stop "$pgdir"; rm -rf "$pgdir" "$log" "$rcf" "$fzo" "$fzr"' EXIT
status=0
# stage NAME CMD...: the command's lines into the log; its exit status
# counts (a pipeline's status would be grep's)
stage() {
	name=$1
	shift
	{ "$@"; echo $? > "$rcf"; } | tee -a "$log" | grep -v '^[0-9]* passed, [0-9]* failed$'
	if [ "$(cat "$rcf")" != 0 ]; then
		echo "not ok - $name: exit status $(cat "$rcf")" | tee -a "$log"
		status=1
	fi
}
stage release tests/run.sh "$B" release
# The fuzzing runs beside the ASan suite: each keeps one core busy (the
# suites run one process at a time, and the longest of them mostly wait
# on timers), so together they take the time of the longer one rather
# than the sum. Its lines follow the suite's.
if [ -x fuzz/run.sh ]; then
	{ FUZZ_SECONDS=$FS fuzz/run.sh > "$fzo" 2>&1; echo $? > "$fzr"; } &
	fzpid=$!
else
	echo "not ok - fuzz: fuzz/run.sh is missing" | tee -a "$log"
	status=1
fi
stage asan tests/run.sh "$A" asan
if [ -n "$fzpid" ]; then
	wait "$fzpid"
	fzpid=""
	stage fuzz sh -c 'cat "$1"; exit "$(cat "$2")"' fuzz "$fzo" "$fzr"
fi
p=$(grep -c '^ok - ' "$log")
f=$(( $(grep -c '^not ok - ' "$log") + $(grep -c '^Bail out!' "$log") ))
s=$(grep -c '^skip - ' "$log")
[ "$s" -gt 0 ] && echo "$s skipped (reasons above)"
echo "$p passed, $f failed"
[ "$f" -eq 0 ] && [ $status -eq 0 ]
