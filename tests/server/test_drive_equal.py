#!/usr/bin/env python3
"""test_drive_equal.py - a driven hour equals a simulated one
(docs/drive.md, "What equal means").

tests/data/drive/drive-1h.json (1 h of 15 s steps, 320 terminals of two
accounts in and around two deny boxes, account 'field' suspended from
00:20 to 00:40) is run by `leonet run`, and driven by `leonet drive` into
a leonetd seeded with it (`leonetd seed`, lnd.Daemon). Then:

  usage     GET /v1/accounts/{id}/usage?month=2022-10: bytes = usage.csv's
            delivered_gb x 1e9 (to its six decimals), reports =
            summary.json's terminal_steps, denied = the account's
            terminal-steps out by zone, suspension or kill switch;
  denials   /metrics' decisions by reason = summary.json's terminal-steps
            denied by a zone (total and, when /metrics has the zone, per
            zone) and by suspension;
  map       GET /v1/map over the hour: the cells of activity.geojson, each
            with the same active, denied and outage means per window (two
            decimals, as activity.geojson has them).

The daemon's accounts and zones are also checked against the scenario's
and the run's ids (GET /v1/accounts, /v1/zones; the terminals:
test_drive_seed.py).

usage: test_drive_equal.py BUILD_DIR SOURCE_DIR
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lnd import Daemon  # noqa: E402

MONTH = "2022-10"
T0 = 1665273600          # 2022-10-09T00:00:00Z, the scenario's start
STEP_S = 15.0


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)
    print("ok:", what)


def content(status, body, what):
    check(status == 200 and isinstance(body, dict) and body.get("isValid"),
          "%s answers 200 (%s)" % (what, status if status != 200 else "ok"))
    return body["content"]


def run_reference(leonet, scenario, out):
    subprocess.run([leonet, "run", scenario, "--output", out, "--quiet"],
                   check=True)
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    usage = {}
    with open(os.path.join(out, "usage.csv")) as f:
        for row in csv.DictReader(f):
            usage[row["account"]] = usage.get(row["account"], 0.0) + \
                float(row["delivered_gb"])
    with open(os.path.join(out, "activity.geojson")) as f:
        act = json.load(f)
    return summary, usage, act


def steps(minutes):
    """Terminal-steps from summary.json's outage minutes (15 s steps)."""
    return int(round(minutes * 60.0 / STEP_S))


def check_seed(d, tok, sc, summary):
    """The daemon holds the scenario's accounts and the run's zones (the
    terminals themselves: test_drive_seed.py, in SQLite)."""
    st, b = d.req("GET", "/v1/accounts", tok)
    c = content(st, b, "GET /v1/accounts")
    ids = sorted(a.get("id") for a in c.get("results", []))
    want = sorted(a["id"] for a in sc["accounts"])
    check(ids == want, "the daemon's accounts %s = the scenario's" % ids)
    st, b = d.req("GET", "/v1/zones", tok)
    c = content(st, b, "GET /v1/zones")
    ids = sorted(z.get("id") for z in c.get("zones", []))
    want = sorted(z for z in summary["zones"] if z != "none")
    check(ids == want, "the daemon's zones %s = the run's (summary.json) "
          "%s" % (ids, want))


def check_usage(d, tok, sc, summary, usage_gb):
    zone_denied = set()
    for a in sc["accounts"]:
        aid = a["id"]
        st, b = d.req("GET", "/v1/accounts/%s/usage?month=%s" % (aid, MONTH),
                      tok)
        c = content(st, b, "GET /v1/accounts/%s/usage" % aid)
        sa = summary["accounts"][aid]
        om = sa["outage_minutes"]
        check(abs(c["bytes"] / 1e9 - usage_gb[aid]) <= 5e-7,
              "%s: %d bytes = usage.csv's %.6f GB" % (aid, c["bytes"],
                                                      usage_gb[aid]))
        check(c["reports"] == sa["terminal_steps"],
              "%s: %d reports = summary's %d terminal-steps" % (
                  aid, c["reports"], sa["terminal_steps"]))
        denied = steps(om["zone"]) + steps(om["account-suspended"]) + \
            steps(om["kill-switch"])
        check(c["denied"] == denied, "%s: %d denied = summary's %d "
              "(zone, suspended, kill)" % (aid, c["denied"], denied))
        # terminals denied by a zone at least once: every terminal of
        # 'field' is suspended for the 80 steps 00:20..00:39:45 (a
        # suspension decides before the zones), the rest of its denials
        # are zones'; 'home' is never suspended
        susp = 80 if aid == "field" else 0
        terms = c["terminals"]
        if isinstance(terms, dict):
            terms = [dict(v, terminal=k) for k, v in terms.items()]
        check(all(t["denied"] >= susp for t in terms),
              "%s: every terminal denied at least %d steps" % (aid, susp))
        zone_denied.update(t["terminal"] for t in terms
                           if t["denied"] > susp)
    want = sum(summary["denied_by_zone"].values())
    check(len(zone_denied) == want, "terminals denied by a zone at least "
          "once: %d = summary's denied_by_zone %s" % (
              len(zone_denied), summary["denied_by_zone"]))


