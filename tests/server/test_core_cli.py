"""leonetd's command line: -h / -V (the version CMake was given), exit
status 0 / 2 as `leonet`, and `token create`: the token's shape (lnt_ +
base64url of 32 bytes = 43 characters) and what the store keeps of it
(the SHA-256 of the token text, computed here with hashlib, read from the
SQLite file directly; never the token itself).
"""
import base64, hashlib, os, re, sqlite3, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
from lnd import Daemon


def run(build, *args):
    r = subprocess.run([os.path.join(build, "bin", "leonetd")] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def main(build, version):
    rc, out, _ = run(build, "-V")
    assert rc == 0 and out == "leonetd %s\n" % version, (rc, out)
    rc, out, _ = run(build, "--help")
    assert rc == 0 and "token create" in out and "serve" in out, out
    for verb in ("serve", "routes"):
        rc, out, _ = run(build, verb, "--help")
        assert rc == 0 and out.startswith("usage: leonetd " + verb), out
    rc, out, _ = run(build, "token", "create", "--help")
    assert rc == 0 and out.startswith("usage: leonetd token create"), out
    rc, out, err = run(build, "frobnicate")
    assert rc == 2 and out == "" and "frobnicate" in err, (rc, err)
    rc, _, err = run(build)
    assert rc == 2
    rc, _, err = run(build, "serve", "--db")
    assert rc == 2 and "--db" in err, err
    rc, _, err = run(build, "serve", "--db", "x", "--threads", "many")
    assert rc == 2 and "threads" in err, err
    with Daemon(build, seed="min") as d:
        db = d.db
        tokens = [d.token("operator"), d.token("auditor"),
                  d.token("customer", account="civil"),
                  d.token("terminal", terminal="UT00000005")]
        for t in tokens:
            assert re.fullmatch(r"lnt_[A-Za-z0-9_-]{43}", t), t
            raw = base64.urlsafe_b64decode(t[4:] + "=")
            assert len(raw) == 32
        assert len(set(tokens)) == 4
        for args, words in [
                (("--role", "king"), "role"),
                (("--role", "customer"), "account"),
                (("--role", "customer", "--account", "nobody"),
                 "no such account"),
                (("--role", "terminal", "--terminal", "UT99999999"),
                 "no such terminal"),
                (("--role", "operator", "--account", "civil"), "account")]:
            rc, out, err = run(build, "token", "create", "--db", db, *args)
            assert rc == 2 and out == "" and words in err, (args, rc, err)
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        stored = {bytes(h) for (h,) in con.execute("SELECT hash FROM tokens")}
        cols = [r[1] for r in con.execute("PRAGMA table_info(tokens)")]
        every = [bytes(v) if isinstance(v, bytes) else str(v)
                 for row in con.execute("SELECT * FROM tokens") for v in row]
        con.close()
        assert stored == {hashlib.sha256(t.encode()).digest()
                          for t in tokens}, (stored, cols)
        for t in tokens:  # the secret itself is nowhere in the table
            assert not any(t[4:] in str(v) for v in every)
        st, b = d.req("GET", "/v1/terminals/UT00000005/authorization",
                      tokens[3])
        assert st == 200, (st, b)
        ipv6(build, db)


def ipv6(build, db):
    """--listen [::1]:0 serves over IPv6 (skipped where the machine has no
    ::1, e.g. a container without IPv6)."""
    import json, socket, urllib.request
    try:
        with socket.socket(socket.AF_INET6) as so:
            so.bind(("::1", 0))
    except OSError:
        print("skip ipv6: no ::1 here")
        return
    rc, _, err = run(build, "serve", "--db", db, "--listen", "[::1:80")
    assert rc == 2 and "IPv6" in err, (rc, err)
    p = subprocess.Popen([os.path.join(build, "bin", "leonetd"), "serve",
                          "--db", db, "--listen", "[::1]:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = p.stdout.readline().decode()
        m = re.fullmatch(r"leonetd: listening on (http://\[::1\]:\d+)\n",
                         line)
        assert m, line
        with urllib.request.urlopen(m.group(1) + "/healthz", timeout=30) as r:
            assert json.load(r)["content"]["status"] == "ok"
    finally:
        p.terminate()
        assert p.wait(timeout=60) == 0


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
    print("ok")
