// LVM2 physical volumes, read through libvslvm: every logical volume of the
// volume group becomes a device of its own ("vg0/root").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evidence/block_device.h"

namespace contraband {

/// Whether an LVM2 label ("LABELONE" ... "LVM2 001") sits in one of the first
/// four sectors of `dev`.
bool LooksLikeLvmPhysicalVolume(BlockDevice& dev);

struct LogicalVolume {
  std::string name;  ///< "vg0/root"
  std::shared_ptr<BlockDevice> device;
};

struct LvmVolumeGroup {
  std::string name;  ///< "vg0"
  std::vector<LogicalVolume> volumes;
  std::vector<std::string> warnings;  ///< volumes that could not be opened
};

/// The logical volumes of the volume group whose physical volume is `pv`.
/// Throws EvidenceError (with libvslvm's reason) when the metadata cannot be
/// read. A volume group spread over several physical volumes is read only
/// where its extents lie on `pv`; the others are warned about.
LvmVolumeGroup OpenLvmVolumeGroup(std::shared_ptr<BlockDevice> pv);

}  // namespace contraband
