"""test_admin_billing.py - usage and invoices from telemetry, by hand.

Reports are sent through the core's POST /v1/telemetry (each terminal
with its own token) for October 2022; GB = 1e9 bytes; billed bytes of a
report are bytes_down + bytes_up when it is allowed, 0 when denied.

  A = defence (plan flat: $99.50 a terminal, 100 GB each, $2.25/GB
  beyond, per terminal) and B = civil (plan pool: the same, pooled), four
  terminals each (test_admin_common), send the same:
    terminal 0: 2022-10-09 40 + 10 GB twice, 2022-10-10 40 + 10 GB
                = 150 GB (100 on the 9th, 50 on the 10th)
    terminal 1: 2022-10-09 30 + 10 GB = 40 GB
    terminal 2: 2022-10-09 60 + 5 GB twice = 130 GB
    terminal 3: 2022-10-09 80 + 20 GB = 100 GB
  the first batch of each account is sent twice (idempotent: the second
  time nothing is stored or billed); A is then suspended and its
  terminal 1 reports 5 + 0 GB on 2022-10-11: denied, billed 0, counted.

  usage of A, 2022-10: 420 GB, 8 reports, 1 denied;
    days 09: 100 + 40 + 130 + 100 = 370 GB, 6 reports; 10: 50 GB,
         1 report; 11: 0 GB, 1 report, 1 denied
    terminals 150, 40, 130, 100 GB
  invoice A 2022-10 (per terminal): fee 4 x 99.50 = 398.00;
    over (150-100) + 0 + (130-100) + 0 = 80 GB x 2.25 = 180.00;
    total 578.00
  invoice B 2022-10 (pooled): fee 398.00; over 420 - 4 x 100 = 20 GB x
    2.25 = 45.00; total 443.00
  the current month (no usage): 398.00, provisional.

usage: test_admin_billing.py BUILD_DIR
"""
import datetime
import sys

import test_admin_common as C
from test_admin_common import check, ok

G = 1000 ** 3
D9, D10, D11 = 1665273600, 1665360000, 1665446400  # 2022-10-09/10/11 00Z


def near(a, b):
    return abs(a - b) < 1e-6


def send_account(d, toks, terms):
    lat, lon = C.KYIV
    r = C.report
    t0, t1, t2, t3 = terms
    batches = [
        (t0, [r(t0, 1, D9 + 60, lat, lon, 40 * G, 10 * G),
              r(t0, 2, D9 + 75, lat, lon, 40 * G, 10 * G)]),
        (t0, [r(t0, 3, D10 + 60, lat, lon, 40 * G, 10 * G)]),
        (t1, [r(t1, 1, D9 + 90, lat, lon, 30 * G, 10 * G)]),
        (t2, [r(t2, 1, D9 + 120, lat, lon, 60 * G, 5 * G),
              r(t2, 2, D9 + 135, lat, lon, 60 * G, 5 * G)]),
        (t3, [r(t3, 1, D9 + 150, lat, lon, 80 * G, 20 * G)]),
    ]
    for term, reps in batches:
        C.send(d, toks[term], reps)
    C.send(d, toks[t0], batches[0][1])  # a retried batch


def usage_checks(d, op, cust_b):
    u = ok(d, "GET", "/v1/accounts/%s/usage?month=2022-10" % C.ACC_A, op)
    check(u["bytes"] == 420 * G and u["reports"] == 8 and u["denied"] == 1,
          "A's month", u)
    days = [(x["date"], x["bytes"], x["reports"], x["denied"])
            for x in u["days"]]
    check(days == [("2022-10-09", 370 * G, 6, 0), ("2022-10-10", 50 * G, 1, 0),
                   ("2022-10-11", 0, 1, 1)], "per day", days)
    terms = [(x["terminal"], x["bytes"]) for x in u["terminals"]]
    check(terms == list(zip(C.TERMS_A, (150 * G, 40 * G, 130 * G, 100 * G))),
          "per terminal", terms)
    check(u["provisional"] is False and u["month"] == "2022-10" and
          u["period_start"] == "2022-10-01T00:00:00Z" and
          u["period_end"] == "2022-11-01T00:00:00Z", "period", u)
    u = ok(d, "GET", "/v1/accounts/%s/usage?month=2022-10" % C.ACC_B, cust_b)
    check(u["bytes"] == 420 * G and u["reports"] == 7 and u["denied"] == 0,
          "B's month, as its customer", u)
    u = ok(d, "GET", "/v1/accounts/%s/usage?month=2022-11" % C.ACC_A, op)
    check(u["bytes"] == 0 and u["days"] == [], "an empty month", u)


