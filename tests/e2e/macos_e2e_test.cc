// A Mac tree made in the test: WeChat in /Applications (binary Info.plist
// written by plistutil), Zoom in alice's ~/Applications (XML Info.plist), a
// ZoomIt-style look-alike, a renamed helper under /Applications/Utilities,
// Zoom's installer receipt and an InstallHistory.plist that remembers a
// Kaspersky package whose receipt is gone. The executables are Google
// Santa's real codesign-signed Mach-Os from the corpus (no Debian tool
// makes a signed Mach-O); without the corpus the test skips visibly.
// Scanned by the real binary as a folder, a tar, a zip and a FAT image: exactly the banned
// products are found, with ids, versions, sources and Team IDs; with a
// catalog whose only rules are Team IDs, the renamed helper is found by its
// signature alone and the look-alike, whose self-signed certificate only
// carries that OU, is not.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "support/test_support.h"

using namespace contraband::testing;
namespace fs = std::filesystem;

namespace {

std::string InfoPlistXml(const std::string& id, const std::string& name,
                         const std::string& version, const std::string& exe) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>CFBundleIdentifier</key><string>)" +
         id + R"(</string>
  <key>CFBundleName</key><string>)" +
         name + R"(</string>
  <key>CFBundleShortVersionString</key><string>)" +
         version + R"(</string>
  <key>CFBundleVersion</key><string>9999</string>
  <key>CFBundleExecutable</key><string>)" +
         exe + R"(</string>
</dict>
</plist>
)";
}

void Sh(const std::string& command) {
  RunResult r = Run(command + " 2>&1");
  INFO(command << "\n" << r.out);
  REQUIRE(r.exit_code == 0);
}

// Writes `xml` as a binary plist at root/rel with plistutil.
void WriteBinaryPlist(const TempDir& dir, const std::string& rel,
                      const std::string& xml) {
  const std::string src = dir.Write("xml/" + rel, xml);
  fs::create_directories(fs::path(dir.path() + "/root/" + rel).parent_path());
  Sh("plistutil -i " + ShellQuote(src) + " -o " +
     ShellQuote(dir.path() + "/root/" + rel) + " -f bin");
}

void CopyExecutable(const TempDir& dir, const std::string& corpus_file,
                    const std::string& rel) {
  const std::string to = dir.path() + "/root/" + rel;
  fs::create_directories(fs::path(to).parent_path());
  fs::copy_file(*CorpusPath("macos/santa_binaryrules/" + corpus_file), to);
}

void BuildMacTree(const TempDir& dir) {
  WriteBinaryPlist(dir, "Applications/WeChat.app/Contents/Info.plist",
                   InfoPlistXml("com.tencent.xinWeChat", "WeChat", "3.8.9",
                                "WeChat"));
  CopyExecutable(dir, "banned_teamid",
                 "Applications/WeChat.app/Contents/MacOS/WeChat");
  dir.Write("root/Users/alice/Applications/zoom.us.app/Contents/Info.plist",
            InfoPlistXml("us.zoom.xos", "zoom.us", "6.2.11", "zoom.us"));
  CopyExecutable(dir, "cert_hash_allowed_signingid_blocked",
                 "Users/alice/Applications/zoom.us.app/Contents/MacOS/zoom.us");
  WriteBinaryPlist(dir, "Applications/ZoomIt.app/Contents/Info.plist",
                   InfoPlistXml("com.example.ZoomIt", "ZoomIt", "1.0",
                                "ZoomIt"));
  CopyExecutable(dir, "goodcert", "Applications/ZoomIt.app/Contents/MacOS/ZoomIt");
  dir.Write("root/Applications/Utilities/Notes Helper.app/Contents/Info.plist",
            InfoPlistXml("com.example.notes", "Notes Helper", "2.0",
                         "Notes Helper"));
  CopyExecutable(dir, "allowed_teamid",
                 "Applications/Utilities/Notes Helper.app/Contents/MacOS/"
                 "Notes Helper");
  WriteBinaryPlist(dir, "var/db/receipts/us.zoom.pkg.videomeeting.plist",
                   R"(<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
  <key>InstallDate</key><date>2024-05-06T07:08:09Z</date>
  <key>InstallPrefixPath</key><string>Applications</string>
  <key>PackageIdentifier</key><string>us.zoom.pkg.videomeeting</string>
  <key>PackageVersion</key><string>6.0.11.35001</string>
</dict></plist>
)");
  // Kaspersky's daemon, left behind: residue, a finding only with --residue.
  dir.Write("root/Library/LaunchDaemons/com.kaspersky.kav.plist",
            R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>Label</key><string>com.kaspersky.kav</string>
  <key>ProgramArguments</key>
  <array><string>/Library/Application Support/Kaspersky Lab/KAV/Binaries/kav</string></array>
</dict></plist>
)");
  dir.Write("root/Library/Receipts/InstallHistory.plist",
            R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><array>
  <dict>
    <key>date</key><date>2023-01-02T03:04:05Z</date>
    <key>displayName</key><string>Kaspersky Internet Security</string>
    <key>displayVersion</key><string>21.0</string>
    <key>packageIdentifiers</key>
    <array><string>com.kaspersky.kav.core</string></array>
    <key>processName</key><string>Installer</string>
  </dict>
  <dict>
    <key>date</key><date>2024-05-06T07:08:09Z</date>
    <key>displayName</key><string>Zoom</string>
    <key>displayVersion</key><string>6.0.11</string>
    <key>packageIdentifiers</key>
    <array><string>us.zoom.pkg.videomeeting</string></array>
  </dict>
</array></plist>
)");
}

