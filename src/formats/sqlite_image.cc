#include "formats/sqlite_image.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSqliteMagic("SQLite format 3\0", 16);
// File-format bytes of the database header: 2 = WAL, 1 = rollback journal.
constexpr size_t kWriteVersionOffset = 18;
constexpr size_t kReadVersionOffset = 19;

void Harden(sqlite3* db) {
  // The schema comes from evidence: let it call no functions with side
  // effects and forbid writes to the schema through it.
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
}

}  // namespace

// A folder only this process can use, removed with everything in it when the
// object dies (after the connection that uses it is closed).
class SqliteImage::PrivateFolder {
 public:
  explicit PrivateFolder(const std::string& label) : label_(label) {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string tmpl = (base / "contraband-sqlite-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      throw ParseError(
          label_ + ": cannot make a private temporary folder under " +
          base.string() +
          " to replay the write-ahead log: " + std::strerror(errno));
    }
    path_ = tmpl;
  }
  ~PrivateFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }

  std::string Write(const std::string& name, std::string_view data) const {
    const std::string path = path_ + "/" + name;
    int fd = open(path.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) Fail(path);
    while (!data.empty()) {
      ssize_t n = write(fd, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        Fail(path);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    if (close(fd) != 0) Fail(path);
    return path;
  }

 private:
  [[noreturn]] void Fail(const std::string& path) const {
    throw ParseError(label_ + ": cannot write the temporary copy " + path +
                     ": " + std::strerror(errno));
  }
  std::string label_;
  std::string path_;
};

SqliteImage::SqliteImage(std::string_view db, std::string_view wal,
                         std::string label) {
  if (db.substr(0, kSqliteMagic.size()) != kSqliteMagic || db.size() < 100) {
    throw ParseError("not an SQLite database (no \"SQLite format 3\" magic)");
  }
  if (wal.empty()) {
    // In memory. A database in WAL mode cannot be deserialized as is, so the
    // private copy is marked as a rollback-journal database; with no log to
    // replay, its pages are the whole database.
    copy_.assign(db);
    if (copy_[kWriteVersionOffset] == 2) copy_[kWriteVersionOffset] = 1;
    if (copy_[kReadVersionOffset] == 2) copy_[kReadVersionOffset] = 1;
    if (sqlite3_open_v2(":memory:", &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK) {
      const std::string e = error();
      sqlite3_close_v2(db_);
      throw ParseError(label + ": cannot open an in-memory database: " + e);
    }
    Harden(db_);
    if (sqlite3_deserialize(db_, "main",
                            reinterpret_cast<unsigned char*>(copy_.data()),
                            static_cast<sqlite3_int64>(copy_.size()),
                            static_cast<sqlite3_int64>(copy_.size()),
                            SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
      const std::string e = error();
      sqlite3_close_v2(db_);
      throw ParseError(label + ": cannot load the database: " + e);
    }
    return;
  }
  // The log must sit beside the database under the matching name for SQLite
  // to replay it; the copies are ours, so the connection may write its
  // shared-memory index and checkpoint there.
  folder_ = std::make_unique<PrivateFolder>(label);
  const std::string db_path = folder_->Write("db.sqlite", db);
  folder_->Write("db.sqlite-wal", wal);
  if (sqlite3_open_v2(db_path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) !=
      SQLITE_OK) {
    const std::string e = error();
    sqlite3_close_v2(db_);
    throw ParseError(label + ": cannot open the temporary copy: " + e);
  }
  Harden(db_);
}

SqliteImage::~SqliteImage() { sqlite3_close_v2(db_); }

std::string SqliteImage::error() const {
  return db_ ? sqlite3_errmsg(db_) : "out of memory";
}

std::optional<std::string> SqliteTruncation(std::string_view db,
                                            std::string_view what) {
  ByteReader r(db);
  r.seek(16, "sqlite page size");
  uint64_t page_size = r.be<uint16_t>("sqlite page size");
  if (page_size == 1) page_size = 65536;
  r.seek(24, "sqlite change counter");
  const uint32_t change_counter = r.be<uint32_t>("sqlite change counter");
  const uint64_t pages = r.be<uint32_t>("sqlite page count");
  r.seek(92, "sqlite version-valid-for");
  const uint32_t valid_for = r.be<uint32_t>("sqlite version-valid-for");
  if (change_counter != valid_for || pages == 0) return std::nullopt;
  if (db.size() >= pages * page_size) return std::nullopt;
  return "the database is truncated: its header names " +
         std::to_string(pages) + " pages of " + std::to_string(page_size) +
         " bytes but the file holds " + std::to_string(db.size()) + " bytes; " +
         std::string(what) + " on the missing pages are lost";
}

}  // namespace contraband
