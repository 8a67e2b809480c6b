// Fuzz target: Debian control syntax and the dpkg collector on top of it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/deb_control.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    ControlLimits limits;
    limits.max_stanzas = 10000;
    ParseControl(text, limits);
  } catch (const ParseError&) {
  }
  static const std::vector<CollectorInfo> dpkg = [] {
    for (const CollectorInfo& c : AllCollectors()) {
      if (c.name == "dpkg") return std::vector<CollectorInfo>{c};
    }
    return std::vector<CollectorInfo>{};
  }();
  MemoryVfs vfs;
  vfs.AddFile("/var/lib/dpkg/status", text);
  vfs.AddFile("/var/lib/dpkg/status.d/pkg", text);
  CollectSoftware(vfs, "fuzz", dpkg);
  return 0;
}