def invoice_checks(d, op, aud, cust_b):
    iv = ok(d, "GET", "/v1/accounts/%s/invoices/2022-10" % C.ACC_A, op)
    check(iv["id"] == "INV-%s-2022-10" % C.ACC_A and
          iv["provisional"] is False and iv["terminals"] == 4 and
          near(iv["gb"], 420) and near(iv["over_gb"], 80) and
          near(iv["service_usd"], 398.00) and
          near(iv["overage_usd"], 180.00) and near(iv["total_usd"], 578.00)
          and iv["overage"] == "per_terminal" and iv["currency"] == "USD",
          "A's October invoice", iv)
    fee, over = iv["lines"]
    check(fee["quantity"] == 4 and fee["unit_usd"] == 99.5 and
          near(over["quantity"], 80) and over["unit_usd"] == 2.25,
          "line items", iv["lines"])
    iv = ok(d, "GET", "/v1/accounts/%s/invoices/2022-10" % C.ACC_B, cust_b)
    check(near(iv["over_gb"], 20) and near(iv["overage_usd"], 45.00) and
          near(iv["total_usd"], 443.00) and iv["overage"] == "pooled",
          "B's October invoice (pooled)", iv)
    now = datetime.datetime.now(datetime.timezone.utc)
    cur = "%04d-%02d" % (now.year, now.month)
    lst = ok(d, "GET", "/v1/accounts/%s/invoices" % C.ACC_A, aud)
    months = [(x["month"], x["provisional"]) for x in lst["invoices"]]
    check(months == [(cur, True), ("2022-10", False)], "invoice list",
          months)
    cur_iv = lst["invoices"][0]
    check(near(cur_iv["total_usd"], 398.00) and near(cur_iv["gb"], 0),
          "the running month: fees only", cur_iv)
    st, b = d.req("GET", "/v1/accounts/%s/invoices/2022-13" % C.ACC_A, op)
    check(st == 400, "bad month 400", (st, b))
    st, b = d.req("GET", "/v1/accounts/%s/usage?month=22-10" % C.ACC_A, op)
    check(st == 400 and b["errors"][0]["memberNames"] == ["month"],
          "bad month 400 naming it", (st, b))


def scope_checks(d, cust_b, term):
    for path in ("/v1/accounts/%s/usage?month=2022-10",
                 "/v1/accounts/%s/invoices",
                 "/v1/accounts/%s/invoices/2022-10"):
        st, b = d.req("GET", path % C.ACC_A, cust_b)
        check(st == 404 and b["isValid"] is False,
              "another account's records: 404", (path, st))
        st, b = d.req("GET", path % "no-such", cust_b)
        check(st == 404, "no such account: 404", (path, st))
        st, _ = d.req("GET", path % C.ACC_A, term)
        check(st == 403, "terminal token: 403", (path, st))
        st, _ = d.req("GET", path % C.ACC_A, None)
        check(st == 401, "no token: 401", (path, st))


def main(build_dir):
    with C.daemon(build_dir) as d:
        op, aud = d.token("operator"), d.token("auditor")
        cust_b = d.token("customer", account=C.ACC_B)
        toks = {t: d.token("terminal", terminal=t)
                for t in C.TERMS_A + C.TERMS_B}
        send_account(d, toks, C.TERMS_A)
        send_account(d, toks, C.TERMS_B)
        ok(d, "POST", "/v1/accounts/%s/suspend" % C.ACC_A, op)
        t1 = C.TERMS_A[1]
        C.send(d, toks[t1], [C.report(t1, 2, D11 + 60, C.KYIV[0], C.KYIV[1],
                                      5 * G, 0)])
        ok(d, "POST", "/v1/accounts/%s/resume" % C.ACC_A, op)
        usage_checks(d, op, cust_b)
        invoice_checks(d, op, aud, cust_b)
        scope_checks(d, cust_b, toks[C.TERMS_A[0]])
        C.finish(d)
    print("test_admin_billing: ok")


if __name__ == "__main__":
    main(sys.argv[1])
