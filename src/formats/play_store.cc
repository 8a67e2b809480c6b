#include "formats/play_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "formats/dumpsys_package.h"
#include "formats/parse_error.h"
#include "formats/sqlite_image.h"

namespace contraband {
namespace {

PlayStoreRows Query(std::string_view db, std::string_view wal,
                    const char* label, const char* sql, const char* what,
                    bool with_update) {
  if (db.size() > kMaxPlayStoreDbBytes) {
    throw ParseError(std::string(label) + " is over the size limit");
  }
  PlayStoreRows out;
  {
    SqliteImage conn(db, wal, label);
    SqliteStatement stmt;
    if (sqlite3_prepare_v2(conn.get(), sql, -1, stmt.out(), nullptr) !=
        SQLITE_OK) {
      throw ParseError(std::string(label) + " has no readable " + what +
                       " table: " + conn.error());
    }
    size_t rows = 0, bad = 0;
    for (;;) {
      const int rc = sqlite3_step(stmt.get());
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        out.problems.push_back("the database is damaged after " +
                               std::to_string(rows) + " rows of " + what +
                               " (" + conn.error() + ")");
        break;
      }
      if (++rows > kMaxPlayStoreRows) {
        out.problems.push_back("more than " +
                               std::to_string(kMaxPlayStoreRows) + " rows of " +
                               what + "; the rest were not read");
        break;
      }
      PlayStoreApp app;
      app.package = SqliteColumnText(stmt.get(), 0, 4096);
      if (!IsAndroidPackageName(app.package)) {
        ++bad;
        continue;
      }
      app.first_download = MillisToRfc3339(sqlite3_column_int64(stmt.get(), 1));
      if (with_update) {
        app.last_update = MillisToRfc3339(sqlite3_column_int64(stmt.get(), 2));
        app.title = SqliteColumnText(stmt.get(), 3, 4096);
        app.account = SqliteColumnText(stmt.get(), 4, 4096);
      }
      out.apps.push_back(std::move(app));
    }
    if (bad > 0) {
      out.problems.push_back(std::to_string(bad) + " rows of " + what +
                             " without a valid package name; skipped");
    }
  }
  if (auto truncated = SqliteTruncation(db, what)) {
    out.problems.push_back(*truncated);
  }
  return out;
}

}  // namespace

std::string MillisToRfc3339(int64_t ms) {
  if (ms <= 0 || ms > 253'402'300'799'999LL) return {};
  const time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm {};
  if (!gmtime_r(&secs, &tm)) return {};
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

PlayStoreRows ReadPlayStoreAppState(std::string_view db, std::string_view wal) {
  return Query(db, wal, "Play Store localappstate.db",
               "SELECT package_name, first_download_ms, "
               "last_update_timestamp_ms, title, account FROM appstate "
               "ORDER BY package_name",
               "appstate", true);
}

PlayStoreRows ReadPlayStoreLibrary(std::string_view db, std::string_view wal) {
  return Query(db, wal, "Play Store library.db",
               "SELECT doc_id, MIN(purchase_time) FROM ownership "
               "WHERE doc_type = 1 GROUP BY doc_id ORDER BY doc_id",
               "ownership", false);
}

}  // namespace contraband
