// MSIX / AppX: the real 3D Builder manifest from the corpus, publisher ids
// against the values Windows itself shows (Get-AppxPackage PublisherId,
// package family names in the wild), hostile manifests (billion laughs,
// oversize), the AppModel package keys of a real UsrClass.dat as hivexsh
// lists them, a StateRepository made by the real sqlite3 shell, and the
// msix collector joining them.
#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <sstream>
#include <string>

#include "collectors/windows/appmodel_repository.h"
#include "evidence/memory_vfs.h"
#include "formats/appx_manifest.h"
#include "formats/parse_error.h"
#include "formats/regf_hive.h"
#include "formats/state_repository.h"
#include "support/state_repository_db.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

const char kManifest[] =
    "windows_appx/Microsoft.3DBuilder_20.0.4.0_x64/AppxManifest.xml";
const char kUsrClass[] = "windows_registry/regipy_UsrClass.dat";
const char kSkype[] = "Microsoft.SkypeApp_12.1811.248.0_x64__kzf8qxf38zg5c";
// The SID the corpus UsrClass.dat's root key names ("<SID>_Classes").
const char kCorpusSid[] = "S-1-5-21-2734969515-1644526556-1039763013-1001";

std::string Manifest(const std::string& identity,
                     const std::string& properties) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
         "<Package xmlns=\"http://schemas.microsoft.com/appx/manifest/"
         "foundation/windows10\">\n  " +
         identity + "\n  <Properties>" + properties +
         "</Properties>\n</Package>\n";
}

}  // namespace

TEST_CASE("appx: publisher ids are the ones Windows shows", "[msix]") {
  // Get-AppxPackage / package family names seen on real systems
  // (../shared/catalog-research.md).
  CHECK(AppxPublisherId("CN=Microsoft Corporation, O=Microsoft Corporation, "
                        "L=Redmond, S=Washington, C=US") == "8wekyb3d8bbwe");
  CHECK(AppxPublisherId("CN=Microsoft Windows, O=Microsoft Corporation, "
                        "L=Redmond, S=Washington, C=US") == "cw5n1h2txyewy");
  CHECK(AppxPublisherId("CN=24803D75-212C-471A-BC57-9EF86AB91435") ==
        "cv1g1gvanyjgm");  // WhatsApp
  CHECK(AppxPublisherId("CN=Skype Software Sarl, O=Microsoft Corporation, "
                        "L=Luxembourg, S=Luxembourg, C=LU") == "kzf8qxf38zg5c");
  CHECK(AppxPublisherId("CN=536BC709-8EE1-4478-AF22-F0F0F26FF64A") ==
        "t4vj0pshhgkwm");  // Telegram Desktop (Store)
  CHECK(AppxPublisherId("CN=D89C87B4-2758-402A-8F40-3571D00882AB") ==
        "g9c9v27vpyspw");  // Unigram
  // Non-ASCII publishers hash their UTF-16 form; bad UTF-8 does not throw.
  CHECK(AppxPublisherId("CN=Ünïcode").size() == 13);
  CHECK(AppxPublisherId("CN=\xff\xfe").size() == 13);
  CHECK(AppxPublisherId("CN=Ünïcode") != AppxPublisherId("CN=Unicode"));
}

TEST_CASE("appx: the corpus manifest of Microsoft 3D Builder", "[msix]") {
  auto path = CorpusPath(kManifest);
  SKIP_UNLESS_CORPUS(path);
  const AppxManifest m = ParseAppxManifest(ReadHostFile(*path));
  CHECK_FALSE(m.bundle);
  CHECK(m.name == "Microsoft.3DBuilder");
  CHECK(m.publisher ==
        "CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, "
        "S=Washington, C=US");
  CHECK(m.version == "20.0.4.0");
  CHECK(m.architecture == "x64");
  CHECK(m.resource_id.empty());
  CHECK(m.display_name == "3D Builder");
  CHECK(m.publisher_display_name == "Microsoft Corporation");
  CHECK(m.FamilyName() == "Microsoft.3DBuilder_8wekyb3d8bbwe");
  // The folder name Windows installs it under.
  CHECK(m.FullName() == "Microsoft.3DBuilder_20.0.4.0_x64__8wekyb3d8bbwe");
}

