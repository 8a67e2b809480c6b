// Expert Witness (EWF-E01, EnCase 1 to 7, FTK Imager, ewfacquire) segment
// metadata: the file header, section descriptors, the volume section's media
// geometry and chunk table entries. Parsing only; evidence/image/ewf_image.cc
// reads the media with it. Our own reader because libewf 20140813 expands the
// whole chunk table on open (time and memory grow with the image's size);
// this one looks up the one table entry a read needs. Layout: libewf's
// "Expert Witness Compression Format (EWF)" document.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace contraband {

inline constexpr std::string_view kEwfSignature{"EVF\x09\x0d\x0a\xff\x00", 8};
inline constexpr size_t kEwfFileHeaderSize = 13;
inline constexpr size_t kEwfSectionDescriptorSize = 76;
inline constexpr size_t kEwfTableHeaderSize = 24;

/// The segment number of a segment file's 13-byte header (1 for .E01).
/// Throws ParseError when it is not an EWF-E01/S01 header.
uint16_t ParseEwfFileHeader(std::string_view head);

struct EwfSection {
  std::string type;   ///< "header", "volume", "sectors", "table", "done", ...
  uint64_t next = 0;  ///< offset of the next descriptor in the segment file
  uint64_t size = 0;  ///< descriptor and data; 0 in EnCase's "next"/"done"
};

/// One 76-byte section descriptor, its Adler-32 checked. Throws ParseError.
EwfSection ParseEwfSection(std::string_view descriptor);

/// What the volume (or disk, or data) section says of the media.
struct EwfMedia {
  uint32_t chunk_count = 0;
  uint32_t sectors_per_chunk = 0;
  uint32_t bytes_per_sector = 0;
  uint64_t sector_count = 0;

  uint64_t chunk_size() const {
    return uint64_t{sectors_per_chunk} * bytes_per_sector;
  }
  uint64_t media_size() const { return sector_count * bytes_per_sector; }
  /// Chunks the media needs (the chunk count field, or derived from the
  /// sector count when a writer left it 0).
  uint64_t chunks_needed() const;
};

/// The volume section's data (after the descriptor): the 1052-byte form of
/// EnCase and FTK Imager, or the 94-byte form of the EWF specification and
/// SMART. Checksum and bounds checked (a chunk of at most 16 MiB, sectors of
/// 512 to 64 KiB bytes). Throws ParseError.
EwfMedia ParseEwfVolume(std::string_view data);

struct EwfTableHeader {
  uint32_t entry_count = 0;
  uint64_t base_offset = 0;  ///< EnCase 6+: entries are relative to it; else 0
};

/// A table (or table2) section's 24-byte header, its checksum checked.
/// Throws ParseError.
EwfTableHeader ParseEwfTableHeader(std::string_view header);

/// Where a table entry says its chunk starts, relative to the segment file,
/// and whether it is zlib-compressed (the entry's top bit).
struct EwfChunkEntry {
  uint64_t offset = 0;
  bool compressed = false;
};
EwfChunkEntry DecodeEwfTableEntry(uint32_t entry, const EwfTableHeader& table);

}  // namespace contraband
