"""GET /v1/map/events: Server-Sent Events of the live map, and a client
that reconnects with Last-Event-ID getting what it missed.

Read as a browser's EventSource reads the stream (the text/event-stream
format of the HTML standard: "id:", "event:", "data:" lines, a blank line
ends an event, lines starting with ":" are comments). Counts by hand as
in test_live_api.py: one report = 1/60 terminal over a 900 s window,
printed with two decimals. No timing is asserted: waits are failure
bounds only (an event is due within a second or two; 30 s is allowed).
"""
import http.client, json, os, sys, time
sys.path.insert(0, os.path.dirname(__file__))
from lnd import Daemon

KYIV, LVIV = (50.45, 30.52), (49.84, 24.03)
C_KYIV, C_LVIV = "851e6387fffffff", "851e768bfffffff"  # h3-js 4.5.0, res 5
DAY0 = 1665273600  # 2022-10-09T00:00:00Z
WAIT_S = 30


def rep(term, seq, pos, t, link="ok"):
    return {"terminal": term, "seq": seq, "t": DAY0 + t, "lat": pos[0],
            "lon": pos[1], "link": link}


class Sse:
    """One event stream, read line by line."""

    def __init__(self, d, token, last_id=None, query=""):
        host = d.url.split("//", 1)[1]
        self.c = http.client.HTTPConnection(host, timeout=WAIT_S)
        h = {"Authorization": "Bearer " + token,
             "Accept": "text/event-stream"}
        if last_id is not None:
            h["Last-Event-ID"] = last_id
        self.c.request("GET", "/v1/map/events" + query, headers=h)
        self.r = self.c.getresponse()
        self.status = self.r.status
        self.ctype = self.r.getheader("Content-Type", "")
        self.comments, self.retry = [], None

    def event(self):
        """The next event with data or a type: (id, type, data)."""
        eid, etype, data = None, "message", []
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            line = self.r.readline()
            if not line:
                raise AssertionError("the stream ended")
            line = line.decode("utf-8").rstrip("\r\n")
            if line == "":
                if data or etype != "message":
                    return eid, etype, "\n".join(data)
                continue
            if line.startswith(":"):
                self.comments.append(line)
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "id":
                eid = value
            elif field == "event":
                etype = value
            elif field == "data":
                data.append(value)
            elif field == "retry":
                self.retry = int(value)
        raise AssertionError("no event within %d s" % WAIT_S)

    def cells_event(self):
        eid, etype, data = self.event()
        assert etype == "cells", (eid, etype, data)
        return eid, json.loads(data)

    def close(self):
        self.c.close()


def cells_of(ev):
    return {(c[0], c[1]): tuple(c[2:5]) for c in ev["cells"]}


def wait_event_id(d, tok, old):
    """The page data's event id once it differs from old (the daemon made
    an event since)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        st, b = d.req("GET", "/v1/map/page?day=2022-10-09", tok)
        assert st == 200, (st, b)
        if b["content"]["eventId"] != old:
            return b["content"]["eventId"]
        time.sleep(0.2)
    raise AssertionError("no new event within %d s" % WAIT_S)


def open_sse(d, tok):
    """A stream, once a slot is free (a closed stream's slot comes back
    when the daemon next looks at it: within a second or two)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        s = Sse(d, tok)
        if s.status == 200:
            return s
        assert s.status == 503, s.status
        s.close()
        assert time.monotonic() < deadline, "no stream slot came back"
        time.sleep(0.2)


def seq(eid):
    return int(eid.split("-")[1])


def main(build):
    with Daemon(build, seed="min", args=("--map-res", "5")) as d:
        op, aud = d.token("operator"), d.token("auditor")
        # the cap on open streams: 64, or 8 while the core cannot park a
        # stream (docs/live.md); one more gets 503, and a closed stream's
        # slot comes back
        open_ = []
        while len(open_) <= 64:
            s = Sse(d, op)
            if s.status != 200:
                assert s.status == 503, s.status
                s.close()
                break
            open_.append(s)
        assert len(open_) in (8, 64), len(open_)
        open_.pop().close()
        open_.append(open_sse(d, op))
        for s in open_:
            s.close()

        s1 = open_sse(d, aud)
        assert s1.status == 200, s1.status
        assert s1.ctype.startswith("text/event-stream"), s1.ctype
        st, b = d.req("POST", "/v1/telemetry", op,
                      {"reports": [rep("UT00000000", 1, KYIV, 15)]})
        assert st == 200 and b["content"]["stored"] == 1, b
        id1, ev = s1.cells_event()
        assert s1.retry == 2000, s1.retry
        assert ev["start"] == DAY0 and ev["nwin"] == 96, ev
        assert ev["window_s"] == 900, ev
        assert cells_of(ev) == {(C_KYIV, 0): (0.02, 0, 0)}, ev  # 1/60
        assert ev["totals"] == [[0, 0.02, 0, 0]], ev
        ring = ev["cells"][0][5]
        assert len(ring) == 12, ring  # a hexagon's 6 (lon, lat)
        s1.close()

        # missed while away: two more reports in Kyiv's window 0 and one
        # denial (the suspended account) in Lviv's window 1
        st, b = d.req("POST", "/v1/telemetry", op, {"reports": [
            rep("UT00000000", 2, KYIV, 30), rep("UT00000000", 3, KYIV, 45),
            rep("UT00000002", 1, LVIV, 900)]})
        assert st == 200 and b["content"]["stored"] == 3, b
        id2 = wait_event_id(d, op, id1)
        assert seq(id2) > seq(id1), (id1, id2)

        s2 = Sse(d, op, last_id=id1)
        eid, ev = s2.cells_event()
        assert seq(eid) == seq(id1) + 1, (id1, eid)  # the next one, replayed
        got = cells_of(ev)
        assert got[(C_KYIV, 0)] == (0.05, 0, 0), got  # 3/60
        assert got[(C_LVIV, 1)] == (0, 0.02, 0), got
        s2.close()

        # an id of another run (or one no longer kept): reset, reload
        s3 = Sse(d, op, last_id="0-1")
        eid, etype, data = s3.event()
        assert etype == "reset", (eid, etype, data)
        assert json.loads(data)["reload"] == "/v1/map/page", data
        s3.close()

        # up to date: nothing replayed; the next event is the next change
        # only (the cells it changed, absolute values)
        s4 = Sse(d, op, query="?lastEventId=" + id2)
        st, b = d.req("POST", "/v1/telemetry", op, {"reports": [
            rep("UT00000001", 1, LVIV, 920, "no-satellite")]})
        assert st == 200 and b["content"]["stored"] == 1, b
        eid, ev = s4.cells_event()
        assert seq(eid) == seq(id2) + 1, (id2, eid)
        assert cells_of(ev) == {(C_LVIV, 1): (0, 0.02, 0.02)}, ev
        assert ev["totals"] == [[1, 0, 0.02, 0.02]], ev
        s4.close()

        # a customer may not follow the fleet's map
        sc = Sse(d, d.token("customer", account="civil"))
        assert sc.status == 403, sc.status
        sc.close()

    print("PASS")


if __name__ == "__main__":
    main(sys.argv[1])
