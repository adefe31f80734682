#!/bin/bash
# Two builds of routewatch against each other, in the same run: every
# command once with each binary, back to back in alternating order, and the
# median of the per-pair ratios (new / old: below 1 is faster). This is how
# a change shows it keeps the speed of the commit before it on a host whose
# speed drifts (bench/README.md, "The machine").
#
#   bench/compare.sh OLD_BUILD_DIR [NEW_BUILD_DIR]
#   e.g.  git worktree add /tmp/rw-old HEAD~1 && (cd /tmp/rw-old && meson setup build && ninja -C build)
#         bench/compare.sh /tmp/rw-old/build build
#
# Inputs (generated with the new binary's writer, kept in $BENCH_DIR):
# bench/ratios.sh's update file (plain, .gz, .bz2), bench/engine.sh's RIB of
# RIB_PREFIXES x RIB_PEERS and its update file, the sample archive.
# PAIRS (default 5) pairs per line; ONLY=REGEX runs the matching lines.
set -euo pipefail
OLD=$(cd "$(dirname "$1/routewatch")" && pwd)/routewatch
NEW=$(cd "$(dirname "${2:-build}/routewatch")" && pwd)/routewatch
BENCH_DIR=${BENCH_DIR:-/tmp/rw-bench}
D=$BENCH_DIR/data
E=$BENCH_DIR/engine
RIB_PREFIXES=${RIB_PREFIXES:-1200000}
RIB_PEERS=${RIB_PEERS:-20}
PAIRS=${PAIRS:-5}
ONLY=${ONLY:-.} # a regular expression: only the lines whose name matches
mkdir -p "$D" "$E/rib/rv" "$E/x1/rv" "$BENCH_DIR/cmp"
if [ ! -s "$D/updates.mrt" ]; then
	"$NEW" synth updates --records 1500000 --seed 1 -o "$D/updates.mrt"
fi
[ -s "$D/updates.mrt.gz" ] || gzip -k -c "$D/updates.mrt" > "$D/updates.mrt.gz"
[ -s "$D/updates.mrt.bz2" ] || bzip2 -k -c "$D/updates.mrt" > "$D/updates.mrt.bz2"
RIB=$E/rib/rv/rib.20240309.0800
[ -s "$RIB" ] || "$NEW" synth rib --prefixes "$RIB_PREFIXES" --peers "$RIB_PEERS" --seed 7 -o "$RIB"
ln -sf "$RIB" "$E/x1/rv/rib.20240309.0800"
[ -s "$E/x1/rv/updates.20240309.0800" ] ||
	"$NEW" synth updates --records 1500000 --prefixes "$RIB_PREFIXES" --peers "$RIB_PEERS" --seed 7 \
		--duration 900 -o "$E/x1/rv/updates.20240309.0800"
S=$BENCH_DIR/sample
[ -d "$S" ] || "$NEW" synth sample "$S" > /dev/null
cat "$D"/updates.mrt* "$RIB" "$E"/x1/rv/updates.* > /dev/null # page cache

secs() { # wall seconds of a shell command line, output discarded
	local t0 t1
	t0=$EPOCHREALTIME
	eval "$1" > /dev/null 2>&1
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b - a}'
}
median() { sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

# cmp NAME "ARGS" [SETUP]: ARGS run with each binary ($RW stands for it);
# SETUP (a shell line with $RW) runs before each timing, untimed
cmp() {
	local name=$1 args=$2 setup=${3:-} i to tn ro=() rn=() rr=()
	[[ $name =~ $ONLY ]] || return 0
	for ((i = 0; i < PAIRS; i++)); do
		for side in $((i % 2)) $((1 - i % 2)); do
			if [ "$side" = 0 ]; then RW=$OLD; else RW=$NEW; fi
			[ -z "$setup" ] || eval "$setup" > /dev/null 2>&1
			t=$(secs "$RW $args")
			if [ "$side" = 0 ]; then to=$t; else tn=$t; fi
		done
		ro+=("$to")
		rn+=("$tn")
		rr+=("$(awk -v a="$tn" -v b="$to" 'BEGIN{printf "%.3f", a / b}')")
	done
	printf '| %s | %s | %s | **%s** (%s .. %s) |\n' "$name" "$(printf '%s\n' "${ro[@]}" | median)" \
		"$(printf '%s\n' "${rn[@]}" | median)" "$(printf '%s\n' "${rr[@]}" | median)" \
		"$(printf '%s\n' "${rr[@]}" | sort -g | head -1)" "$(printf '%s\n' "${rr[@]}" | sort -g | tail -1)"
}

echo "# routewatch, new against old, $PAIRS interleaved pairs each, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores"
echo "# old: $OLD ($(cd "$(dirname "$OLD")/.." && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "# new: $NEW ($(cd "$(dirname "$NEW")/.." && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo
echo "| command | old median s | new median s | new / old, median of pairs (min .. max) |"
echo "|---|---|---|---|"
cmp "dump, plain updates (1.5 M records)" "dump '$D/updates.mrt'"
cmp "dump, .gz" "dump '$D/updates.mrt.gz'"
cmp "dump, .bz2" "dump '$D/updates.mrt.bz2'"
cmp "dump --json, plain" "dump --json '$D/updates.mrt'"
cmp "events: RIB load ($RIB_PREFIXES x $RIB_PEERS)" "events '$E/rib'"
cmp "events: RIB + 1.5 M update records" "events --json '$E/x1'"
cmp "ingest: the sample archive into a new store" "ingest --db '$BENCH_DIR/cmp/s.db' '$S'" \
	"rm -f '$BENCH_DIR/cmp/s.db'"
cmp "ingest: RIB load into a new store" "ingest --db '$BENCH_DIR/cmp/r.db' '$E/rib'" \
	"rm -f '$BENCH_DIR/cmp/r.db'"
