#include "collectors/windows/uninstall_entries.h"

#include <set>
#include <vector>

#include "common/wildcard.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr std::string_view kUninstall =
    "Microsoft\\Windows\\CurrentVersion\\Uninstall";
constexpr std::string_view kUninstall32 =
    "WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
constexpr std::string_view kUserData =
    "Microsoft\\Windows\\CurrentVersion\\Installer\\UserData";
constexpr std::string_view kInstallerProducts = "Classes\\Installer\\Products";
constexpr std::string_view kProfileList =
    "Microsoft\\Windows NT\\CurrentVersion\\ProfileList";
// LocalSystem: Windows Installer registers per-machine installs under it.
constexpr std::string_view kLocalSystemSid = "S-1-5-18";

using Values = std::map<std::string, std::string>;  // lower-case name -> text

Values ReadValues(const RegfHive& hive, uint32_t key) {
  Values out;
  for (const RegfValue& v : hive.Values(key)) {
    out.emplace(AsciiLower(v.name), RegfValueText(v));
  }
  return out;
}

std::string Get(const Values& v, std::string_view name) {
  auto it = v.find(std::string(name));
  return it == v.end() ? std::string() : it->second;
}

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// InstallDate is YYYYMMDD by convention; anything else is not a date.
std::string InstallDate(std::string_view s) {
  if (s.size() != 8 || !IsDigits(s)) return {};
  const int month = (s[4] - '0') * 10 + (s[5] - '0');
  const int day = (s[6] - '0') * 10 + (s[7] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return {};
  return std::string(s.substr(0, 4)) + "-" + std::string(s.substr(4, 2)) +
         "-" + std::string(s.substr(6, 2));
}

// Windows Installer's packed product version: major.minor.build.
std::string InstallerVersion(std::string_view dword_text) {
  if (!IsDigits(dword_text) || dword_text.size() > 10) return {};
  const uint64_t v = std::stoull(std::string(dword_text));
  if (v > 0xFFFFFFFFull) return {};
  return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 0xFF) +
         "." + std::to_string(v & 0xFFFF);
}

Software Record(const std::string& id, const Values& v,
                const std::string& key_path) {
  Software sw;
  sw.ecosystem = "windows";
  sw.id = id;
  sw.name = Get(v, "displayname");
  sw.version = Get(v, "displayversion");
  sw.publisher = Get(v, "publisher");
  sw.location = EvidencePathOfWindowsPath(Get(v, "installlocation"));
  sw.installed_at = InstallDate(Get(v, "installdate"));
  sw.source_key = key_path;
  sw.uninstall_command = Get(v, "uninstallstring");
  return sw;
}

// Every subkey of `path` with its values; a damaged subkey is a warning.
// Nested inside another EachSubkey, a `path` that cannot be listed is the
// outer entry's damage (counted there) rather than a warning of its own.
template <bool kNested = false, typename Fn>
void EachSubkey(const RegfHive& hive, std::string_view path,
                const UninstallOutput& out, Fn fn) {
  std::vector<std::pair<std::string, uint32_t>> subkeys;
  std::string spelled;  // the key names as the hive writes them
  try {
    std::optional<uint32_t> key = hive.Find(hive.root(), path, &spelled);
    if (!key) return;
    subkeys = hive.Subkeys(*key);
  } catch (const ParseError& e) {
    if (kNested) throw;
    out.warn(std::string(path) + ": " + e.what() +
             "; its entries cannot be listed");
    return;
  }
  constexpr size_t kListedDamage = 20;
  size_t damaged = 0;
  for (const auto& [name, offset] : subkeys) {
    if (hive.exhausted()) {  // every further key would fail the same way
      out.warn(std::string(path) +
               ": the hive's reading bound was reached; the rest of its "
               "entries are not read");
      break;
    }
    try {
      const std::string own = name.empty() ? hive.Name(offset) : name;
      fn(own, offset, spelled + "\\" + own);
    } catch (const ParseError& e) {
      if (++damaged <= kListedDamage) {
        out.warn(spelled + "\\" + name + ": " + e.what() +
                 "; the entry is skipped");
      }
    }
  }
  if (damaged > kListedDamage) {
    out.warn(std::string(path) + ": " +
             std::to_string(damaged - kListedDamage) +
             " more damaged entries skipped, not listed");
  }
}

void ReadUninstallKey(const RegfHive& hive, std::string_view path,
                      std::string_view arch, const std::string& user,
                      const UninstallOutput& out, std::set<std::string>* ids) {
  EachSubkey(hive, path, out,
             [&](const std::string& name, uint32_t key, const std::string& sub) {
               Software sw = Record(name, ReadValues(hive, key), sub);
               sw.arch = std::string(arch);
               sw.user = user;
               if (ids) ids->insert(AsciiLower(name));
               out.add(std::move(sw));
             });
}

