// Fuzz target: Debian control syntax and the dpkg collector on top of it.
// The streaming parser must give exactly what the whole-text parser gives,
// wherever the input is cut (the first byte picks the piece size).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/deb_control.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"

namespace {

using contraband::ControlStanza;

bool Same(const std::vector<ControlStanza>& a,
          const std::vector<ControlStanza>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].line != b[i].line || a[i].error != b[i].error ||
        a[i].fields.size() != b[i].fields.size()) {
      return false;
    }
    for (size_t k = 0; k < a[i].fields.size(); ++k) {
      if (a[i].fields[k].name != b[i].fields[k].name ||
          a[i].fields[k].value != b[i].fields[k].value) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const size_t piece = size > 0 ? data[0] % 64 + 1 : 1;
  std::string text(reinterpret_cast<const char*>(data), size);
  ControlLimits limits;
  limits.max_stanzas = 10000;
  std::vector<ControlStanza> whole, streamed;
  bool whole_threw = false, stream_threw = false;
  try {
    whole = ParseControl(text, limits);
  } catch (const ParseError&) {
    whole_threw = true;
  }
  try {
    ControlStreamParser parser(
        [&](ControlStanza& s) { streamed.push_back(std::move(s)); }, limits);
    for (size_t pos = 0; pos < text.size(); pos += piece) {
      parser.Feed(std::string_view(text).substr(pos, piece));
    }
    parser.Finish();
  } catch (const ParseError&) {
    stream_threw = true;
  }
  if (whole_threw != stream_threw || (!whole_threw && !Same(whole, streamed))) {
    abort();  // the two parsers disagree
  }

  static const std::vector<CollectorInfo> dpkg = [] {
    for (const CollectorInfo& c : AllCollectors()) {
      if (c.name == "dpkg") return std::vector<CollectorInfo>{c};
    }
    return std::vector<CollectorInfo>{};
  }();
  MemoryVfs vfs;
  vfs.set_chunk_bytes(piece);  // the status file is streamed in these pieces
  vfs.AddFile("/var/lib/dpkg/status", text);
  vfs.AddFile("/var/lib/dpkg/status.d/pkg", text);
  CollectOptions options;
  options.hash = size % 2 == 1;
  CollectSoftware(vfs, "fuzz", dpkg, options);
  return 0;
}
