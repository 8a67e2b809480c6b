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
#include "collectors/windows/uninstall_entries.h"
#include "common/wildcard.h"
#include "formats/parse_error.h"
#include "formats/regf_hive.h"
#include "formats/regf_log.h"

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

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
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
    const std::string lower = AsciiLower(file.path);
    if (EndsWith(lower, ".log1") || EndsWith(lower, ".log2")) {
      // Logs sort right after their hive, so the hive is the pending one.
      if (!pending_ || lower.substr(0, lower.size() - 5) != pending_->lower ||
          !pending_->dirty) {
        return;  // a clean hive's logs hold nothing to apply: never read
      }
      std::string& slot = pending_->logs[lower.back() == '1' ? 0 : 1];
      slot = ReadWhole(file, kMaxLogBytes);
      return;
    }
    Flush(sink);
    if (!seen_.insert(lower).second) return;  // another spelling, same file
    Pending p;
    p.path = file.path;
    p.lower = lower;
    p.bytes = ReadWhole(file, kMaxHiveBytes);
    const RegfBaseBlock base = ParseRegfBaseBlock(p.bytes);  // throws: warned
    p.dirty = base.dirty();
    p.primary = base.primary_sequence;
    p.secondary = base.secondary_sequence;
    pending_ = std::move(p);
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
  struct Pending {
    std::string path, lower;
    std::string bytes;  ///< the one in-memory copy, patched by log replay
    bool dirty = false;
    uint32_t primary = 0, secondary = 0;
    std::string logs[2];
  };

  static std::string ReadWhole(const EvidenceFile& file, uint64_t limit) {
    std::string out;
    if (file.info.size > 0 && file.info.size <= limit) {
      out.reserve(static_cast<size_t>(file.info.size));
    }
    file.ReadChunks([&](std::string_view chunk) {
      if (chunk.size() > limit - out.size()) {
        throw ParseError("file is over the " + std::to_string(limit) +
                         "-byte limit");
      }
      out.append(chunk);
    });
    return out;
  }

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
    if (!pending_) return;
    Pending p = std::move(*pending_);
    pending_.reset();
    const std::string path = p.path;
    try {
      Read(p, sink);
    } catch (const ParseError& e) {
      sink.Warn(path, std::string("cannot parse: ") + e.what());
    }
  }

  void Read(Pending& p, CollectorSink& sink) {
    if (p.dirty) {
      std::vector<std::string_view> logs;
      for (const std::string& l : p.logs) {
        if (!l.empty()) logs.push_back(l);
      }
      const std::string state = "hive is dirty (sequence numbers " +
                                std::to_string(p.primary) + "/" +
                                std::to_string(p.secondary) + ")";
      RegfReplay replay = ReplayRegfLogs(p.bytes, logs);
      for (std::string& problem : replay.problems) {
        sink.Warn(p.path, "transaction log: " + problem);
      }
      if (replay.entries_applied > 0) {
        sink.Warn(p.path,
                  state + ": replayed " +
                      std::to_string(replay.entries_applied) +
                      " log entries (sequence " +
                      std::to_string(replay.first_sequence) + " to " +
                      std::to_string(replay.last_sequence) +
                      ") from its .LOG1/.LOG2 in memory; the file was not "
                      "changed");
      } else {
        sink.Warn(p.path,
                  state + " and no log entry beside it applies: changes "
                          "since its last complete write may be missing");
      }
      for (std::string& l : p.logs) std::string().swap(l);
    }
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
    if (BaseName(p.lower) == "software") {
      std::map<std::string, Profile> profiles = ReadProfileList(hive, out);
      ReadMachineUninstall(hive, profiles, out);
      profiles_[p.path] = std::move(profiles);
    } else {
      // The profile folder names the user (Users/alice/NTUSER.DAT: alice).
      ReadUserUninstall(hive, std::string(BaseName(ParentPath(p.path))), out);
    }
  }

  std::optional<Pending> pending_;
  std::set<std::string> seen_;  ///< lower-case hive paths read
  std::map<std::string, std::map<std::string, Profile>> profiles_;
};

}  // namespace

std::unique_ptr<Collector> MakeWindowsRegistryCollector() {
  return std::make_unique<WindowsRegistryCollector>();
}

}  // namespace contraband
