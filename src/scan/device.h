// What evidence says about the device it came from: a phone's maker, model,
// OS version, build fingerprint and serial number, as its own files record
// them. Collectors hand it to the scan core (CollectorSink::Describe); the
// report lists it under the evidence (report.h EvidenceSummary), so an
// examiner sees which phone the findings are about.
#pragma once

#include <compare>
#include <string>

namespace contraband {

struct Device {
  std::string manufacturer;       ///< "samsung"
  std::string model;              ///< "SM-A520F"
  std::string os_version;         ///< "8.1.0" (Android's version.release)
  std::string build_fingerprint;  ///< brand/product/device:version/id/...
  std::string serial;
  std::string source;  ///< the file that says so (getprop.txt, build.prop)
  std::string volume;  ///< the partition it was read from, if any
  auto operator<=>(const Device&) const = default;
};

}  // namespace contraband
