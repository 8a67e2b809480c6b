#include "formats/rpm_history_log.h"

#include "common/text.h"

namespace contraband {
namespace {

constexpr std::string_view kArches[] = {
    "noarch",  "x86_64",      "x86_64_v2", "x86_64_v3",    "x86_64_v4",
    "i386",    "i486",        "i586",      "i686",         "athlon",
    "geode",   "pentium3",    "pentium4",  "amd64",        "ia32e",
    "ia64",    "aarch64",     "armv5tel",  "armv6l",       "armv6hl",
    "armv7l",  "armv7hl",     "armv7hnl",  "armhfp",       "ppc",
    "ppc64",   "ppc64le",     "ppc64p7",   "ppc64iseries", "ppc64pseries",
    "s390",    "s390x",       "sparc",     "sparcv9",      "sparc64",
    "alpha",   "mips",        "mipsel",    "mips64",       "mips64el",
    "riscv64", "loongarch64", "src",       "nosrc"};

bool Printable(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c < 0x21 || c == 0x7f) return false;
  }
  return true;
}

bool ArchChars(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

// The text from the start of `line` to the end of word `w` (a view into it).
std::string_view UpTo(std::string_view line, std::string_view w) {
  return line.substr(0, static_cast<size_t>(w.data() - line.data()) + w.size());
}

std::string_view After(std::string_view line, std::string_view w) {
  return line.substr(static_cast<size_t>(w.data() - line.data()) + w.size());
}

// "Action: package" -> {action, package}; false when there is no ": ".
bool SplitMessage(std::string_view message, std::string_view& action,
                  std::string_view& package) {
  message = TrimAscii(message);
  const size_t colon = message.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  action = message.substr(0, colon);
  package = TrimAscii(message.substr(colon + 1));
  return true;
}

// Fills the package fields of `e` from an rpm package string, or returns an
// error message.
std::string FillPackage(std::string_view package, bool name_may_stand_alone,
                        HistoryEvent& e) {
  if (std::optional<RpmNevra> n = ParseNevra(package, name_may_stand_alone)) {
    e.package = std::move(n->name);
    e.version = std::move(n->version);
    e.arch = std::move(n->arch);
    return "";
  }
  if (name_may_stand_alone && Printable(package)) {
    e.package = std::string(package);
    return "";
  }
  return "\"" + std::string(package.substr(0, 200)) +
         "\" is not name-version-release.arch";
}

}  // namespace

std::optional<RpmNevra> ParseNevra(std::string_view text,
                                   bool known_arch_only) {
  if (!Printable(text)) return std::nullopt;
  // yum writes a non-zero epoch first: "1:openssl-libs-1.0.1e-51.el7.x86_64".
  std::string epoch;
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  if (digits > 0 && digits < text.size() && text[digits] == ':') {
    epoch = std::string(text.substr(0, digits));
    text.remove_prefix(digits + 1);
  }
  const size_t dot = text.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view arch = text.substr(dot + 1);
  std::string_view nvr = text.substr(0, dot);
  if (!ArchChars(arch)) return std::nullopt;
  if (known_arch_only) {
    bool known = false;
    for (std::string_view a : kArches) known |= a == arch;
    if (!known) return std::nullopt;
  }
  const size_t rel_dash = nvr.rfind('-');
  if (rel_dash == std::string_view::npos || rel_dash == 0) return std::nullopt;
  const size_t ver_dash = nvr.rfind('-', rel_dash - 1);
  if (ver_dash == std::string_view::npos || ver_dash == 0) return std::nullopt;
  std::string_view name = nvr.substr(0, ver_dash);
  std::string_view version = nvr.substr(ver_dash + 1, rel_dash - ver_dash - 1);
  std::string_view release = nvr.substr(rel_dash + 1);
  if (name.empty() || version.empty() || release.empty()) return std::nullopt;
  if (!epoch.empty() && version.find(':') != std::string_view::npos) {
    return std::nullopt;  // two epochs
  }
  RpmNevra out;
  out.name = std::string(name);
  out.version = (epoch.empty() ? "" : epoch + ":") + std::string(version) +
                "-" + std::string(release);
  out.arch = std::string(arch);
  return out;
}

