// The app lists of an iTunes/Finder backup of an iPhone:
//   Info.plist: "Installed Applications", the user's apps by bundle id;
//   Manifest.plist: "Applications", bundle id -> {CFBundleIdentifier,
//     CFBundleVersion, CFBundleShortVersionString (newer iOS), Path,
//     iTunesMetadata (a plist in a data value)}; "IsEncrypted";
//   Manifest.db (SQLite, Files(fileID, domain, relativePath, flags, file)):
//     one domain "AppDomain-<bundle id>" per app whose data was backed up,
//     one "AppDomainGroup-<app group id>" per shared group container
//     ("AppDomainGroup-group.net.whatsapp.WhatsApp.shared": an app and its
//     extensions share it; the group id is not a bundle id).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/plist.h"
#include "formats/sqlite_image.h"

namespace contraband {

inline constexpr size_t kBackupMaxApps = 100000;

/// "Installed Applications" of a backup's Info.plist; throws ParseError
/// when `info` is not a backup's Info.plist (no dict, or none of the keys
/// a backup writes).
std::vector<std::string> BackupInstalledApplications(const PlistValue& info);

/// What Manifest.db's Files table names, each list sorted, unique and at
/// most kBackupMaxApps long.
struct BackupDomains {
  std::vector<std::string> apps;    ///< bundle ids of AppDomain-* domains
  std::vector<std::string> groups;  ///< group ids of AppDomainGroup-* domains
};

/// Reads the domains above. Throws ParseError when the bytes are not SQLite
/// (an encrypted Manifest.db) or have no Files table.
BackupDomains ReadBackupDomains(std::string_view manifest_db);

/// The bundle ids of the AppDomain-* domains (ReadBackupDomains().apps).
std::vector<std::string> BackupAppDomains(std::string_view manifest_db);

/// The same domains, with Manifest.db (`size` bytes) read through `read_at`
/// only where SQLite needs it: with iOS's index on domain, the index pages.
BackupDomains ReadBackupDomains(const SqliteImage::ReadAt& read_at,
                                uint64_t size);

/// Whether the bytes start like an SQLite database.
bool LooksLikeSqlite(std::string_view bytes);

}  // namespace contraband
