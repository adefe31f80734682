#!/bin/sh
# watch --ris-live under load: N RIS Live messages (default 1 000 000) as
# fast as a local server can send them (tests/cli/ris_tool.py flood, on
# 127.0.0.1): the sample archive's update messages (`routewatch synth
# sample`, raw bytes, as RIS Live sends with includeRaw) round-robin, each
# round later by the sample's time span, so the clock goes on. Reported:
# messages/s from the connection to the last message applied, the
# server's own pace (when it had sent everything), watch's CPU seconds,
# RSS at each quarter and the peak: memory should stay flat.
#
#   bench/ris_live.sh [BUILD_DIR]        N=1000000 to change the size,
#                                        WATCH_OPTS="--ris-delay 0" to add options
#
# The server is Python: on a 2-core machine it takes one core, so the
# number is a floor for routewatch (a faster sender could push more).
set -eu
B_DIR=${1:-build}
RW=$(cd "$(dirname "$B_DIR/routewatch")" && pwd)/routewatch
N=${N:-1000000}
HERE=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/rw-bench-ris.XXXXXX)
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
hwm_mb() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
cpu_s() { awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$1/stat"; }

"$RW" synth sample "$tmp/s" 2>/dev/null
python3 "$HERE/tests/cli/ris_tool.py" messages "$tmp/s/rrc00" "$tmp/s/route-views2" > "$tmp/msgs"
python3 "$HERE/tests/cli/ris_tool.py" flood "$tmp/port" "$N" "$tmp/msgs" &
PIDS="$PIDS $!"
while [ ! -s "$tmp/port" ]; do sleep 0.1; done
t0=$(now)
# shellcheck disable=SC2086
"$RW" watch --ris-live "ws://127.0.0.1:$(cat "$tmp/port")/" --json ${WATCH_OPTS:-} > "$tmp/out" 2> "$tmp/err" &
W=$!
PIDS="$PIDS $W"
sleep 1 # its signal handlers installed (SIGUSR1 would end it before)
q=$((N / 4))
marks=""
sent_at=""
while :; do
	kill -USR1 $W
	sleep 0.5
	m=$(sed -n 's/.*RIS Live \([0-9]*\) messages.*/\1/p' "$tmp/err" | tail -1)
	m=${m:-0}
	[ -z "$sent_at" ] && [ -f "$tmp/port.done" ] && sent_at=$(now)
	while [ -n "$q" ] && [ "$m" -ge "$q" ] && [ "$q" -le "$N" ]; do
		marks="$marks $(rss_mb $W)"
		q=$((q + N / 4))
		[ $q -gt "$N" ] && q=""
	done
	[ "$m" -ge "$N" ] && break
done
t1=$(now)
[ -z "$sent_at" ] && sent_at=$t1
cpu=$(cpu_s $W)
hwm=$(hwm_mb $W)
kill -TERM $W
wait $W || true
ev=$(wc -l < "$tmp/out")
bad=$(sed -n 's/.*RIS Live [0-9]* messages \([0-9]*\) malformed.*/\1/p' "$tmp/err" | tail -1)
echo "| messages | msgs/s (connect to last applied) | server done after | watch CPU | RSS at 1/4, 1/2, 3/4, 4/4 (MB) | peak RSS | events | malformed |"
echo "|---|---|---|---|---|---|---|---|"
awk -v n="$N" -v t0="$t0" -v t1="$t1" -v s="$sent_at" -v cpu="$cpu" -v marks="$marks" -v hwm="$hwm" -v ev="$ev" -v bad="${bad:-?}" \
	'BEGIN { printf "| %d | %.0f | %.1f s | %s s | %s | %s MB | %d | %s |\n", n, n / (t1 - t0), s - t0, cpu, marks, hwm, ev, bad }'
