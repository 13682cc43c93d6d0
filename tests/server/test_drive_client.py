#!/usr/bin/env python3
"""test_drive_client.py - `leonet drive` against a stand-in daemon (Python's
http.server, stdlib only), for what a real leonetd cannot be made to do on
demand: answer 503 after storing a batch, drop every connection, refuse
the token. Checks, against values worked out by hand from the scenario
(tests/data/drive/drive-1h.json: 320 terminals, 15 s steps from
2022-10-09T00:00:00Z = 1665273600, account 'field' suspended from 00:20 to
00:40):

  - every terminal UT00000000..UT00000319 reports once per step, seq 0, 1,
    2, ... one more per step, t = 1665273600 + 15 * seq, in the report
    format of the ground rules (members and types);
  - a batch answered 503 after it was stored is sent again with the same
    seqs and the same content (the stand-in counts duplicates and finds no
    (terminal, seq) with two different bodies), and the drive ends with
    every report acknowledged;
  - the suspension reaches POST /v1/accounts/field/suspend after every
    report before 00:20 and before any at or after it; resume likewise
    at 00:40; the field account's reports in between carry no bytes;
  - a wrong token: exit 2, a message naming the token; no daemon: exit 3;
    a daemon that drops every connection: exit 3 after the retries; a URL
    that is not http(s): exit 2.

usage: test_drive_client.py LEONET_BIN SOURCE_DIR
"""
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading

T0 = 1665273600          # 2022-10-09T00:00:00Z
T_SUSPEND = T0 + 20 * 60
T_RESUME = T0 + 40 * 60
TOKEN = "lnt_test-token"


class State:
    def __init__(self, mode):
        self.mode = mode          # "ok", "flaky", "drop"
        self.lock = threading.Lock()
        self.stored = {}          # (terminal, seq) -> report (dict)
        self.dups = 0
        self.dups_answered = 0    # in batches answered 200
        self.conflicts = 0
        self.batches = 0
        self.log = []             # ("reports", min t, max t) / ("suspend", id)
        self.bad = []             # format problems seen


REPORT_KEYS = {"terminal": str, "seq": int, "t": (int, float),
               "lat": (int, float), "lon": (int, float),
               "alt_m": (int, float), "bytes_down": int, "bytes_up": int,
               "latency_ms": (int, float), "link": str}


def envelope(content, errors=()):
    return {"content": content, "errors": [
        {"memberNames": [], "errorMessage": e} for e in errors],
        "warnings": [], "information": [], "isValid": not errors}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as leonetd

    def log_message(self, *a):
        pass

    def answer(self, status, body):
        b = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def do_GET(self):
        if self.path == "/healthz":
            return self.answer(200, envelope({"status": "ok"}))
        self.answer(404, envelope(None, ["no such route"]))

    def do_POST(self):
        st = self.server.state
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.answer(401, envelope(None, ["no valid token"]))
        if self.path.startswith("/v1/accounts/"):
            parts = self.path.split("/")
            with st.lock:
                st.log.append((parts[4], parts[3]))
            return self.answer(200, envelope({"id": parts[3]}))
        if self.path != "/v1/telemetry":
            return self.answer(404, envelope(None, ["no such route"]))
        if st.mode == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        reps = json.loads(body)["reports"]
        res = []
        with st.lock:
            st.batches += 1
            nb = st.batches
            ts = []
            mine = 0                  # this batch's duplicates
            for r in reps:
                if set(r) != set(REPORT_KEYS) or not all(
                        isinstance(r[k], t) for k, t in REPORT_KEYS.items()):
                    st.bad.append(r)
                    continue
                key = (r["terminal"], r["seq"])
                if key in st.stored:
                    st.dups += 1
                    mine += 1
                    if st.stored[key] != r:
                        st.conflicts += 1
                    res.append({"terminal": key[0], "seq": key[1],
                                "status": "duplicate"})
                else:
                    st.stored[key] = r
                    res.append({"terminal": key[0], "seq": key[1],
                                "status": "stored"})
                ts.append(r["t"])
            if ts:
                st.log.append(("reports", min(ts), max(ts)))
        if st.mode == "flaky" and nb % 5 == 2:
            # stored, but the answer says the daemon failed: the drive
            # must send it again, unchanged
            return self.answer(503, envelope(None, ["try again"]))
        with st.lock:
            st.dups_answered += mine
        self.answer(200, envelope({"results": res}))


def serve(mode):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.state = State(mode)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, "http://127.0.0.1:%d" % srv.server_address[1]


def drive(leonet, scenario, url, *args, token=TOKEN):
    cmd = [leonet, "drive", scenario, "--to", url, "--threads", "2"]
    if token:
        cmd += ["--token", token]
    cmd += list(args)
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=600)


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)
    print("ok:", what)


