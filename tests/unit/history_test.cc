// Package-manager history logs: the four byte parsers, the gzip helper and
// the collectors that turn "installed, then removed" into removed records.
// Log excerpts are real lines: dpkg.log and apt history.log copied from a
// Debian 12 machine, the rest in the formats dnf, yum and libalpm write.
#include <algorithm>
#include <catch2/catch.hpp>

#include "collectors/linux/history_common.h"
#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/apt_history.h"
#include "formats/dpkg_log.h"
#include "formats/gzip.h"
#include "formats/pacman_log.h"
#include "formats/parse_error.h"
#include "formats/rpm_history_log.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::CollectorNamed;
using contraband::testing::FindSoftware;
using contraband::testing::ReadHostFile;
using contraband::testing::Run;
using contraband::testing::ShellQuote;
using contraband::testing::TempDir;

namespace {

// `data` compressed by the real gzip.
std::string Gzip(const std::string& data) {
  TempDir dir;
  const std::string in = dir.Write("in", data);
  auto r = Run("gzip -n -c " + ShellQuote(in) + " > " + ShellQuote(in + ".gz"));
  REQUIRE(r.exit_code == 0);
  return ReadHostFile(in + ".gz");
}

std::vector<std::string> Messages(const CollectResult& r) {
  std::vector<std::string> out;
  for (const Warning& w : r.warnings) out.push_back(w.path + ": " + w.message);
  return out;
}

// Copied from this machine's /var/log/dpkg.log: a package installed, then
// removed by apt a month later; a second package installed, configured.
constexpr std::string_view kDpkgLog =
    "2026-10-15 21:36:35 startup archives unpack\n"
    "2026-10-15 21:36:35 install libunwind-14-dev:amd64 <none> 1:14.0.6-12\n"
    "2026-10-15 21:36:35 status half-installed libunwind-14-dev:amd64 "
    "1:14.0.6-12\n"
    "2026-10-15 21:36:35 status unpacked libunwind-14-dev:amd64 1:14.0.6-12\n"
    "2026-10-15 21:36:36 configure libunwind-14-dev:amd64 1:14.0.6-12 <none>\n"
    "2026-10-15 21:36:36 status unpacked libunwind-14-dev:amd64 1:14.0.6-12\n"
    "2026-10-15 21:36:36 status half-configured libunwind-14-dev:amd64 "
    "1:14.0.6-12\n"
    "2026-10-15 21:36:36 status installed libunwind-14-dev:amd64 1:14.0.6-12\n"
    "2025-06-24 14:36:25 upgrade libudev1:amd64 252.36-1~deb12u1 "
    "252.38-1~deb12u1\n"
    "2025-06-24 14:36:25 status installed libudev1:amd64 252.38-1~deb12u1\n"
    "2026-11-22 05:54:06 startup packages remove\n"
    "2026-11-22 05:54:06 status installed libunwind-14-dev:amd64 1:14.0.6-12\n"
    "2026-11-22 05:54:06 remove libunwind-14-dev:amd64 1:14.0.6-12 <none>\n"
    "2026-11-22 05:54:06 status half-configured libunwind-14-dev:amd64 "
    "1:14.0.6-12\n"
    "2026-11-22 05:54:06 status half-installed libunwind-14-dev:amd64 "
    "1:14.0.6-12\n"
    "2026-11-22 05:54:06 status config-files libunwind-14-dev:amd64 "
    "1:14.0.6-12\n"
    "2026-11-22 05:54:06 status not-installed libunwind-14-dev:amd64 <none>\n";

// The shape of this machine's /var/log/apt/history.log, with a removal.
constexpr std::string_view kAptHistory =
    "\n"
    "Start-Date: 2025-06-24  14:36:25\n"
    "Commandline: apt-get -qqy upgrade\n"
    "Upgrade: libsystemd0:amd64 (252.36-1~deb12u1, 252.38-1~deb12u1), "
    "libudev1:amd64 (252.36-1~deb12u1, 252.38-1~deb12u1)\n"
    "End-Date: 2025-06-24  14:36:25\n"
    "\n"
    "Start-Date: 2026-05-20  16:49:20\n"
    "Commandline: apt-get install -y zoom\n"
    "Requested-By: alice (1000)\n"
    "Install: zoom:amd64 (6.2.0.1855), libxcb-xtest0:amd64 (1.15-1, "
    "automatic)\n"
    "End-Date: 2026-05-20  16:49:21\n"
    "\n"
    "Start-Date: 2026-06-06  20:09:44\n"
    "Commandline: apt-get purge zoom\n"
    "Purge: zoom:amd64 (6.2.0.1855)\n"
    "End-Date: 2026-06-06  20:09:45\n"
    "\n"
    "Start-Date: 2026-06-07  10:00:00\n"
    "Commandline: apt-get autoremove\n"
    "Remove: libxcb-xtest0:amd64 (1.15-1)\n"
    "End-Date: 2026-06-07  10:00:01\n";

}  // namespace

