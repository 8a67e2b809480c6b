// Android backups written by `adb backup` (AOSP's BackupManagerService /
// UserBackupManagerService, format versions 1 to 5): text header lines
//   "ANDROID BACKUP", version, compressed (0/1), encryption ("none" or
//   "AES-256"); when encrypted: user-password salt, master-key checksum
//   salt, PBKDF2 rounds, user-key IV, master-key blob (hex)
// then the payload: [AES-256-CBC] ( [zlib] ( tar ) ).
// The user key is PBKDF2-HMAC-SHA1(password, user salt, rounds, 256 bits);
// it decrypts the master-key blob (length-prefixed IV, master key and
// checksum); the checksum, PBKDF2 of the master key (as Java chars, UTF-8,
// since version 2), tells a wrong password from a right one.
// In the tar, each app's "apps/<package>/_manifest" (written first for each
// app) names the package, its versionCode, the platform's SDK level, the
// installer, whether the APK is included, and each signing certificate as
// hex DER: its SHA-256 is a real certificate digest. (No versionName: the
// manifest has none.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parse_error.h"

namespace contraband {

inline constexpr size_t kMaxAdbBackupHeaderBytes = 4096;
inline constexpr uint32_t kMaxAdbBackupRounds = 10'000'000;
inline constexpr size_t kMaxAdbBackupManifestBytes = 1u << 20;
inline constexpr size_t kMaxAdbBackupSignatures = 16;
inline constexpr uint64_t kMaxAdbBackupTarBytes = 64ull << 30;
inline constexpr uint64_t kMaxAdbBackupEntries = 10'000'000;

struct AdbBackupHeader {
  int version = 0;
  bool compressed = false;
  bool encrypted = false;
  // Encrypted only (raw bytes, decoded from hex):
  std::string user_salt, checksum_salt, user_iv, master_key_blob;
  uint32_t rounds = 0;
  size_t payload_offset = 0;  ///< where the payload starts in the file
};

/// Whether `head` starts an adb backup.
bool LooksLikeAdbBackup(std::string_view head);

/// Reads the header from the first bytes of the file (at least the whole
/// header: kMaxAdbBackupHeaderBytes or the file). Throws ParseError.
AdbBackupHeader ParseAdbBackupHeader(std::string_view head);

/// The password does not decrypt the backup's master key.
class AdbBackupWrongPassword : public ParseError {
 public:
  using ParseError::ParseError;
};

/// One app's _manifest.
struct AdbBackupApp {
  std::string package;
  std::string version_code;
  std::string platform_sdk;
  std::string installer;
  bool has_apk = false;
  std::vector<std::string> cert_sha256;  ///< of each signer's DER
  bool operator==(const AdbBackupApp&) const = default;
};

/// Throws ParseError when `text` is not a _manifest.
AdbBackupApp ParseAdbBackupManifest(std::string_view text);

/// A wanted tar member of the payload, whole.
struct AdbBackupMember {
  std::string name;  ///< as in the tar ("apps/com.a/_manifest")
  std::string data;
};

/// Decrypts (with `password` when the header says so) and inflates the
/// payload, read by `read` (bytes after the header, 0 at the end), and
/// walks its tar, handing over each member whose name `want` accepts and
/// whose size is within kMaxAdbBackupManifestBytes. Damage after some
/// members (a cut stream, a bad tar header) is returned as a message with
/// what was read before; a wrong password throws AdbBackupWrongPassword,
/// a header that needs a password and got none throws ParseError.
std::string ReadAdbBackupPayload(
    const AdbBackupHeader& header, const std::string* password,
    const std::function<size_t(char* buf, size_t n)>& read,
    const std::function<bool(std::string_view name)>& want,
    const std::function<void(AdbBackupMember)>& on_member);

}  // namespace contraband
