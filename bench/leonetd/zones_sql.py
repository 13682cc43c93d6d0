#!/usr/bin/env python3
"""zones_sql.py SCENARIO DATA_DIR - the scenario's zones as SQL for the
PostGIS side of bench/leonetd: one row per zone, its polygons loaded from
the same GeoJSON file leonetd seeds from (ST_GeomFromGeoJSON of each
feature's geometry, unioned per zone), plus the same zones cut into
ST_Subdivide pieces (PostGIS's own advice for point-in-polygon speed).
Prints SQL on stdout."""
import json, os, sys


def q(s):
    return "'" + s.replace("'", "''") + "'"


def main():
    sc_path, data = sys.argv[1], sys.argv[2]
    sc = json.load(open(sc_path))
    print("CREATE TABLE zones (id text PRIMARY KEY, action text NOT NULL,"
          " priority int NOT NULL, geom geometry(MultiPolygon, 4326));")
    for z in sc.get("zones", []):
        if "file" not in z:
            sys.exit("zones_sql.py: zone %s is not a GeoJSON file (cells)"
                     % z.get("id"))
        path = z["file"]
        for base in (os.path.dirname(os.path.abspath(sc_path)), data):
            if os.path.exists(os.path.join(base, path)):
                path = os.path.join(base, path)
                break
        gj = json.load(open(path))
        feats = gj["features"] if gj["type"] == "FeatureCollection" else [gj]
        geoms = ", ".join(
            "ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326)" % q(
                json.dumps(f["geometry"])) for f in feats)
        print("INSERT INTO zones VALUES (%s, %s, %d, ST_Multi(ST_Union("
              "ARRAY[%s])));" % (q(z["id"]), q(z.get("action", "deny")),
                                 int(z.get("priority", 0)), geoms))
    print("CREATE INDEX zones_geom ON zones USING gist (geom);")
    print("CREATE TABLE zones_sub AS SELECT id, action, priority,"
          " ST_Subdivide(geom, 128) AS geom FROM zones;")
    print("CREATE INDEX zones_sub_geom ON zones_sub USING gist (geom);")
    print("ANALYZE zones; ANALYZE zones_sub;")


main()
