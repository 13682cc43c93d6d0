#!/bin/sh
# bench/net/bench_hypatia.sh LEONET [DURATION_S] [THREADS] [EXTRA OPTIONS...]
# Hypatia's Starlink 550 paper case (72x22 +Grid, top-100 cities, 100 ms
# steps, algorithm_free_one_only_over_isls) through `leonet route --hypatia`;
# prints leonet's per-step breakdown (wall and CPU) and how the
# destinations were computed. EXTRA options go to leonet route, e.g.
# --full-dijkstra (no reuse of the previous step's trees: the reference).
# Results: docs/BENCHMARKS.md ("Network / Hypatia state").
set -e
LEONET=${1:?usage: bench_hypatia.sh LEONET [DURATION_S] [THREADS] [EXTRA...]}
DUR=${2:-20}
THR=${3:-1}
[ $# -ge 3 ] && shift 3 || shift $#
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
/usr/bin/python3 "$HERE/make_starlink_550_state.py" "$W/state"
uptime
"$LEONET" route --hypatia "$W/state" --duration "$DUR" --step-ms 100 \
    --threads "$THR" --out "$W/out" "$@"
du -sh "$W/out"
