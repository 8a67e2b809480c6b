// TCC.db end to end: a Mac tree (made here, its TCC.db written by sqlite3)
// where WeChat is installed and Zoom was deleted but is remembered by alice's
// privacy decisions, scanned as a folder and as a tar; and the real TCC.db of
// an iOS 14 iPhone (corpus) inside an extraction tar.gz, where five banned
// apps are remembered though no bundle is there.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "support/test_support.h"

using namespace contraband::testing;

namespace {

void Sh(const std::string& command) {
  const RunResult r = Run(command + " 2>&1");
  INFO(command << "\n" << r.out);
  REQUIRE(r.exit_code == 0);
}

using Row = std::tuple<std::string, std::string, std::string, std::string,
                       std::string>;  // product, id, state, last_seen, source

std::set<Row> Findings(const nlohmann::json& report) {
  std::set<Row> out;
  for (const nlohmann::json& f : report["findings"]) {
    const nlohmann::json& sw = f["software"];
    out.insert({f["product"], sw["id"], sw["state"], sw.value("last_seen", ""),
                sw["source"]});
  }
  return out;
}

}  // namespace

TEST_CASE("tcc: a deleted Zoom remembered by a Mac user's privacy decisions",
          "[tcc][macos][e2e]") {
  if (!HaveTool("sqlite3") || !HaveTool("tar")) {
    WARN("sqlite3 or tar absent: skipped");
    return;
  }
  TempDir dir;
  const std::string root = dir.path() + "/mac";
  dir.Write("mac/Applications/WeChat.app/Contents/Info.plist",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist "
            "version=\"1.0\"><dict><key>CFBundleIdentifier</key>"
            "<string>com.tencent.xinWeChat</string><key>CFBundleName</key>"
            "<string>WeChat</string><key>CFBundleShortVersionString</key>"
            "<string>3.8.7</string></dict></plist>\n");
  const std::string tcc_dir =
      root + "/Users/alice/Library/Application Support/com.apple.TCC";
  Sh("mkdir -p " + ShellQuote(tcc_dir));
  Sh("sqlite3 " + ShellQuote(tcc_dir + "/TCC.db") +
     " \"CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, "
     "client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL, auth_reason "
     "INTEGER NOT NULL, auth_version INTEGER NOT NULL, csreq BLOB, policy_id "
     "INTEGER, indirect_object_identifier_type INTEGER, "
     "indirect_object_identifier TEXT NOT NULL DEFAULT 'UNUSED', "
     "indirect_object_code_identity BLOB, flags INTEGER, last_modified "
     "INTEGER NOT NULL, PRIMARY KEY (service, client, client_type, "
     "indirect_object_identifier)); INSERT INTO access (service, client, "
     "client_type, auth_value, auth_reason, auth_version, last_modified) "
     "VALUES ('kTCCServiceMicrophone', 'us.zoom.xos', 0, 2, 2, 1, "
     "1688212800), ('kTCCServiceScreenCapture', 'us.zoom.xos', 0, 2, 2, 1, "
     "1690000000), ('kTCCServiceCamera', 'com.tencent.xinWeChat', 0, 2, 2, 1, "
     "1700000000), ('kTCCServiceCamera', 'org.zoomerang.notzoom', 0, 2, 2, "
     "1, 1700000000);\"");
  // A renamed build whose decision kept its designated requirement (csreq):
  // identifier "com.example.meetings" and anchor apple generic and
  // certificate leaf[subject.OU] = BJ4HAAB9B3, compiled as macOS stores it.
  Sh("sqlite3 " + ShellQuote(tcc_dir + "/TCC.db") +
     " \"INSERT INTO access (service, client, client_type, auth_value, "
     "auth_reason, auth_version, csreq, last_modified) VALUES "
     "('kTCCServiceMicrophone', 'com.example.meetings', 0, 2, 2, 1, "
     "X'fade0c000000006000000001000000060000000200000014636f6d2e6578616d"
     "706c652e6d656574696e6773000000060000000f0000000b000000000000000a"
     "7375626a6563742e4f550000000000010000000a424a34484141423942330000', 1695000000);\"");
  Sh("tar -C " + ShellQuote(root) + " -cf " +
     ShellQuote(dir.path() + "/mac.tar") + " .");
  const std::string tcc_source =
      "/Users/alice/Library/Application Support/com.apple.TCC/TCC.db";
  for (const std::string& evidence : {root, dir.path() + "/mac.tar"}) {
    const RunResult r = RunContraband("scan --inventory --format json " +
                                      ShellQuote(evidence));
    INFO(evidence << "\n" << r.err);
    CHECK(r.exit_code == 1);  // WeChat is installed
    const nlohmann::json report = ParseJson(r.out);
    // WeChat's own decision is not a second finding beside the installed
    // app; Zoom, whose app is gone, is found through alice's decisions,
    // dated by the latest; the look-alike is not Zoom.
    CHECK(Findings(report) ==
          std::set<Row>{
              {"wechat", "com.tencent.xinWeChat", "installed", "",
               "/Applications/WeChat.app/Contents/Info.plist"},
              {"zoom", "us.zoom.xos", "removed", "2023-07-22T04:26:40Z",
               tcc_source},
              {"zoom", "com.example.meetings", "removed",
               "2023-09-18T01:20:00Z", tcc_source}});
    for (const nlohmann::json& f : report["findings"]) {
      if (f["software"]["id"] == "com.example.meetings") {
        CHECK(f["software"]["signer"]["team_id"] == "BJ4HAAB9B3");
      }
    }
    bool zoom_user = false;
    for (const nlohmann::json& f : report["findings"]) {
      if (f["product"] == "zoom") zoom_user = f["software"]["user"] == "alice";
    }
    CHECK(zoom_user);
    // The text report says when the deleted app was last seen, and by whom.
    const RunResult text = RunContraband("scan " + ShellQuote(evidence));
    CHECK_THAT(text.out, Catch::Contains(
                             "zoom: us.zoom.xos last seen 2023-07-22T04:26:40Z "
                             "(user alice)"));
    // The inventory keeps every sighting, WeChat's too.
    std::set<std::string> sightings;
    for (const nlohmann::json& sw : report["software"]) {
      if (sw["source"] == tcc_source) sightings.insert(sw["id"]);
    }
    CHECK(sightings == std::set<std::string>{"com.example.meetings",
                                             "com.tencent.xinWeChat",
                                             "org.zoomerang.notzoom",
                                             "us.zoom.xos"});
  }
}

