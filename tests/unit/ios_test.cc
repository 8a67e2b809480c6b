// iOS extraction collectors on in-memory trees: ios-install-history on the
// real installd logs of the corpus (TikTok uninstalled on 2018-12-02),
// the installd line parser on its edge cases, and ios-apps joining
// Info.plist, iTunesMetadata.plist, the main executable's signature (a
// Mach-O whose name sorts before Info.plist) and applicationState.db.
#include <catch2/catch.hpp>
#include <string>

#include "collectors/registry.h"
#include "evidence/ios_backup_vfs.h"
#include "evidence/memory_vfs.h"
#include "formats/ios_keybag.h"
#include "formats/mobile_installation_log.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

constexpr const char* kLogDir =
    "/private/var/installd/Library/Logs/MobileInstallation/";

}  // namespace

TEST_CASE("ios-install-history: TikTok uninstalled in the real installd logs",
          "[ios][ios-install-history]") {
  const std::string rel =
      "ios/abrignoni_mib_2018/private/var/installd/Library/Logs/"
      "MobileInstallation/mobile_installation.log.";
  const auto log0 = CorpusPath(rel + "0");
  const auto log1 = CorpusPath(rel + "1");
  SKIP_UNLESS_CORPUS(log0, log1);
  MemoryVfs vfs;
  vfs.AddFile(std::string(kLogDir) + "mobile_installation.log.0",
              ReadHostFile(*log0));
  vfs.AddFile(std::string(kLogDir) + "mobile_installation.log.1",
              ReadHostFile(*log1));
  CollectResult r =
      CollectSoftware(vfs, "ev", CollectorNamed("ios-install-history"));
  INFO(AllWarnings(r));
  const Software* tiktok = FindSoftware(r, "com.zhiliaoapp.musically");
  REQUIRE(tiktok);
  CHECK(tiktok->ecosystem == "ios");
  CHECK(tiktok->state == SoftwareState::kRemoved);
  CHECK(tiktok->removed_at == "2018-12-02T11:04:22");
  CHECK(tiktok->source == std::string(kLogDir) + "mobile_installation.log.0");
  const Software* rdc = FindSoftware(r, "com.microsoft.rdc.ios");
  REQUIRE(rdc);
  CHECK(rdc->removed_at == "2018-12-28T21:17:22");
  // Gmail was installed and never uninstalled: left to ios-apps.
  CHECK_FALSE(FindSoftware(r, "com.google.Gmail"));
  for (const Software& sw : r.software) {
    CHECK(sw.state == SoftwareState::kRemoved);
  }
}

TEST_CASE(
    "installd log lines: versions, reinstall, continuation lines, "
    "damaged times",
    "[ios][ios-install-history]") {
  const std::string pre = " [47] <notice> (0x1) -[MIInstaller x:]: ";
  const std::string text =
      "Mon Jan  1 10:00:00 2024" + pre +
      "Installing <MIInstallableBundle ID=us.zoom.videomeetings; "
      "Version=5.0.1, ShortVersion=5.0>\n"
      "Mon Jan  1 10:00:05 2024" +
      pre +
      "Install Successful for (us.zoom.videomeetings); Staging: 1s\n"
      "Tue Jan  2 10:00:00 2024" +
      pre +
      "Uninstalling identifier us.zoom.videomeetings\n"
      "    \"group.us.zoom\",\n"
      "Wed Jan  3 10:00:00 2024" +
      pre +
      "Installing <MIInstallableBundle ID=ph.telegra.Telegraph; "
      "Version=77>\n"
      "Wed Jan  3 10:00:01 2024" +
      pre +
      "Install Successful for (ph.telegra.Telegraph)\n"
      "Thu Feb 30 10:00:00 2024" +
      pre +
      "Uninstalling identifier ph.telegra.Telegraph\n"
      "Fri Jan  5 10:00:00 2024" +
      pre + "Uninstalling identifier \n";
  HistoryLog log = ParseMobileInstallationLog(text);
  REQUIRE(log.events.size() == 3);
  CHECK(log.events[0].action == HistoryAction::kInstall);
  CHECK(log.events[0].package == "us.zoom.videomeetings");
  CHECK(log.events[0].version == "5.0");
  CHECK(log.events[0].when.iso == "2024-01-01T10:00:05");
  CHECK(log.events[1].action == HistoryAction::kRemove);
  CHECK(log.events[2].version == "77");  // no ShortVersion: Version
  CHECK(log.events[2].line == 6);
  CHECK(log.error_count == 2);  // February 30, and an empty identifier
  CHECK_FALSE(ParseInstalldTime("Sun Dec  2 11:04:22 18"));
  CHECK(ParseInstalldTime("Sun Dec  2 11:04:22 2018")->iso ==
        "2018-12-02T11:04:22");
}

