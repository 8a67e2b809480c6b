// ndb layout (rpm lib/backend/ndb/rpmpkg.c), all numbers little-endian:
//  - header, 32 bytes: "RpmP", version 0, generation, number of slot pages,
//    next package index;
//  - slot pages of 4096 bytes right after it (the header takes the first two
//    16-byte slots of page 0); a slot is "Slot", package index, block offset,
//    block count, with blocks of 16 bytes; block offset 0 means a free slot;
//  - a blob at block offset × 16: head "BlbS", package index, timestamp,
//    length; `length` bytes of header image; zero padding to a whole block;
//    tail: Adler-32 of everything before it, length again, "BlbE".
#include "formats/rpm_ndb.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr uint32_t Magic(const char (&s)[5]) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[0])) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[3])) << 24;
}

constexpr uint32_t kDbMagic = Magic("RpmP");
constexpr uint32_t kSlotMagic = Magic("Slot");
constexpr uint32_t kBlobHeadMagic = Magic("BlbS");
constexpr uint32_t kBlobTailMagic = Magic("BlbE");
constexpr uint32_t kHeaderSize = 32;
constexpr uint32_t kSlotSize = 16;
constexpr uint32_t kBlockSize = 16;
constexpr uint32_t kSlotPageSize = 4096;
constexpr uint32_t kBlobHeadSize = 16;
constexpr uint32_t kBlobTailSize = 12;
// 4096 pages are a million package slots; a real system has thousands of
// packages. The bound keeps a forged header from costing gigabytes.
constexpr uint64_t kMaxSlotPages = 4096;

uint32_t Adler32(std::string_view data) {
  constexpr uint32_t kMod = 65521;
  uint32_t a = 1, b = 0;
  // 5552 is the largest run whose sums cannot overflow 32 bits (RFC 1950).
  while (!data.empty()) {
    const size_t n = std::min<size_t>(data.size(), 5552);
    for (size_t i = 0; i < n; ++i) {
      a += static_cast<unsigned char>(data[i]);
      b += a;
    }
    a %= kMod;
    b %= kMod;
    data.remove_prefix(n);
  }
  return (b << 16) | a;
}

uint32_t Le32(std::string_view data, uint64_t offset, const char* what) {
  ByteReader r(data);
  r.seek(offset, what);
  return r.le<uint32_t>(what);
}

// Checks the blob a slot points to and returns its header image, or an
// explanation of why rpm would refuse it. `framed` tells whether a blob of
// this package and length does start there (even if its contents are bad).
bool ReadBlob(std::string_view file, uint32_t pkgidx, uint64_t blkoff,
              uint64_t blkcnt, std::string* image, std::string* error,
              bool* framed) {
  *framed = false;
  const std::string_view blob = ByteReader::Slice(
      file, blkoff * kBlockSize, blkcnt * kBlockSize, "ndb blob");
  if (blob.size() < kBlobHeadSize + kBlobTailSize) {
    *error = "blob of " + std::to_string(blkcnt) + " blocks is too small";
    return false;
  }
  if (Le32(blob, 0, "ndb blob head") != kBlobHeadMagic) {
    *error = "no blob starts at block " + std::to_string(blkoff);
    return false;
  }
  if (Le32(blob, 4, "ndb blob head") != pkgidx) {
    *error = "the blob at block " + std::to_string(blkoff) +
             " belongs to package index " +
             std::to_string(Le32(blob, 4, "ndb blob head"));
    return false;
  }
  const uint64_t length = Le32(blob, 12, "ndb blob head");
  const uint64_t blocks =
      (kBlobHeadSize + length + kBlobTailSize + kBlockSize - 1) / kBlockSize;
  if (blocks != blkcnt) {
    *error = "blob length " + std::to_string(length) + " needs " +
             std::to_string(blocks) + " blocks but the slot gives " +
             std::to_string(blkcnt);
    return false;
  }
  *framed = true;
  const uint64_t tail = blob.size() - kBlobTailSize;
  if (Le32(blob, tail + 8, "ndb blob tail") != kBlobTailMagic ||
      Le32(blob, tail + 4, "ndb blob tail") != length) {
    *error = "the blob's tail is damaged";
    return false;
  }
  if (Le32(blob, tail, "ndb blob tail") != Adler32(blob.substr(0, tail))) {
    *error = "the blob's checksum does not match its contents";
    return false;
  }
  *image = std::string(blob.substr(kBlobHeadSize, length));
  return true;
}

}  // namespace

