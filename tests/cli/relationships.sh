#!/bin/sh
# AS relationships inferred from archives (docs/relationships.md): a
# generated Gao-Rexford graph (synth graph) simulated into a RIB of 60
# vantage points (synth sim), inferred (relationships) and scored against
# the graph; the inferred file read back by `events --relationships`;
# customer cones; the same over CAIDA's 2016-11-01 graph when the shared
# data is there (80 VPs; the full run of 200 is bench/relationships.sh);
# a RIB cut inside a record, and usage errors.
#
# Usage: tests/cli/relationships.sh [BUILD_DIR]. Prints "ok - relationships/NAME"
# lines and "N passed, N failed". The generated part runs on a fresh clone.
set -u
SUITE=relationships
. "$(dirname "$0")/lib_check.sh"

# pct SCORE-LINE KIND: the share the score line gives KIND (p2c, p2p) in
# hundredths of a percent, or -1
pct() { sed -n "s/.*$2 [0-9]* of [0-9]* right (\([0-9]*\)\.\([0-9]*\)%).*/\1\2/p" "$1" | head -1 | grep . || echo -1; }

# --- a generated graph
"$RW" synth graph --ases 3000 --seed 7 -o "$tmp/g.txt"; rc=$?
check graph "[ $rc -eq 0 ] && [ \$(grep -c '|' $tmp/g.txt) -gt 5000 ]" "rc=$rc, $(grep -c '|' "$tmp/g.txt") links"
"$RW" -v synth sim --relationships "$tmp/g.txt" --vps 60 --seed 7 -o "$tmp/sim.mrt" 2> "$tmp/sim.err"; rc=$?
check sim "[ $rc -eq 0 ] && grep -q '60 VPs (9 partial' $tmp/sim.err" "rc=$rc $(cat "$tmp/sim.err")"
# every VP's table is a RIB the dumper reads; the first AS of each path is
# the VP, the last the origin whose /24 it is (ASN << 8)
"$RW" dump "$tmp/sim.mrt" > "$tmp/dump" 2>&1; rc=$?
bad=$(awk -F'|' '{n = split($7, p, " "); o = p[n]; a = int(o / 65536) "." int(o / 256) % 256 "." o % 256 ".0/24";
	if (p[1] != $5 || a != $6) print}' "$tmp/dump" | head -3)
check sim-paths "[ $rc -eq 0 ] && [ -z \"$bad\" ] && [ \$(wc -l < $tmp/dump) -gt 100000 ]" "rc=$rc: $bad"

# every path is valley-free over the graph (up customer-to-provider links,
# at most one peer link, then down), and those of the VPs with a partial
# view are their customers' routes (their first link goes down)
python3 - "$tmp/g.txt" "$tmp/dump" > "$tmp/vf.out" << 'PY'
import sys
rel = {}
for l in open(sys.argv[1]):
    if l[0] == '#':
        continue
    a, b, r = l.strip().split('|')
    if r == '-1':
        rel[(a, b)], rel[(b, a)] = 'down', 'up'
    else:
        rel[(a, b)] = rel[(b, a)] = 'peer'
bad = paths = 0
vp_kinds = {}
for l in open(sys.argv[2]):
    p = l.split('|')[6].split()
    paths += 1
    # the route's steps from the origin to the VP: up*, peer?, down*
    phase = 0
    for i in range(len(p) - 1, 0, -1):
        s = rel.get((p[i], p[i - 1]))  # 'down': p[i] is p[i-1]'s provider
        if s is None or (s != 'down' and phase > 0):
            bad += 1
            break
        phase = 1 if s == 'peer' else 2 if s == 'down' else 0
    if len(p) > 1:
        vp_kinds.setdefault(p[0], set()).add(rel.get((p[0], p[1])))
partial = sum(1 for k in vp_kinds.values() if k == {'down'})
print(paths, bad, partial)
PY
read -r npaths nbad npartial < "$tmp/vf.out"
check valley-free "[ \"$nbad\" = 0 ] && [ \"$npaths\" -gt 100000 ]" "$(cat "$tmp/vf.out"): paths, not valley-free"
check partial-views "[ \"$npartial\" -ge 9 ]" "$npartial VPs whose first links all go down"

