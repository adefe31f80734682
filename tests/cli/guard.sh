#!/bin/sh
# routewatch collect under attack and bad luck (issue 10), with real
# speakers (ExaBGP, BIRD) on loopback and tests/cli/attack.py as the
# hostile host: forged BMP from a stranger, a bare connect and a colliding
# OPEN from an Established peer's address, a flood of idle connections
# and a slowloris, the file-descriptor limit, --exec children and a
# restart, what bgpdump reads.
# (harness: tests/cli/lib_collect.sh)
set -u
SUITE=guard
. "$(dirname "$0")/lib_collect.sh"
ATTACK="python3 $(cd "$(dirname "$0")" && pwd)/attack.py"
BPORT=$((PORT + 2))
X4="175.45.176.0/24 175.45.177.0/24 175.45.178.0/24 175.45.179.0/24"

# exa_up NAME: ExaBGP 127.0.0.4 established and its 4 prefixes announced
exa_up() {
	start_exa 127.0.0.4 65004
	wait_for "$tmp/$1.err" 'peer 127.0.0.4 AS65004: established' 15 || return 1
	for p in $X4; do exa 127.0.0.4 "announce route $p next-hop 192.0.2.4 as-path [ 4837 131279 ]"; done
	wait_jq "$tmp/$1.out" 'map(select(.type=="upstream_gained"))|length>=1' 15
}

# still_up NAME: ExaBGP's session and its 4 routes are still there, no
# down event was printed; then the collector and ExaBGP stop
still_up() {
	check "$1-session-kept" "! grep -q 'peer 127.0.0.4 AS65004: session ended' $tmp/$n.err" \
		"the Established session ended" "$tmp/$n.err"
	check "$1-no-false-event" "jq -s -e 'map(select(.type==\"prefix_down\" or .type==\"origin_down\"))|length==0' $tmp/$n.out > /dev/null" \
		"down events were printed" "$tmp/$n.out"
	kill -USR1 "$COL"
	check "$1-routes-kept" "wait_for $tmp/$n.err 'status: 1/1 peers established, 4 prefixes, 4 routes' 5" \
		"the peer's routes are not all there" "$tmp/$n.err"
	stop_col
	kill "$EXA" 2>/dev/null
}

# ---------------------------------------------------------------- BMP
n=bmp
check bmp-needs-an-allow-list \
	"! '$RW' collect --asn 65000 --bmp 127.0.0.1:$BPORT > /dev/null 2> '$tmp/bmp0.err' && grep -q 'needs --bmp-router' '$tmp/bmp0.err'" \
	"collect --bmp without --bmp-router/--bmp-accept did not refuse to start" "$tmp/bmp0.err"
if start_col "$n" --bmp 127.0.0.1:$BPORT --bmp-router 127.0.0.9 --json --min-peers 1 --archive "$tmp/arch-$n"; then
	r=$($ATTACK bmp-forge 127.0.0.1 $BPORT 127.0.0.20)
	sleep 1.5
	check bmp-stranger-closed "echo '$r' | jq -e '.closed' > /dev/null" "the stranger's connection was not closed: $r"
	check bmp-stranger-logged "grep -q 'BMP: connection from 127.0.0.20 refused' $tmp/$n.err" \
		"no refusal logged" "$tmp/$n.err"
	check bmp-stranger-no-event "[ ! -s $tmp/$n.out ]" "the forged BMP made events: $(head -c 300 $tmp/$n.out)"
	check bmp-stranger-no-archive "[ ! -e $tmp/arch-$n/127.0.0.20 ]" "an archive directory was made for the stranger"
	for i in 1 2 3; do $ATTACK bare 127.0.0.1 $BPORT 127.0.0.20 0.5 > /dev/null; done
	check bmp-refusal-logged-once "[ \$(grep -c 'connection from 127.0.0.20 refused' $tmp/$n.err) -eq 1 ]" \
		"a refused address was logged more than once a minute" "$tmp/$n.err"
	stop_col
else
	nok bmp-start "the collector did not start" "$tmp/$n.err"
