#!/bin/sh
# Routing security live (docs/events.md §10-§13): Debian's stayrtr serves
# a VRP file over RTR (RFC 8210); `collect --rtr` takes it through RTRlib,
# with CAIDA-style relationships, and an ExaBGP peer announces three
# routes, one of them invalid (its origin is not the VRP's; one of them
# gives KP, by --countries, its international provider), then a hijack
# of a watched prefix (origin_gained, and hijack with the watch list's
# group, whose alerts go to their own --group-exec) and a leak (AS64510
# passes AS174's route to AS3356). Then stayrtr's file changes: one route becomes
# invalid (cause vrp_change), the invalid one valid (rpki_invalid_end),
# both in the second the change reached the collector. Every event equals
# `events` over the collector's archive with the same relationships and
# the two VRP files, the second from that second on. Then the RPKI part
# again with `collect --vrps FILE` rewritten in place.
#
# Usage: tests/cli/security_live.sh [BUILD_DIR]. Prints "ok - security-live/NAME"
# lines and "N passed, N failed".
set -u
SUITE=security-live
. "$(dirname "$0")/lib_collect.sh"

if ! command -v stayrtr >/dev/null 2>&1; then
	nok stayrtr "not installed (scripts/install-deps.sh test installs Debian's stayrtr)"
	echo "$pass passed, $fail failed"
	exit 1
fi
RPORT=$((PORT + 2))
MPORT=$((PORT + 3))

vrps() { # FILE ASN-of-198.51.100.0/24 ASN-of-203.0.113.0/24
	cat > "$1.tmp" <<EOF
{"metadata": {"buildtime": "2024-03-09T07:00:00Z"},
 "roas": [
  {"asn": 65551, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "test"},
  {"asn": $2, "prefix": "198.51.100.0/24", "maxLength": 24, "ta": "test"},
  {"asn": $3, "prefix": "203.0.113.0/24", "maxLength": 24, "ta": "test"}
 ]}
EOF
	mv "$1.tmp" "$1" # whole, as rpki-client writes it
}
announce() {
	sleep 2 # ExaBGP's command reader (tail -F) starts after the session
	exa 127.0.0.4 "announce route 192.0.2.0/24 next-hop 192.0.2.4 as-path [ 64500 65551 ]"
	exa 127.0.0.4 "announce route 198.51.100.0/24 next-hop 192.0.2.4 as-path [ 64500 65552 ]"
	exa 127.0.0.4 "announce route 203.0.113.0/24 next-hop 192.0.2.4 as-path [ 64510 64666 ]"
	exa 127.0.0.4 "announce route 10.1.0.0/16 next-hop 192.0.2.4 as-path [ 64500 65560 ]"
}
cat > "$tmp/rel.txt" <<'R'
3356|64510|-1
174|64510|-1
174|64500|-1
64500|65551|-1
64500|65554|-1
R
# one line per RPKI event, without times
proj='select(.type | startswith("rpki_invalid")) | [.type, .origin, (.prefixes | join(",")), (.reason // "-"), (.cause // "-")] | join(" ")'

# ---- through stayrtr
vrps "$tmp/v1.json" 65552 65553
cp "$tmp/v1.json" "$tmp/served.json"
stayrtr -cache "$tmp/served.json" -bind 127.0.0.1:$RPORT -metrics.addr 127.0.0.1:$MPORT -checktime=false \
	-refresh 1 -loglevel debug > "$tmp/stayrtr.log" 2>&1 &
PIDS="$PIDS $!"
wait_for "$tmp/stayrtr.log" 'StayRTR Server started' 10 || nok stayrtr-start "stayrtr did not start" "$tmp/stayrtr.log"
mkdir -p "$tmp/arch"
# the watch list: 10.1.0.0/16 is AS65560's (group noc, whose alerts go to
# their own command); the rest of the alerts to --exec
cat > "$tmp/prefixes.yml" <<'Y'
10.1.0.0/16:
  description: customer block
  asn: 65560
  ignoreMorespecifics: false
  ignore: false
  group: noc
Y
# the networks' countries (docs/events.md §14): AS65551 in KP, reached
# through AS64500 in CN
printf '65551\tNET-KP, KP\n64500\tTRANSIT-CN, CN\n64666\tOTHER, RU\n' > "$tmp/geo.txt"
start_col rtr --json --min-peers 1 --rtr 127.0.0.1:$RPORT --archive "$tmp/arch" --collector rv \
	--relationships "$tmp/rel.txt" --watch "$tmp/prefixes.yml" --countries "$tmp/geo.txt" \
	--group-exec "noc=cat >> $tmp/noc.alerts" --exec "cat >> $tmp/all.alerts"
check rtr-sync "grep -q 'rtr 127.0.0.1:$RPORT: 3 VRPs' $tmp/rtr.err" "no full set from stayrtr" "$tmp/rtr.err"
start_exa 127.0.0.4 65004
wait_for "$tmp/rtr.err" 'established' 20
announce
wait_jq "$tmp/rtr.out" 'map(select(.type == "rpki_invalid")) | length == 1' 20
check invalid-live "jq -r '$proj' $tmp/rtr.out | grep -qx 'rpki_invalid 64666 203.0.113.0/24 as -'" \
	"$(jq -r "$proj" "$tmp/rtr.out" | tr '\n' ';')" "$tmp/rtr.err"
