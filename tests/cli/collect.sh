#!/bin/sh
# routewatch collect with real BGP speakers on loopback (ExaBGP, BIRD 2,
# FRR, GoBGP from Debian; ../shared/peers/README.md has the recipes):
# the scenario of issue 5 (four prefixes via upstream X, three of them via
# Y, Y withdrawn), the events printed live, the same events from
# `routewatch events` over the collector's archive, bgpdump reading that
# archive; alerts by --exec and --webhook; faults: garbage and half
# messages on the port, a peer killed mid-table, an archive directory
# that becomes unwritable, SIGTERM.
# (harness: tests/cli/lib_collect.sh)
set -u
SUITE=collect
. "$(dirname "$0")/lib_collect.sh"

X4="175.45.176.0/24 175.45.177.0/24 175.45.178.0/24 175.45.179.0/24"
Y3="175.45.176.0/24 175.45.177.0/24 175.45.178.0/24"

# the live events of the scenario: X gained on 4 (new), Y gained on 3
# (new), then Y lost on those 3 (the last of them last_for_origin). A
# speaker may spread one step over two seconds, so the prefixes of the
# events of a kind are taken together.
pfx_of() { echo "[.[]|select(.type==\"$1\" and .upstream==$2)]"; }
G_X="$(pfx_of upstream_gained 4837) | ([.[].prefixes[]]|unique|length)==4 and any(.new_for_origin)"
G_Y="$(pfx_of upstream_gained 20485) | ([.[].prefixes[]]|unique|length)==3 and any(.new_for_origin)"
L_Y="$(pfx_of upstream_lost 20485) | ([.[].prefixes[]]|unique|length)==3 and any(.last_for_origin)"

# archive_same NAME DIR MINPEERS [FILEDIR]: events over the archive ==
# live events; bgpdump reads every file in FILEDIR (default DIR) (as many
# lines as routewatch dump)
archive_same() {
	fd=${4:-$2}
	# the update files (a RIB dump would be a silent baseline: docs/collect.md)
	"$RW" events --json --min-peers "$3" "$fd"/updates.* > "$tmp/$1.replay" 2> "$tmp/$1.replay.err"
	jq -S -c . "$tmp/$1.out" | sort > "$tmp/$1.a"
	jq -S -c . "$tmp/$1.replay" | sort > "$tmp/$1.b"
	check "$1-archive-replay-same-events" "[ -s $tmp/$1.a ] && cmp -s $tmp/$1.a $tmp/$1.b" \
		"live $(wc -l < $tmp/$1.a) events, replay $(wc -l < $tmp/$1.b): $(diff $tmp/$1.a $tmp/$1.b | head -3)"
	n1=$(cat "$fd"/updates.* | bgpdump -m - 2>/dev/null | wc -l)
	n2=$("$RW" dump "$fd"/updates.* 2>/dev/null | wc -l)
	check "$1-archive-bgpdump" "[ $n1 -gt 0 ] && [ $n1 -eq $n2 ]" "bgpdump -m $n1 lines, routewatch dump $n2"
	check "$1-no-temporary-files" "[ -z \"\$(ls -A $fd | grep '^\\.')\" ]" "left: $(ls -A $fd)"
}

# ---------------------------------------------------------------- 1. ExaBGP + BIRD, min-peers 2, alerts
# a webhook receiver: every POST body is a line of webhook.out
cat > "$tmp/hook.py" <<'EOF'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    n = 0
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        H.n += 1
        if H.n == 2:  # the second POST fails once: the event is retried
            self.send_response(503); self.end_headers(); return
        with open(sys.argv[2], "ab") as f:
            f.write(body + b"\n")
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
python3 "$tmp/hook.py" "$WPORT" "$tmp/webhook.out" 2> "$tmp/hook.err" &
HOOK=$!
PIDS="$PIDS $HOOK"
mkdir -p "$tmp/arch1"
bird_routes "175.45.176.0/24:4837 131279" "175.45.177.0/24:4837 131279" \
	"175.45.178.0/24:4837 131279" "175.45.179.0/24:4837 131279"
