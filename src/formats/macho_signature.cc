#include "formats/macho_signature.h"

#include <algorithm>
#include <utility>

#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr uint32_t kMhMagic = 0xfeedface;
constexpr uint32_t kMhMagic64 = 0xfeedfacf;
constexpr uint32_t kFatMagic = 0xcafebabe;
constexpr uint32_t kFatMagic64 = 0xcafebabf;
constexpr uint32_t kLcCodeSignature = 0x1d;
constexpr uint32_t kSuperBlobMagic = 0xfade0cc0;
constexpr uint32_t kCodeDirectoryMagic = 0xfade0c02;
constexpr uint32_t kCmsBlobMagic = 0xfade0b01;
constexpr uint32_t kSlotCodeDirectory = 0;
constexpr uint32_t kSlotCms = 0x10000;
// A signature index is a few entries; a CodeDirectory header is under 100
// bytes; identifiers and team ids are short strings.
constexpr uint32_t kMaxIdentifierBytes = 1024;
constexpr uint64_t kMaxSignatureBytes = 64ull << 20;

uint32_t Be32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
}
uint32_t Le32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}
uint64_t Be64(std::string_view b, size_t at) {
  return static_cast<uint64_t>(Be32(b, at)) << 32 | Be32(b, at + 4);
}
uint64_t Le64(std::string_view b, size_t at) {
  return static_cast<uint64_t>(Le32(b, at + 4)) << 32 | Le32(b, at);
}

// Exactly `length` bytes at `offset` of a file of `size`, else ParseError.
std::string ReadExact(const MachOReadAt& read_at, uint64_t size,
                      uint64_t offset, uint64_t length, const char* what) {
  if (offset > size || length > size - offset) {
    throw ParseError(std::string(what) + " lies outside the file");
  }
  std::string out = read_at(offset, length);
  if (out.size() != length) {
    throw ParseError(std::string(what) + ": short read");
  }
  return out;
}

// NUL-terminated string at `at` of `blob`, bounded.
std::string CString(std::string_view blob, uint64_t at) {
  if (at >= blob.size()) throw ParseError("string offset outside the blob");
  std::string_view s = blob.substr(static_cast<size_t>(at));
  s = s.substr(0, std::min<size_t>(s.size(), kMaxIdentifierBytes));
  const size_t nul = s.find('\0');
  if (nul == std::string_view::npos) {
    throw ParseError("unterminated string in the CodeDirectory");
  }
  return std::string(s.substr(0, nul));
}

