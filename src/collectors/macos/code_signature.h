// The signer fields of a software record from an Apple code signature, for
// every collector that reads Mach-O executables (macOS apps, iOS bundles,
// IPA files), so they all report a signature the same way.
#pragma once

#include "formats/macho_signature.h"
#include "scan/software.h"

namespace contraband {

/// Sets sw.signer from `sig`: the CodeDirectory's Team ID and, with a CMS
/// blob, the leaf certificate's common name (else its subject) and SHA-256.
/// The leaf's organisation becomes the publisher when none is known yet
/// (an App Store app's seller name, read first, wins over Apple's O).
void ApplyCodeSignature(const MachOSignature& sig, Software& sw);

}  // namespace contraband
