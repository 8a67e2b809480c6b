#include "formats/ios_store_system.h"

#include "formats/parse_error.h"
#include "formats/plist.h"
#include "formats/sqlite_image.h"

namespace contraband {
namespace {

}  // namespace

std::vector<StoreInstall> ReadStoreInstalls(std::string_view db,
                                            std::string_view wal) {
  SqliteImage conn(db, wal, "storeSystem.db");
  SqliteStatement stmt;
  if (sqlite3_prepare_v2(conn.get(),
                         "SELECT bundle_id, bundle_name, bundle_version, "
                         "vendor_name, item_id, timestamp FROM app_install",
                         -1, stmt.out(), nullptr) != SQLITE_OK) {
    throw ParseError("storeSystem.db has no readable app_install table: " +
                     conn.error());
  }
  std::vector<StoreInstall> out;
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw ParseError("storeSystem.db: " + conn.error());
    if (out.size() >= kStoreSystemMaxRows) break;
    StoreInstall row;
    row.bundle_id = SqliteColumnText(stmt.get(), 0, 4096);
    if (row.bundle_id.empty()) continue;
    row.name = SqliteColumnText(stmt.get(), 1, 4096);
    row.version = SqliteColumnText(stmt.get(), 2, 4096);
    row.vendor = SqliteColumnText(stmt.get(), 3, 4096);
    if (sqlite3_column_type(stmt.get(), 4) == SQLITE_INTEGER) {
      row.item_id = std::to_string(sqlite3_column_int64(stmt.get(), 4));
    }
    const int type = sqlite3_column_type(stmt.get(), 5);
    if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
      row.when = AppleTimeToIso(sqlite3_column_double(stmt.get(), 5));
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace contraband
