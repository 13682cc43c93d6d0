#!/usr/bin/python3
"""test_trust_attacks.py BUILD_DIR - issue 15's attacks on a live leonetd,
each failing with its own reason while the protected terminals stay
allowed; then the customer's and the operator's signatures together take
effect, and restore gives service back.

The defence contract (operator AND customer for kill, suspend, zone-edit,
coverage and amend) is registered with both parties' signatures made here
(python3-cryptography over canonical JSON computed here). Then:
  - the operator alone: POST /v1/kill -> 409; a change request with its
    signature only -> pending, threshold-not-met;
  - one key twice (the same signature relabelled) -> duplicate-key;
  - a key of no party -> unknown-key;
  - an expired request -> refused, expired;
  - a request bound to an old head -> refused, stale-head ("/v1/head");
  - an amendment signed by the parties of the new contract only ->
    old-contract-threshold-not-met;
  - both signatures -> granted: the defence terminals denied, kill-switch,
    alert 95; the granted request's nonce again -> replayed-nonce;
  - restore (POST /v1/kill on=false) -> allowed again;
  - the amendment signed by the old customer too -> version 2;
  - a request expiring while pending -> refused, expired.
Every answer is checked against docs/api/leonetd.yaml (lnd.py closes
through openapi_check.py), and the audit table, read with sqlite3, holds a
leaf for every attempt, signature and verdict.
"""
import base64
import json
import sys
import time

import test_trust_common as T
from test_trust_common import check


def protected_allowed(d, tok, terms, when):
    for t in terms:
        a = T.authz(d, tok, t)
        check(a["allowed"] is True,
              "%s: protected %s not allowed: %s" % (when, t, a))


def defence_terminals(d, tok):
    out, other = [], []
    for i in range(12):
        t = "UT%08d" % i
        a = T.authz(d, tok, t)
        (out if a["account"] == "defence" else other).append(t)
    return out, other


def register_contract(d, op_tok, op, cu, mallory):
    doc = T.contract_doc(op, cu)
    st, b = T.register(d, op_tok, doc, [op])  # the customer has not signed
    check(st == 400 and "customer" in b["errors"][0]["errorMessage"],
          "contract without the customer's signature: %s %s" % (st, b))
    st, b = T.register(d, op_tok, doc, [op, mallory])
    check(st == 400, "contract with an outsider's line: %s" % st)
    st, b = T.register(d, op_tok, doc, [op, cu])
    check(st == 201 and b["content"]["version"] == 1,
          "contract registered: %s %s" % (st, b))
    st, b = T.register(d, op_tok, doc, [op, cu])
    check(st == 409, "contract registered twice: %s" % st)
    return doc


def expect(d, b, st, want_status, state, reason, what):
    c = b.get("content") or {}
    check(st == want_status and c.get("state") == state and
          c.get("reason") == reason,
          "%s: wanted %d %s %s, got %s %s %s (%s)" % (
              what, want_status, state, reason, st, c.get("state"),
              c.get("reason"), c.get("detail") or b.get("errors")))
    return c


