#!/bin/sh
# `watch --follow` (docs/watch-live.md): a mirror whose files appear over
# time (tests/cli/mirror_feed.py copies the sample archive's files,
# `routewatch synth sample`, in time order, a few at a time), followed as
# a local directory and over HTTP (python3's http.server on 127.0.0.1).
# watch prints the events `events` prints over the final mirror (live in
# the order they are determined, batch sorted by time: compared sorted),
# applying files as they land, not all at the end: with a file late but
# within --late, and one missing (a collector_gap in both). A file that
# comes after the stream passed its time is not applied: the events are
# those of the mirror without it, and it is named. --from-rib starts from
# each collector's latest RIB dump: the events of `events --from` that
# dump's time. --db: a second run continues where the first stopped.
#
# Usage: tests/cli/follow.sh [BUILD_DIR]. Prints "ok/not ok - follow/NAME"
# lines and "N passed, N failed".
set -u
SUITE=follow
. "$(dirname "$0")/lib_check.sh"
need python3 jq
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null; done; [ -n "${KEEP:-}" ] && echo "# kept $tmp" || rm -rf "$tmp"' EXIT
feed() { python3 "$HERE/mirror_feed.py" "$@"; }
same() { sort "$1" > "$1.s"; sort "$2" > "$2.s"; cmp -s "$1.s" "$2.s"; }
sdiff() { sort "$1" > "$1.s"; sort "$2" > "$2.s"; diff "$1.s" "$2.s" | head -4; }
# start NAME ARGS...: watch in the background (events in $tmp/NAME.out)
start() {
	n=$1
	shift
	"$RW" watch --json --poll 1 "$@" > "$tmp/$n.out" 2> "$tmp/$n.err" &
	W=$!
	sleep 1.5
}
# stop NAME: what was printed before the stop in $tmp/NAME.before, SIGTERM,
# the status in $wrc
stop() {
	sleep "${1:-5}"
	cp "$tmp/$n.out" "$tmp/$n.before"
	kill -TERM $W
	wait $W
	wrc=$?
}
batches() { sed -n 's/.*followed [0-9]* files in \([0-9]*\) batches.*/\1/p' "$1" | tail -1; }

S=$tmp/sample
"$RW" synth sample "$S" 2>/dev/null

# ---------------------------------------------------------------- a local directory
M=$tmp/m1
mkdir -p "$M"
start dir --follow "$M" --late 4 --exec "cat >> $tmp/dir.exec"
feed "$S" "$M" 30 1.2
stop
"$RW" events --json "$M" > "$tmp/dir.exp" 2>/dev/null
check dir-same-events "[ $wrc -eq 0 ] && [ \$(wc -l < $tmp/dir.exp) -gt 10 ] && same $tmp/dir.exp $tmp/dir.out" \
	"exit $wrc; $(sdiff "$tmp/dir.exp" "$tmp/dir.out")"
n=$(grep -c '"type"' "$tmp/dir.exec" 2>/dev/null)
check dir-exec-alerts "[ \"${n:-0}\" -eq \$(wc -l < $tmp/dir.out) ]" "${n:-0} alerts for $(wc -l < "$tmp/dir.out") events"
nb=$(batches "$tmp/dir.err")
check dir-as-files-land "[ \"\${nb:-0}\" -ge 4 ] && [ \$(wc -l < $tmp/dir.before) -ge \$(( \$(wc -l < $tmp/dir.exp) / 2 )) ]" \
	"${nb:-?} batches; $(wc -l < "$tmp/dir.before") events before the stop"

