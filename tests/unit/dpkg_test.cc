#include <catch2/catch.hpp>

#include <algorithm>

#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/deb_control.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"
#include "common/sha256.h"
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

TEST_CASE("dpkg: only completed installs are installed, config-files is residue",
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

namespace {

// Control text with every construct the parser treats specially: CRLF, a
// comment, continuation lines and ".", runs of blank lines, a damaged stanza,
// a stanza without Package or Status, not-installed, residue, no Version and
// a last line cut off without its '\n'.
const char kTrickyStatus[] =
    "Package: zoom\r\nStatus: install ok installed\r\nVersion: 6.2.0\r\n"
    "Description: video\r\n more\r\n .\r\n end\r\n\r\n"
    "\n\n# a comment\n"
    "Package: bad\nStatus: install ok installed\nthis is not a field\n"
    "Version: 9\n\n"
    " continuation first\nPackage: worse\n\n"
    "Version: 1\n\n"
    "Package: nostatus\nVersion: 2\n\n"
    "Package: gone\nStatus: purge ok not-installed\n\n"
    "Package: skypeforlinux\nStatus: deinstall ok config-files\nVersion: 8\n\n"
    "Package: noversion\nStatus: install ok installed\n\n"
    "Package: kesl\nStatus: hold ok installed\nVersion: 12\n"
    "Architecture: amd64\nMaintainer: K <k@example.com>\n\n \t\n"
    "Package: telegram-desktop\nStatus: install ok installed\nVersion: 4.1\r";

bool SameStanzas(const std::vector<ControlStanza>& a,
                 const std::vector<ControlStanza>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].line != b[i].line || a[i].error != b[i].error ||
        a[i].fields.size() != b[i].fields.size()) {
      return false;
    }
    for (size_t k = 0; k < a[i].fields.size(); ++k) {
      if (a[i].fields[k].name != b[i].fields[k].name ||
          a[i].fields[k].value != b[i].fields[k].value) {
        return false;
      }
    }
  }
  return true;
}

// The stanzas of `text` fed to the streaming parser in the given pieces.
std::vector<ControlStanza> StreamPieces(
    const std::vector<std::string_view>& pieces) {
  std::vector<ControlStanza> out;
  ControlStreamParser parser(
      [&](ControlStanza& s) { out.push_back(std::move(s)); });
  for (std::string_view p : pieces) parser.Feed(p);
  parser.Finish();
  return out;
}

std::vector<std::string_view> Cut(std::string_view text, size_t size) {
  std::vector<std::string_view> pieces;
  for (size_t pos = 0; pos < text.size(); pos += size) {
    pieces.push_back(text.substr(pos, size));
  }
  return pieces;
}

// Records and warnings, as comparable text.
std::vector<std::string> Rows(const CollectResult& r) {
  std::vector<std::string> rows;
  for (const Software& s : r.software) {
    rows.push_back(s.id + "|" + s.version + "|" + s.arch + "|" + s.publisher +
                   "|" + std::string(ToString(s.state)) + "|" + s.source + "|" +
                   s.location + "|" + s.evidence);
  }
  for (const Warning& w : r.warnings) {
    rows.push_back("warning|" + w.path + "|" + w.collector + "|" + w.message);
  }
  return rows;
}

// Collects `status` as /var/lib/dpkg/status handed over `chunk` bytes at a
// time (0: whole).
CollectResult CollectInChunks(const std::string& status, size_t chunk) {
  MemoryVfs vfs;
  vfs.AddFile("/var/lib/dpkg/status", status);
  if (chunk > 0) vfs.set_chunk_bytes(chunk);
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("dpkg"));
  CHECK(vfs.bytes_read() == status.size());
  CHECK(vfs.files_read() == 1);
  return r;
}

}  // namespace

TEST_CASE("streaming control parser: same stanzas wherever the text is cut",
          "[dpkg][stream]") {
  const std::string_view text = kTrickyStatus;
  const std::vector<ControlStanza> whole = ParseControl(text);
  REQUIRE(whole.size() == 10);
  CHECK_FALSE(whole[1].error.empty());
  // Every piece size, then every single cut into two and three pieces.
  for (size_t size = 1; size <= text.size(); ++size) {
    INFO("pieces of " << size << " bytes");
    CHECK(SameStanzas(StreamPieces(Cut(text, size)), whole));
  }
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK(SameStanzas(StreamPieces({text.substr(0, cut), text.substr(cut)}),
                      whole));
    const size_t second = std::min(text.size(), cut + 3);
    CHECK(SameStanzas(
        StreamPieces({text.substr(0, cut), text.substr(cut, second - cut), "",
                      text.substr(second)}),
        whole));
  }
  CHECK(StreamPieces({}).empty());
  CHECK(StreamPieces({"", "\n\r\n", ""}).empty());
}

TEST_CASE("streaming control parser: a stanza goes out once it is closed",
          "[dpkg][stream]") {
  std::vector<std::string> seen;
  ControlStreamParser parser(
      [&](ControlStanza& s) { seen.push_back(*s.Get("Package")); });
  parser.Feed("Package: a\nVersion: 1\n");
  CHECK(seen.empty());  // a continuation or another field may follow
  parser.Feed("\nPackage: b\nVer");
  CHECK(seen == std::vector<std::string>{"a"});
  parser.Feed("sion: 2\n");
  parser.Finish();
  CHECK(seen == std::vector<std::string>{"a", "b"});
}

