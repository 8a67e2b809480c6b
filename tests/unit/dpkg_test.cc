#include <catch2/catch.hpp>

#include <algorithm>

#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/deb_control.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::CollectorNamed;
using contraband::testing::CorpusPath;
using contraband::testing::FindSoftware;
using contraband::testing::ReadHostFile;

namespace {

CollectResult CollectStatus(const std::string& status,
                            const std::string& path = "/var/lib/dpkg/status") {
  MemoryVfs vfs;
  vfs.AddFile(path, status);
  return CollectSoftware(vfs, "ev", CollectorNamed("dpkg"));
}

}  // namespace

TEST_CASE("control parser joins continuation lines and handles CRLF", "[dpkg]") {
  auto stanzas = ParseControl(
      "Package: a\r\nVersion: 1\r\nDescription: x\r\n more\r\n .\r\n end\r\n"
      "\r\n\r\n# comment\nPackage: b\nVersion: 2");
  REQUIRE(stanzas.size() == 2);
  CHECK(*stanzas[0].Get("package") == "a");
  CHECK(*stanzas[0].Get("Description") == "x\nmore\n\nend");
  CHECK(stanzas[1].line == 10);
  CHECK(*stanzas[1].Get("Version") == "2");
  CHECK(stanzas[1].error.empty());
}

TEST_CASE("control parser marks a damaged stanza and resumes after it", "[dpkg]") {
  auto stanzas = ParseControl(
      "Package: bad\nthis is not a field\nVersion: 9\n\nPackage: good\n");
  REQUIRE(stanzas.size() == 2);
  CHECK_THAT(stanzas[0].error, Catch::Contains("line 2"));
  CHECK(stanzas[0].Get("Version") == nullptr);  // skipped after the damage
  CHECK(stanzas[1].error.empty());
}

TEST_CASE("control parser bounds the stanza count", "[dpkg]") {
  std::string many;
  for (int i = 0; i < 20; ++i) many += "Package: p\n\n";
  ControlLimits limits;
  limits.max_stanzas = 10;
  CHECK_THROWS_AS(ParseControl(many, limits), ParseError);
}

TEST_CASE("dpkg: only completed installs are installed; config-files is residue",
          "[dpkg]") {
  auto r = CollectStatus(
      "Package: zoom\nStatus: install ok installed\nVersion: 6.2.0\n"
      "Architecture: amd64\nMaintainer: Zoom <linux@zoom.us>\n\n"
      "Package: kesl\nStatus: hold ok installed\nVersion: 12.1.0.1297\n\n"
      "Package: skypeforlinux\nStatus: deinstall ok config-files\n"
      "Version: 8.1\n\n"
      "Package: gone\nStatus: purge ok not-installed\n\n"
      "Package: half\nStatus: install reinstreq half-installed\nVersion: 1\n");
  REQUIRE(r.software.size() == 4);
  const Software* zoom = FindSoftware(r, "zoom");
  REQUIRE(zoom);
  CHECK(zoom->state == SoftwareState::kInstalled);
  CHECK(zoom->version == "6.2.0");
  CHECK(zoom->arch == "amd64");
  CHECK(zoom->publisher == "Zoom <linux@zoom.us>");
  CHECK(zoom->source == "/var/lib/dpkg/status");
  CHECK(zoom->evidence == "ev");
  CHECK(FindSoftware(r, "kesl")->state == SoftwareState::kInstalled);
  CHECK(FindSoftware(r, "skypeforlinux")->state == SoftwareState::kResidue);
  CHECK(FindSoftware(r, "half")->state == SoftwareState::kResidue);
  CHECK(FindSoftware(r, "gone") == nullptr);
  CHECK(r.warnings.empty());
}

TEST_CASE("dpkg: a truncated status file keeps what precedes the cut", "[dpkg]") {
  auto r = CollectStatus(
      "Package: zoom\nStatus: install ok installed\nVersion: 6.2.0\n\n"
      "Package: telegram-desktop\nStat");
  REQUIRE(r.software.size() == 1);
  CHECK(r.software[0].id == "zoom");
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].path == "/var/lib/dpkg/status");
  CHECK(r.warnings[0].collector == "dpkg");
  CHECK_THAT(r.warnings[0].message, Catch::Contains("telegram-desktop"));
}

TEST_CASE("dpkg: distroless status.d entries have no Status and are installed",
          "[dpkg]") {
  MemoryVfs vfs;
  vfs.AddFile("/var/lib/dpkg/status.d/tzdata",
              "Package: tzdata\nVersion: 2021a-1\nArchitecture: all\n");
  vfs.AddFile("/var/lib/dpkg/status.d/tzdata.md5sums", "abc  usr/share/x\n");
  vfs.AddFile("/var/lib/dpkg/status.d/python3.11",
              "Package: python3.11\nVersion: 3.11.2-6\n");
  auto r = CollectSoftware(vfs, "ev", CollectorNamed("dpkg"));
  REQUIRE(r.software.size() == 2);
  CHECK(FindSoftware(r, "tzdata")->source == "/var/lib/dpkg/status.d/tzdata");
  CHECK(FindSoftware(r, "python3.11")->state == SoftwareState::kInstalled);
  CHECK(r.warnings.empty());
}

