#include "formats/regf_hive.h"

#include <algorithm>

#include "common/text.h"
#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr uint16_t kKeyCompressedName = 0x0020;
constexpr uint16_t kValueCompressedName = 0x0001;
// Data longer than this lives in big data segments (hive version 1.4+).
constexpr uint32_t kBigDataSegment = 16344;
constexpr int kMaxListDepth = 2;  // ri -> lf/lh/li, nothing deeper

uint32_t Le32(std::string_view s, size_t at, const char* what) {
  ByteReader r(s);
  r.seek(at, what);
  return r.le<uint32_t>(what);
}
uint16_t Le16(std::string_view s, size_t at, const char* what) {
  ByteReader r(s);
  r.seek(at, what);
  return r.le<uint16_t>(what);
}

char AsciiFold(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiFold(a[i]) != AsciiFold(b[i])) return false;
  }
  return true;
}

// Latin-1 (compressed names) as UTF-8.
std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) AppendUtf8(out, static_cast<unsigned char>(c));
  return out;
}

std::string NameText(std::string_view raw, bool compressed) {
  return compressed ? Latin1ToUtf8(raw) : RegfUtf16ToUtf8(raw);
}

}  // namespace

struct RegfHive::KeyNode {
  uint32_t subkey_count = 0;
  uint32_t subkey_list = 0;
  uint32_t value_count = 0;
  uint32_t value_list = 0;
  std::string_view raw_name;
  bool compressed = false;
};

RegfBaseBlock ParseRegfBaseBlock(std::string_view bytes) {
  if (bytes.size() < 512 || bytes.substr(0, 4) != "regf") {
    throw ParseError("not a registry hive (no regf base block)");
  }
  ByteReader r(bytes);
  RegfBaseBlock b;
  r.seek(4, "base block");
  b.primary_sequence = r.le<uint32_t>("primary sequence number");
  b.secondary_sequence = r.le<uint32_t>("secondary sequence number");
  r.skip(8, "last written timestamp");
  b.major = r.le<uint32_t>("major version");
  b.minor = r.le<uint32_t>("minor version");
  b.file_type = r.le<uint32_t>("file type");
  r.skip(4, "file format");
  b.root_cell = r.le<uint32_t>("root cell offset");
  b.hbins_size = r.le<uint32_t>("hive bins data size");
  uint32_t sum = 0;
  for (size_t i = 0; i < 508; i += 4) sum ^= Le32(bytes, i, "checksum");
  if (sum == 0xFFFFFFFFu) sum = 0xFFFFFFFEu;
  if (sum == 0) sum = 1;
  b.checksum_ok = sum == Le32(bytes, 508, "checksum");
  return b;
}

RegfHive::RegfHive(std::string_view bytes) : bytes_(bytes) {
  base_ = ParseRegfBaseBlock(bytes);
  if (base_.major != 1) {
    throw ParseError("unsupported hive version " +
                     std::to_string(base_.major) + "." +
                     std::to_string(base_.minor));
  }
  if (bytes.size() <= kRegfBaseBlockSize) {
    throw ParseError("the hive holds no hive bins (" +
                     std::to_string(bytes.size()) + " bytes)");
  }
  const uint64_t present = bytes.size() - kRegfBaseBlockSize;
  uint64_t size = base_.hbins_size;
  if (size > present) {
    problems_.push_back("hive is truncated: its base block claims " +
                        std::to_string(size) + " bytes of hive bins, " +
                        std::to_string(present) +
                        " are present; what is there is read");
    size = present;
  }
  if (size == 0) size = present;  // a zeroed size field: use the file
  bins_ = bytes.substr(kRegfBaseBlockSize, static_cast<size_t>(size));
  // A cell is at least 8 bytes, so this lets an honest reader visit each
  // cell twice (lookups by path walk sibling lists again), and copy each
  // byte twice; the constants are for small hives.
  cells_left_ = bins_.size() / 4 + 65536;
  data_left_ = uint64_t{bins_.size()} * 2 + (16u << 20);
  if (bins_.substr(0, 4) != "hbin") {
    problems_.push_back("the first hive bin has no hbin signature");
  }
}

