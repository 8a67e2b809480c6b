#include "formats/apk_zip.h"

#include <zlib.h>

#include <algorithm>
#include <optional>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr uint32_t kEocdMagic = 0x06054b50;
constexpr uint32_t kZip64LocatorMagic = 0x07064b50;
constexpr uint32_t kZip64EocdMagic = 0x06064b50;
constexpr uint32_t kCentralHeaderMagic = 0x02014b50;
constexpr uint32_t kLocalHeaderMagic = 0x04034b50;
constexpr uint64_t kEocdSize = 22;
constexpr uint64_t kMaxCommentSize = 0xFFFF;

// Exactly `length` bytes at `offset`, or ParseError naming `what`.
std::string ReadExactly(const ZipReadAt& read_at, uint64_t file_size,
                        uint64_t offset, uint64_t length, const char* what) {
  if (offset > file_size || length > file_size - offset) {
    throw ParseError(std::string(what) + " (" + std::to_string(length) +
                     " bytes at " + std::to_string(offset) +
                     ") lies outside the " + std::to_string(file_size) +
                     "-byte file");
  }
  std::string out = read_at(offset, length);
  if (out.size() != length) {
    throw ParseError(std::string(what) + ": short read");
  }
  return out;
}

}  // namespace

ZipCentralDirectory ReadZipCentralDirectory(const ZipReadAt& read_at,
                                            uint64_t file_size) {
  if (file_size < kEocdSize) throw ParseError("too small to be a zip");
  // Most APKs have no comment: the last KiB is tried first, then the most a
  // comment allows (with room for a zip64 locator before the record).
  std::string tail;
  std::optional<size_t> eocd;
  for (uint64_t want : {uint64_t{1024}, kEocdSize + kMaxCommentSize + 20}) {
    const uint64_t tail_size = std::min<uint64_t>(file_size, want);
    if (tail_size <= tail.size()) break;  // the whole file was tried
    tail = ReadExactly(read_at, file_size, file_size - tail_size, tail_size,
                       "zip tail");
    // The last record whose comment length reaches exactly the end of the
    // file (a comment may itself hold the magic).
    for (size_t i = tail.size() - kEocdSize + 1; i-- > 0;) {
      ByteReader r(tail);
      r.seek(i, "EOCD");
      if (r.le<uint32_t>("EOCD magic") != kEocdMagic) continue;
      r.seek(i + 20, "EOCD comment length");
      if (i + kEocdSize + r.le<uint16_t>("EOCD comment length") ==
          tail.size()) {
        eocd = i;
        break;
      }
    }
    if (eocd) break;
  }
  if (!eocd) throw ParseError("no zip end of central directory record");
  ByteReader r(tail);
  r.seek(*eocd + 10, "EOCD");
  uint64_t entries = r.le<uint16_t>("EOCD entry count");
  uint64_t cd_size = r.le<uint32_t>("EOCD directory size");
  uint64_t cd_offset = r.le<uint32_t>("EOCD directory offset");
  // zip64: a locator right before the record points at the zip64 record.
  if (*eocd >= 20) {
    ByteReader loc(tail);
    loc.seek(*eocd - 20, "zip64 locator");
    if (loc.le<uint32_t>("zip64 locator magic") == kZip64LocatorMagic) {
      loc.skip(4, "zip64 locator disk");
      const uint64_t record_offset = loc.le<uint64_t>("zip64 record offset");
      const std::string record =
          ReadExactly(read_at, file_size, record_offset, 56, "zip64 record");
      ByteReader z(record);
      if (z.le<uint32_t>("zip64 record magic") != kZip64EocdMagic) {
        throw ParseError("the zip64 locator points at no zip64 record");
      }
      z.seek(32, "zip64 record");
      entries = z.le<uint64_t>("zip64 entry count");
      cd_size = z.le<uint64_t>("zip64 directory size");
      cd_offset = z.le<uint64_t>("zip64 directory offset");
    }
  }
  if (cd_size > kMaxZipCentralDirectoryBytes) {
    throw ParseError("the central directory is " + std::to_string(cd_size) +
                     " bytes, over the " +
                     std::to_string(kMaxZipCentralDirectoryBytes) +
                     "-byte limit");
  }
  if (entries > kMaxZipEntries) {
    throw ParseError("the zip lists " + std::to_string(entries) +
                     " entries, over the limit of " +
                     std::to_string(kMaxZipEntries));
  }
  ZipCentralDirectory out;
  out.offset = cd_offset;
  out.size = cd_size;
  const std::string cd =
      ReadExactly(read_at, file_size, cd_offset, cd_size, "central directory");
  ByteReader d(cd);
  // Each header needs 46 bytes: the count cannot outgrow the directory.
  out.entries.reserve(std::min<uint64_t>(entries, cd.size() / 46));
  while (d.remaining() >= 4 && out.entries.size() < kMaxZipEntries) {
    if (d.le<uint32_t>("central header magic") != kCentralHeaderMagic) break;
    ZipEntry e;
    d.skip(4, "central header versions");
    e.flags = d.le<uint16_t>("central header flags");
    e.method = d.le<uint16_t>("central header method");
    d.skip(8, "central header time and crc");
    e.compressed_size = d.le<uint32_t>("central header compressed size");
    e.uncompressed_size = d.le<uint32_t>("central header size");
    const uint16_t name_length = d.le<uint16_t>("central header name length");
    const uint16_t extra_length = d.le<uint16_t>("central header extra length");
    const uint16_t comment_length =
        d.le<uint16_t>("central header comment length");
    d.skip(8, "central header disk and attributes");
    e.local_header_offset = d.le<uint32_t>("central header local offset");
    e.name = std::string(d.bytes(name_length, "central header name"));
    ByteReader extra(d.bytes(extra_length, "central header extra field"));
    d.skip(comment_length, "central header comment");
    // zip64 extended information: the 64-bit values of the fields that
    // hold 0xFFFFFFFF, in this order.
    while (extra.remaining() >= 4) {
      const uint16_t id = extra.le<uint16_t>("extra id");
      const uint16_t size = extra.le<uint16_t>("extra size");
      if (size > extra.remaining()) break;
      ByteReader field(extra.bytes(size, "extra field"));
      if (id != 0x0001) continue;
      if (e.uncompressed_size == 0xFFFFFFFF && field.remaining() >= 8)
        e.uncompressed_size = field.le<uint64_t>("zip64 size");
      if (e.compressed_size == 0xFFFFFFFF && field.remaining() >= 8)
        e.compressed_size = field.le<uint64_t>("zip64 compressed size");
      if (e.local_header_offset == 0xFFFFFFFF && field.remaining() >= 8)
        e.local_header_offset = field.le<uint64_t>("zip64 local offset");
    }
    out.entries.push_back(std::move(e));
  }
  return out;
}

