"""test_admin_common.py - what the /v1 administration tests share (not a
test itself): a daemon on lnd.py's small seed (seed="min": accounts
defence, civil and donated (suspended), twelve terminals UT00000000..11
round-robin over them near Kyiv, the built-in scenario's deny zones
crimea and occupied-2022-08-31), made ready through this part's own
operations:

  plan "flat": $99.50 a terminal and month, 100 GB included each, $2.25
               a GB beyond, counted per terminal       (POST /v1/plans)
  plan "pool": the same prices, pooled
  account "defence" (A) moved to plan flat: terminals UT00000000, 03, 06,
               09                                       (PATCH /v1/accounts)
  account "civil" (B) moved to plan pool: terminals UT00000001, 04, 07, 10

and the core's decision and telemetry calls the tests drive.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lnd import Daemon, ZONES  # noqa: E402

ACC_A, ACC_B = "defence", "civil"
TERMS_A = ["UT%08d" % i for i in (0, 3, 6, 9)]
TERMS_B = ["UT%08d" % i for i in (1, 4, 7, 10)]
KYIV = (50.45, 30.52)
PLAN = {"monthly_usd": 99.5, "included_gb": 100, "usd_per_gb": 2.25}


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


def daemon(build_dir):
    """The seeded daemon, its plans and accounts set as above."""
    d = Daemon(build_dir, seed="min")
    try:
        op = d.token("operator")
        ok(d, "POST", "/v1/plans", op,
           dict(PLAN, id="flat", overage="per_terminal"), 201)
        ok(d, "POST", "/v1/plans", op, dict(PLAN, id="pool",
                                           overage="pooled"), 201)
        ok(d, "PATCH", "/v1/accounts/" + ACC_A, op, {"plan": "flat"})
        ok(d, "PATCH", "/v1/accounts/" + ACC_B, op, {"plan": "pool"})
    except BaseException:
        d.stop()
        raise
    return d


def finish(d):
    """Stops the daemon: it must exit 0 (SIGTERM's drain), and with no
    sanitizer report in its log (ASan/UBSan builds)."""
    rc = d.stop()
    log = d.stderr()
    check(rc == 0, "leonetd exit status 0", rc)
    check("Sanitizer" not in log and "runtime error" not in log,
          "no sanitizer report", log[-3000:])


def seeded_zones():
    """The seeded deny zones as Shapely geometries (read from data/)."""
    from shapely.geometry import shape
    from shapely.ops import unary_union
    out = {}
    for zid, path in ZONES.items():
        with open(path) as f:
            out[zid] = unary_union([shape(ft["geometry"])
                                    for ft in json.load(f)["features"]])
    return out


def decide(d, tok, terminal, lat, lon, t):
    """The core's decision for a terminal at (lat, lon) at Unix time t:
    (allowed, reason, alert)."""
    c = ok(d, "GET", "/v1/terminals/%s/authorization?lat=%r&lon=%r&t=%d"
           % (terminal, lat, lon, t), tok)
    return c["allowed"], c.get("reason") or "", c.get("alert") or 0


def report(terminal, seq, t, lat, lon, down, up):
    return {"terminal": terminal, "seq": seq, "t": t, "lat": lat,
            "lon": lon, "alt_m": 0, "bytes_down": down, "bytes_up": up,
            "latency_ms": 30.0, "link": "ok"}


def send(d, tok, reports):
    return ok(d, "POST", "/v1/telemetry", tok, {"reports": reports})
