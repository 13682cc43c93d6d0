#!/usr/bin/env python3
"""trust_sim.py - contracts and change requests in `leonet run` (issue 15).

    trust_sim.py LEONET DATA_DIR WORK_DIR

The built-in scenario ukraine-2022 protects the defence account with a
contract and, at 12:00 UTC, replays the operator alone trying to switch it
off; ukraine-2022-kill-granted carries both signatures. Runs are shortened
as the other sim tests do (--terminals) and, so that 12:00 falls inside a
short run, start at 11:30 for one hour (a copy of the scenario with only
start and duration_s changed: the contract, request and signatures are the
built-in ones).

Oracles outside leonet: the signatures and the request's head binding are
checked here with python3-cryptography and hashlib over canonical JSON
computed by Python (json.dumps with sorted keys, no spaces, raw UTF-8: the
same bytes as RFC 8785 for these integer-only documents); the audit log's
root and its signed checkpoint are recomputed here (RFC 9162 hashing,
C2SP signed note); the served counts are compared with a run of the same
scenario without the request.
"""
import base64
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PublicKey

LEONET, DATA, WORK = sys.argv[1:4]
SC = os.path.join(DATA, "scenarios")
fails = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails.append(what)


def canon(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def pubkey(path):
    text = open(path).read().strip()
    name, hexid, b64 = text.split("+", 2)
    raw = base64.b64decode(b64)
    assert raw[0] == 1 and len(raw) == 33
    kid = hashlib.sha256(name.encode() + b"\n\x01" + raw[1:]).digest()[:4]
    check(kid.hex() == hexid, f"{os.path.basename(path)}: key id "
          "recomputed (signed-note)")
    return name, kid, Ed25519PublicKey.from_public_bytes(raw[1:])


def verify_line(line, key, msg):
    name, kid, pk = key
    assert line.startswith("\u2014 ")
    lname, b64 = line[2:].split(" ")
    raw = base64.b64decode(b64)
    if lname != name or raw[:4] != kid:
        return False
    try:
        pk.verify(raw[4:], msg)
        return True
    except Exception:
        return False


def scenario_copy(name, out, edit=None):
    s = json.load(open(os.path.join(SC, name + ".json")))
    s["start"] = "2022-10-09T11:30:00Z"
    s["duration_s"] = 3600
    if edit:
        edit(s)
    p = os.path.join(WORK, out + ".json")
    json.dump(s, open(p, "w"), indent=1)
    return p


def run(path, out):
    d = os.path.join(WORK, out)
    r = subprocess.run([LEONET, "run", path, "--terminals", "600",
                        "--quiet", "--output", d],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"run {out}: exit 0 ({r.stderr.strip()})")
    summ = json.load(open(os.path.join(d, "summary.json")))
    rows = list(csv.DictReader(open(os.path.join(d, "events.csv"))))
    return d, summ, rows


def lost_by(rows, reason):
    return [r for r in rows if r["event"] == "lost" and r["reason"] == reason]


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)

# ---- the signatures and the head, independently ---------------------------
contract = json.load(open(os.path.join(SC, "ukraine-2022",
                                       "contract-defence.json")))
request = json.load(open(os.path.join(SC, "ukraine-2022",
                                      "kill-request.json")))
keys = {n: pubkey(os.path.join(SC, "keys", n + ".pub"))
        for n in ("operator", "customer", "leonet-sim-log")}
leaf0 = hashlib.sha256(b"\0" + canon(contract)).digest()
check(request["head"] == {"size": 1,
                          "root": base64.b64encode(leaf0).decode()},
      "request bound to the log head after the contract (size 1, "
      "root = SHA-256(0x00 || canonical contract))")
msg = b"leonet-change-request/v1\n" + canon(request)
built = json.load(open(os.path.join(SC, "ukraine-2022.json")))
granted = json.load(open(os.path.join(SC, "ukraine-2022-kill-granted.json")))
sig1 = built["change_requests"][0]["signatures"]
sig2 = granted["change_requests"][0]["signatures"]
check(len(sig1) == 1 and verify_line(sig1[0], keys["operator"], msg),
      "built-in: one signature, the operator's, valid over the canonical "
      "request")
check(not verify_line(sig1[0], keys["customer"], msg),
      "built-in: it is not the customer's")
check(len(sig2) == 2 and verify_line(sig2[0], keys["operator"], msg) and
      verify_line(sig2[1], keys["customer"], msg),
      "kill-granted: operator's and customer's signatures valid")
same = {k: v for k, v in built.items()
        if k not in ("name", "description", "change_requests")}
same2 = {k: v for k, v in granted.items()
         if k not in ("name", "description", "change_requests")}
check(same == same2, "kill-granted is the built-in scenario but for its "
      "name, description and signatures")

# ---- the refused attempt --------------------------------------------------
p_ref = scenario_copy("ukraine-2022", "refused")
p_none = scenario_copy("ukraine-2022", "norequest",
                       lambda s: s.update(change_requests=[]))
