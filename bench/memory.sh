#!/bin/bash
# The state's bytes per route as the peers grow (issue 14: at most 16 bytes
# a route, everything counted, on >= 150 M routes). RIBs of RIB_PREFIXES
# prefixes from 20, 60 and 125 peers of one collector, and a set of two
# collectors of the same prefixes (125 and 90 peers, about 158 M routes:
# their paths are shared), each loaded by `routewatch events --stats`.
# Reported: the "state bytes per route" line (what the rib, the detector
# and the engine count, by part: capacities, not only what is used) and
# the whole process's max RSS per route. Memory is deterministic: one run
# each. Inputs are generated with routewatch's own writer into
# $BENCH_DIR/memory (about 13 GB; 20 peers reuses bench/engine.sh's RIB).
#
#   bench/memory.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build}
RW=$(cd "$(dirname "$B/routewatch")" && pwd)/routewatch
BENCH_DIR=${BENCH_DIR:-/tmp/rw-bench}
M=$BENCH_DIR/memory
RIB_PREFIXES=${RIB_PREFIXES:-1200000}
T=rib.20240309.0800

# gen DIR PEERS: a RIB of PEERS peers (seed 7, as bench/engine.sh's)
gen() {
	mkdir -p "$1"
	[ -s "$1/$T" ] || "$RW" synth rib --prefixes "$RIB_PREFIXES" --peers "$2" --seed 7 -o "$1/$T"
}
if [ -s "$BENCH_DIR/engine/rib/rv/$T" ] && [ "$RIB_PREFIXES" = 1200000 ]; then
	mkdir -p "$M/p20/rv"
	ln -sf "$BENCH_DIR/engine/rib/rv/$T" "$M/p20/rv/$T"
else
	gen "$M/p20/rv" 20
fi
gen "$M/p60/rv" 60
gen "$M/p125/rv" 125
gen "$M/big/rrc" 90
mkdir -p "$M/big/rv"
ln -sf "$M/p125/rv/$T" "$M/big/rv/$T"

echo "# routewatch state memory, $(date -u +%Y-%m-%dT%H:%M:%SZ), routewatch $(cd "$(dirname "$0")/.." && git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
echo "| input | routes | paths | routes B | ADD-PATH B | prefixes + table B | paths + keys + table B | peers B | dirty B | detector B | **all counted B/route** | max RSS B/route |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for d in p20 p60 p125 big; do
	/usr/bin/time -f '%M' -o "$M/$d.rss" "$RW" events --stats "$M/$d" > /dev/null 2> "$M/$d.err"
	st=$(grep '^state:' "$M/$d.err")
	by=$(grep '^state bytes per route:' "$M/$d.err")
	routes=$(echo "$st" | sed -n 's/.* \([0-9]*\) routes.*/\1/p')
	paths=$(echo "$st" | sed -n 's/.* \([0-9]*\) paths.*/\1/p')
	name=$(echo "$st" | sed -n 's/.*(\([0-9]*\) peers, \([0-9]*\) collectors).*/\1 peers, \2 coll./p')
	# the parts, in the order of the line
	echo "$by" | awk -v n="$name" -v r="$routes" -v p="$paths" -v rss="$(tail -1 "$M/$d.rss")" '{
		gsub(/[,;()]/, " ");
		k = 0;
		for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+$/) x[++k] = $i;
		printf "| %s | %d | %d | %s | %s | %.2f | %.2f | %s | %s | %s | **%s** | %.1f |\n",
			n, r, p, x[1], x[2], x[3] + x[4], x[5] + x[6] + x[7], x[8], x[9], x[10], x[11], rss * 1024 / r
	}'
done
echo
echo "(B: bytes per route. prefixes, their table, the dirty lists and the detector are per prefix: they shrink per route as the peers grow; routes and paths are per route.)"
