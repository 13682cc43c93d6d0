"""test_v2_stream.py - POST /public/v2/telemetry/stream is lossless
(docs/api-stream.md): rows come column-indexed with Starlink's column and
alert names; a consumer that drops an answer without acknowledging gets
the same rows again; none comes again after an acknowledgement; the
cursor survives a restart of the daemon; a consumer sending only
Starlink's fields gets every row exactly once; a customer reads only its
own account's rows; retention deletes old reports (read from SQLite
directly). Also POST /public/v2/telemetry/query (the latest values).

    python3 test_v2_stream.py BUILD_DIR
"""
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lnd  # noqa: E402
from test_v2_util import (KYIV, SIMFEROPOL, account_of, expect, ingest,  # noqa
                          report, seeded_db, ut)

# Starlink's names, by hand: the user-terminal columns leonetd gives (a
# subset of Starlink's list) and the alert codes the decisions use.
COLUMNS = ["DeviceType", "UtcTimestampNs", "DeviceId", "DownlinkThroughput",
           "UplinkThroughput", "PingLatencyMsAvg", "H3CellId", "ActiveAlert"]
STARLINK_UT_COLUMNS = {
    "DeviceType", "UtcTimestampNs", "DeviceId", "DownlinkThroughput",
    "UplinkThroughput", "PingDropRateAvg", "PingLatencyMsAvg",
    "ObstructionPercentTime", "Uptime", "SignalQuality", "H3CellId",
    "SecondsUntilSwupdateRebootPossible", "RunningSoftwareVersion",
    "CountryCode", "InTerritorialWaters", "ActiveAlert"}
ALERTS = {"89": "disabled_cell_is_disabled",
          "95": "disabled_account_disabled",
          "83": "disabled_blocked_country",
          "55": "disabled_no_active_account",
          "50": "ethernet_slow_10mbps",
          "97": "data_overage_rate_limited"}

T0 = 1665273600  # 2022-10-09T00:00:00Z


def reports(n):
    """n reports over the 12 seeded terminals, 15 s apart; every fifth in
    Crimea (denied, 89); the donated account is suspended (95)."""
    out = []
    for k in range(n):
        i = k % 12
        where = SIMFEROPOL if k % 5 == 4 else KYIV
        out.append(report(ut(i), k // 12 + 1, T0 + 15 * k, where,
                          down=1875000 * (k + 1), up=375000,
                          latency=20.0 + k))
    return out


def want_alert(k, i):
    if account_of(i) == "donated":
        return [95]
    return [89] if k % 5 == 4 else []


def poll(d, tok, ack=None, body=None):
    path = "/public/v2/telemetry/stream"
    if ack is not None:
        path += "?ack=%s" % ack
    st, b = d.req("POST", path, tok, body if body is not None
                  else {"batchSize": 10, "maxLingerMs": 15000})
    assert st == 200, (st, b)
    c = b["content"]
    expect(set(c), {"data", "metadata"}, "stream content")
    cols = c["data"]["columnNamesByDeviceType"]["u"]
    expect(cols, COLUMNS, "column names")
    assert set(cols) <= STARLINK_UT_COLUMNS
    names = c["metadata"]["enums"]["AlertsByDeviceType"]["u"]
    for code, name in ALERTS.items():
        expect(names.get(code), name, "alert %s" % code)
    expect(c["metadata"]["enums"]["DeviceType"]["u"], "UserTerminal",
           "device type")
    acks = [x for x in b["information"] if x.startswith("ack=")]
    assert len(acks) == 1, b["information"]
    rows = [dict(zip(cols, v)) for v in c["data"]["values"]]
    return rows, int(acks[0][4:])


def key(row):
    return (row["DeviceId"], row["UtcTimestampNs"])


def check_rows(rows, sent):
    """Each row against the report it came from (by terminal and time)."""
    by = {(r["terminal"], r["t"] * 10**9): (k, r) for k, r in
          enumerate(sent)}
    for row in rows:
        k, r = by[key(row)]
        expect(row["DeviceType"], "u", "device type")
        # Mbit/s over the 15 s reporting period: bytes x 8 / 1e6 / 15
        expect(round(row["DownlinkThroughput"], 6),
               round(r["bytes_down"] * 8 / 1e6 / 15, 6), "downlink")
        expect(round(row["UplinkThroughput"], 6), 0.2, "uplink (375000 B)")
        expect(row["PingLatencyMsAvg"], r["latency_ms"], "latency")
        assert re.fullmatch(r"[0-9a-f]{15}", row["H3CellId"]), row
        expect(row["ActiveAlert"], want_alert(k, int(r["terminal"][2:])),
               "alerts of report %d" % k)


def test_explicit(d, tok, sent):
    rows, a1 = poll(d, tok, ack=0)
    expect(len(rows), 10, "first batch")
    check_rows(rows, sent)
    # the consumer "crashes": it drops the answer and asks again
    again, a1b = poll(d, tok, ack=0)
    expect([key(r) for r in again], [key(r) for r in rows],
           "the same rows after a crash")
    expect(a1b, a1, "the same ack")
    got = [key(r) for r in rows]
    rows, a2 = poll(d, tok, ack=a1)
    expect(len(rows), 10, "second batch")
    assert not set(got) & {key(r) for r in rows}, "repeated after ack"
    got += [key(r) for r in rows]
    # a retried acknowledgement of the first batch moves nothing back
    same, _ = poll(d, tok, ack=a1)
    expect([key(r) for r in same], got[10:], "stale ack")
    err = d.req("POST", "/public/v2/telemetry/stream?ack=%d" % (a2 + 1000),
                tok, {})
    assert err[0] == 400 and "ack" in err[1]["errors"][0]["memberNames"]
    # the daemon restarts: the cursor is durable
    d.stop()
    d.start()
    rows, a3 = poll(d, tok, ack=a2)
    got += [key(r) for r in rows]
    rows, a4 = poll(d, tok, ack=a3)
    expect((rows, a4), ([], a3), "nothing left, ack unchanged")
    expect(sorted(got), sorted((r["terminal"], r["t"] * 10**9)
                               for r in sent), "every row exactly once")


