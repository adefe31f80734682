#!/bin/sh
# Origins and more-specifics (docs/events.md §10) end to end: an archive
# (one collector, three peers; a RIB dump where AS65551 originates
# 192.0.2.0/24 and 198.51.100.0/24 through AS64500, then updates) in
# which two peers see AS64666 announce a more-specific of 192.0.2.0/24
# (08:01), then 192.0.2.0/24 itself (08:02: a MOAS), and give it back
# (08:05). The JSON events carry the types, times, other_origins,
# covering and covering_origins, they validate against
# docs/events.schema.json, one peer alone confirms nothing at
# --min-peers 2, and ingest then `events --db` gives the same events.
#
# Usage: tests/cli/origins.sh [BUILD_DIR]. Prints "ok - origins/NAME" lines
# and "N passed, N failed". Runs on a fresh clone (no shared data).
set -u
SUITE=origins
. "$(dirname "$0")/lib_check.sh"

need jq python3

# archive DIR NPEERS: the RIB dump and the update file; NPEERS of the
# three peers see AS64666
archive() {
	mkdir -p "$1/rv"
	python3 - "$1/rv" "$2" <<'PY'
import socket
import struct
import sys

out, nhij = sys.argv[1], int(sys.argv[2])
T0 = 1709971200  # 2024-03-09 08:00:00 UTC
PEERS = [(3356, "198.51.100.1"), (174, "198.51.100.2"), (1299, "198.51.100.3")]


def mrt(ts, typ, sub, body):
    return struct.pack(">IHHI", ts, typ, sub, len(body)) + body


def attrs(path, nh):
    seg = struct.pack(">BB", 2, len(path)) + b"".join(struct.pack(">I", a) for a in path)
    return (struct.pack(">BBBB", 0x40, 1, 1, 0) + struct.pack(">BBB", 0x40, 2, len(seg)) + seg +
            struct.pack(">BBB", 0x40, 3, 4) + socket.inet_aton(nh))


def pfx(p):
    a, n = p.split("/")
    n = int(n)
    return struct.pack(">B", n) + socket.inet_aton(a)[:(n + 7) // 8]


# TABLE_DUMP_V2: PEER_INDEX_TABLE, then one RIB_IPV4_UNICAST per prefix
rib = [mrt(T0, 13, 1, socket.inet_aton("192.0.2.254") + struct.pack(">HH", 0, len(PEERS)) +
           b"".join(struct.pack(">B", 2) + socket.inet_aton(ip) + socket.inet_aton(ip) + struct.pack(">I", asn)
                    for asn, ip in PEERS))]
for seq, p in enumerate(["192.0.2.0/24", "198.51.100.0/24"]):
    ents = b""
    for i, (asn, ip) in enumerate(PEERS):
        a = attrs([asn, 64500, 65551], ip)
        ents += struct.pack(">HIH", i, T0 - 3600, len(a)) + a
    rib.append(mrt(T0, 13, 2, struct.pack(">I", seq) + pfx(p) + struct.pack(">H", len(PEERS)) + ents))
open(out + "/rib.20240309.0800", "wb").write(b"".join(rib))


def update(ts, peer, prefix, path=None):
    asn, ip = PEERS[peer]
    if path:
        a = attrs([asn] + path, ip)
        body = struct.pack(">H", 0) + struct.pack(">H", len(a)) + a + pfx(prefix)
    else:
        w = pfx(prefix)
        body = struct.pack(">H", len(w)) + w + struct.pack(">H", 0)
    msg = b"\xff" * 16 + struct.pack(">HB", 19 + len(body), 2) + body
    hdr = struct.pack(">IIHH", asn, 6447, 0, 1) + socket.inet_aton(ip) + socket.inet_aton("192.0.2.254")
    return mrt(ts, 16, 4, hdr + msg)


upd = []
for p in range(nhij):
    upd.append(update(T0 + 60, p, "192.0.2.128/25", [64510, 64666]))
for p in range(nhij):
    upd.append(update(T0 + 120, p, "192.0.2.0/24", [64510, 64666]))
for p in range(nhij):
    upd.append(update(T0 + 300, p, "192.0.2.0/24", [64500, 65551]))
upd.append(update(T0 + 600, 2, "198.51.100.0/24", [64500, 65551]))
open(out + "/updates.20240309.0800", "wb").write(b"".join(upd))
PY
}

archive "$tmp/a" 2
"$RW" events --json "$tmp/a" > "$tmp/ev.json" 2>"$tmp/err"; rc=$?
check runs "[ $rc -eq 0 ] && [ -s $tmp/ev.json ]" "rc=$rc $(head -c 300 "$tmp/err")"

# one line per §10 event: type time origin prefixes extra
proj='select(.type | IN("origin_gained", "origin_lost", "prefix_new", "more_specific")) |
	[.type, .time, .origin, (.prefixes | join(",")), (.other_origins // .remaining_origins // .covering_origins // [] | map(tostring) | join(",")), (.covering // "-"), (.new_for_prefix // "-")] | join(" ")'
jq -r "$proj" "$tmp/ev.json" > "$tmp/got"
cat > "$tmp/want" <<'W'
prefix_new 2024-03-09T08:01:00Z 64666 192.0.2.128/25  - -
more_specific 2024-03-09T08:01:00Z 64666 192.0.2.128/25 65551 192.0.2.0/24 -
origin_gained 2024-03-09T08:02:00Z 64666 192.0.2.0/24 65551 - true
origin_lost 2024-03-09T08:05:00Z 64666 192.0.2.0/24 65551 - -
W
check origin-events "cmp -s $tmp/want $tmp/got" "got: $(tr '\n' ';' < "$tmp/got")"
check more-specific-keys "jq -s -e 'map(select(.type == \"more_specific\")) | length == 1 and .[0].covering == \"192.0.2.0/24\" and .[0].covering_origins == [65551]' $tmp/ev.json > /dev/null" \
	"$(grep more_specific "$tmp/ev.json")"
check moas-keys "jq -s -e 'map(select(.type == \"origin_gained\")) | length == 1 and .[0].other_origins == [65551] and .[0].new_for_prefix == true' $tmp/ev.json > /dev/null" \
	"$(grep origin_gained "$tmp/ev.json")"
# the hijacker's upstream episodes are the usual events beside them
jq -r 'select(.type == "upstream_gained" and .origin == 64666) | .time' "$tmp/ev.json" > "$tmp/up"
printf '2024-03-09T08:01:00Z\n2024-03-09T08:02:00Z\n' > "$tmp/upwant"
check upstream-events "cmp -s $tmp/up $tmp/upwant" \
	"$(grep upstream_ "$tmp/ev.json" | tr '\n' ' ')"

# text for people
"$RW" events "$tmp/a" > "$tmp/ev.txt" 2>/dev/null
check text "grep -q 'AS64666 announced 1 more-specific inside AS65551.s 192.0.2.0/24: 192.0.2.128/25' $tmp/ev.txt && grep -q 'AS64666 began to originate 1 prefix (a new origin for them), beside AS65551' $tmp/ev.txt" \
	"$(grep -v upstream "$tmp/ev.txt" | head -4 | tr '\n' ' ')"

# one peer is not enough at --min-peers 2
archive "$tmp/one" 1
"$RW" events --json "$tmp/one" > "$tmp/one.json" 2>/dev/null
check unconfirmed "[ -z \"\$(jq -r '$proj' $tmp/one.json)\" ]" "$(jq -r "$proj" "$tmp/one.json" | tr '\n' ';')"

# --type selects them
"$RW" events --json --type more_specific,origin_lost "$tmp/a" > "$tmp/t.json" 2>/dev/null
check type-filter "[ \"\$(jq -r .type $tmp/t.json | tr '\n' ' ')\" = 'more_specific origin_lost ' ]" "$(jq -r .type "$tmp/t.json" | tr '\n' ' ')"

# stored: ingest, then events --db gives the same events
"$RW" ingest -q --db "$tmp/o.db" "$tmp/a" > "$tmp/ing.out" 2>&1; rc=$?
"$RW" events --db "$tmp/o.db" --json > "$tmp/db.json" 2>&1
check stored "[ $rc -eq 0 ] && [ -s $tmp/db.json ] && [ \"\$(jq -S -c . $tmp/db.json | sort)\" = \"\$(jq -S -c . $tmp/ev.json | sort)\" ]" \
	"rc=$rc $(diff "$tmp/db.json" "$tmp/ev.json" | head -4 | tr '\n' ' ')"
# the report tells them in sentences
"$RW" report 64666 --db "$tmp/o.db" --from 2024-03-09 --until 2024-03-10 > "$tmp/report.txt" 2>&1
check report "grep -q 'AS64666 announced 192.0.2.128/25, inside AS65551.s 192.0.2.0/24' $tmp/report.txt && grep -q 'AS64666 began to announce 192.0.2.0/24, which AS65551 also announced' $tmp/report.txt && grep -q 'AS64666 stopped announcing 192.0.2.0/24, still announced by AS65551' $tmp/report.txt && grep -q 'AS64666 announced 192.0.2.128/25, seen for the first time' $tmp/report.txt" \
	"$(grep -c . "$tmp/report.txt") lines: $(grep AS64666 "$tmp/report.txt" | head -3 | tr '\n' ' ')"
# and the victim's report tells the hijack of its prefix by AS64666
"$RW" report 65551 --db "$tmp/o.db" --from 2024-03-09 --until 2024-03-10 > "$tmp/victim.txt" 2>&1
check victim-report "grep -q 'AS64666 announced 192.0.2.128/25, inside AS65551.s 192.0.2.0/24' $tmp/victim.txt && grep -q 'AS64666 began to announce 192.0.2.0/24, which AS65551 also announced' $tmp/victim.txt" \
	"$(grep -c . "$tmp/victim.txt") lines: $(head -8 "$tmp/victim.txt" | tr '\n' ' ')"
"$RW" events --db "$tmp/o.db" > "$tmp/db.txt" 2>&1
check stored-text "cmp -s $tmp/db.txt $tmp/ev.txt" "$(diff "$tmp/db.txt" "$tmp/ev.txt" | head -4 | tr '\n' ' ')"

if python3 -c 'import jsonschema' 2>/dev/null; then
	python3 "$HERE/validate_events.py" "$HERE/../../docs/events.schema.json" "$tmp/ev.json" "$tmp/db.json" > "$tmp/schema.out" 2>&1
	check schema "[ $? -eq 0 ]" "$(head -3 "$tmp/schema.out")"
else
	nok schema "python3-jsonschema is not installed (scripts/install-deps.sh test installs it)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