TEST_CASE("history times: ISO forms, zones, yum's missing year", "[history]") {
  auto dpkg = ParseHistoryDateTime("2025-06-24 14:36:25");
  REQUIRE(dpkg);
  CHECK(dpkg->iso == "2025-06-24T14:36:25");
  CHECK(dpkg->has_year);
  CHECK(ParseHistoryDateTime("2025-06-24  14:36:25")->iso ==
        "2025-06-24T14:36:25");  // apt's "%F  %T"
  CHECK(ParseHistoryDateTime("2023-01-01T10:00:00+0000")->iso ==
        "2023-01-01T10:00:00+00:00");
  CHECK(ParseHistoryDateTime("2023-01-01T10:00:00Z")->iso ==
        "2023-01-01T10:00:00Z");
  CHECK(ParseHistoryDateTime("2019-01-01 10:00")->iso == "2019-01-01T10:00");
  // 10:00 at +02:00 is 08:00 UTC: before 09:00 UTC.
  CHECK(ParseHistoryDateTime("2024-03-01T10:00:00+0200")->seconds <
        ParseHistoryDateTime("2024-03-01T09:00:00+0000")->seconds);
  CHECK(ParseHistoryDateTime("2024-02-29 10:00:00"));
  CHECK_FALSE(ParseHistoryDateTime("2023-02-29 10:00:00"));
  CHECK_FALSE(ParseHistoryDateTime("2023-13-01 10:00:00"));
  CHECK_FALSE(ParseHistoryDateTime("2023-01-01 10:00:00 junk"));
  CHECK_FALSE(ParseHistoryDateTime("2023-01-01"));
  CHECK_FALSE(ParseHistoryDateTime(""));

  auto yum = ParseYearlessTime("May 23 18:10:05");
  REQUIRE(yum);
  CHECK(yum->iso == "--05-23T18:10:05");
  CHECK_FALSE(yum->has_year);
  CHECK(ParseYearlessTime("Jan  1 10:00:00")->iso == "--01-01T10:00:00");
  CHECK(ParseYearlessTime("Feb 29 10:00:00"));  // some year had it
  CHECK_FALSE(ParseYearlessTime("Foo 01 10:00:00"));
  CHECK_FALSE(ParseYearlessTime("Jan 01 10:00"));
}

TEST_CASE("dpkg.log: install, upgrade, status and remove lines", "[history]") {
  HistoryLog log = ParseDpkgLog(kDpkgLog);
  CHECK(log.errors.empty());
  CHECK(log.lines == 17);
  // startup and configure lines are not events.
  REQUIRE(log.events.size() == 14);
  const HistoryEvent& install = log.events[0];
  CHECK(install.line == 2);
  CHECK(install.action == HistoryAction::kInstall);
  CHECK(install.package == "libunwind-14-dev");
  CHECK(install.arch == "amd64");
  CHECK(install.version == "1:14.0.6-12");
  CHECK(install.old_version.empty());
  CHECK(install.time == "2026-10-15 21:36:35");
  CHECK(install.when.iso == "2026-10-15T21:36:35");
  const HistoryEvent& upgrade = log.events[6];
  CHECK(upgrade.action == HistoryAction::kUpgrade);
  CHECK(upgrade.old_version == "252.36-1~deb12u1");
  CHECK(upgrade.version == "252.38-1~deb12u1");
  const HistoryEvent& remove = log.events[9];
  CHECK(remove.action == HistoryAction::kRemove);
  CHECK(remove.version == "1:14.0.6-12");
  const HistoryEvent& gone = log.events.back();
  CHECK(gone.action == HistoryAction::kStatus);
  CHECK(gone.status == "not-installed");
  CHECK(gone.version.empty());

  // Streamed: the same events, none held in the log.
  std::vector<std::string> streamed;
  HistoryLog s = ParseDpkgLog(kDpkgLog, {}, [&](HistoryEvent&& e) {
    streamed.push_back(std::string(ToString(e.action)) + " " + e.package);
  });
  CHECK(s.events.empty());
  CHECK(s.event_count == 14);
  REQUIRE(streamed.size() == 14);
  CHECK(streamed[9] == "remove libunwind-14-dev");
}

