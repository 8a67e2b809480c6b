// Fuzz target: a PE read through random access (headers, section table, the
// resource tree down to VERSIONINFO, the certificate table and its PKCS#7),
// then the VERSIONINFO and PKCS#7 parsers on the raw bytes themselves, so
// the fuzzer reaches them without building a whole PE around its input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/parse_error.h"
#include "formats/pe_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    ParsePeBytes(bytes);
  } catch (const ParseError&) {
  }
  try {
    ParseVersionInfo(bytes);
  } catch (const ParseError&) {
  }
  try {
    ParseAuthenticodeSigner(bytes);
  } catch (const ParseError&) {
  }
  return 0;
}
