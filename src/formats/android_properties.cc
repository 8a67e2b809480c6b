#include "formats/android_properties.h"

#include <initializer_list>

#include "common/text.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// Property names are printable ASCII without blanks; values are kept only
// when they are printable ASCII too (a serial or fingerprint never needs
// more), so no control byte reaches a report.
bool Printable(std::string_view s, bool spaces) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e || (!spaces && c == ' ')) return false;
  }
  return true;
}

std::string First(const std::map<std::string, std::string>& props,
                  std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = props.find(name);
    if (it != props.end() && !it->second.empty()) return it->second;
  }
  return {};
}

}  // namespace

std::map<std::string, std::string> ReadAndroidProperties(
    std::string_view text) {
  if (text.size() > kMaxAndroidPropertiesBytes) {
    throw ParseError("properties: " + std::to_string(text.size()) +
                     " bytes, more than the " +
                     std::to_string(kMaxAndroidPropertiesBytes) + " read");
  }
  std::map<std::string, std::string> out;
  LineReader lines(text);
  lines.SkipBom();
  std::string_view line;
  while (lines.Next(line)) {
    line = TrimAscii(line);
    if (line.empty() || line.front() == '#') continue;
    std::string_view name, value;
    if (line.front() == '[') {
      // [name]: [value]
      const size_t close = line.find("]:");
      if (close == std::string_view::npos) continue;
      name = line.substr(1, close - 1);
      value = TrimAscii(line.substr(close + 2));
      if (value.size() < 2 || value.front() != '[' || value.back() != ']') {
        continue;
      }
      value = value.substr(1, value.size() - 2);
    } else {
      const size_t eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      name = TrimAscii(line.substr(0, eq));
      value = TrimAscii(line.substr(eq + 1));
    }
    if (name.empty() || name.size() > kMaxAndroidPropertyLength ||
        value.size() > kMaxAndroidPropertyLength || !Printable(name, false) ||
        !Printable(value, true)) {
      continue;
    }
    if (out.size() == kMaxAndroidProperties && !out.count(std::string(name))) {
      throw ParseError("properties: more than " +
                       std::to_string(kMaxAndroidProperties) + " properties");
    }
    out[std::string(name)] = std::string(value);
  }
  return out;
}

AndroidDeviceProperties AndroidDeviceFrom(
    const std::map<std::string, std::string>& p) {
  AndroidDeviceProperties d;
  d.manufacturer = First(
      p, {"ro.product.manufacturer", "ro.product.system.manufacturer",
          "ro.product.vendor.manufacturer", "ro.vendor.product.manufacturer"});
  d.model = First(p, {"ro.product.model", "ro.product.system.model",
                      "ro.product.vendor.model", "ro.vendor.product.model"});
  d.os_version =
      First(p, {"ro.build.version.release", "ro.system.build.version.release",
                "ro.build.version.release_or_codename"});
  d.build_fingerprint =
      First(p, {"ro.build.fingerprint", "ro.system.build.fingerprint",
                "ro.vendor.build.fingerprint"});
  d.serial = First(p, {"ro.serialno", "ro.boot.serialno"});
  return d;
}

}  // namespace contraband
