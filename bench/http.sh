#!/bin/bash
# The HTTP API under load (issue 12), with wrk:
#   1. `serve` on a store with a year of events for a full table
#      (routewatch synth history, as bench/store.sh makes it): history
#      and events endpoints at CONNS concurrent connections for SECS
#      seconds each: requests/s, p50 and p99 latency (wrk --latency);
#   2. `collect --http`: IDLE idle keep-alive connections and STREAMS
#      event-stream subscribers held while two BGP peers
#      (bench/burst_peer.py) send 100 000 UPDATEs: 25 000 /24s each as a
#      baseline, then all of them again through another upstream, every
#      one of ORIGINS origins changing upstream (events for the streams):
#      the collector's RSS before, with the clients, at its peak during
#      the burst and after, and what the clients saw.
# The machine's load average is recorded before and after each part: the
# numbers mean little on a machine others use at the same time.
# Results go to $BENCH_DIR/http-results.md and stdout.
#
#   bench/http.sh [BUILD_DIR]
#   CONNS=200 SECS=20 IDLE=10000 STREAMS=1000 BENCH_DIR=/tmp/rw-bench bench/http.sh build
#   PART=2 bench/http.sh build      (the collector part alone)
#   PART=1 WARMUP=5 bench/http.sh build  (serve alone; each endpoint first
#                                  loaded WARMUP seconds unmeasured, so the
#                                  answer cache is warm when wrk measures)
#   GZIP=1 ...                     (the clients ask for gzip, as browsers do)
#
# Needs wrk (Debian: apt-get install wrk; installed here when missing and
# running as root), python3, sqlite3, curl.
set -euo pipefail
B=${1:-build}
RW=$(cd "$(dirname "$B/routewatch")" && pwd)/routewatch
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rw-bench}
ORIGINS=${ORIGINS:-75000}
DAYS=${DAYS:-365}
CONNS=${CONNS:-200}
SECS=${SECS:-20}
IDLE=${IDLE:-10000}
STREAMS=${STREAMS:-1000}
BURST_ORIGINS=${BURST_ORIGINS:-500}
mkdir -p "$BENCH_DIR"
out=$BENCH_DIR/http-results.md
: > "$out"
say() { echo "$*" | tee -a "$out"; }
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null || true; done' EXIT

