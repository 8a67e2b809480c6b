// End to end: packages installed and removed with the real dpkg (its own log
// kept inside the root with --log), the logs rotated the way logrotate does,
// and the built binary asked for a verdict.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string_view>

#include "support/test_support.h"

using namespace contraband::testing;
using nlohmann::json;

namespace {

// Builds .deb files for `packages` ("name:version ...") in dir/pkgs and an
// empty dpkg database in dir/root.
void MakeDebs(const TempDir& dir, const std::string& packages) {
  REQUIRE(HaveTool("dpkg-deb"));
  const std::string script = R"(
set -e
cd "$1"; shift
mkdir -p root/var/lib/dpkg/info root/var/lib/dpkg/updates root/var/log pkgs
touch root/var/lib/dpkg/status
for p in "$@"; do
  n=${p%%:*}; v=${p#*:}
  mkdir -p b/$n/DEBIAN b/$n/opt/$n
  printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: Test <t@example.org>\nDescription: test package %s\n' "$n" "$v" "$n" > b/$n/DEBIAN/control
  echo hi > b/$n/opt/$n/file
  dpkg-deb --root-owner-group -b b/$n pkgs/$n.deb >/dev/null
done
)";
  RunResult r = Run("bash -c " + ShellQuote(script) + " x " +
                    ShellQuote(dir.path()) + " " + packages);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// Runs dpkg with `args` on dir/root, logging inside the root (never to the
// host's /var/log/dpkg.log).
void Dpkg(const TempDir& dir, const std::string& args) {
  const std::string root = dir.path() + "/root";
  RunResult r = Run("cd " + ShellQuote(dir.path()) +
                    " && dpkg --root=" + ShellQuote(root) +
                    " --log=" + ShellQuote(root + "/var/log/dpkg.log") +
                    " --force-script-chrootless " + args + " >/dev/null");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

const json* FindingOfProduct(const json& report, const std::string& product) {
  for (const json& f : report["findings"]) {
    if (f["product"] == product) return &f;
  }
  return nullptr;
}

// "YYYY-MM-DDTHH:MM:SS", nothing before or after: a local time, no zone.
bool IsLocalIsoSecond(const json& v) {
  if (!v.is_string()) return false;
  constexpr std::string_view kShape = "0000-00-00T00:00:00";
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() != kShape.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool digit = s[i] >= '0' && s[i] <= '9';
    if (kShape[i] == '0' ? !digit : s[i] != kShape[i]) return false;
  }
  return true;
}

// What sha256sum says of a host file.
std::string Sha256sum(const std::string& path) {
  RunResult r = Run("sha256sum " + ShellQuote(path));
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, 64);
}

}  // namespace

TEST_CASE(
    "zoom installed, then removed with the real dpkg: a removed finding, "
    "exit 0",
    "[e2e][history]") {
  TempDir dir;
  MakeDebs(dir, "zoom:6.2.0.1855");
  Dpkg(dir, "-i pkgs/zoom.deb");
  Dpkg(dir, "-r zoom");
  const std::string root = dir.path() + "/root";

  RunResult r = RunContraband("scan --format json " + ShellQuote(root));
  INFO(r.err);
  INFO(r.out);
  CHECK(r.exit_code == 0);  // removed software never makes the verdict 1
  json j = ParseJson(r.out);
  REQUIRE(j["findings"].size() == 1);
  const json& f = j["findings"][0];
  CHECK(f["product"] == "zoom");
  const json& sw = f["software"];
  CHECK(sw["state"] == "removed");
  CHECK(sw["ecosystem"] == "dpkg");
  CHECK(sw["id"] == "zoom");
  CHECK(sw["version"] == "6.2.0.1855");
  CHECK(sw["arch"] == "amd64");
  CHECK(sw["source"] == "/var/log/dpkg.log");
  CHECK(sw["evidence"] == root);
  CHECK(IsLocalIsoSecond(sw["installed_at"]));
  CHECK(IsLocalIsoSecond(sw["removed_at"]));
  CHECK(sw["installed_at"].get<std::string>() <=
        sw["removed_at"].get<std::string>());
  CHECK(j["warnings"].empty());
}