# one file late (within --late), one missing: the gap in both
M=$tmp/m2
mkdir -p "$M"
start gap --follow "$M" --late 4 -v
feed "$S" "$M" 30 1.2 --hold updates.20171001.0930.gz:2 --skip updates.20171001.1015.gz
stop
"$RW" events --json "$M" > "$tmp/gap.exp" 2>/dev/null
check gap-same-events "[ $wrc -eq 0 ] && same $tmp/gap.exp $tmp/gap.out" "exit $wrc; $(sdiff "$tmp/gap.exp" "$tmp/gap.out")"
g=$(jq -c 'select(.type == "collector_gap") | [.collector, .from, .to]' "$tmp/gap.out")
want='["rrc00","2017-10-01T10:14:45Z","2017-10-01T10:20:01Z"]'
check gap-reported '[ "$g" = "$want" ]' "gaps: $g"
check gap-late-file-waited "grep -q 'updates.20171001.0935.gz: a file of rrc00 before it is missing: waiting' $tmp/gap.err && ! grep -q 'came after the stream' $tmp/gap.err" \
	"$(grep -e missing -e came "$tmp/gap.err" | head -3)"

# a file that comes after its time was passed: named, not applied
M=$tmp/m3
mkdir -p "$M"
start toolate --follow "$M" --late 2
feed "$S" "$M" 30 1.2 --hold updates.20171001.1100.gz:9
stop
mkdir -p "$tmp/m3-without"
cp -r "$M"/* "$tmp/m3-without/"
rm "$tmp/m3-without/rrc00/updates.20171001.1100.gz"
"$RW" events --json "$tmp/m3-without" > "$tmp/toolate.exp" 2>/dev/null
check too-late-not-applied "[ $wrc -eq 0 ] && same $tmp/toolate.exp $tmp/toolate.out" \
	"exit $wrc; $(sdiff "$tmp/toolate.exp" "$tmp/toolate.out")"
check too-late-named "grep -q 'updates.20171001.1100.gz: came after the stream passed its time' $tmp/toolate.err && grep -q ', 1 late' $tmp/toolate.err" \
	"$(grep -e came -e status "$tmp/toolate.err" | head -3)"
check too-late-gap "jq -s -e 'map(select(.type == \"collector_gap\" and .collector == \"rrc00\" and .to >= \"2017-10-01T11:05:00Z\")) | length == 1' $tmp/toolate.out > /dev/null" \
	"no collector_gap for the file that came too late"

# ---------------------------------------------------------------- HTTP
M=$tmp/m4
mkdir -p "$M"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$M" > "$tmp/http.log" 2>&1 &
H=$!
PIDS="$PIDS $H"
i=0
while ! grep -q 'port [0-9]' "$tmp/http.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
hp=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$tmp/http.log" | head -1)
start http --follow "http://127.0.0.1:$hp/" --cache "$tmp/cache" --late 4
feed "$S" "$M" 30 1.2 --hold updates.20171001.0930.gz:2 --skip updates.20171001.1015.gz
stop 6
"$RW" events --json "$M" > "$tmp/http.exp" 2>/dev/null
check http-same-events "[ $wrc -eq 0 ] && [ -s $tmp/http.exp ] && same $tmp/http.exp $tmp/http.out" \
	"exit $wrc; $(sdiff "$tmp/http.exp" "$tmp/http.out")"
n=$(find "$tmp/cache" -name 'updates.*' | wc -l)
m=$(find "$M" -name 'updates.*' | wc -l)
check http-downloaded "[ $n -eq $m ] && [ -z \"\$(find $tmp/cache -name '*.part')\" ]" "$n of $m update files in the cache"
# a server that goes away: the downloads fail, are retried, and the
# files land when it is back
mkdir -p "$tmp/m5"
kill $H
wait $H 2>/dev/null
start down --follow "http://127.0.0.1:$hp/" --cache "$tmp/cache5" --late 60
stop 2
check http-server-down "[ $wrc -eq 0 ] && grep -q 'cannot read the listing' $tmp/down.err" "exit $wrc: $(head -3 "$tmp/down.err")"

# ---------------------------------------------------------------- --from-rib
M=$tmp/m6
mkdir -p "$M"
feed "$S" "$M" 1 0 --all-now --to 20171001.0900
start rib --follow "$M" --from-rib --late 4
feed "$S" "$M" 30 1.2 --from 20171001.0900
stop
"$RW" events --json --from 2017-10-01T08:00:00Z "$M" > "$tmp/rib.exp" 2>/dev/null
check from-rib-same-events "[ $wrc -eq 0 ] && [ -s $tmp/rib.exp ] && same $tmp/rib.exp $tmp/rib.out" \
	"exit $wrc; $(sdiff "$tmp/rib.exp" "$tmp/rib.out")"
n=$(jq -s 'map(select(.time < "2017-10-01T08:05:00Z")) | length' "$tmp/rib.out")
check from-rib-silent-baseline "[ \"$n\" -lt 5 ]" "$n events in the first five minutes: the table reported as gained?"
# without --from-rib, what is there at the start is not read
start norib --follow "$M" --late 4
stop 2
check no-from-rib-past-ignored "[ \$(wc -l < $tmp/norib.out) -eq 0 ] && grep -q 'followed 0 files' $tmp/norib.err" \
	"$(wc -l < "$tmp/norib.out") events; $(grep status "$tmp/norib.err")"

# ---------------------------------------------------------------- --db
M=$tmp/m7
mkdir -p "$M"
start db1 --follow "$M" --late 4 --db "$tmp/w.db" --checkpoint 1
feed "$S" "$M" 30 1.2 --to 20171001.1100
stop 3
start db2 --follow "$M" --late 4 --db "$tmp/w.db" --checkpoint 1
feed "$S" "$M" 30 1.2 --from 20171001.1100
stop
"$RW" events --json "$M" > "$tmp/db.exp" 2>/dev/null
cat "$tmp/db1.out" "$tmp/db2.out" > "$tmp/db.out"
check db-resume-same-events "[ $wrc -eq 0 ] && same $tmp/db.exp $tmp/db.out" "exit $wrc; $(sdiff "$tmp/db.exp" "$tmp/db.out")"
"$RW" events --json --db "$tmp/w.db" > "$tmp/db.stored" 2>/dev/null
check db-stored-events "same $tmp/db.exp $tmp/db.stored" "$(sdiff "$tmp/db.exp" "$tmp/db.stored")"

# ---------------------------------------------------------------- bootstrap, then RIS Live
# the mirror has the files before 10:00 (RIBs at 08:00), the stream the
# messages from 09:30 on: each collector from its RIB, its updates, then
# the stream (what the files hold is not applied twice)
M=$tmp/m8
mkdir -p "$M"
feed "$S" "$M" 1 0 --all-now --to 20171001.1000
python3 "$HERE/ris_tool.py" messages "$S/rrc00" "$S/route-views2" |
	jq -c 'select(.data.timestamp >= 1506850200)' > "$tmp/boot.msgs"
python3 "$HERE/ris_tool.py" serve "$tmp/boot.port" "$tmp/boot.msgs" &
PIDS="$PIDS $!"
i=0
while [ ! -s "$tmp/boot.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
start boot --ris-live "ws://127.0.0.1:$(cat "$tmp/boot.port")/" --follow "$M" --from-rib --late 3
i=0
while [ ! -f "$tmp/boot.port.done" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
stop 8
"$RW" events --json --from 2017-10-01T08:00:00Z "$S" > "$tmp/boot.exp" 2>/dev/null
check bootstrap-then-stream "[ $wrc -eq 0 ] && [ -s $tmp/boot.exp ] && same $tmp/boot.exp $tmp/boot.out" \
	"exit $wrc; $(sdiff "$tmp/boot.exp" "$tmp/boot.out")"
check bootstrap-logged "grep -q 'bootstrap done: the mirrors. files up to 2017-10-01T09:[0-9:]*Z applied' $tmp/boot.err" \
	"$(grep -i boot "$tmp/boot.err" | head -2)"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
