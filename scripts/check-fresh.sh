#!/usr/bin/env bash
# check-fresh.sh - runs the README's two commands on a fresh Debian 12.
#
# Builds a minbase Debian 12 (bookworm) chroot with debootstrap, copies the
# committed tree into it (git archive HEAD: uncommitted changes are not
# tested), installs only `make`, then runs the commands of README.md's first
# code block in order, as root, from the tree's top directory. Prints PASS
# or FAIL and the time of each command; exits 1 at the first failure, 2 on
# a usage or set-up error.
#
# usage: sudo scripts/check-fresh.sh [DIR]      (default /var/tmp/leonet-fresh)
#   DIR/minbase-bookworm.tar  pristine minbase tree, made once by debootstrap
#                             and unpacked afresh on every run (delete it
#                             to debootstrap again)
#   DIR/root                  the chroot of this run (replaced on the next
#                             run; left in place for a look after a failure)
#   DIR/logs/N.log            the full output of command N
#
# The mirror, the apt proxy and other Acquire:: settings come from the
# host's apt configuration (/etc/apt/sources.list, sources.list.d/*,
# apt.conf, apt.conf.d/*); the host's bookworm sources (main, updates,
# security) are copied in. Third-party sources are not: a fresh machine
# has Debian's packages only (Debian's nodejs 18, not a newer one). So are
# /etc/resolv.conf and the host's local CA certificates
# (/usr/local/share/ca-certificates).
# Needs root, debootstrap (installed with apt-get when missing), git.
set -euo pipefail

SUITE=bookworm
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/var/tmp/leonet-fresh}
root=$dir/root
tarball=$dir/minbase-$SUITE.tar

die() { echo "check-fresh: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot, mount)"
case $dir in /*) ;; *) dir=$(pwd)/$dir; root=$dir/root; tarball=$dir/minbase-$SUITE.tar ;; esac
[ "$dir" != / ] || die "DIR must not be /"
command -v git >/dev/null || die "git is missing"
git -C "$here" rev-parse --verify -q HEAD >/dev/null || die "$here is not a git tree"

# ---- the host's apt configuration -----------------------------------------
# All sources files apt reads (one-line .list and deb822 .sources).
src_files() {
    [ -f /etc/apt/sources.list ] && echo /etc/apt/sources.list
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && echo "$f"
    done
    return 0
}
# The host's sources of SUITE and its -updates/-security suites, as
# one-line entries "deb URI SUITE COMPONENTS" (options like signed-by are
# dropped: the chroot's debian-archive-keyring verifies Debian's suites).
debian_sources() {
    local f
    for f in $(src_files); do
        case $f in
        *.sources)
            awk -v suite="$SUITE" '
            function flush(   i, n, s, u, nu, ns) {
                if (types ~ /(^| )deb( |$)/ && enabled != "no") {
                    nu = split(uris, u, " "); ns = split(suites, s, " ")
                    for (i = 1; i <= nu; i++)
                        for (n = 1; n <= ns; n++)
                            if (s[n] ~ "^" suite "(-updates|-security)?$")
                                print "deb " u[i] " " s[n] " " comps
                }
                types = uris = suites = comps = enabled = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            { key = tolower($1); sub(/^[^:]*:[ \t]*/, "") }
            key == "types:" { types = $0 }
            key == "uris:" { uris = $0 }
            key == "suites:" { suites = $0 }
            key == "components:" { comps = $0 }
            key == "enabled:" { enabled = tolower($0) }
            END { flush() }' "$f" ;;
        *)
            sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
                awk -v suite="$SUITE" '$1 == "deb" && $3 ~ "^" suite "(-updates|-security)?$" {
                    line = "deb " $2 " " $3
                    for (i = 4; i <= NF; i++) line = line " " $i
                    print line }' ;;
        esac
    done | awk '!seen[$0]++'
}
sources=$(debian_sources)
mirror=$(printf '%s\n' "$sources" | awk -v suite="$SUITE" '$3 == suite { print $2; exit }')
[ -n "$mirror" ] || die "no '$SUITE' source in the host's apt configuration"
printf '%s\n' "$sources" | grep -q " $SUITE-security " ||
    echo "check-fresh: warning: the host has no $SUITE-security source" >&2
# debootstrap does not read apt.conf: hand it the host's apt proxy.
eval "$(apt-config shell http_proxy Acquire::http::Proxy https_proxy Acquire::https::Proxy)"
[ -n "${http_proxy:-}" ] && export http_proxy
[ -n "${https_proxy:-}" ] && export https_proxy