fi

# ---------------------------------------------------------------- collisions
# RFC 4271 §6.8: a bare connect and a colliding OPEN from the address of
# an Established peer leave that session and its routes alone.
n=collide
if start_col "$n" --json --min-peers 1 --peer 127.0.0.4,65004 --open-timeout 2 && exa_up "$n"; then
	b=$($ATTACK bare 127.0.0.1 $PORT 127.0.0.4 3)
	o=$($ATTACK open 127.0.0.1 $PORT 127.0.0.4 65004)
	sleep 1.5
	check collide-bare-connect-closed "echo '$b' | jq -e '.closed_after != null' > /dev/null" \
		"a bare connect was held open past the open timeout: $b"
	check collide-open-refused-6-7 "echo '$o' | jq -e '.msgs | map(select(.type==3 and .code==6 and .sub==7)) | length == 1' > /dev/null" \
		"the colliding OPEN did not get Cease 6/7: $o"
	still_up collide
else
	nok collide-start "the collector or ExaBGP did not start" "$tmp/$n.err"
fi

# ---------------------------------------------------------------- floods
# 2,000 idle connections from 2,000 addresses and a slowloris: shed (the
# total cap refuses most at once, the open timeout closes the rest), and
# the real session stays up.
n=flood
if start_col "$n" --json --min-peers 1 --peer 127.0.0.4,65004 --accept 127.0.0.0/8 --open-timeout 3 \
	--max-connections 100 && exa_up "$n"; then
	$ATTACK slowloris 127.0.0.1 $PORT 127.0.0.30 12 > "$tmp/slow.json" &
	SL=$!
	f=$($ATTACK flood 127.0.0.1 $PORT 2000 8)
	wait $SL
	s=$(cat "$tmp/slow.json")
	check flood-shed "echo '$f' | jq -e '.connected + .failed + .never_connected == 2000 and .still_open == 0' > /dev/null" \
		"idle connections were not all shed: $f"
	check slowloris-closed "jq -e '.closed_after != null and .closed_after <= 6' $tmp/slow.json > /dev/null" \
		"the slowloris was held open: $s"
	check flood-logs-small "[ \$(wc -c < $tmp/$n.err) -lt 20000 ]" \
		"the flood wrote $(wc -c < $tmp/$n.err) bytes of log" "$tmp/$n.err"
	still_up flood
else
	nok flood-start "the collector or ExaBGP did not start" "$tmp/$n.err"
fi

