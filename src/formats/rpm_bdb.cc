// Berkeley DB hash layout (db_page.h of libdb 4.x/5.x):
//  - page 0 is the hash metadata page: magic 0x061561 at offset 12 (its byte
//    order is the database's), page size at 20, encryption algorithm at 24,
//    page type 8 at 25, meta flags at 26 (bit 0: page checksums), last page
//    number at 32;
//  - every page starts with a 26-byte header: next page number at 16, entry
//    count at 20, "high free offset" at 22, page type at 25; with checksums
//    6 more bytes follow;
//  - a hash page (type 13, or 2 for old unsorted ones) then holds an array of
//    2-byte item offsets, alternately key and value. Items are packed from the
//    end of the page down, so item i ends where item i-1 starts. The first
//    byte of an item is its kind: 1 = bytes inline, 3 = "off page" (a chain of
//    overflow pages: page number at +4, total length at +8);
//  - an overflow page (type 7) holds "high free offset" bytes after its header
//    and names the next page of the chain.
// Every page is visited in order rather than walking hash buckets: a value is
// found even when bucket bookkeeping is damaged, and freed pages have type 0.
#include "formats/rpm_bdb.h"

#include <algorithm>
#include <string>
#include <vector>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr uint32_t kHashMagic = 0x061561;
constexpr uint32_t kBtreeMagic = 0x053162;
constexpr uint8_t kPageHashUnsorted = 2;
constexpr uint8_t kPageOverflow = 7;
constexpr uint8_t kPageHashMeta = 8;
constexpr uint8_t kPageHash = 13;
constexpr uint8_t kItemKeyData = 1;
constexpr uint8_t kItemOffPage = 3;
constexpr uint8_t kMetaChecksum = 0x01;
constexpr uint32_t kPageHeaderSize = 26;
constexpr uint32_t kChecksumSize = 6;

std::string Hex(uint32_t v) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (int shift = 28; shift >= 0; shift -= 4) out += digits[(v >> shift) & 15];
  return "0x" + out;
}

// Fixed-offset reads of one page in the database's byte order.
class Page {
 public:
  Page(std::string_view bytes, bool big_endian)
      : bytes_(bytes), big_endian_(big_endian) {}

  std::string_view bytes() const { return bytes_; }
  uint32_t size() const { return static_cast<uint32_t>(bytes_.size()); }

  uint8_t U8(uint64_t offset, const char* what) const {
    ByteReader r(bytes_);
    r.seek(offset, what);
    return r.le<uint8_t>(what);
  }
  uint16_t U16(uint64_t offset, const char* what) const {
    ByteReader r(bytes_);
    r.seek(offset, what);
    return big_endian_ ? r.be<uint16_t>(what) : r.le<uint16_t>(what);
  }
  uint32_t U32(uint64_t offset, const char* what) const {
    ByteReader r(bytes_);
    r.seek(offset, what);
    return big_endian_ ? r.be<uint32_t>(what) : r.le<uint32_t>(what);
  }

  uint8_t type() const { return U8(25, "page type"); }
  uint32_t next() const { return U32(16, "next page number"); }
  uint16_t entries() const { return U16(20, "page entry count"); }
  uint16_t high_free() const { return U16(22, "page high free offset"); }

 private:
  std::string_view bytes_;
  bool big_endian_;
};

class BdbReader {
 public:
  explicit BdbReader(std::string_view file) : file_(file) {}

  RpmDbContents Read() {
    ReadMeta();
    seen_.assign(page_count_, 0);
    for (uint32_t pgno = 1; pgno < page_count_; ++pgno) {
      const Page page = PageAt(pgno);
      const uint8_t type = page.type();
      if (type == kPageHash || type == kPageHashUnsorted) ReadHashPage(pgno);
    }
    return std::move(out_);
  }

