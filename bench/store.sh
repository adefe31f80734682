#!/bin/bash
# History store speed (issue: history, reports and charts):
#   1. ingest against events on the same archives (the public scenario of
#      ../shared/data when present, and the project's sample archive):
#      the ratio of wall times, same run, same machine;
#   2. history and report on a store holding a year of events for every
#      origin of a full table (generated: routewatch synth history), with
#      its size, and each query's wall time (the whole process: what a user
#      waits for), median of RUNS.
# Results go to $BENCH_DIR/store-results.md and stdout.
#
#   bench/store.sh [BUILD_DIR]
#   ORIGINS=75000 DAYS=365 RUNS=7 BENCH_DIR=/tmp/rw-bench bench/store.sh
set -euo pipefail
B=${1:-build}
RW=$(cd "$(dirname "$B/routewatch")" && pwd)/routewatch
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${RW_SHARED_DATA:-$HERE/../../shared/data}
BENCH_DIR=${BENCH_DIR:-/tmp/rw-bench}
ORIGINS=${ORIGINS:-75000}
DAYS=${DAYS:-365}
RUNS=${RUNS:-7}
mkdir -p "$BENCH_DIR"
out=$BENCH_DIR/store-results.md
: > "$out"
say() { echo "$*" | tee -a "$out"; }

# median wall time in ms of a command run RUNS times (output discarded)
. "$(dirname "$0")/lib.sh"
median_ms() { awk -v s="$(median_secs "$RUNS" "$@")" 'BEGIN{printf "%.1f", s * 1000}'; }

say "# routewatch history store: measured $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
say ""
say "## ingest vs events (same archives, SQLite store; $RUNS interleaved pairs, median of the pair ratios)"
say ""
say "| archive | events median (ms) | ingest median (ms) | ingest / events |"
say "|---|---|---|---|"
one_ms() {
	local t0 t1
	t0=$EPOCHREALTIME
	"$@" > /dev/null 2>&1
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", (b - a) * 1000}'
}
ratio_row() {
	local name=$1 dir=$2 i e g es=() gs=() rs=()
	for ((i = 0; i < RUNS; i++)); do
		rm -f "$BENCH_DIR/ing.db" "$BENCH_DIR/ing.db-wal" "$BENCH_DIR/ing.db-shm"
		if ((i % 2)); then
			g=$(one_ms "$RW" ingest --db "$BENCH_DIR/ing.db" "$dir")
			e=$(one_ms "$RW" events --json "$dir")
		else
			e=$(one_ms "$RW" events --json "$dir")
			g=$(one_ms "$RW" ingest --db "$BENCH_DIR/ing.db" "$dir")
		fi
		es+=("$e")
		gs+=("$g")
		rs+=("$(awk -v a="$g" -v b="$e" 'BEGIN{printf "%.3f", a / b}')")
	done
	say "| $name | $(printf '%s\n' "${es[@]}" | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}') | $(printf '%s\n' "${gs[@]}" | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}') | $(printf '%s\n' "${rs[@]}" | sort -g | awk '{v[NR]=$1} END{printf "%.2f", v[int((NR+1)/2)]}') |"
}
if [ -d "$SHARED/scenarios/public/archive" ]; then
	ratio_row "public scenario (418 files)" "$SHARED/scenarios/public/archive"
else
	say "| public scenario | absent ($SHARED) | | |"
fi
rm -rf "$BENCH_DIR/sample"
"$RW" synth sample "$BENCH_DIR/sample" > /dev/null
ratio_row "sample (180 files)" "$BENCH_DIR/sample"
say ""

# ---------------------------------------------------------------- a year
Y=$BENCH_DIR/year-$ORIGINS-$DAYS.db
if [ ! -s "$Y" ] || [ "$(sqlite3 "$Y" "SELECT value FROM meta WHERE key = 'clock'" 2>/dev/null)" = "" ]; then
	rm -f "$Y" "$Y-wal" "$Y-shm"
	t0=$EPOCHREALTIME
	"$RW" synth history "$Y" --origins "$ORIGINS" --days "$DAYS" --start 1704067200
	t1=$EPOCHREALTIME
	gen=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", b - a}')
else
	gen="(reused)"
fi
size=$(du -b "$Y" | cut -f1)
counts=$(sqlite3 "$Y" "SELECT (SELECT count(*) FROM origins), (SELECT count(*) FROM events), (SELECT count(*) FROM intervals), (SELECT count(*) FROM origin_series)")
IFS='|' read -r no ne ni ns <<< "$counts"
typical=$(sqlite3 "$Y" "SELECT origin FROM events GROUP BY origin ORDER BY count(*) LIMIT 1 OFFSET (SELECT count(DISTINCT origin) / 2 FROM events)")
busiest=$(sqlite3 "$Y" "SELECT origin FROM events GROUP BY origin ORDER BY count(*) DESC LIMIT 1")
ntyp=$(sqlite3 "$Y" "SELECT count(*) FROM events WHERE origin = $typical")
nbus=$(sqlite3 "$Y" "SELECT count(*) FROM events WHERE origin = $busiest")
say "## history and report on a year of a full table"
say ""
say "Store: \`routewatch synth history --origins $ORIGINS --days $DAYS\` (generated in ${gen} s): $(awk -v s="$size" 'BEGIN{printf "%.2f GB", s / 1e9}') on disk (SQLite), $no origins, $ne events, $ni intervals, $ns series points."
say ""
say "| query | origin (its events in the year) | wall ms, median of $RUNS |"
say "|---|---|---|"
FROM=2024-01-01T00:00:00Z
TO=2024-12-30T23:59:59Z
for a in "$typical:$ntyp" "$busiest:$nbus"; do
	asn=${a%%:*} n=${a#*:}
	say "| history AS$asn | AS$asn ($n) | $(median_ms "$RW" history "$asn" --db "$Y") |"
	say "| history AS$asn --json | AS$asn ($n) | $(median_ms "$RW" history "$asn" --db "$Y" --json) |"
	say "| report AS$asn, the whole year, with --svg | AS$asn ($n) | $(median_ms "$RW" report "$asn" --db "$Y" --from $FROM --to $TO --svg "$BENCH_DIR/year.svg") |"
	say "| report AS$asn, one day (2024-06-15), with --svg | AS$asn ($n) | $(median_ms "$RW" report "$asn" --db "$Y" --from 2024-06-15T00:00:00Z --to 2024-06-16T00:00:00Z --svg "$BENCH_DIR/day.svg") |"
done
say "| events --db --origin (one origin's year) | AS$busiest ($nbus) | $(median_ms "$RW" events --db "$Y" --origin "$busiest" --from $FROM --until $TO) |"
say ""
say "Each time is a whole process (start, open the store, query, format, exit) on a warm page cache."
echo "results: $out"
