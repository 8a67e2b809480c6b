// windows-registry: installed programs from the registry hives themselves,
// for every user, never through a running Windows:
//   Windows/System32/config/SOFTWARE   per-machine Uninstall, WOW6432Node,
//                                      Windows Installer registrations
//   <profile>/NTUSER.DAT               per-user installs (Zoom, Telegram, ...)
// A dirty hive is replayed from its .LOG1/.LOG2 in memory first.
//
// Windows paths are case-insensitive: the evidence layer decides that once
// per Windows volume (Vfs::fold_case), so the paths below are written as
// Windows spells them and found under whatever spelling the evidence has.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "collectors/collector.h"
#include "collectors/windows/hive_file.h"
#include "collectors/windows/uninstall_entries.h"
#include "common/wildcard.h"
#include "formats/parse_error.h"
#include "formats/regf_hive.h"

namespace contraband {
namespace {

// A 200 MB SOFTWARE hive is big; twice that is not a real one.
constexpr uint64_t kMaxHiveBytes = 512ull << 20;
constexpr uint64_t kMaxLogBytes = 256ull << 20;

constexpr std::string_view kSoftwareHive = "/Windows/System32/config/SOFTWARE";
// Profile folders: Users (Vista+), Documents and Settings (XP), the service
// profiles, and any folder two levels down (profiles ProfileList places
// outside Users, C:\Profiles\bob; deeper ones are warned about in
// Finish). That last one is asked only of Windows volumes.
constexpr std::string_view kUserHives[] = {
    "/Users/*/NTUSER.DAT",
    "/Documents and Settings/*/NTUSER.DAT",
    "/Windows/ServiceProfiles/*/NTUSER.DAT",
    "/Windows/System32/config/systemprofile/NTUSER.DAT",
    "/*/*/NTUSER.DAT"};

class WindowsRegistryCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    auto add = [&](std::string_view hive) {
      FileRequest h{std::string(hive), kMaxHiveBytes};
      h.stream = true;  // we keep the one copy, and patch it in place
      out.push_back(h);
      FileRequest log{std::string(hive) + ".LOG[12]", kMaxLogBytes};
      log.stream = true;  // read only when the hive is dirty
      out.push_back(log);
    };
    add(kSoftwareHive);
    for (std::string_view hive : kUserHives) add(hive);
    for (FileRequest& r : out) {
      if (r.pattern.rfind("/*/*/", 0) == 0) r.fold_case_only = true;
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const std::string lower = AsciiLower(file.path);
    if (IsHiveLogPath(lower)) {
      // Logs sort right after their hive, so the hive is the pending one.
      if (pending_) pending_->TakeLog(file, lower, kMaxLogBytes);
      return;
    }
    Flush(sink);
    if (!seen_.insert(lower).second) return;  // another spelling, same file
    pending_ = HiveFile::Open(file, kMaxHiveBytes);  // throws: warned
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
    ReadPendingHive(pending_, sink,
                    [&](const std::string& path, const RegfHive& hive) {
                      Read(path, hive, OutputToSink(sink, path));
                    });
  }

  void Read(const std::string& path, const RegfHive& hive,
            const UninstallOutput& out) {
    if (AsciiLower(BaseName(path)) == "software") {
      std::map<std::string, Profile> profiles = ReadProfileList(hive, out);
      ReadMachineUninstall(hive, profiles, out);
      profiles_[path] = std::move(profiles);
    } else {
      // The profile folder names the user (Users/alice/NTUSER.DAT: alice).
      ReadUserUninstall(hive, std::string(BaseName(ParentPath(path))), out);
    }
  }

  std::optional<HiveFile> pending_;
  std::set<std::string> seen_;  ///< lower-case hive paths read
  std::map<std::string, std::map<std::string, Profile>> profiles_;
};

}  // namespace

std::unique_ptr<Collector> MakeWindowsRegistryCollector() {
  return std::make_unique<WindowsRegistryCollector>();
}

}  // namespace contraband