// Expected values below were read with dpkg-query --admindir on a copy of
// each corpus file.
TEST_CASE("dpkg corpus: scalibr valid status", "[dpkg][corpus]") {
  auto path = CorpusPath("dpkg/scalibr_dpkg_valid");
  SKIP_UNLESS_CORPUS(path);
  auto r = CollectStatus(ReadHostFile(*path));
  REQUIRE(r.software.size() == 7);
  CHECK(FindSoftware(r, "attr")->version == "1:2.5.1-4");
  CHECK(FindSoftware(r, "util-linux-extra")->version == "2.38.1-5+b1");
  CHECK(FindSoftware(r, "admin-session")->version == "2023.06.26.c543406313-00");
  CHECK(r.warnings.empty());
}

TEST_CASE("dpkg corpus: Ubuntu host status excerpt", "[dpkg][corpus]") {
  auto path = CorpusPath("dpkg/velociraptor_ubuntu_status");
  SKIP_UNLESS_CORPUS(path);
  auto r = CollectStatus(ReadHostFile(*path));
  REQUIRE(r.software.size() == 6);
  CHECK(FindSoftware(r, "amd64-microcode")->version == "3.20191218.1ubuntu2.1");
  CHECK(FindSoftware(r, "alsa-ucm-conf")->version == "1.2.6.3-1ubuntu1.7");
}

TEST_CASE("dpkg corpus: Status values beyond installed", "[dpkg][corpus]") {
  auto path = CorpusPath("dpkg/scalibr_dpkg_statusfield");
  SKIP_UNLESS_CORPUS(path);
  auto r = CollectStatus(ReadHostFile(*path));
  for (const char* id : {"wantinstall_installed", "wantdeinstall_installed",
                         "wantpurge_installed"}) {
    INFO(id);
    REQUIRE(FindSoftware(r, id));
    CHECK(FindSoftware(r, id)->state == SoftwareState::kInstalled);
  }
  for (const char* id : {"wantdeinstall_configfiles", "wantinstall_unpacked",
                         "wantinstall_halfinstalled"}) {
    INFO(id);
    REQUIRE(FindSoftware(r, id));
    CHECK(FindSoftware(r, id)->state == SoftwareState::kResidue);
  }
  CHECK(FindSoftware(r, "wantnostatus") == nullptr);
  REQUIRE(r.warnings.size() == 1);
  CHECK_THAT(r.warnings[0].message, Catch::Contains("wantnostatus"));
}

TEST_CASE("dpkg corpus: deinstalled kernel is residue", "[dpkg][corpus]") {
  auto path = CorpusPath("dpkg/syft_status.d_deinstall");
  SKIP_UNLESS_CORPUS(path);
  auto r = CollectStatus(ReadHostFile(*path));
  REQUIRE(r.software.size() == 2);
  CHECK(FindSoftware(r, "linux-image-6.14.0-1012-aws")->state ==
        SoftwareState::kInstalled);
  CHECK(FindSoftware(r, "linux-image-6.8.0-1029-aws")->state == SoftwareState::kResidue);
}

TEST_CASE("dpkg corpus: corrupted status files warn and keep good packages",
          "[dpkg][corpus]") {
  auto trivy = CorpusPath("dpkg/trivy_corrupted_status");
  auto syft = CorpusPath("dpkg/syft_status.d_corrupt");
  auto empty_name = CorpusPath("dpkg/syft_image-dpkg_status");
  SKIP_UNLESS_CORPUS(trivy, syft, empty_name);
  auto r = CollectStatus(ReadHostFile(*trivy));
  std::vector<std::string> ids;
  for (const Software& s : r.software) ids.push_back(s.id);
  std::sort(ids.begin(), ids.end());
  CHECK(ids == std::vector<std::string>{"libgcc1", "libpam-modules-bin",
                                        "libpam-runtime", "makedev"});
  CHECK(FindSoftware(r, "libgcc1")->version == "1:5.1.1-12ubuntu1");
  CHECK(r.warnings.size() == 2);  // the two stanzas without a Status

  auto c = CollectStatus(ReadHostFile(*syft), "/var/lib/dpkg/status.d/apt");
  CHECK(c.software.empty());
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0].path == "/var/lib/dpkg/status.d/apt");

  auto e = CollectStatus(ReadHostFile(*empty_name));
  REQUIRE(e.software.size() == 1);
  CHECK(e.software[0].id == "libpam-runtime");
  CHECK(e.warnings.size() == 1);
}
