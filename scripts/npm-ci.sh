#!/bin/sh
# npm-ci.sh NPM DIR - installs DIR's node packages exactly as its committed
# package-lock.json pins them (`npm ci`, into DIR/node_modules), unless
# they are already installed from that same lockfile (the stamp
# node_modules/.leonet-lock is a copy of it). A node_modules left by an
# older lockfile, or by a hand-run `npm install`, is replaced.
# Used by the ctest fixtures activity_browser_npm and geo_cell_oracle_npm
# and by bench/{cell,map,propagate}/run.sh.
set -eu
npm=$1
cd "$2"
if [ -f node_modules/.leonet-lock ] &&
   cmp -s package-lock.json node_modules/.leonet-lock; then
    exit 0
fi
# npm keeps its cache and logs under $HOME; a bare environment may lack it
# (cron, chroot, some CI runners).
if [ -z "${HOME:-}" ] || [ ! -d "$HOME" ] || [ ! -w "$HOME" ]; then
    HOME=$(mktemp -d)
    export HOME
    trap 'rm -rf "$HOME"' EXIT
fi
"$npm" ci --no-audit --no-fund
cp package-lock.json node_modules/.leonet-lock
