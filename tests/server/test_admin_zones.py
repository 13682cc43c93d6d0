"""test_admin_zones.py - /v1/zones against outside oracles.

A concave deny zone (a U, lon/lat degrees) is uploaded; Shapely says
which test points it contains (the bar and an arm: inside; the notch,
inside the bounding box: outside); the daemon's next decision must say
denied, reason zone, alert 89 (Starlink's disabled_cell_is_disabled) for
the inside points and allowed for the notch. A zone valid on
[2022-10-10, 2022-10-11) denies on the 10th only. Bad uploads answer 400
with the member path and the line/column worked out from the test's own
text, and leave the version and the decisions as they were. Deletion and
history; roles (auditor reads, cannot write: 403; customer and terminal:
403; no token: 401).

usage: test_admin_zones.py BUILD_DIR
"""
import calendar
import json
import sys
import time

from shapely.geometry import Point, shape

import test_admin_common as C
from test_admin_common import check, ok

# a U by Lviv, a square by Vinnytsia: far from the seeded zones (checked)
U = [[23.8, 49.6], [24.4, 49.6], [24.4, 50.0], [24.25, 50.0],
     [24.25, 49.75], [23.95, 49.75], [23.95, 50.0], [23.8, 50.0],
     [23.8, 49.6]]
BAR, ARM, NOTCH = (49.65, 24.1), (49.9, 23.85), (49.9, 24.1)  # (lat, lon)
SQUARE = [[28.3, 49.0], [28.7, 49.0], [28.7, 49.4], [28.3, 49.4],
          [28.3, 49.0]]
IN_SQUARE = (49.2, 28.5)


def unix(iso):
    return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))


T9, T10, T11 = (unix("2022-10-09T12:00:00Z"), unix("2022-10-10T12:00:00Z"),
                unix("2022-10-11T12:00:00Z"))


