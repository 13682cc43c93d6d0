#!/usr/bin/python3
"""coast_zones.py - put the occupied-territory zones on the region's coastline.

The built-in scenario places terminals inside the Natural Earth 1:10m
boundary of Ukraine (data/geo/ukraine_ne10m_dejure.geojson, "the region")
and denies service in DeepState's occupied areas. The two sources draw the
coast (and the border with Russia) differently, so thin strips are land for
the region but outside the occupied polygon: terminals landed there
(Mariupol's shore, Crimea's coast). One coastline is chosen: the region's.
Each occupied polygon O is extended over the region's land that lies in a
thin strip between O and the outside of the region (sea or foreign land):

    sliver = { x in region - O : dist(x, O) + dist(x, outside) < W }

with W = 6 km (the widest coast mismatch found along the Azov and Crimean
coasts is under 4 km: at W = 4 km no NE Crimean land is left outside the
2022-11-15 polygon). The union over t = 0, W/8, .., W of
buffer(O, t) & buffer(outside, W - t) computes it (exact as the step goes
to 0; the staircase error is under W/8). Inland, the front line is far from
the outside, so the zones keep their front lines as drawn; where the front
meets the coast or the border, at most a W-sized triangle of land is added.
Distances: degrees scaled by 1/111 km (latitude); east-west distances at
45-52 N are 1.5 x larger in km than that scale says, i.e. W is 6 km north-
south and up to 9 km east-west (the rule only needs "thin").

Writes into data/geo/:
  occupied_deepstate_20220831_ne10m.geojson  the stale deny zone of the
      scenario (2022-08-31 as drawn) extended to the region's coast
  occupied_20221009_ne10m.geojson  the placement exclusion for the
      scenario's date 2022-10-09: occupied on 2022-11-15, plus the right
      bank of the Dnipro in Kherson oblast (occupied on 2022-08-31 and
      liberated only on 2022-11-09..11), plus NE's Crimea; extended to the
      region's coast the same way.

Run:  /usr/bin/python3 scripts/data/coast_zones.py   (rebuilds both files)
      /usr/bin/python3 scripts/data/coast_zones.py --region R --zone Z --out O
          (one zone file Z put on region R's coastline; tests/sim uses it)
Needs python3-shapely (1.8 or 2.x). Output is deterministic.
"""
import json
import os
import sys

from shapely.geometry import box, mapping, shape, Point
from shapely.ops import unary_union

W_KM = 6.0
STEPS = 8
KM = 1.0 / 111.0  # degrees per km (latitude)
GEO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "data", "geo")


def load(name):
    with open(os.path.join(GEO, name)) as f:
        fc = json.load(f)
    return unary_union([shape(ft["geometry"]) for ft in fc["features"]]), fc


def sliver(region, outside, occ):
    free = region.difference(occ)
    parts = []
    for i in range(STEPS + 1):
        t = W_KM * i / STEPS
        a = occ.buffer(t * KM) if t > 0 else occ
        b = outside.buffer((W_KM - t) * KM) if W_KM - t > 0 else outside
        parts.append(free.intersection(a).intersection(b))
    return unary_union(parts)


def polys(g):
    if g.geom_type == "Polygon":
        return [g]
    return [p for p in getattr(g, "geoms", []) if p.geom_type == "Polygon"]


def rounded(g):
    """6-decimal coordinates (as every file here), valid, CCW shells."""
    def rr(ring):
        return [(round(x, 6), round(y, 6)) for x, y in ring.coords]
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.geometry.polygon import orient
    for _ in range(5):
        ps = [orient(Polygon(rr(p.exterior), [rr(r) for r in p.interiors]))
              for p in polys(g) if p.area > 1e-10]
        out = MultiPolygon(ps)
        if out.is_valid:
            return out
        g = out.buffer(0)
    sys.exit("coast_zones.py: cannot make a valid 6-decimal geometry")


def write(name, geom, props, path=None):
    geom = rounded(geom)
    nv = sum(len(p.exterior.coords) + sum(len(r.coords) for r in p.interiors)
             for p in geom.geoms)
    props = dict(props, vertices=nv, parts=len(geom.geoms))
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": mapping(geom)}]}
    path = path or os.path.join(GEO, name)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(fc, f, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, path)
    print("%s: %d vertices, %d parts" % (name, nv, len(geom.geoms)))


def one(args):
    region, _ = load(os.path.abspath(args.region))
    occ, fc = load(os.path.abspath(args.zone))
    outside = box(*[v + d for v, d in zip(region.bounds, (-1, -1, 1, 1))]) \
        .difference(region)
    p = dict(fc["features"][0].get("properties") or {})
    p["coastline"] = "%s: extended over strips narrower than %g km" % (
        os.path.basename(args.region), W_KM)
    write(os.path.basename(args.out), occ.union(sliver(region, outside, occ)),
          p, os.path.abspath(args.out))


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--region")
    ap.add_argument("--zone")
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.region or args.zone or args.out:
        if not (args.region and args.zone and args.out):
            ap.error("--region, --zone and --out go together")
        return one(args)
    region, _ = load("ukraine_ne10m_dejure.geojson")
    o0831, f0831 = load("occupied_deepstate_20220831.geojson")
    o1115, _ = load("occupied_deepstate_20221115.geojson")
    crimea, _ = load("crimea_ne10m.geojson")
    outside = box(*[v + d for v, d in zip(region.bounds, (-1, -1, 1, 1))]) \
        .difference(region)
    rule = ("extended over the region's land in strips narrower than %g km "
            "between the zone and the sea or border "
            "(scripts/data/coast_zones.py)" % W_KM)

    stale = o0831.union(sliver(region, outside, o0831))
    p = dict(f0831["features"][0]["properties"])
    p["coastline"] = "ukraine_ne10m_dejure.geojson: " + rule
    write("occupied_deepstate_20220831_ne10m.geojson", stale, p)

    # right-bank Kherson: what 2022-08-31 has and 2022-11-15 has not,
    # west of 34 E (the other part is the Kharkiv-Lyman area, liberated
    # in September and on 1 October, before the scenario's day)
    gone = o0831.difference(o1115)
    rb = unary_union([g for g in polys(gone) if g.centroid.x < 34.0])
    day = unary_union([o1115, rb, crimea])
    day = day.union(sliver(region, outside, day))
    write("occupied_20221009_ne10m.geojson", day, {
        "name": "Russian-occupied territory of Ukraine on 2022-10-09 "
                "(approximation)",
        "situation_date": "2022-10-09",
        "source": "occupied_deepstate_20221115 + the part of "
                  "occupied_deepstate_20220831 west of 34 E that 2022-11-15 "
                  "no longer has (right-bank Kherson, liberated 2022-11-09.."
                  "11) + crimea_ne10m; " + rule,
        "license": "derived from DeepStateMap exports (no open-data licence "
                   "stated) and Natural Earth (public domain)"})

    # sanity: the day's zone holds Kherson city, Mariupol, Simferopol; not
    # Izium, Kupiansk, Lyman (free since September / 1 October)
    for nm, lon, lat, want in (("Kherson", 32.62, 46.64, True),
                               ("Mariupol", 37.55, 47.10, True),
                               ("Simferopol", 34.10, 44.95, True),
                               ("Izium", 37.26, 49.21, False),
                               ("Kupiansk", 37.61, 49.71, False),
                               ("Lyman", 37.80, 48.99, False),
                               ("Mykolaiv", 31.99, 46.97, False)):
        if day.contains(Point(lon, lat)) != want:
            sys.exit("coast_zones.py: sanity check failed at " + nm)


if __name__ == "__main__":
    main()