if ! command -v wrk > /dev/null; then
	if [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y wrk > /dev/null
	else
		echo "bench/http.sh: wrk is not installed (apt-get install wrk)" >&2
		exit 1
	fi
fi
ulimit -n $((IDLE + STREAMS + 4096)) 2> /dev/null || ulimit -n "$(ulimit -Hn)"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
rss_mb() { awk '/VmRSS/{printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

say "# routewatch HTTP API: measured $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git -C "$HERE/.." rev-parse --short HEAD 2>/dev/null || echo '?'), on $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
say ""

# ---------------------------------------------------------------- 1. serve
if [ "${PART:-all}" != 2 ]; then
Y=$BENCH_DIR/year-$ORIGINS-$DAYS.db
if [ ! -s "$Y" ] || [ "$(sqlite3 "$Y" "SELECT value FROM meta WHERE key = 'clock'" 2> /dev/null)" = "" ]; then
	rm -f "$Y" "$Y-wal" "$Y-shm"
	"$RW" synth history "$Y" --origins "$ORIGINS" --days "$DAYS" --start 1704067200
fi
ne=$(sqlite3 "$Y" "SELECT count(*) FROM events")
hdr=()
[ -n "${GZIP:-}" ] && hdr=(-H 'Accept-Encoding: gzip')
P=$(free_port)
"$RW" serve -q --db "$Y" --listen "127.0.0.1:$P" &
srv=$!
pids="$pids $srv"
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$P/metrics" && break; sleep 0.1; done
# 1000 origins of the store, and days of the year
sqlite3 "$Y" "SELECT origin FROM origins ORDER BY random() LIMIT 1000" > "$BENCH_DIR/origins.txt"
awk '{print "/api/v1/as/" $1 "/history"}' "$BENCH_DIR/origins.txt" > "$BENCH_DIR/p-history.txt"
awk '{print "/api/v1/events?origin=" $1 "&from=2024-01-01&to=2024-12-30&limit=100"}' "$BENCH_DIR/origins.txt" > "$BENCH_DIR/p-events-origin.txt"
for d in $(seq 0 363); do
	echo "/api/v1/events?from=$((1704067200 + d * 86400))&to=$((1704067200 + (d + 1) * 86400))&limit=100"
done > "$BENCH_DIR/p-events-day.txt"
awk '{print "/api/v1/as/" $1}' "$BENCH_DIR/origins.txt" > "$BENCH_DIR/p-summary.txt"
# the web pages: an origin's month, and 1000 events' pages (their keys)
awk '{print "/as/" $1 "?from=2024-06-01&to=2024-07-01"}' "$BENCH_DIR/origins.txt" > "$BENCH_DIR/p-page-as.txt"
sqlite3 "$Y" "SELECT '/event/' || time || '.' || type || '.' || origin || '.' || upstream FROM events WHERE rowid IN
	(SELECT 1 + abs(random()) % (SELECT max(rowid) FROM events) FROM events LIMIT 1000)" > "$BENCH_DIR/p-page-event.txt"
# the same pages with limits from 51 to 100: 50 000 and 18 200 distinct
# targets, so that nearly every request misses the answer cache and reads
# the store
awk '{for (l = 51; l <= 100; l++) print "/api/v1/events?origin=" $1 "&from=2024-01-01&to=2024-12-30&limit=" l}' \
	"$BENCH_DIR/origins.txt" | shuf --random-source=<(yes) > "$BENCH_DIR/p-events-origin-nc.txt"
awk -F'limit=' '{for (l = 51; l <= 100; l++) print $1 "limit=" l}' "$BENCH_DIR/p-events-day.txt" |
	shuf --random-source=<(yes) > "$BENCH_DIR/p-events-day-nc.txt"
cat > "$BENCH_DIR/paths.lua" << 'LUA'
-- each thread walks the paths file from its own offset
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = 0
function setup(thread) thread:set("off", math.random(1, #paths)) end
function request()
	i = i + 1
	return wrk.format("GET", paths[((i + (off or 0)) % #paths) + 1])
end
function done(summary, latency, requests)
	io.write(string.format("RESULT %.0f %.2f %.2f %d %d\n", summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect
		+ summary.errors.read + summary.errors.write + summary.errors.timeout, summary.requests))
end
LUA
say "## 1. serve on a year of a full table"
say ""
say "Store: \`routewatch synth history --origins $ORIGINS --days $DAYS\`, $(du -b "$Y" | awk '{printf "%.2f GB", $1 / 1e9}') (SQLite), $ne events. wrk -t2 -c$CONNS -d${SECS}s, paths spread over 1000 random origins (or the 364 days, or 1000 random events); ${WARMUP:-0} s of unmeasured load on each endpoint first;${GZIP:+ clients ask for gzip;} load average before: $(load)."
say ""
say "| endpoint | requests/s | p50 ms | p99 ms | errors | requests |"
say "|---|---|---|---|---|---|"
for t in "history:/api/v1/as/{asn}/history" "summary:/api/v1/as/{asn}" "events-origin:/api/v1/events?origin={asn}&from=2024-01-01&to=2024-12-30&limit=100" \
	"events-day:/api/v1/events?from={day}&to={day+1}&limit=100" \
	"events-origin-nc:/api/v1/events?origin={asn}&from=2024-01-01&to=2024-12-30&limit={51..100} (uncached)" \
	"events-day-nc:/api/v1/events?from={day}&to={day+1}&limit={51..100} (uncached)" \
	"page-as:/as/{asn}?from=2024-06-01&to=2024-07-01 (page)" "page-event:/event/{key} (page)"; do
	name=${t%%:*} label=${t#*:}
	if [ "${WARMUP:-0}" -gt 0 ]; then
		WRK_PATHS=$BENCH_DIR/p-$name.txt wrk -t2 -c"$CONNS" -d"${WARMUP}s" "${hdr[@]}" -s "$BENCH_DIR/paths.lua" "http://127.0.0.1:$P" > /dev/null 2>&1
	fi
	r=$(WRK_PATHS=$BENCH_DIR/p-$name.txt wrk -t2 -c"$CONNS" -d"${SECS}s" "${hdr[@]}" --latency -s "$BENCH_DIR/paths.lua" "http://127.0.0.1:$P" 2>&1 | sed -n 's/^RESULT //p')
	read -r rps p50 p99 errs reqs <<< "$r"
	say "| \`$label\` | $rps | $p50 | $p99 | $errs | $reqs |"
done
say ""
say "serve's RSS after: $(rss_mb "$srv") MB; answers from the cache: $(curl -s "http://127.0.0.1:$P/metrics" | awk '$1 == "routewatch_http_cache_hits_total" {h = $2} $1 == "routewatch_http_cache_misses_total" {m = $2} END {printf "%d of %d", h, h + m}'); load average after: $(load)."
say ""
kill "$srv"
wait "$srv" 2> /dev/null || true
fi

[ "${PART:-all}" = 1 ] && exit 0

# ---------------------------------------------------------------- 2. collect --http
CP=$(free_port) HP=$(free_port)
rm -f "$BENCH_DIR/live.db"*
"$RW" collect -q --asn 65000 --bgp "127.0.0.1:$CP" --accept 127.0.0.0/8 --http "127.0.0.1:$HP" \
	--db "$BENCH_DIR/live.db" > /dev/null 2> "$BENCH_DIR/collect.err" &
col=$!
pids="$pids $col"
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$HP/metrics" && break; sleep 0.1; done
rss0=$(rss_mb "$col")
(while kill -0 "$col" 2> /dev/null; do rss_mb "$col"; echo; sleep 0.2; done) > "$BENCH_DIR/rss.txt" &
pids="$pids $!"
# the baseline first (its records are no news), then the clients, then
# the burst of changes
python3 "$HERE/burst_peer.py" "$CP" 127.0.0.2 65001 25000 "$BURST_ORIGINS" 12 8 > "$BENCH_DIR/peer1.out" 2>&1 &
p1=$!
python3 "$HERE/burst_peer.py" "$CP" 127.0.0.3 65002 25000 "$BURST_ORIGINS" 12 8 > "$BENCH_DIR/peer2.out" 2>&1 &
p2=$!
python3 "$HERE/http_clients.py" 127.0.0.1 "$HP" "$IDLE" "$STREAMS" 45 > "$BENCH_DIR/clients.out" 2>&1 &
cl=$!
pids="$pids $cl"
for _ in $(seq 1200); do grep -q '^ready' "$BENCH_DIR/clients.out" && break; sleep 0.1; done
rss1=$(rss_mb "$col")
load1=$(load)
t0=$EPOCHREALTIME
wait "$p1" "$p2" || true
# the burst is in when the collector counted the 100 000 UPDATEs
for _ in $(seq 600); do
	u=$(curl -s "http://127.0.0.1:$HP/metrics" | awk '$1 == "routewatch_updates_total" {print $2}')
	[ "${u:-0}" -ge 100000 ] 2> /dev/null && break
	sleep 0.1
done
t1=$EPOCHREALTIME
sleep 3
rss2=$(rss_mb "$col")
peak=$(sort -g "$BENCH_DIR/rss.txt" | tail -1)
wait "$cl" || true
m=$(curl -s "http://127.0.0.1:$HP/metrics")
metric() { echo "$m" | awk -v k="$1" '$1 == k {print $2}'; }
say "## 2. collect --http: $IDLE idle keep-alive connections and $STREAMS event streams during a 100 000-UPDATE burst"
say ""
say "Two peers (bench/burst_peer.py) send 25 000 /24s each, then 12 s later the same through another upstream ($BURST_ORIGINS origins change upstream): 100 000 UPDATEs; the clients (bench/http_clients.py) connect during the first 12 s and hold 45 s. Load average before the burst: $load1, after: $(load)."
say ""
say "| | |"
say "|---|---|"
say "| collector RSS, no clients | $rss0 MB |"
say "| with the clients connected (baseline table in) | $rss1 MB |"
say "| peak during the burst (sampled every 0.2 s) | $peak MB |"
say "| 3 s after the burst | $rss2 MB |"
say "| the peers | $(cat "$BENCH_DIR/peer1.out" "$BENCH_DIR/peer2.out" | tr '\n' ';') UPDATEs counted: ${u:-?} |"
say "| clients | $(grep -v '^ready' "$BENCH_DIR/clients.out" | tail -1) ($(grep '^ready' "$BENCH_DIR/clients.out")) |"
say "| events published / streams ended for slowness | $(metric routewatch_http_events_published_total) / $(metric routewatch_http_streams_slow_total) |"
say "| memory counted: output, live, rib | $(echo "$m" | awk '/^routewatch_memory_bytes\{subsystem="(output|live|rib)"\}/{printf "%s %.1f MB  ", $1, $2 / 1e6}' | sed 's/routewatch_memory_bytes{subsystem="\([a-z]*\)"}/\1/g') |"
kill "$col"
wait "$col" 2> /dev/null || true
say ""
say "(Results of $(date -u +%Y-%m-%dT%H:%M:%SZ); the machine was shared with other jobs: see the load averages.)"
