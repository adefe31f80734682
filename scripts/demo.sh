#!/bin/sh
# The main job, end to end, on sample data the project generates itself:
# `routewatch synth sample` writes the archives of two collectors (a
# RouteViews-style and a RIS-style one: monthly RIB dumps since December
# 2010, then one day of RIB dumps and update files, bzip2 and gzip) with the
# project's own MRT writer, replaying the story of AS131279: relying on one
# upstream for years, partial satellite service in 2012-2013, and the
# October 2017 day TransTelecom came, went and came back.
#
# routewatch ingests it into the embedded SQLite history store and tells
# the story: the report of that day (with its chart) and the network's
# upstreams over the years. The store is sample/routewatch.db, so the demo
# leaves the default store (~/.local/share/routewatch/routewatch.db) alone.
set -eu
B=${1:-build}
RW=$B/routewatch
OUT=sample
DB=$OUT/routewatch.db
rm -rf "$OUT"
echo "== routewatch synth sample $OUT"
"$RW" synth sample "$OUT"
echo "$(ls "$OUT"/route-views2 | wc -l) files in $OUT/route-views2, $(ls "$OUT"/rrc00 | wc -l) in $OUT/rrc00"
echo
echo "== routewatch ingest --db $DB --names $OUT/asnames.txt --countries $OUT/asnames.txt $OUT"
"$RW" ingest --db "$DB" --names "$OUT/asnames.txt" --countries "$OUT/asnames.txt" "$OUT"
echo
echo "== routewatch report AS131279 --from 2017-10-01T08:00:00Z --to 2017-10-01T14:00:00Z --db $DB --svg $OUT/AS131279.svg"
"$RW" report AS131279 --from 2017-10-01T08:00:00Z --to 2017-10-01T14:00:00Z --db "$DB" --svg "$OUT/AS131279.svg"
echo "(chart: $OUT/AS131279.svg)"
echo
echo "== routewatch history AS131279 --db $DB"
"$RW" history AS131279 --db "$DB"
echo
echo "== routewatch history AS131279 --db $DB --json"
"$RW" history AS131279 --db "$DB" --json
echo
echo "== routewatch events --db $DB --origin AS131279 --from 2017-10-01T09:00:00Z --until 2017-10-01T11:00:00Z"
"$RW" events --db "$DB" --origin AS131279 --from 2017-10-01T09:00:00Z --until 2017-10-01T11:00:00Z
echo
echo "== routewatch as AS131279 --at 2017-10-01T09:30:00Z --names $OUT/asnames.txt $OUT (straight from the archives)"
"$RW" as AS131279 --at 2017-10-01T09:30:00Z --names "$OUT/asnames.txt" "$OUT"
echo
echo "== routewatch events --db $DB --type country_provider_gained,country_provider_lost (North Korea's international providers)"
"$RW" events --db "$DB" --type country_provider_gained,country_provider_lost
echo
echo "== routewatch history --country KP --db $DB (seven years of North Korea's international providers)"
"$RW" history --country KP --db "$DB"
echo
echo "== routewatch report --country KP --from 2017-10-01T08:00:00Z --to 2017-10-01T14:00:00Z --db $DB --svg $OUT/KP.svg"
"$RW" report --country KP --from 2017-10-01T08:00:00Z --to 2017-10-01T14:00:00Z --db "$DB" --svg "$OUT/KP.svg"
echo "(chart: $OUT/KP.svg)"
echo
echo "== routewatch country KP --at 2017-10-01T09:30:00Z --names $OUT/asnames.txt $OUT"
"$RW" country KP --at 2017-10-01T09:30:00Z --names "$OUT/asnames.txt" "$OUT"
echo
echo "== routewatch dump (bgpdump -m format): the first lines of the 09:00 update file"
"$RW" dump "$OUT"/route-views2/updates.20171001.0900.bz2 | head -3
echo
echo "== the page and the API over this store (docs/api.md):"
echo "   $RW serve --db $DB --listen 127.0.0.1:8080"
echo "   then open http://127.0.0.1:8080/as/131279?from=2017-10-01T00:00:00Z&to=2017-10-02T00:00:00Z"
echo "   (or: curl http://127.0.0.1:8080/api/v1/country/KP/report?from=2017-10-01T08:00:00Z&to=2017-10-01T14:00:00Z&format=text)"
