#!/bin/sh
# Backfill across machines (issue 14, docs/backfill.md): a mirror planned
# into windows, worked by 1 and by 4 worker processes against one
# PostgreSQL server, equals one `routewatch ingest` of the mirror (events,
# every origin's history, a report); workers killed with SIGKILL at random
# moments and restarted still give the same store; a window is planned
# once; a claim whose lease expired is taken over, a live one is not,
# and a window that runs longer than its lease keeps it (renewed by a
# thread); a backfill up to a time, continued by `ingest`, equals one
# ingest of everything (the latest window leaves the engine state, the
# windows the files they read);
# the event and series tables are partitioned by month and a window's
# queries read one partition through an index (EXPLAIN).
#
# Archives, written by the project's own writer (`routewatch synth`):
#   sample/  `synth sample`: route-views2 (monthly RIB dumps from 2010-12,
#            then 2017-10-01 08:00 and 15-minute updates) and rrc00; its
#            upstreams come, go and come back (AS131279, AS20485), worked
#            in 90-day windows (28 of them, most without a record);
#   dense/   two collectors over 12 hours (as tests/cli/windows.sh's
#            dense2/): rv/ RIB dumps every 2 hours and 15-minute updates,
#            rrc/ dumps on the odd hours and 5-minute updates, worked in
#            2-hour windows (12, the last six after the data ends).
# synth's dumps hold the whole table, so every prefix is visible at every
# dump; they are the same table each time, not what the updates led to
# (docs/events.md §8 item 5), so with --relationships a window misses the
# end of a few leaks under way at its first starting dump (item 3): the
# plan with options is compared with ingest allowing those only.
#
# PostgreSQL: $RW_TEST_PG (a URI) when set (scripts/test-all.sh starts
# one), else a private server started here with scripts/pg-server.sh;
# without either the PostgreSQL checks are skipped, saying why.
#
# Usage: tests/cli/backfill.sh [BUILD_DIR]; needs psql and python3.
set -u
SUITE=backfill
. "$(dirname "$0")/lib_check.sh"
ROOT=$(cd "$HERE/../.." && pwd)
RW=$(cd "$(dirname "$RW")" && pwd)/routewatch
pgdir=""
stop_pg() {
	if [ -n "$pgdir" ]; then
		"$ROOT/scripts/pg-server.sh" stop "$pgdir"
		rm -rf "$pgdir"
	fi
}
trap 'stop_pg; [ -n "${KEEP:-}" ] && echo "# kept $tmp" || rm -rf "$tmp"' EXIT
need python3 jq

# ---------------------------------------------------------------- SQLite
"$RW" backfill plan --db "$tmp/lite.db" --from 2024-03-09 --until 2024-03-10 "$tmp" > "$tmp/lite.out" 2>&1
rc=$?
check "sqlite-refused" "[ $rc -eq 2 ] && grep -q 'backfill needs a PostgreSQL store' $tmp/lite.out && [ ! -e $tmp/lite.db ]" \
	"rc=$rc $(head -2 $tmp/lite.out)"

# ---------------------------------------------------------------- server
PG=${RW_TEST_PG:-}
why=""
if [ -z "$PG" ]; then
	if ! command -v psql > /dev/null 2>&1; then
		why="RW_TEST_PG is unset and psql is not installed (scripts/install-deps.sh test installs PostgreSQL)"
	else
		pgdir=$(mktemp -d /tmp/rw-pg.XXXXXX)
		PG=$("$ROOT/scripts/pg-server.sh" start "$pgdir" 2> "$tmp/pg.err") ||
			{ PG=""; why="RW_TEST_PG is unset and no private server could start: $(head -1 $tmp/pg.err)"; }
	fi
fi
if [ -z "$PG" ]; then
	echo "skip - backfill/postgresql: $why"
	echo "$pass passed, $fail failed"
	[ $fail -eq 0 ]
	exit
