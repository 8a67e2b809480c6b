// Apple property lists: every corpus plist read directly equals the same
// plist as plistutil (libplist) rewrites it in XML, so the binary reader is
// checked against an independent implementation; literal values from
// `plistutil -i X -f xml`; hostile inputs (entities, internal subsets,
// self-referencing and out-of-file binary objects) are ParseErrors.
#include "formats/plist.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "formats/parse_error.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

// Structural equality; reals within plistutil's printed precision.
bool SameValue(const PlistValue& a, const PlistValue& b, std::string& where) {
  if (a.type != b.type) {
    where += " type";
    return false;
  }
  using T = PlistValue::Type;
  switch (a.type) {
    case T::kBool:
      return a.boolean == b.boolean;
    case T::kInteger:
    case T::kUid:
      return a.integer == b.integer;
    case T::kReal:
      return std::fabs(a.real - b.real) <= 1e-6 * std::max(1.0, std::fabs(a.real));
    case T::kDate:
    case T::kData:
    case T::kString:
      if (a.text != b.text) where += " '" + a.text + "' != '" + b.text + "'";
      return a.text == b.text;
    default:
      break;
  }
  if (a.keys != b.keys || a.items.size() != b.items.size()) {
    where += " keys/items";
    return false;
  }
  for (size_t i = 0; i < a.items.size(); ++i) {
    if (!SameValue(a.items[i], b.items[i], where)) {
      where += " <- " + (i < a.keys.size() ? a.keys[i] : std::to_string(i));
      return false;
    }
  }
  return true;
}

std::string PlistutilXml(const std::string& path) {
  RunResult r = Run("plistutil -i " + ShellQuote(path) + " -f xml");
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// A bplist00 with the given objects (already encoded), 1-byte offsets and
// refs, top object 0.
std::string Bplist(const std::vector<std::string>& objects) {
  std::string out = "bplist00";
  std::string table;
  for (const std::string& o : objects) {
    table += static_cast<char>(out.size());
    out += o;
  }
  const size_t table_at = out.size();
  out += table;
  std::string trailer(32, '\0');
  trailer[6] = 1;
  trailer[7] = 1;
  trailer[15] = static_cast<char>(objects.size());
  trailer[31] = static_cast<char>(table_at);
  return out + trailer;
}

}  // namespace

TEST_CASE("every corpus plist equals plistutil's XML rewrite of it",
          "[apple][plist]") {
  const char* files[] = {"macos/osquery_PhotoBooth_Info.plist",
                         "macos/osquery_test_binary.plist",
                         "macos/plaso_InstallHistory.plist",
                         "macos/plaso_com.apple.SoftwareUpdate.plist",
                         "macos/scalibr_BinaryApp_Info.plist",
                         "macos/scalibr_ValidXML_Info.plist",
                         "macos/syft_Ghostty.app_Info.plist",
                         "ios/plaso_com.apple.MobileBackup.plist",
                         "ios/plaso_macos_com.apple.iPod.plist",
                         "ios/mvt_ios_backup/Info.plist"};
  if (!HaveTool("plistutil")) {
    WARN("plistutil (libplist-utils) absent: skipped");
    return;
  }
  for (const char* rel : files) {
    const auto path = CorpusPath(rel);
    SKIP_UNLESS_CORPUS(path);
    INFO(rel);
    const PlistValue direct = ParsePlist(ReadHostFile(*path));
    const PlistValue via_xml = ParseXmlPlist(PlistutilXml(*path));
    std::string where;
    CHECK(SameValue(direct, via_xml, where));
    INFO(where);
    CHECK(where.empty());
  }
}

