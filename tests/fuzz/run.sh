#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR within a fixed budget of BUDGET
# seconds of wall time, two at a time: each target gets an equal share
# (2 * BUDGET / targets, at least 10 s), so adding a target does not make CI
# longer. Seeded from ../shared/corpus (where present), the catalog and the
# regression inputs in tests/fuzz/regressions/<target>/. A crash leaves its
# input in tests/fuzz/findings/<target>/: fix it and move the input to
# regressions/ (the normal test suite replays those).
#   tests/fuzz/run.sh build-fuzz 600         # what CI runs (FUZZ_BUDGET)
#   tests/fuzz/run.sh build-fuzz 36000       # fuzz-long (ninja fuzz-long)
#   tests/fuzz/run.sh build-fuzz 300 fuzz_rpm   # one target, all 300 s
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd)
budget=$2
shift 2
corpus=$(cd "$top/.." && pwd)/shared/corpus

seeds_for() {
  case "$1" in
    fuzz_deb_control) echo "$corpus/dpkg" ;;
    fuzz_rpm) echo "$corpus/rpm" ;;
    fuzz_apk) echo "$corpus/apk" ;;
    fuzz_pacman) echo "$corpus/pacman" ;;
    fuzz_snap) echo "$corpus/snap" ;;
    fuzz_flatpak) echo "$corpus/flatpak" ;;
    fuzz_catalog) echo "$top/signatures/products" ;;
    fuzz_html) echo "$here/regressions/fuzz_html $corpus/dpkg" ;;
    fuzz_archive) echo "$corpus/ios_ipa $corpus/android_apk/androguard_apksig" ;;
    fuzz_disk_image) echo "$corpus/disk_images/plaso" ;;
    fuzz_vmdk) echo "$corpus/disk_images/plaso/image.vmdk $corpus/disk_images/dfvfs/ext2.vmdk" ;;
    fuzz_history) echo "$here/regressions/fuzz_history $corpus/ios/abrignoni_mib_2018/private/var/installd/Library/Logs/MobileInstallation" ;;
    fuzz_desktop_entry) echo "/usr/share/applications" ;;
    fuzz_registry) echo "$corpus/windows_registry" ;;
    fuzz_appx_manifest) echo "$corpus/windows_appx" ;;
    fuzz_amcache) echo "$corpus/windows_registry/velociraptor_Amcache.hve $corpus/windows_registry/museum_Win2012R2_Amcache.hve" ;;
    fuzz_pe) echo "$corpus/windows_pe" ;;
    fuzz_ewf) echo "$corpus/disk_images/dfvfs/ext2.E01 $corpus/disk_images/plaso/image.E01" ;;
    fuzz_android_xml) echo "$corpus/android/ccl_abx $corpus/android/jetginger_android2.3/data/system $corpus/android/redr_android8.1_emulator/data/system/packages.xml $corpus/android/redr_android8.1_emulator/data/system/users" ;;
    fuzz_plist) echo "$corpus/macos $corpus/ios" ;;
    fuzz_ios) echo "$corpus/ios/mvt_ios_backup/Info.plist $corpus/ios/mvt_ios_backup/Manifest.db $corpus/ios/ileapp_mvs_ios_2023/storeSystem.db $corpus/ios/museum_hickman_ios14.1/TCC.db $corpus/ios_ipa $here/regressions/fuzz_ios" ;;
    fuzz_macho) echo "$corpus/macos/santa_binaryrules $corpus/ios_ipa" ;;
    fuzz_axml) echo "$corpus/android_apk/androguard_axml" ;;
    fuzz_apk_signature) echo "$corpus/android_apk/androguard_apksig $corpus/android_apk/androguard" ;;
    fuzz_play_store) echo "$corpus/android/museum_hickman_android10/playstore" ;;
    fuzz_android_properties) echo "$here/regressions/fuzz_android_properties $corpus/android/redr_android8.1_emulator/system/build.prop $corpus/android/mvt/androidqf/getprop.txt $corpus/android/mvt/android_data/getprop.txt" ;;
    fuzz_usagestats) echo "$here/regressions/fuzz_usagestats $corpus/android/redr_android8.1_emulator/data/system/usagestats" ;;
    fuzz_adb_backup) echo "$corpus/android/mvt/android_backup" ;;
    fuzz_dumpsys_package) echo "$corpus/android/mvt/bugreport $corpus/android/mvt/androidqf $corpus/android/mvt/android_data/dumpsys_packages.txt" ;;
  esac
}

