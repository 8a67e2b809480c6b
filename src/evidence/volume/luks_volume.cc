// LUKS1 and LUKS2 volumes, opened with a password or key file and read
// through OpenSSL. Our own reader because Debian 12's libluksde (20200205)
// knows only LUKS1 and overruns a stack buffer on LUKS1 volumes made by
// cryptsetup 2.6 with its default 512-bit keys.
#include <argon2.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

#include "evidence/volume/encrypted_volume.h"
#include "formats/luks_header.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

// dm-crypt's "cipher-mode-iv" for the ciphers OpenSSL has: AES in XTS or
// CBC, with plain, plain64 or essiv:<hash> IVs.
class SectorCipher {
 public:
  /// Throws ParseError naming `spec` when it is not one we can decrypt.
  SectorCipher(const std::string& spec, const std::string& key,
               uint32_t sector_size)
      : sector_size_(sector_size) {
    const size_t dash1 = spec.find('-');
    const size_t dash2 = spec.find('-', dash1 == std::string::npos ? 0 : dash1 + 1);
    if (dash1 == std::string::npos || dash2 == std::string::npos) {
      throw ParseError("cipher " + spec + " is not cipher-mode-iv");
    }
    const std::string cipher = spec.substr(0, dash1);
    const std::string mode = spec.substr(dash1 + 1, dash2 - dash1 - 1);
    const std::string iv = spec.substr(dash2 + 1);
    if (cipher != "aes") {
      throw ParseError("cipher " + spec +
                       " is not supported (contraband reads AES volumes)");
    }
    const size_t bits = key.size() * 8;
    if (mode == "xts") {
      if (bits == 256) evp_ = EVP_aes_128_xts();
      if (bits == 512) evp_ = EVP_aes_256_xts();
    } else if (mode == "cbc") {
      if (bits == 128) evp_ = EVP_aes_128_cbc();
      if (bits == 192) evp_ = EVP_aes_192_cbc();
      if (bits == 256) evp_ = EVP_aes_256_cbc();
    }
    if (!evp_) {
      throw ParseError("cipher " + spec + " with a " + std::to_string(bits) +
                       "-bit key is not supported");
    }
    if (iv == "plain64" || iv == "plain") {
      iv_plain32_ = iv == "plain";
    } else if (iv.rfind("essiv:", 0) == 0) {
      const EVP_MD* md = EVP_get_digestbyname(iv.substr(6).c_str());
      if (!md) throw ParseError("ESSIV hash in " + spec + " is unknown");
      unsigned char salt[EVP_MAX_MD_SIZE];
      unsigned int salt_len = 0;
      EVP_Digest(key.data(), key.size(), salt, &salt_len, md, nullptr);
      const EVP_CIPHER* essiv = salt_len == 32   ? EVP_aes_256_ecb()
                                : salt_len == 24 ? EVP_aes_192_ecb()
                                : salt_len == 16 ? EVP_aes_128_ecb()
                                                 : nullptr;
      if (!essiv) throw ParseError("ESSIV hash in " + spec + " has no AES size");
      essiv_.reset(EVP_CIPHER_CTX_new());
      EVP_EncryptInit_ex(essiv_.get(), essiv, nullptr, salt, nullptr);
      EVP_CIPHER_CTX_set_padding(essiv_.get(), 0);
    } else {
      throw ParseError("IV mode \"" + iv + "\" of cipher " + spec +
                       " is not supported");
    }
    ctx_.reset(EVP_CIPHER_CTX_new());
    if (!ctx_ ||
        EVP_DecryptInit_ex(ctx_.get(), evp_, nullptr,
                           reinterpret_cast<const unsigned char*>(key.data()),
                           nullptr) != 1) {
      throw ParseError("OpenSSL cannot set up cipher " + spec);
    }
    EVP_CIPHER_CTX_set_padding(ctx_.get(), 0);
  }

  /// Decrypts whole sectors in place; the first has IV number `iv_sector`.
  bool Decrypt(unsigned char* data, size_t len, uint64_t iv_sector) {
    for (size_t off = 0; off + sector_size_ <= len; off += sector_size_) {
      unsigned char iv[16] = {};
      const uint64_t n = iv_sector++;
      for (int i = 0; i < (iv_plain32_ ? 4 : 8); ++i) {
        iv[i] = static_cast<unsigned char>(n >> (8 * i));
      }
      if (essiv_) {
        int out_len = 0;
        if (EVP_EncryptUpdate(essiv_.get(), iv, &out_len, iv, 16) != 1) {
          return false;
        }
      }
      int out_len = 0;
      if (EVP_DecryptInit_ex(ctx_.get(), nullptr, nullptr, nullptr, iv) != 1 ||
          EVP_DecryptUpdate(ctx_.get(), data + off, &out_len, data + off,
                            static_cast<int>(sector_size_)) != 1) {
        return false;
      }
    }
    return true;
  }

