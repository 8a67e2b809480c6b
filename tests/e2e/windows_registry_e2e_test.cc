// A Windows tree built from real corpus hives with Uninstall keys added by
// hivexregedit --merge (libwin-hivex-perl): Kaspersky in SOFTWARE, WeChat in
// its WOW6432Node, Zoom only in alice's NTUSER.DAT, Telegram only in bob's
// lower-case ntuser.dat, and the look-alikes ZoomIt (Sysinternals) and Zoom
// Player (Inmatrix), and WhatsApp only as an MSIX package in
// Program Files/WindowsApps. Scanned by the real binary with the embedded
// catalog as a folder, a zip, an E01 of an NTFS disk and as triage
// collections: the findings are exactly kaspersky, telegram, wechat,
// whatsapp and zoom, each with its hive and key (and user for the per-user
// ones) or its manifest.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/hive_merge.h"
#include "support/test_support.h"

using namespace contraband::testing;

namespace {

void Merge(const TempDir& dir, const std::string& hive,
           const std::vector<RegKey>& keys) {
  MergeIntoHive(hive, keys, dir.path());
}

const std::string kUninstall = "Microsoft\\Windows\\CurrentVersion\\Uninstall\\";

const std::string kWhatsApp =
    "5319275A.WhatsAppDesktop_2.2450.6.0_x64__cv1g1gvanyjgm";
const char kWhatsAppManifest[] = R"(<?xml version="1.0" encoding="utf-8"?>
<Package xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10">
  <Identity Name="5319275A.WhatsAppDesktop"
            Publisher="CN=24803D75-212C-471A-BC57-9EF86AB91435"
            Version="2.2450.6.0" ProcessorArchitecture="x64"/>
  <Properties>
    <DisplayName>WhatsApp</DisplayName>
    <PublisherDisplayName>WhatsApp Inc.</PublisherDisplayName>
  </Properties>
</Package>
)";

// Lays the tree out in dir/root; returns the root.
std::string BuildWindowsTree(const TempDir& dir, const std::string& software,
                             const std::string& ntuser) {
  namespace fs = std::filesystem;
  const std::string root = dir.path() + "/root";
  // Letter case as Windows leaves it on some systems: every part is found.
  const std::string config = root + "/WINDOWS/system32/CONFIG";
  fs::create_directories(config);
  fs::create_directories(root + "/Users/alice");
  fs::create_directories(root + "/Users/bob");
  const std::string sw = config + "/software";
  const std::string alice = root + "/Users/alice/NTUSER.DAT";
  const std::string bob = root + "/Users/bob/ntuser.dat";
  // WhatsApp from the Store: only its package folder and manifest.
  // (In the letter case of a copy that did not keep Windows' own.)
  const std::string whatsapp = root + "/Program Files/WINDOWSAPPS/" + kWhatsApp;
  fs::create_directories(whatsapp);
  WriteHostFile(whatsapp + "/appxmanifest.xml", kWhatsAppManifest);
  fs::copy_file(software, sw);
  fs::copy_file(ntuser, alice);
  fs::copy_file(ntuser, bob);
  for (const std::string& f : {sw, alice, bob}) {
    fs::permissions(f, fs::perms::owner_write, fs::perm_options::add);
  }
  Merge(dir, sw,
        {{kUninstall + "{B2C5A8D7-3E0F-4C21-9A6B-0D7E1F2A3B4C}",
          {{"DisplayName", "Kaspersky Endpoint Security for Windows"},
           {"DisplayVersion", "12.3.0.493"},
           {"Publisher", "AO Kaspersky Lab"},
           {"InstallDate", "20240115"},
           {"InstallLocation",
            "C:\\Program Files (x86)\\Kaspersky Lab\\KES.12.3.0\\"},
           {"UninstallString",
            "MsiExec.exe /X{B2C5A8D7-3E0F-4C21-9A6B-0D7E1F2A3B4C}"}}},
         {kUninstall + "ZoomIt",
          {{"DisplayName", "ZoomIt"},
           {"DisplayVersion", "8.01"},
           {"Publisher", "Sysinternals - www.sysinternals.com"}}},
         {kUninstall + "Zoom Player MAX_is1",
          {{"DisplayName", "Zoom Player MAX"},
           {"DisplayVersion", "19.0"},
           {"Publisher", "Inmatrix LTD"}}},
         {"WOW6432Node\\" + kUninstall + "WeChat",
          {{"DisplayName", "WeChat"},
           {"DisplayVersion", "3.9.8.25"},
           {"Publisher", "Tencent"}}}});
  Merge(dir, alice,
        {{"Software\\" + kUninstall + "ZoomUMX",
          {{"DisplayName", "Zoom Workplace"},
           {"DisplayVersion", "6.1.1 (41705)"},
           {"Publisher", "Zoom Video Communications, Inc."}}}});
  Merge(dir, bob,
        {{"Software\\" + kUninstall + "{53F49750-6209-4FBF-9CA8-7A333C87D1ED}_is1",
          {{"DisplayName", "Telegram Desktop"},
           {"DisplayVersion", "5.2.3"},
           {"Publisher", "Telegram FZ-LLC"},
           {"InstallDate", "20240702"}}}});
  return root;
}