RpmDbContents ReadRpmNdb(std::string_view file) {
  ByteReader head(file);
  if (head.remaining() < kHeaderSize ||
      head.le<uint32_t>("ndb magic") != kDbMagic) {
    throw ParseError("not an rpm ndb database (no \"RpmP\" magic)");
  }
  const uint32_t version = head.le<uint32_t>("ndb version");
  if (version != 0) {
    throw ParseError("rpm ndb database of unknown version " +
                     std::to_string(version));
  }
  head.skip(4, "ndb generation");
  const uint64_t slot_pages = head.le<uint32_t>("ndb slot page count");
  if (slot_pages > kMaxSlotPages) {
    throw ParseError("rpm ndb database names " + std::to_string(slot_pages) +
                     " slot pages (" + std::to_string(slot_pages * 256) +
                     " package slots), past any real database");
  }
  if (slot_pages == 0 || slot_pages * kSlotPageSize > file.size()) {
    throw ParseError("rpm ndb database names " + std::to_string(slot_pages) +
                     " slot pages but the file holds only " +
                     std::to_string(file.size()) + " bytes");
  }

  RpmDbContents out;
  if (file.size() % kBlockSize != 0) {
    out.Problem([&] {
      return "the file size " + std::to_string(file.size()) +
             " is not a whole number of blocks: it was cut short or extended";
    });
  }
  const uint64_t file_blocks = file.size() / kBlockSize;
  const uint64_t first_blob_block = slot_pages * (kSlotPageSize / kBlockSize);
  const uint64_t slots = slot_pages * (kSlotPageSize / kSlotSize);
  struct Slot {
    uint64_t slotno, blkoff, blkcnt;
    uint32_t pkgidx;
  };
  std::vector<Slot> used;
  for (uint64_t slotno = kHeaderSize / kSlotSize; slotno < slots; ++slotno) {
    const std::string_view slot =
        ByteReader::Slice(file, slotno * kSlotSize, kSlotSize, "ndb slot");
    if (Le32(slot, 0, "ndb slot") != kSlotMagic) {
      out.Problem([&] {
        return "slot " + std::to_string(slotno) + ": bad slot magic; skipped";
      });
      continue;
    }
    const uint32_t pkgidx = Le32(slot, 4, "ndb slot");
    const uint64_t blkoff = Le32(slot, 8, "ndb slot");
    const uint64_t blkcnt = Le32(slot, 12, "ndb slot");
    if (blkoff == 0) continue;  // free slot
    auto what = [&] {
      return "slot " + std::to_string(slotno) + " (package index " +
             std::to_string(pkgidx) + ")";
    };
    if (pkgidx == 0 || blkcnt == 0 || blkoff < first_blob_block) {
      out.Problem([&] {
        return what() + ": impossible slot (block " + std::to_string(blkoff) +
               ", " + std::to_string(blkcnt) + " blocks); skipped";
      });
      continue;
    }
    if (blkoff + blkcnt > file_blocks) {
      out.Problem([&] {
        return what() + ": its blob at block " + std::to_string(blkoff) +
               " lies past the end of the file; skipped";
      });
      continue;
    }
    used.push_back({slotno, blkoff, blkcnt, pkgidx});
  }

  // In blob order, as rpm lists them. Blobs never overlap in a sound
  // database; refusing overlaps also keeps a hostile slot table from making
  // every slot re-read one huge blob.
  std::sort(used.begin(), used.end(), [](const Slot& a, const Slot& b) {
    return std::tie(a.blkoff, a.slotno) < std::tie(b.blkoff, b.slotno);
  });
  uint64_t end = first_blob_block;
  for (const Slot& s : used) {
    auto what = [&] {
      return "slot " + std::to_string(s.slotno) + " (package index " +
             std::to_string(s.pkgidx) + ")";
    };
    if (s.blkoff < end) {
      out.Problem([&] {
        return what() + ": its blob at block " + std::to_string(s.blkoff) +
               " overlaps another package's blob; skipped";
      });
      continue;
    }
    std::string image, error;
    bool framed = false;
    const bool ok =
        ReadBlob(file, s.pkgidx, s.blkoff, s.blkcnt, &image, &error, &framed);
    // Only a real blob claims its blocks: a damaged slot pointing at random
    // blocks must not hide the packages after it.
    if (framed) end = s.blkoff + s.blkcnt;
    if (ok) {
      out.records.push_back({s.pkgidx, std::move(image)});
    } else {
      out.Problem(
          [&] { return what() + ": " + error + "; the package is skipped"; });
    }
  }
  return out;
}

}  // namespace contraband
