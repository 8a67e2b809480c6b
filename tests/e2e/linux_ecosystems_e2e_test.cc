// A root folder mixing the Linux package ecosystems, run through the real
// binary: every record must come out with its ecosystem, id, version, owner
// and the file that proves it.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using contraband::testing::RunContraband;
using contraband::testing::ShellQuote;
using contraband::testing::TempDir;

namespace {

const nlohmann::json* FindRow(const nlohmann::json& software,
                              const std::string& ecosystem,
                              const std::string& id) {
  for (const nlohmann::json& row : software) {
    if (row.value("ecosystem", "") == ecosystem && row.value("id", "") == id) {
      return &row;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("inventory of a root mixing snap, flatpak, pacman and apk",
          "[snap][flatpak][pacman][apk][e2e]") {
  namespace fs = std::filesystem;
  TempDir root;
  const std::string& r = root.path();

  WriteSkypeSnap(root);
  WriteTelegramFlatpakForAlice(root);
  const std::string deploy =
      "home/alice/.local/share/flatpak/app/org.telegram.desktop/x86_64/stable";

  // An Arch package (AUR's zoom) and an Alpine one.
  root.Write("var/lib/pacman/local/ALPM_DB_VERSION", "9\n");
  root.Write("var/lib/pacman/local/zoom-6.0.2.4680-1/desc",
             "%NAME%\nzoom\n\n%VERSION%\n6.0.2.4680-1\n\n%BASE%\nzoom\n\n"
             "%ARCH%\nx86_64\n\n%PACKAGER%\nUnknown Packager\n\n"
             "%DEPENDS%\nalsa-lib\nglib2\n\n");
  root.Write("lib/apk/db/installed",
             "C:Q1p78yvTLG094tHE1+dToJGbmYzQE=\nP:musl\nV:1.2.4-r2\n"
             "A:x86_64\nm:Timo Teras <timo.teras@iki.fi>\no:musl\n"
             "F:lib\nR:libc.musl-x86_64.so.1\nZ:Q1x=\n\n"
             "P:telegram-desktop\nV:4.14.9-r0\nA:x86_64\n"
             "m:Some Maintainer <m@example.org>\no:telegram-desktop\n\n");

  auto res = RunContraband("inventory --format json " + ShellQuote(r));
  INFO(res.err);
  REQUIRE(res.exit_code == 0);
  nlohmann::json report = nlohmann::json::parse(res.out);
  REQUIRE(report.contains("software"));
  const nlohmann::json& sw = report["software"];

  struct Expect {
    const char* ecosystem;
    const char* id;
    const char* version;
    const char* user;
    std::string source;
    std::string location;
  };
  const Expect expected[] = {
      {"snap", "skype", "8.110.76.107", "", "/var/lib/snapd/state.json",
       "/snap/skype/311"},
      {"snap", "core22", "", "", "/var/lib/snapd/state.json",
       "/snap/core22/1380"},
      {"flatpak", "org.telegram.desktop", "4.14.9", "alice",
       "/" + deploy + "/active/metadata", "/" + deploy},
      {"pacman", "zoom", "6.0.2.4680-1", "",
       "/var/lib/pacman/local/zoom-6.0.2.4680-1/desc",
       "/var/lib/pacman/local/zoom-6.0.2.4680-1/desc"},
      {"apk", "musl", "1.2.4-r2", "", "/lib/apk/db/installed",
       "/lib/apk/db/installed"},
      {"apk", "telegram-desktop", "4.14.9-r0", "", "/lib/apk/db/installed",
       "/lib/apk/db/installed"},
  };
  for (const Expect& e : expected) {
    INFO(std::string(e.ecosystem) + " " + e.id);
    const nlohmann::json* row = FindRow(sw, e.ecosystem, e.id);
    REQUIRE(row != nullptr);
    CHECK((*row)["version"] == e.version);
    CHECK((*row)["user"] == e.user);
    CHECK((*row)["source"] == e.source);
    CHECK((*row)["location"] == e.location);
    CHECK((*row)["state"] == "installed");
    CHECK((*row)["evidence"] == r);
  }
  size_t ours = 0;
  for (const nlohmann::json& row : sw) {
    const std::string eco = row.value("ecosystem", "");
    if (eco == "snap" || eco == "flatpak" || eco == "pacman" || eco == "apk") {
      ++ours;
    }
  }
  CHECK(ours == std::size(expected));
  for (const nlohmann::json& w : report["warnings"]) {
    const std::string collector = w.value("collector", "");
    INFO(w.dump());
    CHECK(collector != "snap");
    CHECK(collector != "flatpak");
    CHECK(collector != "pacman");
    CHECK(collector != "apk");
  }

  // And the verdict: Skype (snap) and Telegram (flatpak) are banned products
  // in the embedded catalog, each found with the file that proves it.
  auto scan = RunContraband("scan --format json " + ShellQuote(r));
  INFO(scan.err);
  CHECK(scan.exit_code == 1);
  nlohmann::json verdict = nlohmann::json::parse(scan.out);
  bool skype = false, telegram = false;
  for (const nlohmann::json& f : verdict["findings"]) {
    const nlohmann::json& s = f["software"];
    if (f["product"] == "skype" && s["ecosystem"] == "snap") {
      skype = s["source"] == "/var/lib/snapd/state.json";
    }
    if (f["product"] == "telegram" && s["ecosystem"] == "flatpak") {
      telegram = s["user"] == "alice" &&
                 s["source"] == "/" + deploy + "/active/metadata";
    }
  }
  CHECK(skype);
  CHECK(telegram);
}