# ---------------------------------------------------------------- a big peer leaves
# A peer with 400 k prefixes of one origin withdraws them all while BIRD
# runs with hold time 9 s: prefix_down events holding every prefix, BIRD's
# session and routes untouched (the grouping was quadratic: 30 s of a
# blocked event loop at 400 k prefixes; bench/group.sh times it). The
# routes are withdrawn (its static protocol disabled), not lost with the
# session: a session's end is no outage (docs/events.md §9).
n=big
BIG=${BIG_PREFIXES:-400000}
if start_col "$n" --json --min-peers 1 --peer 127.0.0.3,65003 --peer 127.0.0.5,65005; then
	bird_routes "175.45.176.0/24:4837 131279" "175.45.177.0/24:4837 131279" \
		"175.45.178.0/24:4837 131279" "175.45.179.0/24:4837 131279"
	BIRD_HOLD=9 start_bird
	awk -v n="$BIG" 'BEGIN { print "protocol static big {"; print "  ipv4;"
		for (i = 0; i < n; i++) printf "  route %d.%d.%d.0/24 blackhole;\n", 10 + int(i / 65536), int(i / 256) % 256, i % 256
		print "}" }' > "$tmp/big-routes.conf"
	{
		echo "log stderr all;"
		echo "router id 127.0.0.5;"
		echo "protocol device { }"
		echo "include \"$tmp/big-routes.conf\";"
		echo "protocol bgp collector {"
		echo "  local 127.0.0.5 as 65005;"
		echo "  neighbor 127.0.0.1 port $PORT as 65000;"
		echo "  multihop 2; strict bind on; connect retry time 1; connect delay time 0; hold time 90;"
		echo "  ipv4 { import none; export filter { bgp_path.prepend(64512); accept; }; next hop address 192.0.2.5; };"
		echo "}"
	} > "$tmp/big.conf"
	bird -f -c "$tmp/big.conf" -s "$tmp/big.ctl" -P "$tmp/big.pid" > "$tmp/big.log" 2>&1 &
	BIGB=$!
	PIDS="$PIDS $BIGB"
	i=0
	while [ $i -lt 120 ] && ! grep -q "status: 2/2 peers established, $((BIG + 4)) prefixes" "$tmp/$n.err"; do
		kill -USR1 "$COL"
		sleep 1
		i=$((i + 1))
	done
	check big-table-in "grep -q 'status: 2/2 peers established, $((BIG + 4)) prefixes' $tmp/$n.err" \
		"the big peer's $BIG prefixes did not all arrive" "$tmp/$n.err"
	birdc -s "$tmp/big.ctl" disable big > /dev/null
	check big-one-prefix-down "wait_jq $tmp/$n.out 'map(select(.type==\"prefix_down\" and .origin==64512))|map(.prefixes|length)|add==$BIG' 60" \
		"no prefix_down of origin 64512 with $BIG prefixes" "$tmp/$n.err"
	sleep 10 # a hold time and more: BIRD would have dropped a blocked collector
	check big-bird-session-kept "! grep -q 'peer 127.0.0.3 AS65003: session ended' $tmp/$n.err && birdc -s $tmp/bird.ctl show protocols collector | grep -q Established" \
		"BIRD's session (hold 9 s) was lost while the big peer left" "$tmp/$n.err"
	check big-no-false-event "jq -s -e 'map(select(.type==\"prefix_down\" and .origin==131279))|length==0' $tmp/$n.out > /dev/null" \
		"BIRD's prefixes went down" "$tmp/$n.out"
	kill -9 "$BIGB"
	stop_col
	kill "$BIRD" 2>/dev/null
else
	nok big-start "the collector did not start" "$tmp/$n.err"
fi

# ---------------------------------------------------------------- fd limit
# At the descriptor limit accept fails: the port pauses and retries
# instead of spinning and logging every failure; once the idle
# connections time out, a real peer gets in.
n=fdlimit
"$RW" -v collect --asn 65000 --bgp 127.0.0.1:$PORT --json --min-peers 1 --accept 127.0.0.0/8 \
	--open-timeout 4 --max-connections 1000 --max-per-address 1000 > "$tmp/$n.out" 2> "$tmp/$n.err" &
COL=$!
PIDS="$PIDS $COL"
if wait_for "$tmp/$n.err" 'collecting as' 10; then
	prlimit --pid "$COL" --nofile=40:40
	t0=$(awk '{print $14 + $15}' /proc/$COL/stat)
	f=$($ATTACK flood 127.0.0.1 $PORT 200 3)
	t1=$(awk '{print $14 + $15}' /proc/$COL/stat)
	tps=$(getconf CLK_TCK)
	check fdlimit-no-spin "[ \$(( (t1 - t0) * 1000 / tps )) -lt 1500 ]" \
		"the collector used $(( (t1 - t0) * 1000 / tps )) ms of CPU in 3 s at the fd limit"
	check fdlimit-logged-once "[ \$(grep -c 'accepting a connection failed' $tmp/$n.err) -le 1 ] && grep -q 'accepting a connection failed' $tmp/$n.err" \
		"accept errors were not logged exactly once" "$tmp/$n.err"
	check fdlimit-logs-small "[ \$(wc -c < $tmp/$n.err) -lt 20000 ]" "$(wc -c < $tmp/$n.err) bytes of log" "$tmp/$n.err"
	sleep 5 # the idle ones time out, descriptors free up
	start_exa 127.0.0.4 65004
	check fdlimit-peer-gets-in "wait_for $tmp/$n.err 'peer 127.0.0.4 AS65004: established' 20" \
		"a real peer could not get in once descriptors were free" "$tmp/$n.err"
	stop_col
	kill "$EXA" 2>/dev/null