fi
base=${PG%%\?*}
query=${PG#"$base"}
# newdb NAME: a fresh database on the server, its URI
newdb() {
	psql "$PG" -qAt -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" > /dev/null 2>&1
	echo "${base%/*}/$1$query"
}
suffix=$$

# ---------------------------------------------------------------- archives
S=$tmp/sample
"$RW" synth sample "$S" 2> /dev/null
rm -f "$S/asnames.txt"
T0=$(unix 2024-03-09T00:00:00Z)
D=$tmp/dense
mkdir -p "$D/rv" "$D/rrc"
for h in 0 2 4 6 8 10; do
	t=$((T0 + h * 3600))
	"$RW" synth rib --prefixes 400 --peers 3 --v6 0 --seed 7 --start $t -o "$D/rv/rib.$(name_time $t)"
	t=$((t + 3600))
	"$RW" synth rib --prefixes 400 --peers 4 --v6 0 --seed 7 --start $t -o "$D/rrc/bview.$(name_time $t)"
done
"$RW" synth updates --prefixes 400 --peers 3 --v6 0 --seed 7 --start $T0 --duration 43200 --records 20000 \
	-o "$tmp/rv.mrt"
mrt split "$tmp/rv.mrt" "$D/rv" 900
"$RW" synth updates --prefixes 400 --peers 4 --v6 0 --seed 7 --start $((T0 + 1800)) --duration 41400 \
	--records 30000 -o "$tmp/rrc.mrt"
mrt split "$tmp/rrc.mrt" "$D/rrc" 300
check "archives" "[ \$(ls $S/*/* | wc -l) -eq 180 ] && [ \$(ls $D/rv | wc -l) -eq 54 ] && [ \$(ls $D/rrc | wc -l) -eq 144 ]" \
	"$(ls $S/*/* | wc -l) $(ls $D/rv | wc -l) $(ls $D/rrc | wc -l)"

# Each mirror: its plan, and the single-process ingest to compare with.
S_PLAN="--from 2010-12-01 --until 2017-10-02 --window 90d"
D_PLAN="--from 2024-03-09 --until 2024-03-10 --window 2h"
for m in sample dense; do
	u=$(newdb "bf_ing_${m}_$suffix")
	"$RW" ingest -q --db "$u" "$tmp/$m" > "$tmp/ing-$m.out" 2>&1 || echo "# ingest $m failed: $(cat $tmp/ing-$m.out)"
done

# same NAME MIRROR DB: the backfilled store DB reads as the ingested one:
# `events --db --json`, the rows of intervals, origins, origin_series and
# prefix_origins, `history --json` of the first four origins with
# intervals, a report of the first (text and JSON)
# (an interval's area, summed from the windows' pieces, differs from the
# one run's in its last bits: compared to 1e-3 share-seconds)
rows() {
	for t in "(SELECT origin, upstream, start_ts, end_ts, acc_ts, seconds, round(area::numeric, 3), share_max,
		share_now, visible FROM intervals)" origins origin_series prefix_origins event_proof; do
		psql "$1" -qAt -c "SELECT count(*) || ' ' || md5(COALESCE(string_agg(x::text, ',' ORDER BY x::text), '')) FROM $t x"
	done
}
same() {
	label=$1 m=$2 u=$3
	ui="${base%/*}/bf_ing_${m}_$suffix$query"
	"$RW" events --db "$ui" --json > "$tmp/ei.json" 2>&1
	"$RW" events --db "$u" --json > "$tmp/eb.json" 2>&1
	rows "$ui" > "$tmp/hi.json"
	rows "$u" > "$tmp/hb.json"
	origins=$(psql "$ui" -qAt -c "SELECT DISTINCT origin FROM intervals ORDER BY 1 LIMIT 4")
	for o in $origins; do
		"$RW" history "AS$o" --db "$ui" --json >> "$tmp/hi.json" 2>&1
		"$RW" history "AS$o" --db "$u" --json >> "$tmp/hb.json" 2>&1
	done
	o=$(echo "$origins" | head -1)
	if [ "$m" = sample ]; then o=131279 a=2017-10-01T08:00:00Z b=2017-10-01T14:00:00Z; else a=2024-03-09T00:00:00Z b=2024-03-09T12:00:00Z; fi
	"$RW" report "AS$o" --db "$ui" --from $a --to $b > "$tmp/ri.txt" 2>&1
	"$RW" report "AS$o" --db "$u" --from $a --to $b > "$tmp/rb.txt" 2>&1
	"$RW" report "AS$o" --db "$ui" --from $a --to $b --json >> "$tmp/ri.txt" 2>&1
	"$RW" report "AS$o" --db "$u" --from $a --to $b --json >> "$tmp/rb.txt" 2>&1
	check "$label" "[ \$(wc -l < $tmp/ei.json) -gt 15 ] && cmp -s $tmp/ei.json $tmp/eb.json && [ \$(wc -l < $tmp/hi.json) -ge 8 ] && cmp -s $tmp/hi.json $tmp/hb.json && cmp -s $tmp/ri.txt $tmp/rb.txt" \
		"events $(wc -l < $tmp/ei.json)/$(wc -l < $tmp/eb.json) $(diff $tmp/ei.json $tmp/eb.json | head -3) history $(wc -l < $tmp/hi.json) $(diff $tmp/hi.json $tmp/hb.json | head -3 | cut -c1-300) report $(diff $tmp/ri.txt $tmp/rb.txt | head -3)"
}

# ---------------------------------------------------------------- 1 and 4 workers
for m in sample dense; do
	plan=$S_PLAN
	[ $m = dense ] && plan=$D_PLAN
	for n in 1 4; do
		u=$(newdb "bf_${m}_w${n}_$suffix")
		"$RW" backfill plan --db "$u" $plan "$tmp/$m" > "$tmp/plan.out" 2>&1
		"$RW" backfill work -q --db "$u" --workers $n > "$tmp/work.out" 2>&1
		rc=$?
		check "$m-$n-workers-ran" "[ $rc -eq 0 ] && grep -q 'intervals joined' $tmp/work.out && grep -q '^planned' $tmp/plan.out" \
			"rc=$rc $(cat $tmp/plan.out) $(tail -3 $tmp/work.out)"
		same "$m-$n-workers-equal-ingest" $m "$u"
	done
done
u="${base%/*}/bf_sample_w4_$suffix$query"
"$RW" backfill status --db "$u" > "$tmp/status.out" 2>&1
check "status" "grep -q '^windows: 0 planned, 0 claimed, 28 done, 0 failed' $tmp/status.out && grep -q 'windows/hour' $tmp/status.out" \
	"$(cat $tmp/status.out)"

