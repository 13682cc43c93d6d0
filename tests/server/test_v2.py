"""test_v2.py - leonetd's Starlink face (/public/v2) with every role:
operator, customer (its own account; another account's line or terminal
is 404), auditor (reads; an Edit operation is 403), terminal (403 on every
one of them), no token (401). Field names are checked against Starlink's,
written here by hand from its published API; totals and pages against
counts worked out by hand from the seed (700 terminals dealt round-robin
over three accounts); usage against the bytes this test sends. Every
answer is also checked against docs/api/leonetd.yaml (lnd.py, on close).

    python3 test_v2.py BUILD_DIR
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lnd  # noqa: E402
from test_v2_util import (KYIV, SIMFEROPOL, count_of, expect, ingest,  # noqa
                          report, seeded_db, ut)

N = 700   # terminals: defence 234, civil 233, donated 233 (by hand)

# Starlink's field names (its reference's schemas), by hand.
ENVELOPE = {"content", "errors", "warnings", "information", "isValid"}
PAGE = {"pageIndex", "limit", "isLastPage", "results", "totalCount"}
ACCOUNT = {"accountNumber", "regionCode", "accountName",
           "activeSuspensions"}
LINE = {"addressReferenceId", "serviceLineNumber", "nickname",
        "productReferenceId", "delayedProductId", "optInProductId",
        "startDate", "endDate", "publicIp", "active", "aviationMetadata",
        "dataBlocks"}
TERMINAL = {"userTerminalId", "nickname", "kitSerialNumber",
            "dishSerialNumber", "serviceLineNumber", "l2VpnCircuits",
            "routers"}
LINE_USAGE = {"accountNumber", "serviceLineNumber", "startDate", "endDate",
              "billingCycles", "servicePlan", "lastUpdated"}
CYCLE = {"startDate", "endDate", "dailyDataUsage", "overageLines",
         "dataPoolUsage", "totalPriorityGB", "totalStandardGB",
         "totalOptInPriorityGB", "totalNonBillableGB"}
DAILY = {"date", "priorityGB", "optInPriorityGB", "standardGB",
         "nonBillableGB"}
PLAN = {"isoCurrencyCode", "isMobilePlan", "activeFrom",
        "subscriptionActiveFrom", "subscriptionEndDate", "overageName",
        "overageDescription", "isOptedIntoOverage",
        "overageLineDeactivatedDate", "overageLine", "dataPoolUsage",
        "productId", "usageLimitGB", "dataCategoryMapping"}
ERROR = {"memberNames", "errorMessage"}

UUID = "55ec6574-10d8-bd9c-1951-d4184f4ae467"


def fields(obj, allowed, what):
    extra = set(obj) - allowed
    assert not extra, "%s: fields Starlink does not have: %s" % (
        what, sorted(extra))


def ok(d, method, path, tok, body=None, status=200):
    st, b = d.req(method, path, tok, body)
    assert st == status, "%s %s: want %d, got %d %r" % (method, path,
                                                        status, st, b)
    assert set(b) == ENVELOPE and b["isValid"] is True and not b["errors"]
    return b["content"]


def err(d, method, path, tok, status, member=None, body=None):
    st, b = d.req(method, path, tok, body)
    assert st == status, "%s %s: want %d, got %d %r" % (method, path,
                                                        status, st, b)
    assert set(b) == ENVELOPE and b["isValid"] is False and b["errors"]
    for e in b["errors"]:
        fields(e, ERROR, "error")
    if member is not None:
        assert member in b["errors"][0]["memberNames"], b
    return b


def test_roles(d, t):
    """Every operation: terminal 403, no token 401, auditor 403 on Edit."""
    ops = [("GET", "/public/v2/account?accountNumber=civil", None),
           ("GET", "/public/v2/service-lines", None),
           ("POST", "/public/v2/service-lines?accountNumber=civil",
            {"addressReferenceId": UUID, "productReferenceId":
             "residential"}),
           ("GET", "/public/v2/service-lines/SL-civil", None),
           ("POST", "/public/v2/service-lines/SL-civil/user-terminals",
            {"deviceId": ut(1)}),
           ("GET", "/public/v2/user-terminals", None),
           ("POST", "/public/v2/user-terminals?accountNumber=civil",
            {"deviceId": ut(1)}),
           ("POST", "/public/v2/data-usage/query", {}),
           ("GET", "/public/v2/billing/invoices?accountNumber=civil", None),
           ("GET", "/public/v2/billing/invoices/INV-civil-2022-10", None),
           ("POST", "/public/v2/telemetry/stream", {"batchSize": 1}),
           ("POST", "/public/v2/telemetry/query", {})]
    edits = {2: "Service plan", 4: "Service plan",
             6: "Device management"}
    for i, (m, p, body) in enumerate(ops):
        err(d, m, p, t["terminal"], 403, body=body)
        err(d, m, p, None, 401, body=body)
        if i in edits:
            b = err(d, m, p, t["auditor"], 403, body=body)
            assert edits[i] + ", Edit" in b["errors"][0]["errorMessage"], b


def test_account(d, t):
    a = ok(d, "GET", "/public/v2/account", t["civil"])
    fields(a, ACCOUNT, "account")
    expect(a["accountNumber"], "civil", "customer's account")
    expect(a["activeSuspensions"], [], "civil suspensions")
    a = ok(d, "GET", "/public/v2/account?accountNumber=donated",
           t["operator"])
    expect(a["activeSuspensions"], ["disabled_account_disabled"],
           "donated (suspended) suspensions")
    a = ok(d, "GET", "/public/v2/account?accountNumber=defence",
           t["auditor"])
    expect(a["accountNumber"], "defence", "auditor's account")
    err(d, "GET", "/public/v2/account", t["operator"], 400, "accountNumber")
    err(d, "GET", "/public/v2/account?accountNumber=nope", t["operator"],
        404, "accountNumber")
    err(d, "GET", "/public/v2/account?accountNumber=donated", t["civil"],
        404, "accountNumber")
    err(d, "GET", "/public/v2/account?regionCode=UA", t["civil"], 400,
        "regionCode")


def test_lines(d, t):
    c = ok(d, "GET", "/public/v2/service-lines", t["operator"])
    fields(c, PAGE, "page")
    expect(c["totalCount"], 3, "operator's lines")
    expect([r["serviceLineNumber"] for r in c["results"]],
           ["SL-civil", "SL-defence", "SL-donated"], "lines in order")
    for r in c["results"]:
        fields(r, LINE, "line")
        expect(r["productReferenceId"], "residential", "line's product")
        expect(r["active"], True, "line active")
    expect((c["pageIndex"], c["limit"], c["isLastPage"]), (0, 100, True),
           "page 0")
    c = ok(d, "GET", "/public/v2/service-lines?page=1", t["auditor"])
    expect((c["pageIndex"], c["results"], c["isLastPage"], c["totalCount"]),
           (1, [], True, 3), "page 1 past the end")
    c = ok(d, "GET", "/public/v2/service-lines", t["civil"])
    expect([r["serviceLineNumber"] for r in c["results"]], ["SL-civil"],
           "customer's lines")
    c = ok(d, "GET", "/public/v2/service-lines?accountNumber=defence",
           t["operator"])
    expect(c["totalCount"], 1, "operator's lines of defence")
    err(d, "GET", "/public/v2/service-lines?page=-1", t["civil"], 400,
        "page")
    err(d, "GET", "/public/v2/service-lines?page=x", t["civil"], 400, "page")
    err(d, "GET", "/public/v2/service-lines?searchString=a", t["civil"],
        400, "searchString")
    # one line
    r = ok(d, "GET", "/public/v2/service-lines/SL-civil", t["civil"])
    fields(r, LINE, "line")
    expect(r["serviceLineNumber"], "SL-civil", "line")
    ok(d, "GET", "/public/v2/service-lines/SL-donated", t["auditor"])
    err(d, "GET", "/public/v2/service-lines/SL-donated", t["civil"], 404,
        "serviceLineNumber")
    err(d, "GET", "/public/v2/service-lines/SL-nope", t["operator"], 404,
        "serviceLineNumber")


def test_create_line(d, t):
    body = {"addressReferenceId": UUID, "productReferenceId": "residential"}
    r = ok(d, "POST", "/public/v2/service-lines", t["civil"], body, 201)
    fields(r, LINE, "new line")
    expect(r["serviceLineNumber"], "SL-civil-2", "new line's number")
    r = ok(d, "POST", "/public/v2/service-lines?accountNumber=defence",
           t["operator"], dict(body, dataBlockProducts=None), 201)
    expect(r["serviceLineNumber"], "SL-defence-2", "operator's new line")
    c = ok(d, "GET", "/public/v2/service-lines", t["civil"])
    expect([x["serviceLineNumber"] for x in c["results"]],
           ["SL-civil", "SL-civil-2"], "civil's lines now")
    err(d, "POST", "/public/v2/service-lines", t["operator"], 400,
        "accountNumber", body)
    err(d, "POST", "/public/v2/service-lines", t["civil"], 400,
        "addressReferenceId", dict(body, addressReferenceId="not-a-uuid"))
    err(d, "POST", "/public/v2/service-lines", t["civil"], 400,
        "productReferenceId", {"addressReferenceId": UUID})
    err(d, "POST", "/public/v2/service-lines", t["civil"], 400, "nickname",
        dict(body, nickname="x"))
    err(d, "POST", "/public/v2/service-lines", t["civil"], 422,
        "productReferenceId", dict(body, productReferenceId="business"))
    err(d, "POST", "/public/v2/service-lines", t["civil"], 422,
        "dataBlockProducts",
        dict(body, dataBlockProducts={"dataPoolId": "p"}))
    st, b = d.req("POST", "/public/v2/service-lines", t["civil"],
                  raw=b'{"addressReferenceId": ')
    assert st == 400 and "line 1" in b["errors"][0]["errorMessage"], b


def test_terminals(d, t):
    n_civ, n_def = count_of("civil", N), count_of("defence", N)
    expect((n_civ, n_def), (233, 234), "counts by hand")
    c = ok(d, "GET", "/public/v2/user-terminals", t["civil"])
    fields(c, PAGE, "page")
    expect((c["totalCount"], len(c["results"]), c["isLastPage"]),
           (233, 100, False), "civil page 0")
    for r in c["results"]:
        fields(r, TERMINAL, "terminal")
    expect([r["userTerminalId"] for r in c["results"][:3]],
           [ut(1), ut(4), ut(7)], "civil's first terminals")
    expect(c["results"][0]["kitSerialNumber"], "KIT00000001", "kit serial")
    expect(c["results"][0]["serviceLineNumber"], "SL-civil", "line")
    c = ok(d, "GET", "/public/v2/user-terminals?page=1", t["civil"])
    expect((c["pageIndex"], len(c["results"]), c["isLastPage"]),
           (1, 100, False), "civil page 1")
    c = ok(d, "GET", "/public/v2/user-terminals?page=2", t["civil"])
    expect((len(c["results"]), c["isLastPage"],
            c["results"][-1]["userTerminalId"]), (33, True, ut(697)),
           "civil page 2 (the last: 233 = 2 x 100 + 33)")
    c = ok(d, "GET", "/public/v2/user-terminals?page=3", t["civil"])
    expect((c["results"], c["isLastPage"], c["totalCount"]),
           ([], True, 233), "civil page 3 past the end")
    c = ok(d, "GET", "/public/v2/user-terminals?page=6", t["operator"])
    expect((c["totalCount"], len(c["results"]), c["isLastPage"]),
           (700, 100, True), "operator page 6 (700 = 7 x 100)")
    c = ok(d, "GET", "/public/v2/user-terminals?page=7", t["auditor"])
    expect((c["results"], c["isLastPage"]), ([], True), "auditor page 7")
    c = ok(d, "GET", "/public/v2/user-terminals?accountNumber=defence&page=2",
           t["operator"])
    expect((c["totalCount"], len(c["results"])), (n_def, 34),
           "defence page 2")
    # Starlink's filters
    c = ok(d, "GET", "/public/v2/user-terminals?userTerminalIds=UT00000001"
           "&userTerminalIds=UT00000004,UT00000002", t["civil"])
    expect(([r["userTerminalId"] for r in c["results"]], c["totalCount"]),
           ([ut(1), ut(4)], 2), "by id (UT2 is donated's: not civil's)")
    c = ok(d, "GET", "/public/v2/user-terminals?serviceLineNumbers="
           "SL-donated&page=2", t["operator"])
    expect((c["totalCount"], len(c["results"]), c["isLastPage"]),
           (233, 33, True), "SL-donated's page 2")
    c = ok(d, "GET", "/public/v2/user-terminals?hasServiceLine=false",
           t["auditor"])
    expect((c["totalCount"], c["results"]), (0, []),
           "every seeded terminal is on a line")
    c = ok(d, "GET", "/public/v2/user-terminals?searchString=0000069",
           t["civil"])
    expect([r["userTerminalId"] for r in c["results"]],
           [ut(691), ut(694), ut(697)], "partial id match (69 is defence's)")
    err(d, "GET", "/public/v2/user-terminals?hasServiceLine=maybe",
        t["civil"], 400, "hasServiceLine")
    err(d, "GET", "/public/v2/user-terminals?dishSerialNumber=x",
        t["civil"], 400, "dishSerialNumber")


def test_add_terminals(d, t):
    # onto a line of its own account
    ok(d, "POST", "/public/v2/service-lines/SL-civil-2/user-terminals",
       t["civil"], {"deviceId": ut(4)})
    c = ok(d, "GET", "/public/v2/user-terminals", t["civil"])
    line = {r["userTerminalId"]: r["serviceLineNumber"]
            for r in c["results"]}
    expect((line[ut(4)], line[ut(1)]), ("SL-civil-2", "SL-civil"),
           "UT4 moved to SL-civil-2")
    # another account's terminal: 404 for the customer, 422 for operator
    err(d, "POST", "/public/v2/service-lines/SL-civil-2/user-terminals",
        t["civil"], 404, "deviceId", {"deviceId": ut(2)})
    err(d, "POST", "/public/v2/service-lines/SL-civil-2/user-terminals",
        t["operator"], 422, "deviceId", {"deviceId": ut(2)})
    err(d, "POST", "/public/v2/service-lines/SL-donated/user-terminals",
        t["civil"], 404, "serviceLineNumber", {"deviceId": ut(1)})
    err(d, "POST", "/public/v2/service-lines/SL-civil/user-terminals",
        t["civil"], 404, "deviceId", {"deviceId": "UT99999999"})
    err(d, "POST", "/public/v2/service-lines/SL-civil/user-terminals",
        t["civil"], 400, "deviceId", {"deviceId": 7})
    err(d, "POST", "/public/v2/service-lines/SL-civil/user-terminals",
        t["civil"], 400, "kitSerialNumber",
        {"deviceId": ut(1), "kitSerialNumber": "x"})
    # onto the account
    ok(d, "POST", "/public/v2/user-terminals", t["civil"],
       {"deviceId": ut(1)})
    err(d, "POST", "/public/v2/user-terminals", t["civil"], 404, "deviceId",
        {"deviceId": ut(2)})
    err(d, "POST", "/public/v2/user-terminals?accountNumber=civil",
        t["operator"], 422, "deviceId", {"deviceId": ut(2)})
    err(d, "POST", "/public/v2/user-terminals", t["civil"], 404, "deviceId",
        {"deviceId": "UT99999999"})


def gb(x):
    return round(x, 9)


def test_usage(d, t):
    day1, day2 = "2022-10-09T00:00:15Z", "2022-10-10T12:00:00Z"
    res = ingest(d, t["operator"], [
        report(ut(1), 1, day1, KYIV, 1000000000, 500000000),     # 1.5 GB
        report(ut(1), 2, day2, KYIV, 1500000000, 500000000),     # 2.0 GB
        report(ut(7), 1, day1, KYIV, 200000000, 50000000),       # 0.25 GB
        report(ut(7), 2, day1, SIMFEROPOL, 900000000, 0),        # denied
        report(ut(4), 1, day1, KYIV, 300000000, 0),     # SL-civil-2: 0.3
        report(ut(2), 1, day1, KYIV, 800000000, 0),     # suspended
    ])
    expect([r["allowed"] for r in res["results"]],
           [True, True, True, False, True, False], "decisions")
    expect([r["alert"] for r in res["results"]], [0, 0, 0, 89, 0, 95],
           "alert codes")
    c = ok(d, "POST", "/public/v2/data-usage/query", t["civil"], {})
    fields(c, PAGE, "usage page")
    expect((c["totalCount"], c["limit"]), (2, 50), "civil's lines, limit")
    by = {r["serviceLineNumber"]: r for r in c["results"]}
    sl = by["SL-civil"]
    fields(sl, LINE_USAGE, "line usage")
    fields(sl["servicePlan"], PLAN, "service plan")
    expect(sl["servicePlan"]["productId"], "residential", "plan")
    expect([(x["startDate"], x["endDate"]) for x in sl["billingCycles"]],
           [("2022-09-01T00:00:00Z", "2022-10-01T00:00:00Z"),
            ("2022-10-01T00:00:00Z", "2022-11-01T00:00:00Z")],
           "cycles: the newest usage's month and one before (default 1)")
    cur = sl["billingCycles"][1]
    fields(cur, CYCLE, "cycle")
    for x in cur["dailyDataUsage"]:
        fields(x, DAILY, "day")
    expect([(x["date"], gb(x["standardGB"])) for x in cur["dailyDataUsage"]],
           [("2022-10-09T00:00:00Z", 1.75), ("2022-10-10T00:00:00Z", 2.0)],
           "SL-civil per day (1.5 + 0.25; 2.0; Crimea and other lines out)")
    expect(gb(cur["totalStandardGB"]), 3.75, "SL-civil October")
    expect(gb(sl["billingCycles"][0]["totalStandardGB"]), 0.0,
           "SL-civil September")
    expect(gb(by["SL-civil-2"]["billingCycles"][1]["totalStandardGB"]), 0.3,
           "SL-civil-2 October")
    # filters, limit, page, queryStartDate
    c = ok(d, "POST", "/public/v2/data-usage/query?limit=1&page=1",
           t["operator"], {"serviceLineNumbers": ["SL-civil", "SL-donated"],
                           "previousBillingCycles": 0})
    expect((c["totalCount"], c["limit"], c["isLastPage"],
            [r["serviceLineNumber"] for r in c["results"]]),
           (2, 1, True, ["SL-donated"]), "operator's filtered page 1")
    expect(len(c["results"][0]["billingCycles"]), 1, "no previous cycle")
    expect(gb(c["results"][0]["billingCycles"][0]["totalStandardGB"]), 0.0,
           "suspended account bills nothing")
    c = ok(d, "POST", "/public/v2/data-usage/query", t["auditor"],
           {"serviceLineNumbers": ["SL-civil"],
            "queryStartDate": "2022-10-10T00:00:00Z"})
    cyc = c["results"][0]["billingCycles"]
    expect([(x["startDate"], gb(x["totalStandardGB"])) for x in cyc],
           [("2022-10-10T00:00:00Z", 2.0)], "from queryStartDate")
    c = ok(d, "POST", "/public/v2/data-usage/query?page=5", t["civil"])
    expect((c["results"], c["isLastPage"]), ([], True), "past the end")
    err(d, "POST", "/public/v2/data-usage/query?limit=251", t["civil"], 400,
        "limit", {})
    err(d, "POST", "/public/v2/data-usage/query", t["civil"], 400,
        "previousBillingCycles", {"previousBillingCycles": "one"})
    err(d, "POST", "/public/v2/data-usage/query", t["civil"], 400,
        "queryStartDate", {"queryStartDate": "yesterday"})
    err(d, "POST", "/public/v2/data-usage/query", t["civil"], 400,
        "accountNumbers", {"accountNumbers": []})


def test_invoices(d, t):
    # residential: $110 a terminal and month, nothing else (the seed);
    # civil has 233 terminals: 233 x 110 = 25,630.00 for 2022-10
    c = ok(d, "GET", "/public/v2/billing/invoices", t["civil"])
    fields(c, PAGE, "invoice page")
    ids = [r["invoiceId"] for r in c["results"]]
    assert "INV-civil-2022-10" in ids, ids
    expect(c["totalCount"], len(ids), "one page holds them")
    oct_ = [r for r in c["results"] if r["invoiceId"] == "INV-civil-2022-10"]
    s = oct_[0]
    fields(s, {"invoiceId", "description", "currency", "amount",
               "dueAmount", "invoiceDate", "dueDate", "status"}, "summary")
    expect((s["currency"], s["amount"], s["status"]),
           ("USD", 25630.0, "Outstanding"), "October's summary")
    v = ok(d, "GET", "/public/v2/billing/invoices/INV-civil-2022-10",
           t["civil"])
    fields(v, {"invoiceId", "orderReferenceId", "currency", "dueAmount",
               "paidAmount", "invoiceDate", "dueDate", "invoiceLines"},
           "invoice")
    expect(v["dueAmount"], 25630.0, "October's total")
    lines = {x["productReferenceId"]: x for x in v["invoiceLines"]}
    for x in v["invoiceLines"]:
        fields(x, {"productReferenceId", "productDescription",
                   "serviceName", "serviceLineNumbers", "quantity",
                   "unitPrice", "taxAmount", "subTotal",
                   "servicePeriodStartDate", "servicePeriodEndDate"},
               "invoice line")
    expect((lines["service-fee"]["quantity"],
            lines["service-fee"]["unitPrice"],
            lines["service-fee"]["subTotal"]), (233, 110, 25630.0),
           "service fee line")
    expect(lines["overage"]["subTotal"], 0, "no overage")
    ok(d, "GET", "/public/v2/billing/invoices?accountNumber=civil",
       t["auditor"])
    err(d, "GET", "/public/v2/billing/invoices", t["operator"], 400,
        "accountNumber")
    err(d, "GET", "/public/v2/billing/invoices/INV-defence-2022-10",
        t["civil"], 404)
    err(d, "GET", "/public/v2/billing/invoices/INV-civil-1999-01",
        t["operator"], 404, "invoiceId")
    err(d, "GET", "/public/v2/billing/invoices/garbage", t["operator"], 404,
        "invoiceId")


def test_seeded(build):
    """The built-in scenario as `leonetd seed` loads it: its terminal
    groups (data/scenarios/ukraine-2022.json, counted by hand) civil 9000,
    donated 6000, defence 5000 fixed + 300 mobile; one line an account
    named after it, the account's plan as its product."""
    with lnd.Daemon(build) as d:
        op, au = d.token("operator"), d.token("auditor")
        civ = d.token("customer", account="civil")
        c = ok(d, "GET", "/public/v2/service-lines", au)
        expect(sorted((r["serviceLineNumber"], r["productReferenceId"],
                       r["nickname"]) for r in c["results"]),
               [("SL-civil", "residential", "Paying civil users"),
                ("SL-defence", "military", "Armed Forces of Ukraine"),
                ("SL-donated", "business",
                 "Donated terminals (hospitals, energy, government)")],
               "the scenario's lines")
        for tok, q, total, last in (
                (civ, "", 9000, 89), (op, "", 20300, 202),
                (op, "accountNumber=defence&", 5300, 52),
                (au, "accountNumber=donated&", 6000, 59)):
            for page, n, is_last in ((0, 100, False), (1, 100, False),
                                     (last, 100, True), (last + 1, 0, True)):
                c = ok(d, "GET", "/public/v2/user-terminals?%spage=%d"
                       % (q, page), tok)
                expect((c["totalCount"], len(c["results"]), c["isLastPage"]),
                       (total, n, is_last), "%s page %d" % (q or "all", page))
        a = ok(d, "GET", "/public/v2/account", civ)
        expect(a["accountName"], "Paying civil users", "civil's name")


def main():
    build = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="v2-")
    try:
        db = seeded_db(build, tmp, N)
        with lnd.Daemon(build, seed=False, db=db) as d:
            t = {"operator": d.token("operator"),
                 "auditor": d.token("auditor"),
                 "civil": d.token("customer", account="civil"),
                 "terminal": d.token("terminal", terminal=ut(1))}
            for f in (test_roles, test_account, test_lines, test_create_line,
                      test_terminals, test_add_terminals, test_usage,
                      test_invoices):
                f(d, t)
                print("ok", f.__name__)
        test_seeded(build)
        print("ok test_seeded")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