else
	nok fdlimit-start "the collector did not start" "$tmp/$n.err"
fi

# ---------------------------------------------------------------- --exec
# --exec children get their event and nothing else: a child still running
# holds no socket of ours, and the restart that follows can listen.
n=exec
if start_col "$n" --json --min-peers 1 --peer 127.0.0.4,65004 \
	--exec "echo \$\$ >> $tmp/kid.pid; ls -l /proc/\$\$/fd > $tmp/kid.fds; exec sleep 30" && exa_up "$n"; then
	sleep 1
	check exec-child-holds-no-socket "[ -s $tmp/kid.fds ] && ! grep -q socket $tmp/kid.fds" \
		"the --exec child holds sockets: $(grep socket $tmp/kid.fds 2>/dev/null | head -3)"
	stop_col
	kill "$EXA" 2>/dev/null
	if start_col "$n-2" --json --min-peers 1; then
		ok exec-restart-listens
		stop_col
	else
		nok exec-restart-listens "the restart could not listen while the --exec child ran" "$tmp/$n-2.err"
	fi
	[ -s "$tmp/kid.pid" ] && kill $(cat "$tmp/kid.pid") 2>/dev/null
else
	nok exec-start "the collector or ExaBGP did not start" "$tmp/$n.err"
fi

# ---------------------------------------------------------------- --db on a full disk
# A checkpoint that fails (no space) is tried again, the history waits in
# memory, and storing resumes when space is back: nothing is lost (it
# used to stop storing for the rest of the run).
n=dbfull
mkdir -p "$tmp/full"
if ! mount -t tmpfs -o size=4m tmpfs "$tmp/full" 2> "$tmp/mount.err"; then
	echo "skip - guard/db-full-disk: cannot mount a small tmpfs to fill: $(cat "$tmp/mount.err")"
else
	if RWV="-v -v" start_col "$n" --json --min-peers 1 --peer 127.0.0.4,65004 --db "$tmp/full/h.db" \
		--checkpoint 1 && exa_up "$n" && wait_for "$tmp/$n.err" 'checkpoint 2 at' 15; then
		dd if=/dev/zero of="$tmp/full/filler" bs=64k > /dev/null 2>&1 # until ENOSPC
		for p in $X4; do exa 127.0.0.4 "announce route $p next-hop 192.0.2.4 as-path [ 20485 131279 ]"; done
		check db-full-checkpoint-fails "wait_for $tmp/$n.err 'checkpoint failed' 15" \
			"no checkpoint failed on the full disk" "$tmp/$n.err"
		wait_jq "$tmp/$n.out" 'map(select(.type=="upstream_gained" and .upstream==20485))|length>=1' 10
		sleep 2
		rm -f "$tmp/full/filler"
		check db-full-resumes "wait_for $tmp/$n.err 'the history is stored again' 20" \
			"storing did not resume once space was back" "$tmp/$n.err"
		stop_col
		check db-full-clean-exit "[ $COLRC -eq 0 ]" "collect exited with $COLRC" "$tmp/$n.err"
		kill "$EXA" 2>/dev/null
		"$RW" events --db "$tmp/full/h.db" --json > "$tmp/$n.db.json" 2>&1
		jq -c -S 'del(.confirmed_at, .peers, .origin_prefixes)' "$tmp/$n.out" | sort > "$tmp/$n.a"
		jq -c -S 'del(.confirmed_at, .peers, .origin_prefixes)' "$tmp/$n.db.json" | sort > "$tmp/$n.b"
		check db-full-nothing-lost "grep -q '\"upstream\":20485' $tmp/$n.b && cmp -s $tmp/$n.a $tmp/$n.b" \
			"the store does not hold the events printed: $(diff $tmp/$n.a $tmp/$n.b | head -4)"
	else
		nok db-full-start "the collector or ExaBGP did not start, or no checkpoint was taken" "$tmp/$n.err"
	fi
	umount "$tmp/full"
