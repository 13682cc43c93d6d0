"""test_v2_starlink_client.py - a client written for Starlink's API
(starlink_client.py: Starlink's paths, fields and envelope only) pointed
at leonetd: it lists the customer's terminals and service lines, reads
its data usage, and drains the telemetry stream; what it reads is
checked against what this test seeded and sent (worked out by hand), and
every answer it got against docs/api/leonetd.yaml.

    python3 test_v2_starlink_client.py BUILD_DIR
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lnd  # noqa: E402
from starlink_client import StarlinkClient, StarlinkError  # noqa: E402
from test_v2_util import (KYIV, SIMFEROPOL, expect, ingest, report,  # noqa
                          seeded_db, ut)

T0 = 1665273600  # 2022-10-09T00:00:00Z


def main():
    build = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="v2c-")
    try:
        db = seeded_db(build, tmp, 24)   # civil: 1, 4, ..., 22 (8)
        with lnd.Daemon(build, seed=False, db=db) as d:
            tok = d.token("customer", account="civil")
            c = StarlinkClient(d.url, tok,
                               on_answer=lambda *a: d.answers.append(a))
            expect(c.account()["accountNumber"], "civil", "account")
            uts = c.user_terminals()
            expect([u["userTerminalId"] for u in uts],
                   [ut(i) for i in range(1, 24, 3)], "civil's terminals")
            expect({u["serviceLineNumber"] for u in uts}, {"SL-civil"},
                   "their line")
            expect([s["serviceLineNumber"] for s in c.service_lines()],
                   ["SL-civil"], "lines")
            # what the terminals report (the operator's side, /v1)
            sent = [report(ut(1), 1, T0, KYIV, 3000000000, 0),
                    report(ut(4), 1, T0 + 15, SIMFEROPOL, 5000000000, 0),
                    report(ut(2), 1, T0, KYIV, 7000000000, 0),   # donated
                    report(ut(22), 1, T0 + 30, KYIV, 1000000000, 0),
                    report(ut(1), 2, T0 + 86400, KYIV, 2000000000, 0)]
            ingest(d, d.token("operator"), sent)
            rows = c.drain_telemetry(batch_size=2)
            expect([(r["DeviceId"], r["UtcTimestampNs"] // 10**9,
                     r["alerts"]) for r in rows],
                   [(ut(1), T0, []),
                    (ut(4), T0 + 15, ["disabled_cell_is_disabled"]),
                    (ut(22), T0 + 30, []),
                    (ut(1), T0 + 86400, [])],
                   "the civil rows, in order, once; Crimea's alert named")
            expect(c.drain_telemetry(), [], "nothing more")
            use = c.data_usage()
            days = [(x["date"][:10], round(x["standardGB"], 9))
                    for x in use[0]["billingCycles"][-1]["dailyDataUsage"]]
            expect(days, [("2022-10-09", 4.0), ("2022-10-10", 2.0)],
                   "usage per day (3 + 1 GB, Crimea not billed; 2 GB)")
            # a terminal token is refused as Starlink refuses: 403
            t = StarlinkClient(d.url, d.token("terminal", terminal=ut(1)),
                               on_answer=lambda *a: d.answers.append(a))
            try:
                t.user_terminals()
                raise AssertionError("a terminal token listed terminals")
            except StarlinkError as e:
                expect(e.status, 403, "terminal token")
        print("ok starlink client")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
