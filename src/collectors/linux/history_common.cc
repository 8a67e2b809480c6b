#include "collectors/linux/history_common.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "formats/gzip.h"

namespace contraband {
namespace {

// Bounds what the collector keeps across all files of one evidence.
constexpr size_t kMaxKeptEvents = 4'000'000;

enum class Effect : uint8_t { kNone, kIn, kOut };

// What an event says about the package being on the system afterwards.
Effect EffectOf(const HistoryEvent& e) {
  switch (e.action) {
    case HistoryAction::kInstall:
    case HistoryAction::kUpgrade:
    case HistoryAction::kDowngrade:
    case HistoryAction::kReinstall:
      return Effect::kIn;
    case HistoryAction::kRemove:
    case HistoryAction::kPurge:
    case HistoryAction::kObsoleted:
      return Effect::kOut;
    case HistoryAction::kReplaced:
      return Effect::kNone;
    case HistoryAction::kStatus:
      // dpkg's states: configured means installed; config-files and
      // not-installed mean the package is gone. The half-done states in
      // between say nothing final.
      if (e.status == "installed" || e.status == "triggers-pending" ||
          e.status == "triggers-awaited") {
        return Effect::kIn;
      }
      if (e.status == "config-files" || e.status == "not-installed") {
        return Effect::kOut;
      }
      return Effect::kNone;
  }
  return Effect::kNone;
}

std::string_view CompressionOf(std::string_view data) {
  auto starts = [&](std::string_view magic) {
    return data.substr(0, magic.size()) == magic;
  };
  if (starts(std::string_view("\xFD"
                              "7zXZ\0",
                              6)))
    return "xz";
  if (starts("BZh")) return "bzip2";
  if (starts("\x28\xB5\x2F\xFD")) return "zstd";
  return {};
}

struct Kept {
  std::string arch;
  std::string version;
  std::string iso;
  int64_t seconds = 0;
  uint32_t file = 0;
  uint32_t line = 0;
  bool has_year = false;
  Effect effect = Effect::kNone;
};

class HistoryCollector : public Collector {
 public:
  explicit HistoryCollector(HistoryFormat format)
      : format_(std::move(format)) {}

  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    for (const std::string& p : format_.patterns) {
      out.push_back({p, kMaxHistoryLogBytes});
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    std::string inflated;
    std::string_view text = file.data;
    if (LooksGzip(text)) {
      std::string damage;
      // A too-large output throws ParseError: the runner warns and goes on.
      inflated = Gunzip(text, kMaxHistoryLogBytes, &damage);
      if (!damage.empty()) {
        sink.Warn(file.path,
                  damage + "; the log lines before the damage were read");
      }
      text = inflated;
    } else if (std::string_view c = CompressionOf(text); !c.empty()) {
      sink.Warn(file.path, "compressed with " + std::string(c) +
                               ", which is not read (only gzip); skipped");
      return;
    }
    const uint32_t index = static_cast<uint32_t>(files_.size());
    files_.push_back(file.path);
    // Events stream in and only those that change presence are kept: a
    // log's status lines never pile up in memory.
    HistoryLog log = format_.parse(file.path, text, [&](HistoryEvent&& e) {
      const Effect effect = EffectOf(e);
      if (effect == Effect::kNone) return;
      if (kept_ >= kMaxKeptEvents) {
        if (!overflow_warned_) {
          overflow_warned_ = true;
          sink.Warn(file.path,
                    "more than " + std::to_string(kMaxKeptEvents) +
                        " package events in the logs; the rest were not "
                        "used, so some removals may be missing");
        }
        return;
      }
      ++kept_;
      Kept k;
      k.arch = std::move(e.arch);
      k.version = std::move(e.version);
      k.iso = std::move(e.when.iso);
      k.seconds = e.when.seconds;
      k.has_year = e.when.has_year;
      k.file = index;
      k.line = static_cast<uint32_t>(e.line);
      k.effect = effect;
      events_[std::move(e.package)].push_back(std::move(k));
    });
    ReportDamage(file.path, log, sink);
  }

