#!/usr/bin/env python3
"""Bad peers for tests/cli/collect.sh: each case connects to the collector
from its own loopback address, misbehaves, and prints one line saying what
the collector answered, e.g. "notification 1/1" or "closed".

usage: fault_peer.py PORT CASE [ARGS]
cases:
  http SRC                 an HTTP request instead of BGP
  half SRC                 an OPEN header, then 10 bytes of it, then close
  random SRC               1 MiB of random bytes
  badlen SRC ASN           OPEN exchange, then a header with length 5000
  wrongas SRC ASN          an OPEN with this ASN (the collector expects another)
  refused SRC              connect from an address that is not a peer
  table SRC ASN N          OPEN exchange, N UPDATEs (10.x.y.0/24, path ASN 64999
                           N), then half an UPDATE and a TCP reset
"""
import socket
import struct
import sys
import time

MARKER = b"\xff" * 16


def msg(t, body=b""):
    return MARKER + struct.pack("!HB", 19 + len(body), t) + body


def open_msg(asn, rid):
    caps = bytes([1, 4, 0, 1, 0, 1]) + bytes([65, 4]) + struct.pack("!I", asn)
    opt = bytes([2, len(caps)]) + caps
    my_as = asn if asn < 65536 else 23456
    return msg(1, struct.pack("!BHH4sB", 4, my_as, 90, socket.inet_aton(rid), len(opt)) + opt)


def update(prefix_bytes, plen, path):
    seg = bytes([2, len(path)]) + b"".join(struct.pack("!I", a) for a in path)
    attrs = (bytes([0x40, 1, 1, 0]) + bytes([0x40, 2, len(seg)]) + seg +
             bytes([0x40, 3, 4]) + socket.inet_aton("192.0.2.66"))
    nlri = bytes([plen]) + prefix_bytes
    return msg(2, struct.pack("!H", 0) + struct.pack("!H", len(attrs)) + attrs + nlri)


def connect(port, src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


PENDING = [b""]  # bytes read past the last message returned


def read_msgs(s, want):
    """Read until a message of a type in want, or a NOTIFICATION, or EOF."""
    buf = PENDING[0]
    while True:
        while len(buf) >= 19:
            ln = struct.unpack("!H", buf[16:18])[0]
            if len(buf) < ln:
                break
            t = buf[18]
            body = buf[19:ln]
            buf = buf[ln:]
            PENDING[0] = buf
            if t == 3:
                return "notification %d/%d" % (body[0], body[1])
            if t in want:
                return "type %d" % t
        try:
            d = s.recv(65536)
        except (ConnectionResetError, socket.timeout) as e:
            return "closed (%s)" % e.__class__.__name__
        if not d:
            return "closed"
        buf += d


def established(s, asn, rid):
    s.sendall(open_msg(asn, rid))
    r = read_msgs(s, {1})
    if r != "type 1":
        return r
    s.sendall(msg(4))
    return read_msgs(s, {4})


def main():
    port = int(sys.argv[1])
    case = sys.argv[2]
    src = sys.argv[3]
    s = connect(port, src)
    if case == "http":
        s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
        print(read_msgs(s, set()))
    elif case == "half":
        s.sendall(open_msg(65066, src)[:10])
        s.shutdown(socket.SHUT_WR)
        print(read_msgs(s, set()))
    elif case == "random":
        import random
        rnd = random.Random(7)
        try:
            s.sendall(bytes(rnd.getrandbits(8) for _ in range(1 << 20)))
        except (BrokenPipeError, ConnectionResetError):
            pass
        print(read_msgs(s, set()))
    elif case == "badlen":
        r = established(s, int(sys.argv[4]), src)
        if r != "type 4":
            print("no session: " + r)
            return
        s.sendall(MARKER + struct.pack("!HB", 5000, 2) + b"\0" * 100)
        print(read_msgs(s, set()))
    elif case == "wrongas":
        s.sendall(open_msg(int(sys.argv[4]), src))
        print(read_msgs(s, {4}))
    elif case == "refused":
        print(read_msgs(s, {1}))
    elif case == "table":
        asn, n = int(sys.argv[4]), int(sys.argv[5])
        r = established(s, asn, src)
        if r != "type 4":
            print("no session: " + r)
            return
        out = b"".join(update(bytes([10, i // 256, i % 256]), 24, [asn, 64999, 65100 + i % 7])
                       for i in range(n))
        s.sendall(out)
        s.sendall(update(bytes([11, 0, 0]), 24, [asn, 64999])[:30])
        time.sleep(0.3)
        # a reset, not a FIN: SO_LINGER with a zero timeout
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        print("sent %d updates and reset" % n)
        return
    s.close()


if __name__ == "__main__":
    main()
