// dumpsys package text (formats/dumpsys_package), androidqf's packages.json
// (formats/androidqf_packages) and the android-dumpsys collector, on MVT's
// real samples in the corpus (a bugreport's dumpstate.txt, androidqf's
// dumpsys.txt and packages.json, `adb shell dumpsys package` output;
// expected values read off the text by hand) and on text written here the
// way Android prints it.
#include <catch2/catch.hpp>

#include "evidence/memory_vfs.h"
#include "formats/androidqf_packages.h"
#include "formats/dumpsys_package.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::AllWarnings;
using contraband::testing::CollectorNamed;
using contraband::testing::CorpusPath;
using contraband::testing::ReadHostFile;
using contraband::testing::RecordsWithId;

namespace {

const DumpsysPackage* Find(const std::vector<DumpsysPackage>& pkgs,
                           const std::string& name) {
  for (const DumpsysPackage& p : pkgs) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// Two users: WeChat in the owner's profile and the work profile (10),
// Telegram only in the work profile, TikTok in no user, with a hidden
// system package that must not count twice.
const char kTwoUsers[] = R"(DUMP OF SERVICE activity:
Packages:
  Package [not.a.package.section] (1):
    versionName=9
--------- 0.1s was the duration of dumpsys activity
DUMP OF SERVICE package:
Database versions:
  Internal:
    sdkVersion=30 databaseVersion=3

Packages:
  Package [com.tencent.mm] (a1b2c3):
    userId=10100
    codePath=/data/app/~~Qx==/com.tencent.mm-Zy==
    versionCode=2480 minSdk=21 targetSdk=30
    versionName=8.0.40 beta
    installerPackageName=com.android.vending
    timeStamp=2023-05-01 10:00:00
    firstInstallTime=2023-05-01 10:00:01
    lastUpdateTime=2023-06-02 11:12:13
    signatures=PackageSignatures{d1 version:3, signatures:[1a2b3c4d], past signatures:[]}
    User 0: ceDataInode=1 installed=true hidden=false suspended=false stopped=false notLaunched=false enabled=0 instant=false virtual=false
      gids=[3003]
    User 10: ceDataInode=2 installed=true hidden=false suspended=true stopped=true notLaunched=false enabled=0 instant=false virtual=false
  Package [org.telegram.messenger] (d4e5f6):
    userId=10101
    codePath=/data/app/org.telegram.messenger-1
    versionCode=4000 minSdk=19 targetSdk=33
    versionName=10.2.3
    installerPackageName=null
    firstInstallTime=2023-01-01 00:00:00
    User 0: ceDataInode=0 installed=false hidden=false suspended=false stopped=true notLaunched=true enabled=0 instant=false virtual=false
    User 10: ceDataInode=3 installed=true hidden=false suspended=false stopped=false notLaunched=false enabled=0 instant=false virtual=false
  Package [com.zhiliaoapp.musically] (123):
    codePath=/data/app/com.zhiliaoapp.musically-1
    versionCode=1 minSdk=21 targetSdk=33
    versionName=30.0
    User 0: ceDataInode=0 installed=false hidden=false suspended=false stopped=true notLaunched=true enabled=0 instant=false virtual=false
    User 10: ceDataInode=0 installed=false hidden=false suspended=false stopped=true notLaunched=true enabled=0 instant=false virtual=false

Hidden system packages:
  Package [com.tencent.mm] (aa):
    codePath=/system/app/WeChat
    versionName=1.0
    User 0: ceDataInode=0 installed=true hidden=false suspended=false stopped=false notLaunched=false enabled=0 instant=false virtual=false

Queries:
  Package [com.not.listed] (5):
--------- 0.2s was the duration of dumpsys package
DUMP OF SERVICE window:
Packages:
  Package [not.the.window.service] (1):
)";

}  // namespace

TEST_CASE("dumpsys package: versions, paths, installer, dates, users",
          "[android][dumpsys]") {
  std::vector<std::string> problems;
  const std::vector<DumpsysPackage> pkgs =
      ParseDumpsysPackages(kTwoUsers, DumpsysScope::kPackageService, &problems);
  CHECK(problems.empty());
  REQUIRE(pkgs.size() == 3);
  const DumpsysPackage* mm = Find(pkgs, "com.tencent.mm");
  REQUIRE(mm);
  CHECK(mm->version_code == "2480");
  CHECK(mm->version_name == "8.0.40 beta");
  CHECK(mm->code_path == "/data/app/~~Qx==/com.tencent.mm-Zy==");
  CHECK(mm->installer == "com.android.vending");
  CHECK(mm->uid == "10100");
  CHECK(mm->first_installed == "2023-05-01T10:00:01");
  CHECK(mm->last_updated == "2023-06-02T11:12:13");
  // Signature.hashCode(), kept as what it is.
  CHECK(mm->signature_hash_codes == std::vector<std::string>{"1a2b3c4d"});
  REQUIRE(mm->users.size() == 2);
  CHECK(mm->users[1].user == "10");
  CHECK(mm->users[1].suspended);
  CHECK(mm->users[1].stopped);
  const DumpsysPackage* tg = Find(pkgs, "org.telegram.messenger");
  REQUIRE(tg);
  CHECK(tg->installer.empty());  // "null"
  CHECK_FALSE(tg->users[0].installed);
  CHECK(tg->users[1].installed);

  // The same text as plain `dumpsys package` output reads every Packages:
  // list, whichever service printed it.
  const auto whole = ParseDumpsysPackages(kTwoUsers, DumpsysScope::kWholeText);
  CHECK(Find(whole, "not.the.window.service"));
  CHECK(Find(whole, "com.tencent.mm"));
}