def test_starlink_mode(d, tok, sent):
    """Only Starlink's fields: each request acknowledges the one before."""
    got = []
    for _ in range(10):
        rows, _ = poll(d, tok)
        if not rows:
            break
        got += [key(r) for r in rows]
    expect(len(got), len(set(got)), "no row twice")
    expect(sorted(got), sorted((r["terminal"], r["t"] * 10**9)
                               for r in sent), "every row")
    rows, _ = poll(d, tok, body={})
    expect(rows, [], "an empty body: the defaults, nothing new")


def test_scope(d, tok_civil, sent):
    rows, _ = poll(d, tok_civil, body={"batchSize": 65000})
    want = sorted((r["terminal"], r["t"] * 10**9) for r in sent
                  if account_of(int(r["terminal"][2:])) == "civil")
    expect(sorted(key(r) for r in rows), want, "civil's rows only")
    expect(len(want), 10, "by hand: 30 reports, terminals 1, 4, 7, 10")


def test_bad(d, tok, tok_term):
    for body, member in (({"batchSize": 0}, "batchSize"),
                         ({"batchSize": 65001}, "batchSize"),
                         ({"maxLingerMs": 65001}, "maxLingerMs"),
                         ({"batchSize": "10"}, "batchSize"),
                         ({"cursor": 3}, "cursor")):
        st, b = d.req("POST", "/public/v2/telemetry/stream", tok, body)
        assert st == 400 and member in b["errors"][0]["memberNames"], b
    st, b = d.req("POST", "/public/v2/telemetry/stream?ack=x", tok, {})
    assert st == 400 and b["errors"][0]["memberNames"] == ["ack"], b
    st, b = d.req("POST", "/public/v2/telemetry/stream", tok_term, {})
    assert st == 403, (st, b)


def test_query(d, tok, tok_civil, sent):
    st, b = d.req("POST", "/public/v2/telemetry/query", tok, {})
    assert st == 200, b
    latest = b["content"]["u"]
    # by hand: 30 reports, terminal i's last is report 24 + i (i < 6) or
    # 12 + i (i >= 6)
    expect(sorted(latest), [ut(i) for i in range(12)], "every terminal")
    for i in range(12):
        k = 24 + i if i < 6 else 12 + i
        row = latest[ut(i)]
        expect(set(row), set(COLUMNS), "query columns")
        expect(row["UtcTimestampNs"], (T0 + 15 * k) * 10**9,
               "latest of %s" % ut(i))
        expect(row["ActiveAlert"], want_alert(k, i), "alerts %s" % ut(i))
    st, b = d.req("POST", "/public/v2/telemetry/query", tok_civil)
    expect(sorted(b["content"]["u"]), [ut(1), ut(4), ut(7), ut(10)],
           "civil's latest")
    st, b = d.req("POST", "/public/v2/telemetry/query", tok,
                  {"deviceIds": []})
    assert st == 400 and b["errors"][0]["memberNames"] == ["deviceIds"]


def test_retention(build, tmp):
    """retention 3600 s: after a batch whose newest row is 2 h after the
    first reports, those are gone from SQLite."""
    cfg = os.path.join(tmp, "leonetd.json")
    with open(cfg, "w") as f:
        json.dump({"retention": 3600}, f)
    db = seeded_db(build, os.path.join(tmp, "r"), 12)
    with lnd.Daemon(build, seed=False, db=db, args=["--config", cfg]) as d:
        op = d.token("operator")
        sent = [report(ut(1), 1, T0), report(ut(1), 2, T0 + 60),
                report(ut(1), 3, T0 + 7200), report(ut(1), 4, T0 + 7260)]
        ingest(d, op, sent)
        rows, _ = poll(d, op, body={"batchSize": 100})
        expect(len(rows), 4, "all four delivered first")
        con = sqlite3.connect(db)
        ts = sorted(r[0] for r in con.execute("SELECT t FROM reports"))
        con.close()
        expect(ts, [T0 + 7200, T0 + 7260],
               "reports older than 3600 s before the newest are gone")


def main():
    build = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="v2s-")
    try:
        db = seeded_db(build, tmp, 12)
        with lnd.Daemon(build, seed=False, db=db) as d:
            op = d.token("operator")
            sent = reports(30)
            ingest(d, op, sent)
            test_explicit(d, d.token("auditor"), sent)
            print("ok test_explicit")
            test_starlink_mode(d, d.token("operator"), sent)
            print("ok test_starlink_mode")
            test_scope(d, d.token("customer", account="civil"), sent)
            print("ok test_scope")
            test_bad(d, op, d.token("terminal", terminal=ut(3)))
            print("ok test_bad")
            test_query(d, op, d.token("customer", account="civil"), sent)
            print("ok test_query")
        os.makedirs(os.path.join(tmp, "r"))
        test_retention(build, tmp)
        print("ok test_retention")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
