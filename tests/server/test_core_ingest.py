"""POST /v1/telemetry: decided, metered, stored once.

The same batch sent twice is stored and billed once: checked through the
API (the second answer says duplicate, /metrics counts) and through the
SQLite file read directly (reports and usage rows), against sums worked
by hand: billed = bytes_down + bytes_up when allowed and the link is ok,
0 when denied (Sevastopol: in the Crimea deny zone) or on an outage
(no-satellite: allowed, not a denial, not billed). Day 19274 is
2022-10-09 (1665273600 / 86400).
"""
import os, sqlite3, sys
sys.path.insert(0, os.path.dirname(__file__))
from lnd import Daemon

KYIV, LVIV, SEVASTOPOL = (50.4501, 30.5234), (49.8397, 24.0297), \
    (44.6167, 33.5254)


def rep(term, seq, pos, down, up, link="ok", t="2022-10-09T00:00:15Z"):
    return {"terminal": term, "seq": seq, "t": t, "lat": pos[0],
            "lon": pos[1], "alt_m": 120.0, "bytes_down": down,
            "bytes_up": up, "latency_ms": 31.5, "link": link}


def main(build):
    with Daemon(build, seed="min") as d:
        op = d.token("operator")
        batch = {"reports": [
            rep("UT00000001", 1, KYIV, 1000, 200),
            rep("UT00000001", 2, KYIV, 500, 50, "no-satellite",
                t=1665273630),
            rep("UT00000004", 1, SEVASTOPOL, 700, 70),
            rep("UT00000000", 1, LVIV, 300, 30)]}
        st, b = d.req("POST", "/v1/telemetry", op, batch)
        assert st == 200, (st, b)
        c = b["content"]
        assert (c["stored"], c["duplicates"]) == (4, 0), c
        res = c["results"]
        assert [r["result"] for r in res] == ["stored"] * 4, res
        assert [r["billedBytes"] for r in res] == [1200, 0, 0, 330], res
        assert [r["allowed"] for r in res] == [True, True, False, True], res
        assert res[1]["reason"] == "no-satellite" and res[1]["alert"] == 0
        assert res[2]["reason"] == "zone" and res[2]["alert"] == 89
        # the retry: nothing stored, nothing billed
        st, b = d.req("POST", "/v1/telemetry", op, batch)
        c = b["content"]
        assert st == 200 and (c["stored"], c["duplicates"]) == (0, 4), b
        assert [r["result"] for r in c["results"]] == ["duplicate"] * 4
        # a batch overlapping the first: one new, one old
        st, b = d.req("POST", "/v1/telemetry", op, {"reports": [
            rep("UT00000001", 2, KYIV, 500, 50, "no-satellite"),
            rep("UT00000001", 3, KYIV, 10, 1, t=1665273645)]})
        c = b["content"]
        assert st == 200 and (c["stored"], c["duplicates"]) == (1, 1), b
        # the last position moved: UT00000004 is decided in Crimea
        st, b = d.req("GET", "/v1/terminals/UT00000004/authorization", op)
        assert st == 200 and b["content"]["reason"] == "zone", b
        assert abs(b["content"]["lat"] - SEVASTOPOL[0]) < 1e-6, b
        st, m = d.req("GET", "/metrics", op)
        assert 'leonetd_reports_total{result="stored"} 5' in m, m
        assert 'leonetd_reports_total{result="duplicate"} 5' in m, m
        db = d.db
        d.stop()
        check_db(db)


def check_db(path):
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    n = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert n == 5, n
    dup = con.execute("SELECT count(*) FROM (SELECT terminal, seq FROM "
                      "reports GROUP BY terminal, seq HAVING count(*) > 1)"
                      ).fetchone()[0]
    assert dup == 0
    rows = {(a, t, day): (b, r, dn) for a, t, day, b, r, dn in con.execute(
        "SELECT account, terminal, day, bytes, reports, denied FROM usage")}
    want = {("civil", "UT00000001", 19274): (1211, 3, 0),
            ("civil", "UT00000004", 19274): (0, 1, 1),
            ("defence", "UT00000000", 19274): (330, 1, 0)}
    assert rows == want, rows
    con.close()


if __name__ == "__main__":
    main(sys.argv[1])
    print("ok")
