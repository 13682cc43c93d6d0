"""test_audit_tamper.py - a row edited or deleted directly in the SQLite
file while the daemon is stopped (python's sqlite3, outside leonet) is
found at start: `leonetd serve` exits 1 with "leonetd: the audit log does
not match the database: ..." and never says it listens, and `leonet
audit verify DB --key DB.logkey.pub` exits 1. Tampers: an account's
suspended flag, an audit entry's bytes, the last audit row deleted, a
token's role raised, a token row deleted, a token row added. The
untouched copy serves and verifies (exit 0). Also: a log key that is not
a private key text (exit 2, naming the file), another key than the
log's (exit 1: the signatures), a config whose witness-keys holds a bad
key text (exit 2, naming the item).

    python3 test_audit_tamper.py BUILD_DIR
"""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_audit_common import (Daemon, check, ok, serve_refused,  # noqa
                               tokens_offline)

MSG = "leonetd: the audit log does not match the database"

TAMPERS = [
    ("account suspended flag",
     "UPDATE accounts SET suspended = 1 - suspended WHERE id = 'civil'"),
    ("audit entry edited",
     "UPDATE audit SET entry = CAST(replace(CAST(entry AS TEXT), 'civil', "
     "'civic') AS BLOB) WHERE idx = (SELECT max(idx) FROM audit WHERE "
     "CAST(entry AS TEXT) LIKE '%civil%')"),
    ("last audit row deleted",
     "DELETE FROM audit WHERE idx = (SELECT max(idx) FROM audit)"),
    ("token role raised",
     "UPDATE tokens SET role = 0 WHERE role = 3"),
    ("token row deleted",
     "DELETE FROM tokens WHERE rid = (SELECT min(rid) FROM tokens)"),
    ("token row added",
     "INSERT INTO tokens(hash, role, account, terminal, created, revoked) "
     "VALUES (x'%s', 0, '', '', 0, 0)" % hashlib.sha256(b"x").hexdigest()),
]


def copy_db(src, dst):
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(src + ext):
            shutil.copyfile(src + ext, dst + ext)


def verify_db(build, db, pub):
    p = subprocess.run([os.path.join(build, "bin", "leonet"), "audit",
                        "verify", db, "--key", pub], capture_output=True,
                       text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


def main(build):
    tmp = tempfile.mkdtemp(prefix="lnaudit-")
    try:
        with Daemon(build, seed="min") as d:
            op, _ = tokens_offline(d, ["operator", "auditor"])
            ok(d, "POST", "/v1/accounts/civil/suspend", op)
            d.stop()
            pristine = os.path.join(tmp, "pristine.db")
            copy_db(d.db, pristine)
            key, pub = d.db + ".logkey", d.db + ".logkey.pub"
            shutil.copyfile(key, os.path.join(tmp, "log.key"))
            shutil.copyfile(pub, os.path.join(tmp, "log.pub"))
            d.start()
        key, pub = os.path.join(tmp, "log.key"), os.path.join(tmp, "log.pub")
        rc, out = verify_db(build, pristine, pub)
        check(rc == 0, "the untouched database verifies", out)
        ctl = os.path.join(tmp, "control.db")
        copy_db(pristine, ctl)
        with Daemon(build, seed=False, db=ctl, args=["--log-key", key]):
            pass
        for i, (what, sql) in enumerate(TAMPERS):
            db = os.path.join(tmp, "t%d.db" % i)
            copy_db(pristine, db)
            c = sqlite3.connect(db)
            n = c.execute(sql).rowcount
            c.commit()
            c.close()
            check(n == 1, "%s: one row changed" % what, n)
            rc, so, se = serve_refused(build, db, ["--log-key", key])
            check(rc == 1 and MSG in se and "listening" not in so,
                  "%s: serve refused with exit 1" % what, rc, so, se[-800:])
            rc, out = verify_db(build, db, pub)
            check(rc == 1 and "does not match" in out,
                  "%s: leonet audit verify DB exits 1" % what, rc, out)
            print("ok: %s: %s" % (what, se.strip().splitlines()[-1][:160]))
        # not a key; another key than the log's
        bad = os.path.join(tmp, "bad.key")
        open(bad, "w").write("hello\n")
        rc, so, se = serve_refused(build, ctl, ["--log-key", bad])
        check(rc == 2 and bad in se and "not a private key" in se,
              "a bad key file named", rc, se)
        subprocess.run([os.path.join(build, "bin", "leonet"), "key", "new",
                        "--out", os.path.join(tmp, "other"), "--name",
                        "leonetd/log"], check=True, capture_output=True)
        rc, so, se = serve_refused(build, ctl, ["--log-key",
                                                os.path.join(tmp,
                                                             "other.key")])
        check(rc == 1 and MSG in se, "another key: refused", rc, se[-800:])
        # a witness key that is not a public key text: the start stops,
        # naming the list item
        cfg = os.path.join(tmp, "cfg.json")
        open(cfg, "w").write('{"witness-keys": ["%s", "nope"]}'
                             % open(pub).read().strip())
        rc, so, se = serve_refused(build, ctl, ["--log-key", key,
                                                "--config", cfg])
        check(rc == 2 and "witness-keys[1]" in se, "a bad witness key",
              rc, se)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok: %d tampers refused at start and by leonet audit verify DB"
          % len(TAMPERS))


if __name__ == "__main__":
    main(sys.argv[1])
