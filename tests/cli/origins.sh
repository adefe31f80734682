#!/bin/sh
# Origins and more-specifics (docs/events.md §10) end to end: an archive
# (one collector, three peers; a RIB dump where AS65551 originates
# 192.0.2.0/24 and 198.51.100.0/24 through AS64500, then updates) in
# which two peers see AS64666 announce a more-specific of 192.0.2.0/24
# (08:01), then 192.0.2.0/24 itself (08:02: a MOAS), and give it back
# (08:05). The JSON events carry the types, times, other_origins,
# covering and covering_origins, they validate against
# docs/events.schema.json, one peer alone confirms nothing at
# --min-peers 2, and ingest then `events --db` gives the same events.
#
# Usage: tests/cli/origins.sh [BUILD_DIR]. Prints "ok - origins/NAME" lines
# and "N passed, N failed". Runs on a fresh clone (no shared data).
set -u
SUITE=origins
. "$(dirname "$0")/lib_check.sh"

need jq python3

# archive DIR NPEERS: the RIB dump and the update file; NPEERS of the
# three peers see AS64666
archive() {
	mkdir -p "$1/rv"
	who=0
	[ "$2" -ge 2 ] && who=0,1
	cat > "$1.spec" <<S
t0 1709971200
peer 3356 198.51.100.1
peer 174 198.51.100.2
peer 1299 198.51.100.3
rib 192.0.2.0/24 64500 65551
rib 198.51.100.0/24 64500 65551
at 60 $who 192.0.2.128/25 64510 64666
at 120 $who 192.0.2.0/24 64510 64666
at 300 $who 192.0.2.0/24 64500 65551
at 600 2 198.51.100.0/24 64500 65551
S
	mrt scenario "$1.spec" "$1/rv"
}

archive "$tmp/a" 2
"$RW" events --json "$tmp/a" > "$tmp/ev.json" 2>"$tmp/err"; rc=$?
check runs "[ $rc -eq 0 ] && [ -s $tmp/ev.json ]" "rc=$rc $(head -c 300 "$tmp/err")"

