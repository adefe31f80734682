#!/bin/sh
# The queries over the route state: `as ASN` (a summary of the origin's
# upstreams, then its prefixes in order) and `prefix PREFIX` (the prefix
# and its more-specifics). On the sample archive (`routewatch synth
# sample`: route-views2 and rrc00 replaying AS131279's October 2017, four
# /24s in 175.45.176.0/22 via AS4837, AS20485 on three of them from
# 09:07:51) at several --at times:
#  - the summary is consistent: shares add up to 1, order by share then
#    ASN, its prefixes and routes add up the per-prefix upstreams, the
#    text and the JSON say the same;
#  - it equals what `routewatch dump` of the same files says once replayed
#    here by hand (awk: last announcement per collector, peer and prefix),
#    upstream by upstream, and so do `prefix`'s origins, upstreams and
#    peers per collector;
#  - `prefix` lists a /22's four /24s, a /24 alone, a clear line for a
#    prefix without routes (exit 0) and exit 2 for a bad prefix.
#
# Usage: tests/cli/query.sh [BUILD_DIR]. Prints "ok - query/NAME" lines and
# "N passed, N failed". Runs on a fresh clone (no shared data).
set -u
SUITE=query
. "$(dirname "$0")/lib_check.sh"

S=$tmp/sample
"$RW" synth sample "$S" 2>/dev/null
N=$S/asnames.txt

