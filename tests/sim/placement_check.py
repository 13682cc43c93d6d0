#!/usr/bin/python3
"""placement_check.py CSV DATA_DIR - Shapely oracle for the built-in day's
fixed terminals (CSV group,lon,lat in degrees, written by test_placement.c).

Checks, on the raw data files (not only the derived ones the scenario
uses): no terminal in DeepState's 2022-11-15 occupied area, in the
scenario's exclusion files, or in Natural Earth's Crimea; none within
25 km of Mariupol (haversine, mean radius); every terminal in the region;
fewer terminals within 0.5 deg of Donetsk than of Kharkiv. Prints the
counts; exits 1 on a failed check."""
import csv
import json
import math
import os
import sys

from shapely.geometry import Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep


def load(path):
    with open(path) as f:
        fc = json.load(f)
    return unary_union([shape(ft["geometry"]) for ft in fc["features"]])


def km(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + \
        math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def main():
    rows = list(csv.DictReader(open(sys.argv[1])))
    data = sys.argv[2]
    with open(os.path.join(data, "scenarios", "ukraine-2022.json")) as f:
        sc = json.load(f)
    fixed = [g for g in sc["terminals"] if g["kind"] == "fixed"]
    checks = {"occupied_deepstate_20221115": "geo/occupied_deepstate_20221115.geojson",
              "crimea_ne10m": "geo/crimea_ne10m.geojson"}
    for g in fixed:
        checks["exclude " + g["exclude"]] = g["exclude"]
    bad = 0
    pts = [(r["group"], float(r["lon"]), float(r["lat"])) for r in rows]
    print("terminals", len(pts))
    if len(pts) != sum(g["count"] for g in fixed):
        print("FAIL: count"); bad += 1
    for name, rel in sorted(checks.items()):
        z = prep(load(os.path.join(data, rel)))
        n = sum(1 for _, lo, la in pts if z.contains(Point(lo, la)))
        print("inside %s: %d" % (name, n))
        if n:
            print("FAIL"); bad += 1
    reg = prep(load(os.path.join(data, fixed[0]["region"])))
    n = sum(1 for _, lo, la in pts if not reg.intersects(Point(lo, la)))
    print("outside the region:", n)
    if n:
        print("FAIL"); bad += 1
    n = sum(1 for _, lo, la in pts if km(lo, la, 37.5434, 47.0971) < 25)
    print("within 25 km of Mariupol:", n)
    if n:
        print("FAIL"); bad += 1
    don = sum(1 for _, lo, la in pts if math.hypot(lo - 37.8028, la - 48.0159) < 0.5)
    kha = sum(1 for _, lo, la in pts if math.hypot(lo - 36.2304, la - 49.9935) < 0.5)
    print("within 0.5 deg of Donetsk: %d, of Kharkiv: %d" % (don, kha))
    if not don < kha:
        print("FAIL"); bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
