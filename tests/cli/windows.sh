#!/bin/sh
# Windows (docs/events.md §8, issue 9): `events --from A --until B` prints
# exactly the events a run over the whole input prints with A <= time < B,
# from each collector's last RIB dump before A, and opens fewer files;
# `as ASN --at T` gives the state of the input cut at T by hand; `dump
# --from A --until B` prints exactly the full dump's lines of the window.
#
# Archives, all written by the project's own writer:
#   sample/  `routewatch synth sample`: route-views2 (monthly RIB dumps
#            from 2010-12, then 2017-10-01 08:00 and 15-minute updates)
#            and rrc00 (a bview at 08:00 and 5-minute updates);
#   dense/   one collector, rv/: a RIB dump every 2 hours and an update
#            file every 15 minutes over 12 hours (one `synth updates`
#            stream cut into rib.YYYYMMDD.HHMM / updates.YYYYMMDD.HHMM);
#   dense2/  dense/ plus rrc/: RIB dumps every 2 hours on the odd hours,
#            5-minute update files that start before its first dump.
#   dense3/  dense2/'s updates, with dumps that carry what they announced
#            (tests/cli/mrt_tool.py ribs).
#   manual/  two collectors by hand (mrt_tool.py scenario).
# synth's RIB dumps hold the whole table every time, so every prefix is
# visible at every dump: the exceptions of docs/events.md §8 (a prefix
# down at the starting dump, an episode confirmed only after --settle)
# cannot bite, except where a check asks for one on purpose (settle-*).
# Its dumps are the same table each time, not what the updates led to
# (§8 item 5): with leaks and countries, whose episodes follow whole
# paths, item 3 bites, and the *-2h-windows checks allow its ends only.
#
# Usage: tests/cli/windows.sh [BUILD_DIR]. Prints "ok - windows/NAME" lines
# and "N passed, N failed". Runs on a fresh clone; needs jq and python3.
set -u
SUITE=windows
. "$(dirname "$0")/lib_check.sh"

need jq python3

opened() { sed -n 's/^files: \([0-9]*\).*/\1/p' "$1"; }

# MRT records by their header's time: tests/cli/mrt_tool.py (split, upto)

# ---------------------------------------------------------------- archives

S=$tmp/sample
"$RW" synth sample "$S" 2>/dev/null
rm -f "$S/asnames.txt"
T0=$(unix 2024-03-09T00:00:00Z)
D=$tmp/dense
mkdir -p "$D/rv"
for h in 0 2 4 6 8 10; do
	t=$((T0 + h * 3600))
	"$RW" synth rib --prefixes 400 --peers 3 --v6 0 --seed 7 --start $t -o "$D/rv/rib.$(name_time $t)"
done
"$RW" synth updates --prefixes 400 --peers 3 --v6 0 --seed 7 --start $T0 --duration 43200 --records 20000 \
	-o "$tmp/rv.mrt"
mrt split "$tmp/rv.mrt" "$D/rv" 900
D2=$tmp/dense2
mkdir -p "$D2/rrc"
cp -r "$D/rv" "$D2/"
for h in 1 3 5 7 9 11; do
	t=$((T0 + h * 3600))
	"$RW" synth rib --prefixes 400 --peers 4 --v6 0 --seed 7 --start $t -o "$D2/rrc/bview.$(name_time $t)"
done
"$RW" synth updates --prefixes 400 --peers 4 --v6 0 --seed 7 --start $((T0 + 1800)) --duration 41400 \
	--records 30000 -o "$tmp/rrc.mrt"
mrt split "$tmp/rrc.mrt" "$D2/rrc" 300
nd=$(ls "$D/rv" | wc -l)
check "dense-archive" "[ $nd -eq 54 ] && [ -s $D/rv/updates.20240309.1145 ] && [ \$(ls $D2/rrc | wc -l) -eq 144 ]" \
	"$nd files in dense/rv: $(ls $D/rv | head -3 | tr '\n' ' ')"

# The full runs: events, and the number of files each opened.
for a in sample dense dense2; do
	"$RW" events --json --stats "$tmp/$a" > "$tmp/$a.full.json" 2> "$tmp/$a.full.err"
	opened "$tmp/$a.full.err" > "$tmp/$a.full.files"