# ---------------------------------------------------------------- continued by ingest
# A backfill up to 06:00 (its latest window leaves the engine state, every
# window the files it read), then `ingest` of the whole mirror: it skips
# the files the backfill read and goes on from the state, and the store
# equals one ingest of everything. `as --db` reads a backfilled store's
# state as an ingested one's.
uc=$(newdb "bf_cont_$suffix")
"$RW" backfill plan --db "$uc" --from 2024-03-09 --until 2024-03-09T06:00:00Z --window 2h "$D" > /dev/null 2>&1
"$RW" backfill work -q --db "$uc" --workers 2 > "$tmp/cont1.out" 2>&1
"$RW" ingest -q --db "$uc" "$D" > "$tmp/cont2.out" 2>&1
rc=$?
check "continued-by-ingest-ran" "grep -q 'intervals joined' $tmp/cont1.out && [ $rc -eq 0 ] && grep -q '^ingested 102 files (96 already stored)' $tmp/cont2.out" \
	"$(tail -1 $tmp/cont1.out) / rc=$rc $(tail -2 $tmp/cont2.out)"
same "continued-by-ingest-equal-ingest" dense "$uc"
ui="${base%/*}/bf_ing_dense_$suffix$query"
ub="${base%/*}/bf_dense_w4_$suffix$query"
o=$(psql "$ui" -qAt -c "SELECT origin FROM origins ORDER BY routes DESC, origin LIMIT 1")
"$RW" as "AS$o" --db "$ui" > "$tmp/asi.txt" 2>&1
"$RW" as "AS$o" --db "$ub" > "$tmp/asb.txt" 2>&1
check "as-db-reads-backfill" "grep -q 'upstreams by share' $tmp/asi.txt && cmp -s $tmp/asi.txt $tmp/asb.txt" \
	"$(diff $tmp/asi.txt $tmp/asb.txt | head -5)"

# ---------------------------------------------------------------- planned once
u="${base%/*}/bf_sample_w4_$suffix$query"
"$RW" backfill plan --db "$u" --from 2017-09-20 --until 2017-09-21 "$S" > "$tmp/twice.out" 2>&1
rc=$?
n=$(psql "$u" -qAt -c "SELECT count(*) FROM backfill_windows")
check "planned-once" "[ $rc -eq 2 ] && grep -q 'is already planned (plan 1): a window is planned once' $tmp/twice.out && [ $n -eq 28 ]" \
	"rc=$rc windows=$n $(cat $tmp/twice.out)"
# the unique constraint holds when the check is bypassed (two planners racing)
psql "$u" -qAt -c "INSERT INTO backfill_windows (plan, from_ts, until_ts) SELECT plan, from_ts, until_ts FROM backfill_windows LIMIT 1" > "$tmp/uniq.out" 2>&1
check "planned-once-constraint" "grep -q 'backfill_window_once' $tmp/uniq.out" "$(cat $tmp/uniq.out)"

# ---------------------------------------------------------------- SIGKILL
# Workers (4 processes each time) killed with SIGKILL at random moments
# while windows are left, restarted; short leases so the killed ones'
# windows come back soon. 15-minute windows: 96 of them, enough work for
# the kills to land in the middle (4 workers do them in about 3 s).
u=$(newdb "bf_kill_$suffix")
"$RW" backfill plan --db "$u" --from 2024-03-09 --until 2024-03-10 --window 15m "$D" > /dev/null 2>&1
kills=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(psql "$u" -qAt -c "SELECT count(*) FROM backfill_windows WHERE state <> 'done'")" -eq 0 ] && break
	"$RW" backfill work -q --db "$u" --workers 4 --lease 3 > /dev/null 2>&1 &
	pid=$!
	sleep "$(python3 -c 'import random; print(random.uniform(0.03, 0.3))')"
	kids=$(pgrep -P $pid)
	kill -9 $pid $kids 2> /dev/null && kills=$((kills + 1))
	wait $pid 2> /dev/null
done
"$RW" backfill status --db "$u" > "$tmp/kill-status.out" 2>&1
echo "# $kills kills; then: $(head -1 $tmp/kill-status.out)"
"$RW" backfill work -q --db "$u" --workers 2 --lease 3 > "$tmp/kill.out" 2>&1
rc=$?
"$RW" backfill status --db "$u" > "$tmp/kill-status2.out" 2>&1
check "sigkill-restarted-ran" "[ $rc -eq 0 ] && [ $kills -ge 2 ] && grep -q '^windows: 0 planned, 0 claimed, 96 done, 0 failed (0 claimed with an expired lease); 96 in all, 1 plans (1 joined)' $tmp/kill-status2.out" \
	"rc=$rc kills=$kills $(tail -2 $tmp/kill.out) $(head -1 $tmp/kill-status2.out)"
same "sigkill-restarted-equal-ingest" dense "$u"

