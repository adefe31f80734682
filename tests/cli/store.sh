#!/bin/sh
# The history store end to end: ingest, history, report (text and chart),
# on SQLite and on a real PostgreSQL server; ingest is idempotent,
# incremental (two runs equal one), and survives kill -9.
#
# PostgreSQL: $RW_TEST_PG (a URI) when set (scripts/test-all.sh starts one
# server for the whole run), else a private server started here with
# scripts/pg-server.sh. The chart is rendered with headless Chromium and
# looked at with Pillow (Debian chromium, python3-pil).
set -u
B=${1:-build}
RW=$(cd "$(dirname "$B/routewatch")" && pwd)/routewatch
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=${RW_SHARED_DATA:-$ROOT/../shared/data}
SC=$SHARED/scenarios/public
pass=0 fail=0
tmp=$(mktemp -d /tmp/rw-store.XXXXXX)
pgdir=""
cleanup() {
	if [ -n "$pgdir" ]; then
		"$ROOT/scripts/pg-server.sh" stop "$pgdir"
		rm -rf "$pgdir"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
ok() { echo "ok - store/$1"; pass=$((pass + 1)); }
nok() { echo "not ok - store/$1: $2"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok "$1"; else nok "$1" "$3"; fi; }
for tool in jq sqlite3; do
	if ! command -v $tool >/dev/null 2>&1; then
		nok "$tool" "$tool is not installed (scripts/install-deps.sh installs it)"
		echo "$pass passed, $fail failed"
		exit 1
	fi
done

# Everything an ingest learned, in a stable order (not the engine state,
# nor when files were ingested).
tables() {
	sqlite3 "$1" "SELECT 'e', * FROM events ORDER BY origin, time, type, upstream;
		SELECT 'i', * FROM intervals ORDER BY origin, upstream, start_ts;
		SELECT 'o', * FROM origins ORDER BY origin;
		SELECT 's', * FROM origin_series ORDER BY origin, bucket;
		SELECT 'n', * FROM names ORDER BY asn;
		SELECT 'f', collector, name, size, digest, first_ts FROM files ORDER BY collector, name;
		SELECT 'm', * FROM meta ORDER BY key;"
}

"$RW" synth sample "$tmp/sample" 2>/dev/null
S=$tmp/sample
NAMES=$S/asnames.txt

# ---------------------------------------------------------------- SQLite
"$RW" ingest --db "$tmp/one.db" --names "$NAMES" "$S" > "$tmp/ing.out" 2>"$tmp/ing.err"; rc=$?
check "ingest-sample" "[ $rc -eq 0 ] && grep -q '^ingested 180 files (0 already stored)' $tmp/ing.out" \
	"rc=$rc $(cat $tmp/ing.out $tmp/ing.err | head -3)"

"$RW" history AS131279 --db "$tmp/one.db" --json > "$tmp/h.json" 2>&1
# intervals follow the events; over monthly RIB dumps an upstream starts at
# the first dump that shows it and ends at the first one without it
h=$(jq -c '[.origin, .first_seen, .prefixes, [.upstreams[] | [.asn, .first_seen, .last_seen, .intervals, .share_max]]]' "$tmp/h.json")
want='[131279,"2010-12-01T00:00:00Z",4,[[4837,"2010-12-01T00:00:00Z",null,[["2010-12-01T00:00:00Z",null]],1],[22351,"2012-03-01T00:00:00Z","2013-09-01T00:00:00Z",[["2012-03-01T00:00:00Z","2013-09-01T00:00:00Z"]],0.25],[20485,"2017-10-01T09:07:51Z",null,[["2017-10-01T09:07:51Z","2017-10-01T10:14:45Z"],["2017-10-01T12:21:55Z",null]],0.3214]]]'
check "history-intervals" "[ '$h' = '$want' ]" "got $h"
# shares: AS22351 carried 2 prefixes at 4 of 8 peers of one collector
# (8 of 32 routes) while it was there; AS4837 nearly everything over years
check "history-shares" "jq -e '(.upstreams[] | select(.asn == 22351) | .share_mean == 0.25) and (.upstreams[] | select(.asn == 4837) | .share_mean > 0.9 and .share_mean < 1) and (.upstreams[0].name | startswith(\"CHINA169\"))' $tmp/h.json >/dev/null" \
	"$(head -c 400 $tmp/h.json)"
"$RW" history 131279 --db "$tmp/one.db" > "$tmp/h.txt" 2>&1
check "history-text" "grep -q '^AS131279 STAR-KP' $tmp/h.txt && grep -q 'AS22351 INTELSAT-1: gone, 25.0%' $tmp/h.txt && grep -q '2012-03-01 00:00:00 UTC - 2013-09-01 00:00:00 UTC' $tmp/h.txt" \
	"$(head -5 $tmp/h.txt)"

"$RW" report AS131279 --db "$tmp/one.db" --from 2017-10-01T08:00:00Z --to 2017-10-01T14:00:00Z --svg "$tmp/r.svg" > "$tmp/r.txt" 2>"$tmp/r.err"; rc=$?
r() { grep -qF -- "$1" "$tmp/r.txt"; }
check "report-context" "[ $rc -eq 0 ] && r 'Since 1 December 2010, 00:00:00 UTC, it has relied on AS4837 CHINA169-BACKBONE alone (95% of its routes on average), but for partial service by AS22351 INTELSAT-1 from 1 March 2012, 00:00:00 UTC to 1 September 2013, 00:00:00 UTC (25% of its routes on average).'" \
	"rc=$rc $(head -4 $tmp/r.txt)"
check "report-story" "r 'At 09:07:51 UTC on 1 October 2017, AS131279 STAR-KP gained a new upstream, AS20485 TRANSTELECOM, which carried 3 of its 4 prefixes: 175.45.176.0/24, 175.45.178.0/24, 175.45.179.0/24.' && r 'At 10:14:45 UTC, AS20485 TRANSTELECOM vanished as an upstream' && r 'all 4 prefixes of AS131279 STAR-KP went down 4 times' && r 'down 11:38:26 UTC, back 11:44:52 UTC (6 min 26 s)' && r 'At 12:21:55 UTC, AS20485 TRANSTELECOM returned' && r 'In all: 1 new upstream, 1 lost, 1 returned; 4 outages of the whole network (15 min 23 s down)'" \
	"$(cat $tmp/r.txt)"
check "report-svg" "[ -s $tmp/r.svg ] && grep -q '<svg' $tmp/r.svg && grep -q 'AS20485 TRANSTELECOM' $tmp/r.svg && [ \$(grep -c 'fill=\"#d62728\"' $tmp/r.svg) -ge 5 ]" \
	"$(head -c 300 $tmp/r.svg)"
# the picture, rendered by a browser: not blank, both upstreams' colours,
# the outage shading
if ! command -v chromium >/dev/null 2>&1; then
	nok "report-png" "chromium is not installed (scripts/install-deps.sh installs it)"
elif ! /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
	nok "report-png" "python3-pil is not installed (scripts/install-deps.sh installs it)"
else
	timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$tmp/chr" \
		--window-size=960,440 --screenshot="$tmp/r.png" "file://$tmp/r.svg" >"$tmp/chr.log" 2>&1
	png=$(/usr/bin/python3 - "$tmp/r.png" <<'EOF' 2>&1
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
px = im.load()
w, h = im.size
colours = set()
nonwhite = 0
for y in range(h):
    for x in range(w):
        c = px[x, y]
        colours.add(c)
        nonwhite += c != (255, 255, 255)
def near(c, ref, tol=40):
    return all(abs(a - b) <= tol for a, b in zip(c, ref))
blue = any(near(c, (0x1f, 0x77, 0xb4)) for c in colours)
orange = any(near(c, (0xff, 0x7f, 0x0e)) for c in colours)
pink = any(near(c, (0xf3, 0xc9, 0xc9), 25) for c in colours)
print(w, h, len(colours), round(nonwhite / (w * h), 2), int(blue), int(orange), int(pink))
EOF
)
	read -r pw ph pcol pfill pb po pp <<PNG
$png
PNG
	check "report-png" "[ '$pw' = 960 ] && [ '$ph' = 440 ] && [ '${pcol:-0}' -gt 20 ] && [ '$pb$po$pp' = 111 ] && awk 'BEGIN{exit !(${pfill:-0} > 0.3)}'" \
		"width height colours non-white blue orange outage: $png $(tail -2 $tmp/chr.log)"
fi

# idempotent: the same files again change nothing at all
cp "$tmp/one.db" "$tmp/before.db"
sqlite3 "$tmp/one.db" .dump > "$tmp/d1"
"$RW" ingest --db "$tmp/one.db" --names "$NAMES" "$S" > "$tmp/ing2.out" 2>&1; rc=$?
sqlite3 "$tmp/one.db" .dump > "$tmp/d2"
check "idempotent" "[ $rc -eq 0 ] && grep -q '^ingested 0 files (180 already stored)' $tmp/ing2.out && cmp -s $tmp/d1 $tmp/d2" \
	"rc=$rc $(head -2 $tmp/ing2.out); dump differs: $(diff $tmp/d1 $tmp/d2 | head -3)"

# incremental: the files before 10:00 and the rest in a second run equal
# one run over all of them
mkdir -p "$tmp/a/route-views2" "$tmp/a/rrc00" "$tmp/b/route-views2" "$tmp/b/rrc00"
for f in "$S"/route-views2/* "$S"/rrc00/*; do
	c=$(basename "$(dirname "$f")")
	case $(basename "$f") in
	*.20171001.1[0-9]*) cp "$f" "$tmp/b/$c/" ;;
	*) cp "$f" "$tmp/a/$c/" ;;
	esac
done
"$RW" ingest --db "$tmp/two.db" --names "$NAMES" "$tmp/a" > /dev/null 2>&1 &&
	"$RW" ingest --db "$tmp/two.db" "$tmp/b" > "$tmp/ing3.out" 2>&1; rc=$?
tables "$tmp/one.db" > "$tmp/t1"
tables "$tmp/two.db" > "$tmp/t2"
check "incremental-equals-one-run" "[ $rc -eq 0 ] && cmp -s $tmp/t1 $tmp/t2" \
	"rc=$rc $(head -2 $tmp/ing3.out) $(diff $tmp/t1 $tmp/t2 | head -6 | tr '\n' ' ')"
# a file older than the store's clock cannot be merged in time any more:
# it is refused, named, and not marked as stored (it used to be marked
# although nothing of it was applied, and could never be taken again)
mkdir -p "$tmp/late/rrc00"
cp "$S/rrc00/updates.20171001.0900.gz" "$tmp/late/rrc00/updates.20171001.0900.x.gz"
gzip -dc "$tmp/late/rrc00/updates.20171001.0900.x.gz" | gzip -1 > "$tmp/late/rrc00/updates.20171001.0900.gz"
rm "$tmp/late/rrc00/updates.20171001.0900.x.gz"
"$RW" ingest --db "$tmp/two.db" "$tmp/late" > "$tmp/late.out" 2>&1; rc=$?
tables "$tmp/two.db" > "$tmp/t3"
check "older-file-refused" "[ $rc -eq 1 ] && grep -q 'updates.20171001.0900.gz: every record is before the store.s clock 2017-10-01T13:59:59Z: nothing applied, not marked as stored' $tmp/late.out && grep -q '1 refused: before the store.s clock' $tmp/late.out && cmp -s $tmp/t2 $tmp/t3" \
	"rc=$rc $(cat $tmp/late.out | head -3) $(diff $tmp/t2 $tmp/t3 | head -3)"
"$RW" ingest --db "$tmp/two.db" "$tmp/late" > "$tmp/late2.out" 2>&1; rc=$?
check "older-file-refused-again" "[ $rc -eq 1 ] && ! grep -q 'already in the store' $tmp/late2.out && grep -q '1 refused' $tmp/late2.out" \
	"rc=$rc $(cat $tmp/late2.out | head -3)"

# kill -9 right after the second commit (checkpoints every 10 minutes of
# records; tests/cli/kill_at.c kills the process when it logs "checkpoint
# 2 at"): what was committed stays, and the next run carries on to the same
# store as one uninterrupted run
RW_KILL_AT="checkpoint 2 at" LD_PRELOAD="$(cd "$B" && pwd)/tests/librwkill.so" ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
	"$RW" -v -v ingest --db "$tmp/k.db" --names "$NAMES" --checkpoint 600 --checkpoint-wall 0 "$S" > /dev/null 2>&1; rc=$?
kclock=$(sqlite3 "$tmp/k.db" "SELECT value FROM meta WHERE key = 'clock'")
"$RW" ingest --db "$tmp/k.db" --names "$NAMES" --checkpoint 600 --checkpoint-wall 0 "$S" > "$tmp/k.out" 2>&1; rc2=$?
tables "$tmp/k.db" > "$tmp/tk"
check "kill-9-after-commit" "[ $rc -eq 137 ] && [ -n '$kclock' ] && [ '$kclock' -lt 1506866399 ] && [ \$(sqlite3 $tmp/one.db \"SELECT value FROM meta WHERE key = 'clock'\") = 1506866399 ] && [ $rc2 -eq 0 ] && cmp -s $tmp/t1 $tmp/tk" \
	"first run rc=$rc clock=$kclock; second rc=$rc2 $(head -2 $tmp/k.out); $(diff $tmp/t1 $tmp/tk | head -4 | tr '\n' ' ')"

# kill -9 from outside at arbitrary moments of a longer run: the store is
# always consistent and the last run ends where one run ends
mkdir -p "$tmp/big/rv"
"$RW" synth rib --prefixes 20000 --peers 8 --seed 5 -o "$tmp/big/rv/rib.20240309.0800"
"$RW" synth updates --records 300000 --prefixes 20000 --peers 8 --seed 5 --duration 7200 -o "$tmp/big/rv/updates.20240309.0800"
"$RW" ingest --db "$tmp/bigref.db" --checkpoint 300 --checkpoint-wall 0 "$tmp/big" > /dev/null 2>&1
kills=0 runs=0 integrity=ok
for delay in 0.3 0.6 0.9 1.2 1.5; do
	"$RW" ingest --db "$tmp/big.db" --checkpoint 300 --checkpoint-wall 0 "$tmp/big" > /dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null && kills=$((kills + 1))
	wait $pid 2>/dev/null
	runs=$((runs + 1))
	[ "$(sqlite3 "$tmp/big.db" 'PRAGMA integrity_check' 2>&1)" = ok ] || integrity="bad after run $runs"
done
"$RW" ingest --db "$tmp/big.db" --checkpoint 300 --checkpoint-wall 0 "$tmp/big" > "$tmp/big.out" 2>&1; rc=$?
tables "$tmp/bigref.db" > "$tmp/tb1"
tables "$tmp/big.db" > "$tmp/tb2"
check "kill-9-anytime" "[ $rc -eq 0 ] && [ $kills -ge 1 ] && [ $integrity = ok ] && [ \$(grep -c '^e|' $tmp/tb1) -gt 0 ] && cmp -s $tmp/tb1 $tmp/tb2" \
	"rc=$rc kills=$kills integrity=$integrity $(head -2 $tmp/big.out) $(diff $tmp/tb1 $tmp/tb2 | head -4 | tr '\n' ' ')"
echo "# kill-9-anytime: $kills of $runs runs killed before they finished"

# ---------------------------------------------------------------- errors
"$RW" history AS64999 --db "$tmp/one.db" > "$tmp/e1" 2>&1; rc=$?
check "unknown-origin" "[ $rc -eq 1 ] && grep -q 'AS64999: not in the history store' $tmp/e1" "rc=$rc $(cat $tmp/e1)"
"$RW" history 131279 --db "$tmp/nowhere.db" > "$tmp/e2" 2>&1; rc=$?
check "missing-store" "[ $rc -eq 1 ] && grep -q 'no history store here' $tmp/e2 && [ ! -e $tmp/nowhere.db ]" "rc=$rc $(cat $tmp/e2)"
"$RW" ingest --db "$tmp/one.db" --min-peers 3 "$S" > "$tmp/e3" 2>&1; rc=$?
check "min-peers-fixed" "[ $rc -eq 2 ] && grep -q 'built with --min-peers 2' $tmp/e3" "rc=$rc $(cat $tmp/e3)"
"$RW" report 131279 --db "$tmp/one.db" --from 2017-10-02T00:00:00Z --to 2017-10-01T00:00:00Z > "$tmp/e4" 2>&1; rc=$?
check "report-bad-window" "[ $rc -eq 2 ]" "rc=$rc $(cat $tmp/e4)"
cp "$tmp/one.db" "$tmp/dam.db"
sqlite3 "$tmp/dam.db" "UPDATE state SET data = substr(data, 1, length(data) / 2)"
"$RW" ingest --db "$tmp/dam.db" "$tmp/late" > "$tmp/e5" 2>&1; rc=$?
check "damaged-state" "[ $rc -eq 1 ] && grep -q 'engine state' $tmp/e5" "rc=$rc $(cat $tmp/e5)"

# one flipped byte in the snapshot is refused (its zstd frame carries a
# checksum; a byte flipped in the middle used to load, now and then)
cp "$tmp/one.db" "$tmp/flip.db"
python3 - "$tmp/flip.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
part, data = c.execute("SELECT part, data FROM state ORDER BY part").fetchone()
d = bytearray(data)
d[len(d) // 2] ^= 0x10
c.execute("UPDATE state SET data = ? WHERE part = ?", (bytes(d), part))
c.commit()
PY
"$RW" ingest --db "$tmp/flip.db" "$tmp/late" > "$tmp/e6" 2>&1; rc=$?
check "flipped-state-byte-refused" "[ $rc -eq 1 ] && grep -q 'engine state is damaged' $tmp/e6 && ! grep -q '^ingested' $tmp/e6" \
	"rc=$rc $(cat $tmp/e6)"

# the store kept inside the archive's directory, as `make demo` keeps it:
# the database and its writer's lock file are not archives
cp -r "$S" "$tmp/inside"
"$RW" ingest --db "$tmp/inside/h.db" "$tmp/inside" > "$tmp/in1.out" 2>&1 && \
	"$RW" ingest --db "$tmp/inside/h.db" "$tmp/inside" > "$tmp/in2.out" 2>&1; rc=$?
check "store-inside-its-archive" "[ $rc -eq 0 ] && grep -q '^ingested 180 files (0 already stored)' $tmp/in1.out && grep -q '^ingested 0 files (180 already stored)' $tmp/in2.out && ! grep -q 'refused\|error' $tmp/in1.out $tmp/in2.out" \
	"rc=$rc $(cat $tmp/in1.out $tmp/in2.out | head -4)"

# ---------------------------------------------------------------- one writer
# two ingests on one store: the second is refused, clearly, and the first
# ends as it would alone (they used to both exit 0 with wrong intervals)
"$RW" ingest --db "$tmp/w.db" --checkpoint 300 --checkpoint-wall 0 "$tmp/big" > "$tmp/w1.out" 2>&1 &
pid=$!
i=0
while [ $i -lt 50 ] && [ ! -e "$tmp/w.db.lock" ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
"$RW" ingest --db "$tmp/w.db" "$S" > "$tmp/w2.out" 2>&1; rc2=$?
wait $pid; rc1=$?
tables "$tmp/bigref.db" > "$tmp/tw1"
tables "$tmp/w.db" > "$tmp/tw2"
check "second-writer-refused" "[ $rc2 -eq 1 ] && grep -q 'another routewatch process is writing to this store' $tmp/w2.out && ! grep -q '^ingested' $tmp/w2.out" \
	"rc=$rc2 $(cat $tmp/w2.out | head -3)"
check "first-writer-unharmed" "[ $rc1 -eq 0 ] && cmp -s $tmp/tw1 $tmp/tw2" "rc=$rc1 $(diff $tmp/tw1 $tmp/tw2 | head -3 | tr '\n' ' ')"
"$RW" events --db "$tmp/w.db" --json > /dev/null 2>&1 &
"$RW" ingest --db "$tmp/w.db" "$tmp/big" > "$tmp/w3.out" 2>&1; rc=$?
wait
check "readers-do-not-lock" "[ $rc -eq 0 ]" "an ingest next to a reader failed: $(head -2 $tmp/w3.out)"

# a writer killed leaves the store marked open: the next one checks it
# (SQLite's quick_check) and refuses a damaged file
cp "$tmp/one.db" "$tmp/u.db"
sqlite3 "$tmp/u.db" "UPDATE meta SET value = 0 WHERE key = 'clean'"
"$RW" ingest --db "$tmp/u.db" "$S" > "$tmp/u1.out" 2>&1; rc=$?
check "unclean-store-checked" "[ $rc -eq 0 ] && grep -q 'did not close it' $tmp/u1.out && [ \$(sqlite3 $tmp/u.db \"SELECT value FROM meta WHERE key = 'clean'\") = 1 ]" \
	"rc=$rc $(head -3 $tmp/u1.out)"
cp "$tmp/one.db" "$tmp/d.db"
sqlite3 "$tmp/d.db" "UPDATE meta SET value = 0 WHERE key = 'clean'; PRAGMA wal_checkpoint(TRUNCATE);" > /dev/null
python3 - "$tmp/d.db" <<'PY'
import sys
# garbage over the middle of the file: b-tree pages of the big tables
with open(sys.argv[1], "r+b") as f:
    f.seek(0, 2)
    n = f.tell()
    page = 4096
    f.seek((n // page // 2) * page)
    f.write(bytes((i * 37 + 11) % 256 for i in range(page * 4)))
PY
"$RW" ingest --db "$tmp/d.db" "$tmp/late" > "$tmp/d1.out" 2>&1; rc=$?
check "damaged-store-refused" "[ $rc -eq 1 ] && grep -q 'the store is damaged (quick_check' $tmp/d1.out" "rc=$rc $(head -3 $tmp/d1.out)"

# ---------------------------------------------------------------- public scenario
if [ -d "$SC/archive" ]; then
	"$RW" ingest --db "$tmp/pub.db" "$SC/archive" > /dev/null 2>&1
	"$RW" events --json "$SC/archive" > "$tmp/pub-ev.json" 2>/dev/null
	"$RW" events --db "$tmp/pub.db" --json > "$tmp/pub-db.json" 2>&1; rc=$?
	check "public-scenario-stored-events" "[ $rc -eq 0 ] && [ -s $tmp/pub-db.json ] && cmp -s $tmp/pub-ev.json $tmp/pub-db.json" \
		"$(diff $tmp/pub-ev.json $tmp/pub-db.json | head -3)"
else
	echo "skip - store/public-scenario-stored-events: $SC is absent, the interop test was not run"
fi

# ---------------------------------------------------------------- PostgreSQL
PG=${RW_TEST_PG:-}
if [ -z "$PG" ]; then
	pgdir=$(mktemp -d /tmp/rw-pg.XXXXXX)
	PG=$("$ROOT/scripts/pg-server.sh" start "$pgdir" 2>"$tmp/pg.err") || PG=""
fi
if [ -z "$PG" ]; then
	nok "postgresql" "no PostgreSQL server: $(cat $tmp/pg.err)"
else
	# a fresh database per run
	db="rwtest_$$"
	base=${PG%%\?*}
	query=${PG#"$base"}
	admin_uri=$PG
	psql "$admin_uri" -qAt -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" > "$tmp/pg.log" 2>&1
	U="${base%/*}/$db$query"
	"$RW" ingest --db "$U" --names "$NAMES" "$S" > "$tmp/pg1.out" 2>&1; rc=$?
	"$RW" history AS131279 --db "$U" --json > "$tmp/pgh.json" 2>&1
	check "postgresql-ingest-history" "[ $rc -eq 0 ] && cmp -s $tmp/h.json $tmp/pgh.json" \
		"rc=$rc $(head -2 $tmp/pg1.out) $(cat $tmp/pg.log | head -2) $(diff $tmp/h.json $tmp/pgh.json | head -3)"
	"$RW" events --db "$U" --json > "$tmp/pge.json" 2>&1
	"$RW" events --db "$tmp/one.db" --json > "$tmp/lite-e.json" 2>&1
	"$RW" report AS131279 --db "$U" --from 2017-10-01T08:00:00Z --to 2017-10-01T14:00:00Z --svg "$tmp/pg.svg" > "$tmp/pgr.txt" 2>&1
	check "postgresql-same-events-report-chart" "[ -s $tmp/pge.json ] && cmp -s $tmp/lite-e.json $tmp/pge.json && cmp -s $tmp/r.txt $tmp/pgr.txt && cmp -s $tmp/r.svg $tmp/pg.svg" \
		"$(diff $tmp/lite-e.json $tmp/pge.json | head -2) $(diff $tmp/r.txt $tmp/pgr.txt | head -2)"
	"$RW" ingest --db "$U" --names "$NAMES" "$S" > "$tmp/pg2.out" 2>&1; rc=$?
	"$RW" events --db "$U" --json > "$tmp/pge2.json" 2>&1
	check "postgresql-idempotent" "[ $rc -eq 0 ] && grep -q '^ingested 0 files (180 already stored)' $tmp/pg2.out && cmp -s $tmp/pge.json $tmp/pge2.json" \
		"rc=$rc $(head -2 $tmp/pg2.out)"
	# incremental on PostgreSQL too
	db2="rwtest2_$$"
	psql "$admin_uri" -qAt -c "DROP DATABASE IF EXISTS $db2" -c "CREATE DATABASE $db2" >> "$tmp/pg.log" 2>&1
	U2="${base%/*}/$db2$query"
	"$RW" ingest --db "$U2" --names "$NAMES" "$tmp/a" > /dev/null 2>&1 && "$RW" ingest --db "$U2" "$tmp/b" > /dev/null 2>&1; rc=$?
	"$RW" history AS131279 --db "$U2" --json > "$tmp/pgh2.json" 2>&1
	"$RW" events --db "$U2" --json > "$tmp/pge3.json" 2>&1
	check "postgresql-incremental" "[ $rc -eq 0 ] && cmp -s $tmp/h.json $tmp/pgh2.json && cmp -s $tmp/pge.json $tmp/pge3.json" \
		"rc=$rc $(diff $tmp/h.json $tmp/pgh2.json | head -2)"
	# one writer on PostgreSQL too: an advisory lock
	db3="rwtest3_$$"
	psql "$admin_uri" -qAt -c "DROP DATABASE IF EXISTS $db3" -c "CREATE DATABASE $db3" >> "$tmp/pg.log" 2>&1
	U3="${base%/*}/$db3$query"
	"$RW" ingest --db "$U3" "$tmp/big" > "$tmp/pgw1.out" 2>&1 &
	pid=$!
	i=0 # until the first holds the lock
	while [ $i -lt 100 ] && [ "$(psql "$U3" -qAt -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'" 2>/dev/null)" != 1 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	"$RW" ingest --db "$U3" "$S" > "$tmp/pgw2.out" 2>&1; rc2=$?
	wait $pid; rc1=$?
	check "postgresql-second-writer-refused" "[ $rc1 -eq 0 ] && [ $rc2 -eq 1 ] && grep -q 'advisory lock is held' $tmp/pgw2.out" \
		"first rc=$rc1 second rc=$rc2 $(head -2 $tmp/pgw2.out)"
	psql "$admin_uri" -qAt -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS $db2" -c "DROP DATABASE IF EXISTS $db3" >> "$tmp/pg.log" 2>&1
	"$RW" history 131279 --db "postgresql:///nosuchdb?host=/nonexistent" > "$tmp/e6" 2>&1; rc=$?
	check "postgresql-unreachable" "[ $rc -eq 1 ] && grep -qi 'connect\|no such file' $tmp/e6" "rc=$rc $(cat $tmp/e6)"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
