// ios-device: the apps a live iPhone lists through `ideviceinstaller -l -o
// xml` (a plist array of dicts with CFBundleIdentifier,
// CFBundleShortVersionString, CFBundleVersion, CFBundleDisplayName, Path,
// SignerIdentity, ...), put at /ideviceinstaller/apps.plist by the ios:
// evidence. Ecosystem "ios".
#include "collectors/collector.h"
#include "collectors/ios/ios_app.h"
#include "evidence/ios_device_source.h"
#include "formats/parse_error.h"
#include "formats/plist.h"

namespace contraband {
namespace {

constexpr uint64_t kMaxListingBytes = 256ull << 20;
constexpr size_t kMaxApps = 100000;

class IosDeviceCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    return {{kIosDeviceListingPath, kMaxListingBytes}};
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const PlistValue list = ParsePlist(file.data);  // throws: a warning
    if (list.type != PlistValue::Type::kArray) {
      throw ParseError("the app listing is not a plist array");
    }
    size_t n = 0;
    for (const PlistValue& app : list.items) {
      if (++n > kMaxApps) {
        sink.Warn(file.path, "over " + std::to_string(kMaxApps) +
                                 " apps: the rest were not read");
        break;
      }
      if (app.type != PlistValue::Type::kDict) continue;
      Software sw = IosAppFromInfo(app, "");
      if (sw.id.empty()) {
        sink.Warn(file.path, "an app without CFBundleIdentifier was skipped");
        continue;
      }
      if (sw.name.empty()) sw.name = sw.id;
      sw.location = app.StringAt("Path");
      sw.source = file.path;
      sink.Add(std::move(sw));
    }
  }
};

}  // namespace

std::unique_ptr<Collector> MakeIosDeviceCollector() {
  return std::make_unique<IosDeviceCollector>();
}

}  // namespace contraband
