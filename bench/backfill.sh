#!/bin/bash
# Backfill throughput (issue 14, docs/backfill.md): windows per hour with 1
# and 2 worker processes on this machine against a private PostgreSQL
# server, and what that projects for a year of every RouteViews and RIS
# collector on N machines.
#
# The mirror (generated once into $BENCH_DIR/backfill, RouteViews layout):
# COLLECTORS collectors (1 by default), each with a RIB dump every 8 hours
# of PREFIXES prefixes (IPv4) seen by PEERS peers of its own, and an
# update file every 15 minutes, RECORDS records each, over DAYS days from
# 2024-03-01. The second collector's dumps come 4 hours after the first's
# (and so on, alternating): dumps at different hours, so a window reads
# every collector's updates from the earliest of their last dumps before it
# (docs/events.md §8). Planned in 1-day windows (the
# default), worked by 1 and by 2 processes in alternating order, RUNS
# rounds each into a fresh database; the median wall time counts. The
# load average is printed beside every timing (the machine is shared).
#
# The projection takes the measured cost of a route element through the
# whole worker (read, engine, history, the window's transaction) and the
# elements a 1-day window of all collectors would hold (ALL_* below; see
# bench/README.md for where the figures come from). A worker holds the
# state of every collector at once (confirmation counts peers across
# collectors), so each machine runs as many workers as its cores.
#
#   bench/backfill.sh [BUILD_DIR]
#   PREFIXES=20000 PEERS=8 RECORDS=1000 DAYS=4 RUNS=3 COLLECTORS=1 (defaults)
set -euo pipefail
RW=$(cd "${1:-build}" && pwd)/routewatch
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIXES=${PREFIXES:-20000}
PEERS=${PEERS:-8}
RECORDS=${RECORDS:-1000}
DAYS=${DAYS:-4}
RUNS=${RUNS:-3}
COLLECTORS=${COLLECTORS:-1}
# a day of all collectors (assumptions, bench/README.md)
ALL_ROUTES=${ALL_ROUTES:-1000000000}     # routes in one dump of every collector
ALL_DUMPS=${ALL_DUMPS:-6}                # dumps per collector in a window's 25 h, averaged
ALL_UPDATES=${ALL_UPDATES:-2000000000}   # update elements of every collector in 25 h
MACHINES=${MACHINES:-1 10 50}
M=${BENCH_DIR:-/tmp/rw-bench}/backfill
T0=$(date -u -d 2024-03-01T00:00:00Z +%s)
stamp="$PREFIXES $PEERS $RECORDS $DAYS $COLLECTORS"
R=$M/mirror
if [ "$(cat "$M/stamp" 2> /dev/null)" != "$stamp" ]; then
	echo "generating the mirror: $COLLECTORS collector(s), $DAYS days, dumps of $PREFIXES x $PEERS every 8 h, $RECORDS records per 15 min" >&2
	rm -rf "$R"
	for ((c = 0; c < COLLECTORS; c++)); do
		C=$R/route-views$((c + 2))
		mkdir -p "$C"
		# every other collector's dumps 4 h earlier (its first before T0)
		off=$((c % 2 ? -4 * 3600 : 0))
		for ((h = 0; h < DAYS * 24 + 8; h += 8)); do
			t=$((T0 + off + h * 3600))
			((t < T0 + DAYS * 86400)) || continue
			"$RW" synth rib --prefixes "$PREFIXES" --peers "$PEERS" --v6 0 --seed $((7 + c)) --start $t \
				-o "$C/rib.$(date -u -d @$t +%Y%m%d.%H%M)"
		done
		start=$((T0 + (off < 0 ? off : 0)))
		"$RW" synth updates --prefixes "$PREFIXES" --peers "$PEERS" --v6 0 --seed $((7 + c)) --start $start \
			--duration $((T0 + DAYS * 86400 - start)) --records $((RECORDS * (T0 + DAYS * 86400 - start) / 900)) \
			-o "$M/updates.mrt"
		python3 "$ROOT/tests/cli/mrt_tool.py" split "$M/updates.mrt" "$C" 900
		rm -f "$M/updates.mrt"
	done
	echo "$stamp" > "$M/stamp"