fi

# ---------------------------------------------------------------- a slow checkpoint
# Every COMMIT takes 12 s (a full table's checkpoint on a slow disk, made
# by tests/cli/slow_commit.c through LD_PRELOAD), BIRD runs with hold time
# 9 s: the checkpoint runs on its own thread, the event loop keeps the
# session (it used to wait, and BIRD dropped the session), and what BIRD
# announces meanwhile is applied when the checkpoint ends and stored.
n=slowdb
SLOW=$(cd "$(dirname "$RW")" && pwd)/tests/librwslow.so
if [ ! -e "$SLOW" ]; then
	nok slow-checkpoint "$SLOW is missing (the build makes it)"
else
	LD_PRELOAD=$SLOW RW_COMMIT_DELAY=12 ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" "$RW" -v -v collect --asn 65000 --bgp 127.0.0.1:$PORT --json --min-peers 1 \
		--peer 127.0.0.3,65003 --db "$tmp/slow.db" --checkpoint 1 > "$tmp/$n.out" 2> "$tmp/$n.err" &
	COL=$!
	PIDS="$PIDS $COL"
	if wait_for "$tmp/$n.err" 'collecting as' 10; then
		bird_routes "175.45.176.0/24:4837 131279" "175.45.177.0/24:4837 131279" \
			"175.45.178.0/24:4837 131279" "175.45.179.0/24:4837 131279"
		BIRD_HOLD=9 start_bird
		wait_for "$tmp/$n.err" 'peer 127.0.0.3 AS65003: established' 15
		sleep 3 # a checkpoint is running now
		bird_routes "175.45.176.0/24:20485 131279" "175.45.177.0/24:20485 131279" \
			"175.45.178.0/24:20485 131279" "175.45.179.0/24:20485 131279"
		bird_reconf
		sleep 25 # two slow checkpoints and more than a hold time
		check slow-checkpoint-session-kept "! grep -q 'peer 127.0.0.3 AS65003: session ended' $tmp/$n.err && birdc -s $tmp/bird.ctl show protocols collector | grep -q Established" \
			"BIRD's session (hold 9 s) was lost while a checkpoint ran" "$tmp/$n.err"
		check slow-checkpoint-events "jq -s -e 'map(select(.type==\"upstream_gained\" and .upstream==20485))|length>=1' $tmp/$n.out > /dev/null" \
			"what BIRD announced during a checkpoint made no event" "$tmp/$n.out"
		check slow-checkpoint-taken "[ \$(grep -c 'checkpoint [0-9]* at' $tmp/$n.err) -ge 2 ]" \
			"fewer than 2 checkpoints in 28 s" "$tmp/$n.err"
		stop_col
		kill "$BIRD" 2>/dev/null
		"$RW" events --db "$tmp/slow.db" --json > "$tmp/$n.db.json" 2>&1
		check slow-checkpoint-stored "[ $COLRC -eq 0 ] && grep -q '\"upstream\":20485' $tmp/$n.db.json" \
			"rc=$COLRC; the events made during a checkpoint are not in the store" "$tmp/$n.err"
	else
		nok slow-checkpoint-start "the collector did not start" "$tmp/$n.err"
	fi
fi

# ---------------------------------------------------------------- bgpdump
# docs/collect.md says which --compress choices bgpdump reads; so do we.
n=xz
"$RW" synth updates --records 10 --seed 3 -o "$tmp/u.mrt" > /dev/null
xz -k "$tmp/u.mrt"
check bgpdump-reads-no-xz "[ -z \"\$(bgpdump -m $tmp/u.mrt.xz 2>/dev/null)\" ] && [ -n \"\$(bgpdump -m $tmp/u.mrt 2>/dev/null)\" ]" \
	"Debian's bgpdump reads .xz now: update docs/collect.md"
check bgpdump-docs-say-so "grep -q 'reads plain, \`gz\` and \`bz2\` files only' $(dirname "$0")/../../docs/collect.md" \
	"docs/collect.md does not say which files bgpdump reads"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
