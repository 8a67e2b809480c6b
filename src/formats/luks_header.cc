#include "formats/luks_header.h"

#include <openssl/evp.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "formats/byte_reader.h"

namespace contraband {
namespace {

using nlohmann::json;

constexpr uint32_t kLuks1KeyslotEnabled = 0x00AC71F3;
constexpr size_t kLuks1HeaderBytes = 592;
constexpr size_t kLuks2BinaryHeaderBytes = 4096;
// Bounds against hostile headers: real volumes use 32- or 64-byte keys, at
// most 4000 stripes and a few keyslots.
constexpr uint32_t kMaxKeyBytes = 128;
constexpr uint32_t kMaxStripes = 1u << 16;
constexpr size_t kMaxKeyslots = 32;
constexpr size_t kMaxSaltBytes = 1024;
// Key derivation cost a header may demand per key tried: cryptsetup picks
// about two seconds' worth on the machine that made it (a few million
// PBKDF2 rounds; Argon2 up to 4 GiB and a handful of passes).
constexpr uint64_t kMaxIterations = 1u << 26;

std::string Fixed(std::string_view field) {
  return std::string(field.substr(0, field.find('\0')));
}

std::string Base64Decode(const std::string& text, const char* what) {
  if (text.size() > 4 * kMaxSaltBytes) {
    throw ParseError(std::string(what) + " is too long");
  }
  std::string out((text.size() / 4 + 1) * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0 || text.size() % 4 != 0) {
    throw ParseError(std::string(what) + " is not base64");
  }
  size_t len = static_cast<size_t>(n);
  // EVP_DecodeBlock counts the '=' padding as zero bytes.
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --len;
  out.resize(len);
  return out;
}

// LUKS2 stores 64-bit numbers as JSON strings.
uint64_t Number(const json& j, const char* key, const char* what) {
  if (!j.is_object() || !j.contains(key)) {
    throw ParseError(std::string(what) + ": no " + key);
  }
  const json& v = j.at(key);
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s.empty() || s.size() > 20 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      throw ParseError(std::string(what) + ": " + key + " is not a number");
    }
    try {
      return std::stoull(s);
    } catch (const std::exception&) {
      throw ParseError(std::string(what) + ": " + key + " is out of range");
    }
  }
  throw ParseError(std::string(what) + ": " + key + " is not a number");
}

uint32_t Small(const json& j, const char* key, const char* what,
               uint64_t max) {
  const uint64_t v = Number(j, key, what);
  if (v > max) {
    throw ParseError(std::string(what) + ": " + key + " " + std::to_string(v) +
                     " is larger than " + std::to_string(max));
  }
  return static_cast<uint32_t>(v);
}

std::string Text(const json& j, const char* key, const char* what) {
  if (!j.is_object() || !j.contains(key) || !j.at(key).is_string()) {
    throw ParseError(std::string(what) + ": no " + key);
  }
  const std::string& s = j.at(key).get_ref<const std::string&>();
  if (s.size() > 256) throw ParseError(std::string(what) + ": " + key + " too long");
  return s;
}

LuksHeader ParseLuks1(std::string_view bytes) {
  ByteReader r(bytes);
  LuksHeader h;
  h.version = 1;
  r.skip(8, "magic and version");
  const std::string cipher_name = Fixed(r.bytes(32, "cipher name"));
  const std::string cipher_mode = Fixed(r.bytes(32, "cipher mode"));
  const std::string hash = Fixed(r.bytes(32, "hash spec"));
  const uint32_t payload = r.be<uint32_t>("payload offset");
  h.key_size = r.be<uint32_t>("key bytes");
  h.digest.digest = std::string(r.bytes(20, "master key digest"));
  h.digest.salt = std::string(r.bytes(32, "master key digest salt"));
  h.digest.iterations = r.be<uint32_t>("master key digest iterations");
  h.digest.hash = hash;
  h.uuid = Fixed(r.bytes(40, "uuid"));
  if (h.key_size == 0 || h.key_size > kMaxKeyBytes) {
    throw ParseError("key size " + std::to_string(h.key_size) +
                     " is out of bounds");
  }
  h.cipher = cipher_name + "-" + cipher_mode;
  h.data_offset = uint64_t{payload} * 512;
  for (int i = 0; i < 8; ++i) {
    const uint32_t active = r.be<uint32_t>("keyslot state");
    LuksKeyslot k;
    k.id = std::to_string(i);
    k.kdf.type = "pbkdf2";
    k.kdf.hash = hash;
    k.kdf.iterations = r.be<uint32_t>("keyslot iterations");
    k.kdf.salt = std::string(r.bytes(32, "keyslot salt"));
    const uint32_t material = r.be<uint32_t>("key material offset");
    k.stripes = r.be<uint32_t>("stripes");
    if (active != kLuks1KeyslotEnabled) continue;
    if (k.stripes == 0 || k.stripes > kMaxStripes) {
      throw ParseError("keyslot " + k.id + ": " + std::to_string(k.stripes) +
                       " stripes is out of bounds");
    }
    k.key_size = h.key_size;
    k.af_hash = hash;
    k.area_offset = uint64_t{material} * 512;
    k.area_size = uint64_t{h.key_size} * k.stripes;
    k.area_cipher = h.cipher;
    k.area_key_size = h.key_size;
    h.digest.keyslots.push_back(k.id);
    h.keyslots.push_back(std::move(k));
  }
  return h;
}

