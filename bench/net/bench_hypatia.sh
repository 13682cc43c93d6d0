#!/bin/sh
# bench/net/bench_hypatia.sh LEONET [DURATION_S] [THREADS]
# Hypatia's Starlink 550 paper case (72x22 +Grid, top-100 cities, 100 ms
# steps, algorithm_free_one_only_over_isls) through `leonet route --hypatia`;
# prints leonet's per-step breakdown. Results: docs/BENCHMARKS.md.
set -e
LEONET=${1:?usage: bench_hypatia.sh LEONET [DURATION_S] [THREADS]}
DUR=${2:-20}
THR=${3:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
/usr/bin/python3 "$HERE/make_starlink_550_state.py" "$W/state"
"$LEONET" route --hypatia "$W/state" --duration "$DUR" --step-ms 100 \
    --threads "$THR" --out "$W/out"
du -sh "$W/out"
rm -rf "$W"
