// Fuzz target: event log bytes through our reading of libevtx (a libbfio
// memory range, records, strings, binary data, with their bounds), every
// record taken as an MsiInstaller event and folded into product records,
// and the msi-installer-log collector on the same bytes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "collectors/collector.h"
#include "collectors/windows/msi_installer_history.h"
#include "evidence/vfs.h"
#include "formats/evtx_log.h"
#include "formats/parse_error.h"

namespace contraband {
std::unique_ptr<Collector> MakeMsiInstallerLogCollector();
}

namespace {

class NullSink : public contraband::CollectorSink {
 public:
  void Add(contraband::Software) override {}
  void Warn(std::string_view, std::string) override {}
  std::string OwnerOf(std::string_view) override { return {}; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  MsiInstallerHistory history;
  try {
    ReadEvtx(
        in, [](std::string_view) { return true; },
        [&](EvtxEvent e) { history.Add(e); });
  } catch (const ParseError&) {
  }
  (void)history.Records();
  std::unique_ptr<Collector> c = MakeMsiInstallerLogCollector();
  NullSink sink;
  EvidenceFile file{"/Windows/System32/winevt/Logs/Application.evtx", in, {},
                    nullptr};
  file.info.type = FileType::kRegular;
  file.info.size = size;
  try {
    c->Collect(file, sink);
    c->Finish(sink);
  } catch (const ParseError&) {
  }
  return 0;
}
