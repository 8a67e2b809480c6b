// End to end: evidence in layers, built by the real tools (see
// support/layered_images.h) and scanned by the built binary.
//  - An rpm root (kesl and zoom, rpm --justdb) in XFS (mkfs.xfs -p), as LV
//    vg0/root of an LVM volume group on p2 of a GPT disk (p1 a small ext4
//    /boot, LV vg0/home an ext4 without anything banned), given raw, as
//    QCOW2 v3 and as QCOW2 v2.
//  - QCOW2 overlays: a relative backing file beside the overlay, missing,
//    and an absolute one outside the overlay's folder (--allow-backing).
//  - A Debian root (kesl, telegram-desktop, zoom) in ext4 inside LUKS1 and
//    LUKS2, opened with --password or --key-file, or not at all.
//  - Corpus QCOW2 images: a GPT disk of four file systems, a bare ext2, and
//    an NTFS volume with two shadow copies (--shadow-copies).
// Missing tools fail the tests (CI installs qemu-utils xfsprogs lvm2
// cryptsetup-bin gdisk e2fsprogs rpm); losetup needs root, as the tests run.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/sha256.h"
#include "support/layered_images.h"
#include "support/test_support.h"

using namespace contraband::testing;
using nlohmann::json;

namespace {

namespace fs = std::filesystem;

json ScanJson(const std::string& args, int expect_exit,
              RunResult* run = nullptr) {
  RunResult r = RunContraband("scan --format json " + args);
  INFO("contraband scan --format json " << args << "\nstderr: " << r.err);
  CHECK(r.exit_code == expect_exit);
  if (run != nullptr) *run = r;
  json j = json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

std::vector<std::string> Products(const json& j) {
  std::vector<std::string> out;
  for (const json& f : j.at("findings")) out.push_back(f.at("product"));
  return out;
}

// The chain of the volume called `name` of the only evidence, or "(none)".
std::string ChainOf(const json& j, const std::string& name) {
  for (const json& v : j.at("scan").at("evidence").at(0).at("volumes")) {
    if (v.at("name") == name) return v.at("chain");
  }
  return "(none)";
}

std::set<std::string> VolumeNames(const json& j) {
  std::set<std::string> out;
  for (const json& v : j.at("scan").at("evidence").at(0).at("volumes")) {
    out.insert(v.at("name").get<std::string>());
  }
  return out;
}

// ------------------------------------------------------------ LVM + XFS

// The rpm root in XFS in LVM on GPT; the changed disk is the same disk with
// kesl erased from the root's rpm database (the only finding left: zoom).
struct LvmImages {
  TempDir dir;
  std::string root, raw, qcow2, qcow2_v2, changed_raw;
  std::string rpm_source;  // the rpm database as contraband names it
  LvmDisk layout;

  LvmImages() {
    const std::string& d = dir.path();
    BuildRpmRoot(dir);
    root = d + "/root";
    // What rpm made: an sqlite database.
    REQUIRE(fs::is_regular_file(root + "/var/lib/rpm/rpmdb.sqlite"));
    REQUIRE_FALSE(fs::exists(root + "/var/lib/rpm/Packages"));
    ShellScript(
        "cp -a root changed\n"
        "rpm --dbpath \"$PWD/changed/var/lib/rpm\" -e --justdb --nodeps "
        "--noscripts kesl\n"
        "test \"$(rpm --dbpath \"$PWD/changed/var/lib/rpm\" -qa "
        "--qf '%{NAME}\\n')\" = zoom",
        d);
    fs::create_directories(d + "/home/alice");
    WriteHostFile(d + "/home/alice/notes.txt", "nothing banned here\n");

    MakeXfsImage(root, d + "/root.xfs");
    MakeXfsImage(d + "/changed", d + "/changed.xfs");
    MakeExt4Image(d + "/home", d + "/home.ext4", 8ull << 20);
    raw = d + "/disk.raw";
    layout = MakeLvmDisk(raw, d + "/root.xfs", d + "/home.ext4");
    // The same disk, LVM metadata and all, with another root file system.
    changed_raw = d + "/changed.raw";
    ShellScript("cp --sparse=always disk.raw changed.raw", d);
    PutImageAt(changed_raw, layout.root_offset, d + "/changed.xfs");
    fs::create_directories(d + "/vm");
    qcow2 = d + "/vm/disk.qcow2";
    ToQcow2(raw, qcow2);
    qcow2_v2 = d + "/vm/disk-v2.qcow2";
    ToQcow2(raw, qcow2_v2, Qcow2Compat::kV2);

    // The source contraband gives the rpm database of the root as a folder
    // (rpm wrote /var/lib/rpm/rpmdb.sqlite; /usr/lib/sysimage/rpm links
    // to it): inside the image it must be the same.
    json folder = ScanJson(ShellQuote(root), 1);
    REQUIRE(folder.at("findings").size() == 2);
    rpm_source = folder["findings"][0]["software"]["source"];
    REQUIRE((rpm_source == "/var/lib/rpm/rpmdb.sqlite" ||
             rpm_source == "/usr/lib/sysimage/rpm/rpmdb.sqlite"));
  }
};

LvmImages& SharedLvm() {
  static LvmImages images;
  return images;
}

// Findings of `products` from the rpm database in vg0/root of `image`.
void CheckLvmFindings(const json& j, const std::string& image,
                      const std::vector<std::string>& products) {
  INFO(image << "\n" << j.dump(1));
  CHECK(Products(j) == products);
  for (const json& f : j.at("findings")) {
    CHECK(f["software"]["ecosystem"] == "rpm");
    CHECK(f["software"]["evidence"] == image);
    CHECK(f["software"]["volume"] == "vg0/root");
    CHECK(f["software"]["source"] == SharedLvm().rpm_source);
    CHECK(f["software"]["location"] ==
          image + "#vg0/root:" + SharedLvm().rpm_source);
    CHECK(f["software"]["state"] == "installed");
  }
  CHECK(j["warnings"].empty());
}

// ------------------------------------------------------------ LUKS

constexpr char kPassword[] = "correct horse battery";

// A Debian root in a 16 MiB ext4, that ext4 in LUKS1 and LUKS2 (password
// kPassword, and a second keyslot for the key file), and a GPT disk with the
// plain ext4 as p1 and the LUKS2 volume as p2.
struct LuksImages {
  TempDir dir;
  std::string plain, luks1, luks2, key_file, wrong_key_file, gpt;

  LuksImages() {
    const std::string& d = dir.path();
    WriteDpkgStatusRoot(d + "/root");
    plain = d + "/plain.ext4";
    MakeExt4Image(d + "/root", plain, 16ull << 20);
    std::string key;
    for (int i = 0; i < 64; ++i) key += static_cast<char>((i * 73 + 11) & 0xff);
    key_file = dir.Write("volume.key", key);
    wrong_key_file = dir.Write("other.key", std::string(64, 'k'));
    luks1 = d + "/luks1.img";
    MakeLuksImage(plain, luks1, kPassword, 1, key_file);
    luks2 = d + "/luks2.img";
    MakeLuksImage(plain, luks2, kPassword, 2, key_file);
    gpt = d + "/plain-and-luks.raw";
    MakeGptDisk(gpt, {plain, luks2});
  }
};

LuksImages& SharedLuks() {
  static LuksImages images;
  return images;
}

bool Mentions(const std::string& text, const std::string& word) {
  return text.find(word) != std::string::npos;
}

}  // namespace

TEST_CASE("layers: an rpm root in XFS in LVM on GPT, raw and QCOW2 v3 and v2",
          "[e2e][layers]") {
  LvmImages& images = SharedLvm();
  INFO(images.layout.pvs << images.layout.lvs);
  struct Case {
    const std::string* path;
    const char* format;
  };
  for (Case c : {Case{&images.raw, "raw"}, Case{&images.qcow2, "qcow2"},
                 Case{&images.qcow2_v2, "qcow2"}}) {
    DYNAMIC_SECTION(c.format << " " << *c.path) {
      json j = ScanJson(ShellQuote(*c.path), 1);
      REQUIRE(j["scan"]["evidence"].size() == 1);
      const json& ev = j["scan"]["evidence"][0];
      INFO(ev.dump(1));
      CHECK(ev["kind"] == "disk-image");
      CHECK(ev["format"] == c.format);
      CHECK(ev["size"].get<uint64_t>() == fs::file_size(images.raw));
      const std::string fmt = c.format;
      CHECK(ChainOf(j, "vg0/root") == fmt + " > gpt > lvm > xfs");
      CHECK(ChainOf(j, "vg0/home") == fmt + " > gpt > lvm > ext4");
      CHECK(ChainOf(j, "p1") == fmt + " > gpt > ext4");
      CheckLvmFindings(j, *c.path, {"kaspersky", "zoom"});
    }
  }
}

TEST_CASE("layers: a QCOW2 overlay reads through its backing file beside it",
          "[e2e][layers][qcow2]") {
  LvmImages& images = SharedLvm();
  TempDir dir;
  const std::string base = dir.path() + "/base.qcow2";
  ToQcow2(images.raw, base);
  const std::string overlay = dir.path() + "/overlay.qcow2";
  MakeQcow2Overlay(images.raw, images.changed_raw, overlay, "base.qcow2");

  SECTION("backing file present: the changed root, kesl erased") {
    json j = ScanJson(ShellQuote(overlay), 1);
    REQUIRE(j["scan"]["evidence"].size() == 1);
    CHECK(j["scan"]["evidence"][0]["format"] == "qcow2");
    CHECK(ChainOf(j, "vg0/root") == "qcow2 > gpt > lvm > xfs");
    CheckLvmFindings(j, overlay, {"zoom"});
    // The base alone still has both.
    CheckLvmFindings(ScanJson(ShellQuote(base), 1), base,
                     {"kaspersky", "zoom"});
  }
  SECTION("a raw backing file (qemu-img create -F raw) is read too") {
    const std::string raw_overlay = dir.path() + "/on-raw.qcow2";
    fs::copy_file(images.raw, dir.path() + "/disk.raw");
    REQUIRE(Run("qemu-img create -q -f qcow2 -b disk.raw -F raw " +
                ShellQuote(raw_overlay))
                .exit_code == 0);
    json j = ScanJson(ShellQuote(raw_overlay), 1);
    CHECK(ChainOf(j, "vg0/root") == "qcow2 > gpt > lvm > xfs");
    CheckLvmFindings(j, raw_overlay, {"kaspersky", "zoom"});
  }
  SECTION("--hash covers the image and then its backing file") {
    json j = ScanJson("--hash " + ShellQuote(overlay), 1);
    CHECK(j["scan"]["evidence"][0]["sha256"] ==
          contraband::Sha256::Of(ReadHostFile(overlay) + ReadHostFile(base)));
  }
  SECTION("backing file moved away: not scanned, and the message names it") {
    fs::rename(base, dir.path() + "/elsewhere.qcow2");
    RunResult r = RunContraband("scan --format json " + ShellQuote(overlay));
    INFO(r.out << "\n" << r.err);
    CHECK(r.exit_code == 3);
    CHECK(Mentions(r.err, "base.qcow2"));
  }
}

TEST_CASE(
    "layers: a QCOW2 backing file by absolute path outside the image's "
    "folder needs --allow-backing",
    "[e2e][layers][qcow2]") {
  LvmImages& images = SharedLvm();
  TempDir base_dir, dir;
  const std::string base = base_dir.path() + "/base.qcow2";
  ToQcow2(images.raw, base);
  ShellScript("qemu-img create -q -f qcow2 -b " + ShellQuote(base) +
                  " -F qcow2 overlay.qcow2",
              dir.path());
  const std::string overlay = dir.path() + "/overlay.qcow2";
  REQUIRE(Qcow2BackingName(overlay) == base);

  RunResult r = RunContraband("scan --format json " + ShellQuote(overlay));
  {
    INFO(r.out << "\n" << r.err);
    CHECK(r.exit_code == 3);
    CHECK(Mentions(r.err, "--allow-backing"));
    CHECK(Mentions(r.err, base));
  }
  // A folder that is allowed but is not the backing file's own is no use.
  CHECK(RunContraband("scan --format json --allow-backing " +
                      ShellQuote(dir.path()) + " " + ShellQuote(overlay))
            .exit_code == 3);
  json j = ScanJson("--allow-backing " + ShellQuote(base_dir.path()) + " " +
                        ShellQuote(overlay),
                    1);
  CHECK(j["scan"]["evidence"][0]["format"] == "qcow2");
  CheckLvmFindings(j, overlay, {"kaspersky", "zoom"});
}

TEST_CASE(
    "layers: an ext4 root in LUKS1 and LUKS2, opened by password or key file",
    "[e2e][layers][luks]") {
  LuksImages& images = SharedLuks();
  // The plain twin: what the volume must give once decrypted.
  json twin = ScanJson(ShellQuote(images.plain), 1);
  REQUIRE(Products(twin) ==
          std::vector<std::string>{"kaspersky", "telegram", "zoom"});
  REQUIRE(twin["scan"]["evidence"][0]["volumes"].size() == 1);
  const std::string twin_chain =
      twin["scan"]["evidence"][0]["volumes"][0]["chain"];
  const std::string twin_volume =
      twin["scan"]["evidence"][0]["volumes"][0]["name"];
  REQUIRE(twin_chain.size() >= 4);
  REQUIRE(twin_chain.substr(twin_chain.size() - 4) == "ext4");
  // "ext4" or "raw > ext4": the same with LUKS before the file system.
  const std::string luks_chain =
      twin_chain.substr(0, twin_chain.size() - 4) + "luks > ext4";

  for (const std::string* image : {&images.luks2, &images.luks1}) {
    for (const std::string& how :
         {"--password " + ShellQuote(kPassword),
          "--key-file " + ShellQuote(images.key_file)}) {
      DYNAMIC_SECTION(*image << " " << how) {
        json j = ScanJson(how + " " + ShellQuote(*image), 1);
        INFO(j.dump(1));
        REQUIRE(j["scan"]["evidence"].size() == 1);
        const json& ev = j["scan"]["evidence"][0];
        CHECK(ev["format"] == "raw");
        REQUIRE(ev["volumes"].size() == 1);
        CHECK(ev["volumes"][0]["name"] == twin_volume);
        CHECK(ev["volumes"][0]["chain"] == luks_chain);
        CHECK(Products(j) == Products(twin));
        for (const json& f : j["findings"]) {
          CHECK(f["software"]["evidence"] == *image);
          CHECK(f["software"]["source"] == "/var/lib/dpkg/status");
          CHECK(f["software"]["volume"] == twin_volume);
          CHECK(f["software"]["state"] == "installed");
        }
        CHECK(j["warnings"].empty());
      }
    }
  }
}

TEST_CASE(
    "layers: a LUKS volume the key does not open is not read, and says why",
    "[e2e][layers][luks]") {
  LuksImages& images = SharedLuks();
  for (const std::string* image : {&images.luks2, &images.luks1}) {
    DYNAMIC_SECTION("wrong password " << *image) {
      RunResult r = RunContraband("scan --format json --password 'not it' " +
                                  ShellQuote(*image));
      INFO(r.out << "\n" << r.err);
      CHECK(r.exit_code == 3);
      CHECK(Mentions(r.err, "LUKS"));
      CHECK(Mentions(r.err, *image));
    }
    DYNAMIC_SECTION("wrong key file " << *image) {
      RunResult r = RunContraband("scan --format json --key-file " +
                                  ShellQuote(images.wrong_key_file) + " " +
                                  ShellQuote(*image));
      INFO(r.out << "\n" << r.err);
      CHECK(r.exit_code == 3);
      CHECK(Mentions(r.err, "LUKS"));
    }
    DYNAMIC_SECTION("no key at all " << *image) {
      RunResult r = RunContraband("scan --format json " + ShellQuote(*image));
      INFO(r.out << "\n" << r.err);
      CHECK(r.exit_code == 3);
      CHECK(Mentions(r.err, "LUKS"));
      CHECK(Mentions(r.err, "--password"));
      CHECK(Mentions(r.err, "--key-file"));
      // The report still lists the image, its warning, and that nothing
      // in it was read; the text verdict says the scan is incomplete.
      json j = json::parse(r.out, nullptr, false);
      REQUIRE_FALSE(j.is_discarded());
      CHECK(j["scan"]["unreadable"] == json::array({*image}));
      CHECK(j["scan"]["evidence"][0]["volumes"].empty());
      RunResult text = RunContraband("scan " + ShellQuote(*image));
      CHECK(text.exit_code == 3);
      CHECK(Mentions(text.out, "INCOMPLETE: nothing was read from " + *image));
      CHECK(Mentions(text.out, "no volume could be read"));
    }
  }
}

TEST_CASE(
    "layers: a GPT disk with a plain p1 and a locked LUKS p2 gives p1's "
    "findings and a warning for p2",
    "[e2e][layers][luks]") {
  LuksImages& images = SharedLuks();
  json j = ScanJson(ShellQuote(images.gpt), 1);
  INFO(j.dump(1));
  CHECK(Products(j) ==
        std::vector<std::string>{"kaspersky", "telegram", "zoom"});
  for (const json& f : j["findings"]) {
    CHECK(f["software"]["volume"] == "p1");
    CHECK(f["software"]["location"] == images.gpt + "#p1:/var/lib/dpkg/status");
  }
  CHECK(ChainOf(j, "p1") == "raw > gpt > ext4");
  bool warned = false;
  for (const json& w : j["warnings"]) {
    const std::string text = w.dump();
    warned |= Mentions(text, "p2") && Mentions(text, "LUKS");
  }
  CHECK(warned);

  // With the password both partitions are read: p2 is the same root.
  json open = ScanJson(
      "--password " + ShellQuote(kPassword) + " " + ShellQuote(images.gpt), 1);
  INFO(open.dump(1));
  CHECK(ChainOf(open, "p2") == "raw > gpt > luks > ext4");
  std::multiset<std::string> volumes;
  for (const json& f : open["findings"])
    volumes.insert(f["software"]["volume"]);
  CHECK(volumes ==
        std::multiset<std::string>{"p1", "p1", "p1", "p2", "p2", "p2"});
  CHECK(open["warnings"].empty());
}

TEST_CASE(
    "layers: corpus QCOW2 images, their partitions, file systems and "
    "shadow copies",
    "[e2e][layers][corpus]") {
  SKIP_UNLESS_CORPUS(
      CorpusPath("disk_images/scalibr/valid-ext-exfat-fat32-ntfs.qcow2"),
      CorpusPath("disk_images/dfvfs/ext2.qcow2"),
      CorpusPath("disk_images/plaso/vsstest.qcow2"));

  SECTION("a GPT disk of four file systems (QCOW2 v3)") {
    // sgdisk on the converted disk: p1 2048-131071 Linux (ext4), p2
    // 131072-262143 exFAT, p3 262144-393215 FAT32, p4 393216-522239 NTFS.
    const std::string image =
        *CorpusPath("disk_images/scalibr/valid-ext-exfat-fat32-ntfs.qcow2");
    json j = ScanJson(ShellQuote(image), 0);
    const json& ev = j["scan"]["evidence"][0];
    INFO(ev.dump(1));
    CHECK(ev["format"] == "qcow2");
    CHECK(ev["size"] == 268435456);
    REQUIRE(ev["volumes"].size() == 4);
    CHECK(ChainOf(j, "p1") == "qcow2 > gpt > ext4");
    CHECK(ChainOf(j, "p2") == "qcow2 > gpt > exfat");
    CHECK(ChainOf(j, "p3") == "qcow2 > gpt > fat32");
    CHECK(ChainOf(j, "p4") == "qcow2 > gpt > ntfs");
  }
  SECTION("a bare ext2 file system (QCOW2 v3)") {
    const std::string image = *CorpusPath("disk_images/dfvfs/ext2.qcow2");
    json j = ScanJson(ShellQuote(image), 0);
    const json& ev = j["scan"]["evidence"][0];
    INFO(ev.dump(1));
    CHECK(ev["format"] == "qcow2");
    CHECK(ev["size"] == 4194304);
    REQUIRE(ev["volumes"].size() == 1);
    CHECK(ev["volumes"][0]["name"] == "");
    CHECK(ev["volumes"][0]["chain"] == "qcow2 > ext2");
  }
  SECTION("an NTFS volume with two shadow copies (QCOW2 v2)") {
    // vshadowinfo: 2 stores, created 2013-12-03 06:35:09 and 06:37:48 UTC.
    const std::string image = *CorpusPath("disk_images/plaso/vsstest.qcow2");
    json live = ScanJson(ShellQuote(image), 0);
    CHECK(live["scan"]["evidence"][0]["format"] == "qcow2");
    CHECK(VolumeNames(live) == std::set<std::string>{""});
    CHECK(ChainOf(live, "") == "qcow2 > ntfs");

    json j = ScanJson("--shadow-copies " + ShellQuote(image), 0);
    INFO(j["scan"].dump(1));
    CHECK(VolumeNames(j) == std::set<std::string>{"", "vss1", "vss2"});
    CHECK(ChainOf(j, "") == "qcow2 > ntfs");
    CHECK(ChainOf(j, "vss1") == "qcow2 > ntfs > vss");
    CHECK(ChainOf(j, "vss2") == "qcow2 > ntfs > vss");
  }
}

TEST_CASE("layers: an LVM physical volume that is the whole disk",
          "[e2e][layers][lvm]") {
  // No partition table: pvcreate on the whole (loop) device, as on many
  // virtual machines' data disks. 64 KiB extents keep it small.
  RequireTool("pvcreate", "lvm2");
  TempDir dir;
  WriteDpkgStatusRoot(dir.path() + "/root");
  MakeExt4Image(dir.path() + "/root", dir.path() + "/fs.img", 4u << 20);
  ShellScript(R"(
truncate -s 6M pv.img
loop=$(losetup -f --show pv.img)
trap 'losetup -d "$loop"' EXIT
mkdir -p lvm
export LVM_SYSTEM_DIR=$PWD/lvm LVM_SUPPRESS_FD_WARNINGS=1
conf="devices { filter=[\"a|$loop|\",\"r|.*|\"] use_devicesfile=0 } global { activation=0 } backup { backup=0 archive=0 }"
pvcreate -q --config "$conf" --metadatasize 64k --dataalignment 64k "$loop" >/dev/null 2>&1
vgcreate -q --config "$conf" -s 64k data "$loop" >/dev/null 2>&1
lvcreate -q --config "$conf" -an -Zn -L 4m -n srv data >/dev/null 2>&1
pe=$(pvs --config "$conf" --noheadings --units b --nosuffix -o pe_start "$loop" 2>/dev/null | tr -d ' ')
dd if=fs.img of=pv.img bs=64k seek=$((pe / 65536)) conv=notrunc status=none
)",
              dir.path());
  const std::string disk = dir.path() + "/pv.img";
  json j = ScanJson(ShellQuote(disk), 1);
  CHECK(ChainOf(j, "data/srv") == "raw > lvm > ext4");
  std::set<std::string> products;
  for (const json& f : j["findings"]) {
    products.insert(f["product"].get<std::string>());
    CHECK(f["software"]["location"] == disk + "#data/srv:/var/lib/dpkg/status");
  }
  CHECK(products == std::set<std::string>{"kaspersky", "telegram", "zoom"});
}
