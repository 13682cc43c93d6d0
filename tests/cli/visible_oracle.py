#!/usr/bin/python3
"""visible_oracle.py - recompute `leonet visible` without leonet.

Usage:
  visible_oracle.py snap TLE T_UNIX LAT LON ALT_M MASK_DEG LEONET.csv
  visible_oracle.py pass TLE T0 T1 STEP LAT LON ALT_M MASK_DEG LEONET.csv

Positions: python-sgp4 (Debian's python3-sgp4; Satrec.twoline2rv, WGS-72)
in TEME. Everything after is numpy written here from the textbooks, not
from leonet: TEME -> ECEF by a rotation about z by GMST (IAU-82, Vallado
2006 eq. 3-45, UT1 = UTC, no polar motion), the site on WGS-84 (a =
6378.137 km, f = 1/298.257223563), look angles in the local east-north-up
frame of the ellipsoid normal (geodetic elevation, azimuth from north
through east), slant range; the satellite's height by Bowring's
iteration.

snap: the objects with elevation >= mask at T must be the same set (by
catalog number) as leonet's, elevation and azimuth within 0.01 deg, range
within 0.1 km, height within 0.1 km, and the in_service flag that of
the rule of docs/scenario.md written again here.
pass: every object sampled each second from T0 to T1; a pass is a run of
seconds above the mask that contains one of leonet's samples (T0 + k STEP,
and T1). Same passes (catalog number, open start/end), rise and set within
2 s, maximum elevation (the best second refined every 0.01 s within
1 s of it) within 0.01 deg.

Exit 0 all agree, 1 a mismatch (printed), 77 without sgp4 or numpy.
"""
import csv
import math
import sys

try:
    import numpy as np
    from sgp4.api import Satrec
except ImportError:
    sys.exit(77)

A, F = 6378.137, 1 / 298.257223563
E2 = F * (2 - F)


def read_tle(path):
    lines = open(path).read().splitlines()
    out = []
    for i in range(len(lines) - 1):
        if lines[i].startswith('1 ') and lines[i + 1].startswith('2 '):
            out.append((int(lines[i][2:7]), lines[i][:69], lines[i + 1][:69]))
            NAMES[out[-1][0]] = lines[i - 1].strip() if i > 0 else ''
    return out


NAMES = {}
SHELLS = [(550, 53.0), (540, 53.2), (570, 70.0), (560, 97.6)]


def in_service(name, l2):
    """docs/scenario.md "Satellites in service", from the text."""
    if name and not (name.startswith('STARLINK') or name.startswith('SHELL')):
        return 0
    inc, ecc = float(l2[8:16]), float('0.' + l2[26:33])
    n = float(l2[52:63]) * 2 * math.pi / 86400
    alt = (398600.8 / n ** 2) ** (1 / 3) - 6378.135
    return int(ecc < 0.01 and any(
        abs(inc - si) <= 0.1 and -5 <= alt - sa <= 10 for sa, si in SHELLS))


def gmst_rad(jd):
    t = (jd - 2451545.0) / 36525.0
    s = 67310.54841 + (876600.0 * 3600 + 8640184.812866) * t \
        + 0.093104 * t * t - 6.2e-6 * t ** 3
    return np.radians(np.mod(s, 86400.0) / 240.0)


def site(lat, lon, h):
    la, lo = math.radians(lat), math.radians(lon)
    n = A / math.sqrt(1 - E2 * math.sin(la) ** 2)
    r = np.array([(n + h) * math.cos(la) * math.cos(lo),
                  (n + h) * math.cos(la) * math.sin(lo),
                  (n * (1 - E2) + h) * math.sin(la)])
    e = np.array([-math.sin(lo), math.cos(lo), 0.0])
    nn = np.array([-math.sin(la) * math.cos(lo), -math.sin(la) * math.sin(lo),
                   math.cos(la)])
    u = np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo),
                  math.sin(la)])
    return r, e, nn, u


def ecef(sat, t_unix):
    """ECEF km of one Satrec at Unix times (array); NaN rows on error."""
    t = np.atleast_1d(np.asarray(t_unix, dtype=float))
    jd = np.floor(t / 86400.0) + 2440587.5
    fr = (t - np.floor(t / 86400.0) * 86400.0) / 86400.0
    err, r, _ = sat.sgp4_array(jd, fr)
    r = np.array(r, dtype=float)
    r[err != 0] = np.nan
    g = gmst_rad(jd + fr)
    c, s = np.cos(g), np.sin(g)
    return np.stack([c * r[:, 0] + s * r[:, 1], -s * r[:, 0] + c * r[:, 1],
                     r[:, 2]], axis=1)


def height(p):
    x, y, z = p
    pr = math.hypot(x, y)
    b = A * (1 - F)
    ep2 = E2 / (1 - E2)
    beta = math.atan2(z, pr * (1 - F))
    for _ in range(10):
        lat = math.atan2(z + ep2 * b * math.sin(beta) ** 3,
                         pr - E2 * A * math.cos(beta) ** 3)
        beta = math.atan2((1 - F) * math.sin(lat), math.cos(lat))
    return pr * math.cos(lat) + z * math.sin(lat) \
        - A * math.sqrt(1 - E2 * math.sin(lat) ** 2)


