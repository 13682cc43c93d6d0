"""lnd.py - start a leonetd for a test and talk to it (Python stdlib only).

    from lnd import Daemon
    with Daemon(build_dir) as d:            # temp DB, seeded, port 0
        tok = d.token("operator")
        status, body = d.req("GET", "/public/v2/account", tok)

seed="min" seeds with the hidden `leonetd seed-min` instead (three
accounts defence, civil, donated (suspended), service lines SL-<account>,
terminals UT00000000..UT00000011 round-robin over them at 50.45 N
30.52 E, and the built-in scenario's two deny zones "crimea" and
"occupied-2022-08-31", priority 10). d.routes() lists every operation
(`leonetd routes`).

`leonetd serve --listen 127.0.0.1:0` prints, first on stdout,
"leonetd: listening on http://127.0.0.1:PORT" (then the logs go to
stderr); Daemon reads the port from it. Every answer received is kept in
d.answers as (method, path, status, body-bytes, content-type); on close,
when tests/server/openapi_check.py exists, every JSON answer is checked
against docs/api/leonetd.yaml and a mismatch fails the test.
"""
import json, os, shutil, subprocess, sys, tempfile, urllib.request, urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "data")
# the built-in scenario's deny zones (data/scenarios/ukraine-2022.json)
ZONES = {"crimea": os.path.join(DATA, "geo", "crimea_ne10m.geojson"),
         "occupied-2022-08-31": os.path.join(
             DATA, "geo", "occupied_deepstate_20220831_ne10m.geojson")}


class Daemon:
    def __init__(self, build_dir, scenario=None, seed=True, args=(), db=None):
        self.bin = os.path.join(build_dir, "bin", "leonetd")
        self.tmp = tempfile.mkdtemp(prefix="lnd-")
        self.db = db or os.path.join(self.tmp, "leonet.db")
        self.answers = []
        if seed == "min":
            cmd = [self.bin, "seed-min", "--db", self.db]
            for zid, path in ZONES.items():
                cmd += ["--zone", zid + "=" + path]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        elif seed:
            cmd = [self.bin, "seed", "--db", self.db]
            if scenario:
                cmd += ["--scenario", scenario]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        self.args = list(args)
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            [self.bin, "serve", "--db", self.db, "--listen", "127.0.0.1:0"]
            + self.args, stdout=subprocess.PIPE, stderr=open(
                os.path.join(self.tmp, "stderr.log"), "ab"))
        line = self.proc.stdout.readline().decode()
        if "listening on" not in line:
            raise RuntimeError("leonetd did not start: %r, stderr %s" % (
                line, open(os.path.join(self.tmp, "stderr.log")).read()))
        self.url = line.split("listening on", 1)[1].strip()

    def stop(self, sig=None):
        if self.proc and self.proc.poll() is None:
            if sig is None:
                self.proc.terminate()
            else:
                self.proc.send_signal(sig)
            self.proc.wait(timeout=60)
        rc = self.proc.returncode if self.proc else 0
        self.proc = None
        return rc

    def token(self, role, account=None, terminal=None):
        cmd = [self.bin, "token", "create", "--db", self.db, "--role", role]
        if account:
            cmd += ["--account", account]
        if terminal:
            cmd += ["--terminal", terminal]
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE)
        return out.stdout.decode().strip()

    def routes(self):
        """Every operation, as `leonetd routes` lists them (dicts)."""
        out = subprocess.run([self.bin, "routes"], check=True,
                             stdout=subprocess.PIPE)
        return [json.loads(l) for l in out.stdout.decode().splitlines()
                if l.strip()]

    def stderr(self):
        with open(os.path.join(self.tmp, "stderr.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def req(self, method, path, token=None, body=None, headers=None,
            raw=None):
        """(status, parsed JSON or text) of one request."""
        data = raw if raw is not None else (
            None if body is None else json.dumps(body).encode())
        r = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            r.add_header("Authorization", "Bearer " + token)
        if data is not None:
            r.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            r.add_header(k, v)
        try:
            with urllib.request.urlopen(r, timeout=60) as f:
                status, ctype, b = f.status, f.headers.get(
                    "Content-Type", ""), f.read()
        except urllib.error.HTTPError as e:
            status, ctype, b = e.code, e.headers.get("Content-Type", ""), \
                e.read()
        self.answers.append((method, path, status, b, ctype))
        if ctype.startswith("application/json"):
            return status, json.loads(b)
        return status, b.decode("utf-8", "replace")

    def raw(self, method, path, token=None, data=None, headers=None,
            chunked=False):
        """(status, body bytes, headers) of one request sent as is
        (http.client: the path is not normalised or quoted); chunked:
        data (an iterable of bytes) goes with Transfer-Encoding: chunked."""
        import http.client
        host = self.url.split("//", 1)[1]
        c = http.client.HTTPConnection(host, timeout=60)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        c.request(method, path, body=data, headers=h,
                  encode_chunked=chunked)
        r = c.getresponse()
        b = r.read()
        c.close()
        self.answers.append((method, path, r.status, b,
                             r.getheader("Content-Type", "")))
        return r.status, b, dict(r.getheaders())

    def close(self):
        rc = self.stop()
        if rc != 0:  # SIGTERM ends the daemon with 0; else it crashed,
            # or a sanitizer found something at exit
            sys.stderr.write(self.stderr()[-8000:])
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise AssertionError("leonetd exited with %s" % rc)
        check = os.path.join(HERE, "openapi_check.py")
        if os.path.exists(check):
            sys.path.insert(0, HERE)
            import openapi_check
            openapi_check.check_all(self.answers)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            self.stop()
            sys.stderr.write(open(os.path.join(self.tmp, "stderr.log"))
                             .read()[-4000:])
            shutil.rmtree(self.tmp, ignore_errors=True)
            return False
        self.close()
        return False
