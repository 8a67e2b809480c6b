// TCC.db, Apple's privacy database: the real one of an iOS 14.1 iPhone
// (Josh Hickman's public image, with its write-ahead log), checked against
// sqlite3's own reading, and databases sqlite3 writes here in the older and
// newer layouts.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/parse_error.h"
#include "formats/tcc_db.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

void Sh(const std::string& command) {
  const RunResult r = Run(command + " 2>&1");
  INFO(command << "\n" << r.out);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("tcc: the real TCC.db of an iOS 14 iPhone, with its log",
          "[tcc][ios]") {
  const auto db = CorpusPath("ios/museum_hickman_ios14.1/TCC.db");
  const auto wal = CorpusPath("ios/museum_hickman_ios14.1/TCC.db-wal");
  SKIP_UNLESS_CORPUS(db, wal);
  if (!HaveTool("sqlite3")) {
    WARN("sqlite3 absent: skipped");
    return;
  }
  // sqlite3 reads the log only beside its database, in a folder it may
  // write to: a copy of both.
  TempDir dir;
  Sh("cp " + ShellQuote(*db) + " " + ShellQuote(*wal) + " " +
     ShellQuote(dir.path()));
  auto sqlite = [&](const std::string& sql) {
    const RunResult r = Run("sqlite3 " + ShellQuote(dir.path() + "/TCC.db") +
                            " " + ShellQuote(sql));
    REQUIRE(r.exit_code == 0);
    return r.out;
  };
  const std::vector<TccDecision> rows =
      ReadTccDecisions(ReadHostFile(*db), ReadHostFile(*wal));
  CHECK(std::to_string(rows.size()) + "\n" ==
        sqlite("select count(*) from access"));
  // Without the log, rows written since the last checkpoint are missing.
  CHECK(ReadTccDecisions(ReadHostFile(*db), "").size() < rows.size());
  std::map<std::string, std::string> zoom;
  for (const TccDecision& row : rows) {
    if (row.client == "us.zoom.videomeetings") {
      CHECK_FALSE(row.client_is_path);
      zoom[row.service] = row.last_modified;
    }
  }
  // sqlite3: select service, strftime('%Y-%m-%dT%H:%M:%SZ', last_modified,
  // 'unixepoch') from access where client = 'us.zoom.videomeetings'
  std::string expected;
  for (const auto& [service, when] : zoom) expected += service + "|" + when + "\n";
  CHECK(expected ==
        sqlite("select service, strftime('%Y-%m-%dT%H:%M:%SZ', last_modified, "
               "'unixepoch') from access where client = "
               "'us.zoom.videomeetings' order by service"));
  CHECK(zoom.count("kTCCServiceCamera") == 1);

  // The collector at the iPhone's path: one sighting per third-party app,
  // dated by its latest decision.
  MemoryVfs vfs;
  vfs.AddFile("/private/var/mobile/Library/TCC/TCC.db", ReadHostFile(*db));
  vfs.AddFile("/private/var/mobile/Library/TCC/TCC.db-wal", ReadHostFile(*wal));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("ios-tcc"));
  INFO(AllWarnings(r));
  CHECK(std::to_string(r.software.size()) + "\n" ==
        sqlite("select count(distinct client) from access where client_type "
               "= 0 and client not like 'com.apple.%'"));
  const Software* tiktok = FindSoftware(r, "com.zhiliaoapp.musically");
  REQUIRE(tiktok);
  CHECK(tiktok->ecosystem == "ios");
  CHECK(tiktok->state == SoftwareState::kRemoved);
  CHECK(tiktok->removed_at.empty());
  CHECK(tiktok->last_seen + "\n" ==
        sqlite("select strftime('%Y-%m-%dT%H:%M:%SZ', max(last_modified), "
               "'unixepoch') from access where client = "
               "'com.zhiliaoapp.musically'"));
  CHECK(tiktok->source == "/private/var/mobile/Library/TCC/TCC.db");
  CHECK(FindSoftware(r, "com.apple.Health") == nullptr);
}

