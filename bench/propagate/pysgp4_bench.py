"""pysgp4_bench.py - second peer of "leonet bench propagate": python-sgp4's
SatrecArray propagates the same TLEs at the same one-minute steps and
prints, as its last line, propagations_per_s=<number>.

usage: /usr/bin/python3 pysgp4_bench.py --tle FILE --start ISO8601
                                        [--minutes N]
Prints whether python-sgp4 has its C++ extension (sgp4.api.accelerated);
Debian's python3-sgp4 does not, so SatrecArray runs in pure Python there.
"""
import argparse
import datetime
import time

import numpy as np
from sgp4.api import Satrec, SatrecArray, accelerated, jday

ap = argparse.ArgumentParser()
ap.add_argument("--tle", required=True)
ap.add_argument("--start", required=True)
ap.add_argument("--minutes", type=int, default=1440)
a = ap.parse_args()

lines = open(a.tle).read().splitlines()
sats = []
i = 0
while i < len(lines):
    if lines[i].startswith("1 ") and i + 1 < len(lines) and \
            lines[i + 1].startswith("2 "):
        sats.append(Satrec.twoline2rv(lines[i], lines[i + 1]))
        i += 2
    else:
        i += 1
arr = SatrecArray(sats)
t0 = datetime.datetime.fromisoformat(a.start.replace("Z", "+00:00"))
jd0, fr0 = jday(t0.year, t0.month, t0.day, t0.hour, t0.minute,
                t0.second + t0.microsecond * 1e-6)
jd = np.full(a.minutes, jd0)
fr = fr0 + np.arange(a.minutes) / 1440.0

arr.sgp4(jd[:1], fr[:1])  # warm-up
t = time.perf_counter()
c = time.process_time()
e, r, v = arr.sgp4(jd, fr)
el = time.perf_counter() - t
cpu = time.process_time() - c
n = len(sats) * a.minutes
print(f"python-sgp4 SatrecArray (accelerated={accelerated}): "
      f"satellites {len(sats)}, steps {a.minutes}")
print(f"failed propagations: {int(np.count_nonzero(e))}")
print(f"time: {el:.6f} s, {el * 1e9 / n:.2f} ns per propagation")
print(f"cpu time: {cpu:.6f} s, {n / cpu / 1e6:.4f} M propagations per "
      "cpu-second")
print(f"propagations_per_s={n / el:.0f}")
