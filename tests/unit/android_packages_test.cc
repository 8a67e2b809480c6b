// Android XML in both encodings (formats/android_xml) and the
// android-packages collector, on the corpus's real packages.xml files
// (Android 2.3, 8.1, 10; expected values read off the XML by hand and the
// certificate digests computed from its hex with another tool), the ccl_abx
// ABX samples against their text twins, and ABX written here by
// support/abx_writer.
#include <algorithm>
#include <catch2/catch.hpp>

#include "collectors/android/packages_xml.h"
#include "evidence/memory_vfs.h"
#include "formats/android_xml.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"
#include "support/abx_writer.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::AbxWriter;
using contraband::testing::AllWarnings;
using contraband::testing::AndroidXmlToAbx;
using contraband::testing::CollectorNamed;
using contraband::testing::CorpusPath;
using contraband::testing::ReadHostFile;
using contraband::testing::RecordsWithId;

namespace {

const AndroidPackage* Find(const AndroidPackages& pkgs, const std::string& name) {
  for (const AndroidPackage& p : pkgs.packages) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

AndroidPackages ReadCorpusPackages(const std::string& path) {
  return ReadAndroidPackagesXml(ParseAndroidXml(ReadHostFile(path)));
}

constexpr char kSkypeCert[] =
    "7d539351ca39c27ca706409e5a9b6b062db9bf8dc3d8caa6137067ae7f68b5e7";

// A packages.xml of three apps with one shared certificate, written the way
// Android writes it, for the per-user tests.
const char kThreePackages[] = R"(<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<packages>
    <package name="com.tencent.mm" codePath="/data/app/com.tencent.mm-1" ft="18a1b2c3d40" it="18a1b2c3d40" ut="18a1b2c3d41" version="2480" userId="10100" installer="com.android.vending">
        <sigs count="1" schemeVersion="2">
            <cert index="0" key="3003020101" />
        </sigs>
    </package>
    <package name="org.telegram.messenger" codePath="/data/app/org.telegram.messenger-2" ft="18a1b2c3d40" it="18a1b2c3d40" ut="18a1b2c3d40" version="4000" userId="10101" installer="com.android.vending" installInitiator="com.android.vending">
        <sigs count="1" schemeVersion="2">
            <cert index="0" />
        </sigs>
    </package>
    <package name="com.zhiliaoapp.musically" codePath="/data/app/com.zhiliaoapp.musically-3" ft="18a1b2c3d40" it="18a1b2c3d40" ut="18a1b2c3d40" version="300" userId="10102">
        <sigs count="1" schemeVersion="2">
            <cert index="0" />
        </sigs>
    </package>
</packages>
)";

std::string Restrictions(const std::string& pkgs) {
  return "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
         "<package-restrictions>\n" + pkgs + "</package-restrictions>\n";
}

}  // namespace

TEST_CASE("ABX samples read as the same tree as their text twins",
          "[android]") {
  for (const char* name :
       {"test-basic.xml", "test-typed-attribute.xml",
        "test_interned_strings.xml"}) {
    const auto xml = CorpusPath(std::string("android/ccl_abx/") + name);
    const auto abx =
        CorpusPath(std::string("android/ccl_abx/") + name + ".abx");
    SKIP_UNLESS_CORPUS(xml, abx);
    INFO(name);
    const AndroidXmlDocument text = ParseAndroidXml(ReadHostFile(*xml));
    const AndroidXmlDocument binary = ParseAndroidXml(ReadHostFile(*abx));
    CHECK_FALSE(text.binary);
    CHECK(binary.binary);
    CHECK(binary.root == text.root);
    CHECK(binary.root.name == (std::string(name) == "test-basic.xml" ? "e1" : "root"));
    CHECK_FALSE(binary.root.children.empty());
  }
}

TEST_CASE("ABX typed attributes become Android's text for them",
          "[android]") {
  const auto abx = CorpusPath("android/ccl_abx/test-typed-attribute.xml.abx");
  SKIP_UNLESS_CORPUS(abx);
  const AndroidXmlDocument doc = ParseAndroidXml(ReadHostFile(*abx));
  std::vector<std::string> values;
  for (const AndroidXmlElement& e : doc.root.children) {
    REQUIRE(e.attributes.size() == 1);
    values.push_back(e.attributes[0].name + "=" + e.attributes[0].value);
  }
  CHECK(values == std::vector<std::string>{
                      "value-int=100", "value-inthex=64", "value-long=100",
                      "value-longhex=64", "value-float=0.5", "value-float=0.3",
                      "value-double=0.5", "value-double=0.3", "value-bool=true",
                      "value-bool=false",
                      "value-byteshex=123456aabbccddeeffc0ffee",
                      "value-base64=us5k"});
  CHECK(doc.root.children[0].text == "100 stored as an int");
}