TEST_CASE("ios-apps: bundle, purchase, signature and SpringBoard's list join",
          "[ios][ios-apps]") {
  const auto exe = CorpusPath("macos/santa_binaryrules/banned_teamid");
  SKIP_UNLESS_CORPUS(exe);
  if (!HaveTool("sqlite3")) {
    WARN("sqlite3 absent: skipped");
    return;
  }
  const std::string app =
      "/private/var/containers/Bundle/Application/AAAA-1111/WeChat.app/";
  MemoryVfs vfs;
  vfs.AddFile(app + "Info.plist",
              "<plist><dict><key>CFBundleIdentifier</key>"
              "<string>com.tencent.xin</string>"
              "<key>CFBundleDisplayName</key><string>WeChat</string>"
              "<key>CFBundleShortVersionString</key><string>8.0.49</string>"
              "<key>CFBundleVersion</key><string>8.0.49.33</string>"
              "<key>CFBundleExecutable</key><string>Aweme</string>"
              "</dict></plist>");
  // "Aweme" sorts before "Info.plist"; "0other" is another Mach-O that is
  // not the main executable.
  vfs.AddFile(app + "Aweme", ReadHostFile(*exe));
  vfs.AddFile(app + "0other", ReadHostFile(*exe));
  vfs.AddFile(app + "Assets.car", "not a Mach-O");
  vfs.AddFile(
      "/private/var/containers/Bundle/Application/AAAA-1111/"
      "iTunesMetadata.plist",
      "<plist><dict><key>itemId</key><integer>414478124</integer>"
      "<key>artistName</key><string>WeChat</string>"
      "<key>com.apple.iTunesStore.downloadInfo</key><dict>"
      "<key>accountInfo</key><dict><key>AppleID</key>"
      "<string>alice@example.com</string></dict>"
      "<key>purchaseDate</key><string>2024-01-02T03:04:05Z</string>"
      "</dict></dict></plist>");
  vfs.AddFile(
      "/private/var/containers/Bundle/Application/BBBB-2222/Broken.app/"
      "Info.plist",
      "<plist><dict>");
  vfs.AddFile("/Applications/MobileSafari.app/Info.plist",
              "<plist><dict><key>CFBundleIdentifier</key>"
              "<string>com.apple.mobilesafari</string></dict></plist>");
  TempDir dir;
  const std::string db = dir.path() + "/applicationState.db";
  RunResult made =
      Run("sqlite3 " + ShellQuote(db) +
          " \"CREATE TABLE application_identifier_tab (id INTEGER PRIMARY KEY, "
          "application_identifier TEXT UNIQUE NOT NULL); INSERT INTO "
          "application_identifier_tab (application_identifier) VALUES "
          "('com.tencent.xin'), ('com.zhiliaoapp.musically'), "
          "('com.apple.Maps'), ('com.apple.mobilesafari');\" 2>&1");
  INFO(made.out);
  REQUIRE(made.exit_code == 0);
  vfs.AddFile("/private/var/mobile/Library/FrontBoard/applicationState.db",
              ReadHostFile(db));

  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("ios-apps"));
  const std::string warnings = AllWarnings(r);
  INFO(warnings);
  const Software* wechat = FindSoftware(r, "com.tencent.xin");
  REQUIRE(wechat);
  CHECK(wechat->ecosystem == "ios");
  CHECK(wechat->name == "WeChat");
  CHECK(wechat->version == "8.0.49");
  CHECK(wechat->signer.team_id == "EQHXZ8M8AV");
  CHECK(wechat->user == "alice@example.com");
  CHECK(wechat->publisher == "WeChat");
  CHECK(wechat->location == app.substr(0, app.size() - 1));
  CHECK(wechat->source == app + "Info.plist");
  CHECK(wechat->state == SoftwareState::kInstalled);
  REQUIRE(FindSoftware(r, "com.apple.mobilesafari"));
  // Offloaded (or deleted) TikTok: residue from SpringBoard's list; Apple's
  // Maps, whose bundle is on the system volume, is not reported.
  const Software* tiktok = FindSoftware(r, "com.zhiliaoapp.musically");
  REQUIRE(tiktok);
  CHECK(tiktok->state == SoftwareState::kResidue);
  CHECK(tiktok->source ==
        "/private/var/mobile/Library/FrontBoard/applicationState.db");
  CHECK_FALSE(FindSoftware(r, "com.apple.Maps"));
  CHECK(warnings.find("known to SpringBoard have no bundle") !=
        std::string::npos);
  CHECK(warnings.find("Broken.app/Info.plist") != std::string::npos);
  CHECK(r.software.size() == 3);
}

