"""test_admin_common.py - what the /v1 administration tests share (not a
test itself): a small scenario for `leonetd seed` (two plans, two
accounts of three terminals each, no zones), a daemon on it, and the
decision and telemetry calls of the core they drive.

Scenario (written to the daemon's temp folder; files resolve in data/):
  plan "flat": $99.50 a terminal and month, 100 GB included each, $2.25
               a GB beyond, counted per terminal
  plan "pool": the same prices, pooled
  account "acc-a" (plan flat): terminals UT00000000..UT00000002
  account "acc-b" (plan pool): terminals UT00000003..UT00000005
(terminal ids: "UT" + the engine's index, groups in file order; kept
near Kyiv, away from every zone the tests upload).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lnd import Daemon  # noqa: E402

ACC_A, ACC_B = "acc-a", "acc-b"
TERMS_A = ["UT%08d" % i for i in range(0, 3)]
TERMS_B = ["UT%08d" % i for i in range(3, 6)]
KYIV = (50.45, 30.52)


def scenario():
    plan = {"hardware_usd": 599, "amortize_years": 3, "monthly_usd": 99.5,
            "included_gb": 100, "usd_per_gb": 2.25, "peak_mbps": 10,
            "duty": 0.5}
    group = {"kind": "fixed", "count": 3,
             "region": "geo/ukraine_ne10m_dejure.geojson",
             "points": [{"lat": KYIV[0], "lon": KYIV[1], "weight": 1,
                         "sigma_km": 5}], "rural_share": 0}
    return {
        "name": "admin-test", "start": "2022-10-09T00:00:00Z",
        "duration_s": 3600, "step_s": 15, "seed": 14,
        "constellation": {"tle": "tle/starlink_2022-10-09.tle",
                          "name_prefix": "STARLINK"},
        "gateways": [{"name": "Wola", "lat": 51.86, "lon": 20.92,
                      "antennas": 8}],
        "default_action": "allow",
        "plans": [dict(plan, id="flat", overage="per_terminal"),
                  dict(plan, id="pool", overage="pooled")],
        "accounts": [{"id": ACC_A, "name": "Account A", "plan": "flat"},
                     {"id": ACC_B, "name": "Account B", "plan": "pool"}],
        "terminals": [dict(group, name="a", account=ACC_A, seed=1),
                      dict(group, name="b", account=ACC_B, seed=2)],
    }


def daemon(build_dir, tmp):
    """A daemon seeded with scenario() (written under tmp)."""
    path = os.path.join(tmp, "admin-test.json")
    with open(path, "w") as f:
        json.dump(scenario(), f)
    return Daemon(build_dir, scenario=path)


def check(cond, what, got=None):
    if not cond:
        raise AssertionError("%s%s" % (what, "" if got is None
                                       else ": got %r" % (got,)))


def ok(d, method, path, tok, body=None, want=200):
    st, b = d.req(method, path, tok, body)
    check(st == want, "%s %s: status %d, want %d" % (method, path, st, want),
          b)
    check(isinstance(b, dict) and b.get("isValid") is (want < 400),
          "%s %s: envelope isValid" % (method, path), b)
    return b.get("content")


def decide(d, tok, terminal, lat, lon, t):
    """The core's decision for a terminal at (lat, lon) at ISO time t:
    (allowed, reason, alert)."""
    c = ok(d, "GET", "/v1/terminals/%s/authorization?lat=%r&lon=%r&t=%s"
           % (terminal, lat, lon, t), tok)
    return c["allowed"], c.get("reason") or "", c.get("alert") or 0


def report(terminal, seq, t, lat, lon, down, up):
    return {"terminal": terminal, "seq": seq, "t": t, "lat": lat,
            "lon": lon, "alt_m": 0, "bytes_down": down, "bytes_up": up,
            "latency_ms": 30.0, "link": "ok"}


def send(d, tok, reports):
    return ok(d, "POST", "/v1/telemetry", tok, {"reports": reports})
