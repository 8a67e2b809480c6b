// VMDK images read by our own reader (see formats/vmdk.h for why): hosted
// sparse extents (monolithicSparse, twoGbMaxExtentSparse), streamOptimized
// (compressed grains), flat extents (monolithicFlat, twoGbMaxExtentFlat),
// ZERO extents, ESX "COWD" extents, snapshot chains (parentFileNameHint),
// and the VMDK inside an OVA read in place. Extent and parent files are
// confined like QCOW2 backing files: the image's folder or --allow-backing.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "evidence/block_device.h"

namespace contraband {

struct VmdkImage {
  std::shared_ptr<BlockDevice> device;  ///< the guest disk's bytes
  std::string create_type;  ///< "monolithicSparse", ... ("" when unnamed)
  /// The files read, in order: the descriptor (or the one sparse file), its
  /// extents, then the parent's; for an OVA, the OVA.
  std::vector<std::string> files;
  std::vector<std::string> warnings;
};

/// Opens `path`: a descriptor file, or a sparse extent file with or without
/// an embedded descriptor. A sparse file whose embedded descriptor lists one
/// sparse extent is that extent, whatever name the descriptor gives it (the
/// file was renamed, or converted by qemu-img under another name). Extent
/// files and the parent are looked for as OpenConfined says. Throws
/// EvidenceError naming the file and what to do when something cannot be
/// opened or is not allowed.
VmdkImage OpenVmdkImage(const std::string& path,
                        const std::vector<std::string>& allowed_backing_dirs);

/// The disk of the OVA at `path`: its (first) VMDK member, a sparse or
/// streamOptimized extent read at its offset in the tar, never extracted.
/// Other VMDK members are named in a warning and not read. nullopt when the
/// OVA holds no VMDK (the archive opener reads its other files). Throws
/// EvidenceError when the tar is damaged or its VMDK is one this cannot
/// read in place (a descriptor naming other files, a parent).
std::optional<VmdkImage> OpenOvaImage(const std::string& path);

}  // namespace contraband
