#include "formats/vmdk.h"

#include <cctype>
#include <charconv>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// 32 MiB grains (VMware writes 64 KiB ones): the inflate buffer is bounded.
constexpr uint64_t kMaxGrainSectors = 1u << 16;
// VMware writes 512 entries per table; COWD has 4096.
constexpr uint32_t kMaxGtesPerGt = 1u << 16;
// 2^56 bytes, as for QCOW2: far beyond any real disk.
constexpr uint64_t kMaxCapacitySectors = uint64_t{1} << 47;
// 64 MiB of directory: a 2 PiB disk with VMware's table sizes.
constexpr uint64_t kMaxGdEntries = uint64_t{1} << 24;
constexpr size_t kMaxExtents = 65536;

bool IsPowerOfTwo(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

uint64_t CeilDiv(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// The next blank-separated word of `s` (which loses it).
std::string_view Word(std::string_view& s) {
  s = Trim(s);
  size_t end = 0;
  while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])))
    ++end;
  std::string_view w = s.substr(0, end);
  s.remove_prefix(end);
  return w;
}

uint64_t Number(std::string_view w, const std::string& line) {
  if (w.empty() || w.size() > 19) {
    throw ParseError("extent line \"" + line + "\": bad number");
  }
  uint64_t v = 0;
  for (char c : w) {
    if (c < '0' || c > '9') {
      throw ParseError("extent line \"" + line + "\": bad number");
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// "value" or value, for key = "value" lines.
std::string Unquote(std::string_view v) {
  v = Trim(v);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    v = v.substr(1, v.size() - 2);
  }
  return std::string(v);
}

VmdkExtent ParseExtentLine(std::string_view rest, const std::string& line) {
  VmdkExtent e;
  const std::string_view access = Word(rest);
  if (access == "NOACCESS") e.no_access = true;
  e.sectors = Number(Word(rest), line);
  const std::string_view type = Word(rest);
  if (type == "SPARSE" || type == "VMFSSPARSE" || type == "SESPARSE") {
    e.type = VmdkExtent::Type::kSparse;
  } else if (type == "FLAT" || type == "VMFS" || type == "VMFSRAW" ||
             type == "VMFSRDM") {
    e.type = VmdkExtent::Type::kFlat;
  } else if (type == "ZERO") {
    e.type = VmdkExtent::Type::kZero;
    return e;
  } else {
    throw ParseError("extent line \"" + line + "\": extent type \"" +
                     std::string(type) + "\" is not known");
  }
  if (type == "SESPARSE") {
    throw ParseError("extent line \"" + line +
                     "\": SESPARSE extents "
                     "(vSphere snapshots) are not read; convert the disk "
                     "with qemu-img convert -O vmdk");
  }
  rest = Trim(rest);
  if (rest.empty() || rest.front() != '"') {
    throw ParseError("extent line \"" + line + "\": no file name");
  }
  const size_t close = rest.find('"', 1);
  if (close == std::string_view::npos || close == 1) {
    throw ParseError("extent line \"" + line + "\": bad file name");
  }
  e.file = std::string(rest.substr(1, close - 1));
  rest.remove_prefix(close + 1);
  const std::string_view offset = Word(rest);
  if (!offset.empty()) e.file_offset = Number(offset, line);
  if (e.file_offset > kMaxCapacitySectors) {
    throw ParseError("extent line \"" + line + "\": offset out of range");
  }
  return e;
}

}  // namespace

VmdkSparseHeader ParseVmdkSparseHeader(std::string_view head,
                                       uint64_t file_size) {
  ByteReader r(head);
  const std::string_view magic = r.bytes(4, "magic");
  VmdkSparseHeader h;
  if (magic == kVmdkCowdMagic) {
    // ESX 2 sparse extent: 32-bit fields, tables of 4096 entries.
    h.cowd = true;
    h.version = r.le<uint32_t>("version");
    h.flags = r.le<uint32_t>("flags");
    h.capacity = r.le<uint32_t>("capacity");
    h.grain_sectors = r.le<uint32_t>("grain size");
    h.gd_offset = r.le<uint32_t>("grain directory offset");
    h.gd_entries = r.le<uint32_t>("grain directory entries");
    h.gtes_per_gt = 4096;
    h.flags = 0;  // no compression, no markers
  } else if (magic == kVmdkSparseMagic) {
    h.version = r.le<uint32_t>("version");
    h.flags = r.le<uint32_t>("flags");
    h.capacity = r.le<uint64_t>("capacity");
    h.grain_sectors = r.le<uint64_t>("grain size");
    h.descriptor_offset = r.le<uint64_t>("descriptor offset");
    h.descriptor_sectors = r.le<uint64_t>("descriptor size");
    h.gtes_per_gt = r.le<uint32_t>("grain table entries");
    r.skip(8, "redundant grain directory offset");
    h.gd_offset = r.le<uint64_t>("grain directory offset");
    r.skip(8 + 1 + 4, "overhead, unclean shutdown, newline test");
    h.compress_algorithm = r.le<uint16_t>("compression algorithm");
    if (h.version < 1 || h.version > 3) {
      throw ParseError("sparse extent version " + std::to_string(h.version) +
                       " is unknown");
    }
  } else {
    throw ParseError("not a sparse VMDK extent");
  }
  if (!IsPowerOfTwo(h.grain_sectors) || h.grain_sectors > kMaxGrainSectors) {
    throw ParseError("grain size of " + std::to_string(h.grain_sectors) +
                     " sectors is not a power of two up to " +
                     std::to_string(kMaxGrainSectors));
  }
  if (h.gtes_per_gt == 0 || h.gtes_per_gt > kMaxGtesPerGt) {
    throw ParseError("grain tables of " + std::to_string(h.gtes_per_gt) +
                     " entries are out of bounds");
  }
  if (h.capacity > kMaxCapacitySectors) {
    throw ParseError("the capacity of " + std::to_string(h.capacity) +
                     " sectors is beyond what VMDK can address");
  }
  if (h.compressed() && h.compress_algorithm != 1) {
    throw ParseError("grains compressed with algorithm " +
                     std::to_string(h.compress_algorithm) +
                     " (only deflate, 1, exists)");
  }
  const uint64_t needed = CeilDiv(h.capacity, h.grain_sectors * h.gtes_per_gt);
  if (h.cowd) {
    if (h.gd_entries < needed) {
      throw ParseError(
          "the grain directory has " + std::to_string(h.gd_entries) +
          " entries for a disk that needs " + std::to_string(needed));
    }
    h.gd_entries = needed;
  } else {
    h.gd_entries = needed;
  }
  if (h.gd_entries > kMaxGdEntries) {
    throw ParseError("a grain directory of " + std::to_string(h.gd_entries) +
                     " entries is out of bounds");
  }
  if (h.gd_offset != kVmdkGdAtEnd) {
    if (h.gd_offset == 0 && h.gd_entries > 0) {
      throw ParseError("the header has no grain directory");
    }
    if (h.gd_offset > file_size / 512 ||
        h.gd_entries * 4 > file_size - h.gd_offset * 512) {
      throw ParseError(
          "the grain directory lies outside the file (damaged "
          "or truncated)");
    }
  }
  if (h.descriptor_offset != 0) {
    if (h.descriptor_sectors > kMaxVmdkDescriptorBytes / 512 ||
        h.descriptor_offset > file_size / 512) {
      throw ParseError(
          "the embedded descriptor lies outside the file or is "
          "larger than 1 MiB");
    }
  }
  return h;
}

uint64_t VmdkDescriptor::sectors() const {
  uint64_t total = 0;
  for (const VmdkExtent& e : extents) total += e.sectors;
  return total;
}

VmdkDescriptor ParseVmdkDescriptor(std::string_view text) {
  if (text.size() > kMaxVmdkDescriptorBytes) {
    throw ParseError("the descriptor is larger than 1 MiB");
  }
  text = text.substr(0, text.find('\0'));
  VmdkDescriptor d;
  uint64_t total = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    const std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const std::string_view first = line.substr(0, line.find_first_of(" \t="));
    if (first == "RW" || first == "RDONLY" || first == "NOACCESS") {
      if (d.extents.size() >= kMaxExtents) {
        throw ParseError("more than " + std::to_string(kMaxExtents) +
                         " extents");
      }
      VmdkExtent e = ParseExtentLine(line, std::string(line.substr(0, 200)));
      if (e.sectors > kMaxCapacitySectors - total) {
        throw ParseError("the extents add up to more than VMDK can address");
      }
      total += e.sectors;
      d.extents.push_back(std::move(e));
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;  // not ours to judge
    const std::string_view key = Trim(line.substr(0, eq));
    const std::string value = Unquote(line.substr(eq + 1));
    if (key == "createType") {
      d.create_type = value;
    } else if (key == "parentFileNameHint") {
      d.parent_hint = value;
    } else if (key == "parentCID") {
      uint32_t cid = 0;
      const auto [ptr, ec] =
          std::from_chars(value.data(), value.data() + value.size(), cid, 16);
      if (ec == std::errc() && ptr == value.data() + value.size()) {
        d.parent_cid = cid;
      }
    }
  }
  if (d.extents.empty()) throw ParseError("the descriptor lists no extents");
  if (d.parent_cid == 0xffffffff) d.parent_hint.clear();
  return d;
}

VmdkGrainMarker ParseVmdkGrainMarker(std::string_view bytes) {
  ByteReader r(bytes);
  VmdkGrainMarker m;
  m.lba = r.le<uint64_t>("grain marker sector");
  m.size = r.le<uint32_t>("grain marker size");
  if (m.size == 0) {
    throw ParseError("a metadata marker stands where a grain should be");
  }
  return m;
}

}  // namespace contraband
