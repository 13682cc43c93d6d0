#!/usr/bin/python3
"""ring_validity.py - which polygons every zone reader accepts, against
Shapely (GEOS) as the oracle.

For each polygon of the table (exterior ring and holes, in degrees, away
from the antimeridian, where planar validity and leonet's agree),
Shapely's Polygon.is_valid decides valid or not; leonet must accept the
valid ones and refuse the others with exit status 2 and a message, in
each verb that reads zones: geofence --zones, cell --polyfill,
route --jam and run (a one-step scenario whose zone is the polygon).

Not in the table: a hole touching the exterior at two points (Shapely:
"interior is disconnected"); leonet accepts it (docs/geofence.md).

usage: ring_validity.py LEONET WORK_DIR
"""
import json
import os
import subprocess
import sys

from shapely.geometry import Polygon
from shapely.validation import explain_validity

leonet, work = sys.argv[1:3]
os.makedirs(work, exist_ok=True)

SQ = [(0, 0), (10, 0), (10, 10), (0, 10)]
L_SHAPE = [(0, 0), (10, 0), (10, 4), (4, 4), (4, 10), (0, 10)]
CASES = [
    ("square", SQ, []),
    ("hole_inside", SQ, [[(2, 2), (4, 2), (4, 4), (2, 4)]]),
    ("two_holes", SQ, [[(1, 1), (3, 1), (3, 3)], [(5, 5), (8, 5), (8, 8)]]),
    ("hole_outside", SQ, [[(20, 20), (21, 20), (21, 21)]]),
    ("hole_outside_in_box", L_SHAPE, [[(6, 6), (8, 6), (8, 8), (6, 8)]]),
    ("hole_outside_touching", SQ, [[(5, 10), (6, 12), (4, 12)]]),
    ("hole_touching_edge_at_point", SQ, [[(5, 0), (6, 2), (4, 2)]]),
    ("hole_touching_corner", SQ, [[(0, 0), (2, 1), (1, 2)]]),
    ("hole_crossing", SQ, [[(8, 8), (12, 8), (12, 9), (8, 9)]]),
    ("hole_sharing_edge", SQ, [[(0, 2), (0, 4), (2, 4), (2, 2)]]),
    ("hole_equals_shell", SQ, [SQ]),
    ("nested_holes", SQ, [[(1, 1), (9, 1), (9, 9), (1, 9)],
                          [(3, 3), (6, 3), (6, 6), (3, 6)]]),
    ("holes_touching_at_point", SQ, [[(1, 1), (3, 1), (3, 3)],
                                     [(3, 3), (5, 3), (5, 5)]]),
    ("holes_overlapping", SQ, [[(1, 1), (5, 1), (5, 5), (1, 5)],
                               [(3, 3), (7, 3), (7, 7), (3, 7)]]),
    ("hole_through_shell_vertex", SQ, [[(10, 10), (12, 12), (8, 9)]]),
    ("hole_across_edge_at_vertices", SQ, [[(5, 10), (6, 12), (7, 10),
                                           (6, 8)]]),
    ("bowtie", [(0, 0), (10, 10), (10, 0), (0, 10)], []),
]


def ring(pts):
    return [list(p) for p in pts] + [list(pts[0])]


def run(args):
    p = subprocess.run([leonet] + args, capture_output=True, text=True)
    return p.returncode, p.stderr.strip()


def scenario(f):
    """A one-step run whose only zone is f (leonet run reads it at setup)."""
    sc = os.path.join(work, os.path.basename(f) + ".scenario.json")
    with open(sc, "w") as o:
        json.dump({
            "name": "rings", "start": "2022-10-09T00:00:00Z",
            "duration_s": 60, "step_s": 60,
            "constellation": {"preset": "gen1"},
            "gateways": [{"name": "g", "lat": 50, "lon": 20}],
            "zones": [{"file": f, "id": "z"}],
            "plans": [{"id": "p", "hardware_usd": 1, "monthly_usd": 1,
                       "peak_mbps": 1}],
            "accounts": [{"id": "a", "plan": "p"}],
            "terminals": [{"kind": "mobile", "count": 1, "account": "a",
                           "tracks": [{"waypoints": [
                               {"lat": 1, "lon": 1, "t_s": 0}]}]}],
            "outputs": {"window_s": 60}}, o)
    return ["--threads", "1", "run", sc, "--quiet", "--output",
            os.path.join(work, "out")]


VERBS = {
    "geofence": lambda f: ["geofence", "--zones", f, "--lon", "1",
                           "--lat", "1"],
    "cell --polyfill": lambda f: ["cell", "--polyfill", f, "--res", "1"],
    "route --jam": lambda f: ["route", "--shells", "gen1", "--from",
                              "50,30", "--to", "51,31", "--duration", "60",
                              "--step", "60", "--jam", f],
    "run": scenario,
}

bad = 0
for name, shell, holes in CASES:
    want = Polygon(shell, holes).is_valid
    why = explain_validity(Polygon(shell, holes))
    path = os.path.join(work, name + ".geojson")
    with open(path, "w") as f:
        json.dump({"type": "Polygon",
                   "coordinates": [ring(shell)] + [ring(h) for h in holes]},
                  f)
    for verb, args in VERBS.items():
        rc, err = run(args(path))
        got = rc == 0
        # every verb refuses a bad zone as bad input: exit status 2
        ok = got == want and (got or (rc == 2 and err))
        if not ok:
            bad += 1
        print("%-4s %-28s %-16s shapely %-5s (%s) leonet rc %d %s" %
              ("ok" if ok else "FAIL", name, verb, want, why, rc, err[:160]))
sys.exit(1 if bad else 0)
