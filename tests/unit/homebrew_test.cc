#include "formats/homebrew.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::AllWarnings;
using contraband::testing::CollectorNamed;
using contraband::testing::CorpusPath;
using contraband::testing::FindSoftware;
using contraband::testing::ReadHostFile;

namespace {

// The API form Homebrew stores for a cask installed from formulae.brew.sh.
const char* kSkypeJson =
    R"({"token":"skype","full_token":"skype","tap":"homebrew/cask",
 "name":["Skype"],"desc":"Video chat, voice call and instant messaging application",
 "homepage":"https://www.skype.com/","url":"https://endpoint920510.azureedge.net/s4l/s4l/download/mac/Skype-8.110.0.211.dmg",
 "version":"8.110.0.211","installed":"8.110.0.211","depends_on":{},"artifacts":[{"app":["Skype.app"]}]})";

const char* kZoomRb = R"(cask "zoom" do
  arch arm: "arm64/"

  version "5.17.5.29101"
  sha256 arm:   "0f5b3d0b7c2c2d8b2a5b1a6f0a0c1f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8",
         intel: "1f5b3d0b7c2c2d8b2a5b1a6f0a0c1f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8"

  url "https://cdn.zoom.us/prod/#{version}/#{arch}zoomusInstallerFull.pkg"
  name "Zoom"
  name "Zoom.us"
  desc "Video communication and virtual meeting platform"
  homepage "https://www.zoom.us/"
end
)";

}  // namespace

TEST_CASE("homebrew receipt parser reads the corpus receipt", "[homebrew]") {
  auto path = CorpusPath("macos/scalibr_homebrew_rclone_INSTALL_RECEIPT.json");
  SKIP_UNLESS_CORPUS(path);
  HomebrewReceipt r = ParseHomebrewReceipt(ReadHostFile(*path));
  CHECK(r.homebrew_version == "4.3.5-104-g540c9f9");
  CHECK(r.arch == "x86_64");
  CHECK(r.tap == "homebrew/core");
  CHECK(r.stable_version == "1.67.0");
  CHECK(r.installed_on_request);
  CHECK_FALSE(r.installed_as_dependency);
  CHECK(r.time == 1722991679);
}

TEST_CASE("homebrew parsers reject what they cannot read", "[homebrew]") {
  CHECK_THROWS_AS(ParseHomebrewReceipt(""), ParseError);
  CHECK_THROWS_AS(ParseHomebrewReceipt("[1,2]"), ParseError);
  CHECK_THROWS_AS(ParseHomebrewReceipt("{\"arch\": "), ParseError);
  CHECK_THROWS_AS(ParseHomebrewReceipt(std::string(10000, '[')), ParseError);
  // Wrong types are left empty, not fatal.
  HomebrewReceipt odd = ParseHomebrewReceipt(
      "{\"arch\": 5, \"source\": {\"versions\": [1]}, \"time\": \"x\"}");
  CHECK(odd.arch.empty());
  CHECK(odd.stable_version.empty());
  CHECK_THROWS_AS(ParseCaskJson("nope"), ParseError);
  CHECK_THROWS_AS(ParseCaskRuby("version \"1\"\n"), ParseError);
  HomebrewLimits tiny;
  tiny.max_bytes = 3;
  CHECK_THROWS_AS(ParseCaskRuby(kZoomRb, tiny), ParseError);
}

TEST_CASE("homebrew cask parsers read JSON and Ruby definitions",
          "[homebrew]") {
  HomebrewCask j = ParseCaskJson(kSkypeJson);
  CHECK(j.token == "skype");
  CHECK(j.name == "Skype");
  CHECK(j.version == "8.110.0.211");
  CHECK(j.homepage == "https://www.skype.com/");
  HomebrewCask rb = ParseCaskRuby(kZoomRb);
  CHECK(rb.token == "zoom");
  CHECK(rb.version == "5.17.5.29101");
  CHECK(rb.name == "Zoom");
  CHECK(rb.desc == "Video communication and virtual meeting platform");
  HomebrewCask latest = ParseCaskRuby(
      "# c\ncask 'odd' do\n  version :latest\n  name(\"Odd "
      "\\\"App\\\"\")\nend\n");
  CHECK(latest.token == "odd");
  CHECK(latest.version == "latest");
  CHECK(latest.name == "Odd \"App\"");
}

