#!/bin/sh
# A mirror as the public archives lay it out (issue 9, "Done when"), with
# the project's writer: a RouteViews collector (route-views.sg/bgpdata/
# YYYY.MM/RIBS and UPDATES: 3 peers, a RIB dump every 2 hours, an update
# file every 15 minutes) and a RIS collector (rrc03/YYYY.MM/: 2 peers, so
# that prefixes do go down; a bview every 8 hours, an update file every 5
# minutes), over 12 hours, with
#   - two update files of route-views.sg missing (06:00, 06:15),
#   - an hour of rrc03's update files missing (10:00 to 10:55),
#   - a session of rrc03 that resets at 05:00 (Established to Idle; back
#     to Established at 05:02:30).
# Checked: the mirror gives the same events as the same files laid out
# flat; one collector_gap per hole, from the last record before it to the
# first after; the reset and the holes make no outage (no prefix_down or
# origin_down in the reset's second, and, for the holes alone, no outage
# the complete archive does not have); windows over the mirror equal the
# full run's events in them, and open fewer files.
#
# Usage: tests/cli/mirror_full.sh [BUILD_DIR]. Prints "ok - mirror/NAME"
# lines and "N passed, N failed". Runs on a fresh clone (jq, python3).
set -u
SUITE=mirror
. "$(dirname "$0")/lib_check.sh"

T0=$(unix 2024-03-09T00:00:00Z)
# the complete archive, flat: full/route-views.sg/, full/rrc03/
F=$tmp/full
mkdir -p "$F/route-views.sg" "$F/rrc03"
for h in 0 2 4 6 8 10; do
	t=$((T0 + h * 3600))
	"$RW" synth rib --prefixes 500 --peers 3 --v6 0 --seed 7 --start $t -o "$F/route-views.sg/rib.$(name_time $t)"
done
"$RW" synth updates --prefixes 500 --peers 3 --v6 0 --seed 7 --start $T0 --duration 43200 --records 20000 -o "$tmp/rv.mrt"
mrt split "$tmp/rv.mrt" "$F/route-views.sg" 900
for h in 0 8; do
	t=$((T0 + h * 3600))
	"$RW" synth rib --prefixes 500 --peers 2 --v6 0 --seed 7 --start $t -o "$F/rrc03/bview.$(name_time $t)"
done
"$RW" synth updates --prefixes 500 --peers 2 --v6 0 --seed 7 --start $T0 --duration 43200 --records 30000 -o "$tmp/rrc.mrt"
mrt split "$tmp/rrc.mrt" "$F/rrc03" 300
check archive "[ \$(ls $F/route-views.sg | wc -l) -eq 54 ] && [ \$(ls $F/rrc03 | wc -l) -eq 146 ]" \
	"$(ls "$F/route-views.sg" | wc -l) and $(ls "$F/rrc03" | wc -l) files"

# holes: the same files without the missing ones (flat), then the reset
H=$tmp/holes
cp -r "$F" "$H"
rm -f "$H/route-views.sg/updates.20240309.0600" "$H/route-views.sg/updates.20240309.0615" \
	"$H"/rrc03/updates.20240309.10*
