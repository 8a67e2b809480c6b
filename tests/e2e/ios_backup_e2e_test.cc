// iTunes/Finder backups of an iPhone made in the test by
// tests/support/make_ios_backup.py (WeChat with its App Store receipt and
// WhatsApp, in Manifest.plist, Info.plist and Manifest.db): plain as a
// folder and as a zip, and the encrypted twin with the password (the same
// findings), without it (the app lists and a warning naming --password), and
// with a wrong one (exit 3). The real MVT test backup from the corpus gives
// its Telegram and WhatsApp.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "evidence/source.h"
#include "support/test_support.h"

using namespace contraband::testing;

namespace {

void Sh(const std::string& command) {
  RunResult r = Run(command + " 2>&1");
  INFO(command << "\n" << r.out);
  REQUIRE(r.exit_code == 0);
}

bool HaveBackupMaker() {
  return Run("python3 -c 'import cryptography.hazmat.primitives.keywrap' "
             "2>/dev/null")
             .exit_code == 0;
}

std::string MakeBackup(const TempDir& dir, const std::string& name,
                       const std::string& options = "") {
  const std::string out = dir.path() + "/" + name;
  Sh("python3 " +
     ShellQuote(std::string(SOURCE_DIR) + "/tests/support/make_ios_backup.py") +
     " " + ShellQuote(out) + " " + options);
  return out;
}

using Row = std::tuple<std::string, std::string, std::string, std::string>;

std::set<Row> Findings(const nlohmann::json& report) {
  std::set<Row> out;
  for (const auto& f : report["findings"]) {
    out.emplace(f["product"].get<std::string>(),
                f["software"]["id"].get<std::string>(),
                f["software"]["version"].get<std::string>(),
                f["software"]["source"].get<std::string>());
  }
  return out;
}

const std::set<Row> kExpected = {
    {"wechat", "com.tencent.xin", "8.0.49", "/Manifest.plist"},
    {"whatsapp", "net.whatsapp.WhatsApp", "24.1.0", "/Manifest.plist"}};

nlohmann::json Scan(const std::string& args, int exit_code) {
  const RunResult r = RunContraband("scan --format json " + args);
  INFO(args << "\n" << r.err);
  REQUIRE(r.exit_code == exit_code);
  return ParseJson(r.out);
}

}  // namespace

TEST_CASE("an iPhone backup, plain: folder and zip", "[ios][ios-backup][e2e]") {
  if (!HaveBackupMaker()) {
    WARN("python3-cryptography absent: skipped");
    return;
  }
  TempDir dir;
  const std::string backup = MakeBackup(dir, "00008110-000A1B2C3D4E5F60");
  const nlohmann::json report = Scan(ShellQuote(backup), 1);
  INFO(report.dump(1));
  CHECK(report["warnings"].empty());
  CHECK(report["scan"]["evidence"][0]["kind"] == "ios-backup");
  CHECK(Findings(report) == kExpected);
  for (const auto& f : report["findings"]) {
    const auto& sw = f["software"];
    CHECK(sw["ecosystem"] == "ios");
    // Each app is named by all three files.
    CHECK(sw["also_sources"].size() == 2);
    if (sw["id"] == "com.tencent.xin") {
      CHECK(sw["user"] == "alice@example.com");
      CHECK(sw["publisher"] == "WeChat");
      CHECK(sw["location"] ==
            "/var/containers/Bundle/Application/5B1C/WeChat.app");
    }
  }
  Sh("cd " + ShellQuote(dir.path()) +
     " && zip -qr backup.zip 00008110-000A1B2C3D4E5F60");
  const nlohmann::json zipped = Scan(ShellQuote(dir.path() + "/backup.zip"), 1);
  CHECK(zipped["warnings"].empty());
  CHECK(Findings(zipped) == kExpected);
}

