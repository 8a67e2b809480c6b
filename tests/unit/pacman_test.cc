#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include "collectors/registry.h"
#include "evidence/host/directory_vfs.h"
#include "evidence/memory_vfs.h"
#include "formats/pacman_desc.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::AllWarnings;
using contraband::testing::CollectorNamed;
using contraband::testing::CorpusPath;
using contraband::testing::FindSoftware;
using contraband::testing::HaveTool;
using contraband::testing::NameVersions;
using contraband::testing::ReadHostFile;
using contraband::testing::Run;
using contraband::testing::ShellQuote;
using contraband::testing::TempDir;

namespace {

// The corpus desc files laid out as a pacman local database under `root`
// (folder names are <name>-<version> as pacman makes them). Returns false
// when the corpus is absent.
bool BuildCorpusDb(const TempDir& root) {
  auto cov = CorpusPath("pacman/syft_cov_local");
  if (!cov) return false;
  const std::string local = "var/lib/pacman/local/";
  root.Write(local + "ALPM_DB_VERSION",
             ReadHostFile(*cov + "/ALPM_DB_VERSION"));
  root.Write(local + "pacman-6.0.1-5/desc",
             ReadHostFile(*cov + "/pacman-6.0.1-5/desc"));
  const std::pair<const char*, const char*> loose[] = {
      {"pacman/scalibr_desc_valid", "gawk-5.3.1-1"},
      {"pacman/scalibr_desc_valid_no_dep", "libxml2-2.13.5-1"},
      {"pacman/scalibr_desc_valid_one_dep", "filesystem-2024.11.21-1"}};
  for (const auto& [file, folder] : loose) {
    auto p = CorpusPath(file);
    if (!p) return false;
    root.Write(local + folder + "/desc", ReadHostFile(*p));
  }
  return true;
}

}  // namespace

TEST_CASE("pacman desc parser reads sections and lists", "[pacman]") {
  PacmanDesc d = ParsePacmanDesc(
      "%NAME%\r\nfoo\r\n\r\n%VERSION%\n1:2.0-3\n\n%DEPENDS%\nglibc\nbash\n\n"
      "%EMPTY%\n\n");
  CHECK(d.problems.empty());
  REQUIRE(d.First("NAME") != nullptr);
  CHECK(*d.First("NAME") == "foo");
  CHECK(*d.First("VERSION") == "1:2.0-3");
  CHECK(d.First("EMPTY") == nullptr);
  CHECK(d.First("MISSING") == nullptr);
  REQUIRE(d.sections.size() == 4);
  CHECK(d.sections[2].second == std::vector<std::string>{"glibc", "bash"});
}

TEST_CASE("pacman desc parser notes stray text and repeated sections",
          "[pacman]") {
  PacmanDesc d = ParsePacmanDesc("garbage\n%NAME%\nfoo\n\n%NAME%\nbar\n\n%%\n");
  REQUIRE(d.problems.size() == 3);
  CHECK_THAT(d.problems[0], Catch::Contains("line 1"));
  CHECK_THAT(d.problems[1], Catch::Contains("appears again"));
  CHECK(*d.First("NAME") == "foo");
  PacmanDescLimits tight;
  tight.max_sections = 1;
  CHECK_THROWS_AS(ParsePacmanDesc("%A%\nx\n\n%B%\ny\n", tight), ParseError);
}

TEST_CASE("pacman folder names split as pacman splits them", "[pacman]") {
  auto s = SplitPacmanEntryName("gawk-5.3.1-1");
  REQUIRE(s);
  CHECK(s->first == "gawk");
  CHECK(s->second == "5.3.1-1");
  s = SplitPacmanEntryName("lib32-gcc-libs-2:14.1.1+r1-1");
  REQUIRE(s);
  CHECK(s->first == "lib32-gcc-libs");
  CHECK(s->second == "2:14.1.1+r1-1");
  CHECK_FALSE(SplitPacmanEntryName("junk"));
  CHECK_FALSE(SplitPacmanEntryName("a-1"));
  CHECK_FALSE(SplitPacmanEntryName("-1-2"));
  CHECK_FALSE(SplitPacmanEntryName("a--2"));
  CHECK_FALSE(SplitPacmanEntryName("a-1-"));
}

