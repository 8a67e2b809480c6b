#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "evidence/host/directory_vfs.h"
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

TEST_CASE("glob patterns match within components, ** spans them", "[vfs]") {
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

TEST_CASE("directory vfs: ReadChunks hands out a file in bounded pieces",
          "[vfs][stream]") {
  TempDir root;
  std::string big;
  for (size_t i = 0; big.size() < (5u << 19) + 123; ++i) {
    big += std::to_string(i) + "\n";  // 2.5 MiB and a bit, not chunk-aligned
  }
  root.Write("var/big", big);
  root.Write("empty", "");
  DirectoryVfs vfs(root.path());

  std::string joined;
  size_t pieces = 0;
  vfs.ReadChunks("/var/big", big.size(), [&](std::string_view chunk) {
    CHECK_FALSE(chunk.empty());
    CHECK(chunk.size() <= (1u << 20));
    joined.append(chunk);
    ++pieces;
  });
  CHECK(joined == big);
  CHECK(pieces == 3);
  CHECK(vfs.bytes_read() == big.size());
  CHECK(vfs.files_read() == 1);

  vfs.ReadChunks("/empty", 10, [&](std::string_view) { FAIL("no piece"); });
  CHECK(vfs.files_read() == 2);

  // Over the bound: nothing is handed out or counted.
  CHECK_THROWS_WITH(
      vfs.ReadChunks("/var/big", big.size() - 1,
                     [&](std::string_view) { FAIL("read over the bound"); }),
      Catch::Contains("limit"));
  CHECK_THROWS_AS(vfs.ReadChunks("/var", 100, [](std::string_view) {}),
                  EvidenceError);
  CHECK_THROWS_AS(vfs.ReadChunks("/missing", 100, [](std::string_view) {}),
                  EvidenceError);
  CHECK(vfs.bytes_read() == big.size());
  CHECK(vfs.files_read() == 2);

  // A consumer's exception stops the read and reaches the caller.
  pieces = 0;
  CHECK_THROWS_WITH(vfs.ReadChunks("/var/big", big.size(),
                                   [&](std::string_view) {
                                     ++pieces;
                                     throw EvidenceError("stop");
                                   }),
                    "stop");
  CHECK(pieces == 1);
}

TEST_CASE("directory vfs: ReadChunks follows symlinks only inside the root",
          "[vfs][stream]") {
  namespace fs = std::filesystem;
  TempDir bait_dir;
  const std::string bait = bait_dir.Write("bait", "HOST SECRET");
  TempDir root;
  root.Write("etc/passwd", "evidence passwd");
  fs::create_symlink(bait, root.path() + "/abs_to_host");
  fs::create_symlink("../../../../../../../../" + bait,
                     root.path() + "/rel_to_host");
  fs::create_symlink(bait_dir.path(), root.path() + "/dir_to_host");
  fs::create_symlink("/etc/passwd", root.path() + "/abs_inside");
  fs::create_symlink("loop_b", root.path() + "/loop_a");
  fs::create_symlink("loop_a", root.path() + "/loop_b");

  DirectoryVfs vfs(root.path());
  auto read = [&](const std::string& path) {
    std::string out;
    vfs.ReadChunks(path, 1000, [&](std::string_view c) { out.append(c); });
    return out;
  };
  CHECK(read("/abs_inside") == "evidence passwd");
  for (const char* link :
       {"/abs_to_host", "/rel_to_host", "/dir_to_host/bait", "/loop_a"}) {
    INFO(link);
    CHECK_THROWS_AS(read(link), EvidenceError);
  }
  CHECK_THROWS_AS(read("/../../" + bait), EvidenceError);
  root.Write(bait.substr(1), "evidence copy");
  CHECK(read("/abs_to_host") == "evidence copy");
}

TEST_CASE("memory vfs: ReadChunks cuts at the size asked for",
          "[vfs][stream]") {
  MemoryVfs vfs;
  vfs.AddFile("/f", "abcdefg");
  std::vector<std::string> pieces;
  auto collect = [&](std::string_view c) { pieces.emplace_back(c); };
  vfs.ReadChunks("/f", 100, collect);
  CHECK(pieces == std::vector<std::string>{"abcdefg"});
  pieces.clear();
  vfs.set_chunk_bytes(3);
  vfs.ReadChunks("/f", 100, collect);
  CHECK(pieces == std::vector<std::string>{"abc", "def", "g"});
  CHECK(vfs.bytes_read() == 14);
  CHECK(vfs.files_read() == 2);
  CHECK_THROWS_AS(vfs.ReadChunks("/f", 6, collect), EvidenceError);
}

TEST_CASE("directory vfs: the root lists the same every time", "[vfs]") {
  // The root's folder handle once shared its read position with the
  // evidence root handle: every listing of "/" after the first was empty,
  // so a second collector globbing "/*/..." found nothing.
  TempDir root;
  root.Write("Users/alice/x", "1");
  root.Write("Windows/y", "2");
  DirectoryVfs vfs(root.path());
  for (int i = 0; i < 3; ++i) {
    auto entries = vfs.List("/");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].name == "Users");
    CHECK(entries[1].name == "Windows");
  }
}

TEST_CASE("memory vfs: a file read in place is read only where asked",
          "[vfs]") {
  // 3 MiB that live outside the tree; every call of the reader is logged.
  std::string outside(3 << 20, '\0');
  for (size_t i = 0; i < outside.size(); ++i) outside[i] = char(i * 7);
  uint64_t fetched = 0;
  MemoryVfs vfs;
  vfs.AddFileReadInPlace(
      "/x.apk", outside.size(), [&](char* buf, size_t n, uint64_t off) {
        const size_t k = off >= outside.size()
                             ? 0
                             : std::min<size_t>(n, outside.size() - off);
        std::copy_n(outside.data() + off, k, buf);
        fetched += k;
        return k;
      });
  REQUIRE(vfs.Stat("/x.apk")->size == outside.size());
  CHECK(vfs.ReadRange("/x.apk", 1000, 16) == outside.substr(1000, 16));
  CHECK(vfs.ReadRange("/x.apk", outside.size() - 4, 100) ==
        outside.substr(outside.size() - 4));
  CHECK(vfs.ReadRange("/x.apk", outside.size(), 10).empty());
  CHECK(fetched == 20);
  CHECK(vfs.bytes_read() == 20);
  // Whole reads honour max_bytes, and ReadChunks hands out bounded pieces.
  CHECK_THROWS_AS(vfs.Read("/x.apk", 1 << 20), EvidenceError);
  size_t pieces = 0, total = 0;
  vfs.ReadChunks("/x.apk", 4 << 20, [&](std::string_view chunk) {
    ++pieces;
    CHECK(chunk.size() <= (1u << 20));
    CHECK(chunk == std::string_view(outside).substr(total, chunk.size()));
    total += chunk.size();
  });
  CHECK(pieces == 3);
  CHECK(total == outside.size());
  CHECK(vfs.Read("/x.apk", 4 << 20) == outside);

  // A file that ends before the size it claimed is an error naming it.
  MemoryVfs short_file;
  short_file.AddFileReadInPlace("/y.ipa", 100,
                                [](char*, size_t, uint64_t) { return 0; });
  CHECK_THROWS_WITH(short_file.Read("/y.ipa", 1000),
                    Catch::Contains("/y.ipa") && Catch::Contains("ended"));
}