# Seeds made by the real tool at run time rather than binaries in git: LUKS1
# and LUKS2 headers with their keyslot areas (cheap key derivation, so the
# target also unlocks them with "pw").
make_seeds() {
  local t=$1 dir=$2
  case "$t" in
    fuzz_archive)
      # tar, tar.gz and tar.zst of a tiny root: the gzip and zstd ones take
      # the piped read (a decompression thread feeding the tar parser).
      local tmp
      tmp=$(mktemp -d)
      mkdir -p "$tmp/r/var/lib/dpkg/status.d" "$tmp/r/etc" "$tmp/r/opt/zoom"
      printf 'Package: zoom\nStatus: install ok installed\nVersion: 1\n\n' > "$tmp/r/var/lib/dpkg/status"
      ln "$tmp/r/var/lib/dpkg/status" "$tmp/r/var/lib/dpkg/status.d/zoom"
      ln -s ../var "$tmp/r/etc/var"
      tar -C "$tmp/r" --sort=name -cf "$dir/root.tar" .
      gzip -c "$dir/root.tar" > "$dir/root.tar.gz"
      if command -v zstd >/dev/null; then zstd -q -c "$dir/root.tar" > "$dir/root.tar.zst"; fi
      rm -rf "$tmp" ;;
    fuzz_ewf)
      # Stored chunks (with their Adler-32) and compressed ones, as
      # ewfacquire writes them.
      command -v ewfacquire >/dev/null || return 0
      local tmp
      tmp=$(mktemp -d)
      head -c 100000 /dev/urandom > "$tmp/disk.raw"
      seq 1 20000 >> "$tmp/disk.raw"
      ewfacquire -u -q -c none -b 16 -t "$tmp/stored" "$tmp/disk.raw" >/dev/null 2>&1 &&
        cp "$tmp/stored.E01" "$dir/"
      ewfacquire -u -q -c fast -b 16 -t "$tmp/packed" "$tmp/disk.raw" >/dev/null 2>&1 &&
        cp "$tmp/packed.E01" "$dir/"
      rm -rf "$tmp" ;;
    fuzz_luks)
      command -v cryptsetup >/dev/null || return 0
      local f
      for type in luks1 luks2; do
        f=$(mktemp)
        truncate -s 20M "$f"
        printf pw | cryptsetup luksFormat -q --type $type --pbkdf pbkdf2 \
          --pbkdf-force-iterations 1000 --key-size 256 "$f" - 2>/dev/null &&
          head -c 300000 "$f" >"$dir/$type"
        rm -f "$f"
      done ;;
    fuzz_appx_manifest)
      # A StateRepository-shaped database made by the sqlite3 shell: packages,
      # users by binary and by text SID, a registration of a missing user.
      command -v sqlite3 >/dev/null || return 0
      sqlite3 "$dir/StateRepository-Machine.srd" "CREATE TABLE Package(
        _PackageID INTEGER PRIMARY KEY, PackageFullName TEXT NOT NULL UNIQUE);
        CREATE TABLE \"User\"(_UserID INTEGER PRIMARY KEY, UserSid BLOB);
        CREATE TABLE PackageUser(_PackageUserID INTEGER PRIMARY KEY,
          Package INTEGER NOT NULL, \"User\" INTEGER NOT NULL);
        INSERT INTO Package VALUES
          (1,'Microsoft.SkypeApp_12.1811.248.0_x64__kzf8qxf38zg5c'),
          (2,'a_1_x64__cv1g1gvanyjgm');
        INSERT INTO \"User\" VALUES
          (1,X'010500000000000515000000010000000200000003000000E9030000'),
          (2,'S-1-5-18');
        INSERT INTO PackageUser VALUES(1,1,1),(2,1,2),(3,2,7);" ;;
    fuzz_vmdk | fuzz_disk_image)
      # Every VMDK subformat qemu-img writes, of a small ext2 disk, and an
      # OVA around the streamOptimized one (the descriptor files name their
      # extents, which the fuzzer cannot reach: seeds for the text parser).
      if command -v qemu-img >/dev/null && command -v mkfs.ext2 >/dev/null; then
        local vt s
        vt=$(mktemp -d)
        mkdir -p "$vt/root/var/lib/dpkg"
        printf 'Package: zoom\nStatus: install ok installed\nVersion: 1\n\n' \
          >"$vt/root/var/lib/dpkg/status"
        truncate -s 256k "$vt/fs.img" && mkfs.ext2 -q -F -d "$vt/root" "$vt/fs.img"
        for s in monolithicSparse streamOptimized twoGbMaxExtentSparse monolithicFlat; do
          qemu-img convert -O vmdk -o subformat=$s "$vt/fs.img" "$vt/$s.vmdk"
          cp "$vt/$s.vmdk" "$dir/$s.vmdk"
        done
        cp "$vt/twoGbMaxExtentSparse-s001.vmdk" "$dir/split-extent.vmdk"
        echo '<Envelope/>' >"$vt/vm.ovf"
        tar -C "$vt" -cf "$dir/vm.ova" vm.ovf streamOptimized.vmdk
        rm -rf "$vt"
      fi
      [ "$t" = fuzz_disk_image ] || return 0
      # A whole-disk LVM physical volume (1 MiB: 64 KiB metadata and
      # extents, activation off so no device-mapper is needed) with an ext2
      # logical volume, and the same as QCOW2: seeds for the layers.
      command -v pvcreate >/dev/null && command -v qemu-img >/dev/null || return 0
      local tmp loop conf
      tmp=$(mktemp -d)
      mkdir -p "$tmp/root/var/lib/dpkg" "$tmp/lvm"
      printf 'Package: zoom\nStatus: install ok installed\nVersion: 1\n\n' \
        >"$tmp/root/var/lib/dpkg/status"
      truncate -s 512k "$tmp/fs.img" && mkfs.ext2 -q -F -d "$tmp/root" "$tmp/fs.img"
      truncate -s 1M "$tmp/pv.img"
      if loop=$(losetup -f --show "$tmp/pv.img" 2>/dev/null); then
        conf="devices { filter=[\"a|$loop|\",\"r|.*|\"] use_devicesfile=0 pv_min_size=512 } global { activation=0 } backup { backup=0 archive=0 }"
        export LVM_SYSTEM_DIR=$tmp/lvm LVM_SUPPRESS_FD_WARNINGS=1
        pvcreate -q --config "$conf" --metadatasize 64k --dataalignment 64k "$loop" >/dev/null 2>&1 &&
          vgcreate -q --config "$conf" -s 64k vg0 "$loop" >/dev/null 2>&1 &&
          lvcreate -q --config "$conf" -an -Zn -L 512k -n root vg0 >/dev/null 2>&1
        losetup -d "$loop"
        dd if="$tmp/fs.img" of="$tmp/pv.img" bs=64k seek=2 conv=notrunc status=none
        cp "$tmp/pv.img" "$dir/lvm.img"
        qemu-img convert -O qcow2 "$tmp/pv.img" "$dir/lvm.qcow2"
      fi
      rm -rf "$tmp" ;;
    fuzz_registry)
      # A dirty hive with its LOG1 behind a 4-byte length: the input shape
      # that reaches log replay.
      local reg=$corpus/windows_registry/regipy_transactions_NTUSER.DAT
      [ -f "$reg" ] && [ -f "$reg.LOG1" ] || return 0
      local n
      n=$(stat -c %s "$reg")
      printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((n & 255)) $((n >> 8 & 255)) \
        $((n >> 16 & 255)) $((n >> 24 & 255)))" >"$dir/dirty_hive_with_log1"
      cat "$reg" "$reg.LOG1" >>"$dir/dirty_hive_with_log1"
      # Small hives run a hundred times faster: the first 64 KiB of hive
      # bins of two real ones (a truncated hive, read as far as it goes).
      for f in velociraptor_ntuser.dat regipy_ntuser_software_partial.hive; do
        [ -f "$corpus/windows_registry/$f" ] &&
          head -c $((4096 + 65536)) "$corpus/windows_registry/$f" >"$dir/small_$f"
      done ;;
    fuzz_amcache)
      # The dirty Windows 10 Amcache with its LOG1 behind a 4-byte length
      # (reaches log replay), and the first 64 KiB of hive bins of each
      # real Amcache (small inputs run much faster).
      local am=$corpus/windows_registry/museum_Win10_APTSimulator_Amcache.hve
      if [ -f "$am" ] && [ -f "$am.LOG1" ]; then
        local n
        n=$(stat -c %s "$am")
        printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((n & 255)) $((n >> 8 & 255)) \
          $((n >> 16 & 255)) $((n >> 24 & 255)))" >"$dir/dirty_amcache_with_log1"
        cat "$am" "$am.LOG1" >>"$dir/dirty_amcache_with_log1"
      fi
      for f in "$corpus"/windows_registry/*Amcache.hve; do
        [ -f "$f" ] && head -c $((4096 + 65536)) "$f" >"$dir/small_$(basename "$f")"
      done ;;
    fuzz_evtx)
      # The file header and first chunk (64 KiB) of each real event log:
      # whole ones are megabytes, and a chunk holds dozens of records.
      for f in "$corpus"/windows_evtx/*.evtx; do
        [ -f "$f" ] && head -c $((4096 + 65536)) "$f" >"$dir/chunk1_$(basename "$f")"
      done ;;
    fuzz_pe)
      # The PKCS#7 of each signed corpus PE on its own, so the fuzzer works
      # on the signature parser without carrying a whole executable.
      command -v osslsigncode >/dev/null || return 0
      local pe
      for pe in "$corpus"/windows_pe/*; do
        [ -f "$pe" ] || continue
        osslsigncode extract-signature -in "$pe" \
          -out "$dir/$(basename "$pe").p7" >/dev/null 2>&1 || true
      done ;;
  esac
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$f" ] && targets+=("$(basename "$f")")
  done
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no targets in $build/tests/fuzz" >&2; exit 2; }
lanes=$(( ${#targets[@]} < 2 ? 1 : 2 ))
seconds=$(( budget * lanes / ${#targets[@]} ))
[ "$seconds" -ge 10 ] || seconds=10
echo "fuzz: ${#targets[@]} targets, ${seconds}s each, $lanes at a time (budget ${budget}s)"

run_one() {
  local t=$1 work seeds=()
  work=$(mktemp -d)
  mkdir -p "$here/findings/$t"
  for s in $(seeds_for "$t") "$here/regressions/$t"; do
    [ -e "$s" ] || continue
    # libFuzzer takes folders of seeds; copy regular files only, small ones.
    find "$s" -type f -size -4M -exec cp -t "$work" {} + 2>/dev/null || true
  done
  make_seeds "$t" "$work"
  mkdir -p "$work.new"
  if "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=20 \
      -rss_limit_mb=2048 -print_final_stats=0 \
      -artifact_prefix="$here/findings/$t/" "$work.new" "$work" \
      >"$work.log" 2>&1; then
    echo "fuzz: $t: no crash in ${seconds}s ($(grep -c '' "$work.log") log lines)"
    rm -rf "$work" "$work.new" "$work.log"
  else
    echo "fuzz: $t: FAILED; input in tests/fuzz/findings/$t/, log tail:"
    tail -30 "$work.log"
    return 1
  fi
}
export -f run_one seeds_for make_seeds
export build seconds here corpus top

printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_one {}'
