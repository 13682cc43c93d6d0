#!/usr/bin/env bash
# Geofence benchmark: leonet's index vs GEOS prepared geometry, same run,
# same points, one thread, on the 2.8k-vertex occupied polygon and the
# 77k-vertex Ukraine polygon. Usage: bench/geofence/run.sh [BUILD_DIR]
# (default build; the leonet libraries must be built there).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
b=${1:-$root/build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -O2 -std=c17 -I"$root/include" "$here/bench_geofence_geos.c" \
    "$b/libleonet_policy.a" "$b/libleonet_geo.a" "$b/libleonet_core.a" \
    $(pkg-config --libs jansson) $(geos-config --clibs) -fopenmp -lm \
    -o "$out/bench_geofence_geos"
OMP_NUM_THREADS=1 "$out/bench_geofence_geos" -n "${N:-10000000}" -r 5 \
    "$root/data/geo/occupied_deepstate_20241231.geojson" \
    "$root/data/geo/ukraine_osm_geomaps_10m.geojson"