def attacks(d, op_tok, cu_tok, op, cu, mallory, prot):
    # the operator alone, directly
    st, b = d.req("POST", "/v1/kill", op_tok,
                  {"scope": "account", "ids": ["defence"], "on": True})
    check(st == 409 and T.CONTRACT_ID in b["errors"][0]["errorMessage"],
          "operator's direct kill: %s %s" % (st, b))
    protected_allowed(d, op_tok, prot, "after the direct kill")
    # the operator alone, as a change request
    r1 = T.request(d, op_tok, "kill", {"accounts": ["defence"]}, b"r1")
    st, b = T.submit(d, op_tok, r1)
    c1 = expect(d, b, st, 201, "pending", "threshold-not-met", "r1 submitted")
    st, b = T.sign(d, op_tok, c1["id"], op.line(T.message(r1)))
    c1 = expect(d, b, st, 200, "pending", "threshold-not-met",
                "r1 operator's signature")
    check([s["party"] for s in c1.get("signers", [])] == ["operator"],
          "r1 signers: %s" % c1.get("signers"))
    st, b = T.sign(d, op_tok, c1["id"], op.line(T.message(r1)))
    check(st == 409, "the same line twice: %s" % st)
    protected_allowed(d, op_tok, prot, "after the operator's request")
    # one key twice, relabelled as the customer
    r2 = T.request(d, op_tok, "kill", {"accounts": ["defence"]}, b"r2")
    st, b = T.submit(d, op_tok, r2)
    c2 = b["content"]
    T.sign(d, op_tok, c2["id"], op.line(T.message(r2)))
    st, b = T.sign(d, op_tok, c2["id"],
                   op.line(T.message(r2), name="customer"), as_json=True)
    expect(d, b, st, 200, "pending", "duplicate-key", "r2 same key twice")
    # a key of no party
    r3 = T.request(d, op_tok, "kill", {"accounts": ["defence"]}, b"r3")
    st, b = T.submit(d, op_tok, r3)
    c3 = b["content"]
    T.sign(d, op_tok, c3["id"], op.line(T.message(r3)))
    st, b = T.sign(d, op_tok, c3["id"],
                   mallory.line(T.message(r3), name="customer"))
    expect(d, b, st, 200, "pending", "unknown-key", "r3 outsider's key")
    protected_allowed(d, op_tok, prot, "after duplicate and unknown keys")
    # expired
    r4 = T.request(d, op_tok, "kill", {"accounts": ["defence"]}, b"r4",
                   expires="2021-01-01T00:00:00Z")
    st, b = T.submit(d, op_tok, r4)
    expect(d, b, st, 201, "refused", "expired", "r4 expired")
    st, b = T.sign(d, op_tok, b["content"]["id"], op.line(T.message(r4)))
    check(st == 409, "a signature on a refused change: %s" % st)
    # bound to an old head
    old = {"size": 1, "root": base64.b64encode(b"\x07" * 32).decode()}
    r5 = T.request(d, op_tok, "kill", {"accounts": ["defence"]}, b"r5",
                   hd=old)
    st, b = T.submit(d, op_tok, r5)
    c5 = expect(d, b, st, 201, "refused", "stale-head", "r5 old head")
    check("/v1/head" in c5.get("detail", ""), "stale-head detail: %s" % c5)
    # an amendment signed under the new contract only
    newdoc = T.contract_doc(op, mallory)
    r6 = T.request(d, op_tok, "amend", {"accounts": ["defence"]}, b"r6",
                   amendment=T.canonical(newdoc).decode())
    st, b = T.submit(d, op_tok, r6)
    c6 = b["content"]
    T.sign(d, op_tok, c6["id"], op.line(T.message(r6)))
    st, b = T.sign(d, op_tok, c6["id"], mallory.line(T.message(r6)))
    expect(d, b, st, 200, "pending", "old-contract-threshold-not-met",
           "r6 amendment under the new contract only")
    st, b = d.req("GET", "/v1/contracts/" + T.CONTRACT_ID, op_tok)
    check(st == 200 and b["content"]["version"] == 1,
          "the contract unchanged: %s" % b)
    protected_allowed(d, op_tok, prot, "after every attack")
    return r1, c1["id"]


def grant_and_restore(d, op_tok, cu_tok, cu, r1, id1, prot, others):
    st, b = T.sign(d, cu_tok, id1, cu.line(T.message(r1)))
    c = expect(d, b, st, 200, "granted", "", "r1 both signatures")
    check(sorted(s["party"] for s in c.get("signers", [])) ==
          ["customer", "operator"], "granted signers: %s" % c)
    for t in prot:
        a = T.authz(d, op_tok, t)
        check(not a["allowed"] and a["reason"] == "kill-switch" and
              a["alert"] == 95, "granted kill, %s: %s" % (t, a))
    for t in others:
        check(T.authz(d, op_tok, t)["allowed"] or t, "others untouched")
    st, b = d.req("GET", "/v1/kill", op_tok)
    sw = b["content"]["switches"]
    check(any(s["scope"] == "account" and s["id"] == "defence" and
              s["granted"] and s["change"] == id1 for s in sw),
          "the granted switch listed: %s" % sw)
    # the granted request's nonce again, bound to today's head
    r7 = dict(r1)
    hd = T.head(d, op_tok)
    r7["head"] = {"size": hd["size"], "root": hd["root"]}
    st, b = T.submit(d, op_tok, r7)
    expect(d, b, st, 201, "refused", "replayed-nonce", "r7 replay")
    st, b = T.submit(d, op_tok, r1)
    check(st == 409, "the granted request resubmitted as is: %s" % st)
    # restore gives service back (never gated)
    st, b = d.req("POST", "/v1/kill", op_tok,
                  {"scope": "account", "ids": ["defence"], "on": False})
    check(st == 200, "restore: %s %s" % (st, b))
    protected_allowed(d, op_tok, prot, "after restore")


