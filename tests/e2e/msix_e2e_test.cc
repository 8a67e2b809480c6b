// MSIX packages in a Windows tree: WhatsApp (Store package, family
// 5319275A.WhatsAppDesktop_cv1g1gvanyjgm) in Program Files/WindowsApps,
// registered for alice in her UsrClass.dat (the corpus hive with the
// package key added by hivexregedit --merge) and, in the
// StateRepository-Machine.srd made by the sqlite3 shell, for alice and for
// a second user whose profile is not in the evidence; Microsoft 3D Builder
// (the corpus manifest) staged for nobody. Scanned by the real binary with
// a catalog written here, as a folder and as a zip.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "support/hive_merge.h"
#include "support/state_repository_db.h"
#include "support/test_support.h"

using namespace contraband::testing;

namespace {

namespace fs = std::filesystem;

const std::string kWhatsApp =
    "5319275A.WhatsAppDesktop_2.2450.6.0_x64__cv1g1gvanyjgm";
const std::string kBuilder = "Microsoft.3DBuilder_20.0.4.0_x64__8wekyb3d8bbwe";
const std::string kAliceSid = "S-1-5-21-2734969515-1644526556-1039763013-1001";
const std::string kOtherSid = "S-1-5-21-2734969515-1644526556-1039763013-1002";
const std::string kSrd =
    "/ProgramData/Microsoft/Windows/AppRepository/StateRepository-Machine.srd";
const std::string kAliceHive =
    "/Users/alice/AppData/Local/Microsoft/Windows/UsrClass.dat";

const char kWhatsAppManifest[] = R"(<?xml version="1.0" encoding="utf-8"?>
<Package xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10"
         xmlns:uap="http://schemas.microsoft.com/appx/manifest/uap/windows10"
         IgnorableNamespaces="uap">
  <Identity Name="5319275A.WhatsAppDesktop"
            Publisher="CN=24803D75-212C-471A-BC57-9EF86AB91435"
            Version="2.2450.6.0" ProcessorArchitecture="x64"/>
  <Properties>
    <DisplayName>WhatsApp</DisplayName>
    <PublisherDisplayName>WhatsApp Inc.</PublisherDisplayName>
    <Logo>Assets\StoreLogo.png</Logo>
  </Properties>
</Package>
)";

// The catalog: WhatsApp and 3D Builder by MSIX family name.
void WriteCatalog(const TempDir& dir) {
  dir.Write("catalog/whatsapp.json",
            R"({"schema": "contraband/product/v1", "id": "whatsapp",
                "name": "WhatsApp", "vendor": "Meta", "rules": [
                {"ecosystem": "msix", "field": "id",
                 "equals": ["5319275A.WhatsAppDesktop_cv1g1gvanyjgm"],
                 "confidence": "high"}]})");
  dir.Write("catalog/builder3d.json",
            R"({"schema": "contraband/product/v1", "id": "builder3d",
                "name": "3D Builder", "vendor": "Microsoft", "rules": [
                {"ecosystem": "msix", "field": "id",
                 "equals": ["Microsoft.3DBuilder_8wekyb3d8bbwe"],
                 "confidence": "high"}]})");
}

std::string BuildTree(const TempDir& dir, const std::string& manifest,
                      const std::string& usrclass) {
  const std::string root = dir.path() + "/root";
  const std::string apps = root + "/Program Files/WindowsApps/";
  fs::create_directories(apps + kWhatsApp);
  fs::create_directories(apps + kBuilder);
  WriteHostFile(apps + kWhatsApp + "/AppxManifest.xml", kWhatsAppManifest);
  fs::copy_file(manifest, apps + kBuilder + "/AppxManifest.xml");
  fs::create_directories(fs::path(root + kAliceHive).parent_path());
  fs::copy_file(usrclass, root + kAliceHive);
  fs::permissions(root + kAliceHive, fs::perms::owner_write,
                  fs::perm_options::add);
  MergeIntoHive(root + kAliceHive,
                {{"Local Settings\\Software\\Microsoft\\Windows\\"
                  "CurrentVersion\\AppModel\\Repository\\Packages\\" +
                      kWhatsApp,
                  {{"PackageID", kWhatsApp},
                   {"DisplayName", "WhatsApp"},
                   {"PackageRootFolder",
                    "C:\\Program Files\\WindowsApps\\" + kWhatsApp}}}},
                dir.path());
  fs::create_directories(fs::path(root + kSrd).parent_path());
  WriteStateRepository(root + kSrd,
                       {{kWhatsApp, {kAliceSid, kOtherSid}}, {kBuilder, {}}});
  return root;
}

