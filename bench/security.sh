#!/bin/bash
# What the security checks cost (issue 11): route origin validation (and
# the route-leak rule when `events --relationships` exists) run once per
# distinct (prefix, origin) and per distinct path, so a full table with a
# full VRP set and a full relationship file must load in at most 1.2x the
# time it takes without them.
#
#   1. inputs: bench/engine.sh's RIB (RIB_PREFIXES x RIB_PEERS, seed 7;
#      reused when present), a small update file (UPD_RECORDS records over
#      the same prefixes, 08:00-08:15) and a VRP file of about VRPS entries
#      (default 500 000 for 1.2 M prefixes, scaled with RIB_PREFIXES)
#      derived from the RIB's own (prefix, origin) pairs (`routewatch
#      dump`): mostly valid (the prefix and its origin; when the RIB has
#      more-specifics of that origin under it, a max length that reaches
#      them), some invalid by AS (another ASN on a prefix), some invalid by
#      length (a less-specific's VRP at its own length over a more-specific
#      of the same origin), some covering nothing; prefixes without a VRP
#      are not found. The generator says what the set makes of the RIB's
#      (prefix, origin) pairs (RFC 6811, computed on its own);
#   2. interleaved rounds (PAIRS, at least 5 for the README): `routewatch
#      -v events --stats` over the RIB and the updates without VRPs, with
#      `--vrps`, with `--relationships` alone and with both (when `events
#      --help` lists --relationships; said when it does not), with the VRPs
#      switched on after the updates (`--vrps empty.json --vrps FILE@08:20`:
#      every prefix a VRP covers is validated again in one second, what
#      collect pays when an RTR serial changes the whole set), and `--vrps`
#      over no archive (reading the file alone). The order rotates from
#      round to round; each ratio is the median of the per-round ratios
#      (min .. max);
#   3. memory: max RSS (/usr/bin/time) with and without, the "rpki" and
#      "detect" parts of --stats' memory line; the rpki events of each run.
#
#   bench/security.sh [BUILD_DIR]        (default build; it is not rebuilt)
#   RIB_PREFIXES=50000 PAIRS=3 bench/security.sh /tmp/rw/build-bench   # a quick try
#
# Knobs: BENCH_DIR (/tmp/rw-bench), RIB_PREFIXES (1200000), RIB_PEERS (20),
# VRPS, UPD_RECORDS (50000), PAIRS (5), SEED (11: the VRP file's),
# RELATIONSHIPS (/work/shared/data/asrel/20161101.as-rel.txt.bz2).
# Raw times and each configuration's last stdout/stderr: $BENCH_DIR/security/.
set -euo pipefail
B=${1:-build}
RW=$(cd "$(dirname "$B/routewatch")" && pwd)/routewatch
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rw-bench}
RIB_PREFIXES=${RIB_PREFIXES:-1200000}
RIB_PEERS=${RIB_PEERS:-20}
VRPS=${VRPS:-$((RIB_PREFIXES * 5 / 12))}
UPD_RECORDS=${UPD_RECORDS:-50000}
PAIRS=${PAIRS:-5}
SEED=${SEED:-11}
RELATIONSHIPS=${RELATIONSHIPS:-/work/shared/data/asrel/20161101.as-rel.txt.bz2}
T0=1709971200      # the RIB's time, 2024-03-09 08:00 (synth's default start)
TSW=$((T0 + 1200)) # the VRP switch: 08:20, after the updates' 900 s
S=$BENCH_DIR/security/$RIB_PREFIXES-$RIB_PEERS
mkdir -p "$S/in/rv" "$S/none" "$S/runs"

# ---- inputs
. "$HERE/lib.sh"
rib_and_updates "$S"

# The VRP file, made again when the RIB, VRPS or SEED change.
VRP=$S/vrps.csv
stamp="$(stat -L -c '%s %Y' "$RIB") $VRPS $SEED"
if [ ! -s "$VRP" ] || [ "$(cat "$S/vrps.stamp" 2> /dev/null)" != "$stamp" ]; then
	echo "deriving about $VRPS VRPs from the RIB's (prefix, origin) pairs" >&2
	# distinct (prefix, origin) pairs; a RIB dump lists a prefix's entries
	# together, so only the current prefix's origins are remembered (a path
	# ending in an AS_SET has no origin)
	"$RW" dump "$RIB" | awk -F'|' '
		$6 != p { p = $6; delete seen }
		{ n = split($7, a, " "); o = a[n]; if (o ~ /^[0-9]+$/ && !(o in seen)) { seen[o] = 1; print p, o } }' \
		> "$S/pairs.txt"
	python3 - "$S/pairs.txt" "$VRP" "$VRPS" "$SEED" > "$S/vrps.info" << 'PY'
