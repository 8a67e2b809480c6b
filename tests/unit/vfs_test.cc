#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "evidence/directory_vfs.h"
#include "evidence/memory_vfs.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::TempDir;

TEST_CASE("evidence paths normalise without climbing above the root", "[vfs]") {
  CHECK(NormalizeEvidencePath("") == "/");
  CHECK(NormalizeEvidencePath("var//lib/./dpkg/") == "/var/lib/dpkg");
  CHECK(NormalizeEvidencePath("/../../etc/passwd") == "/etc/passwd");
  CHECK(NormalizeEvidencePath("/a/b/../c") == "/a/c");
  CHECK(ParentPath("/a/b") == "/a");
  CHECK(ParentPath("/a") == "/");
  CHECK(BaseName("/a/b") == "b");
}

TEST_CASE("glob patterns match within components; ** spans them", "[vfs]") {
  CHECK(GlobMatch("/var/lib/dpkg/status.d/*", "/var/lib/dpkg/status.d/tzdata"));
  CHECK_FALSE(GlobMatch("/var/lib/dpkg/status.d/*", "/var/lib/dpkg/status.d/a/b"));
  CHECK(GlobMatch("/home/*/.local/share/flatpak/app/*/*/*/active/metadata",
                  "/home/alice/.local/share/flatpak/app/org.x/x86_64/stable/active/metadata"));
  CHECK(GlobMatch("/data/app/**/base.apk", "/data/app/base.apk"));
  CHECK(GlobMatch("/data/app/**/base.apk", "/data/app/x/y/base.apk"));
  CHECK_FALSE(GlobMatch("/data/app/**/base.apk", "/data/app/x/y/other.apk"));
  CHECK(GlobMatch("/snap/[a-z]*/current", "/snap/skype/current"));
}

TEST_CASE("memory vfs: symlinks resolve inside the root", "[vfs]") {
  MemoryVfs vfs;
  vfs.AddFile("/etc/passwd", "evidence passwd");
  vfs.AddSymlink("/abs", "/etc/passwd");
  vfs.AddSymlink("/rel", "../../../../etc/passwd");
  vfs.AddSymlink("/chain1", "/chain2");
  vfs.AddSymlink("/chain2", "rel");
  vfs.AddSymlink("/loop1", "/loop2");
  vfs.AddSymlink("/loop2", "/loop1");
  vfs.AddSymlink("/self", "self/x");
  vfs.AddSymlink("/dir", "etc");
  CHECK(vfs.Read("/abs", 100) == "evidence passwd");
  CHECK(vfs.Read("/rel", 100) == "evidence passwd");
  CHECK(vfs.Read("/chain1", 100) == "evidence passwd");
  CHECK(vfs.Read("/dir/passwd", 100) == "evidence passwd");
  CHECK_FALSE(vfs.Stat("/loop1"));
  CHECK_FALSE(vfs.Stat("/self"));
  CHECK_THROWS_AS(vfs.Read("/loop1", 100), EvidenceError);
  CHECK_THROWS_AS(vfs.Read("/etc/passwd", 3), EvidenceError);
  auto found = Glob(vfs, "/*/passwd");
  CHECK(found == std::vector<std::string>{"/dir/passwd", "/etc/passwd"});
}

TEST_CASE("directory vfs: no link reaches a host file outside the root", "[vfs]") {
  namespace fs = std::filesystem;
  TempDir bait_dir;
  // Bait outside the evidence root; reading it would be a host file read.
  const std::string bait = bait_dir.Write("bait", "HOST SECRET");
  TempDir root;
  root.Write("etc/passwd", "evidence passwd");
  fs::create_symlink(bait, root.path() + "/abs_to_host");
  fs::create_symlink("../../../../../../../../" + bait, root.path() + "/rel_to_host");
  fs::create_symlink(bait_dir.path(), root.path() + "/dir_to_host");
  fs::create_symlink("/etc/passwd", root.path() + "/abs_inside");
  fs::create_symlink("loop_b", root.path() + "/loop_a");
  fs::create_symlink("loop_a", root.path() + "/loop_b");

  DirectoryVfs vfs(root.path());
  CHECK(vfs.Read("/abs_inside", 1000) == "evidence passwd");
  for (const char* link : {"/abs_to_host", "/rel_to_host"}) {
    INFO(link);
    CHECK_FALSE(vfs.Stat(link));  // resolves to a path absent in the root
    CHECK_THROWS_AS(vfs.Read(link, 1000), EvidenceError);
  }
  CHECK_THROWS_AS(vfs.Read("/dir_to_host/bait", 1000), EvidenceError);
  CHECK_THROWS_AS(vfs.List("/dir_to_host"), EvidenceError);
  CHECK_FALSE(vfs.Stat("/loop_a"));
  CHECK_THROWS_AS(vfs.Read("/loop_a", 1000), EvidenceError);
  CHECK_THROWS_AS(vfs.Read("/../../" + bait, 1000), EvidenceError);
  // The bait is only reachable where the evidence really holds it.
  root.Write(bait.substr(1), "evidence copy");
  CHECK(vfs.Read("/abs_to_host", 1000) == "evidence copy");
}

TEST_CASE("directory vfs: reads are bounded and lists are sorted", "[vfs]") {
  TempDir root;
  root.Write("d/b", "2");
  root.Write("d/a", "1");
  root.Write("big", std::string(5000, 'x'));
  DirectoryVfs vfs(root.path());
  auto entries = vfs.List("/d");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].name == "a");
  CHECK(entries[1].type == FileType::kRegular);
  CHECK_THROWS_WITH(vfs.Read("/big", 100), Catch::Contains("limit"));
  CHECK(vfs.Read("/big", 5000).size() == 5000);
  CHECK_THROWS_AS(vfs.Read("/d", 100), EvidenceError);
  CHECK_THROWS_AS(DirectoryVfs(root.path() + "/missing"), EvidenceError);
}
