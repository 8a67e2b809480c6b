#include "formats/dpkg_log.h"

#include <array>

namespace contraband {
namespace {

constexpr std::array<std::string_view, 8> kStates = {
    "not-installed",   "config-files",     "half-installed",   "unpacked",
    "half-configured", "triggers-awaited", "triggers-pending", "installed"};

// No control bytes, no spaces: what dpkg writes for names, archs, versions.
bool Token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c < 0x21 || c == 0x7f) return false;
  }
  return true;
}

bool ArchToken(std::string_view s) {
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

std::string Version(std::string_view s) {
  return s == "<none>" ? std::string() : std::string(s);
}

// Parses one line; returns an error message, or "" with `event` filled (or
// left without a package when the line is one dpkg logs for other reasons).
std::string ParseLine(std::string_view line, HistoryEvent& event) {
  const std::vector<std::string_view> w = SplitWords(line);
  if (w.size() < 3) return "not a dpkg log line (date, time, action)";
  const std::string time = std::string(w[0]) + " " + std::string(w[1]);
  std::optional<HistoryTime> when = ParseHistoryDateTime(time);
  if (!when) return "no readable date and time at the start";
  event.time = time;
  event.when = *when;

  const std::string_view action = w[2];
  std::string_view pkg, ver;
  if (action == "install" || action == "upgrade" || action == "remove" ||
      action == "purge") {
    if (w.size() != 6) {
      return std::string(action) +
             " line needs a package, an old and a new version";
    }
    pkg = w[3];
    if (!Token(w[4]) || !Token(w[5])) return "unreadable version";
    if (action == "install" || action == "upgrade") {
      event.action = action == "install" ? HistoryAction::kInstall
                                         : HistoryAction::kUpgrade;
      event.old_version = Version(w[4]);
      event.version = Version(w[5]);
      if (event.version.empty()) {
        return std::string(action) + " line without the version installed";
      }
    } else {
      event.action =
          action == "remove" ? HistoryAction::kRemove : HistoryAction::kPurge;
      event.version = Version(w[4]);
    }
  } else if (action == "status") {
    if (w.size() != 6)
      return "status line needs a state, a package and a version";
    bool known = false;
    for (std::string_view s : kStates) known |= w[3] == s;
    if (!known) return "unknown package state \"" + std::string(w[3]) + "\"";
    event.action = HistoryAction::kStatus;
    event.status = std::string(w[3]);
    pkg = w[4];
    ver = w[5];
    if (!Token(ver)) return "unreadable version";
    event.version = Version(ver);
  } else {
    // startup, configure, trigproc, conffile: not about presence.
    return "";
  }
  if (!Token(pkg)) return "unreadable package name";
  auto [name, arch] = SplitPackageArch(pkg);
  if (name.empty() || !ArchToken(arch)) {
    return "unreadable package \"" + std::string(pkg) + "\"";
  }
  event.package = std::move(name);
  event.arch = std::move(arch);
  return "";
}

}  // namespace

HistoryLog ParseDpkgLog(std::string_view text, const HistoryLimits& limits,
                        const HistoryEventFn& on_event) {
  HistoryLog log;
  log.on_event = on_event;
  ForEachLogLine(text, limits, log, [&](size_t number, std::string_view line) {
    if (line.empty()) return true;
    HistoryEvent event;
    event.line = number;
    std::string error = ParseLine(line, event);
    if (!error.empty()) {
      log.AddError(number, std::move(error), limits);
      return true;
    }
    if (event.package.empty()) return true;
    return log.AddEvent(std::move(event), limits);
  });
  return log;
}

}  // namespace contraband
