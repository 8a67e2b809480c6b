// A registry hive and its transaction logs as the scan hands them over: the
// hive, then (sorted right after it) its .LOG1 and .LOG2. Shared by the
// collectors that read hives (windows-registry, amcache) so that a dirty
// hive is replayed the same way everywhere: the hive is held once, a log is
// read only when the hive is dirty, and the replay patches that one copy in
// memory (the file is never written).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/collector.h"

namespace contraband {

/// A hive's bytes ready to open with RegfHive: logs replayed when dirty.
struct ReplayedHive {
  std::string path;   ///< evidence path of the hive
  std::string bytes;  ///< the one in-memory copy
};

class HiveWithLogs {
 public:
  HiveWithLogs(uint64_t max_hive_bytes, uint64_t max_log_bytes)
      : max_hive_(max_hive_bytes), max_log_(max_log_bytes) {}

  /// Whether `path` names a transaction log (".LOG1"/".LOG2", any case).
  static bool IsLog(std::string_view path);

  /// Keeps `file` (a log) when it belongs to the pending hive and that hive
  /// is dirty; a clean hive's logs hold nothing to apply and are never read.
  void AddLog(const EvidenceFile& file);

  /// Reads `file` as the pending hive. Throws ParseError when it has no
  /// regf base block (nothing is pending then). Call Take first: a hive
  /// still pending is dropped.
  void Start(const EvidenceFile& file);

  /// The pending hive with its logs replayed (what was replayed, or that
  /// nothing could be, is a warning on its path), or nullopt.
  std::optional<ReplayedHive> Take(CollectorSink& sink);

 private:
  struct Pending {
    std::string path, lower;
    std::string bytes;
    bool dirty = false;
    uint32_t primary = 0, secondary = 0;
    std::string logs[2];
  };

  uint64_t max_hive_, max_log_;
  std::optional<Pending> pending_;
};

/// The whole of `file`, at most `limit` bytes (ParseError beyond).
std::string ReadWholeFile(const EvidenceFile& file, uint64_t limit);

}  // namespace contraband