// The LUKS2 binary header's checksum: the hash of the whole header area with
// the checksum field zeroed.
bool Luks2ChecksumMatches(std::string_view area, const std::string& alg) {
  const EVP_MD* md = EVP_get_digestbyname(alg.c_str());
  if (!md) throw ParseError("header checksum algorithm " + alg + " is unknown");
  std::string copy(area);
  constexpr size_t kCsumOffset = 448;
  std::fill(copy.begin() + kCsumOffset, copy.begin() + kCsumOffset + 64, '\0');
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(copy.data(), copy.size(), out, &len, md, nullptr) != 1) {
    return false;
  }
  return area.substr(kCsumOffset, len) ==
         std::string_view(reinterpret_cast<char*>(out), len);
}

LuksHeader ParseLuks2(std::string_view bytes) {
  ByteReader r(bytes);
  LuksHeader h;
  h.version = 2;
  r.skip(8, "magic and version");
  const uint64_t hdr_size = r.be<uint64_t>("header size");
  r.skip(8, "sequence id");
  h.label = Fixed(r.bytes(48, "label"));
  const std::string csum_alg = Fixed(r.bytes(32, "checksum algorithm"));
  r.skip(64, "salt");
  h.uuid = Fixed(r.bytes(40, "uuid"));
  std::string_view area = ByteReader::Slice(bytes, 0, hdr_size, "header area");
  if (!Luks2ChecksumMatches(area, csum_alg)) {
    throw ParseError("the LUKS2 header checksum does not match (damaged)");
  }
  std::string_view text = area.substr(kLuks2BinaryHeaderBytes);
  text = text.substr(0, text.find('\0'));
  const json meta = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (meta.is_discarded() || !meta.is_object()) {
    throw ParseError("the LUKS2 metadata is not valid JSON");
  }
  // The data segment (cryptsetup makes exactly one, "0", of type crypt).
  const json& segments = meta.value("segments", json::object());
  const json* segment = nullptr;
  std::string segment_id;
  if (segments.is_object()) {
    for (auto it = segments.begin(); it != segments.end(); ++it) {
      if (it.value().is_object() && it.value().value("type", "") == "crypt") {
        segment = &it.value();
        segment_id = it.key();
        break;
      }
    }
  }
  if (!segment) throw ParseError("the LUKS2 metadata has no crypt segment");
  h.cipher = Text(*segment, "encryption", "segment");
  h.data_offset = Number(*segment, "offset", "segment");
  const json& size = segment->value("size", json("dynamic"));
  h.data_size = size == "dynamic" ? 0 : Number(*segment, "size", "segment");
  h.iv_tweak = Number(*segment, "iv_tweak", "segment");
  h.sector_size = Small(*segment, "sector_size", "segment", 4096);
  if (h.sector_size < 512 || (h.sector_size & (h.sector_size - 1)) != 0) {
    throw ParseError("segment sector size " + std::to_string(h.sector_size) +
                     " is not a power of two from 512 to 4096");
  }
  // The digest that verifies the volume key of that segment.
  const json& digests = meta.value("digests", json::object());
  bool have_digest = false;
  if (digests.is_object()) {
    for (auto it = digests.begin(); it != digests.end() && !have_digest; ++it) {
      const json& d = it.value();
      if (!d.is_object() || d.value("type", "") != "pbkdf2") continue;
      const json& segs = d.value("segments", json::array());
      if (!segs.is_array() ||
          std::find(segs.begin(), segs.end(), json(segment_id)) == segs.end()) {
        continue;
      }
      h.digest.hash = Text(d, "hash", "digest");
      h.digest.iterations = Small(d, "iterations", "digest", kMaxIterations);
      h.digest.salt = Base64Decode(Text(d, "salt", "digest"), "digest salt");
      h.digest.digest =
          Base64Decode(Text(d, "digest", "digest"), "digest value");
      for (const json& k : d.value("keyslots", json::array())) {
        if (k.is_string() && h.digest.keyslots.size() < kMaxKeyslots) {
          h.digest.keyslots.push_back(k.get<std::string>());
        }
      }
      have_digest = true;
    }
  }
  if (!have_digest) {
    throw ParseError("the LUKS2 metadata has no pbkdf2 digest for its segment");
  }
  const json& keyslots = meta.value("keyslots", json::object());
  if (!keyslots.is_object()) throw ParseError("LUKS2 keyslots is not an object");
  for (auto it = keyslots.begin(); it != keyslots.end(); ++it) {
    if (h.keyslots.size() >= kMaxKeyslots) break;
    const json& k = it.value();
    if (!k.is_object() || k.value("type", "") != "luks2") continue;
    const std::string what = "keyslot " + it.key();
    LuksKeyslot slot;
    slot.id = it.key();
    slot.key_size = Small(k, "key_size", what.c_str(), kMaxKeyBytes);
    const json& af = k.value("af", json::object());
    slot.af_hash = Text(af, "hash", what.c_str());
    slot.stripes = Small(af, "stripes", what.c_str(), kMaxStripes);
    const json& area_json = k.value("area", json::object());
    slot.area_offset = Number(area_json, "offset", what.c_str());
    slot.area_size = Number(area_json, "size", what.c_str());
    slot.area_cipher = Text(area_json, "encryption", what.c_str());
    slot.area_key_size =
        Small(area_json, "key_size", what.c_str(), kMaxKeyBytes);
    const json& kdf = k.value("kdf", json::object());
    slot.kdf.type = Text(kdf, "type", what.c_str());
    slot.kdf.salt = Base64Decode(Text(kdf, "salt", what.c_str()), "kdf salt");
    if (slot.kdf.type == "pbkdf2") {
      slot.kdf.hash = Text(kdf, "hash", what.c_str());
      slot.kdf.iterations = Small(kdf, "iterations", what.c_str(), kMaxIterations);
    } else {
      slot.kdf.time = Small(kdf, "time", what.c_str(), 64);
      slot.kdf.memory_kib = Small(kdf, "memory", what.c_str(), 4u << 20);
      slot.kdf.cpus = Small(kdf, "cpus", what.c_str(), 64);
    }
    if (slot.key_size == 0 || slot.stripes == 0) {
      throw ParseError(what + ": empty key or no stripes");
    }
    h.key_size = std::max(h.key_size, slot.key_size);
    h.keyslots.push_back(std::move(slot));
  }
  return h;
}

}  // namespace