TEST_CASE("streaming control parser: the stanza bound holds",
          "[dpkg][stream]") {
  ControlLimits limits;
  limits.max_stanzas = 3;
  size_t got = 0;
  ControlStreamParser parser([&](ControlStanza&) { ++got; }, limits);
  CHECK_THROWS_AS(
      [&] {
        for (int i = 0; i < 5; ++i) parser.Feed("Package: p\n\n");
      }(),
      ParseError);
  CHECK(got == 3);  // the stanzas before the bound were handed out
}

TEST_CASE(
    "dpkg: a status file read in pieces gives the same records and warnings",
    "[dpkg][stream]") {
  const std::string status = kTrickyStatus;
  const CollectResult whole = CollectInChunks(status, 0);
  const std::vector<std::string> expected = Rows(whole);
  REQUIRE(whole.software.size() ==
          6);  // zoom, bad, skype, noversion, kesl, telegram
  REQUIRE(whole.warnings.size() ==
          5);  // bad, worse, "Version: 1", nostatus, noversion
  CHECK(FindSoftware(whole, "telegram-desktop")->version == "4.1");
  for (size_t chunk = 1; chunk <= status.size(); ++chunk) {
    INFO("chunks of " << chunk << " bytes");
    CHECK(Rows(CollectInChunks(status, chunk)) == expected);
  }
}

TEST_CASE("dpkg corpus: status files read in pieces give the same records",
          "[dpkg][stream][corpus]") {
  for (const char* name :
       {"dpkg/scalibr_dpkg_valid", "dpkg/velociraptor_ubuntu_status",
        "dpkg/trivy_corrupted_status", "dpkg/scalibr_dpkg_statusfield",
        "dpkg/syft_image-dpkg_status"}) {
    auto path = CorpusPath(name);
    SKIP_UNLESS_CORPUS(path);
    INFO(name);
    const std::string status = ReadHostFile(*path);
    const std::vector<std::string> expected = Rows(CollectInChunks(status, 0));
    CHECK_FALSE(expected.empty());
    for (size_t chunk = 1; chunk <= status.size(); ++chunk) {
      INFO("chunks of " << chunk << " bytes");
      REQUIRE(Rows(CollectInChunks(status, chunk)) == expected);
    }
  }
}

// A streaming collector that gives up after its first piece.
class GivesUpCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    FileRequest r{"/records", 1u << 20};
    r.stream = true;
    return {r};
  }
  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    file.ReadChunks([&](std::string_view chunk) {
      Software sw;
      sw.ecosystem = "test";
      sw.id = std::string(chunk);
      sink.Add(std::move(sw));
      throw ParseError("gave up");
    });
  }
};

TEST_CASE("scanner: --hash covers the whole of a streamed file",
          "[dpkg][stream]") {
  std::string status;
  for (int i = 0; i < 3; ++i) {
    status += "Package: p" + std::to_string(i) +
              "\nStatus: install ok installed\nVersion: 1\n\n";
  }
  CollectOptions options;
  options.hash = true;
  for (size_t chunk : {size_t{0}, size_t{1}, size_t{7}, size_t{64}}) {
    INFO("chunks of " << chunk << " bytes");
    MemoryVfs vfs;
    vfs.AddFile("/var/lib/dpkg/status", status);
    vfs.AddFile("/records", status);
    if (chunk > 0) vfs.set_chunk_bytes(chunk);
    CollectResult r =
        CollectSoftware(vfs, "ev", CollectorNamed("dpkg"), options);
    REQUIRE(r.software.size() == 3);
    for (const Software& s : r.software) {
      CHECK(s.source_sha256 == Sha256::Of(status));
    }
    // A collector that stops part way still gets the digest of every byte.
    const std::vector<CollectorInfo> gives_up = {
        {"gives-up", "test", "test",
         [] { return std::unique_ptr<Collector>(new GivesUpCollector); }}};
    r = CollectSoftware(vfs, "ev", gives_up, options);
    REQUIRE(r.software.size() == 1);
    CHECK(r.software[0].source_sha256 == Sha256::Of(status));
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].message == "cannot parse: gave up");
    CHECK(vfs.bytes_read() == 2 * status.size());
  }
}

TEST_CASE("scanner: records go to a consumer as they are collected",
          "[dpkg][stream]") {
  MemoryVfs vfs;
  vfs.AddFile("/var/lib/dpkg/status", kTrickyStatus);
  vfs.set_chunk_bytes(5);
  std::vector<std::string> ids;
  CollectResult r =
      CollectSoftware(vfs, "ev", CollectorNamed("dpkg"), {}, [&](Software sw) {
        CHECK(sw.evidence == "ev");
        CHECK(sw.source == "/var/lib/dpkg/status");
        ids.push_back(sw.id);
      });
  CHECK(r.software.empty());
  CHECK(ids.size() == 6);
  CHECK(r.warnings.size() == 5);
}
