// End to end: one Debian root with banned packages, put into disk images with
// the real tools (mkfs.ext4 -d, sgdisk, qemu-img, ewfacquire, mkfs.fat +
// mcopy, mkntfs + ntfs-3g, tar), scanned by the built binary. Every
// container must give the same three findings. Missing tools fail the test:
// CI installs them (e2fsprogs gdisk qemu-utils ewf-tools dosfstools mtools
// ntfs-3g).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/sha256.h"
#include "support/layered_images.h"
#include "support/test_support.h"

using namespace contraband::testing;
using nlohmann::json;

namespace {

void RequireTools() {
  for (auto [tool, package] : {std::pair{"mkfs.ext4", "e2fsprogs"},
                               {"sgdisk", "gdisk"},
                               {"qemu-img", "qemu-utils"},
                               {"qemu-io", "qemu-utils"},
                               {"tar", "tar"},
                               {"ewfacquire", "ewf-tools"},
                               {"mkfs.fat", "dosfstools"},
                               {"mcopy", "mtools"},
                               {"mkntfs", "ntfs-3g"},
                               {"ntfs-3g", "ntfs-3g"},
                               {"split", "coreutils"}}) {
    INFO("the test needs " << tool << " (Debian package " << package << ")");
    REQUIRE(HaveTool(tool));
  }
}

void Sh(const std::string& script, const std::string& dir) {
  RunResult r = Run("bash -c " + ShellQuote("set -e\ncd \"$1\"\n" + script) +
                    " x " + ShellQuote(dir));
  INFO(script << "\nstdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
}

// Every image the test makes, built once for all sections.
struct Images {
  TempDir dir;
  std::string raw, e01, vmdk, vhd, vhdx, split, fat, ntfs, qcow2;
  // VMDKs as they arrive from the field: renamed after qemu-img wrote the
  // original name into the descriptor, streamOptimized (as exported), split
  // into a descriptor and extent files, flat, and inside an OVA.
  std::string renamed_sparse, renamed_stream, split_sparse, flat, split_flat,
      ova;
  std::string bare_tar_vmdk;  ///< a tar of the VMDK alone, no .ovf
  std::string segmented_e01;  ///< seg/disk.E01, .E02, ...

  Images() {
    RequireTools();
    WriteDpkgStatusRoot(dir.path() + "/root");
    const std::string& d = dir.path();
    Sh(R"(
truncate -s 32M fs.img
mkfs.ext4 -q -F -d root fs.img
truncate -s 48M disk.raw
sgdisk -o -n 1:2048:+32M -t 1:8300 disk.raw >/dev/null
dd if=fs.img of=disk.raw bs=1M seek=1 conv=notrunc status=none
qemu-img convert -O vmdk disk.raw disk.vmdk
qemu-img convert -O vpc disk.raw disk.vhd
qemu-img convert -O vhdx disk.raw disk.vhdx
ewfacquire -u -q -c fast -t disk disk.raw >/dev/null
mkdir split && split -b 16M -d -a 3 --numeric-suffixes=1 disk.raw split/disk.
qemu-img convert -O qcow2 disk.raw disk.qcow2
qemu-img convert -O vmdk -o subformat=monolithicSparse disk.raw valid.vmdk
mv valid.vmdk suspect-laptop.vmdk
grep -aq 'RW 98304 SPARSE "valid.vmdk"' suspect-laptop.vmdk
qemu-img convert -O vmdk -o subformat=streamOptimized disk.raw export.vmdk
mv export.vmdk evidence-17.vmdk
grep -aq 'createType="streamOptimized"' evidence-17.vmdk
mkdir twogb flat
qemu-img convert -O vmdk -o subformat=twoGbMaxExtentSparse disk.raw twogb/disk.vmdk
test -f twogb/disk-s001.vmdk
qemu-img convert -O vmdk -o subformat=monolithicFlat disk.raw flat/disk.vmdk
test -f flat/disk-flat.vmdk
mkdir twogbflat
qemu-img convert -O vmdk -o subformat=twoGbMaxExtentFlat disk.raw twogbflat/disk.vmdk
test -f twogbflat/disk-f001.vmdk
mkdir seg
ewfacquire -u -q -c none -S 8MiB -t seg/disk disk.raw >/dev/null
test -f seg/disk.E03
mkdir ova
printf '<?xml version="1.0"?>\n<Envelope/>\n' >ova/appliance.ovf
qemu-img convert -O vmdk -o subformat=streamOptimized disk.raw ova/appliance-disk1.vmdk
tar -C ova -cf appliance.ova appliance.ovf appliance-disk1.vmdk
tar -C ova -cf disk-only.tar appliance-disk1.vmdk
rm -r ova
truncate -s 32M fat.img
mkfs.fat fat.img >/dev/null
mcopy -s -i fat.img root/var ::/
truncate -s 16M ntfs.img
mkntfs -F -q -f ntfs.img >/dev/null 2>&1
mkdir mnt
ntfs-3g ntfs.img mnt
cp -r root/var mnt/
umount mnt
)",
       d);
    raw = d + "/disk.raw";
    e01 = d + "/disk.E01";
    vmdk = d + "/disk.vmdk";
    vhd = d + "/disk.vhd";
    vhdx = d + "/disk.vhdx";
    split = d + "/split/disk.001";
    fat = d + "/fat.img";
    ntfs = d + "/ntfs.img";
    qcow2 = d + "/disk.qcow2";
    renamed_sparse = d + "/suspect-laptop.vmdk";
    renamed_stream = d + "/evidence-17.vmdk";
    split_sparse = d + "/twogb/disk.vmdk";
    flat = d + "/flat/disk.vmdk";
    split_flat = d + "/twogbflat/disk.vmdk";
    segmented_e01 = d + "/seg/disk.E01";
    ova = d + "/appliance.ova";
    bare_tar_vmdk = d + "/disk-only.tar";
  }
};

json ScanJson(const std::string& image, int expect_exit,
              const std::string& extra = "") {
  RunResult r =
      RunContraband("scan --format json " + extra + ShellQuote(image));
  INFO(image << "\n" << r.err);
  CHECK(r.exit_code == expect_exit);
  json j = json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

// The three findings of the root, wherever it is; `volume` is the partition
// ("" for a bare filesystem).
void CheckFindings(const json& j, const std::string& image,
                   const std::string& volume) {
  INFO(image << "\n" << j.dump(1));
  std::vector<std::string> products;
  for (const json& f : j["findings"]) {
    products.push_back(f["product"]);
    CHECK(f["software"]["source"] == "/var/lib/dpkg/status");
    CHECK(f["software"]["evidence"] == image);
    CHECK(f["software"]["volume"] == volume);
    CHECK(f["software"]["location"] ==
          (volume.empty() ? std::string("/var/lib/dpkg/status")
                          : image + "#" + volume + ":/var/lib/dpkg/status"));
    CHECK(f["software"]["state"] == "installed");
  }
  CHECK(products == std::vector<std::string>{"kaspersky", "telegram", "zoom"});
  CHECK(j["warnings"].empty());
}

// Built once for every test case of this file; removed at exit.
Images& SharedImages() {
  static Images images;
  return images;
}

}  // namespace

TEST_CASE("one Debian root in every kind of disk image gives the same findings",
          "[e2e][disk]") {
  Images& images = SharedImages();
  struct Case {
    const std::string* path;
    const char* format;
    const char* volume;
    const char* chain;
    uint64_t min_size;  ///< the media size (a VHD rounds it up)
  };
  constexpr uint64_t kMiB = 1 << 20;
  for (Case c : {Case{&images.raw, "raw", "p1", "gpt > ext4", 48 * kMiB},
                 Case{&images.e01, "ewf", "p1", "gpt > ext4", 48 * kMiB},
                 Case{&images.vmdk, "vmdk", "p1", "gpt > ext4", 48 * kMiB},
                 Case{&images.vhd, "vhd", "p1", "gpt > ext4", 48 * kMiB},
                 Case{&images.vhdx, "vhdx", "p1", "gpt > ext4", 48 * kMiB},
                 Case{&images.split, "raw", "p1", "gpt > ext4", 48 * kMiB},
                 Case{&images.qcow2, "qcow2", "p1", "gpt > ext4", 48 * kMiB},
                 Case{&images.renamed_sparse, "vmdk", "p1", "gpt > ext4",
                      48 * kMiB},
                 Case{&images.renamed_stream, "vmdk", "p1", "gpt > ext4",
                      48 * kMiB},
                 Case{&images.split_sparse, "vmdk", "p1", "gpt > ext4",
                      48 * kMiB},
                 Case{&images.flat, "vmdk", "p1", "gpt > ext4", 48 * kMiB},
                 Case{&images.split_flat, "vmdk", "p1", "gpt > ext4",
                      48 * kMiB},
                 Case{&images.segmented_e01, "ewf", "p1", "gpt > ext4",
                      48 * kMiB},
                 Case{&images.ova, "ova", "p1", "vmdk > gpt > ext4",
                      48 * kMiB},
                 Case{&images.bare_tar_vmdk, "ova", "p1", "vmdk > gpt > ext4",
                      48 * kMiB},
                 Case{&images.fat, "raw", "", "fat16", 32 * kMiB},
                 Case{&images.ntfs, "raw", "", "ntfs", 16 * kMiB}}) {
    DYNAMIC_SECTION(c.format << " " << *c.path) {
      json j = ScanJson(*c.path, 1);
      REQUIRE(j["scan"]["evidence"].size() == 1);
      const json& ev = j["scan"]["evidence"][0];
      CHECK(ev["kind"] == "disk-image");
      CHECK(ev["format"] == c.format);
      CHECK(ev["size"].get<uint64_t>() >= c.min_size);
      CHECK(ev["size"].get<uint64_t>() < c.min_size + kMiB);
      REQUIRE(ev["volumes"].size() == 1);
      CHECK(ev["volumes"][0]["name"] == c.volume);
      // The chain starts with the image format, then the layers inside.
      CHECK(ev["volumes"][0]["chain"] ==
            std::string(c.format) + " > " + c.chain);
      CheckFindings(j, *c.path, c.volume);
      // Only the wanted files are read, not the image.
      CHECK(j["stats"]["bytes_read"].get<uint64_t>() < (1u << 20));
    }
  }
}

TEST_CASE("hash option gives the SHA-256 of the image files, images are not changed",
          "[e2e][disk]") {
  Images& images = SharedImages();
  const std::string before_raw =
      contraband::Sha256::Of(ReadHostFile(images.raw));
  const std::string before_e01 =
      contraband::Sha256::Of(ReadHostFile(images.e01));

  json e01 = ScanJson(images.e01, 1, "--hash ");
  CHECK(e01["scan"]["evidence"][0]["sha256"] == before_e01);
  // The segments of a split image, hashed in order, are the whole disk.
  json split = ScanJson(images.split, 1, "--hash ");
  CHECK(split["scan"]["evidence"][0]["sha256"] == before_raw);
  CHECK(contraband::Sha256::Of(ReadHostFile(images.raw)) == before_raw);
  CHECK(contraband::Sha256::Of(ReadHostFile(images.e01)) == before_e01);

  // Every file of every image is read with O_NOATIME (E01, VHD and VHDX
  // through handles we give libewf and libvhdi; VMDK, OVA and QCOW2 by our
  // own readers): an access time in the past, which relatime would update
  // on any other read, stays as it was, and no byte changes.
  const std::string& d = images.dir.path();
  std::vector<std::string> files;
  for (const char* f :
       {"disk.raw", "disk.E01", "disk.vmdk", "disk.vhd", "disk.vhdx",
        "disk.qcow2", "suspect-laptop.vmdk", "evidence-17.vmdk",
        "twogb/disk.vmdk", "twogb/disk-s001.vmdk", "flat/disk.vmdk",
        "flat/disk-flat.vmdk", "twogbflat/disk.vmdk",
        "twogbflat/disk-f001.vmdk", "seg/disk.E01", "seg/disk.E02",
        "seg/disk.E03", "appliance.ova", "split/disk.001",
        "split/disk.002", "split/disk.003"}) {
    files.push_back(d + "/" + f);
  }
  std::string quoted;
  std::vector<std::string> hashes;
  for (const std::string& f : files) {
    quoted += " " + ShellQuote(f);
    hashes.push_back(contraband::Sha256::Of(ReadHostFile(f)));
  }
  REQUIRE(Run("touch -a -d @946684800" + quoted).exit_code == 0);
  for (const std::string* image :
       {&images.raw, &images.split, &images.e01, &images.vmdk, &images.vhd,
        &images.vhdx, &images.qcow2, &images.renamed_sparse,
        &images.renamed_stream, &images.split_sparse, &images.flat,
        &images.split_flat, &images.segmented_e01, &images.ova}) {
    json j = ScanJson(*image, 1, "--hash ");
    CHECK(j["scan"]["evidence"][0]["sha256"].get<std::string>().size() == 64);
  }
  RunResult atimes = Run("stat -c '%X %n'" + quoted);
  std::string expected;
  for (const std::string& f : files) expected += "946684800 " + f + "\n";
  CHECK(atimes.out == expected);
  for (size_t i = 0; i < files.size(); ++i) {
    INFO(files[i]);
    CHECK(contraband::Sha256::Of(ReadHostFile(files[i])) == hashes[i]);
  }
}

TEST_CASE("a VMDK snapshot reads its parent beside it, or where allowed",
          "[e2e][disk][vmdk]") {
  Images& images = SharedImages();
  TempDir dir;
  const std::string& d = dir.path();
  // The parent is the same disk with an empty ext4 filesystem in its
  // partition; the snapshot holds only the clusters where the full disk
  // differs, so it needs its parent to be read.
  Sh("mkdir empty chain elsewhere\n"
     "truncate -s 32M fs.img\n"
     "mkfs.ext4 -q -F -d empty fs.img\n"
     "cp " + ShellQuote(images.raw) + " base.raw\n"
     "dd if=fs.img of=base.raw bs=1M seek=1 conv=notrunc status=none\n"
     "qemu-img convert -O vmdk base.raw chain/base.vmdk",
     d);
  const std::string child = d + "/chain/snapshot.vmdk";
  contraband::testing::MakeVmdkOverlay(d + "/base.raw", images.raw, child,
                                       "base.vmdk");

  SECTION("beside it") {
    const std::string files =
        ShellQuote(child) + " " + ShellQuote(d + "/chain/base.vmdk");
    REQUIRE(Run("touch -a -d @946684800 " + files).exit_code == 0);
    json j = ScanJson(child, 1, "--hash ");
    // Both files of the chain are read without touching their access times.
    CHECK(Run("stat -c %X " + files).out == "946684800\n946684800\n");
    CHECK(j["scan"]["evidence"][0]["format"] == "vmdk");
    CheckFindings(j, child, "p1");
    // The parent alone has none of them.
    json base = ScanJson(d + "/chain/base.vmdk", 0);
    CHECK(base["findings"].empty());
  }
  SECTION("missing") {
    Sh("mv chain/base.vmdk elsewhere/", d);
    RunResult r = RunContraband("scan " + ShellQuote(child));
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("needs its parent \"base.vmdk\"") != std::string::npos);
  }
  SECTION("outside its folder: only with --allow-backing") {
    Sh("mv chain/base.vmdk elsewhere/ && ln -s ../elsewhere/base.vmdk chain/",
       d);
    RunResult r = RunContraband("scan " + ShellQuote(child));
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("outside the image's folder") != std::string::npos);
    CHECK(r.err.find("--allow-backing") != std::string::npos);
    json j = ScanJson(child, 1,
                      "--allow-backing " + ShellQuote(d + "/elsewhere") + " ");
    CheckFindings(j, child, "p1");
  }
}

TEST_CASE("a segmented E01 with a segment missing is an error",
          "[e2e][disk]") {
  Images& images = SharedImages();
  TempDir dir;
  Sh("cp -r " + ShellQuote(images.dir.path() + "/seg") +
         " . && rm seg/disk.E03",
     dir.path());
  RunResult r =
      RunContraband("scan " + ShellQuote(dir.path() + "/seg/disk.E01"));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("whose segment after " + dir.path() +
                   "/seg/disk.E02 is missing") != std::string::npos);
}

TEST_CASE("a split VMDK needs its extent files beside its descriptor",
          "[e2e][disk][vmdk]") {
  Images& images = SharedImages();
  TempDir dir;
  Sh("cp -r " + ShellQuote(images.dir.path() + "/twogb") +
         " . && mv twogb/disk-s001.vmdk ./",
     dir.path());
  RunResult r =
      RunContraband("scan " + ShellQuote(dir.path() + "/twogb/disk.vmdk"));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("needs its extent file \"disk-s001.vmdk\"") !=
        std::string::npos);
  // An extent file renamed away is not found either: a descriptor file
  // names its extents, unlike a monolithic sparse file, which is its own.
}
