// Fuzz target: a Mach-O (thin or fat) read through random access down to its
// code signature, and the input as a code signature SuperBlob on its own so
// the fuzzer reaches the CodeDirectory and CMS readers without building a
// whole Mach-O around them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/macho_signature.h"
#include "formats/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    (void)ParseMachOBytes(bytes);
  } catch (const ParseError&) {
  }
  try {
    MachOSignature sig;
    std::vector<std::string> problems;
    ParseCodeSignature(bytes, sig, problems);
  } catch (const ParseError&) {
  }
  return 0;
}