TEST_CASE("dpkg.log: damaged and truncated lines are errors with line numbers",
          "[history]") {
  std::string text =
      "2024-01-01 10:00:00 install zoom:amd64 <none> 6.2.0.1855\n"
      "2024-01-01 10:00:00 install zoom:amd64 <none>\n"  // field missing
      "20x4-01-01 10:00:00 remove zoom:amd64 6.2.0.1855 <none>\n"  // bad date
      "2024-01-01 10:00:00 status exploded zoom:amd64 6.2\n"  // no such state
      "\n"
      "2024-01-02 10:00:00 remove zoom:amd64 6.2.0.1855 <no";  // cut off
  HistoryLog log = ParseDpkgLog(text);
  REQUIRE(log.events.size() == 1);
  REQUIRE(log.error_count == 4);
  CHECK(log.errors[0].line == 2);
  CHECK(log.errors[1].line == 3);
  CHECK(log.errors[2].line == 4);
  CHECK(log.errors[3].line == 6);
  CHECK_THAT(log.errors[3].message, Catch::Contains("cut off"));

  // CRLF, NUL padding a crash left before a line, a line of NULs only.
  std::string crlf = "2024-01-01 10:00:00 install zoom:amd64 <none> 6.2\r\n" +
                     std::string(8, '\0') +
                     "2024-01-02 10:00:00 remove zoom:amd64 6.2 <none>\n" +
                     std::string(5, '\0') + "\n";
  HistoryLog l2 = ParseDpkgLog(crlf);
  REQUIRE(l2.events.size() == 2);
  CHECK(l2.events[0].version == "6.2");
  CHECK(l2.events[1].action == HistoryAction::kRemove);
  REQUIRE(l2.error_count == 1);
  CHECK(l2.errors[0].line == 3);
}

TEST_CASE("history parsers stop at their limits", "[history]") {
  std::string text;
  for (int i = 0; i < 50; ++i) {
    text += "2024-01-01 10:00:00 install p" + std::to_string(i) +
            ":amd64 <none> 1\n";
  }
  HistoryLimits limits;
  limits.max_events = 10;
  HistoryLog log = ParseDpkgLog(text, limits);
  CHECK(log.events.size() == 10);
  CHECK_THAT(log.stopped, Catch::Contains("more than 10 events"));

  limits = {};
  limits.max_lines = 5;
  CHECK(ParseDpkgLog(text, limits).events.size() == 5);

  limits = {};
  limits.max_line_length = 20;
  limits.max_errors_kept = 2;
  HistoryLog longlines = ParseDpkgLog(text, limits);
  CHECK(longlines.events.empty());
  CHECK(longlines.error_count == 50);
  CHECK(longlines.errors.size() == 2);
}

TEST_CASE("apt history.log: stanzas, package lists, damage", "[history]") {
  HistoryLog log = ParseAptHistory(kAptHistory);
  CHECK(log.errors.empty());
  REQUIRE(log.events.size() == 6);
  const HistoryEvent& up = log.events[0];
  CHECK(up.action == HistoryAction::kUpgrade);
  CHECK(up.package == "libsystemd0");
  CHECK(up.arch == "amd64");
  CHECK(up.old_version == "252.36-1~deb12u1");
  CHECK(up.version == "252.38-1~deb12u1");
  CHECK(up.time == "2025-06-24  14:36:25");
  CHECK(up.when.iso == "2025-06-24T14:36:25");
  CHECK(up.line == 4);
  const HistoryEvent& dep = log.events[3];
  CHECK(dep.action == HistoryAction::kInstall);
  CHECK(dep.package == "libxcb-xtest0");
  CHECK(dep.version == "1.15-1");  // ", automatic" is not the version
  CHECK(log.events[4].action == HistoryAction::kPurge);
  CHECK(log.events[4].when.iso == "2026-06-06T20:09:44");
  CHECK(log.events[5].action == HistoryAction::kRemove);

  // A stanza whose End-Date is missing (apt was killed) still counts; one
  // without any date cannot be placed; a cut list keeps what came before.
  std::string damaged =
      "Start-Date: 2024-01-01  10:00:00\n"
      "Install: zoom:amd64 (6.2.0)\n"
      "Start-Date: 2024-01-02  10:00:00\n"
      "Remove: zoom:amd64 (6.2.0), kesl:amd64 (12.1\n"
      "End-Date: 2024-01-02  10:00:01\n"
      "\n"
      "Commandline: apt-get purge x\n"
      "Purge: x:amd64 ()\n"
      "\n"
      "Start-Date: 2024-01-03  10:00:00\n"
      "garbage line\n"
      "Upgrade: y:amd64 (1.0)\n"
      "Purge: z:amd64 ()\n";
  HistoryLog d = ParseAptHistory(damaged);
  REQUIRE(d.events.size() == 3);
  CHECK(d.events[0].package == "zoom");
  CHECK(d.events[0].action == HistoryAction::kInstall);
  CHECK(d.events[1].package == "zoom");
  CHECK(d.events[1].action == HistoryAction::kRemove);
  CHECK(d.events[2].package == "z");
  CHECK(d.events[2].version.empty());
  REQUIRE(d.error_count == 4);
  CHECK(d.errors[0].line == 4);   // kesl cut inside its parentheses
  CHECK(d.errors[1].line == 7);   // stanza without a date
  CHECK(d.errors[2].line == 11);  // not "Field: value"
  CHECK(d.errors[3].line == 12);  // Upgrade needs two versions
}