TEST_CASE("appx: ms-resource names are kept, bundles read", "[msix]") {
  const AppxManifest m = ParseAppxManifest(
      Manifest("<Identity Name=\"5319275A.WhatsAppDesktop\" "
               "Publisher=\"CN=24803D75-212C-471A-BC57-9EF86AB91435\" "
               "Version=\"2.2450.6.0\" ProcessorArchitecture=\"x64\"/>",
               "<DisplayName>ms-resource:AppName</DisplayName>"
               "<PublisherDisplayName>WhatsApp Inc.</PublisherDisplayName>"));
  CHECK(m.display_name == "ms-resource:AppName");
  CHECK(IsAppxResourceReference(m.display_name));
  CHECK(IsAppxResourceReference("@{Microsoft.SkypeApp_x?ms-resource://a}"));
  CHECK_FALSE(IsAppxResourceReference("WhatsApp"));
  CHECK(m.FamilyName() == "5319275A.WhatsAppDesktop_cv1g1gvanyjgm");

  const AppxManifest b = ParseAppxManifest(
      "<Bundle xmlns=\"http://schemas.microsoft.com/appx/2013/bundle\">"
      "<Identity Name=\"Microsoft.SkypeApp\" Publisher=\"CN=Skype Software "
      "Sarl, O=Microsoft Corporation, L=Luxembourg, S=Luxembourg, C=LU\" "
      "Version=\"12.1811.248.0\"/><Packages/></Bundle>");
  CHECK(b.bundle);
  CHECK(b.architecture == "neutral");
  CHECK(b.FullName() ==
        "Microsoft.SkypeApp_12.1811.248.0_neutral_~_kzf8qxf38zg5c");
}

TEST_CASE("appx: package full names split into their parts", "[msix]") {
  auto f = ParseAppxFullName(kSkype);
  REQUIRE(f);
  CHECK(f->name == "Microsoft.SkypeApp");
  CHECK(f->version == "12.1811.248.0");
  CHECK(f->architecture == "x64");
  CHECK(f->resource_id.empty());
  CHECK(f->FamilyName() == "Microsoft.SkypeApp_kzf8qxf38zg5c");
  auto neutral = ParseAppxFullName(
      "Microsoft.PPIProjection_10.0.16299.15_neutral_neutral_cw5n1h2txyewy");
  REQUIRE(neutral);
  CHECK(neutral->resource_id == "neutral");
  CHECK_FALSE(ParseAppxFullName("Microsoft.SkypeApp_kzf8qxf38zg5c"));
  CHECK_FALSE(ParseAppxFullName("a_1_x64__NOTANID!!!!!"));
  CHECK_FALSE(ParseAppxFullName(""));
}

TEST_CASE("appx: hostile and broken manifests are parse errors", "[msix]") {
  // Billion laughs: refused for its DOCTYPE, at once, never expanded.
  std::string lol =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    lol += " <!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) {
      lol += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    }
    lol += "\">\n";
  }
  lol +=
      "]>\n<Package><Identity Name=\"&lol9;\" Publisher=\"CN=x\"/>"
      "</Package>\n";
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(ParseAppxManifest(lol), Catch::Contains("DOCTYPE"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  // The same in UTF-16LE.
  std::string wide = "\xff\xfe";
  for (char c : lol) {
    wide += c;
    wide += '\0';
  }
  CHECK_THROWS_WITH(ParseAppxManifest(wide), Catch::Contains("DOCTYPE"));
  // Entities nobody declared are left as written, not expanded.
  const AppxManifest m = ParseAppxManifest(
      "<Package><Identity Name=\"a&lol9;b\" Publisher=\"CN=x\"/></Package>");
  CHECK(m.name == "a&lol9;b");

  CHECK_THROWS_WITH(
      ParseAppxManifest(std::string(kMaxAppxManifestBytes + 1, ' ')),
      Catch::Contains("limit"));
  CHECK_THROWS_WITH(ParseAppxManifest("<Package><Identity"),
                    Catch::Contains("well-formed"));
  CHECK_THROWS_WITH(ParseAppxManifest("<Html/>"), Catch::Contains("<Html>"));
  CHECK_THROWS_WITH(ParseAppxManifest("<Package/>"),
                    Catch::Contains("no <Identity>"));
  CHECK_THROWS_WITH(
      ParseAppxManifest("<Package><Identity Name=\"a\"/></Package>"),
      Catch::Contains("no Publisher"));
  CHECK_THROWS_AS(ParseAppxManifest(""), ParseError);
}

TEST_CASE(
    "appx: AppModel packages of a real UsrClass.dat as hivexsh lists them",
    "[msix][windows]") {
  auto path = CorpusPath(kUsrClass);
  SKIP_UNLESS_CORPUS(path);
  const std::string bytes = ReadHostFile(*path);
  RegfHive hive(bytes);
  const AppModelRepository repo = ReadAppModelRepository(hive);
  CHECK(repo.problems.empty());
  CHECK(repo.user_sid == kCorpusSid);
  std::set<std::string> ours;
  for (const AppModelPackage& p : repo.packages) ours.insert(p.full_name);
  CHECK(ours.count(kSkype) == 1);
  for (const AppModelPackage& p : repo.packages) {
    if (p.full_name != kSkype) continue;
    CHECK(p.root_folder ==
          std::string("C:\\Program Files\\WindowsApps\\") + kSkype);
    CHECK(p.display_name.rfind("@{Microsoft.SkypeApp_", 0) == 0);
    CHECK(p.key_path == std::string(kAppModelPackagesKey) + "\\" + kSkype);
  }
  if (!HaveTool("hivexsh")) {
    WARN("hivexsh absent (libhivex-bin): the cross-check is skipped");
    return;
  }
  // hivexsh reads the primary file as it is, like RegfHive without replay.
  RunResult r =
      Run("printf 'cd %s\\nls\\n' " +
          ShellQuote(std::string(kAppModelPackagesKey)) +
          " | sed 's/\\\\/\\\\\\\\/g' | hivexsh " + ShellQuote(*path));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::set<std::string> theirs;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) theirs.insert(line);
  }
  CHECK(theirs.size() > 50);
  CHECK(ours == theirs);
}

