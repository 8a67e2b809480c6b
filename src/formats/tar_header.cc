#include "formats/tar_header.h"

#include <algorithm>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr uint64_t kMaxMemberBytes = uint64_t{1} << 56;

std::string Field(std::string_view block, size_t offset, size_t length) {
  std::string_view f = block.substr(offset, length);
  return std::string(f.substr(0, f.find('\0')));
}

uint64_t Octal(std::string_view f, const char* what) {
  if (!f.empty() && (static_cast<unsigned char>(f[0]) & 0x80)) {
    // GNU base-256: big-endian, the first byte's high bit set.
    uint64_t v = static_cast<unsigned char>(f[0]) & 0x7f;
    for (size_t i = 1; i < f.size(); ++i) {
      if (v > (kMaxMemberBytes >> 8)) {
        throw ParseError(std::string(what) + " is out of range");
      }
      v = (v << 8) | static_cast<unsigned char>(f[i]);
    }
    return v;
  }
  uint64_t v = 0;
  bool digits = false;
  for (char c : f) {
    if (c == ' ' || c == '\0') {
      if (digits) break;
      continue;
    }
    if (c < '0' || c > '7') {
      throw ParseError(std::string(what) + " is not an octal number");
    }
    if (v > (kMaxMemberBytes >> 3)) {
      throw ParseError(std::string(what) + " is out of range");
    }
    v = v * 8 + static_cast<uint64_t>(c - '0');
    digits = true;
  }
  return v;
}

}  // namespace

bool LooksLikeTar(std::string_view block) {
  return block.size() >= 512 && block.substr(257, 5) == "ustar";
}

TarHeader ParseTarHeader(std::string_view block) {
  if (block.size() < 512) throw ParseError("a tar header is cut short");
  block = block.substr(0, 512);
  TarHeader h;
  if (std::all_of(block.begin(), block.end(),
                  [](char c) { return c == '\0'; })) {
    h.end = true;
    return h;
  }
  uint64_t sum = 0;
  for (size_t i = 0; i < 512; ++i) {
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(block[i]);
  }
  if (Octal(block.substr(148, 8), "tar header checksum") != sum) {
    throw ParseError("a tar header's checksum does not match");
  }
  h.size = Octal(block.substr(124, 12), "tar member size");
  if (h.size > kMaxMemberBytes) throw ParseError("tar member size too large");
  h.type = block[156] == '\0' ? '0' : block[156];
  h.name = Field(block, 0, 100);
  if (LooksLikeTar(block) &&
      block.substr(257, 6) == std::string_view("ustar\0", 6)) {
    const std::string prefix = Field(block, 345, 155);
    if (!prefix.empty()) h.name = prefix + "/" + h.name;
  }
  return h;
}

std::string PaxPath(std::string_view records) {
  std::string path;
  while (!records.empty()) {
    const size_t space = records.find(' ');
    if (space == std::string_view::npos || space == 0 || space > 20) {
      throw ParseError("a pax record has no length");
    }
    uint64_t len = 0;
    for (char c : records.substr(0, space)) {
      if (c < '0' || c > '9') throw ParseError("a pax record's length is bad");
      len = len * 10 + static_cast<uint64_t>(c - '0');
    }
    if (len <= space + 1 || len > records.size()) {
      throw ParseError("a pax record's length is out of range");
    }
    std::string_view rec = records.substr(space + 1, len - space - 1);
    records.remove_prefix(len);
    if (!rec.empty() && rec.back() == '\n') rec.remove_suffix(1);
    const size_t eq = rec.find('=');
    if (eq != std::string_view::npos && rec.substr(0, eq) == "path") {
      path = std::string(rec.substr(eq + 1));
    }
  }
  return path;
}

}  // namespace contraband
