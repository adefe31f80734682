#!/usr/bin/env python3
"""MRT files by their records' header time (12-byte header: time, type,
subtype, length), for tests that lay archives out as collectors do.

  mrt_tool.py split SRC DIR PERIOD [PREFIX]   SRC cut into DIR/PREFIX.<YYYYMMDD.HHMM>
                                              files of PERIOD seconds (PREFIX: updates)
  mrt_tool.py upto SRC DST T                  the records of time <= T
  mrt_tool.py state FILE T ASN ADDR OLD NEW   append a BGP4MP_STATE_CHANGE_AS4 of an
                                              IPv4 peer at time T to FILE, keeping
                                              the records in time order
"""
import os
import socket
import struct
import sys
import time


def records(path):
    d = open(path, 'rb').read()
    off = 0
    while off + 12 <= len(d):
        ts, _, _, n = struct.unpack('>IHHI', d[off:off + 12])
        yield ts, d[off:off + 12 + n]
        off += 12 + n


def main():
    mode = sys.argv[1]
    if mode == 'split':
        src, out, period = sys.argv[2], sys.argv[3], int(sys.argv[4])
        prefix = sys.argv[5] if len(sys.argv) > 5 else 'updates'
        files = {}
        for ts, r in records(src):
            files.setdefault(ts - ts % period, []).append(r)
        for t, rs in files.items():
            name = time.strftime(prefix + '.%Y%m%d.%H%M', time.gmtime(t))
            with open(os.path.join(out, name), 'wb') as f:
                f.write(b''.join(rs))
    elif mode == 'upto':
        src, dst, t = sys.argv[2], sys.argv[3], int(sys.argv[4])
        with open(dst, 'wb') as f:
            f.write(b''.join(r for ts, r in records(src) if ts <= t))
    elif mode == 'state':
        path, t, asn, addr, old, new = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], \
            int(sys.argv[6]), int(sys.argv[7])
        body = struct.pack('>IIHH', asn, 6447, 0, 1) + socket.inet_aton(addr) + \
            socket.inet_aton('198.51.100.254') + struct.pack('>HH', old, new)
        rec = struct.pack('>IHHI', t, 16, 5, len(body)) + body
        rs = list(records(path))
        k = sum(1 for ts, _ in rs if ts <= t)
        rs.insert(k, (t, rec))
        with open(path, 'wb') as f:
            f.write(b''.join(r for _, r in rs))
    else:
        sys.exit(__doc__)


main()