if start_col two --json --archive "$tmp/arch1" --rotate 60 --compress gz \
	--peer 127.0.0.4,65004 --peer 127.0.0.3,65003 \
	--exec "cat >> $tmp/exec.out" --webhook "http://127.0.0.1:$WPORT/event"; then
	start_exa 127.0.0.4 65004
	start_bird
	if wait_for "$tmp/two.err" 'peer 127.0.0.4 AS65004: established' 10 &&
		wait_for "$tmp/two.err" 'peer 127.0.0.3 AS65003: established' 10; then
		ok two-established
	else
		nok two-established "ExaBGP and BIRD did not both reach Established" "$tmp/two.err"
	fi
	for p in $X4; do exa 127.0.0.4 "announce route $p next-hop 192.0.2.4 as-path [ 4837 131279 ]"; done
	check two-gained-x "wait_jq $tmp/two.out '$G_X' 15" "no upstream_gained 4837 on 4 prefixes" "$tmp/two.out"
	for p in $Y3; do exa 127.0.0.4 "announce route $p next-hop 192.0.2.4 as-path [ 20485 131279 ]"; done
	bird_routes "175.45.176.0/24:20485 131279" "175.45.177.0/24:20485 131279" \
		"175.45.178.0/24:20485 131279" "175.45.179.0/24:4837 131279"
	bird_reconf
	check two-gained-y "wait_jq $tmp/two.out '$G_Y' 15" "no upstream_gained 20485 on 3 prefixes" "$tmp/two.out"
	check two-lost-x-not-last "wait_jq $tmp/two.out 'map(select(.type==\"upstream_lost\" and .upstream==4837 and (.last_for_origin|not) and (.prefixes|length)==3))|length==1' 10" \
		"no upstream_lost 4837 (not last) on 3 prefixes" "$tmp/two.out"
	# withdraw Y: both speakers back to X for those prefixes
	for p in $Y3; do exa 127.0.0.4 "announce route $p next-hop 192.0.2.4 as-path [ 4837 131279 ]"; done
	bird_routes "175.45.176.0/24:4837 131279" "175.45.177.0/24:4837 131279" \
		"175.45.178.0/24:4837 131279" "175.45.179.0/24:4837 131279"
	bird_reconf
	check two-lost-y-last "wait_jq $tmp/two.out '$L_Y' 15" "no upstream_lost 20485 (last) on 3 prefixes" "$tmp/two.out"
	check two-confirmed-by-two-peers "jq -s -e 'map(select(.type==\"upstream_gained\"))|all(.peers==2)' $tmp/two.out >/dev/null" \
		"an upstream_gained was confirmed with fewer than 2 peers" "$tmp/two.out"
	kill -USR1 "$COL"
	check two-status-line "wait_for $tmp/two.err 'status: 2/2 peers established, 4 prefixes, 8 routes' 5" \
		"no status line with 2 peers and 8 routes on SIGUSR1" "$tmp/two.err"
	sleep 1.5
	stop_col
	check two-clean-exit "[ $COLRC -eq 0 ]" "collect exited with $COLRC" "$tmp/two.err"
	archive_same two "$tmp/arch1" 2
	check two-archive-gzip "ls $tmp/arch1 | grep -q '^updates\\.[0-9]\\{8\\}\\.[0-9]\\{4\\}\\.gz\$'" "names: $(ls $tmp/arch1)"
	nev=$(wc -l < "$tmp/two.out")
	check two-exec "[ -f $tmp/exec.out ] && [ \$(jq -c . $tmp/exec.out | sort | md5sum | cut -c1-32) = \$(jq -c . $tmp/two.out | sort | md5sum | cut -c1-32) ]" \
		"--exec got $(wc -l < $tmp/exec.out 2>/dev/null) events of $nev"
	check two-webhook-with-retry "[ -f $tmp/webhook.out ] && [ \$(jq -c . $tmp/webhook.out | sort | md5sum | cut -c1-32) = \$(jq -c . $tmp/two.out | sort | md5sum | cut -c1-32) ]" \
		"--webhook got $(wc -l < $tmp/webhook.out 2>/dev/null) events of $nev" "$tmp/two.err"
	kill "$EXA" "$BIRD" 2>/dev/null
	wait "$EXA" "$BIRD" 2>/dev/null
else
	nok two-start "the collector did not start" "$tmp/two.err"
fi
kill "$HOOK" 2>/dev/null

# one speaker alone (--min-peers 1): NAME_step X4 (all four via X), Y3
# (three via Y), BACK (those three back to X)
single() { # NAME PEERADDR PEERASN START_FN ESTABLISH_SECONDS
	n=$1
	mkdir -p "$tmp/arch-$n"
	if ! start_col "$n" --json --min-peers 1 --archive "$tmp/arch-$n" --rotate 60 --peer "$2,$3"; then
		nok "$n-start" "the collector did not start" "$tmp/$n.err"
		return
	fi
	$4
	if ! wait_for "$tmp/$n.err" "peer $2 AS$3: established" "$5"; then
		nok "$n-established" "no session within $5 s" "$tmp/$n.err"
		stop_col
		return
	fi
	ok "$n-established"
	"${n}_step" X4
	check "$n-gained-x" "wait_jq $tmp/$n.out '$G_X' 15" "no upstream_gained 4837 on 4 prefixes" "$tmp/$n.out"
	"${n}_step" Y3
	check "$n-gained-y" "wait_jq $tmp/$n.out '$G_Y' 15" "no upstream_gained 20485 on 3 prefixes" "$tmp/$n.out"
	"${n}_step" BACK
	check "$n-lost-y-last" "wait_jq $tmp/$n.out '$L_Y' 15" "no upstream_lost 20485 (last) on 3 prefixes" "$tmp/$n.out"
	sleep 1.2
	stop_col
	check "$n-clean-exit" "[ $COLRC -eq 0 ]" "collect exited with $COLRC" "$tmp/$n.err"
	archive_same "$n" "$tmp/arch-$n" 1
}

