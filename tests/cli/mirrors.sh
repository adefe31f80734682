#!/bin/sh
# Archives laid out as users keep them (docs/events.md §1, issue 9 "Read
# mirrors right"): the sample archive (`routewatch synth sample`, flat
# route-views2/ and rrc00/ folders) is copied into a RouteViews mirror
# (<collector>/bgpdata/YYYY.MM/RIBS|UPDATES/), a RIS mirror (rrcNN/YYYY.MM/),
# route-views2's bgpdata/ at the top of a mirror, BGPStream's cache names
# (ris.rrc00.updates.<unix>.gz), file names that carry the collector, and
# folders of no meaning named with --collector NAME=PATH. Each must give
# exactly the events of the flat sample. Then --stats, the warning for
# updates before any RIB dump, and --collector in ingest and dump.
#
# Usage: tests/cli/mirrors.sh [BUILD_DIR]. Prints "ok - mirrors/NAME" lines
# and "N passed, N failed". Runs on a fresh clone (no shared data).
set -u
SUITE=mirrors
. "$(dirname "$0")/lib_check.sh"

S=$tmp/sample
"$RW" synth sample "$S" 2>/dev/null
# the collectors --stats lists (stderr in $1)
colls() { sed -n '/^collectors:/,/^records:/p' "$1" | grep -v '^records:'; }
"$RW" events --json --stats "$S" > "$tmp/flat.json" 2>"$tmp/flat.err"; rc=$?
colls "$tmp/flat.err" > "$tmp/flat.colls"
check "flat-sample" "[ $rc -eq 0 ] && [ \$(wc -l < $tmp/flat.json) -gt 10 ] && ! grep -q '^routewatch:' $tmp/flat.err && [ \$(wc -l < $tmp/flat.colls) -eq 3 ]" \
	"rc=$rc, $(wc -l < $tmp/flat.json) events, stderr: $(head -c 300 $tmp/flat.err)"

# The parts of a RouteViews or RIS file name: kind, YYYY, MM, DD, HHMM, ext.
# rib.20171001.0800.bz2 -> "rib 2017 10 01 0800 bz2"
parts() { echo "$1" | sed -n 's/^\([a-z]*\)\.\([0-9]\{4\}\)\([0-9]\{2\}\)\([0-9]\{2\}\)\.\([0-9]\{4\}\)\.\(.*\)$/\1 \2 \3 \4 \5 \6/p'; }
name_unix() { date -u -d "$1-$2-$3 $(echo "$4" | cut -c1-2):$(echo "$4" | cut -c3-4)" +%s; }

