// Fuzz target: dumpsys package text in both scopes (whole and in pieces, which
// must agree), pm list packages, androidqf's packages.json and getprop, then
// the android-dumpsys collector on the same bytes: the first file of the
// input (see SplitTwo) as a bugreport and as androidqf's dumpsys.txt, the
// second as packages.json beside it and as pm list output.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "collector_feed.h"  // beside this file
#include "formats/androidqf_packages.h"
#include "formats/dumpsys_package.h"
#include "formats/parse_error.h"

namespace contraband {
std::unique_ptr<Collector> MakeAndroidDumpsysCollector();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const auto [first, second] = fuzz::SplitTwo(data, size);
  for (DumpsysScope scope :
       {DumpsysScope::kWholeText, DumpsysScope::kPackageService}) {
    const auto whole = ParseDumpsysPackages(first, scope);
    std::vector<DumpsysPackage> pieces;
    DumpsysPackageReader reader(
        scope, [&](DumpsysPackage p) { pieces.push_back(std::move(p)); });
    for (size_t at = 0; at < first.size(); at += 13) {
      reader.Feed(first.substr(at, 13));
    }
    reader.Finish();
    if (!(pieces == whole)) __builtin_trap();
  }
  (void)ParsePmListPackages(second);
  try {
    (void)ParseAndroidqfPackages(second);
  } catch (const ParseError&) {
  }
  (void)GetpropValue(second, "ro.product.model");

  fuzz::NullSink sink;
  auto collector = MakeAndroidDumpsysCollector();
  fuzz::Feed(*collector, "/bugreport-1.txt", first, sink);
  fuzz::Feed(*collector, "/qf/dumpsys.txt", first, sink);
  fuzz::Feed(*collector, "/qf/packages.json", second, sink);
  fuzz::Feed(*collector, "/adb/dumpsys_package.txt", first, sink);
  fuzz::Feed(*collector, "/adb/pm_list_packages.txt", second, sink);
  collector->Finish(sink);
  return 0;
}
