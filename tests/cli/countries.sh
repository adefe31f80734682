#!/bin/sh
# Providers and countries (docs/events.md §14) over archives. Countries
# from a names file the suite writes (potaroo's form, "NAME, CC"):
# AS65001 and AS65002 in KP, AS64500 in CN, AS64501 in RU, AS64503 in JP.
# One collector, three peers (AS3356, AS174, AS1299). The RIB dump holds
# 10.1.0.0/16 (path 64500 65002 65001: KP's border network AS65002 hands
# it to AS64500), 10.2.0.0/16 (64500 65001) and CN's 10.9.0.0/16 (64501
# 64500), which never changes. Then:
#   08:01 two peers: 10.1.0.0/16 through AS64501   gained AS64501 (new)
#   08:02 they go back to AS64500                  lost AS64501
#   08:02:50 two peers through AS64501 again       gained (not new)
#   08:03 every route of KP withdrawn              dark: dormant, no loss
#   08:04 KP back through AS64500 alone            lost AS64501, dated 08:03
#   08:05 one peer through AS64503                 nothing (one peer)
#   08:06:40 two peers: 10.2.0.0/16 through AS64501 gained (not new), and
#         upstream_gained AS64501 for AS65001, a provider by --relationships
# then --min-peers 3, the origin filter, the store and a resumed ingest,
# a delegation file instead of the names, the country view, bad files.
#
# Usage: tests/cli/countries.sh [BUILD_DIR]. Prints "ok - countries/NAME"
# lines and "N passed, N failed". Runs on a fresh clone (no shared data).
set -u
SUITE=countries
. "$(dirname "$0")/lib_check.sh"

need jq python3

mkdir -p "$tmp/a"
cat > "$tmp/spec" <<'S'
t0 1709971200
peer 3356 198.51.100.1
peer 174 198.51.100.2
peer 1299 198.51.100.3
rib 10.1.0.0/16 64500 65002 65001
rib 10.2.0.0/16 64500 65001
rib 10.9.0.0/16 64501 64500
at 60 0,1 10.1.0.0/16 64501 65002 65001
at 120 0,1 10.1.0.0/16 64500 65002 65001
at 170 0,1 10.1.0.0/16 64501 65002 65001
at 180 all 10.1.0.0/16 withdraw
at 180 all 10.2.0.0/16 withdraw
at 240 all 10.1.0.0/16 64500 65002 65001
at 240 all 10.2.0.0/16 64500 65001
at 300 0 10.2.0.0/16 64503 65001
at 400 0,1 10.2.0.0/16 64501 65001
S
mrt scenario "$tmp/spec" "$tmp/a"
printf '65001\tNET-A Pyongyang, KP\n65002\tNET-B Pyongyang, KP\n64500\tTRANSIT-CN Beijing, CN\n64501\tTRANSIT-RU Moscow, RU\n64503\tTRANSIT-JP Tokyo, JP\n3356\tLEVEL3, US\n174\tCOGENT, US\n1299\tTWELVE99, SE\n' > "$tmp/names.txt"

"$RW" events --json --countries "$tmp/names.txt" --collector rv "$tmp/a" > "$tmp/ev.json" 2>"$tmp/err"; rc=$?
check runs "[ $rc -eq 0 ] && [ -s $tmp/ev.json ]" "rc=$rc $(head -c 300 "$tmp/err")"

