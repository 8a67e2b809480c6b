#!/usr/bin/env bash
# Does `./quickstart scan` (the README's first command) need only the packages
# it installs? CI installs every package, so a build that quietly needs a test
# package (Catch2 once) passes there and fails on a fresh machine. This test
# proves it from what the build really used:
#  1. the project configures with Catch2 hidden, as on a machine that never
#     ran `./quickstart test`;
#  2. every header the compiler read for the contraband binary (ninja's
#     dependency log) and every library on its link line belongs to a package
#     that BUILD_PACKAGES installs, directly or as a dependency.
# usage: build_packages_test.sh SOURCE_DIR BUILD_DIR (a built static release)
set -euo pipefail
src=$1
build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mapfile -t wanted < <("$src/quickstart" packages build)

# 1. Configure as the first command does, without the test packages.
if ! cmake -S "$src" -B "$work/scan-build" -G Ninja -DCONTRABAND_STATIC=ON \
    -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=ON >"$work/configure.log" 2>&1; then
  echo "FAIL: the scan build does not configure without Catch2:"
  grep -m5 -iE 'error|could not' "$work/configure.log" || tail -5 "$work/configure.log"
  exit 1
fi

# 2a. Headers read for the objects of the contraband binary (not the tests').
ninja -C "$build" -t deps | awk '
  /^[^ ]/ { keep = ($1 ~ /^CMakeFiles\/contraband(_objects)?\.dir\//) }
  keep && /^    \// { print $1 }' | sort -u >"$work/files"
[ -s "$work/files" ] || { echo "FAIL: no dependency log in $build (is it built?)"; exit 1; }
# 2b. Libraries on the link line, as the linker finds them.
link=$(ninja -C "$build" -t commands contraband | tail -1)
for lib in $(grep -oE '(^| )-l[A-Za-z0-9_+.-]+' <<<"$link" | sed 's/^ *-l//' | sort -u); do
  for ext in a so; do
    f=$(${CC:-cc} -print-file-name="lib$lib.$ext")
    if [ "$f" != "lib$lib.$ext" ]; then echo "$f" >>"$work/files"; break; fi
  done
done
grep -v -e "^$src/" -e "^$build/" "$work/files" | sort -u >"$work/outside"

# Which package owns each file: dpkg's file lists, read once (one dpkg -S a
# file takes minutes for hundreds of headers). Merged /usr: a library may be
# listed under /lib, a header under its resolved path.
while read -r f; do
  printf '%s\n%s\n%s\n' "$f" "$(readlink -f "$f")" "${f/#\/usr\/lib\//\/lib\/}"
done <"$work/outside" | sort -u >"$work/names"
(cd /var/lib/dpkg/info && awk 'NR == FNR { want[$0] = 1; next }
  ($0 in want) { pkg = FILENAME; sub(/^\.\//, "", pkg); sub(/\.list$/, "", pkg); sub(/:.*/, "", pkg);
                 print $0 "\t" pkg }' "$work/names" ./*.list) | sort -u >"$work/listed"
: >"$work/owners"
while read -r f; do
  owner=""
  for name in "$f" "$(readlink -f "$f")" "${f/#\/usr\/lib\//\/lib\/}"; do
    owner=$(awk -F'\t' -v n="$name" '$1 == n { print $2; exit }' "$work/listed")
    [ -n "$owner" ] && break
  done
  if [ -z "$owner" ]; then
    echo "FAIL: $f was used by the build and no package owns it"
    exit 1
  fi
  printf '%s\t%s\n' "$owner" "$f" >>"$work/owners"
done <"$work/outside"

# Everything BUILD_PACKAGES brings in.
apt-cache depends --recurse --installed --no-recommends --no-suggests \
  --no-conflicts --no-breaks --no-replaces --no-enhances "${wanted[@]}" 2>/dev/null |
  grep -v '^ ' | sed 's/:.*//' | sort -u >"$work/closure"

bad=0
while IFS=$'\t' read -r pkg f; do
  if ! grep -qxF "$pkg" "$work/closure"; then
    echo "FAIL: the contraband build used $f from package $pkg, which BUILD_PACKAGES in quickstart does not install"
    bad=1
  fi
done <"$work/owners"
[ $bad -eq 0 ] || exit 1
echo "ok: $(wc -l <"$work/outside") files from $(cut -f1 "$work/owners" | sort -u | wc -l) packages, all within BUILD_PACKAGES"
