// APFS containers (every Mac since macOS 10.13) through libyal's libfsapfs,
// which The Sleuth Kit cannot read: each volume a Vfs, and a macOS 10.15+
// System/Data pair joined by its firmlinks into one root (FirmlinkVfs).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evidence/block_device.h"
#include "evidence/vfs.h"

namespace contraband {

/// Whether `device` starts with an APFS container superblock ("NXSB" at 32).
bool LooksLikeApfsContainer(BlockDevice& device);

struct ApfsVolume {
  std::string name;   ///< "apfs1", "apfs2"...: its place in the container
  std::string label;  ///< the volume's own name, "Macintosh HD - Data"
  std::string chain;  ///< "apfs", or "apfs (system + data)" for a joined pair
  std::unique_ptr<Vfs> vfs;
};

struct ApfsContainer {
  std::vector<ApfsVolume> volumes;
  /// Volumes left out and why: locked (FileVault), unreadable.
  std::vector<std::string> warnings;
};

/// Every readable volume of the container on `device`, in container order.
/// A macOS System volume and its Data volume (found by the System volume's
/// /usr/share/firmlinks and the Data volume's contents, or by the names "X"
/// and "X - Data") become one ApfsVolume named after the System volume; the
/// Data volume is not listed again. Each Vfs keeps the container and device
/// alive. Throws EvidenceError with libfsapfs's reason when the container
/// cannot be opened at all.
ApfsContainer OpenApfsContainer(std::shared_ptr<BlockDevice> device);

/// The joining step of OpenApfsContainer, over any Vfs: `volumes` (chain
/// "apfs", in container order) with each System volume and its Data volume
/// replaced by one FirmlinkVfs named after the System volume. A pair found by
/// name whose /usr/share/firmlinks cannot be read is joined with macOS
/// 10.15's firmlinks and a warning.
std::vector<ApfsVolume> JoinSystemAndData(std::vector<ApfsVolume> volumes,
                                          std::vector<std::string>& warnings);

}  // namespace contraband