# ---------------------------------------------------------------- leases
# Two windows claimed by workers that are gone: one lease expired, one
# running for an hour more. A worker (--once) takes the expired one and
# the planned ones, leaves the live one; when that lease expires too, the
# next worker finishes and joins.
u=$(newdb "bf_lease_$suffix")
"$RW" backfill plan --db "$u" $D_PLAN "$D" > /dev/null 2>&1
psql "$u" -qAt -c "UPDATE backfill_windows SET state = 'claimed', worker = 'gone:1', attempts = 1,
	lease_until = CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) - 1 WHERE from_ts = $((T0 + 7200))" \
	-c "UPDATE backfill_windows SET state = 'claimed', worker = 'alive:2', attempts = 1,
	lease_until = CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) + 3600 WHERE from_ts = $((T0 + 14400))" > /dev/null
"$RW" backfill status --db "$u" > "$tmp/lease-status0.out" 2>&1
"$RW" backfill work -q --once --db "$u" > "$tmp/lease1.out" 2>&1
st=$(psql "$u" -qAt -c "SELECT state || ' ' || worker FROM backfill_windows WHERE from_ts IN ($((T0 + 7200)), $((T0 + 14400))) ORDER BY from_ts" | tr '\n' ',')
check "lease-expired-reclaimed" "grep -q '1 claimed with an expired lease' $tmp/lease-status0.out && grep -q '^worked 11 windows' $tmp/lease1.out && echo '$st' | grep -q '^done [^,]*,claimed alive:2,\$' && ! grep -q 'intervals joined' $tmp/lease1.out" \
	"$st $(cat $tmp/lease-status0.out | head -1) $(tail -2 $tmp/lease1.out)"
# before the join, ingest refuses the store (its history is not whole)
"$RW" ingest -q --db "$u" "$D" > "$tmp/lease-ingest.out" 2>&1
rc=$?
check "unjoined-refuses-ingest" "[ $rc -eq 2 ] && grep -q 'not finished: it can be continued once' $tmp/lease-ingest.out" \
	"rc=$rc $(cat $tmp/lease-ingest.out)"
psql "$u" -qAt -c "UPDATE backfill_windows SET lease_until = 0 WHERE worker = 'alive:2'" > /dev/null
"$RW" backfill work -q --db "$u" > "$tmp/lease2.out" 2>&1
check "lease-expired-finished" "grep -q '^worked 1 windows.*intervals joined' $tmp/lease2.out" "$(tail -2 $tmp/lease2.out)"
same "lease-equal-ingest" dense "$u"
"$RW" backfill finish --db "$u" > "$tmp/finish.out" 2>&1
check "finish-idempotent" "grep -q 'nothing to join' $tmp/finish.out" "$(cat $tmp/finish.out)"

# ---------------------------------------------------------------- a slow window
# A RIB dump that takes 4 s to arrive (a pipe, written in two parts): the
# archive's clock stands still, as in a huge RIB load, and the lease (2 s)
# is renewed by the worker's keeper thread all the same: a second worker
# started after the lease would have expired finds nothing to claim
# (without the renewals it takes the window over; a lease of 2 s ends
# between 2 and 3 s after its claim: whole seconds of the server).
u=$(newdb "bf_slow_$suffix")
mkdir -p "$tmp/slow/rv"
rib0=$(ls "$D"/rv/rib.* | head -1)
mkfifo "$tmp/slow/rv/$(basename "$rib0")"
"$RW" backfill plan --db "$u" --from 2024-03-09T00:30:00Z --until 2024-03-09T01:00:00Z --window 30m "$tmp/slow" > /dev/null 2>&1
(head -c 20000 "$rib0"; sleep 4; tail -c +20001 "$rib0") > "$tmp/slow/rv/$(basename "$rib0")" &
timeout 30 "$RW" backfill work -q --db "$u" --lease 2 > "$tmp/slow1.out" 2>&1 &
pid=$!
sleep 3.2
timeout 5 "$RW" backfill work -q --once --db "$u" --lease 2 > "$tmp/slow2.out" 2>&1
wait $pid
rc=$?
check "slow-window-lease-renewed" "[ $rc -eq 0 ] && grep -q '^worked 1 windows (0 failed, 0 lost to another worker): 401 records' $tmp/slow1.out && grep -q '^worked 0 windows' $tmp/slow2.out" \
	"rc=$rc $(tail -2 $tmp/slow1.out) / $(tail -2 $tmp/slow2.out)"