HistoryLog ParseDnfRpmLog(std::string_view text, const HistoryLimits& limits,
                          const HistoryEventFn& on_event) {
  HistoryLog log;
  log.on_event = on_event;
  ForEachLogLine(text, limits, log, [&](size_t number, std::string_view line) {
    const std::vector<std::string_view> w = SplitWords(line);
    if (w.empty()) return true;
    HistoryEvent e;
    e.line = number;
    size_t level = 0;  // index of the level word
    if (std::optional<HistoryTime> t = ParseHistoryDateTime(w[0])) {
      e.when = *t;
      e.time = std::string(w[0]);
      level = 1;
    } else if (w.size() >= 3) {
      std::string_view raw = UpTo(line, w[2]);
      if (std::optional<HistoryTime> t2 = ParseYearlessTime(raw)) {
        e.when = *t2;
        e.time = std::string(raw);
        level = 3;
      }
    }
    if (level == 0) {
      // Continuation lines of multi-line messages (scriptlet output) carry
      // no time; only a package line without one is damage.
      if (line.find(" SUBDEBUG ") != std::string_view::npos) {
        log.AddError(number, "package line without a readable time", limits);
      }
      return true;
    }
    if (w.size() <= level || w[level] != "SUBDEBUG") return true;
    std::string_view action, package;
    if (!SplitMessage(After(line, w[level]), action, package)) return true;

    if (action == "Installed" || action == "Obsolete") {
      e.action = HistoryAction::kInstall;
    } else if (action == "Upgrade") {
      e.action = HistoryAction::kUpgrade;
    } else if (action == "Downgrade") {
      e.action = HistoryAction::kDowngrade;
    } else if (action == "Reinstall") {
      e.action = HistoryAction::kReinstall;
    } else if (action == "Upgraded" || action == "Downgraded" ||
               action == "Reinstalled") {
      e.action = HistoryAction::kReplaced;
    } else if (action == "Erase" || action == "Erased") {
      e.action = HistoryAction::kRemove;
    } else if (action == "Obsoleted") {
      e.action = HistoryAction::kObsoleted;
    } else {
      return true;  // Cleanup, Verified, Running scriptlet, Preparing
    }
    std::string error = FillPackage(package, /*name_may_stand_alone=*/false, e);
    if (!error.empty()) {
      log.AddError(number, std::string(action) + ": " + error, limits);
      return true;
    }
    return log.AddEvent(std::move(e), limits);
  });
  return log;
}

HistoryLog ParseYumLog(std::string_view text, const HistoryLimits& limits,
                       const HistoryEventFn& on_event) {
  HistoryLog log;
  log.on_event = on_event;
  ForEachLogLine(text, limits, log, [&](size_t number, std::string_view line) {
    const std::vector<std::string_view> w = SplitWords(line);
    if (w.empty()) return true;
    std::optional<HistoryTime> t;
    if (w.size() >= 3) t = ParseYearlessTime(UpTo(line, w[2]));
    if (!t) {
      log.AddError(number, "no readable \"Mon DD HH:MM:SS\" time at the start",
                   limits);
      return true;
    }
    HistoryEvent e;
    e.line = number;
    e.when = *t;
    e.time = std::string(UpTo(line, w[2]));
    std::string_view action, package;
    if (!SplitMessage(After(line, w[2]), action, package)) {
      log.AddError(number, "no \"Action: package\" after the time", limits);
      return true;
    }
    bool bare_name_ok = false;
    if (action == "Installed" || action == "Dep-Installed") {
      e.action = HistoryAction::kInstall;
    } else if (action == "Updated" || action == "Dep-Updated") {
      e.action = HistoryAction::kUpgrade;
    } else if (action == "Erased" || action == "Dep-Erased") {
      e.action = HistoryAction::kRemove;
      bare_name_ok = true;
    } else if (action == "Obsoleted") {
      e.action = HistoryAction::kObsoleted;
      bare_name_ok = true;
    } else {
      return true;
    }
    std::string error = FillPackage(package, bare_name_ok, e);
    if (!error.empty()) {
      log.AddError(number, std::string(action) + ": " + error, limits);
      return true;
    }
    return log.AddEvent(std::move(e), limits);
  });
  return log;
}

}  // namespace contraband
