#!/usr/bin/env bash
# same-outputs.sh - are two leonet binaries' outputs byte-identical?
#
#   scripts/same-outputs.sh OLD_LEONET NEW_LEONET [--quick] [--keep DIR]
#
# For a change that must not change any result (a refactoring: issue 13),
# run on every commit of it with OLD = the binary before the change. Runs
# each case below with both binaries and compares every file they wrote
# with cmp (the run's outputs, route's series, Hypatia's fstate files, the
# map's PNG/GIF/HTML):
#   run-t1      leonet run (built-in ukraine-2022), --threads 1
#   run-t2      the same, --threads 2
#   run-isl     --isl on (the laser mesh; the built-in day has it off)
#   run-gen1    --constellation gen1 (Walker Gen1 preset), --isl on
#   run-frames  --frames --animate --every 16 (frames and GIF)
#   map         leonet map on run-t1's folder (re-drawn from its files)
#   route       leonet route --shells gen1, Kyiv to the nearest gateway
#   hypatia     route --hypatia --export, then a 20 s run on that state
# --quick runs 2 h of the day instead of 24 h (minutes instead of ~10).
# --scenario FILE runs the run-* cases on FILE instead of the built-in.
# Exit 0 when every file matches, 1 when one differs (listed), 2 on usage.
set -eu
[ $# -ge 2 ] || { sed -n '2,20p' "$0" >&2; exit 2; }
old=$(realpath "$1"); new=$(realpath "$2"); shift 2
dur=86400; keep=; runsc=(run)
while [ $# -gt 0 ]; do
    case $1 in
    --quick) dur=7200 ;;
    --scenario) runsc=(run "$(realpath "$2")"); shift ;; # FILE for run-*
    --keep) keep=$2; shift ;;
    *) echo "same-outputs.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
root=$(cd "$(dirname "$0")/.." && pwd)
work=${keep:-$(mktemp -d)}
mkdir -p "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
gw="$root/data/geo/starlink_gateways_europe.csv"


# one_case NAME ARGS...: run ARGS with both binaries, outputs in
# $work/{old,new}/NAME ("@OUT@" in ARGS is replaced by that folder).
one_case() {
    local name=$1; shift
    for side in old new; do
        local bin=$old out="$work/$side/$name"
        [ $side = new ] && bin=$new
        rm -rf "$out"; mkdir -p "$out"
        local args=() a
        for a in "$@"; do args+=("${a//@OUT@/$out}"); done
        if ! (cd "$out" && "$bin" "${args[@]}" >"$out/stdout.txt" \
              2>"$out/stderr.txt"); then
            echo "same-outputs.sh: $side: leonet ${args[*]} failed:" >&2
            tail -5 "$out/stderr.txt" >&2
            exit 1
        fi
    done
}

echo "same-outputs: $(basename "$old") vs $(basename "$new"), day ${dur} s"
t0=$(date +%s)
one_case run-t1 "${runsc[@]}" --quiet --threads 1 --duration "$dur" --output @OUT@/o
one_case run-t2 "${runsc[@]}" --quiet --threads 2 --duration "$dur" --output @OUT@/o
one_case run-isl "${runsc[@]}" --quiet --isl on --duration "$dur" --output @OUT@/o
one_case run-gen1 "${runsc[@]}" --quiet --constellation gen1 --isl on \
    --duration "$dur" --output @OUT@/o
one_case run-frames "${runsc[@]}" --quiet --duration "$dur" --frames --animate \
    --every 16 --output @OUT@/o
# the map of one run's files, drawn by each binary (the same input)
for side in old new; do
    bin=$old; [ $side = new ] && bin=$new
    rm -rf "$work/$side/map"; mkdir -p "$work/$side/map"
    cp -r "$work/old/run-t1/o" "$work/$side/map/o"
    rm -f "$work/$side/map/o/activity".{png,html,pgw,prj}
    (cd "$work/$side/map" && "$bin" map o --frames --animate --every 8 \
        >stdout.txt 2>stderr.txt) || {
        echo "same-outputs.sh: $side: leonet map failed" >&2
        tail -5 "$work/$side/map/stderr.txt" >&2; exit 1; }
done
one_case route route --shells gen1 --from 50.45,30.52 --gateways "$gw" \
    --duration 600 --step 1 --fail /dev/null
one_case hypatia route --hypatia @OUT@/st --export \
    --shells starlink550 --gs "$root/data/net/ground_stations_top_100.txt"
for side in old new; do
    bin=$old; [ $side = new ] && bin=$new
    (cd "$work/$side/hypatia" && "$bin" route --hypatia st --duration 20 \
        --step-ms 1000 --out run --threads 2 >run.out 2>run.err) || {
        echo "same-outputs.sh: $side: route --hypatia run failed" >&2
        tail -5 "$work/$side/hypatia/run.err" >&2; exit 1; }
done

# every file of every case, compared (stderr too: progress is off with
# --quiet; the work folder's name, elapsed times and rates are masked)
mask() {
    sed -E -e "s#$work/(old|new)#WORK#g" -e '/^(cpu )?per step:/d' \
        -e 's/[0-9.]+ ?(s|ms|min)\b/T/g' "$1"
}
bad=0 n=0
while IFS= read -r f; do
    n=$((n + 1))
    o="$work/old/$f" w="$work/new/$f"
    if [ ! -e "$w" ]; then echo "  missing in new: $f"; bad=1; continue; fi
    case $f in
    *stderr.txt|*.err|*stdout.txt|*.out)
        cmp -s <(mask "$o") <(mask "$w") ||
            { echo "  differs: $f"; bad=1; } ;;
    *) cmp -s "$o" "$w" || { echo "  differs: $f"; bad=1; } ;;
    esac
done < <(cd "$work/old" && find . -type f | sed 's|^\./||' | sort)
extra=$(cd "$work/new" && find . -type f | sed 's|^\./||' | sort |
        comm -13 <(cd "$work/old" && find . -type f | sed 's|^\./||' |
                   sort) -)
[ -z "$extra" ] || { echo "  only in new: $extra"; bad=1; }
echo "same-outputs: $n files compared in $(( $(date +%s) - t0 )) s:" \
     "$([ $bad = 0 ] && echo identical || echo DIFFERENT)"
exit $bad
