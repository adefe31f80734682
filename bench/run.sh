#!/usr/bin/env bash
# routewatch benchmark: routewatch dump vs bgpdump -m vs bgpscanner, plain/gz/bz2,
# against decompression floors, plus an output-identity check and RSS flatness.
# See bench/README.md. Everything generated goes to $BENCH_DIR, never the repo.
#
# Knobs (environment):
#   BENCH_DIR=/tmp/rw-bench   work dir (inputs, raw timings, results.md)
#   RECORDS=1500000           update records of the large file
#   SMALL_RECORDS=150000      update records of the small file (RSS flatness)
#   SEED=1                    synth seed
#   RUNS=3  WARMUP=1          hyperfine runs (median reported) and warm-up runs
#   BENCH_RIB=0               1: also a RIB (synth rib) benchmark; big and slow
#   RIB_PREFIXES=1200000 RIB_PEERS=20   RIB size
#   RIB_BGPDUMP=1             0: skip bgpdump on the RIB (~3 min per run per file)
#   RW=...                    routewatch binary (default: build/routewatch,
#                             rebuilt with `ninja -C build` unless BENCH_NO_BUILD=1)
#   BGPSCANNER=...            bgpscanner binary (default: $PEERS_DIR/bin/bgpscanner,
#                             then PATH; bench/build-peers.sh is run if none)
#   PEERS_DIR=/tmp/rw-peers   where bench/build-peers.sh builds the peers
#   BENCH_REGEN=1             regenerate inputs even if the cached ones match
#   KEEP_OUTPUT=1             keep the dump outputs used for the identity check
set -u -o pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rw-bench}
RECORDS=${RECORDS:-1500000}
SMALL_RECORDS=${SMALL_RECORDS:-150000}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
BENCH_RIB=${BENCH_RIB:-0}
RIB_PREFIXES=${RIB_PREFIXES:-1200000}
RIB_PEERS=${RIB_PEERS:-20}
RIB_BGPDUMP=${RIB_BGPDUMP:-1}
PEERS_DIR=${PEERS_DIR:-/tmp/rw-peers}
BGPDUMP=${BGPDUMP:-bgpdump}
NPROC=$(nproc)

