#include "evidence/image/ewf_image.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "formats/byte_reader.h"
#include "formats/ewf.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// Bounds against hostile descriptors: sections in one segment (a real one
// has a few per GiB), and decoded chunks kept (reads come in runs).
constexpr size_t kMaxSectionsPerSegment = 1 << 16;
constexpr size_t kCachedChunks = 16;

// One chunk table: where its entries are and which chunks they map.
struct ChunkTable {
  size_t segment = 0;
  uint64_t entries_offset = 0;  ///< file offset of entry 0
  EwfTableHeader header;
  uint64_t first_chunk = 0;
  /// The chunks' data lies before this offset: the table itself, after its
  /// sectors section, or the table section's end (EnCase 1, SMART: the
  /// chunks follow the entries).
  uint64_t data_end = 0;
};

class EwfDevice : public BlockDevice {
 public:
  EwfDevice(std::vector<std::shared_ptr<FileBlockDevice>> segments,
            EwfMedia media, std::vector<ChunkTable> tables)
      : segments_(std::move(segments)),
        media_(media),
        tables_(std::move(tables)) {}

  uint64_t size() const override { return media_.media_size(); }

  size_t ReadAt(void* buf, size_t len, uint64_t offset) override {
    if (offset >= size()) return 0;
    len = static_cast<size_t>(std::min<uint64_t>(len, size() - offset));
    char* out = static_cast<char*>(buf);
    const uint64_t chunk_size = media_.chunk_size();
    size_t done = 0;
    while (done < len) {
      const uint64_t pos = offset + done;
      const uint64_t in = pos % chunk_size;
      const std::string& chunk = Chunk(pos / chunk_size, pos);
      const size_t n = static_cast<size_t>(
          std::min<uint64_t>(len - done, chunk.size() - in));
      std::memcpy(out + done, chunk.data() + in, n);
      done += n;
    }
    return done;
  }

 private:
  struct CachedChunk {
    uint64_t index = UINT64_MAX;
    std::string data;
  };

  const std::string& Chunk(uint64_t index, uint64_t media_offset) {
    for (const CachedChunk& c : cache_) {
      if (c.index == index) return c.data;
    }
    CachedChunk& slot = cache_[next_slot_];
    next_slot_ = (next_slot_ + 1) % cache_.size();
    slot.index = UINT64_MAX;
    try {
      Decode(index, slot.data);
    } catch (const ParseError& e) {
      throw EvidenceError("cannot read byte " + std::to_string(media_offset) +
                          " of E01 image " + segments_[0]->path() + ": " +
                          e.what());
    }
    slot.index = index;
    return slot.data;
  }

  void Decode(uint64_t index, std::string& out) {
    auto it = std::upper_bound(
        tables_.begin(), tables_.end(), index,
        [](uint64_t i, const ChunkTable& t) { return i < t.first_chunk; });
    if (it == tables_.begin()) throw ParseError("no chunk table maps it");
    const ChunkTable& t = *--it;
    const uint64_t k = index - t.first_chunk;
    if (k >= t.header.entry_count) {
      throw ParseError("no chunk table maps chunk " + std::to_string(index) +
                       " (a segment missing or truncated?)");
    }
    FileBlockDevice& file = *segments_[t.segment];
    // This entry, and the next one where the chunk's data ends.
    const bool last_in_table = k + 1 == t.header.entry_count;
    const std::string raw = ReadHead(file, t.entries_offset + k * 4,
                                     last_in_table ? 4 : 8);
    ByteReader r(raw);
    const EwfChunkEntry entry =
        DecodeEwfTableEntry(r.le<uint32_t>("table entry"), t.header);
    uint64_t end = t.data_end;
    if (!last_in_table) {
      end = std::min(
          end,
          DecodeEwfTableEntry(r.le<uint32_t>("table entry"), t.header).offset);
    }
    const uint64_t chunk_size = media_.chunk_size();
    const uint64_t expected =
        std::min(chunk_size, size() - std::min(size(), index * chunk_size));
    // zlib's worst case grows data by a few bytes per 16 KiB block; a packed
    // chunk longer than this bound is read only up to it.
    const uint64_t bound = chunk_size + chunk_size / 64 + 64;
    if (end <= entry.offset) {
      throw ParseError("chunk " + std::to_string(index) +
                       " has no data (its table entry is damaged)");
    }
    const uint64_t stored = std::min(end - entry.offset, bound);
    std::string packed(static_cast<size_t>(stored), '\0');
    packed.resize(file.ReadAt(packed.data(), packed.size(), entry.offset));
    if (entry.compressed) {
      Inflate(packed, expected, index, out);
      return;
    }
    // Stored as is, followed by its Adler-32.
    if (packed.size() < expected + 4) {
      throw ParseError("chunk " + std::to_string(index) +
                       " lies past the end of " + file.path() +
                       " (truncated?)");
    }
    const uint32_t sum = ByteReader(std::string_view(packed).substr(expected))
                             .le<uint32_t>("chunk checksum");
    if (adler32(1, reinterpret_cast<const Bytef*>(packed.data()),
                static_cast<uInt>(expected)) != sum) {
      throw ParseError("chunk " + std::to_string(index) +
                       " fails its checksum (damaged)");
    }
    packed.resize(static_cast<size_t>(expected));
    out = std::move(packed);
  }