using Row = std::tuple<std::string, std::string, std::string, std::string>;

std::set<Row> Findings(const nlohmann::json& report) {
  std::set<Row> out;
  for (const auto& f : report["findings"]) {
    out.emplace(f["product"].get<std::string>(),
                f["software"]["ecosystem"].get<std::string>(),
                f["software"]["id"].get<std::string>(),
                f["software"]["state"].get<std::string>());
  }
  return out;
}

void CheckMacFindings(const RunResult& r) {
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const nlohmann::json report = ParseJson(r.out);
  INFO(report["findings"].dump(1));
  INFO(report["warnings"].dump(1));
  CHECK(report["warnings"].empty());
  CHECK(Findings(report) ==
        std::set<Row>{
            {"wechat", "macos", "com.tencent.xinWeChat", "installed"},
            {"zoom", "macos", "us.zoom.xos", "installed"},
            {"zoom", "macos-pkg", "us.zoom.pkg.videomeeting", "installed"},
            {"kaspersky", "macos-pkg", "com.kaspersky.kav.core", "removed"}});
  const nlohmann::json* wechat = FindingFor(report, "com.tencent.xinWeChat");
  REQUIRE(wechat);
  CHECK((*wechat)["version"] == "3.8.9");
  CHECK((*wechat)["source"] == "/Applications/WeChat.app/Contents/Info.plist");
  CHECK((*wechat)["location"] == "/Applications/WeChat.app");
  CHECK((*wechat)["signer"]["team_id"] == "EQHXZ8M8AV");
  CHECK((*wechat)["signer"]["cert_sha256"] ==
        "0b3182a3e24d7dd77aa6db2aca087602f89f5d7a0412cee67681f6a8ee6c6642");
  const nlohmann::json* zoom = FindingFor(report, "us.zoom.xos");
  REQUIRE(zoom);
  CHECK((*zoom)["user"] == "alice");
  CHECK((*zoom)["version"] == "6.2.11");
  CHECK((*zoom)["signer"]["team_id"] == "EQHXZ8M8AV");
  const nlohmann::json* kav = FindingFor(report, "com.kaspersky.kav.core");
  REQUIRE(kav);
  CHECK((*kav)["installed_at"] == "2023-01-02T03:04:05Z");
  CHECK((*kav)["source"] == "/Library/Receipts/InstallHistory.plist");
  const nlohmann::json* pkg = FindingFor(report, "us.zoom.pkg.videomeeting");
  REQUIRE(pkg);
  CHECK((*pkg)["version"] == "6.0.11.35001");
  CHECK((*pkg)["installed_at"] == "2024-05-06T07:08:09Z");
}

// A catalog whose only rules are the two Team IDs of the santa binaries.
std::string TeamIdCatalog(const TempDir& dir) {
  nlohmann::json product = {{"schema", "contraband/product/v1"},
                            {"id", "banned-team"},
                            {"name", "Banned team"},
                            {"vendor", "Test"},
                            {"rules",
                             {{{"ecosystem", "macos"},
                               {"field", "team_id"},
                               {"equals", {"EQHXZ8M8AV", "TJNVEKW352"}},
                               {"confidence", "high"}}}}};
  dir.Write("catalog/products/banned-team.json", product.dump());
  return dir.path() + "/catalog/products";
}

}  // namespace

