#!/bin/sh
# Watch lists (docs/events.md §13) over archives: BGPalerter's
# prefixes.yml, unchanged, watching 192.0.2.0/24 (AS65551, group noc),
# 198.51.100.0/24 (AS65552, ignoreMorespecifics) and the network AS65551
# (upstream AS64500 only, no downstream). One collector, three peers, two
# of them seeing each change:
#   08:01 AS64666 announces 192.0.2.0/24          hijack (and rpki: VRPs)
#   08:02 AS64777 announces 192.0.2.128/25        hijack of a more-specific
#   08:03 AS65551 announces 192.0.2.0/25          newprefix
#         AS65552 announces 198.51.100.128/25     nothing (ignoreMorespecifics)
#   08:04 AS65551 announces 10.9.0.0/16, and 10.8.0.0/16 through AS64999
#                                                 misconfiguration, neighbor
#   08:04:30 AS65560 announces 10.7.0.0/16 through AS65551
#                                                 neighbor (a downstream)
#   08:05 the hijack of 192.0.2.0/24 ends         hijack_end, rpki_end
#   08:05:30 two peers withdraw 198.51.100.0/24   visibility (2 peers)
#   08:06:40 they announce it again               visibility_end
#   08:08 192.0.2.0/24 through a path ending in an AS_SET: hijack with no
#         origin (and path: it goes through AS64510); 08:09 back
#   08:10 AS65553 announces 203.0.113.128/25 under its watched /24, which
#         no VRP covers: newprefix, and rpki with reason not_found
# and the entry's path rule (".*64510.*") sees the routes through AS64510
# (path, path_end).
# then unconfirmed at --min-peers 3, the store and the victim's report,
# a broken list named with its line, and the schema.
#
# Usage: tests/cli/watch.sh [BUILD_DIR]. Prints "ok - watch/NAME" lines and
# "N passed, N failed". Runs on a fresh clone (no shared data).
set -u
SUITE=watch
. "$(dirname "$0")/lib_check.sh"

need jq python3

mkdir -p "$tmp/a"
three_peers_spec > "$tmp/spec"
cat >> "$tmp/spec" <<'S'
at 60 0,1 192.0.2.0/24 64510 64666
at 120 0,1 192.0.2.128/25 64510 64777
at 180 0,1 192.0.2.0/25 64500 65551
at 180 0,1 198.51.100.128/25 64500 65552
at 240 0,1 10.9.0.0/16 64500 65551
at 240 0,1 10.8.0.0/16 64999 65551
at 270 0,1 10.7.0.0/16 65551 65560
at 300 0,1 192.0.2.0/24 64500 65551
at 330 0,1 198.51.100.0/24 withdraw
at 400 0,1 198.51.100.0/24 64500 65552
at 480 0,1 192.0.2.0/24 64510 {64666,64667}
at 540 0,1 192.0.2.0/24 64500 65551
at 600 0,1 203.0.113.128/25 64500 65553
S
mrt scenario "$tmp/spec" "$tmp/a"
# as BGPalerter's documentation writes them (an anchor for the shared part)
cat > "$tmp/prefixes.yml" <<'Y'
192.0.2.0/24:
  description: office network
  asn: 65551
  ignoreMorespecifics: false
  ignore: false
  group: noc
  path:
    match: ".*64510.*"
    matchDescription: through AS64510
198.51.100.0/24: &lab
  description: lab
  asn:
    - 65552
  ignoreMorespecifics: true
  ignore: false
203.0.113.0/24:
  description: uncovered block
  asn: 65553
  ignoreMorespecifics: false
  ignore: false
options:
  monitorASns:
    '65551':
      group: noc
      upstreams:
        - 64500
      downstreams: []
Y
printf '192.0.2.0/24,24,AS65551\n' > "$tmp/vrps.csv"
W="--watch $tmp/prefixes.yml --vrps $tmp/vrps.csv"

"$RW" events --json $W "$tmp/a" > "$tmp/ev.json" 2>"$tmp/err"; rc=$?
check runs "[ $rc -eq 0 ] && [ -s $tmp/ev.json ]" "rc=$rc $(head -c 300 "$tmp/err")"

