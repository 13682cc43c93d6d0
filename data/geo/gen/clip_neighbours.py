#!/usr/bin/python3
"""clip_neighbours.py - clips the neighbours of Ukraine (from neighbours.js)
to the map's box, removes the Crimean peninsula from Russia's de facto
Natural Earth outline (leonet draws Ukraine de jure), and writes one
MultiPolygon feature per country, coordinates rounded to 3 decimals.

  node neighbours.js > /tmp/nb.geojson
  /usr/bin/python3 clip_neighbours.py /tmp/nb.geojson \
      ../crimea_ne10m.geojson > ../outlines/neighbours_ne50m.geojson
"""
import json
import sys

from shapely.geometry import box, mapping, shape
from shapely.ops import unary_union
from shapely.validation import make_valid

BOX = box(14.0, 38.0, 48.0, 60.0)  # lon_min, lat_min, lon_max, lat_max


def rounded(geom):
    def r(c):
        return [round(c[0], 3), round(c[1], 3)]
    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    out = []
    for p in polys:
        rings = [[r(c) for c in p.exterior.coords]]
        rings += [[r(c) for c in i.coords] for i in p.interiors]
        out.append(rings)
    return {"type": "MultiPolygon", "coordinates": out}


def main():
    src = json.load(open(sys.argv[1]))
    crimea = unary_union([shape(f["geometry"]) for f in
                          json.load(open(sys.argv[2]))["features"]])
    feats = []
    for f in src["features"]:
        g = make_valid(shape(f["geometry"])).intersection(BOX)
        if f["id"] == "643":
            g = g.difference(crimea.buffer(0.02))
        g = g.simplify(0.005, preserve_topology=True)
        polys = [p for p in getattr(g, "geoms", [g])
                 if p.geom_type == "Polygon" and p.area > 1e-4]
        if not polys:
            continue
        g = unary_union(polys)
        feats.append({"type": "Feature", "id": f["id"],
                      "properties": {"id": f["id"],
                                     "name": f["properties"]["name"]},
                      "geometry": rounded(g)})
    json.dump({"type": "FeatureCollection",
               "name": "neighbours of Ukraine, Natural Earth 1:50m",
               "features": feats}, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


main()
