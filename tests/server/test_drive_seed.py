#!/usr/bin/env python3
"""test_drive_seed.py - `leonetd seed`, read back with Python's sqlite3
(the database itself, not the daemon's answers), against values worked out
by hand from tests/data/drive/drive-1h.json and deny.geojson:

  - 320 terminals UT00000000..UT00000319 (groups of 200 + 100 + 20), kit
    serials KIT + the same digits, seq -1 and t 0 (no report yet);
    accounts home (200 terminals) and field (120: the 20 mobile units are
    the last 20, UT00000300..UT00000319); service lines SL-home, SL-field;
  - positions: fixed terminals inside the region box 35.5..37.5 E,
    49.5..50.5 N; mobile units within 0.2 deg of their tracks' first
    waypoints (50.0 N 36.2 E, 49.9 N 36.1 E);
  - plans home and field with the scenario's prices;
  - zones boxes/east and boxes/south (the scenario's zone id + each
    feature's id), deny, priority 10, one version, bodies the features of
    deny.geojson with the same coordinates;
  - --terminals 1000 scales each group as `leonet run` does: llround(200
    x 1000/320) + llround(100 x 1000/320) + llround(20 x 1000/320) = 625 +
    313 + 63 = 1001 terminals;
  - a second seed into the same database: exit 2, "already seeded", the
    database unchanged; a missing --db, an unknown scenario: exit 2.

usage: test_drive_seed.py BUILD_DIR SOURCE_DIR
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)
    print("ok:", what)


def seed(leonetd, db, *args):
    return subprocess.run([leonetd, "seed", "--db", db] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=300)


def rows(db, sql):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def main():
    build, src = sys.argv[1], sys.argv[2]
    leonetd = os.path.join(build, "bin", "leonetd")
    ddir = os.path.join(src, "tests", "data", "drive")
    scenario = os.path.join(ddir, "drive-1h.json")
    tmp = tempfile.mkdtemp(prefix="ln-seed-")
    try:
        db = os.path.join(tmp, "a.db")
        p = seed(leonetd, db, "--scenario", scenario)
        check(p.returncode == 0, "seed exits 0 (%s)" % p.stderr[-400:])
        print(p.stdout.strip())
        t = rows(db, "SELECT id, kit_serial, account, line, lat, lon, t, seq"
                     " FROM terminals ORDER BY id")
        check([r[0] for r in t] == ["UT%08d" % i for i in range(320)],
              "320 terminals UT00000000..UT00000319")
        check(all(r[1] == "KIT" + r[0][2:] for r in t),
              "kit serials KIT + the same digits")
        check(all(r[6] == 0 and r[7] == -1 for r in t),
              "no report yet: t 0, seq -1")
        acc = {}
        for r in t:
            acc[r[2]] = acc.get(r[2], 0) + 1
        check(acc == {"home": 200, "field": 120},
              "accounts home 200, field 120 (%s)" % acc)
        check(all(r[3] == "SL-" + r[2] for r in t),
              "each on its account's line SL-<account>")
        check(all(r[2] == "field" for r in t[300:]),
              "the mobile units are the last 20, of account field")
        check(all(35.5 <= r[5] <= 37.5 and 49.5 <= r[4] <= 50.5
                  for r in t[:300]), "fixed terminals inside the region")
        starts = [(50.0, 36.2), (49.9, 36.1)]
        check(all(min(abs(r[4] - a) + abs(r[5] - b) for a, b in starts) < 0.2
                  for r in t[300:]), "mobile units at their tracks' starts")
        check(sorted(rows(db, "SELECT number, account, active FROM lines"))
              == [("SL-field", "field", 1), ("SL-home", "home", 1)],
              "service lines SL-home, SL-field, active")
        check(sorted(rows(db, "SELECT id, name, plan, suspended FROM "
                              "accounts")) ==
              [("field", "Field units", "field", 0),
               ("home", "Home users", "home", 0)], "accounts as written")
        check(sorted(rows(db, "SELECT id, hardware_usd, monthly_usd, "
                              "peak_mbps FROM plans")) ==
              [("field", 2500.0, 500.0, 40.0), ("home", 599.0, 110.0, 10.0)],
              "plans with the scenario's prices")
        z = rows(db, "SELECT id, version, kind, action, priority, deleted, "
                     "body FROM zones ORDER BY id")
        check([r[0] for r in z] == ["boxes/east", "boxes/south"],
              "zones boxes/east, boxes/south")
        check(len({r[1] for r in z}) == 1, "one version of the zone set")
        check(all(r[2] == 0 and r[4] == 10 and r[5] == 0 for r in z),
              "GeoJSON kind, priority 10, not deleted")
        with open(os.path.join(ddir, "deny.geojson")) as f:
            feats = {f_["id"]: f_ for f_ in json.load(f)["features"]}
        for r in z:
            body = json.loads(r[6] if isinstance(r[6], str)
                              else r[6].decode())
            fid = r[0].split("/", 1)[1]
            check(body["type"] == "Feature" and body["id"] == r[0] and
                  body["geometry"] == feats[fid]["geometry"] and
                  body["properties"]["name"] == "Test deny boxes",
                  "zone %s: deny.geojson's feature '%s', same coordinates"
                  % (r[0], fid))
        # deny: the same action value for both, and not the allow one
        check(len({r[3] for r in z}) == 1, "both zones deny")

        # a second seed: refused, nothing changed
        before = rows(db, "SELECT count(*) FROM terminals")[0][0], \
            rows(db, "SELECT count(*) FROM zones")[0][0]
        p = seed(leonetd, db, "--scenario", scenario)
        check(p.returncode == 2 and "already seeded" in p.stderr,
              "second seed: exit 2, says so: " + p.stderr.strip())
        after = rows(db, "SELECT count(*) FROM terminals")[0][0], \
            rows(db, "SELECT count(*) FROM zones")[0][0]
        check(before == after, "the database unchanged")

        # --terminals: the groups scaled as leonet run scales them
        db2 = os.path.join(tmp, "b.db")
        p = seed(leonetd, db2, "--scenario", scenario, "--terminals", "1000")
        check(p.returncode == 0, "seed --terminals 1000 exits 0")
        n = rows(db2, "SELECT count(*) FROM terminals")[0][0]
        check(n == 1001, "625 + 313 + 63 = 1001 terminals (%d)" % n)

        # bad usage
        p = subprocess.run([leonetd, "seed"], stderr=subprocess.PIPE,
                           text=True)
        check(p.returncode == 2 and "--db" in p.stderr, "no --db: exit 2")
        p = seed(leonetd, os.path.join(tmp, "c.db"), "--scenario",
                 "no-such-scenario")
        check(p.returncode == 2, "unknown scenario: exit 2")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