TEST_CASE(
    "rotated and gzipped dpkg logs, an installed package still decides "
    "the verdict",
    "[e2e][history]") {
  TempDir dir;
  MakeDebs(dir,
           "zoom:6.2.0.1855 kesl:12.1.0-1297 telegram-desktop:4.14.9+ds-1");
  const std::string root = dir.path() + "/root";
  const std::string log = root + "/var/log/dpkg.log";
  Dpkg(dir, "-i pkgs/zoom.deb");
  // logrotate with delaycompress: dpkg.log -> .1, .1 -> .2.gz.
  REQUIRE(Run("mv " + ShellQuote(log) + " " + ShellQuote(log + ".2") +
              " && gzip -n " + ShellQuote(log + ".2"))
              .exit_code == 0);
  Dpkg(dir, "-i pkgs/kesl.deb pkgs/telegram-desktop.deb");
  Dpkg(dir, "-r zoom");
  REQUIRE(
      Run("mv " + ShellQuote(log) + " " + ShellQuote(log + ".1")).exit_code ==
      0);
  Dpkg(dir, "-P kesl");

  RunResult r = RunContraband("scan --format json " + ShellQuote(root));
  INFO(r.err);
  CHECK(r.exit_code == 1);  // telegram is installed
  json j = ParseJson(r.out);
  const json* zoom = FindingOfProduct(j, "zoom");
  const json* kesl = FindingOfProduct(j, "kaspersky");
  const json* tg = FindingOfProduct(j, "telegram");
  REQUIRE(zoom);
  REQUIRE(kesl);
  REQUIRE(tg);
  CHECK((*zoom)["software"]["state"] == "removed");
  CHECK((*zoom)["software"]["source"] == "/var/log/dpkg.log.1");
  CHECK(IsLocalIsoSecond((*zoom)["software"]["installed_at"]));
  CHECK((*kesl)["software"]["state"] == "removed");
  CHECK((*kesl)["software"]["source"] == "/var/log/dpkg.log");
  CHECK((*kesl)["software"]["version"] == "12.1.0-1297");
  CHECK((*tg)["software"]["state"] == "installed");
  CHECK((*tg)["software"]["source"] == "/var/lib/dpkg/status");
  CHECK_FALSE((*tg)["software"].contains("removed_at"));
  CHECK(j["warnings"].empty());

  // Without the installed package the same evidence exits 0.
  Dpkg(dir, "-r telegram-desktop");
  RunResult clean = RunContraband("scan --format json " + ShellQuote(root));
  CHECK(clean.exit_code == 0);
  CHECK(ParseJson(clean.out)["findings"].size() == 3);
}

TEST_CASE(
    "one removal logged by dpkg.log and apt's history.log is one finding "
    "naming both logs",
    "[e2e][history]") {
  TempDir dir;
  MakeDebs(dir, "zoom:6.2.0.1855");
  Dpkg(dir, "-i pkgs/zoom.deb");
  Dpkg(dir, "-r zoom");
  const std::string root = dir.path() + "/root";
  // apt logs the same two transactions in its own format (apt cannot run
  // on a foreign root here: it is written as apt writes it, at the times
  // dpkg logged).
  RunResult times = Run("awk '$3 == \"install\" {i = $1 \"  \" $2} "
                        "$3 == \"remove\" {r = $1 \"  \" $2} "
                        "END {print i; print r}' " +
                        ShellQuote(root + "/var/log/dpkg.log"));
  REQUIRE(times.exit_code == 0);
  const std::string installed = times.out.substr(0, times.out.find('\n'));
  const std::string removed =
      times.out.substr(installed.size() + 1,
                       times.out.find('\n', installed.size() + 1) -
                           installed.size() - 1);
  REQUIRE(installed.size() == 20);
  REQUIRE(removed.size() == 20);
  WriteHostFile(root + "/var/log/apt/history.log",
            "\nStart-Date: " + installed +
                "\nCommandline: apt-get install ./zoom.deb\n"
                "Install: zoom:amd64 (6.2.0.1855)\nEnd-Date: " + installed +
                "\n\nStart-Date: " + removed +
                "\nCommandline: apt-get remove zoom\n"
                "Remove: zoom:amd64 (6.2.0.1855)\nEnd-Date: " + removed + "\n");

  for (const char* format : {"json", "text", "csv"}) {
    RunResult r = RunContraband(std::string("scan --hash --format ") + format +
                                " " + ShellQuote(root));
    INFO(r.err);
    INFO(r.out);
    CHECK(r.exit_code == 0);
    if (std::string(format) == "json") {
      json j = ParseJson(r.out);
      REQUIRE(j["findings"].size() == 1);
      const json& sw = j["findings"][0]["software"];
      CHECK(sw["state"] == "removed");
      CHECK(sw["id"] == "zoom");
      CHECK(sw["source"] == "/var/log/apt/history.log");
      CHECK(sw["source_sha256"] ==
            Sha256sum(root + "/var/log/apt/history.log"));
      REQUIRE(sw["also_sources"].size() == 1);
      CHECK(sw["also_sources"][0]["path"] == "/var/log/dpkg.log");
      CHECK(sw["also_sources"][0]["sha256"] ==
            Sha256sum(root + "/var/log/dpkg.log"));
      CHECK(IsLocalIsoSecond(sw["removed_at"]));
    } else if (std::string(format) == "text") {
      CHECK_THAT(r.out, Catch::Contains(
                            "/var/log/apt/history.log + /var/log/dpkg.log"));
    } else {
      CHECK_THAT(r.out, Catch::Contains(",removed,/var/log/dpkg.log,\r\n"));
    }
  }
  // The inventory holds the one merged record too.
  RunResult inv = RunContraband("inventory --format json " + ShellQuote(root));
  json j = ParseJson(inv.out);
  int zooms = 0;
  for (const json& sw : j["software"]) zooms += sw["id"] == "zoom";
  CHECK(zooms == 1);
}
