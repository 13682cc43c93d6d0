"""test_trust_common.py - what the trust part's daemon tests share
(test_trust_attacks.py, test_trust_gates.py): Ed25519 keys made here with
python3-cryptography and written in the C2SP signed-note text format,
canonical JSON and signatures computed here (json.dumps with sorted keys,
no spaces, ensure_ascii=False; the message prefixes of docs/trust.md),
the defence contract of issue 15, change requests bound to the daemon's
head, and the audit table read with sqlite3 (the oracle: never the
daemon's own answers).

The daemon is seeded with `leonetd seed-min` (lnd.py): accounts defence,
civil, donated; terminals UT00000000..UT00000011 round-robin over them at
50.45 N 30.52 E; deny zones crimea and occupied-2022-08-31.
"""
import base64
import hashlib
import json
import os
import sqlite3
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lnd import Daemon  # noqa: E402,F401

CONTRACT_PREFIX = b"leonet-contract/v1\n"
REQUEST_PREFIX = b"leonet-change-request/v1\n"
CONTRACT_ID = "defence-2026"
FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


class Key:
    """An Ed25519 key and its C2SP texts (key id: SHA-256(name || 0x0A ||
    0x01 || pub)[:4])."""

    def __init__(self, name):
        self.name = name
        self.sk = Ed25519PrivateKey.generate()
        self.pub = self.sk.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.kid = hashlib.sha256(name.encode() + b"\n\x01" +
                                  self.pub).digest()[:4]
        self.vkey = "%s+%s+%s" % (name, self.kid.hex(), base64.b64encode(
            b"\x01" + self.pub).decode())

    def line(self, msg, name=None):
        """The signature line "— NAME base64(key id || sig)"."""
        sig = self.sk.sign(msg)
        return "\u2014 %s %s" % (name or self.name,
                                 base64.b64encode(self.kid + sig).decode())


def contract_doc(op, cu, extra_scope=None, cid=CONTRACT_ID):
    both = [{"of": ["operator"], "k": 1}, {"of": ["customer"], "k": 1}]
    scope = {"accounts": ["defence"]}
    scope.update(extra_scope or {})
    return {
        "contract": cid,
        "parties": [{"id": "operator", "keys": [op.vkey]},
                    {"id": "customer", "keys": [cu.vkey]}],
        "scope": scope,
        "term": {"from": "2020-01-01T00:00:00Z",
                 "until": "2099-01-01T00:00:00Z"},
        "thresholds": [{"kind": k, "require": both}
                       for k in ("kill", "suspend", "zone-edit", "coverage",
                                 "amend")],
        "note": "issue 15: the operator alone cannot cut the customer off"}


def tokens(d, *specs):
    """Tokens made with the daemon stopped, then restarted: `leonetd token
    create` is another process writing audited rows; made before the
    trust part's writes, the leaves' order is the test's own."""
    d.stop()
    out = [d.token(*sp) if isinstance(sp, tuple) else d.token(sp)
           for sp in specs]
    d.start()
    return out


def register(d, tok, doc, signers):
    msg = CONTRACT_PREFIX + canonical(doc)
    return d.req("POST", "/v1/contracts", tok, {
        "contract": doc, "signatures": [k.line(msg) for k in signers]})


def head(d, tok):
    st, b = d.req("GET", "/v1/head", tok)
    check(st == 200, "GET /v1/head: %s %s" % (st, b))
    return b["content"]


def request(d, tok, kind, target, nonce, expires="2099-01-01T00:00:00Z",
            hd=None, **extra):
    hd = hd or head(d, tok)
    r = {"contract": CONTRACT_ID, "kind": kind, "target": target,
         "head": {"size": hd["size"], "root": hd["root"]},
         "expires": expires,
         "nonce": base64.b64encode(nonce.ljust(16, b"\0")).decode()}
    r.update(extra)
    return r


def message(req):
    return REQUEST_PREFIX + canonical(req)


def submit(d, tok, req):
    return d.req("POST", "/v1/changes", tok, raw=canonical(req))


def sign(d, tok, cid, line, as_json=False):
    if as_json:
        return d.req("POST", "/v1/changes/%s/signatures" % cid, tok,
                     {"signature": line})
    return d.req("POST", "/v1/changes/%s/signatures" % cid, tok,
                 raw=(line + "\n").encode(),
                 headers={"Content-Type": "text/plain; charset=utf-8"})


def authz(d, tok, term):
    st, b = d.req("GET", "/v1/terminals/%s/authorization" % term, tok)
    check(st == 200, "authorization %s: %s" % (term, st))
    return b["content"]


def leaves(db):
    """The audit log's leaves (parsed), read from the SQLite file."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT idx, entry FROM audit ORDER BY idx")
        return [json.loads(bytes(e)) for _, e in rows]
    finally:
        con.close()


def box(zid, lon0, lat0, lon1, lat1, action="deny", priority=20):
    """A zone Feature over a lon/lat box, as /v1/zones takes it."""
    return {"type": "Feature",
            "properties": {"id": zid, "action": action,
                           "priority": priority},
            "geometry": {"type": "Polygon", "coordinates": [[
                [lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1],
                [lon0, lat0]]]}}


def upload(d, tok, *features):
    return d.req("POST", "/v1/zones", tok,
                 {"type": "FeatureCollection", "features": list(features)})
