// End to end: the same Debian root (built with the real dpkg) packed by the
// real tools into every archive kind must give identical findings; hostile
// archives end in warnings and a finished scan.
#include <archive.h>
#include <archive_entry.h>
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <tuple>

#include "support/test_support.h"

using namespace contraband::testing;
using nlohmann::json;

namespace {

using FindingKey = std::tuple<std::string, std::string, std::string, std::string>;

std::set<FindingKey> Findings(const json& report) {
  std::set<FindingKey> out;
  for (const json& f : report["findings"]) {
    out.insert(FindingKey(f["product"].get<std::string>(),
                          f["software"]["id"].get<std::string>(),
                          f["software"]["version"].get<std::string>(),
                          f["software"]["source"].get<std::string>()));
  }
  return out;
}

json Scan(const std::string& evidence, const std::string& extra = "",
          int expect_exit = 1) {
  RunResult r = RunContraband("scan --format json " + extra + " " + ShellQuote(evidence));
  INFO(evidence << "\n" << r.err);
  CHECK(r.exit_code == expect_exit);
  return ParseJson(r.out);
}

void Sh(const std::string& script, const std::string& dir) {
  RunResult r = Run("cd " + ShellQuote(dir) + " && " + script);
  INFO(script << "\n" << r.err);
  REQUIRE(r.exit_code == 0);
}

// Writes a tar.zst with libarchive's writer: the quickest way to make huge
// entry counts and hostile names that the tar command would refuse.
class TarWriter {
 public:
  explicit TarWriter(const std::string& path) : a_(archive_write_new()) {
    archive_write_set_format_pax_restricted(a_);
    archive_write_add_filter_zstd(a_);
    REQUIRE(archive_write_open_filename(a_, path.c_str()) == ARCHIVE_OK);
  }
  ~TarWriter() {
    archive_write_close(a_);
    archive_write_free(a_);
  }
  void File(const std::string& name, const std::string& data) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_write_header(a_, e);
    if (!data.empty()) archive_write_data(a_, data.data(), data.size());
    archive_entry_free(e);
  }
  void Symlink(const std::string& name, const std::string& target) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFLNK);
    archive_entry_set_perm(e, 0777);
    archive_entry_set_symlink(e, target.c_str());
    archive_write_header(a_, e);
    archive_entry_free(e);
  }

 private:
  archive* a_;
};

const char* kStatusKesl = "Package: kesl\nStatus: install ok installed\nVersion: 12\n";

}  // namespace

TEST_CASE("one root gives identical findings in every archive kind",
          "[e2e][archive]") {
  TempDir dir;
  BuildDebianRoot(dir);
  Sh("tar -C root -cf root.tar . && "
     "gzip -k root.tar && xz -k root.tar && zstd -q -k root.tar && "
     "bzip2 -k root.tar && lz4 -q root.tar root.tar.lz4 && "
     "cp root.tar.zst renamed.bin && "
     "(cd root && zip -qry ../root.zip . && 7z a -bd -snl ../root.7z . >/dev/null && "
     " find . | cpio --quiet -o -H newc > ../root.cpio) && "
     "xorriso -as mkisofs -quiet -R -o root.iso root && "
     "mkdir -p nest/Extraction_FFS/filesystem1 && cp -a root/. nest/Extraction_FFS/filesystem1/ && "
     "(cd nest && zip -qry ../nested.zip .)",
     dir.path());

  const json base = Scan(dir.path() + "/root");
  const std::set<FindingKey> expected = Findings(base);
  REQUIRE(expected.size() == 3);

  const std::vector<std::pair<std::string, std::string>> kinds = {
      {"root.tar", "tar"},          {"root.tar.gz", "tar.gz"},
      {"root.tar.xz", "tar.xz"},    {"root.tar.zst", "tar.zst"},
      {"root.tar.bz2", "tar.bz2"},  {"root.tar.lz4", "tar.lz4"},
      {"renamed.bin", "tar.zst"},   {"root.zip", "zip"},
      {"root.7z", "7z"},            {"root.cpio", "cpio"},
      {"root.iso", "iso9660"},      {"nested.zip", "zip"}};
  for (const auto& [file, format] : kinds) {
    INFO(file);
    json j = Scan(dir.path() + "/" + file);
    CHECK(Findings(j) == expected);
    CHECK(j["scan"]["evidence"][0]["kind"] == "archive");
    CHECK(j["scan"]["evidence"][0]["format"] == format);
    CHECK(j["warnings"].empty());
  }
  json nested = Scan(dir.path() + "/nested.zip");
  CHECK(nested["scan"]["evidence"][0]["volumes"][0]["chain"] ==
        "zip > Extraction_FFS/filesystem1");
}

