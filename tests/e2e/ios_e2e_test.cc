// An iPhone full-filesystem extraction made in the test as a tar.gz with a
// top folder (filesystem1/, as forensic suites write it): WeChat (binary
// Info.plist by plistutil, with iTunesMetadata.plist) and TikTok (XML
// Info.plist) installed, a harmless app, and an installd log recording
// Zoom's uninstall. The real binary with the embedded catalog finds exactly
// those, with bundle ids, versions and source files.
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

void Sh(const std::string& command) {
  RunResult r = Run(command + " 2>&1");
  INFO(command << "\n" << r.out);
  REQUIRE(r.exit_code == 0);
}

std::string InfoPlist(const std::string& id, const std::string& name,
                      const std::string& version) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>CFBundleIdentifier</key><string>)" +
         id + R"(</string>
  <key>CFBundleDisplayName</key><string>)" +
         name + R"(</string>
  <key>CFBundleShortVersionString</key><string>)" +
         version + R"(</string>
  <key>CFBundleVersion</key><string>1</string>
</dict></plist>
)";
}

// `var` is where the extraction keeps the phone's /private/var.
void BuildExtraction(const TempDir& dir,
                     const std::string& var = "filesystem1/private/var/") {
  const std::string kApps = var + "containers/Bundle/Application/";
  const std::string wechat = std::string(kApps) + "5B1C-WECHAT/WeChat.app/";
  const std::string xml = dir.Write(
      "xml/wechat.plist", InfoPlist("com.tencent.xin", "WeChat", "8.0.49"));
  fs::create_directories(dir.path() + "/tree/" + wechat);
  Sh("plistutil -i " + ShellQuote(xml) + " -o " +
     ShellQuote(dir.path() + "/tree/" + wechat + "Info.plist") + " -f bin");
  dir.Write("tree/" + std::string(kApps) + "5B1C-WECHAT/iTunesMetadata.plist",
            R"(<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
  <key>itemId</key><integer>414478124</integer>
  <key>artistName</key><string>WeChat</string>
  <key>com.apple.iTunesStore.downloadInfo</key><dict>
    <key>accountInfo</key><dict><key>AppleID</key><string>alice@example.com</string></dict>
  </dict>
</dict></plist>
)");
  dir.Write("tree/" + std::string(kApps) + "9F2D-TIKTOK/TikTok.app/Info.plist",
            InfoPlist("com.zhiliaoapp.musically", "TikTok", "34.5.0"));
  dir.Write("tree/" + std::string(kApps) + "0A0A-NOTES/Notes.app/Info.plist",
            InfoPlist("com.example.notes", "Notes", "1.0"));
  dir.Write(
      "tree/" + var + "installd/Library/Logs/"
      "MobileInstallation/mobile_installation.log.0",
      "Mon Jan  1 10:00:00 2024 [47] <notice> (0x1) -[MIInstaller "
      "performInstallationWithError:]: Installing <MIInstallableBundle "
      "ID=us.zoom.videomeetings; Version=5.17.0.1, ShortVersion=5.17.0>\n"
      "Mon Jan  1 10:00:05 2024 [47] <notice> (0x1) -[MIInstaller "
      "performInstallationWithError:]: Install Successful for "
      "(us.zoom.videomeetings); Staging: 1.00s\n"
      "Tue Feb  6 08:09:10 2024 [47] <notice> (0x1) -[MIUninstaller "
      "_uninstallBundleWithIdentifier:error:]: Uninstalling identifier "
      "us.zoom.videomeetings\n");
  // The rest of a real extraction's top: private/var/mobile is there.
  fs::create_directories(dir.path() + "/tree/" + var + "mobile");
}

using Row = std::tuple<std::string, std::string, std::string, std::string>;

