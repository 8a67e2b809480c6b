// VMDK metadata (VMware's Virtual Disk Format 5.0 and qemu's block/vmdk.c
// as the reference for what real files hold): the sparse extent header
// ("KDMV", hosted sparse and streamOptimized; "COWD", ESX sparse), the
// descriptor text, and the marker before each compressed grain of a
// stream. Parsing only; evidence/image/vmdk_image.cc reads the guest disk
// with it. Our own reader because libvmdk 20200926 opens extent files by
// the names in the descriptor (a renamed monolithicSparse file cannot be
// opened) and does not read streamOptimized grains.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

inline constexpr std::string_view kVmdkSparseMagic{"KDMV", 4};
inline constexpr std::string_view kVmdkCowdMagic{"COWD", 4};
inline constexpr std::string_view kVmdkDescriptorMagic{"# Disk DescriptorFile"};

/// gd_offset of a streamOptimized extent whose grain directory is named
/// only by the footer at the end of the file.
inline constexpr uint64_t kVmdkGdAtEnd = ~uint64_t{0};

/// A descriptor (embedded or a file of its own) longer than this is not
/// read: real ones are a few hundred bytes per extent.
inline constexpr uint64_t kMaxVmdkDescriptorBytes = 1u << 20;

struct VmdkSparseHeader {
  bool cowd = false;  ///< an ESX "COWD" extent (no descriptor, 4096 GTEs)
  uint32_t version = 0;
  uint32_t flags = 0;
  uint64_t capacity = 0;           ///< sectors of guest disk this extent maps
  uint64_t grain_sectors = 0;      ///< a power of two
  uint64_t descriptor_offset = 0;  ///< sectors; 0: no embedded descriptor
  uint64_t descriptor_sectors = 0;
  uint32_t gtes_per_gt = 0;         ///< entries of one grain table
  uint64_t gd_offset = 0;           ///< sectors, or kVmdkGdAtEnd
  uint64_t gd_entries = 0;          ///< grain tables the directory lists
  uint16_t compress_algorithm = 0;  ///< 1: deflate (zlib)

  bool compressed() const { return (flags & (1u << 16)) != 0; }
  bool markers() const { return (flags & (1u << 17)) != 0; }
  uint64_t grain_bytes() const { return grain_sectors * 512; }
  /// Guest bytes one grain table maps.
  uint64_t gt_span() const { return grain_bytes() * gtes_per_gt; }
};

/// Parses the first 512 bytes of a sparse extent ("KDMV" or "COWD") and
/// checks it against the extent file's size: grain and table sizes within
/// bounds, the grain directory and descriptor inside the file (unless the
/// directory is at the end, kVmdkGdAtEnd: then the footer's header is
/// parsed with this same function). Throws ParseError saying what is wrong.
VmdkSparseHeader ParseVmdkSparseHeader(std::string_view head,
                                       uint64_t file_size);

struct VmdkExtent {
  enum class Type { kSparse, kFlat, kZero };
  Type type = Type::kSparse;
  bool no_access = false;  ///< NOACCESS: reads as zeros
  uint64_t sectors = 0;
  std::string file;          ///< as written; empty for ZERO
  uint64_t file_offset = 0;  ///< sectors; FLAT only
};

struct VmdkDescriptor {
  std::string create_type;  ///< "monolithicSparse", "streamOptimized", ...
  uint32_t parent_cid = 0xffffffff;  ///< ffffffff: no parent
  std::string parent_hint;           ///< parentFileNameHint
  std::vector<VmdkExtent> extents;

  bool has_parent() const { return !parent_hint.empty(); }
  uint64_t sectors() const;
};

/// Parses descriptor text (NUL bytes end it, as in an embedded descriptor's
/// padding). Extent types SPARSE, VMFSSPARSE and SESPARSE are read as
/// sparse extents, FLAT, VMFS, VMFSRAW and VMFSRDM as flat, ZERO as zeros.
/// Throws ParseError on a malformed extent line, an extent type this reader
/// does not know, no extents, or more than 65536 of them.
VmdkDescriptor ParseVmdkDescriptor(std::string_view text);

/// The 12 bytes before a compressed grain of a stream: the guest sector it
/// holds, and the length of the zlib data that follows.
struct VmdkGrainMarker {
  uint64_t lba = 0;
  uint32_t size = 0;
};

/// Parses a grain marker (at least 12 bytes). A size of 0 is a metadata
/// marker (end of stream, grain table, directory, footer), not a grain:
/// ParseError.
VmdkGrainMarker ParseVmdkGrainMarker(std::string_view bytes);

}  // namespace contraband