"$RW" relationships --score "$tmp/g.txt" --cones "$tmp/cones.txt" -o "$tmp/inf.txt" "$tmp/sim.mrt" 2> "$tmp/inf.err"; rc=$?
c=$(pct "$tmp/inf.err" p2c) p=$(pct "$tmp/inf.err" p2p)
check infer-runs "[ $rc -eq 0 ] && [ -s $tmp/inf.txt ]" "rc=$rc $(head -c 300 "$tmp/inf.err")"
check p2c-97 "[ $c -ge 9700 ]" "$(cat "$tmp/inf.err")"
check p2p-97 "[ $p -ge 9700 ]" "$(cat "$tmp/inf.err")"
check no-unknown-links "grep -q ', 0 links not in' $tmp/inf.err" "$(cat "$tmp/inf.err")"
# the clique of the generated graph is AS1001-1008
check clique "grep -q '^# clique: ' $tmp/inf.txt && [ \$(sed -n 's/^# clique://p' $tmp/inf.txt | wc -w) -eq 8 ] &&
	! sed -n 's/^# clique://p' $tmp/inf.txt | tr ' ' '\n' | grep -qv '^\(100[1-8]\|\)$'" "$(grep clique "$tmp/inf.txt")"
check serial-1 "! grep -v '^#' $tmp/inf.txt | grep -qv '^[0-9]*|[0-9]*|\(-1\|0\)$' && grep -q '^# .*AS Rank' $tmp/inf.txt" \
	"$(grep -v '^#' "$tmp/inf.txt" | grep -v '^[0-9]*|[0-9]*|\(-1\|0\)$' | head -3)"
# per distinct path: the header counts the distinct paths of the RIB
distinct=$(awk -F'|' '{print $7}' "$tmp/dump" | sort -u | wc -l)
check distinct-paths "grep -q '^# paths: $distinct distinct' $tmp/inf.txt" "$distinct distinct in the dump; $(grep '^# paths' "$tmp/inf.txt")"
"$RW" relationships -o "$tmp/inf2.txt" "$tmp/sim.mrt" 2> /dev/null
check deterministic "cmp -s $tmp/inf.txt $tmp/inf2.txt" "two runs differ"

# updates too: synth's update stream (its own random topology) adds paths
"$RW" synth updates --records 2000 --peers 4 --prefixes 3000 --start 1709971260 -o "$tmp/upd.mrt"
"$RW" relationships -o "$tmp/upd.txt" "$tmp/sim.mrt" "$tmp/upd.mrt" 2> "$tmp/upd.err"; rc=$?
n1=$(sed -n 's/^# paths: \([0-9]*\) distinct.*/\1/p' "$tmp/inf.txt") n2=$(sed -n 's/^# paths: \([0-9]*\) distinct.*/\1/p' "$tmp/upd.txt")
check updates "[ $rc -eq 0 ] && [ \"\$n2\" -gt \"\$n1\" ] && grep -q '^3356|' $tmp/upd.txt" "rc=$rc $n1 -> $n2 $(head -c 300 "$tmp/upd.err")"
# a window that ends before the RIB (08:00): no path, no link
"$RW" relationships --until 2024-03-09T07:00Z -o "$tmp/early.txt" "$tmp/sim.mrt" 2> /dev/null; rc=$?
check window "[ $rc -eq 0 ] && grep -q '^# paths: 0 distinct' $tmp/early.txt && [ \$(grep -vc '^#' $tmp/early.txt) -eq 0 ]" \
	"rc=$rc $(grep '^# paths' "$tmp/early.txt")"

# --- round trip: the inferred file loads where --relationships is taken
links=$(grep -vc '^#' "$tmp/inf.txt")
p2c=$(grep -c '|-1$' "$tmp/inf.txt")
"$RW" -v events --relationships "$tmp/inf.txt" "$tmp/sim.mrt" > /dev/null 2> "$tmp/ev.err"; rc=$?
check round-trip "[ $rc -eq 0 ] && grep -q 'inf.txt: $links relationships ($p2c provider-customer' $tmp/ev.err &&
	! grep -q 'bad lines\|skipped' $tmp/ev.err" "rc=$rc links=$links $(grep -i 'relationships\|bad' "$tmp/ev.err" | head -3)"
