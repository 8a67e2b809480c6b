// Full-volume encryption: BitLocker (libbde) and LUKS (our own reader, see
// luks_volume.cc). Each is opened with the keys the user gave, tried in
// turn; without a key that fits, the caller reports which volume stayed
// closed and with what.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evidence/block_device.h"
#include "evidence/source.h"

namespace contraband {

struct UnlockResult {
  std::shared_ptr<BlockDevice> device;  ///< the decrypted volume, or null
  std::string scheme;   ///< "BitLocker (AES-XTS 128)", "LUKS2 (aes-xts-plain64)"
  std::string problem;  ///< why it stayed closed, when device is null
};

/// BitLocker's signature ("-FVE-FS-" in the boot sector), or the one of a
/// BitLocker To Go volume.
bool LooksLikeBitLocker(BlockDevice& dev);
UnlockResult OpenBitLocker(std::shared_ptr<BlockDevice> dev,
                           const std::vector<VolumeKey>& keys);

/// "LUKS\xba\xbe" at the start: LUKS1 or LUKS2.
bool LooksLikeLuks(BlockDevice& dev);
UnlockResult OpenLuks(std::shared_ptr<BlockDevice> dev,
                      const std::vector<VolumeKey>& keys);

}  // namespace contraband
