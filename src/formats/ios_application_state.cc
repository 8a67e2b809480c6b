#include "formats/ios_application_state.h"

#include <algorithm>

#include "formats/parse_error.h"
#include "formats/sqlite_image.h"

namespace contraband {

std::vector<std::string> ReadApplicationStateIds(std::string_view db,
                                                 std::string_view wal,
                                                 bool* truncated) {
  SqliteImage conn(db, wal, "applicationState.db");
  SqliteStatement stmt;
  if (sqlite3_prepare_v2(conn.get(),
                         "SELECT application_identifier FROM "
                         "application_identifier_tab",
                         -1, stmt.out(), nullptr) != SQLITE_OK) {
    throw ParseError(
        "applicationState.db has no readable application_identifier_tab: " +
        conn.error());
  }
  std::vector<std::string> ids;
  if (truncated) *truncated = false;
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      throw ParseError("applicationState.db: " + conn.error());
    }
    if (ids.size() >= kApplicationStateMaxIds) {
      if (truncated) *truncated = true;
      break;
    }
    const unsigned char* text = sqlite3_column_text(stmt.get(), 0);
    const int size = sqlite3_column_bytes(stmt.get(), 0);
    if (text == nullptr || size <= 0 || size > 1024) continue;
    ids.emplace_back(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(size));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace contraband