// product -> its finding, failing on a product found twice.
std::map<std::string, nlohmann::json> FindingsByProduct(
    const nlohmann::json& report) {
  std::map<std::string, nlohmann::json> out;
  for (const nlohmann::json& f : report["findings"]) {
    const std::string product = f["product"];
    INFO(f.dump());
    CHECK(out.count(product) == 0);
    out[product] = f;
  }
  return out;
}

// `where`: the "EVIDENCE#VOLUME:" a location starts with inside a disk.
void CheckFindings(const nlohmann::json& report,
                   const std::string& where = "") {
  const auto found = FindingsByProduct(report);
  std::vector<std::string> products;
  for (const auto& [p, f] : found) products.push_back(p);
  CHECK(products == std::vector<std::string>{"kaspersky", "telegram", "wechat",
                                              "whatsapp", "zoom"});
  if (products.size() != 5) return;
  const nlohmann::json& kas = found.at("kaspersky")["software"];
  CHECK(kas["ecosystem"] == "windows");
  CHECK(kas["id"] == "{B2C5A8D7-3E0F-4C21-9A6B-0D7E1F2A3B4C}");
  CHECK(kas["name"] == "Kaspersky Endpoint Security for Windows");
  CHECK(kas["version"] == "12.3.0.493");
  CHECK(kas["source"] == "/WINDOWS/system32/CONFIG/software");
  CHECK(kas["source_key"] == kUninstall + "{B2C5A8D7-3E0F-4C21-9A6B-0D7E1F2A3B4C}");
  CHECK(kas["installed_at"] == "2024-01-15");
  CHECK(kas["location"] ==
        where + "/Program Files (x86)/Kaspersky Lab/KES.12.3.0");
  CHECK(kas["user"] == "");
  CHECK(kas["uninstall_command"] ==
        "MsiExec.exe /X{B2C5A8D7-3E0F-4C21-9A6B-0D7E1F2A3B4C}");

  const nlohmann::json& wechat = found.at("wechat")["software"];
  CHECK(wechat["id"] == "WeChat");
  CHECK(wechat["arch"] == "x86");
  CHECK(wechat["source"] == "/WINDOWS/system32/CONFIG/software");
  // As the hive spells it (hivex merged into the existing Wow6432Node).
  CHECK(wechat["source_key"] == "Wow6432Node\\" + kUninstall + "WeChat");

  const nlohmann::json& zoom = found.at("zoom")["software"];
  CHECK(zoom["id"] == "ZoomUMX");
  CHECK(zoom["user"] == "alice");
  CHECK(zoom["source"] == "/Users/alice/NTUSER.DAT");
  CHECK(zoom["source_key"] == "Software\\" + kUninstall + "ZoomUMX");
  CHECK(found.at("zoom")["confidence"] == "high");

  const nlohmann::json& wa = found.at("whatsapp")["software"];
  CHECK(wa["ecosystem"] == "msix");
  CHECK(wa["id"] == "5319275A.WhatsAppDesktop_cv1g1gvanyjgm");
  CHECK(wa["source"] ==
        "/Program Files/WINDOWSAPPS/" + kWhatsApp + "/appxmanifest.xml");
  CHECK(found.at("whatsapp")["confidence"] == "high");

  const nlohmann::json& tg = found.at("telegram")["software"];
  CHECK(tg["id"] == "{53F49750-6209-4FBF-9CA8-7A333C87D1ED}_is1");
  CHECK(tg["user"] == "bob");
  CHECK(tg["source"] == "/Users/bob/ntuser.dat");
  CHECK(tg["installed_at"] == "2024-07-02");
}

}  // namespace

