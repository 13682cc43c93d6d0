"""`leonet key new`, `leonet sign --contract`, `leonet contract register`,
`leonet change new|submit|sign|show|list` and `leonet audit verify URL`
against a daemon: a party's whole path without writing JSON by hand.

Outside oracles: each signature line the CLI prints is verified here with
python3-cryptography over the message computed here (canonical JSON by
Python's json.dumps, docs/trust.md's prefixes); the request `change new`
prints is checked against GET /v1/head and the rules (32-byte nonce,
expiry one hour ahead); the effect is read from the authorization route.
"""
import base64
import datetime
import json
import os
import subprocess
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PublicKey

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_trust_common as tc  # noqa: E402


def run(build, *args, cwd=None):
    r = subprocess.run([os.path.join(build, "bin", "leonet")] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       cwd=cwd, timeout=120)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def pub_of(path):
    """C2SP vkey text -> (name, key id, raw public key)"""
    name, kid, b64 = open(path).read().strip().split("+", 2)
    raw = base64.b64decode(b64)
    assert raw[0] == 1 and len(raw) == 33
    return name, bytes.fromhex(kid), raw[1:]


def line_ok(line, vkey, msg):
    name, kid, pub = vkey
    dash, lname, b64 = line.strip().split(" ")
    raw = base64.b64decode(b64)
    if dash != "\u2014" or lname != name or raw[:4] != kid:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(raw[4:], msg)
        return True
    except Exception:
        return False


