"""test_faults_disk.py BUILD_DIR - leonetd on a full disk: telemetry writes
answer 503, reads go on, nothing acknowledged is lost, nothing is
half-written; once space is freed, writes are taken again.

The full disk (docs/faults.md says which one ran):
  - as root: the database folder is a 64 MiB tmpfs mounted in a private
    mount namespace (unshare -m, held by a `sleep` process; the daemon
    and its verbs run in it through nsenter; the file is read from
    outside as /proc/HOLDER/root/FOLDER/leonet.db). After the seed a
    filler file takes all the room, then gives back 384 KiB: the WAL
    fills after a few batches. Freeing: the filler is removed.
  - otherwise (or with LN_FAULTS_FSIZE=1): RLIMIT_FSIZE through prlimit
    (SIGXFSZ ignored, so a write past it fails with EFBIG) at the seeded
    file's size + 384 KiB: no file of the daemon's may grow past it.
    Freeing: the daemon is restarted without the limit.

Batches of 100 reports (distinct terminals, one seq per batch) are posted
one at a time until one is answered 503 (at most 3,000); then more writes
must answer 503 too, reads (authorization, /v1/accounts, an account's
usage, /public/v2/user-terminals, /healthz) 200; then space is freed and a write must succeed. After a
clean stop the file, read with Python's sqlite3: every acknowledged batch
exactly once, no batch partly stored, usage equal to the stored reports.
"""
import os, shutil, signal, stat, subprocess, sys, tempfile, time
from test_faults_common import (Daemon, check, consistent, finish, report,
                                snapshot)

BATCH = 100
FREE_KIB = 384


def batch_of(k):
    seq = 2_000_000 + k
    return [report("UT%08d" % ((k * 53 + i * 137) % 20000), seq,
                   lat=45 + (i % 70) / 10.0, lon=25 + (k % 150) / 10.0,
                   down=5000 + i, up=50)
            for i in range(BATCH)]


def wrapper(folder, real, prefix):
    """A fake build folder whose bin/leonetd runs real through prefix."""
    b = os.path.join(folder, "bin")
    os.makedirs(b, exist_ok=True)
    w = os.path.join(b, "leonetd")
    with open(w, "w") as f:
        f.write("#!/bin/sh\n%s\nexec %s %s \"$@\"\n" % (
            prefix[0], prefix[1], real))
    os.chmod(w, os.stat(w).st_mode | stat.S_IXUSR)
    return folder


class Tmpfs:
    """A tmpfs on a mkdtemp folder, mounted only in a private mount
    namespace held by a sleeping process."""

    def __init__(self, size_mib):
        self.dir = tempfile.mkdtemp(prefix="lnd-full-")
        self.holder = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             "mount -t tmpfs -o size=%dm tmpfs '%s' && echo ready &&"
             " exec sleep 3600" % (size_mib, self.dir)],
            stdout=subprocess.PIPE)
        line = self.holder.stdout.readline()
        if b"ready" not in line:
            self.holder.wait()
            os.rmdir(self.dir)
            raise RuntimeError("could not mount a tmpfs in a namespace")
        self.ns = ["nsenter", "-t", str(self.holder.pid), "-m", "--"]

    def outside(self, name):
        return "/proc/%d/root%s/%s" % (self.holder.pid, self.dir, name)

    def sh(self, cmd):
        return subprocess.run(self.ns + ["sh", "-c", cmd],
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)

    def fill(self):
        self.sh("dd if=/dev/zero of='%s/filler' bs=64k 2>/dev/null;"
                " truncate -s -%dK '%s/filler'" % (self.dir, FREE_KIB,
                                                   self.dir))
        print("tmpfs:", self.sh("df -k '%s' | tail -1" % self.dir)
              .stdout.decode().strip())

    def free(self):
        self.sh("rm -f '%s/filler'" % self.dir)

    def close(self):
        self.holder.kill()
        self.holder.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def post(d, tok, k):
    try:
        st, b = d.req("POST", "/v1/telemetry", tok,
                      body={"reports": batch_of(k)})
    except Exception as e:  # noqa: BLE001 (reported)
        return None, repr(e)
    return st, b


def reads(d, tok, what):
    for path in ("/v1/terminals/UT00000007/authorization?lat=48.5&lon=30.5",
                 "/v1/accounts", "/v1/accounts/civil/usage",
                 "/public/v2/user-terminals", "/healthz"):
        st, b = d.req("GET", path, tok)
        if st == 404 and "no such path" in str(b):
            print("note: %s is not in this build: skipped" % path)
            continue
        check(st == 200, "%s: GET %s answered %s %r" % (
            what, path, st, str(b)[:200]))


