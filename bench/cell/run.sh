#!/bin/sh
# run.sh - point -> H3 cell per second on one core: leonet and h3-js in
# the same run, and their ratio.
#   bench/cell/run.sh [RES] [POINTS]     (default 5, 2000000)
# Needs a build (build/bin/leonet, or LEONET=path) and node; installs
# h3-js into tests/geo/cell_oracle/node_modules if missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
res=${1:-5}
n=${2:-2000000}
leonet=${LEONET:-$root/build/bin/leonet}
if [ ! -f "$root/tests/geo/cell_oracle/node_modules/h3-js/package.json" ]; then
    (cd "$root/tests/geo/cell_oracle" && npm ci --no-audit --no-fund >/dev/null)
fi
ours=$("$leonet" --threads 1 bench cell --res "$res" --points "$n" |
       sed -n 's/^cells_per_s=//p')
theirs=$(node "$here/bench.js" "$res" "$n" | sed -n 's/^cells_per_s=//p')
echo "leonet_cells_per_s=$ours"
echo "h3js_cells_per_s=$theirs"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio=%.2f\n", a / b }'
echo "cells_per_s=$ours"