# ---------------------------------------------------------------- 2. FRR
start_frr() {
	mkdir -p "$tmp/frr"
	cat > "$tmp/frr/bgpd.conf" <<EOF
frr defaults traditional
hostname frr-spk
log stdout informational
router bgp 65005
 bgp router-id 127.0.0.5
 no bgp ebgp-requires-policy
 no bgp network import-check
 bgp route-map delay-timer 1
 neighbor 127.0.0.1 remote-as 65000
 neighbor 127.0.0.1 port $PORT
 neighbor 127.0.0.1 update-source 127.0.0.5
 neighbor 127.0.0.1 disable-connected-check
 neighbor 127.0.0.1 timers connect 1
 address-family ipv4 unicast
  neighbor 127.0.0.1 route-map NH4 out
 exit-address-family
route-map X permit 10
 set as-path prepend 4837 131279
route-map Y permit 10
 set as-path prepend 20485 131279
route-map NH4 permit 10
 set ip next-hop 192.0.2.5
EOF
	/usr/lib/frr/bgpd -S -Z -p 0 -P 0 -f "$tmp/frr/bgpd.conf" --vty_socket "$tmp/frr" \
		-i "$tmp/frr/bgpd.pid" --log stdout --log-level info > "$tmp/frr.log" 2>&1 &
	FRR=$!
	PIDS="$PIDS $FRR"
}
frr_net() { # ROUTE-MAP PREFIX...
	rm=$1
	shift
	set -- $(for p in "$@"; do echo "network_${p}_route-map_$rm"; done)
	# one vtysh call, so FRR sends the step at once
	vtysh --vty_socket "$tmp/frr" -c 'configure terminal' -c 'router bgp 65005' \
		-c 'address-family ipv4 unicast' ${1:+-c "$(echo "$1" | tr _ ' ')"} \
		${2:+-c "$(echo "${2:-}" | tr _ ' ')"} ${3:+-c "$(echo "${3:-}" | tr _ ' ')"} \
		${4:+-c "$(echo "${4:-}" | tr _ ' ')"} > /dev/null 2>&1
}
frr_step() {
	case $1 in
	X4) frr_net X $X4 ;;
	Y3) frr_net Y $Y3 ;;
	BACK) frr_net X $Y3 ;;
	esac
}
single frr 127.0.0.5 65005 start_frr 10
kill "$FRR" 2>/dev/null

# ---------------------------------------------------------------- 3. GoBGP
GAPI=$((PORT + 2))
start_gobgp() {
	cat > "$tmp/gobgp.toml" <<EOF
[global.config]
  as = 65002
  router-id = "127.0.0.2"
  port = -1
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.1"
    peer-as = 65000
  [neighbors.transport.config]
    local-address = "127.0.0.2"
    remote-port = $PORT
  [neighbors.timers.config]
    connect-retry = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
EOF
	gobgpd -f "$tmp/gobgp.toml" -p --api-hosts "127.0.0.1:$GAPI" --pprof-disable > "$tmp/gobgp.log" 2>&1 &
	GOBGP=$!
	PIDS="$PIDS $GOBGP"
}
gobgp_rib() { # ASPATH PREFIX...
	path=$1
	shift
	for p in "$@"; do
		gobgp -p "$GAPI" global rib add -a ipv4 "$p" origin igp aspath "$path" nexthop 192.0.2.2
	done
}
gobgp_step() {
	case $1 in
	X4) gobgp_rib "4837 131279" $X4 ;;
	Y3) gobgp_rib "20485 131279" $Y3 ;;
	BACK) gobgp_rib "4837 131279" $Y3 ;;
	esac
}
# GoBGP's first connect waits 5-10 s by design (peers/README.md §6)
single gobgp 127.0.0.2 65002 start_gobgp 20
kill "$GOBGP" 2>/dev/null

