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
#include <sys/mman.h>

#include <cstdint>
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

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

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
      AdviseHugePages(out);
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

  // A large hive is copied once into fresh memory, and on a VM each 4 KiB
  // page faulted in costs more than copying it: for an 80 MB SOFTWARE hive
  // the faults were about half the scan's time (bench/README.md, windows).
  // Asking for transparent huge pages turns 20,000 faults into 40. Only for
  // buffers of 32 MiB and more, which malloc always maps on their own, so
  // the advice covers nothing else; it is advice: no effect when THP is off.
  static void AdviseHugePages(std::string& buffer) {
#ifdef MADV_HUGEPAGE
    constexpr size_t kPage = 4096;
    if (buffer.capacity() < (32u << 20)) return;
    const auto begin = reinterpret_cast<uintptr_t>(buffer.data());
    const uintptr_t first = (begin + kPage - 1) & ~uintptr_t{kPage - 1};
    const uintptr_t last = (begin + buffer.capacity()) & ~uintptr_t{kPage - 1};
    if (last > first) {
      madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
    }
#else
    (void)buffer;
#endif
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