done
"$RW" events --json --stats --min-peers 1 "$D" > "$tmp/dense.mp1.json" 2>/dev/null
check "full-runs" "[ \$(wc -l < $tmp/sample.full.json) -eq 21 ] && [ \$(wc -l < $tmp/dense.full.json) -gt 300 ] && [ \$(cat $tmp/sample.full.files) -eq 180 ] && [ \$(cat $tmp/dense.full.files) -eq 54 ]" \
	"$(wc -l < $tmp/sample.full.json) and $(wc -l < $tmp/dense.full.json) events; files $(cat $tmp/sample.full.files) $(cat $tmp/dense.full.files)"

# ---------------------------------------------------------------- events

compared=0 # events compared over all windows: the checks must not be vacuous
# win NAME ARCHIVE A B [options]: the window's events are the full run's
# with A <= time < B (A, B in Unix seconds; 0: none), from fewer files.
win() {
	label=$1 arch=$2 a=$3 b=$4
	shift 4
	base=$(basename "$arch")
	full=$tmp/$base.full.json
	case "$*" in *min-peers*) full=$tmp/$base.mp1.json ;; esac
	opts="$*"
	[ "$a" -eq 0 ] || opts="$opts --from $a"
	[ "$b" -eq 0 ] || opts="$opts --until $b"
	"$RW" events --json --stats $opts "$arch" > "$tmp/w.json" 2> "$tmp/w.err"; rc=$?
	bz=9999
	[ "$b" -eq 0 ] || bz=$(iso "$b")
	jq -c --arg a "$(iso $a)" --arg b "$bz" 'select(.time >= $a and .time < $b)' "$full" | LC_ALL=C sort > "$tmp/w.exp"
	LC_ALL=C sort "$tmp/w.json" > "$tmp/w.got"
	n=$(opened "$tmp/w.err")
	nf=$(cat "$tmp/$base.full.files")
	compared=$((compared + $(wc -l < "$tmp/w.exp")))
	check "$label" "[ $rc -eq 0 ] && cmp -s $tmp/w.exp $tmp/w.got && [ ${n:-0} -lt $nf ]" \
		"rc=$rc, $(iso $a) .. $b: $(wc -l < $tmp/w.exp) events wanted, $(wc -l < $tmp/w.got) got, $(diff $tmp/w.exp $tmp/w.got | grep -c '^[<>]') lines differ ($(diff $tmp/w.exp $tmp/w.got | grep '^[<>]' | head -2 | cut -c1-160 | tr '\n' ' ')); files $n of $nf"
}

t() { unix "2017-10-01T$1Z"; }
win "sample/on-both-ribs-08:00" "$S" $(t 08:00:00) $(t 09:30:00)
win "sample/history-2012-2014" "$S" $(unix 2012-01-01T00:00:00Z) $(unix 2014-01-01T00:00:00Z)
win "sample/one-second-on-a-rib-2012-03-01" "$S" $(unix 2012-03-01T00:00:00Z) $(unix 2012-03-01T00:00:01Z)
win "sample/one-second-09:07:51" "$S" $(t 09:07:51) $(t 09:07:52)
win "sample/one-second-10:14:45" "$S" $(t 10:14:45) $(t 10:14:46)
win "sample/inside-update-files" "$S" $(t 09:10:30) $(t 09:50:10)
win "sample/starts-in-an-outage" "$S" $(t 10:53:00) $(t 11:40:00)
win "sample/from-only" "$S" $(t 11:00:00) 0
win "sample/until-only" "$S" 0 $(unix 2013-01-01T00:00:00Z)
win "sample/no-event" "$S" $(unix 2015-06-01T00:00:00Z) $(unix 2015-06-02T00:00:00Z)
check "sample/one-second-windows-hold-their-event" \
	"[ \$(\"$RW\" events --json --from $(t 09:07:51) --until $(t 09:07:52) $S 2>/dev/null | jq -r .type) = upstream_gained ]" \
	"the gain of 09:07:51 is missing"

