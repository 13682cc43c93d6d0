#!/usr/bin/python3
"""audit_oracle.py DB SIZE ROOTHEX PUBHEX KEYNAME - checks a store's audit
log with nothing of leonet: reads the file with Python's sqlite3,
recomputes every leaf hash (RFC 9162 2.1.1: SHA-256(0x00 || entry)) and
the Merkle tree hash of the first SIZE leaves with hashlib, compares with
ROOTHEX (what ln_store_audit_head said) and with every stored
checkpoint's root, and verifies each checkpoint's signature line with
python3-cryptography (C2SP signed-note: key id SHA-256(name || 0x0A ||
0x01 || pub)[:4], Ed25519 over the note text). Each entry must be the
canonical JSON of {"by","record","seq","t","type","v"} with seq its index.
Exits 0 when all holds, 1 with a message otherwise."""
import base64
import hashlib
import json
import sqlite3
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PublicKey

TYPES = {"plan", "account", "line", "terminals", "zones", "token",
         "token-revoke", "contract", "change", "signature", "verdict",
         "kill", "attempt"}


def mth(leaves):
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k << 1 < n:
        k <<= 1
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])
                          ).digest()


def fail(msg):
    print("audit_oracle: " + msg)
    sys.exit(1)


def main():
    db, size, root_hex, pub_hex, name = sys.argv[1:6]
    size = int(size)
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    rows = con.execute("SELECT idx, entry, leaf FROM audit ORDER BY idx"
                       ).fetchall()
    if len(rows) != size:
        fail("%d rows, the store says %d" % (len(rows), size))
    leaves = []
    for i, (idx, entry, leaf) in enumerate(rows):
        entry = bytes(entry)
        h = hashlib.sha256(b"\x00" + entry).digest()
        if idx != i or bytes(leaf) != h:
            fail("leaf %d: index %d or hash differs" % (i, idx))
        e = json.loads(entry)
        canon = json.dumps(e, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False).encode()
        if canon != entry:
            fail("leaf %d is not canonical JSON: %r" % (i, entry))
        if sorted(e) != ["by", "record", "seq", "t", "type", "v"] or \
                e["seq"] != i or e["v"] != 1 or e["type"] not in TYPES or \
                not isinstance(e["t"], int) or not isinstance(e["record"],
                                                              dict):
            fail("leaf %d: bad entry %r" % (i, e))
        leaves.append(h)
    if mth(leaves).hex() != root_hex:
        fail("root %s, the store says %s" % (mth(leaves).hex(), root_hex))
    pub = bytes.fromhex(pub_hex)
    kid = hashlib.sha256(name.encode() + b"\n\x01" + pub).digest()[:4]
    key = Ed25519PublicKey.from_public_bytes(pub)
    cks = con.execute("SELECT size, root, text, sig FROM audit_checkpoints "
                      "ORDER BY size").fetchall()
    for n, r, text, sig in cks:
        want = mth(leaves[:n])
        if bytes(r) != want:
            fail("checkpoint %d: root differs" % n)
        lines = text.split("\n")
        if len(lines) != 4 or lines[1] != str(n) or \
                base64.b64decode(lines[2]) != want or lines[3] != "":
            fail("checkpoint %d: text %r" % (n, text))
        dash, nm, b64 = sig.rstrip("\n").split(" ")
        blob = base64.b64decode(b64)
        if dash != "\u2014" or nm != name or blob[:4] != kid:
            fail("checkpoint %d: signature line %r" % (n, sig))
        key.verify(blob[4:], text.encode())
    if cks and cks[-1][0] != size:
        fail("the last checkpoint is of size %d, not %d" % (cks[-1][0], size))
    print("ok %d leaves, %d checkpoints" % (size, len(cks)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