TEST_CASE("backup keybag: TLV records, bounds, unwrap with the right key only",
          "[ios][ios-backup]") {
  auto tlv = [](const std::string& tag, const std::string& value) {
    std::string out = tag;
    for (int shift = 24; shift >= 0; shift -= 8) {
      out += static_cast<char>((value.size() >> shift) & 0xff);
    }
    return out + value;
  };
  auto be32 = [](uint32_t v) {
    std::string out;
    for (int shift = 24; shift >= 0; shift -= 8) {
      out += static_cast<char>((v >> shift) & 0xff);
    }
    return out;
  };
  const std::string head =
      tlv("VERS", be32(3)) + tlv("TYPE", be32(1)) +
      tlv("UUID", std::string(16, 'u')) + tlv("WRAP", be32(0)) +
      tlv("SALT", std::string(20, 's')) + tlv("ITER", be32(10)) +
      tlv("DPSL", std::string(20, 'd')) + tlv("DPIC", be32(10));
  // A class key wrapped (RFC 3394) with a key derived below.
  Keybag probe = ParseKeybag(head + tlv("UUID", std::string(16, 'c')) +
                             tlv("CLAS", be32(3)) + tlv("WRAP", be32(2)) +
                             tlv("WPKY", std::string(40, 'w')));
  CHECK(probe.version == 3);
  CHECK(probe.iterations == 10);
  CHECK(probe.dp_iterations == 10);
  REQUIRE(probe.class_keys.count(3));
  CHECK(probe.class_keys.at(3).wrap == 2);
  CHECK(probe.class_keys.at(3).wrapped_key == std::string(40, 'w'));
  // 40 bytes of 'w' are no valid wrap under any key.
  CHECK(UnwrapClassKeys(probe, DeriveKeybagKey(probe, "pw")).empty());

  CHECK_THROWS_AS(ParseKeybag(head), ParseError);  // no class key
  CHECK_THROWS_AS(ParseKeybag(head.substr(0, head.size() - 2)), ParseError);
  CHECK_THROWS_AS(
      ParseKeybag(tlv("SALT", "x") + tlv("ITER", be32(100000000)) +
                  tlv("UUID", "u") + tlv("UUID", "c") + tlv("CLAS", be32(1))),
      ParseError);  // PBKDF2 rounds past the bound
  CHECK_THROWS_AS(ParseKeybag(head + tlv("UUID", "c") + tlv("CLAS", "123")),
                  ParseError);  // an integer that is not 4 bytes
  CHECK_THROWS_AS(UnwrapFileKey({}, "\x03\0\0\0"), ParseError);
  CHECK_THROWS_AS(DecryptAesCbcZeroIv(std::string(32, 'k'), "short"),
                  ParseError);
  CHECK(
      DecryptAesCbcZeroIv(std::string(32, 'k'), std::string(32, 'x')).size() ==
      32);
}

