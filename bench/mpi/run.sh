#!/usr/bin/env bash
# bench/mpi/run.sh LEONET [--goal] - issue 16's figures (docs/scaling.md,
# docs/BENCHMARKS.md "MPI"), on demand (minutes; `nice` it on a shared
# machine). Scenarios come from `leonet scenario gen` (Ukraine's places,
# Europe's 26 gateways x 8 antennas, sticky scheduler, 15 s steps):
#   size     engine cost per terminal-step at 3k, 10k and 30k satellites,
#            100,000 terminals, 30 min, one process, 1 thread
#   strong   30k satellites, 100,000 terminals, 30 min: 1 rank x 1 thread,
#            1 x 2, 2 ranks x 1, 4 ranks x 1 (oversubscribed: 4 > 2 cores)
#   weak     50,000 terminals a rank: 1 rank, 2 ranks
#   --goal   1,000,000 terminals x 30k satellites, 10 min (40 steps):
#            1 rank x 2 threads, 2 ranks x 1 thread (needs ~13 GB)
# Per run: the CPU time of all processes (user + sys: on a shared
# machine the wall time of a parallel run measures the others' load),
# the step loop's wall time (summary's "terminal-steps in X s"),
# ns per terminal-step, the phases (LEONET_SIM_PHASES=1), and with MPI
# the bytes rank 0 exchanged per step. Prints a Markdown table.
set -eu
leonet=$(realpath "$1"); goal=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
gen() { # gen NAME TERMINALS DURATION_S SHELLS-ARGS...
    local name=$1 nt=$2 dur=$3; shift 3
    "$leonet" scenario gen "$@" --terminals "$nt" --duration "$dur" \
        --out-dir "$work/out-$name" --out "$name.json" 2>/dev/null
}
row() { # row LABEL NP THREADS SCENARIO [marks]
    local label=$1 np=$2 th=$3 sc=$4 mark=${5:-}
    local cmd=("$leonet" --threads "$th" run "$sc")
    local t0 t1
    t0=$(date +%s.%N)
    if [ "$np" -gt 0 ]; then
        LEONET_SIM_PHASES=1 /usr/bin/time -f '%U %S' -o cpu.txt \
            mpirun --oversubscribe --allow-run-as-root \
            -x LEONET_SIM_PHASES -np "$np" "${cmd[@]}" > run.out 2> run.err
    else
        LEONET_SIM_PHASES=1 /usr/bin/time -f '%U %S' -o cpu.txt \
            "${cmd[@]}" > run.out 2> run.err
    fi
    local cpu; cpu=$(awk '{printf "%.1f", $1 + $2}' cpu.txt)
    t1=$(date +%s.%N)
    local ts loop
    ts=$(grep -oE '[0-9]+ terminal-steps in [0-9.]+ s' run.out | head -1)
    loop=$(echo "$ts" | awk '{print $4}')
    local n; n=$(echo "$ts" | awk '{print $1}')
    local ns; ns=$(awk -v l="$loop" -v n="$n" 'BEGIN{printf "%.0f", l*1e9/n}')
    local ph; ph=$(grep -oE 'propagate.*tally [0-9.]+' run.err | head -1)
    local by; by=$(grep -oE '[0-9.]+ per step' run.err | head -1 | awk '{printf "%.2f MB", $1/1e6}')
    printf "| %s | %s | %s | %s | %s | %s | %.1f | %s | %s | %s |\n" \
        "$label" "$([ "$np" -gt 0 ] && echo "$np" || echo "-")" "$th" "$n" \
        "$loop" "$ns" "$(echo "$t1 - $t0" | bc)" "$cpu" "${by:--}" \
        "$ph$mark"
}
echo "| case | ranks | threads | terminal-steps | loop s | ns/terminal-step | total s | CPU s | rank 0 MB/step | phases of rank 0 (s) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
gen s3k 100000 1800 --preset none --shells 550/53/50/60
gen s10k 100000 1800 --preset none \
    --shells 540/53/50/60,550/43/50/60,560/33/50/60,570/97/20/50
gen s30k 100000 1800
row "size 3,000 sats" 0 1 s3k.json
row "size 10,000 sats" 0 1 s10k.json
row "size 29,988 sats (gen2)" 0 1 s30k.json
row "strong 30k/100k" 0 1 s30k.json
row "strong 30k/100k" 0 2 s30k.json
row "strong 30k/100k" 1 1 s30k.json
row "strong 30k/100k" 2 1 s30k.json
row "strong 30k/100k" 4 1 s30k.json " (oversubscribed)"
gen w50k 50000 1800
row "weak 50k a rank" 1 1 w50k.json
row "weak 50k a rank" 2 1 s30k.json
if [ "$goal" = "--goal" ]; then
    gen g1m 1000000 600
    row "goal 1M x 30k" 0 2 g1m.json
    row "goal 1M x 30k" 2 1 g1m.json
fi