void CheckFindings(const nlohmann::json& report, const std::string& where,
                   bool residue) {
  std::map<std::string, nlohmann::json> whatsapp;  // user -> software
  std::set<std::string> products;
  for (const nlohmann::json& f : report["findings"]) {
    INFO(f.dump());
    products.insert(f["product"].get<std::string>());
    if (f["product"] != "whatsapp") continue;
    const nlohmann::json& sw = f["software"];
    CHECK(f["confidence"] == "high");
    CHECK(whatsapp.count(sw["user"]) == 0);
    whatsapp[sw["user"]] = sw;
  }
  CHECK(products == (residue ? std::set<std::string>{"builder3d", "whatsapp"}
                             : std::set<std::string>{"whatsapp"}));
  // One finding per user: alice by her UsrClass.dat (and the
  // StateRepository, which names her SID), the other by SID alone.
  REQUIRE(whatsapp.size() == 2);
  REQUIRE(whatsapp.count("alice") == 1);
  REQUIRE(whatsapp.count(kOtherSid) == 1);
  for (const auto& [user, sw] : whatsapp) {
    CHECK(sw["ecosystem"] == "msix");
    CHECK(sw["id"] == "5319275A.WhatsAppDesktop_cv1g1gvanyjgm");
    CHECK(sw["name"] == "WhatsApp");
    CHECK(sw["version"] == "2.2450.6.0");
    CHECK(sw["arch"] == "x64");
    CHECK(sw["publisher"] == "WhatsApp Inc.");
    CHECK(sw["state"] == "installed");
    CHECK(sw["source"] ==
          "/Program Files/WindowsApps/" + kWhatsApp + "/AppxManifest.xml");
    CHECK(sw["location"] == where + "/Program Files/WindowsApps/" + kWhatsApp);
  }
  if (!residue) return;
  for (const nlohmann::json& f : report["findings"]) {
    if (f["product"] != "builder3d") continue;
    CHECK(f["software"]["state"] == "residue");
    CHECK(f["software"]["user"] == "");
  }
}

}  // namespace

TEST_CASE(
    "msix: WhatsApp per user from UsrClass.dat and the StateRepository, "
    "as a folder and as a zip",
    "[msix][windows][e2e]") {
  auto manifest = CorpusPath(
      "windows_appx/Microsoft.3DBuilder_20.0.4.0_x64/AppxManifest.xml");
  auto usrclass = CorpusPath("windows_registry/regipy_UsrClass.dat");
  SKIP_UNLESS_CORPUS(manifest, usrclass);
  for (const char* tool : {"hivexregedit", "sqlite3"}) {
    if (!HaveTool(tool)) {
      WARN(std::string(tool) + " absent: skipped");
      return;
    }
  }
  TempDir dir;
  const std::string root = BuildTree(dir, *manifest, *usrclass);
  WriteCatalog(dir);
  const std::string catalog =
      "--catalog " + ShellQuote(dir.path() + "/catalog");

  RunResult folder =
      RunContraband("scan --format json " + catalog + " " + ShellQuote(root));
  INFO(folder.err);
  CHECK(folder.exit_code == 1);
  const nlohmann::json report = ParseJson(folder.out);
  CheckFindings(report, "", false);
  // The staged package is named in a warning, and is a residue finding.
  CHECK(folder.out.find("is staged (its files are present) but registered "
                        "for no user") != std::string::npos);
  RunResult with_residue = RunContraband("scan --residue --format json " +
                                         catalog + " " + ShellQuote(root));
  CheckFindings(ParseJson(with_residue.out), "", true);

  if (!HaveTool("zip")) {
    WARN("zip absent: the archive half is skipped");
    return;
  }
  RunResult z =
      Run("cd " + ShellQuote(root) +
          " && zip -qr ../msix.zip 'Program Files' ProgramData Users");
  REQUIRE(z.exit_code == 0);
  RunResult zipped = RunContraband("scan --format json " + catalog + " " +
                                   ShellQuote(dir.path() + "/msix.zip"));
  INFO(zipped.err);
  CHECK(zipped.exit_code == 1);
  CheckFindings(ParseJson(zipped.out), "", false);
}
