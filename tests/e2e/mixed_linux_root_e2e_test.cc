// End to end, issue 4's verdict: one root holding Zoom as an rpm (built with
// rpmbuild, recorded with rpm --justdb), Skype as a snap, Telegram as a
// flatpak in a user's home and Kaspersky unpacked in /opt/kaspersky/kesl
// reports all four, each traced to the file that proves it.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "support/test_support.h"

using namespace contraband::testing;
using nlohmann::json;

TEST_CASE("zoom rpm, skype snap, telegram user flatpak and kesl in /opt",
          "[e2e][rpm][snap][flatpak][installer]") {
  REQUIRE(HaveTool("rpmbuild"));
  TempDir root;
  TempDir work;
  work.Write("specs/zoom.spec",
             "Name: zoom\nVersion: 6.2.0.1855\nRelease: 1\n"
             "Summary: test stand-in for the Zoom client\nLicense: Proprietary\n"
             "Vendor: Zoom Video Communications, Inc.\n"
             "%description\ntest package\n%files\n");
  const std::string script = R"(
set -e
root=$1 work=$2
mkdir -p "$root/var/lib/rpm" "$root/opt/kaspersky/kesl/bin"
rpmbuild -bb --quiet --define "_topdir $work/top" --define "_build_id_links none" \
  "$work/specs/zoom.spec" >/dev/null
rpm --dbpath "$root/var/lib/rpm" -i --justdb --nodeps --noscripts --nosignature \
  "$work"/top/RPMS/*/*.rpm
echo '#!/bin/sh' > "$root/opt/kaspersky/kesl/bin/kesl-control"
)";
  RunResult built = Run("bash -c " + ShellQuote(script) + " x " +
                        ShellQuote(root.path()) + " " + ShellQuote(work.path()));
  INFO(built.err);
  REQUIRE(built.exit_code == 0);
  WriteSkypeSnap(root);
  WriteTelegramFlatpakForAlice(root);

  RunResult r = RunContraband("scan --format json " + ShellQuote(root.path()));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  json report = ParseJson(r.out);
  std::map<std::string, json> by_product;
  for (const json& f : report["findings"]) by_product[f["product"]] = f["software"];
  REQUIRE(by_product.size() == 4);

  CHECK(by_product["zoom"]["ecosystem"] == "rpm");
  CHECK(by_product["zoom"]["version"] == "6.2.0.1855-1");
  CHECK(by_product["zoom"]["source"].get<std::string>().rfind("/var/lib/rpm/", 0) == 0);

  CHECK(by_product["skype"]["ecosystem"] == "snap");
  CHECK(by_product["skype"]["version"] == "8.110.76.107");
  CHECK(by_product["skype"]["source"] == "/var/lib/snapd/state.json");

  CHECK(by_product["telegram"]["ecosystem"] == "flatpak");
  CHECK(by_product["telegram"]["user"] == "alice");
  CHECK(by_product["telegram"]["source"].get<std::string>().rfind(
            "/home/alice/.local/share/flatpak/app/org.telegram.desktop/", 0) == 0);

  CHECK(by_product["kaspersky"]["ecosystem"] == "installer");
  CHECK(by_product["kaspersky"]["location"] == "/opt/kaspersky/kesl");
  CHECK(by_product["kaspersky"]["source"] == "/opt/kaspersky/kesl");
}

TEST_CASE("files at an install location count when the package record is only residue",
          "[e2e][installer]") {
  TempDir root;
  root.Write("var/lib/dpkg/status",
             "Package: zoom\nStatus: deinstall ok config-files\nVersion: 6.2\n");
  root.Write("opt/zoom/ZoomLauncher", "#!/bin/sh\n");
  RunResult r = RunContraband("scan --residue --format json " + ShellQuote(root.path()));
  INFO(r.err);
  CHECK(r.exit_code == 1);  // the files are there: Zoom is installed
  json report = ParseJson(r.out);
  REQUIRE(report["findings"].size() == 2);
  std::set<std::string> states;
  for (const json& f : report["findings"]) {
    CHECK(f["product"] == "zoom");
    states.insert(f["software"]["state"].get<std::string>() + "/" +
                  f["software"]["ecosystem"].get<std::string>());
  }
  CHECK(states == std::set<std::string>{"installed/installer", "residue/dpkg"});
}
