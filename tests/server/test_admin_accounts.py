"""test_admin_accounts.py - /v1/accounts and /v1/plans.

Against the small seed (test_admin_common: A = defence moved to plan
"flat", four terminals; B = civil on "pool"; donated, suspended):
listing and reading as
operator, auditor and customer (a customer sees its own account; another
account answers 404 exactly as an id that does not exist); suspend ->
the next decision for the account's terminal is denied with reason
account-suspended and alert 95 (Starlink's disabled_account_disabled),
the other account's terminal still allowed; resume -> allowed again;
creating plans and accounts (the plan must exist, unknown members and
bad numbers are 400 naming the member, duplicates 409); roles (auditor
and customer writes 403, terminal 403, no token 401).

usage: test_admin_accounts.py BUILD_DIR
"""
import sys

import test_admin_common as C
from test_admin_common import check, ok

T = 1665316800  # 2022-10-09T12:00:00Z


def err(d, method, path, tok, body, want, member=None):
    st, b = d.req(method, path, tok, body)
    check(st == want, "%s %s: %d" % (method, path, want), (st, b))
    check(b["isValid"] is False and b["errors"], "error envelope", b)
    if member:
        check(member in b["errors"][0]["memberNames"], "member " + member,
              b)
    return b


def reads(d, op, aud, cust):
    for tok in (op, aud):
        c = ok(d, "GET", "/v1/accounts", tok)
        check(sorted(a["id"] for a in c["results"]) ==
              ["civil", "defence", "donated"] and c["totalCount"] == 3 and
              c["pageIndex"] == 0 and
              c["isLastPage"] is True, "all accounts", c)
    c = ok(d, "GET", "/v1/accounts", cust)
    check([a["id"] for a in c["results"]] == [C.ACC_A] and
          c["totalCount"] == 1, "a customer lists its own account", c)
    a = ok(d, "GET", "/v1/accounts/" + C.ACC_A, cust)
    check(a["id"] == C.ACC_A and a["name"] == "account defence" and
          a["plan"] == "flat" and a["suspended"] is False and
          a["status"] == "active" and a["terminals"] == 4, "account", a)
    p = a["plan_detail"]
    check(p["monthly_usd"] == 99.5 and p["included_gb"] == 100 and
          p["usd_per_gb"] == 2.25 and p["overage"] == "per_terminal",
          "the scenario's plan", p)
    other = err(d, "GET", "/v1/accounts/" + C.ACC_B, cust, None, 404)
    none = err(d, "GET", "/v1/accounts/no-such", cust, None, 404)
    check(other["errors"][0]["memberNames"] ==
          none["errors"][0]["memberNames"], "same 404 for another account")
    err(d, "GET", "/v1/accounts?page=-1", op, None, 400, "page")
    c = ok(d, "GET", "/v1/accounts?page=1", op)
    check(c["results"] == [] and c["totalCount"] == 3, "page 1", c)
    d9 = ok(d, "GET", "/v1/accounts/donated", aud)
    check(d9["suspended"] is True and d9["status"] == "suspended",
          "the seed's suspended account", d9)


def suspend(d, op, aud, cust):
    ta, tb = C.TERMS_A[0], C.TERMS_B[0]
    lat, lon = C.KYIV
    check(C.decide(d, op, ta, lat, lon, T) == (True, "", 0), "allowed")
    a = ok(d, "POST", "/v1/accounts/%s/suspend" % C.ACC_A, op)
    check(a["suspended"] is True and a["status"] == "suspended", "suspended",
          a)
    check(C.decide(d, op, ta, lat, lon, T) ==
          (False, "account-suspended", 95), "suspended account denied")
    check(C.decide(d, op, tb, lat, lon, T) == (True, "", 0),
          "the other account still allowed")
    check(ok(d, "GET", "/v1/accounts/" + C.ACC_A, aud)["suspended"] is True,
          "the auditor sees the suspension")
    ok(d, "POST", "/v1/accounts/%s/suspend" % C.ACC_A, op)  # idempotent
    for tok in (aud, cust):
        err(d, "POST", "/v1/accounts/%s/resume" % C.ACC_A, tok, None, 403)
    a = ok(d, "POST", "/v1/accounts/%s/resume" % C.ACC_A, op)
    check(a["suspended"] is False, "resumed", a)
    check(C.decide(d, op, ta, lat, lon, T) == (True, "", 0),
          "allowed after resume")
    err(d, "POST", "/v1/accounts/no-such/suspend", op, None, 404)


