#!/bin/sh
# Gaps (docs/events.md §9): no data is not an outage. On the sample archive
# (`routewatch synth sample`) with update files taken away - an hour of
# rrc00's and one of route-views2's - each collector gets one
# collector_gap from its last record before the hole to its first after
# it, a warning names the missing files, and nothing goes down that does
# not go down in the complete archive. A peer whose session ends with its
# table is no outage; the same peer withdrawing it is one. The gap is
# stored by ingest, printed by `events --db` and told by `report`.
#
# Usage: tests/cli/gaps.sh [BUILD_DIR]. Prints "ok - gaps/NAME" lines and
# "N passed, N failed". Runs on a fresh clone (no shared data).
set -u
SUITE=gaps
. "$(dirname "$0")/lib_check.sh"

S=$tmp/sample
"$RW" synth sample "$S" 2>/dev/null
"$RW" events --json "$S" > "$tmp/full.json" 2>/dev/null
check complete-archive-no-gap "[ \$(wc -l < $tmp/full.json) -gt 10 ] && ! grep -q collector_gap $tmp/full.json" \
	"$(wc -l < "$tmp/full.json") events, or a gap in the complete archive: $(grep collector_gap "$tmp/full.json" | head -2)"

G=$tmp/gapped
cp -r "$S" "$G"
rm -f "$G"/rrc00/updates.20171001.10*.gz "$G"/route-views2/updates.20171001.1330.bz2
"$RW" events --json "$G" > "$tmp/gap.json" 2> "$tmp/gap.err"
rc=$?
check run "[ $rc -eq 0 ]" "exit $rc: $(head -c 300 "$tmp/gap.err")"

# rrc00: the 10:00-10:55 files are gone: silent from its last record of
# 09:5x to its first of 11:00
g=$(jq -c 'select(.type == "collector_gap" and .collector == "rrc00") | [.from, .to, .origin, (.prefixes|length)]' "$tmp/gap.json")
want='["2017-10-01T09:59:57Z","2017-10-01T11:00:00Z",null,0]'
check rrc00-one-gap '[ "$g" = "$want" ]' "got: $g"
# route-views2: one 15-minute file, shorter than --gap: found by the
# cadence of the names
g=$(jq -c 'select(.type == "collector_gap" and .collector == "route-views2") | [.from, .to]' "$tmp/gap.json")
want='["2017-10-01T13:29:59Z","2017-10-01T13:45:05Z"]'
check missing-file-gap '[ "$g" = "$want" ]' "got: $g"
check missing-files-warned "grep -q 'rrc00: 12 update files missing (one every 5 minutes' $tmp/gap.err && grep -q 'route-views2: 1 update file missing (one every 15 minutes' $tmp/gap.err" \
	"no warning naming the missing files: $(head -c 400 "$tmp/gap.err")"
# nothing goes down that the complete archive does not have go down
down() { jq -c 'select(.type == "prefix_down" or .type == "origin_down") | [.type, .time, .origin, .prefixes]' "$1" | sort; }
down "$tmp/full.json" > "$tmp/full.down"
down "$tmp/gap.json" > "$tmp/gap.down"
check no-false-outage "[ -s $tmp/gap.down ] && [ -z \"\$(comm -13 $tmp/full.down $tmp/gap.down)\" ]" \
	"outages only the gapped archive has: $(comm -13 "$tmp/full.down" "$tmp/gap.down" | head -3)"
# --gap 0: only the missing files make gaps (both holes are missing files)
n=$("$RW" events --json --gap 0 "$G" 2>/dev/null | grep -c collector_gap)
check gap-0-missing-files-only "[ $n -eq 2 ]" "$n gaps with --gap 0"
# --type and --origin: a gap concerns every origin
n=$("$RW" events --json --type collector_gap --origin 131279 "$G" 2>/dev/null | jq -s 'map(select(.type == "collector_gap"))|length')
check type-and-origin-filter "[ \"$n\" = 2 ]" "$n gaps with --type collector_gap --origin 131279"
"$RW" events "$G" > "$tmp/gap.txt" 2>/dev/null
check text "grep -q 'collector rrc00: no data until 2017-10-01 11:00:00 UTC (1h00m)' $tmp/gap.txt" \
	"$(grep -i collector "$tmp/gap.txt" | head -2)"

# a peer's session ending with its 2000 routes: unobserved, no event; the
# same peer withdrawing them: one prefix_down with all of them
"$RW" synth leave --prefixes 2000 -o "$tmp/leave.mrt"
"$RW" synth withdraw --prefixes 2000 -o "$tmp/withdraw.mrt"
n=$("$RW" events --json "$tmp/leave.mrt" 2>/dev/null | wc -l)
check session-end-is-no-outage "[ $n -eq 0 ]" "$n events when the session ended"
n=$("$RW" events --json "$tmp/withdraw.mrt" 2>/dev/null | jq -s 'map(select(.type == "prefix_down"))|map(.prefixes|length)|add')
check withdrawal-is-an-outage "[ \"$n\" = 2000 ]" "prefix_down holds $n prefixes, want 2000"

