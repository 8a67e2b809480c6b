// Fuzz target for the snap parsers: meta/snap.yaml and snapd's state.json.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/parse_error.h"
#include "formats/snap_yaml.h"
#include "formats/snapd_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    contraband::ParseSnapYaml(text);
  } catch (const contraband::ParseError&) {
  }
  try {
    contraband::ParseSnapdState(text);
  } catch (const contraband::ParseError&) {
  }
  return 0;
}
