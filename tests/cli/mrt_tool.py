#!/usr/bin/env python3
"""MRT files by their records' header time (12-byte header: time, type,
subtype, length), for tests that lay archives out as collectors do.

  mrt_tool.py split SRC DIR PERIOD [PREFIX]   SRC cut into DIR/PREFIX.<YYYYMMDD.HHMM>
                                              files of PERIOD seconds (PREFIX: updates)
  mrt_tool.py upto SRC DST T                  the records of time <= T
  mrt_tool.py state FILE T ASN ADDR OLD NEW   append a BGP4MP_STATE_CHANGE_AS4 of an
                                              IPv4 peer at time T to FILE, keeping
                                              the records in time order
  mrt_tool.py scenario SPEC DIR               a collector's RIB dump and update file
                                              (DIR/rib.*, DIR/updates.*) from a text
                                              SPEC, one statement per line:
                                                t0 UNIX          time of the RIB dump
                                                peer ASN ADDR    a peer (IPv4), in order
                                                rib PREFIX AS... each peer's route in the dump
                                                  (the peer's own ASN is put first)
                                                at SECS PEERS PREFIX AS...  an announcement
                                                  SECS after t0 by peers (0,1 or all)
                                                  ({A,B} in the path: an AS_SET)
                                                at SECS PEERS PREFIX withdraw
                                                dump SECS        another RIB dump (the rib
                                                  statements' routes) SECS after t0
  mrt_tool.py ribs RIB UPDATES OUT T...       RIB dumps that carry what the updates
                                              announced: for each T, OUT.<YYYYMMDD.HHMM>
                                              (OUT: DIR/rib, DIR/bview) stamped T, the
                                              routes of RIB (a TABLE_DUMP_V2
                                              IPv4 dump) with the BGP4MP_MESSAGE_AS4 updates
                                              of UPDATES before T applied, peer by peer
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


def _attrs(path, nh):
    # path: ASNs (an AS_SEQUENCE), a list among them an AS_SET
    seg, run = b'', []
    for a in path + [None]:
        if isinstance(a, int):
            run.append(a)
            continue
        if run:
            seg += struct.pack('>BB', 2, len(run)) + b''.join(struct.pack('>I', x) for x in run)
            run = []
        if isinstance(a, list):
            seg += struct.pack('>BB', 1, len(a)) + b''.join(struct.pack('>I', x) for x in a)
    return (struct.pack('>BBBB', 0x40, 1, 1, 0) + struct.pack('>BBB', 0x40, 2, len(seg)) + seg +
            struct.pack('>BBB', 0x40, 3, 4) + socket.inet_aton(nh))


def _nlri(p):
    a, n = p.split('/')
    n = int(n)
    return struct.pack('>B', n) + socket.inet_aton(a)[:(n + 7) // 8]


def _mrt(ts, typ, sub, body):
    return struct.pack('>IHHI', ts, typ, sub, len(body)) + body


def scenario(spec, out):
    """TABLE_DUMP_V2 RIB and BGP4MP_MESSAGE_AS4 updates, as a collector
    writes them, from the statements of SPEC (see the usage above)."""
    t0, peers, rib, upd, dumps = 0, [], [], [], [0]
    for line in open(spec):
        w = line.split()
        if not w or w[0].startswith('#'):
            continue
        if w[0] == 't0':
            t0 = int(w[1])
        elif w[0] == 'peer':
            peers.append((int(w[1]), w[2]))
        elif w[0] == 'rib':
            rib.append((w[1], [int(a) for a in w[2:]]))
        elif w[0] == 'dump':
            dumps.append(int(w[1]))
        elif w[0] == 'at':
            who = range(len(peers)) if w[2] == 'all' else [int(p) for p in w[2].split(',')]
            path = None if w[4] == 'withdraw' else [
                [int(x) for x in a.strip('{}').split(',')] if a.startswith('{') else int(a) for a in w[4:]]
            for p in who:
                upd.append((t0 + int(w[1]), p, w[3], path))
    for d in dumps:
        td = t0 + d
        recs = [_mrt(td, 13, 1, socket.inet_aton('192.0.2.254') + struct.pack('>HH', 0, len(peers)) +
                     b''.join(struct.pack('>B', 2) + socket.inet_aton(ip) + socket.inet_aton(ip) +
                              struct.pack('>I', asn) for asn, ip in peers))]
        for seq, (p, path) in enumerate(rib):
            ents = b''
            for i, (asn, ip) in enumerate(peers):
                a = _attrs([asn] + path, ip)
                ents += struct.pack('>HIH', i, t0 - 3600, len(a)) + a
            recs.append(_mrt(td, 13, 2, struct.pack('>I', seq) + _nlri(p) + struct.pack('>H', len(peers)) + ents))
        with open(os.path.join(out, 'rib.' + time.strftime('%Y%m%d.%H%M', time.gmtime(td))), 'wb') as f:
            f.write(b''.join(recs))
    stamp = time.strftime('%Y%m%d.%H%M', time.gmtime(t0))
    msgs = []
    for ts, i, p, path in sorted(upd, key=lambda u: u[0]):
        asn, ip = peers[i]
        if path:
            a = _attrs([asn] + path, ip)
            body = struct.pack('>HH', 0, len(a)) + a + _nlri(p)
        else:
            w = _nlri(p)
            body = struct.pack('>H', len(w)) + w + struct.pack('>H', 0)
        msg = b'\xff' * 16 + struct.pack('>HB', 19 + len(body), 2) + body
        hdr = struct.pack('>IIHH', asn, 6447, 0, 1) + socket.inet_aton(ip) + socket.inet_aton('192.0.2.254')
        msgs.append(_mrt(ts, 16, 4, hdr + msg))
    with open(os.path.join(out, 'updates.' + stamp), 'wb') as f:
        f.write(b''.join(msgs))


def _prefixes(b):
    # IPv4 NLRI (RFC 4271 4.3) as (length, address bytes) keys
    out, i = [], 0
    while i < len(b):
        n = b[i]
        k = (n + 7) // 8
        out.append((n, b[i + 1:i + 1 + k]))
        i += 1 + k
    return out


def ribs(rib, updates, out, times):
    """The state of a collector at each time in times, as TABLE_DUMP_V2
    dumps: rib's peer index and routes, then every update before the time
    (an announcement replaces the peer's route, a withdrawal removes it;
    path attributes are kept as their bytes: BGP4MP_MESSAGE_AS4's are the
    4-byte form a RIB entry holds). IPv4 unicast only, no ADD-PATH."""
    index, peers, routes = b'', [], {}
    for ts, r in records(rib):
        typ, sub = struct.unpack('>HH', r[4:8])
        body = r[12:]
        if (typ, sub) == (13, 1):
            vl = struct.unpack('>H', body[4:6])[0]
            index = body[:6 + vl]
            n, i = struct.unpack('>H', body[6 + vl:8 + vl])[0], 8 + vl
            for _ in range(n):
                t = body[i]
                ip = body[i + 5:i + 5 + (16 if t & 1 else 4)]
                j = i + 5 + len(ip)
                asn = struct.unpack('>I' if t & 2 else '>H', body[j:j + (4 if t & 2 else 2)])[0]
                peers.append((body[i:j + (4 if t & 2 else 2)], asn, ip))
                i = j + (4 if t & 2 else 2)
        elif (typ, sub) == (13, 2):
            n = body[4]
            key = (n, body[5:5 + (n + 7) // 8])
            i = 5 + (n + 7) // 8
            cnt, i = struct.unpack('>H', body[i:i + 2])[0], i + 2
            for _ in range(cnt):
                pi, orig, al = struct.unpack('>HIH', body[i:i + 8])
                routes[(key, pi)] = (orig, body[i + 8:i + 8 + al])
                i += 8 + al
    ups = list(records(updates))
    k = 0
    for t in sorted(times):
        while k < len(ups) and ups[k][0] < t:
            ts, r = ups[k]
            k += 1
            if struct.unpack('>HH', r[4:8]) != (16, 4):
                continue
            body = r[12:]
            asn, ip = struct.unpack('>I', body[0:4])[0], body[12:16]
            msg = body[20:]
            if msg[18] != 2:
                continue
            pi = next((x for x, p in enumerate(peers) if p[1] == asn and p[2] == ip), None)
            if pi is None:
                peers.append((struct.pack('>B', 2) + ip + ip + struct.pack('>I', asn), asn, ip))
                pi = len(peers) - 1
            u = msg[19:]
            wl = struct.unpack('>H', u[0:2])[0]
            for key in _prefixes(u[2:2 + wl]):
                routes.pop((key, pi), None)
            al = struct.unpack('>H', u[2 + wl:4 + wl])[0]
            attrs = u[4 + wl:4 + wl + al]
            for key in _prefixes(u[4 + wl + al:]):
                routes[(key, pi)] = (ts, attrs)
        byp = {}
        for (key, pi), v in routes.items():
            byp.setdefault(key, []).append((pi, v))
        recs = [_mrt(t, 13, 1, index + struct.pack('>H', len(peers)) +
                     b''.join(p[0] for p in peers))]
        for seq, key in enumerate(sorted(byp, key=lambda x: (x[1].ljust(4, b'\0'), x[0]))):
            ents = b''.join(struct.pack('>HIH', pi, orig, len(a)) + a for pi, (orig, a) in sorted(byp[key]))
            recs.append(_mrt(t, 13, 2, struct.pack('>IB', seq, key[0]) + key[1] +
                             struct.pack('>H', len(byp[key])) + ents))
        with open(out + time.strftime('.%Y%m%d.%H%M', time.gmtime(t)), 'wb') as f:
            f.write(b''.join(recs))


def main():
    mode = sys.argv[1]
    if mode == 'scenario':
        scenario(sys.argv[2], sys.argv[3])
        return
    if mode == 'ribs':
        ribs(sys.argv[2], sys.argv[3], sys.argv[4], [int(t) for t in sys.argv[5:]])
        return
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
