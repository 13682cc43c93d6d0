"""test_v2_routes.py - docs/api/leonetd.yaml and the daemon's route table
(`leonetd routes`) say the same: every route is an operation of the yaml
with the same permission, roles and Starlink mark, and every operation of
a part that is in this build (x-part) is a route. A route added without
its entry in the yaml fails here, naming it (and every test that calls
it fails in openapi_check).

    python3 test_v2_routes.py BUILD_DIR
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import openapi_check as oc  # noqa: E402


def norm(pattern):
    return re.sub(r"\{[^}]*\}", "{}", pattern)


def main():
    build = sys.argv[1]
    out = subprocess.run([os.path.join(build, "bin", "leonetd"), "routes"],
                         check=True, stdout=subprocess.PIPE).stdout.decode()
    routes = [json.loads(x) for x in out.splitlines() if x.strip()]
    parts = {r["part"] for r in routes}
    spec = oc.load()
    ops = {}
    for path, item in spec["paths"].items():
        for m, op in item.items():
            if m in oc.METHODS:
                ops[(m.upper(), norm(path))] = (path, op)
    bad = []
    seen = set()
    for r in routes:
        k = (r["method"], norm(r["pattern"]))
        seen.add(k)
        if k not in ops:
            bad.append("%s %s (part %s): not in leonetd.yaml"
                       % (r["method"], r["pattern"], r["part"]))
            continue
        path, op = ops[k]
        name = "%s %s" % (r["method"], path)
        if op.get("x-part") != r["part"]:
            bad.append("%s: x-part %r, the route's part is %r"
                       % (name, op.get("x-part"), r["part"]))
        if op.get("x-permission") != r["permission"]:
            bad.append("%s: x-permission %r, the route's is %r"
                       % (name, op.get("x-permission"), r["permission"]))
        if r["permission"] is not None and \
                set(op.get("x-roles", [])) != set(r["roles"]):
            bad.append("%s: x-roles %s, the route's %s"
                       % (name, sorted(op.get("x-roles", [])),
                          sorted(r["roles"])))
        if bool(op.get("x-starlink")) != bool(r["starlink"]):
            bad.append("%s: x-starlink %r, the route's starlink %r"
                       % (name, op.get("x-starlink"), r["starlink"]))
    for k, (path, op) in sorted(ops.items()):
        if k not in seen and op.get("x-part") in parts:
            bad.append("%s %s: in leonetd.yaml (part %s) but no such route"
                       % (k[0], path, op.get("x-part")))
    assert not bad, "leonetd.yaml vs leonetd routes:\n  " + "\n  ".join(bad)
    print("ok: %d routes of parts %s match leonetd.yaml"
          % (len(routes), ", ".join(sorted(parts))))


if __name__ == "__main__":
    main()
