#include "formats/pe_file.h"

#include <algorithm>
#include <memory>
#include <optional>

#include "common/sha256.h"
#include "formats/byte_reader.h"
#include "formats/parse_error.h"
#include "formats/regf_hive.h"

namespace contraband {
namespace {

constexpr uint32_t kRtVersion = 16;
constexpr uint32_t kResourceDirectory = 2;
constexpr uint32_t kSecurityDirectory = 4;
constexpr uint16_t kWinCertTypePkcsSignedData = 0x0002;
// A file carries one signature entry, rarely two; more is not a real file.
constexpr int kMaxCertificateEntries = 16;
// Language variants of one version resource, and nodes of one block.
constexpr size_t kMaxVersionCandidates = 16;
// Resource directories read in the search for RT_VERSION's data: a tree of
// thousands of empty name directories costs no more than this.
constexpr int kMaxResourceDirectories = 64;
constexpr int kMaxVersionNodes = 1024;
// Longer values are not names or versions: cut, not rejected.
constexpr size_t kMaxValueBytes = 1024;

// The bytes [offset, offset+length) or ParseError: headers must be whole.
std::string ReadExactly(const PeReadAt& read_at, uint64_t offset,
                        uint64_t length, const char* what) {
  std::string out = read_at(offset, length);
  if (out.size() != length) {
    throw ParseError(std::string(what) + ": needs " + std::to_string(length) +
                     " bytes at offset " + std::to_string(offset) +
                     ", the file ends first");
  }
  return out;
}

class Parser {
 public:
  Parser(const PeReadAt& read_at, uint64_t file_size)
      : read_at_(read_at), file_size_(file_size) {}

  PeFile Parse() {
    ReadHeaders();
    try {
      ReadVersionResource();
    } catch (const ParseError& e) {
      pe_.problems.push_back(std::string("version resource: ") + e.what());
    }
    try {
      ReadCertificateTable();
    } catch (const ParseError& e) {
      pe_.problems.push_back(std::string("certificate table: ") + e.what());
    }
    return std::move(pe_);
  }

 private:
  void ReadHeaders() {
    if (file_size_ < 64) throw ParseError("not a PE file: under 64 bytes");
    const std::string dos = ReadExactly(read_at_, 0, 64, "DOS header");
    if (dos.substr(0, 2) != "MZ") throw ParseError("not a PE file: no MZ");
    ByteReader d(dos);
    d.seek(0x3C, "e_lfanew");
    const uint32_t pe_offset = d.le<uint32_t>("e_lfanew");
    const std::string coff =
        ReadExactly(read_at_, pe_offset, 24, "PE signature and COFF header");
    if (coff.substr(0, 4) != std::string_view("PE\0\0", 4)) {
      throw ParseError("not a PE file: no PE signature at offset " +
                       std::to_string(pe_offset));
    }
    ByteReader c(coff);
    c.seek(4, "COFF header");
    pe_.machine = c.le<uint16_t>("Machine");
    const uint16_t sections = c.le<uint16_t>("NumberOfSections");
    c.skip(12, "COFF symbol fields");
    const uint16_t optional_size = c.le<uint16_t>("SizeOfOptionalHeader");
    pe_.characteristics = c.le<uint16_t>("Characteristics");
    if (sections > kPeMaxSections) {
      throw ParseError(std::to_string(sections) + " sections, over the " +
                       std::to_string(kPeMaxSections) + " Windows loads");
    }
    const uint64_t optional_at = uint64_t{pe_offset} + 24;
    ReadOptionalHeader(optional_at, optional_size);
    const std::string table =
        ReadExactly(read_at_, optional_at + optional_size,
                    uint64_t{sections} * 40, "section table");
    ByteReader t(table);
    for (uint16_t i = 0; i < sections; ++i) {
      PeSection s;
      std::string_view name = t.bytes(8, "section name");
      s.name = std::string(name.substr(0, name.find('\0')));
      s.virtual_size = t.le<uint32_t>("VirtualSize");
      s.virtual_address = t.le<uint32_t>("VirtualAddress");
      s.raw_size = t.le<uint32_t>("SizeOfRawData");
      s.raw_offset = t.le<uint32_t>("PointerToRawData");
      t.skip(16, "section relocations and flags");
      pe_.sections.push_back(std::move(s));
    }
  }