# state FROM T: the routes at the end of second T (T: Unix seconds, or
# "end") replayed from `dump` of each collector's files from FROM (its RIB
# dump) on: "collector|peer|peer_asn|prefix|as_path" lines. A STATE line
# that leaves Established drops the peer's routes.
state() {
	for c in route-views2 rrc00; do
		if [ "$2" = end ]; then
			"$RW" dump --from "$1" "$S/$c"/* 2>/dev/null
		else
			"$RW" dump --from "$1" --until $(($2 + 1)) "$S/$c"/* 2>/dev/null
		fi | sed "s/^/$c|/"
	done | awk -F'|' '
		$4 == "B" || $4 == "A" { r[$1 "|" $5 "|" $6 "|" $7] = $8 }
		$4 == "W" { delete r[$1 "|" $5 "|" $6 "|" $7] }
		$4 == "STATE" && $9 != 6 {
			for (k in r) if (index(k, $1 "|" $5 "|" $6 "|") == 1) delete r[k]
		}
		END { for (k in r) print k "|" r[k] }'
}

# The origin and upstream of each route (docs/events.md §3: prepending
# collapsed, none after an AS_SET): "collector|peer|peer_asn|prefix|origin|upstream".
ou() {
	awk -F'|' '{
		n = split($5, a, " "); m = 0
		for (i = 1; i <= n; i++) if (!m || b[m] != a[i]) b[++m] = a[i]
		o = (m && b[m] !~ /[{]/) ? b[m] : 0
		u = (o && m > 1 && b[m - 1] !~ /[{]/) ? b[m - 1] : 0
		print $1 "|" $2 "|" $3 "|" $4 "|" o "|" u
	}'
}

# The summary of origin $1 from ou lines: "asn prefixes peers collectors routes".
summary() {
	awk -F'|' -v O="$1" '$5 == O {
		u = $6; routes[u]++
		if (!((u, $4) in sp)) { sp[u, $4] = 1; np[u]++ }
		if (!((u, $1 "|" $2 "|" $3) in se)) { se[u, $1 "|" $2 "|" $3] = 1; ne[u]++ }
		if (!((u, $1) in sc)) { sc[u, $1] = 1; nc[u]++ }
	}
	END { for (u in routes) print u, np[u], ne[u], nc[u], routes[u] }' | sort
}

sec() { date -u -d "$1" +%s; }

# at NAME T FROM: `as 131279 --at T` (T "end": no --at) checked on its own
# and against the dump replayed from FROM.
at() {
	name=$1 t=$2 from=$3
	if [ "$t" = end ]; then
		opt=
	else
		opt="--at $(iso "$t")"
	fi
	# shellcheck disable=SC2086
	"$RW" as 131279 --json $opt "$S" > "$tmp/$name.json" 2> "$tmp/$name.err"
	rc=$?
	# shellcheck disable=SC2086
	"$RW" as 131279 $opt "$S" > "$tmp/$name.txt" 2>/dev/null
	J=$tmp/$name.json
	check "$name/run" "[ $rc -eq 0 ] && [ \$(jq -r .origin $J) = 131279 ]" "exit $rc: $(head -c 300 "$tmp/$name.err")"
	# shares add up to 1 (within rounding), routes to the total
	r=$(jq '(.upstreams | length) == 0 or ((([.upstreams[].share] | add) - 1) | fabs < 0.001)
		and ([.upstreams[].routes] | add // 0) == .routes' "$J")
	check "$name/shares-sum-to-one" "[ \"$r\" = true ]" "$(jq -c '[.routes, [.upstreams[] | [.asn, .routes, .share]]]' "$J")"
	# order: share descending, ties by ASN
	r=$(jq '[.upstreams[] | [-.routes, (.asn // 0)]] | . == sort' "$J")
	check "$name/upstream-order" "[ \"$r\" = true ]" "$(jq -c '[.upstreams[] | [.asn, .share]]' "$J")"
	# the summary adds up the per-prefix lines: prefixes carrying it, the
	# sum of its per-prefix peers (routes), at least the most peers of one
	# prefix and at most their sum (peers), collectors within the total
	r=$(jq '. as $v | [.upstreams[] | . as $u
		| [$v.prefixes[] | .upstreams[] | select(.asn == $u.asn)] as $p
		| ($p | length) == $u.prefixes and ([$p[].peers] | add) == $u.routes
		  and ([$p[].peers] | max) <= $u.peers and $u.peers <= $u.routes
		  and $u.collectors <= $v.collectors_total and $u.share > 0] | all' "$J")
	check "$name/summary-adds-up-the-prefixes" "[ \"$r\" = true ]" "$(jq -c '.upstreams' "$J" | head -c 300)"
	# prefixes in prefix order
	jq -r '.prefixes[].prefix' "$J" > "$tmp/$name.pfx"
	sort -t. -k1,1n -k2,2n -k3,3n -k4,4n "$tmp/$name.pfx" | cmp -s - "$tmp/$name.pfx"
	check "$name/prefix-order" "[ $? -eq 0 ]" "$(tr '\n' ' ' < "$tmp/$name.pfx")"
	# the text says the same: its summary lines in the JSON's order with the
	# same counts, then one line per prefix
	jq -r '.upstreams[] | "AS\(.asn): \(.prefixes) of \(.prefixes) \(.peers) \(.collectors) \(.routes)"' "$J" |
		sed 's/ of [0-9]*//' > "$tmp/$name.want"
	sed -n 's/^ *[0-9.]*%  \(AS[0-9]*\)[^:]*: \([0-9]*\) of [0-9]* prefix[es]*, \([0-9]*\) peers\{0,1\} on \([0-9]*\) collectors\{0,1\}, \([0-9]*\) routes\{0,1\}$/\1: \2 \3 \4 \5/p' \
		"$tmp/$name.txt" > "$tmp/$name.got"
	n=$(grep -c '^  [0-9][0-9.]*/[0-9]* *seen by' "$tmp/$name.txt")
	check "$name/text-matches-json" "cmp -s $tmp/$name.want $tmp/$name.got && [ $n -eq \$(jq .prefix_count $J) ]" \
		"want $(tr '\n' ' ' < "$tmp/$name.want"), got $(tr '\n' ' ' < "$tmp/$name.got"), $n prefix lines"
	# against dump, replayed by hand
	state "$from" "$t" | ou > "$tmp/$name.ou"
	summary 131279 < "$tmp/$name.ou" > "$tmp/$name.dump"
	jq -r '.upstreams[] | "\(.asn // 0) \(.prefixes) \(.peers) \(.collectors) \(.routes)"' "$J" | sort > "$tmp/$name.as"
	check "$name/equals-dump" "[ -s $tmp/$name.ou ] && cmp -s $tmp/$name.dump $tmp/$name.as" \
		"dump: $(tr '\n' ',' < "$tmp/$name.dump") as: $(tr '\n' ',' < "$tmp/$name.as")"
}