# ---------------------------------------------------------------- 4. faults on the port
HERE=$(cd "$(dirname "$0")" && pwd)
FP="python3 $HERE/fault_peer.py $PORT"
mkdir -p "$tmp/arch-f"
if RWV="-v -v" start_col faults --json --min-peers 1 --archive "$tmp/arch-f" --rotate 60 --rib-every 2 \
	--peer 127.0.0.4,65004 --peer 127.0.0.70,65070 --accept 127.0.0.64/27; then
	r=$($FP http 127.0.0.65 2>&1)
	check fault-http-request "[ \"$r\" = 'notification 1/1' ]" "answer: $r"
	r=$($FP half 127.0.0.66 2>&1)
	check fault-half-message "[ \"$r\" = closed ] && wait_for $tmp/faults.err 'in the middle of a message' 3" "answer: $r"
	r=$($FP random 127.0.0.67 2>&1)
	check fault-random-bytes "[ \"\${r%/*}\" = 'notification 1' ]" "answer: $r"
	r=$($FP badlen 127.0.0.68 65068 2>&1)
	check fault-bad-length "[ \"$r\" = 'notification 1/2' ]" "answer: $r"
	r=$($FP wrongas 127.0.0.70 65099 2>&1)
	check fault-wrong-peer-as "[ \"$r\" = 'notification 2/2' ]" "answer: $r"
	r=$($FP refused 127.0.0.9 2>&1)
	check fault-not-a-peer "[ \"\${r%% *}\" = closed ] && wait_for $tmp/faults.err '127.0.0.9 refused' 3" "answer: $r"
	# a peer reset in the middle of its table: what it sent before counts,
	# then its routes go (state change in the archive)
	r=$($FP table 127.0.0.71 65071 500 2>&1)
	check fault-reset-mid-table "wait_for $tmp/faults.err 'peer 127.0.0.71 AS65071: session ended' 5" \
		"$r" "$tmp/faults.err"
	start_exa 127.0.0.4 65004
	wait_for "$tmp/faults.err" 'peer 127.0.0.4 AS65004: established' 10
	for p in $X4; do exa 127.0.0.4 "announce route $p next-hop 192.0.2.4 as-path [ 4837 131279 ]"; done
	check fault-real-peer-after-faults "wait_jq $tmp/faults.out '$G_X' 15" "no events from ExaBGP after the faults" "$tmp/faults.err"
	kill -USR1 "$COL"
	check fault-routes-after-reset "wait_for $tmp/faults.err 'status: 1/1 peers established, [0-9]* prefixes, 4 routes' 5" \
		"the reset peer's routes are still there" "$tmp/faults.err"
	sleep 2.2 # a RIB dump (every 2 s) of this state
	stop_col
	check fault-clean-exit "[ $COLRC -eq 0 ]" "collect exited with $COLRC" "$tmp/faults.err"
	na=$(cat "$tmp"/arch-f/updates.* | bgpdump -m - 2>/dev/null | grep -c '|A|127.0.0.71|65071|')
	down=$(cat "$tmp"/arch-f/updates.* | bgpdump -m - 2>/dev/null | grep -c 'STATE|127.0.0.71|65071|6|1')
	check fault-archive-kept-table "[ $na -eq 500 ] && [ $down -eq 1 ]" "$na announcements of 500, $down state changes 6->1"
	archive_same faults "$tmp/arch-f" 1
	# RIB dumps every 2 s: the last one holds ExaBGP's four routes and not
	# the reset peer's; bgpdump prints every dump as routewatch dump does
	last=$(ls "$tmp"/arch-f/rib.* 2>/dev/null | tail -1)
	nr=$(ls "$tmp"/arch-f/rib.* 2>/dev/null | wc -l)
	same=0
	for f in "$tmp"/arch-f/rib.*; do
		[ "$(bgpdump -m "$f" 2>/dev/null | md5sum)" = "$("$RW" dump "$f" 2>/dev/null | md5sum)" ] || same=1
	done
	check fault-rib-dumps "[ $nr -ge 1 ] && [ $same -eq 0 ] && [ \$(bgpdump -m $last 2>/dev/null | grep -c '|B|127.0.0.4|65004|175.45.17[6-9].0/24|4837 131279|') -eq 4 ] && [ \$(bgpdump -m $last 2>/dev/null | grep -c '127.0.0.71') -eq 0 ]" \
		"$nr dumps (bgpdump = routewatch dump: $same); last: $(bgpdump -m $last 2>/dev/null | head -3)"
	kill "$EXA" 2>/dev/null
	wait "$EXA" 2>/dev/null
else
	nok faults-start "the collector did not start" "$tmp/faults.err"
fi

# ---------------------------------------------------------------- 5. the archive directory becomes unwritable
# (as nobody, so permissions bind: root ignores them)
if [ "$(id -u)" -ne 0 ]; then
	echo "skip - collect/unwritable: needs root (to run the collector as nobody and chown its directory)"
else
cp "$RW" "$tmp/rw-nobody"
chmod 755 "$tmp/rw-nobody"
mkdir -p "$tmp/arch-u"
chown nobody "$tmp/arch-u"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$tmp/rw-nobody" -v collect --asn 65000 \
	--bgp 127.0.0.1:$PORT --json --min-peers 1 --archive "$tmp/arch-u" --rotate 1 \
	--peer 127.0.0.4,65004 > "$tmp/unw.out" 2> "$tmp/unw.err" &
COL=$!
PIDS="$PIDS $COL"
if wait_for "$tmp/unw.err" 'collecting as' 10; then
	start_exa 127.0.0.4 65004
	wait_for "$tmp/unw.err" 'peer 127.0.0.4 AS65004: established' 10
	announce() { # FIRST LAST
		i=$1
		while [ "$i" -le "$2" ]; do
			exa 127.0.0.4 "announce route 10.9.$i.0/24 next-hop 192.0.2.4 as-path [ 64500 64501 ]"
			sleep 0.25
			i=$((i + 1))
		done
	}
	announce 1 5
	chmod 500 "$tmp/arch-u"
	announce 6 15
	check unwritable-said-loudly "wait_for $tmp/unw.err 'error: archive: cannot ' 5" "no error about the archive" "$tmp/unw.err"
	kill -0 "$COL" 2>/dev/null
	check unwritable-still-running "[ $? -eq 0 ]" "the collector died"
	chmod 700 "$tmp/arch-u"
	check unwritable-resumes "wait_for $tmp/unw.err 'archive: writing to .* again' 5" "no word of writing again" "$tmp/unw.err"
	announce 16 20
	sleep 1.2
	stop_col
	check unwritable-clean-exit "[ $COLRC -eq 0 ]" "collect exited with $COLRC" "$tmp/unw.err"
	na=$("$RW" dump "$tmp"/arch-u/updates.* 2>/dev/null | grep -c '|A|127.0.0.4|65004|10.9.')
	nf=$(ls "$tmp/arch-u" | grep -c '^updates\.[0-9]\{8\}\.[0-9]\{6\}$')
	check unwritable-nothing-lost "[ $na -eq 20 ] && [ $nf -ge 3 ]" "$na of 20 announcements in $nf files"
	check unwritable-events "[ \$(jq -s 'map(select(.type==\"upstream_gained\"))|length' $tmp/unw.out) -ge 1 ]" \
		"no events while the disk failed" "$tmp/unw.out"
	archive_same unw "$tmp/arch-u" 1
	kill "$EXA" 2>/dev/null
	wait "$EXA" 2>/dev/null
