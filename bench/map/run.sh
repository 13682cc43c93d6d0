#!/bin/sh
# run.sh - the activity map's costs, on demand (not a test):
#   1. a day of the built-in scenario (96 windows of 15 min, H3 res 5),
#      timed, then `leonet map` on it (PNG + world file + page), timed;
#   2. the page in headless Chromium: time per slider step over all 96
#      windows (bench_page.js; goal < 100 ms per step).
#   bench/map/run.sh [OUT_DIR]      (default: a temporary directory)
# Needs a build (build/bin/leonet, or LEONET=path), node, /usr/bin/chromium
# (scripts/install-deps.sh --test); installs playwright-core into
# tests/activity/browser/node_modules if missing. Uses all cores unless
# THREADS=N. docs/BENCHMARKS.md ("Activity map").
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
leonet=${LEONET:-$root/build/bin/leonet}
threads=${THREADS:-0}
if [ -n "${1:-}" ]; then
    out=$1
else
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
fi
sh "$root/scripts/npm-ci.sh" npm "$root/tests/activity/browser" >/dev/null
echo "load: $(uptime)"
t0=$(date +%s.%N)
"$leonet" --threads "$threads" run --quiet --duration 86400 --output "$out/day"
t1=$(date +%s.%N)
"$leonet" map "$out/day"
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
    printf "run_s=%.2f (24 h, outputs and map included)\nmap_s=%.2f (leonet map: PNG + page)\n", b - a, c - b }'
node "$here/bench_page.js" "$out/day" "$out/activity-page.png"
echo "load: $(uptime)"
