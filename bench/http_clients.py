#!/usr/bin/env python3
"""Clients for bench/http.sh: N idle keep-alive connections (each made one
GET, read its answer whole, then holds the connection) and M event-stream
subscribers (GET /api/v1/stream, read everything, count the events), held
for HOLD seconds after all are up. Prints "ready" when they are, then at
the end one line:

  idle_open=I/N streams_open=S/M events_min=A events_max=B connect_s=T

usage: http_clients.py HOST PORT N M HOLD
"""
import asyncio
import sys
import time


async def one_get(host, port, path):
    r, w = await asyncio.open_connection(host, port)
    w.write(("GET %s HTTP/1.1\r\nHost: bench\r\n\r\n" % path).encode())
    await w.drain()
    head = await r.readuntil(b"\r\n\r\n")
    n = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            n = int(line.split(b":")[1])
    if n:
        await r.readexactly(n)
    return r, w


async def stream(host, port, counts, i, opened):
    r, w = await asyncio.open_connection(host, port)
    w.write(b"GET /api/v1/stream HTTP/1.1\r\nHost: bench\r\n\r\n")
    await w.drain()
    opened[i] = (r, w)
    try:
        while True:
            line = await r.readline()
            if not line:
                break
            if b"event: " in line:
                counts[i] += 1
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    opened[i] = None


async def main():
    host, port, n, m, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    t0 = time.time()
    idle = []
    for k in range(0, n, 250):
        idle += await asyncio.gather(*[one_get(host, port, "/api/v1/openapi.json") for _ in range(min(250, n - k))])
    counts = [0] * m
    opened = [None] * m
    tasks = [asyncio.ensure_future(stream(host, port, counts, i, opened)) for i in range(m)]
    while sum(1 for o in opened if o) < m and time.time() - t0 < 120:
        await asyncio.sleep(0.1)
    t1 = time.time()
    print("ready idle=%d streams=%d in %.1f s" % (len(idle), sum(1 for o in opened if o), t1 - t0), flush=True)
    await asyncio.sleep(hold)
    # an idle connection still open: a read finds nothing (no EOF) in 1 ms
    alive = 0
    for r, w in idle:
        try:
            d = await asyncio.wait_for(r.read(1), 0.001)
            alive += 1 if d else 0
        except asyncio.TimeoutError:
            alive += 1
    sopen = sum(1 for o in opened if o)
    print("idle_open=%d/%d streams_open=%d/%d events_min=%d events_max=%d connect_s=%.1f" %
          (alive, n, sopen, m, min(counts) if counts else 0, max(counts) if counts else 0, t1 - t0), flush=True)
    for t in tasks:
        t.cancel()
    for r, w in idle:
        w.close()


asyncio.run(main())
