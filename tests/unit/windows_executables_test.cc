// Random access to evidence (Vfs::ReadRange, FileRequest::ranges), the
// windows-executables collector over it, and catalog rules on the signer of
// installer records.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/matcher.h"
#include "evidence/host/directory_vfs.h"
#include "evidence/memory_vfs.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

// A source with only whole-file reads: ReadRange is the default one.
class WholeFileVfs : public Vfs {
 public:
  explicit WholeFileVfs(std::string data) {
    mem_.AddFile("/f", std::move(data));
  }
  std::optional<FileInfo> Stat(std::string_view path) override {
    return mem_.Stat(path);
  }
  std::vector<DirEntry> List(std::string_view path) override {
    return mem_.List(path);
  }
  std::string Read(std::string_view path, uint64_t max_bytes) override {
    std::string data = mem_.Read(path, max_bytes);
    CountRead(data.size());
    return data;
  }

 private:
  MemoryVfs mem_;
};

const Software* BySource(const CollectResult& r, const std::string& source) {
  for (const Software& sw : r.software) {
    if (sw.source == source) return &sw;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("vfs: ReadRange reads the range only, and counts it",
          "[vfs][ranges]") {
  const std::string data = "0123456789abcdef";
  MemoryVfs mem;
  mem.AddFile("/a/f", data);
  CHECK(mem.ReadRange("/a/f", 4, 3) == "456");
  CHECK(mem.ReadRange("/a/f", 14, 100) == "ef");
  CHECK(mem.ReadRange("/a/f", 16, 4).empty());
  CHECK(mem.ReadRange("/a/f", 1000, 4).empty());
  CHECK(mem.bytes_read() == 5);
  CHECK(mem.files_read() == 1);  // several ranges of one file: one file
  CHECK_THROWS_AS(mem.ReadRange("/a", 0, 1), EvidenceError);
  CHECK_THROWS_AS(mem.ReadRange("/missing", 0, 1), EvidenceError);
  FileInfo info;
  info.size = 10;
  mem.AddUnreadFile("/big.exe", info, "it is over the 1-byte limit");
  CHECK_THROWS_WITH(mem.ReadRange("/big.exe", 0, 1),
                    Catch::Contains("over the 1-byte limit"));

  TempDir dir;
  dir.Write("root/f", data);
  DirectoryVfs host(dir.path() + "/root");
  CHECK(host.ReadRange("/f", 10, 4) == "abcd");
  CHECK(host.ReadRange("/f", 15, 4) == "f");
  CHECK(host.ReadRange("/f", 20, 4).empty());
  CHECK(host.bytes_read() == 5);
  CHECK_THROWS_AS(host.ReadRange("/nope", 0, 1), EvidenceError);

  WholeFileVfs whole(data);
  CHECK(whole.ReadRange("/f", 2, 5) == "23456");
  CHECK(whole.ReadRange("/f", 12, 10) == "cdef");
  CHECK(whole.ReadRange("/f", 30, 1).empty());
}

TEST_CASE("windows-executables: version resource and signer from ranges",
          "[windows-executables]") {
  auto apple = CorpusPath("windows_pe/signify_apple_SoftwareUpdate.exe");
  auto spotify = CorpusPath("windows_pe/signify_spotify_sample.exe");
  SKIP_UNLESS_CORPUS(apple, spotify);
  const std::string apple_bytes = ReadHostFile(*apple);
  MemoryVfs vfs;
  vfs.AddFile("/Program Files (x86)/Apple/Update/SoftwareUpdate.exe",
              apple_bytes);
  vfs.AddFile("/Users/alice/Downloads/setup.exe", ReadHostFile(*spotify));
  vfs.AddFile("/Users/alice/Downloads/kts21.msi", "not read");
  vfs.AddFile("/Users/alice/Desktop/notes.txt", "not wanted");
  vfs.AddFile("/ProgramData/broken.exe", "MZ but nothing else");
  // Depth: four folders below a root are searched, five are not.
  vfs.AddFile("/Program Files/a/b/c/d/deep4.exe", apple_bytes);
  vfs.AddFile("/Program Files/a/b/c/d/e/deep5.exe", apple_bytes);
  vfs.AddFile("/Windows/System32/notepad.exe", apple_bytes);  // not asked for

  CollectResult r =
      CollectSoftware(vfs, "ev", CollectorNamed("windows-executables"));
  const Software* a =
      BySource(r, "/Program Files (x86)/Apple/Update/SoftwareUpdate.exe");
  REQUIRE(a);
  CHECK(a->ecosystem == "installer");
  CHECK(a->id == "SoftwareUpdate.exe");
  CHECK(a->name == "Apple Software Update");
  CHECK(a->version == "2.1.1.116");
  CHECK(a->publisher == "Apple Inc.");
  CHECK(a->signer.subject == "Apple Inc.");
  CHECK(a->signer.cert_sha256 ==
        "b1051131e0e53e8457dc3518f5b3fd22c6367457cd1da6a09eba5724eb05a7d6");
  CHECK(a->user.empty());
  CHECK(a->location == "/Program Files (x86)/Apple/Update/SoftwareUpdate.exe");

  const Software* s = BySource(r, "/Users/alice/Downloads/setup.exe");
  REQUIRE(s);
  CHECK(s->id == "SpotifyInstaller.exe");  // OriginalFilename, not the name
  CHECK(s->name == "Spotify");
  CHECK(s->version == "0.9.11.27.g2b1a638c");
  CHECK(s->signer.subject == "Spotify AB");
  CHECK(s->user == "alice");

  const Software* msi = BySource(r, "/Users/alice/Downloads/kts21.msi");
  REQUIRE(msi);
  CHECK(msi->id == "kts21.msi");
  CHECK(msi->user == "alice");

  CHECK(BySource(r, "/Program Files/a/b/c/d/deep4.exe"));
  CHECK_FALSE(BySource(r, "/Program Files/a/b/c/d/e/deep5.exe"));
  CHECK_FALSE(BySource(r, "/Windows/System32/notepad.exe"));
  CHECK(r.software.size() == 4);
  // The broken file is a warning naming it; the scan went on.
  CHECK_THAT(AllWarnings(r), Catch::Contains("/ProgramData/broken.exe"));
  // Headers, resources and certificate tables only: a small part of the
  // three PEs, and nothing of the .msi.
  CHECK(vfs.bytes_read() < apple_bytes.size() / 4);
}

TEST_CASE("matcher: installer records match on signer subject and digest",
          "[matcher][windows-executables]") {
  const std::string digest =
      "b1051131e0e53e8457dc3518f5b3fd22c6367457cd1da6a09eba5724eb05a7d6";
  Catalog cat = LoadCatalog(
      {{"catalog.json",
        R"({"schema": "contraband/catalog/v1", "version": "t1"})"},
       {"products/zoom.json",
        R"({"schema": "contraband/product/v1", "id": "zoom", "name": "Zoom",
            "vendor": "Zoom", "rules": [
            {"ecosystem": "installer", "field": "subject",
             "equals": ["Zoom Video Communications, Inc."], "confidence": "high"}]})"},
       {"products/apple.json",
        R"({"schema": "contraband/product/v1", "id": "apple", "name": "Apple",
            "vendor": "Apple", "rules": [
            {"ecosystem": "installer", "field": "cert_sha256",
             "equals": [")" +
            digest + R"("], "confidence": "high"}]})"}},
      "test");
  Matcher m(cat, {});
  Software sw;
  sw.ecosystem = "installer";
  sw.id = "setup.exe";
  sw.signer.subject = "ZOOM Video Communications, Inc.";
  auto f = m.Match(sw);
  REQUIRE(f.size() == 1);
  CHECK(f[0].product->id == "zoom");
  CHECK(f[0].field == "subject");

  Software apple;
  apple.ecosystem = "installer";
  apple.id = "x.exe";
  apple.signer.cert_sha256 = digest;
  f = m.Match(apple);
  REQUIRE(f.size() == 1);
  CHECK(f[0].product->id == "apple");
  CHECK(f[0].field == "cert_sha256");

  // The rules are for installer records only.
  sw.ecosystem = "windows";
  CHECK(m.Match(sw).empty());
  Software unsigned_exe;
  unsigned_exe.ecosystem = "installer";
  unsigned_exe.id = "setup.exe";
  CHECK(m.Match(unsigned_exe).empty());
}
