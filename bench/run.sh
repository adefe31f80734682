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
#                             then PATH); built by you, outside this repository
#   PEERS_DIR=/tmp/rw-peers   where to look for bin/bgpscanner
#   BENCH_REGEN=1             regenerate inputs even if the cached ones match
#   KEEP_OUTPUT=1             keep the dump outputs used for the identity check
#   BENCH_NO_HYPERFINE=1      time with the bash loop even if hyperfine is there
#   IDLE_WAIT=300             max seconds to wait for other processes to go
#                             quiet before each measurement (shared machines)
#   NOISE_RETRIES=2           re-measure when others used >= 0.1 core meanwhile,
#                             or when the host got slower (see CANARY)
#   CANARY=1 CANARY_TOL=1.15  host-speed canary around each measurement: bzip2 -dc
#                             of 2 MB of the small input; > 15 % slower than the run's
#                             best counts as noisy.  RETRY_PAUSE=20 s between tries
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
IDLE_WAIT=${IDLE_WAIT:-300}
NOISE_RETRIES=${NOISE_RETRIES:-2}
CANARY=${CANARY:-1}
CANARY_TOL=${CANARY_TOL:-1.15}
RETRY_PAUSE=${RETRY_PAUSE:-20}
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
rm -f "$RAW"/* "$BENCH_DIR/out"/*

# ------------------------------------------------------------------ tools
[ -x /usr/bin/time ] || { can_apt && apt-get install -y time >/dev/null 2>&1; } ||
	die "/usr/bin/time (GNU time) missing: apt-get install time"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) missing: apt-get install time"
HYPERFINE=$(command -v hyperfine || true)
[ "${BENCH_NO_HYPERFINE:-0}" = 1 ] && HYPERFINE=""
if [ -z "$HYPERFINE" ] && [ "${BENCH_NO_HYPERFINE:-0}" != 1 ] && can_apt; then
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
	fi
fi
if [ -n "${BGPSCANNER:-}" ] && [ -x "$BGPSCANNER" ]; then
	BS_VER=""
	[ "$(realpath "$BGPSCANNER")" = "$(realpath "$PEERS_DIR/bin/bgpscanner" 2>/dev/null)" ] &&
		BS_VER=$(tr '\n' ';' < "$PEERS_DIR/bgpscanner.version" 2>/dev/null | sed 's/;$//; s/;/; /g')
	[ -n "$BS_VER" ] || BS_VER="$BGPSCANNER"
else
	if [ -n "${BGPSCANNER:-}" ]; then
		BS_WHY="BGPSCANNER=$BGPSCANNER is not an executable"
	else
		BS_WHY=$(cat "$PEERS_DIR/bgpscanner.status" 2>/dev/null || echo "not found")
	fi
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
CANARY_FILE="$D/canary.bz2"
[ -s "$CANARY_FILE" ] || head -c 2000000 "$SMALL" | bzip2 > "$CANARY_FILE" || die "cannot make $CANARY_FILE"
fsize() { stat -c %s "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }

# ------------------------------------------------------------------ measuring
declare -A T MIN CPU RSS ST
HZ=$(getconf CLK_TCK)
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
declare -A FOREIGN NOISY
# The machine may be shared. Before each measurement wait (up to IDLE_WAIT s)
# until other processes use < 0.1 core; after it, compute the CPU that
# anything else used meanwhile (all busy CPU time from /proc/stat minus the
# measured commands') and re-measure up to NOISE_RETRIES times if that was
# >= 0.1 core on average and >= 0.1 CPU-s in all.
wait_idle() {
	local waited=0 b0 b1
	while :; do
		b0=$(busy); sleep 1; b1=$(busy)
		awk -v t="$((b1 - b0))" -v hz="$HZ" 'BEGIN { exit !(t / hz < 0.10) }' && return 0
		waited=$((waited + 1))
		if [ "$waited" -ge "$IDLE_WAIT" ]; then
			note "  machine still busy after ${IDLE_WAIT}s; measuring anyway"
			return 1
		fi
		[ $((waited % 30)) = 1 ] && note "  waiting for the machine to go idle (others use $(awk -v t="$((b1 - b0))" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }') cores now)"
	done
}

# A virtual machine can also get slower without anything visible inside it
# (a busy host: bzip2, cache- and memory-bound, suffers most). A canary -- a
# fixed single-threaded job, bzip2 -dc of 2 MB of the small input, fastest
# of 3 -- runs before and after each measurement; when
# it is more than CANARY_TOL slower than the fastest canary of the run, the
# measurement is repeated like a noisy one (and named in the results).
declare -A CAN
CANARY_BEST=""
canary() { # sets CANARY_LAST, updates CANARY_BEST (call it without $(...))
	CANARY_LAST=0
	[ "$CANARY" = 1 ] || return 0
	local i t0 t1 best=""
	for i in 1 2 3; do
		t0=$EPOCHREALTIME; bzip2 -dc "$CANARY_FILE" > /dev/null; t1=$EPOCHREALTIME
		best=$(awk -v a="$t0" -v b="$t1" -v m="$best" 'BEGIN { d = b - a; print (m == "" || d < m) ? d : m }')
	done
	CANARY_BEST=$(awk -v c="$best" -v m="$CANARY_BEST" 'BEGIN { print (m == "" || c < m) ? c : m }')
	CANARY_LAST=$best
}
# slowdown ID -> how much slower than the run's best canary the slower of
# the measurement's two canaries was (1.00 = not at all)
slowdown() {
	[ "$CANARY" = 1 ] && [ -n "${CAN[$1]:-}" ] || { echo "1.00"; return; }
	awk -v c="${CAN[$1]}" -v m="$CANARY_BEST" 'BEGIN { split(c, a, " "); x = a[1] > a[2] ? a[1] : a[2]; printf "%.2f", m > 0 ? x / m : 1 }'
}

# measure ID CMD... : median wall time, mean user+sys, max RSS over all runs.
# stdout of CMD goes to /dev/null (hyperfine --output=null, the default).
measure() {
	local id=$1; shift
	local try c0 c1 why
	note "measure $id: $*"
	for ((try = 0; try <= NOISE_RETRIES; try++)); do
		wait_idle
		canary; c0=$CANARY_LAST
		measure_once "$id" "$@" || return 1
		canary; c1=$CANARY_LAST
		CAN[$id]="$c0 $c1"
		why=""
		[ "${NOISY[$id]}" = 1 ] && why="other processes used ${FOREIGN[$id]% *} cores meanwhile"
		if awk -v s="$(slowdown "$id")" -v t="$CANARY_TOL" 'BEGIN { exit !(s > t) }'; then
			NOISY[$id]=1
			why="${why:+$why; }the host was slow (canary x$(slowdown "$id"))"
		fi
		echo "  canary before/after: $c0 $c1 s (best so far $CANARY_BEST s)" >> "$RAW/noise.txt"
		[ -n "$why" ] || return 0
		if [ "$try" -lt "$NOISE_RETRIES" ]; then
			note "  $why: measuring again"
			sleep "$RETRY_PAUSE"
		fi
	done
	return 0
}

measure_once() {
	local id=$1; shift
	local rssf="$RAW/$id.rss"
	: > "$rssf"
	local b0 w0 b1 w1
	b0=$(busy); w0=$EPOCHREALTIME
	if [ -n "$HYPERFINE" ]; then
		local q="" a
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
		MIN[$id]=$(awk -F, 'NR == 2 { print $7 }' "$RAW/$id.csv")
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
		MIN[$id]=$(tr ' ' '\n' <<<"$walls" | grep . | sort -g | head -n 1)
	fi
	b1=$(busy); w1=$EPOCHREALTIME
	RSS[$id]=$(grep -E '^[0-9]+$' "$rssf" | sort -n | tail -n 1)
	ST[$id]=ok
	FOREIGN[$id]=$(awk -v b="$((b1 - b0))" -v hz="$HZ" -v c="${CPU[$id]}" -v n="$((RUNS + WARMUP))" \
		-v w0="$w0" -v w1="$w1" 'BEGIN { s = b / hz - c * n; if (s < 0) s = 0; printf "%.2f %.2f", s / (w1 - w0), s }')
	NOISY[$id]=$(awk -v l="${FOREIGN[$id]% *}" -v s="${FOREIGN[$id]#* }" 'BEGIN { print (l >= 0.10 && s >= 0.10) ? 1 : 0 }')
	echo "$id foreign-load=${FOREIGN[$id]% *} cores, ${FOREIGN[$id]#* } cpu-s in $(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.1f", b - a }') s; median $(awk -v t="${T[$id]}" 'BEGIN { printf "%.3f", t }') s$( [ "${NOISY[$id]}" = 1 ] && echo " NOISY")" >> "$RAW/noise.txt"
}
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
	# one core for decoding and formatting, if this routewatch has --workers
	"$RW" dump --help 2>&1 | grep -q -- --workers && measure "$n.plain.rww1" "$RW" dump --workers 1 "$f"
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
			CHECK[$n.bgpdump]="DIFFERENT: ${r:-cmp failed} (first differences: $BENCH_DIR/out/$n.diff-head.txt)"
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
cell() {
	if [ "${ST[$1]:-}" = ok ]; then
		echo "$(sec "$1") (min $(awk -v t="${MIN[$1]}" 'BEGIN { printf (t < 10 ? "%.3f" : "%.1f"), t }'); $(cpu "$1") cpu-s; $(rss "$1"))"
	else sec "$1"; fi
}
# ratio A B -> A/B or "n/a"
ratio() { if [ "${ST[$1]:-}" = ok ] && [ "${ST[$2]:-}" = ok ]; then awk -v a="${T[$1]}" -v b="${T[$2]}" 'BEGIN { printf "%.2f", a / b }'; else echo "n/a"; fi; }
# the same ratio from the fastest run of each
ratio_min() { if [ "${ST[$1]:-}" = ok ] && [ "${ST[$2]:-}" = ok ]; then awk -v a="${MIN[$1]}" -v b="${MIN[$2]}" 'BEGIN { printf "%.2f", a / b }'; else echo "n/a"; fi; }
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
	echo "Wall time, median of $RUNS runs (in brackets: fastest run; mean user+sys CPU seconds; max RSS)."
	echo
	echo "| input | floor | routewatch dump | bgpdump -m | bgpscanner |"
	echo "|---|---|---|---|---|"
	local ext fl
	for ext in plain gz bz2; do
		case $ext in plain) fl="cat";; gz) fl="gzip -dc";; bz2) fl="bzip2 -dc";; esac
		echo "| $ext | $fl $(cell "$n.$ext.floor") | $(cell "$n.$ext.rw") | $(cell "$n.$ext.bgpdump") | $(cell "$n.$ext.bgpscanner") |"
	done
	echo
	local other
	other="routewatch dump --threads 1 on .bz2: $(cell "$n.bz2.rw1")"
	[ -n "${ST[$n.plain.rww1]:-}" ] && other+="; routewatch dump --workers 1 on plain: $(cell "$n.plain.rww1")"
	[ -n "${ST[$n.gz.pigz]:-}" ] && other+="; pigz -dc: $(cell "$n.gz.pigz")"
	[ -n "${ST[$n.bz2.lbzip2]:-}" ] && other+="; lbzip2 -n $NPROC -dc: $(cell "$n.bz2.lbzip2")"
	echo "Informational: $other."
	echo
	echo "routewatch throughput: plain $(rate "$n.plain.rw" "${LINES[$n]:-0}"), gz $(rate "$n.gz.rw" "${LINES[$n]:-0}"), bz2 $(rate "$n.bz2.rw" "${LINES[$n]:-0}") elements/s (text output included)."
	echo
	echo "Identity: routewatch dump vs bgpdump -m on the plain file: **${CHECK[$n.bgpdump]:-not run}**; routewatch on .gz: ${CHECK[$n.gz]:-not run}; on .bz2: ${CHECK[$n.bz2]:-not run}."
	echo
	echo "| ratio (wall time) | median | fastest runs | target | verdict (median) |"
	echo "|---|---|---|---|---|"
	local r
	r=$(ratio "$n.plain.bgpdump" "$n.plain.rw"); echo "| bgpdump / routewatch, plain | $r | $(ratio_min "$n.plain.bgpdump" "$n.plain.rw") | >= 25 | $(verdict "$r" ">=" 25) |"
	r=$(ratio "$n.plain.bgpscanner" "$n.plain.rw"); echo "| bgpscanner / routewatch, plain | $r | $(ratio_min "$n.plain.bgpscanner" "$n.plain.rw") | >= 2 | $(verdict "$r" ">=" 2) |"
	r=$(ratio "$n.gz.rw" "$n.gz.floor"); echo "| routewatch .gz / gzip -dc | $r | $(ratio_min "$n.gz.rw" "$n.gz.floor") | <= 1.2 | $(verdict "$r" "<=" 1.2) |"
	r=$(ratio "$n.bz2.rw" "$n.bz2.floor"); echo "| routewatch .bz2 / bzip2 -dc | $r | $(ratio_min "$n.bz2.rw" "$n.bz2.floor") | < 1.0 | $(verdict "$r" "<" 1.0) |"
	local a
	for a in gz bz2; do echo "| bgpdump / routewatch, $a | $(ratio "$n.$a.bgpdump" "$n.$a.rw") | $(ratio_min "$n.$a.bgpdump" "$n.$a.rw") | – | |"; done
	for a in gz bz2; do echo "| bgpscanner / routewatch, $a | $(ratio "$n.$a.bgpscanner" "$n.$a.rw") | $(ratio_min "$n.$a.bgpscanner" "$n.$a.rw") | – | |"; done
	if [ -n "${ST[$n.plain.rww1]:-}" ]; then
		echo "| bgpdump / routewatch --workers 1, plain | $(ratio "$n.plain.bgpdump" "$n.plain.rww1") | $(ratio_min "$n.plain.bgpdump" "$n.plain.rww1") | – | |"
		echo "| bgpscanner / routewatch --workers 1, plain | $(ratio "$n.plain.bgpscanner" "$n.plain.rww1") | $(ratio_min "$n.plain.bgpscanner" "$n.plain.rww1") | – | |"
	fi
	echo "| routewatch plain / cat | $(ratio "$n.plain.rw" "$n.plain.floor") | $(ratio_min "$n.plain.rw" "$n.plain.floor") | – | |"
	echo "| routewatch .bz2 --threads 1 / bzip2 -dc | $(ratio "$n.bz2.rw1" "$n.bz2.floor") | $(ratio_min "$n.bz2.rw1" "$n.bz2.floor") | – | |"
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
	if [ "$RW_SRC" = "$REPO/build/routewatch" ]; then
		echo "* routewatch: \`$RW_SRC\` (sha256 $RW_SHA), tree $RW_GIT$( [ "$RW_DIRTY" -gt 0 ] && echo " — **$RW_DIRTY uncommitted change(s) under src/**")"
	else
		echo "* routewatch: \`$RW_SRC\` (sha256 $RW_SHA; given with RW=, so not necessarily the repository's tree, which was at $RW_GIT)"
	fi
	echo "* bgpdump: $BGPDUMP_VER ($BGPDUMP)"
	echo "* bgpscanner: $BS_VER"
	echo "* timing: $( [ -n "$HYPERFINE" ] && echo "$("$HYPERFINE" --version) -N --runs $RUNS --warmup $WARMUP, output to /dev/null" || echo "bash loop, $RUNS runs") ; every command runs under \`/usr/bin/time -f %M\` for max RSS; inputs are in the page cache."
	echo "* inputs: \`routewatch synth updates --records $RECORDS --seed $SEED\` (and --records $SMALL_RECORDS), \`gzip -k\`, \`bzip2 -k\`$( [ "$BENCH_RIB" = 1 ] && echo "; \`routewatch synth rib --prefixes $RIB_PREFIXES --peers $RIB_PEERS --seed $SEED\`")."
	echo "* bgpscanner prints its own text format (not bgpdump -m): compared for time only."
	report upd "$UPD" "Updates: $RECORDS records"
	flatness
	[ "$BENCH_RIB" = 1 ] && report rib "$RIB" "RIB: $RIB_PREFIXES prefixes, $RIB_PEERS peers"
	echo
	local noisy="" slow="" id sd
	for id in $(printf '%s\n' "${!ST[@]}" | sort); do
		[ "${ST[$id]}" = ok ] || continue
		[ "${NOISY[$id]:-0}" = 1 ] && awk -v l="${FOREIGN[$id]% *}" -v s="${FOREIGN[$id]#* }" 'BEGIN { exit !(l >= 0.10 && s >= 0.10) }' &&
			noisy+="${noisy:+, }$id (${FOREIGN[$id]% *} cores)"
		sd=$(slowdown "$id")
		awk -v s="$sd" -v t="$CANARY_TOL" 'BEGIN { exit !(s > t) }' && slow+="${slow:+, }$id (x$sd)"
	done
	if [ -n "$noisy" ]; then
		echo "**Noise:** even after $NOISE_RETRIES re-measurements, other processes used >= 0.1 core during: $noisy — those numbers may be inflated."
	else
		echo "Noise: in the kept measurements other processes used < 0.1 core (from /proc/stat)."
	fi
	echo
	if [ "$CANARY" = 1 ]; then
		if [ -n "$slow" ]; then
			echo "**Host speed:** the canary (bzip2 -dc of 2 MB, best $(awk -v m="$CANARY_BEST" 'BEGIN { printf "%.3f", m }') s) was more than $(awk -v t="$CANARY_TOL" 'BEGIN { printf "%d", (t - 1) * 100 + 0.5 }') % slower around: $slow — the host was busy then; those numbers may be inflated."
		else
			echo "Host speed: the canary (bzip2 -dc of 2 MB) stayed within $(awk -v t="$CANARY_TOL" 'BEGIN { printf "%d", (t - 1) * 100 + 0.5 }') % of its best ($(awk -v m="$CANARY_BEST" 'BEGIN { printf "%.3f", m }') s) around every kept measurement."
		fi
		echo
	fi
	echo "Every attempt, with its foreign load and canaries: \`$RAW/noise.txt\`."
	echo
	echo "Raw hyperfine JSON/CSV and RSS samples: \`$RAW/\`."
}
write_results > "$BENCH_DIR/results.md"

cat "$BENCH_DIR/results.md"
echo >&2
note "results written to $BENCH_DIR/results.md"
# exit 2 when output differed or a command failed (missed targets are only reported)
bad=""
for id in "${!CHECK[@]}"; do case "${CHECK[$id]}" in DIFFERENT*|FAILED*) bad+=" $id" ;; esac; done
for id in "${!ST[@]}"; do [ "${ST[$id]}" = failed ] && bad+=" $id"; done
[ -z "$bad" ] || { note "FAILED:$bad"; exit 2; }
exit 0
