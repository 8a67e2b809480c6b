// windows-registry: installed programs from the registry hives themselves,
// for every user, never through a running Windows:
//   Windows/System32/config/SOFTWARE   per-machine Uninstall, WOW6432Node,
//                                      Windows Installer registrations
//   <profile>/NTUSER.DAT               per-user installs (Zoom, Telegram, ...)
// A dirty hive is replayed from its .LOG1/.LOG2 in memory first.
//
// Windows paths are case-insensitive. Until the evidence layer folds case
// for Windows volumes, every letter of the requested paths below the top
// folder is a bracket class ("[Ss][Yy]..."): each folder on the way is
// listed and the names match in any case, so a hive is found under its
// real spelling, once.
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "collectors/collector.h"
#include "collectors/windows/hive_with_logs.h"
#include "collectors/windows/uninstall_entries.h"
#include "common/wildcard.h"
#include "formats/parse_error.h"
#include "formats/regf_hive.h"

namespace contraband {
namespace {

// A 200 MB SOFTWARE hive is big; twice that is not a real one.
constexpr uint64_t kMaxHiveBytes = 512ull << 20;
constexpr uint64_t kMaxLogBytes = 256ull << 20;

// Each path is a top folder and the parts below it, every letter matched in
// any case (see AnyCase): `WINDOWS/system32/CONFIG/software` is found as
// well as `Windows/System32/config/SOFTWARE`.
constexpr std::pair<std::string_view, std::string_view> kConfigDir = {
    "/Windows", "/System32/config"};
// Profile folders: Users (Vista+), Documents and Settings (XP), and the
// service profiles ProfileList names outside Users.
constexpr std::pair<std::string_view, std::string_view> kProfileDirs[] = {
    {"/Users", "/*"},
    {"/Documents and Settings", "/*"},
    {"/Windows", "/ServiceProfiles/*"},
    {"/Windows", "/System32/config/systemprofile"}};

// "NTUSER.DAT" -> "[Nn][Tt][Uu][Ss][Ee][Rr].[Dd][Aa][Tt]".
std::string AnyCase(std::string_view name) {
  std::string out;
  for (char c : name) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    const char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    if (lower == upper) {
      out += c;
    } else {
      out += '[';
      out += upper;
      out += lower;
      out += ']';
    }
  }
  return out;
}

class WindowsRegistryCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    auto add = [&](const std::string& dir, std::string_view hive) {
      FileRequest h{dir + "/" + AnyCase(hive), kMaxHiveBytes};
      h.stream = true;  // we keep the one copy, and patch it in place
      out.push_back(h);
      FileRequest log{dir + "/" + AnyCase(std::string(hive) + ".LOG") + "[12]",
                      kMaxLogBytes};
      log.stream = true;  // read only when the hive is dirty
      out.push_back(log);
    };
    auto dir = [](std::pair<std::string_view, std::string_view> d) {
      return AnyCase(d.first) + AnyCase(d.second);
    };
    add(dir(kConfigDir), "SOFTWARE");
    for (const auto& d : kProfileDirs) add(dir(d), "NTUSER.DAT");
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    if (HiveWithLogs::IsLog(file.path)) {
      hive_.AddLog(file);
      return;
    }
    Flush(sink);
    if (!seen_.insert(AsciiLower(file.path)).second) return;  // same file
    hive_.Start(file);
  }

  void Finish(CollectorSink& sink) override {
    Flush(sink);
    // Profiles ProfileList names whose hive was not among those read.
    for (const auto& [software, profiles] : profiles_) {
      for (const auto& [sid, profile] : profiles) {
        const std::string dir = EvidencePathOfWindowsPath(
            ExpandSystemVariables(profile.path));
        if (dir.empty()) continue;
        if (seen_.count(AsciiLower(dir + "/NTUSER.DAT"))) continue;
        sink.Warn(software,
                  "ProfileList names the profile " + profile.path + " (" +
                      sid +
                      ") whose NTUSER.DAT was not found among the profile "
                      "folders read (Users, Documents and Settings, "
                      "ServiceProfiles, systemprofile); its per-user "
                      "installs are not reported");
      }
    }
  }

 private:
  // "%SystemDrive%\Users\x" and "%SystemRoot%\..." as a C: path.
  static std::string ExpandSystemVariables(std::string_view path) {
    const std::string lower = AsciiLower(path);
    for (auto [var, value] :
         {std::pair<std::string_view, std::string_view>{"%systemdrive%", "C:"},
          {"%systemroot%", "C:\\Windows"},
          {"%windir%", "C:\\Windows"}}) {
      if (lower.rfind(var, 0) == 0) {
        return std::string(value) + std::string(path.substr(var.size()));
      }
    }
    return std::string(path);
  }

  void Flush(CollectorSink& sink) {
    std::optional<ReplayedHive> p = hive_.Take(sink);
    if (!p) return;
    try {
      Read(*p, sink);
    } catch (const ParseError& e) {
      sink.Warn(p->path, std::string("cannot parse: ") + e.what());
    }
  }

  void Read(const ReplayedHive& p, CollectorSink& sink) {
    RegfHive hive(p.bytes);
    for (const std::string& problem : hive.problems()) {
      sink.Warn(p.path, problem);
    }
    UninstallOutput out;
    out.add = [&](Software sw) {
      sw.source = p.path;
      sink.Add(std::move(sw));
    };
    out.warn = [&](std::string message) {
      sink.Warn(p.path, std::move(message));
    };
    if (AsciiLower(BaseName(p.path)) == "software") {
      std::map<std::string, Profile> profiles = ReadProfileList(hive, out);
      ReadMachineUninstall(hive, profiles, out);
      profiles_[p.path] = std::move(profiles);
    } else {
      // The profile folder names the user (Users/alice/NTUSER.DAT: alice).
      ReadUserUninstall(hive, std::string(BaseName(ParentPath(p.path))), out);
    }
  }

  HiveWithLogs hive_{kMaxHiveBytes, kMaxLogBytes};
  std::set<std::string> seen_;  ///< lower-case hive paths read
  std::map<std::string, std::map<std::string, Profile>> profiles_;
};

}  // namespace

std::unique_ptr<Collector> MakeWindowsRegistryCollector() {
  return std::make_unique<WindowsRegistryCollector>();
}

}  // namespace contraband
