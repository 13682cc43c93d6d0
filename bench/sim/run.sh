#!/usr/bin/env bash
# Engine throughput: the built-in scenario at 1k, 10k, 100k terminals and at
# its own size (20,300) on the real TLEs, then at its own size on the gen1
# preset and with the laser mesh on. Prints terminal-steps per second from
# each run's own summary line (the step loop; setup and outputs excluded)
# and the run's max RSS.
# Then the two schedulers of link.scheduler side by side, alternated twice
# (the built-in "slot" against the same scenario with "sticky").
# Usage: bench/sim/run.sh [LEONET] [DURATION_S] [THREADS]
#   (defaults: build/bin/leonet, 86400, all cores)
set -eu
leonet=${1:-build/bin/leonet}
dur=${2:-86400}
thr=${3:-0}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
targs=()
[ "$thr" != 0 ] && targs=(--threads "$thr")
one() {
    local label=$1
    shift
    local line rss
    line=$(CI=1 /usr/bin/time -f 'maxrss_kb=%M' -o "$out/time" \
        "$leonet" "${targs[@]}" run --duration "$dur" --output "$out/r" "$@" |
        grep 'terminal-steps in')
    rss=$(cat "$out/time")
    echo "$label $line $rss (load $(cut -d' ' -f1 /proc/loadavg))"
}
for n in 1000 10000 100000; do
    one "terminals=$n" --terminals "$n"
done
one "terminals=scenario"
one "terminals=scenario gen1" --constellation gen1
one "terminals=scenario isl" --isl on
"$leonet" scenario show ukraine-2022 |
    sed 's/"scheduler": *"slot"/"scheduler": "sticky"/' >"$out/sticky.json"
for round in 1 2; do
    one "scheduler=slot round=$round"
    one "scheduler=sticky round=$round" "$out/sticky.json"
done