die() { echo "run.sh: $*" >&2; exit 1; }
note() { echo "== $*" >&2; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

case "$(realpath -m "$BENCH_DIR")/" in
"$REPO"/*) die "BENCH_DIR=$BENCH_DIR is inside the repository; use a directory outside it" ;;
esac
mkdir -p "$BENCH_DIR"/{bin,data,raw,out} || die "cannot create $BENCH_DIR"
D="$BENCH_DIR/data"
RAW="$BENCH_DIR/raw"
rm -f "$RAW"/*

# ------------------------------------------------------------------ tools
[ -x /usr/bin/time ] || { can_apt && apt-get install -y time >/dev/null 2>&1; } ||
	die "/usr/bin/time (GNU time) missing: apt-get install time"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) missing: apt-get install time"
HYPERFINE=$(command -v hyperfine || true)
if [ -z "$HYPERFINE" ] && can_apt; then
	apt-get install -y hyperfine >/dev/null 2>&1 && HYPERFINE=$(command -v hyperfine || true)
fi
[ -n "$HYPERFINE" ] || note "hyperfine not found: timing with a bash loop (EPOCHREALTIME) instead"
for t in gzip bzip2 cat cmp sha256sum awk; do command -v $t >/dev/null || die "$t missing"; done

# routewatch: snapshot the binary so a rebuild during the run cannot change it
if [ -z "${RW:-}" ]; then
	if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
		note "ninja -C build"
		ninja -C "$REPO/build" >&2 || die "ninja -C build failed"
	fi
	RW_SRC="$REPO/build/routewatch"
else
	RW_SRC=$RW
fi
[ -x "$RW_SRC" ] || die "routewatch binary $RW_SRC not found (meson setup build && ninja -C build)"
cp -f "$RW_SRC" "$BENCH_DIR/bin/routewatch" || die "cannot copy $RW_SRC"
RW="$BENCH_DIR/bin/routewatch"
RW_SHA=$(sha256sum "$RW" | cut -c1-12)
RW_GIT=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo "?")
RW_DIRTY=$(git -C "$REPO" status --porcelain --untracked-files=no -- src 2>/dev/null | wc -l)

# bgpdump
if ! command -v "$BGPDUMP" >/dev/null; then
	can_apt && apt-get install -y bgpdump >/dev/null 2>&1
fi
if command -v "$BGPDUMP" >/dev/null; then
	BGPDUMP=$(command -v "$BGPDUMP")
	BGPDUMP_VER=$(dpkg-query -W -f='${Version}' bgpdump 2>/dev/null || echo "?")
else
	note "bgpdump MISSING (apt-get install bgpdump): its rows are reported as missing"
	BGPDUMP=""
	BGPDUMP_VER="missing"
fi

# bgpscanner
BS_WHY=""
if [ -z "${BGPSCANNER:-}" ]; then
	if [ -x "$PEERS_DIR/bin/bgpscanner" ]; then BGPSCANNER="$PEERS_DIR/bin/bgpscanner"
	elif command -v bgpscanner >/dev/null; then BGPSCANNER=$(command -v bgpscanner)
	else
		note "bgpscanner not built yet: running bench/build-peers.sh"
		PEERS_DIR="$PEERS_DIR" "$REPO/bench/build-peers.sh" >&2
		[ -x "$PEERS_DIR/bin/bgpscanner" ] && BGPSCANNER="$PEERS_DIR/bin/bgpscanner"
	fi
fi
if [ -n "${BGPSCANNER:-}" ] && [ -x "$BGPSCANNER" ]; then
	BS_VER=$(tr '\n' ';' < "$PEERS_DIR/bgpscanner.version" 2>/dev/null | sed 's/;$//; s/;/; /g')
	[ -n "$BS_VER" ] || BS_VER="$BGPSCANNER"
else
	BS_WHY=$(cat "$PEERS_DIR/bgpscanner.status" 2>/dev/null || echo "not found")
	note "bgpscanner MISSING: $BS_WHY -- its rows are reported as missing"
	BGPSCANNER=""
	BS_VER="MISSING ($BS_WHY)"
fi

# ------------------------------------------------------------------ inputs
UPD="$D/updates.mrt"
SMALL="$D/updates-small.mrt"
RIB="$D/rib.mrt"
stamp_want="rw=$RW_SHA records=$RECORDS small=$SMALL_RECORDS seed=$SEED"
[ "$BENCH_RIB" = 1 ] && stamp_want="$stamp_want rib=$RIB_PREFIXES/$RIB_PEERS"
have_all() { local f; for f in "$@"; do [ -s "$f" ] && [ -s "$f.gz" ] && [ -s "$f.bz2" ] || return 1; done; }
inputs=("$UPD" "$SMALL"); [ "$BENCH_RIB" = 1 ] && inputs+=("$RIB")
if [ "${BENCH_REGEN:-0}" != 1 ] && [ "$(cat "$D/stamp" 2>/dev/null)" = "$stamp_want" ] && have_all "${inputs[@]}"; then
	note "reusing inputs in $D ($stamp_want)"
else
	rm -f "$D"/*
	note "generating inputs in $D"
	"$RW" synth updates --records "$RECORDS" --seed "$SEED" -o "$UPD" || die "synth updates failed"
	"$RW" synth updates --records "$SMALL_RECORDS" --seed "$SEED" -o "$SMALL" || die "synth updates (small) failed"
	if [ "$BENCH_RIB" = 1 ]; then
		"$RW" synth rib --prefixes "$RIB_PREFIXES" --peers "$RIB_PEERS" --seed "$SEED" -o "$RIB" || die "synth rib failed"
	fi
	note "compressing (gzip -k, bzip2 -k; setup only, nothing is timed now)"
	for f in "${inputs[@]}"; do
		gzip -k -f "$f" & p1=$!
		bzip2 -k -f "$f" & p2=$!
		wait $p1 || die "gzip $f failed"
		wait $p2 || die "bzip2 $f failed"
	done
	echo "$stamp_want" > "$D/stamp"
fi
fsize() { stat -c %s "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }

# ------------------------------------------------------------------ measuring
declare -A T CPU RSS ST
# measure ID CMD... : median wall time, mean user+sys, max RSS over all runs.
# stdout of CMD goes to /dev/null (hyperfine --output=null, the default).
measure() {
	local id=$1; shift
	local rssf="$RAW/$id.rss"
	: > "$rssf"
	note "measure $id: $*"
	local b0 w0 b1 w1
	b0=$(busy); w0=$EPOCHREALTIME
	if [ -n "$HYPERFINE" ]; then
		local cmd q="" a
		for a in /usr/bin/time -f %M -a -o "$rssf" "$@"; do q+=" $(printf '%q' "$a")"; done
		if ! "$HYPERFINE" -N --style basic --runs "$RUNS" --warmup "$WARMUP" \
			--export-json "$RAW/$id.json" --export-csv "$RAW/$id.csv" -n "$id" -- "${q# }" \
			> "$RAW/$id.log" 2>&1; then
			cat "$RAW/$id.log" >&2
			ST[$id]=failed; return 1
		fi
		# command,mean,stddev,median,user,system,min,max
		T[$id]=$(awk -F, 'NR == 2 { print $4 }' "$RAW/$id.csv")
		CPU[$id]=$(awk -F, 'NR == 2 { printf "%.3f", $5 + $6 }' "$RAW/$id.csv")
	else
		local i t0 t1 walls="" cpus="" tf="$RAW/$id.tmp"
		for ((i = 0; i < WARMUP; i++)); do "$@" > /dev/null 2>&1; done
		for ((i = 0; i < RUNS; i++)); do
			t0=$EPOCHREALTIME
			/usr/bin/time -f '%M %U %S' -o "$tf" "$@" > /dev/null 2>> "$RAW/$id.log" || { ST[$id]=failed; return 1; }
			t1=$EPOCHREALTIME
			walls+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') "
			cpus+="$(awk '{ print $2 + $3 }' "$tf") "
			awk '{ print $1 }' "$tf" >> "$rssf"
		done
		T[$id]=$(tr ' ' '\n' <<<"$walls" | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
		CPU[$id]=$(tr ' ' '\n' <<<"$cpus" | grep . | awk '{ s += $1 } END { printf "%.3f", s / NR }')
	fi
	b1=$(busy); w1=$EPOCHREALTIME
	RSS[$id]=$(grep -E '^[0-9]+$' "$rssf" | sort -n | tail -n 1)
	ST[$id]=ok
	# CPU used by anything else while this was measured, in cores (the
	# machine may be shared): all busy CPU time minus the measured commands'.
	FOREIGN[$id]=$(awk -v b="$((b1 - b0))" -v hz="$HZ" -v c="${CPU[$id]}" -v n="$((RUNS + WARMUP))" \
		-v w0="$w0" -v w1="$w1" 'BEGIN { s = b / hz - c * n; if (s < 0) s = 0; printf "%.2f %.2f", s / (w1 - w0), s }')
	echo "$id foreign-load=${FOREIGN[$id]% *} cores, ${FOREIGN[$id]#* } cpu-s in ${w0:+$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.1f", b - a }')} s" >> "$RAW/noise.txt"
}
HZ=$(getconf CLK_TCK)
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
declare -A FOREIGN
missing() { ST[$1]=missing; }

warm() { cat "$@" > /dev/null; }  # page cache, so every tool reads from memory

# bench_set NAME FILE: every tool on FILE, FILE.gz, FILE.bz2 plus the floors
bench_set() {
	local n=$1 f=$2 bgpdump_ok=${3:-1}
	warm "$f" "$f.gz" "$f.bz2"
	measure "$n.plain.floor" cat "$f"
	measure "$n.gz.floor" gzip -dc "$f.gz"
	measure "$n.bz2.floor" bzip2 -dc "$f.bz2"
	command -v pigz >/dev/null && measure "$n.gz.pigz" pigz -dc "$f.gz"
	command -v lbzip2 >/dev/null && measure "$n.bz2.lbzip2" lbzip2 -n "$NPROC" -dc "$f.bz2"
	local ext s
	for ext in plain gz bz2; do
		s=$f; [ $ext = plain ] || s=$f.$ext
		measure "$n.$ext.rw" "$RW" dump "$s"
		if [ -n "$BGPDUMP" ] && [ "$bgpdump_ok" = 1 ]; then measure "$n.$ext.bgpdump" "$BGPDUMP" -m "$s"
		else missing "$n.$ext.bgpdump"; fi
		if [ -n "$BGPSCANNER" ]; then measure "$n.$ext.bgpscanner" "$BGPSCANNER" "$s"
		else missing "$n.$ext.bgpscanner"; fi
	done
	measure "$n.bz2.rw1" "$RW" dump --threads 1 "$f.bz2"
}

# identity: routewatch dump vs bgpdump -m on the plain file (byte for byte),
# and routewatch on .gz / .bz2 vs routewatch on plain.
declare -A CHECK
check_set() {
	local n=$1 f=$2 bgpdump_ok=${3:-1} ref="$BENCH_DIR/out/$1.rw.txt"
	note "identity check on $n"
	"$RW" dump "$f" > "$ref" || { CHECK[$n.bgpdump]="FAILED: routewatch dump exited non-zero"; return; }
	LINES[$n]=$(wc -l < "$ref")
	if [ -n "$BGPDUMP" ] && [ "$bgpdump_ok" = 1 ]; then
		local r
		if r=$("$BGPDUMP" -m "$f" 2>/dev/null | cmp - "$ref" 2>&1); then
			CHECK[$n.bgpdump]="IDENTICAL ($(sha256sum < "$ref" | cut -c1-16), ${LINES[$n]} lines)"
		else
			CHECK[$n.bgpdump]="DIFFERENT: ${r:-cmp failed}"
			"$BGPDUMP" -m "$f" 2>/dev/null > "$BENCH_DIR/out/$n.bgpdump.txt"
			diff "$BENCH_DIR/out/$n.bgpdump.txt" "$ref" | head -n 6 > "$BENCH_DIR/out/$n.diff-head.txt"
			KEEP_OUTPUT=1
		fi
	else
		CHECK[$n.bgpdump]="not checked (bgpdump missing or skipped)"
	fi
	local ext r
	for ext in gz bz2; do
		if r=$("$RW" dump "$f.$ext" | cmp - "$ref" 2>&1); then CHECK[$n.$ext]="identical to plain"
		else CHECK[$n.$ext]="DIFFERENT from plain: ${r:-cmp failed}"; KEEP_OUTPUT=1; fi
	done
	[ "${KEEP_OUTPUT:-0}" = 1 ] || rm -f "$ref"
}

declare -A LINES
START=$(date -u '+%Y-%m-%d %H:%M UTC')
check_set upd "$UPD"
bench_set upd "$UPD"
# small file: routewatch only, for RSS flatness
warm "$SMALL" "$SMALL.gz" "$SMALL.bz2"
measure small.plain.rw "$RW" dump "$SMALL"
measure small.gz.rw "$RW" dump "$SMALL.gz"
measure small.bz2.rw "$RW" dump "$SMALL.bz2"
LINES[small]=$("$RW" dump "$SMALL" | wc -l)
if [ "$BENCH_RIB" = 1 ]; then
	check_set rib "$RIB" "$RIB_BGPDUMP"
	bench_set rib "$RIB" "$RIB_BGPDUMP"
fi

# ------------------------------------------------------------------ report
sec() { # id -> "1.234 s" or the status
	case "${ST[$1]:-}" in
	ok) awk -v t="${T[$1]}" 'BEGIN { printf (t < 10 ? "%.3f s" : "%.1f s"), t }' ;;
	missing) echo "missing" ;;
	failed) echo "FAILED" ;;
	*) echo "–" ;;
	esac
}
cpu() { [ "${ST[$1]:-}" = ok ] && awk -v t="${CPU[$1]}" 'BEGIN { printf "%.2f", t }' || echo "–"; }
rss() { [ "${ST[$1]:-}" = ok ] && [ -n "${RSS[$1]:-}" ] && awk -v k="${RSS[$1]}" 'BEGIN { printf "%.1f MB", k / 1024 }' || echo "–"; }
cell() { if [ "${ST[$1]:-}" = ok ]; then echo "$(sec "$1") ($(cpu "$1") cpu, $(rss "$1"))"; else sec "$1"; fi; }
# ratio A B -> A/B or "n/a"
ratio() { if [ "${ST[$1]:-}" = ok ] && [ "${ST[$2]:-}" = ok ]; then awk -v a="${T[$1]}" -v b="${T[$2]}" 'BEGIN { printf "%.2f", a / b }'; else echo "n/a"; fi; }
# verdict VALUE OP TARGET
verdict() {
	[ "$1" = n/a ] && { echo "n/a (tool missing)"; return; }
	if awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { exit !((op == ">=" && v >= t) || (op == "<=" && v <= t) || (op == "<" && v < t)) }'
	then echo "met"; else echo "**NOT met**"; fi
}
rate() { # id lines -> elements/s
	[ "${ST[$1]:-}" = ok ] && awk -v t="${T[$1]}" -v n="$2" 'BEGIN { printf "%.2f M/s", n / t / 1e6 }' || echo "–"
}

report() {
	local n=$1 f=$2 title=$3
	echo
	echo "### $title"
	echo
	echo "Inputs: \`$(basename "$f")\` $(mb "$(fsize "$f")"), \`.gz\` $(mb "$(fsize "$f.gz")"), \`.bz2\` $(mb "$(fsize "$f.bz2")"); ${LINES[$n]:-?} output lines (route elements)."
	echo
	echo "Wall time, median of $RUNS runs (in brackets: mean user+sys CPU seconds, max RSS)."
	echo
	echo "| input | floor | routewatch dump | bgpdump -m | bgpscanner |"
	echo "|---|---|---|---|---|"
	local ext fl
	for ext in plain gz bz2; do
		case $ext in plain) fl="cat";; gz) fl="gzip -dc";; bz2) fl="bzip2 -dc";; esac
		echo "| $ext | $fl $(cell "$n.$ext.floor") | $(cell "$n.$ext.rw") | $(cell "$n.$ext.bgpdump") | $(cell "$n.$ext.bgpscanner") |"
	done
	echo
	local other="routewatch dump --threads 1 on .bz2: $(cell "$n.bz2.rw1")"
	[ -n "${ST[$n.gz.pigz]:-}" ] && other+="; pigz -dc: $(cell "$n.gz.pigz")"
	[ -n "${ST[$n.bz2.lbzip2]:-}" ] && other+="; lbzip2 -n $NPROC -dc: $(cell "$n.bz2.lbzip2")"
	echo "Informational: $other."
	echo
	echo "routewatch throughput: plain $(rate "$n.plain.rw" "${LINES[$n]:-0}"), gz $(rate "$n.gz.rw" "${LINES[$n]:-0}"), bz2 $(rate "$n.bz2.rw" "${LINES[$n]:-0}") elements/s (text output included)."
	echo
	echo "Identity: routewatch dump vs bgpdump -m on the plain file: **${CHECK[$n.bgpdump]:-not run}**; routewatch on .gz: ${CHECK[$n.gz]:-not run}; on .bz2: ${CHECK[$n.bz2]:-not run}."
	echo
	echo "| ratio (wall time) | value | target | verdict |"
	echo "|---|---|---|---|"
	local r
	r=$(ratio "$n.plain.bgpdump" "$n.plain.rw"); echo "| bgpdump / routewatch, plain | $r | >= 25 | $(verdict "$r" ">=" 25) |"
	r=$(ratio "$n.plain.bgpscanner" "$n.plain.rw"); echo "| bgpscanner / routewatch, plain | $r | >= 2 | $(verdict "$r" ">=" 2) |"
	r=$(ratio "$n.gz.rw" "$n.gz.floor"); echo "| routewatch .gz / gzip -dc | $r | <= 1.2 | $(verdict "$r" "<=" 1.2) |"
	r=$(ratio "$n.bz2.rw" "$n.bz2.floor"); echo "| routewatch .bz2 / bzip2 -dc | $r | < 1.0 | $(verdict "$r" "<" 1.0) |"
	echo "| bgpdump / routewatch, gz | $(ratio "$n.gz.bgpdump" "$n.gz.rw") | – | |"
	echo "| bgpdump / routewatch, bz2 | $(ratio "$n.bz2.bgpdump" "$n.bz2.rw") | – | |"
	echo "| bgpscanner / routewatch, gz | $(ratio "$n.gz.bgpscanner" "$n.gz.rw") | – | |"
	echo "| bgpscanner / routewatch, bz2 | $(ratio "$n.bz2.bgpscanner" "$n.bz2.rw") | – | |"
	echo "| routewatch plain / cat | $(ratio "$n.plain.rw" "$n.plain.floor") | – | |"
	echo "| routewatch .bz2 --threads 1 / bzip2 -dc | $(ratio "$n.bz2.rw1" "$n.bz2.floor") | – | |"
}

flatness() {
	echo
	echo "### Memory flatness (routewatch dump max RSS, small vs large update file)"
	echo
	echo "Small: $SMALL_RECORDS records (${LINES[small]:-?} elements); large: $RECORDS records (${LINES[upd]:-?} elements)."
	echo
	echo "| input | small | large | large / small | flat (<= 1.10)? |"
	echo "|---|---|---|---|---|"
	local ext r
	for ext in plain gz bz2; do
		if [ "${ST[small.$ext.rw]:-}" = ok ] && [ "${ST[upd.$ext.rw]:-}" = ok ]; then
			r=$(awk -v a="${RSS[upd.$ext.rw]}" -v b="${RSS[small.$ext.rw]}" 'BEGIN { printf "%.2f", a / b }')
			echo "| $ext | $(rss small.$ext.rw) | $(rss upd.$ext.rw) | $r | $(verdict "$r" "<=" 1.10 | sed 's/met/yes/; s/\*\*NOT yes\*\*/**no**/') |"
		else
			echo "| $ext | $(rss small.$ext.rw) | $(rss upd.$ext.rw) | n/a | n/a |"
		fi
	done
}