  void ReadOptionalHeader(uint64_t at, uint16_t size) {
    if (size < 2) throw ParseError("no optional header");
    const std::string opt = ReadExactly(read_at_, at, size, "optional header");
    ByteReader o(opt);
    const uint16_t magic = o.le<uint16_t>("optional header magic");
    if (magic != 0x10b && magic != 0x20b) {
      throw ParseError("optional header magic " + std::to_string(magic) +
                       " is neither PE32 nor PE32+");
    }
    pe_.pe32_plus = magic == 0x20b;
    o.seek(68, "Subsystem");
    pe_.subsystem = o.le<uint16_t>("Subsystem");
    const size_t count_at = pe_.pe32_plus ? 108 : 92;
    o.seek(count_at, "NumberOfRvaAndSizes");
    uint32_t count = o.le<uint32_t>("NumberOfRvaAndSizes");
    // The loader reads at most 16, and only those the header holds.
    count = std::min<uint32_t>(
        {count, 16, static_cast<uint32_t>(o.remaining() / 8)});
    for (uint32_t i = 0; i < count; ++i) {
      PeDataDirectory dir;
      dir.address = o.le<uint32_t>("data directory address");
      dir.size = o.le<uint32_t>("data directory size");
      pe_.directories.push_back(dir);
    }
  }

  // The file offset of `rva`, when a section's raw data holds it.
  std::optional<uint64_t> OffsetOf(uint64_t rva) const {
    for (const PeSection& s : pe_.sections) {
      if (rva < s.virtual_address) continue;
      const uint64_t delta = rva - s.virtual_address;
      if (delta < s.raw_size) {
        return uint64_t{s.raw_offset} + delta;
      }
    }
    return std::nullopt;
  }

  std::string ReadRva(uint64_t rva, uint64_t length, const char* what) {
    std::optional<uint64_t> at = OffsetOf(rva);
    if (!at) {
      throw ParseError(std::string(what) + ": address " + std::to_string(rva) +
                       " lies in no section's data");
    }
    return ReadExactly(read_at_, *at, length, what);
  }

  struct ResourceEntry {
    uint32_t name = 0;  ///< an id unless the high bit is set
    uint32_t offset = 0;
    bool is_directory() const { return (offset & 0x80000000u) != 0; }
    uint32_t target() const { return offset & 0x7fffffffu; }
  };

  // The entries of the resource directory at `offset` into the tree.
  std::vector<ResourceEntry> ReadResourceDirectory(uint64_t root,
                                                   uint32_t offset) {
    if (++directories_read_ > kMaxResourceDirectories) {
      throw ParseError("over " + std::to_string(kMaxResourceDirectories) +
                       " resource directories searched for RT_VERSION");
    }
    const std::string head =
        ReadRva(root + offset, 16, "resource directory header");
    ByteReader h(head);
    h.seek(12, "resource entry counts");
    const uint32_t named = h.le<uint16_t>("NumberOfNamedEntries");
    const uint32_t ids = h.le<uint16_t>("NumberOfIdEntries");
    uint32_t count = named + ids;
    if (count > kPeMaxResourceEntries) {
      pe_.problems.push_back("resource directory with " +
                             std::to_string(count) +
                             " entries: only the first " +
                             std::to_string(kPeMaxResourceEntries) + " read");
      count = kPeMaxResourceEntries;
    }
    const std::string body =
        ReadRva(root + offset + 16, uint64_t{count} * 8, "resource entries");
    ByteReader b(body);
    std::vector<ResourceEntry> out(count);
    for (ResourceEntry& e : out) {
      e.name = b.le<uint32_t>("resource entry name");
      e.offset = b.le<uint32_t>("resource entry offset");
    }
    return out;
  }

