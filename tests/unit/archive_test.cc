// The one-pass archive reader: the compiled name matcher, and the piped
// read of tar.zst / tar.gz (a decompression thread feeding the tar parser)
// against the plain tar of the same tree.
#include <catch2/catch.hpp>

#include <algorithm>

#include "common/wildcard.h"
#include "evidence/archive/archive_source.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

TEST_CASE("wildcard set: the same answers as WildcardMatch one by one",
          "[archive][wildcard]") {
  const std::vector<std::string> patterns = {
      "status",  "status",    "*.desktop", "kaspersky*", "Kaspersky Lab",
      "?ctive",  "[ab]*",     "*",         "",           "[unterminated",
      "a*b*c",   "*[0-9]",    "x?",        "*.x[ml]l",   "desc",
      "[!a]bc",  "history.log*", "a*a",  "ab*ba", "x]y*z", "q*[xy]"};
  const std::vector<std::string> texts = {
      "status",    "status.d",    "zoom.desktop", ".desktop", "kaspersky",
      "kaspersky-free", "Kaspersky Lab", "active", "xctive", "ctive",
      "apple",     "banana",      "",             "[unterminated",
      "abc",       "aXbYc",       "ac",           "file7",  "x",
      "xy",        "a.xml",       "a.xll",        "desc",   "bbc",
      "abc ",      "history.log.1", "Status", "a", "aa", "aba", "abba",
      "x]yz", "x]y-z", "qx", "qz", "q"};
  WildcardSet set;
  for (size_t i = 0; i < patterns.size(); ++i) set.Add(patterns[i], i);
  std::vector<size_t> got;
  for (const std::string& t : texts) {
    set.Match(t, got);
    std::sort(got.begin(), got.end());
    std::vector<size_t> want;
    for (size_t i = 0; i < patterns.size(); ++i) {
      if (WildcardMatch(patterns[i], t)) want.push_back(i);
    }
    INFO("text: " << t);
    CHECK(got == want);
  }
}

namespace {

const char kStatus[] =
    "Package: zoom\nStatus: install ok installed\nVersion: 6.2\n\n";

std::optional<OpenedEvidence> Open(const std::string& path,
                                   bool pipeline = true) {
  ArchiveLimits limits;
  limits.pipeline = pipeline;
  OpenRequest request;
  request.hash = true;
  FileRequest status;
  status.pattern = "/var/lib/dpkg/status";
  FileRequest drop;
  drop.pattern = "/var/lib/dpkg/status.d/*";
  FileRequest marker;
  marker.pattern = "/opt/zoom*";
  marker.name_only = true;
  request.wanted = {status, drop, marker};
  return TryOpenArchive(path, request, limits);
}

std::string Sha256Of(const std::string& path) {
  RunResult r = Run("sha256sum " + ShellQuote(path));
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, 64);
}

}  // namespace