# ---------------------------------------------------------------- a stopped worker
# A worker stopped (SIGSTOP) in the middle of its window for longer than
# its lease: another worker takes the window over and writes it; the
# first, continued, finds at its commit that the window is no longer its
# own and writes nothing. Two 12-hour windows, so a run lasts long
# enough to be stopped in; tried up to 3 times when the first was done
# before the stop landed.
lost=""
for try in 1 2 3; do
	u=$(newdb "bf_stop_$suffix")
	"$RW" backfill plan --db "$u" --from 2024-03-09 --until 2024-03-10 --window 12h "$D" > /dev/null 2>&1
	"$RW" backfill work --once --db "$u" --lease 3 > "$tmp/stop1.out" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 200 ] && [ "$(psql "$u" -qAt -c "SELECT count(*) FROM backfill_windows WHERE state = 'claimed'")" != 1 ]; do
		i=$((i + 1))
	done
	kill -STOP $pid
	st=$(psql "$u" -qAt -c "SELECT count(*) FROM backfill_windows WHERE state = 'claimed'")
	if [ "$st" != 1 ]; then
		kill -CONT $pid
		wait $pid
		continue
	fi
	w1=$(psql "$u" -qAt -c "SELECT worker FROM backfill_windows WHERE state = 'claimed'")
	sleep 4
	# the second worker, until it has taken the first's window over (or,
	# when the first holds the row in its commit, 10 s); then the first
	# goes on, and both end
	"$RW" backfill work --db "$u" > "$tmp/stop2.out" 2>&1 &
	pid2=$!
	i=0
	while [ $i -lt 100 ] && [ "$(psql "$u" -qAt -c "SELECT count(*) FROM backfill_windows WHERE worker = '$w1'")" = 1 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -CONT $pid
	wait $pid
	rc=$?
	wait $pid2
	lost=$try
	break
done
if [ -n "$lost" ]; then
	# the stop lands in the run (the usual case: the first finds out and
	# writes nothing, and may take the other window after), or while the
	# first holds the row's lock in its commit (the second skips the
	# locked row and waits for it): either way each window is written
	# once, by one of them
	n1=$(sed -n 's/^worked \([0-9]*\) windows.*/\1/p' $tmp/stop1.out)
	n2=$(sed -n 's/^worked \([0-9]*\) windows.*/\1/p' $tmp/stop2.out)
	if grep -q '1 lost to another worker' $tmp/stop1.out; then
		echo "# the stop landed in the run (try $lost)"
		check "stopped-worker-writes-nothing" "[ $rc -eq 0 ] && grep -q 'is no longer this worker' $tmp/stop1.out && [ \$((${n1:-9} + ${n2:-9})) -eq 2 ] && cat $tmp/stop1.out $tmp/stop2.out | grep -q 'intervals joined'" \
			"try $lost rc=$rc $(tail -3 $tmp/stop1.out) / $(tail -2 $tmp/stop2.out)"
	else
		echo "# the stop landed in the commit (try $lost)"
		check "stopped-worker-writes-nothing" "[ $rc -eq 0 ] && grep -q '^worked 1 windows (0 failed, 0 lost' $tmp/stop1.out && [ '${n2:-9}' = 1 ] && cat $tmp/stop1.out $tmp/stop2.out | grep -q 'intervals joined'" \
			"try $lost rc=$rc $(tail -3 $tmp/stop1.out) / $(tail -2 $tmp/stop2.out)"
	fi
	same "stopped-worker-equal-ingest" dense "$u"
else
	nok "stopped-worker-writes-nothing" "the window was done before the worker could be stopped, 3 times"
fi

# ---------------------------------------------------------------- the plan's options
# The options of ingest that change the events, given to `backfill plan`
# (relative paths, made absolute in the plan), applied by every worker to
# every window: countries, relationships, two VRP files (the second from
# 03:00), a watch list and a collector name for rv/. The inputs are made
# from the dense mirror by the project's own tools: `routewatch
# relationships` infers the relationships, `routewatch dump` gives the
# ASNs (each a country by its number), prefixes and origins (VRPs that
# allow some and refuse others, a watch list naming the right origin for
# half of its prefixes and another for the rest).
I=$tmp/inputs
mkdir -p "$I"
"$RW" relationships "$D" > "$I/rel.txt" 2> /dev/null
"$RW" dump "$D/rv/rib.$(name_time $T0)" > "$I/rib.txt" 2> /dev/null
awk -F'|' '{n = split($7, p, " "); for (i = 1; i <= n; i++) a[p[i]] = 1}
	END {split("US DE JP BR KP", cc, " "); for (x in a) printf "%s\tNET-%s Somewhere, %s\n", x, x, cc[x % 5 + 1]}' \
	"$I/rib.txt" | sort -n > "$I/countries.txt"
awk -F'|' '!s[$6]++ {n = split($7, p, " "); print $6, p[n]}' "$I/rib.txt" | head -20 > "$I/pfx.txt"
for k in 4 3; do
	echo 'ASN,IP Prefix,Max Length,Trust Anchor'
	awk -v k=$k '{o = $2; if (NR % k == 0) o = 64999; printf "AS%s,%s,%s,test\n", o, $1, substr($1, index($1, "/") + 1)}' "$I/pfx.txt"
done > "$I/vrps.all"
sed -n '1,21p' "$I/vrps.all" > "$I/vrps1.csv"
sed -n '22,$p' "$I/vrps.all" > "$I/vrps2.csv"
"$RW" dump "$D"/rv/updates.*.0[1-3]* 2> /dev/null | awk -F'|' '$3 == "A" && !s[$6]++ {n = split($7, p, " "); print $6, p[n]}' |
	head -12 | awk '{o = $2; if (NR % 2 == 0) o = 64997; printf "%s:\n  description: net %d\n  asn: %s\n  ignoreMorespecifics: false\n  ignore: false\n", $1, NR, o}' \
	> "$I/prefixes.yml"
IOPTS="--countries countries.txt --relationships rel.txt --vrps vrps1.csv --vrps vrps2.csv@2024-03-09T03:00:00Z --watch prefixes.yml --collector route-views9=$D/rv"
ui=$(newdb "bf_opt_ing_$suffix")
(cd "$I" && "$RW" ingest -q --db "$ui" $IOPTS "$D") > "$tmp/opt-ing.out" 2>&1
uo=$(newdb "bf_opt_$suffix")
(cd "$I" && "$RW" backfill plan --db "$uo" $D_PLAN $IOPTS "$D") > "$tmp/opt-plan.out" 2>&1
"$RW" backfill work -q --db "$uo" --workers 4 > "$tmp/opt-work.out" 2>&1
rc=$?
check "options-ran" "[ $rc -eq 0 ] && grep -q '^planned 12 windows' $tmp/opt-plan.out && grep -q '^worked 12 windows (0 failed.*intervals joined' $tmp/opt-work.out && grep -q '^ingested 198 files' $tmp/opt-ing.out" \
	"rc=$rc $(cat $tmp/opt-plan.out) $(tail -3 $tmp/opt-work.out) $(tail -2 $tmp/opt-ing.out)"
# the plan shows its options, paths absolute
RI=$(cd "$I" && pwd -P)
"$RW" backfill status --db "$uo" > "$tmp/opt-status.out" 2>&1
check "options-in-status" "grep -qx '  --countries $RI/countries.txt' $tmp/opt-status.out && grep -qx '  --relationships $RI/rel.txt' $tmp/opt-status.out && grep -qx '  --vrps $RI/vrps1.csv' $tmp/opt-status.out && grep -qx '  --vrps $RI/vrps2.csv@2024-03-09T03:00:00Z' $tmp/opt-status.out && grep -qx '  --watch $RI/prefixes.yml' $tmp/opt-status.out && grep -qx '  --collector route-views9=$(cd "$D/rv" && pwd -P)' $tmp/opt-status.out && grep -q '^plan 1: \[2024-03-09T00:00:00Z, 2024-03-10T00:00:00Z), windows of 7200 s; --settle 3600 --gap 1800 --min-peers 2' $tmp/opt-status.out" \
	"$(cat $tmp/opt-status.out)"
# Every event equals ingest's, route_leak* and country_provider* as every
# other type, but for the one difference docs/events.md §8 says a window
# cannot avoid (item 3: the end of an episode that ingest had under way at
# a window's first starting dump T, confirmed with peers the window never
# sees; this mirror's dumps are all the same table, item 5, so a few
# leaks are). tests/cli/window_diff.py compares ingest's events with each
# window's in the backfilled store, event by event: each event ingest has
# and a window lacks must be such an end, and a window must have nothing
# else. T is what `events -v --from A` names (the earliest starting
# dump's cut). The events must hold what each option makes: rpki (--vrps),
# hijack (--watch), a relationship (--relationships),
# country_provider_gained and _lost (--countries), route_leak and _end.
"$RW" events --db "$ui" --json > "$tmp/oi.json" 2> /dev/null
: > "$tmp/owl"
for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
	a=$((T0 + i * 7200))
	"$RW" events --db "$uo" --json --from $a --until $((a + 7200)) > "$tmp/ow$i.json" 2> /dev/null
	c=$( (cd "$I" && "$RW" -v events --settle 0 $IOPTS --from $a --until $((a + 1)) "$D") 2>&1 > /dev/null |
		sed -n 's/.*starts from its RIB dump of \([0-9-]* [0-9:]*\).*/\1/p' | while read -r x; do unix "$x UTC"; done |
		sort -n | head -1)
	echo $a $((a + 7200)) $((${c:-60} - 60)) "$tmp/ow$i.json" >> "$tmp/owl"
done
cat "$tmp"/ow[0-9]*.json > "$tmp/ob.json"
python3 "$ROOT/tests/cli/window_diff.py" "$tmp/oi.json" "$tmp/owl" > "$tmp/owd.out"
rc=$?
has() { grep -q "$1" "$tmp/ob.json"; }
check "options-equal-ingest" "[ $rc -eq 0 ] && grep -q ' 0 other differences' $tmp/owd.out && has '\"type\":\"rpki_invalid\"' && has '\"type\":\"hijack\"' && has '\"relationship\":\"provider\"' && has '\"type\":\"country_provider_gained\"' && has '\"type\":\"country_provider_lost\"' && has '\"type\":\"route_leak\"' && has '\"type\":\"route_leak_end\"' && [ \$(wc -l < $tmp/ob.json) -gt 1000 ]" \
	"$(wc -l < $tmp/oi.json)/$(wc -l < $tmp/ob.json) $(head -4 $tmp/owd.out | cut -c1-300 | tr '\n' ' ') $(jq -r .type $tmp/ob.json | sort | uniq -c | tr '\n' ' ')"
# --collector: the files (and the proofs' records) are the renamed collector's
ci=$(psql "$ui" -qAt -c "SELECT collector || ':' || count(*) FROM files GROUP BY collector ORDER BY collector" | tr '\n' ' ')
cb=$(psql "$uo" -qAt -c "SELECT collector || ':' || count(*) FROM files GROUP BY collector ORDER BY collector" | tr '\n' ' ')
pb=$(psql "$uo" -qAt -c "SELECT DISTINCT collector FROM event_proof ORDER BY 1" | tr '\n' ' ')
check "options-collector" "[ '$ci' = '$cb' ] && echo '$cb' | grep -q 'route-views9:54' && echo '$pb' | grep -q 'route-views9' && ! echo '$pb' | grep -qw rv" \
	"ingest: $ci backfill: $cb proofs: $pb"

# --countries: the country history (countries, country_intervals,
# country_series), which each window writes as pieces clipped to it and
# the join makes whole across the windows' edges, equals ingest's row for
# row (areas to 1e-3 share-seconds, as above), with 4 workers and with 1;
# `history --country` of every country with providers reads the same
# from both stores (text and JSON). Among them are a provider lost with
# a collector's RIB dump that a later window's replay reads as its
# baseline (BR's AS4766 at 05:00: the window from 06:00 closes it
# silently, docs/backfill.md) and one a window finds begun in such a dump
# that the window before saw gained, dated before the edge (DE's
# AS267613: the join's "dated" rule).
crows() {
	psql "$1" -qAt -c "SELECT 'country_intervals', origin, upstream, start_ts, end_ts, acc_ts, seconds,
		round(area::numeric, 3), share_max, share_now, visible FROM country_intervals ORDER BY 2, 3, 4" \
		-c "SELECT 'countries', * FROM countries ORDER BY origin" \
		-c "SELECT 'country_series', * FROM country_series ORDER BY origin, bucket"
}
u1=$(newdb "bf_opt_w1_$suffix")
(cd "$I" && "$RW" backfill plan --db "$u1" $D_PLAN $IOPTS "$D") > /dev/null 2>&1
"$RW" backfill work -q --db "$u1" > "$tmp/opt-work1.out" 2>&1
crows "$ui" > "$tmp/ci.txt"
ccs=$(psql "$ui" -qAt -c "SELECT DISTINCT chr(CAST(origin >> 8 AS INT)) || chr(CAST(origin & 255 AS INT)) FROM
	country_intervals WHERE upstream <> 0 ORDER BY 1" | tr '\n' ' ')
np=$(psql "$ui" -qAt -c "SELECT max(n) FROM (SELECT count(DISTINCT upstream) n FROM country_intervals
	WHERE upstream <> 0 GROUP BY origin) x")
for c in $ccs; do
	"$RW" history --country "$c" --db "$ui"
	"$RW" history --country "$c" --db "$ui" --json
done > "$tmp/hci.txt" 2>&1
for n in 4 1; do
	u=$uo
	[ $n = 1 ] && u=$u1
	crows "$u" > "$tmp/cb$n.txt"
	check "options-country-tables-$n-workers" "grep -q 'intervals joined' $tmp/opt-work1.out && [ \$(grep -c '^country_intervals|' $tmp/ci.txt) -gt 20 ] && [ \$(grep -c '^countries|' $tmp/ci.txt) -ge 3 ] && [ \$(grep -c '^country_series|' $tmp/ci.txt) -gt 20 ] && cmp -s $tmp/ci.txt $tmp/cb$n.txt" \
		"ingest $(cut -d'|' -f1 $tmp/ci.txt | sort | uniq -c | tr '\n' ' ') backfill $(cut -d'|' -f1 $tmp/cb$n.txt | sort | uniq -c | tr '\n' ' ') $(diff $tmp/ci.txt $tmp/cb$n.txt | head -6 | cut -c1-200)"
	for c in $ccs; do
		"$RW" history --country "$c" --db "$u"
		"$RW" history --country "$c" --db "$u" --json
	done > "$tmp/hcb$n.txt" 2>&1
	check "options-country-history-$n-workers" "[ \$(echo $ccs | wc -w) -ge 3 ] && [ '${np:-0}' -ge 2 ] && [ \$(grep -c '^country ' $tmp/hci.txt) -ge 3 ] && cmp -s $tmp/hci.txt $tmp/hcb$n.txt" \
		"countries $ccs (at most ${np:-0} providers): $(diff $tmp/hci.txt $tmp/hcb$n.txt | head -6 | cut -c1-300)"
done

# A file named in the plan that a worker cannot read: each window fails,
# recorded with a message naming it (status), and nothing is written; a
# file missing when planning is refused then, naming it.
cp "$I/countries.txt" "$I/gone.txt"
um=$(newdb "bf_opt_missing_$suffix")
"$RW" backfill plan --db "$um" --from 2024-03-09 --until 2024-03-09T04:00:00Z --window 2h --countries "$I/gone.txt" "$D" > "$tmp/miss-plan.out" 2>&1
rm "$I/gone.txt"
"$RW" backfill work -q --db "$um" > "$tmp/miss-work.out" 2>&1
rc=$?
"$RW" backfill status --db "$um" > "$tmp/miss-status.out" 2>&1
ev=$(psql "$um" -qAt -c "SELECT count(*) FROM events")
check "options-missing-file-fails-window" "[ $rc -ne 0 ] && grep -q '^planned 2 windows' $tmp/miss-plan.out && grep -q '^worked 0 windows (6 failed' $tmp/miss-work.out && grep -q 'not run: --countries $RI/gone.txt: No such file' $tmp/miss-work.out && grep -q '^windows: 0 planned, 0 claimed, 0 done, 2 failed' $tmp/miss-status.out && [ \$(grep -c 'failed, 3 attempts, .*--countries $RI/gone.txt: No such file or directory (the plan names it' $tmp/miss-status.out) -eq 2 ] && [ '$ev' = 0 ]" \
	"rc=$rc events=$ev $(cat $tmp/miss-plan.out) / $(tail -3 $tmp/miss-work.out) / $(cat $tmp/miss-status.out)"
um2=$(newdb "bf_opt_missing2_$suffix")
"$RW" backfill plan --db "$um2" --from 2024-03-09 --until 2024-03-09T04:00:00Z --relationships "$I/nothere.txt" "$D" > "$tmp/miss-plan2.out" 2>&1
rc=$?
n=$(psql "$um2" -qAt -c "SELECT count(*) FROM backfill_windows" 2> /dev/null)
check "options-missing-file-refused-at-plan" "[ $rc -eq 1 ] && grep -q -- '--relationships $I/nothere.txt: No such file or directory' $tmp/miss-plan2.out && [ '${n:-0}' = 0 ]" \
	"rc=$rc windows=$n $(cat $tmp/miss-plan2.out)"
# an input that cannot be parsed is refused at plan time by ingest's own
# loader; inputs belong to the plan, not to work
printf 'not a watch list: [\n' > "$I/bad.yml"
"$RW" backfill plan --db "$um2" --from 2024-03-09 --until 2024-03-09T04:00:00Z --watch "$I/bad.yml" "$D" > "$tmp/bad-plan.out" 2>&1
rc=$?
"$RW" backfill work --db "$um2" --countries "$I/countries.txt" > "$tmp/bad-work.out" 2>&1
rc2=$?
check "options-bad-input-refused" "[ $rc -ne 0 ] && grep -q 'bad.yml' $tmp/bad-plan.out && ! grep -q '^planned' $tmp/bad-plan.out && [ $rc2 -eq 2 ] && grep -q 'takes no files nor inputs' $tmp/bad-work.out" \
	"rc=$rc rc2=$rc2 $(cat $tmp/bad-plan.out) / $(cat $tmp/bad-work.out)"
# a queue made before plans kept their inputs gains the column (a plan
# of it, without inputs, made then; another after)
"$RW" backfill plan --db "$um2" --from 2024-03-09 --until 2024-03-09T02:00:00Z "$D" > "$tmp/old-plan.out" 2>&1
psql "$um2" -qAt -c "ALTER TABLE backfill_plans DROP COLUMN inputs" > "$tmp/old-drop.out" 2>&1
"$RW" backfill plan --db "$um2" --from 2024-03-09T02:00:00Z --until 2024-03-09T04:00:00Z --countries "$I/countries.txt" "$D" >> "$tmp/old-plan.out" 2>&1
rc=$?
"$RW" backfill status --db "$um2" > "$tmp/old-status.out" 2>&1
check "options-old-queue" "[ $rc -eq 0 ] && [ ! -s $tmp/old-drop.out ] && [ \$(grep -c '^planned 1 windows' $tmp/old-plan.out) -eq 2 ] && grep -A1 '^plan 2:' $tmp/old-status.out | grep -qx '  --countries $RI/countries.txt' && grep -A1 '^plan 1:' $tmp/old-status.out | grep -q '^  mirror '" \
	"rc=$rc $(cat $tmp/old-drop.out) $(cat $tmp/old-plan.out) $(cat $tmp/old-status.out)"

# ---------------------------------------------------------------- partitions
# A window's queries, as store_read.c makes them, read the month they
# cover and nothing else (partition pruning), through an index (with
# sequential scans off: these test tables are small enough for the
# planner to prefer reading them whole, a full year's are not).
u="${base%/*}/bf_sample_w1_$suffix$query"
a=$(unix 2017-10-01T08:00:00Z)
b=$(unix 2017-10-01T14:00:00Z)
parts=$(psql "$u" -qAt -c "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent WHERE c.relname IN ('events', 'origin_series')")
psql "$u" -qAt -c "SET enable_seqscan = off" \
	-c "EXPLAIN SELECT * FROM events WHERE time >= $a AND time <= $b ORDER BY time, type, origin, upstream" \
	-c "EXPLAIN SELECT * FROM events WHERE origin = 131279 AND time >= $a AND time <= $b" \
	-c "EXPLAIN SELECT ts, prefixes, routes, upstreams FROM origin_series WHERE origin = 131279 AND bucket >= $((a / 300)) AND bucket <= $((b / 300)) ORDER BY bucket" \
	> "$tmp/explain.txt" 2>&1
check "partitions-pruned-indexed" "[ $parts -gt 100 ] && [ \$(grep -c 'events_201710\\|origin_series_201710' $tmp/explain.txt) -ge 3 ] && ! grep -q 'events_201709\\|origin_series_201709\\|Seq Scan' $tmp/explain.txt && [ \$(grep -c 'Index' $tmp/explain.txt) -ge 3 ]" \
	"$parts partitions; $(cat $tmp/explain.txt)"

for db in $(psql "$PG" -qAt -c "SELECT datname FROM pg_database WHERE datname LIKE 'bf\\_%\\_$suffix'"); do
	psql "$PG" -qAt -c "DROP DATABASE IF EXISTS $db" > /dev/null 2>&1
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
