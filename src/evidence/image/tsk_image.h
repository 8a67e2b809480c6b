// The Sleuth Kit's image interface on both sides of our BlockDevice: any
// device (a raw file, a QCOW2 image, a decrypted or logical volume) as a TSK
// image, and an image TSK's own libraries opened (E01, VMDK, VHD) as a
// device, so the layers above and below TSK can be stacked freely.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evidence/block_device.h"

// TSK's handles (tsk/libtsk.h), kept out of this header.
struct TSK_IMG_INFO;
struct TSK_FS_INFO;
struct TSK_VS_INFO;

namespace contraband {

/// A TSK image reading `device` through TSK's external-image interface; the
/// image holds a reference to the device until tsk_img_close. nullptr when
/// TSK refuses.
TSK_IMG_INFO* OpenTskImage(std::shared_ptr<BlockDevice> device);

/// The bytes of `img` as a device; `keep_alive` owns img.
std::shared_ptr<BlockDevice> TskImageDevice(TSK_IMG_INFO* img,
                                            std::shared_ptr<void> keep_alive);

/// The result of asking TSK for a filesystem at `offset` of `img`.
struct FsAttempt {
  TSK_FS_INFO* fs = nullptr;
  std::string error;    ///< why nothing opened, when TSK said
  std::string warning;  ///< something worth telling even though it opened
};

/// TSK's filesystem detection, and where it refuses because two filesystem
/// signatures match (a disk reformatted from FAT to NTFS keeps the old boot
/// sector fields), each kind in turn, saying which was chosen.
FsAttempt OpenFilesystem(TSK_IMG_INFO* img, int64_t offset);

/// Whether TSK's filesystem is NTFS (where Windows keeps shadow copies).
bool IsNtfs(const TSK_FS_INFO* fs);

/// The report's name for a partition table: "gpt", "mbr", "apm", ...
std::string VolumeSystemName(const TSK_VS_INFO* vs);

/// Partition descriptions that never hold files (swap, Microsoft reserved,
/// BIOS boot): no warning for them.
bool HoldsNoFilesystem(const char* desc);

}  // namespace contraband
