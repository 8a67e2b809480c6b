// Play Store history scanned by the real binary with the embedded catalog:
// an extraction whose packages.xml lists Telegram, and whose Play Store
// localappstate.db (made here by the sqlite3 tool with Play's appstate
// columns) remembers WeChat, TikTok and Telegram: WeChat and TikTok are
// removed findings with their first-download dates, Telegram is installed,
// not also removed; exit 1 comes from Telegram alone.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "support/test_support.h"

using namespace contraband::testing;

TEST_CASE("Play Store remembers removed WeChat and TikTok",
          "[android][play-store][e2e]") {
  TempDir tmp;
  tmp.Write("phone/data/system/packages.xml",
            "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
            "<packages>\n<package name=\"org.telegram.messenger\" "
            "codePath=\"/data/app/org.telegram.messenger-1\" "
            "it=\"18a1b2c3d40\" version=\"4000\" userId=\"10101\" />\n"
            "</packages>\n");
  tmp.Write("phone/data/data/com.android.vending/databases/.keep", "");
  const std::string db =
      tmp.path() + "/phone/data/data/com.android.vending/databases/localappstate.db";
  const RunResult made = Run(
      "sqlite3 " + ShellQuote(db) +
      " \"CREATE TABLE appstate (package_name STRING, auto_update INTEGER, "
      "first_download_ms INTEGER, account STRING, title STRING, "
      "last_update_timestamp_ms INTEGER, PRIMARY KEY (package_name)); "
      "INSERT INTO appstate VALUES ('com.tencent.mm', 1, 1580317477586, "
      "'a@b', 'WeChat', 1600000000000); "
      "INSERT INTO appstate VALUES ('com.zhiliaoapp.musically', 1, "
      "1590000000000, 'a@b', 'TikTok', 0); "
      "INSERT INTO appstate VALUES ('org.telegram.messenger', 1, "
      "1500000000000, 'a@b', 'Telegram', 0);\" 2>&1");
  INFO(made.out);
  REQUIRE(made.exit_code == 0);
  const RunResult r =
      RunContraband("scan --format json " + ShellQuote(tmp.path() + "/phone"));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  std::map<std::string, nlohmann::json> found;
  const nlohmann::json report = ParseJson(r.out);
  for (const auto& f : report["findings"]) {
    found[f["product"].get<std::string>() + "/" +
          f["software"]["state"].get<std::string>()] = f["software"];
  }
  CHECK(found.size() == 3);
  REQUIRE(found.count("wechat/removed"));
  CHECK(found["wechat/removed"]["installed_at"] == "2020-01-29T17:04:37Z");
  CHECK(found["wechat/removed"]["name"] == "WeChat");
  REQUIRE(found.count("tiktok/removed"));
  CHECK(found["tiktok/removed"]["installed_at"] == "2020-05-20T18:40:00Z");
  CHECK(found.count("telegram/installed"));
}
