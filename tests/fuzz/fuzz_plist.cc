// Fuzz target: one input read as a property list in the encoding its first
// bytes say (bplist00 or XML), then forced through the other reader too,
// and through the NSKeyedArchiver string walk when it parses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/parse_error.h"
#include "formats/plist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const PlistValue v = ParsePlist(bytes);
    (void)KeyedArchiveStrings(v);
  } catch (const ParseError&) {
  }
  try {
    (void)ParseXmlPlist(bytes);
  } catch (const ParseError&) {
  }
  return 0;
}
