#include "formats/mobile_installation_log.h"

#include <array>
#include <string>
#include <unordered_map>

namespace contraband {
namespace {

// Identifiers whose "Installing" version is remembered until their "Install
// Successful" line: a log holds a few hundred apps, a hostile one is bounded.
constexpr size_t kMaxPendingVersions = 100000;
constexpr size_t kMaxIdentifierLength = 1024;

constexpr std::string_view kUninstalling = "Uninstalling identifier ";
constexpr std::string_view kInstalling = "Installing <MIInstallableBundle ID=";
constexpr std::string_view kSuccessful = "Install Successful for (";

bool IsWeekday(std::string_view s) {
  static constexpr std::array<std::string_view, 7> kDays = {
      "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  for (std::string_view d : kDays) {
    if (s == d) return true;
  }
  return false;
}

// A bundle identifier as installd prints it: no spaces, no controls, none of
// the delimiters around it.
bool IdentifierToken(std::string_view s) {
  if (s.empty() || s.size() > kMaxIdentifierLength) return false;
  for (unsigned char c : s) {
    if (c < 0x21 || c == 0x7f || c == '(' || c == ')' || c == ';' || c == ',' ||
        c == '<' || c == '>') {
      return false;
    }
  }
  return true;
}

// The value of "Key=" in "ID=x; Version=1, ShortVersion=2>", up to the next
// ';', ',' or '>'.
std::string_view Field(std::string_view text, std::string_view key) {
  size_t at = 0;
  while ((at = text.find(key, at)) != std::string_view::npos) {
    // "Version=" must not match inside "ShortVersion=".
    if (at == 0 || text[at - 1] == ' ' || text[at - 1] == '<') break;
    at += key.size();
  }
  if (at == std::string_view::npos) return {};
  std::string_view v = text.substr(at + key.size());
  return v.substr(0, v.find_first_of(";,>"));
}

}  // namespace

std::optional<HistoryTime> ParseInstalldTime(std::string_view text) {
  // "Www Mmm dd hh:mm:ss yyyy", day space-padded.
  if (text.size() < 24 || !IsWeekday(text.substr(0, 3)) || text[3] != ' ') {
    return std::nullopt;
  }
  const std::string_view year = text.substr(text.size() - 4);
  if (text[text.size() - 5] != ' ') return std::nullopt;
  for (char c : year) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::optional<HistoryTime> t =
      ParseYearlessTime(text.substr(4, text.size() - 9));
  if (!t) return std::nullopt;
  // t->iso is "--MM-DDThh:mm:ss": put the year in and read it back as a
  // dated time, which also checks February 29 against the year.
  return ParseHistoryDateTime(std::string(year) + "-" + t->iso.substr(2, 5) +
                              " " + t->iso.substr(8));
}

HistoryLog ParseMobileInstallationLog(std::string_view text,
                                      const HistoryLimits& limits,
                                      const HistoryEventFn& on_event) {
  HistoryLog log;
  log.on_event = on_event;
  std::unordered_map<std::string, std::string> pending_version;
  ForEachLogLine(text, limits, log, [&](size_t number, std::string_view line) {
    // Continuation lines of a multi-line message start with spaces or ")".
    if (line.size() < 4 || !IsWeekday(line.substr(0, 3)) || line[3] != ' ') {
      return true;
    }
    const size_t bracket = line.find(" [");
    if (bracket == std::string_view::npos || bracket > 40) {
      log.AddError(number, "no [pid] after the time", limits);
      return true;
    }
    std::optional<HistoryTime> when =
        ParseInstalldTime(line.substr(0, bracket));
    if (!when) {
      log.AddError(
          number,
          "unreadable time \"" + std::string(line.substr(0, bracket)) + "\"",
          limits);
      return true;
    }
    const size_t colon = line.find("]: ");
    if (colon == std::string_view::npos) return true;  // no method, no event
    const std::string_view message = line.substr(colon + 3);

    HistoryEvent e;
    if (message.substr(0, kUninstalling.size()) == kUninstalling) {
      const std::string_view id = message.substr(kUninstalling.size());
      if (!IdentifierToken(id)) {
        log.AddError(number,
                     "unreadable identifier after \"Uninstalling "
                     "identifier\"",
                     limits);
        return true;
      }
      e.action = HistoryAction::kRemove;
      e.package = std::string(id);
      pending_version.erase(e.package);
    } else if (message.substr(0, kInstalling.size()) == kInstalling) {
      const std::string_view rest = message.substr(kInstalling.size());
      const std::string_view id = rest.substr(0, rest.find(';'));
      if (!IdentifierToken(id)) {
        log.AddError(number, "unreadable ID in an \"Installing\" line", limits);
        return true;
      }
      std::string_view version = Field(rest, "ShortVersion=");
      if (version.empty()) version = Field(rest, "Version=");
      if (pending_version.size() < kMaxPendingVersions ||
          pending_version.count(std::string(id))) {
        pending_version[std::string(id)] = std::string(version.substr(0, 256));
      }
      return true;
    } else if (message.substr(0, kSuccessful.size()) == kSuccessful) {
      const std::string_view rest = message.substr(kSuccessful.size());
      const size_t close = rest.find(')');
      const std::string_view id = rest.substr(0, close);
      if (close == std::string_view::npos || !IdentifierToken(id)) {
        log.AddError(number,
                     "unreadable identifier after \"Install "
                     "Successful for\"",
                     limits);
        return true;
      }
      e.action = HistoryAction::kInstall;
      e.package = std::string(id);
      auto it = pending_version.find(e.package);
      if (it != pending_version.end()) {
        e.version = std::move(it->second);
        pending_version.erase(it);
      }
    } else {
      return true;
    }
    e.line = number;
    e.time = std::string(line.substr(0, bracket));
    e.when = std::move(*when);
    return log.AddEvent(std::move(e), limits);
  });
  return log;
}

}  // namespace contraband
