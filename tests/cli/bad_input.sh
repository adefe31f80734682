#!/bin/sh
# Bad input end to end: damaged and truncated archives must give every
# element before the damage, one clear message naming file, byte offset,
# record index and type, a non-zero exit status, and no crash.
#
# Part 1 builds its own damaged files with the project's writer (runs on a
# fresh clone). Part 2 uses the real damaged files of ../shared/data/bad and
# the recovery counts bgpkit-parser's tests assert for them.
set -u
B=${1:-build}
RW=$B/routewatch
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${RW_SHARED_DATA:-$HERE/../../../shared/data}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - cli/$1"; pass=$((pass + 1)); }
nok() { echo "not ok - cli/$1: $2"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok "$1"; else nok "$1" "$3"; fi; }

# ---- not MRT at all: one clear line each (issue 9)
: > "$tmp/empty.mrt"
"$RW" dump "$tmp/empty.mrt" > "$tmp/o" 2> "$tmp/err"; rc=$?
check "empty-file-one-line" "[ $rc -eq 0 ] && [ \$(wc -l < $tmp/err) -eq 1 ] && grep -q 'empty.mrt: empty: no MRT record in it' $tmp/err" "rc=$rc $(cat "$tmp/err")"
# a BMP v3 stream (Initiation message: version 3, length 6+, type 4) and a pcap
printf '\003\000\000\000\012\004\000\001\000\000' > "$tmp/cap.bmp"
for f in 1 2 3 4 5 6 7 8; do cat "$tmp/cap.bmp"; done > "$tmp/s.bmp"
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000' > "$tmp/t.pcap"
for f in s.bmp t.pcap; do
	"$RW" dump "$tmp/$f" > "$tmp/o" 2> "$tmp/err"; rc=$?
	want="this is a BMP stream, not MRT"
	[ $f = t.pcap ] && want="this is a packet capture (pcap), not MRT"
	check "foreign-$f-one-line" "[ $rc -eq 1 ] && [ \$(wc -l < $tmp/err) -eq 1 ] && grep -q '$f: $want' $tmp/err" "rc=$rc $(cat "$tmp/err")"
done
mkdir -p "$tmp/nomrt" "$tmp/nothing"
echo "not an archive" > "$tmp/nomrt/README"
"$RW" events "$tmp/nomrt" > /dev/null 2> "$tmp/err"
check "directory-without-mrt" "grep -q 'nomrt: no MRT file in it (1 file that is not MRT skipped)' $tmp/err" "$(cat "$tmp/err")"
"$RW" dump "$tmp/nothing" > /dev/null 2> "$tmp/err"
check "empty-directory" "grep -q 'nothing: no file in it' $tmp/err" "$(cat "$tmp/err")"

# ---- generated inputs
"$RW" synth updates --records 3000 --seed 7 -o "$tmp/u.mrt"
"$RW" dump "$tmp/u.mrt" > "$tmp/full.txt" 2>"$tmp/err"; rc=$?
full=$(wc -l < "$tmp/full.txt")
check "clean-file-exit-0" "[ $rc -eq 0 ] && [ ! -s $tmp/err ] && [ $full -gt 3000 ]" "rc=$rc, stderr: $(head -c 200 $tmp/err)"

size=$(stat -c %s "$tmp/u.mrt")
head -c $((size - 7)) "$tmp/u.mrt" > "$tmp/cut.mrt"
"$RW" dump "$tmp/cut.mrt" > "$tmp/cut.txt" 2>"$tmp/err"; rc=$?
cut=$(wc -l < "$tmp/cut.txt")
check "truncated-file" "[ $rc -eq 1 ] && [ $cut -ge $((full - 5)) ] && [ $cut -lt $full ] && grep -q 'cut.mrt: byte [0-9]*, record #[0-9]* (BGP4MP/MESSAGE_AS4): stream ends inside the record' $tmp/err" \
	"rc=$rc lines=$cut/$full stderr: $(head -c 300 $tmp/err)"
check "truncated-prefix-identical" "head -n $cut $tmp/full.txt | cmp -s - $tmp/cut.txt" "the elements before the damage differ"

