#!/usr/bin/python3
"""zone_crossing.py - a mobile unit crosses into the 2022-08-31 deny zone
and back out; leonet must cut its service at the first step the unit is
inside the zone (reason zone:<id>) and restore it at the first step it is
outside again.

Oracle: Shapely (GEOS) decides inside/outside for the unit's position at
every step; the position follows the documented track rule (great circle
between waypoints at constant speed on the unit sphere, docs/scenario.md)
written out here independently. Points on the boundary count as inside
(leonet's rule), i.e. Shapely's `intersects`.

usage: zone_crossing.py LEONET DATA_DIR WORK_DIR
"""
import csv
import json
import math
import os
import subprocess
import sys

from shapely.geometry import Point, shape
from shapely.ops import unary_union

leonet, data, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)

STEP = 60
WAY = [(48.85, 37.60, 0), (48.99, 37.80, 7200), (48.85, 37.60, 14400)]
DUR = 21600
scen = {
    "name": "crossing-oracle", "start": "2022-10-09T00:00:00Z",
    "duration_s": DUR, "step_s": STEP,
    "constellation": {"tle": "tle/starlink_2022-10-09.tle",
                      "name_prefix": "STARLINK"},
    "gateways": [{"name": "Wola", "lat": 51.86, "lon": 20.92,
                  "antennas": 100},
                 {"name": "Kaunas", "lat": 54.88, "lon": 23.84,
                  "antennas": 100}],
    "zones": [{"file": "geo/occupied_deepstate_20220831.geojson",
               "id": "occ", "action": "deny", "priority": 1}],
    "plans": [{"id": "p", "hardware_usd": 1, "monthly_usd": 1,
               "peak_mbps": 1}],
    "accounts": [{"id": "a", "plan": "p"}],
    "terminals": [{"kind": "mobile", "count": 1, "account": "a",
                   "spread_km": 0, "tracks": [{"waypoints": [
                       {"lat": la, "lon": lo, "t_s": t}
                       for la, lo, t in WAY]}]}],
}
path = os.path.join(work, "crossing.json")
with open(path, "w") as f:
    json.dump(scen, f)
out = os.path.join(work, "out")
subprocess.run([leonet, "--threads", "1", "run", path, "--output", out,
                "--quiet"], check=True)

with open(os.path.join(data, "geo/occupied_deepstate_20220831.geojson")) as f:
    zone = unary_union([shape(ft["geometry"])
                        for ft in json.load(f)["features"]])


def unit(lat, lon):
    la, lo = math.radians(lat), math.radians(lon)
    return (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo),
            math.sin(la))


def position(t):
    if t <= WAY[0][2]:
        return WAY[0][1], WAY[0][0]
    if t >= WAY[-1][2]:
        return WAY[-1][1], WAY[-1][0]
    i = max(k for k in range(len(WAY) - 1) if t >= WAY[k][2])
    (la0, lo0, t0), (la1, lo1, t1) = WAY[i], WAY[i + 1]
    f = (t - t0) / (t1 - t0)
    a, b = unit(la0, lo0), unit(la1, lo1)
    om = math.acos(max(-1.0, min(1.0, sum(x * y for x, y in zip(a, b)))))
    wa, wb = math.sin((1 - f) * om) / math.sin(om), math.sin(f * om) / math.sin(om)
    p = [wa * x + wb * y for x, y in zip(a, b)]
    return (math.degrees(math.atan2(p[1], p[0])),
            math.degrees(math.atan2(p[2], math.hypot(p[0], p[1]))))


inside = [zone.intersects(Point(*position(s * STEP)))
          for s in range(DUR // STEP)]
enter = [s for s in range(1, len(inside)) if inside[s] and not inside[s - 1]]
leave = [s for s in range(1, len(inside)) if not inside[s] and inside[s - 1]]
assert not inside[0] and len(enter) == 1 and len(leave) == 1, (enter, leave)


def hms(s):
    t = s * STEP
    return "2022-10-09T%02d:%02d:%02dZ" % (t // 3600, t // 60 % 60, t % 60)


with open(os.path.join(out, "events.csv")) as f:
    ev = list(csv.DictReader(f))
zone_ev = [(e["time"], e["event"], e["reason"]) for e in ev
           if e["reason"].startswith("zone")]
want = [(hms(enter[0]), "lost", "zone:occ"),
        (hms(leave[0]), "restored", "zone:occ")]
print("oracle:", want)
print("leonet:", zone_ev)
assert zone_ev == want, "zone events differ from the Shapely oracle"
# the denied steps are exactly the steps inside
with open(os.path.join(out, "summary.json")) as f:
    summ = json.load(f)
denied_min = summ["accounts"]["a"]["outage_minutes"]["zone"]
assert abs(denied_min - sum(inside) * STEP / 60.0) < 1e-6, (denied_min,
                                                              sum(inside))
print("ok: entered at step %d, left at step %d, %d steps inside"
      % (enter[0], leave[0], sum(inside)))
