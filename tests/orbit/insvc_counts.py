#!/usr/bin/python3
"""The in-service rule of docs/scenario.md ("Satellites in service") on
data/tle/starlink_2022-10-09.tle, written again from the text, without
leonet: prints the altitude histogram by shell (the table in
docs/scenario.md) and the counts by class. tests/sim/test_insvc.c asserts
the counts it prints (2651 in service; the old floor, STARLINK names with
mean altitude >= 500 km and ecc < 0.01: 2747).

Mean altitude: a = (mu / n^2)^(1/3) - 6378.135 km with mu = 398600.8
km^3/s^2 (WGS-72) and n the TLE mean motion in rad/s."""
import collections
import math
import sys

path = sys.argv[1] if len(sys.argv) > 1 else 'data/tle/starlink_2022-10-09.tle'
L = open(path).read().splitlines()
MU, RE = 398600.8, 6378.135
SHELLS = [(550, 53.0), (540, 53.2), (570, 70.0), (560, 97.6)]
BELOW, ABOVE, INCL = 5.0, 10.0, 0.1
old = 0
cls = collections.Counter()
byshell = collections.Counter()
bins = [(0, 400), (400, 500), (500, 530)] + \
    [(x, x + 5) for x in range(530, 580, 5)]
hist = collections.Counter()
for i in range(0, len(L), 3):
    name, l2 = L[i].strip(), L[i + 2]
    inc, ecc = float(l2[8:16]), float('0.' + l2[26:33])
    n = float(l2[52:63]) * 2 * math.pi / 86400
    alt = (MU / n ** 2) ** (1 / 3) - RE
    sl = name.startswith('STARLINK')
    old += sl and alt >= 500 and ecc < 0.01
    if not sl:
        cls['not a satellite'] += 1
        continue
    c, member, low = None, False, False
    for k, (sa, si) in enumerate(SHELLS):
        if abs(inc - si) <= INCL and ecc < 0.01:
            member = True
            for b in bins:
                if b[0] <= alt < b[1]:
                    hist[(b, k)] += 1
            d = alt - sa
            if -BELOW <= d <= ABOVE:
                c = 'in service'
                byshell[k] += 1
                break
            low |= d < -BELOW
    if c is None:
        c = 'off shell' if not member else (
            'below band' if low else 'above band')
    cls[c] += 1
print('| mean altitude (km) | ' + ' | '.join(
    '%d km / %.1f deg' % s for s in SHELLS) + ' |')
for b in bins:
    print('| %s | %s |' % ('below 400' if b[0] == 0 else '%d-%d' % b,
                           ' | '.join(str(hist[(b, k)]) for k in range(4))))
print('in service by shell:', [byshell[k] for k in range(4)])
for k in sorted(cls):
    print('%s: %d' % (k, cls[k]))
print('old floor (>= 500 km):', old)