TEST_CASE("hash option: container and proving file digests, computed from the read",
          "[e2e][archive]") {
  TempDir dir;
  BuildDebianRoot(dir);
  Sh("tar -C root --zstd -cf root.tar.zst . && (cd root && zip -qr ../root.zip .)",
     dir.path());
  const std::string status_sha =
      Run("sha256sum " + ShellQuote(dir.path() + "/root/var/lib/dpkg/status") +
          " | cut -c1-64").out.substr(0, 64);
  for (const char* file : {"root.tar.zst", "root.zip"}) {
    INFO(file);
    const std::string path = dir.path() + "/" + file;
    json j = Scan(path, "--hash");
    const std::string want =
        Run("sha256sum " + ShellQuote(path) + " | cut -c1-64").out.substr(0, 64);
    CHECK(j["scan"]["evidence"][0]["sha256"] == want);
    for (const json& f : j["findings"]) {
      CHECK(f["software"]["source_sha256"] == status_sha);
    }
  }
  json dirscan = Scan(dir.path() + "/root", "--hash");
  CHECK(dirscan["findings"][0]["software"]["source_sha256"] == status_sha);
}

TEST_CASE("scanning changes nothing and writes nothing beside the evidence",
          "[e2e][archive]") {
  TempDir dir;
  BuildDebianRoot(dir);
  Sh("tar -C root --zstd -cf root.tar.zst . && (cd root && zip -qr ../root.zip .)",
     dir.path());
  const std::string cd = "cd " + ShellQuote(dir.path()) + " && ";
  auto hashes = [&] {
    return Run(cd + "find . | sort && find . -type f -exec sha256sum {} + | sort").out;
  };
  // Access times set in the past would be updated by any read that does not
  // ask for O_NOATIME (relatime updates an atime older than the mtime).
  auto meta = [&] {
    return Run(cd + "find . -type f -exec stat -c '%n %s %Y %X' {} + | sort").out;
  };
  const std::string before_hashes = hashes();
  Run(cd + "find . -type f -exec touch -a -d @946684800 {} +");
  const std::string before_meta = meta();
  REQUIRE_THAT(before_meta, Catch::Contains(" 946684800"));
  Scan(dir.path() + "/root", "--hash");
  Scan(dir.path() + "/root.tar.zst", "--hash");
  Scan(dir.path() + "/root.zip", "--hash");
  CHECK(meta() == before_meta);
  CHECK(hashes() == before_hashes);
}

TEST_CASE("hostile archives end in warnings and a finished scan",
          "[e2e][archive]") {
  TempDir dir;
  TempDir host;
  // Bait on the host: a link in the evidence that named it would turn it
  // into a finding.
  const std::string bait = host.Write(
      "bait", "Package: zoom\nStatus: install ok installed\nVersion: 666\n");
  {
    TarWriter w(dir.path() + "/hostile.tar.zst");
    w.File("var/lib/dpkg/status.d/kesl", kStatusKesl);
    w.Symlink("var/lib/dpkg/status", bait);                 // absolute, escapes
    w.Symlink("var/lib/dpkg/status.d/up", "../../../../../../../" + bait);
    w.Symlink("var/lib/dpkg/status.d/loop1", "loop2");      // link loop
    w.Symlink("var/lib/dpkg/status.d/loop2", "loop1");
    w.File("../../../var/lib/dpkg/status.d/dotdot",         // ".." confined
           "Package: telegram-desktop\nVersion: 1\n");
    w.File(std::string(70000, 'a') + "/status", "Package: x\n");  // 68 KiB path
    w.File("var/lib/dpkg/status.d/dup", "Package: zoom\nVersion: 1\n");
    w.File("var/lib/dpkg/status.d/dup", "Package: xzoom\nVersion: 2\n");  // last wins
  }
  json j = Scan(dir.path() + "/hostile.tar.zst");
  std::set<std::string> ids;
  for (const json& f : j["findings"]) ids.insert(f["software"]["id"]);
  CHECK(ids == std::set<std::string>{"kesl", "telegram-desktop"});
  bool long_path_warned = false;
  for (const json& w : j["warnings"]) {
    long_path_warned |= w["message"].get<std::string>().find("64 KiB") != std::string::npos;
  }
  CHECK(long_path_warned);
}

TEST_CASE("compression bombs and oversized entries are not inflated",
          "[e2e][archive]") {
  TempDir dir;
  dir.Write("root/var/lib/dpkg/status.d/kesl", kStatusKesl);
  Sh("mkdir -p root/etc && head -c 64M /dev/zero > root/var/lib/dpkg/status.d/bomb && "
     "(cd root && zip -qr ../bomb.zip .)",
     dir.path());
  json j = Scan(dir.path() + "/bomb.zip");
  CHECK(j["findings"].size() == 1);
  REQUIRE_FALSE(j["warnings"].empty());
  CHECK_THAT(j["warnings"].dump(), Catch::Contains("bomb"));

  // A zip whose headers understate the entry: the limit holds on the bytes
  // actually inflated, not on what the header claims.
  dir.Write("liar.py", R"(import zipfile, struct
z = zipfile.ZipFile('liar.zip', 'w', zipfile.ZIP_DEFLATED)
z.writestr('var/lib/dpkg/status.d/kesl', open('root/var/lib/dpkg/status.d/kesl').read())
z.writestr('var/lib/dpkg/status.d/liar', b'Package: zoom\n' + b' ' * (40 << 20))
z.close()
b = bytearray(open('liar.zip', 'rb').read())
# Understate the liar's uncompressed size in its central-directory record.
i = 0
while True:
    i = b.find(b'PK\x01\x02', i)
    if i < 0:
        break
    n = struct.unpack_from('<H', b, i + 28)[0]
    if b[i + 46:i + 46 + n].endswith(b'liar'):
        struct.pack_into('<I', b, i + 24, 100)
    i += 4
open('liar.zip', 'wb').write(b)
)");
  Sh("python3 liar.py", dir.path());
  json liar = Scan(dir.path() + "/liar.zip");
  CHECK(liar["findings"].size() == 1);
  CHECK(liar["findings"][0]["product"] == "kaspersky");
}

