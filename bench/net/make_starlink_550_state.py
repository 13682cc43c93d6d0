#!/usr/bin/python3
"""Writes the static state of Hypatia's paper run
`main_starlink_550.py DUR STEP isls_plus_grid ground_stations_top_100
algorithm_free_one_only_over_isls N` (snkas/hypatia,
paper/satellite_networks_state) in satgenpy's file formats, without
satgenpy: Starlink 550 km shell, 72 x 22, 53 deg, +Grid (isl_shift 0), mean
motion 15.19 rev/day, eccentricity 1e-7, odd planes shifted by half a slot
(PHASE_DIFF), TLE epoch 2000-01-01 ("00001.00000000"), max GSL
sqrt(940700^2 + 550000^2) m, max ISL 2 sqrt((R+550 km)^2 - (R+80 km)^2) with
R = 6378135 m, one GSL interface per node with bandwidth 1, ground stations
extended with WGS-72 cartesian coordinates.

Usage: make_starlink_550_state.py OUT_DIR [GS_BASIC_FILE]
(default ground stations: data/net/ground_stations_top_100.txt)
"""
import math
import os
import sys

R = 6378135.0
P, S, INCL, MM, ECC = 72, 22, 53.0, 15.19, 0.0000001


def checksum(line):
    s = 0
    for ch in line:
        if ch.isdigit():
            s += int(ch)
        elif ch == "-":
            s += 1
    return s % 10


def main():
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    gsf = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        here, "..", "..", "data", "net", "ground_stations_top_100.txt")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "tles.txt"), "w") as f:
        f.write("%d %d\n" % (P, S))
        k = 0
        for orb in range(P):
            raan = orb * 360.0 / P
            shift = 360.0 / (S * 2.0) if orb % 2 == 1 else 0.0
            for j in range(S):
                ma = shift + j * 360 / S
                l1 = ("1 %05dU 00000ABC 00001.00000000  .00000000  00000-0 "
                      " 00000+0 0    0" % (k + 1))
                l2 = "2 %05d %s %s %s %s %s %s    0" % (
                    k + 1, ("%3.4f" % INCL).rjust(8),
                    ("%3.4f" % raan).rjust(8), ("%0.7f" % ECC)[2:],
                    ("%3.4f" % 0.0).rjust(8), ("%3.4f" % ma).rjust(8),
                    ("%2.8f" % MM).rjust(11))
                f.write("Starlink-550 %d\n%s%d\n%s%d\n" % (
                    orb * S + j, l1, checksum(l1), l2, checksum(l2)))
                k += 1
    with open(os.path.join(out, "isls.txt"), "w") as f:
        for i in range(P):
            for j in range(S):
                sat = i * S + j
                same = i * S + (j + 1) % S
                adj = ((i + 1) % P) * S + j
                f.write("%d %d\n" % (min(sat, same), max(sat, same)))
                f.write("%d %d\n" % (min(sat, adj), max(sat, adj)))
    a, fl = 6378135.0, 1.0 / 298.26
    e2 = 2 * fl - fl * fl
    n = 0
    with open(gsf) as fi, open(os.path.join(out, "ground_stations.txt"),
                               "w") as fo:
        for line in fi:
            gid, name, lat, lon, el = line.rstrip("\n").split(",")
            la, lo, h = math.radians(float(lat)), math.radians(float(lon)), \
                float(el)
            v = a / math.sqrt(1 - e2 * math.sin(la) ** 2)
            fo.write("%d,%s,%s,%s,%f,%f,%f,%f\n" % (
                int(gid), name, lat, lon, h,
                (v + h) * math.cos(la) * math.cos(lo),
                (v + h) * math.cos(la) * math.sin(lo),
                (v * (1 - e2) + h) * math.sin(la)))
            n += 1
    with open(os.path.join(out, "gsl_interfaces_info.txt"), "w") as f:
        for i in range(P * S + n):
            f.write("%d,%d,%f\n" % (i, 1, 1))
    with open(os.path.join(out, "description.txt"), "w") as f:
        f.write("max_gsl_length_m=%.10f\n" %
                math.sqrt(940700.0 ** 2 + 550000.0 ** 2))
        f.write("max_isl_length_m=%.10f\n" %
                (2 * math.sqrt((R + 550000) ** 2 - (R + 80000) ** 2)))


if __name__ == "__main__":
    main()
