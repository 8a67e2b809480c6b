// The app lists of an iTunes/Finder backup of an iPhone:
//   Info.plist: "Installed Applications", the user's apps by bundle id;
//   Manifest.plist: "Applications", bundle id -> {CFBundleIdentifier,
//     CFBundleVersion, CFBundleShortVersionString (newer iOS), Path,
//     iTunesMetadata (a plist in a data value)}; "IsEncrypted";
//   Manifest.db (SQLite, Files(fileID, domain, relativePath, flags, file)):
//     one domain "AppDomain-<bundle id>" per app whose data was backed up.
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

/// The bundle ids of the AppDomain-* domains in Manifest.db's Files table
/// (sorted, unique, at most kBackupMaxApps). Throws ParseError when the
/// bytes are not SQLite (an encrypted Manifest.db) or have no Files table.
std::vector<std::string> BackupAppDomains(std::string_view manifest_db);

/// The same, with Manifest.db (`size` bytes) read through `read_at` only
/// where SQLite needs it: with iOS's index on domain, the index pages.
std::vector<std::string> BackupAppDomains(const SqliteImage::ReadAt& read_at,
                                          uint64_t size);

/// Whether the bytes start like an SQLite database.
bool LooksLikeSqlite(std::string_view bytes);

}  // namespace contraband