TEST_CASE("ABX writer values round-trip through the reader", "[android]") {
  AbxWriter w;
  w.StartTag("r");
  w.AttributeIntHex("neg", -2);
  w.AttributeLongHex("ft", 0x18a1b2c3d40);
  w.AttributeFloat("f", 100.0f);
  w.AttributeDouble("big", 1e10);
  w.AttributeDouble("small", 0.0001);
  w.AttributeBytesBase64("b", std::string("\xff\x00", 2));
  w.AttributeBoolean("t", true);
  w.AttributeInterned("name", "com.whatsapp");
  w.Comment("ignored");
  w.StartTag("r");  // the same name again, from the interned table
  w.AttributeInterned("name", "com.whatsapp");
  w.EndTag("r");
  w.Text("a &amp; b");
  w.EndTag("r");
  const AndroidXmlDocument doc = ParseAndroidXml(w.Finish());
  const AndroidXmlElement& r = doc.root;
  CHECK(r.AttributeOr("neg") == "-2");
  CHECK(r.AttributeOr("ft") == "18a1b2c3d40");
  CHECK(r.AttributeOr("f") == "100.0");
  CHECK(r.AttributeOr("big") == "1.0E10");
  CHECK(r.AttributeOr("small") == "1.0E-4");
  CHECK(r.AttributeOr("b") == "/wA=");
  CHECK(r.AttributeOr("t") == "true");
  REQUIRE(r.children.size() == 1);
  CHECK(r.children[0].name == "r");
  CHECK(r.children[0].AttributeOr("name") == "com.whatsapp");
  CHECK(r.text == "a &amp; b");
}

TEST_CASE("Android XML refuses hostile and broken input", "[android]") {
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
      "<packages>&lol2;</packages>";
  CHECK_THROWS_AS(ParseAndroidXml(laughs), ParseError);
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  CHECK_THROWS_WITH(ParseAndroidXml(deep), Catch::Contains("deeper"));
  AbxWriter w;
  for (int i = 0; i < 100; ++i) w.StartTag("a");
  CHECK_THROWS_WITH(ParseAndroidXml(w.Finish()), Catch::Contains("deeper"));
  // A reference to an interned string never defined.
  CHECK_THROWS_WITH(ParseAndroidXml(std::string("ABX\0\x10\x32\x00\x05", 8)),
                    Catch::Contains("interned string 5"));
  // Truncated inside a string, unclosed, unknown version, not XML.
  CHECK_THROWS_AS(ParseAndroidXml(std::string("ABX\0\x32\xff\xff\x00\x09" "ab", 11)),
                  ParseError);
  AbxWriter open;
  open.StartTag("packages");
  CHECK_THROWS_WITH(ParseAndroidXml(open.Finish()), Catch::Contains("ends inside"));
  CHECK_THROWS_WITH(ParseAndroidXml(std::string("ABX\1", 4)),
                    Catch::Contains("unknown version"));
  CHECK_THROWS_AS(ParseAndroidXml("<packages><package></packages>"),
                  ParseError);
  CHECK_THROWS_AS(ParseAndroidXml(""), ParseError);
}

