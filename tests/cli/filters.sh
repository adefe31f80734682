#!/bin/sh
# dump's selection (issue 9: bgpreader's filters): every filter is checked
# against the same selection made with awk over the unfiltered bgpdump -m
# lines, on the sample archive (`routewatch synth sample`) and a synthetic
# update file with communities, in both the sequential and the parallel
# decoder. Bad terms are usage errors naming the option.
#
# Usage: tests/cli/filters.sh [BUILD_DIR]. Prints "ok - filters/NAME" lines
# and "N passed, N failed". Runs on a fresh clone (no shared data).
set -u
SUITE=filters
. "$(dirname "$0")/lib_check.sh"
# same NAME GOT WANT: both non-empty and equal
same() {
	if [ "$2" -gt 0 ] && [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "$2 lines, $3 wanted"; fi
}

S=$tmp/sample
"$RW" synth sample "$S" 2>/dev/null
"$RW" dump "$S" > "$tmp/all" 2>/dev/null
U=$tmp/u.mrt
"$RW" synth updates --records 20000 --seed 5 -o "$U"
"$RW" dump --workers 1 "$U" > "$tmp/uall" 2>/dev/null

n() { "$RW" dump "$@" 2>/dev/null | wc -l; }
same prefix-more "$(n --prefix 175.45.176.0/22 "$S")" "$(awk -F'|' '$6 ~ /^175\.45\.17[6-9]\./' "$tmp/all" | wc -l)"
same prefix-exact "$(n --prefix-exact 175.45.176.0/24 "$S")" "$(awk -F'|' '$6 == "175.45.176.0/24"' "$tmp/all" | wc -l)"
same prefix-less "$(n --prefix-less 175.45.176.0/25 "$S")" "$(awk -F'|' '$6 == "175.45.176.0/24"' "$tmp/all" | wc -l)"
same prefix-any "$(n --filter 'prefix any 175.45.176.0/23' "$S")" "$(awk -F'|' '$6 == "175.45.176.0/24" || $6 == "175.45.177.0/24"' "$tmp/all" | wc -l)"
same origin "$(n --origin AS131279 "$S")" "$(awk -F'|' '$3 != "W" && $7 ~ / 131279$/' "$tmp/all" | wc -l)"
same peer-asn "$(n --peer-asn 3356 "$S")" "$(awk -F'|' '$5 == 3356' "$tmp/all" | wc -l)"
p=$(awk -F'|' 'NR == 1000 { print $4 }' "$tmp/all")
same peer-address "$(n --peer "$p" "$S")" "$(awk -F'|' -v p="$p" '$4 == p' "$tmp/all" | wc -l)"
same aspath "$(n --aspath '_20485_' "$S")" "$(awk -F'|' '$7 ~ /(^| )20485( |$)/' "$tmp/all" | wc -l)"
same elemtype "$(n --elemtype W "$S")" "$(awk -F'|' '$3 == "W"' "$tmp/all" | wc -l)"
same collector "$(n --filter 'collector rrc00' "$S")" "$("$RW" dump "$S/rrc00" 2>/dev/null | wc -l)"
same ipversion "$(n --workers 1 --filter 'ipversion 6' "$U")" "$(awk -F'|' '($3 == "A" || $3 == "W" || $3 == "B") && $6 ~ /:/' "$tmp/uall" | wc -l)"
same terms-combined "$(n --filter 'prefix less 175.45.176.0/25 and elemtype announcements,ribs' "$S")" \
	"$(awk -F'|' '($3 == "A" || $3 == "B") && $6 == "175.45.176.0/24"' "$tmp/all" | wc -l)"
same alternatives "$(n --origin 131279 --origin 4837 "$S")" "$(awk -F'|' '$3 != "W" && ($7 ~ / 131279$/ || $7 ~ / 4837$/)' "$tmp/all" | wc -l)"
c=$(awk -F'|' '$12 != "" { split($12, a, " "); print a[1]; exit }' "$tmp/uall")
same community "$(n --workers 1 --community "$c" "$U")" "$(awk -F'|' -v c="$c" '{ k = split($12, a, " "); for (i = 1; i <= k; i++) if (a[i] == c) { print; break } }' "$tmp/uall" | wc -l)"
a=${c%%:*}
want=$(awk -F'|' -v a="$a" '{ k = split($12, x, " "); for (i = 1; i <= k; i++) if (x[i] ~ "^" a ":") { print; break } }' "$tmp/uall" | wc -l)
same community-wildcard-sequential "$(n --workers 1 --community "$a:*" "$U")" "$want"
same community-wildcard-parallel "$(n --workers 2 --community "$a:*" "$U")" "$want"
# bgpkit's objects: one per A, W and B line, with their fields' types and
# values equal to the bgpdump lines' (path, origin ASNs, communities)
"$RW" dump --format bgpkit "$S" > "$tmp/kit" 2>/dev/null
same bgpkit-elements "$(wc -l < "$tmp/kit")" "$(awk -F'|' '$3 == "A" || $3 == "W" || $3 == "B"' "$tmp/all" | wc -l)"
k=$(jq -r '[(.timestamp|tostring), .elem_type, .peer_ip, (.peer_asn|tostring), .prefix, ((.as_path // [])|map(tostring)|join(" "))]|join("|")' "$tmp/kit" | md5sum)
w=$(awk -F'|' '$3 == "A" || $3 == "W" || $3 == "B" { print $2 "|" ($3 == "W" ? "WITHDRAW" : "ANNOUNCE") "|" $4 "|" $5 "|" $6 "|" ($3 == "W" ? "" : $7) }' "$tmp/all" | md5sum)
if [ "$k" = "$w" ]; then ok bgpkit-fields; else nok bgpkit-fields "time, type, peer, prefix or path differ from the bgpdump lines"; fi
n=$(jq -s 'map(select((.timestamp|type) == "number" and (.origin_asns|type) == "array" and .elem_type == .type and (.as_path|type) == "array" and (.as_path[-1] == .origin_asns[0]) and (has("only_to_customer")) and (.atomic|type) == "boolean"))|length' "$tmp/kit")
same bgpkit-types "$n" "$(awk -F'|' '$3 == "A" || $3 == "B"' "$tmp/all" | wc -l)"
"$RW" dump --workers 2 --format bgpkit "$U" > "$tmp/ukit" 2>/dev/null
kc=$(jq -r 'select(.communities != null) | .communities | map(select(type == "object" and has("Custom")) | "\(.Custom[0]):\(.Custom[1])") | join(" ") | select(. != "")' "$tmp/ukit" | md5sum)
wc_=$(awk -F'|' '($3 == "A" || $3 == "B") && $12 != "" { print $12 }' "$tmp/uall" | md5sum)
if [ "$kc" = "$wc_" ]; then ok bgpkit-communities; else nok bgpkit-communities "the communities differ from the bgpdump lines"; fi
"$RW" synth updates --records 2000 --seed 9 --et -o "$tmp/et.mrt"
n=$("$RW" dump --format bgpkit "$tmp/et.mrt" 2>/dev/null | jq -s 'map(select((.timestamp|floor) != .timestamp))|length')
same bgpkit-microseconds "$n" "$("$RW" dump --json "$tmp/et.mrt" 2>/dev/null | jq -s 'map(select((.type == "announce" or .type == "withdraw") and .usec != 0))|length')"
# the collector on request
n=$("$RW" dump --show-collector "$S" 2>/dev/null | awk -F'|' '$1 != "route-views2" && $1 != "rrc00"' | wc -l)
m=$("$RW" dump --show-collector "$S" 2>/dev/null | cut -d'|' -f2- | md5sum) a=$(md5sum < "$tmp/all")
if [ "$n" -eq 0 ] && [ "$m" = "$a" ]; then ok show-collector-column; else nok show-collector-column "$n lines without a collector, or the rest differs"; fi
n=$("$RW" dump --json --show-collector "$S/rrc00" 2>/dev/null | jq -s 'map(select(.collector == "rrc00"))|length')
same show-collector-json "$n" "$("$RW" dump "$S/rrc00" 2>/dev/null | wc -l)"

for bad in "--format=xml" "--filter=prefix foo 1.2.3.0/24" "--community=x:1" "--aspath=(" "--origin=ASX" "--filter=colour red" "--elemtype=Z"; do
	"$RW" dump "$bad" "$S" > /dev/null 2> "$tmp/err"; rc=$?
	opt=$(echo "$bad" | sed 's/=.*//')
	if [ $rc -eq 2 ] && grep -q "^routewatch: error: $opt: " "$tmp/err"; then ok "bad$opt"; else nok "bad$opt" "rc=$rc $(cat "$tmp/err")"; fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