proj='select(.type | startswith("country_")) |
	[.type, .time, .country, .provider, (.prefixes | join(",")), (.networks | map(tostring) | join(",")),
	 (if has("new_for_country") then .new_for_country else .last_for_country end), (.peers // "-"), .origin] | map(tostring) | join(" ")'
jq -r "$proj" "$tmp/ev.json" > "$tmp/got"
cat > "$tmp/want" <<'W'
country_provider_gained 2024-03-09T08:01:00Z KP 64501 10.1.0.0/16 65001 true 2 null
country_provider_lost 2024-03-09T08:02:00Z KP 64501 10.1.0.0/16 65001 true - null
country_provider_gained 2024-03-09T08:02:50Z KP 64501 10.1.0.0/16 65001 false 2 null
country_provider_lost 2024-03-09T08:03:00Z KP 64501 10.1.0.0/16 65001 true - null
country_provider_gained 2024-03-09T08:06:40Z KP 64501 10.2.0.0/16 65001 false 2 null
W
check events "cmp -s $tmp/want $tmp/got" "got: $(tr '\n' ';' < "$tmp/got")"
check dormant-not-lost-while-dark "! grep -q ' 64500 ' $tmp/got" "$(grep ' 64500 ' "$tmp/got" | head -2)"
check one-peer-is-not-a-provider "! grep -q 64503 $tmp/got" "$(grep 64503 "$tmp/got")"
check_schema "$tmp/ev.json"

# the same without countries: no country event, the others unchanged
"$RW" events --json --collector rv "$tmp/a" > "$tmp/plain.json" 2>/dev/null
check without-countries "[ \"\$(grep -v '\"country_provider' $tmp/ev.json)\" = \"\$(cat $tmp/plain.json)\" ]" \
	"$(diff "$tmp/plain.json" "$tmp/ev.json" | grep -v country_provider | head -3)"

"$RW" events --json --min-peers 3 --countries "$tmp/names.txt" --collector rv "$tmp/a" 2>/dev/null | jq -r "$proj" > "$tmp/three"
check min-peers-3 "[ ! -s $tmp/three ]" "$(tr '\n' ';' < "$tmp/three")"

"$RW" events --json --origin 65001 --countries "$tmp/names.txt" --collector rv "$tmp/a" 2>/dev/null | jq -r "$proj" > "$tmp/orig"
check origin-filter "[ ! -s $tmp/orig ]" "$(tr '\n' ';' < "$tmp/orig")"

"$RW" events --countries "$tmp/names.txt" --names "$tmp/names.txt" --collector rv "$tmp/a" > "$tmp/ev.txt" 2>/dev/null
check text "grep -q '^2024-03-09 08:01:00 UTC  country KP gained international provider AS64501 TRANSIT-RU on 1 prefix of AS65001 NET-A (new): 10.1.0.0/16\$' $tmp/ev.txt && grep -q '^2024-03-09 08:03:00 UTC  country KP lost international provider AS64501 TRANSIT-RU on 1 prefix of AS65001 NET-A: 10.1.0.0/16\$' $tmp/ev.txt" \
	"$(grep country "$tmp/ev.txt" | head -3 | tr '\n' ';')"

# an RIR delegation file gives the same countries
cat > "$tmp/delegated.txt" <<'D'
2|apnic|20240309|6|19830613|20240308|+1000
apnic|*|asn|*|3|summary
apnic|KP|asn|65001|2|20130318|allocated
apnic|CN|asn|64500|1|20000101|allocated
ripencc|RU|asn|64501|1|20010406|allocated
apnic|JP|asn|64503|1|20000101|allocated
apnic|KP|ipv4|175.45.176.0|1024|20090216|allocated
D
"$RW" events --json --countries "$tmp/delegated.txt" --collector rv "$tmp/a" 2>/dev/null | jq -r "$proj" > "$tmp/deleg"
check delegation-file "cmp -s $tmp/want $tmp/deleg" "got: $(tr '\n' ';' < "$tmp/deleg")"

# the store keeps them; a run resumed from the dormancy gives the same
"$RW" ingest -q --db "$tmp/one.db" --countries "$tmp/names.txt" --collector rv "$tmp/a" > /dev/null 2>&1
"$RW" events --db "$tmp/one.db" --json 2>/dev/null | jq -r "$proj" > "$tmp/stored"
check store "cmp -s $tmp/want $tmp/stored" "got: $(tr '\n' ';' < "$tmp/stored")"
ingest_twice 1709971410 2024-03-09T08:03:30Z --countries "$tmp/names.txt"; rc=$?
"$RW" events --db "$tmp/two.db" --json 2>/dev/null | jq -r "$proj" > "$tmp/two"
check resumed "[ $rc -eq 0 ] && cmp -s $tmp/want $tmp/two" "rc=$rc $(diff "$tmp/want" "$tmp/two" | tr '\n' ';')"
# a country's history: each international provider's intervals and share
got=$("$RW" history --country KP --db "$tmp/one.db" --json 2>&1 | jq -c '[.country, .routes, [.providers[] | [.asn, .intervals, .share_mean, .share_max]]]')
check country-history "[ '$got' = '[\"KP\",6,[[64500,[[\"2024-03-09T08:00:00Z\",null]],0.8817,1],[64501,[[\"2024-03-09T08:01:00Z\",\"2024-03-09T08:02:00Z\"],[\"2024-03-09T08:02:50Z\",\"2024-03-09T08:03:00Z\"],[\"2024-03-09T08:06:40Z\",null]],0.3333,0.3333]]]' ]" "got $got"
"$RW" history --country KP --db "$tmp/one.db" --json > "$tmp/h1.json" 2>&1
"$RW" history --country KP --db "$tmp/two.db" --json > "$tmp/h2.json" 2>&1
check country-history-resumed "cmp -s $tmp/h1.json $tmp/h2.json" "$(diff "$tmp/h1.json" "$tmp/h2.json" | head -3)"
"$RW" history --country KP --db "$tmp/one.db" --names "$tmp/names.txt" > "$tmp/h1.txt" 2>&1
check country-history-text "grep -q '^  2 international providers:\$' $tmp/h1.txt && grep -q '^    AS64501 TRANSIT-RU: present, 33.3% of its routes on average, 33.3% at most\$' $tmp/h1.txt" "$(head -4 "$tmp/h1.txt" | tr '\n' ';')"
# a country's story, its JSON and its chart
"$RW" report --country KP --db "$tmp/one.db" --names "$tmp/names.txt" --from 2024-03-09T08:00:00Z --to 2024-03-09T09:00:00Z --svg "$tmp/kp.svg" > "$tmp/story-kp.txt" 2>&1
check country-report "grep -q '^country KP, from ' $tmp/story-kp.txt && grep -q 'KP gained a new international provider, AS64501 TRANSIT-RU, which carried 1 of its prefixes: 10.1.0.0/16' $tmp/story-kp.txt && grep -q 'AS64501 TRANSIT-RU returned as an international provider of KP, for 1 of its prefixes: 10.1.0.0/16' $tmp/story-kp.txt && grep -q '^In all: 1 new international provider, 2 lost, 2 returned.\$' $tmp/story-kp.txt" \
	"$(tr '\n' ';' < "$tmp/story-kp.txt" | head -c 900)"
check country-chart "grep -q 'country KP: its international providers' $tmp/kp.svg && grep -q 'AS64500 TRANSIT-CN' $tmp/kp.svg" "$(head -c 300 "$tmp/kp.svg")"
got=$("$RW" report --country KP --json --db "$tmp/one.db" --from 2024-03-09T08:00:00Z --to 2024-03-09T09:00:00Z 2>&1 | jq -c '[.country, [.providers[] | .asn]]')
check country-report-json "[ '$got' = '[\"KP\",[64500,64501]]' ]" "got $got"
"$RW" history --country JP --db "$tmp/one.db" > /dev/null 2> "$tmp/err"; rc=$?
check country-history-none "[ $rc -ne 0 ] && grep -q 'country JP: not in the history store' $tmp/err" "rc=$rc $(head -2 "$tmp/err")"
"$RW" events --db "$tmp/one.db" --origin 19280 --json 2>/dev/null > "$tmp/kp-as-origin"
check code-is-no-origin "! grep -q country_ $tmp/kp-as-origin" "$(head -2 "$tmp/kp-as-origin")"

# the country view: at 08:01:30 10.1.0.0/16 goes through AS64501 for two
# peers (border AS65002), everything else through AS64500
"$RW" country KP --json --at 2024-03-09T08:01:30Z --countries "$tmp/names.txt" --collector rv "$tmp/a" > "$tmp/cv.json" 2>"$tmp/err"
got=$(jq -c '[.routes, .routes_inside, [.providers[] | [.asn, .routes, .share, .prefixes, .peers, .border]], [.networks[] | [.asn, .prefixes]], [.prefixes[] | [.prefix, .peers, .origins, .providers]]]' "$tmp/cv.json" 2>&1)
check view "[ '$got' = '[6,0,[[64500,4,0.6667,2,3,[65001,65002]],[64501,2,0.3333,1,2,[65002]]],[[65001,2]],[[\"10.1.0.0/16\",3,[65001],[64500,64501]],[\"10.2.0.0/16\",3,[65001],[64500]]]]' ]" "got $got $(head -c 200 "$tmp/err")"
"$RW" country KP --at 2024-03-09T08:01:30Z --names "$tmp/names.txt" --collector rv "$tmp/a" > "$tmp/cv.txt" 2>&1
check view-text-from-names "grep -q '^     66.7%  AS64500 TRANSIT-CN: 2 of 2 prefixes, 3 peers, 4 routes, from AS65001 NET-A, AS65002 NET-B\$' $tmp/cv.txt && grep -q '^  10.1.0.0/16          seen by 3 of 3 peers; from AS65001 NET-A through AS64500 TRANSIT-CN, AS64501 TRANSIT-RU\$' $tmp/cv.txt" \
	"$(head -5 "$tmp/cv.txt" | tr '\n' ';')"
"$RW" country all --json --at 2024-03-09T08:01:30Z --countries "$tmp/names.txt" --collector rv "$tmp/a" > "$tmp/all.json" 2>&1
got=$(jq -c '[.country, .routes, [.providers[] | .asn]]' "$tmp/all.json" | tr '\n' ' ')
check view-all "[ '$got' = '[\"CN\",3,[64501]] [\"KP\",6,[64500,64501]] ' ] && [ \"\$(sed -n 2p $tmp/all.json)\" = \"\$(cat $tmp/cv.json)\" ]" "got $got"
# the same views from a history store's state, at its clock
"$RW" country all --json --countries "$tmp/names.txt" --collector rv "$tmp/a" 2>/dev/null | jq -c 'del(.time)' > "$tmp/all-arch.json"
"$RW" country all --json --countries "$tmp/names.txt" --db "$tmp/one.db" 2>/dev/null | jq -c 'del(.time)' > "$tmp/all-db.json"
check view-from-store "[ -s $tmp/all-db.json ] && cmp -s $tmp/all-arch.json $tmp/all-db.json" "$(diff "$tmp/all-arch.json" "$tmp/all-db.json" | head -3)"
"$RW" as 65001 --json --db "$tmp/one.db" 2>/dev/null | jq -c 'del(.time)' > "$tmp/as-db.json"
"$RW" as 65001 --json --collector rv "$tmp/a" 2>/dev/null | jq -c 'del(.time)' > "$tmp/as-arch.json"
check as-from-store "[ -s $tmp/as-db.json ] && cmp -s $tmp/as-arch.json $tmp/as-db.json" "$(diff "$tmp/as-arch.json" "$tmp/as-db.json" | head -3)"
"$RW" country KP --countries "$tmp/names.txt" --db "$tmp/one.db" "$tmp/a" > /dev/null 2> "$tmp/err"; rc=$?
check store-or-archives "[ $rc -eq 2 ] && grep -q 'give FILE|DIR or --db, not both' $tmp/err" "rc=$rc $(head -2 "$tmp/err")"
"$RW" country JP --at 2024-03-09T08:01:30Z --countries "$tmp/names.txt" --collector rv "$tmp/a" > "$tmp/cn.txt" 2>&1
check view-empty "grep -q '^country JP at 2024-03-09 08:01:30 UTC: no route of a network registered in it' $tmp/cn.txt" "$(head -2 "$tmp/cn.txt")"

# relationships: what the upstream is to the origin
printf '64501|65001|-1\n' > "$tmp/rel.txt"
"$RW" events --json --relationships "$tmp/rel.txt" --collector rv "$tmp/a" > "$tmp/rel.json" 2>/dev/null
got=$(jq -r 'select(.type == "upstream_gained") | [.time, .origin, .upstream, .relationship] | join(" ")' "$tmp/rel.json")
check relationship "[ '$got' = '2024-03-09T08:06:40Z 65001 64501 provider' ]" "got: $got"
got=$(jq -r 'select(.type | startswith("upstream_")) | .relationship // empty' "$tmp/plain.json" | sort -u)
check no-relationship-without-file "[ -z '$got' ]" "got: $got"
"$RW" events --relationships "$tmp/rel.txt" --names "$tmp/names.txt" --collector rv "$tmp/a" 2>/dev/null > "$tmp/rel.txt.out"
check relationship-text "grep -q 'AS65001 NET-A gained upstream AS64501 TRANSIT-RU (provider) on 1 of 2 prefixes' $tmp/rel.txt.out" "$(grep gained "$tmp/rel.txt.out" | head -2)"

# the history, the state and the story say it too: from the file given
# at query time, or (report) from the relationships stored with the events
"$RW" ingest -q --db "$tmp/rel.db" --relationships "$tmp/rel.txt" --collector rv "$tmp/a" > /dev/null 2>&1
got=$("$RW" history 65001 --db "$tmp/rel.db" --json --relationships "$tmp/rel.txt" 2>/dev/null | jq -c '[.upstreams[] | [.asn, .relationship]] | sort')
check history-relationship "[ '$got' = '[[64500,\"unknown\"],[64501,\"provider\"],[65002,\"unknown\"]]' ]" "got $got"
got=$("$RW" as 65001 --json --relationships "$tmp/rel.txt" --at 2024-03-09T08:07:00Z --collector rv "$tmp/a" 2>/dev/null | jq -c '[.upstreams[] | [.asn, .relationship]] | sort')
check as-relationship "[ '$got' = '[[64500,\"unknown\"],[64501,\"provider\"],[65002,\"unknown\"]]' ]" "got $got"
# customer cones: AS64501's holds itself and AS65001, AS65001's itself
got=$("$RW" as 65001 --json --relationships "$tmp/rel.txt" --at 2024-03-09T08:07:00Z --collector rv "$tmp/a" 2>/dev/null | jq -c '[.customer_cone, [.upstreams[] | select(.asn == 64501) | .customer_cone]]')
check as-customer-cone "[ '$got' = '[1,[2]]' ]" "got $got"
"$RW" report 65001 --db "$tmp/rel.db" --from 2024-03-09T08:00:00Z --to 2024-03-09T09:00:00Z > "$tmp/story.txt" 2>&1
check report-transit-provider "grep -q 'AS65001 gained a new transit provider, AS64501, which carried 1 of its 2 prefixes' $tmp/story.txt" "$(grep -i 'gained' "$tmp/story.txt" | head -2)"
"$RW" report 65001 --db "$tmp/one.db" --from 2024-03-09T08:00:00Z --to 2024-03-09T09:00:00Z > "$tmp/story0.txt" 2>&1
check report-upstream-without "grep -q 'AS65001 gained a new upstream, AS64501' $tmp/story0.txt" "$(grep -i 'gained' "$tmp/story0.txt" | head -2)"

# bad files: named, and the run refused
printf 'hello\nworld\n' > "$tmp/bad.txt"
"$RW" events --countries "$tmp/bad.txt" --collector rv "$tmp/a" > /dev/null 2>"$tmp/err"; rc=$?
check bad-countries-file "[ $rc -ne 0 ] && grep -q 'bad.txt' $tmp/err" "rc=$rc $(head -2 "$tmp/err")"
printf 'apnic|KP|asn|x|1|20130318|allocated\napnic|KP|asn|65001|1|20130318|allocated\n' > "$tmp/half.txt"
"$RW" events --json --countries "$tmp/half.txt" --collector rv "$tmp/a" > /dev/null 2>"$tmp/err"; rc=$?
check bad-line-named "[ $rc -eq 0 ] && grep -q 'half.txt:1: an asn line' $tmp/err" "rc=$rc $(head -2 "$tmp/err")"
"$RW" country XYZ --countries "$tmp/names.txt" "$tmp/a" > /dev/null 2>"$tmp/err"; rc=$?
check bad-code "[ $rc -eq 2 ] && grep -q 'two letters' $tmp/err" "rc=$rc $(head -2 "$tmp/err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
