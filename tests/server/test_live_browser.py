"""The live activity page in headless Chromium: leonetd (lnd.py) serves
it at /map, the test posts telemetry, and the numbers the page shows
change as counted by hand.

    python3 test_live_browser.py BUILD_DIR NODE SCREENSHOT.png

live_browser.js (beside this file) drives Chromium and reads the page's
own text: the live bar's totals of the shown window and a cell's
tooltip. Counts by hand as in test_live_api.py: a report is 1/60 of a
terminal over a 900 s window; the page prints two decimals at most.
Steps:
  -  without a token the page asks for one, refuses a wrong one and
     connects with the right one typed in; then, in a new tab, the token
     given in the URL fragment (removed from the address bar once read)
  0. the page opens on an empty map (today's day: no report yet)
  1. 3 reports served in Kyiv, 1 without a satellite in Kyiv, 1 in
     Simferopol (the "crimea" deny zone), all in 2022-10-09's window 0:
     the page moves to that day (the event's span differs: it reloads)
     and shows window 1/96: active 0.05, denied 0.02, outage 0.02, 2
     cells
  2. 6 more served in Kyiv (and a retried report: not counted): active
     0.15 (9/60), the rest unchanged
  3. a suspended account's report in Lviv in window 1 (00:15): the page
     follows the newest window: active 0, denied 0.02, outage 0, 3 cells
  4. back in window 0, Kyiv's tooltip: active 0.15, denied 0, outage 0.02
"""
import json, os, subprocess, sys
sys.path.insert(0, os.path.dirname(__file__))
from lnd import Daemon

HERE = os.path.dirname(os.path.abspath(__file__))
KYIV, SIMF, LVIV = (50.45, 30.52), (44.95, 34.10), (49.84, 24.03)
C_KYIV = "851e6387fffffff"  # h3-js 4.5.0 latLngToCell(50.45, 30.52, 5)
DAY0 = 1665273600  # 2022-10-09T00:00:00Z


def rep(term, seq, pos, t, link="ok"):
    return {"terminal": term, "seq": seq, "t": DAY0 + t, "lat": pos[0],
            "lon": pos[1], "link": link}


class Browser:
    def __init__(self, node, url, token):
        self.p = subprocess.Popen(
            [node, os.path.join(HERE, "live_browser.js"), url, token],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.first = self.read()

    def read(self):
        line = self.p.stdout.readline()
        if not line:
            raise AssertionError("the browser script ended")
        a = json.loads(line)
        if "fatal" in a:
            raise AssertionError("browser: " + a["fatal"])
        if a.get("errors"):
            raise AssertionError("errors in the page: %s" % a["errors"])
        return a

    def cmd(self, **c):
        self.p.stdin.write(json.dumps(c) + "\n")
        self.p.stdin.flush()
        return self.read()

    def close(self):
        try:
            self.p.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.p.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        self.p.wait(timeout=60)


def main(build, node, shot):
    with Daemon(build, seed="min", args=("--map-res", "5")) as d:
        op, aud = d.token("operator"), d.token("auditor")
        b = Browser(node, d.url, aud)
        try:
            s = b.first["shown"]
            assert b.first["asked"] == "token needed", b.first
            assert b.first["formHidden"], b.first
            assert b.first["hash"] == "", b.first  # the token left the URL
            assert (s["active"], s["denied"], s["outage"], s["cells"]) == \
                ("0", "0", "0", "0"), s

            def post(reports, stored):
                st, r = d.req("POST", "/v1/telemetry", op,
                              {"reports": reports})
                assert st == 200 and r["content"]["stored"] == stored, r
                return r["content"]["results"]

            res = post([rep("UT00000000", 1, KYIV, 15),
                        rep("UT00000000", 2, KYIV, 30),
                        rep("UT00000000", 3, KYIV, 45),
                        rep("UT00000001", 1, KYIV, 60, "no-satellite"),
                        rep("UT00000003", 1, SIMF, 15)], 5)
            assert res[4]["reason"] == "zone", res[4]
            a = b.cmd(cmd="wait", want={"active": "0.05", "denied": "0.02",
                                        "outage": "0.02", "cells": "2",
                                        "window": "0"})
            assert a["ok"], a
            assert "2022-10-09 00:00 - 00:15 UTC" in a["shown"]["when"], a

            post([rep("UT00000000", k, KYIV, 15 * k) for k in range(4, 10)]
                 + [rep("UT00000000", 1, KYIV, 15)], 6)
            a = b.cmd(cmd="wait", want={"active": "0.15", "denied": "0.02",
                                        "outage": "0.02", "cells": "2"})
            assert a["ok"], a

            res = post([rep("UT00000002", 1, LVIV, 900)], 1)
            assert res[0]["reason"] == "account-suspended", res
            a = b.cmd(cmd="wait", want={"active": "0", "denied": "0.02",
                                        "outage": "0", "cells": "3",
                                        "window": "1"})
            assert a["ok"], a

            t = b.cmd(cmd="tip", window=0, lat=KYIV[0], lon=KYIV[1])["tip"]
            assert t == {"cell": C_KYIV, "active": "0.15", "denied": "0",
                         "outage": "0.02"}, t
            b.cmd(cmd="shot", path=shot)
            print("screenshot: " + shot)
        finally:
            b.close()
    print("PASS")


if __name__ == "__main__":
    main(*sys.argv[1:4])