  // RT_VERSION -> any name -> any language: three fixed levels, so a tree
  // that loops back on itself is walked no deeper than that.
  void ReadVersionResource() {
    if (pe_.directories.size() <= kResourceDirectory) return;
    const PeDataDirectory& dir = pe_.directories[kResourceDirectory];
    if (dir.address == 0 || dir.size == 0) return;
    const uint64_t root = dir.address;
    size_t candidates = 0;
    for (const ResourceEntry& type : ReadResourceDirectory(root, 0)) {
      if (type.name != kRtVersion || !type.is_directory()) continue;
      for (const ResourceEntry& name :
           ReadResourceDirectory(root, type.target())) {
        if (!name.is_directory()) continue;
        for (const ResourceEntry& lang :
             ReadResourceDirectory(root, name.target())) {
          if (lang.is_directory()) continue;
          if (++candidates > kMaxVersionCandidates) return;
          const std::string data_entry =
              ReadRva(root + lang.target(), 16, "resource data entry");
          ByteReader d(data_entry);
          const uint32_t rva = d.le<uint32_t>("resource data address");
          const uint32_t size = d.le<uint32_t>("resource data size");
          if (size > kPeMaxVersionInfoBytes) {
            pe_.problems.push_back("version resource of " +
                                   std::to_string(size) + " bytes: not read");
            continue;
          }
          try {
            pe_.version = ParseVersionInfo(ReadRva(rva, size, "VERSIONINFO"));
          } catch (const ParseError& e) {
            pe_.problems.push_back(std::string("version resource: ") +
                                   e.what());
            continue;
          }
          if (!pe_.version.empty()) return;
        }
      }
    }
  }

  void ReadCertificateTable() {
    if (pe_.directories.size() <= kSecurityDirectory) return;
    const PeDataDirectory& dir = pe_.directories[kSecurityDirectory];
    if (dir.address == 0 || dir.size == 0) return;
    if (uint64_t{dir.address} + dir.size > file_size_) {
      throw ParseError("it lies past the end of the file");
    }
    if (dir.size > kPeMaxCertificateTableBytes) {
      throw ParseError(std::to_string(dir.size) + " bytes, over the " +
                       std::to_string(kPeMaxCertificateTableBytes) +
                       "-byte bound; not read");
    }
    const std::string table =
        ReadExactly(read_at_, dir.address, dir.size, "certificate table");
    ByteReader r(table);
    for (int i = 0; i < kMaxCertificateEntries && r.remaining() >= 8; ++i) {
      const size_t start = r.offset();
      const uint32_t length = r.le<uint32_t>("WIN_CERTIFICATE dwLength");
      r.skip(2, "WIN_CERTIFICATE wRevision");
      const uint16_t type = r.le<uint16_t>("WIN_CERTIFICATE wCertificateType");
      if (length < 8 || length - 8 > r.remaining()) {
        throw ParseError("WIN_CERTIFICATE of " + std::to_string(length) +
                         " bytes does not fit the table");
      }
      const std::string_view content = r.bytes(length - 8, "bCertificate");
      if (type == kWinCertTypePkcsSignedData) {
        pe_.has_signature = true;
        pe_.signer = ParseAuthenticodeSigner(content);
        return;
      }
      // Entries are 8-byte aligned.
      const uint64_t next = (uint64_t{start} + length + 7) & ~uint64_t{7};
      if (next >= r.size()) return;
      r.seek(next, "next WIN_CERTIFICATE");
    }
  }