def amend(d, op_tok, cu_tok, cu, mallory):
    """The pending amendment (old-contract-threshold-not-met) signed by
    the old contract's customer too: both contracts' amend rules met."""
    st, b = d.req("GET", "/v1/changes?state=pending", op_tok)
    am = [c for c in b["content"]["changes"] if c["kind"] == "amend"]
    check(len(am) == 1, "one pending amendment: %s" % am)
    req = am[0]["request"]
    st, b = T.sign(d, cu_tok, am[0]["id"], cu.line(T.message(req)))
    expect(d, b, st, 200, "granted", "", "the amendment with both")
    st, b = d.req("GET", "/v1/contracts/" + T.CONTRACT_ID, op_tok)
    keys = [k for p in b["content"]["parties"] if p["id"] == "customer"
            for k in p["keys"]]
    check(b["content"]["version"] == 2 and keys == [mallory.vkey] and
          b["content"]["change"] == am[0]["id"],
          "the amended contract: %s" % b["content"])


def expires_pending(d, op_tok, op):
    """A request that expires while pending is refused (expired) by the
    next write of the part (here: its own next signature)."""
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                         time.gmtime(int(time.time()) + 3))
    r = T.request(d, op_tok, "kill", {"accounts": ["defence"]}, b"r8",
                  expires=when)
    st, b = T.submit(d, op_tok, r)
    c = expect(d, b, st, 201, "pending", "threshold-not-met", "r8 pending")
    time.sleep(4.5)  # past its expiry (whole seconds, UTC)
    st, b = T.sign(d, op_tok, c["id"], op.line(T.message(r)))
    check(st == 409, "a signature after the expiry: %s %s" % (st, b))
    st, b = d.req("GET", "/v1/changes/" + c["id"], op_tok)
    expect(d, b, st, 200, "refused", "expired", "r8 after its expiry")


def audit_check(db, id1):
    lv = T.leaves(db)
    types = [x.get("type") for x in lv]
    att = [x["record"] for x in lv if x.get("type") == "attempt"]
    check(any(a.get("action") == "kill" and "defence" in a.get("targets", [])
              and T.CONTRACT_ID in a.get("refused", "") for a in att),
          "an attempt leaf for the direct kill: %s" % att)
    # signature lines stored: r1 operator, r2 two, r3 two, r6 two, r1
    # customer (the repeated line and the one on refused r4 are 409s)
    check(types.count("signature") == 8,
          "signature leaves: %d, wanted 8" % types.count("signature"))
    # changes r1..r7 (r1 resubmitted as is: 409); a verdict for each
    # submission and each stored line: 7 + 8
    check(types.count("change") == 7, "change leaves: %d, wanted 7"
          % types.count("change"))
    check(types.count("verdict") == 15,
          "verdict leaves: %d, wanted 15" % types.count("verdict"))
    check("contract" in types, "a contract leaf")
    check(any(x.get("type") == "verdict" and id1 in
              json_text(x["record"]) for x in lv),
          "the granted verdict names its change")


def json_text(o):
    return json.dumps(o)


def main(build):
    op, cu, mallory = T.Key("operator"), T.Key("customer"), T.Key("mallory")
    with T.Daemon(build, seed="min") as d:
        op_tok, cu_tok = T.tokens(d, "operator",
                                  ("customer", "defence"))
        prot, others = defence_terminals(d, op_tok)
        check(len(prot) == 4, "four defence terminals: %s" % prot)
        register_contract(d, op_tok, op, cu, mallory)
        r1, id1 = attacks(d, op_tok, cu_tok, op, cu, mallory, prot)
        grant_and_restore(d, op_tok, cu_tok, cu, r1, id1, prot, others)
        audit_check(d.db, id1)
        amend(d, op_tok, cu_tok, cu, mallory)
        expires_pending(d, op_tok, op)  # the live file (WAL): read beside it
    if T.FAILS:
        print("%d failures" % len(T.FAILS))
        sys.exit(1)
    print("ok: issue 15's attacks refused with their own reasons; granted "
          "with both signatures; restored")


if __name__ == "__main__":
    main(sys.argv[1])
