#!/usr/bin/env bash
# test_mpi_gen.sh LEONET - `leonet scenario gen` (issue 16): the preset's
# shells against the published numbers (hand-written here from FCC IBFS
# SAT-AMD-20210818-00105, Configuration 1, and FCC 22-91), the file
# parses (python3's json) and `leonet scenario check` accepts it, a small
# generated case runs with `leonet run`, and bad options exit 2.
set -u
leonet=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail=0
no() { echo "FAIL: $*"; fail=1; }

# 1. gen2: nine shells, 29,988 satellites
"$leonet" scenario gen --terminals 1000 --out gen2.json || no "gen2 exit"
python3 - gen2.json <<'PY' || fail=1
import json, sys
sc = json.load(open(sys.argv[1]))
want = [(340, 53.0, 48, 110), (345, 46.0, 48, 110), (350, 38.0, 48, 110),
        (360, 96.9, 30, 120), (525, 53.0, 28, 120), (530, 43.0, 28, 120),
        (535, 33.0, 28, 120), (604, 148.0, 12, 12), (614, 115.7, 18, 18)]
got = [(s["alt_km"], s["incl_deg"], s["planes"], s["per_plane"])
       for s in sc["constellation"]["shells"]]
if got != want:
    print("FAIL: gen2 shells", got); sys.exit(1)
n = sum(p * q for _, _, p, q in got)
if n != 29988:
    print("FAIL: gen2 satellites", n); sys.exit(1)
if sc["terminals"][0]["count"] != 1000 or sc["step_s"] != 15:
    print("FAIL: terminals/step"); sys.exit(1)
PY
"$leonet" scenario check gen2.json > check.txt || no "check gen2"
grep -q ': ok (1 terminal groups, 1000 terminals' check.txt || no "check text: $(cat check.txt)"

# 2. gen2-fcc2022: 3 x 28 x 120 = 10,080; gen1: the preset member
"$leonet" scenario gen --preset gen2-fcc2022 --out f.json || no "fcc exit"
python3 -c '
import json,sys
s=json.load(open("f.json"))["constellation"]["shells"]
t=[(x["alt_km"],x["incl_deg"],x["planes"]*x["per_plane"]) for x in s]
sys.exit(0 if t==[(525,53,3360),(530,43,3360),(535,33,3360)] else 1)' ||
    no "gen2-fcc2022 shells"
"$leonet" scenario gen --preset gen1 --out g1.json || no "gen1 exit"
python3 -c '
import json,sys
sys.exit(0 if json.load(open("g1.json"))["constellation"]=={"preset":"gen1"} else 1)' ||
    no "gen1 preset"

# 3. own shells + uniform spread: a small case runs
"$leonet" scenario gen --preset none --shells 550/53/12/10,1200/87.9/6/6 \
    --terminals 40 --spread uniform --duration 600 --step 60 --window 300 \
    --out-dir "$work/out" --out small.json || no "small exit"
python3 -c '
import json,sys
s=json.load(open("small.json"))
sh=s["constellation"]["shells"]
g=s["terminals"][0]
sys.exit(0 if len(sh)==2 and sh[1]["planes"]*sh[1]["per_plane"]==36
         and g["rural_share"]==1 and "places" not in g else 1)' ||
    no "small shells/spread"
"$leonet" --threads 1 run small.json --quiet || no "run small"
python3 -c '
import json,sys
r=json.load(open("out/summary.json"))["run"]
sys.exit(0 if r["terminals"]==40 and r["satellites"]==156 else 1)' ||
    no "summary of the small run"

# 4. bad options: exit 2 with a message naming the option
for bad in "--terminals -1" "--preset gen9" "--shells 550/53/0/10" \
           "--shells 550/53" "--spread dense" "--step 100 --duration 50"; do
    # shellcheck disable=SC2086
    "$leonet" scenario gen $bad --out x.json 2> err.txt
    rc=$?
    [ $rc -eq 2 ] || no "'$bad' exit $rc"
    [ -s err.txt ] || no "'$bad' no message"
    [ ! -e x.json ] || no "'$bad' wrote a file"
done
[ $fail -eq 0 ] && echo "scenario gen: ok"
exit $fail