def main():
    build = sys.argv[1]
    real = os.path.abspath(os.path.join(build, "bin", "leonetd"))
    use_ns = os.geteuid() == 0 and os.environ.get("LN_FAULTS_FSIZE") != "1"
    fake = tempfile.mkdtemp(prefix="lnd-fakebuild-")
    fs = d = None
    if use_ns:
        # a chroot whose root is not a mount point (a debootstrap check)
        # refuses a private mount namespace: the file-size limit then
        # fills the disk instead, as for a user who is not root
        try:
            fs = Tmpfs(64)
        except RuntimeError as e:
            print("disk full: no private mount namespace here (%s): a"
                  " file-size limit instead" % e)
            use_ns = False
    try:
        if use_ns:
            print("disk full: a 64 MiB tmpfs in a private mount namespace")
            db = os.path.join(fs.dir, "leonet.db")
            r = subprocess.run(fs.ns + [real, "seed", "--db", db],
                               stdout=subprocess.DEVNULL)
            check(r.returncode == 0, "seed in the tmpfs failed")
            tok = subprocess.run(
                fs.ns + [real, "token", "create", "--db", db, "--role",
                         "operator"], stdout=subprocess.PIPE,
                check=True).stdout.decode().strip()
            fs.fill()
            outside_db = fs.outside("leonet.db")
            wrapper(fake, real, ("", " ".join(fs.ns)))
            d = Daemon(fake, db=db, seed=False)
        else:
            print("disk full: RLIMIT_FSIZE (prlimit), SIGXFSZ ignored")
            d = Daemon(build)
            tok = d.token("operator")
            d.stop()
            db = outside_db = d.db
            limit = max(os.path.getsize(db), 1 << 20) + FREE_KIB * 1024
            wrapper(fake, real, ("trap '' XFSZ",
                                 "prlimit --fsize=%d --" % limit))
            d.bin = os.path.join(fake, "bin", "leonetd")
            d.start()
        acked, sent, full_at = set(), set(), None
        for k in range(3000):
            sent.add(k)
            st, b = post(d, tok, k)
            if st is not None and 200 <= st < 300:
                acked.add(k)
                continue
            check(st == 503, "the first refused write: status %s %r, want"
                  " 503" % (st, str(b)[:300]))
            full_at = k
            break
        print("disk full after %d acknowledged batches" % len(acked))
        check(full_at is not None, "the disk never filled (3,000 batches)")
        if full_at is not None:
            for k in range(full_at + 1, full_at + 4):
                sent.add(k)
                st, b = post(d, tok, k)
                if st is not None and 200 <= st < 300:
                    acked.add(k)  # room may come back after a checkpoint
                else:
                    check(st == 503, "a write on the full disk: status %s"
                          % st)
            reads(d, tok, "disk full")
            # free the room: the next write is taken
            if fs:
                fs.free()
            else:
                d.stop()
                d.bin = real
                d.start()
            k = full_at + 10
            sent.add(k)
            ok = False
            for attempt in range(20):  # the store may retry its group
                st, b = post(d, tok, k)
                if st is not None and 200 <= st < 300:
                    ok = True
                    acked.add(k)
                    break
                time.sleep(0.25)
            check(ok, "after freeing space: the write answered %s %r" % (
                st, str(b)[:300]))
            reads(d, tok, "after freeing space")
        rc = d.stop(signal.SIGTERM)
        check(rc == 0, "leonetd's exit after SIGTERM: %s" % rc)
        s = snapshot(outside_db)
        try:
            consistent(s, "after the full disk", clean=True)
            cur = s.con.cursor()
            lost, partial = [], []
            for k in sorted(sent):
                n = cur.execute("SELECT count(*) FROM reports WHERE seq = ?",
                                (2_000_000 + k,)).fetchone()[0]
                if k in acked and n != BATCH:
                    lost.append((k, n))
                elif n not in (0, BATCH):
                    partial.append((k, n))
            check(not lost, "acknowledged batches lost (batch, rows): %r"
                  % lost[:5])
            check(not partial, "half-written batches: %r" % partial[:5])
        finally:
            s.close()
        d.close()
        d = None
    except BaseException:
        if d is not None:  # what the daemon said before it failed
            log = os.path.join(d.tmp, "stderr.log")
            if os.path.exists(log):
                sys.stderr.write(open(log, errors="replace").read()[-6000:])
        raise
    finally:
        if fs:
            fs.close()
        shutil.rmtree(fake, ignore_errors=True)
    finish("faults_disk")


if __name__ == "__main__":
    main()
