#!/usr/bin/env python3
"""RIS Live test tools (stdlib only).

  ris_tool.py messages [--fields] [--state] FILE|DIR...   > MSGS
      the BGP4MP UPDATE and STATE_CHANGE records (AS4, with or without _ET)
      of MRT files (plain, .gz, .bz2; directories walked) as RIS Live
      ris_message lines, merged by record time (stable), the collector
      (host) being each file's directory name. Default: `raw` hex as RIS
      Live sends with includeRaw; --fields: no raw, the JSON fields (path,
      origin, med, community, announcements, withdrawals) instead.
      Timestamps are the records' seconds (integral). --skew HOST:S sends
      HOST's messages S seconds late (among the others'), as RIS Live's
      collectors' messages come a little out of time order.

  ris_tool.py serve PORTFILE MSGS [LOG]
      a WebSocket server on 127.0.0.1 (port written to PORTFILE) that sends
      MSGS' lines as text frames to the client that connects, after the
      client's first message (its subscription, appended to LOG). Lines
      that are directives:
        #BINARY        a binary frame
        #BIG N         a text frame of N bytes ('x' * N)
        #FRAGMENTS     the next line in three fragments
        #CLOSE         close the TCP connection now (the next connection
                       goes on after this line)
        #STALL S       send nothing, answer nothing for S seconds (then
                       close that connection: the client should have gone)
        #SLEEP S       pause S seconds (pings answered)
      After the last line it answers pings and writes "done N" (N: text
      frames sent) to PORTFILE.done, then waits for the client to go.
  ris_tool.py flood PORTFILE N MSGS
      the same server, sending MSGS' lines round-robin N times in all
      (bench), as fast as the socket takes them.
"""
import base64
import bz2
import gzip
import hashlib
import json
import os
import socket
import struct
import sys
import threading
import time


def opener(path):
    with open(path, 'rb') as f:
        magic = f.read(3)
    if magic[:2] == b'\x1f\x8b':
        return gzip.open(path, 'rb')
    if magic == b'BZh':
        return bz2.open(path, 'rb')
    return open(path, 'rb')


def records(path):
    d = opener(path).read()
    off = 0
    while off + 12 <= len(d):
        ts, typ, sub, n = struct.unpack('>IHHI', d[off:off + 12])
        yield ts, typ, sub, d[off + 12:off + 12 + n]
        off += 12 + n


def addr(b):
    return socket.inet_ntop(socket.AF_INET if len(b) == 4 else socket.AF_INET6, b)


def pfxs(b, af):
    out, i = [], 0
    size = 4 if af == 1 else 16
    while i < len(b):
        n = b[i]
        k = (n + 7) // 8
        a = b[i + 1:i + 1 + k] + b'\0' * (size - k)
        out.append('%s/%d' % (addr(a), n))
        i += 1 + k
    return out


