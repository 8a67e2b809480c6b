// SQLite databases read in ranges (SqliteImage with a read_at) and the
// iPhone backup mapping that uses them: a database made by sqlite3 in the
// test answers the same through its pages as from its bytes, an index walk
// reads a fraction of the file, a damaged or missing page is an error and
// not a crash; an encrypted Manifest.db decrypted range by range gives the
// same mapping as the plain one.
#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

#include "evidence/ios_backup_vfs.h"
#include "evidence/memory_vfs.h"
#include "formats/ios_backup_manifest.h"
#include "formats/parse_error.h"
#include "formats/sqlite_image.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

// A Manifest.db of `apps` AppDomain-* domains and `rows` rows (with 600-byte
// blobs, as MBFile records make them), made by the sqlite3 tool.
std::string MakeManifestDb(const TempDir& dir, int apps, int rows) {
  std::string sql =
      "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, "
      "relativePath TEXT, flags INTEGER, file BLOB);"
      "CREATE INDEX FilesDomainIdx ON Files(domain);"
      "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
      "WHERE i < " +
      std::to_string(rows - 1) +
      ") INSERT INTO Files SELECT printf('%040x', i), CASE WHEN i % 2 = 0 "
      "THEN printf('AppDomain-com.example.app%04d', i / 2 % " +
      std::to_string(apps) +
      ") ELSE 'HomeDomain' END, printf('Library/f%06d.plist', i), 1, "
      "randomblob(600) FROM n;";
  const std::string db = dir.path() + "/Manifest.db";
  const RunResult r = Run("sqlite3 " + ShellQuote(db) + " " +
                          ShellQuote(sql) + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  return ReadHostFile(db);
}

std::string EncryptCbcZeroIv(const std::string& key, const std::string& data) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  const unsigned char iv[16] = {};
  REQUIRE(EVP_EncryptInit_ex(
              ctx, EVP_aes_256_cbc(), nullptr,
              reinterpret_cast<const unsigned char*>(key.data()), iv) == 1);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  std::string out(data.size(), '\0');
  int len = 0;
  REQUIRE(EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()),
                            &len,
                            reinterpret_cast<const unsigned char*>(data.data()),
                            static_cast<int>(data.size())) == 1);
  EVP_CIPHER_CTX_free(ctx);
  REQUIRE(static_cast<size_t>(len) == data.size());
  return out;
}

std::vector<std::string> Names(const std::vector<DirEntry>& entries) {
  std::vector<std::string> out;
  for (const DirEntry& e : entries) out.push_back(e.name);
  return out;
}

}  // namespace

TEST_CASE("SQLite in ranges: same answers as in memory, index walks read "
          "little",
          "[sqlite][ios][ios-backup]") {
  if (!HaveTool("sqlite3")) {
    WARN("sqlite3 absent: skipped");
    return;
  }
  TempDir dir;
  const std::string db = MakeManifestDb(dir, 300, 20000);
  REQUIRE(db.size() > 10'000'000);
  const std::vector<std::string> whole = BackupAppDomains(db);
  CHECK(whole.size() == 300);
  CHECK(whole.front() == "com.example.app0000");

  uint64_t read = 0;
  size_t calls = 0;
  const SqliteImage::ReadAt read_at = [&](uint64_t offset, uint64_t length) {
    ++calls;
    const std::string out =
        offset < db.size() ? db.substr(offset, length) : std::string();
    read += out.size();
    return out;
  };
  CHECK(ReadBackupDomains(read_at, db.size()).apps == whole);
  // The domain index, not the 600-byte blobs of 20,000 rows.
  CHECK(read < db.size() / 10);
  CHECK(calls > 0);

  // A full scan through the pages agrees with the bytes.
  SqliteImage ranged(read_at, db.size(), "Manifest.db");
  SqliteStatement stmt;
  REQUIRE(sqlite3_prepare_v2(ranged.get(),
                             "SELECT count(*), sum(length(file)) FROM Files",
                             -1, stmt.out(), nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt.get()) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(stmt.get(), 0) == 20000);
  CHECK(sqlite3_column_int64(stmt.get(), 1) == 20000 * 600);
  // Read-only: no write reaches the reader.
  CHECK(sqlite3_exec(ranged.get(), "DELETE FROM Files", nullptr, nullptr,
                     nullptr) != SQLITE_OK);

  // Not SQLite, a reader that throws, a file cut short: errors, no crash.
  const SqliteImage::ReadAt junk = [](uint64_t, uint64_t length) {
    return std::string(static_cast<size_t>(length), 'x');
  };
  CHECK_THROWS_AS(SqliteImage(junk, 4096, "x"), ParseError);
  CHECK_THROWS_AS(ReadBackupDomains(junk, 4096), ParseError);
  bool fail = false;
  const SqliteImage::ReadAt flaky = [&](uint64_t offset, uint64_t length) {
    if (fail) throw std::runtime_error("unreadable");
    return db.substr(offset, length);
  };
  SqliteImage broken(flaky, db.size(), "Manifest.db");
  fail = true;
  SqliteStatement all;
  const int prepared = sqlite3_prepare_v2(
      broken.get(), "SELECT count(*) FROM Files", -1, all.out(), nullptr);
  CHECK((prepared != SQLITE_OK || sqlite3_step(all.get()) != SQLITE_ROW));
  const std::string cut = db.substr(0, db.size() / 2);
  const SqliteImage::ReadAt half = [&](uint64_t offset, uint64_t length) {
    return offset < cut.size() ? cut.substr(offset, length) : std::string();
  };
  CHECK_THROWS_AS(ReadBackupDomains(half, db.size()), ParseError);
}

