#!/bin/sh
# Route leaks (docs/events.md §11) end to end: one collector, three peers
# (AS3356, AS174, AS1299, peers of each other) and CAIDA-style
# relationships. AS64510, a customer of both AS174 and AS3356, passes
# routes it learned from AS174 to AS3356 at 08:01: the peer AS3356 sees
# "3356 64510 174 64500 6555x", and AS1299 sees them through AS3356 -- one
# leak (64510, from 174, to 3356) seen by two peers, on two prefixes of two
# origins. At 08:02 one peer alone sees AS64520 leak (unconfirmed at
# --min-peers 2); at 08:03 a path through ASes the file does not know (no
# leak: an unknown link never makes one); at 08:05 the leak ends. Then
# the store, the report of the leaker and of a network whose routes
# leaked, the schema, and a relationships file that cannot be read.
#
# Usage: tests/cli/leaks.sh [BUILD_DIR]. Prints "ok - leaks/NAME" lines and
# "N passed, N failed". Runs on a fresh clone (no shared data).
set -u
SUITE=leaks
. "$(dirname "$0")/lib_check.sh"

need jq python3

mkdir -p "$tmp/a"
three_peers_spec > "$tmp/spec"
cat >> "$tmp/spec" <<'S'
at 60 0 192.0.2.0/24 64510 174 64500 65551
at 60 0 198.51.100.0/24 64510 174 64500 65552
at 60 2 192.0.2.0/24 3356 64510 174 64500 65551
at 60 2 198.51.100.0/24 3356 64510 174 64500 65552
at 120 0 203.0.113.0/24 64520 1299 64500 65553
at 180 0,1 203.0.113.0/24 64530 64531 64500 65553
at 300 0,2 192.0.2.0/24 64500 65551
at 300 0,2 198.51.100.0/24 64500 65552
at 900 all 203.0.113.0/24 64500 65553
S
mrt scenario "$tmp/spec" "$tmp/a"
cat > "$tmp/rel.txt" <<'R'
# a|b|-1: a is b's provider; a|b|0: peers
3356|174|0
3356|1299|0
174|1299|0
3356|64500|-1
174|64500|-1
1299|64500|-1
64500|65551|-1
64500|65552|-1
64500|65553|-1
3356|64510|-1
174|64510|-1
3356|64520|-1
1299|64520|-1
R
bzip2 -k "$tmp/rel.txt"

"$RW" events --json --relationships "$tmp/rel.txt.bz2" "$tmp/a" > "$tmp/ev.json" 2>"$tmp/err"; rc=$?
check runs "[ $rc -eq 0 ] && [ -s $tmp/ev.json ]" "rc=$rc $(head -c 300 "$tmp/err")"