TEST_CASE("binary plists: literal values plistutil prints",
          "[apple][plist]") {
  const auto backup = CorpusPath("ios/mvt_ios_backup/Info.plist");
  const auto app = CorpusPath("macos/scalibr_BinaryApp_Info.plist");
  const auto update = CorpusPath("macos/plaso_com.apple.SoftwareUpdate.plist");
  SKIP_UNLESS_CORPUS(backup, app, update);
  const std::string bytes = ReadHostFile(*backup);
  REQUIRE(bytes.substr(0, 8) == "bplist00");
  const PlistValue info = ParsePlist(bytes);
  CHECK(info.StringAt("Product Version") == "14.3");
  CHECK(info.StringAt("Build Version") == "18C66");
  const PlistValue* last = info.Find("Last Backup Date");
  REQUIRE(last);
  CHECK(last->type == PlistValue::Type::kDate);
  CHECK(last->text == "2021-12-03T19:33:13Z");
  const PlistValue* apps = info.Find("Installed Applications");
  REQUIRE(apps);
  REQUIRE(apps->items.size() == 6);
  CHECK(apps->items[0].text == "ph.telegra.Telegraph");
  CHECK(apps->items[4].text == "net.whatsapp.WhatsApp");

  const PlistValue bin_app = ParsePlist(ReadHostFile(*app));
  CHECK(bin_app.StringAt("CFBundleName") == "gMacInformation");
  CHECK(bin_app.StringAt("CFBundleShortVersionString") == "202410231131");
  // A UTF-16 string in the binary form: the copyright sign.
  CHECK(bin_app.StringAt("NSHumanReadableCopyright") ==
        "Copyright \xC2\xA9 2019 Google. All rights reserved.");
}

TEST_CASE("plists written by plistutil read the same in both encodings",
          "[apple][plist]") {
  if (!HaveTool("plistutil")) {
    WARN("plistutil (libplist-utils) absent: skipped");
    return;
  }
  TempDir dir;
  // An NSKeyedArchiver archive: strings reached only through UIDs.
  const std::string xml = dir.Write("a.xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>$archiver</key><string>NSKeyedArchiver</string>
  <key>$version</key><integer>100000</integer>
  <key>$top</key><dict><key>root</key><dict><key>CF$UID</key><integer>1</integer></dict></dict>
  <key>$objects</key>
  <array>
    <string>$null</string>
    <dict>
      <key>NS.objects</key>
      <array>
        <dict><key>CF$UID</key><integer>2</integer></dict>
        <dict><key>CF$UID</key><integer>3</integer></dict>
        <dict><key>CF$UID</key><integer>1</integer></dict>
      </array>
      <key>$class</key><dict><key>CF$UID</key><integer>4</integer></dict>
    </dict>
    <string>com.tencent.xinWeChat</string>
    <string>Gr&#252;n &#x1F600;</string>
    <dict><key>$classname</key><string>NSArray</string></dict>
  </array>
  <key>when</key><date>2024-02-29T23:59:59Z</date>
  <key>pi</key><real>3.25</real>
  <key>neg</key><integer>-42</integer>
  <key>big</key><integer>9223372036854775807</integer>
  <key>blob</key><data>AAEC/w==</data>
  <key>yes</key><true/>
</dict>
</plist>
)");
  REQUIRE(Run("plistutil -i " + ShellQuote(xml) + " -o " +
              ShellQuote(dir.path() + "/a.bin") + " -f bin")
              .exit_code == 0);
  const PlistValue from_xml = ParseXmlPlist(ReadHostFile(xml));
  const std::string bin = ReadHostFile(dir.path() + "/a.bin");
  REQUIRE(bin.substr(0, 8) == "bplist00");
  const PlistValue from_bin = ParseBinaryPlist(bin);
  std::string where;
  CHECK(SameValue(from_xml, from_bin, where));
  INFO(where);
  CHECK(from_bin.Find("when")->text == "2024-02-29T23:59:59Z");
  CHECK(from_bin.Find("neg")->integer == -42);
  CHECK(from_bin.Find("big")->integer == INT64_MAX);
  CHECK(from_bin.Find("blob")->text == std::string("\x00\x01\x02\xff", 4));
  CHECK(from_bin.Find("yes")->boolean);
  CHECK(from_bin.Find("pi")->real == 3.25);
  const PlistValue* top = from_bin.Find("$top");
  REQUIRE(top);
  CHECK(top->Find("root")->type == PlistValue::Type::kUid);
  const std::vector<std::string> strings = KeyedArchiveStrings(from_bin);
  CHECK(strings == std::vector<std::string>{"com.tencent.xinWeChat",
                                            "Gr\xC3\xBCn \xF0\x9F\x98\x80"});
}