  const PeReadAt& read_at_;
  uint64_t file_size_;
  PeFile pe_;
  int directories_read_ = 0;
};

// One node of a VS_VERSIONINFO block: wLength, wValueLength, wType, a
// NUL-terminated UTF-16 key, padding to 32 bits, the value, padding, and
// the children up to wLength.
struct VersionNode {
  size_t end = 0;  ///< first byte after the node (before padding)
  std::string key;
  size_t value_at = 0;
  uint16_t value_length = 0;  ///< bytes or UTF-16 units, per wType
  uint16_t type = 0;          ///< 1: text, 0: binary
};

size_t Align4(size_t at) { return (at + 3) & ~size_t{3}; }

VersionNode ReadNode(std::string_view block, size_t at, size_t limit,
                     int& budget) {
  if (--budget < 0) throw ParseError("too many nodes in the version block");
  ByteReader r(block.substr(0, limit));
  r.seek(at, "version node");
  VersionNode n;
  const uint16_t length = r.le<uint16_t>("version node wLength");
  if (length < 6 || length > limit - at) {
    throw ParseError("version node of " + std::to_string(length) +
                     " bytes at offset " + std::to_string(at) +
                     " does not fit its parent");
  }
  n.end = at + length;
  n.value_length = r.le<uint16_t>("version node wValueLength");
  n.type = r.le<uint16_t>("version node wType");
  ByteReader k(block.substr(0, n.end));
  k.seek(r.offset(), "version node key");
  std::string raw;
  while (k.remaining() >= 2) {
    const std::string_view unit = k.bytes(2, "version node key");
    if (unit[0] == '\0' && unit[1] == '\0') break;
    raw.append(unit);
  }
  n.key = RegfUtf16ToUtf8(raw);
  n.value_at = std::min(Align4(k.offset()), n.end);
  return n;
}

// UTF-16LE text up to its NUL, cut to kMaxValueBytes of input.
std::string TextValue(std::string_view block, const VersionNode& n) {
  std::string_view v = block.substr(n.value_at, n.end - n.value_at);
  if (v.size() > kMaxValueBytes) v = v.substr(0, kMaxValueBytes);
  std::string s = RegfUtf16ToUtf8(v);
  // Trailing spaces are common in hand-written .rc files.
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

void SetOnce(std::string& field, std::string value) {
  if (field.empty()) field = std::move(value);
}

}  // namespace

PeVersionInfo ParseVersionInfo(std::string_view block) {
  int budget = kMaxVersionNodes;
  const VersionNode root = ReadNode(block, 0, block.size(), budget);
  if (root.key != "VS_VERSION_INFO") {
    throw ParseError("version resource key is \"" + root.key.substr(0, 64) +
                     "\", not VS_VERSION_INFO");
  }
  PeVersionInfo out;
  const std::string_view fixed = block.substr(
      root.value_at,
      std::min<size_t>(root.value_length, root.end - root.value_at));
  if (fixed.size() >= 52) {
    ByteReader f(fixed);
    if (f.le<uint32_t>("VS_FIXEDFILEINFO signature") == 0xFEEF04BDu) {
      f.skip(4, "VS_FIXEDFILEINFO version");
      const uint32_t ms = f.le<uint32_t>("dwFileVersionMS");
      const uint32_t ls = f.le<uint32_t>("dwFileVersionLS");
      out.fixed_file_version =
          std::to_string(ms >> 16) + "." + std::to_string(ms & 0xffff) + "." +
          std::to_string(ls >> 16) + "." + std::to_string(ls & 0xffff);
    }
  }
  // Root -> StringFileInfo -> string tables (one per language) -> strings.
  for (size_t at = Align4(root.value_at + fixed.size()); at + 6 <= root.end;) {
    const VersionNode info = ReadNode(block, at, root.end, budget);
    at = Align4(info.end);
    if (info.key != "StringFileInfo") continue;  // VarFileInfo
    for (size_t t = info.value_at; t + 6 <= info.end;) {
      const VersionNode table = ReadNode(block, t, info.end, budget);
      t = Align4(table.end);
      for (size_t s = table.value_at; s + 6 <= table.end;) {
        const VersionNode str = ReadNode(block, s, table.end, budget);
        s = Align4(str.end);
        const std::string value = TextValue(block, str);
        if (value.empty()) continue;
        if (str.key == "CompanyName") SetOnce(out.company_name, value);
        if (str.key == "ProductName") SetOnce(out.product_name, value);
        if (str.key == "ProductVersion") SetOnce(out.product_version, value);
        if (str.key == "FileVersion") SetOnce(out.file_version, value);
        if (str.key == "FileDescription") SetOnce(out.file_description, value);
        if (str.key == "OriginalFilename")
          SetOnce(out.original_filename, value);
        if (str.key == "InternalName") SetOnce(out.internal_name, value);
      }
    }
  }
  return out;
}

PeFile ParsePeFile(const PeReadAt& read_at, uint64_t file_size) {
  return Parser(read_at, file_size).Parse();
}

PeFile ParsePeBytes(std::string_view bytes) {
  const PeReadAt read_at = [bytes](uint64_t offset, uint64_t length) {
    if (offset >= bytes.size()) return std::string();
    return std::string(bytes.substr(static_cast<size_t>(offset),
                                    static_cast<size_t>(std::min<uint64_t>(
                                        length, bytes.size() - offset))));
  };
  return ParsePeFile(read_at, bytes.size());
}

}  // namespace contraband