TEST_CASE("tcc: older and newer layouts sqlite3 writes, and what is not one",
          "[tcc][macos]") {
  if (!HaveTool("sqlite3")) {
    WARN("sqlite3 absent: skipped");
    return;
  }
  TempDir dir;
  // macOS 10.13: `allowed`, no last_modified. macOS 11 on: auth_value
  // (0 denied, 2 allowed, 3 limited) and last_modified.
  Sh("sqlite3 " + ShellQuote(dir.path() + "/old.db") +
     " \"CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, "
     "client_type INTEGER NOT NULL, allowed INTEGER NOT NULL, prompt_count "
     "INTEGER NOT NULL, csreq BLOB, PRIMARY KEY (service, client, "
     "client_type)); INSERT INTO access VALUES ('kTCCServiceMicrophone', "
     "'us.zoom.xos', 0, 1, 1, NULL), ('kTCCServiceAccessibility', "
     "'/usr/local/bin/tool', 1, 0, 1, NULL);\"");
  Sh("sqlite3 " + ShellQuote(dir.path() + "/new.db") +
     " \"CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, "
     "client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL, auth_reason "
     "INTEGER NOT NULL, auth_version INTEGER NOT NULL, csreq BLOB, policy_id "
     "INTEGER, indirect_object_identifier_type INTEGER, "
     "indirect_object_identifier TEXT NOT NULL DEFAULT 'UNUSED', "
     "indirect_object_code_identity BLOB, flags INTEGER, last_modified "
     "INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)), "
     "PRIMARY KEY (service, client, client_type, indirect_object_identifier)); "
     "INSERT INTO access (service, client, client_type, auth_value, "
     "auth_reason, auth_version, last_modified) VALUES ('kTCCServiceCamera', "
     "'com.tencent.xinWeChat', 0, 0, 4, 1, 1700000000), "
     "('kTCCServiceScreenCapture', 'com.tencent.xinWeChat', 0, 2, 4, 1, "
     "1700000500);\"");
  Sh("sqlite3 " + ShellQuote(dir.path() + "/other.db") +
     " \"CREATE TABLE things (a TEXT);\"");

  const auto old_rows = ReadTccDecisions(ReadHostFile(dir.path() + "/old.db"), "");
  REQUIRE(old_rows.size() == 2);
  CHECK(old_rows[0].client == "us.zoom.xos");
  CHECK(old_rows[0].allowed);
  CHECK(old_rows[0].last_modified.empty());
  CHECK(old_rows[1].client_is_path);
  CHECK_FALSE(old_rows[1].allowed);

  const auto new_rows = ReadTccDecisions(ReadHostFile(dir.path() + "/new.db"), "");
  REQUIRE(new_rows.size() == 2);
  CHECK_FALSE(new_rows[0].allowed);  // denied: the app still asked
  CHECK(new_rows[0].last_modified == "2023-11-14T22:13:20Z");
  CHECK(new_rows[1].allowed);

  CHECK_THROWS_AS(ReadTccDecisions(ReadHostFile(dir.path() + "/other.db"), ""),
                  ParseError);
  CHECK_THROWS_AS(ReadTccDecisions("not a database at all", ""), ParseError);

  // The Mac collector: a user's database and the system's; a path client is
  // not software; a damaged database is a warning naming it.
  MemoryVfs vfs;
  vfs.AddFile("/Users/alice/Library/Application Support/com.apple.TCC/TCC.db",
              ReadHostFile(dir.path() + "/new.db"));
  vfs.AddFile("/Library/Application Support/com.apple.TCC/TCC.db",
              ReadHostFile(dir.path() + "/old.db"));
  vfs.AddFile("/Users/bob/Library/Application Support/com.apple.TCC/TCC.db",
              "SQLite format 3\0 but then nothing");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("macos-tcc"));
  REQUIRE(r.software.size() == 2);
  const Software* wechat = FindSoftware(r, "com.tencent.xinWeChat");
  REQUIRE(wechat);
  CHECK(wechat->ecosystem == "macos");
  CHECK(wechat->user == "alice");
  CHECK(wechat->last_seen == "2023-11-14T22:21:40Z");
  const Software* zoom = FindSoftware(r, "us.zoom.xos");
  REQUIRE(zoom);
  CHECK(zoom->user.empty());
  CHECK(zoom->last_seen.empty());
  CHECK(AllWarnings(r).find("/Users/bob/Library/Application "
                            "Support/com.apple.TCC/TCC.db") != std::string::npos);
}
