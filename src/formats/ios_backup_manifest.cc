#include "formats/ios_backup_manifest.h"

#include <algorithm>

#include "formats/parse_error.h"
#include "formats/sqlite_image.h"

namespace contraband {

std::vector<std::string> BackupInstalledApplications(const PlistValue& info) {
  if (info.type != PlistValue::Type::kDict ||
      (!info.Find("Installed Applications") &&
       !info.Find("Unique Identifier") && !info.Find("Target Identifier"))) {
    throw ParseError("not a backup's Info.plist");
  }
  std::vector<std::string> ids;
  if (const PlistValue* apps = info.Find("Installed Applications")) {
    for (const PlistValue& v : apps->items) {
      if (v.is_string() && !v.text.empty() && ids.size() < kBackupMaxApps) {
        ids.push_back(v.text);
      }
    }
  }
  return ids;
}

bool LooksLikeSqlite(std::string_view bytes) {
  return bytes.substr(0, 16) == std::string_view("SQLite format 3\0", 16);
}

namespace {

// The ids after `prefix` of the domains in [prefix, prefix with its '-'
// made '.'): the domain index makes this a walk over distinct domains.
std::vector<std::string> DomainIds(const SqliteImage& conn,
                                   std::string_view prefix) {
  std::string upper(prefix);
  upper.back() = '.';  // the byte after '-'
  SqliteStatement stmt;
  if (sqlite3_prepare_v2(conn.get(),
                         "SELECT DISTINCT domain FROM Files WHERE domain "
                         ">= ?1 AND domain < ?2",
                         -1, stmt.out(), nullptr) != SQLITE_OK) {
    throw ParseError("Manifest.db has no readable Files table: " +
                     conn.error());
  }
  sqlite3_bind_text(stmt.get(), 1, prefix.data(),
                    static_cast<int>(prefix.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt.get(), 2, upper.data(),
                    static_cast<int>(upper.size()), SQLITE_TRANSIENT);
  std::vector<std::string> ids;
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw ParseError("Manifest.db: " + conn.error());
    const unsigned char* text = sqlite3_column_text(stmt.get(), 0);
    const int size = sqlite3_column_bytes(stmt.get(), 0);
    if (text == nullptr || size <= 0 || size > 1024) continue;
    std::string_view domain(reinterpret_cast<const char*>(text),
                            static_cast<size_t>(size));
    if (domain.substr(0, prefix.size()) != prefix ||
        domain.size() == prefix.size()) {
      continue;
    }
    if (ids.size() >= kBackupMaxApps) break;
    ids.emplace_back(domain.substr(prefix.size()));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

BackupDomains ReadBackupDomains(const SqliteImage& conn) {
  BackupDomains out;
  out.apps = DomainIds(conn, "AppDomain-");
  out.groups = DomainIds(conn, "AppDomainGroup-");
  return out;
}

}  // namespace

BackupDomains ReadBackupDomains(std::string_view manifest_db) {
  if (!LooksLikeSqlite(manifest_db)) {
    throw ParseError("Manifest.db is not an SQLite database (encrypted?)");
  }
  SqliteImage conn(manifest_db, {}, "Manifest.db");
  return ReadBackupDomains(conn);
}

BackupDomains ReadBackupDomains(const SqliteImage::ReadAt& read_at,
                                uint64_t size) {
  if (!LooksLikeSqlite(size >= 16 ? read_at(0, 16) : std::string())) {
    throw ParseError("Manifest.db is not an SQLite database (encrypted?)");
  }
  SqliteImage conn(read_at, size, "Manifest.db");
  return ReadBackupDomains(conn);
}

std::vector<std::string> BackupAppDomains(std::string_view manifest_db) {
  return ReadBackupDomains(manifest_db).apps;
}

}  // namespace contraband
