"""test_faults_common.py - what the fault tests (test_faults_*.py) share:
raw HTTP over a socket (requests urllib would refuse or rewrite), the
envelope check, telemetry batches, and the outside reference for "never
half-written, never lost": the SQLite file read directly with Python's
sqlite3 (a copy of the database and its WAL, so that reading it changes
nothing of the daemon's), its integrity check, and the usage table
re-added from the stored reports.

Not a test itself (tests/server/harden.cmake registers the others).
"""
import json, os, shutil, socket, sqlite3, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lnd import Daemon  # noqa: E402,F401  (re-exported for the tests)

FAILS = []


def check(cond, what):
    """Records a failed expectation (the test goes on, exits 1 at the
    end) and prints it."""
    if not cond:
        FAILS.append(what)
        print("FAIL:", what, flush=True)
    return cond


def finish(name):
    if FAILS:
        print("%s: %d failure(s)" % (name, len(FAILS)))
        sys.exit(1)
    print("%s: ok" % name)


def raw(port, data, timeout=10):
    """Sends data (bytes) on a new connection, returns (status, headers
    dict, body bytes, closed_early). status None: the server closed
    without an answer; -1: no answer and no close within timeout s."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    closed_early = False
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            closed_early = True
        return read_answer(s) + (closed_early,)
    finally:
        s.close()


def read_answer(s):
    """(status, headers, body) of one HTTP/1.1 answer on socket s (body by
    Content-Length, or to EOF); status None when the peer closed first,
    -1 when it neither answered nor closed within the socket's timeout."""
    buf = b""
    try:
        while b"\r\n\r\n" not in buf:
            b = s.recv(65536)
            if not b:
                break
            buf += b
    except ConnectionResetError:
        pass
    except socket.timeout:
        if b"\r\n\r\n" not in buf:
            return -1, {}, buf
    if b"\r\n\r\n" not in buf:
        return None, {}, b""
    head, body = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return None, {}, buf
    hdr = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            hdr[k.strip().lower()] = v.strip()
    n = int(hdr.get("content-length", "-1"))
    try:
        while n < 0 or len(body) < n:
            b = s.recv(65536)
            if not b:
                break
            body += b
    except (ConnectionResetError, socket.timeout):
        pass
    return status, hdr, body[:n] if n >= 0 else body


def port_of(d):
    return int(d.url.rsplit(":", 1)[1])


def envelope_error(body, status, what, member=None):
    """Checks an error answer: Starlink's envelope, isValid false, an
    errorMessage; member (when given) is named in memberNames or the
    message."""
    try:
        j = json.loads(body) if isinstance(body, (bytes, str)) else body
    except ValueError:
        return check(False, "%s: answer is not JSON: %r" % (what, body[:200]))
    ok = check(isinstance(j, dict) and j.get("isValid") is False
               and isinstance(j.get("errors"), list) and j["errors"]
               and isinstance(j["errors"][0].get("errorMessage"), str),
               "%s: status %s, not an error envelope: %r" % (
                   what, status, str(j)[:300]))
    if ok and member:
        e = j["errors"][0]
        text = " ".join(e.get("memberNames") or []) + " " + e["errorMessage"]
        ok = check(member in text, "%s: the error does not name %r: %r" % (
            what, member, e))
    return ok


def report(terminal, seq, lat=48.5, lon=30.5, down=1000, up=100,
           t=1665273600, link="ok"):
    return {"terminal": terminal, "seq": seq, "t": t, "lat": lat,
            "lon": lon, "alt_m": 0, "bytes_down": down, "bytes_up": up,
            "latency_ms": 31.5, "link": link}


def snapshot(db):
    """A copy of the database file and its WAL in a fresh folder (the
    daemon's own files untouched), opened with sqlite3; the caller
    closes it. The copy's folder is removed with the connection's
    close_all()."""
    d = tempfile.mkdtemp(prefix="lnd-snap-")
    for ext in ("", "-wal"):
        if os.path.exists(db + ext):
            shutil.copyfile(db + ext, os.path.join(d, "s.db" + ext))
    c = sqlite3.connect(os.path.join(d, "s.db"))
    return Snap(c, d)