proj='select(.type | startswith("route_leak")) |
	[.type, .time, .leaker, .from, .to, (.prefixes | join(",")), (.origins | map(tostring) | join(",")), .origin, (.peers // "-")] | join(" ")'
jq -r "$proj" "$tmp/ev.json" > "$tmp/got"
cat > "$tmp/want" <<'W'
route_leak 2024-03-09T08:01:00Z 64510 174 3356 192.0.2.0/24,198.51.100.0/24 65551,65552 65551 2
route_leak_end 2024-03-09T08:05:00Z 64510 174 3356 192.0.2.0/24,198.51.100.0/24 65551,65552 65551 -
W
check events "cmp -s $tmp/want $tmp/got" "got: $(tr '\n' ';' < "$tmp/got")"
check unconfirmed "! grep -q 64520 $tmp/got" "$(grep 64520 "$tmp/got")"

# one peer is enough at --min-peers 1: AS64520's leak from AS1299 to AS3356
"$RW" events --json --min-peers 1 --relationships "$tmp/rel.txt" "$tmp/a" 2>/dev/null | jq -r "$proj" > "$tmp/one"
check min-peers-1 "grep -q '^route_leak 2024-03-09T08:02:00Z 64520 1299 3356 203.0.113.0/24 65553 65553 1\$' $tmp/one && grep -q '^route_leak_end 2024-03-09T08:03:00Z 64520 1299 3356 203.0.113.0/24' $tmp/one && ! grep -q 6453 $tmp/one" \
	"$(tr '\n' ';' < "$tmp/one")"

# no relationships: no leak events, the others unchanged
"$RW" events --json "$tmp/a" > "$tmp/norel.json" 2>/dev/null
check without-relationships "[ \"\$(grep -v '\"route_leak' $tmp/ev.json)\" = \"\$(cat $tmp/norel.json)\" ]" \
	"$(diff "$tmp/norel.json" "$tmp/ev.json" | grep -v route_leak | head -3)"

"$RW" events --json --type route_leak --relationships "$tmp/rel.txt" "$tmp/a" > "$tmp/t.json" 2>/dev/null
check type-filter "[ \"\$(jq -r .type $tmp/t.json)\" = route_leak ]" "$(jq -r .type "$tmp/t.json" | tr '\n' ' ')"

"$RW" events --relationships "$tmp/rel.txt" "$tmp/a" > "$tmp/ev.txt" 2>/dev/null
check text "grep -q 'AS64510 leaked 2 prefixes of AS65551, AS65552 from AS174 to AS3356: 192.0.2.0/24, 198.51.100.0/24' $tmp/ev.txt && grep -q 'AS64510 no longer leaks 2 prefixes' $tmp/ev.txt" \
	"$(grep -i leak "$tmp/ev.txt" | head -2 | tr '\n' ' ')"

# stored: ingest, then events --db gives the same events
"$RW" ingest -q --db "$tmp/l.db" --relationships "$tmp/rel.txt" "$tmp/a" > /dev/null 2>&1; rc=$?
"$RW" events --db "$tmp/l.db" --json > "$tmp/db.json" 2>&1
check stored "[ $rc -eq 0 ] && [ \"\$(jq -S -c . $tmp/db.json | sort)\" = \"\$(jq -S -c . $tmp/ev.json | sort)\" ]" \
	"rc=$rc $(diff "$tmp/db.json" "$tmp/ev.json" | head -4 | tr '\n' ' ')"
"$RW" events --db "$tmp/l.db" > "$tmp/db.txt" 2>&1
check stored-text "cmp -s $tmp/db.txt $tmp/ev.txt" "$(diff "$tmp/db.txt" "$tmp/ev.txt" | head -4 | tr '\n' ' ')"

# ingest in two runs, the second resuming in the middle of the leak (the
# detector's snapshot keeps the leak table its episodes are keyed by)
ingest_twice 1709971380 2024-03-09T08:03:30Z --relationships "$tmp/rel.txt"; rc=$?
"$RW" events --db "$tmp/two.db" --json 2>/dev/null | jq -r "$proj" > "$tmp/two"
check resumed "[ $rc -eq 0 ] && cmp -s $tmp/want $tmp/two" "rc=$rc got: $(tr '\n' ';' < "$tmp/two")"

# the leaker's report, and the report of a network whose routes leaked
"$RW" report 64510 --db "$tmp/l.db" --from 2024-03-09 --until 2024-03-10 > "$tmp/r1.txt" 2>&1
check report-leaker "grep -q 'AS64510 leaked the routes to 192.0.2.0/24, 198.51.100.0/24 of AS65551 and AS65552, learned from AS174, to AS3356' $tmp/r1.txt" \
	"$(grep -i leak "$tmp/r1.txt" | head -2 | tr '\n' ' ')"
"$RW" report 65552 --db "$tmp/l.db" --from 2024-03-09 --until 2024-03-10 > "$tmp/r2.txt" 2>&1
check report-victim "grep -q 'AS64510 leaked the routes to.*; 2 peers saw it until 08:05:00 UTC' $tmp/r2.txt && ! grep -q 'stopped leaking' $tmp/r2.txt" \
	"$(head -8 "$tmp/r2.txt" | tr '\n' ' ')"

# a relationships file that cannot be read stops the run, naming it
"$RW" events --relationships "$tmp/none.txt" "$tmp/a" > /dev/null 2>"$tmp/nf.err"; rc=$?
check missing-file "[ $rc -ne 0 ] && grep -q 'relationships .*none.txt' $tmp/nf.err" "rc=$rc $(cat "$tmp/nf.err")"

check_schema "$tmp/ev.json" "$tmp/db.json"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