d() { echo $((T0 + $1)); } # seconds after 2024-03-09 00:00
win "dense/on-a-rib-02:00" "$D" $(d 7200) $(d 10800)
win "dense/on-a-rib-quarter" "$D" $(d 14400) $(d 15300)
win "dense/inside-update-files" "$D" $(d 11250) $(d 12150)
win "dense/spans-four-ribs" "$D" $(d 5400) $(d 33300)
win "dense/from-the-first-file" "$D" $T0 $(d 3600)
win "dense/past-the-end" "$D" $(d 32400) $(d 43200)
win "dense/one-second-on-a-rib" "$D" $(d 21600) $(d 21601)
win "dense/min-peers-1" "$D" $(d 19000) $(d 26000) --min-peers 1
# one-second windows on the times of events of the full run
for k in 20 90 170 260 330; do
	s=$(unix "$(sed -n "${k}p" "$tmp/dense.full.json" | jq -r .time)")
	win "dense/one-second-event-$k" "$D" $s $((s + 1))
done
# windows drawn at random (a fixed seed), of 1 s to 5.5 h
awk -v t0=$T0 'BEGIN { srand(11); for (i = 0; i < 16; i++) { a = t0 + int(rand() * 43200);
	l = i % 4 == 0 ? 1 : 1 + int(rand() * 20000); print i, a, a + l } }' > "$tmp/random"
while read -r i a b; do
	win "dense/random-$i" "$D" $a $b
done < "$tmp/random"
while read -r i a b; do
	[ $((i % 2)) -eq 0 ] && win "dense2/random-$i" "$D2" $a $b