uint64_t ZipEntryDataOffset(const ZipReadAt& read_at, uint64_t file_size,
                            const ZipEntry& entry) {
  const std::string header = ReadExactly(
      read_at, file_size, entry.local_header_offset, 30, "local header");
  ByteReader r(header);
  if (r.le<uint32_t>("local header magic") != kLocalHeaderMagic) {
    throw ParseError("entry " + entry.name + ": no local header at offset " +
                     std::to_string(entry.local_header_offset));
  }
  r.seek(26, "local header");
  const uint64_t name_length = r.le<uint16_t>("local name length");
  const uint64_t extra_length = r.le<uint16_t>("local extra length");
  const uint64_t data =
      entry.local_header_offset + 30 + name_length + extra_length;
  if (data > file_size || entry.compressed_size > file_size - data) {
    throw ParseError("entry " + entry.name + ": data lies past the file");
  }
  return data;
}

std::string ReadZipEntry(const ZipReadAt& read_at, uint64_t file_size,
                         const ZipEntry& entry, uint64_t max_bytes) {
  if (entry.flags & 0x0001) {
    throw ParseError("entry " + entry.name + " is encrypted");
  }
  if (entry.method != 0 && entry.method != 8) {
    throw ParseError("entry " + entry.name + " uses compression method " +
                     std::to_string(entry.method));
  }
  if (entry.compressed_size > max_bytes ||
      entry.uncompressed_size > max_bytes) {
    throw ParseError("entry " + entry.name + " is over the " +
                     std::to_string(max_bytes) + "-byte limit");
  }
  const uint64_t data = ZipEntryDataOffset(read_at, file_size, entry);
  std::string raw = ReadExactly(read_at, file_size, data, entry.compressed_size,
                                "entry data");
  if (entry.method == 0) return raw;
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
    throw ParseError("zlib cannot start");
  }
  struct End {
    z_stream* z;
    ~End() { inflateEnd(z); }
  } end{&z};
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(raw.data());
  z.avail_in = static_cast<uInt>(raw.size());
  char buffer[16384];
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
    if (out.size() > max_bytes) {
      throw ParseError("entry " + entry.name + " inflates past the " +
                       std::to_string(max_bytes) + "-byte limit");
    }
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && !(rc == Z_BUF_ERROR && z.avail_out == 0)) {
      throw ParseError("entry " + entry.name + " does not inflate (zlib " +
                       std::to_string(rc) + ")");
    }
  }
  return out;
}

ZipReadAt ZipReadAtBytes(std::string_view bytes) {
  return [bytes](uint64_t offset, uint64_t length) {
    if (offset >= bytes.size()) return std::string();
    return std::string(bytes.substr(static_cast<size_t>(offset),
                                    static_cast<size_t>(std::min<uint64_t>(
                                        length, bytes.size() - offset))));
  };
}

}  // namespace contraband