TEST_CASE("packages.xml of Android 10: versions, paths, signers, dates",
          "[android]") {
  const auto path =
      CorpusPath("android/museum_hickman_android10/data/system/packages.xml");
  SKIP_UNLESS_CORPUS(path);
  const AndroidPackages pkgs = ReadCorpusPackages(*path);
  CHECK(pkgs.problems.empty());
  CHECK(pkgs.packages.size() == 291);  // grep -c '<package ' (no updated-package)
  const AndroidPackage* skype = Find(pkgs, "com.skype.raider");
  REQUIRE(skype);
  CHECK(skype->version_code == "1250088185");
  CHECK(skype->code_path ==
        "/data/app/com.skype.raider-T-lF3_kJap3DnQQzr3UxEw==");
  CHECK(skype->installer == "com.android.vending");
  CHECK(skype->user_id == "10236");
  CHECK(skype->first_installed == "2020-01-29T17:07:06Z");  // it=16ff245509a
  CHECK(skype->timestamp == "2020-01-29T17:07:05Z");        // ft=16ff2454aa8
  CHECK(skype->cert_sha256 == std::vector<std::string>{kSkypeCert});
  CHECK(skype->cert_subject == "Skype");  // CN=Skype, O=Skype, L=London
  CHECK_FALSE(skype->updated_system_app);
  // YouTube: a system app updated from Play, listed once as <package>.
  const AndroidPackage* youtube = Find(pkgs, "com.google.android.youtube");
  REQUIRE(youtube);
  CHECK(youtube->updated_system_app);
  CHECK(youtube->code_path.rfind("/data/app/", 0) == 0);
  CHECK(std::count_if(pkgs.packages.begin(), pkgs.packages.end(),
                      [](const AndroidPackage& p) {
                        return p.name == "com.google.android.youtube";
                      }) == 1);
  // A later package referring back to certificate 0 by index only.
  const AndroidPackage* carrier = Find(pkgs, "com.google.android.carriersetup");
  REQUIRE(carrier);
  const AndroidPackage* omadm = Find(pkgs, "com.google.omadm.trigger");
  REQUIRE(omadm);
  CHECK(omadm->shared_user_id == "1001");
  REQUIRE(omadm->cert_sha256.size() == 1);
  CHECK(carrier->cert_sha256 == omadm->cert_sha256);
  for (const AndroidPackage& p : pkgs.packages) {
    INFO(p.name);
    CHECK_FALSE(p.cert_sha256.empty());
  }
}

TEST_CASE("packages.xml of Android 2.3 and 8.1", "[android]") {
  const auto old =
      CorpusPath("android/jetginger_android2.3/data/system/packages.xml");
  const auto oreo =
      CorpusPath("android/redr_android8.1_emulator/data/system/packages.xml");
  SKIP_UNLESS_CORPUS(old, oreo);
  const AndroidPackages gingerbread = ReadCorpusPackages(*old);
  CHECK(gingerbread.problems.empty());
  CHECK(gingerbread.packages.size() == 52);
  const AndroidPackage* contacts = Find(gingerbread, "com.android.contacts");
  REQUIRE(contacts);
  CHECK(contacts->version_code == "10");
  CHECK(contacts->code_path == "/system/app/Contacts.apk");
  CHECK(contacts->shared_user_id == "10000");
  CHECK(contacts->first_installed == "2011-02-03T23:12:45Z");
  CHECK(contacts->cert_sha256 ==
        std::vector<std::string>{
            "28bbfe4a7b97e74681dc55c2fbb6ccb8d6c74963733f6af6ae74d8c3a6e879fd"});

  const AndroidPackages emulator = ReadCorpusPackages(*oreo);
  CHECK(emulator.problems.empty());
  CHECK(emulator.packages.size() == 73);
  const AndroidPackage* cert = Find(emulator, "com.android.certinstaller");
  REQUIRE(cert);
  CHECK(cert->version_code == "27");
  CHECK(cert->user_id == "10035");
  CHECK(cert->code_path == "/system/app/CertInstaller");
  CHECK(cert->first_installed == "2022-01-07T20:18:32Z");
  CHECK(cert->cert_sha256 ==
        std::vector<std::string>{
            "c8a2e9bccf597c2fb6dc66bee293fc13f2fc47ec77bc6b2b0d52c11f51192ab8"});
}

TEST_CASE("packages.xml written as ABX reads as its text form", "[android]") {
  const auto path =
      CorpusPath("android/museum_hickman_android10/data/system/packages.xml");
  SKIP_UNLESS_CORPUS(path);
  const AndroidXmlDocument text = ParseAndroidXml(ReadHostFile(*path));
  const std::string abx = AndroidXmlToAbx(text.root);
  const AndroidXmlDocument binary = ParseAndroidXml(abx);
  REQUIRE(binary.binary);
  CHECK(binary.root == text.root);
  const AndroidPackages pkgs = ReadAndroidPackagesXml(binary);
  const AndroidPackage* skype = Find(pkgs, "com.skype.raider");
  REQUIRE(skype);
  CHECK(skype->first_installed == "2020-01-29T17:07:06Z");
  CHECK(skype->cert_sha256 == std::vector<std::string>{kSkypeCert});
}