  void Finish(CollectorSink& sink) override {
    // Events of one second keep log order: older rotations first, then by
    // line. Rotated names decide age, never the order files came in.
    std::vector<uint32_t> order(files_.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::vector<LogAge> ages;
    for (const std::string& f : files_) ages.push_back(AgeOf(f));
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return std::tie(ages[a], files_[a]) < std::tie(ages[b], files_[b]);
    });
    std::vector<uint32_t> rank(files_.size());
    for (uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;

    std::set<uint32_t> yearless_warned;
    for (auto& [name, events] : events_) {
      // Logs without a year (yum) cannot be placed among dated ones: they
      // come first (yum predates dnf on a machine) and keep log order.
      std::stable_sort(
          events.begin(), events.end(), [&](const Kept& a, const Kept& b) {
            return std::make_tuple(a.has_year, a.has_year ? a.seconds : 0,
                                   rank[a.file], a.line) <
                   std::make_tuple(b.has_year, b.has_year ? b.seconds : 0,
                                   rank[b.file], b.line);
          });
      std::map<std::string, State> states;  // by arch
      for (const Kept& e : events) {
        if (e.effect == Effect::kIn) {
          states[e.arch].In(e);
        } else if (!e.arch.empty() || states.empty()) {
          states[e.arch].Out(e);
        } else {
          // A removal that names no arch (yum's "Erased: zoom") removes
          // whichever arch is installed.
          bool any = false;
          for (auto& [arch, st] : states) {
            if (st.present) {
              st.Out(e);
              any = true;
            }
          }
          if (!any && states.count("") == 0) states[""].Out(e);
        }
      }
      for (const auto& [arch, st] : states) {
        if (st.present || !st.removed) continue;
        Software sw;
        sw.ecosystem = format_.ecosystem;
        sw.id = name;
        sw.name = name;
        sw.version = st.version;
        sw.arch = arch;
        sw.state = SoftwareState::kRemoved;
        sw.installed_at = st.installed_at;
        sw.removed_at = st.removed_at;
        sw.source = files_[st.removal_file];
        if (st.yearless && yearless_warned.insert(st.removal_file).second) {
          sink.Warn(sw.source,
                    "this log records no year: installed_at and removed_at "
                    "of its removed packages read --MM-DDThh:mm:ss (ISO 8601 "
                    "without the year)");
        }
        sink.Add(std::move(sw));
      }
    }
  }

 private:
  // One package (name and arch) through its events.
  struct State {
    bool present = false;
    bool removed = false;
    bool yearless = false;  ///< a date reported comes from a year-less log
    std::string version;
    std::string installed_at;
    std::string removed_at;
    uint32_t removal_file = 0;

    void In(const Kept& e) {
      if (!present) {
        // The first record of this installation: a new period begins.
        present = true;
        removed = false;
        version.clear();
        installed_at = e.iso;
        removed_at.clear();
        yearless = !e.has_year;
      }
      if (!e.version.empty()) version = e.version;
    }
    void Out(const Kept& e) {
      if (present || !removed) {
        // The removal that ended the installation (later purges of what
        // it left are not the removal).
        if (!present) {
          installed_at.clear();  // its installation is not in the logs
          yearless = false;
        }
        if (version.empty() || !present) {
          if (!e.version.empty()) version = e.version;
        }
        present = false;
        removed = true;
        removed_at = e.iso;
        removal_file = e.file;
        yearless = yearless || !e.has_year;
      } else if (version.empty() && !e.version.empty()) {
        version = e.version;
      }
    }
  };

  LogAge AgeOf(std::string_view path) const {
    const std::string_view name = BaseName(path);
    std::string_view best;
    for (const std::string& p : format_.patterns) {
      std::string_view base = BaseName(p);
      if (!base.empty() && base.back() == '*') base.remove_suffix(1);
      if (name.substr(0, base.size()) == base && base.size() > best.size()) {
        best = base;
      }
    }
    return RotationAge(name, best);
  }

  void ReportDamage(const std::string& path, const HistoryLog& log,
                    CollectorSink& sink) const {
    const size_t shown = std::min(log.errors.size(), kDamagedLinesShown);
    for (size_t i = 0; i < shown; ++i) {
      sink.Warn(path, "line " + std::to_string(log.errors[i].line) + ": " +
                          log.errors[i].message);
    }
    if (log.error_count > shown) {
      sink.Warn(path, "and " + std::to_string(log.error_count - shown) +
                          " more damaged lines");
    }
    if (!log.stopped.empty()) sink.Warn(path, log.stopped);
  }

  HistoryFormat format_;
  std::vector<std::string> files_;
  std::map<std::string, std::vector<Kept>> events_;  // by package name
  size_t kept_ = 0;
  bool overflow_warned_ = false;
};

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

LogAge RotationAge(std::string_view file_name, std::string_view base) {
  std::string_view suffix =
      file_name.substr(std::min(base.size(), file_name.size()));
  for (std::string_view c : {".gz", ".xz", ".bz2", ".zst"}) {
    if (suffix.size() >= c.size() &&
        suffix.substr(suffix.size() - c.size()) == c) {
      suffix.remove_suffix(c.size());
      break;
    }
  }
  if (suffix.empty()) return {3, 0};
  if (suffix.size() > 1 && AllDigits(suffix.substr(1))) {
    const int64_t n = std::stoll(std::string(suffix.substr(1)));
    if (suffix[0] == '.') return {2, -n};  // logrotate: .1 is the newest
    if (suffix[0] == '-') return {0, n};   // dateext: -20240101
  }
  return {1, 0};
}

std::unique_ptr<Collector> MakeHistoryCollector(HistoryFormat format) {
  return std::make_unique<HistoryCollector>(std::move(format));
}

}  // namespace contraband