def main():
    leonet, src = sys.argv[1], sys.argv[2]
    scenario = os.path.join(src, "tests", "data", "drive", "drive-1h.json")
    nt, nsteps = 320, 240          # the scenario: 300 fixed + 20 mobile

    # 1. the whole hour, a batch in five answered 503 after being stored
    srv, url = serve("flaky")
    p = drive(leonet, scenario, url, "--batch", "700", "--connections", "3")
    st = srv.state
    srv.shutdown()
    check(p.returncode == 0, "flaky daemon: drive exits 0 (%d: %s)" % (
        p.returncode, p.stderr[-500:]))
    check(not st.bad, "every report has the ground rules' members and "
          "types (%s)" % (st.bad[:1],))
    check(len(st.stored) == nt * nsteps,
          "%d x %d reports stored once each (%d)" % (nt, nsteps,
                                                     len(st.stored)))
    want = {("UT%08d" % i, k) for i in range(nt) for k in range(nsteps)}
    check(set(st.stored) == want, "terminals UT00000000..UT%08d, seq 0..%d"
          % (nt - 1, nsteps - 1))
    check(all(r["t"] == T0 + 15 * r["seq"] for r in st.stored.values()),
          "t = 2022-10-09T00:00:00Z + 15 s x seq")
    check(st.dups > 0 and st.conflicts == 0,
          "503'd batches sent again with the same seqs and content "
          "(%d duplicates, %d conflicts)" % (st.dups, st.conflicts))
    check("%d acknowledged" % (nt * nsteps) in p.stdout and
          "(%d duplicates)" % st.dups_answered in p.stdout,
          "the summary counts every report acknowledged and the "
          "duplicates: " + p.stdout.strip())
    # ordering of the suspension around the reports
    i_s = st.log.index(("suspend", "field"))
    i_r = st.log.index(("resume", "field"))
    before = [e for e in st.log[:i_s] if e[0] == "reports"]
    between = [e for e in st.log[i_s:i_r] if e[0] == "reports"]
    after = [e for e in st.log[i_r:] if e[0] == "reports"]
    check(all(e[2] < T_SUSPEND for e in before) and
          all(T_SUSPEND <= e[1] and e[2] < T_RESUME for e in between) and
          all(e[1] >= T_RESUME for e in after),
          "suspend after every report before 00:20 and before any after; "
          "resume likewise at 00:40")
    check(len([e for e in st.log if e[0] != "reports"]) == 2,
          "two account calls (suspend, resume)")
    # the field account (groups posts and units: terminals of account
    # field) sends no bytes while suspended; home terminals do
    home_bytes = sum(r["bytes_down"] for r in st.stored.values()
                     if T_SUSPEND <= r["t"] < T_RESUME)
    check(home_bytes > 0, "bytes flow during the suspension (home)")
    susp = [r for r in st.stored.values()
            if T_SUSPEND <= r["t"] < T_RESUME and r["bytes_down"] == 0]
    # 120 field terminals x 80 steps at least carry no bytes
    check(len(susp) >= 120 * 80, "the suspended account's reports carry "
          "no bytes (%d zero-byte reports in the window)" % len(susp))
    check(all(49.3 < r["lat"] < 50.7 and 35.3 < r["lon"] < 37.7
              for r in st.stored.values()),
          "positions inside the scenario's area (region box, tracks)")

    # 2. the wrong token
    srv, url = serve("ok")
    p = drive(leonet, scenario, url, "--duration", "60", token="lnt_wrong")
    srv.shutdown()
    check(p.returncode == 2 and "token" in p.stderr,
          "wrong token: exit 2, says so: " + p.stderr.strip()[-200:])

    # 3. a daemon that drops every telemetry connection: exit 3
    srv, url = serve("drop")
    p = drive(leonet, scenario, url, "--duration", "60", "--retries", "2")
    srv.shutdown()
    check(p.returncode == 3 and "after every retry" in p.stderr,
          "daemon gone: exit 3 after the retries: " + p.stderr.strip()[-200:])

    # 4. nobody listening: exit 3 at once
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = drive(leonet, scenario, "http://127.0.0.1:%d" % port, "--duration",
              "60", "--retries", "0")
    check(p.returncode == 3 and "no leonetd at" in p.stderr,
          "no daemon: exit 3: " + p.stderr.strip()[-200:])

    # 5. URLs that are not a daemon's
    for bad in ("ftp://127.0.0.1/", "127.0.0.1:8080", "http://"):
        p = drive(leonet, scenario, bad, "--duration", "60")
        check(p.returncode == 2 and "--to" in p.stderr,
              "bad URL %r: exit 2: %s" % (bad, p.stderr.strip()[-120:]))
    p = drive(leonet, scenario, url, "--speed", "0", "--duration", "60")
    check(p.returncode == 2 and "--speed" in p.stderr, "--speed 0: exit 2")


if __name__ == "__main__":
    main()
