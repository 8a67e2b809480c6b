// msi-installer-log: Windows Installer's installs and removals as the
// Application event log recorded them (Windows/System32/winevt/Logs/
// Application.evtx, provider MsiInstaller), read through libevtx from the
// bytes the scan hands over. A product removed before the audit is still
// a finding, with the dates of its install and removal (the event-to-record
// rules: collectors/windows/msi_installer_history.h).
#include "collectors/collector.h"
#include "collectors/windows/msi_installer_history.h"
#include "formats/evtx_log.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// Windows caps Application.evtx at 20 MB by default; administrators raise
// it, rarely past a few hundred MB.
constexpr uint64_t kMaxLogBytes = 512ull << 20;

class MsiInstallerLogCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    return {{"/Windows/System32/winevt/Logs/Application.evtx", kMaxLogBytes}};
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    MsiInstallerHistory history;
    bool full = false;
    const EvtxReadResult read = ReadEvtx(
        file.data,
        [](std::string_view provider) {
          return provider == kMsiInstallerProvider;
        },
        [&](EvtxEvent event) {
          if (!history.Add(event)) full = true;
        });
    for (const std::string& problem : read.problems) {
      sink.Warn(file.path, problem);
    }
    if (full) {
      sink.Warn(file.path,
                "more than " + std::to_string(MsiInstallerHistory::kMaxProducts) +
                    " products; the events of the others are not reported");
    }
    for (Software& sw : history.Records()) {
      sw.source = file.path;
      sink.Add(std::move(sw));
    }
  }
};

}  // namespace

std::unique_ptr<Collector> MakeMsiInstallerLogCollector() {
  return std::make_unique<MsiInstallerLogCollector>();
}

}  // namespace contraband
