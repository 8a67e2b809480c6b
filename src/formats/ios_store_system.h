// The App Store daemon's database on an iPhone (iOS 16+),
// private/var/containers/Data/System/<UUID>/Documents/Persistence/
// storeSystem.db (SQLite, usually with a -wal): table app_install holds one
// row per app the App Store installed or is installing: bundle_id,
// bundle_name, bundle_version (CFBundleVersion), vendor_name, item_id (the
// store id), timestamp (seconds since 2001-01-01 UTC).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace contraband {

struct StoreInstall {
  std::string bundle_id;
  std::string name;
  std::string version;
  std::string vendor;
  std::string item_id;
  std::string when;  ///< ISO 8601 UTC, "" when absent
};

inline constexpr size_t kStoreSystemMaxRows = 100000;

/// The app_install rows with a bundle id (at most kStoreSystemMaxRows).
/// Throws ParseError when the bytes are not SQLite or have no app_install.
std::vector<StoreInstall> ReadStoreInstalls(std::string_view db,
                                            std::string_view wal);

}  // namespace contraband