TEST_CASE(
    "state repository: users of each package from a real sqlite3 database",
    "[msix]") {
  CHECK(SidToString(std::string(
            "\x01\x01\x00\x00\x00\x00\x00\x05\x12\x00\x00\x00", 12)) ==
        "S-1-5-18");
  CHECK(SidToString("x").empty());
  if (!HaveTool("sqlite3")) {
    WARN("sqlite3 absent: skipped");
    return;
  }
  TempDir dir;
  const std::string db = dir.path() + "/StateRepository-Machine.srd";
  WriteStateRepository(
      db, {{kSkype, {kCorpusSid, "S-1-5-21-1-2-3-1002"}},
           {"Microsoft.3DBuilder_20.0.4.0_x64__8wekyb3d8bbwe", {}}});
  const std::string bytes = ReadHostFile(db);
  CHECK(bytes[18] == 2);  // WAL mode, as Windows keeps it
  const StateRepositoryContents c = ReadStateRepository(bytes);
  CHECK(c.problems.empty());
  REQUIRE(c.packages.size() == 2);
  CHECK(c.packages[0].full_name == kSkype);
  CHECK(c.packages[0].user_sids ==
        std::vector<std::string>{kCorpusSid, "S-1-5-21-1-2-3-1002"});
  CHECK(c.packages[1].user_sids.empty());  // staged for no user

  CHECK_THROWS_WITH(ReadStateRepository("hello"),
                    Catch::Contains("not an SQLite"));
  // An SQLite database without the tables.
  const std::string other = dir.path() + "/other.db";
  REQUIRE(
      Run("sqlite3 " + ShellQuote(other) + " 'CREATE TABLE t(x);'").exit_code ==
      0);
  CHECK_THROWS_WITH(ReadStateRepository(ReadHostFile(other)),
                    Catch::Contains("no readable Package"));
  // Cut short: a parse error or a problem, never a crash or a silent read.
  bool noticed = false;
  try {
    noticed = !ReadStateRepository(bytes.substr(0, bytes.size() / 2))
                   .problems.empty();
  } catch (const ParseError&) {
    noticed = true;
  }
  CHECK(noticed);
}

