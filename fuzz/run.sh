#!/bin/sh
# Build, seed and run every fuzz harness for a bounded time, then replay
# the kept regression inputs.
#
#   fuzz/run.sh [HARNESS...]          (default: all ten)
#
# Environment:
#   FUZZ_SECONDS   fuzzing time per harness (default 30; 0 = only replay
#                  the regression files)
#   FUZZ_TIMEOUT   seconds one input may take before it is a timeout (10)
#   FUZZ_BUILD_DIR where fuzz/build.sh puts the binaries (build-fuzz/)
#   FUZZ_WORK      seeds, growing corpus, logs, artifacts (fuzz/corpus-work/)
#   FUZZ_NO_BUILD=1, FUZZ_NO_SEEDS=1  skip those steps
#   FUZZ_TSAN=1    also replay the fuzz_io corpus under ThreadSanitizer
#
# Per harness, one line:
#   ok - fuzz/<harness>: N execs, no crash
#   not ok - fuzz/<harness>: crash, input saved to fuzz/regressions/<harness>/<file>
#   not ok - fuzz/<harness>: crash, same as fuzz/regressions/<harness>/<file> (not fixed yet)
#   not ok - fuzz/<harness>: regression fuzz/regressions/<harness>/<file> fails
# then "N passed, N failed". Exit status 1 when anything failed.
#
# A crash, leak, timeout or out-of-memory artifact is copied into
# fuzz/regressions/<harness>/ to be kept forever (commit it), unless it is
# the same failure (same sanitizer report location or invariant) as a
# regression file that still fails: then the known file is named instead,
# so an unfixed bug does not add a file per run. Full logs are in
# $FUZZ_WORK/logs/.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${FUZZ_BUILD_DIR:-"$ROOT/build-fuzz"}
WORK=${FUZZ_WORK:-"$ROOT/fuzz/corpus-work"}
SECONDS_EACH=${FUZZ_SECONDS:-30}
TIMEOUT=${FUZZ_TIMEOUT:-10}
REG="$ROOT/fuzz/regressions"
ALL="fuzz_bgp_update fuzz_bgp_attrs fuzz_bgp_open fuzz_mrt fuzz_io fuzz_bmp fuzz_bgp_sess fuzz_asrel_infer fuzz_http fuzz_ris"
HARNESSES=${*:-$ALL}
LOGS="$WORK/logs"
mkdir -p "$LOGS"

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
	if ! "$ROOT/fuzz/build.sh" "$BUILD" >"$LOGS/build.log" 2>&1; then
		cat "$LOGS/build.log" >&2
		echo "Bail out! fuzz/build.sh failed"
		exit 1
	fi
fi
if [ -z "${FUZZ_NO_SEEDS:-}" ] && [ "$SECONDS_EACH" != 0 ]; then
	if ! "$ROOT/fuzz/seeds.sh" "$WORK" >"$LOGS/seeds.log" 2>&1; then
		cat "$LOGS/seeds.log" >&2
		echo "Bail out! fuzz/seeds.sh failed"
		exit 1
	fi
	grep -i 'missing' "$LOGS/seeds.log" || true
fi

# What a failure report is about: the invariant that broke, or the
# sanitizer's SUMMARY location, or timeout/oom.
signature() {
	sig=$(grep -m1 '^fuzz invariant failed at' "$1" | sed 's/^\(fuzz invariant failed at [^ ]*\).*/\1/')
	[ -n "$sig" ] || sig=$(grep -m1 '^SUMMARY: ' "$1" | grep -v 'libFuzzer: deadly signal' |
		sed 's/ in .*//; s/[0-9]* byte(s) leaked.*/leak/')
	[ -n "$sig" ] || { grep -q 'libFuzzer: timeout\|ALARM: working on the last Unit' "$1" && sig=timeout; }
	[ -n "$sig" ] || { grep -q 'out-of-memory\|malloc limit' "$1" && sig=out-of-memory; }
	[ -n "$sig" ] || sig=$(grep -m1 '^SUMMARY: ' "$1")
	echo "$sig"
}

# replay HARNESS FILE LOG: run one input once
replay() {
	"$BUILD/$1" -timeout="$TIMEOUT" -rss_limit_mb=2048 "$2" >"$3" 2>&1
}

