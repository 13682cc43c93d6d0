#!/usr/bin/python3
"""sgp4_oracle.py - recompute leonet's SGP4 results with python-sgp4.

Usage: /usr/bin/python3 sgp4_oracle.py RESULTS.csv TLEFILE0 [TLEFILE1 ...]

RESULTS.csv (written by test_sgp4_python.c) has one row per propagation:
    file,index,norad,tsince,rc,x,y,z,vx,vy,vz
file is the position of the TLE file on the command line, index the
position of the set in that file (file order, 0-based), rc leonet's status
(0 or -101..-106 for Vallado's error codes 1..6), the rest km and km/s
(TEME) written with %.17g.

Each set is read with python-sgp4's Satrec.twoline2rv (WGS-72, opsmode
'i') from the original lines (line 2 cut to 69 columns, as Vallado's
verification file needs) and propagated with Satrec.sgp4_tsince. Checked:
the same catalog number, the same error code, and |diff| < 2e-7 km and
2e-7 km/s on each component when there is no error. Prints a summary
line and the first failures; exit status 0 when all agree, 1 otherwise.
"""

import csv
import math
import sys

from sgp4.api import Satrec

TOL_KM = 2e-7
TOL_KM_S = 2e-7


def read_sets(path):
    """(line1, line2) pairs in file order: 2-line or 3-line sets, CRLF or
    LF, '#' comments and blank lines skipped (as ln_tle_parse does)."""
    with open(path, 'rb') as f:
        lines = f.read().decode('ascii').splitlines()
    sets = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith('1 ') and i + 1 < len(lines) \
                and lines[i + 1].startswith('2 '):
            sets.append((line[:69], lines[i + 1][:69]))
            i += 2
        else:
            i += 1
    return sets


def main():
    results, files = sys.argv[1], sys.argv[2:]
    sets = [read_sets(p) for p in files]
    cache = {}
    nrows = nfail = 0
    max_dr = [0.0] * len(files)
    max_dv = [0.0] * len(files)
    nerr = [0] * len(files)
    worst = [''] * len(files)
    with open(results, newline='') as f:
        for row in csv.DictReader(f):
            nrows += 1
            fi, idx = int(row['file']), int(row['index'])
            key = (fi, idx)
            if key not in cache:
                l1, l2 = sets[fi][idx]
                cache[key] = Satrec.twoline2rv(l1, l2)
            sat = cache[key]
            t = float(row['tsince'])
            rc = int(row['rc'])
            got_err = 0 if rc == 0 else -rc - 100
            if sat.satnum != int(row['norad']):
                nfail += 1
                print('FAIL file %d set %d: norad want %d got %s'
                      % (fi, idx, sat.satnum, row['norad']))
                continue
            e, r, v = sat.sgp4_tsince(t)
            if e != got_err:
                nfail += 1
                if nfail <= 20:
                    print('FAIL %d t=%.6f: error want %d got %d'
                          % (sat.satnum, t, e, got_err))
                continue
            if e != 0:
                nerr[fi] += 1
                continue
            got = [float(row[k]) for k in ('x', 'y', 'z', 'vx', 'vy', 'vz')]
            want = list(r) + list(v)
            for k in range(6):
                d = abs(got[k] - want[k])
                if k < 3 and d > max_dr[fi]:
                    max_dr[fi] = d
                    worst[fi] = '%d t=%.6f' % (sat.satnum, t)
                if k >= 3 and d > max_dv[fi]:
                    max_dv[fi] = d
                tol = TOL_KM if k < 3 else TOL_KM_S
                if not d < tol or math.isnan(got[k]):
                    nfail += 1
                    if nfail <= 20:
                        print('FAIL %d t=%.6f comp %d: want %.12f got %.12f'
                              % (sat.satnum, t, k, want[k], got[k]))
    print('python-sgp4 oracle: %d rows, %d sets, %d failures'
          % (nrows, len(cache), nfail))
    for fi, path in enumerate(files):
        print('  %s: %d error rows (same code), max |dr| %.3g km (%s), '
              'max |dv| %.3g km/s' % (path.rsplit('/', 1)[-1], nerr[fi],
                                      max_dr[fi], worst[fi], max_dv[fi]))
    return 1 if nfail or nrows == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
