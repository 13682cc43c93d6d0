#!/usr/bin/python3
"""test_trust_review.py BUILD_DIR - the trust part's defects found in
review, each replayed as the attack it was (every one failed before its
fix):
  - gsusp: a suspension granted once is not reused: after a resume, the
    operator alone suspending the account again does not reach the
    region-protected terminal (also across a restart, the marks replayed
    from the audit log);
each against its own `leonetd seed-min` daemon (a region contract over
Kyiv, where seed-min places every terminal: 50.45 N 30.52 E).
"""
import json
import sys

import test_trust_common as T
from test_trust_common import check

# Kyiv, as a GeoJSON Feature: seed-min's terminals all stand in it
KYIV = {"type": "Feature", "properties": {}, "geometry": {
    "type": "Polygon",
    "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 51], [30, 50]]]}}


def region_contract(d, op_tok, opk, cuk):
    doc = T.contract_doc(opk, cuk)
    doc["scope"] = {"region": KYIV}
    st, b = T.register(d, op_tok, doc, [opk, cuk])
    check(st == 201, "region contract: %s %s" % (st, b))


def allowed(d, tok, term):
    return T.authz(d, tok, term)["allowed"]


def of_account(d, tok, acct):
    return [t for t in ("UT%08d" % i for i in range(12))
            if T.authz(d, tok, t)["account"] == acct]


def test_gsusp(build):
    """Item 5: a grant belongs to the suspension it made."""
    opk, cuk = T.Key("operator"), T.Key("customer")
    with T.Daemon(build, seed="min") as d:
        (op,) = T.tokens(d, "operator")
        region_contract(d, op, opk, cuk)
        civ = of_account(d, op, "civil")[0]
        r = T.request(d, op, "suspend", {"accounts": ["civil"],
                                         "region": json.dumps(KYIV)},
                      b"gsusp1")
        st, b = T.submit(d, op, r)
        cid = b["content"]["id"]
        T.sign(d, op, cid, opk.line(T.message(r)))
        st, b = T.sign(d, op, cid, cuk.line(T.message(r)))
        check(b["content"]["state"] == "granted",
              "gsusp: suspend with both: %s" % b["content"])
        check(not allowed(d, op, civ), "gsusp: granted suspension applies")
        d.stop()
        d.start()
        check(not allowed(d, op, civ),
              "gsusp: granted suspension still applies after a restart")
        st, _ = d.req("POST", "/v1/accounts/civil/resume", op)
        check(st == 200 and allowed(d, op, civ), "gsusp: resumed")
        st, _ = d.req("POST", "/v1/accounts/civil/suspend", op)
        check(st == 200, "gsusp: the operator suspends civil: %s" % st)
        check(allowed(d, op, civ),
              "gsusp: the operator alone reached a region-protected "
              "terminal with an old grant")
        d.stop()
        d.start()
        check(allowed(d, op, civ),
              "gsusp: after a restart the old grant counts again")
        acct = T.leaves(d.db)
        check(any(x["type"] == "verdict" for x in acct),
              "gsusp: the verdict leaf is in the audit table")


def main(build):
    test_gsusp(build)
    if T.FAILS:
        print("%d failures" % len(T.FAILS))
        sys.exit(1)
    print("ok: the review's attacks fail")


if __name__ == "__main__":
    main(sys.argv[1])
