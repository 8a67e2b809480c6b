// android-device: which phone the evidence is, for the report's evidence
// summary (no inventory rows), from the system properties acquisitions keep:
//   /getprop.txt, /*/getprop.txt   androidqf and MVT (at the top or one
//                                  folder down, as a zip keeps them);
//                                  /adb/getprop.txt for adb: evidence
//   /system/build.prop             a full-filesystem extraction
// Each file that names a maker, model, Android version, build fingerprint
// or serial is one Device with the file as its source; a file that names
// none (MVT's samples hold only dalvik.* properties) says nothing.
#include "collectors/collector.h"
#include "formats/android_properties.h"

namespace contraband {
namespace {

class AndroidDeviceCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    return {{"/getprop.txt", kMaxAndroidPropertiesBytes},
            {"/*/getprop.txt", kMaxAndroidPropertiesBytes},
            {"/system/build.prop", kMaxAndroidPropertiesBytes}};
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const AndroidDeviceProperties p =
        AndroidDeviceFrom(ReadAndroidProperties(file.data));
    if (p.empty()) return;
    Device d;
    d.manufacturer = p.manufacturer;
    d.model = p.model;
    d.os_version = p.os_version;
    d.build_fingerprint = p.build_fingerprint;
    d.serial = p.serial;
    d.source = file.path;
    sink.Describe(std::move(d));
  }
};

}  // namespace

std::unique_ptr<Collector> MakeAndroidDeviceCollector() {
  return std::make_unique<AndroidDeviceCollector>();
}

}  // namespace contraband