TEST_CASE("pacman collector lists the corpus database as pacman -Q does",
          "[pacman]") {
  TempDir root;
  if (!BuildCorpusDb(root)) {
    WARN("corpus absent: skipped");
    return;
  }
  DirectoryVfs vfs(root.path());
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("pacman"));
  CHECK(AllWarnings(r).empty());
  // Read with pacman 6.0.2 (`pacman -Q --dbpath`).
  const std::vector<std::string> expected = {"filesystem 2024.11.21-1",
                                             "gawk 5.3.1-1", "libxml2 2.13.5-1",
                                             "pacman 6.0.1-5"};
  CHECK(NameVersions(r) == expected);
  if (HaveTool("pacman")) {
    auto q = Run("pacman -Q --dbpath " +
                 ShellQuote(root.path() + "/var/lib/pacman"));
    REQUIRE(q.exit_code == 0);
    std::vector<std::string> lines;
    std::istringstream in(q.out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    CHECK(lines == expected);
  } else {
    WARN("pacman not installed: compared with recorded pacman -Q output only");
  }
  const Software* gawk = FindSoftware(r, "gawk");
  REQUIRE(gawk != nullptr);
  CHECK(gawk->ecosystem == "pacman");
  CHECK(gawk->name == "gawk");
  CHECK(gawk->arch == "x86_64");
  CHECK(gawk->publisher == "Tobias Powalowski <tpowa@archlinux.org>");
  CHECK(gawk->source == "/var/lib/pacman/local/gawk-5.3.1-1/desc");
  CHECK(FindSoftware(r, "filesystem")->arch == "any");
}

TEST_CASE("pacman collector survives damaged entries", "[pacman]") {
  MemoryVfs vfs;
  const std::string local = "/var/lib/pacman/local/";
  vfs.AddFile(local + "good-1.0-1/desc", "%NAME%\ngood\n\n%VERSION%\n1.0-1\n");
  // No %VERSION%: pacman takes it from the folder name; so do we, warning.
  vfs.AddFile(local + "nover-2.0-1/desc", "%NAME%\nnover\n\n%ARCH%\nany\n");
  // Folder and desc disagree: the desc is reported, with a warning.
  vfs.AddFile(local + "drift-1.0-1/desc",
              "%NAME%\ndrift\n\n%VERSION%\n1.1-1\n");
  // A name but no version anywhere: still software, reported without one.
  vfs.AddFile(local + "bare/desc", "%NAME%\nbare\n\n%ARCH%\nany\n");
  // Nothing usable at all.
  vfs.AddFile(local + "junk/desc", "\x01\x02 binary \xff\n");
  vfs.AddFile(local + "empty-1-1/desc", "");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("pacman"));
  CHECK(NameVersions(r) == std::vector<std::string>{"bare ", "drift 1.1-1",
                                                    "empty 1-1",
                                                    "good 1.0-1",
                                                    "nover 2.0-1"});
  const std::string all = AllWarnings(r);
  CHECK_THAT(all, Catch::Contains("nover-2.0-1/desc: desc has no %VERSION%"));
  CHECK_THAT(all, Catch::Contains("drift-1.0-1/desc: local database is "
                                  "inconsistent"));
  CHECK_THAT(all, Catch::Contains("junk/desc: desc has no %NAME%"));
  CHECK_THAT(all, Catch::Contains("bare/desc: desc has no %VERSION% section "
                                  "and the folder name \"bare\" is not "
                                  "<name>-<version>-<release>; reported "
                                  "without a version"));
  CHECK_THAT(all, Catch::Contains("junk/desc: line 1"));
  CHECK_THAT(all, Catch::Contains("empty-1-1/desc: desc has no %NAME%"));
}
