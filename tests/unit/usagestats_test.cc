// Android usage statistics (formats/usagestats): the real Android 8.1 XML
// daily file of the corpus (times read off it by hand: lastTimeActive plus
// the file name's start time), protobuf files of Android 10 and 11+ written
// here by support/usagestats_writer.h, hostile bytes; and the
// android-packages collector giving each record its user's last_used, and a
// removed record to a package used but no longer known.
#include "formats/usagestats.h"

#include <catch2/catch.hpp>

#include "evidence/memory_vfs.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"
#include "support/test_support.h"
#include "support/usagestats_writer.h"

using namespace contraband;
using contraband::testing::AllWarnings;
using contraband::testing::CollectorNamed;
using contraband::testing::CorpusPath;
using contraband::testing::MappingsFile;
using contraband::testing::ObfuscatedIntervalFile;
using contraband::testing::ProtoWriter;
using contraband::testing::ReadHostFile;
using contraband::testing::RecordsWithId;

namespace {

const UsageStatsEntry* Entry(const UsageStatsFile& f, const std::string& pkg) {
  for (const UsageStatsEntry& e : f.entries) {
    if (e.package == pkg) return &e;
  }
  return nullptr;
}

constexpr int64_t kBegin = 1'650'012'087'093;  // 2022-04-15T08:41:27.093Z

const char kTwoPackages[] =
    R"(<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<packages>
    <package name="com.tencent.mm" codePath="/data/app/com.tencent.mm-1" it="18a1b2c3d40" version="2480" userId="10100" />
    <package name="com.example.notes" codePath="/data/app/com.example.notes-1" it="18a1b2c3d40" version="7" userId="10101" />
</packages>
)";

std::string XmlUsage(const std::string& packages) {
  return "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
         "<usagestats version=\"1\" endTime=\"86400000\">\n<packages>\n" +
         packages + "</packages>\n</usagestats>\n";
}

}  // namespace

TEST_CASE("usagestats: the Android 8.1 XML daily file of the corpus",
          "[android][usagestats]") {
  const auto path = CorpusPath(
      "android/redr_android8.1_emulator/data/system/usagestats/0/daily/"
      "1650012087093");
  SKIP_UNLESS_CORPUS(path);
  const std::optional<int64_t> begin = UsageStatsBeginTime("1650012087093");
  REQUIRE(begin);
  CHECK(*begin == kBegin);
  const UsageStatsFile f = ReadUsageStats(ReadHostFile(*path), *begin);
  CHECK(f.encoding == UsageStatsFile::Encoding::kXml);
  CHECK(f.problems.empty());
  // Three packages came to the foreground; the other 40-odd say
  // lastTimeActive="-1650012087093" (never) and are left out.
  REQUIRE(f.entries.size() == 3);
  const UsageStatsEntry* settings = Entry(f, "com.android.settings");
  REQUIRE(settings);
  CHECK(settings->last_used_ms == kBegin + 2492);
  const UsageStatsEntry* launcher = Entry(f, "com.android.launcher");
  REQUIRE(launcher);
  CHECK(launcher->last_used_ms == kBegin + 2791);
  CHECK(Entry(f, "com.android.provision"));
  CHECK_FALSE(Entry(f, "com.android.phone"));
}

TEST_CASE("usagestats: protobuf of Android 11+ (tokens) and 10 (string pool)",
          "[android][usagestats]") {
  const std::string interval =
      ObfuscatedIntervalFile({{5, 3'600'000}, {9, -kBegin}, {12, -1000}});
  const UsageStatsFile f = ReadUsageStats(interval, kBegin);
  CHECK(f.encoding == UsageStatsFile::Encoding::kObfuscatedProto);
  // Token 9's time is 1970 (never) and left out; token 12's is a second
  // before the file's start.
  REQUIRE(f.entries.size() == 2);
  CHECK(f.entries[0].token == 5);
  CHECK(f.entries[0].package.empty());
  CHECK(f.entries[0].last_used_ms == kBegin + 3'600'000);
  CHECK(f.entries[1].token == 12);
  CHECK(f.entries[1].last_used_ms == kBegin - 1000);

  const auto names = ReadUsageStatsMappings(
      MappingsFile({{5, "com.tencent.mm"}, {12, "org.telegram.messenger"}}));
  REQUIRE(names.size() == 2);
  CHECK(names.at(5) == "com.tencent.mm");
  CHECK(names.at(12) == "org.telegram.messenger");

  // Android 10: a string pool (field 2), packages by 1-based pool index or
  // by name.
  ProtoWriter pool;
  pool.Varint(1, 2).Bytes(2, "com.zhiliaoapp.musically").Bytes(2, "x.y");
  ProtoWriter by_index, by_name, bad_index;
  by_index.Varint(2, 1).Int64(3, 5000);
  by_name.Bytes(1, "com.whatsapp").Int64(3, 7000);
  bad_index.Varint(2, 40).Int64(3, 5000);
  ProtoWriter v1;
  v1.Int64(1, 86'400'000).Message(2, pool).Varint(3, 1).Varint(4, 1);
  v1.Message(20, by_index).Message(20, by_name).Message(20, bad_index);
  const UsageStatsFile g = ReadUsageStats(v1.str(), kBegin);
  CHECK(g.encoding == UsageStatsFile::Encoding::kProto);
  REQUIRE(g.entries.size() == 2);
  CHECK(g.entries[0].package == "com.zhiliaoapp.musically");
  CHECK(g.entries[0].last_used_ms == kBegin + 5000);
  CHECK(g.entries[1].package == "com.whatsapp");
  REQUIRE(g.problems.size() == 1);
  CHECK_THAT(g.problems[0], Catch::Contains("1 package entries"));
}