 private:
  const EVP_CIPHER* evp_ = nullptr;
  CipherCtx ctx_;
  CipherCtx essiv_;
  uint32_t sector_size_;
  bool iv_plain32_ = false;
};

const EVP_MD* Digest(const std::string& name) {
  const EVP_MD* md = EVP_get_digestbyname(name.c_str());
  if (!md) throw ParseError("hash " + name + " is not supported");
  return md;
}

std::string Pbkdf2(const std::string& secret, const std::string& salt,
                   uint32_t iterations, const std::string& hash, size_t len) {
  std::string out(len, '\0');
  if (PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()),
                        static_cast<int>(std::max<uint32_t>(iterations, 1)),
                        Digest(hash), static_cast<int>(len),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    throw ParseError("PBKDF2 failed");
  }
  return out;
}

std::string DeriveKey(const LuksKdf& kdf, const std::string& secret,
                      size_t len) {
  if (kdf.type == "pbkdf2") {
    return Pbkdf2(secret, kdf.salt, kdf.iterations, kdf.hash, len);
  }
  if (kdf.type != "argon2i" && kdf.type != "argon2id") {
    throw ParseError("key derivation " + kdf.type + " is not supported");
  }
  std::string out(len, '\0');
  const int rc = argon2_hash(
      std::max<uint32_t>(kdf.time, 1), kdf.memory_kib,
      std::max<uint32_t>(kdf.cpus, 1), secret.data(), secret.size(),
      kdf.salt.data(), kdf.salt.size(), out.data(), out.size(), nullptr, 0,
      kdf.type == "argon2i" ? Argon2_i : Argon2_id, ARGON2_VERSION_13);
  if (rc != ARGON2_OK) {
    throw ParseError(std::string("Argon2 failed: ") + argon2_error_message(rc));
  }
  return out;
}

// The anti-forensic splitter's diffusion: each hash-sized block replaced by
// H(block number, block).
void Diffuse(std::string& buf, const EVP_MD* md) {
  const size_t ds = static_cast<size_t>(EVP_MD_get_size(md));
  for (size_t i = 0, pos = 0; pos < buf.size(); ++i, pos += ds) {
    const size_t n = std::min(ds, buf.size() - pos);
    const unsigned char iv[4] = {
        static_cast<unsigned char>(i >> 24), static_cast<unsigned char>(i >> 16),
        static_cast<unsigned char>(i >> 8), static_cast<unsigned char>(i)};
    unsigned char out[EVP_MAX_MD_SIZE];
    EVP_MD_CTX* c = EVP_MD_CTX_new();
    EVP_DigestInit_ex(c, md, nullptr);
    EVP_DigestUpdate(c, iv, 4);
    EVP_DigestUpdate(c, buf.data() + pos, n);
    EVP_DigestFinal_ex(c, out, nullptr);
    EVP_MD_CTX_free(c);
    std::memcpy(buf.data() + pos, out, n);
  }
}

std::string AfMerge(const std::string& split, size_t key_size,
                    uint32_t stripes, const std::string& hash) {
  const EVP_MD* md = Digest(hash);
  std::string d(key_size, '\0');
  for (uint32_t s = 0; s < stripes; ++s) {
    for (size_t i = 0; i < key_size; ++i) d[i] ^= split[s * key_size + i];
    if (s + 1 < stripes) Diffuse(d, md);
  }
  return d;
}

// The volume key if `secret` opens `slot`, else "".
std::string TryKeyslot(BlockDevice& dev, const LuksHeader& h,
                       const LuksKeyslot& slot, const std::string& secret) {
  const uint64_t material = uint64_t{slot.key_size} * slot.stripes;
  const uint64_t padded = (material + 511) / 512 * 512;
  if (padded > slot.area_size + 511 || padded > (64u << 20)) {
    throw ParseError("keyslot " + slot.id + " area is smaller than its key");
  }
  std::string area(padded, '\0');
  if (dev.ReadAt(area.data(), area.size(), slot.area_offset) != area.size()) {
    throw ParseError("keyslot " + slot.id + " area lies past the end");
  }
  const std::string derived =
      DeriveKey(slot.kdf, secret, slot.area_key_size);
  SectorCipher cipher(slot.area_cipher, derived, 512);
  if (!cipher.Decrypt(reinterpret_cast<unsigned char*>(area.data()),
                      area.size(), 0)) {
    throw ParseError("keyslot " + slot.id + " cannot be decrypted");
  }
  std::string key = AfMerge(area, slot.key_size, slot.stripes, slot.af_hash);
  const std::string check = Pbkdf2(key, h.digest.salt, h.digest.iterations,
                                   h.digest.hash, h.digest.digest.size());
  return check == h.digest.digest ? key : std::string();
}

