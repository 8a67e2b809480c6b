// Fuzz target for the apk installed-database parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/apk_installed.h"
#include "formats/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    contraband::ApkLimits limits;
    limits.max_packages = 10000;
    contraband::ParseApkInstalled(text, limits);
  } catch (const contraband::ParseError&) {
  }
  return 0;
}
