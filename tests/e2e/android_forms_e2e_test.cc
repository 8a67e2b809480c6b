// One phone, four forms (issue 12's "done when"): a full-filesystem
// extraction (packages.xml + each user's package-restrictions.xml), an
// androidqf collection (dumpsys.txt + packages.json), a bugreport zip
// (dumpstate.txt with its DUMP OF SERVICE package section), and the live
// phone through a fake `adb` on PATH replaying the same dumpsys text. The
// phone: WeChat for the owner and the work profile (user 10), Telegram only
// in the work profile, TikTok's code left for no user (residue), a notes
// app nobody bans. Each form must give the same findings (product, id,
// user, state). The fake adb also replays MVT's real `dumpsys package`
// sample, and plays a missing device, two devices and an unauthorised one.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "support/test_support.h"

using namespace contraband::testing;

namespace {

namespace fs = std::filesystem;

struct App {
  std::string name, code, version_name, uid;
  std::vector<std::string> users;  // users it is installed for
};

const std::vector<App> kPhone = {
    {"com.tencent.mm", "2480", "8.0.40", "10100", {"0", "10"}},
    {"org.telegram.messenger", "4000", "10.2.3", "10101", {"10"}},
    {"com.zhiliaoapp.musically", "300", "30.0.1", "10102", {}},
    {"com.example.notes", "7", "1.7", "10103", {"0"}},
};

bool Has(const App& a, const std::string& user) {
  return std::find(a.users.begin(), a.users.end(), user) != a.users.end();
}

void WriteExtraction(const std::string& root) {
  std::string xml =
      "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<packages>\n";
  std::string u0, u10;
  for (const App& a : kPhone) {
    xml += "<package name=\"" + a.name + "\" codePath=\"/data/app/" + a.name +
           "-1\" it=\"18a1b2c3d40\" version=\"" + a.code + "\" userId=\"" +
           a.uid + "\" />\n";
    if (!Has(a, "0")) u0 += "<pkg name=\"" + a.name + "\" inst=\"false\"/>\n";
    if (!Has(a, "10")) u10 += "<pkg name=\"" + a.name + "\" inst=\"false\"/>\n";
  }
  xml += "</packages>\n";
  auto restrictions = [](const std::string& body) {
    return "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
           "<package-restrictions>\n" + body + "</package-restrictions>\n";
  };
  for (const auto& [rel, data] :
       std::vector<std::pair<std::string, std::string>>{
           {"/data/system/packages.xml", xml},
           {"/data/system/users/0/package-restrictions.xml", restrictions(u0)},
           {"/data/system/users/10/package-restrictions.xml",
            restrictions(u10)}}) {
    fs::create_directories(fs::path(root + rel).parent_path());
    WriteHostFile(root + rel, data);
  }
}

// `dumpsys package` as Android 11 prints it.
std::string DumpsysPackage() {
  std::string t =
      "Database versions:\n  Internal:\n    sdkVersion=30 databaseVersion=3\n"
      "\nPackages:\n";
  for (const App& a : kPhone) {
    t += "  Package [" + a.name + "] (1a2b3c):\n    userId=" + a.uid +
         "\n    codePath=/data/app/" + a.name + "-1\n    versionCode=" +
         a.code + " minSdk=21 targetSdk=30\n    versionName=" +
         a.version_name +
         "\n    firstInstallTime=2023-08-01 10:00:00\n"
         "    signatures=PackageSignatures{9f version:2, signatures:[c0ffee12],"
         " past signatures:[]}\n";
    for (const char* user : {"0", "10"}) {
      t += std::string("    User ") + user +
           ": ceDataInode=1 installed=" + (Has(a, user) ? "true" : "false") +
           " hidden=false suspended=false stopped=false notLaunched=false "
           "enabled=0 instant=false virtual=false\n";
    }
  }
  return t + "\nShared users:\n  SharedUser [android.uid.system] (1):\n";
}

std::string AllServices(const std::string& first_line) {
  return first_line + "DUMP OF SERVICE activity:\nnothing\n"
         "--------- 0.01s was the duration of dumpsys activity\n"
         "DUMP OF SERVICE package:\n" + DumpsysPackage() +
         "--------- 0.2s was the duration of dumpsys package\n"
         "DUMP OF SERVICE window:\nnothing\n";
}

void Zip(const std::string& from, const std::string& zip) {
  const RunResult r = Run("cd " + ShellQuote(from) + " && zip -qr " +
                          ShellQuote(zip) + " .");
  REQUIRE(r.exit_code == 0);
}

// A fake adb: `adb devices` prints devices.txt; `adb -s SERIAL shell CMD`
// prints CMD's file; every call is logged.
std::string WriteFakeAdb(const TempDir& tmp, const std::string& devices,
                         const std::string& dumpsys) {
  const std::string dir = tmp.path() + "/fakebin";
  tmp.Write("fakebin/devices.txt", devices);
  tmp.Write("fakebin/dumpsys.txt", dumpsys);
  tmp.Write("fakebin/pm.txt",
            "package:/data/app/com.example.extra-1/base.apk=com.example.extra "
            "versionCode:5 uid:10200 installer=com.android.vending\n");
  tmp.Write("fakebin/getprop.txt",
            "[ro.product.model]: [Pixel 5]\n[ro.serialno]: [R5CT0001]\n"
            "[ro.build.version.release]: [13]\n");
  tmp.Write("fakebin/adb",
            "#!/bin/sh\n"
            "d=$(dirname \"$0\")\n"
            "echo \"$*\" >> \"$d/calls.log\"\n"
            "case \"$1\" in\n"
            "  devices) cat \"$d/devices.txt\" ;;\n"
            "  -s) shift 3\n"
            "      case \"$1\" in\n"
            "        dumpsys) cat \"$d/dumpsys.txt\" ;;\n"
            "        pm) cat \"$d/pm.txt\" ;;\n"
            "        getprop) cat \"$d/getprop.txt\" ;;\n"
            "        *) echo \"unexpected: $*\" >&2; exit 1 ;;\n"
            "      esac ;;\n"
            "  *) echo \"unexpected: $*\" >&2; exit 1 ;;\n"
            "esac\n");
  fs::permissions(dir + "/adb", fs::perms::owner_all);
  return dir;
}

// PATH with the fake adb first, for this scope.
class FakePath {
 public:
  explicit FakePath(const std::string& dir) : old_(std::getenv("PATH")) {
    setenv("PATH", (dir + ":" + old_).c_str(), 1);
  }
  ~FakePath() { setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

using Key = std::tuple<std::string, std::string, std::string, std::string>;

std::set<Key> Findings(const std::string& evidence, int want_exit) {
  const RunResult r =
      RunContraband("scan --format json " + ShellQuote(evidence));
  INFO(evidence << "\n" << r.err);
  CHECK(r.exit_code == want_exit);
  std::set<Key> out;
  if (r.out.empty()) return out;
  const nlohmann::json report = ParseJson(r.out);
  for (const auto& f : report["findings"]) {
    const auto& s = f["software"];
    CHECK_FALSE(s["version"].get<std::string>().empty());
    out.insert(Key(f["product"].get<std::string>(), s["id"].get<std::string>(),
                   s["user"].get<std::string>(),
                   s["state"].get<std::string>()));
  }
  return out;
}

}  // namespace

TEST_CASE("one phone as extraction, androidqf, bugreport and adb: same findings",
          "[android][dumpsys][adb][e2e]") {
  TempDir tmp;
  WriteExtraction(tmp.path() + "/extraction/Dump");
  const std::string extraction = tmp.path() + "/extraction.zip";
  Zip(tmp.path() + "/extraction", extraction);

  tmp.Write("qf/dumpsys.txt", AllServices("\n"));
  tmp.Write("qf/getprop.txt", "[ro.product.model]: [Pixel 5]\n");
  std::string json = "[";
  for (const App& a : kPhone) {
    json += std::string(json.size() > 1 ? "," : "") + "{\"name\": \"" +
            a.name + "\", \"files\": [{\"path\": \"/data/app/" + a.name +
            "-1/base.apk\", \"certificate\": {\"Sha256\": \"" +
            std::string(64, 'a') + "\"}}], \"installer\": \"null\"}";
  }
  tmp.Write("qf/packages.json", json + "]");

  // AOSP's name for the entry (MVT's sample says main_entry.txt), and
  // device files dumpstate copied under FS/, which hold data/system.
  tmp.Write("br/main-entry.txt", "bugreport-phone-2023.txt");
  tmp.Write("br/version.txt", "2.0");
  tmp.Write("br/FS/data/system/dropbox/event_log@1.txt", "x");
  tmp.Write("br/FS/data/misc/logd/logcat", "x");
  tmp.Write("br/bugreport-phone-2023.txt",
            AllServices("========================================================\n"
                        "== dumpstate: 2023-08-02 10:00:00\n"
                        "========================================================\n"));
  const std::string bugreport = tmp.path() + "/bugreport-phone-2023.zip";
  Zip(tmp.path() + "/br", bugreport);

  const std::set<Key> want = {
      {"wechat", "com.tencent.mm", "0", "installed"},
      {"wechat", "com.tencent.mm", "10", "installed"},
      {"telegram", "org.telegram.messenger", "10", "installed"},
  };
  CHECK(Findings(extraction, 1) == want);
  CHECK(Findings(tmp.path() + "/qf", 1) == want);
  CHECK(Findings(bugreport, 1) == want);

  const std::string fake = WriteFakeAdb(
      tmp, "List of devices attached\nEMU0001\tdevice\n\n", DumpsysPackage());
  FakePath path(fake);
  CHECK(Findings("adb:", 1) == want);
  CHECK(Findings("adb:EMU0001", 1) == want);
  // Read-only: only these commands reached the phone.
  const std::string calls = ReadHostFile(fake + "/calls.log");
  INFO(calls);
  for (const char* verb : {"install", "uninstall", "backup", "push", "root",
                           "reboot", "rm "}) {
    CHECK(calls.find(verb) == std::string::npos);
  }
  CHECK(calls.find("-s EMU0001 shell pm list packages -f -U -i "
                   "--show-versioncode --user all") != std::string::npos);
  CHECK(calls.find("-s EMU0001 shell dumpsys package") != std::string::npos);

  // The inventory also has what only pm list printed, and kind adb.
  const RunResult inv = RunContraband("inventory --format json adb:");
  const nlohmann::json report = ParseJson(inv.out);
  CHECK(report["scan"]["evidence"][0]["kind"] == "adb");
  bool extra = false;
  for (const auto& s : report["software"]) {
    if (s["id"] == "com.example.extra") {
      extra = true;
      CHECK(s["version"] == "5");
      CHECK(s["source"] == "/adb/pm_list_packages.txt");
    }
  }
  CHECK(extra);

  // The phone is the report's host: ECS host.* from getprop.
  const RunResult ecs = RunContraband("scan --format ecs adb:");
  CHECK(ecs.exit_code == 1);
  const nlohmann::json summary = ParseJson(
      ecs.out.substr(ecs.out.rfind('\n', ecs.out.size() - 2) + 1));
  CHECK(summary["host"]["name"] == "EMU0001");
  CHECK(summary["host"]["id"] == "R5CT0001");
  CHECK(summary["host"]["os"]["version"] == "13");
  CHECK(summary["host"]["os"]["type"] == "android");
}

TEST_CASE("adb: MVT's recorded dumpsys, and every way a phone is not there",
          "[android][adb][e2e]") {
  TempDir tmp;
  const auto mvt = CorpusPath("android/mvt/android_data/dumpsys_packages.txt");
  SKIP_UNLESS_CORPUS(mvt);
  std::string fake = WriteFakeAdb(
      tmp, "* daemon started successfully\nList of devices attached\n"
           "R58M123ABC\tdevice\n",
      ReadHostFile(*mvt));
  FakePath path(fake);
  const RunResult r = RunContraband("inventory --format json adb:");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::set<std::string> ids;
  const nlohmann::json report = ParseJson(r.out);
  for (const auto& s : report["software"]) {
    ids.insert(s["id"].get<std::string>());
  }
  CHECK(ids == std::set<std::string>{
                   "com.samsung.android.provider.filterprovider",
                   "com.sec.android.app.DataCreate", "com.example.extra"});

  struct Case {
    std::string devices, evidence, says;
  };
  const std::vector<Case> cases = {
      {"List of devices attached\n\n", "adb:", "no device is attached"},
      {"List of devices attached\nA1\tdevice\nB2\tdevice\n", "adb:",
       "several devices are attached (A1, B2); name one: adb:SERIAL"},
      {"List of devices attached\nA1\tdevice\nB2\tdevice\n", "adb:C3",
       "no device C3 is attached (adb devices lists A1, B2)"},
      {"List of devices attached\nA1\tunauthorized\n", "adb:",
       "is unauthorised"},
      {"List of devices attached\nA1\toffline\n", "adb:A1", "is offline"},
  };
  for (const Case& c : cases) {
    INFO(c.devices);
    WriteHostFile(fake + "/devices.txt", c.devices);
    const RunResult bad = RunContraband("scan " + c.evidence);
    CHECK(bad.exit_code == 3);
    CHECK(bad.err.find(c.says) != std::string::npos);
  }
}

TEST_CASE("adb: missing adb is exit 3 saying what to install",
          "[android][adb][e2e]") {
  TempDir tmp;
  const std::string old = std::getenv("PATH");
  setenv("PATH", tmp.path().c_str(), 1);
  const RunResult r = Run(ShellQuote(CONTRABAND_BIN) + " scan adb:");
  setenv("PATH", old.c_str(), 1);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("apt install adb") != std::string::npos);
}
