#!/usr/bin/python3
"""cli_trust.py LEONET - the trust verbs end to end, checked from outside:
key files (mode 0600, the vkey text parsed here), `leonet sign` lines
verified with python3-cryptography over the canonical JSON computed here
(json.dumps, sorted keys, no spaces), `leonet contract verify` for the
attacks (operator alone, same key twice, an outsider's key), `leonet audit
verify` of a bundle whose roots are recomputed here with hashlib (and of a
tampered one), `leonet witness` cosigning (its cosignature checked by
cosig_check.py) and refusing a forked log and a rollback. Everything is
written under a mkdtemp folder."""
import base64
import calendar
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PublicKey

LEONET = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
FAILS = []


def run(*args, want=0):
    p = subprocess.run([LEONET] + list(args), capture_output=True, text=True)
    if p.returncode != want:
        FAILS.append("%s: exit %d, wanted %d\n%s%s" % (
            " ".join(args), p.returncode, want, p.stdout, p.stderr))
    return p


def check(cond, what):
    if not cond:
        FAILS.append(what)


def mth(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def pub_of(path):
    name, kid, b64 = open(path).read().strip().split("+", 2)
    raw = base64.b64decode(b64)
    assert raw[0] == 1
    want = hashlib.sha256(name.encode() + b"\n\x01" + raw[1:]).digest()[:4]
    check(want.hex() == kid, "key id of %s" % path)
    return name, raw[1:]


def main():
    d = tempfile.mkdtemp(prefix="ln_trust_cli")
    try:
        os.chdir(d)
        for k in ("operator", "customer", "mallory", "w"):
            run("key", "new", "--out", k)
        check(os.stat("operator.key").st_mode & 0o777 == 0o600,
              "private key mode 0600")
        run("key", "new", "--out", "operator", want=2)  # never overwritten
        keys = {k: open(k + ".pub").read().strip()
                for k in ("operator", "customer")}
        contract = {
            "contract": "defence-2026",
            "parties": [{"id": "operator", "keys": [keys["operator"]]},
                        {"id": "customer", "keys": [keys["customer"]]}],
            "scope": {"accounts": ["defence"]},
            "term": {"from": "2026-01-01T00:00:00Z", "until": None},
            "thresholds": [{"kind": "kill", "require": [
                {"of": ["operator"], "k": 1}, {"of": ["customer"], "k": 1}]}]}
        json.dump(contract, open("contract.json", "w"), indent=1)
        p = run("contract", "show", "contract.json")
        check("operator" in p.stdout and "kill" in p.stdout, "show")
        root = base64.b64encode(hashlib.sha256(b"x").digest()).decode()
        req = {"contract": "defence-2026", "kind": "kill",
               "target": {"accounts": ["defence"]},
               "head": {"size": 3, "root": root},
               "expires": "2030-01-01T00:00:00Z",
               "nonce": base64.b64encode(os.urandom(16)).decode()}
        json.dump(req, open("req.json", "w"), indent=3)
        canon = b"leonet-change-request/v1\n" + json.dumps(
            req, sort_keys=True, separators=(",", ":")).encode()
        for k in ("operator", "customer", "mallory"):
            p = run("sign", "req.json", "--key", k + ".key")
            open(k + ".sig", "w").write(p.stdout)
            dash, name, b64 = p.stdout.strip().split(" ")
            blob = base64.b64decode(b64)
            _, pub = pub_of(k + ".pub")
            Ed25519PublicKey.from_public_bytes(pub).verify(blob[4:], canon)
            check(name == k and dash == "\u2014", "sign line of " + k)
        head = "--head=3:" + root
        p = run("contract", "verify", "contract.json", "--request",
                "req.json", "--sig", "operator.sig,customer.sig", head)
        check("takes effect" in p.stdout, "both sign: " + p.stdout)
        p = run("contract", "verify", "contract.json", "--request",
                "req.json", "--sig", "operator.sig", head, want=1)
        check("threshold-not-met" in p.stdout, "operator alone")
        p = run("contract", "verify", "contract.json", "--request",
                "req.json", "--sig", "operator.sig,operator.sig", head,
                want=1)
        check("duplicate-key" in p.stdout, "same key twice")
        p = run("contract", "verify", "contract.json", "--request",
                "req.json", "--sig", "operator.sig,mallory.sig", head,
                want=1)
        check("unknown-key" in p.stdout, "outsider's key")
        p = run("contract", "verify", "contract.json", "--request",
                "req.json", "--sig", "operator.sig,customer.sig",
                "--head=4:" + root, want=1)
        check("stale-head" in p.stdout, "old head")
        open("used", "w").write(req["nonce"] + "\n")
        p = run("contract", "verify", "contract.json", "--request",
                "req.json", "--sig", "operator.sig,customer.sig", head,
                "--used-nonces", "used", want=1)
        check("replayed-nonce" in p.stdout, "replay")
        p = run("contract", "verify", "contract.json", "--request",
                "req.json", "--sig", "operator.sig,customer.sig", head,
                "--now", "2031-01-01T00:00:00Z", want=1)
        check("expired" in p.stdout, "expired")
        open("bad.json", "w").write('{"contract": "x",\n "parties": 3}')
        p = run("contract", "verify", "bad.json", want=2)
        check("bad.json:2:" in p.stderr and "parties" in p.stderr,
              "bad contract names line and field: " + p.stderr)

        # audit: a bundle, its roots recomputed here
        entries = [b"entry %d" % i for i in range(1, 8)]
        for e in entries[:5]:
            run("audit", "append", "log", "--data", e.decode())
        run("audit", "checkpoint", "log", "--key", "operator.key",
            "--origin", "example.org/leonet")
        for e in entries[5:]:
            run("audit", "append", "log", "--data", e.decode())
        p = run("audit", "checkpoint", "log", "--key", "operator.key",
                "--origin", "example.org/leonet")
        lines = p.stdout.split("\n")
        check(lines[1] == "7" and base64.b64decode(lines[2]) == mth(entries),
              "checkpoint root = hashlib MTH")
        p = run("audit", "verify", "log", "--key", "operator.pub")
        check("7 leaves" in p.stdout and "0 failed" in p.stdout, p.stdout)
        os.mkdir("dir")
        shutil.copy("log", "dir/log")
        run("audit", "verify", "dir")
        text = open("log").read()
        tampered = text.replace(
            "leaf " + base64.b64encode(b"entry 3").decode(),
            "leaf " + base64.b64encode(b"entry X").decode())
        check(tampered != text, "tamper")
        open("tampered", "w").write(tampered)
        p = run("audit", "verify", "tampered", "--key", "operator.pub",
                want=1)
        check("altered" in p.stdout, "tampered leaf detected")
        p = run("audit", "verify", "log", "--key", "customer.pub", want=1)
        check("no signature by a known key" in p.stdout, "wrong log key")

        # witness: cosign, then refuse a fork and a rollback
        p = run("witness", "--log", "log", "--state", "wst", "--key",
                "w.key", "--log-key", "operator.pub", "--now",
                "2026-12-05T06:00:00Z")
        open("cosigned", "w").write(p.stdout)
        c = subprocess.run(["/usr/bin/python3", HERE + "/cosig_check.py",
                            open("w.pub").read().strip(), "cosigned"],
                           capture_output=True, text=True)
        t = calendar.timegm((2026, 12, 5, 6, 0, 0))
        check(c.stdout == "ok %d\n" % t, "cosignature: " + c.stdout)
        fork = entries[:2] + [b"entry X"] + entries[3:] + [b"entry 8"]
        for e in fork:
            run("audit", "append", "forked", "--data", e.decode())
        run("audit", "checkpoint", "forked", "--key", "operator.key",
            "--origin", "example.org/leonet")
        p = run("witness", "--log", "forked", "--state", "wst", "--key",
                "w.key", "--log-key", "operator.pub", want=1)
        check("forked or was rewritten" in p.stderr, "fork: " + p.stderr)
        same = fork[:7]
        for e in same:
            run("audit", "append", "same", "--data", e.decode())
        run("audit", "checkpoint", "same", "--key", "operator.key",
            "--origin", "example.org/leonet")
        p = run("witness", "--log", "same", "--state", "wst", "--key",
                "w.key", "--log-key", "operator.pub", want=1)
        check("fork:" in p.stderr, "same size other root: " + p.stderr)
        for e in entries[:4]:
            run("audit", "append", "short", "--data", e.decode())
        run("audit", "checkpoint", "short", "--key", "operator.key",
            "--origin", "example.org/leonet")
        p = run("witness", "--log", "short", "--state", "wst", "--key",
                "w.key", "--log-key", "operator.pub", want=1)
        check("rollback" in p.stderr, "rollback: " + p.stderr)
        # the honest log, grown: cosigned again
        run("audit", "append", "log", "--data", "entry 8")
        run("audit", "checkpoint", "log", "--key", "operator.key",
            "--origin", "example.org/leonet")
        run("witness", "--log", "log", "--state", "wst", "--key", "w.key",
            "--log-key", "operator.pub")
    finally:
        shutil.rmtree(d)
    for f in FAILS:
        print("FAIL:", f)
    print("cli_trust: %d failure(s)" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