# the score of the file against itself, read back: all right
"$RW" relationships --score "$tmp/inf.txt" -o /dev/null "$tmp/sim.mrt" 2> "$tmp/self.err"
check round-trip-score "[ $(pct "$tmp/self.err" p2c) -eq 10000 ] && [ $(pct "$tmp/self.err" p2p) -eq 10000 ]" "$(cat "$tmp/self.err")"

# --- cones: a clique AS has the largest; a stub (200001-) is alone in its own
top=$(sed -n '2s/ .*//p' "$tmp/cones.txt")
stub=$(awk '$1 > 200000 && $2 != 1' "$tmp/cones.txt" | head -1)
check cones "[ \"\${top#100}\" != \"$top\" ] && [ -z \"$stub\" ] && [ \$(sed -n '2s/.* //p' $tmp/cones.txt) -gt 300 ]" \
	"top $(sed -n 2p "$tmp/cones.txt"), stub with customers: $stub"

# --- CAIDA's 2016-11-01 graph, 80 VPs
C=${RW_SHARED_DATA:-$HERE/../../../shared/data}/asrel/20161101.as-rel.txt.bz2
if [ -r "$C" ]; then
	"$RW" synth sim --relationships "$C" --vps 80 -o "$tmp/caida.mrt" 2> /dev/null
	"$RW" relationships --score "$C" -o "$tmp/caida.txt" "$tmp/caida.mrt" 2> "$tmp/caida.err"; rc=$?
	check caida-p2c-97 "[ $rc -eq 0 ] && [ $(pct "$tmp/caida.err" p2c) -ge 9700 ]" "rc=$rc $(cat "$tmp/caida.err")"
	check caida-p2p-97 "[ $(pct "$tmp/caida.err" p2p) -ge 9700 ]" "$(cat "$tmp/caida.err")"
	rm -f "$tmp/caida.mrt"
else
	echo "skip - $SUITE/caida: no shared data (RW_SHARED_DATA or ../shared/data/asrel/20161101.as-rel.txt.bz2)"
fi

# --- bad input: a RIB cut inside a record: the error names the file, the
# byte and the record; the records before it are used; exit status 1
sz=$(stat -c %s "$tmp/sim.mrt")
head -c $((sz / 2)) "$tmp/sim.mrt" > "$tmp/cut.mrt"
"$RW" relationships -o "$tmp/cut.txt" "$tmp/cut.mrt" 2> "$tmp/cut.err"; rc=$?
check cut-record "[ $rc -eq 1 ] && grep -q 'cut.mrt: byte [0-9]*, record #[0-9]* (TABLE_DUMP_V2/RIB_IPV4_UNICAST): stream ends inside the record' $tmp/cut.err" \
	"rc=$rc $(cat "$tmp/cut.err")"
check cut-rest-used "[ \$(grep -vc '^#' $tmp/cut.txt) -gt 1000 ]" "$(grep -vc '^#' "$tmp/cut.txt") links"

# --- usage
"$RW" relationships > /dev/null 2> "$tmp/u.err"; rc=$?
check no-input "[ $rc -eq 2 ] && grep -q 'no input' $tmp/u.err" "rc=$rc"
"$RW" relationships --score "$tmp/nonexistent" "$tmp/sim.mrt" > /dev/null 2> "$tmp/u.err"; rc=$?
check bad-score-file "[ $rc -eq 1 ] && grep -q 'nonexistent' $tmp/u.err" "rc=$rc $(cat "$tmp/u.err")"
"$RW" synth sim -o /dev/null > /dev/null 2> "$tmp/u.err"; rc=$?
check sim-needs-graph "[ $rc -eq 2 ] && grep -q 'relationships FILE' $tmp/u.err" "rc=$rc"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
