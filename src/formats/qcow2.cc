#include "formats/qcow2.h"

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr uint64_t kOffsetMask = 0x00fffffffffffe00ull;  // bits 9-55
constexpr uint64_t kCompressedFlag = 1ull << 62;
constexpr uint64_t kZeroFlag = 1ull;  // version 3, standard clusters
// An L1 table of 2^24 entries (128 MiB) maps 2 PiB with 64 KiB clusters,
// far beyond any real disk; a hostile header asking more is refused.
constexpr uint32_t kMaxL1Entries = 1u << 24;

}  // namespace

Qcow2Header ParseQcow2Header(std::string_view head, uint64_t file_size) {
  ByteReader r(head);
  if (r.bytes(4, "magic") != kQcowMagic) throw ParseError("not a QCOW image");
  Qcow2Header h;
  h.version = r.be<uint32_t>("version");
  if (h.version == 1) {
    throw ParseError("QCOW version 1 (qemu before 0.10) is not read; convert "
                     "it with qemu-img convert -O qcow2");
  }
  if (h.version != 2 && h.version != 3) {
    throw ParseError("QCOW version " + std::to_string(h.version) +
                     " is unknown");
  }
  h.backing_file_offset = r.be<uint64_t>("backing file offset");
  h.backing_file_size = r.be<uint32_t>("backing file size");
  h.cluster_bits = r.be<uint32_t>("cluster bits");
  h.size = r.be<uint64_t>("size");
  h.crypt_method = r.be<uint32_t>("encryption method");
  h.l1_size = r.be<uint32_t>("L1 size");
  h.l1_table_offset = r.be<uint64_t>("L1 table offset");
  r.skip(8 + 4 + 4 + 8, "refcount table and snapshots");  // up to byte 72
  uint32_t header_length = 72;
  if (h.version == 3) {
    h.incompatible_features = r.be<uint64_t>("incompatible features");
    r.skip(8 + 8 + 4, "compatible and autoclear features, refcount order");
    header_length = r.be<uint32_t>("header length");
    if (header_length > 104) {
      h.compression_type = r.be<uint8_t>("compression type");
    }
  }
  if (h.cluster_bits < 9 || h.cluster_bits > 21) {
    throw ParseError("cluster size 2^" + std::to_string(h.cluster_bits) +
                     " is outside qemu's 512 B to 2 MiB");
  }
  if (h.crypt_method != 0) {
    throw ParseError("the image is encrypted with qemu's own encryption, "
                     "which contraband does not read; decrypt it with "
                     "qemu-img convert and scan the result");
  }
  if (h.incompatible_features & kQcowExternalData) {
    throw ParseError("the image keeps its data in an external file, which "
                     "contraband does not read; convert it with qemu-img "
                     "convert -O qcow2");
  }
  if (h.incompatible_features & kQcowExtendedL2) {
    throw ParseError("the image uses extended L2 entries (subclusters), which "
                     "contraband does not read; convert it with qemu-img "
                     "convert -O qcow2");
  }
  if (h.incompatible_features & ~uint64_t{0x1f}) {
    throw ParseError("the image uses incompatible features this reader does "
                     "not know (bits " +
                     std::to_string(h.incompatible_features) + ")");
  }
  if (!(h.incompatible_features & kQcowCompressionType)) h.compression_type = 0;
  if (h.compression_type > 1) {
    throw ParseError("compression type " + std::to_string(h.compression_type) +
                     " is unknown");
  }
  if (h.size > (uint64_t{1} << 56)) {
    throw ParseError("the disk size " + std::to_string(h.size) +
                     " is beyond what QCOW2 can address");
  }
  // Enough L1 entries to map the whole disk, and not absurdly many.
  const uint64_t per_l1 = h.l2_entries() * h.cluster_size();
  const uint64_t needed = (h.size + per_l1 - 1) / per_l1;
  if (h.l1_size < needed || h.l1_size > kMaxL1Entries) {
    throw ParseError("the L1 table has " + std::to_string(h.l1_size) +
                     " entries for a disk that needs " +
                     std::to_string(needed));
  }
  if (h.l1_table_offset % h.cluster_size() != 0 ||
      h.l1_table_offset > file_size ||
      uint64_t{h.l1_size} * 8 > file_size - h.l1_table_offset) {
    throw ParseError("the L1 table lies outside the file (damaged or "
                     "truncated)");
  }
  if (h.backing_file_offset != 0 &&
      (h.backing_file_size == 0 || h.backing_file_size > 1023 ||
       h.backing_file_offset > file_size ||
       h.backing_file_size > file_size - h.backing_file_offset)) {
    throw ParseError("the backing file name lies outside the file or is "
                     "longer than qemu allows");
  }
  return h;
}

uint64_t DecodeQcow2L1Entry(uint64_t entry, const Qcow2Header& h) {
  const uint64_t offset = entry & kOffsetMask;
  if (offset % h.cluster_size() != 0) {
    throw ParseError("an L1 entry points to an unaligned L2 table");
  }
  return offset;
}

Qcow2Cluster DecodeQcow2L2Entry(uint64_t entry, const Qcow2Header& h) {
  Qcow2Cluster c;
  if (entry & kCompressedFlag) {
    // Compressed: the offset takes 62 - (cluster_bits - 8) bits, then the
    // number of additional 512-byte sectors the data spans.
    const uint32_t x = 62 - (h.cluster_bits - 8);
    c.kind = Qcow2Cluster::Kind::kCompressed;
    c.offset = entry & ((uint64_t{1} << x) - 1);
    const uint64_t sectors =
        ((entry >> x) & ((uint64_t{1} << (h.cluster_bits - 8)) - 1)) + 1;
    c.length = sectors * 512 - (c.offset & 511);
    return c;
  }
  const uint64_t offset = entry & kOffsetMask;
  if (h.version >= 3 && (entry & kZeroFlag)) {
    c.kind = Qcow2Cluster::Kind::kZero;
    return c;
  }
  if (offset == 0) return c;  // unallocated: the backing file, or zeros
  if (offset % h.cluster_size() != 0) {
    throw ParseError("an L2 entry points to an unaligned cluster");
  }
  c.kind = Qcow2Cluster::Kind::kNormal;
  c.offset = offset;
  return c;
}

}  // namespace contraband