D17=2017-10-01T08:00:00Z
at as-0830 "$(sec 2017-10-01T08:30:00Z)" $D17
at as-0930 "$(sec 2017-10-01T09:30:00Z)" $D17
at as-1230 "$(sec 2017-10-01T12:30:00Z)" $D17
at as-end end $D17
# 2012: route-views2's monthly dump alone, AS22351 beside AS4837 on two prefixes
at as-2012 "$(sec 2012-06-01T12:00:00Z)" 2012-06-01T00:00:00Z

# the story's numbers: before 09:07:51 AS4837 alone; at 09:30 AS20485 on 3
# of 4 prefixes with 6 of the 14 peers (18 of 56 routes)
r=$(jq -c '[.upstreams[] | [.asn, .prefixes, .peers, .collectors, .routes, .share]]' "$tmp/as-0830.json")
check story-before "[ '$r' = '[[4837,4,14,2,56,1]]' ]" "$r"
r=$(jq -c '[.routes, [.upstreams[] | [.asn, .prefixes, .peers, .collectors, .routes]]]' "$tmp/as-0930.json")
check story-0930 "[ '$r' = '[56,[[4837,4,14,2,38],[20485,3,6,2,18]]]' ]" "$r"
r=$(jq -c '[.upstreams[] | [.asn, .prefixes, .routes, .share]]' "$tmp/as-2012.json")
check story-2012 "[ '$r' = '[[4837,4,24,0.75],[22351,2,8,0.25]]' ]" "$r"
# the old keys are still there
r=$(jq -c '[.origin, .peers_total, .collectors_total, .prefix_count, (.prefixes[0] | keys)]' "$tmp/as-0930.json")
check old-keys-kept "[ '$r' = '[131279,14,2,4,[\"collectors\",\"peers\",\"prefix\",\"upstreams\"]]' ]" "$r"
# names in the summary with --names
r=$("$RW" as 131279 --json --names "$N" --at 2017-10-01T09:30:00Z "$S" 2>/dev/null | jq -r '.upstreams[1].name')
t=$("$RW" as 131279 --names "$N" --at 2017-10-01T09:30:00Z "$S" 2>/dev/null | grep -c '%  AS20485 TRANSTELECOM: 3 of 4 prefixes')
check names "[ \"\${r%% *}\" = TRANSTELECOM ] && [ $t -eq 1 ]" "name '$r', $t text lines"

# during the outage: no route with this origin, an empty summary
"$RW" as 131279 --json --at 2017-10-01T10:53:00Z "$S" > "$tmp/down.json" 2>/dev/null
"$RW" as 131279 --at 2017-10-01T10:53:00Z "$S" > "$tmp/down.txt" 2>/dev/null
check as-down "[ \"\$(jq -c '[.routes, .upstreams, .prefix_count]' $tmp/down.json)\" = '[0,[],0]' ] && grep -q 'no route with this origin' $tmp/down.txt" \
	"$(head -c 200 "$tmp/down.json") / $(head -2 "$tmp/down.txt")"

# ---------------------------------------------------------------- prefix

T=2017-10-01T09:30:00Z
"$RW" prefix 175.45.176.0/22 --json --at $T "$S" > "$tmp/p22.json" 2> "$tmp/p22.err"
rc=$?
"$RW" prefix 175.45.176.0/22 --names "$N" --at $T "$S" > "$tmp/p22.txt" 2>/dev/null
r=$(jq -c '[.prefix, .present, .more_specifics, [.prefixes[].prefix]]' "$tmp/p22.json")
check prefix-22-lists-the-four "[ $rc -eq 0 ] && [ '$r' = '[\"175.45.176.0/22\",false,4,[\"175.45.176.0/24\",\"175.45.177.0/24\",\"175.45.178.0/24\",\"175.45.179.0/24\"]]' ]" \
	"exit $rc: $r $(head -c 200 "$tmp/p22.err")"
