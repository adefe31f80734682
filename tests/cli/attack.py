#!/usr/bin/env python3
"""What a hostile host (or bad luck) does to a collector's ports, for
tests/cli/guard.sh. Every mode prints one JSON line of what it saw.

  attack.py bmp-forge HOST PORT SRC       Initiation, Peer Up and a Route
                                          Monitoring announcing 198.51.100.0/24
                                          from a stranger; reports whether the
                                          connection was closed on it
  attack.py bare HOST PORT SRC SECONDS    connect from SRC, send nothing
  attack.py open HOST PORT SRC ASN        connect from SRC and send a BGP OPEN:
                                          reports the NOTIFICATION received
  attack.py flood HOST PORT N SECONDS     N idle connections from 127.0.x.y;
                                          reports how many the collector
                                          closed within SECONDS
  attack.py slowloris HOST PORT SRC SECONDS  one byte of an OPEN per second;
                                          reports when the collector closed it
"""
import json
import resource
import select
import socket
import struct
import sys
import time


def conn(host, port, src, timeout=5):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, 0))
    s.settimeout(timeout)
    s.connect((host, port))
    return s


def closed_within(s, seconds):
    """Seconds until the peer closed s (EOF or reset), or None."""
    t0 = time.monotonic()
    s.setblocking(False)
    while time.monotonic() - t0 < seconds:
        r, _, _ = select.select([s], [], [], 0.2)
        if r:
            try:
                if not s.recv(65536):
                    return time.monotonic() - t0
            except (ConnectionResetError, BrokenPipeError):
                return time.monotonic() - t0
            except BlockingIOError:
                pass
    return None


def bgp_open(asn, bgp_id, hold=90):
    # version 4, 2-byte AS (AS_TRANS when 4-byte), hold, id, capability 4-byte AS
    cap = bytes([2, 6, 65, 4]) + struct.pack("!I", asn)
    body = struct.pack("!BHHIB", 4, asn if asn < 65536 else 23456, hold, bgp_id, len(cap)) + cap
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), 1) + body


def bmp(msg_type, body):
    return struct.pack("!BIB", 3, 6 + len(body), msg_type) + body


def per_peer(peer_ip, asn):
    addr = b"\x00" * 12 + socket.inet_aton(peer_ip)
    return struct.pack("!BB8s", 0, 0, b"\x00" * 8) + addr + struct.pack("!II", asn, 0x0A000001) + struct.pack("!II", int(time.time()), 0)


def update_announce(prefix_bytes, plen, path):
    seg = struct.pack("!BB", 2, len(path)) + b"".join(struct.pack("!I", a) for a in path)
    attrs = (bytes([0x40, 1, 1, 0]) + bytes([0x40, 2, len(seg)]) + seg +
             bytes([0x40, 3, 4]) + socket.inet_aton("192.0.2.66"))
    nlri = bytes([plen]) + prefix_bytes
    body = struct.pack("!H", 0) + struct.pack("!H", len(attrs)) + attrs + nlri
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), 2) + body


def bmp_forge(host, port, src):
    s = conn(host, port, src)
    info = struct.pack("!HH", 2, 6) + b"forger"
    sent = 0
    try:
        s.sendall(bmp(4, info))  # Initiation
        sent += 1
        pp = per_peer("10.66.0.1", 64666)
        op = bgp_open(64666, 0x0A420001)
        up = pp + b"\x00" * 12 + socket.inet_aton("127.0.0.1") + struct.pack("!HH", 179, 40000) + op + op
        time.sleep(0.2)
        s.sendall(bmp(3, up))  # Peer Up
        sent += 1
        upd = update_announce(bytes([198, 51, 100]), 24, [64666, 64667])
        time.sleep(0.2)
        s.sendall(bmp(0, pp + upd))  # Route Monitoring
        sent += 1
    except (BrokenPipeError, ConnectionResetError):
        pass
    closed = closed_within(s, 2)
    print(json.dumps({"sent": sent, "closed": closed is not None}))


def bare(host, port, src, seconds):
    s = conn(host, port, src)
    closed = closed_within(s, float(seconds))
    print(json.dumps({"closed_after": closed}))


def open_collide(host, port, src, asn):
    s = conn(host, port, src)
    s.sendall(bgp_open(int(asn), 0x7F0000FE))
    got = b""
    t0 = time.monotonic()
    while time.monotonic() - t0 < 5:
        r, _, _ = select.select([s], [], [], 0.2)
        if r:
            try:
                d = s.recv(65536)
            except ConnectionResetError:
                break
            if not d:
                break
            got += d
    # walk the messages: the collector's OPEN, then its answer
    msgs = []
    while len(got) >= 19:
        ln, ty = struct.unpack("!HB", got[16:19])
        m = got[:ln]
        got = got[ln:]
        if ty == 3 and len(m) >= 21:
            msgs.append({"type": 3, "code": m[19], "sub": m[20]})
        else:
            msgs.append({"type": ty})
    print(json.dumps({"msgs": msgs}))


def flood(host, port, n, seconds):
    """Connects without waiting for each (a paused listener's backlog
    must not serialise them), then watches which the collector closes."""
    n = int(n)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 256)), hard))
    pending, failed = [], 0
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.%d.%d" % (10 + i // 250, 1 + i % 250), 0))
        s.setblocking(False)
        if s.connect_ex((host, port)) not in (0, 115):  # EINPROGRESS
            failed += 1
            s.close()
            continue
        pending.append(s)
    t0 = time.monotonic()
    connected, open_, waiting = 0, set(pending), set(pending)
    by_fd = {s.fileno(): s for s in pending}
    poll = select.poll()
    for s in pending:
        poll.register(s, select.POLLOUT | select.POLLIN)
    while open_ and time.monotonic() - t0 < float(seconds):
        for fd, ev in poll.poll(200):
            s = by_fd[fd]
            if s in waiting and ev & (select.POLLOUT | select.POLLERR | select.POLLHUP):
                waiting.discard(s)
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    failed += 1
                    open_.discard(s)
                    poll.unregister(s)
                    continue
                connected += 1
                poll.modify(s, select.POLLIN)
            if s not in waiting and ev & (select.POLLIN | select.POLLHUP | select.POLLERR):
                try:
                    if s.recv(65536):
                        continue
                except BlockingIOError:
                    continue
                except (ConnectionResetError, BrokenPipeError):
                    pass
                open_.discard(s)
                poll.unregister(s)
    print(json.dumps({"connected": connected, "failed": failed, "never_connected": len(waiting),
                      "still_open": len(open_ - waiting), "seconds": round(time.monotonic() - t0, 1)}))


def slowloris(host, port, src, seconds):
    s = conn(host, port, src)
    msg = bgp_open(65099, 0x7F0000FD)
    t0 = time.monotonic()
    i = 0
    s.setblocking(False)
    while time.monotonic() - t0 < float(seconds):
        try:
            if i < len(msg):
                s.send(msg[i:i + 1])
                i += 1
        except (BrokenPipeError, ConnectionResetError):
            break
        r, _, _ = select.select([s], [], [], 1.0)
        if r:
            try:
                if not s.recv(65536):
                    break
            except (ConnectionResetError, BrokenPipeError):
                break
            except BlockingIOError:
                pass
    el = time.monotonic() - t0
    print(json.dumps({"closed_after": round(el, 1) if el < float(seconds) else None, "bytes": i}))


if __name__ == "__main__":
    modes = {"bmp-forge": bmp_forge, "bare": bare, "open": open_collide, "flood": flood,
             "slowloris": slowloris}
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    modes[mode](host, port, *sys.argv[4:])
