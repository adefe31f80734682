#!/bin/bash
# The dump speed ratios of the MRT reader issue, measured so that a shared,
# drifting host cannot decide them: each ratio is the median of N pairs,
# each pair the two commands run back to back (order alternating), so both
# sides of a pair see the same host speed. Also prints each side's median.
#
#   bench/ratios.sh [BUILD_DIR]        (inputs from bench/run.sh's $BENCH_DIR/data)
#   PAIRS=7 BGPSCANNER=/path/to/bgpscanner bench/ratios.sh
#
# Ratios (wall time):  bgpdump -m / routewatch dump      (plain; target >= 25)
#                      bgpscanner / routewatch dump      (plain; target >= 2)
#                      routewatch dump FILE.gz / gzip -dc   (target <= 1.2)
#                      routewatch dump FILE.bz2 / bzip2 -dc (target < 1.0)
set -euo pipefail
B=${1:-build}
RW=$(cd "$(dirname "$B/routewatch")" && pwd)/routewatch
BENCH_DIR=${BENCH_DIR:-/tmp/rw-bench}
D=$BENCH_DIR/data
PAIRS=${PAIRS:-7}
BGPSCANNER=${BGPSCANNER:-}
[ -n "$BGPSCANNER" ] || { [ -x /tmp/rw-peers/bin/bgpscanner ] && BGPSCANNER=/tmp/rw-peers/bin/bgpscanner; } ||
	BGPSCANNER=$(command -v bgpscanner || true)
if [ ! -s "$D/updates.mrt" ]; then
	mkdir -p "$D"
	echo "generating $D/updates.mrt (routewatch synth updates --records 1500000 --seed 1)" >&2
	"$RW" synth updates --records 1500000 --seed 1 -o "$D/updates.mrt"
fi
[ -s "$D/updates.mrt.gz" ] || gzip -k -c "$D/updates.mrt" > "$D/updates.mrt.gz"
[ -s "$D/updates.mrt.bz2" ] || bzip2 -k -c "$D/updates.mrt" > "$D/updates.mrt.bz2"
cat "$D"/updates.mrt* > /dev/null # page cache

secs() { # wall seconds of a shell command line, output discarded
	local t0 t1
	t0=$EPOCHREALTIME
	eval "$1" > /dev/null 2>&1
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b - a}'
}
median() { sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

# pair NAME "A command" "B command": ratio A/B per pair, alternating order
pair() {
	local name=$1 a=$2 b=$3 i ta tb ra=() rb=() rr=()
	for ((i = 0; i < PAIRS; i++)); do
		if ((i % 2)); then tb=$(secs "$b"); ta=$(secs "$a"); else ta=$(secs "$a"); tb=$(secs "$b"); fi
		ra+=("$ta")
		rb+=("$tb")
		rr+=("$(awk -v a="$ta" -v b="$tb" 'BEGIN{printf "%.4f", a / b}')")
	done
	printf '| %s | %s | %s | %s (%s .. %s) |\n' "$name" \
		"$(printf '%s\n' "${ra[@]}" | median)" "$(printf '%s\n' "${rb[@]}" | median)" \
		"$(printf '%s\n' "${rr[@]}" | median)" "$(printf '%s\n' "${rr[@]}" | sort -g | head -1)" \
		"$(printf '%s\n' "${rr[@]}" | sort -g | tail -1)"
}

echo "# routewatch dump ratios, $PAIRS interleaved pairs each, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "# $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); routewatch $(cd "$(dirname "$0")/.." && git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# input: $D/updates.mrt ($(stat -c %s "$D/updates.mrt") bytes, $("$RW" dump "$D/updates.mrt" | wc -l) elements)"
echo
echo "| ratio (A / B) | A median s | B median s | median of pair ratios (min .. max) |"
echo "|---|---|---|---|"
pair "bgpdump -m / routewatch dump, plain (target >= 25)" "bgpdump -m '$D/updates.mrt'" "'$RW' dump '$D/updates.mrt'"
if [ -n "$BGPSCANNER" ]; then
	pair "bgpscanner / routewatch dump, plain (target >= 2)" "'$BGPSCANNER' '$D/updates.mrt'" "'$RW' dump '$D/updates.mrt'"
else
	echo "| bgpscanner / routewatch dump, plain | missing: give BGPSCANNER=/path/to/bgpscanner | | |"
fi
pair "routewatch dump .gz / gzip -dc (target <= 1.2)" "'$RW' dump '$D/updates.mrt.gz'" "gzip -dc '$D/updates.mrt.gz'"
pair "routewatch dump .bz2 / bzip2 -dc (target < 1.0)" "'$RW' dump '$D/updates.mrt.bz2'" "bzip2 -dc '$D/updates.mrt.bz2'"
pair "routewatch dump .bz2 --threads 1 / bzip2 -dc" "'$RW' dump --threads 1 '$D/updates.mrt.bz2'" "bzip2 -dc '$D/updates.mrt.bz2'"
