// libFuzzer target for the rpm parsers: the header image parser and the
// Berkeley DB and ndb readers (every record they return is parsed as a header
// too). SQLite is left out: it is SQLite's own parser.
// Built and run with the others by tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/parse_error.h"
#include "formats/rpm_bdb.h"
#include "formats/rpm_header.h"
#include "formats/rpm_ndb.h"

namespace {

void ParseAll(const contraband::RpmDbContents& contents) {
  for (const contraband::RpmDbRecord& record : contents.records) {
    try {
      contraband::ParseRpmHeader(record.image);
    } catch (const contraband::ParseError&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    contraband::RpmHeader h = contraband::ParseRpmHeader(bytes);
    (void)h.Evr();
  } catch (const contraband::ParseError&) {
  }
  try {
    ParseAll(contraband::ReadRpmBdb(bytes));
  } catch (const contraband::ParseError&) {
  }
  try {
    ParseAll(contraband::ReadRpmNdb(bytes));
  } catch (const contraband::ParseError&) {
  }
  return 0;
}
