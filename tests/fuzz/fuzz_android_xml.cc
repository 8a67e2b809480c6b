// Fuzz target: Android XML in both encodings (ABX token streams and text
// through pugixml, with its DOCTYPE refusal), then the android-packages
// collector on the same bytes: the first file of the input (see SplitTwo) as
// packages.xml, the second as user 0's package-restrictions.xml and as
// packages.list, joined in Finish.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "collectors/android/packages_xml.h"
#include "formats/android_xml.h"
#include "formats/parse_error.h"
#include "collector_feed.h"  // beside this file

namespace contraband {
std::unique_ptr<Collector> MakeAndroidPackagesCollector();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const auto [first, second] = fuzz::SplitTwo(data, size);
  try {
    const AndroidXmlDocument doc = ParseAndroidXml(first);
    if (doc.binary != IsAndroidBinaryXml(first)) __builtin_trap();
    try {
      (void)ReadAndroidPackagesXml(doc);
    } catch (const ParseError&) {
    }
    try {
      (void)ReadAndroidPackageRestrictions(doc);
    } catch (const ParseError&) {
    }
  } catch (const ParseError&) {
  }
  try {
    (void)ReadAndroidPackagesXmlBytes(first);  // with subtrees dropped
  } catch (const ParseError&) {
  }
  (void)ReadAndroidPackagesList(second);
  (void)AndroidHexMillisToRfc3339(second.substr(0, 20));

  fuzz::NullSink sink;
  auto collector = MakeAndroidPackagesCollector();
  fuzz::Feed(*collector, "/data/system/packages.list", second, sink);
  fuzz::Feed(*collector, "/data/system/packages.xml", first, sink);
  fuzz::Feed(*collector, "/data/system/users/0/package-restrictions.xml",
             second, sink);
  collector->Finish(sink);
  return 0;
}