watch_types='"hijack","hijack_end","newprefix","newprefix_end","misconfiguration","misconfiguration_end","neighbor","neighbor_end","rpki","rpki_end","path","path_end","visibility","visibility_end"'
proj="select(.type | IN($watch_types)) |
	[.type, .time, .origin, (.prefixes | join(\",\")), (.watched // .watched_asn | tostring), (.expected // [] | map(tostring) | join(\",\")), (.neighbor // \"-\" | tostring), (.side // \"-\"), (.group | join(\",\"))] | join(\" \")"
jq -r "$proj" "$tmp/ev.json" > "$tmp/got"
cat > "$tmp/want" <<'E'
hijack 2024-03-09T08:01:00Z 64666 192.0.2.0/24 192.0.2.0/24 65551 - - noc
rpki 2024-03-09T08:01:00Z 64666 192.0.2.0/24 192.0.2.0/24 65551 - - noc
path 2024-03-09T08:01:00Z 64666 192.0.2.0/24 192.0.2.0/24 65551 - - noc
hijack 2024-03-09T08:02:00Z 64777 192.0.2.128/25 192.0.2.0/24 65551 - - noc
rpki 2024-03-09T08:02:00Z 64777 192.0.2.128/25 192.0.2.0/24 65551 - - noc
path 2024-03-09T08:02:00Z 64777 192.0.2.128/25 192.0.2.0/24 65551 - - noc
newprefix 2024-03-09T08:03:00Z 65551 192.0.2.0/25 192.0.2.0/24 65551 - - noc
rpki 2024-03-09T08:03:00Z 65551 192.0.2.0/25 192.0.2.0/24 65551 - - noc
misconfiguration 2024-03-09T08:04:00Z 65551 10.8.0.0/16,10.9.0.0/16 65551  - - noc
neighbor 2024-03-09T08:04:00Z 65551 10.8.0.0/16 65551  64999 upstream noc
neighbor 2024-03-09T08:04:30Z 65551 10.7.0.0/16 65551  65560 downstream noc
hijack_end 2024-03-09T08:05:00Z 64666 192.0.2.0/24 192.0.2.0/24 65551 - - noc
rpki_end 2024-03-09T08:05:00Z 64666 192.0.2.0/24 192.0.2.0/24 65551 - - noc
path_end 2024-03-09T08:05:00Z 65551 192.0.2.0/24 192.0.2.0/24 65551 - - noc
visibility 2024-03-09T08:05:30Z 65552 198.51.100.0/24 198.51.100.0/24 65552 - - default
visibility_end 2024-03-09T08:06:40Z 65552 198.51.100.0/24 198.51.100.0/24 65552 - - default
hijack 2024-03-09T08:08:00Z  192.0.2.0/24 192.0.2.0/24 65551 - - noc
path 2024-03-09T08:08:00Z 65551 192.0.2.0/24 192.0.2.0/24 65551 - - noc
hijack_end 2024-03-09T08:09:00Z  192.0.2.0/24 192.0.2.0/24 65551 - - noc
path_end 2024-03-09T08:09:00Z 65551 192.0.2.0/24 192.0.2.0/24 65551 - - noc
newprefix 2024-03-09T08:10:00Z 65553 203.0.113.128/25 203.0.113.0/24 65553 - - default
rpki 2024-03-09T08:10:00Z 65553 203.0.113.128/25 203.0.113.0/24 65553 - - default
E
check events "cmp -s $tmp/want $tmp/got" "got: $(tr '\n' ';' < "$tmp/got")"
check ignore-more-specifics "! grep -q 198.51.100.128 $tmp/got" "$(grep 198.51.100.128 "$tmp/got")"
check description "jq -s -e 'map(select(.type == \"hijack\")) | length == 3 and all(.description == \"office network\" and .peers == 2) and (map(.origin) == [64666, 64777, null])' $tmp/ev.json > /dev/null" \
	"$(grep '"hijack"' "$tmp/ev.json" | head -1)"

check not-found "jq -s -e 'map(select(.type == \"rpki\" and .origin == 65553)) | length == 1 and .[0].reason == \"not_found\" and .[0].vrps == []' $tmp/ev.json > /dev/null" \
	"$(grep '"rpki"' "$tmp/ev.json" | tail -1)"

# the other events are the same with and without the list
"$RW" events --json --vrps "$tmp/vrps.csv" "$tmp/a" > "$tmp/nowatch.json" 2>/dev/null
echo "select(.type | IN($watch_types) | not)" > "$tmp/others.jq"
check without-watch "[ \"\$(jq -c -f $tmp/others.jq $tmp/ev.json)\" = \"\$(cat $tmp/nowatch.json)\" ]" \
	"$(diff "$tmp/nowatch.json" "$tmp/ev.json" | head -3)"

# a single peer confirms nothing at --min-peers 3
"$RW" events --json --min-peers 3 $W "$tmp/a" 2>/dev/null | jq -r "$proj" > "$tmp/three"
check unconfirmed "[ ! -s $tmp/three ]" "$(tr '\n' ';' < "$tmp/three")"

"$RW" events $W "$tmp/a" > "$tmp/ev.txt" 2>/dev/null
check text "grep -q 'AS64666 hijack of watched 192.0.2.0/24 (expected AS65551): 192.0.2.0/24 \[office network\] (group noc)' $tmp/ev.txt && grep -q 'AS65551 has downstream AS65560, which the watch list does not allow' $tmp/ev.txt && grep -q 'AS64777 a path of watched 192.0.2.0/24 through AS64510: 192.0.2.128/25' $tmp/ev.txt && grep -q 'AS65552 watched 198.51.100.0/24 withdrawn by 2 peers' $tmp/ev.txt" \
	"$(grep -i watch "$tmp/ev.txt" | head -3 | tr '\n' ' ')"

# stored: ingest, then events --db gives the same events; the victim's
# report tells the hijack of its watched prefix
"$RW" ingest -q --db "$tmp/w.db" $W "$tmp/a" > /dev/null 2>&1; rc=$?
"$RW" events --db "$tmp/w.db" --json > "$tmp/db.json" 2>&1
check stored "[ $rc -eq 0 ] && [ \"\$(jq -S -c . $tmp/db.json | sort)\" = \"\$(jq -S -c . $tmp/ev.json | sort)\" ]" \
	"rc=$rc $(diff "$tmp/db.json" "$tmp/ev.json" | head -4 | tr '\n' ' ')"
# ingest in two runs, the second resuming while two peers have lost
# 198.51.100.0/24 (the detector's snapshot keeps the watched prefixes'
# peers): the same events
ingest_twice 1709971560 2024-03-09T08:06:00Z $W; rc=$?
"$RW" events --db "$tmp/two.db" --json 2>/dev/null | jq -r "$proj" > "$tmp/two"
check resumed "[ $rc -eq 0 ] && cmp -s $tmp/want $tmp/two" "rc=$rc $(diff "$tmp/want" "$tmp/two" | tr '\n' ';')"
"$RW" report 65551 --db "$tmp/w.db" --from 2024-03-09 --until 2024-03-10 > "$tmp/report.txt" 2>&1
check report-victim "grep -q 'AS64666 began to announce 192.0.2.0/24, which the watch list gives to AS65551 (a hijack of a watched prefix)' $tmp/report.txt && grep -q 'AS64777 began to announce 192.0.2.128/25' $tmp/report.txt" \
	"$(grep -i hijack "$tmp/report.txt" | head -3 | tr '\n' ' ')"

# a list that cannot be read: the file, line and column, and nothing runs
printf '192.0.2.0/24:\n  asn: sixty\n' > "$tmp/bad.yml"
"$RW" events --watch "$tmp/bad.yml" "$tmp/a" > /dev/null 2>"$tmp/bad.err"; rc=$?
check bad-list "[ $rc -ne 0 ] && grep -q 'bad.yml:2:' $tmp/bad.err" "rc=$rc $(cat "$tmp/bad.err")"

check_schema "$tmp/ev.json" "$tmp/db.json"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
