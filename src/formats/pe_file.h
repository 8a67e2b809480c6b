// Windows executables (PE32 / PE32+) read through random access: the headers,
// the section table, the VERSIONINFO resource and the Authenticode
// certificate table, and nothing else, so a 300 MB installer costs a few KiB.
// Identity, not validity: the signer is the certificate the PKCS#7 names as
// its signer; no digest, chain or time is checked, so an expired or
// re-signed file still names who signed it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/pkcs7_signer.h"

namespace contraband {

/// Up to `length` bytes of the file at `offset` (fewer at its end). May throw
/// (EvidenceError from the evidence); the parser lets that through.
using PeReadAt = std::function<std::string(uint64_t offset, uint64_t length)>;

struct PeSection {
  std::string name;  ///< up to 8 bytes, NULs dropped
  uint32_t virtual_address = 0;
  uint32_t virtual_size = 0;
  uint32_t raw_offset = 0;
  uint32_t raw_size = 0;
};

/// One entry of the optional header's data directory table.
struct PeDataDirectory {
  uint32_t address =
      0;  ///< an RVA, except the security directory: a file offset
  uint32_t size = 0;
};

/// The StringFileInfo values of the VERSIONINFO resource (first string
/// table that has each key), UTF-8; empty when absent.
struct PeVersionInfo {
  std::string company_name;
  std::string product_name;
  std::string product_version;
  std::string file_version;
  std::string file_description;
  std::string original_filename;
  std::string internal_name;
  /// VS_FIXEDFILEINFO's numeric file version "a.b.c.d", when present.
  std::string fixed_file_version;
  bool empty() const {
    return company_name.empty() && product_name.empty() &&
           product_version.empty() && file_version.empty() &&
           file_description.empty() && original_filename.empty() &&
           internal_name.empty() && fixed_file_version.empty();
  }
};

/// The Authenticode signer: the certificate matching the first SignerInfo's
/// issuer and serial number.
using PeSigner = Pkcs7Signer;

struct PeFile {
  uint16_t machine = 0;  ///< IMAGE_FILE_MACHINE_* (0x14c x86, 0x8664 x64)
  uint16_t characteristics = 0;
  bool pe32_plus = false;
  uint16_t subsystem = 0;
  std::vector<PeSection> sections;
  std::vector<PeDataDirectory> directories;
  PeVersionInfo version;
  bool has_signature = false;  ///< a PKCS#7 certificate entry was present
  PeSigner signer;             ///< empty when unsigned or unreadable
  /// Damage that did not stop the parse (a broken resource tree, an
  /// unreadable certificate table): one line each, for the collector's
  /// warnings.
  std::vector<std::string> problems;
};

/// Bounds on what one file may make the parser read.
inline constexpr uint32_t kPeMaxSections = 96;  ///< the Windows loader's limit
inline constexpr uint32_t kPeMaxResourceEntries = 4096;  ///< per directory
inline constexpr uint32_t kPeMaxVersionInfoBytes = 64 << 10;
inline constexpr uint32_t kPeMaxCertificateTableBytes = 4 << 20;

/// Parses the file of `file_size` bytes through `read_at`. Throws ParseError
/// when it is not a PE (no MZ or PE signature, headers out of the file);
/// damage in the resources or the certificate table goes to `problems`.
PeFile ParsePeFile(const PeReadAt& read_at, uint64_t file_size);

/// The same over bytes held in memory (tests, fuzzing).
PeFile ParsePeBytes(std::string_view bytes);

/// The StringFileInfo values of a VS_VERSIONINFO block. Throws ParseError
/// when the block is not one.
PeVersionInfo ParseVersionInfo(std::string_view block);

/// The signer of a WIN_CERTIFICATE's PKCS#7 SignedData (ParsePkcs7Signer).
inline PeSigner ParseAuthenticodeSigner(std::string_view pkcs7_der) {
  return ParsePkcs7Signer(pkcs7_der);
}

}  // namespace contraband
