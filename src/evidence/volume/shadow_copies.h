// Volume Shadow Copies of an NTFS volume, through libvshadow: each snapshot
// is the whole volume as it was when Windows took it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evidence/block_device.h"

namespace contraband {

struct ShadowCopy {
  int number = 0;             ///< 1, 2, ... oldest first, as vshadowinfo lists
  std::string created;        ///< RFC 3339 UTC
  std::shared_ptr<BlockDevice> device;
};

struct ShadowCopies {
  std::vector<ShadowCopy> copies;
  std::vector<std::string> warnings;
};

/// The snapshots on the NTFS volume `volume`; none when it has no shadow copy
/// area. Damaged stores are warnings.
ShadowCopies OpenShadowCopies(std::shared_ptr<BlockDevice> volume);

/// A Windows FILETIME (100 ns since 1601) as RFC 3339 UTC; "" for 0.
std::string FiletimeToRfc3339(uint64_t filetime);

}  // namespace contraband