# a hijack (AS64777 beside AS65551) and a leak of another prefix
exa 127.0.0.4 "announce route 10.1.0.0/16 next-hop 192.0.2.4 as-path [ 64500 64777 ]"
exa 127.0.0.4 "announce route 10.2.0.0/16 next-hop 192.0.2.4 as-path [ 3356 64510 174 64500 65554 ]"
wait_jq "$tmp/rtr.out" 'map(select(.type == "route_leak")) | length == 1' 20
check hijack-live "jq -s -e 'any(.[]; .type == \"origin_gained\" and .origin == 64777 and .prefixes == [\"10.1.0.0/16\"]) and any(.[]; .type == \"hijack\" and .origin == 64777 and .watched == \"10.1.0.0/16\" and .group == [\"noc\"])' $tmp/rtr.out > /dev/null" \
	"$(grep -c . "$tmp/rtr.out") events" "$tmp/rtr.err"
# the group's alerts went to its command, the others to --exec
wait_for "$tmp/noc.alerts" '"hijack"' 10
# (noc's: the hijack, and the watched prefix's routes no VRP covers)
check group-alerts "jq -s -e 'all(.[]; .group == [\"noc\"] and .description == \"customer block\") and any(.[]; .type == \"hijack\" and .origin == 64777) and any(.[]; .type == \"rpki\" and .reason == \"not_found\")' $tmp/noc.alerts > /dev/null && grep -q '\"route_leak\"' $tmp/all.alerts && ! grep -q '\"hijack\"\\|\"group\"' $tmp/all.alerts" \
	"noc: $(cat "$tmp/noc.alerts" 2>&1 | head -c 300) all: $(grep -c . "$tmp/all.alerts" 2>&1)" "$tmp/rtr.err"
check country-live "jq -s -e 'any(.[]; .type == \"country_provider_gained\" and .country == \"KP\" and .provider == 64500 and .networks == [65551] and .prefixes == [\"192.0.2.0/24\"])' $tmp/rtr.out > /dev/null" \
	"$(grep country_ "$tmp/rtr.out" | head -3)" "$tmp/rtr.err"
check leak-live "jq -s -e 'any(.[]; .type == \"route_leak\" and .leaker == 64510 and .from == 174 and .to == 3356 and .origin == 65554)' $tmp/rtr.out > /dev/null" \
	"$(grep route_leak "$tmp/rtr.out")" "$tmp/rtr.err"
sleep 1
vrps "$tmp/v2.json" 65999 64666
cp "$tmp/v2.json" "$tmp/served.json.new" && mv "$tmp/served.json.new" "$tmp/served.json"
wait_jq "$tmp/rtr.out" 'map(select(.type | startswith("rpki_invalid"))) | length == 3' 20
stop_col
jq -r "$proj" "$tmp/rtr.out" > "$tmp/got"
cat > "$tmp/want" <<'W'
rpki_invalid 64666 203.0.113.0/24 as -
rpki_invalid 65552 198.51.100.0/24 as vrp_change
rpki_invalid_end 64666 203.0.113.0/24 - -
W
check vrp-change-live "cmp -s $tmp/want $tmp/got" "got: $(tr '\n' ';' < "$tmp/got")" "$tmp/rtr.err"
# in the second the change came: the time of both is when the collector
# applied it (its log says which second)
T=$(sed -n 's/.*VRPs: [0-9]* changed at \([0-9]*\),.*/\1/p' "$tmp/rtr.err" | tail -1)
check same-second "[ -n '$T' ] && [ \"\$(jq -r 'select(.cause == \"vrp_change\" or .type == \"rpki_invalid_end\") | .time' $tmp/rtr.out | sort -u)\" = \"\$(date -u -d @$T +%Y-%m-%dT%H:%M:%SZ)\" ]" \
	"T=$T $(jq -r 'select(.type | startswith("rpki")) | .time' "$tmp/rtr.out" | tr '\n' ' ')"
# the archive, replayed with the same VRPs in time and relationships,
# gives the same events, every type
"$RW" events --json --min-peers 1 --collector rv --vrps "$tmp/v1.json" --vrps "$tmp/v2.json@$T" \
	--relationships "$tmp/rel.txt" --watch "$tmp/prefixes.yml" --countries "$tmp/geo.txt" "$tmp/arch" \
	> "$tmp/replay.json" 2>"$tmp/replay.err"
check replay-equal "[ -n '$T' ] && [ \$(wc -l < $tmp/rtr.out) -ge 10 ] && [ \"\$(jq -S -c . $tmp/replay.json | sort)\" = \"\$(jq -S -c . $tmp/rtr.out | sort)\" ]" \
	"$(diff "$tmp/replay.json" "$tmp/rtr.out" | head -4 | tr '\n' ' ')"
kill $EXA 2>/dev/null

# ---- a VRP file rewritten while collect runs
vrps "$tmp/f.json" 65552 65553
start_col file --json --min-peers 1 --vrps "$tmp/f.json"
start_exa 127.0.0.4 65004
wait_for "$tmp/file.err" 'established' 20
announce
wait_jq "$tmp/file.out" 'map(select(.type == "rpki_invalid")) | length == 1' 20
sleep 1
vrps "$tmp/f.json" 65999 64666
wait_jq "$tmp/file.out" 'map(select(.type | startswith("rpki"))) | length == 3' 20
# a file that is no longer VRPs: the set stays, said once
echo '{"roas": [' > "$tmp/f.json.tmp" && mv "$tmp/f.json.tmp" "$tmp/f.json"
wait_for "$tmp/file.err" 'the VRPs stay as they were' 10
stop_col
check vrp-file-live "[ \"\$(jq -r '$proj' $tmp/file.out)\" = \"\$(cat $tmp/want)\" ] && grep -q 'f.json: not JSON at offset' $tmp/file.err" \
	"got: $(jq -r "$proj" "$tmp/file.out" | tr '\n' ';')" "$tmp/file.err"
check clean-stop "[ $COLRC -eq 0 ]" "collect exited $COLRC" "$tmp/file.err"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
