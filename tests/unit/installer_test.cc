#include <catch2/catch.hpp>

#include "catalog/catalog.h"
#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/desktop_entry.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::CollectorNamed;

namespace {

Catalog MarkerCatalog() {
  return LoadCatalog(
      {{"products/kaspersky.json",
        R"({"schema": "contraband/product/v1", "id": "kaspersky",
            "name": "Kaspersky", "vendor": "AO Kaspersky Lab", "rules": [
            {"ecosystem": "installer", "field": "location", "glob":
             ["/opt/kaspersky/*", "*/Program Files (x86)/Kaspersky Lab/*"],
             "confidence": "medium"},
            {"ecosystem": "installer", "field": "location", "regex": ".*kav.*",
             "confidence": "low"}]})"}},
      "test");
}

}  // namespace

TEST_CASE("desktop entries: Exec's program, quoting, env and groups",
          "[installer]") {
  DesktopEntry e = ParseDesktopEntry(
      "# comment\n[Desktop Entry]\nName=Telegram Desktop\nName[de]=Telegramm\n"
      "Exec=\"/opt/Telegram/Telegram\" -- %u\nType=Application\n"
      "[Desktop Action new]\nExec=/bin/other\n");
  CHECK(e.name == "Telegram Desktop");
  CHECK(e.Program() == "/opt/Telegram/Telegram");
  CHECK(ParseDesktopEntry("[Desktop Entry]\nExec=env A=1 B=2 /opt/zoom/ZoomLauncher %U\n")
            .Program() == "/opt/zoom/ZoomLauncher");
  CHECK(ParseDesktopEntry("[Desktop Entry]\nExec=/opt/my\\ app/run\n").Program() ==
        "/opt/my app/run");
  CHECK(ParseDesktopEntry("[Desktop Entry]\nType=Link\n").Program().empty());
  CHECK_THROWS_AS(ParseDesktopEntry("Name=x\n"), ParseError);
  CHECK_THROWS_AS(ParseDesktopEntry(std::string(2 << 20, 'x')), ParseError);
}

TEST_CASE("desktop entry collector: per-user launchers name their user",
          "[installer]") {
  MemoryVfs vfs;
  vfs.AddFile("/etc/passwd", "alice:x:1000:1000::/home/alice:/bin/sh\n");
  vfs.AddDir("/home/alice", 1000);
  vfs.AddFile("/home/alice/.local/share/applications/telegram.desktop",
              "[Desktop Entry]\nName=Telegram\nExec=/home/alice/Telegram/Telegram\n",
              1000);
  vfs.AddFile("/usr/share/applications/broken.desktop", "no group here\n");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("desktop-entry"));
  REQUIRE(r.software.size() == 1);
  CHECK(r.software[0].ecosystem == "installer");
  CHECK(r.software[0].location == "/home/alice/Telegram/Telegram");
  CHECK(r.software[0].source ==
        "/home/alice/.local/share/applications/telegram.desktop");
  CHECK(r.software[0].user == "alice");
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].path == "/usr/share/applications/broken.desktop");
}

TEST_CASE("install markers: catalog locations, one record per location, names only",
          "[installer]") {
  Catalog cat = MarkerCatalog();
  MemoryVfs vfs;
  vfs.AddFile("/opt/kaspersky/kesl/bin/kesl-control", "binary");
  vfs.AddFile("/opt/kaspersky/klnagent64/bin/klnagent", "binary");
  vfs.AddFile("/Program Files (x86)/Kaspersky Lab/KES/avp.exe", "MZ");
  vfs.AddFile("/opt/kav/not-matched-by-regex-rules", "x");
  CollectOptions opts;
  opts.catalog = &cat;
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("install-marker"), opts);
  std::vector<std::string> locations;
  for (const Software& s : r.software) locations.push_back(s.location);
  std::sort(locations.begin(), locations.end());
  CHECK(locations == std::vector<std::string>{
                         "/Program Files (x86)/Kaspersky Lab/KES",
                         "/opt/kaspersky/kesl"});
  CHECK(vfs.files_read() == 0);  // presence only: nothing was read
  // Without a catalog the collector does not run.
  CHECK(CollectSoftware(vfs, "ev", CollectorNamed("install-marker")).software.empty());
}
