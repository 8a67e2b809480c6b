#include "formats/state_repository.h"

#include <sqlite3.h>

#include <map>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"
#include "formats/sqlite_image.h"

namespace contraband {
namespace {

constexpr size_t kMaxProblems = 100;

void Problem(StateRepositoryContents& out, std::string message) {
  if (out.problems.size() < kMaxProblems) out.problems.push_back(message);
}

// A column as text: TEXT as is, a BLOB SID decoded (Windows keeps UserSid
// as the binary SID; text is accepted too).
std::string Column(sqlite3_stmt* stmt, int col, bool sid) {
  const int type = sqlite3_column_type(stmt, col);
  if (type == SQLITE_NULL) return {};
  if (type == SQLITE_BLOB && sid) {
    const void* blob = sqlite3_column_blob(stmt, col);
    const int size = sqlite3_column_bytes(stmt, col);
    if (blob == nullptr || size <= 0) return {};
    return SidToString(std::string_view(static_cast<const char*>(blob),
                                        static_cast<size_t>(size)));
  }
  const unsigned char* text = sqlite3_column_text(stmt, col);
  const int size = sqlite3_column_bytes(stmt, col);
  if (text == nullptr || size <= 0) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(size));
}

void Prepare(const SqliteImage& conn, SqliteStatement& stmt, const char* sql,
             const char* tables) {
  if (sqlite3_prepare_v2(conn.get(), sql, -1, stmt.out(), nullptr) !=
      SQLITE_OK) {
    throw ParseError(std::string("StateRepository database has no readable ") +
                     tables + " table: " + conn.error());
  }
}

StateRepositoryContents Read(const SqliteImage& conn) {
  StateRepositoryContents out;
  std::map<int64_t, size_t> by_id;  // _PackageID -> index in out.packages
  {
    SqliteStatement stmt;
    Prepare(conn, stmt,
            "SELECT _PackageID, PackageFullName FROM Package "
            "ORDER BY _PackageID",
            "Package");
    for (;;) {
      const int rc = sqlite3_step(stmt.get());
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Problem(out, "the database is damaged after " +
                         std::to_string(out.packages.size()) +
                         " rows of Package (" + conn.error() +
                         "); the remaining packages are lost");
        break;
      }
      if (out.packages.size() >= kMaxStateRepositoryPackages) {
        Problem(out, "more than " +
                         std::to_string(kMaxStateRepositoryPackages) +
                         " packages; the rest are not read");
        break;
      }
      const int64_t id = sqlite3_column_int64(stmt.get(), 0);
      std::string name = Column(stmt.get(), 1, false);
      if (name.empty()) {
        Problem(out, "Package row " + std::to_string(id) +
                         " has no PackageFullName; skipped");
        continue;
      }
      by_id[id] = out.packages.size();
      out.packages.push_back({std::move(name), {}});
    }
  }
  SqliteStatement stmt;
  // LEFT JOIN: a registration whose User row is gone still names the
  // package (its user then unknown).
  Prepare(conn, stmt,
          "SELECT pu.Package, pu.\"User\", u.UserSid FROM PackageUser AS pu "
          "LEFT JOIN \"User\" AS u ON u._UserID = pu.\"User\" "
          "ORDER BY pu._PackageUserID",
          "PackageUser or User");
  size_t rows = 0;
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      Problem(out, "the database is damaged after " + std::to_string(rows) +
                       " rows of PackageUser (" + conn.error() +
                       "); the remaining registrations are lost");
      break;
    }
    if (++rows > kMaxStateRepositoryRegistrations) {
      Problem(out, "more than " +
                       std::to_string(kMaxStateRepositoryRegistrations) +
                       " package registrations; the rest are not read");
      break;
    }
    const int64_t package = sqlite3_column_int64(stmt.get(), 0);
    const auto it = by_id.find(package);
    if (it == by_id.end()) {
      Problem(out, "a PackageUser row names package " +
                       std::to_string(package) +
                       ", which has no Package row; skipped");
      continue;
    }
    std::string sid = Column(stmt.get(), 2, true);
    if (sid.empty()) {
      sid = "user " + std::to_string(sqlite3_column_int64(stmt.get(), 1)) +
            " (no SID in User)";
    }
    out.packages[it->second].user_sids.push_back(std::move(sid));
  }
  return out;
}

}  // namespace

StateRepositoryContents ReadStateRepository(std::string_view db,
                                            std::string_view wal) {
  StateRepositoryContents out;
  {
    SqliteImage conn(db, wal, "StateRepository");
    out = Read(conn);
  }
  if (auto truncated = SqliteTruncation(db, "packages")) {
    Problem(out, *truncated);
  }
  return out;
}

std::string SidToString(std::string_view sid) {
  try {
    ByteReader r(sid);
    const uint8_t revision = r.le<uint8_t>("SID revision");
    const uint8_t count = r.le<uint8_t>("SID sub-authority count");
    if (revision != 1 || count > 15) return {};
    uint64_t authority = 0;
    for (int i = 0; i < 6; ++i) {
      authority = (authority << 8) | r.le<uint8_t>("SID authority");
    }
    std::string out = "S-1-" + std::to_string(authority);
    for (uint8_t i = 0; i < count; ++i) {
      out += "-" + std::to_string(r.le<uint32_t>("SID sub-authority"));
    }
    if (r.remaining() != 0) return {};
    return out;
  } catch (const ParseError&) {
    return {};
  }
}

}  // namespace contraband
