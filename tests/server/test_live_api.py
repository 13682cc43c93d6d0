"""GET /v1/map, /v1/map/windows, /v1/map/page: the live map's counts
against reports counted by hand.

A count is one report (a terminal-step of 15 s); a window of 900 s holds
60, so the files' mean number of terminals is reports / 60 with two
decimals (activity.geojson's format, docs/outputs.md). Cells at H3
resolution 5 from h3-js 4.5.0 (latLngToCell, the H3 reference library):
Kyiv (50.45, 30.52) 851e6387fffffff, Simferopol (44.95, 34.10)
852d2d6bfffffff, Lviv (49.84, 24.03) 851e768bfffffff. Simferopol lies in
the built-in "crimea" deny zone; seed-min's account "donated" (terminals
UT00000002, 05, 08, 11) is suspended: both count as denied; a report with
link "no-satellite" as an outage (sim/tally.c's kinds).

Day 2022-10-09 starts at 1665273600 (Unix s).
"""
import json, os, sys
sys.path.insert(0, os.path.dirname(__file__))
from lnd import Daemon

KYIV, SIMF, LVIV = (50.45, 30.52), (44.95, 34.10), (49.84, 24.03)
C_KYIV, C_SIMF, C_LVIV = "851e6387fffffff", "852d2d6bfffffff", \
    "851e768bfffffff"
DAY0 = 1665273600


def rep(term, seq, pos, t, link="ok"):
    return {"terminal": term, "seq": seq, "t": DAY0 + t, "lat": pos[0],
            "lon": pos[1], "bytes_down": 1000, "bytes_up": 100,
            "latency_ms": 30.0, "link": link}


# (terminal, seq, position, seconds into the day, link)
BATCH = [
    ("UT00000000", 1, KYIV, 15, "ok"),
    ("UT00000000", 2, KYIV, 30, "ok"),
    ("UT00000000", 3, KYIV, 45, "ok"),
    ("UT00000001", 1, KYIV, 60, "no-satellite"),
    ("UT00000003", 1, SIMF, 15, "ok"),           # crimea: denied
    ("UT00000002", 1, LVIV, 900, "ok"),          # suspended: denied
    ("UT00000002", 2, LVIV, 915, "no-satellite"),  # suspended wins
    ("UT00000004", 1, LVIV, 86399, "no-gateway"),  # outage, window 95
]
# by hand: {cell: {window: (active, denied, outage)}} in reports
WANT = {C_KYIV: {0: (3, 0, 1)},
        C_SIMF: {0: (0, 1, 0)},
        C_LVIV: {1: (0, 2, 0), 95: (0, 0, 1)}}


def mean(n):
    return round(n / 60 + 1e-9, 2)


def check_cells(g, windows, first=0):
    assert g["type"] == "FeatureCollection", g
    assert g["windows"] == windows and g["window_s"] == 900, g
    assert g["map_res"] == 5, g
    got = {f["id"]: f["properties"] for f in g["features"]}
    want = {c: w for c, w in WANT.items()
            if any(first <= k < first + windows for k in w)}
    assert set(got) == set(want), (sorted(got), sorted(want))
    for c, p in got.items():
        for k, name in enumerate(("active", "denied", "outage")):
            assert len(p[name]) == windows, (c, name, p[name])
            for w in range(windows):
                n = want[c].get(first + w, (0, 0, 0))[k]
                assert abs(p[name][w] - mean(n)) < 1e-9, \
                    (c, name, first + w, p[name][w], mean(n))
        # the outline is the cell's (6 vertices, closed)
        ring = [f for f in g["features"] if f["id"] == c][0][
            "geometry"]["coordinates"][0]
        assert len(ring) == 7 and ring[0] == ring[-1], ring


