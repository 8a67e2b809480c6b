// Apple code requirements in their compiled form (a Requirement blob, magic
// 0xfade0c00): what macOS stores in TCC.db's csreq column for each app it
// asked a permission for, and what codesign puts in a signature's
// Requirements slot as the designated requirement. For a Developer ID app
// it reads `identifier "us.zoom.xos" and anchor apple generic and ...
// certificate leaf[subject.OU] = BJ4HAAB9B3`: the app's identity, kept by
// TCC.db after the app itself is deleted.
//
// The blob: magic, length, kind (1: expression), then the expression as
// big-endian 32-bit opcodes in prefix order; operands are 32-bit integers
// (certificate slots, match operators) or data (a 32-bit length, the bytes,
// zero padding to 4). Only what identifies the signer is taken; the rest is
// walked over. Identity, not validity: nothing is verified.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace contraband {

struct CodeRequirement {
  std::string identifier;  ///< `identifier "..."`
  /// `certificate leaf[subject.OU] = X` in a requirement that also says
  /// `anchor apple generic` (a certificate Apple issued, whose OU is the
  /// Team ID); empty otherwise: a self-signed certificate can carry any OU.
  std::string team_id;
  bool apple_anchor = false;  ///< `anchor apple` or `anchor apple generic`
};

inline constexpr size_t kCodeRequirementMaxBytes = 64 * 1024;
inline constexpr int kCodeRequirementMaxDepth = 64;
inline constexpr size_t kCodeRequirementMaxOps = 4096;

/// Throws ParseError when `blob` is not a compiled expression requirement,
/// is longer than kCodeRequirementMaxBytes, nests deeper than
/// kCodeRequirementMaxDepth, or an operand runs past its end.
CodeRequirement ParseCodeRequirement(std::string_view blob);

}  // namespace contraband