r=$(jq -c '[.prefixes[] | [.origins[] | [.asn, .peers, [.upstreams[] | [.asn, .peers]]]]]' "$tmp/p22.json")
want='[[[131279,14,[[4837,8],[20485,6]]]],[[131279,14,[[4837,14]]]],[[131279,14,[[4837,8],[20485,6]]]],[[131279,14,[[4837,8],[20485,6]]]]]'
check prefix-22-origins-upstreams "[ '$r' = '$want' ]" "$r"
# the same as as's per-prefix lines: visibility and upstreams
jq -c '[.prefixes[] | [.prefix, .peers, .collectors, ([.upstreams[] | [.asn, .peers, .collectors]] | sort)]]' \
	"$tmp/as-0930.json" > "$tmp/p22.as"
jq -c '[.prefixes[] | [.prefix, .peers, .collectors, ([.origins[] | select(.asn == 131279) | .upstreams[] | [.asn, .peers, .collectors]] | sort)]]' \
	"$tmp/p22.json" > "$tmp/p22.pfx"
check prefix-22-agrees-with-as "cmp -s $tmp/p22.as $tmp/p22.pfx" "as: $(cat "$tmp/p22.as") prefix: $(cat "$tmp/p22.pfx")"
# per collector: the peers add up to the visibility, each within its total
r=$(jq '[.prefixes[] | ([.per_collector[].peers] | add) == .peers and (.per_collector | length) == .collectors
	and ([.per_collector[] | .peers <= .peers_total] | all)] | all' "$tmp/p22.json")
check prefix-22-per-collector "[ \"$r\" = true ]" "$(jq -c '[.prefixes[] | [.peers, .per_collector]]' "$tmp/p22.json")"
# against dump: origins, upstreams and peers per collector, prefix by prefix
awk -F'|' '$4 ~ /^175\.45\.17[6-9]\.0\/24$/ { print $4, $5, $6 }' "$tmp/as-0930.ou" | sort | uniq -c |
	awk '{ print $2, $3, $4, $1 }' > "$tmp/p22.dump.ou"
jq -r '.prefixes[] | .prefix as $p | .origins[] | .asn as $o | .upstreams[] | "\($p) \($o) \(.asn // 0) \(.peers)"' \
	"$tmp/p22.json" | sort > "$tmp/p22.got.ou"
awk -F'|' '$4 ~ /^175\.45\.17[6-9]\.0\/24$/ { print $4, $1 }' "$tmp/as-0930.ou" | sort | uniq -c |
	awk '{ print $2, $3, $1 }' > "$tmp/p22.dump.coll"
jq -r '.prefixes[] | .prefix as $p | .per_collector[] | "\($p) \(.collector) \(.peers)"' "$tmp/p22.json" |
	sort > "$tmp/p22.got.coll"
check prefix-22-equals-dump "[ -s $tmp/p22.dump.ou ] && cmp -s $tmp/p22.dump.ou $tmp/p22.got.ou && cmp -s $tmp/p22.dump.coll $tmp/p22.got.coll" \
	"dump: $(tr '\n' ',' < "$tmp/p22.dump.ou") $(tr '\n' ',' < "$tmp/p22.dump.coll") prefix: $(tr '\n' ',' < "$tmp/p22.got.ou") $(tr '\n' ',' < "$tmp/p22.got.coll")"
check prefix-22-text "grep -q '^175.45.176.0/22 at 2017-10-01 09:30:00 UTC' $tmp/p22.txt && grep -q 'no route for 175.45.176.0/22 itself; 4 more-specific prefixes' $tmp/p22.txt && [ \$(grep -c 'origin AS131279 STAR-KP: 14 peers' $tmp/p22.txt) -eq 4 ] && [ \$(grep -c 'upstream AS20485 TRANSTELECOM: 6 peers' $tmp/p22.txt) -eq 3 ] && [ \$(grep -c 'collector rrc00: 6 of 6 peers' $tmp/p22.txt) -eq 4 ]" \
	"$(head -8 "$tmp/p22.txt" | tr '\n' '|')"