  static void Inflate(const std::string& packed, uint64_t expected,
                      uint64_t index, std::string& out) {
    out.assign(static_cast<size_t>(expected), '\0');
    z_stream z{};
    if (inflateInit(&z) != Z_OK) throw ParseError("zlib cannot start");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
    z.avail_in = static_cast<uInt>(packed.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&z, Z_FINISH);
    // A stream that would write past the chunk leaves avail_out 0 without
    // its end: that is damage too.
    const bool whole = rc == Z_STREAM_END && z.avail_out == 0;
    inflateEnd(&z);
    if (!whole) {
      throw ParseError("chunk " + std::to_string(index) +
                       " does not decompress to " + std::to_string(expected) +
                       " bytes (damaged)");
    }
  }

  std::vector<std::shared_ptr<FileBlockDevice>> segments_;
  EwfMedia media_;
  std::vector<ChunkTable> tables_;
  std::vector<CachedChunk> cache_ = std::vector<CachedChunk>(kCachedChunks);
  size_t next_slot_ = 0;
};

// Walks one segment's sections, adding its chunk tables (and the media
// geometry, from the first volume, disk or data section) to the set.
void WalkSegment(size_t index, FileBlockDevice& file, std::optional<EwfMedia>& media,
                 std::vector<ChunkTable>& tables, uint64_t& chunks) {
  if (ParseEwfFileHeader(ReadHead(file, 0, kEwfFileHeaderSize)) != index + 1) {
    throw ParseError("its file header says it is not segment " +
                     std::to_string(index + 1) + " of the set");
  }
  uint64_t offset = kEwfFileHeaderSize;
  bool has_sectors = false;
  bool last_table_bad = false;
  uint64_t table_offset = 0;
  for (size_t n = 0; n < kMaxSectionsPerSegment; ++n) {
    const EwfSection s =
        ParseEwfSection(ReadHead(file, offset, kEwfSectionDescriptorSize));
    if (last_table_bad && s.type != "table2") {
      // Without its mirror the chunks after it could not be numbered.
      throw ParseError("a table section is damaged and has no table2 copy");
    }
    if (s.type == "next" || s.type == "done") return;
    const uint64_t data = offset + kEwfSectionDescriptorSize;
    if (s.size < kEwfSectionDescriptorSize || s.size > file.size() - offset) {
      throw ParseError("the \"" + s.type + "\" section at " +
                       std::to_string(offset) + " runs past the file's end");
    }
    const uint64_t data_size = s.size - kEwfSectionDescriptorSize;
    if ((s.type == "volume" || s.type == "disk" || s.type == "data") && !media) {
      media = ParseEwfVolume(
          ReadHead(file, data, static_cast<size_t>(std::min<uint64_t>(data_size, 1052))));
    } else if (s.type == "sectors") {
      has_sectors = true;
    } else if (s.type == "table" || (s.type == "table2" && last_table_bad)) {
      // table2 mirrors table: it is read only when the table's own header
      // is damaged, and its chunks end where that table begins.
      const bool mirror = s.type == "table2";
      if (!mirror) table_offset = offset;
      ChunkTable t;
      try {
        t.header = ParseEwfTableHeader(ReadHead(file, data, kEwfTableHeaderSize));
      } catch (const ParseError&) {
        if (mirror) throw;  // and its table was damaged too
        last_table_bad = true;
      }
      if (!last_table_bad || mirror) {
        last_table_bad = false;
        if (uint64_t{t.header.entry_count} * 4 >
            data_size - std::min<uint64_t>(data_size, kEwfTableHeaderSize)) {
          throw ParseError("a table section holds fewer entries than it says");
        }
        t.segment = index;
        t.entries_offset = data + kEwfTableHeaderSize;
        t.first_chunk = chunks;
        t.data_end = has_sectors ? table_offset : offset + s.size;
        chunks += t.header.entry_count;
        if (t.header.entry_count > 0) tables.push_back(t);
      }
    }
    if (s.next <= offset) {
      throw ParseError("the \"" + s.type + "\" section at " +
                       std::to_string(offset) + " points back to " +
                       std::to_string(s.next));
    }
    offset = s.next;
  }
  throw ParseError("more than " + std::to_string(kMaxSectionsPerSegment) +
                   " sections in one segment");
}

}  // namespace

std::shared_ptr<BlockDevice> OpenEwfMedia(
    const std::vector<std::string>& segments, std::string& refusal) {
  std::vector<std::shared_ptr<FileBlockDevice>> files;
  for (const std::string& name : segments) {
    files.push_back(std::make_shared<FileBlockDevice>(name));
  }
  if (files.empty() || ReadHead(*files[0], 0, kEwfSignature.size()) !=
                           kEwfSignature) {
    refusal = "not an EWF-E01 segment";
    return nullptr;
  }
  std::optional<EwfMedia> media;
  std::vector<ChunkTable> tables;
  uint64_t chunks = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    try {
      WalkSegment(i, *files[i], media, tables, chunks);
    } catch (const ParseError& e) {
      if (i == 0) {
        // Let libewf try a first segment we cannot read: it may know a
        // writer's quirk we do not.
        refusal = e.what();
        return nullptr;
      }
      throw EvidenceError("E01 segment " + segments[i] + " cannot be read: " +
                          e.what() + "; check that the segment files belong "
                          "to one image and are whole");
    }
  }
  if (!media) {
    refusal = "no volume section";
    return nullptr;
  }
  return std::make_shared<EwfDevice>(std::move(files), *media,
                                     std::move(tables));
}

}  // namespace contraband