TEST_CASE("the MVT test backup: Telegram and WhatsApp",
          "[ios][ios-backup][e2e]") {
  const auto backup = CorpusPath("ios/mvt_ios_backup");
  SKIP_UNLESS_CORPUS(backup);
  const nlohmann::json report = Scan(ShellQuote(*backup) + " --inventory", 1);
  std::set<std::string> ids;
  for (const auto& f : report["findings"]) {
    ids.insert(f["software"]["id"].get<std::string>());
  }
  CHECK(ids ==
        std::set<std::string>{"net.whatsapp.WhatsApp", "ph.telegra.Telegraph"});
  // sqlite3 Manifest.db "select count(distinct domain) from Files where
  // domain like 'AppDomain-%'" says 107; Info.plist adds none of its own.
  // Of its 38 AppDomainGroup-* domains, 8 are neither Apple's nor owned by
  // a listed app (group.com.facebook.family, group.com.google.common,
  // group.com.google.gsuite, group.is.workflow.my.app,
  // group.is.workflow.shortcuts, group.net.whatsapp.WhatsAppSMB.shared,
  // group.net.whatsapp.family, group.typewise.sharedsettings): residue.
  CHECK(report["software"].size() == 107 + 8);
  // Which iPhone: Info.plist's Product Type, Product Version, Build Version
  // and Serial Number, as plistutil prints them.
  REQUIRE(report["scan"]["evidence"][0]["devices"].size() == 1);
  const nlohmann::json& device = report["scan"]["evidence"][0]["devices"][0];
  CHECK(device["manufacturer"] == "Apple");
  CHECK(device["model"] == "iPhone9,3");
  CHECK(device["os_version"] == "14.3");
  CHECK(device["build_fingerprint"] == "18C66");
  CHECK(device["serial"] == "F1234567890");
  CHECK(device["source"] == "/Info.plist");
  std::set<std::string> residue;
  for (const auto& sw : report["software"]) {
    if (sw["state"] == "residue") residue.insert(sw["id"].get<std::string>());
  }
  CHECK(residue == std::set<std::string>{
                       "group.com.facebook.family", "group.com.google.common",
                       "group.com.google.gsuite", "group.is.workflow.my.app",
                       "group.is.workflow.shortcuts",
                       "group.net.whatsapp.WhatsAppSMB.shared",
                       "group.net.whatsapp.family",
                       "group.typewise.sharedsettings"});
}

TEST_CASE("an encrypted iPhone backup: with the password, without, wrong",
          "[ios][ios-backup][e2e]") {
  if (!HaveBackupMaker()) {
    WARN("python3-cryptography absent: skipped");
    return;
  }
  TempDir dir;
  const std::string plain = MakeBackup(dir, "plain");
  const std::string enc = MakeBackup(
      dir, "encrypted", "--password 'c0rrect horse' --dpic 10 --iter 10");
  // The encrypted Manifest.db is not SQLite as it lies on disk.
  CHECK(ReadHostFile(enc + "/Manifest.db").substr(0, 6) != "SQLite");

  const nlohmann::json twin = Scan(ShellQuote(plain), 1);
  const nlohmann::json opened =
      Scan(ShellQuote(enc) + " --password 'c0rrect horse'", 1);
  INFO(opened.dump(1));
  CHECK(opened["warnings"].empty());
  CHECK(opened["scan"]["evidence"][0]["format"] == "encrypted");
  CHECK(Findings(opened) == Findings(twin));
  CHECK(Findings(opened) == kExpected);
  for (const auto& f : opened["findings"]) {
    // Manifest.db was decrypted and read: all three files name each app.
    CHECK(f["software"]["also_sources"].size() == 2);
  }
  // The password from the environment instead of the command line.
  const RunResult by_env = Run("CONTRABAND_BACKUP_PASSWORD='c0rrect horse' " +
                               ShellQuote(std::string(CONTRABAND_BIN)) +
                               " scan -q " + ShellQuote(enc));
  CHECK(by_env.exit_code == 1);

  // Without a password: the plain app lists, and a warning naming the way.
  const nlohmann::json locked = Scan(ShellQuote(enc), 1);
  CHECK(Findings(locked) == kExpected);
  REQUIRE(locked["warnings"].size() == 1);
  CHECK(locked["warnings"][0]["message"].get<std::string>().find(
            "--password") != std::string::npos);

  // Zipped: decrypted the same way, its members read through the archive
  // layer (nothing written); without the password, the plain lists and the
  // warning naming --password; a wrong one is exit 3.
  Sh("cd " + ShellQuote(dir.path()) + " && zip -qr enc.zip encrypted");
  const std::string zip = ShellQuote(dir.path() + "/enc.zip");
  const nlohmann::json zipped = Scan(zip + " --password 'c0rrect horse'", 1);
  INFO(zipped.dump(1));
  CHECK(zipped["warnings"].empty());
  CHECK(Findings(zipped) == kExpected);
  for (const auto& f : zipped["findings"]) {
    CHECK(f["software"]["also_sources"].size() == 2);  // Manifest.db read
  }
  const nlohmann::json zipped_locked = Scan(zip, 1);
  CHECK(Findings(zipped_locked) == kExpected);
  REQUIRE(zipped_locked["warnings"].size() == 1);
  CHECK(zipped_locked["warnings"][0]["message"].get<std::string>().find(
            "--password") != std::string::npos);
  const RunResult zipped_wrong = RunContraband(
      "scan --format json " + zip + " --password 'wrong horse'");
  CHECK(zipped_wrong.exit_code == 3);
  CHECK(zipped_wrong.err.find("wrong password") != std::string::npos);

  const RunResult wrong = RunContraband(
      "scan --format json " + ShellQuote(enc) + " --password 'wrong horse'");
  CHECK(wrong.exit_code == 3);
  CHECK(wrong.err.find("wrong password") != std::string::npos);
}

