#!/bin/bash
# The engine's speed and memory (issue: the engine and routewatch events):
#   1. loading a RIB dump of RIB_PREFIXES prefixes from RIB_PEERS peers into
#      the state (routewatch events over the RIB alone) against bgpscanner
#      merely parsing the same file (a peer filter that matches nothing, so
#      it decodes everything and prints nothing): interleaved pairs with
#      the load average before each (the machine is shared), median of the
#      pair ratios (issue 14: <= 1, the RIB decoded on feed_par's workers;
#      the engine issue's < 2 before); max RSS (target < 1 GB) and bytes
#      per route from --stats (the state's parts: bench/memory.sh);
#   2. update elements per second through the engine with event output on
#      (uncompressed): the RIB plus an update file, minus the RIB alone;
#   3. memory against the length of the update stream: the same state with
#      1x and 3x the updates.
# Inputs are generated with routewatch's own writer into $BENCH_DIR/engine.
#
#   BGPSCANNER=/path/to/bgpscanner bench/engine.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build}
RW=$(cd "$(dirname "$B/routewatch")" && pwd)/routewatch
BENCH_DIR=${BENCH_DIR:-/tmp/rw-bench}
E=$BENCH_DIR/engine
RIB_PREFIXES=${RIB_PREFIXES:-1200000}
RIB_PEERS=${RIB_PEERS:-20}
UPD_RECORDS=${UPD_RECORDS:-1500000}
PAIRS=${PAIRS:-3}
BGPSCANNER=${BGPSCANNER:-}
[ -n "$BGPSCANNER" ] || { [ -x /tmp/rw-peers/bin/bgpscanner ] && BGPSCANNER=/tmp/rw-peers/bin/bgpscanner; } ||
	BGPSCANNER=$(command -v bgpscanner || true)
mkdir -p "$E/rib/rv" "$E/x1/rv" "$E/x3/rv"
RIB=$E/rib/rv/rib.20240309.0800
if [ ! -s "$RIB" ]; then
	echo "generating the RIB: $RIB_PREFIXES prefixes x $RIB_PEERS peers" >&2
	"$RW" synth rib --prefixes "$RIB_PREFIXES" --peers "$RIB_PEERS" --seed 7 -o "$RIB"
fi
ln -sf "$RIB" "$E/x1/rv/rib.20240309.0800"
ln -sf "$RIB" "$E/x3/rv/rib.20240309.0800"
if [ ! -s "$E/x1/rv/updates.20240309.0800" ]; then
	"$RW" synth updates --records "$UPD_RECORDS" --prefixes "$RIB_PREFIXES" --peers "$RIB_PEERS" --seed 7 \
		--duration 900 -o "$E/x1/rv/updates.20240309.0800"
fi
if [ ! -s "$E/x3/rv/updates.20240309.0800" ]; then
	"$RW" synth updates --records $((UPD_RECORDS * 3)) --prefixes "$RIB_PREFIXES" --peers "$RIB_PEERS" --seed 7 \
		--duration 2700 -o "$E/x3/rv/updates.20240309.0800"
fi
cat "$RIB" "$E"/x1/rv/updates.* "$E"/x3/rv/updates.* > /dev/null

# run CMD...: prints "wall_s maxrss_kb" and keeps stderr in $E/last.err
run() {
	local t0 t1
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$E/last.rss" "$@" > /dev/null 2> "$E/last.err"
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" -v m="$(tail -1 "$E/last.rss")" 'BEGIN{printf "%.3f %s\n", b - a, m}'
}
median() { sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

echo "# routewatch engine, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, routewatch $(cd "$(dirname "$0")/.." && git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# RIB: $(stat -c %s "$RIB") bytes, $RIB_PREFIXES prefixes x $RIB_PEERS peers"
echo
echo "## RIB load against bgpscanner's parse"
echo
echo "| pair | load average | routewatch events (s) | max RSS | bgpscanner parse (s) | ratio |"
echo "|---|---|---|---|---|---|"
rr=()
for ((i = 0; i < PAIRS; i++)); do
	# the machine is shared: the 1-minute load average before each pair
	la=$(cut -d' ' -f1 /proc/loadavg)
	read -r tr mr < <(run "$RW" events --stats "$E/rib")
	stats=$(grep '^state:' "$E/last.err" || true)
	bytes=$(grep '^state bytes per route:' "$E/last.err" || true)
	if [ -n "$BGPSCANNER" ]; then
		read -r tb _ < <(run "$BGPSCANNER" -p 4294967295 "$RIB")
		r=$(awk -v a="$tr" -v b="$tb" 'BEGIN{printf "%.2f", a / b}')
		rr+=("$r")
	else
		tb="missing (BGPSCANNER)"
		r="n/a"
	fi
	echo "| $((i + 1)) | $la | $tr | $((mr / 1024)) MB | $tb | $r |"
done
[ ${#rr[@]} -gt 0 ] && echo "| median | | | | | **$(printf '%s\n' "${rr[@]}" | median)** (target <= 1, issue 14) |"
echo
echo "state after the RIB: $stats"
echo "$bytes"
routes=$(echo "$stats" | sed -n 's/.* \([0-9]*\) routes.*/\1/p')
echo "max RSS per route: $(awk -v m="$mr" -v r="$routes" 'BEGIN{ if (r) printf "%.1f bytes", m * 1024 / r; else print "?"}') (the whole process: interned prefixes and paths, the detector's episodes, the read buffers)"
echo
echo "## update elements through the engine (events --json on, uncompressed)"
echo
read -r t1 m1 < <(run "$RW" events --json --stats "$E/x1")
el1=$(sed -n 's/^engine: \([0-9]*\) elements.*/\1/p' "$E/last.err")
read -r t0 _ < <(run "$RW" events --json --stats "$E/rib")
el0=$(sed -n 's/^engine: \([0-9]*\) elements.*/\1/p' "$E/last.err")
read -r t3 m3 < <(run "$RW" events --json --stats "$E/x3")
el3=$(sed -n 's/^engine: \([0-9]*\) elements.*/\1/p' "$E/last.err")
echo "| input | wall s | elements | max RSS |"
echo "|---|---|---|---|"
echo "| RIB alone | $t0 | $el0 | |"
echo "| RIB + 1x updates | $t1 | $el1 | $((m1 / 1024)) MB |"
echo "| RIB + 3x updates | $t3 | $el3 | $((m3 / 1024)) MB |"
echo
echo "update elements per second (RIB + updates, minus the RIB alone): 1x $(awk -v a="$t1" -v b="$t0" -v e="$el1" -v f="$el0" 'BEGIN{printf "%.2f M/s", (e - f) / (a - b) / 1e6}'), 3x $(awk -v a="$t3" -v b="$t0" -v e="$el3" -v f="$el0" 'BEGIN{printf "%.2f M/s", (e - f) / (a - b) / 1e6}') (target >= 1 M/s)"
echo "memory with 3x the update stream: $(awk -v a="$m3" -v b="$m1" 'BEGIN{printf "%.2f", a / b}') x the 1x run's (same state)"
