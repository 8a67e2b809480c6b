// Fuzz target: Amcache.hve bytes, with an optional transaction log, through
// the amcache collector: the hive reader and log replay it shares with
// windows-registry, then InventoryApplication/-File, Programs and the
// two-level File layout. Input: a 4-byte little-endian hive length, then
// the hive, then the log; a plain hive (its "regf" read as a length larger
// than the input) is used whole, without a log.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "collectors/collector.h"
#include "evidence/vfs.h"
#include "formats/parse_error.h"

namespace contraband {
std::unique_ptr<Collector> MakeAmcacheCollector();
}

namespace {

class NullSink : public contraband::CollectorSink {
 public:
  void Add(contraband::Software) override {}
  void Warn(std::string_view, std::string) override {}
  std::string OwnerOf(std::string_view) override { return {}; }
};

void Feed(contraband::Collector& c, const std::string& path,
          std::string_view data, NullSink& sink) {
  contraband::EvidenceFile file{path, data, {}, nullptr};
  file.info.type = contraband::FileType::kRegular;
  file.info.size = data.size();
  try {
    c.Collect(file, sink);
  } catch (const contraband::ParseError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view hive = in, log;
  if (size >= 4) {
    const uint32_t n = data[0] | (data[1] << 8) | (data[2] << 16) |
                       (static_cast<uint32_t>(data[3]) << 24);
    if (n <= size - 4) {
      hive = in.substr(4, n);
      log = in.substr(4 + n);
    }
  }
  std::unique_ptr<Collector> c = MakeAmcacheCollector();
  NullSink sink;
  const std::string path = "/Windows/appcompat/Programs/Amcache.hve";
  Feed(*c, path, hive, sink);
  if (!log.empty()) Feed(*c, path + ".LOG1", log, sink);
  try {
    c->Finish(sink);
  } catch (const ParseError&) {
  }
  return 0;
}
