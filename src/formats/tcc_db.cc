#include "formats/tcc_db.h"

#include <algorithm>
#include <set>

#include "formats/code_requirement.h"
#include "formats/parse_error.h"
#include "formats/plist.h"
#include "formats/sqlite_image.h"

namespace contraband {
namespace {

// Bundle ids and paths are short; a longer value is cut, not kept whole.
constexpr int kMaxTextBytes = 4096;

// The columns `access` has in this database (its layout changed twice).
std::set<std::string> AccessColumns(SqliteImage& conn) {
  SqliteStatement stmt;
  if (sqlite3_prepare_v2(conn.get(), "PRAGMA table_info(access)", -1,
                         stmt.out(), nullptr) != SQLITE_OK) {
    throw ParseError("TCC.db: cannot read the access table's layout: " +
                     conn.error());
  }
  std::set<std::string> out;
  while (sqlite3_step(stmt.get()) == SQLITE_ROW && out.size() < 256) {
    out.insert(SqliteColumnText(stmt.get(), 1, kMaxTextBytes));
  }
  return out;
}

}  // namespace

std::vector<TccDecision> ReadTccDecisions(std::string_view db,
                                          std::string_view wal) {
  SqliteImage conn(db, wal, "TCC.db");
  const std::set<std::string> columns = AccessColumns(conn);
  if (!columns.count("service") || !columns.count("client")) {
    throw ParseError("TCC.db has no access table with service and client "
                     "columns");
  }
  // Missing columns read as NULL, so one statement serves every layout.
  auto column = [&](const char* name) {
    return columns.count(name) ? std::string(name) : std::string("NULL");
  };
  const std::string sql = "SELECT service, client, " + column("client_type") +
                          ", " + column("auth_value") + ", " +
                          column("allowed") + ", " +
                          column("last_modified") + ", " + column("csreq") +
                          " FROM access";
  SqliteStatement stmt;
  if (sqlite3_prepare_v2(conn.get(), sql.c_str(), -1, stmt.out(), nullptr) !=
      SQLITE_OK) {
    throw ParseError("TCC.db: cannot read the access table: " + conn.error());
  }
  std::vector<TccDecision> out;
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw ParseError("TCC.db: " + conn.error());
    if (out.size() >= kTccMaxRows) break;
    TccDecision row;
    row.service = SqliteColumnText(stmt.get(), 0, kMaxTextBytes);
    row.client = SqliteColumnText(stmt.get(), 1, kMaxTextBytes);
    if (row.client.empty()) continue;
    row.client_is_path = sqlite3_column_int64(stmt.get(), 2) == 1;
    if (sqlite3_column_type(stmt.get(), 3) != SQLITE_NULL) {
      const int64_t auth = sqlite3_column_int64(stmt.get(), 3);
      row.allowed = auth == 2 || auth == 3;  // allowed, limited
    } else {
      row.allowed = sqlite3_column_int64(stmt.get(), 4) == 1;
    }
    if (sqlite3_column_type(stmt.get(), 5) == SQLITE_INTEGER) {
      const int64_t unix_seconds = sqlite3_column_int64(stmt.get(), 5);
      // 978307200: 2001-01-01, the epoch AppleTimeToIso counts from.
      if (unix_seconds > 0 && unix_seconds < 253402300799) {
        row.last_modified =
            AppleTimeToIso(static_cast<double>(unix_seconds - 978307200));
      }
    }
    if (sqlite3_column_type(stmt.get(), 6) == SQLITE_BLOB) {
      const void* blob = sqlite3_column_blob(stmt.get(), 6);
      const int size = sqlite3_column_bytes(stmt.get(), 6);
      try {
        const CodeRequirement req = ParseCodeRequirement(
            std::string_view(static_cast<const char*>(blob),
                             static_cast<size_t>(std::max(size, 0))));
        row.requirement_identifier = req.identifier;
        row.team_id = req.team_id;
      } catch (const ParseError&) {
        // A requirement this reader cannot follow names no signer; the
        // decision itself still stands.
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace contraband