def main(build):
    with Daemon(build, seed="min", args=("--map-res", "5")) as d:
        op, aud = d.token("operator"), d.token("auditor")
        cust = d.token("customer", account="civil")
        term = d.token("terminal", terminal="UT00000001")
        # who may read the map: operator and auditor only
        assert d.req("GET", "/v1/map")[0] == 401
        assert d.req("GET", "/v1/map", cust)[0] == 403
        assert d.req("GET", "/v1/map", term)[0] == 403
        assert d.req("GET", "/v1/map/events", cust)[0] == 403
        st, g = d.req("GET", "/v1/map?day=2022-10-09", aud)
        assert st == 200, (st, g)
        g = json.loads(g)
        assert g["features"] == [] and g["windows"] == 96, g

        st, b = d.req("POST", "/v1/telemetry", op,
                      {"reports": [rep(*r) for r in BATCH]})
        assert st == 200 and b["content"]["stored"] == len(BATCH), b
        res = b["content"]["results"]
        assert res[4]["reason"] == "zone" and not res[4]["allowed"], res[4]
        assert res[5]["reason"] == "account-suspended", res[5]
        # a retried batch is not counted twice
        st, b = d.req("POST", "/v1/telemetry", op,
                      {"reports": [rep(*r) for r in BATCH[:3]]})
        assert st == 200 and b["content"]["duplicates"] == 3, b

        for tok in (op, aud):
            st, g = d.req("GET", "/v1/map?day=2022-10-09", tok)
            assert st == 200, (st, g)
            check_cells(json.loads(g), 96)
        # the default range: the newest day with a report
        st, g = d.req("GET", "/v1/map", op)
        g = json.loads(g)
        assert g["start"].startswith("2022-10-09T00:00:00"), g["start"]
        check_cells(g, 96)
        # one window; a range across windows 1..2 given by its start
        st, g = d.req("GET", "/v1/map?day=2022-10-09&window=1", op)
        g = json.loads(g)
        assert g["start"].startswith("2022-10-09T00:15:00"), g["start"]
        check_cells(g, 1, first=1)
        st, g = d.req("GET", "/v1/map?from=2022-10-09T00:15:00Z&windows=2"
                      "&name=ukraine-2022", op)
        g = json.loads(g)
        assert g["name"] == "ukraine-2022 activity", g["name"]
        check_cells(g, 2, first=1)
        st, g = d.req("GET", "/v1/map?from=%d&windows=1" % (DAY0 + 95 * 900),
                      op)
        check_cells(json.loads(g), 1, first=95)

        # activity-windows.geojson: one feature per cell and run of equal
        # windows, windows without a terminal left out (docs/outputs.md)
        st, g = d.req("GET", "/v1/map/windows?day=2022-10-09", op)
        assert st == 200, (st, g)
        g = json.loads(g)
        runs = sorted((f["properties"]["cell"], f["properties"]["time"][:16],
                       f["properties"]["time_end"][:16],
                       f["properties"]["windows"], f["properties"]["active"],
                       f["properties"]["denied"], f["properties"]["outage"])
                      for f in g["features"])
        assert runs == sorted([
            (C_KYIV, "2022-10-09T00:00", "2022-10-09T00:15", 1, mean(3), 0,
             mean(1)),
            (C_SIMF, "2022-10-09T00:00", "2022-10-09T00:15", 1, 0, mean(1),
             0),
            (C_LVIV, "2022-10-09T00:15", "2022-10-09T00:30", 1, 0, mean(2),
             0),
            (C_LVIV, "2022-10-09T23:45", "2022-10-10T00:00", 1, 0, 0,
             mean(1))]), runs

        # the page's data: the same cells, and an event id to follow from
        st, b = d.req("GET", "/v1/map/page?day=2022-10-09", aud)
        assert st == 200 and b["isValid"], (st, str(b)[:300])
        page = b["content"]["page"]
        assert sorted(page["cells"]["id"]) == sorted(WANT), page["cells"]
        assert b["content"]["latest"] == 95, b["content"]["latest"]
        assert "-" in b["content"]["eventId"], b["content"]
        i = page["cells"]["id"].index(C_KYIV)
        assert page["cells"]["active"][i * 96] == mean(3)
        assert page["ts"]["outage"][0] == mean(1), page["ts"]["outage"][:2]
        assert any(z["id"] == "crimea" and z["action"] == "deny"
                   for z in page["zones"]), [z["id"] for z in page["zones"]]

        # the page itself: open, in live mode
        st, html = d.req("GET", "/map")
        assert st == 200 and 'id="live"' in html and "LN_DATA" in html
        st, html2 = d.req("GET", "/")
        assert st == 200 and html2 == html

        # a restart: the map is counted again from the stored reports
        d.stop()
        d.start()
        st, g = d.req("GET", "/v1/map?day=2022-10-09", aud)
        assert st == 200, (st, g)
        check_cells(json.loads(g), 96)

        # bad ranges: 400 naming the parameter
        for q, member in (("day=2022-13-01", "day"), ("day=yesterday", "day"),
                          ("from=1665273601", "from"),
                          ("from=soon", "from"),
                          ("day=2022-10-09&window=96", "window"),
                          ("windows=0", "windows"),
                          ("day=2022-10-09&from=1665273600", "day")):
            st, b = d.req("GET", "/v1/map?" + q, op)
            assert st == 400 and b["errors"][0]["memberNames"] == [member], \
                (q, st, b)
    print("PASS")


if __name__ == "__main__":
    main(sys.argv[1])
