// Fuzz target: event log bytes through our reading of libevtx (a libbfio
// memory range, records, strings, binary data, with their bounds), every
// record taken as an MsiInstaller event and folded into product records
// (the msi-installer-log collector's path, without its provider filter).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/windows/msi_installer_history.h"
#include "formats/evtx_log.h"
#include "formats/parse_error.h"

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
  return 0;
}