std::string_view RegfHive::Cell(uint32_t offset, const char* what) const {
  if (exhausted()) {
    throw ParseError(
        "the hive's cells are read over and over (lists that share cells): "
        "reading stopped at its bound");
  }
  --cells_left_;
  if (offset == 0xFFFFFFFFu || offset >= bins_.size() ||
      bins_.size() - offset < 4) {
    throw ParseError(std::string(what) + ": cell offset " +
                     std::to_string(offset) + " lies outside the hive bins");
  }
  const int32_t raw = static_cast<int32_t>(Le32(bins_, offset, what));
  // Allocated cells have a negative size; a free one is still readable (a
  // damaged hive), so only the magnitude is checked.
  const uint64_t size = raw < 0 ? -static_cast<int64_t>(raw) : raw;
  if (size < 8 || size > bins_.size() - offset) {
    throw ParseError(std::string(what) + ": cell at " +
                     std::to_string(offset) + " claims " +
                     std::to_string(size) + " bytes");
  }
  return bins_.substr(offset + 4, static_cast<size_t>(size - 4));
}

RegfHive::KeyNode RegfHive::ReadKey(uint32_t offset) const {
  std::string_view c = Cell(offset, "key node");
  if (c.substr(0, 2) != "nk") {
    throw ParseError("cell at " + std::to_string(offset) +
                     " is not a key node");
  }
  KeyNode k;
  const uint16_t flags = Le16(c, 2, "key flags");
  k.subkey_count = Le32(c, 20, "subkey count");
  k.subkey_list = Le32(c, 28, "subkey list offset");
  k.value_count = Le32(c, 36, "value count");
  k.value_list = Le32(c, 40, "value list offset");
  const uint16_t name_len = Le16(c, 72, "key name length");
  k.raw_name = ByteReader::Slice(c, 76, name_len, "key name");
  k.compressed = (flags & kKeyCompressedName) != 0;
  return k;
}

std::string RegfHive::Name(uint32_t key) const {
  KeyNode k = ReadKey(key);
  return NameText(k.raw_name, k.compressed);
}

void RegfHive::CollectSubkeys(uint32_t list, int depth,
                              std::vector<uint32_t>& out) const {
  std::string_view c = Cell(list, "subkey list");
  const std::string_view sig = c.substr(0, 2);
  const uint16_t count = Le16(c, 2, "subkey list count");
  size_t stride;
  if (sig == "lf" || sig == "lh") {
    stride = 8;
  } else if (sig == "li" || sig == "ri") {
    stride = 4;
  } else {
    throw ParseError("cell at " + std::to_string(list) +
                     " is not a subkey list");
  }
  if (sig == "ri" && depth >= kMaxListDepth) {
    throw ParseError("subkey index lists nested too deep at " +
                     std::to_string(list));
  }
  std::string_view items =
      ByteReader::Slice(c, 4, uint64_t{count} * stride, "subkey list");
  for (size_t i = 0; i < count; ++i) {
    if (out.size() >= kMaxSubkeys) return;
    const uint32_t off = Le32(items, i * stride, "subkey list entry");
    if (sig == "ri") {
      CollectSubkeys(off, depth + 1, out);
    } else {
      out.push_back(off);
    }
  }
}

std::vector<std::pair<std::string, uint32_t>> RegfHive::Subkeys(
    uint32_t key) const {
  KeyNode k = ReadKey(key);
  std::vector<std::pair<std::string, uint32_t>> out;
  if (k.subkey_count == 0 || k.subkey_list == 0xFFFFFFFFu) return out;
  std::vector<uint32_t> offsets;
  CollectSubkeys(k.subkey_list, 0, offsets);
  out.reserve(offsets.size());
  for (uint32_t off : offsets) {
    // A damaged subkey is still listed (unnamed): reading it throws, so the
    // caller warns about that key and goes on with its siblings.
    std::string name;
    try {
      name = Name(off);
    } catch (const ParseError&) {
    }
    out.emplace_back(std::move(name), off);
  }
  return out;
}

std::optional<uint32_t> RegfHive::Subkey(uint32_t key,
                                         std::string_view name) const {
  KeyNode k = ReadKey(key);
  if (k.subkey_count == 0 || k.subkey_list == 0xFFFFFFFFu) return std::nullopt;
  std::vector<uint32_t> offsets;
  CollectSubkeys(k.subkey_list, 0, offsets);
  for (uint32_t off : offsets) {
    try {
      KeyNode sub = ReadKey(off);
      if (SameName(NameText(sub.raw_name, sub.compressed), name)) return off;
    } catch (const ParseError&) {
      // a damaged sibling does not hide the key asked for
    }
  }
  return std::nullopt;
}

std::optional<uint32_t> RegfHive::Find(uint32_t key, std::string_view path,
                                       std::string* spelled) const {
  std::optional<uint32_t> at = key;
  if (spelled) spelled->clear();
  size_t pos = 0;
  while (at && pos <= path.size()) {
    size_t end = path.find('\\', pos);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(pos, end - pos);
    if (!part.empty()) {
      at = Subkey(*at, part);
      if (at && spelled) {
        if (!spelled->empty()) *spelled += '\\';
        *spelled += Name(*at);
      }
    }
    pos = end + 1;
  }
  return at;
}

