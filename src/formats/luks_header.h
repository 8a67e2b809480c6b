// LUKS1 and LUKS2 headers (cryptsetup's on-disk format, "LUKS On-Disk Format
// Specification" 1.2.3 and the LUKS2 specification): what a key needs to
// unlock a volume and where its encrypted data lies. Parsing only; the
// cryptography is in evidence/volume/luks_volume.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

struct LuksKdf {
  std::string type;  ///< "pbkdf2", "argon2i", "argon2id"
  std::string hash;  ///< pbkdf2's hash: "sha256"
  std::string salt;  ///< raw bytes
  uint32_t iterations = 0;  ///< pbkdf2
  uint32_t time = 0;        ///< argon2 passes
  uint32_t memory_kib = 0;  ///< argon2
  uint32_t cpus = 0;        ///< argon2 lanes
};

struct LuksKeyslot {
  std::string id;          ///< "0".."7" (LUKS1) or the JSON key (LUKS2)
  uint32_t key_size = 0;   ///< bytes of the volume key it protects
  LuksKdf kdf;
  std::string af_hash;     ///< anti-forensic splitter's hash
  uint32_t stripes = 0;
  uint64_t area_offset = 0;  ///< bytes from the start of the device
  uint64_t area_size = 0;
  std::string area_cipher;   ///< "aes-xts-plain64"
  uint32_t area_key_size = 0;  ///< key bytes of the area cipher
};

struct LuksDigest {
  std::string hash;    ///< pbkdf2 hash
  std::string salt;
  std::string digest;
  uint32_t iterations = 0;
  std::vector<std::string> keyslots;  ///< ids it verifies
};

struct LuksHeader {
  int version = 0;  ///< 1 or 2
  std::string uuid;
  std::string label;
  std::vector<LuksKeyslot> keyslots;  ///< active ones only
  LuksDigest digest;                  ///< the one for the data segment
  std::string cipher;                 ///< data cipher, "aes-xts-plain64"
  uint32_t key_size = 0;              ///< volume key bytes
  uint64_t data_offset = 0;           ///< bytes
  uint64_t data_size = 0;             ///< bytes; 0: to the end of the device
  uint32_t sector_size = 512;         ///< encryption sector
  uint64_t iv_tweak = 0;              ///< LUKS2 segment iv_tweak (512-byte units)
};

inline constexpr std::string_view kLuksMagic{"LUKS\xba\xbe", 6};
/// The most header bytes ParseLuksHeader needs (LUKS2's largest metadata).
inline constexpr uint64_t kLuksMaxHeaderBytes = 4u << 20;

/// The size of the LUKS2 header area (binary header + JSON) that `head` (at
/// least the first 4096 bytes of the device) announces; 592 for LUKS1.
/// Throws ParseError when it is not a LUKS header or the size is not one of
/// the sizes LUKS2 allows.
uint64_t LuksHeaderBytes(std::string_view head);

/// Parses the header from the device's first bytes (LuksHeaderBytes of them).
/// A LUKS2 header whose checksum fails is refused (ParseError); the caller
/// may try the secondary copy at `secondary_offset`. Throws ParseError on
/// anything malformed or out of bounds.
LuksHeader ParseLuksHeader(std::string_view bytes);

/// Offsets where LUKS2 keeps the secondary header copy, for a damaged primary.
std::vector<uint64_t> LuksSecondaryHeaderOffsets();

}  // namespace contraband
