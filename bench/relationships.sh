#!/bin/bash
# AS relationships inferred from archives (issue 13, docs/relationships.md):
# how right, and what it costs.
#
#   1. accuracy: `routewatch synth sim` over CAIDA's 2016-11-01 graph
#      (RELATIONSHIPS), VPS vantage points (default 200: the largest ASes by
#      degree, 25 % small ones with full tables, 15 % transit ones
#      exporting their customers' routes only), into one RIB; `routewatch
#      relationships --score` against the same file: the share of p2c
#      links with the right direction and of p2p links found p2p, over the
#      links the paths hold;
#   2. speed: the 1.2 M prefixes x 20 peers RIB of bench/engine.sh (seed 7;
#      made when missing), ROUNDS interleaved rounds of `routewatch as
#      3356 RIB` (the RIB loaded into the engine, nothing inferred) and
#      `routewatch relationships RIB` (the same load, every distinct path
#      handed to the inference, then the inference and its output); the
#      ratio is the median of the per-round ratios (target <= 2);
#   3. instructions (valgrind --tool=callgrind, when installed): the same
#      two commands over a SMALL-prefix RIB (default 50 000 x 20), a ratio
#      of instruction counts that the machine's load does not move.
#
#   bench/relationships.sh [BUILD_DIR]   (default build; it is not rebuilt)
#
# Knobs: BENCH_DIR (/tmp/rw-bench), VPS (200), ROUNDS (3), SMALL (50000),
# RELATIONSHIPS (/work/shared/data/asrel/20161101.as-rel.txt.bz2).
# Outputs, raw times and logs: $BENCH_DIR/relationships/.
set -euo pipefail
B=${1:-build}
RW=$(cd "$(dirname "$B/routewatch")" && pwd)/routewatch
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
BENCH_DIR=${BENCH_DIR:-/tmp/rw-bench}
VPS=${VPS:-200}
ROUNDS=${ROUNDS:-3}
SMALL=${SMALL:-50000}
RELATIONSHIPS=${RELATIONSHIPS:-/work/shared/data/asrel/20161101.as-rel.txt.bz2}
S=$BENCH_DIR/relationships
mkdir -p "$S"
echo "# routewatch $(git -C "$HERE" rev-parse --short HEAD 2> /dev/null || echo '?'), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 1. accuracy over CAIDA's graph
if [ -r "$RELATIONSHIPS" ]; then
	/usr/bin/time -f '%e %M' -o "$S/sim.time" "$RW" -v synth sim --relationships "$RELATIONSHIPS" --vps "$VPS" \
		-o "$S/caida.mrt" 2> "$S/sim.log"
	/usr/bin/time -f '%e %M' -o "$S/infer.time" "$RW" -v relationships --stats --score "$RELATIONSHIPS" \
		--cones "$S/cones.txt" -o "$S/inferred.txt" "$S/caida.mrt" 2> "$S/infer.log"
	echo "## accuracy: CAIDA $(basename "$RELATIONSHIPS"), $VPS VPs"
	grep 'synth sim:' "$S/sim.log" | sed 's/^routewatch: info: /  /'
	echo "  sim: $(cut -d' ' -f1 "$S/sim.time") s, $(($(cut -d' ' -f2 "$S/sim.time") / 1024)) MB max RSS, $(($(stat -c %s "$S/caida.mrt") / 1000000)) MB RIB"
	grep '^score:\|^relationships:' "$S/infer.log" | sed 's/^/  /'
	sed -n 's/^# \(paths\|VPs\|clique\)/  \1/p' "$S/inferred.txt"
	echo "  relationships: $(cut -d' ' -f1 "$S/infer.time") s, $(($(cut -d' ' -f2 "$S/infer.time") / 1024)) MB max RSS"
	echo "  largest cones: $(sed -n '2,6p' "$S/cones.txt" | tr '\n' ' ')"
	rm -f "$S/caida.mrt"
else
	echo "skip - accuracy: no $RELATIONSHIPS"
fi

# ---- 2. speed over the 1.2 M x 20 RIB
RIB=$BENCH_DIR/engine/rib/rv/rib.20240309.0800 # bench/engine.sh's
if [ ! -s "$RIB" ]; then
	mkdir -p "$(dirname "$RIB")"
	echo "generating the RIB: 1200000 prefixes x 20 peers" >&2
	"$RW" synth rib --prefixes 1200000 --peers 20 --seed 7 -o "$RIB"
fi
cat "$RIB" > /dev/null
echo "## speed: $RIB ($(($(stat -L -c %s "$RIB") / 1000000)) MB), $ROUNDS rounds"
ratios=()
for ((r = 0; r < ROUNDS; r++)); do
	if ((r % 2 == 0)); then
		tl=$(median_secs 1 "$RW" as 3356 "$RIB")
		ti=$(median_secs 1 "$RW" relationships -o "$S/big.txt" "$RIB")
	else
		ti=$(median_secs 1 "$RW" relationships -o "$S/big.txt" "$RIB")
		tl=$(median_secs 1 "$RW" as 3356 "$RIB")
	fi
	ratios+=("$(awk -v a="$ti" -v b="$tl" 'BEGIN{printf "%.3f", a / b}')")
	echo "  round $r: load $tl s, load+inference $ti s, ratio ${ratios[-1]} (load $(cut -d' ' -f1 /proc/loadavg))"
done
printf '%s\n' "${ratios[@]}" | sort -g | awk '{v[NR]=$1} END{printf "  ratio: median %s (min %s, max %s; target <= 2)\n", v[int((NR+1)/2)], v[1], v[NR]}'
"$RW" relationships --stats -o /dev/null "$RIB" 2>&1 | grep '^relationships: read' | sed 's/^/  /'

# ---- 3. instruction counts
if command -v valgrind > /dev/null; then
	SR=$S/rib.small.$SMALL
	[ -s "$SR" ] || "$RW" synth rib --prefixes "$SMALL" --peers 20 --seed 7 -o "$SR"
	ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 > /dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
	il=$(ir "$RW" as 3356 "$SR")
	ii=$(ir "$RW" relationships -o /dev/null "$SR")
	echo "## instructions (callgrind), $SMALL x 20 RIB: load $il, load+inference $ii, ratio $(awk -v a="$ii" -v b="$il" 'BEGIN{printf "%.3f", a / b}')"
fi