d1, s1, r1 = run(p_ref, "refused")
d0, s0, r0 = run(p_none, "norequest")
ch = s1.get("changes", [])
check(len(ch) == 1 and ch[0]["effect"] == "refused" and
      ch[0]["reason"] == "threshold-not-met" and
      ch[0]["signers"] == ["operator"] and ch[0]["kind"] == "kill" and
      ch[0]["targets"] == ["defence"] and
      ch[0]["contract"] == "ukraine-defence-2022" and
      ch[0]["t"] == "2022-10-09T12:00:00Z",
      "summary.json: the refused kill with reason threshold-not-met, "
      "signed by the operator only")
row = [r for r in r1 if r["event"].startswith("change-")]
check(len(row) == 1 and row[0]["event"] == "change-refused" and
      row[0]["reason"].startswith("threshold-not-met") and
      "ukraine-defence-2022" in row[0]["reason"] and
      row[0]["account"] == "defence" and
      row[0]["time"] == "2022-10-09T12:00:00Z",
      "events.csv: a change-refused row at 12:00 with the reason and "
      "the contract")
check(s1["accounts"]["defence"] == s0["accounts"]["defence"] and
      s1["total"] == s0["total"],
      "defence served counts unchanged by the refused attempt (vs the "
      "run without it)")
check([r for r in r1 if not r["event"].startswith("change-")] == r0,
      "events.csv otherwise identical to the run without the request")
check(not lost_by(r1, "kill-switch"), "no kill-switch loss")

# ---- the audit log ---------------------------------------------------------
lines = open(os.path.join(d1, "audit.log")).read().splitlines()
check(lines[0] == "leonet-log v1", "audit.log: bundle header")
leaves = [base64.b64decode(x[5:]) for x in lines if x.startswith("leaf ")]
check(leaves[0] == canon(contract), "leaf 0 = the contract's canonical "
      "JSON (as Python computes it)")
rec = json.loads(leaves[1])
check(rec["type"] == "change" and rec["request"] == request and
      rec["verdict"]["effect"] == "refused" and
      rec["verdict"]["reason"] == "threshold-not-met",
      "leaf 1 = the request with its verdict")
h = [hashlib.sha256(b"\0" + x).digest() for x in leaves]
root = hashlib.sha256(b"\1" + h[0] + h[1]).digest()
check(s1["audit"] == {"size": 2, "root": base64.b64encode(root).decode()},
      "summary.json audit {size, root} = RFC 9162 root recomputed")
note = base64.b64decode([x for x in lines
                         if x.startswith("checkpoint ")][0][11:]).decode()
cut = note.index("\n\n") + 1
text, sigs = note[:cut], note[cut + 1:]
check(text == "leonet.example/sim/ukraine-2022\n2\n%s\n" %
      base64.b64encode(root).decode(), "checkpoint text (C2SP)")
check(verify_line(sigs.strip(), keys["leonet-sim-log"], text.encode()),
      "checkpoint signed by the log key (verified in Python)")
r = subprocess.run([LEONET, "audit", "verify", os.path.join(d1, "audit.log"),
                    "--key", os.path.join(SC, "keys", "leonet-sim-log.pub")],
                   capture_output=True, text=True)
check(r.returncode == 0, "leonet audit verify OUT/audit.log --key passes")

# ---- the granted request -------------------------------------------------
p_gr = scenario_copy("ukraine-2022-kill-granted", "granted")
d2, s2, r2 = run(p_gr, "granted")
ch = s2.get("changes", [])
check(len(ch) == 1 and ch[0]["effect"] == "granted" and
      sorted(ch[0]["signers"]) == ["customer", "operator"],
      "kill-granted: the change is granted, signed by both")
k = lost_by(r2, "kill-switch")
check(k and all(x["account"] == "defence" for x in k),
      "kill-switch losses for defence only")
check(k and all(x["time"] >= "2022-10-09T12:00:00Z" for x in k),
      "no kill-switch loss before 12:00")
before = [x for x in r2 if x["time"] < "2022-10-09T12:00:00Z"]
check(before == [x for x in r0 if x["time"] < "2022-10-09T12:00:00Z"],
      "before 12:00 the run is the same as without the request")
out = s2["accounts"]["defence"]["outage_minutes"]["kill-switch"]
check(out > 0 and all(s2["accounts"][a]["outage_minutes"]["kill-switch"]
                      == 0 for a in ("civil", "donated")),
      "kill-switch outage minutes: defence only")

# ---- an operator acting alone through policy_events -----------------------
p_ev = scenario_copy("ukraine-2022", "events", lambda s: s.update(
    policy_events=[{"at": "2022-10-09T11:45:00Z", "account": "*",
                    "action": "kill"}], change_requests=[]))