TEST_CASE("piped tar.zst and tar.gz read as the plain tar does",
          "[archive]") {
  if (!HaveTool("zstd") || !HaveTool("gzip") || !HaveTool("tar")) {
    WARN("zstd, gzip or tar missing: skipped");
    return;
  }
  TempDir dir;
  dir.Write("top/var/lib/dpkg/status", kStatus);
  dir.Write("top/etc/os-release", "ID=debian\n");
  dir.Write("top/opt/zoom/bin/zoom", "binary");
  dir.Write("top/usr/share/doc/a/copyright", "text");
  // A megabyte of incompressible data, so the streams span several blocks.
  REQUIRE(Run("cd " + ShellQuote(dir.path()) +
              " && head -c 3M /dev/urandom > top/usr/share/blob"
              " && mkdir -p top/var/lib/dpkg/status.d"
              " && ln top/var/lib/dpkg/status top/var/lib/dpkg/status.d/zoom"
              " && ln -s usr/share top/share"
              " && tar --sort=name -cf t.tar top"
              " && zstd -q -3 -k t.tar -o t.tar.zst"
              " && gzip -c t.tar > t.tar.gz"
              " && cat t.tar.gz t.tar.gz > twice.tar.gz")
              .exit_code == 0);
  for (const std::string name : {"t.tar", "t.tar.zst", "t.tar.gz", "twice.tar.gz"}) {
    INFO(name);
    const std::string path = dir.path() + "/" + name;
    std::optional<OpenedEvidence> ev = Open(path);
    REQUIRE(ev);
    CHECK(ev->format ==
          (name == "t.tar" ? "tar" : name == "t.tar.zst" ? "tar.zst" : "tar.gz"));
    CHECK(ev->sha256 == Sha256Of(path));  // every byte of the file
    REQUIRE(ev->volumes.size() == 1);
    CHECK(ev->volumes[0].chain == ev->format + " > top");
    Vfs& vfs = *ev->volumes[0].vfs;
    CHECK(vfs.Read("/var/lib/dpkg/status", 1 << 20) == kStatus);
    CHECK(vfs.Read("/var/lib/dpkg/status.d/zoom", 1 << 20) == kStatus);
    REQUIRE(vfs.Stat("/opt/zoom"));
    CHECK(vfs.Stat("/opt/zoom")->type == FileType::kDirectory);
    // Names no request can need are not kept.
    CHECK_FALSE(vfs.Stat("/usr/share/doc/a/copyright"));
    CHECK_FALSE(vfs.Stat("/usr/share/blob"));
    CHECK(ev->warnings.empty());
    // The same bytes through libarchive's own filters, in one thread.
    std::optional<OpenedEvidence> direct = Open(path, false);
    REQUIRE(direct);
    CHECK(direct->format == ev->format);
    CHECK(direct->sha256 == ev->sha256);
    CHECK(direct->volumes[0].chain == ev->volumes[0].chain);
    CHECK(direct->volumes[0].vfs->Read("/var/lib/dpkg/status.d/zoom", 1 << 20) ==
          kStatus);
    CHECK(direct->warnings.empty());
  }
}

TEST_CASE("a truncated tar.zst or tar.gz keeps what precedes the cut",
          "[archive]") {
  if (!HaveTool("zstd") || !HaveTool("gzip") || !HaveTool("tar")) {
    WARN("zstd, gzip or tar missing: skipped");
    return;
  }
  TempDir dir;
  dir.Write("root/var/lib/dpkg/status", kStatus);
  dir.Write("root/etc/os-release", "ID=debian\n");
  REQUIRE(Run("cd " + ShellQuote(dir.path()) +
              " && head -c 4M /dev/urandom > root/zz"
              " && tar -C root --sort=name -cf t.tar ."
              " && zstd -q -k t.tar -o t.tar.zst && gzip -k t.tar"
              " && head -c 2000000 t.tar.zst > cut.tar.zst"
              " && head -c 2000000 t.tar.gz > cut.tar.gz")
              .exit_code == 0);
  for (const std::string name : {"cut.tar.zst", "cut.tar.gz"}) {
    INFO(name);
    std::optional<OpenedEvidence> ev = Open(dir.path() + "/" + name);
    REQUIRE(ev);
    CHECK(ev->sha256 == Sha256Of(dir.path() + "/" + name));
    CHECK(ev->volumes[0].vfs->Read("/var/lib/dpkg/status", 1 << 20) == kStatus);
    std::string all;
    for (const auto& w : ev->warnings) all += w.message + "\n";
    CHECK_THAT(all, Catch::Contains("damaged or truncated"));
    CHECK_THAT(all, Catch::Contains("truncated)"));  // the codec says why
  }
}

TEST_CASE("apk and ipa are told apart by names that are not otherwise kept",
          "[archive]") {
  if (!HaveTool("zip")) {
    WARN("zip missing: skipped");
    return;
  }
  TempDir dir;
  dir.Write("apk/AndroidManifest.xml", "x");
  dir.Write("apk/classes.dex", "x");
  dir.Write("ipa/Payload/App.app/Info.plist", "x");
  REQUIRE(Run("cd " + ShellQuote(dir.path()) +
              " && (cd apk && zip -q -r ../a.apk .)"
              " && (cd ipa && zip -q -D -r ../a.ipa .)")
              .exit_code == 0);
  std::optional<OpenedEvidence> apk = Open(dir.path() + "/a.apk");
  REQUIRE(apk);
  CHECK(apk->kind == "apk");
  std::optional<OpenedEvidence> ipa = Open(dir.path() + "/a.ipa");
  REQUIRE(ipa);
  CHECK(ipa->kind == "ipa");  // zip -D: no folder entries at all
}
