// Registry transaction logs (.LOG1/.LOG2, new format of Windows 8.1 and
// later): a base block, then HvLE log entries, each a list of dirty pages
// of the hive bins data. A dirty hive (its sequence numbers differ) has its
// recent changes only there; replaying them into the hive's bytes in memory
// gives the registry Windows itself would see on the next boot. The hive
// file is never written. Layout and recovery rules: "Windows registry file
// format specification" (M. Suhanov), "Format of transaction log files".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

struct RegfReplay {
  size_t entries_applied = 0;
  uint32_t first_sequence = 0, last_sequence = 0;  ///< of the applied entries
  /// Why a log or the rest of one was not used (old format, a bad hash).
  std::vector<std::string> problems;
};

/// Most hive bytes a replay may grow a hive to.
inline constexpr uint64_t kRegfMaxReplayedHive = 1ull << 30;

/// Applies to `hive` (the caller's one in-memory copy) the log entries of
/// `logs`, LOG1 before LOG2, that come after the hive's last complete
/// write: entries with a sequence number at or above the hive's primary
/// sequence number, each the next of the one before, with valid Marvin32
/// hashes; the first bad entry ends that log. The hive grows when an entry
/// says the hive bins did; its base block then carries the new size and
/// sequence numbers. Throws ParseError only when `hive` has no base block.
RegfReplay ReplayRegfLogs(std::string& hive,
                          const std::vector<std::string_view>& logs);

/// Marvin32 (the hash the log entries carry) of `data` with `seed`.
uint64_t Marvin32(std::string_view data, uint64_t seed);

}  // namespace contraband