d3, s3, r3 = run(p_ev, "events")
k = lost_by(r3, "kill-switch")
check(k and {x["account"] for x in k} == {"civil", "donated"},
      "policy_events kill of every account: civil and donated down, "
      "defence (protected) up")
check(s3["accounts"]["defence"]["outage_minutes"]["kill-switch"] == 0 and
      s3["accounts"]["civil"]["outage_minutes"]["kill-switch"] > 0,
      "kill-switch outage minutes: civil yes, defence none")

# ---- a contract by region (integer coordinates: canonical JSON) -------------
BOX = (47, 35, 51, 39)  # lat0, lon0, lat1, lon1: Kharkiv to Zaporizhzhia


def region_contract(s):
    c = json.loads(json.dumps(contract))
    c["contract"] = "east-box"
    c["scope"] = {"region": {"type": "Polygon", "coordinates": [[
        [BOX[1], BOX[0]], [BOX[3], BOX[0]], [BOX[3], BOX[2]],
        [BOX[1], BOX[2]], [BOX[1], BOX[0]]]]}}
    s.update(contracts=[c], change_requests=[], policy_events=[
        {"at": "2022-10-09T11:45:00Z", "account": "*", "action": "kill"}])


p_rg = scenario_copy("ukraine-2022", "region", region_contract)
d5, s5, r5 = run(p_rg, "region")
k = lost_by(r5, "kill-switch")


def inside(x, m=0.02):  # events round positions to 0.01 deg
    la, lo = float(x["lat"]), float(x["lon"])
    return BOX[0] - m <= la <= BOX[2] + m and BOX[1] - m <= lo <= BOX[3] + m


check(k and not any(inside(x, -0.02) for x in k),
      "region contract: no kill-switch loss inside the region, %d outside"
      % len(k))

# ---- bad members name the member and the line -----------------------------
def bad(name, edit, want_path):
    s = json.load(open(os.path.join(SC, "ukraine-2022.json")))
    s["contracts"] = [json.loads(json.dumps(contract))]
    s["change_requests"][0]["request"] = json.loads(json.dumps(request))
    edit(s)
    p = os.path.join(WORK, name + ".json")
    open(p, "w").write(json.dumps(s, indent=1, ensure_ascii=False))
    r = subprocess.run([LEONET, "scenario", "check", p],
                       capture_output=True, text=True)
    err = r.stderr.strip()
    # "FILE:LINE:COL: member: why"
    parts = err.split(": ", 2)
    loc = parts[1].split(":") if len(parts) > 2 else []
    check(r.returncode == 2 and want_path in err and len(loc) == 3 and
          loc[1].isdigit() and int(loc[1]) > 1,
          f"{name}: refused naming {want_path} and a line ({err})")


def bad_k(s):
    s["contracts"][0]["thresholds"][0]["require"][0]["k"] = 3


def bad_key(s):
    s["contracts"][0]["parties"][1]["keys"] = ["customer+00000000+AAAA"]


def bad_req(s):
    s["change_requests"][0]["request"]["kind"] = "explode"


def bad_sig(s):
    s["change_requests"][0]["signatures"] = ["- operator AAAA"]


def bad_acc(s):
    s["change_requests"][0]["request"]["target"] = {"accounts": ["navy"]}


def bad_audit(s):
    s["audit"]["key"] = "scenarios/keys/leonet-sim-log.pub"


def bad_file(s):
    c = json.loads(json.dumps(contract))
    c["thresholds"][1]["kind"] = "explode"
    p = os.path.join(WORK, "bad-contract-file.json")
    open(p, "w").write(json.dumps(c, indent=2))
    s["contracts"] = [{"file": p}]


bad("bad-audit-key", bad_audit, "audit.key")
bad("bad-k", bad_k, "contracts[0].thresholds[0].require[0]")
bad("bad-key", bad_key, "contracts[0].parties[1].keys[0]")
bad("bad-request", bad_req, "change_requests[0].request")
bad("bad-signature", bad_sig, "change_requests[0].signatures[0]")
bad("bad-account", bad_acc, "change_requests[0].request.target.accounts[0]")
bad("bad-file", bad_file, "contracts[0].thresholds[1]")
err = subprocess.run([LEONET, "scenario", "check",
                      os.path.join(WORK, "bad-file.json")],
                     capture_output=True, text=True).stderr
check("bad-contract-file.json:" in err,
      "a contract file's error names that file (%s)" % err.strip())

# ---- a scenario without contracts writes what it wrote before -------------
p_plain = scenario_copy("ukraine-2022", "plain", lambda s: [
    s.pop(k) for k in ("contracts", "change_requests", "audit")])
d4, s4, r4 = run(p_plain, "plain")
check("changes" not in s4 and "audit" not in s4 and
      not os.path.exists(os.path.join(d4, "audit.log")),
      "no contracts: no changes, no audit, no audit.log")

print("%d failure(s)" % len(fails))
sys.exit(1 if fails else 0)