TEST_CASE("dnf.rpm.log and yum.log", "[history]") {
  auto nevra = ParseNevra("zoom-6.2.0-1.x86_64", false);
  REQUIRE(nevra);
  CHECK(nevra->name == "zoom");
  CHECK(nevra->version == "6.2.0-1");
  CHECK(nevra->arch == "x86_64");
  CHECK(ParseNevra("kernel-core-1:5.14.0-362.el9.x86_64", false)->version ==
        "1:5.14.0-362.el9");
  auto yum_epoch = ParseNevra("1:openssl-libs-1.0.1e-51.el7_2.5.x86_64", false);
  REQUIRE(yum_epoch);
  CHECK(yum_epoch->name == "openssl-libs");
  CHECK(yum_epoch->version == "1:1.0.1e-51.el7_2.5");
  CHECK_FALSE(ParseNevra("redhat-access-insights-batch", true));
  CHECK_FALSE(ParseNevra("foo-1.2", false));

  const std::string dnf =
      "2023-01-01T10:00:00+0000 INFO --- logging initialized ---\n"
      "2023-01-01T10:00:00+0000 SUBDEBUG Installed: zoom-6.2.0-1.x86_64\n"
      "2023-01-01T10:00:01+0000 INFO Running scriptlet output\n"
      "which continues on a second line\n"
      "2023-01-02T10:00:00+0000 SUBDEBUG Upgrade: zoom-6.3.0-1.x86_64\n"
      "2023-01-02T10:00:00+0000 SUBDEBUG Upgraded: zoom-6.2.0-1.x86_64\n"
      "2023-01-02T10:00:00+0000 SUBDEBUG Running scriptlet: "
      "zoom-6.3.0-1.x86_64\n"
      "2023-02-01T10:00:00Z SUBDEBUG Erase: zoom-6.3.0-1.x86_64\n"
      "2023-02-01T10:00:00Z SUBDEBUG Obsoleted: skype-8.1-1.x86_64\n"
      "Jan 05 10:00:00 SUBDEBUG Installed: telegram-4.1-1.fc28.x86_64\n"
      "2023-02-01T10:00:00Z SUBDEBUG Erase: zoom\n";
  HistoryLog log = ParseDnfRpmLog(dnf);
  REQUIRE(log.events.size() == 6);
  CHECK(log.events[0].action == HistoryAction::kInstall);
  CHECK(log.events[0].when.iso == "2023-01-01T10:00:00+00:00");
  CHECK(log.events[1].action == HistoryAction::kUpgrade);
  CHECK(log.events[2].action == HistoryAction::kReplaced);
  CHECK(log.events[2].version == "6.2.0-1");
  CHECK(log.events[3].action == HistoryAction::kRemove);
  CHECK(log.events[3].when.iso == "2023-02-01T10:00:00Z");
  CHECK(log.events[4].action == HistoryAction::kObsoleted);
  CHECK(log.events[5].when.iso == "--01-05T10:00:00");
  REQUIRE(log.error_count == 1);  // dnf always writes the full NEVRA
  CHECK(log.errors[0].line == 11);

  // Real yum.log lines (as insights-core documents them).
  const std::string yum =
      "May 13 15:54:49 Installed: libevent-2.0.21-4.el7.x86_64\n"
      "May 23 18:10:05 Updated: 1:openssl-libs-1.0.1e-51.el7_2.5.x86_64\n"
      "May 23 16:09:09 Erased: redhat-access-insights-batch\n"
      "May 24 16:09:09 Erased: libevent-2.0.21-4.el7.x86_64\n"
      "May 24 16:09:09 Installed: not a package\n"
      "Installed: no time\n";
  HistoryLog y = ParseYumLog(yum);
  REQUIRE(y.events.size() == 4);
  CHECK(y.events[1].version == "1:1.0.1e-51.el7_2.5");
  CHECK(y.events[2].package == "redhat-access-insights-batch");
  CHECK(y.events[2].version.empty());
  CHECK(y.events[2].arch.empty());
  CHECK(y.events[3].package == "libevent");
  CHECK(y.events[3].arch == "x86_64");
  CHECK_FALSE(y.events[0].when.has_year);
  CHECK(y.error_count == 2);
}