 private:
  void ReadMeta() {
    if (file_.size() < 512) {
      throw ParseError("Berkeley DB: the file is " +
                       std::to_string(file_.size()) +
                       " bytes, smaller than one page");
    }
    ByteReader m(file_);
    m.seek(12, "Berkeley DB magic");
    const uint32_t magic_le = m.le<uint32_t>("Berkeley DB magic");
    m.seek(12, "Berkeley DB magic");
    const uint32_t magic_be = m.be<uint32_t>("Berkeley DB magic");
    if (magic_le == kHashMagic) {
      big_endian_ = false;
    } else if (magic_be == kHashMagic) {
      big_endian_ = true;
    } else if (magic_le == kBtreeMagic || magic_be == kBtreeMagic) {
      throw ParseError(
          "Berkeley DB: this is a btree database, not the hash database rpm "
          "keeps its packages in");
    } else {
      throw ParseError("not a Berkeley DB hash database (magic " +
                       Hex(magic_le) + " at offset 12)");
    }
    const Page meta(file_.substr(0, 512), big_endian_);
    page_size_ = meta.U32(20, "Berkeley DB page size");
    if (page_size_ < 512 || page_size_ > 65536 ||
        (page_size_ & (page_size_ - 1)) != 0) {
      throw ParseError("Berkeley DB: impossible page size " +
                       std::to_string(page_size_));
    }
    if (meta.U8(24, "Berkeley DB encryption") != 0) {
      throw ParseError(
          "Berkeley DB: the database is encrypted; it cannot be read");
    }
    if (meta.type() != kPageHashMeta) {
      throw ParseError("Berkeley DB: page 0 has type " +
                       std::to_string(meta.type()) +
                       ", not the hash metadata page (8)");
    }
    if (meta.U8(26, "Berkeley DB meta flags") & kMetaChecksum) {
      overhead_ += kChecksumSize;
    }
    const uint64_t last_pgno = meta.U32(32, "Berkeley DB last page number");
    const uint64_t in_file = file_.size() / page_size_;
    page_count_ = static_cast<uint32_t>(std::min(last_pgno + 1, in_file));
    if (last_pgno + 1 > in_file) {
      out_.Problem([&] {
        return "the database is truncated: its metadata names " +
               std::to_string(last_pgno + 1) + " pages of " +
               std::to_string(page_size_) + " bytes but the file holds " +
               std::to_string(in_file) +
               "; packages on the missing pages are lost";
      });
    }
  }

  Page PageAt(uint32_t pgno) const {
    return Page(ByteReader::Slice(file_, uint64_t{pgno} * page_size_,
                                  page_size_, "Berkeley DB page"),
                big_endian_);
  }

  template <typename MakeMessage>
  void Problem(uint32_t pgno, MakeMessage make) {
    out_.Problem(
        [&] { return "page " + std::to_string(pgno) + ": " + make(); });
  }

  void ReadHashPage(uint32_t pgno) {
    const Page page = PageAt(pgno);
    uint32_t entries = page.entries();
    const uint64_t index_end = uint64_t{overhead_} + 2ull * entries;
    if (index_end > page_size_) {
      Problem(pgno, [&] {
        return "its " + std::to_string(entries) +
               " entries do not fit in the page; page skipped";
      });
      return;
    }
    if (entries % 2 != 0) {
      Problem(pgno, [&] {
        return "odd number of entries (" + std::to_string(entries) +
               "): a key without its value; the last one is skipped";
      });
      --entries;
    }
    // Item i spans [offset(i), offset(i-1)), the first one up to page end.
    auto item = [&](uint32_t i, std::string_view* out) -> bool {
      const uint32_t start = page.U16(overhead_ + 2ull * i, "item offset");
      const uint32_t end =
          i == 0 ? page_size_
                 : page.U16(overhead_ + 2ull * (i - 1), "item offset");
      if (start < index_end || start >= end || end > page_size_) {
        Problem(pgno, [&] {
          return "item " + std::to_string(i) + " at offset " +
                 std::to_string(start) +
                 " lies outside the page's item area; its record is skipped";
        });
        return false;
      }
      *out = page.bytes().substr(start, end - start);
      return true;
    };
    for (uint32_t i = 0; i < entries; i += 2) {
      std::string_view key, value;
      if (!item(i, &key) || !item(i + 1, &value)) continue;
      if (static_cast<uint8_t>(key[0]) != kItemKeyData || key.size() != 5) {
        Problem(pgno, [&] {
          return "key " + std::to_string(i / 2) +
                 " is not a 4-byte package number; its record is skipped";
        });
        continue;
      }
      const uint32_t number = Page(key, big_endian_).U32(1, "package number");
      if (number == 0) continue;  // rpm's "last package number" counter
      auto where = [&] {
        return "record " + std::to_string(number) + " (page " +
               std::to_string(pgno) + ")";
      };
      const uint8_t kind = static_cast<uint8_t>(value[0]);
      if (kind == kItemKeyData) {
        out_.records.push_back({number, std::string(value.substr(1))});
      } else if (kind == kItemOffPage) {
        if (value.size() < 12) {
          out_.Problem(
              [&] { return where() + ": off-page reference is cut short"; });
          continue;
        }
        const Page ref(value, big_endian_);
        std::string image;
        std::string error;
        if (ReadOverflow(ref.U32(4, "overflow page"),
                         ref.U32(8, "overflow length"), &image, &error)) {
          out_.records.push_back({number, std::move(image)});
        } else {
          out_.Problem([&] {
            return where() + ": " + error + "; the package is skipped";
          });
        }
      } else {
        out_.Problem([&] {
          return where() + ": value of unsupported item kind " +
                 std::to_string(kind) + "; skipped";
        });
      }
    }
  }