// One thin Mach-O at `base` (the slice's offset) of `slice_size` bytes.
MachOSignature ParseSlice(const MachOReadAt& read_at, uint64_t file_size,
                          uint64_t base, uint64_t slice_size,
                          std::vector<std::string>& problems) {
  const std::string head =
      ReadExact(read_at, file_size, base, 32, "Mach-O header");
  const uint32_t be = Be32(head, 0);
  const uint32_t le = Le32(head, 0);
  bool little;
  bool is64;
  if (le == kMhMagic || le == kMhMagic64) {
    little = true;
    is64 = le == kMhMagic64;
  } else if (be == kMhMagic || be == kMhMagic64) {
    little = false;
    is64 = be == kMhMagic64;
  } else {
    throw ParseError("not a Mach-O (bad magic)");
  }
  auto u32 = [little](std::string_view b, size_t at) {
    return little ? Le32(b, at) : Be32(b, at);
  };
  MachOSignature sig;
  sig.cpu_type = u32(head, 4);
  const uint32_t ncmds = u32(head, 16);
  const uint32_t sizeofcmds = u32(head, 20);
  const uint64_t header_size = is64 ? 32 : 28;
  if (ncmds > kMachOMaxLoadCommands ||
      sizeofcmds > kMachOMaxLoadCommandBytes ||
      header_size + sizeofcmds > slice_size) {
    throw ParseError("Mach-O load commands out of bounds (" +
                     std::to_string(ncmds) + " commands, " +
                     std::to_string(sizeofcmds) + " bytes)");
  }
  const std::string cmds = ReadExact(read_at, file_size, base + header_size,
                                     sizeofcmds, "Mach-O load commands");
  uint64_t pos = 0;
  uint32_t data_offset = 0;
  uint32_t data_size = 0;
  for (uint32_t i = 0; i < ncmds; ++i) {
    if (pos + 8 > cmds.size()) {
      throw ParseError("load command " + std::to_string(i) +
                       " runs past sizeofcmds");
    }
    const uint32_t cmd = u32(cmds, static_cast<size_t>(pos));
    const uint32_t cmdsize = u32(cmds, static_cast<size_t>(pos) + 4);
    if (cmdsize < 8 || cmdsize > cmds.size() - pos) {
      throw ParseError("load command " + std::to_string(i) +
                       " has a bad size");
    }
    if (cmd == kLcCodeSignature && cmdsize >= 16) {
      data_offset = u32(cmds, static_cast<size_t>(pos) + 8);
      data_size = u32(cmds, static_cast<size_t>(pos) + 12);
      sig.signed_code = true;
    }
    pos += cmdsize;
  }
  if (!sig.signed_code) return sig;
  if (data_size < 12 || data_offset > slice_size ||
      data_size > slice_size - data_offset || data_size > kMaxSignatureBytes) {
    problems.push_back("LC_CODE_SIGNATURE points outside its slice");
    return sig;
  }
  // The SuperBlob header and index first, then only the blobs wanted.
  const uint64_t sig_at = base + data_offset;
  const std::string header =
      ReadExact(read_at, file_size, sig_at, 12, "code signature");
  if (Be32(header, 0) != kSuperBlobMagic) {
    problems.push_back("code signature is not a SuperBlob");
    return sig;
  }
  const uint32_t count = Be32(header, 8);
  if (count > kMachOMaxBlobs || 12 + uint64_t{count} * 8 > data_size) {
    problems.push_back("code signature index out of bounds");
    return sig;
  }
  const std::string index = ReadExact(read_at, file_size, sig_at + 12,
                                      uint64_t{count} * 8, "SuperBlob index");
  // A compact copy of the SuperBlob holding only the blobs wanted: the
  // CodeDirectory's header and strings, and the CMS blob, re-indexed.
  std::vector<std::pair<uint32_t, std::string>> kept;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t type = Be32(index, i * 8);
    const uint32_t offset = Be32(index, i * 8 + 4);
    if (type != kSlotCodeDirectory && type != kSlotCms) continue;
    if (offset < 12 || offset > data_size - 8) {
      problems.push_back("signature blob outside the SuperBlob");
      continue;
    }
    const std::string blob_head =
        ReadExact(read_at, file_size, sig_at + offset, 8, "signature blob");
    const uint32_t length = Be32(blob_head, 4);
    if (length < 8 || length > data_size - offset) {
      problems.push_back("signature blob length out of bounds");
      continue;
    }
    uint64_t want = length;
    if (type == kSlotCodeDirectory) {
      // Header (up to the team offset) plus the strings, which follow it;
      // the page hashes after them are not needed.
      want = std::min<uint64_t>(length, 128 + 2 * kMaxIdentifierBytes);
    } else if (length > kMachOMaxCmsBytes) {
      problems.push_back("CMS blob over " + std::to_string(kMachOMaxCmsBytes) +
                         " bytes");
      continue;
    }
    std::string blob =
        ReadExact(read_at, file_size, sig_at + offset, want, "signature blob");
    // The copy's length is what was read, so nothing reads past it.
    for (int b = 0; b < 4; ++b) {
      blob[4 + static_cast<size_t>(b)] =
          static_cast<char>((want >> (8 * (3 - b))) & 0xFF);
    }
    kept.emplace_back(type, std::move(blob));
  }
  std::string compact(12 + kept.size() * 8, '\0');
  auto put = [&compact](size_t at, uint32_t v) {
    for (int b = 0; b < 4; ++b) {
      compact[at + static_cast<size_t>(b)] =
          static_cast<char>((v >> (8 * (3 - b))) & 0xFF);
    }
  };
  put(0, kSuperBlobMagic);
  put(8, static_cast<uint32_t>(kept.size()));
  for (size_t i = 0; i < kept.size(); ++i) {
    put(12 + i * 8, kept[i].first);
    put(16 + i * 8, static_cast<uint32_t>(compact.size()));
    compact += kept[i].second;
  }
  put(4, static_cast<uint32_t>(compact.size()));
  ParseCodeSignature(compact, sig, problems);
  return sig;
}

}  // namespace