TEST_CASE("iPhone backup mapping: Manifest.db read in ranges, plain and "
          "encrypted alike",
          "[ios][ios-backup]") {
  if (!HaveTool("sqlite3")) {
    WARN("sqlite3 absent: skipped");
    return;
  }
  TempDir dir;
  const std::string db = MakeManifestDb(dir, 3, 3000);
  const std::string key(32, 'm');
  const std::string encrypted = EncryptCbcZeroIv(key, db);

  auto stored_plain = std::make_unique<MemoryVfs>();
  stored_plain->AddFile("/Manifest.db", db);
  const std::string id = std::string(39, '0') + "2";  // row 2: app0001's
  stored_plain->AddFile("/00/" + id, "app file");
  IosBackupVfs plain(std::move(stored_plain), {{"/Manifest.db", ""}},
                     IosBackupVfs::ManifestFile{}, {});

  auto stored_enc = std::make_unique<MemoryVfs>();
  stored_enc->AddFile("/Manifest.db", encrypted);
  IosBackupVfs enc(std::move(stored_enc), {{"/Manifest.db", ""}},
                   IosBackupVfs::ManifestFile{key}, {{3, std::string(32, 'k')}});

  const std::vector<std::string> top = {
      "AppDomain-com.example.app0000", "AppDomain-com.example.app0001",
      "AppDomain-com.example.app0002", "HomeDomain", "Manifest.db"};
  CHECK(Names(plain.List("/")) == top);
  CHECK(Names(enc.List("/")) == top);
  // The decrypted database, whole and in ranges that start mid-block.
  CHECK(enc.Read("/Manifest.db", 1ull << 30) == db);
  CHECK(enc.ReadRange("/Manifest.db", 4101, 77) == db.substr(4101, 77));
  CHECK(enc.Stat("/Manifest.db")->size == db.size());
  CHECK(plain.ReadRange("/Manifest.db", 5, 11) == db.substr(5, 11));

  const std::string app = "/AppDomain-com.example.app0001/Library";
  CHECK(plain.List(app).size() == 500);
  CHECK(enc.List(app).size() == 500);
  CHECK(plain.Read(app + "/f000002.plist", 64) == "app file");
  CHECK(plain.file_count() == 3000);
  CHECK(enc.file_count() == 3000);
  CHECK(plain.bytes_read() > 0);

  // A wrong key decrypts into no SQLite database: an error naming why.
  auto stored_bad = std::make_unique<MemoryVfs>();
  stored_bad->AddFile("/Manifest.db", encrypted);
  try {
    IosBackupVfs bad(std::move(stored_bad), {{"/Manifest.db", ""}},
                     IosBackupVfs::ManifestFile{std::string(32, 'w')}, {});
    FAIL("a wrong key opened Manifest.db");
  } catch (const EvidenceError& e) {
    CHECK_THAT(e.what(), Catch::Contains("cannot be decrypted"));
  }
}
