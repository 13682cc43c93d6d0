"""test_audit_common.py - what the audit tests share: independent Python
oracles of the formats the daemon serves, and daemons whose answers are
checked against docs/api/leonetd.yaml.

Oracles (none of them calls leonet's code):
  leaf_hash, node_hash, mth          RFC 6962 / RFC 9162 2.1.1 (hashlib)
  verify_inclusion                   RFC 9162 2.1.3.2, as written there
  verify_consistency                 RFC 9162 2.1.4.2, as written there
  note_split, verify_note_sig        C2SP signed-note: key id
                                     SHA-256(name || 0x0A || 0x01 ||
                                     pub)[:4], Ed25519 over the text
                                     (python3-cryptography)
"""
import base64
import hashlib
import json
import os
import subprocess
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PublicKey

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lnd import Daemon  # noqa: E402,F401 (lnd checks the answers)


def check(cond, what, *extra):
    if not cond:
        raise AssertionError(what + (" " + repr(extra) if extra else ""))


# ---- RFC 6962 / 9162 --------------------------------------------------

def leaf_hash(b):
    return hashlib.sha256(b"\x00" + b).digest()


def node_hash(l, r):
    return hashlib.sha256(b"\x01" + l + r).digest()


def mth(leaves):
    """MTH(D[n]) of leaf hashes (RFC 9162 2.1.1, recursive)."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(index, size, leaf, path, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(m, n, root1, root2, path):
    """RFC 9162 2.1.4.2 (m = n and m = 0 decided first, as RFC 6962's
    PROOF defines them: an empty proof)."""
    if m > n:
        return False
    if m == n:
        return not path and root1 == root2
    if m == 0:
        return not path
    if not path:
        return False
    path = list(path)
    if m & (m - 1) == 0:  # a power of two: first_hash is the old root
        path.insert(0, root1)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0


# ---- signed notes --------------------------------------------------------

def pub_text(t):
    """(name, raw 32-byte key) of "NAME+HEXID+base64(0x01 || pub)"."""
    name, kid, k64 = t.strip().split("+", 2)
    raw = base64.b64decode(k64)
    check(raw[0] == 1 and len(raw) == 33, "a public key text", t)
    want = hashlib.sha256(name.encode() + b"\n\x01" + raw[1:]).digest()[:4]
    check(want.hex() == kid, "the key id of %s" % name)
    return name, raw[1:]


def note_split(note):
    """(text, [(name, blob)]) of a signed note (text ends with \\n)."""
    text, sigs = note.split("\n\n", 1)
    out = []
    for line in sigs.splitlines():
        dash, name, b64 = line.split(" ")
        check(dash == "\u2014", "a signature line", line)
        out.append((name, base64.b64decode(b64)))
    return text + "\n", out


def checkpoint_of(text):
    """(origin, size, root bytes) of a checkpoint text."""
    lines = text.split("\n")
    return lines[0], int(lines[1]), base64.b64decode(lines[2])


def verify_note_sig(note, pubtext):
    """True when a line of the note verifies under the key (0x01)."""
    name, pub = pub_text(pubtext)
    kid = hashlib.sha256(name.encode() + b"\n\x01" + pub).digest()[:4]
    text, sigs = note_split(note)
    for n, blob in sigs:
        if n == name and blob[:4] == kid:
            Ed25519PublicKey.from_public_bytes(pub).verify(
                blob[4:], text.encode())
            return True
    return False


# ---- daemons ---------------------------------------------------------------

def ok(d, method, path, tok, body=None, want=200):
    st, b = d.req(method, path, tok, body)
    check(st == want, "%s %s: %s, want %s" % (method, path, st, want), b)
    return b["content"] if isinstance(b, dict) else b


def err(d, path, tok, member, want=400, method="GET", raw=None):
    if raw is not None:
        st, b, _ = d.raw(method, path, tok, raw)
        b = json.loads(b)
    else:
        st, b = d.req(method, path, tok)
    check(st == want, "%s %s: %s, want %s" % (method, path, st, want), b)
    if member:
        check(member in b["errors"][0]["memberNames"] or
              member in b["errors"][0]["errorMessage"],
              "%s: the error names %s" % (path, member), b)
    return b["errors"][0]["errorMessage"]


def entries(d, tok, size):
    """Every entry [0, size) as bytes, paged as a client must."""
    out = []
    while len(out) < size:
        end = min(len(out) + 1000, size)
        c = ok(d, "GET", "/v1/audit/entries?start=%d&end=%d"
               % (len(out), end), tok)
        check(c["start"] == len(out) and c["end"] == end, "page", c)
        out += [base64.b64decode(e) for e in c["entries"]]
    return out


def head(d, tok):
    """(note, origin, size, root) of the latest checkpoint."""
    note = ok(d, "GET", "/v1/audit/checkpoint", tok)
    text, _ = note_split(note)
    o, n, r = checkpoint_of(text)
    return note, o, n, r


def tokens_offline(d, roles):
    """Tokens made while the daemon is stopped (one writer at a time)."""
    d.stop()
    toks = [d.token(*r) if isinstance(r, tuple) else d.token(r)
            for r in roles]
    d.start()
    return toks


def serve_refused(build, db, extra=()):
    """Runs `leonetd serve` on db; (exit code, stdout, stderr). It must
    end by itself (a refused start), never listen."""
    p = subprocess.run([os.path.join(build, "bin", "leonetd"), "serve",
                        "--db", db, "--listen", "127.0.0.1:0"] + list(extra),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()
