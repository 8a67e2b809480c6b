// Mach-O executables (thin 32/64-bit of either byte order, and fat/universal
// files) read through random access down to their code signature: the
// header and load commands, LC_CODE_SIGNATURE's SuperBlob index, the
// CodeDirectory's identifier and Team ID, and the CMS blob's leaf
// certificate. Nothing else of a (often 200 MB) executable is read.
// Identity, not validity: nothing is verified.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/pkcs7_signer.h"

namespace contraband {

/// Up to `length` bytes at `offset` (fewer at the end); may throw.
using MachOReadAt =
    std::function<std::string(uint64_t offset, uint64_t length)>;

/// One architecture's code signature.
struct MachOSignature {
  uint32_t cpu_type = 0;
  bool signed_code = false;  ///< LC_CODE_SIGNATURE present
  std::string identifier;    ///< CodeDirectory identifier (signing id)
  std::string team_id;       ///< CodeDirectory team id (version >= 0x20200)
  uint32_t code_directory_flags = 0;
  bool has_cms = false;  ///< a CMS blob with a certificate (not ad-hoc)
  Pkcs7Signer signer;    ///< the CMS blob's signer certificate
};

struct MachOFile {
  bool fat = false;
  std::vector<MachOSignature> slices;  ///< one per architecture read
  /// Damage that did not stop the parse (a slice out of the file, an
  /// unreadable CMS blob), one line each.
  std::vector<std::string> problems;

  /// The first slice that names a Team ID (CodeDirectory, else the CMS
  /// leaf's OU is *not* taken: a self-signed certificate can carry any OU),
  /// else the first slice; nullptr when there is none.
  const MachOSignature* Primary() const;
};

inline constexpr uint32_t kMachOMaxArchitectures = 16;
inline constexpr uint32_t kMachOMaxLoadCommands = 4096;
inline constexpr uint32_t kMachOMaxLoadCommandBytes = 1u << 20;
inline constexpr uint32_t kMachOMaxBlobs = 64;
inline constexpr uint32_t kMachOMaxCmsBytes = 1u << 20;

/// True when the first bytes are a Mach-O or fat magic.
bool LooksLikeMachO(std::string_view first_bytes);

/// Parses the file of `file_size` bytes. Throws ParseError when it is not a
/// Mach-O (or fat) file or its headers lie outside the file.
MachOFile ParseMachO(const MachOReadAt& read_at, uint64_t file_size);
MachOFile ParseMachOBytes(std::string_view bytes);

/// A SuperBlob (magic 0xfade0cc0) held in memory: fills `out`'s identifier,
/// team id and signer. Throws ParseError when it is not one.
void ParseCodeSignature(std::string_view super_blob, MachOSignature& out,
                        std::vector<std::string>& problems);

}  // namespace contraband
