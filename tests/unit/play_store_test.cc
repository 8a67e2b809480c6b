// Google Play's databases (formats/play_store) and the android-play-store
// collector: the Hickman Android 10 image's localappstate.db and library.db
// with its packages.xml (expected values from python3's sqlite3 module: 10
// appstate rows and 30 more library apps are not in packages.xml, WeChat
// among them), and damaged input.
#include <catch2/catch.hpp>

#include "evidence/memory_vfs.h"
#include "formats/parse_error.h"
#include "formats/play_store.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::AllWarnings;
using contraband::testing::CollectorNamed;
using contraband::testing::CorpusPath;
using contraband::testing::FindSoftware;
using contraband::testing::ReadHostFile;

namespace {
constexpr char kDir[] = "/data/data/com.android.vending/databases/";
}

TEST_CASE("Play Store localappstate.db and library.db", "[android][play-store]") {
  const auto state =
      CorpusPath("android/museum_hickman_android10/playstore/localappstate.db");
  const auto library =
      CorpusPath("android/museum_hickman_android10/playstore/library.db");
  const auto xml =
      CorpusPath("android/museum_hickman_android10/data/system/packages.xml");
  SKIP_UNLESS_CORPUS(state, library, xml);
  const PlayStoreRows rows = ReadPlayStoreAppState(ReadHostFile(*state), "");
  CHECK(rows.problems.empty());
  CHECK(rows.apps.size() == 94);  // select count(*) from appstate
  bool wechat = false;
  for (const PlayStoreApp& a : rows.apps) {
    if (a.package != "com.tencent.mm") continue;
    wechat = true;
    CHECK(a.title == "WeChat");
    CHECK(a.first_download == "2020-01-29T17:04:37Z");  // 1580317477586
    CHECK(a.last_update.empty());                       // 0
    CHECK(a.account == "thisisdfir@gmail.com");
  }
  CHECK(wechat);
  const PlayStoreRows lib = ReadPlayStoreLibrary(ReadHostFile(*library), "");
  CHECK(lib.apps.size() == 115);  // count(distinct doc_id) where doc_type=1

  MemoryVfs vfs;
  vfs.AddFile(std::string(kDir) + "localappstate.db", ReadHostFile(*state));
  vfs.AddFile(std::string(kDir) + "library.db", ReadHostFile(*library));
  vfs.AddFile("/data/system/packages.xml", ReadHostFile(*xml));
  const CollectResult r =
      CollectSoftware(vfs, "ev", CollectorNamed("android-play-store"));
  CHECK(AllWarnings(r).empty());
  CHECK(r.software.size() == 40);
  const Software* mm = FindSoftware(r, "com.tencent.mm");
  REQUIRE(mm);
  CHECK(mm->state == SoftwareState::kRemoved);
  CHECK(mm->installed_at == "2020-01-29T17:04:37Z");
  CHECK(mm->removed_at.empty());
  CHECK(mm->name == "WeChat");
  CHECK(mm->source == std::string(kDir) + "localappstate.db");
  // Installed now (packages.xml): not a Play Store record.
  CHECK_FALSE(FindSoftware(r, "com.skype.raider"));

  // Without packages.xml every app Play knows is a record, and a warning
  // says why.
  MemoryVfs bare;
  bare.AddFile(std::string(kDir) + "localappstate.db", ReadHostFile(*state));
  const CollectResult b =
      CollectSoftware(bare, "ev", CollectorNamed("android-play-store"));
  CHECK(b.software.size() == 94);
  CHECK(AllWarnings(b).find("no packages.xml") != std::string::npos);
}

TEST_CASE("Play Store databases refuse damage", "[android][play-store]") {
  CHECK_THROWS_AS(ReadPlayStoreAppState("not sqlite", ""), ParseError);
  CHECK(MillisToRfc3339(0) == "");
  CHECK(MillisToRfc3339(-5) == "");
  CHECK(MillisToRfc3339(1580317477586) == "2020-01-29T17:04:37Z");
  MemoryVfs vfs;
  vfs.AddFile(std::string(kDir) + "localappstate.db", "garbage");
  const CollectResult r =
      CollectSoftware(vfs, "ev", CollectorNamed("android-play-store"));
  CHECK(r.software.empty());
  CHECK_FALSE(AllWarnings(r).empty());
}
