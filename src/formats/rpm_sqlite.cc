#include "formats/rpm_sqlite.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
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

class Connection {
 public:
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { sqlite3_close_v2(db_); }
  sqlite3** out() { return &db_; }
  sqlite3* get() const { return db_; }
  std::string error() const {
    return db_ ? sqlite3_errmsg(db_) : "out of memory";
  }

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }
  sqlite3_stmt** out() { return &stmt_; }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// A folder only this process can use, removed with everything in it when the
// object dies (after the connection that uses it is closed).
class PrivateFolder {
 public:
  PrivateFolder() {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string tmpl = (base / "contraband-rpmdb-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      throw ParseError(
          "rpm sqlite: cannot make a private temporary folder "
          "under " +
          base.string() +
          " to replay the "
          "write-ahead log: " +
          std::strerror(errno));
    }
    path_ = tmpl;
  }
  PrivateFolder(const PrivateFolder&) = delete;
  PrivateFolder& operator=(const PrivateFolder&) = delete;
  ~PrivateFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

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
  [[noreturn]] static void Fail(const std::string& path) {
    throw ParseError("rpm sqlite: cannot write the temporary copy " + path +
                     ": " + std::strerror(errno));
  }
  std::string path_;
};

void Harden(sqlite3* db) {
  // The schema comes from evidence: let it call no functions with side
  // effects and forbid writes to the schema through it.
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
}

RpmDbContents ReadPackages(const Connection& conn) {
  Statement stmt;
  if (sqlite3_prepare_v2(conn.get(),
                         "SELECT hnum, blob FROM Packages ORDER BY hnum", -1,
                         stmt.out(), nullptr) != SQLITE_OK) {
    throw ParseError("rpm sqlite database has no readable Packages table: " +
                     conn.error());
  }
  RpmDbContents out;
  size_t rows = 0;
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      out.Problem([&] {
        return "the database is damaged after " + std::to_string(rows) +
               " rows of Packages (" + conn.error() +
               "); the remaining packages are lost";
      });
      break;
    }
    ++rows;
    const auto hnum =
        static_cast<uint64_t>(sqlite3_column_int64(stmt.get(), 0));
    if (sqlite3_column_type(stmt.get(), 1) == SQLITE_NULL) {
      out.Problem([&] {
        return "record " + std::to_string(hnum) +
               " has no header blob; skipped";
      });
      continue;
    }
    const void* blob = sqlite3_column_blob(stmt.get(), 1);
    const int size = sqlite3_column_bytes(stmt.get(), 1);
    std::string image;
    if (blob != nullptr && size > 0) {
      image.assign(static_cast<const char*>(blob), static_cast<size_t>(size));
    }
    out.records.push_back({hnum, std::move(image)});
  }
  return out;
}

// SQLite reads a database cut short as if the missing pages were never
// written, so a truncated file is noticed here from the page count that the
// header records (trusted only when its "valid for" counter matches, as
// SQLite itself does).
void CheckSize(std::string_view db, RpmDbContents& out) {
  ByteReader r(db);
  r.seek(16, "sqlite page size");
  uint64_t page_size = r.be<uint16_t>("sqlite page size");
  if (page_size == 1) page_size = 65536;
  r.seek(24, "sqlite change counter");
  const uint32_t change_counter = r.be<uint32_t>("sqlite change counter");
  const uint64_t pages = r.be<uint32_t>("sqlite page count");
  r.seek(92, "sqlite version-valid-for");
  const uint32_t valid_for = r.be<uint32_t>("sqlite version-valid-for");
  if (change_counter != valid_for || pages == 0) return;
  if (db.size() < pages * page_size) {
    out.Problem([&] {
      return "the database is truncated: its header names " +
             std::to_string(pages) + " pages of " + std::to_string(page_size) +
             " bytes but the file holds " + std::to_string(db.size()) +
             " bytes; packages on the missing pages are lost";
    });
  }
}

}  // namespace

RpmDbContents ReadRpmSqlite(std::string_view db, std::string_view wal) {
  if (db.substr(0, kSqliteMagic.size()) != kSqliteMagic || db.size() < 100) {
    throw ParseError("not an SQLite database (no \"SQLite format 3\" magic)");
  }
  if (wal.empty()) {
    // In memory. A database in WAL mode cannot be deserialized as is, so the
    // private copy is marked as a rollback-journal database; with no log to
    // replay, its pages are the whole database.
    std::string copy(db);
    if (copy[kWriteVersionOffset] == 2) copy[kWriteVersionOffset] = 1;
    if (copy[kReadVersionOffset] == 2) copy[kReadVersionOffset] = 1;
    Connection conn;
    if (sqlite3_open_v2(":memory:", conn.out(),
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK) {
      throw ParseError("rpm sqlite: cannot open an in-memory database: " +
                       conn.error());
    }
    Harden(conn.get());
    if (sqlite3_deserialize(conn.get(), "main",
                            reinterpret_cast<unsigned char*>(copy.data()),
                            static_cast<sqlite3_int64>(copy.size()),
                            static_cast<sqlite3_int64>(copy.size()),
                            SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
      throw ParseError("rpm sqlite: cannot load the database: " + conn.error());
    }
    RpmDbContents out = ReadPackages(conn);  // `copy` outlives `conn`
    CheckSize(db, out);
    return out;
  }

  // The log must sit beside the database under the matching name for SQLite
  // to replay it; the copies are ours, so the connection may write its
  // shared-memory index and checkpoint there.
  PrivateFolder folder;
  const std::string db_path = folder.Write("rpmdb.sqlite", db);
  folder.Write("rpmdb.sqlite-wal", wal);
  RpmDbContents out;
  {
    Connection conn;
    if (sqlite3_open_v2(db_path.c_str(), conn.out(), SQLITE_OPEN_READWRITE,
                        nullptr) != SQLITE_OK) {
      throw ParseError("rpm sqlite: cannot open the temporary copy: " +
                       conn.error());
    }
    Harden(conn.get());
    out = ReadPackages(conn);
  }
  CheckSize(db, out);
  return out;
}

}  // namespace contraband