TEST_CASE("usagestats: hostile and odd input", "[android][usagestats]") {
  CHECK(UsageStatsBeginTime("1650012087093-c") == kBegin);
  CHECK_FALSE(UsageStatsBeginTime("1650012087093.bak"));
  CHECK_FALSE(UsageStatsBeginTime("version"));
  CHECK_FALSE(UsageStatsBeginTime(""));
  CHECK_FALSE(UsageStatsBeginTime("99999999999999999999"));
  // Truncated varint, length past the end, a group, an overlong varint.
  for (const std::string& bad :
       {std::string("\x08\x80", 2), std::string("\xa2\x01\x05\x08", 4),
        std::string("\x0b", 1),
        std::string("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11)}) {
    CHECK_THROWS_AS(ReadUsageStats(bad, kBegin), ParseError);
    CHECK_THROWS_AS(ReadUsageStatsMappings(bad), ParseError);
  }
  CHECK(ReadUsageStats("", kBegin).entries.empty());
  CHECK_THROWS_AS(ReadUsageStats("<packages/>", kBegin), ParseError);
  // An offset that would overflow, and names that are no package names.
  const std::string overflow = ObfuscatedIntervalFile({{1, INT64_MAX}});
  CHECK(ReadUsageStats(overflow, kBegin).entries.empty());
  const UsageStatsFile odd = ReadUsageStats(
      XmlUsage("<package package=\"a b\" lastTimeActive=\"5\"/>"
               "<package package=\"ok.app\" lastTimeActive=\"x\"/>"
               "<package package=\"ok.app\"/>"),
      kBegin);
  CHECK(odd.entries.empty());
  REQUIRE(odd.problems.size() == 1);
  CHECK_THAT(odd.problems[0], Catch::Contains("2 <package> entries"));
}

TEST_CASE(
    "android-packages: last_used per user from usagestats, removed for "
    "a package used but gone",
    "[android][usagestats]") {
  MemoryVfs vfs;
  vfs.AddFile("/data/system/packages.xml", kTwoPackages);
  vfs.AddFile("/data/system/users/0/package-restrictions.xml",
              "<package-restrictions/>");
  vfs.AddFile("/data/system/users/10/package-restrictions.xml",
              "<package-restrictions/>");
  // User 0, Android <= 9 XML: WeChat in a daily and (later) a weekly file;
  // TikTok, which packages.xml no longer has.
  vfs.AddFile("/data/system/usagestats/0/daily/1650012087093",
              XmlUsage("<package package=\"com.tencent.mm\" "
                       "lastTimeActive=\"1000\"/>"
                       "<package package=\"com.zhiliaoapp.musically\" "
                       "lastTimeActive=\"2000\"/>"));
  vfs.AddFile("/data/system/usagestats/0/weekly/1650000000000-c",
              XmlUsage("<package package=\"com.tencent.mm\" "
                       "lastTimeActive=\"12090093\"/>"
                       "<package package=\"com.example.notes\" "
                       "lastTimeActive=\"-1650000000000\"/>"));
  vfs.AddFile("/data/system/usagestats/0/daily/1650012087093.bak", "not read");
  // User 10, Android 11+ protobuf with its mappings.
  vfs.AddFile("/data/system_ce/10/usagestats/daily/1650012087093",
              ObfuscatedIntervalFile({{3, 60'000}, {4, 120'000}}));
  vfs.AddFile("/data/system_ce/10/usagestats/mappings",
              MappingsFile({{3, "com.example.notes"}}));
  const CollectResult r =
      CollectSoftware(vfs, "ev", CollectorNamed("android-packages"));
  INFO(AllWarnings(r));
  const auto wechat = RecordsWithId(r, "com.tencent.mm");
  REQUIRE(wechat.size() == 2);
  CHECK(wechat[0]->user == "0");
  // The weekly file's 1650000000000 + 12088093 beats the daily's.
  CHECK(wechat[0]->last_used == "2022-04-15T08:41:30Z");
  CHECK(wechat[1]->user == "10");
  CHECK(wechat[1]->last_used.empty());
  const auto notes = RecordsWithId(r, "com.example.notes");
  REQUIRE(notes.size() == 2);
  CHECK(notes[0]->last_used.empty());  // user 0: "never"
  CHECK(notes[1]->last_used == "2022-04-15T08:42:27Z");
  const auto tiktok = RecordsWithId(r, "com.zhiliaoapp.musically");
  REQUIRE(tiktok.size() == 1);
  CHECK(tiktok[0]->state == SoftwareState::kRemoved);
  CHECK(tiktok[0]->user == "0");
  CHECK(tiktok[0]->last_used == "2022-04-15T08:41:29Z");
  CHECK(tiktok[0]->source == "/data/system/usagestats/0/daily/1650012087093");
  CHECK(tiktok[0]->installed_at.empty());
  // Token 4 is named by no mapping: said, not guessed.
  CHECK_THAT(AllWarnings(r),
             Catch::Contains("1 packages in user 10's usage statistics"));
  CHECK(r.software.size() == 5);

  // Without packages.xml nothing says what is gone: no record at all.
  MemoryVfs alone;
  alone.AddFile("/data/system/usagestats/0/daily/1650012087093",
                XmlUsage("<package package=\"com.zhiliaoapp.musically\" "
                         "lastTimeActive=\"2000\"/>"));
  CHECK(CollectSoftware(alone, "ev", CollectorNamed("android-packages"))
            .software.empty());
}
