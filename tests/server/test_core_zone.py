"""The decision inside the built-in deny zones vs outside, against
Shapely as the oracle: for hand-picked places, which of the scenario's
zone polygons (data/geo, the files `leonet run` reads) covers the point,
and so whether the daemon must deny (reason "zone", alert 89
disabled_cell_is_disabled, the zone's id) or allow. A few are also known
by hand (Sevastopol in Crimea, Donetsk occupied since 2014, Kyiv and Lviv
free) and checked against Shapely first, so the oracle itself is sane.
Then the same through the batch route and for a suspended account (95).
"""
import json, os, sys
sys.path.insert(0, os.path.dirname(__file__))
from lnd import Daemon, ZONES
from shapely.geometry import Point, shape
from shapely.ops import unary_union

PLACES = [  # name, lat, lon
    ("Sevastopol", 44.6167, 33.5254), ("Simferopol", 44.9521, 34.1024),
    ("Kerch", 45.3563, 36.4674), ("Donetsk", 48.0159, 37.8028),
    ("Luhansk", 48.5740, 39.3078), ("Mariupol", 47.0971, 37.5434),
    ("Melitopol", 46.8489, 35.3653), ("Kyiv", 50.4501, 30.5234),
    ("Lviv", 49.8397, 24.0297), ("Odesa", 46.4825, 30.7233),
    ("Kharkiv", 49.9935, 36.2304), ("Zaporizhzhia", 47.8388, 35.1396),
    ("Dnipro", 48.4647, 35.0462), ("Berlin", 52.52, 13.405)]
KNOWN = {"Sevastopol": True, "Donetsk": True, "Kyiv": False, "Lviv": False,
         "Berlin": False}


def load(path):
    with open(path) as f:
        gj = json.load(f)
    feats = gj["features"] if gj.get("type") == "FeatureCollection" else [gj]
    return unary_union([shape(f["geometry"]) for f in feats])


def main(build):
    zones = {zid: load(p) for zid, p in ZONES.items()}
    want = {}
    for name, lat, lon in PLACES:
        inside = {z for z, g in zones.items() if g.covers(Point(lon, lat))}
        want[name] = inside
        if name in KNOWN:
            assert bool(inside) == KNOWN[name], (name, inside)
    assert sum(1 for v in want.values() if v) >= 4
    assert sum(1 for v in want.values() if not v) >= 4
    with Daemon(build, seed="min") as d:
        tok = d.token("operator")
        reqs = []
        for name, lat, lon in PLACES:
            st, b = d.req("GET", "/v1/terminals/UT00000000/authorization"
                          "?lat=%r&lon=%r&t=2022-10-09T12:00:00Z" % (lat, lon),
                          tok)
            assert st == 200, (name, st, b)
            c = b["content"]
            check(name, want[name], c)
            assert c["t"].startswith("2022-10-09T12:00:00"), c
            reqs.append({"terminal": "UT00000000", "lat": lat, "lon": lon,
                         "t": 1665316800})
        st, b = d.req("POST", "/v1/authorization", tok, {"requests": reqs})
        assert st == 200, (st, b)
        for (name, _, _), c in zip(PLACES, b["content"]["results"]):
            check(name, want[name], c)
        # UT00000002 belongs to "donated", suspended: 95 before any zone
        for name, lat, lon in PLACES[:2] + PLACES[7:9]:
            st, b = d.req("GET", "/v1/terminals/UT00000002/authorization"
                          "?lat=%r&lon=%r" % (lat, lon), tok)
            c = b["content"]
            assert st == 200 and not c["allowed"], (name, b)
            assert c["reason"] == "account-suspended", c
            assert (c["alert"], c["alertName"]) == (
                95, "disabled_account_disabled"), c


def check(name, inside, c):
    if inside:
        assert c["allowed"] is False and c["reason"] == "zone", (name, c)
        assert c["zone"] in inside, (name, inside, c)
        assert (c["alert"], c["alertName"]) == (
            89, "disabled_cell_is_disabled"), (name, c)
    else:
        assert c["allowed"] is True and c["reason"] == "", (name, c)
        assert c["zone"] is None and c["alert"] == 0, (name, c)


if __name__ == "__main__":
    main(sys.argv[1])
    print("ok")
