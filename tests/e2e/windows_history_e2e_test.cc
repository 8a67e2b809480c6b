// Windows removal history end to end: a Windows tree with a real Amcache.hve
// (from the corpus, with an InventoryApplication key for a banned program
// added by hivexregedit --merge, the way it stays after an uninstall) and a
// real Application.evtx whose MsiInstaller events record EMET's install.
// Scanned by the built binary with a catalog written here, as a folder and
// as a zip: each is a `removed` finding with its date, hive or log, and key.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "support/hive_merge.h"
#include "support/test_support.h"

using namespace contraband::testing;

namespace {

const std::string kProgramKey =
    "Root\\InventoryApplication\\0000f3a7c1d2e4b5a6978877665544332211000ffff";

// Lays the tree out in dir/root; returns the root.
std::string BuildTree(const TempDir& dir, const std::string& amcache,
                      const std::string& evtx) {
  namespace fs = std::filesystem;
  const std::string root = dir.path() + "/root";
  const std::string programs = root + "/Windows/appcompat/Programs";
  const std::string logs = root + "/Windows/System32/winevt/Logs";
  fs::create_directories(programs);
  fs::create_directories(logs);
  const std::string hive = programs + "/Amcache.hve";
  fs::copy_file(amcache, hive);
  fs::copy_file(evtx, logs + "/Application.evtx");
  fs::permissions(hive, fs::perms::owner_write, fs::perm_options::add);
  MergeIntoHive(hive,
                {{kProgramKey,
                  {{"Name", "Telegram Desktop"},
                   {"Version", "5.2.3"},
                   {"Publisher", "Telegram FZ-LLC"},
                   {"InstallDate", "07/02/2024 10:11:12"},
                   {"RootDirPath",
                    "C:\\Users\\bob\\AppData\\Roaming\\Telegram Desktop\\"},
                   {"Source", "AddRemoveProgram"},
                   {"Type", "Application"}}}},
                dir.path());
  return root;
}

// A catalog of two products matched by name on Windows records.
std::string WriteCatalog(const TempDir& dir) {
  dir.Write("catalog/products/telegram.json",
            R"({"schema": "contraband/product/v1", "id": "telegram",
                "name": "Telegram", "vendor": "Telegram FZ-LLC",
                "rules": [{"ecosystem": "windows", "field": "name",
                           "equals": ["Telegram Desktop"],
                           "confidence": "medium"}]})");
  dir.Write("catalog/products/emet.json",
            R"({"schema": "contraband/product/v1", "id": "emet",
                "name": "EMET", "vendor": "Microsoft",
                "rules": [{"ecosystem": "windows", "field": "name",
                           "equals": ["EMET 5.51"],
                           "confidence": "medium"}]})");
  return dir.path() + "/catalog/products";
}

void CheckFindings(const RunResult& r) {
  INFO(r.err);
  // Removed software never changes the exit status.
  CHECK(r.exit_code == 0);
  const nlohmann::json report = ParseJson(r.out);
  std::map<std::string, nlohmann::json> found;
  for (const nlohmann::json& f : report["findings"]) {
    INFO(f.dump());
    found[f["product"]] = f["software"];
  }
  REQUIRE(found.size() == 2);
  REQUIRE(found.count("telegram"));
  REQUIRE(found.count("emet"));

  const nlohmann::json& tg = found["telegram"];
  CHECK(tg["ecosystem"] == "windows");
  CHECK(tg["state"] == "removed");
  CHECK(tg["name"] == "Telegram Desktop");
  CHECK(tg["version"] == "5.2.3");
  CHECK(tg["publisher"] == "Telegram FZ-LLC");
  CHECK(tg["installed_at"] == "2024-07-02T10:11:12Z");
  CHECK_FALSE(tg.contains("removed_at"));
  CHECK(tg["source"] == "/Windows/appcompat/Programs/Amcache.hve");
  CHECK(tg["source_key"] == kProgramKey);
  CHECK(tg["location"] == "/Users/bob/AppData/Roaming/Telegram Desktop");

  // evtxexport of the corpus log: event 1795, MsiInstaller 1033, written
  // Sep 02, 2016 14:09:34 UTC: "EMET 5.51", "5.51", "1033", "0",
  // "Microsoft Corporation".
  const nlohmann::json& emet = found["emet"];
  CHECK(emet["ecosystem"] == "windows");
  CHECK(emet["state"] == "removed");
  CHECK(emet["id"] == "{A8608E0F-56B8-465C-A762-86D68FF4FC72}");
  CHECK(emet["version"] == "5.51");
  CHECK(emet["publisher"] == "Microsoft Corporation");
  CHECK(emet["installed_at"] == "2016-09-02T14:09:34Z");
  CHECK(emet["source"] == "/Windows/System32/winevt/Logs/Application.evtx");
  CHECK(emet["source_key"] == "EventRecordID 1795");
}

}  // namespace

TEST_CASE("windows history: Amcache and Application.evtx as folder and zip",
          "[windows][e2e]") {
  auto amcache = CorpusPath("windows_registry/regipy_Amcache.hve");
  auto evtx = CorpusPath("windows_evtx/deepbluecli_many-events-application.evtx");
  SKIP_UNLESS_CORPUS(amcache, evtx);
  if (!HaveTool("hivexregedit")) {
    WARN("hivexregedit absent (libwin-hivex-perl): skipped");
    return;
  }
  TempDir dir;
  const std::string root = BuildTree(dir, *amcache, *evtx);
  const std::string catalog = WriteCatalog(dir);

  CheckFindings(RunContraband("scan --format json --catalog " +
                              ShellQuote(catalog) + " " + ShellQuote(root)));

  if (!HaveTool("zip")) {
    WARN("zip absent: the archive half is skipped");
    return;
  }
  RunResult z = Run("cd " + ShellQuote(root) + " && zip -qr ../windows.zip Windows");
  REQUIRE(z.exit_code == 0);
  CheckFindings(RunContraband("scan --format json --catalog " +
                              ShellQuote(catalog) + " " +
                              ShellQuote(dir.path() + "/windows.zip")));
}