namespace {

// Fake libimobiledevice tools in dir/bin replaying recorded-format output:
// idevice_id -l prints `devices` (one a line); ideviceinstaller checks its
// arguments and prints dir/apps.plist, or fails like a locked phone.
std::string FakeTools(const TempDir& dir, const std::string& devices,
                      bool locked) {
  dir.Write("bin/idevice_id",
            "#!/bin/sh\n[ \"$1\" = -l ] || exit 2\nprintf '" + devices + "'\n");
  dir.Write(
      "bin/ideviceinstaller",
      locked ? std::string("#!/bin/sh\necho 'ERROR: Could not connect to "
                           "lockdownd: Password protected (-17)' >&2\nexit 1\n")
             : "#!/bin/sh\n[ \"$1 $3 $4 $5\" = '-u -l -o xml' ] || exit 2\n"
               "cat " +
                   ShellQuote(dir.path() + "/apps.plist") + "\n");
  Sh("chmod +x " + ShellQuote(dir.path() + "/bin/idevice_id") + " " +
     ShellQuote(dir.path() + "/bin/ideviceinstaller"));
  return "PATH=" + ShellQuote(dir.path() + "/bin") + ":/usr/bin:/bin ";
}

RunResult RunWithEnv(const std::string& env, const std::string& args) {
  return Run(env + ShellQuote(std::string(CONTRABAND_BIN)) + " " + args);
}

std::set<std::tuple<std::string, std::string, std::string>> ProductIdVersion(
    const nlohmann::json& report) {
  std::set<std::tuple<std::string, std::string, std::string>> out;
  for (const auto& f : report["findings"]) {
    out.emplace(f["product"].get<std::string>(),
                f["software"]["id"].get<std::string>(),
                f["software"]["version"].get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE(
    "a live iPhone through a fake ideviceinstaller: same findings as "
    "its backup, and clear errors",
    "[ios][ios-device][e2e]") {
  if (!HaveBackupMaker()) {
    WARN("python3-cryptography absent: skipped");
    return;
  }
  TempDir dir;
  const std::string backup = MakeBackup(dir, "backup");
  // ideviceinstaller -l -o xml: an array of the apps' Info.plist dicts.
  dir.Write("apps.plist", R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<array>
  <dict>
    <key>ApplicationType</key><string>User</string>
    <key>CFBundleDisplayName</key><string>WeChat</string>
    <key>CFBundleExecutable</key><string>WeChat</string>
    <key>CFBundleIdentifier</key><string>com.tencent.xin</string>
    <key>CFBundleShortVersionString</key><string>8.0.49</string>
    <key>CFBundleVersion</key><string>8.0.49.33</string>
    <key>Path</key><string>/private/var/containers/Bundle/Application/5B1C/WeChat.app</string>
  </dict>
  <dict>
    <key>ApplicationType</key><string>User</string>
    <key>CFBundleIdentifier</key><string>net.whatsapp.WhatsApp</string>
    <key>CFBundleName</key><string>WhatsApp</string>
    <key>CFBundleShortVersionString</key><string>24.1.0</string>
  </dict>
  <dict>
    <key>CFBundleIdentifier</key><string>com.example.notes</string>
    <key>CFBundleShortVersionString</key><string>1.0</string>
  </dict>
</array>
</plist>
)");
  const std::string env = FakeTools(dir, "00008110-000A1B2C3D4E5F60\\n", false);
  const RunResult live = RunWithEnv(env, "scan --format json ios:");
  INFO(live.err);
  REQUIRE(live.exit_code == 1);
  const nlohmann::json device = ParseJson(live.out);
  CHECK(device["scan"]["evidence"][0]["kind"] == "ios-device");
  CHECK(device["warnings"].empty());
  CHECK(ProductIdVersion(device) ==
        ProductIdVersion(Scan(ShellQuote(backup), 1)));
  CHECK(ProductIdVersion(device).size() == 2);
  CHECK(RunWithEnv(env, "scan -q ios:00008110-000A1B2C3D4E5F60").exit_code ==
        1);

  auto fails_with = [&](const std::string& env_, const std::string& arg,
                        const std::string& words) {
    const RunResult r = RunWithEnv(env_, "scan " + arg);
    INFO(arg << ": " << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find(words) != std::string::npos);
  };
  fails_with(env, "ios:0000-OTHER", "no such device");
  fails_with("PATH=/nonexistent ", "ios:", "apt-get install ideviceinstaller");
  TempDir none, two, locked;
  fails_with(FakeTools(none, "", false), "ios:", "no iPhone is connected");
  fails_with(FakeTools(two, "AAAA\\nBBBB\\n", false),
             "ios:", "name one: ios:AAAA ios:BBBB");
  fails_with(FakeTools(locked, "AAAA\\n", true),
             "ios:", "unlock it, tap Trust");
}

TEST_CASE("an iPhone backup's files by their real paths, plain and encrypted",
          "[ios][ios-backup]") {
  if (!HaveBackupMaker()) {
    WARN("python3-cryptography absent: skipped");
    return;
  }
  TempDir dir;
  const std::string plain = MakeBackup(dir, "plain");
  const std::string enc =
      MakeBackup(dir, "encrypted", "--password pw --dpic 10 --iter 10");
  const std::string prefs =
      "/HomeDomain/Library/Preferences/.GlobalPreferences.plist";
  for (const std::string& backup : {plain, enc}) {
    INFO(backup);
    contraband::OpenRequest request;
    request.keys.push_back(
        {contraband::VolumeKey::Kind::kPassword, "pw", "--password"});
    contraband::OpenedEvidence ev = contraband::OpenEvidence(backup, request);
    REQUIRE(ev.kind == "ios-backup");
    REQUIRE(ev.volumes.size() == 1);
    // Read by the iPhone's collectors alone: the others' broad patterns
    // would look inside every domain for nothing.
    CHECK(ev.volumes[0].only_platform == "ios");
    contraband::Vfs& vfs = *ev.volumes[0].vfs;
    // The stored name is the SHA-1 of "HomeDomain-Library/...": read by path.
    CHECK(vfs.Read(prefs, 1024) == "global preferences: 32 bytes....\n");
    CHECK(vfs.Read("/AppDomain-com.tencent.xin/Library/Preferences/x.plist",
                   1024) == "<plist><dict/></plist>\n");
    std::vector<std::string> top;
    for (const auto& e : vfs.List("/")) top.push_back(e.name);
    CHECK(top ==
          std::vector<std::string>{
              "AppDomain-com.tencent.xin", "AppDomain-net.whatsapp.WhatsApp",
              "AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "HomeDomain",
              "Info.plist", "Manifest.db", "Manifest.plist"});
    const auto documents =
        vfs.Stat("/AppDomain-net.whatsapp.WhatsApp/Documents");
    REQUIRE(documents);
    CHECK(documents->type == contraband::FileType::kDirectory);
    CHECK(vfs.List("/AppDomain-net.whatsapp.WhatsApp/Documents").empty());
    // The top Manifest.db is plain SQLite, decrypted in memory when needed.
    CHECK(vfs.Read("/Manifest.db", 1 << 20).substr(0, 6) == "SQLite");
    CHECK_THROWS_AS(vfs.Read("/HomeDomain/missing", 1024),
                    contraband::EvidenceError);
  }
  // On disk the encrypted copy of the same file is not the plain bytes.
  const std::string stored =
      ReadHostFile(enc + "/0d/0dc926a1810f7aee4e8f38793ed788701f93bf9d");
  CHECK(stored.find("global preferences") == std::string::npos);
}

// AppDomainGroup-* domains: a group an app of the backup owns adds nothing;
// Apple's are left out; any other is a residue record named by its group
// id ("group." kept: bundle-id rules do not match it), found only by a
// catalog rule naming the group (Telegram's group.ph.telegra.Telegraph),
// listed with --residue like other leftovers.
TEST_CASE("an iPhone backup's app group containers without their app",
          "[ios][ios-backup][e2e]") {
  if (!HaveBackupMaker()) {
    WARN("python3-cryptography absent: skipped");
    return;
  }
  TempDir dir;
  const std::string backup = MakeBackup(dir, "groups");
  const std::string db = dir.Write(
      "add_groups.py",
      "import sqlite3, sys\n"
      "db = sqlite3.connect(sys.argv[1])\n"
      "for i, d in enumerate(['AppDomainGroup-group.ph.telegra.Telegraph',\n"
      "    'AppDomainGroup-group.com.example.widgets',\n"
      "    'AppDomainGroup-group.com.apple.notes',\n"
      "    'AppDomainGroup-group.net.whatsapp.WhatsApp.private',\n"
      "    'AppDomainGroup-group.com.tencent.xin.shared']):\n"
      "    db.execute('INSERT INTO Files VALUES (?, ?, ?, 2, NULL)',\n"
      "               ('%040x' % (i + 1), d, 'Library'))\n"
      "db.commit()\n");
  Sh("python3 " + ShellQuote(db) + " " + ShellQuote(backup + "/Manifest.db"));
  const RunResult r =
      RunContraband("scan --inventory --residue --format json " +
                    ShellQuote(backup));
  INFO(r.err);
  CHECK(r.exit_code == 1);  // WeChat and WhatsApp installed
  const nlohmann::json report = ParseJson(r.out);
  INFO(report.dump(1));
  CHECK(report["warnings"].empty());
  std::set<Row> findings = kExpected;
  findings.insert({"telegram", "group.ph.telegra.Telegraph", "", "/Manifest.db"});
  CHECK(Findings(report) == findings);
  const nlohmann::json* telegram = FindingFor(report, "group.ph.telegra.Telegraph");
  REQUIRE(telegram);
  CHECK((*telegram)["state"] == "residue");
  CHECK((*telegram)["ecosystem"] == "ios");
  CHECK((*telegram)["name"] == "ph.telegra.Telegraph");
  CHECK((*telegram)["location"] == "/AppDomainGroup-group.ph.telegra.Telegraph");
  std::set<std::string> ids;
  for (const auto& sw : report["software"]) ids.insert(sw["id"].get<std::string>());
  CHECK(ids == std::set<std::string>{"com.tencent.xin", "net.whatsapp.WhatsApp",
                                     "group.ph.telegra.Telegraph",
                                     "group.com.example.widgets"});
  // A residue finding alone does not make the verdict "installed"; without
  // --residue it is not listed.
  const RunResult telegram_only = RunContraband(
      "scan --residue --format json --policy ua-nccc-2024 " + ShellQuote(backup));
  CHECK(telegram_only.exit_code == 0);
  CHECK(ParseJson(telegram_only.out)["findings"].size() == 1);
  CHECK(Findings(Scan(ShellQuote(backup), 1)) == kExpected);
}