TEST_CASE("Android XML drops the subtrees it is told to and still checks them",
          "[android]") {
  const std::string xml =
      "<packages><package name=\"a\"><sigs count=\"1\"><cert index=\"0\"/>"
      "</sigs><perms><item name=\"p\" granted=\"true\"/></perms>"
      "<proper-signing-keyset identifier=\"1\"/></package>"
      "<keyset-settings><keys/></keyset-settings></packages>";
  const AndroidXmlDocument full = ParseAndroidXml(xml);
  const AndroidXmlDocument dropped =
      ParseAndroidXml(xml, {"perms", "keyset-settings"});
  REQUIRE(full.root.children.size() == 2);
  REQUIRE(dropped.root.children.size() == 1);  // <keyset-settings> gone
  const AndroidXmlElement& package = dropped.root.children[0];
  CHECK(package.AttributeOr("name") == "a");
  REQUIRE(package.children.size() == 2);  // <sigs>, <proper-signing-keyset>
  CHECK(package.children[0] == full.root.children[0].children[0]);
  CHECK(package.children[1].name == "proper-signing-keyset");
  // The same from ABX.
  const std::string abx = AndroidXmlToAbx(full.root);
  CHECK(ParseAndroidXml(abx, {"perms", "keyset-settings"}).root == dropped.root);
  // Dropped subtrees are still parsed under the limits: depth, broken end
  // tags, attributes per element.
  std::string deep = "<packages><perms>";
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  deep += "</perms></packages>";
  CHECK_THROWS_WITH(ParseAndroidXml(deep, {"perms"}), Catch::Contains("deeper"));
  AbxWriter w;
  w.StartTag("packages");
  w.StartTag("perms");
  w.StartTag("item");
  w.EndTag("perms");  // closes <item>
  CHECK_THROWS_WITH(ParseAndroidXml(w.Finish(), {"perms"}),
                    Catch::Contains("closes <item>"));
  AbxWriter many;
  many.StartTag("packages");
  many.StartTag("perms");
  for (int i = 0; i < 300; ++i) many.AttributeInt("a" + std::to_string(i), i);
  CHECK_THROWS_WITH(ParseAndroidXml(many.Finish(), {"perms"}),
                    Catch::Contains("more than 256 attributes"));
}

TEST_CASE("packages.xml read without its permissions reads the same packages",
          "[android]") {
  const auto path =
      CorpusPath("android/museum_hickman_android10/data/system/packages.xml");
  SKIP_UNLESS_CORPUS(path);
  const std::string bytes = ReadHostFile(*path);
  const AndroidPackages full = ReadAndroidPackagesXml(ParseAndroidXml(bytes));
  const AndroidPackages quick = ReadAndroidPackagesXmlBytes(bytes);
  REQUIRE(quick.packages.size() == 291);
  REQUIRE(quick.packages.size() == full.packages.size());
  for (size_t i = 0; i < full.packages.size(); ++i) {
    const AndroidPackage& a = full.packages[i];
    const AndroidPackage& b = quick.packages[i];
    INFO(a.name);
    CHECK(b.name == a.name);
    CHECK(b.version_code == a.version_code);
    CHECK(b.code_path == a.code_path);
    CHECK(b.cert_sha256 == a.cert_sha256);
    CHECK(b.cert_subject == a.cert_subject);
    CHECK(b.first_installed == a.first_installed);
    CHECK(b.updated_system_app == a.updated_system_app);
  }
  CHECK(quick.problems == full.problems);
  // Subjects come from the certificate's subject alone (no public key
  // decoded): Skype's, and Android's platform key (CN=Android).
  CHECK(Find(quick, "com.skype.raider")->cert_subject == "Skype");
  CHECK(Find(quick, "com.google.omadm.trigger")->cert_subject == "Android");
  // The same from ABX.
  const AndroidPackages binary = ReadAndroidPackagesXmlBytes(
      AndroidXmlToAbx(ParseAndroidXml(bytes).root));
  REQUIRE(binary.packages.size() == 291);
  CHECK(Find(binary, "com.skype.raider")->cert_sha256 ==
        std::vector<std::string>{kSkypeCert});
}

TEST_CASE("package-restrictions.xml: per-user install state", "[android]") {
  const auto path = CorpusPath(
      "android/redr_android8.1_emulator/data/system/users/0/"
      "package-restrictions.xml");
  SKIP_UNLESS_CORPUS(path);
  const AndroidPackageRestrictions r =
      ReadAndroidPackageRestrictions(ParseAndroidXml(ReadHostFile(*path)));
  REQUIRE(r.count("com.android.camera2"));
  CHECK(r.at("com.android.camera2").stopped);
  CHECK(r.at("com.android.camera2").installed);
  REQUIRE(r.count("com.android.launcher"));
  CHECK_FALSE(r.at("com.android.launcher").stopped);

  const AndroidPackageRestrictions made = ReadAndroidPackageRestrictions(
      ParseAndroidXml(Restrictions(
          "<pkg name=\"a\" inst=\"false\" stopped=\"true\"/>"
          "<pkg name=\"b\" hidden=\"true\" suspended=\"true\"/>")));
  CHECK_FALSE(made.at("a").installed);
  CHECK(made.at("b").installed);
  CHECK(made.at("b").hidden);
  CHECK(made.at("b").suspended);
  CHECK_THROWS_AS(ReadAndroidPackageRestrictions(ParseAndroidXml("<x/>")),
                  ParseError);
}