METRIC = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\s+([0-9.eE+-]+)')


def decisions(text):
    """{labels dict frozen: value} of the decision counters in /metrics."""
    out = []
    for line in text.splitlines():
        m = METRIC.match(line)
        if not m or "decision" not in m.group(1):
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
        out.append((m.group(1), labels, float(m.group(3))))
    return out


def check_denials(d, tok, summary):
    st, text = d.req("GET", "/metrics", tok)
    check(st == 200, "GET /metrics answers 200")
    dec = decisions(text if isinstance(text, str) else "")
    check(dec, "/metrics has decision counters")

    def total(pred):
        return sum(v for _, lab, v in dec if pred(lab))

    om = summary["total"]["outage_minutes"]
    zone = total(lambda lab: lab.get("reason", "").startswith("zone"))
    susp = total(lambda lab: lab.get("reason") in ("account-suspended",
                                                   "suspended"))
    check(zone == steps(om["zone"]), "decisions denied by a zone: %d = "
          "summary's %d terminal-steps" % (zone, steps(om["zone"])))
    check(susp == steps(om["account-suspended"]),
          "decisions denied by suspension: %d = summary's %d" % (
              susp, steps(om["account-suspended"])))
    # per zone, when the counters carry it ("zone" label or reason
    # "zone:<id>")
    per = {}
    for _, lab, v in dec:
        z = lab.get("zone") or (lab.get("reason", "")[5:]
                                if lab.get("reason", "").startswith("zone:")
                                else None)
        if z:
            per[z] = per.get(z, 0) + v
    if per:
        for z, zs in summary["zones"].items():
            if z == "none":
                continue
            want = steps(zs["outage_minutes"]["zone"])
            check(per.get(z, 0) == want, "zone %s: %d denials = summary's "
                  "%d" % (z, per.get(z, 0), want))


def map_cells(fc, nwin_from=0, nwin=None):
    out = {}
    for f in fc["features"]:
        p = f["properties"]
        cell = p.get("cell", f.get("id"))
        k = {}
        for kind in ("active", "denied", "outage"):
            v = p[kind][nwin_from:] if nwin is None else \
                p[kind][nwin_from:nwin_from + nwin]
            k[kind] = [round(x, 2) for x in v]
        if any(any(x != 0 for x in v) for v in k.values()):
            out[cell] = k
    return out


def check_map(d, tok, act):
    nwin = act["windows"]
    st, b = d.req("GET", "/v1/map?from=%s&windows=%d" % (act["start"], nwin),
                  tok)
    if isinstance(b, str):      # application/geo+json: the file itself
        try:
            b = json.loads(b)
        except ValueError:
            pass
    if st == 200 and isinstance(b, dict) and "content" in b:
        fc = b["content"]
    else:
        fc = b
    check(st == 200 and isinstance(fc, dict) and "features" in fc,
          "GET /v1/map answers a FeatureCollection (%s)" % st)
    # the daemon's windows from the scenario's start
    first = 0
    if fc.get("start") and fc["start"] != act["start"]:
        import datetime
        t = datetime.datetime.fromisoformat(fc["start"].replace("Z", "+00:00"))
        first = int(round((T0 - t.timestamp()) / fc.get("window_s", 900)))
    live = map_cells(fc, first, nwin)
    ref = map_cells(act)
    check(sorted(live) == sorted(ref), "the live map's cells = "
          "activity.geojson's (%d cells, %d live)" % (len(ref), len(live)))
    diff = [c for c in ref if ref[c] != live[c]]
    check(not diff, "each cell's active, denied and outage means per window "
          "equal activity.geojson's (%d differ%s)" % (
              len(diff), (": %s run %s live %s" % (diff[0], ref[diff[0]],
                                                   live[diff[0]]))
              if diff else ""))


def main():
    build, src = sys.argv[1], sys.argv[2]
    leonet = os.path.join(build, "bin", "leonet")
    scenario = os.path.join(src, "tests", "data", "drive", "drive-1h.json")
    with open(scenario) as f:
        sc = json.load(f)
    tmp = tempfile.mkdtemp(prefix="ln-drive-eq-")
    try:
        summary, usage_gb, act = run_reference(
            leonet, scenario, os.path.join(tmp, "run"))
        # the live map at the scenario's outputs.map_res and window_s
        out = sc.get("outputs", {})
        args = ["--map-res", str(out.get("map_res", 5)),
                "--window", str(out.get("window_s", 900))]
        with Daemon(build, scenario=scenario, args=args) as d:
            tok = d.token("operator")
            p = subprocess.run([leonet, "drive", scenario, "--to", d.url,
                                "--token", tok], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               timeout=900)
            check(p.returncode == 0, "leonet drive exits 0 (%d: %s)" % (
                p.returncode, p.stderr[-600:]))
            print(p.stdout.strip())
            n = summary["total"]["terminal_steps"]
            check("%d acknowledged (0 duplicates)" % n in p.stdout,
                  "every one of the %d reports acknowledged once" % n)
            check_seed(d, tok, sc, summary)
            check_usage(d, tok, sc, summary, usage_gb)
            check_denials(d, tok, summary)
            check_map(d, tok, act)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
