# The collector's test harness, shared by tests/cli/collect.sh and
# tests/cli/guard.sh (sourced, with SUITE set to the suite's name): the
# build's binary, a temporary directory, ok/nok/check, the speakers'
# presence, waiting helpers, the collector, ExaBGP and BIRD.
#
# The collector listens on 127.0.0.1:$PORT (a port derived from the PID);
# speakers use their own 127.0.0.x and NEXT_HOP 192.0.2.x.
SUITE=${SUITE:-collect}
B=${1:-build}
RW=$(cd "$(dirname "$B/routewatch")" && pwd)/routewatch
pass=0 fail=0
tmp=$(mktemp -d /tmp/rw-$SUITE.XXXXXX)
chmod 755 "$tmp"
PORT=$((20000 + $$ % 20000))
WPORT=$((PORT + 1))
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.2
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] && echo "# kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
ok() { echo "ok - $SUITE/$1"; pass=$((pass + 1)); }
nok() {
	echo "not ok - $SUITE/$1: $2"
	fail=$((fail + 1))
	[ -n "${3:-}" ] && [ -f "$3" ] && tail -5 "$3" | sed 's/^/#   /'
	return 0
}
check() { if eval "$2"; then ok "$1"; else nok "$1" "$3" "${4:-}"; fi; }

missing=""
for tool in exabgp bird birdc gobgpd gobgp /usr/lib/frr/bgpd vtysh bgpdump jq python3 setpriv; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "$tool" ] || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	nok peers "not installed:$missing (scripts/install-deps.sh installs them)"
	echo "$pass passed, $fail failed"
	exit 1
fi

# wait_for FILE PATTERN SECONDS: poll until grep finds the pattern
wait_for() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# wait_jq FILE FILTER SECONDS: poll until jq -e FILTER holds over the lines
wait_jq() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		jq -s -e "$2" "$1" >/dev/null 2>&1 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# start_col NAME ARGS...: the collector, stdout NAME.out, log NAME.err
start_col() {
	n=$1
	shift
	"$RW" ${RWV:--v} collect --asn 65000 --bgp 127.0.0.1:$PORT "$@" > "$tmp/$n.out" 2> "$tmp/$n.err" &
	COL=$!
	PIDS="$PIDS $COL"
	wait_for "$tmp/$n.err" 'collecting as' 10
}
# stop_col: SIGTERM, and the exit status in COLRC
stop_col() {
	kill -TERM "$COL" 2>/dev/null
	wait "$COL"
	COLRC=$?
}

# ---------------------------------------------------------------- speakers

# ExaBGP: commands appended to exa-ADDR.cmd are executed (tail -F)
start_exa() { # ADDR ASN [extra static block]
	: > "$tmp/exa-$1.cmd"
	cat > "$tmp/exa-$1.conf" <<EOF
process ctl {
    run /usr/bin/tail -n0 -F $tmp/exa-$1.cmd;
    encoder text;
}
neighbor 127.0.0.1 {
    router-id $1;
    local-address $1;
    local-as $2;
    peer-as 65000;
    connect $PORT;
    hold-time 30;
    family {
        ipv4 unicast;
        ipv6 unicast;
    }
    api {
        processes [ ctl ];
    }
    ${3:-}
}
EOF
	env exabgp_daemon_user=root exabgp_daemon_daemonize=false exabgp_daemon_pid="$tmp/exa-$1.pid" \
		exabgp_tcp_bind='' exabgp_log_destination=stdout exabgp_api_cli=false exabgp_api_ack=false \
		exabgp "$tmp/exa-$1.conf" > "$tmp/exa-$1.log" 2>&1 &
	EXA=$!
	PIDS="$PIDS $EXA"
}
exa() { echo "$2" >> "$tmp/exa-$1.cmd"; }

# BIRD: static routes in bird-routes.conf, re-read by `birdc configure`
bird_routes() { # "P:ASPATH" ... (each prefix's AS path after BIRD's own AS)
	{
		echo "protocol static s4 {"
		echo "  ipv4;"
		for r in "$@"; do
			p=${r%%:*}
			path=${r#*:}
			pre=""
			for a in $path; do pre="bgp_path.prepend($a); $pre"; done
			echo "  route $p blackhole { $pre};"
		done
		echo "}"
	} > "$tmp/bird-routes.conf"
}
start_bird() {
	cat > "$tmp/bird.conf" <<EOF
log stderr all;
router id 127.0.0.3;
protocol device { }
include "$tmp/bird-routes.conf";
protocol bgp collector {
  local 127.0.0.3 as 65003;
  neighbor 127.0.0.1 port $PORT as 65000;
  multihop 2;
  strict bind on;
  connect retry time 1;
  connect delay time 0;
  error wait time 1, 10;
  hold time ${BIRD_HOLD:-30};
  ipv4 { import none; export where source = RTS_STATIC; next hop address 192.0.2.3; };
}
EOF
	bird -f -c "$tmp/bird.conf" -s "$tmp/bird.ctl" -P "$tmp/bird.pid" > "$tmp/bird.log" 2>&1 &
	BIRD=$!
	PIDS="$PIDS $BIRD"
}
bird_reconf() { birdc -s "$tmp/bird.ctl" configure > /dev/null 2>&1; }
