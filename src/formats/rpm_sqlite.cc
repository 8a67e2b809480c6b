#include "formats/rpm_sqlite.h"

#include <sqlite3.h>

#include <string>

#include "formats/parse_error.h"
#include "formats/sqlite_image.h"

namespace contraband {
namespace {

RpmDbContents ReadPackages(const SqliteImage& conn) {
  SqliteStatement stmt;
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

}  // namespace

RpmDbContents ReadRpmSqlite(std::string_view db, std::string_view wal) {
  RpmDbContents out;
  {
    SqliteImage conn(db, wal, "rpm sqlite");
    out = ReadPackages(conn);
  }
  if (auto truncated = SqliteTruncation(db, "packages")) {
    out.Problem([&] { return *truncated; });
  }
  return out;
}

}  // namespace contraband
