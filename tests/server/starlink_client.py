"""starlink_client.py - a small client for Starlink's Public API V2, written
as a tool for the real API would be: only Starlink's paths, request
fields and answer fields, Starlink's ServiceResponse envelope, its paging
(zero-based page until isLastPage) and its telemetry stream (column
names and alert names read from every answer). Nothing in it knows
leonet: the tests point it at a leonetd (test_v2_starlink_client.py).

    c = StarlinkClient("https://starlink.com/api", token)
    for ut in c.user_terminals(): ...
    rows = c.poll_telemetry()       # [{"DeviceId": ..., "alerts": [...]}]

Python standard library only.
"""
import json
import urllib.error
import urllib.request


class StarlinkError(Exception):
    """An answer with isValid false (or not the envelope)."""

    def __init__(self, status, errors):
        self.status = status
        self.errors = errors
        super().__init__("HTTP %s: %s" % (status, "; ".join(
            "%s (%s)" % (e.get("errorMessage"), ", ".join(
                e.get("memberNames") or [])) for e in errors)))


class StarlinkClient:
    def __init__(self, base_url, token, on_answer=None, timeout=60):
        """base_url: up to and without /public/v2 (Starlink's is
        https://starlink.com/api). on_answer(method, path, status, body,
        content_type), when given, sees every answer (a log, a check)."""
        self.base = base_url.rstrip("/")
        self.token = token
        self.on_answer = on_answer
        self.timeout = timeout

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        r = urllib.request.Request(self.base + path, data=data,
                                   method=method)
        r.add_header("Authorization", "Bearer " + self.token)
        r.add_header("Accept", "application/json")
        if data is not None:
            r.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(r, timeout=self.timeout) as f:
                status, ctype, raw = (f.status,
                                      f.headers.get("Content-Type", ""),
                                      f.read())
        except urllib.error.HTTPError as e:
            status, ctype, raw = (e.code, e.headers.get("Content-Type", ""),
                                  e.read())
        if self.on_answer:
            self.on_answer(method, path, status, raw, ctype)
        try:
            env = json.loads(raw)
        except ValueError:
            raise StarlinkError(status, [{"errorMessage": "not JSON"}])
        if not isinstance(env, dict) or not env.get("isValid"):
            errors = env.get("errors") if isinstance(env, dict) else None
            raise StarlinkError(status, errors or [])
        return env.get("content")

    def _pages(self, method, path, body=None):
        page = 0
        while True:
            sep = "&" if "?" in path else "?"
            c = self._call(method, "%s%spage=%d" % (path, sep, page), body)
            for r in c.get("results") or []:
                yield r
            if c.get("isLastPage", True):
                return
            page += 1

    # ---- management ---------------------------------------------------------
    def account(self):
        return self._call("GET", "/public/v2/account")

    def service_lines(self):
        return list(self._pages("GET", "/public/v2/service-lines"))

    def user_terminals(self):
        return list(self._pages("GET", "/public/v2/user-terminals"))

    def data_usage(self, service_lines=None, previous_cycles=1):
        body = {"previousBillingCycles": previous_cycles}
        if service_lines:
            body["serviceLineNumbers"] = list(service_lines)
        return list(self._pages("POST", "/public/v2/data-usage/query",
                                body))

    # ---- telemetry ----------------------------------------------------------
    def poll_telemetry(self, batch_size=1000, max_linger_ms=15000):
        """One poll of the stream: the rows as dicts keyed by the answer's
        column names, each with "alerts", its ActiveAlert codes resolved
        through the answer's metadata."""
        c = self._call("POST", "/public/v2/telemetry/stream",
                       {"batchSize": batch_size,
                        "maxLingerMs": max_linger_ms})
        data, meta = c["data"], c["metadata"]["enums"]
        cols = data["columnNamesByDeviceType"]
        alerts = meta.get("AlertsByDeviceType", {})
        out = []
        for v in data["values"]:
            dev = v[0]
            row = dict(zip(cols[dev], v))
            names = alerts.get(dev, {})
            row["alerts"] = [names.get(str(a), "unknown_%s" % a)
                             for a in row.get("ActiveAlert") or []]
            out.append(row)
        return out

    def drain_telemetry(self, batch_size=1000, max_polls=1000):
        """Polls until an empty batch; all rows in order."""
        rows = []
        for _ in range(max_polls):
            got = self.poll_telemetry(batch_size)
            if not got:
                break
            rows += got
        return rows
