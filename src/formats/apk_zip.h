// The parts of a zip an APK reader needs, read in place through a
// read-at function so that a large APK is never read whole: the end of
// central directory record (zip comment, zip64 locator), the central
// directory, and one entry's data (stored, or deflated through zlib with a
// bounded output). PKWARE APPNOTE.TXT sections 4.3.6-4.3.16.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

/// Up to `length` bytes at `offset`, fewer at the end of the file.
using ZipReadAt = std::function<std::string(uint64_t offset, uint64_t length)>;

/// A central directory larger than this is refused (real APKs: < 1 MiB).
inline constexpr uint64_t kMaxZipCentralDirectoryBytes = 32u << 20;
/// Entries listed at most.
inline constexpr uint64_t kMaxZipEntries = 200000;

struct ZipEntry {
  std::string name;
  uint16_t flags = 0;
  uint16_t method = 0;  ///< 0 stored, 8 deflated
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  uint64_t local_header_offset = 0;
};

struct ZipCentralDirectory {
  uint64_t offset = 0;  ///< where it starts: the APK Signing Block ends here
  uint64_t size = 0;
  std::vector<ZipEntry> entries;
};

/// Finds the end of central directory record in the file's last 64 KiB + 22
/// bytes (the record, a comment of up to 65535 bytes), follows a zip64
/// locator, and reads the central directory. Throws ParseError when there is
/// no record, the directory lies outside the file or is over
/// kMaxZipCentralDirectoryBytes, or an entry runs past it.
ZipCentralDirectory ReadZipCentralDirectory(const ZipReadAt& read_at,
                                            uint64_t file_size);

/// Where entry `entry`'s data starts: after its local header (whose name
/// and extra field lengths may differ from the central directory's).
uint64_t ZipEntryDataOffset(const ZipReadAt& read_at, uint64_t file_size,
                            const ZipEntry& entry);

/// Entry `entry`'s uncompressed bytes. Throws ParseError when it is over
/// `max_bytes` (compressed or not), uses a method other than stored or
/// deflate, is encrypted, or does not inflate.
std::string ReadZipEntry(const ZipReadAt& read_at, uint64_t file_size,
                         const ZipEntry& entry, uint64_t max_bytes);

/// A read-at function over bytes already in memory.
ZipReadAt ZipReadAtBytes(std::string_view bytes);

}  // namespace contraband