done < "$tmp/random"
win "dense2/before-the-first-rrc-rib" "$D2" $(d 1000) $(d 5000)
# names without a time: each file's first record gives its time, no file
# is known to end, so only the dumps before the start are left out
P=$tmp/plain
mkdir -p "$P/rv"
k=0
for f in "$D"/rv/*; do
	k=$((k + 1))
	cp "$f" "$P/rv/part$k.mrt"
done
cp "$tmp/dense.full.files" "$tmp/plain.full.files"
cp "$tmp/dense.full.json" "$tmp/plain.full.json"
win "dense/names-without-time" "$P" $(d 16000) $(d 19000)
win "dense/names-without-time-on-a-rib" "$P" $(d 28800) $(d 28801)
check "events-compared" "[ $compared -gt 600 ]" "only $compared events in all windows"

# Every type, leaks and countries included (docs/events.md §8, §11, §14):
# dense2/ in 2-hour windows (as `backfill plan --window 2h` cuts it) with
# --relationships and --countries made from it by the project's own tools
# (`routewatch relationships` infers the links; `routewatch dump` gives the
# ASNs, each a country by its number). The windows' events must be the
# full run's, event by event, but for the one difference §8 says a window
# cannot avoid (item 3: the end of an episode under way at the window's
# first starting dump, T, that the full run had confirmed with peers the
# window never sees); tests/cli/window_diff.py checks that each missing
# end is one, and that a window has nothing else. rv's dumps come on the
# even hours, rrc's on the odd ones: a window reads rrc's updates from
# rv's dump (T), not from rrc's own an hour later, or it loses the rrc
# peers that confirmed a leak, a country's provider or an upstream that
# rv's routes carry on (the bug this checks: 39 differences then).
I=$tmp/inputs
mkdir -p "$I"
"$RW" relationships "$D2" > "$I/rel.txt" 2> /dev/null
"$RW" dump "$D2/rv/rib.$(name_time $T0)" 2> /dev/null |
	awk -F'|' '{n = split($7, p, " "); for (i = 1; i <= n; i++) a[p[i]] = 1}
	END {split("US DE JP BR KP", cc, " "); for (x in a) printf "%s\tNET-%s Somewhere, %s\n", x, x, cc[x % 5 + 1]}' |
	sort -n > "$I/countries.txt"
IOPTS="--relationships $I/rel.txt --countries $I/countries.txt"
# windows2h NAME ARCHIVE [options]: the full run and 12 two-hour windows
# from 00:00 (the last six after the data), compared by window_diff.py
windows2h() {
	label=$1 arch=$2
	shift 2
	"$RW" events --json $IOPTS "$arch" > "$tmp/wf.json" 2> /dev/null
	: > "$tmp/wl"
	for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
		a=$((T0 + i * 7200))
		"$RW" -v events --json $IOPTS "$@" --from $a --until $((a + 7200)) "$arch" > "$tmp/w$i.json" 2> "$tmp/w$i.err"
		# T: the earliest starting dump's cut (a named dump's minute early)
		c=$(sed -n 's/.*starts from its RIB dump of \([0-9-]* [0-9:]*\).*/\1/p' "$tmp/w$i.err" |
			while read -r x; do unix "$x UTC"; done | sort -n | head -1)
		echo $a $((a + 7200)) $((${c:-60} - 60)) "$tmp/w$i.json" >> "$tmp/wl"
	done
	python3 "$HERE/window_diff.py" "$tmp/wf.json" "$tmp/wl" > "$tmp/wd.out"; rc=$?
	types=$(jq -r .type "$tmp/wf.json" | sort -u | tr '\n' ' ')
	check "$label" "[ $rc -eq 0 ] && grep -q ' 0 other differences' $tmp/wd.out && for t in route_leak route_leak_end country_provider_gained country_provider_lost upstream_gained upstream_lost origin_gained origin_lost; do echo ' $types' | grep -q \" \$t \" || exit 1; done" \
		"$(head -4 $tmp/wd.out | cut -c1-300 | tr '\n' ' ') types: $types"
}
windows2h "dense2/every-type-in-2h-windows" "$D2"
# The same over dumps that carry what the updates announced (each the
# state the collector's updates lead to: mrt_tool.py ribs), with a settle
# time to the end (no episode confirmed too late, §8 item 1): only item
# 3's ends differ (rv's dump at T carries a leak that rrc's dump had
# confirmed with a peer it has lost by then).
D3=$tmp/dense3
mkdir -p "$D3/rv" "$D3/rrc"
"$RW" synth rib --prefixes 400 --peers 3 --v6 0 --seed 7 --start $T0 -o "$tmp/rv.rib"
"$RW" synth rib --prefixes 400 --peers 4 --v6 0 --seed 7 --start $((T0 + 3600)) -o "$tmp/rrc.rib"
mrt ribs "$tmp/rv.rib" "$tmp/rv.mrt" "$D3/rv/rib" $(for h in 0 2 4 6 8 10; do echo $((T0 + h * 3600)); done)
mrt ribs "$tmp/rrc.rib" "$tmp/rrc.mrt" "$D3/rrc/bview" $(for h in 1 3 5 7 9 11; do echo $((T0 + h * 3600)); done)
cp "$D2"/rv/updates.* "$D3/rv/"
cp "$D2"/rrc/updates.* "$D3/rrc/"
"$RW" events --json "$D3" 2> /dev/null > "$tmp/d3.json"
check "dense3/dumps-carry-the-updates" "[ \$(ls $D3/rv $D3/rrc | grep -c '^rib\|^bview') -eq 12 ] && [ \$(grep -c ':00:00Z' $tmp/d3.json) -lt 20 ]" \
	"$(ls $D3/rv $D3/rrc | head -3 | tr '\n' ' ') $(grep -c ':00:00Z' $tmp/d3.json) events on the hour"
windows2h "dense3/every-type-in-2h-windows" "$D3" --settle 43200

# The mechanism, by hand (tests/cli/mrt_tool.py scenario): two collectors,
# rv with dumps at 08:00 and 10:00, rrc at 08:00 and 09:00. A peer of rv
# takes 192.0.2.0/24 through a leak at 08:10 (new upstream AS64511, the
# country's new international provider), a peer of rrc does too at 08:30
# (2 peers: confirmed) and leaves it at 08:50; rv's peer leaves it at
# 09:40. A window from 09:30 starts rv from 08:00 and rrc from 09:00; it
# must read rrc's updates from 08:00 to see the confirmation, and report
# the three ends at 09:40 as the full run does.
M=$tmp/manual
mkdir -p "$M/rv" "$M/rrc"
{
	echo 't0 1709971200'
	echo "peer 3356 198.51.100.1"
	echo "peer 174 198.51.100.2"
	echo 'rib 192.0.2.0/24 64500 65551'
	echo 'rib 198.51.100.0/24 64500 65552'
	echo 'at 600 0 192.0.2.0/24 64510 64511 65551'
	echo 'at 6000 0 192.0.2.0/24 64500 65551'
	echo 'dump 7200'
} > "$tmp/rv.spec"
sed -e 's/198.51.100.1$/203.0.113.1/; s/^peer 174 198.51.100.2/peer 1299 203.0.113.2/; s/^at 600 /at 1800 /; s/^at 6000 /at 3000 /; s/^dump 7200/dump 3600/' \
	"$tmp/rv.spec" > "$tmp/rrc.spec"
