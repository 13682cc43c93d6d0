"""test_faults_kill.py BUILD_DIR - kill -9 leonetd during a telemetry load,
restart it: every batch that got a 2xx is in the database exactly once,
no batch is half-written, usage equals the stored reports.

Four client threads post batches of 100 reports (each batch: 100 distinct
terminals, one seq shared by the batch, unique over the test) as fast as
the daemon takes them; after 30 acknowledged batches (or 15 s) the daemon
gets SIGKILL. With the daemon down, the SQLite file (a copy of it and its
WAL) is read with Python's sqlite3, the outside reference:
  - every report of every acknowledged batch: present exactly once;
  - every batch sent (acknowledged or not): all of its reports or none
    (a group commit is all-or-nothing, store.h);
  - usage rows = sums over the folded reports (consistent()).
Then the daemon is restarted on the same file: every acknowledged batch
sent again is answered 2xx, and after a clean stop every batch sent is
in the file exactly once, usage still equal to the stored reports
(idempotent by (terminal, seq): nothing stored or billed twice).
"""
import signal, sys, threading, time
from test_faults_common import (Daemon, check, consistent, finish, report,
                                snapshot)

BATCH = 100
THREADS = 4


def batch_of(k):
    """Batch k: terminals (k * 37 + i) mod 20,000, seq 1,000,000 + k."""
    seq = 1_000_000 + k
    return [report("UT%08d" % ((k * 37 + i * 131) % 20000), seq,
                   lat=44 + (i % 85) / 10.0, lon=22 + (k % 185) / 10.0,
                   down=1000 + i, up=10 + k % 100)
            for i in range(BATCH)]


def main():
    build = sys.argv[1]
    with Daemon(build) as d:
        tok = d.token("operator")
        lock = threading.Lock()
        acked, sent, answers = set(), set(), []
        nxt = [0]
        stop = threading.Event()

        def client():
            while not stop.is_set():
                with lock:
                    k = nxt[0]
                    nxt[0] += 1
                    sent.add(k)
                try:
                    st, b = d.req("POST", "/v1/telemetry", tok,
                                  body={"reports": batch_of(k)})
                except Exception:  # noqa: BLE001 (the daemon was killed)
                    continue
                with lock:
                    answers.append(st)
                    if 200 <= st < 300:
                        acked.add(k)
        ths = [threading.Thread(target=client, daemon=True)
               for _ in range(THREADS)]
        for t in ths:
            t.start()
        end = time.time() + 15
        while time.time() < end and len(acked) < 30:
            time.sleep(0.01)
        d.proc.send_signal(signal.SIGKILL)
        d.proc.wait()
        d.proc = None
        stop.set()
        for t in ths:
            t.join(timeout=70)
        print("killed after %d acknowledged of %d sent batches; statuses"
              " %s" % (len(acked), len(sent), sorted(set(answers))))
        check(len(acked) > 0, "no batch acknowledged before the kill")
        check(all(200 <= a < 300 for a in answers),
              "non-2xx answers during the load: %r" % sorted(set(answers)))
        check_file(d.db, acked, sent, "after kill -9")

        # restart on the same file
        d.start()
        for k in sorted(sent):
            st, b = d.req("POST", "/v1/telemetry", tok,
                          body={"reports": batch_of(k)})
            check(200 <= st < 300, "resend of batch %d: status %s" % (k, st))
        d.stop()
        check_file(d.db, sent, sent, "after restart and resend", clean=True)
    finish("faults_kill")


def check_file(db, acked, sent, what, clean=False):
    s = snapshot(db)
    try:
        consistent(s, what, clean)
        cur = s.con.cursor()
        missing, partial = [], []
        for k in sorted(sent):
            rows = batch_of(k)
            seq = rows[0]["seq"]
            n = cur.execute("SELECT count(*) FROM reports WHERE seq = ?",
                            (seq,)).fetchone()[0]
            # distinct terminals in the batch (i * 131 mod 20,000 repeats
            # none for i < 100)
            if k in acked and n != BATCH:
                missing.append((k, n))
            elif n not in (0, BATCH):
                partial.append((k, n))
        check(not missing, "%s: acknowledged batches not stored exactly"
              " once (batch, rows): %r" % (what, missing[:5]))
        check(not partial, "%s: half-written batches (batch, rows): %r" % (
            what, partial[:5]))
        print("%s: %d batches checked, %d acknowledged" % (
            what, len(sent), len(acked)))
    finally:
        s.close()


if __name__ == "__main__":
    main()
