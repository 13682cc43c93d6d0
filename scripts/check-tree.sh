#!/usr/bin/env bash
# check-tree.sh - the shape of the tree (issue 13), run by CI:
#  1. every dependency points down (docs/DESIGN.md, "Areas"):
#
#   core -> geo -> orbit -> link -> net -> policy -> meter -> activity
#        -> trust -> sim -> store -> server, cli, leonetd (the daemon's verbs)
#
# An area may include its own headers and those of the areas before it,
# never one after it; an area's private header (src/AREA/*.h) is for that
# area alone. Reads the #include "..." lines of src/ and include/leonet/,
# and the function declarations of include/leonet/ (each beside its
# definition: a public header declares only what its area defines).
#  2. no source file over 1,000 lines, no function over 120 lines
#     (generated tables and Vallado's SGP4 routines excepted, below).
#   scripts/check-tree.sh [ROOT]    exit 0 clean, 1 with the offending
#                                   lines listed (file:line: why)
set -eu
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
order=(core geo orbit link net policy meter activity trust sim store server cli leonetd)
declare -A rank
for i in "${!order[@]}"; do rank[${order[$i]}]=$i; done
# the public headers and the area each belongs to
declare -A owner=(
    [core.h]=core [err.h]=core
    [geodesy.h]=geo [geofence.h]=geo [cell.h]=geo
    [orbit.h]=orbit [link.h]=link [net.h]=net [policy.h]=policy
    [zone.h]=policy
    [meter.h]=meter [activity.h]=activity [sim.h]=sim [store.h]=store
    [server.h]=server [trust.h]=trust
)
bad=0
check() {   # FILE AREA
    local f=$1 area=$2 n=0 line inc dep
    while IFS= read -r line; do
        n=$((n + 1))
        [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]] ||
            continue
        inc=${BASH_REMATCH[1]}
        case $inc in
        leonet/*)
            dep=${owner[${inc#leonet/}]:-}
            if [ -z "$dep" ]; then
                echo "$f:$n: $inc: a public header no area owns" \
                     "(add it to check-tree.sh)"; bad=1; continue
            fi ;;
        */*) dep=${inc%%/*}
            if [ "$dep" != "$area" ]; then
                echo "$f:$n: $inc: the private header of '$dep'," \
                     "included from '$area'"; bad=1; continue
            fi ;;
        *) dep=$area ;;          # a file beside it
        esac
        if [ -z "${rank[$dep]:-}" ]; then
            echo "$f:$n: $inc: unknown area '$dep'"; bad=1; continue
        fi
        if [ "${rank[$dep]}" -gt "${rank[$area]}" ]; then
            echo "$f:$n: $inc: '$area' depends on '$dep', which comes" \
                 "after it (${order[*]})"; bad=1
        fi
    done < "$f"
}
for d in src/*/; do
    area=$(basename "$d")
    if [ -z "${rank[$area]:-}" ]; then
        echo "$d: an area that is not in the order (${order[*]})"; bad=1
        continue
    fi
    while IFS= read -r f; do check "$f" "$area"; done \
        < <(find "$d" -name '*.[ch]' | sort)
done
for f in include/leonet/*.h; do
    area=${owner[$(basename "$f")]:-}
    if [ -z "$area" ]; then
        echo "$f: a public header no area owns (add it to" \
             "check-tree.sh)"; bad=1; continue
    fi
    check "$f" "$area"
done
# A public header declares only what its own area defines: a function
# declared in include/leonet/X.h and defined in another area's src/ is
# listed (the declaration belongs beside its definition).
declare -A def
while IFS=: read -r f name; do
    a=${f#src/}; def[$name]=${a%%/*}
done < <(grep -HoE '^[a-z_][a-z0-9_ *]*\bln_[a-z0-9_]+\(' src/*/*.c |
         grep -v ':static' |
         sed -E 's/^([^:]+):.*\b(ln_[a-z0-9_]+)\($/\1:\2/')
for f in include/leonet/*.h; do
    area=${owner[$(basename "$f")]:-}
    [ -n "$area" ] || continue
    while IFS=: read -r n name; do
        d=${def[$name]:-}
        if [ -n "$d" ] && [ "$d" != "$area" ]; then
            echo "$f:$n: $name is declared in '$area' and defined in" \
                 "src/$d/"; bad=1
        fi
    done < <(grep -nE '^[a-z_][a-z0-9_ *]*\bln_[a-z0-9_]+\(' "$f" |
             sed -E 's/^([0-9]+):.*\b(ln_[a-z0-9_]+)\(.*/\1:\2/')
done
# Sizes. Excepted: Vallado's SGP4 (sgp4.c, sgp4_deep.c: kept in the
# published routine's shape so that it can be read beside the paper) and
# generated tables (cell_seed.h, written by src/geo/gen).
max_file=1000 max_fn=120
while IFS= read -r f; do
    case $f in src/orbit/sgp4.c|src/orbit/sgp4_deep.c|src/geo/cell_seed.h)
        continue ;; esac
    n=$(wc -l < "$f")
    if [ "$n" -gt $max_file ]; then
        echo "$f: $n lines (at most $max_file)"; bad=1
    fi
    # a function body opens with "{" alone at column 0 and closes with "}"
    # at column 0 (docs/STYLE.md's layout)
    out=$(awk -v max=$max_fn '
        /^\{/ { start = FNR; name = prev; next }
        /^\}/ { if (start && FNR - start - 1 > max)
                     printf "%s:%d: %s has %d lines (at most %d)\n",
                            FILENAME, start, name, FNR - start - 1, max
                 start = 0; next }
        /^[a-zA-Z_].*\(/ { l = $0; sub(/\(.*/, "", l)
                           k = split(l, w, /[ *]+/); prev = w[k] }' "$f")
    [ -z "$out" ] || { echo "$out"; bad=1; }
done < <(find src include -name '*.[ch]' | sort)
[ $bad = 0 ] && echo "check-tree: every dependency points down, every" \
    "declaration is owned where it is defined, no file over $max_file" \
    "lines, no function over $max_fn"
exit $bad