def creates(d, op, aud, cust):
    gold = {"id": "gold", "monthly_usd": 250, "included_gb": 500,
            "usd_per_gb": 0.5, "overage": "pooled"}
    p = ok(d, "POST", "/v1/plans", op, gold, 201)
    check(p["id"] == "gold" and p["monthly_usd"] == 250 and
          p["overage"] == "pooled", "plan created", p)
    err(d, "POST", "/v1/plans", op, gold, 409, "id")
    err(d, "POST", "/v1/plans", op, dict(gold, id="neg", monthly_usd=-1),
        400, "monthly_usd")
    err(d, "POST", "/v1/plans", op, dict(gold, id="x", colour="red"), 400,
        "colour")
    err(d, "POST", "/v1/plans", op, dict(gold, id="x", overage="weekly"),
        400, "overage")
    err(d, "POST", "/v1/plans", op, {"id": "x", "monthly_usd": 1}, 400,
        "included_gb")
    err(d, "POST", "/v1/plans", aud, dict(gold, id="y"), 403)
    err(d, "GET", "/v1/plans", cust, None, 403)
    ids = sorted(x["id"] for x in ok(d, "GET", "/v1/plans", aud)["results"])
    check(ids == ["flat", "gold", "pool", "residential"], "plans", ids)

    a = ok(d, "POST", "/v1/accounts", op,
           {"id": "acc-c", "name": "Account C", "plan": "gold"}, 201)
    check(a["id"] == "acc-c" and a["plan"] == "gold" and
          a["terminals"] == 0 and a["suspended"] is False, "created", a)
    err(d, "POST", "/v1/accounts", op, {"id": "acc-d", "plan": "nope"}, 400,
        "plan")
    err(d, "POST", "/v1/accounts", op, {"id": "acc-c", "plan": "gold"}, 409,
        "id")
    err(d, "POST", "/v1/accounts", op, {"id": "acc-e", "plan": "gold",
                                        "colour": 1}, 400, "colour")
    err(d, "POST", "/v1/accounts", op, {"id": "a/b", "plan": "gold"}, 400,
        "id")
    err(d, "POST", "/v1/accounts", op, {"id": 7, "plan": "gold"}, 400, "id")
    st, b = d.req("POST", "/v1/accounts", op, raw=b'{"id": "z",\n "plan"}')
    check(st == 400 and "line" in b["errors"][0]["errorMessage"],
          "malformed JSON: 400 with the line", b)
    err(d, "POST", "/v1/accounts", aud, {"id": "acc-f", "plan": "gold"}, 403)
    err(d, "POST", "/v1/accounts", cust, {"id": "acc-f", "plan": "gold"},
        403)
    c = ok(d, "GET", "/v1/accounts", op)
    check(c["totalCount"] == 4, "four accounts now", c)
    a = ok(d, "PATCH", "/v1/accounts/acc-c", op, {"name": "C2",
                                                   "plan": "flat"})
    check(a["name"] == "C2" and a["plan"] == "flat", "patched", a)
    err(d, "PATCH", "/v1/accounts/acc-c", op, {"plan": "nope"}, 400, "plan")
    err(d, "PATCH", "/v1/accounts/acc-c", op, {"suspended": True}, 400,
        "suspended")
    err(d, "PATCH", "/v1/accounts/acc-c", aud, {"name": "x"}, 403)
    err(d, "PATCH", "/v1/accounts/nope", op, {"name": "x"}, 404)


def main(build_dir):
    with C.daemon(build_dir) as d:
        op, aud = d.token("operator"), d.token("auditor")
        cust = d.token("customer", account=C.ACC_A)
        term = d.token("terminal", terminal=C.TERMS_A[0])
        reads(d, op, aud, cust)
        suspend(d, op, aud, cust)
        creates(d, op, aud, cust)
        for method, path in (("GET", "/v1/accounts"),
                             ("GET", "/v1/accounts/" + C.ACC_A),
                             ("POST", "/v1/accounts/%s/suspend" % C.ACC_A)):
            err(d, method, path, term, None, 403)
            st, _ = d.req(method, path, None)
            check(st == 401, "no token: 401", (method, path, st))
        C.finish(d)
    print("test_admin_accounts: ok")


if __name__ == "__main__":
    main(sys.argv[1])
