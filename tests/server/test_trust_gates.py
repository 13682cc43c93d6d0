#!/usr/bin/python3
"""test_trust_gates.py BUILD_DIR - the operator's direct actions a
contract gates, and the change requests that do them instead:
  - POST /v1/accounts/defence/suspend -> 409 naming the contract and
    "suspend"; another account suspends as before;
  - zone uploads: a deny zone over the protected terminals' position, a
    zone the scope names (crimea, also its DELETE), a deny zone meeting
    the scope's region -> 409 naming "zone-edit"; a zone elsewhere -> 201;
  - the operator's "all" switch: the protected terminals stay allowed,
    the others are denied (kill-switch, alert 95), protectedSkipped
    counts them; a terminal switch on a protected terminal -> 409, on
    another -> denied;
  - a terminal reporting a position inside the contract's region is
    protected from then on (ingest);
  - granted by both parties: a suspend (the protected account's
    terminals denied, account-suspended) and a zone-edit (the zone the
    request carries becomes the zone in force);
  - roles: a customer of another account sees no contract and no change
    (404 for each), the auditor reads switches, a customer may not.
Every attempt left an "attempt" leaf in the audit table (sqlite3).
"""
import json
import sys

import test_trust_common as T
from test_trust_common import box, check, upload

REGION = {"type": "Polygon",
          "coordinates": [[[10, 50], [12, 50], [12, 52], [10, 52],
                           [10, 50]]]}


def conflict(st, b, kind, what):
    msg = (b.get("errors") or [{}])[0].get("errorMessage", "") \
        if isinstance(b, dict) else ""
    check(st == 409 and T.CONTRACT_ID in msg and ('"%s"' % kind) in msg,
          "%s: wanted 409 naming %s and %s, got %s %s" % (
              what, T.CONTRACT_ID, kind, st, msg or b))


def gates(d, op):
    st, b = d.req("POST", "/v1/accounts/defence/suspend", op)
    conflict(st, b, "suspend", "suspend defence")
    st, b = d.req("POST", "/v1/accounts/civil/suspend", op)
    check(st == 200, "suspend civil: %s" % st)
    d.req("POST", "/v1/accounts/civil/resume", op)
    st, b = upload(d, op, box("kyiv-deny", 30, 50, 31, 51))
    conflict(st, b, "zone-edit", "deny zone over the protected terminals")
    st, b = upload(d, op, box("crimea", 0, 0, 1, 1))
    conflict(st, b, "zone-edit", "zone named in the scope")
    st, b = d.req("DELETE", "/v1/zones/crimea", op)
    conflict(st, b, "zone-edit", "delete of a zone named in the scope")
    st, b = upload(d, op, box("near-region", 11, 51, 13, 53))
    conflict(st, b, "zone-edit", "deny zone meeting the region")
    st, b = upload(d, op, box("far", 0, 0, 1, 1))
    check(st == 201, "a zone elsewhere: %s %s" % (st, b))


def switches(d, op, prot, others):
    st, b = d.req("POST", "/v1/kill", op, {"scope": "all", "on": True})
    check(st == 200 and b["content"].get("protectedSkipped") == len(prot),
          "all switch: %s %s" % (st, b))
    for t in prot:
        check(T.authz(d, op, t)["allowed"], "all switch: %s allowed" % t)
    for t in others:
        a = T.authz(d, op, t)
        check(not a["allowed"] and a["reason"] == "kill-switch" and
              a["alert"] == 95, "all switch: %s denied: %s" % (t, a))
    st, b = d.req("POST", "/v1/kill", op, {"scope": "all", "on": False})
    check(st == 200 and T.authz(d, op, others[0])["allowed"],
          "all switch off: %s" % st)
    st, b = d.req("POST", "/v1/kill", op,
                  {"scope": "terminal", "ids": [prot[0]], "on": True})
    check(st == 409, "terminal switch on a protected one: %s" % st)
    st, b = d.req("POST", "/v1/kill", op,
                  {"scope": "terminal", "ids": [others[0]], "on": True})
    a = T.authz(d, op, others[0])
    check(st == 200 and not a["allowed"] and a["reason"] == "kill-switch",
          "terminal switch: %s %s" % (st, a))
    d.req("POST", "/v1/kill", op,
          {"scope": "terminal", "ids": [others[0]], "on": False})
    check(T.authz(d, op, others[0])["allowed"], "terminal switch off")


def moved(d, op, prot, others):
    """A terminal that reports a position inside the contract's region is
    protected from then on (resolved at ingest)."""
    t = others[0]
    st, b = d.req("POST", "/v1/telemetry", op, {"reports": [{
        "terminal": t, "seq": 1, "t": "2026-12-01T00:00:00Z", "lat": 51.0,
        "lon": 11.0, "alt_m": 100.0, "bytes_down": 1, "bytes_up": 1,
        "latency_ms": 30.0, "link": "ok"}]})
    check(st == 200, "telemetry: %s %s" % (st, b))
    st, b = d.req("POST", "/v1/kill", op,
                  {"scope": "terminal", "ids": [t], "on": True})
    check(st == 409, "switch on a terminal in the region: %s" % st)
    st, b = d.req("POST", "/v1/kill", op, {"scope": "all", "on": True})
    check(st == 200 and b["content"].get("protectedSkipped") ==
          len(prot) + 1, "all switch with a moved terminal: %s" % b)
    check(T.authz(d, op, t)["allowed"], "the moved terminal allowed")
    check(not T.authz(d, op, others[1])["allowed"], "another one denied")
    d.req("POST", "/v1/kill", op, {"scope": "all", "on": False})


