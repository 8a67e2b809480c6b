// The few ways Windows records write a moment, as RFC 3339 UTC text (the
// form every installed_at / removed_at in a report takes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace contraband {

/// Seconds since 1970 as "2024-01-15T10:00:00Z"; "" for 0 or a moment
/// past the year 9999.
std::string UnixSecondsToRfc3339(int64_t seconds);

/// A FILETIME (100 ns since 1601) as RFC 3339 UTC; "" for 0 or before 1970.
std::string WindowsFiletimeToRfc3339(uint64_t filetime);

/// "MM/DD/YYYY HH:MM:SS" (how Amcache writes InstallDate and LinkDate) as
/// RFC 3339 UTC; "" when `text` is not one.
std::string AmcacheDateToRfc3339(std::string_view text);

}  // namespace contraband