def fields(msg, d):
    """The JSON fields RIS Live gives an UPDATE (4-byte ASNs)."""
    body = msg[19:]
    wl = struct.unpack('>H', body[:2])[0]
    wd = pfxs(body[2:2 + wl], 1)
    tal = struct.unpack('>H', body[2 + wl:4 + wl])[0]
    attrs = body[4 + wl:4 + wl + tal]
    nlri = pfxs(body[4 + wl + tal:], 1)
    path, nh, ann6, wd6 = [], None, [], []
    i = 0
    while i < len(attrs):
        fl, t = attrs[i], attrs[i + 1]
        if fl & 0x10:
            n = struct.unpack('>H', attrs[i + 2:i + 4])[0]
            v = attrs[i + 4:i + 4 + n]
            i += 4 + n
        else:
            n = attrs[i + 2]
            v = attrs[i + 3:i + 3 + n]
            i += 3 + n
        if t == 1:
            d['origin'] = ['igp', 'egp', 'incomplete'][v[0]]
        elif t == 2:
            j = 0
            while j < len(v):
                st, cnt = v[j], v[j + 1]
                asns = list(struct.unpack('>%dI' % cnt, v[j + 2:j + 2 + 4 * cnt]))
                path += asns if st == 2 else [asns]
                j += 2 + 4 * cnt
        elif t == 3:
            nh = addr(v)
        elif t == 4:
            d['med'] = struct.unpack('>I', v)[0]
        elif t == 8:
            d['community'] = [[x >> 16, x & 0xffff] for x in struct.unpack('>%dI' % (len(v) // 4), v)]
        elif t == 14:
            nl = v[3]
            nh6 = addr(v[4:4 + 16])
            ann6.append({'next_hop': nh6, 'prefixes': pfxs(v[5 + nl:], 2)})
        elif t == 15:
            wd6 += pfxs(v[3:], 2)
    if path or nlri or ann6:
        d['path'] = path
    ann = []
    if nlri:
        ann.append({'next_hop': nh, 'prefixes': nlri})
    ann += ann6
    if ann:
        d['announcements'] = ann
    if wd or wd6:
        d['withdrawals'] = wd + wd6


def messages(args):
    use_fields = '--fields' in args
    skew = {}
    paths = []
    i = 0
    while i < len(args):
        if args[i] == '--skew':
            h, sec = args[i + 1].rsplit(':', 1)
            skew[h] = float(sec)
            i += 1
        elif not args[i].startswith('--'):
            paths.append(args[i])
        i += 1
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files += [os.path.join(root, n) for n in names]
        else:
            files.append(p)
    files.sort()
    out = []
    for fi, f in enumerate(files):
        host = os.path.basename(os.path.dirname(os.path.abspath(f)))
        for k, (ts, typ, sub, b) in enumerate(records(f)):
            if typ == 17:
                b = b[4:]
            elif typ != 16:
                continue
            if sub not in (4, 5):
                continue
            peer_asn = struct.unpack('>I', b[:4])[0]
            afi = struct.unpack('>H', b[10:12])[0]
            size = 4 if afi == 1 else 16
            peer = addr(b[12:12 + size])
            rest = b[12 + 2 * size:]
            d = {'timestamp': float(ts), 'peer': peer, 'peer_asn': str(peer_asn),
                 'id': '%s-%d-%d' % (peer, ts, k), 'host': host}
            if sub == 5:
                new = struct.unpack('>HH', rest[:4])[1]
                d['type'] = 'RIS_PEER_STATE'
                d['state'] = 'connected' if new == 6 else 'down'
            else:
                if rest[18] != 2:
                    continue
                d['type'] = 'UPDATE'
                if use_fields:
                    fields(rest, d)
                else:
                    d['raw'] = rest.hex().upper()
            out.append((ts + skew.get(host, 0), fi, k,
                        json.dumps({'type': 'ris_message', 'data': d}, separators=(',', ':'))))
    out.sort(key=lambda x: (x[0], x[1], x[2]))
    sys.stdout.write(''.join(x[3] + '\n' for x in out))


# ---------------------------------------------------------------- server

GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'


def frame(op, payload, fin=True):
    n = len(payload)
    h = bytes([(0x80 if fin else 0) | op])
    if n < 126:
        h += bytes([n])
    elif n < 65536:
        h += bytes([126]) + struct.pack('>H', n)
    else:
        h += bytes([127]) + struct.pack('>Q', n)
    return h + payload


class Conn:
    def __init__(self, s, log):
        self.s, self.log = s, log
        self.lock = threading.Lock()
        self.sub = threading.Event()
        self.gone = threading.Event()
        self.mute = False
        self.buf = b''

    def send(self, data):
        with self.lock:
            self.s.sendall(data)

    def recv_exact(self, n):
        while len(self.buf) < n:
            c = self.s.recv(65536)
            if not c:
                raise EOFError
            self.buf += c
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def handshake(self):
        while b'\r\n\r\n' not in self.buf:
            c = self.s.recv(4096)
            if not c:
                raise EOFError
            self.buf += c
        head, self.buf = self.buf.split(b'\r\n\r\n', 1)
        key = ''
        for line in head.decode('latin1').split('\r\n'):
            if line.lower().startswith('sec-websocket-key:'):
                key = line.split(':', 1)[1].strip()
        acc = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        self.send(('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                   'Sec-WebSocket-Accept: %s\r\n\r\n' % acc).encode())

    def reader(self):
        try:
            while True:
                h = self.recv_exact(2)
                op, n = h[0] & 0x0f, h[1] & 0x7f
                if n == 126:
                    n = struct.unpack('>H', self.recv_exact(2))[0]
                elif n == 127:
                    n = struct.unpack('>Q', self.recv_exact(8))[0]
                mask = self.recv_exact(4) if h[1] & 0x80 else b'\0\0\0\0'
                p = bytes(b ^ mask[i % 4] for i, b in enumerate(self.recv_exact(n)))
                if self.mute:
                    continue
                if op == 8:
                    self.send(frame(8, p[:2]))
                    break
                if op == 9:
                    self.send(frame(10, p))
                elif op == 1:
                    t = p.decode('utf8', 'replace')
                    if self.log:
                        with open(self.log, 'a') as f:
                            f.write(t + '\n')
                    if '"ping"' in t:
                        self.send(frame(1, b'{"type":"pong","data":{}}'))
                    self.sub.set()
        except (EOFError, OSError):
            pass
        self.gone.set()


def server(portfile, log, send_all):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', 0))
    ls.listen(4)
    with open(portfile + '.tmp', 'w') as f:
        f.write('%d\n' % ls.getsockname()[1])
    os.rename(portfile + '.tmp', portfile)
    state = {'pos': 0, 'sent': 0}
    while True:
        s, _ = ls.accept()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c = Conn(s, log)
        try:
            c.handshake()
        except (EOFError, OSError):
            s.close()
            continue
        threading.Thread(target=c.reader, daemon=True).start()
        c.sub.wait(10)
        try:
            finished = send_all(c, state)
        except OSError:
            finished = False
        if finished:
            with open(portfile + '.done', 'w') as f:
                f.write('done %d\n' % state['sent'])
            c.gone.wait()
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def replay(lines):
    def send_all(c, st):
        frag = False
        while st['pos'] < len(lines):
            line = lines[st['pos']]
            st['pos'] += 1
            if line.startswith('#BINARY'):
                c.send(frame(2, b'\x00\x01binary\xff'))
            elif line.startswith('#BIG'):
                c.send(frame(1, b'x' * int(line.split()[1])))
            elif line.startswith('#FRAGMENTS'):
                frag = True
            elif line.startswith('#CLOSE'):
                return False
            elif line.startswith('#STALL'):
                c.mute = True
                time.sleep(float(line.split()[1]))
                return False
            elif line.startswith('#SLEEP'):
                time.sleep(float(line.split()[1]))
            elif line:
                b = line.encode()
                if frag and len(b) >= 3:
                    k = len(b) // 3
                    c.send(frame(1, b[:k], False) + frame(0, b[k:2 * k], False) + frame(0, b[2 * k:]))
                    frag = False
                else:
                    c.send(frame(1, b))
                st['sent'] += 1
        return True
    return send_all


def flood(n, lines):
    """MSGS' lines round-robin, each round later by the span of MSGS'
    timestamps (so time goes on, as in a long stream)."""
    tmpl = []
    for x in lines:
        if not x:
            continue
        i = x.index('"timestamp":') + len('"timestamp":')
        j = i
        while x[j] in '0123456789.':
            j += 1
        tmpl.append((x[:i].encode(), float(x[i:j]), x[j:].encode()))
    span = int(tmpl[-1][1] - tmpl[0][1]) + 1

    def send_all(c, st):
        batch, k, shift = [], 0, 0
        while st['sent'] < n:
            a, t, b = tmpl[k]
            batch.append(frame(1, a + repr(t + shift).encode() + b))
            k += 1
            if k == len(tmpl):
                k, shift = 0, shift + span
            st['sent'] += 1
            if len(batch) == 512:
                c.send(b''.join(batch))
                batch = []
        if batch:
            c.send(b''.join(batch))
        return True
    return send_all


def main():
    cmd = sys.argv[1]
    if cmd == 'messages':
        messages(sys.argv[2:])
    elif cmd == 'serve':
        lines = open(sys.argv[3]).read().split('\n')
        server(sys.argv[2], sys.argv[4] if len(sys.argv) > 4 else None, replay(lines))
    elif cmd == 'flood':
        lines = open(sys.argv[4]).read().split('\n')
        server(sys.argv[2], None, flood(int(sys.argv[3]), lines))
    else:
        sys.exit(__doc__)


main()
