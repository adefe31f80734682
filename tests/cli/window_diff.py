#!/usr/bin/env python3
"""Windows against the full run, event by event (docs/events.md §8).

  window_diff.py FULL WINDOWS

FULL: the full run's `events --json`. WINDOWS: one line per window,
"A B T FILE": the window [A, B) (Unix seconds), T the earliest cut of its
collectors' starting dumps (the first record the window applies), FILE
its `events --from A --until B --json`.

Within each window, an event of the full run with A <= time < B must be
in FILE as it is, and FILE must hold nothing else, but for the one
difference §8 says a window cannot avoid (its item 3): the end of an
episode that the full run had under way at T, which the window began
again from the routes it reads after T and may not confirm. Such an end
is the full run's; its episode began before T: no start of it (gain) is
reported later than T and before the end. A grouped event missing such
prefixes may differ in its other fields (the group's lists), nothing
else. Prints the counts and each difference that is not such an end;
exit status 1 when there is one.
"""
import json
import sys

# an end, the starts of its episode, and the fields that key the episode
# (a country's provider spans the prefixes; the others are one prefix's)
ENDS = {
    'route_leak_end': (('route_leak',), ('leaker', 'from', 'to')),
    'upstream_lost': (('upstream_gained',), ('origin', 'upstream')),
    'origin_lost': (('origin_gained', 'prefix_new'), ('origin',)),
    'rpki_invalid_end': (('rpki_invalid',), ('origin',)),
    'country_provider_lost': (('country_provider_gained',), ('country', 'provider')),
}
KEYS = ('origin', 'upstream', 'leaker', 'from', 'to', 'country', 'provider')


def episode(end, e, pfx):
    fields = ENDS[end][1]
    return tuple(e.get(k) for k in fields) + (() if 'country' in fields else (pfx,))


def secs(t):
    import calendar
    import time
    return calendar.timegm(time.strptime(t, '%Y-%m-%dT%H:%M:%SZ'))


def group(e):
    # the fields that make an event one group (docs/events.md §7), the
    # episode key without the type
    key = tuple(e.get(k) for k in KEYS)
    return e['type'], e['time'], key


def load(path):
    return [json.loads(line) for line in open(path) if line.strip()]


def main():
    full = load(sys.argv[1])
    # (episode key) -> times of its starts, per start type
    starts = {}
    for e in full:
        for end, (st, _) in ENDS.items():
            if e['type'] in st:
                for p in e['prefixes']:
                    starts.setdefault((end, episode(end, e, p)), []).append(secs(e['time']))
    bad, compared, allowed = [], 0, 0
    for line in open(sys.argv[2]):
        a, b, t, path = line.split()
        a, b, t = int(a), int(b), int(t)
        want = {group(e): e for e in full if a <= secs(e['time']) < b}
        got = {group(e): e for e in load(path)}
        compared += len(want)
        for g in sorted(set(want) | set(got)):
            w, h = want.get(g), got.get(g)
            if w == h:
                continue
            pw = set(w['prefixes']) if w else set()
            ph = set(h['prefixes']) if h else set()
            if ph - pw or (w and h and pw == ph):
                bad.append('%s..%s: got %s, want %s' % (a, b, json.dumps(h), json.dumps(w)))
                continue
            typ, when = g[0], secs(g[1])
            for p in sorted(pw - ph):
                began = [s for s in starts.get((typ, episode(typ, w, p)), []) if s <= when] if typ in ENDS else []
                # under way at T: its last start (if any was reported) before T
                if typ in ENDS and (not began or max(began) < t):
                    allowed += 1
                else:
                    bad.append('%s..%s: %s %s of %s missing (its episode began at %s, after %s)' %
                               (a, b, typ, g[1], p, max(began) if began else '-', t))
    print('%d events compared, %d ends of episodes under way at the first starting dump missing, '
          '%d other differences' % (compared, allowed, len(bad)))
    for x in bad[:10]:
        print(x)
    sys.exit(1 if bad else 0)


main()