# Copy the sample's flat folders into the other layouts, file by file.
for f in "$S"/route-views2/* "$S"/rrc00/*; do
	coll=$(basename "$(dirname "$f")")
	name=$(basename "$f")
	set -- $(parts "$name")
	[ $# -eq 6 ] || { nok "layout-names" "$name is not named kind.YYYYMMDD.HHMM.ext"; continue; }
	kind=$1 y=$2 m=$3 ext=$6
	if [ "$coll" = route-views2 ]; then
		sub=UPDATES
		[ "$kind" = rib ] && sub=RIBS
		d=$tmp/rv/$coll/bgpdata/$y.$m/$sub          # RouteViews, the collector's folder
		mkdir -p "$d" && cp "$f" "$d/"
		d=$tmp/top/bgpdata/$y.$m/$sub               # route-views2 at the top
		mkdir -p "$d" && cp "$f" "$d/"
		bkind=updates
		[ "$kind" = rib ] && bkind=ribs
		project=routeviews
	else
		d=$tmp/rv/$coll/$y.$m                        # RIS
		mkdir -p "$d" && cp "$f" "$d/"
		d=$tmp/top/$coll/$y.$m
		mkdir -p "$d" && cp "$f" "$d/"
		bkind=updates
		[ "$kind" = bview ] && bkind=ribs
		project=ris
	fi
	mkdir -p "$tmp/cache" "$tmp/named" "$tmp/odd/a" "$tmp/odd/b"
	cp "$f" "$tmp/cache/$project.$coll.$bkind.$(name_unix "$2" "$3" "$4" "$5").$ext"  # BGPStream's cache
	cp "$f" "$tmp/named/$coll.$name"                                               # route-views2.rib...
	if [ "$coll" = route-views2 ]; then cp "$f" "$tmp/odd/a/"; else cp "$f" "$tmp/odd/b/"; fi
done

same() { # NAME, then the arguments of events: the flat sample's events and collectors exactly
	label=$1
	shift
	"$RW" events --json --stats "$@" > "$tmp/$label.json" 2>"$tmp/$label.err"; rc=$?
	colls "$tmp/$label.err" > "$tmp/$label.colls"
	check "$label" "[ $rc -eq 0 ] && cmp -s $tmp/flat.json $tmp/$label.json && cmp -s $tmp/flat.colls $tmp/$label.colls && ! grep -q '^routewatch:' $tmp/$label.err" \
		"rc=$rc, $(diff $tmp/flat.json $tmp/$label.json | grep -c '^[<>]') lines differ; collectors: $(tr '\n' '|' < $tmp/$label.colls); stderr: $(grep '^routewatch:' $tmp/$label.err | head -c 300)"
}
same "routeviews-and-ris-layouts" "$tmp/rv"
same "routeviews-bgpdata-at-the-top" "$tmp/top"
same "bgpstream-cache-names" "$tmp/cache"
same "collector-in-file-names" "$tmp/named"
same "collector-name-equals-path" --collector route-views2="$tmp/odd/a" --collector rrc00="$tmp/odd/b/" "$tmp/odd"
same "one-collector-folder-given" "$tmp/rv/route-views2" "$tmp/rv/rrc00/2017.10"
RWA=$(cd "$(dirname "$RW")" && pwd)/routewatch
(cd "$tmp/rv/rrc00/2017.10" && "$RWA" events --json --stats ../../route-views2 . > "$tmp/cwd.json" 2>"$tmp/cwd.err"); rc=$?
colls "$tmp/cwd.err" > "$tmp/cwd.colls"
check "relative-paths" "[ $rc -eq 0 ] && cmp -s $tmp/flat.json $tmp/cwd.json && cmp -s $tmp/flat.colls $tmp/cwd.colls" \
	"rc=$rc, $(diff $tmp/flat.json $tmp/cwd.json | grep -c '^[<>]') lines differ; collectors: $(tr '\n' '|' < $tmp/cwd.colls)"

# --stats: the collectors found, with their files and times
"$RW" events --json --stats "$tmp/rv" > /dev/null 2>"$tmp/stats.err"
check "stats-lists-2-collectors" "grep -q '^collectors: 2\$' $tmp/stats.err && grep -q '^  route-views2: 83 RIB dumps, 24 update files; file times 2010-12-01 00:00 to 2017-10-01 13:45\$' $tmp/stats.err && grep -q '^  rrc00: 1 RIB dump, 72 update files; file times 2017-10-01 08:00 to 2017-10-01 13:55\$' $tmp/stats.err" \
	"$(grep -A3 '^collectors' $tmp/stats.err | tr '\n' '|')"

# the warning for updates before any RIB dump: once per collector
mkdir -p "$tmp/late/rrc00" "$tmp/late/route-views2"
cp "$S"/rrc00/updates.* "$tmp/late/rrc00/"
cp "$S"/rrc00/bview.20171001.0800.gz "$tmp/late/rrc00/bview.20171001.1000.gz"
cp "$S"/route-views2/updates.* "$tmp/late/route-views2/"
"$RW" events --json "$tmp/late" > /dev/null 2>"$tmp/late.err"
check "no-rib-warned-once" "[ \$(grep -c 'no RIB' $tmp/late.err) -eq 2 ] && grep -q '^routewatch: warning: rrc00: no RIB before 2017-10-01 10:00: routes before then are unknown\$' $tmp/late.err && grep -q '^routewatch: warning: route-views2: no RIB dump in the input' $tmp/late.err" \
	"$(grep 'RIB' $tmp/late.err | head -4 | tr '\n' '|')"
"$RW" events --json -q "$tmp/late" > /dev/null 2>"$tmp/lateq.err"
check "no-rib-quiet" "[ ! -s $tmp/lateq.err ]" "$(head -c 200 $tmp/lateq.err)"

# --collector NAME=PATH that names no file is said; a bad value is a usage error
"$RW" events --json --collector x="$tmp/nowhere" "$tmp/rv" > /dev/null 2>"$tmp/unused.err"
check "unused-rule-warned" "grep -q 'collector x=.*nowhere: no input lies there' $tmp/unused.err" "$(head -c 300 $tmp/unused.err)"
for cmd in events ingest dump; do
	"$RW" $cmd --collector =x "$tmp/rv" > /dev/null 2>"$tmp/bad.err"; rc=$?
	check "$cmd-bad-collector" "[ $rc -eq 2 ] && grep -q 'collector wants NAME or NAME=PATH' $tmp/bad.err" "rc=$rc $(head -c 200 $tmp/bad.err)"
done

# ingest: both forms, and the mirror stores the flat sample's events
"$RW" ingest --db "$tmp/i.db" --stats --collector route-views2="$tmp/odd/a" --collector rrc00="$tmp/odd/b" "$tmp/odd" > /dev/null 2>"$tmp/ing.err"; rc=$?
check "ingest-collector-name-equals-path" "[ $rc -eq 0 ] && grep -q '^collectors: 2\$' $tmp/ing.err && grep -q '^  rrc00: 1 RIB dump, 72 update files' $tmp/ing.err" "rc=$rc $(grep -v '^  [A-Z]' $tmp/ing.err | head -c 400)"
"$RW" ingest --db "$tmp/m.db" "$tmp/rv" > /dev/null 2>"$tmp/ingm.err"; rc=$?
"$RW" events --db "$tmp/m.db" --json > "$tmp/ingm.json" 2>/dev/null
"$RW" events --db "$tmp/i.db" --json > "$tmp/ingi.json" 2>/dev/null
check "ingest-mirror-same-events" "[ $rc -eq 0 ] && [ -s $tmp/ingm.json ] && cmp -s $tmp/ingm.json $tmp/ingi.json" \
	"rc=$rc $(diff $tmp/ingm.json $tmp/ingi.json | grep -c '^[<>]') lines differ; $(head -c 300 $tmp/ingm.err)"
"$RW" ingest --db "$tmp/n.db" --collector rv "$tmp/odd/a" > /dev/null 2>&1; rc=$?
check "ingest-collector-name" "[ $rc -eq 0 ]" "rc=$rc"

# dump: both forms; --stats lists the collectors of the files dumped
"$RW" dump --stats --collector rv="$tmp/odd/a" --collector ris "$tmp"/odd/a/rib.20171001.0800.bz2 "$tmp"/odd/b/updates.20171001.08*.gz > /dev/null 2>"$tmp/dump.err"; rc=$?
check "dump-collectors" "[ $rc -eq 0 ] && grep -q '^collectors: 2\$' $tmp/dump.err && grep -q '^  ris: 0 RIB dumps, 12 update files; file times 2017-10-01 08:00 to 2017-10-01 08:55\$' $tmp/dump.err && grep -q '^  rv: 1 RIB dump, 0 update files' $tmp/dump.err" \
	"rc=$rc $(grep -A2 '^collectors' $tmp/dump.err | tr '\n' '|')"
"$RW" dump --stats "$tmp"/cache/routeviews.route-views2.ribs.1506844800.bz2 > /dev/null 2>"$tmp/dumpc.err"
check "dump-cache-name" "grep -q '^  route-views2: 1 RIB dump, 0 update files; file times 2017-10-01 08:00 to 2017-10-01 08:00\$' $tmp/dumpc.err" \
	"$(grep -A2 '^collectors' $tmp/dumpc.err | tr '\n' '|')"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
