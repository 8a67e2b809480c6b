// Fuzz target: the binary AndroidManifest.xml parser (string pool, resource
// map, element and attribute nodes) on raw bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/axml.h"
#include "formats/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  try {
    ParseAxmlManifest(
        std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const ParseError&) {
  }
  return 0;
}