gzip -c "$tmp/u.mrt" > "$tmp/u.gz"; gsz=$(stat -c %s "$tmp/u.gz")
head -c $((gsz / 2)) "$tmp/u.gz" > "$tmp/half.gz"
"$RW" dump "$tmp/half.gz" > "$tmp/half.txt" 2>"$tmp/err"; rc=$?
n=$(wc -l < "$tmp/half.txt")
check "truncated-gzip" "[ $rc -eq 1 ] && [ $n -gt 0 ] && [ $n -lt $full ] && grep -q 'half.gz: gzip: unexpected end' $tmp/err && head -n $n $tmp/full.txt | cmp -s - $tmp/half.txt" \
	"rc=$rc lines=$n stderr: $(head -c 300 $tmp/err)"

bzip2 -c "$tmp/u.mrt" > "$tmp/u.bz2"; bsz=$(stat -c %s "$tmp/u.bz2")
head -c $((bsz * 3 / 4)) "$tmp/u.bz2" > "$tmp/part.bz2"
"$RW" dump "$tmp/part.bz2" > "$tmp/part.txt" 2>"$tmp/err"; rc=$?
n=$(wc -l < "$tmp/part.txt")
check "truncated-bzip2" "[ $rc -eq 1 ] && [ $n -lt $full ] && grep -q 'part.bz2: bzip2: stream truncated' $tmp/err && head -n $n $tmp/full.txt | cmp -s - $tmp/part.txt" \
	"rc=$rc lines=$n stderr: $(head -c 300 $tmp/err)"

# garbage in the middle: resynchronisation keeps what follows
head -c 100000 "$tmp/u.mrt" > "$tmp/mid.mrt"
head -c 333 /dev/urandom >> "$tmp/mid.mrt"
tail -c +100001 "$tmp/u.mrt" >> "$tmp/mid.mrt"
"$RW" dump "$tmp/mid.mrt" > "$tmp/mid.txt" 2>"$tmp/err"; rc=$?
n=$(wc -l < "$tmp/mid.txt")
check "garbage-resync" "[ $rc -eq 1 ] && [ $n -ge $((full - 10)) ] && grep -q 'skipped after record #[0-9]*: .*resynchronised' $tmp/err" \
	"rc=$rc lines=$n/$full stderr: $(head -c 300 $tmp/err)"

"$RW" dump "$tmp/does-not-exist" > /dev/null 2>"$tmp/err"; rc=$?
check "missing-file" "[ $rc -eq 1 ] && grep -q 'does-not-exist: No such file' $tmp/err" "rc=$rc"

# several files, one bad in the middle: the others are complete
"$RW" dump "$tmp/u.mrt" "$tmp/cut.mrt" "$tmp/u.gz" > "$tmp/multi.txt" 2>/dev/null; rc=$?
n=$(wc -l < "$tmp/multi.txt")
check "several-files-one-bad" "[ $rc -eq 1 ] && [ $n -eq $((full + cut + full)) ]" "rc=$rc lines=$n"

# stdin
"$RW" dump - < "$tmp/u.bz2" > "$tmp/stdin.txt" 2>/dev/null; rc=$?
check "stdin-bzip2" "[ $rc -eq 0 ] && cmp -s $tmp/full.txt $tmp/stdin.txt" "rc=$rc"

# the parallel path (worker threads) gives the same bytes and messages
"$RW" synth rib --prefixes 3000 --peers 6 --seed 9 -o "$tmp/rib.mrt"
cat "$tmp/rib.mrt" "$tmp/mid.mrt" > "$tmp/mix.mrt"
for w in 1 3; do
	"$RW" dump --workers $w "$tmp/mix.mrt" > "$tmp/w$w.txt" 2>"$tmp/w$w.err"
	"$RW" dump --json --workers $w "$tmp/mix.mrt" > "$tmp/w$w.json" 2>/dev/null
done
check "parallel-identical" "cmp -s $tmp/w1.txt $tmp/w3.txt && cmp -s $tmp/w1.err $tmp/w3.err && cmp -s $tmp/w1.json $tmp/w3.json && [ \$(wc -l < $tmp/w1.txt) -gt $full ]" \
	"outputs differ between 1 and 3 workers"

