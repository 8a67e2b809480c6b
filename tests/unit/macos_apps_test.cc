// macos-apps and macos-launchd on an in-memory Mac: which bundles are found
// (Applications and one folder below, not two; login items inside a bundle;
// Kaspersky's bundle three folders under Application Support; not five),
// the join of each Info.plist with its CFBundleExecutable (another file in
// Contents/MacOS is not taken for it), and damaged plists as warnings.
#include <catch2/catch.hpp>
#include <string>

#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

std::string Info(const std::string& id, const std::string& exe) {
  return "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict>"
         "<key>CFBundleIdentifier</key><string>" +
         id +
         "</string><key>CFBundleVersion</key><string>7</string>"
         "<key>CFBundleExecutable</key><string>" +
         exe + "</string></dict></plist>";
}

}  // namespace

TEST_CASE("macos-apps: where bundles are found and how plist and executable "
          "join",
          "[apple][macos-apps]") {
  const auto signed_exe = CorpusPath("macos/santa_binaryrules/banned_teamid");
  const auto other_exe = CorpusPath("macos/santa_binaryrules/allowed_teamid");
  SKIP_UNLESS_CORPUS(signed_exe, other_exe);
  const std::string exe = ReadHostFile(*signed_exe);
  MemoryVfs vfs;
  vfs.AddFile("/Applications/A.app/Contents/Info.plist", Info("com.a", "A"));
  vfs.AddFile("/Applications/A.app/Contents/MacOS/A", exe);
  // A helper beside the main executable is not the main executable.
  vfs.AddFile("/Applications/A.app/Contents/MacOS/0helper",
              ReadHostFile(*other_exe));
  vfs.AddFile(
      "/Applications/A.app/Contents/Library/LoginItems/L.app/Contents/"
      "Info.plist",
      Info("com.a.login", "L"));
  vfs.AddFile("/Applications/Utilities/U.app/Contents/Info.plist",
              Info("com.u", "U"));
  vfs.AddFile("/Applications/x/y/Deep.app/Contents/Info.plist",
              Info("com.too.deep", "D"));
  vfs.AddFile(
      "/Library/Application Support/Kaspersky Lab/KAV/Applications/"
      "Kaspersky.app/Contents/Info.plist",
      Info("com.kaspersky.kav.gui", "K"));
  vfs.AddFile(
      "/Library/Application Support/a/b/c/d/e/Far.app/Contents/Info.plist",
      Info("com.too.far", "F"));
  vfs.AddFile("/Users/bob/Applications/B.app/Contents/Info.plist",
              Info("com.b", "B"));
  vfs.AddFile("/Applications/Broken.app/Contents/Info.plist", "<plist><dict>");
  vfs.AddFile("/Library/LaunchAgents/com.kaspersky.agent.plist",
              "<plist><dict><key>Label</key><string>com.kaspersky.agent"
              "</string><key>Program</key><string>/opt/k</string></dict>"
              "</plist>");

  std::vector<CollectorInfo> collectors = CollectorNamed("macos-apps");
  for (const CollectorInfo& c : CollectorNamed("macos-launchd")) {
    collectors.push_back(c);
  }
  CollectResult r = CollectSoftware(vfs, "ev", collectors);

  const Software* a = FindSoftware(r, "com.a");
  REQUIRE(a);
  CHECK(a->signer.team_id == "EQHXZ8M8AV");  // A, not 0helper's TJNVEKW352
  CHECK(a->name == "A");                      // the folder: no CFBundleName
  CHECK(a->version == "7");                   // CFBundleVersion fallback
  CHECK(a->location == "/Applications/A.app");
  REQUIRE(FindSoftware(r, "com.a.login"));
  CHECK(FindSoftware(r, "com.a.login")->location ==
        "/Applications/A.app/Contents/Library/LoginItems/L.app");
  CHECK(FindSoftware(r, "com.u"));
  CHECK_FALSE(FindSoftware(r, "com.too.deep"));
  CHECK(FindSoftware(r, "com.kaspersky.kav.gui"));
  CHECK_FALSE(FindSoftware(r, "com.too.far"));
  REQUIRE(FindSoftware(r, "com.b"));
  CHECK(FindSoftware(r, "com.b")->user == "bob");
  CHECK(AllWarnings(r).find("/Applications/Broken.app/Contents/Info.plist") !=
        std::string::npos);
  const Software* agent = FindSoftware(r, "com.kaspersky.agent");
  REQUIRE(agent);
  CHECK(agent->state == SoftwareState::kResidue);
  CHECK(agent->location == "/opt/k");
  CHECK(agent->ecosystem == "macos");
}

TEST_CASE("macos-receipts: receipts in all three places, history without a "
          "receipt is removed",
          "[apple][macos-receipts]") {
  auto receipt = [](const std::string& id, const std::string& version) {
    return "<plist><dict><key>PackageIdentifier</key><string>" + id +
           "</string><key>PackageVersion</key><string>" + version +
           "</string><key>InstallDate</key><date>2020-01-02T03:04:05Z</date>"
           "</dict></plist>";
  };
  MemoryVfs vfs;
  vfs.AddFile("/System/Library/Receipts/com.apple.pkg.Core.plist",
              receipt("com.apple.pkg.Core", "10.15"));
  vfs.AddFile("/var/db/receipts/us.zoom.pkg.videomeeting.plist",
              receipt("us.zoom.pkg.videomeeting", "6.0"));
  vfs.AddFile("/private/var/db/receipts/us.zoom.pkg.videomeeting.plist",
              receipt("us.zoom.pkg.videomeeting", "6.0"));
  vfs.AddFile("/Library/Receipts/InstallHistory.plist",
              "<plist><array>"
              "<dict><key>date</key><date>2019-01-01T00:00:00Z</date>"
              "<key>displayName</key><string>Old</string>"
              "<key>packageIdentifiers</key><array>"
              "<string>com.apple.pkg.Core</string><string>com.gone</string>"
              "</array></dict>"
              "<dict><key>date</key><date>2021-01-01T00:00:00Z</date>"
              "<key>displayName</key><string>Gone Again</string>"
              "<key>displayVersion</key><string>2</string>"
              "<key>packageIdentifiers</key><array>"
              "<string>com.gone</string></array></dict>"
              "<dict><key>date</key><string>no packages</string></dict>"
              "</array></plist>");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("macos-receipts"));
  CHECK(NameVersions(r) ==
        std::vector<std::string>{"com.apple.pkg.Core 10.15", "com.gone 2",
                                 "us.zoom.pkg.videomeeting 6.0"});
  const Software* core = FindSoftware(r, "com.apple.pkg.Core");
  REQUIRE(core);
  CHECK(core->state == SoftwareState::kInstalled);
  CHECK(core->installed_at == "2020-01-02T03:04:05Z");
  const Software* gone = FindSoftware(r, "com.gone");
  REQUIRE(gone);
  CHECK(gone->state == SoftwareState::kRemoved);
  CHECK(gone->installed_at == "2021-01-01T00:00:00Z");  // the latest
  CHECK(gone->name == "Gone Again");
  CHECK(AllWarnings(r).find("1 history entries without packageIdentifiers") !=
        std::string::npos);
}