TEST_CASE("dumpsys package read in pieces of any size", "[android][dumpsys]") {
  const std::string text = kTwoUsers;
  const auto all = ParseDumpsysPackages(text, DumpsysScope::kPackageService);
  for (size_t piece : {1u, 2u, 7u, 64u}) {
    std::vector<DumpsysPackage> got;
    DumpsysPackageReader reader(DumpsysScope::kPackageService,
                                [&](DumpsysPackage p) { got.push_back(p); });
    for (size_t at = 0; at < text.size(); at += piece) {
      reader.Feed(std::string_view(text).substr(at, piece));
    }
    reader.Finish();
    CHECK(got == all);
  }
}

TEST_CASE("dumpsys package bounds lines and names", "[android][dumpsys]") {
  std::string text = "Packages:\n  Package [com.a] (1):\n    versionName=";
  text += std::string(kMaxDumpsysLineBytes + 10, 'x');
  text += "\n    versionCode=7\n  Package [bad name!] (2):\n"
          "  Package [com.b] (3):\n\r\n";
  std::vector<std::string> problems;
  const auto pkgs =
      ParseDumpsysPackages(text, DumpsysScope::kWholeText, &problems);
  REQUIRE(pkgs.size() == 2);
  CHECK(pkgs[0].version_name.empty());  // the over-long line was skipped
  CHECK(pkgs[0].version_code == "7");
  CHECK(problems.size() == 2);
  CHECK(DumpsysTimeToIso("2008-12-31 16:00:00") == "2008-12-31T16:00:00");
  CHECK(DumpsysTimeToIso("2008-12-31") == "");
  CHECK(DumpsysTimeToIso("2008-12-31 16:00:0x") == "");
}

TEST_CASE("dumpsys package: MVT's real samples", "[android][dumpsys]") {
  const auto bugreport = CorpusPath("android/mvt/bugreport/dumpstate.txt");
  const auto qf = CorpusPath("android/mvt/androidqf/dumpsys.txt");
  const auto plain = CorpusPath("android/mvt/android_data/dumpsys_packages.txt");
  SKIP_UNLESS_CORPUS(bugreport, qf, plain);
  // dumpstate.txt: grep -c '^  Package \[' inside DUMP OF SERVICE package.
  const auto br = ParseDumpsysPackages(ReadHostFile(*bugreport),
                                       DumpsysScope::kPackageService);
  REQUIRE(br.size() == 2);
  const DumpsysPackage* insta = Find(br, "com.instagram.android");
  REQUIRE(insta);
  CHECK(insta->installer == "com.android.vending");
  CHECK(insta->version_name == "241.1.0.18.114");
  CHECK(insta->version_code == "364105349");
  CHECK(insta->first_installed == "2020-06-12T00:41:34");
  REQUIRE(insta->users.size() == 1);
  CHECK(insta->users[0].user == "0");
  CHECK(insta->users[0].enabled == "4");

  const auto q = ParseDumpsysPackages(ReadHostFile(*qf),
                                      DumpsysScope::kPackageService);
  REQUIRE(q.size() == 2);
  CHECK(q[0].name == "com.samsung.android.provider.filterprovider");
  CHECK(q[0].code_path == "/system/app/FilterProvider");
  CHECK(q[0].version_name == "5.0.07");

  const auto p = ParseDumpsysPackages(ReadHostFile(*plain),
                                      DumpsysScope::kWholeText);
  REQUIRE(p.size() == 2);
  CHECK(p[1].name == "com.sec.android.app.DataCreate");
  CHECK(p[1].version_code == "1");
  CHECK(p[1].signature_hash_codes == std::vector<std::string>{"b378e95c"});
}

TEST_CASE("pm list packages -f -U -i --show-versioncode", "[android][dumpsys]") {
  const std::string text =
      "package:/data/app/~~Ab==/com.tencent.mm-Cd==/base.apk=com.tencent.mm "
      "versionCode:2480 uid:10100 installer=com.android.vending\n"
      "package:/system/app/Foo/Foo.apk=com.foo versionCode:1 uid:1000 "
      "installer=null\r\n"
      "package:/x.apk=bad!name\n"
      "not a package line\n";
  std::vector<std::string> problems;
  const auto pkgs = ParsePmListPackages(text, &problems);
  REQUIRE(pkgs.size() == 2);
  CHECK(pkgs[0].name == "com.tencent.mm");
  CHECK(pkgs[0].code_path == "/data/app/~~Ab==/com.tencent.mm-Cd==");
  CHECK(pkgs[0].version_code == "2480");
  CHECK(pkgs[0].uid == "10100");
  CHECK(pkgs[0].installer == "com.android.vending");
  CHECK(pkgs[1].installer.empty());
  CHECK(problems.size() == 1);
}

