"""test_v2_drive.py - the issue's end to end: `leonet drive` sends a
short built-in day (scaled to 60 terminals, 5 minutes) into leonetd, and a
client written for Starlink's API (starlink_client.py) reads the
customer's terminals and drains the telemetry stream. What it reads is
checked against the SQLite file read directly: the same terminals, every
stored report of the account exactly once, each with its stored alert
code, named as Starlink names it.

    python3 test_v2_drive.py BUILD_DIR
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lnd  # noqa: E402
from starlink_client import StarlinkClient  # noqa: E402
from test_v2_util import expect  # noqa: E402

NAMES = {89: "disabled_cell_is_disabled", 95: "disabled_account_disabled"}


def main():
    build = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="v2d-")
    try:
        db = os.path.join(tmp, "leonet.db")
        subprocess.run([os.path.join(build, "bin", "leonetd"), "seed",
                        "--db", db, "--terminals", "60"], check=True,
                       stdout=subprocess.DEVNULL)
        with lnd.Daemon(build, seed=False, db=db) as d:
            op = d.token("operator")
            subprocess.run([os.path.join(build, "bin", "leonet"), "drive",
                            "--to", d.url, "--token", op, "--duration",
                            "300", "--terminals", "60", "--quiet"],
                           check=True)
            for account in ("civil", "defence"):
                c = StarlinkClient(d.url, d.token("customer",
                                                  account=account),
                                   on_answer=lambda *a: d.answers.append(a))
                con = sqlite3.connect(db)
                want_uts = [r[0] for r in con.execute(
                    "SELECT id FROM terminals WHERE account = ? ORDER BY id",
                    (account,))]
                want = sorted((r[0], int(round(r[1] * 1e9)), r[2])
                              for r in con.execute(
                    "SELECT terminal, t, alert FROM reports "
                    "WHERE account = ?", (account,)))
                con.close()
                assert want, "drive stored no %s report" % account
                got_uts = [u["userTerminalId"] for u in c.user_terminals()]
                expect(got_uts, want_uts, "%s's terminals" % account)
                rows = c.drain_telemetry(batch_size=100)
                got = sorted((r["DeviceId"], r["UtcTimestampNs"],
                              r["ActiveAlert"][0] if r["ActiveAlert"] else 0)
                             for r in rows)
                expect(got, want, "%s's reports, each once, with their "
                       "alerts" % account)
                for r in rows:
                    for code, name in zip(r["ActiveAlert"], r["alerts"]):
                        if code in NAMES:
                            expect(name, NAMES[code], "alert %d" % code)
                print("ok %s: %d terminals, %d rows" % (
                    account, len(got_uts), len(rows)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
