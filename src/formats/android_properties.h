// Android system properties as acquisitions keep them:
//   getprop output ("[ro.product.model]: [Pixel 5]", one a line), saved by
//       androidqf and MVT (getprop.txt) and by adb: evidence
//       (/adb/getprop.txt)
//   build.prop ("ro.product.model=Pixel 5", '#' comments), the file a
//       full-filesystem extraction has under /system (and /vendor, /product)
// and the device they describe (maker, model, Android version, build
// fingerprint, serial number).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace contraband {

inline constexpr size_t kMaxAndroidPropertiesBytes = 4u << 20;
inline constexpr size_t kMaxAndroidProperties = 100'000;
/// Longest name or value kept (Android's own limits are 92 bytes for
/// values of most properties; ro.* ones may be longer).
inline constexpr size_t kMaxAndroidPropertyLength = 4096;

/// name -> value of every property the text sets, in either form (told by
/// each line: "[" starts a getprop line); a later line wins, as it does
/// when Android loads build.prop. Lines in neither form are skipped. Throws
/// ParseError when the text exceeds the limits above.
std::map<std::string, std::string> ReadAndroidProperties(std::string_view text);

/// What the properties say about the device; fields the properties do not
/// set are empty.
struct AndroidDeviceProperties {
  std::string manufacturer;       ///< ro.product.manufacturer
  std::string model;              ///< ro.product.model
  std::string os_version;         ///< ro.build.version.release
  std::string build_fingerprint;  ///< ro.build.fingerprint
  std::string serial;             ///< ro.serialno, else ro.boot.serialno
  bool empty() const {
    return manufacturer.empty() && model.empty() && os_version.empty() &&
           build_fingerprint.empty() && serial.empty();
  }
};

/// Each field from its property, or (Android 10+, where /system/build.prop
/// names them per partition) from ro.product.system.*, ro.system.build.*
/// and the like.
AndroidDeviceProperties AndroidDeviceFrom(
    const std::map<std::string, std::string>& properties);

}  // namespace contraband
