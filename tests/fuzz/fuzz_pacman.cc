// Fuzz target for the pacman desc parser and folder-name splitter.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/pacman_desc.h"
#include "formats/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    contraband::PacmanDesc d = contraband::ParsePacmanDesc(text);
    d.First("NAME");
    d.First("VERSION");
  } catch (const contraband::ParseError&) {
  }
  contraband::SplitPacmanEntryName(text.substr(0, 256));
  return 0;
}