import ipaddress, random, sys
pairs, out, want, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(seed)
bits = {4: 32, 6: 128}
origins = {}  # (version, network as an int, length) -> [origin, ...]
for line in open(pairs):
    p, o = line.split()
    n = ipaddress.ip_network(p)
    origins.setdefault((n.version, int(n.network_address), n.prefixlen), set()).add(int(o))
origins = {k: sorted(os) for k, os in origins.items()}  # a prefix may have several RIB records
def supernets(k, floor=0):  # k's less-specifics, longest first
    v, a, l = k
    for m in range(l - 1, floor - 1, -1):
        yield (v, a >> (bits[v] - m) << (bits[v] - m), m)
def text(k):
    return str(ipaddress.IPv4Network((k[1], k[2])) if k[0] == 4 else ipaddress.IPv6Network((k[1], k[2])))
under = {}  # the RIB's nesting: each prefix's more-specifics in the RIB
for k in origins:
    for s in supernets(k, 8):
        if s in origins:
            under.setdefault(s, []).append(k)
n_as = want * 15 // 1000
n_len = want * 15 // 1000
n_none = want * 3 // 100
n_valid = want - n_as - n_len - n_none
vrps = {}   # (prefix, maxlen, asn) -> kind
own = set()  # prefixes with a VRP of their own
def add(k, ml, o, kind):
    vrps.setdefault((k, ml, o), kind)
    own.add(k)
keys = sorted(origins)
rnd.shuffle(keys)
all_origins = sorted({o for os in origins.values() for o in os})
# invalid by length: a less-specific's VRP at its own length, the RIB having
# a more-specific of that origin under it (candidates with at most three
# more-specifics, so that one VRP makes few invalids)
nl = 0
for s in keys:
    if nl >= n_len:
        break
    kids = under.get(s, [])
    if not kids or len(kids) > 3 or s in own or any(k in own for k in kids):
        continue
    common = set(origins[s]) & {o for k in kids for o in origins[k]}
    if not common:
        continue
    add(s, s[2], min(common), "invalid: length")
    own.update(kids)
    nl += 1
# invalid by AS: another ASN's VRP on a prefix without more-specifics
na = 0
for k in keys:
    if na >= n_as:
        break
    if k in own or k in under or any(s in own for s in supernets(k, 8)):
        continue
    o = rnd.choice(all_origins)
    while o in origins[k]:
        o = rnd.choice(all_origins)
    add(k, k[2], o, "invalid: as")
    na += 1
# valid: the prefix with (one of) its origin(s); when the RIB has
# more-specifics of that origin under it, the max length reaches them (as
# operators write ROAs), and nine in ten more-specifics of other origins
# get a VRP of their own (the rest are invalid by AS)
nv = 0
for k in keys:
    if nv >= n_valid:
        break
    if k in own:
        continue
    o = rnd.choice(origins[k])
    kids = under.get(k, [])
    ml = max([k[2]] + [c[2] for c in kids if o in origins[c]])
    add(k, ml, o, "valid" if ml == k[2] else "valid, max length over more-specifics")
    nv += 1
    for c in kids:
        if o not in origins[c] and c not in own and rnd.random() < 0.9:
            add(c, c[2], rnd.choice(origins[c]), "valid")
            nv += 1
# covering nothing: /24s in 100.0.0.0-223.255.255.255 and /48s in 2c00::/8
# that no RIB prefix covers and that hold none (the RIB has no v4 prefix
# longer than /24 nor v6 longer than /48)
v6share = sum(1 for k in origins if k[0] == 6) / max(1, len(origins))
nn = 0
while nn < n_none:
    if rnd.random() < v6share:
        k = (6, (0x2c << 120) | (rnd.getrandbits(40) << 80), 48)
    else:
        k = (4, rnd.randrange(100 << 24, 224 << 24) & ~0xff, 24)
    if k in origins or k in own or any(s in origins for s in supernets(k, 8)):
        continue
    add(k, k[2], 64496 + rnd.randrange(16), "covers nothing")
    nn += 1