fi
pgdir=$M/pg
PG=$("$ROOT/scripts/pg-server.sh" start "$pgdir")
trap '"$ROOT/scripts/pg-server.sh" stop "$pgdir"' EXIT
base=${PG%%\?*}
query=${PG#"$base"}
from=$(date -u -d @$T0 +%Y-%m-%dT%H:%M:%SZ)
until=$(date -u -d @$((T0 + DAYS * 86400)) +%Y-%m-%dT%H:%M:%SZ)
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# run W: plan into a fresh database and work it with W processes; prints
# the wall seconds
run() {
	local w=$1 db=bench_bf u t0 t1
	psql "$PG" -qAt -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" > /dev/null 2>&1
	u="${base%/*}/$db$query"
	"$RW" backfill plan -q --db "$u" --from "$from" --until "$until" "$R" > /dev/null
	t0=$EPOCHREALTIME
	"$RW" backfill work -q --db "$u" --workers "$w" > "$M/work-$w.out"
	t1=$EPOCHREALTIME
	"$RW" backfill status --db "$u" > "$M/status-$w.out"
	awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b - a}'
}

declare -a t1s t2s
for ((i = 0; i < RUNS; i++)); do
	if ((i % 2 == 0)); then order="1 2"; else order="2 1"; fi
	for w in $order; do
		l0=$(loadavg)
		t=$(run "$w")
		echo "round $((i + 1)): $w worker(s): $t s for $DAYS windows (load average before: $l0; after: $(loadavg))"
		if [ "$w" = 1 ]; then t1s+=("$t"); else t2s+=("$t"); fi
	done
done
med() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
T1=$(med "${t1s[@]}")
T2=$(med "${t2s[@]}")
# a middle window's route elements (RIB entries and update elements the
# engine applied), from the events run the worker repeats
A=$(date -u -d @$((T0 + 86400)) +%Y-%m-%dT%H:%M:%SZ)
B=$(date -u -d @$((T0 + 2 * 86400)) +%Y-%m-%dT%H:%M:%SZ)
E=$("$RW" events --stats --from "$A" --until "$B" "$R" 2>&1 > /dev/null | sed -n 's/^engine: \([0-9]*\) elements.*/\1/p')
# the same window as plain `events` (no history, no store): what the
# worker adds to it
. "$ROOT/bench/lib.sh"
TE=$(median_secs "$RUNS" "$RW" events -q --from "$A" --until "$B" "$R")
echo "the window as events --from --until: $TE s (load average $(loadavg))"
awk -v d="$DAYS" -v t1="$T1" -v t2="$T2" -v e="$E" -v r="$ALL_ROUTES" -v k="$ALL_DUMPS" -v u="$ALL_UPDATES" \
	-v ms="$MACHINES" -v te="$TE" 'BEGIN {
	printf "1 worker: %.3f s for %d windows: %.0f windows/hour, %.3f s a window\n", t1, d, d * 3600 / t1, t1 / d
	printf "2 workers: %.3f s: %.0f windows/hour (%.2fx)\n", t2, d * 3600 / t2, t1 / t2
	rate = e / (t1 / d)
	printf "a window: %d route elements; %.0f elements/s per worker through the whole worker (%.2fx events alone)\n", e, rate, (t1 / d) / te
	day = r * (1 + k) + u
	printf "a day of all collectors: %.3g elements (%.3g routes x (1 + %d dumps) + %.3g updates)\n", day, r, k, u
	wsec = day / rate
	printf "one such window: %.0f s (%.1f h) on one worker; two per 2-core machine at %.2fx\n", wsec, wsec / 3600, t1 / t2
	n = split(ms, m, " ")
	for (i = 1; i <= n; i++) {
		days = 365 * wsec / (m[i] * (t1 / t2)) / 86400
		printf "a year (365 windows) on %d 2-core machines: %.1f days\n", m[i], days
	}
}'
echo "load average at the end: $(loadavg); $(nproc) cores"
