// For fuzz targets that drive a collector: a sink that drops everything,
// and one file handed to Collect the way the scan core hands it (a
// ParseError is the collector's way of saying the file is unreadable).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "collectors/collector.h"
#include "evidence/vfs.h"
#include "formats/parse_error.h"

namespace contraband::fuzz {

class NullSink : public CollectorSink {
 public:
  void Add(Software) override {}
  void Warn(std::string_view, std::string) override {}
  std::string OwnerOf(std::string_view) override { return {}; }
};

inline void Feed(Collector& c, const std::string& path, std::string_view data,
                 NullSink& sink) {
  EvidenceFile file{path, data, {}, nullptr};
  file.info.type = FileType::kRegular;
  file.info.size = data.size();
  try {
    c.Collect(file, sink);
  } catch (const ParseError&) {
  }
}

/// A 4-byte little-endian length, then that many bytes (the first file),
/// then the rest (the second); input that does not start with a usable
/// length is all first file.
inline std::pair<std::string_view, std::string_view> SplitTwo(
    const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (size >= 4) {
    const uint32_t n = data[0] | (data[1] << 8) | (data[2] << 16) |
                       (static_cast<uint32_t>(data[3]) << 24);
    if (n <= size - 4) return {in.substr(4, n), in.substr(4 + n)};
  }
  return {in, {}};
}

}  // namespace contraband::fuzz