TEST_CASE("a million tiny entries: bounded memory and a finished scan",
          "[e2e][archive]") {
  TempDir dir;
  {
    TarWriter w(dir.path() + "/many.tar.zst");
    for (int i = 0; i < 1000000; ++i) w.File("usr/share/f/" + std::to_string(i), "");
    w.File("var/lib/dpkg/status.d/kesl", kStatusKesl);
  }
  json j = Scan(dir.path() + "/many.tar.zst");
  CHECK(j["findings"].size() == 1);
  CHECK_THAT(j["warnings"].dump(), Catch::Contains("were not recorded by name"));
#if !defined(__SANITIZE_ADDRESS__) && !defined(CONTRABAND_SANITIZED)
  // (ASan's shadow memory and quarantine make RSS meaningless there.)
  // The peak of this scan alone: a fresh python parent runs it and reports
  // its children's peak (this test process's own RUSAGE_CHILDREN also holds
  // every earlier test's children, a browser among them).
  RunResult peak = Run(
      "/usr/bin/python3 -c 'import resource, subprocess, sys; "
      "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
      "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' " +
      ShellQuote(CONTRABAND_BIN) + " scan --format json " +
      ShellQuote(dir.path() + "/many.tar.zst"));
  REQUIRE(peak.exit_code == 0);
  CHECK(std::stol(peak.out) < 256 * 1024);  // KiB: far below what 10^6 names would take
#endif
}

TEST_CASE("damaged and encrypted archives", "[e2e][archive]") {
  TempDir dir;
  BuildDebianRoot(dir);
  // The dpkg status comes first in the tar, an incompressible megabyte
  // after it; the archive is cut inside that megabyte.
  Sh("head -c 1M /dev/urandom > root/zz-payload && "
     "tar -C root --sort=name -czf root.tar.gz . && "
     "head -c $(( $(stat -c %s root.tar.gz) / 2 )) root.tar.gz > cut.tar.gz && "
     "rm root/zz-payload && (cd root && zip -q -P secret -r ../enc.zip .)",
     dir.path());
  json cut = Scan(dir.path() + "/cut.tar.gz", "", 1);
  CHECK(cut["findings"].size() == 3);  // what precedes the cut is scanned
  CHECK_THAT(cut["warnings"].dump(), Catch::Contains("damaged or truncated"));
  // Cut inside the first entries there is nothing to recognise: exit 3.
  Sh("head -c 100 root.tar.gz > stub.tar.gz", dir.path());
  CHECK(RunContraband("scan " + ShellQuote(dir.path() + "/stub.tar.gz")).exit_code == 3);
  // Names stay readable in an encrypted zip: install folders such as
  // /opt/zoom still prove something, the encrypted dpkg status does not.
  json enc = Scan(dir.path() + "/enc.zip", "", 1);
  for (const json& f : enc["findings"]) {
    CHECK(f["software"]["ecosystem"] == "installer");
  }
  CHECK_THAT(enc["warnings"].dump(), Catch::Contains("encrypted"));
}

TEST_CASE("archives inside folder evidence are opened only with --recurse-archives",
          "[e2e][archive]") {
  TempDir dir;
  BuildDebianRoot(dir);
  Sh("mkdir -p case/phones && (cd root && zip -qr ../case/phones/extraction.zip .) && "
     "echo 'not a zip' > case/notes.zip",
     dir.path());
  const std::string folder = dir.path() + "/case";
  json plain = Scan(folder, "", 0);
  CHECK(plain["scan"]["evidence"].size() == 1);
  CHECK(plain["findings"].empty());

  json deep = Scan(folder, "--recurse-archives", 1);
  REQUIRE(deep["scan"]["evidence"].size() == 2);
  CHECK(deep["scan"]["evidence"][1]["path"] == folder + "/phones/extraction.zip");
  CHECK(deep["findings"].size() == 3);
  CHECK(deep["findings"][0]["software"]["evidence"] == folder + "/phones/extraction.zip");
  CHECK_THAT(deep["warnings"].dump(), Catch::Contains("notes.zip"));
}
