// Android usage statistics in a full-filesystem extraction, scanned by the
// real binary with the embedded catalog: packages.xml lists WeChat; the
// owner's usage statistics say when WeChat was last in the foreground, and
// that TikTok, which packages.xml no longer lists, was used too. Once as
// Android 9 writes them (XML under /data/system/usagestats/0) and once as
// Android 11+ does (protobuf with package tokens under
// /data/system_ce/0/usagestats, named by its mappings file, written by
// support/usagestats_writer.h); as a folder and as a zip.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "support/test_support.h"
#include "support/usagestats_writer.h"

using namespace contraband::testing;

namespace {

namespace fs = std::filesystem;

constexpr char kPackages[] =
    R"(<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<packages>
    <package name="com.tencent.mm" codePath="/data/app/com.tencent.mm-1" it="18a1b2c3d40" version="2480" userId="10100" installer="com.android.vending" />
    <package name="com.example.notes" codePath="/data/app/com.example.notes-1" it="18a1b2c3d40" version="7" userId="10101" />
</packages>
)";

// 2023-11-14T22:13:20Z, the start of the interval files.
constexpr int64_t kStart = 1'700'000'000'000;

void WriteTree(const std::string& root, bool protobuf) {
  auto write = [&](const std::string& path, const std::string& data) {
    fs::create_directories(fs::path(root + path).parent_path());
    WriteHostFile(root + path, data);
  };
  write("/data/system/packages.xml", kPackages);
  write("/data/system/users/0/package-restrictions.xml",
        "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
        "<package-restrictions />\n");
  // WeChat: 1 h 30 min after the start; TikTok: 10 min after.
  if (protobuf) {
    const std::string dir = "/data/system_ce/0/usagestats/";
    write(dir + "daily/" + std::to_string(kStart),
          ObfuscatedIntervalFile({{7, 5'400'000}, {8, 600'000}}));
    write(dir + "mappings", MappingsFile({{7, "com.tencent.mm"},
                                          {8, "com.zhiliaoapp.musically"}}));
    write(dir + "version", "5\n14;REL;eng.build\n");
  } else {
    write("/data/system/usagestats/0/daily/" + std::to_string(kStart),
          "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
          "<usagestats version=\"1\" endTime=\"86400000\">\n    <packages>\n"
          "        <package lastTimeActive=\"5400000\" "
          "package=\"com.tencent.mm\" "
          "timeActive=\"60000\" lastEvent=\"2\" />\n"
          "        <package lastTimeActive=\"600000\" "
          "package=\"com.zhiliaoapp.musically\" timeActive=\"1000\" "
          "lastEvent=\"2\" />\n"
          "        <package lastTimeActive=\"-1700000000000\" "
          "package=\"com.example.notes\" timeActive=\"0\" lastEvent=\"0\" />\n"
          "    </packages>\n</usagestats>\n");
  }
}

void CheckReport(const nlohmann::json& report, bool protobuf) {
  const nlohmann::json* wechat = FindingFor(report, "com.tencent.mm");
  REQUIRE(wechat);
  CHECK((*wechat)["state"] == "installed");
  CHECK((*wechat)["user"] == "0");
  CHECK((*wechat)["source"] == "/data/system/packages.xml");
  CHECK((*wechat)["last_used"] == "2023-11-14T23:43:20Z");
  const nlohmann::json* tiktok = FindingFor(report, "com.zhiliaoapp.musically");
  REQUIRE(tiktok);
  CHECK((*tiktok)["state"] == "removed");
  CHECK((*tiktok)["user"] == "0");
  CHECK((*tiktok)["last_used"] == "2023-11-14T22:23:20Z");
  CHECK((*tiktok)["source"] ==
        (protobuf ? "/data/system_ce/0/usagestats/daily/1700000000000"
                  : "/data/system/usagestats/0/daily/1700000000000"));
  CHECK(report["findings"].size() == 2);
}

}  // namespace

TEST_CASE(
    "android usagestats: WeChat's last use and TikTok used then removed, "
    "XML and protobuf, folder and zip",
    "[android][usagestats][e2e]") {
  TempDir dir;
  for (bool protobuf : {false, true}) {
    INFO((protobuf ? "protobuf" : "XML"));
    const std::string name = protobuf ? "a14" : "a9";
    const std::string root = dir.path() + "/" + name + "/fs";
    WriteTree(root, protobuf);

    RunResult json = RunContraband("scan --format json " + ShellQuote(root));
    INFO(json.err);
    CHECK(json.exit_code == 1);  // WeChat is installed
    CheckReport(ParseJson(json.out), protobuf);

    RunResult text = RunContraband("scan " + ShellQuote(root));
    CHECK(text.out.find("wechat: com.tencent.mm last used "
                        "2023-11-14T23:43:20Z by user 0") != std::string::npos);
    RunResult ecs = RunContraband("scan --format ecs " + ShellQuote(root));
    CHECK(ecs.out.find("\"last_used\":\"2023-11-14T23:43:20Z\"") !=
          std::string::npos);
    RunResult bom =
        RunContraband("inventory --format cyclonedx " + ShellQuote(root));
    const nlohmann::json sbom = ParseJson(bom.out);
    bool bom_has_last_used = false;
    for (const nlohmann::json& c : sbom["components"]) {
      for (const nlohmann::json& p : c["properties"]) {
        bom_has_last_used |= p["name"] == "contraband:last_used" &&
                             p["value"] == "2023-11-14T23:43:20Z";
      }
    }
    CHECK(bom_has_last_used);
    RunResult html = RunContraband("scan --format html " + ShellQuote(root));
    CHECK(html.out.find("last used 2023-11-14T23:43:20Z") != std::string::npos);

    if (!HaveTool("zip")) {
      WARN("zip absent: the archive half is skipped");
      continue;
    }
    RunResult z = Run("cd " + ShellQuote(dir.path() + "/" + name) +
                      " && zip -qr ../" + name + ".zip fs");
    REQUIRE(z.exit_code == 0);
    RunResult zipped = RunContraband(
        "scan --format json " + ShellQuote(dir.path() + "/" + name + ".zip"));
    INFO(zipped.err);
    CHECK(zipped.exit_code == 1);
    CheckReport(ParseJson(zipped.out), protobuf);
  }
}