TEST_CASE("pacman.log: ALPM lines, old formats, scriptlet output",
          "[history]") {
  const std::string text =
      "[2024-01-01T10:00:00+0100] [PACMAN] Running 'pacman -S zoom'\n"
      "[2024-01-01T10:00:00+0100] [ALPM] transaction started\n"
      "[2024-01-01T10:00:01+0100] [ALPM] installed zoom (6.2.0-1)\n"
      "[2024-01-01T10:00:01+0100] [ALPM-SCRIPTLET] installed zoom (9.9)\n"
      "[2024-01-02T10:00:00+0100] [ALPM] upgraded zoom (6.2.0-1 -> 6.3.0-1)\n"
      "[2024-01-03T10:00:00+0100] [ALPM] downgraded zoom (6.3.0-1 -> 6.2.0-1)\n"
      "[2024-01-04T10:00:00+0100] [ALPM] reinstalled zoom (6.2.0-1)\n"
      "[2024-01-05T10:00:00+0100] [ALPM] removed zoom (6.2.0-1)\n"
      "[2019-01-01 10:00] [ALPM] installed skypeforlinux (8.1-1)\n"
      "[2012-01-01 10:00] removed telegram (1.0-1)\n"
      "[2024-01-05T10:00:00+0100] [ALPM] removed zoom\n"
      "stray text\n";
  HistoryLog log = ParsePacmanLog(text);
  REQUIRE(log.events.size() == 7);
  CHECK(log.events[0].action == HistoryAction::kInstall);
  CHECK(log.events[0].package == "zoom");
  CHECK(log.events[0].version == "6.2.0-1");
  CHECK(log.events[0].when.iso == "2024-01-01T10:00:01+01:00");
  CHECK(log.events[1].action == HistoryAction::kUpgrade);
  CHECK(log.events[1].old_version == "6.2.0-1");
  CHECK(log.events[1].version == "6.3.0-1");
  CHECK(log.events[2].action == HistoryAction::kDowngrade);
  CHECK(log.events[3].action == HistoryAction::kReinstall);
  CHECK(log.events[4].action == HistoryAction::kRemove);
  CHECK(log.events[5].when.iso == "2019-01-01T10:00");
  CHECK(log.events[6].package == "telegram");
  REQUIRE(log.error_count == 2);
  CHECK(log.errors[0].line == 11);
  CHECK(log.errors[1].line == 12);
}

TEST_CASE("gzip helper: real gzip, damage, bombs", "[history]") {
  const std::string text(kDpkgLog);
  const std::string gz = Gzip(text);
  CHECK(LooksGzip(gz));
  CHECK_FALSE(LooksGzip(text));
  CHECK(Gunzip(gz) == text);
  CHECK(Gunzip(gz + Gzip("more\n")) == text + "more\n");  // two members
  CHECK_THROWS_AS(Gunzip(text), ParseError);

  // Cut in the middle: an error, or the bytes before the cut on request.
  const std::string cut = gz.substr(0, gz.size() / 2);
  CHECK_THROWS_AS(Gunzip(cut), ParseError);
  std::string damage;
  std::string prefix = Gunzip(cut, kMaxGunzipBytes, &damage);
  CHECK_FALSE(damage.empty());
  CHECK(text.compare(0, prefix.size(), prefix) == 0);

  // A long log cut three quarters in: the lines before the cut come back.
  std::string big;
  for (int i = 0; i < 40000; ++i) {
    big += "2024-01-01 10:00:00 status installed p" + std::to_string(i * 7919) +
           ":amd64 " + std::to_string(i) + "\n";
  }
  const std::string big_gz = Gzip(big);
  std::string salvaged =
      Gunzip(big_gz.substr(0, big_gz.size() * 3 / 4), kMaxGunzipBytes, &damage);
  CHECK_THAT(damage, Catch::Contains("damaged"));
  CHECK(salvaged.size() > big.size() / 4);
  CHECK(salvaged.size() < big.size());
  CHECK(big.compare(0, salvaged.size(), salvaged) == 0);

  // 8 MiB of zeros compress to ~8 KiB: past a 1 MiB bound it is refused.
  const std::string bomb = Gzip(std::string(8u << 20, '\0'));
  CHECK(bomb.size() < 64 * 1024);
  CHECK_THROWS_WITH(Gunzip(bomb, 1u << 20),
                    Catch::Contains("decompresses past 1048576 bytes"));
  CHECK_THROWS_WITH(Gunzip(bomb, 1u << 20, &damage),
                    Catch::Contains("decompresses past"));
  CHECK(Gunzip(bomb, 8u << 20).size() == (8u << 20));
}

