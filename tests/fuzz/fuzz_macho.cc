// Fuzz target: a Mach-O (thin or fat) read through random access down to its
// code signature, and the input as a code signature SuperBlob on its own so
// the fuzzer reaches the CodeDirectory and CMS readers without building a
// whole Mach-O around them; and the input as a compiled code requirement
// (TCC.db's csreq, a signature's designated requirement), also with the
// requirement header put in front so the fuzzer starts inside the
// expression.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/code_requirement.h"
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
  try {
    (void)ParseCodeRequirement(bytes);
  } catch (const ParseError&) {
  }
  if (size <= kCodeRequirementMaxBytes - 12) {
    const uint32_t length = static_cast<uint32_t>(size + 12);
    std::string blob = {'\xfa', '\xde', '\x0c', '\x00',
                        char(length >> 24), char(length >> 16),
                        char(length >> 8), char(length),
                        0, 0, 0, 1};
    blob.append(bytes);
    try {
      (void)ParseCodeRequirement(blob);
    } catch (const ParseError&) {
    }
  }
  return 0;
}
