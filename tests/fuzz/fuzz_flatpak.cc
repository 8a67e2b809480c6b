// Fuzz target for the flatpak parsers: the metadata key file and AppStream
// metainfo XML.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/appstream.h"
#include "formats/flatpak_metadata.h"
#include "formats/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    contraband::ParseFlatpakMetadata(text);
  } catch (const contraband::ParseError&) {
  }
  try {
    contraband::ParseAppStream(text);
  } catch (const contraband::ParseError&) {
  }
  return 0;
}