def main(build):
    d = tc.Daemon(build, seed="min")
    op_tok, cu_tok = tc.tokens(d, "operator", ("customer", "defence"))
    w = d.tmp
    try:
        for who in ("operator", "customer"):
            rc, out, err = run(build, "key", "new", "--out", who, cwd=w)
            tc.check(rc == 0, "key new %s: %s %s" % (who, rc, err))
        op = pub_of(os.path.join(w, "operator.pub"))
        cu = pub_of(os.path.join(w, "customer.pub"))
        both = [{"of": ["operator"], "k": 1}, {"of": ["customer"], "k": 1}]
        doc = {"contract": "defence-cli",
               "parties": [
                   {"id": "operator",
                    "keys": [open(os.path.join(w, "operator.pub"))
                             .read().strip()]},
                   {"id": "customer",
                    "keys": [open(os.path.join(w, "customer.pub"))
                             .read().strip()]}],
               "scope": {"accounts": ["defence"],
                         "region": {"type": "Polygon", "coordinates": [[
                             [30.25, 50.125], [30.75, 50.125],
                             [30.75, 50.625], [30.25, 50.625],
                             [30.25, 50.125]]]}},
               "term": {"from": "2020-01-01T00:00:00Z",
                        "until": "2099-01-01T00:00:00Z"},
               "thresholds": [{"kind": "kill", "require": both},
                              {"kind": "amend", "require": both}]}
        cpath = os.path.join(w, "contract.json")
        json.dump(doc, open(cpath, "w"), indent=1)
        cmsg = tc.CONTRACT_PREFIX + tc.canonical(doc)
        sigs = []
        for who, vk in (("operator", op), ("customer", cu)):
            rc, out, err = run(build, "sign", cpath, "--contract", "--key",
                               who + ".key", cwd=w)
            tc.check(rc == 0 and line_ok(out, vk, cmsg),
                     "sign --contract %s: %s %r %s" % (who, rc, out, err))
            open(os.path.join(w, "c_%s.sig" % who), "w").write(out)
            sigs.append("c_%s.sig" % who)
        # one party's signature is not enough to register
        rc, out, err = run(build, "contract", "register", cpath, "--url",
                           d.url, "--token", op_tok, "--sig", sigs[0], cwd=w)
        tc.check(rc != 0 and "customer" in err,
                 "register with one signature: %s %s" % (rc, err))
        rc, out, err = run(build, "contract", "register", cpath, "--url",
                           d.url, "--token", op_tok, "--sig", ",".join(sigs),
                           cwd=w)
        tc.check(rc == 0 and "defence-cli version 1" in out,
                 "register: %s %s %s" % (rc, out, err))
        # a request bound to the daemon's head
        hd = tc.head(d, op_tok)
        rc, out, err = run(build, "change", "new", "--url", d.url, "--token",
                           op_tok, "--contract", "defence-cli", "--kind",
                           "kill", "--account", "defence", cwd=w)
        tc.check(rc == 0, "change new: %s %s" % (rc, err))
        req = json.loads(out)
        tc.check(req["head"] == {"size": hd["size"], "root": hd["root"]},
                 "change new head %r vs %r" % (req["head"], hd))
        tc.check(len(base64.b64decode(req["nonce"])) == 32, "nonce length")
        exp = datetime.datetime.strptime(req["expires"],
                                         "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc)
        ahead = (exp - datetime.datetime.now(datetime.timezone.utc))
        tc.check(3500 < ahead.total_seconds() <= 3600,
                 "expires %s" % req["expires"])
        tc.check(req["target"]["accounts"] == ["defence"], "target")
        rpath = os.path.join(w, "kill.json")
        open(rpath, "w").write(out)
        rmsg = tc.REQUEST_PREFIX + tc.canonical(req)
        for who, vk in (("operator", op), ("customer", cu)):
            rc, out, err = run(build, "sign", rpath, "--key", who + ".key",
                               cwd=w)
            tc.check(rc == 0 and line_ok(out, vk, rmsg),
                     "sign request %s: %s %s" % (who, rc, err))
            open(os.path.join(w, "k_%s.sig" % who), "w").write(out)
        # the operator alone: pending (exit 4), terminals still served
        rc, out, err = run(build, "change", "submit", rpath, "--url", d.url,
                           "--token", op_tok, "--sig", "k_operator.sig",
                           cwd=w)
        tc.check(rc == 4 and "pending: threshold-not-met" in out,
                 "submit operator alone: %s %s %s" % (rc, out, err))
        cid = out.split()[0]
        tc.check(tc.authz(d, op_tok, "UT00000000")["allowed"],
                 "defence terminal allowed while pending")
        rc, out, err = run(build, "change", "list", "--url", d.url,
                           "--token", op_tok, "--state", "pending", cwd=w)
        tc.check(rc == 0 and cid in out and "signed: operator" in out,
                 "list pending: %s %s" % (out, err))
        # the customer signs: granted (exit 0), the account cut off
        rc, out, err = run(build, "change", "sign", cid, "--url", d.url,
                           "--token", cu_tok, "--sig", "k_customer.sig",
                           cwd=w)
        tc.check(rc == 0 and "granted" in out,
                 "sign customer: %s %s %s" % (rc, out, err))
        a = tc.authz(d, op_tok, "UT00000000")
        tc.check(not a["allowed"] and a["reason"] == "kill-switch"
                 and a["alert"] == 95, "defence cut off: %r" % a)
        rc, out, err = run(build, "change", "show", cid, "--url", d.url,
                           "--token", op_tok, cwd=w)
        tc.check(rc == 0 and "signed: customer" in out, "show: %s" % out)
        # bad input named
        for args, words in [
                (("change", "new", "--url", d.url, "--contract", "x",
                  "--kind", "explode"), "--kind"),
                (("change", "new", "--head", "3:notbase64", "--contract",
                  "x", "--kind", "kill"), "--head"),
                (("change", "new", "--head", "1:" + hd["root"], "--contract",
                  "x", "--kind", "kill", "--expires", "yesterday"),
                 "--expires"),
                (("change", "frob"), "expected new")]:
            rc, out, err = run(build, *args, cwd=w)
            tc.check(rc == 2 and words in err, "%r: %s %s" % (args, rc, err))
        # the log the CLI changed verifies from outside
        rc, out, err = run(build, "audit", "verify", d.url, "--token",
                           op_tok, "--key", d.db + ".logkey.pub", cwd=w)
        tc.check(rc == 0, "audit verify URL: %s %s %s" % (rc, out, err))
    finally:
        d.close()
    if tc.FAILS:
        sys.exit("%d failures" % len(tc.FAILS))
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1])
