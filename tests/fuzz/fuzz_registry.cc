// Fuzz target: registry hive bytes, with an optional transaction log, through
// the windows-registry collector as a SOFTWARE hive and as an NTUSER.DAT:
// base block, key nodes, subkey lists (lf/lh/li/ri), values and big data,
// log entries and their replay. Input: a 4-byte little-endian hive length,
// then the hive, then the log; a plain hive (its "regf" read as a length
// larger than the input) is used whole, without a log.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "collectors/collector.h"
#include "collector_feed.h"  // beside this file
#include "evidence/vfs.h"
#include "formats/parse_error.h"

namespace contraband {
std::unique_ptr<Collector> MakeWindowsRegistryCollector();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  using fuzz::Feed;
  using fuzz::NullSink;
  const auto [hive, log] = fuzz::SplitTwo(data, size);
  for (const char* dir : {"/Windows/System32/config/SOFTWARE",
                          "/Users/alice/NTUSER.DAT"}) {
    std::unique_ptr<Collector> c = MakeWindowsRegistryCollector();
    NullSink sink;
    const std::string path = dir;
    Feed(*c, path, hive, sink);
    if (!log.empty()) Feed(*c, path + ".LOG1", log, sink);
    try {
      c->Finish(sink);
    } catch (const ParseError&) {
    }
  }
  return 0;
}
