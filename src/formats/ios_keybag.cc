#include "formats/ios_keybag.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

uint32_t Int(std::string_view value, const char* tag) {
  if (value.size() != 4) {
    throw ParseError(std::string("keybag ") + tag + " is " +
                     std::to_string(value.size()) + " bytes, not 4");
  }
  ByteReader r(value);
  return r.be<uint32_t>(tag);
}

struct CipherCtx {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};

}  // namespace

Keybag ParseKeybag(std::string_view bytes) {
  if (bytes.size() > kKeybagMaxBytes) throw ParseError("keybag too large");
  Keybag bag;
  ByteReader r(bytes);
  bool have_uuid = false, have_wrap = false;
  KeybagClassKey pending;
  bool in_class = false;
  auto close_class = [&] {
    if (!in_class) return;
    if (bag.class_keys.size() >= kKeybagMaxClasses) {
      throw ParseError("keybag has over " + std::to_string(kKeybagMaxClasses) +
                       " class keys");
    }
    bag.class_keys[pending.protection_class] = pending;
    pending = {};
    in_class = false;
  };
  while (r.remaining() > 0) {
    const std::string_view tag = r.bytes(4, "keybag tag");
    const uint32_t length = r.be<uint32_t>("keybag length");
    const std::string_view value = r.bytes(length, "keybag value");
    if (tag == "UUID") {
      if (!have_uuid) {
        bag.uuid = std::string(value);
        have_uuid = true;
      } else {
        close_class();
        in_class = true;
      }
    } else if (in_class) {
      if (tag == "CLAS")
        pending.protection_class = Int(value, "CLAS");
      else if (tag == "WRAP")
        pending.wrap = Int(value, "WRAP");
      else if (tag == "KTYP")
        pending.key_type = Int(value, "KTYP");
      else if (tag == "WPKY")
        pending.wrapped_key = std::string(value);
    } else if (tag == "VERS") {
      bag.version = Int(value, "VERS");
    } else if (tag == "TYPE") {
      bag.type = Int(value, "TYPE");
    } else if (tag == "WRAP" && !have_wrap) {
      have_wrap = true;
    } else if (tag == "SALT") {
      bag.salt = std::string(value);
    } else if (tag == "ITER") {
      bag.iterations = Int(value, "ITER");
    } else if (tag == "DPSL") {
      bag.dp_salt = std::string(value);
    } else if (tag == "DPIC") {
      bag.dp_iterations = Int(value, "DPIC");
    }
  }
  close_class();
  if (bag.salt.empty() || bag.iterations == 0) {
    throw ParseError("keybag has no SALT or ITER");
  }
  if (bag.iterations > kKeybagMaxRounds ||
      bag.dp_iterations > kKeybagMaxRounds) {
    throw ParseError("keybag asks for more than " +
                     std::to_string(kKeybagMaxRounds) + " PBKDF2 rounds");
  }
  if (bag.class_keys.empty()) throw ParseError("keybag has no class keys");
  return bag;
}

std::string DeriveKeybagKey(const Keybag& bag, std::string_view password) {
  std::string first(32, '\0');
  std::string_view input = password;
  // Before iOS 10.2 there was no DPSL/DPIC round: the password goes
  // straight into the SHA-1 round.
  if (!bag.dp_salt.empty() && bag.dp_iterations > 0) {
    if (PKCS5_PBKDF2_HMAC(
            password.data(), static_cast<int>(password.size()),
            reinterpret_cast<const unsigned char*>(bag.dp_salt.data()),
            static_cast<int>(bag.dp_salt.size()),
            static_cast<int>(bag.dp_iterations), EVP_sha256(), 32,
            reinterpret_cast<unsigned char*>(first.data())) != 1) {
      throw ParseError("PBKDF2-SHA256 failed");
    }
    input = first;
  }
  std::string key(32, '\0');
  if (PKCS5_PBKDF2_HMAC(input.data(), static_cast<int>(input.size()),
                        reinterpret_cast<const unsigned char*>(bag.salt.data()),
                        static_cast<int>(bag.salt.size()),
                        static_cast<int>(bag.iterations), EVP_sha1(), 32,
                        reinterpret_cast<unsigned char*>(key.data())) != 1) {
    throw ParseError("PBKDF2-SHA1 failed");
  }
  return key;
}

