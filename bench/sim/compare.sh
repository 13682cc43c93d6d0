#!/usr/bin/env bash
# compare.sh - two leonet binaries on the same run, side by side in one
# spell of the (shared, noisy) machine: the built-in day, alternated
# OLD, NEW, OLD, NEW ... so both see the same load; prints each run's
# step-loop time (the run's own "terminal-steps in" line: setup and
# outputs excluded) and whole wall time, then the medians and NEW/OLD.
# For a change that must not slow the engine (issue 13: "the full built-in
# day no slower than today").
#   bench/sim/compare.sh OLD_LEONET NEW_LEONET [ROUNDS] [RUN ARGS...]
#   (default 3 rounds of `run --duration 86400`)
set -eu
[ $# -ge 2 ] || { sed -n '2,11p' "$0" >&2; exit 2; }
old=$(realpath "$1"); new=$(realpath "$2")
rounds=${3:-3}
shift 2; [ $# -gt 0 ] && shift
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--duration 86400)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
one() {   # LABEL BIN -> "loop_s wall_s"
    local t0 t1 line
    t0=$(date +%s.%N)
    line=$(CI=1 "$2" run "${args[@]}" --output "$out/r" | grep 'terminal-steps in')
    t1=$(date +%s.%N)
    # "... N terminal-steps in X s ..."
    local loop
    loop=$(sed -E 's/.*terminal-steps in ([0-9.]+) s.*/\1/' <<<"$line")
    echo "$loop $(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')"
}
: > "$out/old"; : > "$out/new"
for r in $(seq "$rounds"); do
    for side in old new; do
        bin=$old; [ $side = new ] && bin=$new
        res=$(one $side "$bin")
        echo "$res" >> "$out/$side"
        printf 'round %d %-3s loop %7.2f s  wall %7.2f s  (load %s)\n' \
            "$r" "$side" $res "$(cut -d' ' -f1 /proc/loadavg)"
    done
done
med() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ol=$(cut -d' ' -f1 "$out/old" | med); nl=$(cut -d' ' -f1 "$out/new" | med)
ow=$(cut -d' ' -f2 "$out/old" | med); nw=$(cut -d' ' -f2 "$out/new" | med)
printf 'median loop: old %.2f s, new %.2f s, new/old %.3f\n' "$ol" "$nl" \
    "$(awk -v a="$ol" -v b="$nl" 'BEGIN {print b / a}')"
printf 'median wall: old %.2f s, new %.2f s, new/old %.3f\n' "$ow" "$nw" \
    "$(awk -v a="$ow" -v b="$nw" 'BEGIN {print b / a}')"