def both(d, op_tok, cu_tok, opk, cuk, req):
    st, b = T.submit(d, op_tok, req)
    check(st == 201, "submit %s: %s %s" % (req["kind"], st, b))
    cid = b["content"]["id"]
    T.sign(d, op_tok, cid, opk.line(T.message(req)))
    st, b = T.sign(d, cu_tok, cid, cuk.line(T.message(req)))
    c = b.get("content") or {}
    check(st == 200 and c.get("state") == "granted",
          "%s granted: %s %s" % (req["kind"], st, c or b))
    return cid


def granted(d, op, cu, opk, cuk, prot):
    r = T.request(d, op, "suspend", {"accounts": ["defence"]}, b"s1")
    both(d, op, cu, opk, cuk, r)
    for t in prot:
        a = T.authz(d, op, t)
        check(not a["allowed"] and a["reason"] == "account-suspended",
              "granted suspend: %s %s" % (t, a))
    d.req("POST", "/v1/accounts/defence/resume", op)
    check(T.authz(d, op, prot[0])["allowed"], "resumed")
    z = box("crimea", 1, 1, 2, 2, priority=7)
    r = T.request(d, op, "zone-edit", {"zones": ["crimea"]}, b"z1",
                  zone=json.dumps(z))
    cid = both(d, op, cu, opk, cuk, r)
    st, b = d.req("GET", "/v1/zones/crimea", op)
    check(st == 200 and b["content"]["feature"]["geometry"] ==
          z["geometry"], "the granted zone in force: %s" % b)
    # a zone-edit without its zone is refused at submission
    r = T.request(d, op, "zone-edit", {"zones": ["crimea"]}, b"z2")
    st, b = T.submit(d, op, r)
    check(st == 400, "zone-edit without a zone: %s" % st)
    return cid


def roles(d, op, cu, civil, aud, cid):
    st, b = d.req("GET", "/v1/contracts", civil)
    check(st == 200 and b["content"]["contracts"] == [],
          "another customer's contracts: %s" % b)
    st, b = d.req("GET", "/v1/contracts/" + T.CONTRACT_ID, civil)
    check(st == 404, "another customer's contract: %s" % st)
    st, b = d.req("GET", "/v1/changes/" + cid, civil)
    check(st == 404, "another customer's change: %s" % st)
    st, b = d.req("GET", "/v1/changes", civil)
    check(st == 200 and b["content"]["changes"] == [],
          "another customer's changes: %s" % b)
    st, b = d.req("GET", "/v1/contracts", cu)
    check(st == 200 and len(b["content"]["contracts"]) == 1,
          "the customer's contract: %s" % b)
    st, b = d.req("GET", "/v1/changes?state=granted", cu)
    check(st == 200 and len(b["content"]["changes"]) == 2,
          "the customer's granted changes: %s" % b)
    check(d.req("GET", "/v1/kill", aud)[0] == 200, "auditor reads switches")
    check(d.req("GET", "/v1/kill", cu)[0] == 403, "customer: no switches")
    check(d.req("POST", "/v1/kill", aud, {"scope": "all", "on": True})[0]
          == 403, "auditor may not switch")
    check(d.req("GET", "/v1/changes?state=nope", op)[0] == 400,
          "a bad state filter")
    # a party's customer submits; another account's customer cannot
    r = T.request(d, cu, "kill", {"accounts": ["defence"]}, b"c1")
    st, b = T.submit(d, cu, r)
    check(st == 201 and b["content"]["state"] == "pending",
          "the customer's own request: %s %s" % (st, b))
    r = T.request(d, civil, "kill", {"accounts": ["defence"]}, b"c2")
    st, b = T.submit(d, civil, r)
    check(st == 404, "another customer's request: %s" % st)
    check(T.submit(d, aud, r)[0] == 403, "the auditor may not submit")


def main(build):
    opk, cuk = T.Key("operator"), T.Key("customer")
    with T.Daemon(build, seed="min") as d:
        op, cu, civil, aud = T.tokens(d, "operator", ("customer", "defence"),
                                      ("customer", "civil"), "auditor")
        prot, others = [], []
        for i in range(12):
            t = "UT%08d" % i
            a = T.authz(d, op, t)
            if a["account"] == "defence":
                prot.append(t)
            elif a["allowed"]:
                others.append(t)
        doc = T.contract_doc(opk, cuk, {"zones": ["crimea"],
                                        "region": REGION})
        st, b = T.register(d, op, doc, [opk, cuk])
        check(st == 201, "contract: %s %s" % (st, b))
        gates(d, op)
        switches(d, op, prot, others)
        moved(d, op, prot, others)
        cid = granted(d, op, cu, opk, cuk, prot)
        roles(d, op, cu, civil, aud, cid)
        att = [x["record"] for x in T.leaves(d.db)
               if x.get("type") == "attempt"]
        acts = sorted(a.get("action") for a in att)
        check(acts.count("suspend") == 1 and acts.count("zones") == 3 and
              acts.count("zone-delete") == 1 and acts.count("kill") == 2,
              "attempt leaves: %s" % acts)
    if T.FAILS:
        print("%d failures" % len(T.FAILS))
        sys.exit(1)
    print("ok: suspend, zone and switch gates; granted suspend and "
          "zone-edit; roles")


if __name__ == "__main__":
    main(sys.argv[1])