TEST_CASE("tcc: an iPhone extraction whose apps are gone but remembered",
          "[tcc][ios][e2e]") {
  const auto db = CorpusPath("ios/museum_hickman_ios14.1/TCC.db");
  const auto wal = CorpusPath("ios/museum_hickman_ios14.1/TCC.db-wal");
  SKIP_UNLESS_CORPUS(db, wal);
  TempDir dir;
  const std::string tcc = dir.path() + "/fs/private/var/mobile/Library/TCC";
  Sh("mkdir -p " + ShellQuote(tcc) + " && cp " + ShellQuote(*db) + " " +
     ShellQuote(*wal) + " " + ShellQuote(tcc) + " && chmod u+w " +
     ShellQuote(tcc) + "/*");
  Sh("tar -C " + ShellQuote(dir.path()) + " -czf " +
     ShellQuote(dir.path() + "/iphone.tar.gz") + " fs");
  const RunResult r = RunContraband(
      "scan --format json " + ShellQuote(dir.path() + "/iphone.tar.gz"));
  INFO(r.err);
  CHECK(r.exit_code == 0);  // remembered, not installed
  const std::string source = "/private/var/mobile/Library/TCC/TCC.db";
  // sqlite3 TCC.db "select client, strftime('%Y-%m-%dT%H:%M:%SZ',
  // max(last_modified), 'unixepoch') from access group by client" (with the
  // log beside it), for the catalog's iPhone bundle ids.
  CHECK(Findings(ParseJson(r.out)) ==
        std::set<Row>{
            {"skype", "com.skype.skype", "removed", "2021-02-11T19:30:46Z",
             source},
            {"telegram", "ph.telegra.Telegraph", "removed",
             "2021-02-12T02:07:31Z", source},
            {"tiktok", "com.zhiliaoapp.musically", "removed",
             "2021-02-19T13:33:48Z", source},
            {"whatsapp", "net.whatsapp.WhatsApp", "removed",
             "2021-02-13T20:32:05Z", source},
            {"zoom", "us.zoom.videomeetings", "removed",
             "2021-02-17T17:52:03Z", source}});
}