def look(p, st):
    r, e, n, u = st
    d = p - r
    rng = np.linalg.norm(d, axis=-1)
    el = np.degrees(np.arcsin(np.clip((d @ u) / rng, -1, 1)))
    az = np.mod(np.degrees(np.arctan2(d @ e, d @ n)), 360.0)
    return el, az, rng


def snap(args):
    tle, t, lat, lon, alt_m, mask, path = args
    t, st = float(t), site(float(lat), float(lon), float(alt_m) / 1e3)
    want = {}
    for norad, l1, l2 in read_tle(tle):
        p = ecef(Satrec.twoline2rv(l1, l2), t)[0]
        if np.isnan(p).any():
            continue
        el, az, rng = look(p, st)
        if el >= float(mask):
            want[norad] = (float(el), float(az), float(rng), height(p),
                           in_service(NAMES[norad], l2))
    got = {int(r['norad']): (float(r['el_deg']), float(r['az_deg']),
                             float(r['range_km']), float(r['alt_km']),
                             int(r['in_service']))
           for r in csv.DictReader(open(path))}
    bad = 0
    if set(want) != set(got):
        print('sets differ: only oracle %s, only leonet %s' % (
            sorted(set(want) - set(got)), sorted(set(got) - set(want))))
        bad += 1
    for k in sorted(set(want) & set(got)):
        w, g = want[k], got[k]
        daz = abs((w[1] - g[1] + 180) % 360 - 180)
        if abs(w[0] - g[0]) > 0.01 or daz > 0.01 or abs(w[2] - g[2]) > 0.1 \
                or abs(w[3] - g[3]) > 0.1 or w[4] != g[4]:
            print('%d: want el %.5f az %.5f range %.4f alt %.4f in %d, '
                  'got %s' % (k, w[0], w[1], w[2], w[3], w[4], g))
            bad += 1
    print('snap: %d objects above %s deg (%d in service), %d mismatches' % (
        len(want), mask, sum(w[4] for w in want.values()), bad))
    return 1 if bad else 0


def passes(args):
    tle, t0, t1, step, lat, lon, alt_m, mask, path = args
    t0, t1, step, mask = float(t0), float(t1), float(step), float(mask)
    st = site(float(lat), float(lon), float(alt_m) / 1e3)
    ts = np.arange(t0, t1 + 0.5)
    smp = np.append(np.arange(t0, t1, step), t1)
    samples = set(np.round(smp).tolist())
    want = {}
    for norad, l1, l2 in read_tle(tle):
        sat = Satrec.twoline2rv(l1, l2)
        # a pass holds a sample: objects below the mask at every sample
        # have none (python-sgp4 may lack its C part: spare the seconds)
        if not (np.nan_to_num(look(ecef(sat, smp), st)[0], nan=-90)
                >= mask).any():
            continue
        p = ecef(sat, ts)
        el, _, _ = look(p, st)
        up = np.nan_to_num(el, nan=-90) >= mask
        if not up.any():
            continue
        edge = np.diff(np.concatenate([[0], up.astype(np.int8), [0]]))
        for i, j in zip(np.flatnonzero(edge == 1),
                        np.flatnonzero(edge == -1) - 1):
            if not any(ts[k] in samples for k in range(i, j + 1)):
                continue
            rise = None if i == 0 else float(ts[i])
            sett = None if j == len(ts) - 1 else float(ts[j])
            # the peak: the best second, then every 0.01 s around it
            k = i + int(np.argmax(el[i:j + 1]))
            fine = np.arange(ts[k] - 1.0, ts[k] + 1.005, 0.01)
            fine = fine[(fine >= t0) & (fine <= t1)]
            mx = max(float(el[k]), float(np.nanmax(
                look(ecef(sat, fine), st)[0])))
            want[(norad, 0 if rise is None else round(rise))] = (
                rise, sett, mx)
    import datetime

    def tparse(s):
        if not s:
            return None
        return datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%SZ').replace(
            tzinfo=datetime.timezone.utc).timestamp()
    got = []
    for r in csv.DictReader(open(path)):
        got.append((int(r['norad']), tparse(r['rise_utc']),
                    tparse(r['set_utc']), float(r['max_el_deg'])))
    bad = 0
    used = set()
    for norad, rise, sett, mx in got:
        match = None
        for key, w in want.items():
            if key[0] != norad or key in used:
                continue
            if (w[0] is None) != (rise is None):
                continue
            if rise is not None and abs(w[0] - rise) > 2:
                continue
            match = key
            break
        if match is None:
            print('leonet pass %d rise %s has no oracle pass' % (norad, rise))
            bad += 1
            continue
        used.add(match)
        w = want[match]
        if (w[1] is None) != (sett is None) or \
                (sett is not None and abs(w[1] - sett) > 2) or \
                abs(w[2] - mx) > 0.01:
            print('%d: want set %s max %.4f, got set %s max %.4f' % (
                norad, w[1], w[2], sett, mx))
            bad += 1
    for key in set(want) - used:
        print('oracle pass %s missing from leonet' % (key,))
        bad += 1
    print('pass: %d oracle passes, %d leonet, %d mismatches' % (
        len(want), len(got), bad))
    return 1 if bad else 0


if __name__ == '__main__':
    mode = sys.argv[1]
    sys.exit(snap(sys.argv[2:]) if mode == 'snap' else passes(sys.argv[2:]))
