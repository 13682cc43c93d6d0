"""test_faults_conn.py BUILD_DIR - leonetd under hostile connections:

1. slowloris: clients that send their request one byte per second are cut
   once the connection timeout (conn-timeout, 2 s here, from the config
   file) has passed, whether they trickle the header or the body, while a
   normal client is answered all along;
2. 10,000 idle connections (RLIMIT_NOFILE raised for the test and the
   daemon it starts): the daemon keeps answering a normal client while
   they are open, and after they are gone.

"Cut" is seen from the client: the server closes the connection (EOF or
reset, with or without a 408 first) before the client has finished its
request. The bound on how long that may take is generous (the timeout
plus 20 s: the machine is shared), it is a behaviour, not a speed.
"""
import json, os, resource, socket, sys, threading, time
from test_faults_common import Daemon, check, finish, port_of

TIMEOUT_S = 2


class Normal(threading.Thread):
    """A well-behaved client: one GET /healthz every 0.2 s, on a new
    connection each time; counts answers and failures."""

    def __init__(self, d):
        super().__init__(daemon=True)
        self.d, self.ok, self.bad, self.stop = d, 0, [], False

    def run(self):
        while not self.stop:
            try:
                st, _ = self.d.req("GET", "/healthz")
                if st == 200:
                    self.ok += 1
                else:
                    self.bad.append(st)
            except Exception as e:  # noqa: BLE001 (counted, reported)
                self.bad.append(repr(e))
            time.sleep(0.2)


def slowloris(d, tok):
    port = port_of(d)
    normal = Normal(d)
    normal.start()
    head = (b"GET /v1/terminals/UT00000001/authorization?lat=48&lon=30"
            b" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok.encode()
            + b"\r\nX-Slow: " + b"s" * 200 + b"\r\n\r\n")
    body = json.dumps({"reports": []}).encode() + b" " * 200
    post = (b"POST /v1/telemetry HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + tok.encode() + b"\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body))
    limit = TIMEOUT_S + 20
    res = {}

    def one(name, data, skip):
        # skip: bytes sent at once before the trickle (the body case)
        res[name] = trickle_after(port, data, skip, limit)
    ths = [threading.Thread(target=one, args=a) for a in
           (("header", head, 0), ("body", post + body, len(post)))]
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    normal.stop = True
    normal.join()
    for name, (cut, sent, said) in res.items():
        check(cut is not None, "slowloris (%s): still connected after %d s"
              " (%d bytes sent one a second)" % (name, limit, sent))
        if said:
            check(said.startswith(b"HTTP/1.1 408") or
                  said.startswith(b"HTTP/1.1 4"),
                  "slowloris (%s): answered %r" % (name, said[:40]))
        print("slowloris %s: cut after %s s, %d bytes sent" % (
            name, cut and round(cut, 1), sent))
    check(normal.ok > 0 and not normal.bad,
          "a normal client during the slowloris: %d answers, failures %r"
          % (normal.ok, normal.bad[:5]))


def trickle_after(port, data, skip, limit):
    """Sends data[:skip] at once, then the rest one byte per second;
    returns (seconds until the server closed the connection, or None
    when it never did within limit, bytes sent, what the server said)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    if skip:
        s.sendall(data[:skip])
    s.setblocking(False)
    t0 = time.time()
    got = b""
    try:
        for i in range(skip, len(data)):
            if time.time() - t0 > limit:
                return None, i, got
            try:
                s.send(data[i:i + 1])
            except (BrokenPipeError, ConnectionResetError):
                return time.time() - t0, i, got
            end = time.time() + 1.0
            while time.time() < end:
                try:
                    b = s.recv(4096)
                    if not b:
                        return time.time() - t0, i + 1, got
                    got += b
                except BlockingIOError:
                    time.sleep(0.05)
                except ConnectionResetError:
                    return time.time() - t0, i + 1, got
        return None, len(data), got
    finally:
        s.close()


def idle_10k(build):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 24000
    if hard < want:
        try:  # root with CAP_SYS_RESOURCE may raise the hard limit
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
            hard = want
        except (ValueError, OSError):
            pass
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    n_idle = 10000
    if min(want, hard) < n_idle + 500:
        check(False, "RLIMIT_NOFILE hard limit %d is too low for 10,000"
              " connections (run as root or raise it)" % hard)
        return
    # a daemon with the default timeout (30 s): the idle ones stay
    with Daemon(build) as d:
        port = port_of(d)
        tok = d.token("operator")
        socks, refused = [], 0
        t0 = time.time()
        for i in range(n_idle):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=10)
                socks.append(s)
            except OSError:
                refused += 1
        print("idle: %d connections open (%d refused) in %.1f s" % (
            len(socks), refused, time.time() - t0))
        check(len(socks) == n_idle, "idle: only %d of %d connections"
              " opened" % (len(socks), n_idle))
        # half of them start a request and stop half-way
        for s in socks[::2]:
            try:
                s.send(b"GET /healthz HTTP/1.1\r\nHo")
            except OSError:
                pass
        ok = bad = 0
        for i in range(20):
            st, b = d.req("GET", "/v1/terminals/UT%08d/authorization"
                          "?lat=48.5&lon=30.5" % i, tok)
            if st == 200:
                ok += 1
            else:
                bad += 1
        check(ok == 20, "with 10,000 idle connections: %d of 20 answered"
              " (%d not 200)" % (ok, bad))
        # still open? (the daemon must not have dropped them wholesale:
        # they are within conn-max and the 30 s timeout)
        alive = 0
        for s in socks[1::2][:200]:
            try:
                s.setblocking(False)
                if s.recv(1) == b"":
                    pass
                else:
                    alive += 1
            except BlockingIOError:
                alive += 1
            except OSError:
                pass
        print("idle: %d of 200 sampled idle connections still open" % alive)
        for s in socks:
            s.close()
        st, _ = d.req("GET", "/healthz")
        check(st == 200, "after the 10,000 closed: /healthz %s" % st)


def main():
    build = sys.argv[1]
    with Daemon(build, args=()) as d0:
        # the config file: a 2 s connection timeout
        cfg = os.path.join(d0.tmp, "leonetd.json")
        with open(cfg, "w") as f:
            json.dump({"conn-timeout": TIMEOUT_S}, f)
        d0.stop()
        d0.args = ["--config", cfg]
        d0.start()
        tok = d0.token("operator")
        slowloris(d0, tok)
    idle_10k(build)
    finish("faults_conn")


if __name__ == "__main__":
    main()
