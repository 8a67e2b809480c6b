// A registry hive handed to a collector, read whole into the one in-memory
// copy the collector keeps, with the .LOG1/.LOG2 beside it (which sort right
// after it) replayed into that copy when the hive is dirty. Shared by the
// collectors that read hives (windows-registry, msix).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/collector.h"

namespace contraband {

/// The file's bytes, read whole through EvidenceFile::ReadChunks; throws
/// ParseError when it is over `limit` bytes.
std::string ReadWholeFile(const EvidenceFile& file, uint64_t limit);

/// Whether a lower-case path names a hive transaction log (".log1"/".log2").
bool IsHiveLogPath(std::string_view lower);

struct HiveFile {
  std::string path;   ///< evidence path as found
  std::string lower;  ///< ASCII lower case, to pair it with its logs
  std::string bytes;  ///< the one in-memory copy, patched by Replay
  bool dirty = false;
  uint32_t primary = 0, secondary = 0;
  std::string logs[2];  ///< .LOG1, .LOG2; read only for a dirty hive

  /// Reads `file` (a hive) whole within `limit` and its base block. Throws
  /// ParseError when it is not a hive.
  static HiveFile Open(const EvidenceFile& file, uint64_t limit);

  /// Takes `file` if it is this hive's .LOG1/.LOG2 (lower-case path
  /// `lower`): read within `limit` when the hive is dirty, else left unread.
  /// False when it belongs to another hive.
  bool TakeLog(const EvidenceFile& file, std::string_view lower,
               uint64_t limit);

  /// For a dirty hive: replays its logs into `bytes` in memory (never the
  /// evidence) and says through `warn` what was done or what may be
  /// missing; frees the logs. Nothing for a clean hive.
  void Replay(const std::function<void(std::string)>& warn);
};

class RegfHive;

/// What every hive-reading collector does with the hive it was holding:
/// takes it out of `pending` (nothing when empty), replays its logs, opens
/// it, warns its damage on its path, and hands it to `read`. A ParseError
/// from any of these, `read` included, is a warning on the hive's path.
void ReadPendingHive(
    std::optional<HiveFile>& pending, CollectorSink& sink,
    const std::function<void(const std::string& path, const RegfHive&)>& read);

}  // namespace contraband