# one line per §10 event: type time origin prefixes extra
proj='select(.type | IN("origin_gained", "origin_lost", "prefix_new", "more_specific")) |
	[.type, .time, .origin, (.prefixes | join(",")), (.other_origins // .remaining_origins // .covering_origins // [] | map(tostring) | join(",")), (.covering // "-"), (.new_for_prefix // "-")] | join(" ")'
jq -r "$proj" "$tmp/ev.json" > "$tmp/got"
cat > "$tmp/want" <<'W'
prefix_new 2024-03-09T08:01:00Z 64666 192.0.2.128/25  - -
more_specific 2024-03-09T08:01:00Z 64666 192.0.2.128/25 65551 192.0.2.0/24 -
origin_gained 2024-03-09T08:02:00Z 64666 192.0.2.0/24 65551 - true
origin_lost 2024-03-09T08:05:00Z 64666 192.0.2.0/24 65551 - -
W
check origin-events "cmp -s $tmp/want $tmp/got" "got: $(tr '\n' ';' < "$tmp/got")"
check more-specific-keys "jq -s -e 'map(select(.type == \"more_specific\")) | length == 1 and .[0].covering == \"192.0.2.0/24\" and .[0].covering_origins == [65551]' $tmp/ev.json > /dev/null" \
	"$(grep more_specific "$tmp/ev.json")"
check moas-keys "jq -s -e 'map(select(.type == \"origin_gained\")) | length == 1 and .[0].other_origins == [65551] and .[0].new_for_prefix == true' $tmp/ev.json > /dev/null" \
	"$(grep origin_gained "$tmp/ev.json")"
# the hijacker's upstream episodes are the usual events beside them
jq -r 'select(.type == "upstream_gained" and .origin == 64666) | .time' "$tmp/ev.json" > "$tmp/up"
printf '2024-03-09T08:01:00Z\n2024-03-09T08:02:00Z\n' > "$tmp/upwant"
check upstream-events "cmp -s $tmp/up $tmp/upwant" \
	"$(grep upstream_ "$tmp/ev.json" | tr '\n' ' ')"

# text for people
"$RW" events "$tmp/a" > "$tmp/ev.txt" 2>/dev/null
check text "grep -q 'AS64666 announced 1 more-specific inside AS65551.s 192.0.2.0/24: 192.0.2.128/25' $tmp/ev.txt && grep -q 'AS64666 began to originate 1 prefix (a new origin for them), beside AS65551' $tmp/ev.txt" \
	"$(grep -v upstream "$tmp/ev.txt" | head -4 | tr '\n' ' ')"

# one peer is not enough at --min-peers 2
archive "$tmp/one" 1
"$RW" events --json "$tmp/one" > "$tmp/one.json" 2>/dev/null
check unconfirmed "[ -z \"\$(jq -r '$proj' $tmp/one.json)\" ]" "$(jq -r "$proj" "$tmp/one.json" | tr '\n' ';')"

# --type selects them
"$RW" events --json --type more_specific,origin_lost "$tmp/a" > "$tmp/t.json" 2>/dev/null
check type-filter "[ \"\$(jq -r .type $tmp/t.json | tr '\n' ' ')\" = 'more_specific origin_lost ' ]" "$(jq -r .type "$tmp/t.json" | tr '\n' ' ')"

# stored: ingest, then events --db gives the same events
"$RW" ingest -q --db "$tmp/o.db" "$tmp/a" > "$tmp/ing.out" 2>&1; rc=$?
"$RW" events --db "$tmp/o.db" --json > "$tmp/db.json" 2>&1
check stored "[ $rc -eq 0 ] && [ -s $tmp/db.json ] && [ \"\$(jq -S -c . $tmp/db.json | sort)\" = \"\$(jq -S -c . $tmp/ev.json | sort)\" ]" \
	"rc=$rc $(diff "$tmp/db.json" "$tmp/ev.json" | head -4 | tr '\n' ' ')"
# the report tells them in sentences
"$RW" report 64666 --db "$tmp/o.db" --from 2024-03-09 --until 2024-03-10 > "$tmp/report.txt" 2>&1
check report "grep -q 'AS64666 announced 192.0.2.128/25, inside AS65551.s 192.0.2.0/24' $tmp/report.txt && grep -q 'AS64666 began to announce 192.0.2.0/24, which AS65551 also announced' $tmp/report.txt && grep -q 'it had not been an origin of it before; 2 peers saw it until 08:05:00 UTC' $tmp/report.txt && grep -q 'possible sub-prefix hijack); 2 peers saw it, and still did when the window closed' $tmp/report.txt && ! grep -q 'stopped announcing' $tmp/report.txt && grep -q 'AS64666 announced 192.0.2.128/25, seen for the first time' $tmp/report.txt" \
	"$(grep -c . "$tmp/report.txt") lines: $(grep AS64666 "$tmp/report.txt" | head -3 | tr '\n' ' ')"
# and the victim's report tells the hijack of its prefix by AS64666
"$RW" report 65551 --db "$tmp/o.db" --from 2024-03-09 --until 2024-03-10 > "$tmp/victim.txt" 2>&1
check victim-report "grep -q 'AS64666 announced 192.0.2.128/25, inside AS65551.s 192.0.2.0/24' $tmp/victim.txt && grep -q 'AS64666 began to announce 192.0.2.0/24, which AS65551 also announced.*2 peers saw it until 08:05:00 UTC' $tmp/victim.txt" \
	"$(grep -c . "$tmp/victim.txt") lines: $(head -8 "$tmp/victim.txt" | tr '\n' ' ')"
"$RW" events --db "$tmp/o.db" > "$tmp/db.txt" 2>&1
check stored-text "cmp -s $tmp/db.txt $tmp/ev.txt" "$(diff "$tmp/db.txt" "$tmp/ev.txt" | head -4 | tr '\n' ' ')"

# new_for_prefix (docs/events.md §10): AS64666 comes back for 192.0.2.0/24
# after a RIB dump that did not carry it. The run's memory stops at that
# dump (new again); a history store remembers (not new): one row in
# prefix_origins, AS64666's ended episode (AS65551's runs on: it is in the
# stored engine state)
mkdir -p "$tmp/h"
cat > "$tmp/hspec" <<'S'
t0 1709971200
peer 3356 198.51.100.1
peer 174 198.51.100.2
peer 1299 198.51.100.3
rib 192.0.2.0/24 64500 65551
at 60 0,1 192.0.2.0/24 64510 64666
at 300 0,1 192.0.2.0/24 64500 65551
dump 3600
at 3660 0,1 192.0.2.0/24 64510 64666
at 3900 all 192.0.2.0/24 64500 65551
S
mrt scenario "$tmp/hspec" "$tmp/h"
nfp='select(.type == "origin_gained") | "\(.time) \(.new_for_prefix)"'
"$RW" events --json "$tmp/h" 2>/dev/null | jq -r "$nfp" > "$tmp/h.run"
"$RW" ingest -q --db "$tmp/h.db" "$tmp/h" > /dev/null 2>&1
"$RW" events --db "$tmp/h.db" --json 2>/dev/null | jq -r "$nfp" > "$tmp/h.db.out"
printf '2024-03-09T08:01:00Z true\n2024-03-09T09:01:00Z true\n' > "$tmp/h.want.run"
printf '2024-03-09T08:01:00Z true\n2024-03-09T09:01:00Z false\n' > "$tmp/h.want.db"
check new-for-prefix-run "cmp -s $tmp/h.want.run $tmp/h.run" "got: $(tr '\n' ';' < "$tmp/h.run")"
check new-for-prefix-history "cmp -s $tmp/h.want.db $tmp/h.db.out && [ \$(sqlite3 $tmp/h.db 'SELECT count(*) FROM prefix_origins') -eq 1 ]" \
	"got: $(tr '\n' ';' < "$tmp/h.db.out") rows: $(sqlite3 "$tmp/h.db" 'SELECT prefix, origin FROM prefix_origins' 2>&1 | tr '\n' ' ')"

check_schema "$tmp/ev.json" "$tmp/db.json"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
