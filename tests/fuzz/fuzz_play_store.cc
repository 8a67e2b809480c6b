// Fuzz target: Google Play's localappstate.db and library.db readers on
// arbitrary bytes (SQLite deserialized in memory), then the
// android-play-store collector with the input as both databases and the
// second file of the input (see SplitTwo) as packages.list.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "collector_feed.h"  // beside this file
#include "formats/parse_error.h"
#include "formats/play_store.h"

namespace contraband {
std::unique_ptr<Collector> MakePlayStoreCollector();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const auto [first, second] = fuzz::SplitTwo(data, size);
  try {
    (void)ReadPlayStoreAppState(first, "");
  } catch (const ParseError&) {
  }
  try {
    (void)ReadPlayStoreLibrary(first, "");
  } catch (const ParseError&) {
  }
  fuzz::NullSink sink;
  auto collector = MakePlayStoreCollector();
  const std::string dir = "/data/data/com.android.vending/databases/";
  fuzz::Feed(*collector, dir + "library.db", first, sink);
  fuzz::Feed(*collector, dir + "localappstate.db", first, sink);
  fuzz::Feed(*collector, "/data/system/packages.list", second, sink);
  collector->Finish(sink);
  return 0;
}