# ---- mounts, always undone --------------------------------------------------
mounted=""
# shellcheck disable=SC2317  # (run by the EXIT trap)
umount_all() {
    local m
    for m in $mounted; do umount -l "$m" 2>/dev/null || true; done
    mounted=""
}
trap umount_all EXIT
trap 'exit 130' INT TERM
bind() { # bind SRC TARGET-INSIDE-ROOT
    mkdir -p "$root$2"
    mount --bind "$1" "$root$2"
    mounted="$root$2 $mounted"
}

# ---- a pristine minbase tree -------------------------------------------------
mkdir -p "$dir" "$dir/logs"
# A previous run killed before its trap could leave mounts behind.
for m in dev/shm dev/pts dev sys proc; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
done
if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || {
        echo "check-fresh: installing debootstrap on the host" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    }
    echo "check-fresh: debootstrap --variant=minbase $SUITE from the host's mirror" >&2
    rm -rf "$dir/bootstrap"
    t0=$(date +%s)
    debootstrap --variant=minbase "$SUITE" "$dir/bootstrap" "$mirror" \
        >"$dir/logs/debootstrap.log" 2>&1 || {
        tail -20 "$dir/logs/debootstrap.log" >&2
        die "debootstrap failed (log: $dir/logs/debootstrap.log)"
    }
    tar -C "$dir/bootstrap" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$dir/bootstrap"
    echo "check-fresh: minbase tree in $(( $(date +%s) - t0 )) s: $tarball" >&2
fi
grep -q " $root/" /proc/mounts && die "something is still mounted under $root"
rm -rf "$root"
mkdir -p "$root"
tar -C "$root" -xf "$tarball"

# apt: the host's Debian sources and its Acquire:: settings (proxy, ...).
rm -f "$root/etc/apt/sources.list.d/"* "$root/etc/apt/sources.list"
printf '%s\n' "$sources" >"$root/etc/apt/sources.list"
for f in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
    [ -f "$f" ] && grep -q 'Acquire' "$f" && cp "$f" "$root/etc/apt/apt.conf.d/"
done
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# The host's locally added CA certificates (those of a TLS-intercepting
# proxy, say), so that npm reaches its registry as on the host: Debian's
# ca-certificates adds them to the system store when apt installs it.
if [ -d /usr/local/share/ca-certificates ]; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi

# The committed tree.
mkdir -p "$root/src/leonet"
git -C "$here" archive --format=tar HEAD | tar -C "$root/src/leonet" -xf -
rev=$(git -C "$here" rev-parse --short HEAD)

# The README's commands: the first fenced code block of README.md.
mapfile -t cmds < <(awk '/^```/ { if (inb) exit; inb = 1; next } inb && NF' \
                    "$root/src/leonet/README.md")
[ "${#cmds[@]}" -gt 0 ] || die "no code block in README.md"

mount -t proc proc "$root/proc"; mounted="$root/proc $mounted"
mount -t sysfs sys "$root/sys"; mounted="$root/sys $mounted"
bind /dev /dev
bind /dev/pts /dev/pts
mkdir -p "$root/dev/shm"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm"
mounted="$root/dev/shm $mounted"

# A login shell's environment of a fresh machine's root, nothing more.
in_root() {
    chroot "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root \
        SHELL=/bin/bash TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        /bin/bash -c "$1"
}

echo "check-fresh: tree $rev, chroot $root, mirror $mirror" >&2
t0=$(date +%s)
in_root 'export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends make' \
    >"$dir/logs/0-make.log" 2>&1 || {
    tail -20 "$dir/logs/0-make.log" >&2
    die "installing make in the chroot failed"
}
echo "check-fresh: make installed in $(( $(date +%s) - t0 )) s" >&2

status=0
n=0
for c in "${cmds[@]}"; do
    n=$((n + 1))
    log=$dir/logs/$n.log
    echo "check-fresh: [$n] $c (log: $log)" >&2
    t0=$(date +%s)
    if in_root "cd /src/leonet && $c" >"$log" 2>&1; then
        r=PASS
    else
        r=FAIL
    fi
    secs=$(( $(date +%s) - t0 ))
    printf '%s  %-20s %4d min %02d s\n' "$r" "$c" $((secs / 60)) $((secs % 60))
    if [ $r = FAIL ]; then
        tail -40 "$log" | sed 's/^/    /' >&2
        status=1
        break
    fi
done
# shellcheck disable=SC2016  # (expanded in the chroot)
in_root 'echo "check-fresh: node $(node --version 2>/dev/null || echo none)," \
    "npm $(npm --version 2>/dev/null || echo none)"' >&2 || true
[ $status = 0 ] && echo "check-fresh: all ${#cmds[@]} commands passed on a fresh $SUITE ($rev)"
exit $status
