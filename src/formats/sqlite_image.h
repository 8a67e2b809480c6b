// An SQLite database from evidence, opened from its bytes (and its
// write-ahead log's) without ever touching the evidence, and hardened
// against what a hostile schema can do. Shared by the readers of SQLite
// record formats (rpm's rpmdb.sqlite, Windows' StateRepository-Machine.srd).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace contraband {

/// A read-only connection to a database given as bytes.
///
/// Without a log the bytes are deserialized in memory; with a non-empty one,
/// both are copied into a private folder made with mkdtemp() under the
/// host's temporary folder ($TMPDIR or /tmp) so SQLite can replay the log
/// there, and the folder is removed when the object dies.
class SqliteImage {
 public:
  /// `label` names the format in error messages ("rpm sqlite"). Throws
  /// ParseError when the bytes are not an SQLite database or cannot be
  /// opened.
  SqliteImage(std::string_view db, std::string_view wal, std::string label);
  /// A database of `size` bytes read in pages as SQLite asks for them,
  /// through `read_at` (up to `length` bytes at `offset`, fewer at the end;
  /// it may throw), never held whole: for a large database of which a query
  /// needs a few pages (an index walk). No log is read; the connection is
  /// immutable (no locks, no journal) and keeps its temporary tables in
  /// memory. `read_at` must outlive the object. Throws ParseError as above.
  using ReadAt = std::function<std::string(uint64_t offset, uint64_t length)>;
  SqliteImage(ReadAt read_at, uint64_t size, std::string label);
  struct Pages;  ///< the ranged reader (internal to sqlite_image.cc)
  ~SqliteImage();
  SqliteImage(const SqliteImage&) = delete;
  SqliteImage& operator=(const SqliteImage&) = delete;

  sqlite3* get() const { return db_; }
  /// SQLite's message for the last failure on this connection.
  std::string error() const;

 private:
  class PrivateFolder;
  std::string copy_;  ///< the deserialized bytes; outlives the connection
  std::unique_ptr<Pages> pages_;  ///< the ranged reader; outlives it too
  std::unique_ptr<PrivateFolder> folder_;
  sqlite3* db_ = nullptr;
};

/// A prepared statement, finalized when it dies.
class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() { sqlite3_finalize(stmt_); }
  sqlite3_stmt** out() { return &stmt_; }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

/// Column `col` of the current row as text, cut at `max_bytes` (hostile
/// rows may hold megabytes where a name is expected); "" for NULL.
std::string SqliteColumnText(sqlite3_stmt* stmt, int col,
                             size_t max_bytes = SIZE_MAX);

/// SQLite reads a database cut short as if the missing pages were never
/// written: a message when the page count its header records (trusted only
/// when its "valid for" counter matches, as SQLite itself does) is more than
/// the bytes hold; `what` names the rows lost ("packages").
std::optional<std::string> SqliteTruncation(std::string_view db,
                                            std::string_view what);

}  // namespace contraband
