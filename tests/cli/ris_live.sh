#!/bin/sh
# `watch --ris-live` (docs/watch-live.md) against a RIS Live server of our
# own on 127.0.0.1 (tests/cli/ris_tool.py serve, python3 stdlib). The
# stream is made from the sample archive's update files (`routewatch
# synth sample`, RIBs taken away: RIS Live has none), as RIS Live sends
# them: with `raw` bytes, or with the JSON fields only. watch prints the
# events `events` prints over the same archive (live in the order they
# are determined, batch sorted by time: compared sorted), and still does
# when the stream carries garbage, binary and oversized frames, when the
# server drops the connection and when it stalls. RIPE's sample stream
# (../shared/data/mrt/libbgpstream/ris-live-stream.json) goes into the
# archive as its records; its ris_error and its broken last line are
# reported.
#
# Usage: tests/cli/ris_live.sh [BUILD_DIR]. Prints "ok/not ok/skip -
# ris-live/NAME" lines and "N passed, N failed".
set -u
SUITE=ris-live
. "$(dirname "$0")/lib_check.sh"
need python3 jq
SHARED=${RW_SHARED_DATA:-$HERE/../../../shared/data}
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null; done; [ -n "${KEEP:-}" ] && echo "# kept $tmp" || rm -rf "$tmp"' EXIT
ris() { python3 "$HERE/ris_tool.py" "$@"; }

