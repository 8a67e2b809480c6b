// amcache: programs and executables Windows remembered in
// Windows/appcompat/Programs/Amcache.hve, which keeps them after they are
// uninstalled: the removal history of a Windows volume (records and value
// meanings: collectors/windows/amcache_entries.h). A dirty hive is replayed
// from its .LOG1/.LOG2 in memory first, as the registry hives are.
#include <optional>
#include <utility>

#include "collectors/collector.h"
#include "collectors/windows/amcache_entries.h"
#include "collectors/windows/hive_file.h"
#include "common/wildcard.h"
#include "formats/parse_error.h"
#include "formats/regf_hive.h"

namespace contraband {
namespace {

// A real Amcache.hve is a few MB; a Windows 10 one past 100 MB is rare.
constexpr uint64_t kMaxHiveBytes = 256ull << 20;
constexpr uint64_t kMaxLogBytes = 128ull << 20;
constexpr std::string_view kHive = "/Windows/appcompat/Programs/Amcache.hve";

class AmcacheCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    FileRequest hive{std::string(kHive), kMaxHiveBytes};
    hive.stream = true;  // one copy, patched in place by log replay
    FileRequest logs{std::string(kHive) + ".LOG[12]", kMaxLogBytes};
    logs.stream = true;  // read only when the hive is dirty
    return {hive, logs};
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const std::string lower = AsciiLower(file.path);
    if (IsHiveLogPath(lower)) {
      // Logs sort right after their hive, so the hive is the pending one.
      if (pending_) pending_->TakeLog(file, lower, kMaxLogBytes);
      return;
    }
    Flush(sink);
    pending_ = HiveFile::Open(file, kMaxHiveBytes);  // throws: warned
  }

  void Finish(CollectorSink& sink) override { Flush(sink); }

 private:
  void Flush(CollectorSink& sink) {
    ReadPendingHive(pending_, sink,
                    [&](const std::string& path, const RegfHive& hive) {
                      ReadAmcache(hive, OutputToSink(sink, path));
                    });
  }

  std::optional<HiveFile> pending_;
};

}  // namespace

std::unique_ptr<Collector> MakeAmcacheCollector() {
  return std::make_unique<AmcacheCollector>();
}

}  // namespace contraband