uint64_t LuksHeaderBytes(std::string_view head) {
  ByteReader r(head);
  const std::string_view magic = r.bytes(6, "magic");
  // LUKS2 keeps a second copy of its header, with the magic reversed.
  const bool secondary = magic == std::string_view("SKUL\xba\xbe", 6);
  if (magic != kLuksMagic && !secondary) throw ParseError("not a LUKS header");
  const uint16_t version = r.be<uint16_t>("version");
  if (version == 1 && !secondary) return kLuks1HeaderBytes;
  if (version != 2) {
    throw ParseError("LUKS version " + std::to_string(version) +
                     " is not one contraband reads (1 or 2)");
  }
  const uint64_t size = r.be<uint64_t>("header size");
  // LUKS2 allows 16 KiB to 4 MiB, in powers of two.
  if (size < 16384 || size > kLuksMaxHeaderBytes || (size & (size - 1)) != 0) {
    throw ParseError("LUKS2 header size " + std::to_string(size) +
                     " is not one LUKS2 allows");
  }
  return size;
}

LuksHeader ParseLuksHeader(std::string_view bytes) {
  const uint64_t need = LuksHeaderBytes(bytes);
  if (bytes.size() < need) {
    throw ParseError("the LUKS header is cut short (" +
                     std::to_string(bytes.size()) + " of " +
                     std::to_string(need) + " bytes)");
  }
  return need == kLuks1HeaderBytes ? ParseLuks1(bytes) : ParseLuks2(bytes);
}

std::vector<uint64_t> LuksSecondaryHeaderOffsets() {
  std::vector<uint64_t> out;
  for (uint64_t off = 16384; off <= kLuksMaxHeaderBytes; off *= 2) out.push_back(off);
  return out;
}

}  // namespace contraband