TEST_CASE("rotation age: current newest, .N older as N grows, dates",
          "[history]") {
  CHECK(RotationAge("dpkg.log.1", "dpkg.log") <
        RotationAge("dpkg.log", "dpkg.log"));
  CHECK(RotationAge("dpkg.log.10.gz", "dpkg.log") <
        RotationAge("dpkg.log.2.gz", "dpkg.log"));
  CHECK(RotationAge("dpkg.log.2.gz", "dpkg.log") <
        RotationAge("dpkg.log.1", "dpkg.log"));
  CHECK(RotationAge("yum.log-20200101", "yum.log") <
        RotationAge("yum.log-20210101.gz", "yum.log"));
  CHECK(RotationAge("yum.log-20210101", "yum.log") <
        RotationAge("yum.log", "yum.log"));
}

TEST_CASE("dpkg history: rotated and gzipped logs ordered by time",
          "[history]") {
  // Files reach the collector in path order (dpkg.log, dpkg.log.1,
  // dpkg.log.2.gz): newest first. The decision follows the times.
  MemoryVfs vfs;
  vfs.AddFile("/var/log/dpkg.log.2.gz",
              Gzip("2024-01-01 10:00:00 install zoom:amd64 <none> 6.1.0\n"
                   "2024-01-01 10:00:00 status installed zoom:amd64 6.1.0\n"
                   "2024-01-01 11:00:00 install kesl:amd64 <none> 12.1\n"
                   "2024-01-01 11:00:00 status installed kesl:amd64 12.1\n"));
  vfs.AddFile("/var/log/dpkg.log.1",
              "2024-02-01 10:00:00 upgrade zoom:amd64 6.1.0 6.2.0\n"
              "2024-02-01 10:00:00 status installed zoom:amd64 6.2.0\n"
              "2024-02-15 10:00:00 remove zoom:amd64 6.2.0 <none>\n"
              "2024-02-15 10:00:00 status config-files zoom:amd64 6.2.0\n");
  vfs.AddFile(
      "/var/log/dpkg.log",
      // Purging the leftovers later is not the removal.
      "2024-03-01 10:00:00 purge zoom:amd64 6.2.0 <none>\n"
      "2024-03-01 10:00:00 status not-installed zoom:amd64 <none>\n"
      // Removed, then installed again: installed now, no record.
      "2024-03-02 10:00:00 remove kesl:amd64 12.1 <none>\n"
      "2024-03-02 10:00:00 status not-installed kesl:amd64 <none>\n"
      "2024-03-03 10:00:00 install kesl:amd64 <none> 12.2\n"
      "2024-03-03 10:00:00 status installed kesl:amd64 12.2\n"
      // Installed and removed within one second: line order.
      "2024-03-04 10:00:00 install telegram-desktop:amd64 <none> 4.1\n"
      "2024-03-04 10:00:00 status installed telegram-desktop:amd64 4.1\n"
      "2024-03-04 10:00:00 remove telegram-desktop:amd64 4.1 <none>\n"
      "2024-03-04 10:00:00 status not-installed telegram-desktop:amd64 <none>\n"
      // Only the removal is in the logs (the install rotated away).
      "2024-03-05 10:00:00 remove skypeforlinux:amd64 8.1 <none>\n");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("dpkg-history"));
  INFO(Catch::Detail::stringify(Messages(r)));
  CHECK(r.warnings.empty());
  REQUIRE(r.software.size() == 3);
  const Software* zoom = FindSoftware(r, "zoom");
  REQUIRE(zoom);
  CHECK(zoom->ecosystem == "dpkg");
  CHECK(zoom->name == "zoom");
  CHECK(zoom->arch == "amd64");
  CHECK(zoom->version == "6.2.0");
  CHECK(zoom->state == SoftwareState::kRemoved);
  CHECK(zoom->installed_at == "2024-01-01T10:00:00");
  CHECK(zoom->removed_at == "2024-02-15T10:00:00");
  CHECK(zoom->source == "/var/log/dpkg.log.1");
  CHECK(zoom->evidence == "ev");
  CHECK_FALSE(FindSoftware(r, "kesl"));
  const Software* tg = FindSoftware(r, "telegram-desktop");
  REQUIRE(tg);
  CHECK(tg->installed_at == "2024-03-04T10:00:00");
  CHECK(tg->removed_at == "2024-03-04T10:00:00");
  const Software* skype = FindSoftware(r, "skypeforlinux");
  REQUIRE(skype);
  CHECK(skype->version == "8.1");
  CHECK(skype->installed_at.empty());
  CHECK(skype->removed_at == "2024-03-05T10:00:00");
}

