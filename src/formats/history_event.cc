#include "formats/history_event.h"

#include <array>

namespace contraband {
namespace {

// Reads exactly n decimal digits at text[pos], advancing pos.
bool Digits(std::string_view text, size_t& pos, size_t n, int& value) {
  if (pos > text.size() || text.size() - pos < n) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  value = v;
  pos += n;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

std::string Pad2(int v) {
  std::string s = std::to_string(v);
  return s.size() < 2 ? "0" + s : s;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[static_cast<size_t>(m - 1)];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

std::string_view ToString(HistoryAction action) {
  switch (action) {
    case HistoryAction::kInstall:
      return "install";
    case HistoryAction::kUpgrade:
      return "upgrade";
    case HistoryAction::kDowngrade:
      return "downgrade";
    case HistoryAction::kReinstall:
      return "reinstall";
    case HistoryAction::kRemove:
      return "remove";
    case HistoryAction::kPurge:
      return "purge";
    case HistoryAction::kObsoleted:
      return "obsoleted";
    case HistoryAction::kReplaced:
      return "replaced";
    case HistoryAction::kStatus:
      return "status";
  }
  return "install";
}

std::optional<HistoryTime> ParseHistoryDateTime(std::string_view text) {
  size_t pos = 0;
  int y, mo, d, h, mi, s = 0;
  if (!Digits(text, pos, 4, y) || !Expect(text, pos, '-') ||
      !Digits(text, pos, 2, mo) || !Expect(text, pos, '-') ||
      !Digits(text, pos, 2, d)) {
    return std::nullopt;
  }
  // 'T' (ISO), one space (dpkg, old pacman) or two (apt's "%F  %T").
  if (pos < text.size() && text[pos] == 'T') {
    ++pos;
  } else {
    size_t spaces = 0;
    while (pos < text.size() && text[pos] == ' ') ++pos, ++spaces;
    if (spaces == 0) return std::nullopt;
  }
  if (!Digits(text, pos, 2, h) || !Expect(text, pos, ':') ||
      !Digits(text, pos, 2, mi)) {
    return std::nullopt;
  }
  bool has_seconds = false;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!Digits(text, pos, 2, s)) return std::nullopt;
    has_seconds = true;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;  // fractions of a second: dropped, ordering needs no more
      size_t start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
      if (pos == start) return std::nullopt;
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || h > 23 ||
      mi > 59 || s > 60) {
    return std::nullopt;
  }
  std::string zone;
  int offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] == 'Z') {
      ++pos;
      zone = "Z";
    } else if (text[pos] == '+' || text[pos] == '-') {
      const int sign = text[pos] == '-' ? -1 : 1;
      ++pos;
      int oh, om = 0;
      if (!Digits(text, pos, 2, oh)) return std::nullopt;
      if (pos < text.size()) {
        if (text[pos] == ':') ++pos;
        if (!Digits(text, pos, 2, om)) return std::nullopt;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      offset_minutes = sign * (oh * 60 + om);
      zone = (sign < 0 ? "-" : "+") + Pad2(oh) + ":" + Pad2(om);
    } else {
      return std::nullopt;
    }
  }
  if (pos != text.size()) return std::nullopt;

  HistoryTime t;
  t.has_year = true;
  t.iso = std::string(text.substr(0, 4)) + "-" + Pad2(mo) + "-" + Pad2(d) +
          "T" + Pad2(h) + ":" + Pad2(mi) + (has_seconds ? ":" + Pad2(s) : "") +
          zone;
  t.seconds = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
              static_cast<int64_t>(offset_minutes) * 60;
  return t;
}

std::optional<HistoryTime> ParseYearlessTime(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun",
      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() < 3) return std::nullopt;
  int mo = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (text.substr(0, 3) == kMonths[i]) mo = static_cast<int>(i) + 1;
  }
  if (mo == 0) return std::nullopt;
  size_t pos = 3;
  size_t spaces = 0;
  while (pos < text.size() && text[pos] == ' ') ++pos, ++spaces;
  if (spaces == 0) return std::nullopt;
  int d, h, mi, s;
  if (!Digits(text, pos, 2, d)) {
    if (!Digits(text, pos, 1, d)) return std::nullopt;  // "Jan  1"
  }
  if (!Expect(text, pos, ' ') || !Digits(text, pos, 2, h) ||
      !Expect(text, pos, ':') || !Digits(text, pos, 2, mi) ||
      !Expect(text, pos, ':') || !Digits(text, pos, 2, s) ||
      pos != text.size()) {
    return std::nullopt;
  }
  // Any year: February 29 must pass.
  if (d < 1 || d > DaysInMonth(2000, mo) || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  HistoryTime t;
  t.has_year = false;
  t.iso = "--" + Pad2(mo) + "-" + Pad2(d) + "T" + Pad2(h) + ":" + Pad2(mi) +
          ":" + Pad2(s);
  return t;
}

void HistoryLog::AddError(size_t line, std::string message,
                          const HistoryLimits& limits) {
  ++error_count;
  if (errors.size() < limits.max_errors_kept) {
    errors.push_back({line, std::move(message)});
  }
}

bool HistoryLog::AddEvent(HistoryEvent event, const HistoryLimits& limits) {
  if (event_count >= limits.max_events) {
    if (stopped.empty()) {
      stopped = "more than " + std::to_string(limits.max_events) +
                " events; the log from line " + std::to_string(event.line) +
                " on was not read";
    }
    return false;
  }
  ++event_count;
  if (on_event) {
    on_event(std::move(event));
  } else {
    events.push_back(std::move(event));
  }
  return true;
}

void ForEachLogLine(std::string_view text, const HistoryLimits& limits,
                    HistoryLog& log,
                    const std::function<bool(size_t, std::string_view)>& fn) {
  size_t pos = 0;
  size_t number = 0;
  while (pos < text.size()) {
    ++number;
    if (number > limits.max_lines) {
      log.stopped = "more than " + std::to_string(limits.max_lines) +
                    " lines; the rest of the log was not read";
      return;
    }
    log.lines = number;
    const size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      // A log is written a line at a time: a last line without its newline
      // was cut (a copy taken mid-write, a truncated file), and whatever
      // field it ends in may be cut too.
      log.AddError(number, "cut off: the file ends inside this line; not read",
                   limits);
      return;
    }
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.size() > limits.max_line_length) {
      log.AddError(number,
                   "longer than " + std::to_string(limits.max_line_length) +
                       " bytes; not read",
                   limits);
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool had_bytes = !line.empty();
    while (!line.empty() && line.front() == '\0') line.remove_prefix(1);
    if (had_bytes && line.empty()) {
      log.AddError(number,
                   "holds only NUL bytes (left by a crash or an unclean "
                   "shutdown)",
                   limits);
      continue;
    }
    if (!fn(number, line)) return;
  }
}

std::vector<std::string_view> SplitWords(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
    if (pos >= text.size()) break;
    size_t end = pos;
    while (end < text.size() && text[end] != ' ' && text[end] != '\t') ++end;
    out.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

std::pair<std::string, std::string> SplitPackageArch(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return {std::string(text), ""};
  return {std::string(text.substr(0, colon)),
          std::string(text.substr(colon + 1))};
}

}  // namespace contraband
