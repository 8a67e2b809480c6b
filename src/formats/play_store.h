// Google Play's own databases in com.android.vending's data folder, which
// remember apps after they are uninstalled:
//   localappstate.db  table appstate: one row per app Play installed or
//                     tracked on this device: package_name, title,
//                     first_download_ms, last_update_timestamp_ms, account
//   library.db        table ownership: apps (doc_type 1) the signed-in
//                     account acquired, doc_id = package name, purchase_time
//                     (ms); possibly on another device of the same account
// (ownership's app_certificate_hash is a base64 SHA-1, not a SHA-256, and
// is not read.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

inline constexpr size_t kMaxPlayStoreRows = 200'000;
inline constexpr uint64_t kMaxPlayStoreDbBytes = 256ull << 20;

struct PlayStoreApp {
  std::string package;
  std::string title;
  std::string first_download;  ///< RFC 3339 UTC, "" when 0 or absent
  std::string last_update;     ///< RFC 3339 UTC, "" when 0 or absent
  std::string account;
};

struct PlayStoreRows {
  std::vector<PlayStoreApp> apps;
  std::vector<std::string> problems;
};

/// localappstate.db's appstate rows. Throws ParseError when the bytes are
/// no SQLite database or have no appstate table.
PlayStoreRows ReadPlayStoreAppState(std::string_view db, std::string_view wal);

/// library.db's app ownership rows (first_download = purchase time). Throws
/// ParseError like ReadPlayStoreAppState.
PlayStoreRows ReadPlayStoreLibrary(std::string_view db, std::string_view wal);

/// Milliseconds since the epoch -> "YYYY-MM-DDTHH:MM:SSZ" (as
/// android-packages writes packages.xml's times); "" for 0,
/// negative values, or years past 9999.
std::string MillisToRfc3339(int64_t ms);

}  // namespace contraband
