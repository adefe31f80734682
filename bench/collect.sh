#!/bin/sh
# The live collector under load, with real peers on loopback:
#
#  1. full table: GoBGP injects a TABLE_DUMP_V2 RIB of N routes (default
#     1 000 000, IPv4) with `gobgp mrt inject` and sends them to the
#     collector over one session. Reported: how long GoBGP took to inject
#     (its own pace), when the collector held every route, routes/s, the
#     collector's CPU seconds and peak RSS. "Keeps up" means the collector
#     holds every route within a second or two of GoBGP finishing.
#  2. burst: ten ExaBGP sessions are up (hold time 9 s, so a keepalive every
#     3 s is needed), then an eleventh sends B routes (default 100 000) at
#     once from its static configuration. Reported: time to absorb them,
#     routes/s, CPU, RSS, and whether any session ended (a hold timer
#     expiring would end one).
#
#   bench/collect.sh [BUILD_DIR]      N=1000000 B=100000 to change the sizes
#
# ARCHIVE=1: the full-table collector also writes its archive (gzip) and a
# RIB dump every 60 s (the Adj-RIB-In kept for them, the dumps' time and
# size are reported).
#
# Needs gobgpd/gobgp and exabgp (scripts/install-deps.sh). Uses 127.0.0.1
# (collector), 127.0.0.7 (GoBGP), 127.0.0.40-50 (ExaBGP), ports 17900-17902.
set -eu
B_DIR=${1:-build}
RW=$(cd "$(dirname "$B_DIR/routewatch")" && pwd)/routewatch
N=${N:-1000000}
BURST=${B:-100000}
PORT=17900
tmp=$(mktemp -d /tmp/rw-bench-collect.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	sleep 0.3
	rm -rf "$tmp"
}
trap cleanup EXIT
now() { date +%s.%N; }
cpu_s() { awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$1/stat"; }
hwm_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
# routes the collector holds (from its SIGUSR1 status line)
routes() {
	kill -USR1 "$1"
	sleep 0.2
	sed -n 's/.*status: .* prefixes, \([0-9]*\) routes.*/\1/p' "$2" | tail -1
}
start_col() { # LOG ARGS
	log=$1
	shift
	"$RW" -v collect --asn 65000 --bgp 127.0.0.1:$PORT "$@" > /dev/null 2> "$log" &
	COL=$!
	PIDS="$PIDS $COL"
	sleep 0.5
}

# ---------------------------------------------------------------- 1. full table
echo "# 1. full table: $N IPv4 routes from GoBGP (mrt inject)"
# the RIB, and 5000 throw-away records after it: gobgp's CLI loses the tail
# of every inject (peers/README.md §5.1)
"$RW" -q synth rib --prefixes "$N" --peers 1 --v6 0 --seed 5 -o "$tmp/table.mrt"
"$RW" -q synth rib --prefixes 5000 --peers 1 --v6 0 --seed 6 --start 1 -o "$tmp/pad.mrt"
cat "$tmp/table.mrt" "$tmp/pad.mrt" > "$tmp/inject.mrt"
if [ -n "${ARCHIVE:-}" ]; then
	start_col "$tmp/col1.log" --peer 127.0.0.7,65007 --hold 90 --archive "$tmp/arch" --rotate 900 \
		--rib-every 60 --compress gz
else
	start_col "$tmp/col1.log" --peer 127.0.0.7,65007 --hold 90
fi
cat > "$tmp/inj.toml" <<EOF
[global.config]
  as = 65007
  router-id = "127.0.0.7"
  port = -1
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.1"
    peer-as = 65000
  [neighbors.transport.config]
    local-address = "127.0.0.7"
    remote-port = $PORT
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
EOF
gobgpd -f "$tmp/inj.toml" -p --api-hosts 127.0.0.1:17902 --pprof-disable > "$tmp/gobgp.log" 2>&1 &
PIDS="$PIDS $!"
i=0
until grep -q 'established' "$tmp/col1.log"; do
	sleep 0.2
	i=$((i + 1))
	[ $i -lt 150 ] || { echo "GoBGP did not connect in 30 s"; exit 1; }
done
cpu0=$(cpu_s "$COL")
t0=$(now)
gobgp -p 17902 mrt inject global "$tmp/inject.mrt" > /dev/null
t_inj=$(now)
want=$(gobgp -p 17902 global rib summary -a ipv4 | sed -n 's/.*Destination: \([0-9]*\).*/\1/p')
got=0
while :; do
	got=$(routes "$COL" "$tmp/col1.log")
	[ "${got:-0}" -ge "$want" ] && break
	t=$(now)
	if [ "$(echo "$t - $t_inj > 120" | bc)" = 1 ]; then break; fi
	sleep 0.3
done
t_all=$(now)
cpu1=$(cpu_s "$COL")
inj_s=$(echo "$t_inj - $t0" | bc)
all_s=$(echo "$t_all - $t0" | bc)
printf 'GoBGP injected %s routes (its RIB) in %.1f s; the collector held %s of them %.1f s after the start (%.1f s after GoBGP finished)\n' \
	"$want" "$inj_s" "$got" "$all_s" "$(echo "$all_s - $inj_s" | bc)"
printf 'collector: %.0f routes/s, %.1f CPU s (%.0f%% of one core), peak RSS %s MB\n' \
	"$(echo "$got / $all_s" | bc -l)" "$(echo "$cpu1 - $cpu0" | bc)" \
	"$(echo "100 * ($cpu1 - $cpu0) / $all_s" | bc -l)" "$(hwm_mb "$COL")"
kill "$COL"
wait "$COL" 2>/dev/null || true
if [ -n "${ARCHIVE:-}" ]; then
	grep 'status:' "$tmp/col1.log" | tail -1 | sed 's/^routewatch: //'
	grep 'RIB dump of' "$tmp/col1.log" | sed 's/^routewatch: info: //'
	ls -l "$tmp/arch" | awk 'NR > 1 {printf "%s %s bytes\n", $9, $5}'
fi
for p in $PIDS; do kill "$p" 2>/dev/null || true; done
PIDS=""
sleep 1

# ---------------------------------------------------------------- 2. burst
echo "# 2. burst: $BURST routes from one ExaBGP while ten other sessions are up (hold 9 s)"
start_col "$tmp/col2.log" --accept 127.0.0.0/24 --hold 9
exa() { # ADDR ASN CONF_EXTRA
	cat > "$tmp/exa-$1.conf" <<EOF
neighbor 127.0.0.1 {
    router-id $1;
    local-address $1;
    local-as $2;
    peer-as 65000;
    connect $PORT;
    hold-time 9;
    family { ipv4 unicast; }
    $3
}
EOF
	env exabgp_daemon_user=root exabgp_daemon_daemonize=false exabgp_tcp_bind='' \
		exabgp_log_destination=stdout exabgp_api_cli=false exabgp_log_level=WARNING \
		exabgp "$tmp/exa-$1.conf" > "$tmp/exa-$1.log" 2>&1 &
	PIDS="$PIDS $!"
}
for k in 0 1 2 3 4 5 6 7 8 9; do
	exa "127.0.0.4$k" "6510$k" "static { route 10.$k.0.0/16 next-hop 192.0.2.4 as-path [ 6510$k 64500 ]; }"
done
i=0
until [ "$(grep -c 'established' "$tmp/col2.log")" -ge 10 ]; do
	sleep 0.2
	i=$((i + 1))
	[ $i -lt 150 ] || { echo "the ten sessions did not come up in 30 s"; exit 1; }
done
# the burst's routes, in the configuration: sent as soon as the session is up
python3 - "$BURST" > "$tmp/burst-routes" <<'EOF'
import sys
n = int(sys.argv[1])
print("static {")
for i in range(n):
    print("  route %d.%d.%d.0/24 next-hop 192.0.2.50 as-path [ 65150 %d %d ];" % (
        100 + i // 65536, (i // 256) % 256, i % 256, 64600 + i % 50, 131072 + i % 997))
print("}")
EOF
cpu0=$(cpu_s "$COL")
t0=$(now)
exa 127.0.0.50 65150 "$(cat "$tmp/burst-routes")"
want=$((BURST + 10))
while :; do
	got=$(routes "$COL" "$tmp/col2.log")
	[ "${got:-0}" -ge "$want" ] && break
	t=$(now)
	if [ "$(echo "$t - $t0 > 300" | bc)" = 1 ]; then break; fi
	sleep 0.3
done
t1=$(now)
cpu1=$(cpu_s "$COL")
sleep 10 # three keepalive intervals more: any session the burst starved would end now
ended=$(grep -c 'session ended' "$tmp/col2.log" || true)
el=$(echo "$t1 - $t0" | bc)
printf 'the burst: %s of %s routes held %.1f s after ExaBGP started (its start-up included)\n' "$((got - 10))" "$BURST" "$el"
printf 'collector: %.1f CPU s for it, peak RSS %s MB; sessions ended: %s (0 = no hold timer expired)\n' \
	"$(echo "$cpu1 - $cpu0" | bc)" "$(hwm_mb "$COL")" "$ended"