write_results() {
	echo "## routewatch benchmark results"
	echo
	echo "Run $START on $(hostname): $NPROC CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r), $( . /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-?}")."
	echo
	echo "* routewatch: \`$RW_SRC\` (sha256 $RW_SHA), tree $RW_GIT$( [ "$RW_DIRTY" -gt 0 ] && echo " — **$RW_DIRTY uncommitted change(s) under src/**")"
	echo "* bgpdump: $BGPDUMP_VER ($BGPDUMP)"
	echo "* bgpscanner: $BS_VER"
	echo "* timing: $( [ -n "$HYPERFINE" ] && echo "$("$HYPERFINE" --version) -N --runs $RUNS --warmup $WARMUP, output to /dev/null" || echo "bash loop, $RUNS runs") ; every command runs under \`/usr/bin/time -f %M\` for max RSS; inputs are in the page cache."
	echo "* inputs: \`routewatch synth updates --records $RECORDS --seed $SEED\` (and --records $SMALL_RECORDS), \`gzip -k\`, \`bzip2 -k\`$( [ "$BENCH_RIB" = 1 ] && echo "; \`routewatch synth rib --prefixes $RIB_PREFIXES --peers $RIB_PEERS --seed $SEED\`")."
	echo "* bgpscanner prints its own text format (not bgpdump -m): compared for time only."
	report upd "$UPD" "Updates: $RECORDS records"
	flatness
	[ "$BENCH_RIB" = 1 ] && report rib "$RIB" "RIB: $RIB_PREFIXES prefixes, $RIB_PEERS peers"
	echo
	local noisy
	# flag: >= 0.1 core on average and >= 0.1 CPU-s in all (/proc/stat ticks are 10 ms)
	noisy=$(awk '{ split($2, a, "="); if (a[2] + 0 >= 0.10 && $4 + 0 >= 0.10) { printf "%s%s (%.2f cores)", sep, $1, a[2]; sep = ", " } }' "$RAW/noise.txt")
	if [ -n "$noisy" ]; then
		echo "**Noise:** other processes used >= 0.1 core during: $noisy — those numbers may be inflated; rerun on an idle machine."
	else
		echo "Noise: no measurement saw other processes use >= 0.1 core (from /proc/stat; see \`$RAW/noise.txt\`)."
	fi
	echo
	echo "Raw hyperfine JSON/CSV and RSS samples: \`$RAW/\`."
}
write_results > "$BENCH_DIR/results.md"

cat "$BENCH_DIR/results.md"
echo >&2
note "results written to $BENCH_DIR/results.md"