std::string UserOfSid(const std::map<std::string, Profile>& profiles,
                      const std::string& sid) {
  if (sid == kLocalSystemSid) return {};  // per-machine installs
  auto it = profiles.find(sid);
  return it == profiles.end() ? sid : it->second.user;
}

}  // namespace

std::string EvidencePathOfWindowsPath(std::string_view path) {
  if (!path.empty() && path.front() == '"') path.remove_prefix(1);
  if (!path.empty() && path.back() == '"') path.remove_suffix(1);
  if (path.size() < 3 || path[1] != ':' || path[2] != '\\') return {};
  const char drive = path[0];
  if (!((drive >= 'A' && drive <= 'Z') || (drive >= 'a' && drive <= 'z'))) {
    return {};
  }
  std::string out;
  for (char c : path.substr(2)) out += c == '\\' ? '/' : c;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string UnpackProductCode(std::string_view p) {
  if (p.size() != 32) return {};
  for (char c : p) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') ||
                     (c >= 'a' && c <= 'f');
    if (!hex) return {};
  }
  auto reversed = [&](size_t at, size_t n) {
    return std::string(p.rbegin() + (32 - at - n), p.rbegin() + (32 - at));
  };
  std::string out = "{" + reversed(0, 8) + "-" + reversed(8, 4) + "-" +
                    reversed(12, 4) + "-";
  for (size_t i = 16; i < 32; i += 2) {
    if (i == 20) out += '-';
    out += p[i + 1];
    out += p[i];
  }
  out += '}';
  for (char& c : out) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::map<std::string, Profile> ReadProfileList(const RegfHive& hive,
                                               const UninstallOutput& out) {
  std::map<std::string, Profile> profiles;
  EachSubkey(hive, kProfileList, out,
             [&](const std::string& sid, uint32_t key, const std::string&) {
               Profile p;
               p.path = Get(ReadValues(hive, key), "profileimagepath");
               std::string_view path = p.path;
               while (!path.empty() && path.back() == '\\') path.remove_suffix(1);
               const size_t slash = path.rfind('\\');
               p.user = std::string(
                   slash == std::string_view::npos ? path : path.substr(slash + 1));
               profiles.emplace(sid, std::move(p));
             });
  return profiles;
}

void ReadMachineUninstall(const RegfHive& hive,
                          const std::map<std::string, Profile>& profiles,
                          const UninstallOutput& out) {
  std::set<std::string> ids;  // lower-case Uninstall key names
  ReadUninstallKey(hive, kUninstall, "", "", out, &ids);
  ReadUninstallKey(hive, kUninstall32, "x86", "", out, &ids);

  // Products whose Uninstall entry is gone (or was never written: an
  // ARPSYSTEMCOMPONENT install) are still registered with the Installer.
  std::set<std::string> registered;  // product codes already reported
  auto known = [&](const std::string& code) {
    return ids.count(AsciiLower(code)) > 0 || registered.count(code) > 0;
  };
  EachSubkey(hive, kUserData, out,
             [&](const std::string& sid, uint32_t, const std::string& sid_path) {
               EachSubkey<true>(
                   hive, sid_path + "\\Products", out,
                   [&](const std::string& packed, uint32_t product,
                       const std::string& product_path) {
                     const std::string code = UnpackProductCode(packed);
                     const std::string id = code.empty() ? packed : code;
                     if (known(id)) return;
                     std::optional<uint32_t> props =
                         hive.Subkey(product, "InstallProperties");
                     if (!props) return;
                     Software sw =
                         Record(id, ReadValues(hive, *props),
                                product_path + "\\InstallProperties");
                     sw.user = UserOfSid(profiles, sid);
                     registered.insert(id);
                     out.add(std::move(sw));
                   });
             });
  EachSubkey(hive, kInstallerProducts, out,
             [&](const std::string& packed, uint32_t key,
                 const std::string& sub) {
               const std::string code = UnpackProductCode(packed);
               const std::string id = code.empty() ? packed : code;
               if (known(id)) return;
               const Values v = ReadValues(hive, key);
               Software sw;
               sw.ecosystem = "windows";
               sw.id = id;
               sw.name = Get(v, "productname");
               sw.version = InstallerVersion(Get(v, "version"));
               sw.source_key = sub;
               registered.insert(id);
               out.add(std::move(sw));
             });
}

void ReadUserUninstall(const RegfHive& hive, const std::string& user,
                       const UninstallOutput& out) {
  ReadUninstallKey(hive, "Software\\" + std::string(kUninstall), "", user, out,
                   nullptr);
  ReadUninstallKey(hive, "Software\\" + std::string(kUninstall32), "x86", user,
                   out, nullptr);
}

UninstallOutput OutputToSink(CollectorSink& sink, const std::string& hive) {
  UninstallOutput out;
  out.add = [&sink, hive](Software sw) {
    sw.source = hive;
    sink.Add(std::move(sw));
  };
  out.warn = [&sink, hive](std::string message) {
    sink.Warn(hive, std::move(message));
  };
  return out;
}

}  // namespace contraband