else
	nok unwritable-start "the collector did not start as nobody" "$tmp/unw.err"
fi
fi

# ---------------------------------------------------------------- 6. BMP: GoBGP and FRR as monitored routers
RPORT=$((PORT + 3))
BPORT=$((PORT + 4))
GRAPI=$((PORT + 5))
# ExaBGP at ADDR (AS ASN) as the monitored router's neighbour at RADDR:RPORT
start_exa_to() { # ADDR ASN RADDR RASN
	: > "$tmp/exa-$1.cmd"
	cat > "$tmp/exa-$1.conf" <<EOF
process ctl {
    run /usr/bin/tail -n0 -F $tmp/exa-$1.cmd;
    encoder text;
}
neighbor $3 {
    router-id $1;
    local-address $1;
    local-as $2;
    peer-as $4;
    connect $RPORT;
    hold-time 30;
    family { ipv4 unicast; }
    api { processes [ ctl ]; }
}
EOF
	env exabgp_daemon_user=root exabgp_daemon_daemonize=false exabgp_daemon_pid="$tmp/exa-$1.pid" \
		exabgp_tcp_bind='' exabgp_log_destination=stdout exabgp_api_cli=false exabgp_api_ack=false \
		exabgp "$tmp/exa-$1.conf" > "$tmp/exa-$1.log" 2>&1 &
	EXA=$!
	PIDS="$PIDS $EXA"
}
start_gobgp_router() {
	cat > "$tmp/gobgp-r.toml" <<EOF
[global.config]
  as = 65041
  router-id = "127.0.0.21"
  port = $RPORT
  local-address-list = ["127.0.0.21"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.4"
    peer-as = 65004
  [neighbors.transport.config]
    passive-mode = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
[[bmp-servers]]
  [bmp-servers.config]
    address = "127.0.0.1"
    port = $BPORT
    route-monitoring-policy = "all"
    statistics-timeout = 15
EOF
	gobgpd -f "$tmp/gobgp-r.toml" -p --api-hosts "127.0.0.1:$GRAPI" --pprof-disable >> "$tmp/gobgp-r.log" 2>&1 &
	GOBGPR=$!
	PIDS="$PIDS $GOBGPR"
}
n=bmpgo
mkdir -p "$tmp/arch-$n"
PORT_SAVE=$PORT
if start_col "$n" --bmp 127.0.0.1:$BPORT --bmp-accept 127.0.0.0/8 --json --min-peers 1 --archive "$tmp/arch-$n" --rotate 60 --rib-every 2; then
	start_gobgp_router
	start_exa_to 127.0.0.4 65004 127.0.0.21 65041
	check bmp-gobgp-peer-up "wait_for $tmp/$n.err 'BMP 127.0.0.1 peer 127.0.0.4: up, AS65004' 15" \
		"no Peer Up for 127.0.0.4 from GoBGP" "$tmp/$n.err"
	for p in $X4; do exa 127.0.0.4 "announce route $p next-hop 192.0.2.4 as-path [ 4837 131279 ]"; done
	check bmp-gobgp-routes-reach-engine "wait_jq $tmp/$n.out '$G_X' 15" \
		"no upstream_gained 4837 on 4 prefixes from the monitored routes" "$tmp/$n.out"
	sleep 2.5
	last=$(ls "$tmp/arch-$n/127.0.0.1"/rib.* 2>/dev/null | tail -1)
	check bmp-gobgp-rib-dump "[ -n '$last' ] && [ \$(bgpdump -m $last 2>/dev/null | grep -c '|B|127.0.0.4|65004|175.45.17[6-9].0/24|') -eq 4 ]" \
		"no RIB dump of the router's peers with the four routes: $(ls $tmp/arch-$n/127.0.0.1)"
	# the router dies (SIGKILL: no last withdrawals) and comes back: its
	# peers' sessions end, which is no outage (docs/events.md §9: the
	# prefixes are unobserved), then the routes it monitors are back (no
	# prefix_up, no new upstream)
	kt=$(date +%s)
	nodown="map(select((.type==\\\"prefix_down\\\" or .type==\\\"origin_down\\\") and (.time|fromdateiso8601) >= $kt))|length==0"
	kill -9 "$GOBGPR"
	wait "$GOBGPR" 2>/dev/null
	check bmp-gobgp-router-gone "wait_for $tmp/$n.err 'BMP 127.0.0.1: the router closed the connection' 5 && sleep 2 && jq -s -e \"$nodown\" $tmp/$n.out > /dev/null" \
		"the router leaving was reported as an outage (or not logged)" "$tmp/$n.out"
	start_gobgp_router
	check bmp-gobgp-router-back "i=0 && while [ \$i -lt 300 ] && [ \$(grep -c 'BMP 127.0.0.1 peer 127.0.0.4: up' $tmp/$n.err) -lt 2 ]; do sleep 0.1; i=\$((i + 1)); done && sleep 2 && jq -s -e 'map(select((.type==\"prefix_up\" or .type==\"origin_up\" or .type==\"upstream_gained\") and (.time|fromdateiso8601) >= $kt))|length==0' $tmp/$n.out > /dev/null" \
		"the peer's return after the router reconnected was reported, or it never came back" "$tmp/$n.err"
	# the monitored peer goes down: Peer Down removes its routes, and the
	# router withdraws them from its own views (post-policy, Loc-RIB):
	# withdrawals, so an outage of the router's view
	kt=$(date +%s)
	kill "$EXA"
	wait "$EXA" 2>/dev/null
	check bmp-gobgp-peer-down "wait_for $tmp/$n.err 'BMP 127.0.0.1 peer 127.0.0.4: down' 10 && wait_jq $tmp/$n.out 'map(select(.type==\"prefix_down\" and (.prefixes|length)==4 and (.time|fromdateiso8601) >= $kt))|length==1' 5" \
		"no Peer Down, or no prefix_down when the router withdrew the peer's routes" "$tmp/$n.err"
	# garbage on the BMP port: that connection is closed, nothing else
	python3 -c "import socket; s=socket.create_connection(('127.0.0.1', $BPORT)); s.sendall(b'GET / HTTP/1.0\r\n\r\n'); s.recv(10)" 2>/dev/null
	check bmp-garbage "wait_for $tmp/$n.err 'not a BMP v3 header' 3 && kill -0 $COL" "garbage not reported, or the collector died" "$tmp/$n.err"
	kill -USR1 "$COL"
	check bmp-status "wait_for $tmp/$n.err 'BMP 1 routers 0 peers up' 5" "no BMP status" "$tmp/$n.err"
	stop_col
	kill "$GOBGPR" 2>/dev/null
	check bmp-gobgp-clean-exit "[ $COLRC -eq 0 ]" "collect exited with $COLRC" "$tmp/$n.err"
	archive_same "$n" "$tmp/arch-$n" 1 "$tmp/arch-$n/127.0.0.1"
else
	nok bmp-gobgp-start "the collector did not start" "$tmp/$n.err"
fi

n=bmpfrr
mkdir -p "$tmp/arch-$n" "$tmp/frr-bmp"
if start_col "$n" --bmp 127.0.0.1:$BPORT --bmp-accept 127.0.0.0/8 --json --min-peers 1 --archive "$tmp/arch-$n" --rotate 60; then
	cat > "$tmp/frr-bmp/bgpd.conf" <<EOF
frr defaults traditional
hostname frr-bmp
log stdout informational
router bgp 65011
 bgp router-id 127.0.0.11
 no bgp ebgp-requires-policy
 neighbor 127.0.0.6 remote-as 65006
 neighbor 127.0.0.6 passive
 neighbor 127.0.0.6 disable-connected-check
 address-family ipv4 unicast
  neighbor 127.0.0.6 soft-reconfiguration inbound
  neighbor 127.0.0.6 route-map NONE out
 exit-address-family
 bmp targets collector
  bmp monitor ipv4 unicast pre-policy
  bmp monitor ipv4 unicast post-policy
  bmp connect 127.0.0.1 port $BPORT min-retry 100 max-retry 1000
 exit
route-map NONE deny 10
EOF
	/usr/lib/frr/bgpd -S -M bmp -Z -l 127.0.0.11 -p "$RPORT" -P 0 -f "$tmp/frr-bmp/bgpd.conf" \
		--vty_socket "$tmp/frr-bmp" -i "$tmp/frr-bmp/bgpd.pid" --log stdout --log-level info > "$tmp/frr-bmp.log" 2>&1 &
	FRRB=$!
	PIDS="$PIDS $FRRB"
	start_exa_to 127.0.0.6 65006 127.0.0.11 65011
	check bmp-frr-peer-up "wait_for $tmp/$n.err 'BMP 127.0.0.1 peer 127.0.0.6: up, AS65006' 15" \
		"no Peer Up for 127.0.0.6 from FRR" "$tmp/$n.err"
	for p in $X4; do exa 127.0.0.6 "announce route $p next-hop 192.0.2.6 as-path [ 4837 131279 ]"; done
	check bmp-frr-routes-reach-engine "wait_jq $tmp/$n.out '$G_X' 15" \
		"no upstream_gained 4837 on 4 prefixes from FRR's monitoring" "$tmp/$n.out"
	for p in $X4; do exa 127.0.0.6 "withdraw route $p next-hop 192.0.2.6"; done
	check bmp-frr-withdrawn "wait_jq $tmp/$n.out 'map(select(.type==\"origin_down\"))|length==1' 15" \
		"no origin_down when the monitored peer withdrew" "$tmp/$n.out"
	# several routers at once: GoBGP joins FRR on the same station, each
	# monitoring its own ExaBGP; routes from both reach the engine
	start_gobgp_router
	EXA6=$EXA
	start_exa_to 127.0.0.4 65004 127.0.0.21 65041
	check bmp-two-routers-up "wait_for $tmp/$n.err 'BMP 127.0.0.1 peer 127.0.0.4: up, AS65004' 15" \
		"GoBGP's peer did not come up beside FRR's" "$tmp/$n.err"
	for p in $X4; do exa 127.0.0.6 "announce route $p next-hop 192.0.2.6 as-path [ 4837 131279 ]"; done
	for p in $Y3; do exa 127.0.0.4 "announce route $p next-hop 192.0.2.4 as-path [ 20485 131279 ]"; done
	check bmp-two-routers-routes "wait_jq $tmp/$n.out '$G_Y' 15 && wait_jq $tmp/$n.out 'map(select(.type==\"origin_up\"))|length==1' 5" \
		"no events from both routers' peers" "$tmp/$n.out"
	kill -USR1 "$COL"
	check bmp-two-routers-status "wait_for $tmp/$n.err 'BMP 2 routers 2 peers up' 5" "no status with 2 routers" "$tmp/$n.err"
	stop_col
	kill "$EXA" "$GOBGPR" 2>/dev/null
	wait "$EXA" "$GOBGPR" 2>/dev/null
	EXA=$EXA6
	check bmp-frr-clean-exit "[ $COLRC -eq 0 ]" "collect exited with $COLRC" "$tmp/$n.err"
	archive_same "$n" "$tmp/arch-$n" 1 "$tmp/arch-$n/127.0.0.1"
	kill "$EXA" "$FRRB" 2>/dev/null
	wait "$EXA" "$FRRB" 2>/dev/null
else
	nok bmp-frr-start "the collector did not start" "$tmp/$n.err"
fi

# ---------------------------------------------------------------- 7. --db: the history store, and a restart
n=db
if start_col "$n" --json --min-peers 1 --db "$tmp/live.db" --checkpoint 1 --peer 127.0.0.4,65004; then
	start_exa 127.0.0.4 65004
	wait_for "$tmp/$n.err" 'peer 127.0.0.4 AS65004: established' 10
	for p in $X4; do exa 127.0.0.4 "announce route $p next-hop 192.0.2.4 as-path [ 4837 131279 ]"; done
	wait_jq "$tmp/$n.out" "$G_X" 15
	for p in $Y3; do exa 127.0.0.4 "announce route $p next-hop 192.0.2.4 as-path [ 20485 131279 ]"; done
	wait_jq "$tmp/$n.out" "$G_Y" 15
	for p in $Y3; do exa 127.0.0.4 "announce route $p next-hop 192.0.2.4 as-path [ 4837 131279 ]"; done
	check db-live-events "wait_jq $tmp/$n.out '$L_Y' 15" "the scenario's events were not printed" "$tmp/$n.out"
	sleep 1.2
	stop_col
	check db-clean-exit "[ $COLRC -eq 0 ]" "collect exited with $COLRC" "$tmp/$n.err"
	proj='[.[] | {type, time, origin, upstream, prefixes: (.prefixes|sort)}] | sort_by(.time, .type, .upstream)'
	"$RW" events --db "$tmp/live.db" --json > "$tmp/db.stored" 2>&1
	check db-stored-events-same "[ \"\$(jq -s -c '$proj' $tmp/db.stored)\" = \"\$(jq -s -c '$proj' $tmp/$n.out)\" ]" \
		"stored $(wc -l < $tmp/db.stored) events, printed $(wc -l < $tmp/$n.out)"
	"$RW" history 131279 --db "$tmp/live.db" --json > "$tmp/db.hist" 2>&1
	check db-history "jq -e '(.upstreams|map(select(.asn==4837 and .last_seen==null))|length)==1 and (.upstreams|map(select(.asn==20485 and .last_seen!=null))|length)==1' $tmp/db.hist >/dev/null" \
		"history: $(cat $tmp/db.hist | head -c 300)"
	# a restart continues from the stored state: ExaBGP reconnects and sends
	# the same routes again, which is no news
	if start_col db2 --json --min-peers 1 --db "$tmp/live.db" --checkpoint 1 --peer 127.0.0.4,65004; then
		check db-restart-loads-state "wait_for $tmp/db2.err 'continuing from the stored state (4 prefixes, 4 routes)' 5" \
			"the stored state was not loaded" "$tmp/db2.err"
		wait_for "$tmp/db2.err" 'peer 127.0.0.4 AS65004: established' 20
		sleep 2.5
		stop_col
		check db-restart-no-news "grep -q 'peer 127.0.0.4 AS65004: established' $tmp/db2.err && [ ! -s $tmp/db2.out ]" \
			"after the restart: $(head -c 300 $tmp/db2.out)" "$tmp/db2.err"
	fi
	kill "$EXA" 2>/dev/null
	wait "$EXA" 2>/dev/null
else
	nok db-start "the collector did not start" "$tmp/$n.err"
fi

# ---------------------------------------------------------------- 8. SIGHUP reopens --log (logrotate)
"$RW" -v collect --asn 65000 --bgp 127.0.0.1:$PORT --log "$tmp/hup.log" > /dev/null 2> "$tmp/hup.err" &
COL=$!
PIDS="$PIDS $COL"
if wait_for "$tmp/hup.log" 'collecting as' 10; then
	mv "$tmp/hup.log" "$tmp/hup.log.1"
	kill -HUP "$COL"
	check sighup-reopens-log "wait_for $tmp/hup.log 'SIGHUP: log reopened' 5 && ! grep -q 'collecting as' $tmp/hup.log" \
		"no new log file after SIGHUP" "$tmp/hup.err"
	stop_col
	check sighup-clean-exit "[ $COLRC -eq 0 ] && grep -q 'SIGTERM: shutting down' $tmp/hup.log" \
		"exit $COLRC; the new log lacks the shutdown" "$tmp/hup.log"
else
	nok sighup-start "no log file written" "$tmp/hup.err"
fi

# ---------------------------------------------------------------- 9. ADD-PATH: GoBGP sends two paths for one prefix
# (ADD-PATH negotiated for IPv4 only: its IPv6 routes carry no path ids,
# are decoded without them and archived in non-ADD-PATH records)
n=addpath
mkdir -p "$tmp/arch-$n"
if start_col "$n" --json --min-peers 1 --archive "$tmp/arch-$n" --rotate 60 --peer 127.0.0.2,65002; then
	cat > "$tmp/gobgp-ap.toml" <<EOF
[global.config]
  as = 65002
  router-id = "127.0.0.2"
  port = -1
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.1"
    peer-as = 65000
  [neighbors.transport.config]
    local-address = "127.0.0.2"
    remote-port = $PORT
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
    [neighbors.afi-safis.add-paths.config]
      send-max = 8
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
EOF
	gobgpd -f "$tmp/gobgp-ap.toml" -p --api-hosts "127.0.0.1:$GAPI" --pprof-disable > "$tmp/gobgp-ap.log" 2>&1 &
	GOBGP=$!
	PIDS="$PIDS $GOBGP"
	check addpath-negotiated "wait_for $tmp/$n.err 'peer 127.0.0.2 AS65002: established (.*, ADD-PATH IPv4)' 20" \
		"no session with ADD-PATH for IPv4 (and IPv4 only)" "$tmp/$n.err"
	gobgp -p "$GAPI" global rib add -a ipv4 175.45.176.0/24 identifier 1 origin igp aspath "4837 131279" nexthop 192.0.2.2
	gobgp -p "$GAPI" global rib add -a ipv4 175.45.176.0/24 identifier 2 origin igp aspath "20485 131279" nexthop 192.0.2.22
	check addpath-both-paths "wait_jq $tmp/$n.out 'map(select(.type==\"upstream_gained\"))|map(.upstream)|sort==[4837,20485]' 15" \
		"the two paths of one prefix from one peer are not both upstreams" "$tmp/$n.out"
	gobgp -p "$GAPI" global rib del -a ipv4 175.45.176.0/24 identifier 2
	check addpath-withdraw-one "wait_jq $tmp/$n.out 'map(select(.type==\"upstream_lost\" and .upstream==20485 and .last_for_origin))|length==1' 15" \
		"withdrawing path id 2 did not lose upstream 20485" "$tmp/$n.out"
	gobgp -p "$GAPI" global rib add -a ipv6 2001:db8:100::/48 origin igp aspath "4837 131279" nexthop 2001:db8::2
	check addpath-ipv6-without-path-ids "wait_jq $tmp/$n.out 'map(select(.type==\"upstream_gained\" and .upstream==4837 and (.prefixes|index(\"2001:db8:100::/48\"))))|length==1' 15" \
		"the IPv6 route of a peer with ADD-PATH for IPv4 only was not read right" "$tmp/$n.out"
	sleep 1.2
	stop_col
	kill "$GOBGP" 2>/dev/null
	ap=$(cat "$tmp/arch-$n"/updates.* | bgpdump -m - 2>/dev/null | grep -c '^BGP4MP_ET_AP|.*|175.45.176.0/24|[12]|')
	check addpath-archive "[ $ap -ge 2 ]" "bgpdump sees $ap ADD-PATH announcements with path ids 1 and 2"
	v6=$(cat "$tmp/arch-$n"/updates.* | bgpdump -m - 2>/dev/null | grep -c '^BGP4MP_ET|.*|A|.*|2001:db8:100::/48|65002 4837 131279|')
	check addpath-archive-ipv6-plain "[ $v6 -eq 1 ]" \
		"bgpdump sees $v6 plain (non-ADD-PATH) records of the IPv6 route: $(cat "$tmp/arch-$n"/updates.* | bgpdump -m - 2>/dev/null | grep 2001:db8:100 | head -2)"
	archive_same "$n" "$tmp/arch-$n" 1
else
	nok addpath-start "the collector did not start" "$tmp/$n.err"
fi

echo "$pass passed, $fail failed"

[ $fail -eq 0 ]
