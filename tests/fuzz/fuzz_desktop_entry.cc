// Fuzz target: freedesktop .desktop launchers (group, keys, Exec quoting).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/desktop_entry.h"
#include "formats/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    contraband::ParseDesktopEntry(text).Program();
  } catch (const contraband::ParseError&) {
  }
  return 0;
}
