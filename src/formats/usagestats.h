// Android's usage statistics (UsageStatsService), one file per interval:
//   /data/system/usagestats/<user>/{daily,weekly,monthly,yearly}/<start>
//       Android 9 and before: text XML, <usagestats><packages><package
//       package="…" lastTimeActive="…"/> (database versions 1-3);
//       Android 10: protobuf IntervalStatsProto (version 4), package names
//       inline or through the file's own string pool
//   /data/system_ce/<user>/usagestats/{daily,…}/<start>, …/mappings
//       Android 11 and later: protobuf IntervalStatsObfuscatedProto
//       (version 5), packages as numeric tokens that the user's `mappings`
//       file (ObfuscatedPackagesProto) turns back into names
// Every time in an interval file is milliseconds relative to the file
// name's start time (negative: before it); the name may end in "-c" (a file
// the checkin service has read). The parsers here turn them into absolute
// milliseconds since 1970 and keep, per package, its last time in the
// foreground (lastTimeActive, what UsageStats.getLastTimeUsed returns).
// The encoding is told by the bytes, not by the "version" file beside them:
// text XML starts with '<', everything else is read as protobuf.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

/// A daily file of a busy phone with its event log is a few MiB.
inline constexpr size_t kMaxUsageStatsBytes = 32u << 20;
/// Package entries (or mapping entries) one file may hold.
inline constexpr size_t kMaxUsageStatsPackages = 100'000;
/// Strings in one v1 string pool or one mappings entry.
inline constexpr size_t kMaxUsageStatsStrings = 1'000'000;

/// One package's use in one interval file.
struct UsageStatsEntry {
  /// The package name; empty in an obfuscated (Android 11+) file, where
  /// `token` names it through the mappings file.
  std::string package;
  int64_t token = 0;
  /// Last time in the foreground, milliseconds since 1970; entries whose
  /// time is absent or not after 1970 (Android writes "never" as minus the
  /// start time) are left out.
  int64_t last_used_ms = 0;
};

struct UsageStatsFile {
  enum class Encoding { kXml, kProto, kObfuscatedProto };
  Encoding encoding = Encoding::kXml;
  std::vector<UsageStatsEntry> entries;
  /// Damaged entries (a string-pool index past the pool), one message each.
  std::vector<std::string> problems;
};

/// An interval file's start time from its name ("1650012087093" or
/// "1650012087093-c"); nullopt for any other name (".bak" copies).
std::optional<int64_t> UsageStatsBeginTime(std::string_view file_name);

/// Reads one interval file whose name gave `begin_ms`. Throws ParseError
/// for bytes that are neither a <usagestats> XML document nor well-formed
/// protobuf, or that exceed the limits above.
UsageStatsFile ReadUsageStats(std::string_view bytes, int64_t begin_ms);

/// Reads a `mappings` file: package token -> package name. Throws
/// ParseError like ReadUsageStats.
std::map<int64_t, std::string> ReadUsageStatsMappings(std::string_view bytes);

}  // namespace contraband