TEST_CASE("windows registry: a Windows tree as a folder and as a zip",
          "[windows][e2e]") {
  auto software = CorpusPath("windows_registry/regipy_ntuser_software_partial.hive");
  auto ntuser = CorpusPath("windows_registry/velociraptor_ntuser.dat");
  SKIP_UNLESS_CORPUS(software, ntuser);
  if (!HaveTool("hivexregedit")) {
    WARN("hivexregedit absent (libwin-hivex-perl): skipped");
    return;
  }
  TempDir dir;
  const std::string root = BuildWindowsTree(dir, *software, *ntuser);

  RunResult folder = RunContraband("scan --format json " + ShellQuote(root));
  INFO(folder.err);
  CHECK(folder.exit_code == 1);
  nlohmann::json report = ParseJson(folder.out);
  CheckFindings(report);
  // The look-alikes are inventory, not findings.
  RunResult inv = RunContraband("inventory --format json " + ShellQuote(root));
  nlohmann::json inventory = ParseJson(inv.out);
  std::set<std::string> names;
  for (const nlohmann::json& sw : inventory["software"]) {
    if (sw["ecosystem"] == "windows") names.insert(sw["name"]);
  }
  CHECK(names.count("ZoomIt") == 1);
  CHECK(names.count("Zoom Player MAX") == 1);
  CHECK(names.count("GitKraken") == 1);  // the corpus hive's own entries

  if (!HaveTool("zip")) {
    WARN("zip absent: the archive half is skipped");
    return;
  }
  RunResult z = Run("cd " + ShellQuote(root) +
                    " && zip -qr ../windows.zip WINDOWS Users \"Program Files\"");
  REQUIRE(z.exit_code == 0);
  RunResult zipped =
      RunContraband("scan --format json " + ShellQuote(dir.path() + "/windows.zip"));
  INFO(zipped.err);
  CHECK(zipped.exit_code == 1);
  CheckFindings(ParseJson(zipped.out));
}

TEST_CASE("windows registry: the Windows tree in an NTFS partition of an E01",
          "[windows][e2e]") {
  auto software = CorpusPath("windows_registry/regipy_ntuser_software_partial.hive");
  auto ntuser = CorpusPath("windows_registry/velociraptor_ntuser.dat");
  SKIP_UNLESS_CORPUS(software, ntuser);
  for (const char* tool :
       {"hivexregedit", "mkntfs", "ntfs-3g", "sgdisk", "ewfacquire"}) {
    if (!HaveTool(tool)) {
      WARN(std::string(tool) + " absent: skipped");
      return;
    }
  }
  TempDir dir;
  const std::string root = BuildWindowsTree(dir, *software, *ntuser);
  const std::string script = R"(set -e
cd "$1"
truncate -s 32M ntfs.img
mkntfs -F -q -f ntfs.img >/dev/null 2>&1
mkdir mnt
ntfs-3g ntfs.img mnt
cp -r root/WINDOWS root/Users "root/Program Files" mnt/
umount mnt
truncate -s 40M disk.raw
sgdisk -o -n 1:2048:+32M -t 1:0700 disk.raw >/dev/null
dd if=ntfs.img of=disk.raw bs=1M seek=1 conv=notrunc status=none
ewfacquire -u -q -c fast -t disk disk.raw >/dev/null
)";
  RunResult built = Run("bash -c " + ShellQuote(script) + " x " +
                        ShellQuote(dir.path()));
  INFO(built.err);
  REQUIRE(built.exit_code == 0);
  const std::string e01 = dir.path() + "/disk.E01";
  RunResult r = RunContraband("scan --format json " + ShellQuote(e01));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  nlohmann::json report = ParseJson(r.out);
  for (const nlohmann::json& f : report["findings"]) {
    CHECK(f["software"]["volume"] == "p1");
  }
  CheckFindings(report, e01 + "#p1:");
}