G=$tmp/flat
cp -r "$H" "$G"
peer=$("$RW" dump "$G/rrc03/updates.20240309.0500" 2>/dev/null | awk -F'|' '$3 == "A" { print $5 " " $4; exit }')
reset=$((T0 + 5 * 3600 + 7))
mrt state "$G/rrc03/updates.20240309.0500" $reset ${peer% *} ${peer#* } 6 1
mrt state "$G/rrc03/updates.20240309.0500" $((reset + 150)) ${peer% *} ${peer#* } 1 6
check reset-written "[ \$(\"$RW\" dump $G/rrc03/updates.20240309.0500 | grep -c '|STATE|') -eq 2 ]" \
	"no state changes in $G/rrc03/updates.20240309.0500 (peer '$peer')"

# the mirror: the same files in the RouteViews and RIS layouts
M=$tmp/mirror
for f in "$G"/route-views.sg/*; do
	n=$(basename "$f")
	sub=UPDATES
	case $n in rib.*) sub=RIBS ;; esac
	d=$M/route-views.sg/bgpdata/2024.03/$sub
	mkdir -p "$d" && cp "$f" "$d/"
done
mkdir -p "$M/rrc03/2024.03"
cp "$G"/rrc03/* "$M/rrc03/2024.03/"

"$RW" events --json "$F" > "$tmp/full.json" 2>/dev/null
"$RW" events --json "$H" > "$tmp/holes.json" 2>/dev/null
"$RW" events --json "$G" > "$tmp/flat.json" 2>/dev/null
"$RW" events --json --stats "$M" > "$tmp/mirror.json" 2> "$tmp/mirror.err"
nf=$(sed -n 's/^files: \([0-9]*\).*/\1/p' "$tmp/mirror.err")
check mirror-equals-flat "[ \$(wc -l < $tmp/mirror.json) -gt 100 ] && LC_ALL=C sort $tmp/mirror.json | cmp -s - \$(LC_ALL=C sort $tmp/flat.json > $tmp/flat.sorted; echo $tmp/flat.sorted)" \
	"$(wc -l < "$tmp/mirror.json") events from the mirror, $(wc -l < "$tmp/flat.json") from the flat layout"
check mirror-collectors "grep -q '^ *route-views.sg: 6 RIB dumps, 46 update files' $tmp/mirror.err && grep -q '^ *rrc03: 2 RIB dumps, 132 update files' $tmp/mirror.err" \
	"$(sed -n '/^collectors:/,/^records:/p' "$tmp/mirror.err" | head -4)"

# one gap per hole, from the last record before it to the first after
g=$(jq -r 'select(.type == "collector_gap") | .collector + " " + .from + " " + .to' "$tmp/mirror.json" | sort | tr '\n' ';')
rv_last=$("$RW" dump "$G/route-views.sg/updates.20240309.0545" "$G/route-views.sg/rib.20240309.0600" 2>/dev/null | tail -1 | cut -d'|' -f2)
rv_next=$("$RW" dump "$G/route-views.sg/updates.20240309.0630" 2>/dev/null | head -1 | cut -d'|' -f2)
rr_last=$("$RW" dump "$G/rrc03/updates.20240309.0955" 2>/dev/null | tail -1 | cut -d'|' -f2)
rr_next=$("$RW" dump "$G/rrc03/updates.20240309.1100" 2>/dev/null | head -1 | cut -d'|' -f2)
want="route-views.sg $(iso "$rv_last") $(iso "$rv_next");rrc03 $(iso "$rr_last") $(iso "$rr_next");"
check gaps "[ '$g' = '$want' ]" "got '$g', want '$want'"
# no outage in the reset's second, and none from the holes alone
n=$(jq -s --arg t "$(iso $reset)" 'map(select((.type == "prefix_down" or .type == "origin_down") and .time == $t))|length' "$tmp/flat.json")
u=$(jq -s --arg t "$(iso $reset)" 'map(select(.time == $t))|length' "$tmp/flat.json")
check reset-no-outage "[ $n -eq 0 ]" "$n outage events (of $u events) at the reset $(iso $reset)"
down() { jq -c 'select(.type == "prefix_down" or .type == "origin_down") | [.type, .time, .origin, .prefixes]' "$1" | sort; }
down "$tmp/full.json" > "$tmp/full.down"
down "$tmp/holes.json" > "$tmp/holes.down"
check holes-no-false-outage "[ -s $tmp/holes.down ] && [ -z \"\$(comm -13 $tmp/full.down $tmp/holes.down)\" ]" \
	"outages only the archive with holes has: $(comm -13 "$tmp/full.down" "$tmp/holes.down" | head -2)"

# windows over the mirror: the full run's events in them, from fewer files
compared=0
for w in "01:00 03:00" "04:50 05:20" "05:55 06:40" "07:00 09:00" "09:30 11:30" "11:00 12:00" "00:00 00:30"; do
	a=$(unix "2024-03-09T${w% *}:00Z") b=$(unix "2024-03-09T${w#* }:00Z")
	"$RW" events --json --stats --from $a --until $b "$M" > "$tmp/w.json" 2> "$tmp/w.err"
	jq -c --arg a "$(iso $a)" --arg b "$(iso $b)" 'select(.time >= $a and .time < $b)' "$tmp/mirror.json" | LC_ALL=C sort > "$tmp/w.exp"
	n=$(sed -n 's/^files: \([0-9]*\).*/\1/p' "$tmp/w.err")
	compared=$((compared + $(wc -l < "$tmp/w.exp")))
	check "window-${w% *}-${w#* }" "LC_ALL=C sort $tmp/w.json | cmp -s - $tmp/w.exp && [ ${n:-999} -lt $nf ]" \
		"$(wc -l < "$tmp/w.exp") events wanted, $(wc -l < "$tmp/w.json") got, files ${n:-?} of $nf"
done
check windows-not-vacuous "[ $compared -gt 50 ]" "only $compared events compared"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