  // Concatenates the chain starting at `pgno`, which must hold exactly
  // `length` bytes. An overflow page belongs to one value only: each chain
  // marks its pages with its own stamp, so a page met again in the same chain
  // is a loop and one already marked by another chain is refused. That also
  // bounds the work on a hostile file to one visit per page, where records
  // sharing one long chain would otherwise cost records x chain length.
  bool ReadOverflow(uint32_t pgno, uint32_t length, std::string* image,
                    std::string* error) {
    if (length > file_.size()) {
      *error = "declares " + std::to_string(length) +
               " bytes, more than the whole file";
      return false;
    }
    ++stamp_;
    // Grown as pages arrive: a hostile length must not reserve memory.
    image->reserve(std::min<uint64_t>(length, uint64_t{1} << 20));
    while (pgno != 0) {
      if (pgno >= page_count_) {
        *error = "overflow chain points to page " + std::to_string(pgno) +
                 ", past the last page " + std::to_string(page_count_ - 1);
        return false;
      }
      if (seen_[pgno] == stamp_) {
        *error = "overflow chain loops back to page " + std::to_string(pgno);
        return false;
      }
      if (seen_[pgno] != 0) {
        *error = "overflow chain reaches page " + std::to_string(pgno) +
                 ", which belongs to another record";
        return false;
      }
      seen_[pgno] = stamp_;
      const Page page = PageAt(pgno);
      if (page.type() != kPageOverflow) {
        *error = "overflow chain reaches page " + std::to_string(pgno) +
                 " of type " + std::to_string(page.type()) +
                 ", not an overflow page";
        return false;
      }
      const uint32_t len = page.high_free();
      if (uint64_t{overhead_} + len > page_size_) {
        *error = "overflow page " + std::to_string(pgno) + " claims " +
                 std::to_string(len) + " bytes, more than a page holds";
        return false;
      }
      if (image->size() + len > length) {
        *error = "overflow chain holds more than the " +
                 std::to_string(length) + " bytes the record declares";
        return false;
      }
      image->append(page.bytes().substr(overhead_, len));
      pgno = page.next();
    }
    if (image->size() != length) {
      *error = "overflow chain ends after " + std::to_string(image->size()) +
               " of " + std::to_string(length) + " bytes";
      return false;
    }
    return true;
  }

  std::string_view file_;
  bool big_endian_ = false;
  uint32_t page_size_ = 0;
  uint32_t overhead_ = kPageHeaderSize;
  uint32_t page_count_ = 0;
  std::vector<uint32_t> seen_;
  uint32_t stamp_ = 0;
  RpmDbContents out_;
};

}  // namespace

RpmDbContents ReadRpmBdb(std::string_view file) {
  return BdbReader(file).Read();
}

}  // namespace contraband
