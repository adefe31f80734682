#!/usr/bin/env python3
"""A BGP peer for tests/cli/api.sh's collect --http checks: from SRC it
opens a session to the collector on 127.0.0.1:PORT as AS ASN, then plays
a short story one step every STEP seconds, keeping the session up with
KEEPALIVEs, and closes after HOLD seconds:

  10.1.0.0/24 and 10.2.0.0/24 from AS65551 via AS64500    (a baseline)
  10.1.0.0/24 via AS64501 instead                          (upstream change)
  10.2.0.0/24 withdrawn                                    (prefix down)
  10.2.0.0/24 back via AS64500                             (prefix up)

usage: api_peer.py PORT SRC ASN STEP HOLD
"""
import socket
import struct
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from fault_peer import MARKER, connect, established, msg, update  # noqa: E402


def withdraw(prefix_bytes, plen):
    w = bytes([plen]) + prefix_bytes
    return msg(2, struct.pack("!H", len(w)) + w + struct.pack("!H", 0))


def main():
    port, src, asn, step, hold = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    s = connect(port, src)
    r = established(s, asn, src)
    if r != "type 4":
        print("no session: " + r)
        return
    s.settimeout(0.2)
    steps = [
        [update(bytes([10, 1, 0]), 24, [asn, 64500, 65551]), update(bytes([10, 2, 0]), 24, [asn, 64500, 65551])],
        [update(bytes([10, 1, 0]), 24, [asn, 64501, 65551])],
        [withdraw(bytes([10, 2, 0]), 24)],
        [update(bytes([10, 2, 0]), 24, [asn, 64500, 65551])],
    ]
    t0 = time.time()
    i = 0
    while time.time() - t0 < hold:
        if i < len(steps) and time.time() - t0 >= i * step:
            for m in steps[i]:
                s.sendall(m)
            i += 1
        s.sendall(msg(4))
        try:
            if not s.recv(65536):
                break
        except socket.timeout:
            pass
        time.sleep(0.3)
    print("done %d steps" % i)
    s.close()


if __name__ == "__main__":
    main()