void ParseCodeSignature(std::string_view blob, MachOSignature& out,
                        std::vector<std::string>& problems) {
  if (blob.size() < 12 || Be32(blob, 0) != kSuperBlobMagic) {
    throw ParseError("not a code signature SuperBlob");
  }
  const uint32_t count = Be32(blob, 8);
  if (count > kMachOMaxBlobs || 12 + uint64_t{count} * 8 > blob.size()) {
    throw ParseError("SuperBlob index out of bounds");
  }
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t type = Be32(blob, 12 + i * 8);
    const uint32_t offset = Be32(blob, 12 + i * 8 + 4);
    if (type != kSlotCodeDirectory && type != kSlotCms) continue;
    if (offset > blob.size() || blob.size() - offset < 8) {
      problems.push_back("signature blob outside the SuperBlob");
      continue;
    }
    const std::string_view rest = blob.substr(offset);
    const uint32_t magic = Be32(rest, 0);
    const uint32_t length = Be32(rest, 4);
    const std::string_view body =
        rest.substr(0, std::min<uint64_t>(length, rest.size()));
    if (type == kSlotCodeDirectory) {
      if (magic != kCodeDirectoryMagic || body.size() < 44) {
        problems.push_back("CodeDirectory slot holds no CodeDirectory");
        continue;
      }
      const uint32_t version = Be32(body, 8);
      out.code_directory_flags = Be32(body, 12);
      try {
        out.identifier = CString(body, Be32(body, 20));
        if (version >= 0x20200 && body.size() >= 52) {
          const uint32_t team = Be32(body, 48);
          if (team != 0) out.team_id = CString(body, team);
        }
      } catch (const ParseError& e) {
        problems.push_back(std::string("CodeDirectory: ") + e.what());
      }
    } else {
      if (magic != kCmsBlobMagic || body.size() <= 8) {
        problems.push_back("CMS slot holds no CMS blob");
        continue;
      }
      // An ad-hoc signature carries an empty CMS wrapper: no signer.
      try {
        out.signer = ParsePkcs7Signer(body.substr(8));
        out.has_cms = true;
      } catch (const ParseError& e) {
        problems.push_back(std::string("CMS blob: ") + e.what());
      }
    }
  }
}

const MachOSignature* MachOFile::Primary() const {
  for (const MachOSignature& s : slices) {
    if (!s.team_id.empty()) return &s;
  }
  for (const MachOSignature& s : slices) {
    if (s.has_cms) return &s;
  }
  return slices.empty() ? nullptr : &slices.front();
}

bool LooksLikeMachO(std::string_view b) {
  if (b.size() < 4) return false;
  const uint32_t be = Be32(b, 0);
  const uint32_t le = Le32(b, 0);
  return be == kMhMagic || be == kMhMagic64 || le == kMhMagic ||
         le == kMhMagic64 || be == kFatMagic || be == kFatMagic64 ||
         le == kFatMagic || le == kFatMagic64;
}

MachOFile ParseMachO(const MachOReadAt& read_at, uint64_t file_size) {
  MachOFile out;
  const std::string head = ReadExact(read_at, file_size, 0, 8, "header");
  const uint32_t be = Be32(head, 0);
  const uint32_t le = Le32(head, 0);
  const bool fat_be = be == kFatMagic || be == kFatMagic64;
  const bool fat_le = le == kFatMagic || le == kFatMagic64;
  if (!fat_be && !fat_le) {
    out.slices.push_back(ParseSlice(read_at, file_size, 0, file_size,
                                    out.problems));
    return out;
  }
  out.fat = true;
  const bool wide = (fat_be ? be : le) == kFatMagic64;
  const uint32_t n = fat_be ? Be32(head, 4) : Le32(head, 4);
  // A Java class file shares 0xcafebabe; its version makes n large.
  if (n == 0 || n > kMachOMaxArchitectures) {
    throw ParseError("fat header names " + std::to_string(n) +
                     " architectures");
  }
  const uint64_t entry = wide ? 32 : 20;
  const std::string table =
      ReadExact(read_at, file_size, 8, n * entry, "fat architecture table");
  for (uint32_t i = 0; i < n; ++i) {
    const size_t at = static_cast<size_t>(i * entry);
    auto u32 = [&](size_t o) {
      return fat_be ? Be32(table, at + o) : Le32(table, at + o);
    };
    auto u64 = [&](size_t o) {
      return fat_be ? Be64(table, at + o) : Le64(table, at + o);
    };
    const uint64_t offset = wide ? u64(8) : u32(8);
    const uint64_t size = wide ? u64(16) : u32(12);
    if (offset > file_size || size > file_size - offset) {
      out.problems.push_back("architecture " + std::to_string(i) +
                             " lies outside the file");
      continue;
    }
    try {
      out.slices.push_back(
          ParseSlice(read_at, file_size, offset, size, out.problems));
    } catch (const ParseError& e) {
      out.problems.push_back("architecture " + std::to_string(i) + ": " +
                             e.what());
    }
  }
  if (out.slices.empty()) {
    throw ParseError("no readable architecture in the fat file");
  }
  return out;
}

MachOFile ParseMachOBytes(std::string_view bytes) {
  const MachOReadAt read_at = [bytes](uint64_t offset, uint64_t length) {
    if (offset >= bytes.size()) return std::string();
    return std::string(bytes.substr(
        static_cast<size_t>(offset),
        static_cast<size_t>(std::min<uint64_t>(length, bytes.size() - offset))));
  };
  return ParseMachO(read_at, bytes.size());
}

}  // namespace contraband
