#include "formats/ewf.h"

#include <zlib.h>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// The format stores Adler-32 of the bytes before each checksum.
void CheckAdler(std::string_view covered, uint32_t stored, const char* what) {
  const uint32_t actual = static_cast<uint32_t>(
      adler32(1, reinterpret_cast<const Bytef*>(covered.data()),
              static_cast<uInt>(covered.size())));
  if (actual != stored) {
    throw ParseError(std::string(what) + " fails its checksum (damaged)");
  }
}

// EnCase allows up to 32768 sectors per chunk; 16 MiB bounds a chunk
// whatever the header claims.
constexpr uint64_t kMaxChunkSize = uint64_t{16} << 20;

}  // namespace

uint16_t ParseEwfFileHeader(std::string_view head) {
  ByteReader r(head);
  if (r.bytes(kEwfSignature.size(), "EWF signature") != kEwfSignature) {
    throw ParseError("not an EWF-E01 segment (signature)");
  }
  if (r.le<uint8_t>("fields start") != 1) {
    throw ParseError("EWF file header: unexpected fields start");
  }
  const uint16_t segment = r.le<uint16_t>("segment number");
  if (segment == 0) throw ParseError("EWF file header: segment number 0");
  return segment;
}

EwfSection ParseEwfSection(std::string_view descriptor) {
  ByteReader r(descriptor);
  std::string_view type = r.bytes(16, "section type");
  EwfSection s;
  s.type.assign(type.substr(0, type.find('\0')));
  s.next = r.le<uint64_t>("next section offset");
  s.size = r.le<uint64_t>("section size");
  r.skip(40, "section padding");
  CheckAdler(descriptor.substr(0, 72), r.le<uint32_t>("section checksum"),
             ("the \"" + s.type + "\" section descriptor").c_str());
  return s;
}

uint64_t EwfMedia::chunks_needed() const {
  if (chunk_count != 0) return chunk_count;
  const uint64_t size = media_size();
  return (size + chunk_size() - 1) / chunk_size();
}

EwfMedia ParseEwfVolume(std::string_view data) {
  EwfMedia m;
  ByteReader r(data);
  if (data.size() >= 1052) {  // EnCase 1 to 7, FTK Imager, linen
    CheckAdler(data.substr(0, 1048),
               ByteReader(data.substr(1048)).le<uint32_t>("volume checksum"),
               "the volume section");
    r.skip(4, "media type");
    m.chunk_count = r.le<uint32_t>("chunk count");
    m.sectors_per_chunk = r.le<uint32_t>("sectors per chunk");
    m.bytes_per_sector = r.le<uint32_t>("bytes per sector");
    m.sector_count = r.le<uint64_t>("sector count");
  } else if (data.size() >= 94) {  // the EWF specification, SMART
    CheckAdler(data.substr(0, 90),
               ByteReader(data.substr(90)).le<uint32_t>("volume checksum"),
               "the volume section");
    r.skip(4, "reserved");
    m.chunk_count = r.le<uint32_t>("chunk count");
    m.sectors_per_chunk = r.le<uint32_t>("sectors per chunk");
    m.bytes_per_sector = r.le<uint32_t>("bytes per sector");
    m.sector_count = r.le<uint32_t>("sector count");
  } else {
    throw ParseError("the volume section is " + std::to_string(data.size()) +
                     " bytes, too short for any EWF layout");
  }
  if (m.bytes_per_sector < 512 || m.bytes_per_sector > 65536 ||
      m.sectors_per_chunk == 0 || m.chunk_size() > kMaxChunkSize) {
    throw ParseError("the volume section gives an impossible chunk (" +
                     std::to_string(m.sectors_per_chunk) + " sectors of " +
                     std::to_string(m.bytes_per_sector) + " bytes)");
  }
  // 2^63 bytes of media cannot be addressed; a hostile count must not
  // overflow the size computations.
  if (m.sector_count > (uint64_t{1} << 63) / m.bytes_per_sector) {
    throw ParseError("the volume section gives an impossible sector count");
  }
  if (m.chunk_count != 0 &&
      uint64_t{m.chunk_count} < (m.media_size() + m.chunk_size() - 1) /
                                    m.chunk_size()) {
    throw ParseError("the volume section's chunk count (" +
                     std::to_string(m.chunk_count) +
                     ") does not cover its sector count (" +
                     std::to_string(m.sector_count) + ")");
  }
  return m;
}

EwfTableHeader ParseEwfTableHeader(std::string_view header) {
  ByteReader r(header);
  EwfTableHeader t;
  t.entry_count = r.le<uint32_t>("table entry count");
  r.skip(4, "table padding");
  t.base_offset = r.le<uint64_t>("table base offset");
  r.skip(4, "table padding");
  CheckAdler(header.substr(0, 20), r.le<uint32_t>("table checksum"),
             "a table header");
  return t;
}

EwfChunkEntry DecodeEwfTableEntry(uint32_t entry, const EwfTableHeader& table) {
  return {table.base_offset + (entry & 0x7fffffffu), (entry >> 31) != 0};
}

}  // namespace contraband
