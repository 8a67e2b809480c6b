#include <algorithm>
#include <catch2/catch.hpp>

#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/apk_installed.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::CollectorNamed;
using contraband::testing::CorpusPath;
using contraband::testing::NameVersions;
using contraband::testing::ReadHostFile;

namespace {

constexpr const char* kDb = "/lib/apk/db/installed";

CollectResult CollectDb(const std::string& text) {
  MemoryVfs vfs;
  vfs.AddFile(kDb, text);
  return CollectSoftware(vfs, "ev", CollectorNamed("apk"));
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("apk parser reads package fields and skips file records", "[apk]") {
  ApkDatabase db = ParseApkInstalled(
      "C:Q1abc=\r\nP:musl\r\nV:1.2.3-r5\r\nA:aarch64\r\nm:Timo <t@x>\r\n"
      "o:musl\r\nF:lib\r\nR:libc.so\r\nZ:Q1x=\r\n\r\n\r\nP:zlib\nV:1.3-r0\n");
  REQUIRE(db.packages.size() == 2);
  CHECK(db.problems.empty());
  const ApkPackage& musl = db.packages[0];
  CHECK(musl.line == 1);
  CHECK(musl.name == "musl");
  CHECK(musl.version == "1.2.3-r5");
  CHECK(musl.arch == "aarch64");
  CHECK(musl.maintainer == "Timo <t@x>");
  CHECK(musl.origin == "musl");
  CHECK(musl.error.empty());
  CHECK(db.packages[1].line == 12);
  CHECK(db.packages[1].name == "zlib");
}

TEST_CASE("apk parser marks damage and resumes at the next stanza", "[apk]") {
  ApkDatabase db = ParseApkInstalled(
      "junk before\nmore junk\n\nP:a\nV:1\nnot a field\nP:ignored\n\n"
      "P:b\nV:2\nF:x\nP:c\nV:3\n\nP:d\nV:4\n");
  REQUIRE(db.problems.size() == 1);
  CHECK_THAT(db.problems[0], Catch::Contains("lines 1-2"));
  REQUIRE(db.packages.size() == 3);
  CHECK(db.packages[0].name == "a");
  CHECK_THAT(db.packages[0].error, Catch::Contains("line 6"));
  CHECK(db.packages[1].name == "b");  // two stanzas run together
  CHECK_THAT(db.packages[1].error, Catch::Contains("second P:"));
  CHECK(db.packages[2].name == "d");
  CHECK(db.packages[2].error.empty());
}

TEST_CASE("apk parser handles empty and hostile input", "[apk]") {
  CHECK(ParseApkInstalled("").packages.empty());
  CHECK(ParseApkInstalled("\n\n\n").packages.empty());
  std::string binary(4096, '\0');
  for (size_t i = 0; i < binary.size(); ++i)
    binary[i] = static_cast<char>(i * 31);
  ApkDatabase db = ParseApkInstalled(binary);
  CHECK(db.problems.size() <= 1001);
  ApkLimits tight;
  tight.max_packages = 1;
  CHECK_THROWS_AS(ParseApkInstalled("P:a\nV:1\n\nP:b\nV:2\n", tight),
                  ParseError);
}

TEST_CASE("apk collector reports the real Alpine databases exactly", "[apk]") {
  struct Case {
    const char* file;
    std::vector<std::string> expected;
  };
  // Names and versions read off the P:/V: lines of each file.
  const std::vector<Case> cases = {
      {"apk/scalibr_installed",
       {"alpine-baselayout 3.4.3-r1", "alpine-baselayout-data 3.4.3-r1",
        "alpine-keys 2.4-r1", "apk-tools 2.14.0-r0", "busybox 1.36.0-r9",
        "busybox-binsh 1.36.0-r9", "ca-certificates-bundle 20230506-r0",
        "libc-utils 0.7.2-r5", "libcrypto3 3.1.0-r4", "libssl3 3.1.0-r4",
        "musl 1.2.4-r0", "musl-utils 1.2.4-r0", "scanelf 1.3.7-r1",
        "ssl_client 1.36.0-r9", "zlib 1.2.13-r1"}},
      {"apk/syft_multiple-2_installed",
       {"alpine-baselayout-data 3.2.0-r22", "musl 1.2.3-r0",
        "busybox 1.35.0-r17", "alpine-baselayout 3.2.0-r22",
        "alpine-keys 2.4-r1", "ca-certificates-bundle 20220614-r0",
        "libcrypto1.1 1.1.1q-r0", "libssl1.1 1.1.1q-r0",
        "ssl_client 1.35.0-r17", "zlib 1.2.12-r3", "apk-tools 2.12.9-r3",
        "scanelf 1.3.4-r0", "musl-utils 1.2.3-r0", "libc-utils 0.7.2-r3"}},
      {"apk/syft_multiple-1_installed",
       {"bash 5.2.21-r0", "busybox-binsh 1.36.1-r15",
        "musl 1.2.4_git20230717-r4", "readline 8.2.1-r2"}},
      {"apk/syft_cov_installed",
       {"libc-utils 0.7.2-r0", "musl-utils 1.1.24-r2"}},
      {"apk/syft_base", {"alpine-baselayout 3.2.0-r6"}},
      {"apk/scalibr_different-arch", {"alpine-baselayout-data 3.4.3-r1"}},
      {"apk/syft_empty-deps-and-provides", {"alpine-baselayout-data 3.4.0-r0"}},
      {"apk/syft_extra-file-attributes", {"openjdk8-jre 8.212.04-r0"}},
      {"apk/trivy_vm_installed", {"musl 1.2.3-r5"}},
  };
  for (const Case& c : cases) {
    auto path = CorpusPath(c.file);
    SKIP_UNLESS_CORPUS(path);
    INFO(c.file);
    CollectResult r = CollectDb(ReadHostFile(*path));
    CHECK(r.warnings.empty());
    CHECK(NameVersions(r) == Sorted(c.expected));
    for (const Software& s : r.software) {
      CHECK(s.ecosystem == "apk");
      CHECK(s.source == kDb);
      CHECK(s.evidence == "ev");
    }
  }
}

TEST_CASE("apk collector keeps arch and maintainer", "[apk]") {
  auto path = CorpusPath("apk/trivy_vm_installed");
  SKIP_UNLESS_CORPUS(path);
  CollectResult r = CollectDb(ReadHostFile(*path));
  REQUIRE(r.software.size() == 1);
  CHECK(r.software[0].arch == "aarch64");
  CHECK(r.software[0].publisher == "Timo Ter\xC3\xA4s <timo.teras@iki.fi>");
  CHECK(r.software[0].state == SoftwareState::kInstalled);
}

TEST_CASE("apk collector warns about a corrupt database and keeps the package",
          "[apk]") {
  auto path = CorpusPath("apk/syft_corrupt_installed");
  SKIP_UNLESS_CORPUS(path);
  CollectResult r = CollectDb(ReadHostFile(*path));
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].collector == "apk");
  CHECK(r.warnings[0].path == kDb);
  CHECK_THAT(r.warnings[0].message, Catch::Contains("line 1"));
  CHECK(NameVersions(r) ==
        std::vector<std::string>{"alpine-baselayout-data 3.2.0-r22"});
}

TEST_CASE("apk collector reports a stanza without a version and skips one "
          "without a name", "[apk]") {
  CollectResult r = CollectDb(
      "P:ok\nV:1-r0\n\nP:noversion\nA:x86_64\n\nV:2\n\nP:late\nV:3\n?bad\n");
  // A name is software: reported with an empty version, and a warning.
  CHECK(NameVersions(r) ==
        std::vector<std::string>{"late 3", "noversion ", "ok 1-r0"});
  REQUIRE(r.warnings.size() == 3);
  std::string all;
  for (const Warning& w : r.warnings) all += w.message + "\n";
  CHECK_THAT(all, Catch::Contains("(noversion) has no V: (version) field; "
                                  "reported without a version"));
  CHECK_THAT(all, Catch::Contains("has no P:"));
  CHECK_THAT(all, Catch::Contains("(late) is damaged"));
}