TEST_CASE("XML plists: Apple's DOCTYPE is read, entity tricks are refused",
          "[apple][plist]") {
  const std::string apple =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST "
      "1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
      "<plist version=\"1.0\"><dict><key>a</key><string>b &amp; "
      "c</string></dict></plist>";
  CHECK(ParsePlist(apple).StringAt("a") == "b & c");
  const std::string laughs =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE plist [\n"
      "<!ENTITY lol \"lol\">\n"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
      "]>\n<plist><string>&lol3;</string></plist>";
  CHECK_THROWS_AS(ParsePlist(laughs), ParseError);
  const std::string external =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE plist SYSTEM \"file:///etc/passwd\" "
      "[<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
      "<plist><string>&x;</string></plist>";
  CHECK_THROWS_AS(ParsePlist(external), ParseError);
  CHECK_THROWS_AS(ParsePlist("<!DOCTYPE html><plist><true/></plist>"),
                  ParseError);
  CHECK_THROWS_AS(ParsePlist("<plist><dict><string>x</string></dict></plist>"),
                  ParseError);
  CHECK_THROWS_AS(ParsePlist("not xml at all"), ParseError);
  std::string deep = "<plist>";
  for (int i = 0; i < 200; ++i) deep += "<array>";
  for (int i = 0; i < 200; ++i) deep += "</array>";
  CHECK_THROWS_AS(ParsePlist(deep + "</plist>"), ParseError);
}

TEST_CASE("binary plists: cycles, bad offsets and counts are ParseErrors",
          "[apple][plist]") {
  // A one-element array whose element is the array itself.
  CHECK_THROWS_AS(ParseBinaryPlist(Bplist({std::string("\xA1\x00", 2)})),
                  ParseError);
  // Two arrays referring to each other.
  CHECK_THROWS_AS(ParseBinaryPlist(Bplist({std::string("\xA1\x01", 2),
                                           std::string("\xA1\x00", 2)})),
                  ParseError);
  // A shared (not cyclic) object is fine: [s, s].
  const PlistValue shared = ParseBinaryPlist(
      Bplist({std::string("\xA2\x01\x01", 3), std::string("\x51x", 2)}));
  CHECK(shared.items.size() == 2);
  CHECK(shared.items[1].text == "x");
  // A reference past the object count.
  CHECK_THROWS_AS(ParseBinaryPlist(Bplist({std::string("\xA1\x07", 2)})),
                  ParseError);
  // A string longer than the file.
  CHECK_THROWS_AS(ParseBinaryPlist(Bplist({std::string("\x5F\x10\xF0", 3)})),
                  ParseError);
  // A trailer claiming more objects than the offset table holds.
  std::string lying = Bplist({std::string("\x09", 1)});
  lying[lying.size() - 17] = 100;
  CHECK_THROWS_AS(ParseBinaryPlist(lying), ParseError);
  // A DAG that doubles at each level: decoded size is bounded.
  std::vector<std::string> dag;
  for (int i = 0; i < 60; ++i) {
    dag.push_back(std::string("\xA2", 1) + static_cast<char>(i + 1) +
                  static_cast<char>(i + 1));
  }
  dag.push_back(std::string("\x09", 1));
  CHECK_THROWS_AS(ParseBinaryPlist(Bplist(dag)), ParseError);
  CHECK_THROWS_AS(ParseBinaryPlist("bplist00"), ParseError);
  CHECK(ParseBinaryPlist(Bplist({std::string("\x09", 1)})).boolean);
}

TEST_CASE("Apple time converts to ISO 8601", "[apple][plist]") {
  CHECK(AppleTimeToIso(0) == "2001-01-01T00:00:00Z");
  CHECK(AppleTimeToIso(-1) == "2000-12-31T23:59:59Z");
  CHECK(AppleTimeToIso(1e300).empty());
  CHECK(AppleTimeToIso(NAN).empty());
}
