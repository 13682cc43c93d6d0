#!/usr/bin/python3
"""Oracle for leonet's Hypatia-compatible state generator.

Rebuilds, for every time step, the graph exactly as Hypatia's satgenpy
(generate_dynamic_state.py + fstate_calculation.py,
calculate_fstate_shortest_path_without_gs_relaying, algorithm
free_one_only_over_isls) does: a networkx Graph with the ISLs added in
isls.txt order, GSLs where the slant range <= max_gsl_length_m, networkx
floyd_warshall_numpy, the same candidate sorting and neighbour loop; then
writes the fstate / gsl_if_bandwidth text the same way and compares it byte
for byte with leonet's files.

Positions: satgenpy computes them with PyEphem. Here (mode "same") they are
leonet's own positions, read from the dump written by
`leonet route --hypatia ... --dump-positions`, so the comparison isolates
graph, routing, tie-breaking, diffing and file format. Mode "ephem"
(--ephem) computes every distance as satgenpy's distance_tools does, with
PyEphem (python3-ephem), i.e. Hypatia's full model, and compares round-trip
times of every ground-station pair with leonet's (tolerance --rtt-tol).

Usage:
  fstate_oracle.py --state DIR --dump FILE --dyn DIR [--ephem --rtt-tol 0.01]
Exit status 0 = agree, 1 = differ, 77 = a module is missing (skip).
"""
import argparse
import math
import os
import sys

try:
    import networkx as nx
    import numpy as np
except ImportError:
    sys.exit(77)

C_M_S = 299792458.0


def read_state(d):
    with open(os.path.join(d, "tles.txt")) as f:
        lines = f.read().split("\n")
    tles = []
    i = 1
    while i + 2 < len(lines) + 1 and lines[i].strip():
        tles.append((lines[i], lines[i + 1], lines[i + 2]))
        i += 3
    isls = []
    with open(os.path.join(d, "isls.txt")) as f:
        for line in f:
            a, b = line.split()
            isls.append((int(a), int(b)))
    gss = []
    with open(os.path.join(d, "ground_stations.txt")) as f:
        for line in f:
            s = line.rstrip("\n").split(",")
            gss.append({"lat": s[2], "lon": s[3], "elev": float(s[4])})
    bw = []
    with open(os.path.join(d, "gsl_interfaces_info.txt")) as f:
        for line in f:
            bw.append(float(line.split(",")[2]))
    desc = {}
    with open(os.path.join(d, "description.txt")) as f:
        for line in f:
            k, v = line.strip().split("=")
            desc[k] = float(v)
    return tles, isls, gss, bw, desc


def read_dump(path):
    steps = []
    cur = None
    with open(path) as f:
        for line in f:
            p = line.split()
            if p[0] == "T":
                cur = {"t": int(p[1]), "S": [], "G": []}
                steps.append(cur)
            else:
                cur[p[0]].append((float(p[2]), float(p[3]), float(p[4])))
    return steps


def dist(p, q):
    dx = p[0] - q[0]
    dy = p[1] - q[1]
    dz = p[2] - q[2]
    return math.sqrt(dx * dx + dy * dy + dz * dz)