TEST_CASE("a Mac tree: apps with Team IDs, receipts and install history, as "
          "a folder, a tar, a zip and a FAT image",
          "[apple][macos][e2e]") {
  SKIP_UNLESS_CORPUS(CorpusPath("macos/santa_binaryrules"));
  if (!HaveTool("plistutil")) {
    WARN("plistutil (libplist-utils) absent: skipped");
    return;
  }
  TempDir dir;
  BuildMacTree(dir);
  const std::string root = dir.path() + "/root";
  CheckMacFindings(RunContraband("scan --format json " + ShellQuote(root)));
  Sh("tar -C " + ShellQuote(root) + " -cf " +
     ShellQuote(dir.path() + "/mac.tar") + " .");
  CheckMacFindings(
      RunContraband("scan --format json " + ShellQuote(dir.path() + "/mac.tar")));
  if (HaveTool("zip")) {
    Sh("cd " + ShellQuote(root) + " && zip -qry ../mac.zip .");
    CheckMacFindings(RunContraband("scan --format json " +
                                   ShellQuote(dir.path() + "/mac.zip")));
  } else {
    WARN("zip absent: the zip form is not tested");
  }
  // A FAT image (a Mac's collected tree copied to a USB stick), read through
  // The Sleuth Kit.
  if (HaveTool("mkfs.fat") && HaveTool("mcopy")) {
    const std::string img = dir.path() + "/mac.img";
    Sh("truncate -s 32M " + ShellQuote(img) + " && mkfs.fat " +
       ShellQuote(img) + " >/dev/null && cd " + ShellQuote(root) +
       " && mcopy -s -i " + ShellQuote(img) + " Applications Users Library var ::/");
    CheckMacFindings(RunContraband("scan --format json " + ShellQuote(img)));
  } else {
    WARN("mkfs.fat or mcopy absent: the FAT image form is not tested");
  }

  const std::string catalog = TeamIdCatalog(dir);
  for (const std::string& evidence : {root, dir.path() + "/mac.tar"}) {
    INFO(evidence);
    RunResult r = RunContraband("scan --format json --catalog " +
                                ShellQuote(catalog) + " " +
                                ShellQuote(evidence));
    INFO(r.err);
    CHECK(r.exit_code == 1);
    const nlohmann::json report = ParseJson(r.out);
    INFO(report["findings"].dump(1));
    CHECK(Findings(report) ==
          std::set<Row>{
              {"banned-team", "macos", "com.tencent.xinWeChat", "installed"},
              {"banned-team", "macos", "us.zoom.xos", "installed"},
              {"banned-team", "macos", "com.example.notes", "installed"}});
    const nlohmann::json* notes = FindingFor(report, "com.example.notes");
    REQUIRE(notes);
    CHECK((*notes)["signer"]["team_id"] == "TJNVEKW352");
    CHECK((*notes)["location"] == "/Applications/Utilities/Notes Helper.app");
  }

  // Leftovers are findings on request.
  RunResult residue =
      RunContraband("scan --residue --format json " + ShellQuote(root));
  const nlohmann::json with_residue = ParseJson(residue.out);
  CHECK(Findings(with_residue).count(
            {"kaspersky", "macos", "com.kaspersky.kav", "residue"}) == 1);

  // A 100 MiB executable (the signed santa binary, padded at its end, as
  // sparse file): only its load commands and signature are read.
  CopyExecutable(dir, "banned_teamid", "Applications/Big.app/Contents/MacOS/Big");
  fs::resize_file(root + "/Applications/Big.app/Contents/MacOS/Big",
                  100ull << 20);
  WriteBinaryPlist(dir, "Applications/Big.app/Contents/Info.plist",
                   InfoPlistXml("com.example.big", "Big", "1.0", "Big"));

  // The look-alike is in the inventory, with no Team ID.
  RunResult inv = RunContraband("inventory --format json " + ShellQuote(root));
  const nlohmann::json inventory = ParseJson(inv.out);
  bool saw_lookalike = false;
  for (const auto& sw : inventory["software"]) {
    if (sw["id"] != "com.example.ZoomIt") continue;
    saw_lookalike = true;
    CHECK(sw["signer"]["team_id"] == "");
    CHECK(sw["signer"]["subject"] == "localhost");
  }
  CHECK(saw_lookalike);
  bool saw_big = false;
  for (const auto& sw : inventory["software"]) {
    if (sw["id"] != "com.example.big") continue;
    saw_big = true;
    CHECK(sw["signer"]["team_id"] == "EQHXZ8M8AV");
  }
  CHECK(saw_big);
  INFO(inventory["stats"].dump());
  // Every file of the tree read, the big one in ranges: under 1 % of it.
  CHECK(inventory["stats"]["bytes_read"].get<uint64_t>() < (1ull << 20));
}
