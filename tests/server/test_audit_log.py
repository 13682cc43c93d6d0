"""test_audit_log.py - the audit routes against a daemon (seed-min), checked
with independent oracles (test_audit_common.py):

- the daemon's entries, re-hashed in Python (hashlib, RFC 6962), give the
  signed checkpoint's root; the checkpoint's signature verifies in Python
  (python3-cryptography) under DB.logkey.pub, the file the daemon made
  (its key id recomputed); GET /v1/audit/key serves that file's text;
- a change made over HTTP with an operator token is recorded in a leaf
  whose "by" is "operator:token:RID", RID the tokens row read with
  python's sqlite3; every leaf's "seq" is its index;
- roles: customer and auditor read, a terminal is refused 403, no token
  401; /v1/audit/key is open;
- bad numbers and ranges are 400 naming the parameter; an unknown size is
  404; a POST of cosignatures for a head the log never signed is 409, a
  line by no witness key 400 naming the line.

    python3 test_audit_log.py BUILD_DIR
"""
import base64
import hashlib
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_audit_common import (Daemon, check, entries, err, head,  # noqa
                               leaf_hash, mth, note_split, ok,
                               tokens_offline, verify_note_sig)


def token_rid(db, tok):
    c = sqlite3.connect(db)
    rid = c.execute("SELECT rid FROM tokens WHERE hash = ?",
                    (hashlib.sha256(tok.encode()).digest(),)).fetchone()[0]
    c.close()
    return rid


def roots_and_sig(d, aud):
    note, origin, size, root = head(d, aud)
    pub = open(d.db + ".logkey.pub").read().strip()
    check(verify_note_sig(note, pub), "the log's signature (Python)", note)
    check(origin == "leonetd/log", "the default origin", origin)
    es = entries(d, aud, size)
    check(mth([leaf_hash(e) for e in es]) == root,
          "the entries re-hashed give the checkpoint's root")
    for i, e in enumerate(es):
        leaf = json.loads(e)
        check(leaf["seq"] == i and leaf["v"] == 1, "leaf %d's seq" % i, leaf)
    st, key = d.req("GET", "/v1/audit/key")
    check(st == 200 and key.strip() == pub, "the key route serves the "
          "public key file", key)
    return size, es


def actor(d, op, aud):
    rid = token_rid(d.db, op)
    _, _, before, _ = head(d, aud)
    ok(d, "POST", "/v1/accounts/civil/suspend", op)
    ok(d, "POST", "/v1/accounts/civil/resume", op)
    _, _, after, _ = head(d, aud)
    check(after >= before + 2, "two changes, two leaves at least",
          before, after)
    es = [json.loads(e) for e in entries(d, aud, after)[before:]]
    acc = [e for e in es if e["type"] == "account"]
    check(len(acc) >= 2, "account leaves", es)
    for e in acc:
        check(e["by"] == "operator:token:%d" % rid, "the actor", e, rid)
    check(acc[0]["record"]["suspended"] in (True, 1) and
          acc[-1]["record"]["suspended"] in (False, 0), "suspended, resumed",
          acc)


def roles(d, op, aud, cust, term):
    for tok in (op, aud, cust):
        ok(d, "GET", "/v1/audit/checkpoint", tok)
    st, _ = d.req("GET", "/v1/audit/checkpoint", term)
    check(st == 403, "a terminal may not read the log", st)
    st, _ = d.req("GET", "/v1/audit/entries?start=0", None)
    check(st == 401, "no token", st)


def bad_input(d, aud, size):
    for q, member in (("/v1/audit/entries?start=x", "start"),
                      ("/v1/audit/entries?start=-1", "start"),
                      ("/v1/audit/entries?start=01", "start"),
                      ("/v1/audit/entries", "start"),
                      ("/v1/audit/entries?start=0&end=%d" % (size + 1), "end"),
                      ("/v1/audit/entries?start=3&end=2", "start"),
                      ("/v1/audit/entries?start=0&end=1001", "end"),
                      ("/v1/audit/proof/inclusion?index=%d&size=%d"
                       % (size, size), "index"),
                      ("/v1/audit/proof/inclusion?index=0&size=%d"
                       % (size + 1), "size"),
                      ("/v1/audit/proof/inclusion?size=3", "index"),
                      ("/v1/audit/proof/inclusion?index=99999999999999999999",
                       "index"),
                      ("/v1/audit/proof/consistency?from=3&to=2", "from"),
                      ("/v1/audit/proof/consistency?from=1&to=%d"
                       % (size + 1), "to"),
                      ("/v1/audit/checkpoint?size=0", "size"),
                      ("/v1/audit/checkpoint?size=1e3", "size")):
        err(d, q, aud, member)
    err(d, "/v1/audit/checkpoint?size=%d" % (size + 5), aud, "size", 404)
    # the size of an older head: its note, with that size
    note = ok(d, "GET", "/v1/audit/checkpoint?size=%d" % size, aud)
    check(note_split(note)[0].split("\n")[1] == str(size), "size=N", note)


def cosign_refusals(d, aud, size):
    text, _ = note_split(ok(d, "GET", "/v1/audit/checkpoint", aud))
    forged = text.replace("\n%d\n" % size, "\n%d\n" % (size + 7))
    line = "\u2014 w " + base64.b64encode(b"\0" * 76).decode() + "\n"
    err(d, "/v1/audit/cosignatures", aud, None, 409, "POST",
        (forged + "\n" + line).encode())
    m = err(d, "/v1/audit/cosignatures", aud, None, 400, "POST",
            (text + "\n" + line).encode())
    check("line %d" % (text.count("\n") + 2) in m, "the line named", m)
    err(d, "/v1/audit/cosignatures", aud, "body", 400, "POST",
        b"not a note\n")


def main(build):
    with Daemon(build, seed="min") as d:
        op, aud, cust, term = tokens_offline(
            d, ["operator", "auditor", ("customer", "civil"),
                ("terminal", None, "UT00000000")])
        actor(d, op, aud)
        size, es = roots_and_sig(d, aud)
        roles(d, op, aud, cust, term)
        bad_input(d, aud, size)
        cosign_refusals(d, aud, size)
        # the seed's leaves were written by the seed itself
        check(json.loads(es[0])["by"] == "leonetd seed-min", "seed's actor",
              es[0])
    print("ok: %d leaves re-hashed into the signed root, actor, roles, "
          "bad input" % size)


if __name__ == "__main__":
    main(sys.argv[1])
