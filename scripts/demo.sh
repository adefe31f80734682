#!/bin/sh
# The main job on sample data the project generates itself: `routewatch
# synth sample` writes two collectors' archives (a RouteViews-style and a
# RIS-style one, RIB dumps and update files, bzip2 and gzip) with the
# project's own MRT writer, replaying the October 2017 story of AS131279.
# routewatch then reads them back: the events, one network's state, and the
# raw elements.
set -eu
B=${1:-build}
RW=$B/routewatch
OUT=sample
rm -rf "$OUT"
echo "== routewatch synth sample $OUT"
"$RW" synth sample "$OUT"
ls "$OUT" "$OUT"/route-views2 | head -8
echo "..."
echo
echo "== routewatch events --names $OUT/asnames.txt $OUT"
"$RW" events --names "$OUT/asnames.txt" "$OUT"
echo
echo "== routewatch events --json --origin AS131279 --type upstream_gained $OUT"
"$RW" events --json --origin AS131279 --type upstream_gained "$OUT"
echo
echo "== routewatch as AS131279 --at 2017-10-01T09:30:00Z --names $OUT/asnames.txt $OUT"
"$RW" as AS131279 --at 2017-10-01T09:30:00Z --names "$OUT/asnames.txt" "$OUT"
echo
echo "== routewatch dump (bgpdump -m format): the first lines of the 09:00 update file"
"$RW" dump "$OUT"/route-views2/updates.20171001.0900.bz2 | head -3
echo
echo "== routewatch dump --stats (counts, errors, bytes, speed) over the whole archive"
"$RW" dump --stats "$OUT"/*/* > /dev/null
