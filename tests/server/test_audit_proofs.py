"""test_audit_proofs.py - the daemon's inclusion and consistency proofs
checked by a Python implementation of RFC 9162 2.1.3.2 and 2.1.4.2
(test_audit_common.py), against roots Python computes from the entries
(hashlib): every leaf of the trees of 1..20 leaves, consistency between
every two sizes 0 <= m <= n <= 20, and the same proofs mutated (a hash's
bit flipped, a hash dropped or added, another index or size) refused by
the Python verifier (so that it can fail).

    python3 test_audit_proofs.py BUILD_DIR
"""
import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_audit_common import (Daemon, check, entries, head, leaf_hash,  # noqa
                               mth, ok, tokens_offline, verify_consistency,
                               verify_inclusion)

N = 20


def grow(d, op, aud):
    """Changes over HTTP until the log has N leaves or more."""
    k = 0
    while head(d, aud)[2] < N:
        ok(d, "POST", "/v1/accounts/civil/%s" % ("suspend", "resume")[k % 2],
           op)
        k += 1


def flips(path):
    for i in range(len(path)):
        b = bytearray(path[i])
        b[i % 32] ^= 1
        yield path[:i] + [bytes(b)] + path[i + 1:]
    if path:
        yield path[:-1]
    yield path + [bytes(32)]


def inclusion(d, aud, leaves):
    n = 0
    for size in range(1, N + 1):
        root = mth(leaves[:size])
        for i in range(size):
            c = ok(d, "GET", "/v1/audit/proof/inclusion?index=%d&size=%d"
                   % (i, size), aud)
            path = [base64.b64decode(p) for p in c["path"]]
            leaf = base64.b64decode(c["leafHash"])
            check(leaf == leaves[i], "leafHash of %d" % i)
            check(verify_inclusion(i, size, leaf, path, root),
                  "inclusion %d in %d" % (i, size))
            for bad in flips(path):
                check(not verify_inclusion(i, size, leaf, bad, root),
                      "mutated inclusion %d in %d" % (i, size))
            if size > 1:
                check(not verify_inclusion((i + 1) % size, size, leaf, path,
                                           root), "another index")
            n += 1
    return n


def consistency(d, aud, leaves):
    n = 0
    for to in range(0, N + 1):
        r2 = mth(leaves[:to])
        for fr in range(0, to + 1):
            r1 = mth(leaves[:fr])
            c = ok(d, "GET", "/v1/audit/proof/consistency?from=%d&to=%d"
                   % (fr, to), aud)
            check(c["from"] == fr and c["to"] == to, "echo", c)
            path = [base64.b64decode(p) for p in c["path"]]
            check(verify_consistency(fr, to, r1, r2, path),
                  "consistency %d..%d" % (fr, to))
            if 0 < fr < to:
                for bad in flips(path):
                    check(not verify_consistency(fr, to, r1, r2, bad),
                          "mutated consistency %d..%d" % (fr, to))
                check(not verify_consistency(fr, to, r1, mth(leaves[:to - 1])
                                             if to - 1 > fr else r1, path),
                      "another second root %d..%d" % (fr, to))
            n += 1
    return n


def main(build):
    with Daemon(build, seed="min") as d:
        op, aud = tokens_offline(d, ["operator", "auditor"])
        grow(d, op, aud)
        size = head(d, aud)[2]
        leaves = [leaf_hash(e) for e in entries(d, aud, size)]
        ni = inclusion(d, aud, leaves)
        nc = consistency(d, aud, leaves)
    print("ok: %d inclusion and %d consistency proofs of the first %d "
          "leaves (log of %d) verified in Python" % (ni, nc, N, size))


if __name__ == "__main__":
    main(sys.argv[1])