# a RIB dump after a gap reveals what changed: every event of its second
# carries since (the gap's start), none before it does; text says between
R=$tmp/reveal/rv
mkdir -p "$R"
t0=$(date -u -d '2024-03-09 00:00' +%s) t8=$(date -u -d '2024-03-09 08:00' +%s)
"$RW" synth rib --prefixes 3000 --peers 6 --seed 3 --start $t0 -o "$R/rib.20240309.0000"
"$RW" synth updates --records 5000 --prefixes 3000 --peers 6 --seed 3 --start $t0 --duration 900 -o "$R/updates.20240309.0000"
"$RW" synth rib --prefixes 3000 --peers 6 --seed 4 --start $t8 -o "$R/rib.20240309.0800"
"$RW" events --json "$tmp/reveal" > "$tmp/reveal.json" 2>/dev/null
g=$(jq -r 'select(.type == "collector_gap") | .from + " " + .to' "$tmp/reveal.json")
n8=$(jq -s 'map(select(.time == "2024-03-09T08:00:00Z"))|length' "$tmp/reveal.json")
s8=$(jq -s --arg f "${g% *}" 'map(select(.time == "2024-03-09T08:00:00Z" and .since == $f))|length' "$tmp/reveal.json")
sb=$(jq -s 'map(select(.time != "2024-03-09T08:00:00Z" and .since != null))|length' "$tmp/reveal.json")
check revealed-since "[ '$g' = '2024-03-09T00:14:59Z 2024-03-09T08:00:00Z' ] && [ $n8 -gt 100 ] && [ $s8 -eq $n8 ] && [ $sb -eq 0 ]" \
	"gap '$g', $n8 events at the dump, $s8 with since, $sb others with since"
"$RW" events "$tmp/reveal" 2>/dev/null | grep '^2024-03-09 08:00:00 UTC' > "$tmp/reveal.txt"
check revealed-text "[ -s $tmp/reveal.txt ] && ! grep -v -q '(between 2024-03-09 00:14:59 UTC and this time: its collector had a gap)\$' $tmp/reveal.txt" \
	"$(grep -v 'between' "$tmp/reveal.txt" | head -2)"
# every event printed follows the schema of docs/events.schema.json
if python3 -c 'import jsonschema' 2> /dev/null; then
	v=$(python3 "$(dirname "$0")/validate_events.py" "$(dirname "$0")/../../docs/events.schema.json" "$tmp/gap.json" "$tmp/reveal.json" "$tmp/full.json" 2>&1); rc=$?
	check schema "[ $rc -eq 0 ]" "$(echo "$v" | head -3)"
else
	nok schema "python3-jsonschema is not installed (scripts/install-deps.sh test installs it)"
fi

# stored and told
"$RW" ingest -q --db "$tmp/g.db" "$G" > /dev/null 2>&1
"$RW" events --db "$tmp/g.db" --json > "$tmp/db.json" 2>&1
proj='[.[] | select(.type == "collector_gap") | [.collector, .from, .to]] | sort'
check stored "[ \"\$(jq -s -c '$proj' $tmp/db.json)\" = \"\$(jq -s -c '$proj' $tmp/gap.json)\" ]" \
	"stored: $(jq -s -c "$proj" "$tmp/db.json" 2>&1 | head -c 300)"
"$RW" report 131279 --db "$tmp/g.db" --from 2017-10-01T00:00:00Z --to 2017-10-02T00:00:00Z > "$tmp/report.txt" 2>&1
check report-tells-the-gap "grep -q 'the collector rrc00 recorded nothing' $tmp/report.txt" \
	"$(grep -i -m2 'rrc00\|gap' "$tmp/report.txt")"
# report --json: the same account, and its numbers
"$RW" report 131279 --db "$tmp/g.db" --from 2017-10-01 --until 2017-10-02 --json > "$tmp/report.json" 2>&1
jq -j .text "$tmp/report.json" > "$tmp/report.jtxt" 2>/dev/null
check report-json "cmp -s $tmp/report.jtxt $tmp/report.txt && jq -e '(.events|map(select(.type == \"collector_gap\" and .collector == \"rrc00\"))|length) == 1 and (.upstreams|map(.asn)|index(4837)) != null and .origin == 131279' $tmp/report.json > /dev/null" \
	"$(head -c 300 "$tmp/report.json")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
