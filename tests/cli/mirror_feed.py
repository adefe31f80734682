#!/usr/bin/env python3
"""A mirror whose files appear over time, for `watch --follow` tests.

  mirror_feed.py SRC DST PER PAUSE [options]
      copy the files of SRC's collector folders (SRC/<collector>/...) into
      DST/<collector>/ in time order (the YYYYMMDD.HHMM of their names, RIB
      dumps first), PER files at a time, PAUSE seconds apart; each file is
      written hidden and renamed, as a mirror's sync does.
  options:
      --skip NAME        never copy NAME (a missing file)
      --hold NAME:S      copy NAME S seconds after its turn (a late file)
      --from T           copy nothing before the first file of time >= T
                         (YYYYMMDD.HHMM); with --to, the files of [from, to)
      --to T             stop before the first file of time >= T
      --all-now          PER and PAUSE ignored: everything at once
"""
import os
import re
import shutil
import sys
import threading
import time


def copy(src, dst, c, n):
    os.makedirs(os.path.join(dst, c), exist_ok=True)
    tmp = os.path.join(dst, c, '.' + n)
    shutil.copy(os.path.join(src, c, n), tmp)
    os.rename(tmp, os.path.join(dst, c, n))


def main():
    a = sys.argv[1:]
    src, dst, per, pause = a[0], a[1], int(a[2]), float(a[3])
    skip, hold, lo, hi, now = set(), {}, '', '99999999.9999', False
    i = 4
    while i < len(a):
        if a[i] == '--skip':
            skip.add(a[i + 1])
        elif a[i] == '--hold':
            n, s = a[i + 1].rsplit(':', 1)
            hold[n] = float(s)
        elif a[i] == '--from':
            lo = a[i + 1]
        elif a[i] == '--to':
            hi = a[i + 1]
        elif a[i] == '--all-now':
            now = True
            i -= 1
        else:
            sys.exit(__doc__)
        i += 2
    files = []
    for c in sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d))):
        for n in os.listdir(os.path.join(src, c)):
            m = re.search(r'(\d{8}\.\d{4})', n)
            if m and lo <= m.group(1) < hi and n not in skip:
                files.append((m.group(1), 0 if ('rib' in n or 'bview' in n) else 1, c, n))
    files.sort()
    threads = []
    step = len(files) if now else per
    for k in range(0, len(files), step):
        for _, _, c, n in files[k:k + step]:
            if n in hold:
                t = threading.Timer(hold[n], copy, (src, dst, c, n))
                t.start()
                threads.append(t)
            else:
                copy(src, dst, c, n)
        if not now:
            time.sleep(pause)
    for t in threads:
        t.join()


main()
