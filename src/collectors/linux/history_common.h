// What the package-manager history collectors (dpkg.log, apt history.log,
// dnf.rpm.log / yum.log, pacman.log) share: reading rotated and gzipped logs,
// reporting damaged lines, and deciding from all events of all log files
// which packages were installed and later removed.
//
// A log says what happened, not what is there: packages still installed at
// the end of the logs are left to the package database collectors (the
// authority on what is installed); only packages whose last event removed
// them become records, with state removed and the dates.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "formats/history_event.h"

namespace contraband {

struct HistoryFormat {
  std::string ecosystem;  ///< Software::ecosystem of the records ("dpkg")
  /// Patterns "<folder>/<log name>*": the part before '*' is the log's
  /// current name, and what follows it in a file's name tells how old the
  /// rotation is (".1", ".2.gz", "-20240101").
  std::vector<std::string> patterns;
  /// Parses one log (already decompressed), handing each event to
  /// `on_event`; `path` picks among formats that share a collector (yum.log
  /// vs dnf.rpm.log).
  std::function<HistoryLog(std::string_view path, std::string_view text,
                           const HistoryEventFn& on_event)>
      parse;
};

/// The largest history log (or gzip file, and what it decompresses to) read.
inline constexpr uint64_t kMaxHistoryLogBytes = 256ull << 20;
/// Damaged lines reported one by one per file; the rest are counted.
inline constexpr size_t kDamagedLinesShown = 3;

std::unique_ptr<Collector> MakeHistoryCollector(HistoryFormat format);

/// How old a rotated log is relative to the others of its name, for ordering
/// events of the same second: smaller is older. `base` is the current log's
/// file name ("dpkg.log").
struct LogAge {
  int group = 0;  ///< 0 dated (-YYYYMMDD), 1 other, 2 numbered (.N), 3 current
  int64_t value = 0;
  auto operator<=>(const LogAge&) const = default;
};
LogAge RotationAge(std::string_view file_name, std::string_view base);

}  // namespace contraband