mrt scenario "$tmp/rv.spec" "$M/rv"
mrt scenario "$tmp/rrc.spec" "$M/rrc"
printf '64511|64510|-1\n3356|64510|-1\n64500|65551|-1\n64511|65551|-1\n' > "$tmp/m-rel.txt"
printf '65551\tA Somewhere, KP\n65552\tB Somewhere, KP\n64500\tC Elsewhere, RU\n64511\tD Elsewhere, CN\n' > "$tmp/m-cc.txt"
MOPTS="--relationships $tmp/m-rel.txt --countries $tmp/m-cc.txt"
"$RW" events --json $MOPTS "$M" 2> /dev/null | jq -c 'select(.time >= "2024-03-09T09:30:00Z" and .time < "2024-03-09T10:00:00Z")' > "$tmp/m.exp"
"$RW" events --json $MOPTS --from 2024-03-09T09:30:00Z --until 2024-03-09T10:00:00Z "$M" > "$tmp/m.got" 2> /dev/null
check "two-collectors/confirmed-by-the-later-collector" "cmp -s $tmp/m.exp $tmp/m.got && [ \"\$(jq -r .type $tmp/m.got | sort | tr '\n' ' ')\" = 'country_provider_lost route_leak_end upstream_lost ' ]" \
	"wanted $(jq -r .type $tmp/m.exp | tr '\n' ' '), got $(jq -r .type $tmp/m.got | tr '\n' ' ')"

# Exactly the files the window needs: 04:00 to 04:15 with an hour of
# settle starts from the dump of 02:00 (the one of 04:00 is the window's
# own second) and reads to 05:15: 2 dumps and 14 update files.
"$RW" events --json --stats --from $(d 14400) --until $(d 15300) "$D" > /dev/null 2> "$tmp/f.err"
check "files-of-a-window" "grep -q '^files: 16 (0 could not be opened, 0 damaged); 38 outside the window, not opened$' $tmp/f.err" \
	"$(grep '^files' $tmp/f.err)"
"$RW" -v events --from $(d 14400) --until $(d 15300) "$D" > /dev/null 2> "$tmp/v.err"
check "verbose-names-the-starting-dump" "grep -q 'rv: starts from its RIB dump of 2024-03-09 02:00' $tmp/v.err" \
	"$(head -c 300 $tmp/v.err)"

# --settle: an episode that starts in the window and is confirmed later
# belongs to the window; without the settle time it is not seen.
jq -c 'select(.type == "upstream_gained" and .confirmed_at > .time)' "$tmp/dense.full.json" |
	jq -s -c 'map(select(((.confirmed_at | fromdate) - (.time | fromdate)) >= 120)) | .[0]' > "$tmp/late"
lt=$(jq -r '.time | fromdate' "$tmp/late")
lc=$(jq -r '.confirmed_at | fromdate' "$tmp/late")
"$RW" events --json --settle 0 --from $lt --until $((lt + 1)) "$D" 2>/dev/null > "$tmp/s0.json"
"$RW" events --json --settle $((lc - lt)) --from $lt --until $((lt + 1)) "$D" 2>/dev/null > "$tmp/s1.json"
check "settle-0-misses-a-late-confirmation" "[ \"\$(cat $tmp/late)\" != null ] && ! grep -qxFf $tmp/late $tmp/s0.json" \
	"late: $(cat $tmp/late); got $(head -c 200 $tmp/s0.json)"
check "settle-covers-it" "grep -qxFf $tmp/late $tmp/s1.json" "late: $(cat $tmp/late); got $(head -c 300 $tmp/s1.json)"

"$RW" events --from $(d 3600) --until $(d 3600) "$D" > /dev/null 2>&1; rc=$?
check "from-not-before-until" "[ $rc -eq 2 ]" "rc=$rc"
"$RW" events --settle soon --from $(d 3600) "$D" > /dev/null 2>&1; rc=$?
check "settle-usage" "[ $rc -eq 2 ]" "rc=$rc"

