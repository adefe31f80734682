#!/bin/sh
# The main job on sample data the project generates itself: a RouteViews-
# style archive (a RIB dump and a 15-minute update file, bzip2) written by
# routewatch's own MRT writer, then read back with `routewatch dump`.
set -eu
B=${1:-build}
RW=$B/routewatch
OUT=sample
mkdir -p "$OUT/route-views2"
echo "== writing the sample archive into $OUT/route-views2 (routewatch synth)"
"$RW" synth rib --prefixes 20000 --peers 10 --seed 42 | bzip2 -c > "$OUT/route-views2/rib.20240309.0800.bz2"
"$RW" synth updates --records 20000 --prefixes 20000 --peers 10 --seed 42 --start 1709971200 --duration 900 \
	| bzip2 -c > "$OUT/route-views2/updates.20240309.0800.bz2"
ls -l "$OUT/route-views2"
echo "== routewatch dump (bgpdump -m format), first lines of each file"
for f in "$OUT"/route-views2/*.bz2; do
	echo "-- $f"
	"$RW" dump "$f" | head -5
done
echo "== the same elements as JSON (first line)"
"$RW" dump --json "$OUT/route-views2/updates.20240309.0800.bz2" | head -1
echo "== counts, errors and speed (--stats)"
"$RW" dump --stats "$OUT"/route-views2/*.bz2 > /dev/null