TEST_CASE(
    "ios-apps: storeSystem.db of the MVS 2023 iPhone (iOS 16) with its "
    "write-ahead log",
    "[ios][ios-apps]") {
  const auto db = CorpusPath("ios/ileapp_mvs_ios_2023/storeSystem.db");
  const auto wal = CorpusPath("ios/ileapp_mvs_ios_2023/storeSystem.db-wal");
  SKIP_UNLESS_CORPUS(db, wal);
  const std::string dir =
      "/private/var/containers/Data/System/AD313E95/Documents/Persistence/";
  MemoryVfs vfs;
  vfs.AddFile(dir + "storeSystem.db", ReadHostFile(*db));
  vfs.AddFile(dir + "storeSystem.db-wal", ReadHostFile(*wal));
  // Authy's bundle is there; the other App Store installs' are not.
  vfs.AddFile(
      "/private/var/containers/Bundle/Application/8A55/Authy.app/Info.plist",
      "<plist><dict><key>CFBundleIdentifier</key><string>com.authy</string>"
      "<key>CFBundleShortVersionString</key><string>25.1</string>"
      "</dict></plist>");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("ios-apps"));
  INFO(AllWarnings(r));
  // sqlite3 storeSystem.db "select count(distinct bundle_id) from
  // app_install" (with the -wal beside it): 16.
  CHECK(r.software.size() == 16);
  // ... "select bundle_version, vendor_name, datetime(timestamp + 978307200,
  // 'unixepoch') from app_install where bundle_id =
  // 'com.zhiliaoapp.musically'": 274010|TikTok Ltd.|2022-12-15 22:45:27
  const Software* tiktok = FindSoftware(r, "com.zhiliaoapp.musically");
  REQUIRE(tiktok);
  CHECK(tiktok->state == SoftwareState::kResidue);
  CHECK(tiktok->version == "274010");
  CHECK(tiktok->publisher == "TikTok Ltd.");
  CHECK(tiktok->installed_at == "2022-12-15T22:45:27Z");
  CHECK(tiktok->source == dir + "storeSystem.db");
  // ... "select item_id from app_install where bundle_id = ...": the App
  // Store id the catalog's TikTok rule names, and Authy's.
  CHECK(tiktok->store_id == "835599320");
  const Software* authy = FindSoftware(r, "com.authy");
  REQUIRE(authy);
  CHECK(authy->state == SoftwareState::kInstalled);
  CHECK(authy->version == "25.1");  // the bundle's, not the store's build
  CHECK(authy->installed_at == "2022-12-19T03:17:51Z");
  CHECK(authy->publisher == "Authy Inc.");
  CHECK(authy->store_id == "494168017");  // no iTunesMetadata: the store's
  CHECK(AllWarnings(r).find("15 app(s) the App Store installed") !=
        std::string::npos);
}

TEST_CASE("iPhone backup mapping: hostile Files rows are not mapped",
          "[ios][ios-backup]") {
  if (!HaveTool("sqlite3")) {
    WARN("sqlite3 absent: skipped");
    return;
  }
  TempDir dir;
  const std::string db = dir.path() + "/Manifest.db";
  const std::string good = std::string(40, 'a');
  RunResult made = Run(
      "sqlite3 " + ShellQuote(db) +
      " \"CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, "
      "relativePath TEXT, flags INTEGER, file BLOB); INSERT INTO Files "
      "VALUES ('" +
      good +
      "', 'HomeDomain', 'Library/ok.plist', 1, NULL), "
      "('" +
      std::string(40, 'b') +
      "', 'HomeDomain', '../../etc/passwd', 1, "
      "NULL), ('" +
      std::string(40, 'c') +
      "', 'Home/Domain', 'x', 1, NULL), "
      "('../../../../etc/shadow00000000000000000000', 'HomeDomain', 'y', 1, "
      "NULL), ('" +
      std::string(40, 'd') + "', '', 'z', 1, NULL);\" 2>&1");
  INFO(made.out);
  REQUIRE(made.exit_code == 0);
  auto stored = std::make_unique<MemoryVfs>();
  stored->AddFile("/aa/" + good, "ok");
  IosBackupVfs vfs(std::move(stored), {{"/Manifest.db", ""}}, ReadHostFile(db),
                   {});
  CHECK(vfs.file_count() == 1);
  CHECK(vfs.Read("/HomeDomain/Library/ok.plist", 16) == "ok");
  CHECK_FALSE(vfs.Stat("/etc/passwd"));
  CHECK_FALSE(vfs.Stat("/HomeDomain/y"));
  std::vector<std::string> top;
  for (const DirEntry& e : vfs.List("/")) top.push_back(e.name);
  CHECK(top == std::vector<std::string>{"HomeDomain", "Manifest.db"});
}
