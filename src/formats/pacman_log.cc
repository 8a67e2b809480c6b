#include "formats/pacman_log.h"

namespace contraband {
namespace {

bool NameToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c < 0x21 || c == 0x7f || c == '(' || c == ')') return false;
  }
  return true;
}

// "zoom (6.2-1)" or "zoom (6.1-1 -> 6.2-1)": fills name, and the one or two
// versions; false when the text is not that.
bool NameAndVersions(std::string_view text, bool two, std::string& name,
                     std::string& first, std::string& second) {
  const size_t open = text.find(" (");
  if (open == std::string_view::npos || text.empty() || text.back() != ')') {
    return false;
  }
  std::string_view n = text.substr(0, open);
  std::string_view inner = text.substr(open + 2, text.size() - open - 3);
  if (!NameToken(n)) return false;
  if (two) {
    const size_t arrow = inner.find(" -> ");
    if (arrow == std::string_view::npos) return false;
    std::string_view a = inner.substr(0, arrow), b = inner.substr(arrow + 4);
    if (!NameToken(a) || !NameToken(b)) return false;
    first = std::string(a);
    second = std::string(b);
  } else {
    if (!NameToken(inner)) return false;
    first = std::string(inner);
  }
  name = std::string(n);
  return true;
}

}  // namespace

HistoryLog ParsePacmanLog(std::string_view text, const HistoryLimits& limits,
                          const HistoryEventFn& on_event) {
  HistoryLog log;
  log.on_event = on_event;
  ForEachLogLine(text, limits, log, [&](size_t number, std::string_view line) {
    if (line.empty()) return true;
    const size_t close = line.find(']');
    if (line.front() != '[' || close == std::string_view::npos) {
      log.AddError(number, "does not start with a [time]", limits);
      return true;
    }
    const std::string_view time = line.substr(1, close - 1);
    std::optional<HistoryTime> when = ParseHistoryDateTime(time);
    if (!when) {
      log.AddError(number,
                   "unreadable time [" + std::string(time.substr(0, 64)) + "]",
                   limits);
      return true;
    }
    std::string_view rest = line.substr(close + 1);
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (!rest.empty() && rest.front() == '[') {
      const size_t end = rest.find(']');
      if (end == std::string_view::npos) {
        log.AddError(number, "unclosed [source]", limits);
        return true;
      }
      const std::string_view source = rest.substr(1, end - 1);
      // Package changes come from libalpm (ALPM), or from the pacman front
      // end (PACMAN) in 4.1-4.2; never from install scripts' output.
      if (source != "ALPM" && source != "PACMAN") return true;
      rest = rest.substr(end + 1);
      if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    }
    const size_t space = rest.find(' ');
    const std::string_view word = rest.substr(0, space);
    HistoryEvent e;
    bool two = false;
    if (word == "installed") {
      e.action = HistoryAction::kInstall;
    } else if (word == "removed") {
      e.action = HistoryAction::kRemove;
    } else if (word == "reinstalled") {
      e.action = HistoryAction::kReinstall;
    } else if (word == "upgraded") {
      e.action = HistoryAction::kUpgrade;
      two = true;
    } else if (word == "downgraded") {
      e.action = HistoryAction::kDowngrade;
      two = true;
    } else {
      return true;  // transaction started, running hooks, warnings, ...
    }
    std::string first, second;
    if (space == std::string_view::npos ||
        !NameAndVersions(rest.substr(space + 1), two, e.package, first,
                         second)) {
      log.AddError(number,
                   std::string(word) + " line is not \"" + std::string(word) +
                       " NAME (" + (two ? "OLD -> NEW" : "VERSION") + ")\"",
                   limits);
      return true;
    }
    if (two) {
      e.old_version = std::move(first);
      e.version = std::move(second);
    } else {
      e.version = std::move(first);
    }
    e.line = number;
    e.time = std::string(time);
    e.when = *when;
    return log.AddEvent(std::move(e), limits);
  });
  return log;
}

}  // namespace contraband
