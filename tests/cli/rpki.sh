#!/bin/sh
# RPKI route origin validation (docs/events.md §12) over archives: one
# collector, three peers; a RIB dump where AS65551, AS65552 and AS65553
# originate one /24 each, VRPs that allow exactly that, then updates:
#   08:01 two peers see AS64666 announce 192.0.2.0/24 (invalid: as)
#   08:02 two peers see AS65551 announce 192.0.2.128/25 (invalid: length)
#   08:03 one peer sees AS64777 announce 203.0.113.0/24 (unconfirmed at
#         --min-peers 2)
#   08:05 the hijack of 192.0.2.0/24 is withdrawn (rpki_invalid_end)
#   08:10 a second VRP file (CSV, Routinator's columns) takes over: the
#         /25 becomes valid (rpki_invalid_end) and 198.51.100.0/24 is
#         now AS65999's (rpki_invalid with cause vrp_change)
# The first VRP file is rpki-client's JSON (a VRP repeated by two trust
# anchors, an asn as "AS65552"). Then the same through ingest and
# `events --db`, the report's sentences, the schema, bad VRP files.
#
# Usage: tests/cli/rpki.sh [BUILD_DIR]. Prints "ok - rpki/NAME" lines and
# "N passed, N failed". Runs on a fresh clone (no shared data).
set -u
SUITE=rpki
. "$(dirname "$0")/lib_check.sh"

need jq python3

mkdir -p "$tmp/a"
three_peers_spec > "$tmp/spec"
cat >> "$tmp/spec" <<'S'
at 60 0,1 192.0.2.0/24 64510 64666
at 120 0,1 192.0.2.128/25 64500 65551
at 180 2 203.0.113.0/24 64510 64777
at 300 0,1 192.0.2.0/24 64500 65551
at 1200 2 203.0.113.0/24 64500 65553
S
mrt scenario "$tmp/spec" "$tmp/a"
cat > "$tmp/vrps1.json" <<'J'
{"metadata": {"buildtime": "2024-03-09T07:00:00Z", "vrps": 4},
 "roas": [
  {"asn": 65551, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "test", "expires": 1900000000},
  {"asn": "AS65552", "prefix": "198.51.100.0/24", "maxLength": 24, "ta": "test"},
  {"asn": 65553, "prefix": "203.0.113.0/24", "maxLength": 24, "ta": "test"},
  {"asn": 65553, "prefix": "203.0.113.0/24", "maxLength": 24, "ta": "other"}
 ]}
J
cat > "$tmp/vrps2.csv" <<'C'
ASN,IP Prefix,Max Length,Trust Anchor
AS65551,192.0.2.0/24,25,test
AS65999,198.51.100.0/24,24,test
AS65553,203.0.113.0/24,24,test
C
VRPS="--vrps $tmp/vrps1.json --vrps $tmp/vrps2.csv@2024-03-09T08:10:00Z"

"$RW" events --json $VRPS "$tmp/a" > "$tmp/ev.json" 2>"$tmp/err"; rc=$?
check runs "[ $rc -eq 0 ] && [ -s $tmp/ev.json ]" "rc=$rc $(head -c 300 "$tmp/err")"

