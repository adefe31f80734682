#!/bin/sh
# `routewatch events` and `routewatch as` end to end.
# Interop: on ../shared/data/scenarios/public/archive the events equal
# expected-events.jsonl (and, with --min-peers 1, the min-peers-1 file),
# compared as sets of (type, time, origin, upstream, sorted prefixes,
# new_for_origin, last_for_origin) as the scenario's README says.
set -u
B=${1:-build}
RW=$B/routewatch
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${RW_SHARED_DATA:-$HERE/../../../shared/data}
SC=$SHARED/scenarios/public
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - events/$1"; pass=$((pass + 1)); }
nok() { echo "not ok - events/$1: $2"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok "$1"; else nok "$1" "$3"; fi; }

if ! command -v jq >/dev/null 2>&1; then
	nok "jq" "jq is not installed (scripts/install-deps.sh installs it)"
	echo "$pass passed, $fail failed"
	exit 1
fi
# norm FILE [EXPECTED]: the fields compared, sorted. With EXPECTED, only the
# event types that file has: the expected files predate docs/events.md §10
# (origin_gained, origin_lost, prefix_new, more_specific), which the public
# scenario also shows; tests/cli/origins.sh checks those.
norm() {
	types=$(jq -r .type "${2:-$1}" | LC_ALL=C sort -u | jq -R . | jq -sc .)
	jq -c --argjson t "$types" 'select(.type as $x | $t | index($x)) |
	        {type, time, origin, upstream: (.upstream // null), prefixes: (.prefixes | sort),
	        new_for_origin: (.new_for_origin // null), last_for_origin: (.last_for_origin // null)}' "$1" | LC_ALL=C sort
}

if [ ! -d "$SC/archive" ]; then
	echo "skip - events/public-scenario: $SC is absent, the interop test was not run"
else
	"$RW" events --json "$SC/archive" > "$tmp/ev.json" 2>"$tmp/err"; rc=$?
	norm "$SC/expected-events.jsonl" > "$tmp/exp"
	norm "$tmp/ev.json" "$SC/expected-events.jsonl" > "$tmp/got"
	check "public-scenario-min-peers-2" "[ $rc -eq 0 ] && cmp -s $tmp/exp $tmp/got" \
		"rc=$rc, $(diff $tmp/exp $tmp/got | grep -c '^[<>]') lines differ: $(diff $tmp/exp $tmp/got | head -4 | tr '\n' ' ')"
	"$RW" events --json --min-peers 1 "$SC/archive" > "$tmp/ev1.json" 2>/dev/null
	norm "$SC/expected-events-min-peers-1.jsonl" > "$tmp/exp1"
	norm "$tmp/ev1.json" "$SC/expected-events-min-peers-1.jsonl" > "$tmp/got1"
	check "public-scenario-min-peers-1" "cmp -s $tmp/exp1 $tmp/got1" \
		"$(diff $tmp/exp1 $tmp/got1 | grep -c '^[<>]') lines differ"
	# the order of the arguments does not matter
	"$RW" events --json "$SC/archive/rrc00" "$SC"/archive/route-views2/*.bz2 2>/dev/null > "$tmp/evx.json"
	norm "$tmp/evx.json" "$SC/expected-events.jsonl" > "$tmp/gotx"
	check "public-scenario-argument-order" "cmp -s $tmp/exp $tmp/gotx" "events differ with files given in another order"
	# filters
	"$RW" events --json --origin AS65551 --type upstream_gained --type upstream_lost "$SC/archive" 2>/dev/null > "$tmp/f.json"
	jq -c 'select(.origin == 65551 and (.type == "upstream_gained" or .type == "upstream_lost"))' "$SC/expected-events.jsonl" > "$tmp/fexp.json"
	norm "$tmp/fexp.json" > "$tmp/fexp"
	norm "$tmp/f.json" > "$tmp/fgot"
	check "filters-origin-type" "[ -s $tmp/fgot ] && cmp -s $tmp/fexp $tmp/fgot" "filtered events differ"
	# text for people, with names
	"$RW" events --origin 65551 --names "$SHARED/asnames/asn.txt.20171001-codeout" "$SC/archive" 2>/dev/null > "$tmp/t.txt"
	check "text-output" "grep -q '^2024-03-09 09:07:51 UTC  AS65551 gained upstream AS64501 [^ ]* on 3 of 4 prefixes (new): 192.0.2.0/25, 198.51.100.0/24, 203.0.113.0/24$' $tmp/t.txt" \
		"$(head -2 $tmp/t.txt | tr '\n' ' ')"
	# names: pyasn's JSON (gzip) and potaroo's list, both real
	"$RW" events --json --type upstream_gained --names "$SHARED/asnames/pyasn_asnames.json.gz" "$SC/archive" 2>/dev/null > "$tmp/n.json"
	n1=$(zcat "$SHARED/asnames/pyasn_asnames.json.gz" | jq -r '."33876"')
	check "names-pyasn-json" "[ \"\$(jq -r 'select(.upstream == 33876) | .upstream_name' $tmp/n.json | head -1)\" = \"$n1\" ] && [ -n \"$n1\" ]" \
		"want upstream_name '$n1'; got $(grep 33876 $tmp/n.json | head -1)"
	"$RW" events --json --type upstream_gained --names "$SHARED/asnames/asn.txt.20171001-codeout" "$SC/archive" 2>/dev/null > "$tmp/n2.json"
	n2=$(grep -P '^33876\t' "$SHARED/asnames/asn.txt.20171001-codeout" | cut -f2- | iconv -f latin1 -t utf-8)
	check "names-potaroo" "[ \"\$(jq -r 'select(.upstream == 33876) | .upstream_name' $tmp/n2.json | head -1)\" = \"$n2\" ] && [ -n \"$n2\" ]" \
		"want upstream_name '$n2'"
	# as: state at a time, with both upstreams during the TTK-like episode
	"$RW" as AS65551 --json --at 2024-03-09T09:30:00Z "$SC/archive" 2>/dev/null > "$tmp/as.json"
	check "as-at-time" "[ \$(jq '.prefix_count' $tmp/as.json) -eq 4 ] && [ \$(jq '[.prefixes[] | select(.upstreams[] | .asn == 64501)] | length' $tmp/as.json) -eq 3 ] && [ \$(jq '.collectors_total' $tmp/as.json) -eq 2 ]" \
		"$(head -c 300 $tmp/as.json)"
	"$RW" as 65551 "$SC/archive" 2>/dev/null > "$tmp/as.txt"
	check "as-text" "grep -q '^AS65551 at ' $tmp/as.txt && grep -q 'upstream AS64500' $tmp/as.txt" "$(head -3 $tmp/as.txt | tr '\n' ' ')"
	# a damaged file: the clear error, and the events before the damage
	cp -r "$SC/archive" "$tmp/arch"
	f=$tmp/arch/rrc00/updates.20240309.1200.gz
	sz=$(stat -c %s "$f")
	head -c $((sz / 2)) "$f" > "$tmp/cut.gz" && mv "$tmp/cut.gz" "$f"
	"$RW" events --json "$tmp/arch" > "$tmp/d.json" 2>"$tmp/derr"; rc=$?
	jq -c 'select(.time < "2024-03-09T12:00:00Z")' "$SC/expected-events.jsonl" > "$tmp/dexp.json"
	jq -c 'select(.time < "2024-03-09T12:00:00Z")' "$tmp/d.json" > "$tmp/dgot.json"
	norm "$tmp/dexp.json" > "$tmp/dexp"
	norm "$tmp/dgot.json" "$SC/expected-events.jsonl" > "$tmp/dgot"
	check "damaged-file" "[ $rc -eq 1 ] && grep -q 'updates.20240309.1200.gz: gzip: unexpected end of compressed data' $tmp/derr && [ -s $tmp/dexp ] && cmp -s $tmp/dexp $tmp/dgot" \
		"rc=$rc stderr: $(head -c 300 $tmp/derr)"
fi

# fresh-clone checks: the sample archive replays the mission's story to
# the second (docs/events.md over two collectors, RIBs and updates, bz2 and gz)
"$RW" synth sample "$tmp/sample" 2>/dev/null
"$RW" events --json "$tmp/sample" > "$tmp/story.json" 2>"$tmp/story.err"; rc=$?
story=$(jq -r '[.type, .time, (.upstream // "-"), (.prefixes | length)] | @tsv' "$tmp/story.json" | tr '\t' ' ' | tr '\n' ';')
want="upstream_gained 2012-03-01T00:00:00Z 22351 2;upstream_lost 2013-09-01T00:00:00Z 22351 2;upstream_gained 2017-10-01T09:07:51Z 20485 3;upstream_lost 2017-10-01T10:14:45Z 20485 3;origin_down 2017-10-01T10:52:14Z - 0;prefix_down 2017-10-01T10:52:14Z - 4;origin_up 2017-10-01T10:55:37Z - 0;prefix_up 2017-10-01T10:55:37Z - 4;origin_down 2017-10-01T11:09:41Z - 0;prefix_down 2017-10-01T11:09:41Z - 4;origin_up 2017-10-01T11:12:03Z - 0;prefix_up 2017-10-01T11:12:03Z - 4;origin_down 2017-10-01T11:38:26Z - 0;prefix_down 2017-10-01T11:38:26Z - 4;origin_up 2017-10-01T11:44:52Z - 0;prefix_up 2017-10-01T11:44:52Z - 4;origin_down 2017-10-01T12:02:07Z - 0;prefix_down 2017-10-01T12:02:07Z - 4;origin_up 2017-10-01T12:05:19Z - 0;prefix_up 2017-10-01T12:05:19Z - 4;upstream_gained 2017-10-01T12:21:55Z 20485 3;"
check "sample-tells-the-story" "[ $rc -eq 0 ] && [ \"$story\" = \"$want\" ] && [ \$(jq -r .origin $tmp/story.json | sort -u) = 131279 ]" \
	"rc=$rc got: $story"

# fresh-clone checks: the events command on a synthetic archive
"$RW" synth rib --prefixes 3000 --peers 6 --seed 3 -o "$tmp/rib.20240309.0800"
"$RW" synth updates --records 20000 --prefixes 3000 --peers 6 --seed 3 --duration 900 -o "$tmp/updates.20240309.0800"
mkdir -p "$tmp/s/rv" && mv "$tmp/rib.20240309.0800" "$tmp/updates.20240309.0800" "$tmp/s/rv/"
"$RW" events --json --stats "$tmp/s" > "$tmp/s.json" 2>"$tmp/s.err"; rc=$?
check "synthetic-archive-runs" "[ $rc -eq 0 ] && grep -q '^engine: ' $tmp/s.err && jq -e . $tmp/s.json >/dev/null" "rc=$rc $(tail -2 $tmp/s.err)"
"$RW" events --bogus "$tmp/s" > /dev/null 2>&1; rc=$?
check "usage-error" "[ $rc -eq 2 ]" "rc=$rc"
# one time parser, the same option names, the shared options everywhere
"$RW" events --from 2024-13-01 "$tmp/s" > /dev/null 2> "$tmp/t.err"; rc=$?
check "bad-time-names-option-and-forms" "[ $rc -eq 2 ] && grep -q \"^routewatch: error: --from: '2024-13-01' is not a time; accepted: .*+02:00.*Unix seconds\" $tmp/t.err" \
	"rc=$rc $(cat "$tmp/t.err")"
"$RW" events --type prefix_down,bogus "$tmp/s" > /dev/null 2> "$tmp/t.err"; rc=$?
check "bad-type-lists-types" "[ $rc -eq 2 ] && grep -q \"unknown event type 'bogus'; the types are upstream_gained, .*collector_gap\" $tmp/t.err" \
	"rc=$rc $(cat "$tmp/t.err")"
a=$("$RW" events --json --type prefix_down,prefix_up "$tmp/s" 2>/dev/null | md5sum)
b=$("$RW" events --json --type prefix_down --type prefix_up "$tmp/s" 2>/dev/null | md5sum)
check "type-comma-list" "[ '$a' = '$b' ]" "a comma list differs from repeated --type"
a=$("$RW" events --json --from 2024-03-09T10:05:00+02:00 --to 1709979000 "$tmp/s" 2>/dev/null | md5sum)
b=$("$RW" events --json --from '2024-03-09 08:05' --until 2024-03-09T10:10:00Z "$tmp/s" 2>/dev/null | md5sum)
check "time-forms-and-to" "[ '$a' = '$b' ]" "the same window in other words gave other events"
ok_v=0
for cmd in dump events as ingest history report collect synth cat; do
	[ "$("$RW" $cmd --version 2>&1)" = "$("$RW" --version)" ] || ok_v=1
done
check "version-everywhere" "[ $ok_v -eq 0 ]" "some command does not take --version"
# progress on a terminal only (script(1) gives the run a pty), cleared at
# the end; the synthetic archive is big enough for a line or more
if command -v script > /dev/null; then
	script -q -c "$RW events --json $tmp/s > /dev/null" /dev/null > "$tmp/tty.out" 2>&1
	check "progress-on-a-terminal" "tr '\\r' '\\n' < $tmp/tty.out | grep -q '^.\\[Kfiles [0-9]*/2, .*B of .*B read, .* records (.*/s)' && [ \"\$(tail -c 4 $tmp/tty.out | od -An -c | tr -d ' ')\" = '\\r033[K' ]" \
		"$(tr '\r' '\n' < "$tmp/tty.out" | tail -2 | cat -v)"
else
	echo "skip - events/progress-on-a-terminal: script(1) is not installed"
fi
n=$("$RW" events --json "$tmp/s" 2>&1 >/dev/null | grep -c 'records (')
check "no-progress-on-a-pipe" "[ $n -eq 0 ]" "$n progress lines on a pipe"
# what is missing is named, one line before the usage
ok_m=0
for a in "events" "as" "as 131279" "prefix" "dump" "ingest" "history" "report" "collect --bgp 127.0.0.1:1"; do
	"$RW" $a > /dev/null 2> "$tmp/m.err"; rc=$?
	[ $rc -eq 2 ] && head -1 "$tmp/m.err" | grep -q "^routewatch: error: ${a%% *}: \(no \|--asn is required\)" || { ok_m=1; echo "# $a: rc=$rc $(head -1 "$tmp/m.err")"; }
done
check "missing-argument-named" "[ $ok_m -eq 0 ]" "a command did not name what is missing"
n=$("$RW" events -q --json "$tmp/s" 2>&1 >/dev/null | wc -l)
check "quiet-after-the-command" "[ $n -eq 0 ]" "$n lines on stderr with -q"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
