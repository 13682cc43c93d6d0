#!/usr/bin/env bash
# run.sh - every benchmark of docs/BENCHMARKS.md, on demand (never in the
# test suite), each side by side with its peer in the same run:
#   propagate  SGP4 batch vs satellite.js (JS, WASM), python-sgp4
#   geofence   zone decisions vs GEOS prepared geometry
#   cell       point -> H3 cell vs h3-js
#   net        Hypatia-compatible state, per step (satgenpy: ~15 s/step)
#   sim        leonet run: 1k/10k/100k terminals, gen1, laser mesh
#   map        the activity map's outputs and the page's slider steps
#   leonetd    the daemon: decisions and ingest vs libmicrohttpd, PostGIS
# usage: bench/run.sh [LEONET] [NAME...]   (default build/bin/leonet, all)
# Takes tens of minutes for all; name a few to run only those. Record the
# printed figures, the command and `uptime` in docs/BENCHMARKS.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
leonet=$(realpath "${1:-build/bin/leonet}")
shift || true
build=$(dirname "$(dirname "$leonet")")
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(propagate geofence cell net sim map leonetd)
for n in "${names[@]}"; do
    echo "=== bench $n ($(date -u +%FT%TZ); $(uptime | sed 's/.*load/load/'))"
    case $n in
    propagate) bash "$here/propagate/run.sh" "$leonet" ;;
    geofence) bash "$here/geofence/run.sh" "$build" ;;
    cell) LEONET=$leonet bash "$here/cell/run.sh" ;;
    net) bash "$here/net/bench_hypatia.sh" "$leonet" 20 1 ;;
    sim) bash "$here/sim/run.sh" "$leonet" 86400 ;;
    map) LEONET=$leonet bash "$here/map/run.sh" ;;
    leonetd) bash "$here/leonetd/run.sh" "$build" ;;
    *) echo "bench/run.sh: unknown benchmark '$n'" >&2; exit 2 ;;
    esac
done