TEST_CASE("msix collector: installed per user, residue when staged for nobody",
          "[msix][windows]") {
  auto manifest = CorpusPath(kManifest);
  auto usrclass = CorpusPath(kUsrClass);
  auto log1 = CorpusPath(std::string(kUsrClass) + ".LOG1");
  auto log2 = CorpusPath(std::string(kUsrClass) + ".LOG2");
  SKIP_UNLESS_CORPUS(manifest, usrclass, log1, log2);
  const std::string apps = "/Program Files/WindowsApps/";
  const std::string builder = "Microsoft.3DBuilder_20.0.4.0_x64__8wekyb3d8bbwe";
  const std::string whatsapp =
      "5319275A.WhatsAppDesktop_2.2450.6.0_x64__cv1g1gvanyjgm";
  const std::string whatsapp_manifest = Manifest(
      "<Identity Name=\"5319275A.WhatsAppDesktop\" "
      "Publisher=\"CN=24803D75-212C-471A-BC57-9EF86AB91435\" "
      "Version=\"2.2450.6.0\" ProcessorArchitecture=\"x64\"/>",
      "<DisplayName>ms-resource:AppName</DisplayName>"
      "<PublisherDisplayName>WhatsApp Inc.</PublisherDisplayName>");

  SECTION("manifests alone: installed, no user") {
    MemoryVfs vfs;
    vfs.AddFile(apps + builder + "/AppxManifest.xml", ReadHostFile(*manifest));
    vfs.AddFile(apps + whatsapp + "/AppxManifest.xml", whatsapp_manifest);
    CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("msix"));
    INFO(AllWarnings(r));
    CHECK(r.warnings.empty());
    REQUIRE(r.software.size() == 2);
    const Software* wa =
        FindSoftware(r, "5319275A.WhatsAppDesktop_cv1g1gvanyjgm");
    REQUIRE(wa);
    CHECK(wa->ecosystem == "msix");
    CHECK(wa->name ==
          "5319275A.WhatsAppDesktop");  // DisplayName is ms-resource:
    CHECK(wa->publisher == "WhatsApp Inc.");
    CHECK(wa->version == "2.2450.6.0");
    CHECK(wa->arch == "x64");
    CHECK(wa->user.empty());
    CHECK(wa->state == SoftwareState::kInstalled);
    CHECK(wa->location == apps + whatsapp);
    CHECK(wa->source == apps + whatsapp + "/AppxManifest.xml");
    const Software* b = FindSoftware(r, "Microsoft.3DBuilder_8wekyb3d8bbwe");
    REQUIRE(b);
    CHECK(b->name == "3D Builder");
    CHECK(b->publisher == "Microsoft Corporation");
  }

  SECTION("with a user's UsrClass.dat and the StateRepository") {
    MemoryVfs vfs;
    vfs.AddFile(apps + builder + "/AppxManifest.xml", ReadHostFile(*manifest));
    vfs.AddFile(apps + whatsapp + "/AppxManifest.xml", whatsapp_manifest);
    const std::string local = "/Users/alice/AppData/Local/Microsoft/Windows/";
    vfs.AddFile(local + "UsrClass.dat", ReadHostFile(*usrclass));
    vfs.AddFile(local + "UsrClass.dat.LOG1", ReadHostFile(*log1));
    vfs.AddFile(local + "UsrClass.dat.LOG2", ReadHostFile(*log2));
    bool with_srd = HaveTool("sqlite3");
    TempDir dir;
    if (with_srd) {
      const std::string db = dir.path() + "/srd";
      // WhatsApp for alice (her UsrClass.dat does not list it) and for a
      // user with no profile folder in the evidence.
      WriteStateRepository(
          db, {{whatsapp, {kCorpusSid, "S-1-5-21-9-9-9-1005"}}, {builder, {}}});
      vfs.AddFile(
          "/ProgramData/Microsoft/Windows/AppRepository/"
          "StateRepository-Machine.srd",
          ReadHostFile(db));
    } else {
      WARN("sqlite3 absent: the StateRepository half is skipped");
    }
    CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("msix"));
    const std::string warnings = AllWarnings(r);
    INFO(warnings);
    CHECK(warnings.find("replayed") != std::string::npos);
    // 3D Builder is staged, registered for nobody: residue, with a note.
    const Software* b = FindSoftware(r, "Microsoft.3DBuilder_8wekyb3d8bbwe");
    REQUIRE(b);
    CHECK(b->state == SoftwareState::kResidue);
    CHECK(b->user.empty());
    CHECK(warnings.find("package " + builder +
                        " is staged (its files are present) but registered "
                        "for no user") != std::string::npos);
    // Skype: only alice's registration, its folder not in the evidence.
    const Software* skype = FindSoftware(r, "Microsoft.SkypeApp_kzf8qxf38zg5c");
    REQUIRE(skype);
    CHECK(skype->state == SoftwareState::kInstalled);
    CHECK(skype->user == "alice");
    CHECK(skype->name == "Microsoft.SkypeApp");
    CHECK(skype->version == "12.1811.248.0");
    CHECK(skype->source == local + "UsrClass.dat");
    CHECK(skype->source_key ==
          std::string(kAppModelPackagesKey) + "\\" + kSkype);
    CHECK(skype->location == apps + kSkype);
    if (!with_srd) return;
    // WhatsApp: one record per user the StateRepository names; alice by
    // the SID her UsrClass.dat's root carries.
    std::set<std::string> users;
    for (const Software& sw : r.software) {
      if (sw.id != "5319275A.WhatsAppDesktop_cv1g1gvanyjgm") continue;
      users.insert(sw.user);
      CHECK(sw.state == SoftwareState::kInstalled);
      CHECK(sw.source == apps + whatsapp + "/AppxManifest.xml");
      REQUIRE(sw.also_sources.size() == 1);
      CHECK(sw.also_sources[0].path ==
            "/ProgramData/Microsoft/Windows/AppRepository/"
            "StateRepository-Machine.srd");
    }
    CHECK(users == std::set<std::string>{"alice", "S-1-5-21-9-9-9-1005"});
  }

  SECTION("a bundle folder counts only when no package of its family does") {
    const std::string bundle_dir =
        apps + "5319275A.WhatsAppDesktop_2.2450.6.0_neutral_~_cv1g1gvanyjgm";
    const std::string bundle =
        "<Bundle xmlns=\"http://schemas.microsoft.com/appx/2013/bundle\">"
        "<Identity Name=\"5319275A.WhatsAppDesktop\" "
        "Publisher=\"CN=24803D75-212C-471A-BC57-9EF86AB91435\" "
        "Version=\"2.2450.6.0\"/></Bundle>";
    MemoryVfs alone;
    alone.AddFile(bundle_dir + "/AppxMetadata/AppxBundleManifest.xml", bundle);
    CollectResult r = CollectSoftware(alone, "ev", CollectorNamed("msix"));
    REQUIRE(r.software.size() == 1);
    CHECK(r.software[0].id == "5319275A.WhatsAppDesktop_cv1g1gvanyjgm");
    CHECK(r.software[0].arch == "neutral");
    CHECK(r.software[0].location == bundle_dir);
    MemoryVfs both = alone;
    both.AddFile(apps + whatsapp + "/AppxManifest.xml", whatsapp_manifest);
    r = CollectSoftware(both, "ev", CollectorNamed("msix"));
    REQUIRE(r.software.size() == 1);
    CHECK(r.software[0].arch == "x64");
    CHECK(r.software[0].location == apps + whatsapp);
  }

  SECTION("many staged packages: twenty named, the rest counted") {
    MemoryVfs vfs;
    vfs.AddFile("/Users/alice/AppData/Local/Microsoft/Windows/UsrClass.dat",
                ReadHostFile(*usrclass));
    for (int i = 0; i < 25; ++i) {
      const std::string name = "Staged.App" + std::to_string(i);
      vfs.AddFile(apps + name + "_1.0.0.0_x64__8wekyb3d8bbwe/AppxManifest.xml",
                  Manifest("<Identity Name=\"" + name +
                               "\" Publisher=\"CN=Microsoft Corporation, "
                               "O=Microsoft Corporation, L=Redmond, "
                               "S=Washington, C=US\" Version=\"1.0.0.0\" "
                               "ProcessorArchitecture=\"x64\"/>",
                           ""));
    }
    CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("msix"));
    size_t named = 0, residue = 0;
    for (const auto& w : r.warnings) {
      if (w.message.find("is staged") != std::string::npos) ++named;
    }
    for (const Software& sw : r.software) {
      if (sw.state == SoftwareState::kResidue) ++residue;
    }
    CHECK(named == 20);
    CHECK(residue == 25);
    CHECK(AllWarnings(r).find("5 more packages are staged but registered "
                              "for no user") != std::string::npos);
  }

  SECTION("a damaged manifest is a warning, the rest is read") {
    MemoryVfs vfs;
    vfs.AddFile(apps + builder + "/AppxManifest.xml", "<Package><Ident");
    vfs.AddFile(apps + whatsapp + "/AppxManifest.xml", whatsapp_manifest);
    CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("msix"));
    CHECK(r.software.size() == 1);
    CHECK(AllWarnings(r).find(builder + "/AppxManifest.xml: cannot parse: "
                                        "manifest is not well-formed") !=
          std::string::npos);
  }
}
