#!/bin/sh
# The release binary is fully static and runs in an empty root: nothing but
# the binary and a dpkg status file, under chroot (run as root).
set -eu
bin=$1
file "$bin" | grep -q 'statically linked' || { file "$bin"; echo "not statically linked"; exit 1; }
if ldd "$bin" >/dev/null 2>&1; then ldd "$bin"; echo "ldd found dynamic dependencies"; exit 1; fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/var/lib/dpkg" "$root/tmp"
cp "$bin" "$root/tmp/contraband"
printf 'Package: zoom\nStatus: install ok installed\nVersion: 6.2\n\nPackage: xzoom\nStatus: install ok installed\nVersion: 1\n' \
  > "$root/var/lib/dpkg/status"
[ "$(id -u)" -eq 0 ] || { echo "needs root for chroot"; exit 77; }
rc=0
chroot "$root" /tmp/contraband scan / --format json > "$root/out.json" || rc=$?
[ "$rc" -eq 1 ] || { echo "exit $rc, expected 1"; cat "$root/out.json"; exit 1; }
grep -q '"product": "zoom"' "$root/out.json" || { cat "$root/out.json"; exit 1; }
if grep -q xzoom "$root/out.json"; then echo "xzoom reported"; exit 1; fi
chroot "$root" /tmp/contraband --version
echo "static binary: runs in an empty root and finds zoom"
