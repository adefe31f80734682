#!/usr/bin/env python3
"""A BGP peer for bench/http.sh: from SRC, as ASN, it opens a session to
the collector on 127.0.0.1:PORT, announces N /24s (10.x.y.0/24) from
ORIGINS origins (65100 + i % ORIGINS) via upstream 64999 (the baseline),
waits WAIT seconds, then announces all of them again via upstream 64998
(every origin changes upstream: upstream_gained and upstream_lost events),
keeps the session HOLD seconds, and closes. 2 N UPDATEs in all.

usage: burst_peer.py PORT SRC ASN N ORIGINS WAIT HOLD
"""
import socket
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/../tests/cli")
from fault_peer import connect, established, msg, update  # noqa: E402


def table(asn, n, origins, up):
    return b"".join(update(bytes([10 + i // 65536, (i // 256) % 256, i % 256]), 24, [asn, up, 65100 + i % origins])
                    for i in range(n))


def main():
    port, src, asn, n, origins, wait, hold = (int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                                              int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]))
    s = connect(port, src)
    r = established(s, asn, src)
    if r != "type 4":
        print("no session: " + r)
        return
    s.settimeout(None)
    first, second = table(asn, n, origins, 64999), table(asn, n, origins, 64998)
    s.sendall(first)
    time.sleep(wait)
    t0 = time.time()
    s.sendall(second)
    print("sent %d + %d updates, the second half in %.2f s" % (n, n, time.time() - t0), flush=True)
    end = time.time() + hold
    while time.time() < end:
        s.sendall(msg(4))
        time.sleep(1)
    s.close()


if __name__ == "__main__":
    main()
