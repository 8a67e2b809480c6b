// XFS (the default filesystem of RHEL, CentOS, Rocky, Alma, Oracle Linux),
// which The Sleuth Kit cannot read, through libyal's libfsxfs.
#pragma once

#include <memory>

#include "evidence/block_device.h"
#include "evidence/vfs.h"

namespace contraband {

/// Whether `device` starts with an XFS superblock ("XFSB").
bool LooksLikeXfs(BlockDevice& device);

/// A read-only Vfs over the XFS filesystem on `device`, with TskVfs's
/// semantics: symlinks resolve inside this filesystem only, listings are
/// sorted, reads are bounded. The device and libfsxfs's objects live as long
/// as the Vfs. Throws EvidenceError with libfsxfs's reason when `device`
/// holds no XFS filesystem it can open.
std::unique_ptr<Vfs> OpenXfsVfs(std::shared_ptr<BlockDevice> device);

}  // namespace contraband
