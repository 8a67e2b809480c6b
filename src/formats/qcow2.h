// QCOW2 image metadata (qemu's docs/interop/qcow2.txt): the header and the
// decoding of L1/L2 table entries. Parsing only; evidence/image/qcow_image.cc
// reads the guest disk with it. Our own reader because libqcow 20201213
// overruns a heap buffer on a damaged compressed cluster (fuzz_disk_image).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace contraband {

inline constexpr std::string_view kQcowMagic{"QFI\xfb", 4};

struct Qcow2Header {
  uint32_t version = 0;  ///< 2 or 3
  uint64_t backing_file_offset = 0;
  uint32_t backing_file_size = 0;
  uint32_t cluster_bits = 0;  ///< 9 (512 B) to 21 (2 MiB)
  uint64_t size = 0;          ///< the guest disk's size in bytes
  uint32_t crypt_method = 0;  ///< 0: none
  uint32_t l1_size = 0;       ///< entries
  uint64_t l1_table_offset = 0;
  uint64_t incompatible_features = 0;
  uint8_t compression_type = 0;  ///< 0 zlib, 1 zstd

  uint64_t cluster_size() const { return uint64_t{1} << cluster_bits; }
  /// Guest clusters one L2 table maps.
  uint64_t l2_entries() const { return cluster_size() / 8; }
};

/// Incompatible feature bits (version 3).
inline constexpr uint64_t kQcowDirty = 1u << 0;
inline constexpr uint64_t kQcowCorrupt = 1u << 1;
inline constexpr uint64_t kQcowExternalData = 1u << 2;
inline constexpr uint64_t kQcowCompressionType = 1u << 3;
inline constexpr uint64_t kQcowExtendedL2 = 1u << 4;

/// Parses the header (the image's first bytes, at least 104 of them for
/// version 3, 72 for version 2) and checks it against `file_size`: tables
/// inside the file, sizes within bounds. Throws ParseError saying what is
/// wrong. Features this reader does not implement (encryption, an external
/// data file, extended L2 entries) are refused with a ParseError naming them.
Qcow2Header ParseQcow2Header(std::string_view head, uint64_t file_size);

/// Where a guest cluster's data is, from its L2 entry.
struct Qcow2Cluster {
  enum class Kind { kUnallocated, kZero, kNormal, kCompressed };
  Kind kind = Kind::kUnallocated;
  uint64_t offset = 0;  ///< host offset of the data
  uint64_t length = 0;  ///< kCompressed: bytes of compressed data to read
};

/// Decodes one L2 entry (big-endian u64 already converted). Throws
/// ParseError when a normal cluster's offset is not cluster-aligned.
Qcow2Cluster DecodeQcow2L2Entry(uint64_t entry, const Qcow2Header& h);

/// The host offset of an L2 table from an L1 entry; 0 when unallocated.
/// Throws ParseError when it is not cluster-aligned.
uint64_t DecodeQcow2L1Entry(uint64_t entry, const Qcow2Header& h);

}  // namespace contraband