pass=0
fail=0
for h in $HARNESSES; do
	if [ ! -x "$BUILD/$h" ]; then
		echo "not ok - fuzz/$h: no binary $BUILD/$h"
		fail=$((fail + 1))
		continue
	fi
	mkdir -p "$REG/$h" "$WORK/corpus/$h" "$WORK/seeds/$h"

	# 1. the kept regression inputs
	known="" # "signature|file" lines of regression files that still fail
	reg_bad=""
	nreg=0
	for f in "$REG/$h"/*; do
		[ -f "$f" ] || continue
		case $(basename "$f") in README*) continue ;; esac
		nreg=$((nreg + 1))
		if ! replay "$h" "$f" "$LOGS/$h.replay.log"; then
			reg_bad="${reg_bad:-$(basename "$f")}"
			known="$known$(signature "$LOGS/$h.replay.log")|$(basename "$f")
"
			cp "$LOGS/$h.replay.log" "$LOGS/$h.replay-$(basename "$f").log"
		fi
	done

	# 2. fuzzing
	execs=0
	crash=""
	if [ "$SECONDS_EACH" != 0 ]; then
		art="$WORK/artifacts/$h"
		rm -rf "$art"
		mkdir -p "$art"
		case $h in
		fuzz_bgp_*) dict="$ROOT/fuzz/dict/bgp.dict" ;;
		*) dict="$ROOT/fuzz/dict/$h.dict" ;;
		esac
		set -- -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb=2048 \
			-max_len=65536 -print_final_stats=1 -artifact_prefix="$art/"
		[ -f "$dict" ] && set -- "$@" -dict="$dict"
		"$BUILD/$h" "$@" "$WORK/corpus/$h" "$WORK/seeds/$h" >"$LOGS/$h.log" 2>&1
		status=$?
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOGS/$h.log" | tail -n 1)
		[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$LOGS/$h.log" | tail -n 1)
		for a in "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-*; do
			[ -f "$a" ] || continue
			sig=$(signature "$LOGS/$h.log")
			same=$(printf '%s' "$known" | grep -F "$sig|" | head -n 1 | sed 's/.*|//')
			if [ -n "$same" ]; then
				crash="crash, same as fuzz/regressions/$h/$same (not fixed yet)"
			else
				cp "$a" "$REG/$h/"
				crash="crash, input saved to fuzz/regressions/$h/$(basename "$a")"
			fi
			break
		done
		if [ -z "$crash" ] && [ $status != 0 ]; then
			crash="libFuzzer exited with status $status and left no input (see $LOGS/$h.log)"
		fi
	fi

	# 3. one line
	if [ -n "$crash" ]; then
		echo "not ok - fuzz/$h: $crash"
		fail=$((fail + 1))
	elif [ -n "$reg_bad" ]; then
		echo "not ok - fuzz/$h: regression fuzz/regressions/$h/$reg_bad fails (log: $LOGS/$h.replay-$reg_bad.log)"
		fail=$((fail + 1))
	elif [ "$SECONDS_EACH" = 0 ]; then
		echo "ok - fuzz/$h: $nreg regression files pass (no fuzzing: FUZZ_SECONDS=0)"
		pass=$((pass + 1))
	else
		echo "ok - fuzz/$h: ${execs:-0} execs, no crash ($nreg regression files pass)"
		pass=$((pass + 1))
	fi
done

if [ -n "${FUZZ_TSAN:-}" ] && [ -x "$BUILD/tsan/fuzz_io" ]; then
	if TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}" "$BUILD/tsan/fuzz_io" "$WORK/seeds/fuzz_io" \
		"$WORK/corpus/fuzz_io" "$REG/fuzz_io" >"$LOGS/fuzz_io.tsan.log" 2>&1; then
		echo "ok - fuzz/fuzz_io (ThreadSanitizer replay): $(grep -c '^running' "$LOGS/fuzz_io.tsan.log") inputs, no race"
		pass=$((pass + 1))
	else
		echo "not ok - fuzz/fuzz_io (ThreadSanitizer replay): see $LOGS/fuzz_io.tsan.log"
		fail=$((fail + 1))
	fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