# ---------------------------------------------------------------- as --at

# as_at NAME ARCHIVE ASN T CUT_DIR: `as --at T` over the archive equals
# `as` over CUT_DIR (the input cut at T by hand), but for the time shown.
as_at() {
	"$RW" as "$3" --json --at "$4" "$2" > "$tmp/a1.json" 2> "$tmp/a1.err"; rc=$?
	"$RW" as "$3" --json "$5" > "$tmp/a2.json" 2>/dev/null
	jq -S 'del(.time)' "$tmp/a1.json" > "$tmp/a1.cmp"
	jq -S 'del(.time)' "$tmp/a2.json" > "$tmp/a2.cmp"
	check "$1" "[ $rc -eq 0 ] && [ \$(jq -r .time $tmp/a1.json) = $(iso $4) ] && [ \$(jq '.prefixes | length' $tmp/a1.json) -gt 0 ] && cmp -s $tmp/a1.cmp $tmp/a2.cmp" \
		"rc=$rc $(diff $tmp/a1.cmp $tmp/a2.cmp | head -6 | tr '\n' ' ')"
}
asn=$(jq -r 'select(.type == "prefix_down") | .origin' "$tmp/dense.full.json" | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
# 05:29:59: the dump of 04:00 and the update files of 04:00 to 05:15
mkdir -p "$tmp/cut1/rv"
cp "$D/rv/rib.20240309.0400" "$tmp/cut1/rv/"
for m in 0400 0415 0430 0445 0500 0515; do cp "$D/rv/updates.20240309.$m" "$tmp/cut1/rv/"; done
as_at "as/dense-at-a-file-boundary" "$D" $asn $(d 19799) "$tmp/cut1"
# 05:37:12: the same, and the file of 05:30 cut at that second
cp -r "$tmp/cut1" "$tmp/cut2"
mrt upto "$D/rv/updates.20240309.0530" "$tmp/cut2/rv/updates.20240309.0530" $(d 20232)
as_at "as/dense-inside-a-file" "$D" $asn $(d 20232) "$tmp/cut2"
# the sample at 10:14:59, two collectors
mkdir -p "$tmp/cut3/route-views2" "$tmp/cut3/rrc00"
for f in "$S"/route-views2/*20171001*; do
	[ "$(basename "$f" | cut -d. -f3)" -le 1000 ] && cp "$f" "$tmp/cut3/route-views2/"
done
for f in "$S"/rrc00/*20171001*; do
	[ "$(basename "$f" | cut -d. -f3)" -le 1010 ] && cp "$f" "$tmp/cut3/rrc00/"
done
as_at "as/sample-two-collectors" "$S" 131279 $(t 10:14:59) "$tmp/cut3"
# the sample in its history: the monthly dump of 2013-01 alone
mkdir -p "$tmp/cut4/route-views2"
cp "$S/route-views2/rib.20130101.0000.bz2" "$tmp/cut4/route-views2/"
as_at "as/sample-history" "$S" 131279 $(unix 2013-01-15T12:00:00Z) "$tmp/cut4"

# ---------------------------------------------------------------- dump

# dump_win NAME A B FILES...: the lines of the full dump with A <= time < B
# (bgpdump's second field), from fewer files.
dump_win() {
	label=$1 a=$2 b=$3
	shift 3
	"$RW" dump "$@" > "$tmp/dfull" 2>/dev/null
	awk -F'|' -v a=$a -v b=$b '$2 >= a && $2 < b' "$tmp/dfull" > "$tmp/dexp"
	"$RW" dump --stats --from $a --until $b "$@" > "$tmp/dgot" 2> "$tmp/derr"; rc=$?
	"$RW" dump --workers 2 --from $a --until $b "$@" > "$tmp/dpar" 2>/dev/null
	check "$label" "[ $rc -eq 0 ] && [ -s $tmp/dexp ] && cmp -s $tmp/dexp $tmp/dgot && cmp -s $tmp/dexp $tmp/dpar && [ \$(opened $tmp/derr) -lt $# ]" \
		"rc=$rc, $(wc -l < $tmp/dexp) lines wanted, $(wc -l < $tmp/dgot) got, $(wc -l < $tmp/dpar) on workers; $(grep '^files' $tmp/derr)"
}
dump_win "dump/sample-half-hour" $(t 09:10:00) $(t 09:40:00) "$S"/route-views2/* "$S"/rrc00/*
dump_win "dump/sample-a-rib-second" $(t 08:00:00) $(t 08:00:01) "$S"/route-views2/* "$S"/rrc00/*
dump_win "dump/dense-inside-files" $(d 11250) $(d 12150) "$D"/rv/*
s=$("$RW" dump "$D/rv/updates.20240309.0530" | sed -n 100p | cut -d'|' -f2)
dump_win "dump/dense-one-second" $s $((s + 1)) "$D"/rv/*
dump_win "dump/dense-a-rib-second" $(d 21600) $(d 21601) "$D"/rv/*
"$RW" dump --stats --from $(d 11250) --until $(d 12150) "$D"/rv/* > /dev/null 2> "$tmp/derr"
# 03:07:30 to 03:22:30: update files 03:00 and 03:15; no dump (the one
# of 02:00 is over when the file of 02:15 begins)
check "dump/files-of-a-window" "grep -q '^files: 2 (0 could not be opened, 0 damaged); 52 outside the window, not opened$' $tmp/derr" \
	"$(grep '^files' $tmp/derr)"
"$RW" dump --json --from $(d 11250) --until $(d 12150) "$D"/rv/* > "$tmp/dj" 2>/dev/null
"$RW" dump --json "$D"/rv/* 2>/dev/null | jq -c --argjson a $(d 11250) --argjson b $(d 12150) 'select(.timestamp >= $a and .timestamp < $b)' > "$tmp/djexp"
jq -c . "$tmp/dj" > "$tmp/djgot"
check "dump/json" "[ -s $tmp/dj ] && cmp -s $tmp/djgot $tmp/djexp" "$(wc -l < $tmp/dj) lines, $(wc -l < $tmp/djexp) wanted"
"$RW" dump --from $(d 3600) --until $(d 60) "$D"/rv/rib.20240309.0000 > /dev/null 2>&1; rc=$?
check "dump/from-not-before-until" "[ $rc -eq 2 ]" "rc=$rc"

# ingest: --until B then the rest equals one run (a file that goes on past
# B is not marked as stored); --from A into a new store stores the
# window's events; --from on a store with a history is refused
"$RW" ingest -q --db "$tmp/i1.db" --until 2017-10-01T11:00:00Z "$S" > /dev/null 2>&1
"$RW" ingest -q --db "$tmp/i1.db" "$S" > /dev/null 2>&1
"$RW" ingest -q --db "$tmp/i2.db" "$S" > /dev/null 2>&1
a=$("$RW" events --db "$tmp/i1.db" --json | md5sum) b=$("$RW" events --db "$tmp/i2.db" --json | md5sum)
c=$("$RW" history 131279 --db "$tmp/i1.db" --json | md5sum) d=$("$RW" history 131279 --db "$tmp/i2.db" --json | md5sum)
check "ingest/until-then-the-rest" "[ '$a' = '$b' ] && [ '$c' = '$d' ]" "the split run's events or history differ from one run's"
"$RW" ingest -q --db "$tmp/i3.db" --from 2017-10-01T09:00:00Z "$S" > /dev/null 2>&1
a=$("$RW" events --db "$tmp/i3.db" --json | jq -c '[.type, .time, .origin, .upstream, .prefixes]' | md5sum)
b=$("$RW" events --json --from 2017-10-01T09:00:00Z "$S" 2>/dev/null | jq -c '[.type, .time, .origin, .upstream, .prefixes]' | md5sum)
n=$("$RW" events --db "$tmp/i3.db" --json | wc -l)
check "ingest/from-stores-the-window" "[ $n -gt 5 ] && [ '$a' = '$b' ]" "$n stored events, not those of events --from"
"$RW" ingest --db "$tmp/i3.db" --from 2017-10-01T12:00:00Z "$S" > /dev/null 2> "$tmp/ierr"; rc=$?
check "ingest/from-on-a-history-refused" "[ $rc -eq 2 ] && grep -q 'starts a new store' $tmp/ierr" "rc=$rc $(cat "$tmp/ierr")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