# serve NAME MSGS: a server for the lines of MSGS; its port in $port
serve() {
	rm -f "$tmp/$1.port" "$tmp/$1.port.done"
	python3 "$HERE/ris_tool.py" serve "$tmp/$1.port" "$2" "$tmp/$1.sub" &
	SRV=$!
	PIDS="$PIDS $SRV"
	i=0
	while [ ! -s "$tmp/$1.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	port=$(cat "$tmp/$1.port" 2>/dev/null)
}
# watch_run NAME SECONDS ARGS...: watch against server NAME until the
# server has sent everything (at most SECONDS), 2 s more, then SIGTERM;
# events in $tmp/NAME.out, log in $tmp/NAME.err, status in $wrc
watch_run() {
	n=$1 s=$2
	shift 2
	"$RW" watch --ris-live "ws://127.0.0.1:$port/v1/ws/?client=test" "$@" > "$tmp/$n.out" 2> "$tmp/$n.err" &
	W=$!
	i=0
	while [ ! -f "$tmp/$n.port.done" ] && [ $i -lt $((s * 10)) ]; do sleep 0.1; i=$((i + 1)); done
	sleep 2
	kill -TERM $W 2>/dev/null
	wait $W
	wrc=$?
	kill $SRV 2>/dev/null
	wait $SRV 2>/dev/null
}
# same A B: the same lines, sorted; sdiff A B: how they differ (sorted)
same() { sort "$1" > "$1.s"; sort "$2" > "$2.s"; cmp -s "$1.s" "$2.s"; }
sdiff() { sort "$1" > "$1.s"; sort "$2" > "$2.s"; diff "$1.s" "$2.s" | head -4; }

# ---------------------------------------------------------------- the stream of an archive
S=$tmp/sample
A=$tmp/a
"$RW" synth sample "$S" 2>/dev/null
mkdir -p "$A"
cp -r "$S/rrc00" "$S/route-views2" "$A/"
rm -f "$A"/*/rib.* "$A"/*/bview.*
"$RW" events --json "$A" > "$tmp/exp.json" 2>/dev/null
ris messages "$A" > "$tmp/raw.msgs"
ris messages --fields "$A" > "$tmp/fields.msgs"
nmsg=$(wc -l < "$tmp/raw.msgs")
check archive-has-events "[ \$(wc -l < $tmp/exp.json) -gt 100 ] && [ $nmsg -gt 5000 ]" \
	"$(wc -l < "$tmp/exp.json") events, $nmsg messages"

serve raw "$tmp/raw.msgs"
watch_run raw 60 --json
check raw-same-events "[ $wrc -eq 0 ] && same $tmp/exp.json $tmp/raw.out" \
	"exit $wrc; $(sdiff "$tmp/exp.json" "$tmp/raw.out")"
check raw-subscription "jq -e '.type == \"ris_subscribe\" and .data.socketOptions.includeRaw == true' $tmp/raw.sub > /dev/null" \
	"subscription: $(head -c 300 "$tmp/raw.sub")"
check_schema "$tmp/raw.out"

serve fields "$tmp/fields.msgs"
watch_run fields 60 --json --no-raw --ris-host rrc00 --ris-prefix 41.0.0.0/8 --more-specific --ris-path 3356 \
	--ris-peer 193.0.0.13
check fields-same-events "[ $wrc -eq 0 ] && same $tmp/exp.json $tmp/fields.out" \
	"exit $wrc; $(sdiff "$tmp/exp.json" "$tmp/fields.out")"
check fields-subscription "jq -e '.data == {host: \"rrc00\", prefix: \"41.0.0.0/8\", path: \"3356\", peer: \"193.0.0.13\", moreSpecific: true, lessSpecific: false, socketOptions: {includeRaw: false}}' $tmp/fields.sub > /dev/null" \
	"subscription: $(head -c 300 "$tmp/fields.sub")"

# the networks' countries (docs/events.md §14): North Korea's providers
# from the stream as from the archive
"$RW" events --json --countries "$S/asnames.txt" "$A" > "$tmp/exp-cty.json" 2>/dev/null
serve cty "$tmp/raw.msgs"
watch_run cty 60 --json --countries "$S/asnames.txt"
check countries-same-events "[ $wrc -eq 0 ] && grep -q '\"country_provider_gained\".*\"country\":\"KP\",\"provider\":20485' $tmp/cty.out && same $tmp/exp-cty.json $tmp/cty.out" \
	"exit $wrc; $(grep -c country_ "$tmp/cty.out") country events; $(sdiff "$tmp/exp-cty.json" "$tmp/cty.out")"

# --http: the API on watch's own loop, as under collect --http: the
# routes now at the end of the stream are the archive's at its end
hport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
serve http "$tmp/raw.msgs"
"$RW" watch --ris-live "ws://127.0.0.1:$port/v1/ws/?client=test" --http "127.0.0.1:$hport" --json \
	> "$tmp/http.out" 2> "$tmp/http.err" &
W=$!
i=0
while [ ! -f "$tmp/http.port.done" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
sleep 2
curl -s "http://127.0.0.1:$hport/api/v1/live/as/131279" > "$tmp/http-as.json"
kill -TERM $W 2>/dev/null
wait $W
hrc=$?
kill $SRV 2>/dev/null
wait $SRV 2>/dev/null
"$RW" as 131279 --json "$A" 2>/dev/null | jq -c 'del(.time)' > "$tmp/as-arch.json"
check http-live-as "[ $hrc -eq 0 ] && [ \"\$(jq -c 'del(.time)' $tmp/http-as.json)\" = \"\$(cat $tmp/as-arch.json)\" ]" \
	"exit $hrc; $(head -c 200 "$tmp/http-as.json") vs $(head -c 200 "$tmp/as-arch.json")"

# route-views2's messages 3 s late among rrc00's: with --ris-delay 5 the
# engine gets them in time order (the events of the archive); with 0 they
# come as they are (counted as out of order by the engine)
ris messages --skew route-views2:3 "$A" > "$tmp/skew.msgs"
check skew-is-out-of-order "! cmp -s $tmp/skew.msgs $tmp/raw.msgs" "the skewed stream is the same as the plain one"
serve skew "$tmp/skew.msgs"
watch_run skew 60 --json --ris-delay 5
check reorder-same-events "[ $wrc -eq 0 ] && same $tmp/exp.json $tmp/skew.out" \
	"exit $wrc; $(sdiff "$tmp/exp.json" "$tmp/skew.out")"

# --origin: that origin's events only (a collector_gap concerns all)
jq -c 'select(.origin == 131279 or .type == "collector_gap")' "$tmp/exp.json" > "$tmp/exp131279.json"
serve orig "$tmp/raw.msgs"
watch_run orig 60 --json --origin AS131279
check origin-filter "[ -s $tmp/exp131279.json ] && same $tmp/exp131279.json $tmp/orig.out" \
	"$(sdiff "$tmp/exp131279.json" "$tmp/orig.out")"

# text output: the lines `events` prints
"$RW" events "$A" > "$tmp/exp.txt" 2>/dev/null
serve text "$tmp/raw.msgs"
watch_run text 60
check text-same-events "same $tmp/exp.txt $tmp/text.out" "$(sdiff "$tmp/exp.txt" "$tmp/text.out")"

# ---------------------------------------------------------------- bad frames
# garbage, a binary frame, a frame of 2 MB, a message in fragments and
# messages with a wrong field, among the good ones: each reported with
# its number and skipped, the events unchanged
half=$((nmsg / 2))
{
	head -n $half "$tmp/raw.msgs"
	echo 'this is not JSON {'
	echo '#BINARY'
	echo '#BIG 2000000'
	echo '{"type":"ris_message","data":{"timestamp":1506860000.0,"peer":"not-an-address","peer_asn":"1","host":"rrc00","type":"UPDATE","raw":"FF"}}'
	echo '{"type":"ris_message","data":{"timestamp":1506860000.0,"peer":"193.0.0.13","peer_asn":"34549","host":"rrc00","type":"UPDATE","raw":"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00FF020000000"}}'
	echo '{"type":"ris_message","data":{"timestamp":"soon","peer":"193.0.0.13","peer_asn":"34549","host":"rrc00","type":"UPDATE"}}'
	echo '[1,2,3]'
	echo '#FRAGMENTS'
	tail -n +$((half + 1)) "$tmp/raw.msgs"
} > "$tmp/bad.msgs"
serve bad "$tmp/bad.msgs"
watch_run bad 60 --json
check bad-same-events "[ $wrc -eq 0 ] && same $tmp/exp.json $tmp/bad.out" \
	"exit $wrc; $(sdiff "$tmp/exp.json" "$tmp/bad.out")"
n=$(grep -c 'message [0-9]* (byte [0-9]* of the connection): .*: skipped' "$tmp/bad.err")
check bad-each-reported "[ $n -eq 7 ]" "$n malformed messages reported, not 7: $(grep skipped "$tmp/bad.err" | head -8)"
check bad-garbage-named "grep -q \"message $((half + 1)) (byte [0-9]*.*not JSON\" $tmp/bad.err" "$(grep skipped "$tmp/bad.err" | head -2)"
check bad-binary-named "grep -q \"message $((half + 2)) .*binary frame\" $tmp/bad.err" "$(grep binary "$tmp/bad.err" | head -2)"
check bad-oversized-named "grep -q \"message $((half + 3)) .*longer than 1048576 bytes\" $tmp/bad.err" "$(grep longer "$tmp/bad.err" | head -2)"
check bad-field-named "grep -q 'data.peer: missing or not an address' $tmp/bad.err && grep -q 'data.raw: odd number of hex digits' $tmp/bad.err && grep -q 'data.timestamp: missing or not a number' $tmp/bad.err && grep -q 'not a JSON object' $tmp/bad.err" \
	"$(grep skipped "$tmp/bad.err" | head -8)"

# ---------------------------------------------------------------- --db: a restart continues
# the stream cut at a second boundary near its middle: a first run over
# the first part, a second over the rest, both with --db: their events
# are those of one run, and the store has them
k=$(awk -F'"timestamp":' -v h=$half '{ split($2, a, ","); t = a[1] } NR > h && t != prev { print NR; exit } { prev = t }' "$tmp/raw.msgs")
head -n $((k - 1)) "$tmp/raw.msgs" > "$tmp/db1.msgs"
tail -n +$k "$tmp/raw.msgs" > "$tmp/db2.msgs"
serve db1 "$tmp/db1.msgs"
watch_run db1 60 --json --db "$tmp/ris.db"
serve db2 "$tmp/db2.msgs"
watch_run db2 60 --json --db "$tmp/ris.db"
cat "$tmp/db1.out" "$tmp/db2.out" > "$tmp/db.out"
check db-resume-same-events "[ $wrc -eq 0 ] && [ -s $tmp/db1.out ] && [ -s $tmp/db2.out ] && same $tmp/exp.json $tmp/db.out" \
	"exit $wrc; $(sdiff "$tmp/exp.json" "$tmp/db.out")"
"$RW" events --json --db "$tmp/ris.db" > "$tmp/db.stored" 2>/dev/null
check db-stored-events "same $tmp/exp.json $tmp/db.stored" "$(sdiff "$tmp/exp.json" "$tmp/db.stored")"

# ---------------------------------------------------------------- disconnects, a stalled server
{
	head -n 3000 "$tmp/raw.msgs"
	echo '#CLOSE'
	sed -n 3001,6000p "$tmp/raw.msgs"
	echo '#CLOSE'
	tail -n +6001 "$tmp/raw.msgs"
} > "$tmp/drop.msgs"
serve drop "$tmp/drop.msgs"
watch_run drop 60 --json
# a reconnection loses what RIS Live sent meanwhile (it has no replay):
# the first message of a collector on the new connection ends a
# collector_gap from its last one before (docs/events.md §9); the rest are
# the archive's events
grep -v '"collector_gap"' "$tmp/drop.out" > "$tmp/drop.nogap"
check reconnect-same-events "[ $wrc -eq 0 ] && same $tmp/exp.json $tmp/drop.nogap" \
	"exit $wrc; $(sdiff "$tmp/exp.json" "$tmp/drop.nogap")"
n=$(jq -s 'map(select(.type == "collector_gap" and .from < .to)) | length' "$tmp/drop.out")
m=$(grep -c collector_gap "$tmp/exp.json")
check reconnect-gaps "[ \"$n\" -ge 1 ] && [ \"$n\" -le 4 ] && [ $m -eq 0 ] && [ \"$n\" -eq \$(grep -c collector_gap $tmp/drop.out) ]" \
	"$n gaps after 2 reconnections of 2 collectors ($m in the archive's events)"
n=$(grep -c 'disconnected: .*connecting again in' "$tmp/drop.err")
m=$(grep -c 'connected again' "$tmp/drop.err")
check reconnect-logged-once-each "[ $n -eq 2 ] && [ $m -eq 2 ]" "$n disconnects, $m reconnects logged: $(grep -i connect "$tmp/drop.err" | head -5)"
check reconnect-counted "grep -q 'RIS Live [0-9]* messages 0 malformed 0 ris_error 3 connections 2 lost' $tmp/drop.err" "$(grep status "$tmp/drop.err")"

{
	head -n 4000 "$tmp/raw.msgs"
	echo '#STALL 6'
	tail -n +4001 "$tmp/raw.msgs"
} > "$tmp/stall.msgs"
serve stall "$tmp/stall.msgs"
watch_run stall 60 --json --ris-timeout 2
grep -v '"collector_gap"' "$tmp/stall.out" > "$tmp/stall.nogap"
check stall-same-events "[ $wrc -eq 0 ] && same $tmp/exp.json $tmp/stall.nogap" \
	"exit $wrc; $(sdiff "$tmp/exp.json" "$tmp/stall.nogap")"
check stall-detected "grep -q 'nothing received for 2 s' $tmp/stall.err && grep -q 'connected again' $tmp/stall.err" \
	"$(grep -i -e nothing -e connect "$tmp/stall.err" | head -4)"

# no server at all: it keeps trying, says so, and stops on SIGTERM
"$RW" watch --ris-live "ws://127.0.0.1:1/" --ris-backoff 1 > "$tmp/none.out" 2> "$tmp/none.err" &
W=$!
sleep 3
kill -TERM $W
wait $W
rc=$?
n=$(grep -c 'cannot connect' "$tmp/none.err")
check no-server-retries "[ $rc -eq 0 ] && [ $n -ge 2 ]" "exit $rc, $n attempts logged: $(head -3 "$tmp/none.err")"

"$RW" watch --ris-live "http://127.0.0.1/" > /dev/null 2> "$tmp/url.err"
rc=$?
check bad-url-usage "[ $rc -eq 2 ] && grep -q -- '--ris-live wants ws://' $tmp/url.err" "exit $rc: $(head -2 "$tmp/url.err")"

# ---------------------------------------------------------------- a long stream
# 300 000 messages (the sample's, round-robin, time going on) as fast as
# the server sends: all applied, memory flat between the second and the
# last third (an ASan build's quarantine grows: checked on release builds)
NF=300000
rm -f "$tmp/flood.port" "$tmp/flood.port.done"
python3 "$HERE/ris_tool.py" flood "$tmp/flood.port" $NF "$tmp/raw.msgs" &
F=$!
PIDS="$PIDS $F"
i=0
while [ ! -s "$tmp/flood.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
"$RW" watch --ris-live "ws://127.0.0.1:$(cat "$tmp/flood.port")/" --json > "$tmp/flood.out" 2> "$tmp/flood.err" &
W=$!
sleep 1
r1="" r2="" m=0 i=0
while [ $i -lt 600 ]; do
	kill -USR1 $W 2>/dev/null
	sleep 0.5
	m=$(sed -n 's/.*RIS Live \([0-9]*\) messages.*/\1/p' "$tmp/flood.err" | tail -1)
	m=${m:-0}
	[ -z "$r1" ] && [ "$m" -ge $((NF / 3)) ] && r1=$(awk '/VmRSS/ {print $2}' /proc/$W/status)
	[ "$m" -ge $NF ] && r2=$(awk '/VmRSS/ {print $2}' /proc/$W/status) && break
	i=$((i + 1))
done
kill -TERM $W
wait $W
wrc=$?
check long-stream-absorbed "[ $wrc -eq 0 ] && [ $m -eq $NF ] && grep -q 'RIS Live $NF messages 0 malformed' $tmp/flood.err" \
	"exit $wrc, $m of $NF messages: $(grep status "$tmp/flood.err" | tail -1)"
if ldd "$RW" 2>/dev/null | grep -q libasan; then
	echo "skip - ris-live/long-stream-memory-flat: an ASan build (its quarantine grows by design)"
else
	check long-stream-memory-flat "[ -n \"$r1\" ] && [ -n \"$r2\" ] && [ \$(( $r2 - $r1 )) -lt 4096 ]" \
		"RSS ${r1:-?} kB at a third, ${r2:-?} kB at the end"
fi

# ---------------------------------------------------------------- RIPE's sample stream
RL=$SHARED/mrt/libbgpstream/ris-live-stream.json
if [ -f "$RL" ]; then
	serve ripe "$RL"
	watch_run ripe 20 --archive "$tmp/ripe-arch" --rotate 300
	"$RW" dump "$tmp/ripe-arch" > "$tmp/ripe.dump" 2>/dev/null
	check ripe-update-archived "grep -q '^BGP4MP_ET|1553627987.890000|A|72.22.223.9|11708|45.161.192.0/23|11708 32097 1299 52320 263009 263009 263009 263009 263009 52993 268481 268481|IGP|72.22.223.9|' $tmp/ripe.dump && [ -d $tmp/ripe-arch/rrc00 ]" \
		"$(head -3 "$tmp/ripe.dump")"
	check ripe-peer-state-archived "grep -q '^BGP4MP_ET|1553625081.880000|STATE|195.66.224.59|24931|6|1' $tmp/ripe.dump && [ -d $tmp/ripe-arch/rrc01 ]" \
		"$(grep STATE "$tmp/ripe.dump" | head -2)"
	check ripe-error-reported "grep -q 'ris_error (message 3): this is a test error message' $tmp/ripe.err" "$(grep -i error "$tmp/ripe.err" | head -2)"
	check ripe-broken-line-reported "grep -q 'message 7 (byte [0-9]* of the connection): not JSON: ends inside a value: skipped' $tmp/ripe.err" \
		"$(grep skipped "$tmp/ripe.err" | head -2)"
	check ripe-counts "grep -q 'RIS Live 7 messages 1 malformed 1 ris_error 1 connections 0 lost.*2 messages' $tmp/ripe.err && [ $wrc -eq 0 ]" \
		"exit $wrc: $(grep status "$tmp/ripe.err")"
else
	echo "skip - ris-live/ripe-sample: $RL is absent (set RW_SHARED_DATA), the sample stream was not run"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
