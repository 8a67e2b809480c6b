// The keybag of an encrypted iPhone backup (Manifest.plist BackupKeyBag)
// and what it unlocks. The keybag is a run of TLV records (4-byte tag,
// 4-byte big-endian length, value; 4-byte values are big-endian integers):
// first the bag's own VERS, TYPE, UUID, HMCK, WRAP, SALT, ITER, DPWT, DPIC,
// DPSL, then per protection class a UUID followed by CLAS, WRAP, KTYP, WPKY
// (the class key, AES-wrapped).
// With the backup password:
//   key = PBKDF2-HMAC-SHA1(PBKDF2-HMAC-SHA256(password, DPSL, DPIC),
//                          SALT, ITER), 32 bytes;
//   class key = AES key unwrap (RFC 3394) of WPKY with key, for classes
//     wrapped with the passcode (WRAP bit 2); a failed integrity check means
//     a wrong password;
//   ManifestKey (4-byte little-endian class, then a wrapped key) unwraps with
//     that class key to the AES-256 key of Manifest.db, encrypted in CBC
//     mode with a zero IV.
// All in memory, with OpenSSL. Nothing is verified beyond the unwraps.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace contraband {

/// Bounds on a hostile keybag: PBKDF2 rounds (iOS uses DPIC 10,000,000 and
/// ITER 10,000), and class keys.
inline constexpr uint32_t kKeybagMaxRounds = 50'000'000;
inline constexpr size_t kKeybagMaxClasses = 64;
inline constexpr size_t kKeybagMaxBytes = 1u << 20;

struct KeybagClassKey {
  uint32_t protection_class = 0;  ///< CLAS
  uint32_t wrap = 0;              ///< WRAP: 1 device key, 2 passcode
  uint32_t key_type = 0;          ///< KTYP
  std::string wrapped_key;        ///< WPKY
};

struct Keybag {
  uint32_t version = 0;  ///< VERS
  uint32_t type = 0;     ///< TYPE: 1 backup
  std::string uuid;
  std::string salt;            ///< SALT (PBKDF2-SHA1)
  uint32_t iterations = 0;     ///< ITER
  std::string dp_salt;         ///< DPSL (PBKDF2-SHA256), iOS 10.2+
  uint32_t dp_iterations = 0;  ///< DPIC
  std::map<uint32_t, KeybagClassKey> class_keys;  ///< by CLAS
};

/// Parses the TLV records. Throws ParseError on a damaged record, a count
/// or round number past the bounds, or a bag without SALT/ITER.
Keybag ParseKeybag(std::string_view bytes);

/// The 32-byte key that unwraps the class keys (the slow part: PBKDF2 with
/// DPIC then ITER rounds). Throws ParseError when OpenSSL fails.
std::string DeriveKeybagKey(const Keybag& bag, std::string_view password);

/// The class keys unwrapped with `key`, by class: empty when the key is
/// wrong (no passcode-wrapped class key unwraps; one that fails alone is
/// left out).
std::map<uint32_t, std::string> UnwrapClassKeys(const Keybag& bag,
                                                std::string_view key);

/// RFC 3394 AES key unwrap; nullopt-like empty string when the integrity
/// check fails or the sizes are wrong.
std::string AesKeyUnwrap(std::string_view kek, std::string_view wrapped);

/// The file key of a ManifestKey or an MBFile EncryptionKey (4-byte
/// little-endian class, then the wrapped key). Throws ParseError when it is
/// too short, names a class the keybag has no key for, or does not unwrap.
std::string UnwrapFileKey(const std::map<uint32_t, std::string>& class_keys,
                          std::string_view class_and_wrapped_key);

/// AES-256-CBC with a zero IV, no padding removed. Throws ParseError when
/// the key is not 32 bytes or the data not whole blocks.
std::string DecryptAesCbcZeroIv(std::string_view key, std::string_view data);

/// The same from the 16-byte `iv`: a range of CBC data decrypts on its own
/// with the ciphertext block before it as IV.
std::string DecryptAesCbc(std::string_view key, std::string_view iv,
                          std::string_view data);

}  // namespace contraband
