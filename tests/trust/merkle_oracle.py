#!/usr/bin/python3
"""merkle_oracle.py - an independent RFC 9162 section 2.1 Merkle tree
(hashlib, written from the RFC's recursive definitions, nothing shared with
src/trust) for test_merkle.c.

Usage: merkle_oracle.py N   prints, for trees of 1..N leaves (leaf i is
leaf_data(i)):
  root n HEX
  incl m n HEX,HEX,...      PATH(m, D[n]) for every m < n
  cons m n HEX,HEX,...      PROOF(m, D[n]) for every 1 <= m <= n
and first "root 0 HEX" for the empty tree.
"""
import hashlib
import sys

RFC6962_LEAVES = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31",
                  b"\x40\x41\x42\x43", bytes(range(0x50, 0x58)),
                  bytes(range(0x60, 0x70))]


def leaf_data(i):
    if i < len(RFC6962_LEAVES):
        return RFC6962_LEAVES[i]
    return b"leaf %d" % i


def h(b):
    return hashlib.sha256(b).digest()


def mth(d):
    n = len(d)
    if n == 0:
        return h(b"")
    if n == 1:
        return h(b"\x00" + d[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return h(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m, d):
    n = len(d)
    if n <= 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m, d, b):
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]


def main():
    top = int(sys.argv[1])
    d = [leaf_data(i) for i in range(top)]
    out = ["root 0 " + mth([]).hex()]
    for n in range(1, top + 1):
        out.append("root %d %s" % (n, mth(d[:n]).hex()))
        for m in range(n):
            out.append("incl %d %d %s" % (
                m, n, ",".join(x.hex() for x in path(m, d[:n]))))
        for m in range(1, n + 1):
            out.append("cons %d %d %s" % (
                m, n, ",".join(x.hex() for x in subproof(m, d[:n], True))))
    print("\n".join(out))


if __name__ == "__main__":
    main()
