#!/usr/bin/python3
"""cli_audit_witness.py BUILD_DIR - `leonet witness --url` and `leonet audit
verify URL` against running daemons, checked from outside:

- the witness cosigns daemon A's checkpoint: its cosignature verified by
  cosig_check.py (python3-cryptography), the note's log signature by
  Python; with --post the daemon (witness-keys in its config) stores it
  and serves it with the checkpoint; a cosignature with a changed byte is
  refused (400 naming its line);
- daemon B started from a copy of A's database (same log key) that then
  diverged (other changes): a fork. The witness whose state is A's newer
  head refuses B with "fork" and exit 1; a witness that cosigned A
  refuses a copy that is behind it (a rollback) with exit 1;
- `leonet audit verify URL --key LOG.pub --state DIR` ok (exit 0), then
  after a tamper-free growth ok again and consistency-checked from DIR;
  against B from the same DIR refused (exit 1); a wrong key exit 1;
  bad usage exit 2; no daemon exit 3.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

BUILD = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
from test_audit_common import (Daemon, check, head, ok,  # noqa: E402
                               tokens_offline, verify_note_sig)

LEONET = os.path.join(BUILD, "bin", "leonet")


def leonet(*args):
    p = subprocess.run([LEONET] + list(args), capture_output=True,
                       text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def witness(d, tok, state, wkey, logpub, *more):
    return leonet("witness", "--url", d.url, "--token", tok, "--state",
                  state, "--key", wkey, "--log-key", logpub, *more)


FLIP = [0]


def change(d, op, n):
    """n changes over HTTP (civil suspended, resumed, ...): n leaves."""
    for _ in range(n):
        ok(d, "POST", "/v1/accounts/civil/%s"
           % ("suspend", "resume")[FLIP[0] % 2], op)
        FLIP[0] += 1


def cosign(tmp, d, aud, wk, wpub, logpub):
    st = os.path.join(tmp, "wstate")
    rc, out, err = witness(d, aud, st, wk, logpub, "--post")
    check(rc == 0, "the witness cosigns A", rc, err)
    note = os.path.join(tmp, "cosigned")
    open(note, "w").write(out)
    wtext = open(wpub).read().strip()
    p = subprocess.run([sys.executable, os.path.join(HERE, "cosig_check.py"),
                        wtext, note], capture_output=True, text=True)
    check(p.returncode == 0 and p.stdout.startswith("ok "),
          "cosig_check.py verifies the cosignature", p.stdout, p.stderr)
    check(verify_note_sig(out, open(logpub).read()), "the log's line")
    served = ok(d, "GET", "/v1/audit/checkpoint", aud)
    check(wtext.split("+")[0] in served and served.count("\u2014") >= 2,
          "the daemon stores and serves the cosignature", served)
    # the witness's line with its signature's last byte changed: 400
    # naming that line (the text's lines, the blank one, then the sigs)
    lines = out.split("\n")
    name, b64 = lines[-2].split(" ")[1:]
    blob = bytearray(base64.b64decode(b64))
    blob[-1] ^= 1
    lines[-2] = "\u2014 %s %s" % (name, base64.b64encode(blob).decode())
    code, body, _ = d.raw("POST", "/v1/audit/cosignatures", aud,
                          "\n".join(lines).encode())
    msg = json.loads(body)["errors"][0]["errorMessage"]
    check(code == 400 and "line %d" % (len(lines) - 1) in msg and
          "does not verify" in msg, "a bad cosignature named", code, msg)
    # the same checkpoint again: the same state, cosigned again
    rc, _, err = witness(d, aud, st, wk, logpub)
    check(rc == 0, "the same head again", rc, err)
    # pinned to another log's origin: refused; to this one's: cosigned
    rc, _, err = witness(d, aud, st, wk, logpub, "--origin", "other/log")
    check(rc == 1 and "--origin" in err, "another origin refused", rc, err)
    rc, _, err = witness(d, aud, st, wk, logpub, "--origin", "leonetd/log")
    check(rc == 0, "the log's own origin", rc, err)
    return st


def verify_url(tmp, d, aud, op, logpub):
    st = os.path.join(tmp, "vstate")
    rc, out, err = leonet("audit", "verify", d.url, "--token", aud, "--key",
                          logpub, "--state", st)
    check(rc == 0 and "re-hashed" in out, "audit verify URL", rc, out, err)
    change(d, op, 3)
    rc, out, err = leonet("audit", "verify", d.url, "--token", aud, "--key",
                          logpub, "--state", st)
    check(rc == 0 and "consistent with" in out,
          "audit verify URL after growth, from --state", rc, out, err)
    other = os.path.join(tmp, "other")
    leonet("key", "new", "--out", other, "--name", "leonetd/log")
    rc, _, err = leonet("audit", "verify", d.url, "--token", aud, "--key",
                        other + ".pub")
    check(rc == 1 and "signature" in err, "another log key", rc, err)
    rc, _, err = leonet("audit", "verify", d.url, "--token", aud)
    check(rc == 2, "no --key: bad usage", rc, err)
    rc, _, err = leonet("audit", "verify", "http://127.0.0.1:9", "--key",
                        logpub)
    check(rc == 3, "no daemon: exit 3", rc, err)
    return st


def main():
    tmp = tempfile.mkdtemp(prefix="lnwit-")
    try:
        run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok: witness and audit verify URL")


def run(tmp):
    wk = os.path.join(tmp, "w")
    rc, out, err = leonet("key", "new", "--out", wk, "--name", "auditor-w")
    check(rc == 0, "leonet key new", err)
    cfg = os.path.join(tmp, "cfg.json")
    open(cfg, "w").write('{"witness-keys": ["%s"]}'
                         % open(wk + ".pub").read().strip())
    with Daemon(BUILD, seed="min", args=["--config", cfg]) as a:
        op, aud = tokens_offline(a, ["operator", "auditor"])
        change(a, op, 1)
        logpub = os.path.join(tmp, "log.pub")
        shutil.copyfile(a.db + ".logkey.pub", logpub)
        # the fork's base: A's database now, with A's log key
        a.stop()
        base = os.path.join(tmp, "base.db")
        for ext in ("", "-wal", "-shm"):
            if os.path.exists(a.db + ext):
                shutil.copyfile(a.db + ext, base + ext)
        keyfile = os.path.join(tmp, "log.key")
        shutil.copyfile(a.db + ".logkey", keyfile)
        os.chmod(keyfile, 0o600)
        a.start()
        change(a, op, 1)
        wstate = cosign(tmp, a, aud, wk + ".key", wk + ".pub", logpub)
        vstate = verify_url(tmp, a, aud, op, logpub)
        size_a = head(a, aud)[2]
        rc, _, err = witness(a, aud, wstate, wk + ".key", logpub)
        check(rc == 0, "the witness follows A's growth", rc, err)
    # B: the copy, diverged with more changes than A made since
    fork, behind = os.path.join(tmp, "fork.db"), os.path.join(tmp, "b.db")
    for db in (fork, behind):  # with the log key beside each (DB.logkey)
        for ext in ("", "-wal", "-shm", ".logkey", ".logkey.pub"):
            src = keyfile if ext == ".logkey" else \
                logpub if ext == ".logkey.pub" else base + ext
            if os.path.exists(src):
                shutil.copyfile(src, db + ext)
        os.chmod(db + ".logkey", 0o600)
    with Daemon(BUILD, seed=False, db=fork) as b:
        bop, baud = tokens_offline(b, ["operator", "auditor"])
        while head(b, baud)[2] <= size_a:
            change(b, bop, 2)
        rc, _, err = witness(b, baud, wstate, wk + ".key", logpub)
        check(rc == 1 and "fork" in err, "the witness refuses the fork", rc,
              err)
        rc, _, err = leonet("audit", "verify", b.url, "--token", baud,
                            "--key", logpub, "--state", vstate)
        check(rc == 1 and "refused" in err, "audit verify URL refuses the "
              "fork", rc, err)
    with Daemon(BUILD, seed=False, db=behind) as c:
        caud, = tokens_offline(c, ["auditor"])
        size_c = head(c, caud)[2]
        check(size_c < size_a, "the copy is behind", size_c, size_a)
        rc, _, err = witness(c, caud, wstate, wk + ".key", logpub)
        check(rc == 1 and "rollback" in err, "the witness refuses a "
              "rollback", rc, err)


if __name__ == "__main__":
    main()