namespace {

// product@volume/user -> count, for reports with a product on two drives.
std::multiset<std::string> FindingPlaces(const nlohmann::json& report) {
  std::multiset<std::string> out;
  for (const nlohmann::json& f : report["findings"]) {
    out.insert(f["product"].get<std::string>() + "@" +
               f["software"]["volume"].get<std::string>() + "/" +
               f["software"]["user"].get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE("windows registry: triage collections (KAPE folder with two "
          "drives, CyLR zip, Velociraptor zip) are scanned like the disk",
          "[windows][e2e]") {
  auto software = CorpusPath("windows_registry/regipy_ntuser_software_partial.hive");
  auto ntuser = CorpusPath("windows_registry/velociraptor_ntuser.dat");
  SKIP_UNLESS_CORPUS(software, ntuser);
  if (!HaveTool("hivexregedit") || !HaveTool("zip")) {
    WARN("hivexregedit or zip absent: skipped");
    return;
  }
  TempDir dir;
  const std::string root = BuildWindowsTree(dir, *software, *ntuser);
  // KAPE: one folder per drive. D: holds a profile under Users and one that
  // ProfileList would place outside it (D:\Profiles\erin), both with bob's
  // Telegram.
  const std::string script = R"(set -e
cd "$1"
mkdir -p kape/D/Users/dave kape/D/Profiles/erin kape/E
cp -r root kape/C
cp root/Users/bob/ntuser.dat kape/D/Users/dave/NTUSER.DAT
cp root/Users/bob/ntuser.dat kape/D/Profiles/erin/NTUSER.DAT
echo not a drive > kape/E/notes.txt
echo log > kape/ConsoleLog.txt
(cd kape && zip -qr ../cylr.zip C)
mkdir -p velo/uploads/auto velo/results
cp -r root "velo/uploads/auto/C%3A"
echo '{}' > "velo/results/Windows.KapeFiles.Targets%2FUploads.json"
(cd velo && zip -qr ../velo.zip uploads results)
)";
  RunResult built =
      Run("bash -c " + ShellQuote(script) + " x " + ShellQuote(dir.path()));
  INFO(built.err);
  REQUIRE(built.exit_code == 0);

  RunResult kape =
      RunContraband("scan --format json " + ShellQuote(dir.path() + "/kape"));
  INFO(kape.err);
  CHECK(kape.exit_code == 1);
  nlohmann::json report = ParseJson(kape.out);
  CHECK(FindingPlaces(report) ==
        std::multiset<std::string>{"kaspersky@C/", "wechat@C/", "whatsapp@C/",
                                   "zoom@C/alice", "telegram@C/bob",
                                   "telegram@D/dave", "telegram@D/erin"});
  const nlohmann::json& volumes = report["scan"]["evidence"][0]["volumes"];
  REQUIRE(volumes.size() == 2);
  CHECK(volumes[0]["name"] == "C");
  CHECK(volumes[0]["chain"] == "directory > C");
  CHECK(volumes[1]["name"] == "D");

  // CyLR: the same C: drive in a zip gives the folder's findings.
  RunResult cylr =
      RunContraband("scan --format json " + ShellQuote(dir.path() + "/cylr.zip"));
  INFO(cylr.err);
  CHECK(cylr.exit_code == 1);
  nlohmann::json cylr_report = ParseJson(cylr.out);
  CheckFindings(cylr_report, dir.path() + "/cylr.zip#C:");
  CHECK(cylr_report["findings"][0]["software"]["volume"] == "C");

  // Velociraptor: the drive filed URL-encoded under uploads/auto.
  RunResult velo =
      RunContraband("scan --format json " + ShellQuote(dir.path() + "/velo.zip"));
  INFO(velo.err);
  CHECK(velo.exit_code == 1);
  nlohmann::json velo_report = ParseJson(velo.out);
  CheckFindings(velo_report, dir.path() + "/velo.zip#C:");
  CHECK(velo_report["scan"]["evidence"][0]["volumes"][0]["chain"] ==
        "zip > uploads/auto/C%3A");

  // Velociraptor's encrypted collection: the same zip as data.zip inside a
  // zip encrypted with AES (7z writes the WinZip AES format it uses).
  if (!HaveTool("7z")) {
    WARN("7z absent: the encrypted collection is skipped");
    return;
  }
  RunResult sealed = Run("cd " + ShellQuote(dir.path()) +
                         " && cp velo.zip data.zip && 7z a -tzip -mem=AES256 "
                         "-phello sealed.zip data.zip >/dev/null");
  REQUIRE(sealed.exit_code == 0);
  const std::string sealed_zip = ShellQuote(dir.path() + "/sealed.zip");
  RunResult open =
      RunContraband("scan --format json --password hello " + sealed_zip);
  INFO(open.err);
  CHECK(open.exit_code == 1);
  nlohmann::json open_report = ParseJson(open.out);
  CheckFindings(open_report, dir.path() + "/sealed.zip#C:");
  CHECK(open_report["scan"]["evidence"][0]["format"] ==
        "zip > data.zip (encrypted)");
  // No password, or a wrong one: nothing read, and no clean verdict.
  RunResult closed = RunContraband("scan --format json " + sealed_zip);
  CHECK(closed.exit_code == 3);
  CHECK(closed.err.find("--password") != std::string::npos);
  RunResult wrong =
      RunContraband("scan --format json --password nope " + sealed_zip);
  CHECK(wrong.exit_code == 3);
  CHECK(wrong.err.find("is the --password right?") != std::string::npos);
}

TEST_CASE("windows registry: a real encrypted Velociraptor collection",
          "[windows][e2e]") {
  auto sealed = CorpusPath(
      "windows_triage/velociraptor_encrypted_collector_password_hello.zip");
  SKIP_UNLESS_CORPUS(sealed);
  RunResult r = RunContraband("inventory --format json --password hello " +
                              ShellQuote(*sealed));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  nlohmann::json report = ParseJson(r.out);
  CHECK(report["scan"]["evidence"][0]["format"] ==
        "zip > data.zip (encrypted)");
  CHECK(report["warnings"].empty());
  RunResult closed = RunContraband("scan " + ShellQuote(*sealed));
  CHECK(closed.exit_code == 3);
}

TEST_CASE("windows registry: a real Velociraptor collection zip",
          "[windows][e2e]") {
  auto collection = CorpusPath(
      "windows_triage/"
      "velociraptor_Collection-WIN-E5K9RC5GU23-2021-11-21T18_05_56-08_00.zip");
  SKIP_UNLESS_CORPUS(collection);
  RunResult r = RunContraband("scan --format json " + ShellQuote(*collection));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  nlohmann::json report = ParseJson(r.out);
  const nlohmann::json& volumes = report["scan"]["evidence"][0]["volumes"];
  REQUIRE(volumes.size() == 1);
  CHECK(volumes[0]["name"] == "C");
  CHECK(volumes[0]["chain"] == "zip > uploads/auto/C%3A");
  // Its ntuser.dat was cut to 102400 bytes upstream: read as far as it goes,
  // and the rest is a warning naming the file, not silence.
  bool warned = false;
  for (const nlohmann::json& w : report["warnings"]) {
    if (w["path"] == "/Users/Administrator/ntuser.dat" &&
        w["collector"] == "windows-registry") {
      warned = true;
    }
  }
  CHECK(warned);
}

TEST_CASE("windows registry: a KAPE VHDX (drive folder inside NTFS)",
          "[windows][e2e]") {
  auto software = CorpusPath("windows_registry/regipy_ntuser_software_partial.hive");
  auto ntuser = CorpusPath("windows_registry/velociraptor_ntuser.dat");
  SKIP_UNLESS_CORPUS(software, ntuser);
  for (const char* tool : {"hivexregedit", "mkntfs", "ntfs-3g", "qemu-img"}) {
    if (!HaveTool(tool)) {
      WARN(std::string(tool) + " absent: skipped");
      return;
    }
  }
  TempDir dir;
  BuildWindowsTree(dir, *software, *ntuser);
  // KAPE writes its targets into a VHDX as <host>/C/...; the NTFS inside is
  // not a Windows volume itself, its C folder is.
  const std::string script = R"(set -e
cd "$1"
truncate -s 32M ntfs.img
mkntfs -F -q -f ntfs.img >/dev/null 2>&1
mkdir mnt
ntfs-3g ntfs.img mnt
mkdir -p mnt/DESKTOP-1/C
cp -r root/WINDOWS root/Users "root/Program Files" mnt/DESKTOP-1/C/
umount mnt
qemu-img convert -f raw -O vhdx ntfs.img kape.vhdx
)";
  RunResult built =
      Run("bash -c " + ShellQuote(script) + " x " + ShellQuote(dir.path()));
  INFO(built.err);
  REQUIRE(built.exit_code == 0);
  const std::string vhdx = dir.path() + "/kape.vhdx";
  RunResult r = RunContraband("scan --format json " + ShellQuote(vhdx));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  nlohmann::json report = ParseJson(r.out);
  CheckFindings(report, vhdx + "#C:");
  const nlohmann::json& volumes = report["scan"]["evidence"][0]["volumes"];
  REQUIRE(volumes.size() == 1);
  CHECK(volumes[0]["name"] == "C");
  CHECK(volumes[0]["chain"] == "vhdx > ntfs > DESKTOP-1/C");
}