class LuksDevice : public BlockDevice {
 public:
  LuksDevice(std::shared_ptr<BlockDevice> base, const LuksHeader& h,
             const std::string& key)
      : base_(std::move(base)),
        cipher_(h.cipher, key, h.sector_size),
        offset_(h.data_offset),
        sector_(h.sector_size),
        shift_(__builtin_ctz(h.sector_size) - 9),
        iv_tweak_(h.iv_tweak) {
    const uint64_t total = base_->size();
    size_ = offset_ >= total ? 0 : total - offset_;
    if (h.data_size) size_ = std::min(size_, h.data_size);
    size_ -= size_ % sector_;
  }
  uint64_t size() const override { return size_; }
  size_t ReadAt(void* buf, size_t len, uint64_t offset) override {
    if (offset >= size_) return 0;
    len = static_cast<size_t>(std::min<uint64_t>(len, size_ - offset));
    const uint64_t first = offset / sector_;
    const uint64_t last = (offset + len + sector_ - 1) / sector_;
    std::string tmp(static_cast<size_t>((last - first) * sector_), '\0');
    const size_t got = base_->ReadAt(tmp.data(), tmp.size(), offset_ + first * sector_);
    if (got != tmp.size()) {
      throw EvidenceError("the LUKS volume's data is cut short at offset " +
                          std::to_string(offset_ + first * sector_ + got));
    }
    // dm-crypt counts IVs in 512-byte sectors plus the tweak, then (LUKS2
    // with larger sectors) in units of the sector size.
    const uint64_t iv = ((first * sector_) / 512 + iv_tweak_) >> shift_;
    if (!cipher_.Decrypt(reinterpret_cast<unsigned char*>(tmp.data()),
                         tmp.size(), iv)) {
      throw EvidenceError("the LUKS volume cannot be decrypted at offset " +
                          std::to_string(offset));
    }
    std::memcpy(buf, tmp.data() + (offset - first * sector_), len);
    return len;
  }

 private:
  std::shared_ptr<BlockDevice> base_;
  SectorCipher cipher_;
  uint64_t offset_;
  uint64_t size_ = 0;
  uint32_t sector_;
  int shift_;
  uint64_t iv_tweak_;
};

LuksHeader ReadHeader(BlockDevice& dev) {
  std::string head = ReadHead(dev, 0, 4096);
  const uint64_t need = LuksHeaderBytes(head);
  if (need > head.size()) head = ReadHead(dev, 0, need);
  try {
    return ParseLuksHeader(head);
  } catch (const ParseError& primary) {
    if (need == 592) throw;
    // A damaged LUKS2 primary header: cryptsetup falls back to the copy.
    for (uint64_t off : LuksSecondaryHeaderOffsets()) {
      std::string second = ReadHead(dev, off, 4096);
      if (second.compare(0, 6, "SKUL\xba\xbe") != 0) continue;
      try {
        second = ReadHead(dev, off, LuksHeaderBytes(second));
        return ParseLuksHeader(second);
      } catch (const ParseError&) {
      }
    }
    throw;
  }
}

}  // namespace

bool LooksLikeLuks(BlockDevice& dev) {
  return ReadHead(dev, 0, 6) == kLuksMagic;
}

UnlockResult OpenLuks(std::shared_ptr<BlockDevice> dev,
                      const std::vector<VolumeKey>& keys) {
  UnlockResult out;
  out.scheme = "LUKS";
  LuksHeader h;
  try {
    h = ReadHeader(*dev);
  } catch (const ParseError& e) {
    out.problem = std::string("its LUKS header cannot be read (") + e.what() + ")";
    return out;
  }
  out.scheme = "LUKS" + std::to_string(h.version) + " (" + h.cipher + ")";
  std::vector<std::string> tried;
  std::string failure;
  for (const VolumeKey& key : keys) {
    if (key.kind == VolumeKey::Kind::kRecoveryKey) continue;  // BitLocker's
    tried.push_back(key.label);
    for (const LuksKeyslot& slot : h.keyslots) {
      if (std::find(h.digest.keyslots.begin(), h.digest.keyslots.end(),
                    slot.id) == h.digest.keyslots.end()) {
        continue;
      }
      try {
        const std::string volume_key = TryKeyslot(*dev, h, slot, key.secret);
        if (volume_key.empty()) continue;
        out.device = std::make_shared<LuksDevice>(dev, h, volume_key);
        return out;
      } catch (const ParseError& e) {
        failure = std::string(" (keyslot ") + slot.id + ": " + e.what() + ")";
      } catch (const EvidenceError& e) {
        failure = std::string(" (") + e.what() + ")";
      }
    }
  }
  if (tried.empty()) {
    out.problem = "no key was given; use --password or --key-file";
  } else {
    std::string list;
    for (const std::string& t : tried) list += (list.empty() ? "" : ", ") + t;
    out.problem = "none of the keys given opens it (tried " + list + ")" + failure;
  }
  return out;
}

}  // namespace contraband
