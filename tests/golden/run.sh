#!/bin/sh
# Golden test: `routewatch dump` on every MRT file of ../shared/data/mrt is
# byte-identical to bgpdump's own expected output (mrt/ripe-bgpdump/expected)
# or, for files without one, to Debian's `bgpdump -m`.
#
# Two documented normalisations (see bgpdump_norm.c): Debian's bgpdump does
# not clear NLRI host bits (upstream does, and so do we), and bgpdump prints
# the peer address in place of the prefix on legacy-type withdrawals.
# Where bgpdump's output is wrong in other ways (ADD-PATH NLRI in a non-
# ADD-PATH subtype parsed as garbage, a 4-byte AGGREGATOR read as 2-byte),
# the exact difference is kept in known-diffs/ and must stay the same.
#
# Usage: tests/golden/run.sh [BUILD_DIR]   (UPDATE_KNOWN=1 rewrites known diffs)
# Prints one line per file (ok / not ok / skip) and "N passed, N failed".
set -u
B=${1:-build}
RW=$B/routewatch
NORM=$B/tests/bgpdump_norm
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${RW_SHARED_DATA:-$HERE/../../../shared/data}
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -d "$SHARED/mrt" ]; then
	echo "skip - golden: $SHARED/mrt is absent, no golden comparison was run"
	echo "0 passed, 0 failed"
	exit 0
fi
have_bgpdump=1
command -v bgpdump >/dev/null 2>&1 || have_bgpdump=0

for f in $(find "$SHARED/mrt" -type f | LC_ALL=C sort); do
	rel=${f#$SHARED/mrt/}
	case "$rel" in
	*/expected/*|*.md|*.rst|*.conf|*.h|*.csv|*.json) continue ;;
	esac
	name=$(basename "$f")
	exp="$SHARED/mrt/ripe-bgpdump/expected/$name.bgp.gz"
	if [ -f "$exp" ]; then
		gzip -dc "$exp" > "$tmp/exp"
		src="bgpdump test suite"
		maskours=""
	elif [ $have_bgpdump = 1 ]; then
		bgpdump -m "$f" 2>/dev/null | "$NORM" --mask > "$tmp/exp"
		src="bgpdump -m (Debian)"
		maskours="--mask"
	else
		echo "skip - golden/$rel: no expected output and bgpdump is not installed"
		skip=$((skip + 1))
		continue
	fi
	"$RW" dump -q "$f" 2>"$tmp/err" | "$NORM" --legacy-withdraw-peer $maskours > "$tmp/out"
	known="$HERE/known-diffs/$(echo "$rel" | tr / _).diff"
	diff "$tmp/exp" "$tmp/out" > "$tmp/diff"
	lines=$(wc -l < "$tmp/out")
	if [ ! -s "$tmp/diff" ]; then
		if [ -f "$known" ]; then
			echo "not ok - golden/$rel: identical to $src but known-diffs/$(basename "$known") expects a difference (stale?)"
			fail=$((fail + 1))
		else
			echo "ok - golden/$rel: $lines lines identical to $src"
			pass=$((pass + 1))
		fi
	elif [ "${UPDATE_KNOWN:-0}" = 1 ]; then
		cp "$tmp/diff" "$known"
		echo "ok - golden/$rel: known difference rewritten ($(wc -l < "$known") diff lines)"
		pass=$((pass + 1))
	elif [ -f "$known" ] && cmp -s "$tmp/diff" "$known"; then
		echo "ok - golden/$rel: $lines lines identical to $src except the documented difference in known-diffs/"
		pass=$((pass + 1))
	else
		echo "not ok - golden/$rel: differs from $src:"
		head -10 "$tmp/diff" | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
done
# expected outputs whose input is not in the shared data
for e in "$SHARED"/mrt/ripe-bgpdump/expected/*.bgp.gz; do
	[ -f "$e" ] || continue
	in="$SHARED/mrt/ripe-bgpdump/$(basename "$e" .bgp.gz)"
	if [ ! -f "$in" ]; then
		echo "skip - golden/ripe-bgpdump/$(basename "$in"): expected output exists but the input is absent (over 4 MiB)"
		skip=$((skip + 1))
	fi
done
# the data is here: a run that compared nothing is broken, not green
if [ $((pass + fail)) -eq 0 ]; then
	echo "not ok - golden: $SHARED/mrt is present but no file was compared (nothing matched the walk)"
	fail=1
fi
[ $skip -gt 0 ] && echo "$skip skipped"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
