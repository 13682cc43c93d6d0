#!/usr/bin/env bash
# run.sh - leonet's batch SGP4 against its peers on the same TLEs, times
# and number of steps: leonet (1 and 2 threads, best SIMD kernel, and the
# portable scalar kernel), satellite.js (JavaScript sgp4() and its WASM
# BulkPropagator), and python-sgp4's SatrecArray (a short run: Debian's
# build has no C++ extension). Prints each figure and the ratios, both
# on wall-clock time and per CPU-second of the process (the latter shows
# per-core speed even when other jobs share the cores; it counts node's
# JIT and GC threads too).
#
# usage: bench/propagate/run.sh [path/to/leonet]
#   env MINUTES (default 1440): one-minute steps per run
#       TLE (default data/tle/starlink_2022-10-09.tle), START (ISO 8601)
# Needs node + npm (satellite.js is installed here, in node_modules, from
# package-lock.json on first use: scripts/npm-ci.sh) and /usr/bin/python3 with python3-sgp4.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
leonet=${1:-$root/build/bin/leonet}
tle=${TLE:-$root/data/tle/starlink_2022-10-09.tle}
start=${START:-2022-10-09T11:30:00Z}
minutes=${MINUTES:-1440}

if [ ! -x "$leonet" ]; then
    echo "run.sh: no leonet binary at $leonet (make build first)" >&2
    exit 2
fi
sh "$root/scripts/npm-ci.sh" npm "$here" >/dev/null

last() { tail -n 1 | sed -n 's/^propagations_per_s=//p'; }
percpu() { sed -n 's/.* \([0-9.]*\) M propagations per cpu-second/\1/p'; }
outs=""
run() { # var, label, command...: sets $var (wall rate) and ${var}_cpu
    local var=$1 label=$2 out
    shift 2
    out=$("$@")
    printf '%s\n' "$out" | sed "s/^/  [$label] /" >&2
    printf -v "$var" '%s' "$(printf '%s\n' "$out" | last)"
    printf -v "${var}_cpu" '%s' "$(printf '%s\n' "$out" | percpu)"
}

echo "TLE: $tle, $minutes steps of 60 s from $start" >&2
uptime >&2
common=(bench propagate --tle "$tle" --start "$start" --minutes "$minutes")
run l1 "leonet 1 thread" "$leonet" --threads 1 "${common[@]}"
run l2 "leonet 2 threads" "$leonet" --threads 2 "${common[@]}"
run ls1 "leonet scalar kernel, 1 thread" env LN_SIMD=scalar "$leonet" \
    --threads 1 "${common[@]}"
run sj "satellite.js js" node "$here/satjs_bench.mjs" --tle "$tle" \
    --start "$start" --minutes "$minutes" --mode js
run sw "satellite.js wasm" node "$here/satjs_bench.mjs" --tle "$tle" \
    --start "$start" --minutes "$minutes" --mode wasm
pyminutes=$(( minutes < 10 ? minutes : 10 ))
run py "python-sgp4" /usr/bin/python3 "$here/pysgp4_bench.py" \
    --tle "$tle" --start "$start" --minutes "$pyminutes"

kernel=$(LN_SIMD=${LN_SIMD:-} "$leonet" --threads 1 bench propagate \
         --tle "$tle" --start "$start" --minutes 1 |
         sed -n 's/^kernel: \([a-z0-9]*\),.*/\1/p')
awk -v l1="$l1" -v l2="$l2" -v ls1="$ls1" -v sj="$sj" -v sw="$sw" \
    -v py="$py" -v c1="$l1_cpu" -v c2="$l2_cpu" -v cs1="$ls1_cpu" \
    -v csj="$sj_cpu" -v csw="$sw_cpu" -v cpy="$py_cpu" -v k="$kernel" '
function row(name, wall, cpu) {
    printf "%-40s %10.3f %12.3f\n", name, wall / 1e6, cpu
}
BEGIN {
    printf "\n%-40s %10s %12s\n", "propagator", "M prop/s", "M/cpu-s"
    row("leonet (" k "), 1 thread", l1, c1)
    row("leonet (" k "), 2 threads", l2, c2)
    row("leonet (scalar kernel), 1 thread", ls1, cs1)
    row("satellite.js sgp4() (JS)", sj, csj)
    row("satellite.js BulkPropagator (WASM)", sw, csw)
    row("python-sgp4 SatrecArray (no C++ ext)", py, cpy)
    printf "\nratios (wall clock; per cpu-second in brackets):\n"
    printf "  leonet 1 thread / satellite.js JS:   %6.1f (%.1f)\n",
        l1 / sj, c1 / csj
    printf "  leonet 1 thread / satellite.js WASM: %6.1f (%.1f)\n",
        l1 / sw, c1 / csw
    printf "  leonet 2 threads / satellite.js JS:  %6.1f\n", l2 / sj
    printf "  leonet 2 threads / 1 thread:         %6.2f\n", l2 / l1
}'