def fstate(nsat, ngs, isls, isl_len, gsl_in_range, max_isl, prev):
    """satgenpy's algorithm; distances in whatever unit isl_len uses."""
    g = nx.Graph()
    for i in range(nsat):
        g.add_node(i)
    num_isls = [0] * nsat
    nbr_if = {}
    for k, (a, b) in enumerate(isls):
        if isl_len[k] > max_isl:
            raise ValueError("ISL too long")
        g.add_edge(a, b, weight=isl_len[k])
        nbr_if[(a, b)] = num_isls[a]
        nbr_if[(b, a)] = num_isls[b]
        num_isls[a] += 1
        num_isls[b] += 1
    d = nx.floyd_warshall_numpy(g)
    out = []
    fs = {}
    dsg = {}
    for curr in range(nsat):
        for dg in range(ngs):
            dn = nsat + dg
            poss = []
            for b in gsl_in_range[dg]:
                if not math.isinf(d[(curr, b[1])]):
                    poss.append((d[(curr, b[1])] + b[0], b[1]))
            poss = sorted(poss)
            dec = (-1, -1, -1)
            dgs = float("inf")
            if poss:
                dst_sat = poss[0][1]
                dgs = poss[0][0]
                if curr != dst_sat:
                    best = 1e15
                    for n in g.neighbors(curr):
                        v = g.edges[(curr, n)]["weight"] + d[(n, dst_sat)]
                        if v < best:
                            dec = (n, nbr_if[(curr, n)], nbr_if[(n, curr)])
                            best = v
                else:
                    dec = (dn, num_isls[dst_sat] + 0, 0)
            dsg[(curr, dn)] = dgs
            if not prev or prev[(curr, dn)] != dec:
                out.append("%d,%d,%d,%d,%d\n" % ((curr, dn) + dec))
            fs[(curr, dn)] = dec
    for sg in range(ngs):
        for dg in range(ngs):
            if sg == dg:
                continue
            sn, dn = nsat + sg, nsat + dg
            poss = []
            for a in gsl_in_range[sg]:
                v = dsg[(a[1], dn)]
                if not math.isinf(v):
                    poss.append((a[0] + v, a[1]))
            poss = sorted(poss)
            dec = (-1, -1, -1)
            if poss:
                dec = (poss[0][1], 0, num_isls[poss[0][1]] + 0)
            if not prev or prev[(sn, dn)] != dec:
                out.append("%d,%d,%d,%d,%d\n" % ((sn, dn) + dec))
            fs[(sn, dn)] = dec
    return "".join(out), fs, num_isls