std::string RegfHive::ValueData(std::string_view vk) const {
  const uint32_t raw_size = Le32(vk, 4, "value data size");
  const uint32_t data_offset = Le32(vk, 8, "value data offset");
  if (raw_size & 0x80000000u) {
    // Up to four bytes stored in the offset field itself.
    const uint32_t n = raw_size & 0x7FFFFFFFu;
    return std::string(vk.substr(8, n > 4 ? 4 : n));
  }
  if (raw_size > kMaxValueBytes) {
    throw ParseError("value data of " + std::to_string(raw_size) +
                     " bytes is over the " + std::to_string(kMaxValueBytes) +
                     "-byte limit");
  }
  if (raw_size == 0) return {};
  if (raw_size > data_left_) {
    data_left_ = 0;
    throw ParseError(
        "the hive's value data is read over and over (values that share "
        "cells): reading stopped at its bound");
  }
  data_left_ -= raw_size;
  std::string_view cell = Cell(data_offset, "value data");
  if (raw_size > kBigDataSegment && cell.substr(0, 2) == "db" &&
      (base_.minor > 3)) {
    const uint16_t segments = Le16(cell, 2, "big data segment count");
    std::string_view list = Cell(Le32(cell, 4, "big data list"),
                                 "big data segment list");
    std::string out;
    for (size_t i = 0; i < segments && out.size() < raw_size; ++i) {
      std::string_view seg =
          Cell(Le32(list, i * 4, "big data segment"), "big data segment");
      const size_t want = std::min<size_t>(
          {seg.size(), kBigDataSegment, raw_size - out.size()});
      out.append(seg.substr(0, want));
    }
    if (out.size() < raw_size) {
      throw ParseError("big data holds " + std::to_string(out.size()) +
                       " of its " + std::to_string(raw_size) + " bytes");
    }
    return out;
  }
  return std::string(ByteReader::Slice(cell, 0, raw_size, "value data"));
}

std::vector<RegfValue> RegfHive::Values(uint32_t key) const {
  KeyNode k = ReadKey(key);
  std::vector<RegfValue> out;
  if (k.value_count == 0 || k.value_list == 0xFFFFFFFFu) return out;
  if (k.value_count > kMaxValues) {
    throw ParseError("key claims " + std::to_string(k.value_count) +
                     " values, over the limit of " +
                     std::to_string(kMaxValues));
  }
  std::string_view list = Cell(k.value_list, "value list");
  std::string_view offsets = ByteReader::Slice(
      list, 0, uint64_t{k.value_count} * 4, "value list");
  for (size_t i = 0; i < k.value_count; ++i) {
    std::string_view vk =
        Cell(Le32(offsets, i * 4, "value list entry"), "value");
    if (vk.substr(0, 2) != "vk") {
      throw ParseError("a value list entry is not a value cell");
    }
    RegfValue v;
    const uint16_t name_len = Le16(vk, 2, "value name length");
    v.type = Le32(vk, 12, "value type");
    const uint16_t flags = Le16(vk, 16, "value flags");
    v.name = NameText(ByteReader::Slice(vk, 20, name_len, "value name"),
                      (flags & kValueCompressedName) != 0);
    v.data = ValueData(vk);
    out.push_back(std::move(v));
  }
  return out;
}

std::string RegfUtf16ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() / 2);
  for (size_t i = 0; i + 1 < s.size(); i += 2) {
    uint32_t u = static_cast<unsigned char>(s[i]) |
                 (static_cast<unsigned char>(s[i + 1]) << 8);
    if (u == 0) break;
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < s.size()) {
      const uint32_t lo = static_cast<unsigned char>(s[i + 2]) |
                          (static_cast<unsigned char>(s[i + 3]) << 8);
      if (lo >= 0xDC00 && lo < 0xE000) {
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      }
    }
    AppendUtf8(out, u);
  }
  return out;
}

std::string RegfValueText(const RegfValue& v) {
  switch (v.type) {
    case kRegSz:
    case kRegExpandSz:
      return RegfUtf16ToUtf8(v.data);
    case kRegDword:
      if (v.data.size() >= 4) return std::to_string(Le32(v.data, 0, "dword"));
      return {};
    case kRegQword:
      if (v.data.size() >= 8) {
        ByteReader r(v.data);
        return std::to_string(r.le<uint64_t>("qword"));
      }
      return {};
    default:
      return {};
  }
}

}  // namespace contraband
