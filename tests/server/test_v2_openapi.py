"""test_v2_openapi.py - docs/api/leonetd.yaml itself: it parses, every
$ref resolves, every operation has responses and says whether it is
Starlink's; the Starlink face has Starlink's paths, permission names and
field names (written here by hand from Starlink's published API, not read
from our own files); and the checker (openapi_check.py) refuses what it
must refuse. Needs no daemon.

    python3 test_v2_openapi.py
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import openapi_check as oc  # noqa: E402

# Starlink's operations leonetd offers, with the permission Starlink's
# reference names for each (its "Required permission: ..." lines).
STARLINK_OPS = {
    ("get", "/public/v2/account"): "Account information, View",
    ("get", "/public/v2/service-lines"): "Service plan, View",
    ("post", "/public/v2/service-lines"): "Service plan, Edit",
    ("get", "/public/v2/service-lines/{serviceLineNumber}"):
        "Service plan, View",
    ("post", "/public/v2/service-lines/{serviceLineNumber}/user-terminals"):
        "Service plan, Edit",
    ("get", "/public/v2/user-terminals"): "Device management, View",
    ("post", "/public/v2/user-terminals"): "Device management, Edit",
    ("post", "/public/v2/data-usage/query"): "Service plan, View",
    ("get", "/public/v2/billing/invoices"): "Financial, View",
    ("get", "/public/v2/billing/invoices/{invoiceId}"): "Financial, View",
    ("post", "/public/v2/telemetry/stream"): "Device telemetry, View",
    ("post", "/public/v2/telemetry/query"): "Device telemetry, View",
}

# Field names of Starlink's schemas (from its reference), per schema.
STARLINK_FIELDS = {
    "ServiceResponse": {"content", "errors", "warnings", "information",
                        "isValid"},
    "ValidationResult": {"memberNames", "errorMessage"},
    "AccountResponseV2": {"accountNumber", "regionCode", "accountName",
                          "activeSuspensions"},
    "ServiceLineResponse": {
        "addressReferenceId", "serviceLineNumber", "nickname",
        "productReferenceId", "delayedProductId", "optInProductId",
        "startDate", "endDate", "publicIp", "active", "aviationMetadata",
        "dataBlocks"},
    "ServiceLineCreateRequestV2": {"addressReferenceId",
                                   "productReferenceId",
                                   "dataBlockProducts"},
    "DeviceIdRequest": {"deviceId"},
    "UserTerminalResponseV2": {
        "userTerminalId", "nickname", "kitSerialNumber", "dishSerialNumber",
        "serviceLineNumber", "l2VpnCircuits", "routers"},
    "QueryDataUsageRequest": {"serviceLineNumbers", "previousBillingCycles",
                              "activeServiceLinesOnly", "queryStartDate"},
    "ServiceLineDataUsageForBillingCycles": {
        "accountNumber", "serviceLineNumber", "startDate", "endDate",
        "billingCycles", "servicePlan", "lastUpdated"},
    "DataUsageBillingCycleV2": {
        "startDate", "endDate", "dailyDataUsage", "overageLines",
        "dataPoolUsage", "totalPriorityGB", "totalStandardGB",
        "totalOptInPriorityGB", "totalNonBillableGB"},
    "DataUsageDailyV2": {"date", "priorityGB", "optInPriorityGB",
                         "standardGB", "nonBillableGB"},
    "DataServicePlan": {
        "isoCurrencyCode", "isMobilePlan", "activeFrom",
        "subscriptionActiveFrom", "subscriptionEndDate", "overageName",
        "overageDescription", "isOptedIntoOverage",
        "overageLineDeactivatedDate", "overageLine", "dataPoolUsage",
        "productId", "usageLimitGB", "dataCategoryMapping"},
    "InvoiceSummaryResponse": {"invoiceId", "description", "currency",
                               "amount", "dueAmount", "invoiceDate",
                               "dueDate", "status"},
    "InvoiceDetailResponse": {"invoiceId", "orderReferenceId", "currency",
                              "dueAmount", "paidAmount", "invoiceDate",
                              "dueDate", "invoiceLines"},
    "InvoiceLineDetailResponse": {
        "productReferenceId", "productDescription", "serviceName",
        "serviceLineNumbers", "quantity", "unitPrice", "taxAmount",
        "subTotal", "servicePeriodStartDate", "servicePeriodEndDate"},
    "*Paginated": {"pageIndex", "limit", "isLastPage", "results",
                   "totalCount"},
    "stream request": {"batchSize", "maxLingerMs"},
    "stream answer": {"data", "metadata"},
    # the query answer is keyed by Starlink's device type codes
    "query answer": {"u", "r", "i"},
}

# Starlink's PublicInvoiceStatus values.
STARLINK_INVOICE_STATUS = {"Unknown", "Paid", "Cancelled", "Overdue",
                           "DueSoon", "Outstanding"}


def starlink_key(mark):
    """Which STARLINK_FIELDS entry an x-starlink schema mark names."""
    if mark.startswith("*Paginated"):
        return "*Paginated"
    if "stream request" in mark:
        return "stream request"
    if "stream answer" in mark:
        return "stream answer"
    if "query answer" in mark:
        return "query answer"
    return mark


def test_spec_valid(spec):
    bad = oc.problems(spec)
    assert not bad, "leonetd.yaml:\n  " + "\n  ".join(bad)


def test_starlink_face(spec):
    v2 = {(m, p) for p, item in spec["paths"].items()
          if p.startswith("/public/v2/") for m in item if m in oc.METHODS}
    assert v2 == set(STARLINK_OPS), (
        "Starlink operations: extra %s, missing %s"
        % (sorted(v2 - set(STARLINK_OPS)), sorted(set(STARLINK_OPS) - v2)))
    for (m, p), perm in STARLINK_OPS.items():
        op = spec["paths"][p][m]
        assert op.get("x-starlink") is True, "%s %s: x-starlink" % (m, p)
        assert op.get("x-permission") == perm, (
            "%s %s: permission %r, Starlink's is %r"
            % (m, p, op.get("x-permission"), perm))
        assert "terminal" not in op.get("x-roles", []), (m, p)
        if m == "post" and perm.endswith("Edit"):
            assert "auditor" not in op["x-roles"], (m, p)
    for p, item in spec["paths"].items():
        for m in item:
            if m in oc.METHODS and not p.startswith("/public/v2/"):
                assert item[m].get("x-starlink") is False, (m, p)


def test_starlink_fields(spec):
    n = 0
    for name, schema in spec["components"]["schemas"].items():
        mark = schema.get("x-starlink")
        if not isinstance(mark, str):
            continue
        key = starlink_key(mark)
        assert key in STARLINK_FIELDS, "%s: x-starlink %r unknown" % (
            name, mark)
        props = set(schema.get("properties", {}))
        extra = props - STARLINK_FIELDS[key]
        assert not extra, "%s: fields not in Starlink's %s: %s" % (
            name, key, sorted(extra))
        assert schema.get("additionalProperties") is False, name
        n += 1
    assert n >= 18, n
    st = spec["components"]["schemas"]["V2InvoiceSummary"]["properties"]
    assert set(st["status"]["enum"]) <= STARLINK_INVOICE_STATUS


def env(content, ok=True, errors=None, info=None):
    return json.dumps({"content": content, "errors": errors or [],
                       "warnings": [], "information": info or [],
                       "isValid": ok}).encode()


def refused(answer, words):
    try:
        oc.check_all([answer])
    except AssertionError as e:
        for w in words:
            assert w in str(e), "%r not in %r" % (w, str(e))
        return
    raise AssertionError("the checker let through %r" % (answer,))


def test_checker():
    J = "application/json"
    acc = {"accountNumber": "civil", "accountName": "x",
           "activeSuspensions": []}
    oc.check_all([("GET", "/public/v2/account", 200, env(acc), J)])
    oc.check_all([("GET", "/public/v2/account?accountNumber=civil", 200,
                   env(acc), J + "; charset=utf-8")])
    err = env(None, False, [{"memberNames": ["page"],
                             "errorMessage": "page: bad"}])
    oc.check_all([("GET", "/public/v2/service-lines?page=x", 400, err, J)])
    oc.check_all([("GET", "/no/such/path", 404, err, J)])
    # an extra field: Starlink's schemas forbid it
    refused(("GET", "/public/v2/account", 200,
             env(dict(acc, plan="military")), J),
            ["GET /public/v2/account", "200", "plan"])
    # a status the operation does not list
    refused(("GET", "/public/v2/account", 418, err, J), ["418"])
    # an error with isValid true
    refused(("GET", "/public/v2/account", 404,
             env(None, True, [{"memberNames": [], "errorMessage": "x"}]), J),
            ["404"])
    # not the envelope
    refused(("GET", "/public/v2/account", 200, json.dumps(acc).encode(), J),
            ["200"])
    # a method the path does not have, with a status not 405
    refused(("DELETE", "/public/v2/account", 200, env(acc), J),
            ["no DELETE"])
    # a wrong type inside a page
    page = {"pageIndex": 0, "limit": 100, "isLastPage": True,
            "results": [{"userTerminalId": 42, "kitSerialNumber": "K"}],
            "totalCount": 1}
    refused(("GET", "/public/v2/user-terminals", 200, env(page), J),
            ["results/0/userTerminalId"])
    # the stream's information must carry the acknowledgement
    batch = {"data": {"columnNamesByDeviceType": {"u": ["DeviceType"]},
                      "values": []},
             "metadata": {"enums": {"DeviceType": {"u": "UserTerminal"},
                                    "AlertsByDeviceType": {"u": {}}}}}
    oc.check_all([("POST", "/public/v2/telemetry/stream", 200,
                   env(batch, info=["ack=0"]), J)])
    refused(("POST", "/public/v2/telemetry/stream", 200, env(batch), J),
            ["information"])


def main():
    spec = oc.load()
    for t in (test_spec_valid, test_starlink_face, test_starlink_fields):
        t(spec)
        print("ok", t.__name__)
    test_checker()
    print("ok test_checker")


if __name__ == "__main__":
    main()
