// Fuzz target for the Homebrew parsers: INSTALL_RECEIPT.json and cask
// definitions (JSON and Ruby).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/homebrew.h"
#include "formats/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    contraband::ParseHomebrewReceipt(text);
  } catch (const contraband::ParseError&) {
  }
  try {
    contraband::ParseCaskJson(text);
  } catch (const contraband::ParseError&) {
  }
  try {
    contraband::ParseCaskRuby(text);
  } catch (const contraband::ParseError&) {
  }
  return 0;
}