"$RW" prefix 175.45.176.0/24 --json --at $T "$S" > "$tmp/p24.json" 2>/dev/null
"$RW" prefix 175.45.176.0/24 --at $T "$S" > "$tmp/p24.txt" 2>/dev/null
r=$(jq -c '[.present, .more_specifics, [.prefixes[].prefix]]' "$tmp/p24.json")
check prefix-24-shows-one "[ '$r' = '[true,0,[\"175.45.176.0/24\"]]' ] && grep -q 'the prefix (no more-specific prefix)' $tmp/p24.txt && [ \$(grep -c 'seen by' $tmp/p24.txt) -eq 1 ]" \
	"$r $(head -3 "$tmp/p24.txt" | tr '\n' '|')"
# before AS20485: one upstream
r=$("$RW" prefix 175.45.176.0/24 --json --at 2017-10-01T08:30:00Z "$S" 2>/dev/null | jq -c '[.prefixes[0].origins[] | [.asn, [.upstreams[].asn]]]')
check prefix-24-before "[ '$r' = '[[131279,[4837]]]' ]" "$r"

"$RW" prefix 175.45.180.0/22 "$S" > "$tmp/none.txt" 2>&1
rc=$?
check prefix-absent-clear-line "[ $rc -eq 0 ] && [ \$(wc -l < $tmp/none.txt) -eq 1 ] && grep -q '^175.45.180.0/22 at .*: no route for this prefix or any more-specific prefix' $tmp/none.txt" \
	"exit $rc: $(cat "$tmp/none.txt")"
r=$("$RW" prefix 175.45.180.0/22 --json "$S" 2>/dev/null | jq -c '[.present, .more_specifics, .prefixes]')
check prefix-absent-json "[ '$r' = '[false,0,[]]' ]" "$r"
"$RW" prefix 175.45.176.0/22 --at 2017-10-01T10:53:00Z "$S" > "$tmp/pdown.txt" 2>&1
rc=$?
check prefix-during-outage "[ $rc -eq 0 ] && grep -q 'no route for this prefix or any more-specific prefix' $tmp/pdown.txt" \
	"exit $rc: $(cat "$tmp/pdown.txt")"
# a wider prefix: the sample's other prefixes (41.0.0.0/16) are not under the /22
r=$("$RW" prefix 0.0.0.0/0 --json --at $T "$S" 2>/dev/null | jq '[.prefixes[].prefix | select(startswith("175.45."))] | length')
check prefix-default-route-covers-all "[ \"$r\" = 4 ]" "$r /24s of 175.45 under 0.0.0.0/0"

for bad in 175.45.176.0/33 175.45.176.0 banana 175.45.176.0/ ::/129; do
	"$RW" prefix "$bad" "$S" > /dev/null 2> "$tmp/bad.err"
	rc=$?
	check "bad-prefix-$bad" "[ $rc -eq 2 ] && grep -q 'is not a prefix' $tmp/bad.err" "exit $rc: $(cat "$tmp/bad.err")"
done
"$RW" prefix 175.45.176.0/22 > /dev/null 2>&1
rc=$?
check prefix-no-input-usage "[ $rc -eq 2 ]" "exit $rc"
"$RW" prefix 175.45.176.0/22 --at soon "$S" > /dev/null 2>&1
rc=$?
check prefix-bad-time-usage "[ $rc -eq 2 ]" "exit $rc"
"$RW" prefix --help > "$tmp/help.txt" 2>&1
rc=$?
check prefix-help "[ $rc -eq 0 ] && grep -q 'usage: routewatch prefix PREFIX' $tmp/help.txt && grep -q 'TIME: 2024-03-09T10:00:00Z' $tmp/help.txt && grep -q -- '--collector NAME=PATH' $tmp/help.txt && \"$RW\" --help | grep -q '^  prefix '" \
	"exit $rc: $(head -3 "$tmp/help.txt")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