std::string AesKeyUnwrap(std::string_view kek, std::string_view wrapped) {
  if (kek.size() != 32 || wrapped.size() < 24 || wrapped.size() % 8 != 0 ||
      wrapped.size() > 1024) {
    return {};
  }
  CipherCtx c;
  if (!c.ctx) return {};
  EVP_CIPHER_CTX_set_flags(c.ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  if (EVP_DecryptInit_ex(c.ctx, EVP_aes_256_wrap(), nullptr,
                         reinterpret_cast<const unsigned char*>(kek.data()),
                         nullptr) != 1) {
    return {};
  }
  std::string out(wrapped.size(), '\0');
  int len = 0;
  if (EVP_DecryptUpdate(c.ctx, reinterpret_cast<unsigned char*>(out.data()),
                        &len,
                        reinterpret_cast<const unsigned char*>(wrapped.data()),
                        static_cast<int>(wrapped.size())) != 1) {
    return {};
  }
  int tail = 0;
  if (EVP_DecryptFinal_ex(c.ctx,
                          reinterpret_cast<unsigned char*>(out.data()) + len,
                          &tail) != 1) {
    return {};
  }
  out.resize(static_cast<size_t>(len + tail));
  return out;
}

std::map<uint32_t, std::string> UnwrapClassKeys(const Keybag& bag,
                                                std::string_view key) {
  std::map<uint32_t, std::string> out;
  for (const auto& [clas, ck] : bag.class_keys) {
    if (!(ck.wrap & 2)) continue;  // wrapped by the device's key only
    // A wrong key fails every unwrap's integrity check; a class that fails
    // alone is left out (its files cannot be read).
    if (std::string k = AesKeyUnwrap(key, ck.wrapped_key); !k.empty()) {
      out[clas] = std::move(k);
    }
  }
  return out;
}

std::string UnwrapFileKey(const std::map<uint32_t, std::string>& class_keys,
                          std::string_view class_and_wrapped_key) {
  ByteReader r(class_and_wrapped_key);
  const uint32_t clas = r.le<uint32_t>("file key class");
  auto it = class_keys.find(clas);
  if (it == class_keys.end()) {
    throw ParseError("file key of protection class " + std::to_string(clas) +
                     ", which the keybag has no key for");
  }
  std::string key = AesKeyUnwrap(it->second, r.bytes(r.remaining(), "key"));
  if (key.empty()) throw ParseError("file key does not unwrap");
  return key;
}

std::string DecryptAesCbcZeroIv(std::string_view key, std::string_view data) {
  static constexpr char kZeroIv[16] = {};
  return DecryptAesCbc(key, std::string_view(kZeroIv, 16), data);
}

std::string DecryptAesCbc(std::string_view key, std::string_view iv,
                          std::string_view data) {
  if (key.size() != 32) throw ParseError("AES key is not 32 bytes");
  if (iv.size() != 16) throw ParseError("AES IV is not 16 bytes");
  if (data.size() % 16 != 0) {
    throw ParseError("encrypted data is not whole AES blocks");
  }
  CipherCtx c;
  if (!c.ctx ||
      EVP_DecryptInit_ex(c.ctx, EVP_aes_256_cbc(), nullptr,
                         reinterpret_cast<const unsigned char*>(key.data()),
                         reinterpret_cast<const unsigned char*>(iv.data())) !=
          1) {
    throw ParseError("AES-256-CBC setup failed");
  }
  EVP_CIPHER_CTX_set_padding(c.ctx, 0);
  std::string out(data.size(), '\0');
  // In pieces: EVP's lengths are ints.
  constexpr size_t kPiece = 1u << 30;
  size_t done = 0;
  for (size_t at = 0; at < data.size(); at += kPiece) {
    const size_t n = std::min(kPiece, data.size() - at);
    int len = 0;
    if (EVP_DecryptUpdate(
            c.ctx, reinterpret_cast<unsigned char*>(out.data()) + done, &len,
            reinterpret_cast<const unsigned char*>(data.data()) + at,
            static_cast<int>(n)) != 1) {
      throw ParseError("AES-256-CBC failed");
    }
    done += static_cast<size_t>(len);
  }
  int tail = 0;
  if (EVP_DecryptFinal_ex(c.ctx,
                          reinterpret_cast<unsigned char*>(out.data()) + done,
                          &tail) != 1) {
    throw ParseError("AES-256-CBC failed");
  }
  out.resize(done + static_cast<size_t>(tail));
  return out;
}

}  // namespace contraband