TEST_CASE("androidqf packages.json: certificates, and refusals",
          "[android][dumpsys]") {
  const auto path = CorpusPath("android/mvt/androidqf/packages.json");
  SKIP_UNLESS_CORPUS(path);
  const AndroidqfPackages got = ParseAndroidqfPackages(ReadHostFile(*path));
  CHECK(got.problems.empty());
  REQUIRE(got.packages.size() == 7);
  const AndroidqfPackage& wa = got.packages[0];
  CHECK(wa.name == "com.whatsapp");
  CHECK(wa.installer.empty());  // "null"
  CHECK(wa.uid == "10271");
  REQUIRE(wa.files.size() == 1);
  CHECK(wa.files[0].cert_sha256 ==
        "3987d043d10aefaf5a8710b3671418fe57e0e19b653c9df82558feb5ffce5d44");
  CHECK(wa.files[0].cert_subject.find("O=WhatsApp Inc.") != std::string::npos);

  CHECK_THROWS_AS(ParseAndroidqfPackages("{}"), ParseError);
  CHECK_THROWS_AS(ParseAndroidqfPackages("[1,"), ParseError);
  CHECK_THROWS_WITH(ParseAndroidqfPackages(std::string(100, '[')),
                    Catch::Contains("deeper"));
  const auto odd = ParseAndroidqfPackages(
      R"([1, {"name": "x y"}, {"name": "com.a", "files": [{"certificate": {"Sha256": "zz"}}]}])");
  CHECK(odd.packages.size() == 1);
  CHECK(odd.problems.size() == 3);
  CHECK(GetpropValue("[ro.product.model]: [Pixel 5]\n", "ro.product.model") ==
        "Pixel 5");
}

TEST_CASE("android-dumpsys: one record per user, residue for no user",
          "[android][dumpsys]") {
  MemoryVfs vfs;
  vfs.AddFile("/bugreport-x-2023.txt", kTwoUsers);
  const CollectResult r =
      CollectSoftware(vfs, "ev", CollectorNamed("android-dumpsys"));
  const auto mm = RecordsWithId(r, "com.tencent.mm");
  REQUIRE(mm.size() == 2);
  CHECK(mm[0]->user == "0");
  CHECK(mm[1]->user == "10");
  CHECK(mm[0]->version == "8.0.40 beta");
  CHECK(mm[0]->installed_at == "2023-05-01T10:00:01");
  CHECK(mm[0]->source == "/bugreport-x-2023.txt");
  CHECK(mm[0]->signer.cert_sha256.empty());  // a hash code is no digest
  const auto tg = RecordsWithId(r, "org.telegram.messenger");
  REQUIRE(tg.size() == 1);
  CHECK(tg[0]->user == "10");
  CHECK(tg[0]->state == SoftwareState::kInstalled);
  const auto tt = RecordsWithId(r, "com.zhiliaoapp.musically");
  REQUIRE(tt.size() == 1);
  CHECK(tt[0]->state == SoftwareState::kResidue);
  CHECK(AllWarnings(r).find("com.zhiliaoapp.musically is on the device but "
                            "installed for no user") != std::string::npos);
  CHECK(r.software.size() == 4);
}

TEST_CASE("android-dumpsys: androidqf joins dumpsys.txt and packages.json",
          "[android][dumpsys]") {
  const auto dir = CorpusPath("android/mvt/androidqf");
  SKIP_UNLESS_CORPUS(dir);
  MemoryVfs vfs;
  for (const char* name : {"dumpsys.txt", "packages.json", "getprop.txt"}) {
    vfs.AddFile(std::string("/qf/") + name,
                ReadHostFile(*dir + "/" + name));
  }
  // A packages.json with no androidqf file beside it is someone else's.
  vfs.AddFile("/other/packages.json", "not json");
  const CollectResult r =
      CollectSoftware(vfs, "ev", CollectorNamed("android-dumpsys"));
  CHECK(AllWarnings(r).empty());
  CHECK(r.software.size() == 9);  // 2 from dumpsys.txt + 7 from packages.json
  const auto wa = RecordsWithId(r, "com.whatsapp");
  REQUIRE(wa.size() == 1);
  CHECK(wa[0]->signer.cert_sha256 ==
        "3987d043d10aefaf5a8710b3671418fe57e0e19b653c9df82558feb5ffce5d44");
  CHECK(wa[0]->location == "/data/app/~~/com.whatsapp-~~");
  CHECK(wa[0]->source == "/qf/packages.json");
  const auto fp = RecordsWithId(r, "com.samsung.android.provider.filterprovider");
  REQUIRE(fp.size() == 1);
  CHECK(fp[0]->user.empty());  // MVT's trimmed sample has no User lines
  CHECK(fp[0]->version == "5.0.07");
  CHECK(fp[0]->source == "/qf/dumpsys.txt");
}