def feature(zid, ring, **props):
    p = {"id": zid, "name": "zone " + zid, "action": "deny", "priority": 50}
    p.update(props)
    return {"type": "Feature", "properties": p,
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def fc(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def version(d, tok):
    return ok(d, "GET", "/v1/zones", tok)["version"]


def bad_upload(d, tok, text, want_member, want_line, want_col=None):
    v0 = version(d, tok)
    st, b = d.req("POST", "/v1/zones", tok, raw=text.encode())
    check(st == 400, "bad upload: 400", (st, b))
    check(b["isValid"] is False, "bad upload: isValid false", b)
    err = b["errors"][0]
    if want_member is not None:
        check(want_member in err["memberNames"], "member %s" % want_member,
              err)
    msg = err["errorMessage"]
    check("line %d" % want_line in msg, "line %d in message" % want_line,
          msg)
    if want_col is not None:
        check("column %d" % want_col in msg, "column %d" % want_col, msg)
    check(version(d, tok) == v0, "version unchanged by a bad upload")


def bad_uploads(d, op):
    # a ring not closed, on line 4 of the text; the member's value (the
    # ring's '[') is found in the text itself
    lines = [
        '{"type": "FeatureCollection", "features": [',
        ' {"type": "Feature", "properties": {"id": "open-ring"},',
        '  "geometry": {"type": "Polygon", "coordinates": [',
        '   [[30.0, 50.0], [31.0, 50.0], [31.0, 51.0], [30.0, 50.5]]]}}',
        ']}']
    bad_upload(d, op, "\n".join(lines), "features[0].geometry.coordinates[0]",
               4, lines[3].index("[[") + 1)
    # a JSON syntax error (a trailing comma) on line 3
    bad_upload(d, op, '{"type": "FeatureCollection",\n "features": [\n'
               ' 1,]}', None, 3)
    # the first zone fine, the second's priority not an integer: neither
    # is stored
    text = json.dumps(fc(feature("fine", SQUARE),
                         feature("bad-prio", U, priority="high")), indent=1)
    line = text[:text.index('"high"')].count("\n") + 1
    bad_upload(d, op, text, "features[1].properties.priority", line)
    ids = [z["id"] for z in ok(d, "GET", "/v1/zones", op)["zones"]]
    check("fine" not in ids, "nothing of a bad upload stored", ids)
    # a zone without an id
    f = feature("x", SQUARE)
    del f["properties"]["id"]
    bad_upload(d, op, json.dumps(fc(f)), "features[0]", 1)
    # not a FeatureCollection
    bad_upload(d, op, json.dumps(feature("lone", SQUARE)), "type", 1)


def slash_ids(d, op, term):
    """A zone id "<zone>/<feature>" (how the engine names a scenario
    file's zones) is reached as /v1/zones/{id}/{sub}; two '/' are
    refused."""
    ok(d, "POST", "/v1/zones", op, fc(feature("grp/one", SQUARE)), 201)
    z = ok(d, "GET", "/v1/zones/grp/one", op)
    check(z["id"] == "grp/one" and z["in_force"] is True, "grp/one", z)
    check(C.decide(d, op, term, IN_SQUARE[0], IN_SQUARE[1], T9) ==
          (False, "zone", 89), "grp/one denies")
    ok(d, "DELETE", "/v1/zones/grp/one", op)
    check(C.decide(d, op, term, IN_SQUARE[0], IN_SQUARE[1], T9) ==
          (True, "", 0), "grp/one removed")
    ok(d, "GET", "/v1/zones/grp/two", op, want=404)
    text = json.dumps(fc(feature("a/b/c", SQUARE)))
    bad_upload(d, op, text, "features[0].properties.id", 1)


def roles(d, op, aud, cust, term):
    body = fc(feature("role-test", SQUARE))
    for tok, method, path, want in [
            (aud, "GET", "/v1/zones", 200),
            (aud, "GET", "/v1/zones/u-deny", 200),
            (aud, "POST", "/v1/zones", 403),
            (aud, "DELETE", "/v1/zones/later", 403),
            (cust, "GET", "/v1/zones", 403),
            (cust, "POST", "/v1/zones", 403),
            (term, "GET", "/v1/zones", 403),
            (term, "POST", "/v1/zones", 403),
            (None, "GET", "/v1/zones", 401),
            (None, "POST", "/v1/zones", 401)]:
        st, b = d.req(method, path, tok, body if method == "POST" else None)
        check(st == want, "%s %s as %s: %d" % (method, path,
                                              "role" if tok else "nobody",
                                              want), (st, b))
    ids = [z["id"] for z in ok(d, "GET", "/v1/zones", op)["zones"]]
    check("role-test" not in ids, "a refused upload stored nothing", ids)


def main(build_dir):
    poly = shape({"type": "Polygon", "coordinates": [U]})
    check(poly.contains(Point(BAR[1], BAR[0])), "Shapely: bar inside")
    check(poly.contains(Point(ARM[1], ARM[0])), "Shapely: arm inside")
    check(not poly.intersects(Point(NOTCH[1], NOTCH[0])),
          "Shapely: notch outside")
    sq = shape({"type": "Polygon", "coordinates": [SQUARE]})
    check(sq.contains(Point(IN_SQUARE[1], IN_SQUARE[0])), "Shapely: square")
    for zid, z in C.seeded_zones().items():
        for p in (BAR, ARM, NOTCH, IN_SQUARE):
            check(not z.intersects(Point(p[1], p[0])),
                  "Shapely: %r outside seeded zone %s" % (p, zid))
    term = C.TERMS_A[0]
    with C.daemon(build_dir) as d:
        op, aud = d.token("operator"), d.token("auditor")
        cust = d.token("customer", account=C.ACC_A)
        termtok = d.token("terminal", terminal=term)
        v0 = version(d, op)
        for p in (BAR, ARM, NOTCH):
            check(C.decide(d, op, term, p[0], p[1], T9)[0],
                  "allowed before any zone", p)

        c = ok(d, "POST", "/v1/zones", op, fc(feature("u-deny", U)), 201)
        v1 = c["version"]
        check(v1 > v0, "an upload is a new version", (v0, v1))
        for p, inside in ((BAR, True), (ARM, True), (NOTCH, False)):
            got = C.decide(d, op, term, p[0], p[1], T9)
            want = (False, "zone", 89) if inside else (True, "", 0)
            check(got == want, "decision at %r after the upload" % (p,), got)

        ok(d, "POST", "/v1/zones", op, fc(feature(
            "later", SQUARE, priority=5, valid_from="2022-10-10T00:00:00Z",
            valid_until="2022-10-11T00:00:00Z")), 201)
        for t, denied in ((T9, False), (T10, True), (T11, False)):
            got = C.decide(d, op, term, IN_SQUARE[0], IN_SQUARE[1], t)
            want = (False, "zone", 89) if denied else (True, "", 0)
            check(got == want, "validity window at %d" % t, got)

        zs = {z["id"]: z for z in ok(d, "GET", "/v1/zones", op)["zones"]}
        check(set(zs) == {"u-deny", "later", "crimea", "occupied-2022-08-31"},
              "the set in force", zs)
        check(zs["later"]["valid_from"] == "2022-10-10T00:00:00Z" and
              zs["later"]["valid_until"] == "2022-10-11T00:00:00Z" and
              zs["u-deny"]["valid_from"] is None and
              zs["u-deny"]["action"] == "deny" and
              zs["u-deny"]["priority"] == 50 and
              zs["u-deny"]["version"] == v1, "zone fields", zs)
        v2 = version(d, op)

        bad_uploads(d, op)
        slash_ids(d, op, term)
        check(C.decide(d, op, term, BAR[0], BAR[1], T9) ==
              (False, "zone", 89), "decisions unchanged by bad uploads")

        z = ok(d, "GET", "/v1/zones/u-deny", op)
        check(z["feature"]["geometry"]["coordinates"] == [U],
              "the zone's GeoJSON as uploaded", z["feature"])
        check([h["version"] for h in z["history"]] == [v1], "history",
              z["history"])
        # a new version of the zone (allow now), then its deletion
        v3 = ok(d, "POST", "/v1/zones", op,
                fc(feature("u-deny", U, action="allow")), 201)["version"]
        check(C.decide(d, op, term, BAR[0], BAR[1], T9) == (True, "", 0),
              "allowed by the zone's new version")
        v4 = ok(d, "DELETE", "/v1/zones/u-deny", op)["version"]
        check(v2 < v3 < v4, "versions grow", (v2, v3, v4))
        z = ok(d, "GET", "/v1/zones/u-deny", op)
        check(z["in_force"] is False, "deleted zone not in force", z)
        check([(h["version"], h["deleted"]) for h in z["history"]] ==
              [(v1, False), (v3, False), (v4, True)], "history", z)
        ok(d, "GET", "/v1/zones/never-was", op, want=404)
        ok(d, "DELETE", "/v1/zones/u-deny", op, want=404)
        old = ok(d, "GET", "/v1/zones?version=%d" % v1, op)
        old = {x["id"]: x for x in old["zones"]}
        check(set(old) == {"u-deny", "crimea", "occupied-2022-08-31"} and
              old["u-deny"]["action"] == "deny", "as of version v1", old)
        now = ok(d, "GET", "/v1/zones", op)
        check(sorted(x["id"] for x in now["zones"]) ==
              ["crimea", "later", "occupied-2022-08-31"], "in force", now)
        ok(d, "GET", "/v1/zones?version=abc", op, want=400)

        # ?replace=true: the upload becomes the whole set
        ok(d, "POST", "/v1/zones?replace=true", op,
           fc(feature("u2", U)), 201)
        now = ok(d, "GET", "/v1/zones", op)
        check([x["id"] for x in now["zones"]] == ["u2"], "replace", now)
        check(C.decide(d, op, term, IN_SQUARE[0], IN_SQUARE[1], T10) ==
              (True, "", 0), "replaced zone no longer decides")

        roles(d, op, aud, cust, termtok)
        C.finish(d)
    print("test_admin_zones: ok")


if __name__ == "__main__":
    main(sys.argv[1])