# RFC 6811 over the RIB's (prefix, origin) pairs: what the set makes of them
byp = {}
for (k, ml, o) in vrps:
    byp.setdefault(k, []).append((ml, o))
state = {"valid": 0, "invalid: as": 0, "invalid: length": 0, "not found": 0}
for k, os in origins.items():
    cov = [v for s in [k] + list(supernets(k)) for v in byp.get(s, ())]
    for o in os:
        if not cov:
            state["not found"] += 1
        elif any(a == o and ml >= k[2] for ml, a in cov):
            state["valid"] += 1
        elif any(a == o for ml, a in cov):
            state["invalid: length"] += 1
        else:
            state["invalid: as"] += 1
items = list(vrps)
rnd.shuffle(items)
with open(out, "w") as f:
    for k, ml, o in items:
        f.write(f"{text(k)},{ml},{o}\n")
kinds = {}
for x in vrps.values():
    kinds[x] = kinds.get(x, 0) + 1
npairs = sum(len(os) for os in origins.values())
print(f"{len(vrps)} VRPs ({', '.join(f'{n} {k}' for k, n in kinds.items())});",
      f"of the RIB's {npairs} (prefix, origin) pairs ({len(origins)} prefixes):",
      ", ".join(f"{n} {k} ({100 * n / npairs:.1f} %)" for k, n in state.items()))
PY
	rm -f "$S/pairs.txt"
	echo "$stamp" > "$S/vrps.stamp"
fi
# Relationships that agree with the RIB's paths: each path read downhill
# (every AS the provider of the next), keeping only the pairs no path has
# the other way round (synth's paths are random: a pair seen both ways
# would make leaks), so that its paths have no leaks: the cost of the
# checks themselves. CAIDA's real file over synth's paths (random with
# respect to that graph) makes nearly every path a leak: the worst case,
# measured as well (--relationships alone).
RELC=$S/rel-consistent.txt
if [ ! -s "$RELC" ] || [ "$RELC" -ot "$RIB" ] || [ "$RELC" -ot "$0" ]; then
	echo "deriving relationships consistent with the RIB's paths" >&2
	"$RW" dump "$RIB" | awk -F'|' '
		{ n = split($7, a, " "); prev = ""
		  for (i = 1; i <= n; i++) {
			x = a[i]
			if (x !~ /^[0-9]+$/ || x == prev) { prev = x; continue }
			if (prev ~ /^[0-9]+$/) s[prev "|" x] = 1
			prev = x } }
		END { for (k in s) { split(k, p, "|"); if (!((p[2] "|" p[1]) in s)) print k "|-1" } }' > "$RELC"
fi
echo '{"roas":[]}' > "$S/empty.json"
cat "$RIB" "$UPD" "$VRP" > /dev/null # page cache

# ---- the configurations
if "$RW" events --help 2>&1 | grep -q -- '--relationships'; then
	HAVE_REL=1
	[ -s "$RELATIONSHIPS" ] || { echo "no relationship file $RELATIONSHIPS (RELATIONSHIPS=)" >&2; exit 1; }
else
	HAVE_REL=0
fi
names=(base vrps)
declare -A args desc
args[base]="$S/in"
desc[base]="neither (the baseline)"
args[vrps]="--vrps $VRP $S/in"
desc[vrps]="--vrps (validation at load)"
if [ "$HAVE_REL" = 1 ]; then
	names+=(rel both)
	args[rel]="--relationships $RELATIONSHIPS $S/in"
	desc[rel]="--relationships alone"
	args[both]="--vrps $VRP --relationships $RELATIONSHIPS $S/in"
	desc[both]="--vrps and --relationships"
	names+=(relc bothc)
	args[relc]="--relationships $RELC $S/in"
	desc[relc]="--relationships agreeing with the paths"
	args[bothc]="--vrps $VRP --relationships $RELC $S/in"
	desc[bothc]="--vrps and --relationships agreeing with the paths"
