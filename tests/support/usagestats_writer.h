// Android's usage statistics protobuf files, written for tests the way
// UsageStatsProtoV2 (Android 11+) and UsageStatsProto (Android 10) write
// them: an interval file whose times are offsets from its start time, and
// the mappings file that names the package tokens. A hand-written encoder of
// protobuf's wire format (varints and length-delimited fields), so tests
// need no protobuf library.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace contraband::testing {

class ProtoWriter {
 public:
  ProtoWriter& Varint(uint32_t field, uint64_t value) {
    Raw(static_cast<uint64_t>(field) << 3 | 0);
    Raw(value);
    return *this;
  }
  /// A signed int64 field, as protobuf writes negatives (ten bytes).
  ProtoWriter& Int64(uint32_t field, int64_t value) {
    return Varint(field, static_cast<uint64_t>(value));
  }
  ProtoWriter& Bytes(uint32_t field, const std::string& value) {
    Raw(static_cast<uint64_t>(field) << 3 | 2);
    Raw(value.size());
    out_ += value;
    return *this;
  }
  ProtoWriter& Message(uint32_t field, const ProtoWriter& m) {
    return Bytes(field, m.str());
  }
  const std::string& str() const { return out_; }

 private:
  void Raw(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  std::string out_;
};

/// An Android 11+ interval file (IntervalStatsObfuscatedProto): end time,
/// major and minor version, then one UsageStatsObfuscatedProto per
/// {package token, last_time_active offset in ms}.
inline std::string ObfuscatedIntervalFile(
    const std::vector<std::pair<int64_t, int64_t>>& token_offsets) {
  ProtoWriter file;
  file.Int64(1, 86'400'000).Varint(2, 1).Varint(3, 1);
  for (const auto& [token, offset] : token_offsets) {
    ProtoWriter usage;
    usage.Varint(1, static_cast<uint64_t>(token))
        .Int64(3, offset)
        .Int64(4, 60'000)
        .Varint(6, 3);
    file.Message(20, usage);
  }
  return file.str();
}

/// An Android 11+ mappings file (ObfuscatedPackagesProto): the counter,
/// then per token the package name followed by its other strings.
inline std::string MappingsFile(
    const std::vector<std::pair<int64_t, std::string>>& tokens) {
  ProtoWriter file;
  file.Varint(1, tokens.size() + 1);
  for (const auto& [token, name] : tokens) {
    ProtoWriter entry;
    entry.Varint(1, static_cast<uint64_t>(token))
        .Bytes(2, name)
        .Bytes(2, name + ".MainActivity");
    file.Message(2, entry);
  }
  return file.str();
}

}  // namespace contraband::testing
