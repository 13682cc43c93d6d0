#!/usr/bin/env bash
# Engine throughput: the built-in scenario at 1k, 10k, 100k terminals and at
# its own size, full day, on the real TLEs. Prints terminal-steps per second
# from the run's own summary line. Usage: bench/sim/run.sh [LEONET] [DURATION_S]
set -eu
leonet=${1:-build/bin/leonet}
dur=${2:-86400}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for n in 1000 10000 100000 0; do
    args=(run --duration "$dur" --output "$out/r")
    [ "$n" != 0 ] && args+=(--terminals "$n")
    line=$(CI=1 "$leonet" "${args[@]}" | grep 'terminal-steps in')
    echo "terminals=${n/#0/scenario} $line"
done
