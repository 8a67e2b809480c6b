// Who signed an APK: the SHA-256 of the signer's certificate (DER), as
// `apksigner verify --print-certs` prints it. From the APK Signing Block
// (between the zip entries and the central directory; magic
// "APK Sig Block 42"): scheme v3.1 (0x1b93ad61), else v3 (0xf05368c0), else
// v2 (0x7109871a); each a list of signers -> signed data -> certificates,
// the first one the signer's. v3's proof-of-rotation attribute (0x3ba06f8c)
// lists every certificate the key was rotated through. Failing a block, the
// v1 JAR signature: META-INF/*.RSA|*.DSA|*.EC, PKCS#7 SignedData.
// Layout: source.android.com "APK Signature Scheme v2/v3" and apksig.
// Identity, not validity: no digest or signature is verified.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/apk_zip.h"

namespace contraband {

/// A signing block larger than this is refused (real ones: a few KiB, up to
/// ~100 KiB with padding and source stamps).
inline constexpr uint64_t kMaxApkSigningBlockBytes = 16u << 20;
/// A v1 signature file larger than this is not read.
inline constexpr uint64_t kMaxJarSignatureBytes = 1u << 20;

struct ApkSignature {
  std::string scheme;       ///< "v3.1", "v3", "v2", "v1"; "" when unsigned
  std::string cert_sha256;  ///< lower-case hex of the signer's certificate
  std::string subject;      ///< the certificate's subject, RFC 2253
  /// v3 proof-of-rotation: every certificate of the lineage, oldest first
  /// (the last is cert_sha256); empty without rotation.
  std::vector<std::string> lineage_sha256;
  /// Things not understood that did not stop the read.
  std::vector<std::string> problems;
};

/// The signing block's scheme pairs read from the block bytes (the 8-byte
/// size through the 16-byte magic). Throws ParseError when the sizes or the
/// magic are wrong or a pair runs past the block; a damaged scheme value is
/// a problem and the next scheme is tried. `scheme` is empty when no scheme
/// gave a certificate.
ApkSignature ParseApkSigningBlock(std::string_view block);

/// The SHA-256 (and subject) of the signer certificate of a v1 signature
/// block file (PKCS#7 SignedData). Throws ParseError.
ApkSignature ParseJarSignature(std::string_view pkcs7_der);

/// The APK's signature: the signing block before the central directory when
/// there is one with a v2/v3/v3.1 signer, else the first META-INF/*.RSA,
/// *.DSA or *.EC; scheme "" when neither. Throws ParseError only when the
/// zip itself cannot be read (ReadZipCentralDirectory's job, done before).
ApkSignature ReadApkSignature(const ZipReadAt& read_at, uint64_t file_size,
                              const ZipCentralDirectory& directory);

}  // namespace contraband