std::set<Row> Findings(const nlohmann::json& report) {
  std::set<Row> out;
  for (const auto& f : report["findings"]) {
    out.emplace(f["product"].get<std::string>(),
                f["software"]["id"].get<std::string>(),
                f["software"]["version"].get<std::string>(),
                f["software"]["state"].get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE(
    "an iOS extraction tar.gz: WeChat and TikTok installed, Zoom "
    "uninstalled",
    "[ios][e2e]") {
  if (!HaveTool("plistutil")) {
    WARN("plistutil (libplist-utils) absent: skipped");
    return;
  }
  TempDir dir;
  BuildExtraction(dir);
  const std::string tgz = dir.path() + "/extraction.tar.gz";
  Sh("tar -C " + ShellQuote(dir.path() + "/tree") + " -czf " + ShellQuote(tgz) +
     " filesystem1");
  const RunResult r = RunContraband("scan --format json " + ShellQuote(tgz));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const nlohmann::json report = ParseJson(r.out);
  INFO(report["findings"].dump(1));
  INFO(report["warnings"].dump(1));
  CHECK(report["warnings"].empty());
  CHECK(Findings(report) ==
        std::set<Row>{
            {"wechat", "com.tencent.xin", "8.0.49", "installed"},
            {"tiktok", "com.zhiliaoapp.musically", "34.5.0", "installed"},
            {"zoom", "us.zoom.videomeetings", "5.17.0", "removed"}});
  const std::string apps = "/private/var/containers/Bundle/Application/";
  const nlohmann::json* wechat = FindingFor(report, "com.tencent.xin");
  REQUIRE(wechat);
  CHECK((*wechat)["ecosystem"] == "ios");
  CHECK((*wechat)["source"] == apps + "5B1C-WECHAT/WeChat.app/Info.plist");
  CHECK((*wechat)["location"] == apps + "5B1C-WECHAT/WeChat.app");
  CHECK((*wechat)["user"] == "alice@example.com");
  CHECK((*wechat)["store_id"] == "414478124");  // iTunesMetadata's itemId
  const nlohmann::json* tiktok = FindingFor(report, "com.zhiliaoapp.musically");
  REQUIRE(tiktok);
  CHECK((*tiktok)["source"] == apps + "9F2D-TIKTOK/TikTok.app/Info.plist");
  const nlohmann::json* zoom = FindingFor(report, "us.zoom.videomeetings");
  REQUIRE(zoom);
  CHECK((*zoom)["removed_at"] == "2024-02-06T08:09:10");
  CHECK((*zoom)["installed_at"] == "2024-01-01T10:00:05");

  // The same tree as a folder gives the same findings.
  const RunResult folder =
      RunContraband("scan --format json " + ShellQuote(dir.path() + "/tree"));
  CHECK(folder.exit_code == 1);
  CHECK(Findings(ParseJson(folder.out)) == Findings(report));
}

TEST_CASE("a TikTok .ipa: given as evidence, and loose in a user's folder",
          "[ios][ios-ipa][e2e]") {
  const auto exe = CorpusPath("macos/santa_binaryrules/banned_teamid");
  SKIP_UNLESS_CORPUS(exe);
  if (!HaveTool("plistutil") || !HaveTool("zip")) {
    WARN("plistutil or zip absent: skipped");
    return;
  }
  TempDir dir;
  const std::string xml = dir.Write("xml/info.plist",
                                    R"(<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
  <key>CFBundleIdentifier</key><string>com.zhiliaoapp.musically</string>
  <key>CFBundleDisplayName</key><string>TikTok</string>
  <key>CFBundleShortVersionString</key><string>34.5.0</string>
  <key>CFBundleExecutable</key><string>TikTok</string>
</dict></plist>
)");
  fs::create_directories(dir.path() + "/ipa/Payload/TikTok.app");
  Sh("plistutil -i " + ShellQuote(xml) + " -o " +
     ShellQuote(dir.path() + "/ipa/Payload/TikTok.app/Info.plist") + " -f bin");
  fs::copy_file(*exe, dir.path() + "/ipa/Payload/TikTok.app/TikTok");
  dir.Write("ipa/iTunesMetadata.plist",
            "<plist><dict><key>artistName</key><string>TikTok Ltd.</string>"
            "<key>itemId</key><integer>835599320</integer></dict></plist>");
  // Deflated, as App Store IPAs are: the executable is inflated in memory.
  Sh("cd " + ShellQuote(dir.path() + "/ipa") +
     " && zip -qr ../TikTok.ipa Payload iTunesMetadata.plist");

  auto check = [](const RunResult& r, const std::string& source) {
    INFO(r.err);
    CHECK(r.exit_code == 1);
    const nlohmann::json report = ParseJson(r.out);
    INFO(report.dump(1));
    CHECK(report["warnings"].empty());
    REQUIRE(report["findings"].size() == 1);
    const auto& f = report["findings"][0];
    CHECK(f["product"] == "tiktok");
    const auto& sw = f["software"];
    CHECK(sw["ecosystem"] == "installer");
    CHECK(sw["id"] == "com.zhiliaoapp.musically");
    CHECK(sw["version"] == "34.5.0");
    CHECK(sw["name"] == "TikTok");
    CHECK(sw["publisher"] == "TikTok Ltd.");
    CHECK(sw["signer"]["team_id"] == "EQHXZ8M8AV");
    CHECK(sw["source"] == source);
  };
  check(RunContraband("scan --format json " +
                      ShellQuote(dir.path() + "/TikTok.ipa")),
        "/TikTok.ipa");
  fs::create_directories(dir.path() + "/mac/Users/alice/Downloads");
  fs::copy_file(dir.path() + "/TikTok.ipa",
                dir.path() + "/mac/Users/alice/Downloads/TikTok.ipa");
  check(RunContraband("scan --format json " + ShellQuote(dir.path() + "/mac")),
        "/Users/alice/Downloads/TikTok.ipa");
}

// iOS-only bundle ids (WeChat's com.tencent.xin, WhatsApp's
// net.whatsapp.WhatsApp) match loose app files too: the catalog's ios id
// rules also name the installer ecosystem.
TEST_CASE("a loose WeChat .ipa is found by its iOS bundle id",
          "[ios][ios-ipa][e2e]") {
  if (!HaveTool("plistutil") || !HaveTool("zip")) {
    WARN("plistutil or zip absent: skipped");
    return;
  }
  TempDir dir;
  const std::string xml = dir.Write("xml/info.plist",
                                    R"(<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
  <key>CFBundleIdentifier</key><string>com.tencent.xin</string>
  <key>CFBundleDisplayName</key><string>WeChat</string>
  <key>CFBundleShortVersionString</key><string>8.0.49</string>
</dict></plist>
)");
  fs::create_directories(dir.path() + "/ipa/Payload/WeChat.app");
  Sh("plistutil -i " + ShellQuote(xml) + " -o " +
     ShellQuote(dir.path() + "/ipa/Payload/WeChat.app/Info.plist") + " -f bin");
  fs::create_directories(dir.path() + "/root/Users/bob/Downloads");
  Sh("cd " + ShellQuote(dir.path() + "/ipa") + " && zip -qr " +
     ShellQuote(dir.path() + "/root/Users/bob/Downloads/wx.ipa") + " Payload");
  const RunResult r =
      RunContraband("scan --format json " + ShellQuote(dir.path() + "/root"));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const nlohmann::json report = ParseJson(r.out);
  INFO(report.dump(1));
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["product"] == "wechat");
  CHECK(report["findings"][0]["software"]["ecosystem"] == "installer");
  CHECK(report["findings"][0]["software"]["id"] == "com.tencent.xin");
  CHECK(report["findings"][0]["software"]["source"] == "/Users/bob/Downloads/wx.ipa");
}

TEST_CASE("the corpus IPA: bundle id, version, signer", "[ios][ios-ipa][e2e]") {
  const auto ipa = CorpusPath("ios_ipa/mobsf_helloworld.ipa");
  SKIP_UNLESS_CORPUS(ipa);
  const RunResult r =
      RunContraband("inventory --format json " + ShellQuote(*ipa));
  REQUIRE(r.exit_code == 0);
  const nlohmann::json report = ParseJson(r.out);
  CHECK(report["scan"]["evidence"][0]["kind"] == "ipa");
  REQUIRE(report["software"].size() == 1);
  const auto& sw = report["software"][0];
  // unzip -p ... Payload/helloworld.app/Info.plist | plistutil -f xml
  CHECK(sw["id"] == "com.kthcorp.helloworld");
  CHECK(sw["version"] == "1.0");
  CHECK(sw["signer"]["subject"] == "iPhone Distribution: KT Hitel Co., Ltd.");
  // A 2012 CodeDirectory predates the Team ID field.
  CHECK(sw["signer"]["team_id"] == "");
}

TEST_CASE(
    "app bundle folders given directly: an iPhone .app and a Mac .app, "
    "a renamed app found by its Team ID",
    "[ios][e2e]") {
  const auto exe = CorpusPath("macos/santa_binaryrules/banned_teamid");
  SKIP_UNLESS_CORPUS(exe);
  TempDir dir;
  dir.Write("WeChat.app/Info.plist",
            InfoPlist("com.tencent.xin", "WeChat", "8.0.49"));
  fs::copy_file(*exe, dir.path() + "/WeChat.app/WeChat");
  const RunResult r = RunContraband("scan --format json " +
                                    ShellQuote(dir.path() + "/WeChat.app"));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const nlohmann::json report = ParseJson(r.out);
  CHECK(report["scan"]["evidence"][0]["kind"] == "app");
  CHECK(Findings(report) ==
        std::set<Row>{{"wechat", "com.tencent.xin", "8.0.49", "installed"}});
  const nlohmann::json* wechat = FindingFor(report, "com.tencent.xin");
  REQUIRE(wechat);
  // CFBundleExecutable is absent: the executable named like the folder.
  CHECK((*wechat)["signer"]["team_id"] == "EQHXZ8M8AV");
  CHECK((*wechat)["source"] == "/Applications/WeChat.app/Info.plist");

  dir.Write("zoom.us.app/Contents/Info.plist",
            InfoPlist("us.zoom.xos", "zoom.us", "6.2.11"));
  const RunResult mac = RunContraband("scan --format json " +
                                      ShellQuote(dir.path() + "/zoom.us.app"));
  CHECK(mac.exit_code == 1);
  const nlohmann::json mac_report = ParseJson(mac.out);
  REQUIRE(mac_report["findings"].size() == 1);
  CHECK(mac_report["findings"][0]["software"]["ecosystem"] == "macos");
  CHECK(mac_report["findings"][0]["product"] == "zoom");

  // Renamed, another bundle id, in an extraction: only its Team ID tells.
  const std::string app =
      "tree/private/var/containers/Bundle/Application/"
      "77EE/Notes.app/";
  dir.Write(app + "Info.plist",
            InfoPlist("com.example.renamed", "Notes", "1.0"));
  fs::copy_file(*exe, dir.path() + "/" + app + "Notes");
  nlohmann::json product = {{"schema", "contraband/product/v1"},
                            {"id", "banned-team"},
                            {"name", "Banned team"},
                            {"vendor", "Test"},
                            {"rules",
                             {{{"ecosystem", "ios"},
                               {"field", "team_id"},
                               {"equals", {"EQHXZ8M8AV"}},
                               {"confidence", "high"}}}}};
  dir.Write("catalog/products/banned-team.json", product.dump());
  const RunResult renamed =
      RunContraband("scan --format json --catalog " +
                    ShellQuote(dir.path() + "/catalog/products") + " " +
                    ShellQuote(dir.path() + "/tree"));
  INFO(renamed.err);
  CHECK(renamed.exit_code == 1);
  CHECK(Findings(ParseJson(renamed.out)) ==
        std::set<Row>{
            {"banned-team", "com.example.renamed", "1.0", "installed"}});
}

// The App Store item id stays with the product whatever the bundle id says:
// a re-signed or renamed WeChat (another bundle id, no Team ID) whose
// iTunesMetadata.plist still carries WeChat's itemId is found by store_id,
// as an IPA and as an app of an extraction; the id is in JSON, ECS and
// CycloneDX.
TEST_CASE("a renamed WeChat is found by its App Store item id (store_id)",
          "[ios][ios-ipa][e2e]") {
  if (!HaveTool("plistutil") || !HaveTool("zip")) {
    WARN("plistutil or zip absent: skipped");
    return;
  }
  TempDir dir;
  const std::string metadata = R"(<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
  <key>itemId</key><integer>414478124</integer>
  <key>artistName</key><string>WeChat</string>
</dict></plist>
)";
  const std::string xml = dir.Write(
      "xml/info.plist", InfoPlist("com.example.chatter", "Chatter", "8.0.49"));
  fs::create_directories(dir.path() + "/ipa/Payload/Chatter.app");
  Sh("plistutil -i " + ShellQuote(xml) + " -o " +
     ShellQuote(dir.path() + "/ipa/Payload/Chatter.app/Info.plist") +
     " -f bin");
  dir.Write("ipa/iTunesMetadata.plist", metadata);
  Sh("cd " + ShellQuote(dir.path() + "/ipa") +
     " && zip -qr ../Chatter.ipa Payload iTunesMetadata.plist");

  auto check = [](const RunResult& r, const char* ecosystem) {
    INFO(r.err);
    CHECK(r.exit_code == 1);
    const nlohmann::json report = ParseJson(r.out);
    INFO(report.dump(1));
    CHECK(report["warnings"].empty());
    REQUIRE(report["findings"].size() == 1);
    const auto& f = report["findings"][0];
    CHECK(f["product"] == "wechat");
    CHECK(f["confidence"] == "high");
    CHECK(f["matched"]["field"] == "store_id");
    CHECK(f["matched"]["pattern"] == "414478124");
    CHECK(f["software"]["ecosystem"] == ecosystem);
    CHECK(f["software"]["id"] == "com.example.chatter");
    CHECK(f["software"]["store_id"] == "414478124");
  };
  const std::string ipa = ShellQuote(dir.path() + "/Chatter.ipa");
  check(RunContraband("scan --format json " + ipa), "installer");

  // Without its itemId the same IPA is nobody's.
  Sh("cd " + ShellQuote(dir.path() + "/ipa") +
     " && zip -qr ../Plain.ipa Payload");
  const RunResult plain = RunContraband(
      "scan --format json " + ShellQuote(dir.path() + "/Plain.ipa"));
  CHECK(plain.exit_code == 0);
  CHECK(ParseJson(plain.out)["findings"].empty());

  const std::string container =
      "tree/private/var/containers/Bundle/Application/31AA-CHATTER/";
  dir.Write(container + "Chatter.app/Info.plist",
            InfoPlist("com.example.chatter", "Chatter", "8.0.49"));
  dir.Write(container + "iTunesMetadata.plist", metadata);
  const std::string tree = ShellQuote(dir.path() + "/tree");
  check(RunContraband("scan --format json " + tree), "ios");

  // ECS and CycloneDX carry it too (RunContraband checks ECS's schema).
  const RunResult ecs = RunContraband("scan --format ecs " + tree);
  CHECK(ecs.exit_code == 1);
  const nlohmann::json line =
      ParseJson(ecs.out.substr(0, ecs.out.find('\n')));
  CHECK(line["contraband"]["software"]["store_id"] == "414478124");
  const RunResult bom = RunContraband("inventory --format cyclonedx " + tree);
  CHECK(bom.exit_code == 0);
  CHECK(bom.out.find("\"contraband:store_id\"") != std::string::npos);
  CHECK(bom.out.find("\"414478124\"") != std::string::npos);
}

// Some extraction tools drop "private/": var/containers/..., var/installd/...
// at the top. The same apps and the uninstall are found, each pointing at
// the file as the extraction has it (/var/...). An extraction that keeps
// private/var and the phone's var -> private/var link reports each app once.
TEST_CASE("an iOS extraction rooted at var/ without private/",
          "[ios][e2e]") {
  if (!HaveTool("plistutil")) {
    WARN("plistutil (libplist-utils) absent: skipped");
    return;
  }
  TempDir dir;
  BuildExtraction(dir, "filesystem1/var/");
  const std::string tgz = dir.path() + "/extraction.tar.gz";
  Sh("tar -C " + ShellQuote(dir.path() + "/tree") + " -czf " + ShellQuote(tgz) +
     " filesystem1");
  const std::set<Row> expected = {
      {"wechat", "com.tencent.xin", "8.0.49", "installed"},
      {"tiktok", "com.zhiliaoapp.musically", "34.5.0", "installed"},
      {"zoom", "us.zoom.videomeetings", "5.17.0", "removed"}};
  for (const std::string& evidence : {tgz, dir.path() + "/tree"}) {
    const RunResult r = RunContraband("scan --format json " + ShellQuote(evidence));
    INFO(evidence << "\n" << r.err);
    CHECK(r.exit_code == 1);
    const nlohmann::json report = ParseJson(r.out);
    INFO(report.dump(1));
    CHECK(report["warnings"].empty());
    CHECK(Findings(report) == expected);
    const std::string apps = "/var/containers/Bundle/Application/";
    const nlohmann::json* wechat = FindingFor(report, "com.tencent.xin");
    REQUIRE(wechat);
    CHECK((*wechat)["source"] == apps + "5B1C-WECHAT/WeChat.app/Info.plist");
    CHECK((*wechat)["location"] == apps + "5B1C-WECHAT/WeChat.app");
    CHECK((*wechat)["user"] == "alice@example.com");
    const nlohmann::json* zoom = FindingFor(report, "us.zoom.videomeetings");
    REQUIRE(zoom);
    CHECK((*zoom)["source"] ==
          "/var/installd/Library/Logs/MobileInstallation/"
          "mobile_installation.log.0");
  }

  // private/var with the phone's own /var link beside it: once each.
  TempDir linked;
  BuildExtraction(linked);
  fs::create_directory_symlink("private/var",
                               linked.path() + "/tree/filesystem1/var");
  const std::string linked_tgz = linked.path() + "/linked.tar.gz";
  Sh("tar -C " + ShellQuote(linked.path() + "/tree") + " -czf " +
     ShellQuote(linked_tgz) + " filesystem1");
  for (const std::string& evidence :
       {linked_tgz, linked.path() + "/tree/filesystem1"}) {
    const RunResult r = RunContraband("scan --format json " + ShellQuote(evidence));
    INFO(evidence << "\n" << r.err);
    CHECK(r.exit_code == 1);
    const nlohmann::json report = ParseJson(r.out);
    INFO(report.dump(1));
    CHECK(report["findings"].size() == 3);
    CHECK(Findings(report) == expected);
    const nlohmann::json* wechat = FindingFor(report, "com.tencent.xin");
    REQUIRE(wechat);
    CHECK((*wechat)["source"] ==
          "/private/var/containers/Bundle/Application/5B1C-WECHAT/WeChat.app/"
          "Info.plist");
  }
}