class Snap:
    def __init__(self, con, folder):
        self.con, self.folder = con, folder

    def q(self, sql, args=()):
        return self.con.execute(sql, args).fetchall()

    def close(self):
        self.con.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def shard(terminal):
    """The store's shard of a terminal (src/store/sqlite_fold.c): the top
    four bits of the FNV-1a 64-bit hash of its id (0 taken as 1)."""
    h = 0xcbf29ce484222325
    for c in terminal.encode():
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return (h or 1) >> 60


def consistent(snap, what, clean=False):
    """The outside reference for "never half-written".

    The store (src/store/sqlite_state.c, sqlite_fold.c) appends reports
    and folds them into usage, terminals and seqranges a shard of
    terminals at a time (16 shards by the id's hash), each shard with its
    mark (meta 'folded_pos.K': that shard's reports up to there are in
    the tables; schema 3 had one 'folded_pos'); all are folded at close,
    the rest is replayed at open. So, in the file:
      - SQLite's integrity check is ok;
      - no (terminal, seq) is stored twice (idempotency);
      - every usage row (account, terminal, UTC day) equals the sums over
        the folded reports: billed bytes, reports, denials (policy.h's
        reasons ZONE 1, SUSPENDED 2, KILL 3: a link outage is not one);
      - every folded report's seq lies in one of its terminal's
        seqranges;
      - after a clean stop (clean=True), everything is folded."""
    r = snap.q("PRAGMA integrity_check")
    check(r == [("ok",)], "%s: integrity_check %r" % (what, r[:3]))
    dup = snap.q("SELECT terminal, seq, count(*) FROM reports GROUP BY"
                 " terminal, seq HAVING count(*) > 1 LIMIT 3")
    check(not dup, "%s: reports stored twice: %r" % (what, dup))
    meta = dict(snap.q("SELECT key, value FROM meta"))
    marks = [meta.get("folded_pos.%d" % k, meta.get("folded_pos", 0))
             for k in range(16)]
    top = snap.q("SELECT coalesce(max(pos), 0) FROM reports")[0][0]
    if clean:
        check(min(marks) == top, "%s: after a clean stop the reports up to"
              " %d are folded, not all %d" % (what, min(marks), top))
    snap.con.create_function("lnmark", 1, lambda t: marks[shard(t)],
                             deterministic=True)
    folded = "pos <= lnmark(terminal)"
    want = {(a, t, int(day)): (b, n, den) for a, t, day, b, n, den in snap.q(
        "SELECT account, terminal, CAST(floor(t / 86400) AS INTEGER),"
        " sum(billed), count(*), sum(reason IN (1, 2, 3)) FROM reports"
        " WHERE %s GROUP BY 1, 2, 3" % folded)}
    have = {(a, t, d): (b, n, den) for a, t, d, b, n, den in snap.q(
        "SELECT account, terminal, day, bytes, reports, denied FROM usage")}
    bad = [(k, want.get(k), have.get(k)) for k in set(want) | set(have)
           if want.get(k) != have.get(k)]
    check(not bad, "%s: usage differs from the folded reports (%d rows),"
          " e.g. %r" % (what, len(bad), bad[:3]))
    out = snap.q("SELECT count(*) FROM reports r WHERE %s AND NOT EXISTS"
                 " (SELECT 1 FROM seqranges g WHERE g.terminal = r.terminal"
                 " AND r.seq BETWEEN g.lo AND g.hi)" % folded)
    check(out[0][0] == 0, "%s: %d folded reports outside their terminal's"
          " seqranges" % (what, out[0][0]))
    return marks, top


def stored(snap, pairs):
    """{(terminal, seq): count} for the given pairs."""
    out = {}
    cur = snap.con.cursor()
    for t, s in pairs:
        out[(t, s)] = cur.execute(
            "SELECT count(*) FROM reports WHERE terminal = ? AND seq = ?",
            (t, s)).fetchone()[0]
    return out


def wait_until(fn, secs, step=0.1):
    end = time.time() + secs
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(step)
    return fn()
