#!/usr/bin/env bash
# test_mpi.sh LEONET MPIRUN - `mpirun -np N leonet run` (issue 16):
#  1. the outputs of N = 1, 2, 3, 4 ranks are byte-identical (cmp of
#     every file) to the same binary's single-process run (no mpirun: the
#     engine without MPI), on the built-in day cut to 30 min and 2,000
#     terminals (slot scheduler, zones, mobile units), on the day with
#     a granted kill (contracts, audit.log), and on a generated
#     Walker case with the sticky scheduler and the laser mesh;
#  2. 0 terminals, and more ranks (4) than terminals (3): the same;
#  3. a rank that dies (SIGKILL mid-run) makes the run fail, with
#     mpirun's message naming it, within 120 s (no hang), and no outputs;
#  4. a rank that fails cleanly (rank 0's output folder cannot be made)
#     stops every rank with its message, exit non-zero, no hang.
# Ranks are oversubscribed (2 cores here), with 1 thread each.
set -u
leonet=$1
mpirun=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail=0
no() { echo "FAIL: $*"; fail=1; }
mpi() { # mpi N ARGS...
    local n=$1; shift
    timeout 600 "$mpirun" --oversubscribe --allow-run-as-root -np "$n" \
        "$leonet" --threads 1 "$@"
}
same() { # same NAME: every file of NAME-1 equals NAME-N's
    local name=$1 n=$2 f
    [ -s "$name-ref/summary.json" ] || { no "$name: no reference"; return; }
    for f in "$name-ref"/*; do
        cmp -s "$f" "$name-$n/$(basename "$f")" ||
            no "$name: N=$n: $(basename "$f") differs"
    done
    [ "$(ls "$name-ref" | wc -l)" = "$(ls "$name-$n" 2>/dev/null | wc -l)" ] ||
        no "$name: N=$n: not the same files"
}
case_runs() { # case_runs NAME NS ARGS...
    local name=$1 ns=$2; shift 2
    "$leonet" --threads 1 run "$@" --quiet --output "$name-ref" ||
        no "$name: single-process run"
    for n in $ns; do
        mpi "$n" run "$@" --quiet --output "$name-$n" || no "$name: N=$n exit"
        same "$name" "$n"
    done
}

# 1. the built-in day (slot scheduler, zones, mobile units)
case_runs day "1 2 3 4" --duration 1800 --terminals 2000
# ... the day with a granted kill at 12:00 (issue 15: contracts, the
# simulator's audit log and audit.log), 11:30 to 12:30
"$leonet" scenario show ukraine-2022-kill-granted 2>/dev/null |
    sed 's/"start": "2022-10-09T00:00:00Z"/"start": "2022-10-09T11:30:00Z"/' \
    > granted.json
grep -q '"start": "2022-10-09T11:30:00Z"' granted.json || no "granted.json"
case_runs granted "2 3" granted.json --duration 3600 --terminals 2000
grep -q change-granted granted-ref/events.csv || no "granted: no change row"
[ -s granted-ref/audit.log ] || no "granted: no audit.log"
# ... and a generated Walker case: sticky scheduler, laser mesh
"$leonet" scenario gen --preset none --shells 550/53/24/20,560/97.6/6/20 \
    --terminals 1500 --duration 1200 --step 30 --window 600 --isl on \
    --out walker.json 2>/dev/null || no "gen walker"
case_runs walker "2 3" walker.json

# 2. 0 terminals; more ranks than terminals
"$leonet" scenario gen --preset none --shells 550/53/12/10 --terminals 0 \
    --duration 300 --step 60 --window 300 --out zero.json 2>/dev/null
case_runs zero "2" zero.json
"$leonet" scenario gen --preset none --shells 550/53/12/10 --terminals 3 \
    --duration 300 --step 60 --window 300 --out three.json 2>/dev/null
case_runs three "4" three.json

# 3. a rank dies mid-run: the run fails, names it, does not hang
"$leonet" scenario gen --preset none --shells 550/53/72/22 \
    --terminals 20000 --duration 86400 --step 15 --out long.json \
    2>/dev/null
timeout 120 "$mpirun" --oversubscribe --allow-run-as-root -np 3 \
    "$leonet" --threads 1 run long.json --quiet --output dead \
    > dead.out 2> dead.err &
mp=$!
kids=""
for _ in $(seq 1 100); do # the ranks: the children of mpirun (timeout's)
    kids=""
    for p in $(pgrep -P "$mp" 2>/dev/null); do
        kids="$kids $(pgrep -P "$p" -d ' ' 2>/dev/null)"
    done
    [ "$(echo "$kids" | wc -w)" -ge 3 ] && break
    sleep 0.2
done
sleep 2
victim=$(echo "$kids" | awk '{print $2}')
if [ -n "$victim" ]; then
    kill -KILL "$victim"
    wait "$mp"
    rc=$?
    [ $rc -ne 0 ] || no "a dead rank: mpirun exit 0"
    [ $rc -ne 124 ] || no "a dead rank: the run hung (timeout)"
    grep -qiE 'signal 9|killed|exited|abort' dead.err ||
        no "a dead rank: no message: $(head -c 600 dead.err)"
    [ ! -e dead/summary.json ] || no "a dead rank: outputs written"
else
    no "a dead rank: ranks not found ($kids)"
    kill "$mp" 2>/dev/null
fi
# 4. a rank that fails cleanly (rank 0 cannot create the output folder: its parent is a file):
#    every rank stops at the agreement, rank 0 says why, exit non-zero
timeout 120 "$mpirun" --oversubscribe --allow-run-as-root -np 3 \
    "$leonet" --threads 1 run three.json --quiet \
    --output "$work/three.json/out" > fail.out 2> fail.err
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] || no "a failing rank: exit $rc"
grep -q "three.json/out" fail.err ||
    no "a failing rank: no message: $(head -c 600 fail.err)"

[ $fail -eq 0 ] && echo "mpi: ok"
exit $fail