TEST_CASE("dpkg history: same-second events across rotations", "[history]") {
  // dpkg.log.10.gz is older than dpkg.log.9.gz although it sorts first.
  MemoryVfs vfs;
  vfs.AddFile("/var/log/dpkg.log.10.gz",
              Gzip("2024-01-01 10:00:00 install zoom:amd64 <none> 1\n"));
  vfs.AddFile("/var/log/dpkg.log.9.gz",
              Gzip("2024-01-01 10:00:00 remove zoom:amd64 1 <none>\n"));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("dpkg-history"));
  REQUIRE(r.software.size() == 1);
  CHECK(r.software[0].source == "/var/log/dpkg.log.9.gz");
}

TEST_CASE("history warnings: damaged lines aggregated per file", "[history]") {
  std::string text = "2024-01-01 10:00:00 install zoom:amd64 <none> 6.2\n";
  for (int i = 0; i < 10; ++i)
    text += "garbage line " + std::to_string(i) + "\n";
  text += "2024-01-02 10:00:00 remove zoom:amd64 6.2 <none>\n";
  MemoryVfs vfs;
  vfs.AddFile("/var/log/dpkg.log", text);
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("dpkg-history"));
  REQUIRE(r.software.size() == 1);
  CHECK(r.software[0].id == "zoom");
  std::vector<std::string> m = Messages(r);
  INFO(Catch::Detail::stringify(m));
  REQUIRE(m.size() == 4);
  CHECK_THAT(m[0], Catch::StartsWith("/var/log/dpkg.log: line 2: "));
  CHECK_THAT(m[1], Catch::StartsWith("/var/log/dpkg.log: line 3: "));
  CHECK_THAT(m[2], Catch::StartsWith("/var/log/dpkg.log: line 4: "));
  CHECK(m[3] == "/var/log/dpkg.log: and 7 more damaged lines");
  for (const Warning& w : r.warnings) CHECK(w.collector == "dpkg-history");
}

TEST_CASE("history: a gzip bomb is a warning, the other logs still count",
          "[history]") {
  // 300 MiB of zeros: about 300 KiB of gzip, past the 256 MiB bound.
  TempDir dir;
  auto made = Run("head -c 300M /dev/zero | gzip -c > " +
                  ShellQuote(dir.path() + "/bomb.gz"));
  REQUIRE(made.exit_code == 0);
  MemoryVfs vfs;
  vfs.AddFile("/var/log/dpkg.log.2.gz", ReadHostFile(dir.path() + "/bomb.gz"));
  vfs.AddFile("/var/log/dpkg.log",
              "2024-01-01 10:00:00 install zoom:amd64 <none> 6.2\n"
              "2024-01-02 10:00:00 remove zoom:amd64 6.2 <none>\n");
  // A cut gzip: the lines before the cut are read, with a warning.
  const std::string whole = Gzip(std::string(kDpkgLog));
  vfs.AddFile("/var/log/dpkg.log.3.gz", whole.substr(0, whole.size() / 2));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("dpkg-history"));
  REQUIRE(FindSoftware(r, "zoom"));
  std::vector<std::string> m = Messages(r);
  INFO(Catch::Detail::stringify(m));
  CHECK(std::any_of(m.begin(), m.end(), [](const std::string& s) {
    return s.rfind("/var/log/dpkg.log.2.gz: ", 0) == 0 &&
           s.find("decompresses past 268435456 bytes") != std::string::npos;
  }));
  CHECK(std::any_of(m.begin(), m.end(), [](const std::string& s) {
    return s.rfind("/var/log/dpkg.log.3.gz: gzip: the stream is damaged", 0) ==
           0;
  }));
}

