// Fuzz target: Android usage statistics (formats/usagestats) on arbitrary
// bytes, as an interval file (XML or protobuf) and as a mappings file, then
// the android-packages collector with the input's first part (see SplitTwo)
// as an Android 9 XML file, an Android 11+ interval file and packages.list,
// and its second part as the mappings.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "collector_feed.h"  // beside this file
#include "formats/parse_error.h"
#include "formats/usagestats.h"

namespace contraband {
std::unique_ptr<Collector> MakeAndroidPackagesCollector();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const auto [first, second] = fuzz::SplitTwo(data, size);
  try {
    (void)ReadUsageStats(first, 1'650'012'087'093);
  } catch (const ParseError&) {
  }
  try {
    (void)ReadUsageStatsMappings(first);
  } catch (const ParseError&) {
  }
  fuzz::NullSink sink;
  auto collector = MakeAndroidPackagesCollector();
  fuzz::Feed(*collector, "/data/system/packages.list",
             "com.example.app 10100 0 /data/data/com.example.app\n", sink);
  fuzz::Feed(*collector, "/data/system/usagestats/0/daily/1650012087093", first,
             sink);
  fuzz::Feed(*collector,
             "/data/system_ce/10/usagestats/daily/999999999999999999", first,
             sink);
  fuzz::Feed(*collector, "/data/system_ce/10/usagestats/daily/9", first, sink);
  fuzz::Feed(*collector, "/data/system_ce/10/usagestats/mappings", second,
             sink);
  collector->Finish(sink);
  return 0;
}