def path_length(fs, src, dst, nsat, sat_len, gsl_len):
    """Follows a forwarding table from ground station src to dst; returns
    the path length (sum of link lengths) or None."""
    cur = nsat + src
    total = 0.0
    seen = 0
    while cur != nsat + dst:
        nxt = fs[(cur, nsat + dst)][0]
        if nxt < 0:
            return None
        if cur >= nsat:
            total += gsl_len(cur - nsat, nxt)
        elif nxt >= nsat:
            total += gsl_len(nxt - nsat, cur)
        else:
            total += sat_len(cur, nxt)
        cur = nxt
        seen += 1
        if seen > nsat + 2:
            return None
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--state", required=True)
    ap.add_argument("--dump", required=True)
    ap.add_argument("--dyn", required=True)
    ap.add_argument("--ephem", action="store_true")
    ap.add_argument("--rtt-tol", type=float, default=0.01)
    ap.add_argument("--steps", type=int, default=0,
                    help="ephem mode: check only the first N steps")
    a = ap.parse_args()
    tles, isls, gss, bw, desc = read_state(a.state)
    steps = read_dump(a.dump)
    nsat, ngs = len(tles), len(gss)
    max_gsl_km = desc["max_gsl_length_m"] / 1000.0
    max_isl_km = desc["max_isl_length_m"] / 1000.0
    bad = 0
    prev = None
    leo_fs = []
    for st in steps:
        S, G = st["S"], st["G"]
        isl_len = [dist(S[x], S[y]) for (x, y) in isls]
        inr = []
        for gi in range(ngs):
            lst = []
            for sid in range(nsat):
                dd = dist(S[sid], G[gi])
                if dd <= max_gsl_km:
                    lst.append((dd, sid))
            inr.append(lst)
        text, fs, num_isls = fstate(nsat, ngs, isls, isl_len, inr,
                                    max_isl_km, prev)
        leo_fs.append(fs)
        prev = fs
        with open(os.path.join(a.dyn, "fstate_%d.txt" % st["t"])) as f:
            mine = f.read()
        if mine != text:
            bad += 1
            ml, tl = mine.splitlines(), text.splitlines()
            print("t=%d: fstate differs (%d vs %d lines)" %
                  (st["t"], len(ml), len(tl)))
            for x, y in zip(ml, tl):
                if x != y:
                    print("  leonet %s  oracle %s" % (x, y))
                    break
        bw_text = ""
        if st["t"] == 0:
            bw_text = "".join("%d,%d,%f\n" % (i, num_isls[i], bw[i])
                              for i in range(nsat))
            bw_text += "".join("%d,%d,%f\n" % (nsat + g, 0, bw[nsat + g])
                               for g in range(ngs))
        with open(os.path.join(a.dyn, "gsl_if_bandwidth_%d.txt" %
                               st["t"])) as f:
            if f.read() != bw_text:
                bad += 1
                print("t=%d: gsl_if_bandwidth differs" % st["t"])
    print("same positions: %d steps, %d files differ" % (len(steps), bad))
    if bad:
        return 1
    if not a.ephem:
        return 0
    try:
        import ephem
    except ImportError:
        print("ephem mode: python3-ephem missing, skipped")
        return 0
    # Hypatia's full model: PyEphem positions, satgenpy's distance_tools.
    sats = [ephem.readtle(n, l1, l2) for (n, l1, l2) in tles]
    epoch_day = float(tles[0][1][20:32])
    epoch_year = int(tles[0][1][18:20])
    epoch_year += 2000 if epoch_year < 57 else 1900
    epoch = ephem.Date("%d/1/1 00:00:00" % epoch_year) + (epoch_day - 1)
    worst = 0.0
    npairs = 0
    nmiss = 0
    same_entries = 0
    all_entries = 0
    check = steps if a.steps <= 0 else steps[:a.steps]
    for k, st in enumerate(check):
        date = ephem.Date(epoch + st["t"] / 1e9 / 86400.0)

        def sat_dist_m(x, y):
            obs = ephem.Observer()
            obs.epoch = str(ephem.Date(epoch))
            obs.date = date
            obs.lat = 0
            obs.lon = 0
            obs.elevation = 0
            sats[x].compute(obs)
            sats[y].compute(obs)
            r1, r2 = sats[x].range, sats[y].range
            ang = float(repr(ephem.separation(sats[x], sats[y])))
            return math.sqrt(r1 ** 2 + r2 ** 2 - 2 * r1 * r2 * math.cos(ang))

        observers = []
        for gsd in gss:
            obs = ephem.Observer()
            obs.epoch = str(ephem.Date(epoch))
            obs.date = date
            obs.lat = gsd["lat"]
            obs.lon = gsd["lon"]
            obs.elevation = gsd["elev"]
            observers.append(obs)
        gsl_cache = {}

        def gsl_dist_m(g, s):
            if (g, s) not in gsl_cache:
                sats[s].compute(observers[g])
                gsl_cache[(g, s)] = sats[s].range
            return gsl_cache[(g, s)]

        isl_len = [sat_dist_m(x, y) for (x, y) in isls]
        inr = []
        for gi in range(ngs):
            lst = []
            for sid in range(nsat):
                dd = gsl_dist_m(gi, sid)
                if dd <= desc["max_gsl_length_m"]:
                    lst.append((dd, sid))
            inr.append(lst)
        _, hfs, _ = fstate(nsat, ngs, isls, isl_len, inr,
                           desc["max_isl_length_m"], None)
        lfs = leo_fs[k]
        for key, v in hfs.items():
            all_entries += 1
            same_entries += lfs[key] == v
        S, G = st["S"], st["G"]
        for s in range(ngs):
            for d in range(ngs):
                if s == d:
                    continue
                hl = path_length(hfs, s, d, nsat, sat_dist_m,
                                 lambda g, x: gsl_dist_m(g, x))
                ll = path_length(lfs, s, d, nsat,
                                 lambda x, y: dist(S[x], S[y]) * 1e3,
                                 lambda g, x: dist(G[g], S[x]) * 1e3)
                if (hl is None) != (ll is None):
                    nmiss += 1
                    continue
                if hl is None:
                    continue
                npairs += 1
                rel = abs(ll - hl) / hl
                worst = max(worst, rel)
    print("ephem (Hypatia's model): %d pairs compared, worst RTT "
          "difference %.4f %%, %d pairs routed by one model only; "
          "%.3f %% of forwarding entries identical" %
          (npairs, 100 * worst, nmiss,
           100.0 * same_entries / max(all_entries, 1)))
    if worst > a.rtt_tol or nmiss > max(1, npairs // 100):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