TEST_CASE("apt history collector: removed and purged packages", "[history]") {
  MemoryVfs vfs;
  vfs.AddFile("/var/log/apt/history.log.1.gz",
              Gzip(std::string(kAptHistory.substr(
                  0, kAptHistory.find("Start-Date: 2026-06-06")))));
  vfs.AddFile("/var/log/apt/history.log",
              std::string(kAptHistory.substr(
                  kAptHistory.find("Start-Date: 2026-06-06"))));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("apt-history"));
  INFO(Catch::Detail::stringify(Messages(r)));
  CHECK(r.warnings.empty());
  REQUIRE(r.software.size() == 2);
  const Software* zoom = FindSoftware(r, "zoom");
  REQUIRE(zoom);
  CHECK(zoom->ecosystem == "dpkg");
  CHECK(zoom->version == "6.2.0.1855");
  CHECK(zoom->installed_at == "2026-05-20T16:49:20");
  CHECK(zoom->removed_at == "2026-06-06T20:09:44");
  CHECK(zoom->source == "/var/log/apt/history.log");
  CHECK(FindSoftware(r, "libxcb-xtest0"));
  CHECK_FALSE(FindSoftware(r, "libudev1"));
}

TEST_CASE("rpm history collector: dnf and yum, year-less dates said so",
          "[history]") {
  MemoryVfs vfs;
  vfs.AddFile(
      "/var/log/dnf.rpm.log",
      "2023-01-01T10:00:00+0000 SUBDEBUG Installed: zoom-6.2.0-1.x86_64\n"
      "2023-01-02T10:00:00+0000 SUBDEBUG Upgrade: zoom-6.3.0-1.x86_64\n"
      "2023-01-02T10:00:00+0000 SUBDEBUG Upgraded: zoom-6.2.0-1.x86_64\n"
      "2023-02-01T10:00:00+0000 SUBDEBUG Erase: zoom-6.3.0-1.x86_64\n"
      "2023-02-01T10:00:00+0000 SUBDEBUG Installed: kesl-12.1-1.x86_64\n");
  vfs.AddFile("/var/log/yum.log-20200101",
              "Dec 30 10:00:00 Installed: skypeforlinux-8.1-1.x86_64\n");
  vfs.AddFile("/var/log/yum.log", "Jan 02 10:00:00 Erased: skypeforlinux\n");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("rpm-history"));
  REQUIRE(r.software.size() == 2);
  const Software* zoom = FindSoftware(r, "zoom");
  REQUIRE(zoom);
  CHECK(zoom->ecosystem == "rpm");
  CHECK(zoom->version == "6.3.0-1");
  CHECK(zoom->arch == "x86_64");
  CHECK(zoom->installed_at == "2023-01-01T10:00:00+00:00");
  CHECK(zoom->removed_at == "2023-02-01T10:00:00+00:00");
  CHECK(zoom->source == "/var/log/dnf.rpm.log");
  const Software* skype = FindSoftware(r, "skypeforlinux");
  REQUIRE(skype);
  CHECK(skype->version == "8.1-1");
  CHECK(skype->arch == "x86_64");  // the bare Erased removed the x86_64 one
  CHECK(skype->installed_at == "--12-30T10:00:00");
  CHECK(skype->removed_at == "--01-02T10:00:00");
  CHECK(skype->source == "/var/log/yum.log");
  std::vector<std::string> m = Messages(r);
  REQUIRE(m.size() == 1);
  CHECK_THAT(m[0],
             Catch::StartsWith("/var/log/yum.log: this log records no year"));
}

TEST_CASE("pacman history collector", "[history]") {
  MemoryVfs vfs;
  vfs.AddFile(
      "/var/log/pacman.log",
      "[2024-01-01T10:00:00+0100] [ALPM] installed zoom (6.2.0-1)\n"
      "[2024-01-02T10:00:00+0100] [ALPM] upgraded zoom (6.2.0-1 -> 6.3.0-1)\n"
      "[2024-01-03T10:00:00+0100] [ALPM] removed zoom (6.3.0-1)\n"
      "[2024-01-03T10:00:00+0100] [ALPM] installed telegram-desktop (4.1-1)\n");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("pacman-history"));
  CHECK(r.warnings.empty());
  REQUIRE(r.software.size() == 1);
  CHECK(r.software[0].ecosystem == "pacman");
  CHECK(r.software[0].id == "zoom");
  CHECK(r.software[0].version == "6.3.0-1");
  CHECK(r.software[0].arch.empty());
  CHECK(r.software[0].installed_at == "2024-01-01T10:00:00+01:00");
  CHECK(r.software[0].removed_at == "2024-01-03T10:00:00+01:00");
}

TEST_CASE("history collectors: xz-rotated logs are named, not misread",
          "[history]") {
  MemoryVfs vfs;
  vfs.AddFile("/var/log/pacman.log.1.xz", std::string("\xFD"
                                                      "7zXZ\0junk",
                                                      10));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("pacman-history"));
  CHECK(r.software.empty());
  REQUIRE(r.warnings.size() == 1);
  CHECK_THAT(r.warnings[0].message, Catch::Contains("compressed with xz"));
}
