"""Operations: bad input, caps, /metrics as Prometheus text, the config
file's errors, SIGTERM drain.

Expected values are the rules themselves: HTTP's status codes (400, 404,
405, 413, 414), the envelope's member names, the Prometheus text format
0.0.4 grammar (name{label="v",...} value), a config error naming the
file, its line and the member.
"""
import os, re, signal, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(__file__))
from lnd import Daemon

SAMPLE = re.compile(
    r'^([a-zA-Z_:][a-zA-Z0-9_:]*)'
    r'(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"'
    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})?'
    r' ([-+]?(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|Inf)|NaN)$')
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def err_member(b):
    return b["errors"][0]["memberNames"], b["errors"][0]["errorMessage"]


def bad_input(d, op):
    T = "/v1/telemetry"
    cases = [  # body bytes, status, member, words in the message
        (b'{"reports": [', 400, "body", "line 1"),
        (b'{"reports": [{"terminal": "UT00000001", "seq": "7"}]}', 400,
         "reports[0].seq", "integer"),
        (b'{"reports": [], "extra": 1}', 400, "extra", "unknown"),
        (b'{"reports": [{"terminal": "UT00000001", "seq": 1, "t": 1,'
         b' "lat": 1, "lon": 1, "colour": "red"}]}', 400,
         "reports[0].colour", "unknown"),
        (b'{"reports": [{"terminal": "UT00000001", "seq": 1, "t": 1,'
         b' "lat": 91, "lon": 1}]}', 400, "reports[0].lat", "range"),
        (b'{"reports": [{"terminal": "\xff\xfe", "seq": 1}]}', 400, "body",
         ""),
        (b'[]', 400, "body", "object"),
        (b'', 400, "body", ""),
        (b'{"reports": {"terminal": "UT00000001"}}', 400, "reports",
         "array"),
    ]
    for raw, st0, member, words in cases:
        st, b, _ = d.raw("POST", T, op, raw,
                         {"Content-Type": "application/json"})
        import json
        j = json.loads(b)
        assert st == st0 and j["isValid"] is False, (raw, st, b)
        names, msg = err_member(j)
        assert names == [member] and words in msg, (raw, names, msg)
    # the line and column of a member in a multi-line body
    body = b'{\n  "reports": [\n    {"terminal": "UT00000001",\n' \
           b'     "seq": -3}\n  ]\n}'
    st, b, _ = d.raw("POST", T, op, body)
    assert st == 400 and b"line 4" in b, b


def caps_and_paths(d, op):
    st, b, _ = d.raw("POST", "/v1/telemetry", op, b"x" * 5000)
    assert st == 413 and b'"isValid":false' in b, (st, b)
    # no Content-Length: the cap holds while the chunks arrive
    st, b, _ = d.raw("POST", "/v1/telemetry", op,
                     iter([b"y" * 1000] * 6),
                     {"Transfer-Encoding": "chunked"}, chunked=True)
    assert st == 413 and b'"memberNames":["body"]' in b, (st, b)
    st, b, _ = d.raw("GET", "/v1/terminals/UT00000001/authorization?q=" +
                     "a" * 1500, op)
    assert st == 414 and b'"isValid":false' in b, (st, b)
    for p in ["/v1/../metrics", "/v1/terminals/%2e%2e/authorization",
              "/v1/terminals/UT%2F1/authorization", "/v1/./telemetry",
              "/v1/terminals/a%00b/authorization",
              "/v1/terminals/%zz/authorization"]:
        st, b, _ = d.raw("GET", p, op)
        assert st == 400 and b'"memberNames":["path"]' in b, (p, st, b)
    st, b, _ = d.raw("GET", "/v1/nothing-here", op)
    assert st == 404 and b'"isValid":false' in b, (st, b)
    st, b, _ = d.raw("DELETE", "/v1/telemetry", op)
    assert st == 405 and b'"isValid":false' in b, (st, b)
    # percent-encoded but legal: the same terminal
    st, b, _ = d.raw("GET", "/v1/terminals/UT%30%30000001/authorization", op)
    assert st == 200 and b'"terminal":"UT00000001"' in b, (st, b)
    st, b, _ = d.raw("GET", "/v1/terminals/UT00000001/authorization"
                     "?lat=95&lon=1", op)
    assert st == 400 and b'"memberNames":["lat"]' in b, (st, b)


