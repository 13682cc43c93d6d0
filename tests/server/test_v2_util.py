"""test_v2_util.py - what the /public/v2 tests share (not a test itself).

    db = seeded_db(build, tmp, n)   `leonetd seed-min --terminals n` with the
                                    built-in scenario's two deny zones
    report(term, seq, t, ...)       one /v1/telemetry report
    ingest(d, tok, reports)         POST /v1/telemetry, checked 200

The seed-min world (src/leonetd/token.c, tests/server/lnd.py): accounts
"defence", "civil", "donated" (suspended), plan "residential" ($110 a
terminal and month, nothing included, no overage price), one line each
"SL-<account>", terminals UT00000000.. dealt round-robin: terminal i is
on account ("defence", "civil", "donated")[i % 3] and its line.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import lnd  # noqa: E402

ACCOUNTS = ("defence", "civil", "donated")
KYIV = (50.45, 30.52)          # free territory: allowed
SIMFEROPOL = (44.95, 34.10)    # Crimea: the "crimea" zone denies (89)


def account_of(i):
    return ACCOUNTS[i % 3]


def count_of(account, n):
    """Terminals of an account among n dealt round-robin."""
    k = ACCOUNTS.index(account)
    return len(range(k, n, 3))


def ut(i):
    return "UT%08d" % i


def seeded_db(build, tmp, n=12):
    db = os.path.join(tmp, "leonet.db")
    cmd = [os.path.join(build, "bin", "leonetd"), "seed-min", "--db", db,
           "--terminals", str(n)]
    for zid, path in lnd.ZONES.items():
        cmd += ["--zone", zid + "=" + path]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return db


def report(term, seq, t, where=KYIV, down=0, up=0, latency=30.0,
           link="ok"):
    return {"terminal": term, "seq": seq, "t": t, "lat": where[0],
            "lon": where[1], "alt_m": 0, "bytes_down": down,
            "bytes_up": up, "latency_ms": latency, "link": link}


def ingest(d, tok, reports):
    st, b = d.req("POST", "/v1/telemetry", tok, {"reports": reports})
    assert st == 200, (st, b)
    return b["content"]


def expect(got, want, what):
    if got != want:
        raise AssertionError("%s: want %r, got %r" % (what, want, got))
