#!/usr/bin/env bash
# Runs every built fuzz harness in DIR for FUZZ_SECONDS (default 20) on a
# copy of its seed corpus fuzz/corpus/<name>/. Fails on any crash, leak or
# sanitizer report. The daemon's harnesses (fuzz_srv_*) run for
# FUZZ_SRV_SECONDS (default 5) each. Usage: fuzz/run.sh BUILD_DIR/fuzz
set -eu
dir=$(cd "$1" && pwd)
secs=${FUZZ_SECONDS:-20}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
for bin in "$dir"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin"); name=${name#fuzz_}
    t=$secs
    case $name in srv_*) t=${FUZZ_SRV_SECONDS:-5} ;; esac
    mkdir -p "$work/$name"
    [ -d "$here/corpus/$name" ] && cp -r "$here/corpus/$name/." "$work/$name/"
    echo "fuzz: $name for ${t}s"
    (cd "$work" && "$bin" -max_total_time="$t" -rss_limit_mb=2048 \
        -max_len=65536 -timeout=10 -print_final_stats=0 "$work/$name" \
        >"$work/$name.log" 2>&1) || {
        tail -40 "$work/$name.log"
        echo "fuzz: $name FAILED" >&2
        exit 1
    }
    grep -E '^#[0-9]+.*DONE' "$work/$name.log" | tail -1 || true
    n=$((n + 1))
done
echo "fuzz: $n harnesses ran clean"
