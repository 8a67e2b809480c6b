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

  // Skype as a snap: snapd's state and the mounted current revision.
  root.Write("var/lib/snapd/state.json", R"({"data":{"snaps":{
    "skype":{"type":"app","sequence":[
      {"name":"skype","snap-id":"QRDEfjn4WJYnm0FzDKwqqRZZI77awQEV","revision":"301","channel":"stable"},
      {"name":"skype","snap-id":"QRDEfjn4WJYnm0FzDKwqqRZZI77awQEV","revision":"311","channel":"stable"}],
      "active":true,"current":"311","channel":"latest/stable"},
    "core22":{"type":"base","sequence":[{"name":"core22","snap-id":"amcUKQILKXHHTlmSa7NMdnXSx02dNeeT","revision":"1380"}],
      "active":true,"current":"1380","channel":"latest/stable"}},
    "seeded":true},"changes":{},"tasks":{}})");
  root.Write("snap/skype/311/meta/snap.yaml",
             "name: skype\nversion: 8.110.76.107\nsummary: One Skype for all"
             "\narchitectures:\n- amd64\nconfinement: classic\n");
  root.Write("snap/skype/301/meta/snap.yaml",
             "name: skype\nversion: 8.109.0.209\nsummary: One Skype for all\n");
  fs::create_symlink("311", r + "/snap/skype/current");
  fs::create_directories(r + "/snap/core22/1380");  // an empty mount point

  // Telegram as alice's own flatpak, deployed the way flatpak lays it out:
  // the active link names the checked-out commit.
  const std::string commit =
      "7f3e2b1c0d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c";
  const std::string deploy =
      "home/alice/.local/share/flatpak/app/org.telegram.desktop/x86_64/stable";
  root.Write(deploy + "/" + commit + "/metadata",
             "[Application]\nname=org.telegram.desktop\n"
             "runtime=org.freedesktop.Platform/x86_64/23.08\n"
             "command=telegram-desktop\n\n[Context]\nshared=network;ipc;\n");
  root.Write(deploy + "/" + commit +
                 "/files/share/metainfo/org.telegram.desktop.metainfo.xml",
             "<?xml version=\"1.0\"?>\n<component type=\"desktop-application\">"
             "<id>org.telegram.desktop</id><name>Telegram Desktop</name>"
             "<releases><release version=\"4.14.9\" date=\"2024-01-20\"/>"
             "<release version=\"4.14.8\" date=\"2024-01-15\"/></releases>"
             "</component>\n");
  fs::create_symlink(commit, r + "/" + deploy + "/active");
  // alice owns her home; the evidence's passwd names her. (As root the
  // folder is handed to uid 1000; otherwise it stays ours and passwd says
  // so.)
  uid_t alice_uid = 1000;
  if (chown((r + "/home/alice").c_str(), 1000, 1000) != 0) alice_uid = getuid();
  root.Write(
      "etc/passwd",
      (alice_uid == 0 ? std::string() : "root:x:0:0:root:/root:/bin/sh\n") +
          "alice:x:" + std::to_string(alice_uid) +
          ":1000:Alice:/home/alice:/bin/bash\n");

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
