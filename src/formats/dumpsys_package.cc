#include "formats/dumpsys_package.h"

#include <algorithm>
#include <optional>

#include "common/text.h"

namespace contraband {
namespace {

constexpr std::string_view kServiceHeader = "DUMP OF SERVICE ";
constexpr size_t kMaxProblems = 50;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "key=value" tokens of a space-separated line ("versionCode=12 minSdk=28");
// the value of `key`, or nullopt.
std::optional<std::string_view> TokenValue(std::string_view line,
                                           std::string_view key) {
  size_t pos = 0;
  while (pos < line.size()) {
    const size_t end = std::min(line.find(' ', pos), line.size());
    const std::string_view token = line.substr(pos, end - pos);
    if (token.size() > key.size() && StartsWith(token, key) &&
        token[key.size()] == '=') {
      return token.substr(key.size() + 1);
    }
    pos = end + 1;
  }
  return std::nullopt;
}

// "signatures:[b378e95c, 1a2b3c4d]" inside a PackageSignatures{...} line:
// the hash codes of the current signers (not "past signatures:[...]").
std::vector<std::string> SignatureHashCodes(std::string_view line) {
  std::vector<std::string> out;
  size_t at = line.find(", signatures:[");
  if (at == std::string_view::npos) return out;
  at += 14;
  const size_t end = line.find(']', at);
  if (end == std::string_view::npos) return out;
  std::string_view list = line.substr(at, end - at);
  while (!list.empty() && out.size() < kMaxDumpsysSignatures) {
    const size_t comma = std::min(list.find(','), list.size());
    const std::string_view one = TrimAscii(list.substr(0, comma));
    bool hex = !one.empty() && one.size() <= 8;
    for (char c : one) {
      hex = hex && (IsDigit(c) || (c >= 'a' && c <= 'f') ||
                    (c >= 'A' && c <= 'F'));
    }
    if (hex) out.emplace_back(one);
    list = comma < list.size() ? list.substr(comma + 1) : std::string_view{};
  }
  return out;
}

bool ParseBool(std::string_view v, bool fallback) {
  if (v == "true") return true;
  if (v == "false") return false;
  return fallback;
}

}  // namespace

bool IsAndroidPackageName(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name) {
    if (!(IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          c == '.' || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

std::string DumpsysTimeToIso(std::string_view text) {
  // YYYY-MM-DD HH:MM:SS
  constexpr std::string_view kShape = "dddd-dd-dd dd:dd:dd";
  text = TrimAscii(text);
  if (text.size() != kShape.size()) return {};
  std::string out(text);
  for (size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' ? !IsDigit(text[i]) : text[i] != kShape[i]) return {};
  }
  out[10] = 'T';
  return out;
}

struct DumpsysPackageReader::State {
  DumpsysScope scope;
  std::function<void(DumpsysPackage)> on_package;
  std::string pending;        ///< an incomplete last line
  bool pending_too_long = false;
  bool in_package_service = false;
  enum class Section { kNone, kPackages, kHiddenSystem } section =
      Section::kNone;
  std::optional<DumpsysPackage> current;
  bool saw_packages = false;
  size_t packages = 0;
  size_t long_lines = 0;
  std::vector<std::string> problems;

  void Problem(std::string message) {
    if (problems.size() < kMaxProblems) problems.push_back(std::move(message));
  }

  void EndPackage() {
    if (!current) return;
    if (section == Section::kPackages) {
      if (++packages <= kMaxDumpsysPackages) {
        on_package(std::move(*current));
      } else if (packages == kMaxDumpsysPackages + 1) {
        Problem("more than " + std::to_string(kMaxDumpsysPackages) +
                " packages; the rest were not read");
      }
    }
    current.reset();
  }

  void Line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (StartsWith(line, kServiceHeader)) {
      // "DUMP OF SERVICE package:", or with a priority ("DUMP OF SERVICE
      // CRITICAL package:"): the service is the last word.
      EndPackage();
      section = Section::kNone;
      std::string_view rest = TrimAscii(line.substr(kServiceHeader.size()));
      if (!rest.empty() && rest.back() == ':') rest.remove_suffix(1);
      const size_t space = rest.rfind(' ');
      if (space != std::string_view::npos) rest = rest.substr(space + 1);
      in_package_service = rest == "package";
      return;
    }
    if (scope == DumpsysScope::kPackageService && !in_package_service) return;
    if (line.empty()) return;
    if (line[0] != ' ') {
      // A heading at the margin ends the list it follows.
      EndPackage();
      if (line == "Packages:") {
        section = Section::kPackages;
        saw_packages = true;
      } else if (line == "Hidden system packages:") {
        section = Section::kHiddenSystem;
      } else {
        section = Section::kNone;
      }
      return;
    }
    if (section == Section::kNone) return;
    if (StartsWith(line, "  Package [")) {
      EndPackage();
      const std::string_view rest = line.substr(11);
      const size_t close = rest.find(']');
      const std::string_view name =
          close == std::string_view::npos ? std::string_view{}
                                          : rest.substr(0, close);
      if (!IsAndroidPackageName(name)) {
        Problem("a Package [...] line without a valid package name: " +
                std::string(line.substr(0, 200)));
        return;
      }
      current.emplace();
      current->name = std::string(name);
      return;
    }
    if (!current) return;
    // A package's own fields are indented four spaces; deeper lines belong
    // to lists inside it (permissions, gids).
    if (!StartsWith(line, "    ") || line.size() < 5 || line[4] == ' ') {
      return;
    }
    Field(line.substr(4));
  }

  void Field(std::string_view field) {
    DumpsysPackage& p = *current;
    auto rest = [&](std::string_view key) -> std::optional<std::string> {
      if (!StartsWith(field, key)) return std::nullopt;
      return std::string(TrimAscii(field.substr(key.size())));
    };
    if (StartsWith(field, "versionCode=")) {
      if (auto v = TokenValue(field, "versionCode")) p.version_code = *v;
    } else if (auto v = rest("versionName=")) {
      p.version_name = *v;
    } else if (auto v = rest("codePath=")) {
      p.code_path = *v;
    } else if (auto v = rest("installerPackageName=")) {
      if (*v != "null") p.installer = *v;
    } else if (StartsWith(field, "userId=")) {
      if (auto u = TokenValue(field, "userId")) p.uid = *u;
    } else if (auto v = rest("firstInstallTime=")) {
      p.first_installed = DumpsysTimeToIso(*v);
    } else if (auto v = rest("lastUpdateTime=")) {
      p.last_updated = DumpsysTimeToIso(*v);
    } else if (StartsWith(field, "signatures=")) {
      p.signature_hash_codes = SignatureHashCodes(field);
    } else if (StartsWith(field, "User ")) {
      UserLine(field);
    }
  }

  // "User 0: ceDataInode=... installed=true hidden=false suspended=false
  //  stopped=false notLaunched=false enabled=0 instant=false virtual=false"
  void UserLine(std::string_view field) {
    const size_t colon = field.find(':');
    if (colon == std::string_view::npos) return;
    const std::string_view id = field.substr(5, colon - 5);
    bool digits = !id.empty() && id.size() <= 10;
    for (char c : id) digits = digits && IsDigit(c);
    if (!digits) return;  // "User 0" inside some other phrase
    DumpsysPackage& p = *current;
    if (p.users.size() >= kMaxDumpsysUsersPerPackage) {
      Problem("package " + p.name + ": more than " +
              std::to_string(kMaxDumpsysUsersPerPackage) + " user lines");
      return;
    }
    const std::string_view values = field.substr(colon + 1);
    DumpsysUserState u;
    u.user = std::string(id);
    if (auto v = TokenValue(values, "installed")) {
      u.installed = ParseBool(*v, true);
    }
    if (auto v = TokenValue(values, "hidden")) u.hidden = ParseBool(*v, false);
    if (auto v = TokenValue(values, "suspended")) {
      u.suspended = ParseBool(*v, false);
    }
    if (auto v = TokenValue(values, "stopped")) {
      u.stopped = ParseBool(*v, false);
    }
    if (auto v = TokenValue(values, "enabled")) u.enabled = *v;
    p.users.push_back(std::move(u));
  }
};

DumpsysPackageReader::DumpsysPackageReader(
    DumpsysScope scope, std::function<void(DumpsysPackage)> on_package)
    : state_(std::make_unique<State>()) {
  state_->scope = scope;
  state_->on_package = std::move(on_package);
}

DumpsysPackageReader::~DumpsysPackageReader() = default;

void DumpsysPackageReader::Feed(std::string_view chunk) {
  State& s = *state_;
  while (!chunk.empty()) {
    const size_t nl = chunk.find('\n');
    const std::string_view piece =
        chunk.substr(0, nl == std::string_view::npos ? chunk.size() : nl);
    if (!s.pending_too_long) {
      if (s.pending.size() + piece.size() > kMaxDumpsysLineBytes) {
        s.pending_too_long = true;
        s.pending.clear();
      } else {
        s.pending.append(piece);
      }
    }
    if (nl == std::string_view::npos) return;
    if (s.pending_too_long) {
      if (++s.long_lines == 1) {
        s.Problem("a line longer than " +
                  std::to_string(kMaxDumpsysLineBytes) +
                  " bytes was skipped");
      }
    } else {
      s.Line(s.pending);
    }
    s.pending.clear();
    s.pending_too_long = false;
    chunk.remove_prefix(nl + 1);
  }
}

void DumpsysPackageReader::Finish() {
  State& s = *state_;
  if (!s.pending.empty() && !s.pending_too_long) s.Line(s.pending);
  s.pending.clear();
  s.EndPackage();
}

bool DumpsysPackageReader::saw_packages() const {
  return state_->saw_packages;
}

const std::vector<std::string>& DumpsysPackageReader::problems() const {
  return state_->problems;
}

std::vector<DumpsysPackage> ParseDumpsysPackages(
    std::string_view text, DumpsysScope scope,
    std::vector<std::string>* problems) {
  std::vector<DumpsysPackage> out;
  DumpsysPackageReader reader(
      scope, [&](DumpsysPackage p) { out.push_back(std::move(p)); });
  reader.Feed(text);
  reader.Finish();
  if (problems) *problems = reader.problems();
  return out;
}

std::vector<DumpsysPackage> ParsePmListPackages(
    std::string_view text, std::vector<std::string>* problems) {
  std::vector<DumpsysPackage> out;
  LineReader lines(text);
  std::string_view line;
  size_t bad = 0;
  while (lines.Next(line)) {
    line = TrimAscii(line);
    if (!StartsWith(line, "package:")) continue;
    if (line.size() > kMaxDumpsysLineBytes) {
      ++bad;
      continue;
    }
    if (out.size() >= kMaxDumpsysPackages) {
      if (problems) {
        problems->push_back("more than " +
                            std::to_string(kMaxDumpsysPackages) +
                            " packages; the rest were not read");
      }
      break;
    }
    line.remove_prefix(8);
    const size_t space = std::min(line.find(' '), line.size());
    const std::string_view first = line.substr(0, space);
    // With -f the first word is "PATH=NAME"; a path may hold '=' itself
    // ("/data/app/~~Yx==/..."), a package name never does.
    DumpsysPackage p;
    const size_t eq = first.rfind('=');
    if (eq != std::string_view::npos) {
      p.code_path = std::string(first.substr(0, eq));
      // The code path is the APK's folder, as dumpsys prints it.
      const size_t slash = p.code_path.rfind('/');
      if (slash != std::string::npos && slash > 0 &&
          p.code_path.size() > 4 &&
          p.code_path.compare(p.code_path.size() - 4, 4, ".apk") == 0) {
        p.code_path.resize(slash);
      }
    }
    const std::string_view name =
        eq == std::string_view::npos ? first : first.substr(eq + 1);
    if (!IsAndroidPackageName(name)) {
      ++bad;
      continue;
    }
    p.name = std::string(name);
    std::string_view rest = line.substr(space);
    while (!rest.empty()) {
      rest = TrimAsciiLeft(rest);
      const size_t end = std::min(rest.find(' '), rest.size());
      const std::string_view token = rest.substr(0, end);
      if (StartsWith(token, "versionCode:")) {
        p.version_code = std::string(token.substr(12));
      } else if (StartsWith(token, "uid:")) {
        p.uid = std::string(token.substr(4));
      } else if (StartsWith(token, "installer=")) {
        const std::string_view who = token.substr(10);
        if (who != "null") p.installer = std::string(who);
      }
      rest.remove_prefix(end);
    }
    out.push_back(std::move(p));
  }
  if (bad > 0 && problems) {
    problems->push_back(std::to_string(bad) +
                        " package: lines without a valid package name");
  }
  return out;
}

}  // namespace contraband
