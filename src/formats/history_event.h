// What every package-manager history log parser returns (dpkg.log, apt's
// history.log, dnf.rpm.log / yum.log, pacman.log): typed events in log order,
// and the lines that could not be read. Shared helpers for their timestamps
// and lines live here too, so the four parsers agree on both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace contraband {

enum class HistoryAction {
  /// The package arrived: dpkg install, apt Install, rpm Installed, pacman
  /// installed.
  kInstall,
  /// A newer version replaced the installed one.
  kUpgrade,
  /// An older version replaced the installed one.
  kDowngrade,
  /// The same version was put back.
  kReinstall,
  /// The package left: dpkg remove, apt Remove, dnf Erase, yum Erased,
  /// pacman removed.
  kRemove,
  /// Removed with its configuration: dpkg purge, apt Purge.
  kPurge,
  /// rpm: removed because another package obsoletes it.
  kObsoleted,
  /// rpm: the old copy leaving during an upgrade, downgrade or reinstall
  /// (dnf "Upgraded:"); the package stays installed.
  kReplaced,
  /// dpkg "status STATE": HistoryEvent::status says which.
  kStatus,
};

std::string_view ToString(HistoryAction action);

/// A point in time as a log wrote it, made comparable.
struct HistoryTime {
  /// ISO 8601 as precise as the log allows: "2024-01-01T10:00:00" (local
  /// time, the log names no zone), "2024-01-01T10:00:00+01:00",
  /// "2019-01-01T10:00" (no seconds). A log without years (yum.log) gives
  /// ISO 8601:2000's truncated form "--01-01T10:00:00".
  std::string iso;
  /// False when the log names no year: `seconds` is then meaningless and only
  /// the order of lines tells which event came first.
  bool has_year = false;
  /// Seconds since 1970-01-01, in UTC when the log names a zone, else as if
  /// local time were UTC. Only for ordering events.
  int64_t seconds = 0;
};

/// "2024-01-01 10:00:00", "2024-01-01T10:00:00+0000", "...Z", "...+01:00",
/// "2019-01-01 10:00" (minutes only). nullopt when it is none of these or out
/// of range.
std::optional<HistoryTime> ParseHistoryDateTime(std::string_view text);

/// Syslog-style "Jan 01 10:00:00" / "Jan  1 10:00:00" (yum.log, old dnf):
/// no year. nullopt when malformed.
std::optional<HistoryTime> ParseYearlessTime(std::string_view text);

struct HistoryEvent {
  size_t line = 0;   ///< 1-based line of the log it came from
  std::string time;  ///< the timestamp exactly as written
  HistoryTime when;
  HistoryAction action = HistoryAction::kInstall;
  std::string package;      ///< the package name, without arch or version
  std::string arch;         ///< empty when the log does not say
  std::string version;      ///< the version installed by an install or upgrade,
                            ///< the version removed by a removal; may be empty
  std::string old_version;  ///< the version an upgrade or downgrade replaced
  std::string status;       ///< kStatus only: dpkg's state word ("installed")
};

struct HistoryLineError {
  size_t line = 0;
  std::string message;  ///< what was wrong, without the line number
};

struct HistoryLimits {
  size_t max_lines = 16'000'000;
  size_t max_line_length = 1u << 20;  ///< apt's Install lines can be long
  size_t max_events = 4'000'000;
  size_t max_errors_kept = 32;  ///< errors beyond this are only counted
};

/// Receives each event as it is parsed, instead of HistoryLog::events, so a
/// caller that keeps few of them never holds them all.
using HistoryEventFn = std::function<void(HistoryEvent&&)>;

struct HistoryLog {
  std::vector<HistoryEvent> events;      ///< in log order (without an on_event)
  size_t event_count = 0;                ///< events parsed, kept or handed over
  std::vector<HistoryLineError> errors;  ///< the first max_errors_kept
  size_t error_count = 0;                ///< all damaged lines
  size_t lines = 0;                      ///< lines looked at
  /// Non-empty when a limit stopped the parse early: what was not read.
  std::string stopped;

  void AddError(size_t line, std::string message, const HistoryLimits& limits);
  /// Appends an event (or hands it to on_event); false (and `stopped` set)
  /// once max_events were parsed.
  bool AddEvent(HistoryEvent event, const HistoryLimits& limits);

  HistoryEventFn on_event;  ///< set by the parsers from their argument
};

/// Calls `fn(line_number, line)` for each line of `text`, the line without
/// its "\n" or "\r\n" and without the NUL bytes a crash leaves at the start
/// of a block. Handles the damage every line log shares, as errors in `log`:
/// a line past max_line_length, a line of NUL bytes only, and a last line
/// without its end of line (a file cut while being written: its fields may
/// be cut too, so it is never used). Stops at max_lines (setting `stopped`)
/// or when `fn` returns false.
void ForEachLogLine(std::string_view text, const HistoryLimits& limits,
                    HistoryLog& log,
                    const std::function<bool(size_t, std::string_view)>& fn);

/// Splits `text` at runs of spaces and tabs.
std::vector<std::string_view> SplitWords(std::string_view text);

/// "zoom:amd64" -> {"zoom", "amd64"}; "zoom" -> {"zoom", ""}.
std::pair<std::string, std::string> SplitPackageArch(std::string_view text);

}  // namespace contraband
