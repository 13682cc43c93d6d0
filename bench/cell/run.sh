#!/bin/sh
# run.sh - point -> H3 cell per second on one core: leonet and h3-js in
# the same run, and their ratio.
#   bench/cell/run.sh [RES] [POINTS] [REPEAT] [ROUNDS]
#                     (default 5, 2000000, 5, 3)
# Both index the same number of uniform random points REPEAT times per
# round and keep their best run; ROUNDS rounds alternate leonet and h3-js
# so that a busy spell of a shared machine does not fall on one side only;
# the best of all rounds counts for each. Per-round figures are printed
# too (round=K leonet=... h3js=...): report the spread with the best.
# Needs a build (build/bin/leonet, or LEONET=path) and node; installs
# h3-js into tests/geo/cell_oracle/node_modules if missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
res=${1:-5}
n=${2:-2000000}
rep=${3:-5}
rounds=${4:-3}
leonet=${LEONET:-$root/build/bin/leonet}
sh "$root/scripts/npm-ci.sh" npm "$root/tests/geo/cell_oracle" >/dev/null
ours=0
theirs=0
k=1
while [ "$k" -le "$rounds" ]; do
    a=$("$leonet" --threads 1 bench cell --res "$res" --points "$n" \
        --repeat "$rep" | sed -n 's/^cells_per_s=//p')
    b=$(node "$here/bench.js" "$res" "$n" "$rep" |
        sed -n 's/^cells_per_s=//p')
    echo "round=$k leonet=$a h3js=$b"
    ours=$(awk -v x="$ours" -v y="$a" 'BEGIN { print (y > x ? y : x) }')
    theirs=$(awk -v x="$theirs" -v y="$b" 'BEGIN { print (y > x ? y : x) }')
    k=$((k + 1))
done
echo "leonet_cells_per_s=$ours"
echo "h3js_cells_per_s=$theirs"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio=%.2f\n", a / b }'
echo "cells_per_s=$ours"