proj='select(.type | startswith("rpki")) |
	[.type, .time, .origin, (.prefixes | join(",")), (.reason // "-"),
	 (if .vrps then .vrps | map("\(.prefix)-\(.max_length):\(.asn)") | join(",") else "-" end), (.cause // "-"), (.peers // "-")] | join(" ")'
jq -r "$proj" "$tmp/ev.json" > "$tmp/got"
cat > "$tmp/want" <<'W'
rpki_invalid 2024-03-09T08:01:00Z 64666 192.0.2.0/24 as 192.0.2.0/24-24:65551 - 2
rpki_invalid 2024-03-09T08:02:00Z 65551 192.0.2.128/25 length 192.0.2.0/24-24:65551 - 2
rpki_invalid_end 2024-03-09T08:05:00Z 64666 192.0.2.0/24 - - - -
rpki_invalid 2024-03-09T08:10:00Z 65552 198.51.100.0/24 as 198.51.100.0/24-24:65999 vrp_change 3
rpki_invalid_end 2024-03-09T08:10:00Z 65551 192.0.2.128/25 - - - -
W
check events "cmp -s $tmp/want $tmp/got" "got: $(tr '\n' ';' < "$tmp/got")"
check unconfirmed "! grep -q 64777 $tmp/got" "$(grep 64777 "$tmp/got")"

# one peer is enough at --min-peers 1: AS64777's route is invalid from 08:03
"$RW" events --json --min-peers 1 $VRPS "$tmp/a" 2>/dev/null | jq -r "$proj" > "$tmp/one"
check min-peers-1 "grep -q '^rpki_invalid 2024-03-09T08:03:00Z 64777 203.0.113.0/24 as 203.0.113.0/24-24:65553 - 1\$' $tmp/one && grep -q '^rpki_invalid_end 2024-03-09T08:20:00Z 64777' $tmp/one" \
	"$(grep 64777 "$tmp/one" | tr '\n' ';')"

# no VRPs: no RPKI events at all, and the other events unchanged
"$RW" events --json "$tmp/a" > "$tmp/novrp.json" 2>/dev/null
check without-vrps "[ -z \"\$(jq -r '$proj' $tmp/novrp.json)\" ] && [ \"\$(grep -v '\"rpki_' $tmp/ev.json)\" = \"\$(cat $tmp/novrp.json)\" ]" \
	"$(diff "$tmp/novrp.json" "$tmp/ev.json" | grep -v rpki_ | head -3)"

# --type selects them
"$RW" events --json --type rpki_invalid_end $VRPS "$tmp/a" > "$tmp/t.json" 2>/dev/null
check type-filter "[ \"\$(jq -r .type $tmp/t.json | sort -u)\" = rpki_invalid_end ] && [ \$(wc -l < $tmp/t.json) -eq 2 ]" \
	"$(jq -r .type "$tmp/t.json" | tr '\n' ' ')"

# text for people
"$RW" events $VRPS "$tmp/a" > "$tmp/ev.txt" 2>/dev/null
check text "grep -q 'AS64666 RPKI invalid (origin not in the VRPs) on 1 prefix: 192.0.2.0/24; VRPs: 192.0.2.0/24-24 AS65551' $tmp/ev.txt && grep -q 'AS65552 RPKI invalid (origin not in the VRPs, after a VRP change)' $tmp/ev.txt && grep -q 'AS65551 no longer RPKI invalid on 1 prefix: 192.0.2.128/25' $tmp/ev.txt" \
	"$(grep RPKI "$tmp/ev.txt" | head -3 | tr '\n' ' ')"

# stored: ingest, then events --db gives the same events
"$RW" ingest -q --db "$tmp/r.db" $VRPS "$tmp/a" > "$tmp/ing.out" 2>&1; rc=$?
"$RW" events --db "$tmp/r.db" --json > "$tmp/db.json" 2>&1
check stored "[ $rc -eq 0 ] && [ -s $tmp/db.json ] && [ \"\$(jq -S -c . $tmp/db.json | sort)\" = \"\$(jq -S -c . $tmp/ev.json | sort)\" ]" \
	"rc=$rc $(diff "$tmp/db.json" "$tmp/ev.json" | head -4 | tr '\n' ' ')"
"$RW" events --db "$tmp/r.db" > "$tmp/db.txt" 2>&1
check stored-text "cmp -s $tmp/db.txt $tmp/ev.txt" "$(diff "$tmp/db.txt" "$tmp/ev.txt" | head -4 | tr '\n' ' ')"

# ingest in two runs (the second resumes after 08:06 with the VRPs then in
# force, and applies the 08:10 change itself): the same events
ingest_twice 1709971560 2024-03-09T08:06:00Z $VRPS; rc=$?
"$RW" events --db "$tmp/two.db" --json 2>/dev/null | jq -r "$proj" > "$tmp/two"
check resumed "[ $rc -eq 0 ] && cmp -s $tmp/want $tmp/two" "rc=$rc got: $(tr '\n' ';' < "$tmp/two")"

# the report tells them in sentences
"$RW" report 65552 --db "$tmp/r.db" --from 2024-03-09 --until 2024-03-10 > "$tmp/report.txt" 2>&1
check report "grep -q \"AS65552's route to 198.51.100.0/24 became RPKI invalid: no ROA lets it originate (the VRPs changed); the VRPs: 198.51.100.0/24-24 AS65999\" $tmp/report.txt" \
	"$(grep -c . "$tmp/report.txt") lines: $(grep -i rpki "$tmp/report.txt" | head -2 | tr '\n' ' ')"

# VRP files: bad entries are named and skipped, a file that is no VRP
# export is refused with its name
cat > "$tmp/bad.csv" <<'C'
192.0.2.0/24,24,AS65551
192.0.2.1/24,24,AS65551
198.51.100.0/24,20,AS65552
203.0.113.0/24,24,ASfoo
C
"$RW" events --json --vrps "$tmp/bad.csv" "$tmp/a" > "$tmp/bad.json" 2>"$tmp/bad.err"; rc=$?
check bad-entries "[ $rc -eq 0 ] && grep -q 'bad.csv: line 2: host bits set' $tmp/bad.err && grep -q 'bad.csv: line 3: max length' $tmp/bad.err && grep -q 'bad.csv: line 4: not an ASN' $tmp/bad.err && grep -q '\"rpki_invalid\".*64666' $tmp/bad.json" \
	"rc=$rc $(tr '\n' ' ' < "$tmp/bad.err" | head -c 400)"
echo '{"vrps": 3}' > "$tmp/notvrp.json"
"$RW" events --vrps "$tmp/notvrp.json" "$tmp/a" > /dev/null 2>"$tmp/nv.err"; rc=$?
check not-a-vrp-file "[ $rc -ne 0 ] && grep -q 'notvrp.json: a JSON object without a \"roas\" array' $tmp/nv.err" "rc=$rc $(cat "$tmp/nv.err")"
"$RW" events --vrps "$tmp/vrps1.json@yesterday" "$tmp/a" > /dev/null 2>"$tmp/at.err"; rc=$?
check bad-time "[ $rc -eq 2 ] && grep -q 'after .@. a time is wanted' $tmp/at.err" "rc=$rc $(cat "$tmp/at.err")"

check_schema "$tmp/ev.json" "$tmp/db.json"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
