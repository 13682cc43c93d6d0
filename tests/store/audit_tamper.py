#!/usr/bin/python3
"""audit_tamper.py DB WHAT - edits a closed store's file behind its back
with Python's sqlite3, as an attacker with the file would, for the start
check's tests (test_verify.c). WHAT names the edit; exits 2 when the
edit changed nothing (the test's premise is wrong)."""
import hashlib
import sqlite3
import sys

EDITS = {
    "account-suspended":
        ["UPDATE accounts SET suspended = 1 - suspended WHERE id = 'defence'"],
    "account-name":
        ["UPDATE accounts SET name = 'Offence' WHERE id = 'defence'"],
    "token-insert":
        ["INSERT INTO tokens(hash, role, account, terminal, created, revoked)"
         " VALUES(randomblob(32), 0, '', '', 0, 0)"],
    "token-unrevoke":
        ["UPDATE tokens SET revoked = 0"],
    "zones-delete": ["DELETE FROM zones WHERE id = 'sea'"],
    "terminal-account":
        ["UPDATE terminals SET account = 'farm' WHERE id = 'UT2'"],
    "audit-delete": ["DELETE FROM audit WHERE idx = 3"],
    "audit-truncate":
        ["DELETE FROM audit WHERE idx = (SELECT max(idx) FROM audit)",
         "DELETE FROM audit_checkpoints WHERE size = "
         "(SELECT max(size) FROM audit_checkpoints)"],
    "checkpoint-root":
        ["UPDATE audit_checkpoints SET root = zeroblob(32) WHERE size = "
         "(SELECT max(size) FROM audit_checkpoints)"],
    "kill-insert":
        ["INSERT INTO kills(scope, id, granted, change, t)"
         " VALUES('account', 'farm', 1, 'chg-x', 0)"],
    "kill-delete": ["DELETE FROM kills WHERE id = 'defence'"],
    "change-state": ["UPDATE changes SET state = 2"],
    "nonce-delete": ["DELETE FROM nonces"],
    "contract-json":
        ["UPDATE contracts SET json = CAST('{}' AS BLOB)"],
    "plan-price": ["UPDATE plans SET monthly_usd = 499.99"],
}


def edit_entry(con, rehash):
    """Leaf 1's entry edited ("Defence" -> "Offence"); with rehash its
    stored leaf hash is recomputed too, as a careful attacker would."""
    e = bytes(con.execute("SELECT entry FROM audit WHERE idx = 1"
                          ).fetchone()[0])
    f = e.replace(b"Defence", b"Offence")
    if f == e:
        sys.exit(2)
    con.execute("UPDATE audit SET entry = ? WHERE idx = 1", (f,))
    if rehash:
        h = hashlib.sha256(b"\x00" + f).digest()
        con.execute("UPDATE audit SET leaf = ? WHERE idx = 1", (h,))


def main():
    db, what = sys.argv[1:3]
    con = sqlite3.connect(db)
    before = con.total_changes
    if what == "entry-edit":
        edit_entry(con, False)
    elif what == "entry-edit-rehash":
        edit_entry(con, True)
    else:
        for sql in EDITS[what]:
            con.execute(sql)
    changed = con.total_changes - before
    con.commit()
    con.close()
    return 0 if changed else 2


if __name__ == "__main__":
    sys.exit(main())