# ---- real damaged files (bgpkit-parser's recovery counts, MANIFEST.md)
stat_of() { grep "^$2" "$1" | head -1; }
if [ ! -d "$SHARED/bad" ]; then
	echo "skip - cli/shared-bad: $SHARED/bad is absent, the real damaged files were not tested"
else
	f="$SHARED/bad/bgpkit-parser-malformed/ripe_rrc00_2000.03_updates.20000325.0345.gz"
	"$RW" dump --stats "$f" > "$tmp/o.txt" 2>"$tmp/st"; rc=$?
	aw=$(grep -c '|[AW]|' "$tmp/o.txt")
	check "bgpkit-updates-2000.03-recovery" "[ $rc -eq 1 ] && grep -q '^records: 2580$' $tmp/st && grep -q '^errors: gaps 2 (24 bytes)' $tmp/st && [ $aw -eq 5378 ]" \
		"rc=$rc A+W=$aw (want 5378): $(grep -E '^(records|errors)' $tmp/st | tr '\n' ' ')"
	f="$SHARED/bad/bgpkit-parser-malformed/ripe_rrc00_2000.01_bview.20000111.0032.gz"
	"$RW" dump --stats "$f" > "$tmp/o.txt" 2>"$tmp/st"; rc=$?
	check "bgpkit-bview-2000.01-batched-short-records" "[ $rc -eq 1 ] && grep -q '^records: 2490$' $tmp/st && [ \$(wc -l < $tmp/o.txt) -eq 452018 ]" \
		"rc=$rc lines=$(wc -l < $tmp/o.txt) (want 452018): $(grep -E '^(records|errors)' $tmp/st | tr '\n' ' ')"
	f="$SHARED/bad/pyasn/rib.20080501.0644_firstMB.bz2"
	"$RW" dump "$f" > "$tmp/o.txt" 2>"$tmp/err"; rc=$?
	n=$(wc -l < "$tmp/o.txt")
	if command -v bgpdump >/dev/null; then want=$(bgpdump -m "$f" 2>/dev/null | wc -l); else want=$n; fi
	check "pyasn-rib-cut-at-1MiB" "[ $rc -eq 1 ] && [ $n -gt 100000 ] && [ $n -eq $want ] && grep -q 'bzip2: stream truncated inside block' $tmp/err" \
		"rc=$rc lines=$n (bgpdump: $want) stderr: $(head -c 200 $tmp/err)"
	f="$SHARED/bad/pyasn/bview.20140112.1600_3samples.bz2"
	"$RW" dump "$f" > "$tmp/o.txt" 2>"$tmp/err"; rc=$?
	check "pyasn-rib-without-peer-index" "[ $rc -eq 1 ] && [ \$(grep -c 'RIB record before any PEER_INDEX_TABLE' $tmp/err) -eq 3 ]" "rc=$rc"
fi
# times beyond the data: said in one line
"$RW" events --from 2030-01-01 "$tmp/u.mrt" > /dev/null 2> "$tmp/err"
check "events-from-after-the-data" "grep -q 'the data ends at 2024-03-09T08:1[0-9]:[0-9][0-9]Z, before --from 2030-01-01T00:00:00Z' $tmp/err" "$(cat "$tmp/err")"
"$RW" dump --from 2030-01-01 "$tmp/u.mrt" > /dev/null 2> "$tmp/err"
check "dump-window-without-records" "grep -q 'no record in the window (the records read span 2024-03-09T08:00:00Z to' $tmp/err" "$(cat "$tmp/err")"
# dump walks a directory like events
mkdir -p "$tmp/d/rv"
cp "$tmp/u.mrt" "$tmp/d/rv/updates.20240309.0800"
a=$("$RW" dump "$tmp/d" 2>/dev/null | md5sum) b=$("$RW" dump "$tmp/u.mrt" 2>/dev/null | md5sum)
check "dump-walks-directories" "[ '$a' = '$b' ]" "dump of the directory differs from dump of its file"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
