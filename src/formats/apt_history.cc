#include "formats/apt_history.h"

#include <optional>

#include "common/text.h"

namespace contraband {
namespace {

bool PlainToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c < 0x21 || c == 0x7f || c == '(' || c == ')' || c == ',') return false;
  }
  return true;
}

struct ListLine {
  size_t line;
  std::string key;
  std::string value;
};

struct Stanza {
  bool open = false;  ///< a field line was seen since the last blank line
  size_t first_line = 0;
  std::string start, end;  // Start-Date / End-Date values as written
  std::vector<ListLine> lists;
  bool empty() const { return !open; }
};

std::optional<HistoryAction> ListAction(std::string_view key) {
  if (key == "Install") return HistoryAction::kInstall;
  if (key == "Reinstall") return HistoryAction::kReinstall;
  if (key == "Upgrade") return HistoryAction::kUpgrade;
  if (key == "Downgrade") return HistoryAction::kDowngrade;
  if (key == "Remove") return HistoryAction::kRemove;
  if (key == "Purge") return HistoryAction::kPurge;
  return std::nullopt;
}

class Parser {
 public:
  Parser(const HistoryLimits& limits, HistoryLog& log)
      : limits_(limits), log_(log) {}

  bool Line(size_t number, std::string_view line) {
    if (TrimAscii(line).empty()) return Flush();
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      log_.AddError(number, "not a \"Field: value\" line", limits_);
      return true;
    }
    const std::string_view key = line.substr(0, colon);
    const std::string_view value = TrimAscii(line.substr(colon + 1));
    // apt opens each run with Start-Date; one seen inside an open stanza
    // means the previous run ended without its End-Date (apt was killed).
    if (key == "Start-Date" && !stanza_.empty()) {
      if (!Flush()) return false;
    }
    if (stanza_.empty()) {
      stanza_.open = true;
      stanza_.first_line = number;
    }
    if (key == "Start-Date") {
      stanza_.start = std::string(value);
    } else if (key == "End-Date") {
      stanza_.end = std::string(value);
    } else if (ListAction(key)) {
      stanza_.lists.push_back({number, std::string(key), std::string(value)});
    }
    // Commandline, Requested-By, Error, Comment: not about packages.
    return true;
  }

  bool Flush() {
    Stanza s = std::move(stanza_);
    stanza_ = Stanza();
    if (s.lists.empty()) return true;
    std::optional<HistoryTime> when;
    std::string time;
    if (!s.start.empty()) {
      when = ParseHistoryDateTime(s.start);
      time = s.start;
    }
    if (!when && !s.end.empty()) {
      when = ParseHistoryDateTime(s.end);
      time = s.end;
    }
    if (!when) {
      log_.AddError(s.first_line,
                    "the stanza starting here has no readable Start-Date or "
                    "End-Date; its packages were not read",
                    limits_);
      return true;
    }
    for (const ListLine& l : s.lists) {
      if (!List(l, *ListAction(l.key), time, *when)) return false;
    }
    return true;
  }

 private:
  // "zoom:amd64 (6.2.0, automatic), kesl:amd64 (12.1)": entries in order;
  // a damaged entry ends the list (what follows cannot be trusted to start
  // where it seems to) after the entries before it.
  bool List(const ListLine& l, HistoryAction action, const std::string& time,
            const HistoryTime& when) {
    std::string_view v = l.value;
    size_t pos = 0;
    size_t index = 0;
    while (pos < v.size()) {
      ++index;
      const size_t open = v.find_first_of("(,", pos);
      std::string_view pkg = TrimAscii(
          v.substr(pos, open == std::string_view::npos ? v.npos : open - pos));
      std::vector<std::string_view> parts;
      size_t next = open == std::string_view::npos ? v.size() : open;
      if (open != std::string_view::npos && v[open] == '(') {
        const size_t close = v.find(')', open);
        if (close == std::string_view::npos) {
          return Damaged(l, index, "is cut inside its parentheses");
        }
        std::string_view inner = v.substr(open + 1, close - open - 1);
        size_t p = 0;
        while (p <= inner.size()) {
          size_t comma = inner.find(',', p);
          if (comma == std::string_view::npos) comma = inner.size();
          parts.push_back(TrimAscii(inner.substr(p, comma - p)));
          p = comma + 1;
        }
        next = close + 1;
        while (next < v.size() && v[next] == ' ') ++next;
        if (next < v.size() && v[next] != ',') {
          return Damaged(l, index, "is followed by text that is not \", \"");
        }
      }
      if (next < v.size()) ++next;  // the ','
      pos = next;

      if (!PlainToken(pkg)) return Damaged(l, index, "has no readable package");
      HistoryEvent e;
      e.line = l.line;
      e.time = time;
      e.when = when;
      e.action = action;
      auto [name, arch] = SplitPackageArch(pkg);
      if (name.empty()) return Damaged(l, index, "has no package name");
      e.package = std::move(name);
      e.arch = std::move(arch);
      if (action == HistoryAction::kUpgrade ||
          action == HistoryAction::kDowngrade) {
        if (parts.size() != 2 || !PlainToken(parts[0]) ||
            !PlainToken(parts[1])) {
          return Damaged(l, index, "needs (old version, new version)");
        }
        e.old_version = std::string(parts[0]);
        e.version = std::string(parts[1]);
      } else if (action == HistoryAction::kInstall) {
        // "(version)" or "(version, automatic)"
        if (parts.empty() || parts.size() > 2 || !PlainToken(parts[0])) {
          return Damaged(l, index, "needs (version[, automatic])");
        }
        e.version = std::string(parts[0]);
      } else {
        // Reinstall, Remove, Purge: "(version)"; a purge of a package whose
        // configuration was all that was left has no version: "()".
        if (parts.size() > 1 ||
            (!parts.empty() && !parts[0].empty() && !PlainToken(parts[0]))) {
          return Damaged(l, index, "needs (version)");
        }
        if (!parts.empty()) e.version = std::string(parts[0]);
      }
      if (!log_.AddEvent(std::move(e), limits_)) return false;
    }
    return true;
  }

  bool Damaged(const ListLine& l, size_t index, const std::string& what) {
    log_.AddError(l.line,
                  l.key + " entry " + std::to_string(index) + " " + what +
                      "; the rest of the list was not read",
                  limits_);
    return true;
  }

  const HistoryLimits& limits_;
  HistoryLog& log_;
  Stanza stanza_;
};

}  // namespace

HistoryLog ParseAptHistory(std::string_view text, const HistoryLimits& limits,
                           const HistoryEventFn& on_event) {
  HistoryLog log;
  log.on_event = on_event;
  Parser parser(limits, log);
  bool go_on = true;
  ForEachLogLine(text, limits, log, [&](size_t number, std::string_view line) {
    go_on = parser.Line(number, line);
    return go_on;
  });
  if (go_on) parser.Flush();
  return log;
}

}  // namespace contraband