fi
names+=(switch load)
args[switch]="--vrps $S/empty.json --vrps $VRP@$TSW $S/in"
desc[switch]="--vrps empty, then FILE@08:20 (all validated again)"
args[load]="--vrps $VRP $S/none"
desc[load]="--vrps over no archive (reading the file)"
if [ "$HAVE_REL" = 1 ]; then
	names+=(relload)
	args[relload]="--relationships $RELATIONSHIPS $S/none"
	desc[relload]="--relationships over no archive (reading the file)"
fi
args[empty]="$S/none"
desc[empty]="nothing (the process alone)"
for n in "${names[@]}" empty; do : > "$S/runs/$n.t"; done

# run NAME: one timed run of a configuration; appends "wall_s maxrss_kb" to
# $S/runs/NAME.t and keeps its stdout and stderr
run() {
	local n=$1 t0 t1 rc=0
	t0=$EPOCHREALTIME
	# shellcheck disable=SC2086 # the arguments are paths without blanks
	/usr/bin/time -f '%M' -o "$S/runs/$n.rss" "$RW" -v events --stats ${args[$n]} > "$S/runs/$n.out" 2> "$S/runs/$n.err" || rc=$?
	t1=$EPOCHREALTIME
	if [ "$rc" != 0 ]; then
		echo "routewatch events ${args[$n]} failed ($rc):" >&2
		tail -5 "$S/runs/$n.err" >&2
		exit 1
	fi
	awk -v a="$t0" -v b="$t1" -v m="$(tail -1 "$S/runs/$n.rss")" 'BEGIN{printf "%.3f %s\n", b - a, m}' >> "$S/runs/$n.t"
}
# (bench/lib.sh's median_secs times one command N times in a row; here each
# round runs every configuration once, with its max RSS)
median() { sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
col() { awk -v c="$2" '{print $c}' "$S/runs/$1.t"; }               # col NAME 1|2
per_round() { paste -d' ' "$S/runs/$1.t" "$S/runs/$2.t" | awk "{$3}"; } # per_round A B 'awk statement on $1 (A s), $3 (B s)'
summary() { # median (min .. max) of stdin
	sort -g | awk '{v[NR]=$1} END{printf "%s (%s .. %s)", v[int((NR+1)/2)], v[1], v[NR]}'
}

rev=$(cd "$HERE/.." && git rev-parse --short HEAD 2> /dev/null || echo '?')
dirty=$(cd "$HERE/.." && git status --short -- src meson.build meson_options.txt 2> /dev/null | wc -l)
[ "$dirty" = 0 ] || rev="$rev + $dirty uncommitted changes under src/ or meson (if the binary was built from them)"
echo "# routewatch security checks, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $PAIRS rounds, routewatch $RW (tree at $rev)"
echo "# RIB: $RIB, $(stat -L -c %s "$RIB") bytes, $RIB_PREFIXES prefixes x $RIB_PEERS peers; updates: $UPD_RECORDS records"
echo "# VRPs: $VRP, $(wc -l < "$VRP") lines: $(cat "$S/vrps.info")"
if [ "$HAVE_REL" = 1 ]; then
	echo "# relationships: $RELATIONSHIPS ($(stat -L -c %s "$RELATIONSHIPS") bytes)"
else
	echo "# relationships: NOT MEASURED: this routewatch's events has no --relationships option"
fi
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
nc=${#names[@]}
for ((i = 0; i < PAIRS; i++)); do
	for ((j = 0; j < nc; j++)); do
		run "${names[$(((i + j) % nc))]}"
	done
	echo "round $((i + 1)): $(for n in "${names[@]}"; do printf '%s %s  ' "$n" "$(tail -1 "$S/runs/$n.t" | cut -d' ' -f1)"; done)" >&2
done
echo "# wall seconds per round (order rotating; a slow host minute shows as a whole round):"
echo "# $(printf '%s ' "${names[@]}")"
files=()
for n in "${names[@]}"; do files+=("$S/runs/$n.t"); done
paste -d' ' "${files[@]}" | awk '{ printf "#"; for (i = 1; i <= NF; i += 2) printf " %s", $i; print "" }'
run empty
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# ---- results
mem() { sed -n 's/^memory: //p' "$S/runs/$1.err" | tail -1; }
memof() { mem "$1" | sed -n "s/.*$2 \([0-9.]*\) MB.*/\1 MB/p" | grep . || echo "–"; }
# rpki and leak events in a run's text output (grouped lines) and the
# prefixes in them
sec_events() {
	awk '
		function cnt(s) { return match(s, /[0-9]+ prefixes/) ? substr(s, RSTART) + 0 : 1 }
		/ no longer RPKI invalid / { e++; ep += cnt($0); next }
		/ RPKI invalid / { s++; sp += cnt($0); next }
		/ no longer leaks / { le++; next }
		/ leaked / { l++; lp += cnt($0); next }
		END { printf "%d rpki_invalid (%d prefixes), %d rpki_invalid_end; %d route_leak (%d prefixes), %d route_leak_end", s, sp, e, l, lp, le }' "$S/runs/$1.out"
}
brss=$(col base 2 | median)
echo "| configuration | median s | / baseline, median of rounds (min .. max) | max RSS (median) | RSS added | memory line (--stats): rpki, detect | events (text lines) |"
echo "|---|---|---|---|---|---|---|"
for n in "${names[@]}"; do
	m=$(col "$n" 1 | median)
	rss=$(col "$n" 2 | median)
	if [ "$n" = base ] || [ "$n" = load ] || [ "$n" = relload ]; then
		ratio="–"
		added="–"
	else
		ratio="**$(per_round "$n" base 'printf "%.3f\n", $1 / $3' | summary)**"
		added="$(awk -v a="$rss" -v b="$brss" 'BEGIN{printf "%+.1f MB", (a - b) / 1024}')"
	fi
	printf '| %s | %s | %s | %.1f MB | %s | %s, %s | %s |\n' "${desc[$n]}" "$m" "$ratio" \
		"$(awk -v a="$rss" 'BEGIN{print a / 1024}')" "$added" "$(memof "$n" rpki)" "$(memof "$n" detect)" \
		"$(sec_events "$n")"
done
echo
echo "Seconds added over the baseline, median of rounds (min .. max):"
echo
for n in "${names[@]}"; do
	[ "$n" = base ] || [ "$n" = load ] || [ "$n" = relload ] && continue
	echo "* ${desc[$n]}: $(per_round "$n" base 'printf "%.3f\n", $1 - $3' | summary) s"
done
echo "* reading the VRP file alone (no archive): $(col load 1 | summary) s;" \
	"max RSS $(col load 2 | median | awk '{printf "%.1f MB", $1 / 1024}') against $(col empty 2 | awk '{printf "%.1f MB", $1 / 1024}') for the process alone"
[ "$HAVE_REL" = 1 ] && echo "* reading the relationship file alone (no archive): $(col relload 1 | summary) s;" \
	"max RSS $(col relload 2 | median | awk '{printf "%.1f MB", $1 / 1024}')"
echo
echo "Re-validation when the whole set arrives at 08:20 (switch minus baseline minus reading the file, per round):" \
	"$(paste -d' ' "$S/runs/switch.t" "$S/runs/base.t" "$S/runs/load.t" | awk '{printf "%.3f\n", $1 - $3 - $5}' | summary) s;" \
	"$(grep -o 'VRPs: [0-9]* changed at [0-9]*, [0-9]* prefixes to validate again' "$S/runs/switch.err" | tail -1)"
echo
for n in base vrps switch; do
	echo "$n: $(grep '^engine:' "$S/runs/$n.err" | tail -1)"
	echo "$n: $(grep '^state:' "$S/runs/$n.err" | tail -1)"
	echo "$n: memory: $(mem "$n")"
done
if [ "$HAVE_REL" = 1 ]; then
	for n in both bothc; do
		echo "$n: memory: $(mem $n)"
		echo "$n: $(grep '^detector:' "$S/runs/$n.err" | tail -1)"
	done
fi
targets=vrps
[ "$HAVE_REL" = 1 ] && targets="both bothc"
echo
for target in $targets; do
	r=$(per_round "$target" base 'printf "%.3f\n", $1 / $3' | median)
	echo "target (${desc[$target]} <= 1.2x the baseline): $r, $(awk -v r="$r" 'BEGIN{print (r <= 1.2) ? "met" : "NOT met"}')$([ "$HAVE_REL" = 1 ] || echo ' (without the relationship file: events has no --relationships)')"
done
