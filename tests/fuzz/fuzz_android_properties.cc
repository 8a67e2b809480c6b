// Fuzz target: Android system properties (formats/android_properties) in
// getprop and build.prop form on arbitrary bytes, then the android-device
// collector with the input as getprop.txt and as /system/build.prop.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "collector_feed.h"  // beside this file
#include "formats/android_properties.h"
#include "formats/parse_error.h"

namespace contraband {
std::unique_ptr<Collector> MakeAndroidDeviceCollector();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    (void)AndroidDeviceFrom(ReadAndroidProperties(in));
  } catch (const ParseError&) {
  }
  fuzz::NullSink sink;
  auto collector = MakeAndroidDeviceCollector();
  fuzz::Feed(*collector, "/getprop.txt", in, sink);
  fuzz::Feed(*collector, "/system/build.prop", in, sink);
  collector->Finish(sink);
  return 0;
}