def metrics(d, op):
    st, text = d.req("GET", "/metrics", op)
    assert st == 200, st
    names = set()
    buckets = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split(" ")
            assert typ in TYPES, line
            continue
        if line.startswith("# HELP ") or not line:
            continue
        m = SAMPLE.match(line)
        assert m, "not Prometheus text: %r" % line
        names.add(m.group(1))
        if m.group(1).endswith("_bucket"):
            key = re.sub(r',?le="[^"]*"', "", m.group(2) or "")
            buckets.setdefault((m.group(1), key), []).append(
                float(m.group(3).replace("Inf", "inf")))
    for k, v in buckets.items():
        assert v == sorted(v), (k, v)  # cumulative
    for want in ("leonetd_requests_total", "leonetd_request_seconds_bucket",
                 "leonetd_decisions_total", "leonetd_ingest_lag_seconds_sum",
                 "leonetd_store_commit_seconds_sum"):
        assert want in names, (want, names)
    assert re.search(r'leonetd_requests_total\{route="v1_telemetry",'
                     r'method="POST",code="4xx"\} [1-9]', text), text
    # one series per label set
    keys = [l.rsplit(" ", 1)[0] for l in text.splitlines()
            if l and not l.startswith("#")]
    assert len(keys) == len(set(keys)), "a series twice"



def config_errors(build):
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "c.json")
        with open(cfg, "w") as f:
            f.write('{\n  "threads": 2,\n  "body-maxx": 10\n}\n')
        r = subprocess.run([os.path.join(build, "bin", "leonetd"), "serve",
                            "--db", os.path.join(tmp, "x.db"), "--config",
                            cfg], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        e = r.stderr.decode()
        assert r.returncode == 2, (r.returncode, e)
        assert cfg + ":3:" in e and "body-maxx" in e, e
        assert r.stdout == b""


def drain(d, op):
    """A request in flight when SIGTERM comes is answered; then the
    daemon exits 0 and its rows are in the store."""
    import json
    body = json.dumps({"reports": [
        {"terminal": "UT00000003", "seq": 100 + i, "t": 1665273600 + i,
         "lat": 50.45, "lon": 30.52, "bytes_down": 1, "bytes_up": 1}
        for i in range(200)]}).encode()
    host, port = d.url.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)), timeout=60)
    s.sendall(("POST /v1/telemetry HTTP/1.1\r\nHost: x\r\nAuthorization: "
               "Bearer %s\r\nContent-Type: application/json\r\n"
               "Content-Length: %d\r\n\r\n" % (op, len(body))).encode())
    s.sendall(body[:100])
    time.sleep(0.2)  # the request line is in: the daemon counts it
    d.proc.send_signal(signal.SIGTERM)
    for _ in range(200):  # until the listening socket is closed
        try:
            c = socket.create_connection((host, int(port)), timeout=5)
            c.close()
            time.sleep(0.05)
        except OSError:
            break
    else:
        raise AssertionError("still accepting after SIGTERM")
    s.sendall(body[100:])
    resp = b""
    while b"\r\n\r\n" not in resp or not resp.rstrip().endswith(b"}"):
        chunk = s.recv(65536)
        if not chunk:
            break
        resp += chunk
    s.close()
    assert resp.startswith(b"HTTP/1.1 200"), resp[:200]
    assert b'"stored":200' in resp, resp[:300]
    rc = d.proc.wait(timeout=60)
    assert rc == 0, rc
    d.proc = None
    import sqlite3
    con = sqlite3.connect("file:%s?mode=ro" % d.db, uri=True)
    n = con.execute("SELECT count(*) FROM reports WHERE terminal = "
                    "'UT00000003'").fetchone()[0]
    con.close()
    assert n == 200, n


def idle_and_slow(d):
    """10,000 idle connections and a slowloris client (half a request,
    never finished): the daemon still answers a new client, and drops
    the slow one after conn-timeout (here 2 s; waited for up to 60)."""
    import resource, urllib.request
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    n = min(10000, hard - 200)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    host, port = d.url.split("//")[1].split(":")
    socks = [socket.create_connection((host, int(port)), timeout=60)
             for _ in range(n)]
    slow = socket.create_connection((host, int(port)), timeout=60)
    slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    with urllib.request.urlopen(d.url + "/healthz", timeout=60) as f:
        assert f.status == 200
    socks[-1].sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert socks[-1].recv(12) == b"HTTP/1.1 200"
    assert slow.recv(100) == b""  # closed by the daemon, no answer
    for s in socks:
        s.close()
    slow.close()
    print("%d idle connections held, slow client dropped" % n)


def main(build):
    config_errors(build)
    with Daemon(build, seed="min", args=["--conn-timeout", "2"]) as d:
        idle_and_slow(d)
    with Daemon(build, seed="min", args=["--body-max", "4096",
                                         "--url-max", "1024"]) as d:
        op = d.token("operator")
        bad_input(d, op)
        caps_and_paths(d, op)
        st, b = d.req("GET", "/healthz")  # still answering
        assert st == 200 and b["content"]["status"] == "ok", b
        metrics(d, op)
    with Daemon(build, seed="min") as d:
        drain(d, d.token("operator"))


if __name__ == "__main__":
    main(sys.argv[1])
    print("ok")
