"""Every operation with every role, no token and a bad token (docs/api.md,
"Roles"): the list comes from `leonetd routes`, so operations the other
parts add are tried too.

Expected, from the ground rules (not from the daemon's output):
  no token, a malformed or an unknown token   -> 401
  a role the route does not list              -> 403
  a role it lists                             -> neither 401 nor 403
  an open route (permission null)             -> never 401 / 403
and every answer, error included, is the ServiceResponse envelope
(content, errors[{memberNames, errorMessage}], warnings, information,
isValid) unless it is text (metrics, page, SSE).
Scope (core's routes): a customer or terminal naming another account's
terminal gets 404, the same answer as a terminal that does not exist; a
terminal token reporting for another terminal gets 403.
"""
import json, re, sys
sys.path.insert(0, __import__("os").path.dirname(__file__))
from lnd import Daemon

ENVELOPE = {"content", "errors", "warnings", "information", "isValid"}
# a terminal of another account than the customer's and the terminal's
OTHER = "UT00000000"          # account defence
MINE = "UT00000001"           # account civil


def fill(pattern):
    """A concrete path: every {x} segment gets an id of the other
    account (or a number where the name says so)."""
    def one(m):
        n = m.group(1).lower()
        if "terminal" in n or n in ("id", "deviceid", "userterminalid"):
            return OTHER
        if "line" in n or n == "n":
            return "SL-defence"
        if "account" in n:
            return "defence"
        return "x1"
    return re.sub(r"\{([^}]+)\}", one, pattern)


def check_envelope(st, body, what):
    if isinstance(body, dict):
        assert set(body) == ENVELOPE, (what, st, body)
        assert body["isValid"] == (st < 400), (what, st, body)
        if st >= 400:
            e = body["errors"]
            assert e and set(e[0]) == {"memberNames", "errorMessage"}, body


def main(build):
    with Daemon(build, seed="min") as d:
        toks = {"operator": d.token("operator"),
                "customer": d.token("customer", account="civil"),
                "terminal": d.token("terminal", terminal=MINE),
                "auditor": d.token("auditor")}
        routes = d.routes()
        assert any(r["pattern"] == "/v1/telemetry" for r in routes)
        bad = "lnt_" + "A" * 43  # well-formed, never issued
        tried = 0
        for r in routes:
            m, path = r["method"], fill(r["pattern"])
            body = {} if m in ("POST", "PUT", "PATCH") else None
            if "/stream" in path or path.endswith("/events"):
                continue  # long-lived answers: their part tests them
            for name, tok in [("none", None), ("bad", bad),
                              ("garbage", "not-a-token")] + list(toks.items()):
                st, b = d.req(m, path, tok, body)
                what = "%s %s as %s" % (m, path, name)
                check_envelope(st, b, what)
                tried += 1
                if r["permission"] is None:
                    assert st not in (401, 403), (what, st, b)
                elif name in ("none", "bad", "garbage"):
                    assert st == 401, (what, st, b)
                elif name not in r["roles"]:
                    assert st == 403, (what, st, b)
                else:
                    assert st not in (401, 403), (what, st, b)
        print("tried %d (route, caller) pairs over %d routes" % (
            tried, len(routes)))
        scope(d, toks)


def scope(d, toks):
    for who in ("customer", "terminal"):
        t = toks[who]
        st, b = d.req("GET", "/v1/terminals/%s/authorization" % OTHER, t)
        st2, b2 = d.req("GET", "/v1/terminals/UT99999999/authorization", t)
        assert st == 404 and st2 == 404, (who, st, b, st2, b2)
        st, b = d.req("GET", "/v1/terminals/%s/authorization" % MINE, t)
        assert st == 200 and b["content"]["terminal"] == MINE, (who, st, b)
    for who in ("operator", "auditor"):
        st, b = d.req("GET", "/v1/terminals/%s/authorization" % OTHER,
                      toks[who])
        assert st == 200, (who, st, b)
    rep = {"terminal": OTHER, "seq": 1, "t": 1665273600, "lat": 50.45,
           "lon": 30.52}
    st, b = d.req("POST", "/v1/telemetry", toks["terminal"],
                  {"reports": [rep]})
    assert st == 403, (st, b)
    rep["terminal"] = MINE
    st, b = d.req("POST", "/v1/telemetry", toks["terminal"],
                  {"reports": [rep]})
    assert st == 200 and b["content"]["stored"] == 1, (st, b)
    # batch authorization: another account's terminal reads as unknown
    st, b = d.req("POST", "/v1/authorization", toks["customer"],
                  {"requests": [{"terminal": OTHER},
                                {"terminal": "UT99999999"},
                                {"terminal": MINE}]})
    res = b["content"]["results"]
    assert st == 200 and res[0] == {"terminal": OTHER,
                                    "error": "no such terminal"}, b
    assert res[1]["error"] == res[0]["error"] and "allowed" in res[2], b


if __name__ == "__main__":
    main(sys.argv[1])
    print("ok")
