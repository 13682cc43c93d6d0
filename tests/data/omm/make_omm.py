#!/usr/bin/env python3
"""Makes the OMM test vectors (JSON and CSV, CelesTrak's GP field names and
number forms) from the first 25 sets of data/tle/starlink_2022-10-09.tle,
so that tests can check that an OMM record and the TLE it came from give the
same element set. Run from the repository root:
    /usr/bin/python3 tests/data/omm/make_omm.py
Conversion as CelesTrak documents it: EPOCH = TLE epoch as ISO 8601 with
microseconds; angles and mean motion copied; ECCENTRICITY = "0." + field;
BSTAR and MEAN_MOTION_DDOT from the implied-decimal exponent form."""
import csv, datetime, json, sys

src = "data/tle/starlink_2022-10-09.tle"
lines = open(src).read().splitlines()
recs = []
for i in range(0, 75, 3):
    name, l1, l2 = lines[i].strip(), lines[i + 1], lines[i + 2]
    yy = int(l1[18:20]); year = 2000 + yy if yy < 57 else 1900 + yy
    days = float(l1[20:32])
    ep = datetime.datetime(year, 1, 1) + datetime.timedelta(days=days - 1)
    # round to the microsecond as CelesTrak prints it
    def expf(s):
        mant = float(s[0].replace(' ', '+') + '.' + s[1:6])
        return mant * 10 ** int(s[6:8])
    intl = l1[9:17].strip()
    yr = int(intl[:2]); yr = 2000 + yr if yr < 57 else 1900 + yr
    recs.append({
        "OBJECT_NAME": name,
        "OBJECT_ID": "%d-%s" % (yr, intl[2:]),
        "EPOCH": ep.strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "MEAN_MOTION": float(l2[52:63]),
        "ECCENTRICITY": float("0." + l2[26:33]),
        "INCLINATION": float(l2[8:16]),
        "RA_OF_ASC_NODE": float(l2[17:25]),
        "ARG_OF_PERICENTER": float(l2[34:42]),
        "MEAN_ANOMALY": float(l2[43:51]),
        "EPHEMERIS_TYPE": int(l1[62]),
        "CLASSIFICATION_TYPE": l1[7],
        "NORAD_CAT_ID": int(l1[2:7]),
        "ELEMENT_SET_NO": int(l1[64:68]),
        "REV_AT_EPOCH": int(l2[63:68]),
        "BSTAR": expf(l1[53:61]),
        "MEAN_MOTION_DOT": float(l1[33:43]),
        "MEAN_MOTION_DDOT": expf(l1[44:52]),
    })
with open("tests/data/omm/starlink_sample.json", "w") as f:
    json.dump(recs, f, indent=1)
with open("tests/data/omm/starlink_sample.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(recs[0].keys()), lineterminator="\r\n")
    w.writeheader()
    for r in recs:
        w.writerow(r)
with open("tests/data/omm/starlink_sample.tle", "w") as f:
    f.write("\n".join(lines[:75]) + "\n")
