// Fuzz target: Amcache.hve bytes, with an optional transaction log, through
// the amcache collector: the hive reader and log replay it shares with
// windows-registry, then InventoryApplication/-File, Programs and the
// two-level File layout. Input: a 4-byte little-endian hive length, then
// the hive, then the log; a plain hive (its "regf" read as a length larger
// than the input) is used whole, without a log.
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
std::unique_ptr<Collector> MakeAmcacheCollector();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  using fuzz::Feed;
  using fuzz::NullSink;
  const auto [hive, log] = fuzz::SplitTwo(data, size);
  std::unique_ptr<Collector> c = MakeAmcacheCollector();
  NullSink sink;
  const std::string path = "/Windows/appcompat/Programs/Amcache.hve";
  Feed(*c, path, hive, sink);
  if (!log.empty()) Feed(*c, path + ".LOG1", log, sink);
  try {
    c->Finish(sink);
  } catch (const ParseError&) {
  }
  return 0;
}