TEST_CASE("homebrew collector reports formulae and casks from every prefix",
          "[homebrew]") {
  auto receipt =
      CorpusPath("macos/scalibr_homebrew_rclone_INSTALL_RECEIPT.json");
  SKIP_UNLESS_CORPUS(receipt);
  MemoryVfs vfs;
  vfs.AddFile("/opt/homebrew/Cellar/rclone/1.67.0/INSTALL_RECEIPT.json",
              ReadHostFile(*receipt));
  vfs.AddFile(
      "/home/linuxbrew/.linuxbrew/Cellar/python@3.12/3.12.4_1/"
      "INSTALL_RECEIPT.json",
      "{\"arch\": \"x86_64\", \"source\": {\"versions\": "
      "{\"stable\": \"3.12.4\"}}}");
  // An upgraded cask keeps older metadata: the newest timestamp wins.
  const std::string skype = "/opt/homebrew/Caskroom/skype/.metadata/";
  vfs.AddFile(skype + "8.109.0.209/20231101120000.000/Casks/skype.json",
              "{\"token\":\"skype\",\"name\":[\"Skype\"],\"version\":"
              "\"8.109.0.209\"}");
  vfs.AddFile(skype + "8.110.0.211/20231215093000.123/Casks/skype.json",
              kSkypeJson);
  vfs.AddDir("/opt/homebrew/Caskroom/skype/8.110.0.211");
  vfs.AddFile(
      "/usr/local/Caskroom/zoom/.metadata/5.17.5.29101/"
      "20240101000000.000/Casks/zoom.rb",
      kZoomRb);
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("homebrew"));
  CHECK(AllWarnings(r).empty());
  REQUIRE(r.software.size() == 4);

  const Software* rclone = FindSoftware(r, "rclone");
  REQUIRE(rclone != nullptr);
  CHECK(rclone->ecosystem == "homebrew");
  CHECK(rclone->version == "1.67.0");
  CHECK(rclone->arch == "x86_64");
  CHECK(rclone->location == "/opt/homebrew/Cellar/rclone/1.67.0");
  CHECK(rclone->source ==
        "/opt/homebrew/Cellar/rclone/1.67.0/INSTALL_RECEIPT.json");
  // The keg folder's version, with Homebrew's _1 revision.
  CHECK(FindSoftware(r, "python@3.12")->version == "3.12.4_1");

  const Software* s = FindSoftware(r, "skype");
  REQUIRE(s != nullptr);
  CHECK(s->name == "Skype");
  CHECK(s->version == "8.110.0.211");
  CHECK(s->location == "/opt/homebrew/Caskroom/skype/8.110.0.211");
  CHECK(s->source == skype + "8.110.0.211/20231215093000.123/Casks/skype.json");
  const Software* z = FindSoftware(r, "zoom");
  REQUIRE(z != nullptr);
  CHECK(z->name == "Zoom");
  CHECK(z->version == "5.17.5.29101");
}

TEST_CASE("homebrew collector reports from the path when files are damaged",
          "[homebrew]") {
  MemoryVfs vfs;
  vfs.AddFile("/usr/local/Cellar/wget/1.24.5/INSTALL_RECEIPT.json", "{\"ar");
  vfs.AddFile("/usr/local/Cellar/jq/1.7.1/INSTALL_RECEIPT.json",
              "{\"arch\": \"arm64\"}");
  vfs.AddFile(
      "/usr/local/Caskroom/telegram/.metadata/10.9/1/Casks/"
      "telegram.json",
      "\xff\xfe garbage");
  vfs.AddFile("/usr/local/Caskroom/wechat/.metadata/3.8/1/Casks/wechat.rb",
              "cask \"not-wechat\" do\n  version \"3.8\"\nend\n");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("homebrew"));
  const std::string all = AllWarnings(r);
  CHECK_THAT(all, Catch::Contains("wget/1.24.5/INSTALL_RECEIPT.json: receipt "
                                  "is damaged"));
  CHECK_THAT(all, Catch::Contains("telegram.json: cask definition is damaged"));
  CHECK_THAT(all, Catch::Contains("names \"not-wechat\" but is installed as "
                                  "wechat"));
  REQUIRE(r.software.size() == 4);
  CHECK(FindSoftware(r, "wget")->version == "1.24.5");
  CHECK(FindSoftware(r, "jq")->arch == "arm64");
  CHECK(FindSoftware(r, "telegram")->version == "10.9");
  CHECK(FindSoftware(r, "telegram")->name == "telegram");
  CHECK(FindSoftware(r, "wechat")->version == "3.8");
}
