#!/bin/sh
# Build the seed corpora of the fuzz harnesses.
#
#   fuzz/seeds.sh [WORK_DIR]      (default: fuzz/corpus-work/, git-ignored)
#
# Seeds go to WORK_DIR/seeds/<harness>/ (rebuilt from scratch each time;
# the corpus the fuzzers grow lives beside it in WORK_DIR/corpus/). Every
# seed is at most 64 KiB.
#
# Sources:
#  - the project's own writer: `routewatch synth updates|rib` (BGP4MP,
#    BGP4MP_ET, TABLE_DUMP_V2 with IPv4 and IPv6) and seedgen's built-in
#    records (2-byte sessions with AS4_PATH, ADD-PATH, OPEN with
#    capabilities, NOTIFICATION, ROUTE-REFRESH, KEEPALIVE, ADD-PATH RIBs);
#  - when ../shared/data exists: every real archive under mrt/ and bad/,
#    decompressed with `routewatch cat`, cut by fuzz/seedgen.c into the
#    first records, the first records of each type, and the UPDATE bodies,
#    attribute blocks and messages inside them;
#  - for fuzz_io: those samples compressed with gzip, bzip2 (-1 and -9,
#    several blocks, several streams, truncated, trailing garbage, empty),
#    xz and zstd, plus the small real .gz/.bz2 files as they are.
#
# Needs the meson build (build/routewatch, build/src/librwcore.a; built
# with ninja when missing) and the gzip, bzip2, xz and zstd commands
# (formats whose command is missing are skipped).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${1:-"$ROOT/fuzz/corpus-work"}
case $WORK in /*) ;; *) WORK="$(pwd)/$WORK" ;; esac
BUILD=${FUZZ_BUILD_DIR:-"$ROOT/build-fuzz"}
DATA="$ROOT/../shared/data"
RW="$ROOT/build/routewatch"
SEEDS="$WORK/seeds"
TMP="$WORK/tmp"
MAX=65536

if [ ! -x "$RW" ] || [ ! -f "$ROOT/build/src/librwmrt.a" ]; then
	ninja -C "$ROOT/build" >/dev/null
fi
mkdir -p "$BUILD"
${CC:-clang} -O1 -g -std=c17 -D_GNU_SOURCE -I"$ROOT/src" "$ROOT/fuzz/seedgen.c" \
	"$ROOT/build/src/librwmrt.a" "$ROOT/build/src/librwbgp.a" "$ROOT/build/src/librwbase.a" -lpthread -o "$BUILD/seedgen"
SEEDGEN="$BUILD/seedgen"

rm -rf "$SEEDS" "$TMP"
mkdir -p "$TMP"
for h in fuzz_bgp_update fuzz_bgp_attrs fuzz_bgp_open fuzz_mrt fuzz_io fuzz_bmp fuzz_bgp_sess fuzz_http fuzz_ris; do
	mkdir -p "$SEEDS/$h"
done

have() { command -v "$1" >/dev/null 2>&1; }
size() { wc -c <"$1" | tr -d ' '; }

# keep FILE NAME: copy FILE into the fuzz_io seeds if it is small enough
keep_io() {
	if [ -s "$1" ] && [ "$(size "$1")" -le $MAX ]; then
		cp "$1" "$SEEDS/fuzz_io/$2"
	fi
}

# ---------------------------------------------------------------- generated
"$RW" -q synth updates --records 200 -o "$TMP/synth-updates.mrt"
"$RW" -q synth updates --records 200 --et --seed 2 --v6 50 -o "$TMP/synth-updates-et.mrt"
"$RW" -q synth rib --prefixes 50 --peers 3 -o "$TMP/synth-rib.mrt"
"$RW" -q synth rib --prefixes 50 --peers 6 --v6 50 --seed 3 -o "$TMP/synth-rib-v6.mrt"
for f in "$TMP"/synth-*.mrt; do
	n=$(basename "$f" .mrt)
	"$SEEDGEN" "$SEEDS" "$n" <"$f"
done
"$SEEDGEN" --builtin "$SEEDS"

# ---------------------------------------------------------------- real archives
nreal=0
if [ -d "$DATA/mrt" ]; then
	for f in $(find "$DATA/mrt" "$DATA/bad" -type f ! -path '*/expected/*' \
		! -name '*.md' ! -name '*.rst' ! -name '*.conf' ! -name '*.json' \
		! -name '*.csv' ! -name '*.h' 2>/dev/null | sort); do
		rel=${f#"$DATA"/}
		n=$(echo "$rel" | tr '/' '_' | sed 's/\.\(gz\|bz2\|xz\|zst\)$//')
		# the seeds only need the first records: 8 MiB of each file is plenty
		{ "$RW" -q cat "$f" 2>/dev/null || true; } | head -c 8388608 | "$SEEDGEN" "$SEEDS" "$n"
		nreal=$((nreal + 1))
		# small compressed originals are fuzz_io seeds as they are
		case $f in *.gz | *.bz2) keep_io "$f" "real-$(basename "$f")" ;; esac
	done
	# real data recompressed in small bzip2 blocks: several blocks per seed
	big="$DATA/bad/pyasn/rib.20080501.0644_firstMB.bz2"
	if [ -f "$big" ] && have bzip2; then
		{ "$RW" -q cat "$big" 2>/dev/null || true; } | head -c 250000 | bzip2 -1 >"$TMP/real-rib-3blocks.bz2"
		keep_io "$TMP/real-rib-3blocks.bz2" real-rib-3blocks.bz2
		head -c $MAX "$big" >"$TMP/real-rib-cut.bz2"
		keep_io "$TMP/real-rib-cut.bz2" real-rib-cut-inside-block.bz2
	fi
	echo "fuzz/seeds.sh: seeds from $nreal real files in $DATA"
else
	echo "fuzz/seeds.sh: $DATA is missing: generated seeds only"
fi

# ---------------------------------------------------------------- fuzz_io
# plain samples (io reads them straight through)
for f in "$TMP"/synth-updates.mrt "$TMP"/synth-rib.mrt; do
	head -c $MAX "$f" >"$TMP/plain"
	keep_io "$TMP/plain" "plain-$(basename "$f")"
done
head -c 4000 "$TMP/synth-updates.mrt" >"$TMP/small.mrt"
head -c 30000 "$TMP/synth-rib.mrt" >"$TMP/mid.mrt"
# a few copies of the updates: > 300 KB that compress into several
# 100 kB bzip2 blocks of a few KiB each
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do cat "$TMP/synth-updates.mrt"; done |
	head -c 350000 >"$TMP/multi.mrt"

compress() { # TOOL ARGS EXT TAG: every sample through one compressor
	tool=$1 args=$2 ext=$3 tag=$4
	have "$tool" || { echo "fuzz/seeds.sh: $tool missing: no $ext seeds"; return 0; }
	for s in small mid multi; do
		# shellcheck disable=SC2086
		$tool $args -c "$TMP/$s.mrt" >"$TMP/$s.$ext"
		keep_io "$TMP/$s.$ext" "$s$tag.$ext"
	done
	# several streams/members/frames, trailing garbage, truncated
	cat "$TMP/small.$ext" "$TMP/small.$ext" >"$TMP/x"
	keep_io "$TMP/x" "two-streams$tag.$ext"
	{ cat "$TMP/small.$ext"; printf 'trailing garbage'; } >"$TMP/x"
	keep_io "$TMP/x" "trailing-garbage$tag.$ext"
	n=$(size "$TMP/small.$ext")
	head -c $((n - 7)) "$TMP/small.$ext" >"$TMP/x"
	keep_io "$TMP/x" "truncated$tag.$ext"
	head -c $((n / 2)) "$TMP/small.$ext" >"$TMP/x"
	keep_io "$TMP/x" "half$tag.$ext"
	# shellcheck disable=SC2086
	printf '' | $tool $args -c >"$TMP/x"
	keep_io "$TMP/x" "empty$tag.$ext"
}
compress gzip -9 gz -9
compress bzip2 -9 bz2 -9
compress bzip2 -1 bz2 -1
compress xz -6 xz -6
compress zstd "-q -3" zst -3
if have bzip2; then
	# long runs: blocks that decode to much more than they take
	head -c 1000000 /dev/zero | bzip2 -9 >"$TMP/x"
	keep_io "$TMP/x" zeros-1M.bz2
	head -c 250000 /dev/zero | bzip2 -1 >"$TMP/x"
	keep_io "$TMP/x" zeros-3blocks.bz2
	# a bzip2 stream followed by a gzip one (trailing garbage of another kind)
	if have gzip; then
		cat "$TMP/small.bz2" "$TMP/small.gz" >"$TMP/x" 2>/dev/null && keep_io "$TMP/x" bz2-then-gz.bz2
	fi
fi

# ---------------------------------------------------------------- fuzz_bmp, fuzz_bgp_sess
# real BMP streams (pmacct's captures, reassembled): their first 64 KiB
nbmp=0
for f in $(find "$DATA/bmp" -name '*.bmp-stream.bin' 2>/dev/null | sort); do
	head -c 65536 "$f" >"$SEEDS/fuzz_bmp/$(basename "$(dirname "$f")")-$(basename "$f" .bin)"
	nbmp=$((nbmp + 1))
done
[ $nbmp -gt 0 ] || echo "fuzz/seeds.sh: no BMP captures in $DATA/bmp: generated BMP seeds only"
# generated: what a peer sends a collector (selector byte, OPEN, KEEPALIVE,
# UPDATEs, NOTIFICATION), and a BMP stream (Initiation, Peer Up, Route
# Monitoring, Peer Down, Termination)
python3 - "$SEEDS" <<'PY'
import os, socket, struct, sys
out = sys.argv[1]
M = b"\xff" * 16
def msg(t, b=b""): return M + struct.pack("!HB", 19 + len(b), t) + b
def opn(asn, addpath=False):
    caps = bytes([1, 4, 0, 1, 0, 1, 1, 4, 0, 2, 0, 1, 2, 0, 65, 4]) + struct.pack("!I", asn)
    if addpath: caps += bytes([69, 4, 0, 1, 1, 3])
    opt = bytes([2, len(caps)]) + caps
    return msg(1, struct.pack("!BHH4sB", 4, min(asn, 23456), 90, socket.inet_aton("10.0.0.9"), len(opt)) + opt)
def upd(i, path):
    seg = bytes([2, len(path)]) + b"".join(struct.pack("!I", a) for a in path)
    at = bytes([0x40, 1, 1, 0, 0x40, 2, len(seg)]) + seg + bytes([0x40, 3, 4, 192, 0, 2, 1])
    return msg(2, struct.pack("!HH", 0, len(at)) + at + bytes([24, 10, i, 0]))
ka = msg(4)
seeds = {
    "established": bytes([0]) + opn(65004) + ka + upd(1, [65004, 4837, 131279]) + ka,
    "addpath-split": bytes([6]) + opn(4200000000, True) + ka + b"".join(upd(i, [1, 2, 3]) for i in range(5)),
    "notification": bytes([255]) + opn(65004) + ka + msg(3, bytes([6, 2])),
    "withdraw": bytes([17]) + opn(65004) + ka + msg(2, struct.pack("!H", 4) + bytes([24, 10, 1, 0]) + b"\0\0"),
    "refresh": bytes([2]) + opn(65004) + ka + msg(5, bytes([0, 1, 0, 1])),
}
for k, v in seeds.items():
    open(os.path.join(out, "fuzz_bgp_sess", k), "wb").write(v)
def bmp(t, b): return struct.pack("!BIB", 3, 6 + len(b), t) + b
def peer(flags=0, asn=65004): return struct.pack("!BB8s16sII", 0, flags, b"\0" * 8, b"\0" * 12 + socket.inet_aton("127.0.0.4"), asn, 0x7f000004) + struct.pack("!II", 1, 2)
def tlv(t, v): return struct.pack("!HH", t, len(v)) + v
up = bmp(3, peer() + b"\0" * 12 + socket.inet_aton("127.0.0.21") + struct.pack("!HH", 179, 40000) + opn(65041) + opn(65004) + tlv(0, b"x"))
s = (bmp(4, tlv(1, b"GoBGP") + tlv(2, b"router")) + up + bmp(0, peer() + upd(1, [65004, 4837, 131279]))
     + bmp(0, peer(0x40) + upd(2, [65004, 20485, 131279])) + bmp(1, peer() + struct.pack("!I", 1) + tlv(7, b"\0" * 8))
     + bmp(2, peer() + bytes([4])) + bmp(5, tlv(0, b"bye") + tlv(1, b"\0\1")))
open(os.path.join(out, "fuzz_bmp", "generated-session"), "wb").write(s)
PY

# ---------------------------------------------------------------- fuzz_http
# request targets, each after a method selector byte (0: GET), one per
# route and the parameters of the API's tests
i=0
for t in /api/v1/openapi.json /metrics /api/v1/as/131279 /api/v1/as/AS131279/history \
	'/api/v1/as/131279/report?from=2017-10-01T08:00:00Z&to=2017-10-01T14:00:00Z&format=text' \
	'/api/v1/as/131279/chart.svg?from=1506844800&to=1506866400' \
	'/api/v1/events?type=upstream_gained,prefix_down&origin=AS131279&upstream=20485&prefix=175.45.176.0/22&collector=rrc00&limit=4&cursor=1506848871.1.131279.20485' \
	'/api/v1/prefix/2001:db8::%2F32?from=2017-10-01&to=2017-10-02' /api/v1/prefix/192.0.2.0/24 \
	'/api/v1/search?q=STAR+KP%20x' /api/v1/live/as/1 /api/v1/live/prefix/10.0.0.0/8 '/api/v1/stream?type=origin_down' \
	'/api/v1/%2e%2e/etc/passwd' '/api/v1/events?from=%zz' /api/v1/state/as/131279 /api/v1/state/prefix/175.45.176.0/22 \
	/api/v1/state/country/KP / '/search?q=star' '/as/131279?from=2017-10-01&to=2017-10-02&cursor=1506848871.0.131279.20485' \
	/event/1506848871.0.131279.20485 /event/1506848871.7.-1.3; do
	printf '\000%s' "$t" >"$SEEDS/fuzz_http/seed-$i"
	i=$((i + 1))
done

# ---------------------------------------------------------------- fuzz_ris
# RIS Live messages: each line of RIPE's sample stream, and messages made
# from the project's own archive (raw and JSON fields) by
# tests/cli/ris_tool.py
if [ -f "$DATA/mrt/libbgpstream/ris-live-stream.json" ]; then
	i=0
	while IFS= read -r line; do
		printf '%s' "$line" >"$SEEDS/fuzz_ris/ripe-$i"
		i=$((i + 1))
	done <"$DATA/mrt/libbgpstream/ris-live-stream.json"
fi
"$RW" synth updates -o "$TMP/ris.mrt" >/dev/null 2>&1 && mkdir -p "$TMP/rrc00" && mv "$TMP/ris.mrt" "$TMP/rrc00/" &&
	for v in raw fields; do
		python3 "$ROOT/tests/cli/ris_tool.py" messages $([ $v = fields ] && echo --fields) "$TMP/rrc00" 2>/dev/null |
			head -50 | split -l 1 - "$SEEDS/fuzz_ris/$v-"
	done
printf '%s' '{"type":"ris_message","data":{"timestamp":1.5,"peer":"2001:db8::1","peer_asn":65000,"host":"rrc21","type":"UPDATE","path":[65000,[1,2]],"community":[[65000,1]],"med":5,"announcements":[{"next_hop":"2001:db8::1,fe80::1","prefixes":["2001:db8:1::/48"]}],"withdrawals":["2001:db8:2::/48","192.0.2.0/24"]}}' >"$SEEDS/fuzz_ris/gen-v6"

# ---------------------------------------------------------------- summary
rm -rf "$TMP"
for h in fuzz_bgp_update fuzz_bgp_attrs fuzz_bgp_open fuzz_mrt fuzz_io fuzz_bmp fuzz_bgp_sess fuzz_http fuzz_ris; do
	n=$(find "$SEEDS/$h" -type f | wc -l | tr -d ' ')
	b=$(du -sk "$SEEDS/$h" | cut -f1)
	echo "fuzz/seeds.sh: $h: $n seeds, $b KiB"
done