TEST_CASE("android-packages: one record per user, residue for no user",
          "[android]") {
  MemoryVfs vfs;
  vfs.AddFile("/data/system/packages.xml", kThreePackages);
  // WeChat installed for user 0 (listed without inst) and absent from
  // user 10's list (so installed there too, by default); Telegram only for
  // user 10; TikTok for nobody.
  vfs.AddFile("/data/system/users/0/package-restrictions.xml",
              Restrictions("<pkg name=\"com.tencent.mm\" stopped=\"true\"/>"
                           "<pkg name=\"org.telegram.messenger\" inst=\"false\"/>"
                           "<pkg name=\"com.zhiliaoapp.musically\" inst=\"false\"/>"));
  // User 10's file in ABX, as Android 12+ writes it.
  const std::string user10 = Restrictions(
      "<pkg name=\"com.zhiliaoapp.musically\" inst=\"false\"/>");
  vfs.AddFile("/data/system/users/10/package-restrictions.xml",
              AndroidXmlToAbx(ParseAndroidXml(user10).root));
  const CollectResult r =
      CollectSoftware(vfs, "ev", CollectorNamed("android-packages"));
  INFO(AllWarnings(r));
  const auto wechat = RecordsWithId(r, "com.tencent.mm");
  REQUIRE(wechat.size() == 2);
  CHECK(wechat[0]->user == "0");
  CHECK(wechat[1]->user == "10");
  CHECK(wechat[0]->state == SoftwareState::kInstalled);
  CHECK(wechat[0]->ecosystem == "android");
  CHECK(wechat[0]->version == "2480");
  CHECK(wechat[0]->location == "/data/app/com.tencent.mm-1");
  CHECK(wechat[0]->installed_at == "2023-08-22T02:56:38Z");  // 0x18a1b2c3d40 ms
  // SHA-256 of the DER bytes 30 03 02 01 01.
  CHECK(wechat[0]->signer.cert_sha256 ==
        "1b65f68a522c858715f5dd951cd0402dc16691778814bf0759822b7a257421d0");
  const auto telegram = RecordsWithId(r, "org.telegram.messenger");
  REQUIRE(telegram.size() == 1);
  CHECK(telegram[0]->user == "10");
  CHECK(telegram[0]->state == SoftwareState::kInstalled);
  CHECK(telegram[0]->signer.cert_sha256 == wechat[0]->signer.cert_sha256);
  const auto tiktok = RecordsWithId(r, "com.zhiliaoapp.musically");
  REQUIRE(tiktok.size() == 1);
  CHECK(tiktok[0]->state == SoftwareState::kResidue);
  CHECK(tiktok[0]->user.empty());
  CHECK_THAT(AllWarnings(r),
             Catch::Contains("com.zhiliaoapp.musically is on the device but "
                             "installed for no user"));
  CHECK(r.software.size() == 4);
}

TEST_CASE("android-packages: without user files, without packages.xml",
          "[android]") {
  {
    MemoryVfs vfs;
    vfs.AddFile("/data/system/packages.xml", kThreePackages);
    const CollectResult r =
        CollectSoftware(vfs, "ev", CollectorNamed("android-packages"));
    REQUIRE(r.software.size() == 3);
    for (const Software& s : r.software) {
      CHECK(s.user.empty());
      CHECK(s.state == SoftwareState::kInstalled);
    }
  }
  const auto list =
      CorpusPath("android/museum_hickman_android10/data/system/packages.list");
  SKIP_UNLESS_CORPUS(list);
  MemoryVfs vfs;
  vfs.AddFile("/data/system/packages.list", ReadHostFile(*list));
  vfs.AddFile("/data/system/packages.xml", "<packages><package");  // damaged
  const CollectResult r =
      CollectSoftware(vfs, "ev", CollectorNamed("android-packages"));
  CHECK_THAT(AllWarnings(r), Catch::Contains("read from packages.list"));
  const auto skype = RecordsWithId(r, "com.skype.raider");
  REQUIRE(skype.size() == 1);
  CHECK(skype[0]->version == "1250088185");
  CHECK(skype[0]->source == "/data/system/packages.list");
  CHECK(r.software.size() > 250);
}
